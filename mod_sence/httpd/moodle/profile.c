/* Moodle mode: who the participant is and where they are gated; see profile.h. */
#include "moodle/profile.h"

#include <http_core.h>
#include <apr_strings.h>
#include <stdlib.h>

#define DEFAULT_SESSION_TIMEOUT 28800
#define COL_SEP '\x1f'

/* ---- who ---------------------------------------------------------------------------- */

typedef struct {
    const char *userid;
    const char *binding; /* subject of the SENCE session: user and Moodle session */
    const char *username;
    const char *idnumber;
    const char *fullname;
    const char *email, *phone1, *phone2;
    apr_time_t until; /* the Moodle session times out then (cookie path; 0 otherwise) */
} user_t;

static apr_int64_t session_timeout(request_rec *r)
{
    sence_mresult_t res;

    if (sence_mdb_lookup(r, SENCE_MQ_CONFIG, "sessiontimeout", NULL, &res) == APR_SUCCESS &&
        res.rows->nelts && apr_atoi64(sence_mdb_cell(&res, 0, 0)) > 0)
        return apr_atoi64(sence_mdb_cell(&res, 0, 0));
    return DEFAULT_SESSION_TIMEOUT;
}

/* The Moodle account a web-service token, private file key or wsusername names. */
static sence_who_t token_user(request_rec *r, const sence_mreq_t *req, apr_int64_t *userid)
{
    sence_mresult_t res;
    sence_mq_t q = req->token_kind == SENCE_MTOKEN_WS        ? SENCE_MQ_WSTOKEN
                   : req->token_kind == SENCE_MTOKEN_PRIVATE ? SENCE_MQ_PRIVATE_KEY
                                                             : SENCE_MQ_USERNAME;

    *userid = 0;
    if (!req->token || !*req->token || strlen(req->token) > 128)
        return SENCE_WHO_OK;
    if (sence_mdb_lookup(r, q, req->token, NULL, &res) != APR_SUCCESS)
        return SENCE_WHO_UNAVAILABLE;
    *userid = res.rows->nelts ? apr_atoi64(sence_mdb_cell(&res, 0, 0)) : 0;
    return SENCE_WHO_OK;
}

/* $_COOKIE[MoodleSession] as PHP reads it: one Cookie header (httpd joins repeated ones). */
const char *sence_msession_cookie(request_rec *r, unsigned *odd)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *sid;

    *odd = 0;
    sid = sence_php_cookie(r->pool, apr_table_get(r->headers_in, "Cookie"),
                           sc->moodle.cookie ? sc->moodle.cookie : "MoodleSession", odd);
    return sid && *sid && strlen(sid) <= 128 ? sid : NULL;
}

static sence_who_t cookie_user(request_rec *r, const char *sid, apr_int64_t *userid,
                               apr_time_t *until)
{
    sence_mresult_t res;
    apr_int64_t alive;

    *userid = 0;
    if (!sid)
        return SENCE_WHO_OK;
    if (sence_mdb_lookup(r, SENCE_MQ_SESSION, sid, NULL, &res) != APR_SUCCESS)
        return SENCE_WHO_UNAVAILABLE;
    if (!res.rows->nelts || res.ncols < 2)
        return SENCE_WHO_OK;
    alive = apr_atoi64(sence_mdb_cell(&res, 0, 1)) + session_timeout(r);
    if (alive >= apr_time_sec(apr_time_now())) {
        *userid = apr_atoi64(sence_mdb_cell(&res, 0, 0));
        *until = apr_time_from_sec(alive + 1);
    }
    return SENCE_WHO_OK;
}

/* Who makes this request; u->userid NULL for guests, stale sessions and unknown tokens. The
 * binding names the Moodle session too: after a logout, even the same user starts over. */
static sence_who_t find_user(request_rec *r, const sence_mreq_t *req, const char *sid, user_t *u)
{
    sence_mresult_t res;
    apr_int64_t userid;
    sence_who_t st;

    memset(u, 0, sizeof(*u));
    st = req->token_kind != SENCE_MTOKEN_NONE && req->token
             ? token_user(r, req, &userid)
             : cookie_user(r, sid, &userid, &u->until);
    if (req->token_kind != SENCE_MTOKEN_NONE && req->token)
        sid = NULL;
    if (st != SENCE_WHO_OK || userid <= 0)
        return st;
    u->userid = sence_mnum(r->pool, userid);
    u->binding = apr_psprintf(
        r->pool, "moodle:%s:%s", u->userid,
        sid ? apr_psprintf(r->pool, "%012" APR_UINT64_T_HEX_FMT,
                           sence_hash(sid, strlen(sid), 0) & APR_UINT64_C(0xffffffffffff))
            : "app");
    if (sence_mdb_lookup(r, SENCE_MQ_USER, u->userid, NULL, &res) != APR_SUCCESS)
        return SENCE_WHO_UNAVAILABLE;
    if (!res.rows->nelts || res.ncols < 9 || atoi(sence_mdb_cell(&res, 0, 7)) != 0) {
        u->userid = NULL; /* deleted */
        return SENCE_WHO_OK;
    }
    u->username = sence_mdb_cell(&res, 0, 0);
    u->idnumber = sence_mdb_cell(&res, 0, 1);
    u->fullname =
        apr_pstrcat(r->pool, sence_mdb_cell(&res, 0, 2), " ", sence_mdb_cell(&res, 0, 3), NULL);
    u->email = sence_mdb_cell(&res, 0, 4);
    u->phone1 = sence_mdb_cell(&res, 0, 5);
    u->phone2 = sence_mdb_cell(&res, 0, 6);
    return SENCE_WHO_OK;
}

/* ---- roles -------------------------------------------------------------------------- */

/* Is v in list, or in defaults when the directive was not given? */
static int listed(const apr_array_header_t *list, const char *const *defaults, const char *v)
{
    int i;

    if (list) {
        for (i = 0; i < list->nelts; i++)
            if (!strcasecmp(APR_ARRAY_IDX(list, i, const char *), v))
                return 1;
        return 0;
    }
    for (i = 0; defaults && defaults[i]; i++)
        if (!strcasecmp(defaults[i], v))
            return 1;
    return 0;
}

static int any_listed(const apr_array_header_t *list, const char *const *defaults,
                      const sence_mresult_t *res)
{
    int i;

    for (i = 0; i < res->rows->nelts; i++)
        if (listed(list, defaults, sence_mdb_cell(res, i, 0)))
            return 1;
    return 0;
}

static const char *const def_gated[] = {"student", NULL};
static const char *const def_exempt[] = {"editingteacher", "manager", NULL};

static int site_admin(request_rec *r, const char *userid, sence_who_t *st)
{
    sence_mresult_t res;
    char *list, *state = NULL, *id;

    *st = SENCE_WHO_OK;
    if (sence_mdb_lookup(r, SENCE_MQ_CONFIG, "siteadmins", NULL, &res) != APR_SUCCESS) {
        *st = SENCE_WHO_UNAVAILABLE;
        return 0;
    }
    if (!res.rows->nelts)
        return 0;
    list = apr_pstrdup(r->pool, sence_mdb_cell(&res, 0, 0));
    for (id = apr_strtok(list, ", ", &state); id; id = apr_strtok(NULL, ", ", &state))
        if (!strcmp(id, userid))
            return 1;
    return 0;
}

static int by_course_id(const void *a, const void *b)
{
    apr_int64_t x = ((const gcourse_t *)a)->c.id, y = ((const gcourse_t *)b)->c.id;
    return x < y ? -1 : x > y;
}

/* Why this user passes ungated in course c (a role or group), or NULL if gated. */
static const char *exemption(request_rec *r, const sence_moodle_dir_t *md, const char *userid,
                             apr_int64_t course_id, sence_who_t *st)
{
    const char *course = sence_mnum(r->pool, course_id);
    sence_mresult_t roles, groups;

    *st = SENCE_WHO_OK;
    if (sence_mdb_lookup(r, SENCE_MQ_ROLES, userid, course, &roles) != APR_SUCCESS) {
        *st = SENCE_WHO_UNAVAILABLE;
        return "";
    }
    if (any_listed(md->exempt_roles, def_exempt, &roles))
        return "exempt role";
    if (!any_listed(md->gated_roles, def_gated, &roles))
        return "no gated role in the course";
    if (md->exempt_groups && md->exempt_groups->nelts) {
        if (sence_mdb_lookup(r, SENCE_MQ_GROUPS, userid, course, &groups) != APR_SUCCESS) {
            *st = SENCE_WHO_UNAVAILABLE;
            return "";
        }
        if (any_listed(md->exempt_groups, NULL, &groups))
            return "member of an exempt group";
    }
    return NULL;
}

static void profile_courses(request_rec *r, const sence_moodle_dir_t *md, const user_t *u,
                            profile_t *pr)
{
    sence_mresult_t res;
    apr_hash_t *seen = apr_hash_make(r->pool);
    const char *why;
    int i;

    if (site_admin(r, u->userid, &pr->st) || pr->st != SENCE_WHO_OK)
        return; /* site admins pass everywhere */
    if (sence_mdb_lookup(r, SENCE_MQ_USER_COURSES, u->userid, NULL, &res) != APR_SUCCESS) {
        pr->st = SENCE_WHO_UNAVAILABLE;
        return;
    }
    for (i = 0; i < res.rows->nelts; i++) {
        const char *cid = sence_mdb_cell(&res, i, 0);
        gcourse_t g;
        if (!listed(md->gated_roles, def_gated, sence_mdb_cell(&res, i, 1)) ||
            apr_hash_get(seen, cid, APR_HASH_KEY_STRING))
            continue;
        apr_hash_set(seen, cid, APR_HASH_KEY_STRING, "");
        if ((pr->st = sence_mcourse_by(r, SENCE_MQ_COURSE, cid, &g.c)) != SENCE_WHO_OK)
            return;
        if (!(g.mc = sence_mconfigured(r, &g.c)))
            continue;
        if ((why = exemption(r, md, u->userid, g.c.id, &pr->st)) != NULL ||
            pr->st != SENCE_WHO_OK) {
            if (pr->st != SENCE_WHO_OK)
                return;
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                          SLOG(4005) "Moodle user %s passes course %s: %s", u->userid, cid, why);
            continue;
        }
        APR_ARRAY_PUSH(pr->gated, gcourse_t) = g;
    }
    /* Rows come in whatever order the database likes (PostgreSQL's is not SQLite's): by course
     * id, so that a page of every course always asks for the same course's session first. */
    qsort(pr->gated->elts, (size_t)pr->gated->nelts, sizeof(gcourse_t), by_course_id);
}

static void build_profile(request_rec *r, const sence_dir_conf_t *d, const sence_mreq_t *req,
                          const char *sid, profile_t *pr)
{
    char run[SENCE_RUN_MAX + 1];
    const char *raw;
    sence_run_status_t rs;
    user_t u;

    memset(pr, 0, sizeof(*pr));
    pr->gated = apr_array_make(r->pool, 2, sizeof(gcourse_t));
    if ((pr->st = find_user(r, req, sid, &u)) != SENCE_WHO_OK)
        return;
    if (!u.userid) {
        pr->st =
            SENCE_WHO_PASS; /* guests and logged-out visitors: Moodle sends them to its login */
        return;
    }
    pr->userid = u.userid;
    pr->subject = u.binding;
    pr->fullname = u.fullname;
    pr->email = u.email;
    pr->phone1 = u.phone1;
    pr->phone2 = u.phone2;
    pr->until = u.until;
    profile_courses(r, &d->moodle, &u, pr);
    if (pr->st != SENCE_WHO_OK) {
        pr->until = 0;
        return;
    }
    raw = d->moodle.run_field == 2 ? u.username : u.idnumber;
    pr->raw_run = raw;
    if ((rs = sence_run_normalize(raw, run)) != SENCE_RUN_OK) {
        pr->run_reason = apr_psprintf(r->pool, "Moodle user %s has %s '%s' (%s)", u.userid,
                                      d->moodle.run_field == 2 ? "username" : "ID number",
                                      raw ? raw : "", sence_run_status_text(rs));
        pr->run_st = rs == SENCE_RUN_EMPTY ? SENCE_WHO_NO_RUN : SENCE_WHO_BAD_RUN;
    } else {
        pr->run = apr_pstrdup(r->pool, run);
    }
}

/* Profiles of browser sessions are remembered by this child for a quarter of the cache TTL
 * (never past the Moodle session's timeout), keyed by virtual host, the location's role
 * settings and MoodleSession: a participant's requests then cost one lookup instead of
 * several per course. */
typedef struct {
    const void *server;
    const void *gated, *exempt, *groups; /* configuration arrays: fixed for a generation */
    int run_field;
} profile_key_t;

static char *profile_key(request_rec *r, const sence_moodle_dir_t *md, const char *sid,
                         apr_size_t *klen)
{
    profile_key_t k;
    apr_size_t n = strlen(sid);
    char *key = apr_palloc(r->pool, sizeof(k) + n);

    memset(&k, 0, sizeof(k));
    k.server = r->server;
    k.gated = md->gated_roles;
    k.exempt = md->exempt_roles;
    k.groups = md->exempt_groups;
    k.run_field = md->run_field;
    memcpy(key, &k, sizeof(k));
    memcpy(key + sizeof(k), sid, n);
    *klen = sizeof(k) + n;
    return key;
}

static const char *profile_encode(apr_pool_t *p, const profile_t *pr)
{
    char cs[2] = {COL_SEP, 0};
    const char *courses = "";
    int i;

    for (i = 0; i < pr->gated->nelts; i++)
        courses = apr_pstrcat(p, courses, i ? "," : "",
                              sence_mnum(p, APR_ARRAY_IDX(pr->gated, i, gcourse_t).c.id), NULL);
    return apr_pstrcat(p, apr_itoa(p, (int)pr->st), cs, pr->userid ? pr->userid : "", cs,
                       pr->subject ? pr->subject : "", cs, pr->fullname ? pr->fullname : "", cs,
                       pr->run ? pr->run : "", cs, apr_itoa(p, (int)pr->run_st), cs,
                       pr->run_reason ? pr->run_reason : "", cs, pr->email ? pr->email : "", cs,
                       pr->phone1 ? pr->phone1 : "", cs, pr->phone2 ? pr->phone2 : "", cs,
                       pr->raw_run ? pr->raw_run : "", cs, courses, NULL);
}

/* The courses come back through the (cached) course lookup, so a course's SenceMoodleCourse
 * line is found by id or shortname as when the profile was made. */
static int profile_decode(request_rec *r, char *v, profile_t *pr)
{
    const char **f[] = {&pr->userid,     &pr->subject, &pr->fullname, &pr->run,    NULL,
                        &pr->run_reason, &pr->email,   &pr->phone1,   &pr->phone2, &pr->raw_run};
    char *run_st = NULL, *courses, *state = NULL, *id;
    apr_size_t i;

    memset(pr, 0, sizeof(*pr));
    pr->gated = apr_array_make(r->pool, 2, sizeof(gcourse_t));
    pr->st = (sence_who_t)atoi(v);
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (!(v = strchr(v, COL_SEP)))
            return 0;
        *v++ = '\0';
        if (f[i])
            *f[i] = v;
        else
            run_st = v;
    }
    if (!(v = strchr(v, COL_SEP)))
        return 0;
    *v++ = '\0';
    courses = v;
    pr->run_st = (sence_who_t)atoi(run_st ? run_st : "0");
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (f[i] && !**f[i])
            *f[i] = NULL;
    for (id = apr_strtok(courses, ",", &state); id; id = apr_strtok(NULL, ",", &state)) {
        gcourse_t g;
        if (sence_mcourse_by(r, SENCE_MQ_COURSE, id, &g.c) != SENCE_WHO_OK ||
            !(g.mc = sence_mconfigured(r, &g.c)))
            return 0;
        APR_ARRAY_PUSH(pr->gated, gcourse_t) = g;
    }
    return 1;
}

void sence_mprofile_of(request_rec *r, const sence_dir_conf_t *d, const sence_mreq_t *req,
                       const char *sid, profile_t *pr)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_interval_time_t ttl = sence_mdb_ttl(&sc->moodle);
    int by_cookie = req->token_kind == SENCE_MTOKEN_NONE || !req->token;
    apr_size_t klen = 0;
    char *key = NULL;
    apr_time_t until;

    if (by_cookie && sid && ttl && sence_mdb_local_on()) {
        char *hit;
        key = profile_key(r, &d->moodle, sid, &klen);
        if ((hit = (char *)sence_mdb_local_get(r, key, klen)) != NULL && profile_decode(r, hit, pr))
            return;
    }
    build_profile(r, d, req, by_cookie ? sid : NULL, pr);
    until = apr_time_now() + SENCE_MLOCAL_TTL(ttl);
    if (key && pr->until && pr->st == SENCE_WHO_OK)
        sence_mdb_local_put(key, klen, profile_encode(r->pool, pr),
                            pr->until < until ? pr->until : until);
}
