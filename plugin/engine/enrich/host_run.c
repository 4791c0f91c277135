/*
 * Running the enrichment chain over a batch of records (nw_enrichers_run,
 * or in parts over an nw_enrich_batch_t: nw_enrichers_run_part).
 *
 * Each enricher sees the whole batch before the next one starts, so an
 * enricher with enrich_batch (HTTP) can overlap its waits across records.
 * A record that an enricher failed (fail-closed) is not shown to the
 * enrichers after it: it will be dead-lettered, and their work would be
 * thrown away.
 *
 * The statuses are gathered per record and written as newswire.enrichment at
 * the end, in chain order, so the object's key order never depends on which
 * enricher finished first, and an enricher cannot overwrite another's status.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/sink.h"
#include "core/utf8.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"
#include "enrich/host.h"

/* Room for one enricher's detail note about one record. */
#define NW_DETAIL_MAX 256

/* The status names, and each as a JSON string made once: every record's
 * status object holds a reference to the same string (as the record's own
 * constant strings do, encode/ninjs_tree.c), which saves an allocation and a free
 * per record and enricher. Nothing changes a status in place once it is
 * recorded; the strings live as long as the process. */
enum { NW_ST_OK, NW_ST_SKIPPED, NW_ST_DEGRADED, NW_ST_FAILED, NW_ST_OFF, NW_ST__COUNT };
static const char *const status_names[NW_ST__COUNT] = {"ok", "skipped", "degraded", "failed",
                                                       "off"};
static json_t *status_strings[NW_ST__COUNT];
static pthread_once_t status_strings_once = PTHREAD_ONCE_INIT;

static void status_strings_make(void)
{
    /* The names are this file's ASCII literals: no UTF-8 check. */
    for (int i = 0; i < NW_ST__COUNT; i++)
        status_strings[i] = json_stringn_nocheck(status_names[i], strlen(status_names[i]));
}

/* A new reference to status k's string (one of its own if the shared one
 * could not be made); NULL when out of memory. */
static json_t *status_string(int k)
{
    pthread_once(&status_strings_once, status_strings_make);
    return status_strings[k] ? json_incref(status_strings[k])
                             : json_stringn_nocheck(status_names[k], strlen(status_names[k]));
}

/* The NW_ST_* of an enricher's status; -1 for one outside the ABI. */
static int status_index(nw_enrich_status_t s)
{
    switch (s) {
    case NW_ENRICH_OK:
        return NW_ST_OK;
    case NW_ENRICH_SKIPPED:
        return NW_ST_SKIPPED;
    case NW_ENRICH_DEGRADED:
        return NW_ST_DEGRADED;
    case NW_ENRICH_FAILED:
        return NW_ST_FAILED;
    }
    return -1;
}

/* The detail note as a JSON string, made valid UTF-8 whatever the enricher
 * wrote. Most notes are clean ASCII the enricher wrote itself: those are
 * taken as they are (nw_utf8_is_clean() passes only what the sanitizer
 * would copy unchanged), without a copy through a buffer. */
static json_t *detail_string(const char *detail)
{
    size_t n = strlen(detail);
    if (nw_utf8_is_clean(detail, n))
        return json_stringn_nocheck(detail, n);
    nw_buf_t b = NW_BUF_INIT;
    nw_utf8_sanitize(detail, n, &b);
    json_t *d = nw_buf_ok(&b) ? json_stringn(nw_buf_str(&b), b.len) : NULL;
    nw_buf_free(&b);
    return d;
}

/* detail_string() on the byte path: the same string, appended to b. */
static void put_detail(nw_buf_t *b, const char *detail)
{
    size_t n = strlen(detail);
    if (nw_utf8_is_clean(detail, n)) {
        nw_json_put_string(b, detail, n);
        return;
    }
    nw_buf_t clean = NW_BUF_INIT;
    nw_utf8_sanitize(detail, n, &clean);
    if (nw_buf_ok(&clean))
        nw_json_put_string(b, nw_buf_str(&clean), clean.len);
    else
        b->oom = true;
    nw_buf_free(&clean);
}

/* status_object() of enricher h on the byte path: "name":{...} added to
 * the record's statuses so far. */
static void put_status(nw_enrich_bytes_t *rec, const nw_host_t *h, int k, const char *detail)
{
    static const unsigned char name_len[NW_ST__COUNT] = {sizeof("ok") - 1, sizeof("skipped") - 1,
                                                         sizeof("degraded") - 1,
                                                         sizeof("failed") - 1, sizeof("off") - 1};
    nw_buf_t *b = &rec->status;
    if (b->len)
        nw_buf_putc(b, ',');
    nw_buf_append(b, h->status_key, h->status_key_len);
    nw_buf_append(b, status_names[k], name_len[k]);
    nw_buf_putc(b, '"');
    if (detail && *detail) {
        nw_buf_lit(b, ",\"detail\":");
        put_detail(b, detail);
    }
    nw_buf_putc(b, '}');
}

void nw_enrich_bytes_free(nw_enrich_bytes_t *rec)
{
    if (!rec)
        return;
    nw_buf_free(&rec->ext);
    nw_buf_free(&rec->top);
    nw_buf_free(&rec->status);
}

/* Record i as bytes, or NULL when it is a jansson object. */
static nw_enrich_bytes_t *bytes_of(const nw_enrich_batch_t *b, size_t i)
{
    return b->bytes ? b->bytes[i] : NULL;
}

/* {"status": status k, "detail": d}; the detail only when there is one. */
static json_t *status_object(int k, const char *detail)
{
    json_t *o = json_object();
    if (!o || json_object_set_new_nocheck(o, "status", status_string(k)) < 0)
        goto fail;
    if (detail && *detail && json_object_set_new_nocheck(o, "detail", detail_string(detail)) < 0)
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

/*
 * The status objects the enrichers gave in one run, shared between its
 * records: most records of a batch get one of a few notes from lang ("en
 * (score 0.87)"), dates ("2 dates") and neardup ("none within 3 bits"), an
 * enricher that is off says only so, and a record only reads its statuses
 * (an object names no enricher: the record's key does), so records with
 * the same status and note hold one object instead of five allocations
 * each. Direct-mapped by the hash of the note; a slot keeps the note it was
 * made for, and a note that does not fit a slot is never shared.
 */
#define NW_STATUS_SLOTS 64
typedef struct status_slot {
    json_t *obj; /* NULL: empty */
    uint64_t hash;
    int k;
    char detail[NW_DETAIL_MAX];
} status_slot_t;

typedef struct status_cache {
    status_slot_t slot[NW_STATUS_SLOTS];
} status_cache_t;

/* Empties the cache (c may be NULL) at the run's end. */
static void status_cache_clear(status_cache_t *c)
{
    for (size_t i = 0; c && i < NW_STATUS_SLOTS; i++) {
        json_decref(c->slot[i].obj);
        c->slot[i].obj = NULL;
    }
}

/* status_object(k, detail), or a new reference to the one made before for
 * the same status and note. c may be NULL (no sharing). */
static json_t *status_shared(status_cache_t *c, int k, const char *detail)
{
    if (!detail)
        detail = ""; /* no note: status_object() writes none for "" either */
    size_t n = strlen(detail);
    if (!c || n >= NW_DETAIL_MAX)
        return status_object(k, detail);
    uint64_t hash = nw_fnv1a64(detail, n) ^ (uint64_t)k;
    status_slot_t *s = &c->slot[(hash ^ hash >> 32) % NW_STATUS_SLOTS];
    if (s->obj && s->hash == hash && s->k == k && memcmp(s->detail, detail, n + 1) == 0)
        return json_incref(s->obj);
    json_t *o = status_object(k, detail);
    if (o) {
        json_decref(s->obj);
        s->obj = json_incref(o);
        s->hash = hash;
        s->k = k;
        memcpy(s->detail, detail, n + 1);
    }
    return o;
}

int nw_enrich_batch_init(nw_enrich_batch_t *b, size_t n)
{
    /* At least one of each: calloc(0) may return NULL. */
    size_t room = n ? n : 1;
    *b = (nw_enrich_batch_t){.records = calloc(room, sizeof(*b->records)),
                             .inputs = calloc(room, sizeof(*b->inputs)),
                             .statuses = calloc(room, sizeof(*b->statuses)),
                             .failed = calloc(room, sizeof(*b->failed)),
                             .reasons = calloc(room, sizeof(*b->reasons)),
                             .bytes = calloc(room, sizeof(*b->bytes)),
                             .n = n};
    if (!b->records || !b->inputs || !b->statuses || !b->failed || !b->reasons || !b->bytes) {
        nw_enrich_batch_free(b);
        return NW_ERR_NOMEM;
    }
    return 0;
}

void nw_enrich_batch_free(nw_enrich_batch_t *b)
{
    for (size_t i = 0; b->statuses && i < b->n; i++)
        json_decref(b->statuses[i]);
    free(b->records);
    free(b->inputs);
    free(b->statuses);
    free(b->failed);
    free(b->reasons);
    free(b->bytes);
    memset(b, 0, sizeof(*b));
}

static void fail_record(const nw_enrich_batch_t *b, size_t i, const char *name, const char *detail)
{
    if (b->failed[i])
        return;
    b->failed[i] = true;
    snprintf(b->reasons[i], NW_ERROR_MSG_MAX, "%s: %s", name,
             detail && *detail ? detail : "failed");
}

/* Records what enricher h reported for record i; the object may be shared
 * through cache (NULL: not shared). */
static void record_status(const nw_enrich_batch_t *b, const nw_host_t *h, size_t i,
                          nw_enrich_status_t st, char *detail, status_cache_t *cache)
{
    char note[NW_DETAIL_MAX + 64];
    detail[NW_DETAIL_MAX - 1] = '\0';
    int k = status_index(st);
    if (k < 0) {
        /* A status outside the ABI: the record goes out without this
         * enricher's work, as if it had failed open. */
        snprintf(note, sizeof(note), "returned unknown status %d", (int)st);
        k = NW_ST_DEGRADED;
        detail = note;
    }
    nw_enrich_bytes_t *rec = bytes_of(b, i);
    json_t *o = rec ? NULL : status_shared(cache, k, detail);
    if (rec) {
        put_status(rec, h, k, detail);
    } else if (!o || json_object_set_new(b->statuses[i], h->name, o) < 0) {
        fail_record(b, i, h->name, "out of memory recording the status");
        return;
    }
    if (st == NW_ENRICH_FAILED)
        fail_record(b, i, h->name, detail);
}

/* Serialises the calls of an enricher not known to be thread-safe: the
 * batch's groups may run the chain on several threads at once. */
static void host_lock(const nw_host_t *h)
{
    /* The lock is no part of what the chain treats as constant. */
    if (!h->concurrent)
        pthread_mutex_lock((pthread_mutex_t *)&h->lock);
}

static void host_unlock(const nw_host_t *h)
{
    if (!h->concurrent)
        pthread_mutex_unlock((pthread_mutex_t *)&h->lock);
}

/* An enricher's circuit breaker, for /metrics. */
static void observe_breaker(const nw_sink_t *m, const nw_host_t *h)
{
    if (!m || !h->inited || !h->breaker)
        return;
    host_lock(h);
    int state = h->breaker(h->state);
    host_unlock(h);
    if (state >= 0)
        nw_sink_breaker(m, h->name, (nw_breaker_state_t)state);
}

static void run_one(const nw_enrich_batch_t *b, const nw_host_t *h, char *details,
                    const nw_sink_t *m, status_cache_t *cache)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->failed[i])
            continue;
        char *d = details;
        d[0] = '\0';
        nw_enrich_bytes_t *rec = bytes_of(b, i);
        if (rec ? !h->bytes : !h->desc->enrich) {
            /* Not for a chain nw_enrichers_bytes() accepts. */
            fail_record(b, i, h->name, "cannot enrich a record of this form");
            continue;
        }
        double t0 = m ? nw_now_s() : 0;
        host_lock(h);
        nw_enrich_status_t st =
            rec ? h->bytes(h->state, rec, b->inputs[i], d, NW_DETAIL_MAX)
                : h->desc->enrich(h->state, b->records[i], b->inputs[i], d, NW_DETAIL_MAX);
        host_unlock(h);
        if (m)
            nw_sink_enrich_latency(m, h->name, nw_now_s() - t0);
        record_status(b, h, i, st, d, cache);
    }
}

/* enrich_batch over the records not failed so far. */
static int run_batch(const nw_enrich_batch_t *b, const nw_host_t *h, char *details,
                     status_cache_t *cache)
{
    size_t n = b->n;
    size_t *idx = malloc(n * sizeof(*idx));
    json_t **recs = malloc(n * sizeof(*recs));
    const nw_enrich_input_t **ins = malloc(n * sizeof(*ins));
    nw_enrich_status_t *sts = malloc(n * sizeof(*sts));
    char **dps = malloc(n * sizeof(*dps));
    int rc = -1;
    if (!idx || !recs || !ins || !sts || !dps)
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (b->failed[i])
            continue;
        idx[k] = i;
        recs[k] = b->records[i];
        ins[k] = b->inputs[i];
        sts[k] = NW_ENRICH_OK;
        dps[k] = details + k * NW_DETAIL_MAX;
        dps[k][0] = '\0';
        k++;
    }
    if (k > 0) {
        host_lock(h);
        h->desc->enrich_batch(h->state, recs, ins, k, sts, dps, NW_DETAIL_MAX);
        host_unlock(h);
    }
    for (size_t j = 0; j < k; j++)
        record_status(b, h, idx[j], sts[j], dps[j], cache);
    rc = 0;
out:
    free(idx);
    free(recs);
    free(ins);
    free(sts);
    free(dps);
    return rc;
}

void nw_enrichers_run_part(nw_enrichers_t *e, size_t from, size_t to, const nw_enrich_batch_t *b)
{
    nw_host_t *const *chain;
    size_t nchain = nw_host_chain(e, &chain);
    size_t n = b->n;
    if (n == 0)
        return;
    if (to > nchain)
        to = nchain;
    bool oom = false;
    /* Records as bytes go one by one to the byte writers: there is no
     * enrich_batch() of them. Their statuses are bytes too: when all are
     * so, no status object is shared and the cache is not made. */
    size_t n_bytes = 0;
    for (size_t i = 0; i < n; i++)
        n_bytes += bytes_of(b, i) != NULL;
    bool any_bytes = n_bytes > 0;
    if (from == 0) {
        for (size_t i = 0; i < n; i++) {
            b->failed[i] = false;
            b->reasons[i][0] = '\0';
            nw_enrich_bytes_t *rec = bytes_of(b, i);
            if (rec) {
                rec->status.len = 0; /* the statuses start afresh */
                continue;
            }
            /* Enrichers may count on the extension object being there. */
            if (!(b->statuses[i] = json_object()) || !nw_builtin_extension(b->records[i]))
                fail_record(b, i, "enrichment", "the record is not a JSON object");
        }
    }
    nw_words_share_begin(b->inputs, n);
    /* One record's notes (the one-thread path's runs) on the stack. */
    char one[NW_DETAIL_MAX];
    char *details = from >= to ? NULL : n == 1 ? one : malloc(n * NW_DETAIL_MAX);
    oom = from < to && !details;
    /* Without it (out of memory, or no record of jansson) every record gets
     * objects of its own. */
    status_cache_t *cache = from < to && n_bytes < n ? calloc(1, sizeof(*cache)) : NULL;
    for (size_t c = from; !oom && c < to; c++) {
        const nw_host_t *h = chain[c];
        if (h->off) {
            /* {"status": "off"}, one object for every record, through the
             * cache as any other status. */
            for (size_t i = 0; i < n; i++) {
                if (b->failed[i])
                    continue;
                nw_enrich_bytes_t *rec = bytes_of(b, i);
                json_t *o = rec ? NULL : status_shared(cache, NW_ST_OFF, NULL);
                if (rec)
                    put_status(rec, h, NW_ST_OFF, NULL);
                else if (!o || json_object_set_new(b->statuses[i], h->name, o) < 0)
                    fail_record(b, i, h->name, "out of memory recording the status");
            }
        } else if (h->desc->enrich_batch && !any_bytes) {
            double t0 = nw_now_s();
            oom = run_batch(b, h, details, cache) < 0;
            /* One observation per batch: its records wait on it together. */
            nw_sink_enrich_latency(nw_host_metrics(e), h->name, nw_now_s() - t0);
        } else {
            run_one(b, h, details, nw_host_metrics(e), cache);
        }
        observe_breaker(nw_host_metrics(e), h);
    }
    status_cache_clear(cache);
    free(cache);
    if (details != one)
        free(details);
    nw_words_share_end();
    for (size_t i = 0; oom && i < n; i++)
        fail_record(b, i, "enrichment", "out of memory");
    if (to < nchain)
        return;
    for (size_t i = 0; i < n; i++) {
        nw_enrich_bytes_t *rec = bytes_of(b, i);
        if (rec) {
            /* newswire.enrichment last, as the jansson path adds it. */
            nw_buf_lit(&rec->ext, ",\"enrichment\":{");
            if (rec->status.len)
                nw_buf_append(&rec->ext, rec->status.data, rec->status.len);
            nw_buf_putc(&rec->ext, '}');
            rec->status.len = 0;
            if (!nw_buf_ok(&rec->ext) || !nw_buf_ok(&rec->top) || !nw_buf_ok(&rec->status))
                fail_record(b, i, "enrichment", "out of memory");
            continue;
        }
        json_t *status = b->statuses[i];
        json_t *ext = status ? nw_builtin_extension(b->records[i]) : NULL;
        if (!status) {
            fail_record(b, i, "enrichment", "out of memory");
        } else if (!ext) {
            json_decref(status);
            fail_record(b, i, "enrichment", "the record is not a JSON object");
        } else if (json_object_set_new(ext, "enrichment", status) < 0) {
            fail_record(b, i, "enrichment", "out of memory recording the statuses");
        }
        b->statuses[i] = NULL;
    }
}

void nw_enrichers_run(nw_enrichers_t *e, json_t **records, const nw_enrich_input_t *const *in,
                      size_t n, bool *failed, char (*reasons)[NW_ERROR_MSG_MAX])
{
    /* The caller's arrays, which the chain only reads but for failed and
     * reasons, and statuses of its own for the one part. */
    nw_enrich_batch_t b = {.records = records,
                           .inputs = (const nw_enrich_input_t **)in,
                           .statuses = calloc(n ? n : 1, sizeof(*b.statuses)),
                           .failed = failed,
                           .reasons = reasons,
                           .n = n};
    if (!b.statuses) {
        for (size_t i = 0; i < n; i++) {
            failed[i] = true;
            snprintf(reasons[i], NW_ERROR_MSG_MAX, "enrichment: out of memory");
        }
        return;
    }
    nw_enrichers_run_part(e, 0, SIZE_MAX, &b);
    free(b.statuses);
}
