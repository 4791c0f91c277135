/*
 * Input messages through decode, parse, identify, dedupe, enrich and encode.
 *
 * This is the pipeline's pure core: no Kafka, no I/O of its own (enrichers
 * may call HTTP services). The runner hands it a batch of consumed messages,
 * each with the version store of its partition, and gets back each one's
 * outcome: the record to emit (and the changelog value that records it), a
 * duplicate, a stale version, a rejection with its stable code, or, for an
 * unkeyed message in the first stage, the article id to re-key it by. Every
 * message ends as exactly one of emitted, duplicate, stale or rejected, which
 * is the accounting identity the runner counts.
 *
 * Why batches: enrichers that wait on a service (HTTP) overlap their waits
 * across the records of a batch, and a batch's partitions are processed on
 * several threads at once (processing.threads). Dedupe stays strictly
 * sequential per version store: the items that share a store (or an origin
 * partition) stay on one thread in batch order, so outcomes are decided
 * exactly as if each message were processed alone, whatever the threads.
 */
#ifndef NW_PROCESS_H
#define NW_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "dedupe/changelog.h"
#include "dedupe/vstore.h"
#include "newswire/article.h"

typedef enum nw_outcome_kind {
    NW_OUTCOME_EMITTED = 0,
    NW_OUTCOME_DUPLICATE,
    NW_OUTCOME_STALE,
    NW_OUTCOME_REJECTED,
    NW_OUTCOME_FORWARD, /* stage one: re-key by article_id, not yet counted */
    NW_OUTCOME__COUNT
} nw_outcome_kind_t;

/* A consumed message, borrowed for the duration of the call. */
typedef struct nw_input {
    const char *topic; /* NULL for a file (newswire parse) */
    int32_t partition;
    int64_t offset;
    const void *key; /* NULL when the message has no key */
    size_t key_len;
    const void *value; /* NULL for a tombstone */
    size_t value_len;
    /* Where the message first entered newswire, when it came through the
     * repartition topic: records and dead letters name this origin. NULL
     * origin_topic means the message is its own origin. */
    const char *origin_topic;
    int32_t origin_partition;
    int64_t origin_offset;
    /* The Kafka message's timestamp (create or log-append time; a re-keyed
     * message keeps its origin's): the `received` date fallback. */
    bool has_timestamp;
    int64_t timestamp_ms;
    const char *file;   /* newswire parse: the input's file name */
    const char *source; /* newswire parse --source: the source name */
} nw_input_t;

typedef struct nw_outcome {
    nw_outcome_kind_t kind;
    char *article_id; /* owned; NULL when rejected before identification */
    char *record;     /* owned; the serialised record when EMITTED */
    size_t record_len;
    unsigned version;                           /* the emitted version number, or the stored one */
    uint8_t changelog[NW_CHANGELOG_VALUE_SIZE]; /* EMITTED: the state-topic value */
    nw_error_t error;                           /* REJECTED: reject code and message */
} nw_outcome_t;

struct nw_work; /* private per-item state */

/* One message of a batch. The caller fills in, store and identify_only. */
typedef struct nw_item {
    nw_input_t in;
    nw_vstore_t *store; /* the message's partition's version store */
    bool identify_only; /* stage one for unkeyed input: FORWARD or REJECTED */
    /* The most bytes a record's key plus value may take (what the output
     * topic and the producer accept, less room for headers); 0 for no
     * limit. A larger record is REJECTED as record-too-large. */
    size_t max_record;
    /* Set when the broker refused this message's record before (borrowed):
     * the message is REJECTED as record-too-large with this reason, and no
     * version is stored. */
    const char *refused;
    nw_outcome_t out; /* filled by nw_process_batch() */
    struct nw_work *work;
} nw_item_t;

typedef struct nw_processor nw_processor_t;

/* Reads parse.*, output.format, the zone overrides and the enrichers from
 * cfg (loading enricher plugins). */
int nw_processor_new(const nw_config_t *cfg, nw_processor_t **out, nw_error_t *err);
void nw_processor_free(nw_processor_t *p); /* accepts NULL */

struct nw_sink;
/* Enrichment durations and breaker states go to the metrics sink m
 * (borrowed; may be NULL). */
void nw_processor_set_metrics(nw_processor_t *p, const struct nw_sink *m);

/* newswire replay: every record built from now on carries the marker
 * "replay": {"state": state} in its newswire extension, right after
 * "source". state ("fresh" or "live") is borrowed and must outlive p; NULL
 * removes the marker. */
void nw_processor_set_replay(nw_processor_t *p, const char *state);

/*
 * Processes n items in order: each store's items in batch order, distinct
 * stores possibly at once on the processor's threads (one batch at a time
 * per processor; the call returns when all are done). On EMITTED the item's store already holds the
 * new version (journaled, so a transaction abort can roll it back). Returns
 * 0 with every item's out filled (clear each with nw_outcome_clear), or a
 * negative nw_err_t for a failure of the program rather than the input (out
 * of memory), after which no outcome is valid.
 */
int nw_process_batch(nw_processor_t *p, nw_item_t *items, size_t n, nw_error_t *err);

/*
 * nw_process_batch() in two halves, so that the caller can do something
 * else meanwhile (exactly_once: commit the previous transaction). start
 * does everything that does not change a version store (parsing, building
 * records, the stateless enrichers), in the background when background is
 * set and processing.threads is above 1, else there and then; finish waits
 * for it and does the rest, with nw_process_batch()'s result. items
 * (borrowed) must stay put until then. Or abandon: the batch is dropped,
 * nothing stored and every outcome cleared (the caller reads its messages
 * again). One batch at a time per processor; start's failure needs neither.
 */
int nw_process_start(nw_processor_t *p, nw_item_t *items, size_t n, bool background,
                     nw_error_t *err);
int nw_process_finish(nw_processor_t *p, nw_error_t *err);
void nw_process_abandon(nw_processor_t *p); /* nothing pending: nothing done */
/* Waits until the started batch no longer reads the version stores (its
 * background half is done): before a store changes under it (a rollback). */
void nw_process_quiesce(nw_processor_t *p);

void nw_outcome_clear(nw_outcome_t *o);

const char *nw_outcome_name(nw_outcome_kind_t kind); /* "emitted", "duplicate", ... */

#endif
