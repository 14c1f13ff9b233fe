/* RUN/RUT handling: normalisation and the modulo-11 check digit. */
#ifndef SENCE_RUN_H
#define SENCE_RUN_H

#include <stddef.h>

/* "12345678-9": at most 8 body digits, hyphen, check digit. */
#define SENCE_RUN_MAX 10

typedef enum {
    SENCE_RUN_OK = 0,
    SENCE_RUN_EMPTY,  /* nothing but blanks */
    SENCE_RUN_FORMAT, /* not digits + hyphen + 0-9/k, or too long */
    SENCE_RUN_DIGIT   /* well formed, wrong check digit */
} sence_run_status_t;

/* Check digit of a body of decimal digits: '0'-'9' or 'k'; 0 if body is not all digits. */
char sence_run_check_digit(const char *body, size_t len);

/* Normalises `in` into `out` (SENCE_RUN_MAX + 1 bytes): drops dots and blanks, lower-cases
 * K, inserts the hyphen when missing, strips leading zeros. out is set only on SENCE_RUN_OK. */
sence_run_status_t sence_run_normalize(const char *in, char out[SENCE_RUN_MAX + 1]);

/* English description for logs. */
const char *sence_run_status_text(sence_run_status_t st);

#endif
