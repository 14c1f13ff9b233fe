/* The shared store in httpd: SenceSessionStore names an Apache socache provider (redis,
 * memcache) whose instance becomes the key-value service of store_kv.h; this server's
 * shared-memory table is its local copy (SenceStoreLocalCache). */
#ifndef SENCE_STORE_SOCACHE_H
#define SENCE_STORE_SOCACHE_H

#include <httpd.h>
#include <http_config.h>

#include "store_kv.h"

/* Directive handlers (declared in cmds.c). */
const char *sence_store_set_backend(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_store_set_local_cache(cmd_parms *cmd, void *dv, const char *arg);

/* SenceStoreLocalCache when unset. */
#define SENCE_DEFAULT_LOCAL_CACHE apr_time_from_sec(5)

/* The configured provider ("redis"), its arguments ("10.0.0.5:6379"), and the local copy's
 * bound; *name NULL for the shared-memory table alone. */
void sence_socache_configured(const char **name, const char **args, apr_interval_time_t *bound);

/* post_config: initialises the provider's instance for this generation; its kv view for
 * this process. APR_SUCCESS without a provider too (kv->get NULL then). */
apr_status_t sence_socache_init(apr_pool_t *pconf, server_rec *s, sence_kv_t *kv);

#endif
