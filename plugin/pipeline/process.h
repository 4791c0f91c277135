/*
 * One input message through decode, parse, identify, dedupe and encode.
 *
 * This is the pipeline's pure core: no Kafka, no I/O. The runner hands each
 * consumed message to nw_process() together with the version store of the
 * message's partition and gets back the outcome: the record to emit (and the
 * changelog value that records it), a duplicate, a stale version, or a
 * rejection with its stable code. Every message ends as exactly one of those
 * four, which is the accounting identity the runner counts.
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
    NW_OUTCOME__COUNT
} nw_outcome_kind_t;

/* A consumed message, borrowed for the duration of the call. */
typedef struct nw_input {
    const char *topic;
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

typedef struct nw_processor nw_processor_t;

/* Reads parse.*, output.format and the zone overrides from cfg. */
int nw_processor_new(const nw_config_t *cfg, nw_processor_t **out, nw_error_t *err);
void nw_processor_free(nw_processor_t *p); /* accepts NULL */

/*
 * Processes one message. On EMITTED the store already holds the new version
 * (journaled, so a transaction abort can roll it back). Returns 0 with *out
 * filled (clear it with nw_outcome_clear), or a negative nw_err_t for a
 * failure of the program rather than the input (out of memory).
 */
int nw_process(nw_processor_t *p, nw_vstore_t *store, const nw_input_t *in, nw_outcome_t *out,
               nw_error_t *err);

/*
 * The first stage for unkeyed input: reads the message far enough to know
 * its article id, so it can be re-keyed through the repartition topic and
 * every version of one article reaches one partition. Sets *id (a new
 * allocation) for an article; for a rejected message leaves *id NULL and
 * fills *out as nw_process() would (kind NW_OUTCOME_REJECTED).
 */
int nw_process_identify(nw_processor_t *p, const nw_input_t *in, char **id, nw_outcome_t *out,
                        nw_error_t *err);

void nw_outcome_clear(nw_outcome_t *o);

const char *nw_outcome_name(nw_outcome_kind_t kind); /* "emitted", "duplicate", ... */

#endif
