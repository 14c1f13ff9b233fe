/* Which Moodle course a request is about, from its URL or AJAX body. Pure: the lookups it
 * names are done by moodle.c against Moodle's database. */
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
    MREF_AJAX,      /* the course is in the JSON body: read it, then sence_moodle_json_refs */
    MREF_WS         /* a web-service call: courses in its parameters, sence_moodle_form_refs */
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
    /* identity by token instead of the MoodleSession cookie */
    sence_mtoken_kind token_kind;
    const char *token;
} sence_mref_t;

/* The reference a URL makes (path as requested, query undecoded, may be NULL).
 * MREF_NONE: not course content as far as the URL tells. */
sence_mref_t sence_moodle_url_ref(apr_pool_t *p, const char *path, const char *query);

/* Every courseid/cmid/contextid number in a JSON body, as refs (MREF_COURSE, MREF_CM,
 * MREF_CONTEXT). Tolerant: it scans for keys, it does not validate JSON. */
apr_array_header_t *sence_moodle_json_refs(apr_pool_t *p, const char *body, apr_size_t len);

/* courseid, courseids[N], cmid, cmids[N], contextid in a form-encoded string (query or body),
 * as refs; *wstoken receives the wstoken parameter if present. */
apr_array_header_t *sence_moodle_form_refs(apr_pool_t *p, const char *form, const char **wstoken);

/* First value of name in an undecoded query string, decoded; NULL if absent. */
const char *sence_query_get(apr_pool_t *p, const char *query, const char *name);

/* Moodle serves these files to anyone who may see the course listing: not gated. */
int sence_moodle_public_file(const sence_mref_t *ref);

#endif
