/* The identity source of sections outside Moodle mode: the participant's RUN from SenceRun
 * (default %{REMOTE_USER}), the course from the section's codes. */
#include "sence_module.h"
#include "config.h"
#include "identity.h"

#include <apr_strings.h>

static const char *eval_value(request_rec *r, const sence_value_t *v, const char **err)
{
    if (v->expr)
        return ap_expr_str_exec(r, v->expr, err);
    return v->literal ? v->literal : "";
}

/* SenceRun and the section's codes (or their expressions). */
sence_who_t sence_identity_run(request_rec *r, const sence_dir_conf_t *d, sence_participant_t *p,
                               const char **reason, int *has_session, sence_record_t *session)
{
    sence_env_t env = sence_effective_env(d);
    const char *err = NULL, *raw;
    sence_run_status_t st;

    (void)has_session;
    (void)session;
    if (!d->linea) {
        *reason = "SenceLinea is required";
        return SENCE_WHO_CONFIG;
    }
    raw = d->run ? ap_expr_str_exec(r, d->run, &err) : r->user;
    p->raw_run = raw;
    if (err) {
        *reason = apr_pstrcat(r->pool, "SenceRun: ", err, NULL);
        return SENCE_WHO_CONFIG;
    }
    if ((st = sence_run_normalize(raw, p->run)) != SENCE_RUN_OK) {
        *reason = apr_psprintf(r->pool, "participant RUN '%s' is %s", raw ? raw : "",
                               sence_run_status_text(st));
        return st == SENCE_RUN_EMPTY ? SENCE_WHO_NO_RUN : SENCE_WHO_BAD_RUN;
    }
    p->linea = d->linea;
    p->cod_sence = eval_value(r, &d->cod_sence, &err);
    if (!err)
        p->codigo_curso = eval_value(r, &d->codigo_curso, &err);
    if (err) {
        *reason = apr_pstrcat(r->pool, "SenceCodSence/SenceCodigoCurso: ", err, NULL);
        return SENCE_WHO_CONFIG;
    }
    if ((*reason = sence_check_cod_sence(p->cod_sence, p->linea, env)) != NULL ||
        (*reason = sence_check_codigo_curso(p->codigo_curso, env)) != NULL)
        return d->cod_sence.expr || d->codigo_curso.expr ? SENCE_WHO_NO_COURSE : SENCE_WHO_CONFIG;
    return SENCE_WHO_OK;
}
