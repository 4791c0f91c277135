/*
 * The enricher plugin ABI.
 *
 * An enricher adds metadata to an article version's record before it is
 * written: entities, dates, language, subjects, answers from an HTTP service.
 * The built-in enrichers and plugins loaded with dlopen() use this same
 * interface.
 *
 * A plugin is a shared object exporting one function, NW_ENRICHER_ENTRY
 * ("nw_enricher_entry"), of type nw_enricher_entry_fn. The host calls it with
 * its API table; the plugin returns a descriptor that starts with the ABI
 * version it was built for and its own size.
 *
 * Settings: a descriptor lists the settings its enricher reads (ABI 1.1:
 * `settings`), each with a type, a default and a line of help. The host
 * checks the configuration against that list before it consumes anything:
 * a key the enricher does not declare (enrichers.neardup.treshold) or a
 * value of the wrong type is a configuration error (exit 78) naming the key
 * and the closest declared one. A descriptor without the list (ABI 1.0, or
 * settings NULL) gets its settings unchecked.
 *
 * Versioning (NW_ENRICHER_ABI_MAJOR.MINOR):
 *   - major: raised on any incompatible change (a member removed, moved or
 *     retyped, a meaning changed). The host refuses another major version.
 *   - minor: raised when a struct grows at its end (nw_enricher_t,
 *     nw_enricher_api_t, nw_enrich_input_t or nw_enricher_setting_t), never
 *     otherwise. Each such struct carries its size as its builder knows it
 *     (`size`, or `setting_size` for the settings array), so each side reads
 *     only what the other has.
 *   - the host checks sizes once, when it loads a descriptor: it copies the
 *     descriptor (and each declared setting) into structs of its own size,
 *     the members the plugin lacks zeroed, so nothing later compares sizes.
 *     A plugin checks api->size once, in its entry function or init(),
 *     before calling a member added after 1.0, and in->size before reading
 *     an input member added after 1.0.
 * A plugin built against any earlier minor of the same major keeps loading.
 *
 * History: 1.0 the first; 1.1 added nw_enricher_setting_t, the descriptor's
 * settings and setting_size, and the API's instance() and config_each().
 *
 * Ownership: the record passed to enrich() is BORROWED: the plugin may add,
 * change or remove members of it during the call, and must json_incref()
 * anything it keeps afterwards. Strings in nw_enrich_input_t are borrowed for
 * the call. Everything a plugin allocates it frees itself (in destroy()).
 *
 * Threading: the host calls one plugin instance from one thread at a time,
 * but not always from the same thread: with processing.threads above 1 the
 * calls come from the processing pool's threads in turn, serialised by the
 * host, so a plugin needs no locks but must not keep per-call state in
 * thread-local storage between calls.
 */
#ifndef NEWSWIRE_ENRICHER_H
#define NEWSWIRE_ENRICHER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NW_ENRICHER_ABI_MAJOR       1
#define NW_ENRICHER_ABI_MINOR       1
#define NW_ENRICHER_ABI_VERSION     ((uint32_t)((NW_ENRICHER_ABI_MAJOR << 16) | NW_ENRICHER_ABI_MINOR))
#define NW_ENRICHER_ABI_MAJOR_OF(v) ((uint32_t)(v) >> 16)
#define NW_ENRICHER_ENTRY           "nw_enricher_entry"

/* What enrich() reports; recorded as newswire.enrichment.<name>.status. */
typedef enum nw_enrich_status {
    NW_ENRICH_OK = 0,       /* "ok": ran and added what it found */
    NW_ENRICH_SKIPPED = 1,  /* "skipped": nothing to do for this record */
    NW_ENRICH_DEGRADED = 2, /* "degraded": failed open; the record goes out without it */
    NW_ENRICH_FAILED = -1,  /* failed closed: the message is dead-lettered (enrichment-failed) */
} nw_enrich_status_t;

/* Log levels for nw_enricher_api_t.log. */
enum {
    NW_ENRICHER_LOG_ERROR = 0,
    NW_ENRICHER_LOG_WARN,
    NW_ENRICHER_LOG_INFO,
    NW_ENRICHER_LOG_DEBUG
};

/* The article as text, besides the record. All borrowed for the call. */
typedef struct nw_enrich_input {
    uint32_t size; /* sizeof(nw_enrich_input_t) as the host knows it */
    const char *article_id;
    const char *headline;
    const char *standfirst;   /* NULL when none */
    const char *body;         /* paragraphs joined by blank lines */
    const char *byline;       /* NULL when none */
    int64_t published;        /* UTC seconds, or INT64_MIN when unknown */
    int64_t versioncreated;   /* UTC seconds */
    const char *source_topic; /* NULL outside Kafka (newswire parse) */
    int32_t partition;        /* -1 outside Kafka */
    const char *content_hash; /* "sha256:..." */
    uint64_t simhash;
    /* Added in ABI 1.0 as well; read only when size covers it. The input
     * offset in its partition (-1 outside Kafka): an enricher that keeps
     * per-partition history can ignore what came at or after this offset,
     * which a transaction abort and rewind make it see again. */
    int64_t offset;
} nw_enrich_input_t;

/* Types of a declared setting (ABI 1.1); values as a user writes them. */
typedef enum nw_enricher_setting_type {
    NW_SETTING_STRING = 1, /* any text; min is the shortest length (1: not empty) */
    NW_SETTING_INT,        /* a decimal integer within min..max */
    NW_SETTING_BOOL,       /* true/false (also yes/no, on/off, 1/0) */
    NW_SETTING_ENUM,       /* one of `values`, "a|b|c" */
    NW_SETTING_DURATION,   /* milliseconds, with an optional ms/s/m/h suffix, within min..max */
    NW_SETTING_SIZE,       /* bytes, with an optional K/M/G suffix, within min..max */
    NW_SETTING_LIST,       /* comma-separated items; min is the fewest items */
} nw_enricher_setting_type_t;

/* One setting an enricher reads, as "enrichers.<name>.<key>" (or
 * "http.<name>.<key>" for an HTTP enricher). Added in ABI 1.1; grows only at
 * its end (the descriptor's setting_size says how far). */
typedef struct nw_enricher_setting {
    /* The key after the enricher's prefix. A key ending in ".*" declares a
     * family: "header.*" accepts header.<anything>, with this type. */
    const char *key;
    int type;           /* nw_enricher_setting_type_t */
    const char *def;    /* the default as a user would write it; NULL: none */
    const char *values; /* NW_SETTING_ENUM: the allowed values, "a|b|c" */
    int64_t min, max;   /* see the type; 0, 0 for numbers: no bounds */
    int secret;         /* non-zero: the value never appears in messages */
    const char *help;   /* one line */
} nw_enricher_setting_t;

/* Services the host offers a plugin. Grows only at its end. */
typedef struct nw_enricher_api {
    uint32_t abi_version; /* NW_ENRICHER_ABI_VERSION of the host */
    uint32_t size;        /* sizeof(nw_enricher_api_t) as the host knows it */
    /* Logs one line through the host's logger (never log secrets). */
    void (*log)(int level, const char *enricher, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    /* The value of configuration key "enrichers.<name>.<key>" for this
     * enricher, or NULL when unset. Borrowed until destroy(). */
    const char *(*config)(void *host, const char *key);
    /* Absolute path of a data file: relative names resolve against the
     * configuration directory. Writes into out; returns 0 or -1. */
    int (*data_path)(void *host, const char *name, char *out, size_t out_len);
    /* Added in ABI 1.1 (check size first). The instance's name, the key
     * under newswire.enrichment: the descriptor's name, or "http.<name>"
     * for an HTTP enricher. Borrowed until destroy(). */
    const char *(*instance)(void *host);
    /* Added in ABI 1.1. Calls fn for each setting of this instance whose key
     * (after the enricher's prefix) starts with prefix ("" for all), in key
     * order; stops at and returns fn's first non-zero result, else 0. */
    int (*config_each)(void *host, const char *prefix,
                       int (*fn)(const char *key, const char *value, void *opaque), void *opaque);
} nw_enricher_api_t;

/* A plugin's descriptor. Grows only at its end. */
typedef struct nw_enricher {
    uint32_t abi_version; /* NW_ENRICHER_ABI_VERSION the plugin was built with */
    uint32_t size;        /* sizeof(nw_enricher_t) as the plugin knows it */
    const char *name;     /* [a-z0-9_-]+, the key under newswire.enrichment */
    const char *description;
    /*
     * Creates an instance. host is an opaque handle for the API calls. On
     * success returns 0 and sets *state; on failure returns -1 and writes a
     * message into errbuf. May be NULL (no state).
     */
    int (*init)(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                size_t errlen);
    /*
     * Enriches one record (borrowed, see above). detail (detail_len bytes,
     * may stay empty) receives a short human note recorded with the status,
     * e.g. "3 people, 2 places" or "timeout after 2000 ms".
     */
    nw_enrich_status_t (*enrich)(void *state, json_t *record, const nw_enrich_input_t *in,
                                 char *detail, size_t detail_len);
    /* Frees the instance. May be NULL. */
    void (*destroy)(void *state);
    /*
     * Optional (NULL when absent): enriches n records at once, so an
     * enricher that waits on I/O can overlap the waits. statuses and details
     * (detail_len bytes each) are arrays of n.
     */
    void (*enrich_batch)(void *state, json_t **records, const nw_enrich_input_t *const *in,
                         size_t n, nw_enrich_status_t *statuses, char **details, size_t detail_len);
    /* Added in ABI 1.1. The settings the enricher reads, ended by an entry
     * whose key is NULL; NULL: undeclared (the host then checks nothing).
     * setting_size: sizeof(nw_enricher_setting_t) as the plugin knows it. */
    const nw_enricher_setting_t *settings;
    uint32_t setting_size;
} nw_enricher_t;

/* The one symbol a plugin exports. Returns a descriptor with static storage
 * duration (never freed), or NULL if the plugin cannot work with this host. */
typedef const nw_enricher_t *(*nw_enricher_entry_fn)(const nw_enricher_api_t *api);

#ifdef __cplusplus
}
#endif
#endif
