/* Moodle's entry points for a gated participant: see policy.h. The table it applies is in
 * policy_table.c. */
#include "moodle/policy_table.h"

#include <apr_strings.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading the URL -------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
    apr_size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The end of the first path segment ending in ".php" (any case), or NULL. */
static const char *php_script_end(const char *s)
{
    const char *hit;

    for (hit = s; (hit = strchr(hit, '.')) != NULL; hit++)
        if (strncasecmp(hit, ".php", 4) == 0 && (hit[4] == '/' || hit[4] == '\0'))
            return hit + 4;
    return NULL;
}

/* ".php" anywhere (any case): "view.php.x" may run as PHP under AddHandler. */
static int has_php(const char *s)
{
    for (; *s; s++)
        if (*s == '.' && strncasecmp(s, ".php", 4) == 0)
            return 1;
    return 0;
}

void sence_moodle_read_url(apr_pool_t *p, const char *root, const char *uri, const char *query,
                           sence_mreq_t *out)
{
    apr_size_t rl = root ? strlen(root) : 0;
    const char *rel, *end;
    const mentry_t *e;

    memset(out, 0, sizeof(*out));
    out->root = apr_pstrndup(p, root ? root : "", root ? strlen(root) : 0);
    out->vars = apr_array_make(p, 8, sizeof(sence_php_var_t));
    out->refs = apr_array_make(p, 4, sizeof(sence_mref_t));
    out->path_info = "";
    out->body = 1;
    while (rl && root[rl - 1] == '/')
        rl--;
    ((char *)out->root)[rl] = '\0';
    uri = uri ? uri : "/";
    if (strncmp(uri, root ? root : "", rl) != 0 || (uri[rl] != '/' && uri[rl] != '\0')) {
        out->script = uri; /* outside Moodle's root: nothing known */
        out->cls = SENCE_MCLASS_UNKNOWN;
        out->entry = "a path outside SenceMoodleRoot";
    } else {
        rel = uri[rl] ? uri + rl : "/";
        if ((end = php_script_end(rel)) != NULL) {
            out->script = apr_pstrndup(p, rel, (apr_size_t)(end - rel));
            out->path_info = end;
        } else if (ends_with(rel, "/")) {
            out->script = apr_pstrcat(p, rel, "index.php", NULL); /* DirectoryIndex */
        } else {
            out->script = rel;
        }
        const char *last = strrchr(out->script, '/');
        if (!php_script_end(out->script) && last && strchr(last, '.') && !has_php(out->script)) {
            out->cls =
                SENCE_MCLASS_SITE; /* a static file of Moodle's code: styles, scripts, icons */
            out->entry = "a static file";
            out->body = 0;
        } else {
            if (php_script_end(out->script) && sence_mpolicy_site_folder(out->script)) {
                out->cls = SENCE_MCLASS_SITE;
                out->entry = "a site folder (/login/, /auth/, /theme/...)";
            }
            if (!out->entry && php_script_end(out->script) &&
                (e = sence_mpolicy_entry(p, out->script)) != NULL) {
                out->cls = e->cls;
                out->entry = e->script;
            }
            if (!out->entry)
                out->entry = "an entry point not in the policy table";
        }
    }
    if (out->cls == SENCE_MCLASS_AJAX)
        out->body = 2;
    if (query)
        out->odd |= sence_php_parse_query(p, query, strlen(query), out->vars);
    if (out->odd)
        out->odd_where = "the query string";
}

int sence_moodle_wants_body(const sence_mreq_t *req, const char *ctype)
{
    const char *m;

    if (req->cls == SENCE_MCLASS_AJAX)
        return 1; /* service.php reads php://input whatever the Content-Type */
    if (req->cls != SENCE_MCLASS_CONTENT && req->cls != SENCE_MCLASS_FILE &&
        req->cls != SENCE_MCLASS_WS)
        return 0; /* site pages show nothing a parameter could name; unknown ones are gated */
    m = ctype ? ctype : "";
    return !strncasecmp(m, "application/x-www-form-urlencoded", 33) ||
           !strncasecmp(m, "multipart/form-data", 19);
}

void sence_moodle_read_body(apr_pool_t *p, sence_mreq_t *req, const char *ctype, const char *body,
                            apr_size_t len)
{
    const char *media = sence_php_media_type(p, ctype);
    unsigned odd = 0;

    if (req->cls == SENCE_MCLASS_AJAX) {
        const char *err = NULL;
        if (!(req->json = sence_json_parse(p, body, len, &err)))
            odd |= SENCE_PHP_ODD_JSON;
    } else if (!strcmp(media, "application/x-www-form-urlencoded")) {
        odd |= sence_php_parse_post(p, body, len, req->vars);
    } else if (!strcmp(media, "multipart/form-data")) {
        odd |= sence_php_parse_multipart(p, ctype, body, len, req->vars);
    } else if (ctype && (!strncasecmp(ctype, "application/x-www-form-urlencoded", 33) ||
                         !strncasecmp(ctype, "multipart/form-data", 19))) {
        odd |= SENCE_PHP_ODD_CTYPE; /* "multipart/form-data-x": PHP would not parse it */
    }
    if (odd && !req->odd)
        req->odd_where = "the body";
    req->odd |= odd;
}

/* ---- classification ------------------------------------------------------------------ */

static void add(sence_mreq_t *req, sence_mref_kind_t kind, apr_int64_t num, const char *text,
                int specific, const char *source)
{
    sence_mref_t *r;

    if (kind == SENCE_MREF_NONE || (kind != SENCE_MREF_OPAQUE && num <= 0 && !(text && *text)))
        return;
    if (kind == SENCE_MREF_INSTANCE && num <= 0)
        return;
    r = apr_array_push(req->refs);
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->num = num;
    r->text = text;
    r->specific = specific;
    r->source = source;
}

static void add_value(apr_pool_t *p, sence_mreq_t *req, sence_mref_kind_t kind, const char *module,
                      const char *value, int specific, const char *source)
{
    if (kind == SENCE_MREF_SHORTNAME || kind == SENCE_MREF_IDNUMBER)
        add(req, kind, 0, value, specific, source);
    else if (kind == SENCE_MREF_INSTANCE)
        add(req, kind, sence_php_int(value), module, specific, source);
    else
        add(req, kind, sence_php_int(value), NULL, specific, source);
    (void)p;
}

/* Parameters any script may read as ids of a course, a module or a context. */
static sence_mref_kind_t generic_kind(const char *name)
{
    if (!strcmp(name, "courseid") || !strcmp(name, "courseids") || !strcmp(name, "course"))
        return SENCE_MREF_COURSE;
    if (!strcmp(name, "cmid") || !strcmp(name, "cmids"))
        return SENCE_MREF_CM;
    if (!strcmp(name, "contextid") || !strcmp(name, "contextids"))
        return SENCE_MREF_CONTEXT;
    return SENCE_MREF_NONE;
}

static void unattributed(sence_mreq_t *req, const char *why)
{
    if (!req->unattributed)
        req->why = why;
    req->unattributed = 1;
}

/* clean_param(): letters and digits, and the characters of extra (PARAM_ALPHANUM: none;
 * PARAM_ALPHANUMEXT: "_-"). *changed, if given: something was dropped. */
static const char *clean_alnum(apr_pool_t *p, const char *s, const char *extra, int *changed)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;
    int dropped = 0;

    for (; *s; s++) {
        if (isalnum((unsigned char)*s) || strchr(extra, *s))
            *o++ = *s;
        else
            dropped = 1;
    }
    *o = '\0';
    if (changed)
        *changed = dropped;
    return out;
}

/* The last value of name as $_POST or else $_GET has it (scalars only). */
static const char *var_last(const sence_mreq_t *req, const char *name)
{
    const char *get = NULL, *post = NULL;
    int i;

    for (i = 0; i < req->vars->nelts; i++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(req->vars, i, sence_php_var_t);
        if (!v->index && !strcmp(v->name, name))
            *(v->from_body ? &post : &get) = v->value;
    }
    return post ? post : get;
}

/* A file path (PATH_INFO or ?file=) of pluginfile.php and its kin. */
static void file_path(apr_pool_t *p, sence_mreq_t *req, const char *path, const char *source)
{
    const char *component, *filearea, *script_name;
    unsigned odd = 0;
    apr_int64_t ctx;
    sence_mref_t *r;

    /* PATH_INFO that repeats SCRIPT_NAME: Moodle drops it once */
    script_name = apr_pstrcat(p, req->root, req->script, NULL);
    if (!strncmp(path, script_name, strlen(script_name)))
        path += strlen(script_name);
    if (ends_with(req->script, "/tokenpluginfile.php")) {
        /* the user's private key first, cleaned PARAM_ALPHANUM */
        const char *s = path;
        apr_size_t n;
        while (*s == '/' || *s == '\\')
            s++;
        n = strcspn(s, "/\\");
        req->token_kind = SENCE_MTOKEN_PRIVATE;
        req->token =
            clean_alnum(p, apr_pstrndup(p, s, n), "", NULL); /* clean_param(PARAM_ALPHANUM) */
        if (s != path + 1)
            odd |= SENCE_PHP_ODD_PATH;
        path = s + n;
    }
    ctx = sence_moodle_file_context(p, path, &component, &filearea, &odd);
    if (odd) {
        if (!req->odd)
            req->odd_where = "the file path";
        req->odd |= odd;
    }
    if (ctx <= 0) {
        unattributed(req, "a file path without a context");
        return;
    }
    add(req, SENCE_MREF_CONTEXT, ctx, NULL, 1, source);
    r = &APR_ARRAY_IDX(req->refs, req->refs->nelts - 1, sence_mref_t);
    r->component = component;
    r->filearea = filearea;
}

/* One AJAX or web-service function and where its arguments are. */
static void function_call(apr_pool_t *p, sence_mreq_t *req, const char *name,
                          const sence_json_t *args)
{
    const mmethod_t *m = sence_mpolicy_method(name);
    int before = req->refs->nelts, i, k;

    if (!m) {
        unattributed(req, apr_pstrcat(p, "function ", name, " (not in the policy table)", NULL));
        return;
    }
    if (m->cls == SENCE_MCLASS_SITE)
        return;
    for (k = 0; k < 3 && m->args[k].name; k++) {
        const mparam_t *a = &m->args[k];
        const char *src = apr_pstrcat(p, a->name, " of ", name, NULL);
        if (args) {
            const sence_json_t *v = sence_json_get(args, a->name);
            apr_int64_t n;
            if (v && v->type == SENCE_JSON_ARR) {
                for (i = 0; i < v->items->nelts; i++)
                    if (sence_json_int(APR_ARRAY_IDX(v->items, i, sence_json_t *), &n))
                        add(req, a->kind, n, a->module, 1, src);
            } else if (sence_json_int(v, &n)) {
                add(req, a->kind, n, a->module, 1, src);
            }
        } else {
            for (i = 0; i < req->vars->nelts; i++) {
                const sence_php_var_t *v = &APR_ARRAY_IDX(req->vars, i, sence_php_var_t);
                if (!strcmp(v->name, a->name))
                    add_value(p, req, a->kind, a->module, v->value, 1, src);
            }
        }
    }
    if (req->refs->nelts == before)
        unattributed(req, apr_pstrcat(p, "function ", name, " without a course, module or ",
                                      "attempt argument", NULL));
}

static void classify_ajax(apr_pool_t *p, sence_mreq_t *req)
{
    const sence_json_t *calls = req->json;
    int i, changed;

    if (!calls || calls->type != SENCE_JSON_ARR) {
        if (calls) /* JSON, but not a list of calls */
            req->odd |= SENCE_PHP_ODD_JSON;
        unattributed(req, "an AJAX request without calls");
        return;
    }
    for (i = 0; i < calls->items->nelts; i++) {
        const sence_json_t *c = APR_ARRAY_IDX(calls->items, i, sence_json_t *);
        const sence_json_t *name = sence_json_get(c, "methodname");
        const sence_json_t *args = sence_json_get(c, "args");
        const char *clean;
        if (!name || name->type != SENCE_JSON_STR || (args && args->type != SENCE_JSON_OBJ)) {
            req->odd |= SENCE_PHP_ODD_JSON;
            unattributed(req, "an AJAX call without a method name");
            continue;
        }
        clean = clean_alnum(p, name->str, "_-", &changed);
        if (changed)
            req->odd |= SENCE_PHP_ODD_JSON; /* Moodle would call another name than written */
        function_call(p, req, clean, args ? args : calls /* no args: none found */);
    }
    if (req->odd && !req->odd_where)
        req->odd_where = "the AJAX body";
}

static void classify_ws(apr_pool_t *p, sence_mreq_t *req)
{
    int i, found = 0;

    for (i = 0; i < req->vars->nelts; i++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(req->vars, i, sence_php_var_t);
        if (!strcmp(v->name, "wsfunction") && !v->index) {
            function_call(p, req, v->value, NULL);
            found = 1;
        }
    }
    if (!found)
        unattributed(req, "a web-service request without wsfunction");
}

void sence_moodle_classify(apr_pool_t *p, sence_mreq_t *req)
{
    const mentry_t *e =
        req->cls == SENCE_MCLASS_CONTENT ? sence_mpolicy_entry(p, req->script) : NULL;
    const char *module = sence_mpolicy_module(p, req->script), *v;
    int i, k, before;

    if (req->cls == SENCE_MCLASS_SITE)
        return; /* shows no course content, whatever its parameters say */
    before = req->refs->nelts;
    for (i = 0; i < req->vars->nelts; i++) {
        const sence_php_var_t *var = &APR_ARRAY_IDX(req->vars, i, sence_php_var_t);
        sence_mref_kind_t g = generic_kind(var->name);
        for (k = 0; e && k < 7 && e->params[k].name; k++) {
            const mparam_t *mp = &e->params[k];
            const char *pname =
                strcmp(mp->name, "@") ? mp->name : sence_mpolicy_instance_param(module);
            if (pname && !strcmp(pname, var->name))
                add_value(p, req, mp->kind, mp->module ? mp->module : module, var->value, 1,
                          apr_pstrcat(p, pname, "=", NULL));
        }
        if (g != SENCE_MREF_NONE)
            add_value(p, req, g, NULL, var->value, 0, apr_pstrcat(p, var->name, "=", NULL));
    }
    /* identity by token: the mobile app, web services, file keys */
    if (!strncmp(req->script, "/webservice/", 12)) {
        const char *tok =
            var_last(req, ends_with(req->script, "/pluginfile.php") ? "token" : "wstoken");
        if (tok) {
            req->token_kind = SENCE_MTOKEN_WS;
            /* webservice/pluginfile.php cleans it (PARAM_ALPHANUM); the servers do not */
            req->token =
                ends_with(req->script, "/pluginfile.php") ? clean_alnum(p, tok, "", NULL) : tok;
        } else if ((v = var_last(req, "wsusername")) != NULL) {
            req->token_kind = SENCE_MTOKEN_USERNAME;
            req->token = v;
        }
    }
    switch (req->cls) {
    case SENCE_MCLASS_CONTENT:
        for (i = before; i < req->refs->nelts; i++) {
            const sence_mref_t *r = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
            if (r->kind == SENCE_MREF_OPAQUE)
                unattributed(req, apr_pstrcat(p, r->source,
                                              " names content by an id mod_sence "
                                              "does not resolve",
                                              NULL));
            else if (r->specific)
                before = -1;
        }
        if (before != -1)
            unattributed(req, "no parameter names the course");
        break;
    case SENCE_MCLASS_FILE:
        if ((v = var_last(req, "file")) != NULL && *v)
            file_path(p, req, v, "file=");
        if (*req->path_info || !v || !*v)
            file_path(p, req, req->path_info, "the file path");
        break;
    case SENCE_MCLASS_AJAX:
        classify_ajax(p, req);
        break;
    case SENCE_MCLASS_WS:
        classify_ws(p, req);
        break;
    default:
        unattributed(req, req->entry);
        break;
    }
}

int sence_moodle_public_file(const sence_mref_t *ref)
{
    return ref->kind == SENCE_MREF_CONTEXT && ref->component && ref->filearea &&
           strcmp(ref->component, "course") == 0 &&
           (strcmp(ref->filearea, "summary") == 0 || strcmp(ref->filearea, "overviewfiles") == 0);
}

const char *sence_query_get(apr_pool_t *p, const char *query, const char *name)
{
    apr_array_header_t *vars = apr_array_make(p, 4, sizeof(sence_php_var_t));
    const char *found = NULL;
    int i;

    if (!query)
        return NULL;
    sence_php_parse_query(p, query, strlen(query), vars);
    for (i = 0; i < vars->nelts; i++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(vars, i, sence_php_var_t);
        if (!v->index && !strcmp(v->name, name))
            found = v->value;
    }
    return found;
}

void sence_moodle_merge(sence_mreq_t *into, const sence_mreq_t *other)
{
    int i;

    /* PHP never sees the URL asked for: what it names can only add gated courses */
    for (i = 0; i < other->refs->nelts; i++) {
        sence_mref_t r = APR_ARRAY_IDX(other->refs, i, sence_mref_t);
        r.specific = 0;
        APR_ARRAY_PUSH(into->refs, sence_mref_t) = r;
    }
}
