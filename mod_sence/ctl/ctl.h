/* sencectl: the system administrator's command-line tool. What its files share: options,
 * HTTP (http.c, libcurl), SENCE's HTML answers (html.c, libxml2) and the commands. */
#ifndef SENCE_CTL_H
#define SENCE_CTL_H

#include <apr_pools.h>
#include <apr_tables.h>

#define CTL_PROG "sencectl"
#define CTL_VERSION "0.1"
/* A SENCE answer or a status document larger than this is not read. */
#define CTL_MAX_BODY (4 * 1024 * 1024)

/* ---- options (sencectl.c) ---- */
/* Matches argv[*i] against "--name" or "--name=VALUE"; an option that takes a value takes the
 * next argument when not joined by '='. Returns 1 on a match (*val set when want_value), 0
 * when argv[*i] is another option, -1 when the value is missing (message printed). */
int ctl_opt(int argc, const char *const *argv, int *i, const char *name, int want_value,
            const char **val);
void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- HTTP (http.c) ---- */
typedef struct {
    const char *cacert; /* an extra CA file, or NULL */
    long timeout;       /* seconds, for the whole request */
} ctl_http_opts_t;

typedef struct {
    long status;      /* HTTP status, 0 when none */
    const char *body; /* NUL-terminated */
    apr_size_t len;
    const char *location; /* Location header of a redirect, or NULL */
    const char *error;    /* transport error (English), or NULL */
} ctl_http_answer_t;

/* Once per process, before any request. Returns 0 on success. */
int ctl_http_init(void);
/* POSTs fields (sence_field_t) as application/x-www-form-urlencoded; never follows a
 * redirect; TLS verification always on. */
void ctl_http_post(apr_pool_t *p, const char *url, const apr_array_header_t *fields,
                   const ctl_http_opts_t *o, ctl_http_answer_t *out);
void ctl_http_get(apr_pool_t *p, const char *url, const ctl_http_opts_t *o, ctl_http_answer_t *out);

/* ---- SENCE's answer (html.c) ---- */
typedef enum {
    CTL_ANSWER_LOGIN,     /* no error form: SENCE accepted the parameters */
    CTL_ANSWER_ERROR,     /* a form to UrlError with GlosaError codes */
    CTL_ANSWER_UNREADABLE /* empty, not HTML, or an error form without readable codes */
} ctl_answer_t;

/* Reads SENCE's answer to a start request whose UrlError was url_error. On CTL_ANSWER_ERROR
 * *codes holds the codes (ints, in the page's order, no duplicates); on CTL_ANSWER_UNREADABLE
 * *why says why (English). */
ctl_answer_t ctl_html_read(apr_pool_t *p, const char *body, apr_size_t len, const char *url_error,
                           apr_array_header_t **codes, const char **why);

/* ---- commands ---- */
int ctl_check(apr_pool_t *p, int argc, const char *const *argv);
int ctl_rut(apr_pool_t *p, int argc, const char *const *argv);
int ctl_report(apr_pool_t *p, int argc, const char *const *argv);
int ctl_status(apr_pool_t *p, int argc, const char *const *argv);

/* Width in characters of UTF-8 text (for aligned tables). */
apr_size_t ctl_width(const char *s);
/* Prints s left-aligned (right when right) in w characters. */
void ctl_pad(const char *s, apr_size_t w, int right);

#endif
