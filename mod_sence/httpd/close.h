/* The close page, served at a gated URL with ?sence_cerrar=1 (close.c). */
#ifndef SENCE_CLOSE_H
#define SENCE_CLOSE_H

#include "sence_module.h"

int sence_close_page(request_rec *r, const sence_dir_conf_t *d, const sence_record_t *session);

#endif
