#include "check.h"
#include "run.h"

static void expect(const char *in, sence_run_status_t st, const char *out)
{
    char buf[SENCE_RUN_MAX + 1] = "";
    sence_run_status_t got = sence_run_normalize(in, buf);
    CHECK(got == st);
    if (st == SENCE_RUN_OK && got == SENCE_RUN_OK)
        CHECK_STR(buf, out);
    if (got != st)
        fprintf(stderr, "  input '%s': got %d want %d\n", in, got, st);
}

int main(void)
{
    apr_initialize();
    /* check digits computed by hand: 1234567-8 body sum etc. */
    CHECK(sence_run_check_digit("12345678", 8) == '5');
    CHECK(sence_run_check_digit("76543210", 8) == '3');
    CHECK(sence_run_check_digit("10000013", 8) == 'k');
    CHECK(sence_run_check_digit("11111111", 8) == '1');
    CHECK(sence_run_check_digit("1", 1) == '9');
    CHECK(sence_run_check_digit("", 0) == 0);
    CHECK(sence_run_check_digit("12a", 3) == 0);

    expect("12345678-5", SENCE_RUN_OK, "12345678-5");
    expect("12.345.678-5", SENCE_RUN_OK, "12345678-5");
    expect(" 12 345 678-5 ", SENCE_RUN_OK, "12345678-5");
    expect("123456785", SENCE_RUN_OK, "12345678-5");
    expect("10000013-K", SENCE_RUN_OK, "10000013-k");
    expect("010000013-k", SENCE_RUN_OK, "10000013-k");
    expect("5126663-3", SENCE_RUN_OK, "5126663-3");
    expect("12345678-4", SENCE_RUN_DIGIT, NULL);
    expect("", SENCE_RUN_EMPTY, NULL);
    expect("  ", SENCE_RUN_EMPTY, NULL);
    expect(NULL, SENCE_RUN_EMPTY, NULL);
    expect("12345678-", SENCE_RUN_FORMAT, NULL);
    expect("1234-5678-5", SENCE_RUN_FORMAT, NULL);
    expect("123456789-1", SENCE_RUN_FORMAT, NULL);
    expect("abc-d", SENCE_RUN_FORMAT, NULL);
    expect("12345678-x", SENCE_RUN_FORMAT, NULL);
    expect("12345678/5", SENCE_RUN_FORMAT, NULL);
    expect("1234567890123456789012345678901234567890", SENCE_RUN_FORMAT, NULL);
    return check_done("run");
}
