/* mod_sence_sim: the request's fields and SENCE's checks of them. */
#include "sim.h"

const char *const sim_field_names[F_COUNT] = {
    "RutOtec",   "Token",          "CodSence",  "CodigoCurso", "LineaCapacitacion",
    "RunAlumno", "IdSesionAlumno", "UrlRetoma", "UrlError",    "IdSesionSence"};

/* Keeps the list sorted and without duplicates, so GlosaError reads e.g. "207;211". */
void sim_add(sim_codes *cs, int code)
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

const char *sim_glosa(apr_pool_t *p, const sim_codes *cs)
{
    const char *s = "";
    int i;

    for (i = 0; i < cs->n; i++)
        s = apr_psprintf(p, "%s%s%d", s, i ? ";" : "", cs->code[i]);
    return s;
}

int sim_blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++) {
        if (!apr_isspace(*s))
            return 0;
    }
    return 1;
}

const char *sim_val(const sim_req *q, int f)
{
    return q->v[f] ? q->v[f] : "";
}

/* First occurrence of each field wins; names match case-insensitively, as in ASP.NET. */
int sim_read_form(request_rec *r, apr_table_t **out)
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

void sim_load_req(apr_table_t *in, sim_req *q, int closing)
{
    int f;

    for (f = 0; f < F_COUNT; f++)
        q->v[f] = apr_table_get(in, sim_field_names[f]);
    q->closing = closing;
}

const char *sim_now_text(apr_pool_t *p)
{
    apr_time_exp_t tm;
    apr_size_t len;
    char buf[32];

    apr_time_exp_lt(&tm, apr_time_now());
    apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return apr_pstrdup(p, buf);
}

const char *sim_random_hex(apr_pool_t *p, apr_size_t bytes)
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

int sim_url_ok(apr_pool_t *p, const char *s)
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
    if (k->state_code)
        sim_add(cs, k->state_code);
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

void sim_validate(apr_pool_t *p, const sim_conf *c, const sim_req *q, sim_codes *cs)
{
    sim_check_present(q, cs);
    sim_check_urls(p, q, cs);
    sim_check_formats(q, cs);
    sim_check_token(c, q, cs);
    sim_check_courses(c, q, cs);
}
