/* UTF-8 decoding, repair and whitespace normalisation (see utf8.h). */
#include "core/utf8.h"

#include "core/cpu.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The ASCII whitespace nw_utf8_space() accepts: space and \t \n \v \f \r
 * (9..13). The scanners below test ASCII bytes inline and call the full
 * check only for bytes >= 0x80, since most text is ASCII. */
static inline bool ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* True when none of the 8 bytes is NUL or >= 0x80. */
static inline bool all_ascii_nonzero8(uint64_t x)
{
    return ((x | ((x - NW_UTF8_ONES) & ~x)) & NW_UTF8_HIGHS) == 0;
}

size_t nw_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

size_t nw_utf8_put(char *dst, uint32_t cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void nw_utf8_encode(nw_buf_t *out, uint32_t cp)
{
    char b[4];
    nw_buf_append(out, b, nw_utf8_put(b, nw_utf8_scalar(cp)));
}

size_t nw_utf8_sanitize(const char *s, size_t len, nw_buf_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t replaced = 0, i = 0, run = 0;
    while (i < len) {
        uint32_t cp;
        if (i + 8 <= len && nw_utf8_printable8(nw_utf8_load8(p + i))) {
            i += 8;
            continue;
        }
        if (p[i] >= 0x20 && p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = nw_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            nw_buf_append(out, s + run, i - run);
            nw_utf8_encode(out, 0xFFFD);
            replaced++;
            run = ++i;
            continue;
        }
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
            nw_buf_append(out, s + run, i - run);
            run = ++i;
            continue;
        }
        i += n;
    }
    nw_buf_append(out, s + run, i - run);
    return replaced;
}

#ifdef __SSE2__
/* Bit k set when byte k of the 16 at p is printable ASCII or DEL: as signed
 * bytes, 0x20..0x7F are the ones above 0x1F. */
static inline unsigned printable16(const unsigned char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    return (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)));
}
#endif

size_t nw_utf8_printable_run(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
#ifdef __SSE2__
    /* 16 bytes a step; the run's end is the first clear bit. */
    for (; i + 16 <= len; i += 16) {
        unsigned m = ~printable16(p + i) & 0xFFFF;
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i + 8 <= len && nw_utf8_printable8(nw_utf8_load8(p + i)))
        i += 8;
    while (i < len && p[i] >= 0x20 && p[i] < 0x80)
        i++;
    return i;
}

/* easy_len[c]: the length of the character lead byte c starts, for the
 * characters the scanners take without decoding: printable ASCII but DEL,
 * and the two- and three-byte sequences whose lead byte admits no invalid
 * or overlong form once its continuation bytes are there and starts no
 * wide space (0xC3..0xDF; 0xE1, 0xE4..0xEC, 0xEE); 0 for the others. */
#define NW_ML1(c)                                                                                  \
    (unsigned char)(((c) >= 0x20 && (c) < 0x7F)                                  ? 1               \
                    : ((c) >= 0xC3 && (c) <= 0xDF)                               ? 2               \
                    : (c) == 0xE1 || ((c) >= 0xE4 && (c) <= 0xEC) || (c) == 0xEE ? 3               \
                                                                                 : 0)
#define NW_ML4(c)  NW_ML1(c), NW_ML1((c) + 1), NW_ML1((c) + 2), NW_ML1((c) + 3)
#define NW_ML16(c) NW_ML4(c), NW_ML4((c) + 4), NW_ML4((c) + 8), NW_ML4((c) + 12)
#define NW_ML64(c) NW_ML16(c), NW_ML16((c) + 16), NW_ML16((c) + 32), NW_ML16((c) + 48)
static const unsigned char easy_len[256] = {NW_ML64(0), NW_ML64(64), NW_ML64(128), NW_ML64(192)};

/* The length of the character at p (len bytes left) when easy_len[] takes
 * it and its continuation bytes are there, else 0. Letters of other
 * scripts fail every 8-byte test; this keeps them off the decoder. */
static inline size_t easy_char_len(const unsigned char *p, size_t len)
{
    size_t k = easy_len[p[0]];
    if (k == 0 || k > len || (k > 1 && (p[1] & 0xC0) != 0x80) || (k > 2 && (p[2] & 0xC0) != 0x80))
        return 0;
    return k;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NW_UTF8_AVX2 1
#include "core/avx512.h"

/* The AVX-512 instances: the clean check's with AVX-512 BW (and BMI,
 * BMI2, popcnt), collapse's with VBMI2's vpcompressb too; each asks the
 * CPU for every feature it is compiled for. */
#define NW_AVX512          __attribute__((target("avx2,bmi,bmi2,popcnt,avx512f,avx512bw,avx512vbmi2")))
#define NW_HAS_AVX512BW    (NW_CPU_AVX2 | NW_CPU_POPCNT | NW_CPU_BMI | NW_CPU_BMI2 | NW_CPU_AVX512BW)
#define NW_HAS_AVX512VBMI2 (NW_HAS_AVX512BW | NW_CPU_AVX512VBMI2)
/* AVX-512 BW asked first, alone: where the CPU lacks it (and under
 * valgrind, which has none) the test ends there, a few instructions a
 * call instead of the whole list's dozen. */
#define NW_ASK_AVX512(features) (nw_cpu_has(NW_CPU_AVX512BW) && nw_cpu_has(features))

/* How many of p[0, len) from the start are printable ASCII, tab, LF or CR,
 * counted 32 bytes at a time (the last len % 32 are left to the caller):
 * nw_utf8_is_clean()'s test in an AVX2 instruction or two a byte class,
 * where SSE2 takes twice the steps for half the bytes and copies every
 * vector it compares. Only where the CPU has AVX2. */
static __attribute__((target("avx2"))) size_t clean_run_avx2(const unsigned char *p, size_t len)
{
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i ok = _mm256_or_si256(
            _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x1F)),
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n')),
                            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\t')),
                                            _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\r')))));
        uint32_t m = ~(uint32_t)_mm256_movemask_epi8(ok);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return i;
}

/* clean_run_avx2()'s test on 64 bytes a step, the last 1 to 63 in one
 * masked step, and through the characters beyond ASCII whose lead byte
 * admits no invalid form once its continuation bytes are there: two bytes
 * from C2 .. DF, three from E1 .. EC, EE and EF (ED starts surrogates, E0
 * overlong forms: those, four-byte ones and every byte that is not UTF-8
 * stop the run, for the caller's byte-wise steps). How many bytes from the
 * start are such; the run never ends inside a character. The AVX2 steps
 * stopped at each letter beyond ASCII (a quotation mark, most often) and
 * took the rest of a text under 32 bytes in the 16- and 8-byte steps. */
static NW_AVX512BW size_t clean_run_avx512(const unsigned char *p, size_t len)
{
#define NW_B(c) _mm512_set1_epi8((char)(c))
    size_t i = 0;
    uint64_t carry = 0; /* continuation bytes of the last block's characters */
    while (i < len) {
        size_t rest = len - i, n = rest < 64 ? rest : 64;
        uint64_t valid = nw_low_bits(n);
        __m512i x = nw_load_step(p + i, n);
        uint64_t ok = _mm512_cmpgt_epi8_mask(x, NW_B(0x1F)) |
                      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, NW_B('\t')), NW_B(2)) |
                      _mm512_cmpeq_epi8_mask(x, NW_B('\r')) | carry;
        carry = 0;
        if (_mm512_movepi8_mask(x) & valid) {
            __m512i x1 = nw_load_ahead(p + i, rest, 1);
            __m512i x2 = nw_load_ahead(p + i, rest, 2);
            uint64_t c1 = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x1, NW_B(0x80)), NW_B(0x40));
            uint64_t c2 = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x2, NW_B(0x80)), NW_B(0x40));
            uint64_t two =
                _mm512_mask_cmplt_epu8_mask(c1, _mm512_sub_epi8(x, NW_B(0xC2)), NW_B(0x1E));
            uint64_t three =
                _mm512_mask_cmplt_epu8_mask(c1 & c2, _mm512_sub_epi8(x, NW_B(0xE1)), NW_B(0x0F)) &
                ~_mm512_cmpeq_epi8_mask(x, NW_B(0xED));
            ok |= two | three | (two | three) << 1 | three << 2;
            carry = (two | three) >> 63 | three >> 62;
        }
        uint64_t bad = ~ok & valid;
        if (bad)
            return i + (size_t)__builtin_ctzll(bad);
        i += n;
    }
    return i;
#undef NW_B
}
#else
#define NW_UTF8_AVX2 0
#endif

#ifdef __SSE2__
/* All ones in each byte of p[0, 16) that is printable ASCII, tab, LF or
 * CR. */
static inline __m128i clean16(const unsigned char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    return _mm_or_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)),
                        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
                                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')))));
}
#endif

bool nw_utf8_is_clean(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
#if NW_UTF8_AVX2
    const bool avx512 = NW_ASK_AVX512(NW_HAS_AVX512BW);
#endif
    while (i < len) {
#ifdef __SSE2__
#if NW_UTF8_AVX2
        if (avx512) {
            i += clean_run_avx512(p + i, len - i);
            if (i == len)
                break;
        } else if (len - i >= 32 && nw_cpu_has(NW_CPU_AVX2)) {
            i += clean_run_avx2(p + i, len - i);
        }
#endif
        /* 16 bytes of printable ASCII, tab, LF and CR at once: wrapped text
         * has a line end every few dozen bytes, which would stop the
         * printable run. Stops at the first other byte. */
        while (i + 16 <= len) {
            unsigned m = ~(unsigned)_mm_movemask_epi8(clean16(p + i)) & 0xFFFF;
            if (m) {
                i += (size_t)__builtin_ctz(m);
                break;
            }
            i += 16;
        }
#endif
        i += nw_utf8_printable_run(s + i, len - i);
        if (i == len)
            break;
        if (p[i] < 0x80) { /* below 0x20: the run stopped there */
            if (p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
                return false;
            i++;
            continue;
        }
        size_t k = easy_char_len(p + i, len - i);
        if (k) {
            /* A run of them beyond ASCII; printable ASCII is left to the
             * 8-byte steps of the run above. */
            do
                i += k;
            while (i < len && p[i] >= 0x80 && (k = easy_char_len(p + i, len - i)) > 0);
            continue;
        }
        uint32_t cp;
        size_t n = nw_utf8_decode(p + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

bool nw_utf8_looks_binary(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t invalid = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        if (i + 8 <= len && all_ascii_nonzero8(nw_utf8_load8(p + i))) {
            i += 8;
            continue;
        }
        if (p[i] < 0x80) {
            if (p[i] == 0)
                return true;
            i++;
            continue;
        }
        size_t n = nw_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            invalid++;
            i++;
        } else {
            i += n;
        }
    }
    return invalid * 10 > len;
}

/* The length of the nw_utf8_wide_space() character at p[0..len) (p[0] >= 0x80),
 * or 0, read from its bytes: U+00A0 is C2 A0, U+2000..U+200B E2 80 80..8B,
 * U+202F E2 80 AF, U+205F E2 81 9F, U+3000 E3 80 80, U+FEFF EF BB BF. Most
 * non-ASCII bytes start none of them and are turned away by the first byte
 * without decoding. */
static inline size_t wide_space_len(const unsigned char *p, size_t len)
{
    switch (p[0]) {
    case 0xC2:
        return len >= 2 && p[1] == 0xA0 ? 2 : 0;
    case 0xE2:
        if (len < 3)
            return 0;
        if (p[1] == 0x80)
            return (p[2] >= 0x80 && p[2] <= 0x8B) || p[2] == 0xAF ? 3 : 0;
        return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
    case 0xE3:
        return len >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    case 0xEF:
        return len >= 3 && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
    default:
        return 0;
    }
}

size_t nw_utf8_space(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0)
        return 0;
    if (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n' || p[0] == '\f' || p[0] == '\v')
        return 1;
    if (p[0] < 0x80)
        return 0;
    return wide_space_len(p, len);
}

/* collapse_class[c]: how nw_utf8_collapse() treats byte c inside a word.
 * NW_CC_WORD bytes are copied as they are: they neither are whitespace nor
 * start a wide space (that is, all but ASCII whitespace and the lead bytes
 * 0xC2, 0xE2, 0xE3 and 0xEF that wide_space_len() reads further). */
enum { NW_CC_WORD = 0, NW_CC_SPACE = 1, NW_CC_OTHER = 2 };
#define NW_CC1(c)                                                                                  \
    (unsigned char)((c) == ' ' ? NW_CC_SPACE                                                       \
                    : ((c) >= '\t' && (c) <= '\r') || (c) == 0xC2 || (c) == 0xE2 || (c) == 0xE3 || \
                            (c) == 0xEF                                                            \
                        ? NW_CC_OTHER                                                              \
                        : NW_CC_WORD)
#define NW_CC4(c)  NW_CC1(c), NW_CC1((c) + 1), NW_CC1((c) + 2), NW_CC1((c) + 3)
#define NW_CC16(c) NW_CC4(c), NW_CC4((c) + 4), NW_CC4((c) + 8), NW_CC4((c) + 12)
#define NW_CC64(c) NW_CC16(c), NW_CC16((c) + 16), NW_CC16((c) + 32), NW_CC16((c) + 48)
static const unsigned char collapse_class[256] = {NW_CC64(0), NW_CC64(64), NW_CC64(128),
                                                  NW_CC64(192)};

#if NW_UTF8_AVX2
/* How many bytes of p[0, len) from the start, in steps of 32, come out of
 * collapse() as they are, copied to d: each step's bytes are printable
 * ASCII and any space among them is followed by printable ASCII other than
 * a space, the byte after the 32 included (so a step needs 33 bytes). The
 * same test as collapse()'s 16-byte steps on two of them at once, in half
 * the instructions; where a step fails, those take over at its start.
 * Inlined into collapse()'s AVX2 instance only (not forced: GCC will not
 * inline an AVX2 function into the portable one it would be called from). */
static inline __attribute__((target("avx2"))) size_t word_run32(const unsigned char *p, size_t len,
                                                                char *d)
{
    size_t i = 0;
    for (; i + 33 <= len; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 1));
        uint32_t pr = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x1F)));
        uint32_t sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(' ')));
        uint32_t word_next =
            (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(y, _mm256_set1_epi8(0x20)));
        if (~pr | (sp & ~word_next))
            break;
        _mm256_storeu_si256((__m256i *)(void *)(d + i), x);
    }
    return i;
}
#endif

/* nw_utf8_collapse(), or with `line` nw_utf8_collapse_line(): the same
 * loop, which in a line stops at the whitespace run holding its LF (every
 * fast step below stops at a LF, as at any byte below 0x20). Returns where
 * it stopped. `avx2`: a constant in each caller, true only in a function
 * compiled for AVX2, which then takes words 32 bytes a step first. */
static inline __attribute__((always_inline)) size_t collapse(const char *s, size_t len,
                                                             nw_buf_t *out, bool line, bool avx2)
{
    /* The result is never longer than the input (a single space stands for
     * a run of at least one whitespace byte), so it is written in place
     * after one reservation. */
    if (!nw_buf_reserve(out, len))
        return len;
    const unsigned char *p = (const unsigned char *)s;
    char *d = out->data + out->len;
    size_t i = 0;
    bool any = false;
    while (i < len) {
        /* Skip a whitespace run. */
        while (i < len) {
            if (line && p[i] == '\n')
                goto done;
            size_t n = p[i] < 0x80 ? (size_t)ascii_space(p[i]) : wide_space_len(p + i, len - i);
            if (!n)
                break;
            i += n;
        }
        if (i >= len)
            break;
        if (any)
            *d++ = ' ';
        any = true;
        /* Copy the following run of non-space characters. */
        while (i < len) {
            /* Inside a word, 8 printable ASCII bytes with no two spaces in a
             * row come out as they are, if the last is no space or the byte
             * after them is printable ASCII and no space (a word follows:
             * the space is neither doubled nor trailing). */
#if NW_UTF8_AVX2
            if (avx2) {
                size_t n = word_run32(p + i, len - i, d);
                d += n;
                i += n;
            }
#else
            (void)avx2;
#endif
#ifdef __SSE2__
            /* The same test on 16 bytes at once (see the 8-byte one below),
             * stepped in a loop of its own while the steps pass: back at
             * the top of the word's loop after each, a step re-tested
             * the ends of the text and took half as many instructions
             * again. */
            if (i + 16 <= len) {
                const size_t stop = len - 16; /* below it, a 17th byte follows */
                __m128i x;
                unsigned pr, sp, bad;
                for (;;) {
                    x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                    pr = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)));
                    sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
                    /* Bit k of `bad`: byte k is not printable, or is a space
                     * not followed by printable ASCII other than a space
                     * (read from the same bytes one further on, so that the
                     * test of the 16th byte's successor is no branch of its
                     * own). */
                    if (i < stop) {
                        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
                        unsigned word_next =
                            (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(y, _mm_set1_epi8(0x20)));
                        bad = (~pr | (sp & ~word_next)) & 0xFFFF;
                    } else {
                        unsigned word_next = ((pr & ~sp) >> 1) & 0x7FFF;
                        bad = (~pr & 0xFFFF) | (sp & ~word_next);
                    }
                    if (bad)
                        break;
                    _mm_storeu_si128((__m128i *)(void *)d, x);
                    d += 16;
                    i += 16;
                    if (i > stop)
                        break;
                }
                if (!bad)
                    continue;
                /* The line ends in these 16 bytes and all before its LF
                 * pass the test: they are copied at once, less a space
                 * right before the LF (the start of the whitespace run
                 * that holds the LF, where a line stops), instead of one
                 * by one up to the LF. */
                unsigned q = (unsigned)__builtin_ctz((~pr & 0xFFFF) | (sp & (sp >> 1)) | 0x10000);
                if (line && q < 16 && p[i + q] == '\n') {
                    _mm_storeu_si128((__m128i *)(void *)d, x);
                    d += q - (q && (sp >> (q - 1) & 1));
                    i += q;
                    goto done;
                }
                /* The bytes before the first bad one come out as they are
                 * (a space among them is followed by a word's byte); the
                 * steps below start at that one, which took them byte by
                 * byte before. */
                unsigned k = (unsigned)__builtin_ctz(bad);
                _mm_storeu_si128((__m128i *)(void *)d, x);
                d += k;
                i += k;
            }
#endif
            if (i + 8 <= len) {
                uint64_t x = nw_utf8_load8(p + i);
                uint64_t sp = nw_utf8_space_bytes8(x);
                /* 0x80 in the bytes outside 0x20..0x7F; a borrow can flag
                 * bytes after the first such one, never before it. */
                uint64_t odd = (x | ((x - 0x20 * NW_UTF8_ONES) & ~x)) & NW_UTF8_HIGHS;
                if (!odd && !(sp & (sp << 8)) &&
                    (!(sp >> 63) || (i + 8 < len && p[i + 8] > 0x20 && p[i + 8] < 0x80))) {
                    memcpy(d, p + i, 8);
                    d += 8;
                    i += 8;
                    continue;
                }
                /* Not all printable ASCII (a letter beyond ASCII, most
                 * often): byte by byte through the word bytes and single
                 * spaces between words, for at least these 8 bytes, since
                 * text in other scripts would fail every 8-byte test. */
                size_t until = i + 8;
                while (i < until) {
                    unsigned char t = collapse_class[p[i]];
                    if (t == NW_CC_WORD) {
                        *d++ = (char)p[i++];
                    } else if (t == NW_CC_SPACE && i + 1 < len &&
                               collapse_class[p[i + 1]] == NW_CC_WORD) {
                        *d++ = ' ';
                        *d++ = (char)p[i + 1];
                        i += 2;
                    } else {
                        break;
                    }
                }
                if (i >= until)
                    continue;
            }
            unsigned char c = p[i];
            if (c < 0x80) {
                if (ascii_space(c))
                    break;
                *d++ = (char)c;
                i++;
                continue;
            }
            if (wide_space_len(p + i, len - i) > 0)
                break;
            /* A byte >= 0x80 that starts no whitespace character, and its
             * continuation bytes, which never start one either. */
            *d++ = (char)c;
            i++;
            while (i < len && (p[i] & 0xC0) == 0x80)
                *d++ = (char)p[i++];
        }
    }
done:
    out->len = (size_t)(d - out->data);
    out->data[out->len] = '\0';
    return i;
}

/* The AVX2 instances of collapse(), for a text long enough for a 32-byte
 * step. Apart from the portable ones, which stay in the public functions:
 * with both in one function, each call saved and restored the registers of
 * the larger. */
#if NW_UTF8_AVX2
static __attribute__((target("avx2"), noinline)) void collapse_avx2(const char *s, size_t len,
                                                                    nw_buf_t *out)
{
    (void)collapse(s, len, out, false, true);
}

static __attribute__((target("avx2"), noinline)) size_t
collapse_line_avx2(const char *s, size_t len, nw_buf_t *out)
{
    return collapse(s, len, out, true, true);
}
#define NW_COLLAPSE_AVX2(len) ((len) >= 33 && nw_cpu_has(NW_CPU_AVX2))
#else
#define NW_COLLAPSE_AVX2(len)           false
#define collapse_avx2(s, len, out)      (void)0
#define collapse_line_avx2(s, len, out) (size_t)0
#endif

#if NW_UTF8_AVX2
/*
 * The AVX-512 instance of collapse(), where the CPU has AVX-512 BW and
 * VBMI2: each 64-byte block is classed whole, whitespace and all, and its
 * words and the one space before each are packed at the output by one
 * vpcompressb, with no branch on what the text holds but for a block
 * with bytes beyond ASCII. The 32-byte AVX2 steps stop at each double
 * space, tab, CR, letter beyond ASCII and line end and go on in shorter
 * steps and bytes from there; here the last bytes of a text, up to 63,
 * are one masked step too. The c10k texts' lines, collapsed by a harness:
 * 0.315 -> 0.273 ns a byte (perf: collapse 8.3% -> 7.0% of the plain
 * run). Not everywhere a gain: on a few hundred KB of text that stay in
 * the cache, the AVX2 steps are faster (0.171 against 0.192 ns a byte),
 * the packing's latency showing; the texts a run reads are not there.
 * Skipping the vpcompressb where a block keeps all its bytes (two in
 * three) and classing wide spaces without the branch were both slower
 * (0.315 and 0.41 ns a byte).
 */
/* Bit k set when wide_space_len() takes the bytes from byte k of x: x1 and
 * x2 hold the bytes one and two further on (zero past the text's end, where
 * wide_space_len() finds no space). *three gets those of three bytes. */
static inline NW_AVX512 uint64_t wide_starts64(__m512i x, __m512i x1, __m512i x2, uint64_t *three)
{
#define NW_B(c) _mm512_set1_epi8((char)(c))
    uint64_t c2 = _mm512_cmpeq_epi8_mask(x, NW_B(0xC2));
    uint64_t e2 = _mm512_cmpeq_epi8_mask(x, NW_B(0xE2));
    uint64_t e3 = _mm512_cmpeq_epi8_mask(x, NW_B(0xE3));
    uint64_t ef = _mm512_cmpeq_epi8_mask(x, NW_B(0xEF));
    uint64_t e2_80 = _mm512_mask_cmpeq_epi8_mask(e2, x1, NW_B(0x80));
    uint64_t two = _mm512_mask_cmpeq_epi8_mask(c2, x1, NW_B(0xA0));
    uint64_t t = _mm512_mask_cmplt_epu8_mask(e2_80, _mm512_sub_epi8(x2, NW_B(0x80)), NW_B(0x0C)) |
                 _mm512_mask_cmpeq_epi8_mask(e2_80, x2, NW_B(0xAF)) |
                 _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(e2, x1, NW_B(0x81)), x2,
                                             NW_B(0x9F)) |
                 _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(e3, x1, NW_B(0x80)), x2,
                                             NW_B(0x80)) |
                 _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(ef, x1, NW_B(0xBB)), x2,
                                             NW_B(0xBF));
#undef NW_B
    *three = t;
    return two | t;
}

/* collapse() 64 bytes a step. In a block, a byte is whitespace when it is
 * ASCII whitespace or belongs to a wide space (those of the block's last
 * two bytes reach into the next: `carry`); a word's first byte is one
 * after whitespace (or the text's start), and each but the text's first
 * gets the whitespace byte before it, made a space (for a word at the
 * block's start, a space written before the block). A line ends at its LF:
 * the block is cut there. */
static inline NW_AVX512 __attribute__((always_inline)) size_t collapse64(const char *s, size_t len,
                                                                         nw_buf_t *out, bool line)
{
    /* Room for a whole block's store past the output's end: a masked
     * store of the kept bytes only took 0.270 rather than 0.261 ns a byte
     * of the c10k lines. */
    if (!nw_buf_reserve(out, len + 64))
        return len;
    const unsigned char *p = (const unsigned char *)s;
    char *d = out->data + out->len;
    const __m512i space = _mm512_set1_epi8(' ');
    size_t i = 0;
    uint64_t after_space = 1, carry = 0;
    bool any = false;
    while (i < len) {
        size_t rest = len - i, n = rest < 64 ? rest : 64;
        uint64_t valid = nw_low_bits(n);
        __m512i x = nw_load_step(p + i, n);
        bool stop = false;
        if (line) {
            uint64_t lf = _mm512_mask_cmpeq_epi8_mask(valid, x, _mm512_set1_epi8('\n'));
            if (lf) {
                n = (size_t)__builtin_ctzll(lf);
                valid &= lf - 1;
                stop = true;
            }
        }
        uint64_t sp = _mm512_cmpeq_epi8_mask(x, space) |
                      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('\t')),
                                             _mm512_set1_epi8(5)) |
                      carry;
        carry = 0;
        if (_mm512_movepi8_mask(x) & valid) {
            /* Wide spaces start only at bytes beyond ASCII. */
            __m512i x1 = nw_load_ahead(p + i, rest, 1);
            __m512i x2 = nw_load_ahead(p + i, rest, 2);
            uint64_t three, w = wide_starts64(x, x1, x2, &three);
            sp |= w | w << 1 | three << 2;
            carry = w >> 63 | three >> 62;
        }
        sp &= valid;
        uint64_t word = valid & ~sp;
        uint64_t starts = word & (sp << 1 | after_space);
        if (!any)
            starts &= starts - 1; /* the text's first word: no space before it */
        any |= word != 0;
        *d = ' ';
        d += starts & 1;
        uint64_t keep = word | starts >> 1;
        __m512i y = _mm512_maskz_compress_epi8(keep, _mm512_mask_mov_epi8(x, sp, space));
        size_t k = (size_t)__builtin_popcountll(keep);
        _mm512_storeu_si512((void *)d, y);
        d += k;
        after_space = sp >> 63;
        i += n;
        if (stop)
            break;
    }
    out->len = (size_t)(d - out->data);
    out->data[out->len] = '\0';
    return i;
}

static NW_AVX512 __attribute__((noinline)) void collapse_avx512(const char *s, size_t len,
                                                                nw_buf_t *out)
{
    (void)collapse64(s, len, out, false);
}

static NW_AVX512 __attribute__((noinline)) size_t collapse_line_avx512(const char *s, size_t len,
                                                                       nw_buf_t *out)
{
    return collapse64(s, len, out, true);
}
#define NW_COLLAPSE_AVX512() NW_ASK_AVX512(NW_HAS_AVX512VBMI2)
#else
#define NW_COLLAPSE_AVX512()              false
#define collapse_avx512(s, len, out)      (void)0
#define collapse_line_avx512(s, len, out) (size_t)0
#endif

void nw_utf8_collapse(const char *s, size_t len, nw_buf_t *out)
{
    if (NW_COLLAPSE_AVX512())
        collapse_avx512(s, len, out);
    else if (NW_COLLAPSE_AVX2(len))
        collapse_avx2(s, len, out);
    else
        (void)collapse(s, len, out, false, false);
}

size_t nw_utf8_collapse_line(const char *s, size_t len, nw_buf_t *out)
{
    if (NW_COLLAPSE_AVX512())
        return collapse_line_avx512(s, len, out);
    if (NW_COLLAPSE_AVX2(len))
        return collapse_line_avx2(s, len, out);
    return collapse(s, len, out, true, false);
}

size_t nw_utf8_count_words(const char *s)
{
    size_t words = 0, len = s ? strlen(s) : 0, i = 0;
    const unsigned char *p = (const unsigned char *)s;
    bool in_word = false;
    while (i < len) {
        size_t n = p[i] < 0x80 ? (size_t)ascii_space(p[i]) : wide_space_len(p + i, len - i);
        if (n) {
            in_word = false;
            i += n;
            continue;
        }
        if (!in_word)
            words++;
        in_word = true;
        i++;
    }
    return words;
}

bool nw_utf8_measure(const char *s, size_t len, size_t *words, size_t *chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0, n = 0, i = 0;
    bool in_word = false;
    while (i < len) {
        /* 8 printable ASCII bytes: a word starts at each non-space byte
         * that follows a space (or the word state before the chunk). */
        if (i + 8 <= len) {
            uint64_t x = nw_utf8_load8(p + i);
            if (nw_utf8_printable8(x)) {
                w += nw_utf8_words8(x, &in_word);
                n += 8;
                i += 8;
                continue;
            }
            /* Otherwise (letters of another script, most often) character
             * by character for at least these 8 bytes, without decoding
             * those that need none. */
            size_t until = i + 8;
            while (i < until) {
                unsigned char c = p[i];
                size_t k = easy_len[c];
                if (k == 0 || i + k > len || (k > 1 && (p[i + 1] & 0xC0) != 0x80) ||
                    (k > 2 && (p[i + 2] & 0xC0) != 0x80))
                    break;
                bool space = c == ' ';
                w += !space && !in_word;
                in_word = !space;
                n++;
                i += k;
            }
            if (i >= until)
                continue;
        }
        unsigned char c = p[i];
        bool space;
        if (c < 0x80) {
            space = ascii_space(c);
            i++;
        } else {
            uint32_t cp;
            size_t k = nw_utf8_decode(p + i, len - i, &cp);
            if (!k)
                return false;
            space = nw_utf8_wide_space(cp);
            i += k;
        }
        n++;
        if (!space && !in_word)
            w++;
        in_word = !space;
    }
    *words = w;
    *chars = n;
    return true;
}
