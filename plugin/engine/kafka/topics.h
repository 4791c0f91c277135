/*
 * Making sure the topics newswire needs exist before it processes anything.
 *
 * The input topics must exist (newswire never invents its input). The state
 * topic is created when missing, compacted, with as many partitions as the
 * input, because input partition p's version store is written to and
 * restored from state partition p. Output and dead-letter topics are created
 * when missing with the input's partition count, and so is the internal
 * repartition topic that re-keys unkeyed input. While the cluster cannot be
 * reached these calls wait, logging, until `*stop` is set.
 */
#ifndef NW_TOPICS_H
#define NW_TOPICS_H

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdbool.h>

#include "config/config.h"

/* The internal repartition topic's name: "<group.id>-repartition". */
void nw_repartition_topic(const nw_config_t *cfg, char *out, size_t n);

/* Partition count of topic, 0 when the topic does not exist, or a negative
 * nw_err_t when metadata could not be had within timeout_ms. */
int nw_topic_partitions(rd_kafka_t *rk, const char *topic, int timeout_ms, nw_error_t *err);

/* Creates topic with partitions and "k=v" configs (NULL-terminated list, may
 * be NULL). An already existing topic is success. */
int nw_topic_create(rd_kafka_t *rk, const char *topic, int partitions, const char *const *configs,
                    int timeout_ms, nw_error_t *err);

/*
 * Reads each topic's max.message.bytes (admin DescribeConfigs): out[i] gets
 * topics[i]'s value, or -1 when the broker did not give it (an unknown topic
 * or no DescribeConfigs right): the caller then relies on other limits.
 * Returns 0, or a negative nw_err_t when no answer came within timeout_ms.
 */
int nw_topics_max_message_bytes(rd_kafka_t *rk, const char *const *topics, size_t n, int64_t *out,
                                int timeout_ms, nw_error_t *err);

/*
 * Checks the input topics and creates the state, output and dead-letter
 * topics as needed. *input_partitions receives the largest input partition
 * count. Waits while the cluster is unreachable, until *stop becomes true
 * (then NW_ERR_FATAL). A state topic with a different partition count is
 * NW_ERR_INVALID: its data would be in the wrong partitions.
 */
int nw_topics_ensure(rd_kafka_t *rk, const nw_config_t *cfg, const char *repartition,
                     volatile sig_atomic_t *stop, int *input_partitions, nw_error_t *err);

#endif
