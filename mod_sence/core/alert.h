/* Alerts to the OTEC: what an alert holds, the contact data kept with a login attempt, the
 * bounded queue the sender delivers from and the throttle, all in one segment of shared
 * memory laid out here (fixed-size slots addressed by index, so every process may map it
 * anywhere, and a newer layout is recognised by its magic). Requests only put alerts in;
 * the one sender takes them out. Mail text is mail.h's. */
#ifndef SENCE_ALERT_H
#define SENCE_ALERT_H

#include <apr_global_mutex.h>
#include <apr_time.h>

#include "rce.h"
#include "run.h"
#include "store.h"

/* Alerts waiting for delivery; beyond it the oldest undelivered one is dropped. */
#define SENCE_ALERT_QUEUE 512
/* Throttle windows remembered at once (participant + course + reason). */
#define SENCE_ALERT_THROTTLE_SLOTS 1024
/* Bytes of the recipient list of one location (SenceAlertMail). */
#define SENCE_ALERT_RECIPIENTS 256
/* Slots of the contact table probed for one key. */
#define SENCE_ALERT_PROBE 8

typedef enum {
    SENCE_ALERT_START_ERROR = 1, /* SENCE answered a login with GlosaError */
    SENCE_ALERT_CLOSE_ERROR,     /* ... a close */
    SENCE_ALERT_ABANDONED,       /* SenceLoginTimeout passed without a callback */
    SENCE_ALERT_NO_RUN,          /* refused at the gate: the profile has no RUN */
    SENCE_ALERT_BAD_RUN,         /* ... an invalid one */
    SENCE_ALERT_TAMPERING,       /* a callback refused as forged, replayed or mismatched */
    SENCE_ALERT_STORE_FULL,      /* the session store is nearly full or evicting */
    SENCE_ALERT_DB_DOWN,         /* the Moodle database does not answer */
    SENCE_ALERT_KINDS
} sence_alert_kind_t;

/* The participant as the LMS or the location's expressions describe them. Text from the LMS:
 * any bytes, cleaned only when a mail is written. */
typedef struct {
    char name[128];
    char email[128];
    char phone[32];
    char mobile[32];
    char course[160]; /* the course's name (Moodle mode), else empty */
} sence_contact_t;

/* What a gated location says about alerts, and the participant, kept with the login
 * attempt (and the session it becomes) in the contact table: SENCE's callbacks carry none of
 * it, and the store's record has no room for it. */
typedef struct {
    sence_contact_t who;
    char recipients[SENCE_ALERT_RECIPIENTS]; /* "a@x.cl, b@y.cl" (checked at startup) */
    char site[104];                          /* SencePublicURL of the virtual host */
    apr_interval_time_t throttle;            /* SenceAlertThrottle */
    int env;                                 /* sence_env_t */
} sence_alert_ctx_t;

/* One alert: one mail to every recipient of ctx. */
typedef struct {
    apr_int32_t kind; /* sence_alert_kind_t */
    apr_int32_t ncodes;
    apr_int32_t codes[SENCE_MAX_CODES];
    apr_time_t time;
    apr_uint32_t held; /* similar alerts the throttle held back before this one */
    apr_int32_t linea;
    char run[SENCE_RUN_MAX + 1];
    char cod_sence[SENCE_MAX_CODSENCE + 1];
    char codigo_curso[SENCE_MAX_CODIGOCURSO + 1];
    char subject[64]; /* who for the throttle: LMS account, RUN as given, client address */
    char detail[192]; /* English-free facts for the mail: the reason of a refusal, figures */
    char url[SENCE_MAX_STORED_URL + 1]; /* the local URL the participant asked for */
    sence_alert_ctx_t ctx;
} sence_alert_t;

typedef struct sence_alertq_t sence_alertq_t;

/* Bytes of shared memory for a queue whose contact table holds contacts entries. */
apr_size_t sence_alertq_bytes(apr_uint32_t contacts);

/* Lays out a fresh segment (sence_alertq_bytes(contacts) bytes); mutex may be NULL for a
 * single thread of a single process (tests). */
sence_alertq_t *sence_alertq_format(apr_pool_t *p, void *base, apr_uint32_t contacts,
                                    apr_global_mutex_t *mutex);

/* The segment formatted earlier (another generation), or NULL if it has another layout. */
sence_alertq_t *sence_alertq_attach(apr_pool_t *p, void *base, apr_global_mutex_t *mutex);

/* Contact table: ctx kept under key (the login attempt's IdSesionAlumno) until expires; a
 * full neighbourhood gives up its entry closest to expiry. */
apr_status_t sence_alertq_remember(sence_alertq_t *q, const char *key, const sence_alert_ctx_t *ctx,
                                   apr_time_t expires, apr_time_t now);
/* APR_NOTFOUND when absent or expired. */
apr_status_t sence_alertq_recall(sence_alertq_t *q, const char *key, apr_time_t now,
                                 sence_alert_ctx_t *out);

/* The throttle key of an alert: kind, participant (run, else subject), course, site,
 * recipients and, for SENCE's errors, the set of codes (order does not matter). */
apr_uint64_t sence_alert_key(const sence_alert_t *a);

/* Queue. Puts a copy of a; when the queue is full the oldest alert not being delivered is
 * dropped and copied to *dropped (if given), returning APR_ENOSPC after queuing a. The
 * throttle is applied first: APR_EAGAIN means a was held back (counted, not queued). */
apr_status_t sence_alertq_put(sence_alertq_t *q, const sence_alert_t *a, apr_time_t now,
                              sence_alert_t *dropped);

/* The sender's side. The oldest alert due by now, marked as being delivered (*slot names it),
 * or APR_NOTFOUND. */
apr_status_t sence_alertq_take(sence_alertq_t *q, apr_time_t now, sence_alert_t *out,
                               apr_uint32_t *slot, apr_uint32_t *tries);
typedef enum { SENCE_ALERT_SENT, SENCE_ALERT_RETRY, SENCE_ALERT_FAILED } sence_alert_outcome_t;
/* After a try: sent and failed free the slot; retry puts it back, due after the backoff of
 * its tries, or fails it when the tries are spent (returns the outcome applied). */
sence_alert_outcome_t sence_alertq_done(sence_alertq_t *q, apr_uint32_t slot,
                                        sence_alert_outcome_t how, apr_time_t now);
/* Alerts left "being delivered" by a sender that died go back to the queue. */
void sence_alertq_recover(sence_alertq_t *q);

/* Seconds to wait after try number tries (1 = the first) failed, or -1: give up. The
 * schedule covers about 35 minutes. */
int sence_alert_backoff(apr_uint32_t tries);

typedef struct {
    apr_uint32_t queued; /* now in the queue (being delivered included) */
    apr_uint32_t capacity;
    apr_uint32_t contacts; /* capacity of the contact table */
    apr_uint64_t sent, failed, throttled, dropped;
} sence_alert_stats_t;

void sence_alertq_stats(sence_alertq_t *q, sence_alert_stats_t *out);

/* Name of a kind for logs and the journal ("start_error"...). */
const char *sence_alert_kind_name(int kind);

#endif
