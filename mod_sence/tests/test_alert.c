#include "check.h"
#include "alert.h"

#include <apr_strings.h>
#include <stdlib.h>

static sence_alert_t make(int kind, const char *run, const char *codes)
{
    sence_alert_t a;
    char *copy, *state = NULL, *t;

    memset(&a, 0, sizeof(a));
    a.kind = kind;
    a.linea = 3;
    strcpy(a.run, run);
    strcpy(a.cod_sence, "1234567890");
    strcpy(a.codigo_curso, "RLAB-19-02-08-0071-1");
    strcpy(a.ctx.site, "https://cursos.example.cl");
    strcpy(a.ctx.recipients, "otec@example.cl");
    a.ctx.throttle = apr_time_from_sec(900);
    copy = strdup(codes);
    for (t = apr_strtok(copy, ";", &state); t; t = apr_strtok(NULL, ";", &state))
        a.codes[a.ncodes++] = atoi(t);
    free(copy);
    return a;
}

int main(void)
{
    apr_pool_t *p;
    sence_alertq_t *q;
    sence_alert_t a, b, out, dropped;
    sence_alert_stats_t st;
    sence_alert_ctx_t ctx, got;
    apr_uint32_t slot, tries, i;
    apr_time_t now = apr_time_from_sec(1800000000);
    void *base;

    apr_initialize();
    apr_pool_create(&p, NULL);
    /* the sizes the documentation gives */
    printf("alert %u bytes, contact slot <= %u bytes, segment for 512 contacts %u bytes\n",
           (unsigned)sizeof(sence_alert_t), (unsigned)sizeof(sence_alert_ctx_t) + 40,
           (unsigned)sence_alertq_bytes(512));
    CHECK(sizeof(sence_alert_ctx_t) + SENCE_ID_LEN + 1 + 8 <= 1024);
    base = calloc(1, sence_alertq_bytes(64));
    q = sence_alertq_format(p, base, 64, NULL);
    CHECK(q != NULL);
    CHECK(sence_alertq_attach(p, base, NULL) != NULL);

    /* the key: order of the codes does not matter, their set and the participant do */
    a = make(SENCE_ALERT_START_ERROR, "12345678-5", "211;204");
    b = make(SENCE_ALERT_START_ERROR, "12345678-5", "204;211");
    CHECK(sence_alert_key(&a) == sence_alert_key(&b));
    b = make(SENCE_ALERT_START_ERROR, "12345678-5", "100");
    CHECK(sence_alert_key(&a) != sence_alert_key(&b));
    b = make(SENCE_ALERT_START_ERROR, "11111111-1", "211;204");
    CHECK(sence_alert_key(&a) != sence_alert_key(&b));
    b = make(SENCE_ALERT_CLOSE_ERROR, "12345678-5", "211;204");
    CHECK(sence_alert_key(&a) != sence_alert_key(&b));

    /* throttle: 211;204 again within the window is held back, 100 is a new mail */
    CHECK(sence_alertq_put(q, &a, now, NULL) == APR_SUCCESS);
    b = make(SENCE_ALERT_START_ERROR, "12345678-5", "204;211");
    CHECK(sence_alertq_put(q, &b, now + apr_time_from_sec(10), NULL) == APR_EAGAIN);
    CHECK(sence_alertq_put(q, &b, now + apr_time_from_sec(20), NULL) == APR_EAGAIN);
    b = make(SENCE_ALERT_START_ERROR, "12345678-5", "100");
    CHECK(sence_alertq_put(q, &b, now + apr_time_from_sec(30), NULL) == APR_SUCCESS);
    sence_alertq_stats(q, &st);
    CHECK(st.queued == 2 && st.throttled == 2);
    /* after the window the next one goes, carrying the count held back */
    CHECK(sence_alertq_put(q, &a, now + apr_time_from_sec(901), NULL) == APR_SUCCESS);

    /* the sender takes the oldest first */
    CHECK(sence_alertq_take(q, now + apr_time_from_sec(902), &out, &slot, &tries) == APR_SUCCESS);
    CHECK(out.ncodes == 2 && out.codes[0] == 211 && out.held == 0 && tries == 1);
    CHECK(sence_alertq_done(q, slot, SENCE_ALERT_SENT, now) == SENCE_ALERT_SENT);
    CHECK(sence_alertq_take(q, now + apr_time_from_sec(902), &out, &slot, &tries) == APR_SUCCESS);
    CHECK(out.ncodes == 1 && out.codes[0] == 100);
    /* a failed try comes back after the backoff, not before */
    CHECK(sence_alertq_done(q, slot, SENCE_ALERT_RETRY, now + apr_time_from_sec(902)) ==
          SENCE_ALERT_RETRY);
    CHECK(sence_alertq_take(q, now + apr_time_from_sec(902), &out, &slot, &tries) == APR_SUCCESS);
    CHECK(out.ncodes == 2 && out.held == 2); /* the window's two held back */
    CHECK(sence_alertq_done(q, slot, SENCE_ALERT_SENT, now) == SENCE_ALERT_SENT);
    CHECK(sence_alertq_take(q, now + apr_time_from_sec(903), &out, &slot, &tries) == APR_NOTFOUND);
    CHECK(sence_alertq_take(q, now + apr_time_from_sec(907), &out, &slot, &tries) == APR_SUCCESS);
    CHECK(tries == 2 && out.codes[0] == 100);
    /* a sender that dies mid-delivery: the alert is queued again */
    sence_alertq_recover(q);
    CHECK(sence_alertq_take(q, now + apr_time_from_sec(907), &out, &slot, &tries) == APR_SUCCESS);
    CHECK(tries == 3);
    /* the tries run out: failed */
    for (i = 0; i < 20 && sence_alertq_done(q, slot, SENCE_ALERT_RETRY, now) == SENCE_ALERT_RETRY;
         i++)
        CHECK(sence_alertq_take(q, now + apr_time_from_sec(3600), &out, &slot, &tries) ==
              APR_SUCCESS);
    CHECK(tries == 10);
    sence_alertq_stats(q, &st);
    CHECK(st.queued == 0 && st.sent == 2 && st.failed == 1);
    CHECK(sence_alert_backoff(1) == 5 && sence_alert_backoff(10) == -1);

    /* bounds: a full queue drops its oldest undelivered alert */
    for (i = 0; i < SENCE_ALERT_QUEUE; i++) {
        b = make(SENCE_ALERT_ABANDONED, "12345678-5", "");
        b.ctx.throttle = 0;
        b.linea = (apr_int32_t)i;
        CHECK(sence_alertq_put(q, &b, now, NULL) == APR_SUCCESS);
    }
    CHECK(sence_alertq_take(q, now, &out, &slot, &tries) == APR_SUCCESS);
    CHECK(out.linea == 0); /* being delivered: not the one dropped */
    b.linea = 9999;
    CHECK(sence_alertq_put(q, &b, now, &dropped) == APR_ENOSPC);
    CHECK(dropped.linea == 1);
    sence_alertq_stats(q, &st);
    CHECK(st.queued == SENCE_ALERT_QUEUE && st.dropped == 1);
    CHECK(sence_alertq_done(q, slot, SENCE_ALERT_SENT, now) == SENCE_ALERT_SENT);
    sence_alertq_stats(q, &st);
    CHECK(st.queued == SENCE_ALERT_QUEUE - 1);

    /* contact table: remembered, recalled, expired; a crowded table keeps working */
    memset(&ctx, 0, sizeof(ctx));
    strcpy(ctx.who.name, "Juan Pérez");
    CHECK(sence_alertq_remember(q, "abcdefghijklmnopqrstuvwx", &ctx, now + 10, now) == APR_SUCCESS);
    CHECK(sence_alertq_recall(q, "abcdefghijklmnopqrstuvwx", now, &got) == APR_SUCCESS);
    CHECK_STR(got.who.name, "Juan Pérez");
    CHECK(sence_alertq_recall(q, "abcdefghijklmnopqrstuvwx", now + 10, &got) == APR_NOTFOUND);
    CHECK(sence_alertq_recall(q, "bcdefghijklmnopqrstuvwxy", now, &got) == APR_NOTFOUND);
    for (i = 0; i < 1000; i++) {
        char key[32];
        apr_snprintf(key, sizeof(key), "k%u", i);
        apr_snprintf(ctx.who.name, sizeof(ctx.who.name), "n%u", i);
        CHECK(sence_alertq_remember(q, key, &ctx, now + 100 + i, now) == APR_SUCCESS);
    }
    CHECK(sence_alertq_recall(q, "k999", now, &got) == APR_SUCCESS);
    CHECK_STR(got.who.name, "n999");
    CHECK(sence_alertq_remember(q, "", &ctx, now, now) == APR_EINVAL);
    free(base);
    return check_done("alert");
}
