/* Which Moodle course a request is about, read as PHP and Moodle read it, and the policy for
 * a gated participant: an allow-list of site pages that show no course content, a table of
 * entry points whose parameters name the course (directly or by a module, a discussion, an
 * attempt...), and default deny for the rest. Pure: APR only; the lookups the references
 * name are made by the glue against Moodle's database. The tables are in policy.c, in one
 * place, to be checked against Moodle's scripts. */
#ifndef SENCE_MOODLE_POLICY_H
#define SENCE_MOODLE_POLICY_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "moodle/json.h"
#include "moodle/php.h"

typedef enum {
    SENCE_MREF_NONE = 0,
    SENCE_MREF_COURSE,     /* num: course id */
    SENCE_MREF_SHORTNAME,  /* text: course shortname */
    SENCE_MREF_IDNUMBER,   /* text: course idnumber */
    SENCE_MREF_CM,         /* num: course module id */
    SENCE_MREF_INSTANCE,   /* text: module name, num: instance id */
    SENCE_MREF_CONTEXT,    /* num: context id */
    SENCE_MREF_SECTION,    /* num: course section id */
    SENCE_MREF_DISCUSSION, /* num: forum discussion id */
    SENCE_MREF_POST,       /* num: forum post id */
    SENCE_MREF_ENTRY,      /* num: glossary entry id */
    SENCE_MREF_ATTEMPT,    /* num: quiz attempt id */
    SENCE_MREF_OPAQUE /* a parameter that names content by an id not resolved: no attribution */
} sence_mref_kind_t;

typedef enum {
    SENCE_MTOKEN_NONE = 0,
    SENCE_MTOKEN_WS,      /* external_tokens.token: the mobile app and web services */
    SENCE_MTOKEN_PRIVATE, /* user_private_key.value: tokenpluginfile.php */
    SENCE_MTOKEN_USERNAME /* wsusername of the web services' simple servers */
} sence_mtoken_kind_t;

/* What an entry point is for a gated participant. */
typedef enum {
    SENCE_MCLASS_UNKNOWN = 0, /* not in the tables: gated content of every gated course */
    SENCE_MCLASS_SITE,        /* allow-listed: shows no course content */
    SENCE_MCLASS_CONTENT,     /* shows the content its parameters name */
    SENCE_MCLASS_FILE,        /* pluginfile.php and its kin: the file's context names the course */
    SENCE_MCLASS_AJAX,        /* lib/ajax/service.php: each call's method and arguments */
    SENCE_MCLASS_WS           /* web services: wsfunction and its arguments */
} sence_mclass_t;

typedef struct {
    sence_mref_kind_t kind;
    apr_int64_t num;
    const char *text;
    int specific; /* a parameter the entry point reads (else a generic courseid=, cmid=...) */
    /* pluginfile only: component/filearea after the context id, for public course files */
    const char *component;
    const char *filearea;
    const char *source; /* what named it, for the log ("id=", "courseid in core_...") */
} sence_mref_t;

typedef struct {
    const char *root;      /* Moodle's root path, no trailing '/' ("" at the server's root) */
    const char *script;    /* relative to Moodle's root: "/course/view.php" */
    const char *path_info; /* decoded, "" if none */
    sence_mclass_t cls;
    const char *entry;        /* the table entry that matched, for the log */
    int body;                 /* 0: none to read; 1: form fields; 2: AJAX JSON */
    apr_array_header_t *vars; /* sence_php_var_t: $_GET, then $_POST */
    const sence_json_t *json; /* the AJAX body */
    unsigned odd;             /* SENCE_PHP_ODD_*: PHP could read it otherwise */
    const char *odd_where;    /* where (query, body, cookie, path) */
    int truncated;            /* the body was longer than what was read */
    sence_mtoken_kind_t token_kind;
    const char *token; /* NULL until found (query, path or body) */
    /* filled by sence_moodle_classify */
    apr_array_header_t *refs; /* sence_mref_t */
    int unattributed;         /* some part names no course (see why) */
    const char *why;
} sence_mreq_t;

/* Reads the URL: root is Moodle's wwwroot path ("" or "/moodle"), uri the decoded request
 * path (r->uri), query the raw query string (may be NULL). */
void sence_moodle_read_url(apr_pool_t *p, const char *root, const char *uri, const char *query,
                           sence_mreq_t *out);

/* Does this request's body matter (POST fields, the AJAX JSON)? */
int sence_moodle_wants_body(const sence_mreq_t *req, const char *ctype);

/* Adds the body's readings ($_POST fields, or the AJAX JSON). */
void sence_moodle_read_body(apr_pool_t *p, sence_mreq_t *req, const char *ctype, const char *body,
                            apr_size_t len);

/* Works out refs, unattributed and why, and the token, from everything read. */
void sence_moodle_classify(apr_pool_t *p, sence_mreq_t *req);

/* A URL that mod_rewrite changed is decided as PHP gets it (into), and what the URL asked
 * for (other) names is added: its references, which can make the request gated, never
 * attributed (an unknown friendly URL rewritten to a Moodle script is that script). */
void sence_moodle_merge(sence_mreq_t *into, const sence_mreq_t *other);

/* Moodle serves these files to anyone who may see the course listing: not gated. */
int sence_moodle_public_file(const sence_mref_t *ref);

/* Last value of name in an undecoded query string, as $_GET has it; NULL if absent. */
const char *sence_query_get(apr_pool_t *p, const char *query, const char *name);

/* For the unit tests: is the script table sorted (bsearch needs it)? */
int sence_moodle_tables_sorted(void);

#endif
