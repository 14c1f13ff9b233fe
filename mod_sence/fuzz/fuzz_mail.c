/* Alert mails with any text the LMS may hold (sence_mail_message): the input, split at '\n',
 * is the participant's name, e-mail, landline, mobile, the course's name and the detail.
 * Whatever it holds, the message stays 7-bit with CRLF lines, its headers are the module's
 * own (one To, the configured recipients only), and sence_mail_clean gives printable UTF-8
 * within its bound. */
#include "fuzz.h"
#include "mail.h"

#include <apr_strings.h>
#include <string.h>

static const char *next(const uint8_t **p, size_t *n)
{
    char *head = NULL;
    const uint8_t *rest = NULL;
    size_t len = 0;

    if (!*p)
        return "";
    if (!fuzz_split(*p, *n, '\n', &head, &rest, &len)) {
        *p = NULL;
        *n = 0;
        return head;
    }
    *p = rest;
    *n = len;
    return head;
}

static void check_clean(const char *s, apr_size_t max)
{
    const unsigned char *u = (const unsigned char *)s;

    FUZZ_ASSERT(strlen(s) <= max);
    for (; *u; u++)
        FUZZ_ASSERT(*u >= 0x20 && *u != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const known[] = {"Date",
                                        "From",
                                        "To",
                                        "Subject",
                                        "Message-ID",
                                        "MIME-Version",
                                        "Content-Type",
                                        "Content-Transfer-Encoding",
                                        "Auto-Submitted",
                                        NULL};
    const uint8_t *p = data;
    size_t n = size;
    sence_alert_t a;
    apr_time_exp_t t;
    sence_mail_env_t env;
    const char *msg, *end, *line;
    int to = 0;

    memset(&a, 0, sizeof(a));
    memset(&t, 0, sizeof(t));
    a.kind = (int)(size % SENCE_ALERT_KINDS);
    a.ncodes = 2;
    a.codes[0] = 211;
    a.codes[1] = 204;
    strcpy(a.run, "12345678-5");
    strcpy(a.ctx.recipients, "otec@example.cl");
    strcpy(a.ctx.site, "https://cursos.example.cl");
    sence_strlcpy(a.ctx.who.name, next(&p, &n), sizeof(a.ctx.who.name));
    sence_strlcpy(a.ctx.who.email, next(&p, &n), sizeof(a.ctx.who.email));
    sence_strlcpy(a.ctx.who.phone, next(&p, &n), sizeof(a.ctx.who.phone));
    sence_strlcpy(a.ctx.who.mobile, next(&p, &n), sizeof(a.ctx.who.mobile));
    sence_strlcpy(a.ctx.who.course, next(&p, &n), sizeof(a.ctx.who.course));
    sence_strlcpy(a.detail, next(&p, &n), sizeof(a.detail));
    sence_strlcpy(a.subject, next(&p, &n), sizeof(a.subject));

    check_clean(sence_mail_clean(fuzz_pool, a.ctx.who.name, 40), 40);
    env.from = "sence@otec.example.cl";
    env.msgid = "fuzz";
    env.when = &t;
    env.zone = "UTC";
    msg = sence_mail_message(fuzz_pool, &a, &env);
    for (const unsigned char *u = (const unsigned char *)msg; *u; u++) {
        FUZZ_ASSERT(*u < 0x80);
        FUZZ_ASSERT(*u != '\r' || u[1] == '\n');
        FUZZ_ASSERT(*u != '\n' || (u > (const unsigned char *)msg && u[-1] == '\r'));
    }
    end = strstr(msg, "\r\n\r\n");
    FUZZ_ASSERT(end != NULL);
    for (line = msg; line < end; line = strstr(line, "\r\n") + 2) {
        int i, ok = line[0] == ' ';
        for (i = 0; known[i] && !ok; i++) {
            apr_size_t k = strlen(known[i]);
            ok = !strncmp(line, known[i], k) && line[k] == ':';
        }
        FUZZ_ASSERT(ok);
        if (!strncmp(line, "To:", 3)) {
            to++;
            FUZZ_ASSERT(!strncmp(line, "To: otec@example.cl\r\n", 21));
        }
    }
    FUZZ_ASSERT(to == 1);
    fuzz_done();
    return 0;
}
