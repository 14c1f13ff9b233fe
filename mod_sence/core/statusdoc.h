/* The status page's document: what the module is doing now, gathered once by the glue
 * (httpd/status.c) into sence_status_t, then written as HTML for people, JSON for machines
 * (sencectl status) or Prometheus' text format. The writers only format: every figure is in
 * the struct, so the three always agree, and they are unit-tested without httpd. */
#ifndef SENCE_STATUSDOC_H
#define SENCE_STATUSDOC_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "alert.h"
#include "counters.h"
#include "store.h"

/* A gated location: (server, path) is its identity, listed once. */
typedef struct {
    const char *server;      /* host:port the server really listens on */
    const char *path;        /* the section's path or regex, "(server)" for the server context */
    const char *environment; /* "test" or "production" */
    const char *endpoint;
    int moodle;
    int close;
} sence_status_location_t;

typedef struct {
    const char *cod_sence;
    const char *codigo_curso;
    int linea;
    apr_uint32_t sessions;
} sence_status_course_t;

typedef struct {
    apr_pool_t *pool;
    const char *version;        /* the module's */
    const char *server_version; /* httpd's, as server-status shows it */
    const char *mpm;
    apr_time_t now;
    apr_time_t started;   /* the store's segment was created: kept across graceful and restart */
    apr_time_t restarted; /* this generation (the configuration now in force) began */
    sence_store_stats_t store;
    apr_uint64_t store_bytes;  /* shared memory the store's segment takes */
    const char *store_backend; /* "shm", or the socache provider of a shared store */
    const char *store_target;  /* a shared store's servers, NULL for shm */
    int store_reachable;       /* 1 unless a shared store did not answer */
    /* a shared store only: the local copy's bound and what it answered */
    apr_interval_time_t cache_bound;
    apr_uint64_t cache_hits, cache_misses, store_errors;
    sence_counters_t counters;
    int alerts_on;
    sence_alert_stats_t alerts;
    apr_array_header_t *courses;   /* sence_status_course_t, by (linea, CodSence, CodigoCurso) */
    apr_array_header_t *locations; /* sence_status_location_t, in configuration order */
    apr_hash_t *seen;              /* private: courses and locations already listed */
} sence_status_t;

/* The share of session lookups the local copy answered (0 when none were made). */
double sence_status_hit_rate(const sence_status_t *st);

/* An empty document; the caller fills in the scalars. */
sence_status_t *sence_status_new(apr_pool_t *p);

/* Adds l unless its (server, path) is listed already; 1 when added. The strings are
 * copied. */
int sence_status_add_location(sence_status_t *st, const sence_status_location_t *l);

/* Counts one live session of rec's course (a sence_store_walk_fn: the baton is st). */
void sence_status_count_session(void *st, const sence_record_t *rec);

/* Puts the courses in a stable order (after the walk, before writing). */
void sence_status_sort(sence_status_t *st);

/* Records in use as a percentage of the capacity (0 for an empty capacity). */
double sence_status_percent_full(const sence_status_t *st);

/* Seconds from t to st->now, never negative. */
apr_int64_t sence_status_seconds_since(const sence_status_t *st, apr_time_t t);

/* "2 days 3 hours 4 minutes 5 seconds", as server-status writes its uptime. */
const char *sence_status_duration(apr_pool_t *p, apr_int64_t seconds);

/* The three documents, each a whole response body. */
const char *sence_status_html(apr_pool_t *p, const sence_status_t *st);
const char *sence_status_json(apr_pool_t *p, const sence_status_t *st);
const char *sence_status_metrics(apr_pool_t *p, const sence_status_t *st);

/* A Prometheus label value: backslash, quote and newline escaped, bytes that are not UTF-8
 * replaced by U+FFFD (the format wants UTF-8). Quotes not included. */
const char *sence_status_label(apr_pool_t *p, const char *v);

/* s with & < > " ' as HTML entities. */
const char *sence_status_html_escape(apr_pool_t *p, const char *s);

#endif
