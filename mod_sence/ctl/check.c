/* sencectl check: a start request per gated course with a probe RUN and a probe
 * IdSesionAlumno, its answer read but never followed. SENCE checks a start request's
 * parameters before anyone logs in, so a bad token, code or line shows here, not on a
 * participant's first day. Nothing is recorded at SENCE: no one logs in. */
#define _POSIX_C_SOURCE 200809L
#include "ctl.h"
#include "rce.h"
#include "run.h"
#include "settings.h"
#include "event.h"
#include "util.h"
#include "moodle/json.h"

#include <apr_dbd.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <apr_uri.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A RUN of valid format that no course enrols (SENCE answers 208 when it checks enrolment);
 * an IdSesionAlumno that is not of the module's shape, so no store ever holds it; callback
 * URLs in a domain that never resolves: the answer is read, never followed. */
#define PROBE_RUN "1-9"
#define PROBE_RETOMA "https://sencectl.invalid/retoma"
#define PROBE_ERROR "https://sencectl.invalid/error"

typedef enum { ST_OK, ST_ERROR, ST_SKIPPED, ST_UNREACHABLE } status_t;

static const char *const status_name[] = {"ok", "error", "skipped", "unreachable"};

typedef struct {
    const char *label; /* where it comes from: a path, a Moodle course, a --course */
    const char *where;
    const char *cod_sence;
    const char *codigo_curso; /* NULL: unknown (Moodle ID number, expression) */
    int linea;
    int production;
    const char *endpoint;
    const char *rut_otec;
    const char *token_source; /* a file, "inline" or NULL */
    const char *moodle_course;
    const char *moodle_prefix, *dbd_driver, *dbd_params; /* where its ID number is */
    int computed;
    /* the outcome */
    status_t status;
    const char *reason;
    apr_array_header_t *codes;
} course_t;

typedef struct {
    int json, production;
    const char *endpoint, *cacert, *apache_config, *httpd, *rut_otec, *token_file;
    long timeout;
    apr_array_header_t *courses; /* --course values */
    apr_hash_t *codigo_curso;    /* --codigo-curso COURSE=CODIGO */
} opts_t;

static void help(void)
{
    fputs("Usage: sencectl check [--json] [--production] [--endpoint URL] [--cacert FILE]\n"
          "                      [--timeout SECONDS] [--apache-config FILE] [--httpd PROGRAM]\n"
          "                      [--token-file FILE] [--codigo-curso COURSE=CODIGO]...\n"
          "       sencectl check --rut-otec RUT --token-file FILE\n"
          "                      --course CODSENCE:CODIGOCURSO:LINEA... [options]\n"
          "\n"
          "Sends SENCE a start request for every gated course, with a probe RUN (" PROBE_RUN
          ") and a\n"
          "probe IdSesionAlumno, does not follow the answer and reads it: OK when SENCE shows its\n"
          "login page or only answers 208 (the probe RUN is not enrolled); otherwise each\n"
          "GlosaError code, its description and the directive to fix.\n"
          "\n"
          "Courses: by default those of the running configuration (apache2ctl -t -D\n"
          "DUMP_SENCE_JSON); --apache-config FILE reads FILE instead (apache2 -f FILE -t ...);\n"
          "--course gives them explicitly (line 1: --course :CODIGOCURSO:1).\n"
          "\n"
          "Options\n"
          "  --json                  a JSON array instead of lines\n"
          "  --production            also check production courses (requests go to SENCE's\n"
          "                          production environment; nothing is recorded)\n"
          "  --endpoint URL          SENCE base URL for every course (default: each course's\n"
          "                          SenceEndpoint, else SENCE's test environment); http:// only\n"
          "                          for a loopback host\n"
          "  --cacert FILE           also trust this CA (TLS verification is always on)\n"
          "  --timeout SECONDS       bound of each request (default 15)\n"
          "  --apache-config FILE    the httpd configuration to read\n"
          "  --httpd PROGRAM         the program that reads it (default apache2ctl, or apache2\n"
          "                          with --apache-config)\n"
          "  --token-file FILE       the token for --course, and for sections whose token is\n"
          "                          inline (SenceToken)\n"
          "  --rut-otec RUT          the OTEC's RUT for --course\n"
          "  --course C:CC:L         a course: CodSence, CodigoCurso, LineaCapacitacion\n"
          "  --codigo-curso ID=CODIGO  CodigoCurso of a SenceMoodleCourse that takes the\n"
          "                          course's ID number in Moodle\n"
          "  -h, --help              this text\n"
          "\n"
          "Proxies: the usual environment variables (https_proxy, no_proxy, ...).\n"
          "Exit status: 0 every checked course OK (skipped ones do not count), 1 some course has\n"
          "errors, 2 SENCE could not be reached or gave an unreadable answer for some course, or\n"
          "the courses could not be read (usage errors too).\n",
          stdout);
}

/* What to change for each code; NULL when the code is not about the configuration. */
static const char *fix_of(int code, int moodle)
{
    switch (code) {
    case 200:
        return "SenceRutOtec, SenceToken/SenceTokenFile, SenceCodigoCurso, SenceLinea";
    case 201:
    case 202:
    case 203:
        return "SencePublicURL";
    case 204:
        return moodle ? "SenceMoodleCourse (CodSence)" : "SenceCodSence";
    case 205:
        return moodle ? "SenceMoodleCourse (CodigoCurso) or the course's ID number in Moodle"
                      : "SenceCodigoCurso";
    case 206:
        return "SenceLinea";
    case 207:
        return "sencectl's probe RUN (not the configuration)";
    case 209:
        return "SenceRutOtec";
    case 211:
        return "SenceToken/SenceTokenFile (or SenceRutOtec)";
    case 212:
        return "SenceToken/SenceTokenFile (renovar el token en SENCE)";
    case 301:
        return moodle ? "SenceLinea, SenceMoodleCourse" : "SenceLinea, SenceCodigoCurso";
    case 303:
        return "SenceToken/SenceTokenFile";
    case 306:
        return moodle ? "SenceMoodleCourse (CodSence, CodigoCurso)"
                      : "SenceCodigoCurso, SenceCodSence";
    case 307:
        return "el curso en SENCE (modalidad e-learning) o SenceCodSence";
    case 308:
        return "SenceRutOtec, SenceCodSence";
    case 309:
        return "el curso en SENCE (fechas de ejecución)";
    case 310:
        return "el curso en SENCE (finalizado o anulado)";
    case 300:
    case 302:
    case 304:
    case 305:
        return "informar a SENCE";
    default:
        return NULL;
    }
}

/* http:// is allowed for a loopback host only: a simulator or a local test double. */
static const char *endpoint_ok(apr_pool_t *p, const char *url)
{
    apr_uri_t u;

    if (apr_uri_parse(p, url, &u) != APR_SUCCESS || !u.scheme || !u.hostname || !*u.hostname)
        return "is not an absolute URL";
    if (!strcasecmp(u.scheme, "https"))
        return NULL;
    if (strcasecmp(u.scheme, "http"))
        return "must be https://";
    if (!strcasecmp(u.hostname, "localhost") || !strcmp(u.hostname, "::1") ||
        !strncmp(u.hostname, "127.", 4))
        return NULL;
    return "must be https:// (http:// only for a loopback host)";
}

static const char *read_token(apr_pool_t *p, const char *path, const char **token)
{
    apr_file_t *f;
    char buf[256];
    apr_size_t n = sizeof(buf) - 1;
    apr_status_t rv;
    char *s, *e;

    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, p)) != APR_SUCCESS)
        return apr_psprintf(p, "cannot read the token file %s: %pm", path, &rv);
    rv = apr_file_read(f, buf, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF)
        n = 0;
    buf[n] = '\0';
    for (s = buf; *s && isspace((unsigned char)*s); s++)
        ;
    for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
        ;
    *e = '\0';
    if (!*s || strlen(s) > SENCE_MAX_TOKEN)
        return apr_psprintf(p, "the token file %s does not hold a token", path);
    *token = apr_pstrdup(p, s);
    memset(buf, 0, sizeof(buf));
    return NULL;
}

/* ---- where the courses come from ---------------------------------------------------------- */

static const char *jstr(const sence_json_t *o, const char *key)
{
    const sence_json_t *v = sence_json_get(o, key);
    return v && v->type == SENCE_JSON_STR ? v->str : NULL;
}

static int jint(const sence_json_t *o, const char *key)
{
    const sence_json_t *v = sence_json_get(o, key);
    apr_int64_t n = 0;
    return v && v->type == SENCE_JSON_NUM && sence_json_int(v, &n) ? (int)n : 0;
}

/* Runs the configuration test with -D DUMP_SENCE_JSON; its standard output in *out. */
static const char *run_dump(apr_pool_t *p, const opts_t *o, const char **out)
{
    const char *prog = o->httpd ? o->httpd : o->apache_config ? "apache2" : "apache2ctl";
    const char *args[12]; /* prog -f FILE -t -D X -D Y NULL */
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_file_t *errf;
    char *errpath = apr_pstrdup(p, "/tmp/sencectl.XXXXXX");
    const char *buf = "";
    apr_size_t total = 0;
    apr_exit_why_e why;
    apr_status_t rv;
    int code, n = 0;
    const char *path = getenv("PATH");

    /* apache2ctl and apache2 live in /usr/sbin, often not in a user's PATH */
    setenv("PATH", apr_pstrcat(p, path ? path : "/usr/bin:/bin", ":/usr/sbin:/sbin", NULL), 1);
    args[n++] = prog;
    if (o->apache_config) {
        args[n++] = "-f";
        args[n++] = o->apache_config;
    }
    args[n++] = "-t";
    args[n++] = "-D";
    args[n++] = "DUMP_SENCE_JSON";
    args[n++] = "-D"; /* the database's parameters too (dump.c hides them otherwise) */
    args[n++] = "DUMP_SENCE_JSON_DBD";
    args[n] = NULL;
    if ((rv = apr_file_mktemp(&errf, errpath,
                              APR_FOPEN_DELONCLOSE | APR_FOPEN_READ | APR_FOPEN_WRITE |
                                  APR_FOPEN_CREATE | APR_FOPEN_EXCL,
                              p)) != APR_SUCCESS ||
        (rv = apr_procattr_create(&attr, p)) != APR_SUCCESS ||
        (rv = apr_procattr_io_set(attr, APR_NO_PIPE, APR_FULL_BLOCK, APR_NO_PIPE)) != APR_SUCCESS ||
        (rv = apr_procattr_child_err_set(attr, errf, NULL)) != APR_SUCCESS ||
        (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM_PATH)) != APR_SUCCESS ||
        (rv = apr_proc_create(&proc, prog, args, NULL, attr, p)) != APR_SUCCESS)
        return apr_psprintf(p, "cannot run %s: %pm", prog, &rv);
    for (;;) {
        char chunk[8192];
        apr_size_t len = sizeof(chunk);
        rv = apr_file_read(proc.out, chunk, &len);
        if (len) {
            if (total + len > CTL_MAX_BODY)
                break;
            buf = apr_pstrcat(p, buf, apr_pstrmemdup(p, chunk, len), NULL);
            total += len;
        }
        if (rv != APR_SUCCESS)
            break;
    }
    apr_file_close(proc.out);
    apr_proc_wait(&proc, &code, &why, APR_WAIT);
    if (!APR_PROC_CHECK_EXIT(why) || code != 0) {
        char ebuf[4096];
        apr_size_t elen = sizeof(ebuf) - 1;
        apr_off_t zero = 0;
        apr_file_seek(errf, APR_SET, &zero);
        if (apr_file_read(errf, ebuf, &elen) != APR_SUCCESS)
            elen = 0;
        ebuf[elen] = '\0';
        fputs(ebuf, stderr);
        return apr_psprintf(p, "%s -t failed (exit %d): the configuration does not load", prog,
                            code);
    }
    apr_file_close(errf);
    *out = buf;
    return NULL;
}

static const char *courses_from_dump(apr_pool_t *p, const opts_t *o, apr_array_header_t *list)
{
    const char *out, *why, *start, *end;
    const sence_json_t *doc, *courses;
    int i;

    if ((why = run_dump(p, o, &out)) != NULL)
        return why;
    start = strstr(out, "{\"courses\":[");
    end = strrchr(out, '}');
    if (!start || !end || end < start)
        return "the configuration test printed no DUMP_SENCE_JSON document: is mod_sence "
               "loaded, and recent enough?";
    doc = sence_json_parse(p, start, (apr_size_t)(end - start + 1), &why);
    if (!doc || !(courses = sence_json_get(doc, "courses")) || courses->type != SENCE_JSON_ARR)
        return apr_psprintf(p, "unreadable DUMP_SENCE_JSON document: %s", why ? why : "no array");
    for (i = 0; i < courses->items->nelts; i++) {
        const sence_json_t *c = APR_ARRAY_IDX(courses->items, i, const sence_json_t *);
        course_t *k = apr_array_push(list);
        const char *env = jstr(c, "environment"), *src = jstr(c, "source");
        const sence_json_t *computed = sence_json_get(c, "computed");

        memset(k, 0, sizeof(*k));
        if (c->type != SENCE_JSON_OBJ)
            return "unreadable DUMP_SENCE_JSON document: a course is not an object";
        k->where = jstr(c, "where");
        k->cod_sence = jstr(c, "cod_sence");
        k->codigo_curso = jstr(c, "codigo_curso");
        k->linea = jint(c, "linea");
        k->production = env && !strcmp(env, "production");
        k->endpoint = jstr(c, "endpoint");
        k->rut_otec = jstr(c, "rut_otec");
        k->token_source = jstr(c, "token_source");
        k->computed = computed && computed->type == SENCE_JSON_BOOL && computed->boolean;
        if (src && !strcmp(src, "moodle")) {
            k->moodle_course = jstr(c, "moodle_course");
            k->label = apr_psprintf(p, "SenceMoodleCourse %s (%s)",
                                    k->moodle_course ? k->moodle_course : "?",
                                    jstr(c, "course_where") ? jstr(c, "course_where") : "?");
            if (!k->codigo_curso && k->moodle_course)
                k->codigo_curso =
                    apr_hash_get(o->codigo_curso, k->moodle_course, APR_HASH_KEY_STRING);
            k->moodle_prefix = jstr(c, "moodle_prefix");
            k->dbd_driver = jstr(c, "dbd_driver");
            k->dbd_params = jstr(c, "dbd_params");
        } else {
            k->label = apr_psprintf(p, "%s (%s)", jstr(c, "path") ? jstr(c, "path") : "?",
                                    k->where ? k->where : "?");
        }
    }
    return NULL;
}

static const char *courses_from_args(apr_pool_t *p, const opts_t *o, apr_array_header_t *list)
{
    char rut[SENCE_RUN_MAX + 1];
    int i;

    if (!o->rut_otec || !o->token_file)
        return "--course needs --rut-otec and --token-file";
    if (sence_run_normalize(o->rut_otec, rut) != SENCE_RUN_OK)
        return apr_psprintf(p, "--rut-otec '%s' is not a valid RUT", o->rut_otec);
    for (i = 0; i < o->courses->nelts; i++) {
        const char *spec = APR_ARRAY_IDX(o->courses, i, const char *);
        char *copy = apr_pstrdup(p, spec), *c1 = strchr(copy, ':'), *c2, *end;
        course_t *k;
        if (!c1 || !(c2 = strchr(c1 + 1, ':')) || strchr(c2 + 1, ':'))
            return apr_psprintf(p, "--course '%s': expected CODSENCE:CODIGOCURSO:LINEA", spec);
        *c1 = *c2 = '\0';
        k = apr_array_push(list);
        memset(k, 0, sizeof(*k));
        k->label = apr_psprintf(p, "--course %s", spec);
        k->cod_sence = copy;
        k->codigo_curso = c1 + 1;
        /* any line number: SENCE judges it (206), which is what the check is for */
        k->linea = (int)strtol(c2 + 1, &end, 10);
        if (!isdigit((unsigned char)c2[1]) || *end || k->linea < 1 || k->linea > 99)
            return apr_psprintf(p, "--course '%s': LINEA must be a number (1, 3 or 6)", spec);
        if (!*k->codigo_curso)
            return apr_psprintf(p, "--course '%s': no CodigoCurso", spec);
        k->production = o->production;
        k->endpoint = o->production ? SENCE_BASE_PRODUCTION : SENCE_BASE_TEST;
        k->rut_otec = apr_pstrdup(p, rut);
        k->token_source = o->token_file;
    }
    return NULL;
}

/* ---- a Moodle course's ID number ---------------------------------------------------------- */

/* The course's ID number (its CodigoCurso) read from Moodle's database with the configuration's
 * DBDriver and DBDParams, as the module reads it: by id when the SenceMoodleCourse names a
 * number, else by shortname. Returns NULL or why it could not. */
static const char *moodle_idnumber(apr_pool_t *p, const course_t *k, const char **out)
{
    static int dbd_ready;
    const apr_dbd_driver_t *drv;
    apr_dbd_t *h = NULL;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *err = NULL, *key = k->moodle_course, *prefix = k->moodle_prefix, *sql, *v;
    const char *params = k->dbd_params ? k->dbd_params : "";
    int rv;

    if (!prefix || strspn(prefix, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(prefix))
        return "no usable SenceMoodlePrefix";
    if (!dbd_ready) {
        apr_dbd_init(p);
        dbd_ready = 1;
    }
    if (apr_dbd_get_driver(p, k->dbd_driver, &drv) != APR_SUCCESS)
        return apr_psprintf(p, "no apr_dbd driver '%s' (Debian: libaprutil1-dbd-%s)", k->dbd_driver,
                            k->dbd_driver);
    /* SQLite would create a missing file: never write where the module only reads */
    if (!strcmp(k->dbd_driver, "sqlite3") && access(params, R_OK) != 0)
        return "cannot read Moodle's SQLite database (DBDParams)";
    if (apr_dbd_open_ex(drv, p, params, &h, &err) != APR_SUCCESS)
        return apr_psprintf(p, "cannot open Moodle's database: %s", err ? err : "(no reason)");
    if (*key && strspn(key, "0123456789") == strlen(key))
        sql = apr_psprintf(p, "SELECT idnumber FROM %scourse WHERE id = %s", prefix, key);
    else
        sql = apr_psprintf(p, "SELECT idnumber FROM %scourse WHERE shortname = '%s'", prefix,
                           apr_dbd_escape(drv, p, key, h));
    if ((rv = apr_dbd_select(drv, p, h, &res, sql, 0)) != 0) {
        err = apr_psprintf(p, "Moodle's database: %s", apr_dbd_error(drv, h, rv));
        apr_dbd_close(drv, h);
        return err;
    }
    v = apr_dbd_get_row(drv, p, res, &row, -1) == 0 ? apr_dbd_get_entry(drv, row, 0) : NULL;
    v = v ? apr_pstrdup(p, v) : NULL;
    while (row && apr_dbd_get_row(drv, p, res, &row, -1) == 0)
        ; /* a sequential result is read to its end */
    apr_dbd_close(drv, h);
    if (!v)
        return apr_psprintf(p, "no course '%s' in Moodle's database", key);
    if (!*v)
        return apr_psprintf(p, "the Moodle course '%s' has no ID number (its CodigoCurso)", key);
    *out = v;
    return NULL;
}

/* ---- one course ---------------------------------------------------------------------------- */

static void probe(apr_pool_t *p, const opts_t *o, course_t *k)
{
    const char *base = o->endpoint ? o->endpoint : k->endpoint, *token = NULL, *why, *file;
    char id[SENCE_ID_LEN + 1];
    sence_request_t req;
    ctl_http_answer_t ans;
    ctl_http_opts_t ho = {o->cacert, o->timeout};
    apr_size_t bl;
    int i, only208;

    k->status = ST_SKIPPED;
    if (k->production && !o->production) {
        k->reason = "production course: checking sends a start request to SENCE's production "
                    "environment; run again with --production";
        return;
    }
    if (k->computed) {
        k->reason = "codes computed per request (an expression): check them with --course";
        return;
    }
    if (!k->codigo_curso && k->moodle_course && k->dbd_driver &&
        (why = moodle_idnumber(p, k, &k->codigo_curso)) != NULL) {
        k->reason = apr_psprintf(p, "%s: give its CodigoCurso with --codigo-curso %s=CODIGO", why,
                                 k->moodle_course);
        return;
    }
    if (!k->codigo_curso) {
        k->reason = apr_psprintf(p,
                                 "its CodigoCurso is the course's ID number in Moodle: give "
                                 "it with --codigo-curso %s=CODIGO",
                                 k->moodle_course ? k->moodle_course : "COURSE");
        return;
    }
    if (!k->rut_otec || !k->token_source || !k->linea) {
        k->reason = "no SenceRutOtec, token or SenceLinea in this section";
        return;
    }
    file = strcmp(k->token_source, "inline") ? k->token_source : o->token_file;
    if (!file) {
        k->reason = "the token is inline (SenceToken) and cannot be read from the "
                    "configuration dump: give it with --token-file (SenceTokenFile is "
                    "recommended)";
        return;
    }
    if ((why = read_token(p, file, &token)) != NULL) {
        k->reason = why;
        return;
    }
    if (!base)
        base = k->production ? SENCE_BASE_PRODUCTION : SENCE_BASE_TEST;
    if ((why = endpoint_ok(p, base)) != NULL) {
        k->status = ST_UNREACHABLE;
        k->reason = apr_psprintf(p, "endpoint %s %s", base, why);
        return;
    }
    if (sence_id_new(id) != APR_SUCCESS) {
        k->status = ST_UNREACHABLE;
        k->reason = "no random bytes for the probe IdSesionAlumno";
        return;
    }
    bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    memset(&req, 0, sizeof(req));
    req.rut_otec = k->rut_otec;
    req.token = token;
    req.cod_sence = k->cod_sence ? k->cod_sence : "";
    req.codigo_curso = k->codigo_curso;
    req.linea = k->linea;
    req.run = PROBE_RUN;
    req.id_alumno = apr_pstrcat(p, "sencectl-probe-", id, NULL);
    req.url_retoma = PROBE_RETOMA;
    req.url_error = PROBE_ERROR;
    ctl_http_post(p, apr_pstrcat(p, apr_pstrmemdup(p, base, bl), SENCE_PATH_START, NULL),
                  sence_rce_fields(p, &req), &ho, &ans);
    token = NULL;
    k->status = ST_UNREACHABLE;
    if (ans.error) {
        k->reason = ans.error;
        return;
    }
    if (ans.status >= 300 && ans.status < 400) {
        /* SENCE sends the participant on to authenticate (Clave Única): the parameters
         * passed its checks. */
        if (ans.location && strncasecmp(ans.location, PROBE_ERROR, strlen(PROBE_ERROR))) {
            k->status = ST_OK;
            k->reason = apr_psprintf(p, "redirected to %s", ans.location);
        } else {
            k->reason = apr_psprintf(p, "HTTP %ld without a usable Location", ans.status);
        }
        return;
    }
    if (ans.status != 200) {
        k->reason = apr_psprintf(p, "HTTP %ld", ans.status);
        return;
    }
    switch (ctl_html_read(p, ans.body, ans.len, PROBE_ERROR, &k->codes, &why)) {
    case CTL_ANSWER_LOGIN:
        k->status = ST_OK;
        k->reason = "SENCE's login page";
        return;
    case CTL_ANSWER_UNREADABLE:
        k->reason = apr_psprintf(p, "unrecognisable answer: %s", why);
        return;
    case CTL_ANSWER_ERROR:
        break;
    }
    for (i = 0, only208 = 1; i < k->codes->nelts; i++)
        only208 = only208 && APR_ARRAY_IDX(k->codes, i, int) == 208;
    k->status = only208 ? ST_OK : ST_ERROR;
    k->reason = only208 ? "208 only: the probe RUN is not enrolled, the rest passed" : NULL;
}

/* ---- output -------------------------------------------------------------------------------- */

static const char *js(apr_pool_t *p, const char *s)
{
    return s ? sence_json_string(p, s) : "null";
}

static void print_json(apr_pool_t *p, const apr_array_header_t *list)
{
    int i, j;

    fputs("[", stdout);
    for (i = 0; i < list->nelts; i++) {
        const course_t *k = &APR_ARRAY_IDX(list, i, course_t);
        printf("%s\n{\"cod_sence\":%s,\"codigo_curso\":%s,\"linea\":%d,\"environment\":\"%s\","
               "\"status\":\"%s\",\"codes\":[",
               i ? "," : "", js(p, k->cod_sence ? k->cod_sence : ""), js(p, k->codigo_curso),
               k->linea, k->production ? "production" : "test", status_name[k->status]);
        for (j = 0; k->codes && j < k->codes->nelts; j++) {
            int c = APR_ARRAY_IDX(k->codes, j, int);
            printf("%s{\"code\":%d,\"text\":%s,\"fix\":%s}", j ? "," : "", c,
                   js(p, sence_rce_describe(p, c)), js(p, fix_of(c, k->moodle_course != NULL)));
        }
        fputs("]}", stdout);
        if (k->reason && k->status != ST_OK)
            fprintf(stderr, CTL_PROG ": %s: %s: %s\n", k->label, status_name[k->status], k->reason);
    }
    fputs("\n]\n", stdout);
}

static void print_lines(apr_pool_t *p, const apr_array_header_t *list)
{
    static const char *const word[] = {"OK", "ERROR", "SKIPPED", "UNREACHABLE"};
    int i, j;

    for (i = 0; i < list->nelts; i++) {
        const course_t *k = &APR_ARRAY_IDX(list, i, course_t);
        printf("%-11s %s: CodSence %s CodigoCurso %s linea %d (%s)", word[k->status], k->label,
               k->cod_sence && *k->cod_sence ? k->cod_sence : "-",
               k->codigo_curso ? k->codigo_curso : "?", k->linea,
               k->production ? "production" : "test");
        if (k->status != ST_ERROR && k->reason)
            printf(": %s", k->reason);
        putchar('\n');
        for (j = 0; k->status == ST_ERROR && j < k->codes->nelts; j++) {
            int c = APR_ARRAY_IDX(k->codes, j, int);
            const char *fix = fix_of(c, k->moodle_course != NULL);
            printf("            %d %s%s%s\n", c, sence_rce_describe(p, c), fix ? " -> " : "",
                   fix ? fix : "");
        }
    }
    if (!list->nelts)
        puts("(no gated course)");
}

int ctl_check(apr_pool_t *p, int argc, const char *const *argv)
{
    opts_t o;
    apr_array_header_t *list = apr_array_make(p, 8, sizeof(course_t));
    const char *why, *v = NULL;
    int i, worst = 0, checked = 0;

    memset(&o, 0, sizeof(o));
    o.timeout = 15;
    o.courses = apr_array_make(p, 4, sizeof(const char *));
    o.codigo_curso = apr_hash_make(p);
    for (i = 1; i < argc; i++) {
        int r;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            help();
            return 0;
        }
#define VALUE(name, dst)                                                                           \
    if ((r = ctl_opt(argc, argv, &i, name, 1, &v)) != 0) {                                         \
        if (r < 0)                                                                                 \
            return 2;                                                                              \
        dst = v;                                                                                   \
        continue;                                                                                  \
    }
        VALUE("--endpoint", o.endpoint)
        VALUE("--cacert", o.cacert)
        VALUE("--apache-config", o.apache_config)
        VALUE("--httpd", o.httpd)
        VALUE("--rut-otec", o.rut_otec)
        VALUE("--token-file", o.token_file)
#undef VALUE
        if (ctl_opt(argc, argv, &i, "--json", 0, NULL) == 1) {
            o.json = 1;
            continue;
        }
        if (ctl_opt(argc, argv, &i, "--production", 0, NULL) == 1) {
            o.production = 1;
            continue;
        }
        if ((r = ctl_opt(argc, argv, &i, "--timeout", 1, &v)) != 0) {
            char *end;
            if (r < 0)
                return 2;
            o.timeout = strtol(v, &end, 10);
            if (*end || end == v || o.timeout < 1 || o.timeout > 3600) {
                ctl_err("--timeout wants seconds between 1 and 3600, not '%s'", v);
                return 2;
            }
            continue;
        }
        if ((r = ctl_opt(argc, argv, &i, "--course", 1, &v)) != 0) {
            if (r < 0)
                return 2;
            APR_ARRAY_PUSH(o.courses, const char *) = v;
            continue;
        }
        if ((r = ctl_opt(argc, argv, &i, "--codigo-curso", 1, &v)) != 0) {
            const char *eq;
            if (r < 0)
                return 2;
            if (!(eq = strchr(v, '=')) || eq == v || !eq[1]) {
                ctl_err("--codigo-curso wants COURSE=CODIGO, not '%s'", v);
                return 2;
            }
            apr_hash_set(o.codigo_curso, apr_pstrmemdup(p, v, (apr_size_t)(eq - v)),
                         APR_HASH_KEY_STRING, eq + 1);
            continue;
        }
        ctl_err("check: unknown option '%s'; try sencectl check --help", argv[i]);
        return 2;
    }
    if (o.endpoint && (why = endpoint_ok(p, o.endpoint)) != NULL) {
        ctl_err("--endpoint %s %s", o.endpoint, why);
        return 2;
    }
    if (o.courses->nelts && o.apache_config) {
        ctl_err("--course and --apache-config exclude each other");
        return 2;
    }
    why = o.courses->nelts ? courses_from_args(p, &o, list) : courses_from_dump(p, &o, list);
    if (why) {
        ctl_err("%s", why);
        return 2;
    }
    if (ctl_http_init() != 0) {
        ctl_err("cannot initialise libcurl");
        return 2;
    }
    for (i = 0; i < list->nelts; i++) {
        course_t *k = &APR_ARRAY_IDX(list, i, course_t);
        probe(p, &o, k);
        if (k->status != ST_SKIPPED)
            checked++;
        if (k->status == ST_UNREACHABLE)
            worst = 2;
        else if (k->status == ST_ERROR && worst < 1)
            worst = 1;
    }
    if (o.json)
        print_json(p, list);
    else
        print_lines(p, list);
    if (!checked && list->nelts)
        ctl_err("no course was checked (all skipped)");
    return worst;
}
