/* SenceJournal: the attendance evidence, one JSON line per event, appended by every child.
 * Each line is one write(2) on an O_APPEND file or a pipe (lines stay under PIPE_BUF), so
 * concurrent children never interleave. A failed write is an error-log line, never a crash. */
#include "sence_module.h"
#include "journal.h"
#include "store_glue.h"
#include "event.h"
#include "alert_glue.h"

#include <http_core.h>
#include <http_log.h>
#include <apr_strings.h>

static apr_file_t *journal;
static const char *journal_name;
static apr_time_t last_complaint;

const char *sence_journal_set(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    sence_srv_conf_t *sc = ap_get_module_config(cmd->server->module_config, &sence_module);

    (void)dv;
    if (err)
        return err;
    if (!*arg)
        return "SenceJournal: give a file path or \"|command\"";
    sc->journal = arg;
    return NULL;
}

/* Opened by the parent (as root, like CustomLog), inherited by the children. */
int sence_journal_open(apr_pool_t *pconf, server_rec *s)
{
    sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
    apr_status_t rv;

    journal = NULL;
    journal_name = sc->journal;
    if (!sc->journal)
        return OK;
    if (sc->journal[0] == '|') {
        piped_log *pl = ap_open_piped_log(pconf, sc->journal + 1);
        if (!pl) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         SLOG(5001) "SenceJournal: cannot start \"%s\"", sc->journal + 1);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        journal = ap_piped_log_write_fd(pl);
        return OK;
    }
    rv = apr_file_open(&journal, ap_server_root_relative(pconf, sc->journal),
                       APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_APPEND | APR_FOPEN_LARGEFILE,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(5002) "SenceJournal: cannot open %s for appending; check the path and "
                                "its directory's permissions",
                     sc->journal);
        journal = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static void write_line(server_rec *s, apr_pool_t *p, const sence_event_t *e)
{
    const char *line;
    apr_size_t len, written = 0;
    apr_status_t rv;

    if (!journal)
        return;
    line = sence_event_json(p, e);
    len = strlen(line);
    rv = apr_file_write_full(journal, line, len, &written);
    if (rv != APR_SUCCESS && apr_time_now() - last_complaint > apr_time_from_sec(60)) {
        last_complaint = apr_time_now();
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     SLOG(5003) "SenceJournal %s: write failed (%" APR_SIZE_T_FMT
                                " of %" APR_SIZE_T_FMT " bytes); event %s lost from the journal",
                     journal_name, written, len, sence_event_name(e->ev));
    }
}

void sence_journal(request_rec *r, sence_event_t *e)
{
    e->time = apr_time_now();
    if (!e->ip)
        e->ip = r->useragent_ip;
    sence_count_event(sence_counters(), e->ev);
    for (int i = 0; e->codes && i < e->codes->nelts; i++)
        sence_count_code(sence_counters(), APR_ARRAY_IDX(e->codes, i, int));
    write_line(r->server, r->pool, e);
}

void sence_journal_server(server_rec *s, apr_pool_t *p, sence_event_t *e)
{
    e->time = apr_time_now();
    sence_count_event(sence_counters(), e->ev);
    write_line(s, p, e);
}

/* Records what the store drops (expiry, abandoned logins, evictions, replacements). */
static void dropped(void *baton, sence_kind_t kind, sence_drop_why_t why, const sence_record_t *rec)
{
    server_rec *s = baton;
    sence_event_kind_t ev = sence_drop_event(kind, rec, why);
    sence_event_t e;
    apr_pool_t *p;

    sence_count_event(sence_counters(), ev);
    sence_alert_dropped(s, ev, rec);
    if (!journal || apr_pool_create(&p, NULL) != APR_SUCCESS)
        return;
    memset(&e, 0, sizeof(e));
    e.ev = ev;
    e.time = apr_time_now();
    e.rec = rec;
    /* a session's own id is its cookie: the journal names the IdSesionAlumno it began with */
    if (kind == SENCE_KIND_SESSION)
        e.id_sesion_alumno = rec->ref;
    write_line(s, p, &e);
    apr_pool_destroy(p);
}

void sence_journal_child_init(server_rec *s)
{
    if (sence_store())
        sence_store_on_drop(sence_store(), dropped, s);
}
