/*
 * Byte-splat constants for the enrichers' vector loops, read from memory.
 *
 * GCC builds a constant vector of one repeated byte from an immediate (a
 * move, a vmovd and a vpbroadcastb), and where a loop holds more of them
 * than it has registers for, it builds them again in every pass: the word
 * list's and the date scan's AVX2 loops spent some fifteen instructions a
 * block so. Read from this table, defined in its own file so that the
 * compiler cannot see through it, a constant is a memory operand of the
 * instruction that uses it, and a loop that keeps it in a register loads
 * it once.
 */
#ifndef NW_ENRICH_SPLAT_H
#define NW_ENRICH_SPLAT_H

/* nw_splat[b]: 32 bytes of b. */
extern const unsigned char nw_splat[256][32];

/* The vectors of 16 and 32 bytes of b (an integer constant 0..255, or a
 * char whose byte it is). */
#define NW_SPLAT16(b) _mm_loadu_si128((const __m128i *)(const void *)nw_splat[(unsigned char)(b)])
#define NW_SPLAT32(b)                                                                              \
    _mm256_loadu_si256((const __m256i *)(const void *)nw_splat[(unsigned char)(b)])

#endif
