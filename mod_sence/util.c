#include "util.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

apr_status_t sence_id_new(char out[SENCE_ID_LEN + 1])
{
    unsigned char raw[SENCE_ID_BYTES];
    apr_status_t rv = apr_generate_random_bytes(raw, sizeof(raw));
    int i, o = 0;

    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < SENCE_ID_BYTES; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    out[o] = '\0';
    return APR_SUCCESS;
}

int sence_id_wellformed(const char *s)
{
    if (!s || strlen(s) != SENCE_ID_LEN)
        return 0;
    return strspn(s, b64url) == SENCE_ID_LEN;
}

int sence_ct_equal(const char *a, const char *b)
{
    apr_size_t la = strlen(a), lb = strlen(b), i;
    unsigned char diff = (unsigned char)(la != lb);

    /* Always walk the longer input so timing does not reveal the matching prefix. */
    for (i = 0; i < (la > lb ? la : lb); i++) {
        unsigned char ca = i < la ? (unsigned char)a[i] : 0;
        unsigned char cb = i < lb ? (unsigned char)b[i] : 0;
        diff |= ca ^ cb;
    }
    return diff == 0;
}

const char *sence_parse_duration(const char *s, apr_interval_time_t *out)
{
    apr_int64_t total = 0;
    int parts = 0;

    if (!s || !*s)
        return "empty duration";
    while (*s) {
        apr_int64_t n = 0, unit = 1;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            n = n * 10 + (*s++ - '0');
            if (++digits > 9)
                return "duration too large";
        }
        if (!digits)
            return "expected a number, e.g. 30s, 10m, 4h";
        switch (*s) {
        case 's':
            s++;
            break;
        case 'm':
            unit = 60;
            s++;
            break;
        case 'h':
            unit = 3600;
            s++;
            break;
        case 'd':
            unit = 86400;
            s++;
            break;
        case '\0':
            if (parts)
                return "every number needs a unit after the first, e.g. 1h30m";
            break;
        default:
            return "unknown unit (use s, m, h or d)";
        }
        total += n * unit;
        parts++;
    }
    if (total <= 0)
        return "duration must be positive";
    if (total > 30 * 86400)
        return "duration longer than 30 days";
    *out = apr_time_from_sec(total);
    return NULL;
}

apr_uint64_t sence_hash(const void *data, apr_size_t len, apr_uint64_t seed)
{
    const unsigned char *p = data;
    apr_uint64_t h = APR_UINT64_C(1469598103934665603) ^ seed;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= APR_UINT64_C(1099511628211);
    }
    return h;
}

int sence_strlcpy(char *dst, const char *src, apr_size_t n)
{
    apr_size_t l = strlen(src);

    if (n == 0)
        return 1;
    if (l >= n) {
        memcpy(dst, src, n - 1);
        dst[n - 1] = '\0';
        return 1;
    }
    memcpy(dst, src, l + 1);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes [s, s+len) into a fresh string; NULL on a bad escape or an encoded NUL. */
static char *form_decode(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return NULL;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '\0') {
            return NULL;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

const char *sence_form_parse(apr_pool_t *p, const char *body, apr_size_t len, apr_table_t **out)
{
    apr_table_t *t = apr_table_make(p, 12);
    const char *end = body + len, *s = body;

    while (s < end) {
        const char *amp = memchr(s, '&', (apr_size_t)(end - s));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(s, '=', (apr_size_t)(stop - s));

        if (stop > s) {
            char *name, *value;
            if (!eq)
                return "a field has no '='";
            name = form_decode(p, s, (apr_size_t)(eq - s));
            value = form_decode(p, eq + 1, (apr_size_t)(stop - eq - 1));
            if (!name || !value)
                return "bad %-escape or encoded NUL";
            if (!*name)
                return "a field has no name";
            if (apr_table_get(t, name))
                return apr_pstrcat(p, "field ", name, " appears twice", NULL);
            apr_table_setn(t, name, value);
        }
        s = stop + 1;
    }
    *out = t;
    return NULL;
}
