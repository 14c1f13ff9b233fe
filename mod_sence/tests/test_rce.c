#include "check.h"
#include "rce.h"
#include "util.h"

#include <apr_strings.h>

static apr_table_t *valid_form(apr_pool_t *p, const char *id)
{
    apr_table_t *t = apr_table_make(p, 10);
    apr_table_set(t, "CodSence", "1237654321");
    apr_table_set(t, "CodigoCurso", "RLAB-19-02-08-0071-1");
    apr_table_set(t, "IdSesionAlumno", id);
    apr_table_set(t, "IdSesionSence", "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    apr_table_set(t, "RunAlumno", "12345678-5");
    apr_table_set(t, "FechaHora", "2026-11-29 20:15:00");
    apr_table_set(t, "ZonaHoraria", "America/Santiago");
    apr_table_set(t, "LineaCapacitacion", "3");
    return t;
}

int main(void)
{
    apr_pool_t *p;
    char id[SENCE_ID_LEN + 1];
    sence_callback_t cb;
    apr_table_t *t;
    apr_array_header_t *codes;
    sence_request_t req = {"76543210-3",
                           "TOKEN",
                           "1237654321",
                           "1234567",
                           3,
                           "12345678-5",
                           "id",
                           "https://a/sence/retoma",
                           "https://a/sence/error",
                           NULL};
    apr_array_header_t *fields;
    const char *names[] = {"RutOtec",           "Token",     "CodSence",       "CodigoCurso",
                           "LineaCapacitacion", "RunAlumno", "IdSesionAlumno", "UrlRetoma",
                           "UrlError"};
    int i;

    apr_initialize();
    apr_pool_create(&p, NULL);
    CHECK(sence_id_new(id) == APR_SUCCESS);

    /* the nine start fields, in order, with their values */
    fields = sence_rce_fields(p, &req);
    CHECK(fields->nelts == 9);
    for (i = 0; i < 9 && i < fields->nelts; i++)
        CHECK_STR(APR_ARRAY_IDX(fields, i, sence_field_t).name, names[i]);
    CHECK_STR(APR_ARRAY_IDX(fields, 4, sence_field_t).value, "3");
    req.id_sence = "S1";
    CHECK(sence_rce_fields(p, &req)->nelts == 10);

    /* success callback */
    t = valid_form(p, id);
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) == NULL);
    CHECK_STR(cb.id_alumno, id);
    CHECK_STR(cb.zona, "America/Santiago");
    CHECK(cb.linea == 3);
    /* close success has no IdSesionSence */
    apr_table_unset(t, "IdSesionSence");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 0, &cb) == NULL);
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) != NULL);
    /* empty ZonaHoraria is allowed */
    t = valid_form(p, id);
    apr_table_set(t, "ZonaHoraria", "");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) == NULL);
    /* malformed ones */
    /* an id of another shape is well-formed input: the store answers "unknown" for it */
    t = valid_form(p, "not-ours");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) == NULL);
    t = valid_form(p, apr_psprintf(p, "%0150d", 7));
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) != NULL);
    t = valid_form(p, id);
    apr_table_unset(t, "RunAlumno");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) != NULL);
    t = valid_form(p, id);
    apr_table_set(t, "LineaCapacitacion", "33");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) != NULL);
    t = valid_form(p, id);
    apr_table_set(t, "CodSence", "12345678901");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) != NULL);
    t = valid_form(p, id);
    apr_table_set(t, "ZonaHoraria", "a\nb");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_SUCCESS, 1, &cb) != NULL);

    /* error callbacks and GlosaError */
    t = valid_form(p, id);
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_ERROR, 0, &cb) != NULL); /* no GlosaError */
    apr_table_set(t, "GlosaError", "211;204");
    CHECK(sence_rce_parse_callback(p, t, SENCE_CB_ERROR, 0, &cb) == NULL);
    CHECK(cb.codes->nelts == 2);
    CHECK(APR_ARRAY_IDX(cb.codes, 0, int) == 211 && APR_ARRAY_IDX(cb.codes, 1, int) == 204);
    CHECK(sence_rce_parse_glosa(p, " 100 ; 312;", &codes) == NULL && codes->nelts == 2);
    CHECK(sence_rce_parse_glosa(p, "abc", &codes) != NULL);
    CHECK(sence_rce_parse_glosa(p, ";", &codes) != NULL);
    CHECK(sence_rce_parse_glosa(p, "211;;204", &codes) != NULL);
    CHECK(sence_rce_parse_glosa(p, "1234567", &codes) != NULL);
    CHECK(sence_rce_parse_glosa(p, "1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17", &codes) != NULL);

    /* the catalogue covers 100 and 200-212 and 300-313, Spanish */
    CHECK(sence_rce_error_text(100) != NULL);
    for (i = 200; i <= 212; i++)
        CHECK(sence_rce_error_text(i) != NULL);
    for (i = 300; i <= 313; i++)
        CHECK(sence_rce_error_text(i) != NULL);
    CHECK(sence_rce_error_text(213) == NULL);
    CHECK(strstr(sence_rce_error_text(211), "Token") != NULL);
    CHECK_STR(sence_rce_describe(p, 999), "código desconocido 999");
    return check_done("rce");
}
