/* The fuzz targets' shared part: APR set up once, one pool per input, allocations that ASan
 * can check (see fuzz.h). */
#ifndef _GNU_SOURCE /* dlsym(RTLD_NEXT), strcasestr; APR_CPPFLAGS may define it */
#define _GNU_SOURCE
#endif
#include "fuzz.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

apr_pool_t *fuzz_pool;

static void *(*real_palloc)(apr_pool_t *, apr_size_t);
static void **blocks;
static size_t nblocks, cap;

/* Replaces libapr's apr_palloc in the whole process (the binary is linked with -rdynamic, and
 * libapr calls its own apr_palloc through the PLT): fuzz_pool's allocations are malloc()s of
 * their exact size, every other pool's go to APR. */
void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    void *m;

    if (!fuzz_pool || p != fuzz_pool) {
        if (!real_palloc) {
            *(void **)&real_palloc = dlsym(RTLD_NEXT, "apr_palloc");
            if (!real_palloc)
                abort();
        }
        return real_palloc(p, size);
    }
    if (nblocks == cap) {
        void **grown = realloc(blocks, (cap ? cap * 2 : 1024) * sizeof(*blocks));
        if (!grown)
            abort();
        blocks = grown;
        cap = cap ? cap * 2 : 1024;
    }
    if (!(m = malloc(size ? size : 1)))
        abort();
    blocks[nblocks++] = m;
    return m;
}

void fuzz_done(void)
{
    size_t i;

    apr_pool_clear(fuzz_pool);
    for (i = 0; i < nblocks; i++)
        free(blocks[i]);
    nblocks = 0;
}

char *fuzz_str(const void *data, size_t size)
{
    const char *nul = memchr(data, '\0', size);
    return apr_pstrmemdup(fuzz_pool, data, nul ? (apr_size_t)(nul - (const char *)data) : size);
}

const uint8_t *fuzz_copy(const void *data, size_t size)
{
    uint8_t *c = apr_palloc(fuzz_pool, size);
    if (size)
        memcpy(c, data, size);
    return c;
}

int fuzz_split(const uint8_t *data, size_t size, int sep, char **head, const uint8_t **rest,
               size_t *rest_len)
{
    const uint8_t *hit = memchr(data, sep, size);
    size_t n = hit ? (size_t)(hit - data) : size;

    *head = fuzz_str(data, n);
    *rest = NULL;
    *rest_len = 0;
    if (!hit)
        return 0;
    *rest_len = size - n - 1;
    *rest = fuzz_copy(hit + 1, *rest_len);
    return 1;
}

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *probe;

    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&fuzz_pool, NULL) != APR_SUCCESS) {
        fprintf(stderr, "fuzz: APR does not initialise\n");
        abort();
    }
    atexit(apr_terminate);
    /* the point of the exercise: libapr's own allocations from fuzz_pool come here */
    probe = apr_pstrdup(fuzz_pool, "probe");
    if (!nblocks || blocks[nblocks - 1] != probe) {
        fprintf(stderr, "fuzz: apr_palloc is not interposed (link with -rdynamic)\n");
        abort();
    }
    fuzz_done();
    return 0;
}
