/* Moodle mode's policy table: see policy_table.h. docs/en/moodle.md lists it for the
 * sysadmin; a change here is a change there. */
#include "moodle/policy_table.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

/* ---- the script table: sorted by script (a unit test checks) -------------------------- */
static const mentry_t scripts[] = {
    {"/course/edit.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/course/index.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/course/info.php",
     SENCE_MCLASS_CONTENT,
     {{"id", SENCE_MREF_COURSE, NULL}, {"name", SENCE_MREF_SHORTNAME, NULL}}},
    {"/course/recent.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/course/resources.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/course/search.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/course/section.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_SECTION, NULL}}},
    {"/course/user.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/course/view.php",
     SENCE_MCLASS_CONTENT,
     {{"id", SENCE_MREF_COURSE, NULL},
      {"name", SENCE_MREF_SHORTNAME, NULL},
      {"idnumber", SENCE_MREF_IDNUMBER, NULL},
      {"sectionid", SENCE_MREF_SECTION, NULL}}},
    {"/draftfile.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/enrol/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/grade/report/grader/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/grade/report/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/grade/report/overview/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/grade/report/user/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/index.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/lib/ajax/service-nologin.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/lib/ajax/service.php", SENCE_MCLASS_AJAX, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/lib/ajax/setuserpref.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/lib/javascript.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/lib/requirejs.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/message/index.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/mod/*/grade.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"/mod/*/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/mod/*/report.php",
     SENCE_MCLASS_CONTENT,
     {{"id", SENCE_MREF_CM, NULL}, {"@", SENCE_MREF_INSTANCE, NULL}}},
    {"/mod/*/view.php",
     SENCE_MCLASS_CONTENT,
     {{"id", SENCE_MREF_CM, NULL}, {"@", SENCE_MREF_INSTANCE, NULL}}},
    {"/mod/book/tool/exportimscp/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"/mod/book/tool/print/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"/mod/feedback/complete.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"/mod/folder/download_folder.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"/mod/forum/discuss.php", SENCE_MCLASS_CONTENT, {{"d", SENCE_MREF_DISCUSSION, NULL}}},
    {"/mod/forum/post.php",
     SENCE_MCLASS_CONTENT,
     {{"forum", SENCE_MREF_INSTANCE, "forum"},
      {"reply", SENCE_MREF_POST, NULL},
      {"edit", SENCE_MREF_POST, NULL},
      {"delete", SENCE_MREF_POST, NULL},
      {"prune", SENCE_MREF_POST, NULL},
      {"course", SENCE_MREF_COURSE, NULL}}},
    {"/mod/forum/search.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/mod/forum/user.php", SENCE_MCLASS_CONTENT, {{"course", SENCE_MREF_COURSE, NULL}}},
    {"/mod/glossary/print.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"/mod/glossary/showentry.php",
     SENCE_MCLASS_CONTENT,
     {{"eid", SENCE_MREF_ENTRY, NULL}, {"courseid", SENCE_MREF_COURSE, NULL}}},
    {"/mod/quiz/attempt.php",
     SENCE_MCLASS_CONTENT,
     {{"attempt", SENCE_MREF_ATTEMPT, NULL}, {"cmid", SENCE_MREF_CM, NULL}}},
    {"/mod/quiz/processattempt.php",
     SENCE_MCLASS_CONTENT,
     {{"attempt", SENCE_MREF_ATTEMPT, NULL}, {"cmid", SENCE_MREF_CM, NULL}}},
    {"/mod/quiz/review.php",
     SENCE_MCLASS_CONTENT,
     {{"attempt", SENCE_MREF_ATTEMPT, NULL}, {"cmid", SENCE_MREF_CM, NULL}}},
    {"/mod/quiz/startattempt.php", SENCE_MCLASS_CONTENT, {{"cmid", SENCE_MREF_CM, NULL}}},
    {"/mod/quiz/summary.php",
     SENCE_MCLASS_CONTENT,
     {{"attempt", SENCE_MREF_ATTEMPT, NULL}, {"cmid", SENCE_MREF_CM, NULL}}},
    {"/mod/wiki/view.php",
     SENCE_MCLASS_CONTENT,
     {{"id", SENCE_MREF_CM, NULL},
      {"pageid", SENCE_MREF_OPAQUE, NULL},
      {"wid", SENCE_MREF_OPAQUE, NULL}}},
    {"/my/courses.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/my/index.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/pluginfile.php", SENCE_MCLASS_FILE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/report/outline/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/report/outline/user.php", SENCE_MCLASS_CONTENT, {{"course", SENCE_MREF_COURSE, NULL}}},
    {"/tokenpluginfile.php", SENCE_MCLASS_FILE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/calendar.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/course.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/edit.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/editadvanced.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/editor.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/emailupdate.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/files.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/forum.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/index.php", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_COURSE, NULL}}},
    {"/user/language.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/managetoken.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/preferences.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/profile.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/user/view.php", SENCE_MCLASS_CONTENT, {{"course", SENCE_MREF_COURSE, NULL}}},
    {"/webservice/draftfile.php", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/webservice/pluginfile.php", SENCE_MCLASS_FILE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/webservice/rest/server.php", SENCE_MCLASS_WS, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"/webservice/rest/simpleserver.php", SENCE_MCLASS_WS, {{NULL, SENCE_MREF_NONE, NULL}}},
};

/* Folders whose every script is a site page without course content. */
static const char *const site_folders[] = {
    "/admin/tool/policy/", /* the site policies a new user must accept */
    "/auth/",              /* authentication plugins' pages */
    "/login/",             /* login, logout, password reset, sign-up */
    "/theme/",             /* styles.php, image.php, font.php, javascript.php, yui_combo.php */
};

/* Moodle's instance parameter of /mod/NAME/view.php, besides id= (course module id). */
const char *sence_mpolicy_instance_param(const char *module)
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

static const mmethod_t methods[] = {
    /* harmless: session, strings, templates, preferences, messaging, the course list */
    {"core_session_touch", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_session_time_remaining", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_fetch_notifications", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_get_string", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_get_strings", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_get_component_strings", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_output_load_template", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_output_load_template_with_dependencies",
     SENCE_MCLASS_SITE,
     {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_output_load_fontawesome_icon_map", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_output_load_fontawesome_icon_system_map",
     SENCE_MCLASS_SITE,
     {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_user_get_user_preferences", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_user_set_user_preferences", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_user_update_user_preferences", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_message_*", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_webservice_get_site_info", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_course_get_enrolled_courses_by_timeline_classification",
     SENCE_MCLASS_SITE,
     {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_course_get_recent_courses", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_course_search_courses", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"core_course_get_categories", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"tool_mobile_get_config", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"tool_mobile_get_public_config", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    {"tool_usertours_*", SENCE_MCLASS_SITE, {{NULL, SENCE_MREF_NONE, NULL}}},
    /* content of the course, module, discussion or attempt the arguments name */
    {"core_completion_get_activities_completion_status",
     SENCE_MCLASS_CONTENT,
     {{"courseid", SENCE_MREF_COURSE, NULL}}},
    {"core_completion_update_activity_completion_status_manually",
     SENCE_MCLASS_CONTENT,
     {{"cmid", SENCE_MREF_CM, NULL}}},
    {"core_course_edit_module", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"core_course_get_contents", SENCE_MCLASS_CONTENT, {{"courseid", SENCE_MREF_COURSE, NULL}}},
    {"core_course_get_course_module", SENCE_MCLASS_CONTENT, {{"cmid", SENCE_MREF_CM, NULL}}},
    {"core_course_get_module", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_CM, NULL}}},
    {"core_course_view_course", SENCE_MCLASS_CONTENT, {{"courseid", SENCE_MREF_COURSE, NULL}}},
    {"core_courseformat_*", SENCE_MCLASS_CONTENT, {{"courseid", SENCE_MREF_COURSE, NULL}}},
    {"mod_forum_get_discussion_post", SENCE_MCLASS_CONTENT, {{"postid", SENCE_MREF_POST, NULL}}},
    {"mod_forum_get_discussion_posts",
     SENCE_MCLASS_CONTENT,
     {{"discussionid", SENCE_MREF_DISCUSSION, NULL}}},
    {"mod_forum_get_forum_discussions",
     SENCE_MCLASS_CONTENT,
     {{"forumid", SENCE_MREF_INSTANCE, "forum"}}},
    {"mod_glossary_get_entry_by_id", SENCE_MCLASS_CONTENT, {{"id", SENCE_MREF_ENTRY, NULL}}},
    {"mod_quiz_*_attempt*", SENCE_MCLASS_CONTENT, {{"attemptid", SENCE_MREF_ATTEMPT, NULL}}},
    {"mod_*_by_courses", SENCE_MCLASS_CONTENT, {{"courseids", SENCE_MREF_COURSE, NULL}}},
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

const mmethod_t *sence_mpolicy_method(const char *name)
{
    apr_size_t i;

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (glob(methods[i].method, name))
            return &methods[i];
    return NULL;
}

/* ---- lookups ------------------------------------------------------------------------------ */

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
const char *sence_mpolicy_module(apr_pool_t *p, const char *script)
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

const mentry_t *sence_mpolicy_entry(apr_pool_t *p, const char *script)
{
    const apr_size_t n = sizeof(scripts) / sizeof(scripts[0]);
    const mentry_t *e = bsearch(script, scripts, n, sizeof(scripts[0]), cmp_entry);
    const char *module;

    if (e)
        return e;
    if ((module = sence_mpolicy_module(p, script)) != NULL)
        return bsearch(apr_pstrcat(p, "/mod/*", script + 5 + strlen(module), NULL), scripts, n,
                       sizeof(scripts[0]), cmp_entry);
    return NULL;
}

int sence_mpolicy_site_folder(const char *script)
{
    apr_size_t i;

    for (i = 0; i < sizeof(site_folders) / sizeof(site_folders[0]); i++)
        if (!strncmp(script, site_folders[i], strlen(site_folders[i])))
            return 1;
    return 0;
}
