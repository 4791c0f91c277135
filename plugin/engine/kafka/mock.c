/* The embedded mock cluster (see mock.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "kafka/mock.h"
#include "kafka/topics.h"

struct nw_mock {
    rd_kafka_t *owner; /* the cluster lives in this producer's threads */
    rd_kafka_mock_cluster_t *cluster;
};

int nw_mock_start(int brokers, nw_mock_t **out, nw_error_t *err)
{
    char errstr[512], n[16];
    nw_mock_t *m = calloc(1, sizeof(*m));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    *out = NULL;
    snprintf(n, sizeof(n), "%d", brokers);
    if (!m || rd_kafka_conf_set(conf, "test.mock.num.brokers", n, errstr, sizeof(errstr)) ||
        rd_kafka_conf_set(conf, "client.id", "newswire-mock", errstr, sizeof(errstr))) {
        rd_kafka_conf_destroy(conf);
        free(m);
        return nw_error_set(err, NW_ERR_KAFKA, "cannot configure the embedded cluster: %s",
                            m ? errstr : "out of memory");
    }
    rd_kafka_conf_set_log_cb(conf, nw_log_rdkafka);
    if (!(m->owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr)))) {
        rd_kafka_conf_destroy(conf);
        free(m);
        return nw_error_set(err, NW_ERR_KAFKA, "cannot start the embedded cluster: %s", errstr);
    }
    m->cluster = rd_kafka_handle_mock_cluster(m->owner);
    *out = m;
    return 0;
}

void nw_mock_stop(nw_mock_t *m)
{
    if (!m)
        return;
    rd_kafka_destroy(m->owner);
    free(m);
}

const char *nw_mock_bootstraps(const nw_mock_t *m)
{
    return rd_kafka_mock_cluster_bootstraps(m->cluster);
}

rd_kafka_mock_cluster_t *nw_mock_cluster(nw_mock_t *m)
{
    return m->cluster;
}

void nw_mock_create_topics(nw_mock_t *m, const nw_config_t *cfg, int partitions)
{
    static const char *const keys[] = {"output.topic", "dlq.topic", "state.topic"};
    char **inputs = NULL, repartition[512];
    size_t n = nw_config_get_list(cfg, "input.topics", &inputs);
    for (size_t i = 0; i < n; i++)
        rd_kafka_mock_topic_create(m->cluster, inputs[i], partitions, 1);
    nw_config_list_free(inputs);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        rd_kafka_mock_topic_create(m->cluster, nw_config_get(cfg, keys[i]), partitions, 1);
    nw_repartition_topic(cfg, repartition, sizeof(repartition));
    rd_kafka_mock_topic_create(m->cluster, repartition, partitions, 1);
}

static int read_file(const char *path, nw_buf_t *out)
{
    FILE *fp = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    if (!fp)
        return NW_ERR_IO;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        nw_buf_append(out, chunk, n);
    int rc = ferror(fp) ? NW_ERR_IO : 0;
    fclose(fp);
    return rc == 0 && nw_buf_ok(out) ? 0 : NW_ERR_IO;
}

int nw_mock_produce_manifest(nw_mock_t *m, const char *dir, const char *topic, int *count,
                             nw_error_t *err)
{
    char path[1024], line[1024];
    snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
    FILE *fp = fopen(path, "r");
    *count = 0;
    if (!fp)
        return nw_error_set(err, NW_ERR_IO, "%s: %s", path, strerror(errno));
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), fp)) {
        char *save = NULL;
        char *file = strtok_r(line, "\t\n", &save), *key = strtok_r(NULL, "\t\n", &save);
        if (!file || file[0] == '#' || !key)
            continue;
        nw_buf_t value = NW_BUF_INIT;
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        if (read_file(path, &value) < 0) {
            rc = nw_error_set(err, NW_ERR_IO, "cannot read %s", path);
        } else {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                m->owner, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                RD_KAFKA_V_VALUE(value.data ? value.data : "", value.len),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (e)
                rc = nw_error_set(err, NW_ERR_KAFKA, "produce: %s", rd_kafka_err2str(e));
            else
                (*count)++;
        }
        nw_buf_free(&value);
    }
    fclose(fp);
    if (rc == 0 && rd_kafka_flush(m->owner, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
        rc = nw_error_set(err, NW_ERR_KAFKA, "the samples were not delivered");
    return rc;
}
