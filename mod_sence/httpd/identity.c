/* Who asks and for which course: the checks every section needs, then its identity source. */
#include "mod_sence.h"
#include "identity.h"

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
