/* sencectl report: the OTEC's attendance evidence from mod_sence's journal (SenceJournal, one
 * JSON object per line), one row per course, day and participant. Lines it cannot use are
 * counted and named, never fatal: the journal is evidence and the report must always come out
 * of it. */
#define _POSIX_C_SOURCE 200809L
#include "ctl.h"
#include "moodle/json.h"

#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG CTL_PROG " report"
#define DEFAULT_TZ "America/Santiago"

static void help(void)
{
    fputs(
        "Usage: sencectl report [--csv] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--course "
        "CODIGO]...\n"
        "                       [--suspect] [--tz ZONE] [JOURNAL...]\n"
        "\n"
        "Reads mod_sence attendance journals (SenceJournal: one JSON object per line) from the\n"
        "files given, in that order (rotated files first), or from standard input when there are\n"
        "none or a file is \"-\", and prints one row per course, day and participant: the OTEC's\n"
        "evidence of SENCE attendance.\n"
        "\n"
        "Options\n"
        "  --csv              CSV (RFC 4180, header line, LF line ends) instead of an aligned "
        "table\n"
        "  --from YYYY-MM-DD  only days on or after this date\n"
        "  --to YYYY-MM-DD    only days on or before this date\n"
        "  --course CODIGO    only this CodigoCurso (repeat for several)\n"
        "  --suspect          only rows with suspect callbacks (see the suspect column)\n"
        "  --tz ZONE          time zone of the days (default " DEFAULT_TZ ", SENCE's time)\n"
        "  -h, --help         this text\n"
        "\n"
        "Columns (one row per codigo_curso, cod_sence, linea, date and run)\n"
        "  date            the day: the date of the event's \"time\" in the journal, in the\n"
        "                  --tz time zone\n"
        "  codigo_curso    CodigoCurso sent to SENCE\n"
        "  cod_sence       CodSence sent to SENCE (may be empty on line 1)\n"
        "  linea           LineaCapacitacion\n"
        "  run             the participant's RUN\n"
        "  first_start     time of the day's first start_ok (session started by SENCE), as "
        "written\n"
        "                  in the journal (ISO 8601 with offset); empty if none\n"
        "  last_close      time of the day's last close_ok (session closed at SENCE); empty if "
        "none\n"
        "  sessions        sessions started that day (start_ok lines)\n"
        "  closes          sessions closed at SENCE that day (close_ok lines)\n"
        "  errors          GlosaError codes of failed starts and closes (start_error, "
        "close_error),\n"
        "                  in time order, separated by \";\" (e.g. 211;204); empty if none\n"
        "  abandoned       logins sent to SENCE and never answered within SenceLoginTimeout\n"
        "                  (login_abandoned; an unanswered close is close_abandoned, not counted)\n"
        "  pending         logins sent (login_sent) with no outcome in the journals read: no\n"
        "                  start_ok, start_error, login_abandoned, callback_rejected, "
        "login_evicted\n"
        "                  or login_replaced for that IdSesionAlumno (still at SENCE, or the\n"
        "                  outcome is in a later journal file)\n"
        "  expired         sessions that ended by reaching SenceSessionLifetime (session_expired)\n"
        "  suspect         SENCE callbacks of that day (start_ok, start_error, close_ok,\n"
        "                  close_error) accepted from a browser request that did not look like\n"
        "                  SENCE's page: the journal line's \"suspect\" field says why (Origin,\n"
        "                  Sec-Fetch-*, too fast). The protocol cannot tell a participant's own\n"
        "                  forged \"success\" from SENCE's; these are the ones to look at\n"
        "  first_activity  time of the participant's first action that day (login_sent, start_ok,\n"
        "                  start_error, close_ok, close_error), as written; empty if none\n"
        "  last_activity   time of the last such action that day; empty if none\n"
        "  dj              yes when the participant has at least one session started by SENCE\n"
        "                  (start_ok) for the course in the journals read, any day: SENCE's sworn\n"
        "                  declaration (DJ) needs one; else no\n"
        "\n"
        "Expired sessions and abandoned logins are journalled when the server reclaims them, "
        "which\n"
        "can be later than the exact expiry (even the next day).\n"
        "\n"
        "Lines that are not a JSON object with \"time\" and \"event\" (or that lack the "
        "participant\n"
        "and course of a participant event) are skipped, counted and reported on standard error\n"
        "with file and line number; they never stop the report. Exit status: 0, or 2 for a usage\n"
        "error or an unreadable file.\n",
        stdout);
}

enum {
    E_OTHER,
    E_LOGIN_SENT,
    E_START_OK,
    E_START_ERROR,
    E_CLOSE_SENT,
    E_CLOSE_OK,
    E_CLOSE_ERROR,
    E_SESSION_EXPIRED,
    E_LOGIN_ABANDONED
};

static const struct {
    const char *name;
    int kind;
    int keyed;   /* belongs to a participant and a course: a row */
    int settles; /* an outcome of a login attempt (its IdSesionAlumno) */
} known[] = {
    {"login_sent", E_LOGIN_SENT, 1, 0},
    {"start_ok", E_START_OK, 1, 1},
    {"start_error", E_START_ERROR, 1, 1},
    {"close_sent", E_CLOSE_SENT, 0, 0},
    {"close_ok", E_CLOSE_OK, 1, 0},
    {"close_error", E_CLOSE_ERROR, 1, 0},
    {"session_expired", E_SESSION_EXPIRED, 1, 0},
    {"login_abandoned", E_LOGIN_ABANDONED, 1, 1},
    {"session_evicted", E_OTHER, 0, 0},
    {"login_evicted", E_OTHER, 0, 1},
    {"callback_rejected", E_OTHER, 0, 1},
    {"close_abandoned", E_OTHER, 0, 0},
    {"close_evicted", E_OTHER, 0, 0},
    {"session_replaced", E_OTHER, 0, 0},
    {"login_replaced", E_OTHER, 0, 1},
    {"close_replaced", E_OTHER, 0, 0},
    {"alert_sent", E_OTHER, 0, 0},
    {"alert_failed", E_OTHER, 0, 0},
};

typedef struct {
    long seq;
    int k; /* index in known[] */
    const char *time;
    apr_int64_t epoch;
    char day[11];
    const char *run, *codigo_curso, *cod_sence, *id;
    long linea;
    apr_array_header_t *codes; /* const char * */
    int suspect;
} event_t;

typedef struct {
    const char *codigo_curso, *cod_sence, *day, *run;
    long linea;
    const char *first_start, *last_close, *first_act, *last_act;
    int sessions, closes, abandoned, pending, expired, suspect, dj;
    const char *errors;
} row_t;

typedef struct {
    apr_pool_t *pool;
    apr_array_header_t *events; /* event_t */
    long seq;
    unsigned malformed;
} reader_t;

/* ---- reading ------------------------------------------------------------------------------ */

static void bad(reader_t *rd, const char *where, const char *why)
{
    rd->malformed++;
    fprintf(stderr, PROG ": %s: malformed line skipped (%s)\n", where, why);
}

static const char *text(const sence_json_t *v)
{
    if (!v)
        return "";
    if (v->type == SENCE_JSON_STR || v->type == SENCE_JSON_NUM)
        return v->str;
    return "";
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int two(const char *s)
{
    return (s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9')
               ? (s[0] - '0') * 10 + s[1] - '0'
               : -1;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static apr_int64_t days_from_civil(apr_int64_t y, int m, int d)
{
    apr_int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits_at(const char *t, int from, int n)
{
    int i, v = 0;

    for (i = from; i < from + n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return -1;
        v = v * 10 + t[i] - '0';
    }
    return v;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|+HHMM)"; 0 when not so. */
static int epoch_of(const char *t, apr_int64_t *out)
{
    int y, mo, d, h, mi, s, oh, om, sign;
    const char *z;

    if (strlen(t) < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
        t[16] != ':')
        return 0;
    y = digits_at(t, 0, 4);
    mo = digits_at(t, 5, 2);
    d = digits_at(t, 8, 2);
    h = digits_at(t, 11, 2);
    mi = digits_at(t, 14, 2);
    s = digits_at(t, 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        s < 0 || s > 60)
        return 0;
    z = t + 19;
    if (*z == '.') {
        if (z[1] < '0' || z[1] > '9')
            return 0;
        for (z++; *z >= '0' && *z <= '9'; z++)
            ;
    }
    if (*z == 'Z' && !z[1]) {
        oh = om = 0;
        sign = 1;
    } else if ((*z == '+' || *z == '-') && (oh = two(z + 1)) >= 0 &&
               ((z[3] == ':' && (om = two(z + 4)) >= 0 && !z[6]) ||
                ((om = two(z + 3)) >= 0 && !z[5]))) {
        sign = *z == '-' ? -1 : 1;
    } else {
        return 0;
    }
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (s > 59 ? 59 : s) -
           sign * (oh * 3600 + om * 60);
    return 1;
}

static int utf8_valid(const unsigned char *s, apr_size_t n)
{
    apr_size_t i = 0;

    while (i < n) {
        unsigned c = s[i], need, min, cp, k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            min = 0x80;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            min = 0x800;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Bytes read as Latin-1 characters, written as UTF-8. */
static char *latin1_to_utf8(apr_pool_t *p, const char *s, apr_size_t n, apr_size_t *outlen)
{
    char *o = apr_palloc(p, 2 * n + 1), *w = o;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            *w++ = (char)c;
        } else {
            *w++ = (char)(0xc0 | (c >> 6));
            *w++ = (char)(0x80 | (c & 0x3f));
        }
    }
    *w = '\0';
    *outlen = (apr_size_t)(w - o);
    return o;
}

static int known_index(const char *ev)
{
    int i;

    for (i = 0; i < (int)(sizeof(known) / sizeof(known[0])); i++)
        if (!strcmp(known[i].name, ev))
            return i;
    return -1;
}

static void day_of(apr_int64_t epoch, char out[11])
{
    time_t t = (time_t)epoch;
    struct tm tm;

    if (!localtime_r(&t, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
        strcpy(out, "0000-00-00");
}

static void read_line(reader_t *rd, char *line, apr_size_t len, const char *where)
{
    apr_pool_t *p = rd->pool;
    const sence_json_t *j, *codes;
    const char *why = NULL, *ev, *tm;
    event_t *e;
    apr_size_t i;
    int k;

    if (len && line[len - 1] == '\r')
        line[--len] = '\0';
    for (i = 0; i < len && strchr(" \t\r\n\f\v", line[i]) && line[i]; i++)
        ;
    if (i == len)
        return;
    if (utf8_valid((const unsigned char *)line, len)) {
        j = sence_json_parse(p, line, len, &why);
    } else {
        apr_size_t n;
        char *u = latin1_to_utf8(p, line, len, &n);
        j = sence_json_parse(p, u, n, &why);
        if (j)
            fprintf(stderr, PROG ": %s: not valid UTF-8, read as Latin-1\n", where);
    }
    if (!j) {
        bad(rd, where, why ? why : "not JSON");
        return;
    }
    if (j->type != SENCE_JSON_OBJ) {
        bad(rd, where, "not a JSON object");
        return;
    }
    ev = text(sence_json_get(j, "event"));
    if (!*ev) {
        bad(rd, where, "no \"event\"");
        return;
    }
    e = apr_pcalloc(p, sizeof(*e));
    tm = text(sence_json_get(j, "time"));
    if (!epoch_of(tm, &e->epoch)) {
        bad(rd, where, "no ISO 8601 \"time\"");
        return;
    }
    if ((k = known_index(ev)) < 0) {
        fprintf(stderr, PROG ": %s: unknown event '%s' ignored\n", where, ev);
        return;
    }
    e->run = text(sence_json_get(j, "run"));
    e->codigo_curso = text(sence_json_get(j, "codigo_curso"));
    e->cod_sence = text(sence_json_get(j, "cod_sence"));
    e->id = text(sence_json_get(j, "id_sesion_alumno"));
    if (known[k].keyed) {
        const char *linea = text(sence_json_get(j, "linea")), *missing = "";
        if (!*e->run)
            missing = "run";
        if (!*e->codigo_curso)
            missing = apr_pstrcat(p, missing, *missing ? ", " : "", "codigo_curso", NULL);
        if (!*linea)
            missing = apr_pstrcat(p, missing, *missing ? ", " : "", "linea", NULL);
        if (*missing) {
            bad(rd, where, apr_psprintf(p, "%s without %s", ev, missing));
            return;
        }
        if (!all_digits(linea)) {
            bad(rd, where, "linea is not a number");
            return;
        }
    }
    e->linea = all_digits(text(sence_json_get(j, "linea")))
                   ? strtol(text(sence_json_get(j, "linea")), NULL, 10)
                   : 0;
    e->codes = apr_array_make(p, 2, sizeof(const char *));
    codes = sence_json_get(j, "codes");
    if (codes && codes->type != SENCE_JSON_NULL) {
        int n, okc = codes->type == SENCE_JSON_ARR;
        for (n = 0; okc && n < codes->items->nelts; n++) {
            const sence_json_t *c = APR_ARRAY_IDX(codes->items, n, const sence_json_t *);
            okc = (c->type == SENCE_JSON_NUM || c->type == SENCE_JSON_STR) && all_digits(c->str);
            if (okc)
                APR_ARRAY_PUSH(e->codes, const char *) = c->str;
        }
        if (!okc) {
            bad(rd, where, "\"codes\" is not an array of numbers");
            return;
        }
    }
    e->seq = rd->seq++;
    e->k = k;
    e->time = tm;
    e->suspect = *text(sence_json_get(j, "suspect")) != '\0';
    day_of(e->epoch, e->day);
    *(event_t *)apr_array_push(rd->events) = *e;
}

typedef struct {
    char *buf;
    apr_size_t len, cap;
} linebuf_t;

static int append(linebuf_t *b, const char *data, apr_size_t n)
{
    if (b->len + n + 1 > b->cap) {
        apr_size_t nc = b->cap ? b->cap : 4096;
        char *nb;
        while (nc < b->len + n + 1)
            nc *= 2;
        if (!(nb = realloc(b->buf, nc)))
            return -1;
        b->buf = nb;
        b->cap = nc;
    }
    memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

/* Returns 0, or -1 when the file cannot be read (message printed). */
static int read_journal(reader_t *rd, const char *path)
{
    apr_pool_t *p = rd->pool;
    int is_stdin = !strcmp(path, "-");
    const char *name = is_stdin ? "(stdin)" : path;
    apr_file_t *f;
    apr_status_t rv;
    linebuf_t b = {NULL, 0, 0};
    unsigned long n = 0;

    rv = is_stdin ? apr_file_open_stdin(&f, p)
                  : apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p);
    if (rv != APR_SUCCESS) {
        fprintf(stderr, PROG ": cannot read %s: %s\n", path, apr_psprintf(p, "%pm", &rv));
        return -1;
    }
    for (;;) {
        char chunk[65536];
        apr_size_t got = sizeof(chunk), i, start = 0;
        rv = apr_file_read(f, chunk, &got);
        for (i = 0; i <= got; i++) {
            if (i < got && chunk[i] != '\n')
                continue;
            if (append(&b, chunk + start, i - start) != 0) {
                free(b.buf);
                fprintf(stderr, PROG ": out of memory\n");
                return -1;
            }
            if (i == got)
                break;
            read_line(rd, apr_pstrmemdup(p, b.buf, b.len), b.len,
                      apr_psprintf(p, "%s:%lu", name, ++n));
            b.len = 0;
            start = i + 1;
        }
        if (rv != APR_SUCCESS)
            break;
    }
    if (b.len)
        read_line(rd, apr_pstrmemdup(p, b.buf, b.len), b.len, apr_psprintf(p, "%s:%lu", name, ++n));
    free(b.buf);
    if (!is_stdin)
        apr_file_close(f);
    if (rv != APR_EOF) {
        fprintf(stderr, PROG ": cannot read %s: %s\n", path, apr_psprintf(p, "%pm", &rv));
        return -1;
    }
    return 0;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static const char *keyof(apr_pool_t *p, const char *a, const char *b, long linea, const char *c,
                         const char *d)
{
    return apr_psprintf(p, "%lu:%s|%lu:%s|%ld|%lu:%s|%lu:%s", (unsigned long)strlen(a), a,
                        (unsigned long)strlen(b), b, linea, (unsigned long)strlen(c), c,
                        (unsigned long)strlen(d), d);
}

static int by_time(const void *x, const void *y)
{
    const event_t *a = x, *b = y;

    if (a->epoch != b->epoch)
        return a->epoch < b->epoch ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int by_row(const void *x, const void *y)
{
    const row_t *a = *(row_t *const *)x, *b = *(row_t *const *)y;
    int c;

    if ((c = strcmp(a->codigo_curso, b->codigo_curso)) || (c = strcmp(a->cod_sence, b->cod_sence)))
        return c;
    if (a->linea != b->linea)
        return a->linea < b->linea ? -1 : 1;
    if ((c = strcmp(a->day, b->day)))
        return c;
    return strcmp(a->run, b->run);
}

#define NCOLS 17
static const char *const cols[NCOLS] = {
    "date",       "codigo_curso", "cod_sence",      "linea",         "run",       "first_start",
    "last_close", "sessions",     "closes",         "errors",        "abandoned", "pending",
    "expired",    "suspect",      "first_activity", "last_activity", "dj"};
static const int numeric[NCOLS] = {0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0};

static void cells_of(apr_pool_t *p, const row_t *r, const char *out[NCOLS])
{
    out[0] = r->day;
    out[1] = r->codigo_curso;
    out[2] = r->cod_sence;
    out[3] = apr_ltoa(p, r->linea);
    out[4] = r->run;
    out[5] = r->first_start;
    out[6] = r->last_close;
    out[7] = apr_itoa(p, r->sessions);
    out[8] = apr_itoa(p, r->closes);
    out[9] = r->errors;
    out[10] = apr_itoa(p, r->abandoned);
    out[11] = apr_itoa(p, r->pending);
    out[12] = apr_itoa(p, r->expired);
    out[13] = apr_itoa(p, r->suspect);
    out[14] = r->first_act;
    out[15] = r->last_act;
    out[16] = r->dj ? "yes" : "no";
}

static void csv_cell(const char *v)
{
    apr_size_t n = strlen(v);
    int quote = strpbrk(v, "\",\r\n") != NULL ||
                (n && (strchr(" \t\f\v", v[0]) || strchr(" \t\f\v", v[n - 1])));

    if (!quote) {
        fputs(v, stdout);
        return;
    }
    putchar('"');
    for (; *v; v++) {
        if (*v == '"')
            putchar('"');
        putchar(*v);
    }
    putchar('"');
}

static void print_csv(apr_pool_t *p, row_t **rows, int n)
{
    const char *c[NCOLS];
    int i, k;

    for (k = 0; k < NCOLS; k++) {
        fputs(k ? "," : "", stdout);
        csv_cell(cols[k]);
    }
    putchar('\n');
    for (i = 0; i < n; i++) {
        cells_of(p, rows[i], c);
        for (k = 0; k < NCOLS; k++) {
            fputs(k ? "," : "", stdout);
            csv_cell(c[k]);
        }
        putchar('\n');
    }
}

/* Aligned columns, two blanks apart, "-" for an empty cell, numbers to the right. */
static void print_table(apr_pool_t *p, row_t **rows, int n)
{
    apr_size_t w[NCOLS];
    const char ***cells = apr_palloc(p, sizeof(*cells) * (apr_size_t)(n + 1));
    int i, k;

    for (k = 0; k < NCOLS; k++)
        w[k] = ctl_width(cols[k]);
    for (i = 0; i < n; i++) {
        cells[i] = apr_palloc(p, sizeof(char *) * NCOLS);
        cells_of(p, rows[i], cells[i]);
        for (k = 0; k < NCOLS; k++) {
            if (!*cells[i][k])
                cells[i][k] = "-";
            if (ctl_width(cells[i][k]) > w[k])
                w[k] = ctl_width(cells[i][k]);
        }
    }
    for (i = -1; i < n; i++) {
        const char *const *c = i < 0 ? cols : cells[i];
        int last = NCOLS - 1;
        for (k = 0; k < NCOLS; k++) {
            fputs(k ? "  " : "", stdout);
            /* the last column (dj) is left-aligned: no trailing blanks */
            ctl_pad(c[k], k == last ? 0 : w[k], numeric[k] && i >= 0);
        }
        putchar('\n');
    }
    if (!n)
        puts("(no attendance events)");
}

static int valid_date(const char *v)
{
    int mo, d;

    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || digits_at(v, 0, 4) < 0)
        return 0;
    mo = digits_at(v, 5, 2);
    d = digits_at(v, 8, 2);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* A zone name must exist in the system's tzdata (else the C library silently uses UTC); a
 * POSIX TZ string (with an offset, e.g. "CLT+4") is taken as it is. */
static int valid_tz(apr_pool_t *p, const char *tz)
{
    const char *dir = getenv("TZDIR");
    const char *name = tz[0] == ':' ? tz + 1 : tz;

    if (!*name || strstr(name, ".."))
        return 0;
    if (tz[0] != ':' && strpbrk(name, "0123456789<,"))
        return 1;
    if (!strcmp(name, "UTC"))
        return 1;
    return access(apr_pstrcat(p, dir ? dir : "/usr/share/zoneinfo", "/", name, NULL), R_OK) == 0;
}

int ctl_report(apr_pool_t *p, int argc, const char *const *argv)
{
    reader_t rd = {p, apr_array_make(p, 256, sizeof(event_t)), 0, 0};
    apr_array_header_t *files = apr_array_make(p, 4, sizeof(const char *));
    apr_hash_t *course_ok = apr_hash_make(p), *settled = apr_hash_make(p),
               *close_id = apr_hash_make(p), *dj = apr_hash_make(p), *rows = apr_hash_make(p);
    const char *from = NULL, *to = NULL, *tz = DEFAULT_TZ, *v = NULL;
    int i, r, csv = 0, only_suspect = 0, n = 0, opts_done = 0;
    event_t *ev;
    row_t **out;
    apr_hash_index_t *hi;

    for (i = 1; i < argc; i++) {
        if (opts_done || argv[i][0] != '-' || !strcmp(argv[i], "-")) {
            APR_ARRAY_PUSH(files, const char *) = argv[i];
            continue;
        }
        if (!strcmp(argv[i], "--")) {
            opts_done = 1;
            continue;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            help();
            return 0;
        }
        if (ctl_opt(argc, argv, &i, "--csv", 0, NULL) == 1) {
            csv = 1;
            continue;
        }
        if (ctl_opt(argc, argv, &i, "--suspect", 0, NULL) == 1) {
            only_suspect = 1;
            continue;
        }
        if ((r = ctl_opt(argc, argv, &i, "--from", 1, &from)) != 0 ||
            (r = ctl_opt(argc, argv, &i, "--to", 1, &to)) != 0 ||
            (r = ctl_opt(argc, argv, &i, "--tz", 1, &tz)) != 0) {
            if (r < 0)
                return 2;
            continue;
        }
        if ((r = ctl_opt(argc, argv, &i, "--course", 1, &v)) != 0) {
            if (r < 0)
                return 2;
            apr_hash_set(course_ok, v, APR_HASH_KEY_STRING, "");
            continue;
        }
        fprintf(stderr, PROG ": unknown option '%s'; try --help\n", argv[i]);
        return 2;
    }
    if (from && !valid_date(from)) {
        fprintf(stderr, PROG ": --from wants a date YYYY-MM-DD, not '%s'\n", from);
        return 2;
    }
    if (to && !valid_date(to)) {
        fprintf(stderr, PROG ": --to wants a date YYYY-MM-DD, not '%s'\n", to);
        return 2;
    }
    if (!valid_tz(p, tz)) {
        fprintf(stderr, PROG ": --tz: no time zone '%s' in the system's tzdata\n", tz);
        return 2;
    }
    setenv("TZ", tz, 1);
    tzset();
    if (!files->nelts)
        APR_ARRAY_PUSH(files, const char *) = "-";
    for (i = 0; i < files->nelts; i++)
        if (read_journal(&rd, APR_ARRAY_IDX(files, i, const char *)) != 0)
            return 2;

    /* attempts settled anywhere in what was read, ids of close attempts, and who has a
     * started session per course (the DJ) */
    for (i = 0; i < rd.events->nelts; i++) {
        ev = &APR_ARRAY_IDX(rd.events, i, event_t);
        if (known[ev->k].kind == E_START_OK)
            apr_hash_set(dj, keyof(p, ev->codigo_curso, ev->cod_sence, ev->linea, "", ev->run),
                         APR_HASH_KEY_STRING, "");
        if (!*ev->id)
            continue;
        if (known[ev->k].settles)
            apr_hash_set(settled, ev->id, APR_HASH_KEY_STRING, "");
        if (known[ev->k].kind == E_CLOSE_SENT)
            apr_hash_set(close_id, ev->id, APR_HASH_KEY_STRING, "");
    }
    qsort(rd.events->elts, (size_t)rd.events->nelts, sizeof(event_t), by_time);
    for (i = 0; i < rd.events->nelts; i++) {
        const char *key;
        row_t *row;
        int kind, j;
        ev = &APR_ARRAY_IDX(rd.events, i, event_t);
        kind = known[ev->k].kind;
        if (!known[ev->k].keyed)
            continue;
        if (apr_hash_count(course_ok) &&
            !apr_hash_get(course_ok, ev->codigo_curso, APR_HASH_KEY_STRING))
            continue;
        if ((from && strcmp(ev->day, from) < 0) || (to && strcmp(ev->day, to) > 0))
            continue;
        if (kind == E_LOGIN_ABANDONED && apr_hash_get(close_id, ev->id, APR_HASH_KEY_STRING))
            continue; /* an unanswered close */
        key = keyof(p, ev->codigo_curso, ev->cod_sence, ev->linea, ev->day, ev->run);
        if (!(row = apr_hash_get(rows, key, APR_HASH_KEY_STRING))) {
            row = apr_pcalloc(p, sizeof(*row));
            row->codigo_curso = ev->codigo_curso;
            row->cod_sence = ev->cod_sence;
            row->linea = ev->linea;
            row->day = apr_pstrdup(p, ev->day);
            row->run = ev->run;
            row->first_start = row->last_close = row->first_act = row->last_act = "";
            row->errors = "";
            row->dj =
                apr_hash_get(dj, keyof(p, ev->codigo_curso, ev->cod_sence, ev->linea, "", ev->run),
                             APR_HASH_KEY_STRING) != NULL;
            apr_hash_set(rows, key, APR_HASH_KEY_STRING, row);
        }
        if (ev->suspect)
            row->suspect++;
        if (kind != E_SESSION_EXPIRED && kind != E_LOGIN_ABANDONED) {
            if (!*row->first_act)
                row->first_act = ev->time;
            row->last_act = ev->time;
        }
        switch (kind) {
        case E_START_OK:
            if (!row->sessions++)
                row->first_start = ev->time;
            break;
        case E_CLOSE_OK:
            row->closes++;
            row->last_close = ev->time;
            break;
        case E_START_ERROR:
        case E_CLOSE_ERROR:
            for (j = 0; j < ev->codes->nelts; j++)
                row->errors = apr_pstrcat(p, row->errors, *row->errors ? ";" : "",
                                          APR_ARRAY_IDX(ev->codes, j, const char *), NULL);
            break;
        case E_LOGIN_ABANDONED:
            row->abandoned++;
            break;
        case E_SESSION_EXPIRED:
            row->expired++;
            break;
        case E_LOGIN_SENT:
            if (!*ev->id || !apr_hash_get(settled, ev->id, APR_HASH_KEY_STRING))
                row->pending++;
            break;
        default:
            break;
        }
    }
    out = apr_palloc(p, sizeof(row_t *) * (apr_hash_count(rows) + 1));
    for (hi = apr_hash_first(p, rows); hi; hi = apr_hash_next(hi)) {
        row_t *row = apr_hash_this_val(hi);
        if (!only_suspect || row->suspect)
            out[n++] = row;
    }
    qsort(out, (size_t)n, sizeof(row_t *), by_row);
    if (csv)
        print_csv(p, out, n);
    else
        print_table(p, out, n);
    if (rd.malformed)
        fprintf(stderr, PROG ": %u malformed line%s skipped\n", rd.malformed,
                rd.malformed == 1 ? "" : "s");
    return 0;
}
