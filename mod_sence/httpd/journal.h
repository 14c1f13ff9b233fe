/* The attendance journal, SenceJournal (journal.c). */
#ifndef SENCE_JOURNAL_H
#define SENCE_JOURNAL_H

#include "sence_module.h"
#include "event.h"

void sence_journal(request_rec *r, sence_event_t *e);
/* An event of no request (the alert sender's). */
void sence_journal_server(server_rec *s, apr_pool_t *p, sence_event_t *e);
const char *sence_journal_set(cmd_parms *cmd, void *dv, const char *arg);
int sence_journal_open(apr_pool_t *pconf, server_rec *s);
void sence_journal_child_init(server_rec *s);

#endif
