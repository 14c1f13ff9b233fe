#include "check.h"
#include "mail.h"

#include <apr_base64.h>
#include <apr_strings.h>
#include <stdlib.h>

/* Decodes the encoded words of a Subject header value (folding included). */
static char *decode_words(apr_pool_t *p, const char *v)
{
    char *out = apr_pstrdup(p, "");
    const char *s = v;

    while ((s = strstr(s, "=?UTF-8?B?")) != NULL) {
        const char *e = strstr(s + 10, "?=");
        char *b64, *dec;
        int n;
        if (!e)
            break;
        b64 = apr_pstrndup(p, s + 10, (apr_size_t)(e - s - 10));
        dec = apr_palloc(p, (apr_size_t)apr_base64_decode_len(b64) + 1);
        n = apr_base64_decode(dec, b64);
        dec[n] = '\0';
        out = apr_pstrcat(p, out, dec, NULL);
        s = e + 2;
    }
    return out;
}

static char *qp_decode(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    while (*s) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=' && s[1] && s[2]) {
            char h[3] = {s[1], s[2], 0};
            *o++ = (char)strtol(h, NULL, 16);
            s += 3;
        } else if (s[0] == '\r' && s[1] == '\n') {
            *o++ = '\n';
            s += 2;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

int main(void)
{
    apr_pool_t *p;
    sence_alert_t a;
    apr_time_exp_t t;
    sence_mail_env_t env;
    const char *msg, *subject, *body, *hdr, *sep;
    apr_array_header_t *rc;
    int i;

    apr_initialize();
    apr_pool_create(&p, NULL);

    CHECK(sence_mail_address_ok("otec@example.cl"));
    CHECK(sence_mail_address_ok("alertas+sence@mail.otec.cl"));
    CHECK(!sence_mail_address_ok("otec@"));
    CHECK(!sence_mail_address_ok("@example.cl"));
    CHECK(!sence_mail_address_ok("a b@example.cl"));
    CHECK(!sence_mail_address_ok("\"a\"@example.cl"));
    CHECK(!sence_mail_address_ok("a@example.cl\r\nBcc: x@y.cl"));
    CHECK(!sence_mail_address_ok("a@exa mple.cl"));
    CHECK(!sence_mail_address_ok("a..b@example.cl"));
    CHECK(!sence_mail_address_ok("a@-x.cl"));
    CHECK(!sence_mail_address_ok("Juan <a@x.cl>"));
    rc = sence_mail_recipients(p, "a@x.cl, b@y.cl,bad,c@z.cl");
    CHECK(rc->nelts == 3);

    CHECK_STR(sence_mail_clean(p, "  Juan\r\nBcc: x@y.cl\t ", 100), "Juan Bcc: x@y.cl");
    CHECK_STR(sence_mail_clean(p, "P\xe9rez", 100), "Pérez"); /* Latin-1 read as such */
    CHECK_STR(sence_mail_clean(p, "éé", 3), "é");             /* never half a character */
    CHECK_STR(sence_mail_clean(p, NULL, 4), "");
    CHECK_STR(sence_mail_clean(p, "a\xc2\x85z", 10), "az"); /* C1 NEL dropped */

    CHECK_STR(sence_mail_qp(p, "Pérez = 1 \nok"), "P=C3=A9rez =3D 1=20\r\nok");
    {
        const char *q = sence_mail_qp(p, "ñññññññññññññññññññññññññññññññññññññññññññññ");
        const char *l;
        for (l = q; *l;) {
            const char *e = strstr(l, "\r\n");
            CHECK((e ? (apr_size_t)(e - l) : strlen(l)) <= 76);
            if (!e)
                break;
            l = e + 2;
        }
        CHECK_STR(qp_decode(p, q), "ñññññññññññññññññññññññññññññññññññññññññññññ");
    }

    memset(&t, 0, sizeof(t));
    t.tm_year = 126;
    t.tm_mon = 11;
    t.tm_mday = 1;
    t.tm_wday = 2;
    t.tm_hour = 23;
    t.tm_min = 18;
    t.tm_sec = 5;
    t.tm_gmtoff = -3 * 3600;
    CHECK_STR(sence_mail_date(p, &t), "Tue, 01 Dec 2026 23:18:05 -0300");

    memset(&a, 0, sizeof(a));
    a.kind = SENCE_ALERT_START_ERROR;
    a.codes[0] = 211;
    a.codes[1] = 204;
    a.ncodes = 2;
    a.linea = 3;
    a.held = 4;
    strcpy(a.run, "12345678-5");
    strcpy(a.cod_sence, "1234567890");
    strcpy(a.codigo_curso, "RLAB-19-02-08-0071-1");
    strcpy(a.url, "/curso/leccion.html?x=1");
    strcpy(a.ctx.who.name, "Juan Pérez\r\nBcc: intruso@example.com");
    strcpy(a.ctx.who.email, "juan@example.cl\r\nTo: otro@example.com");
    strcpy(a.ctx.who.mobile, "+56 9 1234 5678");
    strcpy(a.ctx.recipients, "otec@example.cl, soporte@example.cl");
    strcpy(a.ctx.site, "https://cursos.example.cl");

    subject = sence_mail_subject(p, &a);
    CHECK_STR(subject, "[SENCE] Error 211;204 al iniciar sesión: Juan Pérez Bcc: "
                       "intruso@example.com (12345678-5), RLAB-19-02-08-0071-1");
    body = sence_mail_body(p, &a, &t, "America/Santiago");
    CHECK(strstr(body, "  Nombre: Juan Pérez Bcc: intruso@example.com\n") != NULL);
    CHECK(strstr(body, "  RUN: 12345678-5\n") != NULL);
    CHECK(strstr(body, "  Teléfono fijo: no registrado\n") != NULL);
    CHECK(strstr(body, "  Teléfono móvil: +56 9 1234 5678\n") != NULL);
    CHECK(strstr(body, "  211: El Token no pertenece al OTEC.\n") != NULL);
    CHECK(strstr(body, "  204: El Código SENCE tiene menos de 10 caracteres") != NULL);
    CHECK(check_occurrences(body, "Qué hacer:") == 2);
    CHECK(strstr(body, "2026-12-01 23:18:05 (America/Santiago)") != NULL);
    CHECK(strstr(body, "https://cursos.example.cl/curso/leccion.html?x=1") != NULL);
    CHECK(strstr(body, "retenidas desde el correo anterior (SenceAlertThrottle): 4") != NULL);
    CHECK(strstr(body, "prueba") != NULL);

    env.from = "sence@otec.example.cl";
    env.msgid = "abc123";
    env.when = &t;
    env.zone = "America/Santiago";
    msg = sence_mail_message(p, &a, &env);
    sep = strstr(msg, "\r\n\r\n");
    CHECK(sep != NULL);
    if (!sep)
        return check_done("mail");
    hdr = apr_pstrndup(p, msg, (apr_size_t)(sep - msg + 2));
    /* only our headers: one line each (folded Subject lines start with a space) */
    CHECK(check_occurrences(hdr, "\r\nBcc") == 0 && check_occurrences(hdr, "\r\nTo:") == 1);
    CHECK(strncmp(hdr, "Date: Tue, 01 Dec 2026 23:18:05 -0300\r\n", 39) == 0);
    CHECK(strstr(hdr, "\r\nTo: otec@example.cl, soporte@example.cl\r\n") != NULL);
    CHECK(strstr(hdr, "\r\nFrom: sence@otec.example.cl\r\n") != NULL);
    CHECK(strstr(hdr, "\r\nMessage-ID: <abc123@otec.example.cl>\r\n") != NULL);
    CHECK(strstr(hdr, "\r\nContent-Type: text/plain; charset=UTF-8\r\n") != NULL);
    CHECK(strstr(hdr, "juan@example.cl") == NULL && strstr(hdr, "otro@") == NULL);
    for (i = 0; hdr[i]; i++) /* 7-bit, CR only before LF */
        CHECK((unsigned char)hdr[i] < 0x80 && (hdr[i] != '\r' || hdr[i + 1] == '\n'));
    {
        const char *s = strstr(hdr, "\r\nSubject: ") + 11;
        const char *end = s;
        while ((end = strstr(end, "\r\n")) != NULL && end[2] == ' ')
            end += 2;
        if (end)
            CHECK_STR(decode_words(p, apr_pstrndup(p, s, (apr_size_t)(end - s))), subject);
    }
    CHECK(strstr(qp_decode(p, sep + 4), "211: El Token no pertenece al OTEC.") != NULL);
    for (i = 0; sep[i]; i++)
        CHECK((unsigned char)sep[i] < 0x80);

    /* other kinds have their own subject */
    a.kind = SENCE_ALERT_ABANDONED;
    a.ncodes = 0;
    CHECK(strncmp(sence_mail_subject(p, &a), "[SENCE] Inicio de sesión no completado", 38) == 0);
    a.kind = SENCE_ALERT_TAMPERING;
    strcpy(a.subject, "192.0.2.7");
    CHECK(strstr(sence_mail_subject(p, &a), "192.0.2.7") != NULL);
    a.kind = SENCE_ALERT_NO_RUN;
    a.run[0] = '\0';
    CHECK(strstr(sence_mail_body(p, &a, &t, "UTC"), "  RUN: no registrado\n") != NULL);
    CHECK(strstr(sence_rce_advice(999), "no documentado") != NULL);
    return check_done("mail");
}
