/*
 * Helpers shared by the fuzz harnesses: the one invariant check they all
 * use, and a UTF-8 check written here, not taken from the library, so that
 * it can judge the library's output.
 */
#ifndef NW_FUZZ_UTIL_H
#define NW_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reports a broken invariant as "fuzz_html: invariant failed: COND
 * (FILE:LINE)", the harness named after its source file, and aborts so that
 * libFuzzer keeps the input as a crash. */
__attribute__((noreturn)) static inline void nw_fuzz_fail(const char *cond, const char *file,
                                                          int line)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    fprintf(stderr, "%.*s: invariant failed: %s (%s:%d)\n", (int)strcspn(base, "."), base, cond,
            file, line);
    abort();
}

/* Checks an invariant of the code under test; see nw_fuzz_fail(). */
#define NW_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            nw_fuzz_fail(#cond, __FILE__, __LINE__);                                               \
    } while (0)

/* Strict UTF-8: shortest form, no surrogates, at most U+10FFFF. */
static inline bool nw_fuzz_valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i - 1 < n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

#endif
