/* Shared declarations of the httpd glue files. */
#ifndef MOD_SENCE_H
#define MOD_SENCE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <ap_expr.h>

#include "moodle/moodle.h"
#include "settings.h"
#include "store.h"
#include "store_glue.h"
#include "event.h"
#include "provenance.h"

#if defined(APLOG_USE_MODULE) && !defined(SENCE_MODULE_RECORD)
APLOG_USE_MODULE(sence);
#endif
extern module AP_MODULE_DECLARE_DATA sence_module;

/* Unique tag for every log message, grep-able like httpd's AHnnnnn. */
#define SLOG(n) "SENCE" #n ": "

#define SENCE_HANDLER "sence-callback"
#define SENCE_NOTE_CALLBACK "sence-callback"
#define SENCE_NOTE_PASSED "sence-passed"
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
    const char *token;
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
    sence_moodle_dir_t moodle;
} sence_dir_conf_t;

/* A configuration section holding Sence directives, remembered for startup checks. */
typedef struct {
    sence_dir_conf_t *conf;
    const char *path; /* NULL: server context */
    int is_regex;
    const char *where; /* file:line for messages */
} sence_section_t;

typedef struct {
    const char *callback_path;
    const char *public_url;
    int public_url_here;          /* set in this server, not inherited */
    int cache_size;               /* 0 unset */
    apr_array_header_t *sections; /* sence_section_t */
    sence_moodle_srv_t moodle;
    const char *journal; /* SenceJournal, main server only */
    int origin_strict;   /* SenceCallbackOrigin strict: 1, off: 0, unset: -1 */
    /* derived at startup */
    apr_array_header_t *sence_origins; /* origins of the SENCE endpoints gated sections use */
    const char *url_retoma;
    const char *url_error;
    const char *url_close;
    const char *url_close_error;
} sence_srv_conf_t;

/* Who asks and for which course, as the gate works it out. */
typedef struct {
    char run[SENCE_RUN_MAX + 1];
    const char *subject; /* the LMS account behind the RUN ("moodle:42"), or "" */
    const char *fullname;
    int app; /* identified by a web-service token: no browser to send to SENCE */
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

/* config.c */
extern const command_rec sence_cmds[];
void *sence_create_dir_conf(apr_pool_t *p, char *dir);
void *sence_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);
void *sence_create_srv_conf(apr_pool_t *p, server_rec *s);
void *sence_merge_srv_conf(apr_pool_t *p, void *basev, void *addv);
int sence_check_config(apr_pool_t *p, server_rec *s);
void sence_config_remember(cmd_parms *cmd, sence_dir_conf_t *d);
/* The environment a section uses: production only when set so, else test. */
sence_env_t sence_effective_env(const sence_dir_conf_t *d);
/* What requests to a section see after merging (approximated for regex sections). */
sence_dir_conf_t *sence_section_effective(apr_pool_t *p, server_rec *s, const sence_section_t *sec);
const char *sence_callback_path(const sence_srv_conf_t *sc);
apr_interval_time_t sence_lifetime(const sence_dir_conf_t *d);
apr_interval_time_t sence_login_timeout(const sence_dir_conf_t *d);

/* gate.c */
int sence_gate_access(request_rec *r);
int sence_gate_fixups(request_rec *r);
/* Does this browser hold a live session for p's course (rec: its head)? */
int sence_gate_session(request_rec *r, const sence_participant_t *p, sence_record_t *rec);
/* What a participant without a session gets: the gate page (GET navigations), else a
 * status page or JSON. */
int sence_gate_deny(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p);

/* notice.c */
void sence_notice_add(request_rec *r, const sence_record_t *session, int bar);
void sence_notice_register(void);

/* moodle.c */
const char *sence_moodle_set_flag(cmd_parms *cmd, void *dv, int on);
const char *sence_moodle_set_root(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_run_field(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_list(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_srv(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_query(cmd_parms *cmd, void *dv, const char *name, const char *sql);
const char *sence_moodle_set_course(cmd_parms *cmd, void *dv, const char *args);
int sence_moodle_pre_config(apr_pool_t *pconf);
void sence_moodle_dir_init(sence_moodle_dir_t *m);
void sence_moodle_dir_merge(sence_moodle_dir_t *out, const sence_moodle_dir_t *base,
                            const sence_moodle_dir_t *add);
void sence_moodle_srv_init(apr_pool_t *p, sence_moodle_srv_t *m);
void sence_moodle_srv_merge(apr_pool_t *p, sence_moodle_srv_t *out, const sence_moodle_srv_t *base,
                            const sence_moodle_srv_t *add);
int sence_moodle_check(apr_pool_t *p, server_rec *s, const sence_dir_conf_t *d, const char **why);
int sence_moodle_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void sence_moodle_child_init(apr_pool_t *p, server_rec *s);
void sence_moodle_register(apr_pool_t *p);
/* SENCE_WHO_OK: who is the participant of the course the request needs; *has_session says whether
 * the browser holds its live session (*session: its head), found while deciding. */
sence_who_t sence_moodle_identify(request_rec *r, const sence_dir_conf_t *d,
                                  sence_participant_t *who, const char **reason, int *has_session,
                                  sence_record_t *session);

/* journal.c */
void sence_journal(request_rec *r, sence_event_t *e);
const char *sence_journal_set(cmd_parms *cmd, void *dv, const char *arg);
int sence_journal_open(apr_pool_t *pconf, server_rec *s);
void sence_journal_child_init(server_rec *s);

/* close.c: the close page, served at a gated URL with ?sence_cerrar=1 */
int sence_close_page(request_rec *r, const sence_dir_conf_t *d, const sence_record_t *session);

/* status.c */
int sence_status_handler(request_rec *r);

/* callback.c */
int sence_claim_callback(request_rec *r);
int sence_callback_handler(request_rec *r);

/* page.c: participant-facing pages, in Spanish */
int sence_page_gate(request_rec *r, const char *action, apr_array_header_t *fields, sence_env_t env,
                    const char *name);
/* 503 "Servicio no disponible" with text: the store or the LMS database failed (logged by the
 * caller, with its own tag). */
int sence_page_unavailable(request_rec *r, const char *text);
int sence_page_message(request_rec *r, int status, const char *title, const char *text,
                       const char *link, const char *link_text);
int sence_page_close(request_rec *r, const char *action, apr_array_header_t *fields,
                     sence_env_t env);
int sence_page_errors(request_rec *r, apr_array_header_t *codes, const char *retry, int closing);
int sence_page_json(request_rec *r, int status, const char *error, const char *message);
int sence_page_asset(request_rec *r, const char *name);
void sence_page_headers(request_rec *r);

#endif
