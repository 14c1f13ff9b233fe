/* PHP 8.2's reading of request variables and Moodle's casts: see php.h. */
#include "moodle/php.h"
#include "util.h"

#include <apr_strings.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* php_url_decode (plus: '+' is a space) or php_raw_url_decode; NUL-terminated, *outlen is the
 * decoded length (NUL bytes included). An invalid %-escape stays as it is, as in PHP. */
static char *php_decode(apr_pool_t *p, const char *s, apr_size_t len, int plus, apr_size_t *outlen)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (plus && s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < len && sence_hexval(s[i + 1]) >= 0 &&
                   sence_hexval(s[i + 2]) >= 0) {
            *o++ = (char)(sence_hexval(s[i + 1]) << 4 | sence_hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *outlen = (apr_size_t)(o - out);
    return out;
}

/* php_register_variable_ex's reading of a name: leading spaces dropped, ' ' and '.' become
 * '_' up to the first '[', "a[b]" is array a, index b; an unclosed '[' becomes '_' with the
 * rest rewritten. Returns the flags; *name NULL when PHP drops the variable. */
static unsigned php_name(apr_pool_t *p, const char *raw, const char **name, const char **index)
{
    char *var = apr_pstrdup(p, raw), *s = var, *q, *ip = NULL;
    unsigned odd = 0;

    *name = NULL;
    *index = NULL;
    while (*s == ' ')
        s++;
    if (s != var)
        odd |= SENCE_PHP_ODD_NAME;
    for (q = s; *q; q++) {
        if (*q == ' ' || *q == '.') {
            *q = '_';
            odd |= SENCE_PHP_ODD_NAME;
        } else if (*q == '[') {
            ip = q;
            break;
        }
    }
    if (q == s)
        return odd; /* an empty name: PHP registers nothing */
    if (ip) {
        char *index_s = ip + 1, *t = index_s, *close;
        if (*t == ' ')
            t++;
        close = *t == ']' ? t : strchr(t, ']');
        if (!close) {
            /* not an index: '[' is '_' and the rest is rewritten too */
            for (t = ip; *t; t++)
                if (*t == ' ' || *t == '.' || *t == '[')
                    *t = '_';
            *name = s;
            return odd | SENCE_PHP_ODD_NAME;
        }
        *ip = '\0';
        *close = '\0';
        *index = *t == '\0' && close == t ? "" : index_s;
        if (close == t && t != index_s)
            odd |= SENCE_PHP_ODD_NAME; /* "[ ]" */
        /* further levels: "[x][y]" is fine; anything else after ']' is dropped by PHP */
        for (t = close + 1; *t;) {
            char *c;
            if (*t != '[' || !(c = strchr(t, ']'))) {
                odd |= SENCE_PHP_ODD_NAME;
                break;
            }
            t = c + 1;
        }
    }
    *name = s;
    return odd;
}

static unsigned php_register(apr_pool_t *p, const char *rawname, apr_size_t nlen, const char *value,
                             apr_size_t vlen, int from_body, apr_array_header_t *vars)
{
    const char *name, *index;
    unsigned odd = 0;
    sence_php_var_t *v;

    if (memchr(rawname, '\0', nlen) || memchr(value, '\0', vlen))
        odd |= SENCE_PHP_ODD_NUL; /* PHP cuts the name at the NUL */
    odd |= php_name(p, rawname, &name, &index);
    if (!name)
        return odd;
    v = apr_array_push(vars);
    v->name = name;
    v->index = index;
    v->value = value;
    v->from_body = from_body;
    return odd;
}

/* One "name=value" piece of a query or form body. */
static unsigned php_piece(apr_pool_t *p, const char *s, apr_size_t len, int from_body,
                          apr_array_header_t *vars)
{
    const char *eq = memchr(s, '=', len);
    apr_size_t nlen, vlen = 0;
    char *name, *value;

    if (eq) {
        name = php_decode(p, s, (apr_size_t)(eq - s), 1, &nlen);
        value = php_decode(p, eq + 1, len - (apr_size_t)(eq - s) - 1, 1, &vlen);
    } else {
        name = php_decode(p, s, len, 1, &nlen);
        value = "";
    }
    return php_register(p, name, nlen, value, vlen, from_body, vars);
}

unsigned sence_php_parse_query(apr_pool_t *p, const char *s, apr_size_t len,
                               apr_array_header_t *vars)
{
    const char *end = s + len;
    unsigned odd = 0;

    if (memchr(s, '\0', len))
        odd |= SENCE_PHP_ODD_NUL;
    while (s && s < end) {
        const char *amp = memchr(s, '&', (apr_size_t)(end - s));
        const char *e = amp ? amp : end;
        if (e > s) /* strtok: empty pieces are skipped */
            odd |= php_piece(p, s, (apr_size_t)(e - s), 0, vars);
        s = amp ? amp + 1 : NULL;
    }
    return odd;
}

unsigned sence_php_parse_post(apr_pool_t *p, const char *s, apr_size_t len,
                              apr_array_header_t *vars)
{
    const char *end = s + len;
    unsigned odd = 0;

    while (s && s < end) {
        const char *amp = memchr(s, '&', (apr_size_t)(end - s));
        const char *e = amp ? amp : end;
        odd |= php_piece(p, s, (apr_size_t)(e - s), 1, vars);
        s = amp ? amp + 1 : NULL;
    }
    return odd;
}

const char *sence_php_media_type(apr_pool_t *p, const char *ctype)
{
    char *m;
    apr_size_t i;

    if (!ctype)
        return "";
    m = apr_pstrndup(p, ctype, strcspn(ctype, ";, "));
    for (i = 0; m[i]; i++)
        m[i] = (char)tolower((unsigned char)m[i]);
    return m;
}

/* rfc1867.c's boundary: the first "boundary" (case-sensitive, else in a lower-cased copy),
 * then the first '=' after it; quoted up to '"', else up to ',' or ';'. */
static const char *php_boundary(apr_pool_t *p, const char *ctype)
{
    const char *b = strstr(ctype, "boundary");
    char *lower = NULL, *v, *end;
    apr_size_t i;

    if (!b) {
        lower = apr_pstrdup(p, ctype);
        for (i = 0; lower[i]; i++)
            lower[i] = (char)tolower((unsigned char)lower[i]);
        if ((b = strstr(lower, "boundary")) != NULL)
            b = ctype + (b - lower);
    }
    if (!b || !(b = strchr(b, '=')))
        return NULL;
    v = apr_pstrdup(p, b + 1);
    if (*v == '"') {
        v++;
        if (!(end = strchr(v, '"')))
            return NULL;
    } else {
        end = strpbrk(v, ",;");
    }
    if (end)
        *end = '\0';
    return v;
}

static const char *strcasestr_ascii(const char *s, const char *needle)
{
    apr_size_t n = strlen(needle);

    for (; *s; s++)
        if (strncasecmp(s, needle, n) == 0)
            return s;
    return NULL;
}

/* The boundary as browsers write it: one boundary parameter, "boundary=" directly, the
 * value a token of RFC 2046 characters (no ',' or space unless quoted), nothing odd after. */
static int boundary_canonical(const char *ctype, const char *boundary)
{
    static const char bchars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "'()+_-./:=?";
    const char *s = ctype, *hit;
    apr_size_t n = strlen(boundary);

    if (!(hit = strcasestr_ascii(s, "boundary")))
        return 0;
    if (strcasestr_ascii(hit + 8, "boundary") != NULL)
        return 0;
    if (hit == ctype || (hit[-1] != ' ' && hit[-1] != ';'))
        return 0; /* "xboundary=": PHP reads it as the boundary */
    if (hit[8] != '=' || n == 0 || n > 70 || strspn(boundary, bchars) != n)
        return 0;
    /* the value PHP took is exactly what follows, up to the end or a ';' */
    hit += 9;
    if (*hit == '"')
        return strncmp(hit + 1, boundary, n) == 0 && hit[1 + n] == '"' &&
               (hit[2 + n] == '\0' || hit[2 + n] == ';');
    return strncmp(hit, boundary, n) == 0 && (hit[n] == '\0' || hit[n] == ';');
}

static const char *memfind(const char *hay, apr_size_t hlen, const char *needle, apr_size_t nlen)
{
    apr_size_t i;

    if (nlen == 0 || hlen < nlen)
        return NULL;
    for (i = 0; i + nlen <= hlen; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

/* `form-data; name="x"` with an optional `; filename="y"`, quoted, each once, nothing else.
 * Returns 1 and *name (NULL for a file part) when it is so. */
static int disposition_canonical(apr_pool_t *p, const char *v, const char **name)
{
    int seen_name = 0, seen_file = 0;

    *name = NULL;
    if (strncasecmp(v, "form-data", 9) != 0)
        return 0;
    v += 9;
    while (*v) {
        const char *q;
        int is_name;
        if (v[0] != ';' || v[1] != ' ')
            return 0;
        v += 2;
        if (!strncmp(v, "name=\"", 6)) {
            is_name = 1;
            v += 6;
        } else if (!strncmp(v, "filename=\"", 10)) {
            is_name = 0;
            v += 10;
        } else {
            return 0;
        }
        /* a backslash escape in the name is read otherwise by PHP; file names may hold one */
        if (!(q = strchr(v, '"')) || (is_name && memchr(v, '\\', (apr_size_t)(q - v))))
            return 0;
        if (is_name) {
            if (seen_name++)
                return 0;
            *name = apr_pstrndup(p, v, (apr_size_t)(q - v));
        } else if (seen_file++) {
            return 0;
        }
        v = q + 1;
    }
    if (!seen_name)
        return 0;
    if (seen_file)
        *name = NULL;
    return 1;
}

unsigned sence_php_parse_multipart(apr_pool_t *p, const char *ctype, const char *body,
                                   apr_size_t len, apr_array_header_t *vars)
{
    const char *boundary = ctype ? php_boundary(p, ctype) : NULL, *s, *end = body + len;
    char *open, *next;
    apr_size_t olen, nlen;
    unsigned odd = 0;

    if (!boundary || !boundary_canonical(ctype, boundary))
        return SENCE_PHP_ODD_MULTIPART;
    open = apr_pstrcat(p, "--", boundary, "\r\n", NULL);
    next = apr_pstrcat(p, "\n--", boundary, NULL);
    olen = strlen(open);
    nlen = strlen(next);
    if (len < olen || memcmp(body, open, olen) != 0)
        return SENCE_PHP_ODD_MULTIPART; /* no preamble: browsers start with the boundary */
    s = body + olen;
    for (;;) {
        const char *hdr_end = memfind(s, (apr_size_t)(end - s), "\r\n\r\n", 4), *data, *stop;
        const char *line = s, *name = NULL;
        int dispositions = 0;
        apr_size_t vlen;

        if (!hdr_end)
            return odd | SENCE_PHP_ODD_MULTIPART;
        while (line < hdr_end + 2) {
            const char *eol = memfind(line, (apr_size_t)(hdr_end + 2 - line), "\r\n", 2);
            char *h = apr_pstrmemdup(p, line, (apr_size_t)(eol - line));
            if (memchr(line, '\0', (apr_size_t)(eol - line)) || memchr(h, '\n', strlen(h)))
                return odd | SENCE_PHP_ODD_MULTIPART;
            if (!strncasecmp(h, "Content-Disposition: ", 21)) {
                if (dispositions++ || !disposition_canonical(p, h + 21, &name))
                    return odd | SENCE_PHP_ODD_MULTIPART;
            } else if (strncasecmp(h, "Content-Type: ", 14) != 0) {
                return odd | SENCE_PHP_ODD_MULTIPART;
            }
            line = eol + 2;
        }
        if (dispositions != 1)
            return odd | SENCE_PHP_ODD_MULTIPART;
        data = hdr_end + 4;
        /* PHP ends a part at "\n--boundary"; browsers put "\r" before it */
        if (!(stop = memfind(data, (apr_size_t)(end - data), next, nlen)) || stop == data ||
            stop[-1] != '\r')
            return odd | SENCE_PHP_ODD_MULTIPART;
        vlen = (apr_size_t)(stop - 1 - data);
        if (name) {
            char *value = apr_pstrmemdup(p, data, vlen);
            odd |= php_register(p, name, strlen(name), value, vlen, 1, vars);
        }
        s = stop + nlen;
        if (end - s >= 2 && s[0] == '-' && s[1] == '-')
            return odd; /* the closing delimiter; PHP ignores what follows */
        if (end - s < 2 || s[0] != '\r' || s[1] != '\n')
            return odd | SENCE_PHP_ODD_MULTIPART;
        s += 2;
    }
}

/* PARSE_COOKIE: pieces split on ';' (empty ones skipped), leading white space of the name
 * dropped, the name not decoded, the value %-decoded without '+'. */
const char *sence_php_cookie(apr_pool_t *p, const char *header, const char *name, unsigned *odd)
{
    const char *s = header ? header : "", *found = NULL;
    int state = 0; /* 0 none, 1 a string, 2 an array */

    *odd = 0;
    while (*s) {
        apr_size_t len = strcspn(s, ";"), vlen;
        char *var = apr_pstrndup(p, s, len), *eq;
        const char *pname, *pindex, *raw;
        unsigned o;

        s += len;
        if (*s == ';')
            s++;
        eq = strchr(var, '=');
        while (isspace((unsigned char)*var))
            var++;
        if (var == eq || *var == '\0')
            continue;
        if (eq)
            *eq = '\0';
        o = php_name(p, var, &pname, &pindex);
        if (!pname || strcmp(pname, name) != 0)
            continue;
        *odd |= o;
        if (pindex) { /* name[...]: $_COOKIE[name] becomes an array, whatever came before */
            state = 2;
            *odd |= SENCE_PHP_ODD_COOKIE;
            continue;
        }
        if (state != 0)
            continue; /* the first of repeated names wins */
        raw = eq ? eq + 1 : "";
        if (strchr(raw, '%'))
            *odd |= SENCE_PHP_ODD_COOKIE;
        found = php_decode(p, raw, strlen(raw), 0, &vlen);
        if (strlen(found) != vlen)
            *odd |= SENCE_PHP_ODD_NUL;
        state = 1;
    }
    return state == 1 ? found : NULL;
}

apr_int64_t sence_php_int(const char *s)
{
    const char *digits;
    char *end;
    double d;

    if (!s)
        return 0;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
        s++;
    digits = (*s == '+' || *s == '-') ? s + 1 : s;
    /* strtod would also take hex, inf and nan, which PHP's (int) reads as 0 */
    if ((!isdigit((unsigned char)*digits) &&
         !(*digits == '.' && isdigit((unsigned char)digits[1]))) ||
        (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')))
        return 0;
    d = strtod(s, &end);
    if (end == s || d != d || d > 9.2e18 || d < -9.2e18)
        return 0;
    return (apr_int64_t)d;
}

/* Bytes of a path segment that PARAM_FILE (and fix_utf8 before it) would drop: ASCII
 * controls, &<>"`|':\ and anything not plain ASCII (Moodle keeps valid UTF-8, but the
 * segments read here are numbers and plugin names, which never hold it). */
static int segment_clean(const char *s, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || strchr("&<>\"`|':\\", c))
            return 0;
    }
    return 1;
}

apr_int64_t sence_moodle_file_context(apr_pool_t *p, const char *path, const char **component,
                                      const char **filearea, unsigned *odd)
{
    const char *seg[3] = {NULL, NULL, NULL}, *s = path ? path : "";
    int n = 0, i;

    *component = *filearea = NULL;
    if (*s != '/' && *s != '\\')
        return 0; /* Moodle: "pathdoesnotstartslash" */
    while (*s && n < 3) {
        apr_size_t len;
        s++; /* the separator */
        len = strcspn(s, "/\\");
        if (s[-1] == '\\')
            *odd |= SENCE_PHP_ODD_PATH;
        if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) {
            *odd |= SENCE_PHP_ODD_PATH; /* Moodle drops it and reads the next one */
        } else {
            if (!segment_clean(s, len))
                *odd |= SENCE_PHP_ODD_PATH;
            seg[n++] = apr_pstrndup(p, s, len);
        }
        s += len;
    }
    if (!seg[0])
        return 0;
    for (i = 0; seg[0][i]; i++)
        if (!isdigit((unsigned char)seg[0][i]))
            *odd |= SENCE_PHP_ODD_PATH;
    *component = seg[1];
    *filearea = seg[2];
    return sence_php_int(seg[0]);
}

const char *sence_php_odd_text(apr_pool_t *p, unsigned odd)
{
    static const struct {
        unsigned bit;
        const char *text;
    } texts[] = {
        {SENCE_PHP_ODD_NAME, "a parameter name PHP rewrites"},
        {SENCE_PHP_ODD_NUL, "a NUL byte"},
        {SENCE_PHP_ODD_COOKIE, "an encoded or array session cookie"},
        {SENCE_PHP_ODD_MULTIPART, "a multipart body not as browsers write it"},
        {SENCE_PHP_ODD_JSON, "an AJAX body that is not strict JSON"},
        {SENCE_PHP_ODD_PATH, "a file path Moodle would clean into another"},
        {SENCE_PHP_ODD_CTYPE, "an unusual Content-Type"},
    };
    const char *out = NULL;
    apr_size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (odd & texts[i].bit)
            out = out ? apr_pstrcat(p, out, ", ", texts[i].text, NULL) : texts[i].text;
    return out ? out : "nothing";
}
