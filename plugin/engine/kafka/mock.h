/*
 * An embedded Kafka cluster: librdkafka's mock cluster, run inside this
 * process, for the demo and for fault-injection tests. It has no admin API
 * (topics are made here), no compaction, and in librdkafka 2.0.2 it writes no
 * transaction markers, so exactly-once is only ever proven on a real broker.
 */
#ifndef NW_MOCK_H
#define NW_MOCK_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "config/config.h"

typedef struct nw_mock nw_mock_t;

/* Starts a cluster of `brokers` brokers. */
int nw_mock_start(int brokers, nw_mock_t **out, nw_error_t *err);
void nw_mock_stop(nw_mock_t *m); /* accepts NULL */

/* The bootstrap address other clients (kcat too) can use while it lives. */
const char *nw_mock_bootstraps(const nw_mock_t *m);
rd_kafka_mock_cluster_t *nw_mock_cluster(nw_mock_t *m);

/* Creates every topic cfg names (input, output, dead letters, state and the
 * repartition topic) with `partitions` partitions. */
void nw_mock_create_topics(nw_mock_t *m, const nw_config_t *cfg, int partitions);

/* Produces the files of dir/manifest.tsv ("FILE<TAB>KEY" lines, '#' comments)
 * to topic in order, each with its key; an empty file is an empty value.
 * Sets *count to the number produced. */
int nw_mock_produce_manifest(nw_mock_t *m, const char *dir, const char *topic, int *count,
                             nw_error_t *err);

#endif
