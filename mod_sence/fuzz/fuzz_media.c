/* Content-Type values: the callback's media type (sence_media_type_is) and the one PHP
 * dispatches a body on (sence_php_media_type). Input: one Content-Type header value. */
#ifndef _GNU_SOURCE /* dlsym(RTLD_NEXT), strcasestr; APR_CPPFLAGS may define it */
#define _GNU_SOURCE
#endif
#include "fuzz.h"
#include "moodle/php.h"
#include "util.h"

#include <ctype.h>
#include <strings.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *ctype = fuzz_str(data, size);
    const char *m, *s;
    static const char *const types[] = {"application/x-www-form-urlencoded", "multipart/form-data",
                                        "application/json", "text/html", ""};
    apr_size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (sence_media_type_is(ctype, types[i]))
            FUZZ_ASSERT(strcasestr(ctype, types[i]) != NULL);
    /* PHP's: a lower-cased prefix of the header, up to ';', ',' or ' ' */
    m = sence_php_media_type(fuzz_pool, ctype);
    FUZZ_ASSERT(m != NULL && strlen(m) <= strlen(ctype) && !strncasecmp(m, ctype, strlen(m)));
    FUZZ_ASSERT(!strpbrk(m, ";, "));
    for (s = m; *s; s++)
        FUZZ_ASSERT(!isupper((unsigned char)*s));
    FUZZ_ASSERT(*sence_php_media_type(fuzz_pool, NULL) == '\0');
    fuzz_done();
    return 0;
}
