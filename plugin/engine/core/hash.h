/*
 * Hashes: SHA-256 (through OpenSSL, for content hashes that downstream
 * systems may recompute), 64-bit FNV-1a (fast, for shingles and ids), and the
 * simhash fingerprint used to spot near-duplicate articles.
 */
#ifndef NW_HASH_H
#define NW_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

void nw_sha256(const void *data, size_t len, uint8_t out[32]);
/* FNV-1a, 64 bits: h starts at NW_FNV_BASIS and each byte c makes it
 * (h ^ c) * NW_FNV_PRIME. Loops that hash as they copy use these. */
#define NW_FNV_BASIS 0xcbf29ce484222325ULL
#define NW_FNV_PRIME 0x100000001b3ULL
uint64_t nw_fnv1a64(const void *data, size_t len);
/* nw_fnv1a64() carried on over len more bytes from h, the hash of what came
 * before them: nw_fnv1a64_more(nw_fnv1a64(a, n), b, m) hashes a then b. */
uint64_t nw_fnv1a64_more(uint64_t h, const void *data, size_t len);
/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void nw_hex(const uint8_t *bytes, size_t n, char *out);

/* The value of hex digit c (either case), or -1 when c is none: the one hex
 * decoder, for digests as for \uXXXX and &#x...; escapes. */
static inline int nw_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes 2n hex digits (either case) into n bytes; 0 or -1 on a bad digit. */
int nw_unhex(const char *hex, size_t n2, uint8_t *out);

/*
 * Simhash over word 3-shingles of a text: words are maximal runs of letters
 * and digits (any script), compared case-insensitively for ASCII. Texts with
 * fewer than three words hash their words singly. Returns 0 for no words.
 */
uint64_t nw_simhash(const char *text, size_t len);
/* nw_simhash() of the NUL-terminated strings part(ctx, 0) .. part(ctx,
 * n - 1) joined by spaces, without joining them (words never span two of
 * them); a NULL part counts as an empty string. */
uint64_t nw_simhash_parts(size_t n, const char *(*part)(const void *ctx, size_t i),
                          const void *ctx);

/* One part of a text the hashes read, with its length; s NULL for an
 * absent part. collapsed: s is known to be its own nw_utf8_collapse() (no
 * whitespace but single spaces between words), so the content hash takes
 * it as it is. */
typedef struct nw_text_span {
    const char *s;
    size_t len;
    bool collapsed;
} nw_text_span_t;

/* nw_simhash_parts() of parts whose lengths are known. */
uint64_t nw_simhash_spans(const nw_text_span_t *spans, size_t n);
/* SHA-256 of the parts' collapsed texts, the non-empty ones joined by
 * single spaces: the content hash (see nw_article_content_hash()); and,
 * when sim is not NULL, nw_simhash_spans() of the parts in *sim. */
void nw_hash_spans(const nw_text_span_t *spans, size_t n, uint8_t out[32], uint64_t *sim);
/* Appends one part to the content hash's text in b: collapsed (copied when
 * it is known to be), after a space when b holds text already; nothing
 * for an absent, empty or all-white part. */
void nw_content_text_add(nw_buf_t *b, const char *s, size_t len, bool collapsed);

static inline int nw_hamming64(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

#endif
