/*
 * Word hashes for simhash (see simhash_words.h). FNV-1a is a chain of
 * multiplies, each waiting for the one before, and hashing word by word
 * added a branch at every word's end that the predictor missed about as
 * often as word lengths changed. So a block of text is cut at separators
 * into lanes, stepped together one byte each with no branch per byte: a
 * byte moves its lane's chain on, or resets it when it is a separator, and
 * the chain's value before the byte is stored, kept only where a separator
 * ends a word. The lanes' multiplies overlap; reading lane 0's words, then
 * lane 1's and so on, gives them in the text's order. The scalar version
 * steps two lanes; the AVX2 one eight, in two vectors of four. On AMD CPUs
 * with AVX-512 the same loop multiplies with one instruction instead of
 * five (core/mul64_dq.h): the multiply is the chain each lane waits on
 * from byte to byte, and the word loop runs 1.3 times as fast on Zen 4.
 */
#include "core/simhash_words.h"
#include "core/hash.h"

#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NW_SIMHASH_AVX2 1
#include "core/mul64_dq.h"
#else
#define NW_SIMHASH_AVX2 0
#endif

/* fold[c]: the byte as a word hashes it (ASCII letters lower-cased), 0 for
 * bytes that separate words. Word bytes are ASCII letters and digits and
 * every byte >= 0x80. A constant table, so the scan is one load a byte. */
#define NW_FOLD1(c)                                                                                \
    (unsigned char)(((c) >= 'A' && (c) <= 'Z') ? (c) + 32                                          \
                    : (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || (c) >= 0x80)    \
                        ? (c)                                                                      \
                        : 0)
#define NW_FOLD4(c)  NW_FOLD1(c), NW_FOLD1((c) + 1), NW_FOLD1((c) + 2), NW_FOLD1((c) + 3)
#define NW_FOLD16(c) NW_FOLD4(c), NW_FOLD4((c) + 4), NW_FOLD4((c) + 8), NW_FOLD4((c) + 12)
#define NW_FOLD64(c) NW_FOLD16(c), NW_FOLD16((c) + 16), NW_FOLD16((c) + 32), NW_FOLD16((c) + 48)
static const unsigned char fold[256] = {NW_FOLD64(0), NW_FOLD64(64), NW_FOLD64(128),
                                        NW_FOLD64(192)};

/* h = c ? next : basis. GCC made a branch of the conditional, and being a
 * word's end it went either way at random; cmov does not guess. */
static inline uint64_t select_nonzero(uint64_t c, uint64_t next, uint64_t basis)
{
#if defined(__x86_64__)
    __asm__("test %1, %1\n\tcmovz %2, %0" : "+r"(next) : "r"(c), "r"(basis) : "cc");
    return next;
#else
    return c ? next : basis;
#endif
}

/* One byte of a lane: h and inword (1 inside a word) are the lane's chain,
 * words[n] where its next word goes. A macro on plain locals: in an array
 * or struct, the lanes' state might be changed by the store of a hash as
 * far as the compiler knows, and went back to memory every byte. */
#define LANE_STEP(byte, h, inword, words, n)                                                       \
    do {                                                                                           \
        uint64_t c_ = fold[byte];                                                                  \
        uint64_t in_ = c_ != 0;                                                                    \
        uint64_t next_ = ((h) ^ c_) * NW_FNV_PRIME;                                                \
        (words)[n] = (h);                                                                          \
        (n) += in_ < (inword);                                                                     \
        (inword) = in_;                                                                            \
        (h) = select_nonzero(c_, next_, basis);                                                    \
    } while (0)

size_t nw_simhash_words_scalar(const unsigned char *text, size_t len, nw_word_carry_t *carry,
                               int last, uint64_t *words)
{
    const uint64_t basis = NW_FNV_BASIS;
    /* Lane 1 starts at a separator, so only a carried word spans lanes. */
    const unsigned char *end = text + len, *mid = text + len / 2;
    while (mid < end && fold[*mid])
        mid++;
    const unsigned char *p0 = text, *p1 = mid;
    size_t len0 = (size_t)(mid - text), len1 = (size_t)(end - mid);
    uint64_t *w0 = words, *w1 = words + len0 / 2 + 2;
    uint64_t h0 = carry->h, in0 = carry->inword, h1 = NW_FNV_BASIS, in1 = 0;
    size_t n0 = 0, n1 = 0, i = 0, both = len0 < len1 ? len0 : len1;
    for (; i < both; i++) {
        LANE_STEP(p0[i], h0, in0, w0, n0);
        LANE_STEP(p1[i], h1, in1, w1, n1);
    }
    for (size_t j = i; j < len0; j++)
        LANE_STEP(p0[j], h0, in0, w0, n0);
    for (size_t j = i; j < len1; j++)
        LANE_STEP(p1[j], h1, in1, w1, n1);

    /* Lane 0 stops before lane 1's separator, or at the block's end when
     * lane 1 is empty; lane 1 at the block's end. */
    if (mid < end || last) {
        w0[n0] = h0;
        n0 += in0;
    } else
        *carry = (nw_word_carry_t){h0, in0};
    if (last) {
        w1[n1] = h1;
        n1 += in1;
    } else if (mid < end)
        *carry = (nw_word_carry_t){h1, in1};
    memmove(words + n0, w1, n1 * sizeof(*w1));
    return n0 + n1;
}

#if NW_SIMHASH_AVX2
/* BMI1 for the readout of word hashes (read_ends()): every CPU with AVX2
 * has it, but it is asked for all the same. */
#define AVX2 __attribute__((target("avx2,bmi")))

/* Lanes stepped at once, and the shortest block worth cutting into them:
 * on article text, lanes of 256-byte blocks cost more than they save, and
 * of 384-byte ones about break even (2048-byte ones take 0.65 times the
 * scalar version's time). */
#define LANES    8
#define AVX2_MIN 384
/* Steps (bytes of each lane) taken together at most: a 2048-byte block
 * (core/hash.c) cut in 8 has lanes of about 256 bytes; the rest of a
 * longer lane is stepped alone. */
#define STEPS_MAX 256

int nw_simhash_words_have_avx2(void)
{
    return nw_cpu_has(NW_CPU_AVX2 | NW_CPU_BMI);
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* fold[] of each of 32 bytes: letters (c | 0x20 in 'a'..'z') OR 0x20,
 * digits and bytes >= 0x80 kept, the rest 0. */
static inline AVX2 __m256i fold32(__m256i c)
{
    __m256i lower = _mm256_or_si256(c, _mm256_set1_epi8(0x20));
    __m256i da = _mm256_sub_epi8(lower, _mm256_set1_epi8('a'));
    __m256i alpha = _mm256_cmpeq_epi8(_mm256_min_epu8(da, _mm256_set1_epi8(25)), da);
    __m256i dd = _mm256_sub_epi8(c, _mm256_set1_epi8('0'));
    __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(dd, _mm256_set1_epi8(9)), dd);
    __m256i high = _mm256_cmpgt_epi8(_mm256_setzero_si256(), c);
    __m256i word = _mm256_or_si256(_mm256_or_si256(alpha, digit), high);
    __m256i folded = _mm256_or_si256(c, _mm256_and_si256(alpha, _mm256_set1_epi8(0x20)));
    return _mm256_and_si256(folded, word);
}

/* x * NW_FNV_PRIME in each lane. AVX2 multiplies only 32 by 32 bits, but
 * the prime is 2^40 + 0x1b3: x * 0x1b3 from x's two halves, plus x << 40. */
static inline AVX2 __m256i fnv_mul_avx2(__m256i x)
{
    const __m256i k = _mm256_set1_epi64x(0x1b3);
    __m256i lo = _mm256_mul_epu32(x, k);
    __m256i hi = _mm256_slli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), k), 32);
    return _mm256_add_epi64(_mm256_add_epi64(lo, hi), _mm256_slli_epi64(x, 40));
}

/* The chain a separator resets to, NW_FNV_BASIS, as the product of this
 * and NW_FNV_PRIME (odd, so it has an inverse modulo 2^64): what
 * fnv_next()'s vpmullq version multiplies at a separator. */
#define NW_FNV_BASIS_OVER_PRIME 0x1d10331a6b696bc7ULL
_Static_assert(NW_FNV_BASIS_OVER_PRIME *NW_FNV_PRIME == NW_FNV_BASIS,
               "the basis over the prime times the prime is the basis");

/* (a & ~m) ^ c in each lane by AVX-512's vpternlogq (AVX512F and VL, on
 * 256-bit vectors), written as asm for the reason nw_mul64_dq() is. */
static inline AVX2 __m256i andnot_xor_dq(__m256i a, __m256i m, __m256i c)
{
    __asm__("vpternlogq $0x9a, %2, %1, %0" : "+v"(a) : "v"(m), "v"(c));
    return a;
}

/* The chain after byte b in each lane, from the chain h before it:
 * (h ^ b) * NW_FNV_PRIME, or NW_FNV_BASIS where b is a separator (0), by
 * the version asked for; `dq` is a constant in each caller of
 * words_lanes(), so no branch is left. Each lane's step waits on the one
 * before: with AVX2, a xor, the multiply's steps and a blend. With vpmullq
 * the blend comes before the multiply, off the chain (a separator
 * multiplies NW_FNV_BASIS_OVER_PRIME), and the xor and the reset are one
 * vpternlogq: 4 cycles a step on Zen 4 instead of 5. */
static inline AVX2 __m256i fnv_next(__m256i h, __m256i b, __m256i basisv, bool dq)
{
    __m256i sep = _mm256_cmpeq_epi64(b, _mm256_setzero_si256());
    if (dq) {
        __m256i c =
            _mm256_blendv_epi8(b, _mm256_set1_epi64x((long long)NW_FNV_BASIS_OVER_PRIME), sep);
        return nw_mul64_dq(andnot_xor_dq(h, sep, c), _mm256_set1_epi64x((long long)NW_FNV_PRIME));
    }
    return _mm256_blendv_epi8(fnv_mul_avx2(_mm256_xor_si256(h, b)), basisv, sep);
}

/* The 8 bytes at off of lanes start[0..3], folded, one lane a 64-bit word. */
static inline AVX2 __m256i load_lanes(const unsigned char *const *start, size_t off)
{
    return fold32(
        _mm256_set_epi64x((long long)load64(start[3] + off), (long long)load64(start[2] + off),
                          (long long)load64(start[1] + off), (long long)load64(start[0] + off)));
}

/* load_lanes() where a lane's 8 bytes may pass the block's end: bytes
 * past it read as 0 (separators) and are not loaded. */
static inline AVX2 __m256i load_lanes_upto(const unsigned char *const *start, size_t off,
                                           const unsigned char *end)
{
    uint64_t v[4];
    for (int k = 0; k < 4; k++) {
        size_t left = (size_t)(end - start[k]);
        v[k] = 0;
        if (off + 8 <= left)
            v[k] = load64(start[k] + off);
        else if (off < left)
            memcpy(&v[k], start[k] + off, left - off);
    }
    return fold32(
        _mm256_set_epi64x((long long)v[3], (long long)v[2], (long long)v[1], (long long)v[0]));
}

/* byte_at[k]: the shuffle that takes byte k of each 64-bit lane to the
 * lane's low byte and clears the rest (-128 clears). */
#define NW_BYTE_AT(k)                                                                              \
    {                                                                                              \
        k, -128, -128, -128, -128, -128, -128, -128, 8 + k, -128, -128, -128, -128, -128, -128,    \
            -128, k, -128, -128, -128, -128, -128, -128, -128, 8 + k, -128, -128, -128, -128,      \
            -128, -128, -128                                                                       \
    }
static const _Alignas(32) signed char byte_at[8][32] = {NW_BYTE_AT(0), NW_BYTE_AT(1), NW_BYTE_AT(2),
                                                        NW_BYTE_AT(3), NW_BYTE_AT(4), NW_BYTE_AT(5),
                                                        NW_BYTE_AT(6), NW_BYTE_AT(7)};

/* Byte k of four lanes, LANE_STEP's work: byte k of each lane's 64 bits
 * of c is the lane's byte, taken out by one shuffle (a mask and a shift
 * of c a step before); the hash before the byte is stored at out. Which
 * steps end a word is read from the bytes afterwards (lane_ends()), not
 * followed here step by step: that took four of the step's instructions. */
#define VEC_STEP(c, k, h, out)                                                                     \
    do {                                                                                           \
        __m256i b_ = _mm256_shuffle_epi8(c, _mm256_load_si256((const __m256i *)byte_at[k]));       \
        _mm256_store_si256((__m256i *)(out), h);                                                   \
        (h) = fnv_next(h, b_, basisv, dq);                                                         \
    } while (0)

/* Bit k of the result: byte k of the four lanes' 8 bytes in c (folded, one
 * lane a 64-bit word), lane by lane, is a separator. */
static inline AVX2 uint32_t sep_bits(__m256i c)
{
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(c, _mm256_setzero_si256()));
}

/* The separators of four lanes for 64 steps, a 64-bit word a lane (bit i
 * for step i), from sep_bits() of eight 8-step loads (m[j] byte k: lane k's
 * steps 8j .. 8j + 7): a transpose of 4 by 8 bytes, one shuffle inside
 * each half of the vector and one across them, where storing each lane's
 * byte at each 8 steps took two instructions a lane. */
static inline AVX2 void lane_seps(const uint32_t *m, uint64_t *out)
{
    const __m256i by_lane = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,
                                             0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    __m256i v = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(const void *)m), by_lane);
    v = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)(void *)out, v);
}

/* The steps of a lane that end a word, a bit a step in words of 64, from
 * its separators (seps[g * LANES] for steps 64g .. 64g + 63): a separator
 * after a word's byte, or after the word carried in at the first step.
 * Returns whether the lane is inside a word after its last step. */
static inline uint64_t lane_ends(const uint64_t *seps, size_t steps, uint64_t carried_in,
                                 uint64_t *ends)
{
    uint64_t before = carried_in; /* bit 0: inside a word before the step */
    for (size_t g = 0; g * 64 < steps; g++) {
        uint64_t sep = seps[g * LANES];
        ends[g] = sep & ((~sep << 1) | before);
        size_t n = steps - g * 64;
        if (n < 64) { /* bytes past the last step: no ends */
            ends[g] &= (1ULL << n) - 1;
            return !(sep >> (n - 1) & 1);
        }
        before = !(sep >> 63);
    }
    return before;
}

/* Word hashes read off a lane at once, whatever their number: 64 steps of
 * text hold about ten words, and a loop that stopped at the last of them
 * missed its end about once a lane and 64 steps. */
#define READ_AT_ONCE 12

/* Writes the hashes of one lane and 64 steps (h[step * LANES]) at the
 * steps set in `ends` to out, in order, and returns how many. Writes
 * READ_AT_ONCE values at least, those past the count being of no use
 * (NW_SIMHASH_WORDS_MAX() leaves room for them). Bit 63 is set on top of
 * the ends: tzcnt reads step 63 once the ends run out, then step 64 (one
 * row past the group, which hashes[] has room for) once blsr has cleared
 * that bit too. A read is then four instructions (tzcnt, shift, load,
 * blsr) and the store, where keeping bit 63 set at each read took eight. */
static inline AVX2 size_t read_ends(const uint64_t *h, uint64_t ends, uint64_t *out)
{
    size_t n = (size_t)__builtin_popcountll(ends);
    uint64_t left = ends | 1ULL << 63;
    for (size_t j = 0; j < READ_AT_ONCE; j++) {
        out[j] = h[_tzcnt_u64(left) * LANES];
        left = _blsr_u64(left);
    }
    for (size_t j = READ_AT_ONCE; j < n; j++) {
        out[j] = h[_tzcnt_u64(left) * LANES];
        left = _blsr_u64(left);
    }
    return n;
}

/*
 * The lanes start at separators (but lane 0) and step together as far as
 * the longest goes (up to STEPS_MAX), in 8-byte loads; the bytes a lane
 * steps past its own end are of no use to it (the next lane's, or zeros
 * past the block's). The hashes before each step are kept
 * (hashes[step][lane]) and a bit a step for its separators (seps[group of
 * 64 steps][lane], through lane_seps()), from which the steps that end a
 * word are found, up to the lane's end; then each lane's words are read
 * off by those bits, its chain at its end is the hashes' row there, any
 * bytes it has past STEPS_MAX are stepped alone, and its last word ends as
 * in the scalar version.
 * `dq`: multiply by nw_mul64_dq(). Inlined into each caller, where dq is a
 * constant.
 */
static inline __attribute__((always_inline)) AVX2 size_t words_lanes(const unsigned char *text,
                                                                     size_t len,
                                                                     nw_word_carry_t *carry,
                                                                     int last, uint64_t *words,
                                                                     bool dq)
{
    if (len < AVX2_MIN)
        return nw_simhash_words_scalar(text, len, carry, last, words);
    const uint64_t basis = NW_FNV_BASIS;
    const unsigned char *end = text + len, *start[LANES + 1];
    start[0] = text;
    start[LANES] = end;
    /* Each lane but the last is cut `target` bytes after its start, at the
     * next separator: it is that long and the rest of the word it cut,
     * some three bytes. The last lane gets what the others leave, about
     * as long: the lanes step as far as the longest. */
    const size_t target = len / LANES - 3;
    for (int k = 1; k < LANES; k++) {
        const unsigned char *p = start[k - 1] + target;
        if (p > end)
            p = end;
        while (p < end && fold[*p])
            p++;
        start[k] = p;
    }
    /* Up to `steps` every lane has its 8 bytes to load; the vector steps go
     * on to `vsteps`, the longest lane rounded up to 8 steps, loading what
     * is left of the block's end. */
    size_t lens[LANES], steps = STEPS_MAX, vsteps = 0;
    for (int k = 0; k < LANES; k++) {
        lens[k] = (size_t)(start[k + 1] - start[k]);
        if (lens[k] < steps)
            steps = lens[k];
        if (lens[k] > vsteps)
            vsteps = lens[k];
    }
    steps &= ~(size_t)7;
    vsteps = vsteps < STEPS_MAX ? (vsteps + 7) & ~(size_t)7 : STEPS_MAX;

    /* A row more than the steps: read_ends() may read the one past a group. */
    _Alignas(32) uint64_t hashes[(STEPS_MAX + 1) * LANES];
    /* sep_bits() of lanes 0-3 and 4-7 at each 8 steps. A group's last
     * words may be past the steps (not set): lane_ends() drops their bits. */
    uint32_t sep4[2][STEPS_MAX / 8];
    const __m256i basisv = _mm256_set1_epi64x((long long)basis);
    __m256i h0 = _mm256_set_epi64x((long long)basis, (long long)basis, (long long)basis,
                                   (long long)carry->h);
    __m256i h1 = basisv;
    for (size_t s = 0; s < vsteps; s += 8) {
        __m256i c0, c1;
        if (s < steps) {
            c0 = load_lanes(start, s);
            c1 = load_lanes(start + 4, s);
        } else {
            c0 = load_lanes_upto(start, s, end);
            c1 = load_lanes_upto(start + 4, s, end);
        }
        sep4[0][s / 8] = sep_bits(c0);
        sep4[1][s / 8] = sep_bits(c1);
        for (size_t k = 0; k < 8; k++) {
            VEC_STEP(c0, k, h0, hashes + (s + k) * LANES);
            VEC_STEP(c1, k, h1, hashes + (s + k) * LANES + 4);
        }
    }
    uint64_t seps[STEPS_MAX / 64][LANES];
    for (size_t g = 0; g * 64 < vsteps; g++) {
        lane_seps(sep4[0] + g * 8, seps[g]);
        lane_seps(sep4[1] + g * 8, seps[g] + 4);
    }
    /* The chains after the last step, as the row of a step more. */
    _mm256_store_si256((__m256i *)(hashes + vsteps * LANES), h0);
    _mm256_store_si256((__m256i *)(hashes + vsteps * LANES + 4), h1);

    size_t n = 0;
    int carried = 0;
    for (int k = 0; k < LANES; k++) {
        uint64_t ends[STEPS_MAX / 64];
        size_t m = lens[k] < vsteps ? lens[k] : vsteps; /* the lane's vector steps */
        uint64_t inword = lane_ends(&seps[0][k], m, k == 0 && carry->inword, ends);
        for (size_t g = 0; g * 64 < m; g++)
            n += read_ends(hashes + g * 64 * LANES + (size_t)k, ends[g], words + n);
        uint64_t h = hashes[m * LANES + (size_t)k];
        for (const unsigned char *p = start[k] + m; p < start[k + 1]; p++)
            LANE_STEP(*p, h, inword, words, n);
        /* A lane but the last ends before the next one's separator. The
         * first to reach the block's end holds the carry; any after it are
         * empty. */
        if (start[k + 1] < end || last) {
            words[n] = h;
            n += inword;
        } else if (!carried) {
            *carry = (nw_word_carry_t){h, inword};
            carried = 1;
        }
    }
    return n;
}

AVX2 size_t nw_simhash_words_avx2(const unsigned char *text, size_t len, nw_word_carry_t *carry,
                                  int last, uint64_t *words)
{
    return words_lanes(text, len, carry, last, words, false);
}

int nw_simhash_words_have_dq(void)
{
    return nw_mul64_dq_have() && nw_cpu_has(NW_CPU_BMI);
}

/* NW_DQ_TARGET and BMI1, which the inlined loop's readout takes. */
__attribute__((target("avx2,bmi,avx512f,avx512dq,avx512vl"))) size_t
nw_simhash_words_dq(const unsigned char *text, size_t len, nw_word_carry_t *carry, int last,
                    uint64_t *words)
{
    return words_lanes(text, len, carry, last, words, true);
}

size_t nw_simhash_words(const unsigned char *text, size_t len, nw_word_carry_t *carry, int last,
                        uint64_t *words)
{
    if (!nw_cpu_has(NW_CPU_BMI))
        return nw_simhash_words_scalar(text, len, carry, last, words);
    if (nw_mul64_dq_pays())
        return nw_simhash_words_dq(text, len, carry, last, words);
    if (nw_cpu_has(NW_CPU_AVX2))
        return nw_simhash_words_avx2(text, len, carry, last, words);
    return nw_simhash_words_scalar(text, len, carry, last, words);
}
#else
int nw_simhash_words_have_avx2(void)
{
    return 0;
}

size_t nw_simhash_words_avx2(const unsigned char *text, size_t len, nw_word_carry_t *carry,
                             int last, uint64_t *words)
{
    return nw_simhash_words_scalar(text, len, carry, last, words);
}

int nw_simhash_words_have_dq(void)
{
    return 0;
}

size_t nw_simhash_words_dq(const unsigned char *text, size_t len, nw_word_carry_t *carry, int last,
                           uint64_t *words)
{
    return nw_simhash_words_scalar(text, len, carry, last, words);
}

size_t nw_simhash_words(const unsigned char *text, size_t len, nw_word_carry_t *carry, int last,
                        uint64_t *words)
{
    return nw_simhash_words_scalar(text, len, carry, last, words);
}
#endif
