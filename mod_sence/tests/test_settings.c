#include "check.h"
#include "settings.h"

#include <apr_strings.h>

int main(void)
{
    apr_pool_t *p;
    char rut[SENCE_RUN_MAX + 1];
    const char *url;
    int linea = 0;

    apr_initialize();
    apr_pool_create(&p, NULL);
    CHECK(sence_check_rut("76.543.210-3", rut) == NULL);
    CHECK_STR(rut, "76543210-3");
    CHECK(sence_check_rut("76543210-4", rut) != NULL);
    CHECK(sence_check_rut("x", rut) != NULL);

    CHECK(sence_check_token("3f2504e0-4f89-11d3-9a0c-0305e82c3301") == NULL);
    CHECK(sence_check_token("") != NULL);
    CHECK(sence_check_token("3f2504e0-4f89-11d3-9a0c-0305e82c33012") != NULL);
    CHECK(sence_check_token("abc def") != NULL);
    CHECK(sence_check_token("1234") != NULL);
    CHECK(sence_check_token("3f2504e0-4f89-11d3-9a0c-0305e82c330 ") != NULL);

    CHECK(sence_check_linea("3", &linea) == NULL && linea == 3);
    CHECK(sence_check_linea("2", &linea) != NULL);
    CHECK(sence_check_linea("", &linea) != NULL);

    CHECK(sence_check_cod_sence("1237654321", 3, SENCE_ENV_PRODUCTION) == NULL);
    CHECK(sence_check_cod_sence("123", 3, SENCE_ENV_TEST) != NULL);
    CHECK(sence_check_cod_sence("-1", 3, SENCE_ENV_TEST) == NULL);
    CHECK(sence_check_cod_sence("-1", 3, SENCE_ENV_PRODUCTION) != NULL);
    CHECK(sence_check_cod_sence("", 1, SENCE_ENV_PRODUCTION) == NULL);
    CHECK(sence_check_cod_sence("", 3, SENCE_ENV_TEST) != NULL);
    CHECK(sence_check_cod_sence("12345<>890", 3, SENCE_ENV_TEST) != NULL);
    CHECK(sence_check_codigo_curso("RLAB-19-02-08-0071-1", SENCE_ENV_PRODUCTION) == NULL);
    CHECK(sence_check_codigo_curso("123456", SENCE_ENV_TEST) != NULL);
    CHECK(sence_check_codigo_curso("-1", SENCE_ENV_TEST) == NULL);
    CHECK(sence_check_codigo_curso("-1", SENCE_ENV_PRODUCTION) != NULL);

    CHECK(sence_check_public_url("https://cursos.example.cl") == NULL);
    CHECK(sence_check_public_url("http://127.0.0.1:8529") == NULL);
    CHECK(sence_check_public_url("ftp://x") != NULL);
    CHECK(sence_check_public_url("https://user@host") != NULL);
    CHECK(sence_check_public_url("https://host/path") != NULL);
    CHECK(sence_check_public_url("https://") != NULL);
    CHECK(sence_check_endpoint("http://127.0.0.1:8529/rcetest") == NULL);
    CHECK(sence_check_endpoint("http://h/x?y") != NULL);
    CHECK(sence_check_endpoint("javascript:alert(1)") != NULL);

    CHECK(sence_check_callback_path("/sence") == NULL);
    CHECK(sence_check_callback_path("/a/b-c_d") == NULL);
    CHECK(sence_check_callback_path("sence") != NULL);
    CHECK(sence_check_callback_path("/sence/") != NULL);
    CHECK(sence_check_callback_path("/a/../b") != NULL);
    CHECK(sence_check_callback_path("/a b") != NULL);

    CHECK(sence_callback_url(p, "https://cursos.example.cl/", "/sence", "/retoma", &url) == NULL);
    CHECK_STR(url, "https://cursos.example.cl/sence/retoma");
    {
        const char *host = apr_psprintf(p, "https://%s.cl",
                                        apr_pstrcat(p,
                                                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                                    NULL));
        const char *why = sence_callback_url(p, host, "/sence", "/retoma", &url);
        CHECK(why != NULL && strstr(why, "100") != NULL);
    }
    CHECK_STR(sence_base_url(SENCE_ENV_TEST, NULL), "https://sistemas.sence.cl/rcetest");
    CHECK_STR(sence_base_url(SENCE_ENV_PRODUCTION, NULL), "https://sistemas.sence.cl/rce");
    CHECK_STR(sence_base_url(SENCE_ENV_PRODUCTION, "http://127.0.0.1/x"), "http://127.0.0.1/x");
    return check_done("settings");
}
