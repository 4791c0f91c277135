/*
 * What the two files of the entities tokeniser share:
 *
 *   entities_tokens.c      the general way: code-point classes, words
 *                          scanned, split and pushed with their keys
 *   entities_words_walk.c  the short-word walk: runs of plain ASCII words,
 *                          classified a block at a time
 *
 * The helpers both call for every word or block (the byte table, the
 * abbreviation test, the room check) are static inline here, so that each
 * file's loops inline them.
 */
#ifndef NW_ENTITIES_TOKENS_INTERNAL_H
#define NW_ENTITIES_TOKENS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "enrichers/entities_internal.h"

/* A word of at most six bytes as one number, its first byte highest and
 * zeros after its end, so that numbers compare as strcmp() compares the
 * words. */
#define NW_ABBR_AT(w, i)                                                                           \
    ((uint64_t)(sizeof(w) > (i) + 1 ? (unsigned char)(w)[i] : 0) << (56 - 8 * (i)))
#define NW_ABBR(w)                                                                                 \
    (NW_ABBR_AT(w, 0) | NW_ABBR_AT(w, 1) | NW_ABBR_AT(w, 2) | NW_ABBR_AT(w, 3) |                   \
     NW_ABBR_AT(w, 4) | NW_ABBR_AT(w, 5))

/* Abbreviations whose period does not end a sentence, kept in strcmp()
 * order for the binary search of is_abbreviation(): it runs for every word
 * before a period, so it compares numbers, not strings. AP style state
 * abbreviations that are no English word ("Tulsa, Okla., said") are among
 * them: the period is part of the name. */
static const uint64_t abbreviations[] = {
    NW_ABBR("adm"),    NW_ABBR("ala"),  NW_ABBR("alta"), NW_ABBR("apr"),   NW_ABBR("ariz"),
    NW_ABBR("ark"),    NW_ABBR("aug"),  NW_ABBR("brig"), NW_ABBR("calif"), NW_ABBR("capt"),
    NW_ABBR("cmdr"),   NW_ABBR("co"),   NW_ABBR("col"),  NW_ABBR("colo"),  NW_ABBR("conn"),
    NW_ABBR("corp"),   NW_ABBR("dec"),  NW_ABBR("dep"),  NW_ABBR("det"),   NW_ABBR("dr"),
    NW_ABBR("feb"),    NW_ABBR("fla"),  NW_ABBR("fr"),   NW_ABBR("ft"),    NW_ABBR("gen"),
    NW_ABBR("gov"),    NW_ABBR("hon"),  NW_ABBR("inc"),  NW_ABBR("insp"),  NW_ABBR("jan"),
    NW_ABBR("jr"),     NW_ABBR("kan"),  NW_ABBR("lt"),   NW_ABBR("ltd"),   NW_ABBR("maj"),
    NW_ABBR("messrs"), NW_ABBR("mich"), NW_ABBR("minn"), NW_ABBR("mont"),  NW_ABBR("mr"),
    NW_ABBR("mrs"),    NW_ABBR("ms"),   NW_ABBR("mt"),   NW_ABBR("neb"),   NW_ABBR("nev"),
    NW_ABBR("no"),     NW_ABBR("nov"),  NW_ABBR("oct"),  NW_ABBR("okla"),  NW_ABBR("ont"),
    NW_ABBR("ore"),    NW_ABBR("prof"), NW_ABBR("que"),  NW_ABBR("rep"),   NW_ABBR("rev"),
    NW_ABBR("sask"),   NW_ABBR("sen"),  NW_ABBR("sep"),  NW_ABBR("sept"),  NW_ABBR("sgt"),
    NW_ABBR("sr"),     NW_ABBR("st"),   NW_ABBR("supt"), NW_ABBR("tenn"),  NW_ABBR("tex"),
    NW_ABBR("vs"),     NW_ABBR("wis"),  NW_ABBR("wyo"),
};

#define NW_ABBR_N (sizeof(abbreviations) / sizeof(abbreviations[0]))

/* Is the word s[0..n) (1 to 6 bytes; avail >= n readable at s) one of the
 * abbreviations, in any case? It runs for every short word before a
 * period: the word is read as one 64-bit piece, tested and folded a byte a
 * lane, and looked up by a binary search whose steps choose without a
 * branch, as the predictor cannot guess them. */
static inline __attribute__((always_inline)) bool abbreviation_in(const char *s, size_t n,
                                                                  size_t avail)
{
    uint64_t x = avail >= 8 ? nw_ent_load64(s) : nw_ent_load_tail(s, avail < 8 ? avail : 8);
    uint64_t lanes = (1ULL << (8 * n)) - 1, highs = 0x8080808080808080ULL & lanes;
    if (x & highs)
        return false; /* a byte past ASCII */
    /* 'A'..'Z' | 0x20 is 'a'..'z', and no other ASCII byte lands there. */
    uint64_t f = (x | 0x2020202020202020ULL) & lanes;
    uint64_t ones = 0x0101010101010101ULL;
    uint64_t letters = (f + ones * (0x80 - 'a')) & ~(f + ones * (0x7f - 'z')) & highs;
    if (letters != highs)
        return false;
    /* The first byte highest, as NW_ABBR() builds the list's numbers (the
     * load put it lowest on any CPU). */
    uint64_t key = __builtin_bswap64(f);
    const uint64_t *b = abbreviations;
    for (size_t len = NW_ABBR_N; len > 1; len -= len / 2)
        b = b[len / 2] <= key ? b + len / 2 : b;
    return *b == key;
}

/* abbreviation_in() out of line (entities_tokens.c). */
bool nw_ent_abbreviation_of(const char *s, size_t n, size_t avail);

/* Most words before a period are longer than any abbreviation: the length
 * is tested where the word is, without a call. */
static inline bool is_abbreviation(const char *s, size_t n, size_t avail)
{
    return n - 1 < 6 && nw_ent_abbreviation_of(s, n, avail);
}

/* Words of at most this many bytes get their keys built on the stack. */
#define NW_ENT_SHORT_WORD 64

/* What push_ascii() needs of a byte, packed so that a word's counts are
 * sums: upper-case letters (bits 0-7), lower-case letters (8-15), digits
 * (16-23), bytes that are NUL or not ASCII (24-31), and the folded byte
 * in the top eight bits, whose carries fall off the end. Bit 32 marks the
 * bytes after which nw_ent_push_plains() must look twice at a word's end
 * (no count reads bits 32-39, where a word's sum of them lands). A word has
 * at most NW_ENT_SHORT_WORD (64) bytes, so no count overflows its field. */
#define NW_A_UP(c)    ((c) >= 'A' && (c) <= 'Z')
#define NW_A_LOW(c)   ((c) >= 'a' && (c) <= 'z')
#define NW_A_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define NW_A_BAD(c)   ((c) == 0 || (c) >= 0x80)
#define NW_A_JOINS(c) ((c) >= 0x80 || (c) == '\'' || (c) == '-' || (c) == ',' || (c) == '.')
#define NW_A_PROPS(c)                                                                              \
    ((uint64_t)NW_A_UP(c) | (uint64_t)NW_A_LOW(c) << 8 | (uint64_t)NW_A_DIGIT(c) << 16 |           \
     (uint64_t)NW_A_BAD(c) << 24 | (uint64_t)NW_A_JOINS(c) << 32 |                                 \
     (uint64_t)((c) + (NW_A_UP(c) ? 32 : 0)) << 56)
#define NW_A_PROPS4(c)  NW_A_PROPS(c), NW_A_PROPS(c + 1), NW_A_PROPS(c + 2), NW_A_PROPS(c + 3)
#define NW_A_PROPS16(c) NW_A_PROPS4(c), NW_A_PROPS4(c + 4), NW_A_PROPS4(c + 8), NW_A_PROPS4(c + 12)
#define NW_A_PROPS64(c)                                                                            \
    NW_A_PROPS16(c), NW_A_PROPS16(c + 16), NW_A_PROPS16(c + 32), NW_A_PROPS16(c + 48)
static const uint64_t ascii_props[256] = {NW_A_PROPS64(0), NW_A_PROPS64(64), NW_A_PROPS64(128),
                                          NW_A_PROPS64(192)};
#define NW_A_ALNUM 0xffffffu /* the letter and digit counts */
#define NW_A_JOIN  (1ULL << 32)

static inline bool is_ascii_alnum(unsigned char b)
{
    return (ascii_props[b] & NW_A_ALNUM) != 0;
}

/* The array v of *cap entries of size bytes moved to twice the room (first
 * entries when it has none), *cap updated; NULL (t->oom set, v intact)
 * when out of memory. */
static inline void *grown(nw_ent_toks_t *t, void *v, size_t *cap, size_t size, size_t first)
{
    size_t c = *cap ? *cap * 2 : first;
    void *p = realloc(v, c * size);
    if (!p) {
        t->oom = true;
        return NULL;
    }
    *cap = c;
    return p;
}

/* Room for one more token; false (t->oom set) when out of memory. */
static inline bool toks_room(nw_ent_toks_t *t)
{
    if (t->n < t->cap)
        return true;
    nw_ent_tok_t *v = grown(t, t->v, &t->cap, sizeof(*v), 256);
    if (v)
        t->v = v;
    return v != NULL;
}

/* Appends a token for s[a..b), with its key and folded key (entities_tokens.c). */
void nw_ent_push(nw_ent_toks_t *t, const char *s, size_t a, size_t b, uint8_t brk, uint16_t extra);

/* A build of the short-word walk (see short_words_sse2()). */
typedef size_t (*short_words_fn)(nw_ent_tok_t *v, size_t room, const unsigned char *w, size_t len,
                                 char *data, size_t *at, size_t *klen, uint32_t para,
                                 unsigned *pending);

/* The build of the short-word walk for the CPU; NULL without SSE2. */
short_words_fn nw_ent_short_words_for_cpu(void);

/* Pushes the plain words from i on (entities_words_walk.c). */
size_t nw_ent_push_plains(nw_ent_toks_t *t, const char *s, size_t len, size_t i, uint8_t brk,
                          uint16_t flags, unsigned *pending, short_words_fn short_words);

#endif
