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

#include "core/utf8.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"
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
/* The words of 16 bytes of ASCII text, bit j of alnum set where byte j is
 * a letter or digit, low the bytes with letters lower-cased. Each run of
 * the bits is a word, or a part of one that goes on before or after the
 * block; a run is copied with one 16-byte store (the text has the room,
 * see add_words()) and its length taken from the bits. The words are not
 * hashed here: lang hashes the ones it probes its memo with from the
 * 16-byte loads it compares them with, and subjects the few that pass its
 * first filter (nw_words_hash()); hashed here, every word took some
 * fifteen instructions more, for consumers that mostly had it again. */
static inline void add_block(words_out_t *o, __m128i low, unsigned alnum)
{
    char b[32];
    _mm_storeu_si128((__m128i *)(void *)b, low);
    if (o->in_word) {
        unsigned e = (unsigned)__builtin_ctz(~alnum); /* 16 at most: bit 16 of ~alnum is set */
        memcpy(o->out + o->k, b, 16);
        o->k += e;
        if (e == 16)
            return; /* the word may go on in the next block */
        word_end(o);
        alnum &= ~0u << e;
    }
    char *out = o->out;
    size_t k = o->k, n = o->n;
    while (alnum) {
        /* Adding the run's lowest bit clears the run and sets the bit
         * after it. */
        unsigned s = (unsigned)__builtin_ctz(alnum), u = alnum + (alnum & -alnum);
        unsigned e = (unsigned)__builtin_ctz(u);
        alnum &= u;
        o->offsets[n] = k;
        memcpy(out + k, b + s, 16);
        if (e == 16) { /* goes on in the next block: ended by word_end() */
            o->n = n + 1;
            o->k = k + 16 - s;
            o->in_word = true;
            return;
        }
        n++;
        k += e - s;
        out[k++] = '\0';
    }
    o->k = k;
    o->n = n;
}

/* Whether the bytes >= 0x80 of the 16 at x (bit j of high set where byte
 * j is one) are all whole characters of U+0080..U+00BF (C2 xx) or
 * U+2000..U+203F (E2 80 xx). Those are no letters (is_letter_cp()), and
 * the block path takes a byte >= 0x80 for a separator (it is in none of
 * its classes), so such a block needs no general path: the curly quotes,
 * dashes and no-break spaces of English text. A block starts at a
 * character's first byte, so the characters found here are the ones the
 * decoder would find. */
static inline bool only_separators(__m128i x, unsigned high)
{
    unsigned cont = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80)));
    unsigned c2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)));
    unsigned e2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE2)));
    unsigned b80 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0x80)));
    /* Past byte 15 the shifts bring in zeros: a character cut by the
     * block's edge is not whole, and leaves its bytes uncovered. */
    unsigned two = c2 & cont >> 1;
    unsigned three = e2 & b80 >> 1 & cont >> 2;
    return (two | two << 1 | three | three << 1 | three << 2) == high;
}
#endif

/* Folding keeps each letter's length (the decoder takes no overlong forms)
 * and a word's NUL takes the place of the byte that ends it, so the words
 * of len bytes of text take at most len + 1 bytes; a word and the byte
 * that ends it take two, so there are at most len / 2 + 1 words. A copy
 * by add_block() writes up to 15 bytes past the words so far, which is
 * within NW_WORDS_SLACK of the room. */
#define TEXT_ROOM(len)  ((len) + 1)
#define WORDS_ROOM(len) ((len) / 2 + 1)

/* Appends the words of the len bytes at text (text[len] is its NUL); room
 * for them is reserved. Runs of 16 bytes of ASCII, most of the text, are
 * split by their byte classes and copied a word at a time; a run with a
 * byte >= 0x80 goes through the general path character by character. */
static void add_words(nw_words_t *w, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    words_out_t o = {.out = w->text, .k = w->text_len, .n = w->n, .offsets = w->offsets};
    size_t i = 0;
#ifdef __SSE2__
    /* Byte classes by one signed compare each: c + 0x80 - lo is below
     * -128 + span exactly when lo <= c < lo + span. */
    const __m128i upper_bias = _mm_set1_epi8((char)(0x80 - 'A'));
    const __m128i lower_bias = _mm_set1_epi8((char)(0x80 - 'a'));
    const __m128i digit_bias = _mm_set1_epi8((char)(0x80 - '0'));
    const __m128i below26 = _mm_set1_epi8(-128 + 26), below10 = _mm_set1_epi8(-128 + 10);
    const __m128i case_bit = _mm_set1_epi8(0x20);
    while (i < len) {
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
                i = add_char(&o, p, i, len);
            continue;
        }
        __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(x, upper_bias), below26);
        __m128i low = _mm_or_si128(x, _mm_and_si128(upper, case_bit));
        __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(low, lower_bias), below26);
        __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, digit_bias), below10);
        add_block(&o, low, (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit)));
        i += 16;
    }
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
