/* SenceSessionStore over an Apache socache provider (see store_socache.h). */
#include "sence_module.h"
#include "store_socache.h"

#include <ap_socache.h>
#include <apr_strings.h>
#include <http_log.h>

/* The consumer name socache providers put before every key. */
#define CNAME "mod_sence"

/* One store per httpd (the directives are global), read again at each generation. */
static struct {
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    const char *name, *args;
    apr_interval_time_t bound; /* -1 unset */
    server_rec *s;
} cfg = {NULL, NULL, NULL, NULL, -1, NULL};

static const char *fail(cmd_parms *cmd, const char *why)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", why, NULL);
}

/* The configuration pool the directives were read into. */
static apr_pool_t *seen;

/* The directives are read again from scratch at each generation. */
static apr_status_t forget(void *unused)
{
    (void)unused;
    seen = NULL;
    cfg.provider = NULL;
    cfg.instance = NULL;
    cfg.name = cfg.args = NULL;
    cfg.bound = -1;
    return APR_SUCCESS;
}

static void reset_once(cmd_parms *cmd)
{
    if (seen != cmd->pool) {
        forget(NULL);
        seen = cmd->pool;
        apr_pool_cleanup_register(cmd->pool, NULL, forget, apr_pool_cleanup_null);
    }
}

const char *sence_store_set_backend(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *colon = strchr(arg, ':');
    const char *name = colon ? apr_pstrndup(cmd->pool, arg, (apr_size_t)(colon - arg)) : arg;
    const char *args = colon ? colon + 1 : NULL;
    const ap_socache_provider_t *prov;

    (void)dv;
    if (err)
        return err;
    reset_once(cmd);
    if (strcmp(name, "shm") == 0 && !args) {
        cfg.provider = NULL;
        cfg.name = NULL;
        return NULL;
    }
    if (!*name || (args && !*args))
        return fail(cmd, "expected shm, or a socache provider and its servers, e.g. "
                         "redis:10.0.0.5:6379 or memcache:10.0.0.5:11211,10.0.0.6:11211");
    prov = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!prov)
        return fail(cmd, apr_psprintf(cmd->pool,
                                      "no socache provider '%s' is loaded; add \"LoadModule "
                                      "socache_%s_module modules/mod_socache_%s.so\" (Debian: "
                                      "a2enmod socache_%s)",
                                      name, name, name, name));
    if (prov->flags & AP_SOCACHE_FLAG_NOTMPSAFE)
        return fail(cmd, apr_psprintf(cmd->pool,
                                      "the '%s' provider keeps its data on this machine only; "
                                      "use shm (the default) for one server, or a network "
                                      "provider such as redis or memcache for several",
                                      name));
    if (!args)
        return fail(cmd, apr_psprintf(cmd->pool, "name the %s servers, e.g. %s:10.0.0.5:%s", name,
                                      name, strcmp(name, "memcache") == 0 ? "11211" : "6379"));
    if ((err = prov->create(&cfg.instance, args, cmd->temp_pool, cmd->pool)) != NULL)
        return fail(cmd, apr_psprintf(cmd->pool, "%s: %s", name, err));
    cfg.provider = prov;
    cfg.name = name;
    cfg.args = apr_pstrdup(cmd->pool, args);
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
    reset_once(cmd);
    if (n > 2 && strcmp(arg + n - 2, "ms") == 0 && strspn(arg, "0123456789") == n - 2 && n < 9) {
        t = apr_time_from_msec(apr_atoi64(arg));
    } else if (strcmp(arg, "0") == 0) {
        t = 0;
    } else if ((err = sence_parse_duration(arg, &t)) != NULL) {
        return fail(cmd, apr_pstrcat(cmd->pool, err, " (e.g. 5s, 500ms, or 0 for off)", NULL));
    }
    if (t > apr_time_from_sec(60))
        return fail(cmd, "at most 60s: a close or an expiry on another server is honoured here "
                         "only after this long");
    cfg.bound = t;
    return NULL;
}

void sence_socache_configured(const char **name, const char **args, apr_interval_time_t *bound)
{
    *name = cfg.provider ? cfg.name : NULL;
    *args = cfg.provider ? cfg.args : NULL;
    *bound = cfg.bound >= 0 ? cfg.bound : SENCE_DEFAULT_LOCAL_CACHE;
}

/* The kv view: a pool per operation for the provider's allocations. */
static apr_status_t kv_get(void *baton, const char *key, unsigned char *buf, unsigned int *len)
{
    apr_pool_t *tp;
    apr_status_t rv;

    (void)baton;
    if ((rv = apr_pool_create(&tp, NULL)) != APR_SUCCESS)
        return rv;
    rv = cfg.provider->retrieve(cfg.instance, cfg.s, (const unsigned char *)key,
                                (unsigned int)strlen(key), buf, len, tp);
    apr_pool_destroy(tp);
    return rv;
}

static apr_status_t kv_set(void *baton, const char *key, apr_time_t expiry,
                           const unsigned char *data, unsigned int len)
{
    apr_pool_t *tp;
    apr_status_t rv;

    (void)baton;
    if ((rv = apr_pool_create(&tp, NULL)) != APR_SUCCESS)
        return rv;
    rv = cfg.provider->store(cfg.instance, cfg.s, (const unsigned char *)key,
                             (unsigned int)strlen(key), expiry, (unsigned char *)data, len, tp);
    apr_pool_destroy(tp);
    return rv;
}

static apr_status_t kv_del(void *baton, const char *key)
{
    apr_pool_t *tp;
    apr_status_t rv;

    (void)baton;
    if ((rv = apr_pool_create(&tp, NULL)) != APR_SUCCESS)
        return rv;
    rv = cfg.provider->remove(cfg.instance, cfg.s, (const unsigned char *)key,
                              (unsigned int)strlen(key), tp);
    apr_pool_destroy(tp);
    return rv;
}

static apr_status_t destroy(void *data)
{
    server_rec *s = data;

    if (cfg.provider && cfg.instance)
        cfg.provider->destroy(cfg.instance, s);
    return APR_SUCCESS;
}

apr_status_t sence_socache_init(apr_pool_t *pconf, server_rec *s, sence_kv_t *kv)
{
    struct ap_socache_hints hints = {26, 400, apr_time_from_sec(SENCE_SWEEP_SECONDS)};
    apr_status_t rv;

    memset(kv, 0, sizeof(*kv));
    if (!cfg.provider)
        return APR_SUCCESS;
    cfg.s = s;
    if ((rv = cfg.provider->init(cfg.instance, CNAME, &hints, s, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SLOG(1020) "SenceSessionStore %s:%s: the provider could not start", cfg.name,
                     cfg.args);
        return rv;
    }
    apr_pool_cleanup_register(pconf, s, destroy, apr_pool_cleanup_null);
    kv->get = kv_get;
    kv->set = kv_set;
    kv->del = kv_del;
    return APR_SUCCESS;
}
