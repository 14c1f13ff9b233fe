/* SenceSessionStore over an Apache socache provider (see store_socache.h). */
#include "sence_module.h"
#include "store_socache.h"
#include "config.h"

#include <ap_socache.h>
#include <apr_strings.h>
#include <http_log.h>
#include <http_main.h>

/* The consumer name socache providers put before every key. */
#define CNAME "mod_sence"

static sence_store_conf_t *conf_of(cmd_parms *cmd)
{
    sence_srv_conf_t *sc = ap_get_module_config(cmd->server->module_config, &sence_module);
    return &sc->store;
}

/* The main server's: the directives are global. */
static sence_store_conf_t *main_conf(void)
{
    sence_srv_conf_t *sc = ap_get_module_config(ap_server_conf->module_config, &sence_module);
    return &sc->store;
}

const char *sence_store_set_backend(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *colon = strchr(arg, ':');
    const char *name = colon ? apr_pstrndup(cmd->pool, arg, (apr_size_t)(colon - arg)) : arg;
    const char *args = colon ? colon + 1 : NULL;
    const ap_socache_provider_t *prov;
    sence_store_conf_t *cfg = conf_of(cmd);

    (void)dv;
    if (err)
        return err;
    if (strcmp(name, "shm") == 0 && !args) {
        cfg->provider = NULL;
        cfg->name = NULL;
        return NULL;
    }
    if (!*name || (args && !*args))
        return sence_cmd_fail(cmd, "expected shm, or a socache provider and its servers, e.g. "
                                   "redis:10.0.0.5:6379 or memcache:10.0.0.5:11211,10.0.0.6:11211");
    prov = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!prov)
        return sence_cmd_fail(cmd,
                              apr_psprintf(cmd->pool,
                                           "no socache provider '%s' is loaded; add \"LoadModule "
                                           "socache_%s_module modules/mod_socache_%s.so\" (Debian: "
                                           "a2enmod socache_%s)",
                                           name, name, name, name));
    if (prov->flags & AP_SOCACHE_FLAG_NOTMPSAFE)
        return sence_cmd_fail(cmd,
                              apr_psprintf(cmd->pool,
                                           "the '%s' provider keeps its data on this machine only; "
                                           "use shm (the default) for one server, or a network "
                                           "provider such as redis or memcache for several",
                                           name));
    if (!args)
        return sence_cmd_fail(
            cmd, apr_psprintf(cmd->pool, "name the %s servers, e.g. %s:10.0.0.5:%s", name, name,
                              strcmp(name, "memcache") == 0 ? "11211" : "6379"));
    if ((err = prov->create(&cfg->instance, args, cmd->temp_pool, cmd->pool)) != NULL)
        return sence_cmd_fail(cmd, apr_psprintf(cmd->pool, "%s: %s", name, err));
    cfg->provider = prov;
    cfg->name = name;
    cfg->args = apr_pstrdup(cmd->pool, args);
    return NULL;
}

const char *sence_store_set_local_cache(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_interval_time_t t;
    apr_size_t n = strlen(arg);

    (void)dv;
    if (err)
        return err;
    if (n > 2 && strcmp(arg + n - 2, "ms") == 0 && strspn(arg, "0123456789") == n - 2 && n < 9) {
        t = apr_time_from_msec(apr_atoi64(arg));
    } else if (strcmp(arg, "0") == 0) {
        t = 0;
    } else if ((err = sence_parse_duration(arg, &t)) != NULL) {
        return sence_cmd_fail(cmd,
                              apr_pstrcat(cmd->pool, err, " (e.g. 5s, 500ms, or 0 for off)", NULL));
    }
    if (t > apr_time_from_sec(60))
        return sence_cmd_fail(
            cmd, "at most 60s: a close or an expiry on another server is honoured here "
                 "only after this long");
    conf_of(cmd)->bound = t;
    return NULL;
}

void sence_socache_configured(const char **name, const char **args, apr_interval_time_t *bound)
{
    const sence_store_conf_t *cfg = main_conf();

    *name = cfg->provider ? cfg->name : NULL;
    *args = cfg->provider ? cfg->args : NULL;
    *bound = cfg->bound >= 0 ? cfg->bound : SENCE_DEFAULT_LOCAL_CACHE;
}

/* The kv view: a pool per operation for the provider's allocations. */
static apr_status_t kv_get(void *baton, const char *key, unsigned char *buf, unsigned int *len)
{
    const sence_store_conf_t *cfg = baton;
    apr_pool_t *tp;
    apr_status_t rv;

    if ((rv = apr_pool_create(&tp, NULL)) != APR_SUCCESS)
        return rv;
    rv = cfg->provider->retrieve(cfg->instance, cfg->s, (const unsigned char *)key,
                                 (unsigned int)strlen(key), buf, len, tp);
    apr_pool_destroy(tp);
    return rv;
}

static apr_status_t kv_set(void *baton, const char *key, apr_time_t expiry,
                           const unsigned char *data, unsigned int len)
{
    const sence_store_conf_t *cfg = baton;
    apr_pool_t *tp;
    apr_status_t rv;

    if ((rv = apr_pool_create(&tp, NULL)) != APR_SUCCESS)
        return rv;
    rv = cfg->provider->store(cfg->instance, cfg->s, (const unsigned char *)key,
                              (unsigned int)strlen(key), expiry, (unsigned char *)data, len, tp);
    apr_pool_destroy(tp);
    return rv;
}

static apr_status_t kv_del(void *baton, const char *key)
{
    const sence_store_conf_t *cfg = baton;
    apr_pool_t *tp;
    apr_status_t rv;

    if ((rv = apr_pool_create(&tp, NULL)) != APR_SUCCESS)
        return rv;
    rv = cfg->provider->remove(cfg->instance, cfg->s, (const unsigned char *)key,
                               (unsigned int)strlen(key), tp);
    apr_pool_destroy(tp);
    return rv;
}

/* mod_socache_redis keeps RedisTimeout in microseconds and hands it to apr-util's client,
 * which takes seconds and multiplies again: the read/write timeout becomes days, and a redis
 * that accepts connections but does not answer would hold requests indefinitely. Before the
 * provider starts, the value in its server configuration ({ttl, rwto}, both apr_uint32_t) is
 * put in seconds. A value of at most 3600 (the directive's limit, in seconds) is left as it
 * is: a provider that passes seconds already. Returns the seconds in force. */
typedef struct {
    apr_uint32_t ttl;
    apr_uint32_t rwto;
} redis_srv_cfg_t;

static apr_uint32_t fix_redis_timeout(server_rec *s)
{
    module *m = ap_find_linked_module("mod_socache_redis.c");
    redis_srv_cfg_t *c = m ? ap_get_module_config(s->module_config, m) : NULL;

    if (!c)
        return 0;
    if (c->rwto > 3600)
        c->rwto = (c->rwto + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC;
    return c->rwto;
}

static apr_status_t destroy(void *data)
{
    const sence_store_conf_t *cfg = data;

    cfg->provider->destroy(cfg->instance, cfg->s);
    return APR_SUCCESS;
}

apr_status_t sence_socache_init(apr_pool_t *pconf, server_rec *s, sence_kv_t *kv)
{
    struct ap_socache_hints hints = {26, 400, apr_time_from_sec(SENCE_SWEEP_SECONDS)};
    sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
    sence_store_conf_t *cfg = &sc->store;
    apr_status_t rv;

    memset(kv, 0, sizeof(*kv));
    if (!cfg->provider)
        return APR_SUCCESS;
    cfg->s = s;
    if (strcmp(cfg->name, "redis") == 0) {
        apr_uint32_t secs = fix_redis_timeout(s);
        if (secs == 0) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         SLOG(1023) "SenceSessionStore redis: RedisTimeout 0 would make every "
                                    "redis operation fail; set it to 1 (second)");
            return APR_EINVAL;
        }
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     SLOG(1024) "redis read/write timeout: %u s (RedisTimeout)", (unsigned)secs);
    }
    if ((rv = cfg->provider->init(cfg->instance, CNAME, &hints, s, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(1020) "SenceSessionStore %s:%s: the provider could not start", cfg->name,
                     cfg->args);
        return rv;
    }
    apr_pool_cleanup_register(pconf, cfg, destroy, apr_pool_cleanup_null);
    kv->get = kv_get;
    kv->set = kv_set;
    kv->del = kv_del;
    kv->baton = cfg;
    return APR_SUCCESS;
}
