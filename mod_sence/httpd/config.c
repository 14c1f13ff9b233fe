/* The configuration: creating and merging it, its effective values, and the startup checks.
 * The directives themselves are in cmds.c. */
#include "sence_module.h"
#include "config.h"
#include "moodle/mode.h"
#include "journal.h"
#include "alert_glue.h"

#include <http_core.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <ctype.h>

void *sence_create_dir_conf(apr_pool_t *p, char *dir)
{
    sence_dir_conf_t *d = apr_pcalloc(p, sizeof(*d));

    (void)dir;
    d->enabled = -1;
    d->env = SENCE_ENV_UNSET;
    d->lifetime = -1;
    d->login_timeout = -1;
    d->close_session = -1;
    d->banner = -1;
    d->alert_throttle = -1;
    sence_moodle_dir_init(&d->moodle);
    return d;
}

#define PICK(f) (add->f ? add->f : base->f)
#define PICK_SET(f, unset) (add->f != (unset) ? add->f : base->f)

void *sence_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    sence_dir_conf_t *base = basev, *add = addv, *d = apr_pcalloc(p, sizeof(*d));

    d->enabled = PICK_SET(enabled, -1);
    d->home = PICK(home);
    d->rut_otec = PICK(rut_otec);
    d->otec_name = PICK(otec_name);
    d->token = PICK(token);
    d->token_file = add->token ? add->token_file : base->token_file;
    d->env = PICK_SET(env, SENCE_ENV_UNSET);
    d->endpoint = PICK(endpoint);
    d->cod_sence =
        (add->cod_sence.literal || add->cod_sence.expr) ? add->cod_sence : base->cod_sence;
    d->codigo_curso = (add->codigo_curso.literal || add->codigo_curso.expr) ? add->codigo_curso
                                                                            : base->codigo_curso;
    d->linea = PICK_SET(linea, 0);
    d->run = PICK(run);
    d->lifetime = PICK_SET(lifetime, -1);
    d->login_timeout = PICK_SET(login_timeout, -1);
    d->close_session = PICK_SET(close_session, -1);
    d->banner = PICK_SET(banner, -1);
    d->close_codes = PICK(close_codes);
    d->alert_mail = PICK(alert_mail);
    d->alert_throttle = PICK_SET(alert_throttle, -1);
    d->participant_name = PICK(participant_name);
    d->participant_email = PICK(participant_email);
    d->participant_phone = PICK(participant_phone);
    d->participant_mobile = PICK(participant_mobile);
    sence_moodle_dir_merge(&d->moodle, &base->moodle, &add->moodle);
    return d;
}

void *sence_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    sence_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));

    (void)s;
    sc->sections = apr_array_make(p, 4, sizeof(sence_section_t));
    sc->origin_strict = -1;
    sc->mail_tls = -1;
    sc->store.bound = -1;
    sence_moodle_srv_init(p, &sc->moodle);
    return sc;
}

void *sence_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    sence_srv_conf_t *base = basev, *add = addv, *sc = apr_pcalloc(p, sizeof(*sc));

    sc->callback_path = PICK(callback_path);
    sc->public_url = PICK(public_url);
    sc->public_url_here = add->public_url_here;
    sc->cache_size = PICK_SET(cache_size, 0);
    sc->origin_strict = PICK_SET(origin_strict, -1);
    sc->sections = add->sections;
    sc->mail_host = PICK(mail_host);
    sc->mail_port = add->mail_host ? add->mail_port : base->mail_port;
    sc->mail_from = PICK(mail_from);
    sc->mail_tls = PICK_SET(mail_tls, -1);
    /* the credentials go with their file */
    sc->mail_auth = PICK(mail_auth);
    sc->mail_user = add->mail_auth ? add->mail_user : base->mail_user;
    sc->mail_password = add->mail_auth ? add->mail_password : base->mail_password;
    sence_moodle_srv_merge(p, &sc->moodle, &base->moodle, &add->moodle);
    return sc;
}

const char *sence_cmd_fail(cmd_parms *cmd, const char *why)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", why, NULL);
}

const char *sence_callback_path(const sence_srv_conf_t *sc)
{
    return sc->callback_path ? sc->callback_path : "/sence";
}

apr_interval_time_t sence_lifetime(const sence_dir_conf_t *d)
{
    return d->lifetime > 0 ? d->lifetime : SENCE_DEFAULT_LIFETIME;
}

apr_interval_time_t sence_login_timeout(const sence_dir_conf_t *d)
{
    return d->login_timeout > 0 ? d->login_timeout : SENCE_DEFAULT_LOGIN_TIMEOUT;
}

/* Plain <Location> sections nest by path prefix; regex and <Directory> sections don't. */

/* What a request to this section sees: the virtual host's defaults, then the plain
 * <Location> sections whose path is a prefix of this one, in file order, then the section. */
sence_dir_conf_t *sence_section_effective(apr_pool_t *p, server_rec *s, const sence_section_t *me)
{
    sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
    sence_dir_conf_t *d = ap_get_module_config(s->lookup_defaults, &sence_module);

    if (!me->is_regex) {
        for (int i = 0; i < sc->sections->nelts; i++) {
            const sence_section_t *o = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
            if (o != me && o->path && !o->is_regex &&
                strncmp(me->path, o->path, strlen(o->path)) == 0)
                d = sence_merge_dir_conf(p, d, o->conf);
        }
    }
    return sence_merge_dir_conf(p, d, me->conf);
}

sence_env_t sence_effective_env(const sence_dir_conf_t *d)
{
    return d->env == SENCE_ENV_PRODUCTION ? SENCE_ENV_PRODUCTION : SENCE_ENV_TEST;
}

static const char *check_section(apr_pool_t *p, server_rec *s, const sence_dir_conf_t *d)
{
    sence_env_t env = sence_effective_env(d);
    const char *why;

    if (!d->rut_otec)
        return "no SenceRutOtec: set the OTEC's RUT here, in the virtual host or a parent "
               "<Location>";
    if (!d->token)
        return "no SenceToken or SenceTokenFile: set the OTEC's token here, in the virtual host "
               "or a parent <Location>";
    if (d->moodle.enabled == 1)
        return sence_moodle_check(p, s, d, &why) ? NULL : why;
    if (!d->linea)
        return "no SenceLinea: set the training line (1, 3 or 6)";
    if (!d->codigo_curso.literal && !d->codigo_curso.expr)
        return "no SenceCodigoCurso: set the course's CodigoCurso (-1 in the test environment)";
    if (d->codigo_curso.literal &&
        (why = sence_check_codigo_curso(d->codigo_curso.literal, env)) != NULL)
        return apr_pstrcat(p, "SenceCodigoCurso: ", why, NULL);
    if (!d->cod_sence.expr &&
        (why = sence_check_cod_sence(d->cod_sence.literal, d->linea, env)) != NULL)
        return apr_pstrcat(p, "SenceCodSence: ", why, NULL);
    return NULL;
}

/* The origin of the section's SENCE endpoint joins the server's list (callbacks from it are
 * SENCE's page). */
static void add_origin(apr_pool_t *p, sence_srv_conf_t *sc, const sence_dir_conf_t *d)
{
    const char *o = sence_origin_of(p, sence_base_url(d->env, d->endpoint));

    if (!o || sence_origin_in(o, sc->sence_origins))
        return;
    APR_ARRAY_PUSH(sc->sence_origins, const char *) = o;
}

static int check_gated(apr_pool_t *p, server_rec *s, const sence_dir_conf_t *d, const char *path,
                       const char *where)
{
    const char *why;

    if (d->enabled == 1)
        add_origin(p, ap_get_module_config(s->module_config, &sence_module), d);
    if ((why = sence_alert_check(s, d)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SLOG(1006) "section %s (%s): %s", path, where,
                     why);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (d->enabled != 1 || (why = check_section(p, s, d)) == NULL)
        return OK;
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SLOG(1002) "gated section %s (%s): %s", path, where,
                 why);
    return HTTP_INTERNAL_SERVER_ERROR;
}

static int check_server(apr_pool_t *p, server_rec *s, sence_srv_conf_t *sc)
{
    sence_dir_conf_t *defaults = ap_get_module_config(s->lookup_defaults, &sence_module);
    int i, gated = defaults->enabled == 1;
    const char *why;

    sc->sence_origins = apr_array_make(p, 2, sizeof(const char *));
    if (check_gated(p, s, defaults, "(server)", s->defn_name ? s->defn_name : "?") != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    for (i = 0; i < sc->sections->nelts; i++) {
        const sence_section_t *sec = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
        sence_dir_conf_t *d = sec->path ? sence_section_effective(p, s, sec) : NULL;
        if (!d)
            continue;
        gated |= d->enabled == 1;
        if (check_gated(p, s, d, sec->path, sec->where) != OK)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    sc->issuer = sence_issuer(sc->public_url);
    if (!sc->public_url) {
        if (!gated)
            return OK;
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     SLOG(1003) "SencePublicURL is not set for %s:%d: set it to this site's "
                                "public scheme://host[:port]; it is never taken from the Host "
                                "header",
                     s->server_hostname, s->port);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (gated && s->is_virtual && !sc->public_url_here)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SLOG(1005) "virtual host %s:%d gates courses with the main server's "
                                "SencePublicURL %s; if this host has another name, set "
                                "SencePublicURL in its <VirtualHost> or the session cookie "
                                "lands on the other host",
                     s->server_hostname, s->port, sc->public_url);
    if ((why = sence_callback_url(p, sc->public_url, sence_callback_path(sc), "/retoma",
                                  &sc->url_retoma)) != NULL ||
        (why = sence_callback_url(p, sc->public_url, sence_callback_path(sc), "/error",
                                  &sc->url_error)) != NULL ||
        (why = sence_callback_url(p, sc->public_url, sence_callback_path(sc), "/cierre",
                                  &sc->url_close)) != NULL ||
        (why = sence_callback_url(p, sc->public_url, sence_callback_path(sc), "/cierre-error",
                                  &sc->url_close_error)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SLOG(1004) "%s", why);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

int sence_check_config(apr_pool_t *p, server_rec *s)
{
    sence_alert_check_begin();
    for (; s; s = s->next) {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        int rv = check_server(p, s, sc);
        if (rv != OK)
            return rv;
    }
    return OK;
}
