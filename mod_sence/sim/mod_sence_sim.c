/* mod_sence_sim: a stand-in for SENCE's "Registro de Asistencia E-Learning" (RCE) endpoints,
 * for tests and demos (mod_sence/sim/README.md). This file: the handlers and the module record;
 * sim.h says which file holds the rest. */
#include "sim.h"

#pragma GCC visibility push(default)
module AP_MODULE_DECLARE_DATA sence_sim_module;
#pragma GCC visibility pop

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

/* The tester's "codigos" ("211;204"): each a code from 100 to 399; 0 when any is not. */
static int sim_chosen_codes(const char *s, sim_codes *cs)
{
    char *copy, *tok, *state;
    apr_pool_t *p;
    int ok = 1;

    if (!s || !*s || apr_pool_create(&p, NULL) != APR_SUCCESS)
        return 0;
    copy = apr_pstrdup(p, s);
    for (tok = apr_strtok(copy, "; ,", &state); tok; tok = apr_strtok(NULL, "; ,", &state)) {
        char *end;
        long v = strtol(tok, &end, 10);
        if (*end || v < 100 || v > 399) {
            ok = 0;
            break;
        }
        sim_add(cs, (int)v);
    }
    apr_pool_destroy(p);
    return ok && cs->n > 0;
}

static int sim_handle_login(request_rec *r, const sim_conf *c, apr_table_t *in)
{
    const char *accion = apr_table_get(in, "accion");
    const char *respuesta = apr_table_get(in, "respuesta");
    sim_req q;
    sim_codes cs = {{0}, 0};
    int code;

    sim_load_req(in, &q, accion && !strcmp(accion, "cerrar"));
    code = sim_check_state(&q, in, r->pool);
    if (!code && respuesta && !strcmp(respuesta, "ninguna")) {
        /* as a participant who never finishes: the platform sees no callback at all */
        sim_log(r, &q, "the tester chose no answer (abandoned login)", NULL);
        return sim_message_page(r, HTTP_OK,
                                "El simulador no responderá a la plataforma: este inicio de "
                                "sesión queda abandonado. La plataforma lo registrará cuando "
                                "venza su plazo (SenceLoginTimeout).",
                                NULL);
    }
    if (!code && respuesta && !strcmp(respuesta, "error")) {
        if (!sim_chosen_codes(apr_table_get(in, "codigos"), &cs))
            return sim_message_page(r, HTTP_BAD_REQUEST,
                                    "Escriba uno o más códigos de error entre 100 y 399, "
                                    "separados por punto y coma (por ejemplo 211;204), y "
                                    "vuelva atrás para intentarlo de nuevo.",
                                    NULL);
        return sim_reject(r, c, &q, &cs,
                          q.closing ? "error chosen by the tester (cerrar)"
                                    : "error chosen by the tester");
    }
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
    if (sim_dir_conf(r)->delay > 0)
        apr_sleep(apr_time_from_sec(sim_dir_conf(r)->delay));
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
module AP_MODULE_DECLARE_DATA sence_sim_module = {
    STANDARD20_MODULE_STUFF, sim_create_dir, sim_merge_dir,      sim_create_srv,
    sim_merge_srv,           sim_cmds,       sim_register_hooks, AP_MODULE_FLAG_NONE};
#pragma GCC visibility pop
