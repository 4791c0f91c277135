/*
 * Unit tests of the article word list the built-in enrichers share
 * (enrichers/builtins.h): the words themselves (folding, separators, the
 * breaks between headline, standfirst and body, lengths from the offsets),
 * and the per-run sharing, where every enricher asking for one record's
 * words gets the same list, made once, while an input outside the run gets
 * its own, in memory the thread keeps from one run for the next; and the
 * toolkit's JSON helpers (shared counts, checked strings).
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cpu.h"
#include "core/hash.h"
#include "enrichers/builtins.h"
#include "enrichers/splat.h"

static nw_enrich_input_t input(const char *headline, const char *standfirst, const char *body)
{
    return (nw_enrich_input_t){.size = sizeof(nw_enrich_input_t),
                               .headline = headline,
                               .standfirst = standfirst,
                               .body = body};
}

/* w holds exactly the n words of want, each with its length and its
 * nw_words_hash_key(). */
static void expect_words(const nw_words_t *w, const char *const *want, size_t n)
{
    assert_false(w->oom);
    assert_int_equal(w->n, n);
    /* The end offset, which gives the last word its length. */
    assert_int_equal(w->offsets[n], w->text_len);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(nw_words_at(w, i), want[i]);
        assert_int_equal(nw_words_len(w, i), strlen(want[i]));
        assert_true(nw_words_hash(w, i) == nw_words_hash_key(want[i], strlen(want[i])));
    }
}

/* Folded words, a break ("") between fields, lengths that agree with
 * strlen() and hashes with nw_words_hash_key() for every word: ASCII and
 * non-ASCII letters alike. */
static void test_words_and_lengths(void **state)
{
    (void)state;
    nw_enrich_input_t in = input("EU Leaders MEET", NULL, "Größe, o'Brien: 2024 Ünal\u2019s café");
    nw_words_t w = NW_WORDS_INIT;
    nw_words_article(&w, &in);
    static const char *const want[] = {"eu", "leaders", "meet", "",     "",  "größe",
                                       "o",  "brien",   "2024", "ünal", "s", "café"};
    expect_words(&w, want, sizeof(want) / sizeof(want[0]));
    /* Every word can be read NW_WORDS_SLACK bytes wide (lang compares
     * words so), also after more words are appended. */
    nw_words_add(&w, "and one more");
    for (size_t i = 0; i < w.n; i++)
        assert_true(w.offsets[i] + NW_WORDS_SLACK <= w.text_cap);
    assert_int_equal(nw_words_len(&w, w.n - 1), 4);
    nw_words_break(&w);
    assert_int_equal(nw_words_len(&w, w.n - 1), 0);
    assert_int_equal(w.offsets[w.n], w.text_len);
    nw_words_free(&w);
}

/* The paths the word list takes, by the features hidden: the AVX-512
 * VBMI2 steps (where the CPU has them), the AVX2 ones, the SSE2 ones. */
static const unsigned words_paths[] = {0, NW_CPU_AVX512VBMI2, NW_CPU_AVX2};

/* The words of text (up to 200 bytes) are the n of want at every
 * alignment of the text to the 16-, 32- and 64-byte steps (after 0 to 64
 * spaces), by every path. */
static void expect_words_shifted(const char *text, const char *const *want, size_t n)
{
    char buf[288];
    size_t len = strlen(text);
    assert_true(len + 65 <= sizeof(buf));
    for (size_t off = 0; off < sizeof(words_paths) / sizeof(words_paths[0]); off++) {
        nw_cpu_mask(words_paths[off]);
        for (size_t shift = 0; shift < 65; shift++) {
            memset(buf, ' ', shift);
            memcpy(buf + shift, text, len + 1);
            /* In a block of its own size, so that a read past the text's
             * NUL is an error under the sanitizers. */
            char *exact = strdup(buf);
            assert_non_null(exact);
            nw_words_t w = NW_WORDS_INIT;
            nw_words_add(&w, exact);
            free(exact);
            expect_words(&w, want, n);
            /* The text's room holds every copy (see TEXT_ROOM()). */
            assert_true(w.text_len + NW_WORDS_SLACK <= w.text_cap);
            nw_words_free(&w);
        }
    }
    nw_cpu_mask(0);
}

/* Texts cut into words 16 bytes at a time, where the general path takes
 * the steps with a byte >= 0x80: words across the steps, longer than a
 * step, next to multi-byte letters and marks, at the text's end; and each
 * word's hash is nw_words_hash_key() of it, however it was made. */
static void test_words_across_steps(void **state)
{
    (void)state;
    static const char text[] = "Abcdefghijklmnopqrstuvwxyz0123456789 x yz "
                               "ÉCOLE\u2014Straße  naïve,wörds;ok "
                               "0123456789abcdef 0123456789abcde !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! "
                               "tail\u00a0end\u2019s Z";
    static const char *const want[] = {"abcdefghijklmnopqrstuvwxyz0123456789",
                                       "x",
                                       "yz",
                                       "école",
                                       "straße",
                                       "naïve",
                                       "wörds",
                                       "ok",
                                       "0123456789abcdef",
                                       "0123456789abcde",
                                       "tail",
                                       "end",
                                       "s",
                                       "z"};
    expect_words_shifted(text, want, sizeof(want) / sizeof(want[0]));
    /* A 32-byte block with a letter >= 0x80 goes as two steps of 16; where
     * the first ends inside a character, the second is the text's tail. */
    static const char *const tail[] = {"abcdefghijklmn\u00e9opqrstuvwxyzabc"};
    expect_words_shifted("abcdefghijklmn\u00e9opqrstuvwxyzabc", tail, 1);
    /* Words of 31 to 33 bytes, across the 32-byte steps. */
    static const char *const longer[] = {"abcdefghijklmnopqrstuvwxyz01234",
                                         "abcdefghijklmnopqrstuvwxyz012345", "q",
                                         "abcdefghijklmnopqrstuvwxyz0123456", "r"};
    expect_words_shifted("ABCDEFGHIJKLMNOPQRSTUVWXYZ01234 abcdefghijklmnopqrstuvwxyz012345,q"
                         " abcdefghijklmnopqrstuvwxyz0123456 r",
                         longer, sizeof(longer) / sizeof(longer[0]));
}

/* The word list of text by the path with the features hidden. */
static nw_words_t words_by(const char *text, unsigned hidden)
{
    nw_cpu_mask(hidden);
    /* In a block of its own size, for the sanitizers (see above). */
    char *exact = strdup(text);
    assert_non_null(exact);
    nw_words_t w = NW_WORDS_INIT;
    nw_words_add(&w, exact);
    nw_words_break(&w);
    nw_words_add(&w, exact);
    free(exact);
    nw_cpu_mask(0);
    assert_false(w.oom);
    return w;
}

/* Random texts of 0 to 400 bytes from an alphabet of the cases the
 * block paths tell apart (letters of both cases, digits, punctuation and
 * space runs, letters and separators >= 0x80, broken UTF-8, long runs of
 * one letter across the 16-, 32- and 64-byte blocks): every path gives
 * the same words, offsets and count, twice in one list (so the second
 * text starts mid-block of the output). */
static void test_words_paths_agree(void **state)
{
    (void)state;
    static const char *const bits[] = {"a",
                                       "Z",
                                       "q",
                                       "7",
                                       " ",
                                       "  ",
                                       ",",
                                       "!?.",
                                       "-",
                                       "\u00e9",
                                       "\u00c9",
                                       "\u0130",
                                       "\u2019",
                                       "\u00a0",
                                       "\u2014",
                                       "\u2c30",
                                       "\xc2",
                                       "\x80",
                                       "\xe2\x80",
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123",
                                       "x y z w v u t s r q p o n m l k j i h g f e d c b a",
                                       "Word",
                                       "don't"};
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int t = 0; t < 3000; t++) {
        char text[480];
        size_t len = 0, want = (size_t)(t % 400);
        while (len < want) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *b = bits[(seed >> 33) % (sizeof(bits) / sizeof(bits[0]))];
            size_t n = strlen(b);
            if (len + n >= sizeof(text))
                break;
            memcpy(text + len, b, n);
            len += n;
        }
        text[len] = '\0';
        nw_words_t ref = words_by(text, NW_CPU_AVX2);
        for (size_t k = 0; k < 2; k++) {
            nw_words_t w = words_by(text, words_paths[k]);
            assert_int_equal(w.n, ref.n);
            assert_int_equal(w.text_len, ref.text_len);
            assert_memory_equal(w.offsets, ref.offsets, (ref.n + 1) * sizeof(*ref.offsets));
            assert_memory_equal(w.text, ref.text, ref.text_len + NW_WORDS_SLACK);
            nw_words_free(&w);
        }
        nw_words_free(&ref);
    }
}

/* Blocks whose bytes >= 0x80 are all no-break spaces, Latin-1 signs or
 * general punctuation (U+0080..U+00BF, U+2000..U+203F) are split like
 * ASCII ones; the same characters cut by a block's edge, next to a letter
 * >= 0x80 (U+2C30 shares U+2014's first byte), or broken (a lead byte
 * without its continuation, a stray continuation byte), go the general
 * path. Each gives the same words at every alignment. The broken ones: a
 * lead and one continuation byte, a lead alone, a stray continuation, a
 * character and a stray continuation, a no-break space and a stray one. */
static void test_words_separators(void **state)
{
    (void)state;
    static const char *const seps[] = {
        "\u00a0", "\u00ad", "\u00bf",   "\xc2\x80", "\u2019", "\u201c",           "\u2014",
        "\u2026", "\u203f", "\xe2\x80", "\xc2",     "\x80",   "\xe2\x80\x80\x80", "\xc2\xa0\xa0"};
    static const char *const want[] = {"ab", "cd", "ef", "gh", "\u00e9t\u00e9", "12", "x\u2c30y"};
    for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
        char text[128];
        snprintf(text, sizeof(text), "Ab%sCD%s%sef gh%s\u00e9t\u00e9%s12 x\u2c30y", seps[k],
                 seps[k], seps[k], seps[k], seps[k]);
        expect_words_shifted(text, want, sizeof(want) / sizeof(want[0]));
    }
}

/* The vector loops' constants (splat.h): row b is 32 bytes of b. */
static void test_splat_table(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++)
        for (unsigned j = 0; j < 32; j++)
            assert_int_equal(nw_splat[b][j], b);
}

static void test_shared_within_a_run(void **state)
{
    (void)state;
    nw_enrich_input_t a = input("Storm hits coast", NULL, "The storm hit the coast on Monday.");
    nw_enrich_input_t b = input("Markets fall", "Stocks fell.", "Shares fell sharply.");
    nw_enrich_input_t outside = input("Other", NULL, "Not in the batch.");
    const nw_enrich_input_t *batch[] = {&a, &b};

    nw_words_share_begin(batch, 2);
    nw_words_t own = NW_WORDS_INIT;
    const nw_words_t *wb = nw_words_of(&b, &own);
    assert_ptr_not_equal(wb, &own);
    assert_int_equal(own.n, 0); /* nothing made into the caller's list */
    assert_string_equal(nw_words_at(wb, 0), "markets");
    const nw_words_t *wa = nw_words_of(&a, &own);
    assert_ptr_not_equal(wa, wb);
    assert_string_equal(nw_words_at(wa, 0), "storm");
    /* A second enricher asking again gets the very same lists. */
    assert_ptr_equal(nw_words_of(&a, &own), wa);
    assert_ptr_equal(nw_words_of(&b, &own), wb);
    /* An input outside the run: made into own, as without sharing. */
    const nw_words_t *wo = nw_words_of(&outside, &own);
    assert_ptr_equal(wo, &own);
    assert_string_equal(nw_words_at(wo, 0), "other");
    /* Shared lists are carved from the run's chunks and keep the slack. */
    assert_true(wa->borrowed && wb->borrowed);
    for (size_t i = 0; i < wb->n; i++)
        assert_true(wb->offsets[i] + NW_WORDS_SLACK <= wb->text_cap);
    assert_int_equal(wb->offsets[wb->n], wb->text_len);
    assert_string_equal(nw_words_at(wb, wb->n - 1), "sharply");
    assert_int_equal(nw_words_len(wb, wb->n - 1), 7);
    nw_words_free(&own);
    nw_words_share_end();

    /* An article larger than a chunk gets one of its own. */
    size_t big_len = 3u << 19; /* 1.5 MB of "ab " */
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    for (size_t i = 0; i < big_len; i++)
        big[i] = "ab "[i % 3];
    big[big_len] = '\0';
    nw_enrich_input_t large = input("Large", NULL, big);
    const nw_enrich_input_t *batch2[] = {&a, &large, &b};
    nw_words_share_begin(batch2, 3);
    const nw_words_t *wl = nw_words_of(&large, &own);
    assert_ptr_not_equal(wl, &own);
    assert_false(wl->oom);
    assert_int_equal(wl->n, 3 + big_len / 3); /* "large", two breaks, the body's words */
    assert_string_equal(nw_words_at(wl, wl->n - 1), "ab");
    assert_int_equal(nw_words_len(wl, wl->n - 1), 2); /* from the end offset */
    assert_string_equal(nw_words_at(nw_words_of(&b, &own), 0), "markets");
    assert_string_equal(nw_words_at(nw_words_of(&a, &own), 0), "storm");
    assert_int_equal(own.n, 0);
    nw_words_share_end();
    free(big);

    /* After the run nothing is shared. */
    nw_words_t after = NW_WORDS_INIT;
    assert_ptr_equal(nw_words_of(&a, &after), &after);
    assert_string_equal(nw_words_at(&after, 0), "storm");
    nw_words_free(&after);
}

/* One run over the one record in, whose first word is first: the address
 * of its list's room (which lives until the run's end, so only the
 * address is compared after it). */
static const void *one_run(const nw_enrich_input_t *in, const char *first)
{
    const nw_enrich_input_t *batch[] = {in};
    nw_words_t own = NW_WORDS_INIT;
    nw_words_share_begin(batch, 1);
    const nw_words_t *w = nw_words_of(in, &own);
    assert_ptr_not_equal(w, &own);
    assert_string_equal(nw_words_at(w, 0), first);
    const void *at = w->offsets; /* the start of its room */
    nw_words_share_end();
    nw_words_free(&own);
    return at;
}

/* A run's lists go into the memory of the run before on the thread, which
 * is already mapped, rather than chunks allocated and freed each run. */
static void test_runs_reuse_memory(void **state)
{
    (void)state;
    nw_enrich_input_t a = input("Storm hits coast", NULL, "The storm hit the coast.");
    nw_enrich_input_t b = input("Markets fall", "Stocks fell.", "Shares fell sharply.");
    const void *first = one_run(&a, "storm");
    /* Were the run's memory freed, this would most likely take it. */
    void *taker = malloc(((size_t)1 << 20) + 24);
    assert_non_null(taker);
    assert_ptr_equal(one_run(&b, "markets"), first);
    free(taker);
    assert_ptr_equal(one_run(&a, "storm"), first);
}

/* What a thread keeps is freed when it exits: under the leak checker
 * (NW_SANITIZE builds) this test fails if it is not. */
static void *runs_on_a_thread(void *arg)
{
    (void)arg;
    nw_enrich_input_t a = input("Storm hits coast", NULL, "The storm hit the coast.");
    one_run(&a, "storm");
    one_run(&a, "storm");
    return NULL;
}

static void test_thread_exit_frees(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, runs_on_a_thread, NULL), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
    }
}

/* The notes' helpers write what snprintf() would: "%llu", "%.2f", and a
 * note cut to the detail's room. */
static void test_note_helpers(void **state)
{
    (void)state;
    static const unsigned long long values[] = {0, 7, 10, 99, 100, 1234567, ULLONG_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char got[32], want[32];
        *nw_builtin_udec(got, values[i]) = '\0';
        snprintf(want, sizeof(want), "%llu", values[i]);
        assert_string_equal(got, want);
    }
    for (size_t len = 1; len < 8; len++) {
        char got[8] = "xxxxxxx", want[8] = "xxxxxxx";
        nw_builtin_note(got, len, "abcde", 5);
        snprintf(want, len, "%s", "abcde");
        assert_memory_equal(got, want, sizeof(got));
    }
    char untouched[2] = "x";
    nw_builtin_note(untouched, 0, "abc", 3);
    assert_string_equal(untouched, "x");
    /* "%.2f" of lang's shares: ties to even as printf() has them (0.125,
     * 0.375), the ends, and a sweep of values between; none outside. */
    static const double shares[] = {0,          1,          0.125, 0.375, 0.625,
                                    0.875,      0.005,      0.015, 0.995, 1.0 / 7,
                                    0.5,        0.255,      0.745, 0.4,   0.39999999999999997,
                                    0.00390625, 0.25390625, 0x1p-9};
    for (size_t i = 0; i < sizeof(shares) / sizeof(shares[0]) + 200000; i++) {
        size_t k = sizeof(shares) / sizeof(shares[0]);
        double v = i < k ? shares[i] : (double)(i - k + 400) / 200400; /* 0.002 .. 1 */
        char got[8], want[16];
        char *end = nw_builtin_fixed2(got, v);
        assert_non_null(end);
        *end = '\0';
        snprintf(want, sizeof(want), "%.2f", v);
        assert_string_equal(got, want);
    }
    char none[8];
    assert_null(nw_builtin_fixed2(none, 1.0000000000000002));
    assert_null(nw_builtin_fixed2(none, -0.5));
    assert_null(nw_builtin_fixed2(none, 0x1p-10));
}

/* The JSON helpers: counts below NW_BUILTIN_COUNTS are one shared value
 * each, others are made anew; strings keep jansson's verdict on their
 * bytes whichever way they are checked. */
static void test_json_values(void **state)
{
    (void)state;
    json_t *a = nw_builtin_count(3), *b = nw_builtin_count(3);
    assert_ptr_equal(a, b);
    assert_int_equal(json_integer_value(a), 3);
    json_decref(a);
    json_decref(b);
    static const long long values[] = {0, NW_BUILTIN_COUNTS - 1, NW_BUILTIN_COUNTS, -1, 1LL << 40};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        json_t *v = nw_builtin_count(values[i]);
        assert_true(json_is_integer(v));
        assert_true(json_integer_value(v) == values[i]);
        json_decref(v);
    }
    static const char *const texts[] = {"Gdańsk", "plain", "", "tab\there", "bell\x07"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        json_t *v = nw_builtin_string(texts[i], strlen(texts[i]));
        assert_non_null(v);
        assert_string_equal(json_string_value(v), texts[i]);
        json_decref(v);
    }
    /* Invalid UTF-8 is refused, as json_stringn() refuses it. */
    assert_null(nw_builtin_string("bad \xC3(", 6));
    /* Length-bounded: the bytes after n are not part of it. */
    json_t *v = nw_builtin_string("abcdef", 3);
    assert_string_equal(json_string_value(v), "abc");
    json_decref(v);
}

/* nw_words_same() against memcmp(): every length up to NW_WORDS_SLACK,
 * with a difference before, at and after the compared bytes. */
static void test_words_same(void **state)
{
    (void)state;
    char a[NW_WORDS_SLACK + 1], b[NW_WORDS_SLACK + 1];
    for (size_t n = 0; n <= NW_WORDS_SLACK; n++) {
        for (size_t d = 0; d <= NW_WORDS_SLACK; d++) {
            memset(a, 'x', sizeof(a));
            memset(b, 'x', sizeof(b));
            b[d] = 'y';
            assert_int_equal(nw_words_same(a, b, n), memcmp(a, b, n) == 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_lengths), cmocka_unit_test(test_words_across_steps),
        cmocka_unit_test(test_words_separators),  cmocka_unit_test(test_shared_within_a_run),
        cmocka_unit_test(test_runs_reuse_memory), cmocka_unit_test(test_thread_exit_frees),
        cmocka_unit_test(test_note_helpers),      cmocka_unit_test(test_json_values),
        cmocka_unit_test(test_words_same),        cmocka_unit_test(test_splat_table),
        cmocka_unit_test(test_words_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
