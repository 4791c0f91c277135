/*
 * State shared by the runner's parts: the loop (runner.c), partition
 * assignment and state restore (rebalance.c), producing (produce.c, through
 * output.c), committing (commit.c) and the exactly_once transaction cycle
 * (txn.c). Not a public interface.
 */
#ifndef NW_RUNNER_INTERNAL_H
#define NW_RUNNER_INTERNAL_H

#include <librdkafka/rdkafka.h>

#include "core/clock.h"
#include "pipeline/output.h"
#include "pipeline/parts.h"
#include "pipeline/runner.h"

/* A record held back until its transaction commits (only for on_record). */
typedef struct nw_pending_record {
    struct nw_pending_record *next;
    char *key;
    char *value;
    size_t len;
} nw_pending_record_t;

/* A message whose record (or dead letter) the producer or the broker
 * refused: processed again, it becomes a record-too-large dead letter. */
typedef struct nw_poison {
    char topic[256];
    int32_t partition;
    int64_t offset;
    int hits; /* 2 and more: its dead letter was refused too; send it empty */
    char reason[256];
} nw_poison_t;

/* Poisoned messages remembered at once: a transaction isolates one at a
 * time, so a few suffice. */
#define NW_POISON_MAX 32

/* Transactions in a row that may abort with one message each before the run
 * gives up: a failure that is not the record's own is not worth more. */
#define NW_TXN_RETRY_MAX 8

typedef struct nw_runner {
    const nw_config_t *cfg;
    nw_runner_opts_t opts;
    nw_processor_t *proc;
    rd_kafka_t *consumer;
    rd_kafka_queue_t
        *consumer_q; /* the consumer's queue: events, and messages of no partition queue */
    /* Written to by librdkafka when the consumer's queue or a partition's
     * goes from empty to not (nw_part_t.queue): the loop waits on it. */
    int wake[2];
    rd_kafka_t *producer;
    rd_kafka_t *restore;
    rd_kafka_queue_t *restore_q;   /* where the restore consumer's partitions deliver */
    rd_kafka_topic_t *restore_rkt; /* the state topic, for the restore consumer */
    bool eos;
    const char *out_topic, *dlq_topic, *state_topic;
    char repartition_topic[512]; /* "<group.id>-repartition" */
    int64_t batch_size;
    int64_t batch_bytes; /* pipeline.batch.bytes */
    int64_t commit_interval_ms;
    int input_partitions;

    nw_parts_t parts;
    nw_counters_t total; /* committed (exactly_once) or processed (at_least_once) */
    nw_counters_t txn;   /* exactly_once: counted in the open transaction */
    bool txn_open;
    int64_t txn_messages;
    int64_t txn_bytes; /* exactly_once: input bytes in the open transaction */
    int64_t last_commit_ms;
    nw_pending_record_t *held, **held_tail;

    /* exactly_once: records produced in the open transaction, per topic
     * (output, dead letters, state, repartition); published at commit. */
    uint64_t txn_produced[4];
    bool ever_assigned;
    int64_t last_publish_ms;

    /* The most bytes a record may take on each of the four topics (the
     * topic's max.message.bytes and the producer's message.max.bytes). */
    int64_t limit[4];
    /* exactly_once: a batch that aborts is retried with half its messages,
     * down to one, so the message the broker refuses is isolated; each commit
     * doubles the limit back. 0: pipeline.batch.size. */
    int64_t txn_limit;
    int single_aborts;               /* one-message transactions aborted in a row */
    rd_kafka_resp_err_t txn_refused; /* a record-specific failure in the open transaction */
    bool rewind; /* at_least_once: the broker refused a record; see nw_rewind_refused */
    /* run -e: per repartition partition, one past the last offset this run
     * wrote there (delivered); it must be read back before the run ends. */
    int64_t *repart_end;
    size_t n_repart_end;
    nw_poison_t poison[NW_POISON_MAX];
    size_t n_poison;
    struct nw_batch *batch; /* the batch's items, reused (runner.c) */

    int fatal; /* a negative nw_err_t once the run cannot go on */
    nw_error_t err;
} nw_runner_t;

enum { NW_TOPIC_OUTPUT, NW_TOPIC_DLQ, NW_TOPIC_STATE, NW_TOPIC_REPARTITION };

/* Room left for an output or repartition record's headers. */
#define NW_HEADER_ROOM 1024
/* Counts a record produced to one of the four topics for the metrics. */
void nw_count_produced(nw_runner_t *r, int which);
/* exactly_once: publishes (on commit) or forgets (on abort) what the
 * transaction produced. */
void nw_txn_produced_flush(nw_runner_t *r, bool publish);
/* Publishes counters, readiness and lag to the metrics registry. */
void nw_publish(nw_runner_t *r, bool force);

/* The batch size in force: pipeline.batch.size, or less after aborts. */
int64_t nw_batch_limit(const nw_runner_t *r);
/* Whether a produce error is the record's own (too large, invalid) rather
 * than the cluster's: such a record becomes a dead letter. */
bool nw_err_is_record_specific(rd_kafka_resp_err_t e);
/* Remembers a refused message (see nw_poison_t). */
void nw_poison_add(nw_runner_t *r, const char *topic, int32_t partition, int64_t offset,
                   const char *reason);
nw_poison_t *nw_poison_find(nw_runner_t *r, const char *topic, int32_t partition, int64_t offset);

/* at_least_once, after the broker refused a record: commits what is
 * delivered before it, then rewinds each such partition to its refused
 * message, which is read again and dead-lettered (what follows it is read
 * again too: at_least_once may repeat). */
void nw_rewind_refused(nw_runner_t *r);

/* Gives p a queue of its own (not forwarded to the consumer's) that wakes
 * the loop (runner.c). */
void nw_part_open_queue(nw_runner_t *r, nw_part_t *p);

/* rebalance.c */
void nw_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e, rd_kafka_topic_partition_list_t *parts,
                     void *opaque);
/* Drains the restore consumer for up to a time slice, waiting up to wait_ms
 * for the first record when a partition is restoring; resumes partitions
 * whose state is complete. Returns whether any partition is still restoring. */
bool nw_restore_poll(nw_runner_t *r, int wait_ms);
/* Stops reading every state partition (teardown). */
void nw_restore_stop_all(nw_runner_t *r);

/* produce.c */
/* Produces what one outcome needs (record, dead letter, changelog).
 * Returns 0, or a negative nw_err_t: with r->fatal set the run stops;
 * without, exactly_once must abort the transaction (the producer refused the
 * record: the message is poisoned and dead-lettered on the retry). */
int nw_produce_outcome(nw_runner_t *r, nw_part_t *part, const rd_kafka_message_t *in,
                       const nw_input_t *origin, nw_outcome_t *o);
/* Stage one for an unkeyed message: forwards its original bytes to the
 * repartition topic, keyed by article id, with a newswire-origin header. */
int nw_produce_forward(nw_runner_t *r, nw_part_t *part, const rd_kafka_message_t *in,
                       const char *article_id);
void nw_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque);
void nw_held_release(nw_runner_t *r, bool deliver);

/* commit.c */
/* at_least_once: commits what is delivered (sync waits for the broker).
 * exactly_once: commits the open transaction (nw_txn_commit). */
int nw_commit(nw_runner_t *r, bool sync);
/* Moves the consumer to the offsets in seek (which it destroys); a partition
 * that cannot be rewound fails the run, since reading on from where it is
 * would skip messages that have no record yet. */
void nw_seek_all(nw_runner_t *r, rd_kafka_topic_partition_list_t *seek, const char *why);

/* txn.c: the exactly_once transaction cycle */
/* Begins a transaction if none is open. */
int nw_txn_begin(nw_runner_t *r);
/* Sends the consumed offsets and commits the open transaction; nothing to do
 * when none is open. Returns 0 or the run's fatal code. */
int nw_txn_commit(nw_runner_t *r);
/* Aborts, rolls back the stores, rewinds the consumer, halves the batch. */
void nw_txn_abort(nw_runner_t *r, const char *why);
/* Before partitions go: aborts the open transaction (abort, for why) or
 * commits it; nothing when none is open. */
void nw_txn_close(nw_runner_t *r, bool abort, const char *why);
/* Fails the run with a message; returns the code. */
int nw_runner_fail(nw_runner_t *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
