/* The access decision (gate.c). */
#ifndef SENCE_GATE_H
#define SENCE_GATE_H

#include "sence_module.h"

int sence_gate_access(request_rec *r);
int sence_gate_fixups(request_rec *r);
/* What a participant without a session gets: the gate page (GET navigations), else a
 * status page or JSON. */
int sence_gate_deny(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p);

#endif
