/*
 * Producing a replayed outcome (see replay.h), keeping the live service's
 * contract (plugin/pipeline/produce.c) to the byte: records keyed by article
 * id to the default partitioner (murmur2, so a key lands where the live
 * service puts it), headers content-type, newswire-version and
 * newswire-source; dead letters with the original key and bytes (an empty
 * value stays empty, a null one null) and headers newswire-error,
 * newswire-error-message, newswire-source-topic, -partition and -offset.
 *
 * A replay reads the input directly, never through the repartition topic,
 * so the source is always the message itself.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "replay/replay.h"

static rd_kafka_resp_err_t produce(rd_kafka_t *rk, const char *topic, const void *key,
                                   size_t key_len, void *value, size_t len, int flags,
                                   rd_kafka_headers_t *hdrs)
{
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, len), RD_KAFKA_V_MSGFLAGS(flags),
            RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return e;
        rd_kafka_poll(rk, 50); /* delivery reports make room */
    }
}

static rd_kafka_headers_t *record_headers(const nw_input_t *in, unsigned version)
{
    char v[16], source[NW_KPOS_TOPIC_MAX + 48];
    rd_kafka_headers_t *h = rd_kafka_headers_new(3);
    snprintf(v, sizeof(v), "%u", version);
    snprintf(source, sizeof(source), "%s/%" PRId32 "/%" PRId64, in->topic, in->partition,
             in->offset);
    rd_kafka_header_add(h, "content-type", -1, "application/json", -1);
    rd_kafka_header_add(h, "newswire-version", -1, v, -1);
    rd_kafka_header_add(h, "newswire-source", -1, source, -1);
    return h;
}

static rd_kafka_headers_t *dlq_headers(const nw_input_t *in, const nw_error_t *e)
{
    char part[16], off[32];
    rd_kafka_headers_t *h = rd_kafka_headers_new(5);
    snprintf(part, sizeof(part), "%" PRId32, in->partition);
    snprintf(off, sizeof(off), "%" PRId64, in->offset);
    rd_kafka_header_add(h, "newswire-error", -1, nw_reject_name(e->reject), -1);
    rd_kafka_header_add(h, "newswire-error-message", -1, e->msg, -1);
    rd_kafka_header_add(h, "newswire-source-topic", -1, in->topic, -1);
    rd_kafka_header_add(h, "newswire-source-partition", -1, part, -1);
    rd_kafka_header_add(h, "newswire-source-offset", -1, off, -1);
    return h;
}

int nw_replay_produce(rd_kafka_t *producer, const char *out_topic, const char *dlq_topic,
                      const rd_kafka_message_t *m, const nw_input_t *in, nw_outcome_t *o,
                      nw_error_t *err)
{
    rd_kafka_headers_t *h;
    rd_kafka_resp_err_t e;
    const char *topic;
    if (o->kind == NW_OUTCOME_EMITTED) {
        topic = out_topic;
        h = record_headers(in, o->version);
        /* The record's buffer passes to librdkafka (F_FREE) on success. */
        e = produce(producer, topic, o->article_id, strlen(o->article_id), o->record, o->record_len,
                    RD_KAFKA_MSG_F_FREE, h);
        if (!e)
            o->record = NULL;
    } else if (o->kind == NW_OUTCOME_REJECTED) {
        topic = dlq_topic;
        h = dlq_headers(in, &o->error);
        e = produce(producer, topic, m->key, m->key_len, m->payload, m->len, RD_KAFKA_MSG_F_COPY,
                    h);
    } else {
        return 0;
    }
    if (e) {
        rd_kafka_headers_destroy(h); /* only taken on success */
        return nw_error_set(err, NW_ERR_KAFKA, "cannot produce to %s: %s", topic,
                            rd_kafka_err2str(e));
    }
    return 0;
}
