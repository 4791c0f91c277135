/*
 * The "neardup" built-in: near-duplicates across different article ids, by
 * 64-bit simhash, recorded as newswire.near_duplicate_of (earlier ids whose
 * simhash is within the Hamming threshold: the closest `max`, sorted by id).
 *
 * The index is in memory and kept per (source topic, partition): a partition
 * is processed in offset order by one consumer, so the answer for a record
 * depends only on the records before it in its partition, and a replay of
 * that partition gives the same answer. It is bounded: once it holds
 * `capacity` entries, each new one evicts the oldest. An article id has one
 * entry (its latest version's simhash); a new version takes the newest place.
 *
 * Cost per message is bounded whatever the input. Syndicated copy (one wire
 * story under thousands of ids) gives thousands of identical simhashes, so
 * entries are grouped by simhash: a group knows its member count and lists
 * its members oldest first, and the lookup compares groups, never members.
 * Exact copies are found through a hash table of groups in O(1). Other
 * groups are found by banding: the 64 bits are cut into four 16-bit bands,
 * and two hashes within 3 bits of each other agree on at least one band, so
 * only groups sharing a band are compared. A threshold above 3 loses that
 * guarantee; the index then walks all its groups, newest first. Either way
 * at most `scan` groups are compared per lookup (newest first along each
 * band); beyond that, older near (not exact) copies go unseen, and the
 * detail says the scan stopped.
 *
 * Which ids are listed: the closest first; among equally close ones, the
 * earliest indexed first (the original wire story before its copies); at
 * most `max` of them, then sorted by id. The detail counts every earlier
 * article within the threshold among the groups compared.
 *
 * Only what came before in the partition counts: after a transaction abort
 * the runner re-reads messages whose first pass already went into the
 * index, and a repartitioned input (see the README) interleaves one origin
 * partition's offsets across several consumers' batches. A group records
 * the highest offset among its members: when that is below the message's
 * offset, as it is in a plain forward pass, its count holds as it is;
 * otherwise its members are walked (within the same `scan` budget) and the
 * later ones left out.
 *
 * Settings (enrichers.neardup.<key>):
 *   threshold  largest distance in bits (default: near.duplicate.threshold, 3)
 *   capacity   entries per partition (default 100000)
 *   max        most ids listed, the closest ones (default 20)
 *   scan       most distinct simhashes compared per lookup (default 1000)
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"

#define BANDS       4
#define BAND_BITS   16
#define BAND_SIZE   (1u << BAND_BITS)
#define NIL         UINT32_MAX
#define TOUCH_LINKS 64 /* most links touch_chains() loads ahead of a walk */

/* One article id's latest simhash. */
typedef struct entry {
    uint64_t seq;   /* insertion order within the index */
    int64_t offset; /* of the message that put it here, or -1 */
    char *id;       /* NULL: a free slot */
    uint32_t group;
    uint32_t gprev, gnext; /* the group's members, oldest first */
    uint32_t id_next;
} entry_t;

/* The entries sharing one simhash: what a walk along a band chain or a
 * hash table chain reads, apart from the rest (group_t, same index), half
 * a cache line. A lookup steps through tens of groups that are not near,
 * in an index that outgrows the caches; each step used to miss on a
 * 88-byte group, often across two lines, and write a stamp into it. */
typedef struct glink {
    uint64_t hash;
    uint32_t next[BANDS]; /* band chains, newest first */
    uint32_t h_next;      /* hash table chain, or the free list */
    uint32_t unused;
} glink_t;
_Static_assert(sizeof(glink_t) == 32, "two links a cache line");

/* The rest of a group, read once a group is found near. */
typedef struct group {
    int64_t max_offset; /* highest offset among the members (or one evicted) */
    uint32_t head, tail, count;
    uint32_t prev[BANDS];        /* band chains, newest first */
    uint32_t all_next, all_prev; /* every group, newest first */
} group_t;

typedef struct index {
    char *topic; /* "" outside Kafka */
    int32_t partition;
    entry_t *e;
    uint32_t used, alloc; /* slots in use (grows to capacity), allocated */
    uint32_t cursor;      /* next slot to write once full: the oldest */
    uint64_t seq;         /* entries ever inserted */
    uint32_t *id_buckets; /* id hash chains */
    uint32_t id_nbuckets; /* a power of two */
    glink_t *gl;          /* g_alloc of them, cache-line aligned */
    group_t *g;
    uint32_t g_used, g_alloc, g_free, g_live;
    uint32_t *g_buckets; /* simhash -> group chains */
    uint32_t g_nbuckets; /* a power of two */
    uint32_t *heads;     /* BANDS * BAND_SIZE band chains; NULL when walking all */
    uint32_t all_head;   /* newest group */
    struct index *next;
} index_t;

typedef struct neardup {
    long long threshold, capacity, max, scan;
    /* The list, not the indexes: an index is only ever worked on by one
     * thread at a time, since nw_process_batch() keeps an origin partition's
     * messages on one thread; the list is shared by all. */
    pthread_mutex_t lock;
    index_t *indexes;
} neardup_t;

/* Simhash comparisons made by every instance (see builtins.h). */
static uint64_t compared;

uint64_t nw_neardup_compared(void)
{
    return __atomic_load_n(&compared, __ATOMIC_RELAXED);
}

static uint32_t band_of(uint64_t h, int b)
{
    return (uint32_t)(h >> (b * BAND_BITS)) & (BAND_SIZE - 1);
}

static uint32_t mix32(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* Rebuilds a chained table of n buckets (a power of two, doubled from *nb
 * when full) when it holds as many items as buckets. Returns 0 or -1. */
static int table_grow(uint32_t **buckets, uint32_t *nb, uint32_t items)
{
    if (*buckets && items < *nb)
        return 0;
    uint32_t n = *nb ? *nb * 2 : 64;
    uint32_t *b = malloc(n * sizeof(*b));
    if (!b)
        return -1;
    memset(b, 0xFF, n * sizeof(*b));
    free(*buckets);
    *buckets = b;
    *nb = n;
    return 1;
}

static uint64_t id_hash(const char *id)
{
    return nw_fnv1a64(id, strlen(id));
}

/* The bucket of an id whose id_hash() is idh: the message's id is hashed
 * once for its lookup and its insertion (some 290 instructions each). */
static uint32_t id_bucket_of(const index_t *x, uint64_t idh)
{
    return (uint32_t)idh & (x->id_nbuckets - 1);
}

static uint32_t id_bucket(const index_t *x, const char *id)
{
    return id_bucket_of(x, id_hash(id));
}

/* The slot of id, whose id_hash() is idh; NIL: none. */
static uint32_t id_find(const index_t *x, const char *id, uint64_t idh)
{
    if (!x->id_buckets)
        return NIL;
    for (uint32_t s = x->id_buckets[id_bucket_of(x, idh)]; s != NIL; s = x->e[s].id_next)
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
    int rc = table_grow(&x->id_buckets, &x->id_nbuckets, x->used);
    if (rc <= 0)
        return rc;
    for (uint32_t s = 0; s < x->used; s++) {
        if (!x->e[s].id)
            continue;
        uint32_t k = id_bucket(x, x->e[s].id);
        x->e[s].id_next = x->id_buckets[k];
        x->id_buckets[k] = s;
    }
    return 0;
}

static uint32_t g_bucket(const index_t *x, uint64_t h)
{
    return mix32(h) & (x->g_nbuckets - 1);
}

static uint32_t group_find(const index_t *x, uint64_t h)
{
    if (!x->g_buckets)
        return NIL;
    for (uint32_t k = x->g_buckets[g_bucket(x, h)]; k != NIL; k = x->gl[k].h_next)
        if (x->gl[k].hash == h)
            return k;
    return NIL;
}

static int group_table_grow(index_t *x)
{
    int rc = table_grow(&x->g_buckets, &x->g_nbuckets, x->g_live + 1);
    if (rc <= 0)
        return rc;
    for (uint32_t k = 0; k < x->g_used; k++) {
        if (x->g[k].count == 0)
            continue;
        uint32_t b = g_bucket(x, x->gl[k].hash);
        x->gl[k].h_next = x->g_buckets[b];
        x->g_buckets[b] = k;
    }
    return 0;
}

/* Room for n groups in both arrays; -1 when out of memory. The links
 * are copied into a new aligned block, since realloc() keeps only the
 * allocator's 16-byte alignment and a link across two lines costs two
 * misses. */
static int group_room(index_t *x, uint32_t n)
{
    glink_t *gl = aligned_alloc(64, (size_t)n * sizeof(*gl));
    group_t *g = gl ? realloc(x->g, (size_t)n * sizeof(*g)) : NULL;
    if (!g) {
        free(gl);
        return -1;
    }
    if (x->g_used)
        memcpy(gl, x->gl, (size_t)x->g_used * sizeof(*gl));
    free(x->gl);
    x->gl = gl;
    x->g = g;
    x->g_alloc = n;
    return 0;
}

/* A new, empty group for h linked everywhere; NIL on allocation failure. */
static uint32_t group_new(index_t *x, uint64_t h)
{
    if (group_table_grow(x) < 0)
        return NIL;
    uint32_t k = x->g_free;
    if (k != NIL) {
        x->g_free = x->gl[k].h_next;
    } else {
        if (x->g_used == x->g_alloc && group_room(x, x->g_alloc ? x->g_alloc * 2 : 256) < 0)
            return NIL;
        k = x->g_used++;
    }
    group_t *g = &x->g[k];
    glink_t *gl = &x->gl[k];
    memset(g, 0, sizeof(*g));
    memset(gl, 0, sizeof(*gl));
    gl->hash = h;
    g->max_offset = INT64_MIN;
    g->head = g->tail = NIL;
    uint32_t b = g_bucket(x, h);
    gl->h_next = x->g_buckets[b];
    x->g_buckets[b] = k;
    g->all_prev = NIL;
    g->all_next = x->all_head;
    if (x->all_head != NIL)
        x->g[x->all_head].all_prev = k;
    x->all_head = k;
    for (int i = 0; x->heads && i < BANDS; i++) {
        uint32_t *head = &x->heads[i * BAND_SIZE + band_of(h, i)];
        g->prev[i] = NIL;
        gl->next[i] = *head;
        if (*head != NIL)
            x->g[*head].prev[i] = k;
        *head = k;
    }
    x->g_live++;
    return k;
}

/* Unlinks an emptied group and puts it on the free list. */
static void group_drop(index_t *x, uint32_t k)
{
    group_t *g = &x->g[k];
    glink_t *gl = &x->gl[k];
    for (int i = 0; x->heads && i < BANDS; i++) {
        if (g->prev[i] != NIL)
            x->gl[g->prev[i]].next[i] = gl->next[i];
        else
            x->heads[i * BAND_SIZE + band_of(gl->hash, i)] = gl->next[i];
        if (gl->next[i] != NIL)
            x->g[gl->next[i]].prev[i] = g->prev[i];
    }
    if (g->all_prev != NIL)
        x->g[g->all_prev].all_next = g->all_next;
    else
        x->all_head = g->all_next;
    if (g->all_next != NIL)
        x->g[g->all_next].all_prev = g->all_prev;
    uint32_t *p = &x->g_buckets[g_bucket(x, gl->hash)];
    while (*p != k)
        p = &x->gl[*p].h_next;
    *p = gl->h_next;
    gl->h_next = x->g_free;
    x->g_free = k;
    x->g_live--;
}

/* Removes slot s's entry from the index, leaving the slot free. */
static void slot_clear(index_t *x, uint32_t s)
{
    entry_t *e = &x->e[s];
    if (!e->id)
        return;
    group_t *g = &x->g[e->group];
    if (e->gprev != NIL)
        x->e[e->gprev].gnext = e->gnext;
    else
        g->head = e->gnext;
    if (e->gnext != NIL)
        x->e[e->gnext].gprev = e->gprev;
    else
        g->tail = e->gprev;
    if (--g->count == 0)
        group_drop(x, e->group);
    id_unlink(x, s);
    free(e->id);
    e->id = NULL;
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
    free(x->g);
    free(x->gl);
    free(x->g_buckets);
    free(x->heads);
    free(x->id_buckets);
    free(x->topic);
    free(x);
}

static index_t *index_new(neardup_t *nd, const char *topic, int32_t partition);

static index_t *index_for(neardup_t *nd, const char *topic, int32_t partition)
{
    topic = topic ? topic : "";
    pthread_mutex_lock(&nd->lock);
    index_t *x = nd->indexes;
    while (x && !(x->partition == partition && strcmp(x->topic, topic) == 0))
        x = x->next;
    if (!x)
        x = index_new(nd, topic, partition);
    pthread_mutex_unlock(&nd->lock);
    return x;
}

/* A new empty index, first in nd's list (under nd->lock). */
static index_t *index_new(neardup_t *nd, const char *topic, int32_t partition)
{
    index_t *x = calloc(1, sizeof(*x));
    if (!x || !(x->topic = strdup(topic)))
        goto fail;
    x->partition = partition;
    x->g_free = x->all_head = NIL;
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

/* A group within the threshold, in the current lookup. */
typedef struct cand {
    uint32_t group;
    int distance;
    uint64_t first; /* seq of its oldest member */
} cand_t;

typedef struct lookup {
    int64_t before;   /* entries count when their offset is below this */
    uint32_t own;     /* the article's earlier version, never listed; NIL: none */
    long long budget; /* comparisons and member steps left */
    cand_t *v;
    size_t n, cap;
    size_t articles;   /* earlier articles within the threshold */
    uint64_t compared; /* groups compared with the simhash */
    bool capped;       /* the budget ran out */
} lookup_t;

/* Spends one step of the budget; false (and capped) when none is left. */
static bool spend(lookup_t *l)
{
    if (l->budget <= 0) {
        l->capped = true;
        return false;
    }
    l->budget--;
    return true;
}

/* Whether slot s counts for the lookup: another article, from before. */
static bool counts(const index_t *x, uint32_t s, const lookup_t *l)
{
    return s != l->own && x->e[s].offset < l->before;
}

/* Adds group k, d bits from the lookup's simhash (within the threshold),
 * when it has members that count. */
static int near(const index_t *x, uint32_t k, int d, lookup_t *l)
{
    const group_t *g = &x->g[k];
    uint32_t others = 0, first = NIL;
    if (g->max_offset < l->before) {
        /* Every member is from before: the count needs no walk. */
        others = g->count - (l->own != NIL && x->e[l->own].group == k);
        first = g->head == l->own ? x->e[l->own].gnext : g->head;
    } else {
        for (uint32_t s = g->head; s != NIL && spend(l); s = x->e[s].gnext)
            if (counts(x, s, l)) {
                others++;
                first = first == NIL ? s : first;
            }
    }
    if (others == 0)
        return 0;
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 8;
        cand_t *v = realloc(l->v, c * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = c;
    }
    l->v[l->n++] = (cand_t){k, d, x->e[first].seq};
    l->articles += others;
    return 0;
}

/* Compares group k with h; adds it when within t. */
static int visit(const index_t *x, uint32_t k, uint64_t h, long long t, lookup_t *l)
{
    l->compared++;
    int d = nw_hamming64(x->gl[k].hash, h);
    return d <= t ? near(x, k, d, l) : 0;
}

/* Whether a and h agree on one of the bands before band b: a group that
 * does was compared on an earlier band's chain (which the lookup walks
 * whole, or stops), so each group is compared once with no mark written
 * into it. */
static bool band_seen(uint64_t a, uint64_t h, int b)
{
    for (int i = 0; i < b; i++)
        if (band_of(a ^ h, i) == 0)
            return true;
    return false;
}

/* Starts loading what find() reads first for h: the exact copy's bucket
 * and the bands' chain heads, so that their misses overlap each other and
 * the id's lookup. */
static void prefetch_bands(const index_t *x, uint64_t h)
{
    if (x->g_buckets)
        __builtin_prefetch(&x->g_buckets[g_bucket(x, h)]);
    for (int b = 0; x->heads && b < BANDS; b++)
        __builtin_prefetch(&x->heads[b * BAND_SIZE + band_of(h, b)]);
}

/* Loads up to `steps` links of the four chains from head, a link of each
 * in turn, and nothing else: the walk that follows goes one chain after
 * the other and waits on each link's miss in turn, while here the four
 * chains' misses overlap (the bench corpus's lookups step through some
 * 34 links spread over the four). At most TOUCH_LINKS: a lookup along
 * crowded bands (bench_neardup's near copies, a thousand links) finds
 * its links in the cache anyway, and would step through them twice. */
static void touch_chains(const index_t *x, const uint32_t head[BANDS], long long steps)
{
    uint32_t k[BANDS];
    memcpy(k, head, sizeof(k));
    while (steps > 0) {
        long long left = steps;
        for (int b = 0; b < BANDS; b++)
            if (k[b] != NIL) {
                k[b] = x->gl[k[b]].next[b];
                steps--;
            }
        if (steps == left)
            break;
    }
}

/* Collects the groups within the threshold of h: the exact copies first,
 * then the others the budget reaches. */
static int find_groups(const neardup_t *nd, const index_t *x, uint64_t h, lookup_t *l)
{
    uint32_t exact = group_find(x, h);
    if (exact != NIL && visit(x, exact, h, nd->threshold, l) < 0)
        return -1;
    if (!x->heads) {
        for (uint32_t k = x->all_head; k != NIL && spend(l); k = x->g[k].all_next)
            if (k != exact && visit(x, k, h, nd->threshold, l) < 0)
                return -1;
        return 0;
    }
    uint32_t head[BANDS];
    for (int b = 0; b < BANDS; b++)
        head[b] = x->heads[b * BAND_SIZE + band_of(h, b)];
    touch_chains(x, head, l->budget < TOUCH_LINKS ? l->budget : TOUCH_LINKS);
    for (int b = 0; b < BANDS && !l->capped; b++)
        for (uint32_t k = head[b]; k != NIL; k = x->gl[k].next[b]) {
            if (k == exact)
                continue;
            if (!spend(l))
                break;
            if (!band_seen(x->gl[k].hash, h, b) && visit(x, k, h, nd->threshold, l) < 0)
                return -1;
        }
    return 0;
}

/* find_groups(), its comparisons counted once for all (see compared). */
static int find(const neardup_t *nd, const index_t *x, uint64_t h, lookup_t *l)
{
    int rc = find_groups(nd, x, h, l);
    __atomic_add_fetch(&compared, l->compared, __ATOMIC_RELAXED);
    return rc;
}

/* Adds id (its id_hash() idh) with simhash h at offset; -1 when out of
 * memory. */
static int insert(neardup_t *nd, index_t *x, uint64_t h, const char *id, uint64_t idh,
                  int64_t offset)
{
    char *copy = strdup(id);
    uint32_t s = copy ? slot_take(x, (uint32_t)nd->capacity) : NIL;
    uint32_t k = s != NIL && id_grow(x) == 0 ? group_find(x, h) : NIL;
    if (s != NIL && k == NIL)
        k = group_new(x, h);
    if (k == NIL) {
        free(copy);
        return -1;
    }
    entry_t *e = &x->e[s];
    group_t *g = &x->g[k];
    *e = (entry_t){.seq = ++x->seq, .offset = offset, .id = copy, .group = k};
    e->gprev = g->tail;
    e->gnext = NIL;
    if (g->tail != NIL)
        x->e[g->tail].gnext = s;
    else
        g->head = s;
    g->tail = s;
    g->count++;
    if (offset > g->max_offset)
        g->max_offset = offset;
    uint32_t b = id_bucket_of(x, idh);
    e->id_next = x->id_buckets[b];
    x->id_buckets[b] = s;
    return 0;
}

static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance - y->distance;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ids to list: the closest groups' members, oldest first, up to max.
 * Members that do not count are stepped over within a budget of its own. */
static size_t pick(const index_t *x, lookup_t *l, long long scan, size_t max, const char **ids)
{
    size_t n = 0;
    l->budget = scan;
    qsort(l->v, l->n, sizeof(*l->v), cmp_cand);
    for (size_t i = 0; i < l->n && n < max; i++)
        for (uint32_t s = x->g[l->v[i].group].head; s != NIL && n < max; s = x->e[s].gnext)
            if (counts(x, s, l))
                ids[n++] = x->e[s].id;
            else if (!spend(l))
                break;
    qsort(ids, n, sizeof(*ids), cmp_id);
    return n;
}

/* newswire.near_duplicate_of: ids[0..n) added to the record's extension;
 * -1 when out of memory or an id is not UTF-8, the record then as it was. */
static int list_json(json_t *record, const char **ids, size_t n)
{
    json_t *ext = nw_builtin_extension(record);
    json_t *list = ext ? json_array() : NULL;
    if (!list)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(list, json_string(ids[i])) < 0) {
            json_decref(list);
            return -1;
        }
    return json_object_set_new(ext, "near_duplicate_of", list);
}

/* list_json() for the byte path. */
static int list_bytes(nw_enrich_bytes_t *rec, const char **ids, size_t n)
{
    nw_buf_t *b = &rec->ext;
    size_t mark = b->len;
    nw_buf_lit(b, ",\"near_duplicate_of\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            nw_buf_putc(b, ',');
        if (nw_builtin_put_string(b, ids[i], strlen(ids[i])) < 0) {
            if (nw_buf_ok(b)) {
                b->len = mark;
                b->data[mark] = '\0';
            }
            return -1;
        }
    }
    nw_buf_putc(b, ']');
    return 0;
}

/* neardup's work on a record, its members added to record or, on the byte
 * path, to rec (the other NULL). */
static nw_enrich_status_t neardup_run(neardup_t *nd, json_t *record, nw_enrich_bytes_t *rec,
                                      const nw_enrich_input_t *in, char *detail, size_t detail_len)
{
    if (in->simhash == 0 || !in->article_id) {
        snprintf(detail, detail_len, "no text to compare");
        return NW_ENRICH_SKIPPED;
    }
    index_t *x = index_for(nd, in->source_topic, in->partition);
    lookup_t l = {0};
    const char **ids = NULL;
    nw_enrich_status_t st = NW_ENRICH_OK;
    /* Inputs from hosts older than the offset member count as -1. */
    int64_t offset =
        in->size >= offsetof(nw_enrich_input_t, offset) + sizeof(in->offset) ? in->offset : -1;
    if (!x)
        goto oom;
    prefetch_bands(x, in->simhash);
    uint64_t idh = id_hash(in->article_id);
    uint32_t own = id_find(x, in->article_id, idh);
    l.own = own;
    l.before = offset >= 0 ? offset : INT64_MAX;
    l.budget = nd->scan;
    if (find(nd, x, in->simhash, &l) < 0)
        goto oom;
    if (l.articles) {
        /* A story syndicated a thousand times must not make every copy carry
         * a thousand ids: the closest `max` are listed, sorted by id. */
        size_t max = l.articles < (size_t)nd->max ? l.articles : (size_t)nd->max;
        if (!(ids = malloc(max * sizeof(*ids))))
            goto oom;
        size_t listed = pick(x, &l, nd->scan, max, ids);
        int closest = l.v[0].distance;
        if ((rec ? list_bytes(rec, ids, listed) : list_json(record, ids, listed)) < 0)
            goto oom;
        size_t n = l.articles;
        int len = snprintf(detail, detail_len, "%zu near-duplicate%s (closest %d bit%s)", n,
                           n == 1 ? "" : "s", closest, closest == 1 ? "" : "s");
        if (listed < n && len > 0 && (size_t)len < detail_len)
            len += snprintf(detail + len, detail_len - (size_t)len, ", %zu listed", listed);
        if (l.capped && len > 0 && (size_t)len < detail_len)
            snprintf(detail + len, detail_len - (size_t)len, ", scan stopped at %lld", nd->scan);
    } else {
        snprintf(detail, detail_len, "none within %lld bits%s", nd->threshold,
                 l.capped ? " (scan stopped)" : "");
        st = NW_ENRICH_SKIPPED;
    }
    /* Inserted after the listing (which reads ids out of the index) so that
     * a new version never lists the article itself. */
    if (own != NIL)
        slot_clear(x, own);
    if (insert(nd, x, in->simhash, in->article_id, idh, offset) < 0)
        goto oom;
    goto out;
oom:
    snprintf(detail, detail_len, "out of memory");
    st = NW_ENRICH_DEGRADED;
out:
    free(ids);
    free(l.v);
    return st;
}

NW_ENRICH_BOTH_WAYS(neardup_enrich, nw_builtin_neardup_bytes, neardup_run)

static void neardup_destroy(void *state)
{
    neardup_t *nd = state;
    if (!nd)
        return;
    for (index_t *x = nd->indexes, *next; x; x = next) {
        next = x->next;
        index_free(x);
    }
    pthread_mutex_destroy(&nd->lock);
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
        nw_builtin_int(api, host, "neardup", "max", 20, 1, 100000, &nd->max, errbuf, errlen) < 0 ||
        nw_builtin_int(api, host, "neardup", "scan", 1000, 1, 10000000, &nd->scan, errbuf, errlen) <
            0) {
        free(nd);
        return -1;
    }
    pthread_mutex_init(&nd->lock, NULL);
    if (nd->threshold >= BANDS)
        api->log(NW_ENRICHER_LOG_WARN, "neardup",
                 "threshold %lld is above %d: every lookup walks the partition's newest %lld "
                 "distinct simhashes",
                 nd->threshold, BANDS - 1, nd->scan);
    *state = nd;
    return 0;
}

/* What init() reads; the host refuses any other enrichers.neardup.* key. */
static const nw_enricher_setting_t neardup_settings[] = {
    {"threshold", NW_SETTING_INT, "3", NULL, 0, 64, 0,
     "largest distance in bits (default: near.duplicate.threshold)"},
    {"capacity", NW_SETTING_INT, "100000", NULL, 1, 10000000, 0, "entries kept per partition"},
    {"max", NW_SETTING_INT, "20", NULL, 1, 100000, 0, "most ids listed, the closest ones"},
    {"scan", NW_SETTING_INT, "1000", NULL, 1, 10000000, 0,
     "most distinct simhashes compared per lookup"},
    {NULL, 0, NULL, NULL, 0, 0, 0, NULL},
};

static const nw_enricher_t neardup_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "neardup",
    .description = "Near-duplicates across article ids by simhash (newswire.near_duplicate_of)",
    .init = neardup_init,
    .enrich = neardup_enrich,
    .destroy = neardup_destroy,
    .enrich_batch = NULL,
    .settings = neardup_settings,
    .setting_size = sizeof(nw_enricher_setting_t),
};

const nw_enricher_t *nw_builtin_neardup(const nw_enricher_api_t *api)
{
    (void)api;
    return &neardup_enricher;
}
