/* A request as Moodle mode reads it (moodle/policy.h): the URL (sence_moodle_read_url), the
 * body (sence_moodle_wants_body, sence_moodle_read_body) and the decision's input
 * (sence_moodle_classify, sence_moodle_merge, sence_moodle_public_file), at Moodle's root ""
 * and "/moodle". Input: the decoded path, NUL, the raw query, NUL, the Content-Type, NUL, the
 * body (each part optional; no query part: no query string). */
#include "fuzz.h"
#include "moodle/policy.h"

#include <string.h>

/* merged: refs of the URL asked for were added (they may name courses, whatever PHP runs) */
static void check(const sence_mreq_t *req, int merged)
{
    int i;

    FUZZ_ASSERT(req->script && req->entry && req->path_info && req->vars && req->refs);
    FUZZ_ASSERT(req->cls >= SENCE_MCLASS_UNKNOWN && req->cls <= SENCE_MCLASS_WS);
    FUZZ_ASSERT(!req->unattributed || req->why);
    if (req->cls == SENCE_MCLASS_SITE && !merged)
        FUZZ_ASSERT(req->refs->nelts == 0 && !req->unattributed);
    for (i = 0; i < req->refs->nelts; i++) {
        const sence_mref_t *r = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
        FUZZ_ASSERT(r->kind > SENCE_MREF_NONE && r->kind <= SENCE_MREF_OPAQUE && r->source);
        sence_moodle_public_file(r);
    }
    FUZZ_ASSERT(sence_php_odd_text(fuzz_pool, req->odd) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const roots[] = {"", "/moodle"};
    char *uri, *query = NULL, *ctype = NULL;
    const uint8_t *rest, *body = NULL;
    size_t len, blen = 0;
    sence_mreq_t req[2];
    int i;

    if (fuzz_split(data, size, '\0', &uri, &rest, &len) &&
        fuzz_split(rest, len, '\0', &query, &rest, &len) &&
        fuzz_split(rest, len, '\0', &ctype, &rest, &len)) {
        body = rest;
        blen = len;
    }
    for (i = 0; i < 2; i++) {
        sence_moodle_read_url(fuzz_pool, roots[i], uri, query, &req[i]);
        if (body) {
            sence_moodle_wants_body(&req[i], ctype);
            sence_moodle_read_body(fuzz_pool, &req[i], ctype, (const char *)body, blen);
        }
        sence_moodle_classify(fuzz_pool, &req[i]);
        check(&req[i], 0);
    }
    /* the URL asked for, merged into what PHP gets */
    sence_moodle_merge(&req[1], &req[0]);
    check(&req[1], 1);
    fuzz_done();
    return 0;
}
