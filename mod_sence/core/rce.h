/* The SENCE RCE protocol: field names, URLs, callback parsing and the error catalogue. */
#ifndef SENCE_RCE_H
#define SENCE_RCE_H

#include <apr_pools.h>
#include <apr_tables.h>

#define SENCE_BASE_TEST "https://sistemas.sence.cl/rcetest"
#define SENCE_BASE_PRODUCTION "https://sistemas.sence.cl/rce"
#define SENCE_PATH_START "/Registro/IniciarSesion"
#define SENCE_PATH_CLOSE "/Registro/CerrarSesion"

/* SENCE's field limits (manual 1.1.6). */
#define SENCE_MAX_RUT 10
#define SENCE_MAX_TOKEN 36
#define SENCE_MAX_CODSENCE 10
#define SENCE_MAX_CODIGOCURSO 50
#define SENCE_MAX_IDALUMNO 149
#define SENCE_MAX_URL 100
/* Not limited by the manual; bounds we accept on callbacks. */
#define SENCE_MAX_IDSENCE 128
#define SENCE_MAX_FECHAHORA 32
#define SENCE_MAX_ZONA 64
#define SENCE_MAX_CODES 16

/* What the gate sends (IniciarSesion) or the close page sends (CerrarSesion). */
typedef struct {
    const char *rut_otec;
    const char *token;
    const char *cod_sence;
    const char *codigo_curso;
    int linea;
    const char *run;
    const char *id_alumno;
    const char *url_retoma;
    const char *url_error;
    const char *id_sence; /* CerrarSesion only; NULL for start */
} sence_request_t;

typedef struct {
    const char *name;
    const char *value;
} sence_field_t;

/* The POST fields, in SENCE's documented order (array of sence_field_t). */
apr_array_header_t *sence_rce_fields(apr_pool_t *p, const sence_request_t *req);

typedef enum { SENCE_CB_SUCCESS, SENCE_CB_ERROR } sence_cb_kind_t;

/* A callback as SENCE POSTs it to UrlRetoma / UrlError. */
typedef struct {
    const char *cod_sence;
    const char *codigo_curso;
    const char *id_alumno;
    const char *id_sence; /* success of a start only */
    const char *run;
    const char *fecha_hora;
    const char *zona;
    int linea;
    apr_array_header_t *codes; /* ints; error callbacks only */
    int kind_error;            /* set by the caller: arrived at an error URL */
    const char *glosa;         /* GlosaError as sent, for logs */
} sence_callback_t;

/* Parses the POSTed fields. require_id_sence: start success (close success has none).
 * Returns NULL or an English reason suitable for the error log. */
const char *sence_rce_parse_callback(apr_pool_t *p, apr_table_t *form, sence_cb_kind_t kind,
                                     int require_id_sence, sence_callback_t *out);

/* Parses "211;204" into an array of ints. Returns NULL or a reason. */
const char *sence_rce_parse_glosa(apr_pool_t *p, const char *glosa, apr_array_header_t **codes);

/* Spanish description of a GlosaError code, or NULL when SENCE's catalogue lacks it. */
const char *sence_rce_error_text(int code);

/* Spanish description, "código desconocido N" for unknown codes. */
const char *sence_rce_describe(apr_pool_t *p, int code);

/* What the participant or the OTEC should do about a code, in Spanish (never NULL). */
const char *sence_rce_advice(int code);

#endif
