/* SENCE's callbacks (callback.c). */
#ifndef SENCE_CALLBACK_H
#define SENCE_CALLBACK_H

#include "sence_module.h"

/* The URI is under SenceCallbackPath: never gated, answered by the callback handler. */
int sence_is_callback_uri(request_rec *r);
int sence_callback_access(request_rec *r);
int sence_claim_callback(request_rec *r);
int sence_callback_handler(request_rec *r);

#endif
