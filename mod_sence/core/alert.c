#include "alert.h"
#include "util.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

/* "SENCEAQ" and the sizes of the slots: another layout has another magic. */
#define AQ_MAGIC                                                                                   \
    (APR_UINT64_C(0x53454e4345415100) ^                                                            \
     ((apr_uint64_t)sizeof(sence_alert_t) << 20 | (apr_uint64_t)sizeof(sence_alert_ctx_t) << 8))

enum { SLOT_FREE = 0, SLOT_QUEUED = 1, SLOT_SENDING = 2 };

typedef struct {
    apr_uint32_t state;
    apr_uint32_t tries;
    apr_uint64_t seq;
    apr_time_t due;
    sence_alert_t a;
} qslot_t;

typedef struct {
    char key[SENCE_ID_LEN + 1];
    apr_time_t expires;
    sence_alert_ctx_t ctx;
} cslot_t;

typedef struct {
    apr_uint64_t key;
    apr_time_t until; /* the window ends */
    apr_uint32_t held;
    apr_uint32_t pad;
} tslot_t;

typedef struct {
    apr_uint64_t magic;
    apr_uint32_t contacts;
    apr_uint32_t queued;
    apr_uint64_t seq;
    apr_uint64_t sent, failed, throttled, dropped;
} header_t;

struct sence_alertq_t {
    header_t *h;
    qslot_t *q;
    cslot_t *c;
    tslot_t *t;
    apr_global_mutex_t *mutex;
};

#define ALIGN(n) (((n) + 63) & ~(apr_size_t)63)

apr_size_t sence_alertq_bytes(apr_uint32_t contacts)
{
    return ALIGN(sizeof(header_t)) + ALIGN(sizeof(qslot_t) * SENCE_ALERT_QUEUE) +
           ALIGN(sizeof(tslot_t) * SENCE_ALERT_THROTTLE_SLOTS) +
           ALIGN(sizeof(cslot_t) * (apr_size_t)contacts);
}

static sence_alertq_t *wrap(apr_pool_t *p, void *base, apr_global_mutex_t *mutex)
{
    sence_alertq_t *q = apr_pcalloc(p, sizeof(*q));
    char *b = base;

    q->h = base;
    b += ALIGN(sizeof(header_t));
    q->q = (qslot_t *)b;
    b += ALIGN(sizeof(qslot_t) * SENCE_ALERT_QUEUE);
    q->t = (tslot_t *)b;
    b += ALIGN(sizeof(tslot_t) * SENCE_ALERT_THROTTLE_SLOTS);
    q->c = (cslot_t *)b;
    q->mutex = mutex;
    return q;
}

sence_alertq_t *sence_alertq_format(apr_pool_t *p, void *base, apr_uint32_t contacts,
                                    apr_global_mutex_t *mutex)
{
    if (!contacts)
        contacts = 1;
    memset(base, 0, sence_alertq_bytes(contacts));
    ((header_t *)base)->contacts = contacts;
    ((header_t *)base)->magic = AQ_MAGIC;
    return wrap(p, base, mutex);
}

sence_alertq_t *sence_alertq_attach(apr_pool_t *p, void *base, apr_global_mutex_t *mutex)
{
    if (((header_t *)base)->magic != AQ_MAGIC)
        return NULL;
    return wrap(p, base, mutex);
}

static apr_status_t lock(sence_alertq_t *q)
{
    return q->mutex ? apr_global_mutex_lock(q->mutex) : APR_SUCCESS;
}

static void unlock(sence_alertq_t *q)
{
    if (q->mutex)
        apr_global_mutex_unlock(q->mutex);
}

/* ---- contact table ------------------------------------------------------------------- */

static apr_uint32_t home(const sence_alertq_t *q, const char *key)
{
    return (apr_uint32_t)(sence_hash(key, strlen(key), 0x5eac7) % q->h->contacts);
}

apr_status_t sence_alertq_remember(sence_alertq_t *q, const char *key, const sence_alert_ctx_t *ctx,
                                   apr_time_t expires, apr_time_t now)
{
    apr_uint32_t i, at, pick = 0;
    apr_time_t soonest = 0;
    apr_status_t rv;

    if (!key || !*key || strlen(key) > SENCE_ID_LEN)
        return APR_EINVAL;
    if ((rv = lock(q)) != APR_SUCCESS)
        return rv;
    at = home(q, key);
    for (i = 0; i < SENCE_ALERT_PROBE && i < q->h->contacts; i++) {
        apr_uint32_t k = (at + i) % q->h->contacts;
        cslot_t *c = &q->c[k];
        if (!c->key[0] || c->expires <= now || !strcmp(c->key, key)) {
            pick = k;
            break;
        }
        if (i == 0 || c->expires < soonest) {
            soonest = c->expires;
            pick = k;
        }
    }
    sence_strlcpy(q->c[pick].key, key, sizeof(q->c[pick].key));
    q->c[pick].expires = expires;
    q->c[pick].ctx = *ctx;
    unlock(q);
    return APR_SUCCESS;
}

apr_status_t sence_alertq_recall(sence_alertq_t *q, const char *key, apr_time_t now,
                                 sence_alert_ctx_t *out)
{
    apr_uint32_t i, at;
    apr_status_t rv = APR_NOTFOUND;

    if (!key || !*key || strlen(key) > SENCE_ID_LEN || lock(q) != APR_SUCCESS)
        return APR_NOTFOUND;
    at = home(q, key);
    for (i = 0; i < SENCE_ALERT_PROBE && i < q->h->contacts; i++) {
        const cslot_t *c = &q->c[(at + i) % q->h->contacts];
        if (c->key[0] && c->expires > now && !strcmp(c->key, key)) {
            *out = c->ctx;
            rv = APR_SUCCESS;
            break;
        }
    }
    unlock(q);
    return rv;
}

/* ---- throttle ------------------------------------------------------------------------ */

static int cmp_int(const void *a, const void *b)
{
    apr_int32_t x = *(const apr_int32_t *)a, y = *(const apr_int32_t *)b;
    return x < y ? -1 : x > y;
}

static apr_uint64_t hash_str(apr_uint64_t h, const char *s)
{
    /* the terminating NUL separates fields: "ab"+"c" is not "a"+"bc" */
    return sence_hash_more(h, s, strlen(s) + 1);
}

apr_uint64_t sence_alert_key(const sence_alert_t *a)
{
    apr_int32_t kind = a->kind, linea = a->linea;
    apr_uint64_t h = sence_hash(&kind, sizeof(kind), 0x7410);
    apr_int32_t codes[SENCE_MAX_CODES];
    apr_size_t n = a->ncodes <= 0                ? 0
                   : a->ncodes > SENCE_MAX_CODES ? SENCE_MAX_CODES
                                                 : (apr_size_t)a->ncodes;

    h = hash_str(h, a->run[0] ? a->run : a->subject);
    h = hash_str(h, a->cod_sence);
    h = hash_str(h, a->codigo_curso);
    h = sence_hash_more(h, &linea, sizeof(linea));
    h = hash_str(h, a->ctx.site);
    h = hash_str(h, a->ctx.recipients); /* another audience is another alert */
    memcpy(codes, a->codes, sizeof(codes[0]) * n);
    qsort(codes, n, sizeof(codes[0]), cmp_int);
    h = sence_hash_more(h, codes, sizeof(codes[0]) * n);
    return h ? h : 1;
}

/* Under the lock. 1: a goes, *held being what the window before it held back; 0: held. */
static int throttle(sence_alertq_t *q, apr_uint64_t key, apr_interval_time_t window, apr_time_t now,
                    apr_uint32_t *held)
{
    apr_uint32_t i, at = (apr_uint32_t)(key % SENCE_ALERT_THROTTLE_SLOTS), pick = at;
    apr_time_t oldest = 0;

    *held = 0;
    if (window <= 0)
        return 1;
    for (i = 0; i < SENCE_ALERT_PROBE; i++) {
        tslot_t *t = &q->t[(at + i) % SENCE_ALERT_THROTTLE_SLOTS];
        if (t->key == key) {
            if (t->until > now) {
                t->held++;
                return 0;
            }
            *held = t->held;
            pick = (at + i) % SENCE_ALERT_THROTTLE_SLOTS;
            break;
        }
        if (i == 0 || t->until < oldest) {
            oldest = t->until;
            pick = (at + i) % SENCE_ALERT_THROTTLE_SLOTS;
        }
    }
    q->t[pick].key = key;
    q->t[pick].until = now + window;
    q->t[pick].held = 0;
    return 1;
}

/* ---- queue --------------------------------------------------------------------------- */

apr_status_t sence_alertq_put(sence_alertq_t *q, const sence_alert_t *a, apr_time_t now,
                              sence_alert_t *dropped)
{
    apr_uint32_t i, held, pick = SENCE_ALERT_QUEUE, oldest = SENCE_ALERT_QUEUE;
    apr_uint64_t key = sence_alert_key(a);
    apr_status_t rv;

    if ((rv = lock(q)) != APR_SUCCESS)
        return rv;
    if (!throttle(q, key, a->ctx.throttle, now, &held)) {
        q->h->throttled++;
        unlock(q);
        return APR_EAGAIN;
    }
    for (i = 0; i < SENCE_ALERT_QUEUE && pick == SENCE_ALERT_QUEUE; i++) {
        if (q->q[i].state == SLOT_FREE)
            pick = i;
        else if (q->q[i].state == SLOT_QUEUED &&
                 (oldest == SENCE_ALERT_QUEUE || q->q[i].seq < q->q[oldest].seq))
            oldest = i;
    }
    rv = APR_SUCCESS;
    if (pick == SENCE_ALERT_QUEUE) {
        if (oldest == SENCE_ALERT_QUEUE) { /* cannot happen with one sender */
            unlock(q);
            return APR_ENOSPC;
        }
        if (dropped)
            *dropped = q->q[oldest].a;
        q->h->dropped++;
        q->h->queued--;
        pick = oldest;
        rv = APR_ENOSPC;
    }
    q->q[pick].a = *a;
    q->q[pick].a.held += held;
    q->q[pick].state = SLOT_QUEUED;
    q->q[pick].tries = 0;
    q->q[pick].due = now;
    q->q[pick].seq = ++q->h->seq;
    q->h->queued++;
    unlock(q);
    return rv;
}

apr_status_t sence_alertq_take(sence_alertq_t *q, apr_time_t now, sence_alert_t *out,
                               apr_uint32_t *slot, apr_uint32_t *tries)
{
    apr_uint32_t i, pick = SENCE_ALERT_QUEUE;

    if (!q->h->queued || lock(q) != APR_SUCCESS)
        return APR_NOTFOUND;
    for (i = 0; i < SENCE_ALERT_QUEUE; i++)
        if (q->q[i].state == SLOT_QUEUED && q->q[i].due <= now &&
            (pick == SENCE_ALERT_QUEUE || q->q[i].seq < q->q[pick].seq))
            pick = i;
    if (pick == SENCE_ALERT_QUEUE) {
        unlock(q);
        return APR_NOTFOUND;
    }
    q->q[pick].state = SLOT_SENDING;
    *out = q->q[pick].a;
    *slot = pick;
    *tries = ++q->q[pick].tries;
    unlock(q);
    return APR_SUCCESS;
}

int sence_alert_backoff(apr_uint32_t tries)
{
    static const int wait[] = {5, 10, 20, 40, 80, 160, 300, 600, 900};

    return tries >= 1 && tries <= sizeof(wait) / sizeof(wait[0]) ? wait[tries - 1] : -1;
}

sence_alert_outcome_t sence_alertq_done(sence_alertq_t *q, apr_uint32_t slot,
                                        sence_alert_outcome_t how, apr_time_t now)
{
    qslot_t *s;

    if (slot >= SENCE_ALERT_QUEUE || lock(q) != APR_SUCCESS)
        return how;
    s = &q->q[slot];
    if (s->state != SLOT_SENDING) { /* dropped for room meanwhile: nothing of ours */
        unlock(q);
        return how;
    }
    if (how == SENCE_ALERT_RETRY && sence_alert_backoff(s->tries) < 0)
        how = SENCE_ALERT_FAILED;
    if (how == SENCE_ALERT_RETRY) {
        s->state = SLOT_QUEUED;
        s->due = now + apr_time_from_sec(sence_alert_backoff(s->tries));
    } else {
        s->state = SLOT_FREE;
        q->h->queued--;
        if (how == SENCE_ALERT_SENT)
            q->h->sent++;
        else
            q->h->failed++;
    }
    unlock(q);
    return how;
}

void sence_alertq_recover(sence_alertq_t *q)
{
    apr_uint32_t i;

    if (lock(q) != APR_SUCCESS)
        return;
    for (i = 0; i < SENCE_ALERT_QUEUE; i++)
        if (q->q[i].state == SLOT_SENDING)
            q->q[i].state = SLOT_QUEUED;
    unlock(q);
}

void sence_alertq_stats(sence_alertq_t *q, sence_alert_stats_t *out)
{
    /* plain reads: figures for the status page, each word read whole */
    out->queued = q->h->queued;
    out->capacity = SENCE_ALERT_QUEUE;
    out->contacts = q->h->contacts;
    out->sent = q->h->sent;
    out->failed = q->h->failed;
    out->throttled = q->h->throttled;
    out->dropped = q->h->dropped;
}

const char *sence_alert_kind_name(int kind)
{
    static const char *const names[SENCE_ALERT_KINDS] = {
        "none",    "start_error", "close_error", "login_abandoned", "no_run",
        "bad_run", "tampering",   "store_full",  "moodle_db_down",
    };
    return kind > 0 && kind < SENCE_ALERT_KINDS ? names[kind] : "unknown";
}
