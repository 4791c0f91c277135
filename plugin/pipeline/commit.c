/*
 * Committing progress.
 *
 * at_least_once: each partition's committable offset (see parts.h) goes to
 * the group coordinator; asynchronously on the regular interval, and
 * synchronously on revocation and shutdown, when it must land before the
 * partition moves on.
 *
 * exactly_once: the consumed positions are sent to the open transaction with
 * the consumer's group metadata and the transaction is committed. Errors are
 * handled by class, as librdkafka documents them: retriable is retried,
 * abortable aborts the transaction and rewinds, anything else is fatal.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/clock.h"
#include "ops/metrics.h"
#include "pipeline/runner_internal.h"

int nw_runner_fail(nw_runner_t *r, int code, const char *fmt, ...)
{
    if (r->fatal)
        return r->fatal; /* keep the first cause */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err.msg, sizeof(r->err.msg), fmt, ap);
    va_end(ap);
    r->err.code = code;
    r->fatal = code;
    nw_log(NW_LOG_ERROR, "fatal", "%s", r->err.msg);
    return code;
}

int64_t nw_batch_limit(const nw_runner_t *r)
{
    return r->txn_limit > 0 && r->txn_limit < r->batch_size ? r->txn_limit : r->batch_size;
}

bool nw_err_is_record_specific(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
        return true;
    default:
        return false;
    }
}

nw_poison_t *nw_poison_find(nw_runner_t *r, const char *topic, int32_t partition, int64_t offset)
{
    for (size_t i = 0; i < r->n_poison && i < NW_POISON_MAX; i++) {
        nw_poison_t *p = &r->poison[i];
        if (p->offset == offset && p->partition == partition && strcmp(p->topic, topic) == 0)
            return p;
    }
    return NULL;
}

void nw_poison_add(nw_runner_t *r, const char *topic, int32_t partition, int64_t offset,
                   const char *reason)
{
    nw_poison_t *p = nw_poison_find(r, topic, partition, offset);
    if (!p) {
        /* Oldest first out: an old entry's message is long committed. */
        p = &r->poison[r->n_poison++ % NW_POISON_MAX];
        memset(p, 0, sizeof(*p));
        snprintf(p->topic, sizeof(p->topic), "%s", topic);
        p->partition = partition;
        p->offset = offset;
        snprintf(p->reason, sizeof(p->reason), "%s", reason);
    }
    p->hits++;
    nw_log(NW_LOG_WARN, "record_refused",
           "%s/%" PRId32 "/%" PRId64 ": %s; it goes to the dead "
           "letters",
           topic, partition, offset, reason);
}

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

static int commit_delivered(nw_runner_t *r, bool sync)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)r->parts.n);
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        /* No rollback in this mode: keep the journal from growing. */
        nw_vstore_commit(p->store);
        int64_t at = nw_part_committable(p, &r->total);
        if (at >= 0)
            rd_kafka_topic_partition_list_add(list, p->topic, p->partition)->offset = at;
    }
    int rc = 0;
    if (list->cnt > 0) {
        rd_kafka_resp_err_t e = rd_kafka_commit(r->consumer, list, sync ? 0 : 1);
        if (e && sync) {
            nw_log(NW_LOG_WARN, "commit_failed", "%s", rd_kafka_err2str(e));
            rc = NW_ERR_KAFKA;
        } else {
            /* An async commit that fails is retried by the next one, which
             * carries the same or a later offset. */
            for (int i = 0; i < list->cnt; i++) {
                nw_part_t *p =
                    nw_parts_find(&r->parts, list->elems[i].topic, list->elems[i].partition);
                if (p)
                    p->committed = list->elems[i].offset;
            }
        }
    }
    rd_kafka_topic_partition_list_destroy(list);
    r->last_commit_ms = nw_now_ms();
    return rc;
}

/* Moves the consumer to the offsets in seek (which it destroys); a partition
 * that cannot be rewound fails the run, since reading on from where it is
 * would skip messages that have no record yet. */
static void seek_all(nw_runner_t *r, rd_kafka_topic_partition_list_t *seek, const char *why)
{
    if (seek->cnt > 0) {
        rd_kafka_error_t *e = rd_kafka_seek_partitions(r->consumer, seek, 10000);
        if (e) {
            nw_runner_fail(r, NW_ERR_FATAL, "cannot rewind %s: %s", why, rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
        }
        for (int i = 0; i < seek->cnt; i++)
            if (seek->elems[i].err)
                nw_runner_fail(r, NW_ERR_FATAL, "cannot rewind %s [%" PRId32 "]: %s",
                               seek->elems[i].topic, seek->elems[i].partition,
                               rd_kafka_err2str(seek->elems[i].err));
    }
    rd_kafka_topic_partition_list_destroy(seek);
}

void nw_rewind_refused(nw_runner_t *r)
{
    r->rewind = false;
    /* Every delivery report first: the entries are about to go. */
    if (rd_kafka_flush(r->producer, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        nw_runner_fail(r, NW_ERR_KAFKA, "records still undelivered after 30 s");
        return;
    }
    nw_commit(r, true);
    rd_kafka_topic_partition_list_t *seek = rd_kafka_topic_partition_list_new((int)r->parts.n);
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        /* After the commit the head is the first failed entry, if any. */
        if (!p->head || !p->head->failed)
            continue;
        int64_t at = p->head->offset;
        nw_part_drop_inflight(p);
        rd_kafka_topic_partition_list_add(seek, p->topic, p->partition)->offset = at;
        p->next_offset = at;
        p->eof_offset = -1;
    }
    seek_all(r, seek, "to a refused record");
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
     * the consumer positions and the counters. */
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
    seek_all(r, seek, "after abort");
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

static int commit_txn(nw_runner_t *r)
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
        r->txn_bytes = 0;
        nw_held_release(r, true);
    }
    rd_kafka_topic_partition_list_destroy(offsets);
    r->last_commit_ms = nw_now_ms();
    return r->fatal ? r->fatal : 0;
}

int nw_commit(nw_runner_t *r, bool sync)
{
    if (r->eos)
        return commit_txn(r);
    return commit_delivered(r, sync);
}
