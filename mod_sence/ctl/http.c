/* sencectl: HTTP over libcurl. One easy handle per request; redirects are never followed (a
 * start request's answer is read where SENCE gave it) and TLS peers are always verified. */
#include "ctl.h"
#include "rce.h"

#include <apr_strings.h>
#include <curl/curl.h>
#include <string.h>

typedef struct {
    apr_pool_t *pool;
    char *buf;
    apr_size_t len, cap;
    int too_big;
} sink_t;

int ctl_http_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static size_t on_data(char *data, size_t size, size_t n, void *baton)
{
    sink_t *s = baton;
    size_t add = size * n;

    if (s->len + add > CTL_MAX_BODY) {
        s->too_big = 1;
        return 0; /* aborts the transfer */
    }
    if (s->len + add + 1 > s->cap) {
        apr_size_t cap = s->cap ? s->cap : 16384;
        char *nb;
        while (cap < s->len + add + 1)
            cap *= 2;
        nb = apr_palloc(s->pool, cap);
        if (s->len)
            memcpy(nb, s->buf, s->len);
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, add);
    s->len += add;
    s->buf[s->len] = '\0';
    return add;
}

static const char *form_body(apr_pool_t *p, CURL *h, const apr_array_header_t *fields)
{
    const char *body = "";
    int i;

    for (i = 0; i < fields->nelts; i++) {
        const sence_field_t *f = &APR_ARRAY_IDX(fields, i, sence_field_t);
        char *v = curl_easy_escape(h, f->value, 0);
        if (!v)
            return NULL;
        body = apr_pstrcat(p, body, i ? "&" : "", f->name, "=", v, NULL);
        curl_free(v);
    }
    return body;
}

static void perform(apr_pool_t *p, const char *url, const apr_array_header_t *fields,
                    const ctl_http_opts_t *o, ctl_http_answer_t *out)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    sink_t sink = {p, NULL, 0, 0, 0};
    CURL *h = curl_easy_init();
    CURLcode rc;
    char *loc = NULL;

    memset(out, 0, sizeof(*out));
    if (!h) {
        out->error = "cannot initialise libcurl";
        return;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, CTL_PROG "/" CTL_VERSION);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    if (fields) {
        const char *body = form_body(p, h, fields);
        if (!body) {
            out->error = "cannot encode the form";
            curl_easy_cleanup(h);
            return;
        }
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        out->error = sink.too_big ? apr_psprintf(p, "answer larger than %d bytes", CTL_MAX_BODY)
                                  : apr_pstrdup(p, *errbuf ? errbuf : curl_easy_strerror(rc));
        curl_easy_cleanup(h);
        return;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
        out->location = apr_pstrdup(p, loc);
    out->body = sink.buf ? sink.buf : "";
    out->len = sink.len;
    curl_easy_cleanup(h);
}

void ctl_http_post(apr_pool_t *p, const char *url, const apr_array_header_t *fields,
                   const ctl_http_opts_t *o, ctl_http_answer_t *out)
{
    perform(p, url, fields, o, out);
}

void ctl_http_get(apr_pool_t *p, const char *url, const ctl_http_opts_t *o, ctl_http_answer_t *out)
{
    perform(p, url, NULL, o, out);
}
