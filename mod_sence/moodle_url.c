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

static char *url_decode(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
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

const char *sence_query_get(apr_pool_t *p, const char *query, const char *name)
{
    apr_size_t n = strlen(name);
    const char *s = query;

    while (s && *s) {
        const char *amp = strchr(s, '&');
        const char *end = amp ? amp : s + strlen(s);
        const char *eq = memchr(s, '=', (apr_size_t)(end - s));
        if (eq && (apr_size_t)(eq - s) == n && strncmp(s, name, n) == 0)
            return url_decode(p, eq + 1, (apr_size_t)(end - eq - 1));
        s = amp ? amp + 1 : NULL;
    }
    return NULL;
}

/* A positive decimal id, or 0. */
static apr_int64_t id_of(const char *s)
{
    apr_int64_t v = 0;
    int digits = 0;

    if (!s)
        return 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s) || ++digits > 18)
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Path component after "/mod/" when the path is /.../mod/NAME/...php, else NULL. */
static const char *module_name(apr_pool_t *p, const char *path)
{
    const char *m = strstr(path, "/mod/"), *end;
    apr_size_t i, n;

    if (!m)
        return NULL;
    m += 5;
    end = strchr(m, '/');
    if (!end)
        return NULL;
    n = (apr_size_t)(end - m);
    if (n == 0 || n > 40)
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

static int ends_with(const char *s, const char *suffix)
{
    apr_size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static sence_mref_t ref(sence_mref_kind kind, apr_int64_t num, const char *text)
{
    sence_mref_t r;
    memset(&r, 0, sizeof(r));
    r.kind = num > 0 || text ? kind : MREF_NONE;
    r.num = num;
    r.text = text;
    return r;
}

/* "/CTX/component/filearea/..." (the part of a pluginfile URL after the script). */
static sence_mref_t pluginfile_ref(apr_pool_t *p, const char *rest)
{
    char *copy, *state = NULL, *ctx, *component, *filearea;
    sence_mref_t r;

    if (!rest)
        return ref(MREF_NONE, 0, NULL);
    copy = apr_pstrdup(p, rest);
    ctx = apr_strtok(copy, "/", &state);
    component = apr_strtok(NULL, "/", &state);
    filearea = apr_strtok(NULL, "/", &state);
    r = ref(MREF_CONTEXT, id_of(ctx), NULL);
    r.component = component;
    r.filearea = filearea;
    return r;
}

static sence_mref_t pluginfile(apr_pool_t *p, const char *path, const char *query)
{
    const char *script = strstr(path, "pluginfile.php");
    const char *after = script + strlen("pluginfile.php");
    const char *before = apr_pstrndup(p, path, (apr_size_t)(script - path));
    const char *key = NULL;
    sence_mref_t r;

    /* tokenpluginfile.php/KEY/CTX/...: the key names the user */
    if (ends_with(before, "token") && *after == '/' && (key = after + 1) != NULL) {
        after = strchr(key, '/');
        key = after ? apr_pstrndup(p, key, (apr_size_t)(after - key)) : NULL;
    }
    r = pluginfile_ref(p, after && *after == '/' ? after : sence_query_get(p, query, "file"));
    if (key) {
        r.token_kind = MTOKEN_PRIVATE;
        r.token = key;
    } else if (ends_with(before, "/webservice/")) {
        r.token_kind = MTOKEN_WS;
        r.token = sence_query_get(p, query, "token");
    }
    return r;
}

static int is_ws_server(const char *path)
{
    const char *ws = strstr(path, "/webservice/");
    return ws && ends_with(path, "/server.php");
}

sence_mref_t sence_moodle_url_ref(apr_pool_t *p, const char *path, const char *query)
{
    const char *module, *v;

    if (!path)
        return ref(MREF_NONE, 0, NULL);
    if (strstr(path, "pluginfile.php"))
        return pluginfile(p, path, query);
    if (ends_with(path, "/lib/ajax/service.php"))
        return ref(MREF_AJAX, 1, NULL);
    if (is_ws_server(path)) {
        sence_mref_t r = ref(MREF_WS, 1, NULL);
        r.token_kind = MTOKEN_WS;
        r.token = sence_query_get(p, query, "wstoken");
        return r;
    }
    if ((module = module_name(p, path)) != NULL) {
        const char *param = instance_param(module);
        if ((v = sence_query_get(p, query, "id")) || (v = sence_query_get(p, query, "cmid")))
            return ref(MREF_CM, id_of(v), NULL);
        if (param && (v = sence_query_get(p, query, param)) != NULL) {
            sence_mref_t r = ref(MREF_INSTANCE, id_of(v), module);
            return id_of(v) ? r : ref(MREF_NONE, 0, NULL);
        }
    }
    if ((v = sence_query_get(p, query, "cmid")))
        return ref(MREF_CM, id_of(v), NULL);
    if ((v = sence_query_get(p, query, "courseid")) || (v = sence_query_get(p, query, "course")))
        return ref(MREF_COURSE, id_of(v), NULL);
    if ((v = sence_query_get(p, query, "contextid")))
        return ref(MREF_CONTEXT, id_of(v), NULL);
    if (strstr(path, "/course/")) {
        if ((v = sence_query_get(p, query, "id")))
            return ref(MREF_COURSE, id_of(v), NULL);
        if ((v = sence_query_get(p, query, "name")) && *v)
            return ref(MREF_SHORTNAME, 0, v);
        if ((v = sence_query_get(p, query, "idnumber")) && *v)
            return ref(MREF_IDNUMBER, 0, v);
    }
    return ref(MREF_NONE, 0, NULL);
}

static void push_ref(apr_array_header_t *a, sence_mref_kind kind, apr_int64_t num)
{
    sence_mref_t *r = apr_array_push(a);
    *r = ref(kind, num, NULL);
}

apr_array_header_t *sence_moodle_json_refs(apr_pool_t *p, const char *body, apr_size_t len)
{
    static const struct {
        const char *key;
        sence_mref_kind kind;
    } keys[] = {
        {"\"courseid\"", MREF_COURSE}, {"\"cmid\"", MREF_CM}, {"\"contextid\"", MREF_CONTEXT}};
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(sence_mref_t));
    apr_size_t i, k;

    for (i = 0; i < len; i++) {
        if (body[i] != '"')
            continue;
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            apr_size_t kl = strlen(keys[k].key), j = i + kl;
            apr_int64_t v = 0;
            int digits = 0, quoted = 0;
            if (i + kl > len || strncmp(body + i, keys[k].key, kl) != 0)
                continue;
            while (j < len && isspace((unsigned char)body[j]))
                j++;
            if (j >= len || body[j++] != ':')
                continue;
            while (j < len && isspace((unsigned char)body[j]))
                j++;
            if (j < len && body[j] == '"') { /* Moodle's JS sometimes sends ids as strings */
                quoted = 1;
                j++;
            }
            while (j < len && isdigit((unsigned char)body[j]) && digits < 18) {
                v = v * 10 + (body[j++] - '0');
                digits++;
            }
            if (digits && (!quoted || (j < len && body[j] == '"')))
                push_ref(a, keys[k].kind, v);
        }
    }
    return a;
}

/* Which reference a web-service parameter name makes: courseid, courseids[3], cmid... */
static sence_mref_kind param_kind(const char *name)
{
    static const struct {
        const char *name;
        sence_mref_kind kind;
    } params[] = {{"courseid", MREF_COURSE},
                  {"courseids", MREF_COURSE},
                  {"cmid", MREF_CM},
                  {"cmids", MREF_CM},
                  {"contextid", MREF_CONTEXT}};
    apr_size_t i, n;

    for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
        n = strlen(params[i].name);
        if (strncmp(name, params[i].name, n) == 0 && (name[n] == '\0' || name[n] == '['))
            return params[i].kind;
    }
    return MREF_NONE;
}

apr_array_header_t *sence_moodle_form_refs(apr_pool_t *p, const char *form, const char **wstoken)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(sence_mref_t));
    const char *s = form;

    while (s && *s) {
        const char *amp = strchr(s, '&');
        const char *end = amp ? amp : s + strlen(s);
        const char *eq = memchr(s, '=', (apr_size_t)(end - s));
        if (eq) {
            const char *name = url_decode(p, s, (apr_size_t)(eq - s));
            const char *value = url_decode(p, eq + 1, (apr_size_t)(end - eq - 1));
            sence_mref_kind kind = param_kind(name);
            if (kind != MREF_NONE && id_of(value) > 0)
                push_ref(a, kind, id_of(value));
            else if (wstoken && !strcmp(name, "wstoken"))
                *wstoken = value;
        }
        s = amp ? amp + 1 : NULL;
    }
    return a;
}

int sence_moodle_public_file(const sence_mref_t *ref_)
{
    return ref_->kind == MREF_CONTEXT && ref_->component && ref_->filearea &&
           strcmp(ref_->component, "course") == 0 &&
           (strcmp(ref_->filearea, "summary") == 0 || strcmp(ref_->filearea, "overviewfiles") == 0);
}
