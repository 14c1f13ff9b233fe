/* sencectl rut: RUN/RUT values normalised and validated as the module reads them, before a
 * participant list is loaded into the LMS. */
#include "ctl.h"
#include "run.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

static void help(void)
{
    fputs("Usage: sencectl rut VALUE...\n"
          "       sencectl rut --file FILE\n"
          "\n"
          "Prints each valid RUN/RUT normalised (12.345.678-5 -> 12345678-5) and the reason for\n"
          "each invalid one. --file FILE (\"-\": standard input) reads one value per line (blank\n"
          "lines and lines starting with # are skipped) and prints the line number of each\n"
          "invalid one.\n"
          "Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable file.\n",
          stdout);
}

/* Returns 1 when valid. */
static int one(const char *value, const char *where)
{
    char out[SENCE_RUN_MAX + 1];
    sence_run_status_t st = sence_run_normalize(value, out);

    if (st == SENCE_RUN_OK) {
        if (!where)
            printf("%s -> %s\n", value, out);
        return 1;
    }
    if (where)
        printf("%s: '%s': %s\n", where, value, sence_run_status_text(st));
    else
        printf("'%s': invalid: %s\n", value, sence_run_status_text(st));
    return 0;
}

static int from_file(apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    apr_status_t rv;
    char line[1024];
    unsigned n = 0, bad = 0, total = 0;

    rv = strcmp(path, "-") ? apr_file_open(&f, path, APR_FOPEN_READ, 0, p)
                           : apr_file_open_stdin(&f, p);
    if (rv != APR_SUCCESS) {
        ctl_err("cannot read %s: %pm", path, &rv);
        return 2;
    }
    while (apr_file_gets(line, sizeof(line), f) == APR_SUCCESS) {
        char *s = line, *e;
        n++;
        e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        total++;
        if (!one(s, apr_psprintf(p, "%s:%u", path, n)))
            bad++;
    }
    apr_file_close(f);
    printf("%u value%s, %u invalid\n", total, total == 1 ? "" : "s", bad);
    return bad ? 1 : 0;
}

int ctl_rut(apr_pool_t *p, int argc, const char *const *argv)
{
    const char *file = NULL;
    int i, bad = 0, n = 0;

    for (i = 1; i < argc; i++) {
        int r;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            help();
            return 0;
        }
        if ((r = ctl_opt(argc, argv, &i, "--file", 1, &file)) != 0) {
            if (r < 0)
                return 2;
            continue;
        }
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (argv[i][0] == '-' && argv[i][1] == '-') {
            ctl_err("rut: unknown option '%s'; try sencectl rut --help", argv[i]);
            return 2;
        }
        break;
    }
    if (file) {
        if (i < argc) {
            ctl_err("rut: --file and values exclude each other");
            return 2;
        }
        return from_file(p, file);
    }
    for (; i < argc; i++, n++)
        bad += !one(argv[i], NULL);
    if (!n) {
        ctl_err("rut: give values or --file FILE; try sencectl rut --help");
        return 2;
    }
    return bad ? 1 : 0;
}
