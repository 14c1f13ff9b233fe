/* How records and a participant's index are written as values in a key-value service (the
 * shared store of store_kv.h): a versioned, length-prefixed layout in network byte order, so
 * servers of one cluster agree whatever their compilers' struct layouts, and a reader checks
 * every length against the record's fields before copying (a value it cannot read is
 * treated as absent, never trusted). */
#ifndef SENCE_STORE_CODEC_H
#define SENCE_STORE_CODEC_H

#include "store.h"

/* The largest value either encoder writes. */
#define SENCE_CODEC_MAX 1400

/* Writes rec into buf (SENCE_CODEC_MAX bytes); returns the length. */
unsigned int sence_codec_record_put(const sence_record_t *rec, sence_kind_t kind,
                                    unsigned char *buf);
/* Reads a value written by sence_codec_record_put for this kind and id into rec: 1, or 0
 * when the value is not such a record (another version, another kind or id, malformed). */
int sence_codec_record_get(const unsigned char *buf, unsigned int len, sence_kind_t kind,
                           const char *id, sence_record_t *rec);

/* A participant's records in the shared store, for the per-participant bounds: what is
 * needed to choose which to replace without fetching each record. */
#define SENCE_CODEC_MAX_ENTRIES (SENCE_MAX_PENDING + SENCE_MAX_SESSIONS + 4)
typedef struct {
    sence_kind_t kind;
    char id[SENCE_ID_LEN + 1];
    apr_time_t created;
    apr_time_t expires;
    apr_uint64_t course; /* sence_codec_course() of the record */
} sence_codec_entry_t;

typedef struct {
    int n;
    sence_codec_entry_t e[SENCE_CODEC_MAX_ENTRIES];
} sence_codec_index_t;

unsigned int sence_codec_index_put(const sence_codec_index_t *ix, unsigned char *buf);
/* 1, or 0 (ix then empty) when the value is not an index. */
int sence_codec_index_get(const unsigned char *buf, unsigned int len, sence_codec_index_t *ix);

/* A tag of a record's course (CodSence, CodigoCurso, linea, issuer): equal for records
 * sence_store_same_course() calls the same course (and, rarely, for others: a candidate is
 * checked against the record itself). */
apr_uint64_t sence_codec_course(const sence_record_t *rec);

#endif
