/*
 * What the parts of the ninjs encoder share (encode/ninjs.h has what the
 * rest of the engine sees): the tree (ninjs_tree.c), the compact dump
 * (ninjs_dump.c) and the direct writer (ninjs.c) write the same bytes for
 * the same record, so they escape strings with the one dump_string() and
 * name an article, its key and its hashes with the one function each.
 * What runs for every byte or string is here, inline; the rest is defined
 * once, in ninjs.c.
 */
#ifndef NW_NINJS_INTERNAL_H
#define NW_NINJS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "encode/ninjs.h"

/* "urn:newswire:article:" and the id: the bytes that go into a URN as
 * they are, everything else percent-encoded, so any key yields a valid
 * uri. */
void nw_ninjs_urn_append(nw_buf_t *b, const char *id);

/* Key text for JSON into out (empty): the bytes when they are UTF-8 that
 * nw_utf8_sanitize() leaves alone, else their hex. */
void nw_ninjs_key_text(const char *key, size_t len, nw_buf_t *out);

/* The record's texts of the content hash ("sha256:<hex>") and of the
 * simhash (16 hex digits; sim may be NULL). */
void nw_ninjs_hash_texts(const uint8_t digest[32], uint64_t s,
                         char content_hash[NW_HASH_TEXT_LEN + 1], char sim[17]);

/*
 * The compact dump, written straight into one buffer. json_dumps() goes
 * through a callback per fragment and a strbuffer that grows from 16 bytes;
 * this writer produces the same bytes (jansson 2.14, JSON_COMPACT: keys in
 * insertion order, "," and ":" without spaces, only '"', '\\' and control
 * characters escaped, the latter as \uXXXX with upper-case hex unless they
 * have a short form) with one growing buffer and a scan per string.
 * tests/unit/test_ninjs_dump.c compares both over many trees.
 */
/* Whether any of the 8 bytes of x is a control character, '"' or '\\'
 * (the "any byte below n" and "any zero byte" word tests). */
static inline bool needs_escape8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t q, bs;
    q = x ^ (0x22 * ones);
    bs = x ^ (0x5C * ones);
    return (((x - 0x20 * ones) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs;
}

/* The escape of byte c: its short form ('n' for \\n), 'u' for \\u00XX, or 0
 * when it is written as it is. */
#define NW_ESC1(c)                                                                                 \
    (char)((c) == '"'    ? '"'                                                                     \
           : (c) == '\\' ? '\\'                                                                    \
           : (c) == '\b' ? 'b'                                                                     \
           : (c) == '\f' ? 'f'                                                                     \
           : (c) == '\n' ? 'n'                                                                     \
           : (c) == '\r' ? 'r'                                                                     \
           : (c) == '\t' ? 't'                                                                     \
           : (c) < 0x20  ? 'u'                                                                     \
                         : 0)
#define NW_ESC4(c)  NW_ESC1(c), NW_ESC1((c) + 1), NW_ESC1((c) + 2), NW_ESC1((c) + 3)
#define NW_ESC16(c) NW_ESC4(c), NW_ESC4((c) + 4), NW_ESC4((c) + 8), NW_ESC4((c) + 12)
#define NW_ESC64(c) NW_ESC16(c), NW_ESC16((c) + 16), NW_ESC16((c) + 32), NW_ESC16((c) + 48)
static const char escape_of[256] = {NW_ESC64(0), NW_ESC64(64), NW_ESC64(128), NW_ESC64(192)};

/* Writes s as a JSON string. Room for the quoted string without escapes is
 * made once and the bytes are copied while they are checked, 8 at a time;
 * only an escape (rare in text: a newline between paragraphs) makes room
 * for what it adds. Most strings of an enriched record are short keys and
 * names: their last bytes are taken at once too, not one by one. */
static inline void dump_string(nw_buf_t *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    /* The call only when the room is not there already. */
    if (b->cap - b->len < len + 3 && !nw_buf_reserve(b, len + 2))
        return;
    char *d = b->data + b->len;
    *d++ = '"';
    size_t i = 0;
    for (;;) {
        uint64_t x;
        while (i + 8 <= len) {
            memcpy(&x, s + i, 8);
            if (needs_escape8(x))
                break;
            memcpy(d, &x, 8);
            d += 8;
            i += 8;
        }
        size_t rest = len - i;
        if (rest >= 4 && rest < 8 && len >= 8) {
            /* The 8 bytes that end s, over some already copied as they
             * are (none of them is escaped if none of the 8 needs it). */
            memcpy(&x, s + len - 8, 8);
            if (!needs_escape8(x)) {
                memcpy(d - (8 - rest), &x, 8);
                d += rest;
                break;
            }
        } else if (rest >= 4 && rest < 8) {
            /* 4 to 7 bytes: the first 4 and the last 4. */
            uint32_t lo, hi;
            memcpy(&lo, s + i, 4);
            memcpy(&hi, s + len - 4, 4);
            if (!needs_escape8((uint64_t)lo | (uint64_t)hi << 32)) {
                memcpy(d, &lo, 4);
                memcpy(d + rest - 4, &hi, 4);
                d += rest;
                break;
            }
        }
        char e = 0;
        while (i < len && !(e = escape_of[(unsigned char)s[i]]))
            *d++ = s[i++];
        if (i == len)
            break;
        /* Room for the escape's other bytes on top of the rest. */
        b->len = (size_t)(d - b->data);
        if (!nw_buf_reserve(b, (len - i) + 6 + 1))
            return;
        d = b->data + b->len;
        unsigned char c = (unsigned char)s[i++];
        *d++ = '\\';
        *d++ = e;
        if (e == 'u') {
            *d++ = '0';
            *d++ = '0';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 15];
        }
    }
    *d++ = '"';
    *d = '\0';
    b->len = (size_t)(d - b->data);
}

static inline void dump_integer(nw_buf_t *b, json_int_t v)
{
    char tmp[24];
    size_t n = 0;
    /* Through the unsigned magnitude so that the most negative value works. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[sizeof(tmp) - 1 - n++] = '-';
    nw_buf_append(b, tmp + sizeof(tmp) - n, n);
}

#endif
