/* Who asks, for which course. */
#ifndef SENCE_IDENTITY_H
#define SENCE_IDENTITY_H

#include "sence_module.h"

/* An identity source: SENCE_WHO_OK and p filled, or why not in *reason. *has_session: set
 * by a source that looks the sessions up while deciding (*session: its head); else left at
 * -1. */
typedef sence_who_t sence_identity_fn(request_rec *r, const sence_dir_conf_t *d,
                                      sence_participant_t *p, const char **reason, int *has_session,
                                      sence_record_t *session);

sence_identity_fn sence_identity_run; /* identity_run.c: SenceRun and the section's codes */
/* Moodle mode's source is sence_moodle_identify (moodle/decide.c). */

/* Does this browser hold a live session for p's course (rec: its head)? */
int sence_identity_session(request_rec *r, const sence_participant_t *p, sence_record_t *rec);

/* The checks every section needs, then the section's source (identity.c). */
sence_identity_fn sence_identify;

#endif
