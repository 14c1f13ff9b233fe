#include "check.h"
#include "event.h"

#include <apr_strings.h>
#include <stdlib.h>

int main(void)
{
    apr_pool_t *p;
    sence_record_t r;
    sence_event_t e;
    apr_array_header_t *codes;
    const char *line, *t;

    apr_initialize();
    apr_pool_create(&p, NULL);
    CHECK_STR(sence_json_string(p, "a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    CHECK_STR(sence_json_string(p, "Pérez"), "\"Pérez\"");
    CHECK_STR(sence_json_string(p, NULL), "\"\"");
    /* not UTF-8 (Latin-1 é): read as Latin-1, escaped, the line stays valid */
    CHECK_STR(sence_json_string(p, "Am\xe9rica"), "\"Am\\u00e9rica\"");
    CHECK_STR(sence_json_string(p, "\xc3"), "\"\\u00c3\"");

    setenv("TZ", "America/Santiago", 1);
    t = sence_iso_time(p, apr_time_from_sec(1764436502)); /* 2025-11-29 17:15:02 UTC */
    CHECK(strlen(t) == 25 && t[10] == 'T' && (t[19] == '-' || t[19] == '+') && t[22] == ':');

    memset(&r, 0, sizeof(r));
    strcpy(r.id, "abcdefghijklmnopqrstuvwx");
    strcpy(r.run, "12345678-5");
    strcpy(r.cod_sence, "1234567890");
    strcpy(r.codigo_curso, "RLAB-19-02-08-0071-1");
    r.linea = 3;
    strcpy(r.id_sence, "S-1");
    strcpy(r.fecha_hora, "2026-11-29 20:15:00");
    strcpy(r.zona, "America/Santiago");
    memset(&e, 0, sizeof(e));
    e.ev = SENCE_EV_START_ERROR;
    e.time = apr_time_from_sec(1764436502);
    e.rec = &r;
    e.ip = "127.0.0.1";
    codes = apr_array_make(p, 2, sizeof(int));
    APR_ARRAY_PUSH(codes, int) = 211;
    APR_ARRAY_PUSH(codes, int) = 204;
    e.codes = codes;
    line = sence_event_json(p, &e);
    CHECK(line[strlen(line) - 1] == '\n' && strchr(line, '\n') == line + strlen(line) - 1);
    CHECK(strstr(line, "\"event\":\"start_error\"") != NULL);
    CHECK(strstr(line, "\"run\":\"12345678-5\"") != NULL);
    CHECK(strstr(line, "\"linea\":3") != NULL);
    CHECK(strstr(line, "\"codes\":[211,204]") != NULL);
    CHECK(strstr(line, "\"id_sesion_alumno\":\"abcdefghijklmnopqrstuvwx\"") != NULL);
    CHECK(strstr(line, "\"ip\":\"127.0.0.1\"") != NULL);
    CHECK(strstr(line, "oken") == NULL);
    /* unknown (empty) fields are left out */
    r.zona[0] = '\0';
    CHECK(strstr(sence_event_json(p, &e), "zona_horaria") == NULL);
    CHECK_STR(sence_event_name(SENCE_EV_LOGIN_ABANDONED), "login_abandoned");
    CHECK_STR(sence_event_name(SENCE_EV_CLOSE_ABANDONED), "close_abandoned");
    for (int i = 0; i < SENCE_EV_COUNT; i++)
        CHECK(strcmp(sence_event_name((sence_event_kind_t)i), "unknown") != 0 &&
              sence_event_name((sence_event_kind_t)i) != NULL);
    return check_done("event");
}
