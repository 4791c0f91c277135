/*
 * The input partitions this member owns, each with its version store and
 * delivery bookkeeping.
 *
 * At-least-once needs to know, per partition, which input offsets may be
 * committed: an offset is committable once every record derived from it and
 * from every earlier message is delivered. Each processed message gets an
 * nw_inflight_t in its partition's FIFO; delivery reports count its records
 * down, and the committable offset is the first one still waiting.
 */
#ifndef NW_PARTS_H
#define NW_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dedupe/changelog.h"
#include "dedupe/vstore.h"
#include "pipeline/runner.h"

struct nw_part;

typedef struct nw_inflight {
    struct nw_inflight *next;
    struct nw_part *part;
    int64_t offset;
    int pending; /* records produced and not yet delivered */
    /* The message's outcome, counted once it is committable. */
    nw_outcome_kind_t kind;
    nw_reject_t reject;
    bool failed; /* a record could not be delivered */
    /* at_least_once: the changelog update waits for the output record's
     * delivery, so a crash can repeat a version but never lose one. */
    char *changelog_key;
    uint8_t changelog_value[NW_CHANGELOG_VALUE_SIZE];
} nw_inflight_t;

typedef struct nw_part {
    char *topic;
    int32_t partition;
    nw_vstore_t *store;
    bool restoring;     /* paused until its state is read back */
    uint64_t restored;  /* changelog records applied */
    bool restore_sized; /* the store was pre-sized from the state partition's watermarks */
    int64_t restore_started_ms;
    int64_t start_offset; /* where the assignment starts it, or -1 when librdkafka finds it */
    int64_t next_offset;  /* last processed offset + 1, or -1 */
    int64_t committed;    /* last committed offset, or -1 */
    int64_t txn_start;    /* exactly_once: first offset of the open transaction, or -1 */
    /* Where the last partition-EOF event found the end: past any
     * transaction markers, which no message offset ever reaches. */
    int64_t eof_offset;
    nw_inflight_t *head, *tail;
    /* The partition's own message queue, not forwarded to the consumer's:
     * the loop takes from every partition in turn, so that a batch spans
     * the assignment rather than one partition's fetch (owned; NULL when
     * librdkafka gave none, and its messages come through the consumer's
     * queue). */
    struct rd_kafka_queue_s *queue;
} nw_part_t;

typedef struct nw_parts {
    nw_part_t **items;
    size_t n, cap;
} nw_parts_t;

nw_part_t *nw_parts_find(const nw_parts_t *ps, const char *topic, int32_t partition);
/* Adds a partition (restoring, empty store); NULL when out of memory. */
nw_part_t *nw_parts_add(nw_parts_t *ps, const char *topic, int32_t partition);
/* Removes and frees one partition (its FIFO must be drained). */
void nw_parts_remove(nw_parts_t *ps, const char *topic, int32_t partition);
void nw_parts_free(nw_parts_t *ps);

/* Appends a new in-flight entry for offset; NULL when out of memory. */
nw_inflight_t *nw_part_track(nw_part_t *p, int64_t offset);
/* Pops delivered entries, counting their outcomes into count (so counters
 * count only what is delivered); returns the offset that may be committed
 * (the first still pending, or next_offset when none is), or -1 when nothing
 * new. */
int64_t nw_part_committable(nw_part_t *p, nw_counters_t *count);
/* Releases the partition's own queue (before its consumer is destroyed). */
void nw_part_drop_queue(nw_part_t *p);

/* Frees all in-flight entries (on shutdown or a lost assignment). */
void nw_part_drop_inflight(nw_part_t *p);

#endif
