/* Microbenchmark of the session store (store.c), linked against the pure core like the unit
 * tests but not registered with ctest: scripts/bench runs it.
 *
 *   bench_store [--sizes N,N,...] [--lookups K] [--repeat R] [--mutex] [--quick]
 *
 * For each size N it formats a store of capacity N (what SenceSessionCacheSize N gives),
 * fills it with N live sessions through sence_store_put, then times K calls of
 * sence_store_get_head (the gate's lookup) for ids drawn uniformly at random among the live
 * ones (the access pattern of many participants), R times, and reports the median. The ids to look
 * up are laid out sequentially beforehand so that the harness's own memory traffic is prefetched
 * and the figure is the store's. --mutex adds an in-process apr_global_mutex (APR_LOCK_DEFAULT, as
 * httpd's "Mutex default"), whose cost does not depend on N.
 *
 * Output: one "key=value ..." line per measurement, then a "ratio" line comparing the
 * largest size with the smallest, all on stdout; exit status 1 if a lookup fails. */
#include "store_shm.h"

#include <apr_general.h>
#include <apr_global_mutex.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SIZES 8

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* xorshift64*: deterministic, cheap, good enough to pick ids. */
static apr_uint64_t rng_state = APR_UINT64_C(0x9E3779B97F4A7C15);
static apr_uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * APR_UINT64_C(2685821657736338717);
}

/* A session as the callback stores it: RUN, codes, SENCE's fields, return URL. */
static void session_record(sence_record_t *r, apr_uint32_t i, apr_time_t now)
{
    memset(r, 0, sizeof(*r));
    apr_snprintf(r->run, sizeof(r->run), "%u-%u", 10000000u + i, i % 10);
    strcpy(r->cod_sence, "1237654321");
    strcpy(r->codigo_curso, "RLAB-19-02-08-0071-1");
    r->linea = 3;
    apr_snprintf(r->id_sence, sizeof(r->id_sence), "%032x", i * 2654435761u);
    strcpy(r->fecha_hora, "2026-11-29 10:00:00");
    strcpy(r->zona, "America/Santiago");
    apr_snprintf(r->url, sizeof(r->url), "/curso/modulo-%u/pagina.html?seccion=%u", i % 40, i % 7);
    r->created = now;
    r->expires = now + apr_time_from_sec(4 * 3600);
    r->lifetime = apr_time_from_sec(4 * 3600);
}

typedef struct {
    apr_uint32_t sessions;
    apr_size_t bytes;
    double ns_median;
    double ns_min;
} result_t;

static int measure(apr_pool_t *parent, apr_uint32_t n, apr_uint32_t lookups, int repeat,
                   int with_mutex, result_t *res)
{
    apr_pool_t *p;
    apr_global_mutex_t *mutex = NULL;
    sence_store_t *s;
    char(*ids)[SENCE_ID_LEN + 1];
    char(*seq)[SENCE_ID_LEN + 1];
    double *runs;
    apr_time_t now = apr_time_now();
    apr_uint32_t i;
    void *mem;
    int r;

    apr_pool_create(&p, parent);
    if (with_mutex && apr_global_mutex_create(&mutex, NULL, APR_LOCK_DEFAULT, p) != APR_SUCCESS) {
        fprintf(stderr, "bench_store: cannot create a global mutex\n");
        return 1;
    }
    res->sessions = n;
    res->bytes = sence_shm_store_bytes(n);
    /* page-aligned fresh zero pages, as a new shm segment is */
    if (posix_memalign(&mem, 4096, res->bytes) != 0)
        mem = NULL;
    else
        memset(mem, 0, res->bytes);
    ids = malloc(sizeof(*ids) * (apr_size_t)n);
    seq = malloc(sizeof(*seq) * (apr_size_t)lookups);
    runs = malloc(sizeof(double) * (apr_size_t)repeat);
    s = mem && ids && seq && runs ? sence_shm_store_format(p, mem, n, mutex) : NULL;
    if (!s) {
        fprintf(stderr, "bench_store: cannot make a store of %u sessions\n", n);
        free(mem);
        free(ids);
        free(seq);
        free(runs);
        return 1;
    }
    for (i = 0; i < n; i++) {
        sence_record_t rec;
        session_record(&rec, i, now);
        if (sence_store_put(s, SENCE_KIND_SESSION, &rec, now) != APR_SUCCESS) {
            fprintf(stderr, "bench_store: put %u failed\n", i);
            return 1;
        }
        memcpy(ids[i], rec.id, sizeof(ids[i]));
    }
    for (i = 0; i < lookups; i++)
        memcpy(seq[i], ids[rnd() % n], sizeof(seq[i]));

    for (r = 0; r < repeat; r++) {
        sence_record_t out;
        double t0, t1;
        apr_uint32_t miss = 0;
        t0 = now_ns();
        for (i = 0; i < lookups; i++)
            miss += sence_store_get_head(s, SENCE_KIND_SESSION, seq[i], now, &out) != APR_SUCCESS;
        t1 = now_ns();
        if (miss) {
            fprintf(stderr, "bench_store: %u of %u lookups failed with %u sessions\n", miss,
                    lookups, n);
            return 1;
        }
        runs[r] = (t1 - t0) / lookups;
    }
    qsort(runs, (size_t)repeat, sizeof(double), cmp_double);
    res->ns_median = runs[repeat / 2];
    res->ns_min = runs[0];
    free(runs);
    free(seq);
    free(ids);
    free(mem);
    apr_pool_destroy(p);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_store [--sizes N,N,...] [--lookups K] [--repeat R] [--mutex] "
                    "[--quick]\n");
}

int main(int argc, char **argv)
{
    apr_uint32_t sizes[MAX_SIZES] = {1000, 100000};
    int nsizes = 2, repeat = 7, with_mutex = 0, i;
    apr_uint32_t lookups = 2000000;
    result_t res[MAX_SIZES];
    apr_pool_t *pool;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
            char *list = argv[++i], *tok, *state = NULL;
            nsizes = 0;
            for (tok = apr_strtok(list, ",", &state); tok && nsizes < MAX_SIZES;
                 tok = apr_strtok(NULL, ",", &state))
                sizes[nsizes++] = (apr_uint32_t)strtoul(tok, NULL, 10);
        } else if (!strcmp(argv[i], "--lookups") && i + 1 < argc) {
            lookups = (apr_uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            repeat = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--mutex")) {
            with_mutex = 1;
        } else if (!strcmp(argv[i], "--quick")) {
            lookups = 100000;
            repeat = 3;
        } else {
            usage();
            return 2;
        }
    }
    if (nsizes < 1 || lookups < 1 || lookups > 50000000 || repeat < 1 || repeat > 99) {
        usage();
        return 2;
    }
    for (i = 0; i < nsizes; i++)
        if (sizes[i] < 16 || sizes[i] > 10000000) {
            fprintf(stderr, "bench_store: sizes must be 16 to 10000000 (SenceSessionCacheSize)\n");
            return 2;
        }

    apr_initialize();
    atexit(apr_terminate);
    apr_pool_create(&pool, NULL);

    printf("store record_bytes=%u lookups=%u repeat=%d mutex=%s\n",
           (unsigned)sizeof(sence_record_t), lookups, repeat, with_mutex ? "default" : "none");
    for (i = 0; i < nsizes; i++) {
        if (measure(pool, sizes[i], lookups, repeat, with_mutex, &res[i]))
            return 1;
        printf("sessions=%u capacity=%u shm_bytes=%lu bytes_per_session=%.1f ns_per_lookup=%.2f "
               "ns_min=%.2f\n",
               res[i].sessions, res[i].sessions, (unsigned long)res[i].bytes,
               (double)res[i].bytes / res[i].sessions, res[i].ns_median, res[i].ns_min);
        fflush(stdout);
    }
    if (nsizes > 1)
        printf("ratio sessions=%u/%u lookup_cost=%.3f\n", res[nsizes - 1].sessions, res[0].sessions,
               res[nsizes - 1].ns_median / res[0].ns_median);
    return 0;
}
