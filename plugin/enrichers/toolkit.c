/*
 * The toolkit the built-in enrichers share (see builtins.h): typed settings
 * read through the API table, the record's extension object, and the
 * article's text as lower-cased words.
 *
 * Words are split and folded here once, the same way for every built-in, so
 * that a stopword list, a subject rule and the text they are matched against
 * never disagree about what a word is.
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

/* Room for more words in offsets and hashes, which share one block:
 * hashes start right after cap offsets. offsets[n] holds the end of the
 * text (see nw_words_len()), so the offsets take one entry more. */
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
    size_t *o = malloc(cap * (sizeof(*o) + sizeof(*w->hashes)));
    if (!o) {
        w->oom = true;
        return false;
    }
    uint64_t *h = (uint64_t *)(o + cap);
    if (w->n) {
        memcpy(o, w->offsets, w->n * sizeof(*o));
        memcpy(h, w->hashes, w->n * sizeof(*h));
    }
    free(w->offsets);
    w->offsets = o;
    w->hashes = h;
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
    uint64_t *hashes;
    bool in_word;
} words_out_t;

static inline void word_start(words_out_t *o)
{
    o->offsets[o->n++] = o->k;
    o->in_word = true;
}

/* Ends the word being copied: its NUL, and its hash from the copy (the
 * text is readable 16 bytes past any word's start, see NW_WORDS_SLACK). */
static inline void word_end(words_out_t *o)
{
    size_t at = o->offsets[o->n - 1];
    o->hashes[o->n - 1] = nw_words_hash_wide(o->out + at, o->k - at);
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
 * see add_words()), its length taken from the bits, and a word that ends
 * in the block hashed from that copy, where the store forwards to both
 * 8-byte loads. */
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
        o->hashes[n++] = nw_words_hash16(out + k, e - s);
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
    words_out_t o = {
        .out = w->text, .k = w->text_len, .n = w->n, .offsets = w->offsets, .hashes = w->hashes};
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
    w->hashes[w->n] = nw_words_hash_key("", 0);
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

/* The lengths of an article's three texts, and the room its words take
 * at most: all three texts and the two breaks at once (grown text by
 * text, the arrays were copied several times per article). */
typedef struct article_room {
    size_t lh, ls, lb;
    size_t text, words;
} article_room_t;

static article_room_t article_room(const nw_enrich_input_t *in)
{
    article_room_t r = {.lh = in->headline ? strlen(in->headline) : 0,
                        .ls = in->standfirst ? strlen(in->standfirst) : 0,
                        .lb = in->body ? strlen(in->body) : 0};
    r.text = TEXT_ROOM(r.lh) + TEXT_ROOM(r.ls) + TEXT_ROOM(r.lb) + 2;
    r.words = WORDS_ROOM(r.lh) + WORDS_ROOM(r.ls) + WORDS_ROOM(r.lb) + 2;
    return r;
}

/* nw_words_article() with the room r of in worked out. */
static void words_article(nw_words_t *w, const nw_enrich_input_t *in, const article_room_t *r)
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
    article_room_t r = article_room(in);
    words_article(w, in, &r);
}

/* The words of the records of the batch being enriched, made at most once
 * per record: lang and subjects read the same words of the same text. Set
 * by nw_enrichers_run for the length of one run, on its own thread, so two
 * processors on two threads never share it; keyed by the input pointer and
 * its three texts, so an enricher called outside a run (a unit test, a
 * plugin's own call) makes its own list as before. */
/* The lists' text and arrays are carved from large chunks (two allocations
 * of some 40 KB a record, and their frees, were the enrichers' costliest);
 * carved at the room an article's words take at most, so a list is never
 * grown. A run's chunks outlive it: the thread keeps them, up to
 * NW_WORDS_KEEP bytes, for its next run, whose lists then land in memory
 * that is already mapped. Chunks freed and allocated anew each run had
 * the kernel clear and map their pages again: some 880 page faults a
 * batch of 500 articles, taken in the middle of splitting words. What a
 * thread keeps is freed when it exits (a pthread key's destructor). */
#define NW_WORDS_CHUNK ((size_t)1 << 20)
#define NW_WORDS_KEEP  ((size_t)32 << 20)
typedef struct words_chunk {
    struct words_chunk *next;
    size_t used, cap; /* bytes of the chunk after this header */
} words_chunk_t;

typedef struct words_share {
    const nw_enrich_input_t *const *in;
    nw_words_t *words; /* the run's lists; room entries, kept across runs */
    bool *made;        /* the same */
    size_t n, room;
    size_t next;           /* where the next lookup starts: enrichers go in order */
    words_chunk_t *chunks; /* the run's, the newest first */
    words_chunk_t *spare;  /* kept from earlier runs, for this one's carves */
    bool keyed;            /* registered with share_key: the thread's exit frees */
} words_share_t;

static _Thread_local words_share_t share;
static pthread_key_t share_key;
static pthread_once_t share_once = PTHREAD_ONCE_INIT;
static bool share_keyed;

static void chunks_free(words_chunk_t *c)
{
    for (words_chunk_t *next; c; c = next) {
        next = c->next;
        free(c);
    }
}

/* Frees everything the thread's share holds (p is &share). */
static void share_release(void *p)
{
    words_share_t *s = p;
    chunks_free(s->chunks);
    chunks_free(s->spare);
    free(s->words);
    free(s->made);
    memset(s, 0, sizeof(*s));
}

static void share_key_init(void)
{
    share_keyed = pthread_key_create(&share_key, share_release) == 0;
}

/* Room for n lists in the share's arrays. */
static bool share_room(size_t n)
{
    if (n <= share.room)
        return true;
    free(share.words);
    free(share.made);
    share.words = calloc(n, sizeof(*share.words));
    share.made = malloc(n * sizeof(*share.made));
    share.room = share.words && share.made ? n : 0;
    return share.room != 0;
}

void nw_words_share_begin(const nw_enrich_input_t *const *in, size_t n)
{
    nw_words_share_end();
    if (!share.keyed) {
        pthread_once(&share_once, share_key_init);
        share.keyed = share_keyed && pthread_setspecific(share_key, &share) == 0;
    }
    if (!share_room(n)) /* no sharing: each enricher makes its own */
        return;
    memset(share.made, 0, n * sizeof(*share.made));
    share.in = in;
    share.n = n;
}

void nw_words_share_end(void)
{
    /* A list whose room could not be carved has its own (see
     * share_article()). */
    for (size_t i = 0; i < share.n; i++)
        if (share.made[i])
            nw_words_free(&share.words[i]);
    share.in = NULL;
    share.n = share.next = 0;
    if (!share.keyed) { /* nothing frees what is kept: keep nothing */
        share_release(&share);
        return;
    }
    /* The run's chunks go before the spare ones, in the order the run
     * took them, so that the next run carves the same memory in the same
     * order; as many as NW_WORDS_KEEP allows (a run of outsized articles
     * gives back what it took more), the least recently used freed. */
    words_chunk_t *kept = share.spare;
    for (words_chunk_t *c = share.chunks, *next; c; c = next) {
        next = c->next;
        c->next = kept;
        kept = c;
    }
    size_t bytes = 0;
    words_chunk_t **at = &kept;
    while (*at && bytes + sizeof(**at) + (*at)->cap <= NW_WORDS_KEEP) {
        bytes += sizeof(**at) + (*at)->cap;
        at = &(*at)->next;
    }
    chunks_free(*at);
    *at = NULL;
    share.spare = kept;
    share.chunks = NULL;
}

/* A chunk of at least bytes for the run: a spare one that fits, else a new
 * one; NULL when out of memory. */
static words_chunk_t *chunk_for(size_t bytes)
{
    for (words_chunk_t **at = &share.spare, *c; (c = *at); at = &c->next) {
        if (c->cap >= bytes) {
            *at = c->next;
            return c;
        }
    }
    size_t cap = bytes > NW_WORDS_CHUNK ? bytes : NW_WORDS_CHUNK;
    words_chunk_t *c = malloc(sizeof(*c) + cap);
    if (c)
        c->cap = cap;
    return c;
}

/* bytes (a multiple of 8) from the run's chunks; NULL when out of memory.
 * The header keeps what follows it 8-byte aligned. */
_Static_assert(sizeof(words_chunk_t) % 8 == 0, "carved arrays stay aligned");
static void *share_carve(size_t bytes)
{
    words_chunk_t *c = share.chunks;
    if (!c || c->cap - c->used < bytes) {
        if (!(c = chunk_for(bytes)))
            return NULL;
        c->used = 0;
        c->next = share.chunks;
        share.chunks = c;
    }
    void *p = (char *)(c + 1) + c->used;
    c->used += bytes;
    return p;
}

/* The words of in, made into w with room carved from the run's chunks (or
 * of its own when they cannot give it). */
static void share_article(nw_words_t *w, const nw_enrich_input_t *in)
{
    article_room_t r = article_room(in);
    size_t cap = r.words + 1; /* and the end offset (see grow_words()) */
    size_t arrays = cap * (sizeof(*w->offsets) + sizeof(*w->hashes));
    size_t text = (r.text + NW_WORDS_SLACK + 7) & ~(size_t)7;
    char *p = share_carve(arrays + text);
    *w = (nw_words_t)NW_WORDS_INIT;
    if (p) {
        *w = (nw_words_t){.offsets = (size_t *)(void *)p,
                          .hashes = (uint64_t *)(void *)(p + cap * sizeof(*w->offsets)),
                          .cap = cap,
                          .text = p + arrays,
                          .text_cap = text,
                          .borrowed = true};
    }
    words_article(w, in, &r);
}

const nw_words_t *nw_words_of(const nw_enrich_input_t *in, nw_words_t *own)
{
    for (size_t k = 0; k < share.n; k++) {
        size_t i = (share.next + k) % share.n;
        const nw_enrich_input_t *s = share.in[i];
        if (s != in)
            continue;
        share.next = i + 1;
        if (!share.made[i]) {
            share_article(&share.words[i], in);
            share.made[i] = true;
        }
        if (!share.words[i].oom)
            return &share.words[i];
        break;
    }
    nw_words_article(own, in);
    return own;
}

void nw_words_free(nw_words_t *w)
{
    if (!w)
        return;
    if (!w->borrowed) {
        free(w->text);
        free(w->offsets); /* the hashes' block too */
    }
    memset(w, 0, sizeof(*w));
}
