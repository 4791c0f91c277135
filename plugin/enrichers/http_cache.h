/*
 * The HTTP enricher's answer cache: service answers keyed by the article's
 * content hash, each kept for a time-to-live, at most `max_entries` of them.
 *
 * The same content gets the same answer from a deterministic service, so a
 * re-sent or re-processed article (a replay, a version whose only change is
 * its Updated line) costs no request. When full, expired entries go first,
 * then the least recently used one. Time is passed in (monotonic ms).
 *
 * Ownership: put() stores its own deep copy of the answer; get() returns a
 * borrowed reference, valid until the next call on the cache. Not
 * thread-safe: one instance's thread uses it.
 */
#ifndef NW_ENRICH_HTTP_CACHE_H
#define NW_ENRICH_HTTP_CACHE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nw_http_cache nw_http_cache_t;

/* NULL when out of memory. ttl_ms and max_entries must be >= 1. */
nw_http_cache_t *nw_http_cache_new(int64_t ttl_ms, size_t max_entries);
void nw_http_cache_free(nw_http_cache_t *c); /* accepts NULL */

/* The live answer for key, or NULL (a missing or expired entry). Borrowed. */
const json_t *nw_http_cache_get(nw_http_cache_t *c, const char *key, int64_t now_ms);

/* Stores a copy of answer under key until now_ms + ttl; replaces an older
 * one. Returns 0 or NW_ERR_NOMEM (the cache is left as it was). */
int nw_http_cache_put(nw_http_cache_t *c, const char *key, const json_t *answer, int64_t now_ms);

size_t nw_http_cache_count(const nw_http_cache_t *c);

#endif
