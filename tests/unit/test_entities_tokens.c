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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_paragraph_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
