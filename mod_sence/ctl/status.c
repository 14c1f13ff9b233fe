/* sencectl status: the module's sence-status?json as terminal tables. */
#include "ctl.h"
#include "rce.h"
#include "moodle/json.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_URL "http://localhost/sence-status?json"

static void help(void)
{
    fputs("Usage: sencectl status [--cacert FILE] [--timeout SECONDS] [URL]\n"
          "\n"
          "Fetches the module's status document (default " DEFAULT_URL ";\n"
          "a URL without a query gets ?json) and prints it as tables: the session store, the\n"
          "live sessions per course, the events and GlosaError codes counted since the start,\n"
          "and the gated locations.\n"
          "Exit status: 0, or 2 when the document cannot be fetched or read.\n",
          stdout);
}

/* A scalar as text: strings as they are, numbers as written, booleans yes/no. */
static const char *cell(const sence_json_t *v)
{
    if (!v)
        return "-";
    switch (v->type) {
    case SENCE_JSON_STR:
        return *v->str ? v->str : "-";
    case SENCE_JSON_NUM:
        return v->str;
    case SENCE_JSON_BOOL:
        return v->boolean ? "yes" : "no";
    default:
        return "-";
    }
}

static void table(apr_pool_t *p, const char *title, const char *const *cols, int ncols,
                  const apr_array_header_t *rows /* const char ** of ncols */)
{
    apr_size_t *w = apr_pcalloc(p, sizeof(apr_size_t) * (apr_size_t)ncols);
    int i, c;

    printf("\n%s\n", title);
    for (c = 0; c < ncols; c++)
        w[c] = ctl_width(cols[c]);
    for (i = 0; i < rows->nelts; i++) {
        const char **r = APR_ARRAY_IDX(rows, i, const char **);
        for (c = 0; c < ncols; c++)
            if (ctl_width(r[c]) > w[c])
                w[c] = ctl_width(r[c]);
    }
    for (c = 0; c < ncols; c++) {
        fputs("  ", stdout);
        ctl_pad(cols[c], c == ncols - 1 ? 0 : w[c], 0);
    }
    putchar('\n');
    for (i = 0; i < rows->nelts; i++) {
        const char **r = APR_ARRAY_IDX(rows, i, const char **);
        for (c = 0; c < ncols; c++) {
            fputs("  ", stdout);
            ctl_pad(r[c], c == ncols - 1 ? 0 : w[c], 0);
        }
        putchar('\n');
    }
    if (!rows->nelts)
        puts("  (none)");
}

static void array_table(apr_pool_t *p, const char *title, const sence_json_t *arr,
                        const char *const *cols, int ncols)
{
    apr_array_header_t *rows = apr_array_make(p, 8, sizeof(const char **));
    int i, c;

    for (i = 0; arr && arr->type == SENCE_JSON_ARR && i < arr->items->nelts; i++) {
        const sence_json_t *o = APR_ARRAY_IDX(arr->items, i, const sence_json_t *);
        const char **r = apr_palloc(p, sizeof(char *) * (apr_size_t)ncols);
        for (c = 0; c < ncols; c++)
            r[c] = o->type == SENCE_JSON_OBJ ? cell(sence_json_get(o, cols[c])) : "-";
        APR_ARRAY_PUSH(rows, const char **) = r;
    }
    table(p, title, cols, ncols, rows);
}

/* An object of counters as a two-column table; codes get their description. */
static void object_table(apr_pool_t *p, const char *title, const sence_json_t *obj,
                         const char *key_col, int describe, int skip_zero)
{
    apr_array_header_t *rows = apr_array_make(p, 8, sizeof(const char **));
    const char *cols[3] = {key_col, "count", "description"};
    int i;

    for (i = 0; obj && obj->type == SENCE_JSON_OBJ && i < obj->items->nelts; i++) {
        const sence_json_t *v = APR_ARRAY_IDX(obj->items, i, const sence_json_t *);
        const char *k = APR_ARRAY_IDX(obj->keys, i, const char *);
        const char **r = apr_palloc(p, sizeof(char *) * 3);
        if (skip_zero && v->type == SENCE_JSON_NUM && !strcmp(v->str, "0"))
            continue;
        r[0] = k;
        r[1] = cell(v);
        r[2] = describe && strcmp(k, "other") ? sence_rce_describe(p, atoi(k)) : "";
        APR_ARRAY_PUSH(rows, const char **) = r;
    }
    table(p, title, cols, describe ? 3 : 2, rows);
}

int ctl_status(apr_pool_t *p, int argc, const char *const *argv)
{
    static const char *const course_cols[] = {"cod_sence", "codigo_curso", "linea", "sessions"};
    static const char *const loc_cols[] = {"server",   "path",   "environment",
                                           "endpoint", "moodle", "close"};
    const char *url = NULL, *v = NULL, *why = NULL;
    ctl_http_opts_t ho = {NULL, 15};
    ctl_http_answer_t ans;
    const sence_json_t *doc, *store, *x;
    int i;

    for (i = 1; i < argc; i++) {
        int r;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            help();
            return 0;
        }
        if ((r = ctl_opt(argc, argv, &i, "--cacert", 1, &ho.cacert)) != 0) {
            if (r < 0)
                return 2;
            continue;
        }
        if ((r = ctl_opt(argc, argv, &i, "--timeout", 1, &v)) != 0) {
            if (r < 0)
                return 2;
            ho.timeout = atol(v);
            if (ho.timeout < 1 || ho.timeout > 3600) {
                ctl_err("--timeout wants seconds between 1 and 3600, not '%s'", v);
                return 2;
            }
            continue;
        }
        if (argv[i][0] == '-' || url) {
            ctl_err("status: unexpected '%s'; try sencectl status --help", argv[i]);
            return 2;
        }
        url = argv[i];
    }
    if (!url)
        url = DEFAULT_URL;
    else if (!strchr(url, '?'))
        url = apr_pstrcat(p, url, "?json", NULL);
    if (ctl_http_init() != 0) {
        ctl_err("cannot initialise libcurl");
        return 2;
    }
    ctl_http_get(p, url, &ho, &ans);
    if (ans.error || ans.status != 200) {
        ctl_err("%s: %s", url, ans.error ? ans.error : apr_psprintf(p, "HTTP %ld", ans.status));
        return 2;
    }
    doc = sence_json_parse(p, ans.body, ans.len, &why);
    if (!doc || doc->type != SENCE_JSON_OBJ || !(store = sence_json_get(doc, "store")) ||
        store->type != SENCE_JSON_OBJ) {
        ctl_err("%s: not a sence-status JSON document%s%s", url, why ? ": " : "", why ? why : "");
        return 2;
    }
    printf("mod_sence status at %s (%s)\n", url, cell(sence_json_get(doc, "time")));
    printf("\nstore: capacity %s, sessions %s, attempts %s",
           cell(sence_json_get(store, "capacity")), cell(sence_json_get(store, "sessions")),
           cell(sence_json_get(store, "attempts")));
    if ((x = sence_json_get(store, "expired")) && x->type == SENCE_JSON_OBJ)
        printf(", expired %s/%s", cell(sence_json_get(x, "sessions")),
               cell(sence_json_get(x, "attempts")));
    if ((x = sence_json_get(store, "evicted")) && x->type == SENCE_JSON_OBJ)
        printf(", evicted %s/%s (sessions/attempts)", cell(sence_json_get(x, "sessions")),
               cell(sence_json_get(x, "attempts")));
    putchar('\n');
    if ((x = sence_json_get(store, "backend")) && x->type == SENCE_JSON_STR &&
        strcmp(x->str, "shm") != 0) {
        const sence_json_t *c = sence_json_get(store, "local_cache");
        const sence_json_t *up = sence_json_get(store, "reachable");
        printf("shared store: %s %s, %s, %s operations failed", x->str,
               cell(sence_json_get(store, "target")),
               up && up->type == SENCE_JSON_BOOL && up->boolean ? "reachable" : "NOT REACHABLE",
               cell(sence_json_get(store, "errors")));
        if (c && c->type == SENCE_JSON_OBJ)
            printf("; local copy %s s, hit rate %s (%s hits, %s misses)",
                   cell(sence_json_get(c, "seconds")), cell(sence_json_get(c, "hit_rate")),
                   cell(sence_json_get(c, "hits")), cell(sence_json_get(c, "misses")));
        printf("\n(counts above: the records this server knows)\n");
    }
    array_table(p, "live sessions per course", sence_json_get(doc, "courses"), course_cols, 4);
    object_table(p, "events since start (non-zero)", sence_json_get(doc, "events"), "event", 0, 1);
    object_table(p, "GlosaError codes since start", sence_json_get(doc, "errors"), "code", 1, 0);
    if ((x = sence_json_get(doc, "suspect")) && x->type == SENCE_JSON_OBJ)
        printf("\nsuspect callbacks: start %s, close %s\n", cell(sence_json_get(x, "start")),
               cell(sence_json_get(x, "close")));
    array_table(p, "gated locations", sence_json_get(doc, "locations"), loc_cols, 6);
    return 0;
}
