/*
 * The zone table: time-zone abbreviations as news sites print them, mapped to
 * a fixed offset or to a daylight-saving rule, plus the rules themselves.
 *
 * Abbreviations are ambiguous (IST is India, Ireland or Israel), so the
 * default table maps them as a news desk would and the configuration can
 * override any entry, globally or per source on a clone. The table is a small
 * array searched linearly: it holds a few dozen entries and is read far more
 * often than it is changed.
 *
 * The rules are computed from the calendar (no TZ database, no mktime), so
 * the result does not depend on the machine's time zone and is thread-safe.
 */
#include "parse/zones.h"

#include <stdlib.h>
#include <string.h>

#define H(h)     ((int32_t)(h)*3600)
#define HM(h, m) ((int32_t)(h)*3600 + (int32_t)(m)*60)

struct nw_zone_table {
    nw_zone_t *v;
    size_t n;
    size_t cap;
    nw_date_policy_t policy;
};

/* The news-desk defaults. Ambiguous abbreviations take the reading most
 * likely in English-language news: IST India, BST British Summer Time,
 * CST US Central, GST Gulf. */
static const struct {
    const char *abbr;
    nw_zone_rule_t rule;
    int32_t offset;
} default_zones[] = {
    {"IST", NW_ZONE_FIXED, HM(5, 30)},
    {"GMT", NW_ZONE_FIXED, 0},
    {"UTC", NW_ZONE_FIXED, 0},
    {"UT", NW_ZONE_FIXED, 0},
    {"Z", NW_ZONE_FIXED, 0},
    {"BST", NW_ZONE_FIXED, H(1)},
    {"WET", NW_ZONE_FIXED, 0},
    {"WEST", NW_ZONE_FIXED, H(1)},
    {"CET", NW_ZONE_FIXED, H(1)},
    {"CEST", NW_ZONE_FIXED, H(2)},
    {"EET", NW_ZONE_FIXED, H(2)},
    {"EEST", NW_ZONE_FIXED, H(3)},
    {"MSK", NW_ZONE_FIXED, H(3)},
    {"EST", NW_ZONE_FIXED, H(-5)},
    {"EDT", NW_ZONE_FIXED, H(-4)},
    {"CST", NW_ZONE_FIXED, H(-6)},
    {"CDT", NW_ZONE_FIXED, H(-5)},
    {"MST", NW_ZONE_FIXED, H(-7)},
    {"MDT", NW_ZONE_FIXED, H(-6)},
    {"PST", NW_ZONE_FIXED, H(-8)},
    {"PDT", NW_ZONE_FIXED, H(-7)},
    {"AKST", NW_ZONE_FIXED, H(-9)},
    {"AKDT", NW_ZONE_FIXED, H(-8)},
    {"HST", NW_ZONE_FIXED, H(-10)},
    {"ET", NW_ZONE_US_EASTERN, 0},
    {"CT", NW_ZONE_US_CENTRAL, 0},
    {"MT", NW_ZONE_US_MOUNTAIN, 0},
    {"PT", NW_ZONE_US_PACIFIC, 0},
    {"JST", NW_ZONE_FIXED, H(9)},
    {"KST", NW_ZONE_FIXED, H(9)},
    {"AEST", NW_ZONE_FIXED, H(10)},
    {"AEDT", NW_ZONE_FIXED, H(11)},
    {"ACST", NW_ZONE_FIXED, HM(9, 30)},
    {"ACDT", NW_ZONE_FIXED, HM(10, 30)},
    {"AWST", NW_ZONE_FIXED, H(8)},
    {"NZST", NW_ZONE_FIXED, H(12)},
    {"NZDT", NW_ZONE_FIXED, H(13)},
    {"WIB", NW_ZONE_FIXED, H(7)},
    {"ICT", NW_ZONE_FIXED, H(7)},
    {"SGT", NW_ZONE_FIXED, H(8)},
    {"HKT", NW_ZONE_FIXED, H(8)},
    {"PHT", NW_ZONE_FIXED, H(8)},
    {"PKT", NW_ZONE_FIXED, H(5)},
    {"NPT", NW_ZONE_FIXED, HM(5, 45)},
    {"GST", NW_ZONE_FIXED, H(4)},
    {"EAT", NW_ZONE_FIXED, H(3)},
    {"SAST", NW_ZONE_FIXED, H(2)},
    {"WAT", NW_ZONE_FIXED, H(1)},
    {"CAT", NW_ZONE_FIXED, H(2)},
    {"TRT", NW_ZONE_FIXED, H(3)},
    {"IRST", NW_ZONE_FIXED, HM(3, 30)},
    {"AFT", NW_ZONE_FIXED, HM(4, 30)},
    {"MYT", NW_ZONE_FIXED, H(8)},
    {"WITA", NW_ZONE_FIXED, H(8)},
    {"WIT", NW_ZONE_FIXED, H(9)},
    /* The Americas south of the US, and Newfoundland. Brazil and Chile's
     * summer abbreviations are kept for archived pages (Brazil dropped
     * daylight saving in 2019). AST stays out: Atlantic or Arabia. */
    {"BRT", NW_ZONE_FIXED, H(-3)},
    {"BRST", NW_ZONE_FIXED, H(-2)},
    {"ART", NW_ZONE_FIXED, H(-3)},
    {"UYT", NW_ZONE_FIXED, H(-3)},
    {"CLT", NW_ZONE_FIXED, H(-4)},
    {"CLST", NW_ZONE_FIXED, H(-3)},
    {"BOT", NW_ZONE_FIXED, H(-4)},
    {"VET", NW_ZONE_FIXED, H(-4)},
    {"COT", NW_ZONE_FIXED, H(-5)},
    {"PET", NW_ZONE_FIXED, H(-5)},
    {"NST", NW_ZONE_FIXED, HM(-3, -30)},
    {"NDT", NW_ZONE_FIXED, HM(-2, -30)},
};

/* Standard and daylight offsets of each rule; which dates it switches on is
 * decided in rule_window(). */
static const struct {
    const char *name;
    int32_t std;
    int32_t dst;
    bool us; /* US dates and 02:00-local switch; otherwise EU dates at 01:00 UTC */
} rules[] = {
    [NW_ZONE_FIXED] = {"fixed", 0, 0, false},
    [NW_ZONE_US_EASTERN] = {"us-eastern", H(-5), H(-4), true},
    [NW_ZONE_US_CENTRAL] = {"us-central", H(-6), H(-5), true},
    [NW_ZONE_US_MOUNTAIN] = {"us-mountain", H(-7), H(-6), true},
    [NW_ZONE_US_PACIFIC] = {"us-pacific", H(-8), H(-7), true},
    [NW_ZONE_EU_CENTRAL] = {"eu-central", H(1), H(2), false},
    [NW_ZONE_UK] = {"uk", 0, H(1), false},
    [NW_ZONE_EU_EASTERN] = {"eu-eastern", H(2), H(3), false},
    [NW_ZONE_EU_WESTERN] = {"eu-western", 0, H(1), false},
};
#define RULE_COUNT (sizeof(rules) / sizeof(rules[0]))

static bool same_word(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (nw_ts_lower((unsigned char)a[i]) != nw_ts_lower((unsigned char)b[i]))
            return false;
    return true;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && ((a < 0) != (b < 0)));
}

/* Day of the week of a day number, 0 = Sunday (1970-01-01 was a Thursday). */
static int64_t weekday(int64_t days)
{
    return days + 4 - floor_div(days + 4, 7) * 7;
}

static int64_t nth_sunday(int64_t y, unsigned m, unsigned nth)
{
    int64_t first = nw_days_from_civil(y, m, 1);
    return first + (7 - weekday(first)) % 7 + 7 * (int64_t)(nth - 1);
}

static int64_t last_sunday(int64_t y, unsigned m)
{
    int64_t last = nw_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
    return last - weekday(last);
}

/* The daylight-saving window of year y as UTC seconds [*start, *end). */
static void rule_window(nw_zone_rule_t r, int64_t y, int64_t *start, int64_t *end)
{
    int64_t on, off;
    if (!rules[r].us) {
        /* EU: last Sunday of March to last Sunday of October, 01:00 UTC. */
        *start = last_sunday(y, 3) * 86400 + 3600;
        *end = last_sunday(y, 10) * 86400 + 3600;
        return;
    }
    if (y >= 2007) { /* Energy Policy Act of 2005 */
        on = nth_sunday(y, 3, 2);
        off = nth_sunday(y, 11, 1);
    } else if (y >= 1987) {
        on = nth_sunday(y, 4, 1);
        off = last_sunday(y, 10);
    } else if (y == 1974) { /* the energy-crisis years */
        on = nw_days_from_civil(1974, 1, 6);
        off = last_sunday(y, 10);
    } else if (y == 1975) {
        on = nw_days_from_civil(1975, 2, 23);
        off = last_sunday(y, 10);
    } else { /* Uniform Time Act of 1966 */
        on = last_sunday(y, 4);
        off = last_sunday(y, 10);
    }
    /* The switch is at 02:00 local: standard time going on, daylight coming off. */
    *start = on * 86400 + 7200 - rules[r].std;
    *end = off * 86400 + 7200 - rules[r].dst;
}

int nw_zone_offset(const nw_zone_t *z, int64_t local, int32_t *offset)
{
    int64_t y, start, end;
    unsigned m, d;
    if (z->rule == NW_ZONE_FIXED || (size_t)z->rule >= RULE_COUNT) {
        *offset = z->offset;
        return 0;
    }
    nw_civil_from_days(floor_div(local, 86400), &y, &m, &d);
    rule_window(z->rule, y, &start, &end);
    /* Try the wall-clock time as daylight time first, so a repeated hour
     * resolves to its first occurrence; a time valid as neither is in the gap. */
    int64_t as_dst = local - rules[z->rule].dst;
    int64_t as_std = local - rules[z->rule].std;
    if (as_dst >= start && as_dst < end) {
        *offset = rules[z->rule].dst;
        return 0;
    }
    if (as_std < start || as_std >= end) {
        *offset = rules[z->rule].std;
        return 0;
    }
    return NW_ERR_RANGE;
}

/* Countries that keep one zone, by ISO 3166 code (the ccTLD but for uk).
 * Left out: countries of several zones (us, ca, au, br, ru, mx, id, kz, cl,
 * ...), those whose daylight-saving rule is not one of the rules above
 * (il, eg, ir, py, ...) and mainland-only ones not worth the risk (nz). Spain
 * and Portugal are their mainland's (the Canaries and Azores are an hour
 * behind); Turkey is +03:00 since 2016 (EET/EEST before, an hour off in
 * winter for older pages, never a day at the hours news is published). */
static const struct {
    const char *codes; /* two letters each, one space apart */
    nw_zone_rule_t rule;
    int32_t offset;
} countries[] = {
    {"ad al at ba be ch cz de dk es fr hr hu it li lu mc me mk mt nl no pl rs se si sk sm va",
     NW_ZONE_EU_CENTRAL, 0},
    {"bg cy ee fi gr lt lv ro ua", NW_ZONE_EU_EASTERN, 0},
    {"gb ie uk", NW_ZONE_UK, 0},
    {"pt", NW_ZONE_EU_WESTERN, 0},
    {"gh is", NW_ZONE_FIXED, 0},
    {"ng", NW_ZONE_FIXED, H(1)},
    {"za", NW_ZONE_FIXED, H(2)},
    {"by ke qa sa tr", NW_ZONE_FIXED, H(3)},
    {"ae", NW_ZONE_FIXED, H(4)},
    {"pk", NW_ZONE_FIXED, H(5)},
    {"in lk", NW_ZONE_FIXED, HM(5, 30)},
    {"np", NW_ZONE_FIXED, HM(5, 45)},
    {"bd", NW_ZONE_FIXED, H(6)},
    {"th vn", NW_ZONE_FIXED, H(7)},
    {"cn hk my ph sg tw", NW_ZONE_FIXED, H(8)},
    {"jp kr", NW_ZONE_FIXED, H(9)},
    {"ar", NW_ZONE_FIXED, H(-3)},
    {"co pe", NW_ZONE_FIXED, H(-5)},
};

bool nw_zone_of_country(const char *cc, size_t n, nw_zone_t *out)
{
    if (n != 2)
        return false;
    for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
        for (const char *c = countries[i].codes; c[0]; c += c[2] ? 3 : 2)
            if (same_word(c, cc, 2)) {
                memset(out, 0, sizeof(*out));
                memcpy(out->abbr, cc, 2);
                out->rule = countries[i].rule;
                out->offset = countries[i].offset;
                return true;
            }
    return false;
}

const char *nw_zone_origin_name(nw_zone_origin_t o)
{
    static const char *const names[] = {NULL, "page", "source", "country", "utc"};
    return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : NULL;
}

const char *nw_zone_rule_name(nw_zone_rule_t rule)
{
    return (size_t)rule < RULE_COUNT ? rules[rule].name : "unknown";
}

int nw_zone_parse_offset(const char *p, size_t n, size_t *used, int32_t *offset)
{
    size_t j = 1, digits = 0;
    unsigned v = 0, h, m = 0;
    if (n < 2 || (p[0] != '+' && p[0] != '-'))
        return NW_ERR_INVALID;
    while (j < n && nw_ts_is_digit((unsigned char)p[j]) && digits < 5) {
        v = v * 10 + (unsigned)(p[j] - '0');
        j++;
        digits++;
    }
    if (digits == 0 || digits > 4)
        return NW_ERR_INVALID;
    if (digits <= 2) {
        h = v;
        if (j < n && p[j] == ':') {
            if (j + 2 >= n || !nw_ts_is_digit((unsigned char)p[j + 1]) ||
                !nw_ts_is_digit((unsigned char)p[j + 2]))
                return NW_ERR_INVALID;
            m = (unsigned)(p[j + 1] - '0') * 10 + (unsigned)(p[j + 2] - '0');
            j += 3;
        }
    } else {
        h = v / 100;
        m = v % 100;
    }
    if (j < n && (nw_ts_is_digit((unsigned char)p[j]) || p[j] == ':'))
        return NW_ERR_INVALID;
    if (m > 59 || h * 3600 + m * 60 > NW_ZONE_OFFSET_MAX)
        return NW_ERR_RANGE;
    *used = j;
    *offset = (p[0] == '-' ? -1 : 1) * (int32_t)(h * 3600 + m * 60);
    return 0;
}

/* Index of abbr in the table, or t->n when it is not there. */
static size_t zone_index(const nw_zone_table_t *t, const char *abbr, size_t n)
{
    size_t i = 0;
    if (n == 0 || n >= NW_ZONE_ABBR_MAX)
        return t->n;
    /* The text reader asks about many words; most differ from each entry
     * in their first letter, told before strlen(). */
    int first = nw_ts_lower((unsigned char)abbr[0]);
    for (; i < t->n; i++)
        if (nw_ts_lower((unsigned char)t->v[i].abbr[0]) == first && strlen(t->v[i].abbr) == n &&
            same_word(t->v[i].abbr, abbr, n))
            break;
    return i;
}

const nw_zone_t *nw_zone_find(const nw_zone_table_t *t, const char *abbr, size_t n)
{
    size_t i;
    if (!t || !abbr)
        return NULL;
    i = zone_index(t, abbr, n);
    return i < t->n ? &t->v[i] : NULL;
}

/* Adds or replaces; abbr is already validated. */
static int zone_put(nw_zone_table_t *t, const char *abbr, nw_zone_rule_t rule, int32_t offset)
{
    size_t n = strlen(abbr), i = zone_index(t, abbr, n);
    nw_zone_t *z = i < t->n ? &t->v[i] : NULL;
    if (!z) {
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 64;
            nw_zone_t *v = realloc(t->v, cap * sizeof(*v));
            if (!v)
                return NW_ERR_NOMEM;
            t->v = v;
            t->cap = cap;
        }
        z = &t->v[t->n++];
    }
    memset(z, 0, sizeof(*z));
    memcpy(z->abbr, abbr, n);
    z->rule = rule;
    z->offset = offset;
    return 0;
}

nw_zone_table_t *nw_zone_table_new(void)
{
    nw_zone_table_t *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    for (size_t i = 0; i < sizeof(default_zones) / sizeof(default_zones[0]); i++) {
        if (zone_put(t, default_zones[i].abbr, default_zones[i].rule, default_zones[i].offset)) {
            nw_zone_table_free(t);
            return NULL;
        }
    }
    return t;
}

nw_zone_table_t *nw_zone_table_clone(const nw_zone_table_t *t)
{
    nw_zone_table_t *c;
    if (!t)
        return NULL;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    if (t->n) {
        c->v = malloc(t->n * sizeof(*c->v));
        if (!c->v) {
            free(c);
            return NULL;
        }
        memcpy(c->v, t->v, t->n * sizeof(*c->v));
    }
    c->n = c->cap = t->n;
    c->policy = t->policy;
    return c;
}

void nw_zone_table_free(nw_zone_table_t *t)
{
    if (!t)
        return;
    free(t->v);
    free(t);
}

/* A spec as nw_zone_table_set() takes it: a rule name, "UTC"/"GMT"/"Z", or an
 * offset, optionally written "UTC+05:30". */
static int parse_spec(const char *spec, nw_zone_rule_t *rule, int32_t *offset)
{
    size_t n = strlen(spec), used;
    for (size_t r = 1; r < RULE_COUNT; r++) {
        if (strlen(rules[r].name) == n && same_word(rules[r].name, spec, n)) {
            *rule = (nw_zone_rule_t)r;
            *offset = 0;
            return 0;
        }
    }
    *rule = NW_ZONE_FIXED;
    if ((n == 3 && (same_word(spec, "utc", 3) || same_word(spec, "gmt", 3))) ||
        (n == 1 && nw_ts_lower((unsigned char)spec[0]) == 'z')) {
        *offset = 0;
        return 0;
    }
    if (n > 3 && (same_word(spec, "utc", 3) || same_word(spec, "gmt", 3))) {
        spec += 3;
        n -= 3;
    }
    if (nw_zone_parse_offset(spec, n, &used, offset) != 0 || used != n)
        return NW_ERR_INVALID;
    return 0;
}

int nw_zone_table_set(nw_zone_table_t *t, const char *abbr, const char *spec, nw_error_t *err)
{
    nw_zone_rule_t rule;
    int32_t offset;
    size_t n;
    if (!t || !abbr || !spec)
        return nw_error_set(err, NW_ERR_INVALID, "zone table: missing table, abbreviation or spec");
    n = strlen(abbr);
    if (n == 0 || n >= NW_ZONE_ABBR_MAX)
        return nw_error_set(err, NW_ERR_INVALID,
                            "zone abbreviation '%.40s' must be 1 to %d letters", abbr,
                            NW_ZONE_ABBR_MAX - 1);
    for (size_t i = 0; i < n; i++)
        if (!nw_ts_is_alpha((unsigned char)abbr[i]))
            return nw_error_set(err, NW_ERR_INVALID,
                                "zone abbreviation '%.40s' must be letters only", abbr);
    if (nw_timestamp_reserved_word(abbr, n))
        return nw_error_set(err, NW_ERR_INVALID,
                            "zone abbreviation '%s' is a month, weekday or other date word", abbr);
    if (parse_spec(spec, &rule, &offset) != 0)
        return nw_error_set(
            err, NW_ERR_INVALID,
            "zone '%s': bad spec '%.60s' (expected an offset from -14:00 to "
            "+14:00 such as +05:30 or -0800, UTC, or one of us-eastern, "
            "us-central, us-mountain, us-pacific, eu-central, eu-eastern, eu-western, uk)",
            abbr, spec);
    if (zone_put(t, abbr, rule, offset) != 0)
        return nw_error_set(err, NW_ERR_NOMEM, "zone table: out of memory adding '%s'", abbr);
    return 0;
}

const nw_date_policy_t *nw_zone_table_policy(const nw_zone_table_t *t)
{
    static const nw_date_policy_t defaults;
    return t ? &t->policy : &defaults;
}

static bool language_tag(const char *v)
{
    size_t n = strlen(v), run = 0;
    if (n < 2 || n >= sizeof(((nw_date_policy_t *)0)->locale))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '-' || v[i] == '_') {
            if (run == 0)
                return false;
            run = 0;
        } else if (nw_ts_is_alpha((unsigned char)v[i]) || (i > 2 && v[i] >= '0' && v[i] <= '9')) {
            run++;
        } else {
            return false;
        }
    }
    return run > 0 && nw_ts_is_alpha((unsigned char)v[0]) && nw_ts_is_alpha((unsigned char)v[1]);
}

int nw_zone_table_set_policy(nw_zone_table_t *t, const char *setting, const char *value,
                             nw_error_t *err)
{
    nw_date_policy_t *p = &t->policy;
    if (strcmp(setting, "locale") == 0) {
        if (!language_tag(value))
            return nw_error_set(err, NW_ERR_INVALID,
                                "locale '%.40s' is not a language tag such as de or en-US", value);
        strcpy(p->locale, value);
        for (char *c = p->locale; *c; c++)
            if (*c == '_')
                *c = '-';
        return 0;
    }
    if (strcmp(setting, "timezone") == 0) {
        nw_zone_rule_t rule;
        int32_t offset;
        const nw_zone_t *z = nw_zone_find(t, value, strlen(value));
        if (z) {
            rule = z->rule;
            offset = z->offset;
        } else if (parse_spec(value, &rule, &offset) != 0) {
            return nw_error_set(err, NW_ERR_INVALID,
                                "timezone '%.40s': expected an offset such as +01:00, UTC, a "
                                "rule name such as eu-central, or a known abbreviation",
                                value);
        }
        p->has_zone = true;
        p->zone_rule = (int)rule;
        p->zone_offset = offset;
        return 0;
    }
    if (strcmp(setting, "country_zone") == 0) {
        if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
            return nw_error_set(err, NW_ERR_INVALID, "country_zone '%.40s': expected on or off",
                                value);
        p->country_zone_off = value[1] == 'f';
        return 0;
    }
    if (strcmp(setting, "unzoned") == 0) {
        /* In nw_unzoned_t order. */
        static const char *const names[] = {"reject", "utc", "day"};
        for (size_t i = 0; i < 3; i++)
            if (strcmp(value, names[i]) == 0) {
                p->unzoned = (nw_unzoned_t)i;
                return 0;
            }
        return nw_error_set(err, NW_ERR_INVALID, "unzoned '%.40s': expected reject, utc or day",
                            value);
    }
    if (strcmp(setting, "fallback") == 0) {
        static const char *const names[] = {"none", "fetched_at", "received"};
        for (size_t i = 0; i < 3; i++)
            if (strcmp(value, names[i]) == 0) {
                p->fallback = (nw_date_fallback_t)i;
                return 0;
            }
        return nw_error_set(err, NW_ERR_INVALID,
                            "fallback '%.40s': expected none, fetched_at or received", value);
    }
    return nw_error_set(err, NW_ERR_INVALID, "unknown date policy setting '%.40s'", setting);
}
