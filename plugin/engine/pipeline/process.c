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
 * mattering: the staged path, in process_staged.c.
 */
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
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
#include "pipeline/process_internal.h"
#include "pipeline/workers.h"

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

/* Pass 1 for one item: parse and identify. Returns 1 when the item is
 * final (rejected, or forwarded), 0 to go on, or a negative nw_err_t. */
int nw_proc_identify(nw_processor_t *p, nw_item_t *it, nw_error_t *err)
{
    nw_work_t *w = it->work;
    nw_parse_opts_t opts = p->opts;
    const nw_input_t *in = &it->in;
    opts.source = in->source           ? in->source
                  : p->source_is_topic ? nw_proc_origin_topic(in)
                                       : p->source;
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

int nw_proc_recent_init(nw_recent_t *x, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    x->slot = calloc(cap, sizeof(*x->slot));
    x->hash = malloc(cap * sizeof(*x->hash));
    x->mask = cap - 1;
    return x->slot && x->hash ? 0 : NW_ERR_NOMEM;
}

void nw_proc_recent_free(nw_recent_t *x)
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
static size_t recent_find(const nw_recent_t *x, nw_item_t *const *items, size_t i, uint64_t h)
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
nw_dedupe_t nw_proc_predict(nw_recent_t *x, nw_item_t *const *items, size_t i, uint32_t *next)
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
        .source = {.topic = nw_proc_origin_topic(in),
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

int nw_proc_build_record(nw_processor_t *p, nw_item_t *it, uint32_t version, nw_error_t *err)
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
        .source_topic = in->topic ? nw_proc_origin_topic(in) : NULL,
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
void nw_proc_enrich_one(nw_processor_t *p, nw_work_t *w, size_t from, size_t to)
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
 * prepare_task() (process_staged.c) began, whose statuses and failures the
 * works hold. Returns 0, or NW_ERR_NOMEM with the works as they were. */
int nw_proc_enrich(nw_processor_t *p, nw_work_t **works, size_t n, size_t from)
{
    nw_enrich_batch_t b;
    if (n == 1) { /* nw_proc_decide()'s own record, or a slice's only new one */
        assert(from > 0 || !works[0]->statuses);
        nw_proc_enrich_one(p, works[0], from, SIZE_MAX);
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

int nw_proc_decide(nw_processor_t *p, nw_item_t *it, nw_error_t *err)
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
        if (!nw_proc_built(w) && (rc = nw_proc_build_record(p, it, next, err)) < 0)
            return rc;
        if (nw_proc_enrich(p, &w, 1, 0) < 0)
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
void nw_proc_work_take(nw_item_t *it, nw_work_t *w)
{
    memset(w, 0, offsetof(nw_work_t, reason));
    w->reason[0] = '\0';
    it->work = w;
}

/* Frees what its work holds; the work itself stays in the pool. What the
 * plain path never sets is tested first: free(NULL) and its kin were three
 * calls into the allocator a message for nothing, some 130 instructions
 * (bench_parse --plain). */
void nw_proc_work_release(nw_item_t *it)
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
int nw_proc_process_each(nw_processor_t *p, nw_item_t *const *items, size_t n, nw_work_t *work,
                         bool direct, nw_error_t *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* Each item in turn the one work, which stays in the cache. */
        nw_proc_work_take(items[i], work);
        items[i]->work->direct = direct;
        if ((rc = nw_proc_identify(p, items[i], err)) == 0)
            rc = nw_proc_decide(p, items[i], err);
        rc = rc == 1 ? 0 : rc;
        nw_proc_work_release(items[i]);
    }
    return rc;
}

/* One thread's passes over items (pointers into the caller's array, in
 * batch order): the whole batch, or a slice of it. The staged path splits
 * the same work into stages, its groups' share in finish_group()
 * (process_staged.c). */
static int process_passes(nw_processor_t *p, nw_item_t *const *items, size_t n, nw_error_t *err)
{
    int rc = 0;
    size_t n_new = 0;
    nw_recent_t recent = {0};
    nw_work_t **to_enrich = calloc(n ? n : 1, sizeof(*to_enrich));
    bool *final = calloc(n ? n : 1, sizeof(*final));
    if (nw_proc_recent_init(&recent, n) < 0 || !to_enrich || !final) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = nw_proc_identify(p, items[i], err)) != 0) {
            final[i] = rc == 1;
            rc = rc == 1 ? 0 : rc;
            continue;
        }
        uint32_t next = 0;
        if (nw_proc_predict(&recent, items, i, &next) == NW_DEDUPE_NEW &&
            (rc = nw_proc_build_record(p, items[i], next, err)) == 0)
            to_enrich[n_new++] = items[i]->work;
    }
    /* Out of memory here, nw_proc_decide() enriches each new version on its own. */
    if (rc == 0 && n_new > 0)
        (void)nw_proc_enrich(p, to_enrich, n_new, 0);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!final[i])
            rc = nw_proc_decide(p, items[i], err);
out:
    nw_proc_recent_free(&recent);
    free(to_enrich);
    free(final);
    return rc;
}

/* One thread's path. With no enricher on, item by item (nw_proc_process_each());
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
        return nw_proc_process_each(p, items, n, &p->works[0], true, err);
    size_t slice = p->byte_records ? NW_PASS_SLICE : n;
    int rc = 0;
    for (size_t at = 0; at < n && rc == 0; at += slice) {
        size_t k = n - at < slice ? n - at : slice;
        for (size_t i = 0; i < k; i++)
            nw_proc_work_take(items[at + i], &p->works[i]);
        rc = process_passes(p, items + at, k, err);
        for (size_t i = at; i < at + k; i++)
            nw_proc_work_release(items[i]);
    }
    return rc;
}

static void free_works(nw_item_t *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nw_proc_work_release(&items[i]);
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
    if ((rc = nw_proc_staged_start(p, items, n, background, err)) == 0)
        return 0;
fail:
    free_works(items, n);
    p->pending_items = NULL;
    p->pending_n = 0;
    return rc;
}

/* Waits for stages 1 to 3 and takes the job back from the processor. */
static struct batch_job *take_pending(nw_processor_t *p)
{
    struct batch_job *job = p->pending;
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
    struct batch_job *job = take_pending(p);
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
    } else {
        rc = nw_proc_staged_finish(job, err);
    }
    nw_proc_job_free(job);
    free_works(items, n);
    return rc;
}

void nw_process_abandon(nw_processor_t *p)
{
    nw_item_t *items = p->pending_items;
    size_t n = p->pending_n;
    nw_proc_job_free(take_pending(p));
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
