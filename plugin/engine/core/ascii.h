/*
 * Case-insensitive comparison of text with ASCII words (tag and attribute
 * names, labels), as strncasecmp() in the C locale compares them. The
 * parsers try each name or line against many words, and almost every try
 * fails at the first byte: that byte is compared inline, folded, before
 * strlen() and strncasecmp() are called.
 */
#ifndef NW_ASCII_H
#define NW_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* True when s[0, len) is not empty and its first byte differs from the
 * word's, ASCII letters folded: then neither nw_ascii_ieq() nor
 * nw_ascii_iprefix() can hold. */
static inline bool nw_ascii_first_differs(const char *s, size_t len, const char *word)
{
    if (len == 0)
        return false;
    unsigned char a = (unsigned char)s[0], b = (unsigned char)word[0];
    a = a >= 'A' && a <= 'Z' ? a + 32 : a;
    b = b >= 'A' && b <= 'Z' ? b + 32 : b;
    return a != b;
}

/* Whether s[0, len) is word (NUL-terminated, not empty), case aside. */
static inline bool nw_ascii_ieq(const char *s, size_t len, const char *word)
{
    if (nw_ascii_first_differs(s, len, word))
        return false;
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/* Whether s[0, len) begins with prefix (NUL-terminated, not empty), case
 * aside. */
static inline bool nw_ascii_iprefix(const char *s, size_t len, const char *prefix)
{
    if (nw_ascii_first_differs(s, len, prefix))
        return false;
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

#endif
