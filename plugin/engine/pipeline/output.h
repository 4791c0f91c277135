/*
 * The output contract: how a record and a dead letter are written to Kafka,
 * shared by the live runner (pipeline/produce.c) and by replay, so that a
 * consumer cannot tell a replayed record's key, headers or partitioning from
 * a live one.
 *
 *  - A record goes to the output topic keyed by article id, to the default
 *    partitioner (murmur2, so a key lands where a Java client puts it), with
 *    headers content-type, newswire-version and newswire-source
 *    ("topic/partition/offset" of where the message entered newswire).
 *  - A dead letter carries the original key and bytes (an empty value stays
 *    empty, a null one null; a re-keyed message had no key) and headers
 *    newswire-error, newswire-error-message, newswire-source-topic,
 *    -partition and -offset; cut to fit when it would not.
 *
 * These only enqueue: delivery, counting and the transaction are the
 * caller's. Each waits out a full local queue by serving delivery reports.
 */
#ifndef NW_OUTPUT_H
#define NW_OUTPUT_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/process.h"

/* Bytes a produced record needs beyond its key, value and headers (record
 * and batch framing), with a margin: what is checked against a limit. */
#define NW_RECORD_OVERHEAD 512

/* The processing step's view of a consumed message from topic (borrowed
 * from m): its position, key, value and Kafka timestamp. */
nw_input_t nw_input_of(const rd_kafka_message_t *m, const char *topic);

/* No size limit for nw_output_dead_letter: the letter is never cut. */
#define NW_OUTPUT_NO_LIMIT INT64_MAX

/* rd_kafka_producev, polling rk while its local queue is full. hdrs passes
 * to librdkafka on success only; opaque becomes the message's opaque;
 * timestamp (ms) 0 stamps the message with the time of producing. */
rd_kafka_resp_err_t nw_output_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                      const void *key, size_t key_len, void *value, size_t len,
                                      int flags, rd_kafka_headers_t *hdrs, void *opaque,
                                      int64_t timestamp);

/* "topic/partition/offset" of where src entered newswire (its origin when it
 * came through the repartition topic). */
void nw_output_origin(const nw_input_t *src, char *out, size_t n);

/* Produces o's record (o->kind NW_OUTCOME_EMITTED) to topic. On success the
 * record's buffer passes to librdkafka and o->record is NULL. */
rd_kafka_resp_err_t nw_output_record(rd_kafka_t *rk, const char *topic, const nw_input_t *src,
                                     nw_outcome_t *o, void *opaque);

/*
 * Produces the dead letter of message in (src describes it) for why to
 * topic. Its key and bytes are cut to what limit (the topic's and the
 * producer's max message size, or NW_OUTPUT_NO_LIMIT) allows, headers
 * included; a cut one says how long the original was and its SHA-256, so it
 * can be found and checked. empty sends no bytes at all (the broker refused
 * even the cut letter).
 */
rd_kafka_resp_err_t nw_output_dead_letter(rd_kafka_t *rk, const char *topic, int64_t limit,
                                          const rd_kafka_message_t *in, const nw_input_t *src,
                                          const nw_error_t *why, bool empty, void *opaque);

#endif
