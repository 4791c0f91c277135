/*
 * Unit tests of nw_simhash() (core/hash.c) against a plain reference: the
 * same words, shingles and final mix (nw_simhash_mix(), shared), but each
 * feature's 64 bits counted one by one. The fast version hashes words in
 * lanes over blocks of 2048 bytes, handing a word cut by a block's end on
 * to the next, and counts features eight or (with AVX2) 32 at a time with
 * carry-save adders and byte counters flushed every 255 groups, so texts
 * of every length up to many thousands of words are compared, ending in a
 * word or not, and words far longer than a block.
 * nw_simhash_parts() must give the simhash of its parts joined by spaces,
 * so the same texts are cut into parts at random, and the real articles
 * of tests/data at their line ends. nw_hash_spans() reads the words from
 * the content hash's text when collapse kept them: parts with tabs, runs
 * of spaces and wide spaces must give nw_simhash_spans() all the same.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>

#include "core/hash.h"
#include "core/simhash_count.h"
#include "core/utf8.h"

static bool ref_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static void ref_add(uint32_t counts[64], uint64_t f)
{
    f = nw_simhash_mix(f);
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

/* The parts of a text cut at the given bytes, which the cut removes: each
 * cut byte must be a separator for the join by spaces to be the text. */
typedef struct parts {
    const char *part[64];
} parts_t;

static const char *get_part(const void *ctx, size_t i)
{
    return ((const parts_t *)ctx)->part[i];
}

/* nw_simhash_parts() of buf[0, n) cut at up to 63 of its separators picked
 * with seed; buf[n] is writable. */
static uint64_t parts_simhash(char *buf, size_t n, unsigned *seed)
{
    parts_t parts;
    size_t np = 0;
    buf[n] = '\0';
    parts.part[np++] = buf;
    for (size_t i = 0; i < n && np < 63; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (!ref_word_byte(c) && c != '\0' && rand_r(seed) % 4 == 0) {
            buf[i] = '\0';
            parts.part[np++] = rand_r(seed) % 8 == 0 ? NULL : buf + i + 1;
            if (!parts.part[np - 1])
                parts.part[np++] = buf + i + 1;
        }
    }
    return nw_simhash_parts(np, get_part, &parts);
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
    parts_t none = {{NULL, "", " "}};
    assert_true(nw_simhash_parts(3, get_part, &none) == 0);
}

static void test_random_texts(void **state)
{
    (void)state;
    static const char alphabet[] = "ab Z9 \xc3\xa9-.\nqrs";
    enum { MAX = 40000 };
    char *buf = malloc(MAX + 1), *copy = malloc(MAX + 1);
    assert_non_null(buf);
    assert_non_null(copy);
    unsigned seed = 15;
    for (int round = 0; round < 400; round++) {
        size_t n = (size_t)rand_r(&seed) % (round % 4 == 0 ? MAX : 400);
        for (size_t i = 0; i < n; i++)
            buf[i] = alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
        uint64_t want = ref_simhash(buf, n);
        assert_true(nw_simhash(buf, n) == want);
        memcpy(copy, buf, n);
        assert_true(parts_simhash(copy, n, &seed) == want);
    }
    free(buf);
    free(copy);
}

/* Words far longer than any run the fast scan sees in prose, in ASCII and
 * UTF-8, alone and among short ones, in a text and in parts. */
static void test_long_words(void **state)
{
    (void)state;
    enum { MAX = 100000 };
    char *buf = malloc(MAX + 16), *copy = malloc(MAX + 16);
    assert_non_null(buf);
    assert_non_null(copy);
    unsigned seed = 9;
    static const size_t lengths[] = {1, 7, 8, 9, 63, 64, 65, 255, 256, 4095, 4096, MAX};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        size_t n = lengths[i];
        for (size_t k = 0; k < n; k++)
            buf[k] = (char)(k % 3 == 0 ? 'W' : k % 3 == 1 ? '\xc3' : '\xa9');
        assert_true(nw_simhash(buf, n) == ref_simhash(buf, n));
        memcpy(buf + n, " a b", 4);
        assert_true(nw_simhash(buf, n + 4) == ref_simhash(buf, n + 4));
        memcpy(copy, buf, n + 4);
        assert_true(parts_simhash(copy, n + 4, &seed) == ref_simhash(buf, n + 4));
    }
    free(buf);
    free(copy);
}

/* Reads a whole file into a new buffer with one spare byte; NULL if it
 * cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
            *len = fread(buf, 1, (size_t)n, f);
        }
    }
    fclose(f);
    return buf;
}

/* Every article of tests/data: whole, and cut into parts at its lines. */
static void test_real_texts(void **state)
{
    (void)state;
    const char *dir = NW_TEST_DATA "/articles";
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    unsigned seed = 3;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t n = 0;
        char *text = read_file(path, &n);
        if (!text)
            continue;
        uint64_t want = ref_simhash(text, n);
        assert_true(nw_simhash(text, n) == want);
        assert_true(parts_simhash(text, n, &seed) == want);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files > 10);
}

/* The content hash's text made here: each part collapsed, the non-empty
 * ones joined by single spaces. */
static void ref_content_hash(const nw_text_span_t *spans, size_t n, uint8_t out[32])
{
    nw_buf_t text = NW_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        nw_buf_t one = NW_BUF_INIT;
        if (spans[i].s)
            nw_utf8_collapse(spans[i].s, spans[i].len, &one);
        if (one.len) {
            if (text.len)
                nw_buf_putc(&text, ' ');
            nw_buf_append(&text, one.data, one.len);
        }
        nw_buf_free(&one);
    }
    nw_sha256(nw_buf_str(&text), text.len, out);
    nw_buf_free(&text);
}

/* nw_hash_spans() gives ref_content_hash()'s digest, with and without the
 * simhash, and the simhash nw_simhash_spans() gives. */
static void assert_hash_spans_agrees(const nw_text_span_t *spans, size_t n)
{
    uint8_t got[32], want[32];
    uint64_t sim = 1;
    nw_hash_spans(spans, n, got, &sim);
    ref_content_hash(spans, n, want);
    assert_memory_equal(got, want, 32);
    assert_true(sim == nw_simhash_spans(spans, n));
    nw_hash_spans(spans, n, got, NULL);
    assert_memory_equal(got, want, 32);
}

static void test_hash_spans(void **state)
{
    (void)state;
    static const char *const pieces[] = {"word",         "Ab9",         "x",  " ",
                                         "  ",           "\t",          "\n", "\xc2\xa0",
                                         "\xe2\x80\x83", "caf\xc3\xa9", ".",  "-"};
    enum { MAX_SPANS = 12, MAX_TEXT = 600 };
    char text[MAX_SPANS][MAX_TEXT];
    nw_text_span_t spans[MAX_SPANS];
    unsigned seed = 21;
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + (size_t)rand_r(&seed) % MAX_SPANS;
        for (size_t i = 0; i < n; i++) {
            size_t len = 0, pieces_n = (size_t)rand_r(&seed) % (round % 3 ? 8 : 120);
            for (size_t k = 0; k < pieces_n; k++) {
                const char *pc = pieces[rand_r(&seed) % (int)(sizeof(pieces) / sizeof(pieces[0]))];
                size_t pl = strlen(pc);
                if (len + pl >= MAX_TEXT)
                    break;
                memcpy(text[i] + len, pc, pl);
                len += pl;
            }
            text[i][len] = '\0';
            nw_buf_t c = NW_BUF_INIT;
            nw_utf8_collapse(text[i], len, &c);
            bool collapsed = c.len == len && (len == 0 || memcmp(c.data, text[i], len) == 0);
            nw_buf_free(&c);
            spans[i] = (nw_text_span_t){rand_r(&seed) % 10 == 0 ? NULL : text[i], len,
                                        collapsed && rand_r(&seed) % 2};
            if (!spans[i].s)
                spans[i].len = 0;
        }
        assert_hash_spans_agrees(spans, n);
    }
}

/* nw_hash_spans() streams the joined text through blocks of 2048 bytes:
 * texts that end just before, at and after a block's end (and two), with
 * parts longer than a block, parts of ASCII that are collapsed already
 * though not marked so (of every length around the 16-byte steps of the
 * test for it), and parts that are not: a space at an end, two in a row
 * across a step's edge, a tab, a byte that is not ASCII. */
static void test_hash_spans_blocks(void **state)
{
    (void)state;
    enum { MAX_SPANS = 6, MAX_TEXT = 5000 };
    static char text[MAX_SPANS][MAX_TEXT + 1];
    nw_text_span_t spans[MAX_SPANS];
    static const size_t totals[] = {2046, 2047, 2048, 2049, 4095, 4096, 4097, 6144};
    unsigned seed = 27;
    for (size_t t = 0; t < sizeof(totals) / sizeof(totals[0]); t++) {
        for (int round = 0; round < 200; round++) {
            size_t n = 1 + (size_t)rand_r(&seed) % MAX_SPANS, left = totals[t] - (n - 1);
            for (size_t i = 0; i < n; i++) {
                /* Lengths that add up, with the joining spaces, to the total. */
                size_t len = i + 1 == n ? left : (size_t)rand_r(&seed) % (left - (n - 1 - i)) + 1;
                if (len > MAX_TEXT)
                    len = MAX_TEXT;
                left -= len;
                for (size_t k = 0; k < len; k++)
                    text[i][k] = (rand_r(&seed) % 6 == 0) ? ' ' : (char)('a' + rand_r(&seed) % 26);
                /* Collapsed unless spoilt below: single spaces inside. */
                for (size_t k = 1; k < len; k++)
                    if (text[i][k] == ' ' && text[i][k - 1] == ' ')
                        text[i][k] = 'q';
                text[i][0] = text[i][len - 1] = 'z';
                switch (rand_r(&seed) % 8) {
                case 0:
                    text[i][len - 1] = ' ';
                    break;
                case 1:
                    if (len >= 3) {
                        size_t at = 1 + (size_t)rand_r(&seed) % (len - 2);
                        text[i][at] = text[i][at - 1] = ' ';
                    }
                    break;
                case 2:
                    text[i][(size_t)rand_r(&seed) % len] = '\t';
                    break;
                case 3:
                    text[i][(size_t)rand_r(&seed) % len] = (char)0xE9;
                    break;
                default:
                    break;
                }
                text[i][len] = '\0';
                spans[i] = (nw_text_span_t){text[i], len, false};
            }
            assert_hash_spans_agrees(spans, n);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),      cmocka_unit_test(test_random_texts),
        cmocka_unit_test(test_long_words), cmocka_unit_test(test_real_texts),
        cmocka_unit_test(test_hash_spans), cmocka_unit_test(test_hash_spans_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
