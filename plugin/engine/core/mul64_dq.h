/*
 * 64-bit multiplies in AVX2 code by AVX-512's vpmullq (AVX512DQ and VL, on
 * 256-bit vectors). AVX2 multiplies only 32 by 32 bits, so a 64-bit product
 * takes two or three of those and some shifts and adds; vpmullq is one
 * instruction, of 3 cycles on AMD's Zen 4, but three micro-ops with a
 * latency of 15 on Intel's cores, slower than the AVX2 steps. So it is
 * used where nw_mul64_dq_pays() says so, by loops written once for AVX2
 * that take it or the AVX2 steps by a constant argument (core/
 * simhash_words.c, core/simhash_count.c). Header-only: each caller inlines
 * it into its own loop.
 */
#ifndef NW_MUL64_DQ_H
#define NW_MUL64_DQ_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "core/cpu.h"

/* 1 when the CPU has vpmullq on 256-bit vectors. */
static inline int nw_mul64_dq_have(void)
{
    return nw_cpu_has(NW_CPU_AVX2 | NW_CPU_AVX512DQVL);
}

/* 1 when vpmullq is the faster way on this CPU: AMD's. */
static inline int nw_mul64_dq_pays(void)
{
    return nw_cpu_has(NW_CPU_AMD | NW_CPU_AVX2 | NW_CPU_AVX512DQVL);
}

/* a * b in each 64-bit lane, only where nw_mul64_dq_have(). Written as asm
 * so that a loop compiled for AVX2 alone can hold it: the assembler
 * encodes it whatever the compiler's target. */
static inline __attribute__((target("avx2"))) __m256i nw_mul64_dq(__m256i a, __m256i b)
{
    __m256i r;
    __asm__("vpmullq %2, %1, %0" : "=x"(r) : "x"(a), "x"(b));
    return r;
}

/* The target of a function that calls such a loop with vpmullq: with
 * AVX-512's 32 vector registers, a loop's state stays in registers where
 * AVX2's 16 leave some of it on the stack. */
#define NW_DQ_TARGET __attribute__((target("avx2,avx512f,avx512dq,avx512vl")))
#endif

#endif
