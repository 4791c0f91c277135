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
#include "encode/ninjs.h"
#include "enrichers/builtins.h"
#include "enrichers/dates_internal.h"
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

/* The tokens a date may start at and those around it, lexed when a rule
 * first asks for them: most of a text is words that start no date, which
 * the scan passes over without making tokens of them. Index 0 is the token
 * a date may start at; the rules look at most nine tokens past it ("Thursday,
 * Jan. 12, 2022" and the check that 2022 is not the start of "2022-1") and
 * two before it (a number glued to the one before, "last Thursday"). */
#define TOK_AHEAD 16

typedef struct toks {
    const char *text; /* the whole text: the tokens before stop at its start */
    tok_t v[TOK_AHEAD];
    size_t n;         /* tokens lexed from index 0 on */
    const char *from; /* where the token after v[n - 1] is lexed from */
    bool end;         /* the text has no token after v[n - 1] */
    tok_t back[2];    /* index -1 and -2 */
    size_t nback;     /* how many of back[] are lexed */
    bool back_none;   /* the text has no token before back[nback - 1] (or v[0]) */
} toks_t;

typedef struct days {
    int64_t *v;
    size_t n, cap;
    bool oom;
} days_t;

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

/* Lexes the token at or after p (past whitespace) into k: a word (ASCII
 * letters), a number with the letters right after it, or a single
 * punctuation mark, a multi-byte character being one. Returns false at the
 * text's end. The whitespace before a token is what the byte before it
 * tells, as tokens are back to back. */
static bool lex(const char *text, const char *p, tok_t *k)
{
    while (is_space(*p))
        p++;
    if (!*p)
        return false;
    unsigned char c = (unsigned char)*p;
    *k = (tok_t){.s = p, .space_before = p == text || is_space(p[-1])};
    if (is_alpha(*p)) {
        k->type = TOK_WORD;
        while (is_alpha(p[k->len]))
            k->len++;
    } else if (is_digit(*p)) {
        k->type = TOK_NUM;
        while (is_digit(p[k->len])) {
            if (k->num < 100000)
                k->num = k->num * 10 + (p[k->len] - '0');
            k->len++;
        }
        k->digits = (int)k->len;
        size_t s = 0;
        while (is_alpha(p[k->len + s]))
            s++;
        if (s) {
            k->suffix = true;
            k->ordinal = s == 2 && strncasecmp(p + k->len, ordinal_suffix(k->num), 2) == 0;
            k->len += s;
        }
    } else {
        k->type = TOK_PUNCT;
        k->len = 1;
        if (c >= 0xC0)
            while ((p[k->len] & 0xC0) == 0x80)
                k->len++;
    }
    return true;
}

/* Lexes the token that ends last before at (a token's start) into k, as
 * lex() from the text's start would have made it: letters right after
 * digits belong to the number, and continuation bytes to the lead byte
 * before them. Returns false when no token comes before at. */
static bool lex_back(const char *text, const char *at, tok_t *k)
{
    const char *q = at;
    while (q > text && is_space(q[-1]))
        q--;
    if (q == text)
        return false;
    const char *r = q;
    if (is_alpha(q[-1]) || is_digit(q[-1])) {
        while (r > text && is_alpha(r[-1]))
            r--;
        if (r == q || (r > text && is_digit(r[-1])))
            while (r > text && is_digit(r[-1]))
                r--;
    } else if ((q[-1] & 0xC0) == 0x80) {
        while (r > text && (r[-1] & 0xC0) == 0x80)
            r--;
        r = r > text && (unsigned char)r[-1] >= 0xC0 ? r - 1 : q - 1;
    } else {
        r = q - 1;
    }
    return lex(text, r, k);
}

/* tok() past the tokens lexed so far, or before index 0. */
static const tok_t *tok_more(toks_t *t, ptrdiff_t i)
{
    if (i < 0) {
        size_t b = (size_t)(-i - 1);
        while (t->nback <= b && !t->back_none) {
            const char *at = t->nback ? t->back[t->nback - 1].s : t->v[0].s;
            if (lex_back(t->text, at, &t->back[t->nback]))
                t->nback++;
            else
                t->back_none = true;
        }
        return b < t->nback ? &t->back[b] : NULL;
    }
    while ((size_t)i >= t->n && !t->end) {
        if (t->n < TOK_AHEAD && lex(t->text, t->from, &t->v[t->n])) {
            t->from = t->v[t->n].s + t->v[t->n].len;
            t->n++;
        } else {
            t->end = true;
        }
    }
    return (size_t)i < t->n ? &t->v[i] : NULL;
}

/* Token i of t (negative: before index 0), lexed on first use; NULL when
 * the text has none there. */
static inline const tok_t *tok(toks_t *t, ptrdiff_t i)
{
    return i >= 0 && (size_t)i < t->n ? &t->v[i] : tok_more(t, i);
}

/* Whether k is the word w (lower-case ASCII, n letters), in any case. The
 * first letter is compared first: most words differ there. */
static inline bool word_is_n(const tok_t *k, const char *w, size_t n)
{
    if (k->type != TOK_WORD || k->len != n || (k->s[0] | 0x20) != w[0])
        return false;
    for (size_t j = 1; j < n; j++) /* letters only: | 0x20 is their lower case */
        if ((k->s[j] | 0x20) != w[j])
            return false;
    return true;
}
#define word_is(k, w) word_is_n((k), (w), sizeof(w) - 1)

static bool punct_is(const tok_t *k, char c)
{
    return k->type == TOK_PUNCT && k->s[0] == c;
}

/* Whether k is a capitalised word whose first letter is in set. */
static inline bool capitalised_in(const tok_t *k, uint32_t set)
{
    return k->type == TOK_WORD && k->s[0] >= 'A' && k->s[0] <= 'Z' && (set & LETTER_BIT(k->s[0]));
}

/* Month names and abbreviations by first letter ("may" once, as a name:
 * its period, if any, ends the sentence). */
typedef struct month_name {
    const char *s;
    uint8_t len, month;
    bool abbr;
} month_name_t;

static const month_name_t month_names[] = {
    {"april", 5, 4, false},     {"august", 6, 8, false},    {"apr", 3, 4, true},
    {"aug", 3, 8, true},        {"december", 8, 12, false}, {"dec", 3, 12, true},
    {"february", 8, 2, false},  {"feb", 3, 2, true},        {"january", 7, 1, false},
    {"june", 4, 6, false},      {"july", 4, 7, false},      {"jan", 3, 1, true},
    {"jun", 3, 6, true},        {"jul", 3, 7, true},        {"march", 5, 3, false},
    {"may", 3, 5, false},       {"mar", 3, 3, true},        {"november", 8, 11, false},
    {"nov", 3, 11, true},       {"october", 7, 10, false},  {"oct", 3, 10, true},
    {"september", 9, 9, false}, {"sep", 3, 9, true},        {"sept", 4, 9, true},
};

/* Month 1..12 of a capitalised month name or abbreviation at t[i], with the
 * abbreviation's period consumed; 0 when none. *next is the token after. */
static int month_at(toks_t *t, ptrdiff_t i, ptrdiff_t *next)
{
    const tok_t *k = tok(t, i);
    if (!k || !capitalised_in(k, MONTH_1))
        return 0;
    size_t lo, hi; /* the names that begin with k's letter */
    switch (k->s[0]) {
    case 'A':
        lo = 0, hi = 4;
        break;
    case 'D':
        lo = 4, hi = 6;
        break;
    case 'F':
        lo = 6, hi = 8;
        break;
    case 'J':
        lo = 8, hi = 14;
        break;
    case 'M':
        lo = 14, hi = 17;
        break;
    case 'N':
        lo = 17, hi = 19;
        break;
    case 'O':
        lo = 19, hi = 21;
        break;
    default: /* 'S' */
        lo = 21, hi = 24;
        break;
    }
    for (size_t e = lo; e < hi; e++) {
        const month_name_t *mn = &month_names[e];
        if (!word_is_n(k, mn->s, mn->len))
            continue;
        *next = i + 1;
        const tok_t *dot;
        if (mn->abbr && (dot = tok(t, i + 1)) && punct_is(dot, '.') && !dot->space_before)
            *next = i + 2;
        return mn->month;
    }
    return 0;
}

/* True when the number at t[i] sits in a numeric construct ("12/01",
 * "12:30", "1.5", "3-4") rather than standing alone. */
static bool glued(toks_t *t, ptrdiff_t i)
{
    const tok_t *a, *b;
    if (!tok(t, i)->space_before && (a = tok(t, i - 1)) && a->type == TOK_PUNCT &&
        strchr("/:.-,", a->s[0]) && (b = tok(t, i - 2)) && b->type == TOK_NUM)
        return true;
    if ((a = tok(t, i + 1)) && (b = tok(t, i + 2)) && !a->space_before && a->type == TOK_PUNCT &&
        strchr("/:.-,", a->s[0]) && !b->space_before && b->type == TOK_NUM)
        return true;
    return false;
}

static bool day_at(toks_t *t, ptrdiff_t i, int *day)
{
    const tok_t *k = tok(t, i);
    if (!k || k->type != TOK_NUM || k->digits > 2 || k->num < 1 || k->num > 31 ||
        (k->suffix && !k->ordinal) || glued(t, i))
        return false;
    *day = k->num;
    return true;
}

/* An optional ", 2022" or " 2022" after a date at t[i]; advances *i past it. */
static int year_after(toks_t *t, ptrdiff_t *i)
{
    ptrdiff_t j = *i;
    const tok_t *k = tok(t, j);
    if (k && punct_is(k, ','))
        k = tok(t, ++j);
    if (k && k->type == TOK_NUM && k->digits == 4 && !k->suffix && k->num >= 1900 &&
        k->num <= 2199 && !glued(t, j)) {
        *i = j + 1;
        return k->num;
    }
    return 0;
}

/* "January 12[, 2022]" or "12[th] [of] January[ 2022]" at t[i]: fills the
 * fields (year 0 when absent) and returns the index after it, or 0. */
static ptrdiff_t explicit_date_at(toks_t *t, ptrdiff_t i, int *y, int *m, int *d)
{
    ptrdiff_t j;
    const tok_t *k;
    if ((*m = month_at(t, i, &j)) && day_at(t, j, d)) {
        j++;
        *y = year_after(t, &j);
        return j;
    }
    if (day_at(t, i, d)) {
        j = i + 1;
        if ((k = tok(t, j)) && word_is(k, "of"))
            j++;
        if ((*m = month_at(t, j, &j))) {
            *y = year_after(t, &j);
            return j;
        }
    }
    return 0;
}

/* "2022-01-12" at t[i]: returns the index after it, or 0. */
static ptrdiff_t iso_date_at(toks_t *t, ptrdiff_t i, int *y, int *m, int *d)
{
    const tok_t *k = tok(t, i), *n[4];
    if (k->type != TOK_NUM || k->digits != 4 || k->suffix)
        return 0;
    for (ptrdiff_t j = 0; j < 4; j++)
        if (!(n[j] = tok(t, i + 1 + j)) || n[j]->space_before)
            return 0;
    if (!punct_is(n[0], '-') || n[1]->type != TOK_NUM || n[1]->digits != 2 || n[1]->suffix ||
        !punct_is(n[2], '-') || n[3]->type != TOK_NUM || n[3]->digits != 2)
        return 0;
    *y = k->num;
    *m = n[1]->num;
    *d = n[3]->num;
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

static const struct {
    const char *s;
    size_t len;
} weekdays[7] = {{"sunday", 6},   {"monday", 6}, {"tuesday", 7}, {"wednesday", 9},
                 {"thursday", 8}, {"friday", 6}, {"saturday", 8}};

/* The dates that start at t's token 0, added to ds; returns the index of
 * the token after those the date took (1 when none). */
static ptrdiff_t scan_at(const dates_t *cfg, toks_t *t, int64_t ref, days_t *ds)
{
    int y, m, d;
    ptrdiff_t next;
    if ((next = iso_date_at(t, 0, &y, &m, &d)) || (next = explicit_date_at(t, 0, &y, &m, &d))) {
        if (y && valid_date(y, m, d))
            add_day(ds, nw_days_from_civil(y, (unsigned)m, (unsigned)d));
        else if (!y)
            add_month_day(ds, ref, m, d);
        return next;
    }
    const tok_t *k = tok(t, 0), *o;
    if (cfg->relative &&
        (word_is(k, "yesterday") || word_is(k, "today") || word_is(k, "tomorrow"))) {
        add_day(ds, ref + (word_is(k, "yesterday") ? -1 : word_is(k, "today") ? 0 : 1));
    } else if (cfg->weekdays && capitalised_in(k, WEEKDAY_1)) {
        for (int wd = 0; wd < 7; wd++) {
            if (!word_is_n(k, weekdays[wd].s, weekdays[wd].len))
                continue;
            /* "Thursday, January 12": the date says which Thursday. */
            ptrdiff_t j = (o = tok(t, 1)) && punct_is(o, ',') ? 2 : 1;
            if (explicit_date_at(t, j, &y, &m, &d))
                break;
            int mode = 0;
            if ((o = tok(t, -1)) && word_is(o, "last"))
                mode = -1;
            else if (o && word_is(o, "next"))
                mode = 1;
            add_day(ds, resolve_weekday(ref, wd, mode));
            break;
        }
    }
    return 1;
}

static void scan(const dates_t *cfg, const char *text, int64_t ref, days_t *ds)
{
    if (!text)
        return;
    toks_t t = {.text = text};
    const char *end = text + strlen(text);
    for (const char *p = text; (p = nw_dates_next_start(cfg, text, p, end));) {
        t.n = t.nback = 0;
        t.end = t.back_none = false;
        t.from = p;
        tok(&t, 0); /* p starts a token */
        const tok_t *last = tok(&t, scan_at(cfg, &t, ref, ds) - 1);
        p = last->s + last->len;
    }
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

/* The text "YYYY-MM-DD" of a day in iso (size bytes), as "%04lld-%02u-%02u"
 * writes it; years of four digits, all of them in practice, without
 * snprintf(). Returns its length. */
static size_t iso_day(char *iso, size_t size, int64_t y, unsigned mo, unsigned da)
{
    if (y < 0 || y > 9999) {
        int n = snprintf(iso, size, "%04lld-%02u-%02u", (long long)y, mo, da);
        return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
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
    return (size_t)(p - iso);
}

/* The days the article mentions, sorted, each once, into *ds (the caller
 * frees ds->v). NW_ENRICH_OK when there are some; otherwise the status and
 * detail to report. */
static nw_enrich_status_t dates_find(const dates_t *cfg, const nw_enrich_input_t *in, days_t *ds,
                                     char *detail, size_t detail_len)
{
    int64_t when = in->published != INT64_MIN ? in->published : in->versioncreated;
    int64_t ref = floor_div(when, 86400);
    scan(cfg, in->headline, ref, ds);
    scan(cfg, in->standfirst, ref, ds);
    scan(cfg, in->body, ref, ds);
    if (ds->oom) {
        snprintf(detail, detail_len, "out of memory");
        return NW_ENRICH_DEGRADED;
    }
    if (ds->n == 0) {
        snprintf(detail, detail_len, "no dates");
        return NW_ENRICH_SKIPPED;
    }
    if (ds->n > 1)
        qsort(ds->v, ds->n, sizeof(*ds->v), cmp_day);
    size_t u = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (i == 0 || ds->v[i] != ds->v[u - 1])
            ds->v[u++] = ds->v[i];
    ds->n = u;
    return NW_ENRICH_OK;
}

/* The text of day i of ds into iso (32 bytes); its length. */
static size_t dates_day(const days_t *ds, size_t i, char iso[32])
{
    int64_t y;
    unsigned mo, da;
    nw_civil_from_days(ds->v[i], &y, &mo, &da);
    return iso_day(iso, 32, y, mo, da);
}

static nw_enrich_status_t dates_found(const days_t *ds, char *detail, size_t detail_len)
{
    /* "%zu date%s" */
    char note[32], *p = nw_builtin_udec(note, ds->n);
    memcpy(p, " dates", 6);
    nw_builtin_note(detail, detail_len, note, (size_t)(p + (ds->n == 1 ? 5 : 6) - note));
    return NW_ENRICH_OK;
}

static nw_enrich_status_t dates_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                       char *detail, size_t detail_len)
{
    days_t ds = {0};
    nw_enrich_status_t st = dates_find(state, in, &ds, detail, detail_len);
    json_t *list = NULL;
    if (st != NW_ENRICH_OK)
        goto out;
    if (!(list = json_array()))
        goto oom;
    for (size_t i = 0; i < ds.n; i++) {
        char iso[32];
        /* The text is ASCII digits and dashes: no UTF-8 check. */
        size_t n = dates_day(&ds, i, iso);
        if (json_array_append_new(list, json_stringn_nocheck(iso, n)) < 0)
            goto oom;
    }
    json_t *ext = nw_builtin_extension(record);
    if (!ext || json_object_set_new(ext, "dates_mentioned", list) < 0) {
        list = NULL;
        goto oom;
    }
    list = NULL;
    st = dates_found(&ds, detail, detail_len);
    goto out;
oom:
    snprintf(detail, detail_len, "out of memory");
    st = NW_ENRICH_DEGRADED;
out:
    json_decref(list);
    free(ds.v);
    return st;
}

nw_enrich_status_t nw_builtin_dates_bytes(void *state, nw_enrich_bytes_t *rec,
                                          const nw_enrich_input_t *in, char *detail,
                                          size_t detail_len)
{
    days_t ds = {0};
    nw_enrich_status_t st = dates_find(state, in, &ds, detail, detail_len);
    if (st == NW_ENRICH_OK) {
        nw_buf_lit(&rec->ext, ",\"dates_mentioned\":[");
        for (size_t i = 0; i < ds.n; i++) {
            char iso[32];
            size_t n = dates_day(&ds, i, iso);
            if (i)
                nw_buf_putc(&rec->ext, ',');
            nw_json_put_string(&rec->ext, iso, n);
        }
        nw_buf_putc(&rec->ext, ']');
        st = dates_found(&ds, detail, detail_len);
    }
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
    for (size_t i = 0; i < sizeof(month_names) / sizeof(month_names[0]); i++)
        d->name_lengths[month_names[i].s[0] - 'a'] |= (uint16_t)(1u << month_names[i].len);
    for (size_t i = 0; i < 7; i++)
        d->name_lengths[weekdays[i].s[0] - 'a'] |= (uint16_t)(1u << weekdays[i].len);
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
