/* The URIs under SenceCallbackPath: SENCE's success and error callbacks, and page assets. */
#include "sence_module.h"
#include "config.h"
#include "journal.h"
#include "callback.h"
#include "page.h"
#include "store_glue.h"
#include "request.h"
#include "alert_glue.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

/* What follows SenceCallbackPath in the URI ("/retoma", "" for the path itself), or NULL when
 * the URI is not under it (segment by segment: "/sencex" is not "/sence"). */
static const char *callback_rest(request_rec *r)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *cb = sence_callback_path(sc);
    apr_size_t n = strlen(cb);

    if (strncmp(r->uri, cb, n) != 0 || (r->uri[n] != '/' && r->uri[n] != '\0'))
        return NULL;
    return r->uri + n;
}

int sence_is_callback_uri(request_rec *r)
{
    return callback_rest(r) != NULL;
}

/* A main request to a callback URI of a server that has a public URL: mod_sence's to answer. */
static int ours(request_rec *r)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);

    return !r->main && sc->public_url && callback_rest(r);
}

/* SENCE posts its callbacks cross-site from its own pages, carrying none of the site's
 * login (no Basic credentials, no single sign-on cookie: SameSite keeps them back). A site
 * that logs everyone in (<Location /> with AuthType and Require) would answer them 401 and
 * strand every participant, so the URIs under SenceCallbackPath are authorized here without
 * authentication, as mod_auth_mellon and mod_auth_openidc serve their own endpoints inside
 * protected locations. What they do is guarded by the single-use IdSesionAlumno, not by the
 * site's login; nothing else is opened. */
int sence_callback_access(request_rec *r)
{
    return ours(r) ? OK : DECLINED;
}

/* Ours before mod_proxy, mod_rewrite or PHP can take it. */
int sence_claim_callback(request_rec *r)
{
    if (!ours(r))
        return DECLINED;
    apr_table_setn(r->notes, SENCE_NOTE_CALLBACK, "1");
    r->handler = SENCE_HANDLER;
    r->proxyreq = PROXYREQ_NONE;
    return DECLINED;
}

typedef enum { REJECT_MALFORMED, REJECT_UNKNOWN, REJECT_MISMATCH } reject_kind;

static int reject(request_rec *r, reject_kind kind, const char *why, const char *id_alumno)
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

    sence_event_t e;

    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  SLOG(3001) "callback %s from %s rejected (%d): %s", r->uri, r->useragent_ip,
                  pages[kind].status, why);
    memset(&e, 0, sizeof(e));
    e.ev = SENCE_EV_CALLBACK_REJECTED;
    e.id_sesion_alumno = id_alumno;
    e.reason = apr_psprintf(r->pool, "%s: %s", r->uri, why);
    sence_journal(r, &e);
    return sence_page_message(r, pages[kind].status, "Respuesta de SENCE no válida",
                              pages[kind].text, "/", "Volver al inicio");
}

/* The stored URL to send the participant back to, checked again where it is used. */
static const char *back_to(const sence_record_t *attempt)
{
    return sence_local_url_ok(attempt->url, SENCE_MAX_STORED_URL) ? attempt->url : "/";
}

/* Reads at most SENCE_MAX_BODY bytes of a form body; returns NULL or a reason. */
static const char *read_form(request_rec *r, apr_table_t **form, int *status)
{
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    char *buf = apr_palloc(r->pool, SENCE_MAX_BODY + 1);
    apr_size_t len = 0;
    long n;

    *status = HTTP_BAD_REQUEST;
    if (!sence_media_type_is(ctype, "application/x-www-form-urlencoded"))
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
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    int secure = strncmp(sc->public_url, "https:", 6) == 0;
    char name[SENCE_COOKIE_NAME_SIZE];

    sence_cookie_name(name, session->cod_sence, session->codigo_curso, session->linea);
    apr_table_addn(
        r->headers_out, "Set-Cookie",
        apr_psprintf(r->pool,
                     "%s=%s; Path=/; Max-Age=%" APR_TIME_T_FMT "; HttpOnly; SameSite=Lax%s", name,
                     session->id, apr_time_sec(session->lifetime), secure ? "; Secure" : ""));
}

/* What the browser sent with an accepted callback, and whether it looks like SENCE's page. */
typedef struct {
    sence_provenance_t seen;
    const char *suspect;
} heard_t;

static void journal_outcome(request_rec *r, sence_event_kind_t ev, const sence_record_t *rec,
                            const char *id_alumno, apr_array_header_t *codes, int ended,
                            const heard_t *h)
{
    sence_event_t e;

    memset(&e, 0, sizeof(e));
    e.seen = &h->seen;
    e.suspect = h->suspect;
    e.ev = ev;
    e.rec = rec;
    e.id_sesion_alumno = id_alumno;
    e.codes = codes;
    e.ended = ended;
    sence_journal(r, &e);
}

static int start_session(request_rec *r, const sence_record_t *attempt, const sence_callback_t *cb,
                         const heard_t *h)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_time_t now = apr_time_now();
    sence_record_t s = *attempt;
    const char *location;
    apr_status_t rv;

    sence_strlcpy(s.id_sence, cb->id_sence, sizeof(s.id_sence));
    sence_strlcpy(s.fecha_hora, cb->fecha_hora, sizeof(s.fecha_hora));
    sence_strlcpy(s.zona, cb->zona, sizeof(s.zona));
    memcpy(s.ref, attempt->id, sizeof(s.ref)); /* the IdSesionAlumno it began with */
    s.created = now;
    s.expires = now + attempt->lifetime;
    s.flags = SENCE_FLAG_NOTICE;
    rv = sence_store_put(sence_store(), SENCE_KIND_SESSION, &s, now);
    if (rv == SENCE_STORE_EDOWN)
        return sence_page_store_down(r, apr_psprintf(r->pool,
                                                     "SENCE started a session for RUN %s but it "
                                                     "cannot be stored; the participant opens "
                                                     "the course again",
                                                     s.run));
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SLOG(3002) "cannot store the session");
        return sence_page_unavailable(r, "Su sesión SENCE se inició, pero no pudimos guardarla. "
                                         "Vuelva a abrir el curso.");
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                  SLOG(3003) "SENCE session started: RUN %s CodSence '%s' CodigoCurso '%s' "
                             "linea %d IdSesionSence %s FechaHora '%s' ZonaHoraria '%s'",
                  s.run, s.cod_sence, s.codigo_curso, s.linea, s.id_sence, s.fecha_hora, s.zona);
    journal_outcome(r, SENCE_EV_START_OK, &s, attempt->id, NULL, 0, h);
    s.lifetime = attempt->lifetime;
    set_cookie(r, &s);
    location = apr_pstrcat(r->pool, sc->public_url, back_to(attempt), NULL);
    apr_table_setn(r->headers_out, "Location", location);
    return sence_page_message(r, HTTP_SEE_OTHER, "Sesión SENCE iniciada",
                              "Su sesión SENCE fue iniciada correctamente. Continúe al curso.",
                              back_to(attempt), "Continuar al curso");
}

/* The four callbacks: SENCE POSTs start or close outcomes, success or error. */
typedef struct {
    sence_cb_kind_t kind;
    int closing;
} callback_t;

/* A close attempt's session ends here: the store record and the browser's cookie. */
static void end_session(request_rec *r, const sence_record_t *attempt)
{
    char name[SENCE_COOKIE_NAME_SIZE];

    sence_store_remove(sence_store(), SENCE_KIND_SESSION, attempt->ref);
    sence_cookie_name(name, attempt->cod_sence, attempt->codigo_curso, attempt->linea);
    apr_table_addn(r->headers_out, "Set-Cookie",
                   apr_psprintf(r->pool, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax", name));
}

static int ends_on(request_rec *r, const apr_array_header_t *codes)
{
    const sence_dir_conf_t *d = ap_get_module_config(r->per_dir_config, &sence_module);
    int i, j;

    for (i = 0; i < codes->nelts; i++) {
        int code = APR_ARRAY_IDX(codes, i, int);
        if (!d->close_codes && code == 301)
            return 1;
        for (j = 0; d->close_codes && j < d->close_codes->nelts; j++)
            if (APR_ARRAY_IDX(d->close_codes, j, int) == code)
                return 1;
    }
    return 0;
}

/* The attempt as the journal records its outcome: FechaHora and ZonaHoraria as SENCE sent
 * them in this callback (the close's own time, or the error's). */
static sence_record_t as_answered(const sence_record_t *attempt, const sence_callback_t *cb)
{
    sence_record_t rec = *attempt;

    sence_strlcpy(rec.fecha_hora, cb->fecha_hora ? cb->fecha_hora : "", sizeof(rec.fecha_hora));
    sence_strlcpy(rec.zona, cb->zona ? cb->zona : "", sizeof(rec.zona));
    return rec;
}

static int closed(request_rec *r, const sence_record_t *attempt, const sence_callback_t *cb,
                  const heard_t *h)
{
    const char *id_sence = attempt->id_sence;
    sence_record_t answered = as_answered(attempt, cb);

    if (cb->kind_error) {
        int ended = ends_on(r, cb->codes);
        if (ended)
            end_session(r, attempt);
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SLOG(3007) "SENCE refused to close session %s of RUN %s CodigoCurso '%s' "
                                 "(GlosaError %s)%s",
                      id_sence, attempt->run, attempt->codigo_curso, cb->glosa,
                      ended ? ": SENCE has no open session, ended locally too" : "");
        journal_outcome(r, SENCE_EV_CLOSE_ERROR, &answered, attempt->id, cb->codes, ended, h);
        sence_alert_callback_error(r, attempt, cb->codes, 1);
        return sence_page_errors(
            r, cb->codes, ended ? "/" : sence_url_with(r->pool, back_to(attempt), "sence_cerrar=1"),
            1);
    }
    end_session(r, attempt);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                  SLOG(3008) "SENCE session closed: RUN %s CodSence '%s' CodigoCurso '%s' "
                             "linea %d IdSesionSence %s",
                  attempt->run, attempt->cod_sence, attempt->codigo_curso, attempt->linea,
                  id_sence);
    journal_outcome(r, SENCE_EV_CLOSE_OK, &answered, attempt->id, NULL, 0, h);
    return sence_page_message(r, HTTP_OK, "Sesión SENCE cerrada",
                              "Su sesión SENCE fue cerrada correctamente. Para volver al curso "
                              "deberá iniciar una nueva sesión SENCE.",
                              "/", "Volver al inicio");
}

static int on_callback(request_rec *r, callback_t how)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_table_t *form = NULL;
    sence_callback_t cb;
    sence_record_t attempt;
    heard_t h;
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
        return status == HTTP_BAD_REQUEST ? reject(r, REJECT_MALFORMED, why, NULL) : status;
    }
    /* A close success carries no IdSesionSence: match it on IdSesionAlumno alone. */
    if ((why = sence_rce_parse_callback(r->pool, form, how.kind,
                                        how.kind == SENCE_CB_SUCCESS && !how.closing, &cb)))
        return reject(r, REJECT_MALFORMED, why, NULL);
    cb.kind_error = how.kind == SENCE_CB_ERROR;
    cb.glosa = apr_table_get(form, "GlosaError");
    memset(&h, 0, sizeof(h));
    h.seen.origin = sence_provenance_value(r->pool, apr_table_get(r->headers_in, "Origin"));
    h.seen.fetch_site =
        sence_provenance_value(r->pool, apr_table_get(r->headers_in, "Sec-Fetch-Site"));
    h.seen.fetch_mode =
        sence_provenance_value(r->pool, apr_table_get(r->headers_in, "Sec-Fetch-Mode"));
    /* strict: refused before the attempt is taken, so a page elsewhere cannot use it up */
    if (sc->origin_strict == 1 && h.seen.origin && strcmp(h.seen.origin, "null") != 0 &&
        !sence_origin_in(h.seen.origin, sc->sence_origins)) {
        sence_alert_tampering(r, NULL, "la página que la envió no es la de SENCE");
        return reject(r, REJECT_MISMATCH,
                      apr_psprintf(r->pool,
                                   "Origin '%s' is neither SENCE's nor null "
                                   "(SenceCallbackOrigin strict)",
                                   h.seen.origin),
                      cb.id_alumno);
    }
    rv =
        sence_store_take(sence_store(), SENCE_KIND_ATTEMPT, cb.id_alumno, apr_time_now(), &attempt);
    if (rv == SENCE_STORE_EDOWN)
        return sence_page_store_down(r, "cannot look up the pending attempt of this callback");
    if (rv == APR_TIMEUP)
        return reject(r, REJECT_UNKNOWN, "the attempt expired (SenceLoginTimeout)", cb.id_alumno);
    if (rv != APR_SUCCESS) {
        sence_alert_tampering(r, NULL,
                              "no corresponde a ningún inicio de sesión pendiente "
                              "(falsificada, repetida o ya usada)");
        return reject(r, REJECT_UNKNOWN,
                      "no pending attempt has this IdSesionAlumno (unknown, forged or already "
                      "used)",
                      cb.id_alumno);
    }
    if (attempt.issuer != sc->issuer)
        return reject(r, REJECT_MISMATCH,
                      "the attempt was made under another SencePublicURL than this server's",
                      cb.id_alumno);
    if (((attempt.flags & SENCE_FLAG_CLOSE) != 0) != how.closing)
        return reject(r, REJECT_MISMATCH,
                      how.closing ? "a login attempt answered at the close URL"
                                  : "a close attempt answered at the login URL",
                      cb.id_alumno);
    if ((field = mismatch(&attempt, &cb)) != NULL) {
        sence_alert_tampering(r, &attempt,
                              apr_psprintf(r->pool,
                                           "%s no coincide con lo enviado a SENCE para el RUN "
                                           "%s",
                                           field, attempt.run));
        return reject(r, REJECT_MISMATCH,
                      apr_psprintf(r->pool,
                                   "%s differs from what was sent for RUN %s; attempt "
                                   "discarded",
                                   field, attempt.run),
                      cb.id_alumno);
    }
    h.seen.since = apr_time_now() - attempt.created;
    h.seen.trustworthy = sence_url_trustworthy(sc->public_url);
    if ((h.suspect = sence_provenance_suspect(r->pool, &h.seen, sc->sence_origins)) != NULL) {
        sence_count_suspect(sence_counters(), how.closing);
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SLOG(3009) "callback %s for RUN %s accepted but suspect (%s): Origin %s, "
                                 "Sec-Fetch-Site %s, Sec-Fetch-Mode %s, %" APR_TIME_T_FMT
                                 " s after the gate page; SENCE's page posts cross-site after "
                                 "the participant authenticated",
                      r->uri, attempt.run, h.suspect, h.seen.origin ? h.seen.origin : "-",
                      h.seen.fetch_site ? h.seen.fetch_site : "-",
                      h.seen.fetch_mode ? h.seen.fetch_mode : "-", apr_time_sec(h.seen.since));
    }
    if (how.closing)
        return closed(r, &attempt, &cb, &h);
    if (how.kind == SENCE_CB_SUCCESS)
        return start_session(r, &attempt, &cb, &h);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  SLOG(3006) "SENCE refused to start a session: RUN %s CodSence '%s' "
                             "CodigoCurso '%s' linea %d GlosaError '%s'",
                  attempt.run, attempt.cod_sence, attempt.codigo_curso, attempt.linea, cb.glosa);
    {
        sence_record_t answered = as_answered(&attempt, &cb);
        journal_outcome(r, SENCE_EV_START_ERROR, &answered, attempt.id, cb.codes, 0, &h);
        sence_alert_callback_error(r, &attempt, cb.codes, 0);
    }
    return sence_page_errors(r, cb.codes, back_to(&attempt), 0);
}

int sence_callback_handler(request_rec *r)
{
    const char *rest;

    if (!apr_table_get(r->notes, SENCE_NOTE_CALLBACK) || !(rest = callback_rest(r)))
        return DECLINED;
    if (!sence_store())
        return HTTP_SERVICE_UNAVAILABLE;
    if (!strcmp(rest, "/retoma"))
        return on_callback(r, (callback_t){SENCE_CB_SUCCESS, 0});
    if (!strcmp(rest, "/error"))
        return on_callback(r, (callback_t){SENCE_CB_ERROR, 0});
    if (!strcmp(rest, "/cierre"))
        return on_callback(r, (callback_t){SENCE_CB_SUCCESS, 1});
    if (!strcmp(rest, "/cierre-error"))
        return on_callback(r, (callback_t){SENCE_CB_ERROR, 1});
    if (rest[0] == '/' && !strchr(rest + 1, '/'))
        return sence_page_asset(r, rest + 1);
    return HTTP_NOT_FOUND;
}
