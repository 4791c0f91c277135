/*
 * The timestamp parser: reads the date, time and zone of a news timestamp in
 * whatever order they come and converts them to UTC seconds.
 *
 * A single left-to-right scan over a length-bounded buffer: it sees raw
 * message bytes, so it never reads past len nor relies on a NUL. Each token
 * fills one field of the result; a field seen twice, an impossible value or a
 * word it does not know is an error quoting the text, because a timestamp
 * guessed wrong is worse than one refused. The calendar arithmetic is
 * days_from_civil, not timegm()/mktime(), so the result is thread-safe and
 * independent of the machine's TZ.
 */
#include "parse/timestamp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse/zones.h"

#define TS_YEAR_MIN  1970
#define TS_YEAR_MAX  2199
#define TS_QUOTE_MAX 160 /* bytes of the input quoted in a message */
#define TS_TOKEN_MAX 48  /* bytes of one token quoted in a message */

typedef struct ts_span {
    const char *p;
    size_t n;
} ts_span_t;

typedef struct ts_state {
    const char *s;
    size_t len;
    size_t i;
    const nw_zone_table_t *zones;
    nw_error_t *err;
    ts_span_t text; /* the input without surrounding blanks, quoted in messages */
    int64_t year;
    unsigned month, day, hour, min, sec;
    int wday;
    int32_t offset;        /* when the zone is a numeric offset */
    const nw_zone_t *zone; /* when it is an abbreviation */
    bool after_time;       /* the previous token was a time: '-' then starts an offset */
    ts_span_t year_tok, month_tok, day_tok, wday_tok, time_tok, zone_tok;
} ts_state_t;

/* Copies n bytes for quoting in a message: control bytes and invalid UTF-8
 * become '?', so the message is safe in a Kafka header or a JSON string, and
 * a long text is cut at a character boundary with "...". */
static void quote(char *dst, size_t cap, const char *p, size_t n)
{
    size_t o = 0, k = 0;
    while (k < n) {
        unsigned char c = (unsigned char)p[k];
        size_t need = c < 0x80                   ? 1
                      : (c >= 0xC2 && c <= 0xDF) ? 2
                      : (c >= 0xE0 && c <= 0xEF) ? 3
                      : (c >= 0xF0 && c <= 0xF4) ? 4
                                                 : 0;
        bool ok = need > 0 && k + need <= n;
        for (size_t q = 1; ok && q < need; q++)
            ok = ((unsigned char)p[k + q] & 0xC0) == 0x80;
        if (ok && need >= 3) { /* no overlongs, surrogates or code points past U+10FFFF */
            unsigned char c1 = (unsigned char)p[k + 1];
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) &&
                 !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (!ok)
            need = 1;
        if (o + need + 4 > cap) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (!ok || c < 0x20 || c == 0x7F) {
            dst[o++] = '?';
        } else {
            memcpy(dst + o, p + k, need);
            o += need;
        }
        k += need;
    }
    dst[o] = '\0';
}

static int fail(ts_state_t *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(ts_state_t *st, const char *fmt, ...)
{
    char why[320], text[TS_QUOTE_MAX + 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    quote(text, sizeof(text), st->text.p, st->text.n);
    return nw_error_reject(st->err, NW_REJECT_BAD_TIMESTAMP, "bad timestamp '%s': %s", text, why);
}

typedef struct ts_tok_text {
    char s[TS_TOKEN_MAX + 4];
} ts_tok_text_t;

static ts_tok_text_t tok(ts_span_t sp)
{
    ts_tok_text_t t;
    quote(t.s, sizeof(t.s), sp.p, sp.n);
    return t;
}

static ts_span_t span(const ts_state_t *st, size_t from, size_t to)
{
    ts_span_t sp = {st->s + from, to - from};
    return sp;
}

/* A field seen twice ("two years") is an error rather than last-one-wins:
 * it usually means the line holds two timestamps or a stray number. */
static int twice(ts_state_t *st, const char *what, ts_span_t first, ts_span_t second)
{
    return fail(st, "two %s ('%s' and '%s')", what, tok(first).s, tok(second).s);
}

/* The end of a run of bytes that are not blanks or commas: the token quoted
 * when the scanner meets something it does not know. */
static size_t junk_end(const ts_state_t *st, size_t j)
{
    while (j < st->len && !nw_ts_is_space(nw_ts_at(st->s, st->len, j)) && st->s[j] != ',' &&
           !nw_ts_blank(st->s, st->len, j))
        j++;
    return j;
}

/* "AM", "pm", "a.m.", "P.M" at j (not followed by a letter): returns its end
 * and sets *pm, or returns 0. */
static size_t meridiem_at(const ts_state_t *st, size_t j, bool *pm)
{
    int c = nw_ts_lower(nw_ts_at(st->s, st->len, j));
    size_t k = j + 1;
    if (c != 'a' && c != 'p')
        return 0;
    if (nw_ts_at(st->s, st->len, k) == '.')
        k++;
    if (nw_ts_lower(nw_ts_at(st->s, st->len, k)) != 'm')
        return 0;
    k++;
    if (k - j == 3 && nw_ts_at(st->s, st->len, k) == '.') /* the closing dot of "a.m." */
        k++;
    if (nw_ts_is_alpha(nw_ts_at(st->s, st->len, k)))
        return 0;
    *pm = c == 'p';
    return k;
}

static int set_fixed_zone(ts_state_t *st, int32_t offset, ts_span_t sp)
{
    if (st->zone_tok.p)
        return twice(st, "time zones", st->zone_tok, sp);
    st->zone_tok = sp;
    st->zone = NULL;
    st->offset = offset;
    return 0;
}

/* A numeric offset: "+05:30" after a time, or the sign part of "GMT+5:30"
 * (then from is where "GMT" starts). */
static int scan_offset(ts_state_t *st, size_t from, size_t sign)
{
    size_t used = 0;
    int32_t offset = 0;
    int rc = nw_zone_parse_offset(st->s + sign, st->len - sign, &used, &offset);
    if (rc == NW_ERR_RANGE)
        return fail(st, "UTC offset '%s' is out of range (-14:00 to +14:00, minutes 0-59)",
                    tok(span(st, from, junk_end(st, sign + 1))).s);
    if (rc != 0)
        return fail(st, "bad UTC offset '%s'", tok(span(st, from, junk_end(st, sign + 1))).s);
    st->i = sign + used;
    st->after_time = false;
    return set_fixed_zone(st, offset, span(st, from, st->i));
}

/* British style "15.02" (the Guardian, the BBC): one or two digits, a dot,
 * exactly two digits, and neither another digit nor a dot after them, so a
 * dotted date such as 30.12.2021 is not mistaken for a time. */
static bool dotted_minutes(const char *s, size_t len, size_t j)
{
    return nw_ts_at(s, len, j) == '.' && nw_ts_is_digit(nw_ts_at(s, len, j + 1)) &&
           nw_ts_is_digit(nw_ts_at(s, len, j + 2)) && !nw_ts_is_digit(nw_ts_at(s, len, j + 3)) &&
           nw_ts_at(s, len, j + 3) != '.';
}

/* A time at st->i: H:MM, HH:MM:SS, HH:MM:SS.fff (fraction dropped), H.MM, or
 * H alone when AM/PM follows; then an optional AM/PM and an ISO "Z". */
static int scan_time(ts_state_t *st)
{
    const char *s = st->s;
    size_t len = st->len, start = st->i, j = start, digits = 0, mend;
    unsigned h = 0, m = 0, sec = 0;
    bool pm = false;
    while (nw_ts_is_digit(nw_ts_at(s, len, j)) && digits < 3) {
        h = h * 10 + (unsigned)(s[j++] - '0');
        digits++;
    }
    if (digits > 2 || nw_ts_is_digit(nw_ts_at(s, len, j)))
        return fail(st, "bad time '%s'", tok(span(st, start, junk_end(st, j))).s);
    bool dotted = dotted_minutes(s, len, j);
    if (dotted) {
        m = (unsigned)(s[j + 1] - '0') * 10 + (unsigned)(s[j + 2] - '0');
        j += 3;
    }
    for (int part = 0; part < 2 && !dotted && nw_ts_at(s, len, j) == ':'; part++) {
        if (!nw_ts_is_digit(nw_ts_at(s, len, j + 1)) || !nw_ts_is_digit(nw_ts_at(s, len, j + 2)) ||
            nw_ts_is_digit(nw_ts_at(s, len, j + 3)))
            return fail(st, "bad time '%s'", tok(span(st, start, junk_end(st, j))).s);
        unsigned v = (unsigned)(s[j + 1] - '0') * 10 + (unsigned)(s[j + 2] - '0');
        *(part == 0 ? &m : &sec) = v;
        j += 3;
        if (part == 1 && nw_ts_at(s, len, j) == '.' && nw_ts_is_digit(nw_ts_at(s, len, j + 1))) {
            j++;
            while (nw_ts_is_digit(nw_ts_at(s, len, j)))
                j++;
        }
    }
    ts_span_t sp = span(st, start, j);
    mend = meridiem_at(st, nw_ts_skip_blanks(s, len, j), &pm);
    if (mend) {
        j = mend;
        sp = span(st, start, j);
        if (h < 1 || h > 12)
            return fail(st, "hour %u does not exist on a 12-hour clock in '%s'", h, tok(sp).s);
        h = h % 12 + (pm ? 12 : 0);
    } else if (j - start == digits) {
        return fail(st, "bad time '%s'", tok(span(st, start, junk_end(st, j))).s);
    } else if (h > 23) {
        return fail(st, "hour %u is out of range in '%s'", h, tok(sp).s);
    }
    if (m > 59)
        return fail(st, "minute %u is out of range in '%s'", m, tok(sp).s);
    if (sec > 59) /* leap seconds are not printed by news sites; treat as a typo */
        return fail(st, "second %u is out of range in '%s'", sec, tok(sp).s);
    if (st->time_tok.p)
        return twice(st, "times", st->time_tok, sp);
    st->time_tok = sp;
    st->hour = h;
    st->min = m;
    st->sec = sec;
    st->i = j;
    st->after_time = true;
    if (!mend && nw_ts_lower(nw_ts_at(s, len, j)) == 'z' &&
        !nw_ts_is_alpha(nw_ts_at(s, len, j + 1))) {
        st->i = j + 1; /* ISO 8601's "Z" belongs to the time, whatever the table says */
        st->after_time = false;
        return set_fixed_zone(st, 0, span(st, j, j + 1));
    }
    return 0;
}

static int set_year(ts_state_t *st, int64_t y, ts_span_t sp)
{
    if (st->year_tok.p)
        return twice(st, "years", st->year_tok, sp);
    if (y < TS_YEAR_MIN || y > TS_YEAR_MAX)
        return fail(st, "year %s is outside %d..%d", tok(sp).s, TS_YEAR_MIN, TS_YEAR_MAX);
    st->year_tok = sp;
    st->year = y;
    return 0;
}

static int set_month(ts_state_t *st, unsigned m, ts_span_t sp)
{
    if (st->month_tok.p)
        return twice(st, "months", st->month_tok, sp);
    st->month_tok = sp;
    st->month = m;
    return 0;
}

static int set_day(ts_state_t *st, unsigned d, ts_span_t sp)
{
    if (st->day_tok.p)
        return twice(st, "days of the month", st->day_tok, sp);
    if (d < 1 || d > 31)
        return fail(st, "day %s does not exist", tok(sp).s);
    st->day_tok = sp;
    st->day = d;
    return 0;
}

/* An ISO 8601 date at st->i (four digits and '-' already seen): YYYY-MM-DD,
 * optionally followed by 'T' and a time. */
static int scan_iso_date(ts_state_t *st)
{
    const char *s = st->s;
    size_t len = st->len, start = st->i, j = start + 5;
    int rc;
    if (!nw_ts_is_digit(nw_ts_at(s, len, j)) || !nw_ts_is_digit(nw_ts_at(s, len, j + 1)) ||
        nw_ts_at(s, len, j + 2) != '-' || !nw_ts_is_digit(nw_ts_at(s, len, j + 3)) ||
        !nw_ts_is_digit(nw_ts_at(s, len, j + 4)) || nw_ts_is_digit(nw_ts_at(s, len, j + 5)))
        return fail(st, "bad ISO 8601 date '%s'", tok(span(st, start, junk_end(st, j))).s);
    int64_t y = (s[start] - '0') * 1000 + (s[start + 1] - '0') * 100 + (s[start + 2] - '0') * 10 +
                (s[start + 3] - '0');
    unsigned m = (unsigned)(s[j] - '0') * 10 + (unsigned)(s[j + 1] - '0');
    unsigned d = (unsigned)(s[j + 3] - '0') * 10 + (unsigned)(s[j + 4] - '0');
    ts_span_t sp = span(st, start, j + 5);
    if (m < 1 || m > 12)
        return fail(st, "month %u does not exist in '%s'", m, tok(sp).s);
    if ((rc = set_year(st, y, sp)) || (rc = set_month(st, m, sp)))
        return rc;
    if (d < 1 || d > 31)
        return fail(st, "day %u does not exist in '%s'", d, tok(sp).s);
    if ((rc = set_day(st, d, sp)))
        return rc;
    st->i = j + 5;
    st->after_time = false;
    if (nw_ts_lower(nw_ts_at(s, len, st->i)) == 't' &&
        nw_ts_is_digit(nw_ts_at(s, len, st->i + 1))) {
        st->i++;
        return scan_time(st);
    }
    return 0;
}

/* Digits at st->i: an ISO date, a time, a year (three or more digits) or a
 * day of the month with an optional ordinal suffix that must be the right one. */
static int scan_number(ts_state_t *st)
{
    const char *s = st->s;
    size_t len = st->len, start = st->i, j = start, digits = 0;
    uint64_t v = 0;
    bool pm;
    while (nw_ts_is_digit(nw_ts_at(s, len, j))) {
        if (digits < 18) /* more digits than any year: keep counting, stop adding */
            v = v * 10 + (uint64_t)(s[j] - '0');
        digits++;
        j++;
    }
    if (digits == 4 && nw_ts_at(s, len, j) == '-' && nw_ts_is_digit(nw_ts_at(s, len, j + 1)))
        return scan_iso_date(st);
    if (nw_ts_at(s, len, j) == ':' ||
        (digits <= 2 &&
         (dotted_minutes(s, len, j) || meridiem_at(st, nw_ts_skip_blanks(s, len, j), &pm))))
        return scan_time(st);
    st->after_time = false;
    if (nw_ts_at(s, len, j) == '.' && nw_ts_is_digit(nw_ts_at(s, len, j + 1)))
        return fail(st, "unexpected '%s'", tok(span(st, start, junk_end(st, j))).s);
    if (nw_ts_is_alpha(nw_ts_at(s, len, j))) {
        size_t e = j;
        while (nw_ts_is_alpha(nw_ts_at(s, len, e)))
            e++;
        ts_span_t sp = span(st, start, e);
        if (digits > 2 || e - j != 2 || nw_ts_is_digit(nw_ts_at(s, len, e)))
            return fail(st, "unexpected '%s'", tok(span(st, start, junk_end(st, e))).s);
        unsigned n = (unsigned)v;
        const char *want = (n % 10 == 1 && n != 11)   ? "st"
                           : (n % 10 == 2 && n != 12) ? "nd"
                           : (n % 10 == 3 && n != 13) ? "rd"
                                                      : "th";
        if (!nw_ts_word_is(s + j, 2, want)) {
            if (nw_ts_word_is(s + j, 2, "st") || nw_ts_word_is(s + j, 2, "nd") ||
                nw_ts_word_is(s + j, 2, "rd") || nw_ts_word_is(s + j, 2, "th"))
                return fail(st, "wrong ordinal '%s' (%u%s)", tok(sp).s, n, want);
            return fail(st, "unexpected '%s'", tok(sp).s);
        }
        st->i = e;
        return set_day(st, n, sp);
    }
    ts_span_t sp = span(st, start, j);
    st->i = j;
    if (digits > 2) {
        if (digits > 9)
            return fail(st, "number '%s' is too long for a year", tok(sp).s);
        return set_year(st, (int64_t)v, sp);
    }
    return set_day(st, (unsigned)v, sp);
}

/* Letters at st->i: a month, a weekday, a filler, "GMT+5:30", or a zone. */
static int scan_word(ts_state_t *st)
{
    const char *s = st->s;
    size_t len = st->len, start = st->i, j = start, k;
    unsigned m;
    int d;
    while (nw_ts_is_alpha(nw_ts_at(s, len, j)))
        j++;
    ts_span_t w = span(st, start, j);
    if (nw_ts_at(s, len, j) >= 0x80 && !nw_ts_blank(s, len, j))
        return fail(st, "unexpected '%s'", tok(span(st, start, junk_end(st, j))).s);
    st->after_time = false;
    if ((m = nw_ts_month(w.p, w.n)) != 0) {
        st->i = j + (nw_ts_at(s, len, j) == '.'); /* "Dec." */
        return set_month(st, m, w);
    }
    if ((d = nw_ts_weekday(w.p, w.n)) >= 0) {
        st->i = j + (nw_ts_at(s, len, j) == '.');
        if (st->wday_tok.p)
            return twice(st, "weekdays", st->wday_tok, w);
        st->wday_tok = w;
        st->wday = d;
        return 0;
    }
    if (nw_ts_filler(w.p, w.n)) {
        st->i = j;
        return 0;
    }
    if (nw_ts_word_is(w.p, w.n, "gmt") || nw_ts_word_is(w.p, w.n, "utc") ||
        nw_ts_word_is(w.p, w.n, "ut")) {
        k = nw_ts_skip_blanks(s, len, j);
        if ((nw_ts_at(s, len, k) == '+' || nw_ts_at(s, len, k) == '-') &&
            nw_ts_is_digit(nw_ts_at(s, len, k + 1)))
            return scan_offset(st, start, k);
    }
    const nw_zone_t *z = nw_zone_find(st->zones, w.p, w.n);
    if (z) {
        if (st->zone_tok.p)
            return twice(st, "time zones", st->zone_tok, w);
        st->zone_tok = w;
        st->zone = z;
        st->i = j;
        return 0;
    }
    if (nw_ts_month_like(w.p, w.n))
        return fail(st, "unknown month '%s'", tok(w).s);
    bool upper = w.n >= 2 && w.n <= 5;
    for (k = 0; upper && k < w.n; k++)
        upper = w.p[k] >= 'A' && w.p[k] <= 'Z';
    if (upper)
        return fail(st, "unknown time zone '%s'", tok(w).s);
    return fail(st, "unexpected word '%s'", tok(span(st, start, junk_end(st, j))).s);
}

/* Blanks, commas and the like between parts; a '-' is a separator too
 * ("30-Dec-2021", "Dec 30 - 15:02") unless it follows a time and a digit
 * follows it, when it is a UTC offset. */
static void skip_separators(ts_state_t *st)
{
    for (;;) {
        int c = nw_ts_at(st->s, st->len, st->i);
        size_t u = nw_ts_blank(st->s, st->len, st->i);
        if (u)
            st->i += u;
        else if (nw_ts_is_space(c) || c == ',' || c == '|' || c == '(' || c == ')' || c == '/' ||
                 (c == '-' &&
                  !(st->after_time && nw_ts_is_digit(nw_ts_at(st->s, st->len, st->i + 1)))))
            st->i++;
        else
            return;
    }
}

static int finish(ts_state_t *st, int64_t *out_utc)
{
    static const unsigned mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int32_t offset;
    if (!st->year_tok.p && !st->month_tok.p && !st->day_tok.p)
        return fail(st, "no date");
    if (!st->year_tok.p)
        return fail(st, "no year");
    if (!st->month_tok.p)
        return fail(st, "no month");
    if (!st->day_tok.p)
        return fail(st, "no day of the month");
    if (!st->time_tok.p)
        return fail(st, "no time of day");
    if (!st->zone_tok.p)
        return fail(st, "no time zone");
    bool leap = (st->year % 4 == 0 && st->year % 100 != 0) || st->year % 400 == 0;
    if (st->day > mdays[st->month] + (st->month == 2 && leap))
        return fail(st, "day %u does not exist in %s %lld", st->day, nw_ts_month_names[st->month],
                    (long long)st->year);
    int64_t days = nw_days_from_civil(st->year, st->month, st->day);
    int real = (int)((days + 4) % 7); /* days >= 0 here: the year is at least 1970 */
    if (st->wday_tok.p && real != st->wday)
        return fail(st, "%s %u, %lld was a %s, not '%s'", nw_ts_month_names[st->month], st->day,
                    (long long)st->year, nw_ts_weekday_names[real], tok(st->wday_tok).s);
    int64_t local = days * 86400 + st->hour * 3600 + st->min * 60 + st->sec;
    if (!st->zone)
        offset = st->offset;
    else if (nw_zone_offset(st->zone, local, &offset) != 0)
        return fail(st,
                    "%02u:%02u on %lld-%02u-%02u does not exist in %s (%s): the clocks "
                    "skip that hour",
                    st->hour, st->min, (long long)st->year, st->month, st->day, tok(st->zone_tok).s,
                    nw_zone_rule_name(st->zone->rule));
    *out_utc = local - offset;
    return 0;
}

int nw_timestamp_parse(const char *text, size_t len, const nw_zone_table_t *zones, int64_t *out_utc,
                       nw_error_t *err)
{
    ts_state_t st;
    size_t b = 0, e = len;
    int rc = 0;
    memset(&st, 0, sizeof(st));
    if (!text) {
        text = "";
        len = e = 0;
    }
    st.s = text;
    st.len = len;
    st.zones = zones;
    st.err = err;
    b = nw_ts_skip_blanks(text, len, 0);
    while (e > b &&
           (nw_ts_is_space(nw_ts_at(text, len, e - 1)) || nw_ts_at(text, len, e - 1) == ','))
        e--;
    st.text = span(&st, b, e);
    if (!out_utc)
        return nw_error_set(err, NW_ERR_INVALID, "nw_timestamp_parse: no output");
    if (!zones)
        return nw_error_set(err, NW_ERR_INVALID, "nw_timestamp_parse: no zone table");
    if (b == e)
        return fail(&st, "empty");
    st.i = b;
    for (;;) {
        skip_separators(&st);
        int c = nw_ts_at(text, len, st.i);
        if (c < 0)
            break;
        if (nw_ts_is_digit(c))
            rc = scan_number(&st);
        else if (nw_ts_is_alpha(c))
            rc = scan_word(&st);
        else if (c == '+' || c == '-')
            rc = scan_offset(&st, st.i, st.i);
        else
            rc = fail(&st, "unexpected '%s'", tok(span(&st, st.i, junk_end(&st, st.i + 1))).s);
        if (rc)
            return rc;
    }
    return finish(&st, out_utc);
}
