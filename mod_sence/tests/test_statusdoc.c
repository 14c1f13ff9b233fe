/* The status page's writers (core/statusdoc.c): one document, three formats that agree;
 * the Prometheus text holds the exposition format's rules for any content. */
#include "check.h"
#include "statusdoc.h"
#include "moodle/json.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <stdlib.h>

static sence_record_t rec(const char *cod, const char *curso, int linea)
{
    sence_record_t r;

    memset(&r, 0, sizeof(r));
    apr_cpystrn(r.cod_sence, cod, sizeof(r.cod_sence));
    apr_cpystrn(r.codigo_curso, curso, sizeof(r.codigo_curso));
    r.linea = linea;
    return r;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The metric name of a sample line (up to '{' or ' '). */
static const char *sample_name(apr_pool_t *p, const char *line)
{
    apr_size_t n = strcspn(line, "{ ");
    return apr_pstrndup(p, line, n);
}

/* The rules `promtool check metrics` holds a text exposition to: per family one HELP and one
 * TYPE, both before its samples; a family's samples together; no series twice; counters end
 * in _total. Returns NULL or what is wrong. */
static const char *lint(apr_pool_t *p, const char *text)
{
    apr_hash_t *help = apr_hash_make(p), *type = apr_hash_make(p), *done = apr_hash_make(p),
               *series = apr_hash_make(p);
    const char *current = NULL;
    char *copy = apr_pstrdup(p, text), *line, *last;

    for (line = apr_strtok(copy, "\n", &last); line; line = apr_strtok(NULL, "\n", &last)) {
        if (starts(line, "# HELP ") || starts(line, "# TYPE ")) {
            apr_hash_t *h = line[2] == 'H' ? help : type;
            const char *name = sample_name(p, line + 7);
            if (apr_hash_get(h, name, APR_HASH_KEY_STRING))
                return apr_pstrcat(p, "second HELP or TYPE for ", name, NULL);
            if (apr_hash_get(done, name, APR_HASH_KEY_STRING))
                return apr_pstrcat(p, "HELP or TYPE after the samples of ", name, NULL);
            if (line[2] == 'T' && strcmp(line + 8 + strlen(name), "counter") == 0 &&
                (strlen(name) < 6 || strcmp(name + strlen(name) - 6, "_total") != 0))
                return apr_pstrcat(p, "counter without _total: ", name, NULL);
            apr_hash_set(h, name, APR_HASH_KEY_STRING, "");
            if (current && strcmp(current, name))
                apr_hash_set(done, current, APR_HASH_KEY_STRING, "");
            current = name;
            continue;
        }
        if (line[0] == '#')
            continue;
        {
            const char *name = sample_name(p, line);
            const char *key = apr_pstrndup(p, line, strrchr(line, ' ') - line);
            if (!apr_hash_get(help, name, APR_HASH_KEY_STRING) ||
                !apr_hash_get(type, name, APR_HASH_KEY_STRING))
                return apr_pstrcat(p, "no HELP or TYPE before ", line, NULL);
            if (apr_hash_get(done, name, APR_HASH_KEY_STRING) || !current || strcmp(current, name))
                return apr_pstrcat(p, "samples of ", name, " not together", NULL);
            if (apr_hash_get(series, key, APR_HASH_KEY_STRING))
                return apr_pstrcat(p, "series twice: ", key, NULL);
            apr_hash_set(series, key, APR_HASH_KEY_STRING, "");
        }
    }
    return NULL;
}

int main(void)
{
    apr_pool_t *p;
    sence_status_t *st;
    sence_status_location_t l;
    sence_record_t r;
    const sence_json_t *doc;
    const char *m, *j, *h, *why = NULL;
    apr_int64_t n;

    apr_initialize();
    apr_pool_create(&p, NULL);

    /* small pieces */
    CHECK_STR(sence_status_label(p, "a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    CHECK_STR(sence_status_label(p, "Pérez"), "Pérez");
    CHECK_STR(sence_status_label(p, "x\xffy"), "x\xef\xbf\xbdy");
    CHECK_STR(sence_status_label(p, NULL), "");
    CHECK_STR(sence_status_html_escape(p, "<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    CHECK_STR(sence_status_duration(p, 0), "0 seconds");
    CHECK_STR(sence_status_duration(p, 61), "1 minute 1 second");
    CHECK_STR(sence_status_duration(p, 3600), "1 hour");
    CHECK_STR(sence_status_duration(p, 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
              "2 days 3 hours 4 minutes 5 seconds");

    /* a document with every kind of content */
    st = sence_status_new(p);
    st->version = "0.1.0";
    st->server_version = "Apache/2.4.99 (Debian)";
    st->mpm = "event";
    st->now = apr_time_from_sec(1800000000);
    st->started = st->now - apr_time_from_sec(90061);
    st->restarted = st->now - apr_time_from_sec(61);
    st->store.capacity = 8;
    st->store.live[SENCE_KIND_SESSION] = 3;
    st->store.live[SENCE_KIND_ATTEMPT] = 1;
    st->store.created[SENCE_KIND_SESSION] = 7;
    st->store_bytes = 12345;
    st->counters.events[0] = 5;
    st->counters.codes[sence_code_slot(312)] = 2;
    st->counters.codes[sence_code_slot(999)] = 1;

    memset(&l, 0, sizeof(l));
    l.server = "localhost:8080";
    l.path = "/curso/";
    l.endpoint = "https://sistemas.sence.cl/rcetest";
    CHECK(sence_status_add_location(st, &l) == 1);
    /* the same path written again in the same server: listed once */
    l.close = 1;
    CHECK(sence_status_add_location(st, &l) == 0);
    /* the same path in another server is another location */
    l.server = "aula.example.cl:443";
    CHECK(sence_status_add_location(st, &l) == 1);
    /* a regex section's path, with what needs escaping in every format */
    l.server = "localhost:8080";
    l.path = "^/c/(?<id>[0-9]+)/\"<x>\\";
    l.environment = "production";
    CHECK(sence_status_add_location(st, &l) == 1);
    /* no confusion between (server, path) pairs that concatenate alike */
    l.server = "localhost:808";
    l.path = "0/curso/";
    CHECK(sence_status_add_location(st, &l) == 1);
    CHECK(st->locations->nelts == 4);

    r = rec("1237981234", "RLAB-19-02-08-0071-1", 3);
    sence_status_count_session(st, &r);
    sence_status_count_session(st, &r);
    r = rec("1000000000", "CUR\"SO", 1);
    sence_status_count_session(st, &r);
    sence_status_sort(st);
    CHECK(st->courses->nelts == 2);
    CHECK(APR_ARRAY_IDX(st->courses, 0, sence_status_course_t).linea == 1);
    CHECK(APR_ARRAY_IDX(st->courses, 1, sence_status_course_t).sessions == 2);
    CHECK(sence_status_percent_full(st) == 50.0);
    CHECK(sence_status_seconds_since(st, st->restarted) == 61);
    CHECK(sence_status_seconds_since(st, 0) == 0);

    /* metrics: promtool's rules, every family described once */
    m = sence_status_metrics(p, st);
    why = lint(p, m);
    CHECK(why == NULL);
    if (why)
        fprintf(stderr, "%s\n%s", why, m);
    CHECK(strstr(m, "\nsence_build_info{version=\"0.1.0\"} 1\n") != NULL);
    CHECK(strstr(m, "\nsence_start_time_seconds 1799909939.000\n") != NULL);
    CHECK(strstr(m, "\nsence_restart_time_seconds 1799999939.000\n") != NULL);
    CHECK(strstr(m, "\nsence_store_bytes 12345\n") != NULL);
    CHECK(strstr(m, "\nsence_glosa_errors_total{code=\"312\"} 2\n") != NULL);
    CHECK(strstr(m, "\nsence_glosa_errors_total{code=\"other\"} 1\n") != NULL);
    CHECK(strstr(m, "codigo_curso=\"CUR\\\"SO\"") != NULL);
    CHECK(strstr(m, "path=\"^/c/(?<id>[0-9]+)/\\\"<x>\\\\\"") != NULL);
    CHECK(check_occurrences(m, "\nsence_location_info{") == 4);
    CHECK(check_occurrences(m, "# HELP ") == check_occurrences(m, "# TYPE "));
    CHECK(check_occurrences(m, "# HELP sence_store_records ") == 1);
    CHECK(check_occurrences(m, "# HELP sence_store_expired_total ") == 1);
    CHECK(check_occurrences(m, "# HELP sence_store_evictions_total ") == 1);
    CHECK(check_occurrences(m, "# HELP sence_alerts_") == 6);
    /* the checker itself catches each rule */
    CHECK(lint(p, "# HELP a_total x\n# TYPE a_total counter\na_total 1\n") == NULL);
    CHECK(lint(p, "# TYPE a_total counter\na_total 1\n") != NULL);
    CHECK(lint(p, "# HELP a x\n# TYPE a counter\na 1\n") != NULL);
    CHECK(lint(p, "# HELP a x\n# TYPE a gauge\na{k=\"1\"} 1\na{k=\"1\"} 2\n") != NULL);
    CHECK(lint(p, "# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\nb 1\na 2\n") !=
          NULL);
    CHECK(lint(p, "# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\n# HELP a y\n") !=
          NULL);

    /* JSON: parses, with the figures of the struct */
    j = sence_status_json(p, st);
    doc = sence_json_parse(p, j, strlen(j), &why);
    CHECK(doc && doc->type == SENCE_JSON_OBJ);
    if (!doc)
        fprintf(stderr, "%s\n%s", why ? why : "?", j);
    if (doc) {
        const sence_json_t *v;
        CHECK_STR(sence_json_get(doc, "version")->str, "0.1.0");
        CHECK_STR(sence_json_get(doc, "mpm")->str, "event");
        v = sence_json_get(doc, "uptime");
        CHECK(v && sence_json_int(sence_json_get(v, "started"), &n) && n == 90061);
        CHECK(v && sence_json_int(sence_json_get(v, "restarted"), &n) && n == 61);
        v = sence_json_get(doc, "store");
        CHECK(v && sence_json_int(sence_json_get(v, "used"), &n) && n == 4);
        CHECK(v && sence_json_int(sence_json_get(v, "bytes"), &n) && n == 12345);
        CHECK(v && sence_json_get(v, "percent_full") &&
              !strcmp(sence_json_get(v, "percent_full")->str, "50.0"));
        v = sence_json_get(doc, "locations");
        CHECK(v && v->type == SENCE_JSON_ARR && v->items->nelts == 4);
        v = sence_json_get(doc, "courses");
        CHECK(v && v->type == SENCE_JSON_ARR && v->items->nelts == 2);
        CHECK(v && !strcmp(sence_json_get(APR_ARRAY_IDX(v->items, 0, const sence_json_t *),
                                          "codigo_curso")
                               ->str,
                           "CUR\"SO"));
        v = sence_json_get(doc, "errors");
        CHECK(v && sence_json_get(v, "312") && sence_json_get(v, "other"));
    }

    /* HTML: everything escaped, each location once */
    h = sence_status_html(p, st);
    CHECK(strstr(h, "<h1>mod_sence status</h1>") != NULL);
    CHECK(strstr(h, "<dt>mod_sence Version: 0.1.0</dt>") != NULL);
    CHECK(strstr(h, "<dt>Server Version: Apache/2.4.99 (Debian)</dt>") != NULL);
    CHECK(strstr(h, "<dt>Server uptime: 1 minute 1 second ") != NULL);
    CHECK(strstr(h, "<dt>Store uptime: 1 day 1 hour 1 minute 1 second ") != NULL);
    CHECK(strstr(h, "50.0% full") != NULL);
    CHECK(strstr(h, "&quot;&lt;x&gt;\\") != NULL);
    CHECK(strstr(h, "\"<x>") == NULL);
    CHECK(strstr(h, "CUR&quot;SO") != NULL);
    CHECK(check_occurrences(h, "<td>/curso/</td>") == 2);
    CHECK(check_occurrences(h, "<strong>PRODUCTION</strong>") == 2);

    return check_done("statusdoc");
}
