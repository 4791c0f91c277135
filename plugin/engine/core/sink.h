/*
 * The metrics sink: where the engine's layers report what an operator
 * watches (outcome counters, lag, readiness, failures, enricher latency,
 * circuit breakers, librdkafka statistics) without knowing who listens.
 *
 * It lives in core so that every layer may report through it while the
 * registry that renders /metrics (ops/metrics.c) sits on top: ops implements
 * the operations and hands a sink to the runner, the enricher host and the
 * Kafka failure watchdog (nw_metrics_sink). A layer below ops never includes
 * ops/metrics.h, so the include graph only points down.
 *
 * Every function accepts a NULL sink, and a sink whose operation is NULL, and
 * then does nothing (nw_sink_ready answers false), so a caller with metrics
 * turned off needs no checks. Strings passed in are borrowed for the call;
 * the implementation copies what it keeps. Thread safety is the
 * implementation's: the ops registry takes its own lock.
 */
#ifndef NW_SINK_H
#define NW_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The runner's cumulative totals (pipeline/runner.h). The sink only passes
 * them through from the pipeline to a reader above it, so core needs no
 * more than the name. */
struct nw_counters;

/* Circuit-breaker states, as newswire_circuit_breaker_state reports them. */
typedef enum nw_breaker_state {
    NW_BREAKER_CLOSED = 0,
    NW_BREAKER_OPEN = 1,
    NW_BREAKER_HALF_OPEN = 2,
} nw_breaker_state_t;

/* The longest failure cause a sink keeps, NUL included. */
#define NW_SINK_FAILURE_MAX 512

/* The operations a sink implements; ctx is the sink's. See ops/metrics.h for
 * what each one means to /metrics and /healthz. */
typedef struct nw_sink_ops {
    void (*set_counters)(void *ctx, const struct nw_counters *totals);
    void (*set_ready)(void *ctx, bool ready);
    bool (*ready)(void *ctx);
    void (*set_failure)(void *ctx, const char *cause);
    void (*partition)(void *ctx, const char *topic, int32_t partition, int64_t position,
                      int64_t high_watermark);
    void (*partition_remove)(void *ctx, const char *topic, int32_t partition);
    void (*produced)(void *ctx, const char *topic, uint64_t n);
    void (*enrich_latency)(void *ctx, const char *enricher, double seconds);
    void (*breaker)(void *ctx, const char *endpoint, nw_breaker_state_t state);
    void (*rdkafka_stats)(void *ctx, const char *role, const char *json, size_t json_len);
} nw_sink_ops_t;

/* A sink: its operations and their context, both owned by the implementer. */
typedef struct nw_sink {
    const nw_sink_ops_t *ops;
    void *ctx;
} nw_sink_t;

/* The outcome and transaction totals, as they stand after a commit. */
void nw_sink_set_counters(const nw_sink_t *s, const struct nw_counters *totals);
/* Readiness: every assigned partition is restored. */
void nw_sink_set_ready(const nw_sink_t *s, bool ready);
bool nw_sink_ready(const nw_sink_t *s);
/* A failure that retrying does not cure; NULL or "" clears it. */
void nw_sink_set_failure(const nw_sink_t *s, const char *cause);
/* An input partition's consumer position and high watermark (negative:
 * unknown), and forgetting a revoked or lost partition. */
void nw_sink_partition(const nw_sink_t *s, const char *topic, int32_t partition, int64_t position,
                       int64_t high_watermark);
void nw_sink_partition_remove(const nw_sink_t *s, const char *topic, int32_t partition);
/* n more records known written to topic. */
void nw_sink_produced(const nw_sink_t *s, const char *topic, uint64_t n);
/* One enricher call took seconds. */
void nw_sink_enrich_latency(const nw_sink_t *s, const char *enricher, double seconds);
/* An HTTP endpoint's circuit breaker is in state. */
void nw_sink_breaker(const nw_sink_t *s, const char *endpoint, nw_breaker_state_t state);
/* One librdkafka statistics document of the client doing role's job. */
void nw_sink_rdkafka_stats(const nw_sink_t *s, const char *role, const char *json, size_t json_len);

#endif
