/*
 * The metrics registry: what an operator scrapes from /metrics.
 *
 * The runner thread (and the enrichers it calls) write; the HTTP server's
 * thread reads, through nw_metrics_render(). One mutex guards everything: an
 * update is a few additions under the lock and a scrape builds its text under
 * it, which is cheap next to a Kafka round trip and keeps a scrape consistent
 * (the outcome counters always add up to `in` in one scrape).
 *
 * The outcome counters are taken from the runner's cumulative totals as they
 * stand after a commit (nw_metrics_set_counters), never from messages still in
 * an open transaction, so a scrape shows exactly what the summary line would
 * show if the process stopped at that moment, and an aborted batch never
 * makes a counter go backwards.
 *
 * Exposed in the Prometheus text format 0.0.4; every name starts with
 * `newswire_`. Series are printed in a stable order (sorted by label), and a
 * family with no series yet is left out.
 *
 * All functions accept a NULL registry and then do nothing, so a caller with
 * metrics turned off needs no checks. Strings passed in are copied.
 */
#ifndef NW_METRICS_H
#define NW_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sink.h"
#include "pipeline/runner.h"

typedef struct nw_metrics nw_metrics_t;

/* Upper bounds (seconds) of newswire_enrichment_duration_seconds' buckets,
 * +Inf excluded: from a cached lookup to an HTTP call near its timeout. */
#define NW_METRICS_LATENCY_BUCKETS                                                                 \
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0
#define NW_METRICS_LATENCY_NBUCKETS 13

/* A new, empty registry (not ready); NULL when out of memory. */
nw_metrics_t *nw_metrics_new(void);
/* Frees m; m may be NULL. No other thread may still use it. */
void nw_metrics_free(nw_metrics_t *m);

/* m as the metrics sink the layers below ops report to (core/sink.h): the
 * runner, the enricher host and the Kafka failure watchdog take it. Owned by
 * m and valid until nw_metrics_free(m); NULL when m is NULL. */
const nw_sink_t *nw_metrics_sink(nw_metrics_t *m);

/*
 * Replaces the outcome counters (newswire_messages_total{outcome},
 * newswire_input_messages_total, newswire_rejected_total{code}) and the
 * transaction counters (newswire_transactions_total{result}) with the
 * runner's cumulative totals. Call it whenever they change (after each
 * commit and each abort; more often is harmless); totals must only grow.
 */
void nw_metrics_set_counters(nw_metrics_t *m, const nw_counters_t *totals);

/* newswire_ready: true once every assigned partition is restored. */
void nw_metrics_set_ready(nw_metrics_t *m, bool ready);
bool nw_metrics_ready(nw_metrics_t *m);

/* A failure that retrying does not cure (authentication, TLS, authorization;
 * see kafka/kfail.h): while one is set /healthz answers 503 with the cause.
 * NULL or "" clears it. nw_metrics_failure copies the cause into out (empty
 * when healthy) and returns whether there is one; a cause holds at most
 * NW_SINK_FAILURE_MAX bytes (core/sink.h). Thread-safe. */
void nw_metrics_set_failure(nw_metrics_t *m, const char *cause);
bool nw_metrics_failure(nw_metrics_t *m, char *out, size_t n);

/*
 * The consumer's position in an input partition and the partition's high
 * watermark; newswire_consumer_lag{topic,partition} is high - position (0
 * when negative), and is not shown while either is unknown (negative, as
 * librdkafka reports an unknown offset).
 */
void nw_metrics_partition(nw_metrics_t *m, const char *topic, int32_t partition, int64_t position,
                          int64_t high_watermark);
/* Forgets a partition (revoked or lost). */
void nw_metrics_partition_remove(nw_metrics_t *m, const char *topic, int32_t partition);

/* Adds n to newswire_records_produced_total{topic}: records known written
 * (delivered, and committed under exactly_once). */
void nw_metrics_produced(nw_metrics_t *m, const char *topic, uint64_t n);

/* One observation of newswire_enrichment_duration_seconds{enricher}. */
void nw_metrics_enrich_latency(nw_metrics_t *m, const char *enricher, double seconds);

/* newswire_circuit_breaker_state{endpoint}: 0 closed, 1 open, 2 half-open. */
void nw_metrics_breaker(nw_metrics_t *m, const char *endpoint, nw_breaker_state_t state);

/*
 * Keeps what an operator needs from one librdkafka statistics document (a
 * stats_cb's json and json_len, passed as they come; see librdkafka's
 * STATISTICS.md) under role (the client's job: "consumer", "producer",
 * "restore"), replacing that role's previous document: queue depth,
 * requests and messages sent and received, per broker state and average
 * round-trip time, per partition consumer lag and, for a group member,
 * rebalances and assignment size. The JSON is borrowed and need not be
 * NUL-terminated. Returns 0, or NW_ERR_INVALID when it does not parse (the
 * previous values are kept), or NW_ERR_NOMEM.
 */
int nw_metrics_rdkafka_stats(nw_metrics_t *m, const char *role, const char *json, size_t json_len);

/* The Prometheus text exposition (format 0.0.4) of everything above, as a
 * new NUL-terminated string the caller frees; NULL when out of memory. */
char *nw_metrics_render(nw_metrics_t *m);

/* The content type of nw_metrics_render()'s text. */
#define NW_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Within plugin/ops only: the pieces metrics.c and rdstats.c share.
 *
 * A parsed librdkafka statistics document (rdstats.c) is a list of samples,
 * each of a fixed newswire_kafka_* family; render prints every family once
 * with the samples of all documents (one per role) under it.
 */
struct nw_buf;
typedef struct nw_rdstats nw_rdstats_t;
int nw_rdstats_parse(const char *role, const char *json, size_t len, nw_rdstats_t **out);
void nw_rdstats_free(nw_rdstats_t *s); /* accepts NULL */
void nw_rdstats_render(const nw_rdstats_t *const *docs, size_t n, struct nw_buf *b);

/* Text format helpers: escape a label value (quote true: also '"') or HELP
 * text; `,name="value"` (no comma when first); a sample value; the HELP and
 * TYPE lines of a family. */
void nw_metrics_put_escaped(struct nw_buf *b, const char *s, bool quote);
void nw_metrics_put_label(struct nw_buf *b, bool first, const char *name, const char *value);
void nw_metrics_put_value(struct nw_buf *b, double v);
void nw_metrics_put_family(struct nw_buf *b, const char *name, const char *type, const char *help);

#endif
