/* mod_sence_sim: a stand-in for SENCE's "Registro de Asistencia E-Learning"
 * (RCE) endpoints, for tests and demos. See mod_sence/sim/README.md. */

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_script.h"

#include "apr_general.h"
#include "apr_hash.h"
#include "apr_lib.h"
#include "apr_sha1.h"
#include "apr_strings.h"
#include "apr_time.h"
#include "apr_uri.h"

#include <stdlib.h>
#include <string.h>

#include "run.h"

#pragma GCC visibility push(default)
module AP_MODULE_DECLARE_DATA sence_sim_module;
#pragma GCC visibility pop
APLOG_USE_MODULE(sence_sim);

#define SIM_HANDLER "sence-sim"
#define SIM_TITLE "Simulador SENCE — Registro de Asistencia"
#define SIM_FORM_MAX 16384
#define SIM_FORM_FIELDS 64
#define SIM_URL_MAX 100
#define SIM_TOKEN_LEN 36
#define SIM_KEY_LEN 32
#define SIM_MAX_CODES 24
#define SIM_DEFAULT_TIMEOUT 180
#define SIM_DEFAULT_ZONA "America/Santiago"

/* ------------------------------------------------------------------------------------------ */
/* Configuration */

typedef struct {
    const char *rut; /* normalised */
    const char *token;
    int vigente;
} sim_otec;

typedef struct {
    const char *cod_sence; /* "" when the course has none (line 1) */
    const char *codigo_curso;
    int linea;
    apr_array_header_t *runs; /* normalised RUNs; empty means anyone */
} sim_course;

typedef struct {
    apr_array_header_t *otecs;   /* sim_otec */
    apr_array_header_t *courses; /* sim_course */
    apr_hash_t *roster;          /* normalised RUN -> password; NULL if no roster */
    int login_timeout;           /* seconds; -1 when unset */
    const char *zona;            /* NULL when unset */
} sim_conf;

/* Key for the login page's hidden-state HMAC; set in post_config, inherited by children. */
static unsigned char sim_key[SIM_KEY_LEN];

static sim_conf *sim_srv_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &sence_sim_module);
}

static void *sim_create_srv(apr_pool_t *p, server_rec *s)
{
    sim_conf *c = apr_pcalloc(p, sizeof(*c));

    (void)s;
    c->otecs = apr_array_make(p, 2, sizeof(sim_otec));
    c->courses = apr_array_make(p, 4, sizeof(sim_course));
    c->login_timeout = -1;
    return c;
}

static void *sim_merge_srv(apr_pool_t *p, void *basev, void *addv)
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

static int sim_timeout(const sim_conf *c)
{
    return c->login_timeout >= 0 ? c->login_timeout : SIM_DEFAULT_TIMEOUT;
}

static const char *sim_zona(const sim_conf *c)
{
    return c->zona ? c->zona : SIM_DEFAULT_ZONA;
}

/* The exact form SENCE accepts: 1-8 digits, hyphen, check digit (k in either case). */
static int sim_run_strict(const char *s, char out[SENCE_RUN_MAX + 1])
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

static int sim_parse_linea(const char *s)
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

static const char *sim_set_zona(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    sim_srv_conf(cmd->server)->zona = arg;
    return NULL;
}

static const command_rec sim_cmds[] = {
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
    {.name = NULL}};

/* ------------------------------------------------------------------------------------------ */
/* Request data */

enum {
    F_RUT_OTEC,
    F_TOKEN,
    F_COD_SENCE,
    F_CODIGO_CURSO,
    F_LINEA,
    F_RUN_ALUMNO,
    F_ID_ALUMNO,
    F_URL_RETOMA,
    F_URL_ERROR,
    F_ID_SENCE,
    F_COUNT
};

static const char *const sim_field_names[F_COUNT] = {
    "RutOtec",   "Token",          "CodSence",  "CodigoCurso", "LineaCapacitacion",
    "RunAlumno", "IdSesionAlumno", "UrlRetoma", "UrlError",    "IdSesionSence"};

typedef enum { ACT_NONE, ACT_START, ACT_CLOSE, ACT_LOGIN } sim_action;

typedef struct {
    const char *v[F_COUNT]; /* NULL when absent */
    int closing;
} sim_req;

typedef struct {
    int code[SIM_MAX_CODES];
    int n;
} sim_codes;

/* Keeps the list sorted and without duplicates, so GlosaError reads e.g. "207;211". */
static void sim_add(sim_codes *cs, int code)
{
    int i, j;

    for (i = 0; i < cs->n && cs->code[i] < code; i++)
        ;
    if ((i < cs->n && cs->code[i] == code) || cs->n == SIM_MAX_CODES)
        return;
    for (j = cs->n; j > i; j--)
        cs->code[j] = cs->code[j - 1];
    cs->code[i] = code;
    cs->n++;
}

static const char *sim_glosa(apr_pool_t *p, const sim_codes *cs)
{
    const char *s = "";
    int i;

    for (i = 0; i < cs->n; i++)
        s = apr_psprintf(p, "%s%s%d", s, i ? ";" : "", cs->code[i]);
    return s;
}

static int sim_blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++) {
        if (!apr_isspace(*s))
            return 0;
    }
    return 1;
}

static const char *sim_val(const sim_req *q, int f)
{
    return q->v[f] ? q->v[f] : "";
}

/* First occurrence of each field wins; names match case-insensitively, as in ASP.NET. */
static int sim_read_form(request_rec *r, apr_table_t **out)
{
    apr_array_header_t *pairs = NULL;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    int i, rv;

    *out = apr_table_make(r->pool, 16);
    if (cl && apr_atoi64(cl) > SIM_FORM_MAX)
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    rv = ap_parse_form_data(r, NULL, &pairs, SIM_FORM_FIELDS, SIM_FORM_MAX);
    if (rv != OK || !pairs)
        return rv;
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        apr_off_t len;
        apr_size_t size;
        char *buf;

        if (apr_table_get(*out, pair->name))
            continue;
        apr_brigade_length(pair->value, 1, &len);
        size = (apr_size_t)len;
        buf = apr_palloc(r->pool, size + 1);
        apr_brigade_flatten(pair->value, buf, &size);
        buf[size] = '\0';
        apr_table_setn(*out, pair->name, buf);
    }
    return OK;
}

static void sim_load_req(apr_table_t *in, sim_req *q, int closing)
{
    int f;

    for (f = 0; f < F_COUNT; f++)
        q->v[f] = apr_table_get(in, sim_field_names[f]);
    q->closing = closing;
}

static const char *sim_now_text(apr_pool_t *p)
{
    apr_time_exp_t tm;
    apr_size_t len;
    char buf[32];

    apr_time_exp_lt(&tm, apr_time_now());
    apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return apr_pstrdup(p, buf);
}

static const char *sim_random_hex(apr_pool_t *p, apr_size_t bytes)
{
    unsigned char raw[32];
    char *hex = apr_palloc(p, 2 * bytes + 1);

    if (bytes > sizeof(raw) || apr_generate_random_bytes(raw, bytes) != APR_SUCCESS)
        return NULL;
    ap_bin2hex(raw, bytes, hex);
    return hex;
}

/* ------------------------------------------------------------------------------------------ */
/* Validation of IniciarSesion / CerrarSesion */

static int sim_url_ok(apr_pool_t *p, const char *s)
{
    apr_uri_t u;
    const char *c;

    if (strlen(s) > SIM_URL_MAX)
        return 0;
    for (c = s; *c; c++) {
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return 0;
    }
    if (apr_uri_parse(p, s, &u) != APR_SUCCESS || !u.scheme || !u.hostname || !*u.hostname)
        return 0;
    return !strcasecmp(u.scheme, "http") || !strcasecmp(u.scheme, "https");
}

static void sim_check_present(const sim_req *q, sim_codes *cs)
{
    int f;

    for (f = 0; f < F_COUNT; f++) {
        if (f == F_URL_RETOMA || f == F_URL_ERROR || (f == F_ID_SENCE && !q->closing))
            continue;
        if (f == F_COD_SENCE && sim_parse_linea(q->v[F_LINEA]) == 1)
            continue;
        if (sim_blank(q->v[f]))
            sim_add(cs, 200);
    }
}

static void sim_check_urls(apr_pool_t *p, const sim_req *q, sim_codes *cs)
{
    if (sim_blank(q->v[F_URL_RETOMA]) || sim_blank(q->v[F_URL_ERROR]))
        sim_add(cs, 201);
    if (!sim_blank(q->v[F_URL_RETOMA]) && !sim_url_ok(p, q->v[F_URL_RETOMA]))
        sim_add(cs, 202);
    if (!sim_blank(q->v[F_URL_ERROR]) && !sim_url_ok(p, q->v[F_URL_ERROR]))
        sim_add(cs, 203);
}

static void sim_check_formats(const sim_req *q, sim_codes *cs)
{
    const char *cod = q->v[F_COD_SENCE], *curso = q->v[F_CODIGO_CURSO];
    char run[SENCE_RUN_MAX + 1];
    size_t len;

    if (!sim_blank(cod) && strcmp(cod, "-1") && strlen(cod) != 10)
        sim_add(cs, 204);
    len = curso ? strlen(curso) : 0;
    if (!sim_blank(curso) && strcmp(curso, "-1") && (len < 7 || len > 50))
        sim_add(cs, 205);
    if (!sim_blank(q->v[F_LINEA]) && !sim_parse_linea(q->v[F_LINEA]))
        sim_add(cs, 206);
    if (!sim_blank(q->v[F_RUN_ALUMNO]) && !sim_run_strict(q->v[F_RUN_ALUMNO], run))
        sim_add(cs, 207);
    if (!sim_blank(q->v[F_RUT_OTEC]) && !sim_run_strict(q->v[F_RUT_OTEC], run))
        sim_add(cs, 209);
    if (strlen(sim_val(q, F_ID_ALUMNO)) > 149 || strlen(sim_val(q, F_ID_SENCE)) > 149)
        sim_add(cs, 200);
}

/* Ownership is only judged for a well-formed RutOtec; a malformed one is reported as 209. */
static void sim_check_token(const sim_conf *c, const sim_req *q, sim_codes *cs)
{
    const char *token = q->v[F_TOKEN];
    char rut[SENCE_RUN_MAX + 1];
    int rut_ok = sim_run_strict(q->v[F_RUT_OTEC], rut);
    const sim_otec *own = NULL;
    int i, known = 0;

    if (sim_blank(token))
        return;
    for (i = 0; strlen(token) == SIM_TOKEN_LEN && i < c->otecs->nelts; i++) {
        const sim_otec *o = &APR_ARRAY_IDX(c->otecs, i, sim_otec);

        if (strcasecmp(o->token, token))
            continue;
        known = 1;
        if (rut_ok && !strcmp(o->rut, rut))
            own = o;
    }
    if (!known)
        sim_add(cs, 303);
    else if (rut_ok && !own)
        sim_add(cs, 211);
    else if (own && !own->vigente)
        sim_add(cs, 212);
}

/* NULL criteria match anything. */
static const sim_course *sim_find_course(const sim_conf *c, const char *codigo, const char *cod)
{
    int i;

    for (i = 0; i < c->courses->nelts; i++) {
        const sim_course *k = &APR_ARRAY_IDX(c->courses, i, sim_course);

        if (codigo && strcasecmp(k->codigo_curso, codigo))
            continue;
        if (cod && strcmp(k->cod_sence, cod))
            continue;
        return k;
    }
    return NULL;
}

static int sim_run_listed(const sim_course *k, const char *run)
{
    int i;

    for (i = 0; i < k->runs->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(k->runs, i, const char *), run))
            return 1;
    }
    return 0;
}

/* Only called with a well-formed CodigoCurso other than "-1". */
static void sim_check_course(const sim_conf *c, const sim_req *q, sim_codes *cs)
{
    const char *cod = sim_blank(q->v[F_COD_SENCE]) ? "" : q->v[F_COD_SENCE];
    const sim_course *k = sim_find_course(c, q->v[F_CODIGO_CURSO], cod);
    char run[SENCE_RUN_MAX + 1];
    int linea = sim_parse_linea(q->v[F_LINEA]);

    if (!k) {
        k = sim_find_course(c, q->v[F_CODIGO_CURSO], NULL);
        if (!k) {
            sim_add(cs, 301);
            return;
        }
        /* A malformed CodSence was already reported as 200 or 204. */
        if (strlen(cod) == 10 || (!*cod && linea == 1))
            sim_add(cs, 306);
    }
    if (linea && linea != k->linea)
        sim_add(cs, 301);
    if (!apr_is_empty_array(k->runs) && sim_run_strict(q->v[F_RUN_ALUMNO], run) &&
        !sim_run_listed(k, run))
        sim_add(cs, 208);
}

static void sim_check_courses(const sim_conf *c, const sim_req *q, sim_codes *cs)
{
    const char *cod = q->v[F_COD_SENCE], *curso = q->v[F_CODIGO_CURSO];
    size_t len = curso ? strlen(curso) : 0;

    if (sim_blank(curso) || len < 7 || len > 50) {
        /* "-1" (test environment) or already reported as 200/205. */
        if (curso && !strcmp(curso, "-1") && !sim_blank(cod) && strcmp(cod, "-1") &&
            strlen(cod) == 10 && !sim_find_course(c, NULL, cod))
            sim_add(cs, 301);
        return;
    }
    sim_check_course(c, q, cs);
}

static void sim_validate(apr_pool_t *p, const sim_conf *c, const sim_req *q, sim_codes *cs)
{
    sim_check_present(q, cs);
    sim_check_urls(p, q, cs);
    sim_check_formats(q, cs);
    sim_check_token(c, q, cs);
    sim_check_courses(c, q, cs);
}

/* ------------------------------------------------------------------------------------------ */
/* Output */

typedef struct {
    const char *name;
    const char *value;
} sim_pair;

static const char *sim_code_text(int code)
{
    switch (code) {
    case 200:
        return "Falta un parámetro obligatorio, está mal escrito o vacío.";
    case 201:
        return "UrlRetoma y/o UrlError vienen vacías.";
    case 202:
        return "UrlRetoma tiene un formato incorrecto.";
    case 203:
        return "UrlError tiene un formato incorrecto.";
    case 204:
        return "El código SENCE tiene menos de 10 caracteres o no es válido.";
    case 205:
        return "El código del curso tiene menos de 7 caracteres o no es válido.";
    case 206:
        return "La línea de capacitación no es válida.";
    case 207:
        return "El RUN del participante tiene un formato incorrecto o un dígito "
               "verificador erróneo.";
    case 208:
        return "El RUN del participante no está autorizado para este curso.";
    case 209:
        return "El RUT del OTEC tiene un formato incorrecto o un dígito verificador "
               "erróneo.";
    case 210:
        return "Expiró el tiempo para ingresar el RUN y la clave.";
    case 211:
        return "El token no pertenece al OTEC.";
    case 212:
        return "El token no está vigente.";
    case 301:
        return "No se pudo registrar el inicio o cierre de sesión (línea o código de "
               "curso erróneo).";
    case 303:
        return "El token no existe o tiene un formato incorrecto.";
    case 304:
        return "No se pudieron verificar los datos enviados.";
    case 306:
        return "El código del curso no corresponde al código SENCE.";
    case 311:
        return "El RUN ingresado no coincide con el RUN del participante.";
    case 312:
        return "No se pudo autenticar al participante.";
    default:
        return "Código desconocido.";
    }
}

static void sim_headers(request_rec *r, int status)
{
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
}

static void sim_page_start(request_rec *r, int status)
{
    sim_headers(r, status);
    ap_rputs("<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<title>" SIM_TITLE "</title>\n</head>\n<body>\n<h1>" SIM_TITLE "</h1>\n",
             r);
}

static void sim_page_end(request_rec *r)
{
    ap_rputs("</body>\n</html>\n", r);
}

static void sim_code_list(request_rec *r, const sim_codes *cs)
{
    int i;

    ap_rputs("<ul>\n", r);
    for (i = 0; i < cs->n; i++)
        ap_rprintf(r, "<li>%d: %s</li>\n", cs->code[i], sim_code_text(cs->code[i]));
    ap_rputs("</ul>\n", r);
}

static void sim_hidden(request_rec *r, const char *name, const char *value)
{
    ap_rprintf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
               ap_escape_html2(r->pool, name, 0), ap_escape_html2(r->pool, value, 0));
}

/* The page SENCE uses to hand the browser back to the LMS: a self-submitting POST form. */
static int sim_auto_post(request_rec *r, const char *url, const sim_pair *fields, int n,
                         const sim_codes *cs)
{
    int i;

    sim_page_start(r, HTTP_OK);
    if (cs) {
        ap_rputs("<p>No se pudo registrar la asistencia:</p>\n", r);
        sim_code_list(r, cs);
    } else {
        ap_rputs("<p>Operación registrada. Volviendo a la plataforma de capacitación.</p>\n", r);
    }
    ap_rprintf(r, "<form id=\"sence-sim-form\" method=\"post\" action=\"%s\">\n",
               ap_escape_html2(r->pool, url, 0));
    for (i = 0; i < n; i++)
        sim_hidden(r, fields[i].name, fields[i].value);
    ap_rputs("<button type=\"submit\">Continuar</button>\n</form>\n"
             "<script>document.getElementById('sence-sim-form').submit();</script>\n",
             r);
    sim_page_end(r);
    return OK;
}

static int sim_message_page(request_rec *r, int status, const char *text, const sim_codes *cs)
{
    sim_page_start(r, status);
    ap_rprintf(r, "<p>%s</p>\n", text);
    if (cs)
        sim_code_list(r, cs);
    sim_page_end(r);
    return OK;
}

static int sim_send_error(request_rec *r, const sim_conf *c, const sim_req *q, const sim_codes *cs)
{
    const char *url = q->v[F_URL_ERROR];
    sim_pair f[] = {
        {"CodSence", sim_val(q, F_COD_SENCE)},       {"CodigoCurso", sim_val(q, F_CODIGO_CURSO)},
        {"IdSesionAlumno", sim_val(q, F_ID_ALUMNO)}, {"RunAlumno", sim_val(q, F_RUN_ALUMNO)},
        {"FechaHora", sim_now_text(r->pool)},        {"ZonaHoraria", sim_zona(c)},
        {"LineaCapacitacion", sim_val(q, F_LINEA)},  {"GlosaError", sim_glosa(r->pool, cs)}};

    if (sim_blank(url) || !sim_url_ok(r->pool, url))
        return sim_message_page(r, HTTP_BAD_REQUEST,
                                "No se pudo registrar la asistencia y la dirección de error "
                                "(UrlError) no es utilizable:",
                                cs);
    return sim_auto_post(r, url, f, (int)(sizeof(f) / sizeof(f[0])), cs);
}

static const char *sim_log_val(request_rec *r, const sim_req *q, int f)
{
    return ap_escape_logitem(r->pool, sim_val(q, f));
}

static void sim_log(request_rec *r, const sim_req *q, const char *what, const char *glosa)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "sence-sim: %s: GlosaError=%s RutOtec=%s CodSence=%s CodigoCurso=%s "
                  "Linea=%s RunAlumno=%s IdSesionAlumno=%s",
                  what, glosa ? glosa : "-", sim_log_val(r, q, F_RUT_OTEC),
                  sim_log_val(r, q, F_COD_SENCE), sim_log_val(r, q, F_CODIGO_CURSO),
                  sim_log_val(r, q, F_LINEA), sim_log_val(r, q, F_RUN_ALUMNO),
                  sim_log_val(r, q, F_ID_ALUMNO));
}

static int sim_reject(request_rec *r, const sim_conf *c, const sim_req *q, const sim_codes *cs,
                      const char *what)
{
    sim_log(r, q, what, sim_glosa(r->pool, cs));
    return sim_send_error(r, c, q, cs);
}

/* ------------------------------------------------------------------------------------------ */
/* Signed hidden state of the login page */

static void sim_hmac(const char *msg, apr_size_t len, char hex[2 * APR_SHA1_DIGESTSIZE + 1])
{
    unsigned char pad[64], inner[APR_SHA1_DIGESTSIZE], outer[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;
    size_t i;

    /* The key is shorter than the SHA-1 block, so it is used as is (RFC 2104). */
    memset(pad, 0x36, sizeof(pad));
    for (i = 0; i < SIM_KEY_LEN; i++)
        pad[i] ^= sim_key[i];
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, pad, sizeof(pad));
    apr_sha1_update_binary(&ctx, (const unsigned char *)msg, (unsigned int)len);
    apr_sha1_final(inner, &ctx);
    for (i = 0; i < sizeof(pad); i++)
        pad[i] ^= 0x36 ^ 0x5c;
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, pad, sizeof(pad));
    apr_sha1_update_binary(&ctx, inner, sizeof(inner));
    apr_sha1_final(outer, &ctx);
    ap_bin2hex(outer, sizeof(outer), hex);
}

/* Length-prefixed so that no two different states share a canonical form. */
static const char *sim_state_sign(apr_pool_t *p, const sim_req *q, const char *accion,
                                  const char *emitido)
{
    char *hex = apr_palloc(p, 2 * APR_SHA1_DIGESTSIZE + 1);
    const char *msg = apr_psprintf(p, "%" APR_SIZE_T_FMT ":%s%" APR_SIZE_T_FMT ":%s",
                                   strlen(accion), accion, strlen(emitido), emitido);
    int f;

    for (f = 0; f < F_COUNT; f++)
        msg =
            apr_psprintf(p, "%s%" APR_SIZE_T_FMT ":%s", msg, strlen(sim_val(q, f)), sim_val(q, f));
    sim_hmac(msg, strlen(msg), hex);
    return hex;
}

static int sim_equal_ct(const char *a, const char *b)
{
    size_t i, n = strlen(a);
    unsigned char diff = 0;

    if (n != strlen(b))
        return 0;
    for (i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static void sim_login_summary(request_rec *r, const sim_req *q)
{
    static const struct {
        int field;
        const char *label;
    } rows[] = {{F_COD_SENCE, "Código SENCE"},
                {F_CODIGO_CURSO, "Código del curso"},
                {F_LINEA, "Línea de capacitación"},
                {F_RUN_ALUMNO, "RUN del participante"}};
    size_t i;

    ap_rputs("<dl>\n", r);
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ap_rprintf(r, "<dt>%s</dt><dd>%s</dd>\n", rows[i].label,
                   ap_escape_html2(r->pool, sim_val(q, rows[i].field), 0));
    ap_rputs("</dl>\n", r);
}

static int sim_login_page(request_rec *r, const sim_conf *c, const sim_req *q, const char *prefix)
{
    const char *accion = q->closing ? "cerrar" : "iniciar";
    const char *emitido = apr_psprintf(r->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    const char *action =
        apr_pstrcat(r->pool, ap_escape_uri(r->pool, prefix), "/Registro/Login", NULL);
    int f;

    sim_page_start(r, HTTP_OK);
    ap_rprintf(r, "<h2>%s</h2>\n", q->closing ? "Cierre de sesión" : "Inicio de sesión");
    sim_login_summary(r, q);
    ap_rputs("<p>Entorno de pruebas: no se registra asistencia real.</p>\n", r);
    ap_rprintf(r, "<form method=\"post\" action=\"%s\">\n", ap_escape_html2(r->pool, action, 0));
    ap_rputs("<p><label>RUN <input type=\"text\" name=\"run\" autocomplete=\"username\" "
             "placeholder=\"12345678-9\"></label></p>\n"
             "<p><label>Clave <input type=\"password\" name=\"clave\" "
             "autocomplete=\"current-password\"></label></p>\n",
             r);
    for (f = 0; f < F_COUNT; f++) {
        if (f != F_ID_SENCE || q->closing)
            sim_hidden(r, sim_field_names[f], sim_val(q, f));
    }
    sim_hidden(r, "accion", accion);
    sim_hidden(r, "emitido", emitido);
    sim_hidden(r, "firma", sim_state_sign(r->pool, q, accion, emitido));
    ap_rprintf(r,
               "<p><button type=\"submit\">Ingresar</button></p>\n</form>\n"
               "<p>Tiene %d segundos para ingresar su RUN y clave.</p>\n",
               sim_timeout(c));
    sim_page_end(r);
    return OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Handlers */

static int sim_handle_start(request_rec *r, const sim_conf *c, apr_table_t *in, const char *prefix,
                            int closing)
{
    const char *what = closing ? "CerrarSesion" : "IniciarSesion";
    sim_req q;
    sim_codes cs = {{0}, 0};

    sim_load_req(in, &q, closing);
    sim_validate(r->pool, c, &q, &cs);
    if (cs.n)
        return sim_reject(r, c, &q, &cs, apr_pstrcat(r->pool, what, " rejected", NULL));
    sim_log(r, &q, apr_pstrcat(r->pool, what, " accepted, login page served", NULL), NULL);
    return sim_login_page(r, c, &q, prefix);
}

/* 304 when the hidden state was altered; 0 when it is intact. */
static int sim_check_state(const sim_req *q, apr_table_t *in, apr_pool_t *p)
{
    const char *accion = apr_table_get(in, "accion");
    const char *emitido = apr_table_get(in, "emitido");
    const char *firma = apr_table_get(in, "firma");

    if (!accion || !emitido || !firma)
        return 304;
    if (strcmp(accion, "iniciar") && strcmp(accion, "cerrar"))
        return 304;
    return sim_equal_ct(sim_state_sign(p, q, accion, emitido), firma) ? 0 : 304;
}

/* Authentication fails before the RUN comparison, as at Clave Única. */
static int sim_check_login(const sim_conf *c, const sim_req *q, apr_table_t *in)
{
    const char *run_in = apr_table_get(in, "run"), *clave = apr_table_get(in, "clave");
    const char *expected;
    char typed[SENCE_RUN_MAX + 1], alumno[SENCE_RUN_MAX + 1];
    apr_int64_t emitido = apr_atoi64(apr_table_get(in, "emitido"));

    if (apr_time_sec(apr_time_now()) - emitido > sim_timeout(c))
        return 210;
    if (sence_run_normalize(run_in, typed) != SENCE_RUN_OK || !c->roster)
        return 312;
    expected = apr_hash_get(c->roster, typed, APR_HASH_KEY_STRING);
    if (!expected || !clave || !sim_equal_ct(expected, clave))
        return 312;
    if (sence_run_normalize(q->v[F_RUN_ALUMNO], alumno) != SENCE_RUN_OK || strcmp(typed, alumno))
        return 311;
    return 0;
}

static int sim_send_success(request_rec *r, const sim_conf *c, const sim_req *q)
{
    const char *id_sence = sim_random_hex(r->pool, 16);
    sim_pair f[8];
    int n = 0;

    if (!id_sence)
        return HTTP_INTERNAL_SERVER_ERROR;
    f[n++] = (sim_pair){"CodSence", sim_val(q, F_COD_SENCE)};
    f[n++] = (sim_pair){"CodigoCurso", sim_val(q, F_CODIGO_CURSO)};
    f[n++] = (sim_pair){"IdSesionAlumno", sim_val(q, F_ID_ALUMNO)};
    if (!q->closing)
        f[n++] = (sim_pair){"IdSesionSence", id_sence};
    f[n++] = (sim_pair){"RunAlumno", sim_val(q, F_RUN_ALUMNO)};
    f[n++] = (sim_pair){"FechaHora", sim_now_text(r->pool)};
    f[n++] = (sim_pair){"ZonaHoraria", sim_zona(c)};
    f[n++] = (sim_pair){"LineaCapacitacion", sim_val(q, F_LINEA)};
    return sim_auto_post(r, q->v[F_URL_RETOMA], f, n, NULL);
}

static int sim_handle_login(request_rec *r, const sim_conf *c, apr_table_t *in)
{
    const char *accion = apr_table_get(in, "accion");
    sim_req q;
    sim_codes cs = {{0}, 0};
    int code;

    sim_load_req(in, &q, accion && !strcmp(accion, "cerrar"));
    code = sim_check_state(&q, in, r->pool);
    if (!code)
        code = sim_check_login(c, &q, in);
    if (code) {
        sim_add(&cs, code);
        return sim_reject(r, c, &q, &cs, q.closing ? "login (cerrar) failed" : "login failed");
    }
    if (q.closing)
        sim_log(r, &q, "session closed, UrlRetoma form served", NULL);
    else
        sim_log(r, &q, "session started, UrlRetoma form served", NULL);
    return sim_send_success(r, c, &q);
}

/* The action is the URI's suffix; whatever precedes it is the configured prefix. */
static sim_action sim_route(request_rec *r, const char **prefix)
{
    static const struct {
        const char *suffix;
        sim_action act;
    } routes[] = {{"/Registro/IniciarSesion", ACT_START},
                  {"/Registro/CerrarSesion", ACT_CLOSE},
                  {"/Registro/Login", ACT_LOGIN}};
    size_t i, n = strlen(r->uri);

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        size_t sl = strlen(routes[i].suffix);

        if (n >= sl && !strcasecmp(r->uri + n - sl, routes[i].suffix)) {
            *prefix = apr_pstrndup(r->pool, r->uri, n - sl);
            return routes[i].act;
        }
    }
    return ACT_NONE;
}

static int sim_handler(request_rec *r)
{
    const sim_conf *c = sim_srv_conf(r->server);
    const char *prefix = "";
    sim_action act;
    apr_table_t *in;
    int rv;

    if (!r->handler || strcmp(r->handler, SIM_HANDLER))
        return DECLINED;
    act = sim_route(r, &prefix);
    if (act == ACT_NONE)
        return sim_message_page(r, HTTP_NOT_FOUND, "Página no encontrada.", NULL);
    if (r->method_number != M_POST) {
        r->allowed = AP_METHOD_BIT << M_POST;
        apr_table_setn(r->headers_out, "Allow", "POST");
        return sim_message_page(r, HTTP_METHOD_NOT_ALLOWED, "Método no permitido: use POST.", NULL);
    }
    rv = sim_read_form(r, &in);
    if (rv != OK)
        return sim_message_page(r, rv, "No se pudo leer el formulario enviado.", NULL);
    if (act == ACT_LOGIN)
        return sim_handle_login(r, c, in);
    return sim_handle_start(r, c, in, prefix, act == ACT_CLOSE);
}

static int sim_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_status_t rv = apr_generate_random_bytes(sim_key, sizeof(sim_key));

    (void)pconf;
    (void)plog;
    (void)ptemp;
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "sence-sim: cannot generate the HMAC key");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static void sim_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_post_config(sim_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(sim_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

#pragma GCC visibility push(default) /* the one exported symbol */
module AP_MODULE_DECLARE_DATA sence_sim_module = {STANDARD20_MODULE_STUFF,
                                                  NULL,
                                                  NULL,
                                                  sim_create_srv,
                                                  sim_merge_srv,
                                                  sim_cmds,
                                                  sim_register_hooks,
                                                  AP_MODULE_FLAG_NONE};
#pragma GCC visibility pop
