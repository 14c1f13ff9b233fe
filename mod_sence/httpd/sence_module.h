/* What every glue file needs: the module record and its log tag, the configuration and the
 * participant types. Each glue file's own functions are declared in its own header. */
#ifndef SENCE_MODULE_H
#define SENCE_MODULE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <ap_expr.h>

#include "moodle/moodle.h"
#include "settings.h"
#include "store.h"
#include "event.h"

#if defined(APLOG_USE_MODULE) && !defined(SENCE_MODULE_RECORD)
APLOG_USE_MODULE(sence);
#endif
extern module AP_MODULE_DECLARE_DATA sence_module;

/* Unique tag for every log message, grep-able like httpd's AHnnnnn. */
#define SLOG(n) "SENCE" #n ": "

#define SENCE_HANDLER "sence-callback"
#define SENCE_NOTE_CALLBACK "sence-callback"
#define SENCE_NOTE_PASSED "sence-passed"
/* Set on the request (its root) when the session store could not be reached. */
#define SENCE_NOTE_STORE_DOWN "sence-store-down"
/* set (to anything) before calling a page function: the page is left here, not written */
#define SENCE_NOTE_CAPTURE "sence-capture"
#define SENCE_DEFAULT_LIFETIME apr_time_from_sec(4 * 3600)
#define SENCE_DEFAULT_LOGIN_TIMEOUT apr_time_from_sec(15 * 60)
#define SENCE_DEFAULT_CACHE_SIZE 10000
#define SENCE_MAX_BODY 8192
/* A sweep visits a tenth of the store: every record is looked at every 10 sweeps. */
#define SENCE_SWEEP_SECONDS 3

/* A code directive: a constant checked at startup, or an ap_expr checked per request. */
typedef struct {
    const char *literal;
    ap_expr_info_t *expr;
} sence_value_t;

typedef struct {
    int enabled;      /* -1 unset */
    const char *home; /* the <Location> path of the section: the fallback local URL */
    const char *rut_otec;
    const char *otec_name; /* SenceOtecName: shown to participants; NULL unset */
    const char *token;
    const char *token_file; /* SenceTokenFile's path (for DUMP_SENCE_JSON); NULL: inline */
    sence_env_t env;
    const char *endpoint;
    sence_value_t cod_sence;
    sence_value_t codigo_curso;
    int linea; /* 0 unset */
    ap_expr_info_t *run;
    apr_interval_time_t lifetime;      /* -1 unset */
    apr_interval_time_t login_timeout; /* -1 unset */
    int close_session;                 /* -1 unset */
    int banner;                        /* -1 unset (on) */
    apr_array_header_t *close_codes;   /* ints; NULL: 301 */
    /* alerts (alert_glue.c): recipients (char *; empty array: "none"), NULL unset */
    apr_array_header_t *alert_mail;
    apr_interval_time_t alert_throttle; /* -1 unset (15m) */
    ap_expr_info_t *participant_name;   /* outside Moodle mode: the participant's contact data */
    ap_expr_info_t *participant_email;
    ap_expr_info_t *participant_phone;
    ap_expr_info_t *participant_mobile;
    sence_moodle_dir_t moodle;
} sence_dir_conf_t;

/* A configuration section holding Sence directives, remembered for startup checks. */
typedef struct {
    sence_dir_conf_t *conf;
    const char *path; /* NULL: server context */
    int is_regex;
    const char *where; /* file:line for messages */
} sence_section_t;

/* SenceSessionStore and SenceStoreLocalCache (store_socache.c). */
typedef struct {
    const struct ap_socache_provider_t *provider; /* NULL: shm */
    struct ap_socache_instance_t *instance;
    const char *name, *args;   /* "redis", "10.0.0.5:6379" */
    apr_interval_time_t bound; /* -1 unset */
    server_rec *s;             /* the main server, for the provider's calls */
} sence_store_conf_t;

typedef struct {
    const char *callback_path;
    const char *public_url;
    int public_url_here;          /* set in this server, not inherited */
    int cache_size;               /* 0 unset */
    apr_array_header_t *sections; /* sence_section_t */
    sence_moodle_srv_t moodle;
    const char *journal;      /* SenceJournal, main server only */
    sence_store_conf_t store; /* SenceSessionStore, SenceStoreLocalCache: main server only */
    int origin_strict;        /* SenceCallbackOrigin strict: 1, off: 0, unset: -1 */
    /* alert mail transport (alert_glue.c) */
    const char *mail_host; /* SenceMailServer, NULL unset (localhost) */
    int mail_port;         /* 0 unset (25) */
    const char *mail_from; /* SenceMailFrom */
    int mail_tls;          /* SenceMailTLS: -1 unset (on), 0 off, 1 on, 2 required */
    const char *mail_auth; /* SenceMailAuthFile's path, for the dump and messages */
    const char *mail_user; /* ... its user and password (never logged) */
    const char *mail_password;
    /* derived at startup */
    apr_array_header_t *sence_origins; /* origins of the SENCE endpoints gated sections use */
    const char *url_retoma;
    const char *url_error;
    const char *url_close;
    const char *url_close_error;
    apr_uint64_t issuer; /* sence_issuer(public_url): what records made here carry */
} sence_srv_conf_t;

/* Who asks and for which course, as the gate works it out. */
typedef struct {
    char run[SENCE_RUN_MAX + 1];
    const char *subject; /* the LMS account behind the RUN ("moodle:42"), or "" */
    const char *fullname;
    const char *email; /* contact data (Moodle mode; NULL elsewhere: the alert expressions) */
    const char *phone;
    const char *mobile;
    const char *course_name;
    const char *raw_run; /* the RUN as the identity source found it (for refusals) */
    int app;             /* identified by a web-service token: no browser to send to SENCE */
    const char *cod_sence;
    const char *codigo_curso;
    int linea;
} sence_participant_t;

typedef enum {
    SENCE_WHO_OK,
    SENCE_WHO_PASS,        /* not gated: not a gated course, anonymous, exempt */
    SENCE_WHO_CONFIG,      /* the configuration cannot produce a request: 500 */
    SENCE_WHO_NO_RUN,      /* no identity: 403 */
    SENCE_WHO_BAD_RUN,     /* identity is not a valid RUN: 403 */
    SENCE_WHO_NO_COURSE,   /* codes computed from the URL are not valid codes: 404 */
    SENCE_WHO_UNAVAILABLE, /* the LMS database does not answer: 503 */
    SENCE_WHO_TOO_LARGE,   /* a body too large to inspect: 413 */
    SENCE_WHO_BAD_REQUEST, /* the request body could not be read: 400 */
    SENCE_WHO_AMBIGUOUS    /* PHP could read the request otherwise than mod_sence: 400 */
} sence_who_t;

#endif
