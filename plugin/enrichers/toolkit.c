/*
 * The toolkit the built-in enrichers share (see builtins.h): typed settings
 * read through the API table, the record's extension object, and the
 * article's text as lower-cased words.
 *
 * Words are split and folded here once, the same way for every built-in, so
 * that a stopword list, a subject rule and the text they are matched against
 * never disagree about what a word is; words_share.c shares an article's
 * words among the built-ins of one run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "core/cpu.h"
#include "core/utf8.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"
#include "enrichers/splat.h"
#include "enrichers/words_internal.h"

int nw_builtin_int(const nw_enricher_api_t *api, void *host, const char *name, const char *key,
                   long long def, long long lo, long long hi, long long *out, char *errbuf,
                   size_t errlen)
{
    const char *v = api->config(host, key);
    *out = def;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end != '\0' || n < lo || n > hi) {
        snprintf(errbuf, errlen, "enrichers.%s.%s: \"%s\" is not an integer in %lld..%lld", name,
                 key, v, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

int nw_builtin_bool(const nw_enricher_api_t *api, void *host, const char *name, const char *key,
                    bool def, bool *out, char *errbuf, size_t errlen)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    const char *v = api->config(host, key);
    *out = def;
    if (!v || !*v)
        return 0;
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            return 0;
        }
    }
    snprintf(errbuf, errlen, "enrichers.%s.%s: \"%s\" is not true or false", name, key, v);
    return -1;
}

json_t *nw_builtin_extension(json_t *record)
{
    if (!json_is_object(record))
        return NULL;
    json_t *ext = json_object_get(record, "newswire");
    if (json_is_object(ext))
        return ext;
    ext = json_object();
    if (!ext || json_object_set_new(record, "newswire", ext) < 0)
        return NULL;
    return ext;
}

json_t *nw_builtin_string(const char *s, size_t n)
{
    return nw_utf8_is_clean(s, n) ? json_stringn_nocheck(s, n) : json_stringn(s, n);
}

bool nw_builtin_valid_string(const char *s, size_t n)
{
    if (nw_utf8_is_clean(s, n))
        return true;
    /* Rare: jansson's own verdict, which is the one to agree with. */
    json_t *j = json_stringn(s, n);
    bool ok = j != NULL;
    json_decref(j);
    return ok;
}

int nw_builtin_put_string(nw_buf_t *b, const char *s, size_t n)
{
    if (!nw_builtin_valid_string(s, n))
        return -1;
    nw_json_put_string(b, s, n);
    return 0;
}

char *nw_builtin_udec(char *p, unsigned long long v)
{
    char d[20];
    size_t k = sizeof(d);
    do
        d[--k] = (char)('0' + v % 10);
    while (v /= 10);
    memcpy(p, d + k, sizeof(d) - k);
    return p + (sizeof(d) - k);
}

char *nw_builtin_fixed2(char *p, double v)
{
    /* v is mant / 2^sh exactly; sh from 52 (v = 1) to 61 (v = 2^-9), so
     * that 100 * mant (below 2^60) and the remainder fit in 64 bits. */
    uint64_t bits, r = 0;
    memcpy(&bits, &v, sizeof(bits));
    unsigned ex = (unsigned)(bits >> 52) & 0x7FF;
    if (v != 0) {
        if (!(v > 0 && v <= 1) || ex < 1014)
            return NULL;
        uint64_t mant = (bits & ((1ull << 52) - 1)) | 1ull << 52;
        unsigned sh = 1075 - ex;
        uint64_t x = mant * 100, half = 1ull << (sh - 1), rem = x & ((1ull << sh) - 1);
        r = x >> sh;
        /* To nearest, a tie to even, as printf() rounds the exact value. */
        r += rem > half || (rem == half && (r & 1));
    }
    *p++ = (char)('0' + r / 100);
    *p++ = '.';
    *p++ = (char)('0' + r / 10 % 10);
    *p++ = (char)('0' + r % 10);
    return p;
}

void nw_builtin_note(char *detail, size_t len, const char *s, size_t n)
{
    if (!len)
        return;
    if (n > len - 1)
        n = len - 1;
    memcpy(detail, s, n);
    detail[n] = '\0';
}

static json_t *counts[NW_BUILTIN_COUNTS];
static pthread_once_t counts_once = PTHREAD_ONCE_INIT;

static void counts_make(void)
{
    for (int i = 0; i < NW_BUILTIN_COUNTS; i++)
        counts[i] = json_integer(i);
}

json_t *nw_builtin_count(long long n)
{
    if (n < 0 || n >= NW_BUILTIN_COUNTS)
        return json_integer((json_int_t)n);
    pthread_once(&counts_once, counts_make);
    /* A count that could not be made at first is made now, unshared. */
    return counts[n] ? json_incref(counts[n]) : json_integer((json_int_t)n);
}

/* Punctuation and symbols among the code points above ASCII: everything else
 * there counts as a letter (accented Latin, Greek, Cyrillic, CJK ...). */
static bool is_letter_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return false;
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFE00 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF20) || cp == 0xFEFF ||
        cp == 0xFFFD)
        return false;
    return true;
}

/* Lower case for ASCII, Latin-1 and Latin Extended-A. */
static uint32_t fold_cp(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    if (cp == 0x178)
        return 0xFF;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1) ? cp + 1 : cp;
    return cp;
}

/* Room for more bytes of words, and NW_WORDS_SLACK bytes after them (see
 * builtins.h). */
static bool grow_text(nw_words_t *w, size_t more)
{
    size_t need = w->text_len + more + NW_WORDS_SLACK;
    if (need <= w->text_cap)
        return true;
    if (w->borrowed) { /* sized once by its lender: a list that outgrows it is given up */
        w->oom = true;
        return false;
    }
    size_t cap = w->text_cap ? w->text_cap : 256;
    while (cap < need)
        cap *= 2;
    char *t = realloc(w->text, cap);
    if (!t) {
        w->oom = true;
        return false;
    }
    w->text = t;
    w->text_cap = cap;
    return true;
}

/* Room for more words in offsets. offsets[n] holds the end of the text
 * (see nw_words_len()), so the offsets take one entry more. */
static bool grow_words(nw_words_t *w, size_t more)
{
    more++;
    if (w->n + more <= w->cap)
        return true;
    if (w->borrowed) {
        w->oom = true;
        return false;
    }
    size_t cap = w->cap ? w->cap : 64;
    while (cap < w->n + more)
        cap *= 2;
    size_t *o = realloc(w->offsets, cap * sizeof(*o));
    if (!o) {
        w->oom = true;
        return false;
    }
    w->offsets = o;
    w->cap = cap;
    return true;
}

/* ascii_word[c]: the ASCII byte as a word holds it (letters lower-cased,
 * digits kept), 0 for a byte that separates words and for every byte >= 0x80
 * (which the general path reads), so a scan stops at either. */
#define NW_WORD1(c)                                                                                \
    (char)(((c) >= 'A' && (c) <= 'Z')                                   ? (c) + 32                 \
           : (((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9')) ? (c)                      \
                                                                        : 0)
#define NW_WORD4(c)  NW_WORD1(c), NW_WORD1((c) + 1), NW_WORD1((c) + 2), NW_WORD1((c) + 3)
#define NW_WORD16(c) NW_WORD4(c), NW_WORD4((c) + 4), NW_WORD4((c) + 8), NW_WORD4((c) + 12)
#define NW_WORD64(c) NW_WORD16(c), NW_WORD16((c) + 16), NW_WORD16((c) + 32), NW_WORD16((c) + 48)
static const char ascii_word[256] = {NW_WORD64(0), NW_WORD64(64)};

/* The state of a word list being appended to, in locals of add_words()
 * and the functions it inlines: kept in w, the output position and the
 * count were reloaded after every byte stored through the char pointer
 * (which may alias). */
typedef struct words_out {
    char *out;
    size_t k, n; /* bytes and words so far */
    size_t *offsets;
    bool in_word;
} words_out_t;

static inline void word_start(words_out_t *o)
{
    o->offsets[o->n++] = o->k;
    o->in_word = true;
}

/* Ends the word being copied with its NUL. */
static inline void word_end(words_out_t *o)
{
    o->out[o->k++] = '\0';
    o->in_word = false;
}

/* One character of the text at p[i] (i < len) by the general path: a byte
 * below 0x80 by ascii_word[], anything else decoded and folded. Returns
 * the index after it. */
static size_t add_char(words_out_t *o, const unsigned char *p, size_t i, size_t len)
{
    uint32_t cp = p[i];
    size_t m = 1;
    if (cp < 0x80) {
        char c = ascii_word[cp];
        if (!c) {
            if (o->in_word)
                word_end(o);
            return i + 1;
        }
        if (!o->in_word)
            word_start(o);
        o->out[o->k++] = c;
        return i + 1;
    }
    if ((m = nw_utf8_decode(p + i, len - i, &cp)) == 0) {
        m = 1;
        cp = 0xFFFD;
    }
    if (!is_letter_cp(cp)) {
        if (o->in_word)
            word_end(o);
        return i + m;
    }
    if (!o->in_word)
        word_start(o);
    o->k += nw_utf8_put(o->out + o->k, fold_cp(cp));
    return i + m;
}

#ifdef __SSE2__
/* The block path's helpers are inlined into the AVX2 steps as well:
 * called, they took the output state and the class constants through
 * memory. */
#define NW_INLINE __attribute__((always_inline))

/* Copies of 16 bytes, one load and one store. */
static inline NW_INLINE void copy16(char *dst, const char *src)
{
    memcpy(dst, src, 16);
}

/* The words of width (16 or 32) bytes of ASCII text at b, bit j of alnum
 * set where byte j is a letter or digit; b holds the bytes with letters
 * lower-cased and every other byte zero, and can be read width bytes
 * wide from any of its first width. Each run of the bits is a word, or a
 * part of one that goes on before or after the block; a run is copied
 * with one store of width bytes by copy (copy16() or copy32(), inlined
 * as a constant; the text has the room, see TEXT_ROOM()) and its length
 * taken from the bits. A word that ends in the block has its NUL in that
 * copy: the separator after it is a zero of b. The words
 * are not hashed here: lang hashes the ones it probes its memo with from
 * the 16-byte loads it compares them with, and subjects the few that pass
 * its first filter; hashed here, every word took some fifteen
 * instructions more, for consumers that mostly had it again. */
static inline NW_INLINE void add_block(words_out_t *o, const char *b, uint64_t alnum,
                                       unsigned width, void (*copy)(char *, const char *))
{
    if (o->in_word) {
        /* width at most: bit width of ~alnum is set */
        unsigned e = (unsigned)__builtin_ctzll(~alnum);
        copy(o->out + o->k, b);
        if (e == width) { /* the word may go on in the next block */
            o->k += width;
            return;
        }
        o->k += e + 1;
        o->in_word = false;
        alnum &= ~0ull << e;
    }
    char *out = o->out;
    size_t k = o->k, n = o->n;
    while (alnum) {
        /* Adding the run's lowest bit clears the run and sets the bit
         * after it. */
        uint64_t u = alnum + (alnum & -alnum);
        size_t s = (size_t)__builtin_ctzll(alnum), e = (size_t)__builtin_ctzll(u);
        alnum &= u;
        o->offsets[n] = k;
        copy(out + k, b + s);
        if (e == width) { /* goes on in the next block: ended by word_end() */
            o->n = n + 1;
            o->k = k + width - s;
            o->in_word = true;
            return;
        }
        n++;
        k += e - s + 1;
    }
    o->k = k;
    o->n = n;
}

/* Whether the bytes >= 0x80 of a block (bit j of high set where byte j
 * is one) are all whole characters of U+0080..U+00BF (C2 xx) or
 * U+2000..U+203F (E2 80 xx), from the block's masks of continuation
 * bytes, C2, E2 and 80 bytes. Those are no letters (is_letter_cp()), and
 * the block path takes a byte >= 0x80 for a separator (it is in none of
 * its classes), so such a block needs no general path: the curly quotes,
 * dashes and no-break spaces of English text. A block starts at a
 * character's first byte, so the characters found here are the ones the
 * decoder would find. */
static inline NW_INLINE bool only_separators_of(uint64_t high, uint64_t cont, uint64_t c2,
                                                uint64_t e2, uint64_t b80)
{
    /* Past the block's last byte the shifts bring in zeros: a character
     * cut by the block's edge is not whole, and leaves its bytes
     * uncovered. */
    uint64_t two = c2 & cont >> 1;
    uint64_t three = e2 & b80 >> 1 & cont >> 2;
    return (two | two << 1 | three | three << 1 | three << 2) == high;
}

static inline NW_INLINE bool only_separators(__m128i x, unsigned high)
{
    unsigned cont = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80)));
    unsigned c2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)));
    unsigned e2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE2)));
    unsigned b80 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0x80)));
    return only_separators_of(high, cont, c2, e2, b80);
}

/* The words of the 16 bytes of text at p[i] (fewer at the text's end,
 * len), by the block path or, for a letter >= 0x80, the general one.
 * Returns the index after them. Byte classes by one signed compare each:
 * c + 0x80 - lo is below -128 + span exactly when lo <= c < lo + span. */
static inline NW_INLINE size_t add_step16(words_out_t *o, const unsigned char *p, size_t i,
                                          size_t len)
{
    __m128i x;
    if (len - i >= 16) {
        x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    } else { /* the tail, NUL-padded: NUL separates like the text's end */
        char last[16] = {0};
        memcpy(last, p + i, len - i);
        x = _mm_loadu_si128((const __m128i *)(const void *)last);
    }
    unsigned high = (unsigned)_mm_movemask_epi8(x);
    if (high && !only_separators(x, high)) { /* a letter >= 0x80: the general path */
        size_t stop = len - i >= 16 ? i + 16 : len;
        while (i < stop)
            i = add_char(o, p, i, len);
        return i;
    }
    const __m128i below26 = _mm_set1_epi8(-128 + 26), below10 = _mm_set1_epi8(-128 + 10);
    __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 'A'))), below26);
    __m128i low = _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(low, _mm_set1_epi8((char)(0x80 - 'a'))), below26);
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))), below10);
    __m128i alnum = _mm_or_si128(letter, digit);
    char b[32];
    _mm_storeu_si128((__m128i *)(void *)b, _mm_and_si128(low, alnum));
    add_block(o, b, (unsigned)_mm_movemask_epi8(alnum), 16, copy16);
    return i + 16;
}

#ifdef __x86_64__
#define NW_AVX2 __attribute__((target("avx2")))

/* Copies of 32 bytes, one load and one store (memcpy() made two of each,
 * as the generic tuning splits unaligned 32-byte moves). */
static inline NW_AVX2 void copy32(char *dst, const char *src)
{
    _mm256_storeu_si256((__m256i *)(void *)dst,
                        _mm256_loadu_si256((const __m256i *)(const void *)src));
}

/* The words of the 32 bytes at q by the block path, where the CPU has
 * AVX2: one vector of classes and one block of words where there were
 * two, and a third fewer words carried from one block into the next.
 * False, with nothing added, when a letter >= 0x80 is among them. */
static inline NW_AVX2 NW_INLINE bool add_ascii32(words_out_t *o, const unsigned char *q)
{
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)q);
    uint32_t high = (uint32_t)_mm256_movemask_epi8(x);
    if (high) {
        uint32_t cont = (uint32_t)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_and_si256(x, NW_SPLAT32((char)0xC0)), NW_SPLAT32((char)0x80)));
        uint32_t c2 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, NW_SPLAT32((char)0xC2)));
        uint32_t e2 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, NW_SPLAT32((char)0xE2)));
        uint32_t b80 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, NW_SPLAT32((char)0x80)));
        if (!only_separators_of(high, cont, c2, e2, b80))
            return false;
    }
    const __m256i below26 = NW_SPLAT32(-128 + 26), below10 = NW_SPLAT32(-128 + 10);
    __m256i upper = _mm256_cmpgt_epi8(below26, _mm256_add_epi8(x, NW_SPLAT32((char)(0x80 - 'A'))));
    __m256i low = _mm256_or_si256(x, _mm256_and_si256(upper, NW_SPLAT32(0x20)));
    __m256i letter =
        _mm256_cmpgt_epi8(below26, _mm256_add_epi8(low, NW_SPLAT32((char)(0x80 - 'a'))));
    __m256i digit = _mm256_cmpgt_epi8(below10, _mm256_add_epi8(x, NW_SPLAT32((char)(0x80 - '0'))));
    __m256i alnum = _mm256_or_si256(letter, digit);
    char b[64];
    _mm256_storeu_si256((__m256i *)(void *)b, _mm256_and_si256(low, alnum));
    add_block(o, b, (uint32_t)_mm256_movemask_epi8(alnum), 32, copy32);
    return true;
}

/* The steps of 32 bytes of the text's first len bytes from i, as many as
 * there are whole, into o; returns the index after them. A block with a letter
 * >= 0x80 goes as two steps of 16, outside the loop of ASCII blocks: with
 * the general path's calls in it, the loop's constants were made afresh
 * for every block. The output state is worked on in a local copy:
 * through o, its offsets were reloaded for every word. */
static NW_AVX2 size_t add_steps_avx2(words_out_t *o, const unsigned char *p, size_t i, size_t len)
{
    words_out_t l = *o;
    /* i + 32 <= len, not len - i >= 32: the second step of 16 may be the
     * text's tail (the first ended past its 16 bytes, in a character),
     * which returns an index up to 16 past len. */
    while (i + 32 <= len) {
        while (i + 32 <= len && add_ascii32(&l, p + i))
            i += 32;
        if (i + 32 <= len)
            i = add_step16(&l, p, add_step16(&l, p, i, len), len);
    }
    *o = l;
    return i;
}

#define NW_AVX512    __attribute__((target("avx2,popcnt,avx512f,avx512bw,avx512vbmi2")))
#define NW_IOTA4(c)  (c), (c) + 1, (c) + 2, (c) + 3
#define NW_IOTA16(c) NW_IOTA4(c), NW_IOTA4((c) + 4), NW_IOTA4((c) + 8), NW_IOTA4((c) + 12)
static const unsigned char iota64[64]
    __attribute__((aligned(64))) = {NW_IOTA16(0), NW_IOTA16(16), NW_IOTA16(32), NW_IOTA16(48)};

/* The words of the 64 bytes at q where the CPU has AVX-512 VBMI2, with no
 * loop over the words: the bytes a word list keeps are the letters and
 * digits (folded) and the separator right after each run of them (zero
 * in the folded block, so the word's NUL), one vpcompressb packs them at
 * the output, and a second packs the indexes of the word starts in the
 * packed bytes (a kept byte after a zero, or the block's first when no
 * word goes on into it), which become the offsets eight at a time. A
 * block holds at most 32 starts; 16 offsets are stored whatever their
 * number, the rest only when there are more. The 64-byte store lands
 * within the text's room: each byte of text gives at most one byte of
 * words, so the words of the text before q end at most q's index into
 * the text past the list's start, and the block is whole; the same holds
 * for the offsets, at most one start for two bytes of text before q.
 * The loop over the words of add_block() mispredicted its exit about
 * once a block; here the only branch on the text is the one for more
 * than 16 starts. False, with nothing added, when a letter >= 0x80 is
 * among the bytes (see add_ascii32()). */
static inline NW_AVX512 NW_INLINE bool add_ascii64(words_out_t *o, const unsigned char *q,
                                                   unsigned n)
{
    __m512i x = n == 64 ? _mm512_loadu_si512((const void *)q)
                        : _mm512_maskz_loadu_epi8(~0ull >> (64 - n), (const void *)q);
    uint64_t high = _mm512_movepi8_mask(x);
    if (high) {
        uint64_t cont = _mm512_cmpeq_epi8_mask(_mm512_and_si512(x, _mm512_set1_epi8((char)0xC0)),
                                               _mm512_set1_epi8((char)0x80));
        uint64_t c2 = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)0xC2));
        uint64_t e2 = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)0xE2));
        uint64_t b80 = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)0x80));
        if (!only_separators_of(high, cont, c2, e2, b80))
            return false;
    }
    /* OR 0x20 folds A-Z and leaves the digits as they are; any other byte
     * is dropped or zeroed by the masks. */
    __m512i low = _mm512_or_si512(x, _mm512_set1_epi8(0x20));
    uint64_t letter =
        _mm512_cmplt_epu8_mask(_mm512_sub_epi8(low, _mm512_set1_epi8('a')), _mm512_set1_epi8(26));
    uint64_t digit =
        _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('0')), _mm512_set1_epi8(10));
    uint64_t alnum = letter | digit, carry = o->in_word;
    uint64_t keep = alnum | alnum << 1 | carry;
    uint64_t starts = (unsigned)__builtin_popcountll(alnum & ~(alnum << 1 | carry));
    __m512i words = _mm512_maskz_compress_epi8(keep, _mm512_maskz_mov_epi8(alnum, low));
    if (n == 64)
        _mm512_storeu_si512((void *)(o->out + o->k), words);
    else /* the text's n bytes and a NUL at most */
        _mm512_mask_storeu_epi8((void *)(o->out + o->k), ~0ull >> (63 - n), words);
    uint64_t kept = _mm512_test_epi8_mask(words, words);
    uint64_t first = kept & ~(kept << 1 | carry);
    __m512i at = _mm512_maskz_compress_epi8(first, _mm512_load_si512((const void *)iota64));
    __m512i base = _mm512_set1_epi64((long long)o->k);
    size_t *off = o->offsets + o->n;
    __m128i a = _mm512_castsi512_si128(at), b = _mm512_extracti32x4_epi32(at, 1);
    __m512i o0 = _mm512_add_epi64(base, _mm512_cvtepu8_epi64(a));
    __m512i o1 = _mm512_add_epi64(base, _mm512_cvtepu8_epi64(_mm_srli_si128(a, 8)));
    __m512i o2 = _mm512_add_epi64(base, _mm512_cvtepu8_epi64(b));
    __m512i o3 = _mm512_add_epi64(base, _mm512_cvtepu8_epi64(_mm_srli_si128(b, 8)));
    if (n == 64) {
        _mm512_storeu_si512((void *)off, o0);
        _mm512_storeu_si512((void *)(off + 8), o1);
        if (starts > 16) {
            _mm512_storeu_si512((void *)(off + 16), o2);
            _mm512_storeu_si512((void *)(off + 24), o3);
        }
    } else { /* exactly the starts' offsets: at most 32 */
        uint64_t m = (1ull << starts) - 1;
        _mm512_mask_storeu_epi64((void *)off, (__mmask8)m, o0);
        _mm512_mask_storeu_epi64((void *)(off + 8), (__mmask8)(m >> 8), o1);
        _mm512_mask_storeu_epi64((void *)(off + 16), (__mmask8)(m >> 16), o2);
        _mm512_mask_storeu_epi64((void *)(off + 24), (__mmask8)(m >> 24), o3);
    }
    o->n += starts;
    o->k += (unsigned)__builtin_popcountll(keep);
    o->in_word = alnum >> 63;
    return true;
}

/* The steps of 64 bytes of the text's first len bytes, and of the rest
 * when it has no letter >= 0x80, into o; returns the index after them. A block with a letter
 * >= 0x80 goes as two steps of 16 (see add_steps_avx2()). */
static NW_AVX512 size_t add_steps_avx512(words_out_t *o, const unsigned char *p, size_t len)
{
    words_out_t l = *o;
    size_t i = 0;
    while (i + 64 <= len) {
        while (i + 64 <= len && add_ascii64(&l, p + i, 64))
            i += 64;
        if (i + 64 <= len)
            i = add_step16(&l, p, add_step16(&l, p, i, len), len);
    }
    /* The last 1 to 63 bytes by masked loads and stores, which touch no
     * byte past the text's or its room's end: the AVX2 and SSE2 steps took
     * a headline of some 60 bytes in three, and another two or three at
     * the end of every text. */
    if (i < len && add_ascii64(&l, p + i, (unsigned)(len - i)))
        i = len;
    *o = l;
    return i;
}
#endif
#endif

/* Folding keeps each letter's length (the decoder takes no overlong forms)
 * and a word's NUL takes the place of the byte that ends it, so the words
 * of len bytes of text take at most len + 1 bytes; a word and the byte
 * that ends it take two, so there are at most len / 2 + 1 words. A copy
 * by add_block() writes up to 31 bytes past the start of a word, which
 * is at most len - 1 bytes into the room: 16 bytes more than that, and
 * NW_WORDS_SLACK after them, hold it. */
#define TEXT_ROOM(len)  ((len) + 17)
#define WORDS_ROOM(len) ((len) / 2 + 1)

/* Appends the words of the len bytes at text (text[len] is its NUL); room
 * for them is reserved. Runs of 16 or 32 bytes of ASCII, most of the
 * text, are split by their byte classes and copied a word at a time; a
 * run with a byte >= 0x80 goes through the general path character by
 * character. */
static void add_words(nw_words_t *w, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    words_out_t o = {.out = w->text, .k = w->text_len, .n = w->n, .offsets = w->offsets};
    size_t i = 0;
#ifdef __SSE2__
#ifdef __x86_64__
    if (nw_cpu_has(NW_CPU_AVX2 | NW_CPU_AVX512VBMI2))
        i = add_steps_avx512(&o, p, len);
    if (nw_cpu_has(NW_CPU_AVX2))
        i = add_steps_avx2(&o, p, i, len);
#endif
    while (i < len)
        i = add_step16(&o, p, i, len);
#else
    while (i < len)
        i = add_char(&o, p, i, len);
#endif
    if (o.in_word)
        word_end(&o);
    w->text_len = o.k;
    w->n = o.n;
    w->offsets[w->n] = w->text_len;
    memset(w->text + w->text_len, 0, NW_WORDS_SLACK);
}

uint64_t nw_words_hash_key(const char *s, size_t n)
{
    uint64_t h = n;
    for (;; s += 16, n -= 16) {
        char b[16] = {0};
        uint64_t x[2];
        memcpy(b, s, n < 16 ? n : 16);
        memcpy(x, b, 16);
        h = nw_words_mix(h, x[0], x[1]);
        if (n <= 16)
            return h;
    }
}

void nw_words_add(nw_words_t *w, const char *text)
{
    if (!text || w->oom)
        return;
    size_t len = strlen(text);
    if (grow_text(w, TEXT_ROOM(len)) && grow_words(w, WORDS_ROOM(len)))
        add_words(w, text, len);
}

/* Appends an empty word; room for it is reserved. */
static void add_break(nw_words_t *w)
{
    w->offsets[w->n++] = w->text_len;
    w->text[w->text_len++] = '\0';
    w->offsets[w->n] = w->text_len;
    memset(w->text + w->text_len, 0, NW_WORDS_SLACK);
}

void nw_words_break(nw_words_t *w)
{
    if (!w->oom && grow_text(w, 1) && grow_words(w, 1))
        add_break(w);
}

nw_words_room_t nw_words_room(const nw_enrich_input_t *in)
{
    nw_words_room_t r = {.lh = in->headline ? strlen(in->headline) : 0,
                         .ls = in->standfirst ? strlen(in->standfirst) : 0,
                         .lb = in->body ? strlen(in->body) : 0};
    r.text = TEXT_ROOM(r.lh) + TEXT_ROOM(r.ls) + TEXT_ROOM(r.lb) + 2;
    r.words = WORDS_ROOM(r.lh) + WORDS_ROOM(r.ls) + WORDS_ROOM(r.lb) + 2;
    return r;
}

void nw_words_article_room(nw_words_t *w, const nw_enrich_input_t *in, const nw_words_room_t *r)
{
    size_t lh = r->lh, ls = r->ls, lb = r->lb;
    if (w->oom || !grow_text(w, r->text) || !grow_words(w, r->words))
        return;
    if (in->headline)
        add_words(w, in->headline, lh);
    add_break(w);
    if (in->standfirst)
        add_words(w, in->standfirst, ls);
    add_break(w);
    if (in->body)
        add_words(w, in->body, lb);
}

void nw_words_article(nw_words_t *w, const nw_enrich_input_t *in)
{
    if (w->oom)
        return;
    nw_words_room_t r = nw_words_room(in);
    nw_words_article_room(w, in, &r);
}

void nw_words_free(nw_words_t *w)
{
    if (!w)
        return;
    if (!w->borrowed) {
        free(w->text);
        free(w->offsets);
    }
    memset(w, 0, sizeof(*w));
}
