/* Which Moodle course a request may be about, from its URL, query and body. Pure: the
 * lookups it names are done by moodle.c against Moodle's database.
 *
 * Fail closed: where PHP and Moodle could read a request in more than one way (a repeated
 * parameter, name= and id= together, a path and ?file=, POST and GET), every reading is
 * returned, and the request is gated if any of them is a gated course. */
#ifndef SENCE_MOODLE_URL_H
#define SENCE_MOODLE_URL_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef enum {
    MREF_NONE = 0,
    MREF_COURSE,    /* num: course id */
    MREF_SHORTNAME, /* text: course shortname */
    MREF_IDNUMBER,  /* text: course idnumber */
    MREF_CM,        /* num: course module id */
    MREF_INSTANCE,  /* text: module name, num: instance id */
    MREF_CONTEXT,   /* num: context id */
    MREF_SECTION    /* num: course section id (course/section.php) */
} sence_mref_kind;

typedef enum {
    MTOKEN_NONE = 0,
    MTOKEN_WS,     /* external_tokens.token: the mobile app and web services */
    MTOKEN_PRIVATE /* user_private_key.value: tokenpluginfile.php */
} sence_mtoken_kind;

typedef struct {
    sence_mref_kind kind;
    apr_int64_t num;
    const char *text;
    /* pluginfile only: component/filearea after the context id, for public course files */
    const char *component;
    const char *filearea;
} sence_mref_t;

/* What a request's URL says, before its body is read. */
typedef struct {
    apr_array_header_t *refs; /* sence_mref_t, every reading */
    int body;                 /* 0: none; 1: form fields (like the query); 2: AJAX JSON */
    sence_mtoken_kind token_kind;
    const char *token;  /* NULL until found (query, path or body) */
    const char *script; /* path up to ".php", PATH_INFO stripped */
    int truncated;      /* the body was longer than what was read */
} sence_mreq_t;

/* Reads path (as requested, undecoded) and query (undecoded, may be NULL). */
void sence_moodle_request(apr_pool_t *p, const char *path, const char *query, sence_mreq_t *out);

/* Adds the readings of form-encoded fields (a POST body) as PHP would see them in $_POST. */
void sence_moodle_add_form(apr_pool_t *p, sence_mreq_t *req, const char *form);

/* Adds the readings of a multipart/form-data body (text fields only). */
void sence_moodle_add_multipart(apr_pool_t *p, sence_mreq_t *req, const char *body, apr_size_t len,
                                const char *boundary);

/* Adds every courseid/cmid/contextid (and "id" of core_course_*module* calls) of an AJAX
 * JSON body, string escapes decoded, numbers or numeric strings. */
void sence_moodle_add_json(apr_pool_t *p, sence_mreq_t *req, const char *body, apr_size_t len);

/* PHP's (int) of a parameter, as Moodle's PARAM_INT: "2abc" -> 2, " 2" -> 2, "2.9" -> 2. */
apr_int64_t sence_php_int(const char *s);

/* Last value of name in an undecoded query string (PHP keeps the last), names decoded. */
const char *sence_query_get(apr_pool_t *p, const char *query, const char *name);

/* Moodle serves these files to anyone who may see the course listing: not gated. */
int sence_moodle_public_file(const sence_mref_t *ref);

#endif
