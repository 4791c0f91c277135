/*
 * The answer cache (see http_cache.h): a chained hash table for lookup and a
 * doubly linked list in recency order for eviction, both over one entry
 * struct, so every operation is O(1) on average.
 */
#include "enrichers/http_cache.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "newswire/error.h"

typedef struct entry {
    struct entry *chain;         /* next in the bucket */
    struct entry *newer, *older; /* recency list */
    uint64_t hash;
    int64_t expires;
    json_t *answer; /* owned */
    char key[];
} entry_t;

struct nw_http_cache {
    int64_t ttl_ms;
    size_t max_entries;
    size_t count;
    size_t nbuckets; /* a power of two */
    entry_t **buckets;
    entry_t *newest, *oldest;
};

nw_http_cache_t *nw_http_cache_new(int64_t ttl_ms, size_t max_entries)
{
    nw_http_cache_t *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->ttl_ms = ttl_ms;
    c->max_entries = max_entries;
    /* About one entry per bucket when full; a bucket array is cheap next to
     * the answers it indexes. */
    c->nbuckets = 16;
    while (c->nbuckets < max_entries && c->nbuckets < ((size_t)1 << 24))
        c->nbuckets <<= 1;
    c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    return c;
}

static void unlink_recency(nw_http_cache_t *c, entry_t *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(nw_http_cache_t *c, entry_t *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

static void remove_entry(nw_http_cache_t *c, entry_t *e)
{
    entry_t **pp = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    unlink_recency(c, e);
    json_decref(e->answer);
    free(e);
    c->count--;
}

void nw_http_cache_free(nw_http_cache_t *c)
{
    if (!c)
        return;
    for (entry_t *e = c->newest, *next; e; e = next) {
        next = e->older;
        json_decref(e->answer);
        free(e);
    }
    free(c->buckets);
    free(c);
}

static entry_t *find(const nw_http_cache_t *c, const char *key, uint64_t h)
{
    for (entry_t *e = c->buckets[h & (c->nbuckets - 1)]; e; e = e->chain)
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

const json_t *nw_http_cache_get(nw_http_cache_t *c, const char *key, int64_t now_ms)
{
    uint64_t h = nw_fnv1a64(key, strlen(key));
    entry_t *e = find(c, key, h);
    if (!e)
        return NULL;
    if (now_ms >= e->expires) {
        remove_entry(c, e);
        return NULL;
    }
    unlink_recency(c, e);
    push_newest(c, e);
    return e->answer;
}

/* Makes room for one entry: the oldest expired one if there is any near the
 * cold end, else the least recently used. */
static void evict_one(nw_http_cache_t *c, int64_t now_ms)
{
    /* Entries share one TTL, so the least recently used are also the most
     * likely expired: looking at a few from the cold end is enough. */
    entry_t *e = c->oldest;
    for (int i = 0; e && i < 8; i++, e = e->newer)
        if (now_ms >= e->expires) {
            remove_entry(c, e);
            return;
        }
    if (c->oldest)
        remove_entry(c, c->oldest);
}

int nw_http_cache_put(nw_http_cache_t *c, const char *key, const json_t *answer, int64_t now_ms)
{
    json_t *copy = json_deep_copy(answer);
    if (!copy)
        return NW_ERR_NOMEM;
    uint64_t h = nw_fnv1a64(key, strlen(key));
    entry_t *e = find(c, key, h);
    if (e) {
        json_decref(e->answer);
        e->answer = copy;
        e->expires = now_ms + c->ttl_ms;
        unlink_recency(c, e);
        push_newest(c, e);
        return 0;
    }
    size_t klen = strlen(key);
    e = malloc(sizeof(*e) + klen + 1);
    if (!e) {
        json_decref(copy);
        return NW_ERR_NOMEM;
    }
    if (c->count >= c->max_entries)
        evict_one(c, now_ms);
    memcpy(e->key, key, klen + 1);
    e->hash = h;
    e->expires = now_ms + c->ttl_ms;
    e->answer = copy;
    size_t b = h & (c->nbuckets - 1);
    e->chain = c->buckets[b];
    c->buckets[b] = e;
    push_newest(c, e);
    c->count++;
    return 0;
}

size_t nw_http_cache_count(const nw_http_cache_t *c)
{
    return c->count;
}
