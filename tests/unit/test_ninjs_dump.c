/*
 * Unit tests of nw_ninjs_dump(), the record's compact serialiser: it writes
 * the JSON itself instead of calling json_dumps(), and every record's bytes
 * depend on it agreeing with jansson exactly. The tests compare both on
 * strings with every escape (each control character, quotes, backslashes,
 * slashes, DEL, multi-byte UTF-8, embedded NUL), on integers at the limits,
 * on reals, literals, empty and nested containers, replaced keys (which
 * keep their place), and on random trees.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "encode/ninjs.h"

/* nw_ninjs_dump() and json_dumps(JSON_COMPACT) give the same text. */
static void assert_same_dump(const json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT);
    char *got = nw_ninjs_dump(v, false);
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

static void test_string_escapes(void **state)
{
    (void)state;
    json_t *o = json_object();
    char raw[40];
    /* Every control character, then the characters JSON may or must escape. */
    for (int c = 1; c < 0x20; c++)
        raw[c - 1] = (char)c;
    memcpy(raw + 31, "\"\\/\x7f", 4);
    json_object_set_new(o, "controls", json_stringn(raw, 35));
    json_object_set_new(o, "nul", json_stringn("a\0b", 3));
    json_object_set_new(o, "utf8", json_string("caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x93\xb0"));
    json_object_set_new(o, "", json_string(""));
    json_object_set_new(o, "key \"q\"\n", json_string("x"));
    assert_same_dump(o);
    json_decref(o);
}

static void test_numbers_and_literals(void **state)
{
    (void)state;
    json_t *a = json_array();
    json_int_t ints[] = {0, 1, -1, 9, 10, 1234567890123LL, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        json_array_append_new(a, json_integer(ints[i]));
    double reals[] = {0.0, -0.5, 1.0, 0.1, 1e300, 3.14159, 1e-7, 123456789.0};
    for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
        json_array_append_new(a, json_real(reals[i]));
    json_array_append_new(a, json_true());
    json_array_append_new(a, json_false());
    json_array_append_new(a, json_null());
    json_array_append_new(a, json_array());
    json_array_append_new(a, json_object());
    assert_same_dump(a);
    json_decref(a);
}

/* A replaced key keeps its place (emit() sets "version" again). */
static void test_replaced_key_keeps_order(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "uri", json_string("urn:x"));
    json_object_set_new(o, "version", json_string("1"));
    json_object_set_new(o, "type", json_string("text"));
    json_object_set_new(o, "version", json_string("2"));
    json_object_del(o, "uri");
    json_object_set_new(o, "uri", json_string("urn:y"));
    assert_same_dump(o);
    char *got = nw_ninjs_dump(o, false);
    assert_string_equal(got, "{\"version\":\"2\",\"type\":\"text\",\"uri\":\"urn:y\"}");
    free(got);
    json_decref(o);
}

static json_t *random_tree(unsigned *seed, int depth)
{
    int kind = depth > 3 ? rand_r(seed) % 4 : rand_r(seed) % 7;
    switch (kind) {
    case 0: {
        /* Mostly letters, so that 8-byte runs without an escape occur, with
         * any ASCII byte (controls, quotes, backslashes) mixed in. */
        char s[48];
        size_t n = (size_t)(rand_r(seed) % (int)sizeof(s));
        for (size_t i = 0; i < n; i++)
            s[i] =
                rand_r(seed) % 6 ? (char)('a' + rand_r(seed) % 26) : (char)(1 + rand_r(seed) % 127);
        return json_stringn(s, n);
    }
    case 1:
        return json_integer((json_int_t)rand_r(seed) - RAND_MAX / 2);
    case 2:
        return json_real((double)rand_r(seed) / 7.0);
    case 3:
        return rand_r(seed) % 2 ? json_true() : json_null();
    case 4:
    case 5: {
        json_t *o = json_object();
        int n = rand_r(seed) % 5;
        for (int i = 0; i < n; i++) {
            char key[8];
            snprintf(key, sizeof(key), "k%d", rand_r(seed) % 10);
            json_object_set_new(o, key, random_tree(seed, depth + 1));
        }
        return o;
    }
    default: {
        json_t *a = json_array();
        int n = rand_r(seed) % 5;
        for (int i = 0; i < n; i++)
            json_array_append_new(a, random_tree(seed, depth + 1));
        return a;
    }
    }
}

static void test_random_trees(void **state)
{
    (void)state;
    unsigned seed = 15;
    for (int i = 0; i < 2000; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "v", random_tree(&seed, 0));
        assert_same_dump(o);
        json_decref(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_numbers_and_literals),
        cmocka_unit_test(test_replaced_key_keeps_order),
        cmocka_unit_test(test_random_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
