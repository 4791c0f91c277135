/*
 * Unit tests of core's shared helpers, each the one copy the engine uses:
 * the hex decoder (digests, \uXXXX in properties files, &#x...; in HTML),
 * the UTF-8 encoder and its U+FFFD rule, the monotonic clock, and the
 * comparisons with ASCII words (core/ascii.h), which must answer as
 * strncasecmp() does for every byte.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>

#include "core/ascii.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/utf8.h"

static void test_hex_digit(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        int want = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
        assert_int_equal(nw_hex_digit(c), want);
    }
    uint8_t bytes[3], back[3];
    char hex[7];
    memcpy(bytes, "\x00\x9f\xff", 3);
    nw_hex(bytes, 3, hex);
    assert_string_equal(hex, "009fff");
    assert_int_equal(nw_unhex("009FfF", 6, back), 0);
    assert_memory_equal(back, bytes, 3);
    assert_int_equal(nw_unhex("0g", 2, back), -1);
    assert_int_equal(nw_unhex("abc", 3, back), -1);
    /* Every byte value in 16-byte steps and in the bytes after them, for
     * every length up to 40: what "%02x" writes. */
    for (size_t n = 0; n <= 40; n++) {
        for (int start = 0; start < 256; start += 7) {
            uint8_t in[40];
            char got[81], want[81];
            for (size_t i = 0; i < n; i++)
                in[i] = (uint8_t)(start + 37 * (int)i);
            for (size_t i = 0; i < n; i++)
                snprintf(want + 2 * i, 3, "%02x", in[i]);
            want[2 * n] = '\0';
            memset(got, 'x', sizeof(got));
            nw_hex(in, n, got);
            assert_string_equal(got, want);
        }
    }
    /* Every byte as the low digit: the table agrees with nw_hex_digit(). */
    for (int c = 0; c < 256; c++) {
        char two[2] = {'0', (char)c};
        int d = nw_hex_digit(c);
        assert_int_equal(nw_unhex(two, 2, back), d < 0 ? -1 : 0);
        if (d >= 0)
            assert_int_equal(back[0], d);
    }
}

static void test_utf8_put(void **state)
{
    (void)state;
    static const struct {
        uint32_t cp;
        const char *want;
    } cases[] = {
        {0x41, "A"},
        {0xE9, "\xC3\xA9"},
        {0x20AC, "\xE2\x82\xAC"},
        {0x1F600, "\xF0\x9F\x98\x80"},
        {0, "\xEF\xBF\xBD"},        /* NUL: no character */
        {0xD800, "\xEF\xBF\xBD"},   /* a surrogate */
        {0x110000, "\xEF\xBF\xBD"}, /* past Unicode */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[5] = {0};
        size_t n = nw_utf8_put(out, nw_utf8_scalar(cases[i].cp));
        assert_int_equal(n, strlen(cases[i].want));
        assert_string_equal(out, cases[i].want);
        nw_buf_t b = NW_BUF_INIT;
        nw_utf8_encode(&b, cases[i].cp);
        assert_string_equal(nw_buf_str(&b), cases[i].want);
        nw_buf_free(&b);
    }
}

static void test_clock(void **state)
{
    (void)state;
    int64_t a = nw_now_ns();
    int64_t ms = nw_now_ms();
    int64_t b = nw_now_ns();
    assert_true(a <= b);
    assert_true(ms >= a / 1000000 && ms <= b / 1000000);
    /* The wall clock reads seconds since 1970: well past 2020. */
    assert_true(nw_wall_ns() / 1000000000 > 1577836800);
    struct timespec t = nw_clock_after_ms(CLOCK_MONOTONIC, 1500);
    int64_t at = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
    assert_true(t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
    assert_true(at >= b + 1500 * 1000000LL);
}

/* Every byte value against every word's first and second letters, in
 * either case, and texts shorter, as long as and longer than the word. */
static void test_ascii_words(void **state)
{
    (void)state;
    static const char *const words[] = {"meta", "Updated", "z", "@x", "\xE6\x9B\xB4", "aD"};
    char text[16];
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t wl = strlen(words[w]);
        for (size_t at = 0; at < 2; at++)
            for (int c = 0; c < 256; c++)
                for (size_t len = 0; len <= wl + 1; len++) {
                    memcpy(text, words[w], wl);
                    text[wl] = 'q';
                    text[at] = (char)c;
                    bool same = len == wl && strncasecmp(text, words[w], len) == 0;
                    bool prefix = len >= wl && strncasecmp(text, words[w], wl) == 0;
                    assert_int_equal(nw_ascii_ieq(text, len, words[w]), same);
                    assert_int_equal(nw_ascii_iprefix(text, len, words[w]), prefix);
                    if (len > 0 && nw_ascii_head_differs(text, len, words[w]))
                        assert_false(same || prefix);
                }
    }
    assert_true(nw_ascii_ieq("META", 4, "meta"));
    assert_false(nw_ascii_ieq("metas", 5, "meta"));
    assert_true(nw_ascii_iprefix("UPDATED: today", 14, "updated"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_digit),
        cmocka_unit_test(test_utf8_put),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_ascii_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
