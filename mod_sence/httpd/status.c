/* SetHandler sence-status: what the module is doing now, for people (HTML), machines (?json)
 * and Prometheus (?metrics). Protect it with Require, like server-status. */
#include "sence_module.h"
#include "config.h"
#include "status.h"
#include "store_glue.h"
#include "alert_glue.h"

#include <http_core.h>
#include <http_main.h>
#include <http_protocol.h>
#include <apr_hash.h>
#include <apr_strings.h>

#define STATUS_HANDLER "sence-status"

typedef struct {
    const char *cod_sence;
    const char *codigo_curso;
    int linea;
    int sessions;
} course_count_t;

typedef struct {
    apr_pool_t *pool;
    apr_hash_t *courses;
} walk_t;

static void count_session(void *baton, const sence_record_t *rec)
{
    walk_t *w = baton;
    const char *key =
        apr_psprintf(w->pool, "%d|%s|%s", rec->linea, rec->cod_sence, rec->codigo_curso);
    course_count_t *c = apr_hash_get(w->courses, key, APR_HASH_KEY_STRING);

    if (!c) {
        c = apr_pcalloc(w->pool, sizeof(*c));
        c->cod_sence = apr_pstrdup(w->pool, rec->cod_sence);
        c->codigo_curso = apr_pstrdup(w->pool, rec->codigo_curso);
        c->linea = rec->linea;
        apr_hash_set(w->courses, key, APR_HASH_KEY_STRING, c);
    }
    c->sessions++;
}

typedef struct {
    const char *server;
    const char *path;
    const char *environment;
    const char *endpoint;
    int moodle;
    int close;
} location_t;

static apr_array_header_t *locations(request_rec *r)
{
    apr_array_header_t *a = apr_array_make(r->pool, 8, sizeof(location_t));
    server_rec *s;
    int i;

    for (s = ap_server_conf; s; s = s->next) {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        for (i = 0; i < sc->sections->nelts; i++) {
            const sence_section_t *sec = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
            const sence_dir_conf_t *d =
                sec->path ? sence_section_effective(r->pool, s, sec)
                          : ap_get_module_config(s->lookup_defaults, &sence_module);
            location_t *l;
            if (d->enabled != 1)
                continue;
            l = apr_array_push(a);
            l->server = apr_psprintf(r->pool, "%s:%d", s->server_hostname, s->port);
            l->path = sec->path ? sec->path : "(server)";
            l->environment = d->env == SENCE_ENV_PRODUCTION ? "production" : "test";
            l->endpoint = sence_base_url(d->env, d->endpoint);
            l->moodle = d->moodle.enabled == 1;
            l->close = d->close_session == 1;
        }
    }
    return a;
}

static const char *kind_name(int k)
{
    return k == SENCE_KIND_SESSION ? "session" : "attempt";
}

/* Prometheus label value: backslash, quote and newline escaped. */
static const char *label(apr_pool_t *p, const char *v)
{
    char *out = apr_palloc(p, strlen(v) * 2 + 1), *o = out;

    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            *o++ = '\\';
        if (*v == '\n') {
            *o++ = '\\';
            *o++ = 'n';
            continue;
        }
        *o++ = *v;
    }
    *o = '\0';
    return out;
}

/* The alert queue's figures; zeroes when no section sends alerts. */
static int alert_stats(sence_alert_stats_t *a)
{
    memset(a, 0, sizeof(*a));
    if (!sence_alertq())
        return 0;
    sence_alertq_stats(sence_alertq(), a);
    return 1;
}

static void metrics(request_rec *r, const sence_store_stats_t *st, const sence_counters_t *n,
                    apr_hash_t *courses, apr_array_header_t *locs)
{
    apr_hash_index_t *hi;
    int i;

    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    ap_rputs("# HELP sence_sessions_live Live SENCE sessions per course.\n"
             "# TYPE sence_sessions_live gauge\n",
             r);
    for (hi = apr_hash_first(r->pool, courses); hi; hi = apr_hash_next(hi)) {
        const course_count_t *c = apr_hash_this_val(hi);
        ap_rprintf(r, "sence_sessions_live{cod_sence=\"%s\",codigo_curso=\"%s\",linea=\"%d\"} %d\n",
                   label(r->pool, c->cod_sence), label(r->pool, c->codigo_curso), c->linea,
                   c->sessions);
    }
    ap_rprintf(r,
               "# HELP sence_attempts_pending Logins and closes sent to SENCE, not answered yet.\n"
               "# TYPE sence_attempts_pending gauge\nsence_attempts_pending %u\n"
               "# HELP sence_store_capacity Records the shared-memory store holds.\n"
               "# TYPE sence_store_capacity gauge\nsence_store_capacity %u\n",
               st->live[SENCE_KIND_ATTEMPT], st->capacity);
    ap_rputs("# TYPE sence_store_records gauge\n# TYPE sence_store_expired_total counter\n"
             "# TYPE sence_store_evictions_total counter\n",
             r);
    for (i = 0; i < SENCE_KINDS; i++)
        ap_rprintf(r,
                   "sence_store_records{kind=\"%s\"} %u\n"
                   "sence_store_expired_total{kind=\"%s\"} %" APR_UINT64_T_FMT "\n"
                   "sence_store_evictions_total{kind=\"%s\"} %" APR_UINT64_T_FMT "\n",
                   kind_name(i), st->live[i], kind_name(i), st->expired[i], kind_name(i),
                   st->evicted[i]);
    ap_rputs("# HELP sence_events_total Journal events since the store was created.\n"
             "# TYPE sence_events_total counter\n",
             r);
    for (i = 0; i < SENCE_EV_COUNT; i++)
        ap_rprintf(r, "sence_events_total{event=\"%s\"} %u\n",
                   sence_event_name((sence_event_kind_t)i), n->events[i]);
    ap_rprintf(r,
               "# HELP sence_suspect_callbacks_total Accepted callbacks that did not look like "
               "SENCE's page (Origin, Sec-Fetch-*, timing).\n"
               "# TYPE sence_suspect_callbacks_total counter\n"
               "sence_suspect_callbacks_total{kind=\"start\"} %u\n"
               "sence_suspect_callbacks_total{kind=\"close\"} %u\n",
               n->suspect[0], n->suspect[1]);
    ap_rputs("# HELP sence_glosa_errors_total GlosaError codes received from SENCE.\n"
             "# TYPE sence_glosa_errors_total counter\n",
             r);
    for (i = 0; i < SENCE_CODE_SLOTS; i++)
        if (n->codes[i])
            ap_rprintf(r, "sence_glosa_errors_total{code=\"%s\"} %u\n",
                       sence_slot_code(i) < 0 ? "other" : apr_itoa(r->pool, sence_slot_code(i)),
                       n->codes[i]);
    {
        sence_alert_stats_t a;
        alert_stats(&a);
        ap_rprintf(
            r,
            "# HELP sence_alerts_queued Alert mails waiting for delivery.\n"
            "# TYPE sence_alerts_queued gauge\nsence_alerts_queued %u\n"
            "# HELP sence_alerts_sent_total Alert mails the SMTP server accepted.\n"
            "# TYPE sence_alerts_sent_total counter\nsence_alerts_sent_total %" APR_UINT64_T_FMT
            "\n"
            "# HELP sence_alerts_failed_total Alert mails given up after the last try.\n"
            "# TYPE sence_alerts_failed_total counter\nsence_alerts_failed_total "
            "%" APR_UINT64_T_FMT "\n"
            "# HELP sence_alerts_throttled_total Alerts held back by SenceAlertThrottle.\n"
            "# TYPE sence_alerts_throttled_total counter\nsence_alerts_throttled_total "
            "%" APR_UINT64_T_FMT "\n"
            "# HELP sence_alerts_dropped_total Undelivered alerts dropped from a full "
            "queue.\n"
            "# TYPE sence_alerts_dropped_total counter\nsence_alerts_dropped_total "
            "%" APR_UINT64_T_FMT "\n",
            a.queued, a.sent, a.failed, a.throttled, a.dropped);
    }
    ap_rputs("# HELP sence_location_info Gated locations and their SENCE environment.\n"
             "# TYPE sence_location_info gauge\n",
             r);
    for (i = 0; i < locs->nelts; i++) {
        const location_t *l = &APR_ARRAY_IDX(locs, i, location_t);
        ap_rprintf(r,
                   "sence_location_info{server=\"%s\",path=\"%s\",environment=\"%s\","
                   "endpoint=\"%s\",moodle=\"%d\",close=\"%d\"} 1\n",
                   label(r->pool, l->server), label(r->pool, l->path), l->environment,
                   label(r->pool, l->endpoint), l->moodle, l->close);
    }
}

static void json(request_rec *r, const sence_store_stats_t *st, const sence_counters_t *n,
                 apr_hash_t *courses, apr_array_header_t *locs)
{
    apr_pool_t *p = r->pool;
    apr_hash_index_t *hi;
    int i, first;

    ap_set_content_type(r, "application/json");
    ap_rprintf(r,
               "{\"time\":%s,\"store\":{\"capacity\":%u,\"sessions\":%u,\"attempts\":%u,"
               "\"expired\":{\"sessions\":%" APR_UINT64_T_FMT ",\"attempts\":%" APR_UINT64_T_FMT
               "},\"evicted\":{\"sessions\":%" APR_UINT64_T_FMT ",\"attempts\":%" APR_UINT64_T_FMT
               "}},\"courses\":[",
               sence_json_string(p, sence_iso_time(p, apr_time_now())), st->capacity,
               st->live[SENCE_KIND_SESSION], st->live[SENCE_KIND_ATTEMPT],
               st->expired[SENCE_KIND_SESSION], st->expired[SENCE_KIND_ATTEMPT],
               st->evicted[SENCE_KIND_SESSION], st->evicted[SENCE_KIND_ATTEMPT]);
    for (first = 1, hi = apr_hash_first(p, courses); hi; hi = apr_hash_next(hi), first = 0) {
        const course_count_t *c = apr_hash_this_val(hi);
        ap_rprintf(r, "%s{\"cod_sence\":%s,\"codigo_curso\":%s,\"linea\":%d,\"sessions\":%d}",
                   first ? "" : ",", sence_json_string(p, c->cod_sence),
                   sence_json_string(p, c->codigo_curso), c->linea, c->sessions);
    }
    ap_rputs("],\"events\":{", r);
    for (i = 0; i < SENCE_EV_COUNT; i++)
        ap_rprintf(r, "%s\"%s\":%u", i ? "," : "", sence_event_name((sence_event_kind_t)i),
                   n->events[i]);
    ap_rprintf(r, "},\"suspect\":{\"start\":%u,\"close\":%u", n->suspect[0], n->suspect[1]);
    ap_rputs("},\"errors\":{", r);
    for (first = 1, i = 0; i < SENCE_CODE_SLOTS; i++) {
        if (!n->codes[i])
            continue;
        ap_rprintf(r, "%s\"%s\":%u", first ? "" : ",",
                   sence_slot_code(i) < 0 ? "other" : apr_itoa(p, sence_slot_code(i)), n->codes[i]);
        first = 0;
    }
    {
        sence_alert_stats_t a;
        int on = alert_stats(&a);
        ap_rprintf(
            r,
            "},\"alerts\":{\"enabled\":%s,\"queued\":%u,\"capacity\":%u,\"sent\":%" APR_UINT64_T_FMT
            ",\"failed\":%" APR_UINT64_T_FMT ",\"throttled\":%" APR_UINT64_T_FMT
            ",\"dropped\":%" APR_UINT64_T_FMT,
            on ? "true" : "false", a.queued, a.capacity, a.sent, a.failed, a.throttled, a.dropped);
    }
    ap_rputs("},\"locations\":[", r);
    for (i = 0; i < locs->nelts; i++) {
        const location_t *l = &APR_ARRAY_IDX(locs, i, location_t);
        ap_rprintf(r,
                   "%s{\"server\":%s,\"path\":%s,\"environment\":\"%s\",\"endpoint\":%s,"
                   "\"moodle\":%s,\"close\":%s}",
                   i ? "," : "", sence_json_string(p, l->server), sence_json_string(p, l->path),
                   l->environment, sence_json_string(p, l->endpoint), l->moodle ? "true" : "false",
                   l->close ? "true" : "false");
    }
    ap_rputs("]}\n", r);
}

static const char *h(request_rec *r, const char *s)
{
    return ap_escape_html2(r->pool, s, 0);
}

static void html(request_rec *r, const sence_store_stats_t *st, const sence_counters_t *n,
                 apr_hash_t *courses, apr_array_header_t *locs)
{
    apr_hash_index_t *hi;
    int i;

    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_rputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<title>mod_sence status</title></head><body>\n<h1>mod_sence status</h1>\n",
             r);
    ap_rputs("<h2>Gated locations</h2>\n<table border=\"1\"><tr><th>server</th><th>location</th>"
             "<th>SENCE environment</th><th>endpoint</th><th>Moodle</th><th>close</th></tr>\n",
             r);
    for (i = 0; i < locs->nelts; i++) {
        const location_t *l = &APR_ARRAY_IDX(locs, i, location_t);
        ap_rprintf(r,
                   "<tr><td>%s</td><td>%s</td><td><strong>%s</strong></td><td>%s</td>"
                   "<td>%s</td><td>%s</td></tr>\n",
                   h(r, l->server), h(r, l->path),
                   strcmp(l->environment, "production") ? "test (no real attendance)"
                                                        : "PRODUCTION",
                   h(r, l->endpoint), l->moodle ? "yes" : "no", l->close ? "yes" : "no");
    }
    ap_rputs("</table>\n<h2>Live sessions per course</h2>\n<table border=\"1\"><tr>"
             "<th>CodSence</th><th>CodigoCurso</th><th>line</th><th>sessions</th></tr>\n",
             r);
    for (hi = apr_hash_first(r->pool, courses); hi; hi = apr_hash_next(hi)) {
        const course_count_t *c = apr_hash_this_val(hi);
        ap_rprintf(r, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td></tr>\n", h(r, c->cod_sence),
                   h(r, c->codigo_curso), c->linea, c->sessions);
    }
    ap_rprintf(r,
               "</table>\n<h2>Store</h2>\n<p>%u sessions and %u pending attempts in %u "
               "records; expired %" APR_UINT64_T_FMT " sessions, %" APR_UINT64_T_FMT
               " attempts; evicted %" APR_UINT64_T_FMT " sessions, %" APR_UINT64_T_FMT
               " attempts.</p>\n<h2>Events</h2>\n<table border=\"1\">\n",
               st->live[SENCE_KIND_SESSION], st->live[SENCE_KIND_ATTEMPT], st->capacity,
               st->expired[SENCE_KIND_SESSION], st->expired[SENCE_KIND_ATTEMPT],
               st->evicted[SENCE_KIND_SESSION], st->evicted[SENCE_KIND_ATTEMPT]);
    for (i = 0; i < SENCE_EV_COUNT; i++)
        ap_rprintf(r, "<tr><td>%s</td><td>%u</td></tr>\n", sence_event_name((sence_event_kind_t)i),
                   n->events[i]);
    ap_rprintf(r,
               "</table>\n<h2>Suspect callbacks</h2>\n<p>%u session starts and %u closes were "
               "accepted from a browser request that did not look like SENCE's page (see the "
               "journal's <code>suspect</code> field).</p>\n",
               n->suspect[0], n->suspect[1]);
    {
        sence_alert_stats_t a;
        if (alert_stats(&a))
            ap_rprintf(r,
                       "<h2>Alert mails</h2>\n<p>%u queued (of %u), %" APR_UINT64_T_FMT
                       " sent, %" APR_UINT64_T_FMT " failed, %" APR_UINT64_T_FMT
                       " held back by SenceAlertThrottle, %" APR_UINT64_T_FMT
                       " dropped from a full queue.</p>\n",
                       a.queued, a.capacity, a.sent, a.failed, a.throttled, a.dropped);
        else
            ap_rputs("<h2>Alert mails</h2>\n<p>Off: no section sets SenceAlertMail.</p>\n", r);
    }
    ap_rputs("<h2>SENCE error codes</h2>\n<table border=\"1\">\n", r);
    for (i = 0; i < SENCE_CODE_SLOTS; i++)
        if (n->codes[i])
            ap_rprintf(
                r, "<tr><td>%s</td><td>%s</td><td>%u</td></tr>\n",
                sence_slot_code(i) < 0 ? "other" : apr_itoa(r->pool, sence_slot_code(i)),
                sence_slot_code(i) < 0 ? "" : h(r, sence_rce_describe(r->pool, sence_slot_code(i))),
                n->codes[i]);
    ap_rputs("</table>\n</body></html>\n", r);
}

int sence_status_handler(request_rec *r)
{
    sence_store_stats_t st;
    sence_counters_t c;
    walk_t w;
    apr_array_header_t *locs;

    if (!r->handler || strcmp(r->handler, STATUS_HANDLER) != 0)
        return DECLINED;
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    if (!sence_store())
        return HTTP_SERVICE_UNAVAILABLE;
    sence_store_sweep(sence_store(), apr_time_now(), 0); /* count only what is alive */
    sence_store_stats(sence_store(), &st);
    if (sence_counters())
        c = *sence_counters();
    else
        memset(&c, 0, sizeof(c));
    w.pool = r->pool;
    w.courses = apr_hash_make(r->pool);
    sence_store_walk(sence_store(), SENCE_KIND_SESSION, apr_time_now(), count_session, &w);
    locs = locations(r);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->args && !strcmp(r->args, "json"))
        json(r, &st, &c, w.courses, locs);
    else if (r->args && !strcmp(r->args, "metrics"))
        metrics(r, &st, &c, w.courses, locs);
    else
        html(r, &st, &c, w.courses, locs);
    return OK;
}
