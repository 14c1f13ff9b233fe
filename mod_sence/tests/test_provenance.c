#include "check.h"
#include "provenance.h"

static const char *suspect(apr_pool_t *p, apr_array_header_t *o, const char *origin,
                           const char *site, const char *mode, int secs)
{
    sence_provenance_t seen = {origin, site, mode, apr_time_from_sec(secs), 1};
    return sence_provenance_suspect(p, &seen, o);
}

int main(void)
{
    apr_pool_t *p;
    apr_array_header_t *o;

    apr_initialize();
    apr_pool_create(&p, NULL);
    /* origins: lower case, default port dropped, path and userinfo refused */
    CHECK_STR(sence_origin_of(p, "https://Sistemas.SENCE.cl/rcetest"), "https://sistemas.sence.cl");
    CHECK_STR(sence_origin_of(p, "https://sistemas.sence.cl:443/rce"), "https://sistemas.sence.cl");
    CHECK_STR(sence_origin_of(p, "http://127.0.0.1:8529/rcetest"), "http://127.0.0.1:8529");
    CHECK_STR(sence_origin_of(p, "http://h:80"), "http://h");
    CHECK_STR(sence_origin_of(p, "HTTP://h:8080?x"), "http://h:8080");
    CHECK(sence_origin_of(p, "ftp://h/") == NULL);
    CHECK(sence_origin_of(p, "https:///x") == NULL);
    CHECK(sence_origin_of(p, "https://u@h/") == NULL);
    CHECK(sence_origin_of(p, NULL) == NULL);
    o = apr_array_make(p, 2, sizeof(const char *));
    APR_ARRAY_PUSH(o, const char *) = sence_origin_of(p, "https://sistemas.sence.cl/rce");
    CHECK(sence_origin_in("https://SISTEMAS.sence.cl", o));
    CHECK(!sence_origin_in("https://sistemas.sence.cl.evil.com", o));
    CHECK(!sence_origin_in(NULL, o));

    /* SENCE's page: cross-site navigation from SENCE's origin (or null), after a while */
    CHECK(suspect(p, o, "https://sistemas.sence.cl", "cross-site", "navigate", 25) == NULL);
    CHECK(suspect(p, o, "null", "cross-site", "navigate", 25) == NULL);
    CHECK(suspect(p, o, NULL, "cross-site", "navigate", 25) == NULL);
    CHECK(suspect(p, o, "https://sistemas.sence.cl", "Cross-Site", "Navigate", 2) == NULL);
    /* forgeries */
    CHECK_STR(suspect(p, o, NULL, NULL, NULL, 25), "no-fetch-metadata");
    CHECK_STR(suspect(p, o, NULL, NULL, NULL, 0), "no-fetch-metadata,fast");
    CHECK_STR(suspect(p, o, "https://cursos.otec.cl", "same-origin", "navigate", 30),
              "origin,same-origin");
    CHECK_STR(suspect(p, o, "https://evil.example", "cross-site", "navigate", 30), "origin");
    CHECK_STR(suspect(p, o, "https://sistemas.sence.cl", "cross-site", "cors", 30),
              "not-navigation");
    CHECK_STR(suspect(p, o, "https://sistemas.sence.cl", "cross-site", NULL, 30), "not-navigation");
    CHECK_STR(suspect(p, o, NULL, "none", "navigate", 30), "fetch-site-none");
    CHECK_STR(suspect(p, o, NULL, "same-site", "navigate", 30), "same-site");
    CHECK_STR(suspect(p, o, NULL, "x", "navigate", 1), "fetch-site-unknown,fast");
    /* no SENCE origin configured: any Origin but null is foreign */
    CHECK_STR(suspect(p, NULL, "https://sistemas.sence.cl", "cross-site", "navigate", 9), "origin");
    /* over plain http to a real host browsers send no Sec-Fetch-*: their absence says nothing */
    {
        sence_provenance_t seen = {"https://sistemas.sence.cl", NULL, NULL, apr_time_from_sec(9),
                                   0};
        CHECK(sence_provenance_suspect(p, &seen, o) == NULL);
        seen.since = 0;
        CHECK_STR(sence_provenance_suspect(p, &seen, o), "fast");
    }
    CHECK(sence_url_trustworthy("https://cursos.otec.cl"));
    CHECK(sence_url_trustworthy("http://localhost:8529"));
    CHECK(sence_url_trustworthy("http://127.0.0.1:8529"));
    CHECK(sence_url_trustworthy("http://[::1]:80"));
    CHECK(sence_url_trustworthy("http://cursos.otec.localhost:8080/"));
    CHECK(!sence_url_trustworthy("http://cursos.otec.cl"));
    CHECK(!sence_url_trustworthy("http://localhost.cl"));
    CHECK(!sence_url_trustworthy("http://127.0.0.1.evil.com"));
    CHECK(!sence_url_trustworthy("http://localhost.evil.com/"));
    CHECK(!sence_url_trustworthy(NULL));
    /* kept values are capped */
    {
        char big[600];
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        CHECK(strlen(sence_provenance_value(p, big)) == SENCE_PROVENANCE_MAX);
        CHECK(sence_provenance_value(p, NULL) == NULL);
    }
    return check_done("provenance");
}
