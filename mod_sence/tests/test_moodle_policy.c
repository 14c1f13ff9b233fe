#include "check.h"
#include "moodle_url.h"

#include <apr_strings.h>

static apr_pool_t *pool;

/* Does some reading of the request name this ref? */
static int has(const sence_mreq_t *req, sence_mref_kind kind, apr_int64_t num, const char *text)
{
    int i;

    for (i = 0; i < req->refs->nelts; i++) {
        const sence_mref_t *r = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
        if (r->kind == kind && r->num == num && (!text || (r->text && !strcmp(r->text, text))))
            return 1;
    }
    return 0;
}

static sence_mreq_t url(const char *path, const char *query)
{
    sence_mreq_t req;
    sence_moodle_request(pool, path, query, &req);
    return req;
}

static void expect_at(int line, const char *path, const char *query, sence_mref_kind kind,
                      apr_int64_t num, const char *text)
{
    sence_mreq_t r = url(path, query);
    check_count++;
    if (!has(&r, kind, num, text)) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s?%s: no ref %d/%ld\n", __FILE__, line, path, query ? query : "",
                kind, (long)num);
    }
}

static void nothing_at(int line, const char *path, const char *query)
{
    sence_mreq_t r = url(path, query);
    check_count++;
    if (r.refs->nelts != 0) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s: %d refs, want none\n", __FILE__, line, path, r.refs->nelts);
    }
}

#define EXPECT(path, query, kind, num, text) expect_at(__LINE__, path, query, kind, num, text)
#define NOTHING(path, query) nothing_at(__LINE__, path, query)

int main(void)
{
    sence_mreq_t req;
    const char *json, *mp;

    apr_initialize();
    apr_pool_create(&pool, NULL);

    /* PHP's (int), as Moodle's PARAM_INT */
    CHECK(sence_php_int("2") == 2 && sence_php_int("2abc") == 2 && sence_php_int(" 2") == 2);
    CHECK(sence_php_int("2.9") == 2 && sence_php_int("+7") == 7 && sence_php_int("1e3") == 1000);
    CHECK(sence_php_int("0x1A") == 0 && sence_php_int("abc") == 0 && sence_php_int("inf") == 0);
    CHECK(sence_php_int(NULL) == 0 && sence_php_int("") == 0);

    EXPECT("/course/view.php", "id=2", MREF_COURSE, 2, NULL);
    EXPECT("/moodle/course/view.php", "id=2&section=1", MREF_COURSE, 2, NULL);
    EXPECT("/course/view.php", "name=EXCEL%2DINT", MREF_SHORTNAME, 0, "EXCEL-INT");
    EXPECT("/course/view.php", "idnumber=RLAB-19", MREF_IDNUMBER, 0, "RLAB-19");
    EXPECT("/course/view.php", "id=2abc", MREF_COURSE, 2, NULL);
    EXPECT("/course/view.php", "id=%202", MREF_COURSE, 2, NULL);
    EXPECT("/course/view.php", "%69d=2", MREF_COURSE, 2, NULL);
    /* every reading: repeated parameters, name= with id= */
    EXPECT("/course/view.php", "id=1&id=2", MREF_COURSE, 2, NULL);
    EXPECT("/course/view.php", "id=4&name=EXCEL-INT", MREF_SHORTNAME, 0, "EXCEL-INT");
    /* PATH_INFO after the script */
    EXPECT("/course/view.php/x", "id=2", MREF_COURSE, 2, NULL);
    EXPECT("/%63ourse/view.php", "id=2", MREF_COURSE, 2, NULL);
    NOTHING("/course/view.php", NULL);
    NOTHING("/course/view.php", "id=0");

    EXPECT("/mod/page/view.php", "id=7", MREF_CM, 7, NULL);
    EXPECT("/mod/page/view.php", "p=3", MREF_INSTANCE, 3, "page");
    EXPECT("/mod/page/view.php", "id=401&p=11", MREF_INSTANCE, 11, "page");
    EXPECT("/mod/resource/view.php", "r=4&redirect=1", MREF_INSTANCE, 4, "resource");
    EXPECT("/mod/forum/view.php", "f=9", MREF_INSTANCE, 9, "forum");
    EXPECT("/mod/url/view.php", "u=5", MREF_INSTANCE, 5, "url");
    EXPECT("/mod/quiz/attempt.php", "attempt=3&cmid=12", MREF_CM, 12, NULL);
    EXPECT("/mod/page/index.php", "id=2", MREF_COURSE, 2, NULL);
    EXPECT("/grade/report/user/index.php", "id=2", MREF_COURSE, 2, NULL);
    EXPECT("/user/index.php", "id=2", MREF_COURSE, 2, NULL);
    EXPECT("/user/index.php", "course=3", MREF_COURSE, 3, NULL);
    EXPECT("/calendar/view.php", "courseid=2", MREF_COURSE, 2, NULL);
    EXPECT("/question/edit.php", "cmid=12", MREF_CM, 12, NULL);
    EXPECT("/course/section.php", "id=55", MREF_SECTION, 55, NULL);
    EXPECT("/admin/tool/x.php", "contextid=30", MREF_CONTEXT, 30, NULL);

    EXPECT("/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL, MREF_CONTEXT, 30, NULL);
    EXPECT("/pluginfile.php", "file=%2F31%2Fmod_page%2Fcontent%2F1%2Fx.png", MREF_CONTEXT, 31,
           NULL);
    EXPECT("/pluginfile.php/1/x", "file=/17/mod_resource/content/0/a.txt", MREF_CONTEXT, 17, NULL);
    EXPECT("/pluginfile.php//17/mod_resource/content/0/a.txt", NULL, MREF_CONTEXT, 17, NULL);
    NOTHING("/pluginfile.php/", "file=");
    NOTHING("/pluginfile.php", NULL);
    req = url("/webservice/pluginfile.php/32/mod_page/content/1/x.png", "token=tk");
    CHECK(has(&req, MREF_CONTEXT, 32, NULL) && req.token_kind == MTOKEN_WS);
    CHECK_STR(req.token, "tk");
    req = url("/tokenpluginfile.php/key42/33/mod_page/content/1/x.png", NULL);
    CHECK(has(&req, MREF_CONTEXT, 33, NULL) && req.token_kind == MTOKEN_PRIVATE);
    CHECK_STR(req.token, "key42");
    req = url("/pluginfile.php/25/course/summary/0/logo.png", NULL);
    CHECK(req.refs->nelts == 1 &&
          sence_moodle_public_file(&APR_ARRAY_IDX(req.refs, 0, sence_mref_t)));
    req = url("/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL);
    CHECK(req.refs->nelts == 1 &&
          !sence_moodle_public_file(&APR_ARRAY_IDX(req.refs, 0, sence_mref_t)));

    NOTHING("/theme/styles.php/boost/1/all", NULL);
    NOTHING("/lib/javascript.php/1/lib/requirejs.php", NULL);
    NOTHING("/login/index.php", NULL);
    NOTHING("/my/", NULL);
    NOTHING("/user/view.php", "id=3");

    /* bodies: POST fields as $_POST */
    req = url("/course/view.php", "id=4");
    sence_moodle_add_form(pool, &req, "id=2&sesskey=x");
    CHECK(has(&req, MREF_COURSE, 2, NULL) && has(&req, MREF_COURSE, 4, NULL));
    mp = "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n2\r\n"
         "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n9\r\n"
         "--XyZ--\r\n";
    req = url("/course/view.php", NULL);
    sence_moodle_add_multipart(pool, &req, mp, strlen(mp), "XyZ");
    CHECK(req.refs->nelts == 1 && has(&req, MREF_COURSE, 2, NULL));

    /* AJAX */
    req = url("/lib/ajax/service.php", "sesskey=x&info=core_courseformat_get_state");
    CHECK(req.body == 2);
    req = url("/lib/ajax/service.php/x", NULL);
    CHECK(req.body == 2);
    json =
        "[{\"index\":0,\"methodname\":\"core_courseformat_get_state\",\"args\":{\"courseid\":2}},"
        "{\"index\":1,\"args\":{\"cmid\" : \"12\", \"contextid\":30, \"name\":\"courseid\"}}]";
    sence_moodle_add_json(pool, &req, json, strlen(json));
    CHECK(has(&req, MREF_COURSE, 2, NULL) && has(&req, MREF_CM, 12, NULL) &&
          has(&req, MREF_CONTEXT, 30, NULL) && req.refs->nelts == 3);
    req = url("/lib/ajax/service.php", NULL);
    json = "[{\"methodname\":\"x\",\"args\":{\"course\\u0069d\":2}}]";
    sence_moodle_add_json(pool, &req, json, strlen(json));
    CHECK(has(&req, MREF_COURSE, 2, NULL));
    req = url("/lib/ajax/service.php", NULL);
    json = "[{\"methodname\":\"core_course_get_module\",\"args\":{\"id\":4}}]";
    sence_moodle_add_json(pool, &req, json, strlen(json));
    CHECK(has(&req, MREF_CM, 4, NULL));
    req = url("/lib/ajax/service.php", NULL);
    json = "[{\"methodname\":\"core_course_get_courses\",\"args\":{\"courseids\":[5, 2]}}]";
    sence_moodle_add_json(pool, &req, json, strlen(json));
    CHECK(has(&req, MREF_COURSE, 5, NULL) && has(&req, MREF_COURSE, 2, NULL));
    req = url("/lib/ajax/service.php", NULL);
    sence_moodle_add_json(pool, &req, "{\"courseid\":", 12);
    CHECK(req.refs->nelts == 0);

    /* web services: identity by token, courses in the parameters */
    req = url("/webservice/rest/server.php", "wstoken=abc123&moodlewsrestformat=json");
    CHECK(req.token_kind == MTOKEN_WS && req.body == 1);
    CHECK_STR(req.token, "abc123");
    sence_moodle_add_form(pool, &req,
                          "wsfunction=core_course_get_contents&courseid=2&"
                          "cmids%5B0%5D=201");
    CHECK(has(&req, MREF_COURSE, 2, NULL) && has(&req, MREF_CM, 201, NULL));

    CHECK_STR(sence_query_get(pool, "a=1&b=x%20y+z", "b"), "x y z");
    CHECK_STR(sence_query_get(pool, "a=1&a=2", "a"), "2");
    CHECK(sence_query_get(pool, "ab=1", "a") == NULL);
    CHECK(sence_query_get(pool, NULL, "a") == NULL);
    return check_done("moodle_url");
}
