/*
 * Reading the live service's version stores for `replay --state live`.
 *
 * The state topic is the durable copy of every partition's version store
 * (see dedupe/changelog.h): state partition p holds what the live service
 * emitted for input partition p (and for repartition partition p, where
 * unkeyed articles are deduplicated). Replaying against it means reading
 * every partition from the beginning to its end, read_committed so that an
 * aborted transaction's updates are not taken for emitted versions.
 *
 * The reader is a consumer of its own with assign(), joining no group:
 * replay only reads this topic, never writes it and never commits anything.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/clock.h"
#include "kafka/kconf.h"
#include "replay/replay.h"

/* Assigns the partitions that hold anything; marks the empty ones done. */
static int assign(rd_kafka_t *rk, const char *topic, bool *done, int n, int *left, nw_error_t *err)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
    *left = 0;
    for (int p = 0; p < n; p++) {
        int64_t lo = 0, hi = 0;
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000);
        if (e) {
            rd_kafka_topic_partition_list_destroy(l);
            return nw_error_set(err, NW_ERR_KAFKA, "%s [%d]: cannot read watermarks: %s", topic, p,
                                rd_kafka_err2str(e));
        }
        done[p] = lo >= hi;
        if (!done[p]) {
            rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
            (*left)++;
        }
    }
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_assign(rk, l) : RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_destroy(l);
    if (e)
        return nw_error_set(err, NW_ERR_KAFKA, "cannot assign %s: %s", topic, rd_kafka_err2str(e));
    return 0;
}

int nw_replay_state_load(const nw_config_t *cfg, const char *state_topic, nw_vstore_t **stores,
                         int n, int64_t timeout_ms, volatile sig_atomic_t *stop, uint64_t *records,
                         nw_error_t *err)
{
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    bool *done = calloc((size_t)(n > 0 ? n : 1), sizeof(*done));
    int left = 0, rc;
    uint64_t skipped = 0;
    *records = 0;
    if (!done)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    /* Partition EOF is how the end is seen (see nw_replay_kconf). */
    if ((rc = nw_replay_kconf(cfg, &conf, err)) < 0)
        goto out;
    if (!(rk = nw_kafka_new(RD_KAFKA_CONSUMER, conf, err))) {
        rc = NW_ERR_KAFKA;
        goto out;
    }
    rd_kafka_poll_set_consumer(rk);
    if ((rc = assign(rk, state_topic, done, n, &left, err)) < 0)
        goto out;
    int64_t deadline = nw_now_ms() + timeout_ms;
    while (left > 0) {
        if (*stop) {
            rc = nw_error_set(err, NW_ERR_FATAL, "interrupted while reading %s", state_topic);
            goto out;
        }
        if (nw_now_ms() > deadline) {
            rc = nw_error_set(err, NW_ERR_KAFKA,
                              "reading %s took longer than state.restore.timeout.ms (%" PRId64
                              " ms)",
                              state_topic, timeout_ms);
            goto out;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m)
            continue;
        int32_t p = m->partition;
        if (p < 0 || p >= n || done[p]) {
            /* not ours, or already complete */
        } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            done[p] = true;
            left--;
        } else if (m->err) {
            nw_log(NW_LOG_WARN, "restore_error", "%s", rd_kafka_message_errstr(m));
        } else {
            nw_error_t e = {0};
            if (nw_vstore_apply_changelog(stores[p], m->key, m->key_len, m->payload, m->len, &e) <
                0) {
                skipped++;
                nw_log(NW_LOG_WARN, "bad_changelog_record",
                       "%s [%" PRId32 "] offset %" PRId64 ": %s (skipped)", state_topic, p,
                       m->offset, e.msg);
            } else {
                (*records)++;
            }
        }
        rd_kafka_message_destroy(m);
    }
    for (int p = 0; p < n; p++)
        nw_vstore_commit(stores[p]);
    if (skipped)
        nw_log(NW_LOG_WARN, "state_skipped", "%" PRIu64 " records of %s could not be read", skipped,
               state_topic);
out:
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    free(done);
    return rc;
}
