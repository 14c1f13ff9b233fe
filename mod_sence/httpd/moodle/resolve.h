/* Moodle mode glue: references of a request resolved to courses (resolve.c). */
#ifndef SENCE_MOODLE_RESOLVE_H
#define SENCE_MOODLE_RESOLVE_H

#include "moodle/glue.h"

typedef struct {
    apr_int64_t id; /* 0: none */
    const char *shortname;
    const char *idnumber;
} sence_mcourse_t;

const char *sence_mnum(apr_pool_t *p, apr_int64_t n);

/* The course of a lookup by id (SENCE_MQ_COURSE), shortname or idnumber. */
sence_who_t sence_mcourse_by(request_rec *r, sence_mq_t q, const char *arg, sence_mcourse_t *c);

/* The course ref names (c->id 0: none); *exists: what it names is in the database (a system
 * or user context exists without a course). */
sence_who_t sence_mresolve(request_rec *r, const sence_mref_t *ref, sence_mcourse_t *c,
                           int *exists);

/* The SenceMoodleCourse line of a course, by id or shortname; NULL: not gated. */
const sence_moodle_course_t *sence_mconfigured(request_rec *r, const sence_mcourse_t *c);

#endif
