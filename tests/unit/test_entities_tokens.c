/*
 * The entities tokeniser's own facts, checked against plain references:
 * which words take their period as an abbreviation, on each of the three
 * paths a word before a period can take (the short-word loop, the plain
 * scanner near the text's end, the general scanner), and where each
 * paragraph's tokens end. The rules built on the tokens are tested in
 * test_entities.c and test_entities_rules.c.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "enrichers/entities_internal.h"
#include "core/cpu.h"

/* The tokeniser's list, written out again as strings. */
static const char *const abbreviations[] = {
    "adm",  "ala",  "alta", "apr",  "ariz", "ark", "aug", "brig", "calif", "capt", "cmdr", "co",
    "col",  "colo", "conn", "corp", "dec",  "dep", "det", "dr",   "feb",   "fla",  "fr",   "ft",
    "gen",  "gov",  "hon",  "inc",  "insp", "jan", "jr",  "kan",  "lt",    "ltd",  "maj",  "messrs",
    "mich", "minn", "mont", "mr",   "mrs",  "ms",  "mt",  "neb",  "nev",   "no",   "nov",  "oct",
    "okla", "ont",  "ore",  "prof", "que",  "rep", "rev", "sask", "sen",   "sep",  "sept", "sgt",
    "sr",   "st",   "supt", "tenn", "tex",  "vs",  "wis", "wyo",
};
#define N_ABBR (sizeof(abbreviations) / sizeof(abbreviations[0]))

static bool in_list(const char *w)
{
    for (size_t i = 0; i < N_ABBR; i++)
        if (strcasecmp(abbreviations[i], w) == 0)
            return true;
    return false;
}

/* The reference: a word of two or more ASCII letters takes its period when
 * the list has it, in any case. */
static bool takes_period(const char *w)
{
    for (const char *p = w; *p; p++)
        if (!isascii((unsigned char)*p) || !isalpha((unsigned char)*p))
            return false;
    return in_list(w);
}

/* Tokenises text with each build of the short-word loop (AVX2, where the
 * CPU has it, then SSE2) and checks the token of word (at off in it): its
 * period taken or not as the reference says. */
static void check_word_at(const char *text, size_t off, const char *word)
{
    bool abbr = takes_period(word);
    size_t n = strlen(word);
    for (int sse2 = 0; sse2 < 2; sse2++) {
        nw_cpu_mask(sse2 ? NW_CPU_AVX2 : 0);
        nw_ent_toks_t t = {0};
        assert_int_equal(nw_ent_tokenize(&t, text, strlen(text)), 0);
        size_t i = 0;
        while (i < t.n && t.v[i].off != off)
            i++;
        assert_true(i < t.n);
        if (((t.v[i].flags & NW_TOK_ABBR) != 0) != abbr)
            fail_msg("\"%s\" in \"%s\" (SSE2 %d): abbreviation %d, expected %d", word, text, sse2,
                     (t.v[i].flags & NW_TOK_ABBR) != 0, abbr);
        assert_int_equal(t.v[i].len, abbr ? n + 1 : n);
        nw_ent_toks_free(&t);
    }
    nw_cpu_mask(0);
}

/* Each word inside a long run of words, where the short-word loop asks
 * first, and as the text's last bytes, where the plain scanner asks first
 * with fewer than eight bytes to read; the general scanner asks last for
 * a word that takes its period, and first for a word with an apostrophe
 * or a letter past ASCII. */
static void check_word(const char *word)
{
    char text[256];
    const char *run = "the minister said on Monday that ";
    snprintf(text, sizeof(text), "%s%s. next words of the sentence follow here", run, word);
    check_word_at(text, strlen(run), word);
    snprintf(text, sizeof(text), "%s.", word);
    check_word_at(text, 0, word);
    snprintf(text, sizeof(text), "%s. x", word);
    check_word_at(text, 0, word);
    snprintf(text, sizeof(text), "said (%s. Smith) and the rest of the text", word);
    check_word_at(text, 6, word);
}

/* Every abbreviation in three cases, and words that differ from one by a
 * letter or a digit at any place, or are one letter longer or shorter,
 * and some with bytes past ASCII or an apostrophe: the lookup reads the
 * word as one 64-bit piece, so each byte and the length must count. */
static void test_abbreviations(void **state)
{
    (void)state;
    for (size_t a = 0; a < N_ABBR; a++) {
        char w[16];
        size_t n = strlen(abbreviations[a]);
        strcpy(w, abbreviations[a]);
        check_word(w);
        w[0] = (char)toupper((unsigned char)w[0]);
        check_word(w); /* "Gen" */
        for (size_t k = 0; k < n; k++)
            w[k] = (char)toupper((unsigned char)w[k]);
        check_word(w); /* "GEN" */
        for (size_t k = 0; k < n; k++) {
            strcpy(w, abbreviations[a]);
            w[k] = w[k] == 'z' ? 'a' : (char)(w[k] + 1);
            check_word(w);
            w[k] = '7';
            check_word(w);
        }
        strcpy(w, abbreviations[a]);
        strcat(w, "s");
        check_word(w); /* one longer: "gens", "messrss" (seven bytes) */
        if (n > 2) {
            w[n - 1] = '\0';
            check_word(w); /* one shorter */
        }
    }
    static const char *const others[] = {"zz",      "aa",     "Xi", "mé",     "Mé",     "ÉTAT",
                                         "messrsx", "O'Neil", "ab", "zzzzzz", "AAAAAA", "wyoz"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        check_word(others[i]);
}

/* Each paragraph's tokens end where the next paragraph's start, whatever
 * lies between: blank lines and a line of punctuation alone (no paragraph
 * of their own), a line of one word, and the text's last line break (it
 * opens a paragraph without tokens). */
static void test_paragraph_ends(void **state)
{
    (void)state;
    const char *text = "Headline In Capitals\nfirst paragraph, with words. And more\n\n---\n"
                       "x\n\n\nlast one: 1, 2 and 3.\n";
    nw_ent_toks_t t = {0};
    for (int pass = 0; pass < 2; pass++) { /* the second after a reset */
        nw_ent_toks_reset(&t);
        assert_int_equal(nw_ent_tokenize(&t, text, strlen(text)), 0);
        assert_int_equal(t.n_paras, 5);
        size_t from = 0;
        for (uint32_t p = 0; p < t.n_paras; p++) {
            for (size_t i = from; i < t.para_end[p]; i++)
                assert_int_equal(t.v[i].para, p);
            from = t.para_end[p];
        }
        assert_int_equal(from, t.n);
        assert_int_equal(t.para_end[2] - t.para_end[1], 1); /* "x" */
        assert_int_equal(t.para_end[4], t.para_end[3]);     /* after the last line break */
    }
    nw_ent_toks_free(&t);
}

/* The tokeniser's builds: the short-word walk classifies a block with
 * AVX-512BW, AVX2 or SSE2 (as nw_cpu_mask() leaves them), and the general
 * way reads every word alone. */
enum { BUILD_BEST, BUILD_AVX2, BUILD_SSE2, BUILD_GENERAL, BUILDS };

/* Tokenises len bytes of text from an allocation of exactly that size (so
 * that the sanitizer sees any read past the text's end) with build b. */
static void tokenize_with(nw_ent_toks_t *t, const char *text, size_t len, int b)
{
    static const unsigned masks[BUILDS] = {0, NW_CPU_AVX512BW, NW_CPU_AVX2, 0};
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    nw_cpu_mask(masks[b]);
    bool was = nw_ent_tok_general(b == BUILD_GENERAL);
    nw_ent_toks_reset(t);
    assert_int_equal(nw_ent_tokenize(t, copy, len), 0);
    nw_ent_tok_general(was);
    nw_cpu_mask(0);
    free(copy);
}

/* Token i of a and of b are the same but for where their key and fold lie
 * in the keys: same strings. */
static void same_token(const nw_ent_toks_t *a, const nw_ent_toks_t *b, size_t i, const char *text,
                       int build)
{
    const nw_ent_tok_t *x = &a->v[i], *y = &b->v[i];
    if (x->off != y->off || x->len != y->len || x->key_len != y->key_len ||
        x->fold_len != y->fold_len || x->fold_hash != y->fold_hash || x->para != y->para ||
        x->gaz != y->gaz || x->flags != y->flags || x->brk != y->brk || x->letters != y->letters ||
        x->tail != y->tail || strcmp(a->keys.data + x->key, b->keys.data + y->key) != 0 ||
        strcmp(a->keys.data + x->fold, b->keys.data + y->fold) != 0)
        fail_msg("build %d, token %zu (\"%.*s\" at %u) differs in \"%s\": flags %#x/%#x brk %u/%u "
                 "letters %u/%u len %u/%u",
                 build, i, (int)x->len, text + x->off, x->off, text, x->flags, y->flags, x->brk,
                 y->brk, x->letters, y->letters, x->len, y->len);
}

/* Every build gives text the general way's tokens and paragraphs, and the
 * three builds of the walk the same keys byte for byte. */
static void check_builds(const char *text, size_t len)
{
    nw_ent_toks_t t[BUILDS] = {{0}};
    for (int b = 0; b < BUILDS; b++)
        tokenize_with(&t[b], text, len, b);
    for (int b = 0; b < BUILDS - 1; b++) {
        const nw_ent_toks_t *x = &t[b], *ref = &t[BUILD_GENERAL];
        if (x->n != ref->n)
            fail_msg("build %d: %zu tokens, the general way %zu, in \"%s\"", b, x->n, ref->n, text);
        assert_int_equal(x->n_paras, ref->n_paras);
        for (uint32_t p = 0; p < x->n_paras; p++)
            assert_int_equal(x->para_end[p], ref->para_end[p]);
        for (size_t i = 0; i < x->n; i++)
            same_token(x, ref, i, text, b);
        if (b > 0) { /* the walk's builds: the same bytes */
            assert_int_equal(x->keys.len, t[0].keys.len);
            assert_memory_equal(x->keys.data, t[0].keys.data, x->keys.len);
            assert_memory_equal(x->v, t[0].v, x->n * sizeof(*x->v));
        }
    }
    for (int b = 0; b < BUILDS; b++)
        nw_ent_toks_free(&t[b]);
}

static void check_text(const char *text)
{
    check_builds(text, strlen(text));
}

/* Words that cross the walk's 64-byte blocks and the text's end, of every
 * length up to past its 31, in small letters, capitals, all capitals and
 * with digits, with spaces, punctuation and what the walk leaves to the
 * general way (apostrophes, hyphens, abbreviations, bytes past ASCII)
 * after them. */
static void test_walk_edges(void **state)
{
    (void)state;
    static const char *const fixed[] = {
        "",
        "a",
        "a ",
        " a",
        "word",
        "The minister said on Monday that the talks, which began in Geneva, would go on.",
        "He said: Yes. She said; no! Why? Because, she said, it was late.",
        "Mr. Smith and Dr. Jones met Gen. Lee in the U.S. and in St. Louis, Mo. on Jan. 5.",
        "NATO and the EU said the IMF would lend 1,000,000 dollars at 3.5 percent in 2024.",
        "O'Brien's team and the Smiths' house near Jean-Yves and al-Assad, Russia-backed.",
        "Caf\xc3\xa9 owners in M\xc3\xbcnchen and \xc3\x89TAT said \xe2\x80\x9cno\xe2\x80\x9d to "
        "the plan\xe2\x80\x99s end \xe2\x80\xa6 then left.",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb "
        "ccccccccccccccccccccccccccccccccc dd",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcde Abcdefghijklmnopqrstuvwxyz012345 x",
        "line one\nline two\r\n\nline three\n",
        "a  b   c\td\fe\vf ,g .h",
        "x, y. z: w; v! u? t",
        "end with comma,",
        "end with period.",
        "end with space and punct , ",
        "\x80\xff bad bytes \xc3 here",
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        check_text(fixed[i]);
    /* A word of each length and kind at each offset around a block's end
     * and before the text's end. */
    static const char *const kinds[] = {
        "abcdefghijklmnopqrstuvwxyzabcdefghij", "Abcdefghijklmnopqrstuvwxyzabcdefghij",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ", "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8",
        "9abcdefghijklmnopqrstuvwxyzabcdefghi"};
    static const char *const after[] = {" ", ", ", ". ", ": ", ".", ",", "'s ", "-", "\n", ""};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        for (size_t n = 1; n <= 34; n += (n < 8 || n > 28) ? 1 : 3)
            for (size_t a = 0; a < sizeof(after) / sizeof(after[0]); a++)
                for (size_t lead = 50; lead <= 70; lead += 2) {
                    char text[256];
                    size_t len = 0;
                    for (size_t j = 0; j < lead; j++) /* words of two letters */
                        text[len++] = j % 3 == 2 ? ' ' : (char)('a' + j % 7);
                    memcpy(text + len, kinds[k], n);
                    len += n;
                    len += (size_t)sprintf(text + len, "%s", after[a]);
                    check_builds(text, len);
                    len += (size_t)sprintf(text + len, "next words here");
                    check_builds(text, len);
                }
}

/* Random texts of the pieces above: every build gives the general way's
 * tokens. */
static void test_walk_random(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "the",
        "a",
        "minister",
        "said",
        "Monday",
        "NATO",
        "Ukraine",
        "x",
        "1",
        "2024",
        "3.5",
        "1,000",
        "U.S.",
        "Mr.",
        "Gen.",
        "St.",
        "J.",
        "O'Brien",
        "Smith's",
        "Smiths'",
        "Jean-Yves",
        "Russia-backed",
        "al-Assad",
        "caf\xc3\xa9",
        "\xc3\x89TAT",
        "\xe2\x80\x9c",
        "\xe2\x80\x9d",
        "plan\xe2\x80\x99s",
        "(",
        ")",
        "\"",
        "'",
        "&",
        "abcdefghijklmnop",
        "ABCDEFGHIJKLMNOPQ",
        "abcdefghijklmnopqrstuvwxyzabcdef",
        "B2B",
        "mp3",
        "iPhone",
        "McDonald",
        "e.g.",
        "a.m.",
        "vs.",
        "Inc.",
    };
    static const char *const seps[] = {" ",  " ",  " ",  " ",    ", ", ". ", ": ", "; ",  "! ",
                                       "? ", "  ", "\n", "\n\n", ",",  ".",  "-",  " - ", "\t"};
    uint64_t r = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 3000; round++) {
        char text[1024];
        size_t len = 0;
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t words = 1 + (size_t)(r >> 33) % 60;
        for (size_t j = 0; j < words && len < 900; j++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *p = pieces[(r >> 33) % (sizeof(pieces) / sizeof(pieces[0]))];
            const char *q = seps[(r >> 45) % (sizeof(seps) / sizeof(seps[0]))];
            len += (size_t)sprintf(text + len, "%s%s", p, q);
        }
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        len -= (size_t)(r >> 40) % 3 < len ? (size_t)(r >> 40) % 3 : 0; /* cut the end */
        text[len] = '\0';
        check_builds(text, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_paragraph_ends),
        cmocka_unit_test(test_walk_edges),
        cmocka_unit_test(test_walk_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
