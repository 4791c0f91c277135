/*
 * Timestamps as news sites print them: the words the grammar knows (months,
 * weekdays, fillers), the label classifier that spots an "Updated ..." or
 * "Published ..." line, and the civil-calendar arithmetic and formatting.
 * The parser itself is in timestamp_parse.c, the zones in zones.c.
 *
 * The classifier is deliberately stricter than "starts with Updated": a line
 * is a timestamp line only when the label is followed by something that
 * starts like a date (a digit, a month or a weekday) and has a digit in it,
 * so prose such as "Updated guidance was issued" stays body text instead of
 * becoming a bad-timestamp rejection of the whole article.
 */
#include "parse/timestamp.h"

#include <string.h>

#include "parse/zones.h"

const char *const nw_ts_month_names[13] = {
    "",     "January", "February",  "March",   "April",    "May",      "June",
    "July", "August",  "September", "October", "November", "December",
};
const char *const nw_ts_weekday_names[7] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

bool nw_ts_word_is(const char *w, size_t n, const char *lit)
{
    size_t k = 0;
    for (; k < n; k++)
        if (lit[k] == '\0' || nw_ts_lower((unsigned char)w[k]) != lit[k])
            return false;
    return lit[k] == '\0';
}

size_t nw_ts_skip_blanks(const char *s, size_t len, size_t j)
{
    for (;;) {
        size_t u = nw_ts_blank(s, len, j);
        if (u)
            j += u;
        else if (nw_ts_is_space(nw_ts_at(s, len, j)))
            j++;
        else
            return j;
    }
}

/* The lengths of the names above: every word of a line is looked up, so
 * not strlen() of each name each time. */
static const unsigned char month_len[13] = {0, 7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};
static const unsigned char weekday_len[7] = {6, 6, 7, 9, 8, 6, 8};

/* w is a prefix of full, full_len bytes, (ignoring case); the caller checks
 * that n is one of the allowed lengths. */
static bool abbreviates(const char *w, size_t n, const char *full, size_t full_len)
{
    size_t k;
    if (n > full_len)
        return false;
    for (k = 0; k < n; k++)
        if (nw_ts_lower((unsigned char)w[k]) != nw_ts_lower((unsigned char)full[k]))
            return false;
    return true;
}

/* The months and weekdays a word's first letter, folded, can begin, in
 * the order the lists below would try them, three at most: every word of a
 * timestamp is looked up ("IST", "AM" too), and trying all twelve months
 * and seven days cost some 400 instructions a word. Every allowed length
 * is at least three, so a shorter word is none of them. */
static const unsigned char month_by_first[26][3] = {
    ['a' - 'a'] = {4, 8}, ['d' - 'a'] = {12}, ['f' - 'a'] = {2},  ['j' - 'a'] = {1, 6, 7},
    ['m' - 'a'] = {3, 5}, ['n' - 'a'] = {11}, ['o' - 'a'] = {10}, ['s' - 'a'] = {9},
};
/* Weekday + 1, so that 0 is none. */
static const unsigned char weekday_by_first[26][3] = {
    ['f' - 'a'] = {6},    ['m' - 'a'] = {2}, ['s' - 'a'] = {1, 7},
    ['t' - 'a'] = {3, 5}, ['w' - 'a'] = {4},
};

/* The row of a by_first table for w's first letter, or NULL. */
static const unsigned char *by_first(const unsigned char (*table)[3], const char *w, size_t n)
{
    int c = n >= 3 ? nw_ts_lower((unsigned char)w[0]) : 0;
    return c >= 'a' && c <= 'z' ? table[c - 'a'] : NULL;
}

unsigned nw_ts_month(const char *w, size_t n)
{
    const unsigned char *row = by_first(month_by_first, w, n);
    for (int i = 0; row && i < 3 && row[i]; i++) {
        unsigned m = row[i];
        if ((n == month_len[m] || n == 3 || (m == 9 && n == 4)) &&
            abbreviates(w, n, nw_ts_month_names[m], month_len[m]))
            return m;
    }
    return 0;
}

int nw_ts_weekday(const char *w, size_t n)
{
    const unsigned char *row = by_first(weekday_by_first, w, n);
    for (int i = 0; row && i < 3 && row[i]; i++) {
        int d = row[i] - 1;
        bool len_ok = n == weekday_len[d] || n == 3 || (d == 2 && n == 4) /* Tues */ ||
                      (d == 4 && (n == 4 || n == 5)) /* Thur, Thurs */;
        if (len_ok && abbreviates(w, n, nw_ts_weekday_names[d], weekday_len[d]))
            return d;
    }
    return -1;
}

bool nw_ts_filler(const char *w, size_t n)
{
    return nw_ts_word_is(w, n, "at") || nw_ts_word_is(w, n, "on") || nw_ts_word_is(w, n, "hrs");
}

bool nw_timestamp_reserved_word(const char *w, size_t n)
{
    return nw_ts_month(w, n) || nw_ts_weekday(w, n) >= 0 || nw_ts_filler(w, n) ||
           nw_ts_word_is(w, n, "am") || nw_ts_word_is(w, n, "pm");
}

/* Optimal-string-alignment distance (Levenshtein plus transpositions), for
 * words of at most 15 letters; longer words are "far". */
static size_t edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
    size_t d[16][16];
    if (an > 15 || bn > 15)
        return 99;
    for (size_t i = 0; i <= an; i++)
        d[i][0] = i;
    for (size_t k = 0; k <= bn; k++)
        d[0][k] = k;
    for (size_t i = 1; i <= an; i++) {
        for (size_t k = 1; k <= bn; k++) {
            int ai = nw_ts_lower((unsigned char)a[i - 1]),
                bk = nw_ts_lower((unsigned char)b[k - 1]);
            size_t best = d[i - 1][k] + 1;
            if (d[i][k - 1] + 1 < best)
                best = d[i][k - 1] + 1;
            if (d[i - 1][k - 1] + (ai != bk) < best)
                best = d[i - 1][k - 1] + (ai != bk);
            if (i > 1 && k > 1 && ai == nw_ts_lower((unsigned char)b[k - 2]) &&
                nw_ts_lower((unsigned char)a[i - 2]) == bk && d[i - 2][k - 2] + 1 < best)
                best = d[i - 2][k - 2] + 1;
            d[i][k] = best;
        }
    }
    return d[an][bn];
}

bool nw_ts_month_like(const char *w, size_t n)
{
    if (n < 4) /* three letters are too few to call a typo */
        return false;
    for (unsigned m = 1; m <= 12; m++)
        if (edit_distance(w, n, nw_ts_month_names[m], strlen(nw_ts_month_names[m])) <= 2)
            return true;
    return false;
}

/* Longest first, so "Last updated" is not read as the word "Last". A space
 * in a label matches any run of blanks. */
static const struct {
    const char *text;
    nw_ts_label_t kind;
} labels[] = {
    {"last updated", NW_TS_UPDATED},      {"last modified", NW_TS_UPDATED},
    {"first published", NW_TS_PUBLISHED}, {"originally published", NW_TS_PUBLISHED},
    {"first posted", NW_TS_PUBLISHED},    {"updated", NW_TS_UPDATED},
    {"modified", NW_TS_UPDATED},          {"published", NW_TS_PUBLISHED},
    {"posted", NW_TS_PUBLISHED},
};

/* The labels (index + 1) that start with each letter, in the order above. */
static const unsigned char labels_by_first[26][2] = {
    ['f' - 'a'] = {3, 5}, ['l' - 'a'] = {1, 2}, ['m' - 'a'] = {7},
    ['o' - 'a'] = {4},    ['p' - 'a'] = {8, 9}, ['u' - 'a'] = {6},
};

/* The end of label lit at j, or 0 when the line does not start with it as a
 * whole word. */
static size_t match_label(const char *s, size_t len, size_t j, const char *lit)
{
    for (; *lit; lit++) {
        if (*lit == ' ') {
            size_t k = nw_ts_skip_blanks(s, len, j);
            if (k == j)
                return 0;
            j = k;
        } else if (nw_ts_lower(nw_ts_at(s, len, j)) == *lit) {
            j++;
        } else {
            return 0;
        }
    }
    return nw_ts_is_alpha(nw_ts_at(s, len, j)) ? 0 : j;
}

/* Past the separators after a label: blanks, ':', '|', a dash, "on", "at". */
static size_t skip_label_separators(const char *s, size_t len, size_t j)
{
    for (;;) {
        size_t k = nw_ts_skip_blanks(s, len, j), w = k;
        int c = nw_ts_at(s, len, k);
        if (c == ':' || c == '|' || (c == '-' && !nw_ts_is_digit(nw_ts_at(s, len, k + 1)))) {
            j = k + 1;
            continue;
        }
        while (nw_ts_is_alpha(nw_ts_at(s, len, w)))
            w++;
        if (nw_ts_word_is(s + k, w - k, "on") || nw_ts_word_is(s + k, w - k, "at")) {
            j = w;
            continue;
        }
        return k;
    }
}

nw_ts_label_t nw_timestamp_label(const char *line, size_t len, size_t *rest)
{
    size_t j = 0, end = 0, k, w;
    nw_ts_label_t kind = NW_TS_NONE;
    if (!line)
        return NW_TS_NONE;
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) /* a BOM on a file's first line */
        j = 3;
    if (!nw_ts_is_alpha(nw_ts_at(line, len, j))) /* most lines start with a letter */
        j = nw_ts_skip_blanks(line, len, j);
    /* Only the labels of the line's first two letters are tried: most
     * lines start with no label's, and a match goes through the blank
     * test at every byte. */
    int first = nw_ts_lower(nw_ts_at(line, len, j)),
        second = nw_ts_lower(nw_ts_at(line, len, j + 1));
    if (first < 'a' || first > 'z')
        return NW_TS_NONE;
    const unsigned char *row = labels_by_first[first - 'a'];
    for (size_t r = 0; r < 2 && row[r] && !end; r++) {
        size_t i = row[r] - 1u;
        if (labels[i].text[1] != second)
            continue;
        end = match_label(line, len, j, labels[i].text);
        kind = labels[i].kind;
    }
    if (!end)
        return NW_TS_NONE;
    k = skip_label_separators(line, len, end);
    int c = nw_ts_at(line, len, k);
    if (!nw_ts_is_digit(c)) {
        for (w = k; nw_ts_is_alpha(nw_ts_at(line, len, w));)
            w++;
        if (w == k || (!nw_ts_month(line + k, w - k) && nw_ts_weekday(line + k, w - k) < 0))
            return NW_TS_NONE;
        while (w < len && !nw_ts_is_digit((unsigned char)line[w]))
            w++;
        if (w == len)
            return NW_TS_NONE;
    }
    if (rest)
        *rest = k;
    return kind;
}

int64_t nw_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                          /* [0, 399] */
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;    /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void nw_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static char *put_digits(char *p, unsigned v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        p[k] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

void nw_timestamp_format(int64_t utc, char out[21])
{
    /* Clamped to 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, the range the
     * fixed 20-character form can show. */
    const int64_t lo = -62167219200, hi = 253402300799;
    int64_t y, days, secs;
    unsigned m, d;
    char *p = out;
    if (utc < lo)
        utc = lo;
    if (utc > hi)
        utc = hi;
    days = utc / 86400 - (utc % 86400 < 0);
    secs = utc - days * 86400;
    nw_civil_from_days(days, &y, &m, &d);
    p = put_digits(p, (unsigned)y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = 'T';
    p = put_digits(p, (unsigned)(secs / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(secs / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(secs % 60), 2);
    *p++ = 'Z';
    *p = '\0';
}
