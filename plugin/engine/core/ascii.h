/*
 * Case-insensitive comparison of text with ASCII words (tag and attribute
 * names, labels), as strncasecmp() in the C locale compares them. The
 * parsers try each name or line against many words, and almost every try
 * fails at the first or second byte: those are compared inline, folded, before
 * strlen() and strncasecmp() are called.
 */
#ifndef NW_ASCII_H
#define NW_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static inline unsigned char nw_ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* True when s[0, len) is not empty and its first byte differs from the
 * word's, or its second from the word's second (or it has none where the
 * word has), ASCII letters folded: then neither nw_ascii_ieq() nor
 * nw_ascii_iprefix() can hold. Many labels share a first letter with the
 * lines tried against them ("Advertisement", "According to ..."), and
 * the second byte spares those the calls. */
static inline bool nw_ascii_head_differs(const char *s, size_t len, const char *word)
{
    if (len == 0)
        return false;
    if (nw_ascii_lower((unsigned char)s[0]) != nw_ascii_lower((unsigned char)word[0]))
        return true;
    if (word[1] == '\0')
        return false;
    return len < 2 || nw_ascii_lower((unsigned char)s[1]) != nw_ascii_lower((unsigned char)word[1]);
}

/* Whether s[0, len) is word (NUL-terminated, not empty), case aside. */
static inline bool nw_ascii_ieq(const char *s, size_t len, const char *word)
{
    if (nw_ascii_head_differs(s, len, word))
        return false;
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/* Whether s[0, len) begins with prefix (NUL-terminated, not empty), case
 * aside. */
static inline bool nw_ascii_iprefix(const char *s, size_t len, const char *prefix)
{
    if (nw_ascii_head_differs(s, len, prefix))
        return false;
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

#endif
