/* SHA-256, FNV-1a and simhash (see hash.h). */
#include "core/hash.h"
#include "core/scratch.h"
#include "core/simhash_count.h"
#include "core/simhash_words.h"
#include "core/utf8.h"

/* The one-shot SHA-256 functions, deprecated since OpenSSL 3.0 but kept
 * by it: see nw_sha256(). Where OpenSSL is built without them, the EVP
 * interface below does the same. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifndef OPENSSL_NO_DEPRECATED_3_0
/*
 * SHA-256 with its state on the stack: the same OpenSSL code (the
 * provider's digest is these functions, and they pick the SHA extensions
 * where the CPU has them), without EVP around it. EVP_DigestInit_ex2() on
 * a kept context still freed and allocated the provider's state each time
 * and cleansed it, about 1,000 instructions a digest (bench_parse --plain:
 * 1.7 digests a message, the content hash and the article id).
 */
typedef SHA256_CTX sha_stream_t;

static bool sha_begin(sha_stream_t *c)
{
    return SHA256_Init(c);
}

static bool sha_more(sha_stream_t *c, const void *data, size_t len)
{
    return SHA256_Update(c, data, len);
}

static bool sha_end(sha_stream_t *c, uint8_t out[32])
{
    return SHA256_Final(out, c);
}
#else
/* SHA-256 fetched from OpenSSL's provider once: EVP_sha256() makes every
 * EVP_Digest() look the implementation up again (a property query under
 * a lock, 13,000 instructions a call). Kept for the life of the process.
 * Each thread keeps a digest context too: EVP_Digest() allocated one and
 * the provider's state each call, about 100 ns of the 1.8 us that an
 * article's 3 KB of text takes (SHA-NI). */
static EVP_MD *sha256_md;
static pthread_key_t sha256_key;
static bool sha256_keyed;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static __thread EVP_MD_CTX *sha256_ctx; /* this thread's; freed at its exit */

static void sha256_ctx_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    sha256_keyed = pthread_key_create(&sha256_key, sha256_ctx_free) == 0;
}

/* This thread's context, made on first use; NULL when it cannot be. A
 * thread has one digest going at a time. */
static EVP_MD_CTX *sha256_thread_ctx(void)
{
    if (!sha256_ctx && sha256_keyed && (sha256_ctx = EVP_MD_CTX_new()) != NULL &&
        pthread_setspecific(sha256_key, sha256_ctx) != 0) {
        EVP_MD_CTX_free(sha256_ctx);
        sha256_ctx = NULL;
    }
    return sha256_ctx;
}

typedef struct sha_stream {
    EVP_MD_CTX *ctx;
} sha_stream_t;

/* These only fail on allocation failure inside OpenSSL; a zero hash then
 * is harmless for dedupe (the version time decides). */
static bool sha_begin(sha_stream_t *c)
{
    pthread_once(&sha256_once, sha256_fetch);
    const EVP_MD *md = sha256_md ? sha256_md : EVP_sha256();
    c->ctx = sha256_thread_ctx();
    return c->ctx && EVP_DigestInit_ex2(c->ctx, md, NULL);
}

static bool sha_more(sha_stream_t *c, const void *data, size_t len)
{
    return c->ctx && EVP_DigestUpdate(c->ctx, data, len);
}

static bool sha_end(sha_stream_t *c, uint8_t out[32])
{
    unsigned int n = 32;
    return c->ctx && EVP_DigestFinal_ex(c->ctx, out, &n);
}
#endif

void nw_sha256(const void *data, size_t len, uint8_t out[32])
{
    sha_stream_t c;
    if (!sha_begin(&c) || !sha_more(&c, data, len) || !sha_end(&c, out))
        memset(out, 0, 32);
}

uint64_t nw_fnv1a64_more(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= NW_FNV_PRIME;
    }
    return h;
}

uint64_t nw_fnv1a64(const void *data, size_t len)
{
    return nw_fnv1a64_more(NW_FNV_BASIS, data, len);
}

#ifdef __SSE2__
/* The 32 hex digits of 16 bytes: the high and low nibbles interleaved,
 * '0' added, and 'a' - '0' - 10 more where the nibble is above 9. A byte
 * a step took some 14 instructions, 450 a record's content hash. */
static inline void hex16(const uint8_t *bytes, char *out)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)bytes);
    __m128i lo_mask = _mm_set1_epi8(0x0F);
    __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), lo_mask);
    __m128i lo = _mm_and_si128(x, lo_mask);
    __m128i first = _mm_unpacklo_epi8(hi, lo), second = _mm_unpackhi_epi8(hi, lo);
    const __m128i nine = _mm_set1_epi8(9), zero = _mm_set1_epi8('0'),
                  letters = _mm_set1_epi8('a' - '0' - 10);
    first = _mm_add_epi8(_mm_add_epi8(first, zero),
                         _mm_and_si128(_mm_cmpgt_epi8(first, nine), letters));
    second = _mm_add_epi8(_mm_add_epi8(second, zero),
                          _mm_and_si128(_mm_cmpgt_epi8(second, nine), letters));
    _mm_storeu_si128((__m128i *)(void *)out, first);
    _mm_storeu_si128((__m128i *)(void *)(out + 16), second);
}
#endif

void nw_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 16 <= n; i += 16)
        hex16(bytes + i, out + 2 * i);
#endif
    for (; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* hex_value[c]: nw_hex_digit(c) by table; the comparisons' branches went
 * either way on random digits, a content hash per emitted record. */
#define NW_HEXV1(c)                                                                                \
    (signed char)(((c) >= '0' && (c) <= '9')   ? (c) - '0'                                         \
                  : ((c) >= 'a' && (c) <= 'f') ? (c) - 'a' + 10                                    \
                  : ((c) >= 'A' && (c) <= 'F') ? (c) - 'A' + 10                                    \
                                               : -1)
#define NW_HEXV4(c)  NW_HEXV1(c), NW_HEXV1((c) + 1), NW_HEXV1((c) + 2), NW_HEXV1((c) + 3)
#define NW_HEXV16(c) NW_HEXV4(c), NW_HEXV4((c) + 4), NW_HEXV4((c) + 8), NW_HEXV4((c) + 12)
#define NW_HEXV64(c) NW_HEXV16(c), NW_HEXV16((c) + 16), NW_HEXV16((c) + 32), NW_HEXV16((c) + 48)
static const signed char hex_value[256] = {NW_HEXV64(0), NW_HEXV64(64), NW_HEXV64(128),
                                           NW_HEXV64(192)};

int nw_unhex(const char *hex, size_t n2, uint8_t *out)
{
    if (n2 % 2)
        return -1;
    for (size_t i = 0; i < n2; i += 2) {
        int hi = hex_value[(unsigned char)hex[i]], lo = hex_value[(unsigned char)hex[i + 1]];
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/*
 * Simhash needs, for each of the 64 bit positions, how many features have
 * that bit set. Features are counted eight at a time, bit-sliced: a tree of
 * carry-save adders (as in Harley and Seal's population count) adds the
 * eight to running words of weight 1, 2 and 4 (bit b of `ones` is bit b's
 * count mod 2, and so on) and yields a word of carries of weight 8, about
 * 5 operations a feature. Only that carry word is spread out: each byte of
 * it goes bit i to byte i and is added to a lane of 8 byte-wide counters,
 * flushed to wide ones before they can overflow. So the count of bit b is
 * 8 * (its lane counts) + 4 * fours + 2 * twos + ones at bit b.
 */
typedef struct simhash_acc {
    uint64_t group[8]; /* mixed features not yet counted */
    uint32_t ngroup;
    uint64_t ones, twos, fours;
    uint64_t lanes[8]; /* lanes[k] byte j counts eights of bit 8k + j */
    uint32_t pending;  /* groups in lanes, at most 255 */
    uint32_t counts[64];
    uint32_t total;
} simhash_acc_t;

/* spread[b]: bit i of b moved to bit 8i, a table of constants so that a
 * word costs 8 loads and additions, not 8 rounds of shifts and masks. */
#define NW_SPREAD1(b)                                                                              \
    ((uint64_t)((b)&1) | (uint64_t)((b) >> 1 & 1) << 8 | (uint64_t)((b) >> 2 & 1) << 16 |          \
     (uint64_t)((b) >> 3 & 1) << 24 | (uint64_t)((b) >> 4 & 1) << 32 |                             \
     (uint64_t)((b) >> 5 & 1) << 40 | (uint64_t)((b) >> 6 & 1) << 48 |                             \
     (uint64_t)((b) >> 7 & 1) << 56)
#define NW_SPREAD4(b)  NW_SPREAD1(b), NW_SPREAD1((b) + 1), NW_SPREAD1((b) + 2), NW_SPREAD1((b) + 3)
#define NW_SPREAD16(b) NW_SPREAD4(b), NW_SPREAD4((b) + 4), NW_SPREAD4((b) + 8), NW_SPREAD4((b) + 12)
#define NW_SPREAD64(b)                                                                             \
    NW_SPREAD16(b), NW_SPREAD16((b) + 16), NW_SPREAD16((b) + 32), NW_SPREAD16((b) + 48)
static const uint64_t spread[256] = {NW_SPREAD64(0), NW_SPREAD64(64), NW_SPREAD64(128),
                                     NW_SPREAD64(192)};

static void flush_lanes(simhash_acc_t *a)
{
    for (int k = 0; k < 8; k++) {
        for (int j = 0; j < 8; j++)
            a->counts[8 * k + j] += 8 * (uint32_t)((a->lanes[k] >> (8 * j)) & 0xFF);
        a->lanes[k] = 0;
    }
    a->pending = 0;
}

/* Carry-save adder: a + b + c = 2 * *hi + *lo, bit by bit. */
static inline void csa(uint64_t *hi, uint64_t *lo, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t u = a ^ b;
    *hi = (a & b) | (u & c);
    *lo = u ^ c;
}

/* Adds a word of carries of weight 8 to the lanes. */
static void add_eights(simhash_acc_t *a, uint64_t eights)
{
    a->lanes[0] += spread[eights & 0xFF];
    a->lanes[1] += spread[(eights >> 8) & 0xFF];
    a->lanes[2] += spread[(eights >> 16) & 0xFF];
    a->lanes[3] += spread[(eights >> 24) & 0xFF];
    a->lanes[4] += spread[(eights >> 32) & 0xFF];
    a->lanes[5] += spread[(eights >> 40) & 0xFF];
    a->lanes[6] += spread[(eights >> 48) & 0xFF];
    a->lanes[7] += spread[eights >> 56];
    if (++a->pending == 255)
        flush_lanes(a);
}

/* Counts the eight features of a->group (unused ones zero). */
static void add_group(simhash_acc_t *a)
{
    const uint64_t *f = a->group;
    uint64_t twos_a, twos_b, fours_a, fours_b, eights;
    csa(&twos_a, &a->ones, a->ones, f[0], f[1]);
    csa(&twos_b, &a->ones, a->ones, f[2], f[3]);
    csa(&fours_a, &a->twos, a->twos, twos_a, twos_b);
    csa(&twos_a, &a->ones, a->ones, f[4], f[5]);
    csa(&twos_b, &a->ones, a->ones, f[6], f[7]);
    csa(&fours_b, &a->twos, a->twos, twos_a, twos_b);
    csa(&eights, &a->fours, a->fours, fours_a, fours_b);
    a->ngroup = 0;
    add_eights(a, eights);
}

/* Adds counts held as words of weight 1, 2 and 4 (another counter's ones,
 * twos and fours): a ripple of carry-save adders, the last carry of
 * weight 8 going to the lanes. */
static void add_weighted(simhash_acc_t *a, uint64_t ones, uint64_t twos, uint64_t fours)
{
    uint64_t carry2 = a->ones & ones, carry4, carry8;
    a->ones ^= ones;
    csa(&carry4, &a->twos, a->twos, twos, carry2);
    csa(&carry8, &a->fours, a->fours, fours, carry4);
    add_eights(a, carry8);
}

static inline void add_feature(simhash_acc_t *a, uint64_t f)
{
    a->group[a->ngroup++] = nw_simhash_mix(f);
    a->total++;
    if (a->ngroup == 8)
        add_group(a);
}

/* The fingerprint from the final counts: the last, partial group, then the
 * lanes and the words of weight 1, 2 and 4 in one pass over their bytes
 * (it took two passes of 64 shifts and adds): spread out by the table,
 * byte k of the three words gives bit 8k + j's count of 0..7 in byte j,
 * with no carry between bytes. Bit b is set when more features have it
 * set than not, count > total / 2 (rounded down). With SSE2 the eight
 * counts of a byte of the fingerprint are added and compared at once: a
 * loop per bit took some 900 instructions a message more (bench_parse
 * --plain). */
static uint64_t finish_bits(simhash_acc_t *a)
{
    uint64_t h = 0;
    if (a->ngroup) {
        memset(a->group + a->ngroup, 0, (8 - a->ngroup) * sizeof(a->group[0]));
        add_group(a);
    }
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    const __m128i half = _mm_set1_epi32((int)(a->total / 2));
#endif
    for (int k = 0; k < 8; k++) {
        uint64_t low = spread[(a->ones >> (8 * k)) & 0xFF] +
                       2 * spread[(a->twos >> (8 * k)) & 0xFF] +
                       4 * spread[(a->fours >> (8 * k)) & 0xFF];
#ifdef __SSE2__
        /* 8 * a lane's byte + low's byte fits 16 bits (at most 2,047). */
        __m128i lane =
            _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)&a->lanes[k]), zero);
        __m128i lo = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)&low), zero);
        __m128i add = _mm_add_epi16(_mm_slli_epi16(lane, 3), lo);
        __m128i c0 =
            _mm_add_epi32(_mm_loadu_si128((const __m128i *)(const void *)&a->counts[8 * k]),
                          _mm_unpacklo_epi16(add, zero));
        __m128i c1 =
            _mm_add_epi32(_mm_loadu_si128((const __m128i *)(const void *)&a->counts[8 * k + 4]),
                          _mm_unpackhi_epi16(add, zero));
        unsigned bits = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(c0, half))) |
                        (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(c1, half))) << 4;
        h |= (uint64_t)bits << (8 * k);
#else
        for (int j = 0; j < 8; j++) {
            uint32_t c = a->counts[8 * k + j] + 8 * (uint32_t)((a->lanes[k] >> (8 * j)) & 0xFF) +
                         (uint32_t)((low >> (8 * j)) & 0xFF);
            if (c > a->total / 2)
                h |= 1ULL << (8 * k + j);
        }
#endif
        a->lanes[k] = 0;
    }
    a->pending = 0;
    return h;
}

/* The last three words' hashes; from the third word on, each word adds
 * the shingle it ends. */
typedef struct shingles {
    uint64_t w[3];
    size_t nwords;
} shingles_t;

/* The shingle ending at w[2], made of w[0], w[1] and w[2]. */
static inline uint64_t shingle(const uint64_t *w)
{
    return w[0] * 31 * 31 + w[1] * 31 + w[2];
}

/* A simhash being computed: the counts (whole groups of 32 features in
 * vec where the CPU has AVX2) and the last words. */
typedef struct simhash_state {
    simhash_acc_t acc;
    nw_simhash_count_t vec;
    shingles_t sh;
} simhash_state_t;

/* Bytes hashed at a time: the block's word hashes fit a stack array. */
#define SIMHASH_BLOCK 2048

/*
 * The words of text[0, len) into st's shingles (see nw_simhash_words()).
 * The block's words follow the two before them in one array, so that the
 * shingle word k ends is ext[k, k + 3) and no window is shifted word by
 * word; once a group is open, whole groups of eight features are mixed
 * straight into it.
 */
static void hash_block(simhash_state_t *st, const unsigned char *text, size_t len,
                       nw_word_carry_t *carry, int last)
{
    uint64_t ext[2 + NW_SIMHASH_WORDS_MAX(SIMHASH_BLOCK)];
    shingles_t *sh = &st->sh;
    simhash_acc_t *acc = &st->acc;
    ext[0] = sh->w[1];
    ext[1] = sh->w[2];
    size_t n = nw_simhash_words(text, len, carry, last, ext + 2);
    if (n == 0)
        return;
    /* The text's first two words end no shingle. */
    size_t k = sh->nwords >= 2 ? 0 : 2 - sh->nwords;
    if (k < n)
        k += nw_simhash_count_add(&st->vec, ext + k, n - k);
    for (; k < n && acc->ngroup; k++)
        add_feature(acc, shingle(ext + k));
    for (; k + 8 <= n; k += 8) {
        for (size_t j = 0; j < 8; j++)
            acc->group[j] = nw_simhash_mix(shingle(ext + k + j));
        acc->total += 8;
        add_group(acc);
    }
    for (; k < n; k++)
        add_feature(acc, shingle(ext + k));
    sh->nwords += n;
    sh->w[0] = ext[n - 1];
    sh->w[1] = ext[n];
    sh->w[2] = ext[n + 1];
}

/* The words of text[0, len), a whole text or one part: its end ends a word. */
static void simhash_text(simhash_state_t *st, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    nw_word_carry_t carry = {NW_FNV_BASIS, 0};
    while (len) {
        size_t n = len < SIMHASH_BLOCK ? len : SIMHASH_BLOCK;
        hash_block(st, p, n, &carry, n == len);
        p += n;
        len -= n;
    }
}

static uint64_t simhash_finish(simhash_state_t *st)
{
    simhash_acc_t *acc = &st->acc;
    if (st->sh.nwords == 0)
        return 0;
    if (st->sh.nwords < 3) {
        for (size_t k = 3 - st->sh.nwords; k < 3; k++)
            add_feature(acc, st->sh.w[k]);
    }
    /* The AVX2 counter's lanes join the scalar counts before they end. */
    for (int l = 0; l < 4; l++)
        add_weighted(acc, st->vec.ones[l], st->vec.twos[l], st->vec.fours[l]);
    nw_simhash_count_finish(&st->vec, acc->counts, &acc->total);
    return finish_bits(acc);
}

uint64_t nw_simhash(const char *text, size_t len)
{
    simhash_state_t st;
    memset(&st, 0, sizeof(st));
    simhash_text(&st, text, len);
    return simhash_finish(&st);
}

/* Appends s[0, len) to buf (SIMHASH_BLOCK bytes, *used of them in use),
 * hashing the buffer as a block whenever it is full. */
static void parts_put(simhash_state_t *st, unsigned char *buf, size_t *used, nw_word_carry_t *carry,
                      const char *s, size_t len)
{
    while (len) {
        if (*used == SIMHASH_BLOCK) {
            hash_block(st, buf, *used, carry, 0);
            *used = 0;
        }
        size_t take = len < SIMHASH_BLOCK - *used ? len : SIMHASH_BLOCK - *used;
        memcpy(buf + *used, s, take);
        *used += take;
        s += take;
        len -= take;
    }
}

/* The words of part s[0, len), after a space: one at the start is only
 * skipped. */
static void parts_add(simhash_state_t *st, unsigned char *buf, size_t *used, nw_word_carry_t *carry,
                      const char *s, size_t len)
{
    parts_put(st, buf, used, carry, " ", 1);
    parts_put(st, buf, used, carry, s, len);
}

/*
 * The parts are copied, joined by spaces, into a block-sized buffer and
 * hashed a full block at a time: hashed one by one, a paragraph of a few
 * hundred bytes paid for setting its lanes up and for their uneven ends
 * about what the lanes saved. Words cut by a full buffer carry on.
 */
uint64_t nw_simhash_parts(size_t n, const char *(*part)(const void *ctx, size_t i), const void *ctx)
{
    simhash_state_t st;
    unsigned char buf[SIMHASH_BLOCK];
    size_t used = 0;
    nw_word_carry_t carry = {NW_FNV_BASIS, 0};
    memset(&st, 0, sizeof(st));
    for (size_t i = 0; i < n; i++) {
        const char *s = part(ctx, i);
        if (s)
            parts_add(&st, buf, &used, &carry, s, strlen(s));
    }
    hash_block(&st, buf, used, &carry, 1);
    return simhash_finish(&st);
}

uint64_t nw_simhash_spans(const nw_text_span_t *spans, size_t n)
{
    simhash_state_t st;
    unsigned char buf[SIMHASH_BLOCK];
    size_t used = 0;
    nw_word_carry_t carry = {NW_FNV_BASIS, 0};
    memset(&st, 0, sizeof(st));
    for (size_t i = 0; i < n; i++)
        if (spans[i].s)
            parts_add(&st, buf, &used, &carry, spans[i].s, spans[i].len);
    hash_block(&st, buf, used, &carry, 1);
    return simhash_finish(&st);
}

/* The collapsed text of the parts joined by spaces is the collapse of each
 * part, the non-empty ones joined by single spaces: a space between two
 * parts only ends a word, as one inside a part does. */
void nw_content_text_add(nw_buf_t *b, const char *s, size_t len, bool collapsed)
{
    size_t mark = b->len;
    if (!s || !len)
        return;
    if (mark)
        nw_buf_putc(b, ' ');
    if (collapsed)
        nw_buf_append(b, s, len);
    else
        nw_utf8_collapse(s, len, b);
    if (mark && b->len == mark + 1 && b->data) { /* all whitespace: no space */
        b->len = mark;
        b->data[mark] = '\0';
    }
}

#ifdef __SSE2__
/* Of 16 bytes: the bits of the bytes that are spaces, and whether any is
 * other whitespace (tab to carriage return) or not ASCII. */
static inline uint32_t ascii_spaces16(const unsigned char *p, bool *other)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i ws = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\t' - 1)),
                               _mm_cmplt_epi8(x, _mm_set1_epi8('\r' + 1)));
    *other |= _mm_movemask_epi8(_mm_or_si128(ws, x)) != 0; /* x: its high bits */
    return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
}
#endif

/*
 * Whether s is ASCII and its own nw_utf8_collapse(): no whitespace but
 * single spaces between words (core/utf8.c's whitespace: the space, tab to
 * carriage return, and wide spaces, which are not ASCII). False says
 * nothing: the part is collapsed to be sure. The headline and standfirst
 * come without the body writer's verdict, and collapsing them cost some
 * 230 instructions each where this test takes about 60 (bench_parse).
 */
static bool ascii_collapsed(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    bool other = false;
    if (len == 0 || p[0] == ' ' || p[len - 1] == ' ')
        return false;
#ifdef __SSE2__
    if (len >= 16) {
        uint32_t last = 0; /* the previous step's last byte was a space */
        for (; i + 16 <= len; i += 16) {
            uint32_t sp = ascii_spaces16(p + i, &other);
            if ((sp & (sp >> 1)) | (sp & last) | other)
                return false;
            last = sp >> 15;
        }
        /* The last 16 bytes, over some already tested: every pair of
         * neighbours in them is one of the text's. */
        if (i < len) {
            uint32_t sp = ascii_spaces16(p + len - 16, &other);
            return !(sp & (sp >> 1)) && !other;
        }
        return true;
    }
#endif
    for (; i < len; i++) {
        if (p[i] >= 0x80 || (p[i] >= '\t' && p[i] <= '\r') || (p[i] == ' ' && i && p[i - 1] == ' '))
            return false;
    }
    return true;
}

/*
 * The content hash's text and the simhash's words, streamed: the parts
 * are copied, joined by spaces, into a block on the stack, and each full
 * block goes to SHA-256 and to the simhash (in the blocks nw_simhash() of
 * the whole text would cut, so that the words and their order are the
 * same). The text was made whole in a scratch buffer before, then read
 * twice; the copy stays (hashing each part where it is took a digest
 * update and a simhash block a paragraph, more than the copy of a few
 * hundred bytes), the scratch buffer is only for the parts collapsed.
 * With ascii_collapsed(): 300 instructions a record fewer (bench_parse
 * --plain, 265,970 to 265,670 a message).
 */
typedef struct span_feed {
    sha_stream_t sha;
    bool ok;
    bool sim; /* the simhash reads the text (see nw_hash_spans()) */
    simhash_state_t st;
    nw_word_carry_t carry;
    size_t used;
    unsigned char block[SIMHASH_BLOCK];
} span_feed_t;

static void feed_flush(span_feed_t *f, int last)
{
    if (f->used)
        f->ok &= sha_more(&f->sha, f->block, f->used);
    if (f->sim && f->used) /* an empty text is no block (see simhash_text()) */
        hash_block(&f->st, f->block, f->used, &f->carry, last);
    f->used = 0;
}

/* Bytes of the text; a full block is hashed once more comes (the last one
 * ends the text, see feed_flush()). A joining space is put here, the byte
 * itself: through memcpy() it was a call of its own. */
static inline void feed(span_feed_t *f, bool space, const char *s, size_t len)
{
    if (space) {
        if (f->used == SIMHASH_BLOCK)
            feed_flush(f, 0);
        f->block[f->used++] = ' ';
    }
    while (len) {
        if (f->used == SIMHASH_BLOCK)
            feed_flush(f, 0);
        size_t take = len < SIMHASH_BLOCK - f->used ? len : SIMHASH_BLOCK - f->used;
        memcpy(f->block + f->used, s, take);
        f->used += take;
        s += take;
        len -= take;
    }
}

/*
 * The simhash reads the content hash's text when it holds the parts'
 * words: when collapse left each non-empty part as long as it was, it
 * changed at most single ASCII whitespace bytes into spaces, which end
 * words as they did. A part that collapse shortened may have held a wide
 * space (U+00A0 and its kin), a space to collapse and letters to the
 * simhash; those are hashed from the parts. A part not known collapsed is
 * collapsed in this thread's scratch buffer.
 */
void nw_hash_spans(const nw_text_span_t *spans, size_t n, uint8_t out[32], uint64_t *sim)
{
    span_feed_t f;
    nw_buf_t own = NW_BUF_INIT, *b = NULL;
    bool any = false;
    f.ok = sha_begin(&f.sha);
    f.sim = sim != NULL;
    f.used = 0;
    f.carry = (nw_word_carry_t){NW_FNV_BASIS, 0};
    if (f.sim)
        memset(&f.st, 0, sizeof(f.st));
    for (size_t i = 0; i < n; i++) {
        const char *s = spans[i].s;
        size_t len = spans[i].len;
        if (!s || !len)
            continue;
        if (!spans[i].collapsed && !ascii_collapsed(s, len)) {
            if (!b)
                b = nw_scratch_get(NW_SCRATCH_HASH, &own);
            b->len = 0;
            nw_utf8_collapse(s, len, b);
            f.ok &= nw_buf_ok(b);
            if (b->len != len)
                f.sim = false; /* the simhash takes the parts (see above) */
            s = b->data;
            len = b->len;
            if (!len) /* all whitespace: nothing, not even a space */
                continue;
        }
        feed(&f, any, s, len);
        any = true;
    }
    feed_flush(&f, 1);
    if (!f.ok || !sha_end(&f.sha, out))
        memset(out, 0, 32);
    if (sim)
        *sim = f.sim ? simhash_finish(&f.st) : nw_simhash_spans(spans, n);
    if (b)
        nw_scratch_put(b, &own);
}
