/* Shared by the libFuzzer targets in this folder (fuzz_<name>.c, built with -DSENCE_FUZZ=ON).
 *
 * LLVMFuzzerInitialize (common.c) initialises APR and creates fuzz_pool once; each target's
 * LLVMFuzzerTestOneInput allocates from fuzz_pool and ends with fuzz_done(), which clears it.
 *
 * ASan cannot see a read past the end of an allocation inside an APR pool block (the block
 * goes on). common.c therefore puts every apr_palloc() of fuzz_pool -- the core's own and
 * those of apr_pstrdup, apr_array_push, apr_table_set... inside libapr -- in a malloc() of
 * its exact size, freed by fuzz_done(). fuzz_str() copies the input there with a NUL, so an
 * API that reads a C string one byte too far is caught; (ptr, len) APIs get libFuzzer's own
 * buffer, which has exactly len bytes. */
#ifndef SENCE_FUZZ_H
#define SENCE_FUZZ_H

#include <apr_pools.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

extern apr_pool_t *fuzz_pool;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes as a C string in fuzz_pool (cut at the first NUL, as a header value would be). */
char *fuzz_str(const void *data, size_t size);

/* Splits [data, data + size) at the first byte sep: *head is a C string of what is before it,
 * *rest and *rest_len what follows (a fresh exact-size copy, not terminated). Returns 0 when
 * sep is absent (then *head is the whole input and *rest is NULL). */
int fuzz_split(const uint8_t *data, size_t size, int sep, char **head, const uint8_t **rest,
               size_t *rest_len);

/* An exact-size copy of [data, data + size) in fuzz_pool (no NUL after it). */
const uint8_t *fuzz_copy(const void *data, size_t size);

/* Clears fuzz_pool and frees what it handed out. */
void fuzz_done(void);

/* abort() with a message when an invariant does not hold (libFuzzer reports it as a crash). */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond);                                                  \
    } while (0)
__attribute__((noreturn)) void fuzz_fail(const char *file, int line, const char *what);

#endif
