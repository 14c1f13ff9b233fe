/* Who asks and for which course: the checks every section needs, then its identity source. */
#include "sence_module.h"
#include "moodle/mode.h"
#include "identity.h"
#include "request.h"
#include "store_glue.h"

#include <apr_strings.h>

sence_who_t sence_identify(request_rec *r, const sence_dir_conf_t *d, sence_participant_t *p,
                           const char **reason, int *has_session, sence_record_t *session)
{
    sence_identity_fn *source = d->moodle.enabled == 1 ? sence_moodle_identify : sence_identity_run;
    sence_who_t st;

    if (!d->token || !d->rut_otec) {
        *reason = "SenceRutOtec and SenceToken are required";
        return SENCE_WHO_CONFIG;
    }
    p->subject = "";
    st = source(r, d, p, reason, has_session, session);
    /* stored in a fixed-size record: compare what is stored */
    if (p->subject && strlen(p->subject) >= sizeof(((sence_record_t *)NULL)->subject))
        p->subject =
            apr_pstrndup(r->pool, p->subject, sizeof(((sence_record_t *)NULL)->subject) - 1);
    return st;
}

/* The live session this browser holds for the participant's course, if any. The subject is
 * compared as the fixed-size record stores it. */
int sence_identity_session(request_rec *r, const sence_participant_t *p, sence_record_t *rec)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    char name[SENCE_COOKIE_NAME_SIZE], id[SENCE_ID_LEN + 1], subject[sizeof(rec->subject)];
    apr_status_t rv;

    sence_cookie_name(name, p->cod_sence, p->codigo_curso, p->linea);
    if (!sence_request_course_cookie(r, name, id))
        return 0;
    rv = sence_store_get_head(sence_store(), SENCE_KIND_SESSION, id, apr_time_now(), rec);
    if (rv == SENCE_STORE_EDOWN)
        apr_table_setn(sence_root_request(r)->notes, SENCE_NOTE_STORE_DOWN, "1");
    if (rv != APR_SUCCESS)
        return 0;
    sence_strlcpy(subject, p->subject ? p->subject : "", sizeof(subject));
    if (strcmp(rec->run, p->run) != 0 || strcmp(rec->subject, subject) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SLOG(2003) "session cookie of RUN %s (%s) presented by RUN %s (%s): not "
                                 "honoured",
                      rec->run, rec->subject, p->run, p->subject);
        return 0;
    }
    if (rec->issuer != sc->issuer) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SLOG(2016) "session cookie of RUN %s issued under another SencePublicURL "
                                 "than this server's (%s): not honoured",
                      rec->run, sc->public_url);
        return 0;
    }
    return strcmp(rec->cod_sence, p->cod_sence) == 0 &&
           strcmp(rec->codigo_curso, p->codigo_curso) == 0 && rec->linea == p->linea;
}
