/* The sence-status page (status.c). */
#ifndef SENCE_STATUS_H
#define SENCE_STATUS_H

#include "sence_module.h"

int sence_status_handler(request_rec *r);

#endif
