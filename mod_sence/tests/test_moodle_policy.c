/* The policy for gated participants: which entry points are site pages, which parameters
 * name the course, what stays unattributed (gated content of every gated course). */
#include "check.h"
#include "moodle/policy.h"

#include <apr_strings.h>

static apr_pool_t *pool;

/* Does some reading of the request name this ref (specific: named by the entry point)? */
static int has(const sence_mreq_t *req, sence_mref_kind_t kind, apr_int64_t num, const char *text)
{
    int i;

    for (i = 0; i < req->refs->nelts; i++) {
        const sence_mref_t *r = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
        if (r->kind == kind && r->num == num && (!text || (r->text && !strcmp(r->text, text))))
            return 1;
    }
    return 0;
}

/* A request at Moodle's root "/moodle", classified (body: form fields or JSON, may be NULL). */
static sence_mreq_t req_of(const char *path, const char *query, const char *ctype, const char *body)
{
    sence_mreq_t req;

    sence_moodle_read_url(pool, "/moodle", apr_pstrcat(pool, "/moodle", path, NULL), query, &req);
    if (body)
        sence_moodle_read_body(pool, &req, ctype, body, strlen(body));
    sence_moodle_classify(pool, &req);
    return req;
}

static sence_mreq_t url(const char *path, const char *query)
{
    return req_of(path, query, NULL, NULL);
}

static void expect_at(int line, sence_mreq_t r, sence_mref_kind_t kind, apr_int64_t num,
                      const char *text)
{
    check_count++;
    if (!has(&r, kind, num, text) || r.odd) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s: no ref %d/%ld (or odd %x)\n", __FILE__, line, r.script, kind,
                (long)num, r.odd);
    }
}

/* Attributed to exactly what its refs name (nothing unattributed, nothing odd). */
static void attributed_at(int line, sence_mreq_t r)
{
    check_count++;
    if (r.unattributed || r.odd || r.cls == SENCE_MCLASS_SITE) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s: unattributed %d (%s), odd %x, class %d\n", __FILE__, line,
                r.script, r.unattributed, r.why ? r.why : "", r.odd, r.cls);
    }
}

static void unattributed_at(int line, sence_mreq_t r)
{
    check_count++;
    if (!r.unattributed || r.cls == SENCE_MCLASS_SITE) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s: attributed (class %d)\n", __FILE__, line, r.script, r.cls);
    }
}

static void site_at(int line, sence_mreq_t r)
{
    check_count++;
    if (r.cls != SENCE_MCLASS_SITE || r.unattributed) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s: not a site page (class %d)\n", __FILE__, line, r.script, r.cls);
    }
}

static void odd_at(int line, sence_mreq_t r, unsigned bit)
{
    check_count++;
    if (!(r.odd & bit)) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s: not refused as ambiguous (odd %x, want %x)\n", __FILE__, line,
                r.script, r.odd, bit);
    }
}

#define EXPECT(r, kind, num, text) expect_at(__LINE__, r, kind, num, text)
#define ATTRIBUTED(r) attributed_at(__LINE__, r)
#define UNATTRIBUTED(r) unattributed_at(__LINE__, r)
#define SITE(r) site_at(__LINE__, r)
#define ODD(r, bit) odd_at(__LINE__, r, bit)

static const char *ajax(const char *method, const char *args)
{
    return apr_psprintf(pool, "[{\"index\":0,\"methodname\":\"%s\",\"args\":%s}]", method, args);
}

int main(void)
{
    sence_mreq_t req;
    const char *mp;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    CHECK(sence_moodle_tables_sorted());

    /* courses and modules by their ids; PARAM_INT casts */
    EXPECT(url("/course/view.php", "id=2"), SENCE_MREF_COURSE, 2, NULL);
    ATTRIBUTED(url("/course/view.php", "id=2&section=1"));
    EXPECT(url("/course/view.php", "name=EXCEL%2DINT"), SENCE_MREF_SHORTNAME, 0, "EXCEL-INT");
    EXPECT(url("/course/view.php", "idnumber=RLAB-19"), SENCE_MREF_IDNUMBER, 0, "RLAB-19");
    EXPECT(url("/course/view.php", "id=2abc"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/view.php", "id=%202"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/view.php", "id=20e-1"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/view.php", "%69d=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/view.php", "id=1&id=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/view.php", "id=4&name=EXCEL-INT"), SENCE_MREF_SHORTNAME, 0, "EXCEL-INT");
    EXPECT(url("/course/view.php/x", "id=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/view.php", "id[]=2"), SENCE_MREF_COURSE, 2, NULL);
    UNATTRIBUTED(url("/course/view.php", NULL));
    UNATTRIBUTED(url("/course/view.php", "id=0"));
    UNATTRIBUTED(url("/course/view.php", "id=abc"));

    /* family 1: names PHP rewrites are read as PHP reads them, and refused */
    req = url("/course/view.php", "+id=2");
    CHECK(has(&req, SENCE_MREF_COURSE, 2, NULL)); /* as PHP: " id" is "id" */
    ODD(url("/course/view.php", "+id=2"), SENCE_PHP_ODD_NAME);
    ODD(url("/course/view.php", "%20id=2"), SENCE_PHP_ODD_NAME);
    ODD(url("/course/view.php", "++id=2"), SENCE_PHP_ODD_NAME);
    ODD(url("/mod/page/view.php", "+p=1"), SENCE_PHP_ODD_NAME);
    ODD(url("/mod/page/view.php", "p.=1"), SENCE_PHP_ODD_NAME);
    ODD(url("/pluginfile.php", "+file=/15/mod_page/content/1/a.png"), SENCE_PHP_ODD_NAME);
    ODD(url("/webservice/rest/server.php", "+wstoken=abc&wsfunction=x"), SENCE_PHP_ODD_NAME);
    ODD(url("/course/view.php", "id%00x=2"), SENCE_PHP_ODD_NUL);
    ODD(url("/course/view.php", "id[=2"), SENCE_PHP_ODD_NAME);
    ODD(req_of("/course/view.php", NULL, "application/x-www-form-urlencoded", "+courseid=2"),
        SENCE_PHP_ODD_NAME);
    ODD(req_of("/course/view.php", NULL, "application/x-www-form-urlencoded", "x=%00&id=2"),
        SENCE_PHP_ODD_NUL);

    /* modules */
    EXPECT(url("/mod/page/view.php", "id=7"), SENCE_MREF_CM, 7, NULL);
    EXPECT(url("/mod/page/view.php", "p=3"), SENCE_MREF_INSTANCE, 3, "page");
    EXPECT(url("/mod/page/view.php", "id=401&p=11"), SENCE_MREF_INSTANCE, 11, "page");
    EXPECT(url("/mod/resource/view.php", "r=4&redirect=1"), SENCE_MREF_INSTANCE, 4, "resource");
    EXPECT(url("/mod/forum/view.php", "f=9"), SENCE_MREF_INSTANCE, 9, "forum");
    EXPECT(url("/mod/page/index.php", "id=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/mod/page/", "id=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/grade/report/user/index.php", "id=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/user/index.php", "id=2"), SENCE_MREF_COURSE, 2, NULL);
    EXPECT(url("/course/section.php", "id=55"), SENCE_MREF_SECTION, 55, NULL);

    /* family 6: the right id for the right script */
    req = url("/mod/book/tool/print/index.php", "id=9");
    EXPECT(req, SENCE_MREF_CM, 9, NULL);
    CHECK(!has(&req, SENCE_MREF_COURSE, 9, NULL));
    req = url("/mod/forum/user.php", "id=5");
    CHECK(!has(&req, SENCE_MREF_CM, 5, NULL));
    UNATTRIBUTED(req); /* a user's posts in every course */
    EXPECT(url("/mod/forum/user.php", "id=5&course=4"), SENCE_MREF_COURSE, 4, NULL);
    UNATTRIBUTED(url("/mod/wiki/view.php", "id=7&pageid=3"));

    /* family 7: content by other ids */
    EXPECT(url("/mod/forum/discuss.php", "d=701"), SENCE_MREF_DISCUSSION, 701, NULL);
    EXPECT(url("/mod/forum/post.php", "reply=801"), SENCE_MREF_POST, 801, NULL);
    EXPECT(url("/mod/forum/post.php", "forum=31"), SENCE_MREF_INSTANCE, 31, "forum");
    EXPECT(url("/mod/glossary/showentry.php", "eid=901"), SENCE_MREF_ENTRY, 901, NULL);
    EXPECT(url("/mod/quiz/attempt.php", "attempt=3&cmid=12"), SENCE_MREF_ATTEMPT, 3, NULL);
    EXPECT(url("/mod/quiz/summary.php", "attempt=3"), SENCE_MREF_ATTEMPT, 3, NULL);
    UNATTRIBUTED(url("/mod/glossary/showentry.php", "concept=x"));
    UNATTRIBUTED(url("/calendar/view.php", "view=upcoming"));
    UNATTRIBUTED(url("/calendar/view.php", "view=day&course=4"));
    UNATTRIBUTED(url("/calendar/export_execute.php", "userid=3&authtoken=x&preset_what=all"));
    UNATTRIBUTED(url("/lib/ajax/getnavbranch.php", "id=2&type=20"));
    UNATTRIBUTED(url("/blocks/recent_activity/x.php", NULL));
    UNATTRIBUTED(url("/course/view", "id=4")); /* MultiViews could run view.php */
    UNATTRIBUTED(url("/course/view.php.x", "id=4"));
    UNATTRIBUTED(url("/COURSE/VIEW.PHP", "id=4"));
    /* outside Moodle's root */
    sence_moodle_read_url(pool, "/moodle", "/other/course/view.php", "id=4", &req);
    sence_moodle_classify(pool, &req);
    UNATTRIBUTED(req);

    /* the allow-list */
    SITE(url("/", NULL));
    SITE(url("/index.php", NULL));
    SITE(url("/my/", NULL));
    SITE(url("/login/index.php", NULL));
    SITE(url("/login/logout.php", "sesskey=x"));
    SITE(url("/user/profile.php", "id=3"));
    SITE(url("/user/preferences.php", NULL));
    SITE(url("/message/index.php", NULL));
    SITE(url("/course/index.php", NULL));
    SITE(url("/theme/styles.php/boost/1/all", NULL));
    SITE(url("/theme/image.php/boost/core/1/f/pdf", NULL));
    SITE(url("/lib/javascript.php/1/lib/requirejs/require.min.js", NULL));
    SITE(url("/theme/boost/pix/favicon.ico", NULL));
    SITE(url("/lib/ajax/service-nologin.php", "args=x"));

    /* files: the context in the path; PARAM_PATH's cleaning refused (family 2) */
    EXPECT(url("/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL), SENCE_MREF_CONTEXT, 30,
           NULL);
    EXPECT(url("/pluginfile.php", "file=%2F31%2Fmod_page%2Fcontent%2F1%2Fx.png"),
           SENCE_MREF_CONTEXT, 31, NULL);
    req = url("/pluginfile.php/1/x", "file=/17/mod_resource/content/0/a.txt");
    CHECK(has(&req, SENCE_MREF_CONTEXT, 17, NULL) && has(&req, SENCE_MREF_CONTEXT, 1, NULL));
    ODD(url("/pluginfile.php/1:5/mod_page/content/1/formula.png", NULL), SENCE_PHP_ODD_PATH);
    ODD(url("/pluginfile.php/\\15/mod_page/content/1/formula.png", NULL), SENCE_PHP_ODD_PATH);
    ODD(url("/pluginfile.php//17/mod_resource/content/0/a.txt", NULL), SENCE_PHP_ODD_PATH);
    ODD(url("/pluginfile.php/./17/mod_resource/content/0/a.txt", NULL), SENCE_PHP_ODD_PATH);
    ODD(url("/pluginfile.php/1%7F5/mod_page/content/1/a.png", NULL), SENCE_PHP_ODD_PATH);
    ODD(url("/pluginfile.php", "file=/1%3A5/mod_page/content/1/a.png"), SENCE_PHP_ODD_PATH);
    EXPECT(url("/pluginfile.php/moodle/pluginfile.php/15/mod_page/content/1/a.png", NULL),
           SENCE_MREF_CONTEXT, 15, NULL);
    ODD(url("/webservice/pluginfile.php/1:5/mod_page/content/1/a.png", "token=t"),
        SENCE_PHP_ODD_PATH);
    req = url("/tokenpluginfile.php/ke:y-1/15/mod_page/content/1/a.png", NULL);
    CHECK(has(&req, SENCE_MREF_CONTEXT, 15, NULL) && req.token_kind == SENCE_MTOKEN_PRIVATE);
    CHECK_STR(req.token, "key1"); /* PARAM_PATH, then PARAM_ALPHANUM */
    req = url("/webservice/pluginfile.php/15/mod_page/content/1/a.png", "token=ab-c:d");
    CHECK_STR(req.token, "abcd");
    ODD(url("/tokenpluginfile.php/key/1:5/mod_page/content/1/a.png", NULL), SENCE_PHP_ODD_PATH);
    UNATTRIBUTED(url("/pluginfile.php", NULL));
    req = url("/webservice/pluginfile.php/32/mod_page/content/1/x.png", "token=tk");
    CHECK(has(&req, SENCE_MREF_CONTEXT, 32, NULL) && req.token_kind == SENCE_MTOKEN_WS);
    CHECK_STR(req.token, "tk");
    req = url("/tokenpluginfile.php/key42/33/mod_page/content/1/x.png", NULL);
    CHECK(has(&req, SENCE_MREF_CONTEXT, 33, NULL) && req.token_kind == SENCE_MTOKEN_PRIVATE &&
          !req.odd);
    CHECK_STR(req.token, "key42");
    req = url("/pluginfile.php/25/course/summary/0/logo.png", NULL);
    CHECK(req.refs->nelts == 1 &&
          sence_moodle_public_file(&APR_ARRAY_IDX(req.refs, 0, sence_mref_t)));
    req = url("/pluginfile.php/30/mod_resource/content/0/a.pdf", NULL);
    CHECK(req.refs->nelts == 1 &&
          !sence_moodle_public_file(&APR_ARRAY_IDX(req.refs, 0, sence_mref_t)));

    /* bodies: $_POST read before $_GET; multipart as browsers write it, else refused */
    req = req_of("/course/view.php", "id=4", "application/x-www-form-urlencoded", "id=2&sesskey=x");
    CHECK(has(&req, SENCE_MREF_COURSE, 2, NULL) && has(&req, SENCE_MREF_COURSE, 4, NULL));
    mp = "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n2\r\n"
         "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n"
         "Content-Type: text/plain\r\n\r\n9\r\n--XyZ--\r\n";
    req = req_of("/course/view.php", NULL, "multipart/form-data; boundary=XyZ", mp);
    CHECK(has(&req, SENCE_MREF_COURSE, 2, NULL) && !has(&req, SENCE_MREF_COURSE, 9, NULL) &&
          !req.odd);
    ODD(req_of("/course/view.php", NULL, "multipart/form-data; boundary=XyZ",
               "--XyZ\r\nContent-Disposition: form-data; name=id\r\n\r\n2\r\n--XyZ--\r\n"),
        SENCE_PHP_ODD_MULTIPART);
    ODD(req_of("/course/view.php", NULL, "multipart/form-data; boundary=XyZ; boundary=abc", mp),
        SENCE_PHP_ODD_MULTIPART);
    ODD(req_of("/course/view.php", NULL, "multipart/form-data; boundary=XyZ,x", mp),
        SENCE_PHP_ODD_MULTIPART);
    ODD(req_of("/course/view.php", NULL, "multipart/form-data; xboundary=XyZ", mp),
        SENCE_PHP_ODD_MULTIPART);
    ODD(req_of("/course/view.php", NULL, "multipart/form-data; boundary=XyZ",
               "--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\n--XyZ\r\n"
               "Content-Disposition: form-data; name=\"id\"\r\n\r\n2\r\n--XyZ--\r\n"),
        SENCE_PHP_ODD_MULTIPART);
    ODD(req_of("/course/view.php", NULL, "multipart/form-data; boundary=\"XyZ\"",
               "--XyZ\r\nContent-Disposition: form-data; name=\" id\"\r\n\r\n2\r\n--XyZ--\r\n"),
        SENCE_PHP_ODD_NAME);

    /* family 5 and 7: AJAX calls by method, numbers as PARAM_INT reads them */
    req = url("/lib/ajax/service.php", "sesskey=x&info=core_courseformat_get_state");
    CHECK(req.body == 2 && req.cls == SENCE_MCLASS_AJAX);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("core_courseformat_get_state", "{\"courseid\":2}")),
           SENCE_MREF_COURSE, 2, NULL);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("core_courseformat_get_state", "{\"courseid\":20e-1}")),
           SENCE_MREF_COURSE, 2, NULL);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("core_courseformat_get_state", "{\"courseid\":0.2e1}")),
           SENCE_MREF_COURSE, 2, NULL);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("core_courseformat_get_state", "{\"courseid\":\"2\"}")),
           SENCE_MREF_COURSE, 2, NULL);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("core_course_get_module", "{\"id\":4}")),
           SENCE_MREF_CM, 4, NULL);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("mod_page_get_pages_by_courses", "{\"courseids\":[5, 2]}")),
           SENCE_MREF_COURSE, 2, NULL);
    UNATTRIBUTED(req_of("/lib/ajax/service.php", NULL, "application/json",
                        ajax("mod_page_get_pages_by_courses", "{\"courseids\":[]}")));
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("mod_forum_get_discussion_posts", "{\"discussionid\":701}")),
           SENCE_MREF_DISCUSSION, 701, NULL);
    EXPECT(req_of("/lib/ajax/service.php", NULL, "application/json",
                  ajax("mod_quiz_get_attempt_data", "{\"attemptid\":1001,\"page\":0}")),
           SENCE_MREF_ATTEMPT, 1001, NULL);
    UNATTRIBUTED(req_of("/lib/ajax/service.php", NULL, "application/json",
                        ajax("core_calendar_get_calendar_upcoming_view", "{\"courseid\":4}")));
    UNATTRIBUTED(req_of("/lib/ajax/service.php", NULL, "application/json",
                        ajax("block_recentlyaccesseditems_get_recent_items", "{}")));
    req = req_of("/lib/ajax/service.php", NULL, "application/json",
                 "[{\"methodname\":\"core_session_touch\",\"args\":{}},"
                 "{\"methodname\":\"core_fetch_notifications\",\"args\":{\"contextid\":1}}]");
    CHECK(!req.unattributed && !req.odd && req.refs->nelts == 0);
    ODD(req_of("/lib/ajax/service.php", NULL, "application/json", "{\"courseid\":"),
        SENCE_PHP_ODD_JSON);
    ODD(req_of("/lib/ajax/service.php", NULL, "application/json",
               ajax("core_courseformat_get_state", "{\"courseid\":4,\"courseid\":2}")),
        SENCE_PHP_ODD_JSON);
    ODD(req_of("/lib/ajax/service.php", NULL, "application/json",
               ajax("mod_forum_get_discussion_posts!", "{\"discussionid\":701}")),
        SENCE_PHP_ODD_JSON);
    ODD(req_of("/lib/ajax/service.php", NULL, "application/json",
               "[{\"methodname\":\"core_session_touch\",\"args\":{}}] x"),
        SENCE_PHP_ODD_JSON);

    /* web services: identity by token, function by name */
    req = req_of("/webservice/rest/server.php", "wstoken=abc123&moodlewsrestformat=json",
                 "application/x-www-form-urlencoded",
                 "wsfunction=core_course_get_contents&courseid=2");
    CHECK(req.token_kind == SENCE_MTOKEN_WS && has(&req, SENCE_MREF_COURSE, 2, NULL) &&
          !req.unattributed);
    CHECK_STR(req.token, "abc123");
    req =
        req_of("/webservice/rest/server.php", "wstoken=abc123", "application/x-www-form-urlencoded",
               "wsfunction=mod_page_get_pages_by_courses&courseids%5B0%5D=2");
    CHECK(has(&req, SENCE_MREF_COURSE, 2, NULL) && !req.unattributed);
    UNATTRIBUTED(url("/webservice/rest/server.php", "wstoken=a&wsfunction=mod_forum_x"));
    UNATTRIBUTED(url("/webservice/rest/server.php", "wstoken=a"));
    req = url("/webservice/rest/simpleserver.php", "wsusername=alumno&wspassword=x&wsfunction=y");
    CHECK(req.token_kind == SENCE_MTOKEN_USERNAME);
    CHECK_STR(req.token, "alumno");

    CHECK_STR(sence_query_get(pool, "a=1&b=x%20y+z", "b"), "x y z");
    CHECK_STR(sence_query_get(pool, "a=1&a=2", "a"), "2");
    CHECK_STR(sence_query_get(pool, "+a=1", "a"), "1");
    CHECK(sence_query_get(pool, "ab=1", "a") == NULL);
    CHECK(sence_query_get(pool, NULL, "a") == NULL);
    return check_done("moodle_policy");
}
