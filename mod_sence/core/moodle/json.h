/* Strict JSON (RFC 8259) as PHP's json_decode() reads Moodle's AJAX bodies. Pure: APR only.
 * Anything json_decode could read otherwise (a duplicate key: PHP keeps the last; invalid
 * UTF-8, nesting deeper than SENCE_JSON_DEPTH, trailing bytes) is an error here. */
#ifndef SENCE_MOODLE_JSON_H
#define SENCE_MOODLE_JSON_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_tables.h>

#define SENCE_JSON_DEPTH 64

typedef enum {
    SENCE_JSON_NULL,
    SENCE_JSON_BOOL,
    SENCE_JSON_NUM,
    SENCE_JSON_STR,
    SENCE_JSON_ARR,
    SENCE_JSON_OBJ
} sence_json_type_t;

typedef struct sence_json sence_json_t;
struct sence_json {
    sence_json_type_t type;
    const char
        *str; /* SENCE_JSON_STR: decoded (UTF-8, may hold "\u0000"); SENCE_JSON_NUM: the literal */
    int boolean;
    apr_array_header_t *items; /* SENCE_JSON_ARR and SENCE_JSON_OBJ: sence_json_t * */
    apr_array_header_t *keys;  /* SENCE_JSON_OBJ: const char *, parallel to items */
    apr_hash_t *index;         /* SENCE_JSON_OBJ: key -> sence_json_t * */
};

/* Parses the whole of s; NULL and *err (English) when it is not strict JSON. */
sence_json_t *sence_json_parse(apr_pool_t *p, const char *s, apr_size_t len, const char **err);

/* The member key of an object, or NULL. */
const sence_json_t *sence_json_get(const sence_json_t *obj, const char *key);

/* What Moodle's PARAM_INT makes of a value: numbers that are whole (2, 20e-1, 0.2e1), numeric
 * strings cast as PHP does, true as 1. Returns 0 for anything else. */
int sence_json_int(const sence_json_t *v, apr_int64_t *out);

#endif
