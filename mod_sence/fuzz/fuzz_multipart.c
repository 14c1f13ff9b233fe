/* multipart/form-data bodies as PHP fills $_POST from them (sence_php_parse_multipart).
 * Input: the Content-Type header value, '\n', then the body. */
#ifndef _GNU_SOURCE /* dlsym(RTLD_NEXT), strcasestr; APR_CPPFLAGS may define it */
#define _GNU_SOURCE
#endif
#include "fuzz.h"
#include "moodle/php.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_array_header_t *vars = apr_array_make(fuzz_pool, 4, sizeof(sence_php_var_t));
    char *ctype;
    const uint8_t *body;
    size_t len;
    unsigned odd;
    int i;

    fuzz_split(data, size, '\n', &ctype, &body, &len);
    odd = sence_php_parse_multipart(fuzz_pool, ctype, body ? (const char *)body : "", len, vars);
    for (i = 0; i < vars->nelts; i++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(vars, i, sence_php_var_t);
        FUZZ_ASSERT(v->name && *v->name && !strpbrk(v->name, " .[") && v->value && v->from_body);
    }
    /* a body that is not as browsers write it is refused, never read another way */
    if (!(odd & SENCE_PHP_ODD_MULTIPART))
        FUZZ_ASSERT(strstr(ctype, "boundary") != NULL || strcasestr(ctype, "boundary") != NULL);
    sence_php_parse_multipart(fuzz_pool, NULL, "", 0, vars);
    fuzz_done();
    return 0;
}
