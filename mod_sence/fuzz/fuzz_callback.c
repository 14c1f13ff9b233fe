/* SENCE's callbacks: the POSTed form body (sence_form_parse), read as each kind of callback
 * (sence_rce_parse_callback), and a GlosaError value on its own (sence_rce_parse_glosa).
 * Input: the request body. */
#include "fuzz.h"
#include "rce.h"
#include "util.h"

#include <string.h>

/* What an accepted callback may hold: bounded, printable, the required fields present. */
static void check_field(const char *v, apr_size_t max, int required)
{
    const char *s;

    FUZZ_ASSERT(v != NULL);
    FUZZ_ASSERT(strlen(v) <= max);
    FUZZ_ASSERT(!required || *v);
    for (s = v; *s; s++)
        FUZZ_ASSERT((unsigned char)*s >= 0x20 && *s != 0x7f);
}

static void check_codes(const apr_array_header_t *codes)
{
    int i;

    FUZZ_ASSERT(codes && codes->nelts > 0 && codes->nelts <= SENCE_MAX_CODES);
    for (i = 0; i < codes->nelts; i++) {
        int c = APR_ARRAY_IDX(codes, i, int);
        FUZZ_ASSERT(c >= 0 && c <= 99999);
        FUZZ_ASSERT(sence_rce_describe(fuzz_pool, c) != NULL);
    }
}

static void callback(apr_table_t *form, sence_cb_kind_t kind, int require_id_sence)
{
    sence_callback_t cb;

    if (sence_rce_parse_callback(fuzz_pool, form, kind, require_id_sence, &cb) != NULL)
        return;
    check_field(cb.id_alumno, SENCE_MAX_IDALUMNO, 1);
    check_field(cb.run, SENCE_MAX_RUT, 1);
    check_field(cb.cod_sence, SENCE_MAX_CODSENCE, 0);
    check_field(cb.codigo_curso, SENCE_MAX_CODIGOCURSO, 1);
    check_field(cb.fecha_hora, SENCE_MAX_FECHAHORA, 0);
    check_field(cb.zona, SENCE_MAX_ZONA, 0);
    check_field(cb.id_sence, SENCE_MAX_IDSENCE, kind == SENCE_CB_SUCCESS && require_id_sence);
    FUZZ_ASSERT(cb.linea >= 0 && cb.linea <= 9);
    if (kind == SENCE_CB_ERROR)
        check_codes(cb.codes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_table_t *form = NULL;
    apr_array_header_t *codes = NULL;

    /* the body as it came: exactly size bytes, no NUL after them */
    if (sence_form_parse(fuzz_pool, (const char *)data, size, &form) == NULL) {
        const apr_array_header_t *h = apr_table_elts(form);
        int i;
        for (i = 0; i < h->nelts; i++) {
            const apr_table_entry_t *e = &APR_ARRAY_IDX(h, i, apr_table_entry_t);
            FUZZ_ASSERT(e->key && *e->key && e->val);
        }
        callback(form, SENCE_CB_SUCCESS, 1); /* start: IdSesionSence required */
        callback(form, SENCE_CB_SUCCESS, 0); /* close */
        callback(form, SENCE_CB_ERROR, 0);
    }
    if (sence_rce_parse_glosa(fuzz_pool, fuzz_str(data, size), &codes) == NULL)
        check_codes(codes);
    fuzz_done();
    return 0;
}
