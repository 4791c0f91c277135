/*
 * Unit tests of nw_simhash() (core/hash.c) against a plain reference: the
 * same words, shingles and final mix, but each feature's 64 bits counted
 * one by one. The fast version scans words without length checks before
 * the last separator and counts features eight at a time with carry-save
 * adders and byte lanes flushed every 255 groups, so texts of every length
 * up to many thousands of words are compared, ending in a word or not.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"

static uint64_t ref_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static bool ref_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static void ref_add(uint32_t counts[64], uint64_t f)
{
    f = ref_mix(f);
    for (int b = 0; b < 64; b++)
        counts[b] += (uint32_t)(f >> b & 1);
}

static uint64_t ref_simhash(const char *text, size_t len)
{
    uint32_t counts[64] = {0};
    uint64_t w[3] = {0, 0, 0}, total = 0;
    size_t nwords = 0, i = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (i < len) {
        if (!ref_word_byte(p[i])) {
            i++;
            continue;
        }
        uint64_t h = 0xcbf29ce484222325ULL;
        for (; i < len && ref_word_byte(p[i]); i++) {
            unsigned char c = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i];
            h = (h ^ c) * 0x100000001b3ULL;
        }
        w[0] = w[1];
        w[1] = w[2];
        w[2] = h;
        if (++nwords >= 3) {
            ref_add(counts, w[0] * 31 * 31 + w[1] * 31 + w[2]);
            total++;
        }
    }
    if (nwords == 0)
        return 0;
    if (nwords < 3) {
        /* Fewer than three words: each word is a feature. */
        for (size_t k = 3 - nwords; k < 3; k++, total++)
            ref_add(counts, w[k]);
    }
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (2 * counts[b] > total)
            h |= 1ULL << b;
    return h;
}

static void test_edges(void **state)
{
    (void)state;
    static const char *const texts[] = {"",
                                        " ",
                                        "...",
                                        "one",
                                        "one two",
                                        "One TWO three",
                                        "one two three ",
                                        "  a b c d e f g h i",
                                        "caf\xc3\xa9 x y"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        assert_true(nw_simhash(texts[i], strlen(texts[i])) ==
                    ref_simhash(texts[i], strlen(texts[i])));
    assert_true(nw_simhash("", 0) == 0);
}

static void test_random_texts(void **state)
{
    (void)state;
    static const char alphabet[] = "ab Z9 \xc3\xa9-.\nqrs";
    enum { MAX = 40000 };
    char *buf = malloc(MAX);
    assert_non_null(buf);
    unsigned seed = 15;
    for (int round = 0; round < 400; round++) {
        size_t n = (size_t)rand_r(&seed) % (round % 4 == 0 ? MAX : 400);
        for (size_t i = 0; i < n; i++)
            buf[i] = alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
        assert_true(nw_simhash(buf, n) == ref_simhash(buf, n));
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
