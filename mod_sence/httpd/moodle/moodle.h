/* Moodle mode: its configuration, carried inside mod_sence's own dir/server configs. */
#ifndef SENCE_MOODLE_H
#define SENCE_MOODLE_H

#include <apr_hash.h>
#include <apr_tables.h>
#include <apr_time.h>

typedef enum {
    SENCE_MQ_SESSION,
    SENCE_MQ_USER,
    SENCE_MQ_COURSE,
    SENCE_MQ_SHORTNAME,
    SENCE_MQ_IDNUMBER,
    SENCE_MQ_CM,
    SENCE_MQ_INSTANCE,
    SENCE_MQ_CONTEXT,
    SENCE_MQ_COURSE_CONTEXT,
    SENCE_MQ_ROLES,
    SENCE_MQ_GROUPS,
    SENCE_MQ_CONFIG,
    SENCE_MQ_WSTOKEN,
    SENCE_MQ_PRIVATE_KEY,
    SENCE_MQ_USER_COURSES,
    SENCE_MQ_SECTION,
    SENCE_MQ_DISCUSSION,
    SENCE_MQ_POST,
    SENCE_MQ_ENTRY,
    SENCE_MQ_ATTEMPT,
    SENCE_MQ_USERNAME,
    SENCE_MQ_COURSE_NAME, /* alert mails only */
    SENCE_MQ_COUNT
} sence_mq_t;

typedef struct {
    int enabled;                       /* -1 unset */
    const char *root;                  /* Moodle's wwwroot path; NULL unset (the <Location>) */
    int run_field;                     /* 0 unset, 1 idnumber, 2 username */
    apr_array_header_t *gated_roles;   /* NULL unset */
    apr_array_header_t *exempt_roles;  /* NULL unset */
    apr_array_header_t *exempt_groups; /* NULL unset */
} sence_moodle_dir_t;

/* One SenceMoodleCourse line. */
typedef struct {
    const char *cod_sence;
    const char *codigo_curso; /* NULL: the course's ID number in Moodle */
    int linea;                /* 0: SenceLinea */
    const char *where;
} sence_moodle_course_t;

typedef struct {
    const char *prefix;
    const char *cookie;
    apr_interval_time_t ttl; /* -1 unset, 0 off */
    apr_off_t max_body;      /* 0 unset */
    const char *queries[SENCE_MQ_COUNT];
    apr_hash_t *courses; /* id or shortname -> sence_moodle_course_t */
} sence_moodle_srv_t;

#endif
