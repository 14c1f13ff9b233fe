/* What the status page counts: journal events, GlosaError codes and suspect callbacks, in
 * a block of shared memory of their own (kept across reloads like the store), incremented
 * without a lock by every process. */
#ifndef SENCE_COUNTERS_H
#define SENCE_COUNTERS_H

#include "event.h"

/* GlosaError codes counted one slot each: 100, 200-212, 300-313, and "other". */
#define SENCE_CODE_SLOTS 29
int sence_code_slot(int code);
int sence_slot_code(int slot); /* -1 for the "other" slot */

typedef struct {
    apr_uint64_t magic;
    apr_uint32_t events[SENCE_EV_COUNT];
    apr_uint32_t codes[SENCE_CODE_SLOTS];
    apr_uint32_t suspect[2]; /* accepted callbacks that did not look like SENCE's page:
                                [0] start, [1] close */
} sence_counters_t;

/* base (sizeof(sence_counters_t) bytes) as counters: those found there when they have this
 * layout, else fresh zeroes. */
sence_counters_t *sence_counters_attach(void *base);

void sence_count_event(sence_counters_t *c, sence_event_kind_t ev);
void sence_count_code(sence_counters_t *c, int code);
void sence_count_suspect(sence_counters_t *c, int closing);

#endif
