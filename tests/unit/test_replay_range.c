/*
 * Tests of the replay range's positions as users write them: parsing
 * TOPIC:PARTITION:OFFSET and @TIME (a table of good and bad forms, with the
 * reason each bad one gives), and the checks on a set of --from and --to
 * that need no cluster. Resolving against a cluster is covered by
 * tests/integration/test_replay.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "replay/replay.h"

typedef struct good {
    const char *text;
    nw_kpos_kind_t kind;
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t time_ms;
} good_t;

/* 2021-12-30T00:00:00Z in milliseconds since the epoch. */
#define DEC30 1640822400000LL

static void test_parse_good(void **state)
{
    static const good_t table[] = {
        {"news.raw:0:0", NW_KPOS_AT_OFFSET, "news.raw", 0, 0, 0},
        {"news.raw:2:1200", NW_KPOS_AT_OFFSET, "news.raw", 2, 1200, 0},
        {"a:0:9223372036854775807", NW_KPOS_AT_OFFSET, "a", 0, INT64_MAX, 0},
        {"t_1-x.y:2147483647:5", NW_KPOS_AT_OFFSET, "t_1-x.y", INT32_MAX, 5, 0},
        {"@2021-12-30T00:00:00Z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-30t00:00:00z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-30 00:00:00Z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-30T00:00Z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-30T05:30:00+05:30", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-30T05:30:00+0530", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-29T19:00:00-05", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30},
        {"@2021-12-30T00:00:00.250Z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30 + 250},
        {"@2021-12-30T00:00:00.5Z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30 + 500},
        {"@2021-12-30T00:00:00,123456Z", NW_KPOS_AT_TIME, NULL, 0, 0, DEC30 + 123},
        {"@2024-02-29T12:00:00Z", NW_KPOS_AT_TIME, NULL, 0, 0, 1709208000000LL},
        {"@1970-01-01T00:00:00Z", NW_KPOS_AT_TIME, NULL, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const good_t *g = &table[i];
        nw_kpos_t s;
        nw_error_t err = {0};
        int rc = nw_kpos_parse(g->text, &s, &err);
        if (rc != 0)
            fail_msg("%s: %s", g->text, err.msg);
        assert_int_equal(s.kind, g->kind);
        assert_ptr_equal(s.text, g->text);
        if (g->kind == NW_KPOS_AT_OFFSET) {
            assert_string_equal(s.topic, g->topic);
            assert_int_equal(s.partition, g->partition);
            assert_true(s.offset == g->offset);
        } else if (s.time_ms != g->time_ms) {
            fail_msg("%s: %lld ms, expected %lld", g->text, (long long)s.time_ms,
                     (long long)g->time_ms);
        }
    }
}

typedef struct bad {
    const char *text;
    const char *reason; /* a part of the message */
} bad_t;

static void test_parse_bad(void **state)
{
    static const bad_t table[] = {
        {"", "expected TOPIC:PARTITION:OFFSET"},
        {"news.raw", "expected TOPIC:PARTITION:OFFSET"},
        {"news.raw:0", "expected TOPIC:PARTITION:OFFSET"},
        {":0:5", "expected TOPIC:PARTITION:OFFSET"},
        {"news.raw:x:5", "partition \"x\" is not a number"},
        {"news.raw::5", "partition \"\" is not a number"},
        {"news.raw:-1:5", "partition \"-1\" is not a number"},
        {"news.raw:2147483648:5", "partition \"2147483648\" is not a number"},
        {"news.raw:0:-1", "offset \"-1\" is not a number"},
        {"news.raw:0:", "offset \"\" is not a number"},
        {"news.raw:0:12x", "offset \"12x\" is not a number"},
        {"news.raw:0: 5", "offset \" 5\" is not a number"},
        {"news.raw:0:9223372036854775808", "is not a number"},
        {"news raw:0:5", "is not a Kafka topic name"},
        {"a:b:0:5", "is not a Kafka topic name"},
        {"@", "expected ISO 8601"},
        {"@yesterday", "expected ISO 8601"},
        {"@1640822400000", "expected ISO 8601"},
        {"@2021-12-30", "has no time of day"},
        {"@2021-12-30T00:00:00", "has no zone"},
        {"@2021-12-30T00:00:00 UTC", "expected ISO 8601"},
        {"@2021-12-30T00:00:00ZZ", "expected ISO 8601"},
        {"@2021-13-01T00:00:00Z", "month 13 does not exist"},
        {"@2021-00-10T00:00:00Z", "month 00 does not exist"},
        {"@2021-02-29T00:00:00Z", "day 29 does not exist in 2021-02"},
        {"@2021-04-31T00:00:00Z", "day 31 does not exist in 2021-04"},
        {"@2021-12-30T25:02:00Z", "is not a time of day"},
        {"@2021-12-30T12:60:00Z", "is not a time of day"},
        {"@2021-12-30T12:00:61Z", "is not a time of day"},
        {"@2021-12-30T12:00:00.Z", "expected ISO 8601"},
        {"@2021-12-30T12:00:00+25:00", "zone offset out of range"},
        {"@2021-12-30T12:00:00+05:3", "bad zone offset"},
        {"@1969-12-31T23:59:59Z", "before 1970"},
        {"@1970-01-01T00:00:00+01:00", "before 1970-01-01"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        nw_kpos_t s;
        nw_error_t err = {0};
        int rc = nw_kpos_parse(table[i].text, &s, &err);
        if (rc != NW_ERR_RANGE)
            fail_msg("\"%s\" parsed (rc %d), expected an error", table[i].text, rc);
        if (!strstr(err.msg, table[i].reason))
            fail_msg("\"%s\": message \"%s\" does not say \"%s\"", table[i].text, err.msg,
                     table[i].reason);
    }
}

/* Parses a NULL-terminated list of positions into specs; returns the count. */
static size_t specs(nw_kpos_t *out, const char *const *texts)
{
    size_t n = 0;
    for (; texts && texts[n]; n++) {
        nw_error_t err = {0};
        if (nw_kpos_parse(texts[n], &out[n], &err) != 0)
            fail_msg("%s: %s", texts[n], err.msg);
    }
    return n;
}

typedef struct check {
    const char *from[4], *to[4];
    const char *reason; /* NULL: the set is fine */
} check_t;

static void test_specs_check(void **state)
{
    static const check_t table[] = {
        {{"t:0:5"}, {NULL}, NULL},
        {{"t:0:5", "t:1:0", "u:0:7"}, {"t:0:9", "u:0:7"}, NULL},
        {{"t:0:5"}, {"t:0:5"}, NULL}, /* empty, not an error */
        {{"@2021-12-30T00:00:00Z"}, {"@2021-12-31T00:00:00Z"}, NULL},
        {{"@2021-12-30T00:00:00Z"}, {"@2021-12-30T00:00:00Z"}, NULL},
        {{"@2021-12-30T00:00:00Z", "t:0:5"}, {"u:1:9"}, NULL}, /* checked against input.topics */
        {{"t:0:5"}, {"@2021-12-31T00:00:00Z"}, NULL},
        {{NULL}, {NULL}, "no --from"},
        {{NULL}, {"t:0:5"}, "no --from"},
        {{"t:0:5", "t:0:6"}, {NULL}, "--from names t [0] twice"},
        {{"t:0:5"}, {"t:0:6", "t:0:7"}, "--to names t [0] twice"},
        {{"@2021-12-30T00:00:00Z", "@2021-12-31T00:00:00Z"}, {NULL}, "--from @TIME given twice"},
        {{"t:0:1"}, {"@2021-12-30T00:00:00Z", "@2021-12-31T00:00:00Z"}, "--to @TIME given twice"},
        {{"t:0:5"}, {"t:0:4"}, "--to t:0:4 is before --from t:0:5"},
        {{"@2021-12-30T00:00:00Z"},
         {"@2021-12-29T23:59:59.999Z"},
         "--to @2021-12-29T23:59:59.999Z is before --from @2021-12-30T00:00:00Z"},
        {{"@2021-12-30T05:30:00+05:30"},
         {"@2021-12-29T23:00:00Z"},
         "--to @2021-12-29T23:00:00Z is before --from @2021-12-30T05:30:00+05:30"},
        {{"t:0:5"}, {"t:1:9"}, "--to t:1:9 names t [1], which no --from names"},
        {{"t:0:5"}, {"u:0:9"}, "which no --from names"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        nw_kpos_t from[4], to[4];
        size_t nf = specs(from, table[i].from), nt = specs(to, table[i].to);
        nw_error_t err = {0};
        int rc = nw_replay_specs_check(from, nf, to, nt, &err);
        if (!table[i].reason && rc != 0)
            fail_msg("case %zu: refused: %s", i, err.msg);
        if (table[i].reason && rc != NW_ERR_RANGE)
            fail_msg("case %zu: accepted, expected \"%s\"", i, table[i].reason);
        if (table[i].reason && !strstr(err.msg, table[i].reason))
            fail_msg("case %zu: message \"%s\" does not say \"%s\"", i, err.msg, table[i].reason);
    }
}

static void test_progress_modes(void **state)
{
    nw_progress_mode_t m;
    assert_int_equal(nw_progress_mode_parse("auto", &m), 0);
    assert_int_equal(m, NW_PROGRESS_AUTO);
    assert_int_equal(nw_progress_mode_parse("bar", &m), 0);
    assert_int_equal(m, NW_PROGRESS_BAR);
    assert_int_equal(nw_progress_mode_parse("lines", &m), 0);
    assert_int_equal(m, NW_PROGRESS_LINES);
    assert_int_equal(nw_progress_mode_parse("none", &m), 0);
    assert_int_equal(m, NW_PROGRESS_NONE);
    assert_int_equal(nw_progress_mode_parse("fancy", &m), NW_ERR_INVALID);
    assert_string_equal(nw_replay_state_name(NW_REPLAY_STATE_FRESH), "fresh");
    assert_string_equal(nw_replay_state_name(NW_REPLAY_STATE_LIVE), "live");
}

/* The lines display: totals, rate and every partition, and a finished
 * partition counts as complete even when gaps (compaction, transaction
 * markers) kept its last offset below the end. */
static void test_progress_lines(void **state)
{
    nw_replay_part_t parts[2] = {
        {.topic = "news.raw", .partition = 0, .start = 10, .end = 20, .next = 18, .done = true},
        {.topic = "news.raw", .partition = 1, .start = 0, .end = 30, .next = 15},
    };
    nw_replay_range_t r = {.parts = parts, .n = 2, .max_partitions = 2};
    char buf[1024] = "";
    FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
    assert_non_null(fp);
    nw_progress_t *p = nw_progress_new(NW_PROGRESS_LINES, fp);
    assert_non_null(p);
    nw_progress_update(p, &r, false); /* too early for a line */
    nw_progress_update(p, &r, true);
    nw_progress_free(p);
    fclose(fp);
    if (!strstr(buf, "newswire: replay: 25/40 messages (62%)") ||
        !strstr(buf, "news.raw [0] 10/10 [1] 15/30"))
        fail_msg("unexpected progress line: %s", buf);
    assert_int_equal(strchr(buf, '\n') - buf + 1, (long)strlen(buf)); /* exactly one line */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),     cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_specs_check),    cmocka_unit_test(test_progress_modes),
        cmocka_unit_test(test_progress_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
