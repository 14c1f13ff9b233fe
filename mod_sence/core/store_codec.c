/* Records and participant indexes as key-value values (see store_codec.h). */
#include "store_codec.h"

#include <string.h>

#define RECORD_MAGIC "SNR1"
#define INDEX_MAGIC "SNX1"

typedef struct {
    unsigned char *p;
    unsigned int n;
} wbuf_t;

typedef struct {
    const unsigned char *p;
    unsigned int n, at;
    int bad;
} rbuf_t;

static void put_bytes(wbuf_t *w, const void *data, unsigned int len)
{
    memcpy(w->p + w->n, data, len);
    w->n += len;
}

static void put_u64(wbuf_t *w, apr_uint64_t v)
{
    unsigned char b[8];
    int i;

    for (i = 7; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)(v & 0xff);
    put_bytes(w, b, 8);
}

static void put_u32(wbuf_t *w, apr_uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put_bytes(w, b, 4);
}

/* A string of at most max bytes (the field's size less its NUL): a 2-byte length, then it. */
static void put_str(wbuf_t *w, const char *s, apr_size_t max)
{
    apr_size_t len = strnlen(s, max);
    unsigned char b[2] = {(unsigned char)(len >> 8), (unsigned char)len};

    put_bytes(w, b, 2);
    put_bytes(w, s, (unsigned int)len);
}

static const unsigned char *take(rbuf_t *r, unsigned int len)
{
    const unsigned char *at = r->p + r->at;

    if (r->bad || len > r->n - r->at) {
        r->bad = 1;
        return NULL;
    }
    r->at += len;
    return at;
}

static apr_uint64_t get_u64(rbuf_t *r)
{
    const unsigned char *b = take(r, 8);
    apr_uint64_t v = 0;
    int i;

    for (i = 0; b && i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

static apr_uint32_t get_u32(rbuf_t *r)
{
    const unsigned char *b = take(r, 4);
    return b ? ((apr_uint32_t)b[0] << 24) | ((apr_uint32_t)b[1] << 16) | ((apr_uint32_t)b[2] << 8) |
                   b[3]
             : 0;
}

/* Into a field of size bytes: a string shorter than the field, with no NUL inside. */
static void get_str(rbuf_t *r, char *field, apr_size_t size)
{
    const unsigned char *b = take(r, 2), *s;
    unsigned int len = b ? ((unsigned int)b[0] << 8) | b[1] : 0;

    field[0] = '\0';
    if (!b || len >= size || !(s = take(r, len)) || memchr(s, '\0', len)) {
        r->bad = 1;
        return;
    }
    memcpy(field, s, len);
    field[len] = '\0';
}

#define PUT_STR(w, rec, f) put_str(w, (rec)->f, sizeof((rec)->f) - 1)
#define GET_STR(r, rec, f) get_str(r, (rec)->f, sizeof((rec)->f))

unsigned int sence_codec_record_put(const sence_record_t *rec, sence_kind_t kind,
                                    unsigned char *buf)
{
    wbuf_t w = {buf, 0};
    unsigned char k = (unsigned char)kind;

    put_bytes(&w, RECORD_MAGIC, 4);
    put_bytes(&w, &k, 1);
    PUT_STR(&w, rec, id);
    PUT_STR(&w, rec, run);
    PUT_STR(&w, rec, subject);
    PUT_STR(&w, rec, cod_sence);
    PUT_STR(&w, rec, codigo_curso);
    put_u32(&w, (apr_uint32_t)rec->linea);
    put_u32(&w, rec->flags);
    put_u64(&w, (apr_uint64_t)rec->created);
    put_u64(&w, (apr_uint64_t)rec->expires);
    put_u64(&w, (apr_uint64_t)rec->lifetime);
    put_u64(&w, rec->issuer);
    PUT_STR(&w, rec, id_sence);
    PUT_STR(&w, rec, fecha_hora);
    PUT_STR(&w, rec, zona);
    PUT_STR(&w, rec, url);
    PUT_STR(&w, rec, ref);
    return w.n;
}

int sence_codec_record_get(const unsigned char *buf, unsigned int len, sence_kind_t kind,
                           const char *id, sence_record_t *rec)
{
    rbuf_t r = {buf, len, 0, 0};
    const unsigned char *m = take(&r, 4), *k = take(&r, 1);

    memset(rec, 0, sizeof(*rec));
    if (!m || memcmp(m, RECORD_MAGIC, 4) != 0 || !k || *k != (unsigned char)kind)
        return 0;
    GET_STR(&r, rec, id);
    GET_STR(&r, rec, run);
    GET_STR(&r, rec, subject);
    GET_STR(&r, rec, cod_sence);
    GET_STR(&r, rec, codigo_curso);
    rec->linea = (int)get_u32(&r);
    rec->flags = get_u32(&r);
    rec->created = (apr_time_t)get_u64(&r);
    rec->expires = (apr_time_t)get_u64(&r);
    rec->lifetime = (apr_interval_time_t)get_u64(&r);
    rec->issuer = get_u64(&r);
    GET_STR(&r, rec, id_sence);
    GET_STR(&r, rec, fecha_hora);
    GET_STR(&r, rec, zona);
    GET_STR(&r, rec, url);
    GET_STR(&r, rec, ref);
    if (r.bad || r.at != len || !sence_id_wellformed(rec->id) || !sence_ct_equal(rec->id, id)) {
        memset(rec, 0, sizeof(*rec));
        return 0;
    }
    return 1;
}

unsigned int sence_codec_index_put(const sence_codec_index_t *ix, unsigned char *buf)
{
    wbuf_t w = {buf, 0};
    unsigned char n = (unsigned char)ix->n;
    int i;

    put_bytes(&w, INDEX_MAGIC, 4);
    put_bytes(&w, &n, 1);
    for (i = 0; i < ix->n; i++) {
        unsigned char k = (unsigned char)ix->e[i].kind;
        put_bytes(&w, &k, 1);
        put_bytes(&w, ix->e[i].id, SENCE_ID_LEN);
        put_u64(&w, (apr_uint64_t)ix->e[i].created);
        put_u64(&w, (apr_uint64_t)ix->e[i].expires);
        put_u64(&w, ix->e[i].course);
    }
    return w.n;
}

int sence_codec_index_get(const unsigned char *buf, unsigned int len, sence_codec_index_t *ix)
{
    rbuf_t r = {buf, len, 0, 0};
    const unsigned char *m = take(&r, 4), *n = take(&r, 1);
    int i;

    ix->n = 0;
    if (!m || memcmp(m, INDEX_MAGIC, 4) != 0 || !n || *n > SENCE_CODEC_MAX_ENTRIES)
        return 0;
    for (i = 0; i < *n; i++) {
        sence_codec_entry_t *e = &ix->e[i];
        const unsigned char *k = take(&r, 1), *id = take(&r, SENCE_ID_LEN);
        if (!k || *k >= SENCE_KINDS || !id)
            break;
        e->kind = (sence_kind_t)*k;
        memcpy(e->id, id, SENCE_ID_LEN);
        e->id[SENCE_ID_LEN] = '\0';
        e->created = (apr_time_t)get_u64(&r);
        e->expires = (apr_time_t)get_u64(&r);
        e->course = get_u64(&r);
        if (!sence_id_wellformed(e->id))
            break;
    }
    if (i < *n || r.bad || r.at != len) {
        ix->n = 0;
        return 0;
    }
    ix->n = i;
    return 1;
}

apr_uint64_t sence_codec_course(const sence_record_t *rec)
{
    apr_uint64_t h = sence_hash(rec->cod_sence, strlen(rec->cod_sence), rec->issuer);
    unsigned char l[4] = {(unsigned char)(rec->linea >> 24), (unsigned char)(rec->linea >> 16),
                          (unsigned char)(rec->linea >> 8), (unsigned char)rec->linea};

    h = sence_hash_more(h, "\n", 1);
    h = sence_hash_more(h, rec->codigo_curso, strlen(rec->codigo_curso));
    return sence_hash_more(h, l, 4);
}
