/* The URIs under SenceCallbackPath: SENCE's success and error callbacks, and page assets. */
#include "mod_sence.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

static const char *callback_rest(request_rec *r)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *cb = sence_callback_path(sc);
    apr_size_t n = strlen(cb);

    if (strncmp(r->uri, cb, n) != 0 || (r->uri[n] != '/' && r->uri[n] != '\0'))
        return NULL;
    return r->uri + n;
}

/* Ours before mod_proxy, mod_rewrite or PHP can take it. */
int sence_claim_callback(request_rec *r)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);

    if (r->main || !sc->public_url || !callback_rest(r))
        return DECLINED;
    apr_table_setn(r->notes, SENCE_NOTE_CALLBACK, "1");
    r->handler = SENCE_HANDLER;
    r->proxyreq = PROXYREQ_NONE;
    return DECLINED;
}

typedef enum { REJECT_MALFORMED, REJECT_UNKNOWN, REJECT_MISMATCH } reject_kind;

static int reject(request_rec *r, reject_kind kind, const char *why)
{
    static const struct {
        int status;
        const char *text;
    } pages[] = {
        {HTTP_BAD_REQUEST, "La respuesta recibida de SENCE está incompleta o mal formada, por lo "
                           "que no se inició la sesión. Vuelva a abrir el curso para intentarlo "
                           "de nuevo."},
        {HTTP_GONE, "Esta respuesta de SENCE no corresponde a un inicio de sesión pendiente: ya "
                    "fue usada o venció. Vuelva a abrir el curso para iniciar sesión "
                    "nuevamente."},
        {HTTP_FORBIDDEN, "Los datos devueltos por SENCE no coinciden con el inicio de sesión "
                         "solicitado, por lo que no se inició la sesión. Vuelva a abrir el curso "
                         "para intentarlo de nuevo."},
    };

    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  SLOG(3001) "callback %s from %s rejected (%d): %s", r->uri, r->useragent_ip,
                  pages[kind].status, why);
    return sence_page_message(r, pages[kind].status, "Respuesta de SENCE no válida",
                              pages[kind].text, "/", "Volver al inicio");
}

/* Reads at most SENCE_MAX_BODY bytes of a form body; returns NULL or a reason. */
static const char *read_form(request_rec *r, apr_table_t **form, int *status)
{
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    char *buf = apr_palloc(r->pool, SENCE_MAX_BODY + 1);
    apr_size_t len = 0;
    long n;

    *status = HTTP_BAD_REQUEST;
    if (!ctype || strncasecmp(ctype, "application/x-www-form-urlencoded", 33) != 0)
        return "Content-Type is not application/x-www-form-urlencoded";
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK || !ap_should_client_block(r))
        return "no request body";
    while ((n = ap_get_client_block(r, buf + len, SENCE_MAX_BODY + 1 - len)) > 0) {
        len += (apr_size_t)n;
        if (len > SENCE_MAX_BODY) {
            *status = HTTP_REQUEST_ENTITY_TOO_LARGE;
            return "request body larger than 8 KB";
        }
    }
    if (n < 0)
        return "error reading the request body";
    buf[len] = '\0';
    return sence_form_parse(r->pool, buf, len, form);
}

/* Name of the first field where the callback differs from what the gate sent, or NULL. */
static const char *mismatch(const sence_record_t *sent, const sence_callback_t *cb)
{
    char run[SENCE_RUN_MAX + 1];

    if (sence_run_normalize(cb->run, run) != SENCE_RUN_OK || strcmp(run, sent->run) != 0)
        return "RunAlumno";
    if (strcmp(cb->cod_sence, sent->cod_sence) != 0)
        return "CodSence";
    if (strcmp(cb->codigo_curso, sent->codigo_curso) != 0)
        return "CodigoCurso";
    if (cb->linea != sent->linea)
        return "LineaCapacitacion";
    return NULL;
}

static void set_cookie(request_rec *r, const sence_record_t *session)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    int secure = strncmp(sc->public_url, "https:", 6) == 0;

    apr_table_addn(
        r->headers_out, "Set-Cookie",
        apr_psprintf(
            r->pool, "%s=%s; Path=/; Max-Age=%" APR_TIME_T_FMT "; HttpOnly; SameSite=Lax%s",
            sence_cookie_name(r->pool, session->cod_sence, session->codigo_curso, session->linea),
            session->id, apr_time_sec(session->lifetime), secure ? "; Secure" : ""));
}

static int start_session(request_rec *r, const sence_record_t *attempt, const sence_callback_t *cb)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_time_t now = apr_time_now();
    sence_record_t s = *attempt;
    const char *location;
    apr_status_t rv;

    sence_strlcpy(s.id_sence, cb->id_sence, sizeof(s.id_sence));
    sence_strlcpy(s.fecha_hora, cb->fecha_hora, sizeof(s.fecha_hora));
    sence_strlcpy(s.zona, cb->zona, sizeof(s.zona));
    s.created = now;
    s.expires = now + attempt->lifetime;
    s.flags = SENCE_FLAG_NOTICE;
    if ((rv = sence_store_put(sence_store(), SENCE_KIND_SESSION, &s, now)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SLOG(3002) "cannot store the session");
        return sence_page_message(r, HTTP_SERVICE_UNAVAILABLE, "Servicio no disponible",
                                  "Su sesión SENCE se inició, pero no pudimos guardarla. "
                                  "Vuelva a abrir el curso.",
                                  NULL, NULL);
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                  SLOG(3003) "SENCE session started: RUN %s CodSence '%s' CodigoCurso '%s' "
                             "linea %d IdSesionSence %s FechaHora '%s' ZonaHoraria '%s'",
                  s.run, s.cod_sence, s.codigo_curso, s.linea, s.id_sence, s.fecha_hora, s.zona);
    s.lifetime = attempt->lifetime;
    set_cookie(r, &s);
    location = apr_pstrcat(r->pool, sc->public_url, attempt->url, NULL);
    apr_table_setn(r->headers_out, "Location", location);
    return sence_page_message(r, HTTP_SEE_OTHER, "Sesión SENCE iniciada",
                              "Su sesión SENCE fue iniciada correctamente. Continúe al curso.",
                              attempt->url, "Continuar al curso");
}

static int on_callback(request_rec *r, sence_cb_kind kind)
{
    apr_table_t *form = NULL;
    sence_callback_t cb;
    sence_record_t attempt;
    const char *why, *field;
    apr_status_t rv;
    int status;

    if (r->method_number != M_POST) {
        ap_allow_methods(r, 1, "POST", NULL);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SLOG(3004) "%s %s refused: SENCE POSTs here",
                      r->method, r->uri);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if ((why = read_form(r, &form, &status)) != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SLOG(3005) "callback %s rejected (%d): %s",
                      r->uri, status, why);
        return status == HTTP_BAD_REQUEST ? reject(r, REJECT_MALFORMED, why) : status;
    }
    if ((why = sence_rce_parse_callback(r->pool, form, kind, kind == SENCE_CB_SUCCESS, &cb)))
        return reject(r, REJECT_MALFORMED, why);
    rv =
        sence_store_take(sence_store(), SENCE_KIND_ATTEMPT, cb.id_alumno, apr_time_now(), &attempt);
    if (rv == APR_TIMEUP)
        return reject(r, REJECT_UNKNOWN, "the login attempt expired (SenceLoginTimeout)");
    if (rv != APR_SUCCESS)
        return reject(r, REJECT_UNKNOWN,
                      "no pending login attempt has this IdSesionAlumno "
                      "(unknown, forged or already used)");
    if ((field = mismatch(&attempt, &cb)) != NULL)
        return reject(r, REJECT_MISMATCH,
                      apr_psprintf(r->pool,
                                   "%s differs from what was sent for RUN %s; attempt "
                                   "discarded",
                                   field, attempt.run));
    if (kind == SENCE_CB_SUCCESS)
        return start_session(r, &attempt, &cb);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  SLOG(3006) "SENCE refused to start a session: RUN %s CodSence '%s' "
                             "CodigoCurso '%s' linea %d GlosaError '%s'",
                  attempt.run, attempt.cod_sence, attempt.codigo_curso, attempt.linea,
                  apr_table_get(form, "GlosaError"));
    return sence_page_errors(r, cb.codes, attempt.url);
}

int sence_callback_handler(request_rec *r)
{
    const char *rest;

    if (!apr_table_get(r->notes, SENCE_NOTE_CALLBACK) || !(rest = callback_rest(r)))
        return DECLINED;
    if (!sence_store())
        return HTTP_SERVICE_UNAVAILABLE;
    if (!strcmp(rest, "/retoma"))
        return on_callback(r, SENCE_CB_SUCCESS);
    if (!strcmp(rest, "/error"))
        return on_callback(r, SENCE_CB_ERROR);
    if (rest[0] == '/' && !strchr(rest + 1, '/'))
        return sence_page_asset(r, rest + 1);
    return HTTP_NOT_FOUND;
}
