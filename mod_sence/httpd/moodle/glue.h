/* Declarations shared by the httpd glue of Moodle mode (the moodle/ folder); not seen by the rest.
 */
#ifndef SENCE_MOODLE_GLUE_H
#define SENCE_MOODLE_GLUE_H

#include "sence_module.h"
#include "moodle/policy.h"

#define SENCE_MOODLE_SITEID 1
#define SENCE_MOODLE_DEFAULT_MAX_BODY (1024 * 1024)
/* A row is at most TTL old in the shared cache, a quarter more in a child's copy, and a
 * decision made from such rows a quarter more: Moodle's changes show within 1.5 TTL. */
#define SENCE_MLOCAL_TTL(ttl) ((ttl) / 4)

/* db.c: a query's rows, every value a string ("" for SQL NULL) */
typedef struct {
    apr_array_header_t *rows; /* of (const char **) with ncols entries */
    int ncols;
} sence_mresult_t;

apr_status_t sence_mdb_lookup(request_rec *r, sence_mq_t q, const char *a1, const char *a2,
                              sence_mresult_t *res);
const char *sence_mdb_cell(const sence_mresult_t *res, int row, int col);
int sence_mdb_query_index(const char *name);
const char *sence_mdb_sql(apr_pool_t *p, const sence_moodle_srv_t *m, sence_mq_t q);
apr_interval_time_t sence_mdb_ttl(const sence_moodle_srv_t *m);
/* the child's own copy (returns NULL when off or absent) */
const char *sence_mdb_local_get(request_rec *r, const char *key, apr_size_t klen);
void sence_mdb_local_put(const char *key, apr_size_t klen, const char *value, apr_time_t expires);
int sence_mdb_local_on(void);

/* body.c */
sence_who_t sence_mbody_read(request_rec *r, apr_off_t max, const char **body, apr_size_t *len,
                             int *truncated);
void sence_mbody_register(void);

/* filter.c: the second line of defence. lacking: course ids (apr_int64_t) of the user's gated
 * courses without a session; who: the participant for each (sence_participant_t), same order */
void sence_mfilter_add(request_rec *r, const sence_dir_conf_t *d, apr_array_header_t *lacking,
                       apr_array_header_t *who);
void sence_mfilter_register(void);

#endif
