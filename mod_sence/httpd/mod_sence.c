/* Module record and hooks. */
#define SENCE_MODULE_RECORD /* AP_DECLARE_MODULE below defines the log index */
#include "sence_module.h"
#include "config.h"
#include "gate.h"
#include "notice.h"
#include "moodle/mode.h"
#include "journal.h"
#include "status.h"
#include "callback.h"
#include "store_glue.h"
#include "store_socache.h"
#include "alert_glue.h"
#include "sender.h"
#include "dump.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_mpm.h>
#include <stdio.h>

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    if (sence_moodle_pre_config(pconf) != APR_SUCCESS ||
        sence_alert_pre_config(pconf) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    return sence_store_pre_config(pconf);
}

static void dump_config(apr_pool_t *p, server_rec *s);

/* Runs for -t too, so a config test refuses what a start would refuse. */
static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    return sence_check_config(pconf, s); /* derived URLs live as long as the config */
}

/* httpd -t -D DUMP_SENCE: the sections holding Sence directives (never the token);
 * -D DUMP_SENCE_JSON: the gated courses as JSON (dump.c). */
static void test_config(apr_pool_t *p, server_rec *s)
{
    if (ap_exists_config_define("DUMP_SENCE"))
        dump_config(p, s);
    if (ap_exists_config_define("DUMP_SENCE_JSON")) /* for sencectl: never the token */
        sence_dump_json(p, s);
}

static void dump_config(apr_pool_t *p, server_rec *s)
{
    const char *name, *args;
    apr_interval_time_t bound;

    sence_socache_configured(&name, &args, &bound);
    if (name)
        printf("SENCE store %s:%s local copy %" APR_TIME_T_FMT " ms\n", name, args,
               apr_time_as_msec(bound));
    else
        printf("SENCE store shm\n");
    for (; s; s = s->next) {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        int i;
        printf("SENCE server %s:%d callback %s public %s\n", s->server_hostname, s->port,
               sence_callback_path(sc), sc->public_url ? sc->public_url : "(unset)");
        printf("  mail server %s:%d from %s tls %s auth %s\n", sence_mail_host(sc),
               sence_mail_port(sc), sc->mail_from ? sc->mail_from : "(unset)",
               sence_mail_tls_name(sence_mail_tls(sc)), sc->mail_auth ? "(set)" : "(unset)");
        for (i = 0; i < sc->sections->nelts; i++) {
            const sence_section_t *sec = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
            const sence_dir_conf_t *d =
                sec->path ? sence_section_effective(p, s, sec)
                          : ap_get_module_config(s->lookup_defaults, &sence_module);
            printf("  %s (%s): Sence %s env %s base %s linea %d CodSence %s CodigoCurso %s "
                   "token %s moodle %s close %s alerts %s\n",
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
                   d->close_session == 1 ? "on" : "off",
                   !d->alert_mail          ? "(unset)"
                   : !d->alert_mail->nelts ? "none"
                                           : apr_array_pstrcat(p, d->alert_mail, ' '));
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
    (void)plog;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK; /* the first, checking pass: nothing to keep yet */
    if (sence_moodle_post_config(pconf, ptemp, s) != OK || sence_journal_open(pconf, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (sence_store_post_config(pconf, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        apr_uint32_t contacts =
            sc->cache_size > 0 ? (apr_uint32_t)sc->cache_size : SENCE_DEFAULT_CACHE_SIZE;
        if (sence_alert_post_config(pconf, s, contacts) != OK)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    return sence_sender_start(pconf, s);
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    sence_moodle_child_init(p, s);
    sence_store_child_init(p, s);
    sence_alert_child_init(p, s);
    if (sence_store())
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
    /* SENCE's callbacks pass whatever login the site requires (callback.c). Per URI: the
     * decision is the URI's, not the section's. */
    ap_hook_check_access_ex(sence_callback_access, NULL, NULL, APR_HOOK_REALLY_FIRST,
                            AP_AUTH_INTERNAL_PER_URI);
    /* First among fixups: claim callbacks before mod_proxy/mod_rewrite/PHP can, and gate
     * requests whose identity came from authentication. */
    ap_hook_fixups(sence_claim_callback, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_fixups(sence_gate_fixups, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_handler(sence_callback_handler, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_handler(sence_status_handler, NULL, NULL, APR_HOOK_MIDDLE);
    sence_notice_register();
    sence_moodle_register(p);
    sence_store_register(p);
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
