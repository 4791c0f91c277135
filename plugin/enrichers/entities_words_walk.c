/*
 * The entities tokeniser's short-word walk. Most of an article's words are
 * short runs of ASCII letters and digits with a space (or a comma, a
 * period and a space) after them: nw_ent_tokenize() hands such runs to
 * nw_ent_push_plains(), which classifies the text a block at a time (SSE2,
 * AVX2 or AVX-512BW, chosen once per text) and pushes each word with the
 * key, fold and hash nw_ent_push() would give it. Anything else goes back
 * to the general way in entities_tokens.c.
 */
#include <stddef.h>
#include <string.h>
#if defined(__SSE2__) && !defined(NW_ENT_NO_SIMD)
#include <immintrin.h>
#define NW_ENT_SSE2 1
#endif

#include "core/cpu.h"
#include "enrichers/entities_tokens_internal.h"

/* The end of a plain word at i: ASCII letters and digits ended by what
 * can neither continue the word nor be cut off it (a space, most
 * punctuation, the text's end), the words scan_word() would take whole and
 * push_word() never split; 0 for any other start, which goes the general
 * way. */
static size_t ascii_word(const char *s, size_t len, size_t i)
{
    if (!is_ascii_alnum((unsigned char)s[i]))
        return 0;
    size_t e = i + 1;
    while (e < len && is_ascii_alnum((unsigned char)s[e]))
        e++;
    if (e == len)
        return e;
    unsigned char stop = (unsigned char)s[e];
    /* Apostrophes, hyphens and periods may join a word or end it in an
     * abbreviation or a possessive; a comma may group digits; bytes past
     * ASCII may be letters or curly apostrophes. */
    if (stop >= 0x80 || stop == '\'' || stop == '-' || stop == '.')
        return 0;
    if (stop == ',' && s[e - 1] >= '0' && s[e - 1] <= '9' && e + 1 < len && s[e + 1] >= '0' &&
        s[e + 1] <= '9')
        return 0;
    return e;
}

/* What scan_plain() finds of a run of ASCII letters and digits. */
typedef struct plain_run {
    size_t n;         /* its length, at most NW_ENT_SHORT_WORD */
    unsigned letters; /* its letters */
    unsigned caps;    /* its capitals: no bit set for none, one for one, more for more */
    bool small;       /* has a small letter */
    uint16_t flags;   /* NW_TOK_CAP or NW_TOK_LOWER by its first byte, NW_TOK_DIGIT */
    uint64_t hash;    /* nw_ent_word_hash() of its fold */
} plain_run_t;

/* The run of n bytes, digits of them digits, caps capitals (as bits: see
 * plain_run_t), with or without small letters, NW_TOK_CAP or
 * NW_TOK_LOWER by its first byte, and its hash h before nw_ent_hash_end().
 * The scanners return runs by value, an n of 0 for none: a run whose
 * address is never taken stays in registers in nw_ent_push_plains()' loop. */
static inline plain_run_t run_end(size_t n, unsigned digits, unsigned caps, bool small,
                                  unsigned first, uint64_t h)
{
    return (plain_run_t){.n = n,
                         .letters = (unsigned)n - digits,
                         .caps = caps,
                         .small = small,
                         .flags = (uint16_t)(first | (digits ? NW_TOK_DIGIT : 0)),
                         .hash = nw_ent_hash_end(h)};
}

#ifdef NW_ENT_SSE2
/* The bytes that lie in lo..lo+count-1, all ones: the add moves lo to
 * -128, so the bytes of the range are those below -128 + count. */
static inline __m128i sse_in(__m128i x, int lo, int count)
{
    __m128i t = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));
    return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + count)));
}

/* One block of sixteen bytes: its capitals, small letters and digits as
 * bit masks, the run's bytes in it (those before the first byte of none of
 * the three), and their fold, the bytes after them zero. */
typedef struct sse_block {
    unsigned mu, ml, md, k;
    __m128i fold;
} sse_block_t;

/* Sixteen bytes of ones, then sixteen of zeros: the sixteen from 16 - k
 * keep the first k bytes of a block. */
static const unsigned char sse_keep[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static inline void sse_classify(__m128i x, sse_block_t *b)
{
    __m128i up = sse_in(x, 'A', 26);
    b->mu = (unsigned)_mm_movemask_epi8(up);
    b->ml = (unsigned)_mm_movemask_epi8(sse_in(x, 'a', 26));
    b->md = (unsigned)_mm_movemask_epi8(sse_in(x, '0', 10));
    b->k = (unsigned)__builtin_ctz(~(b->mu | b->ml | b->md));
    /* The bytes after the run cleared by one mask from a table, so that the
     * hash takes the pieces as they are, with no mask made per piece. */
    __m128i keep = _mm_loadu_si128((const __m128i *)(sse_keep + 16 - b->k));
    b->fold = _mm_and_si128(_mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))), keep);
}

/* The hash carried on over the first k (at most 16) bytes of a folded
 * block (zeros after them), in 8-byte pieces as nw_ent_word_hash() takes
 * them. */
static inline uint64_t sse_hash(uint64_t h, __m128i f, unsigned k)
{
    uint64_t p0 = (uint64_t)_mm_cvtsi128_si64(f);
    if (k > 8) {
        uint64_t p1 = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(f, f));
        return nw_ent_hash_piece(nw_ent_hash_piece(h, p0), p1);
    }
    return k ? nw_ent_hash_piece(h, p0) : h;
}

/* Reads the run of ASCII letters and digits at src (avail > 0 bytes)
 * sixteen bytes a step, stopping after NW_ENT_SHORT_WORD bytes; writes its
 * fold at fold (whole blocks: up to NW_ENT_SHORT_WORD bytes) and hashes it
 * as nw_ent_word_hash() does. A run of no bytes when src does not start
 * with a letter or digit. For any run; scan_plain() takes the common one
 * faster. */
static plain_run_t scan_plain_any(const unsigned char *src, size_t avail, char *fold)
{
    size_t n = 0;
    unsigned caps = 0, small = 0, digits = 0, first = 0;
    uint64_t h = NW_ENT_HASH_SEED;
    for (;;) {
        size_t left = avail - n;
        unsigned char pad[16] = {0}; /* the text's end: zeros stop the run */
        if (left < 16)
            memcpy(pad, src + n, left);
        sse_block_t b;
        sse_classify(_mm_loadu_si128((const __m128i *)(left < 16 ? pad : src + n)), &b);
        unsigned keep = (1u << b.k) - 1, mu = b.mu & keep;
        if (n == 0) {
            if (b.k == 0)
                return (plain_run_t){0};
            first = (b.mu & 1) ? NW_TOK_CAP : (b.ml & 1) ? NW_TOK_LOWER : 0;
        }
        caps += (mu != 0) + ((mu & (mu - 1)) != 0);
        small |= b.ml & keep;
        digits += (unsigned)__builtin_popcount(b.md & keep);
        _mm_storeu_si128((__m128i *)(fold + n), b.fold);
        h = sse_hash(h, b.fold, b.k);
        n += b.k;
        if (b.k < 16 || n >= NW_ENT_SHORT_WORD)
            break;
    }
    return run_end(n, digits, caps < 2 ? caps : 3, small != 0, first, h);
}

/* scan_plain_any() for a run of fewer than sixteen bytes that are not
 * the text's last: one block, no loop. */
static inline plain_run_t scan_plain(const unsigned char *src, size_t avail, char *fold)
{
    if (avail < 16)
        return scan_plain_any(src, avail, fold);
    sse_block_t b;
    sse_classify(_mm_loadu_si128((const __m128i *)src), &b);
    if (b.k == 0)
        return (plain_run_t){0};
    if (b.k == 16)
        return scan_plain_any(src, avail, fold);
    unsigned keep = (1u << b.k) - 1, mu = b.mu & keep, md = b.md & keep;
    unsigned digits = md ? (unsigned)__builtin_popcount(md) : 0;
    _mm_storeu_si128((__m128i *)fold, b.fold);
    unsigned first = (b.mu & 1) ? NW_TOK_CAP : (b.ml & 1) ? NW_TOK_LOWER : 0;
    return run_end(b.k, digits, mu, (b.ml & keep) != 0, first,
                   sse_hash(NW_ENT_HASH_SEED, b.fold, b.k));
}

/* What the tokeniser's loop makes of a byte of punctuation after a word,
 * for the word after it: the break, and NW_TOK_SENT in the high byte where
 * a sentence starts; 0 for the bytes the short-word loop leaves to it. */
#define NW_PN(brk, sent) ((unsigned)(brk) | (sent ? (unsigned)NW_TOK_SENT << 8 : 0u))
static const unsigned punct_next[256] = {
    [','] = NW_PN(NW_BRK_COMMA, 0), [';'] = NW_PN(NW_BRK_COMMA, 0), ['.'] = NW_PN(NW_BRK_END, 1),
    ['!'] = NW_PN(NW_BRK_END, 1),   ['?'] = NW_PN(NW_BRK_END, 1),   [':'] = NW_PN(NW_BRK_COLON, 1),
};

/* GCC hoists what both of walk_block()'s ways for a word compute above
 * the test that chooses between them, where it stays live through the
 * common word's loop and is spilled: without the hoisting the AVX2 build
 * runs 3% fewer instructions (callgrind, enriched c2k). */
#if defined(__GNUC__) && !defined(__clang__)
#define NW_TOK_NO_HOIST __attribute__((optimize("no-code-hoisting")))
#else
#define NW_TOK_NO_HOIST
#endif

/* The short-word walk reads the text in blocks of this many bytes, each
 * classified once. */
#define NW_WB 64

/* A block of the text at at, classified: bit j of each mask for its byte j
 * (stops: neither a letter nor a digit), and the block folded ('A'..'Z' |
 * 0x20) in fold. raw holds the block's bytes and 32 after them, readable
 * (the text itself, or a copy of its last bytes with zeros after them,
 * which end any word and are no punctuation the walk takes). */
typedef struct word_block {
    uint64_t stops, up, digit;
    const unsigned char *raw;
    size_t at;
    _Alignas(64) unsigned char fold[NW_WB + 32]; /* after the block: anything */
} word_block_t;

/* Where the walk is: the next word at i, the keys' length, the tokens
 * written, and the break and sentence start for the next word (see
 * punct_next). */
typedef struct word_walk {
    size_t i, kl, nt;
    unsigned pend;
} word_walk_t;

/* walk_block() writes a token as six 64-bit words, this layout's. */
_Static_assert(sizeof(nw_ent_tok_t) == 48 && offsetof(nw_ent_tok_t, key) == 8 &&
                   offsetof(nw_ent_tok_t, fold) == 16 && offsetof(nw_ent_tok_t, fold_hash) == 24 &&
                   offsetof(nw_ent_tok_t, para) == 32 && offsetof(nw_ent_tok_t, gaz) == 36 &&
                   offsetof(nw_ent_tok_t, flags) == 40 && offsetof(nw_ent_tok_t, brk) == 42 &&
                   offsetof(nw_ent_tok_t, letters) == 43 && offsetof(nw_ent_tok_t, tail) == 44,
               "nw_ent_tok_t as walk_block() writes it");

/* The token's last word: flags, brk and letters (tail 0). */
#define NW_TW_BRK(b)     ((uint64_t)(b) << 16)
#define NW_TW_LETTERS(n) ((uint64_t)(n) << 24)

/* The bytes of a word's last 8-byte piece, by its length mod 8. */
static const uint64_t piece_cut[8] = {
    ~0ULL,         0xffULL,         0xffffULL,         0xffffffULL,
    0xffffffffULL, 0xffffffffffULL, 0xffffffffffffULL, 0xffffffffffffffULL};

/* punct_next's in the last word's layout: the break and NW_TOK_SENT. */
static inline uint64_t pend_word(unsigned pend)
{
    return NW_TW_BRK(pend & 0xffu) | pend >> 8;
}

static inline unsigned word_pend(uint64_t pw)
{
    return (unsigned)(pw >> 16 & 0xffu) | (unsigned)(pw & 0xffffu) << 8;
}

/* Writes the token of the word of k bytes (1 to 31) whose fold is at fp
 * and whose bytes are at wp, at off in the text, into vp, its fold (and key)
 * at data + kl; q5 holds the token's break, sentence start and letters,
 * and us and ds the word's capitals and digits from its first byte on.
 * plain: the word has neither (a constant, so that the common word's loop
 * keeps no more than it needs). Returns the keys' new length. */
static inline __attribute__((always_inline)) uint64_t
put_word(char *vp, char *data, uint64_t kl, const unsigned char *fp, const unsigned char *wp,
         uint64_t k, uint64_t off, uint64_t q4, uint64_t q5, uint64_t us, uint64_t ds, bool plain)
{
    char *f = data + kl;
    memcpy(f, fp, 32);
    f[k] = '\0';
    uint64_t kk = k << 32, q2 = kl + kk, q1 = q2, q0 = off + kk;
    kl += k + 1;
    if (plain) {
        q5 |= NW_TOK_LOWER;
    } else {
        /* NW_TOK_CAP for a capital first, NW_TOK_LOWER for a small letter
         * (no capital, no digit). */
        uint64_t keep = (1ULL << k) - 1, u = us & keep, d = ds & keep;
        q5 |= (us & 1) | (~(us | ds) & 1) << 2;
        if (d)
            q5 = (q5 | NW_TOK_DIGIT) - NW_TW_LETTERS(__builtin_popcountll(d));
        if (u) { /* the key is the word as written, after its fold */
            memcpy(f + k + 1, wp, 32);
            f[2 * k + 1] = '\0';
            q1 = kl + kk;
            kl += k + 1;
            if ((u & (u - 1)) && (u | d) == keep)
                q5 |= NW_TOK_UPPER; /* no small letter */
        }
    }
    /* The hash in 8-byte pieces, the last one cut at the word's end. */
    uint64_t h = NW_ENT_HASH_SEED, piece = nw_ent_load64(fp);
    for (uint64_t i = 8; i < k; i += 8) {
        h = nw_ent_hash_piece(h, piece);
        piece = nw_ent_load64(fp + i);
    }
    h = nw_ent_hash_end(nw_ent_hash_piece(h, piece & piece_cut[k & 7]));
    memcpy(vp, &q0, 8);
    memcpy(vp + 8, &q1, 8);
    memcpy(vp + 16, &q2, 8);
    memcpy(vp + 24, &h, 8);
    memcpy(vp + 32, &q4, 8);
    memcpy(vp + 40, &q5, 8);
    return kl;
}

/* Pushes the words of block b from its start on while each is the
 * commonest kind: at most 31 ASCII letters and digits with a space after
 * them, or a comma, period (not the word's own), colon and the like and a
 * space and another word. Each gets what nw_ent_push_plains() would give
 * it, with the break and sentence start the punctuation before it gives.
 * The block was classified and folded once, so a word's end, case and
 * digits are read from its masks (a shift and a count of trailing zeros),
 * and its fold and hash from the folded block; the token is written as six
 * 64-bit words. Words of small letters with a space after them (most of an
 * article's) have a loop of their own, which keeps in registers only what
 * they need. Writes at most room tokens at v and their keys at data +
 * st->kl (room reserved for each as nw_ent_push_plains() reserves it). True
 * when the walk is to go on in a block at st->i: the next word runs past
 * this block's end. */
static inline __attribute__((always_inline)) bool walk_block(const word_block_t *b, word_walk_t *st,
                                                             nw_ent_tok_t *v, size_t room,
                                                             char *data, uint32_t para)
{
    /* In locals: the keys are written through a char pointer, which may
     * alias the block. */
    const uint64_t stops = b->stops, up = b->up, digit = b->digit, mixed = up | digit;
    const unsigned char *raw = b->raw, *fold = b->fold;
    const uint64_t at = b->at, q4 = para; /* para, and gaz 0 */
    char *vp = (char *)(v + st->nt), *const vend = (char *)(v + room);
    uint64_t kl = st->kl, pw = pend_word(st->pend), s = 0, rest, k;
    bool more = false;
    for (;;) {
        for (;;) {
            if (vp >= vend)
                goto out;
            rest = stops >> s;
            k = rest ? (uint64_t)__builtin_ctzll(rest) : 64;
            if (k - 1 >= 31) {     /* none, or 32 bytes or more */
                more = !rest && s; /* a word of the whole block goes the general way */
                goto out;
            }
            if (raw[s + k] != ' ' || (mixed >> s & ((1ULL << k) - 1)))
                break;
            kl = put_word(vp, data, kl, fold + s, raw + s, k, at + s, q4, pw | NW_TW_LETTERS(k), 0,
                          0, true);
            vp += sizeof(nw_ent_tok_t);
            pw = 0;
            s += k + 1;
            if (s >= NW_WB) {
                more = true;
                goto out;
            }
        }
        /* Punctuation after the word, or capitals or digits in it. */
        uint64_t e = s + k, after = 0;
        unsigned char stop = raw[e];
        if (stop != ' ') {
            after = pend_word(punct_next[stop]);
            if (!after || raw[e + 1] != ' ' || !is_ascii_alnum(raw[e + 2]) ||
                (stop == '.' &&
                 (k < 2 || (k < 7 && abbreviation_in((const char *)raw + s, k, NW_WB + 32 - s)))))
                goto out; /* the general way */
            e++;
        }
        kl = put_word(vp, data, kl, fold + s, raw + s, k, at + s, q4, pw | NW_TW_LETTERS(k),
                      up >> s, digit >> s, false);
        vp += sizeof(nw_ent_tok_t);
        pw = after;
        s = e + 1;
        if (s >= NW_WB) {
            more = true;
            goto out;
        }
    }
out:
    st->i = at + s;
    st->kl = kl;
    st->nt = (size_t)((nw_ent_tok_t *)(void *)vp - v);
    st->pend = word_pend(pw);
    return more;
}

/* The block at text offset i: the text itself where NW_WB + 32 bytes are
 * left, else a copy of what is left with zeros after it in pad. */
static inline const unsigned char *block_bytes(word_block_t *b, const unsigned char *w, size_t len,
                                               size_t i, unsigned char *pad)
{
    b->at = i;
    if (len - i >= NW_WB + 32)
        return b->raw = w + i;
    memset(pad, 0, NW_WB + 32);
    memcpy(pad, w + i, len - i);
    return b->raw = pad;
}

/* Sixteen bytes of the block at p + 16 * q classified and folded: their
 * capitals, small letters and digits added to the masks. */
static inline void block_part16(word_block_t *b, const unsigned char *p, unsigned q, uint64_t *low)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q));
    __m128i up = sse_in(x, 'A', 26);
    b->up |= (uint64_t)(unsigned)_mm_movemask_epi8(up) << 16 * q;
    *low |= (uint64_t)(unsigned)_mm_movemask_epi8(sse_in(x, 'a', 26)) << 16 * q;
    b->digit |= (uint64_t)(unsigned)_mm_movemask_epi8(sse_in(x, '0', 10)) << 16 * q;
    _mm_store_si128((__m128i *)(b->fold + 16 * q),
                    _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))));
}

/* Pushes the short words from *at on, a block after another, as
 * walk_block() takes them; moves *at past the last word and what followed
 * it that was taken, *klen past its keys, leaves in *pending what the next
 * word is to get, and returns the words pushed. Built for SSE2, AVX2 and
 * AVX-512BW, which differ only in how a block is classified; all three
 * give the same tokens and keys. */
static NW_TOK_NO_HOIST size_t short_words_sse2(nw_ent_tok_t *v, size_t room, const unsigned char *w,
                                               size_t len, char *data, size_t *at, size_t *klen,
                                               uint32_t para, unsigned *pending)
{
    word_walk_t st = {*at, *klen, 0, *pending};
    word_block_t b;
    unsigned char pad[NW_WB + 32];
    do {
        const unsigned char *p = block_bytes(&b, w, len, st.i, pad);
        uint64_t low = 0;
        b.up = b.digit = 0;
        for (unsigned q = 0; q < NW_WB / 16; q++)
            block_part16(&b, p, q, &low);
        b.stops = ~(b.up | low | b.digit);
    } while (walk_block(&b, &st, v, room, data, para));
    *at = st.i;
    *klen = st.kl;
    *pending = st.pend;
    return st.nt;
}

#define NW_TOK_AVX2 __attribute__((target("avx2,popcnt,bmi,bmi2"))) NW_TOK_NO_HOIST

/* The bytes of x that lie in lo..lo+count-1, as sse_in(). */
static inline NW_TOK_AVX2 __m256i avx2_in(__m256i x, int lo, int count)
{
    __m256i t = _mm256_add_epi8(x, _mm256_set1_epi8((char)(0x80 - lo)));
    return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(-128 + count)), t);
}

static NW_TOK_AVX2 size_t short_words_avx2(nw_ent_tok_t *v, size_t room, const unsigned char *w,
                                           size_t len, char *data, size_t *at, size_t *klen,
                                           uint32_t para, unsigned *pending)
{
    word_walk_t st = {*at, *klen, 0, *pending};
    word_block_t b;
    unsigned char pad[NW_WB + 32];
    do {
        const unsigned char *p = block_bytes(&b, w, len, st.i, pad);
        uint64_t mu = 0, ml = 0, md = 0;
        for (unsigned q = 0; q < NW_WB / 32; q++) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * q));
            __m256i up = avx2_in(x, 'A', 26);
            mu |= (uint64_t)(unsigned)_mm256_movemask_epi8(up) << 32 * q;
            ml |= (uint64_t)(unsigned)_mm256_movemask_epi8(avx2_in(x, 'a', 26)) << 32 * q;
            md |= (uint64_t)(unsigned)_mm256_movemask_epi8(avx2_in(x, '0', 10)) << 32 * q;
            _mm256_store_si256((__m256i *)(b.fold + 32 * q),
                               _mm256_or_si256(x, _mm256_and_si256(up, _mm256_set1_epi8(0x20))));
        }
        b.up = mu;
        b.digit = md;
        b.stops = ~(mu | ml | md);
    } while (walk_block(&b, &st, v, room, data, para));
    *at = st.i;
    *klen = st.kl;
    *pending = st.pend;
    return st.nt;
}

#define NW_TOK_AVX512                                                                              \
    __attribute__((target("avx2,popcnt,bmi,bmi2,avx512f,avx512bw"))) NW_TOK_NO_HOIST

static NW_TOK_AVX512 size_t short_words_avx512(nw_ent_tok_t *v, size_t room, const unsigned char *w,
                                               size_t len, char *data, size_t *at, size_t *klen,
                                               uint32_t para, unsigned *pending)
{
    word_walk_t st = {*at, *klen, 0, *pending};
    word_block_t b;
    unsigned char pad[NW_WB + 32];
    const __m512i a = _mm512_set1_epi8('A'), sa = _mm512_set1_epi8('a');
    const __m512i zero = _mm512_set1_epi8('0'), n26 = _mm512_set1_epi8(26);
    do {
        const unsigned char *p = block_bytes(&b, w, len, st.i, pad);
        __m512i x = _mm512_loadu_si512((const void *)p);
        __mmask64 up = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, a), n26);
        __mmask64 low = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, sa), n26);
        __mmask64 digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, zero), _mm512_set1_epi8(10));
        b.up = up;
        b.digit = digit;
        b.stops = ~(up | low | digit);
        _mm512_store_si512((void *)b.fold, _mm512_mask_add_epi8(x, up, x, _mm512_set1_epi8(0x20)));
    } while (walk_block(&b, &st, v, room, data, para));
    *at = st.i;
    *klen = st.kl;
    *pending = st.pend;
    return st.nt;
}

/* The build of short_words for the CPU, chosen once per text (the
 * tokeniser's loop enters it dozens of times an article). */
short_words_fn nw_ent_short_words_for_cpu(void)
{
    const unsigned avx2 = NW_CPU_AVX2 | NW_CPU_POPCNT | NW_CPU_BMI | NW_CPU_BMI2;
    if (nw_cpu_has(avx2 | NW_CPU_AVX512BW))
        return short_words_avx512;
    if (nw_cpu_has(avx2))
        return short_words_avx2;
    return short_words_sse2;
}
#else
/* No short-word walk: nw_ent_push_plains() reads each word with scan_plain(). */
short_words_fn nw_ent_short_words_for_cpu(void)
{
    return NULL;
}

#define NW_ONES  0x0101010101010101ULL
#define NW_HIGHS 0x8080808080808080ULL

/* The high bit of each byte of y (bytes below 0x80) that lies in lo..hi:
 * y + (0x80 - lo) reaches 0x80 exactly when the byte is lo or more, and
 * y + (0x7f - hi) when it is above hi; no byte carries into the next. */
static inline uint64_t bytes_in(uint64_t y, unsigned lo, unsigned hi)
{
    return (y + NW_ONES * (0x80 - lo)) & ~(y + NW_ONES * (0x7f - hi)) & NW_HIGHS;
}

/* The number of bytes whose high bit m sets. */
static inline unsigned bytes_set(uint64_t m)
{
    return (unsigned)(((m >> 7) * NW_ONES) >> 56);
}

static inline void store64(char *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, 8);
}

/* Reads the run of ASCII letters and digits at src (avail > 0 bytes)
 * eight bytes a step in a 64-bit word, stopping after NW_ENT_SHORT_WORD
 * bytes; writes its fold at fold (whole pieces: up to NW_ENT_SHORT_WORD
 * bytes) and hashes it as nw_ent_word_hash() does. A run of no bytes when
 * src does not start with a letter or digit. */
static inline plain_run_t scan_plain(const unsigned char *src, size_t avail, char *fold)
{
    size_t n = 0;
    unsigned caps = 0, digits = 0, first = 0;
    uint64_t small = 0, h = NW_ENT_HASH_SEED;
    for (;;) {
        size_t left = avail - n;
        uint64_t x = left >= 8 ? nw_ent_load64(src + n) : nw_ent_load_tail(src + n, left);
        uint64_t y = x & ~NW_HIGHS, ascii = ~x & NW_HIGHS;
        uint64_t up = bytes_in(y, 'A', 'Z') & ascii, lo = bytes_in(y, 'a', 'z') & ascii;
        uint64_t dg = bytes_in(y, '0', '9') & ascii;
        uint64_t stop = ~(up | lo | dg) & NW_HIGHS;
        /* The bytes before the first that stops the run. */
        uint64_t keep = stop ? (stop ^ (stop - 1)) >> 8 : ~0ULL;
        if (n == 0) {
            if (!keep)
                return (plain_run_t){0};
            first = (up & 0x80) ? NW_TOK_CAP : (lo & 0x80) ? NW_TOK_LOWER : 0;
        }
        up &= keep;
        uint64_t f = x | up >> 2; /* 'A'..'Z' | 0x20 is 'a'..'z' */
        store64(fold + n, f);
        if (keep)
            h = nw_ent_hash_piece(h, f & keep);
        unsigned nu = bytes_set(up);
        caps += nu < 2 ? nu : 2;
        small |= lo & keep;
        digits += bytes_set(dg & keep);
        if (stop) {
            n += (size_t)__builtin_ctzll(stop) >> 3;
            break;
        }
        n += 8;
        if (n >= NW_ENT_SHORT_WORD)
            break;
    }
    return run_end(n, digits, caps < 2 ? caps : 3, small != 0, first, h);
}
#endif

/* Gives the first of the tokens first..nt-1 (if any) the break before the
 * run of plain words and the flags of its opening. */
static inline void open_run(nw_ent_tok_t *v, size_t first, size_t nt, uint8_t brk, uint16_t flags)
{
    if (nt > first) {
        v[first].brk = brk;
        v[first].flags |= flags;
    }
}

/* Pushes the plain words from i on (what ascii_word() takes, or such a
 * word ended by a period that is not its own), each with the key, fold and
 * hash nw_ent_push() and push_ascii() would give it, read once: most of an
 * article's words come this way, one after another with a space (or the
 * punctuation push_short_words() takes) between them, and this goes on to
 * the next while the next is plain too. The first gets brk and flags, the
 * others what the bytes before them give. A word without capitals has one
 * string for its key and fold. Returns where it stopped (after the last
 * word and a space after it), i when the word at i is not plain, or
 * anything past i when out of memory (t->oom set); *pending: the break in
 * its low byte and NW_TOK_SENT in its second for the tokeniser's loop to
 * go on with (0 but after punctuation taken without the word after it). */
size_t nw_ent_push_plains(nw_ent_toks_t *t, const char *s, size_t len, size_t i, uint8_t brk,
                          uint16_t flags, unsigned *pending, short_words_fn short_words)
{
    unsigned pend = 0; /* for the next word: see punct_next */
    const unsigned char *w = (const unsigned char *)s;
    nw_buf_t *keys = &t->keys;
    uint32_t para = t->n_paras ? t->n_paras - 1 : 0;
    enum { MOST = 2 * NW_ENT_SHORT_WORD + 2 }; /* a word's key and fold, at most */
    size_t room = 0;                           /* words that fit before the next check */
    /* The token count and the keys' length live in locals while words are
     * pushed, and are written back on the way out: the keys are written
     * through a char pointer, which may alias anything, so the compiler
     * would read the fields again after every byte stored. */
    nw_ent_tok_t *v = t->v;
    char *data = keys->data;
    size_t nt = t->n, klen = keys->len;
    /* Every word is pushed as a later one (no break, no flags) and the
     * first is given brk and flags on the way out: the loop then carries
     * neither. */
    const size_t first = nt;
    (void)short_words; /* NULL without SSE2 */
    while (i < len) {
        if (room == 0) {
            t->n = nt;
            keys->len = klen;
            if (!toks_room(t) ||
                ((klen + MOST >= keys->cap || keys->oom) && !nw_buf_reserve(keys, MOST))) {
                t->oom = true;
                return i + 1;
            }
            v = t->v;
            data = keys->data;
            size_t fit = (keys->cap - klen - 1) / MOST;
            room = t->cap - nt < fit ? t->cap - nt : fit;
        }
#ifdef NW_ENT_SSE2
        {
            size_t done = short_words(v + nt, room, w, len, data, &i, &klen, para, &pend);
            nt += done;
            room -= done;
            if (room == 0 || i >= len)
                continue;
        }
#endif
        /* The fold first, written as the word is read; the key after it
         * only when the word has a capital, else the key is the fold
         * itself (an ASCII word's key is the word as written). */
        char *fold = data + klen;
        const unsigned char *src = w + i;
        plain_run_t run = scan_plain(src, len - i, fold);
        if (!run.n)
            break;
        size_t n = run.n, e = i + n;
        if (n == NW_ENT_SHORT_WORD && e < len && is_ascii_alnum(w[e])) {
            /* Longer than a short word: nw_ent_push() takes it the general way. */
            t->n = nt;
            keys->len = klen;
            data[klen] = '\0';
            open_run(v, first, nt, brk, flags);
            size_t end = ascii_word(s, len, i);
            *pending = pend;
            if (!end)
                return i;
            *pending = 0;
            nw_ent_push(t, s, i, end, (uint8_t)(nt == first ? brk : pend),
                        (uint16_t)(nt == first ? flags : pend >> 8));
            return end;
        }
        /* Most words end at a space: one test says so. */
        unsigned char stop = e < len ? w[e] : 0;
        if (stop != ' ' && (ascii_props[stop] & NW_A_JOIN)) {
            bool digit_group = (stop == ',' || stop == '.') && NW_A_DIGIT(w[e - 1]) &&
                               e + 1 < len && NW_A_DIGIT(w[e + 1]);
            /* A period ends a word of two or more letters and digits, as
             * scan_word() sees it, unless the word is an abbreviation. */
            bool takes_period =
                stop == '.' && (n < 2 || is_abbreviation((const char *)src, n, len - i));
            if (stop >= 0x80 || stop == '\'' || stop == '-' || digit_group || takes_period)
                break; /* nothing committed */
        }
        fold[n] = '\0';
        size_t fold_at = klen, key_at = fold_at, used = n + 1;
        if (run.caps) {
            char *key = fold + n + 1;
            /* In 8-byte pieces when the text has them: the reserve above
             * leaves room for the last piece's overshoot. */
            size_t whole = (n + 7) & ~(size_t)7;
            if (len - i >= whole)
                for (size_t j = 0; j < n; j += 8)
                    memcpy(key + j, src + j, 8);
            else
                memcpy(key, src, n);
            key[n] = '\0';
            key_at = fold_at + n + 1;
            used += n + 1;
        }
        uint16_t f = run.flags;
        if (!run.small && (run.caps & (run.caps - 1)))
            f |= NW_TOK_UPPER;
        v[nt++] = (nw_ent_tok_t){.off = (uint32_t)i,
                                 .len = (uint32_t)n,
                                 .key = (uint32_t)key_at,
                                 .key_len = (uint32_t)n,
                                 .fold = (uint32_t)fold_at,
                                 .fold_len = (uint32_t)n,
                                 .fold_hash = run.hash,
                                 .para = para,
                                 .flags = (uint16_t)(f | pend >> 8),
                                 .brk = (uint8_t)pend,
                                 .letters = (uint8_t)run.letters};
        pend = 0;
        klen += used;
        room--;
        /* The space after a word, as the tokeniser's loop would skip it. */
        if (stop != ' ') {
            i = e;
            break;
        }
        i = e + 1;
    }
    t->n = nt;
    keys->len = klen;
    if (data)
        data[klen] = '\0';
    open_run(v, first, nt, brk, flags);
    *pending = pend;
    return i;
}
