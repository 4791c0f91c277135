/*
 * The dates enricher's scan for the places a date may start at (see
 * dates.c): a number, a capitalised month or weekday name, or yesterday /
 * today / tomorrow. Most of a text is words that start no date, which the
 * scan passes over by their byte classes, 64 bytes at a time, without
 * making tokens of them; what it rules out, the rules would have taken as
 * token 0 and passed over with nothing added.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "core/cpu.h"
#include "enrichers/builtins.h"
#include "enrichers/dates_internal.h"
#include "enrichers/splat.h"

/* What a byte at a token's start says about the token (see
 * nw_dates_next_start()): the text's end, a byte of whitespace or punctuation, a
 * word no date starts at, a number, a capitalised word that may name a
 * month or weekday, a word beginning with t or y (told by its length). */
enum { DC_END, DC_SKIP, DC_WORD, DC_NUM, DC_CAP, DC_TY };
#define NW_DC1(c)                                                                                  \
    ((c) == 0                                     ? DC_END                                         \
     : (c) >= '0' && (c) <= '9'                   ? DC_NUM                                         \
     : ((c) | 0x20) == 't' || ((c) | 0x20) == 'y' ? DC_TY                                          \
     : (c) >= 'A' && (c) <= 'Z' ? ((MONTH_WEEKDAY_1 & LETTER_BIT(c)) ? DC_CAP : DC_WORD)           \
     : (c) >= 'a' && (c) <= 'z' ? DC_WORD                                                          \
                                : DC_SKIP)
#define NW_DC4(c)  NW_DC1(c), NW_DC1((c) + 1), NW_DC1((c) + 2), NW_DC1((c) + 3)
#define NW_DC16(c) NW_DC4(c), NW_DC4((c) + 4), NW_DC4((c) + 8), NW_DC4((c) + 12)
#define NW_DC64(c) NW_DC16(c), NW_DC16((c) + 16), NW_DC16((c) + 32), NW_DC16((c) + 48)
static const unsigned char date_class[256] = {NW_DC64(0), NW_DC64(64), NW_DC64(128), NW_DC64(192)};

/* Whether the word or number starting at q may start a date: see
 * nw_dates_next_start(). What is ruled out here scan_at() would pass over
 * anyway, token 0 taken and nothing added. letters is the number of ASCII
 * letters from q on when the caller knows it (the block's letter mask),
 * else 0: a word is then measured here. */
static inline bool date_may_start(const dates_t *cfg, const char *q, size_t letters)
{
    size_t n = 1;
    switch (date_class[(unsigned char)*q]) {
    case DC_NUM: /* an ISO date's year (glued to its '-') or a day 1..31 */
        while (is_digit(q[n]))
            n++;
        if (n == 4)
            return q[4] == '-';
        if (!(n == 1 ? *q != '0'
                     : n == 2 && (*q == '1' || *q == '2' || (*q == '3' && q[1] <= '1') ||
                                  (*q == '0' && q[1] != '0'))))
            return false;
        /* A day comes before its month: the next token, past the
         * number's letters and whitespace, is "of" or a capitalised word
         * (a mark or a lower-case word there ends the date). */
        while (is_alpha(q[n]))
            n++;
        if (!is_space(q[n]))
            return false;
        while (is_space(q[n]))
            n++;
        return (q[n] >= 'A' && q[n] <= 'Z') || q[n] == 'o';
    case DC_CAP:
        if (letters)
            n = letters;
        else
            while (is_alpha(q[n]))
                n++;
        return n < 16 && (cfg->name_lengths[*q - 'A'] >> n & 1);
    case DC_TY: /* yesterday, today, tomorrow, Tuesday, Thursday ("the", "to" ...) */
        if ((*q | 0x20) == 'y' ? (q[1] | 0x20) != 'e'
                               : (q[1] | 0x20) != 'o' &&
                                     !(*q == 'T' && ((q[1] | 0x20) == 'u' || (q[1] | 0x20) == 'h')))
            return false;
        if (letters)
            n = letters;
        else
            while (is_alpha(q[n]))
                n++;
        return n == 5 || n == 8 || n == 9 || (*q == 'T' && n == 7);
    default:
        return false;
    }
}

#ifdef __SSE2__
/* Byte classes of 16 bytes, by one signed compare each: c + 0x80 - lo is
 * below -128 + span exactly when lo <= c < lo + span. Bit i of *digit,
 * *letter and *maybe says whether byte i is a digit, a letter, and a digit,
 * capital or t or y in any case. */
static inline void classes16(__m128i x, unsigned *digit, unsigned *letter, unsigned *maybe)
{
    const __m128i below10 = _mm_set1_epi8(-128 + 10), below26 = _mm_set1_epi8(-128 + 26);
    __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i digit_v = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))), below10);
    __m128i upper_v = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 'A'))), below26);
    __m128i ty_v = _mm_or_si128(_mm_cmpeq_epi8(lower, _mm_set1_epi8('t')),
                                _mm_cmpeq_epi8(lower, _mm_set1_epi8('y')));
    *digit = (unsigned)_mm_movemask_epi8(digit_v);
    *letter = (unsigned)_mm_movemask_epi8(
        _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))), below26));
    *maybe = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(digit_v, upper_v), ty_v));
}

/* The first token start in the 64 bytes at p that a date may start at,
 * from their digit, letter and maybe masks (bit i for byte i, see
 * classes16()); NULL when none, with *prev_alnum and *prev_digit then
 * saying what the last byte was, for the next 64. */
static inline const char *starts_in(const dates_t *cfg, const char *p, uint64_t digit,
                                    uint64_t letter, uint64_t maybe, uint64_t *prev_alnum,
                                    uint64_t *prev_digit)
{
    uint64_t alnum = letter | digit;
    uint64_t starts =
        (letter & ~(alnum << 1 | *prev_alnum)) | (digit & ~(digit << 1 | *prev_digit));
    for (starts &= maybe; starts; starts &= starts - 1) {
        unsigned at = (unsigned)__builtin_ctzll(starts);
        /* The word's letters, from the mask, unless they run to the
         * block's end (and maybe on). */
        uint64_t rest = ~(letter >> at); /* 0: a block of 64 letters */
        unsigned letters = rest ? (unsigned)__builtin_ctzll(rest) : 64;
        if (date_may_start(cfg, p + at, at + letters < 64 ? letters : 0))
            return p + at;
    }
    *prev_alnum = alnum >> 63;
    *prev_digit = digit >> 63;
    return NULL;
}

/* Whether the byte before p (p > text) is a letter or digit, a digit. */
static inline uint64_t alnum_before(const char *text, const char *p)
{
    return p > text && (is_alpha(p[-1]) || is_digit(p[-1]));
}

static inline uint64_t digit_before(const char *text, const char *p)
{
    return p > text && is_digit(p[-1]);
}

/* nw_dates_next_start() 64 bytes at a time (four vectors of 16, whose masks make
 * one of 64 bits: the bookkeeping of a block, and the branch that leaves
 * its loop of starts, come once per 64 bytes): the token starts are letters
 * after a byte that is neither letter nor digit (letters right after
 * digits belong to the number) and digits after a non-digit, and of them
 * only digits, capitals and t or y in any case are looked at (a lower-case
 * word that begins otherwise, most of the words, starts no date). end is
 * the text's NUL; bytes past it read as NUL. */
static const char *next_start_sse2(const dates_t *cfg, const char *text, const char *p,
                                   const char *end)
{
    uint64_t prev_alnum = alnum_before(text, p), prev_digit = digit_before(text, p);
    for (; p < end; p += 64) {
        __m128i x[4];
        if (end - p >= 64) {
            for (int i = 0; i < 4; i++)
                x[i] = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        } else {
            char last[64] = {0};
            memcpy(last, p, (size_t)(end - p));
            for (int i = 0; i < 4; i++)
                x[i] = _mm_loadu_si128((const __m128i *)(const void *)(last + 16 * i));
        }
        uint64_t digit = 0, letter = 0, maybe = 0;
        for (int i = 0; i < 4; i++) {
            unsigned d, l, m;
            classes16(x[i], &d, &l, &m);
            digit |= (uint64_t)d << (16 * i);
            letter |= (uint64_t)l << (16 * i);
            maybe |= (uint64_t)m << (16 * i);
        }
        const char *q = starts_in(cfg, p, digit, letter, maybe, &prev_alnum, &prev_digit);
        if (q)
            return q;
    }
    return NULL;
}

#ifdef __x86_64__
#define NW_AVX2 __attribute__((target("avx2")))

/* Bits of the second letters (in any case) the names a date may start
 * with have: a c e h o p r u. */
#define SL_A 0x01
#define SL_C 0x02
#define SL_E 0x04
#define SL_H 0x08
#define SL_O 0x10
#define SL_P 0x20
#define SL_R 0x40
#define SL_U 0x80

/* The byte of row (0x60 or 0x70) of 16 lower-case bytes in a table of 16,
 * both lanes: b(i) for 0x60 + i or 0x70 + i. */
#define NW_ROW16(b)                                                                                \
    (char)b(0), (char)b(1), (char)b(2), (char)b(3), (char)b(4), (char)b(5), (char)b(6),            \
        (char)b(7), (char)b(8), (char)b(9), (char)b(10), (char)b(11), (char)b(12), (char)b(13),    \
        (char)b(14), (char)b(15)
/* The second letters that may follow a first letter, in any case: april
 * aug(ust), december, february friday, january june july, march may
 * monday, november, october, september saturday sunday, today tomorrow
 * tuesday thursday, wednesday, yesterday. */
#define FIRST6(i)                                                                                  \
    ((i) == 1    ? SL_P | SL_U                                                                     \
     : (i) == 4  ? SL_E                                                                            \
     : (i) == 6  ? SL_E | SL_R                                                                     \
     : (i) == 10 ? SL_A | SL_U                                                                     \
     : (i) == 13 ? SL_A | SL_O                                                                     \
     : (i) == 14 ? SL_O                                                                            \
     : (i) == 15 ? SL_C                                                                            \
                 : 0)
#define FIRST7(i)                                                                                  \
    ((i) == 3               ? SL_E | SL_A | SL_U                                                   \
     : (i) == 4             ? SL_O | SL_U | SL_H                                                   \
     : (i) == 7 || (i) == 9 ? SL_E                                                                 \
                            : 0)
#define SECOND6(i)                                                                                 \
    ((i) == 1 ? SL_A : (i) == 3 ? SL_C : (i) == 5 ? SL_E : (i) == 8 ? SL_H : (i) == 15 ? SL_O : 0)
#define SECOND7(i) ((i) == 0 ? SL_P : (i) == 2 ? SL_R : (i) == 5 ? SL_U : 0)

/* The table's byte for each lower-case byte of l (its row told by bit 4,
 * which the shift by 3 brings to bit 7 of its byte, as blendv reads it);
 * 0 for bytes from 0x80 on, and something for bytes outside the rows. */
static inline NW_AVX2 __m256i lookup32(__m256i l, __m256i row6, __m256i row7)
{
    return _mm256_blendv_epi8(_mm256_shuffle_epi8(row6, l), _mm256_shuffle_epi8(row7, l),
                              _mm256_slli_epi16(l, 3));
}

/* classes16() of the 32 bytes x, whose next two bytes are next and next2
 * (x shifted by one and two bytes), where the maybe mask also rules out by
 * their first two letters the words that name no month, weekday or
 * yesterday / today / tomorrow: a capital none of them begins with
 * ("China", "Police": a third of the capitalised words), a first letter
 * before a second that none of its names has ("As", "Minister", "New",
 * "you"), "Th" before anything but u ("The", "This": a fifth of all the
 * starts looked at before), and a lower-case t not followed by o ("the",
 * "that": an eighth of all words). On the first 2,000 articles of
 * bench/gen_corpus.py this leaves 84k of the 226k starts date_may_start()
 * was asked of, and 14k of the 26k it took, for the rules to try: the scan
 * costs 0.4k instructions a message more (11.5k), the rules 1.1k less; the
 * enricher with its lexing 16.3k before, 15.7k after. Further tests (the
 * lengths of "to" and "We" by the letter mask, a "ye" before no s) cost
 * the scan more than the starts they ruled out had. date_may_start() tells
 * the rest, as it did. */
static inline NW_AVX2 void classes32(__m256i x, __m256i next, __m256i next2, uint32_t *digit,
                                     uint32_t *letter, uint32_t *maybe)
{
    const __m256i below10 = NW_SPLAT32(-128 + 10), below26 = NW_SPLAT32(-128 + 26);
    const __m256i first6 = _mm256_setr_epi8(NW_ROW16(FIRST6), NW_ROW16(FIRST6));
    const __m256i first7 = _mm256_setr_epi8(NW_ROW16(FIRST7), NW_ROW16(FIRST7));
    const __m256i second6 = _mm256_setr_epi8(NW_ROW16(SECOND6), NW_ROW16(SECOND6));
    const __m256i second7 = _mm256_setr_epi8(NW_ROW16(SECOND7), NW_ROW16(SECOND7));
    __m256i lower = _mm256_or_si256(x, NW_SPLAT32(0x20));
    __m256i lower_next = _mm256_or_si256(next, NW_SPLAT32(0x20));
    __m256i digit_v =
        _mm256_cmpgt_epi8(below10, _mm256_add_epi8(x, NW_SPLAT32((char)(0x80 - '0'))));
    __m256i upper_v =
        _mm256_cmpgt_epi8(below26, _mm256_add_epi8(x, NW_SPLAT32((char)(0x80 - 'A'))));
    __m256i ty_v = _mm256_or_si256(_mm256_cmpeq_epi8(lower, NW_SPLAT32('t')),
                                   _mm256_cmpeq_epi8(lower, NW_SPLAT32('y')));
    *digit = (uint32_t)_mm256_movemask_epi8(digit_v);
    *letter = (uint32_t)_mm256_movemask_epi8(
        _mm256_cmpgt_epi8(below26, _mm256_add_epi8(lower, NW_SPLAT32((char)(0x80 - 'a')))));
    /* What rules a capital or t / y out: no second letter that fits its
     * first, a lower-case t not before o, "Th" not before u. */
    __m256i pair =
        _mm256_and_si256(lookup32(lower, first6, first7), lookup32(lower_next, second6, second7));
    __m256i no_pair = _mm256_cmpeq_epi8(pair, _mm256_setzero_si256());
    __m256i t_v = _mm256_andnot_si256(_mm256_cmpeq_epi8(lower_next, NW_SPLAT32('o')),
                                      _mm256_cmpeq_epi8(x, NW_SPLAT32('t')));
    __m256i th_v = _mm256_andnot_si256(
        _mm256_cmpeq_epi8(_mm256_or_si256(next2, NW_SPLAT32(0x20)), NW_SPLAT32('u')),
        _mm256_and_si256(_mm256_cmpeq_epi8(x, NW_SPLAT32('T')),
                         _mm256_cmpeq_epi8(lower_next, NW_SPLAT32('h'))));
    __m256i out = _mm256_or_si256(no_pair, _mm256_or_si256(t_v, th_v));
    *maybe = (uint32_t)_mm256_movemask_epi8(
        _mm256_or_si256(digit_v, _mm256_andnot_si256(out, _mm256_or_si256(upper_v, ty_v))));
}

/* next_start_sse2() in two vectors of 32 a block, where the CPU has AVX2:
 * half the vector operations, and two masks to join instead of four. */
static NW_AVX2 const char *next_start_avx2(const dates_t *cfg, const char *text, const char *p,
                                           const char *end)
{
    uint64_t prev_alnum = alnum_before(text, p), prev_digit = digit_before(text, p);
    for (; p < end; p += 64) {
        /* The 64 bytes and the 64 after their first and their second:
         * p[65] is there, the text's NUL at the latest. */
        const char *at = p;
        char last[72];
        if (end - p < 65) { /* the tail, NUL-padded */
            memset(last, 0, sizeof(last));
            memcpy(last, p, (size_t)(end - p));
            at = last;
        }
        __m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)at);
        __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(at + 32));
        __m256i n0 = _mm256_loadu_si256((const __m256i *)(const void *)(at + 1));
        __m256i n1 = _mm256_loadu_si256((const __m256i *)(const void *)(at + 33));
        __m256i s0 = _mm256_loadu_si256((const __m256i *)(const void *)(at + 2));
        __m256i s1 = _mm256_loadu_si256((const __m256i *)(const void *)(at + 34));
        uint32_t d0, l0, m0, d1, l1, m1;
        classes32(x0, n0, s0, &d0, &l0, &m0);
        classes32(x1, n1, s1, &d1, &l1, &m1);
        const char *q = starts_in(cfg, p, d0 | (uint64_t)d1 << 32, l0 | (uint64_t)l1 << 32,
                                  m0 | (uint64_t)m1 << 32, &prev_alnum, &prev_digit);
        if (q)
            return q;
    }
    return NULL;
}
#endif
#endif

/* The start of the next token from p on (p is where a token or whitespace
 * starts; end is the text's NUL) that a date may start at: a number (an ISO
 * date or a day first), a capitalised month or weekday name, or yesterday /
 * today / tomorrow in any case; NULL at the text's end. Other words are
 * passed over whole, punctuation byte by byte (a multi-byte mark's bytes
 * start nothing either). The words that begin with t or y ("the", "to",
 * "The") are told by their length: yesterday (9), today (5), tomorrow (8),
 * and Tuesday (7) and Thursday (8) with a capital. */
const char *nw_dates_next_start(const dates_t *cfg, const char *text, const char *p,
                                const char *end)
{
#ifdef __SSE2__
#ifdef __x86_64__
    if (nw_cpu_has(NW_CPU_AVX2))
        return next_start_avx2(cfg, text, p, end);
#endif
    return next_start_sse2(cfg, text, p, end);
#else
    (void)text;
    (void)end;
    for (;;) {
        switch (date_class[(unsigned char)*p]) {
        case DC_END:
            return NULL;
        case DC_SKIP:
            p++;
            break;
        case DC_WORD:
            p++;
            while (is_alpha(*p))
                p++;
            break;
        default: /* DC_NUM, DC_CAP, DC_TY */
            if (date_may_start(cfg, p, 0))
                return p;
            while (is_digit(*p)) /* a number or word ruled out, whole */
                p++;
            while (is_alpha(*p))
                p++;
            break;
        }
    }
#endif
}
