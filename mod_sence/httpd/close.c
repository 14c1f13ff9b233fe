/* Closing a SENCE session (the Moodle block's "Solicitar cierre de sesión"): a page, served by the
 * gate at a gated URL with ?sence_cerrar=1, whose button POSTs SENCE's CerrarSesion form. The
 * callbacks that follow are answered by callback.c. */
#include "sence_module.h"
#include "config.h"
#include "journal.h"
#include "close.h"
#include "page.h"
#include "store_glue.h"
#include "request.h"
#include "attempt.h"

#include "alert_glue.h"

#include <http_protocol.h>
#include <apr_strings.h>

int sence_close_page(request_rec *r, const sence_dir_conf_t *d, const sence_record_t *session)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_time_t now = apr_time_now();
    sence_record_t attempt = *session;
    sence_request_t req;
    sence_event_t e;
    apr_status_t rv;

    attempt.flags = SENCE_FLAG_CLOSE;
    attempt.fecha_hora[0] = attempt.zona[0] = '\0'; /* SENCE sends the close's own */
    memcpy(attempt.ref, session->id, sizeof(attempt.ref));
    /* this page without the close parameter (the link adds it last), for "Reintentar" */
    sence_strlcpy(attempt.url, sence_local_url(r), sizeof(attempt.url));
    {
        char *cut = strstr(attempt.url, "sence_cerrar=1");
        if (cut && cut > attempt.url && (cut[-1] == '?' || cut[-1] == '&') && !cut[14])
            cut[-1] = '\0';
    }
    attempt.created = now;
    attempt.expires = now + sence_login_timeout(d);
    rv = sence_store_put(sence_store(), SENCE_KIND_ATTEMPT, &attempt, now);
    if (rv == SENCE_STORE_EDOWN)
        return sence_page_store_down(r, "cannot record a close attempt");
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SLOG(6001) "cannot record a close attempt");
        return sence_page_unavailable(r, "No pudimos preparar el cierre de sesión SENCE. Intente "
                                         "nuevamente en unos minutos.");
    }
    sence_alert_close(r, session, &attempt);
    req = sence_request_for(d, &attempt, sc->url_close, sc->url_close_error);
    req.id_sence = session->id_sence;
    memset(&e, 0, sizeof(e));
    e.ev = SENCE_EV_CLOSE_SENT;
    e.rec = &attempt;
    sence_journal(r, &e);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  SLOG(6002) "close page for RUN %s CodigoCurso '%s' IdSesionSence %s",
                  session->run, session->codigo_curso, session->id_sence);
    return sence_page_close(
        r, apr_pstrcat(r->pool, sence_base_url(d->env, d->endpoint), SENCE_PATH_CLOSE, NULL),
        sence_rce_fields(r->pool, &req), d->env);
}
