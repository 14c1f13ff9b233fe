/* Moodle's AJAX bodies as json_decode() reads them (sence_json_parse), and the readings the
 * policy makes of the result (sence_json_get, sence_json_int). Input: the request body. */
#include "fuzz.h"
#include "moodle/json.h"

#include <string.h>

static void walk(const sence_json_t *v, int depth)
{
    apr_int64_t n = 0;
    int i;

    FUZZ_ASSERT(v != NULL && depth <= SENCE_JSON_DEPTH);
    if (sence_json_int(v, &n))
        FUZZ_ASSERT(v->type == SENCE_JSON_NUM
                        ? n >= -9000000000000000LL && n <= 9000000000000000LL
                        : v->type == SENCE_JSON_BOOL || v->type == SENCE_JSON_STR);
    switch (v->type) {
    case SENCE_JSON_STR:
    case SENCE_JSON_NUM:
        FUZZ_ASSERT(v->str != NULL);
        break;
    case SENCE_JSON_OBJ:
        FUZZ_ASSERT(v->keys && v->keys->nelts == v->items->nelts);
        for (i = 0; i < v->keys->nelts; i++) /* keys are unique: each finds its own value */
            FUZZ_ASSERT(sence_json_get(v, APR_ARRAY_IDX(v->keys, i, const char *)) ==
                        APR_ARRAY_IDX(v->items, i, sence_json_t *));
        /* fall through */
    case SENCE_JSON_ARR:
        for (i = 0; i < v->items->nelts; i++)
            walk(APR_ARRAY_IDX(v->items, i, sence_json_t *), depth + 1);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err = NULL;
    const sence_json_t *v;
    apr_int64_t n;

    v = sence_json_parse(fuzz_pool, (const char *)data, size, &err);
    FUZZ_ASSERT(v ? err == NULL : err != NULL);
    if (v) {
        walk(v, 0);
        /* what classify_ajax reads: [{"methodname": ..., "args": {...}}] */
        for (int i = 0; v->type == SENCE_JSON_ARR && i < v->items->nelts; i++) {
            const sence_json_t *call = APR_ARRAY_IDX(v->items, i, sence_json_t *);
            sence_json_get(call, "methodname");
            sence_json_int(sence_json_get(sence_json_get(call, "args"), "courseid"), &n);
        }
        FUZZ_ASSERT(sence_json_get(NULL, "x") == NULL && !sence_json_int(NULL, &n));
    }
    fuzz_done();
    return 0;
}
