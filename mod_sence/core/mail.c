#include "mail.h"
#include "settings.h"
#include "util.h"

#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

int sence_mail_address_ok(const char *s)
{
    static const char atext[] = "!#$%&'*+/=?^_`{|}~-";
    const char *at = s ? strrchr(s, '@') : NULL, *c;
    int label = 0;

    if (!at || at == s || strlen(s) > 254 || at - s > 64 || !at[1])
        return 0;
    for (c = s; c < at; c++) {
        unsigned char u = (unsigned char)*c;
        if (u == '.') {
            if (c == s || c + 1 == at || c[1] == '.')
                return 0;
        } else if (!(apr_isalnum(u) || (u < 0x80 && strchr(atext, u)))) {
            return 0;
        }
    }
    for (c = at + 1; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u == '.') {
            if (!label || c[1] == '\0')
                return 0;
            label = 0;
        } else if (apr_isalnum(u) || (u == '-' && label)) {
            label++;
        } else {
            return 0;
        }
    }
    return label > 0;
}

apr_array_header_t *sence_mail_recipients(apr_pool_t *p, const char *list)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(char *));
    char *copy = apr_pstrdup(p, list ? list : ""), *state = NULL, *t;

    for (t = apr_strtok(copy, ", ", &state); t; t = apr_strtok(NULL, ", ", &state))
        if (sence_mail_address_ok(t))
            APR_ARRAY_PUSH(a, const char *) = t;
    return a;
}

const char *sence_mail_clean(apr_pool_t *p, const char *s, apr_size_t max)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    apr_size_t cap = strlen((const char *)u) * 2 + 1, len = 0;
    char *out = apr_palloc(p, cap);
    int blank = 1; /* at the start, or after a blank: drop further ones */

    while (*u) {
        int n = sence_utf8_len(u);
        char buf[4];
        int k;
        if (n == 1 && (*u < 0x20 || *u == 0x7f || *u == ' ')) {
            u++;
            if (!blank && len + 1 <= max) {
                out[len++] = ' ';
                blank = 1;
            }
            continue;
        }
        if (n == 0) { /* a Latin-1 byte: its code point in UTF-8 */
            buf[0] = (char)(0xc0 | (*u >> 6));
            buf[1] = (char)(0x80 | (*u & 0x3f));
            k = 2;
            u++;
        } else if (n == 2 && u[0] == 0xc2 && u[1] < 0xa0) { /* C1 controls */
            u += 2;
            continue;
        } else {
            memcpy(buf, u, (apr_size_t)n);
            k = n;
            u += n;
        }
        if (len + (apr_size_t)k > max)
            break;
        memcpy(out + len, buf, (apr_size_t)k);
        len += (apr_size_t)k;
        blank = 0;
    }
    while (len && out[len - 1] == ' ')
        len--;
    out[len] = '\0';
    return out;
}

const char *sence_mail_encode_words(apr_pool_t *p, const char *s)
{
    apr_array_header_t *parts = apr_array_make(p, 4, sizeof(char *));
    const unsigned char *u = (const unsigned char *)s;

    while (*u) {
        apr_size_t n = 0;
        char *b64;
        /* 45 bytes: 60 base64 characters, a 72-character encoded word */
        while (u[n]) {
            int k = sence_utf8_len(u + n);
            if (k == 0)
                k = 1;
            if (n + (apr_size_t)k > 45)
                break;
            n += (apr_size_t)k;
        }
        b64 = apr_palloc(p, (apr_size_t)apr_base64_encode_len((int)n));
        apr_base64_encode(b64, (const char *)u, (int)n);
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(p, parts->nelts ? "\r\n " : "", "=?UTF-8?B?", b64, "?=", NULL);
        u += n;
    }
    return apr_array_pstrcat(p, parts, 0);
}

const char *sence_mail_qp(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    apr_size_t cap = strlen(s) * 3 + strlen(s) / 25 * 3 + 8, len = 0, col = 0;
    char *out = apr_palloc(p, cap);
    const unsigned char *u = (const unsigned char *)s;

    for (; *u; u++) {
        int enc = *u >= 0x7f || *u == '=' || (*u < 0x20 && *u != '\n') ||
                  ((*u == ' ' || *u == '\t') && (u[1] == '\n' || u[1] == '\0'));
        apr_size_t w = enc ? 3 : 1;
        if (*u == '\n') {
            out[len++] = '\r';
            out[len++] = '\n';
            col = 0;
            continue;
        }
        if (col + w > 75) { /* soft line break */
            out[len++] = '=';
            out[len++] = '\r';
            out[len++] = '\n';
            col = 0;
        }
        if (enc) {
            out[len++] = '=';
            out[len++] = hex[*u >> 4];
            out[len++] = hex[*u & 15];
        } else {
            out[len++] = (char)*u;
        }
        col += w;
    }
    out[len] = '\0';
    return out;
}

const char *sence_mail_date(apr_pool_t *p, const apr_time_exp_t *t)
{
    static const char *const day[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    long off = t->tm_gmtoff / 60, a = off < 0 ? -off : off;

    return apr_psprintf(p, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", day[t->tm_wday % 7],
                        t->tm_mday, mon[t->tm_mon % 12], t->tm_year + 1900, t->tm_hour, t->tm_min,
                        t->tm_sec, off < 0 ? '-' : '+', a / 60, a % 60);
}

static const char *codes_text(apr_pool_t *p, const sence_alert_t *a)
{
    const char *s = "";
    int i;

    for (i = 0; i < a->ncodes && i < SENCE_MAX_CODES; i++)
        s = apr_psprintf(p, "%s%s%d", s, i ? ";" : "", (int)a->codes[i]);
    return s;
}

/* "Juan Pérez (12345678-5)", "Juan Pérez", "12345678-5" or a placeholder. */
static const char *who(apr_pool_t *p, const sence_alert_t *a)
{
    const char *name = sence_mail_clean(p, a->ctx.who.name, 80);

    if (*name && a->run[0])
        return apr_psprintf(p, "%s (%s)", name, a->run);
    if (*name)
        return name;
    return a->run[0] ? a->run : "participante sin nombre registrado";
}

static const char *course_ref(apr_pool_t *p, const sence_alert_t *a)
{
    if (a->codigo_curso[0])
        return sence_mail_clean(p, a->codigo_curso, 60);
    if (a->ctx.who.course[0])
        return sence_mail_clean(p, a->ctx.who.course, 60);
    return a->cod_sence[0] ? sence_mail_clean(p, a->cod_sence, 20) : "curso no identificado";
}

const char *sence_mail_subject(apr_pool_t *p, const sence_alert_t *a)
{
    const char *site = sence_mail_clean(p, a->ctx.site, 100);

    switch (a->kind) {
    case SENCE_ALERT_START_ERROR:
        return apr_psprintf(p, "[SENCE] Error %s al iniciar sesión: %s, %s", codes_text(p, a),
                            who(p, a), course_ref(p, a));
    case SENCE_ALERT_CLOSE_ERROR:
        return apr_psprintf(p, "[SENCE] Error %s al cerrar sesión: %s, %s", codes_text(p, a),
                            who(p, a), course_ref(p, a));
    case SENCE_ALERT_ABANDONED:
        return apr_psprintf(p, "[SENCE] Inicio de sesión no completado: %s, %s", who(p, a),
                            course_ref(p, a));
    case SENCE_ALERT_NO_RUN:
        return apr_psprintf(p, "[SENCE] Participante sin RUN en su perfil: %s, %s", who(p, a),
                            course_ref(p, a));
    case SENCE_ALERT_BAD_RUN:
        return apr_psprintf(p, "[SENCE] RUN no válido en el perfil: %s, %s", who(p, a),
                            course_ref(p, a));
    case SENCE_ALERT_TAMPERING:
        return apr_psprintf(p, "[SENCE] Respuesta rechazada, posible manipulación, desde %s",
                            sence_mail_clean(p, a->subject, 64));
    case SENCE_ALERT_STORE_FULL:
        return apr_psprintf(p, "[SENCE] Almacén de sesiones casi lleno: %s", site);
    case SENCE_ALERT_DB_DOWN:
        return apr_psprintf(p, "[SENCE] Base de datos de Moodle no disponible: %s", site);
    default:
        return "[SENCE] Alerta";
    }
}

static const char *const intro[SENCE_ALERT_KINDS] = {
    "",
    "SENCE rechazó el inicio de sesión de un participante: su asistencia no quedó registrada. "
    "Contáctelo para ayudarlo antes de que pierda la clase.",
    "SENCE rechazó el cierre de sesión de un participante.",
    "Un participante no completó el inicio de sesión en SENCE dentro del tiempo permitido "
    "(SenceLoginTimeout): puede haber tenido problemas con su clave o demorado en ingresar la "
    "información. Su asistencia no quedó registrada.",
    "Se impidió el acceso de un participante a un curso con registro de asistencia SENCE: su "
    "perfil no tiene RUN. Regístrelo en el perfil (sin puntos, con guion y dígito "
    "verificador, por ejemplo 12345678-5).",
    "Se impidió el acceso de un participante a un curso con registro de asistencia SENCE: el RUN "
    "de su perfil no es válido. Corríjalo (sin puntos, con guion y dígito verificador, por "
    "ejemplo 12345678-5).",
    "Se rechazó una respuesta enviada a la dirección de retorno de SENCE que parece manipulada "
    "(falsificada, repetida o con datos que no coinciden con el inicio de sesión). Ningún "
    "participante obtuvo acceso con ella. Si se repite, revise los registros del servidor.",
    "El almacén de sesiones SENCE del servidor está casi lleno y descarta los registros más "
    "antiguos: algunos participantes deberán iniciar sesión en SENCE de nuevo. Aumente "
    "SenceSessionCacheSize.",
    "La base de datos de Moodle no responde: los participantes no pueden entrar a los cursos con "
    "registro de asistencia SENCE. Revise el servidor de base de datos.",
};

static int about_participant(int kind)
{
    return kind >= SENCE_ALERT_START_ERROR && kind <= SENCE_ALERT_BAD_RUN;
}

static const char *or_unknown(apr_pool_t *p, const char *s, apr_size_t max)
{
    const char *c = sence_mail_clean(p, s, max);
    return *c ? c : "no registrado";
}

const char *sence_mail_body(apr_pool_t *p, const sence_alert_t *a, const apr_time_exp_t *when,
                            const char *zone)
{
    apr_array_header_t *b = apr_array_make(p, 32, sizeof(char *));
    int k = a->kind > 0 && a->kind < SENCE_ALERT_KINDS ? a->kind : 0;
    const char *site = sence_mail_clean(p, a->ctx.site, 100);
    const char *course = sence_mail_clean(p, a->ctx.who.course, 160);

#define LINE(...) (APR_ARRAY_PUSH(b, const char *) = apr_psprintf(p, __VA_ARGS__))
    LINE("%s\n", intro[k]);
    if (about_participant(k)) {
        LINE("\nParticipante\n");
        LINE("  Nombre: %s\n", or_unknown(p, a->ctx.who.name, 128));
        LINE("  RUN: %s\n", a->run[0] ? a->run : "no registrado");
        LINE("  Correo electrónico: %s\n", or_unknown(p, a->ctx.who.email, 128));
        LINE("  Teléfono fijo: %s\n", or_unknown(p, a->ctx.who.phone, 32));
        LINE("  Teléfono móvil: %s\n", or_unknown(p, a->ctx.who.mobile, 32));
        LINE("\nCurso\n");
        if (*course)
            LINE("  Nombre: %s\n", course);
        LINE("  Código SENCE (CodSence): %s\n", or_unknown(p, a->cod_sence, 20));
        LINE("  Código del curso (CodigoCurso): %s\n", or_unknown(p, a->codigo_curso, 60));
        if (a->linea)
            LINE("  Línea de capacitación: %d\n", (int)a->linea);
        LINE("  Ambiente: %s\n", a->ctx.env == SENCE_ENV_PRODUCTION
                                     ? "producción"
                                     : "prueba (no registra asistencia en SENCE)");
    }
    LINE("\nDetalle\n");
    LINE("  Fecha y hora: %04d-%02d-%02d %02d:%02d:%02d (%s)\n", when->tm_year + 1900,
         when->tm_mon + 1, when->tm_mday, when->tm_hour, when->tm_min, when->tm_sec, zone);
    if (about_participant(k) && a->url[0])
        LINE("  Página solicitada: %s%s\n", site, sence_mail_clean(p, a->url, 600));
    LINE("  Servidor: %s\n", *site ? site : "no registrado");
    if (a->detail[0])
        LINE("  %s\n", sence_mail_clean(p, a->detail, sizeof(a->detail)));
    if (a->ncodes > 0) {
        LINE("\nCódigos de error de SENCE (GlosaError %s)\n", codes_text(p, a));
        for (int i = 0; i < a->ncodes && i < SENCE_MAX_CODES; i++) {
            LINE("  %d: %s\n", (int)a->codes[i], sence_rce_describe(p, a->codes[i]));
            LINE("       Qué hacer: %s\n", sence_rce_advice(a->codes[i]));
        }
    }
    if (a->held)
        LINE("\nAlertas similares retenidas desde el correo anterior (SenceAlertThrottle): %u\n",
             (unsigned)a->held);
    LINE("\n-- \nMensaje automático del registro de asistencia SENCE (mod_sence) de %s. No "
         "responda a este correo.\n",
         *site ? site : "este servidor");
#undef LINE
    return apr_array_pstrcat(p, b, 0);
}

/* The domain of an address, for the Message-ID. */
static const char *domain_of(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    return at && at[1] ? at + 1 : "localhost";
}

static const char *joined(apr_pool_t *p, const apr_array_header_t *a)
{
    const char *s = "";
    int i;

    for (i = 0; i < a->nelts; i++)
        s = apr_pstrcat(p, s, i ? ", " : "", APR_ARRAY_IDX(a, i, const char *), NULL);
    return s;
}

const char *sence_mail_message(apr_pool_t *p, const sence_alert_t *a, const sence_mail_env_t *e)
{
    return apr_pstrcat(
        p, "Date: ", sence_mail_date(p, e->when), "\r\n", "From: ", e->from, "\r\n",
        "To: ", joined(p, sence_mail_recipients(p, a->ctx.recipients)), "\r\n",
        "Subject: ", sence_mail_encode_words(p, sence_mail_clean(p, sence_mail_subject(p, a), 400)),
        "\r\n", "Message-ID: <", e->msgid, "@", domain_of(e->from), ">\r\n",
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "\r\n",
        sence_mail_qp(p, sence_mail_body(p, a, e->when, e->zone)), NULL);
}
