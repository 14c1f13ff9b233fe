/* Validation of configuration values, independent of httpd so sencectl and tests share it.
 * Every check returns NULL when the value is fine, or an English reason naming the fix. */
#ifndef SENCE_SETTINGS_H
#define SENCE_SETTINGS_H

#include <apr_pools.h>
#include "run.h"

typedef enum { SENCE_ENV_UNSET = -1, SENCE_ENV_TEST = 0, SENCE_ENV_PRODUCTION = 1 } sence_env_t;

/* RUT of the OTEC: normalised into out. */
const char *sence_check_rut(const char *in, char out[SENCE_RUN_MAX + 1]);

/* Token: 36 characters of letters, digits and hyphens (SENCE issues GUIDs). */
const char *sence_check_token(const char *token);

const char *sence_check_linea(const char *s, int *out);

/* CodSence / CodigoCurso for a line. "-1" is SENCE's test value: refused in production. */
const char *sence_check_cod_sence(const char *s, int linea, sence_env_t env);
const char *sence_check_codigo_curso(const char *s, sence_env_t env);

/* scheme://host[:port], http or https, no path, query, fragment or credentials. */
const char *sence_check_public_url(const char *url);

/* Base URL of SENCE or of a simulator: absolute http(s) URL, no query or fragment. */
const char *sence_check_endpoint(const char *url);

/* An absolute path without trailing slash, dots segments or characters needing escapes. */
const char *sence_check_callback_path(const char *path);

/* public + path + suffix; reason if longer than SENCE's 100-character URL limit. */
const char *sence_callback_url(apr_pool_t *p, const char *public_url, const char *path,
                               const char *suffix, const char **out);

/* The SENCE base URL for an environment, unless an endpoint overrides it. */
const char *sence_base_url(sence_env_t env, const char *endpoint);

#endif
