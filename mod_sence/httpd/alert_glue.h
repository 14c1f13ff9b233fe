/* Alert mails to the OTEC (alert_glue.c): the directives, the queue's segment across generations,
 * and what requests (and the store's drops) put in the queue. Delivery is sender.c's. */
#ifndef SENCE_ALERT_GLUE_H
#define SENCE_ALERT_GLUE_H

#include "sence_module.h"
#include "alert.h"

/* Directives (declared in config.c's table). */
const char *sence_alert_set_mail(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_alert_set_throttle(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_alert_set_participant(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_mail_set_server(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_mail_set_from(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_mail_set_tls(cmd_parms *cmd, void *dv, const char *arg);
const char *sence_mail_set_auth_file(cmd_parms *cmd, void *dv, const char *arg);

/* Startup: a section whose effective configuration sends alerts needs SenceMailFrom
 * (NULL, or why not). Every such section turns the queue and the sender on. */
void sence_alert_check_begin(void);
const char *sence_alert_check(server_rec *s, const sence_dir_conf_t *d);
int sence_alert_wanted(void);

/* Mail transport of a server: effective values. */
const char *sence_mail_host(const sence_srv_conf_t *sc);
int sence_mail_port(const sence_srv_conf_t *sc);
int sence_mail_tls(const sence_srv_conf_t *sc);
const char *sence_mail_tls_name(int tls);

int sence_alert_pre_config(apr_pool_t *pconf);
int sence_alert_post_config(apr_pool_t *pconf, server_rec *s, apr_uint32_t contacts);
void sence_alert_child_init(apr_pool_t *pchild, server_rec *s);
/* This generation's queue (NULL: alerts off); the sender attaches with child_init too. */
sence_alertq_t *sence_alertq(void);

/* Triggers. The gate sent a login: its contact data and alert settings kept with it. */
void sence_alert_login(request_rec *r, const sence_dir_conf_t *d, const sence_participant_t *p,
                       const sence_record_t *attempt);
/* A close attempt carries on the contact data of the session it closes. */
void sence_alert_close(request_rec *r, const sence_record_t *session,
                       const sence_record_t *attempt);
/* SENCE answered an attempt with GlosaError codes. */
void sence_alert_callback_error(request_rec *r, const sence_record_t *attempt,
                                const apr_array_header_t *codes, int closing);
/* The gate refused a participant (no RUN, invalid RUN) or could not decide (Moodle's
 * database down). raw: the RUN as the profile has it, when known. */
void sence_alert_refused(request_rec *r, const sence_dir_conf_t *d, sence_who_t st,
                         const sence_participant_t *p);
/* A callback refused as forged, replayed or mismatched (attempt: the one it named, if
 * found). */
void sence_alert_tampering(request_rec *r, const sence_record_t *attempt, const char *what);
/* The store dropped a record (any process, the sender's sweeps included). */
void sence_alert_dropped(server_rec *s, sence_event_kind_t ev, const sence_record_t *rec);

#endif
