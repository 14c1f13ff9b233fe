#include "statusdoc.h"
#include "event.h"
#include "rce.h"
#include "util.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A response body built from pieces, joined once at the end. */
typedef struct {
    apr_pool_t *p;
    apr_array_header_t *parts;
} out_t;

static void out_init(out_t *o, apr_pool_t *p)
{
    o->p = p;
    o->parts = apr_array_make(p, 64, sizeof(const char *));
}

static void put(out_t *o, const char *s)
{
    APR_ARRAY_PUSH(o->parts, const char *) = s;
}

static void putf(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(out_t *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    put(o, apr_pvsprintf(o->p, fmt, ap));
    va_end(ap);
}

static const char *out_done(out_t *o)
{
    return apr_array_pstrcat(o->p, o->parts, 0);
}

sence_status_t *sence_status_new(apr_pool_t *p)
{
    sence_status_t *st = apr_pcalloc(p, sizeof(*st));

    st->pool = p;
    st->version = "";
    st->server_version = "";
    st->mpm = "";
    st->store_backend = "shm";
    st->store_reachable = 1;
    st->courses = apr_array_make(p, 8, sizeof(sence_status_course_t));
    st->locations = apr_array_make(p, 8, sizeof(sence_status_location_t));
    st->seen = apr_hash_make(p);
    return st;
}

static const char *str(const char *s)
{
    return s ? s : "";
}

int sence_status_add_location(sence_status_t *st, const sence_status_location_t *l)
{
    /* NUL separates the two parts: neither a host nor a path holds one */
    const char *server = str(l->server), *path = str(l->path);
    apr_size_t ns = strlen(server), np = strlen(path);
    char *key = apr_palloc(st->pool, ns + np + 3);
    sence_status_location_t *n;

    key[0] = 'L';
    memcpy(key + 1, server, ns + 1);
    memcpy(key + 2 + ns, path, np + 1);
    if (apr_hash_get(st->seen, key, (apr_ssize_t)(ns + np + 2)))
        return 0;
    apr_hash_set(st->seen, key, (apr_ssize_t)(ns + np + 2), "");
    n = apr_array_push(st->locations);
    n->server = apr_pstrdup(st->pool, server);
    n->path = apr_pstrdup(st->pool, path);
    n->environment = apr_pstrdup(st->pool, l->environment ? l->environment : "test");
    n->endpoint = apr_pstrdup(st->pool, str(l->endpoint));
    n->moodle = l->moodle != 0;
    n->close = l->close != 0;
    return 1;
}

void sence_status_count_session(void *baton, const sence_record_t *rec)
{
    sence_status_t *st = baton;
    const char *key =
        apr_psprintf(st->pool, "C%d|%s|%s", rec->linea, rec->cod_sence, rec->codigo_curso);
    apr_size_t *idx = apr_hash_get(st->seen, key, APR_HASH_KEY_STRING);

    if (!idx) {
        sence_status_course_t *c;
        idx = apr_palloc(st->pool, sizeof(*idx));
        *idx = (apr_size_t)st->courses->nelts;
        c = apr_array_push(st->courses);
        c->cod_sence = apr_pstrdup(st->pool, rec->cod_sence);
        c->codigo_curso = apr_pstrdup(st->pool, rec->codigo_curso);
        c->linea = rec->linea;
        c->sessions = 0;
        apr_hash_set(st->seen, key, APR_HASH_KEY_STRING, idx);
    }
    APR_ARRAY_IDX(st->courses, *idx, sence_status_course_t).sessions++;
}

static int course_cmp(const void *a, const void *b)
{
    const sence_status_course_t *x = a, *y = b;
    int c;

    if (x->linea != y->linea)
        return x->linea < y->linea ? -1 : 1;
    if ((c = strcmp(x->cod_sence, y->cod_sence)) != 0)
        return c;
    return strcmp(x->codigo_curso, y->codigo_curso);
}

void sence_status_sort(sence_status_t *st)
{
    /* the hash's indexes are stale afterwards: no session is counted after sorting */
    if (st->courses->nelts > 1)
        qsort(st->courses->elts, (size_t)st->courses->nelts, sizeof(sence_status_course_t),
              course_cmp);
}

double sence_status_percent_full(const sence_status_t *st)
{
    double used = (double)st->store.live[SENCE_KIND_SESSION] + st->store.live[SENCE_KIND_ATTEMPT];

    return st->store.capacity ? 100.0 * used / st->store.capacity : 0.0;
}

apr_int64_t sence_status_seconds_since(const sence_status_t *st, apr_time_t t)
{
    return t && st->now > t ? (apr_int64_t)apr_time_sec(st->now - t) : 0;
}

const char *sence_status_duration(apr_pool_t *p, apr_int64_t s)
{
    static const struct {
        apr_int64_t secs;
        const char *name;
    } units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
    apr_array_header_t *parts = apr_array_make(p, 4, sizeof(const char *));
    size_t i;

    if (s < 0)
        s = 0;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        apr_int64_t n = s / units[i].secs;
        s %= units[i].secs;
        /* leading zeroes are left out, as server-status does; "0 seconds" for nothing */
        if (!n && !(units[i].secs == 1 && !parts->nelts))
            continue;
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(p, "%s%" APR_INT64_T_FMT " %s%s", parts->nelts ? " " : "", n,
                         units[i].name, n == 1 ? "" : "s");
    }
    return apr_array_pstrcat(p, parts, 0);
}

const char *sence_status_label(apr_pool_t *p, const char *v)
{
    apr_array_header_t *parts = apr_array_make(p, 4, sizeof(const char *));
    const char *start, *s;

    for (start = s = str(v); *s;) {
        int n = sence_utf8_len((const unsigned char *)s);
        const char *esc = NULL;
        if (*s == '\\')
            esc = "\\\\";
        else if (*s == '"')
            esc = "\\\"";
        else if (*s == '\n')
            esc = "\\n";
        else if (n == 0)
            esc = "\xef\xbf\xbd";
        if (esc) {
            APR_ARRAY_PUSH(parts, const char *) = apr_pstrndup(p, start, (apr_size_t)(s - start));
            APR_ARRAY_PUSH(parts, const char *) = esc;
            start = s + 1;
        }
        s += n ? n : 1;
    }
    APR_ARRAY_PUSH(parts, const char *) = start;
    return apr_array_pstrcat(p, parts, 0);
}

const char *sence_status_html_escape(apr_pool_t *p, const char *s)
{
    apr_array_header_t *parts = apr_array_make(p, 4, sizeof(const char *));
    const char *start;

    for (start = s = str(s); *s; s++) {
        const char *esc = NULL;
        switch (*s) {
        case '&':
            esc = "&amp;";
            break;
        case '<':
            esc = "&lt;";
            break;
        case '>':
            esc = "&gt;";
            break;
        case '"':
            esc = "&quot;";
            break;
        case '\'':
            esc = "&#39;";
            break;
        default:
            break;
        }
        if (esc) {
            APR_ARRAY_PUSH(parts, const char *) = apr_pstrndup(p, start, (apr_size_t)(s - start));
            APR_ARRAY_PUSH(parts, const char *) = esc;
            start = s + 1;
        }
    }
    APR_ARRAY_PUSH(parts, const char *) = start;
    return apr_array_pstrcat(p, parts, 0);
}

static const char *code_name(apr_pool_t *p, int slot)
{
    return sence_slot_code(slot) < 0 ? "other" : apr_itoa(p, sence_slot_code(slot));
}

static const char *kind_name(int k)
{
    return k == SENCE_KIND_SESSION ? "session" : "attempt";
}

/* ---- Prometheus text format (version 0.0.4) --------------------------------------------
 * Each family is written whole by one call of family() followed by its samples: one HELP,
 * one TYPE, then every sample, so no family is split and none is described twice. */

static void family(out_t *o, const char *name, const char *type, const char *help)
{
    putf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample_u64(out_t *o, const char *name, apr_uint64_t v)
{
    putf(o, "%s %" APR_UINT64_T_FMT "\n", name, v);
}

static void sample_kind(out_t *o, const char *name, const apr_uint64_t v[SENCE_KINDS])
{
    int i;

    for (i = 0; i < SENCE_KINDS; i++)
        putf(o, "%s{kind=\"%s\"} %" APR_UINT64_T_FMT "\n", name, kind_name(i), v[i]);
}

static void sample_time(out_t *o, const char *name, apr_time_t t)
{
    putf(o, "%s %" APR_TIME_T_FMT ".%03d\n", name, apr_time_sec(t), (int)(apr_time_usec(t) / 1000));
}

const char *sence_status_metrics(apr_pool_t *p, const sence_status_t *st)
{
    const sence_counters_t *n = &st->counters;
    const sence_alert_stats_t *a = &st->alerts;
    apr_uint64_t live[SENCE_KINDS];
    out_t o;
    int i;

    out_init(&o, p);
    family(&o, "sence_build_info", "gauge", "The mod_sence version serving, as a label.");
    putf(&o, "sence_build_info{version=\"%s\"} 1\n", sence_status_label(p, st->version));
    family(&o, "sence_start_time_seconds", "gauge",
           "When the session store was created (Unix time): httpd's start, kept across "
           "graceful and full restarts; the counters count from here.");
    sample_time(&o, "sence_start_time_seconds", st->started);
    family(&o, "sence_restart_time_seconds", "gauge",
           "When the configuration now in force was loaded (Unix time): the last start, "
           "restart or graceful restart.");
    sample_time(&o, "sence_restart_time_seconds", st->restarted);

    family(&o, "sence_sessions_live", "gauge", "Live SENCE sessions per course.");
    for (i = 0; i < st->courses->nelts; i++) {
        const sence_status_course_t *c = &APR_ARRAY_IDX(st->courses, i, sence_status_course_t);
        putf(&o, "sence_sessions_live{cod_sence=\"%s\",codigo_curso=\"%s\",linea=\"%d\"} %u\n",
             sence_status_label(p, c->cod_sence), sence_status_label(p, c->codigo_curso), c->linea,
             c->sessions);
    }
    family(&o, "sence_attempts_pending", "gauge",
           "Logins and closes sent to SENCE, not answered yet.");
    sample_u64(&o, "sence_attempts_pending", st->store.live[SENCE_KIND_ATTEMPT]);
    family(&o, "sence_store_capacity", "gauge",
           "Records the shared-memory store holds (SenceSessionCacheSize).");
    sample_u64(&o, "sence_store_capacity", st->store.capacity);
    family(&o, "sence_store_bytes", "gauge", "Shared memory the store's segment takes.");
    sample_u64(&o, "sence_store_bytes", st->store_bytes);
    family(&o, "sence_store_records", "gauge",
           "Records in use: live sessions and pending attempts.");
    for (i = 0; i < SENCE_KINDS; i++)
        live[i] = st->store.live[i];
    sample_kind(&o, "sence_store_records", live);
    family(&o, "sence_store_created_total", "counter", "Records put in the store.");
    sample_kind(&o, "sence_store_created_total", st->store.created);
    family(&o, "sence_store_expired_total", "counter", "Records that left the store expired.");
    sample_kind(&o, "sence_store_expired_total", st->store.expired);
    family(&o, "sence_store_evictions_total", "counter",
           "Records given up to make room in a full store.");
    sample_kind(&o, "sence_store_evictions_total", st->store.evicted);
    family(&o, "sence_store_reachable", "gauge",
           "1 when the session store answers (always for the shared-memory store).");
    sample_u64(&o, "sence_store_reachable", (apr_uint64_t)st->store_reachable);
    family(&o, "sence_store_errors_total", "counter",
           "Operations a shared session store did not answer.");
    sample_u64(&o, "sence_store_errors_total", st->store_errors);
    if (st->store_target) {
        family(&o, "sence_store_cache_hits_total", "counter",
               "Session lookups answered by this server's copy (SenceStoreLocalCache).");
        sample_u64(&o, "sence_store_cache_hits_total", st->cache_hits);
        family(&o, "sence_store_cache_misses_total", "counter",
               "Session lookups that asked the shared store.");
        sample_u64(&o, "sence_store_cache_misses_total", st->cache_misses);
    }

    family(&o, "sence_events_total", "counter", "Journal events since the store was created.");
    for (i = 0; i < SENCE_EV_COUNT; i++)
        putf(&o, "sence_events_total{event=\"%s\"} %u\n", sence_event_name((sence_event_kind_t)i),
             n->events[i]);
    family(&o, "sence_suspect_callbacks_total", "counter",
           "Accepted callbacks that did not look like SENCE's page (Origin, Sec-Fetch-*, "
           "timing).");
    putf(&o,
         "sence_suspect_callbacks_total{kind=\"start\"} %u\n"
         "sence_suspect_callbacks_total{kind=\"close\"} %u\n",
         n->suspect[0], n->suspect[1]);
    family(&o, "sence_glosa_errors_total", "counter", "GlosaError codes received from SENCE.");
    for (i = 0; i < SENCE_CODE_SLOTS; i++)
        if (n->codes[i])
            putf(&o, "sence_glosa_errors_total{code=\"%s\"} %u\n", code_name(p, i), n->codes[i]);

    family(&o, "sence_alerts_queued", "gauge", "Alert mails waiting for delivery.");
    sample_u64(&o, "sence_alerts_queued", a->queued);
    family(&o, "sence_alerts_capacity", "gauge", "Alert mails the queue holds (0: alerts off).");
    sample_u64(&o, "sence_alerts_capacity", a->capacity);
    family(&o, "sence_alerts_sent_total", "counter", "Alert mails the SMTP server accepted.");
    sample_u64(&o, "sence_alerts_sent_total", a->sent);
    family(&o, "sence_alerts_failed_total", "counter", "Alert mails given up after the last try.");
    sample_u64(&o, "sence_alerts_failed_total", a->failed);
    family(&o, "sence_alerts_throttled_total", "counter",
           "Alerts held back by SenceAlertThrottle.");
    sample_u64(&o, "sence_alerts_throttled_total", a->throttled);
    family(&o, "sence_alerts_dropped_total", "counter",
           "Undelivered alerts dropped from a full queue.");
    sample_u64(&o, "sence_alerts_dropped_total", a->dropped);

    family(&o, "sence_location_info", "gauge", "Gated locations and their SENCE environment.");
    for (i = 0; i < st->locations->nelts; i++) {
        const sence_status_location_t *l =
            &APR_ARRAY_IDX(st->locations, i, sence_status_location_t);
        putf(&o,
             "sence_location_info{server=\"%s\",path=\"%s\",environment=\"%s\","
             "endpoint=\"%s\",moodle=\"%d\",close=\"%d\"} 1\n",
             sence_status_label(p, l->server), sence_status_label(p, l->path),
             sence_status_label(p, l->environment), sence_status_label(p, l->endpoint), l->moodle,
             l->close);
    }
    return out_done(&o);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static const char *js(apr_pool_t *p, const char *s)
{
    return sence_json_string(p, str(s));
}

const char *sence_status_json(apr_pool_t *p, const sence_status_t *st)
{
    const sence_store_stats_t *s = &st->store;
    const sence_counters_t *n = &st->counters;
    const sence_alert_stats_t *a = &st->alerts;
    out_t o;
    int i, first;

    out_init(&o, p);
    putf(&o,
         "{\"time\":%s,\"version\":%s,\"server_version\":%s,\"mpm\":%s,\"started\":%s,"
         "\"restarted\":%s,\"uptime\":{\"started\":%" APR_INT64_T_FMT
         ",\"restarted\":%" APR_INT64_T_FMT "},",
         js(p, sence_iso_time(p, st->now)), js(p, st->version), js(p, st->server_version),
         js(p, st->mpm), js(p, sence_iso_time(p, st->started)),
         js(p, sence_iso_time(p, st->restarted)), sence_status_seconds_since(st, st->started),
         sence_status_seconds_since(st, st->restarted));
    putf(&o,
         "\"store\":{\"capacity\":%u,\"sessions\":%u,\"attempts\":%u,\"used\":%u,"
         "\"percent_full\":%.1f,\"bytes\":%" APR_UINT64_T_FMT
         ",\"created\":{\"sessions\":%" APR_UINT64_T_FMT ",\"attempts\":%" APR_UINT64_T_FMT
         "},\"expired\":{\"sessions\":%" APR_UINT64_T_FMT ",\"attempts\":%" APR_UINT64_T_FMT
         "},\"evicted\":{\"sessions\":%" APR_UINT64_T_FMT ",\"attempts\":%" APR_UINT64_T_FMT "},",
         s->capacity, s->live[SENCE_KIND_SESSION], s->live[SENCE_KIND_ATTEMPT],
         s->live[SENCE_KIND_SESSION] + s->live[SENCE_KIND_ATTEMPT], sence_status_percent_full(st),
         st->store_bytes, s->created[SENCE_KIND_SESSION], s->created[SENCE_KIND_ATTEMPT],
         s->expired[SENCE_KIND_SESSION], s->expired[SENCE_KIND_ATTEMPT],
         s->evicted[SENCE_KIND_SESSION], s->evicted[SENCE_KIND_ATTEMPT]);
    putf(&o, "\"backend\":%s,\"target\":%s,\"reachable\":%s,\"errors\":%" APR_UINT64_T_FMT,
         js(p, st->store_backend), st->store_target ? js(p, st->store_target) : "null",
         st->store_reachable ? "true" : "false", st->store_errors);
    if (st->store_target)
        putf(&o,
             ",\"local_cache\":{\"seconds\":%.3f,\"hits\":%" APR_UINT64_T_FMT
             ",\"misses\":%" APR_UINT64_T_FMT ",\"hit_rate\":%.4f}",
             (double)st->cache_bound / APR_USEC_PER_SEC, st->cache_hits, st->cache_misses,
             sence_status_hit_rate(st));
    put(&o, "},\"courses\":[");
    for (i = 0; i < st->courses->nelts; i++) {
        const sence_status_course_t *c = &APR_ARRAY_IDX(st->courses, i, sence_status_course_t);
        putf(&o, "%s{\"cod_sence\":%s,\"codigo_curso\":%s,\"linea\":%d,\"sessions\":%u}",
             i ? "," : "", js(p, c->cod_sence), js(p, c->codigo_curso), c->linea, c->sessions);
    }
    put(&o, "],\"events\":{");
    for (i = 0; i < SENCE_EV_COUNT; i++)
        putf(&o, "%s\"%s\":%u", i ? "," : "", sence_event_name((sence_event_kind_t)i),
             n->events[i]);
    putf(&o, "},\"suspect\":{\"start\":%u,\"close\":%u},\"errors\":{", n->suspect[0],
         n->suspect[1]);
    for (first = 1, i = 0; i < SENCE_CODE_SLOTS; i++) {
        if (!n->codes[i])
            continue;
        putf(&o, "%s\"%s\":%u", first ? "" : ",", code_name(p, i), n->codes[i]);
        first = 0;
    }
    putf(&o,
         "},\"alerts\":{\"enabled\":%s,\"queued\":%u,\"capacity\":%u,\"sent\":%" APR_UINT64_T_FMT
         ",\"failed\":%" APR_UINT64_T_FMT ",\"throttled\":%" APR_UINT64_T_FMT
         ",\"dropped\":%" APR_UINT64_T_FMT "},\"locations\":[",
         st->alerts_on ? "true" : "false", a->queued, a->capacity, a->sent, a->failed, a->throttled,
         a->dropped);
    for (i = 0; i < st->locations->nelts; i++) {
        const sence_status_location_t *l =
            &APR_ARRAY_IDX(st->locations, i, sence_status_location_t);
        putf(&o,
             "%s{\"server\":%s,\"path\":%s,\"environment\":%s,\"endpoint\":%s,\"moodle\":%s,"
             "\"close\":%s}",
             i ? "," : "", js(p, l->server), js(p, l->path), js(p, l->environment),
             js(p, l->endpoint), l->moodle ? "true" : "false", l->close ? "true" : "false");
    }
    put(&o, "]}\n");
    return out_done(&o);
}

/* ---- HTML, in server-status' plain look -------------------------------------------------- */

/* As server-status writes its times (httpd's DEFAULT_TIME_FORMAT, local time). */
static const char *when(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;
    apr_size_t len;
    char buf[128];

    if (!t || apr_time_exp_lt(&tm, t) != APR_SUCCESS ||
        apr_strftime(buf, &len, sizeof(buf), "%A, %d-%b-%Y %H:%M:%S %Z", &tm) != APR_SUCCESS)
        return "-";
    return apr_pstrdup(p, buf);
}

static const char *plural(apr_uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

double sence_status_hit_rate(const sence_status_t *st)
{
    apr_uint64_t all = st->cache_hits + st->cache_misses;
    return all ? (double)st->cache_hits / (double)all : 0.0;
}

const char *sence_status_html(apr_pool_t *p, const sence_status_t *st)
{
    const sence_store_stats_t *s = &st->store;
    const sence_counters_t *n = &st->counters;
    const sence_alert_stats_t *a = &st->alerts;
    out_t o;
    int i;

#define H(x) sence_status_html_escape(p, (x))
    out_init(&o, p);
    put(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<title>mod_sence status</title>\n</head><body>\n<h1>mod_sence status</h1>\n\n");
    putf(&o,
         "<dl><dt>Server Version: %s</dt>\n<dt>Server MPM: %s</dt>\n"
         "<dt>mod_sence Version: %s</dt></dl><hr /><dl>\n",
         H(st->server_version), H(st->mpm), H(st->version));
    putf(&o,
         "<dt>Current Time: %s</dt>\n<dt>Restart Time: %s</dt>\n<dt>Store Created: %s</dt>\n"
         "<dt>Server uptime: %s (since the last start, restart or graceful restart)</dt>\n"
         "<dt>Store uptime: %s (the store and its counters are kept across restarts)</dt>\n",
         H(when(p, st->now)), H(when(p, st->restarted)), H(when(p, st->started)),
         sence_status_duration(p, sence_status_seconds_since(st, st->restarted)),
         sence_status_duration(p, sence_status_seconds_since(st, st->started)));
    putf(&o,
         "<dt>Store: %u %s and %u pending %s in %u records, %.1f%% full "
         "(%" APR_UINT64_T_FMT " bytes of shared memory)</dt>\n",
         s->live[SENCE_KIND_SESSION], plural(s->live[SENCE_KIND_SESSION], "session", "sessions"),
         s->live[SENCE_KIND_ATTEMPT], plural(s->live[SENCE_KIND_ATTEMPT], "attempt", "attempts"),
         s->capacity, sence_status_percent_full(st), st->store_bytes);
    if (st->store_target)
        putf(&o,
             "<dt>Store backend: %s (%s), %s; this server's copy is trusted for %.1f s and "
             "answered %.1f%% of lookups (%" APR_UINT64_T_FMT " of %" APR_UINT64_T_FMT
             "); %" APR_UINT64_T_FMT " operations failed. The counts above are the records "
             "this server knows.</dt>\n",
             H(st->store_backend), H(st->store_target),
             st->store_reachable ? "reachable" : "<strong>NOT REACHABLE</strong>",
             (double)st->cache_bound / APR_USEC_PER_SEC, 100.0 * sence_status_hit_rate(st),
             st->cache_hits, st->cache_hits + st->cache_misses, st->store_errors);
    else
        put(&o, "<dt>Store backend: shm (this server's shared memory)</dt>\n");
    if (st->alerts_on)
        putf(&o,
             "<dt>Alert mails: %u queued (of %u), %" APR_UINT64_T_FMT " sent, %" APR_UINT64_T_FMT
             " failed, %" APR_UINT64_T_FMT " held back by SenceAlertThrottle, %" APR_UINT64_T_FMT
             " dropped from a full queue</dt>\n",
             a->queued, a->capacity, a->sent, a->failed, a->throttled, a->dropped);
    else
        put(&o, "<dt>Alert mails: off (no section sets SenceAlertMail)</dt>\n");
    putf(&o,
         "<dt>Suspect callbacks: %u session starts and %u closes accepted from a browser "
         "request that did not look like SENCE's page (the journal's <code>suspect</code> "
         "field)</dt>\n</dl><hr />\n",
         n->suspect[0], n->suspect[1]);

    put(&o, "<h2>Gated locations</h2>\n<table rules=\"all\" cellpadding=\"1%\">\n"
            "<tr><th>server</th><th>location</th><th>SENCE environment</th><th>endpoint</th>"
            "<th>Moodle</th><th>close</th></tr>\n");
    for (i = 0; i < st->locations->nelts; i++) {
        const sence_status_location_t *l =
            &APR_ARRAY_IDX(st->locations, i, sence_status_location_t);
        putf(&o,
             "<tr><td>%s</td><td>%s</td><td><strong>%s</strong></td><td>%s</td><td>%s</td>"
             "<td>%s</td></tr>\n",
             H(l->server), H(l->path),
             strcmp(l->environment, "production") ? "test (no real attendance)" : "PRODUCTION",
             H(l->endpoint), l->moodle ? "yes" : "no", l->close ? "yes" : "no");
    }
    put(&o,
        "</table>\n<h2>Live sessions per course</h2>\n<table rules=\"all\" cellpadding=\"1%\">\n"
        "<tr><th>CodSence</th><th>CodigoCurso</th><th>line</th><th>sessions</th></tr>\n");
    for (i = 0; i < st->courses->nelts; i++) {
        const sence_status_course_t *c = &APR_ARRAY_IDX(st->courses, i, sence_status_course_t);
        putf(&o, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%u</td></tr>\n", H(c->cod_sence),
             H(c->codigo_curso), c->linea, c->sessions);
    }
    putf(&o,
         "</table>\n<h2>Store</h2>\n<table rules=\"all\" cellpadding=\"1%%\">\n"
         "<tr><th></th><th>sessions</th><th>attempts</th></tr>\n"
         "<tr><td>live</td><td>%u</td><td>%u</td></tr>\n"
         "<tr><td>created</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT "</td></tr>\n"
         "<tr><td>expired</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT "</td></tr>\n"
         "<tr><td>evicted</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT "</td></tr>\n"
         "</table>\n",
         s->live[SENCE_KIND_SESSION], s->live[SENCE_KIND_ATTEMPT], s->created[SENCE_KIND_SESSION],
         s->created[SENCE_KIND_ATTEMPT], s->expired[SENCE_KIND_SESSION],
         s->expired[SENCE_KIND_ATTEMPT], s->evicted[SENCE_KIND_SESSION],
         s->evicted[SENCE_KIND_ATTEMPT]);
    put(&o, "<h2>Events</h2>\n<table rules=\"all\" cellpadding=\"1%\">\n"
            "<tr><th>event</th><th>count</th></tr>\n");
    for (i = 0; i < SENCE_EV_COUNT; i++)
        putf(&o, "<tr><td>%s</td><td>%u</td></tr>\n", sence_event_name((sence_event_kind_t)i),
             n->events[i]);
    put(&o, "</table>\n<h2>SENCE error codes</h2>\n<table rules=\"all\" cellpadding=\"1%\">\n"
            "<tr><th>code</th><th>meaning</th><th>count</th></tr>\n");
    for (i = 0; i < SENCE_CODE_SLOTS; i++)
        if (n->codes[i])
            putf(&o, "<tr><td>%s</td><td>%s</td><td>%u</td></tr>\n", code_name(p, i),
                 sence_slot_code(i) < 0 ? "" : H(sence_rce_describe(p, sence_slot_code(i))),
                 n->codes[i]);
    put(&o, "</table>\n</body></html>\n");
#undef H
    return out_done(&o);
}
