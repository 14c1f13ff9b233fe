/* The shared backend (store_kv.h) over an in-memory key-value service two "servers" share,
 * each with its own local copy: single use across servers, the local copy's bound, one
 * report per expiry, the participant bounds, and failing closed when the service is down. */
#include "check.h"
#include "store_codec.h"
#include "store_kv.h"
#include "store_shm.h"

#include <apr_hash.h>
#include <apr_strings.h>

/* The service: values with an absolute expiry, and a switch that makes it unreachable the
 * way apr-util's clients report it (a miss for reads and deletes, a failed write). */
typedef struct {
    apr_pool_t *p;
    apr_hash_t *h;
    int down;
    int ops;
} fake_t;

typedef struct {
    unsigned int len;
    apr_time_t expiry;
    unsigned char data[SENCE_CODEC_MAX];
} value_t;

static apr_time_t clock_now; /* the service's idea of now (expiry of keys) */

static apr_status_t f_get(void *b, const char *key, unsigned char *buf, unsigned int *len)
{
    fake_t *f = b;
    value_t *v;

    f->ops++;
    if (f->down)
        return APR_NOTFOUND;
    v = apr_hash_get(f->h, key, APR_HASH_KEY_STRING);
    if (!v || v->expiry <= clock_now)
        return APR_NOTFOUND;
    if (v->len > *len)
        return APR_ENOMEM;
    memcpy(buf, v->data, v->len);
    *len = v->len;
    return APR_SUCCESS;
}

static apr_status_t f_set(void *b, const char *key, apr_time_t expiry, const unsigned char *data,
                          unsigned int len)
{
    fake_t *f = b;
    value_t *v;

    f->ops++;
    if (f->down)
        return APR_NOTFOUND;
    v = apr_hash_get(f->h, key, APR_HASH_KEY_STRING);
    if (!v) {
        v = apr_pcalloc(f->p, sizeof(*v));
        apr_hash_set(f->h, apr_pstrdup(f->p, key), APR_HASH_KEY_STRING, v);
    }
    memcpy(v->data, data, len);
    v->len = len;
    v->expiry = expiry;
    return APR_SUCCESS;
}

static apr_status_t f_del(void *b, const char *key)
{
    fake_t *f = b;
    value_t *v;

    f->ops++;
    if (f->down)
        return APR_NOTFOUND;
    v = apr_hash_get(f->h, key, APR_HASH_KEY_STRING);
    if (!v || v->expiry <= clock_now)
        return APR_NOTFOUND;
    apr_hash_set(f->h, key, APR_HASH_KEY_STRING, NULL);
    return APR_SUCCESS;
}

/* What a server's journal would hear. */
typedef struct {
    int expired, replaced, evicted;
    sence_record_t last;
} heard_t;

static void heard(void *baton, sence_kind_t kind, sence_drop_why_t why, const sence_record_t *rec)
{
    heard_t *h = baton;
    (void)kind;
    if (why == SENCE_DROP_EXPIRED)
        h->expired++;
    else if (why == SENCE_DROP_REPLACED)
        h->replaced++;
    else
        h->evicted++;
    h->last = *rec;
}

typedef struct {
    sence_store_t *st;
    heard_t heard;
    sence_kv_shared_t shared;
} server_t;

static void server(apr_pool_t *p, server_t *s, fake_t *f, apr_uint32_t cap,
                   apr_interval_time_t bound)
{
    sence_kv_t kv = {f_get, f_set, f_del, f};
    sence_store_t *local =
        sence_shm_store_format(p, apr_pcalloc(p, sence_shm_store_bytes(cap)), cap, NULL);

    memset(s, 0, sizeof(*s));
    s->st = sence_kv_store_create(p, &kv, local, bound, sence_kv_shared_attach(&s->shared));
    sence_store_on_drop(s->st, heard, &s->heard);
}

static sence_record_t rec_of(const char *subject, const char *course, apr_time_t now,
                             apr_interval_time_t ttl)
{
    sence_record_t r;
    memset(&r, 0, sizeof(r));
    strcpy(r.run, "12345678-5");
    strcpy(r.subject, subject);
    strcpy(r.cod_sence, "1234567890");
    strcpy(r.codigo_curso, course);
    r.linea = 3;
    r.issuer = 7;
    strcpy(r.url, "/curso/ver.php?id=4");
    r.created = now;
    r.expires = now + ttl;
    return r;
}

static fake_t *fake(apr_pool_t *p)
{
    fake_t *f = apr_pcalloc(p, sizeof(*f));
    f->p = p;
    f->h = apr_hash_make(p);
    return f;
}

#define SEC(n) apr_time_from_sec(n)

static void across_servers(apr_pool_t *p)
{
    fake_t *f = fake(p);
    server_t a, b;
    apr_time_t now = clock_now = SEC(1000);
    sence_record_t r = rec_of("moodle:42:alice", "CUR-1", now, SEC(60)), out, s;

    server(p, &a, f, 64, SEC(5));
    server(p, &b, f, 64, SEC(5));
    /* a login attempt made on A is taken once, on B; A cannot take it again */
    CHECK(sence_store_put(a.st, SENCE_KIND_ATTEMPT, &r, now) == APR_SUCCESS);
    CHECK(sence_store_take(b.st, SENCE_KIND_ATTEMPT, r.id, now, &out) == APR_SUCCESS);
    CHECK_STR(out.url, "/curso/ver.php?id=4");
    CHECK_STR(out.subject, "moodle:42:alice");
    CHECK(sence_store_take(a.st, SENCE_KIND_ATTEMPT, r.id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_take(b.st, SENCE_KIND_ATTEMPT, r.id, now, &out) == APR_NOTFOUND);
    /* the session B made is seen on A */
    s = rec_of("moodle:42:alice", "CUR-1", now, SEC(60));
    s.flags = SENCE_FLAG_NOTICE;
    CHECK(sence_store_put(b.st, SENCE_KIND_SESSION, &s, now) == APR_SUCCESS);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now, &out) == APR_SUCCESS);
    CHECK_STR(out.run, "12345678-5");
    CHECK(out.flags & SENCE_FLAG_NOTICE);
    /* the notice flag clears for the cluster */
    CHECK(sence_store_clear_flag(a.st, SENCE_KIND_SESSION, s.id, SENCE_FLAG_NOTICE) == APR_SUCCESS);
    CHECK(sence_store_clear_flag(b.st, SENCE_KIND_SESSION, s.id, SENCE_FLAG_NOTICE) ==
          APR_NOTFOUND);
    /* read again on A, without the flag */
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now, &out) == APR_SUCCESS);
    CHECK(!(out.flags & SENCE_FLAG_NOTICE));
    /* A's copy answers within the bound without asking the service */
    f->ops = 0;
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(4), &out) == APR_SUCCESS);
    CHECK(f->ops == 0);
    CHECK(a.shared.hits == 1);
    /* closed on B: A still honours its copy within the bound, not after */
    CHECK(sence_store_remove(b.st, SENCE_KIND_SESSION, s.id) == APR_SUCCESS);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(4), &out) == APR_SUCCESS);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(6), &out) == APR_NOTFOUND);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(6), &out) == APR_NOTFOUND);
    CHECK(a.heard.expired + b.heard.expired == 0);
}

static void without_cache(apr_pool_t *p)
{
    fake_t *f = fake(p);
    server_t a, b;
    apr_time_t now = clock_now = SEC(1000);
    sence_record_t s = rec_of("", "CUR-1", now, SEC(60)), out;

    server(p, &a, f, 64, 0);
    server(p, &b, f, 64, 0);
    CHECK(sence_store_put(a.st, SENCE_KIND_SESSION, &s, now) == APR_SUCCESS);
    f->ops = 0;
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now, &out) == APR_SUCCESS);
    CHECK(f->ops == 1); /* asked the service */
    CHECK(sence_store_remove(b.st, SENCE_KIND_SESSION, s.id) == APR_SUCCESS);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now, &out) == APR_NOTFOUND);
}

static void expiry_once(apr_pool_t *p)
{
    fake_t *f = fake(p);
    server_t a, b;
    apr_time_t now = clock_now = SEC(1000);
    sence_record_t s = rec_of("moodle:7:bob", "CUR-2", now, SEC(30)), t, out;

    server(p, &a, f, 64, SEC(5));
    server(p, &b, f, 64, SEC(5));
    CHECK(sence_store_put(a.st, SENCE_KIND_SESSION, &s, now) == APR_SUCCESS);
    CHECK(sence_store_get(b.st, SENCE_KIND_SESSION, s.id, now, &out) == APR_SUCCESS);
    /* an abandoned login attempt, known to A only */
    t = rec_of("moodle:7:bob", "CUR-2", now, SEC(10));
    CHECK(sence_store_put(a.st, SENCE_KIND_ATTEMPT, &t, now) == APR_SUCCESS);
    /* both servers sweep after the expiry; the service still holds the keys (grace) */
    clock_now = now + SEC(31);
    sence_store_sweep(b.st, now + SEC(31), 0);
    sence_store_sweep(a.st, now + SEC(31), 0);
    sence_store_sweep(b.st, now + SEC(32), 0);
    CHECK(a.heard.expired + b.heard.expired == 2); /* the session once, the attempt once */
    CHECK(b.heard.expired == 1);                   /* B swept first: it claimed the session */
    CHECK(a.shared.expired[SENCE_KIND_ATTEMPT] == 1);
    CHECK(sence_store_get(a.st, SENCE_KIND_SESSION, s.id, now + SEC(33), &out) == APR_NOTFOUND);
    /* a lookup after the expiry, before any sweep, reports it once too */
    s = rec_of("moodle:8:carol", "CUR-2", now, SEC(30));
    CHECK(sence_store_put(a.st, SENCE_KIND_SESSION, &s, now) == APR_SUCCESS);
    a.heard.expired = b.heard.expired = 0;
    CHECK(sence_store_get(b.st, SENCE_KIND_SESSION, s.id, now + SEC(31), &out) == APR_TIMEUP);
    sence_store_sweep(a.st, now + SEC(31), 0);
    CHECK(a.heard.expired + b.heard.expired == 1);
    /* a taken attempt is never reported as expired */
    t = rec_of("moodle:9:dan", "CUR-2", now, SEC(10));
    CHECK(sence_store_put(a.st, SENCE_KIND_ATTEMPT, &t, now) == APR_SUCCESS);
    CHECK(sence_store_take(b.st, SENCE_KIND_ATTEMPT, t.id, now, &out) == APR_SUCCESS);
    a.heard.expired = b.heard.expired = 0;
    sence_store_sweep(a.st, now + SEC(11), 0);
    CHECK(a.heard.expired == 0);
}

static void bounds(apr_pool_t *p)
{
    fake_t *f = fake(p);
    server_t a, b;
    apr_time_t now = clock_now = SEC(1000);
    sence_record_t s1 = rec_of("moodle:5:eve", "CUR-3", now, SEC(600)), s2, o, out;
    sence_record_t att[SENCE_MAX_PENDING + 2];
    int i;

    server(p, &a, f, 64, SEC(5));
    server(p, &b, f, 64, SEC(5));
    /* a new session of the same course, made on another server, replaces the old one */
    CHECK(sence_store_put(a.st, SENCE_KIND_SESSION, &s1, now) == APR_SUCCESS);
    s2 = rec_of("moodle:5:eve-login2", "CUR-3", now + SEC(1), SEC(600));
    CHECK(sence_store_put(b.st, SENCE_KIND_SESSION, &s2, now + SEC(1)) == APR_SUCCESS);
    CHECK(b.heard.replaced == 1);
    CHECK_STR(b.heard.last.id, s1.id);
    CHECK(sence_store_get(b.st, SENCE_KIND_SESSION, s1.id, now + SEC(1), &out) == APR_NOTFOUND);
    /* another participant's session of that course is not touched */
    o = rec_of("moodle:6:frank", "CUR-3", now, SEC(600));
    CHECK(sence_store_put(a.st, SENCE_KIND_SESSION, &o, now + SEC(2)) == APR_SUCCESS);
    CHECK(sence_store_get(b.st, SENCE_KIND_SESSION, s2.id, now + SEC(2), &out) == APR_SUCCESS);
    /* beyond SENCE_MAX_PENDING attempts, the participant's oldest goes */
    b.heard.replaced = 0;
    for (i = 0; i < SENCE_MAX_PENDING + 2; i++) {
        att[i] = rec_of("moodle:5:eve", "CUR-3", now + SEC(3 + i), SEC(600));
        CHECK(sence_store_put(i % 2 ? a.st : b.st, SENCE_KIND_ATTEMPT, &att[i], now + SEC(3 + i)) ==
              APR_SUCCESS);
    }
    CHECK(a.heard.replaced + b.heard.replaced == 2);
    CHECK(sence_store_take(a.st, SENCE_KIND_ATTEMPT, att[0].id, now + SEC(10), &out) ==
          APR_NOTFOUND);
    CHECK(sence_store_take(a.st, SENCE_KIND_ATTEMPT, att[1].id, now + SEC(10), &out) ==
          APR_NOTFOUND);
    CHECK(sence_store_take(a.st, SENCE_KIND_ATTEMPT, att[2].id, now + SEC(10), &out) ==
          APR_SUCCESS);
    CHECK(sence_store_take(b.st, SENCE_KIND_ATTEMPT, att[5].id, now + SEC(10), &out) ==
          APR_SUCCESS);
}

static void down(apr_pool_t *p)
{
    fake_t *f = fake(p);
    server_t a;
    apr_time_t now = clock_now = SEC(1000);
    sence_record_t s = rec_of("moodle:3:gil", "CUR-4", now, SEC(600)), t, out;

    server(p, &a, f, 64, SEC(5));
    CHECK(sence_store_put(a.st, SENCE_KIND_SESSION, &s, now) == APR_SUCCESS);
    f->down = 1;
    /* the copy within its bound keeps passing; beyond it, the store is down, not "no
     * session" */
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(4), &out) == APR_SUCCESS);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(6), &out) ==
          SENCE_STORE_EDOWN);
    CHECK(a.shared.down == 1);
    t = s;
    CHECK(sence_store_put(a.st, SENCE_KIND_ATTEMPT, &t, now) == SENCE_STORE_EDOWN);
    CHECK(sence_store_take(a.st, SENCE_KIND_ATTEMPT, s.id, now, &out) == SENCE_STORE_EDOWN);
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, "AAAAAAAAAAAAAAAAAAAAAAAA", now, &out) ==
              SENCE_STORE_EDOWN ||
          !sence_id_wellformed("AAAAAAAAAAAAAAAAAAAAAAAA"));
    CHECK(sence_kv_store_probe(a.st) == SENCE_STORE_EDOWN);
    CHECK(a.shared.errors > 0);
    /* back: the session is there again, and the state says so */
    f->down = 0;
    CHECK(sence_store_get_head(a.st, SENCE_KIND_SESSION, s.id, now + SEC(7), &out) == APR_SUCCESS);
    CHECK(a.shared.down == 0);
    CHECK(sence_kv_store_probe(a.st) == APR_SUCCESS);
}

static void codec(void)
{
    unsigned char buf[SENCE_CODEC_MAX];
    sence_record_t r = rec_of("moodle:1:x", "CUR-5", SEC(5), SEC(60)), out;
    sence_codec_index_t ix, back;
    unsigned int n, i;

    memset(r.url, 'u', sizeof(r.url) - 1);
    memset(r.id_sence, 'i', sizeof(r.id_sence) - 1);
    CHECK(sence_id_new(r.id) == APR_SUCCESS);
    n = sence_codec_record_put(&r, SENCE_KIND_SESSION, buf);
    CHECK(n <= SENCE_CODEC_MAX);
    CHECK(sence_codec_record_get(buf, n, SENCE_KIND_SESSION, r.id, &out) == 1);
    CHECK(memcmp(&r, &out, sizeof(r)) == 0);
    /* another kind, another id, a short or long value, a flipped length: not a record */
    CHECK(sence_codec_record_get(buf, n, SENCE_KIND_ATTEMPT, r.id, &out) == 0);
    CHECK(sence_codec_record_get(buf, n, SENCE_KIND_SESSION, "BBBBBBBBBBBBBBBBBBBBBBBB", &out) ==
          0);
    for (i = 0; i < n; i += 7)
        CHECK(sence_codec_record_get(buf, i, SENCE_KIND_SESSION, r.id, &out) == 0);
    CHECK(sence_codec_record_get(buf, n + 1, SENCE_KIND_SESSION, r.id, &out) == 0);
    buf[5] = 0xff; /* the id's length */
    CHECK(sence_codec_record_get(buf, n, SENCE_KIND_SESSION, r.id, &out) == 0);
    /* an index */
    memset(&ix, 0, sizeof(ix));
    ix.n = 3;
    for (i = 0; i < 3; i++) {
        ix.e[i].kind = i ? SENCE_KIND_ATTEMPT : SENCE_KIND_SESSION;
        sence_id_new(ix.e[i].id);
        ix.e[i].created = SEC(i);
        ix.e[i].expires = SEC(100 + i);
        ix.e[i].course = 99 + i;
    }
    n = sence_codec_index_put(&ix, buf);
    CHECK(sence_codec_index_get(buf, n, &back) == 1);
    CHECK(back.n == 3 && back.e[2].course == 101 && back.e[1].expires == SEC(101));
    CHECK_STR(back.e[2].id, ix.e[2].id);
    CHECK(sence_codec_index_get(buf, n - 1, &back) == 0 && back.n == 0);
    CHECK(sence_codec_record_get(buf, n, SENCE_KIND_SESSION, r.id, &out) == 0);
}

int main(void)
{
    apr_pool_t *p;

    apr_initialize();
    apr_pool_create(&p, NULL);
    codec();
    across_servers(p);
    without_cache(p);
    expiry_once(p);
    bounds(p);
    down(p);
    return check_done("store_kv");
}
