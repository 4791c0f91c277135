/*
 * nw_vstore: the per-partition version store behind deduplication.
 *
 * For every article id seen on one input partition the store keeps the last
 * emitted version: its `versioncreated` (UTC seconds) and its version number
 * (1, 2, ... counting emitted versions); the SHA-256 of its content goes to
 * the changelog with it but is not kept in memory. The dedupe rule reads
 * it: a newer `versioncreated` is the next version, an equal one a
 * duplicate, an older one stale (see nw_vstore_decide()).
 *
 * Exactly-once needs the store to move in step with the Kafka transaction
 * that carries the output, the changelog updates and the input offsets. Every
 * put since the last nw_vstore_commit() is journaled, so when a transaction
 * aborts and the consumer rewinds, nw_vstore_rollback() restores exactly the
 * state of the last commit, including forgetting ids first seen since then.
 *
 * The store is a Robin Hood hash table in memory; the durable copy is the
 * compacted changelog topic (see changelog.h), replayed through
 * nw_vstore_apply_changelog() when a partition is assigned. To stay small it
 * keeps, per id, a 128-bit keyed digest of the id instead of the id (the id
 * itself is the changelog record's key), and not the content hash (no
 * decision reads it; it travels in the changelog value): 28 bytes of record
 * plus 8 bytes per table slot at a load of 7/16 to 7/8, plus at most one
 * partly used chunk of records (224 KiB). About 45 bytes per entry at 1M
 * entries.
 *
 * Ids are arbitrary bytes (embedded NULs allowed) up to NW_VSTORE_ID_MAX.
 * A store is not thread-safe: one partition, one thread.
 */
#ifndef NW_DEDUPE_VSTORE_H
#define NW_DEDUPE_VSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "newswire/error.h"

#define NW_CONTENT_HASH_SIZE 32
/* Longest id the store accepts; identify keeps ids far shorter (urls, keys). */
#define NW_VSTORE_ID_MAX (1u << 20)

/* The last emitted version of one article. */
typedef struct nw_version {
    int64_t versioncreated; /* UTC seconds */
    uint32_t version;       /* 1, 2, ...: emitted versions so far */
    uint8_t content_hash[NW_CONTENT_HASH_SIZE];
} nw_version_t;

typedef enum nw_dedupe {
    NW_DEDUPE_NEW = 0,   /* never seen, or a newer versioncreated: emit */
    NW_DEDUPE_DUPLICATE, /* same versioncreated as the last emitted version */
    NW_DEDUPE_STALE,     /* older than the last emitted version */
} nw_dedupe_t;

typedef struct nw_vstore nw_vstore_t;

/* Calls back once per entry; a non-zero return stops the walk and is returned
 * by nw_vstore_foreach(). The store does not keep ids: `id` is the entry's
 * 16-byte digest (id_len 16), distinct per entry and stable for the store's
 * lifetime, not the original id. v->content_hash is all zeros (see
 * nw_vstore_get()). id and v are borrowed for the call only. The store must
 * not be changed from inside the callback. */
typedef int (*nw_vstore_fn)(const char *id, size_t id_len, const nw_version_t *v, void *arg);

/* A new empty store sized for `expected` entries without growing (0 is fine).
 * Returns NULL when out of memory. Free with nw_vstore_free(). */
nw_vstore_t *nw_vstore_new(size_t expected);

/* Makes room for `n` entries in all, so a restore of a known number of
 * changelog records neither rehashes nor reallocates on the way. Returns 0 or
 * NW_ERR_NOMEM (the store is unchanged but may hold more spare room). */
int nw_vstore_reserve(nw_vstore_t *s, size_t n);

/* Frees the store and everything in it; NULL is fine. */
void nw_vstore_free(nw_vstore_t *s);

/* Forgets every entry and the journal (e.g. when a partition is revoked). */
void nw_vstore_clear(nw_vstore_t *s);

/* Applies the dedupe rule to an incoming version of `id`. For NW_DEDUPE_NEW,
 * *next_version is the number the version gets (1 for an unseen id, else the
 * stored version + 1); for a duplicate or stale version it is the stored
 * version. next_version may be NULL. Does not change the store. */
nw_dedupe_t nw_vstore_decide(const nw_vstore_t *s, const char *id, size_t id_len,
                             int64_t versioncreated, uint32_t *next_version);

/* Copies the stored version of `id` into *out; NW_ERR_NOT_FOUND when absent.
 * The store does not keep content hashes, so out->content_hash is zeroed. */
int nw_vstore_get(const nw_vstore_t *s, const char *id, size_t id_len, nw_version_t *out);

/* Records `v` as the last emitted version of `id`, journaled for rollback.
 * The caller applies the rule first (nw_vstore_decide()); put stores v as is.
 * Returns 0, NW_ERR_INVALID (v->version 0 or id longer than NW_VSTORE_ID_MAX)
 * or NW_ERR_NOMEM; on error the store is unchanged. */
int nw_vstore_put(nw_vstore_t *s, const char *id, size_t id_len, const nw_version_t *v);

/* Makes the current content the baseline: call it once the Kafka transaction
 * that carries these puts has committed. */
void nw_vstore_commit(nw_vstore_t *s);

/* Restores exactly the content at the last commit (or creation, or clear):
 * call it when the transaction aborts and the consumer rewinds. */
void nw_vstore_rollback(nw_vstore_t *s);

/* Replays one record of the changelog topic while restoring a partition:
 * key = id, value = nw_changelog_encode() bytes, or value NULL for a
 * tombstone, which removes the id. The record replaces whatever the store
 * holds for the id: the topic is read in offset order, so the last record of
 * a key is its state. Not journaled, so it is refused (NW_ERR_INVALID) while
 * puts are uncommitted; call nw_vstore_commit() after the restore. A value
 * that does not decode returns NW_ERR_INVALID with detail in err. */
int nw_vstore_apply_changelog(nw_vstore_t *s, const void *key, size_t key_len, const void *value,
                              size_t value_len, nw_error_t *err);

/* Number of ids in the store. */
size_t nw_vstore_count(const nw_vstore_t *s);

/* Number of ids changed since the last commit (what a rollback would undo). */
size_t nw_vstore_pending(const nw_vstore_t *s);

/* Approximate heap bytes held by the store (table, records, journal);
 * allocator overhead is not counted. */
size_t nw_vstore_memory_bytes(const nw_vstore_t *s);

/* Calls fn for every entry in an unspecified order; returns 0 or the first
 * non-zero value fn returned. */
int nw_vstore_foreach(const nw_vstore_t *s, nw_vstore_fn fn, void *arg);

#endif
