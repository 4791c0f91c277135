/*
 * The word hashes simhash shingles (core/hash.c): each word of a block of
 * text hashed with FNV-1a over its bytes, ASCII letters lower-cased, words
 * being runs of ASCII letters and digits and bytes >= 0x80. Two versions
 * give the same hashes: a scalar one and, on x86-64 CPUs with AVX2, one
 * that steps eight parts of the block at once, whose multiplies are
 * AVX-512 ones on AMD CPUs that have them. nw_simhash_words() picks one by
 * the CPU it runs on; all are here for the tests that compare them.
 */
#ifndef NW_SIMHASH_WORDS_H
#define NW_SIMHASH_WORDS_H

#include <stddef.h>
#include <stdint.h>

/* A word's chain between blocks: a word cut by a block's end goes on in the
 * next block from h (NW_FNV_BASIS and 0 before the first block). */
typedef struct nw_word_carry {
    uint64_t h, inword;
} nw_word_carry_t;

/* The room words[] needs for a block of len bytes: a part of n bytes ends
 * at most (n + 1) / 2 + 1 words, a block is cut into at most 8 parts, one
 * more hash is stored past the last word, and the lanes' readout writes up
 * to 12 past the words it has kept. */
#define NW_SIMHASH_WORDS_MAX(len) ((len) / 2 + 32)

/* Writes the hashes of the words of text[0, len), in the text's order, to
 * words (NW_SIMHASH_WORDS_MAX(len) of room) and returns how many. The
 * first word goes on from *carry. Unless `last` says that the text ends
 * at text[len] (which then ends a word, as a separator does), the chain
 * at text[len] is left in *carry and a word cut there is not counted. */
size_t nw_simhash_words(const unsigned char *text, size_t len, nw_word_carry_t *carry, int last,
                        uint64_t *words);
size_t nw_simhash_words_scalar(const unsigned char *text, size_t len, nw_word_carry_t *carry,
                               int last, uint64_t *words);
/* 1 when this CPU can run nw_simhash_words_avx2(); its result is the
 * scalar one's in every case. */
int nw_simhash_words_have_avx2(void);
size_t nw_simhash_words_avx2(const unsigned char *text, size_t len, nw_word_carry_t *carry,
                             int last, uint64_t *words);
/* 1 when this CPU can run nw_simhash_words_dq() (AVX2, AVX512DQ and
 * AVX512VL), the AVX2 lanes multiplying by vpmullq; its result is the
 * scalar one's in every case. */
int nw_simhash_words_have_dq(void);
size_t nw_simhash_words_dq(const unsigned char *text, size_t len, nw_word_carry_t *carry, int last,
                           uint64_t *words);

#endif
