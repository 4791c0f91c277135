/* SHA-256, FNV-1a and simhash (see hash.h). */
#include "core/hash.h"

#include <openssl/evp.h>
#include <string.h>

void nw_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    /* EVP_Digest only fails on allocation failure inside OpenSSL; a zero hash
     * then is harmless for dedupe (the version time decides). */
    if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL))
        memset(out, 0, 32);
}

uint64_t nw_fnv1a64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void nw_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int nw_unhex(const char *hex, size_t n2, uint8_t *out)
{
    if (n2 % 2)
        return -1;
    for (size_t i = 0; i < n2; i += 2) {
        int hi = nw_hex_digit((unsigned char)hex[i]), lo = nw_hex_digit((unsigned char)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* A final mix so that similar FNV inputs spread over all 64 bits. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* fold[c]: the byte as a word hashes it (ASCII letters lower-cased), 0 for
 * bytes that separate words. Word bytes are ASCII letters and digits and
 * every byte >= 0x80. A constant table, so the scan is one load a byte. */
#define NW_FOLD1(c)                                                                                \
    (unsigned char)(((c) >= 'A' && (c) <= 'Z') ? (c) + 32                                          \
                    : (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || (c) >= 0x80)    \
                        ? (c)                                                                      \
                        : 0)
#define NW_FOLD4(c)  NW_FOLD1(c), NW_FOLD1((c) + 1), NW_FOLD1((c) + 2), NW_FOLD1((c) + 3)
#define NW_FOLD16(c) NW_FOLD4(c), NW_FOLD4((c) + 4), NW_FOLD4((c) + 8), NW_FOLD4((c) + 12)
#define NW_FOLD64(c) NW_FOLD16(c), NW_FOLD16((c) + 16), NW_FOLD16((c) + 32), NW_FOLD16((c) + 48)
static const unsigned char fold[256] = {NW_FOLD64(0), NW_FOLD64(64), NW_FOLD64(128),
                                        NW_FOLD64(192)};

/*
 * Simhash needs, for each of the 64 bit positions, how many features have
 * that bit set. Counting bit by bit costs 64 steps a feature; instead each
 * byte of a feature is spread over the 8 bytes of a word (bit i to byte i)
 * and added to a lane of 8 byte-wide counters, 8 additions a feature. The
 * byte counters are flushed to wide ones before they can overflow.
 */
typedef struct simhash_acc {
    uint64_t lanes[8]; /* lanes[k] byte j counts bit 8k + j */
    uint32_t counts[64];
    uint32_t pending; /* features in lanes, at most 255 */
    uint32_t total;
} simhash_acc_t;

/* spread[b]: bit i of b moved to bit 8i, a table of constants so that a
 * feature costs 8 loads and additions, not 8 rounds of shifts and masks. */
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
            a->counts[8 * k + j] += (uint32_t)((a->lanes[k] >> (8 * j)) & 0xFF);
        a->lanes[k] = 0;
    }
    a->pending = 0;
}

static void add_feature(simhash_acc_t *a, uint64_t f)
{
    f = mix64(f);
    for (int k = 0; k < 8; k++)
        a->lanes[k] += spread[(f >> (8 * k)) & 0xFF];
    a->total++;
    if (++a->pending == 255)
        flush_lanes(a);
}

uint64_t nw_simhash(const char *text, size_t len)
{
    simhash_acc_t acc;
    uint64_t w[3] = {0, 0, 0};
    size_t nwords = 0, i = 0;
    memset(&acc, 0, sizeof(acc));
    const unsigned char *p = (const unsigned char *)text;
    while (i < len) {
        while (i < len && !fold[p[i]])
            i++;
        if (i == len)
            break;
        /* FNV-1a of the folded word, computed while it is scanned. */
        uint64_t h = 0xcbf29ce484222325ULL;
        unsigned char c;
        while (i < len && (c = fold[p[i]]) != 0) {
            h ^= c;
            h *= 0x100000001b3ULL;
            i++;
        }
        w[0] = w[1];
        w[1] = w[2];
        w[2] = h;
        nwords++;
        if (nwords >= 3)
            add_feature(&acc, w[0] * 31 * 31 + w[1] * 31 + w[2]);
    }
    if (nwords == 0)
        return 0;
    if (nwords < 3) {
        for (size_t k = 3 - nwords; k < 3; k++)
            add_feature(&acc, w[k]);
    }
    flush_lanes(&acc);
    /* A bit is set when more features have it set than not. */
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (2 * acc.counts[b] > acc.total)
            h |= 1ULL << b;
    return h;
}
