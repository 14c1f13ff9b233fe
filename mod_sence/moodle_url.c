#include "moodle_url.h"

#include <apr_strings.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX decoding; plus: '+' is a space (query strings, not paths). */
static char *url_decode(apr_pool_t *p, const char *s, apr_size_t len, int plus)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (plus && s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

apr_int64_t sence_php_int(const char *s)
{
    char *end;
    double d;
    if (!s)
        return 0;
    const char *digits;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
        s++;
    digits = (*s == '+' || *s == '-') ? s + 1 : s;
    /* strtod would also take hex, inf and nan, which PHP's (int) reads as 0 */
    if ((!isdigit((unsigned char)*digits) && *digits != '.') ||
        (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')))
        return 0;
    d = strtod(s, &end);
    if (end == s || d != d || d > 9.2e18 || d < -9.2e18)
        return 0;
    return (apr_int64_t)d;
}

static int ends_with(const char *s, const char *suffix)
{
    apr_size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void add(sence_mreq_t *req, sence_mref_kind kind, apr_int64_t num, const char *text)
{
    sence_mref_t *r;

    if (kind == MREF_NONE || (num <= 0 && !(text && *text)))
        return;
    r = apr_array_push(req->refs);
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->num = num;
    r->text = text;
}

/* NAME in /mod/NAME/ of the script, else NULL. */
static const char *module_name(apr_pool_t *p, const char *script)
{
    const char *m = strstr(script, "/mod/"), *end;
    apr_size_t i, n;

    if (!m)
        return NULL;
    m += 5;
    if (!(end = strchr(m, '/')) || (n = (apr_size_t)(end - m)) == 0 || n > 40)
        return NULL;
    for (i = 0; i < n; i++)
        if (!islower((unsigned char)m[i]) && !isdigit((unsigned char)m[i]) && m[i] != '_')
            return NULL;
    return apr_pstrndup(p, m, n);
}

/* Moodle's instance parameter of a module's pages, besides id= (course module id). */
static const char *instance_param(const char *module)
{
    static const char *const map[][2] = {
        {"page", "p"},  {"resource", "r"}, {"url", "u"},      {"forum", "f"},
        {"book", "b"},  {"quiz", "q"},     {"glossary", "g"}, {"data", "d"},
        {"scorm", "a"}, {"folder", "f"},   {"imscp", "i"},
    };
    apr_size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(module, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static int is_pluginfile(const char *script)
{
    return ends_with(script, "pluginfile.php");
}

/* "/CTX/component/filearea/..." -> a context ref (empty segments skipped, like Moodle). */
static void add_file_path(apr_pool_t *p, sence_mreq_t *req, const char *rest)
{
    char *copy = apr_pstrdup(p, rest ? rest : ""), *state = NULL, *seg[3] = {NULL, NULL, NULL};
    sence_mref_t *r;
    int i;

    for (i = 0; i < 3; i++)
        if (!(seg[i] = apr_strtok(i ? NULL : copy, "/", &state)))
            break;
    if (!seg[0] || sence_php_int(seg[0]) <= 0)
        return;
    add(req, MREF_CONTEXT, sence_php_int(seg[0]), NULL);
    r = &APR_ARRAY_IDX(req->refs, req->refs->nelts - 1, sence_mref_t);
    r->component = seg[1];
    r->filearea = seg[2];
}

/* One request parameter, as each Moodle script may read it. */
static void param(apr_pool_t *p, sence_mreq_t *req, const char *name, const char *value)
{
    const char *script = req->script, *module = module_name(p, script), *bracket;
    char *base = apr_pstrdup(p, name);
    apr_int64_t n = sence_php_int(value);

    if ((bracket = strchr(base, '[')) != NULL) /* courseids[0] */
        base[bracket - base] = '\0';
    if (!strcmp(base, "courseid") || !strcmp(base, "courseids") || !strcmp(base, "course"))
        add(req, MREF_COURSE, n, NULL);
    else if (!strcmp(base, "cmid") || !strcmp(base, "cmids"))
        add(req, MREF_CM, n, NULL);
    else if (!strcmp(base, "contextid"))
        add(req, MREF_CONTEXT, n, NULL);
    else if (!strcmp(base, "id") && module)
        add(req, ends_with(script, "/index.php") ? MREF_COURSE : MREF_CM, n, NULL);
    else if (!strcmp(base, "id") && ends_with(script, "/course/section.php"))
        add(req, MREF_SECTION, n, NULL);
    else if (!strcmp(base, "id") &&
             (strstr(script, "/course/") || strstr(script, "/grade/") ||
              strstr(script, "/report/") || ends_with(script, "/user/index.php")))
        add(req, MREF_COURSE, n, NULL);
    else if (!strcmp(base, "name") && strstr(script, "/course/"))
        add(req, MREF_SHORTNAME, 0, value);
    else if (!strcmp(base, "idnumber") && strstr(script, "/course/"))
        add(req, MREF_IDNUMBER, 0, value);
    else if (!strcmp(base, "file") && is_pluginfile(script))
        add_file_path(p, req, value);
    else if (!strcmp(base, "wstoken") || (!strcmp(base, "token") && is_pluginfile(script)))
        req->token = value;
    if (module && instance_param(module) && !strcmp(base, instance_param(module)) && n > 0) {
        add(req, MREF_INSTANCE, n, module);
    }
}

/* Every name=value of a form-encoded string, both decoded, every occurrence. */
static void each_param(apr_pool_t *p, sence_mreq_t *req, const char *form)
{
    const char *s = form;

    while (s && *s) {
        const char *amp = strchr(s, '&');
        const char *end = amp ? amp : s + strlen(s);
        const char *eq = memchr(s, '=', (apr_size_t)(end - s));
        if (eq)
            param(p, req, url_decode(p, s, (apr_size_t)(eq - s), 1),
                  url_decode(p, eq + 1, (apr_size_t)(end - eq - 1), 1));
        s = amp ? amp + 1 : NULL;
    }
}

void sence_moodle_request(apr_pool_t *p, const char *path, const char *query, sence_mreq_t *out)
{
    const char *decoded = url_decode(p, path ? path : "", strlen(path ? path : ""), 0);
    const char *php = strstr(decoded, ".php");
    const char *info = NULL;

    memset(out, 0, sizeof(*out));
    out->refs = apr_array_make(p, 4, sizeof(sence_mref_t));
    /* the script is the path up to ".php"; what follows is PATH_INFO */
    while (php && php[4] != '/' && php[4] != '\0')
        php = strstr(php + 4, ".php");
    out->script = php ? apr_pstrndup(p, decoded, (apr_size_t)(php + 4 - decoded)) : decoded;
    info = php ? php + 4 : "";
    if (ends_with(out->script, "/lib/ajax/service.php")) {
        out->body = 2;
    } else if (strstr(out->script, "/webservice/") && ends_with(out->script, "server.php")) {
        out->body = 1;
        out->token_kind = MTOKEN_WS;
    } else {
        out->body = 1;
    }
    if (is_pluginfile(out->script)) {
        if (ends_with(out->script, "/tokenpluginfile.php")) {
            const char *key = info[0] == '/' ? info + 1 : "";
            const char *slash = strchr(key, '/');
            out->token_kind = MTOKEN_PRIVATE;
            out->token = slash ? apr_pstrndup(p, key, (apr_size_t)(slash - key)) : NULL;
            info = slash ? slash : "";
        } else if (strstr(out->script, "/webservice/")) {
            out->token_kind = MTOKEN_WS;
        }
        add_file_path(p, out, info);
    }
    each_param(p, out, query);
}

void sence_moodle_add_form(apr_pool_t *p, sence_mreq_t *req, const char *form)
{
    each_param(p, req, form);
}

/* Text fields of multipart/form-data: name="..." headers, value up to the next boundary. */
void sence_moodle_add_multipart(apr_pool_t *p, sence_mreq_t *req, const char *body, apr_size_t len,
                                const char *boundary)
{
    const char *delim = apr_pstrcat(p, "--", boundary, NULL);
    apr_size_t dl = strlen(delim);
    const char *s = body, *end = body + len;

    while (s < end) {
        const char *part = NULL, *hdr_end, *next, *name, *q;
        apr_size_t i;
        for (i = (apr_size_t)(s - body); i + dl <= len; i++)
            if (memcmp(body + i, delim, dl) == 0) {
                part = body + i + dl;
                break;
            }
        if (!part)
            return;
        hdr_end = NULL;
        for (i = (apr_size_t)(part - body); i + 4 <= len; i++)
            if (memcmp(body + i, "\r\n\r\n", 4) == 0) {
                hdr_end = body + i;
                break;
            }
        if (!hdr_end)
            return;
        next = NULL;
        for (i = (apr_size_t)(hdr_end + 4 - body); i + dl <= len; i++)
            if (memcmp(body + i, delim, dl) == 0) {
                next = body + i;
                break;
            }
        if (!next)
            return;
        name = apr_pstrmemdup(p, part, (apr_size_t)(hdr_end - part));
        if ((q = strstr(name, "name=\"")) != NULL && !strstr(name, "filename=")) {
            const char *close = strchr(q + 6, '"');
            apr_size_t vlen = (apr_size_t)(next - (hdr_end + 4));
            if (vlen >= 2)
                vlen -= 2; /* the CRLF before the delimiter */
            if (close)
                param(p, req, apr_pstrndup(p, q + 6, (apr_size_t)(close - q - 6)),
                      apr_pstrmemdup(p, hdr_end + 4, vlen));
        }
        s = next;
    }
}

/* A JSON string starting at body[*i] == '"', escapes decoded; *i moves past it. */
static const char *json_string(apr_pool_t *p, const char *body, apr_size_t len, apr_size_t *i)
{
    char *out = apr_palloc(p, len - *i + 1), *o = out;
    apr_size_t j = *i + 1;

    while (j < len && body[j] != '"') {
        if (body[j] == '\\' && j + 1 < len) {
            char c = body[++j];
            if (c == 'u' && j + 4 < len) {
                unsigned v = 0;
                int k;
                for (k = 1; k <= 4; k++)
                    v = v * 16 + (unsigned)(hexval(body[j + k]) < 0 ? 0 : hexval(body[j + k]));
                *o++ = v < 0x80 ? (char)v : '?';
                j += 4;
            } else {
                *o++ = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
        } else {
            *o++ = body[j];
        }
        j++;
    }
    *o = '\0';
    *i = j < len ? j + 1 : len;
    return out;
}

void sence_moodle_add_json(apr_pool_t *p, sence_mreq_t *req, const char *body, apr_size_t len)
{
    int module_call = 0;
    apr_size_t i = 0;

    /* "id" is a course module id in core_course_*module* calls (get_module, edit_module...) */
    if (memmem(body, len, "core_course_", 12) && memmem(body, len, "module", 6))
        module_call = 1;
    while (i < len) {
        const char *key, *value = NULL;
        apr_size_t j;
        if (body[i] != '"') {
            i++;
            continue;
        }
        key = json_string(p, body, len, &i);
        for (j = i; j < len && isspace((unsigned char)body[j]); j++)
            ;
        if (j >= len || body[j] != ':')
            continue; /* a string value, not a key */
        for (j++; j < len && isspace((unsigned char)body[j]); j++)
            ;
        if (j < len && body[j] == '[') { /* "courseids":[2,3] */
            sence_mref_kind kind = MREF_NONE;
            if (!strcmp(key, "courseids"))
                kind = MREF_COURSE;
            else if (!strcmp(key, "cmids"))
                kind = MREF_CM;
            else if (!strcmp(key, "contextids"))
                kind = MREF_CONTEXT;
            while (++j < len && body[j] != ']' && kind != MREF_NONE) {
                if (isdigit((unsigned char)body[j])) {
                    add(req, kind, sence_php_int(body + j), NULL);
                    while (j + 1 < len && isdigit((unsigned char)body[j + 1]))
                        j++;
                }
            }
            i = j;
            continue;
        }
        if (j < len && body[j] == '"') {
            value = json_string(p, body, len, &j);
        } else {
            apr_size_t k = j;
            while (k < len && (isdigit((unsigned char)body[k]) || body[k] == '-' || body[k] == '.'))
                k++;
            value = apr_pstrmemdup(p, body + j, k - j);
        }
        i = j;
        if (!strcmp(key, "courseid") || !strcmp(key, "courseids"))
            add(req, MREF_COURSE, sence_php_int(value), NULL);
        else if (!strcmp(key, "cmid") || !strcmp(key, "cmids") ||
                 (module_call && !strcmp(key, "id")))
            add(req, MREF_CM, sence_php_int(value), NULL);
        else if (!strcmp(key, "contextid"))
            add(req, MREF_CONTEXT, sence_php_int(value), NULL);
    }
}

const char *sence_query_get(apr_pool_t *p, const char *query, const char *name)
{
    const char *s = query, *found = NULL;

    while (s && *s) {
        const char *amp = strchr(s, '&');
        const char *end = amp ? amp : s + strlen(s);
        const char *eq = memchr(s, '=', (apr_size_t)(end - s));
        if (eq && !strcmp(url_decode(p, s, (apr_size_t)(eq - s), 1), name))
            found = url_decode(p, eq + 1, (apr_size_t)(end - eq - 1), 1);
        s = amp ? amp + 1 : NULL;
    }
    return found;
}

int sence_moodle_public_file(const sence_mref_t *ref)
{
    return ref->kind == MREF_CONTEXT && ref->component && ref->filearea &&
           strcmp(ref->component, "course") == 0 &&
           (strcmp(ref->filearea, "summary") == 0 || strcmp(ref->filearea, "overviewfiles") == 0);
}
