/* Strict JSON reading: see json.h. */
#include "moodle/json.h"
#include "moodle/php.h"
#include "util.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    apr_pool_t *p;
    const char *s, *end;
    const char *err;
} jp_t;

static sence_json_t *value(jp_t *j, int depth);

static void ws(jp_t *j)
{
    while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
        j->s++;
}

static sence_json_t *fail(jp_t *j, const char *why)
{
    if (!j->err)
        j->err = why;
    return NULL;
}

static sence_json_t *node(jp_t *j, sence_json_type_t t)
{
    sence_json_t *v = apr_pcalloc(j->p, sizeof(*v));
    v->type = t;
    return v;
}

static int hex4(const char *s, unsigned *out)
{
    int i;

    *out = 0;
    for (i = 0; i < 4; i++) {
        int d = sence_hexval(s[i]);
        if (d < 0)
            return 0;
        *out = *out * 16 + (unsigned)d;
    }
    return 1;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

/* Length of the valid UTF-8 sequence at s (0 if invalid). */
static apr_size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0], need, cp, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, cp = c & 0x07;
    else
        return 0;
    if ((apr_size_t)(end - s) <= need)
        return 0;
    for (i = 1; i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return need + 1;
}

static const char *string(jp_t *j)
{
    char *out, *o;

    if (j->s >= j->end || *j->s != '"')
        return (const char *)fail(j, "a string was expected");
    j->s++;
    out = o = apr_palloc(j->p, (apr_size_t)(j->end - j->s) + 1);
    while (j->s < j->end && *j->s != '"') {
        unsigned char c = (unsigned char)*j->s;
        if (c < 0x20)
            return (const char *)fail(j, "a control character in a string");
        if (c == '\\') {
            unsigned cp, lo;
            if (j->end - j->s < 2)
                return (const char *)fail(j, "a cut escape");
            switch (j->s[1]) {
            case '"':
                *o++ = '"';
                break;
            case '\\':
                *o++ = '\\';
                break;
            case '/':
                *o++ = '/';
                break;
            case 'b':
                *o++ = '\b';
                break;
            case 'f':
                *o++ = '\f';
                break;
            case 'n':
                *o++ = '\n';
                break;
            case 'r':
                *o++ = '\r';
                break;
            case 't':
                *o++ = '\t';
                break;
            case 'u':
                if (j->end - j->s < 6 || !hex4(j->s + 2, &cp))
                    return (const char *)fail(j, "a bad \\u escape");
                j->s += 4;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (j->end - j->s < 8 || j->s[2] != '\\' || j->s[3] != 'u' ||
                        !hex4(j->s + 4, &lo) || lo < 0xdc00 || lo > 0xdfff)
                        return (const char *)fail(j, "a lone surrogate");
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    j->s += 6;
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return (const char *)fail(j, "a lone surrogate");
                }
                o = put_utf8(o, cp);
                break;
            default:
                return (const char *)fail(j, "a bad escape");
            }
            j->s += 2;
        } else {
            apr_size_t n = utf8_len((const unsigned char *)j->s, (const unsigned char *)j->end);
            if (!n)
                return (const char *)fail(j, "invalid UTF-8");
            memcpy(o, j->s, n);
            o += n;
            j->s += n;
        }
    }
    if (j->s >= j->end)
        return (const char *)fail(j, "an unterminated string");
    j->s++;
    *o = '\0';
    return out;
}

static sence_json_t *number(jp_t *j)
{
    const char *start = j->s;
    sence_json_t *v;

    if (j->s < j->end && *j->s == '-')
        j->s++;
    if (j->s < j->end && *j->s == '0') {
        j->s++;
    } else if (j->s < j->end && *j->s >= '1' && *j->s <= '9') {
        while (j->s < j->end && *j->s >= '0' && *j->s <= '9')
            j->s++;
    } else {
        return fail(j, "a bad number");
    }
    if (j->s < j->end && *j->s == '.') {
        j->s++;
        if (j->s >= j->end || *j->s < '0' || *j->s > '9')
            return fail(j, "a bad fraction");
        while (j->s < j->end && *j->s >= '0' && *j->s <= '9')
            j->s++;
    }
    if (j->s < j->end && (*j->s == 'e' || *j->s == 'E')) {
        j->s++;
        if (j->s < j->end && (*j->s == '+' || *j->s == '-'))
            j->s++;
        if (j->s >= j->end || *j->s < '0' || *j->s > '9')
            return fail(j, "a bad exponent");
        while (j->s < j->end && *j->s >= '0' && *j->s <= '9')
            j->s++;
    }
    v = node(j, SENCE_JSON_NUM);
    v->str = apr_pstrmemdup(j->p, start, (apr_size_t)(j->s - start));
    return v;
}

static int literal(jp_t *j, const char *word)
{
    apr_size_t n = strlen(word);

    if ((apr_size_t)(j->end - j->s) < n || memcmp(j->s, word, n) != 0)
        return 0;
    j->s += n;
    return 1;
}

static sence_json_t *container(jp_t *j, int depth, int obj)
{
    sence_json_t *v = node(j, obj ? SENCE_JSON_OBJ : SENCE_JSON_ARR);
    char close = obj ? '}' : ']';

    if (depth >= SENCE_JSON_DEPTH)
        return fail(j, "nested too deep");
    v->items = apr_array_make(j->p, 4, sizeof(sence_json_t *));
    if (obj) {
        v->keys = apr_array_make(j->p, 4, sizeof(const char *));
        v->index = apr_hash_make(j->p);
    }
    j->s++;
    ws(j);
    if (j->s < j->end && *j->s == close) {
        j->s++;
        return v;
    }
    for (;;) {
        sence_json_t *item;
        ws(j);
        if (obj) {
            const char *key = string(j);
            if (!key)
                return NULL;
            if (apr_hash_get(v->index, key, APR_HASH_KEY_STRING))
                return fail(j, "a duplicate key"); /* PHP would keep the last one */
            ws(j);
            if (j->s >= j->end || *j->s != ':')
                return fail(j, "':' was expected");
            j->s++;
            APR_ARRAY_PUSH(v->keys, const char *) = key;
        }
        if (!(item = value(j, depth + 1)))
            return NULL;
        APR_ARRAY_PUSH(v->items, sence_json_t *) = item;
        if (obj)
            apr_hash_set(v->index, APR_ARRAY_IDX(v->keys, v->keys->nelts - 1, const char *),
                         APR_HASH_KEY_STRING, item);
        ws(j);
        if (j->s < j->end && *j->s == ',') {
            j->s++;
            continue;
        }
        if (j->s < j->end && *j->s == close) {
            j->s++;
            return v;
        }
        return fail(j, "',' or a closing bracket was expected");
    }
}

static sence_json_t *value(jp_t *j, int depth)
{
    sence_json_t *v;

    ws(j);
    if (j->s >= j->end)
        return fail(j, "a value was expected");
    switch (*j->s) {
    case '{':
        return container(j, depth, 1);
    case '[':
        return container(j, depth, 0);
    case '"':
        v = node(j, SENCE_JSON_STR);
        return (v->str = string(j)) != NULL ? v : NULL;
    case 't':
    case 'f':
        v = node(j, SENCE_JSON_BOOL);
        v->boolean = *j->s == 't';
        return literal(j, v->boolean ? "true" : "false") ? v : fail(j, "a bad literal");
    case 'n':
        return literal(j, "null") ? node(j, SENCE_JSON_NULL) : fail(j, "a bad literal");
    default:
        return number(j);
    }
}

sence_json_t *sence_json_parse(apr_pool_t *p, const char *s, apr_size_t len, const char **err)
{
    jp_t j;
    sence_json_t *v;

    j.p = p;
    j.s = s;
    j.end = s + len;
    j.err = NULL;
    /* a UTF-8 byte order mark is an error for json_decode() too */
    v = value(&j, 0);
    if (v) {
        ws(&j);
        if (j.s != j.end)
            v = fail(&j, "bytes after the value");
    }
    *err = v ? NULL : j.err;
    return v;
}

const sence_json_t *sence_json_get(const sence_json_t *obj, const char *key)
{
    if (!obj || obj->type != SENCE_JSON_OBJ)
        return NULL;
    return apr_hash_get(obj->index, key, APR_HASH_KEY_STRING);
}

int sence_json_int(const sence_json_t *v, apr_int64_t *out)
{
    double d;

    *out = 0;
    if (!v)
        return 0;
    switch (v->type) {
    case SENCE_JSON_BOOL:
        *out = v->boolean;
        return v->boolean;
    case SENCE_JSON_STR:
        *out = sence_php_int(v->str);
        return *out != 0;
    case SENCE_JSON_NUM:
        d = strtod(v->str, NULL);
        if (d != d || d > 9.0e15 || d < -9.0e15 || d != (double)(apr_int64_t)d)
            return 0;
        *out = (apr_int64_t)d;
        return 1;
    default:
        return 0;
    }
}
