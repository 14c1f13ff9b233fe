/* Moodle mode's policy table: Moodle's entry points and AJAX/web-service functions, what each
 * is for a gated participant (a site page, content named by which parameters) and the module
 * instance parameters. One place, to be checked against Moodle's scripts; policy.c applies it.
 * Pure: APR only. */
#ifndef SENCE_MOODLE_POLICY_TABLE_H
#define SENCE_MOODLE_POLICY_TABLE_H

#include "moodle/policy.h"

/* A parameter an entry point reads. name "@" is the module's instance parameter (page: p,
 * forum: f...); module is the module an SENCE_MREF_INSTANCE names (NULL: the one in the path). */
typedef struct {
    const char *name;
    sence_mref_kind_t kind;
    const char *module;
} mparam_t;

typedef struct {
    const char *script; /* "/mod/x/y.php" or "/mod/ * /y.php" (any module), sorted (strcmp) */
    sence_mclass_t cls;
    mparam_t params[7];
} mentry_t;

typedef struct {
    const char *method; /* '*' matches any run of characters */
    sence_mclass_t
        cls; /* SENCE_MCLASS_SITE: harmless; SENCE_MCLASS_CONTENT: args name the course */
    mparam_t args[3];
} mmethod_t;

/* The entry of a script (relative to Moodle's root; "/mod/NAME/x.php" also matches
 * "/mod/ * /x.php"), or NULL: not in the table. */
const mentry_t *sence_mpolicy_entry(apr_pool_t *p, const char *script);

/* Is script in a folder whose every script is a site page (/login/, /theme/...)? */
int sence_mpolicy_site_folder(const char *script);

/* The instance parameter of /mod/NAME/view.php ("p" for page), or NULL. */
const char *sence_mpolicy_instance_param(const char *module);

/* The entry of an AJAX or web-service function, or NULL: not known to be harmless. */
const mmethod_t *sence_mpolicy_method(const char *name);

/* NAME of /mod/NAME/..., a plugin name ([a-z0-9_]+), else NULL. */
const char *sence_mpolicy_module(apr_pool_t *p, const char *script);

#endif
