/* mod_sence_sim: the pages it answers with. */
#include "sim.h"

const char *sim_code_text(int code)
{
    switch (code) {
    case 100:
        return "Contraseña incorrecta o sin clave SENCE.";
    case 200:
        return "Falta un parámetro obligatorio, está mal escrito o vacío.";
    case 201:
        return "UrlRetoma y/o UrlError vienen vacías.";
    case 202:
        return "UrlRetoma tiene un formato incorrecto.";
    case 203:
        return "UrlError tiene un formato incorrecto.";
    case 204:
        return "El código SENCE tiene menos de 10 caracteres o no es válido.";
    case 205:
        return "El código del curso tiene menos de 7 caracteres o no es válido.";
    case 206:
        return "La línea de capacitación no es válida.";
    case 207:
        return "El RUN del participante tiene un formato incorrecto o un dígito "
               "verificador erróneo.";
    case 208:
        return "El RUN del participante no está autorizado para este curso.";
    case 209:
        return "El RUT del OTEC tiene un formato incorrecto o un dígito verificador "
               "erróneo.";
    case 210:
        return "Expiró el tiempo para ingresar el RUN y la clave.";
    case 211:
        return "El token no pertenece al OTEC.";
    case 212:
        return "El token no está vigente.";
    case 300:
        return "Error interno no clasificado: informe al SENCE.";
    case 301:
        return "No se pudo registrar el inicio o cierre de sesión (línea o código de "
               "curso erróneo).";
    case 302:
        return "No se pudo validar el organismo.";
    case 303:
        return "El token no existe o tiene un formato incorrecto.";
    case 304:
        return "No se pudieron verificar los datos enviados.";
    case 305:
        return "No se pudo registrar la información.";
    case 306:
        return "El código del curso no corresponde al código SENCE.";
    case 307:
        return "El curso no es de modalidad e-learning.";
    case 308:
        return "El curso no pertenece al RUT del OTEC.";
    case 309:
        return "La fecha actual está fuera de las fechas de ejecución del curso.";
    case 310:
        return "El curso está finalizado o anulado.";
    case 311:
        return "El RUN ingresado no coincide con el RUN del participante.";
    case 312:
        return "No se pudo autenticar al participante.";
    case 313:
        return "La dirección de cierre de sesión es incorrecta.";
    default:
        return "Código desconocido.";
    }
}

static void sim_headers(request_rec *r, int status)
{
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
}

void sim_page_start(request_rec *r, int status)
{
    sim_headers(r, status);
    ap_rputs("<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<title>" SIM_TITLE "</title>\n<style>\n"
             "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
             "background:#eef1f5;color:#1b2733}\n"
             "header{background:#005a9c;color:#fff;padding:.8rem 1.5rem;font-weight:600}\n"
             "header small{display:block;font-weight:400;opacity:.85}\n"
             "main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;"
             "border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}\n"
             "h2{margin-top:0;color:#005a9c}label{display:block;margin:.6rem 0 .2rem}\n"
             "input[type=text],input[type=password]{width:100%;box-sizing:border-box;"
             "padding:.45rem;border:1px solid #9aa5b1;border-radius:.25rem;font-size:1rem}\n"
             "button{background:#005a9c;color:#fff;border:0;padding:.6rem 1.4rem;"
             "border-radius:.25rem;font-size:1rem;cursor:pointer}\n"
             "fieldset{margin:1.2rem 0;border:1px dashed #9aa5b1;border-radius:.3rem;"
             "font-size:.92rem}fieldset label{display:inline;margin:0}\n"
             "fieldset p{margin:.4rem 0}.sim-note{color:#5a6672;font-size:.9rem}\n"
             "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;"
             "font-size:.92rem}dd{margin:0}\n"
             "</style>\n</head>\n<body>\n<header>" SIM_TITLE
             "<small>Simulador para pruebas: no es el SENCE ni registra asistencia</small>"
             "</header>\n<main>\n",
             r);
}

void sim_page_end(request_rec *r)
{
    ap_rputs("</main>\n</body>\n</html>\n", r);
}

static void sim_code_list(request_rec *r, const sim_codes *cs)
{
    int i;

    ap_rputs("<ul>\n", r);
    for (i = 0; i < cs->n; i++)
        ap_rprintf(r, "<li>%d: %s</li>\n", cs->code[i], sim_code_text(cs->code[i]));
    ap_rputs("</ul>\n", r);
}

void sim_hidden(request_rec *r, const char *name, const char *value)
{
    ap_rprintf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
               ap_escape_html2(r->pool, name, 0), ap_escape_html2(r->pool, value, 0));
}

/* An attribute value safe inside single or double quotes (and, for the URLs and codes the
 * simulator writes, without quotes: they hold no blanks). */
static const char *sim_attr(request_rec *r, const char *s)
{
    const char *e = ap_escape_html2(r->pool, s, 0);
    const char *c;
    char *out, *w;
    apr_size_t quotes = 0;

    for (c = e; *c; c++)
        quotes += *c == '\'';
    if (!quotes)
        return e;
    out = w = apr_palloc(r->pool, strlen(e) + 4 * quotes + 1);
    for (c = e; *c; c++) {
        if (*c == '\'') {
            memcpy(w, "&#39;", 5);
            w += 5;
        } else {
            *w++ = *c;
        }
    }
    *w = '\0';
    return out;
}

/* Every character as a decimal character reference. */
static const char *sim_refs(request_rec *r, const char *s)
{
    const char *out = "";

    for (; *s; s++)
        out = apr_psprintf(r->pool, "%s&#%d;", out, (unsigned char)*s);
    return out;
}

static void sim_shaped_field(request_rec *r, sim_shape shape, const char *name, const char *value)
{
    switch (shape) {
    case SIM_SHAPE_REORDERED:
        ap_rprintf(r, "<input value='%s'\n  name='%s' type='hidden' />\n", sim_attr(r, value),
                   sim_attr(r, name));
        break;
    case SIM_SHAPE_UNQUOTED:
        ap_rprintf(r, "<INPUT TYPE=HIDDEN NAME=%s VALUE=%s>\n", sim_attr(r, name),
                   *value ? sim_attr(r, value) : "\"\"");
        break;
    case SIM_SHAPE_ENTITIES:
        ap_rprintf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", sim_refs(r, name),
                   sim_refs(r, value));
        break;
    case SIM_SHAPE_BROKEN:
        ap_rprintf(r, "<input type=hidden name=\"%s\" value=\"%s\"\n", sim_attr(r, name),
                   sim_attr(r, value));
        ap_rputs(">", r);
        break;
    default:
        sim_hidden(r, name, value);
    }
}

/* The error page in one of the odd shapes of SenceSimAnswerShape; the fields are those of the
 * standard page, GlosaError last. */
static int sim_shaped_error(request_rec *r, sim_shape shape, const char *url,
                            const sim_pair *fields, int n, const sim_codes *cs)
{
    const char *u = sim_attr(r, url);
    int i;

    sim_headers(r, HTTP_OK);
    switch (shape) {
    case SIM_SHAPE_REORDERED:
        ap_rprintf(r, "<!doctype html><html><body><form id='e' method='post'\n action='%s'>\n", u);
        break;
    case SIM_SHAPE_UNQUOTED:
        ap_rprintf(r, "<HTML><BODY><FORM METHOD=POST NAME=E ACTION=%s>\n", u);
        break;
    case SIM_SHAPE_BROKEN:
        ap_rprintf(r,
                   "<p>No se pudo registrar la asistencia<div></span>\n<form action=\"%s\" "
                   "method=post><p>",
                   u);
        break;
    case SIM_SHAPE_SEVERAL:
        ap_rputs("<!DOCTYPE html><html><body><form action=\"/buscar\" method=\"get\">"
                 "<input name=\"q\"><input type=\"hidden\" name=\"glosa\" value=\"999\"></form>\n",
                 r);
        ap_rprintf(r, "<form method=\"post\" action=\"%s\">\n", u);
        break;
    case SIM_SHAPE_TABLE:
        ap_rprintf(r,
                   "<!DOCTYPE html><html><body><table><tr><form method=\"post\" action=\"%s\">"
                   "<td>\n",
                   u);
        break;
    case SIM_SHAPE_ENTITIES:
        ap_rprintf(r, "<!DOCTYPE html><html><body><form method=\"post\" action=\"%s\">\n",
                   sim_refs(r, url));
        break;
    default: /* SIM_SHAPE_NOFORM */
        ap_rprintf(r, "<!DOCTYPE html><html><body><p>GlosaError: %s</p>\n<p>Volver a %s</p>\n",
                   sim_glosa(r->pool, cs), u);
        sim_page_end(r);
        return OK;
    }
    for (i = 0; i < n; i++) {
        if (shape == SIM_SHAPE_SEVERAL && !strcmp(fields[i].name, "GlosaError")) {
            int k;
            for (k = 0; k < cs->n; k++)
                sim_hidden(r, "GlosaError", apr_itoa(r->pool, cs->code[k]));
            continue;
        }
        sim_shaped_field(r, shape, fields[i].name, fields[i].value);
    }
    switch (shape) {
    case SIM_SHAPE_BROKEN:
        ap_rputs("<button>Continuar\n<script>document.forms[0].submit()</script>\n", r);
        return OK;
    case SIM_SHAPE_TABLE:
        ap_rputs("</td></form></tr></table>\n", r);
        break;
    case SIM_SHAPE_SEVERAL:
        ap_rputs("</form>\n<form action=\"/otra\" method=\"post\"><input type=\"hidden\" "
                 "name=\"GlosaError\" value=\"100\"></form>\n",
                 r);
        break;
    case SIM_SHAPE_UNQUOTED:
        ap_rputs("</FORM><SCRIPT>document.forms[0].submit()</SCRIPT>\n", r);
        break;
    default:
        ap_rputs("</form>\n", r);
    }
    sim_page_end(r);
    return OK;
}

/* The page SENCE uses to hand the browser back to the LMS: a self-submitting POST form. */
int sim_auto_post(request_rec *r, const char *url, const sim_pair *fields, int n,
                  const sim_codes *cs)
{
    const sim_dir *d = sim_dir_conf(r);
    int i;

    if (cs && d && d->shape > SIM_SHAPE_STANDARD)
        return sim_shaped_error(r, (sim_shape)d->shape, url, fields, n, cs);
    sim_page_start(r, HTTP_OK);
    if (cs) {
        ap_rputs("<p>No se pudo registrar la asistencia:</p>\n", r);
        sim_code_list(r, cs);
    } else {
        ap_rputs("<p>Operación registrada. Volviendo a la plataforma de capacitación.</p>\n", r);
    }
    ap_rprintf(r, "<form id=\"sence-sim-form\" method=\"post\" action=\"%s\">\n",
               ap_escape_html2(r->pool, url, 0));
    for (i = 0; i < n; i++)
        sim_hidden(r, fields[i].name, fields[i].value);
    ap_rputs("<button type=\"submit\">Continuar</button>\n</form>\n"
             "<script>document.getElementById('sence-sim-form').submit();</script>\n",
             r);
    sim_page_end(r);
    return OK;
}

int sim_message_page(request_rec *r, int status, const char *text, const sim_codes *cs)
{
    sim_page_start(r, status);
    ap_rprintf(r, "<p>%s</p>\n", text);
    if (cs)
        sim_code_list(r, cs);
    sim_page_end(r);
    return OK;
}

static int sim_send_error(request_rec *r, const sim_conf *c, const sim_req *q, const sim_codes *cs)
{
    const char *url = q->v[F_URL_ERROR];
    sim_pair f[] = {
        {"CodSence", sim_val(q, F_COD_SENCE)},       {"CodigoCurso", sim_val(q, F_CODIGO_CURSO)},
        {"IdSesionAlumno", sim_val(q, F_ID_ALUMNO)}, {"RunAlumno", sim_val(q, F_RUN_ALUMNO)},
        {"FechaHora", sim_now_text(r->pool)},        {"ZonaHoraria", sim_zona(c)},
        {"LineaCapacitacion", sim_val(q, F_LINEA)},  {"GlosaError", sim_glosa(r->pool, cs)}};

    if (sim_blank(url) || !sim_url_ok(r->pool, url))
        return sim_message_page(r, HTTP_BAD_REQUEST,
                                "No se pudo registrar la asistencia y la dirección de error "
                                "(UrlError) no es utilizable:",
                                cs);
    return sim_auto_post(r, url, f, (int)(sizeof(f) / sizeof(f[0])), cs);
}

static const char *sim_log_val(request_rec *r, const sim_req *q, int f)
{
    return ap_escape_logitem(r->pool, sim_val(q, f));
}

void sim_log(request_rec *r, const sim_req *q, const char *what, const char *glosa)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "sence-sim: %s: GlosaError=%s RutOtec=%s CodSence=%s CodigoCurso=%s "
                  "Linea=%s RunAlumno=%s IdSesionAlumno=%s",
                  what, glosa ? glosa : "-", sim_log_val(r, q, F_RUT_OTEC),
                  sim_log_val(r, q, F_COD_SENCE), sim_log_val(r, q, F_CODIGO_CURSO),
                  sim_log_val(r, q, F_LINEA), sim_log_val(r, q, F_RUN_ALUMNO),
                  sim_log_val(r, q, F_ID_ALUMNO));
}

int sim_reject(request_rec *r, const sim_conf *c, const sim_req *q, const sim_codes *cs,
               const char *what)
{
    sim_log(r, q, what, sim_glosa(r->pool, cs));
    return sim_send_error(r, c, q, cs);
}
