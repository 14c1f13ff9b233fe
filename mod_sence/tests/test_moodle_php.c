/* PHP's reading of variables (checked against PHP 8.2's parse_str, $_COOKIE and rfc1867) and
 * the strict JSON reader. */
#include "check.h"
#include "moodle/json.h"
#include "moodle/php.h"

#include <apr_strings.h>

static apr_pool_t *pool;

/* "name|index|value;..." of what PHP registers for a query string */
static const char *vars_of(const char *q, unsigned *odd)
{
    apr_array_header_t *vars = apr_array_make(pool, 4, sizeof(sence_php_var_t));
    const char *out = "";
    int i;

    *odd = sence_php_parse_query(pool, q, strlen(q), vars);
    for (i = 0; i < vars->nelts; i++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(vars, i, sence_php_var_t);
        out = apr_pstrcat(pool, out, i ? ";" : "", v->name, "|", v->index ? v->index : "-", "|",
                          v->value, NULL);
    }
    return out;
}

static void query_at(int line, const char *q, const char *want, int want_odd)
{
    unsigned odd;
    const char *got = vars_of(q, &odd);

    check_count++;
    if (strcmp(got, want) != 0 || (odd != 0) != (want_odd != 0)) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s -> '%s' (odd %x), want '%s'%s\n", __FILE__, line, q, got, odd,
                want, want_odd ? " (odd)" : "");
    }
}
#define QUERY(q, want, odd) query_at(__LINE__, q, want, odd)

int main(void)
{
    const char *err, *v;
    sence_json_t *j;
    apr_int64_t n;
    unsigned odd;

    apr_initialize();
    apr_pool_create(&pool, NULL);

    /* parse_str() of PHP 8.2, as printed by php -r 'parse_str(...)' */
    QUERY("id=2", "id|-|2", 0);
    QUERY("+id=2", "id|-|2", 1);
    QUERY("%20id=2", "id|-|2", 1);
    QUERY("id.x=1", "id_x|-|1", 1);
    QUERY("a[b=1", "a_b|-|1", 1);
    QUERY("a[b.c=1", "a_b_c|-|1", 1);
    QUERY("a[b]c=1", "a|b|1", 1);
    QUERY("a[ x]=1", "a| x|1", 0);
    QUERY("a b[=1", "a_b_|-|1", 1);
    QUERY("x%00y=3", "x|-|3", 1);
    QUERY("id%5B%5D=4", "id||4", 0);
    QUERY(" .a=1", "_a|-|1", 1);
    QUERY("a]=1", "a]|-|1", 0);
    QUERY("a[b][c=1", "a|b|1", 1);
    QUERY("courseids[0]=2&courseids[1]=3", "courseids|0|2;courseids|1|3", 0);
    QUERY("a=1&&b=x+y%21&c", "a|-|1;b|-|x y!;c|-|", 0);
    QUERY("=x&[]=y", "", 0);
    QUERY("a=%zz%4", "a|-|%zz%4", 0);
    QUERY("a=%00", "a|-|", 1);

    /* $_COOKIE: ';' only, names not decoded, values %-decoded without '+', first wins */
    CHECK_STR(sence_php_cookie(pool, "MoodleSession=abc", "MoodleSession", &odd), "abc");
    CHECK(odd == 0);
    CHECK_STR(sence_php_cookie(pool, "a=1; \t MoodleSession=abc; x=2", "MoodleSession", &odd),
              "abc");
    CHECK_STR(sence_php_cookie(pool, "MoodleSession=%6Bey", "MoodleSession", &odd), "key");
    CHECK(odd & SENCE_PHP_ODD_COOKIE);
    CHECK_STR(sence_php_cookie(pool, "MoodleSession=a+b", "MoodleSession", &odd), "a+b");
    CHECK_STR(sence_php_cookie(pool, "MoodleSession=one; MoodleSession=two", "MoodleSession", &odd),
              "one");
    CHECK(sence_php_cookie(pool, "a=1, MoodleSession=abc", "MoodleSession", &odd) == NULL);
    CHECK(sence_php_cookie(pool, "Moodle%53ession=abc", "MoodleSession", &odd) == NULL);
    CHECK(sence_php_cookie(pool, "MoodleSession=abc; MoodleSession[x]=y", "MoodleSession", &odd) ==
          NULL);
    CHECK(odd & SENCE_PHP_ODD_COOKIE);
    CHECK_STR(sence_php_cookie(pool, "MoodleSession.x=abc", "MoodleSession_x", &odd), "abc");
    CHECK(odd & SENCE_PHP_ODD_NAME);
    CHECK(sence_php_cookie(pool, "", "MoodleSession", &odd) == NULL);
    CHECK(sence_php_cookie(pool, NULL, "MoodleSession", &odd) == NULL && odd == 0);

    /* (int) */
    CHECK(sence_php_int("2") == 2 && sence_php_int("2abc") == 2 && sence_php_int(" 2") == 2);
    CHECK(sence_php_int("2.9") == 2 && sence_php_int("+7") == 7 && sence_php_int("1e3") == 1000);
    CHECK(sence_php_int("0x1A") == 0 && sence_php_int("abc") == 0 && sence_php_int("inf") == 0);
    CHECK(sence_php_int(".5e1") == 5 && sence_php_int("\n2") == 2 && sence_php_int("1e") == 1);
    CHECK(sence_php_int(NULL) == 0 && sence_php_int("") == 0 && sence_php_int("1e30") == 0);

    CHECK_STR(sence_php_media_type(pool, "Multipart/Form-Data; boundary=x"), "multipart/form-data");
    CHECK_STR(sence_php_media_type(pool, "application/x-www-form-urlencoded, x"),
              "application/x-www-form-urlencoded");

    /* file paths */
    {
        const char *comp, *area;
        odd = 0;
        CHECK(sence_moodle_file_context(pool, "/15/mod_page/content/1/a b.png", &comp, &area,
                                        &odd) == 15 &&
              !odd);
        CHECK_STR(comp, "mod_page");
        CHECK_STR(area, "content");
        odd = 0;
        CHECK(sence_moodle_file_context(pool, "/1:5/mod_page/content", &comp, &area, &odd) == 1 &&
              (odd & SENCE_PHP_ODD_PATH));
        odd = 0;
        CHECK(sence_moodle_file_context(pool, "15/x/y", &comp, &area, &odd) == 0);
    }

    /* JSON */
    v = "[{\"a\":1,\"b\":[true,null,\"x\\u00e9\\ud83d\\ude00\"]}]";
    j = sence_json_parse(pool, v, strlen(v), &err);
    CHECK(j && j->type == SENCE_JSON_ARR && j->items->nelts == 1);
    if (j) {
        const sence_json_t *o = APR_ARRAY_IDX(j->items, 0, sence_json_t *);
        const sence_json_t *b = sence_json_get(o, "b");
        CHECK(b && b->type == SENCE_JSON_ARR && b->items->nelts == 3);
        if (b)
            CHECK_STR(APR_ARRAY_IDX(b->items, 2, sence_json_t *)->str, "x\xc3\xa9\xf0\x9f\x98\x80");
    }
    CHECK(!sence_json_parse(pool, "{\"a\":1,\"a\":2}", 13, &err) && err);
    CHECK(!sence_json_parse(pool, "[1,]", 4, &err));
    CHECK(!sence_json_parse(pool, "[01]", 4, &err));
    CHECK(!sence_json_parse(pool, "\"\xff\"", 3, &err));
    CHECK(!sence_json_parse(pool, "\"\\ud800\"", 8, &err));
    CHECK(!sence_json_parse(pool, "[1] [2]", 7, &err));
    {
        char deep[200];
        memset(deep, '[', 100);
        memset(deep + 100, ']', 100);
        CHECK(!sence_json_parse(pool, deep, 200, &err));
    }
    v = "[2, 20e-1, 0.2e1, \"2\", 2.5, true, -0.0, 1e300]";
    j = sence_json_parse(pool, v, strlen(v), &err);
    CHECK(j != NULL);
    if (j) {
        CHECK(sence_json_int(APR_ARRAY_IDX(j->items, 0, sence_json_t *), &n) && n == 2);
        CHECK(sence_json_int(APR_ARRAY_IDX(j->items, 1, sence_json_t *), &n) && n == 2);
        CHECK(sence_json_int(APR_ARRAY_IDX(j->items, 2, sence_json_t *), &n) && n == 2);
        CHECK(sence_json_int(APR_ARRAY_IDX(j->items, 3, sence_json_t *), &n) && n == 2);
        CHECK(!sence_json_int(APR_ARRAY_IDX(j->items, 4, sence_json_t *), &n));
        CHECK(sence_json_int(APR_ARRAY_IDX(j->items, 5, sence_json_t *), &n) && n == 1);
        CHECK(!sence_json_int(APR_ARRAY_IDX(j->items, 7, sence_json_t *), &n));
    }
    return check_done("moodle_php");
}
