/* The shared backend of the store (see store_kv.h). */
#include "store_kv.h"
#include "store_codec.h"
#include "store_shm.h"

#include <apr_atomic.h>
#include <apr_strings.h>
#include <string.h>

#define SHARED_MAGIC APR_UINT64_C(0x53454e43454b5631) /* "SENCEKV1" */
#define KEY_MAX 80
#define MAX_VICTIMS 4

typedef struct {
    sence_kv_t kv;
    sence_store_t *local;
    apr_interval_time_t bound;
    sence_kv_shared_t *sh;
    sence_store_t *store; /* the interface this is the backend of (its drop listener) */
} kv_store_t;

/* Records an operation dropped, reported to the listener once it is done. */
typedef struct {
    int n;
    sence_kind_t kind[MAX_VICTIMS];
    sence_drop_why_t why[MAX_VICTIMS];
    sence_record_t rec[MAX_VICTIMS];
} dropped_t;

sence_kv_shared_t *sence_kv_shared_attach(void *base)
{
    sence_kv_shared_t *sh = base;

    if (sh->magic != SHARED_MAGIC) {
        memset(sh, 0, sizeof(*sh));
        sh->magic = SHARED_MAGIC;
    }
    return sh;
}

static void count(apr_uint64_t *c)
{
    __atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

static apr_status_t failed(kv_store_t *k)
{
    count(&k->sh->errors);
    __atomic_store_n(&k->sh->last_error, apr_time_now(), __ATOMIC_RELAXED);
    __atomic_store_n(&k->sh->down, 1, __ATOMIC_RELAXED);
    return SENCE_STORE_EDOWN;
}

static void answered(kv_store_t *k)
{
    if (__atomic_load_n(&k->sh->down, __ATOMIC_RELAXED))
        __atomic_store_n(&k->sh->down, 0, __ATOMIC_RELAXED);
}

static const char *key_of(char *buf, sence_kind_t kind, const char *id)
{
    apr_snprintf(buf, KEY_MAX, "%c:%s", kind == SENCE_KIND_SESSION ? 's' : 'a', id);
    return buf;
}

/* A participant's index key: the owner (an account or a RUN) in hex, so any bytes fit. */
static const char *owner_key(char *buf, const sence_record_t *rec)
{
    static const char hex[] = "0123456789abcdef";
    apr_size_t n, i;
    const char *o = sence_store_owner(rec, &n);
    char *w = buf;

    *w++ = 'o';
    *w++ = rec->subject[0] ? 'u' : 'r';
    *w++ = ':';
    for (i = 0; i < n && w + 3 < buf + KEY_MAX; i++) {
        *w++ = hex[(unsigned char)o[i] >> 4];
        *w++ = hex[(unsigned char)o[i] & 0xf];
    }
    *w = '\0';
    return buf;
}

/* A miss is believed only when the service takes a write: some clients answer "not found"
 * for a service they have marked dead. */
static apr_status_t confirm_miss(kv_store_t *k)
{
    static const unsigned char mark = '1';
    apr_time_t now = apr_time_now();

    if (k->kv.set(k->kv.baton, "alive", now + apr_time_from_sec(3600), &mark, 1) != APR_SUCCESS)
        return failed(k);
    answered(k);
    return APR_NOTFOUND;
}

/* The record kept under key, decoded: APR_SUCCESS, APR_NOTFOUND (absent, or a value this
 * version cannot read), or SENCE_STORE_EDOWN. */
static apr_status_t fetch(kv_store_t *k, sence_kind_t kind, const char *id, sence_record_t *rec)
{
    char key[KEY_MAX];
    unsigned char buf[SENCE_CODEC_MAX];
    unsigned int len = sizeof(buf);
    apr_status_t rv = k->kv.get(k->kv.baton, key_of(key, kind, id), buf, &len);

    if (rv == APR_NOTFOUND)
        return confirm_miss(k);
    if (rv != APR_SUCCESS)
        return failed(k);
    answered(k);
    return sence_codec_record_get(buf, len, kind, id, rec) ? APR_SUCCESS : APR_NOTFOUND;
}

static apr_status_t write_record(kv_store_t *k, sence_kind_t kind, const sence_record_t *rec)
{
    char key[KEY_MAX];
    unsigned char buf[SENCE_CODEC_MAX];
    unsigned int len = sence_codec_record_put(rec, kind, buf);

    if (k->kv.set(k->kv.baton, key_of(key, kind, rec->id), rec->expires + SENCE_KV_GRACE, buf,
                  len) != APR_SUCCESS)
        return failed(k);
    answered(k);
    return APR_SUCCESS;
}

/* Removes a record's key: APR_SUCCESS when this call removed it (the claim), APR_NOTFOUND
 * when it was gone, SENCE_STORE_EDOWN. */
static apr_status_t claim(kv_store_t *k, sence_kind_t kind, const char *id)
{
    char key[KEY_MAX];
    apr_status_t rv = k->kv.del(k->kv.baton, key_of(key, kind, id));

    if (rv == APR_SUCCESS) {
        answered(k);
        return APR_SUCCESS;
    }
    return rv == APR_NOTFOUND ? confirm_miss(k) : failed(k);
}

static void report(kv_store_t *k, const dropped_t *d)
{
    int i;

    for (i = 0; k->store->on_drop && i < d->n; i++)
        k->store->on_drop(k->store->baton, d->kind[i], d->why[i], &d->rec[i]);
}

static void note_drop(kv_store_t *k, dropped_t *d, sence_kind_t kind, sence_drop_why_t why,
                      const sence_record_t *rec)
{
    if (why == SENCE_DROP_EXPIRED)
        count(&k->sh->expired[kind]);
    else
        count(&k->sh->replaced[kind]);
    if (d->n < MAX_VICTIMS) {
        d->kind[d->n] = kind;
        d->why[d->n] = why;
        d->rec[d->n++] = *rec;
    }
}

/* The local copy dropped rec: an expired one is reported if this server claims it; one the
 * full table gave up is only forgotten (the service still holds it). */
static void local_dropped(void *baton, sence_kind_t kind, sence_drop_why_t why,
                          const sence_record_t *rec)
{
    kv_store_t *k = baton;
    dropped_t d;

    d.n = 0;
    if (why != SENCE_DROP_EXPIRED || claim(k, kind, rec->id) != APR_SUCCESS)
        return;
    note_drop(k, &d, kind, why, rec);
    report(k, &d);
}

/* Drops the participant's record e (checked against the record itself: same participant,
 * and for a session the same course when same_course) as replaced by rec. */
static void replace(kv_store_t *k, const sence_codec_entry_t *e, const sence_record_t *rec,
                    int same_course, apr_time_t now, dropped_t *d)
{
    sence_record_t old;

    if (fetch(k, e->kind, e->id, &old) != APR_SUCCESS || !sence_store_same_owner(&old, rec) ||
        (same_course && !sence_store_same_course(&old, rec)))
        return;
    if (claim(k, e->kind, e->id) != APR_SUCCESS)
        return;
    sence_store_remove(k->local, e->kind, e->id);
    note_drop(k, d, e->kind, old.expires <= now ? SENCE_DROP_EXPIRED : SENCE_DROP_REPLACED, &old);
}

/* The participant's index, before rec (of kind) is added: expired entries leave it (their
 * records are reported by whoever claims them), the session of the same course and the
 * oldest beyond the participant's limit are replaced, and rec joins it. Servers updating
 * one index at once may lose an entry: that record then only lives out its expiry. */
static void bound_owner(kv_store_t *k, sence_kind_t kind, const sence_record_t *rec, apr_time_t now,
                        dropped_t *d)
{
    char key[KEY_MAX];
    unsigned char buf[SENCE_CODEC_MAX];
    unsigned int len = sizeof(buf);
    sence_codec_index_t ix, keep;
    apr_uint64_t course = sence_codec_course(rec);
    int limit = kind == SENCE_KIND_SESSION ? SENCE_MAX_SESSIONS : SENCE_MAX_PENDING;
    int i, n = 0, oldest = -1;
    apr_time_t until = rec->expires;

    owner_key(key, rec);
    if (k->kv.get(k->kv.baton, key, buf, &len) != APR_SUCCESS ||
        !sence_codec_index_get(buf, len, &ix))
        ix.n = 0;
    keep.n = 0;
    for (i = 0; i < ix.n; i++) {
        const sence_codec_entry_t *e = &ix.e[i];
        if (e->expires <= now)
            continue;
        if (e->kind == kind && kind == SENCE_KIND_SESSION && e->course == course) {
            replace(k, e, rec, 1, now, d);
            continue;
        }
        keep.e[keep.n++] = *e;
    }
    for (;;) {
        for (i = 0, n = 0, oldest = -1; i < keep.n; i++)
            if (keep.e[i].kind == kind) {
                n++;
                if (oldest < 0 || keep.e[i].created < keep.e[oldest].created)
                    oldest = i;
            }
        if (n < limit && keep.n < SENCE_CODEC_MAX_ENTRIES)
            break;
        if (oldest < 0)
            oldest = 0;
        replace(k, &keep.e[oldest], rec, 0, now, d);
        memmove(&keep.e[oldest], &keep.e[oldest + 1],
                sizeof(keep.e[0]) * (apr_size_t)(keep.n - oldest - 1));
        keep.n--;
    }
    keep.e[keep.n].kind = kind;
    memcpy(keep.e[keep.n].id, rec->id, sizeof(keep.e[0].id));
    keep.e[keep.n].created = rec->created;
    keep.e[keep.n].expires = rec->expires;
    keep.e[keep.n++].course = course;
    for (i = 0; i < keep.n; i++)
        if (keep.e[i].expires > until)
            until = keep.e[i].expires;
    len = sence_codec_index_put(&keep, buf);
    if (k->kv.set(k->kv.baton, key, until + SENCE_KV_GRACE, buf, len) != APR_SUCCESS)
        failed(k);
}

static apr_status_t kv_put(sence_store_t *st, sence_kind_t kind, sence_record_t *rec,
                           apr_time_t now)
{
    kv_store_t *k = st->impl;
    apr_status_t rv;
    dropped_t d;

    d.n = 0;
    if ((rv = sence_id_new(rec->id)) != APR_SUCCESS)
        return rv;
    if ((rv = write_record(k, kind, rec)) != APR_SUCCESS)
        return rv;
    if (rec->subject[0] || rec->run[0])
        bound_owner(k, kind, rec, now, &d);
    count(&k->sh->created[kind]);
    sence_shm_store_put_copy(k->local, kind, rec, now, now);
    report(k, &d);
    return APR_SUCCESS;
}

static apr_status_t kv_get(sence_store_t *st, sence_kind_t kind, const char *id, apr_time_t now,
                           sence_record_t *out, int head_only)
{
    kv_store_t *k = st->impl;
    sence_record_t rec;
    apr_time_t stamp = 0;
    apr_status_t rv;

    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    if (k->bound > 0) {
        rv = sence_shm_store_get_copy(k->local, kind, id, now, out, head_only, &stamp);
        if (rv == APR_SUCCESS && now - stamp < k->bound) {
            count(&k->sh->hits);
            return APR_SUCCESS;
        }
        if (rv == APR_TIMEUP)
            return APR_TIMEUP; /* the copy's expiry, claimed by the local table's report */
    }
    count(&k->sh->misses);
    rv = fetch(k, kind, id, &rec);
    if (rv != APR_SUCCESS) {
        if (rv == APR_NOTFOUND)
            sence_store_remove(k->local, kind, id); /* taken, closed or replaced elsewhere */
        return rv;
    }
    if (rec.expires <= now) {
        dropped_t d;
        d.n = 0;
        sence_store_remove(k->local, kind, id);
        if (claim(k, kind, id) == APR_SUCCESS)
            note_drop(k, &d, kind, SENCE_DROP_EXPIRED, &rec);
        report(k, &d);
        return APR_TIMEUP;
    }
    sence_shm_store_put_copy(k->local, kind, &rec, now, now);
    if (out)
        memcpy(out, &rec, head_only ? SENCE_RECORD_HEAD : sizeof(rec));
    return APR_SUCCESS;
}

static apr_status_t kv_take(sence_store_t *st, sence_kind_t kind, const char *id, apr_time_t now,
                            sence_record_t *out)
{
    kv_store_t *k = st->impl;
    sence_record_t rec;
    apr_status_t rv;

    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    if ((rv = fetch(k, kind, id, &rec)) != APR_SUCCESS)
        return rv;
    if ((rv = claim(k, kind, id)) != APR_SUCCESS)
        return rv; /* another server took it first, or the service went away */
    sence_store_remove(k->local, kind, id);
    if (rec.expires <= now) {
        dropped_t d;
        d.n = 0;
        note_drop(k, &d, kind, SENCE_DROP_EXPIRED, &rec);
        report(k, &d);
        return APR_TIMEUP;
    }
    if (out)
        *out = rec;
    return APR_SUCCESS;
}

/* Rewrites the record without flag. Two servers may both see it set (a notice shown twice
 * at worst); the shared record ends without it. */
static apr_status_t kv_clear_flag(sence_store_t *st, sence_kind_t kind, const char *id,
                                  apr_uint32_t flag)
{
    kv_store_t *k = st->impl;
    sence_record_t rec;
    apr_status_t rv;

    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    if ((rv = fetch(k, kind, id, &rec)) != APR_SUCCESS)
        return rv;
    if (!(rec.flags & flag))
        return APR_NOTFOUND;
    rec.flags &= ~flag;
    if ((rv = write_record(k, kind, &rec)) != APR_SUCCESS)
        return rv;
    sence_store_remove(k->local, kind, id); /* read again, without the flag, next time */
    return APR_SUCCESS;
}

static apr_status_t kv_remove(sence_store_t *st, sence_kind_t kind, const char *id)
{
    kv_store_t *k = st->impl;

    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    sence_store_remove(k->local, kind, id);
    return claim(k, kind, id);
}

/* The local copy's counts (the records this server knows), the cluster's own counters of
 * what this server did. */
static void kv_stats(sence_store_t *st, sence_store_stats_t *out)
{
    kv_store_t *k = st->impl;
    int i;

    sence_store_stats(k->local, out);
    for (i = 0; i < SENCE_KINDS; i++) {
        out->created[i] = __atomic_load_n(&k->sh->created[i], __ATOMIC_RELAXED);
        out->expired[i] = __atomic_load_n(&k->sh->expired[i], __ATOMIC_RELAXED);
        out->evicted[i] = 0; /* the service's own eviction is not seen from here */
    }
}

static void kv_walk(sence_store_t *st, sence_kind_t kind, apr_time_t now, sence_store_walk_fn *fn,
                    void *baton)
{
    kv_store_t *k = st->impl;
    sence_store_walk(k->local, kind, now, fn, baton);
}

static void kv_sweep(sence_store_t *st, apr_time_t now, apr_interval_time_t every)
{
    kv_store_t *k = st->impl;
    sence_store_sweep(k->local, now, every);
}

static const sence_store_ops_t kv_ops = {
    "kv", kv_put, kv_get, kv_take, kv_clear_flag, kv_remove, kv_stats, kv_walk, kv_sweep,
};

sence_store_t *sence_kv_store_create(apr_pool_t *p, const sence_kv_t *kv, sence_store_t *local,
                                     apr_interval_time_t bound, sence_kv_shared_t *shared)
{
    kv_store_t *k = apr_pcalloc(p, sizeof(*k));
    sence_store_t *st = apr_pcalloc(p, sizeof(*st));

    k->kv = *kv;
    k->local = local;
    k->bound = bound;
    k->sh = shared;
    k->store = st;
    sence_store_on_drop(local, local_dropped, k);
    st->ops = &kv_ops;
    st->impl = k;
    return st;
}

const sence_kv_shared_t *sence_kv_store_shared(const sence_store_t *st)
{
    return st && st->ops == &kv_ops ? ((const kv_store_t *)st->impl)->sh : NULL;
}

sence_store_t *sence_kv_store_local(const sence_store_t *st)
{
    return st && st->ops == &kv_ops ? ((const kv_store_t *)st->impl)->local : NULL;
}

apr_status_t sence_kv_store_probe(sence_store_t *st)
{
    if (!st || st->ops != &kv_ops)
        return APR_SUCCESS;
    return confirm_miss(st->impl) == APR_NOTFOUND ? APR_SUCCESS : SENCE_STORE_EDOWN;
}
