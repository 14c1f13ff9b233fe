/* The participant's pages, in Spanish (page.c). */
#ifndef SENCE_PAGE_H
#define SENCE_PAGE_H

#include "sence_module.h"

/* The gate page: SENCE's form, auto-submitted, with the course and the OTEC it is for. */
int sence_page_gate(request_rec *r, const char *action, apr_array_header_t *fields,
                    const sence_dir_conf_t *d, const sence_participant_t *who);
/* 503 "Servicio no disponible" with text: the store or the LMS database failed (logged by the
 * caller, with its own tag). */
int sence_page_unavailable(request_rec *r, const char *text);
/* The session store does not answer: a log line saying what could not be done, and the
 * 503 page (fail closed). */
int sence_page_store_down(request_rec *r, const char *what);
int sence_page_message(request_rec *r, int status, const char *title, const char *text,
                       const char *link, const char *link_text);
int sence_page_close(request_rec *r, const char *action, apr_array_header_t *fields,
                     sence_env_t env);
int sence_page_errors(request_rec *r, apr_array_header_t *codes, const char *retry, int closing);
int sence_page_json(request_rec *r, int status, const char *error, const char *message);
int sence_page_asset(request_rec *r, const char *name);
void sence_page_headers(request_rec *r);

#endif
