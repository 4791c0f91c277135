/*
 * What the AVX-512 BW instances of the byte passes share (core/utf8.c,
 * encode/body_run.c): their target, and the masked loads of a 64-byte
 * step, which touch no byte past the text's end. An instance runs only
 * where nw_cpu_has() says the CPU has every feature of NW_AVX512BW.
 */
#ifndef NW_CORE_AVX512_H
#define NW_CORE_AVX512_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define NW_AVX512BW __attribute__((target("avx2,bmi,bmi2,popcnt,avx512f,avx512bw")))

/* Bits 0 .. n-1 (n <= 64). */
static inline NW_AVX512BW uint64_t nw_low_bits(size_t n)
{
    return _bzhi_u64(~0ull, (unsigned)n);
}

/* The bytes p[0, n) and zeros past them (n <= 64). */
static inline NW_AVX512BW __m512i nw_load_upto64(const unsigned char *p, size_t n)
{
    return _mm512_maskz_loadu_epi8(nw_low_bits(n), (const void *)p);
}

/* A step's n bytes at p (n <= 64), zeros past them: a plain load when the
 * step is whole, a masked one for a text's last 1 to 63 bytes. */
static inline NW_AVX512BW __m512i nw_load_step(const unsigned char *p, size_t n)
{
    return n == 64 ? _mm512_loadu_si512((const void *)p) : nw_load_upto64(p, n);
}

/* The 64 bytes from p + k (k < 64) of a text that has rest bytes from p
 * on, zeros past its end: the bytes after each byte of a step, to tell a
 * lead byte by its continuation bytes. */
static inline NW_AVX512BW __m512i nw_load_ahead(const unsigned char *p, size_t rest, size_t k)
{
    size_t n = rest > k ? rest - k : 0;
    return nw_load_upto64(p + k, n < 64 ? n : 64);
}
#endif

#endif
