/* mod_sence_sim: configuration and the SenceSim* directives. */
#include "sim.h"

sim_conf *sim_srv_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &sence_sim_module);
}

void *sim_create_srv(apr_pool_t *p, server_rec *s)
{
    sim_conf *c = apr_pcalloc(p, sizeof(*c));

    (void)s;
    c->otecs = apr_array_make(p, 2, sizeof(sim_otec));
    c->courses = apr_array_make(p, 4, sizeof(sim_course));
    c->login_timeout = -1;
    return c;
}

void *sim_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    const sim_conf *base = basev, *add = addv;
    sim_conf *c = apr_pcalloc(p, sizeof(*c));

    c->otecs = apr_is_empty_array(add->otecs) ? base->otecs : add->otecs;
    c->courses = apr_is_empty_array(add->courses) ? base->courses : add->courses;
    c->roster = add->roster ? add->roster : base->roster;
    c->login_timeout = add->login_timeout >= 0 ? add->login_timeout : base->login_timeout;
    c->zona = add->zona ? add->zona : base->zona;
    return c;
}

void *sim_create_dir(apr_pool_t *p, char *dir)
{
    sim_dir *d = apr_pcalloc(p, sizeof(*d));

    (void)dir;
    d->shape = -1;
    d->delay = -1;
    return d;
}

void *sim_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    const sim_dir *base = basev, *add = addv;
    sim_dir *d = apr_pcalloc(p, sizeof(*d));

    d->shape = add->shape >= 0 ? add->shape : base->shape;
    d->delay = add->delay >= 0 ? add->delay : base->delay;
    return d;
}

const sim_dir *sim_dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &sence_sim_module);
}

int sim_timeout(const sim_conf *c)
{
    return c->login_timeout >= 0 ? c->login_timeout : SIM_DEFAULT_TIMEOUT;
}

const char *sim_zona(const sim_conf *c)
{
    return c->zona ? c->zona : SIM_DEFAULT_ZONA;
}

/* The exact form SENCE accepts: 1-8 digits, hyphen, check digit (k in either case). */
int sim_run_strict(const char *s, char out[SENCE_RUN_MAX + 1])
{
    size_t n = s ? strlen(s) : 0, i;

    if (n < 3 || n > SENCE_RUN_MAX || s[n - 2] != '-')
        return 0;
    for (i = 0; i < n - 2; i++) {
        if (!apr_isdigit(s[i]))
            return 0;
    }
    if (!apr_isdigit(s[n - 1]) && s[n - 1] != 'k' && s[n - 1] != 'K')
        return 0;
    return sence_run_normalize(s, out) == SENCE_RUN_OK;
}

static const char *sim_norm_run_arg(cmd_parms *cmd, const char *arg, const char **out)
{
    char buf[SENCE_RUN_MAX + 1];
    sence_run_status_t st = sence_run_normalize(arg, buf);

    if (st != SENCE_RUN_OK)
        return apr_psprintf(cmd->pool, "%s: RUN/RUT '%s' is %s", cmd->cmd->name, arg,
                            sence_run_status_text(st));
    *out = apr_pstrdup(cmd->pool, buf);
    return NULL;
}

static const char *sim_roster_line(cmd_parms *cmd, apr_hash_t *roster, char *line)
{
    char *pw = line;
    const char *run, *err;

    while (*pw && !apr_isspace(*pw))
        pw++;
    if (*pw)
        *pw++ = '\0';
    while (apr_isspace(*pw))
        pw++;
    if (!*pw)
        return "missing password";
    err = sim_norm_run_arg(cmd, line, &run);
    if (err)
        return err;
    apr_hash_set(roster, run, APR_HASH_KEY_STRING, apr_pstrdup(cmd->pool, pw));
    return NULL;
}

static const char *sim_set_roster(cmd_parms *cmd, void *dummy, const char *arg)
{
    sim_conf *c = sim_srv_conf(cmd->server);
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    ap_configfile_t *cf;
    char line[1024];
    apr_status_t rv;

    (void)dummy;
    if (!path)
        return apr_psprintf(cmd->pool, "SenceSimRoster: invalid path '%s'", arg);
    rv = ap_pcfg_openfile(&cf, cmd->temp_pool, path);
    if (rv != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "SenceSimRoster: cannot read %s: %pm", path, &rv);
    c->roster = apr_hash_make(cmd->pool);
    while ((rv = ap_cfg_getline(line, sizeof(line), cf)) == APR_SUCCESS) {
        const char *err;

        if (!line[0] || line[0] == '#')
            continue;
        err = sim_roster_line(cmd, c->roster, line);
        if (err) {
            ap_cfg_closefile(cf);
            return apr_psprintf(cmd->pool, "SenceSimRoster: %s line %u: %s", path, cf->line_number,
                                err);
        }
    }
    ap_cfg_closefile(cf);
    if (rv != APR_EOF)
        return apr_psprintf(cmd->pool, "SenceSimRoster: cannot read %s: %pm", path, &rv);
    return NULL;
}

static const char *sim_set_otec(cmd_parms *cmd, void *dummy, const char *rut, const char *token,
                                const char *state)
{
    sim_conf *c = sim_srv_conf(cmd->server);
    sim_otec *o;
    const char *norm, *err;

    (void)dummy;
    err = sim_norm_run_arg(cmd, rut, &norm);
    if (err)
        return err;
    if (strlen(token) != SIM_TOKEN_LEN)
        return "SenceSimOtec: the token must be 36 characters long";
    if (state && strcasecmp(state, "vigente") && strcasecmp(state, "vencido"))
        return "SenceSimOtec: the third argument must be 'vigente' or 'vencido'";
    o = apr_array_push(c->otecs);
    o->rut = norm;
    o->token = token;
    o->vigente = !state || !strcasecmp(state, "vigente");
    return NULL;
}

int sim_parse_linea(const char *s)
{
    char *end;
    long v;

    if (!s || !*s)
        return 0;
    v = strtol(s, &end, 10);
    if (*end || (v != 1 && v != 3 && v != 6))
        return 0;
    return (int)v;
}

static const char *sim_set_course(cmd_parms *cmd, void *dummy, int argc, char *const argv[])
{
    sim_conf *c = sim_srv_conf(cmd->server);
    sim_course *k;
    int i;

    (void)dummy;
    if (argc < 3)
        return "SenceSimCourse: expected CODSENCE CODIGOCURSO LINEA [RUN ...]";
    k = apr_array_push(c->courses);
    k->cod_sence = strcmp(argv[0], "-") ? argv[0] : "";
    k->codigo_curso = argv[1];
    k->linea = sim_parse_linea(argv[2]);
    if (!k->linea)
        return "SenceSimCourse: LINEA must be 1, 3 or 6";
    k->runs = apr_array_make(cmd->pool, argc, sizeof(const char *));
    k->state_code = 0;
    for (i = 3; i < argc; i++) {
        const char *err = sim_norm_run_arg(cmd, argv[i], apr_array_push(k->runs));
        if (err)
            return err;
    }
    return NULL;
}

static const char *sim_set_timeout(cmd_parms *cmd, void *dummy, const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);

    (void)dummy;
    if (*end || end == arg || v < 1 || v > 86400)
        return "SenceSimLoginTimeout: expected a number of seconds between 1 and 86400";
    sim_srv_conf(cmd->server)->login_timeout = (int)v;
    return NULL;
}

static const char *sim_set_shape(cmd_parms *cmd, void *dv, const char *arg)
{
    static const char *const names[SIM_SHAPE_COUNT] = {
        "standard", "reordered", "unquoted", "broken", "several", "table", "entities", "noform"};
    sim_dir *d = dv;
    int i;

    (void)cmd;
    for (i = 0; i < SIM_SHAPE_COUNT; i++) {
        if (!strcasecmp(arg, names[i])) {
            d->shape = i;
            return NULL;
        }
    }
    return "SenceSimAnswerShape: expected standard, reordered, unquoted, broken, several, table, "
           "entities or noform";
}

static const char *sim_set_delay(cmd_parms *cmd, void *dv, const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);

    (void)cmd;
    if (*end || end == arg || v < 0 || v > 600)
        return "SenceSimDelay: expected a number of seconds between 0 and 600";
    ((sim_dir *)dv)->delay = (int)v;
    return NULL;
}

/* A known course SENCE would refuse whoever asks: not e-learning (307), outside its dates
 * (309), finished or cancelled (310). */
static const char *sim_set_course_state(cmd_parms *cmd, void *dummy, const char *codigo,
                                        const char *state)
{
    sim_conf *c = sim_srv_conf(cmd->server);
    int code, i, found = 0;

    (void)dummy;
    if (!strcasecmp(state, "presencial"))
        code = 307;
    else if (!strcasecmp(state, "fuera-de-fechas"))
        code = 309;
    else if (!strcasecmp(state, "finalizado"))
        code = 310;
    else
        return "SenceSimCourseState: expected presencial, fuera-de-fechas or finalizado";
    for (i = 0; i < c->courses->nelts; i++) {
        sim_course *k = &APR_ARRAY_IDX(c->courses, i, sim_course);
        if (!strcasecmp(k->codigo_curso, codigo)) {
            k->state_code = code;
            found = 1;
        }
    }
    return found ? NULL : "SenceSimCourseState: no SenceSimCourse above has this CodigoCurso";
}

static const char *sim_set_zona(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    sim_srv_conf(cmd->server)->zona = arg;
    return NULL;
}

const command_rec sim_cmds[] = {
    AP_INIT_TAKE1("SenceSimRoster", sim_set_roster, NULL, RSRC_CONF,
                  "File of 'RUN PASSWORD' lines accepted at the simulated login"),
    AP_INIT_TAKE23("SenceSimOtec", sim_set_otec, NULL, RSRC_CONF,
                   "RUT TOKEN [vigente|vencido]: an OTEC and one of its tokens"),
    AP_INIT_TAKE_ARGV("SenceSimCourse", sim_set_course, NULL, RSRC_CONF,
                      "CODSENCE CODIGOCURSO LINEA [RUN ...]: a known course and its "
                      "authorised participants ('-' for no CodSence)"),
    AP_INIT_TAKE1("SenceSimLoginTimeout", sim_set_timeout, NULL, RSRC_CONF,
                  "Seconds allowed between the login page and its submission (210)"),
    AP_INIT_TAKE1("SenceSimZonaHoraria", sim_set_zona, NULL, RSRC_CONF, "Text sent as ZonaHoraria"),
    AP_INIT_TAKE2("SenceSimCourseState", sim_set_course_state, NULL, RSRC_CONF,
                  "CODIGOCURSO presencial|fuera-de-fechas|finalizado: refused with 307, 309, 310"),
    AP_INIT_TAKE1("SenceSimAnswerShape", sim_set_shape, NULL, RSRC_CONF | ACCESS_CONF,
                  "How error pages are written: standard, reordered, unquoted, broken, several, "
                  "table, entities, noform"),
    AP_INIT_TAKE1("SenceSimDelay", sim_set_delay, NULL, RSRC_CONF | ACCESS_CONF,
                  "Seconds to wait before answering (a slow SENCE)"),
    {.name = NULL}};
