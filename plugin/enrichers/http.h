/*
 * The HTTP enricher: sends each record (or a configured subset of its
 * members) to a JSON service and merges the service's answer into the record.
 *
 * The host creates one instance per distinct <name> configured under
 * `http.<name>.<setting>` (settings in config/http-enricher.md). Each
 * instance owns one libcurl multi handle, so connections to the service are
 * reused across records and batches, and runs a batch with up to
 * `concurrency` requests in flight. A per-request timeout, bounded retries
 * with jittered exponential backoff, a circuit breaker and a deadline per
 * batch keep a dead or slow service from stalling the pipeline: the worst
 * case for a batch is about timeout.ms x (retries + 1) + backoff.max.ms.
 *
 * The instance learns its name ("http.<name>": logs, and the default merge
 * path newswire.enrichments.<name>) from api->instance() and finds its
 * header.<Name> settings with api->config_each(); its descriptor declares
 * every setting (http_settings.c), so the host refuses unknown ones before
 * init, as for any enricher.
 *
 * Credentials (auth.token.env, auth.token.file) are read at init and are
 * never logged nor written into a status detail.
 */
#ifndef NW_ENRICH_HTTP_H
#define NW_ENRICH_HTTP_H

#include <stdint.h>

#include "newswire/enricher.h"

/* The built-in descriptor (static storage; see nw_enricher_entry_fn). */
const nw_enricher_t *nw_builtin_http(const nw_enricher_api_t *api);

/* The circuit breaker of one instance (one endpoint). */
typedef enum nw_http_breaker_state {
    NW_HTTP_BREAKER_CLOSED = 0,    /* requests flow */
    NW_HTTP_BREAKER_OPEN = 1,      /* requests are not sent: "circuit open" */
    NW_HTTP_BREAKER_HALF_OPEN = 2, /* one trial request decides */
} nw_http_breaker_state_t;

/* "closed", "open" or "half-open"; never NULL. */
const char *nw_http_breaker_state_name(nw_http_breaker_state_t s);

/* A snapshot of one instance's counters, for /metrics. Counters only grow. */
typedef struct nw_http_stats {
    nw_http_breaker_state_t breaker;
    uint64_t requests;       /* HTTP requests sent, retries included */
    uint64_t retries;        /* of those, repeats of a failed request */
    uint64_t failures;       /* records that ended degraded or failed */
    uint64_t short_circuits; /* records not sent because the circuit was open */
    uint64_t cache_hits;     /* records answered from the cache */
    uint64_t cache_entries;  /* answers held in the cache now (a gauge) */
} nw_http_stats_t;

/*
 * Fills out for the instance `state` (the state init() set). Safe to call
 * from another thread while the instance works (the counters are atomic).
 * Returns 0, or NW_ERR_INVALID when state or out is NULL.
 */
int nw_http_enricher_stats(void *state, nw_http_stats_t *out);

#endif
