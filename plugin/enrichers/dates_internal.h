/*
 * What the dates enricher's two files share (dates.c: the lexer, the rules
 * and the enricher; dates_scan.c: the scan for the places a date may start
 * at, which passes over most of a text without making tokens of it).
 */
#ifndef NW_ENRICH_DATES_INTERNAL_H
#define NW_ENRICH_DATES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dates {
    bool weekdays, relative;
    /* Bit n of name_lengths[c - 'A']: some month name, abbreviation or
     * weekday name of n letters begins with c. A capitalised word of
     * another length starts no date, and the scan passes it without
     * making tokens (most capitalised words are names, and were). */
    uint16_t name_lengths[26];
} dates_t;

/* ASCII letters, by table: the lexer asks this of every letter of a token
 * and of the t/y words nw_dates_next_start() measures. */
#define NW_ALPHA1(c)  (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define NW_ALPHA4(c)  NW_ALPHA1(c), NW_ALPHA1((c) + 1), NW_ALPHA1((c) + 2), NW_ALPHA1((c) + 3)
#define NW_ALPHA16(c) NW_ALPHA4(c), NW_ALPHA4((c) + 4), NW_ALPHA4((c) + 8), NW_ALPHA4((c) + 12)
#define NW_ALPHA64(c)                                                                              \
    NW_ALPHA16(c), NW_ALPHA16((c) + 16), NW_ALPHA16((c) + 32), NW_ALPHA16((c) + 48)
static const bool alpha[256] = {NW_ALPHA64(0), NW_ALPHA64(64), NW_ALPHA64(128), NW_ALPHA64(192)};

static inline bool is_alpha(char c)
{
    return alpha[(unsigned char)c];
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Sets of capital letters, bit c - 'A': those month names and their
 * abbreviations begin with, those weekday names begin with, and those of
 * both but Tuesday's and Thursday's T (see may_start_date()). */
#define LETTER_BIT(c) (1u << ((c) - 'A'))
#define MONTH_1                                                                                    \
    (LETTER_BIT('J') | LETTER_BIT('F') | LETTER_BIT('M') | LETTER_BIT('A') | LETTER_BIT('S') |     \
     LETTER_BIT('O') | LETTER_BIT('N') | LETTER_BIT('D'))
#define WEEKDAY_1                                                                                  \
    (LETTER_BIT('S') | LETTER_BIT('M') | LETTER_BIT('T') | LETTER_BIT('W') | LETTER_BIT('F'))
#define MONTH_WEEKDAY_1 (MONTH_1 | LETTER_BIT('W'))

/* The start of the next token from p on (p is where a token or whitespace
 * starts; end is the text's NUL) that a date may start at; NULL at the
 * text's end (see dates_scan.c). */
const char *nw_dates_next_start(const dates_t *cfg, const char *text, const char *p,
                                const char *end);

#endif
