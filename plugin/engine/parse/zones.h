/*
 * Private to the timestamp module (timestamp.c, timestamp_parse.c, zones.c):
 * the zone table's entries, the daylight-saving rules that turn an
 * abbreviation plus a local wall-clock time into an offset from UTC, and the
 * word and byte helpers the label classifier and the parser share.
 *
 * A wall-clock time is handled as "local seconds": the seconds since
 * 1970-01-01T00:00 that the printed date and time would be if they were UTC.
 * UTC is then local seconds minus the offset.
 */
#ifndef NW_PARSE_ZONES_H
#define NW_PARSE_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/timestamp.h"

#define NW_ZONE_ABBR_MAX   16          /* longest abbreviation, plus the NUL */
#define NW_ZONE_OFFSET_MAX (14 * 3600) /* UTC+14 (Kiribati) is the furthest real zone */

typedef enum nw_zone_rule {
    NW_ZONE_FIXED = 0, /* a constant offset */
    NW_ZONE_US_EASTERN,
    NW_ZONE_US_CENTRAL,
    NW_ZONE_US_MOUNTAIN,
    NW_ZONE_US_PACIFIC,
    NW_ZONE_EU_CENTRAL,
    NW_ZONE_UK,
    NW_ZONE_EU_EASTERN, /* EET/EEST: +02:00, +03:00 on the EU's dates */
    NW_ZONE_EU_WESTERN, /* WET/WEST: the uk rule under its continental name */
} nw_zone_rule_t;

typedef struct nw_zone {
    char abbr[NW_ZONE_ABBR_MAX]; /* as configured; compared case-insensitively */
    nw_zone_rule_t rule;
    int32_t offset; /* seconds east of UTC, for NW_ZONE_FIXED only */
} nw_zone_t;

/* The entry for abbr (n bytes, ASCII letters), or NULL. The pointer stays
 * valid until the table is next modified. */
const nw_zone_t *nw_zone_find(const nw_zone_table_t *t, const char *abbr, size_t n);

/*
 * The offset in force in zone z at local seconds `local`. Returns 0, or
 * NW_ERR_RANGE when that wall-clock time never happened there (the hour the
 * clocks skip when daylight saving starts). A wall-clock time that happened
 * twice (the hour repeated when it ends) resolves to the first occurrence,
 * which is still daylight time.
 */
int nw_zone_offset(const nw_zone_t *z, int64_t local, int32_t *offset);

/*
 * The zone of a country that keeps one (with its daylight-saving rule), by
 * its ISO 3166 code or ccTLD (cc, n bytes, any case; "uk" and "gb" alike).
 * False for countries of several zones (us, ca, au, br, ru, mx, ...) and
 * codes not in the list.
 */
bool nw_zone_of_country(const char *cc, size_t n, nw_zone_t *out);

/* Name of a rule as nw_zone_table_set() accepts it ("us-eastern"). */
const char *nw_zone_rule_name(nw_zone_rule_t rule);

/*
 * Reads a numeric offset at p (n bytes, no NUL needed): a sign, then H, HH,
 * H:MM, HH:MM, HMM or HHMM. Sets *used to the bytes read and *offset to
 * seconds east of UTC. Returns 0, NW_ERR_INVALID when malformed (including
 * a digit or ':' straight after it) or NW_ERR_RANGE beyond +/-14:00 or with
 * minutes above 59.
 */
int nw_zone_parse_offset(const char *p, size_t n, size_t *used, int32_t *offset);

/* ASCII-only classes: the locale must not change what a digit or a letter
 * is, and bytes above 0x7F are never letters here. */
static inline bool nw_ts_is_digit(int c)
{
    return c >= '0' && c <= '9';
}
static inline bool nw_ts_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int nw_ts_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
static inline bool nw_ts_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
/* The byte at j, or -1 past the end: every read of input goes through this
 * or an explicit bounds check, so no input can make a scan overrun. */
static inline int nw_ts_at(const char *s, size_t len, size_t j)
{
    return j < len ? (unsigned char)s[j] : -1;
}

extern const char *const nw_ts_month_names[13];  /* [1] = "January" */
extern const char *const nw_ts_weekday_names[7]; /* [0] = "Sunday" */

/* w (n bytes) equals the lower-case literal lit, ignoring case. */
bool nw_ts_word_is(const char *w, size_t n, const char *lit);
/* Length of a multi-byte blank at j, or 0. Sites put these between date
 * parts: no-break space, thin space and narrow no-break space (CLDR
 * formats put the last one before "PM"), en and em dash. Inline, with the
 * lead byte tested first: the scanners ask at almost every byte of a
 * timestamp, and almost every byte is ASCII. */
static inline size_t nw_ts_blank(const char *s, size_t len, size_t j)
{
    int c0 = nw_ts_at(s, len, j);
    if (c0 != 0xC2 && c0 != 0xE2)
        return 0;
    int c1 = nw_ts_at(s, len, j + 1), c2 = nw_ts_at(s, len, j + 2);
    if (c0 == 0xC2 && c1 == 0xA0)
        return 2;
    if (c0 == 0xE2 && c1 == 0x80 && (c2 == 0x89 || c2 == 0xAF || c2 == 0x93 || c2 == 0x94))
        return 3;
    return 0;
}
/* The first byte at or after j that is not whitespace or a multi-byte blank. */
size_t nw_ts_skip_blanks(const char *s, size_t len, size_t j);
/* 1..12 for "December", "Dec", "Sept" (any case), else 0. */
unsigned nw_ts_month(const char *w, size_t n);
/* 0..6 (Sunday first) for "Thursday", "Thu", "Thurs" (any case), else -1. */
int nw_ts_weekday(const char *w, size_t n);
/* Words that only join the parts: "at", "on", "hrs". */
bool nw_ts_filler(const char *w, size_t n);
/* A misspelt month ("Decmber", "Jnue"): within two edits of a month name. */
bool nw_ts_month_like(const char *w, size_t n);

/* True when w (n bytes) is a word the timestamp grammar already gives a
 * meaning to (a month, weekday, "at", "AM"...): such a word cannot be a zone. */
bool nw_timestamp_reserved_word(const char *w, size_t n);

#endif
