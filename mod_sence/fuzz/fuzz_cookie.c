/* Cookie headers: the course cookie as the gate finds it (sence_cookie_find, cookies split
 * on ';' and ',') and $_COOKIE[MoodleSession] as PHP's session module reads it
 * (sence_php_cookie). Input: one Cookie header value. */
#include "fuzz.h"
#include "moodle/php.h"
#include "util.h"

#include <string.h>

static void find(const char *header, const char *name, const char *seps)
{
    const char *val = NULL;
    apr_size_t vlen = 0, n = strlen(name);
    int found = sence_cookie_find(header, name, seps, &val, &vlen);

    FUZZ_ASSERT(found >= 0 && found <= 2);
    if (!found)
        return;
    /* the value lies in the header, right after "name=", and holds no separator */
    FUZZ_ASSERT(val >= header + n + 1 && val + vlen <= header + strlen(header));
    FUZZ_ASSERT(val[-1] == '=' && !strncmp(val - 1 - n, name, n));
    FUZZ_ASSERT(strcspn(val, seps) >= vlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = fuzz_str(data, size), name[SENCE_COOKIE_NAME_SIZE];
    const char *sid;
    unsigned odd = 0;

    sence_cookie_name(name, "1237654321", "RLAB-19-02-08-0071-1", 3);
    find(header, name, ";,");
    find(header, "MoodleSession", ";,");
    find(header, "MoodleSession", ";");
    sid = sence_php_cookie(fuzz_pool, header, "MoodleSession", &odd);
    if (sid)
        FUZZ_ASSERT(strlen(sid) <= strlen(header));
    sence_php_odd_text(fuzz_pool, odd);
    sence_php_cookie(fuzz_pool, header, "a", &odd);
    fuzz_done();
    return 0;
}
