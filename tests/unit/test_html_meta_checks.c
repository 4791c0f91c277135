/*
 * The cross-checks that keep a wrong published date out of the record when
 * the evidence for it is weak: a date the article quotes does not overrule
 * the markup, a list of other articles' dates gives none, and the page
 * header's "today" is not the article's date. A wrong date is worse than a
 * rejection. The pages are small hand-written excerpts shaped like the
 * markup of the public evaluation pages described in bench/README.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "newswire/article.h"
#include "parse/html_meta.h"
#include "parse/timestamp.h"

#define HEAD "<html><body><h1>Storm closes schools</h1>"
#define BODY                                                                                       \
    "<p>The council voted on Tuesday to widen the river path after a year of complaints.</p>"      \
    "<p>Work starts in spring and should take four months, officials said.</p>"

static int parse(const char *page, nw_article_t *a, nw_error_t *err)
{
    memset(a, 0, sizeof(*a));
    memset(err, 0, sizeof(*err));
    return nw_article_parse(page, strlen(page), NULL, a, err);
}

/* The page parses and its published time is want (UTC, as the record says). */
static void published(const char *page, const char *want, nw_field_source_t src)
{
    nw_article_t a;
    nw_error_t err;
    char buf[21];
    if (parse(page, &a, &err) != 0)
        fail_msg("rejected: %s", err.msg);
    nw_timestamp_format(a.published, buf);
    assert_string_equal(buf, want);
    assert_int_equal(a.field_source[NW_FIELD_FIRSTCREATED], src);
    nw_article_clear(&a);
}

static void no_date(const char *page)
{
    nw_article_t a;
    nw_error_t err;
    assert_int_equal(parse(page, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_NO_TIMESTAMP);
}

/* A date years before the markup's, standing alone on a line of the
 * article ("Benedict XVI, Deus caritas est, 25 December 2005:" before a
 * quotation), is a date the article quotes: it does not contradict the
 * markup. A dateline after the markup's date, or shortly before it, still
 * does (a stale template value). */
static void quoted_date_does_not_contradict(void **state)
{
    (void)state;
    published("<html><head><meta name=\"pubdate\" content=\"2026-11-20T11:02:44+01:00\"></head>"
              "<body><h1>Storm closes schools</h1><p class=\"date\">25. Dezember 2005</p>" BODY
              "</body></html>",
              "2026-11-20T10:02:44Z", NW_SRC_META);
    published("<html><head><meta name=\"pubdate\" content=\"2026-11-20T11:02:44+01:00\"></head>"
              "<body><h1>Storm closes schools</h1><p class=\"date\">02.11.2026</p>" BODY
              "</body></html>",
              "2026-11-02T00:00:00Z", NW_SRC_VISIBLE);
}

/* Dates in links and lists are tried last. When the first of them is not
 * the earliest, they are a list of other articles, newest first (a "more
 * from" box): none of them is taken. Dates that only grow after the first
 * (replies under a post) still give the first. */
static void other_articles_list_gives_no_date(void **state)
{
    (void)state;
    no_date(HEAD BODY "<ul><li><a href=\"/a\">The old bridge over the river reopens to traffic "
                      "after two years <span class=\"date\">1 July 2026</span></a></li><li><a "
                      "href=\"/b\">The summer fair opens its gates on the market square this "
                      "weekend <span class=\"date\">25 June 2026</span></a></li><li><a "
                      "href=\"/c\">The night bus line to the airport is cut from next month on "
                      "<span class=\"date\">18 June 2026</span></a></li></ul></body></html>");
    published(HEAD BODY "<ul><li><a href=\"/a\">Anna wrote the first answer to this post, "
                        "and it was long <span class=\"date\">5 April 2026</span></a></li><li><a "
                        "href=\"/b\">Ben wrote the second answer to this post, and it was short "
                        "<span class=\"date\">6 April 2026</span></a></li></ul></body></html>",
              "2026-04-05T00:00:00Z", NW_SRC_VISIBLE);
}

/* Text above the headline inside the page's navigation is the header's
 * "today" line: alone it gives no date. A machine <time> there still
 * counts. */
static void header_today_is_not_the_date(void **state)
{
    (void)state;
    no_date("<html><body><nav><span class=\"date\">Freitag, 21. Januar 2022</span></nav>"
            "<h1>Storm closes schools</h1>" BODY "</body></html>");
    published("<html><body><nav><time datetime=\"2022-01-14T08:45:38+01:00\">14.01.</time></nav>"
              "<h1>Storm closes schools</h1>" BODY "</body></html>",
              "2022-01-14T07:45:38Z", NW_SRC_TIME);
}

/* The URL's day stays what it was when the article first went out; a
 * markup date more than a day from it (a page re-saved into a new
 * template) yields to it. A day apart is the zone's doing. The URL counts
 * even on a page whose date candidates fill their list. */
static void url_day_overrules(void **state)
{
    (void)state;
    const char *page =
        "{\"url\":\"https://x.example/home/2017/7/12/storm\",\"html\":\"<script "
        "type='application/ld+json'>{\\\"@type\\\":\\\"BlogPosting\\\",\\\"datePublished\\\":"
        "\\\"%s\\\"}</script><h1>Storm closes schools</h1><p>The council voted to widen the "
        "path.</p><p>Work starts.</p>\"}";
    char buf[1024];
    snprintf(buf, sizeof(buf), page, "2019-06-17T18:28:00+02:00");
    published(buf, "2017-07-12T00:00:00Z", NW_SRC_URL);
    snprintf(buf, sizeof(buf), page, "2017-07-11T22:28:00-07:00");
    published(buf, "2017-07-12T05:28:00Z", NW_SRC_JSONLD);
    char full[2048] = "{\"url\":\"https://x.example/2017/07/12/storm\",\"html\":\"";
    for (int i = 0; i < NW_META_CANDIDATES_MAX + 1; i++)
        strcat(full, "<span class='date'>soon</span>");
    strcat(full, "<h1>Storm closes schools</h1><p>The council voted to widen the path.</p><p>Work "
                 "starts.</p>\"}");
    published(full, "2017-07-12T00:00:00Z", NW_SRC_URL);
}

/* A line whose first date is an update's is tried after the other visible
 * dates; a label line above a date line belongs to it, so a member's
 * joining day is not taken. */
static void update_line_last_and_label_above(void **state)
{
    (void)state;
    published(HEAD BODY "<p>Letzte \xc3\x84nderung: 31.10.2026</p><p>Erschienen am: 01.11.2026</p>"
                        "</body></html>",
              "2026-11-01T00:00:00Z", NW_SRC_VISIBLE);
    no_date(HEAD BODY "<dl><dt>Joined</dt><dd>May 11, 2017</dd></dl></body></html>");
}

/* The text of a <time datetime> is the markup again, not a dateline of
 * its own: a comment's "23.09.26 | 18:19" neither takes back what the
 * article's dateline says against a stale markup time, nor, on the day of
 * the page's dateModified (a live ticker's last entry), confirms that day
 * against the markup's datePublished. */
static void time_text_is_no_dateline(void **state)
{
    (void)state;
    published(HEAD "<p class=\"byline\">von Anna am 20.09.2026</p>" BODY
                   "<div class=\"comment\"><time datetime=\"2026-09-23T18:19:06+02:00\">23.09.26 | "
                   "18:19</time> Sehr gut.</div></body></html>",
              "2026-09-20T00:00:00Z", NW_SRC_VISIBLE);
    published("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
              "\"datePublished\":\"2026-03-01T09:00:00+01:00\",\"dateModified\":"
              "\"2026-12-04T11:08:00+01:00\"}</script></head><body><h1>Storm closes schools</h1>"
              "<span class=\"date\"><time datetime=\"2026-12-04T10:08:00Z\">04.12.2026, 11.08 "
              "Uhr</time></span>" BODY "</body></html>",
              "2026-03-01T08:00:00Z", NW_SRC_JSONLD);
    /* Without a later dateModified the shown day still confirms the
     * <time> against an older og:published_time. */
    published("<html><head><meta property=\"article:published_time\" content=\"2026-01-15\">"
              "</head><body><h1>Storm closes schools</h1><span class=\"date\"><time "
              "datetime=\"2026-01-25\">25.01.2026</time></span>" BODY "</body></html>",
              "2026-01-25T00:00:00Z", NW_SRC_TIME);
}

/* A Japanese "更新" line dates an update: the published time comes from the
 * line that says "公開" (published) even when the update line is first, and a
 * page with only an update line still has its date. A header's "today"
 * repeated as a text line of its own ranks as the header's. */
static void cjk_update_and_header_lines(void **state)
{
    (void)state;
#define UPD          "\xE6\x9B\xB4\xE6\x96\xB0"
#define KOUKAI       "\xE5\x85\xAC\xE9\x96\x8B"
#define YMD(y, m, d) y "\xE5\xB9\xB4" m "\xE6\x9C\x88" d "\xE6\x97\xA5"
    published("<html><head><meta property=\"article:modified_time\" "
              "content=\"2026-02-22T14:37:03+09:00\"></head><body><h1>Storm closes schools</h1>"
              "<p class=\"date\">" YMD("2026", "02", "22") " 14:30 " KOUKAI "</p>" BODY "<div>" YMD(
                  "2026", "08", "11") " " UPD "</div></body></html>",
              "2026-02-22T05:30:00Z", NW_SRC_VISIBLE);
    nw_article_t a;
    nw_error_t err;
    if (parse(HEAD "<p>" YMD("2026", "04", "21") UPD "</p>" BODY "</body></html>", &a, &err) != 0)
        fail_msg("rejected: %s", err.msg);
    char buf[21];
    nw_timestamp_format(a.updated, buf);
    assert_string_equal(buf, "2026-04-21T00:00:00Z");
    nw_article_clear(&a);
    published("<html><body><div class=\"header\"><div class=\"today-date\">" YMD(
                  "2026", "6",
                  "20") "</div></div><h1>Storm closes schools</h1><p>" YMD("2026", "6",
                                                                           "19") "</p>" BODY
                                                                                 "</body></html>",
              "2026-06-19T00:00:00Z", NW_SRC_VISIBLE);
#undef UPD
#undef KOUKAI
#undef YMD
}

/* Dates in a box of other articles' teasers (a class or id such as
 * "popular-articles", "related-posts", "teaser-box") are theirs: the
 * article's own date above its headline wins over them. A box that holds
 * the page's <h1> wraps the article itself and dates nothing else. */
static void teaser_box_dates_rank_last(void **state)
{
    (void)state;
    published("<html><body><div class=\"date\">30.10.23</div><h1>Storm closes schools</h1>" BODY
              "<div class=\"teaser-box popular-articles\"><div class=\"img\"></div><div "
              "class=\"date\">13.10.23</div><div class=\"title\">Fog</div></div><section "
              "id=\"related\"><div><div class=\"date\">28.9.23</div></div></section></body></html>",
              "2023-10-30T00:00:00Z", NW_SRC_VISIBLE);
    published("<html><body><div class=\"date\">30.10.23</div><div class=\"teaser-wrap\"><h1>Storm "
              "closes schools</h1><div class=\"date\">31.10.23</div>" BODY "</div></body></html>",
              "2023-10-31T00:00:00Z", NW_SRC_VISIBLE);
}

/* A title whose last part is a numeric date gives the page's day, ahead of
 * dates in other articles' headings further down; a title that only names a
 * period, or ends in a number, gives none. */
static void title_date_part(void **state)
{
    (void)state;
    published("<html><head><title>Storm closes schools | Europa | Gazette | 28.04.2023</title>"
              "</head><body><h1>Storm closes schools</h1>" BODY
              "<h2>Floods in the valley <span class=\"date\">24.04.2023</span></h2>"
              "<p>More on the floods after the storm.</p></body></html>",
              "2023-04-28T00:00:00Z", NW_SRC_VISIBLE);
    published("<html><head><title>Storm closes schools \xE2\x80\x93 Gazette \xE2\x80\x93 "
              "2023-04-28</title></head><body><h1>Storm closes schools</h1>" BODY "</body></html>",
              "2023-04-28T00:00:00Z", NW_SRC_VISIBLE);
    no_date("<html><head><title>Weekly report 14. - 20.01</title></head><body><h1>Weekly "
            "report</h1>" BODY "</body></html>");
    no_date("<html><head><title>Storm closes schools | 2023</title></head><body><h1>Storm "
            "closes schools</h1>" BODY "</body></html>");
    no_date("<html><head><title>Storm closes schools 28.04.2023</title></head><body><h1>Storm "
            "closes schools</h1>" BODY "</body></html>");
}

/* The news templates of a common CMS date an item in "news-single-timedata"
 * (no "date" in the name): that dateline contradicts a later markup date. */
static void cms_timedata_line(void **state)
{
    (void)state;
    published("<html><head><meta name=\"date\" content=\"2020-02-12\"></head><body><h1>Storm "
              "closes schools</h1><div class=\"news-single-timedata\">05.02.2020 <span>- "
              "Redaktion: Ann Lee</span></div>" BODY "</body></html>",
              "2020-02-05T00:00:00Z", NW_SRC_VISIBLE);
}

/* <meta http-equiv="Last-Modified"> is the server's time for the page, not
 * an update of the article: the article keeps its published time alone. */
static void http_last_modified_is_no_update(void **state)
{
    (void)state;
    nw_article_t a;
    nw_error_t err;
    assert_int_equal(parse("<html><head><meta http-equiv=\"Last-Modified\" content=\"25 May,2016 "
                           "0407hrs IST\"><meta property=\"article:published_time\" "
                           "content=\"2016-01-12T17:04:00+05:30\"></head><body><h1>Storm closes "
                           "schools</h1>" BODY "</body></html>",
                           &a, &err),
                     0);
    assert_false(a.has_updated);
    assert_int_equal(nw_article_version_time(&a), a.published);
    nw_article_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoted_date_does_not_contradict),
        cmocka_unit_test(other_articles_list_gives_no_date),
        cmocka_unit_test(header_today_is_not_the_date),
        cmocka_unit_test(url_day_overrules),
        cmocka_unit_test(update_line_last_and_label_above),
        cmocka_unit_test(time_text_is_no_dateline),
        cmocka_unit_test(cjk_update_and_header_lines),
        cmocka_unit_test(teaser_box_dates_rank_last),
        cmocka_unit_test(title_date_part),
        cmocka_unit_test(cms_timedata_line),
        cmocka_unit_test(http_last_modified_is_no_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
