/*
 * Internals of the enrichment host, shared by registry.c (building the chain)
 * and host_run.c (running it). Nothing outside plugin/enrich/ includes this:
 * the rest of newswire sees only enrich.h.
 */
#ifndef NW_ENRICH_HOST_H
#define NW_ENRICH_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "enrich/enrich.h"

/* One enricher in the chain, and the `host` handle its API calls receive. */
typedef struct nw_host {
    char *name;   /* key under newswire.enrichment: the descriptor's name, or http.<name> */
    char *prefix; /* "enrichers.<name>." or "http.<name>." */
    char *origin; /* for messages: "built-in enricher lang", "plugin ./x.so" */
    const nw_enricher_t *desc;
    void *state; /* from init() */
    void *dl;    /* dlopen() handle; NULL for built-ins */
    bool off;    /* named in enrichers.disabled: never initialised or run */
    bool inited; /* init() succeeded (or there is none): destroy() is due */
    char **keys; /* settings snapshot: key without prefix, and value */
    char **values;
    size_t n_settings;
} nw_host_t;

/* The API table every enricher receives. */
const nw_enricher_api_t *nw_host_api(void);

/* Checks a descriptor against this host's ABI; origin names it in messages.
 * Returns 0 or NW_ERR_INVALID. */
int nw_host_check_descriptor(const nw_enricher_t *d, const char *origin, nw_error_t *err);

/* Where durations and breaker states go (may be NULL). */
struct nw_metrics *nw_host_metrics(const nw_enrichers_t *e);

/* The chain, in order (borrowed). */
size_t nw_host_chain(const nw_enrichers_t *e, nw_host_t *const **out);

#endif
