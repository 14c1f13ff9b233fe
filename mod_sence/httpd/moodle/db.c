/* Moodle's database, read-only through mod_dbd, and the lookup caches in front of it: a
 * socache (shmcb) shared by the children for SenceMoodleCacheTTL, and in each child a copy
 * kept a quarter of that, in shards with their own thread mutex. */
#include "moodle/glue.h"
#include "moodle/mode.h"

#include <http_core.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_dbd.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <mod_dbd.h>
#include <util_mutex.h>

#define CACHE_MUTEX "sence-moodle-cache"
#define DEFAULT_TTL apr_time_from_sec(30)
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
    {"discussion", "SELECT course FROM {p}forum_discussions WHERE id = %lld"},
    {"post", "SELECT d.course FROM {p}forum_posts p JOIN {p}forum_discussions d ON d.id = "
             "p.discussion WHERE p.id = %lld"},
    {"entry", "SELECT g.course FROM {p}glossary_entries e JOIN {p}glossary g ON g.id = "
              "e.glossaryid WHERE e.id = %lld"},
    {"attempt", "SELECT q.course FROM {p}quiz_attempts a JOIN {p}quiz q ON q.id = a.quiz WHERE "
                "a.id = %lld"},
    {"username", "SELECT id FROM {p}user WHERE username = %s AND deleted = 0"},
    {"course_name", "SELECT fullname FROM {p}course WHERE id = %lld"},
};

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire;
static const ap_socache_provider_t *cache_provider;
static ap_socache_instance_t *cache;
static apr_global_mutex_t *cache_mutex;

int sence_mdb_query_index(const char *name)
{
    int i;

    for (i = 0; i < SENCE_MQ_COUNT; i++)
        if (!strcasecmp(name, queries[i].name))
            return i;
    return -1;
}

const char *sence_mdb_sql(apr_pool_t *p, const sence_moodle_srv_t *m, sence_mq_t q)
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

/* ---- the lookup cache --------------------------------------------------------------- */

apr_interval_time_t sence_mdb_ttl(const sence_moodle_srv_t *m)
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

const char *sence_mdb_local_get(request_rec *r, const char *key, apr_size_t klen)
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

void sence_mdb_local_put(const char *key, apr_size_t klen, const char *value, apr_time_t expires)
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
    apr_interval_time_t ttl = sence_mdb_ttl(m);

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

static const char *clean(apr_pool_t *p, const char *v)
{
    char *c = apr_pstrdup(p, v ? v : "");
    char *s;

    for (s = c; *s; s++)
        if (*s == ROW_SEP || *s == COL_SEP)
            *s = ' ';
    return c;
}

static const char *encode(apr_pool_t *p, const sence_mresult_t *res)
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

static void decode(apr_pool_t *p, const char *v, sence_mresult_t *res)
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
                              sence_mresult_t *res)
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
apr_status_t sence_mdb_lookup(request_rec *r, sence_mq_t q, const char *a1, const char *a2,
                              sence_mresult_t *res)
{
    sence_srv_conf_t *sc = ap_get_module_config(r->server->module_config, &sence_module);
    const char *args[2] = {a1, a2};
    static const char hex[] = "0123456789abcdef";
    char pre[5];
    const char *raw, *key, *hit;
    apr_interval_time_t ttl = sence_mdb_ttl(&sc->moodle);
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
    hit = ttl ? sence_mdb_local_get(r, key, strlen(key)) : NULL;

    if (!hit && (hit = cache_get(r, key)) != NULL)
        sence_mdb_local_put(key, strlen(key), hit, apr_time_now() + SENCE_MLOCAL_TTL(ttl));
    if (hit) {
        decode(r->pool, hit, res);
        return APR_SUCCESS;
    }
    rv = db_select(r, sence_mdb_sql(r->pool, &sc->moodle, q), a2 ? 2 : 1, args, res);
    if (rv == APR_SUCCESS) {
        const char *v = encode(r->pool, res);
        cache_put(r, &sc->moodle, key, v);
        if (ttl)
            sence_mdb_local_put(key, strlen(key), v, apr_time_now() + SENCE_MLOCAL_TTL(ttl));
    }
    return rv;
}

/* A value of the result; "" when the row or column is missing (NULL from SQL too). */
const char *sence_mdb_cell(const sence_mresult_t *res, int row, int col)
{
    const char *v;

    if (row >= res->rows->nelts || col >= res->ncols)
        return "";
    v = APR_ARRAY_IDX(res->rows, row, const char **)[col];
    return v ? v : "";
}

int sence_mdb_local_on(void)
{
    return local_on;
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
        sence_srv_conf_t *sc = ap_get_module_config(s->module_config, &sence_module);
        sence_dir_conf_t *d = ap_get_module_config(s->lookup_defaults, &sence_module);
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
    sence_mbody_register();
    sence_mfilter_register();
}
