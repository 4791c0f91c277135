/* Simhash's feature counts in AVX2 lanes (see simhash_count.h). */
#include "core/simhash_count.h"

#include <stdbool.h>
#include <string.h>

/* Moves the byte counters into counts before they can overflow: the four
 * lanes' bytes summed in 16-bit fields (at most 4 * 255), even and odd
 * bytes apart. */
static void flush(nw_simhash_count_t *c)
{
    const uint64_t even = 0x00FF00FF00FF00FFULL;
    for (int j = 0; j < 8; j++) {
        uint64_t e = 0, o = 0;
        for (int l = 0; l < 4; l++) {
            e += c->eights[j][l] & even;
            o += c->eights[j][l] >> 8 & even;
            c->eights[j][l] = 0;
        }
        for (int i = 0; i < 4; i++) {
            c->counts[8 * j + 2 * i] += 8 * (uint32_t)(e >> (16 * i) & 0xFFFF);
            c->counts[8 * j + 2 * i + 1] += 8 * (uint32_t)(o >> (16 * i) & 0xFFFF);
        }
    }
    c->pending = 0;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "core/mul64_dq.h"
#define AVX2 __attribute__((target("avx2")))

int nw_simhash_count_have_avx2(void)
{
    return nw_cpu_has(NW_CPU_AVX2);
}

/* x * k in each lane, modulo 2^64, from 32-bit products: AVX2 has no
 * 64-bit multiply. */
static inline AVX2 __m256i mul64(__m256i x, __m256i k_lo, __m256i k_hi)
{
    __m256i lo = _mm256_mul_epu32(x, k_lo);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), k_lo),
                                     _mm256_mul_epu32(x, k_hi));
    return _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
}

static inline AVX2 __m256i xorshift33(__m256i x)
{
    return _mm256_xor_si256(x, _mm256_srli_epi64(x, 33));
}

static inline AVX2 __m256i times31(__m256i x)
{
    return _mm256_sub_epi64(_mm256_slli_epi64(x, 5), x);
}

/* x * (k_hi << 32 | k_lo) in each lane, by vpmullq when `dq` (a constant
 * in each caller of count_lanes(), so no branch is left). */
static inline AVX2 __m256i mul64_by(__m256i x, uint32_t k_lo, uint32_t k_hi, bool dq)
{
    if (dq)
        return nw_mul64_dq(x, _mm256_set1_epi64x((long long)((uint64_t)k_hi << 32 | k_lo)));
    return mul64(x, _mm256_set1_epi64x((long long)k_lo), _mm256_set1_epi64x((long long)k_hi));
}

/* nw_simhash_mix() of the shingles ending at w[2] .. w[5]. */
static inline AVX2 __m256i features4(const uint64_t *w, bool dq)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)w);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(w + 1));
    __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)(w + 2));
    __m256i x = _mm256_add_epi64(times31(_mm256_add_epi64(times31(a), b)), c);
    x = mul64_by(xorshift33(x), 0xed558ccdU, 0xff51afd7U, dq);
    x = mul64_by(xorshift33(x), 0x1a85ec53U, 0xc4ceb9feU, dq);
    return xorshift33(x);
}

/* Carry-save adder: a + b + c = 2 * hi + lo, bit by bit. */
#define CSA(hi, lo, a, b, c)                                                                       \
    do {                                                                                           \
        __m256i u_ = _mm256_xor_si256(a, b);                                                       \
        (hi) = _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(u_, c));                   \
        (lo) = _mm256_xor_si256(u_, c);                                                            \
    } while (0)

/*
 * A group is 8 vectors of 4 features. The tree of adders is core/hash.c's;
 * its carry word of weight 8 is then spread: for each byte j of a lane's
 * word, that byte is copied to all 8 bytes of the lane, byte i keeps only
 * bit i, and a compare with that bit makes -1 of it where it is set, taken
 * from the byte counters of eights[j].
 */
static inline __attribute__((always_inline)) AVX2 size_t count_lanes(nw_simhash_count_t *c,
                                                                     const uint64_t *ext, size_t n,
                                                                     bool dq)
{
    size_t k = 0;
    __m256i ones = _mm256_loadu_si256((const __m256i *)(const void *)c->ones);
    __m256i twos = _mm256_loadu_si256((const __m256i *)(const void *)c->twos);
    __m256i fours = _mm256_loadu_si256((const __m256i *)(const void *)c->fours);
    const __m256i bit_of_byte = _mm256_set1_epi64x(0x8040201008040201LL);
    for (; k + 32 <= n; k += 32) {
        __m256i f[8], twos_a, twos_b, fours_a, fours_b, eights;
        for (int i = 0; i < 8; i++)
            f[i] = features4(ext + k + 4 * i, dq);
        CSA(twos_a, ones, ones, f[0], f[1]);
        CSA(twos_b, ones, ones, f[2], f[3]);
        CSA(fours_a, twos, twos, twos_a, twos_b);
        CSA(twos_a, ones, ones, f[4], f[5]);
        CSA(twos_b, ones, ones, f[6], f[7]);
        CSA(fours_b, twos, twos, twos_a, twos_b);
        CSA(eights, fours, fours, fours_a, fours_b);
        for (int j = 0; j < 8; j++) {
            /* Byte j of each lane into the lane's 8 bytes (the shuffle
             * works within 128-bit halves, two lanes each). */
            const __m256i pick = _mm256_setr_epi8(
                (char)j, (char)j, (char)j, (char)j, (char)j, (char)j, (char)j, (char)j,
                (char)(8 + j), (char)(8 + j), (char)(8 + j), (char)(8 + j), (char)(8 + j),
                (char)(8 + j), (char)(8 + j), (char)(8 + j), (char)j, (char)j, (char)j, (char)j,
                (char)j, (char)j, (char)j, (char)j, (char)(8 + j), (char)(8 + j), (char)(8 + j),
                (char)(8 + j), (char)(8 + j), (char)(8 + j), (char)(8 + j), (char)(8 + j));
            __m256i bytes = _mm256_and_si256(_mm256_shuffle_epi8(eights, pick), bit_of_byte);
            __m256i set = _mm256_cmpeq_epi8(bytes, bit_of_byte);
            __m256i *e = (__m256i *)(void *)c->eights[j];
            _mm256_storeu_si256(e, _mm256_sub_epi8(_mm256_loadu_si256(e), set));
        }
        c->total += 32;
        if (++c->pending == 255)
            flush(c);
    }
    _mm256_storeu_si256((__m256i *)(void *)c->ones, ones);
    _mm256_storeu_si256((__m256i *)(void *)c->twos, twos);
    _mm256_storeu_si256((__m256i *)(void *)c->fours, fours);
    return k;
}

AVX2 size_t nw_simhash_count_add_avx2(nw_simhash_count_t *c, const uint64_t *ext, size_t n)
{
    return count_lanes(c, ext, n, false);
}

NW_DQ_TARGET size_t nw_simhash_count_add_dq(nw_simhash_count_t *c, const uint64_t *ext, size_t n)
{
    return count_lanes(c, ext, n, true);
}

size_t nw_simhash_count_add(nw_simhash_count_t *c, const uint64_t *ext, size_t n)
{
    if (n < 32 || !nw_cpu_has(NW_CPU_AVX2))
        return 0;
    /* vpmullq pays on AMD only (core/mul64_dq.h). */
    if (nw_mul64_dq_pays())
        return nw_simhash_count_add_dq(c, ext, n);
    return nw_simhash_count_add_avx2(c, ext, n);
}
#else
int nw_simhash_count_have_avx2(void)
{
    return 0;
}

size_t nw_simhash_count_add(nw_simhash_count_t *c, const uint64_t *ext, size_t n)
{
    (void)c;
    (void)ext;
    (void)n;
    return 0;
}

size_t nw_simhash_count_add_avx2(nw_simhash_count_t *c, const uint64_t *ext, size_t n)
{
    return nw_simhash_count_add(c, ext, n);
}

size_t nw_simhash_count_add_dq(nw_simhash_count_t *c, const uint64_t *ext, size_t n)
{
    return nw_simhash_count_add(c, ext, n);
}
#endif

void nw_simhash_count_finish(nw_simhash_count_t *c, uint32_t counts[64], uint32_t *total)
{
    if (c->total == 0) /* no AVX2, or fewer than 32 features */
        return;
    flush(c);
    for (int b = 0; b < 64; b++)
        counts[b] += c->counts[b];
    *total += c->total;
}
