#include "check.h"
#include "moodle_url.h"

static apr_pool_t *pool;

static void expect(const char *path, const char *query, sence_mref_kind kind, apr_int64_t num,
                   const char *text)
{
    sence_mref_t r = sence_moodle_url_ref(pool, path, query);
    CHECK(r.kind == kind);
    if (r.kind != kind)
        fprintf(stderr, "  %s?%s: kind %d, want %d\n", path, query ? query : "", r.kind, kind);
    if (kind != MREF_NONE && kind != MREF_AJAX)
        CHECK(r.num == num);
    if (text)
        CHECK_STR(r.text, text);
}

int main(void)
{
    apr_array_header_t *refs;
    sence_mref_t r;
    const char *json;

    apr_initialize();
    apr_pool_create(&pool, NULL);

    expect("/course/view.php", "id=2", MREF_COURSE, 2, NULL);
    expect("/moodle/course/view.php", "id=2&section=1", MREF_COURSE, 2, NULL);
    expect("/course/view.php", "name=EXCEL%2DINT", MREF_SHORTNAME, 0, "EXCEL-INT");
    expect("/course/view.php", "idnumber=RLAB-19", MREF_IDNUMBER, 0, "RLAB-19");
    expect("/course/view.php", "id=2x", MREF_NONE, 0, NULL);
    expect("/course/view.php", NULL, MREF_NONE, 0, NULL);
    expect("/mod/page/view.php", "id=7", MREF_CM, 7, NULL);
    expect("/mod/page/view.php", "p=3", MREF_INSTANCE, 3, "page");
    expect("/mod/resource/view.php", "r=4&redirect=1", MREF_INSTANCE, 4, "resource");
    expect("/mod/forum/view.php", "f=9", MREF_INSTANCE, 9, "forum");
    expect("/mod/url/view.php", "u=5", MREF_INSTANCE, 5, "url");
    expect("/mod/assign/view.php", "action=grading&id=11", MREF_CM, 11, NULL);
    expect("/mod/quiz/attempt.php", "attempt=3&cmid=12", MREF_CM, 12, NULL);
    expect("/grade/report/user/index.php", "id=2", MREF_NONE, 0, NULL);
    expect("/grade/report/user/index.php", "courseid=2", MREF_COURSE, 2, NULL);
    expect("/user/index.php", "course=3", MREF_COURSE, 3, NULL);
    expect("/question/edit.php", "cmid=12", MREF_CM, 12, NULL);
    expect("/admin/tool/x.php", "contextid=30", MREF_CONTEXT, 30, NULL);
    expect("/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL, MREF_CONTEXT, 30, NULL);
    expect("/pluginfile.php", "file=%2F31%2Fmod_page%2Fcontent%2F1%2Fx.png", MREF_CONTEXT, 31,
           NULL);
    expect("/webservice/pluginfile.php/32/mod_page/content/1/x.png", "token=abc", MREF_CONTEXT, 32,
           NULL);
    expect("/tokenpluginfile.php/abcdef/33/mod_page/content/1/x.png", NULL, MREF_CONTEXT, 33, NULL);
    expect("/lib/ajax/service.php", "sesskey=x&info=core_courseformat_get_state", MREF_AJAX, 0,
           NULL);
    expect("/theme/styles.php/boost/1/all", NULL, MREF_NONE, 0, NULL);
    expect("/lib/javascript.php/1/lib/requirejs.php", NULL, MREF_NONE, 0, NULL);
    expect("/login/index.php", NULL, MREF_NONE, 0, NULL);
    expect("/my/", NULL, MREF_NONE, 0, NULL);
    expect("/mod/Page/view.php", "p=3", MREF_NONE, 0, NULL);

    r = sence_moodle_url_ref(pool, "/pluginfile.php/25/course/summary/0/logo.png", NULL);
    CHECK(sence_moodle_public_file(&r));
    r = sence_moodle_url_ref(pool, "/pluginfile.php/25/course/overviewfiles/0/x.png", NULL);
    CHECK(sence_moodle_public_file(&r));
    r = sence_moodle_url_ref(pool, "/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL);
    CHECK(!sence_moodle_public_file(&r));

    json =
        "[{\"index\":0,\"methodname\":\"core_courseformat_get_state\",\"args\":{\"courseid\":2}},"
        "{\"index\":1,\"args\":{\"cmid\" : \"12\", \"contextid\":30, \"courseid\":\"x\"}}]";
    refs = sence_moodle_json_refs(pool, json, strlen(json));
    CHECK(refs->nelts == 3);
    if (refs->nelts == 3) {
        CHECK(APR_ARRAY_IDX(refs, 0, sence_mref_t).kind == MREF_COURSE);
        CHECK(APR_ARRAY_IDX(refs, 0, sence_mref_t).num == 2);
        CHECK(APR_ARRAY_IDX(refs, 1, sence_mref_t).kind == MREF_CM);
        CHECK(APR_ARRAY_IDX(refs, 1, sence_mref_t).num == 12);
        CHECK(APR_ARRAY_IDX(refs, 2, sence_mref_t).kind == MREF_CONTEXT);
    }
    refs = sence_moodle_json_refs(pool, "{\"courseid\":", 12);
    CHECK(refs->nelts == 0);

    /* web services: identity by token, courses in the parameters */
    r = sence_moodle_url_ref(pool, "/webservice/rest/server.php",
                             "wstoken=abc123&moodlewsrestformat=json");
    CHECK(r.kind == MREF_WS && r.token_kind == MTOKEN_WS);
    CHECK_STR(r.token, "abc123");
    r = sence_moodle_url_ref(pool, "/webservice/pluginfile.php/30/mod_resource/content/0/a.pdf",
                             "token=tk");
    CHECK(r.kind == MREF_CONTEXT && r.num == 30 && r.token_kind == MTOKEN_WS);
    CHECK_STR(r.token, "tk");
    r = sence_moodle_url_ref(pool, "/tokenpluginfile.php/key42/30/mod_resource/content/0/a.pdf",
                             NULL);
    CHECK(r.kind == MREF_CONTEXT && r.num == 30 && r.token_kind == MTOKEN_PRIVATE);
    CHECK_STR(r.token, "key42");
    r = sence_moodle_url_ref(pool, "/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL);
    CHECK(r.token_kind == MTOKEN_NONE);
    {
        const char *tok = NULL;
        refs = sence_moodle_form_refs(
            pool, "wsfunction=core_course_get_contents&courseid=2&wstoken=t%31&cmids%5B0%5D=201",
            &tok);
        CHECK(refs->nelts == 2);
        CHECK_STR(tok, "t1");
        if (refs->nelts == 2) {
            CHECK(APR_ARRAY_IDX(refs, 0, sence_mref_t).kind == MREF_COURSE);
            CHECK(APR_ARRAY_IDX(refs, 1, sence_mref_t).kind == MREF_CM);
            CHECK(APR_ARRAY_IDX(refs, 1, sence_mref_t).num == 201);
        }
        refs = sence_moodle_form_refs(pool, "courseids[0]=3&courseidx=4&coursename=x", NULL);
        CHECK(refs->nelts == 1 && APR_ARRAY_IDX(refs, 0, sence_mref_t).num == 3);
    }

    CHECK_STR(sence_query_get(pool, "a=1&b=x%20y+z", "b"), "x y z");
    CHECK(sence_query_get(pool, "ab=1", "a") == NULL);
    CHECK(sence_query_get(pool, NULL, "a") == NULL);
    return check_done("moodle_url");
}
