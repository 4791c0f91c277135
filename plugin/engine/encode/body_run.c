/* The record body's 32-byte steps with AVX2 (see body_run.h). */
#include "encode/body_run.h"

#include "core/avx512.h"
#include "core/cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* popcnt comes with every CPU that has AVX2; without it the count was a
 * dozen instructions a step. */
#define AVX2 __attribute__((target("avx2,popcnt")))

int nw_body_run_have_avx2(void)
{
    return nw_cpu_has(NW_CPU_AVX2 | NW_CPU_POPCNT);
}

AVX2 size_t nw_body_run_avx2(const unsigned char *s, size_t len, char *d, nw_body_scan_t *st)
{
    nw_body_scan_t c = *st;
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
        __m256i esc = _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('"')),
                                      _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\')));
        uint32_t plain = (uint32_t)_mm256_movemask_epi8(
            _mm256_andnot_si256(esc, _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x1F))));
        uint32_t sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(' ')));
        _mm256_storeu_si256((__m256i *)(void *)(d + i), x);
        if (plain != ~0u) {
            unsigned n = (unsigned)__builtin_ctz(~plain);
            if (n)
                c.words += (size_t)__builtin_popcount(nw_body_count(&c, sp, n));
            i += n;
            break;
        }
        c.words += (size_t)__builtin_popcount(nw_body_count(&c, sp, 32));
    }
    *st = c;
    return i;
}

/* The AVX-512 steps (AVX-512 BW, BMI and BMI2): 64 bytes a step, the text's
 * last 1 to 63 in one masked step, and the letters beyond ASCII that
 * nw_utf8_common_len() takes (two-byte ones but U+00A0; U+200C .. U+203F
 * but U+202F: quotation marks, dashes) taken in the step, none of them a
 * space: the AVX2 steps stopped at each, for the writer's byte-wise step
 * and a new call, and left the last 31 bytes to the shorter steps. perf,
 * plain run of c10k: write_record and the steps 7.4% -> 5.5% of the
 * samples. */
#define B(c) _mm512_set1_epi8((char)(c))

static NW_AVX512BW size_t body_run_avx512(const unsigned char *s, size_t len, char *d,
                                          nw_body_scan_t *st)
{
    nw_body_scan_t c = *st;
    size_t i = 0;
    uint64_t carry = 0; /* continuation bytes of the last block's letters */
    while (i < len) {
        size_t rest = len - i, n = rest < 64 ? rest : 64;
        uint64_t valid = nw_low_bits(n);
        __m512i x = nw_load_step(s + i, n);
        uint64_t ok = _mm512_cmpgt_epi8_mask(x, B(0x1F)) & ~_mm512_cmpeq_epi8_mask(x, B('"')) &
                      ~_mm512_cmpeq_epi8_mask(x, B('\\'));
        uint64_t cont = carry;
        carry = 0;
        if (_mm512_movepi8_mask(x) & valid) {
            /* Two-byte letters: a lead C2..DF and a continuation byte, but
             * C2 A0; the three-byte ones: E2 80 and 8C..BF but AF. */
            __m512i x1 = nw_load_ahead(s + i, rest, 1);
            __m512i x2 = nw_load_ahead(s + i, rest, 2);
            uint64_t two =
                _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, B(0xC2)), B(0x1E)) &
                _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x1, B(0x80)), B(0x40)) &
                ~(_mm512_cmpeq_epi8_mask(x, B(0xC2)) & _mm512_cmpeq_epi8_mask(x1, B(0xA0)));
            uint64_t three = _mm512_cmpeq_epi8_mask(x, B(0xE2)) &
                             _mm512_cmpeq_epi8_mask(x1, B(0x80)) &
                             _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x2, B(0x8C)), B(0x34)) &
                             ~_mm512_cmpeq_epi8_mask(x2, B(0xAF));
            cont |= (two | three) << 1 | three << 2;
            ok |= two | three;
            carry = (two | three) >> 63 | three >> 62;
        }
        ok |= cont;
        uint64_t bad = ~ok & valid;
        unsigned k = bad ? (unsigned)__builtin_ctzll(bad) : (unsigned)n;
        if (n == 64)
            _mm512_storeu_si512((void *)(d + i), x);
        else
            _mm512_mask_storeu_epi8((void *)(d + i), valid, x);
        if (k) {
            /* As nw_body_count(): a letter's bytes are no space, and only
             * its first counts as a character. */
            uint64_t m = nw_low_bits(k);
            uint64_t sp = _mm512_mask_cmpeq_epi8_mask(m, x, B(' '));
            c.twice |= (sp & (sp >> 1)) | (sp & c.last_sp);
            uint64_t starts = ~sp & ((sp << 1) | !c.in_word) & m;
            c.words += (size_t)__builtin_popcountll(starts);
            c.chars += k - (size_t)__builtin_popcountll(cont & m);
            c.last_sp = sp >> (k - 1);
            c.in_word = !c.last_sp;
        }
        i += k;
        if (k < n)
            break;
    }
    *st = c;
    return i;
}
#undef B

nw_body_run_fn *nw_body_run_pick(size_t *min)
{
    *min = 1;
    /* AVX-512 BW asked alone first: without it (or under valgrind) the
     * test ends there. */
    if (nw_cpu_has(NW_CPU_AVX512BW) &&
        nw_cpu_has(NW_CPU_AVX2 | NW_CPU_POPCNT | NW_CPU_BMI | NW_CPU_BMI2 | NW_CPU_AVX512BW))
        return body_run_avx512;
    *min = 32;
    return nw_body_run_have_avx2() ? nw_body_run_avx2 : NULL;
}
#else
nw_body_run_fn *nw_body_run_pick(size_t *min)
{
    *min = 32;
    return NULL;
}

int nw_body_run_have_avx2(void)
{
    return 0;
}

size_t nw_body_run_avx2(const unsigned char *s, size_t len, char *d, nw_body_scan_t *st)
{
    (void)s;
    (void)len;
    (void)d;
    (void)st;
    return 0;
}
#endif
