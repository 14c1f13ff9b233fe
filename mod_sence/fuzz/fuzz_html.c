/* sencectl's reading of SENCE's answer to a start request (mod_sence/ctl/html.c, libxml2's
 * HTML parser). Input: the page as SENCE (or anything in between) sent it. */
#include "fuzz.h"
#include "../ctl/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_array_header_t *codes = NULL;
    const char *why = NULL;
    ctl_answer_t a = ctl_html_read(fuzz_pool, (const char *)fuzz_copy(data, size), size,
                                   "https://sencectl.invalid/error", &codes, &why);
    int i;

    switch (a) {
    case CTL_ANSWER_LOGIN:
        FUZZ_ASSERT(codes == NULL);
        break;
    case CTL_ANSWER_UNREADABLE:
        FUZZ_ASSERT(why != NULL && codes == NULL);
        break;
    case CTL_ANSWER_ERROR:
        /* at least one code, each a number of at most 5 digits, no duplicates */
        FUZZ_ASSERT(codes != NULL && codes->nelts > 0);
        for (i = 0; i < codes->nelts; i++) {
            int c = APR_ARRAY_IDX(codes, i, int), j;
            FUZZ_ASSERT(c >= 0 && c <= 99999);
            for (j = 0; j < i; j++)
                FUZZ_ASSERT(APR_ARRAY_IDX(codes, j, int) != c);
        }
        break;
    default:
        FUZZ_ASSERT(0);
    }
    fuzz_done();
    return 0;
}
