/* The request body of a Moodle request: read (bounded) so its fields can be looked at, and
 * handed on to Moodle unchanged through an input filter that replays it. */
#include "moodle/glue.h"

#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

#define REPLAY_FILTER "SENCE_REPLAY"

static apr_status_t replay_filter(ap_filter_t *f, apr_bucket_brigade *bb, ap_input_mode_t mode,
                                  apr_read_type_e block, apr_off_t readbytes)
{
    apr_bucket_brigade *kept = f->ctx;
    apr_bucket *after;
    apr_status_t rv;

    if (mode != AP_MODE_READBYTES || APR_BRIGADE_EMPTY(kept))
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    if ((rv = apr_brigade_partition(kept, readbytes, &after)) != APR_SUCCESS &&
        rv != APR_INCOMPLETE)
        return rv;
    while (!APR_BRIGADE_EMPTY(kept) && APR_BRIGADE_FIRST(kept) != after) {
        apr_bucket *b = APR_BRIGADE_FIRST(kept);
        APR_BUCKET_REMOVE(b);
        APR_BRIGADE_INSERT_TAIL(bb, b);
    }
    return APR_SUCCESS;
}

/* Reads the body up to max bytes (what lies beyond is left for Moodle to read) and arranges
 * for Moodle to read it all unchanged. *truncated: the body is longer than what was read. */
sence_who_t sence_mbody_read(request_rec *r, apr_off_t max, const char **body, apr_size_t *len,
                             int *truncated)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_bucket_brigade *kept = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    int eos = 0;
    char *buf;

    *body = "";
    *len = 0;
    while (!eos && total <= max) {
        apr_status_t rv =
            ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, 8192);
        if (rv != APR_SUCCESS)
            return SENCE_WHO_BAD_REQUEST;
        while (!APR_BRIGADE_EMPTY(bb)) {
            apr_bucket *b = APR_BRIGADE_FIRST(bb);
            if (APR_BUCKET_IS_EOS(b))
                eos = 1;
            else if (!APR_BUCKET_IS_METADATA(b))
                total += (apr_off_t)b->length;
            apr_bucket_setaside(b, r->pool);
            APR_BUCKET_REMOVE(b);
            APR_BRIGADE_INSERT_TAIL(kept, b);
        }
    }
    *truncated = !eos;
    ap_add_input_filter(REPLAY_FILTER, kept, r, r->connection);
    *len = (apr_size_t)total;
    buf = apr_palloc(r->pool, *len + 1);
    apr_brigade_flatten(kept, buf, len);
    buf[*len] = '\0';
    *body = buf;
    return SENCE_WHO_OK;
}

void sence_mbody_register(void)
{
    ap_register_input_filter(REPLAY_FILTER, replay_filter, NULL, AP_FTYPE_RESOURCE);
}
