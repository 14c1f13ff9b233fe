/* Moodle's entry points for a gated participant: see policy.h. The tables below are the
 * policy; docs/en/moodle.md lists them for the sysadmin. */
#include "moodle/policy.h"

#include <apr_strings.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A parameter an entry point reads. name "@" is the module's instance parameter (page: p,
 * forum: f...); module is the module an MREF_INSTANCE names (NULL: the one in the path). */
typedef struct {
    const char *name;
    sence_mref_kind kind;
    const char *module;
} mparam_t;

typedef struct {
    const char *script; /* "/mod/x/y.php" or "/mod/ * /y.php" (any module), sorted (strcmp) */
    sence_mclass cls;
    mparam_t params[7];
} mentry_t;

/* ---- the script table: sorted by script (a unit test checks) -------------------------- */
static const mentry_t scripts[] = {
    {"/course/edit.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/course/index.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/course/info.php",
     MCLASS_CONTENT,
     {{"id", MREF_COURSE, NULL}, {"name", MREF_SHORTNAME, NULL}}},
    {"/course/recent.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/course/resources.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/course/search.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/course/section.php", MCLASS_CONTENT, {{"id", MREF_SECTION, NULL}}},
    {"/course/user.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/course/view.php",
     MCLASS_CONTENT,
     {{"id", MREF_COURSE, NULL},
      {"name", MREF_SHORTNAME, NULL},
      {"idnumber", MREF_IDNUMBER, NULL},
      {"sectionid", MREF_SECTION, NULL}}},
    {"/draftfile.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/enrol/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/grade/report/grader/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/grade/report/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/grade/report/overview/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/grade/report/user/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/index.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/lib/ajax/service-nologin.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/lib/ajax/service.php", MCLASS_AJAX, {{NULL, MREF_NONE, NULL}}},
    {"/lib/ajax/setuserpref.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/lib/javascript.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/lib/requirejs.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/message/index.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/mod/*/grade.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"/mod/*/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/mod/*/report.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}, {"@", MREF_INSTANCE, NULL}}},
    {"/mod/*/view.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}, {"@", MREF_INSTANCE, NULL}}},
    {"/mod/book/tool/exportimscp/index.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"/mod/book/tool/print/index.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"/mod/feedback/complete.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"/mod/folder/download_folder.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"/mod/forum/discuss.php", MCLASS_CONTENT, {{"d", MREF_DISCUSSION, NULL}}},
    {"/mod/forum/post.php",
     MCLASS_CONTENT,
     {{"forum", MREF_INSTANCE, "forum"},
      {"reply", MREF_POST, NULL},
      {"edit", MREF_POST, NULL},
      {"delete", MREF_POST, NULL},
      {"prune", MREF_POST, NULL},
      {"course", MREF_COURSE, NULL}}},
    {"/mod/forum/search.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/mod/forum/user.php", MCLASS_CONTENT, {{"course", MREF_COURSE, NULL}}},
    {"/mod/glossary/print.php", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"/mod/glossary/showentry.php",
     MCLASS_CONTENT,
     {{"eid", MREF_ENTRY, NULL}, {"courseid", MREF_COURSE, NULL}}},
    {"/mod/quiz/attempt.php",
     MCLASS_CONTENT,
     {{"attempt", MREF_ATTEMPT, NULL}, {"cmid", MREF_CM, NULL}}},
    {"/mod/quiz/processattempt.php",
     MCLASS_CONTENT,
     {{"attempt", MREF_ATTEMPT, NULL}, {"cmid", MREF_CM, NULL}}},
    {"/mod/quiz/review.php",
     MCLASS_CONTENT,
     {{"attempt", MREF_ATTEMPT, NULL}, {"cmid", MREF_CM, NULL}}},
    {"/mod/quiz/startattempt.php", MCLASS_CONTENT, {{"cmid", MREF_CM, NULL}}},
    {"/mod/quiz/summary.php",
     MCLASS_CONTENT,
     {{"attempt", MREF_ATTEMPT, NULL}, {"cmid", MREF_CM, NULL}}},
    {"/mod/wiki/view.php",
     MCLASS_CONTENT,
     {{"id", MREF_CM, NULL}, {"pageid", MREF_OPAQUE, NULL}, {"wid", MREF_OPAQUE, NULL}}},
    {"/my/courses.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/my/index.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/pluginfile.php", MCLASS_FILE, {{NULL, MREF_NONE, NULL}}},
    {"/report/outline/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/report/outline/user.php", MCLASS_CONTENT, {{"course", MREF_COURSE, NULL}}},
    {"/tokenpluginfile.php", MCLASS_FILE, {{NULL, MREF_NONE, NULL}}},
    {"/user/calendar.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/course.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/edit.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/editadvanced.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/editor.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/emailupdate.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/files.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/forum.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/index.php", MCLASS_CONTENT, {{"id", MREF_COURSE, NULL}}},
    {"/user/language.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/managetoken.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/preferences.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/profile.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/user/view.php", MCLASS_CONTENT, {{"course", MREF_COURSE, NULL}}},
    {"/webservice/draftfile.php", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"/webservice/pluginfile.php", MCLASS_FILE, {{NULL, MREF_NONE, NULL}}},
    {"/webservice/rest/server.php", MCLASS_WS, {{NULL, MREF_NONE, NULL}}},
    {"/webservice/rest/simpleserver.php", MCLASS_WS, {{NULL, MREF_NONE, NULL}}},
};

/* Folders whose every script is a site page without course content. */
static const char *const site_folders[] = {
    "/admin/tool/policy/", /* the site policies a new user must accept */
    "/auth/",              /* authentication plugins' pages */
    "/login/",             /* login, logout, password reset, sign-up */
    "/theme/",             /* styles.php, image.php, font.php, javascript.php, yui_combo.php */
};

/* Moodle's instance parameter of /mod/NAME/view.php, besides id= (course module id). */
static const char *instance_param(const char *module)
{
    static const char *const map[][2] = {
        {"book", "b"},        {"data", "d"},     {"folder", "f"}, {"forum", "f"}, {"glossary", "g"},
        {"h5pactivity", "a"}, {"imscp", "i"},    {"label", "l"},  {"lti", "l"},   {"page", "p"},
        {"quiz", "q"},        {"resource", "r"}, {"scorm", "a"},  {"url", "u"},   {"workshop", "w"},
    };
    apr_size_t i;

    for (i = 0; module && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(module, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* ---- AJAX and web-service functions ---------------------------------------------------- */
typedef struct {
    const char *method; /* '*' matches any run of characters */
    sence_mclass cls;   /* MCLASS_SITE: harmless; MCLASS_CONTENT: args name the course */
    mparam_t args[3];
} mmethod_t;

static const mmethod_t methods[] = {
    /* harmless: session, strings, templates, preferences, messaging, the course list */
    {"core_session_touch", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_session_time_remaining", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_fetch_notifications", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_get_string", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_get_strings", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_get_component_strings", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_output_load_template", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_output_load_template_with_dependencies", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_output_load_fontawesome_icon_map", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_output_load_fontawesome_icon_system_map", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_user_get_user_preferences", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_user_set_user_preferences", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_user_update_user_preferences", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_message_*", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_webservice_get_site_info", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_course_get_enrolled_courses_by_timeline_classification",
     MCLASS_SITE,
     {{NULL, MREF_NONE, NULL}}},
    {"core_course_get_recent_courses", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_course_search_courses", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"core_course_get_categories", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"tool_mobile_get_config", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"tool_mobile_get_public_config", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    {"tool_usertours_*", MCLASS_SITE, {{NULL, MREF_NONE, NULL}}},
    /* content of the course, module, discussion or attempt the arguments name */
    {"core_completion_get_activities_completion_status",
     MCLASS_CONTENT,
     {{"courseid", MREF_COURSE, NULL}}},
    {"core_completion_update_activity_completion_status_manually",
     MCLASS_CONTENT,
     {{"cmid", MREF_CM, NULL}}},
    {"core_course_edit_module", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"core_course_get_contents", MCLASS_CONTENT, {{"courseid", MREF_COURSE, NULL}}},
    {"core_course_get_course_module", MCLASS_CONTENT, {{"cmid", MREF_CM, NULL}}},
    {"core_course_get_module", MCLASS_CONTENT, {{"id", MREF_CM, NULL}}},
    {"core_course_view_course", MCLASS_CONTENT, {{"courseid", MREF_COURSE, NULL}}},
    {"core_courseformat_*", MCLASS_CONTENT, {{"courseid", MREF_COURSE, NULL}}},
    {"mod_forum_get_discussion_post", MCLASS_CONTENT, {{"postid", MREF_POST, NULL}}},
    {"mod_forum_get_discussion_posts", MCLASS_CONTENT, {{"discussionid", MREF_DISCUSSION, NULL}}},
    {"mod_forum_get_forum_discussions", MCLASS_CONTENT, {{"forumid", MREF_INSTANCE, "forum"}}},
    {"mod_glossary_get_entry_by_id", MCLASS_CONTENT, {{"id", MREF_ENTRY, NULL}}},
    {"mod_quiz_*_attempt*", MCLASS_CONTENT, {{"attemptid", MREF_ATTEMPT, NULL}}},
    {"mod_*_by_courses", MCLASS_CONTENT, {{"courseids", MREF_COURSE, NULL}}},
};

static int glob(const char *pat, const char *s)
{
    if (*pat == '\0')
        return *s == '\0';
    if (*pat == '*') {
        for (;; s++) {
            if (glob(pat + 1, s))
                return 1;
            if (!*s)
                return 0;
        }
    }
    return *pat == *s && glob(pat + 1, s + 1);
}

static const mmethod_t *method_of(const char *name)
{
    apr_size_t i;

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (glob(methods[i].method, name))
            return &methods[i];
    return NULL;
}

/* ---- reading the URL -------------------------------------------------------------------- */

static int cmp_entry(const void *key, const void *e)
{
    return strcmp(key, ((const mentry_t *)e)->script);
}

int sence_moodle_tables_sorted(void)
{
    apr_size_t i;

    for (i = 1; i < sizeof(scripts) / sizeof(scripts[0]); i++)
        if (strcmp(scripts[i - 1].script, scripts[i].script) >= 0)
            return 0;
    return 1;
}

/* NAME of /mod/NAME/..., a plugin name ([a-z0-9_]+), else NULL. */
static const char *module_of(apr_pool_t *p, const char *script)
{
    const char *m, *end;
    apr_size_t n;

    if (strncmp(script, "/mod/", 5) != 0)
        return NULL;
    m = script + 5;
    if (!(end = strchr(m, '/')) || (n = (apr_size_t)(end - m)) == 0 || n > 40 ||
        strspn(m, "abcdefghijklmnopqrstuvwxyz0123456789_") < n)
        return NULL;
    return apr_pstrndup(p, m, n);
}

static const mentry_t *entry_of(apr_pool_t *p, const char *script)
{
    const apr_size_t n = sizeof(scripts) / sizeof(scripts[0]);
    const mentry_t *e = bsearch(script, scripts, n, sizeof(scripts[0]), cmp_entry);
    const char *module;

    if (e)
        return e;
    if ((module = module_of(p, script)) != NULL)
        return bsearch(apr_pstrcat(p, "/mod/*", script + 5 + strlen(module), NULL), scripts, n,
                       sizeof(scripts[0]), cmp_entry);
    return NULL;
}

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
    apr_size_t i;

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
        out->cls = MCLASS_UNKNOWN;
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
            out->cls = MCLASS_SITE; /* a static file of Moodle's code: styles, scripts, icons */
            out->entry = "a static file";
            out->body = 0;
        } else {
            for (i = 0; i < sizeof(site_folders) / sizeof(site_folders[0]); i++)
                if (!strncmp(out->script, site_folders[i], strlen(site_folders[i])) &&
                    php_script_end(out->script)) {
                    out->cls = MCLASS_SITE;
                    out->entry = site_folders[i];
                }
            if (!out->entry && php_script_end(out->script) &&
                (e = entry_of(p, out->script)) != NULL) {
                out->cls = e->cls;
                out->entry = e->script;
            }
            if (!out->entry)
                out->entry = "an entry point not in the policy table";
        }
    }
    if (out->cls == MCLASS_AJAX)
        out->body = 2;
    if (query)
        out->odd |= sence_php_parse_query(p, query, strlen(query), out->vars);
    if (out->odd)
        out->odd_where = "the query string";
}

int sence_moodle_wants_body(const sence_mreq_t *req, const char *ctype)
{
    const char *m;

    if (req->cls == MCLASS_AJAX)
        return 1; /* service.php reads php://input whatever the Content-Type */
    if (req->cls != MCLASS_CONTENT && req->cls != MCLASS_FILE && req->cls != MCLASS_WS)
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

    if (req->cls == MCLASS_AJAX) {
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

static void add(sence_mreq_t *req, sence_mref_kind kind, apr_int64_t num, const char *text,
                int specific, const char *source)
{
    sence_mref_t *r;

    if (kind == MREF_NONE || (kind != MREF_OPAQUE && num <= 0 && !(text && *text)))
        return;
    if (kind == MREF_INSTANCE && num <= 0)
        return;
    r = apr_array_push(req->refs);
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->num = num;
    r->text = text;
    r->specific = specific;
    r->source = source;
}

static void add_value(apr_pool_t *p, sence_mreq_t *req, sence_mref_kind kind, const char *module,
                      const char *value, int specific, const char *source)
{
    if (kind == MREF_SHORTNAME || kind == MREF_IDNUMBER)
        add(req, kind, 0, value, specific, source);
    else if (kind == MREF_INSTANCE)
        add(req, kind, sence_php_int(value), module, specific, source);
    else
        add(req, kind, sence_php_int(value), NULL, specific, source);
    (void)p;
}

/* Parameters any script may read as ids of a course, a module or a context. */
static sence_mref_kind generic_kind(const char *name)
{
    if (!strcmp(name, "courseid") || !strcmp(name, "courseids") || !strcmp(name, "course"))
        return MREF_COURSE;
    if (!strcmp(name, "cmid") || !strcmp(name, "cmids"))
        return MREF_CM;
    if (!strcmp(name, "contextid") || !strcmp(name, "contextids"))
        return MREF_CONTEXT;
    return MREF_NONE;
}

static void unattributed(sence_mreq_t *req, const char *why)
{
    if (!req->unattributed)
        req->why = why;
    req->unattributed = 1;
}

/* clean_param(PARAM_ALPHANUM): letters and digits only */
static const char *alphanum(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    for (; *s; s++)
        if (isalnum((unsigned char)*s))
            *o++ = *s;
    *o = '\0';
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
        req->token_kind = MTOKEN_PRIVATE;
        req->token = alphanum(p, apr_pstrndup(p, s, n)); /* clean_param(PARAM_ALPHANUM) */
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
    add(req, MREF_CONTEXT, ctx, NULL, 1, source);
    r = &APR_ARRAY_IDX(req->refs, req->refs->nelts - 1, sence_mref_t);
    r->component = component;
    r->filearea = filearea;
}

/* One AJAX or web-service function and where its arguments are. */
static void function_call(apr_pool_t *p, sence_mreq_t *req, const char *name,
                          const sence_json_t *args)
{
    const mmethod_t *m = method_of(name);
    int before = req->refs->nelts, i, k;

    if (!m) {
        unattributed(req, apr_pstrcat(p, "function ", name, " (not in the policy table)", NULL));
        return;
    }
    if (m->cls == MCLASS_SITE)
        return;
    for (k = 0; k < 3 && m->args[k].name; k++) {
        const mparam_t *a = &m->args[k];
        const char *src = apr_pstrcat(p, a->name, " of ", name, NULL);
        if (args) {
            const sence_json_t *v = sence_json_get(args, a->name);
            apr_int64_t n;
            if (v && v->type == SJ_ARR) {
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

/* PARAM_ALPHANUMEXT, as service.php cleans a method name. */
static const char *alphanumext(apr_pool_t *p, const char *s, int *changed)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    *changed = 0;
    for (; *s; s++) {
        if (isalnum((unsigned char)*s) || *s == '_' || *s == '-')
            *o++ = *s;
        else
            *changed = 1;
    }
    *o = '\0';
    return out;
}

static void classify_ajax(apr_pool_t *p, sence_mreq_t *req)
{
    const sence_json_t *calls = req->json;
    int i, changed;

    if (!calls || calls->type != SJ_ARR) {
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
        if (!name || name->type != SJ_STR || (args && args->type != SJ_OBJ)) {
            req->odd |= SENCE_PHP_ODD_JSON;
            unattributed(req, "an AJAX call without a method name");
            continue;
        }
        clean = alphanumext(p, name->str, &changed);
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
    const mentry_t *e = req->cls == MCLASS_CONTENT ? entry_of(p, req->script) : NULL;
    const char *module = module_of(p, req->script), *v;
    int i, k, before;

    if (req->cls == MCLASS_SITE)
        return; /* shows no course content, whatever its parameters say */
    before = req->refs->nelts;
    for (i = 0; i < req->vars->nelts; i++) {
        const sence_php_var_t *var = &APR_ARRAY_IDX(req->vars, i, sence_php_var_t);
        sence_mref_kind g = generic_kind(var->name);
        for (k = 0; e && k < 7 && e->params[k].name; k++) {
            const mparam_t *mp = &e->params[k];
            const char *pname = strcmp(mp->name, "@") ? mp->name : instance_param(module);
            if (pname && !strcmp(pname, var->name))
                add_value(p, req, mp->kind, mp->module ? mp->module : module, var->value, 1,
                          apr_pstrcat(p, pname, "=", NULL));
        }
        if (g != MREF_NONE)
            add_value(p, req, g, NULL, var->value, 0, apr_pstrcat(p, var->name, "=", NULL));
    }
    /* identity by token: the mobile app, web services, file keys */
    if (!strncmp(req->script, "/webservice/", 12)) {
        const char *tok =
            var_last(req, ends_with(req->script, "/pluginfile.php") ? "token" : "wstoken");
        if (tok) {
            req->token_kind = MTOKEN_WS;
            /* webservice/pluginfile.php cleans it (PARAM_ALPHANUM); the servers do not */
            req->token = ends_with(req->script, "/pluginfile.php") ? alphanum(p, tok) : tok;
        } else if ((v = var_last(req, "wsusername")) != NULL) {
            req->token_kind = MTOKEN_USERNAME;
            req->token = v;
        }
    }
    switch (req->cls) {
    case MCLASS_CONTENT:
        for (i = before; i < req->refs->nelts; i++) {
            const sence_mref_t *r = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
            if (r->kind == MREF_OPAQUE)
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
    case MCLASS_FILE:
        if ((v = var_last(req, "file")) != NULL && *v)
            file_path(p, req, v, "file=");
        if (*req->path_info || !v || !*v)
            file_path(p, req, req->path_info, "the file path");
        break;
    case MCLASS_AJAX:
        classify_ajax(p, req);
        break;
    case MCLASS_WS:
        classify_ws(p, req);
        break;
    default:
        unattributed(req, req->entry);
        break;
    }
}

int sence_moodle_public_file(const sence_mref_t *ref)
{
    return ref->kind == MREF_CONTEXT && ref->component && ref->filearea &&
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
