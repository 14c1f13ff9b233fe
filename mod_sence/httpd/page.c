/* Participant-facing pages, in Spanish (Chile). Everything reflected is HTML-escaped; no
 * inline script or style, so a strict Content-Security-Policy holds. */
#include "sence_module.h"
#include "config.h"
#include "page.h"
#include "store_socache.h"

#include <http_protocol.h>
#include <apr_strings.h>

static const char *esc(request_rec *r, const char *s)
{
    return ap_escape_html2(r->pool, s ? s : "", 0);
}

static const char *asset(request_rec *r, const char *name)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    return apr_pstrcat(r->pool, sence_callback_path(sc), "/", name, NULL);
}

void sence_page_headers(request_rec *r)
{
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "Content-Security-Policy",
                   "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                   "base-uri 'none'; frame-ancestors 'self'");
}

/* Writes the answer, or keeps it in the request's notes when an output filter asked for it
 * (SENCE_NOTE_CAPTURE): a filter cannot write through the chain it is part of. */
static void emit(request_rec *r, const char *text)
{
    if (apr_table_get(r->notes, SENCE_NOTE_CAPTURE))
        apr_table_setn(r->notes, SENCE_NOTE_CAPTURE, text);
    else
        ap_rputs(text, r);
}

static int send_html(request_rec *r, int status, const char *title, const char *body)
{
    r->status = status;
    sence_page_headers(r);
    ap_set_content_type(r, "text/html; charset=utf-8");
    emit(r,
         apr_psprintf(r->pool,
                      "<!DOCTYPE html>\n<html lang=\"es-CL\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>%s</title>\n<link rel=\"stylesheet\" href=\"%s\">\n</head>\n<body>\n"
                      "<main class=\"sence\">\n<h1>%s</h1>\n%s</main>\n</body>\n</html>\n",
                      esc(r, title), esc(r, asset(r, "sence.css")), esc(r, title), body));
    return DONE;
}

/* A page whose form POSTs fields to SENCE; auto: submitted by sence.js (the gate), else the
 * participant presses the button (closing, which must not happen behind their back). */
static int form_page(request_rec *r, const char *title, const char *intro, const char *about,
                     const char *action, apr_array_header_t *fields, const char *button,
                     int autosubmit, sence_env_t env, const char *name)
{
    apr_array_header_t *parts = apr_array_make(r->pool, 24, sizeof(char *));
    int i;

    if (name && *name)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(r->pool, "<p>Hola, %s.</p>\n", esc(r, name));
    APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(r->pool, "<p>%s</p>\n", esc(r, intro));
    if (about)
        APR_ARRAY_PUSH(parts, const char *) = about;
    APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(
        r->pool, "<form id=\"sence-form\" method=\"post\" action=\"%s\">\n", esc(r, action));
    for (i = 0; i < fields->nelts; i++) {
        const sence_field_t *f = &APR_ARRAY_IDX(fields, i, sence_field_t);
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(r->pool, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
                         esc(r, f->name), esc(r, f->value));
    }
    APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(
        r->pool, "<button type=\"submit\" class=\"sence-button\">%s</button>\n</form>\n",
        esc(r, button));
    if (env != SENCE_ENV_PRODUCTION)
        APR_ARRAY_PUSH(parts, const char *) =
            "<p class=\"sence-env\">Ambiente de pruebas de SENCE: esta sesión no registra "
            "asistencia real.</p>\n";
    if (autosubmit)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(r->pool, "<script src=\"%s\"></script>\n", esc(r, asset(r, "sence.js")));
    return send_html(r, HTTP_OK, title, apr_array_pstrcat(r->pool, parts, 0));
}

/* Which course and which OTEC the attendance is for, as the participant can check it (and
 * quote it to the OTEC): the course's name where the LMS gives it, SENCE's codes, the OTEC's
 * name (SenceOtecName) and RUT. */
static const char *about(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *who)
{
    const char *course =
        who->course_name && *who->course_name
            ? apr_psprintf(r->pool, "<dt>Curso</dt><dd>%s</dd>\n", esc(r, who->course_name))
            : "";
    const char *codes =
        *who->cod_sence
            ? apr_psprintf(r->pool, "código SENCE %s · código de curso %s · línea %d",
                           esc(r, who->cod_sence), esc(r, who->codigo_curso), who->linea)
            : apr_psprintf(r->pool, "código de curso %s · línea %d", esc(r, who->codigo_curso),
                           who->linea);
    const char *otec = d->otec_name ? apr_psprintf(r->pool, "%s (RUT %s)", esc(r, d->otec_name),
                                                   esc(r, d->rut_otec))
                                    : apr_psprintf(r->pool, "RUT %s", esc(r, d->rut_otec));

    return apr_psprintf(r->pool,
                        "<dl class=\"sence-about\">\n%s<dt>Registro SENCE</dt><dd>%s</dd>\n"
                        "<dt>Organismo capacitador (OTEC)</dt><dd>%s</dd>\n</dl>\n",
                        course, codes, otec);
}

int sence_page_gate(request_rec *r, const char *action, apr_array_header_t *fields,
                    const sence_dir_conf_t *d, const sence_participant_t *who)
{
    return form_page(r, "Registro de asistencia SENCE",
                     "Este curso registra su asistencia en SENCE. Lo estamos dirigiendo a SENCE "
                     "para que inicie sesión con su Clave Única; luego volverá automáticamente "
                     "al curso.",
                     about(r, d, who), action, fields, "Iniciar sesión en SENCE", 1, d->env,
                     who->fullname);
}

int sence_page_close(request_rec *r, const char *action, apr_array_header_t *fields,
                     sence_env_t env)
{
    return form_page(r, "Cerrar sesión SENCE",
                     "Para registrar el término de su sesión en este curso, SENCE le pedirá "
                     "autenticarse nuevamente. Después de cerrarla, para volver al curso deberá "
                     "iniciar una nueva sesión SENCE.",
                     NULL, action, fields, "Cerrar sesión en SENCE", 0, env, NULL);
}

int sence_page_unavailable(request_rec *r, const char *text)
{
    return sence_page_message(r, HTTP_SERVICE_UNAVAILABLE, "Servicio no disponible", text, NULL,
                              NULL);
}

int sence_page_store_down(request_rec *r, const char *what)
{
    const char *name, *args;
    apr_interval_time_t bound;

    sence_socache_configured(&name, &args, &bound);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  SLOG(1021) "%s %s: session store unreachable (%s%s%s): %s (fail closed)",
                  r->method, r->uri, name ? name : "shm", name ? ":" : "", name ? args : "", what);
    apr_table_setn(r->err_headers_out, "Retry-After", "60");
    return sence_page_unavailable(r, "El servicio de registro de asistencia SENCE no está "
                                     "disponible en este momento. Intente nuevamente en unos "
                                     "minutos.");
}

int sence_page_message(request_rec *r, int status, const char *title, const char *text,
                       const char *link, const char *link_text)
{
    const char *body = apr_psprintf(r->pool, "<p>%s</p>\n", esc(r, text));

    if (link)
        body = apr_psprintf(r->pool, "%s<p><a class=\"sence-button\" href=\"%s\">%s</a></p>\n",
                            body, esc(r, link), esc(r, link_text));
    return send_html(r, status, title, body);
}

int sence_page_errors(request_rec *r, apr_array_header_t *codes, const char *retry, int closing)
{
    apr_array_header_t *parts = apr_array_make(r->pool, 8, sizeof(char *));
    int i;

    APR_ARRAY_PUSH(parts, const char *) =
        closing ? "<p>SENCE no pudo cerrar su sesión. SENCE informó:</p>\n"
                  "<ul class=\"sence-errors\">\n"
                : "<p>SENCE no pudo iniciar su sesión, por lo que su asistencia no quedó "
                  "registrada. SENCE informó:</p>\n<ul class=\"sence-errors\">\n";
    for (i = 0; i < codes->nelts; i++) {
        int code = APR_ARRAY_IDX(codes, i, int);
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(r->pool, "<li><strong>%d</strong>: %s</li>\n", code,
                         esc(r, sence_rce_describe(r->pool, code)));
    }
    APR_ARRAY_PUSH(parts, const char *) =
        apr_psprintf(r->pool,
                     "</ul>\n<p>Puede intentarlo nuevamente. Si el problema persiste, informe "
                     "estos códigos al organismo capacitador (OTEC).</p>\n"
                     "<p><a class=\"sence-button\" href=\"%s\">Reintentar</a></p>\n",
                     esc(r, retry));
    return send_html(r, HTTP_OK,
                     closing ? "No se pudo cerrar la sesión SENCE"
                             : "No se pudo iniciar la sesión SENCE",
                     apr_array_pstrcat(r->pool, parts, 0));
}

int sence_page_json(request_rec *r, int status, const char *error, const char *message)
{
    r->status = status;
    sence_page_headers(r);
    if (status == HTTP_UNAUTHORIZED)
        apr_table_setn(r->headers_out, "WWW-Authenticate", "SENCE");
    ap_set_content_type(r, "application/json");
    /* Only constant strings reach here; no escaping needed. */
    emit(r, apr_psprintf(r->pool, "{\"error\":\"%s\",\"message\":\"%s\"}\n", error, message));
    return DONE;
}

static const char js[] = "(function () {\n"
                         "  var form = document.getElementById('sence-form');\n"
                         "  if (form) { form.submit(); }\n"
                         "})();\n";

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f6f9;"
    "color:#1b2733;margin:0}\n"
    ".sence{max-width:36rem;margin:4rem auto;background:#fff;padding:2rem 2.5rem;"
    "border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}\n"
    ".sence h1{font-size:1.4rem;margin-top:0;color:#0a4a8a}\n"
    ".sence-button{display:inline-block;background:#0a4a8a;color:#fff;border:0;"
    "padding:.7rem 1.4rem;border-radius:.3rem;font-size:1rem;text-decoration:none;cursor:pointer}\n"
    ".sence-env{margin-top:1.5rem;padding:.5rem .8rem;background:#fff4ce;border-left:4px solid "
    "#e0a800;font-size:.9rem}\n"
    ".sence-errors li{margin:.4rem 0}\n"
    ".sence-about{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;"
    "margin:1.2rem 0;padding:.8rem 1rem;background:#f4f6f9;border-radius:.3rem;font-size:.95rem}\n"
    ".sence-about dt{font-weight:600;color:#44515e}\n.sence-about dd{margin:0}\n"
    "@media (max-width:30rem){.sence{margin:1rem;padding:1.2rem}"
    ".sence-about{grid-template-columns:1fr}.sence-about dd{margin-bottom:.4rem}}\n";

static const char notice_css[] =
    ".sence-notice{position:relative;z-index:10000;margin:0;padding:.7rem 1rem;"
    "background:#e6f4ea;color:#0d5223;border-bottom:2px solid #34a853;"
    "font:1rem system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;text-align:center}\n"
    ".sence-bar{position:relative;z-index:10000;margin:0;padding:.4rem 1rem;background:#0a4a8a;"
    "color:#fff;font:.9rem system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;text-align:right}\n"
    ".sence-bar a{color:#fff;font-weight:600;margin-left:1rem}\n"
    ".sence-left{margin-left:.6rem;opacity:.9}\n"
    ".sence-bar.sence-warn{background:#b3261e}\n";

/* Countdown of the SENCE bar; warns 10 minutes before the session's end. */
static const char bar_js[] =
    "(function () {\n"
    "  var bar = document.getElementById('sence-bar');\n"
    "  var left = document.getElementById('sence-left');\n"
    "  if (!bar || !left) { return; }\n"
    "  var end = parseInt(bar.getAttribute('data-expires'), 10) * 1000;\n"
    "  function tick() {\n"
    "    var s = Math.max(0, Math.floor((end - Date.now()) / 1000));\n"
    "    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);\n"
    "    left.textContent = ' \\u00b7 quedan ' + (h ? h + ' h ' : '') + m + ' min';\n"
    "    if (s <= 600) {\n"
    "      bar.className = 'sence-bar sence-warn';\n"
    "      left.textContent = s > 0 ? ' \\u00b7 su sesi\\u00f3n SENCE termina en ' +\n"
    "        (m ? m + ' min ' : '') + (s % 60) + ' s'\n"
    "                               : ' \\u00b7 su sesi\\u00f3n SENCE termin\\u00f3';\n"
    "    }\n"
    "    if (s > 0) { setTimeout(tick, 1000); }\n"
    "  }\n"
    "  tick();\n"
    "})();\n";

int sence_page_asset(request_rec *r, const char *name)
{
    const char *body, *type;

    if (!strcmp(name, "notice.css")) {
        body = notice_css;
        type = "text/css; charset=utf-8";
    } else if (!strcmp(name, "bar.js")) {
        body = bar_js;
        type = "text/javascript; charset=utf-8";
    } else if (!strcmp(name, "sence.js")) {
        body = js;
        type = "text/javascript; charset=utf-8";
    } else if (!strcmp(name, "sence.css")) {
        body = css;
        type = "text/css; charset=utf-8";
    } else {
        return HTTP_NOT_FOUND;
    }
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=3600");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(r, type);
    ap_set_content_length(r, strlen(body));
    if (!r->header_only)
        ap_rputs(body, r);
    return OK;
}
