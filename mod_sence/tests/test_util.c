#include "check.h"
#include "util.h"

#include <apr_strings.h>

int main(void)
{
    apr_pool_t *p;
    char a[SENCE_ID_LEN + 1], b[SENCE_ID_LEN + 1];
    apr_interval_time_t t;
    apr_table_t *f;
    char small[4];
    int i, distinct = 1;

    apr_initialize();
    apr_pool_create(&p, NULL);
    /* ids: well formed, url-safe, different every time */
    CHECK(sence_id_new(a) == APR_SUCCESS);
    CHECK(strlen(a) == SENCE_ID_LEN && sence_id_wellformed(a));
    for (i = 0; i < 1000; i++) {
        sence_id_new(b);
        distinct &= strcmp(a, b) != 0 && sence_id_wellformed(b);
    }
    CHECK(distinct);
    CHECK(!sence_id_wellformed("short"));
    CHECK(!sence_id_wellformed("aaaaaaaaaaaaaaaaaaaaaaa="));
    CHECK(!sence_id_wellformed(NULL));
    CHECK(!sence_id_wellformed(""));
    CHECK(!sence_id_wellformed("aaaaaaaaaaaaaaaaaaaaaaaaa")); /* 25 */
    CHECK(sence_id_wellformed("AZaz09-_AZaz09-_AZaz09-_"));
    CHECK(!sence_id_wellformed("AZaz09-_AZaz09-_AZaz09-\xc3"));

    CHECK(sence_ct_equal("abc", "abc"));
    CHECK(!sence_ct_equal("abc", "abd"));
    CHECK(!sence_ct_equal("abc", "abcd"));
    CHECK(!sence_ct_equal("", "a"));

    CHECK(sence_parse_duration("90", &t) == NULL && t == apr_time_from_sec(90));
    CHECK(sence_parse_duration("30s", &t) == NULL && t == apr_time_from_sec(30));
    CHECK(sence_parse_duration("15m", &t) == NULL && t == apr_time_from_sec(900));
    CHECK(sence_parse_duration("4h", &t) == NULL && t == apr_time_from_sec(14400));
    CHECK(sence_parse_duration("1h30m", &t) == NULL && t == apr_time_from_sec(5400));
    CHECK(sence_parse_duration("", &t) != NULL);
    CHECK(sence_parse_duration("0", &t) != NULL);
    CHECK(sence_parse_duration("4x", &t) != NULL);
    CHECK(sence_parse_duration("h", &t) != NULL);
    CHECK(sence_parse_duration("1h30", &t) != NULL);
    CHECK(sence_parse_duration("40d", &t) != NULL);
    CHECK(sence_parse_duration("29d24h", &t) == NULL && t == apr_time_from_sec(30 * 86400));
    CHECK(sence_parse_duration("29d24h1s", &t) != NULL);
    {
        /* 213503 x "999999999d" + "982548104d25276s" is 2^64 + 60 seconds: a 2 MB
         * SenceSessionLifetime (httpd takes such lines) once overflowed into 60 s */
        const int big = 213503;
        char *s = apr_palloc(p, (apr_size_t)big * 10 + 32), *e = s;
        for (i = 0; i < big; i++, e += 10)
            memcpy(e, "999999999d", 10);
        strcpy(e, "982548104d25276s");
        CHECK(sence_parse_duration(s, &t) != NULL);
        CHECK(sence_parse_duration(apr_pstrcat(p, "30d", s, NULL), &t) != NULL);
    }

    CHECK(sence_form_parse(p, "a=1&b=x+y%21&c=", 15, &f) == NULL);
    CHECK_STR(apr_table_get(f, "a"), "1");
    CHECK_STR(apr_table_get(f, "b"), "x y!");
    CHECK_STR(apr_table_get(f, "c"), "");
    CHECK(sence_form_parse(p, "a=1&a=2", 7, &f) != NULL);
    CHECK(sence_form_parse(p, "a=%4", 4, &f) != NULL);
    CHECK(sence_form_parse(p, "a=%00", 5, &f) != NULL);
    CHECK(sence_form_parse(p, "a=%zz", 5, &f) != NULL);
    CHECK(sence_form_parse(p, "novalue", 7, &f) != NULL);
    CHECK(sence_form_parse(p, "=x", 2, &f) != NULL);
    CHECK(sence_form_parse(p, "", 0, &f) == NULL && apr_is_empty_table(f));

    CHECK(sence_strlcpy(small, "abc", sizeof(small)) == 0);
    CHECK(sence_strlcpy(small, "abcd", sizeof(small)) != 0 && strcmp(small, "abc") == 0);
    CHECK(sence_hash("x", 1, 0) != sence_hash("x", 1, 1));
    CHECK(sence_hash_more(sence_hash("ab", 2, 7), "cd", 2) == sence_hash("abcd", 4, 7));

    /* the course cookie's name: the hash of "linea|CodSence|CodigoCurso", as issued before */
    {
        char name[SENCE_COOKIE_NAME_SIZE];
        const char *key = "3|1234567890|CUR-0001";
        sence_cookie_name(name, "1234567890", "CUR-0001", 3);
        CHECK_STR(name, apr_psprintf(p, "sence_%016" APR_UINT64_T_HEX_FMT,
                                     sence_hash(key, strlen(key), 0)));
        sence_cookie_name(name, "", "-1", 1);
        CHECK_STR(name,
                  apr_psprintf(p, "sence_%016" APR_UINT64_T_HEX_FMT, sence_hash("1||-1", 5, 0)));
        sence_cookie_name(name, "", "-1", 10);
        CHECK_STR(name,
                  apr_psprintf(p, "sence_%016" APR_UINT64_T_HEX_FMT, sence_hash("10||-1", 6, 0)));
    }
    /* cookies: at a boundary only, first value, conflicting repeats reported */
    {
        const char *v = NULL;
        apr_size_t l = 0;
        CHECK(sence_cookie_find("a=1; sid=xyz; b=2", "sid", ";", &v, &l) == 1 && l == 3 &&
              !strncmp(v, "xyz", 3));
        CHECK(sence_cookie_find("sid=xyz", "sid", ";", &v, &l) == 1 && l == 3);
        CHECK(sence_cookie_find("xsid=1; sid2=2; sid =3", "sid", ";", &v, &l) == 0);
        CHECK(sence_cookie_find("a=sid=4", "sid", ";", &v, &l) == 0);
        CHECK(sence_cookie_find("sid=1;sid=1", "sid", ";", &v, &l) == 1);
        CHECK(sence_cookie_find("sid=1; sid=2", "sid", ";", &v, &l) == 2 && !strncmp(v, "1", l));
        CHECK(sence_cookie_find("a=1, sid=5", "sid", ";,", &v, &l) == 1 && l == 1 && *v == '5');
        CHECK(sence_cookie_find("a=1, sid=5", "sid", ";", &v, &l) == 0);
        CHECK(sence_cookie_find("sid=", "sid", ";", &v, &l) == 1 && l == 0);
        CHECK(sence_cookie_find("", "sid", ";", &v, &l) == 0);
        CHECK(sence_cookie_find(" ;; \tsid=6 ;", "sid", ";", &v, &l) == 1 && l == 2);
    }
    /* media types (the callback's Content-Type) */
    CHECK(sence_media_type_is("application/x-www-form-urlencoded",
                              "application/x-www-form-urlencoded"));
    CHECK(sence_media_type_is("Application/X-WWW-Form-Urlencoded; charset=UTF-8",
                              "application/x-www-form-urlencoded"));
    CHECK(sence_media_type_is(" application/x-www-form-urlencoded ;x",
                              "application/x-www-form-urlencoded"));
    CHECK(!sence_media_type_is("application/x-www-form-urlencodedEVIL",
                               "application/x-www-form-urlencoded"));
    CHECK(!sence_media_type_is("application/x-www-form-urlencoded, text/plain",
                               "application/x-www-form-urlencoded"));
    CHECK(!sence_media_type_is(NULL, "application/x-www-form-urlencoded"));
    /* local URLs to return to: an open-redirect payload list */
    {
        static const char *const bad[] = {
            "//evil.com/",
            "/\\evil.com/",
            "\\evil.com",
            "/\tevil.com",
            "/\t/evil.com",
            "/curso/\r\nSet-Cookie:x=1",
            "/curso/\n",
            "/a b",
            "/a\"><script>",
            "javascript:alert(1)",
            "/curso/\x80",
            "/curso/\xff",
            "/%zz",
            "/%4",
            "",
            "x/y",
            "/a#b",
            "/curso/<b>",
            "/a\\b",
        };
        static const char *const good[] = {
            "/",
            "/curso/",
            "/curso/leccion1.html?q=%C3%B1",
            "/%5Cevil.com/",
            "/%09/evil.com",
            "/%2F%2Fevil.com",
            "/curso/%0d%0a",
            "/course/view.php?id=2&section=1",
            "/curso/javascript:alert(1)",
            "/a/%22%3E%3Cscript%3E",
        };
        char longurl[600];
        apr_size_t k;
        for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
            CHECK(!sence_local_url_ok(bad[k], 512));
            CHECK_STR(sence_local_url_of(p, bad[k], 512, "/curso/"), "/curso/");
        }
        for (k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
            CHECK(sence_local_url_ok(good[k], 512));
            CHECK_STR(sence_local_url_of(p, good[k], 512, "/x/"), good[k]);
        }
        memset(longurl, 'a', sizeof(longurl) - 1);
        longurl[0] = '/';
        longurl[sizeof(longurl) - 1] = '\0';
        CHECK_STR(sence_local_url_of(p, longurl, 512, "/curso/"), "/curso/");
        CHECK_STR(sence_local_url_of(p, "http://host:8080/curso/x?y=1", 512, "/"), "/curso/x?y=1");
        CHECK_STR(sence_local_url_of(p, "https://host", 512, "/z/"), "/");
        CHECK(!sence_local_url_ok("http://evil.com/", 512));
        CHECK_STR(sence_local_url_of(p, "http://evil.com//evil.org/", 512, "/z/"), "/z/");
    }
    return check_done("util");
}
