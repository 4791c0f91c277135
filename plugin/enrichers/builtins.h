/*
 * The built-in enrichers, and the small toolkit they share.
 *
 * Each built-in is an ordinary enricher: an entry function returning a
 * descriptor, exactly as a plugin's nw_enricher_entry does, so the host treats
 * built-ins and plugins alike (registry.c lists the entry functions in chain
 * order). A built-in reads its settings only through the API table it is
 * given (api->config, keys enrichers.<name>.<key>) and its data files through
 * api->data_path, so it could be moved out into a .so unchanged.
 *
 * The helpers below are what more than one built-in needs: typed settings
 * with messages that name the key, the record's "newswire" object, and the
 * article's text as lower-cased words.
 */
#ifndef NW_ENRICH_BUILTINS_H
#define NW_ENRICH_BUILTINS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "enrichers/bytes.h"
#include "newswire/enricher.h"

/* Entry functions of the built-ins; each returns a static descriptor. */
const nw_enricher_t *nw_builtin_lang(const nw_enricher_api_t *api);
const nw_enricher_t *nw_builtin_dates(const nw_enricher_api_t *api);
const nw_enricher_t *nw_builtin_subjects(const nw_enricher_api_t *api);
const nw_enricher_t *nw_builtin_stats(const nw_enricher_api_t *api);
const nw_enricher_t *nw_builtin_neardup(const nw_enricher_api_t *api);

/* Their byte writers (enrichers/bytes.h), which registry.c pairs with the
 * descriptors: an in-process extra beside the ABI's enrich(), which each
 * built-in keeps for chains that take the jansson path. Each shares its
 * enrich()'s work and differs only in how the members are written. */
nw_enrich_bytes_writer_t nw_builtin_lang_bytes;
nw_enrich_bytes_writer_t nw_builtin_dates_bytes;
nw_enrich_bytes_writer_t nw_builtin_subjects_bytes;
nw_enrich_bytes_writer_t nw_builtin_stats_bytes;
nw_enrich_bytes_writer_t nw_builtin_neardup_bytes;

/* Whether jansson would take the n bytes at s as a string (valid UTF-8):
 * what decides, on the jansson path, whether a member made of them is
 * added at all. */
bool nw_builtin_valid_string(const char *s, size_t n);
/* The JSON string of n bytes at s, appended to b as the dump writes it;
 * -1 (nothing appended) when nw_builtin_valid_string() refuses them. */
int nw_builtin_put_string(nw_buf_t *b, const char *s, size_t n);

/* The detail notes of a status, written without snprintf() (which took
 * some 900 instructions a note, more than some enrichers' own work):
 * nw_builtin_udec() writes v in decimal at p, which has room for 20
 * digits, and returns the end; nw_builtin_note() sets detail (len bytes)
 * to the n bytes at s, cut to len - 1 and NUL-terminated as snprintf()
 * cuts. */
char *nw_builtin_udec(char *p, unsigned long long v);
/* "%.2f" of v written at p (4 bytes), the end returned; NULL, nothing
 * written, for v outside 0 and 2^-9 .. 1 (left to snprintf()). */
char *nw_builtin_fixed2(char *p, double v);
void nw_builtin_note(char *detail, size_t len, const char *s, size_t n);

/* Simhash comparisons every neardup instance made so far: how tests see
 * that a lookup's cost is capped without timing it. */
uint64_t nw_neardup_compared(void);

/*
 * Reads enrichers.<name>.<key> as an integer within lo..hi, def when unset.
 * Returns 0, or -1 with "enrichers.<name>.<key>: ..." in errbuf.
 */
int nw_builtin_int(const nw_enricher_api_t *api, void *host, const char *name, const char *key,
                   long long def, long long lo, long long hi, long long *out, char *errbuf,
                   size_t errlen);
/* The same for a boolean (true/false, yes/no, on/off, 1/0). */
int nw_builtin_bool(const nw_enricher_api_t *api, void *host, const char *name, const char *key,
                    bool def, bool *out, char *errbuf, size_t errlen);

/* The record's "newswire" object (borrowed), added when missing; NULL when
 * the record is not an object or memory ran out. */
json_t *nw_builtin_extension(json_t *record);

/* s (n bytes) as a new JSON string. Clean UTF-8 (nw_utf8_is_clean(), which
 * is stricter than jansson) skips jansson's byte-by-byte check; anything
 * else keeps json_stringn()'s verdict (NULL for invalid UTF-8). */
json_t *nw_builtin_string(const char *s, size_t n);

/* A new reference to the JSON integer n. Counts below NW_BUILTIN_COUNTS are
 * made once per process and shared by every record, like the record's
 * constant strings (encode/ninjs_tree.c): nothing changes a record's numbers in
 * place, so a record holds a reference instead of an allocation of its own.
 * NULL when out of memory. */
#define NW_BUILTIN_COUNTS 256
json_t *nw_builtin_count(long long n);

/*
 * Words of a text, lower-cased, for matching against word lists. A word is a
 * run of letters and digits; letters are ASCII ones and every code point from
 * U+00C0 up outside the punctuation and symbol blocks, so "Ukraine’s" gives
 * "ukraine" and "s", and "Größe" stays one word. Lower-casing covers ASCII,
 * Latin-1 and Latin Extended-A, which is what the stopword and rule files use.
 */
typedef struct nw_words {
    char *text;      /* the words, each NUL-terminated, back to back */
    size_t text_len; /* bytes used in text */
    size_t text_cap; /* bytes allocated in text */
    size_t *offsets; /* start of word i in text, and offsets[n] == text_len
                      * (when n > 0) */
    size_t n;        /* number of words (boundaries included) */
    size_t cap;      /* entries allocated in offsets */
    bool oom;        /* an allocation failed; the list is incomplete */
    bool borrowed;   /* text and arrays belong to a run's shared store (see
                      * nw_words_share_begin()): never grown or freed here */
} nw_words_t;

#define NW_WORDS_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, NULL, 0, 0, false, false                                                       \
    }

/* Appends the words of text (may be NULL). */
void nw_words_add(nw_words_t *w, const char *text);
/* Appends an empty word, so that phrases never match across two fields. */
void nw_words_break(nw_words_t *w);
/* The text is allocated NW_WORDS_SLACK bytes beyond its last word, so
 * NW_WORDS_SLACK bytes can be read at any word's start (those past the
 * word's NUL are unspecified: later words, or zeros, never uninitialised
 * memory, so a filter may read them unmasked). */
#define NW_WORDS_SLACK 16
static inline const char *nw_words_at(const nw_words_t *w, size_t i)
{
    return w->text + w->offsets[i];
}
/* Bytes 16 - n .. 31 - n of this: n bytes of ones, then zeros, the mask
 * of the first n <= 16 bytes of a 16-byte load. */
static const unsigned char nw_words_ones[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
/* The same masks as two 8-byte halves, row n for n <= 16 bytes: one
 * index for both loads, where the offsets into nw_words_ones took two
 * subtractions in the word list's loop (nw_words_hash16()). */
#define NW_WORDS_M(n) ((n) >= 8 ? ~0ull : (1ull << 8 * (n)) - 1)
#define NW_WORDS_MASK(n)                                                                           \
    {                                                                                              \
        NW_WORDS_M(n), (n) <= 8 ? 0 : NW_WORDS_M((n)-8)                                            \
    }
static const uint64_t nw_words_mask[17][2] = {
    NW_WORDS_MASK(0),  NW_WORDS_MASK(1),  NW_WORDS_MASK(2),  NW_WORDS_MASK(3),  NW_WORDS_MASK(4),
    NW_WORDS_MASK(5),  NW_WORDS_MASK(6),  NW_WORDS_MASK(7),  NW_WORDS_MASK(8),  NW_WORDS_MASK(9),
    NW_WORDS_MASK(10), NW_WORDS_MASK(11), NW_WORDS_MASK(12), NW_WORDS_MASK(13), NW_WORDS_MASK(14),
    NW_WORDS_MASK(15), NW_WORDS_MASK(16)};

/* Whether the first n <= NW_WORDS_SLACK bytes at a and b agree, where both
 * can be read NW_WORDS_SLACK bytes wide (words of an nw_words_t, or keys of
 * that many bytes): two 8-byte compares under a mask of n bytes, where a
 * byte loop takes some 30 instructions for a short word and memcmp() its
 * call. */
static inline bool nw_words_same(const char *a, const char *b, size_t n)
{
    /* Eight bytes a copy: a 16-byte array went through the stack. */
    uint64_t x0, x1, y0, y1, m0, m1;
    memcpy(&x0, a, 8);
    memcpy(&x1, a + 8, 8);
    memcpy(&y0, b, 8);
    memcpy(&y1, b + 8, 8);
    memcpy(&m0, nw_words_ones + 16 - n, 8);
    memcpy(&m1, nw_words_ones + 24 - n, 8);
    return (((x0 ^ y0) & m0) | ((x1 ^ y1) & m1)) == 0;
}
_Static_assert(NW_WORDS_SLACK == 16, "nw_words_same() reads 16 bytes");

/*
 * The hash of a word, for the lookups of lang and subjects: the word is
 * taken 16 bytes at a time, two 8-byte loads under a mask, and each block
 * mixed in with two multiplications. A short word costs some fifteen
 * instructions once it is copied, where a byte-at-a-time hash (FNV-1a)
 * took three a byte inside the copy loop and kept it from taking words
 * whole. Nothing depends on the values beyond equal words hashing equal
 * (no hash order is ever visible in a record).
 */
static inline uint64_t nw_words_mix(uint64_t h, uint64_t a, uint64_t b)
{
    h = (h ^ a) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    h = (h ^ b) * 0xC2B2AE3D27D4EB4Full;
    return h ^ (h >> 32);
}

/* nw_words_hash_wide() of n <= 16 bytes: the mask's two halves are taken
 * as two 8-byte operands (copied into an array, they went through the
 * stack). */
static inline uint64_t nw_words_hash16(const char *w, size_t n)
{
    uint64_t x0, x1;
    memcpy(&x0, w, 8);
    memcpy(&x1, w + 8, 8);
    return nw_words_mix(n, x0 & nw_words_mask[n][0], x1 & nw_words_mask[n][1]);
}

/* Word w of n <= 16 bytes, readable 16 bytes wide, as two 8-byte halves
 * masked to its bytes: the word zero-padded, as a key of that many bytes
 * holds it, so that two compares tell a word from a key. */
static inline void nw_words_halves(const char *w, size_t n, uint64_t *x0, uint64_t *x1)
{
    memcpy(x0, w, 8);
    memcpy(x1, w + 8, 8);
    *x0 &= nw_words_mask[n][0];
    *x1 &= nw_words_mask[n][1];
}

/* A quick hash of a word's halves (nw_words_halves()) for the tables
 * probed with every word: two multiplications, where nw_words_mix() takes
 * seven operations. Only its top bits are mixed (a product's low bits
 * depend only on the factors' low bits): a table takes its index from
 * them. */
static inline uint64_t nw_words_quick(uint64_t x0, uint64_t x1)
{
    return x0 * 0x9E3779B97F4A7C15ull ^ x1 * 0xC2B2AE3D27D4EB4Full;
}

/* The hash of the n bytes at w, which can be read 16 bytes wide from each
 * of its 16-byte blocks (a word of an nw_words_t, a zero-padded key). */
static inline uint64_t nw_words_hash_wide(const char *w, size_t n)
{
    if (n <= 16)
        return nw_words_hash16(w, n);
    uint64_t h = n;
    for (;; w += 16, n -= 16) {
        uint64_t x[2], m[2];
        memcpy(x, w, 16);
        memcpy(m, nw_words_ones + 16 - (n < 16 ? n : 16), 16);
        h = nw_words_mix(h, x[0] & m[0], x[1] & m[1]);
        if (n <= 16)
            return h;
    }
}

/* The same hash of any n bytes at s (no reading past them): for the word
 * lists' keys, made once at init. */
uint64_t nw_words_hash_key(const char *s, size_t n);

/* strlen(nw_words_at(w, i)), from the offsets: the words are back to back,
 * and the last one ends where offsets[n] says. */
static inline size_t nw_words_len(const nw_words_t *w, size_t i)
{
    return w->offsets[i + 1] - w->offsets[i] - 1;
}
/* nw_words_hash_key(nw_words_at(w, i), nw_words_len(w, i)), from the
 * word's 16-byte blocks. Made when a consumer asks, not with the list:
 * subjects hashes only the words that pass its first filter, lang none. */
static inline uint64_t nw_words_hash(const nw_words_t *w, size_t i)
{
    return nw_words_hash_wide(nw_words_at(w, i), nw_words_len(w, i));
}
void nw_words_free(nw_words_t *w);

/* Headline, standfirst and body as words, with a break between them. */
void nw_words_article(nw_words_t *w, const nw_enrich_input_t *in);

/* Between begin and end (one enrichment run on this thread), the words of
 * each of the n inputs are made once and shared by every enricher that asks
 * with nw_words_of(). in must stay valid until end. Without sharing (out of
 * memory, or an input outside the run) nw_words_of() makes the words into
 * own, which the caller frees with nw_words_free() either way. The list
 * returned is read-only and valid until end. */
void nw_words_share_begin(const nw_enrich_input_t *const *in, size_t n);
void nw_words_share_end(void);
const nw_words_t *nw_words_of(const nw_enrich_input_t *in, nw_words_t *own);

#endif
