/* The alert sender (sender.c): one process per generation that delivers the alert queue. */
#ifndef SENCE_SENDER_H
#define SENCE_SENDER_H

#include "sence_module.h"

/* post_config: forks the sender when alerts are on (restarted if it dies). */
int sence_sender_start(apr_pool_t *pconf, server_rec *s);

#endif
