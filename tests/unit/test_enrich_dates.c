/*
 * Unit tests of the "dates" enricher: the seed article, explicit dates with
 * and without a year (year rollover both ways), weekday resolution around the
 * article's own weekday, relative words, and the phrases that are not days.
 */
#include "test_enrich_util.h"

#include "enrichers/builtins.h"
#include "core/cpu.h"

/* Runs dates over body text in an article published at `published`; returns
 * the dates joined by spaces ("" when none) in buf. */
static const char *dates_of(const char *published, const char *body, char *buf, size_t n)
{
    fx_t f;
    nw_enrichers_t *e = host_only("dates");
    fx_text(&f, published, "A headline without dates", body, "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    json_t *list = fx_ext(&f, "dates_mentioned");
    buf[0] = '\0';
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", i ? " " : "", json_string_value(v));
    }
    if (!list) {
        assert_string_equal(fx_status_str(&f, "dates"), "skipped");
        assert_string_equal(fx_detail(&f, "dates"), "no dates");
    } else {
        assert_string_equal(fx_status_str(&f, "dates"), "ok");
    }
    fx_clear(&f);
    nw_enrichers_free(e);
    return buf;
}

#define EXPECT_DATES(published, body, expected)                                                    \
    do {                                                                                           \
        char buf_[512];                                                                            \
        assert_string_equal(dates_of(published, body, buf_, sizeof(buf_)), expected);              \
    } while (0)

static void test_seed(void **state)
{
    (void)state;
    fx_t f;
    nw_enrichers_t *e = host_only("dates");
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    char *got = json_dumps(fx_ext(&f, "dates_mentioned"), JSON_COMPACT);
    /* "on Wednesday" the day before the Thursday it was published, "on
     * Thursday" that day, January 12 and 10 next year; "in 2014" is no day. */
    assert_string_equal(got, "[\"2021-12-29\",\"2021-12-30\",\"2022-01-10\",\"2022-01-12\"]");
    assert_string_equal(fx_detail(&f, "dates"), "4 dates");
    fx_clear(&f);
    /* One date: "1 date". */
    fx_text(&f, "2021-12-30T09:32:00Z", "Talks", "They met on 3 January.", "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    assert_string_equal(fx_detail(&f, "dates"), "1 date");
    free(got);
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_explicit(void **state)
{
    (void)state;
    const char *dec30 = "2021-12-30T09:32:00Z";
    EXPECT_DATES(dec30, "Talks are set for January 12 in Geneva.", "2022-01-12");
    EXPECT_DATES(dec30, "Talks are set for Jan. 12 in Geneva.", "2022-01-12");
    EXPECT_DATES(dec30, "Talks are set for 12 January in Geneva.", "2022-01-12");
    EXPECT_DATES(dec30, "Talks are set for the 12th of January.", "2022-01-12");
    EXPECT_DATES(dec30, "Talks are set for January 12th.", "2022-01-12");
    EXPECT_DATES(dec30, "The treaty of January 12, 2020 still holds.", "2020-01-12");
    EXPECT_DATES(dec30, "It was signed on 3 March 2019, officials said.", "2019-03-03");
    EXPECT_DATES(dec30, "The report (2021-06-01) was updated.", "2021-06-01");
    /* Rollover the other way: December in a January article is last year's. */
    EXPECT_DATES("2022-01-03T10:00:00Z", "The vote on December 28 was close.", "2021-12-28");
    /* Same year when nearer. */
    EXPECT_DATES("2022-06-15T10:00:00Z", "Since March 2 and until Sept. 9 there",
                 "2022-03-02 2022-09-09");
    /* Sorted, unique. */
    EXPECT_DATES(dec30, "On January 12 and again on January 12, then December 31.",
                 "2021-12-31 2022-01-12");
    /* February 29 only in a leap year: the nearest one that exists. */
    EXPECT_DATES("2024-02-20T10:00:00Z", "The deadline is February 29.", "2024-02-29");
    EXPECT_DATES("2023-02-20T10:00:00Z", "The deadline is February 29.", "2024-02-29");
}

static void test_weekdays(void **state)
{
    (void)state;
    /* 2021-12-30 is a Thursday. */
    const char *thu = "2021-12-30T09:32:00Z";
    EXPECT_DATES(thu, "Blinken spoke with them on Wednesday.", "2021-12-29");
    EXPECT_DATES(thu, "Biden and Putin speak on Thursday.", "2021-12-30");
    EXPECT_DATES(thu, "The ministers meet Friday.", "2021-12-31");
    EXPECT_DATES(thu, "The ministers met Monday.", "2021-12-27");  /* 3 back, not 4 ahead */
    EXPECT_DATES(thu, "The ministers meet Sunday.", "2022-01-02"); /* 3 ahead, not 4 back */
    EXPECT_DATES(thu, "They met last Thursday.", "2021-12-23");
    EXPECT_DATES(thu, "They meet next Thursday.", "2022-01-06");
    EXPECT_DATES(thu, "They met last Monday.", "2021-12-27");
    EXPECT_DATES(thu, "They meet next Monday.", "2022-01-03");
    /* A weekday next to a full date is part of it. */
    EXPECT_DATES(thu, "Talks begin on Monday, January 10 in Geneva.", "2022-01-10");
    EXPECT_DATES(thu, "Talks begin on Monday 10 January.", "2022-01-10");
    /* Lower case is not a weekday name ("sunday best" is no date). */
    EXPECT_DATES(thu, "wearing his sunday best", "");
}

static void test_relative(void **state)
{
    (void)state;
    const char *thu = "2021-12-30T09:32:00Z";
    EXPECT_DATES(thu, "Yesterday the talks stalled; today they resume and tomorrow end.",
                 "2021-12-29 2021-12-30 2021-12-31");
    /* Published date, not the update's: the article's own date. */
    fx_t f;
    nw_enrichers_t *e = host_only("dates");
    fx_parse(&f,
             "Updated January 2nd, 2022 at 10:00 IST\n\nHeadline here\n\nIt happened "
             "yesterday.\n\nPublished December 30th, 2021 at 15:02 IST\n",
             "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    assert_string_equal(json_string_value(json_array_get(fx_ext(&f, "dates_mentioned"), 0)),
                        "2021-12-29");
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_not_dates(void **state)
{
    (void)state;
    const char *thu = "2021-12-30T09:32:00Z";
    EXPECT_DATES(thu, "Talks resume next week, after a pause last month.", "");
    EXPECT_DATES(thu, "A revolt toppled the president in 2014.", "");
    EXPECT_DATES(thu, "Elections are due in January 2022.", "");
    EXPECT_DATES(thu, "The meeting on 12/01 was moved.", "");
    EXPECT_DATES(thu, "Prices rose 12 percent in May, the minister may say.", "");
    EXPECT_DATES(thu, "They may meet at 12:30 in March.", "");
    EXPECT_DATES(thu, "The march of 5 marchers drew 2,000 people.", "");
    EXPECT_DATES(thu, "No day 32 in January 32 exists.", "");
    EXPECT_DATES(thu, "February 30 is not a day.", "");
}

/* The scan passes over words and numbers that cannot start a date without
 * lexing them: what it still takes, at the edges of those filters (case,
 * a day's digits, what follows a day, a year's hyphen, words of a name's
 * length, text across the 16-byte steps of the scan). */
static void scan_filters(void)
{
    const char *thu = "2021-12-30T09:32:00Z";
    EXPECT_DATES(thu, "TODAY and TOMORROW, not TOMORROWS or todays.", "2021-12-30 2021-12-31");
    EXPECT_DATES(thu, "They meet THURSDAY; they met Tuesday; Thursdays are quiet.",
                 "2021-12-28 2021-12-30");
    EXPECT_DATES(thu, "The YESTERDAY group, yet Yesterday's", "2021-12-29");
    EXPECT_DATES(thu, "Talks on 09 January, 00 January, 9th January and 31 January.",
                 "2022-01-09 2022-01-31");
    EXPECT_DATES(thu, "Talks on 01 of January and 3rd   of\tJanuary.", "2022-01-01 2022-01-03");
    EXPECT_DATES(thu, "On 12 (January) and 12 january and 12th, January.", "");
    EXPECT_DATES(thu, "2022-01-12, 2022 -01-12, 20221-01-12 and 202-01-12.", "2022-01-12");
    EXPECT_DATES(thu, "JANUARY 12 and Janu 12 and Januaryy 12 and JAN. 14",
                 "2022-01-12 2022-01-14");
    EXPECT_DATES(thu, "Mayday on May 1; Decemberists on DEC 2; Wednesdays on Wed",
                 "2021-12-02 2022-05-01");
    EXPECT_DATES(thu,
                 "A long run of words before the date: xxxxxxxxxxxxxxxxxxxxxxx "
                 "yyyyyyyyyyyyyyyyy January 12 and aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa15 "
                 "January and a final Friday",
                 "2021-12-31 2022-01-12 2022-01-15");
}

/* A date after every number of bytes up to well past two of the scan's
 * 64-byte blocks: its day's digits glued to letters before them and a
 * year's ISO date, and a number split by a block's end, which goes on in
 * the next block: "123 January" is no date, not "23 January"; "today"
 * after words of t and h; a capitalised word longer than a block. */
static void scan_offsets(void)
{
    const char *thu = "2021-12-30T09:32:00Z";
    char body[256];
    for (size_t k = 0; k <= 140; k++) {
        memset(body, 'a', k);
        snprintf(body + k, sizeof(body) - k, "15 January");
        EXPECT_DATES(thu, body, "2022-01-15");
        memset(body, ' ', k);
        snprintf(body + k, sizeof(body) - k, "2022-01-12 x");
        EXPECT_DATES(thu, body, "2022-01-12");
        snprintf(body + k, sizeof(body) - k, "123 January");
        EXPECT_DATES(thu, body, "");
        /* A t before anything but an o starts no date; one before an o
         * may, also where the o begins the next block. */
        snprintf(body + k, sizeof(body) - k, "th tthe tax today");
        EXPECT_DATES(thu, body, "2021-12-30");
        /* Words ruled out by their first two letters (and "Th" by its
         * third), also where the second or third begins the next block,
         * and a capital before a multi-byte letter. */
        snprintf(body + k, sizeof(body) - k, "The Th Tha Ap As M\xc3\xa9 Thu Thursday");
        EXPECT_DATES(thu, body, "2021-12-30");
        snprintf(body + k, sizeof(body) - k, "Sa Su Se Mo Fr Oc No De We Ye May 1");
        EXPECT_DATES(thu, body, "2022-05-01");
        /* A capitalised word longer than a block, from a block's start
         * on: its letters are measured past the block's mask. */
        snprintf(body + k, sizeof(body) - k, "%s 15 January",
                 "Maaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay");
        EXPECT_DATES(thu, body, "2022-01-15");
    }
}

/* Runs check through both scans, where the CPU has AVX2 (two vectors of
 * 32 a block) and without (four of 16): they find the same dates. */
static void both_scans(void (*check)(void))
{
    for (int off = 0; off < 2; off++) {
        nw_cpu_mask(off ? NW_CPU_AVX2 : 0);
        check();
    }
    nw_cpu_mask(0);
}

static void test_scan_filters(void **state)
{
    (void)state;
    both_scans(scan_filters);
}

static void test_scan_offsets(void **state)
{
    (void)state;
    both_scans(scan_offsets);
}

static void test_settings(void **state)
{
    (void)state;
    nw_config_t *cfg =
        cfg_pairs("enrichers.dates.weekdays", "false", "enrichers.dates.relative", "no", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "dates");
    fx_t f;
    fx_text(&f, "2021-12-30T09:32:00Z", "Headline here",
            "On Wednesday and yesterday, before January 12.", "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    assert_int_equal(json_array_size(fx_ext(&f, "dates_mentioned")), 1);
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);

    cfg = cfg_pairs("enrichers.dates.weekdays", "maybe", NULL);
    nw_config_set(cfg, "enrichers.disabled", "lang", "test", NULL);
    nw_error_t err = {0};
    assert_int_equal(nw_enrichers_new(cfg, &e, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "enrichers.dates.weekdays: \"maybe\" is not true or false"));
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),      cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_weekdays),  cmocka_unit_test(test_relative),
        cmocka_unit_test(test_not_dates), cmocka_unit_test(test_scan_filters),
        cmocka_unit_test(test_settings),  cmocka_unit_test(test_scan_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
