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
 * version it was built for and its own size. The host refuses a descriptor of
 * another major version; within a major version both tables only grow at
 * their end, so each side reads only the members the other side's `size`
 * says it has.
 *
 * Ownership: the record passed to enrich() is BORROWED: the plugin may add,
 * change or remove members of it during the call, and must json_incref()
 * anything it keeps afterwards. Strings in nw_enrich_input_t are borrowed for
 * the call. Everything a plugin allocates it frees itself (in destroy()).
 *
 * Threading: the host calls one plugin instance from one thread at a time.
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
#define NW_ENRICHER_ABI_MINOR       0
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
} nw_enricher_t;

/* The one symbol a plugin exports. Returns a descriptor with static storage
 * duration (never freed), or NULL if the plugin cannot work with this host. */
typedef const nw_enricher_t *(*nw_enricher_entry_fn)(const nw_enricher_api_t *api);

#ifdef __cplusplus
}
#endif
#endif
