/*
 * The HTTP enricher's request engine: runs a batch of JSON requests against
 * one endpoint with curl's multi interface.
 *
 * One engine per enricher instance holds one CURLM and a pool of
 * `concurrency` easy handles that live as long as the engine, so connections
 * (and TLS sessions) are reused from record to record and batch to batch.
 * A batch keeps up to `concurrency` requests in flight; a request that fails
 * in a way worth repeating (5xx, 429, a timeout, a broken connection) is
 * retried after a jittered exponential backoff, or after the server's
 * Retry-After when it sends one; both capped by backoff.max.ms. Every request
 * asks the circuit breaker first. The batch ends by its deadline
 * (nw_http_settings_deadline_ms()) whatever the service does.
 *
 * Only the owning thread runs the engine; the counters are atomic so another
 * thread may read them.
 */
#ifndef NW_ENRICH_HTTP_ENGINE_H
#define NW_ENRICH_HTTP_ENGINE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "enrichers/http_breaker.h"
#include "enrichers/http_settings.h"

/* Largest answer accepted; a bigger one is refused as "answer too large". */
#define NW_HTTP_ANSWER_MAX (4u << 20)

/* How a job ended. */
typedef enum nw_http_result {
    NW_HTTP_RESULT_OK,           /* a 2xx whose body is a JSON object: see answer */
    NW_HTTP_RESULT_HTTP,         /* a status other than 2xx: see http_status */
    NW_HTTP_RESULT_TRANSPORT,    /* no answer: see curl_code (28 is a timeout) */
    NW_HTTP_RESULT_INVALID,      /* a 2xx whose body is not a JSON object */
    NW_HTTP_RESULT_TOO_LARGE,    /* an answer above NW_HTTP_ANSWER_MAX */
    NW_HTTP_RESULT_CIRCUIT_OPEN, /* not sent (or not repeated): the breaker is open */
    NW_HTTP_RESULT_DEADLINE,     /* the batch deadline came first */
} nw_http_result_t;

/* Counters shared with nw_http_enricher_stats(). */
typedef struct nw_http_counters {
    _Atomic uint64_t requests;
    _Atomic uint64_t retries;
    _Atomic uint64_t failures;
    _Atomic uint64_t short_circuits;
    _Atomic uint64_t cache_hits;
    _Atomic uint64_t cache_entries;
} nw_http_counters_t;

/* One request of a batch. The caller fills body; the engine fills the rest. */
typedef struct nw_http_job {
    const char *body; /* borrowed for the run */
    size_t body_len;
    nw_http_result_t result;
    long http_status; /* the last status seen, 0 when none */
    int curl_code;    /* the last CURLcode, 0 when none */
    int attempts;     /* requests sent for this job */
    json_t *answer;   /* NW_HTTP_RESULT_OK: a new reference the caller owns */
    /* The engine's bookkeeping. */
    int phase;
    int64_t due;
    bool trial;
} nw_http_job_t;

typedef struct nw_http_engine nw_http_engine_t;

/* api (for logging), s, breaker and counters are borrowed and must outlive
 * the engine; breaker is NULL when breaker.failures is 0. Returns 0,
 * NW_ERR_NOMEM or NW_ERR_INVALID (a libcurl setup failure) with a message in
 * errbuf. */
int nw_http_engine_new(const nw_enricher_api_t *api, const nw_http_settings_t *s,
                       nw_http_breaker_t *breaker, nw_http_counters_t *counters,
                       nw_http_engine_t **out, char *errbuf, size_t errlen);
void nw_http_engine_free(nw_http_engine_t *e); /* accepts NULL */

/* Runs n jobs to their end, at most until the batch deadline. */
void nw_http_engine_run(nw_http_engine_t *e, nw_http_job_t *jobs, size_t n);

/* A short deterministic description of how job ended ("ok", "HTTP 503 after
 * 3 attempts", "timeout after 3 attempts", "circuit open", ...). */
void nw_http_job_describe(const nw_http_job_t *job, char *out, size_t len);

#endif
