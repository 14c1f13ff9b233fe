/* What a request says (request.c). */
#ifndef SENCE_REQUEST_H
#define SENCE_REQUEST_H

#include <httpd.h>

#include "util.h"

request_rec *sence_root_request(request_rec *r);

/* A HEAD or a browser's prefetch: nobody there to be sent to SENCE. */
int sence_request_speculative(request_rec *r);

/* 0 for XHR, fetch() and subresources, which cannot follow a form to SENCE. */
int sence_request_wants_page(request_rec *r);

/* The session id in the course cookie `name`, if the browser sent exactly one value. */
int sence_request_course_cookie(request_rec *r, const char *name, char id[SENCE_ID_LEN + 1]);

/* The URL the browser asked for, as a safe local path and query (see request.c). */
const char *sence_local_url(request_rec *r);

/* url with one more query parameter. */
const char *sence_url_with(apr_pool_t *p, const char *url, const char *param);

#endif
