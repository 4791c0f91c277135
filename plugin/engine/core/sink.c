/*
 * The metrics sink's calls: each forwards to the sink's operation when there
 * is a sink and it implements that operation, so reporting costs a caller
 * with metrics turned off one test and no checks of its own.
 */
#include "core/sink.h"

#define NW_SINK_HAS(s, op) ((s) && (s)->ops && (s)->ops->op)

void nw_sink_set_counters(const nw_sink_t *s, const struct nw_counters *totals)
{
    if (NW_SINK_HAS(s, set_counters))
        s->ops->set_counters(s->ctx, totals);
}

void nw_sink_set_ready(const nw_sink_t *s, bool ready)
{
    if (NW_SINK_HAS(s, set_ready))
        s->ops->set_ready(s->ctx, ready);
}

bool nw_sink_ready(const nw_sink_t *s)
{
    return NW_SINK_HAS(s, ready) && s->ops->ready(s->ctx);
}

void nw_sink_set_failure(const nw_sink_t *s, const char *cause)
{
    if (NW_SINK_HAS(s, set_failure))
        s->ops->set_failure(s->ctx, cause);
}

void nw_sink_partition(const nw_sink_t *s, const char *topic, int32_t partition, int64_t position,
                       int64_t high_watermark)
{
    if (NW_SINK_HAS(s, partition))
        s->ops->partition(s->ctx, topic, partition, position, high_watermark);
}

void nw_sink_partition_remove(const nw_sink_t *s, const char *topic, int32_t partition)
{
    if (NW_SINK_HAS(s, partition_remove))
        s->ops->partition_remove(s->ctx, topic, partition);
}

void nw_sink_produced(const nw_sink_t *s, const char *topic, uint64_t n)
{
    if (NW_SINK_HAS(s, produced))
        s->ops->produced(s->ctx, topic, n);
}

void nw_sink_enrich_latency(const nw_sink_t *s, const char *enricher, double seconds)
{
    if (NW_SINK_HAS(s, enrich_latency))
        s->ops->enrich_latency(s->ctx, enricher, seconds);
}

void nw_sink_breaker(const nw_sink_t *s, const char *endpoint, nw_breaker_state_t state)
{
    if (NW_SINK_HAS(s, breaker))
        s->ops->breaker(s->ctx, endpoint, state);
}

void nw_sink_rdkafka_stats(const nw_sink_t *s, const char *role, const char *json, size_t json_len)
{
    if (NW_SINK_HAS(s, rdkafka_stats))
        s->ops->rdkafka_stats(s->ctx, role, json, json_len);
}
