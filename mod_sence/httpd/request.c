/* What a request says, read the same way wherever it is needed: the request a subrequest
 * or internal redirect belongs to, whether anyone is there to be sent to SENCE, the course
 * cookie, and the local URL to come back to. */
#include "sence_module.h"
#include "request.h"

#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

/* The request the browser sent, behind subrequests and internal redirects. */
request_rec *sence_root_request(request_rec *r)
{
    while (r->main || r->prev)
        r = r->main ? r->main : r->prev;
    return r;
}

/* A HEAD, or a browser's prefetch (Sec-Purpose, or the older Purpose/X-Moz): nobody is
 * there to be sent to SENCE, so neither a login nor a close attempt is opened. */
int sence_request_speculative(request_rec *r)
{
    const char *h;

    if (r->header_only)
        return 1;
    return ((h = apr_table_get(r->headers_in, "Sec-Purpose")) && ap_strcasestr(h, "prefetch")) ||
           ((h = apr_table_get(r->headers_in, "Purpose")) && ap_strcasestr(h, "prefetch")) ||
           ((h = apr_table_get(r->headers_in, "X-Moz")) && ap_strcasestr(h, "prefetch"));
}

/* XHR, fetch() and subresources cannot follow a form to SENCE: they get a status. */
int sence_request_wants_page(request_rec *r)
{
    const char *xrw = apr_table_get(r->headers_in, "X-Requested-With");
    const char *mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");
    const char *accept = apr_table_get(r->headers_in, "Accept");

    if (xrw && !strcasecmp(xrw, "XMLHttpRequest"))
        return 0;
    if (mode && strcasecmp(mode, "navigate") != 0)
        return 0;
    if (accept && ap_strcasestr(accept, "application/json") && !ap_strcasestr(accept, "text/html"))
        return 0;
    return 1;
}

/* The session id in the course cookie, if the browser sent exactly one (in any of its Cookie
 * headers; cookies separated by ';' or ','). Copied into id, which holds an id or nothing. */
int sence_request_course_cookie(request_rec *r, const char *name, char id[SENCE_ID_LEN + 1])
{
    const apr_array_header_t *h = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)h->elts;
    const char *val = NULL, *v;
    apr_size_t len = 0, l;
    int i, found = 0;

    for (i = 0; i < h->nelts; i++) {
        if (!e[i].key || strcasecmp(e[i].key, "Cookie") != 0)
            continue;
        switch (sence_cookie_find(e[i].val, name, ";,", &v, &l)) {
        case 2:
            found = 2;
            break;
        case 1:
            if (found && (l != len || memcmp(v, val, l) != 0))
                found = 2;
            else if (!found)
                found = 1, val = v, len = l;
            break;
        }
    }
    if (found == 2) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SLOG(2012) "cookie %s sent more than once with different values: ignored",
                      name);
        return 0;
    }
    if (found != 1 || len != SENCE_ID_LEN)
        return 0;
    memcpy(id, val, SENCE_ID_LEN);
    id[SENCE_ID_LEN] = '\0';
    return 1;
}

/* The URL the browser asked for, as a local path and query from the request line, still
 * %-encoded as it came (sence_local_url_of): never a host, a backslash or a control byte, so
 * returning there after SENCE can be neither an open redirect nor a broken header. A URL that
 * is not so (or too long to store) gives the section's own path, or "/". */
const char *sence_local_url(request_rec *r)
{
    const sence_dir_conf_t *d = ap_get_module_config(r->per_dir_config, &sence_module);
    const char *home = d && d->home ? d->home : "/";

    return sence_local_url_of(r->pool, sence_root_request(r)->unparsed_uri, SENCE_MAX_STORED_URL,
                              home);
}

/* url with one more query parameter. */
const char *sence_url_with(apr_pool_t *p, const char *url, const char *param)
{
    return apr_pstrcat(p, url, strchr(url, '?') ? "&" : "?", param, NULL);
}
