/* Moodle mode as the rest of the module sees it: directives, lifecycle, identity (moodle/). */
#ifndef SENCE_MOODLE_MODE_H
#define SENCE_MOODLE_MODE_H

#include "sence_module.h"

const char *sence_moodle_set_flag(cmd_parms *cmd, void *dv, int on);
const char *sence_moodle_set_root(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_run_field(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_list(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_srv(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_moodle_set_query(cmd_parms *cmd, void *dv, const char *name, const char *sql);
const char *sence_moodle_set_course(cmd_parms *cmd, void *dv, const char *args);
int sence_moodle_pre_config(apr_pool_t *pconf);
void sence_moodle_dir_init(sence_moodle_dir_t *m);
void sence_moodle_dir_merge(sence_moodle_dir_t *out, const sence_moodle_dir_t *base,
                            const sence_moodle_dir_t *add);
void sence_moodle_srv_init(apr_pool_t *p, sence_moodle_srv_t *m);
void sence_moodle_srv_merge(apr_pool_t *p, sence_moodle_srv_t *out, const sence_moodle_srv_t *base,
                            const sence_moodle_srv_t *add);
int sence_moodle_check(apr_pool_t *p, server_rec *s, const sence_dir_conf_t *d, const char **why);
int sence_moodle_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void sence_moodle_child_init(apr_pool_t *p, server_rec *s);
void sence_moodle_register(apr_pool_t *p);
/* SENCE_WHO_OK: who is the participant of the course the request needs; *has_session says whether
 * the browser holds its live session (*session: its head), found while deciding. */
sence_who_t sence_moodle_identify(request_rec *r, const sence_dir_conf_t *d,
                                  sence_participant_t *who, const char **reason, int *has_session,
                                  sence_record_t *session);

#endif
