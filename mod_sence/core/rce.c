#include "rce.h"
#include "util.h"

#include <apr_strings.h>
#include <ctype.h>
#include <stddef.h>
#include <string.h>

static void push(apr_array_header_t *a, const char *name, const char *value)
{
    sence_field_t *f = apr_array_push(a);
    f->name = name;
    f->value = value ? value : "";
}

apr_array_header_t *sence_rce_fields(apr_pool_t *p, const sence_request_t *req)
{
    apr_array_header_t *a = apr_array_make(p, 10, sizeof(sence_field_t));

    push(a, "RutOtec", req->rut_otec);
    push(a, "Token", req->token);
    push(a, "CodSence", req->cod_sence);
    push(a, "CodigoCurso", req->codigo_curso);
    push(a, "LineaCapacitacion", apr_itoa(p, req->linea));
    push(a, "RunAlumno", req->run);
    push(a, "IdSesionAlumno", req->id_alumno);
    push(a, "UrlRetoma", req->url_retoma);
    push(a, "UrlError", req->url_error);
    if (req->id_sence)
        push(a, "IdSesionSence", req->id_sence);
    return a;
}

/* Printable ASCII or UTF-8 continuation bytes; no control characters. */
static int clean_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static const char *field(apr_table_t *form, const char *name, apr_size_t max, int required,
                         const char **out)
{
    const char *v = apr_table_get(form, name);

    if (!v || !*v) {
        *out = "";
        return required ? "missing" : NULL;
    }
    if (strlen(v) > max)
        return "too long";
    if (!clean_text(v))
        return "contains control characters";
    *out = v;
    return NULL;
}

static const char *parse_linea(const char *s, int *out)
{
    if (!s || strlen(s) != 1 || !isdigit((unsigned char)s[0]))
        return "LineaCapacitacion is not a single digit";
    *out = s[0] - '0';
    return NULL;
}

const char *sence_rce_parse_callback(apr_pool_t *p, apr_table_t *form, sence_cb_kind_t kind,
                                     int require_id_sence, sence_callback_t *out)
{
    static const struct {
        const char *name;
        apr_size_t max;
        int required;
        apr_size_t offset;
    } spec[] = {
        {"IdSesionAlumno", SENCE_MAX_IDALUMNO, 1, offsetof(sence_callback_t, id_alumno)},
        {"RunAlumno", SENCE_MAX_RUT, 1, offsetof(sence_callback_t, run)},
        {"CodSence", SENCE_MAX_CODSENCE, 0, offsetof(sence_callback_t, cod_sence)},
        {"CodigoCurso", SENCE_MAX_CODIGOCURSO, 1, offsetof(sence_callback_t, codigo_curso)},
        {"FechaHora", SENCE_MAX_FECHAHORA, 0, offsetof(sence_callback_t, fecha_hora)},
        {"ZonaHoraria", SENCE_MAX_ZONA, 0, offsetof(sence_callback_t, zona)},
        {"IdSesionSence", SENCE_MAX_IDSENCE, 0, offsetof(sence_callback_t, id_sence)},
    };
    const char *why;
    apr_size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
        const char **slot = (const char **)((char *)out + spec[i].offset);
        int required = spec[i].required;
        if (kind == SENCE_CB_SUCCESS && require_id_sence &&
            strcmp(spec[i].name, "IdSesionSence") == 0)
            required = 1;
        if ((why = field(form, spec[i].name, spec[i].max, required, slot)) != NULL)
            return apr_psprintf(p, "field %s %s", spec[i].name, why);
    }
    if ((why = parse_linea(apr_table_get(form, "LineaCapacitacion"), &out->linea)) != NULL)
        return why;
    if (kind == SENCE_CB_ERROR) {
        const char *glosa = apr_table_get(form, "GlosaError");
        if (!glosa || !*glosa)
            return "field GlosaError missing";
        if ((why = sence_rce_parse_glosa(p, glosa, &out->codes)) != NULL)
            return apr_pstrcat(p, "field GlosaError ", why, NULL);
    }
    return NULL;
}

const char *sence_rce_parse_glosa(apr_pool_t *p, const char *glosa, apr_array_header_t **codes)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(int));
    const char *s = glosa;

    while (*s) {
        int n = 0, digits = 0;
        while (*s == ' ')
            s++;
        while (isdigit((unsigned char)*s)) {
            n = n * 10 + (*s++ - '0');
            if (++digits > 5)
                return "has a code longer than 5 digits";
        }
        while (*s == ' ')
            s++;
        if (!digits)
            return "is not a list of numeric codes separated by ';'";
        if (*s && *s != ';')
            return "is not a list of numeric codes separated by ';'";
        if (*s == ';')
            s++;
        if (a->nelts >= SENCE_MAX_CODES)
            return "holds too many codes";
        APR_ARRAY_PUSH(a, int) = n;
    }
    if (a->nelts == 0)
        return "holds no code";
    *codes = a;
    return NULL;
}

static const struct {
    int code;
    const char *text;
} catalogue[] = {
    {100, "Contraseña incorrecta o el usuario no tiene Clave SENCE."},
    {200, "Falta uno o más parámetros obligatorios, o alguno está mal escrito o en blanco."},
    {201, "La URL de retoma y/o la URL de error no tienen información."},
    {202, "La URL de retoma tiene formato incorrecto."},
    {203, "La URL de error tiene formato incorrecto."},
    {204, "El Código SENCE tiene menos de 10 caracteres o no es un código válido."},
    {205, "El Código Curso tiene menos de 7 caracteres o no es un código válido."},
    {206, "La línea de capacitación es incorrecta."},
    {207, "El RUN del alumno tiene formato incorrecto o su dígito verificador es incorrecto."},
    {208, "El RUN del alumno no está autorizado para realizar este curso."},
    {209, "El RUT del OTEC tiene formato incorrecto o su dígito verificador es incorrecto."},
    {210, "Expiró el tiempo disponible para ingresar el RUN y la contraseña (tres minutos)."},
    {211, "El Token no pertenece al OTEC."},
    {212, "El Token no está vigente."},
    {300, "Error interno no clasificado de SENCE; debe informarse a SENCE con todos los "
          "antecedentes disponibles."},
    {301, "No se pudo registrar el ingreso o cierre de sesión: la línea de capacitación o el "
          "código de curso son incorrectos."},
    {302, "No se pudo validar la información del organismo; debe informarse a SENCE."},
    {303, "El Token no existe o su formato es incorrecto."},
    {304, "No se pudieron verificar los datos enviados; debe informarse a SENCE."},
    {305, "No se pudo registrar la información; debe informarse a SENCE."},
    {306, "El Código Curso no corresponde al Código SENCE."},
    {307, "El curso no es de modalidad e-learning."},
    {308, "El curso no pertenece al RUT del OTEC."},
    {309, "La fecha de hoy está fuera de las fechas de ejecución del curso."},
    {310, "El curso está finalizado o anulado."},
    {311, "El RUN ingresado en Clave Única es distinto del RUN del alumno."},
    {312, "Falló la autenticación con Clave Única."},
    {313, "La URL de cierre de sesión es incorrecta."},
};

const char *sence_rce_error_text(int code)
{
    apr_size_t i;

    for (i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
        if (catalogue[i].code == code)
            return catalogue[i].text;
    return NULL;
}

const char *sence_rce_describe(apr_pool_t *p, int code)
{
    const char *t = sence_rce_error_text(code);
    return t ? t : apr_psprintf(p, "código desconocido %d", code);
}

/* Who acts on each code: the participant (password, Clave Única, speed), the OTEC (course
 * data, token, profiles) or SENCE itself. */
static const struct {
    int code;
    const char *text;
} advice[] = {
    {100, "El participante debe revisar su Clave SENCE (o solicitarla si no la tiene) y volver "
          "a abrir el curso."},
    {200, "El OTEC o su soporte técnico debe revisar la configuración del curso en la "
          "plataforma."},
    {201, "El soporte técnico debe revisar SencePublicURL y SenceCallbackPath."},
    {202, "El soporte técnico debe revisar SencePublicURL y SenceCallbackPath."},
    {203, "El soporte técnico debe revisar SencePublicURL y SenceCallbackPath."},
    {204, "El OTEC debe revisar el Código SENCE del curso (10 caracteres) en la configuración."},
    {205, "El OTEC debe revisar el código del curso (CodigoCurso) en la configuración."},
    {206, "El OTEC debe revisar la línea de capacitación configurada (SenceLinea)."},
    {207, "El OTEC debe corregir el RUN del perfil del participante (sin puntos, con guion y "
          "dígito verificador)."},
    {208, "El OTEC debe verificar en SENCE que el participante esté inscrito en el curso con "
          "ese RUN."},
    {209, "El OTEC debe revisar su RUT configurado (SenceRutOtec)."},
    {210, "El participante debe volver a abrir el curso e ingresar su RUN y contraseña sin "
          "demora."},
    {211, "El OTEC debe revisar el Token configurado (SenceToken): no corresponde a su RUT."},
    {212, "El OTEC debe renovar su Token en SENCE y actualizar SenceToken."},
    {300, "El OTEC debe informar a SENCE con la fecha, la hora, el RUN y los códigos de este "
          "correo."},
    {301, "El OTEC debe revisar la línea y el código del curso; si persiste, informar a SENCE."},
    {302, "El OTEC debe informar a SENCE con los antecedentes de este correo."},
    {303, "El OTEC debe revisar el Token configurado (SenceToken)."},
    {304, "El OTEC debe informar a SENCE con los antecedentes de este correo."},
    {305, "El OTEC debe informar a SENCE con los antecedentes de este correo."},
    {306, "El OTEC debe revisar que el código del curso corresponda al Código SENCE."},
    {307, "El OTEC debe verificar con SENCE la modalidad del curso."},
    {308, "El OTEC debe verificar con SENCE que el curso esté registrado a su RUT."},
    {309, "El OTEC debe revisar con SENCE las fechas de ejecución del curso."},
    {310, "El OTEC debe revisar con SENCE el estado del curso."},
    {311, "El participante debe ingresar en Clave Única con su propio RUN."},
    {312, "El participante debe revisar su Clave Única e intentarlo de nuevo."},
    {313, "El soporte técnico debe revisar la URL de cierre (SencePublicURL, "
          "SenceCallbackPath)."},
};

const char *sence_rce_advice(int code)
{
    apr_size_t i;

    for (i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
        if (advice[i].code == code)
            return advice[i].text;
    return "Código no documentado por SENCE: el OTEC debe informarlo a SENCE con los "
           "antecedentes de este correo.";
}
