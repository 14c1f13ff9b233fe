/* sencectl: checks every gated course against SENCE before the first class, validates RUNs,
 * turns the journal into the attendance report and shows the module's status. It links the
 * module's pure core (mod_sence/core), so it reads codes, RUNs and JSON exactly as the module
 * does. */
#include "ctl.h"

#include <apr_general.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: sencectl COMMAND [OPTIONS]\n"
          "\n"
          "Commands\n"
          "  check   preflight every gated course against SENCE (start request with a probe\n"
          "          RUN, the answer read, nothing recorded): sencectl check --help\n"
          "  rut     normalise and validate RUN/RUT values: sencectl rut --help\n"
          "  report  attendance report from the journal (SenceJournal): sencectl report --help\n"
          "  status  the module's sence-status?json as a table: sencectl status --help\n"
          "\n"
          "  -h, --help     this text\n"
          "  --version      the version\n"
          "\n"
          "See sencectl(1).\n",
          f);
}

void ctl_err(const char *fmt, ...)
{
    va_list ap;

    fputs(CTL_PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ctl_opt(int argc, const char *const *argv, int *i, const char *name, int want_value,
            const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0 || (a[n] && a[n] != '='))
        return 0;
    if (!want_value) {
        if (a[n])
            return 0;
        return 1;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (*i + 1 >= argc) {
        ctl_err("%s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

apr_size_t ctl_width(const char *s)
{
    apr_size_t w = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

void ctl_pad(const char *s, apr_size_t w, int right)
{
    apr_size_t n = ctl_width(s);

    if (right)
        for (; n < w; n++)
            putchar(' ');
    fputs(s, stdout);
    if (!right)
        for (; n < w; n++)
            putchar(' ');
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    const char *cmd;
    int rc;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS ||
        apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fputs(CTL_PROG ": cannot initialise APR\n", stderr);
        return 2;
    }
    cmd = argc > 1 ? argv[1] : NULL;
    if (!cmd) {
        usage(stderr);
        rc = 2;
    } else if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        rc = 0;
    } else if (!strcmp(cmd, "--version")) {
        printf(CTL_PROG " %s\n", CTL_VERSION);
        rc = 0;
    } else if (!strcmp(cmd, "check")) {
        rc = ctl_check(p, argc - 1, argv + 1);
    } else if (!strcmp(cmd, "rut")) {
        rc = ctl_rut(p, argc - 1, argv + 1);
    } else if (!strcmp(cmd, "report")) {
        rc = ctl_report(p, argc - 1, argv + 1);
    } else if (!strcmp(cmd, "status")) {
        rc = ctl_status(p, argc - 1, argv + 1);
    } else {
        ctl_err("unknown command '%s'; try sencectl --help", cmd);
        rc = 2;
    }
    fflush(stdout);
    apr_pool_destroy(p);
    apr_terminate();
    return rc;
}
