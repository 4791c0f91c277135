/*
 * Partition assignment, revocation and state restore.
 *
 * Assignment (cooperative, incremental): the new partitions are assigned and
 * at once paused; the restore consumer is assigned the state topic's
 * partitions of the same numbers from the beginning. When it reaches the end
 * of one (partition EOF, which with read_committed means the last stable
 * offset), the store is complete and the input partition resumes from its
 * committed offset. Nothing here blocks the loop, so partitions already
 * running keep running during a restore.
 *
 * Revocation: progress is committed first (at_least_once: after every
 * in-flight record is delivered; exactly_once: the open transaction), unless
 * the assignment was lost, in which case another member may already own the
 * partitions: at_least_once commits nothing, exactly_once aborts.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/sink.h"
#include "kafka/kfail.h"
#include "kafka/kpos.h"
#include "pipeline/runner_internal.h"

static bool restoring_index(const nw_runner_t *r, int32_t partition, const nw_part_t *except)
{
    for (size_t i = 0; i < r->parts.n; i++) {
        const nw_part_t *p = r->parts.items[i];
        if (p != except && p->restoring && p->partition == partition)
            return true;
    }
    return false;
}

/* Starts or stops reading one state partition, from its beginning. */
static void restore_assign(nw_runner_t *r, int32_t partition, bool add)
{
    if (!add) {
        rd_kafka_consume_stop(r->restore_rkt, partition);
        return;
    }
    if (rd_kafka_consume_start_queue(r->restore_rkt, partition, RD_KAFKA_OFFSET_BEGINNING,
                                     r->restore_q) == -1)
        nw_runner_fail(r, NW_ERR_KAFKA, "state topic %s [%" PRId32 "]: %s", r->state_topic,
                       partition, rd_kafka_err2str(rd_kafka_last_error()));
}

void nw_restore_stop_all(nw_runner_t *r)
{
    for (size_t i = 0; r->restore_rkt && i < r->parts.n; i++) {
        const nw_part_t *p = r->parts.items[i];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = !(r->parts.items[j]->restoring && r->parts.items[j]->partition == p->partition);
        if (p->restoring && first)
            restore_assign(r, p->partition, false);
    }
}

/* The logical offset auto.offset.reset names (earliest or latest), else
 * RD_KAFKA_OFFSET_INVALID (error, or unknown). */
static int64_t reset_offset(rd_kafka_t *rk)
{
    char v[32];
    size_t n = sizeof(v);
    if (rd_kafka_conf_get(rd_kafka_conf(rk), "auto.offset.reset", v, &n) != RD_KAFKA_CONF_OK)
        return RD_KAFKA_OFFSET_INVALID;
    if (!strcmp(v, "smallest") || !strcmp(v, "earliest") || !strcmp(v, "beginning"))
        return RD_KAFKA_OFFSET_BEGINNING;
    if (!strcmp(v, "largest") || !strcmp(v, "latest") || !strcmp(v, "end"))
        return RD_KAFKA_OFFSET_END;
    return RD_KAFKA_OFFSET_INVALID;
}

/* A partition that nothing was ever committed for starts where
 * auto.offset.reset says, looked up here (one request for the assignment)
 * and given to the assignment as an offset. Left to librdkafka, the missing
 * commit counts as an error and the lookup waits a 100 ms back-off, and a
 * logical offset (BEGINNING) is looked up only after the pause that follows
 * the assignment, which outdates the answer and waits 500 ms more: every
 * new group paid one or the other before its first message. Whatever is
 * not found here is left to librdkafka as before. */
static void start_fresh(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts,
                        const rd_kafka_topic_partition_list_t *committed)
{
    int64_t reset = reset_offset(rk);
    if (reset == RD_KAFKA_OFFSET_INVALID)
        return;
    rd_kafka_topic_partition_list_t *ask = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].offset == RD_KAFKA_OFFSET_INVALID && !committed->elems[i].err &&
            committed->elems[i].offset == RD_KAFKA_OFFSET_INVALID)
            /* ListOffsets takes BEGINNING (-2) and END (-1) as times. */
            rd_kafka_topic_partition_list_add(ask, parts->elems[i].topic, parts->elems[i].partition)
                ->offset = reset;
    if (ask->cnt > 0 && rd_kafka_offsets_for_times(rk, ask, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR)
        for (int i = 0; i < ask->cnt; i++) {
            rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(
                parts, ask->elems[i].topic, ask->elems[i].partition);
            if (tp && !ask->elems[i].err && ask->elems[i].offset >= 0)
                tp->offset = ask->elems[i].offset;
        }
    rd_kafka_topic_partition_list_destroy(ask);
}

/* True when a lookup of committed offsets met a commit that is still part
 * of an open transaction (UNSTABLE_OFFSET_COMMIT), for the request or for
 * a partition. */
static bool any_unstable(rd_kafka_resp_err_t e, const rd_kafka_topic_partition_list_t *committed)
{
    if (e == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT)
        return true;
    for (int i = 0; !e && i < committed->cnt; i++)
        if (committed->elems[i].err == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT)
            return true;
    return false;
}

/*
 * The group's committed offsets of the assignment, once they are stable:
 * true when committed holds them (each partition's offset, INVALID when
 * the group never committed one), false when they could not be had.
 *
 * A partition's last commit can still be inside an open transaction: its
 * previous owner was committing when the partition moved, or died between
 * sending its offsets and ending the transaction, which the broker then
 * aborts only at the transaction's timeout. Until then the broker answers
 * UNSTABLE_OFFSET_COMMIT. librdkafka retries that answer a few times and
 * then, for an assignment, starts the partition as if nothing had ever
 * been committed, at auto.offset.reset: everything before the previous
 * owner's last commit would be processed again (its dead letters written
 * twice). So the answer is waited for here, and the assignment is given the
 * offsets explicitly; the partitions' state restores wait on the same
 * transaction anyway.
 */
static bool committed_stable(nw_runner_t *r, rd_kafka_t *rk,
                             rd_kafka_topic_partition_list_t *committed)
{
    int64_t start = nw_now_ms(), told = start;
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_committed(rk, committed, 10000);
        if (!any_unstable(e, committed))
            return e == RD_KAFKA_RESP_ERR_NO_ERROR;
        if (*r->opts.stop || r->fatal)
            return false;
        int64_t now = nw_now_ms();
        if (now - told >= 10000) {
            nw_log(NW_LOG_WARN, "offsets_unstable",
                   "waiting %" PRId64 " s for committed offsets still in an open transaction "
                   "(a previous owner's, aborted by the broker at its transaction timeout)",
                   (now - start) / 1000);
            told = now;
        }
        for (int i = 0; i < committed->cnt; i++) {
            committed->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
            committed->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
        }
        struct timespec pause = {0, 200 * 1000 * 1000}; /* the broker's answer changes only
                                                         * when the transaction ends */
        nanosleep(&pause, NULL);
    }
}

/* Gives each partition with a committed offset that offset, so that the
 * assignment starts there without looking it up again. */
static void start_committed(rd_kafka_topic_partition_list_t *parts,
                            const rd_kafka_topic_partition_list_t *committed)
{
    for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].offset == RD_KAFKA_OFFSET_INVALID && !committed->elems[i].err &&
            committed->elems[i].offset >= 0)
            parts->elems[i].offset = committed->elems[i].offset;
}

/* run --from: a partition the group has never committed starts at the
 * given offset, or at the first message at or after the given time. */
static void start_positions(nw_runner_t *r, rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts,
                            const rd_kafka_topic_partition_list_t *committed)
{
    rd_kafka_topic_partition_list_t *times = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; i < parts->cnt; i++) {
        rd_kafka_topic_partition_t *tp = &parts->elems[i];
        if (committed->elems[i].offset >= 0 || strcmp(tp->topic, r->repartition_topic) == 0)
            continue;
        for (size_t j = 0; j < r->opts.n_from; j++) {
            const nw_kpos_t *f = &r->opts.from[j];
            if (f->kind == NW_KPOS_AT_OFFSET && f->partition == tp->partition &&
                strcmp(f->topic, tp->topic) == 0)
                tp->offset = f->offset;
            else if (f->kind == NW_KPOS_AT_TIME && tp->offset < 0)
                rd_kafka_topic_partition_list_add(times, tp->topic, tp->partition)->offset =
                    f->time_ms;
        }
    }
    if (times->cnt > 0) {
        rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk, times, 10000);
        if (e)
            nw_log(NW_LOG_WARN, "from_time",
                   "offsets for times: %s; starting per "
                   "auto.offset.reset",
                   rd_kafka_err2str(e));
        for (int i = 0; !e && i < times->cnt; i++) {
            rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(
                parts, times->elems[i].topic, times->elems[i].partition);
            if (tp && !times->elems[i].err)
                tp->offset =
                    times->elems[i].offset >= 0 ? times->elems[i].offset : RD_KAFKA_OFFSET_END;
        }
    }
    for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].offset >= 0 || parts->elems[i].offset == RD_KAFKA_OFFSET_END)
            nw_log(NW_LOG_INFO, "start_position", "%s [%" PRId32 "]: starting at %s%" PRId64,
                   parts->elems[i].topic, parts->elems[i].partition,
                   parts->elems[i].offset == RD_KAFKA_OFFSET_END ? "the end " : "offset ",
                   parts->elems[i].offset == RD_KAFKA_OFFSET_END ? (int64_t)0
                                                                 : parts->elems[i].offset);
    rd_kafka_topic_partition_list_destroy(times);
}

/* Ends the restore of every partition whose state is state partition
 * `partition`: they start processing. fetching: the state partition was
 * being read. */
static void finish_restore(nw_runner_t *r, int32_t partition, bool fetching)
{
    /* A resume does not wake the consumer's broker thread: the first fetch
     * after a restore would wait for it to wake of its own accord, up to a
     * second. A seek to where the partition starts (nothing of it was
     * consumed while it was paused) wakes it. Asynchronous; a partition
     * whose start librdkafka finds itself is left to its resume, and one
     * that was never paused (no state to restore) is fetching already. */
    rd_kafka_topic_partition_list_t *resume = rd_kafka_topic_partition_list_new(2);
    rd_kafka_topic_partition_list_t *seek = rd_kafka_topic_partition_list_new(2);
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        if (!p->restoring || p->partition != partition)
            continue;
        p->restoring = false;
        nw_vstore_commit(p->store);
        rd_kafka_topic_partition_list_add(resume, p->topic, p->partition);
        if (fetching && p->start_offset >= 0)
            rd_kafka_topic_partition_list_add(seek, p->topic, p->partition)->offset =
                p->start_offset;
        nw_log(NW_LOG_INFO, "restored",
               "%s [%" PRId32 "]: %" PRIu64 " changelog records, %zu articles, %" PRId64 " ms",
               p->topic, p->partition, p->restored, nw_vstore_count(p->store),
               nw_now_ms() - p->restore_started_ms);
    }
    if (fetching)
        restore_assign(r, partition, false);
    if (resume->cnt > 0)
        rd_kafka_resume_partitions(r->consumer, resume);
    rd_kafka_error_t *e = seek->cnt > 0 ? rd_kafka_seek_partitions(r->consumer, seek, 0) : NULL;
    if (e)
        rd_kafka_error_destroy(e);
    rd_kafka_topic_partition_list_destroy(seek);
    rd_kafka_topic_partition_list_destroy(resume);
}

/* A state partition with no record to restore, as its watermarks tell (a
 * request; read_committed, the end is the last stable offset): a fresh
 * group's, say. Such a partition starts at once instead of after a fetch
 * that could only report its end. */
static bool state_empty(nw_runner_t *r, int32_t partition)
{
    int64_t lo = -1, hi = -1;
    return rd_kafka_query_watermark_offsets(r->restore, r->state_topic, partition, &lo, &hi,
                                            5000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
           lo >= 0 && hi <= lo;
}

static void on_assign(nw_runner_t *r, rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts)
{
    for (int i = 0; i < parts->cnt; i++) {
        if (parts->elems[i].partition >= r->input_partitions) {
            nw_runner_fail(r, NW_ERR_INVALID,
                           "%s [%" PRId32 "] has no state partition: %s has %d partitions",
                           parts->elems[i].topic, parts->elems[i].partition, r->state_topic,
                           r->input_partitions);
            return;
        }
    }
    /* Where each partition starts, so -e can tell when it is at its end,
     * and so that run --from only moves partitions without progress: one
     * request for the whole assignment. Unknown, -e waits for a processed
     * message instead. */
    rd_kafka_topic_partition_list_t *committed = rd_kafka_topic_partition_list_copy(parts);
    bool known = committed_stable(r, rk, committed);
    if (r->opts.n_from > 0 && known)
        start_positions(r, rk, parts, committed);
    if (known) {
        start_fresh(rk, parts, committed);
        start_committed(parts, committed);
    }
    /* Only the partitions with state to restore are paused. One whose state
     * partition is empty (a fresh group's) starts at once: paused and then
     * resumed, its first fetch waited until the consumer's broker thread
     * woke of its own accord, up to a second later, as a resume does not
     * wake it. */
    bool *fresh = calloc((size_t)parts->cnt + 1, sizeof(*fresh));
    rd_kafka_topic_partition_list_t *hold = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; fresh && i < parts->cnt; i++) {
        int32_t idx = parts->elems[i].partition;
        int same = 0; /* an earlier partition of the same state partition */
        while (same < i && parts->elems[same].partition != idx)
            same++;
        fresh[i] = !restoring_index(r, idx, NULL) && (same < i ? fresh[same] : state_empty(r, idx));
        if (!fresh[i])
            rd_kafka_topic_partition_list_add(hold, parts->elems[i].topic, idx);
    }
    rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);
    if (e || !fresh) {
        nw_runner_fail(r, e ? NW_ERR_KAFKA : NW_ERR_NOMEM, "assign: %s",
                       e ? rd_kafka_error_string(e) : "out of memory");
        if (e)
            rd_kafka_error_destroy(e);
        rd_kafka_topic_partition_list_destroy(hold);
        rd_kafka_topic_partition_list_destroy(committed);
        free(fresh);
        return;
    }
    if (hold->cnt > 0)
        rd_kafka_pause_partitions(rk, hold);
    rd_kafka_topic_partition_list_destroy(hold);
    for (int i = 0; i < parts->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &parts->elems[i];
        bool restore_running = restoring_index(r, tp->partition, NULL);
        nw_part_t *p = nw_parts_add(&r->parts, tp->topic, tp->partition);
        if (!p) {
            nw_runner_fail(r, NW_ERR_NOMEM, "out of memory");
            break;
        }
        p->restore_started_ms = nw_now_ms();
        p->start_offset = tp->offset >= 0 ? tp->offset : -1;
        nw_part_open_queue(r, p);
        if (known && committed->elems[i].offset >= 0)
            p->committed = committed->elems[i].offset;
        nw_log(NW_LOG_INFO, "assigned", "%s [%" PRId32 "]: restoring state from %s", tp->topic,
               tp->partition, r->state_topic);
        if (!restore_running) {
            if (fresh[i])
                finish_restore(r, tp->partition, false);
            else
                restore_assign(r, tp->partition, true);
        }
    }
    free(fresh);
    rd_kafka_topic_partition_list_destroy(committed);
}

static void on_revoke(nw_runner_t *r, rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts)
{
    bool lost = rd_kafka_assignment_lost(rk);
    if (!r->eos) {
        /* Delivery reports refer to in-flight entries: serve them all before
         * the entries go away, lost or not. */
        rd_kafka_flush(r->producer, 30000);
        if (!lost && !r->fatal)
            nw_commit(r, true);
    } else {
        nw_txn_close(r, lost || r->fatal, lost ? "assignment lost" : "stopping after an error");
    }
    for (int i = 0; i < parts->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &parts->elems[i];
        nw_part_t *p = nw_parts_find(&r->parts, tp->topic, tp->partition);
        if (!p)
            continue;
        if (p->restoring && !restoring_index(r, p->partition, p))
            restore_assign(r, p->partition, false);
        nw_parts_remove(&r->parts, tp->topic, tp->partition);
        nw_sink_partition_remove(r->opts.metrics, tp->topic, tp->partition);
        nw_log(NW_LOG_INFO, lost ? "lost" : "revoked", "%s [%" PRId32 "]", tp->topic,
               tp->partition);
    }
    rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);
    if (e) {
        nw_log(NW_LOG_WARN, "unassign_failed", "%s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
}

void nw_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e, rd_kafka_topic_partition_list_t *parts,
                     void *opaque)
{
    nw_runner_t *r = opaque;
    if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
        on_assign(r, rk, parts);
    else if (e == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
        on_revoke(r, rk, parts);
    else
        nw_runner_fail(r, NW_ERR_KAFKA, "rebalance: %s", rd_kafka_err2str(e));
}

/* Most entries a store is pre-sized for from the watermarks: the records
 * between them can outnumber the articles many times over until compaction
 * runs, and a larger store still grows as it needs to. */
#define NW_RESTORE_RESERVE_MAX ((int64_t)1 << 23)

/* At a partition's first changelog record the fetch has reported its
 * watermarks (cached, no request): sizing the store for that many records
 * spares the rehashes and reallocations of growing it a record at a time. */
static void presize(nw_runner_t *r, nw_part_t *p, int32_t partition)
{
    int64_t lo = -1, hi = -1;
    p->restore_sized = true;
    if (rd_kafka_get_watermark_offsets(r->restore, r->state_topic, partition, &lo, &hi) || lo < 0 ||
        hi <= lo)
        return;
    int64_t n = hi - lo < NW_RESTORE_RESERVE_MAX ? hi - lo : NW_RESTORE_RESERVE_MAX;
    int rc = nw_vstore_reserve(p->store, (size_t)n);
    nw_log(NW_LOG_DEBUG, "restore_presize",
           "%s [%" PRId32 "]: store sized for %" PRId64 " entries (state offsets %" PRId64
           "..%" PRId64 ")",
           p->topic, p->partition, n, lo, hi);
    if (rc < 0)
        nw_log(NW_LOG_WARN, "restore_presize",
               "%s [%" PRId32 "]: no memory to pre-size the store for %" PRId64
               " entries; it grows instead",
               p->topic, p->partition, n);
}

static void apply(nw_runner_t *r, const rd_kafka_message_t *m)
{
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        if (!p->restoring || p->partition != m->partition)
            continue;
        if (!p->restore_sized)
            presize(r, p, m->partition);
        nw_error_t err = {0};
        if (nw_vstore_apply_changelog(p->store, m->key, m->key_len, m->payload, m->len, &err) < 0)
            nw_log(NW_LOG_WARN, "bad_changelog_record",
                   "%s [%" PRId32 "] offset %" PRId64 ": %s (skipped)", r->state_topic,
                   m->partition, m->offset, err.msg);
        else
            p->restored++;
    }
}

/* How long one call may apply changelog records: long enough that a restore
 * runs at the store's speed rather than the loop's, short enough that the
 * partitions already running, delivery reports and commits are served
 * between slices. */
#define NW_RESTORE_SLICE_MS 100
/* Records taken from the restore queue at once. */
#define NW_RESTORE_BATCH 1024

bool nw_restore_poll(nw_runner_t *r, int wait_ms)
{
    rd_kafka_message_t *msgs[NW_RESTORE_BATCH];
    bool restoring = false;
    for (size_t i = 0; i < r->parts.n && !restoring; i++)
        restoring = r->parts.items[i]->restoring;
    int64_t start = nw_now_ms();
    /* Nothing restoring: only leftovers of a stopped partition can come. */
    int wait = restoring ? wait_ms : 0;
    for (;;) {
        ssize_t n = rd_kafka_consume_batch_queue(r->restore_q, wait, msgs, NW_RESTORE_BATCH);
        wait = 0;
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
                finish_restore(r, m->partition, true);
            else if (m->err) {
                nw_log(NW_LOG_WARN, "restore_error", "%s", rd_kafka_message_errstr(m));
                nw_kfail_note_message(r->restore, m);
            } else
                apply(r, m);
            rd_kafka_message_destroy(m);
        }
        if (n < NW_RESTORE_BATCH || nw_now_ms() - start >= NW_RESTORE_SLICE_MS)
            break;
    }
    int64_t limit = nw_config_get_int(r->cfg, "state.restore.timeout.ms");
    int64_t now = nw_now_ms();
    restoring = false;
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        restoring = restoring || p->restoring;
        if (p->restoring && now - p->restore_started_ms > limit)
            nw_runner_fail(r, NW_ERR_KAFKA,
                           "restoring %s [%" PRId32 "] from %s took longer than "
                           "state.restore.timeout.ms (%" PRId64 " ms)",
                           p->topic, p->partition, r->state_topic, limit);
    }
    return restoring;
}
