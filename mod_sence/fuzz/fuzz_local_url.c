/* The URL a browser is sent back to after SENCE, built from the raw request target
 * (sence_local_url_of, sence_local_url_ok). Input: one byte for the length limit (0-255;
 * 255 stands for SENCE_MAX_STORED_URL, 512), then r->unparsed_uri. Whatever comes in, the
 * result is a local URL: accepted by sence_local_url_ok, one leading '/', never "//" or
 * "/\\" at its start, no backslash, printable ASCII only, no longer than the limit. */
#include "fuzz.h"
#include "util.h"

#include <string.h>

#define STORED_URL_MAX 512 /* SENCE_MAX_STORED_URL (store.h) */

static void check_local(const char *u, apr_size_t max)
{
    apr_size_t i, n;

    FUZZ_ASSERT(u != NULL);
    n = strlen(u);
    FUZZ_ASSERT(sence_local_url_ok(u, max));
    FUZZ_ASSERT(n >= 1 && n <= max);
    FUZZ_ASSERT(u[0] == '/' && u[1] != '/' && u[1] != '\\');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        FUZZ_ASSERT(c > 0x20 && c < 0x7f && c != '\\');
        if (c == '%')
            FUZZ_ASSERT(sence_hexval(u[i + 1]) >= 0 && sence_hexval(u[i + 2]) >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_size_t max;
    const char *fallback, *u;
    char *in;

    if (size < 1)
        return 0;
    max = data[0] == 255 ? STORED_URL_MAX : data[0] ? data[0] : 1;
    /* the section's own path, which the configuration checks the same way */
    fallback = max >= 7 ? "/curso/" : "/";
    in = fuzz_str(data + 1, size - 1);
    u = sence_local_url_of(fuzz_pool, in, max, fallback);
    check_local(u, max);
    /* the request's own URL when it is a local one; else a part of it, or the fallback */
    if (sence_local_url_ok(in, max))
        FUZZ_ASSERT(!strcmp(u, in));
    else
        FUZZ_ASSERT(u == fallback || strstr(in, u) != NULL);
    u = sence_local_url_of(fuzz_pool, in, STORED_URL_MAX, "/");
    check_local(u, STORED_URL_MAX);
    FUZZ_ASSERT(sence_local_url_of(fuzz_pool, NULL, max, fallback) == fallback);
    fuzz_done();
    return 0;
}
