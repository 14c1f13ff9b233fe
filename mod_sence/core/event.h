/* Attendance journal lines: one JSON object per event (JSON Lines). */
#ifndef SENCE_EVENT_H
#define SENCE_EVENT_H

#include "provenance.h"
#include "store.h"

/* What happened: one journal line each, counted for the status page. */
typedef enum {
    SENCE_EV_LOGIN_SENT,
    SENCE_EV_START_OK,
    SENCE_EV_START_ERROR,
    SENCE_EV_CLOSE_SENT,
    SENCE_EV_CLOSE_OK,
    SENCE_EV_CLOSE_ERROR,
    SENCE_EV_SESSION_EXPIRED,
    SENCE_EV_LOGIN_ABANDONED,
    SENCE_EV_SESSION_EVICTED,
    SENCE_EV_LOGIN_EVICTED,
    SENCE_EV_CALLBACK_REJECTED,
    SENCE_EV_CLOSE_ABANDONED,
    SENCE_EV_CLOSE_EVICTED,
    SENCE_EV_SESSION_REPLACED, /* the same participant started the same course again */
    SENCE_EV_LOGIN_REPLACED,   /* the participant's oldest pending login made room */
    SENCE_EV_CLOSE_REPLACED,   /* the participant's oldest pending close made room */
    SENCE_EV_ALERT_SENT,       /* an alert mail was accepted by the SMTP server */
    SENCE_EV_ALERT_FAILED,     /* ... could not be delivered, after the last try */
    SENCE_EV_COUNT
} sence_event_kind_t;

/* The event of a record the store dropped: a session ended, or a login or a close was never
 * answered. */
sence_event_kind_t sence_drop_event(sence_kind_t kind, const sence_record_t *rec,
                                    sence_drop_why_t why);

typedef struct {
    sence_event_kind_t ev;
    apr_time_t time;
    const sence_record_t *rec;       /* run, subject, codes, ids, FechaHora... may be NULL */
    const char *id_sesion_alumno;    /* overrides rec->id (e.g. a close attempt's id) */
    const char *ip;                  /* client address, NULL for reaped records */
    const apr_array_header_t *codes; /* GlosaError codes (ints), or NULL */
    const char *reason;              /* why a callback was rejected, or NULL */
    int ended;                       /* close_error that ended the local session anyway */
    const sence_provenance_t *seen;  /* accepted callbacks: what the browser sent */
    const char *suspect;             /* ... and why it does not look like SENCE's page */
    const char *alert;               /* alert events: the alert's kind */
    const char *recipients;          /* ... and to whom (never the mail's text) */
} sence_event_t;

const char *sence_event_name(sence_event_kind_t ev);

/* The journal line for e, newline included. Never holds the token. */
const char *sence_event_json(apr_pool_t *p, const sence_event_t *e);

/* s as a JSON string literal, quotes included. */
const char *sence_json_string(apr_pool_t *p, const char *s);

/* ISO 8601 local time with offset, e.g. 2026-11-29T17:15:02-03:00. */
const char *sence_iso_time(apr_pool_t *p, apr_time_t t);

#endif
