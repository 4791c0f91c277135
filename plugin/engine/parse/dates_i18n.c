/*
 * Dates as pages write them in markup and in visible text, for the metadata
 * layer (html_meta.h). Unlike the timestamp-line parser (timestamp_parse.c),
 * which must have a date, a time and a zone, this reader keeps whatever
 * precision the value has: a date alone, or a time without a zone, is read
 * as such and the zone policy decides later what it is worth.
 *
 * Month names: English, German, French, Spanish, Italian, Portuguese and
 * Dutch, full and abbreviated, matched case-insensitively (ASCII folding;
 * the accented letters are written in lower case in the table and pages
 * print months in lower case in these languages anyway). A numeric date with
 * slashes or dashes whose day and month could be swapped (04/05/2026) is
 * read day-first for any language but English, month-first for en-US, and
 * not at all when the language gives no answer; dots (4.12.2026) are always
 * day-first.
 *
 * Every scan is a bounded left-to-right pass over a length-limited buffer.
 */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "parse/html_meta.h"
#include "parse/zones.h"

#define VISIBLE_MAX 400 /* longer visible texts are cut: a date line is short */

static int at(const char *s, size_t n, size_t i)
{
    return i < n ? (unsigned char)s[i] : -1;
}

static bool digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Reads 1..max digits at *i; false when there are none or more than max. */
static bool num(const char *s, size_t n, size_t *i, size_t min, size_t max, unsigned *v)
{
    size_t k = *i;
    unsigned x = 0;
    while (digit(at(s, n, k)) && k - *i <= max)
        x = x * 10 + (unsigned)(s[k++] - '0');
    if (k - *i < min || k - *i > max)
        return false;
    *v = x;
    *i = k;
    return true;
}

bool nw_mdate_valid(const nw_mdate_t *d)
{
    static const unsigned mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d->year < 1970 || d->year > 2199 || d->month < 1 || d->month > 12 || d->day < 1)
        return false;
    bool leap = (d->year % 4 == 0 && d->year % 100 != 0) || d->year % 400 == 0;
    if (d->day > mdays[d->month] + (d->month == 2 && leap))
        return false;
    return !d->has_time || (d->hour < 24 && d->min < 60 && d->sec < 60);
}

/* "Z", "+05:30", "+0530", "+05", "-08:00", optionally after one space, or a
 * zone abbreviation the table knows ("UTC", "GMT", "EST"). */
static bool zone_at(const char *s, size_t n, size_t *i, const nw_zone_table_t *zones, nw_mdate_t *d)
{
    size_t k = *i;
    if (at(s, n, k) == ' ')
        k++;
    int c = at(s, n, k);
    if (c == 'Z' || c == 'z') {
        if (((at(s, n, k + 1) | 0x20) >= 'a' && (at(s, n, k + 1) | 0x20) <= 'z'))
            return false;
        d->has_zone = true;
        d->offset = 0;
        *i = k + 1;
        return true;
    }
    if (c == '+' || c == '-') {
        size_t used = 0;
        int32_t off = 0;
        if (nw_zone_parse_offset(s + k, n - k, &used, &off) != 0)
            return false;
        d->has_zone = true;
        d->offset = off;
        *i = k + used;
        return true;
    }
    size_t w = k;
    while (nw_ts_is_alpha(at(s, n, w)))
        w++;
    if (w > k && zones) {
        const nw_zone_t *z = nw_zone_find(zones, s + k, w - k);
        int64_t local = nw_days_from_civil(d->year, d->month, d->day) * 86400 + d->hour * 3600 +
                        d->min * 60 + d->sec;
        int32_t off;
        if (z && nw_zone_offset(z, local, &off) == 0) {
            d->has_zone = true;
            d->offset = off;
            *i = w;
            /* "GMT+1", "UTC+05:30" */
            if ((at(s, n, w) == '+' || at(s, n, w) == '-') && z->rule == NW_ZONE_FIXED &&
                z->offset == 0) {
                size_t used = 0;
                if (nw_zone_parse_offset(s + w, n - w, &used, &off) == 0) {
                    d->offset = off;
                    *i = w + used;
                }
            }
            return true;
        }
    }
    return false;
}

/* HH:MM[:SS[.fff]] at *i. */
static bool clock_at(const char *s, size_t n, size_t *i, char sep, nw_mdate_t *d)
{
    size_t k = *i;
    unsigned h, m, sec = 0;
    if (!num(s, n, &k, 1, 2, &h) || at(s, n, k) != sep)
        return false;
    k++;
    if (!num(s, n, &k, 2, 2, &m))
        return false;
    if (at(s, n, k) == sep && digit(at(s, n, k + 1))) {
        k++;
        if (!num(s, n, &k, 2, 2, &sec))
            return false;
        if ((at(s, n, k) == '.' || at(s, n, k) == ',') && digit(at(s, n, k + 1))) {
            k++;
            while (digit(at(s, n, k)))
                k++;
        }
    }
    if (h > 23 || m > 59 || sec > 59)
        return false;
    d->hour = h;
    d->min = m;
    d->sec = sec;
    d->has_time = true;
    *i = k;
    return true;
}

static bool iso(const char *s, size_t n, const nw_zone_table_t *zones, nw_mdate_t *d)
{
    size_t i = 0;
    unsigned y, mo, da;
    memset(d, 0, sizeof(*d));
    if (n == 8 && num(s, n, &i, 8, 8, &y)) { /* 20261204 */
        d->year = y / 10000;
        d->month = y / 100 % 100;
        d->day = y % 100;
        return nw_mdate_valid(d);
    }
    i = 0;
    if (!num(s, n, &i, 4, 4, &y))
        return false;
    char sep = (char)at(s, n, i);
    if (sep == '-' || sep == '/' || sep == '.') {
        i++;
        if (!num(s, n, &i, 1, 2, &mo) || at(s, n, i) != sep)
            return false;
        i++;
        if (!num(s, n, &i, 1, 2, &da))
            return false;
    } else {
        return false;
    }
    d->year = y;
    d->month = mo;
    d->day = da;
    int c = at(s, n, i);
    if (c == 'T' || c == 't' || (c == ' ' && digit(at(s, n, i + 1)))) {
        i++;
        if (!clock_at(s, n, &i, ':', d))
            return false;
        zone_at(s, n, &i, zones, d);
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == n && nw_mdate_valid(d);
}

bool nw_mdate_machine(const char *s, size_t n, const nw_zone_table_t *zones, nw_mdate_t *out)
{
    while (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n')) /* trimmed by the caller mostly */
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        n--;
    if (n == 0 || n > 120)
        return false;
    if (iso(s, n, zones, out))
        return true;
    /* An ISO shape that did not read is broken, not prose. */
    if (n >= 5 && digit(at(s, n, 0)) && digit(at(s, n, 3)) &&
        (at(s, n, 4) == '-' || at(s, n, 4) == '/'))
        return false;
    /* RFC 2822 and written dates: the visible reader, in English. */
    return nw_mdate_visible(s, n, "en", zones, out);
}

/* ---- month names ---- */

typedef struct month_word {
    const char *w; /* lower case UTF-8 */
    unsigned m;
} month_word_t;

static const month_word_t months[] = {
    /* English */
    {"january", 1},
    {"february", 2},
    {"march", 3},
    {"april", 4},
    {"may", 5},
    {"june", 6},
    {"july", 7},
    {"august", 8},
    {"september", 9},
    {"october", 10},
    {"november", 11},
    {"december", 12},
    {"jan", 1},
    {"feb", 2},
    {"mar", 3},
    {"apr", 4},
    {"jun", 6},
    {"jul", 7},
    {"aug", 8},
    {"sep", 9},
    {"sept", 9},
    {"oct", 10},
    {"nov", 11},
    {"dec", 12},
    /* German */
    {"januar", 1},
    {"jänner", 1},
    {"februar", 2},
    {"märz", 3},
    {"mär", 3},
    {"mrz", 3},
    {"mai", 5},
    {"juni", 6},
    {"juli", 7},
    {"oktober", 10},
    {"okt", 10},
    {"dezember", 12},
    {"dez", 12},
    /* French */
    {"janvier", 1},
    {"janv", 1},
    {"février", 2},
    {"fevrier", 2},
    {"févr", 2},
    {"fév", 2},
    {"mars", 3},
    {"avril", 4},
    {"avr", 4},
    {"juin", 6},
    {"juillet", 7},
    {"juil", 7},
    {"août", 8},
    {"aout", 8},
    {"septembre", 9},
    {"octobre", 10},
    {"novembre", 11},
    {"décembre", 12},
    {"decembre", 12},
    {"déc", 12},
    /* Spanish */
    {"enero", 1},
    {"ene", 1},
    {"febrero", 2},
    {"marzo", 3},
    {"abril", 4},
    {"abr", 4},
    {"mayo", 5},
    {"junio", 6},
    {"julio", 7},
    {"agosto", 8},
    {"ago", 8},
    {"septiembre", 9},
    {"setiembre", 9},
    {"octubre", 10},
    {"noviembre", 11},
    {"diciembre", 12},
    {"dic", 12},
    /* Italian */
    {"gennaio", 1},
    {"gen", 1},
    {"febbraio", 2},
    {"aprile", 4},
    {"maggio", 5},
    {"mag", 5},
    {"giugno", 6},
    {"giu", 6},
    {"luglio", 7},
    {"lug", 7},
    {"settembre", 9},
    {"set", 9},
    {"ottobre", 10},
    {"ott", 10},
    {"dicembre", 12},
    /* Portuguese */
    {"janeiro", 1},
    {"fevereiro", 2},
    {"fev", 2},
    {"março", 3},
    {"marco", 3},
    {"maio", 5},
    {"junho", 6},
    {"julho", 7},
    {"setembro", 9},
    {"outubro", 10},
    {"out", 10},
    {"novembro", 11},
    {"dezembro", 12},
    /* Dutch */
    {"januari", 1},
    {"februari", 2},
    {"maart", 3},
    {"mrt", 3},
    {"mei", 5},
    {"augustus", 8},
};

static bool word_byte(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The months' entries by their first byte, in the table's order (so that
 * the first entry to match is still the one found): entries
 * month_order[month_start[c] .. month_start[c + 1]) start with byte c.
 * Every word of a page's visible dates is looked up, and the walk over
 * all 108 entries took some 1,600 instructions a message. Built once. */
#define N_MONTHS (sizeof(months) / sizeof(months[0]))
static unsigned char month_start[257];
static unsigned char month_order[N_MONTHS];
static unsigned char month_len[N_MONTHS];
static pthread_once_t month_once = PTHREAD_ONCE_INIT;

static void month_index(void)
{
    for (size_t k = 0; k < N_MONTHS; k++) {
        month_start[(unsigned char)months[k].w[0] + 1]++;
        month_len[k] = (unsigned char)strlen(months[k].w);
    }
    for (size_t c = 1; c <= 256; c++)
        month_start[c] = (unsigned char)(month_start[c] + month_start[c - 1]);
    unsigned char next[256];
    memcpy(next, month_start, sizeof(next));
    for (size_t k = 0; k < N_MONTHS; k++)
        month_order[next[(unsigned char)months[k].w[0]]++] = (unsigned char)k;
}

/* The month a word names (n bytes), or 0. */
static unsigned month_of(const char *w, size_t n)
{
    char low[16];
    if (n == 0 || n >= sizeof(low))
        return 0;
    for (size_t k = 0; k < n; k++)
        low[k] = (char)nw_ts_lower((unsigned char)w[k]);
    /* "Décembre", "Août" capitalised: fold the two-byte upper-case Latin-1 letters. */
    if (n >= 2 && (unsigned char)low[0] == 0xC3 && (unsigned char)low[1] >= 0x80 &&
        (unsigned char)low[1] <= 0x9E)
        low[1] = (char)((unsigned char)low[1] + 0x20);
    pthread_once(&month_once, month_index);
    unsigned char c = (unsigned char)low[0];
    for (size_t j = month_start[c]; j < month_start[c + 1]; j++) {
        size_t k = month_order[j];
        if (month_len[k] == n && memcmp(months[k].w, low, n) == 0)
            return months[k].m;
    }
    return 0;
}

/* Day-first unless the language says month-first (US English). -1 unknown. */
static int day_first(const char *lang)
{
    if (!lang || !lang[0])
        return -1;
    if ((lang[0] | 0x20) == 'e' && (lang[1] | 0x20) == 'n') {
        if (lang[2] == '\0')
            return -1;
        return ((lang[3] | 0x20) == 'u' && (lang[4] | 0x20) == 's') ? 0 : 1;
    }
    return 1;
}

typedef struct tokn {
    size_t b, e;
    unsigned v;     /* number value */
    unsigned month; /* a month word */
    bool number;
} tokn_t;

/* After a date ends at *i: an optional time ("14:30", "2:30 pm", "14.30 Uhr",
 * "14h30") and zone, within a few bytes of filler ("um", "à", "at", ","). */
static void time_after(const char *s, size_t n, size_t i, const nw_zone_table_t *zones,
                       nw_mdate_t *d)
{
    size_t k = i, words = 0;
    while (k < n && words < 3) {
        int c = at(s, n, k);
        if (digit(c))
            break;
        if (c == ' ' || c == ',' || c == '|' || c == '-' || c == '/' || c == '(' || c == 0xC2 ||
            c == 0xA0 || c == 0xE2 || c == 0x80 || c == 0x93 || c == 0x94 || c == 0xB7) {
            k++;
            continue;
        }
        if (word_byte(c)) {
            size_t w = k;
            while (word_byte(at(s, n, w)))
                w++;
            if (w - k > 6) /* "um", "à", "at", "alle", "às", "om", "a las" */
                return;
            words++;
            k = w;
            continue;
        }
        return;
    }
    nw_mdate_t t = *d;
    size_t j = k;
    if (!clock_at(s, n, &j, ':', &t)) {
        j = k;
        if (!clock_at(s, n, &j, '.', &t)) {
            j = k;
            if (!clock_at(s, n, &j, 'h', &t))
                return;
        }
    }
    size_t m = j;
    while (at(s, n, m) == ' ')
        m++;
    int c0 = at(s, n, m) | 0x20, c1 = at(s, n, m + 1) | 0x20;
    if ((c0 == 'a' || c0 == 'p') &&
        (c1 == 'm' || (c1 == ('.' | 0x20) && (at(s, n, m + 2) | 0x20) == 'm'))) {
        if (t.hour < 1 || t.hour > 12)
            return;
        t.hour = t.hour % 12 + (c0 == 'p' ? 12 : 0);
        j = m + (c1 == 'm' ? 2 : 3);
        if (at(s, n, j) == '.')
            j++;
    }
    size_t z = j;
    while (at(s, n, z) == ' ')
        z++;
    if (at(s, n, z) == 'U' && at(s, n, z + 1) == 'h' && at(s, n, z + 2) == 'r')
        z += 3; /* "14:30 Uhr" */
    zone_at(s, n, &z, zones, &t);
    *d = t;
}

/* Past spaces, ASCII or the ideographic U+3000. */
static size_t skip_blank(const char *s, size_t n, size_t k)
{
    for (;;) {
        if (at(s, n, k) == ' ')
            k++;
        else if (at(s, n, k) == 0xE3 && at(s, n, k + 1) == 0x80 && at(s, n, k + 2) == 0x80)
            k += 3;
        else
            return k;
    }
}

/* A number of 1..2 digits and then its unit (one of two spellings), blanks
 * allowed before either; *i moves past the unit. */
static bool part_at(const char *s, size_t n, size_t *i, const char *const units[2], unsigned *v)
{
    size_t k = skip_blank(s, n, *i);
    if (v && !num(s, n, &k, 1, 2, v))
        return false;
    k = skip_blank(s, n, k);
    for (int u = 0; u < 2; u++) {
        size_t l = strlen(units[u]);
        if (k + l <= n && memcmp(s + k, units[u], l) == 0) {
            *i = k + l;
            return true;
        }
    }
    return false;
}

/* The Chinese and Japanese "2019年4月21日" and the Korean "2019년 4월 21일",
 * read after the year's digits end at i; a clock written the same way
 * ("12時00分", "12시 00분") may follow, after a weekday in brackets
 * ("（金）"). *end is where the date, or its clock, ends. */
static bool cjk_date(const char *s, size_t n, size_t i, unsigned year, nw_mdate_t *d, size_t *end)
{
    static const char *const y[2] = {"\xE5\xB9\xB4", "\xEB\x85\x84"};
    static const char *const m[2] = {"\xE6\x9C\x88", "\xEC\x9B\x94"};
    static const char *const dd[2] = {"\xE6\x97\xA5", "\xEC\x9D\xBC"};
    static const char *const hr[2] = {"\xE6\x99\x82", "\xEC\x8B\x9C"};
    static const char *const mi[2] = {"\xE5\x88\x86", "\xEB\xB6\x84"};
    static const char *const open[2] = {"(", "\xEF\xBC\x88"};
    static const char *const close[2] = {")", "\xEF\xBC\x89"};
    size_t k = i;
    unsigned mo, da, h, mn;
    if (!part_at(s, n, &k, y, NULL) || !part_at(s, n, &k, m, &mo) || !part_at(s, n, &k, dd, &da))
        return false;
    d->year = year;
    d->month = mo;
    d->day = da;
    *end = k;
    size_t c = k;
    if (part_at(s, n, &c, open, NULL)) {
        size_t w = c;
        while (w < c + 12 && !part_at(s, n, &w, close, NULL) && w < n)
            w++;
        c = w;
    }
    if (part_at(s, n, &c, hr, &h) && part_at(s, n, &c, mi, &mn) && h < 24 && mn < 60) {
        d->hour = h;
        d->min = mn;
        d->has_time = true;
        *end = c;
    }
    return true;
}

/* Whether s[0, n) holds an ASCII digit. */
static bool has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (digit((unsigned char)s[i]))
            return true;
    return false;
}

bool nw_mdate_visible(const char *s, size_t n, const char *lang, const nw_zone_table_t *zones,
                      nw_mdate_t *out)
{
    tokn_t tk[64];
    size_t nt = 0, i = 0;
    if (n > VISIBLE_MAX)
        n = VISIBLE_MAX;
    /* Every date below has a number, its year at least: a text without a
     * digit is none, told before it is cut into tokens and its words are
     * looked up as month names. */
    if (!has_digit(s, n))
        return false;
    /* Tokens: numbers and words, with the byte after each kept for separators. */
    while (i < n && nt < sizeof(tk) / sizeof(tk[0])) {
        int c = at(s, n, i);
        if (digit(c)) {
            tokn_t t = {i, i, 0, 0, true};
            size_t k = i;
            unsigned v = 0;
            while (digit(at(s, n, k))) {
                if (k - i < 9)
                    v = v * 10 + (unsigned)(s[k] - '0');
                k++;
            }
            t.e = k;
            t.v = k - i <= 8 ? v : 0;
            tk[nt++] = t;
            i = k;
        } else if (word_byte(c)) {
            size_t k = i;
            while (word_byte(at(s, n, k)) && !(at(s, n, k) == 0xC2 && at(s, n, k + 1) == 0xA0))
                k++;
            if (k == i)
                k = i + 1;
            tokn_t t = {i, k, 0, month_of(s + i, k - i), false};
            tk[nt++] = t;
            i = k;
        } else {
            i++;
        }
    }
    int df = day_first(lang);
    for (size_t t = 0; t < nt; t++) {
        nw_mdate_t d;
        memset(&d, 0, sizeof(d));
        size_t end = 0;
        bool ok = false;
        const tokn_t *a = &tk[t], *b = t + 1 < nt ? &tk[t + 1] : NULL,
                     *c = t + 2 < nt ? &tk[t + 2] : NULL, *e = t + 3 < nt ? &tk[t + 3] : NULL;
        /* Skip "de" between parts (es, pt: "4 de diciembre de 2026"). */
        if (b && !b->number && !b->month && b->e - b->b == 2 && nw_ts_lower(s[b->b]) == 'd' &&
            nw_ts_lower(s[b->b + 1]) == 'e' && c) {
            if (a->number && c->month && e && !e->number && e->e - e->b == 2 && t + 4 < nt &&
                tk[t + 4].number) {
                d.day = a->v, d.month = c->month, d.year = tk[t + 4].v, end = tk[t + 4].e;
                ok = tk[t + 4].e - tk[t + 4].b == 4;
            } else if (a->number && c->month && e && e->number) {
                d.day = a->v, d.month = c->month, d.year = e->v, end = e->e;
                ok = e->e - e->b == 4;
            }
        }
        if (!ok && a->number && b && b->month && c && c->number && c->e - c->b == 4 &&
            a->e - a->b <= 2) { /* 4 December 2026, 4. Dezember 2026 */
            d.day = a->v, d.month = b->month, d.year = c->v, end = c->e;
            ok = true;
        } else if (!ok && a->month && b && b->number && b->e - b->b <= 2 && c && c->number &&
                   c->e - c->b == 4) { /* December 4, 2026; Dec 4th 2026 */
            d.day = b->v, d.month = a->month, d.year = c->v, end = c->e;
            ok = true;
        } else if (!ok && a->month && b && b->number && b->e - b->b <= 2 && c && !c->number && e &&
                   e->number && e->e - e->b == 4 && c->e - c->b == 2) { /* Dec 4th, 2026 */
            d.day = b->v, d.month = a->month, d.year = e->v, end = e->e;
            ok = true;
        } else if (!ok && a->number && b && b->number && c && c->number) {
            char s1 = (char)at(s, n, a->e), s2 = (char)at(s, n, b->e);
            bool adj = a->e + 1 == b->b && b->e + 1 == c->b && s1 == s2;
            size_t la = a->e - a->b, lb = b->e - b->b, lc = c->e - c->b;
            if (adj && (s1 == '-' || s1 == '/' || s1 == '.') && la == 4 && lb <= 2 && lc <= 2) {
                d.year = a->v, d.month = b->v, d.day = c->v, end = c->e; /* 2026/12/04 */
                ok = true;
            } else if (adj && (s1 == '-' || s1 == '/' || s1 == '.') && la <= 2 && lb <= 2 &&
                       lc == 4) {
                unsigned x = a->v, y = b->v;
                d.year = c->v, end = c->e;
                if (s1 == '.' || x > 12) {
                    d.day = x, d.month = y, ok = true;
                } else if (y > 12) {
                    d.day = y, d.month = x, ok = true;
                } else if (x == y) {
                    d.day = x, d.month = y, ok = true;
                } else if (df >= 0) {
                    d.day = df ? x : y, d.month = df ? y : x, ok = true;
                }
            } else if (adj && s1 == '.' && la <= 2 && lb <= 2 && lc == 2 &&
                       !(at(s, n, c->e) == '.' && digit(at(s, n, c->e + 1)))) {
                /* "Do 25.04.24 | 14:07 Uhr": the dotted day-first date with
                 * a two-digit year of this century (not a version number
                 * "1.2.3.4"). */
                d.day = a->v, d.month = b->v, d.year = 2000 + c->v, end = c->e;
                ok = true;
            }
        }
        if (!ok && a->number && a->e - a->b == 4)
            ok = cjk_date(s, n, a->e, a->v, &d, &end);
        if (!ok)
            continue;
        /* A date glued to more digits ("4.12.20261") is not one. */
        if (digit(at(s, n, end)) || !nw_mdate_valid(&d))
            continue;
        /* Ordinals and a trailing dot of the year ("2026.") are fine. */
        time_after(s, n, end, zones, &d);
        *out = d;
        return true;
    }
    return false;
}

bool nw_mdate_url(const char *url, size_t n, nw_mdate_t *out)
{
    /* Only the path: skip "scheme://host". */
    size_t i = 0;
    const char *p = memchr(url, ':', n < 16 ? n : 16);
    if (p && (size_t)(p - url) + 2 < n && p[1] == '/' && p[2] == '/') {
        i = (size_t)(p - url) + 3;
        while (i < n && url[i] != '/')
            i++;
    }
    for (; i < n; i++) {
        if (url[i] == '?' || url[i] == '#')
            return false;
        if (i > 0 && digit(at(url, n, i - 1)))
            continue;
        if (!digit(url[i]))
            continue;
        nw_mdate_t d;
        memset(&d, 0, sizeof(d));
        size_t k = i;
        unsigned y, m, da;
        if (!num(url, n, &k, 4, 8, &y))
            continue;
        if (k - i == 8) {
            d.year = y / 10000, d.month = y / 100 % 100, d.day = y % 100;
        } else if (k - i == 4) {
            char sep = (char)at(url, n, k);
            if (sep != '/' && sep != '-' && sep != '_')
                continue;
            k++;
            size_t mk = k;
            if (!num(url, n, &k, 1, 2, &m))
                continue;
            /* "/2020-02/19/": a month folder of year and month, then the
             * day's, as news agencies' sites lay out their paths. */
            bool month_dir = sep == '-' && at(url, n, k) == '/' && k - mk == 2;
            if (at(url, n, k) != sep && !month_dir)
                continue;
            size_t dk = ++k;
            if (!num(url, n, &k, 1, 2, &da) || (month_dir && (k - dk != 2 || at(url, n, k) != '/')))
                continue;
            /* "/2017/7/12/", "/2023/10/3/": a one-digit month or day only
             * as whole path segments, so that "/2019/5/10-ways" and
             * "/2023/10/3-questions" are no dates. */
            bool short_part = dk - mk == 2 || k - dk == 1;
            if (short_part && (sep != '/' || (at(url, n, k) != '/' && k < n)))
                continue;
            d.year = y, d.month = m, d.day = da;
        } else {
            continue;
        }
        if (digit(at(url, n, k)) || !nw_mdate_valid(&d))
            continue;
        *out = d;
        return true;
    }
    return false;
}

#define LABEL_MAX 32 /* bytes of a label line (label_line()) */

/* Words in a line, where a run of letters or digits is a word. */
static size_t line_words(const char *s, size_t n)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        bool sp = s[i] == ' ' || s[i] == '\t';
        w += !sp && !in;
        in = !sp;
    }
    return w;
}

/* True when a line has a word (line_words() > 0), found at its first
 * byte that is no blank rather than by counting every word: every line of
 * a page's text asks. */
static bool line_has_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return true;
    return false;
}

/* A line that gives an update time ("Updated ...", "Aktualisiert am ...",
 * "Mis à jour le ...", "Actualizado ...", "Aggiornato ...", "Bijgewerkt ...",
 * the Chinese and Japanese "2019年12月17日更新"). */
static bool update_line(const char *s, size_t n)
{
    static const char *const words[] = {"updated",
                                        "modified",
                                        "aktualisiert",
                                        "mis à jour",
                                        "mise à jour",
                                        "actualizado",
                                        "aggiornato",
                                        "atualizado",
                                        "bijgewerkt",
                                        "geändert",
                                        "\xE6\x9B\xB4\xE6\x96\xB0"};
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        size_t l = strlen(words[k]);
        for (size_t i = 0; i + l <= n; i++)
            if (!nw_ascii_head_differs(s + i, l, words[k]) && strncasecmp(s + i, words[k], l) == 0)
                return true;
    }
    return false;
}

/* A line that is only a label for the next one: a few words and no digit
 * ("Joined" above "May 11, 2017" in a <dt>/<dd> pair, "Zuletzt geändert
 * am:" above "15.10.2021"). */
static bool label_line(const char *s, size_t n)
{
    if (n == 0 || n > LABEL_MAX || line_words(s, n) > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return false;
    return true;
}

/* The context of the markup's visible date that this line repeats (the
 * page-to-text step writes the header's "today" or a teaser's date as a
 * line of its own), or 0: the markup scan knew where it sat. */
static uint8_t markup_ctx(const nw_html_meta_t *meta, const char *s, size_t n)
{
    for (int f = NW_META_PUBLISHED; f <= NW_META_UPDATED; f++)
        for (size_t i = 0; i < meta->n[f]; i++) {
            const nw_meta_cand_t *k = &meta->cand[f][i];
            size_t kn = strlen(k->value);
            if (k->tier == NW_TIER_VISIBLE && k->ctx && kn == n && memcmp(k->value, s, n) == 0)
                return k->ctx;
        }
    return 0;
}

int nw_meta_scan_lines(const char *text, size_t len, nw_html_meta_t *meta)
{
    size_t i = 0, found = 0, lines = 0, prev = 0, prev_n = 0;
    while (i < len && found < 3 && lines < 400) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len, n = e - i;
        nw_mdate_t d;
        lines++;
        /* A date line is short: a label, a weekday, the date and a time.
         * nw_mdate_visible() turns away a line without a digit, as most
         * are; told first, its words need no counting. */
        if (n >= 8 && n <= 90 && has_digit(text + i, n) && line_words(text + i, n) <= 10 &&
            nw_mdate_visible(text + i, n, "xx", NULL, &d)) {
            /* A label on the line above is the date's own: it says whose
             * date it is (a member's joining day, an update), which the
             * merge reads from the value. */
            char joined[LABEL_MAX + 1 + 90];
            const char *v = text + i;
            size_t vn = n;
            if (label_line(text + prev, prev_n)) {
                nw_mdate_t jd;
                memcpy(joined, text + prev, prev_n);
                joined[prev_n] = ' ';
                memcpy(joined + prev_n + 1, text + i, n);
                /* Only a label: words that read as part of the date (a
                 * month's name) leave the line alone. */
                if (nw_mdate_visible(joined, prev_n + 1 + n, "xx", NULL, &jd) &&
                    jd.year == d.year && jd.month == d.month && jd.day == d.day) {
                    v = joined;
                    vn = prev_n + 1 + n;
                }
            }
            nw_meta_field_t f = update_line(v, vn) ? NW_META_UPDATED : NW_META_PUBLISHED;
            uint8_t ctx = markup_ctx(meta, text + i, n);
            size_t before = meta->n[f];
            int rc = nw_html_meta_add(meta, f, NW_TIER_VISIBLE, v, vn);
            if (rc < 0)
                return rc;
            if (meta->n[f] > before)
                meta->cand[f][before].ctx = ctx;
            found++;
        }
        if (line_has_word(text + i, n)) {
            prev = i;
            prev_n = n;
        }
        i = e + 1;
    }
    return 0;
}
