/*
 * The version store: a Robin Hood hash table of small fixed-size records
 * keyed by a 128-bit digest of the id, with an undo journal for transaction
 * rollback.
 *
 * Layout. Each entry is one 28-byte record: the id's digest (SipHash-2-4 with
 * a 128-bit output under a key drawn at random per store), versioncreated and
 * the version number. Records sit densely, in insertion order, in an array of
 * fixed-size chunks, so an entry costs its record and nothing else: no id
 * bytes, no per-entry allocation, no padding. The table holds 8-byte slots,
 * {low 32 bits of the digest, record index + 1}; the low bits give the home
 * slot and filter probes, so a probe reads a record only when those 32 bits
 * match. Index 0 marks an empty slot. Robin Hood ordering keeps probe lengths
 * short at a load of up to 7/8 and lets a miss stop early, which matters
 * because most decide() calls in a live stream are for unseen ids; deletion
 * shifts the following run back instead of leaving tombstones.
 *
 * At 1M entries that is 28 bytes of record plus 2^21 slots of 8 bytes (about
 * 16.8 bytes per entry), plus one journal bit per record and the unused
 * tail of the last chunk: about 45 bytes. Past a few hundred thousand
 * entries it stays between 38 and 47 whatever the load.
 *
 * Why a digest is enough: the id itself is the key of the entry's changelog
 * record, which is what a restore reads, so the store never needs to give an
 * id back. Two ids colliding in 128 bits of a keyed PRF is not a practical
 * event (about 2^-88 for a billion ids) and cannot be provoked by an input
 * author, who does not know the store's key. The content hash is not kept:
 * no decision reads it; it travels in the changelog value, which the caller
 * encodes from its own nw_version_t.
 *
 * Deletion (changelog tombstones, and rollback of ids first seen since the
 * last commit) moves the last record into the hole and repoints its slot, so
 * the array stays dense. Rollback removes journaled new ids newest first, and
 * those are exactly the array's tail: tombstones are refused while anything
 * is journaled, so nothing else moves records during a transaction.
 *
 * Journal. The first put of an id after a commit records the id's previous
 * version, or that it was absent, and sets the record's bit in a bitmap;
 * later puts of the same id add nothing, so the journal grows with the ids
 * touched per transaction, not with the puts.
 */
#include "dedupe/vstore.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "core/clock.h"
#include "dedupe/changelog.h"

#define MIN_SLOTS    16u
#define CHUNK_SHIFT  13u /* 8192 records, 224 KiB, per full chunk */
#define CHUNK_RECS   (1u << CHUNK_SHIFT)
#define FIRST_RECS   16u               /* the first chunk starts this small and doubles */
#define JOURNAL_KEEP 4096u             /* journal entries kept allocated across commits */
#define MAX_RECS     (UINT32_MAX - 1u) /* record index + 1 must fit a slot */

typedef struct digest {
    uint32_t w[4];
} digest_t;

/* 28 bytes with 4-byte alignment: versioncreated is split in two words so
 * the struct needs no padding. */
typedef struct rec {
    digest_t d;
    uint32_t vc_lo, vc_hi;
    uint32_t version;
} rec_t;

typedef struct slot {
    uint32_t tag; /* d.w[0]: home slot and probe filter */
    uint32_t ref; /* record index + 1; 0: empty */
} slot_t;

typedef struct jentry {
    uint32_t idx;     /* the record put since the last commit */
    uint32_t version; /* its version at the last commit; 0: it was absent */
    int64_t versioncreated;
} jentry_t;

struct nw_vstore {
    uint64_t key[2]; /* SipHash key */

    slot_t *slots;
    size_t cap; /* power of two */
    size_t min_cap;

    rec_t **chunks;
    size_t nchunks, chunks_cap;
    size_t rec_cap; /* records the chunks hold */
    size_t count;   /* records [0, count) are live */
    uint64_t *jbits;
    size_t jbits_words;

    jentry_t *journal;
    size_t jlen, jcap;
};

/* --- hashing ------------------------------------------------------------ */

/* SipHash-2-4 with its 128-bit output (Aumasson and Bernstein). The digest
 * lives only in memory, so host byte order of the result is fine; message
 * words are read little-endian so the function is the specified one. */
static inline uint64_t rotl(uint64_t x, unsigned b)
{
    return x << b | x >> (64 - b);
}

static inline uint64_t le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = rotl(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = rotl(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = rotl(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = rotl(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = rotl(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = rotl(v2, 32);                                                                         \
    } while (0)

static digest_t digest_of(const nw_vstore_t *s, const void *id, size_t n)
{
    const uint8_t *p = id;
    uint64_t v0 = s->key[0] ^ 0x736f6d6570736575ull, v1 = s->key[1] ^ 0x646f72616e646f6dull,
             v2 = s->key[0] ^ 0x6c7967656e657261ull, v3 = s->key[1] ^ 0x7465646279746573ull;
    v1 ^= 0xee;
    size_t left = n;
    for (; left >= 8; left -= 8, p += 8) {
        uint64_t m = le64(p);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)n << 56;
    for (size_t i = 0; i < left; i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xee;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    uint64_t h0 = v0 ^ v1 ^ v2 ^ v3;
    v1 ^= 0xdd;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    uint64_t h1 = v0 ^ v1 ^ v2 ^ v3;
    return (digest_t){{(uint32_t)h0, (uint32_t)(h0 >> 32), (uint32_t)h1, (uint32_t)(h1 >> 32)}};
}

/* A per-store random key keeps collisions out of an input author's reach.
 * Without the kernel's generator (very old kernels, seccomp), a mix of the
 * clock and addresses still differs from run to run. */
static void seed_key(nw_vstore_t *s)
{
    if (getrandom(s->key, sizeof(s->key), GRND_NONBLOCK) == (ssize_t)sizeof(s->key))
        return;
    uint64_t wall = (uint64_t)nw_wall_ns();
    s->key[0] = wall * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)s;
    s->key[1] = (wall >> 30) * 0xbf58476d1ce4e5b9ull ^ (uint64_t)(uintptr_t)&wall;
}

static inline bool digest_eq(const digest_t *a, const digest_t *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

/* --- records ------------------------------------------------------------ */

static inline rec_t *rec_at(const nw_vstore_t *s, size_t idx)
{
    assert(idx < s->count);
    return &s->chunks[idx >> CHUNK_SHIFT][idx & (CHUNK_RECS - 1)];
}

static inline int64_t rec_vc(const rec_t *r)
{
    uint64_t u = (uint64_t)r->vc_hi << 32 | r->vc_lo;
    /* Two's complement back to signed without an implementation-defined cast. */
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static inline void rec_set(rec_t *r, int64_t vc, uint32_t version)
{
    r->vc_lo = (uint32_t)(uint64_t)vc;
    r->vc_hi = (uint32_t)((uint64_t)vc >> 32);
    r->version = version;
}

static inline bool jbit(const nw_vstore_t *s, size_t idx)
{
    return s->jbits[idx / 64] >> (idx % 64) & 1;
}

static inline void jbit_set(nw_vstore_t *s, size_t idx, bool on)
{
    uint64_t m = (uint64_t)1 << (idx % 64);
    s->jbits[idx / 64] = on ? s->jbits[idx / 64] | m : s->jbits[idx / 64] & ~m;
}

/* Grows the record storage (and the journal bitmap with it) to hold at
 * least n records. The first chunk doubles from FIRST_RECS so a small
 * partition stays small; after it, chunks are full-size and never move. */
static int recs_reserve(nw_vstore_t *s, size_t n)
{
    if (n > MAX_RECS)
        return NW_ERR_NOMEM;
    while (s->rec_cap < n) {
        bool grow_first = s->nchunks == 1 && s->rec_cap < CHUNK_RECS;
        size_t size = CHUNK_RECS; /* records of the chunk to add, or of the regrown first */
        if (s->nchunks == 0 || grow_first)
            for (size = s->rec_cap ? s->rec_cap * 2 : FIRST_RECS; size < n && size < CHUNK_RECS;)
                size *= 2;
        size_t ncap = grow_first ? size : s->rec_cap + size;
        /* The bitmap first: a bitmap larger than the records is harmless if
         * the chunk then fails. */
        size_t words = (ncap + 63) / 64;
        if (words > s->jbits_words) {
            uint64_t *nb = realloc(s->jbits, words * sizeof(*nb));
            if (!nb)
                return NW_ERR_NOMEM;
            memset(nb + s->jbits_words, 0, (words - s->jbits_words) * sizeof(*nb));
            s->jbits = nb;
            s->jbits_words = words;
        }
        if (grow_first) {
            rec_t *c = realloc(s->chunks[0], size * sizeof(rec_t));
            if (!c)
                return NW_ERR_NOMEM;
            s->chunks[0] = c;
        } else {
            if (s->nchunks == s->chunks_cap) {
                size_t cc = s->chunks_cap ? s->chunks_cap * 2 : 4;
                rec_t **nc = realloc(s->chunks, cc * sizeof(*nc));
                if (!nc)
                    return NW_ERR_NOMEM;
                s->chunks = nc;
                s->chunks_cap = cc;
            }
            rec_t *c = malloc(size * sizeof(rec_t));
            if (!c)
                return NW_ERR_NOMEM;
            s->chunks[s->nchunks++] = c;
        }
        s->rec_cap = ncap;
    }
    return 0;
}

/* Gives back the last chunk once the records have shrunk half a chunk below
 * it, so a burst of tombstones returns memory without thrashing at the
 * boundary. */
static void recs_trim(nw_vstore_t *s)
{
    while (s->nchunks > 1) {
        size_t begin = (s->nchunks - 1) * (size_t)CHUNK_RECS;
        if (s->count + CHUNK_RECS / 2 > begin)
            return;
        free(s->chunks[--s->nchunks]);
        s->rec_cap = begin;
    }
}

static void recs_free(nw_vstore_t *s)
{
    for (size_t i = 0; i < s->nchunks; i++)
        free(s->chunks[i]);
    free(s->chunks);
    free(s->jbits);
    s->chunks = NULL;
    s->jbits = NULL;
    s->nchunks = s->chunks_cap = s->rec_cap = s->count = s->jbits_words = 0;
}

/* --- table -------------------------------------------------------------- */

static inline size_t dist_of(const nw_vstore_t *s, size_t i)
{
    return (i - (size_t)(s->slots[i].tag & (s->cap - 1))) & (s->cap - 1);
}

/* Slot index of the digest, or SIZE_MAX. */
static size_t find(const nw_vstore_t *s, const digest_t *d)
{
    size_t mask = s->cap - 1, i = (size_t)d->w[0] & mask;
    for (size_t dist = 0;; dist++, i = (i + 1) & mask) {
        const slot_t *sl = &s->slots[i];
        /* Robin Hood invariant: a run never holds an entry closer to its home
         * than the probe distance, so meeting one proves the id absent. */
        if (sl->ref == 0 || dist_of(s, i) < dist)
            return SIZE_MAX;
        if (sl->tag == d->w[0] && digest_eq(&rec_at(s, sl->ref - 1)->d, d))
            return i;
    }
}

/* Slot index holding record idx, which must be in the table. */
static size_t find_ref(const nw_vstore_t *s, size_t idx)
{
    size_t mask = s->cap - 1, i = (size_t)rec_at(s, idx)->d.w[0] & mask;
    while (s->slots[i].ref != idx + 1) {
        assert(s->slots[i].ref != 0);
        i = (i + 1) & mask;
    }
    return i;
}

static void insert_slot(slot_t *slots, size_t cap, slot_t cur)
{
    size_t mask = cap - 1, i = (size_t)cur.tag & mask, d = 0;
    for (;;) {
        if (slots[i].ref == 0) {
            slots[i] = cur;
            return;
        }
        size_t di = (i - (size_t)(slots[i].tag & mask)) & mask;
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
        if (s->slots[j].ref == 0 || dist_of(s, j) == 0)
            break;
        s->slots[i] = s->slots[j];
        i = j;
    }
    s->slots[i] = (slot_t){0, 0};
}

/* A zeroed table of cap slots. A large one is aligned to 2 MiB and offered
 * to the kernel for transparent huge pages: every probe of a big table is a
 * random access, and with 4 KiB pages most of them also miss the TLB (the
 * miss on the slot was 60% of a 1M-entry restore's time). */
#define HUGE_PAGE (2u * 1024u * 1024u)
static slot_t *slots_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(slot_t);
    if (bytes < 2 * (size_t)HUGE_PAGE)
        return calloc(cap, sizeof(slot_t));
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#endif
    memset(p, 0, bytes);
    return p;
}

static inline size_t max_load(size_t cap)
{
    return cap / 8 * 7;
}

static size_t cap_for(size_t n)
{
    size_t cap = MIN_SLOTS;
    while (max_load(cap) < n && cap < SIZE_MAX / 16) /* an absurd n fails in calloc */
        cap *= 2;
    return cap;
}

/* Rebuilds the table at `cap` slots from the dense records: a sequential
 * read instead of a walk over the old table. */
static int resize(nw_vstore_t *s, size_t cap)
{
    assert((cap & (cap - 1)) == 0 && max_load(cap) >= s->count);
    if (cap > (size_t)UINT32_MAX + 1)
        return NW_ERR_NOMEM; /* the tag addresses at most 2^32 slots */
    slot_t *n = slots_alloc(cap);
    if (!n)
        return NW_ERR_NOMEM;
    for (size_t c = 0, idx = 0; c < s->nchunks && idx < s->count; c++)
        for (size_t k = 0; k < CHUNK_RECS && idx < s->count; k++, idx++)
            insert_slot(n, cap, (slot_t){s->chunks[c][k].d.w[0], (uint32_t)(idx + 1)});
    free(s->slots);
    s->slots = n;
    s->cap = cap;
    return 0;
}

/* Keeps the load at or below 7/8 with n entries. */
static int table_reserve(nw_vstore_t *s, size_t n)
{
    if (n <= max_load(s->cap))
        return 0;
    return resize(s, cap_for(n));
}

/* Removes the entry in slot i: the last record moves into its place. */
static void delete_at(nw_vstore_t *s, size_t i)
{
    size_t idx = s->slots[i].ref - 1, last = s->count - 1;
    remove_slot(s, i);
    if (idx != last) {
        size_t j = find_ref(s, last);
        *rec_at(s, idx) = *rec_at(s, last);
        jbit_set(s, idx, jbit(s, last));
        s->slots[j].ref = (uint32_t)(idx + 1);
    }
    jbit_set(s, last, false);
    s->count--;
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

/* Drops the entries (the caller has dealt with the records' bits) and gives
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

/* Appends a journal entry; journal_reserve() must have succeeded. prev is
 * NULL for an id that was absent. */
static void journal_add(nw_vstore_t *s, size_t idx, const rec_t *prev)
{
    assert(s->jlen < s->jcap);
    s->journal[s->jlen++] = (jentry_t){
        .idx = (uint32_t)idx,
        .version = prev ? prev->version : 0,
        .versioncreated = prev ? rec_vc(prev) : 0,
    };
    jbit_set(s, idx, true);
}

/* --- public API --------------------------------------------------------- */

nw_vstore_t *nw_vstore_new(size_t expected)
{
    nw_vstore_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    seed_key(s);
    s->min_cap = cap_for(expected);
    s->slots = slots_alloc(s->min_cap);
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
    recs_free(s);
    free(s->slots);
    free(s->journal);
    free(s);
}

void nw_vstore_clear(nw_vstore_t *s)
{
    assert(s);
    recs_free(s);
    free(s->journal);
    s->journal = NULL;
    s->jlen = s->jcap = 0;
    /* Back to the initial size when that allocation works; otherwise keep the
     * big table, emptied. */
    slot_t *n = s->cap > s->min_cap ? slots_alloc(s->min_cap) : NULL;
    if (n) {
        free(s->slots);
        s->slots = n;
        s->cap = s->min_cap;
    } else {
        memset(s->slots, 0, s->cap * sizeof(*s->slots));
    }
}

int nw_vstore_reserve(nw_vstore_t *s, size_t n)
{
    assert(s);
    int rc = table_reserve(s, n);
    return rc < 0 ? rc : recs_reserve(s, n);
}

nw_dedupe_t nw_vstore_decide(const nw_vstore_t *s, const char *id, size_t id_len,
                             int64_t versioncreated, uint32_t *next_version)
{
    assert(s && (id || id_len == 0));
    digest_t d = digest_of(s, id, id_len);
    size_t i = find(s, &d);
    uint32_t next = 1;
    nw_dedupe_t out = NW_DEDUPE_NEW;
    if (i != SIZE_MAX) {
        const rec_t *r = rec_at(s, s->slots[i].ref - 1);
        int64_t vc = rec_vc(r);
        if (versioncreated > vc) {
            /* Four billion versions of one article cannot happen; saturate
             * rather than wrap to 0, which would read as "never emitted". */
            next = r->version < UINT32_MAX ? r->version + 1 : UINT32_MAX;
        } else {
            next = r->version;
            out = versioncreated == vc ? NW_DEDUPE_DUPLICATE : NW_DEDUPE_STALE;
        }
    }
    if (next_version)
        *next_version = next;
    return out;
}

int nw_vstore_get(const nw_vstore_t *s, const char *id, size_t id_len, nw_version_t *out)
{
    assert(s && (id || id_len == 0) && out);
    digest_t d = digest_of(s, id, id_len);
    size_t i = find(s, &d);
    if (i == SIZE_MAX)
        return NW_ERR_NOT_FOUND;
    const rec_t *r = rec_at(s, s->slots[i].ref - 1);
    memset(out, 0, sizeof(*out));
    out->versioncreated = rec_vc(r);
    out->version = r->version;
    return 0;
}

/* Sets the id's version, journaled (a put) or not (a restore). Every
 * allocation happens before the first change, so on failure the store and
 * the journal are as they were. */
static int store(nw_vstore_t *s, const char *id, size_t id_len, int64_t vc, uint32_t version,
                 bool journal)
{
    digest_t d = digest_of(s, id, id_len);
    size_t i = find(s, &d);
    int rc;
    if (i != SIZE_MAX) {
        size_t idx = s->slots[i].ref - 1;
        rec_t *r = rec_at(s, idx);
        if (journal && !jbit(s, idx)) {
            if ((rc = journal_reserve(s)) < 0)
                return rc;
            journal_add(s, idx, r);
        }
        rec_set(r, vc, version);
        return 0;
    }
    if ((rc = table_reserve(s, s->count + 1)) < 0 || (journal && (rc = journal_reserve(s)) < 0) ||
        (rc = recs_reserve(s, s->count + 1)) < 0)
        return rc;
    size_t idx = s->count++;
    rec_t *r = rec_at(s, idx);
    r->d = d;
    rec_set(r, vc, version);
    insert_slot(s->slots, s->cap, (slot_t){d.w[0], (uint32_t)(idx + 1)});
    if (journal)
        journal_add(s, idx, NULL);
    return 0;
}

int nw_vstore_put(nw_vstore_t *s, const char *id, size_t id_len, const nw_version_t *v)
{
    assert(s && (id || id_len == 0) && v);
    if (v->version == 0 || id_len > NW_VSTORE_ID_MAX)
        return NW_ERR_INVALID;
    return store(s, id, id_len, v->versioncreated, v->version, true);
}

void nw_vstore_commit(nw_vstore_t *s)
{
    assert(s);
    for (size_t k = 0; k < s->jlen; k++)
        jbit_set(s, s->journal[k].idx, false);
    journal_reset(s);
}

void nw_vstore_rollback(nw_vstore_t *s)
{
    assert(s);
    /* Newest first: ids inserted since the commit are then always the last
     * record, so removing one moves nothing. */
    for (size_t k = s->jlen; k-- > 0;) {
        const jentry_t *j = &s->journal[k];
        if (j->version == 0) {
            assert(j->idx == s->count - 1);
            delete_at(s, find_ref(s, j->idx));
        } else {
            rec_set(rec_at(s, j->idx), j->versioncreated, j->version);
            jbit_set(s, j->idx, false);
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
        digest_t d = digest_of(s, key, key_len);
        size_t i = find(s, &d);
        if (i != SIZE_MAX) {
            delete_at(s, i);
            recs_trim(s);
        }
        return 0;
    }
    nw_version_t v;
    int rc = nw_changelog_decode(value, value_len, &v, err);
    if (rc < 0)
        return rc;
    rc = store(s, key, key_len, v.versioncreated, v.version, false);
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
    return sizeof(*s) + s->cap * sizeof(slot_t) + s->rec_cap * sizeof(rec_t) +
           s->chunks_cap * sizeof(rec_t *) + s->jbits_words * sizeof(uint64_t) +
           s->jcap * sizeof(jentry_t);
}

int nw_vstore_foreach(const nw_vstore_t *s, nw_vstore_fn fn, void *arg)
{
    assert(s && fn);
    for (size_t idx = 0; idx < s->count; idx++) {
        const rec_t *r = rec_at(s, idx);
        nw_version_t v = {.versioncreated = rec_vc(r), .version = r->version};
        int rc = fn((const char *)&r->d, sizeof(r->d), &v, arg);
        if (rc)
            return rc;
    }
    return 0;
}
