/*
 * Tests of the dedupe version store and its changelog codec: the dedupe rule,
 * growth, binary and long ids, the rollback journal (checked against a plain
 * sorted-array model over many random operations), the state topic's value
 * layout and the restore path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dedupe/changelog.h"
#include "dedupe/vstore.h"

static nw_version_t ver(int64_t vc, uint32_t version, uint8_t tag)
{
    nw_version_t v = {.versioncreated = vc, .version = version};
    for (int i = 0; i < NW_CONTENT_HASH_SIZE; i++)
        v.content_hash[i] = (uint8_t)(tag + i);
    return v;
}

/* got is what the store returned, want what was put: the store keeps
 * versioncreated and version, and gives a zeroed content hash back. */
static void assert_version_eq(const nw_version_t *got, const nw_version_t *want)
{
    static const uint8_t zero[NW_CONTENT_HASH_SIZE];
    assert_int_equal(got->versioncreated, want->versioncreated);
    assert_int_equal(got->version, want->version);
    assert_memory_equal(got->content_hash, zero, NW_CONTENT_HASH_SIZE);
}

/* A changelog value decodes to every field, the content hash included. */
static void assert_decoded_eq(const nw_version_t *got, const nw_version_t *want)
{
    assert_int_equal(got->versioncreated, want->versioncreated);
    assert_int_equal(got->version, want->version);
    assert_memory_equal(got->content_hash, want->content_hash, NW_CONTENT_HASH_SIZE);
}

/* Small deterministic generator, so a failure reproduces. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_decide_put(void **state)
{
    (void)state;
    nw_vstore_t *s = nw_vstore_new(0);
    assert_non_null(s);
    const char *id = "https://example.com/news/1";
    uint32_t next = 99;

    assert_int_equal(nw_vstore_decide(s, id, strlen(id), 1000, &next), NW_DEDUPE_NEW);
    assert_int_equal(next, 1);
    nw_version_t v1 = ver(1000, next, 1);
    assert_int_equal(nw_vstore_put(s, id, strlen(id), &v1), 0);
    assert_int_equal(nw_vstore_count(s), 1);

    assert_int_equal(nw_vstore_decide(s, id, strlen(id), 1000, &next), NW_DEDUPE_DUPLICATE);
    assert_int_equal(next, 1);
    assert_int_equal(nw_vstore_decide(s, id, strlen(id), 999, &next), NW_DEDUPE_STALE);
    assert_int_equal(next, 1);
    assert_int_equal(nw_vstore_decide(s, id, strlen(id), -5, NULL), NW_DEDUPE_STALE);
    assert_int_equal(nw_vstore_decide(s, id, strlen(id), 1001, &next), NW_DEDUPE_NEW);
    assert_int_equal(next, 2);

    nw_version_t v2 = ver(1001, next, 2);
    assert_int_equal(nw_vstore_put(s, id, strlen(id), &v2), 0);
    assert_int_equal(nw_vstore_decide(s, id, strlen(id), 5000, &next), NW_DEDUPE_NEW);
    assert_int_equal(next, 3);
    assert_int_equal(nw_vstore_decide(s, id, strlen(id), 1000, &next), NW_DEDUPE_STALE);
    assert_int_equal(next, 2);
    assert_int_equal(nw_vstore_count(s), 1);

    nw_version_t got;
    assert_int_equal(nw_vstore_get(s, id, strlen(id), &got), 0);
    assert_version_eq(&got, &v2);
    assert_int_equal(nw_vstore_get(s, "nope", 4, &got), NW_ERR_NOT_FOUND);
    /* A prefix of a stored id is another id. */
    assert_int_equal(nw_vstore_decide(s, id, strlen(id) - 1, 1000, &next), NW_DEDUPE_NEW);
    assert_int_equal(next, 1);

    nw_version_t bad = ver(1, 0, 0);
    assert_int_equal(nw_vstore_put(s, "x", 1, &bad), NW_ERR_INVALID);
    char *huge = calloc(NW_VSTORE_ID_MAX + 1, 1);
    assert_non_null(huge);
    assert_int_equal(nw_vstore_put(s, huge, NW_VSTORE_ID_MAX + 1, &v1), NW_ERR_INVALID);
    free(huge);
    assert_int_equal(nw_vstore_count(s), 1);
    nw_vstore_free(s);
    nw_vstore_free(NULL);
}

static size_t make_id(char *buf, size_t i)
{
    return (size_t)sprintf(buf, "https://example.com/news/%zu", i);
}

static void test_growth(void **state)
{
    (void)state;
    enum { N = 200000 };
    nw_vstore_t *s = nw_vstore_new(0);
    assert_non_null(s);
    char id[64];
    for (size_t i = 0; i < N; i++) {
        size_t n = make_id(id, i);
        uint32_t next;
        assert_int_equal(nw_vstore_decide(s, id, n, (int64_t)i, &next), NW_DEDUPE_NEW);
        nw_version_t v = ver((int64_t)i, next, (uint8_t)i);
        assert_int_equal(nw_vstore_put(s, id, n, &v), 0);
        if (i % 1000 == 999)
            nw_vstore_commit(s);
    }
    nw_vstore_commit(s);
    assert_int_equal(nw_vstore_count(s), N);
    for (size_t i = 0; i < N; i++) {
        size_t n = make_id(id, i);
        nw_version_t got, want = ver((int64_t)i, 1, (uint8_t)i);
        assert_int_equal(nw_vstore_get(s, id, n, &got), 0);
        assert_version_eq(&got, &want);
        assert_int_equal(nw_vstore_decide(s, id, n, (int64_t)i, NULL), NW_DEDUPE_DUPLICATE);
    }
    for (size_t i = N; i < N + 1000; i++) {
        size_t n = make_id(id, i);
        assert_int_equal(nw_vstore_decide(s, id, n, 0, NULL), NW_DEDUPE_NEW);
    }
    /* 28-byte records and 8-byte slots at a load of 7/16 to 7/8, plus
     * little: never below the records themselves, never above 48. */
    size_t per_entry = nw_vstore_memory_bytes(s) / N;
    assert_true(per_entry >= 28 && per_entry <= 48);

    nw_vstore_clear(s);
    assert_int_equal(nw_vstore_count(s), 0);
    size_t n = make_id(id, 7);
    assert_int_equal(nw_vstore_decide(s, id, n, 7, NULL), NW_DEDUPE_NEW);
    assert_true(nw_vstore_memory_bytes(s) < 4096);
    nw_vstore_free(s);
}

typedef struct seen {
    size_t calls;
    size_t bytes;
    uint8_t digests[16][16];
} seen_t;

/* foreach yields 16-byte digests, not ids; they must differ per entry. */
static int count_entry(const char *id, size_t id_len, const nw_version_t *v, void *arg)
{
    seen_t *seen = arg;
    assert_int_equal(id_len, 16);
    assert_true(seen->calls < 16);
    for (size_t i = 0; i < seen->calls; i++)
        assert_memory_not_equal(seen->digests[i], id, 16);
    memcpy(seen->digests[seen->calls], id, 16);
    seen->calls++;
    seen->bytes += id_len;
    (void)v;
    return 0;
}

static int stop_at_second(const char *id, size_t id_len, const nw_version_t *v, void *arg)
{
    (void)id;
    (void)id_len;
    (void)v;
    return ++*(int *)arg == 2 ? 42 : 0;
}

static void test_binary_and_long_ids(void **state)
{
    (void)state;
    nw_vstore_t *s = nw_vstore_new(4);
    assert_non_null(s);
    static const struct {
        const char *bytes;
        size_t len;
    } ids[] = {{"", 0}, {"a", 1}, {"a\0", 2}, {"a\0b", 3}, {"a\0c", 3}, {"\0", 1}, {"\0\0", 2}};
    size_t nids = sizeof(ids) / sizeof(ids[0]);
    for (size_t i = 0; i < nids; i++) {
        nw_version_t v = ver((int64_t)i, 1, (uint8_t)i);
        assert_int_equal(nw_vstore_decide(s, ids[i].bytes, ids[i].len, 0, NULL), NW_DEDUPE_NEW);
        assert_int_equal(nw_vstore_put(s, ids[i].bytes, ids[i].len, &v), 0);
    }
    /* Long ids that differ only in their last byte, up to the maximum. */
    size_t lens[] = {4096, 100000, NW_VSTORE_ID_MAX};
    char *big = malloc(NW_VSTORE_ID_MAX);
    assert_non_null(big);
    for (size_t i = 0; i < NW_VSTORE_ID_MAX; i++)
        big[i] = (char)(i * 31);
    for (size_t k = 0; k < 3; k++) {
        for (int last = 0; last < 2; last++) {
            big[lens[k] - 1] = (char)last;
            nw_version_t v = ver(100 + (int64_t)k * 2 + last, 1, 9);
            assert_int_equal(nw_vstore_put(s, big, lens[k], &v), 0);
        }
    }
    nw_vstore_commit(s);
    assert_int_equal(nw_vstore_count(s), nids + 6);
    for (size_t i = 0; i < nids; i++) {
        nw_version_t got, want = ver((int64_t)i, 1, (uint8_t)i);
        assert_int_equal(nw_vstore_get(s, ids[i].bytes, ids[i].len, &got), 0);
        assert_version_eq(&got, &want);
    }
    for (size_t k = 0; k < 3; k++) {
        for (int last = 0; last < 2; last++) {
            big[lens[k] - 1] = (char)last;
            nw_version_t got;
            assert_int_equal(nw_vstore_get(s, big, lens[k], &got), 0);
            assert_int_equal(got.versioncreated, 100 + (int64_t)k * 2 + last);
        }
    }
    seen_t seen = {0};
    assert_int_equal(nw_vstore_foreach(s, count_entry, &seen), 0);
    assert_int_equal(seen.calls, nids + 6);
    assert_int_equal(seen.bytes, 16 * (nids + 6));
    int calls = 0;
    assert_int_equal(nw_vstore_foreach(s, stop_at_second, &calls), 42);
    assert_int_equal(calls, 2);
    free(big);
    nw_vstore_free(s);
}

static void test_rollback_basics(void **state)
{
    (void)state;
    nw_vstore_t *s = nw_vstore_new(0);
    assert_non_null(s);
    nw_version_t a1 = ver(10, 1, 1), a2 = ver(20, 2, 2), a3 = ver(30, 3, 3), b1 = ver(5, 1, 5);
    assert_int_equal(nw_vstore_put(s, "a", 1, &a1), 0);
    assert_int_equal(nw_vstore_pending(s), 1);
    nw_vstore_commit(s);
    assert_int_equal(nw_vstore_pending(s), 0);

    /* Several puts of one id journal it once; a new id is forgotten. */
    assert_int_equal(nw_vstore_put(s, "a", 1, &a2), 0);
    assert_int_equal(nw_vstore_put(s, "a", 1, &a3), 0);
    assert_int_equal(nw_vstore_put(s, "b", 1, &b1), 0);
    assert_int_equal(nw_vstore_pending(s), 2);
    assert_int_equal(nw_vstore_count(s), 2);
    nw_vstore_rollback(s);
    assert_int_equal(nw_vstore_count(s), 1);
    nw_version_t got;
    assert_int_equal(nw_vstore_get(s, "a", 1, &got), 0);
    assert_version_eq(&got, &a1);
    assert_int_equal(nw_vstore_get(s, "b", 1, &got), NW_ERR_NOT_FOUND);

    /* A rollback with nothing pending, and one right after another. */
    nw_vstore_rollback(s);
    nw_vstore_rollback(s);
    assert_int_equal(nw_vstore_count(s), 1);

    /* After a commit the new values are the baseline. */
    assert_int_equal(nw_vstore_put(s, "a", 1, &a3), 0);
    assert_int_equal(nw_vstore_put(s, "b", 1, &b1), 0);
    nw_vstore_commit(s);
    assert_int_equal(nw_vstore_put(s, "a", 1, &a2), 0);
    nw_vstore_rollback(s);
    assert_int_equal(nw_vstore_get(s, "a", 1, &got), 0);
    assert_version_eq(&got, &a3);
    assert_int_equal(nw_vstore_get(s, "b", 1, &got), 0);
    assert_version_eq(&got, &b1);

    /* Rolling back a transaction that grew the table through many resizes. */
    char id[64];
    for (size_t i = 0; i < 50000; i++) {
        nw_version_t v = ver(1, 1, 0);
        assert_int_equal(nw_vstore_put(s, id, make_id(id, i), &v), 0);
    }
    assert_int_equal(nw_vstore_count(s), 50002);
    nw_vstore_rollback(s);
    assert_int_equal(nw_vstore_count(s), 2);
    assert_int_equal(nw_vstore_get(s, id, make_id(id, 123), &got), NW_ERR_NOT_FOUND);
    assert_int_equal(nw_vstore_get(s, "a", 1, &got), 0);
    assert_version_eq(&got, &a3);
    nw_vstore_free(s);
}

/* --- model check ----------------------------------------------------------
 * Ids are drawn from a pool where index k always gives the same bytes and
 * distinct k give distinct ids (with embedded NULs, shared prefixes and a
 * spread of lengths), so the reference model is a plain array indexed by k,
 * and the committed snapshot a copy of it. */

typedef struct model {
    size_t pool, n;
    uint8_t *present;
    nw_version_t *v;
} model_t;

static void model_init(model_t *m, size_t pool)
{
    m->pool = pool;
    m->n = 0;
    m->present = calloc(pool, 1);
    m->v = calloc(pool, sizeof(*m->v));
    assert_non_null(m->present);
    assert_non_null(m->v);
}

static void model_free(model_t *m)
{
    free(m->present);
    free(m->v);
}

static void model_put(model_t *m, size_t k, const nw_version_t *v)
{
    m->n += !m->present[k];
    m->present[k] = 1;
    m->v[k] = *v;
}

static void model_remove(model_t *m, size_t k)
{
    m->n -= m->present[k];
    m->present[k] = 0;
}

static void model_copy(model_t *dst, const model_t *src)
{
    memcpy(dst->present, src->present, src->pool);
    memcpy(dst->v, src->v, src->pool * sizeof(*src->v));
    dst->n = src->n;
}

static size_t pool_id(char *buf, size_t k)
{
    switch (k % 4) {
    case 0:
        return (size_t)sprintf(buf, "https://example.com/%zu", k);
    case 1: /* an embedded NUL after a shared prefix */
        return (size_t)sprintf(buf, "id%c%zu", '\0', k);
    case 2: /* short binary ids, some ending in a NUL */
        assert_true(k < (1u << 24));
        buf[0] = (char)(k >> 16);
        buf[1] = (char)(k >> 8);
        buf[2] = (char)k;
        buf[3] = 0;
        return 3 + (k / 4) % 2;
    default: /* long, differing only at the end */
        memset(buf, 'x', 40);
        return 40 + (size_t)sprintf(buf + 40, "%zu", k);
    }
}

typedef struct walk {
    const nw_vstore_t *s;
    size_t calls;
    uint64_t sum;
} walk_t;

/* foreach must yield each stored entry once: the sum of its versions
 * matches the model's. */
static int check_walk(const char *id, size_t len, const nw_version_t *v, void *arg)
{
    walk_t *w = arg;
    static const uint8_t zero[NW_CONTENT_HASH_SIZE];
    assert_non_null(id);
    assert_int_equal(len, 16);
    assert_memory_equal(v->content_hash, zero, NW_CONTENT_HASH_SIZE);
    w->calls++;
    w->sum += (uint64_t)v->versioncreated * 31 + v->version;
    return 0;
}

static void check_store(const nw_vstore_t *s, const model_t *m)
{
    char id[64];
    uint64_t sum = 0;
    assert_int_equal(nw_vstore_count(s), m->n);
    for (size_t k = 0; k < m->pool; k++) {
        size_t len = pool_id(id, k);
        nw_version_t got;
        if (!m->present[k]) {
            assert_int_equal(nw_vstore_get(s, id, len, &got), NW_ERR_NOT_FOUND);
            continue;
        }
        assert_int_equal(nw_vstore_get(s, id, len, &got), 0);
        assert_version_eq(&got, &m->v[k]);
        sum += (uint64_t)m->v[k].versioncreated * 31 + m->v[k].version;
    }
    walk_t w = {s, 0, 0};
    assert_int_equal(nw_vstore_foreach(s, check_walk, &w), 0);
    assert_int_equal(w.calls, m->n);
    assert_int_equal(w.sum, sum);
}

/* Random operations in per-mille: the rest are decide-then-put. */
static void run_model(size_t ops, size_t pool, unsigned commit_pm, unsigned rollback_pm,
                      unsigned restore_pm)
{
    nw_vstore_t *s = nw_vstore_new(0);
    assert_non_null(s);
    model_t cur, committed;
    model_init(&cur, pool);
    model_init(&committed, pool);
    char id[64];
    size_t rollbacks = 0, restores = 0, news = 0;
    for (size_t op = 0; op < ops; op++) {
        unsigned kind = (unsigned)(rnd() % 1000);
        if (kind < commit_pm) {
            nw_vstore_commit(s);
            model_copy(&committed, &cur);
            assert_int_equal(nw_vstore_pending(s), 0);
        } else if (kind < commit_pm + rollback_pm) {
            nw_vstore_rollback(s);
            model_copy(&cur, &committed);
            assert_int_equal(nw_vstore_count(s), cur.n);
            rollbacks++;
        } else if (kind < commit_pm + rollback_pm + restore_pm) {
            /* A burst of restore records, on a committed store. */
            nw_vstore_commit(s);
            size_t burst = (size_t)(rnd() % 300);
            for (size_t b = 0; b < burst; b++) {
                size_t k = (size_t)(rnd() % pool), len = pool_id(id, k);
                if (rnd() % 3) {
                    model_remove(&cur, k);
                    assert_int_equal(nw_vstore_apply_changelog(s, id, len, NULL, 0, NULL), 0);
                } else {
                    nw_version_t v = ver((int64_t)(rnd() % 64), 1 + (uint32_t)(rnd() % 5), 7);
                    uint8_t buf[NW_CHANGELOG_VALUE_SIZE];
                    assert_int_equal(nw_changelog_encode(&v, buf), 0);
                    assert_int_equal(nw_vstore_apply_changelog(s, id, len, buf, sizeof(buf), NULL),
                                     0);
                    model_put(&cur, k, &v);
                }
            }
            nw_vstore_commit(s);
            model_copy(&committed, &cur);
            restores++;
        } else { /* the pipeline's path: decide, then put when new */
            size_t k = (size_t)(rnd() % pool), len = pool_id(id, k);
            int64_t vc = (int64_t)(rnd() % 64) - 8;
            uint32_t next;
            nw_dedupe_t d = nw_vstore_decide(s, id, len, vc, &next);
            if (!cur.present[k]) {
                assert_int_equal(d, NW_DEDUPE_NEW);
                assert_int_equal(next, 1);
            } else if (vc > cur.v[k].versioncreated) {
                assert_int_equal(d, NW_DEDUPE_NEW);
                assert_int_equal(next, cur.v[k].version + 1);
            } else {
                assert_int_equal(d, vc == cur.v[k].versioncreated ? NW_DEDUPE_DUPLICATE
                                                                  : NW_DEDUPE_STALE);
                assert_int_equal(next, cur.v[k].version);
            }
            if (d == NW_DEDUPE_NEW) {
                nw_version_t v = ver(vc, next, (uint8_t)rnd());
                assert_int_equal(nw_vstore_put(s, id, len, &v), 0);
                model_put(&cur, k, &v);
                news++;
            }
        }
        if (op % (ops / 16) == 0)
            check_store(s, &cur);
    }
    check_store(s, &cur);
    nw_vstore_rollback(s);
    check_store(s, &committed);
    assert_true(rollbacks > 0 && restores > 0 && news > 0);
    model_free(&cur);
    model_free(&committed);
    nw_vstore_free(s);
}

static void test_rollback_model_small_pool(void **state)
{
    (void)state;
    /* Many updates of the same ids, short transactions. */
    run_model(100000, 300, 30, 30, 10);
}

static void test_rollback_model_large_pool(void **state)
{
    (void)state;
    /* Mostly inserts, long transactions that grow the table, and restore
     * bursts that leave garbage for compaction. */
    run_model(150000, 60000, 3, 3, 2);
}

/* Tombstones for most of a large store move records around (the last record
 * fills each hole) and give record chunks back; every survivor must still be
 * found. */
static void test_compaction(void **state)
{
    (void)state;
    enum { N = 20000 };
    nw_vstore_t *s = nw_vstore_new(N);
    assert_non_null(s);
    char id[64];
    for (size_t i = 0; i < N; i++) {
        nw_version_t v = ver((int64_t)i, 1, (uint8_t)i);
        assert_int_equal(nw_vstore_put(s, id, make_id(id, i), &v), 0);
    }
    nw_vstore_commit(s);
    size_t before = nw_vstore_memory_bytes(s);
    for (size_t i = 0; i < N; i++)
        if (i % 10)
            assert_int_equal(nw_vstore_apply_changelog(s, id, make_id(id, i), NULL, 0, NULL), 0);
    nw_vstore_commit(s);
    assert_int_equal(nw_vstore_count(s), N / 10);
    assert_true(nw_vstore_memory_bytes(s) < before);
    for (size_t i = 0; i < N; i++) {
        nw_version_t got;
        int rc = nw_vstore_get(s, id, make_id(id, i), &got);
        if (i % 10) {
            assert_int_equal(rc, NW_ERR_NOT_FOUND);
        } else {
            nw_version_t want = ver((int64_t)i, 1, (uint8_t)i);
            assert_int_equal(rc, 0);
            assert_version_eq(&got, &want);
        }
    }
    nw_vstore_free(s);
}

/* reserve() sizes table and records up front: filling the reserved room
 * allocates nothing more, and the entries read back. Then a store made big
 * from the start. */
static void test_reserve(void **state)
{
    (void)state;
    enum { N = 50000 };
    nw_vstore_t *s = nw_vstore_new(0);
    assert_non_null(s);
    assert_int_equal(nw_vstore_reserve(s, N), 0);
    size_t reserved = nw_vstore_memory_bytes(s);
    assert_true(reserved >= (size_t)N * 28);
    char id[64];
    uint8_t buf[NW_CHANGELOG_VALUE_SIZE];
    for (size_t i = 0; i < N; i++) {
        nw_version_t v = ver((int64_t)i, 1 + (uint32_t)(i % 3), 1);
        assert_int_equal(nw_changelog_encode(&v, buf), 0);
        assert_int_equal(nw_vstore_apply_changelog(s, id, make_id(id, i), buf, sizeof(buf), NULL),
                         0);
    }
    nw_vstore_commit(s);
    assert_int_equal(nw_vstore_memory_bytes(s), reserved);
    assert_int_equal(nw_vstore_count(s), N);
    for (size_t i = 0; i < N; i += 7) {
        nw_version_t got, want = ver((int64_t)i, 1 + (uint32_t)(i % 3), 1);
        assert_int_equal(nw_vstore_get(s, id, make_id(id, i), &got), 0);
        assert_version_eq(&got, &want);
    }
    /* Reserving less than is held changes nothing. */
    assert_int_equal(nw_vstore_reserve(s, 10), 0);
    assert_int_equal(nw_vstore_memory_bytes(s), reserved);
    nw_vstore_free(s);

    /* A table big enough for the huge-page allocation (8 MiB of slots)
     * starts zeroed and works like any other, through a clear too. */
    s = nw_vstore_new(600000);
    assert_non_null(s);
    assert_true(nw_vstore_memory_bytes(s) >= (size_t)8 << 20);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 1000; i++) {
            nw_version_t v = ver((int64_t)i, 1, 0);
            assert_int_equal(nw_vstore_decide(s, id, make_id(id, i), 5, NULL), NW_DEDUPE_NEW);
            assert_int_equal(nw_vstore_put(s, id, make_id(id, i), &v), 0);
        }
        nw_vstore_commit(s);
        assert_int_equal(nw_vstore_count(s), 1000);
        assert_int_equal(nw_vstore_decide(s, id, make_id(id, 999), 999, NULL), NW_DEDUPE_DUPLICATE);
        nw_vstore_clear(s);
        assert_int_equal(nw_vstore_count(s), 0);
    }
    nw_vstore_free(s);
}

static void test_changelog_codec(void **state)
{
    (void)state;
    nw_version_t v = ver(1640856720, 3, 0xa0);
    uint8_t buf[NW_CHANGELOG_VALUE_SIZE];
    assert_int_equal(nw_changelog_encode(&v, buf), 0);
    static const uint8_t head[14] = {'N', 1, 0, 0, 0, 0, 0x61, 0xcd, 0x7c, 0x90, 0, 0, 0, 3};
    assert_memory_equal(buf, head, sizeof(head));
    assert_memory_equal(buf + 14, v.content_hash, 32);

    nw_version_t out;
    nw_error_t err = {0};
    assert_int_equal(nw_changelog_decode(buf, sizeof(buf), &out, &err), 0);
    assert_decoded_eq(&out, &v);

    int64_t extremes[] = {INT64_MIN, -1, 0, INT64_MAX};
    for (size_t i = 0; i < 4; i++) {
        nw_version_t e = ver(extremes[i], UINT32_MAX, (uint8_t)i);
        assert_int_equal(nw_changelog_encode(&e, buf), 0);
        assert_int_equal(nw_changelog_decode(buf, sizeof(buf), &out, NULL), 0);
        assert_decoded_eq(&out, &e);
    }
    nw_version_t zero = ver(1, 0, 0);
    assert_int_equal(nw_changelog_encode(&zero, buf), NW_ERR_INVALID);

    assert_int_equal(nw_changelog_encode(&v, buf), 0);
    assert_int_equal(nw_changelog_decode(buf, sizeof(buf), &out, NULL), 0);
    uint8_t bad[NW_CHANGELOG_VALUE_SIZE + 1];
    memcpy(bad, buf, sizeof(buf));
    bad[0] = '{';
    assert_int_equal(nw_changelog_decode(bad, sizeof(buf), &out, &err), NW_ERR_INVALID);
    assert_int_equal(err.code, NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "magic"));
    memcpy(bad, buf, sizeof(buf));
    bad[1] = 2;
    assert_int_equal(nw_changelog_decode(bad, sizeof(buf), &out, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "format version 2"));
    memcpy(bad, buf, sizeof(buf));
    bad[46] = 0;
    assert_int_equal(nw_changelog_decode(bad, 47, &out, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "47 bytes"));
    assert_int_equal(nw_changelog_decode(bad, 45, &out, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "45 bytes"));
    assert_int_equal(nw_changelog_decode(bad, 1, &out, &err), NW_ERR_INVALID);
    assert_int_equal(nw_changelog_decode(bad, 0, &out, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "empty"));
    assert_int_equal(nw_changelog_decode(NULL, 0, &out, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "tombstone"));
    memcpy(bad, buf, sizeof(buf));
    memset(bad + 10, 0, 4);
    assert_int_equal(nw_changelog_decode(bad, sizeof(buf), &out, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "version 0"));
    /* Failed decodes leave *out alone. */
    assert_decoded_eq(&out, &v);
}

static void test_apply_changelog(void **state)
{
    (void)state;
    nw_vstore_t *s = nw_vstore_new(0);
    assert_non_null(s);
    uint8_t buf[NW_CHANGELOG_VALUE_SIZE];
    nw_version_t v1 = ver(100, 1, 1), v2 = ver(200, 2, 2), got;
    nw_error_t err = {0};

    assert_int_equal(nw_changelog_encode(&v1, buf), 0);
    assert_int_equal(nw_vstore_apply_changelog(s, "a\0b", 3, buf, sizeof(buf), &err), 0);
    assert_int_equal(nw_vstore_apply_changelog(s, "c", 1, buf, sizeof(buf), &err), 0);
    assert_int_equal(nw_changelog_encode(&v2, buf), 0);
    assert_int_equal(nw_vstore_apply_changelog(s, "a\0b", 3, buf, sizeof(buf), &err), 0);
    assert_int_equal(nw_vstore_count(s), 2);
    assert_int_equal(nw_vstore_pending(s), 0); /* restore is not journaled */
    assert_int_equal(nw_vstore_get(s, "a\0b", 3, &got), 0);
    assert_version_eq(&got, &v2);
    assert_int_equal(nw_vstore_decide(s, "a\0b", 3, 200, NULL), NW_DEDUPE_DUPLICATE);

    /* Tombstones remove; one for an unknown id is harmless. */
    assert_int_equal(nw_vstore_apply_changelog(s, "c", 1, NULL, 0, &err), 0);
    assert_int_equal(nw_vstore_apply_changelog(s, "zz", 2, NULL, 0, &err), 0);
    assert_int_equal(nw_vstore_count(s), 1);
    assert_int_equal(nw_vstore_get(s, "c", 1, &got), NW_ERR_NOT_FOUND);

    /* A value that does not decode changes nothing. */
    buf[0] = 'X';
    assert_int_equal(nw_vstore_apply_changelog(s, "a\0b", 3, buf, sizeof(buf), &err),
                     NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "magic"));
    assert_int_equal(nw_vstore_apply_changelog(s, "a\0b", 3, buf, 0, &err), NW_ERR_INVALID);
    assert_int_equal(nw_vstore_get(s, "a\0b", 3, &got), 0);
    assert_version_eq(&got, &v2);

    /* Restored state is the baseline of the first transaction. */
    nw_vstore_commit(s);
    nw_version_t v3 = ver(300, 3, 3);
    assert_int_equal(nw_vstore_put(s, "a\0b", 3, &v3), 0);
    assert_int_equal(nw_changelog_encode(&v1, buf), 0);
    assert_int_equal(nw_vstore_apply_changelog(s, "d", 1, buf, sizeof(buf), &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "uncommitted"));
    nw_vstore_rollback(s);
    assert_int_equal(nw_vstore_get(s, "a\0b", 3, &got), 0);
    assert_version_eq(&got, &v2);
    assert_int_equal(nw_vstore_apply_changelog(s, "d", 1, buf, sizeof(buf), &err), 0);
    assert_int_equal(nw_vstore_count(s), 2);
    nw_vstore_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide_put),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_binary_and_long_ids),
        cmocka_unit_test(test_rollback_basics),
        cmocka_unit_test(test_rollback_model_small_pool),
        cmocka_unit_test(test_rollback_model_large_pool),
        cmocka_unit_test(test_compaction),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_changelog_codec),
        cmocka_unit_test(test_apply_changelog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
