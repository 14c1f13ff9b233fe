/* Attempts and sessions in one shared-memory segment.
 *
 * Fixed-size slots addressed by index (never pointers, so every process may map the
 * segment anywhere), a chained hash index over (kind, id), a free list and one
 * insertion-ordered list per kind for expiry and eviction. Every operation is O(1)
 * and holds the global mutex only for the table operation itself. */
#ifndef SENCE_STORE_H
#define SENCE_STORE_H

#include <apr_global_mutex.h>
#include <apr_time.h>
#include <stddef.h>

#include "rce.h"
#include "run.h"
#include "util.h"

/* Longest original URL (path and query) an attempt remembers (a record and its links fill
 * 15 cache lines). */
#define SENCE_MAX_STORED_URL 500

typedef enum { SENCE_KIND_ATTEMPT = 0, SENCE_KIND_SESSION = 1, SENCE_KINDS = 2 } sence_kind;

/* The fields a session lookup needs come first (the "head"): a lookup copies only those, so
 * it touches the first cache lines of a slot, whatever the size of the store. */
typedef struct {
    char id[SENCE_ID_LEN + 1];
    char run[SENCE_RUN_MAX + 1];
    char subject[32]; /* the LMS account and login ("moodle:42:LOGIN"), empty when identity is
                         a RUN only; the participant is the account ("moodle:42") */
    char cod_sence[SENCE_MAX_CODSENCE + 1];
    char codigo_curso[SENCE_MAX_CODIGOCURSO + 1];
    int linea;
    apr_uint32_t flags;
    apr_time_t created;
    apr_time_t expires;
    apr_interval_time_t lifetime; /* attempts: the session lifetime of the gated location */
    apr_uint64_t issuer;          /* sence_issuer() of the SencePublicURL the record was made for */
    /* end of the head */
    char id_sence[SENCE_MAX_IDSENCE + 1];
    char fecha_hora[SENCE_MAX_FECHAHORA + 1];
    char zona[SENCE_MAX_ZONA + 1];
    char url[SENCE_MAX_STORED_URL + 1];
    char ref[SENCE_ID_LEN + 1]; /* close attempts: the session they close */
} sence_record_t;

#define SENCE_RECORD_HEAD offsetof(sence_record_t, id_sence)

/* Session flag: the "session started" notice has not been shown yet. */
#define SENCE_FLAG_NOTICE 0x1u
/* Attempt flag: a CerrarSesion attempt (ref names the session), not an IniciarSesion one. */
#define SENCE_FLAG_CLOSE 0x2u

/* Pending attempts (logins and closes) one participant may hold: a further one replaces
 * that participant's oldest, so nobody's gate pages or forged callbacks push out anyone
 * else's records. A participant is the LMS account (the subject up to its second ':', so
 * every Moodle login of one user is one participant) or, without one, the RUN. */
#define SENCE_MAX_PENDING 4
/* Live sessions one participant may hold (one per course at most): beyond it, the oldest. */
#define SENCE_MAX_SESSIONS 16

/* What happened, counted in the store for the status page and written to the journal. */
typedef enum {
    SENCE_EV_LOGIN_SENT,
    SENCE_EV_START_OK,
    SENCE_EV_START_ERROR,
    SENCE_EV_CLOSE_SENT,
    SENCE_EV_CLOSE_OK,
    SENCE_EV_CLOSE_ERROR,
    SENCE_EV_SESSION_EXPIRED,
    SENCE_EV_LOGIN_ABANDONED,
    SENCE_EV_SESSION_EVICTED,
    SENCE_EV_LOGIN_EVICTED,
    SENCE_EV_CALLBACK_REJECTED,
    SENCE_EV_CLOSE_ABANDONED,
    SENCE_EV_CLOSE_EVICTED,
    SENCE_EV_SESSION_REPLACED, /* the same participant started the same course again */
    SENCE_EV_LOGIN_REPLACED,   /* the participant's oldest pending login made room */
    SENCE_EV_CLOSE_REPLACED,   /* the participant's oldest pending close made room */
    SENCE_EV_COUNT
} sence_event;

/* GlosaError codes counted one slot each: 100, 200-212, 300-313, and "other". */
#define SENCE_CODE_SLOTS 29
int sence_code_slot(int code);
int sence_slot_code(int slot); /* -1 for the "other" slot */

typedef struct {
    apr_uint32_t capacity;
    apr_uint32_t live[SENCE_KINDS];
    apr_uint64_t created[SENCE_KINDS];
    apr_uint64_t expired[SENCE_KINDS];
    apr_uint64_t evicted[SENCE_KINDS];
    apr_uint32_t events[SENCE_EV_COUNT];
    apr_uint32_t codes[SENCE_CODE_SLOTS];
    apr_uint32_t suspect[2]; /* accepted callbacks that did not look like SENCE's page:
                                [0] start, [1] close */
} sence_store_stats_t;

/* Called after the lock is released for each record a store operation dropped because it
 * expired, to make room (ev is SESSION_EXPIRED, LOGIN_ABANDONED, *_EVICTED) or because its
 * participant made a newer one (*_REPLACED). */
typedef void sence_store_reap_fn(void *baton, sence_event ev, const sence_record_t *rec);

/* Called under the lock for each live record of a kind, oldest first. */
typedef void sence_store_walk_fn(void *baton, const sence_record_t *rec);

typedef struct sence_store_t sence_store_t;

/* Bytes of shared memory needed for capacity records. */
apr_size_t sence_store_bytes(apr_uint32_t capacity);

/* Lays out a fresh store in base (sence_store_bytes(capacity) bytes). mutex may be NULL
 * when only one thread of one process uses it. */
sence_store_t *sence_store_format(apr_pool_t *p, void *base, apr_uint32_t capacity,
                                  apr_global_mutex_t *mutex);

/* Attaches to a store formatted earlier (e.g. by the previous generation). NULL if the
 * memory does not hold a store of this layout. */
sence_store_t *sence_store_attach(apr_pool_t *p, void *base, apr_global_mutex_t *mutex);

/* Copies rec in under a fresh random id (written to rec->id). Per participant (subject, else
 * RUN): a session replaces the participant's live session of the same course (CodSence,
 * CodigoCurso, linea, issuer); an attempt beyond SENCE_MAX_PENDING replaces the
 * participant's oldest attempt. A full store then reclaims an expired record, else evicts an
 * attempt, else a session: among the oldest few of the kind, the one whose participant holds
 * the most records. */
apr_status_t sence_store_put(sence_store_t *s, sence_kind kind, sence_record_t *rec,
                             apr_time_t now);

/* Copies the live record with this id into out. APR_NOTFOUND if absent; APR_TIMEUP if
 * it had expired (it is removed). */
apr_status_t sence_store_get(sence_store_t *s, sence_kind kind, const char *id, apr_time_t now,
                             sence_record_t *out);

/* Like get, but copies only the head of the record (id to lifetime; the rest of out is left
 * as it was): what the gate compares, read from the first cache lines of the slot. */
apr_status_t sence_store_get_head(sence_store_t *s, sence_kind kind, const char *id, apr_time_t now,
                                  sence_record_t *out);

/* Like get, and removes the record: single use. */
apr_status_t sence_store_take(sence_store_t *s, sence_kind kind, const char *id, apr_time_t now,
                              sence_record_t *out);

/* Clears flag on a live record; APR_SUCCESS only if it was set (so one caller wins). */
apr_status_t sence_store_clear_flag(sence_store_t *s, sence_kind kind, const char *id,
                                    apr_uint32_t flag);

apr_status_t sence_store_remove(sence_store_t *s, sence_kind kind, const char *id);

void sence_store_stats(sence_store_t *s, sence_store_stats_t *out);

/* This process's listener for reaped records (not stored in shared memory). */
void sence_store_on_reap(sence_store_t *s, sence_store_reap_fn *fn, void *baton);

/* Visits the live records of a kind under the lock: keep fn short (status page only). */
void sence_store_walk(sence_store_t *s, sence_kind kind, apr_time_t now, sence_store_walk_fn *fn,
                      void *baton);

/* Reclaims expired records anywhere in the store, at most once per `every` across all
 * processes (others return at once), reporting them to the reap listener. Each sweep visits
 * a bounded share of the slots (a tenth of the store, at least 1024), continuing where the
 * last one stopped, so the lock is never held for a walk of the whole store; every = 0 visits
 * every slot (the status page, which counts what is alive). */
void sence_store_sweep(sence_store_t *s, apr_time_t now, apr_interval_time_t every);

/* Counters shared by all processes, without the lock. */
void sence_store_count(sence_store_t *s, sence_event ev);
void sence_store_count_code(sence_store_t *s, int code);
void sence_store_count_suspect(sence_store_t *s, int closing);

/* The issuer tag of a public URL (a hash, never 0 for a non-empty URL). */
apr_uint64_t sence_issuer(const char *public_url);

#endif
