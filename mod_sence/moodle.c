/* Moodle mode: who the participant is (MoodleSession -> mdl_sessions -> mdl_user), which
 * course a URL shows (moodle_url.c + Moodle's tables) and whether this participant is gated
 * there (roles, exemption groups, site admins). Read through mod_dbd; every answer is cached
 * in a socache (shmcb) for SenceMoodleCacheTTL, so most requests cost no database trip. */
#include "mod_sence.h"
#include "moodle_url.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_dbd.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <mod_dbd.h>
#include <util_cookies.h>
#include <util_mutex.h>

#define CACHE_MUTEX "sence-moodle-cache"
#define REPLAY_FILTER "SENCE_REPLAY"
#define DEFAULT_TTL apr_time_from_sec(30)
#define DEFAULT_MAX_BODY (1024 * 1024)
#define DEFAULT_SESSION_TIMEOUT 28800
#define SITEID 1
#define CONTEXT_COURSE 50
#define CONTEXT_MODULE 70
#define ROW_SEP '\x1e'
#define COL_SEP '\x1f'

/* %lld binds ids as BIGINT (PostgreSQL compares bigint = varchar with no implicit cast). */
static const struct {
    const char *name;
    const char *sql; /* {p} is the table prefix */
} queries[SENCE_MQ_COUNT] = {
    {"session", "SELECT userid, timemodified FROM {p}sessions WHERE sid = %s"},
    {"user", "SELECT username, idnumber, firstname, lastname, email, phone1, phone2, deleted, "
             "suspended FROM {p}user WHERE id = %lld"},
    {"course", "SELECT id, shortname, idnumber FROM {p}course WHERE id = %lld"},
    {"shortname", "SELECT id, shortname, idnumber FROM {p}course WHERE shortname = %s"},
    {"idnumber", "SELECT id, shortname, idnumber FROM {p}course WHERE idnumber = %s"},
    {"cm", "SELECT course FROM {p}course_modules WHERE id = %lld"},
    {"instance", "SELECT cm.course FROM {p}course_modules cm JOIN {p}modules m ON m.id = "
                 "cm.module WHERE m.name = %s AND cm.instance = %lld"},
    {"context", "SELECT contextlevel, instanceid, path FROM {p}context WHERE id = %lld"},
    {"course_context", "SELECT instanceid FROM {p}context WHERE id = %lld AND contextlevel = 50"},
    {"roles", "SELECT r.shortname FROM {p}role_assignments ra JOIN {p}role r ON r.id = "
              "ra.roleid JOIN {p}context c ON c.id = ra.contextid WHERE ra.userid = %lld AND "
              "c.contextlevel = 50 AND c.instanceid = %lld"},
    {"groups", "SELECT g.name FROM {p}groups g JOIN {p}groups_members gm ON gm.groupid = g.id "
               "WHERE gm.userid = %lld AND g.courseid = %lld"},
    {"config", "SELECT value FROM {p}config WHERE name = %s"},
    {"wstoken", "SELECT userid FROM {p}external_tokens WHERE token = %s"},
    {"private_key", "SELECT userid FROM {p}user_private_key WHERE value = %s AND script = "
                    "'core_files'"},
    {"user_courses", "SELECT c.instanceid, r.shortname FROM {p}role_assignments ra JOIN {p}role r "
                     "ON r.id = ra.roleid JOIN {p}context c ON c.id = ra.contextid WHERE "
                     "ra.userid = %lld AND c.contextlevel = 50"},
    {"section", "SELECT course FROM {p}course_sections WHERE id = %lld"},
};

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire;
static const ap_socache_provider_t *cache_provider;
static ap_socache_instance_t *cache;
static apr_global_mutex_t *cache_mutex;

/* ---- configuration ------------------------------------------------------------------ */

void sence_moodle_dir_init(sence_moodle_dir_t *m)
{
    memset(m, 0, sizeof(*m));
    m->enabled = -1;
}

void sence_moodle_dir_merge(sence_moodle_dir_t *out, const sence_moodle_dir_t *base,
                            const sence_moodle_dir_t *add)
{
    out->enabled = add->enabled != -1 ? add->enabled : base->enabled;
    out->run_field = add->run_field ? add->run_field : base->run_field;
    out->gated_roles = add->gated_roles ? add->gated_roles : base->gated_roles;
    out->exempt_roles = add->exempt_roles ? add->exempt_roles : base->exempt_roles;
    out->exempt_groups = add->exempt_groups ? add->exempt_groups : base->exempt_groups;
}

void sence_moodle_srv_init(apr_pool_t *p, sence_moodle_srv_t *m)
{
    memset(m, 0, sizeof(*m));
    m->ttl = -1;
    m->courses = apr_hash_make(p);
}

void sence_moodle_srv_merge(apr_pool_t *p, sence_moodle_srv_t *out, const sence_moodle_srv_t *base,
                            const sence_moodle_srv_t *add)
{
    int i;

    out->prefix = add->prefix ? add->prefix : base->prefix;
    out->cookie = add->cookie ? add->cookie : base->cookie;
    out->ttl = add->ttl != -1 ? add->ttl : base->ttl;
    out->max_body = add->max_body ? add->max_body : base->max_body;
    for (i = 0; i < SENCE_MQ_COUNT; i++)
        out->queries[i] = add->queries[i] ? add->queries[i] : base->queries[i];
    out->courses = apr_hash_overlay(p, add->courses, base->courses);
}

static sence_moodle_srv_t *msrv(cmd_parms *cmd)
{
    sence_srv_conf *sc = ap_get_module_config(cmd->server->module_config, &sence_module);
    return &sc->moodle;
}

static const char *fail(cmd_parms *cmd, const char *why)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", why, NULL);
}

const char *sence_moodle_set_flag(cmd_parms *cmd, void *dv, int on)
{
    ((sence_dir_conf *)dv)->moodle.enabled = on;
    sence_config_remember(cmd, dv);
    return NULL;
}

const char *sence_moodle_set_run_field(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf *d = dv;

    if (!strcasecmp(arg, "idnumber"))
        d->moodle.run_field = 1;
    else if (!strcasecmp(arg, "username"))
        d->moodle.run_field = 2;
    else
        return fail(cmd, "must be idnumber (the profile's ID number) or username");
    sence_config_remember(cmd, d);
    return NULL;
}

const char *sence_moodle_set_list(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_dir_conf *d = dv;
    apr_array_header_t **list = (apr_array_header_t **)((char *)d + (apr_size_t)cmd->info);

    if (!*list)
        *list = apr_array_make(cmd->pool, 4, sizeof(const char *));
    if (strcasecmp(arg, "none") != 0)
        APR_ARRAY_PUSH(*list, const char *) = apr_pstrdup(cmd->pool, arg);
    sence_config_remember(cmd, d);
    return NULL;
}

const char *sence_moodle_set_srv(cmd_parms *cmd, void *dv, const char *arg)
{
    sence_moodle_srv_t *m = msrv(cmd);
    const char *which = cmd->info;
    apr_interval_time_t t;
    const char *why;

    (void)dv;
    if (!strcmp(which, "prefix")) {
        if (strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(arg))
            return fail(cmd, "the table prefix may hold only lower-case letters, digits and _");
        m->prefix = arg;
    } else if (!strcmp(which, "cookie")) {
        if (!*arg || strpbrk(arg, "=; ,\t"))
            return fail(cmd, "not a cookie name (Moodle's is MoodleSession plus "
                             "$CFG->sessioncookie)");
        m->cookie = arg;
    } else if (!strcmp(which, "ttl")) {
        if (!strcasecmp(arg, "off"))
            m->ttl = 0;
        else if ((why = sence_parse_duration(arg, &t)) != NULL)
            return fail(cmd, apr_pstrcat(cmd->pool, why, " (e.g. 30s, or off)", NULL));
        else
            m->ttl = t;
    } else {
        char *end;
        apr_int64_t n = apr_strtoi64(arg, &end, 10);
        if (*end || n < 1024 || n > 16 * 1024 * 1024)
            return fail(cmd, "a size in bytes between 1024 and 16777216");
        m->max_body = (apr_off_t)n;
    }
    return NULL;
}

const char *sence_moodle_set_query(cmd_parms *cmd, void *dv, const char *name, const char *sql)
{
    int i;

    (void)dv;
    for (i = 0; i < SENCE_MQ_COUNT; i++) {
        if (!strcasecmp(name, queries[i].name)) {
            msrv(cmd)->queries[i] = sql;
            return NULL;
        }
    }
    return fail(cmd, apr_psprintf(cmd->pool,
                                  "unknown query '%s' (see docs: session, user, "
                                  "course, shortname, idnumber, cm, instance, "
                                  "context, course_context, roles, groups, config, wstoken, "
                                  "private_key, user_courses, section)",
                                  name));
}

/* SenceMoodleCourse COURSE CODSENCE [CODIGOCURSO [LINEA]] */
const char *sence_moodle_set_course(cmd_parms *cmd, void *dv, const char *args)
{
    sence_moodle_course_t *c = apr_pcalloc(cmd->pool, sizeof(*c));
    const char *course = ap_getword_conf(cmd->pool, &args);
    const char *cod = ap_getword_conf(cmd->pool, &args);
    const char *codigo = ap_getword_conf(cmd->pool, &args);
    const char *linea = ap_getword_conf(cmd->pool, &args);
    const char *why;

    (void)dv;
    if (!*course || !*cod || *args)
        return fail(cmd, "syntax: SenceMoodleCourse COURSE-ID|SHORTNAME CODSENCE "
                         "[CODIGOCURSO [LINEA]] (CODSENCE - for none, on line 1)");
    c->cod_sence = strcmp(cod, "-") ? cod : "";
    c->codigo_curso = *codigo && strcmp(codigo, "idnumber") ? codigo : NULL;
    if (*linea && (why = sence_check_linea(linea, &c->linea)) != NULL)
        return fail(cmd, why);
    c->where = apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename, cmd->directive->line_num);
    apr_hash_set(msrv(cmd)->courses, course, APR_HASH_KEY_STRING, c);
    return NULL;
}

static const char *query_sql(apr_pool_t *p, const sence_moodle_srv_t *m, sence_mq q)
{
    const char *sql = m->queries[q] ? m->queries[q] : queries[q].sql;
    const char *prefix = m->prefix ? m->prefix : "mdl_";
    apr_array_header_t *parts = apr_array_make(p, 8, sizeof(char *));
    const char *s = sql, *hit;

    while ((hit = strstr(s, "{p}")) != NULL) {
        APR_ARRAY_PUSH(parts, const char *) = apr_pstrndup(p, s, (apr_size_t)(hit - s));
        APR_ARRAY_PUSH(parts, const char *) = prefix;
        s = hit + 3;
    }
    APR_ARRAY_PUSH(parts, const char *) = s;
    return apr_array_pstrcat(p, parts, 0);
}

/* Startup check of a section with SenceMoodle On. */
int sence_moodle_check(apr_pool_t *p, server_rec *s, const sence_dir_conf *d, const char **why)
{
    sence_srv_conf *sc = ap_get_module_config(s->module_config, &sence_module);
    apr_hash_index_t *hi;

    if (!APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire)) {
        *why = "SenceMoodle On needs mod_dbd: LoadModule dbd_module and set DBDriver/DBDParams";
        return 0;
    }
    if (!ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb", AP_SOCACHE_PROVIDER_VERSION)) {
        *why = "SenceMoodle On needs mod_socache_shmcb for its lookup cache: LoadModule "
               "socache_shmcb_module";
        return 0;
    }
    for (hi = apr_hash_first(p, sc->moodle.courses); hi; hi = apr_hash_next(hi)) {
        const sence_moodle_course_t *c = apr_hash_this_val(hi);
        int linea = c->linea ? c->linea : d->linea;
        sence_env env = d->env == SENCE_ENV_PRODUCTION ? SENCE_ENV_PRODUCTION : SENCE_ENV_TEST;
        const char *bad;
        if (!linea)
            bad = "no training line: add it to SenceMoodleCourse or set SenceLinea";
        else if (!(bad = sence_check_cod_sence(c->cod_sence, linea, env)) && c->codigo_curso)
            bad = sence_check_codigo_curso(c->codigo_curso, env);
        if (bad) {
            *why = apr_psprintf(p, "SenceMoodleCourse %s (%s): %s",
                                (const char *)apr_hash_this_key(hi), c->where, bad);
            return 0;
        }
    }
    return 1;
}

/* ---- the lookup cache --------------------------------------------------------------- */

static apr_interval_time_t ttl_of(const sence_moodle_srv_t *m)
{
    return m->ttl >= 0 ? m->ttl : DEFAULT_TTL;
}

/* In front of the shared cache, each child keeps what it looked up recently, so most requests
 * take no lock shared with other processes. In shards, each with its own thread mutex, so the
 * threads of a child seldom wait for each other. Bounded: a shard is emptied when it holds
 * LOCAL_SHARD_MAX entries or has allocated LOCAL_SHARD_BYTES (entries replaced by newer ones
 * stay allocated until then). */
#define LOCAL_SHARDS 16
#define LOCAL_SHARD_MAX 256
#define LOCAL_SHARD_BYTES (128 * 1024)
/* A row is at most TTL old in the shared cache, a quarter more in a child's copy, and a
 * decision made from such rows a quarter more: Moodle's changes show within 1.5 TTL. */
#define LOCAL_TTL(ttl) ((ttl) / 4)

typedef struct {
    apr_thread_mutex_t *mutex;
    apr_pool_t *pool;
    apr_hash_t *hash;
    apr_size_t bytes;
} local_shard_t;

static local_shard_t local_shards[LOCAL_SHARDS];
static int local_on;

typedef struct {
    apr_time_t expires;
    const char *value;
} local_entry_t;

static local_shard_t *shard_of(const char *key, apr_size_t klen)
{
    return &local_shards[sence_hash(key, klen, 0) % LOCAL_SHARDS];
}

static const char *local_get(request_rec *r, const char *key, apr_size_t klen)
{
    local_shard_t *sh = shard_of(key, klen);
    const local_entry_t *e;
    const char *v = NULL;

    if (!local_on || apr_thread_mutex_lock(sh->mutex) != APR_SUCCESS)
        return NULL;
    e = apr_hash_get(sh->hash, key, (apr_ssize_t)klen);
    if (e && e->expires > r->request_time)
        v = apr_pstrdup(r->pool, e->value);
    apr_thread_mutex_unlock(sh->mutex);
    return v;
}

static void local_put(const char *key, apr_size_t klen, const char *value, apr_time_t expires)
{
    local_shard_t *sh = shard_of(key, klen);
    apr_size_t vlen = strlen(value) + 1;
    local_entry_t *e;

    if (!local_on || apr_thread_mutex_lock(sh->mutex) != APR_SUCCESS)
        return;
    if (apr_hash_count(sh->hash) >= LOCAL_SHARD_MAX || sh->bytes >= LOCAL_SHARD_BYTES) {
        apr_pool_clear(sh->pool);
        sh->hash = apr_hash_make(sh->pool);
        sh->bytes = 0;
    }
    e = apr_palloc(sh->pool, sizeof(*e));
    e->expires = expires;
    e->value = apr_pmemdup(sh->pool, value, vlen);
    apr_hash_set(sh->hash, apr_pmemdup(sh->pool, key, klen), (apr_ssize_t)klen, e);
    sh->bytes += sizeof(*e) + vlen + klen + 32; /* and the hash's own entry */
    apr_thread_mutex_unlock(sh->mutex);
}

static const char *cache_get(request_rec *r, const char *key)
{
    unsigned char buf[4096];
    unsigned int len = sizeof(buf) - 1;
    apr_status_t rv;

    if (!cache)
        return NULL;
    if (cache_mutex && apr_global_mutex_lock(cache_mutex) != APR_SUCCESS)
        return NULL;
    rv = cache_provider->retrieve(cache, r->server, (const unsigned char *)key,
                                  (unsigned int)strlen(key), buf, &len, r->pool);
    if (cache_mutex)
        apr_global_mutex_unlock(cache_mutex);
    if (rv != APR_SUCCESS)
        return NULL;
    return apr_pstrmemdup(r->pool, (const char *)buf, len);
}

static void cache_put(request_rec *r, const sence_moodle_srv_t *m, const char *key,
                      const char *value)
{
    apr_interval_time_t ttl = ttl_of(m);

    if (!cache || ttl == 0 || strlen(value) >= 4096)
        return;
    if (cache_mutex && apr_global_mutex_lock(cache_mutex) != APR_SUCCESS)
        return;
    cache_provider->store(cache, r->server, (const unsigned char *)key, (unsigned int)strlen(key),
                          apr_time_now() + ttl, (unsigned char *)apr_pstrdup(r->pool, value),
                          (unsigned int)strlen(value), r->pool);
    if (cache_mutex)
        apr_global_mutex_unlock(cache_mutex);
}

/* ---- the database ------------------------------------------------------------------- */

typedef struct {
    apr_array_header_t *rows; /* of (const char **) with ncols entries */
    int ncols;
} result_t;

static const char *clean(apr_pool_t *p, const char *v)
{
    char *c = apr_pstrdup(p, v ? v : "");
    char *s;

    for (s = c; *s; s++)
        if (*s == ROW_SEP || *s == COL_SEP)
            *s = ' ';
    return c;
}

static const char *encode(apr_pool_t *p, const result_t *res)
{
    apr_array_header_t *parts = apr_array_make(p, 8, sizeof(char *));
    char rs[2] = {ROW_SEP, 0}, cs[2] = {COL_SEP, 0};
    int i, j;

    APR_ARRAY_PUSH(parts, const char *) = apr_itoa(p, res->ncols);
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(res->rows, i, const char **);
        APR_ARRAY_PUSH(parts, const char *) = rs;
        for (j = 0; j < res->ncols; j++) {
            if (j)
                APR_ARRAY_PUSH(parts, const char *) = cs;
            APR_ARRAY_PUSH(parts, const char *) = row[j];
        }
    }
    return apr_array_pstrcat(p, parts, 0);
}

static void decode(apr_pool_t *p, const char *v, result_t *res)
{
    char *row = strchr(v, ROW_SEP);

    res->rows = apr_array_make(p, 2, sizeof(const char **));
    res->ncols = atoi(v);
    if (!row || res->ncols <= 0)
        return;
    row = apr_pstrdup(p, row);
    while (row) {
        const char **cols = apr_pcalloc(p, sizeof(char *) * (apr_size_t)(res->ncols + 1));
        char *next = strchr(++row, ROW_SEP);
        int j;
        if (next)
            *next = '\0';
        for (j = 0; j < res->ncols; j++) {
            char *sep = strchr(row, COL_SEP);
            cols[j] = row;
            if (sep) {
                *sep = '\0';
                row = sep + 1;
            } else {
                row += strlen(row);
            }
        }
        APR_ARRAY_PUSH(res->rows, const char **) = cols;
        row = next;
    }
}

static const char *label_of(apr_pool_t *p, const char *sql)
{
    return apr_psprintf(p, "sence_%016" APR_UINT64_T_HEX_FMT, sence_hash(sql, strlen(sql), 0));
}

static apr_dbd_prepared_t *prepared(request_rec *r, ap_dbd_t *dbd, const char *sql)
{
    const char *label = label_of(r->pool, sql);
    apr_dbd_prepared_t *st = apr_hash_get(dbd->prepared, label, APR_HASH_KEY_STRING);
    int rv;

    if (st)
        return st;
    label = apr_pstrdup(dbd->pool, label);
    /* Prepared once per pooled connection, in that connection's pool. */
    rv = apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, apr_pstrdup(dbd->pool, sql), label,
                         &st);
    if (rv) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SLOG(4001) "cannot prepare \"%s\": %s", sql,
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        return NULL;
    }
    apr_hash_set(dbd->prepared, label, APR_HASH_KEY_STRING, st);
    return st;
}

/* A pooled connection that died (database restarted) fails its check at once and is
 * dropped from the pool: try again while failures are that quick, up to a few times. A
 * database that does not answer costs one connect timeout, not several. */
static ap_dbd_t *acquire(request_rec *r)
{
    apr_time_t start = apr_time_now();
    ap_dbd_t *dbd = NULL;
    int tries;

    for (tries = 0; dbd_acquire && !dbd && tries < 4; tries++) {
        if (tries && apr_time_now() - start > apr_time_from_msec(500))
            break;
        dbd = dbd_acquire(r);
    }
    return dbd;
}

static apr_status_t db_select(request_rec *r, const char *sql, int nargs, const char **args,
                              result_t *res)
{
    ap_dbd_t *dbd = acquire(r);
    apr_dbd_prepared_t *st;
    apr_dbd_results_t *rs = NULL;
    apr_dbd_row_t *row = NULL;
    int rv, j;

    if (!dbd) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SLOG(4002) "no connection to Moodle's database (check DBDriver/DBDParams "
                                 "and that the database is up)");
        return APR_EGENERAL;
    }
    if (!(st = prepared(r, dbd, sql)))
        return APR_EGENERAL;
    /* random access: the whole (small) result at once, and its column count known */
    rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, &rs, st, 1, nargs, args);
    if (rv) {
        /* A connection the driver re-opened (database restarted) lost its prepared
         * statements: prepare again, once. */
        apr_hash_set(dbd->prepared, label_of(r->pool, sql), APR_HASH_KEY_STRING, NULL);
        if ((st = prepared(r, dbd, sql)) != NULL)
            rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, &rs, st, 1, nargs, args);
    }
    if (rv) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SLOG(4003) "query \"%s\" failed: %s", sql,
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        return APR_EGENERAL;
    }
    res->ncols = apr_dbd_num_cols(dbd->driver, rs);
    res->rows = apr_array_make(r->pool, 2, sizeof(const char **));
    while ((rv = apr_dbd_get_row(dbd->driver, r->pool, rs, &row, -1)) == 0) {
        const char **cols;
        if (res->ncols <= 0) /* some drivers count columns only once a row is read */
            res->ncols = apr_dbd_num_cols(dbd->driver, rs);
        cols = apr_pcalloc(r->pool, sizeof(char *) * (apr_size_t)(res->ncols + 1));
        for (j = 0; j < res->ncols; j++)
            cols[j] = clean(r->pool, apr_dbd_get_entry(dbd->driver, row, j));
        APR_ARRAY_PUSH(res->rows, const char **) = cols;
    }
    if (rv != -1) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SLOG(4004) "reading \"%s\" failed: %s", sql,
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

/* Runs query q with up to two arguments, through the cache. */
static apr_status_t lookup(request_rec *r, sence_mq q, const char *a1, const char *a2,
                           result_t *res)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *args[2] = {a1, a2};
    static const char hex[] = "0123456789abcdef";
    char pre[5];
    const char *raw, *key, *hit;
    apr_interval_time_t ttl = ttl_of(&sc->moodle);
    apr_uint64_t h;
    apr_status_t rv;

    raw = apr_pstrcat(r->pool, queries[q].name, "|", r->server->server_hostname, ":",
                      apr_itoa(r->pool, r->server->port), "|", a1, "|", a2 ? a2 : "", NULL);
    /* per virtual host (each may read another Moodle); the hash first spreads the keys over
     * shmcb's subcaches, which it picks by the key's first bytes */
    h = sence_hash(raw, strlen(raw), 0);
    pre[0] = hex[(h >> 12) & 0xf];
    pre[1] = hex[(h >> 8) & 0xf];
    pre[2] = hex[(h >> 4) & 0xf];
    pre[3] = hex[h & 0xf];
    pre[4] = '\0';
    key = apr_pstrcat(r->pool, pre, raw, NULL);
    hit = ttl ? local_get(r, key, strlen(key)) : NULL;

    if (!hit && (hit = cache_get(r, key)) != NULL)
        local_put(key, strlen(key), hit, apr_time_now() + LOCAL_TTL(ttl));
    if (hit) {
        decode(r->pool, hit, res);
        return APR_SUCCESS;
    }
    rv = db_select(r, query_sql(r->pool, &sc->moodle, q), a2 ? 2 : 1, args, res);
    if (rv == APR_SUCCESS) {
        const char *v = encode(r->pool, res);
        cache_put(r, &sc->moodle, key, v);
        if (ttl)
            local_put(key, strlen(key), v, apr_time_now() + LOCAL_TTL(ttl));
    }
    return rv;
}

/* A value of the result; "" when the row or column is missing (NULL from SQL too). */
static const char *cell(const result_t *res, int row, int col)
{
    const char *v;

    if (row >= res->rows->nelts || col >= res->ncols)
        return "";
    v = APR_ARRAY_IDX(res->rows, row, const char **)[col];
    return v ? v : "";
}

/* ---- the AJAX body: read it (bounded), look at it, hand it on unchanged ---------------- */

static apr_status_t replay_filter(ap_filter_t *f, apr_bucket_brigade *bb, ap_input_mode_t mode,
                                  apr_read_type_e block, apr_off_t readbytes)
{
    apr_bucket_brigade *kept = f->ctx;
    apr_bucket *after;
    apr_status_t rv;

    if (mode != AP_MODE_READBYTES || APR_BRIGADE_EMPTY(kept))
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    if ((rv = apr_brigade_partition(kept, readbytes, &after)) != APR_SUCCESS &&
        rv != APR_INCOMPLETE)
        return rv;
    while (!APR_BRIGADE_EMPTY(kept) && APR_BRIGADE_FIRST(kept) != after) {
        apr_bucket *b = APR_BRIGADE_FIRST(kept);
        APR_BUCKET_REMOVE(b);
        APR_BRIGADE_INSERT_TAIL(bb, b);
    }
    return APR_SUCCESS;
}

/* Reads the body up to max bytes (what lies beyond is left for Moodle to read) and arranges
 * for Moodle to read it all unchanged. *truncated: the body is longer than what was read. */
static sence_who read_body(request_rec *r, apr_off_t max, const char **body, apr_size_t *len,
                           int *truncated)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_bucket_brigade *kept = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    int eos = 0;
    char *buf;

    *body = "";
    *len = 0;
    while (!eos && total <= max) {
        apr_status_t rv =
            ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, 8192);
        if (rv != APR_SUCCESS)
            return WHO_BAD_REQUEST;
        while (!APR_BRIGADE_EMPTY(bb)) {
            apr_bucket *b = APR_BRIGADE_FIRST(bb);
            if (APR_BUCKET_IS_EOS(b))
                eos = 1;
            else if (!APR_BUCKET_IS_METADATA(b))
                total += (apr_off_t)b->length;
            apr_bucket_setaside(b, r->pool);
            APR_BUCKET_REMOVE(b);
            APR_BRIGADE_INSERT_TAIL(kept, b);
        }
    }
    *truncated = !eos;
    ap_add_input_filter(REPLAY_FILTER, kept, r, r->connection);
    *len = (apr_size_t)total;
    buf = apr_palloc(r->pool, *len + 1);
    apr_brigade_flatten(kept, buf, len);
    buf[*len] = '\0';
    *body = buf;
    return WHO_OK;
}

/* ---- which course ------------------------------------------------------------------- */

static const char *num_text(apr_pool_t *p, apr_int64_t n)
{
    return apr_off_t_toa(p, (apr_off_t)n);
}

typedef struct {
    apr_int64_t id; /* 0: none */
    const char *shortname;
    const char *idnumber;
} course_t;

static sence_who course_by(request_rec *r, sence_mq q, const char *arg, course_t *c)
{
    result_t res;

    if (lookup(r, q, arg, NULL, &res) != APR_SUCCESS)
        return WHO_UNAVAILABLE;
    if (res.rows->nelts && res.ncols >= 3) {
        c->id = apr_atoi64(cell(&res, 0, 0));
        c->shortname = cell(&res, 0, 1);
        c->idnumber = cell(&res, 0, 2);
    }
    return WHO_OK;
}

static sence_who course_id_of(request_rec *r, sence_mq q, const char *a1, const char *a2,
                              apr_int64_t *id)
{
    result_t res;

    if (lookup(r, q, a1, a2, &res) != APR_SUCCESS)
        return WHO_UNAVAILABLE;
    *id = res.rows->nelts ? apr_atoi64(cell(&res, 0, 0)) : 0;
    return WHO_OK;
}

/* Course of a context: itself (50), its module's course (70), or the nearest course
 * context on its path (blocks, 80, and anything else below a course). */
static sence_who course_of_context(request_rec *r, apr_int64_t ctx, apr_int64_t *id)
{
    result_t res;
    char *path, *state = NULL, *seg;
    apr_array_header_t *ids;
    int level, i;

    *id = 0;
    if (lookup(r, SENCE_MQ_CONTEXT, num_text(r->pool, ctx), NULL, &res) != APR_SUCCESS)
        return WHO_UNAVAILABLE;
    if (!res.rows->nelts || res.ncols < 3)
        return WHO_OK;
    level = atoi(cell(&res, 0, 0));
    if (level == CONTEXT_COURSE) {
        *id = apr_atoi64(cell(&res, 0, 1));
        return WHO_OK;
    }
    if (level == CONTEXT_MODULE)
        return course_id_of(r, SENCE_MQ_CM, cell(&res, 0, 1), NULL, id);
    ids = apr_array_make(r->pool, 6, sizeof(char *));
    path = apr_pstrdup(r->pool, cell(&res, 0, 2));
    for (seg = apr_strtok(path, "/", &state); seg; seg = apr_strtok(NULL, "/", &state))
        APR_ARRAY_PUSH(ids, const char *) = seg;
    for (i = ids->nelts - 1; i >= 0 && !*id; i--)
        if (course_id_of(r, SENCE_MQ_COURSE_CONTEXT, APR_ARRAY_IDX(ids, i, const char *), NULL,
                         id) != WHO_OK)
            return WHO_UNAVAILABLE;
    return WHO_OK;
}

static sence_who resolve_ref(request_rec *r, const sence_mref_t *ref, course_t *c)
{
    apr_int64_t id = 0;
    sence_who st = WHO_OK;

    memset(c, 0, sizeof(*c));
    switch (ref->kind) {
    case MREF_COURSE:
        id = ref->num;
        break;
    case MREF_SHORTNAME:
        return course_by(r, SENCE_MQ_SHORTNAME, ref->text, c);
    case MREF_IDNUMBER:
        return course_by(r, SENCE_MQ_IDNUMBER, ref->text, c);
    case MREF_CM:
        st = course_id_of(r, SENCE_MQ_CM, num_text(r->pool, ref->num), NULL, &id);
        break;
    case MREF_SECTION:
        st = course_id_of(r, SENCE_MQ_SECTION, num_text(r->pool, ref->num), NULL, &id);
        break;
    case MREF_INSTANCE:
        st = course_id_of(r, SENCE_MQ_INSTANCE, ref->text, num_text(r->pool, ref->num), &id);
        break;
    case MREF_CONTEXT:
        st = course_of_context(r, ref->num, &id);
        break;
    default:
        return WHO_OK;
    }
    if (st != WHO_OK || id <= 0)
        return st;
    return course_by(r, SENCE_MQ_COURSE, num_text(r->pool, id), c);
}

static const sence_moodle_course_t *configured(request_rec *r, const course_t *c)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const sence_moodle_course_t *mc;

    if (c->id <= 0 || c->id == SITEID)
        return NULL;
    mc = apr_hash_get(sc->moodle.courses, num_text(r->pool, c->id), APR_HASH_KEY_STRING);
    if (!mc && c->shortname)
        mc = apr_hash_get(sc->moodle.courses, c->shortname, APR_HASH_KEY_STRING);
    return mc;
}

static const char *boundary_of(apr_pool_t *p, const char *ctype)
{
    const char *b = ap_strcasestr(ctype, "boundary=");
    apr_size_t n;

    if (!b)
        return NULL;
    b += 9;
    if (*b == '"')
        return apr_pstrndup(p, b + 1, strcspn(b + 1, "\""));
    n = strcspn(b, "; \t");
    return n ? apr_pstrndup(p, b, n) : NULL;
}

/* Moodle reads parameters from the body before the query, so a body is read (the first
 * SenceMoodleMaxBody bytes) and its fields count as readings too: AJAX JSON always, form
 * fields when urlencoded, multipart fields when sent to scripts that show content by id
 * (/course/, /mod/, pluginfile, web services). The body is handed on to Moodle unchanged. */
static sence_who read_params(request_rec *r, sence_mreq_t *req)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *boundary = NULL, *body;
    int form, multipart;
    apr_size_t len;
    sence_who st;

    if (r->method_number == M_GET || r->method_number == M_OPTIONS || r->main ||
        (!apr_table_get(r->headers_in, "Content-Length") &&
         !apr_table_get(r->headers_in, "Transfer-Encoding")))
        return WHO_OK;
    form = ctype && !strncasecmp(ctype, "application/x-www-form-urlencoded", 33);
    multipart = ctype && !strncasecmp(ctype, "multipart/form-data", 19) &&
                (boundary = boundary_of(r->pool, ctype)) != NULL &&
                (strstr(req->script, "/course/") || strstr(req->script, "/mod/") ||
                 strstr(req->script, "pluginfile.php") || strstr(req->script, "/webservice/"));
    if (req->body != 2 && !form && !multipart)
        return WHO_OK;
    st = read_body(r, sc->moodle.max_body ? sc->moodle.max_body : DEFAULT_MAX_BODY, &body, &len,
                   &req->truncated);
    if (st != WHO_OK)
        return st;
    if (req->body == 2)
        sence_moodle_add_json(r->pool, req, body, len);
    else if (form)
        sence_moodle_add_form(r->pool, req, body);
    else
        sence_moodle_add_multipart(r->pool, req, body, len, boundary);
    return WHO_OK;
}

/* Could anyone be signed in? Without a MoodleSession cookie or a token, no. */
static int signed_in(request_rec *r, sence_mreq_t *req)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *cookie = apr_table_get(r->headers_in, "Cookie");

    sence_moodle_request(r->pool, r->parsed_uri.path, r->parsed_uri.query, req);
    return req->token_kind != MTOKEN_NONE ||
           (cookie && strstr(cookie, sc->moodle.cookie ? sc->moodle.cookie : "MoodleSession"));
}

/* The first gated course any reading of the request names. */
static sence_who find_course(request_rec *r, course_t *c, const sence_moodle_course_t **mc,
                             sence_mreq_t *req)
{
    sence_who st;
    int i;

    *mc = NULL;
    if ((st = read_params(r, req)) != WHO_OK)
        return st;
    for (i = 0; i < req->refs->nelts && !*mc; i++) {
        const sence_mref_t *ref = &APR_ARRAY_IDX(req->refs, i, sence_mref_t);
        if ((st = resolve_ref(r, ref, c)) != WHO_OK)
            return st;
        /* Moodle shows course summary files to anyone who may list the course. */
        if (!sence_moodle_public_file(ref))
            *mc = configured(r, c);
    }
    return WHO_OK;
}

/* ---- who ---------------------------------------------------------------------------- */

typedef struct {
    const char *userid;
    const char *binding; /* subject of the SENCE session: user and Moodle session */
    const char *username;
    const char *idnumber;
    const char *fullname;
    apr_time_t until; /* the Moodle session times out then (cookie path; 0 otherwise) */
} user_t;

static apr_int64_t session_timeout(request_rec *r)
{
    result_t res;

    if (lookup(r, SENCE_MQ_CONFIG, "sessiontimeout", NULL, &res) == APR_SUCCESS &&
        res.rows->nelts && apr_atoi64(cell(&res, 0, 0)) > 0)
        return apr_atoi64(cell(&res, 0, 0));
    return DEFAULT_SESSION_TIMEOUT;
}

/* The Moodle account a web-service token or private file key belongs to. */
static sence_who token_user(request_rec *r, const sence_mreq_t *req, apr_int64_t *userid)
{
    result_t res;

    *userid = 0;
    if (!req->token || !*req->token || strlen(req->token) > 128)
        return WHO_OK;
    if (lookup(r, req->token_kind == MTOKEN_WS ? SENCE_MQ_WSTOKEN : SENCE_MQ_PRIVATE_KEY,
               req->token, NULL, &res) != APR_SUCCESS)
        return WHO_UNAVAILABLE;
    *userid = res.rows->nelts ? apr_atoi64(cell(&res, 0, 0)) : 0;
    return WHO_OK;
}

/* PHP reads the first of several cookies with one name; so does the gate. */
static const char *first_cookie(request_rec *r, const char *name)
{
    const apr_array_header_t *h = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)h->elts;
    const char *v;
    apr_size_t len;
    int i;

    for (i = 0; i < h->nelts; i++)
        if (e[i].key && !strcasecmp(e[i].key, "Cookie") &&
            sence_cookie_find(e[i].val, name, ";", &v, &len))
            return apr_pstrmemdup(r->pool, v, len);
    return NULL;
}

/* The logged-in Moodle user of this browser: 0 for guests and stale sessions. */
static const char *session_cookie(request_rec *r)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *sid = first_cookie(r, sc->moodle.cookie ? sc->moodle.cookie : "MoodleSession");

    return sid && *sid && strlen(sid) <= 128 ? sid : NULL;
}

static sence_who cookie_user(request_rec *r, apr_int64_t *userid, const char **sid,
                             apr_time_t *until)
{
    result_t res;
    apr_int64_t alive;

    *userid = 0;
    if (!(*sid = session_cookie(r)))
        return WHO_OK;
    if (lookup(r, SENCE_MQ_SESSION, *sid, NULL, &res) != APR_SUCCESS)
        return WHO_UNAVAILABLE;
    if (!res.rows->nelts || res.ncols < 2)
        return WHO_OK;
    alive = apr_atoi64(cell(&res, 0, 1)) + session_timeout(r);
    if (alive >= apr_time_sec(apr_time_now())) {
        *userid = apr_atoi64(cell(&res, 0, 0));
        *until = apr_time_from_sec(alive + 1);
    }
    return WHO_OK;
}

/* Who makes this request; u->userid NULL for guests, stale sessions and unknown tokens. The
 * binding names the Moodle session too: after a logout, even the same user starts over. */
static sence_who find_user(request_rec *r, const sence_mreq_t *req, user_t *u)
{
    const char *sid = NULL;
    apr_int64_t userid;
    result_t res;
    sence_who st;

    memset(u, 0, sizeof(*u));
    st = req->token_kind != MTOKEN_NONE && req->token ? token_user(r, req, &userid)
                                                      : cookie_user(r, &userid, &sid, &u->until);
    if (st != WHO_OK || userid <= 0)
        return st;
    u->userid = num_text(r->pool, userid);
    u->binding = apr_psprintf(
        r->pool, "moodle:%s:%s", u->userid,
        sid ? apr_psprintf(r->pool, "%012" APR_UINT64_T_HEX_FMT,
                           sence_hash(sid, strlen(sid), 0) & APR_UINT64_C(0xffffffffffff))
            : "app");
    if (lookup(r, SENCE_MQ_USER, u->userid, NULL, &res) != APR_SUCCESS)
        return WHO_UNAVAILABLE;
    if (!res.rows->nelts || res.ncols < 9 || atoi(cell(&res, 0, 7)) != 0) {
        u->userid = NULL; /* deleted */
        return WHO_OK;
    }
    u->username = cell(&res, 0, 0);
    u->idnumber = cell(&res, 0, 1);
    u->fullname = apr_pstrcat(r->pool, cell(&res, 0, 2), " ", cell(&res, 0, 3), NULL);
    return WHO_OK;
}

/* Is v in list, or in defaults when the directive was not given? */
static int listed(const apr_array_header_t *list, const char *const *defaults, const char *v)
{
    int i;

    if (list) {
        for (i = 0; i < list->nelts; i++)
            if (!strcasecmp(APR_ARRAY_IDX(list, i, const char *), v))
                return 1;
        return 0;
    }
    for (i = 0; defaults && defaults[i]; i++)
        if (!strcasecmp(defaults[i], v))
            return 1;
    return 0;
}

static int any_listed(const apr_array_header_t *list, const char *const *defaults,
                      const result_t *res)
{
    int i;

    for (i = 0; i < res->rows->nelts; i++)
        if (listed(list, defaults, cell(res, i, 0)))
            return 1;
    return 0;
}

static int site_admin(request_rec *r, const char *userid, sence_who *st)
{
    result_t res;
    char *list, *state = NULL, *id;

    *st = WHO_OK;
    if (lookup(r, SENCE_MQ_CONFIG, "siteadmins", NULL, &res) != APR_SUCCESS) {
        *st = WHO_UNAVAILABLE;
        return 0;
    }
    if (!res.rows->nelts)
        return 0;
    list = apr_pstrdup(r->pool, cell(&res, 0, 0));
    for (id = apr_strtok(list, ", ", &state); id; id = apr_strtok(NULL, ", ", &state))
        if (!strcmp(id, userid))
            return 1;
    return 0;
}

/* Why this user passes ungated in this course, or NULL if gated. */
static const char *exemption(request_rec *r, const sence_moodle_dir_t *md, const user_t *u,
                             const course_t *c, sence_who *st)
{
    static const char *const def_gated[] = {"student", NULL};
    static const char *const def_exempt[] = {"editingteacher", "manager", NULL};
    const char *course = num_text(r->pool, c->id);
    result_t roles, groups;

    if (site_admin(r, u->userid, st) || *st != WHO_OK)
        return "site administrator";
    if (lookup(r, SENCE_MQ_ROLES, u->userid, course, &roles) != APR_SUCCESS) {
        *st = WHO_UNAVAILABLE;
        return "";
    }
    if (any_listed(md->exempt_roles, def_exempt, &roles))
        return "exempt role";
    if (!any_listed(md->gated_roles, def_gated, &roles))
        return "no gated role in the course";
    if (md->exempt_groups && md->exempt_groups->nelts) {
        if (lookup(r, SENCE_MQ_GROUPS, u->userid, course, &groups) != APR_SUCCESS) {
            *st = WHO_UNAVAILABLE;
            return "";
        }
        if (any_listed(md->exempt_groups, NULL, &groups))
            return "member of an exempt group";
    }
    return NULL;
}

/* Is this user a gated participant of any configured course? (roles only: conservative) */
static int gated_somewhere(request_rec *r, const sence_moodle_dir_t *md, const user_t *u,
                           sence_who *st)
{
    static const char *const def_gated[] = {"student", NULL};
    result_t res;
    course_t c;
    int i;

    *st = WHO_OK;
    if (site_admin(r, u->userid, st) || *st != WHO_OK)
        return 0;
    if (lookup(r, SENCE_MQ_USER_COURSES, u->userid, NULL, &res) != APR_SUCCESS) {
        *st = WHO_UNAVAILABLE;
        return 0;
    }
    for (i = 0; i < res.rows->nelts; i++) {
        if (!listed(md->gated_roles, def_gated, cell(&res, i, 1)))
            continue;
        if ((*st = course_by(r, SENCE_MQ_COURSE, cell(&res, i, 0), &c)) != WHO_OK)
            return 0;
        if (configured(r, &c))
            return 1;
    }
    return 0;
}

/* ---- the decision ------------------------------------------------------------------ */

/* Who makes the request and whether that user is gated in course c: a RUN (WHO_OK), a pass
 * (guest, exempt), or a refusal. why: the exemption, for the debug log. */
typedef struct {
    sence_who st;
    const char *run;
    const char *subject;
    const char *fullname;
    const char *reason;
    const char *why;
    apr_time_t until; /* cacheable until then; 0: not cacheable */
} decision_t;

static void decide(request_rec *r, const sence_dir_conf *d, const sence_mreq_t *req,
                   const course_t *c, const sence_moodle_course_t *mc, decision_t *out)
{
    char run[SENCE_RUN_MAX + 1];
    const char *raw;
    sence_run_status rs;
    user_t u;

    memset(out, 0, sizeof(*out));
    if ((out->st = find_user(r, req, &u)) != WHO_OK)
        return;
    if (!u.userid) {
        out->st = WHO_PASS; /* guests and logged-out visitors: Moodle sends them to its login */
        return;
    }
    if (!mc) { /* a body too long to read whole, naming no course in what was read */
        out->st = gated_somewhere(r, &d->moodle, &u, &out->st) ? WHO_TOO_LARGE
                  : out->st == WHO_OK                          ? WHO_PASS
                                                               : out->st;
        return;
    }
    out->until = u.until;
    if ((out->why = exemption(r, &d->moodle, &u, c, &out->st)) != NULL) {
        out->why = apr_pstrcat(r->pool, u.userid, " passes course ", apr_ltoa(r->pool, (long)c->id),
                               ": ", out->why, NULL);
        if (out->st == WHO_OK)
            out->st = WHO_PASS;
        else
            out->until = 0;
        return;
    }
    raw = d->moodle.run_field == 2 ? u.username : u.idnumber;
    if ((rs = sence_run_normalize(raw, run)) != SENCE_RUN_OK) {
        out->reason = apr_psprintf(r->pool, "Moodle user %s has %s '%s' (%s)", u.userid,
                                   d->moodle.run_field == 2 ? "username" : "ID number",
                                   raw ? raw : "", sence_run_status_text(rs));
        out->st = rs == SENCE_RUN_EMPTY ? WHO_NO_RUN : WHO_BAD_RUN;
        return;
    }
    out->run = apr_pstrdup(r->pool, run);
    out->subject = u.binding;
    out->fullname = u.fullname;
}

/* Decisions for browser sessions are remembered by this child for a quarter of the cache TTL (never
 * past the Moodle session's timeout), keyed by virtual host, the location's role settings,
 * course and MoodleSession: a participant's requests then cost one lookup (the course)
 * instead of six. */
typedef struct {
    const void *server;
    const void *gated, *exempt, *groups; /* configuration arrays: fixed for a generation */
    int run_field;
    apr_int64_t course;
} decision_key_t;

static char *decision_key(request_rec *r, const sence_moodle_dir_t *md, const course_t *c,
                          const char *sid, apr_size_t *klen)
{
    decision_key_t k;
    apr_size_t n = strlen(sid);
    char *key = apr_palloc(r->pool, sizeof(k) + n);

    memset(&k, 0, sizeof(k));
    k.server = r->server;
    k.gated = md->gated_roles;
    k.exempt = md->exempt_roles;
    k.groups = md->exempt_groups;
    k.run_field = md->run_field;
    k.course = c->id;
    memcpy(key, &k, sizeof(k));
    memcpy(key + sizeof(k), sid, n);
    *klen = sizeof(k) + n;
    return key;
}

static const char *decision_encode(apr_pool_t *p, const decision_t *dc)
{
    char cs[2] = {COL_SEP, 0};

    return apr_pstrcat(p, apr_itoa(p, (int)dc->st), cs, dc->run ? dc->run : "", cs,
                       dc->subject ? dc->subject : "", cs, dc->fullname ? dc->fullname : "", cs,
                       dc->reason ? dc->reason : "", cs, dc->why ? dc->why : "", NULL);
}

static int decision_decode(char *v, decision_t *dc)
{
    const char **f[] = {&dc->run, &dc->subject, &dc->fullname, &dc->reason, &dc->why};
    apr_size_t i;

    memset(dc, 0, sizeof(*dc));
    dc->st = (sence_who)atoi(v);
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (!(v = strchr(v, COL_SEP)))
            return 0;
        *v++ = '\0';
        *f[i] = v;
    }
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (!**f[i])
            *f[i] = NULL;
    return 1;
}

static void decide_cached(request_rec *r, const sence_dir_conf *d, const sence_mreq_t *req,
                          const course_t *c, const sence_moodle_course_t *mc, decision_t *out)
{
    sence_srv_conf *sc = ap_get_module_config(r->server->module_config, &sence_module);
    apr_interval_time_t ttl = ttl_of(&sc->moodle);
    const char *sid = req->token_kind == MTOKEN_NONE && mc ? session_cookie(r) : NULL;
    apr_size_t klen = 0;
    char *key = NULL;
    apr_time_t until;

    if (sid && ttl && local_on) {
        char *hit;
        key = decision_key(r, &d->moodle, c, sid, &klen);
        if ((hit = (char *)local_get(r, key, klen)) != NULL && decision_decode(hit, out))
            return;
    }
    decide(r, d, req, c, mc, out);
    until = apr_time_now() + LOCAL_TTL(ttl);
    if (key && out->until &&
        (out->st == WHO_OK || out->st == WHO_PASS || out->st == WHO_NO_RUN ||
         out->st == WHO_BAD_RUN))
        local_put(key, klen, decision_encode(r->pool, out),
                  out->until < until ? out->until : until);
}

sence_who sence_moodle_identify(request_rec *r, const sence_dir_conf *d, sence_participant_t *who,
                                const char **reason)
{
    sence_env env = d->env == SENCE_ENV_PRODUCTION ? SENCE_ENV_PRODUCTION : SENCE_ENV_TEST;
    const sence_moodle_course_t *mc;
    const char *why;
    sence_mreq_t req;
    decision_t dc;
    course_t c;
    sence_who st;

    memset(&c, 0, sizeof(c));
    if (!signed_in(r, &req))
        return WHO_PASS; /* no Moodle session, no token: Moodle answers, without the database */
    if ((st = find_course(r, &c, &mc, &req)) != WHO_OK)
        return st;
    if (!mc && !req.truncated)
        return WHO_PASS;
    decide_cached(r, d, &req, &c, mc, &dc);
    if (dc.st == WHO_PASS && dc.why)
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SLOG(4005) "Moodle user %s", dc.why);
    if (dc.st != WHO_OK) {
        *reason = dc.reason;
        return dc.st;
    }
    sence_strlcpy(who->run, dc.run, sizeof(who->run));
    who->subject = dc.subject;
    who->app = req.token_kind != MTOKEN_NONE && req.token;
    who->fullname = dc.fullname;
    who->linea = mc->linea ? mc->linea : d->linea;
    who->cod_sence = mc->cod_sence;
    who->codigo_curso = mc->codigo_curso ? mc->codigo_curso : c.idnumber ? c.idnumber : "";
    if ((why = sence_check_codigo_curso(who->codigo_curso, env)) != NULL) {
        *reason = apr_psprintf(r->pool,
                               "course %" APR_INT64_T_FMT " (%s): ID number '%s': %s; "
                               "set it in Moodle or in SenceMoodleCourse",
                               c.id, c.shortname, who->codigo_curso, why);
        return WHO_CONFIG;
    }
    return WHO_OK;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static apr_status_t cache_cleanup(void *data)
{
    server_rec *s = data;

    if (cache && cache_provider)
        cache_provider->destroy(cache, s);
    cache = NULL;
    return APR_SUCCESS;
}

static int moodle_used(server_rec *s)
{
    for (; s; s = s->next) {
        sence_srv_conf *sc = ap_get_module_config(s->module_config, &sence_module);
        sence_dir_conf *d = ap_get_module_config(s->lookup_defaults, &sence_module);
        int i;
        if (d->moodle.enabled == 1)
            return 1;
        for (i = 0; i < sc->sections->nelts; i++)
            if (APR_ARRAY_IDX(sc->sections, i, sence_section_t).conf->moodle.enabled == 1)
                return 1;
    }
    return 0;
}

/* The cache lives in pconf: it is only a cache, rebuilt empty by each generation. */
int sence_moodle_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    struct ap_socache_hints hints = {64, 256, 30};
    const char *err;
    apr_status_t rv;

    cache = NULL;
    cache_mutex = NULL;
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (!moodle_used(s))
        return OK;
    cache_provider =
        ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb", AP_SOCACHE_PROVIDER_VERSION);
    if (!cache_provider)
        return HTTP_INTERNAL_SERVER_ERROR; /* sence_moodle_check said why */
    if ((err = cache_provider->create(&cache, NULL, ptemp, pconf)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SLOG(4006) "Moodle lookup cache: %s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (cache_provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&cache_mutex, NULL, CACHE_MUTEX, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((rv = cache_provider->init(cache, "mod_sence-moodle", &hints, s, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SLOG(4007) "cannot start the lookup cache");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, s, cache_cleanup, apr_pool_cleanup_null);
    return OK;
}

void sence_moodle_child_init(apr_pool_t *p, server_rec *s)
{
    local_on = 0;
    if (cache) {
        int i, ok = 1;
        for (i = 0; i < LOCAL_SHARDS && ok; i++) {
            local_shard_t *sh = &local_shards[i];
            ok = apr_pool_create(&sh->pool, p) == APR_SUCCESS &&
                 apr_thread_mutex_create(&sh->mutex, APR_THREAD_MUTEX_DEFAULT, p) == APR_SUCCESS;
            if (ok) {
                sh->hash = apr_hash_make(sh->pool);
                sh->bytes = 0;
            }
        }
        local_on = ok;
    }
    if (cache_mutex && apr_global_mutex_child_init(
                           &cache_mutex, apr_global_mutex_lockfile(cache_mutex), p) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SLOG(4008) "cannot attach the cache mutex");
}

int sence_moodle_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, CACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
}

void sence_moodle_register(apr_pool_t *p)
{
    (void)p;
    ap_register_input_filter(REPLAY_FILTER, replay_filter, NULL, AP_FTYPE_RESOURCE);
}
