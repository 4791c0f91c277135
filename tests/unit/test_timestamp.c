/*
 * Unit tests of the timestamp module: every printed family and default zone
 * converted to UTC, impossible or malformed timestamps rejected with a message
 * quoting the culprit, the label classifier, zone overrides, formatting, the
 * calendar arithmetic, and robustness against arbitrary bytes.
 *
 * The expected UTC values of the good lines were worked out independently
 * with the IANA time-zone database (America/New_York, Europe/Berlin, ...),
 * not by this module, so the daylight-saving rules are checked against it.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "parse/timestamp.h"
#include "parse/zones.h"

typedef struct good_case {
    const char *line;
    nw_ts_label_t label; /* NW_TS_NONE: the whole line is the timestamp */
    const char *utc;
    int table; /* 0: default; 1: CET follows eu-central, LT follows uk */
} good_case_t;

/* Every family, every default zone, boundaries, 12 AM/PM and both daylight
 * saving changes. */
static const good_case_t good[] = {
    {"Updated December 30th, 2021 at 15:02 IST", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Updated on Jun 15, 2024 05:55 PM IST", NW_TS_UPDATED, "2024-06-15T12:25:00Z", 0},
    {"Published 06:46 IST, September 25th 2024", NW_TS_PUBLISHED, "2024-09-25T01:16:00Z", 0},
    {"Last Updated: Dec 30, 2021, 15:02 IST", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Published on 30 December 2021 15:02 GMT", NW_TS_PUBLISHED, "2021-12-30T15:02:00Z", 0},
    {"UPDATED DECEMBER 30TH, 2021 AT 15:02 IST", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"updated december 30th, 2021 at 3:02 pm ist", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"2021-12-30T15:02:00+05:30", NW_TS_NONE, "2021-12-30T09:32:00Z", 0},
    {"2021-12-30T09:32:00Z", NW_TS_NONE, "2021-12-30T09:32:00Z", 0},
    {"2021-12-30 09:32Z", NW_TS_NONE, "2021-12-30T09:32:00Z", 0},
    {"Modified 2021-12-30T09:32:59.987654Z", NW_TS_UPDATED, "2021-12-30T09:32:59Z", 0},
    {"Posted 2021-12-30T15:02:00+0530", NW_TS_PUBLISHED, "2021-12-30T09:32:00Z", 0},
    {"Updated 2021-12-30T01:02:03-08:00", NW_TS_UPDATED, "2021-12-30T09:02:03Z", 0},
    {"First published: Thursday, December 30, 2021 10:15 UTC", NW_TS_PUBLISHED,
     "2021-12-30T10:15:00Z", 0},
    {"Posted on Thu, 30 Dec 2021 10:15:30 GMT", NW_TS_PUBLISHED, "2021-12-30T10:15:30Z", 0},
    {"Updated at 3:45 a.m. ET, Jan 5, 2022", NW_TS_UPDATED, "2022-01-05T08:45:00Z", 0},
    {"Last updated on Sept 5, 2023 11:00 p.m. PT", NW_TS_UPDATED, "2023-09-06T06:00:00Z", 0},
    {"Published Dec 30, 2021 15:02 GMT+5:30", NW_TS_PUBLISHED, "2021-12-30T09:32:00Z", 0},
    {"Published Dec 30, 2021 10:02 UTC-4", NW_TS_PUBLISHED, "2021-12-30T14:02:00Z", 0},
    {"Published Dec. 30, 2021, 10:02:59 EST", NW_TS_PUBLISHED, "2021-12-30T15:02:59Z", 0},
    {"Updated 30-Dec-2021 15:02 IST", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Updated Dec 30, 2021 | 15:02 IST", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Updated December 30, 2021 \342\200\224 3:02 PM ET", NW_TS_UPDATED, "2021-12-30T20:02:00Z", 0},
    {"Updated Jun 15, 2024, 5:55\342\200\257PM UTC", NW_TS_UPDATED, "2024-06-15T17:55:00Z", 0},
    {"Updated:\302\240Jun\302\24015,\302\2402024 17:55 UTC  \015", NW_TS_UPDATED,
     "2024-06-15T17:55:00Z", 0},
    {"Posted Jun 15 2024 5 PM UTC", NW_TS_PUBLISHED, "2024-06-15T17:00:00Z", 0},
    {"Posted Jun 15 2024 3:02:15 pm Z", NW_TS_PUBLISHED, "2024-06-15T15:02:15Z", 0},
    {"Updated 15:02 hrs IST, 30 Dec 2021", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Updated 15:02 December 30 2021 IST", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Published Thu 30 Dec 2021 15.02 GMT", NW_TS_PUBLISHED, "2021-12-30T15:02:00Z", 0},
    {"Updated 30 Dec 2021 10.30am GMT", NW_TS_UPDATED, "2021-12-30T10:30:00Z", 0},
    {"Published 2021 December 30 15:02 (IST)", NW_TS_PUBLISHED, "2021-12-30T09:32:00Z", 0},
    {"Updated July 4, 2022 12:00 BST", NW_TS_UPDATED, "2022-07-04T11:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 CET", NW_TS_UPDATED, "2022-01-04T11:00:00Z", 0},
    {"Updated July 4, 2022 12:00 CEST", NW_TS_UPDATED, "2022-07-04T10:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 EET", NW_TS_UPDATED, "2022-01-04T10:00:00Z", 0},
    {"Updated July 4, 2022 12:00 EEST", NW_TS_UPDATED, "2022-07-04T09:00:00Z", 0},
    {"Updated July 4, 2022 12:00 EDT", NW_TS_UPDATED, "2022-07-04T16:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 CST", NW_TS_UPDATED, "2022-01-04T18:00:00Z", 0},
    {"Updated July 4, 2022 12:00 CDT", NW_TS_UPDATED, "2022-07-04T17:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 MST", NW_TS_UPDATED, "2022-01-04T19:00:00Z", 0},
    {"Updated July 4, 2022 12:00 MDT", NW_TS_UPDATED, "2022-07-04T18:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 PST", NW_TS_UPDATED, "2022-01-04T20:00:00Z", 0},
    {"Updated July 4, 2022 12:00 PDT", NW_TS_UPDATED, "2022-07-04T19:00:00Z", 0},
    {"Updated July 4, 2022 12:00 JST", NW_TS_UPDATED, "2022-07-04T03:00:00Z", 0},
    {"Updated July 4, 2022 12:00 AEST", NW_TS_UPDATED, "2022-07-04T02:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 AEDT", NW_TS_UPDATED, "2022-01-04T01:00:00Z", 0},
    {"Updated July 4, 2022 12:00 WIB", NW_TS_UPDATED, "2022-07-04T05:00:00Z", 0},
    {"Updated July 4, 2022 12:00 SGT", NW_TS_UPDATED, "2022-07-04T04:00:00Z", 0},
    {"Updated July 4, 2022 12:00 HKT", NW_TS_UPDATED, "2022-07-04T04:00:00Z", 0},
    {"Updated 19:05 BRT, January 22nd 2025", NW_TS_UPDATED, "2025-01-22T22:05:00Z", 0},
    {"Updated 20:40 CLT, April 9th 2025", NW_TS_UPDATED, "2025-04-10T00:40:00Z", 0},
    {"Updated Jan 4, 2022 12:00 ART", NW_TS_UPDATED, "2022-01-04T15:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 COT", NW_TS_UPDATED, "2022-01-04T17:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 NST", NW_TS_UPDATED, "2022-01-04T15:30:00Z", 0},
    {"Updated Jan 4, 2022 12:00 IRST", NW_TS_UPDATED, "2022-01-04T08:30:00Z", 0},
    {"Updated Jan 4, 2022 12:00 TRT", NW_TS_UPDATED, "2022-01-04T09:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 CAT", NW_TS_UPDATED, "2022-01-04T10:00:00Z", 0},
    {"Updated July 4, 2022 12:00 UTC", NW_TS_UPDATED, "2022-07-04T12:00:00Z", 0},
    {"Updated July 4, 2022 12:00 Z", NW_TS_UPDATED, "2022-07-04T12:00:00Z", 0},
    {"Updated July 4, 2022 12:00 CT", NW_TS_UPDATED, "2022-07-04T17:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 CT", NW_TS_UPDATED, "2022-01-04T18:00:00Z", 0},
    {"Updated July 4, 2022 12:00 MT", NW_TS_UPDATED, "2022-07-04T18:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 MT", NW_TS_UPDATED, "2022-01-04T19:00:00Z", 0},
    {"Updated Jan 4, 2022 12:00 PT", NW_TS_UPDATED, "2022-01-04T20:00:00Z", 0},
    {"Updated July 4, 2022 12:00 ET", NW_TS_UPDATED, "2022-07-04T16:00:00Z", 0},
    {"Updated January 1st, 2022 at 00:30 IST", NW_TS_UPDATED, "2021-12-31T19:00:00Z", 0},
    {"Published 31 December 2021 23:30 PST", NW_TS_PUBLISHED, "2022-01-01T07:30:00Z", 0},
    {"Updated Mar 1, 2024 03:00 JST", NW_TS_UPDATED, "2024-02-29T18:00:00Z", 0},
    {"Updated Mar 1, 2023 03:00 JST", NW_TS_UPDATED, "2023-02-28T18:00:00Z", 0},
    {"Published February 29th, 2024 at 12:00 UTC", NW_TS_PUBLISHED, "2024-02-29T12:00:00Z", 0},
    {"2000-02-29T12:00:00Z", NW_TS_NONE, "2000-02-29T12:00:00Z", 0},
    {"Updated April 30 2024 22:00 EDT", NW_TS_UPDATED, "2024-05-01T02:00:00Z", 0},
    {"1970-01-01T00:00:00Z", NW_TS_NONE, "1970-01-01T00:00:00Z", 0},
    {"2199-12-31T23:59:59Z", NW_TS_NONE, "2199-12-31T23:59:59Z", 0},
    {"Published Jan 1 1970 00:30 IST", NW_TS_PUBLISHED, "1969-12-31T19:00:00Z", 0},
    {"Updated Feb 28, 2100 23:00 UTC-3", NW_TS_UPDATED, "2100-03-01T02:00:00Z", 0},
    {"Updated Jun 15, 2024 12:00 AM IST", NW_TS_UPDATED, "2024-06-14T18:30:00Z", 0},
    {"Updated Jun 15, 2024 12:00 PM IST", NW_TS_UPDATED, "2024-06-15T06:30:00Z", 0},
    {"Updated Jun 15, 2024 12:59 a.m. UTC", NW_TS_UPDATED, "2024-06-15T00:59:00Z", 0},
    {"Posted Jun 15, 2024 12:01 P.M. UTC", NW_TS_PUBLISHED, "2024-06-15T12:01:00Z", 0},
    {"Posted Jun 15, 2024 11:59 PM UTC", NW_TS_PUBLISHED, "2024-06-15T23:59:00Z", 0},
    {"Updated March 13, 2021 12:00 ET", NW_TS_UPDATED, "2021-03-13T17:00:00Z", 0},
    {"Updated March 14, 2021 01:59 ET", NW_TS_UPDATED, "2021-03-14T06:59:00Z", 0},
    {"Updated March 14, 2021 03:00 ET", NW_TS_UPDATED, "2021-03-14T07:00:00Z", 0},
    {"Updated March 15, 2021 12:00 ET", NW_TS_UPDATED, "2021-03-15T16:00:00Z", 0},
    {"Updated November 7, 2021 00:59 ET", NW_TS_UPDATED, "2021-11-07T04:59:00Z", 0},
    {"Updated November 7, 2021 01:30 ET", NW_TS_UPDATED, "2021-11-07T05:30:00Z", 0},
    {"Updated November 7, 2021 02:00 ET", NW_TS_UPDATED, "2021-11-07T07:00:00Z", 0},
    {"Updated November 7, 2021 03:00 ET", NW_TS_UPDATED, "2021-11-07T08:00:00Z", 0},
    {"Updated 2024-03-10 03:30 PT", NW_TS_UPDATED, "2024-03-10T10:30:00Z", 0},
    {"Updated 2024-11-03 01:15 CT", NW_TS_UPDATED, "2024-11-03T06:15:00Z", 0},
    {"Updated March 20, 2006 12:00 ET", NW_TS_UPDATED, "2006-03-20T17:00:00Z", 0},
    {"Updated April 2, 2006 03:00 ET", NW_TS_UPDATED, "2006-04-02T07:00:00Z", 0},
    {"Updated October 29, 2006 01:30 ET", NW_TS_UPDATED, "2006-10-29T05:30:00Z", 0},
    {"Updated November 1, 2006 12:00 ET", NW_TS_UPDATED, "2006-11-01T17:00:00Z", 0},
    {"Updated January 10, 1974 12:00 ET", NW_TS_UPDATED, "1974-01-10T16:00:00Z", 0},
    {"Updated April 20, 1980 12:00 PT", NW_TS_UPDATED, "1980-04-20T20:00:00Z", 0},
    {"Updated Jan 15, 2021 12:00 CET", NW_TS_UPDATED, "2021-01-15T11:00:00Z", 1},
    {"Updated March 27, 2021 12:00 CET", NW_TS_UPDATED, "2021-03-27T11:00:00Z", 1},
    {"Updated March 28, 2021 01:59 CET", NW_TS_UPDATED, "2021-03-28T00:59:00Z", 1},
    {"Updated March 28, 2021 03:00 CET", NW_TS_UPDATED, "2021-03-28T01:00:00Z", 1},
    {"Updated July 1, 2021 12:00 CET", NW_TS_UPDATED, "2021-07-01T10:00:00Z", 1},
    {"Updated October 31, 2021 01:59 CET", NW_TS_UPDATED, "2021-10-30T23:59:00Z", 1},
    {"Updated October 31, 2021 02:30 CET", NW_TS_UPDATED, "2021-10-31T00:30:00Z", 1},
    {"Updated October 31, 2021 03:00 CET", NW_TS_UPDATED, "2021-10-31T02:00:00Z", 1},
    {"Updated March 28, 2021 00:30 LT", NW_TS_UPDATED, "2021-03-28T00:30:00Z", 1},
    {"Updated March 28, 2021 02:30 LT", NW_TS_UPDATED, "2021-03-28T01:30:00Z", 1},
    {"Updated October 31, 2021 01:30 LT", NW_TS_UPDATED, "2021-10-31T00:30:00Z", 1},
    {"Updated October 31, 2021 02:00 LT", NW_TS_UPDATED, "2021-10-31T02:00:00Z", 1},
    {"Updated March 28, 2021 01:30 CET", NW_TS_UPDATED, "2021-03-28T00:30:00Z", 0},
    {"Updated March 28, 2021 03:30 CEST", NW_TS_UPDATED, "2021-03-28T01:30:00Z", 0},
    {"Updated October 31, 2021 02:30 CEST", NW_TS_UPDATED, "2021-10-31T00:30:00Z", 0},
    {"Updated October 31, 2021 02:30 CET", NW_TS_UPDATED, "2021-10-31T01:30:00Z", 0},
    {"Updated Dec 30, 2021 15:02 +05:30", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Updated Dec 30, 2021 15:02 +0530", NW_TS_UPDATED, "2021-12-30T09:32:00Z", 0},
    {"Updated Dec 30, 2021 15:02 -08:00", NW_TS_UPDATED, "2021-12-30T23:02:00Z", 0},
    {"Updated Dec 30, 2021 15:02 UTC +05:45", NW_TS_UPDATED, "2021-12-30T09:17:00Z", 0},
    {"Updated Dec 30, 2021 15:02 GMT-3", NW_TS_UPDATED, "2021-12-30T18:02:00Z", 0},
};

typedef struct bad_case {
    const char *line; /* parsed whole, or after its label when it has one */
    const char *want; /* must appear in the message */
} bad_case_t;

static const bad_case_t bad[] = {
    {"February 30th, 2024 at 10:00 IST", "day 30 does not exist in February 2024"},
    {"Updated Dec 30, 2021 25:02 IST", "25:02"},
    {"Dec 30, 2021 15:61 IST", "15:61"},
    {"Dec 30, 2021 10:00:60 UTC", "10:00:60"},
    {"Updated Decmber 30, 2021 15:02 IST", "Decmber"},
    {"Feb 29, 2023 10:00 UTC", "day 29 does not exist in February 2023"},
    {"29 February 2100 12:00 UTC", "February 2100"},
    {"April 31 2024 10:00 UTC", "day 31 does not exist in April"},
    {"Dec 0 2021 10:00 UTC", "day 0"},
    {"Jun 15, 2024 13:00 PM IST", "13:00 PM"},
    {"Jun 15, 2024 0:30 AM IST", "0:30 AM"},
    {"Dec 24 2021 24:00 UTC", "24:00"},
    {"Dec 30, 99999 10:00 IST", "99999"},
    {"Dec 30 1969 10:00 UTC", "1969"},
    {"Updated December 30st, 2021 10:00 IST", "30st"},
    {"December 2rd 2021 10:00 IST", "2rd"},
    {"December 22th 2021 10:00 IST", "22th"},
    {"December 30, 2021 10:00", "no time zone"},
    {"December 30, 2021 10:00 XYZ", "XYZ"},
    {"December 30, 2021 2022 10:00 IST", "two years ('2021' and '2022')"},
    {"Dec 30 2021 10:00 IST 11:00", "two times"},
    {"Dec 30 2021 10:00 UTC GMT", "two time zones"},
    {"Dec 30 January 2021 10:00 UTC", "two months"},
    {"30/12/2021 10:00 UTC", "two days of the month ('30' and '12')"},
    {"lorem ipsum dolor", "lorem"},
    {"", "empty"},
    {"   \r\n", "empty"},
    {"Dec 30 2021", "no time of day"},
    {"2021-12-30", "no time of day"},
    {"10:00 UTC", "no date"},
    {"Dec 30 10:00 UTC", "no year"},
    {"2021-13-01T10:00:00Z", "2021-13-01"},
    {"2021-12-32T10:00:00Z", "2021-12-32"},
    {"2021-12-3T10:00:00Z", "2021-12-3"},
    {"2021-12-30T10:00:00+15:00", "+15:00"},
    {"Dec 30, 2021 10:00 GMT+5:75", "GMT+5:75"},
    {"Dec 30, 2021 10:00 +05300", "+05300"},
    {"Dec 30, 2021 10:00 +05:3", "+05:3"},
    {"Dec 30, 2021 10:5 UTC", "10:5"},
    {"Dec 30, 2021 100:00 UTC", "100:00"},
    {"Friday, December 30, 2021 10:00 UTC", "was a Thursday, not 'Friday'"},
    {"March 14, 2021 02:30 ET", "02:30 on 2021-03-14 does not exist in ET"},
    {"Dec 30 2021 10:00 UTC 123456789012345678901234567890", "too long"},
    {"Dec 30 2021 10:00 UTC \xff\xfe", "unexpected '?"
                                       "?'"},
    {"Dec 30 2021 10:00 UTC \x01", "unexpected '?'"},
    {"D\xc3\xa9"
     "cembre 30 2021 10:00 UTC",
     "D\xc3\xa9"
     "cembre"},
    {"30.12.2021 10:00 UTC", "unexpected '30.12.2021'"},
    {"Dec 30 2021 10.00.00 UTC", "unexpected '10.00.00'"},
    {"Dec 30 2021 10:00 UTC ago", "unexpected word 'ago'"},
};

static nw_zone_table_t *tables[2];

static int setup(void **state)
{
    (void)state;
    tables[0] = nw_zone_table_new();
    tables[1] = nw_zone_table_clone(tables[0]);
    if (!tables[0] || !tables[1])
        return -1;
    if (nw_zone_table_set(tables[1], "CET", "eu-central", NULL) != 0 ||
        nw_zone_table_set(tables[1], "LT", "uk", NULL) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nw_zone_table_free(tables[0]);
    nw_zone_table_free(tables[1]);
    return 0;
}

/* Parses a heap copy of exactly n bytes with no NUL after it, so the
 * sanitizer catches any read past the end. */
static int parse_exact(const char *p, size_t n, const nw_zone_table_t *z, int64_t *out,
                       nw_error_t *err)
{
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, p, n);
    int rc = nw_timestamp_parse(copy, n, z, out, err);
    free(copy);
    return rc;
}

static nw_ts_label_t label_exact(const char *p, size_t n, size_t *rest)
{
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, p, n);
    nw_ts_label_t l = nw_timestamp_label(copy, n, rest);
    free(copy);
    return l;
}

/* Classifies the line, then parses what follows the label (or the whole line). */
static int parse_line(const char *line, const nw_zone_table_t *z, nw_ts_label_t *label,
                      int64_t *out, nw_error_t *err)
{
    size_t n = strlen(line), rest = 0;
    *label = label_exact(line, n, &rest);
    if (*label == NW_TS_NONE)
        rest = 0;
    return parse_exact(line + rest, n - rest, z, out, err);
}

static void test_good_lines(void **state)
{
    size_t count = sizeof(good) / sizeof(good[0]), failed = 0;
    (void)state;
    assert_true(count >= 70);
    for (size_t i = 0; i < count; i++) {
        nw_error_t err = {0};
        nw_ts_label_t label;
        int64_t utc = 0;
        char text[21] = "";
        int rc = parse_line(good[i].line, tables[good[i].table], &label, &utc, &err);
        if (rc == 0)
            nw_timestamp_format(utc, text);
        if (rc != 0 || label != good[i].label || strcmp(text, good[i].utc) != 0) {
            print_error("good[%zu] '%s': rc %d label %d (want %d) got %s want %s: %s\n", i,
                        good[i].line, rc, (int)label, (int)good[i].label, text, good[i].utc,
                        err.msg);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void test_bad_lines(void **state)
{
    size_t count = sizeof(bad) / sizeof(bad[0]), failed = 0;
    (void)state;
    assert_true(count >= 15);
    for (size_t i = 0; i < count; i++) {
        nw_error_t err = {0};
        nw_ts_label_t label;
        int64_t utc = 0;
        int rc = parse_line(bad[i].line, tables[0], &label, &utc, &err);
        if (rc != NW_ERR_REJECTED || err.reject != NW_REJECT_BAD_TIMESTAMP ||
            strncmp(err.msg, "bad timestamp '", 15) != 0 || !strstr(err.msg, bad[i].want)) {
            print_error("bad[%zu] '%s': rc %d reject %d msg '%s', want '%s'\n", i, bad[i].line, rc,
                        (int)err.reject, err.msg, bad[i].want);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* The message quotes the whole timestamp and says what is wrong. */
static void test_message_shape(void **state)
{
    const char *text = "February 30th, 2024 at 10:00 IST";
    nw_error_t err = {0};
    int64_t utc;
    (void)state;
    assert_int_equal(nw_timestamp_parse(text, strlen(text), tables[0], &utc, &err),
                     NW_ERR_REJECTED);
    assert_string_equal(err.msg, "bad timestamp 'February 30th, 2024 at 10:00 IST': day 30 "
                                 "does not exist in February 2024");
    assert_string_equal(nw_reject_name(err.reject), "bad-timestamp");
}

static void test_label(void **state)
{
    static const struct {
        const char *line;
        nw_ts_label_t want;
        const char *rest;
    } cases[] = {
        {"Updated December 30th, 2021 at 15:02 IST", NW_TS_UPDATED, "December 30th"},
        {"Updated on Jun 15, 2024 05:55 PM IST", NW_TS_UPDATED, "Jun 15"},
        {"Updated at 3:45 a.m. ET, Jan 5, 2022", NW_TS_UPDATED, "3:45"},
        {"Last Updated: Dec 30, 2021, 15:02 IST", NW_TS_UPDATED, "Dec 30"},
        {"Last updated on Dec 30, 2021, 15:02 IST", NW_TS_UPDATED, "Dec 30"},
        {"Modified 2021-12-30T09:32:00Z", NW_TS_UPDATED, "2021-12-30"},
        {"Published 06:46 IST, September 25th 2024", NW_TS_PUBLISHED, "06:46"},
        {"Published on 30 December 2021 15:02 GMT", NW_TS_PUBLISHED, "30 December"},
        {"First published: Thursday, December 30, 2021 10:15 UTC", NW_TS_PUBLISHED, "Thursday"},
        {"Posted Jun 15 2024 5 PM UTC", NW_TS_PUBLISHED, "Jun 15"},
        {"Posted on Thu, 30 Dec 2021 10:15:30 GMT", NW_TS_PUBLISHED, "Thu, 30"},
        {"UPDATED DECEMBER 30TH, 2021 AT 15:02 IST", NW_TS_UPDATED, "DECEMBER"},
        {"  Updated - Dec 30, 2021 15:02 IST", NW_TS_UPDATED, "Dec 30"},
        {"\xEF\xBB\xBFPublished Dec 30, 2021 15:02 IST", NW_TS_PUBLISHED, "Dec 30"},
        {"Updated 2 hours ago", NW_TS_UPDATED, "2 hours"},
        {"Updated guidance was issued on security", NW_TS_NONE, NULL},
        {"Updated May guidance", NW_TS_NONE, NULL},
        {"Updated", NW_TS_NONE, NULL},
        {"Updated:", NW_TS_NONE, NULL},
        {"Updates on December 30, 2021 10:00 IST", NW_TS_NONE, NULL},
        {"Publishedly December 30, 2021 10:00 IST", NW_TS_NONE, NULL},
        {"Posted by Jane Doe on Dec 30, 2021", NW_TS_NONE, NULL},
        {"Reported by: NAME", NW_TS_NONE, NULL},
        {"The report was updated on Dec 30, 2021 10:00 IST", NW_TS_NONE, NULL},
        {"", NW_TS_NONE, NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t rest = 999, n = strlen(cases[i].line);
        nw_ts_label_t got = label_exact(cases[i].line, n, &rest);
        if (got != cases[i].want)
            fail_msg("label of '%s': %d, want %d", cases[i].line, (int)got, (int)cases[i].want);
        if (cases[i].rest) {
            assert_true(rest <= n);
            assert_memory_equal(cases[i].line + rest, cases[i].rest, strlen(cases[i].rest));
        }
    }
    assert_int_equal(nw_timestamp_label(NULL, 0, NULL), NW_TS_NONE);
    assert_int_equal(nw_timestamp_label("Updated Dec 30 2021", 7, NULL), NW_TS_NONE);
}

/* The month and weekday lookups as they were before they went by the
 * word's first letter: every name tried in turn. */
static unsigned ref_month(const char *w, size_t n)
{
    static const size_t full[13] = {0, 7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};
    for (unsigned m = 1; m <= 12; m++)
        if ((n == full[m] || n == 3 || (m == 9 && n == 4)) && n <= full[m] &&
            strncasecmp(w, nw_ts_month_names[m], n) == 0)
            return m;
    return 0;
}

static int ref_weekday(const char *w, size_t n)
{
    for (int d = 0; d < 7; d++) {
        size_t full = strlen(nw_ts_weekday_names[d]);
        bool len_ok = n == full || n == 3 || (d == 2 && n == 4) || (d == 4 && (n == 4 || n == 5));
        if (len_ok && n <= full && strncasecmp(w, nw_ts_weekday_names[d], n) == 0)
            return d;
    }
    return -1;
}

/* Every prefix of every month and weekday name, in three cases, with each
 * letter in turn changed and with a letter added: the lookups agree with
 * the reference on all of them, and on a few words that are neither. */
static void test_word_lookup(void **state)
{
    const char *others[] = {"IST",  "am",    "PM",   "at",       "on",    "hrs",  "GMT",
                            "j",    "",      "Juny", "Sepr",     "Thurx", "tues", "TUE",
                            "Sept", "sept.", "1st",  "\xC2\xA0", "ma"};
    char w[16];
    size_t checked = 0;
    (void)state;
    for (int k = 0; k < 19; k++) {
        const char *name = k < 12 ? nw_ts_month_names[k + 1] : nw_ts_weekday_names[k - 12];
        size_t full = strlen(name);
        for (size_t n = 0; n <= full + 1 && n < sizeof(w); n++) {
            for (int variant = 0; variant < 3; variant++) {
                for (size_t i = 0; i < n; i++) {
                    char c = i < full ? name[i] : 's';
                    w[i] = variant == 0   ? c
                           : variant == 1 ? (char)toupper((unsigned char)c)
                                          : (char)tolower((unsigned char)c);
                }
                for (size_t change = 0; change <= n; change++) {
                    char saved = change < n ? w[change] : 0;
                    if (change < n)
                        w[change] = 'x';
                    assert_int_equal(nw_ts_month(w, n), ref_month(w, n));
                    assert_int_equal(nw_ts_weekday(w, n), ref_weekday(w, n));
                    if (change < n)
                        w[change] = saved;
                    checked++;
                }
            }
        }
    }
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        size_t n = strlen(others[i]);
        assert_int_equal(nw_ts_month(others[i], n), ref_month(others[i], n));
        assert_int_equal(nw_ts_weekday(others[i], n), ref_weekday(others[i], n));
    }
    assert_int_equal(nw_ts_month("Sept", 4), 9);
    assert_int_equal(nw_ts_month("jul", 3), 7);
    assert_int_equal(nw_ts_weekday("Thurs", 5), 4);
    assert_true(checked > 1000);
}

/* Each label, in either case, before the same date: the label tables by
 * first letter must hold every label of the list. */
static void test_every_label(void **state)
{
    static const struct {
        const char *label;
        nw_ts_label_t kind;
    } labels[] = {
        {"Last updated", NW_TS_UPDATED},      {"Last modified", NW_TS_UPDATED},
        {"First published", NW_TS_PUBLISHED}, {"Originally published", NW_TS_PUBLISHED},
        {"First posted", NW_TS_PUBLISHED},    {"Updated", NW_TS_UPDATED},
        {"Modified", NW_TS_UPDATED},          {"Published", NW_TS_PUBLISHED},
        {"Posted", NW_TS_PUBLISHED},
    };
    char line[96];
    (void)state;
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        for (int upper = 0; upper < 2; upper++) {
            size_t rest = 0, n = strlen(labels[i].label);
            for (size_t k = 0; k < n; k++)
                line[k] =
                    upper ? (char)toupper((unsigned char)labels[i].label[k]) : labels[i].label[k];
            strcpy(line + n, ": Dec 30, 2021 15:02 IST");
            assert_int_equal(label_exact(line, strlen(line), &rest), labels[i].kind);
            assert_string_equal(line + rest, "Dec 30, 2021 15:02 IST");
        }
    }
}

static void expect_utc(const nw_zone_table_t *z, const char *line, const char *want)
{
    nw_error_t err = {0};
    nw_ts_label_t label;
    int64_t utc = 0;
    char text[21];
    if (parse_line(line, z, &label, &utc, &err) != 0)
        fail_msg("'%s': %s", line, err.msg);
    nw_timestamp_format(utc, text);
    assert_string_equal(text, want);
}

static void test_zone_overrides(void **state)
{
    const char *seed = "Updated December 30th, 2021 at 15:02 IST";
    nw_zone_table_t *irish = nw_zone_table_clone(tables[0]);
    nw_error_t err = {0};
    (void)state;
    assert_non_null(irish);
    assert_int_equal(nw_zone_table_set(irish, "IST", "+01:00", &err), 0);
    expect_utc(irish, seed, "2021-12-30T14:02:00Z");
    expect_utc(tables[0], seed, "2021-12-30T09:32:00Z"); /* the original is untouched */

    /* every spec form, and lookups ignore case */
    assert_int_equal(nw_zone_table_set(irish, "xyz", "-0800", &err), 0);
    expect_utc(irish, "Dec 30 2021 10:00 XYZ", "2021-12-30T18:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "+1", &err), 0);
    expect_utc(irish, "Dec 30 2021 10:00 Xyz", "2021-12-30T09:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "UTC", &err), 0);
    expect_utc(irish, "Dec 30 2021 10:00 XYZ", "2021-12-30T10:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "GMT+5:30", &err), 0);
    expect_utc(irish, "Dec 30 2021 10:00 XYZ", "2021-12-30T04:30:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "US-Eastern", &err), 0);
    expect_utc(irish, "Jul 4 2021 10:00 XYZ", "2021-07-04T14:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "us-central", &err), 0);
    expect_utc(irish, "Jul 4 2021 10:00 XYZ", "2021-07-04T15:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "us-mountain", &err), 0);
    expect_utc(irish, "Dec 4 2021 10:00 XYZ", "2021-12-04T17:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "XYZ", "us-pacific", &err), 0);
    expect_utc(irish, "Jul 4 2021 10:00 XYZ", "2021-07-04T17:00:00Z");
    assert_int_equal(nw_zone_table_set(irish, "BST", "uk", &err), 0);
    expect_utc(irish, "Dec 4 2021 10:00 BST", "2021-12-04T10:00:00Z");
    nw_error_t orig = {0};
    int64_t utc;
    assert_int_equal(nw_timestamp_parse("Dec 30 2021 10:00 XYZ", 21, tables[0], &utc, &orig),
                     NW_ERR_REJECTED);
    assert_non_null(strstr(orig.msg, "unknown time zone 'XYZ'"));

    /* junk is refused with a message naming it, and changes nothing */
    static const struct {
        const char *abbr, *spec, *want;
    } junk[] = {
        {"IST", "junk", "'junk'"},
        {"IST", "+25:00", "'+25:00'"},
        {"IST", "+05:3", "'+05:3'"},
        {"IST", "", "''"},
        {"IST", "us-eastern2", "'us-eastern2'"},
        {"IST", "+05:30x", "'+05:30x'"},
        {"Dec", "+01:00", "'Dec'"},
        {"I5T", "+01:00", "'I5T'"},
        {"", "+01:00", "''"},
        {"at", "+01:00", "'at'"},
    };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        memset(&err, 0, sizeof(err));
        assert_int_equal(nw_zone_table_set(irish, junk[i].abbr, junk[i].spec, &err),
                         NW_ERR_INVALID);
        if (!strstr(err.msg, junk[i].want))
            fail_msg("set %s=%s: '%s' lacks %s", junk[i].abbr, junk[i].spec, err.msg, junk[i].want);
    }
    expect_utc(irish, seed, "2021-12-30T14:02:00Z");
    assert_int_equal(nw_zone_table_set(NULL, "IST", "+01:00", NULL), NW_ERR_INVALID);
    assert_int_equal(nw_zone_table_set(irish, NULL, "+01:00", NULL), NW_ERR_INVALID);
    assert_null(nw_zone_table_clone(NULL));
    nw_zone_table_free(irish);
    nw_zone_table_free(NULL);
}

static void test_format(void **state)
{
    static const struct {
        int64_t utc;
        const char *want;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {1640856720, "2021-12-30T09:32:00Z"},
        {951782400, "2000-02-29T00:00:00Z"},
        {4107542399, "2100-02-28T23:59:59Z"},
        {7258118399, "2199-12-31T23:59:59Z"},
        {-62167219200, "0000-01-01T00:00:00Z"},
        {INT64_MIN, "0000-01-01T00:00:00Z"},
        {INT64_MAX, "9999-12-31T23:59:59Z"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[21];
        memset(out, 'x', sizeof(out));
        nw_timestamp_format(cases[i].utc, out);
        assert_string_equal(out, cases[i].want);
    }
}

static void test_civil(void **state)
{
    int64_t y, prev_y = 1899;
    unsigned m, d, prev_m = 12, prev_d = 31;
    (void)state;
    assert_int_equal(nw_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(nw_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(nw_days_from_civil(1969, 12, 31), -1);
    /* every day from 1900 to 2300 follows the one before and round-trips */
    for (int64_t days = nw_days_from_civil(1900, 1, 1); days < nw_days_from_civil(2300, 1, 1);
         days++) {
        nw_civil_from_days(days, &y, &m, &d);
        assert_int_equal(nw_days_from_civil(y, m, d), days);
        bool next_day = y == prev_y && m == prev_m && d == prev_d + 1;
        bool next_month = y == prev_y && m == prev_m + 1 && d == 1;
        bool next_year = y == prev_y + 1 && m == 1 && d == 1 && prev_m == 12 && prev_d == 31;
        assert_true(next_day || next_month || next_year);
        prev_y = y;
        prev_m = m;
        prev_d = d;
    }
}

/* Any result is either a time or a bad-timestamp rejection with a message. */
static void check_any(const char *p, size_t n)
{
    nw_error_t err = {0};
    int64_t utc = 0;
    size_t rest = 0;
    nw_ts_label_t l = label_exact(p, n, &rest);
    if (l != NW_TS_NONE)
        assert_true(rest <= n);
    int rc = parse_exact(p, n, tables[0], &utc, &err);
    if (rc == 0) {
        assert_true(utc >= -14 * 3600 && utc < 7258118400 + 14 * 3600);
    } else {
        assert_int_equal(rc, NW_ERR_REJECTED);
        assert_int_equal(err.reject, NW_REJECT_BAD_TIMESTAMP);
        assert_true(strncmp(err.msg, "bad timestamp '", 15) == 0);
    }
}

static void test_robustness(void **state)
{
    static const char alphabet[] = "0123456789012345:::+-- ,.TZaApPmM.DecJunSTthIUGE/|\xc2\xa0"
                                   "\xe2\x80\xaf\xff\x00";
    uint64_t x = 88172645463325252ULL;
    char buf[96];
    (void)state;
    /* every prefix of every case, so each token is also cut short */
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        for (size_t n = 0; n <= strlen(good[i].line); n++)
            check_any(good[i].line, n);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        for (size_t n = 0; n <= strlen(bad[i].line); n++)
            check_any(bad[i].line, n);
    /* a fixed pseudo-random stream of timestamp-ish bytes */
    for (int round = 0; round < 20000; round++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t n = (size_t)(x % sizeof(buf));
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = (x & 0x100) ? (char)(x & 0xff) : alphabet[x % (sizeof(alphabet) - 1)];
        }
        check_any(buf, n);
    }
    /* huge numbers never overflow into a valid value */
    char *big = malloc(20000);
    assert_non_null(big);
    memset(big, '9', 20000);
    check_any(big, 20000);
    memcpy(big + 19980, " Dec 2021 10:00 UTC", 19);
    check_any(big, 19999);
    memcpy(big, "Dec 30 2021 10:00 +", 19);
    check_any(big, 20000);
    memcpy(big, "Dec 30 2021 10:", 15);
    check_any(big, 20000);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_lines),     cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_message_shape),  cmocka_unit_test(test_label),
        cmocka_unit_test(test_zone_overrides), cmocka_unit_test(test_format),
        cmocka_unit_test(test_civil),          cmocka_unit_test(test_robustness),
        cmocka_unit_test(test_word_lookup),    cmocka_unit_test(test_every_label),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
