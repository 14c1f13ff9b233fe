/* How PHP 8.2 fills $_GET, $_POST and $_COOKIE from a request's bytes, and how Moodle casts
 * and cleans what it reads (PARAM_INT, PARAM_PATH). Pure: APR only.
 *
 * Every reader returns a set of SENCE_PHP_ODD_* flags: a request that carries one of them is
 * not what a browser or Moodle's own JavaScript sends, and PHP could read it otherwise than
 * these readers. The gate refuses such requests from gated participants instead of guessing.
 * Sources: php-src main/php_variables.c (php_register_variable_ex, php_default_treat_data,
 * add_post_vars), main/rfc1867.c (multipart), ext/session (the session id cookie). */
#ifndef SENCE_MOODLE_PHP_H
#define SENCE_MOODLE_PHP_H

#include <apr_pools.h>
#include <apr_tables.h>

#define SENCE_PHP_ODD_NAME 0x01   /* a name PHP rewrites: leading ' ', ' ' or '.', '[' unclosed */
#define SENCE_PHP_ODD_NUL 0x02    /* a NUL byte in a name or value (literal or %00) */
#define SENCE_PHP_ODD_COOKIE 0x04 /* the session cookie: several, %-encoded or an array */
#define SENCE_PHP_ODD_MULTIPART 0x08 /* multipart/form-data not as browsers write it */
#define SENCE_PHP_ODD_JSON 0x10      /* an AJAX body that is not strict JSON */
#define SENCE_PHP_ODD_PATH 0x20      /* a file path Moodle cleans into another one */
#define SENCE_PHP_ODD_CTYPE 0x40     /* a Content-Type PHP may read otherwise */

/* One variable as PHP registers it. */
typedef struct {
    const char *name;  /* top-level key after PHP's rewriting (" id" -> "id", "a.b" -> "a_b") */
    const char *index; /* the first [index]; "" for "[]"; NULL for a plain variable */
    const char *value; /* decoded, NUL-terminated (a NUL inside sets SENCE_PHP_ODD_NUL) */
    int from_body;     /* $_POST rather than $_GET */
} sence_php_var_t;

/* A query string as $_GET has it (arg_separator.input "&"), appended to vars. */
unsigned sence_php_parse_query(apr_pool_t *p, const char *s, apr_size_t len,
                               apr_array_header_t *vars);

/* An application/x-www-form-urlencoded body as $_POST has it. */
unsigned sence_php_parse_post(apr_pool_t *p, const char *s, apr_size_t len,
                              apr_array_header_t *vars);

/* The text fields of a multipart/form-data body as $_POST has them (file parts skipped).
 * ctype: the whole Content-Type header (for the boundary). */
unsigned sence_php_parse_multipart(apr_pool_t *p, const char *ctype, const char *body,
                                   apr_size_t len, apr_array_header_t *vars);

/* The media type PHP dispatches a body on: ctype up to ';', ',' or ' ', lower-cased. */
const char *sence_php_media_type(apr_pool_t *p, const char *ctype);

/* $_COOKIE[name] as PHP's session module would take it from a Cookie header: NULL when absent
 * or an array. Cookies are split on ';' only, names are not decoded, values are
 * %-decoded ('+' stays), the first of repeated names wins, a later name[...] makes it an array. */
const char *sence_php_cookie(apr_pool_t *p, const char *header, const char *name, unsigned *odd);

/* PHP's (int) of a string, as Moodle's PARAM_INT: "2abc" -> 2, " 2" -> 2, "2.9" -> 2, "1e3" ->
 * 1000, "0x1A" -> 0. Out-of-range values give 0 (no such id). */
apr_int64_t sence_php_int(const char *s);

/* The context id Moodle's file serving reads from a pluginfile path (PATH_INFO or ?file=),
 * after clean_param(PARAM_PATH): "\" is "/", empty, "." and ".." segments vanish. The two
 * segments after it go to component and filearea (NULL if absent). *odd gets
 * SENCE_PHP_ODD_PATH when cleaning would change the segments read (":", control or other
 * characters PARAM_FILE drops, bytes that are not plain ASCII). Returns 0 when none. */
apr_int64_t sence_moodle_file_context(apr_pool_t *p, const char *path, const char **component,
                                      const char **filearea, unsigned *odd);

/* An English phrase for the flags, for the log. */
const char *sence_php_odd_text(apr_pool_t *p, unsigned odd);

#endif
