/*
 * What process.c (the one thread's path and the steps every path shares)
 * and process_staged.c (the staged path, processing.threads above 1) both
 * need: the processor's state, an item's working state, and the steps.
 * Internal to the pipeline; the interface is process.h.
 */
#ifndef NW_PROCESS_INTERNAL_H
#define NW_PROCESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "encode/ninjs.h"
#include "enrich/enrich.h"
#include "parse/zoneset.h"
#include "pipeline/process.h"
#include "pipeline/workers.h"

/* Items the passes take at a time with a chain of byte-writing built-ins
 * (see process_in_order()). */
#define NW_PASS_SLICE 64

struct nw_processor {
    nw_parse_opts_t opts;
    nw_zoneset_t *zones;
    nw_enrichers_t *enrichers;
    bool plain_ninjs;
    bool no_enrichers; /* the chain is empty: see nw_proc_process_each() */
    /* Every enricher on only adds members to what nw_ninjs_stub() holds:
     * records are written at once and the enrichers' members spliced in
     * (see write_stub()). */
    bool stub_records;
    /* And each of them has a byte writer (nw_enrichers_bytes()): the stub
     * is bytes, not a jansson object (see write_stub()). */
    bool byte_records;
    /* With no enricher on: the first record's newswire.enrichment member,
     * as ",\"enrichment\":{...}", which every later record's direct write
     * ends its extension with (see emit_direct()); NULL until then. */
    char *status_tail;
    size_t status_tail_len;
    bool statuses_tried;  /* keep_statuses() ran: status_tail is what it will be */
    bool source_is_topic; /* parse.source empty: the topic names the source */
    /* newswire replay: the state its records' marker names, or NULL. */
    const char *replay_state;
    char *source;
    unsigned threads;      /* processing.threads, resolved: at least 1 */
    nw_workers_t *workers; /* started with the first batch of several items */
    /* The batch between nw_process_start() and its finish or abandon. */
    nw_item_t *pending_items;
    size_t pending_n;
    struct batch_job *pending; /* its staged path's state; NULL on one thread */
    /* With one thread (threads 1: the caller's path only), the byte
     * buffers of records emitted, emptied, for the next records' stubs
     * (take_bytes()); owned. As many as a slice of the passes takes. */
    nw_enrich_bytes_t *spare_bytes[NW_PASS_SLICE];
    size_t n_spare;
    /* The items' working states (owned, works_cap of them), kept from batch
     * to batch: a calloc and free of each work a message cost about 1k
     * instructions in the allocator. Between batches none is in use; within
     * one, an item's work points in here from nw_proc_work_take() to
     * nw_proc_work_release(), on the staged path works[i] for item i, on one thread
     * works[0 .. the slice's length) (see process_in_order()). */
    struct nw_work *works;
    size_t works_cap;
};

/* Per-item working state, alive from nw_process_start() to the batch's
 * finish or abandon. */
typedef struct nw_work {
    nw_article_t article;
    bool parsed;
    int64_t vtime;
    size_t id_len; /* strlen(the item's out.article_id), once identified */
    bool predicted_new;
    uint32_t predicted_version;
    /* Built for a (predicted) new version: the record's tree, or with
     * stub_records its stub, which the enrichers add to. */
    json_t *record;
    /* With the stub: the record as written (its version's; owned), and how
     * many members the stub had before the enrichers'. */
    nw_buf_t written;
    uint32_t written_version;
    size_t stub_members;
    /* With byte_records the stub is this instead of record (owned): the
     * enrichers' members as bytes. */
    nw_enrich_bytes_t *bytes;
    char *body;
    /* A copy of the record's "sha256:<hex>": enrichers get a pointer to it
     * that stays valid whatever they do to the record. */
    char hash_text[7 + 64 + 1];
    bool has_hash;
    uint8_t content_hash[32]; /* with the stub: hash_text's bytes, from the writer */
    nw_enrich_input_t ein;
    /* The newswire.enrichment object while the chain runs in parts (the
     * staged path); owned until the last part moves it into the record. */
    json_t *statuses;
    bool enriched, enrich_failed;
    bool direct; /* nw_proc_process_each(): the record may be written without the tree */
    /* Last: nw_proc_work_take() zeroes what comes before it, and only reason's
     * first byte (it is read only once a failure wrote it). */
    char reason[NW_ERROR_MSG_MAX];
} nw_work_t;

static inline const char *nw_proc_origin_topic(const nw_input_t *in)
{
    return in->origin_topic ? in->origin_topic : in->topic;
}

/*
 * The batch's predicted new versions, the latest of each article (and
 * store), found by a hash of both: predicting an item is one look-up here
 * rather than a scan back over the batch's earlier items, which compared
 * article ids a few hundred times per item on the loop's own thread.
 */
typedef struct nw_recent {
    uint32_t *slot; /* item index + 1; 0 when empty */
    uint64_t *hash;
    size_t mask;
} nw_recent_t;

/* Whether w's record was built: its tree or stub, for the enrichers. */
static inline bool nw_proc_built(const nw_work_t *w)
{
    return w->record || w->bytes;
}

/* The steps both paths take (process.c), each described where it is defined. */
int nw_proc_identify(nw_processor_t *p, nw_item_t *it, nw_error_t *err);
int nw_proc_recent_init(nw_recent_t *x, size_t n);
void nw_proc_recent_free(nw_recent_t *x);
nw_dedupe_t nw_proc_predict(nw_recent_t *x, nw_item_t *const *items, size_t i, uint32_t *next);
int nw_proc_build_record(nw_processor_t *p, nw_item_t *it, uint32_t version, nw_error_t *err);
void nw_proc_enrich_one(nw_processor_t *p, nw_work_t *w, size_t from, size_t to);
int nw_proc_enrich(nw_processor_t *p, nw_work_t **works, size_t n, size_t from);
int nw_proc_decide(nw_processor_t *p, nw_item_t *it, nw_error_t *err);
void nw_proc_work_take(nw_item_t *it, nw_work_t *w);
void nw_proc_work_release(nw_item_t *it);
int nw_proc_process_each(nw_processor_t *p, nw_item_t *const *items, size_t n, nw_work_t *work,
                         bool direct, nw_error_t *err);

/* The staged path's part of a batch (process_staged.c): its job begun by
 * nw_process_start(), ended by nw_process_finish() (or dropped by
 * nw_process_abandon()), freed by nw_proc_job_free(). */
struct batch_job;
int nw_proc_staged_start(nw_processor_t *p, nw_item_t *items, size_t n, bool background,
                         nw_error_t *err);
int nw_proc_staged_finish(struct batch_job *job, nw_error_t *err);
void nw_proc_job_free(struct batch_job *job);

#endif
