/*
 * What the CPU offers the vector paths, asked in one place.
 *
 * The hot loops (the UTF-8 check, the record's body pass, the simhash, the
 * date scan, the entities tokeniser) each have a portable build and one for
 * AVX2, chosen per call by nw_cpu_has(). Asking here rather than through
 * __builtin_cpu_supports() at each site gives the tests one switch,
 * nw_cpu_mask(), to run every portable path on a CPU that has the vector
 * ones, and the two must give the same bytes.
 */
#ifndef NW_CPU_H
#define NW_CPU_H

#include <stdbool.h>

enum {
    NW_CPU_AVX2 = 1u << 0,
    NW_CPU_POPCNT = 1u << 1,
    NW_CPU_AVX512DQVL = 1u << 2,  /* AVX512DQ and AVX512VL: vpmullq on 256-bit vectors */
    NW_CPU_AMD = 1u << 3,         /* the vendor, where a choice depends on it */
    NW_CPU_BMI = 1u << 4,         /* BMI1: tzcnt (64 for no bit) and blsr */
    NW_CPU_AVX512VBMI2 = 1u << 5, /* AVX512BW and VBMI2: vpcompressb on 512-bit vectors */
    NW_CPU_BMI2 = 1u << 6,        /* BMI2: pdep, pext, shlx */
    NW_CPU_AVX512BW = 1u << 7,    /* AVX512BW: byte compares into 64-bit masks */
};

/* The features nw_cpu_mask() hides; 0 outside tests. */
extern unsigned nw_cpu_masked;

/* Does the CPU offer every feature of want, none of them masked? Inline:
 * the loops ask it per call, and with a constant want it is a load and a
 * test or two of the runtime's CPU model. */
static inline bool nw_cpu_has(unsigned want)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (want & nw_cpu_masked)
        return false;
    if ((want & NW_CPU_AVX2) && !__builtin_cpu_supports("avx2"))
        return false;
    if ((want & NW_CPU_POPCNT) && !__builtin_cpu_supports("popcnt"))
        return false;
    if ((want & NW_CPU_AVX512DQVL) &&
        !(__builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")))
        return false;
    if ((want & NW_CPU_AVX512VBMI2) &&
        !(__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi2")))
        return false;
    if ((want & NW_CPU_BMI) && !__builtin_cpu_supports("bmi"))
        return false;
    if ((want & NW_CPU_BMI2) && !__builtin_cpu_supports("bmi2"))
        return false;
    if ((want & NW_CPU_AVX512BW) && !__builtin_cpu_supports("avx512bw"))
        return false;
    if ((want & NW_CPU_AMD) && !__builtin_cpu_is("amd"))
        return false;
    return true;
#else
    (void)want;
    return false;
#endif
}

/* For tests: hides features (0 shows them all again), before the code
 * that asks runs; returns the mask it replaces. Not thread-safe. */
unsigned nw_cpu_mask(unsigned features);

#endif
