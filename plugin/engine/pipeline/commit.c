/*
 * Committing progress.
 *
 * at_least_once: each partition's committable offset (see parts.h) goes to
 * the group coordinator; asynchronously on the regular interval, and
 * synchronously on revocation and shutdown, when it must land before the
 * partition moves on.
 *
 * exactly_once: nw_commit() commits the open transaction (pipeline/txn.c,
 * which owns the transaction cycle).
 *
 * Also the rewinds both modes share, and the run's small common helpers.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/clock.h"
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

void nw_seek_all(nw_runner_t *r, rd_kafka_topic_partition_list_t *seek, const char *why)
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
    nw_seek_all(r, seek, "to a refused record");
}

int nw_commit(nw_runner_t *r, bool sync)
{
    if (r->eos)
        return nw_txn_commit(r);
    return commit_delivered(r, sync);
}
