/*
 * Unit tests of the fast JSON loader (parse/json_load.c): whatever it
 * answers must be the tree json_loadb(JSON_REJECT_DUPLICATES) builds, member
 * order included, and whatever jansson rejects it must decline (NULL), so
 * that the envelope decoder's error text stays jansson's. Each case runs
 * through both loaders and compares their dumps byte for byte.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "parse/json_load.h"

/* Loads s[0..len) both ways; the fast tree must equal jansson's. Returns
 * whether the fast loader answered. */
static bool same_as_jansson(const char *s, size_t len)
{
    json_t *fast = nw_json_load_fast(s, len);
    json_t *slow = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL);
    if (fast) {
        assert_non_null(slow);
        assert_true(json_equal(fast, slow));
        char *a = json_dumps(fast, JSON_COMPACT | JSON_ENSURE_ASCII);
        char *b = json_dumps(slow, JSON_COMPACT | JSON_ENSURE_ASCII);
        assert_non_null(a);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    json_decref(fast);
    json_decref(slow);
    return fast != NULL;
}

static bool same(const char *s)
{
    return same_as_jansson(s, strlen(s));
}

static void test_accepts_what_jansson_builds(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{}",
        "[]",
        " \t\r\n{ } \n",
        "[[],{},[[]],{\"a\":{}}]",
        "{\"text\":\"Hello\",\"n\":1,\"neg\":-42,\"z\":0,\"mz\":-0,\"t\":true,\"f\":false,"
        "\"nil\":null}",
        "{\"b\":1,\"a\":2,\"c\":[3,2,1]}",
        "{\"\":\"empty key\"}",
        "{\"esc\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t end\"}",
        "{\"u\":\"\\u00e9\\u00E9 \\u20ac \\ud83d\\ude00 \\u0001\\u001f \\u007f\"}",
        "{\"raw\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"}",
        "{\"k\\u00e9y\":1,\"k\xc3\xa9y2\":2}",
        "[1.5,-0.25,1e3,1E-3,2.5e+10,0.0,-0.0,1e-400,123456789012345678]",
        "[-123456789012345678,999999999999999999]",
        "{\"long\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\n"
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\\\"ccccccccccccccccccccccccccccc\"}",
        "{\"html\":\"<p class=\\\"x\\\">caf\xc3\xa9</p>\\n<p>two</p>\",\"url\":\"https://e.x/a\"}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        if (!same(docs[i]))
            fail_msg("the fast loader declined %s", docs[i]);
    }
}

static void test_declines_what_jansson_rejects(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "",
        "   ",
        "\"just a string\"",
        "42",
        "{",
        "{\"a\":1,}",
        "[1,]",
        "{,}",
        "{\"a\" 1}",
        "{\"a\":1}x",
        "{\"a\":1}{}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":\"x\ty\"}",
        "{\"a\":\"x\ny\"}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12g4\"}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\ud800\\u0041\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":\"\\u0000\"}",
        "{\"a\\u0000\":1}",
        "{\"a\":\"\xff\"}",
        "{\"a\":\"\xc0\xaf\"}",
        "{\"a\":\"\xed\xa0\x80\"}",
        "{\"a\":\"\xf4\x90\x80\x80\"}",
        "{\"a\":\"\xe2\x82\"}",
        "{\"a\":\"unterminated",
        "[01]",
        "[-]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[+1]",
        "[1e400]",
        "[tru]",
        "[nul]",
        "[True]",
        "\xef\xbb\xbf{}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        if (same(docs[i]))
            fail_msg("the fast loader accepted %s", docs[i]);
    }
}

static void test_embedded_nul_and_limits(void **state)
{
    (void)state;
    /* A raw NUL byte inside a string or after the document. */
    assert_false(same_as_jansson("{\"a\":\"x\0y\"}", 11));
    assert_false(same_as_jansson("{\"a\":1}\0", 8));
    /* Integers of 19 digits and more go to jansson, which decides. */
    assert_false(same("[1234567890123456789]"));
    assert_false(same("[99999999999999999999999]"));
    /* Deep nesting goes to jansson too. */
    char deep[300];
    memset(deep, '[', 150);
    memset(deep + 150, ']', 150);
    assert_false(same_as_jansson(deep, sizeof(deep)));
    assert_true(same_as_jansson(deep + 100, 100));
}

/* Every kind of byte at every offset of the 8- and 16-byte steps. */
static const char lower[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq";
static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQ";

/* {"s":"<off letters><insert><41 - off letters>"} in doc (160 bytes). */
static void chunk_doc(char *doc, size_t off, const char *insert)
{
    int n = snprintf(doc, 160, "{\"s\":\"%.*s%s%.*s\"}", (int)off, lower, insert, (int)(41 - off),
                     upper);
    assert_true(n > 0 && n < 160);
}

static void test_string_chunk_edges(void **state)
{
    (void)state;
    static const char *const inserts[] = {"\\\"",
                                          "\\\\",
                                          "\\n",
                                          "\\u00e9",
                                          "\xc3\xa9",
                                          "\x7f",
                                          "\\ud83d\\ude00",
                                          "\\/\\b\\f\\r\\t",
                                          "\xe2\x80\x9c",
                                          "\xc2\xa0",
                                          "\xe2\x80\xaf",
                                          "\xdf\xbf",
                                          "\xf0\x9f\x98\x80"};
    /* Escapes JSON has not, which jansson rejects. */
    static const char *const bad_escapes[] = {"\\a", "\\x", "\\N", "\\'", "\\U00e9"};
    for (size_t k = 0; k < sizeof(inserts) / sizeof(inserts[0]); k++) {
        for (size_t off = 0; off < 41; off++) {
            char doc[160];
            chunk_doc(doc, off, inserts[k]);
            assert_true(same(doc));
            /* The same with a control character, which jansson rejects. */
            doc[6 + off] = '\x01';
            assert_false(same(doc));
        }
    }
    /* Bytes that are not UTF-8, which jansson rejects. */
    static const char *const bad_utf8[] = {"\xe2\x80", "\xc3", "\xe2\x80\xc0", "\xc0\xaf"};
    for (size_t k = 0; k < sizeof(bad_utf8) / sizeof(bad_utf8[0]); k++) {
        for (size_t off = 0; off < 41; off++) {
            char doc[160];
            chunk_doc(doc, off, bad_utf8[k]);
            assert_false(same(doc));
        }
    }
    for (size_t k = 0; k < sizeof(bad_escapes) / sizeof(bad_escapes[0]); k++) {
        for (size_t off = 0; off < 41; off++) {
            char doc[160];
            chunk_doc(doc, off, bad_escapes[k]);
            assert_false(same(doc));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_what_jansson_builds),
        cmocka_unit_test(test_declines_what_jansson_rejects),
        cmocka_unit_test(test_embedded_nul_and_limits),
        cmocka_unit_test(test_string_chunk_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
