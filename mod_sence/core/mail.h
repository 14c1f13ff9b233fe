/* The alert mails: Spanish plain text in UTF-8, quoted-printable so that any relay carries it,
 * the Subject as RFC 2047 encoded words. Text that came from the LMS (names, e-mails, phones)
 * is cleaned of control characters and encoded, never copied raw into a header; only the
 * configured addresses (checked by sence_mail_address_ok) become recipients. */
#ifndef SENCE_MAIL_H
#define SENCE_MAIL_H

#include <apr_pools.h>
#include <apr_time.h>

#include "alert.h"

/* An address SenceAlertMail and SenceMailFrom accept: local@domain, the local part a
 * dot-atom (no quotes, no spaces), the domain letters, digits, '-' and dots; at most 254
 * bytes. */
int sence_mail_address_ok(const char *s);

/* The valid addresses of a recipient list ("a@x.cl, b@y.cl"): an array of char *. */
apr_array_header_t *sence_mail_recipients(apr_pool_t *p, const char *list);

/* s safe to print: UTF-8 kept, other bytes read as Latin-1, control characters (CR, LF,
 * TAB, ...) turned into spaces and blanks collapsed, trimmed, at most max bytes (never
 * cutting a character). NULL reads as "". */
const char *sence_mail_clean(apr_pool_t *p, const char *s, apr_size_t max);

/* A header value as RFC 2047 encoded words (UTF-8, base64), folded with CRLF SP. */
const char *sence_mail_encode_words(apr_pool_t *p, const char *s);

/* Quoted-printable (RFC 2045) of UTF-8 text with \n lines; the result has CRLF lines. */
const char *sence_mail_qp(apr_pool_t *p, const char *s);

/* RFC 5322 date of an exploded time: "Wed, 02 Dec 2026 00:18:05 -0300". */
const char *sence_mail_date(apr_pool_t *p, const apr_time_exp_t *t);

/* The Subject, as UTF-8 text (before encoding). */
const char *sence_mail_subject(apr_pool_t *p, const sence_alert_t *a);

/* The body as UTF-8 text with \n lines; when is the alert's time in zone (e.g.
 * "America/Santiago"). */
const char *sence_mail_body(apr_pool_t *p, const sence_alert_t *a, const apr_time_exp_t *when,
                            const char *zone);

typedef struct {
    const char *from;  /* SenceMailFrom */
    const char *msgid; /* unique left part of the Message-ID */
    const apr_time_exp_t *when;
    const char *zone;
} sence_mail_env_t;

/* The whole message, headers and body, CRLF lines, 7-bit. */
const char *sence_mail_message(apr_pool_t *p, const sence_alert_t *a, const sence_mail_env_t *e);

#endif
