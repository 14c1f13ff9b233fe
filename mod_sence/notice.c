/* The one-time "session started" notice, injected after <body> of the first HTML page the
 * participant gets back from the course. Streams: nothing is buffered, and it gives up
 * (showing nothing) if <body> is not found early or is split across buckets. */
#include "mod_sence.h"

#include <http_protocol.h>
#include <apr_strings.h>
#include <util_filter.h>

#define NOTICE_FILTER "SENCE_NOTICE"
#define NOTICE_SCAN_LIMIT 32768

typedef struct {
    const char *session_id;
    apr_size_t scanned;
    int checked;
} notice_ctx;

static const char *find_ci(const char *hay, apr_size_t len, const char *needle)
{
    apr_size_t n = strlen(needle), i;

    for (i = 0; i + n <= len; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

/* Position just past the '>' closing the <body ...> tag in data, or 0. */
static apr_size_t body_end(const char *data, apr_size_t len)
{
    const char *b = find_ci(data, len, "<body"), *gt;

    if (!b)
        return 0;
    gt = memchr(b, '>', len - (apr_size_t)(b - data));
    return gt ? (apr_size_t)(gt - data) + 1 : 0;
}

static const char *banner(request_rec *r)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    return apr_psprintf(r->pool,
                        "<link rel=\"stylesheet\" href=\"%s/notice.css\">"
                        "<div class=\"sence-notice\" role=\"status\">Su sesión SENCE fue "
                        "iniciada correctamente.</div>",
                        sence_callback_path(sc));
}

static int applies(request_rec *r)
{
    return r->status == HTTP_OK && r->content_type &&
           strncasecmp(r->content_type, "text/html", 9) == 0 &&
           !apr_table_get(r->headers_out, "Content-Encoding");
}

static apr_status_t notice_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    notice_ctx *ctx = f->ctx;
    request_rec *r = f->r;
    apr_bucket *b;

    if (!ctx->checked) {
        ctx->checked = 1;
        if (!applies(r)) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        apr_table_unset(r->headers_out, "Content-Length");
    }
    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len, at;
        if (APR_BUCKET_IS_METADATA(b))
            continue;
        if (ctx->scanned > NOTICE_SCAN_LIMIT ||
            apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS)
            break;
        if ((at = body_end(data, len)) != 0) {
            const char *html = banner(r);
            apr_bucket_split(b, at);
            APR_BUCKET_INSERT_AFTER(b, apr_bucket_pool_create(html, strlen(html), r->pool,
                                                              r->connection->bucket_alloc));
            sence_store_clear_flag(sence_store(), SENCE_KIND_SESSION, ctx->session_id,
                                   SENCE_FLAG_NOTICE);
            ap_remove_output_filter(f);
            break;
        }
        ctx->scanned += len;
    }
    if (ctx->scanned > NOTICE_SCAN_LIMIT)
        ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

void sence_notice_add(request_rec *r, const char *session_id)
{
    notice_ctx *ctx = apr_pcalloc(r->pool, sizeof(*ctx));

    ctx->session_id = apr_pstrdup(r->pool, session_id);
    ap_add_output_filter(NOTICE_FILTER, ctx, r, r->connection);
}

void sence_notice_register(void)
{
    ap_register_output_filter(NOTICE_FILTER, notice_filter, NULL, AP_FTYPE_RESOURCE);
}
