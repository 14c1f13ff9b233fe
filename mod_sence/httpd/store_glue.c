/* The store's life across httpd generations, and its shared-memory backend's segment. */
#include "sence_module.h"
#include "store_glue.h"
#include "store_shm.h"
#include "store_socache.h"

#include <ap_provider.h>
#include <apr_shm.h>
#include <util_mutex.h>

#define RETAINED_KEY "mod_sence-store"
#define MUTEX_TYPE "sence-store"
/* A key of its own rather than a field of retained_t: a graceful restart into a module
 * version with a larger retained_t would read past the block the old version made. */
#define CREATED_KEY "mod_sence-store-created"
/* The shared store's counters (store_kv.h), retained like the status counters. */
#define KV_KEY "mod_sence-store-kv"

/* Retained in the process pool, so it survives graceful and full restarts of httpd. */
typedef struct {
    apr_shm_t *shm;
    apr_global_mutex_t *mutex;
    apr_uint32_t capacity;
    apr_shm_t *counters;
} retained_t;

static retained_t *retained;
static apr_shm_t **kv_shm; /* retained */
static sence_kv_t kv;      /* this generation's shared store, kv.get NULL without one */
static sence_kv_shared_t *kv_shared;
static apr_interval_time_t kv_bound;
static sence_store_t *store;
static sence_counters_t *counters;
static apr_time_t *created; /* retained: when the segment in use was created */
static apr_time_t loaded;   /* when this generation's post_config ran */

sence_store_t *sence_store(void)
{
    return store;
}

sence_counters_t *sence_counters(void)
{
    return counters;
}

apr_time_t sence_store_created(void)
{
    return created ? *created : 0;
}

apr_time_t sence_generation_loaded(void)
{
    return loaded;
}

static apr_status_t create_segment(server_rec *s, apr_uint32_t capacity)
{
    apr_pool_t *pp = s->process->pool;
    apr_status_t rv;

    rv = apr_shm_create(&retained->shm, sence_shm_store_bytes(capacity), NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(1010) "cannot create shared memory for %u sessions; lower "
                                "SenceSessionCacheSize",
                     capacity);
        return rv;
    }
    rv = ap_global_mutex_create(&retained->mutex, NULL, MUTEX_TYPE, NULL, s, pp, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(1011) "cannot create the store mutex; see the Mutex directive");
        return rv;
    }
    if (!sence_shm_store_format(pp, apr_shm_baseaddr_get(retained->shm), capacity, retained->mutex))
        return APR_EGENERAL;
    retained->capacity = capacity;
    *created = apr_time_now();
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 SLOG(1012) "session store created: %u records, %" APR_SIZE_T_FMT " bytes",
                 capacity, sence_shm_store_bytes(capacity));
    return APR_SUCCESS;
}

static sence_store_t *shm_create(apr_pool_t *pconf, server_rec *s, apr_uint32_t capacity)
{
    sence_store_t *st = NULL;

    if (retained->shm && capacity != retained->capacity)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SLOG(1013) "SenceSessionCacheSize changed from %u to %u: the live store "
                                "keeps %u records until httpd is stopped and started",
                     retained->capacity, capacity, retained->capacity);
    if (retained->shm)
        st = sence_shm_store_attach(pconf, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    if (retained->shm && !st)
        /* A new module version with another record layout: old children may still use the
         * old segment, so it is left alone (freed at stop) and a new one starts empty. */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SLOG(1014) "the retained session store has another layout (module "
                                "upgraded?): starting an empty store; participants start "
                                "their SENCE session again");
    if (!st) {
        if (create_segment(s, capacity) != APR_SUCCESS)
            return NULL;
        st = sence_shm_store_attach(pconf, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    }
    return st;
}

static sence_store_t *shm_child_init(apr_pool_t *pchild, server_rec *s, sence_store_t *st)
{
    apr_status_t rv;

    (void)st;
    rv = apr_global_mutex_child_init(&retained->mutex, apr_global_mutex_lockfile(retained->mutex),
                                     pchild);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SLOG(1015) "cannot attach the store mutex");
    return sence_shm_store_attach(pchild, apr_shm_baseaddr_get(retained->shm), retained->mutex);
}

static const sence_store_backend_t shm_backend = {shm_create, shm_child_init};

void sence_store_register(apr_pool_t *p)
{
    ap_register_provider(p, SENCE_STORE_PROVIDER, "shm", "0", &shm_backend);
}

int sence_store_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static sence_store_t *local_of(sence_store_t *st)
{
    return kv.get ? sence_kv_store_local(st) : st;
}

/* With SenceSessionStore naming a provider, the table just made becomes the local copy of
 * the shared store. */
static int shared_post_config(apr_pool_t *pconf, server_rec *s)
{
    const char *name, *args;
    apr_status_t rv;

    sence_socache_configured(&name, &args, &kv_bound);
    if (sence_socache_init(pconf, s, &kv) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (!kv.get)
        return OK;
    kv_shm = ap_retained_data_get(KV_KEY);
    if (!kv_shm) {
        kv_shm = ap_retained_data_create(KV_KEY, sizeof(*kv_shm));
        *kv_shm = NULL;
    }
    if (!*kv_shm && (rv = apr_shm_create(kv_shm, sizeof(sence_kv_shared_t), NULL,
                                         s->process->pool)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(1010) "cannot create shared memory for the shared store's counters");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    kv_shared = sence_kv_shared_attach(apr_shm_baseaddr_get(*kv_shm));
    store = sence_kv_store_create(pconf, &kv, store, kv_bound, kv_shared);
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 SLOG(1022) "session store: %s:%s, with a local copy trusted for %" APR_TIME_T_FMT
                            " ms",
                 name, args, apr_time_as_msec(kv_bound));
    return OK;
}

static const sence_store_backend_t *backend(void)
{
    return ap_lookup_provider(SENCE_STORE_PROVIDER, "shm", "0");
}

int sence_store_post_config(apr_pool_t *pconf, server_rec *s)
{
    sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
    apr_uint32_t capacity =
        sc->cache_size > 0 ? (apr_uint32_t)sc->cache_size : SENCE_DEFAULT_CACHE_SIZE;
    apr_status_t rv;

    store = NULL;
    counters = NULL;
    loaded = apr_time_now();
    retained = ap_retained_data_get(RETAINED_KEY);
    if (!retained)
        retained = ap_retained_data_create(RETAINED_KEY, sizeof(*retained));
    if (!retained->counters && (rv = apr_shm_create(&retained->counters, sizeof(sence_counters_t),
                                                    NULL, s->process->pool)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(1010) "cannot create shared memory for the status counters");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    counters = sence_counters_attach(apr_shm_baseaddr_get(retained->counters));
    created = ap_retained_data_get(CREATED_KEY);
    if (!created) {
        /* first start, or a store retained by a module version that did not note it */
        created = ap_retained_data_create(CREATED_KEY, sizeof(*created));
        *created = apr_time_now();
    }
    store = backend()->create(pconf, s, capacity);
    if (!store)
        return HTTP_INTERNAL_SERVER_ERROR;
    return shared_post_config(pconf, s);
}

void sence_store_child_init(apr_pool_t *pchild, server_rec *s)
{
    if (!retained || !store)
        return;
    store = backend()->child_init(pchild, s, local_of(store));
    if (store && kv.get)
        store = sence_kv_store_create(pchild, &kv, store, kv_bound, kv_shared);
}

sence_store_t *sence_store_local(void)
{
    return store && kv.get ? local_of(store) : store;
}

int sence_store_shared(void)
{
    return store && kv.get;
}
