/* httpd -t -D DUMP_SENCE_JSON: one JSON document listing every gated course, so that a
 * program (sencectl check) can learn what the server would send to SENCE without parsing the
 * configuration itself. The token is never written, only its source. For a Moodle course
 * whose CodigoCurso is its ID number, mod_dbd's DBDriver is written, and its DBDParams (which
 * may hold the database's password) only when -D DUMP_SENCE_JSON_DBD is given too, as sencectl
 * does: a dump a person runs and pastes into a ticket says "(hidden)" instead. */
#include "dump.h"
#include "config.h"

#include <http_core.h>

#include <apr_strings.h>
#include <strings.h>
#include <stdio.h>

static const char *js(apr_pool_t *p, const char *s)
{
    return s ? sence_json_string(p, s) : "null";
}

static const char *token_source(apr_pool_t *p, const sence_dir_conf_t *d)
{
    if (!d->token)
        return "null";
    return d->token_file ? sence_json_string(p, d->token_file) : "\"inline\"";
}

/* The members every course shares: where the OTEC and the endpoint come from. */
static const char *otec_members(apr_pool_t *p, server_rec *s, const sence_section_t *sec,
                                const sence_dir_conf_t *d)
{
    sence_env_t env = sence_effective_env(d);

    return apr_psprintf(
        p,
        "\"server\":%s,\"path\":%s,\"where\":%s,\"environment\":\"%s\",\"endpoint\":%s,"
        "\"rut_otec\":%s,\"token_source\":%s",
        js(p, apr_psprintf(p, "%s:%d", s->server_hostname ? s->server_hostname : "", s->port)),
        js(p, sec->path ? sec->path : "(server)"), js(p, sec->where),
        env == SENCE_ENV_PRODUCTION ? "production" : "test",
        js(p, sence_base_url(env, d->endpoint)), js(p, d->rut_otec), token_source(p, d));
}

static const char *section_course(apr_pool_t *p, server_rec *s, const sence_section_t *sec,
                                  const sence_dir_conf_t *d)
{
    int computed = d->cod_sence.expr || d->codigo_curso.expr;

    return apr_psprintf(p,
                        "{\"source\":\"section\",%s,\"cod_sence\":%s,\"codigo_curso\":%s,"
                        "\"linea\":%d,\"computed\":%s}",
                        otec_members(p, s, sec, d),
                        js(p, d->cod_sence.expr      ? NULL
                              : d->cod_sence.literal ? d->cod_sence.literal
                                                     : ""),
                        js(p, d->codigo_curso.expr ? NULL : d->codigo_curso.literal), d->linea,
                        computed ? "true" : "false");
}

/* mod_dbd keeps its configuration to itself: DBDriver and DBDParams are read from the
 * configuration tree, the main server's outside any <VirtualHost>, a virtual host's inside
 * the <VirtualHost> that defined it (which wins, as mod_dbd merges). */
static void scan_dbd(apr_pool_t *p, const ap_directive_t *n, server_rec *s, int here,
                     const char **driver, const char **params)
{
    for (; n; n = n->next) {
        const char *args = n->args;
        if (!n->directive)
            continue;
        if (!strcasecmp(n->directive, "<VirtualHost")) {
            if (s->is_virtual && s->defn_name && n->filename &&
                !strcmp(n->filename, s->defn_name) && n->line_num >= 0 &&
                (unsigned)n->line_num == s->defn_line_number)
                scan_dbd(p, n->first_child, s, 1, driver, params);
            continue;
        }
        if (here && args && !strcasecmp(n->directive, "DBDriver"))
            *driver = ap_getword_conf(p, &args);
        else if (here && args && !strcasecmp(n->directive, "DBDParams"))
            *params = ap_getword_conf(p, &args);
        else if (n->first_child)
            scan_dbd(p, n->first_child, s, here, driver, params);
    }
}

/* Where sencectl reads a course's ID number: Moodle's database as mod_dbd is told to open it
 * (the parameters as written in the configuration) and the table prefix. */
static const char *moodle_db(apr_pool_t *p, server_rec *main_s, server_rec *s,
                             const sence_srv_conf_t *sc)
{
    const char *driver = NULL, *params = NULL;

    scan_dbd(p, ap_conftree, main_s, 1, &driver, &params);
    if (s != main_s)
        scan_dbd(p, ap_conftree, s, 0, &driver, &params);
    if (params && !ap_exists_config_define("DUMP_SENCE_JSON_DBD"))
        params = "(hidden: add -D DUMP_SENCE_JSON_DBD)";
    return apr_psprintf(p, "\"moodle_prefix\":%s,\"dbd_driver\":%s,\"dbd_params\":%s",
                        js(p, sc->moodle.prefix ? sc->moodle.prefix : "mdl_"), js(p, driver),
                        js(p, params));
}

static const char *moodle_course(apr_pool_t *p, server_rec *s, const sence_section_t *sec,
                                 const sence_dir_conf_t *d, const char *key,
                                 const sence_moodle_course_t *c, const char *db)
{
    return apr_psprintf(p,
                        "{\"source\":\"moodle\",%s,\"moodle_course\":%s,\"course_where\":%s,"
                        "\"cod_sence\":%s,\"codigo_curso\":%s,\"linea\":%d,\"computed\":false,"
                        "%s}",
                        otec_members(p, s, sec, d), js(p, key), js(p, c->where),
                        js(p, c->cod_sence ? c->cod_sence : ""), js(p, c->codigo_curso),
                        c->linea ? c->linea : d->linea, db);
}

void sence_dump_json(apr_pool_t *p, server_rec *s)
{
    server_rec *main_s = s;
    const char *sep = "";

    printf("{\"courses\":[");
    for (; s; s = s->next) {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        const sence_section_t *moodle_sec = NULL;
        const sence_dir_conf_t *moodle_d = NULL;
        int i;

        for (i = 0; i < sc->sections->nelts; i++) {
            const sence_section_t *sec = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
            const sence_dir_conf_t *d =
                sec->path ? sence_section_effective(p, s, sec)
                          : ap_get_module_config(s->lookup_defaults, &sence_module);

            if (d->enabled != 1)
                continue;
            if (d->moodle.enabled == 1) {
                /* Moodle mode: the courses are the SenceMoodleCourse lines below. */
                if (!moodle_sec) {
                    moodle_sec = sec;
                    moodle_d = d;
                }
                continue;
            }
            printf("%s\n%s", sep, section_course(p, s, sec, d));
            sep = ",";
        }
        for (apr_hash_index_t *hi = apr_hash_first(p, sc->moodle.courses); moodle_sec && hi;
             hi = apr_hash_next(hi)) {
            const sence_moodle_course_t *c = apr_hash_this_val(hi);
            printf("%s\n%s", sep,
                   moodle_course(p, s, moodle_sec, moodle_d, apr_hash_this_key(hi), c,
                                 c->codigo_curso ? "\"dbd_driver\":null"
                                                 : moodle_db(p, main_s, s, sc)));
            sep = ",";
        }
    }
    printf("\n]}\n");
    fflush(stdout);
}
