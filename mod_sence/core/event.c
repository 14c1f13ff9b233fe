#include "event.h"
#include "util.h"

#include <apr_strings.h>

const char *sence_event_name(sence_event_kind_t ev)
{
    static const char *const names[SENCE_EV_COUNT] = {
        "login_sent",      "start_ok",         "start_error",       "close_sent",
        "close_ok",        "close_error",      "session_expired",   "login_abandoned",
        "session_evicted", "login_evicted",    "callback_rejected", "close_abandoned",
        "close_evicted",   "session_replaced", "login_replaced",    "close_replaced",
        "alert_sent",      "alert_failed",
    };
    return ev < SENCE_EV_COUNT ? names[ev] : "unknown";
}

sence_event_kind_t sence_drop_event(sence_kind_t kind, const sence_record_t *rec,
                                    sence_drop_why_t why)
{
    static const sence_event_kind_t ev[3][3] = {
        {SENCE_EV_SESSION_EXPIRED, SENCE_EV_SESSION_EVICTED, SENCE_EV_SESSION_REPLACED},
        {SENCE_EV_CLOSE_ABANDONED, SENCE_EV_CLOSE_EVICTED, SENCE_EV_CLOSE_REPLACED},
        {SENCE_EV_LOGIN_ABANDONED, SENCE_EV_LOGIN_EVICTED, SENCE_EV_LOGIN_REPLACED},
    };
    int k = kind == SENCE_KIND_SESSION ? 0 : (rec->flags & SENCE_FLAG_CLOSE) ? 1 : 2;
    return ev[k][why];
}

/* A JSON string literal. Bytes that are not UTF-8 (SENCE's pages have sent Latin-1) are read
 * as Latin-1, so every line stays valid UTF-8 JSON. */
const char *sence_json_string(apr_pool_t *p, const char *s)
{
    apr_array_header_t *parts = apr_array_make(p, 8, sizeof(char *));
    const char *start = s ? s : "";

    APR_ARRAY_PUSH(parts, const char *) = "\"";
    for (s = start; *s;) {
        unsigned char c = (unsigned char)*s;
        int n = sence_utf8_len((const unsigned char *)s);
        const char *esc = NULL;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c < 0x20 || c == 0x7f || n == 0)
            esc = apr_psprintf(p, "\\u%04x", c);
        if (esc) {
            APR_ARRAY_PUSH(parts, const char *) = apr_pstrndup(p, start, (apr_size_t)(s - start));
            APR_ARRAY_PUSH(parts, const char *) = esc;
            start = s + 1;
        }
        s += n ? n : 1;
    }
    APR_ARRAY_PUSH(parts, const char *) = start;
    APR_ARRAY_PUSH(parts, const char *) = "\"";
    return apr_array_pstrcat(p, parts, 0);
}

const char *sence_iso_time(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;
    char buf[32];
    apr_size_t len;
    long off;

    apr_time_exp_lt(&tm, t);
    apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    off = tm.tm_gmtoff / 60;
    return apr_psprintf(p, "%s%c%02ld:%02ld", buf, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
                        (off < 0 ? -off : off) % 60);
}

/* ,"name":"value" — or nothing for an empty value: unknown fields are left out. */
static const char *field(apr_pool_t *p, const char *name, const char *value)
{
    if (!value || !*value)
        return "";
    return apr_psprintf(p, ",\"%s\":%s", name, sence_json_string(p, value));
}

const char *sence_event_json(apr_pool_t *p, const sence_event_t *e)
{
    apr_array_header_t *parts = apr_array_make(p, 16, sizeof(char *));
    const sence_record_t *r = e->rec;

    APR_ARRAY_PUSH(parts, const char *) =
        apr_psprintf(p, "{\"time\":\"%s\",\"event\":\"%s\"", sence_iso_time(p, e->time),
                     sence_event_name(e->ev));
    if (r) {
        APR_ARRAY_PUSH(parts, const char *) = field(p, "run", r->run);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "subject", r->subject);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "cod_sence", r->cod_sence);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "codigo_curso", r->codigo_curso);
        if (r->linea)
            APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(p, ",\"linea\":%d", r->linea);
        APR_ARRAY_PUSH(parts, const char *) =
            field(p, "id_sesion_alumno", e->id_sesion_alumno ? e->id_sesion_alumno : r->id);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "id_sesion_sence", r->id_sence);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "fecha_hora", r->fecha_hora);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "zona_horaria", r->zona);
    } else if (e->id_sesion_alumno) {
        APR_ARRAY_PUSH(parts, const char *) = field(p, "id_sesion_alumno", e->id_sesion_alumno);
    }
    if (e->codes) {
        APR_ARRAY_PUSH(parts, const char *) = ",\"codes\":[";
        for (int i = 0; i < e->codes->nelts; i++)
            APR_ARRAY_PUSH(parts, const char *) =
                apr_psprintf(p, "%s%d", i ? "," : "", APR_ARRAY_IDX(e->codes, i, int));
        APR_ARRAY_PUSH(parts, const char *) = "]";
    }
    if (e->ended)
        APR_ARRAY_PUSH(parts, const char *) = ",\"ended\":true";
    if (e->alert)
        APR_ARRAY_PUSH(parts, const char *) = field(p, "alert", e->alert);
    if (e->recipients)
        APR_ARRAY_PUSH(parts, const char *) = field(p, "recipients", e->recipients);
    if (e->reason)
        APR_ARRAY_PUSH(parts, const char *) = field(p, "reason", e->reason);
    if (e->seen) {
        APR_ARRAY_PUSH(parts, const char *) = field(p, "origin", e->seen->origin);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "fetch_site", e->seen->fetch_site);
        APR_ARRAY_PUSH(parts, const char *) = field(p, "fetch_mode", e->seen->fetch_mode);
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(p, ",\"seconds\":%" APR_TIME_T_FMT,
                         e->seen->since > 0 ? apr_time_sec(e->seen->since) : 0);
    }
    if (e->suspect)
        APR_ARRAY_PUSH(parts, const char *) = field(p, "suspect", e->suspect);
    if (e->ip)
        APR_ARRAY_PUSH(parts, const char *) = field(p, "ip", e->ip);
    APR_ARRAY_PUSH(parts, const char *) = "}\n";
    return apr_array_pstrcat(p, parts, 0);
}
