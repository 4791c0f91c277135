/*
 * HTML character references: numeric (&#8220; &#x201C;) and the named ones
 * news pages actually use, decoded to code points.
 *
 * The full HTML name table has over 2,000 entries, most of them mathematical
 * symbols no article contains; this one holds the punctuation, currency,
 * typographic and Latin-1 letters that appear in scraped news, and anything
 * outside it is kept as literal text rather than guessed. Only references
 * closed by ';' are decoded: without it "AT&T" and "&copy2024" are far more
 * likely to be text than markup.
 */
#include <string.h>

#include "core/hash.h"
#include "parse/html_internal.h"

/* Table names are at most 6 bytes; a longer run of letters is text, and the
 * cap keeps the look-ahead short. */
#define NW_HTML_ENTITY_NAME_MAX 32

typedef struct nw_html_entity {
    const char *name;
    uint32_t cp;
} nw_html_entity_t;

/* Sorted by strcmp() (byte order: upper case before lower case) for the
 * binary search of nw_html_entity_lookup(). */
static const nw_html_entity_t entities[] = {
    {"AElig", 0x00C6},  {"Aacute", 0x00C1}, {"Acirc", 0x00C2},  {"Agrave", 0x00C0},
    {"Aring", 0x00C5},  {"Atilde", 0x00C3}, {"Auml", 0x00C4},   {"Ccedil", 0x00C7},
    {"Dagger", 0x2021}, {"Delta", 0x0394},  {"ETH", 0x00D0},    {"Eacute", 0x00C9},
    {"Ecirc", 0x00CA},  {"Egrave", 0x00C8}, {"Euml", 0x00CB},   {"Iacute", 0x00CD},
    {"Icirc", 0x00CE},  {"Igrave", 0x00CC}, {"Iuml", 0x00CF},   {"Ntilde", 0x00D1},
    {"OElig", 0x0152},  {"Oacute", 0x00D3}, {"Ocirc", 0x00D4},  {"Ograve", 0x00D2},
    {"Omega", 0x03A9},  {"Oslash", 0x00D8}, {"Otilde", 0x00D5}, {"Ouml", 0x00D6},
    {"Prime", 0x2033},  {"Scaron", 0x0160}, {"THORN", 0x00DE},  {"Uacute", 0x00DA},
    {"Ucirc", 0x00DB},  {"Ugrave", 0x00D9}, {"Uuml", 0x00DC},   {"Yacute", 0x00DD},
    {"Yuml", 0x0178},   {"Zcaron", 0x017D}, {"aacute", 0x00E1}, {"acirc", 0x00E2},
    {"acute", 0x00B4},  {"aelig", 0x00E6},  {"agrave", 0x00E0}, {"alpha", 0x03B1},
    {"amp", 0x0026},    {"apos", 0x0027},   {"aring", 0x00E5},  {"asymp", 0x2248},
    {"atilde", 0x00E3}, {"auml", 0x00E4},   {"bdquo", 0x201E},  {"beta", 0x03B2},
    {"brvbar", 0x00A6}, {"bull", 0x2022},   {"ccedil", 0x00E7}, {"cedil", 0x00B8},
    {"cent", 0x00A2},   {"circ", 0x02C6},   {"copy", 0x00A9},   {"curren", 0x00A4},
    {"dagger", 0x2020}, {"darr", 0x2193},   {"deg", 0x00B0},    {"delta", 0x03B4},
    {"divide", 0x00F7}, {"eacute", 0x00E9}, {"ecirc", 0x00EA},  {"egrave", 0x00E8},
    {"emsp", 0x2003},   {"ensp", 0x2002},   {"eth", 0x00F0},    {"euml", 0x00EB},
    {"euro", 0x20AC},   {"fnof", 0x0192},   {"frac12", 0x00BD}, {"frac14", 0x00BC},
    {"frac34", 0x00BE}, {"gamma", 0x03B3},  {"ge", 0x2265},     {"gt", 0x003E},
    {"harr", 0x2194},   {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0x00ED},
    {"icirc", 0x00EE},  {"iexcl", 0x00A1},  {"igrave", 0x00EC}, {"infin", 0x221E},
    {"iquest", 0x00BF}, {"iuml", 0x00EF},   {"laquo", 0x00AB},  {"larr", 0x2190},
    {"ldquo", 0x201C},  {"le", 0x2264},     {"lrm", 0x200E},    {"lsaquo", 0x2039},
    {"lsquo", 0x2018},  {"lt", 0x003C},     {"macr", 0x00AF},   {"mdash", 0x2014},
    {"micro", 0x00B5},  {"middot", 0x00B7}, {"minus", 0x2212},  {"mu", 0x03BC},
    {"nbsp", 0x00A0},   {"ndash", 0x2013},  {"ne", 0x2260},     {"not", 0x00AC},
    {"ntilde", 0x00F1}, {"oacute", 0x00F3}, {"ocirc", 0x00F4},  {"oelig", 0x0153},
    {"ograve", 0x00F2}, {"ordf", 0x00AA},   {"ordm", 0x00BA},   {"oslash", 0x00F8},
    {"otilde", 0x00F5}, {"ouml", 0x00F6},   {"para", 0x00B6},   {"permil", 0x2030},
    {"pi", 0x03C0},     {"plusmn", 0x00B1}, {"pound", 0x00A3},  {"prime", 0x2032},
    {"quot", 0x0022},   {"raquo", 0x00BB},  {"rarr", 0x2192},   {"rdquo", 0x201D},
    {"reg", 0x00AE},    {"rlm", 0x200F},    {"rsaquo", 0x203A}, {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"scaron", 0x0161}, {"sect", 0x00A7},   {"shy", 0x00AD},
    {"sup1", 0x00B9},   {"sup2", 0x00B2},   {"sup3", 0x00B3},   {"szlig", 0x00DF},
    {"thinsp", 0x2009}, {"thorn", 0x00FE},  {"tilde", 0x02DC},  {"times", 0x00D7},
    {"trade", 0x2122},  {"uacute", 0x00FA}, {"uarr", 0x2191},   {"ucirc", 0x00FB},
    {"ugrave", 0x00F9}, {"uml", 0x00A8},    {"uuml", 0x00FC},   {"yacute", 0x00FD},
    {"yen", 0x00A5},    {"yuml", 0x00FF},   {"zcaron", 0x017E}, {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

/* &#128;..&#159; name C1 controls, but pages that write them mean the
 * windows-1252 characters at those bytes (HTML's rule). 0 = no mapping. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* key[0, len) against a table name in memcmp()'s order, a shorter name
 * first where one is the other's start (strcmp()'s order of the table).
 * Byte by byte inline: a bsearch() comparator taking each name's strlen()
 * and a memcmp() cost some 450 instructions a reference. */
static int name_cmp(const char *key, size_t len, const char *name)
{
    for (size_t i = 0;; i++) {
        unsigned char b = (unsigned char)name[i];
        if (i == len)
            return b ? -1 : 0;
        if (!b)
            return 1;
        unsigned char a = (unsigned char)key[i];
        if (a != b)
            return a < b ? -1 : 1;
    }
}

uint32_t nw_html_entity_lookup(const char *name, size_t len)
{
    size_t lo = 0, hi = sizeof(entities) / sizeof(entities[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = name_cmp(name, len, entities[mid].name);
        if (c == 0)
            return entities[mid].cp;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* Numeric reference after "&#". The value saturates instead of overflowing,
 * so a thousand digits cost a thousand steps and still end as U+FFFD. */
static size_t numeric_ref(const char *s, size_t len, uint32_t *cp)
{
    size_t i = 2;
    int base = 10;
    if (i < len && (s[i] == 'x' || s[i] == 'X')) {
        base = 16;
        i++;
    }
    size_t digits_start = i;
    uint32_t v = 0;
    for (; i < len; i++) {
        int d = base == 16 ? nw_hex_digit((unsigned char)s[i])
                           : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (d < 0)
            break;
        v = v > 0x10FFFF ? v : v * (uint32_t)base + (uint32_t)d;
    }
    if (i == digits_start || i >= len || s[i] != ';')
        return 0;
    if (v >= 0x80 && v <= 0x9F && cp1252_c1[v - 0x80])
        v = cp1252_c1[v - 0x80];
    /* NUL, surrogates and values past Unicode are invalid; C0 controls other
     * than whitespace would only corrupt the text downstream. */
    if (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF ||
        (v < 0x20 && v != '\t' && v != '\n' && v != '\r' && v != '\f') || v == 0x7F)
        v = 0xFFFD;
    *cp = v;
    return i + 1;
}

size_t nw_html_ref_decode(const char *s, size_t len, uint32_t *cp)
{
    if (len < 3 || s[0] != '&')
        return 0;
    if (s[1] == '#')
        return numeric_ref(s, len, cp);
    size_t i = 1;
    while (i < len && i <= NW_HTML_ENTITY_NAME_MAX &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == 1 || i >= len || s[i] != ';')
        return 0;
    uint32_t v = nw_html_entity_lookup(s + 1, i - 1);
    if (!v)
        return 0;
    *cp = v;
    return i + 1;
}
