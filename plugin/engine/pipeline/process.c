/*
 * The processing core (see process.h): three passes over a batch.
 *
 *  1. Parse and identify every message, and predict each one's dedupe
 *     outcome from the store plus the earlier messages of the batch; build
 *     the record of each predicted new version.
 *  2. Run the enricher chain once over all those records.
 *  3. Decide for real, in order, against the store, writing each new
 *     version to it. The prediction only ever differs when a fail-closed
 *     enricher rejected an earlier version of the same article; a version
 *     that turns out new without having been enriched is enriched there and
 *     then, on its own.
 *
 * On one thread, a chain of built-ins that write bytes (none enriches a
 * batch at once) takes the three passes over slices of the batch instead
 * (process_in_order()): the same outcomes, with fewer blocks alive.
 *
 * With processing.threads above 1 the passes are cut where order stops
 * mattering (see "The staged path" below): parsing, building and the
 * stateless head of the enricher chain run item by item on the worker
 * pool; the rest of the chain and the decisions run per group, the items
 * that share a version store (one input partition) or an origin partition
 * (what the neardup index is kept by), in batch order. Groups share no
 * state the processing writes, so they too run on the pool at once; each
 * group decides exactly what one thread deciding the whole batch would.
 * With no enricher on there are no stages: each group runs the one
 * thread's path on the pool (stage_each()).
 */
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
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
    bool no_enrichers; /* the chain is empty: see process_each() */
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
     * one, an item's work points in here from work_take() to
     * work_release(), on the staged path works[i] for item i, on one thread
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
    bool direct; /* process_each(): the record may be written without the tree */
    /* Last: work_take() zeroes what comes before it, and only reason's
     * first byte (it is read only once a failure wrote it). */
    char reason[NW_ERROR_MSG_MAX];
} nw_work_t;

int nw_processor_new(const nw_config_t *cfg, nw_processor_t **out, nw_error_t *err)
{
    nw_processor_t *p = calloc(1, sizeof(*p));
    int rc;
    *out = NULL;
    if (!p)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    if (nw_format_from_name(nw_config_get(cfg, "parse.format"), &p->opts.format) < 0) {
        rc = nw_error_set(err, NW_ERR_INVALID, "parse.format: unknown format");
        goto fail;
    }
    p->opts.max_bytes = (size_t)nw_config_get_int(cfg, "parse.max.message.bytes");
    p->opts.max_raw_bytes = (size_t)nw_config_get_int(cfg, "parse.max.raw.bytes");
    int64_t threads = nw_config_get_int(cfg, "processing.threads");
    p->threads = threads > 0 ? (unsigned)threads : nw_workers_default();
    p->plain_ninjs = strcmp(nw_config_get(cfg, "output.format"), "ninjs") == 0;
    const char *source = nw_config_get(cfg, "parse.source");
    p->source_is_topic = !source || !source[0];
    if (!p->source_is_topic && !(p->source = strdup(source))) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((rc = nw_zoneset_new(cfg, &p->zones, err)) < 0 ||
        (rc = nw_enrichers_new(cfg, &p->enrichers, err)) < 0)
        goto fail;
    p->no_enrichers = nw_enrichers_count(p->enrichers) == 0;
    p->stub_records = !p->no_enrichers && nw_enrichers_adds_only(p->enrichers);
    p->byte_records = p->stub_records && nw_enrichers_bytes(p->enrichers);
    p->opts.zones = nw_zoneset_for;
    p->opts.zones_opaque = p->zones;
    *out = p;
    return 0;
fail:
    nw_processor_free(p);
    return rc;
}

void nw_processor_set_metrics(nw_processor_t *p, const struct nw_sink *m)
{
    nw_enrichers_set_metrics(p->enrichers, m);
}

void nw_processor_free(nw_processor_t *p)
{
    if (!p)
        return;
    nw_process_abandon(p);
    nw_workers_free(p->workers); /* before what its threads use */
    for (size_t i = 0; i < p->n_spare; i++) {
        nw_enrich_bytes_free(p->spare_bytes[i]);
        free(p->spare_bytes[i]);
    }
    nw_enrichers_free(p->enrichers);
    nw_zoneset_free(p->zones);
    free(p->status_tail);
    free(p->source);
    free(p->works); /* none in use: no batch is pending */
    free(p);
}

void nw_processor_set_replay(nw_processor_t *p, const char *state)
{
    p->replay_state = state;
}

/* Puts "replay" right after "source": records keep a fixed key order, and
 * jansson keeps insertion order, so the object is rebuilt in place. */
static int add_replay_marker(json_t *ext, const char *state)
{
    json_t *copy = json_object(), *v;
    const char *k;
    int rc = 0;
    if (!copy)
        return NW_ERR_NOMEM;
    json_object_foreach(ext, k, v)
    {
        rc |= json_object_set(copy, k, v);
        if (strcmp(k, "source") == 0)
            rc |= json_object_set_new(copy, "replay", json_pack("{s:s}", "state", state));
    }
    if (rc == 0)
        rc = json_object_clear(ext) | json_object_update(ext, copy);
    json_decref(copy);
    return rc ? NW_ERR_NOMEM : 0;
}

static const char *origin_topic(const nw_input_t *in)
{
    return in->origin_topic ? in->origin_topic : in->topic;
}

/* Pass 1 for one item: parse and identify. Returns 1 when the item is
 * final (rejected, or forwarded), 0 to go on, or a negative nw_err_t. */
static int identify(nw_processor_t *p, nw_item_t *it, nw_error_t *err)
{
    nw_work_t *w = it->work;
    nw_parse_opts_t opts = p->opts;
    const nw_input_t *in = &it->in;
    opts.source = in->source ? in->source : p->source_is_topic ? origin_topic(in) : p->source;
    opts.has_received = in->has_timestamp;
    opts.received_ms = in->timestamp_ms;
    int rc = nw_article_parse(in->value, in->value ? in->value_len : 0, &opts, &w->article,
                              &it->out.error);
    if (rc == NW_ERR_REJECTED) {
        it->out.kind = NW_OUTCOME_REJECTED;
        return 1;
    }
    if (rc < 0)
        return nw_error_set(err, rc, "%s", it->out.error.msg);
    w->parsed = true;
    w->vtime = nw_article_version_time(&w->article);
    /* A re-keyed message's key is the article id stage one gave it. */
    bool keyed = in->key && in->key_len > 0;
    it->out.article_id =
        nw_article_id(&w->article, keyed ? in->key : NULL, keyed ? in->key_len : 0);
    if (!it->out.article_id)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    w->id_len = strlen(it->out.article_id);
    if (it->identify_only) {
        it->out.kind = NW_OUTCOME_FORWARD;
        return 1;
    }
    return 0;
}

/*
 * The batch's predicted new versions, the latest of each article (and
 * store), found by a hash of both: predicting an item is one look-up here
 * rather than a scan back over the batch's earlier items, which compared
 * article ids a few hundred times per item on the loop's own thread.
 */
typedef struct recent {
    uint32_t *slot; /* item index + 1; 0 when empty */
    uint64_t *hash;
    size_t mask;
} recent_t;

static int recent_init(recent_t *x, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    x->slot = calloc(cap, sizeof(*x->slot));
    x->hash = malloc(cap * sizeof(*x->hash));
    x->mask = cap - 1;
    return x->slot && x->hash ? 0 : NW_ERR_NOMEM;
}

static void recent_free(recent_t *x)
{
    free(x->slot);
    free(x->hash);
}

static uint64_t recent_hash(const nw_item_t *it)
{
    const char *id = it->out.article_id;
    return nw_fnv1a64_more(nw_fnv1a64(&it->store, sizeof(it->store)), id, it->work->id_len);
}

/* The slot of item i's article: the one holding it, or the empty one where
 * it goes. */
static size_t recent_find(const recent_t *x, nw_item_t *const *items, size_t i, uint64_t h)
{
    const nw_item_t *it = items[i];
    size_t s = (size_t)h & x->mask;
    for (; x->slot[s]; s = (s + 1) & x->mask) {
        const nw_item_t *o = items[x->slot[s] - 1];
        if (x->hash[s] == h && o->store == it->store &&
            strcmp(o->out.article_id, it->out.article_id) == 0)
            break;
    }
    return s;
}

/* The dedupe rule against the store and the predicted new versions of the
 * batch's earlier items (which are not in the store yet). A new version is
 * remembered in x as its article's latest. */
static nw_dedupe_t predict(recent_t *x, nw_item_t *const *items, size_t i, uint32_t *next)
{
    nw_item_t *it = items[i];
    const char *id = it->out.article_id;
    uint64_t h = recent_hash(it);
    size_t s = recent_find(x, items, i, h);
    nw_dedupe_t d;
    if (x->slot[s]) {
        const nw_work_t *w = items[x->slot[s] - 1]->work;
        *next = w->predicted_version;
        if (it->work->vtime > w->vtime) {
            *next = w->predicted_version + 1;
            d = NW_DEDUPE_NEW;
        } else {
            d = it->work->vtime == w->vtime ? NW_DEDUPE_DUPLICATE : NW_DEDUPE_STALE;
        }
    } else {
        d = nw_vstore_decide(it->store, id, it->work->id_len, it->work->vtime, next);
    }
    if (d == NW_DEDUPE_NEW) {
        it->work->predicted_new = true;
        it->work->predicted_version = *next;
        x->slot[s] = (uint32_t)i + 1;
        x->hash[s] = h;
    }
    return d;
}

/* What the record says of the item besides its article. */
static nw_record_meta_t record_meta(const nw_item_t *it, uint32_t version)
{
    const nw_input_t *in = &it->in;
    bool re = in->origin_topic != NULL;
    return (nw_record_meta_t){
        .article_id = it->out.article_id,
        .version = version,
        .source = {.topic = origin_topic(in),
                   .partition = re ? in->origin_partition : in->partition,
                   .offset = re ? in->origin_offset : in->offset,
                   /* A re-keyed message had no key of its own. */
                   .key = re ? NULL : in->key,
                   .key_len = re ? 0 : in->key_len,
                   .file = in->file},
    };
}

/* The meta of a record nw_ninjs_write() writes whole. */
static nw_record_meta_t written_meta(const nw_processor_t *p, const nw_item_t *it, uint32_t version)
{
    nw_record_meta_t meta = record_meta(it, version);
    meta.plain_ninjs = p->plain_ninjs;
    meta.replay_state = p->replay_state;
    return meta;
}

/* A record's byte buffers for its stub: the spare ones emptied, else new
 * ones with room for what the built-ins add to most records, so that they
 * do not grow by steps (four allocations and their frees a record, when
 * each took its own). NULL when out of memory. */
static nw_enrich_bytes_t *take_bytes(nw_processor_t *p)
{
    nw_enrich_bytes_t *b = p->n_spare ? p->spare_bytes[--p->n_spare] : NULL;
    if (b) {
        b->language = NULL;
        b->wordcount = 0;
        b->ext.len = b->top.len = b->status.len = 0;
        return b;
    }
    if (!(b = calloc(1, sizeof(*b))))
        return NULL;
    nw_buf_reserve(&b->ext, 2048);
    nw_buf_reserve(&b->top, 1024);
    nw_buf_reserve(&b->status, 512);
    return b;
}

/* Gives back the buffers of an emitted record: kept among the spares with one
 * thread (the staged path's groups emit on several at once), else freed. A
 * buffer that ran out of memory or grew past 64 KB is not kept. */
static void give_bytes(nw_processor_t *p, nw_enrich_bytes_t *b)
{
    const size_t keep = 64 * 1024;
    if (b && p->threads <= 1 && p->n_spare < NW_PASS_SLICE && nw_buf_ok(&b->ext) &&
        nw_buf_ok(&b->top) && nw_buf_ok(&b->status) && b->ext.cap <= keep && b->top.cap <= keep &&
        b->status.cap <= keep) {
        p->spare_bytes[p->n_spare++] = b;
        return;
    }
    nw_enrich_bytes_free(b);
    free(b);
}

/* The record with stub_records: written at once (a tree of the whole record
 * would be built, dumped and freed for the few members the enrichers add),
 * and the stub the enrichers add to. *simhash for their input. Returns 1
 * when the record needs the tree after all (see nw_ninjs_write()). */
static int write_stub(nw_processor_t *p, nw_item_t *it, uint32_t version, uint64_t *simhash)
{
    nw_work_t *w = it->work;
    nw_record_facts_t f;
    nw_record_meta_t meta = written_meta(p, it, version);
    int rc = nw_ninjs_write_facts(&w->article, &meta, &w->written, &f);
    if (rc != 0)
        return rc;
    w->written_version = version;
    w->body = f.body; /* the enrichers' body text, from the writer's pass */
    if (p->byte_records) {
        /* What nw_ninjs_stub() would hold, without the object. */
        if (!(w->bytes = take_bytes(p)))
            return NW_ERR_NOMEM;
        w->bytes->language = w->article.language;
        w->bytes->wordcount = f.words;
    } else if (!(w->record = nw_ninjs_stub(&w->article, f.words, &w->stub_members))) {
        return NW_ERR_NOMEM;
    }
    memcpy(w->hash_text, f.hash_text, sizeof(w->hash_text));
    memcpy(w->content_hash, f.content_hash, sizeof(w->content_hash));
    w->has_hash = true;
    *simhash = f.simhash;
    return 0;
}

/* The record's tree, with the extension whatever the output format:
 * enrichers write into it; output.format=ninjs drops it after they ran. */
static int build_tree(nw_processor_t *p, nw_item_t *it, uint32_t version, uint64_t *simhash)
{
    nw_work_t *w = it->work;
    nw_record_meta_t meta = record_meta(it, version);
    if (!(w->record = nw_ninjs_build(&w->article, &meta)))
        return NW_ERR_NOMEM;
    json_t *ext = json_object_get(w->record, "newswire");
    if (p->replay_state && add_replay_marker(ext, p->replay_state) < 0)
        return NW_ERR_NOMEM;
    const char *sim = json_string_value(json_object_get(ext, "simhash"));
    const char *hash = json_string_value(json_object_get(ext, "content_hash"));
    w->has_hash = hash && strlen(hash) == sizeof(w->hash_text) - 1;
    snprintf(w->hash_text, sizeof(w->hash_text), "%s", w->has_hash ? hash : "");
    *simhash = sim ? strtoull(sim, NULL, 16) : 0;
    return 0;
}

/* Whether w's record was built: its tree or stub, for the enrichers. */
static bool built(const nw_work_t *w)
{
    return w->record || w->bytes;
}

static int build_record(nw_processor_t *p, nw_item_t *it, uint32_t version, nw_error_t *err)
{
    nw_work_t *w = it->work;
    const nw_input_t *in = &it->in;
    bool re = in->origin_topic != NULL;
    uint64_t simhash = 0;
    int rc = p->stub_records ? write_stub(p, it, version, &simhash) : 1;
    if (rc == 1)
        rc = build_tree(p, it, version, &simhash);
    /* The body text is for enrichers only. */
    if (rc < 0 || (!p->no_enrichers && !w->body && !(w->body = nw_article_body(&w->article))))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory building a record");
    w->ein = (nw_enrich_input_t){
        .size = sizeof(nw_enrich_input_t),
        .article_id = it->out.article_id,
        .headline = w->article.headline,
        .standfirst = w->article.standfirst,
        .body = w->body,
        .byline = w->article.byline,
        .published = w->article.has_published ? w->article.published : INT64_MIN,
        .versioncreated = w->vtime,
        .source_topic = in->topic ? origin_topic(in) : NULL,
        .partition = in->topic ? (re ? in->origin_partition : in->partition) : -1,
        .content_hash = w->has_hash ? w->hash_text : NULL,
        .simhash = simhash,
        .offset = in->topic ? (re ? in->origin_offset : in->offset) : -1,
    };
    return 0;
}

/* Runs enrichers from .. to - 1 of the chain over w's record, with the
 * work's own fields as a batch of one: no arrays to allocate and free for
 * it, and its statuses and failure stay in it for a later part. */
static void enrich_one(nw_processor_t *p, nw_work_t *w, size_t from, size_t to)
{
    const nw_enrich_input_t *in = &w->ein;
    nw_enrich_batch_t one = {.records = &w->record,
                             .bytes = w->bytes ? &w->bytes : NULL,
                             .inputs = &in,
                             .statuses = &w->statuses,
                             .failed = &w->enrich_failed,
                             .reasons = &w->reason,
                             .n = 1};
    nw_enrichers_run_part(p->enrichers, from, to, &one);
}

/* Runs the enricher chain from its enricher `from` to its end over the
 * records of works: from 0, all of it; from further on, the rest of what
 * prepare_task() began, whose statuses and failures the works hold. Returns
 * 0, or NW_ERR_NOMEM with the works as they were. */
static int enrich(nw_processor_t *p, nw_work_t **works, size_t n, size_t from)
{
    nw_enrich_batch_t b;
    if (n == 1) { /* decide()'s own record, or a slice's only new one */
        assert(from > 0 || !works[0]->statuses);
        enrich_one(p, works[0], from, SIZE_MAX);
        works[0]->enriched = true;
        return 0;
    }
    if (nw_enrich_batch_init(&b, n) < 0)
        return NW_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        nw_work_t *w = works[i];
        /* From 0 the chain starts the status afresh: there is none yet. */
        assert(from > 0 || !w->statuses);
        b.records[i] = w->record;
        b.bytes[i] = w->bytes;
        b.inputs[i] = &w->ein;
        b.statuses[i] = w->statuses;
        w->statuses = NULL; /* the batch holds it now */
        b.failed[i] = w->enrich_failed;
        /* A reason is read only once its record failed: the 512 bytes are
         * copied in and out only then (the batch's start empty). */
        if (w->enrich_failed)
            memcpy(b.reasons[i], w->reason, NW_ERROR_MSG_MAX);
    }
    nw_enrichers_run_part(p->enrichers, from, SIZE_MAX, &b);
    for (size_t i = 0; i < n; i++) {
        works[i]->enriched = true;
        works[i]->enrich_failed = b.failed[i];
        if (b.failed[i])
            memcpy(works[i]->reason, b.reasons[i], NW_ERROR_MSG_MAX);
    }
    nw_enrich_batch_free(&b);
    return 0;
}

static int reject_record(nw_item_t *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A new version whose record cannot be written: REJECTED, not stored. */
static int reject_record(nw_item_t *it, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[NW_ERROR_MSG_MAX];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    free(it->out.record);
    it->out.record = NULL;
    it->out.record_len = 0;
    nw_error_reject(&it->out.error, NW_REJECT_RECORD_TOO_LARGE, "%s", msg);
    it->out.kind = NW_OUTCOME_REJECTED;
    return 0;
}

/* The end of pass 3 for a new version whose record is in it->out: store
 * the version with its content hash. */
static int store_emitted(nw_item_t *it, uint32_t version, const uint8_t content_hash[32],
                         nw_error_t *err)
{
    nw_work_t *w = it->work;
    /* Checked before the store takes the version: a record that cannot be
     * written is dead-lettered, and its version never counts as seen. */
    size_t key_len = w->id_len;
    if (it->max_record && it->out.record_len + key_len > it->max_record)
        return reject_record(it,
                             "the record is %zu bytes with its key, more than the %zu the "
                             "output topic and the producer accept",
                             it->out.record_len + key_len, it->max_record);
    nw_version_t nv = {.versioncreated = w->vtime, .version = version};
    memcpy(nv.content_hash, content_hash, sizeof(nv.content_hash));
    int rc = nw_vstore_put(it->store, it->out.article_id, key_len, &nv);
    if (rc < 0)
        return nw_error_set(err, rc, "version store: %s", nw_err_name(rc));
    nw_changelog_encode(&nv, it->out.changelog);
    it->out.kind = NW_OUTCOME_EMITTED;
    it->out.version = version;
    return 0;
}

/* Pass 3 for a new version written with its stub: the enrichers' members
 * spliced into the record. */
static int emit_spliced(nw_processor_t *p, nw_item_t *it, uint32_t version, nw_error_t *err)
{
    nw_work_t *w = it->work;
    nw_record_facts_t f;
    if (version != w->written_version) {
        /* The prediction counted an earlier version that a fail-closed
         * enricher then rejected: written again with the version it is. */
        nw_record_meta_t meta = written_meta(p, it, version);
        nw_buf_free(&w->written);
        if (nw_ninjs_write_facts(&w->article, &meta, &w->written, &f) != 0)
            return nw_error_set(err, NW_ERR_NOMEM, "out of memory encoding a record");
        free(f.body); /* the enrichers have had theirs */
        w->written_version = version;
    }
    /* The record is written in place: emitted as it is, it goes. */
    int rc = w->bytes ? nw_ninjs_splice_bytes(&w->written, p->plain_ninjs, &w->bytes->ext,
                                              &w->bytes->top)
                      : nw_ninjs_splice(&w->written, p->plain_ninjs, w->record, w->stub_members);
    if (rc < 0)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory encoding a record");
    it->out.record_len = w->written.len;
    it->out.record = nw_buf_steal(&w->written);
    /* The stub with the enrichers' members and their body text go now,
     * while the splice has them in the cache, not with the batch's end. */
    json_decref(w->record);
    w->record = NULL;
    give_bytes(p, w->bytes);
    w->bytes = NULL;
    free(w->body);
    w->body = NULL;
    return store_emitted(it, version, w->content_hash, err);
}

/* Pass 3 for a new version: serialise the record and store the version. */
static int emit(nw_processor_t *p, nw_item_t *it, uint32_t version, nw_error_t *err)
{
    nw_work_t *w = it->work;
    char v[16];
    uint8_t hash[32];
    if (w->written.data)
        return emit_spliced(p, it, version, err);
    snprintf(v, sizeof(v), "%" PRIu32, version);
    if (json_object_set_new(w->record, "version", json_string(v)) < 0)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    if (p->plain_ninjs)
        json_object_del(w->record, "newswire");
    if (!(it->out.record = nw_ninjs_dump_compact(w->record, &it->out.record_len)))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory encoding a record");
    /* The hash the record was built with: no second pass over the text. */
    if (!w->has_hash || nw_unhex(w->hash_text + 7, 64, hash) < 0)
        nw_article_content_hash(&w->article, hash);
    return store_emitted(it, version, hash, err);
}

/* Pass 3 for a new version with no enricher on: the record written
 * straight from the article (nw_ninjs_write()), without the jansson tree
 * the enrichers need. Returns 1 when the record needs the tree after all. */
static int emit_direct(nw_processor_t *p, nw_item_t *it, uint32_t version, nw_error_t *err)
{
    uint8_t hash[32];
    nw_record_meta_t meta = written_meta(p, it, version);
    meta.ext_tail = p->status_tail;
    meta.ext_tail_len = p->status_tail_len;
    int rc = nw_ninjs_write(&it->work->article, &meta, &it->out.record, &it->out.record_len, hash);
    if (rc < 0)
        return nw_error_set(err, rc, "out of memory encoding a record");
    return rc == 1 ? 1 : store_emitted(it, version, hash, err);
}

/* Keeps the statuses a chain with no enricher on gave w's record, for
 * emit_direct(): each enricher that is off says only so, the same for every
 * record. Without memory the records keep taking the tree. */
static void keep_statuses(nw_processor_t *p, const nw_work_t *w)
{
    p->statuses_tried = true;
    json_t *st = json_object_get(json_object_get(w->record, "newswire"), "enrichment");
    size_t n;
    char *dump = st ? nw_ninjs_dump_compact(st, &n) : NULL;
    nw_buf_t b = NW_BUF_INIT;
    if (dump) {
        nw_buf_puts(&b, ",\"enrichment\":");
        nw_buf_append(&b, dump, n);
        p->status_tail_len = b.len;
        p->status_tail = nw_buf_ok(&b) ? nw_buf_steal(&b) : NULL;
    }
    nw_buf_free(&b);
    free(dump);
}

static int decide(nw_processor_t *p, nw_item_t *it, nw_error_t *err)
{
    nw_work_t *w = it->work;
    uint32_t next = 0;
    const char *id = it->out.article_id;
    int rc;
    /* Whatever the store says: at_least_once does not roll the store back,
     * so a refused record's version may be in it although never written. */
    if (it->refused)
        return reject_record(it, "%s", it->refused);
    switch (nw_vstore_decide(it->store, id, w->id_len, w->vtime, &next)) {
    case NW_DEDUPE_DUPLICATE:
        it->out.kind = NW_OUTCOME_DUPLICATE;
        it->out.version = next;
        return 0;
    case NW_DEDUPE_STALE:
        it->out.kind = NW_OUTCOME_STALE;
        it->out.version = next;
        return 0;
    case NW_DEDUPE_NEW:
        break;
    }
    /* With no enricher on, once the chain's statuses are known (from the
     * first record, which takes the tree), the record skips the tree. */
    if (w->direct && p->status_tail && (rc = emit_direct(p, it, next, err)) != 1)
        return rc;
    if (!w->enriched) {
        if (!built(w) && (rc = build_record(p, it, next, err)) < 0)
            return rc;
        if (enrich(p, &w, 1, 0) < 0)
            return nw_error_set(err, NW_ERR_NOMEM, "out of memory enriching a record");
        if (w->direct && !p->status_tail && !w->enrich_failed)
            keep_statuses(p, w);
    }
    if (w->enrich_failed) {
        nw_error_reject(&it->out.error, NW_REJECT_ENRICHMENT, "%s", w->reason);
        it->out.kind = NW_OUTCOME_REJECTED;
        return 0;
    }
    return emit(p, it, next, err);
}

/* Gives it the work w of the processor's pool, as new. */
static void work_take(nw_item_t *it, nw_work_t *w)
{
    memset(w, 0, offsetof(nw_work_t, reason));
    w->reason[0] = '\0';
    it->work = w;
}

/* Frees what its work holds; the work itself stays in the pool. What the
 * plain path never sets is tested first: free(NULL) and its kin were three
 * calls into the allocator a message for nothing, some 130 instructions
 * (bench_parse --plain). */
static void work_release(nw_item_t *it)
{
    nw_work_t *w = it->work;
    if (!w)
        return;
    nw_article_clear(&w->article);
    json_decref(w->statuses);
    json_decref(w->record);
    if (w->bytes) {
        nw_enrich_bytes_free(w->bytes);
        free(w->bytes);
    }
    if (w->written.data)
        nw_buf_free(&w->written);
    if (w->body)
        free(w->body);
    it->work = NULL;
}

/* One thread's path with no enricher on: nothing can make a prediction
 * wrong, so each item is identified, decided and emitted in one go and its
 * working state freed at once. A batch of articles and records kept alive
 * for a later pass left none of them in the caches and took fresh pages
 * (bench_parse --plain: 48 us an article against 41, a third more page
 * faults). */
static int process_each(nw_processor_t *p, nw_item_t *const *items, size_t n, nw_work_t *work,
                        bool direct, nw_error_t *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* Each item in turn the one work, which stays in the cache. */
        work_take(items[i], work);
        items[i]->work->direct = direct;
        if ((rc = identify(p, items[i], err)) == 0)
            rc = decide(p, items[i], err);
        rc = rc == 1 ? 0 : rc;
        work_release(items[i]);
    }
    return rc;
}

/* One thread's passes over items (pointers into the caller's array, in
 * batch order): the whole batch, or a slice of it. The staged path splits
 * the same work into stages, its groups' share in finish_group(). */
static int process_passes(nw_processor_t *p, nw_item_t *const *items, size_t n, nw_error_t *err)
{
    int rc = 0;
    size_t n_new = 0;
    recent_t recent = {0};
    nw_work_t **to_enrich = calloc(n ? n : 1, sizeof(*to_enrich));
    bool *final = calloc(n ? n : 1, sizeof(*final));
    if (recent_init(&recent, n) < 0 || !to_enrich || !final) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = identify(p, items[i], err)) != 0) {
            final[i] = rc == 1;
            rc = rc == 1 ? 0 : rc;
            continue;
        }
        uint32_t next = 0;
        if (predict(&recent, items, i, &next) == NW_DEDUPE_NEW &&
            (rc = build_record(p, items[i], next, err)) == 0)
            to_enrich[n_new++] = items[i]->work;
    }
    /* Out of memory here, decide() enriches each new version on its own. */
    if (rc == 0 && n_new > 0)
        (void)enrich(p, to_enrich, n_new, 0);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!final[i])
            rc = decide(p, items[i], err);
out:
    recent_free(&recent);
    free(to_enrich);
    free(final);
    return rc;
}

/* One thread's path. With no enricher on, item by item (process_each());
 * with a chain of byte-writing built-ins, which enriches no batch at
 * once, the three passes over slices of NW_PASS_SLICE items, each slice's
 * working state freed before the next: the same outcomes as over the
 * whole batch (each slice predicts from the store its predecessors
 * wrote). 500 articles' blocks alive at once pushed the allocator to its
 * slow paths: bench_parse --with stats over 2,000 messages counted 341.3k
 * instructions a record by the batch of 500, 330.6k by slices of 128,
 * 329.7k by 64, 328.0k by 8 and 326.0k one item at a time; but one item
 * at a time through the whole chain left the enrichers' tables cold
 * (bench_parse --enriched: slower than the whole batch in six alternating
 * pairs of six). Otherwise the whole batch, whose records an enricher
 * with enrich_batch may take at once. */
static int process_in_order(nw_processor_t *p, nw_item_t *const *items, size_t n, nw_error_t *err)
{
    if (p->no_enrichers)
        return process_each(p, items, n, &p->works[0], true, err);
    size_t slice = p->byte_records ? NW_PASS_SLICE : n;
    int rc = 0;
    for (size_t at = 0; at < n && rc == 0; at += slice) {
        size_t k = n - at < slice ? n - at : slice;
        for (size_t i = 0; i < k; i++)
            work_take(items[at + i], &p->works[i]);
        rc = process_passes(p, items + at, k, err);
        for (size_t i = at; i < at + k; i++)
            work_release(items[i]);
    }
    return rc;
}

/* One group of a batch, as a task of the worker pool. */
typedef struct group {
    nw_item_t **items; /* into the batch's order array */
    size_t n;
    size_t weight; /* input bytes: what the group's work grows with */
    int rc;
    nw_error_t err;
} group_t;

/*
 * The staged path (processing.threads above 1). What depends on order is
 * kept apart from what does not, so that most of the work spreads over the
 * pool whatever the batch holds:
 *  1. parse and identify, item by item on any thread;
 *  2. predict each dedupe outcome, in batch order on the caller (a look-up
 *     per item);
 *  3. build the record of each predicted new version and run the stateless
 *     head of the enricher chain on it, item by item on any thread;
 *  4. per group (see make_groups), in batch order: the rest of the chain,
 *     then decide and emit against the store.
 * Every item ends as the single-threaded path would end it.
 */
typedef struct batch_job {
    nw_processor_t *p;
    nw_item_t *items; /* the batch (borrowed) */
    size_t n;
    /* n each: */
    group_t *groups;
    nw_item_t **order;
    size_t *parent, *scratch;
    nw_item_t **fresh; /* stage 3: the predicted new versions */
    bool *final;       /* per item: settled in stage 1 */
    size_t stateless;  /* the chain's stateless head */
    /* No enricher on: no stages, each group in process_each() (see
     * stage_each()); direct: its records written without the tree. */
    bool each, direct;
    /* Stages 1 to 3 on a thread of their own (nw_process_start with
     * background): joined before stage 4. */
    pthread_t thread;
    bool threaded;
    /* The first failure of stages 1 and 3 in batch order (a program
     * failure: the batch is not processed further). */
    pthread_mutex_t lock;
    int rc;
    size_t failed_at;
    nw_error_t err;
} batch_job_t;

static void job_fail(batch_job_t *job, size_t at, int rc, const nw_error_t *err)
{
    pthread_mutex_lock(&job->lock);
    if (job->rc == 0 || at < job->failed_at) {
        job->rc = rc;
        job->failed_at = at;
        job->err = *err;
    }
    pthread_mutex_unlock(&job->lock);
}

static void identify_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    nw_error_t err = {0};
    int rc = identify(job->p, &job->items[i], &err);
    job->final[i] = rc != 0;
    if (rc < 0)
        job_fail(job, i, rc, &err);
}

static void prepare_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    nw_item_t *it = job->fresh[i];
    nw_work_t *w = it->work;
    nw_error_t err = {0};
    int rc = build_record(job->p, it, w->predicted_version, &err);
    if (rc < 0) {
        job_fail(job, (size_t)(it - job->items), rc, &err);
        return;
    }
    /* Its status stays in the work for finish_group() to take on. */
    enrich_one(job->p, w, 0, job->stateless);
}

/* Stage 4 for one group: the chain's stateful rest over its predicted new
 * versions, then the decisions in order. */
static int finish_group(batch_job_t *job, nw_item_t *const *items, size_t n, nw_error_t *err)
{
    nw_processor_t *p = job->p;
    size_t k = 0;
    int rc = 0;
    nw_work_t **works = calloc(n, sizeof(*works));
    if (!works) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        nw_work_t *w = items[i]->work;
        if (w->predicted_new && built(w))
            works[k++] = w;
    }
    if (k > 0 && enrich(p, works, k, job->stateless) < 0) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!job->final[items[i] - job->items])
            rc = decide(p, items[i], err);
    /* Here rather than on the caller: freeing the records' trees is a part
     * of the work worth spreading. */
    for (size_t i = 0; i < n; i++)
        work_release(items[i]);
out:
    free(works);
    return rc;
}

static void group_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    group_t *g = &job->groups[i];
    g->rc = finish_group(job, g->items, g->n, &g->err);
}

static size_t find_root(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* What an item's enrichers keep state by besides its store: the origin
 * partition (neardup's index), as build_record() names it. */
static bool same_origin(const nw_input_t *a, const nw_input_t *b)
{
    if (!a->topic || !b->topic)
        return !a->topic && !b->topic;
    int32_t pa = a->origin_topic ? a->origin_partition : a->partition;
    int32_t pb = b->origin_topic ? b->origin_partition : b->partition;
    return pa == pb && strcmp(origin_topic(a), origin_topic(b)) == 0;
}

/* Joins every item with the first earlier item sharing its store or its
 * origin; reps holds one item per distinct store or origin seen, so the
 * cost is items times partitions. */
static void join_items(nw_item_t *items, size_t n, size_t *parent, size_t *reps)
{
    size_t n_reps = 0;
    for (size_t i = 0; i < n; i++) {
        parent[i] = i;
        bool store_seen = false, origin_seen = false;
        for (size_t r = 0; r < n_reps && !(store_seen && origin_seen); r++) {
            nw_item_t *rep = &items[reps[r]];
            bool by_store = !store_seen && rep->store == items[i].store;
            bool by_origin = !origin_seen && same_origin(&rep->in, &items[i].in);
            if (!by_store && !by_origin)
                continue;
            store_seen |= by_store;
            origin_seen |= by_origin;
            size_t a = find_root(parent, reps[r]), b = find_root(parent, i);
            /* The earlier item's root stays the root. */
            if (a != b)
                parent[a > b ? a : b] = a < b ? a : b;
        }
        if (!store_seen || !origin_seen)
            reps[n_reps++] = i;
    }
}

static int cmp_group_size(const void *a, const void *b)
{
    const group_t *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    return x->items < y->items ? -1 : x->items > y->items;
}

/* Cuts the batch into groups (each in batch order, in order[]), the most
 * input bytes first, so that the pool's threads finish about together.
 * Returns the count. */
static size_t make_groups(nw_item_t *items, size_t n, size_t *parent, size_t *scratch,
                          nw_item_t **order, group_t *groups)
{
    join_items(items, n, parent, scratch);
    size_t *start = scratch; /* per root: where its items go in order[] */
    size_t n_groups = 0;
    for (size_t i = 0; i < n; i++)
        start[i] = 0;
    for (size_t i = 0; i < n; i++)
        start[find_root(parent, i)]++;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (parent[i] != i)
            continue;
        size_t count = start[i];
        groups[n_groups++] = (group_t){.items = order + at, .n = 0};
        start[i] = n_groups - 1; /* now the root's group */
        at += count;
    }
    for (size_t i = 0; i < n; i++) {
        group_t *g = &groups[start[find_root(parent, i)]];
        g->items[g->n++] = &items[i];
        g->weight += items[i].in.value_len + 256; /* a message costs something however small */
    }
    qsort(groups, n_groups, sizeof(*groups), cmp_group_size);
    return n_groups;
}

static void job_free(batch_job_t *job)
{
    if (!job)
        return;
    free(job->groups);
    free(job->order);
    free(job->parent);
    free(job->scratch);
    free(job->fresh);
    free(job->final);
    pthread_mutex_destroy(&job->lock);
    free(job);
}

static batch_job_t *job_new(nw_processor_t *p, nw_item_t *items, size_t n)
{
    batch_job_t *job = calloc(1, sizeof(*job));
    if (!job)
        return NULL;
    *job = (batch_job_t){.p = p,
                         .items = items,
                         .n = n,
                         .groups = calloc(n, sizeof(*job->groups)),
                         .order = calloc(n, sizeof(*job->order)),
                         .parent = calloc(n, sizeof(*job->parent)),
                         .scratch = calloc(n, sizeof(*job->scratch)),
                         .fresh = calloc(n, sizeof(*job->fresh)),
                         .final = calloc(n, sizeof(*job->final)),
                         .stateless = nw_enrichers_stateless(p->enrichers)};
    pthread_mutex_init(&job->lock, NULL);
    if (!job->groups || !job->order || !job->parent || !job->scratch || !job->fresh ||
        !job->final) {
        job_free(job);
        return NULL;
    }
    return job;
}

/* Stages 1 to 3; a failure is left in job->rc. */
static void stages_to_prepare(batch_job_t *job)
{
    nw_processor_t *p = job->p;
    nw_item_t *items = job->items;
    nw_workers_run(p->workers, job->n, identify_task, job);
    size_t n_fresh = 0;
    recent_t recent = {0};
    if (job->rc == 0 && recent_init(&recent, job->n) < 0) {
        nw_error_t err = {0};
        job_fail(job, 0, nw_error_set(&err, NW_ERR_NOMEM, "out of memory"), &err);
    }
    for (size_t i = 0; i < job->n && job->rc == 0; i++) {
        job->order[i] = &items[i];
        uint32_t next = 0;
        if (!job->final[i] && predict(&recent, job->order, i, &next) == NW_DEDUPE_NEW)
            job->fresh[n_fresh++] = &items[i];
    }
    recent_free(&recent);
    if (job->rc == 0)
        nw_workers_run(p->workers, n_fresh, prepare_task, job);
}

static void *prepare_thread(void *arg)
{
    stages_to_prepare(arg);
    return NULL;
}

/* A failure of the program in one of the groups: the first group's, in
 * batch order, is reported. */
static int first_failure(const batch_job_t *job, size_t n_groups, nw_error_t *err)
{
    const group_t *first = NULL;
    for (size_t g = 0; g < n_groups; g++)
        if (job->groups[g].rc < 0 && (!first || job->groups[g].items[0] < first->items[0]))
            first = &job->groups[g];
    if (!first)
        return 0;
    if (err)
        *err = first->err;
    return first->rc;
}

/* Stage 4, after stages 1 to 3 succeeded. */
static int stage_decide(batch_job_t *job, nw_error_t *err)
{
    size_t n_groups =
        make_groups(job->items, job->n, job->parent, job->scratch, job->order, job->groups);
    nw_workers_run(job->p->workers, n_groups, group_task, job);
    return first_failure(job, n_groups, err);
}

static void each_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    group_t *g = &job->groups[i];
    g->rc = process_each(job->p, g->items, g->n, &job->p->works[i], job->direct, &g->err);
}

/*
 * With no enricher on and several threads: each group on the pool, item by
 * item as one thread takes them (process_each()), so that an article is
 * parsed, decided and written while it is in the cache. The staged path
 * parsed the whole batch first and wrote the records in another pass: two
 * threads took longer than one (bench_parse --plain --threads 2
 * --partitions 4: 0.89x of one thread's rate).
 *
 * The first items, in batch order, go on the caller until a record has
 * given the chain's statuses (keep_statuses()), which every later record
 * is written with: no group then writes p->status_tail.
 */
static int stage_each(batch_job_t *job, nw_error_t *err)
{
    nw_processor_t *p = job->p;
    size_t k = 0;
    int rc = 0;
    for (; k < job->n && !p->statuses_tried && rc == 0; k++) {
        nw_item_t *it = &job->items[k];
        rc = process_each(p, &it, 1, &p->works[0], true, err);
    }
    if (rc < 0 || k == job->n)
        return rc;
    job->direct = p->status_tail != NULL;
    size_t n_groups =
        make_groups(job->items + k, job->n - k, job->parent, job->scratch, job->order, job->groups);
    nw_workers_run(p->workers, n_groups, each_task, job);
    return first_failure(job, n_groups, err);
}

static void free_works(nw_item_t *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        work_release(&items[i]);
}

/* Room in the pool for n works (their contents left as they are). */
static int works_reserve(nw_processor_t *p, size_t n)
{
    if (n <= p->works_cap)
        return 0;
    nw_work_t *w = realloc(p->works, n * sizeof(*w));
    if (!w)
        return NW_ERR_NOMEM;
    p->works = w;
    p->works_cap = n;
    return 0;
}

int nw_process_start(nw_processor_t *p, nw_item_t *items, size_t n, bool background,
                     nw_error_t *err)
{
    int rc = 0;
    if (p->pending || p->pending_items)
        return nw_error_set(err, NW_ERR_INVALID, "a batch is already in progress");
    p->pending_items = items;
    p->pending_n = n;
    for (size_t i = 0; i < n; i++) {
        memset(&items[i].out, 0, sizeof(items[i].out));
        items[i].work = NULL;
    }
    if (works_reserve(p, n ? n : 1) < 0) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* One thread's path: all of it in nw_process_finish(), which takes the
     * works as it goes. */
    if (p->threads <= 1 || n <= 1)
        return 0;
    if (!p->no_enrichers)
        for (size_t i = 0; i < n; i++)
            work_take(&items[i], &p->works[i]);
    if (!p->workers && (rc = nw_workers_new(p->threads, &p->workers, err)) < 0)
        goto fail;
    if (!(p->pending = job_new(p, items, n))) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* No enricher on: all of it in nw_process_finish() (see stage_each()),
     * which writes the version stores, as the one thread's path does. */
    if (p->no_enrichers) {
        p->pending->each = true;
        return 0;
    }
    /* Without a thread of its own the stages run here and now. */
    p->pending->threaded =
        background && pthread_create(&p->pending->thread, NULL, prepare_thread, p->pending) == 0;
    if (!p->pending->threaded)
        stages_to_prepare(p->pending);
    return 0;
fail:
    free_works(items, n);
    p->pending_items = NULL;
    p->pending_n = 0;
    return rc;
}

void nw_process_quiesce(nw_processor_t *p)
{
    batch_job_t *job = p->pending;
    if (job && job->threaded) {
        pthread_join(job->thread, NULL);
        job->threaded = false;
    }
}

/* Waits for stages 1 to 3 and takes the job back from the processor. */
static batch_job_t *take_pending(nw_processor_t *p)
{
    batch_job_t *job = p->pending;
    nw_process_quiesce(p);
    p->pending = NULL;
    p->pending_items = NULL;
    p->pending_n = 0;
    return job;
}

int nw_process_finish(nw_processor_t *p, nw_error_t *err)
{
    nw_item_t *items = p->pending_items;
    size_t n = p->pending_n;
    batch_job_t *job = take_pending(p);
    int rc;
    if (!job) {
        /* One thread's path: the batch as it is, on the caller. */
        nw_item_t **order = calloc(n ? n : 1, sizeof(*order));
        if (!order) {
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < n; i++)
                order[i] = &items[i];
            rc = process_in_order(p, order, n, err);
        }
        free(order);
    } else if (job->each) {
        rc = stage_each(job, err);
    } else if (job->rc != 0) {
        rc = job->rc;
        if (err)
            *err = job->err;
    } else {
        rc = stage_decide(job, err);
    }
    job_free(job);
    free_works(items, n);
    return rc;
}

void nw_process_abandon(nw_processor_t *p)
{
    nw_item_t *items = p->pending_items;
    size_t n = p->pending_n;
    job_free(take_pending(p));
    free_works(items, n);
    for (size_t i = 0; i < n; i++)
        nw_outcome_clear(&items[i].out);
}

int nw_process_batch(nw_processor_t *p, nw_item_t *items, size_t n, nw_error_t *err)
{
    int rc = nw_process_start(p, items, n, false, err);
    return rc < 0 ? rc : nw_process_finish(p, err);
}

void nw_outcome_clear(nw_outcome_t *o)
{
    if (!o)
        return;
    free(o->article_id);
    free(o->record);
    memset(o, 0, sizeof(*o));
}

const char *nw_outcome_name(nw_outcome_kind_t kind)
{
    static const char *const names[NW_OUTCOME__COUNT] = {"emitted", "duplicate", "stale",
                                                         "rejected", "forwarded"};
    return kind < NW_OUTCOME__COUNT ? names[kind] : "unknown";
}
