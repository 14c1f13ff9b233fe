#include "settings.h"
#include "rce.h"

#include <apr_strings.h>
#include <ctype.h>
#include <string.h>

const char *sence_check_rut(const char *in, char out[SENCE_RUN_MAX + 1])
{
    sence_run_status_t st = sence_run_normalize(in, out);

    if (st == SENCE_RUN_OK)
        return NULL;
    if (st == SENCE_RUN_DIGIT)
        return "the RUT's check digit is wrong; copy it exactly as registered with SENCE";
    return "not a RUT; write it without dots, with hyphen and check digit, e.g. 76543210-3";
}

const char *sence_check_token(const char *token)
{
    apr_size_t n = token ? strlen(token) : 0;

    if (n == 0)
        return "the token is empty";
    if (n != SENCE_MAX_TOKEN)
        return "SENCE tokens have exactly 36 characters (a GUID such as "
               "3f2504e0-4f89-11d3-9a0c-0305e82c3301); copy it whole";
    if (strspn(token, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ-") != n)
        return "the token may hold only letters, digits and hyphens (a GUID from SENCE)";
    return NULL;
}

const char *sence_check_linea(const char *s, int *out)
{
    if (s && (!strcmp(s, "1") || !strcmp(s, "3") || !strcmp(s, "6"))) {
        *out = s[0] - '0';
        return NULL;
    }
    return "the training line must be 1 (Programas Sociales/becas), 3 (Franquicia Tributaria) "
           "or 6 (FPT)";
}

static int is_test_code(const char *s)
{
    return !strcmp(s, "-1");
}

static int printable(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.' && *s != '/')
            return 0;
    return 1;
}

const char *sence_check_cod_sence(const char *s, int linea, sence_env_t env)
{
    if (!s || !*s)
        return linea == 1 ? NULL : "CodSence may be blank only on line 1";
    if (is_test_code(s))
        return env == SENCE_ENV_PRODUCTION
                   ? "-1 is SENCE's test code; production needs the course's real CodSence"
                   : NULL;
    if (strlen(s) != SENCE_MAX_CODSENCE || !printable(s))
        return "CodSence must be the course's 10-character SENCE code (or -1 in the test "
               "environment)";
    return NULL;
}

const char *sence_check_codigo_curso(const char *s, sence_env_t env)
{
    if (!s || !*s)
        return "CodigoCurso is mandatory";
    if (is_test_code(s))
        return env == SENCE_ENV_PRODUCTION
                   ? "-1 is SENCE's test code; production needs the course's real CodigoCurso"
                   : NULL;
    if (strlen(s) < 7 || strlen(s) > SENCE_MAX_CODIGOCURSO || !printable(s))
        return "CodigoCurso must have 7 to 50 letters, digits or hyphens (or -1 in the test "
               "environment)";
    return NULL;
}

/* Length of "http://" or "https://" prefix, 0 if neither. */
static apr_size_t scheme_len(const char *url)
{
    if (!strncmp(url, "https://", 8))
        return 8;
    if (!strncmp(url, "http://", 7))
        return 7;
    return 0;
}

static const char *check_authority(const char *host, apr_size_t len)
{
    apr_size_t i;

    if (len == 0)
        return "has no host";
    for (i = 0; i < len; i++) {
        char c = host[i];
        if (!isalnum((unsigned char)c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
            return "has a character not allowed in a host name (credentials are not allowed)";
    }
    return NULL;
}

const char *sence_check_public_url(const char *url)
{
    apr_size_t sl = url ? scheme_len(url) : 0;
    const char *why;

    if (!sl)
        return "must start with https:// or http://";
    if ((why = check_authority(url + sl, strlen(url + sl))) != NULL)
        return why;
    return NULL;
}

const char *sence_check_endpoint(const char *url)
{
    apr_size_t sl = url ? scheme_len(url) : 0;
    const char *slash;

    if (!sl)
        return "must be an absolute https:// or http:// URL";
    slash = strchr(url + sl, '/');
    if (check_authority(url + sl, slash ? (apr_size_t)(slash - url - sl) : strlen(url + sl)))
        return "has an invalid host";
    if (strpbrk(url, "?#\"'<> "))
        return "must not contain a query, fragment, quotes or spaces";
    return NULL;
}

const char *sence_check_callback_path(const char *path)
{
    apr_size_t n = path ? strlen(path) : 0;

    if (n < 2 || path[0] != '/')
        return "must be an absolute path such as /sence";
    if (path[n - 1] == '/')
        return "must not end with a slash";
    if (strstr(path, "/.") || strstr(path, "//"))
        return "must not contain empty or dot segments";
    if (strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.") != n)
        return "may hold only letters, digits, '/', '-', '_' and '.'";
    return NULL;
}

const char *sence_callback_url(apr_pool_t *p, const char *public_url, const char *path,
                               const char *suffix, const char **out)
{
    apr_size_t n = strlen(public_url);
    const char *url;

    while (n > 0 && public_url[n - 1] == '/')
        n--;
    url = apr_pstrcat(p, apr_pstrndup(p, public_url, n), path, suffix, NULL);
    *out = url;
    if (strlen(url) > SENCE_MAX_URL)
        return apr_psprintf(p,
                            "callback URL %s has %d characters; SENCE accepts at most %d: "
                            "shorten SencePublicURL or SenceCallbackPath",
                            url, (int)strlen(url), SENCE_MAX_URL);
    return NULL;
}

const char *sence_base_url(sence_env_t env, const char *endpoint)
{
    if (endpoint)
        return endpoint;
    return env == SENCE_ENV_PRODUCTION ? SENCE_BASE_PRODUCTION : SENCE_BASE_TEST;
}
