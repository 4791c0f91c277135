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

static int is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Hash of one word, ASCII-case-folded. */
static uint64_t word_hash(const char *w, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void add_feature(int32_t acc[64], uint64_t f)
{
    f = mix64(f);
    for (int b = 0; b < 64; b++)
        acc[b] += (f >> b) & 1 ? 1 : -1;
}

uint64_t nw_simhash(const char *text, size_t len)
{
    int32_t acc[64] = {0};
    uint64_t w[3] = {0, 0, 0};
    size_t nwords = 0, i = 0;
    while (i < len) {
        while (i < len && !is_word_byte((unsigned char)text[i]))
            i++;
        size_t start = i;
        while (i < len && is_word_byte((unsigned char)text[i]))
            i++;
        if (i == start)
            break;
        w[0] = w[1];
        w[1] = w[2];
        w[2] = word_hash(text + start, i - start);
        nwords++;
        if (nwords >= 3)
            add_feature(acc, w[0] * 31 * 31 + w[1] * 31 + w[2]);
    }
    if (nwords == 0)
        return 0;
    if (nwords < 3) {
        for (size_t k = 3 - nwords; k < 3; k++)
            add_feature(acc, w[k]);
    }
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (acc[b] > 0)
            h |= 1ULL << b;
    return h;
}
