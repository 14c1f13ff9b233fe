/* SetHandler sence-status: what the module is doing now, for people (HTML), machines (?json)
 * and Prometheus (?metrics). Protect it with Require, like server-status. The figures are
 * gathered here once (sence_status_t); the core's writers (statusdoc.c) only format them. */
#include "sence_module.h"
#include "config.h"
#include "status.h"
#include "store_glue.h"
#include "store_socache.h"
#include "alert_glue.h"
#include "statusdoc.h"
#include "store_shm.h"

#include <ap_listen.h>
#include <http_core.h>
#include <http_main.h>
#include <http_protocol.h>
#include <apr_strings.h>

#define STATUS_HANDLER "sence-status"

#ifndef SENCE_VERSION
#error "SENCE_VERSION is set by CMakeLists.txt from project(... VERSION ...)"
#endif

/* Whether some virtual host is bound to the listener a: the main server never answers there. */
static int vhost_listens_on(const apr_sockaddr_t *a)
{
    server_rec *v;
    server_addr_rec *sar;

    for (v = ap_server_conf->next; v; v = v->next)
        for (sar = v->addrs; sar; sar = sar->next)
            if (!sar->host_port || sar->host_port == a->port)
                return 1;
    return 0;
}

/* The port server s really listens on. s->port is the port of ServerName, which is 0 when
 * ServerName has none and may be a proxy's; the address a virtual host is bound to, the
 * connection this request came on, or the listeners no virtual host takes are what the server
 * listens on. */
static apr_port_t real_port(request_rec *r, server_rec *s)
{
    ap_listen_rec *lr;

    if (s->is_virtual && s->addrs && s->addrs->host_port)
        return s->addrs->host_port;
    if (s == r->server && r->connection->local_addr)
        return r->connection->local_addr->port;
    if (!s->is_virtual)
        for (lr = ap_listeners; lr; lr = lr->next)
            if (lr->bind_addr && !vhost_listens_on(lr->bind_addr))
                return lr->bind_addr->port;
    if (s->port)
        return s->port;
    return ap_listeners && ap_listeners->bind_addr ? ap_listeners->bind_addr->port : 0;
}

/* Every gated section of every server, each (server, path) once: a path may be written in
 * several sections of one server (they merge into one location). */
static void gather_locations(request_rec *r, sence_status_t *st)
{
    server_rec *s;
    int i;

    for (s = ap_server_conf; s; s = s->next) {
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        const char *server =
            apr_psprintf(r->pool, "%s:%u", s->server_hostname ? s->server_hostname : "",
                         (unsigned)real_port(r, s));
        for (i = 0; i < sc->sections->nelts; i++) {
            const sence_section_t *sec = &APR_ARRAY_IDX(sc->sections, i, sence_section_t);
            const sence_dir_conf_t *d =
                sec->path ? sence_section_effective(r->pool, s, sec)
                          : ap_get_module_config(s->lookup_defaults, &sence_module);
            sence_status_location_t l;
            if (d->enabled != 1)
                continue;
            l.server = server;
            l.path = sec->path ? sec->path : "(server)";
            l.environment = d->env == SENCE_ENV_PRODUCTION ? "production" : "test";
            l.endpoint = sence_base_url(d->env, d->endpoint);
            l.moodle = d->moodle.enabled == 1;
            l.close = d->close_session == 1;
            sence_status_add_location(st, &l);
        }
    }
}

static sence_status_t *gather(request_rec *r)
{
    sence_status_t *st = sence_status_new(r->pool);

    st->now = apr_time_now();
    st->version = SENCE_VERSION;
    st->server_version = ap_get_server_description();
    st->mpm = ap_show_mpm();
    st->started = sence_store_created();
    st->restarted = sence_generation_loaded();
    sence_store_sweep(sence_store(), st->now, 0); /* count only what is alive */
    sence_store_stats(sence_store(), &st->store);
    st->store_bytes = sence_shm_store_bytes(st->store.capacity);
    {
        const sence_kv_shared_t *kv = sence_kv_store_shared(sence_store());
        const char *name, *args;
        apr_interval_time_t bound;
        sence_socache_configured(&name, &args, &bound);
        if (kv && name) {
            st->store_backend = name;
            st->store_target = args;
            st->store_reachable = sence_kv_store_probe(sence_store()) == APR_SUCCESS;
            st->cache_bound = bound;
            st->cache_hits = kv->hits;
            st->cache_misses = kv->misses;
            st->store_errors = kv->errors;
        }
    }
    if (sence_counters())
        st->counters = *sence_counters();
    if (sence_alertq()) {
        st->alerts_on = 1;
        sence_alertq_stats(sence_alertq(), &st->alerts);
    }
    sence_store_walk(sence_store(), SENCE_KIND_SESSION, st->now, sence_status_count_session, st);
    sence_status_sort(st);
    gather_locations(r, st);
    return st;
}

int sence_status_handler(request_rec *r)
{
    const sence_status_t *st;

    if (!r->handler || strcmp(r->handler, STATUS_HANDLER) != 0)
        return DECLINED;
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    if (!sence_store())
        return HTTP_SERVICE_UNAVAILABLE;
    st = gather(r);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->args && !strcmp(r->args, "json")) {
        ap_set_content_type(r, "application/json");
        ap_rputs(sence_status_json(r->pool, st), r);
    } else if (r->args && !strcmp(r->args, "metrics")) {
        ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
        ap_rputs(sence_status_metrics(r->pool, st), r);
    } else {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rputs(sence_status_html(r->pool, st), r);
    }
    return OK;
}
