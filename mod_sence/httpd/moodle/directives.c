/* Moodle mode's directives: SenceMoodle, SenceMoodleRunField, the role and group lists,
 * SenceMoodlePrefix/Cookie/CacheTTL/MaxBody/Root/Query/Course; merges and startup checks. */
#include "moodle/glue.h"
#include "config.h"
#include "moodle/mode.h"

#include <http_core.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_strings.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

void sence_moodle_dir_init(sence_moodle_dir_t *m)
{
    memset(m, 0, sizeof(*m));
    m->enabled = -1;
}

void sence_moodle_dir_merge(sence_moodle_dir_t *out, const sence_moodle_dir_t *base,
                            const sence_moodle_dir_t *add)
{
    out->enabled = add->enabled != -1 ? add->enabled : base->enabled;
    out->root = add->root ? add->root : base->root;
    out->run_field = add->run_field ? add->run_field : base->run_field;
    out->gated_roles = add->gated_roles ? add->gated_roles : base->gated_roles;
    out->exempt_roles = add->exempt_roles ? add->exempt_roles : base->exempt_roles;
    out->exempt_groups = add->exempt_groups ? add->exempt_groups : base->exempt_groups;
}

void sence_moodle_srv_init(apr_pool_t *p, sence_moodle_srv_t *m)
{
    memset(m, 0, sizeof(*m));
    m->ttl = -1;
    m->courses = apr_hash_make(p);
}

void sence_moodle_srv_merge(apr_pool_t *p, sence_moodle_srv_t *out, const sence_moodle_srv_t *base,
                            const sence_moodle_srv_t *add)
{
    int i;

    out->prefix = add->prefix ? add->prefix : base->prefix;
    out->cookie = add->cookie ? add->cookie : base->cookie;
    out->ttl = add->ttl != -1 ? add->ttl : base->ttl;
    out->max_body = add->max_body ? add->max_body : base->max_body;
    for (i = 0; i < SENCE_MQ_COUNT; i++)
        out->queries[i] = add->queries[i] ? add->queries[i] : base->queries[i];
    out->courses = apr_hash_overlay(p, add->courses, base->courses);
}

static sence_moodle_srv_t *msrv(cmd_parms *cmd)
{
    sence_srv_conf_t *sc = ap_get_module_config(cmd->server->module_config, &sence_module);
    return &sc->moodle;
}

/* SenceMoodle On inside <Location /path>: Moodle's root is that path unless SenceMoodleRoot
 * says otherwise. Elsewhere (LocationMatch, server) it is "/" until set: a Moodle elsewhere
 * then has no script in the policy table, and gated participants get the gate everywhere. */
const char *sence_moodle_set_flag(cmd_parms *cmd, void *dv, int on)
{
    const ap_directive_t *parent = cmd->directive ? cmd->directive->parent : NULL;
    sence_dir_conf_t *d = dv;

    d->moodle.enabled = on;
    if (on && !d->moodle.root && cmd->path && parent &&
        !strcasecmp(parent->directive, "<Location") && parent->args && parent->args[0] != '~')
        d->moodle.root = cmd->path;
    sence_config_remember(cmd, dv);
    return NULL;
}

const char *sence_moodle_set_root(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;

    if (arg[0] != '/' || strpbrk(arg, "?#%* \t") || strstr(arg, "//") || strstr(arg, "/./") ||
        strstr(arg, "/../"))
        return sence_cmd_fail(cmd,
                              "Moodle's root must be a URL path such as / or /moodle (the path of "
                              "$CFG->wwwroot)");
    d->moodle.root = arg;
    sence_config_remember(cmd, d);
    return NULL;
}

const char *sence_moodle_set_run_field(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;

    if (!strcasecmp(arg, "idnumber"))
        d->moodle.run_field = 1;
    else if (!strcasecmp(arg, "username"))
        d->moodle.run_field = 2;
    else
        return sence_cmd_fail(cmd, "must be idnumber (the profile's ID number) or username");
    sence_config_remember(cmd, d);
    return NULL;
}

const char *sence_moodle_set_list(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf_t *d = dv;
    apr_array_header_t **list = (apr_array_header_t **)((char *)d + (apr_size_t)cmd->info);

    if (!*list)
        *list = apr_array_make(cmd->pool, 4, sizeof(const char *));
    if (strcasecmp(arg, "none") != 0)
        APR_ARRAY_PUSH(*list, const char *) = apr_pstrdup(cmd->pool, arg);
    sence_config_remember(cmd, d);
    return NULL;
}

const char *sence_moodle_set_srv(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_moodle_srv_t *m = msrv(cmd);
    const char *which = cmd->info;
    apr_interval_time_t t;
    const char *why;

    (void)dv;
    if (!strcmp(which, "prefix")) {
        if (strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(arg))
            return sence_cmd_fail(
                cmd, "the table prefix may hold only lower-case letters, digits and _");
        m->prefix = arg;
    } else if (!strcmp(which, "cookie")) {
        if (!*arg || strpbrk(arg, "=; ,\t"))
            return sence_cmd_fail(cmd, "not a cookie name (Moodle's is MoodleSession plus "
                                       "$CFG->sessioncookie)");
        m->cookie = arg;
    } else if (!strcmp(which, "ttl")) {
        if (!strcasecmp(arg, "off"))
            m->ttl = 0;
        else if ((why = sence_parse_duration(arg, &t)) != NULL)
            return sence_cmd_fail(cmd, apr_pstrcat(cmd->pool, why, " (e.g. 30s, or off)", NULL));
        else
            m->ttl = t;
    } else {
        char *end;
        apr_int64_t n = apr_strtoi64(arg, &end, 10);
        if (*end || n < 1024 || n > 16 * 1024 * 1024)
            return sence_cmd_fail(cmd, "a size in bytes between 1024 and 16777216");
        m->max_body = (apr_off_t)n;
    }
    return NULL;
}

const char *sence_moodle_set_query(cmd_parms *cmd, void *dv, const char *name, const char *sql)
{
    int i;

    (void)dv;
    if ((i = sence_mdb_query_index(name)) >= 0) {
        msrv(cmd)->queries[i] = sql;
        return NULL;
    }
    return sence_cmd_fail(
        cmd, apr_psprintf(cmd->pool,
                          "unknown query '%s' (see docs: session, user, "
                          "course, shortname, idnumber, cm, instance, "
                          "context, course_context, roles, groups, config, wstoken, "
                          "private_key, user_courses, section, discussion, post, entry, "
                          "attempt, username)",
                          name));
}

/* SenceMoodleCourse COURSE CODSENCE [CODIGOCURSO [LINEA]] */
const char *sence_moodle_set_course(cmd_parms *cmd, void *dv, const char *args)
{
    sence_moodle_course_t *c = apr_pcalloc(cmd->pool, sizeof(*c));
    const char *course = ap_getword_conf(cmd->pool, &args);
    const char *cod = ap_getword_conf(cmd->pool, &args);
    const char *codigo = ap_getword_conf(cmd->pool, &args);
    const char *linea = ap_getword_conf(cmd->pool, &args);
    const char *why;

    (void)dv;
    if (!*course || !*cod || *args)
        return sence_cmd_fail(cmd, "syntax: SenceMoodleCourse COURSE-ID|SHORTNAME CODSENCE "
                                   "[CODIGOCURSO [LINEA]] (CODSENCE - for none, on line 1)");
    c->cod_sence = strcmp(cod, "-") ? cod : "";
    c->codigo_curso = *codigo && strcmp(codigo, "idnumber") ? codigo : NULL;
    if (*linea && (why = sence_check_linea(linea, &c->linea)) != NULL)
        return sence_cmd_fail(cmd, why);
    c->where = apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename, cmd->directive->line_num);
    apr_hash_set(msrv(cmd)->courses, course, APR_HASH_KEY_STRING, c);
    return NULL;
}

/* Startup check of a section with SenceMoodle On. */
int sence_moodle_check(apr_pool_t *p, server_rec *s, const sence_dir_conf_t *d, const char **why)
{
    sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
    apr_hash_index_t *hi;

    if (!APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire)) {
        *why = "SenceMoodle On needs mod_dbd: LoadModule dbd_module and set DBDriver/DBDParams";
        return 0;
    }
    if (!ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb", AP_SOCACHE_PROVIDER_VERSION)) {
        *why = "SenceMoodle On needs mod_socache_shmcb for its lookup cache: LoadModule "
               "socache_shmcb_module";
        return 0;
    }
    for (hi = apr_hash_first(p, sc->moodle.courses); hi; hi = apr_hash_next(hi)) {
        const sence_moodle_course_t *c = apr_hash_this_val(hi);
        int linea = c->linea ? c->linea : d->linea;
        sence_env_t env = sence_effective_env(d);
        const char *bad;
        if (!linea)
            bad = "no training line: add it to SenceMoodleCourse or set SenceLinea";
        else if (!(bad = sence_check_cod_sence(c->cod_sence, linea, env)) && c->codigo_curso)
            bad = sence_check_codigo_curso(c->codigo_curso, env);
        if (bad) {
            *why = apr_psprintf(p, "SenceMoodleCourse %s (%s): %s",
                                (const char *)apr_hash_this_key(hi), c->where, bad);
            return 0;
        }
    }
    return 1;
}
