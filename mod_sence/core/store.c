/* The store interface's dispatch, and the rules every backend shares. */
#include "store.h"

#include <string.h>

void sence_store_on_drop(sence_store_t *s, sence_store_drop_fn *fn, void *baton)
{
    s->on_drop = fn;
    s->baton = baton;
}

apr_status_t sence_store_put(sence_store_t *s, sence_kind_t kind, sence_record_t *rec,
                             apr_time_t now)
{
    return s->ops->put(s, kind, rec, now);
}

apr_status_t sence_store_get(sence_store_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                             sence_record_t *out)
{
    return s->ops->get(s, kind, id, now, out, 0);
}

apr_status_t sence_store_get_head(sence_store_t *s, sence_kind_t kind, const char *id,
                                  apr_time_t now, sence_record_t *out)
{
    return s->ops->get(s, kind, id, now, out, 1);
}

apr_status_t sence_store_take(sence_store_t *s, sence_kind_t kind, const char *id, apr_time_t now,
                              sence_record_t *out)
{
    return s->ops->take(s, kind, id, now, out);
}

apr_status_t sence_store_clear_flag(sence_store_t *s, sence_kind_t kind, const char *id,
                                    apr_uint32_t flag)
{
    return s->ops->clear_flag(s, kind, id, flag);
}

apr_status_t sence_store_remove(sence_store_t *s, sence_kind_t kind, const char *id)
{
    return s->ops->remove(s, kind, id);
}

void sence_store_stats(sence_store_t *s, sence_store_stats_t *out)
{
    s->ops->stats(s, out);
}

void sence_store_walk(sence_store_t *s, sence_kind_t kind, apr_time_t now, sence_store_walk_fn *fn,
                      void *baton)
{
    if (s->ops->walk)
        s->ops->walk(s, kind, now, fn, baton);
}

void sence_store_sweep(sence_store_t *s, apr_time_t now, apr_interval_time_t every)
{
    if (s->ops->sweep)
        s->ops->sweep(s, now, every);
}

const char *sence_store_owner(const sence_record_t *r, apr_size_t *len)
{
    const char *colon;

    if (!r->subject[0]) {
        *len = strlen(r->run);
        return r->run;
    }
    colon = strchr(r->subject, ':');
    colon = colon ? strchr(colon + 1, ':') : NULL;
    *len = colon ? (apr_size_t)(colon - r->subject) : strlen(r->subject);
    return r->subject;
}

int sence_store_same_owner(const sence_record_t *a, const sence_record_t *b)
{
    apr_size_t la, lb;
    const char *ka = sence_store_owner(a, &la), *kb = sence_store_owner(b, &lb);

    return !a->subject[0] == !b->subject[0] && la == lb && memcmp(ka, kb, la) == 0;
}

int sence_store_same_course(const sence_record_t *a, const sence_record_t *b)
{
    return strcmp(a->cod_sence, b->cod_sence) == 0 &&
           strcmp(a->codigo_curso, b->codigo_curso) == 0 && a->linea == b->linea &&
           a->issuer == b->issuer;
}

apr_uint64_t sence_issuer(const char *public_url)
{
    apr_uint64_t h;

    if (!public_url || !*public_url)
        return 0;
    h = sence_hash(public_url, strlen(public_url), APR_UINT64_C(0x6973737565720000));
    return h ? h : 1;
}
