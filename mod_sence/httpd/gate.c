/* The access decision: a live SENCE session for this participant and course, or the gate. */
#include "sence_module.h"
#include "config.h"
#include "gate.h"
#include "notice.h"
#include "close.h"
#include "page.h"
#include "store_glue.h"
#include "request.h"
#include "attempt.h"
#include "identity.h"
#include "moodle/policy.h"
#include "callback.h"
#include "alert_glue.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

typedef struct {
    sence_who_t st;
    const char *reason;
    sence_participant_t who;
    int has_session; /* who has a live session for this course: session holds it */
    sence_record_t session;
} identity_t;

/* sence_identify() and the session lookup once per request: fixups reuse the access phase's. */
static identity_t *identity(request_rec *r, const sence_dir_conf_t *d)
{
    identity_t *id = ap_get_module_config(r->request_config, &sence_module);

    if (!id) {
        id = apr_pcalloc(r->pool, sizeof(*id));
        id->has_session = -1;
        id->st = sence_identify(r, d, &id->who, &id->reason, &id->has_session, &id->session);
        if (id->st == SENCE_WHO_OK && id->has_session < 0)
            id->has_session = sence_identity_session(r, &id->who, &id->session);
        ap_set_module_config(r->request_config, &sence_module, id);
    }
    return id;
}

static int refuse(request_rec *r, sence_who_t st, const char *reason)
{
    switch (st) {
    case SENCE_WHO_NO_RUN:
    case SENCE_WHO_BAD_RUN:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SLOG(2002) "%s for %s; nothing sent to SENCE", reason, r->uri);
        return sence_page_message(
            r, HTTP_FORBIDDEN, "RUN no disponible",
            st == SENCE_WHO_NO_RUN
                ? "No pudimos identificar su RUN, necesario para registrar su asistencia en "
                  "SENCE. Si ya inició sesión en la plataforma, pida al organismo capacitador "
                  "(OTEC) que registre su RUN en su perfil."
                : "El RUN registrado en su perfil no es válido (revise el dígito verificador). "
                  "Pida al organismo capacitador (OTEC) que lo corrija.",
            NULL, NULL);
    case SENCE_WHO_PASS:
    case SENCE_WHO_OK:
        return DECLINED;
    case SENCE_WHO_UNAVAILABLE:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SLOG(2008) "%s refused: the LMS database did not answer (fail closed)",
                      r->uri);
        return sence_page_unavailable(r, "No pudimos verificar su acceso al curso en este momento. "
                                         "Intente nuevamente en unos minutos.");
    case SENCE_WHO_TOO_LARGE:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SLOG(2009) "%s refused: body larger than SenceMoodleMaxBody names no course "
                                 "and the user is a gated participant (raise SenceMoodleMaxBody "
                                 "if legitimate)",
                      r->uri);
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    case SENCE_WHO_BAD_REQUEST:
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SLOG(2011) "%s refused: the request body could not be read", r->uri);
        return HTTP_BAD_REQUEST;
    case SENCE_WHO_AMBIGUOUS:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SLOG(2013) "%s refused for a gated participant: %s (PHP could read it "
                                 "otherwise; browsers and Moodle never send this)",
                      r->uri, reason);
        return sence_page_message(r, HTTP_BAD_REQUEST, "Solicitud no válida",
                                  "La dirección o los datos enviados tienen una forma que la "
                                  "plataforma no acepta en un curso con registro de asistencia "
                                  "SENCE. Vuelva al curso desde su página de inicio; si el "
                                  "problema continúa, borre las cookies del sitio.",
                                  NULL, NULL);
    case SENCE_WHO_NO_COURSE:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SLOG(2007) "no SENCE course for %s: %s",
                      r->uri, reason);
        return sence_page_message(r, HTTP_NOT_FOUND, "Curso no encontrado",
                                  "La dirección no corresponde a un curso con registro de "
                                  "asistencia SENCE. Revise el enlace.",
                                  NULL, NULL);
    default:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SLOG(2001) "misconfigured gate for %s: %s",
                      r->uri, reason);
        return sence_page_message(r, HTTP_INTERNAL_SERVER_ERROR, "Curso mal configurado",
                                  "El acceso a este curso con registro de asistencia SENCE no "
                                  "está bien configurado. Avise al organismo capacitador (OTEC).",
                                  NULL, NULL);
    }
}

static int close_requested(request_rec *r, const sence_dir_conf_t *d)
{
    return d->close_session == 1 && !r->main && r->method_number == M_GET &&
           !sence_request_speculative(r) && r->args &&
           sence_query_get(r->pool, r->args, "sence_cerrar") != NULL;
}

/* Lets the request through, with the session-started notice and the SENCE bar on pages. */
static int pass(request_rec *r, const sence_dir_conf_t *d, const sence_record_t *session)
{
    int bar = d->close_session == 1 && d->banner != 0;

    apr_table_setn(sence_root_request(r)->notes, SENCE_NOTE_PASSED, "1");
    apr_table_setn(r->notes, SENCE_NOTE_PASSED, "1");
    if (session && !r->main && r->method_number == M_GET &&
        (bar || (session->flags & SENCE_FLAG_NOTICE)))
        sence_notice_add(r, session, bar);
    return DECLINED;
}

/* A request whose first request passed needs no second decision, but in Moodle mode an
 * internal redirect (a per-directory RewriteRule, an ErrorDocument) runs another script,
 * which is decided on its own. */
static int passed_before(request_rec *r, const sence_dir_conf_t *d)
{
    if (!apr_table_get(sence_root_request(r)->notes, SENCE_NOTE_PASSED))
        return 0;
    return !(d->moodle.enabled == 1 && r->prev && !r->main &&
             !apr_table_get(r->notes, SENCE_NOTE_PASSED));
}

/* Whether a session lookup of this request found the store unreachable. */
static int store_down(request_rec *r)
{
    return apr_table_get(sence_root_request(r)->notes, SENCE_NOTE_STORE_DOWN) != NULL;
}

static int gate(request_rec *r, const sence_dir_conf_t *d)
{
    identity_t *id;

    if (passed_before(r, d) || sence_is_callback_uri(r))
        return DECLINED;
    if (!sence_store())
        return refuse(r, SENCE_WHO_CONFIG, "the session store is not available");
    sence_store_sweep(sence_store(), apr_time_now(), apr_time_from_sec(SENCE_SWEEP_SECONDS));
    id = identity(r, d);
    if (id->st == SENCE_WHO_PASS)
        return pass(r, d, NULL);
    if (id->st != SENCE_WHO_OK) {
        sence_alert_refused(r, d, id->st, &id->who);
        return refuse(r, id->st, id->reason);
    }
    if (!id->has_session && store_down(r))
        return sence_page_store_down(r, "cannot tell whether this browser has a SENCE session");
    if (id->has_session && close_requested(r, d)) {
        sence_record_t full; /* the close form needs more than the head */
        if (sence_store_get(sence_store(), SENCE_KIND_SESSION, id->session.id, apr_time_now(),
                            &full) == APR_SUCCESS)
            return sence_close_page(r, d, &full);
    } else if (id->has_session) {
        return pass(r, d, &id->session);
    }
    if (r->main)
        return HTTP_FORBIDDEN; /* a subrequest cannot show the gate; its parent does */
    return sence_gate_deny(r, d, &id->who);
}

int sence_gate_deny(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p)
{
    if (!p->run[0])
        return refuse(r, SENCE_WHO_NO_RUN, "no RUN");
    if (p->app) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SLOG(2010) "%s refused: RUN %s uses a web-service token for a SENCE course",
                      r->uri, p->run);
        return sence_page_json(r, HTTP_FORBIDDEN, "sence_browser_required",
                               "Este curso registra asistencia SENCE: ábralo en el navegador.");
    }
    if (!sence_request_wants_page(r) || r->method_number != M_GET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SLOG(2006) "%s %s refused: RUN %s has no SENCE session", r->method, r->uri,
                      p->run);
        /* XHR and fetch() get a status their script can act on; a form post, a page */
        if (!sence_request_wants_page(r))
            return sence_page_json(r, HTTP_UNAUTHORIZED, "sence_session_required",
                                   "Debe iniciar sesión en SENCE.");
        return sence_page_message(r, HTTP_FORBIDDEN, "Sesión SENCE requerida",
                                  "Debe iniciar sesión en SENCE antes de continuar. Vuelva a "
                                  "abrir el curso.",
                                  NULL, NULL);
    }
    if (sence_request_speculative(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      SLOG(2015) "%s %s: a HEAD or prefetch of a gated page; no login attempt",
                      r->method, r->uri);
        return sence_page_message(r, HTTP_OK, "Registro de asistencia SENCE",
                                  "Este curso registra su asistencia en SENCE. Abra la página "
                                  "para iniciar su sesión SENCE.",
                                  NULL, NULL);
    }
    return sence_attempt_login(r, d, p);
}

static const sence_dir_conf_t *gated(request_rec *r)
{
    const sence_dir_conf_t *d = ap_get_module_config(r->per_dir_config, &sence_module);
    return d && d->enabled == 1 ? d : NULL;
}

/* Without authentication the identity is known here, before authorization: a live session
 * is recognised now. Anything else is answered in fixups, once Require has run, so a client
 * that authorization refuses never sees a gate page (it carries the OTEC's token). */
int sence_gate_access(request_rec *r)
{
    const sence_dir_conf_t *d = gated(r);
    identity_t *id;

    if (!d || ap_auth_type(r) || !sence_store() || passed_before(r, d) || sence_is_callback_uri(r))
        return DECLINED;
    sence_store_sweep(sence_store(), apr_time_now(), apr_time_from_sec(SENCE_SWEEP_SECONDS));
    id = identity(r, d);
    if (id->st == SENCE_WHO_PASS)
        return pass(r, d, NULL);
    if (id->st == SENCE_WHO_OK && id->has_session && !close_requested(r, d))
        return pass(r, d, &id->session);
    return DECLINED;
}

/* First among fixups: after authentication (REMOTE_USER exists) and authorization. */
int sence_gate_fixups(request_rec *r)
{
    const sence_dir_conf_t *d = gated(r);
    return d ? gate(r, d) : DECLINED;
}
