/* For the differential tests against PHP (php_parse_str.sh, php_http.pl): reads cases, one
 * per line in hex, and prints how mod_sence reads each: "1" when it would refuse it
 * (SENCE_PHP_ODD_*), else "0" and what PHP should have: for $_GET and $_POST every top-level
 * name with the type and value of its last occurrence ("[]" for an array, else the value in
 * hex), names sorted; for $_COOKIE[MoodleSession] its value in hex or "-". */
#include "moodle/php.h"

#include <apr_general.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *hex(apr_pool_t *p, const char *s)
{
    static const char digits[] = "0123456789abcdef";
    apr_size_t n = strlen(s), i;
    char *out = apr_palloc(p, 2 * n + 1);

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[(unsigned char)s[i] >> 4];
        out[2 * i + 1] = digits[(unsigned char)s[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

static char *unhex(apr_pool_t *p, const char *h, apr_size_t n, apr_size_t *len)
{
    char *out = apr_palloc(p, n / 2 + 1);
    apr_size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        char b[3] = {h[i], h[i + 1], 0};
        out[i / 2] = (char)strtol(b, NULL, 16);
    }
    out[n / 2] = '\0';
    *len = n / 2;
    return out;
}

/* "0" and the names (sorted) with their last occurrence: "[]" or the value in hex */
static void print_vars(apr_pool_t *p, const apr_array_header_t *vars)
{
    apr_hash_t *last = apr_hash_make(p);
    apr_array_header_t *names = apr_array_make(p, 8, sizeof(const char *));
    apr_hash_index_t *hi;
    int k;

    for (k = 0; k < vars->nelts; k++) {
        const sence_php_var_t *v = &APR_ARRAY_IDX(vars, k, sence_php_var_t);
        apr_hash_set(last, v->name, APR_HASH_KEY_STRING, v);
    }
    for (hi = apr_hash_first(p, last); hi; hi = apr_hash_next(hi))
        APR_ARRAY_PUSH(names, const char *) = apr_hash_this_key(hi);
    qsort(names->elts, (size_t)names->nelts, sizeof(const char *), cmp);
    printf("0");
    for (k = 0; k < names->nelts; k++) {
        const char *name = APR_ARRAY_IDX(names, k, const char *);
        const sence_php_var_t *v = apr_hash_get(last, name, APR_HASH_KEY_STRING);
        printf("\t%s=%s", hex(p, name), v->index ? "[]" : hex(p, v->value));
    }
}

/* Lines: "HEX" (a query string), "c HEX" (a Cookie header: $_COOKIE[MoodleSession]), "p HEX"
 * (an urlencoded body: $_POST) or "m HEX HEX" (a Content-Type and a multipart body). */
int main(void)
{
    static char line[4 * 65536];
    apr_pool_t *root;

    apr_initialize();
    apr_pool_create(&root, NULL);
    while (fgets(line, sizeof(line), stdin)) {
        apr_pool_t *p;
        apr_array_header_t *vars;
        apr_size_t n = strcspn(line, "\r\n"), len, blen;
        unsigned odd;

        line[n] = '\0';
        apr_pool_create(&p, root);
        vars = apr_array_make(p, 8, sizeof(sence_php_var_t));
        if (line[0] == 'c' && line[1] == ' ') {
            const char *h = unhex(p, line + 2, n - 2, &len), *v;
            v = sence_php_cookie(p, h, "MoodleSession", &odd);
            if (odd)
                printf("1");
            else
                printf("0\t%s", v ? hex(p, v) : "-");
        } else if (line[0] == 'p' && line[1] == ' ') {
            const char *body = unhex(p, line + 2, n - 2, &blen);
            odd = sence_php_parse_post(p, body, blen, vars);
            if (odd)
                printf("1");
            else
                print_vars(p, vars);
        } else if (line[0] == 'm' && line[1] == ' ') {
            char *sp = strchr(line + 2, ' ');
            const char *ct, *body;
            if (!sp)
                return 2;
            *sp = '\0';
            ct = unhex(p, line + 2, strlen(line + 2), &len);
            body = unhex(p, sp + 1, strlen(sp + 1), &blen);
            odd = sence_php_parse_multipart(p, ct, body, blen, vars);
            if (odd)
                printf("1");
            else
                print_vars(p, vars);
        } else {
            const char *q = unhex(p, line, n, &len);
            odd = sence_php_parse_query(p, q, len, vars);
            if (odd)
                printf("1");
            else
                print_vars(p, vars);
        }
        printf("\n");
        apr_pool_destroy(p);
    }
    apr_terminate();
    return 0;
}
