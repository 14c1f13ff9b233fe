/* Login attempts and SENCE's form (attempt.c). */
#ifndef SENCE_ATTEMPT_H
#define SENCE_ATTEMPT_H

#include "sence_module.h"

/* SENCE's form for an attempt just stored: the OTEC from the configuration, the rest from
 * the attempt. */
sence_request_t sence_request_for(const sence_dir_conf_t *d, const sence_record_t *attempt,
                                  const char *url_retoma, const char *url_error);

/* Stores a login attempt for p and answers with the page that sends the browser to SENCE. */
int sence_attempt_login(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p);

#endif
