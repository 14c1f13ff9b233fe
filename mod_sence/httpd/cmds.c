/* The Sence directives: each one's handler and the table httpd reads them from (every
 * directive declared once, here; Moodle mode's handlers are in moodle/directives.c, the alert
 * ones in alert_glue.c). Values are checked by the core's settings.c as they are read. */
#include "sence_module.h"
#include "config.h"
#include "moodle/mode.h"
#include "journal.h"
#include "alert_glue.h"
#include "store_socache.h"

#include <http_core.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <ctype.h>

#define DIR_OFFSET(field) (void *)APR_OFFSETOF(sence_dir_conf_t, field)

static int is_plain_location(cmd_parms *cmd)
{
    const ap_directive_t *parent = cmd->directive ? cmd->directive->parent : NULL;

    if (!cmd->path)
        return 0;
    if (!parent || strcasecmp(parent->directive, "<Location") != 0)
        return 0;
    return parent->args && parent->args[0] != '~';
}

/* Remembers the section a directive appears in, once, for the startup checks. */
void sence_config_remember(cmd_parms *cmd, sence_dir_conf_t *d)
{
    sence_srv_conf_t *sc = ap_get_module_config(cmd->server->module_config, &sence_module);
    sence_section_t *sec;
    int i;

    for (i = 0; i < sc->sections->nelts; i++)
        if (APR_ARRAY_IDX(sc->sections, i, sence_section_t).conf == d)
            return;
    sec = apr_array_push(sc->sections);
    sec->conf = d;
    sec->path = cmd->path;
    sec->is_regex = !is_plain_location(cmd);
    /* where a participant lands when the URL asked for cannot be returned to */
    if (!sec->is_regex && !d->home && sence_local_url_ok(cmd->path, SENCE_MAX_STORED_URL))
        d->home = cmd->path;
    sec->where = cmd->directive ? apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename,
                                               cmd->directive->line_num)
                                : "?";
}

static const char *set_enabled(cmd_parms *cmd, void *dv, int on)
{
    sence_dir_conf_t *d = dv;
    d->enabled = on;
    sence_config_remember(cmd, d);
    return NULL;
}

static const char *set_flag(cmd_parms *cmd, void *dv, int on)
{
    *(int *)((char *)dv + (apr_size_t)cmd->info) = on;
    sence_config_remember(cmd, dv);
    return NULL;
}

static const char *set_close_codes(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    char *end;
    long code = strtol(arg, &end, 10);

    if (*end || code < 100 || code > 999)
        return sence_cmd_fail(cmd, "a list of GlosaError codes, e.g. 301");
    if (!d->close_codes)
        d->close_codes = apr_array_make(cmd->pool, 2, sizeof(int));
    APR_ARRAY_PUSH(d->close_codes, int) = (int)code;
    return NULL;
}

static const char *set_rut(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    char rut[SENCE_RUN_MAX + 1];
    const char *why = sence_check_rut(arg, rut);

    if (why)
        return sence_cmd_fail(cmd, why);
    d->rut_otec = apr_pstrdup(cmd->pool, rut);
    sence_config_remember(cmd, d);
    return NULL;
}

static const char *set_otec_name(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    apr_size_t n = strlen(arg);

    if (!n || n > 120)
        return sence_cmd_fail(cmd, "SenceOtecName: give the OTEC's name, 1 to 120 characters");
    d->otec_name = apr_pstrdup(cmd->pool, arg);
    return NULL;
}

static const char *set_token_value(cmd_parms *cmd, sence_dir_conf_t *d, const char *token)
{
    const char *why = sence_check_token(token);

    if (why)
        return sence_cmd_fail(cmd, why);
    d->token = token;
    sence_config_remember(cmd, d);
    return NULL;
}

static const char *set_token(cmd_parms *cmd, void *dv, const char *arg)
{
    ((sence_dir_conf_t *)dv)->token_file = NULL;
    return set_token_value(cmd, dv, apr_pstrdup(cmd->pool, arg));
}

/* The token file holds the token alone (surrounding blanks and a final newline allowed). */
static const char *set_token_file(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    apr_file_t *f;
    apr_finfo_t fi;
    char buf[128];
    apr_size_t n = sizeof(buf) - 1;
    char *s, *e;

    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS)
        return sence_cmd_fail(cmd, apr_psprintf(cmd->pool,
                                                "cannot read %s; create it (mode 0600) with "
                                                "the token on one line",
                                                arg));
    if (apr_file_info_get(&fi, APR_FINFO_PROT, f) == APR_SUCCESS && (fi.protection & APR_WREAD))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server,
                     SLOG(1001) "SenceTokenFile %s is readable by every user; chmod 0600 it", path);
    apr_file_read(f, buf, &n);
    apr_file_close(f);
    buf[n] = '\0';
    for (s = buf; *s && isspace((unsigned char)*s); s++)
        ;
    for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
        ;
    *e = '\0';
    ((sence_dir_conf_t *)dv)->token_file = apr_pstrdup(cmd->pool, path);
    return set_token_value(cmd, dv, apr_pstrdup(cmd->pool, s));
}

static const char *set_env(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;

    if (!strcasecmp(arg, "test"))
        d->env = SENCE_ENV_TEST;
    else if (!strcasecmp(arg, "production"))
        d->env = SENCE_ENV_PRODUCTION;
    else
        return sence_cmd_fail(cmd, "must be 'test' (rcetest, the default) or 'production'");
    sence_config_remember(cmd, d);
    return NULL;
}

static const char *set_endpoint(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    const char *why = sence_check_endpoint(arg);
    apr_size_t n = strlen(arg);

    if (why)
        return sence_cmd_fail(cmd, why);
    while (n > 0 && arg[n - 1] == '/')
        n--;
    d->endpoint = apr_pstrndup(cmd->pool, arg, n);
    sence_config_remember(cmd, d);
    return NULL;
}

static const char *set_value(cmd_parms *cmd, sence_value_t *v, const char *arg)
{
    const char *err = NULL;

    v->literal = NULL;
    v->expr = NULL;
    if (!ap_strstr_c(arg, "%{")) {
        v->literal = apr_pstrdup(cmd->pool, arg);
        return NULL;
    }
    v->expr = ap_expr_parse_cmd(cmd, arg, AP_EXPR_FLAG_STRING_RESULT, &err, NULL);
    return err ? sence_cmd_fail(cmd, apr_pstrcat(cmd->pool, "invalid expression: ", err, NULL))
               : NULL;
}

static const char *set_cod_sence(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    sence_config_remember(cmd, d);
    return set_value(cmd, &d->cod_sence, arg);
}

static const char *set_codigo_curso(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    sence_config_remember(cmd, d);
    return set_value(cmd, &d->codigo_curso, arg);
}

static const char *set_linea(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    const char *why = sence_check_linea(arg, &d->linea);

    sence_config_remember(cmd, d);
    return why ? sence_cmd_fail(cmd, why) : NULL;
}

static const char *set_run(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    const char *err = NULL;

    d->run = ap_expr_parse_cmd(cmd, arg, AP_EXPR_FLAG_STRING_RESULT, &err, NULL);
    sence_config_remember(cmd, d);
    return err ? sence_cmd_fail(cmd, apr_pstrcat(cmd->pool, "invalid expression: ", err, NULL))
               : NULL;
}

static const char *set_duration(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    apr_interval_time_t t;
    const char *why = sence_parse_duration(arg, &t);

    if (why)
        return sence_cmd_fail(cmd, apr_pstrcat(cmd->pool, why, " (e.g. 30s, 15m, 4h)", NULL));
    *(apr_interval_time_t *)((char *)d + (apr_size_t)cmd->info) = t;
    sence_config_remember(cmd, d);
    return NULL;
}

static sence_srv_conf_t *srv(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &sence_module);
}

static const char *set_callback_origin(cmd_parms *cmd, void *dv, const char *arg)
{
    (void)dv;
    if (!strcasecmp(arg, "strict"))
        srv(cmd)->origin_strict = 1;
    else if (!strcasecmp(arg, "off"))
        srv(cmd)->origin_strict = 0;
    else
        return "SenceCallbackOrigin: use 'off' (flag callbacks from elsewhere, the default) or "
               "'strict' (refuse a callback whose Origin is present and is neither SENCE's nor "
               "null)";
    return NULL;
}

static const char *set_callback_path(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *why = sence_check_callback_path(arg);

    (void)dv;
    if (why)
        return sence_cmd_fail(cmd, why);
    srv(cmd)->callback_path = apr_pstrdup(cmd->pool, arg);
    return NULL;
}

static const char *set_public_url(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *why = sence_check_public_url(arg);
    apr_size_t n = strlen(arg);

    (void)dv;
    if (why)
        return sence_cmd_fail(cmd, apr_pstrcat(cmd->pool, why,
                                               " (scheme://host[:port], e.g. "
                                               "https://cursos.example.cl)",
                                               NULL));
    while (n > 0 && arg[n - 1] == '/')
        n--;
    srv(cmd)->public_url = apr_pstrndup(cmd->pool, arg, n);
    srv(cmd)->public_url_here = 1;
    return NULL;
}

static const char *set_cache_size(cmd_parms *cmd, void *dv, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    char *end;
    long n = strtol(arg, &end, 10);

    (void)dv;
    if (err)
        return err;
    if (*end || n < 16 || n > 10000000)
        return sence_cmd_fail(cmd, "must be a number of sessions between 16 and 10000000");
    srv(cmd)->cache_size = (int)n;
    return NULL;
}

const command_rec sence_cmds[] = {
    AP_INIT_FLAG("Sence", set_enabled, NULL, RSRC_CONF | ACCESS_CONF,
                 "On to require a live SENCE session in this location"),
    AP_INIT_TAKE1("SenceRutOtec", set_rut, NULL, RSRC_CONF | ACCESS_CONF, "The OTEC's RUT"),
    AP_INIT_TAKE1("SenceOtecName", set_otec_name, NULL, RSRC_CONF | ACCESS_CONF,
                  "The OTEC's name, as participants know it (shown on the gate page)"),
    AP_INIT_TAKE1("SenceToken", set_token, NULL, RSRC_CONF | ACCESS_CONF, "The OTEC's SENCE token"),
    AP_INIT_TAKE1("SenceTokenFile", set_token_file, NULL, RSRC_CONF | ACCESS_CONF,
                  "A file (mode 0600) holding the OTEC's SENCE token"),
    AP_INIT_TAKE1("SenceEnvironment", set_env, NULL, RSRC_CONF | ACCESS_CONF,
                  "test (default) or production"),
    AP_INIT_TAKE1("SenceEndpoint", set_endpoint, NULL, RSRC_CONF | ACCESS_CONF,
                  "Base URL of SENCE RCE (overrides SenceEnvironment's)"),
    AP_INIT_TAKE1("SenceCodSence", set_cod_sence, NULL, RSRC_CONF | ACCESS_CONF,
                  "The course's CodSence (string or ap_expr)"),
    AP_INIT_TAKE1("SenceCodigoCurso", set_codigo_curso, NULL, RSRC_CONF | ACCESS_CONF,
                  "The course's CodigoCurso (string or ap_expr)"),
    AP_INIT_TAKE1("SenceLinea", set_linea, NULL, RSRC_CONF | ACCESS_CONF,
                  "Training line: 1, 3 or 6"),
    AP_INIT_TAKE1("SenceRun", set_run, NULL, RSRC_CONF | ACCESS_CONF,
                  "ap_expr giving the participant's RUN (default %{REMOTE_USER})"),
    AP_INIT_TAKE1("SenceSessionLifetime", set_duration, DIR_OFFSET(lifetime),
                  RSRC_CONF | ACCESS_CONF, "How long a SENCE session opens the course"),
    AP_INIT_TAKE1("SenceLoginTimeout", set_duration, DIR_OFFSET(login_timeout),
                  RSRC_CONF | ACCESS_CONF, "How long a login sent to SENCE may take"),
    AP_INIT_TAKE1("SenceCallbackOrigin", set_callback_origin, NULL, RSRC_CONF,
                  "off (default: flag callbacks whose Origin is not SENCE's) or strict (refuse "
                  "them)"),
    AP_INIT_TAKE1("SenceCallbackPath", set_callback_path, NULL, RSRC_CONF,
                  "URI path whose children receive SENCE's callbacks (default /sence)"),
    AP_INIT_TAKE1("SencePublicURL", set_public_url, NULL, RSRC_CONF,
                  "scheme://host[:port] of this site, used to build UrlRetoma/UrlError"),
    AP_INIT_TAKE1("SenceSessionCacheSize", set_cache_size, NULL, RSRC_CONF,
                  "Capacity of the shared-memory session store, in records"),
    AP_INIT_TAKE1("SenceSessionStore", sence_store_set_backend, NULL, RSRC_CONF,
                  "shm (default: this server's shared memory) or a socache provider shared by "
                  "several servers, e.g. redis:10.0.0.5:6379"),
    AP_INIT_TAKE1("SenceStoreLocalCache", sence_store_set_local_cache, NULL, RSRC_CONF,
                  "How long a server trusts its copy of a shared session (default 5s, 0 off)"),
    AP_INIT_TAKE1("SenceJournal", sence_journal_set, NULL, RSRC_CONF,
                  "Attendance journal: a file appended with one JSON line per event, or "
                  "\"|command\""),
    AP_INIT_FLAG("SenceCloseSession", set_flag, DIR_OFFSET(close_session), RSRC_CONF | ACCESS_CONF,
                 "On: participants can close their SENCE session"),
    AP_INIT_FLAG("SenceBanner", set_flag, DIR_OFFSET(banner), RSRC_CONF | ACCESS_CONF,
                 "Off: do not inject the SENCE bar (countdown, close link) into course pages"),
    AP_INIT_ITERATE("SenceCloseEndsOn", set_close_codes, NULL, RSRC_CONF,
                    "GlosaError codes of a failed close that mean SENCE has no open session "
                    "(default 301): the local session ends too"),
    AP_INIT_ITERATE("SenceAlertMail", sence_alert_set_mail, NULL, RSRC_CONF | ACCESS_CONF,
                    "Addresses that get alert mails about this location's participants, or "
                    "none"),
    AP_INIT_TAKE1("SenceAlertThrottle", sence_alert_set_throttle, NULL, RSRC_CONF | ACCESS_CONF,
                  "At most one mail per participant, course and reason in this time (default "
                  "15m; off)"),
    AP_INIT_TAKE1("SenceParticipantName", sence_alert_set_participant, DIR_OFFSET(participant_name),
                  RSRC_CONF | ACCESS_CONF,
                  "ap_expr giving the participant's full name, for alert mails"),
    AP_INIT_TAKE1("SenceParticipantEmail", sence_alert_set_participant,
                  DIR_OFFSET(participant_email), RSRC_CONF | ACCESS_CONF,
                  "ap_expr giving the participant's e-mail address, for alert mails"),
    AP_INIT_TAKE1("SenceParticipantPhone", sence_alert_set_participant,
                  DIR_OFFSET(participant_phone), RSRC_CONF | ACCESS_CONF,
                  "ap_expr giving the participant's landline, for alert mails"),
    AP_INIT_TAKE1("SenceParticipantMobile", sence_alert_set_participant,
                  DIR_OFFSET(participant_mobile), RSRC_CONF | ACCESS_CONF,
                  "ap_expr giving the participant's mobile phone, for alert mails"),
    AP_INIT_TAKE1("SenceMailServer", sence_mail_set_server, NULL, RSRC_CONF,
                  "HOST[:PORT] of the SMTP server alerts are sent through (default "
                  "localhost:25)"),
    AP_INIT_TAKE1("SenceMailFrom", sence_mail_set_from, NULL, RSRC_CONF,
                  "The address alert mails come from (required with SenceAlertMail)"),
    AP_INIT_TAKE1("SenceMailTLS", sence_mail_set_tls, NULL, RSRC_CONF,
                  "STARTTLS: on (when offered, default), required or off"),
    AP_INIT_TAKE1("SenceMailAuthFile", sence_mail_set_auth_file, NULL, RSRC_CONF,
                  "A file (mode 0600) holding user:password for SMTP AUTH"),
    AP_INIT_FLAG("SenceMoodle", sence_moodle_set_flag, NULL, RSRC_CONF | ACCESS_CONF,
                 "On: participant, course and codes come from Moodle's database (mod_dbd)"),
    AP_INIT_TAKE1("SenceMoodleRoot", sence_moodle_set_root, NULL, RSRC_CONF | ACCESS_CONF,
                  "URL path of Moodle's wwwroot (default: the <Location> of SenceMoodle On)"),
    AP_INIT_TAKE1("SenceMoodleRunField", sence_moodle_set_run_field, NULL, RSRC_CONF | ACCESS_CONF,
                  "idnumber (default) or username: where the RUN is"),
    AP_INIT_ITERATE("SenceMoodleGatedRoles", sence_moodle_set_list, DIR_OFFSET(moodle.gated_roles),
                    RSRC_CONF | ACCESS_CONF,
                    "Role shortnames that must start a SENCE session (default student)"),
    AP_INIT_ITERATE("SenceMoodleExemptRoles", sence_moodle_set_list,
                    DIR_OFFSET(moodle.exempt_roles), RSRC_CONF | ACCESS_CONF,
                    "Role shortnames that pass (default editingteacher manager)"),
    AP_INIT_ITERATE("SenceMoodleExemptGroups", sence_moodle_set_list,
                    DIR_OFFSET(moodle.exempt_groups), RSRC_CONF | ACCESS_CONF,
                    "Names of course groups whose members pass (Agrupador excluyente)"),
    AP_INIT_TAKE1("SenceMoodlePrefix", sence_moodle_set_srv, "prefix", RSRC_CONF,
                  "Moodle's table prefix (default mdl_)"),
    AP_INIT_TAKE1("SenceMoodleCookie", sence_moodle_set_srv, "cookie", RSRC_CONF,
                  "Moodle's session cookie name (default MoodleSession)"),
    AP_INIT_TAKE1("SenceMoodleCacheTTL", sence_moodle_set_srv, "ttl", RSRC_CONF,
                  "How long database answers are cached (default 30s; off)"),
    AP_INIT_TAKE1("SenceMoodleMaxBody", sence_moodle_set_srv, "max_body", RSRC_CONF,
                  "Largest request body read for a course, in bytes (default 1048576)"),
    AP_INIT_TAKE2("SenceMoodleQuery", sence_moodle_set_query, NULL, RSRC_CONF,
                  "Replace one of the SQL queries: NAME \"SQL\" ({p} is the table prefix)"),
    AP_INIT_RAW_ARGS("SenceMoodleCourse", sence_moodle_set_course, NULL, RSRC_CONF,
                     "COURSE-ID|SHORTNAME CODSENCE [CODIGOCURSO [LINEA]]"),
    {NULL},
};
