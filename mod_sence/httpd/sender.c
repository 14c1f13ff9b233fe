/* The alert sender: one process per httpd generation, forked by the parent in post_config
 * (as mod_cgid forks its daemon), that delivers the queue (alert_glue.c) with libesmtp and sweeps
 * the store so that abandoned logins are noticed on an idle site (with a shared store it runs
 * for that alone when no alert is configured: expiries are claimed while the record's key is
 * still there). Requests never wait for it:
 * they only write to the queue in shared memory. It runs as User/Group, is started again
 * when it dies, and is stopped with its generation (a graceful restart replaces it; alerts
 * being delivered then go back to the queue). */
#include "sence_module.h"
#include "alert_glue.h"
#include "journal.h"
#include "sender.h"
#include "store_glue.h"
#include "mail.h"

#include <http_core.h>
#include <http_main.h>
#include <ap_listen.h>
#include <ap_mpm.h>
#include <mpm_common.h>
#include <apr_signal.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>

/* before libesmtp.h, which declares its OpenSSL and SASL functions only after these */
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZONE "America/Santiago"
/* Seconds libesmtp waits for each step of a transaction. */
#define SMTP_TIMEOUT_MS 30000

static apr_pool_t *gen_pool; /* this generation's pconf */
static server_rec *main_server;
static int restarts;

static apr_status_t spawn(void);

/* ---- delivery ------------------------------------------------------------------------ */

typedef struct {
    int tls_missing;  /* STARTTLS not offered */
    int tls_rejected; /* a certificate that does not verify */
    const sence_srv_conf_t *sc;
} transfer_t;

static void on_event(smtp_session_t session, int ev, void *arg, ...)
{
    transfer_t *t = arg;

    (void)session;
    if (ev == SMTP_EV_EXTNA_STARTTLS)
        t->tls_missing = 1;
    /* certificate events leave libesmtp's "ok" at 0: verification stays on, it is refused */
    if (ev == SMTP_EV_INVALID_PEER_CERTIFICATE || ev == SMTP_EV_NO_PEER_CERTIFICATE ||
        ev == SMTP_EV_WRONG_PEER_CERTIFICATE)
        t->tls_rejected = 1;
}

/* SMTP AUTH: the user and password read from SenceMailAuthFile at startup. */
static int interact(auth_client_request_t req, char **result, int fields, void *arg)
{
    const transfer_t *t = arg;
    int i;

    for (i = 0; i < fields; i++) {
        if (req[i].flags & AUTH_USER)
            result[i] = (char *)t->sc->mail_user;
        else if (req[i].flags & AUTH_PASS)
            result[i] = (char *)t->sc->mail_password;
        else
            result[i] = NULL;
        if (!result[i])
            return 0;
    }
    return 1;
}

/* The server whose SencePublicURL the alert was made under (its mail settings), else the
 * main server. */
static server_rec *server_for(const sence_alert_t *a)
{
    server_rec *s;

    for (s = main_server; s; s = s->next) {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        if (sc->public_url && !strcmp(sc->public_url, a->ctx.site) && sc->mail_from)
            return s;
    }
    return main_server;
}

/* The alert's time in America/Santiago. The sender is one thread in a process of its own, so
 * it may set TZ for the call and put it back (the journal keeps the server's own zone). */
static const char *santiago(apr_time_t t, apr_time_exp_t *out)
{
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    struct stat st;

    if (stat("/usr/share/zoneinfo/" ZONE, &st) != 0) {
        free(saved);
        apr_time_exp_gmt(out, t);
        return "UTC";
    }
    setenv("TZ", ZONE, 1);
    tzset();
    apr_time_exp_lt(out, t);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    return ZONE;
}

static sence_alert_outcome_t deliver(apr_pool_t *p, const sence_alert_t *a, server_rec **via,
                                     const char **why)
{
    server_rec *s = server_for(a);
    const sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
    apr_array_header_t *to = sence_mail_recipients(p, a->ctx.recipients);
    int tls = sence_mail_tls(sc), i, ok;
    sence_alert_outcome_t how = SENCE_ALERT_RETRY;
    smtp_session_t session;
    smtp_message_t message;
    auth_context_t auth = NULL;
    SSL_CTX *ssl = NULL;
    transfer_t t;
    apr_time_exp_t when;
    sence_mail_env_t env;
    char id[SENCE_ID_LEN + 1];
    const char *msg;

    *via = s;
    if (!to->nelts || !sc->mail_from) {
        *why = "no valid recipient or no SenceMailFrom";
        return SENCE_ALERT_FAILED;
    }
    if (sence_id_new(id) != APR_SUCCESS)
        apr_snprintf(id, sizeof(id), "%" APR_TIME_T_FMT, apr_time_now());
    env.from = sc->mail_from;
    env.msgid = apr_psprintf(p, "sence.%s", id);
    env.when = &when;
    env.zone = santiago(a->time, &when);
    msg = sence_mail_message(p, a, &env);

    memset(&t, 0, sizeof(t));
    t.sc = sc;
    if (!(session = smtp_create_session())) {
        *why = "libesmtp cannot create a session";
        return SENCE_ALERT_RETRY;
    }
    smtp_set_server(session, apr_psprintf(p, "%s:%d", sence_mail_host(sc), sence_mail_port(sc)));
    smtp_set_eventcb(session, on_event, &t);
    for (i = Timeout_GREETING; i <= Timeout_DATA2; i++)
        smtp_set_timeout(session, i | Timeout_OVERRIDE_RFC2822_MINIMUM, SMTP_TIMEOUT_MS);
    smtp_starttls_enable(session, tls == 0   ? Starttls_DISABLED
                                  : tls == 2 ? Starttls_REQUIRED
                                             : Starttls_ENABLED);
    if (tls && (ssl = SSL_CTX_new(TLS_client_method())) != NULL) {
        SSL_CTX_set_default_verify_paths(ssl);
        SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, NULL);
        SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION);
        X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ssl), sence_mail_host(sc), 0);
        smtp_starttls_set_ctx(session, ssl);
    }
    if (sc->mail_user) {
        auth = auth_create_context();
        auth_set_mechanism_flags(auth, AUTH_PLUGIN_PLAIN, 0);
        auth_set_interact_cb(auth, interact, &t);
        smtp_auth_set_context(session, auth);
    }
    message = smtp_add_message(session);
    smtp_set_reverse_path(message, sc->mail_from);
    smtp_set_message_str(message, (void *)msg);
    for (i = 0; i < to->nelts; i++)
        smtp_add_recipient(message, APR_ARRAY_IDX(to, i, const char *));

    ok = smtp_start_session(session);
    if (t.tls_missing && tls == 2) {
        *why = "the SMTP server does not offer STARTTLS and SenceMailTLS is required";
        how = SENCE_ALERT_FAILED;
    } else if (t.tls_rejected) {
        *why = "the SMTP server's certificate does not verify (SenceMailTLS keeps "
               "verification on)";
    } else if (!ok) {
        char buf[128];
        *why = apr_pstrdup(p, smtp_strerror(smtp_errno(), buf, sizeof(buf)));
    } else {
        const smtp_status_t *st = smtp_message_transfer_status(message);
        if (st && st->code / 100 == 2) {
            how = SENCE_ALERT_SENT;
        } else if (!st || !st->code) { /* no answer: timeout, dropped connection */
            char buf[128];
            *why = apr_pstrdup(p, smtp_strerror(smtp_errno(), buf, sizeof(buf)));
        } else {
            *why = apr_psprintf(p, "the SMTP server answered %d %s", st->code,
                                st->text ? sence_mail_clean(p, st->text, 200) : "");
            if (st->code / 100 == 5)
                how = SENCE_ALERT_FAILED;
        }
    }
    smtp_destroy_session(session);
    if (auth)
        auth_destroy_context(auth);
    if (ssl)
        SSL_CTX_free(ssl);
    return how;
}

static void journal_outcome(server_rec *s, apr_pool_t *p, const sence_alert_t *a, int sent,
                            const char *why)
{
    sence_record_t rec;
    sence_event_t e;
    apr_array_header_t *codes = apr_array_make(p, a->ncodes + 1, sizeof(int));
    int i;

    memset(&rec, 0, sizeof(rec));
    sence_strlcpy(rec.run, a->run, sizeof(rec.run));
    sence_strlcpy(rec.cod_sence, a->cod_sence, sizeof(rec.cod_sence));
    sence_strlcpy(rec.codigo_curso, a->codigo_curso, sizeof(rec.codigo_curso));
    rec.linea = a->linea;
    for (i = 0; i < a->ncodes && i < SENCE_MAX_CODES; i++)
        APR_ARRAY_PUSH(codes, int) = a->codes[i];
    memset(&e, 0, sizeof(e));
    e.ev = sent ? SENCE_EV_ALERT_SENT : SENCE_EV_ALERT_FAILED;
    e.rec = &rec;
    e.codes = a->ncodes ? codes : NULL;
    e.alert = sence_alert_kind_name(a->kind);
    e.recipients = a->ctx.recipients;
    e.reason = sent ? NULL : why;
    sence_journal_server(s, p, &e);
}

static void deliver_due(apr_pool_t *p, sence_alertq_t *q)
{
    sence_alert_t a;
    apr_uint32_t slot, tries;

    while (sence_alertq_take(q, apr_time_now(), &a, &slot, &tries) == APR_SUCCESS) {
        const char *why = "";
        server_rec *s = main_server;
        sence_alert_outcome_t how = deliver(p, &a, &s, &why);
        how = sence_alertq_done(q, slot, how, apr_time_now());
        if (how == SENCE_ALERT_SENT) {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, SLOG(7021) "alert %s (RUN %s) sent to %s",
                         sence_alert_kind_name(a.kind), a.run[0] ? a.run : "-", a.ctx.recipients);
            journal_outcome(s, p, &a, 1, NULL);
        } else if (how == SENCE_ALERT_FAILED) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                         SLOG(7022) "alert %s (RUN %s, CodigoCurso '%s') to %s not delivered "
                                    "after %u tries: %s",
                         sence_alert_kind_name(a.kind), a.run[0] ? a.run : "-", a.codigo_curso,
                         a.ctx.recipients, tries, why);
            journal_outcome(s, p, &a, 0, why);
        } else {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         SLOG(7023) "alert %s (RUN %s) to %s: try %u failed, next in %d s: %s",
                         sence_alert_kind_name(a.kind), a.run[0] ? a.run : "-", a.ctx.recipients,
                         tries, sence_alert_backoff(tries), why);
        }
        apr_pool_clear(p);
    }
}

/* ---- the process --------------------------------------------------------------------- */

static void run(apr_pool_t *pool, server_rec *s, pid_t parent)
{
    apr_pool_t *p, *work;
    sigset_t none;

    apr_signal(SIGTERM, SIG_DFL);
    apr_signal(SIGINT, SIG_DFL);
    apr_signal(SIGHUP, SIG_DFL);
    apr_signal(SIGUSR1, SIG_IGN); /* httpd's graceful: the parent replaces this process */
    apr_signal(SIGWINCH, SIG_IGN);
    apr_signal(SIGPIPE, SIG_IGN);
    apr_signal(SIGCHLD, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    ap_close_listeners(); /* it serves no connection */
    apr_pool_create(&p, pool);
    if (ap_run_drop_privileges(p, s) != OK) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     SLOG(7024) "alert sender: cannot drop privileges to User/Group");
        exit(APEXIT_CHILDFATAL);
    }
    sence_store_child_init(p, s);
    sence_alert_child_init(p, s);
    if (sence_store())
        sence_journal_child_init(s);
    if (!sence_alertq() && !sence_store_shared())
        exit(APEXIT_CHILDFATAL);
    if (sence_alertq())
        sence_alertq_recover(sence_alertq());
    auth_client_init();
    if (restarts)
        apr_sleep(apr_time_from_sec(restarts < 30 ? restarts : 30)); /* never a busy loop */
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SLOG(7025) "alert sender %d started",
                 (int)getpid());
    apr_pool_create(&work, p);
    for (;;) {
        if (getppid() != parent)
            exit(0); /* httpd is gone */
        /* abandoned logins are noticed even when no request comes */
        if (sence_store())
            sence_store_sweep(sence_store(), apr_time_now(),
                              apr_time_from_sec(SENCE_SWEEP_SECONDS));
        if (sence_alertq())
            deliver_due(work, sence_alertq());
        /* an idle look at the queue is one read of shared memory: a new alert leaves
         * within a fifth of a second */
        apr_sleep(apr_time_from_msec(200));
    }
}

static void maintenance(int reason, void *data, apr_wait_t status)
{
    apr_proc_t *proc = data;
    int state = AP_MPMQ_STARTING;

    switch (reason) {
    case APR_OC_REASON_DEATH:
    case APR_OC_REASON_LOST:
        apr_proc_other_child_unregister(data);
        ap_mpm_query(AP_MPMQ_MPM_STATE, &state);
        if (state == AP_MPMQ_STOPPING)
            break;
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                     SLOG(7026) "alert sender %d ended (status %d); starting another",
                     (int)proc->pid, (int)status);
        restarts++;
        spawn();
        break;
    case APR_OC_REASON_RESTART:
        apr_proc_other_child_unregister(data);
        break;
    default:
        break;
    }
}

static apr_status_t spawn(void)
{
    apr_proc_t *proc = apr_pcalloc(gen_pool, sizeof(*proc));
    pid_t parent = getpid();
    apr_status_t rv = apr_proc_fork(proc, gen_pool);

    if (rv == APR_INCHILD) {
        run(gen_pool, main_server, parent);
        exit(0);
    }
    if (rv != APR_INPARENT) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, main_server,
                     SLOG(7027) "cannot start the alert sender: alerts stay queued");
        return rv;
    }
    /* stopped with its generation: SIGTERM, then SIGKILL after 3 s */
    apr_pool_note_subprocess(gen_pool, proc, APR_KILL_AFTER_TIMEOUT);
    apr_proc_other_child_register(proc, maintenance, proc, NULL, gen_pool);
    return APR_SUCCESS;
}

int sence_sender_start(apr_pool_t *pconf, server_rec *s)
{
    gen_pool = pconf;
    main_server = s;
    /* with a shared store too: expiries are claimed and journaled on an idle site */
    if (!sence_alertq() && !sence_store_shared())
        return OK;
    restarts = 0;
    spawn(); /* a sender that cannot start is logged; requests keep queuing */
    return OK;
}
