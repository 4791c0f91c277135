/*
 * nw_meta_merge(): the article's headline, times, byline and language from
 * the metadata candidates (html_meta.h), the text reader's findings and the
 * source's date policy. The text fields are meta_text.c's; the times are
 * decided here.
 *
 * The rule, for every field: the most trusted tier that yields a usable value
 * wins (JSON-LD, microdata, OpenGraph/article meta, Dublin Core and publisher
 * meta, a JSON-LD WebPage, <time> inside the article, <time> elsewhere, the
 * envelope's metadata, then the text reader's lines and visible date-like
 * elements, then the URL). A value that cannot be read is skipped, never a
 * rejection by itself: a teaser line of another article can no longer reject
 * a page whose markup has a good date.
 *
 * Dates are cross-checked, since a wrong date is worse than none: disagreeing
 * markup dates defer to the one a visible date confirms, and a markup date
 * that the article's own dateline contradicts to the next candidate; teaser,
 * page-header, archive-banner, forum-account, pre-1995 and after-fetch dates
 * rank last or not at all. A date the article quotes (years before the
 * markup's) contradicts nothing; a list of other articles' dates (newest
 * first) and the page header's "today" give none; and the URL's day
 * overrules a published time more than a day from it.
 *
 * Times: a full time with a zone is taken as is. A time without a zone takes
 * the page's own offset (the first zoned time in the page's markup), else the
 * source's configured timezone, else the zone of the page's country when that
 * country keeps one (country_zone=on, the default), else the policy's
 * "unzoned" choice (by default refused, with the reason kept for the
 * rejection; or UTC; or the date alone at day precision, the part the page
 * states for certain). A date alone is midnight UTC at day precision. The
 * record names where a zone not in the value came from (nw_zone_origin_t).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "parse/html_meta.h"
#include "parse/zones.h"

typedef struct mctx {
    const nw_html_meta_t *m;
    const nw_zone_table_t *zones;
    const nw_date_policy_t *policy;
    const char *lang; /* for visible dates: the policy's locale, else the page's */
    bool has_page_offset;
    int32_t page_offset;
    const char *url;      /* the envelope's URL, for the country's domain */
    const char *headline; /* the article's, for its script */
    int country;          /* 0 not looked for yet, 1 found (country_zone), -1 none */
    nw_zone_t country_zone;
    uint8_t origin;        /* nw_zone_origin_t of the last time place() accepted */
    char unzoned_why[200]; /* the first value refused for want of a zone */
    int64_t unzoned_day;   /* its local day (civil days) */
    int64_t capture_day;   /* a web archive's capture day (civil days), or INT64_MIN */
    int64_t latest_day;    /* no date after this day is believed (civil days) */
} mctx_t;

/* Before the web had news pages: a product's founding year, a copyright
 * line, a placeholder. */
#define EARLIEST_DAY 9131 /* 1995-01-01 */
#define QUOTED_DAYS  366  /* a visible date this much older than the markup's is quoted */

/* ---- dates ---- */

/* Visible lines whose date is not the article's: a forum member's joining
 * day, the page's clock. */
static bool other_date_label(const char *v)
{
    static const char *const labels[] = {"registriert",   "registered",      "joined",
                                         "mitglied seit", "member since",    "aktuelle zeit",
                                         "current time",  "it is currently", "es ist jetzt"};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strncasecmp(v, labels[i], strlen(labels[i])) == 0)
            return true;
    return false;
}

static unsigned digits(const char *s, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

/* A web archive's copy (".../web/20120216182711/http://..."): the capture
 * day, which the archive's banner and the page's "today" show and the URL
 * repeats; INT64_MIN when the URL is no such copy. */
static int64_t capture_day(const char *url)
{
    for (const char *p = url ? strchr(url, '/') : NULL; p; p = strchr(p + 1, '/')) {
        size_t n = strspn(p + 1, "0123456789");
        if (n == 14 && strncmp(p + 15, "/http", 5) == 0) {
            unsigned y = digits(p + 1, 4), m = digits(p + 5, 2), d = digits(p + 7, 2);
            if (m >= 1 && m <= 12 && d >= 1 && d <= 31)
                return nw_days_from_civil(y, m, d);
        }
    }
    return INT64_MIN;
}

static bool read_cand(const mctx_t *c, const nw_meta_cand_t *k, nw_mdate_t *d)
{
    size_t n = strlen(k->value);
    if (k->tier >= NW_TIER_VISIBLE) {
        bool ok = k->tier == NW_TIER_URL ? nw_mdate_url(k->value, n, d)
                                         : !other_date_label(k->value) &&
                                               nw_mdate_visible(k->value, n, c->lang, c->zones, d);
        int64_t day = ok ? nw_days_from_civil(d->year, d->month, d->day) : 0;
        return ok && day != c->capture_day && day >= EARLIEST_DAY && day <= c->latest_day;
    }
    /* Markup written as prose ("4. Dezember 2026") reads as visible text; a
     * broken ISO value ("2026-06-15T19:05xyz") does not. */
    bool iso_shape = n >= 5 && k->value[0] >= '0' && k->value[0] <= '9' &&
                     (k->value[4] == '-' || k->value[4] == '/');
    if (!nw_mdate_machine(k->value, n, c->zones, d) &&
        (iso_shape || !nw_mdate_visible(k->value, n, c->lang, c->zones, d)))
        return false;
    int64_t day = nw_days_from_civil(d->year, d->month, d->day);
    return day >= EARLIEST_DAY && day <= c->latest_day;
}

/* The first zoned time in the page's markup, for times written without one. */
static void find_page_offset(mctx_t *c)
{
    for (int t = 0; t < NW_TIER_ENVELOPE && !c->has_page_offset; t++)
        for (int f = NW_META_PUBLISHED; f <= NW_META_UPDATED; f++)
            for (size_t i = 0; i < c->m->n[f]; i++) {
                nw_mdate_t d;
                const nw_meta_cand_t *k = &c->m->cand[f][i];
                if (k->tier == t && nw_mdate_machine(k->value, strlen(k->value), c->zones, &d) &&
                    d.has_zone && !c->has_page_offset) {
                    c->has_page_offset = true;
                    c->page_offset = d.offset;
                }
            }
}

/* The region of a language tag ("de-AT", "de_DE", "zh-Hant-TW"): its
 * two-letter subtag after the language, or NULL. */
static const char *tag_region(const char *tag, size_t *n)
{
    for (const char *p = strpbrk(tag, "-_"); p; p = strpbrk(p + 1, "-_")) {
        size_t len = strcspn(p + 1, "-_");
        if (len == 2 && nw_ts_is_alpha((unsigned char)p[1]) &&
            nw_ts_is_alpha((unsigned char)p[2])) {
            *n = 2;
            return p + 1;
        }
    }
    return NULL;
}

/* The country-code top-level domain of a URL's host ("www.spiegel.de" ->
 * "de", "bbc.co.uk" -> "uk"), or NULL. ".co" and ".me" are sold as generic
 * names far more than they name Colombia and Montenegro. */
static const char *host_cc(const char *url, size_t *n)
{
    const char *h = url ? strstr(url, "://") : NULL;
    if (!h)
        return NULL;
    h += 3;
    size_t len = strcspn(h, "/?#:");
    const char *dot = NULL;
    for (size_t i = 0; i < len; i++)
        if (h[i] == '.')
            dot = h + i;
    if (!dot || h + len - dot != 3 || strncasecmp(dot + 1, "co", 2) == 0 ||
        strncasecmp(dot + 1, "me", 2) == 0)
        return NULL;
    *n = 2;
    return dot + 1;
}

/* A country whose zone stands for every country that writes in language
 * `tag` ("de": Germany, Austria, Switzerland and Luxembourg keep one zone),
 * or NULL. Left out: languages of countries in several zones or on several
 * continents (en, fr, es, pt, ar, ru, ms), and Swedish (Finland's Swedish
 * press is an hour ahead of Sweden). */
static const char *language_cc(const char *tag)
{
    static const char *const map[] = {"bg bg", "bs ba", "cs cz", "da dk", "de de", "el gr", "et ee",
                                      "fi fi", "hi in", "hr hr", "hu hu", "is is", "it it", "ja jp",
                                      "ko kr", "lt lt", "lv lv", "mk mk", "nb no", "nl nl", "nn no",
                                      "no no", "pl pl", "ro ro", "sk sk", "sl si", "sq al", "sr rs",
                                      "th th", "tr tr", "uk ua", "vi vn", "zh cn"};
    size_t len = strcspn(tag, "-_");
    if (len != 2)
        return NULL;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strncasecmp(map[i], tag, 2) == 0)
            return map[i] + 3;
    return NULL;
}

/* A country for the script of a headline that names no language: Hangul,
 * kana, Han without kana (every place that writes Chinese keeps +08:00),
 * Thai, Devanagari (India; Nepal's +05:45 is a quarter hour off). The
 * first letter outside ASCII and punctuation decides. */
static const char *script_cc(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = s ? strlen(s) : 0;
    bool han = false;
    for (size_t i = 0, n; i < len; i += n) {
        uint32_t cp;
        if ((n = nw_utf8_decode(p + i, len - i, &cp)) == 0)
            return NULL;
        if (cp >= 0x3040 && cp < 0x3100)
            return "jp"; /* kana, before or after Han */
        if (han || cp < 0x0370 || (cp >= 0x2000 && cp < 0x3040) || (cp >= 0xFF00 && cp < 0xFF20))
            continue; /* Latin letters, punctuation, CJK brackets and fullwidth marks */
        if (cp >= 0xAC00 && cp < 0xD7B0)
            return "kr";
        if (cp >= 0x4E00 && cp < 0xA000) {
            han = true; /* Chinese unless kana follows */
            continue;
        }
        if (cp >= 0x0E00 && cp < 0x0E80)
            return "th";
        if (cp >= 0x0900 && cp < 0x0980)
            return "in";
        return NULL;
    }
    return han ? "cn" : NULL;
}

/* The page's country, from the first language tag of the markup (in tier
 * order) with a region, else from its URL's domain (the envelope's, else a
 * canonical or og:url), else from the language the markup names or the
 * headline's script where that language's countries keep one zone: the
 * zone when the country keeps one. A country of several zones gives none,
 * whatever the domain says. */
static bool find_country_zone(mctx_t *c)
{
    if (c->country == 0) {
        const char *cc = NULL;
        size_t n = 0;
        const nw_meta_cand_t *lang = NULL;
        for (int t = 0; t <= NW_TIER_ENVELOPE && !cc; t++)
            for (size_t i = 0; i < c->m->n[NW_META_LANGUAGE] && !cc; i++)
                if (c->m->cand[NW_META_LANGUAGE][i].tier == t) {
                    lang = lang ? lang : &c->m->cand[NW_META_LANGUAGE][i];
                    if (t < NW_TIER_ENVELOPE)
                        cc = tag_region(c->m->cand[NW_META_LANGUAGE][i].value, &n);
                }
        for (size_t i = 0; i <= c->m->n[NW_META_URL] && !cc; i++)
            cc = host_cc(i == 0 ? c->url : c->m->cand[NW_META_URL][i - 1].value, &n);
        if (!cc && (cc = lang ? language_cc(lang->value) : script_cc(c->headline)))
            n = 2;
        c->country = cc && nw_zone_of_country(cc, n, &c->country_zone) ? 1 : -1;
    }
    return c->country > 0;
}

/* Local seconds in zone z (a rule's gap hour takes its standard offset). */
static int64_t in_zone(const nw_zone_t *z, int64_t local)
{
    int32_t off;
    if (nw_zone_offset(z, local, &off) != 0)
        off = z->offset;
    return local - off;
}

/* UTC seconds of a date under the policy; false when it has a time but no
 * zone can be found for it (the reason goes to c->unzoned_why). c->origin
 * says where an accepted time's zone came from. */
static bool place(mctx_t *c, const nw_mdate_t *d, const char *text, int64_t *utc, uint8_t *prec)
{
    int64_t days = nw_days_from_civil(d->year, d->month, d->day);
    int64_t local = days * 86400 + d->hour * 3600 + d->min * 60 + d->sec;
    *prec = NW_PRECISION_SECOND;
    c->origin = NW_ZONE_FROM_VALUE;
    if (!d->has_time) {
        *utc = days * 86400;
        *prec = NW_PRECISION_DAY;
        return true;
    }
    if (d->has_zone) {
        *utc = local - d->offset;
        return true;
    }
    if (c->has_page_offset) {
        *utc = local - c->page_offset;
        c->origin = NW_ZONE_FROM_PAGE;
        return true;
    }
    if (c->policy->has_zone) {
        nw_zone_t z;
        memset(&z, 0, sizeof(z));
        z.rule = (nw_zone_rule_t)c->policy->zone_rule;
        z.offset = c->policy->zone_offset;
        *utc = in_zone(&z, local);
        c->origin = NW_ZONE_FROM_SOURCE;
        return true;
    }
    if (!c->policy->country_zone_off && find_country_zone(c)) {
        *utc = in_zone(&c->country_zone, local);
        c->origin = NW_ZONE_FROM_COUNTRY;
        return true;
    }
    switch (c->policy->unzoned) {
    case NW_UNZONED_UTC:
        *utc = local;
        c->origin = NW_ZONE_FROM_UTC;
        return true;
    case NW_UNZONED_DAY:
        *utc = days * 86400;
        *prec = NW_PRECISION_DAY;
        return true;
    case NW_UNZONED_REJECT:
        break;
    }
    if (!c->unzoned_why[0]) {
        c->unzoned_day = days;
        char q[64];
        size_t n = strlen(text) < 40 ? strlen(text) : 40;
        /* Cut at a character boundary: the reason becomes a Kafka header. */
        while (n > 0 && n < strlen(text) && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
        memcpy(q, text, n);
        q[n] = '\0';
        snprintf(c->unzoned_why, sizeof(c->unzoned_why),
                 "time '%s' has no zone and neither the page, the source's timezone nor the "
                 "page's country gives one",
                 q);
    }
    return false;
}

/* Which pass of the visible tier takes a candidate of this context: 0 for
 * the article's own, 1 above the headline, 2 for a likely teaser, 3 for a
 * teaser above the headline. A teaser date is still better than none: the
 * pages that show one and no other mostly carry it for the article itself
 * (a list of post facts). */
static int ctx_pass(uint8_t ctx)
{
    if (ctx & (NW_CTX_LINK | NW_CTX_LIST | NW_CTX_ASIDE))
        return (ctx & NW_CTX_BEFORE_H1) ? 3 : 2;
    return (ctx & NW_CTX_BEFORE_H1) ? 1 : 0;
}

/* The tier a candidate is ranked with: a <time> in a link, list, aside or
 * above the headline outside the article (another article's teaser, the
 * page header's "today") is only as good as a visible date there, and is
 * tried with them, after the article's own visible date. */
static int rank_tier(const nw_meta_cand_t *k)
{
    if ((k->tier == NW_TIER_TIME || k->tier == NW_TIER_TIME_OUT) && k->ctx)
        return NW_TIER_VISIBLE;
    return k->tier;
}

static int64_t day_of(const nw_mdate_t *d)
{
    return nw_days_from_civil(d->year, d->month, d->day);
}

/* The page-to-text step writes the markup's own time as a "Published ..."
 * line, which the line scan then offers as visible: such an echo confirms
 * nothing. */
static bool echoes_markup(const mctx_t *c, const nw_meta_cand_t *v)
{
    for (int f = NW_META_PUBLISHED; f <= NW_META_UPDATED; f++)
        for (size_t i = 0; i < c->m->n[f]; i++) {
            const nw_meta_cand_t *k = &c->m->cand[f][i];
            if (k->tier < NW_TIER_ENVELOPE && strstr(v->value, k->value))
                return true;
        }
    return false;
}

/* A visible date on the day of one of the page's <time datetime>
 * elements is most often that element's own text ("23.09.20 | 18:19" of a
 * comment's <time>): it is the markup again, not a dateline. */
static bool echoes_time(const mctx_t *c, nw_meta_field_t f, int64_t day)
{
    for (size_t i = 0; i < c->m->n[f]; i++) {
        const nw_meta_cand_t *k = &c->m->cand[f][i];
        nw_mdate_t d;
        if ((k->tier == NW_TIER_TIME || k->tier == NW_TIER_TIME_OUT) && read_cand(c, k, &d) &&
            day_of(&d) == day)
            return true;
    }
    return false;
}

/* The day is (within a zone's day) that of one of the page's machine-
 * readable update times. */
static bool update_day(const mctx_t *c, int64_t day)
{
    for (size_t i = 0; i < c->m->n[NW_META_UPDATED]; i++) {
        const nw_meta_cand_t *k = &c->m->cand[NW_META_UPDATED][i];
        nw_mdate_t d;
        if (k->tier < NW_TIER_ENVELOPE && read_cand(c, k, &d) && day_of(&d) >= day - 1 &&
            day_of(&d) <= day + 1)
            return true;
    }
    return false;
}

/* When the page's machine-readable dates of field f disagree on the day, the
 * day that a visible date on the page confirms (one of another article's
 * lists repeats one, a stale template field the other): its civil day number,
 * or INT64_MIN when they agree or nothing confirms one. The most trusted
 * confirmed value then wins over a more trusted unconfirmed one. */
static int64_t confirmed_day(const mctx_t *c, nw_meta_field_t f)
{
    int64_t days[NW_META_CANDIDATES_MAX];
    size_t n = 0;
    bool differ = false;
    for (int t = 0; t < NW_TIER_ENVELOPE; t++)
        for (size_t i = 0; i < c->m->n[f]; i++) {
            const nw_meta_cand_t *k = &c->m->cand[f][i];
            nw_mdate_t d;
            if (k->tier != t || !read_cand(c, k, &d))
                continue;
            days[n] = day_of(&d);
            differ = differ || (n > 0 && days[n] != days[0]);
            n++;
        }
    if (!differ)
        return INT64_MIN;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < c->m->n[f]; i++) {
            const nw_meta_cand_t *k = &c->m->cand[f][i];
            nw_mdate_t d;
            /* A <time>'s own text on the day of the page's update (a live
             * ticker's last entry) dates the update, not the article. */
            if (k->tier == NW_TIER_VISIBLE && !echoes_markup(c, k) && read_cand(c, k, &d) &&
                day_of(&d) == days[j] && !(echoes_time(c, f, days[j]) && update_day(c, days[j])))
                return days[j];
        }
    return INT64_MIN;
}

/* A line that dates an update ("Updated May 6, 2019", "Aktualisiert am
 * ...", "2019年12月17日更新"): it says nothing against the publication date. */
static bool update_label(const char *v)
{
    static const char *const labels[] = {"updat",      "aktualisiert",
                                         "mis à jour", "actualizad",
                                         "aggiornat",  "atualizad",
                                         "bijgewerkt", "geändert",
                                         "änderung",   "Änderung",
                                         "modified",   "last edited",
                                         "güncelle",   "\xE6\x9B\xB4\xE6\x96\xB0" /* 更新 */};
    char low[160];
    size_t n = 0;
    for (; v[n] && n + 1 < sizeof(low); n++)
        low[n] = (char)((v[n] >= 'A' && v[n] <= 'Z') ? v[n] | 0x20 : v[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strstr(low, labels[i]))
            return true;
    return false;
}

/* A line whose first date is an update's: an update label before its first
 * digit ("Letzte Änderung: 31.10.2023", not "Written: 2023-11-07 /
 * Updated: 2023-11-08"). */
static bool update_first(const char *v)
{
    char head[160];
    size_t n = strcspn(v, "0123456789");
    if (n >= sizeof(head))
        n = sizeof(head) - 1;
    memcpy(head, v, n);
    head[n] = '\0';
    return update_label(head);
}

/* The day every visible date in the article's own context (no teaser, no
 * echo of the markup, no update line) names, when there is one and it is
 * more than a day from `day`; INT64_MIN otherwise. */
static int64_t contradicting_day(const mctx_t *c, nw_meta_field_t f, int64_t day)
{
    int64_t seen = INT64_MIN;
    for (size_t i = 0; i < c->m->n[f]; i++) {
        const nw_meta_cand_t *k = &c->m->cand[f][i];
        nw_mdate_t d;
        if (k->tier != NW_TIER_VISIBLE || k->ctx || echoes_markup(c, k) || update_label(k->value) ||
            !read_cand(c, k, &d))
            continue;
        int64_t v = day_of(&d);
        /* Years before the markup's date: a date the article quotes (a
         * speech, a law), not a dateline; a stale template value is older
         * than the article, not newer. */
        if (v < day - QUOTED_DAYS || echoes_time(c, f, v))
            continue;
        /* A day apart is the zone's doing (UTC markup, local dateline). */
        if ((v >= day - 1 && v <= day + 1) || (seen != INT64_MIN && v != seen))
            return INT64_MIN;
        seen = v;
    }
    return seen;
}

/* Whether pass `pass` of the visible tier (a teaser pass, see ctx_pass())
 * is a list of other articles: its first readable date is not its earliest.
 * The dates that follow an article's own date (comments, replies, "more
 * from") are later than it; a list of other articles runs newest first. */
static bool teaser_list(const mctx_t *c, nw_meta_field_t f, int pass)
{
    int64_t head = INT64_MIN;
    for (size_t i = 0; i < c->m->n[f]; i++) {
        const nw_meta_cand_t *k = &c->m->cand[f][i];
        nw_mdate_t d;
        if (rank_tier(k) != NW_TIER_VISIBLE || ctx_pass(k->ctx) != pass || !read_cand(c, k, &d))
            continue;
        if (head == INT64_MIN)
            head = day_of(&d);
        else if (day_of(&d) < head)
            return true;
    }
    return false;
}

/* The best time of field f, or false. text_has/text_utc: what the text
 * reader found, ranked with the visible tier. */
static bool best_time(mctx_t *c, nw_meta_field_t f, bool text_has, int64_t text_utc, int64_t *utc,
                      uint8_t *prec, uint8_t *src)
{
    int64_t confirmed = confirmed_day(c, f);
    c->origin = NW_ZONE_FROM_VALUE;
    for (int t = 0; t < NW_TIER__COUNT; t++) {
        if (t == NW_TIER_VISIBLE && text_has) {
            *utc = text_utc;
            *prec = NW_PRECISION_SECOND;
            *src = NW_SRC_TEXT;
            return true;
        }
        /* Visible dates: those in the article's own context first; a
         * published line that says it dates an update ("Letzte Änderung:
         * 31.10.2023" above "Erschienen am: 01.11.2023") after every other
         * one, in a last pass of its own. */
        int passes = t == NW_TIER_VISIBLE ? 5 : 1;
        for (int pass = 0; pass < passes; pass++) {
            if (pass >= 2 && pass < 4 && teaser_list(c, f, pass))
                continue;
            for (size_t i = 0; i < c->m->n[f]; i++) {
                const nw_meta_cand_t *k = &c->m->cand[f][i];
                nw_mdate_t d;
                bool deferred = passes > 1 && f == NW_META_PUBLISHED &&
                                k->tier == NW_TIER_VISIBLE && update_first(k->value);
                /* Text above the headline in the page's chrome is its
                 * header's "today", not the article's date; a machine
                 * <time> there still dates something. */
                if (rank_tier(k) != t || (deferred != (pass == 4)) ||
                    (passes > 1 && pass < 4 && ctx_pass(k->ctx) != pass) ||
                    (pass >= 3 && k->tier == NW_TIER_VISIBLE && ctx_pass(k->ctx) == 3) ||
                    (pass == 4 && ctx_pass(k->ctx) == 2 && teaser_list(c, f, 2)) ||
                    !read_cand(c, k, &d) ||
                    (confirmed != INT64_MIN && t < NW_TIER_ENVELOPE && day_of(&d) != confirmed))
                    continue;
                /* A markup date that the article's own dateline contradicts
                 * is a stale template value: the next candidate is tried. */
                if (f == NW_META_PUBLISHED && t < NW_TIER_ENVELOPE &&
                    contradicting_day(c, f, day_of(&d)) != INT64_MIN)
                    continue;
                if (place(c, &d, k->value, utc, prec)) {
                    *src = (uint8_t)nw_meta_tier_source(k->tier);
                    return true;
                }
                /* Refused for want of a zone: a less trusted value is no
                 * better (a visible line is as zoneless), so the reason stands. */
                return false;
            }
        }
    }
    return false;
}

/* The day the page's URL (the envelope's, else its canonical or og:url)
 * names (/2026/12/04/), or INT64_MIN. Read from the URLs themselves: the
 * URL-tier candidates come last and may not fit in a page's list. */
static int64_t url_day(const mctx_t *c, const char *url)
{
    for (size_t i = 0; i <= c->m->n[NW_META_URL]; i++) {
        const char *u = i == 0 ? url : c->m->cand[NW_META_URL][i - 1].value;
        nw_mdate_t d;
        if (u && nw_mdate_url(u, strlen(u), &d) && day_of(&d) >= EARLIEST_DAY &&
            day_of(&d) <= c->latest_day)
            return day_of(&d);
    }
    return INT64_MIN;
}

/* The fallback date: fetched_at, else the Kafka timestamp (policy). */
static bool fallback_time(mctx_t *c, const nw_parse_opts_t *opts, const nw_article_t *a,
                          int64_t *utc, uint8_t *src)
{
    nw_mdate_t d;
    uint8_t prec;
    if (c->policy->fallback == NW_FALLBACK_NONE)
        return false;
    if (a->fetched_at && nw_mdate_machine(a->fetched_at, strlen(a->fetched_at), c->zones, &d) &&
        d.has_time && d.has_zone && place(c, &d, a->fetched_at, utc, &prec)) {
        *src = NW_SRC_FETCHED_AT;
        return true;
    }
    if (c->policy->fallback == NW_FALLBACK_RECEIVED && opts && opts->has_received) {
        *utc = opts->received_ms / 1000 - (opts->received_ms % 1000 < 0);
        *src = NW_SRC_RECEIVED;
        return true;
    }
    return false;
}

int nw_meta_merge(const nw_html_meta_t *meta, const nw_zone_table_t *zones,
                  const nw_parse_opts_t *opts, const nw_error_t *text_bad, nw_article_t *a,
                  nw_error_t *err)
{
    mctx_t c;
    int rc;
    memset(&c, 0, sizeof(c));
    c.m = meta;
    c.zones = zones;
    c.policy = nw_zone_table_policy(zones);
    c.url = a->url;
    if ((rc = nw_meta_merge_text(meta, a)) < 0)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    c.headline = a->headline;
    c.lang = c.policy->locale[0] ? c.policy->locale : a->language;
    c.capture_day = capture_day(a->url);
    c.latest_day = INT64_MAX;
    /* Nothing is published after the page was fetched (a day's grace for
     * zones the date does not say). */
    nw_mdate_t fd;
    if (a->fetched_at && nw_mdate_machine(a->fetched_at, strlen(a->fetched_at), zones, &fd))
        c.latest_day = nw_days_from_civil(fd.year, fd.month, fd.day) + 1;
    find_page_offset(&c);

    int64_t pub = 0, upd = 0;
    uint8_t pprec = 0, uprec = 0, psrc = 0, usrc = 0;
    bool has_pub =
        best_time(&c, NW_META_PUBLISHED, a->has_published, a->published, &pub, &pprec, &psrc);
    uint8_t porigin = has_pub ? c.origin : NW_ZONE_FROM_VALUE;
    bool has_upd = best_time(&c, NW_META_UPDATED, a->has_updated, a->updated, &upd, &uprec, &usrc);
    uint8_t uorigin = has_upd ? c.origin : NW_ZONE_FROM_VALUE;
    /* The URL's day is set when the article is first published and stays;
     * markup and visible dates are rewritten when a page is re-saved or
     * moved to a new template. A published time more than a day (a zone)
     * from it yields to it; without one, it is the date, unless a time was
     * refused for want of a zone (see place()) on another day. A refused
     * time on the URL's day confirms that day: the record then says the
     * day alone, from the URL, and no zone is guessed for the time. */
    int64_t uday = url_day(&c, a->url);
    if (uday != INT64_MIN && (has_pub ? pub < (uday - 1) * 86400 || pub >= (uday + 2) * 86400
                                      : !c.unzoned_why[0] || c.unzoned_day == uday)) {
        has_pub = true;
        porigin = NW_ZONE_FROM_VALUE;
        pub = uday * 86400;
        pprec = NW_PRECISION_DAY;
        psrc = NW_SRC_URL;
    }
    if (has_pub && has_upd && upd < pub)
        has_upd = false; /* an "updated" before the publication is someone else's date */
    if (!has_upd)
        uorigin = NW_ZONE_FROM_VALUE;
    if (!has_pub && !has_upd) {
        if (fallback_time(&c, opts, a, &pub, &psrc)) {
            has_pub = true;
        } else if (c.unzoned_why[0]) {
            return nw_error_reject(err, NW_REJECT_BAD_TIMESTAMP, "%s", c.unzoned_why);
        } else if (text_bad && text_bad->reject != NW_REJECT_NONE) {
            if (err)
                *err = *text_bad;
            return NW_ERR_REJECTED;
        } else {
            return nw_error_reject(err, NW_REJECT_NO_TIMESTAMP,
                                   "no publication date in the page's markup, text or URL");
        }
    }
    a->has_published = has_pub;
    a->published = has_pub ? pub : 0;
    a->published_precision = has_pub ? pprec : 0;
    a->has_updated = has_upd;
    a->updated = has_upd ? upd : 0;
    a->updated_precision = has_upd ? uprec : 0;
    a->field_source[NW_FIELD_FIRSTCREATED] = has_pub ? psrc : usrc;
    a->field_source[NW_FIELD_VERSIONCREATED] = has_upd ? usrc : psrc;
    /* The two times' zones come from the same place when neither states its
     * own: the page's, then the source's and the country's. */
    a->zone_origin = (uint8_t)(porigin ? porigin : uorigin);
    return 0;
}
