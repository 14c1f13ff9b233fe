/* Alert mails to the OTEC: directives, the queue's segment, and the triggers. Requests only
 * put alerts in the queue (shared memory, no network); sender.c delivers them. */
#include "sence_module.h"
#include "alert_glue.h"
#include "config.h"
#include "store_glue.h"
#include "mail.h"

#include <http_core.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <util_mutex.h>
#include <ctype.h>

#define RETAINED_KEY "mod_sence-alerts"
#define MUTEX_TYPE "sence-alerts"
#define DEFAULT_THROTTLE apr_time_from_sec(15 * 60)

/* ---- directives ---------------------------------------------------------------------- */

static const char *fail(cmd_parms *cmd, const char *why)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", why, NULL);
}

static sence_srv_conf_t *srv(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &sence_module);
}

static apr_size_t list_len(const apr_array_header_t *a)
{
    apr_size_t n = 0;
    int i;

    for (i = 0; i < a->nelts; i++)
        n += strlen(APR_ARRAY_IDX(a, i, const char *)) + 2;
    return n;
}

const char *sence_alert_set_mail(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;

    if (!strcasecmp(arg, "none")) {
        d->alert_mail = apr_array_make(cmd->pool, 1, sizeof(const char *));
        sence_config_remember(cmd, d);
        return NULL;
    }
    if (!sence_mail_address_ok(arg))
        return fail(cmd, apr_psprintf(cmd->pool,
                                      "'%s' is not a plain address (local@domain, no name, "
                                      "quotes or spaces), or 'none'",
                                      arg));
    if (!d->alert_mail)
        d->alert_mail = apr_array_make(cmd->pool, 2, sizeof(const char *));
    if (list_len(d->alert_mail) + strlen(arg) >= SENCE_ALERT_RECIPIENTS)
        return fail(cmd, apr_psprintf(cmd->pool,
                                      "the addresses of one section take at most %d "
                                      "characters; use a mailing list address",
                                      SENCE_ALERT_RECIPIENTS - 1));
    APR_ARRAY_PUSH(d->alert_mail, const char *) = apr_pstrdup(cmd->pool, arg);
    sence_config_remember(cmd, d);
    return NULL;
}

const char *sence_alert_set_throttle(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    apr_interval_time_t t;
    const char *why;

    sence_config_remember(cmd, d);
    if (!strcasecmp(arg, "off")) {
        d->alert_throttle = 0;
        return NULL;
    }
    if ((why = sence_parse_duration(arg, &t)) != NULL)
        return fail(cmd, apr_pstrcat(cmd->pool, why, " (e.g. 15m, 1h, or off)", NULL));
    d->alert_throttle = t;
    return NULL;
}

const char *sence_alert_set_participant(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *err = NULL;
    ap_expr_info_t *e = ap_expr_parse_cmd(cmd, arg, AP_EXPR_FLAG_STRING_RESULT, &err, NULL);

    if (err)
        return fail(cmd, apr_pstrcat(cmd->pool, "invalid expression: ", err, NULL));
    *(ap_expr_info_t **)((char *)dv + (apr_size_t)cmd->info) = e;
    sence_config_remember(cmd, dv);
    return NULL;
}

const char *sence_mail_set_server(cmd_parms *cmd, void *dv, const char *arg)
{
    char *host = NULL, *scope = NULL;
    apr_port_t port = 0;
    const char *c;

    (void)dv;
    if (apr_parse_addr_port(&host, &scope, &port, arg, cmd->pool) != APR_SUCCESS || !host || scope)
        return fail(cmd, "HOST[:PORT], e.g. localhost:25 or smtp.example.cl:587");
    for (c = host; *c; c++)
        if (!apr_isalnum(*c) && !strchr(".-:", *c))
            return fail(cmd, "HOST[:PORT], e.g. localhost:25 or smtp.example.cl:587");
    srv(cmd)->mail_host = host;
    srv(cmd)->mail_port = port ? port : 25;
    return NULL;
}

const char *sence_mail_set_from(cmd_parms *cmd, void *dv, const char *arg)
{
    (void)dv;
    if (!sence_mail_address_ok(arg))
        return fail(cmd, "a plain address (local@domain, no name, quotes or spaces)");
    srv(cmd)->mail_from = apr_pstrdup(cmd->pool, arg);
    return NULL;
}

const char *sence_mail_set_tls(cmd_parms *cmd, void *dv, const char *arg)
{
    (void)dv;
    if (!strcasecmp(arg, "off"))
        srv(cmd)->mail_tls = 0;
    else if (!strcasecmp(arg, "on"))
        srv(cmd)->mail_tls = 1;
    else if (!strcasecmp(arg, "required"))
        srv(cmd)->mail_tls = 2;
    else
        return fail(cmd, "off, on (STARTTLS when offered, the default) or required (never send "
                         "without STARTTLS)");
    return NULL;
}

/* user:password on the first line, read once at startup (as root, like SenceTokenFile). */
const char *sence_mail_set_auth_file(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    sence_srv_conf_t *sc = srv(cmd);
    apr_file_t *f;
    apr_finfo_t fi;
    char buf[512], *colon, *end;
    apr_size_t n = sizeof(buf) - 1;

    (void)dv;
    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS)
        return fail(cmd, apr_psprintf(cmd->pool,
                                      "cannot read %s; create it (mode 0600) with user:password "
                                      "on the first line",
                                      arg));
    if (apr_file_info_get(&fi, APR_FINFO_PROT, f) == APR_SUCCESS && (fi.protection & APR_WREAD))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server,
                     SLOG(7001) "SenceMailAuthFile %s is readable by every user; chmod 0600 it",
                     path);
    apr_file_read(f, buf, &n);
    apr_file_close(f);
    buf[n] = '\0';
    end = buf + strcspn(buf, "\r\n");
    *end = '\0';
    colon = strchr(buf, ':');
    if (!colon || colon == buf || !colon[1]) {
        memset(buf, 0, sizeof(buf));
        return fail(cmd, apr_psprintf(cmd->pool,
                                      "%s: the first line must be user:password (neither "
                                      "empty)",
                                      arg));
    }
    *colon = '\0';
    sc->mail_user = apr_pstrdup(cmd->pool, buf);
    sc->mail_password = apr_pstrdup(cmd->pool, colon + 1);
    sc->mail_auth = apr_pstrdup(cmd->pool, arg);
    memset(buf, 0, sizeof(buf));
    return NULL;
}

const char *sence_mail_host(const sence_srv_conf_t *sc)
{
    return sc->mail_host ? sc->mail_host : "localhost";
}

int sence_mail_port(const sence_srv_conf_t *sc)
{
    return sc->mail_port ? sc->mail_port : 25;
}

int sence_mail_tls(const sence_srv_conf_t *sc)
{
    return sc->mail_tls >= 0 ? sc->mail_tls : 1;
}

const char *sence_mail_tls_name(int tls)
{
    return tls == 0 ? "off" : tls == 2 ? "required" : "on";
}

/* ---- startup ------------------------------------------------------------------------- */

static int wanted;

void sence_alert_check_begin(void)
{
    wanted = 0;
}

const char *sence_alert_check(server_rec *s, const sence_dir_conf_t *d)
{
    sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);

    if (!d->alert_mail || !d->alert_mail->nelts)
        return NULL;
    if (!sc->mail_from)
        return "SenceAlertMail is set but SenceMailFrom is not: set SenceMailFrom to the "
               "address alerts are sent from, in this virtual host or the main server";
    wanted = 1;
    return NULL;
}

int sence_alert_wanted(void)
{
    return wanted;
}

/* ---- the queue's segment, retained like the store's ----------------------------------- */

typedef struct {
    apr_shm_t *shm;
    apr_global_mutex_t *mutex;
    apr_uint32_t contacts;
} retained_t;

static retained_t *retained;
static sence_alertq_t *queue;

sence_alertq_t *sence_alertq(void)
{
    return queue;
}

int sence_alert_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t create_segment(server_rec *s, apr_uint32_t contacts)
{
    apr_pool_t *pp = s->process->pool;
    apr_status_t rv;

    rv = apr_shm_create(&retained->shm, sence_alertq_bytes(contacts), NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(7002) "cannot create shared memory for the alert queue (%" APR_SIZE_T_FMT
                                " bytes); lower SenceSessionCacheSize",
                     sence_alertq_bytes(contacts));
        return rv;
    }
    if (!retained->mutex && (rv = ap_global_mutex_create(&retained->mutex, NULL, MUTEX_TYPE, NULL,
                                                         s, pp, 0)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(7003) "cannot create the alert queue mutex; see the Mutex directive");
        return rv;
    }
    sence_alertq_format(pp, apr_shm_baseaddr_get(retained->shm), contacts, retained->mutex);
    retained->contacts = contacts;
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 SLOG(7004) "alert queue created: %d alerts, %u contacts, %" APR_SIZE_T_FMT
                            " bytes",
                 SENCE_ALERT_QUEUE, contacts, sence_alertq_bytes(contacts));
    return APR_SUCCESS;
}

int sence_alert_post_config(apr_pool_t *pconf, server_rec *s, apr_uint32_t contacts)
{
    queue = NULL;
    if (!wanted)
        return OK;
    retained = ap_retained_data_get(RETAINED_KEY);
    if (!retained)
        retained = ap_retained_data_create(RETAINED_KEY, sizeof(*retained));
    if (retained->shm && contacts != retained->contacts)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     SLOG(7005) "the alert queue keeps its %u contacts until httpd is stopped "
                                "and started",
                     retained->contacts);
    if (retained->shm)
        queue = sence_alertq_attach(pconf, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    if (retained->shm && !queue)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SLOG(7006) "the retained alert queue has another layout (module "
                                "upgraded?): starting an empty one");
    if (!queue) {
        if (create_segment(s, contacts) != APR_SUCCESS)
            return HTTP_INTERNAL_SERVER_ERROR;
        queue = sence_alertq_attach(pconf, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    }
    return queue ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

void sence_alert_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv;

    if (!queue)
        return;
    rv = apr_global_mutex_child_init(&retained->mutex, apr_global_mutex_lockfile(retained->mutex),
                                     pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     SLOG(7007) "cannot attach the alert queue mutex: alerts off in this child");
        queue = NULL;
        return;
    }
    queue = sence_alertq_attach(pchild, apr_shm_baseaddr_get(retained->shm), retained->mutex);
}

/* ---- what requests put in ------------------------------------------------------------ */

static const char *eval(request_rec *r, ap_expr_info_t *e)
{
    const char *err = NULL, *v;

    if (!e)
        return "";
    v = ap_expr_str_exec(r, e, &err);
    if (err) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      SLOG(7008) "a SenceParticipant* expression failed: %s", err);
        return "";
    }
    return v ? v : "";
}

/* The location's alert settings, and the participant's contact data when p is given. */
static int ctx_of(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p,
                  sence_alert_ctx_t *ctx)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    int i;

    memset(ctx, 0, sizeof(*ctx));
    if (!d || !d->alert_mail || !d->alert_mail->nelts)
        return 0;
    for (i = 0; i < d->alert_mail->nelts; i++) {
        apr_size_t n = strlen(ctx->recipients);
        apr_snprintf(ctx->recipients + n, sizeof(ctx->recipients) - n, "%s%s", i ? ", " : "",
                     APR_ARRAY_IDX(d->alert_mail, i, const char *));
    }
    sence_strlcpy(ctx->site, sc->public_url ? sc->public_url : "", sizeof(ctx->site));
    ctx->throttle = d->alert_throttle >= 0 ? d->alert_throttle : DEFAULT_THROTTLE;
    ctx->env = sence_effective_env(d);
    if (!p)
        return 1;
    if (d->moodle.enabled == 1) {
        sence_strlcpy(ctx->who.name, p->fullname ? p->fullname : "", sizeof(ctx->who.name));
        sence_strlcpy(ctx->who.email, p->email ? p->email : "", sizeof(ctx->who.email));
        sence_strlcpy(ctx->who.phone, p->phone ? p->phone : "", sizeof(ctx->who.phone));
        sence_strlcpy(ctx->who.mobile, p->mobile ? p->mobile : "", sizeof(ctx->who.mobile));
        sence_strlcpy(ctx->who.course, p->course_name ? p->course_name : "",
                      sizeof(ctx->who.course));
    } else {
        sence_strlcpy(ctx->who.name, eval(r, d->participant_name), sizeof(ctx->who.name));
        sence_strlcpy(ctx->who.email, eval(r, d->participant_email), sizeof(ctx->who.email));
        sence_strlcpy(ctx->who.phone, eval(r, d->participant_phone), sizeof(ctx->who.phone));
        sence_strlcpy(ctx->who.mobile, eval(r, d->participant_mobile), sizeof(ctx->who.mobile));
    }
    return 1;
}

/* The request's own section: SenceAlertMail of the server or of <Location SenceCallbackPath>. */
static int ctx_here(request_rec *r, sence_alert_ctx_t *ctx)
{
    return ctx_of(r, ap_get_module_config(r->per_dir_config, &sence_module), NULL, ctx);
}

static void put(server_rec *s, sence_alert_t *a)
{
    sence_alert_t dropped;
    apr_status_t rv;

    if (!queue || !a->ctx.recipients[0])
        return;
    a->time = apr_time_now();
    rv = sence_alertq_put(queue, a, a->time, &dropped);
    if (rv == APR_EAGAIN)
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                     SLOG(7009) "alert %s (RUN %s) held back by SenceAlertThrottle",
                     sence_alert_kind_name(a->kind), a->run[0] ? a->run : "-");
    else if (rv == APR_ENOSPC)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     SLOG(7010) "alert queue full (%d alerts): dropped the oldest undelivered "
                                "alert (%s, RUN %s, to %s); is the mail server reachable?",
                     SENCE_ALERT_QUEUE, sence_alert_kind_name(dropped.kind),
                     dropped.run[0] ? dropped.run : "-", dropped.ctx.recipients);
    else if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, SLOG(7011) "cannot queue an alert");
    else
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SLOG(7012) "alert %s (RUN %s) queued for %s",
                     sence_alert_kind_name(a->kind), a->run[0] ? a->run : "-", a->ctx.recipients);
}

static void from_record(sence_alert_t *a, int kind, const sence_record_t *rec)
{
    memset(a, 0, sizeof(*a));
    a->kind = kind;
    if (!rec)
        return;
    sence_strlcpy(a->run, rec->run, sizeof(a->run));
    sence_strlcpy(a->cod_sence, rec->cod_sence, sizeof(a->cod_sence));
    sence_strlcpy(a->codigo_curso, rec->codigo_curso, sizeof(a->codigo_curso));
    sence_strlcpy(a->subject, rec->subject, sizeof(a->subject));
    sence_strlcpy(a->url, rec->url, sizeof(a->url));
    a->linea = rec->linea;
}

static apr_time_t ctx_until(const sence_dir_conf_t *d, apr_time_t now)
{
    return now + sence_login_timeout(d) + sence_lifetime(d) + apr_time_from_sec(60);
}

void sence_alert_login(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p,
                       const sence_record_t *attempt)
{
    sence_alert_ctx_t ctx;
    apr_time_t now = apr_time_now();

    if (queue && ctx_of(r, d, p, &ctx))
        sence_alertq_remember(queue, attempt->id, &ctx, ctx_until(d, now), now);
}

void sence_alert_close(request_rec *r, const sence_record_t *session, const sence_record_t *attempt)
{
    sence_alert_ctx_t ctx;
    apr_time_t now = apr_time_now();

    (void)r;
    if (queue && sence_alertq_recall(queue, session->ref, now, &ctx) == APR_SUCCESS)
        sence_alertq_remember(queue, attempt->id, &ctx, attempt->expires + apr_time_from_sec(60),
                              now);
}

void sence_alert_callback_error(request_rec *r, const sence_record_t *attempt,
                                const apr_array_header_t *codes, int closing)
{
    sence_alert_t a;
    int i;

    if (!queue)
        return;
    from_record(&a, closing ? SENCE_ALERT_CLOSE_ERROR : SENCE_ALERT_START_ERROR, attempt);
    for (i = 0; codes && i < codes->nelts && i < SENCE_MAX_CODES; i++)
        a.codes[a.ncodes++] = APR_ARRAY_IDX(codes, i, int);
    /* none kept: the location sends no alerts ("SenceAlertMail none", or none set) */
    if (sence_alertq_recall(queue, attempt->id, apr_time_now(), &a.ctx) != APR_SUCCESS)
        return;
    put(r->server, &a);
}

void sence_alert_refused(request_rec *r, const sence_dir_conf_t *d, sence_who_t st,
                         const sence_participant_t *p)
{
    sence_alert_t a;
    int kind = st == SENCE_WHO_NO_RUN        ? SENCE_ALERT_NO_RUN
               : st == SENCE_WHO_BAD_RUN     ? SENCE_ALERT_BAD_RUN
               : st == SENCE_WHO_UNAVAILABLE ? SENCE_ALERT_DB_DOWN
                                             : 0;

    if (!queue || !kind || r->main)
        return;
    from_record(&a, kind, NULL);
    if (!ctx_of(r, d, kind == SENCE_ALERT_DB_DOWN ? NULL : p, &a.ctx))
        return;
    if (kind == SENCE_ALERT_DB_DOWN) {
        sence_strlcpy(a.subject, a.ctx.site, sizeof(a.subject));
        put(r->server, &a);
        return;
    }
    sence_strlcpy(a.cod_sence,
                  p->cod_sence           ? p->cod_sence
                  : d->cod_sence.literal ? d->cod_sence.literal
                                         : "",
                  sizeof(a.cod_sence));
    sence_strlcpy(a.codigo_curso,
                  p->codigo_curso           ? p->codigo_curso
                  : d->codigo_curso.literal ? d->codigo_curso.literal
                                            : "",
                  sizeof(a.codigo_curso));
    a.linea = p->linea ? p->linea : d->linea;
    sence_strlcpy(a.url, sence_local_url_of(r->pool, r->unparsed_uri, SENCE_MAX_STORED_URL, ""),
                  sizeof(a.url));
    /* who, for the throttle: the LMS account (not its login), else the RUN as given, else
     * the client */
    sence_strlcpy(a.subject,
                  p->subject && *p->subject
                      ? p->subject
                      : (p->raw_run && *p->raw_run ? p->raw_run : r->useragent_ip),
                  sizeof(a.subject));
    {
        char *c = strchr(a.subject, ':');
        if (c && (c = strchr(c + 1, ':')) != NULL)
            *c = '\0';
    }
    if (kind == SENCE_ALERT_BAD_RUN)
        apr_snprintf(a.detail, sizeof(a.detail), "RUN registrado en el perfil: \"%s\"",
                     sence_mail_clean(r->pool, p->raw_run, 64));
    put(r->server, &a);
}

void sence_alert_tampering(request_rec *r, const sence_record_t *attempt, const char *what)
{
    sence_alert_t a;

    if (!queue)
        return;
    from_record(&a, SENCE_ALERT_TAMPERING, NULL);
    if ((!attempt ||
         sence_alertq_recall(queue, attempt->id, apr_time_now(), &a.ctx) != APR_SUCCESS) &&
        !ctx_here(r, &a.ctx))
        return;
    memset(&a.ctx.who, 0, sizeof(a.ctx.who));
    sence_strlcpy(a.subject, r->useragent_ip, sizeof(a.subject));
    apr_snprintf(a.detail, sizeof(a.detail), "Origen: %s. Dirección: %s. Motivo: %s.",
                 r->useragent_ip, sence_mail_clean(r->pool, r->uri, 60), what);
    put(r->server, &a);
}

void sence_alert_dropped(server_rec *s, sence_event_kind_t ev, const sence_record_t *rec)
{
    sence_alert_t a;
    apr_time_t now = apr_time_now();

    if (!queue)
        return;
    if (ev == SENCE_EV_LOGIN_ABANDONED) {
        from_record(&a, SENCE_ALERT_ABANDONED, rec);
        if (sence_alertq_recall(queue, rec->id, now, &a.ctx) == APR_SUCCESS)
            put(s, &a);
        return;
    }
    if (ev == SENCE_EV_LOGIN_EVICTED || ev == SENCE_EV_SESSION_EVICTED ||
        ev == SENCE_EV_CLOSE_EVICTED) {
        sence_store_stats_t st;
        from_record(&a, SENCE_ALERT_STORE_FULL, NULL);
        /* the evicted participant's location, else the main server's SenceAlertMail */
        if (sence_alertq_recall(queue, ev == SENCE_EV_SESSION_EVICTED ? rec->ref : rec->id, now,
                                &a.ctx) != APR_SUCCESS) {
            sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
            const sence_dir_conf_t *d = ap_get_module_config(s->lookup_defaults, &sence_module);
            int i;
            memset(&a.ctx, 0, sizeof(a.ctx));
            for (i = 0; d && d->alert_mail && i < d->alert_mail->nelts; i++) {
                apr_size_t n = strlen(a.ctx.recipients);
                apr_snprintf(a.ctx.recipients + n, sizeof(a.ctx.recipients) - n, "%s%s",
                             i ? ", " : "", APR_ARRAY_IDX(d->alert_mail, i, const char *));
            }
            sence_strlcpy(a.ctx.site, sc->public_url ? sc->public_url : "", sizeof(a.ctx.site));
            a.ctx.throttle = d && d->alert_throttle >= 0 ? d->alert_throttle : DEFAULT_THROTTLE;
        }
        memset(&a.ctx.who, 0, sizeof(a.ctx.who));
        sence_strlcpy(a.subject, a.ctx.site, sizeof(a.subject));
        if (sence_store()) {
            sence_store_stats(sence_store(), &st);
            apr_snprintf(a.detail, sizeof(a.detail),
                         "Registros en uso: %u de %u (SenceSessionCacheSize).",
                         st.live[0] + st.live[1], st.capacity);
        }
        put(s, &a);
    }
}
