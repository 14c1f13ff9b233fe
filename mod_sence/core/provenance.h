/* Where a callback came from, as the browser tells it: SENCE's callbacks are cross-site
 * top-level form POSTs from SENCE's page, after the participant authenticated there. The
 * protocol signs nothing, so a participant can post a "success" for their own attempt; what
 * the browser sends (Origin, Sec-Fetch-*) and the time since the gate page tell most such
 * forgeries from SENCE's page. They are flagged (journal, report, status page), not refused. */
#ifndef SENCE_PROVENANCE_H
#define SENCE_PROVENANCE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* A callback sooner than this after its gate page is flagged "fast": nobody authenticates at
 * SENCE (RUN and Clave SENCE or ClaveÚnica) in less. */
#define SENCE_SUSPECT_FAST apr_time_from_sec(2)

/* Longest header value kept (journal, logs). */
#define SENCE_PROVENANCE_MAX 200

typedef struct {
    const char *origin;        /* Origin header, NULL if absent */
    const char *fetch_site;    /* Sec-Fetch-Site */
    const char *fetch_mode;    /* Sec-Fetch-Mode */
    apr_interval_time_t since; /* since the attempt was made (its gate page) */
    int trustworthy; /* the callback URL is one browsers send Sec-Fetch-* to (see below) */
} sence_provenance_t;

/* 1 if browsers send fetch metadata (Sec-Fetch-*) to this URL: https, or http to a loopback
 * host (localhost and *.localhost, 127.0.0.0/8, [::1]: "potentially trustworthy" in the
 * Secure Contexts spec). Over plain http to another host Chromium sends none,
 * so their absence there says nothing. */
int sence_url_trustworthy(const char *url);

/* The origin (lower-case scheme://host, :port unless the scheme's default) of an absolute
 * http(s) URL, NULL if it is not one. */
const char *sence_origin_of(apr_pool_t *p, const char *url);

/* 1 if origin (an Origin header value) is one of origins (const char *, from
 * sence_origin_of), compared case-insensitively. */
int sence_origin_in(const char *origin, const apr_array_header_t *origins);

/* Why this callback does not look like SENCE's page, reasons joined by ',' (e.g.
 * "no-fetch-metadata,fast"), or NULL when it does: an Origin that is neither one of
 * sence_origins nor "null" ("origin"), a Sec-Fetch-Site other than cross-site ("same-origin",
 * "same-site", "fetch-site-none", "fetch-site-unknown"), none at all where a browser sends
 * them (seen->trustworthy: "no-fetch-metadata"), a Sec-Fetch-Mode other than navigate
 * ("not-navigation"), sooner than SENCE_SUSPECT_FAST ("fast"). */
const char *sence_provenance_suspect(apr_pool_t *p, const sence_provenance_t *seen,
                                     const apr_array_header_t *sence_origins);

/* A header value as kept: at most SENCE_PROVENANCE_MAX bytes, NULL stays NULL. */
const char *sence_provenance_value(apr_pool_t *p, const char *v);

#endif
