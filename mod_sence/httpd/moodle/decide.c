/* Moodle mode's decision: the request read as PHP reads it (policy.c, bodies included), the
 * participant's profile (profile.c), which gated courses the request shows (resolve.c), and
 * whether it must be refused because PHP could read it otherwise. Default deny: for a gated
 * participant a request passes only when it is an allow-listed site page or is attributed to
 * courses that need no gate (or whose sessions they hold); anything else needs the session of
 * every gated course. */
#include "moodle/profile.h"
#include "config.h"
#include "moodle/mode.h"
#include "identity.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

/* ---- reading the request -------------------------------------------------------------- */

/* Moodle reads parameters from the body before the query, so a body is read (the first
 * SenceMoodleMaxBody bytes) where the policy says it matters: AJAX JSON always, form and
 * multipart fields for entry points that show content by id. The body is handed on to
 * Moodle unchanged. */
/* The URL the browser asked for, when a rewrite (mod_rewrite) changed it: its path (httpd has
 * %-decoded r->parsed_uri.path already), or NULL when it is the one PHP gets. */
static const char *asked_path(request_rec *r, const char **query)
{
    char *path;

    *query = r->parsed_uri.query;
    if (!r->parsed_uri.path)
        return NULL;
    path = apr_pstrdup(r->pool, r->parsed_uri.path);
    ap_getparents(path);
    if (!strcmp(path, r->uri) && !strcmp(*query ? *query : "", r->args ? r->args : ""))
        return NULL;
    return path;
}

static sence_who_t read_request(request_rec *r, const sence_dir_conf_t *d, sence_mreq_t *req)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *ctype = apr_table_get(r->headers_in, "Content-Type"), *body, *query;
    const char *root = d->moodle.root ? d->moodle.root : "", *asked = asked_path(r, &query);
    sence_mreq_t other;
    apr_size_t len;

    /* what PHP reads: the script and query after any rewrite */
    sence_moodle_read_url(r->pool, root, r->uri, r->args, req);
    if (asked)
        sence_moodle_read_url(r->pool, root, asked, query, &other);
    if (r->method_number != M_GET && r->method_number != M_OPTIONS && !r->main &&
        (apr_table_get(r->headers_in, "Content-Length") ||
         apr_table_get(r->headers_in, "Transfer-Encoding")) &&
        (sence_moodle_wants_body(req, ctype) ||
         (asked && sence_moodle_wants_body(&other, ctype)))) {
        sence_who_t st;
        st = sence_mbody_read(
            r, sc->moodle.max_body ? sc->moodle.max_body : SENCE_MOODLE_DEFAULT_MAX_BODY, &body,
            &len, &req->truncated);
        if (st != SENCE_WHO_OK)
            return st;
        if (!req->truncated) {
            sence_moodle_read_body(r->pool, req, ctype, body, len);
            if (asked)
                sence_moodle_read_body(r->pool, &other, ctype, body, len);
        }
    }
    sence_moodle_classify(r->pool, req);
    if (asked) {
        sence_moodle_classify(r->pool, &other);
        sence_moodle_merge(req, &other);
    }
    if (req->truncated && !req->unattributed) {
        req->unattributed = 1;
        req->why = "a body longer than SenceMoodleMaxBody";
    }
    return SENCE_WHO_OK;
}

/* ---- the decision ------------------------------------------------------------------ */

static const gcourse_t *gated_course(const profile_t *pr, apr_int64_t id)
{
    int i;

    for (i = 0; i < pr->gated->nelts; i++)
        if (APR_ARRAY_IDX(pr->gated, i, gcourse_t).c.id == id)
            return &APR_ARRAY_IDX(pr->gated, i, gcourse_t);
    return NULL;
}

static void participant(const sence_dir_conf_t *d, const sence_mreq_t *req, const profile_t *pr,
                        const gcourse_t *g, sence_participant_t *who)
{
    memset(who, 0, sizeof(*who));
    sence_strlcpy(who->run, pr->run ? pr->run : "", sizeof(who->run));
    who->subject = pr->subject;
    who->app = req->token_kind != SENCE_MTOKEN_NONE && req->token;
    who->fullname = pr->fullname;
    who->email = pr->email;
    who->phone = pr->phone1;
    who->mobile = pr->phone2;
    who->raw_run = pr->raw_run;
    who->course_name = g->c.shortname;
    who->linea = g->mc->linea ? g->mc->linea : d->linea;
    who->cod_sence = g->mc->cod_sence;
    who->codigo_curso = g->mc->codigo_curso ? g->mc->codigo_curso
                        : g->c.idnumber     ? g->c.idnumber
                                            : "";
}

/* Adds the gated courses the request is about to required (each once); marks the request
 * unattributed where a reference names nothing or only a non-course place that may hold
 * course content. */
static sence_who_t attribute(request_rec *r, sence_mreq_t *req, const profile_t *pr,
                             apr_array_header_t *required)
{
    int i, j;

    for (i = 0; i < req->refs->nelts; i++) {
        const sence_mref_t *ref = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
        const gcourse_t *g;
        sence_mcourse_t c;
        int exists;
        sence_who_t st;
        if (ref->kind == SENCE_MREF_OPAQUE || sence_moodle_public_file(ref))
            continue;
        if ((st = sence_mresolve(r, ref, &c, &exists)) != SENCE_WHO_OK)
            return st;
        if (c.id > 0 && (g = gated_course(pr, c.id)) != NULL) {
            for (j = 0; j < required->nelts; j++)
                if (APR_ARRAY_IDX(required, j, const gcourse_t *) == g)
                    break;
            if (j == required->nelts)
                APR_ARRAY_PUSH(required, const gcourse_t *) = g;
        } else if (ref->specific && !exists && !req->unattributed) {
            req->unattributed = 1;
            req->why = apr_pstrcat(r->pool, ref->source, " names nothing in Moodle", NULL);
        } else if (ref->specific && c.id <= 0 && ref->kind == SENCE_MREF_CONTEXT &&
                   ref->component &&
                   (!strncmp(ref->component, "question", 8) ||
                    !strncmp(ref->component, "qtype_", 6)) &&
                   !req->unattributed) {
            /* question files live in a question bank's context, not the quiz's */
            req->unattributed = 1;
            req->why = "a question file outside a course context";
        }
    }
    return SENCE_WHO_OK;
}

/* The course's full name, for the gate page and alert mails (one more lookup, cached like the
 * others); its short name when the query fails. A refusal (no RUN) shows no course: there it
 * is looked up only where the section sends alerts. */
static void course_name(request_rec *r, const sence_dir_conf_t *d, const gcourse_t *g,
                        sence_participant_t *who, int for_gate)
{
    sence_mresult_t res;

    if (!for_gate && (!d->alert_mail || !d->alert_mail->nelts))
        return;
    if (sence_mdb_lookup(r, SENCE_MQ_COURSE_NAME, sence_mnum(r->pool, g->c.id), NULL, &res) ==
            APR_SUCCESS &&
        res.rows->nelts && *sence_mdb_cell(&res, 0, 0))
        who->course_name = sence_mdb_cell(&res, 0, 0);
}

sence_who_t sence_moodle_identify(request_rec *r, const sence_dir_conf_t *d,
                                  sence_participant_t *who, const char **reason, int *has_session,
                                  sence_record_t *session)
{
    sence_env_t env = sence_effective_env(d);
    apr_array_header_t *required = apr_array_make(r->pool, 2, sizeof(const gcourse_t *));
    apr_array_header_t *lacking = apr_array_make(r->pool, 2, sizeof(apr_int64_t));
    apr_array_header_t *lacking_who = apr_array_make(r->pool, 2, sizeof(sence_participant_t));
    const gcourse_t *target = NULL;
    sence_record_t rec;
    sence_mreq_t req;
    profile_t pr;
    const char *sid, *why;
    unsigned cookie_odd;
    sence_who_t st;
    int i;

    if ((st = read_request(r, d, &req)) != SENCE_WHO_OK)
        return st;
    sid = sence_msession_cookie(r, &cookie_odd);
    if (!sid && (req.token_kind == SENCE_MTOKEN_NONE || !req.token))
        return SENCE_WHO_PASS; /* no Moodle session, no token: Moodle answers, without the database
                                */
    sence_mprofile_of(r, d, &req, sid, &pr);
    if (pr.st != SENCE_WHO_OK)
        return pr.st;
    if (!pr.gated->nelts) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      SLOG(4010) "Moodle user %s is gated in no course: %s passes",
                      pr.userid ? pr.userid : "-", r->uri);
        return SENCE_WHO_PASS; /* teachers, admins, exempt users, students of free courses only */
    }
    if (req.cls != SENCE_MCLASS_SITE && (req.odd || cookie_odd)) {
        *reason = apr_psprintf(
            r->pool, "%s in %s", sence_php_odd_text(r->pool, req.odd | cookie_odd),
            req.odd ? (req.odd_where ? req.odd_where : "the request") : "the Cookie header");
        return SENCE_WHO_AMBIGUOUS;
    }
    /* (a site page has references only from the URL asked for, when a rewrite changed it) */
    if ((st = attribute(r, &req, &pr, required)) != SENCE_WHO_OK)
        return st;
    if (req.unattributed) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      SLOG(4009) "%s is gated content of every gated course of Moodle user %s: "
                                 "%s",
                      r->uri, pr.userid, req.why ? req.why : req.entry);
        /* the courses its references name first: the gate asks for theirs before others */
        for (i = 0; i < pr.gated->nelts; i++) {
            const gcourse_t *g = &APR_ARRAY_IDX(pr.gated, i, gcourse_t);
            int j;
            for (j = 0; j < required->nelts; j++)
                if (APR_ARRAY_IDX(required, j, const gcourse_t *) == g)
                    break;
            if (j == required->nelts)
                APR_ARRAY_PUSH(required, const gcourse_t *) = g;
        }
    }
    /* which gated courses have a live session in this browser; the first required one
     * without is the one the gate asks for */
    for (i = 0; i < pr.gated->nelts; i++) {
        const gcourse_t *g = &APR_ARRAY_IDX(pr.gated, i, gcourse_t);
        sence_participant_t p;
        participant(d, &req, &pr, g, &p);
        if (pr.run && sence_identity_session(r, &p, &rec)) {
            if (required->nelts && g == APR_ARRAY_IDX(required, 0, const gcourse_t *))
                *session = rec; /* the gate's, if every required course has its session */
            continue;
        }
        APR_ARRAY_PUSH(lacking, apr_int64_t) = g->c.id;
        APR_ARRAY_PUSH(lacking_who, sence_participant_t) = p;
    }
    for (i = 0; i < required->nelts && !target; i++) {
        const gcourse_t *g = APR_ARRAY_IDX(required, i, const gcourse_t *);
        int j;
        for (j = 0; j < lacking->nelts; j++)
            if (APR_ARRAY_IDX(lacking, j, apr_int64_t) == g->c.id)
                target = g;
    }
    *has_session = 0;
    if (!target) {
        if (lacking->nelts && !r->main)
            sence_mfilter_add(r, d, lacking, lacking_who);
        if (!required->nelts)
            return SENCE_WHO_PASS;
        target = APR_ARRAY_IDX(required, 0, const gcourse_t *); /* has its session */
        *has_session = 1;
    } else if (req.truncated) {
        *reason = "";
        return SENCE_WHO_TOO_LARGE;
    }
    if (!pr.run) {
        participant(d, &req, &pr, target, who); /* contact data for the alert */
        course_name(r, d, target, who, 0);
        *reason = pr.run_reason;
        return pr.run_st;
    }
    participant(d, &req, &pr, target, who);
    if (!*has_session) /* the gate will send a login: its page and the alert show the name */
        course_name(r, d, target, who, 1);
    if ((why = sence_check_codigo_curso(who->codigo_curso, env)) != NULL) {
        *reason = apr_psprintf(r->pool,
                               "course %" APR_INT64_T_FMT " (%s): ID number '%s': %s; "
                               "set it in Moodle or in SenceMoodleCourse",
                               target->c.id, target->c.shortname, who->codigo_curso, why);
        return SENCE_WHO_CONFIG;
    }
    return SENCE_WHO_OK;
}
