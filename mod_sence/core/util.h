/* Small pure helpers: random ids, constant-time comparison, durations, hashing. */
#ifndef SENCE_UTIL_H
#define SENCE_UTIL_H

#include <apr_pools.h>
#include <apr_time.h>

/* 18 random bytes = 144 bits, encoded as 24 url-safe base64 characters. */
#define SENCE_ID_BYTES 18
#define SENCE_ID_LEN 24

/* Fills out (SENCE_ID_LEN + 1 bytes) with a fresh random id from the OS CSPRNG. */
apr_status_t sence_id_new(char out[SENCE_ID_LEN + 1]);

/* Non-zero if s looks like an id we issued (length and alphabet only). */
int sence_id_wellformed(const char *s);

/* Compares two NUL-terminated strings in time independent of where they differ. */
int sence_ct_equal(const char *a, const char *b);

/* Parses "90", "30s", "10m", "4h", "1d" (also combinations like "1h30m") into *out.
 * Returns NULL on success or an English reason. */
const char *sence_parse_duration(const char *s, apr_interval_time_t *out);

/* 64-bit FNV-1a over len bytes, seeded; used for the store's hash index. */
apr_uint64_t sence_hash(const void *data, apr_size_t len, apr_uint64_t seed);

/* Continues a sence_hash over more bytes: sence_hash(ab) == sence_hash_more(sence_hash(a), b). */
apr_uint64_t sence_hash_more(apr_uint64_t h, const void *data, apr_size_t len);

/* The per-course session cookie's name: "sence_" and 16 hex digits of the hash of
 * "linea|cod_sence|codigo_curso". */
#define SENCE_COOKIE_NAME_SIZE 23
void sence_cookie_name(char out[SENCE_COOKIE_NAME_SIZE], const char *cod_sence,
                       const char *codigo_curso, int linea);

/* Looks for cookie `name` in one Cookie header value, cookies separated by any of seps.
 * Returns 0 if absent; 1 if present (*val, *vlen: the first value, not terminated); 2 if
 * present more than once with different values. */
int sence_cookie_find(const char *header, const char *name, const char *seps, const char **val,
                      apr_size_t *vlen);

/* Is the media type of a Content-Type header value type (case-insensitive; parameters after
 * ';' allowed, nothing else)? */
int sence_media_type_is(const char *ctype, const char *type);

/* Is url a safe local URL to return a browser to (a Location header, an href): one leading
 * '/', no "//" or "/\\" at its start, printable ASCII only, no backslash, well-formed
 * %-escapes, at most max bytes? */
int sence_local_url_ok(const char *url, apr_size_t max);

/* The local URL of a request from its raw request target (r->unparsed_uri: still %-encoded,
 * path and query), if sence_local_url_ok; else fallback. */
const char *sence_local_url_of(apr_pool_t *p, const char *unparsed_uri, apr_size_t max,
                               const char *fallback);

/* The value of a hexadecimal digit, or -1. */
int sence_hexval(char c);

/* Copies src into dst (size n) truncating; returns non-zero if src did not fit. */
int sence_strlcpy(char *dst, const char *src, apr_size_t n);

#include <apr_tables.h>

/* Parses an application/x-www-form-urlencoded body into *out. A repeated field, a bad
 * %-escape or an encoded NUL is refused: returns NULL or an English reason. */
const char *sence_form_parse(apr_pool_t *p, const char *body, apr_size_t len, apr_table_t **out);

/* Length of the valid UTF-8 sequence at s (not overlong, no surrogates), 0 if invalid. */
int sence_utf8_len(const unsigned char *s);

#endif
