/* PHP 8.2's readings of a query string ($_GET: sence_php_parse_query, sence_query_get) and an
 * urlencoded body ($_POST: sence_php_parse_post), its (int) cast (sence_php_int) and Moodle's
 * file paths (sence_moodle_file_context). Input: the query string, body or path. */
#include "fuzz.h"
#include "moodle/php.h"
#include "moodle/policy.h"

#include <string.h>

/* Every variable PHP registers has a top-level name without ' ', '.' or '[' (PHP rewrote or
 * cut them) and a value. */
static void check_vars(const apr_array_header_t *vars, int from_body)
{
    int i;

    for (i = 0; i < vars->nelts; i++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(vars, i, sence_php_var_t);
        FUZZ_ASSERT(v->name && *v->name && !strpbrk(v->name, " .[") && v->value);
        FUZZ_ASSERT(v->from_body == from_body);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_array_header_t *get = apr_array_make(fuzz_pool, 4, sizeof(sence_php_var_t));
    apr_array_header_t *post = apr_array_make(fuzz_pool, 4, sizeof(sence_php_var_t));
    const char *component = NULL, *filearea = NULL, *s;
    unsigned odd;
    apr_int64_t ctx;

    /* exactly size bytes, NUL bytes included */
    odd = sence_php_parse_query(fuzz_pool, (const char *)data, size, get);
    check_vars(get, 0);
    odd |= sence_php_parse_post(fuzz_pool, (const char *)data, size, post);
    check_vars(post, 1);
    FUZZ_ASSERT(sence_php_odd_text(fuzz_pool, odd) != NULL);

    s = fuzz_str(data, size);
    sence_query_get(fuzz_pool, s, "id");
    sence_query_get(fuzz_pool, s, "sence_cerrar");
    sence_php_int(s);
    odd = 0;
    ctx = sence_moodle_file_context(fuzz_pool, s, &component, &filearea, &odd);
    FUZZ_ASSERT(ctx == 0 || s[0] == '/' || s[0] == '\\');
    FUZZ_ASSERT(!filearea || component);
    fuzz_done();
    return 0;
}
