/*
 * The HTTP enricher's circuit breaker: one per instance, i.e. per endpoint.
 *
 * Closed: requests flow, and `failures` consecutive failed requests open it.
 * Open: nothing is sent for `reset_ms`; then the next request becomes the
 * one trial of the half-open state while every other request waits for its
 * verdict. A successful trial closes the breaker, a failed one opens it again
 * for another `reset_ms`. A "failure" is whatever the caller reports as one
 * (the engine: 5xx, 429, timeouts, connection errors and unusable answers;
 * a 4xx is the request's fault, not the service's, and counts as success).
 *
 * Time is passed in (monotonic milliseconds) so the state machine is tested
 * without sleeping. Only the owning thread drives it; the state itself is
 * atomic so a metrics thread may read it at any time.
 */
#ifndef NW_ENRICH_HTTP_BREAKER_H
#define NW_ENRICH_HTTP_BREAKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "enrichers/http.h"

typedef struct nw_http_breaker {
    _Atomic int state; /* nw_http_breaker_state_t */
    int64_t threshold; /* consecutive failures that open it (>= 1) */
    int64_t reset_ms;  /* open -> half-open after this long */
    int64_t failures;  /* consecutive failures so far (closed state) */
    int64_t opened_at; /* when it last opened */
    bool trial_in_flight;
} nw_http_breaker_t;

/* What a request may do now. */
typedef enum nw_http_gate {
    NW_HTTP_GATE_SEND,   /* send it */
    NW_HTTP_GATE_TRIAL,  /* send it as the half-open trial; report with trial = true */
    NW_HTTP_GATE_WAIT,   /* a trial is in flight: ask again once it is decided */
    NW_HTTP_GATE_REJECT, /* the circuit is open: do not send */
} nw_http_gate_t;

void nw_http_breaker_init(nw_http_breaker_t *b, int64_t threshold, int64_t reset_ms);
nw_http_breaker_state_t nw_http_breaker_state(const nw_http_breaker_t *b);

/* Asks whether a request may go out at now_ms; may move open -> half-open. */
nw_http_gate_t nw_http_breaker_acquire(nw_http_breaker_t *b, int64_t now_ms);

/* True when acquire() would say NW_HTTP_GATE_REJECT; changes nothing. */
bool nw_http_breaker_rejects(const nw_http_breaker_t *b, int64_t now_ms);

/* Reports the outcome of a request that acquire() let through. */
void nw_http_breaker_report(nw_http_breaker_t *b, bool trial, bool success, int64_t now_ms);

/* The trial request was abandoned without a verdict (the batch deadline):
 * the breaker goes back to open, as if the trial had failed. */
void nw_http_breaker_abandon(nw_http_breaker_t *b, bool trial, int64_t now_ms);

#endif
