/* What the module adds to course pages, right after <body>: the one-time "session started"
 * notice and, with SenceCloseSession, the SENCE bar (time left, close link). Streams:
 * nothing is buffered, and it gives up (adding nothing) if <body> is not found early or is
 * split across buckets. */
#include "sence_module.h"
#include "config.h"
#include "notice.h"
#include "store_glue.h"
#include "request.h"

#include <http_protocol.h>
#include <apr_strings.h>
#include <util_filter.h>

#define NOTICE_FILTER "SENCE_NOTICE"
#define NOTICE_SCAN_LIMIT 32768

typedef struct {
    const char *session_id;
    int notice;         /* show (and then clear) the session-started notice */
    int bar;            /* show the SENCE bar */
    apr_time_t expires; /* of the session, for the countdown */
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

/* The current URL plus sence_cerrar=1: the close page is served by the gate itself, under
 * the same location, authentication and configuration (and Moodle course) as the page. */
static const char *close_link(request_rec *r)
{
    return sence_url_with(r->pool, sence_local_url(r), "sence_cerrar=1");
}

static const char *banner(request_rec *r, const notice_ctx *ctx)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *cb = sence_callback_path(sc);
    const char *html =
        apr_psprintf(r->pool, "<link rel=\"stylesheet\" href=\"%s/notice.css\">", cb);

    if (ctx->notice)
        html = apr_pstrcat(r->pool, html,
                           "<div class=\"sence-notice\" role=\"status\">Su sesión SENCE fue "
                           "iniciada correctamente.</div>",
                           NULL);
    if (ctx->bar)
        html = apr_psprintf(
            r->pool,
            "%s<div class=\"sence-bar\" id=\"sence-bar\" data-expires=\"%" APR_TIME_T_FMT "\">"
            "Sesión SENCE activa<span class=\"sence-left\" id=\"sence-left\"></span> "
            "<a class=\"sence-close\" href=\"%s\">Cerrar sesión SENCE</a></div>"
            "<script src=\"%s/bar.js\" defer></script>",
            html, apr_time_sec(ctx->expires), ap_escape_html2(r->pool, close_link(r), 0), cb);
    return html;
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
            const char *html = banner(r, ctx);
            apr_bucket_split(b, at);
            APR_BUCKET_INSERT_AFTER(b, apr_bucket_pool_create(html, strlen(html), r->pool,
                                                              r->connection->bucket_alloc));
            if (ctx->notice)
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

void sence_notice_add(request_rec *r, const sence_record_t *session, int bar)
{
    notice_ctx *ctx = apr_pcalloc(r->pool, sizeof(*ctx));

    ctx->session_id = apr_pstrdup(r->pool, session->id);
    ctx->notice = (session->flags & SENCE_FLAG_NOTICE) != 0;
    ctx->bar = bar;
    ctx->expires = session->expires;
    ap_add_output_filter(NOTICE_FILTER, ctx, r, r->connection);
}

void sence_notice_register(void)
{
    ap_register_output_filter(NOTICE_FILTER, notice_filter, NULL, AP_FTYPE_RESOURCE);
}
