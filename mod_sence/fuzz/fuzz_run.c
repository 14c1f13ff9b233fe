/* RUN/RUT: the participant's RUN (sence_run_normalize) and the OTEC's RUT (sence_check_rut).
 * Input: the value as written (a REMOTE_USER, a Moodle ID number, a directive). */
#include "fuzz.h"
#include "run.h"
#include "settings.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_str(data, size), out[SENCE_RUN_MAX + 1], again[SENCE_RUN_MAX + 1];
    sence_run_status_t st = sence_run_normalize(in, out);
    apr_size_t n;

    FUZZ_ASSERT(sence_run_status_text(st) != NULL);
    if (st == SENCE_RUN_OK) {
        /* digits, '-', check digit; the digit right; normalising it again changes nothing */
        n = strlen(out);
        FUZZ_ASSERT(n >= 3 && n <= SENCE_RUN_MAX && out[n - 2] == '-');
        FUZZ_ASSERT(strspn(out, "0123456789") == n - 2);
        FUZZ_ASSERT(out[0] != '0' || n == 3);
        FUZZ_ASSERT(sence_run_check_digit(out, n - 2) == out[n - 1]);
        FUZZ_ASSERT(sence_run_normalize(out, again) == SENCE_RUN_OK && !strcmp(out, again));
    }
    FUZZ_ASSERT((sence_check_rut(in, again) == NULL) == (st == SENCE_RUN_OK));
    /* the check digit of raw bytes: exactly size of them */
    sence_run_check_digit((const char *)data, size);
    fuzz_done();
    return 0;
}
