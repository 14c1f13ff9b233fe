/* Module record, hooks, and the shared-memory store's life across generations. */
#define SENCE_MODULE_RECORD /* AP_DECLARE_MODULE below defines the log index */
#include "mod_sence.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_mpm.h>
#include <apr_shm.h>
#include <util_mutex.h>
#include <stdio.h>

#define RETAINED_KEY "mod_sence-store"
#define MUTEX_TYPE "sence-store"

/* Retained in the global pool, so it survives graceful and full restarts of httpd. */
typedef struct {
    apr_shm_t *shm;
    apr_global_mutex_t *mutex;
    apr_uint32_t capacity;
} retained_t;

static retained_t *retained;
static sence_store_t *store; /* this generation's view of the shared segment */

sence_store_t *sence_store(void)
{
    return store;
}

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    if (sence_moodle_pre_config(pconf) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_uint32_t wanted_capacity(server_rec *s)
{
    sence_srv_conf *sc = ap_get_module_config(s->module_config, &sence_module);
    return sc->cache_size > 0 ? (apr_uint32_t)sc->cache_size : SENCE_DEFAULT_CACHE_SIZE;
}

static apr_status_t create_segment(server_rec *s, apr_uint32_t capacity)
{
    apr_pool_t *pp = s->process->pool;
    apr_status_t rv;

    rv = apr_shm_create(&retained->shm, sence_store_bytes(capacity), NULL, pp);
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
    if (!sence_store_format(pp, apr_shm_baseaddr_get(retained->shm), capacity, retained->mutex))
        return APR_EGENERAL;
    retained->capacity = capacity;
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 SLOG(1012) "session store created: %u records, %" APR_SIZE_T_FMT " bytes",
                 capacity, sence_store_bytes(capacity));
    return APR_SUCCESS;
}

static void dump_config(apr_pool_t *p, server_rec *s);

/* Runs for -t too, so a config test refuses what a start would refuse. */
static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    return sence_check_config(pconf, s); /* derived URLs live as long as the config */
}

/* httpd -t -D DUMP_SENCE: the sections holding Sence directives (never the token). */
static void test_config(apr_pool_t *p, server_rec *s)
{
    if (ap_exists_config_define("DUMP_SENCE"))
        dump_config(p, s);
}

static void dump_config(apr_pool_t *p, server_rec *s)
{
    for (; s; s = s->next) {
        sence_srv_conf *sc = ap_get_module_config(s->module_config, &sence_module);
        int i;
        printf("SENCE server %s:%d callback %s public %s\n", s->server_hostname, s->port,
               sence_callback_path(sc), sc->public_url ? sc->public_url : "(unset)");
        for (i = 0; i < sc->sections->nelts; i++) {
            const sence_section_t *sec = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
            const sence_dir_conf *d = sec->path
                                          ? sence_section_effective(p, s, sec)
                                          : ap_get_module_config(s->lookup_defaults, &sence_module);
            printf("  %s (%s): Sence %s env %s base %s linea %d CodSence %s CodigoCurso %s "
                   "token %s moodle %s close %s\n",
                   sec->path ? sec->path : "(server)", sec->where, d->enabled == 1 ? "On" : "Off",
                   d->env == SENCE_ENV_PRODUCTION ? "production" : "test",
                   sence_base_url(d->env, d->endpoint), d->linea,
                   d->cod_sence.expr      ? "(expr)"
                   : d->cod_sence.literal ? d->cod_sence.literal
                                          : "-",
                   d->codigo_curso.expr      ? "(expr)"
                   : d->codigo_curso.literal ? d->codigo_curso.literal
                                             : "-",
                   d->token ? "(set)" : "(unset)", d->moodle.enabled == 1 ? "on" : "off",
                   d->close_session == 1 ? "on" : "off");
        }
        for (apr_hash_index_t *hi = apr_hash_first(p, sc->moodle.courses); hi;
             hi = apr_hash_next(hi)) {
            const sence_moodle_course_t *c = apr_hash_this_val(hi);
            printf("  SenceMoodleCourse %s: CodSence '%s' CodigoCurso %s linea %d (%s)\n",
                   (const char *)apr_hash_this_key(hi), c->cod_sence,
                   c->codigo_curso ? c->codigo_curso : "(course ID number)", c->linea, c->where);
        }
        fflush(stdout);
    }
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_uint32_t capacity = wanted_capacity(s);

    (void)plog;
    store = NULL;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK; /* the first, checking pass: nothing to keep yet */
    if (sence_moodle_post_config(pconf, ptemp, s) != OK || sence_journal_open(pconf, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;

    retained = ap_retained_data_get(RETAINED_KEY);
    if (!retained)
        retained = ap_retained_data_create(RETAINED_KEY, sizeof(*retained));
    if (retained->shm && capacity != retained->capacity)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SLOG(1013) "SenceSessionCacheSize changed from %u to %u: the live store "
                                "keeps %u records until httpd is stopped and started",
                     retained->capacity, capacity, retained->capacity);
    if (retained->shm)
        store = sence_store_attach(pconf, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    if (retained->shm && !store)
        /* A new module version with another record layout: old children may still use the
         * old segment, so it is left alone (freed at stop) and a new one starts empty. */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SLOG(1014) "the retained session store has another layout (module "
                                "upgraded?): starting an empty store; participants start "
                                "their SENCE session again");
    if (!store) {
        if (create_segment(s, capacity) != APR_SUCCESS)
            return HTTP_INTERNAL_SERVER_ERROR;
        store = sence_store_attach(pconf, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    }
    return OK;
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    apr_status_t rv;

    sence_moodle_child_init(p, s);
    if (!retained || !store)
        return;
    rv = apr_global_mutex_child_init(&retained->mutex, apr_global_mutex_lockfile(retained->mutex),
                                     p);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SLOG(1015) "cannot attach the store mutex");
    store = sence_store_attach(p, apr_shm_baseaddr_get(retained->shm), retained->mutex);
    sence_journal_child_init(s);
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(test_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_access_checker(sence_gate_access, NULL, NULL, APR_HOOK_MIDDLE);
    /* First among fixups: claim callbacks before mod_proxy/mod_rewrite/PHP can, and gate
     * requests whose identity came from authentication. */
    ap_hook_fixups(sence_claim_callback, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_fixups(sence_gate_fixups, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_handler(sence_callback_handler, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_handler(sence_status_handler, NULL, NULL, APR_HOOK_MIDDLE);
    sence_notice_register();
    sence_moodle_register(p);
}

/* The one exported symbol (the build hides everything else). */
#pragma GCC visibility push(default)
AP_DECLARE_MODULE(sence) = {STANDARD20_MODULE_STUFF, sence_create_dir_conf, sence_merge_dir_conf,
                            sence_create_srv_conf,   sence_merge_srv_conf,  sence_cmds,
                            register_hooks,
#if defined(AP_MODULE_FLAG_ALWAYS_MERGE)
                            AP_MODULE_FLAG_NONE
#endif
};
#pragma GCC visibility pop
