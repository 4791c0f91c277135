/*
 * The circuit breaker's state machine (see http_breaker.h). Kept apart from
 * the request engine so each transition can be checked with a fake clock.
 */
#include "enrichers/http_breaker.h"

#include <assert.h>

const char *nw_http_breaker_state_name(nw_http_breaker_state_t s)
{
    switch (s) {
    case NW_HTTP_BREAKER_CLOSED:
        return "closed";
    case NW_HTTP_BREAKER_OPEN:
        return "open";
    case NW_HTTP_BREAKER_HALF_OPEN:
        return "half-open";
    }
    return "closed";
}

void nw_http_breaker_init(nw_http_breaker_t *b, int64_t threshold, int64_t reset_ms)
{
    assert(threshold >= 1);
    atomic_init(&b->state, NW_HTTP_BREAKER_CLOSED);
    b->threshold = threshold;
    b->reset_ms = reset_ms;
    b->failures = 0;
    b->opened_at = 0;
    b->trial_in_flight = false;
}

nw_http_breaker_state_t nw_http_breaker_state(const nw_http_breaker_t *b)
{
    return (nw_http_breaker_state_t)atomic_load_explicit(&b->state, memory_order_relaxed);
}

static void set_state(nw_http_breaker_t *b, nw_http_breaker_state_t s)
{
    atomic_store_explicit(&b->state, (int)s, memory_order_relaxed);
}

static void open_at(nw_http_breaker_t *b, int64_t now_ms)
{
    set_state(b, NW_HTTP_BREAKER_OPEN);
    b->opened_at = now_ms;
    b->trial_in_flight = false;
}

nw_http_gate_t nw_http_breaker_acquire(nw_http_breaker_t *b, int64_t now_ms)
{
    switch (nw_http_breaker_state(b)) {
    case NW_HTTP_BREAKER_CLOSED:
        return NW_HTTP_GATE_SEND;
    case NW_HTTP_BREAKER_OPEN:
        if (now_ms - b->opened_at < b->reset_ms)
            return NW_HTTP_GATE_REJECT;
        set_state(b, NW_HTTP_BREAKER_HALF_OPEN);
        b->trial_in_flight = true;
        return NW_HTTP_GATE_TRIAL;
    case NW_HTTP_BREAKER_HALF_OPEN:
        /* Only one request probes a service that just failed; the others
         * wait for its verdict instead of piling onto it. */
        if (b->trial_in_flight)
            return NW_HTTP_GATE_WAIT;
        b->trial_in_flight = true;
        return NW_HTTP_GATE_TRIAL;
    }
    return NW_HTTP_GATE_REJECT;
}

bool nw_http_breaker_rejects(const nw_http_breaker_t *b, int64_t now_ms)
{
    return nw_http_breaker_state(b) == NW_HTTP_BREAKER_OPEN && now_ms - b->opened_at < b->reset_ms;
}

void nw_http_breaker_report(nw_http_breaker_t *b, bool trial, bool success, int64_t now_ms)
{
    nw_http_breaker_state_t s = nw_http_breaker_state(b);
    if (trial) {
        assert(s == NW_HTTP_BREAKER_HALF_OPEN && b->trial_in_flight);
        if (success) {
            set_state(b, NW_HTTP_BREAKER_CLOSED);
            b->failures = 0;
            b->trial_in_flight = false;
        } else {
            open_at(b, now_ms);
        }
        return;
    }
    /* A request sent while closed may finish after others opened the
     * breaker; its outcome no longer changes anything then. */
    if (s != NW_HTTP_BREAKER_CLOSED)
        return;
    if (success) {
        b->failures = 0;
    } else if (++b->failures >= b->threshold) {
        b->failures = 0;
        open_at(b, now_ms);
    }
}

void nw_http_breaker_abandon(nw_http_breaker_t *b, bool trial, int64_t now_ms)
{
    if (trial && b->trial_in_flight)
        open_at(b, now_ms);
}
