/* The "session started" notice and the SENCE bar (notice.c). */
#ifndef SENCE_NOTICE_H
#define SENCE_NOTICE_H

#include "sence_module.h"

void sence_notice_add(request_rec *r, const sence_record_t *session, int bar);
void sence_notice_register(void);

#endif
