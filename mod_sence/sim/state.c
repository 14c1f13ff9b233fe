/* mod_sence_sim: the login page and its signed hidden state. */
#include "sim.h"

/* Key for the login page's hidden-state HMAC; set in post_config, inherited by children. */
unsigned char sim_key[SIM_KEY_LEN];

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
const char *sim_state_sign(apr_pool_t *p, const sim_req *q, const char *accion, const char *emitido)
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

int sim_equal_ct(const char *a, const char *b)
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

int sim_login_page(request_rec *r, const sim_conf *c, const sim_req *q, const char *prefix)
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
    /* For whoever tests a platform: SENCE's answer chosen here instead of by the password. */
    ap_rputs(
        "<fieldset class=\"sim-tester\"><legend>Para probar: la respuesta del "
        "simulador</legend>\n"
        "<p><input type=\"radio\" name=\"respuesta\" value=\"normal\" id=\"r-normal\" "
        "checked> <label for=\"r-normal\">Validar el RUN y la clave, como el SENCE</label></p>\n"
        "<p><input type=\"radio\" name=\"respuesta\" value=\"error\" id=\"r-error\"> "
        "<label for=\"r-error\">Responder con error, códigos</label> "
        "<input type=\"text\" name=\"codigos\" size=\"12\" placeholder=\"211;204\" "
        "aria-label=\"Códigos de error separados por punto y coma\"></p>\n"
        "<p><input type=\"radio\" name=\"respuesta\" value=\"ninguna\" id=\"r-ninguna\"> "
        "<label for=\"r-ninguna\">No responder (inicio de sesión abandonado)</label></p>\n"
        "</fieldset>\n",
        r);
    ap_rprintf(r,
               "<p><button type=\"submit\">Ingresar</button></p>\n</form>\n"
               "<p class=\"sim-note\">Tiene %d segundos para ingresar su RUN y clave.</p>\n",
               sim_timeout(c));
    sim_page_end(r);
    return OK;
}
