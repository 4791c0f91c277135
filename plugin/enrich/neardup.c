/*
 * The "neardup" built-in: near-duplicates across different article ids, by
 * 64-bit simhash, recorded as newswire.near_duplicate_of (the earlier ids
 * whose simhash is within the Hamming threshold, sorted).
 *
 * The index is in memory and kept per (source topic, partition): a partition
 * is processed in offset order by one consumer, so the answer for a record
 * depends only on the records before it in its partition, and a replay of
 * that partition gives the same answer. It is bounded: once it holds
 * `capacity` entries, each new one evicts the oldest. An article id has one
 * entry (its latest version's simhash); a new version takes the newest place.
 *
 * Lookup uses banding: the 64 bits are cut into four 16-bit bands, and two
 * hashes within 3 bits of each other agree on at least one band (the three
 * differing bits touch at most three bands). So only entries sharing a band
 * are compared, a few per lookup. A threshold above 3 loses that guarantee;
 * the index then compares against every entry (linear in capacity).
 *
 * Settings (enrichers.neardup.<key>):
 *   threshold  largest distance in bits (default: near.duplicate.threshold, 3)
 *   capacity   entries per partition (default 100000)
 *   max        most ids listed, the closest ones (default 20)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "enrich/builtins.h"

#define BANDS     4
#define BAND_BITS 16
#define BAND_SIZE (1u << BAND_BITS)
#define NIL       UINT32_MAX

typedef struct entry {
    uint64_t hash;
    int64_t offset; /* of the message that put it here, or -1 */
    char *id;       /* NULL: a free slot */
    uint32_t next[BANDS], prev[BANDS];
    uint32_t id_next;
} entry_t;

typedef struct index {
    char *topic; /* "" outside Kafka */
    int32_t partition;
    entry_t *e;
    uint32_t used, alloc; /* slots in use (grows to capacity), allocated */
    uint32_t cursor;      /* next slot to write once full: the oldest */
    uint32_t *heads;      /* BANDS * BAND_SIZE band chains; NULL when scanning */
    uint32_t *id_buckets; /* id hash chains */
    uint32_t id_nbuckets; /* a power of two */
    struct index *next;
} index_t;

typedef struct neardup {
    long long threshold, capacity, max;
    index_t *indexes;
} neardup_t;

static uint32_t band_of(uint64_t h, int b)
{
    return (uint32_t)(h >> (b * BAND_BITS)) & (BAND_SIZE - 1);
}

static void band_unlink(index_t *x, uint32_t s)
{
    for (int b = 0; b < BANDS; b++) {
        entry_t *e = &x->e[s];
        if (e->prev[b] != NIL)
            x->e[e->prev[b]].next[b] = e->next[b];
        else
            x->heads[b * BAND_SIZE + band_of(e->hash, b)] = e->next[b];
        if (e->next[b] != NIL)
            x->e[e->next[b]].prev[b] = e->prev[b];
    }
}

static void band_link(index_t *x, uint32_t s)
{
    for (int b = 0; b < BANDS; b++) {
        uint32_t *head = &x->heads[b * BAND_SIZE + band_of(x->e[s].hash, b)];
        x->e[s].prev[b] = NIL;
        x->e[s].next[b] = *head;
        if (*head != NIL)
            x->e[*head].prev[b] = s;
        *head = s;
    }
}

static uint32_t id_bucket(const index_t *x, const char *id)
{
    return (uint32_t)nw_fnv1a64(id, strlen(id)) & (x->id_nbuckets - 1);
}

static uint32_t id_find(const index_t *x, const char *id)
{
    if (!x->id_buckets)
        return NIL;
    for (uint32_t s = x->id_buckets[id_bucket(x, id)]; s != NIL; s = x->e[s].id_next)
        if (strcmp(x->e[s].id, id) == 0)
            return s;
    return NIL;
}

static void id_unlink(index_t *x, uint32_t s)
{
    uint32_t *p = &x->id_buckets[id_bucket(x, x->e[s].id)];
    while (*p != s)
        p = &x->e[*p].id_next;
    *p = x->e[s].id_next;
}

/* Keeps the id table at most one entry per bucket on average. */
static int id_grow(index_t *x)
{
    if (x->id_buckets && x->used < x->id_nbuckets)
        return 0;
    uint32_t n = x->id_nbuckets ? x->id_nbuckets * 2 : 64;
    uint32_t *b = malloc(n * sizeof(*b));
    if (!b)
        return -1;
    memset(b, 0xFF, n * sizeof(*b));
    free(x->id_buckets);
    x->id_buckets = b;
    x->id_nbuckets = n;
    for (uint32_t s = 0; s < x->used; s++) {
        if (!x->e[s].id)
            continue;
        uint32_t k = id_bucket(x, x->e[s].id);
        x->e[s].id_next = b[k];
        b[k] = s;
    }
    return 0;
}

/* Removes slot s's entry from the index, leaving the slot free. */
static void slot_clear(index_t *x, uint32_t s)
{
    if (!x->e[s].id)
        return;
    if (x->heads)
        band_unlink(x, s);
    id_unlink(x, s);
    free(x->e[s].id);
    x->e[s].id = NULL;
}

/* A slot for a new entry: a fresh one while below capacity, else the
 * oldest, evicted. NIL on allocation failure. */
static uint32_t slot_take(index_t *x, uint32_t capacity)
{
    if (x->used < capacity) {
        if (x->used == x->alloc) {
            uint32_t n = x->alloc ? x->alloc * 2 : 256;
            if (n > capacity)
                n = capacity;
            entry_t *e = realloc(x->e, n * sizeof(*e));
            if (!e)
                return NIL;
            x->e = e;
            x->alloc = n;
        }
        x->e[x->used].id = NULL;
        return x->used++;
    }
    uint32_t s = x->cursor;
    x->cursor = (x->cursor + 1) % capacity;
    slot_clear(x, s);
    return s;
}

static void index_free(index_t *x)
{
    for (uint32_t s = 0; s < x->used; s++)
        free(x->e[s].id);
    free(x->e);
    free(x->heads);
    free(x->id_buckets);
    free(x->topic);
    free(x);
}

static index_t *index_for(neardup_t *nd, const char *topic, int32_t partition)
{
    topic = topic ? topic : "";
    for (index_t *x = nd->indexes; x; x = x->next)
        if (x->partition == partition && strcmp(x->topic, topic) == 0)
            return x;
    index_t *x = calloc(1, sizeof(*x));
    if (!x || !(x->topic = strdup(topic)))
        goto fail;
    x->partition = partition;
    if (nd->threshold < BANDS) {
        if (!(x->heads = malloc((size_t)BANDS * BAND_SIZE * sizeof(*x->heads))))
            goto fail;
        memset(x->heads, 0xFF, (size_t)BANDS * BAND_SIZE * sizeof(*x->heads));
    }
    x->next = nd->indexes;
    nd->indexes = x;
    return x;
fail:
    if (x) {
        free(x->topic);
        free(x);
    }
    return NULL;
}

/* Adds slot s to out when it is within the threshold and another article. */
static int consider(const index_t *x, uint32_t s, uint64_t h, const char *id, int64_t offset,
                    long long t, uint32_t **out, size_t *n, size_t *cap)
{
    const entry_t *e = &x->e[s];
    if (!e->id || nw_hamming64(e->hash, h) > t || strcmp(e->id, id) == 0)
        return 0;
    /* Only what came before in the partition: after a transaction abort the
     * rewound messages meet the index entries of their own first pass. */
    if (offset >= 0 && e->offset >= offset)
        return 0;
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i] == s)
            return 0;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        uint32_t *v = realloc(*out, c * sizeof(*v));
        if (!v)
            return -1;
        *out = v;
        *cap = c;
    }
    (*out)[(*n)++] = s;
    return 0;
}

static int find(const neardup_t *nd, const index_t *x, uint64_t h, const char *id, int64_t offset,
                uint32_t **out, size_t *n)
{
    size_t cap = 0;
    if (!x->heads) {
        for (uint32_t s = 0; s < x->used; s++)
            if (consider(x, s, h, id, offset, nd->threshold, out, n, &cap) < 0)
                return -1;
        return 0;
    }
    for (int b = 0; b < BANDS; b++)
        for (uint32_t s = x->heads[b * BAND_SIZE + band_of(h, b)]; s != NIL; s = x->e[s].next[b])
            if (consider(x, s, h, id, offset, nd->threshold, out, n, &cap) < 0)
                return -1;
    return 0;
}

static int insert(neardup_t *nd, index_t *x, uint64_t h, const char *id, int64_t offset)
{
    uint32_t old = id_find(x, id);
    if (old != NIL)
        slot_clear(x, old);
    char *copy = strdup(id);
    uint32_t s = copy ? slot_take(x, (uint32_t)nd->capacity) : NIL;
    if (s == NIL || id_grow(x) < 0) {
        free(copy);
        return -1;
    }
    entry_t *e = &x->e[s];
    e->hash = h;
    e->offset = offset;
    e->id = copy;
    uint32_t k = id_bucket(x, id);
    e->id_next = x->id_buckets[k];
    x->id_buckets[k] = s;
    if (x->heads)
        band_link(x, s);
    return 0;
}

typedef struct match {
    const char *id;
    int distance;
} match_t;

static int cmp_match(const void *a, const void *b)
{
    return strcmp(((const match_t *)a)->id, ((const match_t *)b)->id);
}

static int cmp_closest(const void *a, const void *b)
{
    const match_t *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance - y->distance;
    return strcmp(x->id, y->id);
}

static nw_enrich_status_t neardup_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                         char *detail, size_t detail_len)
{
    neardup_t *nd = state;
    if (in->simhash == 0 || !in->article_id) {
        snprintf(detail, detail_len, "no text to compare");
        return NW_ENRICH_SKIPPED;
    }
    index_t *x = index_for(nd, in->source_topic, in->partition);
    uint32_t *slots = NULL;
    size_t n = 0;
    match_t *m = NULL;
    json_t *list = NULL;
    nw_enrich_status_t st = NW_ENRICH_OK;
    /* Inputs from hosts older than the offset member count as -1. */
    int64_t offset =
        in->size >= offsetof(nw_enrich_input_t, offset) + sizeof(in->offset) ? in->offset : -1;
    if (!x || find(nd, x, in->simhash, in->article_id, offset, &slots, &n) < 0)
        goto oom;
    if (n && !(m = malloc(n * sizeof(*m))))
        goto oom;
    for (size_t i = 0; i < n; i++)
        m[i] = (match_t){x->e[slots[i]].id, nw_hamming64(x->e[slots[i]].hash, in->simhash)};
    if (n) {
        /* A story syndicated a thousand times must not make every copy carry
         * a thousand ids: the closest `max` are listed, sorted by id. */
        size_t listed = n < (size_t)nd->max ? n : (size_t)nd->max;
        qsort(m, n, sizeof(*m), cmp_closest);
        int closest = m[0].distance;
        qsort(m, listed, sizeof(*m), cmp_match);
        json_t *ext = nw_builtin_extension(record);
        if (!ext || !(list = json_array()))
            goto oom;
        for (size_t i = 0; i < listed; i++)
            if (json_array_append_new(list, json_string(m[i].id)) < 0)
                goto oom;
        int rc = json_object_set_new(ext, "near_duplicate_of", list);
        list = NULL;
        if (rc < 0)
            goto oom;
        int len = snprintf(detail, detail_len, "%zu near-duplicate%s (closest %d bit%s)", n,
                           n == 1 ? "" : "s", closest, closest == 1 ? "" : "s");
        if (listed < n && len > 0 && (size_t)len < detail_len)
            snprintf(detail + len, detail_len - (size_t)len, ", %zu listed", listed);
    } else {
        snprintf(detail, detail_len, "none within %lld bits", nd->threshold);
        st = NW_ENRICH_SKIPPED;
    }
    /* Inserted after the lookup (which reads ids out of the index) so that a
     * new version never lists the article itself. */
    if (insert(nd, x, in->simhash, in->article_id, offset) < 0)
        goto oom;
    goto out;
oom:
    snprintf(detail, detail_len, "out of memory");
    st = NW_ENRICH_DEGRADED;
out:
    json_decref(list);
    free(m);
    free(slots);
    return st;
}

static void neardup_destroy(void *state)
{
    neardup_t *nd = state;
    if (!nd)
        return;
    for (index_t *x = nd->indexes, *next; x; x = next) {
        next = x->next;
        index_free(x);
    }
    free(nd);
}

static int neardup_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                        size_t errlen)
{
    neardup_t *nd = calloc(1, sizeof(*nd));
    if (!nd) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (nw_builtin_int(api, host, "neardup", "threshold", 3, 0, 64, &nd->threshold, errbuf,
                       errlen) < 0 ||
        nw_builtin_int(api, host, "neardup", "capacity", 100000, 1, 10000000, &nd->capacity, errbuf,
                       errlen) < 0 ||
        nw_builtin_int(api, host, "neardup", "max", 20, 1, 100000, &nd->max, errbuf, errlen) < 0) {
        free(nd);
        return -1;
    }
    if (nd->threshold >= BANDS)
        api->log(NW_ENRICHER_LOG_WARN, "neardup",
                 "threshold %lld is above %d: every lookup scans the partition's whole index",
                 nd->threshold, BANDS - 1);
    *state = nd;
    return 0;
}

static const nw_enricher_t neardup_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "neardup",
    .description = "Near-duplicates across article ids by simhash (newswire.near_duplicate_of)",
    .init = neardup_init,
    .enrich = neardup_enrich,
    .destroy = neardup_destroy,
    .enrich_batch = NULL,
};

const nw_enricher_t *nw_builtin_neardup(const nw_enricher_api_t *api)
{
    (void)api;
    return &neardup_enricher;
}
