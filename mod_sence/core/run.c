#include "run.h"

#include <string.h>

char sence_run_check_digit(const char *body, size_t len)
{
    unsigned sum = 0, factor = 2;
    size_t i;

    if (len == 0)
        return 0;
    for (i = len; i-- > 0;) {
        if (body[i] < '0' || body[i] > '9')
            return 0;
        sum += (unsigned)(body[i] - '0') * factor;
        factor = factor == 7 ? 2 : factor + 1;
    }
    switch (11 - sum % 11) {
    case 11:
        return '0';
    case 10:
        return 'k';
    default:
        return (char)('0' + (11 - sum % 11));
    }
}

sence_run_status_t sence_run_normalize(const char *in, char out[SENCE_RUN_MAX + 1])
{
    char buf[32];
    size_t n = 0, start = 0, body_len;
    char dv;

    if (!in)
        return SENCE_RUN_EMPTY;
    for (; *in; in++) {
        char c = *in;
        if (c == '.' || c == ' ' || c == '\t')
            continue;
        if (n >= sizeof(buf) - 1)
            return SENCE_RUN_FORMAT;
        buf[n++] = (c == 'K') ? 'k' : c;
    }
    buf[n] = '\0';
    if (n == 0)
        return SENCE_RUN_EMPTY;
    /* Accept "123456785" as well as "12345678-5": the last character is the check digit. */
    if (n >= 3 && buf[n - 2] == '-') {
        body_len = n - 2;
    } else if (strchr(buf, '-') == NULL && n >= 2) {
        body_len = n - 1;
    } else {
        return SENCE_RUN_FORMAT;
    }
    dv = buf[n - 1];
    if (!((dv >= '0' && dv <= '9') || dv == 'k'))
        return SENCE_RUN_FORMAT;
    while (start < body_len - 1 && buf[start] == '0')
        start++;
    body_len -= start;
    if (body_len > 8)
        return SENCE_RUN_FORMAT;
    {
        char want = sence_run_check_digit(buf + start, body_len);
        if (!want)
            return SENCE_RUN_FORMAT;
        if (want != dv)
            return SENCE_RUN_DIGIT;
    }
    memcpy(out, buf + start, body_len);
    out[body_len] = '-';
    out[body_len + 1] = dv;
    out[body_len + 2] = '\0';
    return SENCE_RUN_OK;
}

const char *sence_run_status_text(sence_run_status_t st)
{
    switch (st) {
    case SENCE_RUN_OK:
        return "valid";
    case SENCE_RUN_EMPTY:
        return "empty";
    case SENCE_RUN_FORMAT:
        return "malformed (expected digits, hyphen and check digit, e.g. 12345678-5)";
    case SENCE_RUN_DIGIT:
        return "wrong check digit";
    }
    return "unknown";
}
