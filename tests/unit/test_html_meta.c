/*
 * The metadata layer of HTML pages and envelopes: JSON-LD, microdata,
 * OpenGraph and publisher meta, visible dates in several languages, the URL,
 * the order of trust between them, the date policy (precision, zones,
 * fallbacks), the metadata members of scraper envelopes, and what the record
 * says about where each field came from. The pages are small hand-written
 * excerpts shaped like the markup real news sites publish.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "encode/ninjs.h"
#include "newswire/article.h"
#include "parse/html_meta.h"
#include "parse/timestamp.h"
#include "parse/zoneset.h"

#define BODY                                                                                       \
    "<p>The council voted on Tuesday to widen the river path after a year of complaints.</p>"      \
    "<p>Work starts in spring and should take four months, officials said.</p>"

static int parse_opts(const char *page, const nw_parse_opts_t *opts, nw_article_t *a,
                      nw_error_t *err)
{
    memset(a, 0, sizeof(*a));
    memset(err, 0, sizeof(*err));
    return nw_article_parse(page, strlen(page), opts, a, err);
}

static int parse(const char *page, nw_article_t *a, nw_error_t *err)
{
    return parse_opts(page, NULL, a, err);
}

static void expect_time(int64_t got, const char *want)
{
    char buf[21];
    nw_timestamp_format(got, buf);
    assert_string_equal(buf, want);
}

static void ok(const char *page, nw_article_t *a)
{
    nw_error_t err;
    int rc = parse(page, a, &err);
    if (rc != 0)
        fail_msg("rejected: %s", err.msg);
}

static const nw_zone_table_t *policy_table;
static const struct nw_zone_table *zones_for(const char *source, void *opaque)
{
    (void)source;
    (void)opaque;
    return policy_table;
}

/* Parses under the "day" policy for times without a zone, as the visible
 * lines of these pages need (the default refuses such a time). */
static void ok_day(const char *page, nw_article_t *a)
{
    nw_error_t err;
    nw_zone_table_t *t = nw_zone_table_new();
    assert_non_null(t);
    assert_int_equal(nw_zone_table_set_policy(t, "unzoned", "day", &err), 0);
    policy_table = t;
    nw_parse_opts_t opts = {.zones = zones_for};
    int rc = parse_opts(page, &opts, a, &err);
    policy_table = NULL;
    nw_zone_table_free(t);
    if (rc != 0)
        fail_msg("rejected: %s", err.msg);
}

static void jsonld_graph(void **state)
{
    (void)state;
    nw_article_t a;
    ok("<!doctype html><html lang=\"en\"><head><title>River path to be widened | Gazette</title>"
       "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
       "{\"@type\":\"WebSite\",\"name\":\"Gazette\"},"
       "{\"@type\":[\"NewsArticle\"],\"headline\":\"River path to be widened\","
       "\"datePublished\":\"2026-12-04T10:15:00+01:00\",\"dateModified\":\"2026-12-04T12:30:00Z\","
       "\"author\":[{\"@type\":\"Person\",\"name\":\"Ann Lee\"},{\"name\":\"Bo Chan\"}],"
       "\"inLanguage\":\"en-GB\"}]}</script></head><body><nav>Skip to content</nav><article>"
       "<h1>River path to be widened</h1>" BODY "</article></body></html>",
       &a);
    assert_string_equal(a.headline, "River path to be widened");
    expect_time(a.published, "2026-12-04T09:15:00Z");
    expect_time(a.updated, "2026-12-04T12:30:00Z");
    expect_time(nw_article_version_time(&a), "2026-12-04T12:30:00Z");
    assert_string_equal(a.byline, "Ann Lee, Bo Chan");
    assert_string_equal(a.language, "en-GB");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_JSONLD);
    assert_int_equal(a.field_source[NW_FIELD_VERSIONCREATED], NW_SRC_JSONLD);
    assert_int_equal(a.published_precision, NW_PRECISION_SECOND);
    nw_article_clear(&a);
}

/* A teaser of another article whose date line does not parse no longer
 * rejects a page with a good machine-readable date; alone, it still does. */
static void bad_teaser_line_with_good_meta(void **state)
{
    (void)state;
    const char *teaser = "<p>Updated Decmber 30th, 2021 at 15:02 IST</p>";
    char page[2048];
    nw_article_t a;
    nw_error_t err;
    snprintf(page, sizeof(page),
             "<html><head><meta property=\"article:published_time\" "
             "content=\"2026-12-04T08:00:00-05:00\"></head><body><h1>Storm closes "
             "schools</h1>%s%s</body></html>",
             BODY, teaser);
    ok(page, &a);
    expect_time(a.published, "2026-12-04T13:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_OPENGRAPH);
    nw_article_clear(&a);

    snprintf(page, sizeof(page), "<html><body><h1>Storm closes schools</h1>%s%s</body></html>",
             BODY, teaser);
    assert_int_equal(parse(page, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_BAD_TIMESTAMP);
    assert_non_null(strstr(err.msg, "Decmber"));
}

/* Visible dates: a teaser in a list or link and today's date in the page
 * header lose to the date under the headline, wherever they stand. */
static void visible_teasers_rank_last(void **state)
{
    (void)state;
    nw_article_t a;
    ok("<html><body><div class=\"today\"><span class=\"date\">8 December 2026</span></div>"
       "<ul><li><a href=\"/x\">Bridge reopens <span class=\"post-date\">1 December "
       "2026</span></a></li></ul><h1>Storm closes schools</h1><div class=\"date\">4 "
       "December 2026</div>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_VISIBLE);
    nw_article_clear(&a);
    /* Above the headline beats a teaser; a teaser alone still counts. */
    ok("<html><body><aside><span class=\"date\">1 December 2026</span></aside><p "
       "class=\"dateline\">3 December 2026</p><h1>Storm closes schools</h1>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-03T00:00:00Z");
    nw_article_clear(&a);
    ok("<html><body><h1>Storm closes schools</h1>" BODY
       "<footer><span class=\"date\">2 December 2026</span></footer></body></html>",
       &a);
    expect_time(a.published, "2026-12-02T00:00:00Z");
    nw_article_clear(&a);
    /* A blog's entry-meta line carries the date too. */
    ok_day("<html><body><h1>Storm closes schools</h1>" BODY "<div class=\"entry-meta\">Von Anna am "
           "03.12.2026, 11:51 | 0 Kommentare</div></body></html>",
           &a);
    expect_time(a.published, "2026-12-03T00:00:00Z");
    nw_article_clear(&a);
    /* A <time> in the page header loses to the dateline under the headline. */
    ok("<html><body><header><time datetime=\"2026-12-08T07:00:00Z\">Tuesday</time></header>"
       "<h1>Storm closes schools</h1><p class=\"dateline\">3 December 2026</p>" BODY
       "</body></html>",
       &a);
    expect_time(a.published, "2026-12-03T00:00:00Z");
    nw_article_clear(&a);
}

/* Machine dates that disagree: the one the visible text confirms wins, even
 * from a less trusted tier; unconfirmed, the order of trust decides. */
static void visible_confirms_machine_date(void **state)
{
    (void)state;
    nw_article_t a;
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\","
       "\"datePublished\":\"2021-01-01T11:00:00Z\"}</script><meta property=\"article:"
       "published_time\" content=\"2026-12-04T08:00:00+01:00\"></head><body><h1>Storm closes "
       "schools</h1><p class=\"date\">04.12.2026, 08:00 Uhr</p>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-04T07:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_OPENGRAPH);
    nw_article_clear(&a);
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\","
       "\"datePublished\":\"2021-01-01T11:00:00Z\"}</script><meta property=\"article:"
       "published_time\" content=\"2026-12-04T08:00:00+01:00\"></head><body><h1>Storm closes "
       "schools</h1>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2021-01-01T11:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_JSONLD);
    nw_article_clear(&a);
    /* A lone markup date that the dateline contradicts gives way to it; an
     * "Updated" line or a dateline a day off (the zone) does not. */
    ok("<html><head><meta name=\"pubdate\" content=\"2026-11-20T11:02:44+01:00\"></head><body>"
       "<h1>Storm closes schools</h1><p class=\"date\">04.12.2026</p>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_VISIBLE);
    nw_article_clear(&a);
    ok("<html><head><meta name=\"pubdate\" content=\"2026-11-20T11:02:44+01:00\"></head><body>"
       "<h1>Storm closes schools</h1><p class=\"date\">Updated 04.12.2026</p>" BODY
       "</body></html>",
       &a);
    expect_time(a.published, "2026-11-20T10:02:44Z");
    nw_article_clear(&a);
    ok("<html><head><meta name=\"pubdate\" content=\"2026-12-03T23:30:00Z\"></head><body>"
       "<h1>Storm closes schools</h1><p class=\"date\">04.12.2026</p>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-03T23:30:00Z");
    nw_article_clear(&a);
}

/* Dates that belong to something else: a web archive's capture day (its
 * banner, the copied page's "today"), a forum member's joining day. */
static void other_dates_skipped(void **state)
{
    (void)state;
    nw_article_t a;
    nw_error_t err;
    ok("{\"url\":\"https://web.archive.org/web/20261216182711/http://x.org/a\",\"html\":"
       "\"<div class='date'>Mittwoch, 16. Dezember 2026</div><h1>Storm closes schools</h1>"
       "<p class='date'>14. Dezember 2026</p><p>The council voted to widen the path.</p><p>Work "
       "starts.</p>\"}",
       &a);
    expect_time(a.published, "2026-12-14T00:00:00Z");
    nw_article_clear(&a);
    assert_int_equal(parse("{\"url\":\"https://web.archive.org/web/20261216182711/http://x.org/"
                           "a\",\"html\":\"<h1>Storm closes schools</h1><p class='date'>16. "
                           "Dezember 2026</p><p>The council voted to widen the path.</p><p>Work "
                           "starts.</p>\"}",
                           &a, &err),
                     NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_NO_TIMESTAMP);
    /* Nothing is published after the page was fetched, nor before 1995. */
    ok("{\"fetched_at\":\"2026-12-04T10:00:00Z\",\"html\":\"<script type='application/ld+json'>"
       "{\\\"@type\\\":\\\"Article\\\",\\\"datePublished\\\":\\\"2027-03-01T10:00:00Z\\\"}</script>"
       "<meta name='pubdate' content='1990-01-01'><article><h1>Storm closes schools</h1><time "
       "datetime='2026-12-03T09:00:00Z'>3 Dec</time><p>The council voted to widen the "
       "path.</p><p>Work starts.</p></article>\"}",
       &a);
    expect_time(a.published, "2026-12-03T09:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_TIME);
    nw_article_clear(&a);
    ok_day("<html><body><h1>Storm closes schools</h1><div class=\"postdate\">Registriert: "
           "18.09.2025, 05:56</div><div class=\"postdate\">Beitrag von r23 am 03.12.2026, "
           "05:42</div>" BODY "</body></html>",
           &a);
    expect_time(a.published, "2026-12-03T00:00:00Z");
    nw_article_clear(&a);
}

static void trust_order(void **state)
{
    (void)state;
    nw_article_t a;
    /* Microdata outranks OpenGraph, which outranks a publisher meta name and
     * <time>; the headline that matches the <h1> wins. */
    ok("<html><head><meta name=\"pubdate\" content=\"2026-12-01\">"
       "<meta property=\"og:title\" content=\"Storm closes schools - Daily Post\">"
       "<meta property=\"article:published_time\" content=\"2026-12-02T09:00:00Z\">"
       "</head><body><article><h1>Storm closes schools</h1>"
       "<meta itemprop=\"datePublished\" content=\"2026-12-03T09:00:00+00:00\">"
       "<time datetime=\"2026-11-30T09:00:00Z\">30 Nov</time>" BODY "</article></body></html>",
       &a);
    expect_time(a.published, "2026-12-03T09:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_MICRODATA);
    assert_string_equal(a.headline, "Storm closes schools");
    assert_int_equal(a.field_source[NW_FIELD_HEADLINE], NW_SRC_OPENGRAPH);
    nw_article_clear(&a);
}

static void unclosed_h1(void **state)
{
    (void)state;
    nw_article_t a;
    /* A heading inside an <h1> ends it, as browsers parse it: the byline in
     * the <h4> before a late </h1> is not the headline (a pattern of a
     * WordPress theme in htmldate's evaluation pages). */
    ok("<html><head><meta property=\"article:published_time\" "
       "content=\"2026-12-02T09:00:00Z\"></head><body><article><h1 class=entry-title>Storm "
       "closes schools <h4 class=author>Posted by Jo Ma on 2 December 2026</h4></h1>" BODY
       "</article></body></html>",
       &a);
    assert_string_equal(a.headline, "Storm closes schools");
    assert_int_equal(a.field_source[NW_FIELD_HEADLINE], NW_SRC_H1);
    nw_article_clear(&a);
}

static void headline_choice(void **state)
{
    (void)state;
    nw_article_t a;
    /* A JSON-LD headline cut short with an ellipsis loses to the og:title
     * that gives it whole (a pattern of htmldate's evaluation page of
     * repubblica.it). */
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
       "\"headline\":\"Storm closes schools across the north, and...\",\"datePublished\":"
       "\"2026-12-02T09:00:00Z\"}</script><meta property=\"og:title\" content=\"Storm closes "
       "schools across the north, and the ferries stop\"></head><body>" BODY "</body></html>",
       &a);
    assert_string_equal(a.headline, "Storm closes schools across the north, and the ferries stop");
    nw_article_clear(&a);
    /* A markup headline that differs from the <h1> only in punctuation is
     * the <h1> (a kicker in its own span: vosgesmatin.fr in the same set). */
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
       "\"headline\":\"Springfield | Storm closes schools\",\"datePublished\":"
       "\"2026-12-02T09:00:00Z\"}</script></head><body><article><h1><span "
       "class=kicker>Springfield</span> Storm closes schools</h1>" BODY "</article></body></html>",
       &a);
    assert_string_equal(a.headline, "Springfield Storm closes schools");
    assert_int_equal(a.field_source[NW_FIELD_HEADLINE], NW_SRC_JSONLD);
    nw_article_clear(&a);
    /* An og:title that is the <h1> and " : Section" is the <h1>. */
    ok("<html><head><meta property=\"og:title\" content=\"Storm closes schools : Sports\">"
       "<meta property=\"article:published_time\" content=\"2026-12-02T09:00:00Z\"></head>"
       "<body><h1>Storm closes schools</h1>" BODY "</body></html>",
       &a);
    assert_string_equal(a.headline, "Storm closes schools");
    nw_article_clear(&a);
}

static void headline_kickers(void **state)
{
    (void)state;
    nw_article_t a;
    /* The og:title is the headline without the kicker that the JSON-LD
     * headline and the <h1> carry: the og:title is the headline proper. */
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
       "\"headline\":\"Winter weather: Storm closes schools in the north\",\"datePublished\":"
       "\"2026-12-02T09:00:00Z\"}</script><meta property=\"og:title\" content=\"Storm closes "
       "schools in the north\"></head><body><article><h1>Winter weather: Storm closes schools in "
       "the north</h1>" BODY "</article></body></html>",
       &a);
    assert_string_equal(a.headline, "Storm closes schools in the north");
    nw_article_clear(&a);
    /* A JSON-LD headline without the kicker that og:title and <h1> both
     * carry does not cut it: that one is shortened. */
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
       "\"headline\":\"Storm closes schools in the north\",\"datePublished\":"
       "\"2026-12-02T09:00:00Z\"}</script><meta property=\"og:title\" content=\"Winter weather: "
       "Storm closes schools in the north\"></head><body><article><h1>Winter weather: Storm "
       "closes schools in the north</h1>" BODY "</article></body></html>",
       &a);
    assert_string_equal(a.headline, "Winter weather: Storm closes schools in the north");
    nw_article_clear(&a);
    /* A kicker in its own span loses its colon in the <h1>'s text (or keeps
     * it after a space, or even the space); the markup title gives it as
     * written. */
    const char *h1s[] = {"<span>Winter weather</span> <span>Storm closes schools</span>",
                         "<span>Winter weather </span><span>: </span>Storm closes schools",
                         "<span>Winter weather</span>Storm closes schools"};
    for (size_t i = 0; i < 3; i++) {
        char page[1024];
        snprintf(page, sizeof(page),
                 "<html><head><meta property=\"og:title\" content=\"Winter weather: Storm "
                 "closes schools\"><meta property=\"article:published_time\" "
                 "content=\"2026-12-02T09:00:00Z\"></head><body><article><h1>%s</h1>" BODY
                 "</article></body></html>",
                 h1s[i]);
        ok(page, &a);
        assert_string_equal(a.headline, "Winter weather: Storm closes schools");
        nw_article_clear(&a);
    }
}

static void date_only_is_day_precision(void **state)
{
    (void)state;
    nw_article_t a;
    ok("<html><head><meta name=\"DC.date.issued\" content=\"2026-12-04\"></head><body>"
       "<h1>Storm closes schools</h1>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.published_precision, NW_PRECISION_DAY);
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_META);
    nw_record_meta_t m = {.article_id = "x", .version = 1, .source = {.file = "-"}};
    json_t *r = nw_ninjs_build(&a, &m);
    assert_non_null(r);
    json_t *p = json_object_get(json_object_get(r, "newswire"), "time_precision");
    assert_string_equal(json_string_value(json_object_get(p, "firstcreated")), "day");
    json_t *fs = json_object_get(json_object_get(r, "newswire"), "field_sources");
    assert_string_equal(json_string_value(json_object_get(fs, "firstcreated")), "meta");
    json_decref(r);
    nw_article_clear(&a);
}

/* A page for country_zone(): a JSON-LD time without a zone, the page's
 * language tag (NULL for none) and its URL. */
static int zoneless_page(const char *lang, const char *url, const char *when,
                         const nw_zone_table_t *t, nw_article_t *a, nw_error_t *err)
{
    char html[1024], env[2048];
    snprintf(html, sizeof(html),
             "<html%s%s%s><head><script type='application/ld+json'>{\"@type\":\"NewsArticle\","
             "\"headline\":\"Storm closes schools\",\"datePublished\":\"%s\"}</script></head>"
             "<body><h1>Storm closes schools</h1>" BODY "</body></html>",
             lang ? " lang='" : "", lang ? lang : "", lang ? "'" : "", when);
    json_t *o = json_pack("{s:s,s:s}", "url", url, "html", html);
    char *j = json_dumps(o, 0);
    snprintf(env, sizeof(env), "%s", j);
    free(j);
    json_decref(o);
    policy_table = t;
    nw_parse_opts_t opts = {.zones = zones_for};
    int rc = parse_opts(env, &opts, a, err);
    policy_table = NULL;
    return rc;
}

static void expect_zone(const char *lang, const char *url, const char *when, const char *want,
                        nw_zone_origin_t origin)
{
    nw_article_t a;
    nw_error_t err;
    if (zoneless_page(lang, url, when, NULL, &a, &err) != 0)
        fail_msg("rejected: %s", err.msg);
    expect_time(a.published, want);
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_JSONLD);
    assert_int_equal(a.zone_origin, origin);
    nw_article_clear(&a);
}

/* A time without a zone takes the zone of the page's country when the
 * country keeps one: from the language tag's region, else the domain. */
static void country_zone(void **state)
{
    (void)state;
    /* de-DE: CET in winter, CEST in summer. */
    expect_zone("de-DE", "https://news.example.com/a", "2026-12-04T10:00:00",
                "2026-12-04T09:00:00Z", NW_ZONE_FROM_COUNTRY);
    expect_zone("de_AT", "https://news.example.com/a", "2026-07-04T10:00:00",
                "2026-07-04T08:00:00Z", NW_ZONE_FROM_COUNTRY);
    /* No region in the tag: the country-code domain (.fi: EET/EEST; .pt:
     * WET/WEST; .co.uk: GMT/BST; .jp: +09:00). */
    expect_zone("fi", "https://www.example.fi/uutiset/1", "2026-12-04T10:00:00",
                "2026-12-04T08:00:00Z", NW_ZONE_FROM_COUNTRY);
    expect_zone("fi", "https://www.example.fi/uutiset/1", "2026-07-04T10:00:00",
                "2026-07-04T07:00:00Z", NW_ZONE_FROM_COUNTRY);
    expect_zone(NULL, "https://www.example.pt/n/1", "2026-07-04T10:00:00", "2026-07-04T09:00:00Z",
                NW_ZONE_FROM_COUNTRY);
    expect_zone(NULL, "https://www.example.co.uk/n/1", "2026-12-04T23:30:00",
                "2026-12-04T23:30:00Z", NW_ZONE_FROM_COUNTRY);
    expect_zone("ja", "https://www.example.jp:8080/n/1", "2026-12-04T08:00:00",
                "2026-12-03T23:00:00Z", NW_ZONE_FROM_COUNTRY);
    /* Neither region nor country domain: the language, when every country
     * writing it keeps one zone (German: CET; Korean: +09:00). */
    expect_zone("de", "https://news.example.com/a", "2026-12-04T10:00:00", "2026-12-04T09:00:00Z",
                NW_ZONE_FROM_COUNTRY);
    expect_zone("ko", "https://news.example.com/a", "2026-12-04T10:00:00", "2026-12-04T01:00:00Z",
                NW_ZONE_FROM_COUNTRY);
    /* The page's own offset comes first. */
    expect_zone("de-DE", "https://news.example.de/a", "2026-12-04T10:00:00+03:00",
                "2026-12-04T07:00:00Z", NW_ZONE_FROM_VALUE);

    /* Countries of several zones, generic and generic-sold domains give
     * none: the default policy refuses the time. */
    static const struct {
        const char *lang, *url;
    } none[] = {
        {"en-US", "https://www.example.de/a"}, /* the tag's country decides */
        {"en", "https://www.example.com/a"},    {"pt-BR", "https://www.example.pt/a"},
        {"en", "https://www.example.com.au/a"}, {NULL, "https://www.example.co/a"},
        {NULL, "https://example.me/a"},         {"es-419", "https://www.example.org/a"},
        {"fr", "https://www.example.com/a"},    {"sv", "https://www.example.com/a"},
    };
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        nw_article_t a;
        nw_error_t err;
        assert_int_equal(
            zoneless_page(none[i].lang, none[i].url, "2026-12-04T10:00:00", NULL, &a, &err),
            NW_ERR_REJECTED);
        assert_non_null(strstr(err.msg, "page's country"));
    }

    /* country_zone=off refuses it; a source's timezone comes before it. */
    nw_article_t a;
    nw_error_t err;
    nw_zone_table_t *t = nw_zone_table_new();
    assert_non_null(t);
    assert_int_equal(nw_zone_table_set_policy(t, "country_zone", "off", &err), 0);
    assert_int_equal(zoneless_page("de-DE", "https://x.de/a", "2026-12-04T10:00:00", t, &a, &err),
                     NW_ERR_REJECTED);
    assert_int_equal(nw_zone_table_set_policy(t, "country_zone", "on", &err), 0);
    assert_int_equal(nw_zone_table_set_policy(t, "timezone", "eu-eastern", &err), 0);
    assert_int_equal(zoneless_page("de-DE", "https://x.de/a", "2026-12-04T10:00:00", t, &a, &err),
                     0);
    expect_time(a.published, "2026-12-04T08:00:00Z");
    assert_int_equal(a.zone_origin, NW_ZONE_FROM_SOURCE);
    nw_article_clear(&a);
    assert_int_equal(nw_zone_table_set_policy(t, "country_zone", "maybe", &err), NW_ERR_INVALID);
    nw_zone_table_free(t);

    /* The record names the zone's origin, in both writers. */
    assert_int_equal(
        zoneless_page("de-DE", "https://x.example/a", "2026-12-04T10:00:00", NULL, &a, &err), 0);
    nw_record_meta_t m = {.article_id = "x", .version = 1, .source = {.file = "-"}};
    json_t *r = nw_ninjs_build(&a, &m);
    assert_non_null(r);
    json_t *fs = json_object_get(json_object_get(r, "newswire"), "field_sources");
    assert_string_equal(json_string_value(json_object_get(fs, "zone")), "country");
    assert_string_equal(json_string_value(json_object_get(fs, "firstcreated")), "jsonld");
    json_decref(r);
    char *out = NULL;
    size_t len = 0;
    uint8_t hash[32];
    assert_int_equal(nw_ninjs_write(&a, &m, &out, &len, hash), 0);
    assert_non_null(strstr(out, "\"firstcreated\":\"jsonld\",\"versioncreated\":\"jsonld\""));
    assert_non_null(strstr(out, "\"zone\":\"country\"}"));
    free(out);
    nw_article_clear(&a);
}

static void unzoned_policy(void **state)
{
    (void)state;
    const char *page = "<html><head><script type=\"application/ld+json\">{\"@type\":"
                       "\"Article\",\"headline\":\"Storm closes schools\",\"datePublished\":"
                       "\"2026-12-04T10:00:00\"}</script></head><body><h1>Storm closes "
                       "schools</h1>" BODY "</body></html>";
    nw_article_t a;
    nw_error_t err;
    /* By default a time without a zone, on a page that gives none, is refused. */
    assert_int_equal(parse(page, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_BAD_TIMESTAMP);
    assert_non_null(strstr(err.msg, "has no zone"));

    nw_zone_table_t *t = nw_zone_table_new();
    assert_non_null(t);
    policy_table = t;
    nw_parse_opts_t opts = {.zones = zones_for};
    assert_int_equal(nw_zone_table_set_policy(t, "timezone", "CET", &err), 0);
    assert_int_equal(parse_opts(page, &opts, &a, &err), 0);
    expect_time(a.published, "2026-12-04T09:00:00Z");
    nw_article_clear(&a);

    nw_zone_table_free(t);
    t = nw_zone_table_new();
    policy_table = t;
    assert_int_equal(nw_zone_table_set_policy(t, "unzoned", "reject", &err), 0);
    assert_int_equal(parse_opts(page, &opts, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_BAD_TIMESTAMP);
    assert_non_null(strstr(err.msg, "has no zone"));
    assert_int_equal(nw_zone_table_set_policy(t, "unzoned", "utc", &err), 0);
    assert_int_equal(parse_opts(page, &opts, &a, &err), 0);
    expect_time(a.published, "2026-12-04T10:00:00Z");
    assert_int_equal(a.published_precision, NW_PRECISION_SECOND);
    nw_article_clear(&a);
    /* "day" keeps the date the page states, at day precision. */
    assert_int_equal(nw_zone_table_set_policy(t, "unzoned", "day", &err), 0);
    assert_int_equal(parse_opts(page, &opts, &a, &err), 0);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.published_precision, NW_PRECISION_DAY);
    nw_article_clear(&a);
    assert_int_equal(nw_zone_table_set_policy(t, "unzoned", "sometimes", &err), NW_ERR_INVALID);
    nw_zone_table_free(t);

    /* The page's own offset, from another of its dates, places the time. */
    ok("<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\","
       "\"datePublished\":\"2026-12-04T10:00:00\"}</script><meta property="
       "\"article:modified_time\" content=\"2026-12-05T10:00:00+02:00\"></head><body><h1>Storm "
       "closes schools</h1>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-04T08:00:00Z");
    nw_article_clear(&a);
}

static void no_date_fallbacks(void **state)
{
    (void)state;
    const char *env = "{\"url\":\"https://example.org/news/storm\",\"fetched_at\":"
                      "\"2026-12-04T07:00:00Z\",\"html\":\"<h1>Storm closes schools</h1><p>The "
                      "council voted to widen the path.</p><p>Work starts in spring.</p>\"}";
    nw_article_t a;
    nw_error_t err;
    assert_int_equal(parse(env, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_NO_TIMESTAMP);

    nw_zone_table_t *t = nw_zone_table_new();
    policy_table = t;
    nw_parse_opts_t opts = {.zones = zones_for, .has_received = true, .received_ms = 1796400000123};
    assert_int_equal(nw_zone_table_set_policy(t, "fallback", "fetched_at", &err), 0);
    assert_int_equal(parse_opts(env, &opts, &a, &err), 0);
    expect_time(a.published, "2026-12-04T07:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_FETCHED_AT);
    nw_article_clear(&a);

    const char *no_fetch = "<h1>Storm closes schools</h1><p>The council voted to widen the "
                           "path.</p><p>Work starts in spring.</p>";
    assert_int_equal(parse_opts(no_fetch, &opts, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(nw_zone_table_set_policy(t, "fallback", "received", &err), 0);
    assert_int_equal(parse_opts(no_fetch, &opts, &a, &err), 0);
    expect_time(a.published, "2026-12-04T16:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_RECEIVED);
    nw_article_clear(&a);
    nw_zone_table_free(t);
}

/* With no language named, the headline's script gives the country: a
 * Hangul headline is Korea's +09:00, a Han one without kana China's +08:00. */
static void script_zone(void **state)
{
    (void)state;
    static const struct {
        const char *h1, *want;
    } cases[] = {
        {"\xEC\x84\x9C\xEC\x9A\xB8 \xED\x8F\xAD\xEC\x84\xA4", "2026-12-03T23:00:00Z"},
        {"\xE5\x8C\x97\xE4\xBA\xAC\xE5\xA4\xA7\xE9\x9B\xAA", "2026-12-04T00:00:00Z"},
        {"\xE5\xA4\xA7\xE9\x9B\xAA\xE3\x81\xA7\xE4\xBC\x91\xE6\xA0\xA1", "2026-12-03T23:00:00Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char page[1024];
        snprintf(page, sizeof(page),
                 "{\"url\":\"https://news.example.com/a\",\"html\":\"<script "
                 "type='application/ld+json'>{\\\"@type\\\":\\\"NewsArticle\\\","
                 "\\\"datePublished\\\":\\\"2026-12-04T08:00:00\\\"}</script><h1>%s</h1>"
                 "<p>The council voted to widen the path.</p><p>Work starts.</p>\"}",
                 cases[i].h1);
        nw_article_t a;
        ok(page, &a);
        expect_time(a.published, cases[i].want);
        assert_int_equal(a.zone_origin, NW_ZONE_FROM_COUNTRY);
        nw_article_clear(&a);
    }
}

static void url_date(void **state)
{
    (void)state;
    nw_article_t a;
    ok("{\"url\":\"https://example.org/2026/12/04/storm-closes-schools/\",\"html\":\"<h1>Storm "
       "closes schools</h1><p>The council voted to widen the path.</p><p>Work starts.</p>\"}",
       &a);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_URL);
    nw_article_clear(&a);
    /* The day each URL names, 0 for none. A one-digit month or day only as
     * whole path segments ("/2019/5/10-ways" is a count, not a date). */
    static const struct {
        const char *url;
        unsigned month, day;
    } urls[] = {
        {"https://x.org/news/20261204/a", 12, 4},
        {"https://x.org/2026-12-04-a", 12, 4},
        {"https://x.org/2026/13/04/a", 0, 0},
        {"https://x.org/2017/7/12/storm", 7, 12},
        {"https://x.org/2017/7/12", 7, 12},
        {"https://x.org/2019/5/10-ways-to-cook", 0, 0},
        {"https://x.org/2023/10/3/questions", 10, 3},
        {"https://x.org/2023/10/3-questions", 0, 0},
        {"https://web.archive.org/web/20120216182711/http://x.org/", 0, 0},
        {"https://x.org/local/2020-02/19/c_1125597921.htm", 2, 19},
        {"https://x.org/local/2020-02/190/c_1.htm", 0, 0},
        {"https://x.org/local/2020-2/19/c_1.htm", 0, 0},
    };
    /* A time refused for want of a zone on the URL's day confirms that
     * day: the record takes the day alone, from the URL; on another day the
     * refusal stands. */
    nw_error_t err;
    assert_int_equal(zoneless_page("en", "https://example.com/2026/12/04/storm",
                                   "2026-12-04T23:30:00", NULL, &a, &err),
                     0);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.published_precision, NW_PRECISION_DAY);
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_URL);
    nw_article_clear(&a);
    assert_int_equal(zoneless_page("en", "https://example.com/2026/12/03/storm",
                                   "2026-12-04T23:30:00", NULL, &a, &err),
                     NW_ERR_REJECTED);
    assert_non_null(strstr(err.msg, "no zone"));
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        nw_mdate_t d;
        bool got = nw_mdate_url(urls[i].url, strlen(urls[i].url), &d);
        assert_int_equal(got, urls[i].day != 0);
        if (got) {
            assert_int_equal(d.month, urls[i].month);
            assert_int_equal(d.day, urls[i].day);
        }
    }
}

static void visible(const char *text, const char *lang, int y, unsigned m, unsigned d, int hour)
{
    nw_mdate_t got;
    nw_zone_table_t *z = nw_zone_table_new();
    if (!nw_mdate_visible(text, strlen(text), lang, z, &got))
        fail_msg("not read: %s", text);
    nw_zone_table_free(z);
    assert_int_equal(got.year, y);
    assert_int_equal(got.month, m);
    assert_int_equal(got.day, d);
    if (hour < 0)
        assert_false(got.has_time);
    else
        assert_int_equal(got.hour, hour);
}

/* Month names that share first letters, in each language, whatever their
 * case: each is read as its own month. */
static void visible_month_names(void **state)
{
    static const struct {
        const char *name;
        unsigned m;
    } names[] = {{"mar", 3},
                 {"March", 3},
                 {"MARS", 3},
                 {"marzo", 3},
                 {"maart", 3},
                 {"mrt", 3},
                 {"mrz", 3},
                 {"M\xc3\xa4rz", 3},
                 {"mai", 5},
                 {"Mayo", 5},
                 {"maggio", 5},
                 {"maio", 5},
                 {"mei", 5},
                 {"mag", 5},
                 {"may", 5},
                 {"Ao\xc3\xbbt", 8},
                 {"aout", 8},
                 {"augustus", 8},
                 {"ago", 8},
                 {"D\xc3\xa9"
                  "cembre",
                  12},
                 {"dez", 12},
                 {"dic", 12},
                 {"dec", 12},
                 {"setembro", 9},
                 {"set", 9},
                 {"sept", 9},
                 {"out", 10},
                 {"ott", 10},
                 {"okt", 10},
                 {"oct", 10}};
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char text[64];
        snprintf(text, sizeof(text), "4 %s 2026", names[i].name);
        visible(text, NULL, 2026, names[i].m, 4, -1);
    }
}

static void visible_dates_in_languages(void **state)
{
    (void)state;
    visible("Veröffentlicht am 4. Dezember 2026, 14:30 Uhr", "de", 2026, 12, 4, 14);
    visible("Publié le 4 décembre 2026 à 10h15", "fr", 2026, 12, 4, 10);
    visible("Publicado el 4 de diciembre de 2026", "es", 2026, 12, 4, -1);
    visible("Pubblicato il 4 dicembre 2026 alle 9:05", "it", 2026, 12, 4, 9);
    visible("Atualizado em 4 de março de 2026", "pt", 2026, 3, 4, -1);
    visible("Gepubliceerd op 4 mei 2026", "nl", 2026, 5, 4, -1);
    visible("December 4th, 2026 at 2:30 pm EST", "en", 2026, 12, 4, 14);
    visible("Fri, 04 Dec 2026 10:00:00 +0000", NULL, 2026, 12, 4, 10);
    visible("4.12.2026", NULL, 2026, 12, 4, -1);
    visible("04/05/2026", "en-US", 2026, 4, 5, -1);
    visible("04/05/2026", "de", 2026, 5, 4, -1);
    visible("25/12/2026", NULL, 2026, 12, 25, -1);
    visible("Do 25.04.26 | 14:07 Uhr", "de", 2026, 4, 25, 14); /* a two-digit year */
    /* Chinese and Japanese dates with their units, a clock written the same
     * way after a weekday in brackets, or an ordinary one; the Korean. */
    visible("2026\xE5\xB9\xB4"
            "12\xE6\x9C\x88"
            "4\xE6\x97\xA5",
            NULL, 2026, 12, 4, -1);
    visible("2026\xE5\xB9\xB4"
            "04\xE6\x9C\x88"
            "21\xE6\x97\xA5 (\xE9\x87\x91) "
            "12\xE6\x99\x82"
            "05\xE5\x88\x86",
            NULL, 2026, 4, 21, 12);
    visible("TOPICS\xE3\x80\x80"
            "2026\xE5\xB9\xB4"
            "3\xE6\x9C\x88"
            "15\xE6\x97\xA5 09:43",
            NULL, 2026, 3, 15, 9);
    visible("2026\xEB\x85\x84 4\xEC\x9B\x94 21\xEC\x9D\xBC", NULL, 2026, 4, 21, -1);
    nw_mdate_t d;
    assert_false(nw_mdate_visible("04/05/2026", 10, "en", NULL, &d)); /* ambiguous */
    assert_false(nw_mdate_visible("30. Februar 2026", 16, "de", NULL, &d));
    assert_false(nw_mdate_visible("in 2026 the council", 19, "en", NULL, &d));
    assert_false(nw_mdate_visible("Version 1.2.3.4", 15, "en", NULL, &d));
    assert_false(nw_mdate_visible("04/05/26", 8, "de", NULL, &d)); /* only dotted */
    /* A year and a month without a day is no date. */
    assert_false(nw_mdate_visible("2026\xE5\xB9\xB4"
                                  "12\xE6\x9C\x88",
                                  10, NULL, NULL, &d));

    /* A German page with only a visible date line. */
    nw_article_t a;
    ok("<html lang=\"de\"><body><h1>Sturm schließt Schulen</h1><p class=\"article-date\">"
       "Samstag, 05.12.2026</p><p>Der Rat hat am Dienstag beschlossen, den Weg zu "
       "verbreitern.</p><p>Die Arbeiten beginnen im Frühjahr.</p></body></html>",
       &a);
    expect_time(a.published, "2026-12-05T00:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_VISIBLE);
    assert_string_equal(a.language, "de");
    assert_int_equal(a.field_source[NW_FIELD_LANGUAGE], NW_SRC_HTML_LANG);
    nw_article_clear(&a);
}

/* A dateline in the page's header area, outside the main content the text
 * reader gets, still dates the article; the body keeps only the content. */
static void visible_date_outside_content(void **state)
{
    (void)state;
    nw_article_t a;
    ok_day("<html lang=\"en\"><body><div class=\"topbar\"><p>Gazette edition</p>"
           "<p>Posted: Thursday, December 3, 2026</p></div>"
           "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
           "<main><article><h1>River path to be widened</h1>" BODY
           "<p>Residents who walk the path every morning said the narrow stretch near the old "
           "mill had become dangerous, with cyclists and walkers squeezing past each other.</p>"
           "<p>The council will publish the detailed plans next month and invites comments "
           "from anyone who uses the path, by letter or on its website.</p></article></main>"
           "<footer><p>Copyright Gazette, all rights reserved.</p></footer></body></html>",
           &a);
    expect_time(a.published, "2026-12-03T00:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_VISIBLE);
    char *body = nw_article_body(&a);
    assert_non_null(body);
    assert_non_null(strstr(body, "detailed plans"));
    assert_null(strstr(body, "Gazette edition"));
    assert_null(strstr(body, "Copyright"));
    free(body);
    nw_article_clear(&a);
}

static void machine_shapes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool time, zone;
        int32_t offset;
    } cases[] = {
        {"2026-12-04", false, false, 0},
        {"2026-12-04T10:15", true, false, 0},
        {"2026-12-04T10:15:30.123Z", true, true, 0},
        {"2026-12-04T10:15:30+0530", true, true, 19800},
        {"2026-12-04 10:15:30 +01:00", true, true, 3600},
        {"2026-12-04T10:15:30-08", true, true, -28800},
        {"2026/12/04", false, false, 0},
        {"20261204", false, false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nw_mdate_t d;
        if (!nw_mdate_machine(cases[i].text, strlen(cases[i].text), NULL, &d))
            fail_msg("not read: %s", cases[i].text);
        assert_int_equal(d.day, 4);
        assert_int_equal(d.has_time, cases[i].time);
        assert_int_equal(d.has_zone, cases[i].zone);
        assert_int_equal(d.offset, cases[i].offset);
    }
    nw_mdate_t d;
    assert_false(nw_mdate_machine("2026-02-30", 10, NULL, &d));
    assert_false(nw_mdate_machine("2026-12-04T25:00", 16, NULL, &d));
}

static void strip_site(void **state)
{
    (void)state;
    static const char *const cases[][4] = {
        {"Storm closes schools | Gazette", "Gazette", NULL, "Storm closes schools"},
        {"Gazette - Storm closes schools", "Gazette", NULL, "Storm closes schools"},
        {"Storm closes schools \xE2\x80\x94 The Daily Post", NULL, "https://dailypost.example/a",
         "Storm closes schools"},
        {"Storm closes schools | Daily Post", NULL, NULL, "Storm closes schools"},
        {"Daily Post - Storm closes schools", NULL, "https://www.dailypost.example/a",
         "Storm closes schools"},
        {"Storm closes schools \xE2\x80\x93 what now?", NULL, "https://x.example/",
         "Storm closes schools \xE2\x80\x93 what now?"},
        {"Jean-Luc speaks - and the council listens to him", NULL, NULL,
         "Jean-Luc speaks - and the council listens to him"},
        /* The fullwidth bar and colon of CJK pages, spaced or not. */
        {"Storm closes schools \xEF\xBD\x9C Gazette News", "Gazette News", NULL,
         "Storm closes schools"},
        {"Storm closes schools\xEF\xBC\x9AGazette", "Gazette", NULL, "Storm closes schools"},
        {"Storm\xEF\xBC\x9A closes schools", NULL, "https://x.example/",
         "Storm\xEF\xBC\x9A closes schools"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = nw_meta_strip_site(cases[i][0], cases[i][1], cases[i][2]);
        assert_string_equal(s, cases[i][3]);
        free(s);
    }
}

static void envelope_shapes(void **state)
{
    (void)state;
    nw_article_t a;
    /* news-please */
    ok("{\"title\":\"Storm closes schools\",\"date_publish\":\"2026-12-04 10:00:00+00:00\","
       "\"date_modify\":\"2026-12-04T11:00:00Z\",\"authors\":[\"Ann Lee\",\"Bo Chan\"],"
       "\"maintext\":\"The council voted to widen the path.\\n\\nWork starts in spring.\","
       "\"language\":\"en\",\"source_domain\":\"example.org\"}",
       &a);
    assert_string_equal(a.headline, "Storm closes schools");
    expect_time(a.published, "2026-12-04T10:00:00Z");
    expect_time(a.updated, "2026-12-04T11:00:00Z");
    assert_string_equal(a.byline, "Ann Lee, Bo Chan");
    assert_string_equal(a.source, "example.org");
    assert_string_equal(a.language, "en");
    assert_int_equal(a.field_source[NW_FIELD_HEADLINE], NW_SRC_ENVELOPE);
    assert_int_equal(a.n_paragraphs, 2);
    nw_article_clear(&a);
    /* trafilatura: a date alone */
    ok("{\"title\":\"Storm closes schools\",\"date\":\"2026-12-04\",\"author\":\"Ann Lee\","
       "\"text\":\"Storm closes schools\\n\\nThe council voted.\\n\\nWork starts.\","
       "\"hostname\":\"example.org\"}",
       &a);
    expect_time(a.published, "2026-12-04T00:00:00Z");
    assert_int_equal(a.published_precision, NW_PRECISION_DAY);
    nw_article_clear(&a);
    /* schema.org names; the page's JSON-LD outranks the envelope's date */
    ok("{\"headline\":\"Storm closes schools\",\"datePublished\":\"2026-12-01T00:00:00Z\","
       "\"author\":{\"name\":\"Ann Lee\"},\"url\":\"https://example.org/a\",\"html\":\"<script "
       "type='application/ld+json'>{\\\"@type\\\":\\\"NewsArticle\\\",\\\"datePublished\\\":"
       "\\\"2026-12-04T10:00:00Z\\\"}</script><h1>Storm closes schools</h1><p>The council "
       "voted.</p><p>Work starts.</p>\"}",
       &a);
    expect_time(a.published, "2026-12-04T10:00:00Z");
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], NW_SRC_JSONLD);
    assert_string_equal(a.byline, "Ann Lee");
    assert_int_equal(a.field_source[NW_FIELD_BY], NW_SRC_ENVELOPE);
    nw_article_clear(&a);
}

/* The date policy from configuration: global keys, per-source keys layered
 * on them, and a bad value refused naming its key. */
static void policy_from_config(void **state)
{
    (void)state;
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    assert_non_null(cfg);
    assert_int_equal(nw_config_set(cfg, "timestamp.unzoned", "day", "test", &err), 0);
    assert_int_equal(nw_config_set(cfg, "source.spiegel.locale", "de", "test", &err), 0);
    assert_int_equal(nw_config_set(cfg, "source.spiegel.timezone", "eu-central", "test", &err), 0);
    nw_zoneset_t *zs = NULL;
    assert_int_equal(nw_zoneset_new(cfg, &zs, &err), 0);
    const nw_date_policy_t *g = nw_zone_table_policy(nw_zoneset_for("other", zs));
    const nw_date_policy_t *p = nw_zone_table_policy(nw_zoneset_for("spiegel", zs));
    assert_int_equal(g->unzoned, NW_UNZONED_DAY);
    assert_string_equal(g->locale, "");
    assert_int_equal(p->unzoned, NW_UNZONED_DAY);
    assert_string_equal(p->locale, "de");
    assert_true(p->has_zone);
    nw_zoneset_free(zs);
    assert_int_equal(nw_config_set(cfg, "source.spiegel.fallback", "maybe", "test", &err), 0);
    assert_int_equal(nw_zoneset_new(cfg, &zs, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "source.spiegel.fallback"));
    nw_config_free(cfg);
}

/* Broken and hostile JSON-LD: repaired where common, ignored otherwise, and
 * never slow. */
static void hostile_pages(void **state)
{
    (void)state;
    nw_article_t a;
    ok("<html><head><script type=\"application/ld+json\">\n<!--\n{\"@type\":\"NewsArticle\","
       "\"headline\":\"Line\nbreak\",\"datePublished\":\"2026-12-04T10:00:00Z\"}\n-->"
       "</script></head><body><h1>Line break</h1>" BODY "</body></html>",
       &a);
    expect_time(a.published, "2026-12-04T10:00:00Z");
    nw_article_clear(&a);

    size_t n = 600 * 1024;
    char *page = malloc(n + 1);
    assert_non_null(page);
    const char *pieces[] = {"<script type=application/ld+json>[[[[[[[[[[", "<a x='", "<!--",
                            "<time class=date>", "<p itemprop=datePublished>"};
    for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
        size_t l = strlen(pieces[k]);
        for (size_t i = 0; i < n; i++)
            page[i] = pieces[k][i % l];
        page[n] = '\0';
        nw_html_meta_t m;
        memset(&m, 0, sizeof(m));
        clock_t t0 = clock();
        assert_int_equal(nw_html_meta_extract(page, n, &m), 0);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        nw_html_meta_free(&m);
        if (secs > 2.0)
            fail_msg("piece %zu took %.2f s", k, secs);
    }
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonld_graph),
        cmocka_unit_test(bad_teaser_line_with_good_meta),
        cmocka_unit_test(trust_order),
        cmocka_unit_test(unclosed_h1),
        cmocka_unit_test(headline_choice),
        cmocka_unit_test(date_only_is_day_precision),
        cmocka_unit_test(unzoned_policy),
        cmocka_unit_test(country_zone),
        cmocka_unit_test(script_zone),
        cmocka_unit_test(no_date_fallbacks),
        cmocka_unit_test(url_date),
        cmocka_unit_test(visible_dates_in_languages),
        cmocka_unit_test(visible_month_names),
        cmocka_unit_test(visible_date_outside_content),
        cmocka_unit_test(machine_shapes),
        cmocka_unit_test(strip_site),
        cmocka_unit_test(envelope_shapes),
        cmocka_unit_test(hostile_pages),
        cmocka_unit_test(policy_from_config),
        cmocka_unit_test(visible_teasers_rank_last),
        cmocka_unit_test(visible_confirms_machine_date),
        cmocka_unit_test(other_dates_skipped),
        cmocka_unit_test(headline_kickers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
