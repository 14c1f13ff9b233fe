#include "provenance.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>
#include <strings.h>

const char *sence_origin_of(apr_pool_t *p, const char *url)
{
    const char *rest, *end, *dflt;
    char *o;
    apr_size_t n;

    if (!url)
        return NULL;
    if (strncasecmp(url, "https://", 8) == 0) {
        rest = url + 8;
        dflt = ":443";
    } else if (strncasecmp(url, "http://", 7) == 0) {
        rest = url + 7;
        dflt = ":80";
    } else {
        return NULL;
    }
    end = rest + strcspn(rest, "/?#");
    if (end == rest || memchr(rest, '@', (apr_size_t)(end - rest)))
        return NULL;
    n = (apr_size_t)(end - rest);
    if (n > strlen(dflt) && strncmp(end - strlen(dflt), dflt, strlen(dflt)) == 0)
        n -= strlen(dflt);
    o = apr_pstrcat(p, dflt[1] == '4' ? "https://" : "http://", apr_pstrndup(p, rest, n), NULL);
    for (char *c = o; *c; c++)
        *c = (char)apr_tolower(*c);
    return o;
}

int sence_url_trustworthy(const char *url)
{
    const char *host, *end;
    apr_size_t n;

    if (!url)
        return 0;
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    if (strncasecmp(url, "http://", 7) != 0)
        return 0;
    host = url + 7;
    if (*host == '[')
        return strncmp(host, "[::1]", 5) == 0;
    end = host + strcspn(host, ":/?#");
    n = (apr_size_t)(end - host);
    return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
           (n > 10 && strncasecmp(end - 10, ".localhost", 10) == 0) ||
           (n >= 4 && strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n);
}

int sence_origin_in(const char *origin, const apr_array_header_t *origins)
{
    for (int i = 0; origin && origins && i < origins->nelts; i++)
        if (strcasecmp(origin, APR_ARRAY_IDX(origins, i, const char *)) == 0)
            return 1;
    return 0;
}

const char *sence_provenance_suspect(apr_pool_t *p, const sence_provenance_t *seen,
                                     const apr_array_header_t *sence_origins)
{
    apr_array_header_t *why = apr_array_make(p, 4, sizeof(const char *));

    if (seen->origin && strcmp(seen->origin, "null") != 0 &&
        !sence_origin_in(seen->origin, sence_origins))
        APR_ARRAY_PUSH(why, const char *) = "origin";
    if (!seen->fetch_site) {
        if (seen->trustworthy)
            APR_ARRAY_PUSH(why, const char *) = "no-fetch-metadata";
    } else if (strcasecmp(seen->fetch_site, "same-origin") == 0)
        APR_ARRAY_PUSH(why, const char *) = "same-origin";
    else if (strcasecmp(seen->fetch_site, "same-site") == 0)
        APR_ARRAY_PUSH(why, const char *) = "same-site";
    else if (strcasecmp(seen->fetch_site, "none") == 0)
        APR_ARRAY_PUSH(why, const char *) = "fetch-site-none"; /* typed, bookmarked, a tool */
    else if (strcasecmp(seen->fetch_site, "cross-site") != 0)
        APR_ARRAY_PUSH(why, const char *) = "fetch-site-unknown";
    if (seen->fetch_site && (!seen->fetch_mode || strcasecmp(seen->fetch_mode, "navigate") != 0))
        APR_ARRAY_PUSH(why, const char *) = "not-navigation";
    if (seen->since < SENCE_SUSPECT_FAST)
        APR_ARRAY_PUSH(why, const char *) = "fast";
    return why->nelts ? apr_array_pstrcat(p, why, ',') : NULL;
}

const char *sence_provenance_value(apr_pool_t *p, const char *v)
{
    return v ? apr_pstrndup(p, v, SENCE_PROVENANCE_MAX) : NULL;
}
