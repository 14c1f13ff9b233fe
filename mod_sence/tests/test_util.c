#include "check.h"
#include "util.h"

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
    return check_done("util");
}
