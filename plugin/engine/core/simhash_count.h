/*
 * Simhash's feature counts in AVX2 lanes (core/hash.c keeps the scalar
 * ones). A feature is the mixed shingle of three word hashes; simhash
 * needs, for each of the 64 bit positions, how many features have it set.
 * Here shingles are made and mixed four at a time and counted 32 at a
 * time: core/hash.c's carry-save adders, bit-sliced, on four 64-bit lanes,
 * with the carries of weight 8 spread into byte counters by compares
 * rather than table loads. Counts are sums, so which lane counts which
 * feature does not matter, and the scalar counter takes this one's in the
 * end.
 */
#ifndef NW_SIMHASH_COUNT_H
#define NW_SIMHASH_COUNT_H

#include <stddef.h>
#include <stdint.h>

/* Zeroed before use (memset or = {0}); plain words, so that it can sit in
 * a struct compiled without AVX2. */
typedef struct nw_simhash_count {
    uint64_t ones[4], twos[4], fours[4]; /* bit-sliced counts mod 8, a lane each */
    uint64_t eights[8][4];               /* byte i of eights[j][l]: eights of bit 8j + i */
    uint32_t pending;                    /* groups in eights, at most 255 */
    uint32_t counts[64];
    uint32_t total;
} nw_simhash_count_t;

/* A shingle's final mix, so that similar shingles spread over all 64 bits:
 * the feature simhash counts. */
static inline uint64_t nw_simhash_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* 1 when nw_simhash_count_add() counts on this CPU. */
int nw_simhash_count_have_avx2(void);

/* Counts the features of the shingles ending at ext[k + 2] for k in
 * [0, m), where m is n rounded down to a multiple of 32 (none without
 * AVX2 on the CPU), and returns m: the caller counts the rest. ext holds n + 2 word
 * hashes. */
size_t nw_simhash_count_add(nw_simhash_count_t *c, const uint64_t *ext, size_t n);
/* nw_simhash_count_add() by the AVX2 multiplies and by vpmullq (only where
 * nw_mul64_dq_have(), core/mul64_dq.h): it picks one by the CPU; both are
 * here for the tests that compare them. Without AVX2 on the CPU, n >= 32
 * must not be passed to them. */
size_t nw_simhash_count_add_avx2(nw_simhash_count_t *c, const uint64_t *ext, size_t n);
size_t nw_simhash_count_add_dq(nw_simhash_count_t *c, const uint64_t *ext, size_t n);

/* Adds the counts c holds in its byte counters to counts[] and its
 * features to *total; the caller adds its words of weight 1, 2 and 4
 * (ones, twos and fours, a lane each) to its own. */
void nw_simhash_count_finish(nw_simhash_count_t *c, uint32_t counts[64], uint32_t *total);

#endif
