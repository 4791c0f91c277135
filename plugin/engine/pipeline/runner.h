/*
 * The stream processor: a consumer-group member that reads input.topics,
 * runs each message through nw_process() with its partition's version store,
 * and writes records, dead letters and changelog updates.
 *
 * Delivery guarantees (processing.guarantee):
 *  - at_least_once: an input offset is committed only after every record
 *    derived from it (and from every earlier message of its partition) is
 *    delivered; a changelog update is produced only after its output record
 *    is delivered, so a crash may repeat a version, never lose one.
 *  - exactly_once: one transactional producer; per batch the output records,
 *    dead letters, changelog updates and the input offsets commit together.
 *    An abortable error aborts, rolls the version stores back and rewinds the
 *    consumer to the batch's first offsets; the retry takes half as many
 *    messages, down to one, and a one-message transaction the broker refused
 *    for its record dead-letters that message (record-too-large).
 *  - at_least_once: a record the broker refuses dead-letters its message
 *    (and those whose records shared its refused batch), read again.
 *  - Either way no offset is committed past a message whose record or dead
 *    letter was not written, records are checked against the topics'
 *    max.message.bytes before they are produced, dead letters are cut to
 *    fit, and the counters count only what is committed or delivered.
 *
 * A partition is paused on assignment until its version store is restored
 * from the state topic's partition of the same number, read by a separate
 * group-less consumer polled from the same loop, so restoring never blocks
 * the partitions already running.
 */
#ifndef NW_RUNNER_H
#define NW_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "pipeline/process.h"

typedef struct nw_counters {
    uint64_t in, emitted, duplicate, stale, rejected;
    uint64_t by_reject[NW_REJECT__COUNT];
    uint64_t txn_committed, txn_aborted;
} nw_counters_t;

typedef struct nw_runner_opts {
    bool exit_at_end;            /* -e: stop once every partition is at its end */
    volatile sig_atomic_t *stop; /* set by a signal handler; required */
    /* Called for each record once it is safely written (after its delivery
     * or its transaction's commit is known): the demo prints them. */
    void (*on_record)(const char *key, const char *value, size_t len, void *opaque);
    void *opaque;
    /* The metrics sink to publish counters, lag, readiness and librdkafka
     * statistics to (may be NULL); borrowed, must outlive the run. */
    const struct nw_sink *metrics;
    /* run --from: where a partition the group has no committed offset for
     * starts (TOPIC:PARTITION:OFFSET or @TIME specs; borrowed). */
    const struct nw_kpos *from;
    size_t n_from;
} nw_runner_opts_t;

/*
 * Runs until *opts->stop is set, or the end with exit_at_end, or a fatal
 * error. Fills *counters (which may be read even after an error). Returns 0
 * after a clean stop, or a negative nw_err_t (NW_ERR_FATAL: fenced or
 * otherwise unrecoverable; NW_ERR_INVALID: configuration or topics).
 */
int nw_runner_run(const nw_config_t *cfg, const nw_runner_opts_t *opts, nw_counters_t *counters,
                  nw_error_t *err);

/* "in=10 emitted=4 duplicate=3 stale=1 rejected=2". */
void nw_counters_format(const nw_counters_t *c, char *out, size_t n);
/* Counts one message's outcome (a forwarded one is not an end: not counted). */
void nw_counters_count(nw_counters_t *c, const nw_outcome_t *o);
/* Adds from's outcome counters to to's. */
void nw_counters_add(nw_counters_t *to, const nw_counters_t *from);

#endif
