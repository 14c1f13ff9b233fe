/* The shared-memory backend of the store: attempts and sessions in one segment.
 *
 * Fixed-size slots addressed by index (never pointers, so every process may map the
 * segment anywhere), a chained hash index over (kind, id), a chain per participant for the
 * bounds, a free list and one insertion-ordered list per kind for expiry and eviction.
 * Every operation is O(1) and holds the global mutex only for the table operation itself;
 * the gate's lookup reads without it (a seqlock). */
#ifndef SENCE_STORE_SHM_H
#define SENCE_STORE_SHM_H

#include <apr_global_mutex.h>

#include "store.h"

/* Bytes of shared memory needed for capacity records. */
apr_size_t sence_shm_store_bytes(apr_uint32_t capacity);

/* Lays out a fresh store in base (sence_shm_store_bytes(capacity) bytes). mutex may be NULL
 * when only one thread of one process uses it. */
sence_store_t *sence_shm_store_format(apr_pool_t *p, void *base, apr_uint32_t capacity,
                                      apr_global_mutex_t *mutex);

/* Attaches to a store formatted earlier (e.g. by the previous generation). NULL if the
 * memory does not hold a store of this layout. */
sence_store_t *sence_shm_store_attach(apr_pool_t *p, void *base, apr_global_mutex_t *mutex);

/* For a backend that keeps this table as its local copy of a shared store (store_kv.h):
 * put_copy adds rec under its own id (replacing the copy of that id), stamped (when it was
 * last checked against the shared store), without the per-participant bounds, which the
 * shared store keeps; get_copy is get with the stamp. A full table still evicts (reported
 * SENCE_DROP_EVICTED) and expired copies are still reported SENCE_DROP_EXPIRED. */
apr_status_t sence_shm_store_put_copy(sence_store_t *st, sence_kind_t kind,
                                      const sence_record_t *rec, apr_time_t stamp, apr_time_t now);
apr_status_t sence_shm_store_get_copy(sence_store_t *st, sence_kind_t kind, const char *id,
                                      apr_time_t now, sence_record_t *out, int head_only,
                                      apr_time_t *stamp);

/* Sweeps visit a bounded share of the slots (a tenth of the store, at least 1024),
 * continuing where the last one stopped, so the lock is never held for a walk of the whole
 * store; every = 0 visits every slot (the status page, which counts what is alive). */

#endif
