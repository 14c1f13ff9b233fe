#include "counters.h"

#include <apr_atomic.h>
#include <string.h>

/* "SENCECN" and the number of events: another set of events is another layout. */
#define COUNTERS_MAGIC (APR_UINT64_C(0x53454e43454e0000) | SENCE_EV_COUNT)

int sence_code_slot(int code)
{
    if (code == 100)
        return 0;
    if (code >= 200 && code <= 212)
        return 1 + code - 200;
    if (code >= 300 && code <= 313)
        return 14 + code - 300;
    return SENCE_CODE_SLOTS - 1;
}

int sence_slot_code(int slot)
{
    if (slot == 0)
        return 100;
    if (slot >= 1 && slot <= 13)
        return 200 + slot - 1;
    if (slot >= 14 && slot <= 27)
        return 300 + slot - 14;
    return -1;
}

sence_counters_t *sence_counters_attach(void *base)
{
    sence_counters_t *c = base;

    if (c->magic != COUNTERS_MAGIC) {
        memset(c, 0, sizeof(*c));
        c->magic = COUNTERS_MAGIC;
    }
    return c;
}

void sence_count_event(sence_counters_t *c, sence_event_kind_t ev)
{
    if (c && ev < SENCE_EV_COUNT)
        apr_atomic_inc32(&c->events[ev]);
}

void sence_count_code(sence_counters_t *c, int code)
{
    if (c)
        apr_atomic_inc32(&c->codes[sence_code_slot(code)]);
}

void sence_count_suspect(sence_counters_t *c, int closing)
{
    if (c)
        apr_atomic_inc32(&c->suspect[closing ? 1 : 0]);
}
