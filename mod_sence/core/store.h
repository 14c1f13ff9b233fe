/* The store of pending attempts and live sessions: the record, the rules every backend
 * keeps (single use, expiry, per-participant bounds) and the interface the gate, the
 * callbacks and the status page use. Backends implement sence_store_ops_t: the
 * shared-memory table (store_shm.h) today. The store knows nothing of the journal: it
 * reports what it dropped and why (sence_store_drop_fn), and the caller decides what that
 * means. */
#ifndef SENCE_STORE_H
#define SENCE_STORE_H

#include <apr_errno.h>
#include <apr_time.h>
#include <stddef.h>

#include "rce.h"
#include "run.h"
#include "util.h"

/* Longest original URL (path and query) an attempt remembers (a record and its links fill
 * 15 cache lines). */
#define SENCE_MAX_STORED_URL 500

/* An operation's answer when the backend cannot reach where the records are (a shared store
 * down): the caller fails closed. */
#define SENCE_STORE_EDOWN (APR_OS_START_USERERR + 1021)

typedef enum { SENCE_KIND_ATTEMPT = 0, SENCE_KIND_SESSION = 1, SENCE_KINDS = 2 } sence_kind_t;

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

/* Why a record left the store without being taken. */
typedef enum {
    SENCE_DROP_EXPIRED,  /* past its expiry */
    SENCE_DROP_EVICTED,  /* to make room in a full store */
    SENCE_DROP_REPLACED, /* its participant made a newer one (the per-participant bounds) */
} sence_drop_why_t;

/* What the store itself holds and did. */
typedef struct {
    apr_uint32_t capacity;
    apr_uint32_t live[SENCE_KINDS];
    apr_uint64_t created[SENCE_KINDS];
    apr_uint64_t expired[SENCE_KINDS];
    apr_uint64_t evicted[SENCE_KINDS];
} sence_store_stats_t;

/* Called after the backend released its lock, for each record an operation dropped. */
typedef void sence_store_drop_fn(void *baton, sence_kind_t kind, sence_drop_why_t why,
                                 const sence_record_t *rec);

/* Called for each live record of a kind, oldest first (under the backend's lock). */
typedef void sence_store_walk_fn(void *baton, const sence_record_t *rec);

typedef struct sence_store_t sence_store_t;

/* A backend. Every operation takes the instance's own data (impl) and the store, whose
 * drop listener it calls. */
typedef struct {
    const char *name;
    /* Copies rec in under a fresh random id (written to rec->id). */
    apr_status_t (*put)(sence_store_t *s, sence_kind_t kind, sence_record_t *rec, apr_time_t now);
    /* Copies the live record with this id into out: the whole record, or its head only
     * (SENCE_RECORD_HEAD bytes; the rest of out untouched). APR_NOTFOUND if absent,
     * APR_TIMEUP if it had expired (it is dropped). */
    apr_status_t (*get)(sence_store_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                        sence_record_t *out, int head_only);
    /* Like get (whole), and removes it: of two callers, one gets it. */
    apr_status_t (*take)(sence_store_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                         sence_record_t *out);
    /* Clears flag on a live record; APR_SUCCESS only if it was set (so one caller wins). */
    apr_status_t (*clear_flag)(sence_store_t *s, sence_kind_t kind, const char *id,
                               apr_uint32_t flag);
    apr_status_t (*remove)(sence_store_t *s, sence_kind_t kind, const char *id);
    void (*stats)(sence_store_t *s, sence_store_stats_t *out);
    /* Optional (NULL where the backend cannot): visit the live records; drop expired ones
     * at most once per `every` across processes (0: now, everywhere). */
    void (*walk)(sence_store_t *s, sence_kind_t kind, apr_time_t now, sence_store_walk_fn *fn,
                 void *baton);
    void (*sweep)(sence_store_t *s, apr_time_t now, apr_interval_time_t every);
} sence_store_ops_t;

struct sence_store_t {
    const sence_store_ops_t *ops;
    void *impl;
    sence_store_drop_fn *on_drop; /* this process's listener, or NULL */
    void *baton;
};

/* Reports drops to this process's listener. */
void sence_store_on_drop(sence_store_t *s, sence_store_drop_fn *fn, void *baton);

/* Per participant (the subject's account, else the RUN): a session replaces the
 * participant's live session of the same course (CodSence, CodigoCurso, linea, issuer); an
 * attempt beyond SENCE_MAX_PENDING replaces the participant's oldest attempt. A full store
 * then reclaims an expired record, else evicts an attempt, else a session: among the oldest
 * few of the kind, the one whose participant holds the most records. */
apr_status_t sence_store_put(sence_store_t *s, sence_kind_t kind, sence_record_t *rec,
                             apr_time_t now);
apr_status_t sence_store_get(sence_store_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                             sence_record_t *out);
/* The head only: what the gate compares, read from the first cache lines of a slot. */
apr_status_t sence_store_get_head(sence_store_t *s, sence_kind_t kind, const char *id,
                                  apr_time_t now, sence_record_t *out);
apr_status_t sence_store_take(sence_store_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                              sence_record_t *out);
apr_status_t sence_store_clear_flag(sence_store_t *s, sence_kind_t kind, const char *id,
                                    apr_uint32_t flag);
apr_status_t sence_store_remove(sence_store_t *s, sence_kind_t kind, const char *id);
void sence_store_stats(sence_store_t *s, sence_store_stats_t *out);
/* No-ops on a backend that cannot. */
void sence_store_walk(sence_store_t *s, sence_kind_t kind, apr_time_t now, sence_store_walk_fn *fn,
                      void *baton);
void sence_store_sweep(sence_store_t *s, apr_time_t now, apr_interval_time_t every);

/* The rules backends share. A participant's key: the LMS account ("moodle:42" of a subject
 * "moodle:42:LOGIN", whatever the login), else the RUN; *len is its length. */
const char *sence_store_owner(const sence_record_t *r, apr_size_t *len);
int sence_store_same_owner(const sence_record_t *a, const sence_record_t *b);
int sence_store_same_course(const sence_record_t *a, const sence_record_t *b);

/* The issuer tag of a public URL (a hash, never 0 for a non-empty URL). */
apr_uint64_t sence_issuer(const char *public_url);

#endif
