/* The configuration: directives, merges, startup checks, effective values (config.c). */
#ifndef SENCE_CONFIG_H
#define SENCE_CONFIG_H

#include "sence_module.h"

extern const command_rec sence_cmds[];
void *sence_create_dir_conf(apr_pool_t *p, char *dir);
void *sence_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);
void *sence_create_srv_conf(apr_pool_t *p, server_rec *s);
void *sence_merge_srv_conf(apr_pool_t *p, void *basev, void *addv);
int sence_check_config(apr_pool_t *p, server_rec *s);
void sence_config_remember(cmd_parms *cmd, sence_dir_conf_t *d);
/* The environment a section uses: production only when set so, else test. */
sence_env_t sence_effective_env(const sence_dir_conf_t *d);
/* What requests to a section see after merging (approximated for regex sections). */
sence_dir_conf_t *sence_section_effective(apr_pool_t *p, server_rec *s, const sence_section_t *sec);
const char *sence_callback_path(const sence_srv_conf_t *sc);
/* A directive's error: "Name: why". */
const char *sence_cmd_fail(cmd_parms *cmd, const char *why);
apr_interval_time_t sence_lifetime(const sence_dir_conf_t *d);
apr_interval_time_t sence_login_timeout(const sence_dir_conf_t *d);

#endif
