#include "store_shm.h"

#include <apr_atomic.h>
#include <stdlib.h>
#include <string.h>

#define STORE_MAGIC APR_UINT64_C(0x53454e4345535438) /* "SENCEST8" */
#define MAX_REAPED 16
#define EVICT_WINDOW 8
#define SWEEP_MAX 256
#define SWEEP_MIN_VISITS 1024
#define NIL 0xffffffffu
#define LINE 64

/* The hash link and kind first, then the record's head: a lookup reads the first three cache
 * lines of a slot, which starts on a cache line. The other links, used under the lock only,
 * come after the record. */
#define LINKS (6 * sizeof(apr_uint32_t))
typedef struct {
    apr_uint32_t hash_next;
    apr_int32_t kind; /* -1 when free */
    sence_record_t rec;
    apr_uint32_t prev; /* kind list, or free list via next */
    apr_uint32_t next;
    apr_uint32_t owner_next; /* the chain of the record's owner bucket */
    apr_uint32_t owned;      /* 1 when on an owner chain (the record names a participant) */
    char pad[(LINE - (LINKS + sizeof(sence_record_t)) % LINE) % LINE];
} slot_t;

/* What the gate's lookup reads stays within the first three cache lines of a slot. */
typedef char head_fits_three_lines[offsetof(slot_t, rec) + SENCE_RECORD_HEAD <= 3 * LINE ? 1 : -1];

typedef struct {
    apr_uint32_t head;
    apr_uint32_t tail;
} list_t;

typedef struct {
    apr_uint64_t magic;
    apr_uint32_t seq; /* odd while a writer holds the lock: lookups read without it */
    apr_uint32_t record_size;
    apr_uint32_t capacity;
    apr_uint32_t nbuckets; /* power of two */
    apr_uint32_t free_head;
    apr_uint64_t seed;
    list_t lists[SENCE_KINDS];
    sence_store_stats_t stats;
    apr_uint32_t last_sweep;   /* seconds, by apr_time_sec */
    apr_uint32_t sweep_cursor; /* the slot the next sweep starts at */
} header_t;

/* This process's view of one segment. */
typedef struct {
    header_t *h;
    apr_uint32_t *buckets;
    apr_uint32_t *owners; /* owner buckets: a participant's records, for the bounds */
    slot_t *slots;
    apr_time_t *stamps; /* per slot: when a copy was last checked against the shared store */
    apr_global_mutex_t *mutex;
    sence_store_t *store; /* the interface this is the backend of (its drop listener) */
} shm_t;

/* Records dropped during one locked operation, reported once the lock is released. */
typedef struct {
    int n;
    sence_kind_t kind[MAX_REAPED];
    sence_drop_why_t why[MAX_REAPED];
    sence_record_t rec[MAX_REAPED];
} reaped_t;

static apr_uint32_t bucket_count(apr_uint32_t capacity)
{
    apr_uint32_t n = 16;
    while (n < capacity * 2u)
        n <<= 1;
    return n;
}

static apr_size_t align_line(apr_size_t n)
{
    return (n + LINE - 1) & ~(apr_size_t)(LINE - 1);
}

/* The segment starts on a page (shared memory is page-aligned), so offsets that are
 * multiples of a cache line put every slot at the start of one. */
static apr_size_t owners_offset(apr_uint32_t capacity)
{
    return align_line(sizeof(header_t)) + align_line(sizeof(apr_uint32_t) * bucket_count(capacity));
}

static apr_size_t slots_offset(apr_uint32_t capacity)
{
    return owners_offset(capacity) + align_line(sizeof(apr_uint32_t) * bucket_count(capacity));
}

static apr_size_t stamps_offset(apr_uint32_t capacity)
{
    return slots_offset(capacity) + sizeof(slot_t) * (apr_size_t)capacity;
}

apr_size_t sence_shm_store_bytes(apr_uint32_t capacity)
{
    return stamps_offset(capacity) + sizeof(apr_time_t) * (apr_size_t)capacity;
}

static const sence_store_ops_t shm_ops;

static sence_store_t *wrap(apr_pool_t *p, void *base, apr_global_mutex_t *mutex)
{
    shm_t *s = apr_pcalloc(p, sizeof(*s));
    sence_store_t *st = apr_pcalloc(p, sizeof(*st));
    char *b = base;

    s->h = base;
    s->buckets = (apr_uint32_t *)(b + align_line(sizeof(header_t)));
    s->owners = (apr_uint32_t *)(b + owners_offset(s->h->capacity));
    s->slots = (slot_t *)(b + slots_offset(s->h->capacity));
    s->stamps = (apr_time_t *)(b + stamps_offset(s->h->capacity));
    s->mutex = mutex;
    s->store = st;
    st->ops = &shm_ops;
    st->impl = s;
    return st;
}

sence_store_t *sence_shm_store_format(apr_pool_t *p, void *base, apr_uint32_t capacity,
                                      apr_global_mutex_t *mutex)
{
    header_t *h = base;
    sence_store_t *st;
    shm_t *s;
    apr_uint32_t i;

    if (capacity == 0)
        return NULL;
    memset(h, 0, sizeof(*h));
    h->capacity = capacity;
    h->nbuckets = bucket_count(capacity);
    h->record_size = sizeof(sence_record_t);
    if (apr_generate_random_bytes((unsigned char *)&h->seed, sizeof(h->seed)) != APR_SUCCESS)
        return NULL;
    h->stats.capacity = capacity;
    st = wrap(p, base, mutex);
    s = st->impl;
    for (i = 0; i < h->nbuckets; i++)
        s->buckets[i] = s->owners[i] = NIL;
    for (i = 0; i < capacity; i++) {
        s->stamps[i] = 0;
        s->slots[i].kind = -1;
        s->slots[i].next = i + 1 < capacity ? i + 1 : NIL;
    }
    h->free_head = 0;
    for (i = 0; i < SENCE_KINDS; i++)
        h->lists[i].head = h->lists[i].tail = NIL;
    h->magic = STORE_MAGIC;
    return st;
}

sence_store_t *sence_shm_store_attach(apr_pool_t *p, void *base, apr_global_mutex_t *mutex)
{
    header_t *h = base;

    if (h->magic != STORE_MAGIC || h->record_size != sizeof(sence_record_t) || h->capacity == 0 ||
        h->nbuckets != bucket_count(h->capacity))
        return NULL;
    return wrap(p, base, mutex);
}

/* Every change happens under the lock, between two increments of seq (a seqlock): a reader
 * that sees the same even seq before and after its read saw no change. */
static apr_status_t lock(shm_t *s)
{
    apr_status_t rv = s->mutex ? apr_global_mutex_lock(s->mutex) : APR_SUCCESS;

    if (rv == APR_SUCCESS)
        __atomic_add_fetch(&s->h->seq, 1, __ATOMIC_SEQ_CST);
    return rv;
}

static void unlock(shm_t *s)
{
    __atomic_add_fetch(&s->h->seq, 1, __ATOMIC_SEQ_CST);
    if (s->mutex)
        apr_global_mutex_unlock(s->mutex);
}

/* Constant-time comparison of two ids of SENCE_ID_LEN characters. */
static int same_id(const char *a, const char *b)
{
    unsigned char diff = 0;
    int i;

    for (i = 0; i < SENCE_ID_LEN; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static apr_uint32_t bucket_of(shm_t *s, sence_kind_t kind, const char *id)
{
    apr_uint64_t hv = sence_hash(id, strlen(id), s->h->seed ^ (apr_uint64_t)kind);
    return (apr_uint32_t)(hv & (s->h->nbuckets - 1));
}

static int has_owner(const sence_record_t *r)
{
    return r->subject[0] || r->run[0];
}

static apr_uint32_t *owner_bucket(shm_t *s, const sence_record_t *r)
{
    apr_size_t n;
    const char *k = sence_store_owner(r, &n);
    apr_uint64_t hv = sence_hash(k, n, s->h->seed ^ APR_UINT64_C(0x6f776e6572));
    return &s->owners[hv & (s->h->nbuckets - 1)];
}

/* Index of the slot holding (kind, id), NIL if none; *link points at the reference to it. */
static apr_uint32_t find(shm_t *s, sence_kind_t kind, const char *id, apr_uint32_t **link)
{
    apr_uint32_t *ref = &s->buckets[bucket_of(s, kind, id)];

    while (*ref != NIL) {
        slot_t *sl = &s->slots[*ref];
        if (sl->kind == (apr_int32_t)kind && sence_ct_equal(sl->rec.id, id)) {
            if (link)
                *link = ref;
            return *ref;
        }
        ref = &sl->hash_next;
    }
    return NIL;
}

static void list_unlink(shm_t *s, apr_uint32_t i)
{
    slot_t *sl = &s->slots[i];
    list_t *l = &s->h->lists[sl->kind];

    if (sl->prev != NIL)
        s->slots[sl->prev].next = sl->next;
    else
        l->head = sl->next;
    if (sl->next != NIL)
        s->slots[sl->next].prev = sl->prev;
    else
        l->tail = sl->prev;
}

static void list_append(shm_t *s, sence_kind_t kind, apr_uint32_t i)
{
    list_t *l = &s->h->lists[kind];
    slot_t *sl = &s->slots[i];

    sl->prev = l->tail;
    sl->next = NIL;
    if (l->tail != NIL)
        s->slots[l->tail].next = i;
    else
        l->head = i;
    l->tail = i;
}

/* Unhooks slot i from its hash chain and kind list and returns it to the free list. */
static void release(shm_t *s, apr_uint32_t i)
{
    slot_t *sl = &s->slots[i];
    apr_uint32_t *link = NULL;

    if (find(s, (sence_kind_t)sl->kind, sl->rec.id, &link) == i)
        *link = sl->hash_next;
    if (sl->owned) {
        for (link = owner_bucket(s, &sl->rec); *link != NIL && *link != i;
             link = &s->slots[*link].owner_next)
            ;
        if (*link == i)
            *link = sl->owner_next;
        sl->owned = 0;
    }
    list_unlink(s, i);
    s->h->stats.live[sl->kind]--;
    memset(&sl->rec, 0, sizeof(sl->rec));
    sl->kind = -1;
    sl->prev = NIL;
    sl->next = s->h->free_head;
    s->h->free_head = i;
}

static void reap(shm_t *s, apr_uint32_t i, sence_drop_why_t why, reaped_t *out)
{
    if (out && out->n < MAX_REAPED) {
        out->kind[out->n] = (sence_kind_t)s->slots[i].kind;
        out->why[out->n] = why;
        out->rec[out->n++] = s->slots[i].rec;
    }
    release(s, i);
}

static void expire(shm_t *s, apr_uint32_t i, reaped_t *out)
{
    s->h->stats.expired[s->slots[i].kind]++;
    reap(s, i, SENCE_DROP_EXPIRED, out);
}

/* Reclaims up to max expired records from the old end of each list. */
static void reclaim_expired(shm_t *s, apr_time_t now, int max, reaped_t *out)
{
    int k;

    for (k = 0; k < SENCE_KINDS; k++) {
        int n = 0;
        while (n++ < max && s->h->lists[k].head != NIL &&
               s->slots[s->h->lists[k].head].rec.expires <= now)
            expire(s, s->h->lists[k].head, out);
    }
}

/* How many records slot i's participant holds (its owner chain, bounded by the limits). */
static int owner_holds(shm_t *s, apr_uint32_t i)
{
    const sence_record_t *r = &s->slots[i].rec;
    apr_uint32_t j;
    int n = 0;

    if (!s->slots[i].owned)
        return 1;
    for (j = *owner_bucket(s, r); j != NIL; j = s->slots[j].owner_next)
        n += sence_store_same_owner(&s->slots[j].rec, r);
    return n;
}

/* Pending attempts go first: a flood of gate pages must not log participants out. Among the
 * oldest few, the record of the participant holding the most goes (the oldest on a tie). */
static void evict(shm_t *s, reaped_t *out)
{
    int k = s->h->lists[SENCE_KIND_ATTEMPT].head != NIL ? SENCE_KIND_ATTEMPT : SENCE_KIND_SESSION;
    apr_uint32_t i, victim = s->h->lists[k].head;
    int most = 0, seen = 0;

    for (i = victim; i != NIL && seen++ < EVICT_WINDOW; i = s->slots[i].next) {
        int n = owner_holds(s, i);
        if (n > most) {
            most = n;
            victim = i;
        }
    }
    s->h->stats.evicted[k]++;
    reap(s, victim, SENCE_DROP_EVICTED, out);
}

/* Before rec (of kind) is added for its participant: drops the participant's expired
 * records met on the way, the live session of the same course (a new one replaces it), and
 * the oldest attempt or session beyond the participant's limit. */
static void bound_owner(shm_t *s, sence_kind_t kind, const sence_record_t *rec, apr_time_t now,
                        reaped_t *out)
{
    apr_uint32_t i, nx, oldest = NIL;
    int n = 0, limit = kind == SENCE_KIND_SESSION ? SENCE_MAX_SESSIONS : SENCE_MAX_PENDING;

    for (i = *owner_bucket(s, rec); i != NIL; i = nx) {
        slot_t *sl = &s->slots[i];
        nx = sl->owner_next;
        if (sl->kind != (apr_int32_t)kind || !sence_store_same_owner(&sl->rec, rec))
            continue;
        if (sl->rec.expires <= now && out->n < MAX_REAPED - 2) {
            expire(s, i, out); /* (room kept to report the replacement and an eviction) */
        } else if (kind == SENCE_KIND_SESSION && sence_store_same_course(&sl->rec, rec)) {
            reap(s, i, SENCE_DROP_REPLACED, out);
        } else {
            n++;
            if (oldest == NIL || sl->rec.created < s->slots[oldest].rec.created)
                oldest = i;
        }
    }
    if (n >= limit)
        reap(s, oldest, SENCE_DROP_REPLACED, out);
}

/* Unlocks, then tells this process's listener what was dropped. */
static void unlock_report(shm_t *s, const reaped_t *r)
{
    int i;

    unlock(s);
    for (i = 0; s->store->on_drop && i < r->n; i++)
        s->store->on_drop(s->store->baton, r->kind[i], r->why[i], &r->rec[i]);
}

/* Adds rec under rec->id. An original (copy = 0) keeps its participant's bounds; a copy of a
 * record held elsewhere replaces a copy with the same id and is stamped. */
static apr_status_t insert(shm_t *s, sence_kind_t kind, const sence_record_t *rec, apr_time_t now,
                           int copy, apr_time_t stamp)
{
    apr_status_t rv;
    apr_uint32_t i, b;
    slot_t *sl;
    reaped_t reaped;

    reaped.n = 0;
    if ((rv = lock(s)) != APR_SUCCESS)
        return rv;
    if (copy && (i = find(s, kind, rec->id, NULL)) != NIL)
        release(s, i);
    reclaim_expired(s, now, 2, &reaped);
    if (has_owner(rec) && !copy)
        bound_owner(s, kind, rec, now, &reaped);
    if (s->h->free_head == NIL)
        evict(s, &reaped);
    i = s->h->free_head;
    sl = &s->slots[i];
    s->h->free_head = sl->next;
    sl->rec = *rec;
    sl->kind = kind;
    s->stamps[i] = stamp;
    b = bucket_of(s, kind, rec->id);
    sl->hash_next = s->buckets[b];
    s->buckets[b] = i;
    sl->owned = has_owner(rec);
    if (sl->owned) {
        apr_uint32_t *ob = owner_bucket(s, rec);
        sl->owner_next = *ob;
        *ob = i;
    }
    list_append(s, kind, i);
    s->h->stats.live[kind]++;
    s->h->stats.created[kind]++;
    unlock_report(s, &reaped);
    return APR_SUCCESS;
}

static apr_status_t shm_put(sence_store_t *st, sence_kind_t kind, sence_record_t *rec,
                            apr_time_t now)
{
    apr_status_t rv;

    if ((rv = sence_id_new(rec->id)) != APR_SUCCESS)
        return rv;
    return insert(st->impl, kind, rec, now, 0, 0);
}

apr_status_t sence_shm_store_put_copy(sence_store_t *st, sence_kind_t kind,
                                      const sence_record_t *rec, apr_time_t stamp, apr_time_t now)
{
    if (!sence_id_wellformed(rec->id))
        return APR_EINVAL;
    return insert(st->impl, kind, rec, now, 1, stamp);
}

static apr_status_t lookup(shm_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                           sence_record_t *out, int take, apr_time_t *stamp)
{
    apr_status_t rv;
    apr_uint32_t i;
    reaped_t reaped;

    reaped.n = 0;
    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    if ((rv = lock(s)) != APR_SUCCESS)
        return rv;
    i = find(s, kind, id, NULL);
    if (i == NIL) {
        rv = APR_NOTFOUND;
    } else if (s->slots[i].rec.expires <= now) {
        expire(s, i, &reaped);
        rv = APR_TIMEUP;
    } else {
        if (out)
            *out = s->slots[i].rec;
        if (stamp)
            *stamp = s->stamps[i];
        if (take)
            release(s, i);
        rv = APR_SUCCESS;
    }
    unlock_report(s, &reaped);
    return rv;
}

/* A lookup without the lock, for the gate's hot path: 1 found (copied into out), 0 absent,
 * -1 a writer got in the way (the caller takes the lock). Every index is bounds-checked, so a
 * read that races a writer reads garbage at worst, and the seq check then discards it. */
static int lookup_unlocked(shm_t *s, sence_kind_t kind, const char *id, sence_record_t *out,
                           apr_size_t bytes, apr_time_t *stamp)
{
    int tries;

    for (tries = 0; tries < 3; tries++) {
        apr_uint32_t seq = __atomic_load_n(&s->h->seq, __ATOMIC_ACQUIRE);
        apr_uint32_t i, steps = 0;
        int found = 0;
        if (seq & 1)
            continue;
        i = __atomic_load_n(&s->buckets[bucket_of(s, kind, id)], __ATOMIC_RELAXED);
        while (i < s->h->capacity && steps++ < s->h->capacity) {
            const slot_t *sl = &s->slots[i];
            if (sl->kind == (apr_int32_t)kind && same_id(sl->rec.id, id)) {
                memcpy(out, &sl->rec, bytes);
                if (stamp)
                    *stamp = s->stamps[i];
                found = 1;
                break;
            }
            i = sl->hash_next;
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&s->h->seq, __ATOMIC_ACQUIRE) == seq)
            return found && same_id(out->id, id) ? 1 : 0;
    }
    return -1;
}

static apr_status_t get(shm_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                        sence_record_t *out, apr_size_t bytes, apr_time_t *stamp)
{
    sence_record_t rec;
    int hit;

    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    hit = lookup_unlocked(s, kind, id, &rec, bytes, stamp);
    if (hit == 0)
        return APR_NOTFOUND;
    if (hit == 1 && rec.expires > now) {
        if (out)
            memcpy(out, &rec, bytes);
        return APR_SUCCESS;
    }
    return lookup(s, kind, id, now, out, 0, stamp); /* expired (reclaim it) or contended */
}

static apr_status_t shm_get(sence_store_t *st, sence_kind_t kind, const char *id, apr_time_t now,
                            sence_record_t *out, int head_only)
{
    return get(st->impl, kind, id, now, out, head_only ? SENCE_RECORD_HEAD : sizeof(*out), NULL);
}

apr_status_t sence_shm_store_get_copy(sence_store_t *st, sence_kind_t kind, const char *id,
                                      apr_time_t now, sence_record_t *out, int head_only,
                                      apr_time_t *stamp)
{
    return get(st->impl, kind, id, now, out, head_only ? SENCE_RECORD_HEAD : sizeof(*out), stamp);
}

static apr_status_t shm_take(sence_store_t *st, sence_kind_t kind, const char *id, apr_time_t now,
                             sence_record_t *out)
{
    return lookup(st->impl, kind, id, now, out, 1, NULL);
}

static apr_status_t shm_clear_flag(sence_store_t *st, sence_kind_t kind, const char *id,
                                   apr_uint32_t flag)
{
    shm_t *s = st->impl;
    apr_status_t rv;
    apr_uint32_t i;

    if (!sence_id_wellformed(id))
        return APR_NOTFOUND;
    if ((rv = lock(s)) != APR_SUCCESS)
        return rv;
    i = find(s, kind, id, NULL);
    rv = APR_NOTFOUND;
    if (i != NIL && (s->slots[i].rec.flags & flag)) {
        s->slots[i].rec.flags &= ~flag;
        rv = APR_SUCCESS;
    }
    unlock(s);
    return rv;
}

static apr_status_t shm_remove(sence_store_t *st, sence_kind_t kind, const char *id)
{
    return lookup(st->impl, kind, id, 0, NULL, 1, NULL) == APR_SUCCESS ? APR_SUCCESS : APR_NOTFOUND;
}

static void shm_stats(sence_store_t *st, sence_store_stats_t *out)
{
    shm_t *s = st->impl;

    if (lock(s) != APR_SUCCESS) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = s->h->stats;
    unlock(s);
}

static void shm_walk(sence_store_t *st, sence_kind_t kind, apr_time_t now, sence_store_walk_fn *fn,
                     void *baton)
{
    shm_t *s = st->impl;
    apr_uint32_t i;

    if (lock(s) != APR_SUCCESS)
        return;
    for (i = s->h->lists[kind].head; i != NIL; i = s->slots[i].next)
        if (s->slots[i].rec.expires > now)
            fn(baton, &s->slots[i].rec);
    unlock(s);
}

/* Finds expired records anywhere in the store (reclaiming on put only looks at the oldest of
 * each list), so the journal hears of expiries soon. One process sweeps per interval, over a
 * bounded run of slots from where the last sweep stopped. The run is read without the lock
 * (a read-only pass: what it sees is checked again); the lock is taken only to drop what it
 * found, so lookups and writers never wait for the scan. */
static void shm_sweep(sence_store_t *st, apr_time_t now, apr_interval_time_t every)
{
    shm_t *s = st->impl;
    apr_uint32_t last = s->h->last_sweep, nowsec = (apr_uint32_t)apr_time_sec(now);
    apr_uint32_t cap = s->h->capacity, visits, i, v;
    apr_uint32_t *found;
    sence_record_t *recs;
    sence_kind_t *kinds;
    int k, nfound = 0, n = 0;

    if (every && (nowsec - last < (apr_uint32_t)apr_time_sec(every) ||
                  apr_atomic_cas32(&s->h->last_sweep, nowsec, last) != last))
        return;
    visits = every ? cap / 10 : cap;
    if (visits < SWEEP_MIN_VISITS)
        visits = SWEEP_MIN_VISITS < cap ? SWEEP_MIN_VISITS : cap;
    found = malloc(sizeof(*found) * SWEEP_MAX);
    recs = malloc(sizeof(*recs) * SWEEP_MAX);
    kinds = malloc(sizeof(*kinds) * SWEEP_MAX);
    if (!found || !recs || !kinds)
        goto done;
    i = __atomic_load_n(&s->h->sweep_cursor, __ATOMIC_RELAXED);
    i = i < cap ? i : 0;
    for (v = 0; v < visits && nfound < SWEEP_MAX; v++, i = i + 1 < cap ? i + 1 : 0) {
        const slot_t *sl = &s->slots[i];
        if (__atomic_load_n(&sl->kind, __ATOMIC_RELAXED) >= 0 &&
            __atomic_load_n(&sl->rec.expires, __ATOMIC_RELAXED) <= now)
            found[nfound++] = i;
    }
    __atomic_store_n(&s->h->sweep_cursor, i, __ATOMIC_RELAXED);
    if (nfound == SWEEP_MAX && every)
        s->h->last_sweep = last; /* more to do: the next request sweeps again */
    if (!nfound || lock(s) != APR_SUCCESS)
        goto done;
    for (k = 0; k < nfound; k++) {
        slot_t *sl = &s->slots[found[k]];
        if (sl->kind < 0 || sl->rec.expires > now)
            continue; /* taken, or replaced by a live record, since the scan */
        recs[n] = sl->rec;
        kinds[n++] = (sence_kind_t)sl->kind;
        expire(s, found[k], NULL);
    }
    unlock(s);
    for (k = 0; st->on_drop && k < n; k++)
        st->on_drop(st->baton, kinds[k], SENCE_DROP_EXPIRED, &recs[k]);
done:
    free(found);
    free(recs);
    free(kinds);
}

static const sence_store_ops_t shm_ops = {
    "shm", shm_put, shm_get, shm_take, shm_clear_flag, shm_remove, shm_stats, shm_walk, shm_sweep,
};
