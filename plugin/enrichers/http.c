/*
 * The HTTP enricher's glue (see http.h): the descriptor the host loads, an
 * instance's life cycle, and the work around each request: the body sent
 * (the record or the configured members of it), the cache looked up first,
 * the answer merged at merge.path, and the status the host records.
 *
 * A record whose service call fails ends "degraded" (fail=open: it goes out
 * without the answer) or NW_ENRICH_FAILED (fail=closed: the host dead-letters
 * it as enrichment-failed), with a detail that names what happened but never
 * timings, so the same outcome always reads the same.
 */
#include "enrichers/http.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "core/clock.h"
#include "enrichers/http_breaker.h"
#include "enrichers/http_cache.h"
#include "enrichers/http_engine.h"
#include "enrichers/http_settings.h"
#include "newswire/error.h"

typedef struct http_enricher {
    const nw_enricher_api_t *api;
    nw_http_settings_t s;
    nw_http_breaker_t breaker;
    nw_http_counters_t counters;
    nw_http_cache_t *cache; /* NULL when cache.ttl.ms is 0 */
    nw_http_engine_t *engine;
    bool curl_ready; /* curl_global_init() succeeded: pair it with cleanup */
} http_enricher_t;

static void http_destroy(void *state)
{
    http_enricher_t *h = state;
    if (!h)
        return;
    nw_http_engine_free(h->engine);
    nw_http_cache_free(h->cache);
    nw_http_settings_clear(&h->s);
    if (h->curl_ready)
        curl_global_cleanup();
    free(h);
}

static int http_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                     size_t errlen)
{
    *state = NULL;
    if (!api || !api->config || !api->log) {
        snprintf(errbuf, errlen, "http: the host offers no config() or log()");
        return -1;
    }
    http_enricher_t *h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(errbuf, errlen, "http: out of memory");
        return -1;
    }
    h->api = api;
    /* Reference-counted by libcurl, and thread-safe in the libcurl versions
     * that advertise CURL_VERSION_THREADSAFE. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(errbuf, errlen, "http: libcurl failed to initialise");
        goto fail;
    }
    h->curl_ready = true;
    if (nw_http_settings_load(&h->s, api, host, errbuf, errlen) != 0)
        goto fail;
    if (h->s.breaker_failures > 0)
        nw_http_breaker_init(&h->breaker, h->s.breaker_failures, h->s.breaker_reset_ms);
    if (h->s.cache_ttl_ms > 0 &&
        !(h->cache = nw_http_cache_new(h->s.cache_ttl_ms, (size_t)h->s.cache_max_entries))) {
        snprintf(errbuf, errlen, "%s: out of memory", h->s.display);
        goto fail;
    }
    if (nw_http_engine_new(api, &h->s, h->s.breaker_failures > 0 ? &h->breaker : NULL, &h->counters,
                           &h->engine, errbuf, errlen) != 0)
        goto fail;
    api->log(NW_ENRICHER_LOG_INFO, h->s.display,
             "posting to %s (timeout %lld ms, %lld retries, concurrency %lld, fail %s)",
             h->s.url_shown, (long long)h->s.timeout_ms, (long long)h->s.retries,
             (long long)h->s.concurrency, h->s.fail_closed ? "closed" : "open");
    *state = h;
    return 0;
fail:
    http_destroy(h);
    return -1;
}

/* The request body: the whole record, or only the configured members.
 * Sorted keys, so the same record is always the same bytes. */
static char *make_body(const http_enricher_t *h, json_t *record)
{
    const size_t flags = JSON_COMPACT | JSON_SORT_KEYS;
    if (!h->s.fields)
        return json_dumps(record, flags);
    json_t *subset = json_object();
    if (!subset)
        return NULL;
    for (size_t i = 0; i < h->s.nfields; i++) {
        json_t *v = json_object_get(record, h->s.fields[i]);
        if (v && json_object_set(subset, h->s.fields[i], v) != 0) {
            json_decref(subset);
            return NULL;
        }
    }
    char *body = json_dumps(subset, flags);
    json_decref(subset);
    return body;
}

/* Merges answer (stolen) at merge.path, creating the objects on the way. A
 * member on the way that is not an object is left alone: the answer is then
 * not merged, and the segment is named in detail. */
static bool merge_answer(const http_enricher_t *h, json_t *record, json_t *answer, char *detail,
                         size_t len)
{
    json_t *at = record;
    for (size_t i = 0; i < h->s.nmerge; i++) {
        const char *seg = h->s.merge_path[i];
        json_t *next = json_object_get(at, seg);
        if (!next) {
            bool last = i + 1 == h->s.nmerge;
            next = last ? answer : json_object();
            if (!next || json_object_set_new(at, seg, next) != 0) {
                if (!last)
                    json_decref(answer);
                snprintf(detail, len, "out of memory");
                return false;
            }
            if (last)
                return true;
        } else if (!json_is_object(next)) {
            json_decref(answer);
            snprintf(detail, len, "merge.path: %s is not an object", seg);
            return false;
        }
        at = next;
    }
    /* The path exists already: the answer's members join what is there. */
    int rc = json_object_update(at, answer);
    json_decref(answer);
    if (rc != 0) {
        snprintf(detail, len, "out of memory");
        return false;
    }
    return true;
}

static nw_enrich_status_t failed(http_enricher_t *h, const nw_enrich_input_t *in,
                                 const char *detail)
{
    atomic_fetch_add(&h->counters.failures, 1);
    h->api->log(NW_ENRICHER_LOG_DEBUG, h->s.display, "article %s: %s",
                in && in->article_id ? in->article_id : "?", detail);
    return h->s.fail_closed ? NW_ENRICH_FAILED : NW_ENRICH_DEGRADED;
}

static const char *cache_key(const nw_enrich_input_t *in)
{
    return in && in->size > offsetof(nw_enrich_input_t, content_hash) && in->content_hash &&
                   *in->content_hash
               ? in->content_hash
               : NULL;
}

static void http_enrich_batch(void *state, json_t **records, const nw_enrich_input_t *const *in,
                              size_t n, nw_enrich_status_t *statuses, char **details,
                              size_t detail_len)
{
    http_enricher_t *h = state;
    nw_http_job_t *jobs = calloc(n ? n : 1, sizeof(*jobs));
    size_t *of = calloc(n ? n : 1, sizeof(*of)); /* job -> record index */
    size_t njobs = 0;
    int64_t now = nw_now_ms();
    for (size_t i = 0; i < n; i++) {
        const nw_enrich_input_t *rin = in ? in[i] : NULL;
        char *detail = details[i];
        if (detail_len)
            detail[0] = '\0';
        const char *key = h->cache ? cache_key(rin) : NULL;
        const json_t *hit = key ? nw_http_cache_get(h->cache, key, now) : NULL;
        if (hit) {
            atomic_fetch_add(&h->counters.cache_hits, 1);
            json_t *copy = json_deep_copy(hit);
            if (copy && merge_answer(h, records[i], copy, detail, detail_len)) {
                statuses[i] = NW_ENRICH_OK;
                snprintf(detail, detail_len, "cached");
            } else {
                if (!copy)
                    snprintf(detail, detail_len, "out of memory");
                statuses[i] = failed(h, rin, detail);
            }
            continue;
        }
        char *body = jobs && of ? make_body(h, records[i]) : NULL;
        if (!body) {
            snprintf(detail, detail_len, "out of memory");
            statuses[i] = failed(h, rin, detail);
            continue;
        }
        jobs[njobs].body = body;
        jobs[njobs].body_len = strlen(body);
        of[njobs++] = i;
    }

    if (njobs > 0)
        nw_http_engine_run(h->engine, jobs, njobs);

    now = nw_now_ms();
    for (size_t j = 0; j < njobs; j++) {
        nw_http_job_t *job = &jobs[j];
        size_t i = of[j];
        const nw_enrich_input_t *rin = in ? in[i] : NULL;
        char *detail = details[i];
        free((char *)job->body);
        if (job->result != NW_HTTP_RESULT_OK) {
            nw_http_job_describe(job, detail, detail_len);
            statuses[i] = failed(h, rin, detail);
            continue;
        }
        const char *key = h->cache ? cache_key(rin) : NULL;
        /* A failed cache insert only costs a later request. */
        if (key)
            (void)nw_http_cache_put(h->cache, key, job->answer, now);
        if (merge_answer(h, records[i], job->answer, detail, detail_len)) {
            statuses[i] = NW_ENRICH_OK;
            snprintf(detail, detail_len, "ok");
        } else {
            statuses[i] = failed(h, rin, detail);
        }
        job->answer = NULL;
    }
    if (h->cache)
        atomic_store(&h->counters.cache_entries, (uint64_t)nw_http_cache_count(h->cache));
    free(jobs);
    free(of);
}

static nw_enrich_status_t http_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                      char *detail, size_t detail_len)
{
    nw_enrich_status_t status = NW_ENRICH_OK;
    char *details[1] = {detail};
    const nw_enrich_input_t *ins[1] = {in};
    http_enrich_batch(state, &record, ins, 1, &status, details, detail_len);
    return status;
}

int nw_http_enricher_stats(void *state, nw_http_stats_t *out)
{
    const http_enricher_t *h = state;
    if (!h || !out)
        return NW_ERR_INVALID;
    out->breaker =
        h->s.breaker_failures > 0 ? nw_http_breaker_state(&h->breaker) : NW_HTTP_BREAKER_CLOSED;
    out->requests = atomic_load(&h->counters.requests);
    out->retries = atomic_load(&h->counters.retries);
    out->failures = atomic_load(&h->counters.failures);
    out->short_circuits = atomic_load(&h->counters.short_circuits);
    out->cache_hits = atomic_load(&h->counters.cache_hits);
    out->cache_entries = atomic_load(&h->counters.cache_entries);
    return 0;
}

static const nw_enricher_t http_descriptor = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "http",
    .description = "sends the record to an HTTP service and merges its JSON answer",
    .init = http_init,
    .enrich = http_enrich,
    .destroy = http_destroy,
    .enrich_batch = http_enrich_batch,
    .settings = nw_http_setting_decls,
    .setting_size = sizeof(nw_enricher_setting_t),
};

const nw_enricher_t *nw_builtin_http(const nw_enricher_api_t *api)
{
    /* Everything this enricher calls is in the first version of the table. */
    if (!api || NW_ENRICHER_ABI_MAJOR_OF(api->abi_version) != NW_ENRICHER_ABI_MAJOR ||
        api->size < offsetof(nw_enricher_api_t, config) + sizeof(api->config))
        return NULL;
    return &http_descriptor;
}
