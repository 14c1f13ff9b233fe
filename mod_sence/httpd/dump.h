/* httpd -t -D DUMP_SENCE_JSON: every gated course as JSON, for sencectl (dump.c). */
#ifndef SENCE_DUMP_H
#define SENCE_DUMP_H

#include "sence_module.h"

/* Writes the document to standard output. Never the token: only where it comes from. */
void sence_dump_json(apr_pool_t *p, server_rec *s);

#endif
