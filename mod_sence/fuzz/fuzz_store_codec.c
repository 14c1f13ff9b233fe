/* Values read back from a shared session store (store_codec.h): whatever bytes the key-value
 * service returns, a record is accepted only with every field shorter than its slot and
 * NUL-terminated, under the id it was asked for, and encodes back to the same bytes; an index
 * is accepted only when it encodes back to exactly the input. */
#include "fuzz.h"
#include "store_codec.h"

#include <string.h>

/* The id a record value names: its first string (after the magic and kind byte). */
static int id_of(const uint8_t *data, size_t size, char id[SENCE_ID_LEN + 1])
{
    if (size < 7 + SENCE_ID_LEN || data[5] != 0 || data[6] != SENCE_ID_LEN)
        return 0;
    memcpy(id, data + 7, SENCE_ID_LEN);
    id[SENCE_ID_LEN] = '\0';
    return 1;
}

static void check_fields(const sence_record_t *r)
{
    FUZZ_ASSERT(memchr(r->id, '\0', sizeof(r->id)));
    FUZZ_ASSERT(memchr(r->run, '\0', sizeof(r->run)));
    FUZZ_ASSERT(memchr(r->subject, '\0', sizeof(r->subject)));
    FUZZ_ASSERT(memchr(r->cod_sence, '\0', sizeof(r->cod_sence)));
    FUZZ_ASSERT(memchr(r->codigo_curso, '\0', sizeof(r->codigo_curso)));
    FUZZ_ASSERT(memchr(r->id_sence, '\0', sizeof(r->id_sence)));
    FUZZ_ASSERT(memchr(r->fecha_hora, '\0', sizeof(r->fecha_hora)));
    FUZZ_ASSERT(memchr(r->zona, '\0', sizeof(r->zona)));
    FUZZ_ASSERT(memchr(r->url, '\0', sizeof(r->url)));
    FUZZ_ASSERT(memchr(r->ref, '\0', sizeof(r->ref)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *in = fuzz_copy(data, size);
    unsigned char out[SENCE_CODEC_MAX];
    char id[SENCE_ID_LEN + 1];
    sence_record_t rec;
    sence_codec_index_t ix;
    unsigned int len = size > 100000 ? 100000 : (unsigned int)size;
    int k;

    for (k = 0; k < SENCE_KINDS; k++) {
        if (!id_of(in, size, id))
            strcpy(id, "AAAAAAAAAAAAAAAAAAAAAAAA");
        if (!sence_codec_record_get(in, len, (sence_kind_t)k, id, &rec))
            continue;
        check_fields(&rec);
        FUZZ_ASSERT(strcmp(rec.id, id) == 0);
        FUZZ_ASSERT(sence_codec_record_put(&rec, (sence_kind_t)k, out) == len);
        FUZZ_ASSERT(memcmp(out, in, len) == 0);
    }
    if (sence_codec_index_get(in, len, &ix)) {
        FUZZ_ASSERT(ix.n >= 0 && ix.n <= SENCE_CODEC_MAX_ENTRIES);
        FUZZ_ASSERT(sence_codec_index_put(&ix, out) == len);
        FUZZ_ASSERT(memcmp(out, in, len) == 0);
    } else {
        FUZZ_ASSERT(ix.n == 0);
    }
    fuzz_done();
    return 0;
}
