/*
 * The version store: a Robin Hood hash table over records kept in an arena,
 * with an undo journal for transaction rollback.
 *
 * Layout. Each entry is one record in the arena: the version (44 bytes), the
 * id's length and the id bytes, 8-byte aligned. The table holds 16-byte
 * slots, {64-bit hash, record reference}, so probing compares hashes and
 * touches a record only when the full hash matches. Hash 0 marks an empty
 * slot (a real hash of 0 is mapped to 1). Robin Hood ordering keeps probe
 * lengths short and lets a miss stop early, which matters because most
 * decide() calls in a live stream are for unseen ids; deletion shifts the
 * following run back instead of leaving tombstones.
 *
 * The arena is a list of chunks that only grows at its tail, so a record's
 * reference (chunk << 32 | offset) stays valid while the table resizes. Ids
 * first inserted since the last commit sit at the arena's tail in insertion
 * order, so a rollback, which removes them in reverse, mostly just truncates
 * the tail. Other deletions (changelog tombstones) leave garbage that is
 * compacted away when the journal is empty, since the journal holds
 * references that compaction would move.
 *
 * Journal. The first put of an id after a commit records the id's previous
 * version, or that it was absent, and flags the record; later puts of the
 * same id add nothing, so the journal grows with the ids touched per
 * transaction, not with the puts.
 */
#include "dedupe/vstore.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe/changelog.h"

#define MIN_SLOTS         16u
#define CHUNK_MIN         4096u
#define CHUNK_MAX         (256u * 1024u)
#define JOURNAL_KEEP      4096u       /* journal entries kept allocated across commits */
#define JOURNALED         0x80000000u /* in rec.key_len: journaled since the last commit */
#define COMPACT_MIN_BYTES (64u * 1024u)

typedef struct rec {
    int64_t versioncreated;
    uint32_t version;
    uint32_t key_len; /* id length | JOURNALED */
    uint8_t content_hash[NW_CONTENT_HASH_SIZE];
    char key[];
} rec_t;

typedef struct slot {
    uint64_t hash; /* 0: empty */
    uint64_t ref;  /* chunk index << 32 | byte offset in the chunk */
} slot_t;

typedef struct chunk {
    uint8_t *mem;
    uint32_t used;
    uint32_t cap;
} chunk_t;

typedef struct jentry {
    uint64_t ref;  /* the record put since the last commit */
    uint64_t hash; /* its hash, to find its slot again */
    bool absent;   /* it did not exist at the last commit */
    nw_version_t prev;
} jentry_t;

struct nw_vstore {
    slot_t *slots;
    size_t cap; /* power of two */
    size_t count;
    size_t min_cap;

    chunk_t *chunks;
    size_t nchunks, chunks_cap;
    size_t arena_used; /* sum of chunk.used */
    size_t garbage;    /* bytes of deleted records not at a tail */

    jentry_t *journal;
    size_t jlen, jcap;
};

/* --- hashing ------------------------------------------------------------ */

/* A multiply-fold hash in the style of wyhash: each step multiplies two
 * key-dependent 64-bit words to 128 bits and folds the halves together,
 * which mixes every input bit into every output bit in one multiplication.
 * The hash lives only in memory, so host byte order is fine. */
static const uint64_t K0 = 0x9e3779b97f4a7c15ull, K1 = 0xbf58476d1ce4e5b9ull,
                      K2 = 0x94d049bb133111ebull, K3 = 0xff51afd7ed558ccdull;

static inline uint64_t mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t ha = a >> 32, la = (uint32_t)a, hb = b >> 32, lb = (uint32_t)b;
    uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
    uint64_t t = rl + (rm0 << 32), c = t < rl;
    uint64_t lo = t + (rm1 << 32);
    c += lo < t;
    uint64_t hi = rh + (rm0 >> 32) + (rm1 >> 32) + c;
    return lo ^ hi;
#endif
}

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t hash_id(const void *id, size_t n)
{
    const uint8_t *p = id;
    uint64_t h = K0 ^ mum((uint64_t)n ^ K1, K2);
    size_t left = n;
    while (left > 16) {
        h = mum(rd64(p) ^ K1, rd64(p + 8) ^ h);
        p += 16;
        left -= 16;
    }
    uint64_t a = 0, b = 0;
    if (left > 8) {
        a = rd64(p);
        b = rd64(p + left - 8); /* overlapping read: no byte-by-byte tail */
    } else if (left >= 4) {
        a = rd32(p);
        b = rd32(p + left - 4);
    } else if (left > 0) {
        a = (uint64_t)p[0] << 16 | (uint64_t)p[left >> 1] << 8 | p[left - 1];
    }
    h = mum(a ^ K1, b ^ h ^ K3);
    h = mum(h ^ K2, (uint64_t)n ^ K0);
    return h ? h : 1;
}

/* --- arena -------------------------------------------------------------- */

static inline size_t rec_size(size_t key_len)
{
    return (sizeof(rec_t) + key_len + 7) & ~(size_t)7;
}

static inline rec_t *rec_at(const nw_vstore_t *s, uint64_t ref)
{
    size_t c = (size_t)(ref >> 32);
    assert(c < s->nchunks);
    assert((uint32_t)ref < s->chunks[c].used);
    return (rec_t *)(void *)(s->chunks[c].mem + (uint32_t)ref);
}

static inline size_t rec_key_len(const rec_t *r)
{
    return r->key_len & ~JOURNALED;
}

static inline void rec_get(const rec_t *r, nw_version_t *v)
{
    v->versioncreated = r->versioncreated;
    v->version = r->version;
    memcpy(v->content_hash, r->content_hash, NW_CONTENT_HASH_SIZE);
}

static inline void rec_set(rec_t *r, const nw_version_t *v)
{
    r->versioncreated = v->versioncreated;
    r->version = v->version;
    memcpy(r->content_hash, v->content_hash, NW_CONTENT_HASH_SIZE);
}

/* Makes sure `size` bytes can be appended without failing later. */
static int arena_reserve(nw_vstore_t *s, size_t size)
{
    if (s->nchunks > 0) {
        chunk_t *last = &s->chunks[s->nchunks - 1];
        if (last->cap - last->used >= size)
            return 0;
    }
    if (s->nchunks == s->chunks_cap) {
        size_t ncap = s->chunks_cap ? s->chunks_cap * 2 : 8;
        chunk_t *n = realloc(s->chunks, ncap * sizeof(*n));
        if (!n)
            return NW_ERR_NOMEM;
        s->chunks = n;
        s->chunks_cap = ncap;
    }
    /* Chunks double up to CHUNK_MAX so a small partition stays small and a
     * large one wastes at most one chunk's tail per chunk. */
    size_t cap = s->nchunks ? s->chunks[s->nchunks - 1].cap * 2u : CHUNK_MIN;
    if (cap > CHUNK_MAX)
        cap = CHUNK_MAX;
    if (cap < size)
        cap = size;
    uint8_t *mem = malloc(cap);
    if (!mem)
        return NW_ERR_NOMEM;
    s->chunks[s->nchunks++] = (chunk_t){mem, 0, (uint32_t)cap};
    return 0;
}

/* Appends a record; arena_reserve() must have succeeded for its size. */
static uint64_t arena_append(nw_vstore_t *s, const char *id, size_t id_len, const nw_version_t *v)
{
    size_t size = rec_size(id_len);
    assert(s->nchunks > 0);
    chunk_t *last = &s->chunks[s->nchunks - 1];
    assert(last->cap - last->used >= size);
    uint64_t ref = (uint64_t)(s->nchunks - 1) << 32 | last->used;
    rec_t *r = (rec_t *)(void *)(last->mem + last->used);
    last->used += (uint32_t)size;
    s->arena_used += size;
    rec_set(r, v);
    r->key_len = (uint32_t)id_len;
    if (id_len)
        memcpy(r->key, id, id_len);
    return ref;
}

/* Releases a record's bytes: truncates the tail when it is the last record,
 * otherwise counts it as garbage for the next compaction. */
static void arena_release(nw_vstore_t *s, uint64_t ref)
{
    size_t size = rec_size(rec_key_len(rec_at(s, ref)));
    size_t c = (size_t)(ref >> 32);
    chunk_t *ch = &s->chunks[c];
    if (c == s->nchunks - 1 && (uint32_t)ref + size == ch->used) {
        ch->used -= (uint32_t)size;
        s->arena_used -= size;
        if (ch->used == 0) {
            free(ch->mem);
            s->nchunks--;
        }
    } else {
        s->garbage += size;
    }
}

static void arena_free(nw_vstore_t *s)
{
    for (size_t i = 0; i < s->nchunks; i++)
        free(s->chunks[i].mem);
    free(s->chunks);
    s->chunks = NULL;
    s->nchunks = s->chunks_cap = 0;
    s->arena_used = s->garbage = 0;
}

/* --- table -------------------------------------------------------------- */

static inline size_t dist_of(const nw_vstore_t *s, size_t i)
{
    return (i - (size_t)(s->slots[i].hash & (s->cap - 1))) & (s->cap - 1);
}

/* Slot index of the id, or SIZE_MAX. */
static size_t find(const nw_vstore_t *s, uint64_t h, const char *id, size_t id_len)
{
    size_t mask = s->cap - 1, i = (size_t)h & mask;
    for (size_t d = 0;; d++, i = (i + 1) & mask) {
        const slot_t *sl = &s->slots[i];
        /* Robin Hood invariant: a run never holds an entry closer to its home
         * than the probe distance, so meeting one proves the id absent. */
        if (sl->hash == 0 || dist_of(s, i) < d)
            return SIZE_MAX;
        if (sl->hash == h) {
            const rec_t *r = rec_at(s, sl->ref);
            if (rec_key_len(r) == id_len && (id_len == 0 || memcmp(r->key, id, id_len) == 0))
                return i;
        }
    }
}

static void insert_slot(slot_t *slots, size_t cap, slot_t cur)
{
    size_t mask = cap - 1, i = (size_t)cur.hash & mask, d = 0;
    for (;;) {
        if (slots[i].hash == 0) {
            slots[i] = cur;
            return;
        }
        size_t di = (i - (size_t)(slots[i].hash & mask)) & mask;
        if (di < d) {
            slot_t t = slots[i];
            slots[i] = cur;
            cur = t;
            d = di;
        }
        i = (i + 1) & mask;
        d++;
    }
}

/* Backward-shift deletion: pull the rest of the run one slot closer to home. */
static void remove_slot(nw_vstore_t *s, size_t i)
{
    size_t mask = s->cap - 1;
    for (;;) {
        size_t j = (i + 1) & mask;
        if (s->slots[j].hash == 0 || dist_of(s, j) == 0)
            break;
        s->slots[i] = s->slots[j];
        i = j;
    }
    s->slots[i] = (slot_t){0, 0};
    s->count--;
}

static size_t cap_for(size_t n)
{
    size_t cap = MIN_SLOTS;
    while (cap / 4 * 3 < n && cap < SIZE_MAX / 4) /* an absurd n fails in calloc */
        cap *= 2;
    return cap;
}

static int resize(nw_vstore_t *s, size_t cap)
{
    assert((cap & (cap - 1)) == 0 && cap / 4 * 3 >= s->count);
    slot_t *n = calloc(cap, sizeof(*n));
    if (!n)
        return NW_ERR_NOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].hash)
            insert_slot(n, cap, s->slots[i]);
    free(s->slots);
    s->slots = n;
    s->cap = cap;
    return 0;
}

/* Keeps the load factor at or below 0.75 after one more insertion. */
static int reserve_one(nw_vstore_t *s)
{
    if (s->count + 1 <= s->cap / 4 * 3)
        return 0;
    return resize(s, s->cap * 2);
}

/* Rewrites the arena with only live records, when enough of it is garbage.
 * Only with an empty journal: compaction moves records. Failure just leaves
 * the garbage in place. */
static void maybe_compact(nw_vstore_t *s)
{
    if (s->jlen > 0 || s->garbage < COMPACT_MIN_BYTES || s->garbage * 2 < s->arena_used)
        return;
    /* Copy first, in slot order, and touch the table only once every copy has
     * succeeded; the second pass walks the new arena in the same order. */
    nw_vstore_t fresh = {0};
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i].hash)
            continue;
        const rec_t *r = rec_at(s, s->slots[i].ref);
        nw_version_t v;
        rec_get(r, &v);
        if (arena_reserve(&fresh, rec_size(rec_key_len(r))) < 0) {
            arena_free(&fresh);
            return;
        }
        arena_append(&fresh, r->key, rec_key_len(r), &v);
    }
    size_t c = 0;
    uint32_t off = 0;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i].hash)
            continue;
        if (off == fresh.chunks[c].used) {
            c++;
            off = 0;
        }
        assert(c < fresh.nchunks && off < fresh.chunks[c].used);
        s->slots[i].ref = (uint64_t)c << 32 | off;
        off += (uint32_t)rec_size(rec_key_len(rec_at(&fresh, s->slots[i].ref)));
    }
    arena_free(s);
    s->chunks = fresh.chunks;
    s->nchunks = fresh.nchunks;
    s->chunks_cap = fresh.chunks_cap;
    s->arena_used = fresh.arena_used;
}

/* --- journal ------------------------------------------------------------ */

static int journal_reserve(nw_vstore_t *s)
{
    if (s->jlen < s->jcap)
        return 0;
    size_t ncap = s->jcap ? s->jcap * 2 : 64;
    jentry_t *n = realloc(s->journal, ncap * sizeof(*n));
    if (!n)
        return NW_ERR_NOMEM;
    s->journal = n;
    s->jcap = ncap;
    return 0;
}

/* Drops the entries (the caller has dealt with the records' flags) and gives
 * back the memory of an unusually large transaction's journal. */
static void journal_reset(nw_vstore_t *s)
{
    s->jlen = 0;
    if (s->jcap > JOURNAL_KEEP) {
        free(s->journal);
        s->journal = NULL;
        s->jcap = 0;
    }
}

/* --- public API --------------------------------------------------------- */

nw_vstore_t *nw_vstore_new(size_t expected)
{
    nw_vstore_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->min_cap = cap_for(expected);
    s->slots = calloc(s->min_cap, sizeof(*s->slots));
    if (!s->slots) {
        free(s);
        return NULL;
    }
    s->cap = s->min_cap;
    return s;
}

void nw_vstore_free(nw_vstore_t *s)
{
    if (!s)
        return;
    arena_free(s);
    free(s->slots);
    free(s->journal);
    free(s);
}

void nw_vstore_clear(nw_vstore_t *s)
{
    assert(s);
    arena_free(s);
    free(s->journal);
    s->journal = NULL;
    s->jlen = s->jcap = 0;
    s->count = 0;
    /* Back to the initial size when that allocation works; otherwise keep the
     * big table, emptied. */
    slot_t *n = s->cap > s->min_cap ? calloc(s->min_cap, sizeof(*n)) : NULL;
    if (n) {
        free(s->slots);
        s->slots = n;
        s->cap = s->min_cap;
    } else {
        memset(s->slots, 0, s->cap * sizeof(*s->slots));
    }
}

nw_dedupe_t nw_vstore_decide(const nw_vstore_t *s, const char *id, size_t id_len,
                             int64_t versioncreated, uint32_t *next_version)
{
    assert(s && (id || id_len == 0));
    size_t i = find(s, hash_id(id, id_len), id, id_len);
    uint32_t next = 1;
    nw_dedupe_t d = NW_DEDUPE_NEW;
    if (i != SIZE_MAX) {
        const rec_t *r = rec_at(s, s->slots[i].ref);
        if (versioncreated > r->versioncreated) {
            /* Four billion versions of one article cannot happen; saturate
             * rather than wrap to 0, which would read as "never emitted". */
            next = r->version < UINT32_MAX ? r->version + 1 : UINT32_MAX;
        } else {
            next = r->version;
            d = versioncreated == r->versioncreated ? NW_DEDUPE_DUPLICATE : NW_DEDUPE_STALE;
        }
    }
    if (next_version)
        *next_version = next;
    return d;
}

int nw_vstore_get(const nw_vstore_t *s, const char *id, size_t id_len, nw_version_t *out)
{
    assert(s && (id || id_len == 0) && out);
    size_t i = find(s, hash_id(id, id_len), id, id_len);
    if (i == SIZE_MAX)
        return NW_ERR_NOT_FOUND;
    rec_get(rec_at(s, s->slots[i].ref), out);
    return 0;
}

/* Appends a journal entry; journal_reserve() must have succeeded. */
static void journal_add(nw_vstore_t *s, uint64_t ref, uint64_t h, const rec_t *prev)
{
    assert(s->jlen < s->jcap);
    jentry_t *j = &s->journal[s->jlen++];
    memset(j, 0, sizeof(*j));
    j->ref = ref;
    j->hash = h;
    j->absent = prev == NULL;
    if (prev)
        rec_get(prev, &j->prev);
}

/* Sets the id's version, journaled (a put) or not (a restore). Every
 * allocation happens before the first change, so on failure the store and
 * the journal are as they were. */
static int store(nw_vstore_t *s, const char *id, size_t id_len, const nw_version_t *v, bool journal)
{
    uint64_t h = hash_id(id, id_len);
    size_t i = find(s, h, id, id_len);
    int rc;
    if (i != SIZE_MAX) {
        rec_t *r = rec_at(s, s->slots[i].ref);
        if (journal && !(r->key_len & JOURNALED)) {
            if ((rc = journal_reserve(s)) < 0)
                return rc;
            journal_add(s, s->slots[i].ref, h, r);
            r->key_len |= JOURNALED;
        }
        rec_set(r, v);
        return 0;
    }
    if ((rc = reserve_one(s)) < 0 || (journal && (rc = journal_reserve(s)) < 0) ||
        (rc = arena_reserve(s, rec_size(id_len))) < 0)
        return rc;
    uint64_t ref = arena_append(s, id, id_len, v);
    insert_slot(s->slots, s->cap, (slot_t){h, ref});
    s->count++;
    if (journal) {
        journal_add(s, ref, h, NULL);
        rec_at(s, ref)->key_len |= JOURNALED;
    }
    return 0;
}

int nw_vstore_put(nw_vstore_t *s, const char *id, size_t id_len, const nw_version_t *v)
{
    assert(s && (id || id_len == 0) && v);
    if (v->version == 0 || id_len > NW_VSTORE_ID_MAX)
        return NW_ERR_INVALID;
    return store(s, id, id_len, v, true);
}

void nw_vstore_commit(nw_vstore_t *s)
{
    assert(s);
    for (size_t k = 0; k < s->jlen; k++)
        rec_at(s, s->journal[k].ref)->key_len &= ~JOURNALED;
    journal_reset(s);
    maybe_compact(s);
}

/* Slot index holding the record `ref`, which must be in the table. */
static size_t find_ref(const nw_vstore_t *s, uint64_t h, uint64_t ref)
{
    size_t mask = s->cap - 1, i = (size_t)h & mask;
    while (s->slots[i].ref != ref || s->slots[i].hash != h) {
        assert(s->slots[i].hash != 0);
        i = (i + 1) & mask;
    }
    return i;
}

void nw_vstore_rollback(nw_vstore_t *s)
{
    assert(s);
    /* Newest first, so ids inserted since the commit leave the arena from its
     * tail and the space is reused at once. */
    for (size_t k = s->jlen; k-- > 0;) {
        const jentry_t *j = &s->journal[k];
        if (j->absent) {
            remove_slot(s, find_ref(s, j->hash, j->ref));
            arena_release(s, j->ref);
        } else {
            rec_t *r = rec_at(s, j->ref);
            rec_set(r, &j->prev);
            r->key_len &= ~JOURNALED;
        }
    }
    journal_reset(s);
}

int nw_vstore_apply_changelog(nw_vstore_t *s, const void *key, size_t key_len, const void *value,
                              size_t value_len, nw_error_t *err)
{
    assert(s && (key || key_len == 0));
    if (s->jlen > 0)
        return nw_error_set(err, NW_ERR_INVALID,
                            "state restore with %zu uncommitted ids: commit or roll back first",
                            s->jlen);
    if (key_len > NW_VSTORE_ID_MAX)
        return nw_error_set(err, NW_ERR_INVALID, "state record key of %zu bytes exceeds %u",
                            key_len, NW_VSTORE_ID_MAX);
    if (!value) {
        uint64_t h = hash_id(key, key_len);
        size_t i = find(s, h, key, key_len);
        if (i != SIZE_MAX) {
            uint64_t ref = s->slots[i].ref;
            remove_slot(s, i);
            arena_release(s, ref);
            maybe_compact(s);
        }
        return 0;
    }
    nw_version_t v;
    int rc = nw_changelog_decode(value, value_len, &v, err);
    if (rc < 0)
        return rc;
    rc = store(s, key, key_len, &v, false);
    if (rc < 0)
        return nw_error_set(err, rc, "out of memory restoring the version store");
    return 0;
}

size_t nw_vstore_count(const nw_vstore_t *s)
{
    assert(s);
    return s->count;
}

size_t nw_vstore_pending(const nw_vstore_t *s)
{
    assert(s);
    return s->jlen;
}

size_t nw_vstore_memory_bytes(const nw_vstore_t *s)
{
    assert(s);
    size_t n = sizeof(*s) + s->cap * sizeof(slot_t) + s->chunks_cap * sizeof(chunk_t) +
               s->jcap * sizeof(jentry_t);
    for (size_t i = 0; i < s->nchunks; i++)
        n += s->chunks[i].cap;
    return n;
}

int nw_vstore_foreach(const nw_vstore_t *s, nw_vstore_fn fn, void *arg)
{
    assert(s && fn);
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i].hash)
            continue;
        const rec_t *r = rec_at(s, s->slots[i].ref);
        nw_version_t v;
        rec_get(r, &v);
        int rc = fn(r->key, rec_key_len(r), &v, arg);
        if (rc)
            return rc;
    }
    return 0;
}
