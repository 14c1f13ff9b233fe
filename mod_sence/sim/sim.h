/* mod_sence_sim: what the simulator's files share (limits, types, functions). A stand-in for
 * SENCE's RCE endpoints, for tests and demos: see mod_sence/sim/README.md. */
#ifndef SENCE_SIM_H
#define SENCE_SIM_H

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_script.h"

#include "apr_general.h"
#include "apr_hash.h"
#include "apr_lib.h"
#include "apr_sha1.h"
#include "apr_strings.h"
#include "apr_time.h"
#include "apr_uri.h"

#include <stdlib.h>
#include <string.h>

#include "run.h"

APLOG_USE_MODULE(sence_sim);

#define SIM_HANDLER "sence-sim"
#define SIM_TITLE "Simulador SENCE — Registro de Asistencia"
#define SIM_FORM_MAX 16384
#define SIM_FORM_FIELDS 64
#define SIM_URL_MAX 100
#define SIM_TOKEN_LEN 36
#define SIM_KEY_LEN 32
#define SIM_MAX_CODES 24
#define SIM_DEFAULT_TIMEOUT 180
#define SIM_DEFAULT_ZONA "America/Santiago"

typedef struct {
    const char *rut; /* normalised */
    const char *token;
    int vigente;
} sim_otec;

typedef struct {
    const char *cod_sence; /* "" when the course has none (line 1) */
    const char *codigo_curso;
    int linea;
    apr_array_header_t *runs; /* normalised RUNs; empty means anyone */
    int state_code;           /* SenceSimCourseState: 307, 309 or 310; 0 when runnable */
} sim_course;

/* How an error page is written (SenceSimAnswerShape): SENCE's own markup may change, so the
 * tests answer in odd but valid-to-a-browser shapes. */
typedef enum {
    SIM_SHAPE_STANDARD = 0,
    SIM_SHAPE_REORDERED, /* attributes in another order, single quotes */
    SIM_SHAPE_UNQUOTED,  /* unquoted attribute values, upper-case tags and names */
    SIM_SHAPE_BROKEN,    /* unclosed elements, stray end tags, no html/body */
    SIM_SHAPE_SEVERAL,   /* other forms first, one GlosaError field per code */
    SIM_SHAPE_TABLE,     /* the form inside a table: the parser closes it early */
    SIM_SHAPE_ENTITIES,  /* the action and the codes written with character references */
    SIM_SHAPE_NOFORM,    /* the codes as text only: a page nobody can read */
    SIM_SHAPE_COUNT
} sim_shape;

typedef struct {
    int shape; /* sim_shape; -1 unset */
    int delay; /* seconds before answering; -1 unset */
} sim_dir;

typedef struct {
    apr_array_header_t *otecs;   /* sim_otec */
    apr_array_header_t *courses; /* sim_course */
    apr_hash_t *roster;          /* normalised RUN -> password; NULL if no roster */
    int login_timeout;           /* seconds; -1 when unset */
    const char *zona;            /* NULL when unset */
} sim_conf;

enum {
    F_RUT_OTEC,
    F_TOKEN,
    F_COD_SENCE,
    F_CODIGO_CURSO,
    F_LINEA,
    F_RUN_ALUMNO,
    F_ID_ALUMNO,
    F_URL_RETOMA,
    F_URL_ERROR,
    F_ID_SENCE,
    F_COUNT
};

typedef enum { ACT_NONE, ACT_START, ACT_CLOSE, ACT_LOGIN } sim_action;

typedef struct {
    const char *v[F_COUNT]; /* NULL when absent */
    int closing;
} sim_req;

typedef struct {
    int code[SIM_MAX_CODES];
    int n;
} sim_codes;

typedef struct {
    const char *name;
    const char *value;
} sim_pair;

/* Key for the login page's hidden-state HMAC; set in post_config, inherited by children. */
extern unsigned char sim_key[SIM_KEY_LEN];
extern const char *const sim_field_names[F_COUNT];
extern const command_rec sim_cmds[];

/* config.c: configuration and the SenceSim* directives */
void *sim_create_dir(apr_pool_t *p, char *dir);
void *sim_merge_dir(apr_pool_t *p, void *basev, void *addv);
const sim_dir *sim_dir_conf(request_rec *r);
sim_conf *sim_srv_conf(server_rec *s);
void *sim_create_srv(apr_pool_t *p, server_rec *s);
void *sim_merge_srv(apr_pool_t *p, void *basev, void *addv);
int sim_timeout(const sim_conf *c);
const char *sim_zona(const sim_conf *c);
int sim_run_strict(const char *s, char out[SENCE_RUN_MAX + 1]);
int sim_parse_linea(const char *s);

/* request.c: the request's fields and SENCE's checks of them */
void sim_add(sim_codes *cs, int code);
const char *sim_glosa(apr_pool_t *p, const sim_codes *cs);
int sim_blank(const char *s);
const char *sim_val(const sim_req *q, int f);
int sim_read_form(request_rec *r, apr_table_t **out);
void sim_load_req(apr_table_t *in, sim_req *q, int closing);
const char *sim_now_text(apr_pool_t *p);
const char *sim_random_hex(apr_pool_t *p, apr_size_t bytes);
int sim_url_ok(apr_pool_t *p, const char *s);
void sim_validate(apr_pool_t *p, const sim_conf *c, const sim_req *q, sim_codes *cs);

/* page.c: the pages it answers with */
const char *sim_code_text(int code);
void sim_page_start(request_rec *r, int status);
void sim_page_end(request_rec *r);
void sim_hidden(request_rec *r, const char *name, const char *value);
int sim_auto_post(request_rec *r, const char *url, const sim_pair *fields, int n,
                  const sim_codes *cs);
int sim_message_page(request_rec *r, int status, const char *text, const sim_codes *cs);
void sim_log(request_rec *r, const sim_req *q, const char *what, const char *glosa);
int sim_reject(request_rec *r, const sim_conf *c, const sim_req *q, const sim_codes *cs,
               const char *what);

/* state.c: the login page and its signed hidden state */
const char *sim_state_sign(apr_pool_t *p, const sim_req *q, const char *accion,
                           const char *emitido);
int sim_equal_ct(const char *a, const char *b);
int sim_login_page(request_rec *r, const sim_conf *c, const sim_req *q, const char *prefix);

#endif
