/* The second line of defence: Moodle states the course of every page it renders in the body
 * tag (<body ... class="... course-N ...">). For HTML answers to a gated participant who
 * lacks some gated course's session, this output filter reads the body tag; a page of such
 * a course that the first line (decide.c) let through is replaced by the gate and logged as a
 * missed reading (SENCE2014), so a new bypass becomes a log line, not a leak. Only added for
 * gated participants without every session; files and other types pass at the first call. */
#include "moodle/glue.h"
#include "gate.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>

#define FILTER_NAME "SENCE_MOODLE_PAGE"
/* Moodle's <head> (inline configuration, styles) is 10-60 KiB: look this far for <body; the
 * answer is held until then. */
#define LOOK_MAX (512 * 1024)

typedef enum { LOOKING, PASSING, DROPPING } mf_state;

/* The body tag is looked for in place, bucket by bucket; only the tag itself is copied (up to
 * TAG_MAX bytes: Moodle's is about 200), and the last bytes of a bucket are kept so that a
 * "<body" cut between two buckets is still seen. */
#define TAG_MAX 4096

typedef struct {
    const sence_dir_conf_t *d;
    apr_array_header_t *lacking; /* apr_int64_t */
    apr_array_header_t *who;     /* sence_participant_t */
    apr_bucket_brigade *held;
    char carry[8]; /* the last bytes of the data before, for a "<body" across buckets */
    apr_size_t ncarry;
    char *tag; /* from "<body", once seen */
    apr_size_t taglen;
    int tag_done; /* its '>' seen (or TAG_MAX reached) */
    apr_size_t seen;
    mf_state state;
} mf_ctx;

void sence_mfilter_add(request_rec *r, const sence_dir_conf_t *d, apr_array_header_t *lacking,
                       apr_array_header_t *who)
{
    mf_ctx *ctx = apr_pcalloc(r->pool, sizeof(*ctx));

    ctx->d = d;
    ctx->lacking = lacking;
    ctx->who = who;
    ctx->state = LOOKING;
    ap_add_output_filter(FILTER_NAME, ctx, r, r->connection);
}

/* The course ids in the class attribute of the body tag tag[0..n): "course-N" tokens. */
static int body_course(const mf_ctx *ctx, const char *tag, apr_size_t n, int *which)
{
    const char *end = tag + n, *s = tag;

    while (s < end) {
        const char *c = memchr(s, 'c', (apr_size_t)(end - s));
        if (!c || end - c < 7)
            return 0;
        if (!strncmp(c, "course-", 7) && (c == tag || c[-1] == ' ' || c[-1] == '"' ||
                                          c[-1] == '\'' || c[-1] == '\t' || c[-1] == '\n')) {
            apr_int64_t id = 0;
            const char *q = c + 7;
            while (q < end && *q >= '0' && *q <= '9' && id < APR_INT64_C(100000000000))
                id = id * 10 + (*q++ - '0');
            if (q > c + 7 && (q == end || *q == ' ' || *q == '"' || *q == '\'' || *q == '\t')) {
                int i;
                for (i = 0; i < ctx->lacking->nelts; i++)
                    if (APR_ARRAY_IDX(ctx->lacking, i, apr_int64_t) == id) {
                        *which = i;
                        return 1;
                    }
            }
        }
        s = c + 1;
    }
    return 0;
}

static int body_start(const char *s, apr_size_t n, apr_size_t i)
{
    return i + 6 <= n && s[i] == '<' && !strncasecmp(s + i, "<body", 5) &&
           (s[i + 5] == ' ' || s[i + 5] == '>' || s[i + 5] == '\n' || s[i + 5] == '\t' ||
            s[i + 5] == '\r');
}

/* Adds the tag's bytes from data (they start at data when the tag began before). */
static void tag_add(request_rec *r, mf_ctx *ctx, const char *data, apr_size_t len)
{
    const char *close = memchr(data, '>', len);
    apr_size_t n = close ? (apr_size_t)(close - data) : len;

    if (!ctx->tag)
        ctx->tag = apr_palloc(r->pool, TAG_MAX);
    if (ctx->taglen + n > TAG_MAX)
        n = TAG_MAX - ctx->taglen;
    memcpy(ctx->tag + ctx->taglen, data, n);
    ctx->taglen += n;
    if (close || ctx->taglen == TAG_MAX)
        ctx->tag_done = 1;
}

/* Looks at one piece of the answer for the body tag. */
static void scan(request_rec *r, mf_ctx *ctx, const char *data, apr_size_t len)
{
    apr_size_t i;

    if (ctx->tag) {
        tag_add(r, ctx, data, len);
        return;
    }
    /* a "<body" across the previous piece and this one */
    if (ctx->ncarry) {
        char joined[16];
        apr_size_t k = len < 6 ? len : 6;
        memcpy(joined, ctx->carry, ctx->ncarry);
        memcpy(joined + ctx->ncarry, data, k);
        for (i = 0; i < ctx->ncarry; i++)
            if (body_start(joined, ctx->ncarry + k, i)) {
                tag_add(r, ctx, joined + i, ctx->ncarry - i);
                if (!ctx->tag_done)
                    tag_add(r, ctx, data, len);
                return;
            }
    }
    for (i = 0; i < len; i++) {
        const char *lt = memchr(data + i, '<', len - i);
        if (!lt)
            break;
        i = (apr_size_t)(lt - data);
        if (body_start(data, len, i)) {
            tag_add(r, ctx, data + i, len - i);
            return;
        }
    }
    ctx->ncarry = len < 5 ? len : 5;
    memcpy(ctx->carry, data + len - ctx->ncarry, ctx->ncarry);
}

/* Replaces the answer by what a participant without a session gets. */
static apr_status_t replace(ap_filter_t *f, mf_ctx *ctx, int which, int eos)
{
    request_rec *r = f->r;
    const sence_participant_t *p = &APR_ARRAY_IDX(ctx->who, which, sence_participant_t);
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, f->c->bucket_alloc);
    const char *page;

    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  SLOG(2014) "missed reading: %s %s%s%s is a page of gated course %" APR_INT64_T_FMT
                             " (its body says so) for RUN %s without a SENCE session; replaced "
                             "by the gate. Please report this URL to mod_sence.",
                  r->method, r->uri, r->args ? "?" : "", r->args ? r->args : "",
                  APR_ARRAY_IDX(ctx->lacking, which, apr_int64_t), p->run);
    apr_brigade_cleanup(ctx->held);
    ctx->state = DROPPING;
    apr_table_unset(r->headers_out, "Content-Length");
    apr_table_unset(r->headers_out, "ETag");
    apr_table_unset(r->headers_out, "Last-Modified");
    apr_table_unset(r->headers_out, "Expires");
    apr_table_unset(r->err_headers_out, "Content-Length");
    apr_table_setn(r->notes, SENCE_NOTE_CAPTURE, "1");
    sence_gate_deny(r, ctx->d, p);
    page = apr_table_get(r->notes, SENCE_NOTE_CAPTURE);
    apr_table_unset(r->notes, SENCE_NOTE_CAPTURE);
    if (!page || !strcmp(page, "1")) { /* a status without a page */
        r->status = HTTP_FORBIDDEN;
        ap_set_content_type(r, "text/plain; charset=utf-8");
        page = "Sesión SENCE requerida.\n";
    }
    APR_BRIGADE_INSERT_TAIL(
        bb, apr_bucket_pool_create(page, strlen(page), r->pool, f->c->bucket_alloc));
    if (eos)
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
    return ap_pass_brigade(f->next, bb);
}

static apr_status_t mfilter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    mf_ctx *ctx = f->ctx;
    request_rec *r = f->r;
    int eos = 0, which;

    if (ctx->state == PASSING)
        return ap_pass_brigade(f->next, bb);
    if (ctx->state == DROPPING) {
        apr_bucket *b;
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b))
            if (APR_BUCKET_IS_EOS(b))
                eos = 1;
        apr_brigade_cleanup(bb);
        if (eos) {
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
            return ap_pass_brigade(f->next, bb);
        }
        return APR_SUCCESS;
    }
    if (!ctx->held) {
        /* only Moodle's own HTML pages, uncompressed */
        const char *type = r->content_type;
        if (r->status != HTTP_OK || !type || strncasecmp(type, "text/html", 9) != 0 ||
            apr_table_get(r->headers_out, "Content-Encoding")) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        ctx->held = apr_brigade_create(r->pool, f->c->bucket_alloc);
    }
    while (!APR_BRIGADE_EMPTY(bb)) {
        apr_bucket *b = APR_BRIGADE_FIRST(bb);
        const char *data;
        apr_size_t len;
        if (APR_BUCKET_IS_EOS(b)) {
            eos = 1;
        } else if (!APR_BUCKET_IS_METADATA(b) && !ctx->tag_done && ctx->seen < LOOK_MAX &&
                   apr_bucket_read(b, &data, &len, APR_BLOCK_READ) == APR_SUCCESS) {
            ctx->seen += len;
            scan(r, ctx, data, len);
        }
        apr_bucket_setaside(b, r->pool);
        APR_BUCKET_REMOVE(b);
        APR_BRIGADE_INSERT_TAIL(ctx->held, b);
        if (eos)
            break;
    }
    apr_brigade_cleanup(bb);
    if (ctx->tag_done) {
        if (body_course(ctx, ctx->tag, ctx->taglen, &which))
            return replace(f, ctx, which, eos);
    } else if (!eos && ctx->seen < LOOK_MAX) {
        return APR_SUCCESS; /* keep looking */
    }
    ctx->state = PASSING;
    return ap_pass_brigade(f->next, ctx->held);
}

void sence_mfilter_register(void)
{
    ap_register_output_filter(FILTER_NAME, mfilter, NULL, AP_FTYPE_CONTENT_SET);
}
