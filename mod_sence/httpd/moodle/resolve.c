/* What the references of a request (policy.c) are in Moodle's database: the course of a
 * module, a context, a section, a discussion, a post, a glossary entry, a quiz attempt. */
#include "moodle/resolve.h"

#include <apr_strings.h>

#define CONTEXT_COURSE 50
#define CONTEXT_MODULE 70

const char *sence_mnum(apr_pool_t *p, apr_int64_t n)
{
    return apr_off_t_toa(p, (apr_off_t)n);
}

sence_who_t sence_mcourse_by(request_rec *r, sence_mq_t q, const char *arg, sence_mcourse_t *c)
{
    sence_mresult_t res;

    memset(c, 0, sizeof(*c));
    if (sence_mdb_lookup(r, q, arg, NULL, &res) != APR_SUCCESS)
        return SENCE_WHO_UNAVAILABLE;
    if (res.rows->nelts && res.ncols >= 3) {
        c->id = apr_atoi64(sence_mdb_cell(&res, 0, 0));
        c->shortname = sence_mdb_cell(&res, 0, 1);
        c->idnumber = sence_mdb_cell(&res, 0, 2);
    }
    return SENCE_WHO_OK;
}

static sence_who_t course_id_of(request_rec *r, sence_mq_t q, const char *a1, const char *a2,
                                apr_int64_t *id)
{
    sence_mresult_t res;

    if (sence_mdb_lookup(r, q, a1, a2, &res) != APR_SUCCESS)
        return SENCE_WHO_UNAVAILABLE;
    *id = res.rows->nelts ? apr_atoi64(sence_mdb_cell(&res, 0, 0)) : 0;
    return SENCE_WHO_OK;
}

/* Course of a context: itself (50), its module's course (70), or the nearest course context
 * on its path (blocks, 80, and anything else below a course). *exists: the context is there
 * (a system, user or category context has no course). */
static sence_who_t course_of_context(request_rec *r, apr_int64_t ctx, apr_int64_t *id, int *exists)
{
    sence_mresult_t res;
    char *path, *state = NULL, *seg;
    apr_array_header_t *ids;
    int level, i;

    *id = 0;
    *exists = 0;
    if (sence_mdb_lookup(r, SENCE_MQ_CONTEXT, sence_mnum(r->pool, ctx), NULL, &res) != APR_SUCCESS)
        return SENCE_WHO_UNAVAILABLE;
    if (!res.rows->nelts || res.ncols < 3)
        return SENCE_WHO_OK;
    *exists = 1;
    level = atoi(sence_mdb_cell(&res, 0, 0));
    if (level == CONTEXT_COURSE) {
        *id = apr_atoi64(sence_mdb_cell(&res, 0, 1));
        return SENCE_WHO_OK;
    }
    if (level == CONTEXT_MODULE)
        return course_id_of(r, SENCE_MQ_CM, sence_mdb_cell(&res, 0, 1), NULL, id);
    ids = apr_array_make(r->pool, 6, sizeof(char *));
    path = apr_pstrdup(r->pool, sence_mdb_cell(&res, 0, 2));
    for (seg = apr_strtok(path, "/", &state); seg; seg = apr_strtok(NULL, "/", &state))
        APR_ARRAY_PUSH(ids, const char *) = seg;
    for (i = ids->nelts - 1; i >= 0 && !*id; i--)
        if (course_id_of(r, SENCE_MQ_COURSE_CONTEXT, APR_ARRAY_IDX(ids, i, const char *), NULL,
                         id) != SENCE_WHO_OK)
            return SENCE_WHO_UNAVAILABLE;
    return SENCE_WHO_OK;
}

sence_who_t sence_mresolve(request_rec *r, const sence_mref_t *ref, sence_mcourse_t *c, int *exists)
{
    static const sence_mq_t by_kind[] = {
        [SENCE_MREF_CM] = SENCE_MQ_CM,
        [SENCE_MREF_SECTION] = SENCE_MQ_SECTION,
        [SENCE_MREF_DISCUSSION] = SENCE_MQ_DISCUSSION,
        [SENCE_MREF_POST] = SENCE_MQ_POST,
        [SENCE_MREF_ENTRY] = SENCE_MQ_ENTRY,
        [SENCE_MREF_ATTEMPT] = SENCE_MQ_ATTEMPT,
    };
    const char *num = sence_mnum(r->pool, ref->num);
    apr_int64_t id = 0;
    sence_who_t st = SENCE_WHO_OK;

    memset(c, 0, sizeof(*c));
    *exists = 0;
    switch (ref->kind) {
    case SENCE_MREF_COURSE:
        id = ref->num;
        break;
    case SENCE_MREF_SHORTNAME:
        st = sence_mcourse_by(r, SENCE_MQ_SHORTNAME, ref->text, c);
        *exists = c->id > 0;
        return st;
    case SENCE_MREF_IDNUMBER:
        st = sence_mcourse_by(r, SENCE_MQ_IDNUMBER, ref->text, c);
        *exists = c->id > 0;
        return st;
    case SENCE_MREF_INSTANCE:
        st = course_id_of(r, SENCE_MQ_INSTANCE, ref->text, num, &id);
        break;
    case SENCE_MREF_CONTEXT:
        if ((st = course_of_context(r, ref->num, &id, exists)) != SENCE_WHO_OK || id <= 0)
            return st;
        break;
    case SENCE_MREF_CM:
    case SENCE_MREF_SECTION:
    case SENCE_MREF_DISCUSSION:
    case SENCE_MREF_POST:
    case SENCE_MREF_ENTRY:
    case SENCE_MREF_ATTEMPT:
        st = course_id_of(r, by_kind[ref->kind], num, NULL, &id);
        break;
    default:
        return SENCE_WHO_OK;
    }
    if (st != SENCE_WHO_OK || id <= 0)
        return st;
    if ((st = sence_mcourse_by(r, SENCE_MQ_COURSE, sence_mnum(r->pool, id), c)) == SENCE_WHO_OK)
        *exists = c->id > 0;
    return st;
}

const sence_moodle_course_t *sence_mconfigured(request_rec *r, const sence_mcourse_t *c)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const sence_moodle_course_t *mc;

    if (c->id <= 0 || c->id == SENCE_MOODLE_SITEID)
        return NULL;
    mc = apr_hash_get(sc->moodle.courses, sence_mnum(r->pool, c->id), APR_HASH_KEY_STRING);
    if (!mc && c->shortname)
        mc = apr_hash_get(sc->moodle.courses, c->shortname, APR_HASH_KEY_STRING);
    return mc;
}
