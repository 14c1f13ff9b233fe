/* The store in httpd: backends are providers (group SENCE_STORE_PROVIDER, version "0"),
 * made in post_config for each generation and attached again in each child. The one backend
 * today is the shared-memory table ("shm"), its segment retained across graceful and full
 * restarts; the status page's counters live in a retained block beside it. */
#ifndef SENCE_STORE_GLUE_H
#define SENCE_STORE_GLUE_H

#include <httpd.h>

#include "counters.h"
#include "store.h"

#define SENCE_STORE_PROVIDER "sence_store"

typedef struct {
    /* post_config: this generation's store of capacity records (retained ones reused when
     * they fit), or NULL after logging why. */
    sence_store_t *(*create)(apr_pool_t *pconf, server_rec *s, apr_uint32_t capacity);
    /* child_init: the child's view of the store made by create. */
    sence_store_t *(*child_init)(apr_pool_t *pchild, server_rec *s, sence_store_t *store);
} sence_store_backend_t;

void sence_store_register(apr_pool_t *p);
int sence_store_pre_config(apr_pool_t *pconf);
int sence_store_post_config(apr_pool_t *pconf, server_rec *s);
void sence_store_child_init(apr_pool_t *pchild, server_rec *s);

/* This generation's (this child's) store and counters; NULL before post_config. */
sence_store_t *sence_store(void);
/* The shared-memory table: the store itself, or the local copy of a shared one. */
sence_store_t *sence_store_local(void);
/* 1 when SenceSessionStore names a shared store. */
int sence_store_shared(void);
sence_counters_t *sence_counters(void);
/* When the store's segment in use was created (0 before post_config): httpd's start, unless
 * a new record layout made a fresh one; graceful and full restarts keep it. */
apr_time_t sence_store_created(void);
/* When this generation's configuration was loaded: the last start, restart or graceful
 * restart (the scoreboard's restart_time stays put across graceful ones). */
apr_time_t sence_generation_loaded(void);

#endif
