/*
 * Internals of the enrichment host, shared by registry.c (building the chain)
 * and host_run.c (running it). Nothing outside plugin/engine/enrich/ includes this:
 * the rest of newswire sees only enrich.h.
 */
#ifndef NW_ENRICH_HOST_H
#define NW_ENRICH_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "enrich/enrich.h"

/* One enricher in the chain, and the `host` handle its API calls receive. */
typedef struct nw_host {
    char *name;   /* key under newswire.enrichment: the descriptor's name, or http.<name> */
    char *prefix; /* "enrichers.<name>." or "http.<name>." */
    char *origin; /* for messages: "built-in enricher lang", "plugin ./x.so" */
    /* The start of its status on the byte path, "\"<name>\":{\"status\":\"",
     * as nw_json_put_string() writes the name: made with the host, so a
     * record's status does not escape the name again. */
    char *status_key;
    size_t status_key_len;
    const nw_enricher_t *desc; /* &copy: the members the enricher lacks are zero */
    const nw_enricher_t *orig; /* as the entry function returned it */
    nw_enricher_t copy;
    nw_enricher_setting_t *decls; /* declared settings, host-sized copies; NULL: undeclared */
    size_t n_decls;
    void *state; /* from init() */
    void *dl;    /* dlopen() handle; NULL for built-ins */
    bool off;    /* named in enrichers.disabled: never initialised or run */
    bool inited; /* init() succeeded (or there is none): destroy() is due */
    char **keys; /* settings snapshot: key without prefix, and value */
    char **values;
    size_t n_settings;
    /* Whether enrich()/enrich_batch() may run on several threads at once
     * (processing.threads): only built-ins whose state is read-only or
     * guarded say so. Any other (a plugin, the HTTP enricher with its cache
     * and breaker) has its calls serialised by lock. */
    bool concurrent;
    /* Whether what it writes into a record depends on that record alone
     * (not on the records before it, nor on a clock or a service), so that
     * it may enrich records in any order: built-ins without state across
     * records say so. */
    bool stateless;
    /* Whether it reads of a record only the members nw_ninjs_stub() holds
     * and only adds members to it, never changing or removing one: then
     * it may enrich that stub instead of the whole record. Built-ins that
     * are so say so; a plugin or the HTTP enricher may read anything. */
    bool adds_only;
    /* A built-in's byte writer (enrichers/bytes.h), used for the records the
     * chain gets as bytes; NULL for the others. */
    nw_enrich_bytes_fn bytes;
    pthread_mutex_t lock;
    /* A built-in with a circuit breaker (the HTTP enricher): its state
     * (nw_breaker_state_t) from the enricher's state, or -1 when unknown;
     * the host reports it to the metrics sink after each run. NULL for
     * the others. */
    int (*breaker)(void *state);
} nw_host_t;

/*
 * Takes d as h's descriptor (host_settings.c): checks it (see
 * nw_host_check_descriptor) and copies it, and its declared settings, into
 * structs of this host's size, once, so nothing later compares sizes.
 * fallback declares the settings of a built-in whose descriptor does not.
 * Returns 0, NW_ERR_INVALID or NW_ERR_NOMEM.
 */
int nw_host_adopt(nw_host_t *h, const nw_enricher_t *d, const nw_enricher_setting_t *fallback,
                  nw_error_t *err);

/* Checks h's settings against its declarations: an undeclared key (with
 * the closest declared one suggested) or a value of the wrong type (unless
 * h is off) is NW_ERR_INVALID naming the full key. Undeclared enrichers
 * pass. */
int nw_host_check_settings(const nw_host_t *h, nw_error_t *err);

/* The settings of the built-ins whose descriptors do not declare them
 * (lang, dates, entities, subjects, stats); NULL for another name. */
const nw_enricher_setting_t *nw_host_builtin_settings(const char *name);

/* The declared key closest to key among decls (distance at most a third of
 * its length, at least 1), or NULL. */
const char *nw_host_suggest(const char *key, const char *const *names, size_t n);

/* The API table every enricher receives. */
const nw_enricher_api_t *nw_host_api(void);

/* Checks a descriptor against this host's ABI; origin names it in messages.
 * Returns 0 or NW_ERR_INVALID. */
int nw_host_check_descriptor(const nw_enricher_t *d, const char *origin, nw_error_t *err);

/* Where durations and breaker states go (may be NULL). */
const struct nw_sink *nw_host_metrics(const nw_enrichers_t *e);

/* The chain, in order (borrowed). */
size_t nw_host_chain(const nw_enrichers_t *e, nw_host_t *const **out);

#endif
