#include "check.h"
#include "counters.h"
#include "event.h"
#include "store_shm.h"

#include <apr_shm.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static sence_record_t rec(const char *run, apr_time_t now, apr_interval_time_t ttl)
{
    sence_record_t r;
    memset(&r, 0, sizeof(r));
    strcpy(r.run, run);
    strcpy(r.codigo_curso, "-1");
    r.linea = 3;
    r.created = now;
    r.expires = now + ttl;
    return r;
}

/* A record of participant n (its LMS account): the store bounds records per participant. */
static sence_record_t rec_of(int n, apr_time_t now, apr_interval_time_t ttl)
{
    sence_record_t r = rec("12345678-5", now, ttl);
    snprintf(r.subject, sizeof(r.subject), "moodle:%d", n);
    return r;
}

static sence_store_t *fresh(apr_pool_t *p, apr_uint32_t cap, apr_global_mutex_t *m)
{
    return sence_shm_store_format(p, apr_pcalloc(p, sence_shm_store_bytes(cap)), cap, m);
}

static void basics(apr_pool_t *p)
{
    sence_store_t *s = fresh(p, 8, NULL);
    apr_time_t now = apr_time_from_sec(1000);
    sence_record_t a = rec("12345678-5", now, apr_time_from_sec(60)), out;
    sence_store_stats_t st;

    CHECK(sence_store_put(s, SENCE_KIND_ATTEMPT, &a, now) == APR_SUCCESS);
    CHECK(sence_id_wellformed(a.id));
    /* kinds are separate namespaces */
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, a.id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, a.id, now, &out) == APR_SUCCESS);
    CHECK_STR(out.run, "12345678-5");
    /* take is single use */
    CHECK(sence_store_take(s, SENCE_KIND_ATTEMPT, a.id, now, &out) == APR_SUCCESS);
    CHECK(sence_store_take(s, SENCE_KIND_ATTEMPT, a.id, now, &out) == APR_NOTFOUND);
    /* expiry is enforced on lookup */
    a = rec("11111111-1", now, apr_time_from_sec(5));
    sence_store_put(s, SENCE_KIND_SESSION, &a, now);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, a.id, now + apr_time_from_sec(4), &out) ==
          APR_SUCCESS);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, a.id, now + apr_time_from_sec(5), &out) ==
          APR_TIMEUP);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, a.id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, "garbage", now, &out) == APR_NOTFOUND);
    /* a flag is cleared once: only one request shows the notice */
    a = rec("11111111-1", now, apr_time_from_sec(50));
    a.flags = SENCE_FLAG_NOTICE;
    sence_store_put(s, SENCE_KIND_SESSION, &a, now);
    CHECK(sence_store_clear_flag(s, SENCE_KIND_SESSION, a.id, SENCE_FLAG_NOTICE) == APR_SUCCESS);
    CHECK(sence_store_clear_flag(s, SENCE_KIND_SESSION, a.id, SENCE_FLAG_NOTICE) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, a.id, now, &out) == APR_SUCCESS && out.flags == 0);
    sence_store_remove(s, SENCE_KIND_SESSION, a.id);
    sence_store_stats(s, &st);
    CHECK(st.live[0] == 0 && st.live[1] == 0 && st.expired[1] == 1 && st.created[0] == 1);
    /* attaching to the same memory sees the same records; foreign memory is refused */
    CHECK(sence_shm_store_attach(p, apr_pcalloc(p, 4096), NULL) == NULL);
}

/* Full store: expired first, then the oldest attempt, then the oldest session. */
static void eviction(apr_pool_t *p)
{
    sence_store_t *s = fresh(p, 4, NULL);
    apr_time_t now = apr_time_from_sec(5000);
    sence_record_t r[6], out;
    sence_store_stats_t st;
    int i;

    for (i = 0; i < 4; i++) {
        r[i] = rec_of(i, now, apr_time_from_sec(i == 0 ? 1 : 100));
        sence_store_put(s, i < 2 ? SENCE_KIND_SESSION : SENCE_KIND_ATTEMPT, &r[i], now);
    }
    /* r0 (session) has expired: it goes first even though attempts exist */
    r[4] = rec_of(4, now, apr_time_from_sec(100));
    sence_store_put(s, SENCE_KIND_SESSION, &r[4], now + apr_time_from_sec(2));
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, r[0].id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, r[2].id, now, &out) == APR_SUCCESS);
    /* nothing expired: the oldest attempt (r2) is evicted, sessions stay */
    r[5] = rec_of(5, now, apr_time_from_sec(100));
    sence_store_put(s, SENCE_KIND_SESSION, &r[5], now + apr_time_from_sec(2));
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, r[2].id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, r[3].id, now, &out) == APR_SUCCESS);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, r[1].id, now, &out) == APR_SUCCESS);
    sence_store_stats(s, &st);
    CHECK(st.evicted[SENCE_KIND_ATTEMPT] == 1 && st.evicted[SENCE_KIND_SESSION] == 0);
    CHECK(st.live[0] + st.live[1] == 4);
}

static int reaped_expired, reaped_evicted, reaped_abandoned;

static void on_reap(void *baton, sence_kind_t kind, sence_drop_why_t why, const sence_record_t *r)
{
    sence_event_kind_t ev = sence_drop_event(kind, r, why);

    (void)baton;
    (void)r;
    reaped_expired += ev == SENCE_EV_SESSION_EXPIRED;
    reaped_abandoned += ev == SENCE_EV_LOGIN_ABANDONED;
    reaped_evicted += ev == SENCE_EV_LOGIN_EVICTED || ev == SENCE_EV_SESSION_EVICTED;
}

static int walked;
static void on_walk(void *baton, const sence_record_t *r)
{
    (void)baton;
    walked += r->linea == 3;
}

/* Dropped records are reported once the lock is released; counters and walks see all. */
static void reporting(apr_pool_t *p)
{
    sence_store_t *s = fresh(p, 2, NULL);
    apr_time_t now = apr_time_from_sec(7000);
    sence_record_t a = rec("12345678-5", now, apr_time_from_sec(1));
    sence_record_t b = rec("12345678-5", now, apr_time_from_sec(1));
    sence_record_t c = rec("12345678-5", now, apr_time_from_sec(100)), out;

    sence_store_on_drop(s, on_reap, NULL);
    sence_store_put(s, SENCE_KIND_ATTEMPT, &a, now);
    sence_store_put(s, SENCE_KIND_SESSION, &b, now);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, b.id, now + apr_time_from_sec(5), &out) ==
          APR_TIMEUP);
    CHECK(reaped_expired == 1);
    sence_store_put(s, SENCE_KIND_SESSION, &c, now + apr_time_from_sec(5)); /* reclaims a */
    CHECK(reaped_abandoned == 1);
    b = rec("11111111-1", now, apr_time_from_sec(100));
    sence_store_put(s, SENCE_KIND_ATTEMPT, &b, now + apr_time_from_sec(5));
    a = rec("11111111-1", now, apr_time_from_sec(100));
    sence_store_put(s, SENCE_KIND_ATTEMPT, &a, now + apr_time_from_sec(5)); /* evicts b */
    CHECK(reaped_evicted == 1);
    walked = 0;
    sence_store_walk(s, SENCE_KIND_SESSION, now + apr_time_from_sec(5), on_walk, NULL);
    CHECK(walked == 1);
    /* the status page's counters: the journal counts events (the drops it hears of too) */
    {
        sence_counters_t *n = sence_counters_attach(apr_pcalloc(p, sizeof(*n)));
        sence_count_event(n, SENCE_EV_START_OK);
        sence_count_event(n, SENCE_EV_LOGIN_ABANDONED);
        sence_count_code(n, 211);
        sence_count_code(n, 211);
        sence_count_code(n, 999);
        sence_count_suspect(n, 1);
        CHECK(n->events[SENCE_EV_START_OK] == 1 && n->events[SENCE_EV_LOGIN_ABANDONED] == 1);
        CHECK(n->codes[sence_code_slot(211)] == 2 && n->codes[SENCE_CODE_SLOTS - 1] == 1);
        CHECK(n->suspect[0] == 0 && n->suspect[1] == 1);
        CHECK(sence_counters_attach(n) == n && n->codes[sence_code_slot(211)] == 2);
    }
    CHECK(sence_slot_code(sence_code_slot(100)) == 100 &&
          sence_slot_code(sence_code_slot(313)) == 313);
    /* a sweep finds expired records behind live older ones, once per interval */
    {
        sence_store_t *t = fresh(p, 8, NULL);
        sence_record_t live = rec_of(1, now, apr_time_from_sec(1000));
        sence_record_t dead = rec_of(2, now, apr_time_from_sec(1));
        sence_store_on_drop(t, on_reap, NULL);
        sence_store_put(t, SENCE_KIND_SESSION, &live, now);
        sence_store_put(t, SENCE_KIND_SESSION, &dead, now);
        reaped_expired = 0;
        sence_store_sweep(t, now + apr_time_from_sec(60), apr_time_from_sec(30));
        CHECK(reaped_expired == 1);
        CHECK(sence_store_get(t, SENCE_KIND_SESSION, live.id, now, &out) == APR_SUCCESS);
        dead = rec_of(3, now, apr_time_from_sec(1));
        sence_store_put(t, SENCE_KIND_SESSION, &dead, now + apr_time_from_sec(60));
        sence_store_sweep(t, now + apr_time_from_sec(70), apr_time_from_sec(30));
        CHECK(reaped_expired == 1); /* within the interval: no second sweep */
        sence_store_sweep(t, now + apr_time_from_sec(95), apr_time_from_sec(30));
        CHECK(reaped_expired == 2);
    }
    CHECK(sence_slot_code(sence_code_slot(212)) == 212 &&
          sence_code_slot(213) == SENCE_CODE_SLOTS - 1);
}

/* Many records: every one is found again (the hash index, not luck). */
static void volume(apr_pool_t *p)
{
    enum { N = 20000 };
    sence_store_t *s = fresh(p, N, NULL);
    apr_time_t now = apr_time_from_sec(9000);
    char(*ids)[SENCE_ID_LEN + 1] = malloc(sizeof(*ids) * N);
    sence_record_t r, out;
    int i, found = 0;

    for (i = 0; i < N; i++) {
        r = rec_of(i, now, apr_time_from_sec(100));
        r.linea = i;
        sence_store_put(s, SENCE_KIND_SESSION, &r, now);
        memcpy(ids[i], r.id, sizeof(ids[i]));
    }
    for (i = 0; i < N; i++)
        found += sence_store_get(s, SENCE_KIND_SESSION, ids[i], now, &out) == APR_SUCCESS &&
                 out.linea == i;
    CHECK(found == N);
    for (i = 0; i < N; i += 2)
        sence_store_remove(s, SENCE_KIND_SESSION, ids[i]);
    found = 0;
    for (i = 0; i < N; i++)
        found += sence_store_get(s, SENCE_KIND_SESSION, ids[i], now, &out) == APR_SUCCESS;
    CHECK(found == N / 2);
    free(ids);
}

/* Several processes share one segment through the global mutex, as httpd children do. */
static void processes(apr_pool_t *p)
{
    enum { KIDS = 4, EACH = 2000, STABLE = 64, CAP = KIDS * EACH + STABLE };
    static char stable[STABLE][SENCE_ID_LEN + 1];
    apr_shm_t *shm;
    apr_global_mutex_t *mutex;
    sence_store_t *s;
    sence_store_stats_t st;
    int k, status, ok = 1;

    CHECK(apr_shm_create(&shm, sence_shm_store_bytes(CAP), NULL, p) == APR_SUCCESS);
    CHECK(apr_global_mutex_create(&mutex, NULL, APR_LOCK_DEFAULT, p) == APR_SUCCESS);
    s = sence_shm_store_format(p, apr_shm_baseaddr_get(shm), CAP, mutex);
    for (k = 0; k < STABLE; k++) {
        sence_record_t r = rec("22222222-2", apr_time_now(), apr_time_from_sec(600));
        r.linea = 1000 + k;
        snprintf(r.subject, sizeof(r.subject), "stable:%d", k);
        sence_store_put(s, SENCE_KIND_SESSION, &r, apr_time_now());
        memcpy(stable[k], r.id, sizeof(stable[k]));
    }
    for (k = 0; k < KIDS; k++) {
        if (fork() == 0) {
            apr_time_t now = apr_time_now();
            int i, bad = 0;
            for (i = 0; i < EACH; i++) {
                sence_record_t r = rec_of(k * EACH + i, now, apr_time_from_sec(600)), out;
                sence_store_put(s, SENCE_KIND_ATTEMPT, &r, now);
                bad += sence_store_get(s, SENCE_KIND_ATTEMPT, r.id, now, &out) != APR_SUCCESS;
                /* lock-free reads of records others are not changing, while they write */
                bad += sence_store_get(s, SENCE_KIND_SESSION, stable[i % STABLE], now, &out) !=
                           APR_SUCCESS ||
                       out.linea != 1000 + i % STABLE || strcmp(out.run, "22222222-2") != 0;
            }
            _exit(bad ? 1 : 0);
        }
    }
    for (k = 0; k < KIDS; k++) {
        wait(&status);
        ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    CHECK(ok);
    sence_store_stats(s, &st);
    CHECK(st.live[SENCE_KIND_ATTEMPT] == KIDS * EACH &&
          st.created[SENCE_KIND_ATTEMPT] == KIDS * EACH);
    CHECK(st.live[SENCE_KIND_SESSION] == STABLE);
    CHECK(sence_shm_store_attach(p, apr_shm_baseaddr_get(shm), mutex) != NULL);
}

/* The gate's lookup copies the head only; the rest of its buffer is left alone. */
static void head(apr_pool_t *p)
{
    sence_store_t *s = fresh(p, 4, NULL);
    apr_time_t now = apr_time_from_sec(5000);
    sence_record_t a = rec("12345678-5", now, apr_time_from_sec(60)), out;

    strcpy(a.subject, "moodle:7:abc");
    strcpy(a.url, "/curso/");
    strcpy(a.id_sence, "SENCE-1");
    a.flags = SENCE_FLAG_NOTICE;
    CHECK(sence_store_put(s, SENCE_KIND_SESSION, &a, now) == APR_SUCCESS);
    memset(&out, 'x', sizeof(out));
    out.url[0] = '\0';
    CHECK(sence_store_get_head(s, SENCE_KIND_SESSION, a.id, now, &out) == APR_SUCCESS);
    CHECK_STR(out.id, a.id);
    CHECK_STR(out.run, "12345678-5");
    CHECK_STR(out.subject, "moodle:7:abc");
    CHECK_STR(out.codigo_curso, "-1");
    CHECK(out.linea == 3 && out.flags == SENCE_FLAG_NOTICE && out.expires == a.expires &&
          out.created == now);
    CHECK(out.url[0] == '\0' && out.id_sence[0] == 'x');
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, a.id, now, &out) == APR_SUCCESS);
    CHECK_STR(out.url, "/curso/");
    CHECK_STR(out.id_sence, "SENCE-1");
    CHECK(sence_store_get_head(s, SENCE_KIND_SESSION, a.id, now + apr_time_from_sec(61), &out) ==
          APR_TIMEUP);
    CHECK(sence_store_get_head(s, SENCE_KIND_SESSION, "nope", now, &out) == APR_NOTFOUND);
    CHECK(sence_shm_store_bytes(100000) / 100000 <= 1024);
}

/* A sweep is bounded (slots visited, records reaped) and the next one continues: every
 * expired record is found after a few sweeps, no live one is touched. */
static void sweeping(apr_pool_t *p)
{
    enum { N = 6000 };
    sence_store_t *s = fresh(p, N, NULL);
    apr_time_t now = apr_time_from_sec(20000), t;
    sence_store_stats_t st;
    int i, sweeps = 0, most = 0;

    sence_store_on_drop(s, on_reap, NULL);
    for (i = 0; i < N; i++) {
        sence_record_t r = rec_of(i, now, apr_time_from_sec(i % 3 ? 10 : 5000));
        sence_store_put(s, SENCE_KIND_SESSION, &r, now);
    }
    reaped_expired = 0;
    for (t = now + apr_time_from_sec(60); reaped_expired < N - N / 3 && sweeps < 100;
         t += apr_time_from_sec(31)) {
        int before = reaped_expired;
        sence_store_sweep(s, t, apr_time_from_sec(30));
        sweeps++;
        if (reaped_expired - before > most)
            most = reaped_expired - before;
    }
    CHECK(reaped_expired == N - N / 3);
    CHECK(most <= 256 && sweeps >= (N - N / 3) / 256);
    sence_store_stats(s, &st);
    CHECK(st.live[SENCE_KIND_SESSION] == N / 3);
    /* every = 0 (the status page): one call looks at the whole store */
    reaped_expired = 0;
    sence_store_sweep(s, now + apr_time_from_sec(6000), 0);
    CHECK(reaped_expired == 256);
}

static int replaced[SENCE_EV_COUNT];

static void count_reaped(void *baton, sence_kind_t kind, sence_drop_why_t why,
                         const sence_record_t *r)
{
    sence_event_kind_t ev = sence_drop_event(kind, r, why);

    (void)baton;
    (void)r;
    replaced[ev]++;
}

/* One participant's records are bounded: a new session of a course replaces theirs, a
 * fifth pending attempt replaces their oldest; nobody else's records are touched. */
static void bounds(apr_pool_t *p)
{
    sence_store_t *s = fresh(p, 64, NULL);
    apr_time_t now = apr_time_from_sec(30000);
    sence_record_t a[10], other, sess, sess2, out;
    sence_store_stats_t st;
    int i, live = 0;

    memset(replaced, 0, sizeof(replaced));
    sence_store_on_drop(s, count_reaped, NULL);
    other = rec_of(2, now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_ATTEMPT, &other, now);
    for (i = 0; i < 10; i++) {
        a[i] = rec_of(1, now, apr_time_from_sec(600));
        a[i].created = now + i;
        sence_store_put(s, SENCE_KIND_ATTEMPT, &a[i], now + i);
    }
    for (i = 0; i < 10; i++)
        live += sence_store_get(s, SENCE_KIND_ATTEMPT, a[i].id, now, &out) == APR_SUCCESS;
    CHECK(live == SENCE_MAX_PENDING);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, a[9].id, now, &out) == APR_SUCCESS);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, a[0].id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, other.id, now, &out) == APR_SUCCESS);
    CHECK(replaced[SENCE_EV_LOGIN_REPLACED] == 10 - SENCE_MAX_PENDING);
    /* a close attempt counts as pending too, and is replaced as a close */
    a[0] = rec_of(1, now, apr_time_from_sec(600));
    a[0].flags = SENCE_FLAG_CLOSE;
    a[0].created = now + 20;
    sence_store_put(s, SENCE_KIND_ATTEMPT, &a[0], now + 20);
    for (i = 0; i < SENCE_MAX_PENDING; i++) {
        a[1] = rec_of(1, now, apr_time_from_sec(600));
        a[1].created = now + 21 + i;
        sence_store_put(s, SENCE_KIND_ATTEMPT, &a[1], now + 21 + i);
    }
    CHECK(replaced[SENCE_EV_CLOSE_REPLACED] == 1);
    /* the participant (the RUN, when there is no LMS account) has one session per course */
    sess = rec("11111111-1", now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_SESSION, &sess, now);
    sess2 = rec("11111111-1", now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_SESSION, &sess2, now);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, sess.id, now, &out) == APR_NOTFOUND);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, sess2.id, now, &out) == APR_SUCCESS);
    CHECK(replaced[SENCE_EV_SESSION_REPLACED] == 1);
    /* another course, another issuer (SencePublicURL), another RUN: kept side by side */
    sess = rec("11111111-1", now, apr_time_from_sec(600));
    sess.linea = 1;
    sence_store_put(s, SENCE_KIND_SESSION, &sess, now);
    other = rec("11111111-1", now, apr_time_from_sec(600));
    other.issuer = sence_issuer("https://otro.otec.test");
    sence_store_put(s, SENCE_KIND_SESSION, &other, now);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, sess2.id, now, &out) == APR_SUCCESS);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, sess.id, now, &out) == APR_SUCCESS);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, other.id, now, &out) == APR_SUCCESS);
    other = rec("22222222-2", now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_SESSION, &other, now);
    CHECK(sence_store_get(s, SENCE_KIND_SESSION, sess2.id, now, &out) == APR_SUCCESS);
    CHECK(replaced[SENCE_EV_SESSION_REPLACED] == 1);
    /* at most SENCE_MAX_SESSIONS courses per participant: the oldest goes */
    for (i = 0; i < SENCE_MAX_SESSIONS + 3; i++) {
        sess = rec_of(7, now, apr_time_from_sec(600));
        sess.linea = 100 + i;
        sess.created = now + i;
        sence_store_put(s, SENCE_KIND_SESSION, &sess, now);
    }
    CHECK(replaced[SENCE_EV_SESSION_REPLACED] == 1 + 3);
    /* a participant is the LMS account, whatever the login: new logins do not make room */
    live = replaced[SENCE_EV_LOGIN_REPLACED];
    for (i = 0; i < SENCE_MAX_PENDING + 2; i++) {
        a[1] = rec("12345678-5", now, apr_time_from_sec(600));
        snprintf(a[1].subject, sizeof(a[1].subject), "moodle:77:login%d", i);
        a[1].created = now + 40 + i;
        sence_store_put(s, SENCE_KIND_ATTEMPT, &a[1], now);
    }
    CHECK(replaced[SENCE_EV_LOGIN_REPLACED] == live + 2);
    a[1] = rec("12345678-5", now, apr_time_from_sec(600));
    strcpy(a[1].subject, "moodle:777:login0"); /* another account sharing the prefix */
    sence_store_put(s, SENCE_KIND_ATTEMPT, &a[1], now);
    CHECK(replaced[SENCE_EV_LOGIN_REPLACED] == live + 2);
    CHECK(sence_issuer("") == 0 &&
          sence_issuer("https://a.test") != sence_issuer("https://b.test"));
    sence_store_stats(s, &st);
    CHECK(st.evicted[0] == 0 && st.evicted[1] == 0);
}

/* One participant at full speed (gate pages and self-forged sessions) against a store that
 * holds a victim's session and pending login: neither is ever pushed out. */
static void flood(apr_pool_t *p)
{
    enum { CAP = 100, VICTIMS = 40 };
    sence_store_t *s = fresh(p, CAP, NULL);
    apr_time_t now = apr_time_from_sec(40000);
    sence_record_t vs[VICTIMS], va[VICTIMS], r, out;
    sence_store_stats_t st;
    int i, kept = 0;

    for (i = 0; i < VICTIMS; i++) {
        vs[i] = rec_of(1000 + i, now, apr_time_from_sec(3600));
        sence_store_put(s, SENCE_KIND_SESSION, &vs[i], now);
        va[i] = rec_of(1000 + i, now, apr_time_from_sec(600));
        va[i].linea = 1;
        sence_store_put(s, SENCE_KIND_ATTEMPT, &va[i], now);
    }
    for (i = 0; i < 100000; i++) {
        r = rec_of(1, now, apr_time_from_sec(600));
        r.created = now + i;
        sence_store_put(s, SENCE_KIND_ATTEMPT, &r, now);
        r = rec_of(1, now, apr_time_from_sec(3600));
        r.linea = i % 50; /* even across courses */
        r.created = now + i;
        sence_store_put(s, SENCE_KIND_SESSION, &r, now);
    }
    for (i = 0; i < VICTIMS; i++)
        kept += sence_store_get(s, SENCE_KIND_SESSION, vs[i].id, now, &out) == APR_SUCCESS &&
                sence_store_take(s, SENCE_KIND_ATTEMPT, va[i].id, now, &out) == APR_SUCCESS;
    CHECK(kept == VICTIMS);
    sence_store_stats(s, &st);
    CHECK(st.live[SENCE_KIND_ATTEMPT] == SENCE_MAX_PENDING);
    CHECK(st.live[SENCE_KIND_SESSION] == VICTIMS + SENCE_MAX_SESSIONS);
    CHECK(st.evicted[0] == 0 && st.evicted[1] == 0);
}

/* A full store under real pressure: among the oldest records, the one of the participant
 * holding the most goes, not the single record of someone else. */
static void pressure(apr_pool_t *p)
{
    sence_store_t *s = fresh(p, 6, NULL);
    apr_time_t now = apr_time_from_sec(50000);
    sence_record_t lone, many[3], fresh_one, out;
    int i, left = 0;

    lone = rec_of(1, now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_ATTEMPT, &lone, now); /* the oldest attempt */
    for (i = 0; i < 3; i++) {
        many[i] = rec_of(2, now, apr_time_from_sec(600));
        many[i].created = now + 1 + i;
        sence_store_put(s, SENCE_KIND_ATTEMPT, &many[i], now);
    }
    fresh_one = rec_of(3, now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_SESSION, &fresh_one, now);
    fresh_one = rec_of(4, now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_SESSION, &fresh_one, now); /* full */
    fresh_one = rec_of(5, now, apr_time_from_sec(600));
    sence_store_put(s, SENCE_KIND_ATTEMPT, &fresh_one, now);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, lone.id, now, &out) == APR_SUCCESS);
    for (i = 0; i < 3; i++)
        left += sence_store_get(s, SENCE_KIND_ATTEMPT, many[i].id, now, &out) == APR_SUCCESS;
    CHECK(left == 2);
    CHECK(sence_store_get(s, SENCE_KIND_ATTEMPT, fresh_one.id, now, &out) == APR_SUCCESS);
}

int main(void)
{
    apr_pool_t *p;

    apr_initialize();
    apr_pool_create(&p, NULL);
    basics(p);
    eviction(p);
    bounds(p);
    flood(p);
    pressure(p);
    reporting(p);
    volume(p);
    head(p);
    sweeping(p);
    processes(p);
    return check_done("store");
}
