/*
 * bench_vstore: throughput and memory of the dedupe version store.
 *
 * Usage: bench_vstore [N]   (N ids, default 1,000,000)
 *
 * Ids look like the canonical urls identify produces
 * ("https://example.com/news/<n>"). Puts are committed every BATCH ids, as
 * the pipeline commits one Kafka transaction per batch, so the journal stays
 * the size of a batch. Phases:
 *   insert       put of N new ids
 *   decide hit   decide on the N stored ids (duplicates)
 *   decide miss  decide on N unseen ids (the common case for fresh news)
 *   update       decide + put of a newer version of every id
 *   rollback     BATCH updates then a rollback, repeated N / BATCH times
 * then memory per entry, from nw_vstore_memory_bytes() (the figure issue 15
 * sets at <= 48 bytes per tracked article at 1M) and from the growth of the
 * process's peak resident set (getrusage ru_maxrss) while inserting, which
 * also counts the old and the new table side by side during the last rehash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/clock.h"
#include "dedupe/vstore.h"

#define BATCH 1000

static const char PREFIX[] = "https://example.com/news/";

/* Formats the id without printf so the timing measures the store. */
static size_t make_id(char *buf, uint64_t n)
{
    char digits[24];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    memcpy(buf, PREFIX, sizeof(PREFIX) - 1);
    size_t len = sizeof(PREFIX) - 1;
    while (nd)
        buf[len++] = digits[--nd];
    return len;
}

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void report(const char *phase, size_t ops, double secs)
{
    printf("%-12s %10zu ops %8.3f s %12.0f ops/s %8.1f ns/op\n", phase, ops, secs,
           (double)ops / secs, secs * 1e9 / (double)ops);
}

static nw_version_t version_of(int64_t vc, uint32_t version, uint64_t n)
{
    nw_version_t v = {.versioncreated = vc, .version = version};
    memcpy(v.content_hash, &n, sizeof(n));
    return v;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    if (argc > 1) {
        char *end;
        unsigned long long arg = strtoull(argv[1], &end, 10);
        if (*end || arg == 0) {
            fprintf(stderr, "usage: %s [N]   (N > 0 ids, default 1000000)\n", argv[0]);
            return 2;
        }
        n = (size_t)arg;
    }
    char id[64];
    size_t id_bytes = 0, hits = 0;
    int rc = 0;

    long rss0 = maxrss_kib();
    nw_vstore_t *s = nw_vstore_new(0);
    if (!s) {
        fprintf(stderr, "bench_vstore: out of memory\n");
        return 1;
    }

    double t = nw_now_s();
    for (size_t i = 0; i < n; i++) {
        size_t len = make_id(id, i);
        nw_version_t v = version_of(1700000000, 1, i);
        id_bytes += len;
        if ((rc = nw_vstore_put(s, id, len, &v)) < 0)
            break;
        if (i % BATCH == BATCH - 1)
            nw_vstore_commit(s);
    }
    nw_vstore_commit(s);
    report("insert", n, nw_now_s() - t);
    long rss1 = maxrss_kib();
    if (rc < 0) {
        fprintf(stderr, "bench_vstore: put failed (%d)\n", rc);
        nw_vstore_free(s);
        return 1;
    }

    t = nw_now_s();
    for (size_t i = 0; i < n; i++) {
        size_t len = make_id(id, i);
        hits += nw_vstore_decide(s, id, len, 1700000000, NULL) == NW_DEDUPE_DUPLICATE;
    }
    report("decide hit", n, nw_now_s() - t);

    t = nw_now_s();
    for (size_t i = n; i < 2 * n; i++) {
        size_t len = make_id(id, i);
        hits += nw_vstore_decide(s, id, len, 1700000000, NULL) == NW_DEDUPE_NEW;
    }
    report("decide miss", n, nw_now_s() - t);

    t = nw_now_s();
    for (size_t i = 0; i < n; i++) {
        size_t len = make_id(id, i);
        uint32_t next;
        if (nw_vstore_decide(s, id, len, 1700000600, &next) != NW_DEDUPE_NEW)
            continue;
        nw_version_t v = version_of(1700000600, next, ~(uint64_t)i);
        hits += nw_vstore_put(s, id, len, &v) == 0;
        if (i % BATCH == BATCH - 1)
            nw_vstore_commit(s);
    }
    nw_vstore_commit(s);
    report("update", n, nw_now_s() - t);

    size_t rolled = 0;
    t = nw_now_s();
    for (size_t i = 0; i + BATCH <= n; i += BATCH) {
        for (size_t j = i; j < i + BATCH; j++) {
            size_t len = make_id(id, j);
            nw_version_t v = version_of(1700001200, 3, j);
            hits += nw_vstore_put(s, id, len, &v) == 0;
        }
        nw_vstore_rollback(s);
        rolled += BATCH;
    }
    if (rolled)
        report("put+rollback", rolled, nw_now_s() - t);

    size_t count = nw_vstore_count(s), mem = nw_vstore_memory_bytes(s);
    printf("entries %zu, mean id %.1f bytes, checks %zu\n", count, (double)id_bytes / (double)n,
           hits);
    printf("memory_bytes %zu = %.1f bytes/entry\n", mem, (double)mem / (double)count);
    printf("bytes per tracked article at %zu: %.1f\n", count, (double)mem / (double)count);
    printf("maxrss growth %ld KiB = %.1f bytes/entry\n", rss1 - rss0,
           (double)(rss1 - rss0) * 1024.0 / (double)n);
    nw_vstore_free(s);
    if (hits != 3 * n + rolled) {
        fprintf(stderr, "bench_vstore: unexpected decisions (%zu checks)\n", hits);
        return 1;
    }
    return 0;
}
