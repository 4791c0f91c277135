/*
 * Writing records and dead letters (see output.h): the headers and the
 * cutting of a dead letter to fit, for the runner and replay alike.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/hash.h"
#include "pipeline/output.h"

rd_kafka_resp_err_t nw_output_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                      const void *key, size_t key_len, void *value, size_t len,
                                      int flags, rd_kafka_headers_t *hdrs, void *opaque,
                                      int64_t timestamp)
{
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, len), RD_KAFKA_V_MSGFLAGS(flags),
            RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_TIMESTAMP(timestamp),
            RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return e;
        rd_kafka_poll(rk, 50); /* delivery reports make room */
    }
}

nw_input_t nw_input_of(const rd_kafka_message_t *m, const char *topic)
{
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(m, &tstype);
    return (nw_input_t){
        .topic = topic,
        .partition = m->partition,
        .offset = m->offset,
        .key = m->key,
        .key_len = m->key_len,
        .value = m->payload,
        .value_len = m->len,
        .has_timestamp = tstype != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts >= 0,
        .timestamp_ms = ts,
    };
}

void nw_output_origin(const nw_input_t *src, char *out, size_t n)
{
    bool re = src->origin_topic != NULL;
    snprintf(out, n, "%s/%" PRId32 "/%" PRId64, re ? src->origin_topic : src->topic,
             re ? src->origin_partition : src->partition, re ? src->origin_offset : src->offset);
}

/* Adds a header and counts the bytes it takes towards a size limit. */
static void header_add(rd_kafka_headers_t *h, size_t *bytes, const char *name, const char *value)
{
    rd_kafka_header_add(h, name, -1, value, -1);
    *bytes += strlen(name) + strlen(value) + 10;
}

static rd_kafka_headers_t *record_headers(const nw_input_t *src, unsigned version)
{
    char v[16], origin[512];
    size_t bytes = 0;
    rd_kafka_headers_t *h = rd_kafka_headers_new(3);
    snprintf(v, sizeof(v), "%u", version);
    nw_output_origin(src, origin, sizeof(origin));
    header_add(h, &bytes, "content-type", "application/json");
    header_add(h, &bytes, "newswire-version", v);
    header_add(h, &bytes, "newswire-source", origin);
    return h;
}

rd_kafka_resp_err_t nw_output_record(rd_kafka_t *rk, const char *topic, const nw_input_t *src,
                                     nw_outcome_t *o, void *opaque)
{
    rd_kafka_headers_t *h = record_headers(src, o->version);
    /* The record's buffer passes to librdkafka (F_FREE) on success. */
    rd_kafka_resp_err_t e =
        nw_output_produce(rk, topic, RD_KAFKA_PARTITION_UA, o->article_id, strlen(o->article_id),
                          o->record, o->record_len, RD_KAFKA_MSG_F_FREE, h, opaque, 0);
    if (e)
        rd_kafka_headers_destroy(h); /* only taken on success */
    else
        o->record = NULL;
    return e;
}

static rd_kafka_headers_t *dlq_headers(const nw_input_t *src, const nw_error_t *e, size_t *bytes)
{
    char part[16], off[32];
    bool re = src->origin_topic != NULL;
    rd_kafka_headers_t *h = rd_kafka_headers_new(7);
    snprintf(part, sizeof(part), "%" PRId32, re ? src->origin_partition : src->partition);
    snprintf(off, sizeof(off), "%" PRId64, re ? src->origin_offset : src->offset);
    header_add(h, bytes, "newswire-error", nw_reject_name(e->reject));
    header_add(h, bytes, "newswire-error-message", e->msg);
    header_add(h, bytes, "newswire-source-topic", re ? src->origin_topic : src->topic);
    header_add(h, bytes, "newswire-source-partition", part);
    header_add(h, bytes, "newswire-source-offset", off);
    return h;
}

rd_kafka_resp_err_t nw_output_dead_letter(rd_kafka_t *rk, const char *topic, int64_t limit,
                                          const rd_kafka_message_t *in, const nw_input_t *src,
                                          const nw_error_t *why, bool empty, void *opaque)
{
    /* A re-keyed message had no key when it came in. */
    bool re = src->origin_topic != NULL;
    const void *key = re ? NULL : in->key;
    size_t key_len = re ? 0 : in->key_len, len = empty ? 0 : in->len, hbytes = 0;
    rd_kafka_headers_t *h = dlq_headers(src, why, &hbytes);
    /* Room for the two headers a cut letter adds. */
    int64_t room = limit - NW_RECORD_OVERHEAD - (int64_t)hbytes - 160;
    size_t budget = room > 0 ? (size_t)room : 0;
    if (key_len > budget)
        key_len = budget;
    if (len > budget - key_len)
        len = budget - key_len;
    if (len < in->len || key_len < (re ? 0 : in->key_len)) {
        char size[32], hex[65];
        uint8_t sum[32];
        nw_sha256(in->payload ? in->payload : "", in->len, sum);
        nw_hex(sum, sizeof(sum), hex);
        snprintf(size, sizeof(size), "%zu", in->len);
        header_add(h, &hbytes, "newswire-original-size", size);
        header_add(h, &hbytes, "newswire-original-sha256", hex);
    }
    /* An empty value stays empty, a null one (a tombstone) stays null. */
    rd_kafka_resp_err_t e = nw_output_produce(rk, topic, RD_KAFKA_PARTITION_UA, key, key_len,
                                              in->payload, len, RD_KAFKA_MSG_F_COPY, h, opaque, 0);
    if (e)
        rd_kafka_headers_destroy(h);
    return e;
}
