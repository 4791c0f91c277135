/*
 * The "dates" built-in: the days an article mentions, resolved against the
 * article's own date, as newswire.dates_mentioned (sorted, unique ISO dates).
 *
 * The article's date is its Published day, else its version day, in UTC. A
 * mention names one day, or it is not taken:
 *   "January 12", "Jan. 12", "12 January", "12th of January" (with or
 *   without a year: without one, the year that puts the day nearest the
 *   article's date, so "January 12" in a December 30 article is next year's);
 *   "2022-01-12";
 *   "Thursday", "on Thursday" (the nearest Thursday: three days either way,
 *   the article's own day when it is a Thursday), "last Thursday" (the one
 *   before), "next Thursday" (the one after);
 *   "yesterday", "today", "tomorrow".
 * Not days, so never taken: "next week", "last month", a bare year ("in
 * 2014"), a month and year ("January 2022"), and numeric dates such as
 * "12/01", whose day-month order cannot be told. A weekday written next to a
 * full date ("Thursday, January 12") is part of that date.
 *
 * Month and weekday names must be capitalised, which keeps the modal verb
 * "may" and the like out. Only English names are recognised.
 *
 * Settings (enrichers.dates.<key>): weekdays (resolve weekday names, default
 * true), relative (resolve yesterday/today/tomorrow, default true).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enrichers/builtins.h"
#include "parse/timestamp.h"

typedef enum { TOK_WORD, TOK_NUM, TOK_PUNCT } tok_type_t;

typedef struct tok {
    tok_type_t type;
    const char *s;
    size_t len;
    bool space_before; /* whitespace (or the start) right before it */
    int num;           /* TOK_NUM: the value (capped) */
    int digits;        /* TOK_NUM: number of digits */
    bool ordinal;      /* TOK_NUM: a correct st/nd/rd/th suffix */
    bool suffix;       /* TOK_NUM: letters right after the digits */
} tok_t;

typedef struct toks {
    tok_t *v;
    size_t n, cap;
} toks_t;

typedef struct days {
    int64_t *v;
    size_t n, cap;
    bool oom;
} days_t;

typedef struct dates {
    bool weekdays, relative;
} dates_t;

static const char *const months[12] = {"january",   "february", "march",    "april",
                                       "may",       "june",     "july",     "august",
                                       "september", "october",  "november", "december"};
static const char *const weekdays[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday"};

/* ASCII letters, by table: the tokeniser asks this of every letter of the
 * text. */
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

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "1st", "2nd", "3rd", "11th" ...: the suffix English gives n. */
static const char *ordinal_suffix(int n)
{
    if (n % 100 >= 11 && n % 100 <= 13)
        return "th";
    switch (n % 10) {
    case 1:
        return "st";
    case 2:
        return "nd";
    case 3:
        return "rd";
    }
    return "th";
}

static bool push_tok(toks_t *t, const tok_t *k)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 128;
        tok_t *v = realloc(t->v, cap * sizeof(*v));
        if (!v)
            return false;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = *k;
    return true;
}

/* Splits text into words (ASCII letters), numbers and single punctuation
 * marks; a multi-byte character is one punctuation token. */
static bool tokenize(const char *text, toks_t *t)
{
    const char *p = text;
    bool space = true;
    /* Room for a token per 5 bytes at once (a word and its space take 5 or
     * 6): grown by doubling from 128, the array was copied up to ten times
     * for a long body. */
    size_t guess = strlen(text) / 5 + 16;
    if (t->cap < guess) {
        tok_t *v = realloc(t->v, guess * sizeof(*v));
        if (!v)
            return false;
        t->v = v;
        t->cap = guess;
    }
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            p++;
            continue;
        }
        tok_t k = {.s = p, .space_before = space};
        space = false;
        if (is_alpha(*p)) {
            k.type = TOK_WORD;
            while (is_alpha(p[k.len]))
                k.len++;
        } else if (is_digit(*p)) {
            k.type = TOK_NUM;
            while (is_digit(p[k.len])) {
                if (k.num < 100000)
                    k.num = k.num * 10 + (p[k.len] - '0');
                k.len++;
            }
            k.digits = (int)k.len;
            size_t s = 0;
            while (is_alpha(p[k.len + s]))
                s++;
            if (s) {
                k.suffix = true;
                k.ordinal = s == 2 && strncasecmp(p + k.len, ordinal_suffix(k.num), 2) == 0;
                k.len += s;
            }
        } else {
            k.type = TOK_PUNCT;
            k.len = 1;
            if (c >= 0xC0)
                while ((p[k.len] & 0xC0) == 0x80)
                    k.len++;
        }
        if (!push_tok(t, &k))
            return false;
        p += k.len;
    }
    return true;
}

/* w is a lower-case ASCII word. Most words differ from it in the first
 * letter, which is compared before anything else. */
static inline bool word_is(const tok_t *k, const char *w)
{
    return k->type == TOK_WORD && (k->s[0] | 0x20) == w[0] && k->len == strlen(w) &&
           strncasecmp(k->s, w, k->len) == 0;
}

static bool punct_is(const tok_t *k, char c)
{
    return k->type == TOK_PUNCT && k->s[0] == c;
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

/* Whether k is a capitalised word whose first letter is in set. */
static inline bool capitalised_in(const tok_t *k, uint32_t set)
{
    return k->type == TOK_WORD && k->s[0] >= 'A' && k->s[0] <= 'Z' && (set & LETTER_BIT(k->s[0]));
}

/* Month 1..12 of a capitalised month name or abbreviation at t[i], with the
 * abbreviation's period consumed; 0 when none. *next is the token after. */
static int month_at(const toks_t *t, size_t i, size_t *next)
{
    static const char *const abbr[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                       "aug", "sep", "oct", "nov", "dec", "sept"};
    if (i >= t->n || !capitalised_in(&t->v[i], MONTH_1))
        return 0;
    for (int m = 0; m < 12; m++) {
        if (word_is(&t->v[i], months[m])) {
            *next = i + 1;
            return m + 1;
        }
    }
    for (int a = 0; a < 13; a++) {
        if (word_is(&t->v[i], abbr[a])) {
            *next = i + 1;
            if (i + 1 < t->n && punct_is(&t->v[i + 1], '.') && !t->v[i + 1].space_before)
                *next = i + 2;
            return a == 12 ? 9 : a + 1;
        }
    }
    return 0;
}

/* True when the number at t[i] sits in a numeric construct ("12/01",
 * "12:30", "1.5", "3-4") rather than standing alone. */
static bool glued(const toks_t *t, size_t i)
{
    if (!t->v[i].space_before && i > 0 && t->v[i - 1].type == TOK_PUNCT &&
        strchr("/:.-,", t->v[i - 1].s[0]) && i > 1 && t->v[i - 2].type == TOK_NUM)
        return true;
    if (i + 2 < t->n && !t->v[i + 1].space_before && t->v[i + 1].type == TOK_PUNCT &&
        strchr("/:.-,", t->v[i + 1].s[0]) && !t->v[i + 2].space_before &&
        t->v[i + 2].type == TOK_NUM)
        return true;
    return false;
}

static bool day_at(const toks_t *t, size_t i, int *day)
{
    if (i >= t->n)
        return false;
    const tok_t *k = &t->v[i];
    if (k->type != TOK_NUM || k->digits > 2 || k->num < 1 || k->num > 31 ||
        (k->suffix && !k->ordinal) || glued(t, i))
        return false;
    *day = k->num;
    return true;
}

/* An optional ", 2022" or " 2022" after a date at t[i]; advances *i past it. */
static int year_after(const toks_t *t, size_t *i)
{
    size_t j = *i;
    if (j < t->n && punct_is(&t->v[j], ','))
        j++;
    if (j < t->n && t->v[j].type == TOK_NUM && t->v[j].digits == 4 && !t->v[j].suffix &&
        t->v[j].num >= 1900 && t->v[j].num <= 2199 && !glued(t, j)) {
        *i = j + 1;
        return t->v[j].num;
    }
    return 0;
}

/* "January 12[, 2022]" or "12[th] [of] January[ 2022]" at t[i]: fills the
 * fields (year 0 when absent) and returns the index after it, or 0. */
static size_t explicit_date_at(const toks_t *t, size_t i, int *y, int *m, int *d)
{
    size_t j;
    if ((*m = month_at(t, i, &j)) && day_at(t, j, d)) {
        j++;
        *y = year_after(t, &j);
        return j;
    }
    if (day_at(t, i, d)) {
        j = i + 1;
        if (j < t->n && word_is(&t->v[j], "of"))
            j++;
        if ((*m = month_at(t, j, &j))) {
            *y = year_after(t, &j);
            return j;
        }
    }
    return 0;
}

/* "2022-01-12" at t[i]: returns the index after it, or 0. */
static size_t iso_date_at(const toks_t *t, size_t i, int *y, int *m, int *d)
{
    if (i + 4 >= t->n)
        return 0;
    const tok_t *k = &t->v[i];
    for (size_t j = 1; j <= 4; j++)
        if (t->v[i + j].space_before)
            return 0;
    if (k->type != TOK_NUM || k->digits != 4 || k->suffix || !punct_is(&t->v[i + 1], '-') ||
        t->v[i + 2].type != TOK_NUM || t->v[i + 2].digits != 2 || t->v[i + 2].suffix ||
        !punct_is(&t->v[i + 3], '-') || t->v[i + 4].type != TOK_NUM || t->v[i + 4].digits != 2)
        return 0;
    *y = k->num;
    *m = t->v[i + 2].num;
    *d = t->v[i + 4].num;
    return i + 5;
}

static bool valid_date(int64_t y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static void add_day(days_t *ds, int64_t day)
{
    if (ds->n == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 16;
        int64_t *v = realloc(ds->v, cap * sizeof(*v));
        if (!v) {
            ds->oom = true;
            return;
        }
        ds->v = v;
        ds->cap = cap;
    }
    ds->v[ds->n++] = day;
}

/* A month and day without a year: the year that puts it nearest ref (the
 * earlier one on a tie). */
static void add_month_day(days_t *ds, int64_t ref, int m, int d)
{
    int64_t ry, best = 0, best_dist = -1;
    unsigned rm, rd;
    nw_civil_from_days(ref, &ry, &rm, &rd);
    for (int64_t y = ry - 1; y <= ry + 1; y++) {
        if (!valid_date(y, m, d))
            continue;
        int64_t day = nw_days_from_civil(y, (unsigned)m, (unsigned)d);
        int64_t dist = day > ref ? day - ref : ref - day;
        if (best_dist < 0 || dist < best_dist) {
            best = day;
            best_dist = dist;
        }
    }
    if (best_dist >= 0)
        add_day(ds, best);
}

/* The day a weekday name refers to. mode: -1 "last", +1 "next", 0 nearest. */
static int64_t resolve_weekday(int64_t ref, int wd, int mode)
{
    int today = (int)(((ref % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday (4) */
    int ahead = (wd - today + 7) % 7;           /* 0..6 days forward */
    if (mode > 0)
        return ref + (ahead ? ahead : 7);
    if (mode < 0)
        return ref - (ahead ? 7 - ahead : 7);
    return ref + (ahead <= 3 ? ahead : ahead - 7);
}

/* Whether anything below can start at k: a number (an ISO date or a day
 * first), a capitalised month or weekday name, or yesterday / today /
 * tomorrow in any case. Most tokens are none of these and are passed over
 * without the checks each rule makes; the words that begin with t or y
 * ("the", "to", "The") are told by their length: yesterday (9), today (5),
 * tomorrow (8), and Tuesday (7) and Thursday (8) with a capital. */
static inline bool may_start_date(const tok_t *k)
{
    if (k->type == TOK_NUM)
        return true;
    if (k->type != TOK_WORD)
        return false;
    char c = k->s[0];
    if ((c | 0x20) == 'y' || (c | 0x20) == 't')
        return k->len == 5 || k->len == 8 || k->len == 9 || (c == 'T' && k->len == 7);
    return c >= 'A' && c <= 'Z' && (MONTH_WEEKDAY_1 & LETTER_BIT(c));
}

static void scan(const dates_t *cfg, const char *text, int64_t ref, days_t *ds)
{
    toks_t t = {0};
    if (!text || !tokenize(text, &t)) {
        ds->oom |= text != NULL;
        free(t.v);
        return;
    }
    for (size_t i = 0; i < t.n;) {
        int y, m, d;
        size_t next;
        if (!may_start_date(&t.v[i])) {
            i++;
            continue;
        }
        if ((next = iso_date_at(&t, i, &y, &m, &d)) ||
            (next = explicit_date_at(&t, i, &y, &m, &d))) {
            if (y && valid_date(y, m, d))
                add_day(ds, nw_days_from_civil(y, (unsigned)m, (unsigned)d));
            else if (!y)
                add_month_day(ds, ref, m, d);
            i = next;
            continue;
        }
        const tok_t *k = &t.v[i];
        if (cfg->relative &&
            (word_is(k, "yesterday") || word_is(k, "today") || word_is(k, "tomorrow"))) {
            add_day(ds, ref + (word_is(k, "yesterday") ? -1 : word_is(k, "today") ? 0 : 1));
        } else if (cfg->weekdays && capitalised_in(k, WEEKDAY_1)) {
            for (int wd = 0; wd < 7; wd++) {
                if (!word_is(k, weekdays[wd]))
                    continue;
                /* "Thursday, January 12": the date says which Thursday. */
                size_t j = i + 1 < t.n && punct_is(&t.v[i + 1], ',') ? i + 2 : i + 1;
                if (explicit_date_at(&t, j, &y, &m, &d))
                    break;
                int mode = 0;
                if (i > 0 && word_is(&t.v[i - 1], "last"))
                    mode = -1;
                else if (i > 0 && word_is(&t.v[i - 1], "next"))
                    mode = 1;
                add_day(ds, resolve_weekday(ref, wd, mode));
                break;
            }
        }
        i++;
    }
    free(t.v);
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* The JSON string "YYYY-MM-DD" of a day, as "%04lld-%02u-%02u" writes it;
 * years of four digits, all of them in practice, without snprintf(). */
static json_t *iso_day(char *iso, size_t size, int64_t y, unsigned mo, unsigned da)
{
    if (y < 0 || y > 9999) {
        snprintf(iso, size, "%04lld-%02u-%02u", (long long)y, mo, da);
        return json_string(iso);
    }
    const unsigned v[3] = {(unsigned)y, mo, da};
    char *p = iso;
    *p++ = (char)('0' + v[0] / 1000);
    *p++ = (char)('0' + v[0] / 100 % 10);
    for (size_t k = 0; k < 3; k++) {
        if (k)
            *p++ = '-';
        *p++ = (char)('0' + v[k] / 10 % 10);
        *p++ = (char)('0' + v[k] % 10);
    }
    return json_stringn_nocheck(iso, (size_t)(p - iso));
}

static nw_enrich_status_t dates_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                       char *detail, size_t detail_len)
{
    const dates_t *cfg = state;
    days_t ds = {0};
    int64_t when = in->published != INT64_MIN ? in->published : in->versioncreated;
    int64_t ref = floor_div(when, 86400);
    scan(cfg, in->headline, ref, &ds);
    scan(cfg, in->standfirst, ref, &ds);
    scan(cfg, in->body, ref, &ds);
    nw_enrich_status_t st = NW_ENRICH_OK;
    json_t *list = NULL;
    if (ds.oom)
        goto oom;
    if (ds.n == 0) {
        snprintf(detail, detail_len, "no dates");
        st = NW_ENRICH_SKIPPED;
        goto out;
    }
    if (ds.n > 1)
        qsort(ds.v, ds.n, sizeof(*ds.v), cmp_day);
    size_t u = 0;
    for (size_t i = 0; i < ds.n; i++)
        if (i == 0 || ds.v[i] != ds.v[u - 1])
            ds.v[u++] = ds.v[i];
    ds.n = u;
    if (!(list = json_array()))
        goto oom;
    for (size_t i = 0; i < ds.n; i++) {
        int64_t y;
        unsigned mo, da;
        char iso[32];
        nw_civil_from_days(ds.v[i], &y, &mo, &da);
        if (json_array_append_new(list, iso_day(iso, sizeof(iso), y, mo, da)) < 0)
            goto oom;
    }
    json_t *ext = nw_builtin_extension(record);
    if (!ext || json_object_set_new(ext, "dates_mentioned", list) < 0) {
        list = NULL;
        goto oom;
    }
    list = NULL;
    snprintf(detail, detail_len, "%zu date%s", ds.n, ds.n == 1 ? "" : "s");
    goto out;
oom:
    snprintf(detail, detail_len, "out of memory");
    st = NW_ENRICH_DEGRADED;
out:
    json_decref(list);
    free(ds.v);
    return st;
}

static int dates_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                      size_t errlen)
{
    dates_t *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (nw_builtin_bool(api, host, "dates", "weekdays", true, &d->weekdays, errbuf, errlen) < 0 ||
        nw_builtin_bool(api, host, "dates", "relative", true, &d->relative, errbuf, errlen) < 0) {
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

static void dates_destroy(void *state)
{
    free(state);
}

static const nw_enricher_t dates_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "dates",
    .description = "Dates mentioned, resolved against the article's date",
    .init = dates_init,
    .enrich = dates_enrich,
    .destroy = dates_destroy,
    .enrich_batch = NULL,
};

const nw_enricher_t *nw_builtin_dates(const nw_enricher_api_t *api)
{
    (void)api;
    return &dates_enricher;
}
