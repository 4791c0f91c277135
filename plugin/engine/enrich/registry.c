/*
 * The enrichment host (see enrich.h): builds the chain of enrichers a
 * configuration asks for, and offers them the API table. host_run.c runs the
 * chain over batches of records.
 *
 * The chain is, in this order: the built-ins (lang, dates, entities,
 * subjects, stats, neardup), one HTTP enricher per distinct <name> configured
 * as http.<name>.<setting> (alphabetical, as the configuration sorts keys),
 * then the plugins of enrichers.paths in the order listed. The HTTP enricher
 * is a built-in like the others, one that runs as several instances: the
 * table below says so, and the instance learns its name through
 * api->instance(). The order is part
 * of the output: later enrichers see what earlier ones added, and
 * newswire.enrichment lists the statuses in chain order, so the same
 * configuration always gives the same record.
 *
 * Every member goes through the plugin ABI. Each instance gets its own host
 * context (the `host` handle of the API calls): its display name, and a
 * snapshot of its settings, the keys under enrichers.<name>. (http.<name>.
 * for HTTP instances) with the prefix removed. The snapshot is taken at load,
 * which is what lets api->config promise its strings until destroy().
 *
 * Before any init() runs, every instance's settings are checked against
 * what it declares (host_settings.c), and a setting for an enricher that is
 * not in the chain is refused too: both are configuration errors.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"
#include "enrich/enrich.h"
#include "enrich/host.h"
/* Built-ins a build may leave out: CMake's NW_WITH_ENTITIES, NW_WITH_HTTP. */
#ifdef NW_WITH_ENTITIES
#include "enrichers/entities.h"
#endif
#ifdef NW_WITH_HTTP
#include "enrichers/http.h"
#endif

/* A built-in setting that defaults to a global key: neardup's threshold is
 * near.duplicate.threshold unless enrichers.neardup.threshold says otherwise. */
typedef struct alias {
    const char *key;
    const char *global;
} alias_t;

static const alias_t neardup_aliases[] = {{"threshold", "near.duplicate.threshold"}, {NULL, NULL}};

typedef struct builtin {
    const char *name;
    nw_enricher_entry_fn entry;
    const alias_t *aliases;
    /* NULL: one instance reading enrichers.<name>.*. Otherwise one instance
     * per distinct <x> of the keys <instances><x>.<setting>, called
     * <instances><x> and reading those keys. */
    const char *instances;
    /* enrich() is safe on several threads at once (see nw_host_t). */
    bool concurrent;
    /* What it writes depends on the record alone (see nw_host_t). */
    bool stateless;
    /* Its circuit breaker's state for /metrics (see nw_host_t); NULL when
     * it has none. */
    int (*breaker)(void *state);
    /* It reads of the record only what nw_ninjs_stub() holds and only adds
     * members (see nw_host_t): lang reads "language" and adds it when it is
     * not there; stats reads bodies[0].wordcount and adds
     * newswire.reading_time_s; dates, neardup and entities add to the
     * extension, entities and subjects arrays of their own to the record. */
    bool adds_only;
    /* Its byte writer (enrichers/bytes.h); NULL: the jansson path only. */
    nw_enrich_bytes_fn bytes;
} builtin_t;

#ifdef NW_WITH_HTTP
static int http_breaker(void *state)
{
    nw_http_stats_t st;
    return nw_http_enricher_stats(state, &st) == 0 ? (int)st.breaker : -1;
}
#endif

/* The built-ins, in chain order. */
static const builtin_t builtins[] = {
    /* Read-only state once initialised. */
    {"lang", nw_builtin_lang, NULL, NULL, true, true, NULL, true, nw_builtin_lang_bytes},
    {"dates", nw_builtin_dates, NULL, NULL, true, true, NULL, true, nw_builtin_dates_bytes},
#ifdef NW_WITH_ENTITIES
    /* Working memory per call, from a guarded pool. */
    {"entities", nw_builtin_entities, NULL, NULL, true, true, NULL, true,
     nw_builtin_entities_bytes},
#endif
    {"subjects", nw_builtin_subjects, NULL, NULL, true, true, NULL, true,
     nw_builtin_subjects_bytes},
    {"stats", nw_builtin_stats, NULL, NULL, true, true, NULL, true, nw_builtin_stats_bytes},
    /* One index per origin partition, which one thread at a time works on
     * (nw_process_batch groups by it); the list of indexes is guarded. What
     * it reports depends on the records before. */
    {"neardup", nw_builtin_neardup, neardup_aliases, NULL, true, false, NULL, true,
     nw_builtin_neardup_bytes},
#ifdef NW_WITH_HTTP
    {"http", nw_builtin_http, NULL, "http.", false, false, http_breaker, false, NULL},
#endif
};

/* Names enrichers.disabled may hold even in a build that lacks them, so one
 * configuration serves every build. */
static const char *const known_names[] = {"entities"};

struct nw_enrichers {
    nw_host_t **v; /* one allocation each: plugins keep the pointer as `host` */
    size_t n, cap;
    const struct nw_sink *metrics; /* borrowed */
};

void nw_enrichers_set_metrics(nw_enrichers_t *e, const struct nw_sink *m)
{
    if (e)
        e->metrics = m;
}

const struct nw_sink *nw_host_metrics(const nw_enrichers_t *e)
{
    return e->metrics;
}

static const char *host_config(void *host, const char *key);
static int host_data_path(void *host, const char *name, char *out, size_t out_len);
static void host_log(int level, const char *enricher, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *host_instance(void *host);
static int host_config_each(void *host, const char *prefix,
                            int (*fn)(const char *key, const char *value, void *opaque),
                            void *opaque);

static const nw_enricher_api_t host_api = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_api_t),
    .log = host_log,
    .config = host_config,
    .data_path = host_data_path,
    .instance = host_instance,
    .config_each = host_config_each,
};

const nw_enricher_api_t *nw_host_api(void)
{
    return &host_api;
}

static void host_log(int level, const char *enricher, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (level < NW_LOG_ERROR)
        level = NW_LOG_ERROR;
    if (level > NW_LOG_DEBUG)
        level = NW_LOG_DEBUG;
    nw_log((nw_log_level_t)level, "enricher", "%s: %s", enricher ? enricher : "?", msg);
}

static const char *host_config(void *host, const char *key)
{
    const nw_host_t *h = host;
    for (size_t i = 0; h && key && i < h->n_settings; i++)
        if (strcmp(h->keys[i], key) == 0)
            return h->values[i];
    return NULL;
}

static const char *host_instance(void *host)
{
    const nw_host_t *h = host;
    return h ? h->name : NULL;
}

/* The snapshot is in key order: the configuration hands keys over sorted. */
static int host_config_each(void *host, const char *prefix,
                            int (*fn)(const char *key, const char *value, void *opaque),
                            void *opaque)
{
    const nw_host_t *h = host;
    size_t len = prefix ? strlen(prefix) : 0;
    for (size_t i = 0; h && fn && i < h->n_settings; i++) {
        if (strncmp(h->keys[i], prefix ? prefix : "", len) != 0)
            continue;
        int rc = fn(h->keys[i], h->values[i], opaque);
        if (rc)
            return rc;
    }
    return 0;
}

/* The directories relative data file names resolve against, in order. */
static size_t data_dirs(const char *dirs[3])
{
    size_t n = 0;
    const char *env = getenv("NEWSWIRE_DATA_DIR");
    if (env && *env)
        dirs[n++] = env;
#ifdef NW_DATADIR
    dirs[n++] = NW_DATADIR;
#endif
#ifdef NW_SOURCE_CONFIGDIR
    dirs[n++] = NW_SOURCE_CONFIGDIR;
#endif
    return n;
}

static int host_data_path(void *host, const char *name, char *out, size_t out_len)
{
    (void)host;
    if (!name || !*name || !out || out_len == 0)
        return -1;
    if (name[0] == '/') {
        /* Absolute: as given, so the caller's open() reports what is wrong. */
        int n = snprintf(out, out_len, "%s", name);
        return n >= 0 && (size_t)n < out_len ? 0 : -1;
    }
    const char *dirs[3];
    size_t nd = data_dirs(dirs);
    for (size_t i = 0; i < nd; i++) {
        int n = snprintf(out, out_len, "%s/%s", dirs[i], name);
        if (n >= 0 && (size_t)n < out_len && access(out, R_OK) == 0)
            return 0;
    }
    out[0] = '\0';
    return -1;
}

/* ---- Building the chain ---- */

static void host_free(nw_host_t *h)
{
    if (!h)
        return;
    if (h->inited && h->desc->destroy)
        h->desc->destroy(h->state);
    if (h->dl)
        dlclose(h->dl);
    pthread_mutex_destroy(&h->lock);
    for (size_t i = 0; i < h->n_settings; i++) {
        free(h->keys[i]);
        free(h->values[i]);
    }
    free(h->keys);
    free(h->values);
    free(h->decls);
    free(h->name);
    free(h->status_key);
    free(h->prefix);
    free(h->origin);
    free(h);
}

static int add_setting(nw_host_t *h, const char *key, const char *value)
{
    char **k = realloc(h->keys, (h->n_settings + 1) * sizeof(*k));
    if (!k)
        return -1;
    h->keys = k;
    char **v = realloc(h->values, (h->n_settings + 1) * sizeof(*v));
    if (!v)
        return -1;
    h->values = v;
    k[h->n_settings] = strdup(key);
    v[h->n_settings] = strdup(value);
    if (!k[h->n_settings] || !v[h->n_settings]) {
        free(k[h->n_settings]);
        free(v[h->n_settings]);
        return -1;
    }
    h->n_settings++;
    return 0;
}

static int snapshot_cb(const char *key, const char *value, void *opaque)
{
    nw_host_t *h = opaque;
    return add_setting(h, key + strlen(h->prefix), value);
}

/* A new host context called name reading keys under prefix; origin names it
 * in messages ("built-in lang", "plugin ./x.so"). */
static nw_host_t *host_new(const nw_config_t *cfg, const char *name, const char *prefix,
                           const char *origin, const alias_t *aliases)
{
    nw_host_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    pthread_mutex_init(&h->lock, NULL);
    h->name = strdup(name);
    h->prefix = strdup(prefix);
    h->origin = strdup(origin);
    if (!h->name || !h->prefix || !h->origin || nw_config_foreach(cfg, prefix, snapshot_cb, h) != 0)
        goto fail;
    nw_buf_t key = NW_BUF_INIT;
    nw_json_put_string(&key, name, strlen(name));
    nw_buf_lit(&key, ":{\"status\":\"");
    h->status_key_len = key.len;
    h->status_key = nw_buf_ok(&key) ? nw_buf_steal(&key) : NULL;
    nw_buf_free(&key);
    if (!h->status_key)
        goto fail;
    for (const alias_t *a = aliases; a && a->key; a++) {
        const char *v = nw_config_get(cfg, a->global);
        if (!host_config(h, a->key) && v && add_setting(h, a->key, v) < 0)
            goto fail;
    }
    return h;
fail:
    host_free(h);
    return NULL;
}

static int chain_push(nw_enrichers_t *e, nw_host_t *h)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        nw_host_t **v = realloc(e->v, cap * sizeof(*v));
        if (!v)
            return -1;
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n++] = h;
    return 0;
}

static nw_host_t *chain_find(const nw_enrichers_t *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i]->name, name) == 0)
            return e->v[i];
    return NULL;
}

static bool valid_name(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* The size of an ABI 1.0 descriptor: everything up to enrich_batch. Later
 * minor versions only add members after it. */
#define NW_ENRICHER_V1_0_SIZE                                                                      \
    (offsetof(nw_enricher_t, enrich_batch) + sizeof(((nw_enricher_t *)0)->enrich_batch))

int nw_host_check_descriptor(const nw_enricher_t *d, const char *origin, nw_error_t *err)
{
    if (!d)
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s declined to work with this newswire (enricher ABI %u.%u)", origin,
                            NW_ENRICHER_ABI_MAJOR, NW_ENRICHER_ABI_MINOR);
    if (NW_ENRICHER_ABI_MAJOR_OF(d->abi_version) != NW_ENRICHER_ABI_MAJOR)
        return nw_error_set(
            err, NW_ERR_INVALID, "%s was built for enricher ABI %u.x; this newswire speaks %u.x",
            origin, (unsigned)NW_ENRICHER_ABI_MAJOR_OF(d->abi_version), NW_ENRICHER_ABI_MAJOR);
    if (d->size < NW_ENRICHER_V1_0_SIZE)
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s: its descriptor is %u bytes, smaller than the %zu bytes of an "
                            "enricher ABI 1.0 descriptor (was it built against enricher.h?)",
                            origin, (unsigned)d->size, (size_t)NW_ENRICHER_V1_0_SIZE);
    if (!valid_name(d->name))
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s: enricher name \"%s\" is not made of a-z, 0-9, '_' and '-'", origin,
                            d->name ? d->name : "(null)");
    if (!d->enrich && !d->enrich_batch)
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s: the enricher has neither enrich nor "
                            "enrich_batch",
                            origin);
    return 0;
}

/* One instance of built-in b called name, reading keys under prefix. */
static int add_instance(nw_enrichers_t *e, const nw_config_t *cfg, const builtin_t *b,
                        const char *name, const char *prefix, nw_error_t *err)
{
    char origin[160];
    snprintf(origin, sizeof(origin), "built-in enricher %s", name);
    nw_host_t *h = host_new(cfg, name, prefix, origin, b->aliases);
    if (!h || chain_push(e, h) < 0) {
        host_free(h);
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory loading enrichers");
    }
    h->concurrent = b->concurrent;
    h->stateless = b->stateless;
    h->breaker = b->breaker;
    h->adds_only = b->adds_only;
    h->bytes = b->bytes;
    return nw_host_adopt(h, b->entry(&host_api), nw_host_builtin_settings(b->name), err);
}

/* The instance names found under a prefix, NULL-terminated. */
typedef struct names {
    const char *prefix;
    char **v;
} names_t;

static int instance_name_cb(const char *key, const char *value, void *opaque);

static int add_builtins(nw_enrichers_t *e, const nw_config_t *cfg, nw_error_t *err)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        const builtin_t *b = &builtins[i];
        char name[128], prefix[160];
        int rc = 0;
        if (!b->instances) {
            snprintf(prefix, sizeof(prefix), "enrichers.%s.", b->name);
            if ((rc = add_instance(e, cfg, b, b->name, prefix, err)) < 0)
                return rc;
            continue;
        }
        names_t names = {b->instances, calloc(1, sizeof(char *))};
        if (!names.v || nw_config_foreach(cfg, b->instances, instance_name_cb, &names) != 0)
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory loading enrichers");
        for (size_t k = 0; rc == 0 && names.v[k]; k++) {
            snprintf(name, sizeof(name), "%s%s", b->instances, names.v[k]);
            snprintf(prefix, sizeof(prefix), "%s.", name);
            rc = add_instance(e, cfg, b, name, prefix, err);
        }
        for (size_t k = 0; names.v && names.v[k]; k++)
            free(names.v[k]);
        free(names.v);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Collects the distinct <x>s of <prefix><x>.<setting>, in key order. */
static int instance_name_cb(const char *key, const char *value, void *opaque)
{
    (void)value;
    names_t *nm = opaque;
    char ***names = &nm->v;
    const char *s = key + strlen(nm->prefix);
    size_t len = strcspn(s, ".");
    size_t n = 0;
    for (; (*names)[n]; n++)
        if (strlen((*names)[n]) == len && strncmp((*names)[n], s, len) == 0)
            return 0;
    char **v = realloc(*names, (n + 2) * sizeof(*v));
    if (!v)
        return -1;
    *names = v;
    if (!(v[n] = strndup(s, len)))
        return -1;
    v[n + 1] = NULL;
    return 0;
}

#ifndef NW_WITH_HTTP
static int http_key_cb(const char *key, const char *value, void *opaque)
{
    (void)value;
    nw_error_t *err = opaque;
    return nw_error_set(err, NW_ERR_INVALID,
                        "%s: HTTP enrichment is configured but this newswire was built without it",
                        key);
}
#endif

static int add_plugin(nw_enrichers_t *e, const nw_config_t *cfg, const char *path, nw_error_t *err)
{
    char origin[NW_ERROR_MSG_MAX / 2];
    snprintf(origin, sizeof(origin), "plugin %s", path);
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        return nw_error_set(err, NW_ERR_INVALID, "enrichers.paths: cannot load plugin: %s",
                            why ? why : path);
    }
    nw_enricher_entry_fn entry;
    /* POSIX allows converting dlsym's object pointer to a function pointer. */
    *(void **)&entry = dlsym(dl, NW_ENRICHER_ENTRY);
    if (!entry) {
        dlclose(dl);
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s has no %s function: is it a newswire enricher? (its code must "
                            "export it, see include/newswire/enricher.h)",
                            origin, NW_ENRICHER_ENTRY);
    }
    const nw_enricher_t *d = entry(&host_api);
    int rc = nw_host_check_descriptor(d, origin, err);
    if (rc == 0 && chain_find(e, d->name))
        rc = nw_error_set(err, NW_ERR_INVALID,
                          "%s: an enricher called \"%s\" is already in the chain", origin, d->name);
    if (rc < 0) {
        dlclose(dl);
        return rc;
    }
    char prefix[128];
    snprintf(prefix, sizeof(prefix), "enrichers.%s.", d->name);
    nw_host_t *h = host_new(cfg, d->name, prefix, origin, NULL);
    if (!h || chain_push(e, h) < 0) {
        host_free(h);
        dlclose(dl);
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory loading enrichers");
    }
    h->dl = dl;
    return nw_host_adopt(h, d, NULL, err);
}

/* Marks the enrichers of enrichers.disabled off; a name that is nowhere is
 * an error, since a typo would otherwise leave the enricher running. */
static int apply_disabled(nw_enrichers_t *e, const nw_config_t *cfg, nw_error_t *err)
{
    char **names = NULL;
    int rc = 0;
    nw_config_get_list(cfg, "enrichers.disabled", &names);
    for (size_t i = 0; names && names[i]; i++) {
        nw_host_t *h = chain_find(e, names[i]);
        if (h) {
            h->off = true;
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof(known_names) / sizeof(known_names[0]); k++)
            known |= strcmp(known_names[k], names[i]) == 0;
        if (known)
            continue;
        nw_buf_t chain = NW_BUF_INIT;
        for (size_t k = 0; k < e->n; k++)
            nw_buf_printf(&chain, "%s%s", k ? ", " : "", e->v[k]->name);
        rc = nw_error_set(err, NW_ERR_INVALID,
                          "enrichers.disabled: no enricher is called \"%s\" (the chain is: %s)",
                          names[i], nw_buf_str(&chain));
        nw_buf_free(&chain);
        break;
    }
    nw_config_list_free(names);
    return rc;
}

/* Settings for an enricher that is not in the chain are most likely a typo
 * of its name: a configuration error, with the closest name suggested. */
static int refuse_unused_cb(const char *key, const char *value, void *opaque)
{
    (void)value;
    struct unused {
        const nw_enrichers_t *e;
        nw_error_t *err;
    } *u = opaque;
    const nw_enrichers_t *e = u->e;
    const char *s = key + strlen("enrichers.");
    size_t len = strcspn(s, ".");
    if (s[len] != '.')
        return 0;
    for (size_t i = 0; i < e->n; i++)
        if (strlen(e->v[i]->name) == len && strncmp(e->v[i]->name, s, len) == 0)
            return 0;
    for (size_t k = 0; k < sizeof(known_names) / sizeof(known_names[0]); k++)
        if (strlen(known_names[k]) == len && strncmp(known_names[k], s, len) == 0)
            return 0;
    char name[128];
    const char *names[64];
    size_t n = 0;
    snprintf(name, sizeof(name), "%.*s", (int)len, s);
    for (size_t i = 0; i < e->n && n < 64; i++)
        names[n++] = e->v[i]->name;
    const char *near = nw_host_suggest(name, names, n);
    char hint[192] = "";
    if (near)
        snprintf(hint, sizeof(hint), "; did you mean enrichers.%s%s?", near, s + len);
    nw_error_set(u->err, NW_ERR_INVALID,
                 "%s: no enricher called \"%s\" is loaded%s (plugins load with enrichers.paths)",
                 key, name, hint);
    return -1;
}

static int check_settings(nw_enrichers_t *e, const nw_config_t *cfg, nw_error_t *err)
{
    for (size_t i = 0; i < e->n; i++) {
        int rc = nw_host_check_settings(e->v[i], err);
        if (rc < 0)
            return rc;
    }
    struct unused {
        const nw_enrichers_t *e;
        nw_error_t *err;
    } u = {e, err};
    if (nw_config_foreach(cfg, "enrichers.", refuse_unused_cb, &u) != 0)
        return err && err->code ? err->code : NW_ERR_INVALID;
    return 0;
}

static int init_all(nw_enrichers_t *e, nw_error_t *err)
{
    for (size_t i = 0; i < e->n; i++) {
        nw_host_t *h = e->v[i];
        if (h->off || !h->desc->init) {
            h->inited = !h->off;
            continue;
        }
        char msg[NW_ERROR_MSG_MAX / 2] = "";
        if (h->desc->init(&host_api, h, &h->state, msg, sizeof(msg)) != 0) {
            msg[sizeof(msg) - 1] = '\0';
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s", h->origin,
                                msg[0] ? msg : "init failed");
        }
        h->inited = true;
    }
    return 0;
}

int nw_enrichers_new(const nw_config_t *cfg, nw_enrichers_t **out, nw_error_t *err)
{
    nw_enrichers_t *e = calloc(1, sizeof(*e));
    char **paths = NULL;
    int rc;
    *out = NULL;
    if (!e)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory loading enrichers");
#ifndef NW_WITH_HTTP
    /* First: an http.* key names what this build lacks more plainly than
     * any later check about its instances would. */
    if (nw_config_foreach(cfg, "http.", http_key_cb, err) != 0) {
        rc = NW_ERR_INVALID;
        goto fail;
    }
#endif
    if ((rc = add_builtins(e, cfg, err)) < 0)
        goto fail;
    nw_config_get_list(cfg, "enrichers.paths", &paths);
    for (size_t i = 0; paths && paths[i]; i++)
        if ((rc = add_plugin(e, cfg, paths[i], err)) < 0)
            goto fail;
    if ((rc = apply_disabled(e, cfg, err)) < 0 || (rc = check_settings(e, cfg, err)) < 0 ||
        (rc = init_all(e, err)) < 0)
        goto fail;

    nw_buf_t line = NW_BUF_INIT;
    for (size_t i = 0; i < e->n; i++)
        nw_buf_printf(&line, "%s%s%s", i ? " " : "", e->v[i]->name, e->v[i]->off ? "(off)" : "");
    nw_log(NW_LOG_DEBUG, "enricher", "chain: %s", nw_buf_str(&line));
    nw_buf_free(&line);
    nw_config_list_free(paths);
    *out = e;
    return 0;
fail:
    nw_config_list_free(paths);
    nw_enrichers_free(e);
    return rc;
}

void nw_enrichers_free(nw_enrichers_t *e)
{
    if (!e)
        return;
    /* Torn down in the reverse order of creation, the usual order for
     * resources stacked one on another. */
    for (size_t i = e->n; i-- > 0;)
        host_free(e->v[i]);
    free(e->v);
    free(e);
}

size_t nw_enrichers_count(const nw_enrichers_t *e)
{
    size_t n = 0;
    for (size_t i = 0; e && i < e->n; i++)
        n += !e->v[i]->off;
    return n;
}

size_t nw_enrichers_stateless(const nw_enrichers_t *e)
{
    size_t n = 0;
    while (e && n < e->n && (e->v[n]->off || e->v[n]->stateless))
        n++;
    return n;
}

bool nw_enrichers_adds_only(const nw_enrichers_t *e)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (!e->v[i]->off && !e->v[i]->adds_only)
            return false;
    return true;
}

bool nw_enrichers_bytes(const nw_enrichers_t *e)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (!e->v[i]->off && !(e->v[i]->adds_only && e->v[i]->bytes))
            return false;
    return true;
}

size_t nw_host_chain(const nw_enrichers_t *e, nw_host_t *const **out)
{
    *out = e ? e->v : NULL;
    return e ? e->n : 0;
}
