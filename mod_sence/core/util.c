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

/* On the hot path (every gated request): a table, not strspn over the alphabet. */
static const unsigned char is_b64url[256] = {
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
    ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['-'] = 1, ['_'] = 1,
};

int sence_id_wellformed(const char *s)
{
    int i;

    if (!s)
        return 0;
    for (i = 0; i < SENCE_ID_LEN; i++)
        if (!is_b64url[(unsigned char)s[i]])
            return 0; /* also stops at the NUL of a shorter string */
    return s[SENCE_ID_LEN] == '\0';
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
        /* here, not after the loop: enough parts (a 2 MB value) would overflow total */
        if (total > 30 * 86400)
            return "duration longer than 30 days";
        parts++;
    }
    if (total <= 0)
        return "duration must be positive";
    *out = apr_time_from_sec(total);
    return NULL;
}

#define FNV_BASIS APR_UINT64_C(1469598103934665603)

apr_uint64_t sence_hash_more(apr_uint64_t h, const void *data, apr_size_t len)
{
    const unsigned char *p = data;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= APR_UINT64_C(1099511628211);
    }
    return h;
}

apr_uint64_t sence_hash(const void *data, apr_size_t len, apr_uint64_t seed)
{
    return sence_hash_more(FNV_BASIS ^ seed, data, len);
}

void sence_cookie_name(char out[SENCE_COOKIE_NAME_SIZE], const char *cod_sence,
                       const char *codigo_curso, int linea)
{
    static const char hex[] = "0123456789abcdef";
    char num[16], *n = num + sizeof(num);
    unsigned u = linea < 0 ? 0u - (unsigned)linea : (unsigned)linea;
    apr_uint64_t h;
    int i;

    *--n = '|';
    do
        *--n = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (linea < 0)
        *--n = '-';
    /* the hash of "linea|cod_sence|codigo_curso", hashed piece by piece */
    h = sence_hash_more(FNV_BASIS, n, (apr_size_t)(num + sizeof(num) - n));
    h = sence_hash_more(h, cod_sence, strlen(cod_sence));
    h = sence_hash_more(h, "|", 1);
    h = sence_hash_more(h, codigo_curso, strlen(codigo_curso));
    memcpy(out, "sence_", 6);
    for (i = 0; i < 16; i++)
        out[6 + i] = hex[(h >> (60 - 4 * i)) & 0xf];
    out[22] = '\0';
}

int sence_cookie_find(const char *header, const char *name, const char *seps, const char **val,
                      apr_size_t *vlen)
{
    apr_size_t n = strlen(name);
    const char *c = header;
    int found = 0;

    while (c && *c) {
        while (*c == ' ' || *c == '\t' || (*c && strchr(seps, *c)))
            c++;
        if (!strncmp(c, name, n) && c[n] == '=') {
            const char *v = c + n + 1;
            apr_size_t l = strcspn(v, seps);
            if (!found) {
                *val = v;
                *vlen = l;
                found = 1;
            } else if (l != *vlen || memcmp(v, *val, l) != 0) {
                found = 2;
            }
        }
        c += strcspn(c, seps);
    }
    return found;
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

int sence_hexval(char c)
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
            hi = sence_hexval(s[i + 1]);
            lo = sence_hexval(s[i + 2]);
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

int sence_media_type_is(const char *ctype, const char *type)
{
    apr_size_t n = strlen(type);
    const char *s = ctype;

    if (!s)
        return 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if (strncasecmp(s, type, n) != 0)
        return 0;
    s += n;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0' || *s == ';'; /* parameters such as "; charset=UTF-8" */
}

int sence_local_url_ok(const char *url, apr_size_t max)
{
    apr_size_t i, n = url ? strlen(url) : 0;

    /* one leading '/', then not a second one or a backslash (browsers read "//" and "/\\"
     * as another host) */
    if (n == 0 || n > max || url[0] != '/' || url[1] == '/' || url[1] == '\\')
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        /* printable ASCII only: no control bytes (CR, LF, TAB...), spaces, raw non-ASCII;
         * no backslash anywhere, nor the characters URLs never hold raw */
        if (c <= 0x20 || c >= 0x7f || strchr("\\\"<>`{}|^#", c))
            return 0;
        if (c == '%' && (sence_hexval(url[i + 1]) < 0 || sence_hexval(url[i + 2]) < 0))
            return 0;
    }
    return 1;
}

const char *sence_local_url_of(apr_pool_t *p, const char *unparsed_uri, apr_size_t max,
                               const char *fallback)
{
    const char *u = unparsed_uri ? unparsed_uri : "";

    /* an absolute-form request target (http://host/path): keep the path and query only */
    if (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8)) {
        const char *path = strchr(strstr(u, "//") + 2, '/');
        u = path ? path : "/";
    }
    return sence_local_url_ok(u, max) ? apr_pstrdup(p, u) : fallback;
}

/* Length of the valid UTF-8 sequence at s (not overlong, no surrogates), 0 if invalid. */
int sence_utf8_len(const unsigned char *s)
{
    int n, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}
