/* Who asks, for which course (identity_run.c; Moodle mode: moodle/decide.c). */
#ifndef SENCE_IDENTITY_H
#define SENCE_IDENTITY_H

#include "mod_sence.h"

/* SENCE_WHO_OK and p filled, or why not in *reason. *has_session: set in Moodle mode, which
 * looks the sessions up while deciding (*session: its head); else left at -1. */
sence_who_t sence_identify(request_rec *r, const sence_dir_conf_t *d, sence_participant_t *p,
                           const char **reason, int *has_session, sence_record_t *session);

#endif
