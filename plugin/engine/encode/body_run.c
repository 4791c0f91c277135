/* The record body's 32-byte steps with AVX2 (see body_run.h). */
#include "encode/body_run.h"

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
#else
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
