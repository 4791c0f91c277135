/*
 * The exactly-once transaction cycle, end to end: begin when a batch brings
 * the first message, send the consumed offsets with the consumer's group
 * metadata and commit, or abort and put everything back (the version
 * stores, the consumer positions, the counters) so the retry reads the
 * batch again.
 *
 * Errors are handled by class, as librdkafka documents them: retriable is
 * retried, abortable aborts the transaction and rewinds, anything else is
 * fatal. An aborted batch is retried at half the size, down to one message;
 * a one-message transaction the broker refused for its own record poisons
 * that message, so the retry dead-letters it (record-too-large).
 *
 * The runner begins (nw_txn_begin) and commits on its interval or batch
 * size (nw_commit), the rebalance callback closes the transaction before
 * partitions go (nw_txn_close), and produce.c only reports a refused record
 * (r->txn_refused, nw_poison_add); the decisions are all here.
 */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "pipeline/runner_internal.h"

/* exactly_once, before an abort: decides what the retry does. A batch that
 * fails is retried at half the size; once a transaction holds a single
 * message and the failure was its record's own, that message is poisoned
 * (dead-lettered on the retry). One-message transactions failing for other
 * reasons are retried a bounded number of times. */
static void txn_failed(nw_runner_t *r, const char *why)
{
    if (r->txn_messages > 1) {
        r->txn_limit = r->txn_messages / 2;
    } else if (r->txn_messages == 1) {
        if (++r->single_aborts > NW_TXN_RETRY_MAX) {
            nw_runner_fail(r, NW_ERR_FATAL, "%d transactions in a row failed: %s", r->single_aborts,
                           why);
        } else if (r->txn_refused) {
            char reason[256];
            snprintf(reason, sizeof(reason), "the broker refused its record: %s",
                     rd_kafka_err2str(r->txn_refused));
            for (size_t i = 0; i < r->parts.n; i++) {
                nw_part_t *p = r->parts.items[i];
                if (p->txn_start >= 0)
                    nw_poison_add(r, p->topic, p->partition, p->txn_start, reason);
            }
        }
    }
    r->txn_refused = RD_KAFKA_RESP_ERR_NO_ERROR;
}

int nw_txn_begin(nw_runner_t *r)
{
    if (r->txn_open)
        return 0;
    rd_kafka_error_t *e = rd_kafka_begin_transaction(r->producer);
    if (e) {
        int rc = nw_runner_fail(r, NW_ERR_FATAL, "cannot begin a transaction: %s",
                                rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return rc;
    }
    r->txn_open = true;
    r->txn_messages = 0;
    r->txn_bytes = 0;
    return 0;
}

void nw_txn_abort(nw_runner_t *r, const char *why)
{
    nw_log(NW_LOG_WARN, "txn_abort", "aborting the transaction: %s", why);
    txn_failed(r, why);
    rd_kafka_error_t *e = rd_kafka_abort_transaction(r->producer, -1);
    if (e) {
        nw_runner_fail(r, NW_ERR_FATAL, "cannot abort the transaction: %s",
                       rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return;
    }
    /* Put everything back as it was at the last commit: the version stores,
     * the consumer positions and the counters. A batch started while this
     * transaction was committing reads the stores: it finishes first (and
     * is then dropped by the runner). */
    nw_process_quiesce(r->proc);
    rd_kafka_topic_partition_list_t *seek = rd_kafka_topic_partition_list_new((int)r->parts.n);
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        nw_vstore_rollback(p->store);
        if (p->txn_start >= 0) {
            rd_kafka_topic_partition_list_add(seek, p->topic, p->partition)->offset = p->txn_start;
            p->next_offset = p->txn_start;
            p->eof_offset = -1;
            p->txn_start = -1;
        }
    }
    nw_seek_all(r, seek, "after abort");
    memset(&r->txn, 0, sizeof(r->txn));
    nw_held_release(r, false);
    r->total.txn_aborted++;
    nw_txn_produced_flush(r, false);
    nw_publish(r, true);
    r->txn_open = false;
    r->txn_messages = 0;
    r->txn_bytes = 0;
    r->last_commit_ms = nw_now_ms();
}

/* Handles a transactional API error; returns true when the call should be
 * retried. */
static bool txn_error(nw_runner_t *r, rd_kafka_error_t *e, const char *what)
{
    bool retry = false;
    if (rd_kafka_error_is_retriable(e)) {
        nw_log(NW_LOG_WARN, "txn_retry", "%s: %s; retrying", what, rd_kafka_error_string(e));
        retry = true;
    } else if (rd_kafka_error_txn_requires_abort(e)) {
        char why[600];
        snprintf(why, sizeof(why), "%s: %s", what, rd_kafka_error_string(e));
        nw_txn_abort(r, why);
    } else {
        nw_runner_fail(r, NW_ERR_FATAL, "%s: %s", what, rd_kafka_error_string(e));
    }
    rd_kafka_error_destroy(e);
    return retry;
}

int nw_txn_commit(nw_runner_t *r)
{
    /* A run that cannot go on commits nothing: what the open transaction
     * lacks (a record that was not written) must not be skipped. */
    if (r->fatal)
        return r->fatal;
    if (!r->txn_open) {
        r->last_commit_ms = nw_now_ms();
        return 0;
    }
    rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new((int)r->parts.n);
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        if (p->txn_start >= 0)
            rd_kafka_topic_partition_list_add(offsets, p->topic, p->partition)->offset =
                p->next_offset;
    }
    rd_kafka_consumer_group_metadata_t *cgmd = rd_kafka_consumer_group_metadata(r->consumer);
    rd_kafka_error_t *e;
    bool ok = true;
    if (offsets->cnt > 0) {
        while ((e = rd_kafka_send_offsets_to_transaction(r->producer, offsets, cgmd, -1))) {
            if (!txn_error(r, e, "sending offsets to the transaction")) {
                ok = false;
                break;
            }
        }
    }
    rd_kafka_consumer_group_metadata_destroy(cgmd);
    if (ok) {
        while ((e = rd_kafka_commit_transaction(r->producer, -1))) {
            if (!txn_error(r, e, "committing the transaction")) {
                ok = false;
                break;
            }
        }
    }
    if (ok) {
        for (size_t i = 0; i < r->parts.n; i++) {
            nw_part_t *p = r->parts.items[i];
            nw_vstore_commit(p->store);
            if (p->txn_start >= 0)
                p->committed = p->next_offset;
            p->txn_start = -1;
        }
        nw_counters_add(&r->total, &r->txn);
        memset(&r->txn, 0, sizeof(r->txn));
        r->total.txn_committed++;
        if (r->txn_limit > 0)
            r->txn_limit *= 2; /* back towards pipeline.batch.size */
        r->single_aborts = 0;
        r->txn_refused = RD_KAFKA_RESP_ERR_NO_ERROR;
        nw_txn_produced_flush(r, true);
        nw_publish(r, true);
        r->txn_open = false;
        r->txn_messages = 0;
        r->txn_bytes = 0;
        nw_held_release(r, true);
    }
    rd_kafka_topic_partition_list_destroy(offsets);
    r->last_commit_ms = nw_now_ms();
    return r->fatal ? r->fatal : 0;
}

void nw_txn_close(nw_runner_t *r, bool abort, const char *why)
{
    if (!r->txn_open)
        return;
    if (abort)
        nw_txn_abort(r, why);
    else
        nw_txn_commit(r);
}
