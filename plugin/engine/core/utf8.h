/*
 * UTF-8 checks and repair, and the whitespace rules shared by the parsers.
 *
 * Records are JSON, and JSON must be valid UTF-8, so every text that reaches
 * an article passes through nw_utf8_sanitize(): each byte that does not start
 * a valid, shortest-form, non-surrogate sequence becomes U+FFFD.
 */
#ifndef NW_UTF8_H
#define NW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "core/buf.h"

/* Eight bytes at once, for the ASCII runs that make up most text; the
 * scanners here and those that fuse their own pass over text (the record
 * writer) share these word tests. */
static inline uint64_t nw_utf8_load8(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

#define NW_UTF8_ONES  0x0101010101010101ULL
#define NW_UTF8_HIGHS 0x8080808080808080ULL

/* True when all 8 bytes are printable ASCII or DEL (0x20..0x7F). */
static inline bool nw_utf8_printable8(uint64_t x)
{
    return ((x | ((x - 0x20 * NW_UTF8_ONES) & ~x)) & NW_UTF8_HIGHS) == 0;
}

/* 0x80 in each byte of x that is a space (0x20), 0 elsewhere; exact per
 * byte (no borrow between bytes), unlike the "any byte" tests above. */
static inline uint64_t nw_utf8_space_bytes8(uint64_t x)
{
    uint64_t y = x ^ (0x20 * NW_UTF8_ONES);
    uint64_t t = (y & (0x7F * NW_UTF8_ONES)) + 0x7F * NW_UTF8_ONES;
    return ~(t | y | 0x7F * NW_UTF8_ONES);
}

/* The number of words that start in 8 printable ASCII bytes x (a word
 * starts at each non-space byte after a space, or at the first byte when
 * the text before x ended outside a word); *in_word says whether x ends
 * inside one. */
static inline size_t nw_utf8_words8(uint64_t x, bool *in_word)
{
    uint64_t sp = nw_utf8_space_bytes8(x);
    uint64_t before = (sp << 8) | (*in_word ? 0 : 0x80);
    *in_word = !(sp >> 63);
    /* Count the 0x80 flags: move them to bit 0 of each byte and sum the
     * bytes with one multiplication (no popcnt needed). */
    return (size_t)((((~sp & before & NW_UTF8_HIGHS) >> 7) * NW_UTF8_ONES) >> 56);
}

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if invalid. On
 * success *cp receives the code point. */
size_t nw_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* cp when it is a character to write, else U+FFFD: NUL, surrogates and
 * values past U+10FFFF are no characters a record may hold. */
static inline uint32_t nw_utf8_scalar(uint32_t cp)
{
    return cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp;
}

/* Writes cp (a valid scalar value, see nw_utf8_scalar()) as UTF-8 at dst,
 * which has room for 4 bytes; returns the bytes written. The one UTF-8
 * encoder: every other writer goes through it. */
size_t nw_utf8_put(char *dst, uint32_t cp);

/* Appends the UTF-8 encoding of cp (U+FFFD for invalid code points). */
void nw_utf8_encode(nw_buf_t *out, uint32_t cp);

/* Appends s with invalid bytes replaced; returns how many were replaced. C0
 * control characters other than tab, LF and CR are dropped. */
size_t nw_utf8_sanitize(const char *s, size_t len, nw_buf_t *out);

/* Length of the run of printable ASCII (0x20..0x7F) that s starts with,
 * stepped over 8 bytes at a time: scanners call it to skip what most text
 * is made of and look only at the byte that ends the run. */
size_t nw_utf8_printable_run(const char *s, size_t len);

/* True when s is valid UTF-8 with no C0 control character but tab, LF and
 * CR: text that nw_utf8_sanitize() would copy unchanged and
 * nw_utf8_looks_binary() would pass, found in one pass instead of two. */
bool nw_utf8_is_clean(const char *s, size_t len);

/* True when the bytes look like binary data rather than text: a NUL byte, or
 * more than a tenth of the bytes not valid UTF-8. */
bool nw_utf8_looks_binary(const char *s, size_t len);

/* Whitespace as the parsers see it: ASCII space and tab, NBSP, the Unicode
 * spaces U+2000..U+200A, U+202F, U+205F, U+3000, and zero-width U+200B and
 * U+FEFF. Returns the sequence length at s, or 0. */
size_t nw_utf8_space(const char *s, size_t len);

/* The code points >= 0x80 of the above, for a scanner that has decoded
 * one already. */
static inline bool nw_utf8_wide_space(uint32_t cp)
{
    return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000 || cp == 0xFEFF;
}

/* The length of the character at p (n > 0 bytes left) when it is one of
 * those most text beyond ASCII is made of, valid and no wide space: two
 * bytes from U+0080 (but U+00A0), or U+200C .. U+203F but U+202F
 * (quotation marks, dashes, the ellipsis). 0 for any other, which
 * nw_utf8_decode() reads: scanners that stop at each byte beyond ASCII
 * take these without the call. */
static inline size_t nw_utf8_common_len(const unsigned char *p, size_t n)
{
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 && !(p[0] == 0xC2 && p[1] == 0xA0) ? 2 : 0;
    if (p[0] == 0xE2)
        return n >= 3 && p[1] == 0x80 && (p[2] & 0xC0) == 0x80 && p[2] >= 0x8C && p[2] != 0xAF ? 3
                                                                                               : 0;
    return 0;
}

/* Appends s with whitespace runs collapsed to one ASCII space and the ends
 * trimmed (s must already be valid UTF-8). */
void nw_utf8_collapse(const char *s, size_t len, nw_buf_t *out);

/* nw_utf8_collapse() of the line s starts with: the bytes up to its first
 * LF (or all of them). Returns the LF's offset, or len: the text reader
 * splits and collapses lines in one pass instead of a search and a pass. */
size_t nw_utf8_collapse_line(const char *s, size_t len, nw_buf_t *out);

/* Words of s (NUL-terminated): runs between whitespace as above. 0 for NULL. */
size_t nw_utf8_count_words(const char *s);

/* One pass over valid UTF-8 text: the words nw_utf8_count_words() counts
 * and the number of characters. Returns false, leaving the counts unset, as
 * soon as a sequence is not valid UTF-8 (the caller then needs the slower
 * byte-wise rules). */
bool nw_utf8_measure(const char *s, size_t len, size_t *words, size_t *chars);

#endif
