/* Opening a login attempt: the pending record in the store, the journal line, and the page
 * that posts SENCE's IniciarSesion form. */
#include "sence_module.h"
#include "config.h"
#include "journal.h"
#include "page.h"
#include "store_glue.h"
#include "request.h"
#include "attempt.h"
#include "alert_glue.h"

#include <http_protocol.h>
#include <apr_strings.h>

static void remember_url(request_rec *r, sence_record_t *rec)
{
    sence_strlcpy(rec->url, sence_local_url(r), sizeof(rec->url));
}

/* SENCE's form for an attempt just stored: the OTEC from the configuration, the rest from
 * the attempt. */
sence_request_t sence_request_for(const sence_dir_conf_t *d, const sence_record_t *attempt,
                                  const char *url_retoma, const char *url_error)
{
    sence_request_t req;

    memset(&req, 0, sizeof(req));
    req.rut_otec = d->rut_otec;
    req.token = d->token;
    req.cod_sence = attempt->cod_sence;
    req.codigo_curso = attempt->codigo_curso;
    req.linea = attempt->linea;
    req.run = attempt->run;
    req.id_alumno = attempt->id;
    req.url_retoma = url_retoma;
    req.url_error = url_error;
    return req;
}

int sence_attempt_login(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_time_t now = apr_time_now();
    sence_record_t rec;
    sence_request_t req;
    apr_status_t rv;

    memset(&rec, 0, sizeof(rec));
    memcpy(rec.run, p->run, sizeof(rec.run));
    sence_strlcpy(rec.subject, p->subject, sizeof(rec.subject));
    sence_strlcpy(rec.cod_sence, p->cod_sence, sizeof(rec.cod_sence));
    sence_strlcpy(rec.codigo_curso, p->codigo_curso, sizeof(rec.codigo_curso));
    rec.linea = p->linea;
    remember_url(r, &rec);
    rec.created = now;
    rec.expires = now + sence_login_timeout(d);
    rec.lifetime = sence_lifetime(d);
    rec.issuer = sc->issuer;
    rv = sence_store_put(sence_store(), SENCE_KIND_ATTEMPT, &rec, now);
    if (rv == SENCE_STORE_EDOWN)
        return sence_page_store_down(r, "cannot record a login attempt");
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SLOG(2004) "cannot record a login attempt");
        return sence_page_unavailable(
            r, "No pudimos preparar el registro de asistencia SENCE. Intente "
               "nuevamente en unos minutos.");
    }
    sence_alert_login(r, d, p, &rec);
    req = sence_request_for(d, &rec, sc->url_retoma, sc->url_error);
    {
        sence_event_t e;
        memset(&e, 0, sizeof(e));
        e.ev = SENCE_EV_LOGIN_SENT;
        e.rec = &rec;
        sence_journal(r, &e);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  SLOG(2005) "RUN %s sent to SENCE for CodSence '%s' CodigoCurso '%s' linea %d "
                             "(attempt %.6s...)",
                  p->run, p->cod_sence, p->codigo_curso, p->linea, rec.id);
    return sence_page_gate(
        r, apr_pstrcat(r->pool, sence_base_url(d->env, d->endpoint), SENCE_PATH_START, NULL),
        sence_rce_fields(r->pool, &req), d, p);
}
