/* The shared backend of the store: attempts and sessions in a key-value service several
 * servers use (in httpd, an Apache socache provider: redis or memcache), with a local copy
 * in this server's shared-memory table (store_shm.h).
 *
 * - Every record is a key of its own ("a:ID", "s:ID"), kept in the service until a grace
 *   period past its expiry; a participant's records are listed under one more key, for the
 *   per-participant bounds.
 * - Single use: a take removes the key; of two servers taking one record, only the one whose
 *   remove found the key gets it.
 * - The local copy: records this server made or read, trusted for `bound` after they were
 *   last read from the service (0: never trusted, every lookup asks the service). A close
 *   or expiry elsewhere is seen here within that bound.
 * - Expiry is noticed by every server that holds a copy; the record's key serves as the
 *   claim: the server whose remove of it succeeds reports it (once, cluster-wide); the
 *   others forget their copy. A record no running server holds a copy of is not reported.
 * - The service unreachable: operations answer SENCE_STORE_EDOWN (a lookup still answers
 *   from a copy within its bound). Clients that answer "not found" when they cannot reach
 *   the service are told apart by writing a marker key: a miss is only believed when that
 *   write succeeds. */
#ifndef SENCE_STORE_KV_H
#define SENCE_STORE_KV_H

#include "store.h"

/* The key-value service. Keys are short printable strings; values at most
 * SENCE_CODEC_MAX bytes. */
typedef struct {
    /* APR_SUCCESS with the value in buf (*len: in, its size; out, the value's length);
     * APR_NOTFOUND when absent (or unreachable, for some clients); else an error. */
    apr_status_t (*get)(void *baton, const char *key, unsigned char *buf, unsigned int *len);
    /* Stores the value until expiry (absolute). */
    apr_status_t (*set)(void *baton, const char *key, apr_time_t expiry, const unsigned char *data,
                        unsigned int len);
    /* APR_SUCCESS when the key was there and is now gone, APR_NOTFOUND when it was not. */
    apr_status_t (*del)(void *baton, const char *key);
    void *baton;
} sence_kv_t;

/* How long a record's key outlives its expiry, for the server that claims the expiry. */
#define SENCE_KV_GRACE apr_time_from_sec(900)

/* What the backend counts, in memory all of one server's processes share. */
typedef struct {
    apr_uint64_t magic;
    apr_uint64_t hits;   /* lookups answered by the local copy */
    apr_uint64_t misses; /* lookups that asked the service */
    apr_uint64_t errors; /* operations the service did not answer */
    apr_uint32_t down;   /* 1 from a failed operation until one succeeds */
    apr_uint32_t pad;
    apr_time_t last_error;
    apr_uint64_t created[SENCE_KINDS];
    apr_uint64_t expired[SENCE_KINDS]; /* expiries this server claimed */
    apr_uint64_t replaced[SENCE_KINDS];
} sence_kv_shared_t;

/* The shared counters in base (sizeof(sence_kv_shared_t) bytes): those found there, or
 * zeroes. */
sence_kv_shared_t *sence_kv_shared_attach(void *base);

/* A store over kv, with local (a shm store this server's processes share) as its copy,
 * trusted for bound. */
sence_store_t *sence_kv_store_create(apr_pool_t *p, const sence_kv_t *kv, sence_store_t *local,
                                     apr_interval_time_t bound, sence_kv_shared_t *shared);

/* The counters and the local copy of a store made by sence_kv_store_create (NULL for
 * another backend). */
const sence_kv_shared_t *sence_kv_store_shared(const sence_store_t *st);
sence_store_t *sence_kv_store_local(const sence_store_t *st);

/* Asks the service now (a write of a marker key): APR_SUCCESS or SENCE_STORE_EDOWN. */
apr_status_t sence_kv_store_probe(sence_store_t *st);

#endif
