/* For the differential test against PHP (php_parse_str.sh): reads query strings, one per
 * line in hex, and prints how mod_sence reads each as $_GET: "1" when it would refuse it
 * (SENCE_PHP_ODD_*), else "0" and every top-level name with the type and value of its last
 * occurrence ("[]" for an array, else the value in hex), names sorted. */
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

int main(void)
{
    char line[65536];
    apr_pool_t *root;

    apr_initialize();
    apr_pool_create(&root, NULL);
    while (fgets(line, sizeof(line), stdin)) {
        apr_pool_t *p;
        apr_array_header_t *vars, *names;
        apr_hash_t *last;
        apr_hash_index_t *hi;
        char *q;
        apr_size_t n = strcspn(line, "\r\n"), i;
        unsigned odd;
        int k;

        apr_pool_create(&p, root);
        q = apr_palloc(p, n / 2 + 1);
        for (i = 0; i + 1 < n; i += 2) {
            char b[3] = {line[i], line[i + 1], 0};
            q[i / 2] = (char)strtol(b, NULL, 16);
        }
        vars = apr_array_make(p, 8, sizeof(sence_php_var_t));
        odd = sence_php_parse_query(p, q, n / 2, vars);
        last = apr_hash_make(p);
        for (k = 0; k < vars->nelts; k++) {
            const sence_php_var_t *v = &APR_ARRAY_IDX(vars, k, sence_php_var_t);
            apr_hash_set(last, v->name, APR_HASH_KEY_STRING, v);
        }
        names = apr_array_make(p, 8, sizeof(const char *));
        for (hi = apr_hash_first(p, last); hi; hi = apr_hash_next(hi))
            APR_ARRAY_PUSH(names, const char *) = apr_hash_this_key(hi);
        qsort(names->elts, (size_t)names->nelts, sizeof(const char *), cmp);
        printf("%d", odd ? 1 : 0);
        for (k = 0; k < names->nelts; k++) {
            const char *name = APR_ARRAY_IDX(names, k, const char *);
            const sence_php_var_t *v = apr_hash_get(last, name, APR_HASH_KEY_STRING);
            printf("\t%s=%s", hex(p, name), v->index ? "[]" : hex(p, v->value));
        }
        printf("\n");
        apr_pool_destroy(p);
    }
    apr_terminate();
    return 0;
}
