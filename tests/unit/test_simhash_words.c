/*
 * Unit tests of simhash's AVX2 lanes. The word hashes simhash shingles
 * (core/simhash_words.c): the AVX2 version, which cuts a block into eight
 * lanes stepped together, and the same lanes multiplying by AVX-512's
 * vpmullq (where the CPU has AVX512DQ and VL, whatever its vendor) must
 * give the scalar version's hashes, count and carried chain on every
 * input. Compared on every length 0 .. 600 (the AVX2 version hands blocks
 * under 384 bytes to the scalar one) with text made of each kind of byte,
 * on random bytes and random prose, on every length to 700 at every
 * alignment, on lanes longer than it steps together and on text with no
 * separator at all, entering inside a word or not and ending the text or
 * not. The feature counts (core/simhash_count.c), by the AVX2 multiplies
 * and by vpmullq, must be a plain count of each bit of each mixed
 * shingle, for every number of shingles 0 .. 300 and for enough to fill
 * its byte counters many times. Skipped where the CPU has no AVX2.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cpu.h"
#include "core/hash.h"
#include "core/simhash_count.h"
#include "core/simhash_words.h"

enum { MAX_LEN = 6000 };

typedef size_t (*words_fn)(const unsigned char *, size_t, nw_word_carry_t *, int, uint64_t *);

/* The lane versions this CPU can run against the scalar one on text[0,
 * len), from each carry and `last`. Each writes to just the room
 * NW_SIMHASH_WORDS_MAX(len) promises, so that the sanitizer build sees a
 * write past it (the lanes' readout writes some hashes past the words). */
static void compare(const unsigned char *text, size_t len)
{
    static uint64_t want[NW_SIMHASH_WORDS_MAX(MAX_LEN)];
    uint64_t *got = malloc(NW_SIMHASH_WORDS_MAX(len) * sizeof(*got));
    static const nw_word_carry_t carries[] = {{NW_FNV_BASIS, 0}, {0x1234567887654321ULL, 1}};
    assert_non_null(got);
    const words_fn lanes[] = {nw_simhash_words_avx2,
                              nw_simhash_words_have_dq() ? nw_simhash_words_dq : NULL};
    for (size_t v = 0; v < sizeof(lanes) / sizeof(lanes[0]) && lanes[v]; v++)
        for (size_t c = 0; c < sizeof(carries) / sizeof(carries[0]); c++)
            for (int last = 0; last < 2; last++) {
                nw_word_carry_t cw = carries[c], cg = carries[c];
                size_t nw = nw_simhash_words_scalar(text, len, &cw, last, want);
                size_t ng = lanes[v](text, len, &cg, last, got);
                assert_int_equal(ng, nw);
                assert_memory_equal(got, want, nw * sizeof(want[0]));
                assert_true(cg.h == cw.h && cg.inword == cw.inword);
            }
    free(got);
}

/* Every byte value, as a word byte or a separator, in the folded vector
 * test as in the table. */
static const unsigned char every_kind[] = "aZz0 9@[`{\x7f\x80\xff\xc3\xa9\t\n.-\x01";

static void test_every_length(void **state)
{
    (void)state;
    static unsigned char buf[MAX_LEN];
    unsigned seed = 16;
    if (!nw_simhash_words_have_avx2())
        skip();
    for (size_t len = 0; len <= 600; len++) {
        memset(buf, 'w', len); /* no separator: one word */
        compare(buf, len);
        memset(buf, ' ', len); /* no word */
        compare(buf, len);
        for (size_t i = 0; i < len; i++) /* one-letter words */
            buf[i] = i % 2 ? ' ' : 'A';
        compare(buf, len);
        for (size_t i = 0; i < len; i++)
            buf[i] = every_kind[(size_t)rand_r(&seed) % (sizeof(every_kind) - 1)];
        compare(buf, len);
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)rand_r(&seed);
        compare(buf, len);
    }
}

/* Every length at every alignment of the text (the lanes load 8 bytes
 * anywhere), through the lengths the lanes take (from 384 bytes). */
static void test_every_alignment(void **state)
{
    (void)state;
    static unsigned char buf[MAX_LEN + 32];
    unsigned seed = 32;
    if (!nw_simhash_words_have_avx2())
        skip();
    for (size_t len = 0; len <= 700; len++)
        for (size_t at = 0; at < 32; at++) {
            for (size_t i = 0; i < len; i++)
                buf[at + i] = every_kind[(size_t)rand_r(&seed) % (sizeof(every_kind) - 1)];
            compare(buf + at, len);
        }
}

/* Every byte value in every position of an 8-byte load and of a lane. */
static void test_every_byte(void **state)
{
    (void)state;
    static unsigned char buf[512];
    if (!nw_simhash_words_have_avx2())
        skip();
    for (int c = 0; c < 256; c++) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = i % 5 == 4 ? ' ' : (unsigned char)(c + (int)i);
        compare(buf, sizeof(buf));
    }
}

/* Prose-like text of every size up to several blocks, with long words
 * that leave some lanes far longer than others. */
static void test_random_prose(void **state)
{
    (void)state;
    static unsigned char buf[MAX_LEN];
    static const char alphabet[] = "ab Z9 \xc3\xa9-.\nqrs  ";
    unsigned seed = 5;
    if (!nw_simhash_words_have_avx2())
        skip();
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)rand_r(&seed) % MAX_LEN;
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
        if (round % 3 == 0 && len > 0) { /* a long word somewhere */
            size_t at = (size_t)rand_r(&seed) % len, n = (size_t)rand_r(&seed) % 1500;
            memset(buf + at, 'x', at + n <= len ? n : len - at);
        }
        compare(buf, len);
    }
}

/* Full blocks of one-letter words: 32 word ends in each lane's 64 steps,
 * more than the readout takes at once, a word ending at a group's last
 * step (bit 63) or not, and four full groups, whose readout reads a row
 * past the last (the sanitizer build sees it if the hashes have no room
 * for it). nw_simhash_words() itself with and without BMI1 (the lanes'
 * readout needs it: without it, the scalar version). */
static void test_dense_words(void **state)
{
    (void)state;
    static unsigned char buf[4096 + 2];
    static uint64_t want[NW_SIMHASH_WORDS_MAX(4096 + 2)], got[NW_SIMHASH_WORDS_MAX(4096 + 2)];
    if (!nw_simhash_words_have_avx2())
        skip();
    for (size_t at = 0; at < 2; at++) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = (i + at) % 2 ? ' ' : (unsigned char)('a' + i % 26);
        for (size_t len = 2040; len <= 2056; len++)
            compare(buf, len);
        compare(buf, 4096);
        for (unsigned mask = 0; mask <= NW_CPU_BMI; mask += NW_CPU_BMI) {
            unsigned was = nw_cpu_mask(mask);
            nw_word_carry_t cw = {NW_FNV_BASIS, 0}, cg = cw;
            size_t nw = nw_simhash_words_scalar(buf, 2048, &cw, 0, want);
            size_t ng = nw_simhash_words(buf, 2048, &cg, 0, got);
            nw_cpu_mask(was);
            assert_int_equal(ng, nw);
            assert_memory_equal(got, want, nw * sizeof(want[0]));
            assert_true(cg.h == cw.h && cg.inword == cw.inword);
        }
    }
}

typedef size_t (*count_fn)(nw_simhash_count_t *, const uint64_t *, size_t);

/* add()'s counts of n shingles of ext against each feature's bits counted
 * one by one. */
static void compare_counts_by(count_fn add, const uint64_t *ext, size_t n)
{
    nw_simhash_count_t c;
    memset(&c, 0, sizeof(c));
    size_t m = add(&c, ext, n);
    assert_int_equal(m, n / 32 * 32);
    uint32_t got[64] = {0}, want[64] = {0}, total = 0;
    nw_simhash_count_finish(&c, got, &total);
    assert_int_equal(total, m);
    for (int b = 0; b < 64; b++)
        for (int l = 0; l < 4; l++)
            got[b] += 4 * (uint32_t)(c.fours[l] >> b & 1) + 2 * (uint32_t)(c.twos[l] >> b & 1) +
                      (uint32_t)(c.ones[l] >> b & 1);
    for (size_t k = 0; k < m; k++) {
        uint64_t f = nw_simhash_mix(ext[k] * 31 * 31 + ext[k + 1] * 31 + ext[k + 2]);
        for (int b = 0; b < 64; b++)
            want[b] += (uint32_t)(f >> b & 1);
    }
    assert_memory_equal(got, want, sizeof(got));
}

/* The counter's versions this CPU can run: the one it picks, the AVX2
 * multiplies and vpmullq (whatever the vendor). */
static void compare_counts(const uint64_t *ext, size_t n)
{
    compare_counts_by(nw_simhash_count_add, ext, n);
    compare_counts_by(nw_simhash_count_add_avx2, ext, n);
    if (nw_simhash_words_have_dq())
        compare_counts_by(nw_simhash_count_add_dq, ext, n);
}

static void test_counts(void **state)
{
    (void)state;
    enum { MANY = 40000 };
    uint64_t *ext = malloc((MANY + 2) * sizeof(*ext));
    assert_non_null(ext);
    unsigned seed = 7;
    if (!nw_simhash_count_have_avx2()) {
        free(ext);
        skip();
    }
    for (size_t i = 0; i < MANY + 2; i++)
        ext[i] =
            (uint64_t)rand_r(&seed) << 42 ^ (uint64_t)rand_r(&seed) << 21 ^ (uint64_t)rand_r(&seed);
    for (size_t n = 0; n <= 300; n++)
        compare_counts(ext, n);
    compare_counts(ext, MANY);                    /* 1,250 groups: the byte counters flushed */
    memset(ext, 0xFF, (MANY + 2) * sizeof(*ext)); /* one feature over and over */
    compare_counts(ext, MANY);
    memset(ext, 0, (MANY + 2) * sizeof(*ext));
    compare_counts(ext, MANY);
    free(ext);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_length), cmocka_unit_test(test_every_alignment),
        cmocka_unit_test(test_every_byte),   cmocka_unit_test(test_random_prose),
        cmocka_unit_test(test_dense_words),  cmocka_unit_test(test_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
