/* Directive values: durations (sence_parse_duration) and the settings checks of settings.h.
 * Input: one directive argument. */
#include "fuzz.h"
#include "rce.h"
#include "settings.h"
#include "util.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    apr_interval_time_t t = 0;
    const char *url = NULL;
    static const int lineas[] = {1, 3, 6};
    int linea = 0, i;
    apr_size_t n = strlen(s);

    if (sence_parse_duration(s, &t) == NULL)
        FUZZ_ASSERT(t > 0 && t <= apr_time_from_sec(30 * 86400));
    if (sence_check_linea(s, &linea) == NULL)
        FUZZ_ASSERT(linea == 1 || linea == 3 || linea == 6);
    for (i = 0; i < 3; i++) {
        if (sence_check_cod_sence(s, lineas[i], SENCE_ENV_PRODUCTION) == NULL)
            FUZZ_ASSERT((n == 0 && lineas[i] == 1) || n == SENCE_MAX_CODSENCE);
        sence_check_cod_sence(s, lineas[i], SENCE_ENV_TEST);
    }
    if (sence_check_codigo_curso(s, SENCE_ENV_PRODUCTION) == NULL)
        FUZZ_ASSERT(n >= 7 && n <= SENCE_MAX_CODIGOCURSO);
    sence_check_codigo_curso(s, SENCE_ENV_TEST);
    if (sence_check_token(s) == NULL)
        FUZZ_ASSERT(n == SENCE_MAX_TOKEN);
    if (sence_check_public_url(s) == NULL) {
        /* scheme://host[:port] and nothing else: no path, credentials, query or fragment */
        FUZZ_ASSERT(!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8));
        FUZZ_ASSERT(!strpbrk(s + (s[4] == 's' ? 8 : 7), "/@?#"));
        if (sence_callback_url(fuzz_pool, s, "/sence", "/retoma", &url) == NULL)
            FUZZ_ASSERT(strlen(url) <= SENCE_MAX_URL);
    }
    if (sence_check_endpoint(s) == NULL)
        FUZZ_ASSERT(!strpbrk(s, "?#\"'<> ") && sence_base_url(SENCE_ENV_TEST, s) == s);
    if (sence_check_callback_path(s) == NULL)
        FUZZ_ASSERT(s[0] == '/' && s[n - 1] != '/' && !strstr(s, "//") && !strstr(s, "/."));
    fuzz_done();
    return 0;
}
