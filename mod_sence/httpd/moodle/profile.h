/* Moodle mode glue: who makes a request (MoodleSession -> mdl_sessions -> mdl_user, or a
 * token) and the participant's profile: RUN and the configured courses where they are gated
 * (roles, exemption groups, site admins), remembered per browser session by each child. */
#ifndef SENCE_MOODLE_PROFILE_H
#define SENCE_MOODLE_PROFILE_H

#include "moodle/resolve.h"

typedef struct {
    sence_mcourse_t c;
    const sence_moodle_course_t *mc;
} gcourse_t;

typedef struct {
    sence_who_t st; /* SENCE_WHO_OK (a user), SENCE_WHO_PASS (nobody signed in), or a failure */
    const char *userid;
    const char *subject;
    const char *fullname;
    const char *email; /* contact data, for alert mails */
    const char *phone1;
    const char *phone2;
    const char *raw_run;       /* the RUN field as the profile has it */
    const char *run;           /* normalised; NULL when not a valid RUN (run_st says why) */
    sence_who_t run_st;        /* SENCE_WHO_NO_RUN, SENCE_WHO_BAD_RUN */
    const char *run_reason;    /* the log line for run_st */
    apr_array_header_t *gated; /* gcourse_t: configured courses where this user is gated */
    apr_time_t until;          /* cacheable until then; 0: not cacheable */
} profile_t;

/* $_COOKIE[MoodleSession] as PHP reads it (NULL: none); *odd: SENCE_PHP_ODD_* of the header. */
const char *sence_msession_cookie(request_rec *r, unsigned *odd);

/* The profile of the user behind the request's token or MoodleSession sid. */
void sence_mprofile_of(request_rec *r, const sence_dir_conf_t *d, const sence_mreq_t *req,
                       const char *sid, profile_t *pr);

#endif
