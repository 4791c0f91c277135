/*
 * Unit tests of nw_ninjs_dump(), the record's compact serialiser: it writes
 * the JSON itself instead of calling json_dumps(), and every record's bytes
 * depend on it agreeing with jansson exactly. The tests compare both on
 * strings with every escape (each control character, quotes, backslashes,
 * slashes, DEL, multi-byte UTF-8, embedded NUL), on integers at the limits,
 * on reals, literals, empty and nested containers, replaced keys (which
 * keep their place), and on random trees.
 *
 * Then nw_ninjs_write(), the record written without the tree: the same
 * bytes as nw_ninjs_build() and the dump (with a replay marker and the
 * extension's tail put in the tree as the pipeline puts them) for every
 * article of tests/data and for made-up articles with escapes, other
 * scripts, wide spaces and every optional member; the tree's decision for
 * text that is not clean UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cpu.h"
#include "encode/ninjs.h"
#include "test_block_edges.h"
#include "newswire/article.h"
#include "test_ninjs_util.h"

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

/* Strings of every length up to 24 (the 8-byte steps, then the last 4 to
 * 7 bytes at once) with an escape, or two, at every offset, as keys and as
 * values, one after another in one buffer. */
static void test_short_strings_every_offset(void **state)
{
    (void)state;
    static const char stops[] = {'"', '\\', '\n', '\x01', '\x1f', 'x'};
    json_t *o = json_object();
    char t[32], key[40];
    int k = 0;
    for (size_t len = 0; len <= 24; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (size_t c = 0; c < sizeof(stops); c++) {
                for (size_t i = 0; i < len; i++)
                    t[i] = (char)('a' + (i % 26));
                if (at < len)
                    t[at] = stops[c];
                if (len > 0 && c % 2)
                    t[len - 1] = stops[(c + 1) % sizeof(stops)];
                memcpy(key, t, len);
                snprintf(key + len, sizeof(key) - len, "%d", k++);
                json_object_set_new(o, key, json_stringn(t, len));
            }
        }
    }
    assert_same_dump(o);
    json_decref(o);
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

/* nw_ninjs_write() against the tree for a, with and without the optional
 * members the caller adds; 0, or 1 when the writer left the record to the
 * tree. */
static int check_write_variant(const nw_article_t *a, nw_record_meta_t m)
{
    static const char tail[] = ",\"enrichment\":{\"lang\":{\"status\":\"off\"}}";
    if (m.ext_tail) {
        m.ext_tail = tail;
        m.ext_tail_len = sizeof(tail) - 1;
    }
    char *got = NULL;
    size_t got_len = 0;
    uint8_t hash[32], want_hash[32];
    int rc = nw_ninjs_write(a, &m, &got, &got_len, hash);
    if (rc == 1) {
        assert_null(got);
        return 1;
    }
    assert_int_equal(rc, 0);
    nw_record_meta_t tm = m;
    tm.plain_ninjs = false; /* the pipeline builds the extension, then drops it */
    json_t *r = nw_ninjs_build(a, &tm);
    assert_non_null(r);
    json_t *ext = json_object_get(r, "newswire");
    if (m.replay_state)
        tree_add_replay(ext, m.replay_state);
    if (m.ext_tail)
        json_object_set_new(ext, "enrichment", json_pack("{s:{s:s}}", "lang", "status", "off"));
    if (m.plain_ninjs)
        json_object_del(r, "newswire");
    size_t want_len;
    char *want = nw_ninjs_dump_compact(r, &want_len);
    assert_non_null(want);
    assert_int_equal(got_len, want_len);
    assert_string_equal(got, want);
    nw_article_content_hash(a, want_hash);
    assert_memory_equal(hash, want_hash, 32);
    free(want);
    free(got);
    json_decref(r);
    return 0;
}

/* Every variant of the caller's members; returns what the first said. */
static int check_write(const nw_article_t *a, const nw_record_meta_t *m)
{
    nw_record_meta_t v = *m;
    int rc = check_write_variant(a, v);
    v.replay_state = "rebuild";
    assert_int_equal(check_write_variant(a, v), rc);
    v.ext_tail = "";
    assert_int_equal(check_write_variant(a, v), rc);
    v.plain_ninjs = true;
    assert_int_equal(check_write_variant(a, v), rc);
    return rc;
}

/* The writer against the tree for a with a Kafka source and a file
 * source; 1 when it left the record to the tree. */
static int write_article(void *opaque, const nw_article_t *a, const char *name)
{
    (void)opaque;
    nw_record_meta_t m = {
        .article_id = "id-1",
        .version = 3,
        .source = {
            .topic = "news.raw", .partition = 2, .offset = 12345, .key = "k\xff", .key_len = 2}};
    int rc = check_write(a, &m);
    m.source = (nw_record_source_t){.file = name};
    assert_int_equal(check_write(a, &m), rc);
    return rc;
}

/* Every message of dir that parses. Returns how many were compared;
 * *tree counts those the writer left to the tree. */
static int write_dir(const char *dir, int *tree)
{
    return each_article(dir, write_article, NULL, tree);
}

/* The articles of tests/data, all clean text, and the fuzzers' seeds. */
static void test_write_real_articles(void **state)
{
    (void)state;
    int tree = 0;
    assert_true(write_dir(NW_TEST_DATA "/articles", &tree) > 10);
    assert_int_equal(tree, 0);
    write_dir(NW_SOURCE_DIR "/tests/fuzz/corpus/parse", &tree);
    write_dir(NW_SOURCE_DIR "/tests/fuzz/corpus/html", &tree);
}

/* Body text with a byte the 8- and 16-byte steps stop at, at every offset
 * of them: the counts and escapes against the tree's. */
static void test_write_body_at_every_offset(void **state)
{
    (void)state;
    static const char *const stops[] = {
        "\"",           "\\",           "\t",           "  ",           " ",
        "\xc3\xa9",     "\xe2\x80\x83", "\xc2\xa0",     "\x7f",         "\x1f",
        "\xe2\x80\x9c", "\xe2\x80\xaf", "\xe2\x80\x8b", "\xe2\x80\x8c", "\xe2\x80\xbf",
        "\xe2\x81\x9f", "\xc2\x80",     "\xdf\xbf",     "\xe3\x80\x80", "\xf0\x9f\x98\x80"};
    const char base[] = "one two three four five six seven eight nine ten eleven twelve";
    nw_record_meta_t m = {.article_id = "id", .version = 1, .source = {.file = "f"}};
    for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
        for (size_t off = 0; off + 1 < sizeof(base); off++) {
            char t[160];
            size_t sl = strlen(stops[k]);
            memcpy(t, base, off);
            memcpy(t + off, stops[k], sl);
            memcpy(t + off + sl, base + off, sizeof(base) - off);
            nw_paragraph_t ps[2] = {{.text = t}, {.text = t + off}};
            nw_article_t a = {.headline = "h", .paragraphs = ps, .n_paragraphs = 2};
            assert_int_equal(check_write_variant(&a, m), 0);
            a.n_paragraphs = 1;
            assert_int_equal(check_write_variant(&a, m), 0);
        }
    }
}

/* Each cut of t as a body: every instance gives the same answer. */
static void write_cuts_agree(char *t, size_t at, const char *part, size_t pl, const size_t *cuts,
                             size_t n_cuts, void *arg)
{
    (void)at, (void)part, (void)pl, (void)arg;
    const unsigned masks[] = {0, NW_CPU_AVX512BW, NW_CPU_AVX2};
    nw_record_meta_t m = {.article_id = "id", .version = 1, .source = {.file = "f"}};
    for (size_t c = 0; c < n_cuts; c++) {
        char u[NW_EDGE_ROOM + 1];
        memcpy(u, t, cuts[c]);
        u[cuts[c]] = '\0';
        nw_paragraph_t ps[2] = {{.text = u}, {.text = "x"}};
        nw_article_t a = {.headline = "h", .paragraphs = ps, .n_paragraphs = 2};
        int want = -1;
        for (size_t mi = 0; mi < sizeof(masks) / sizeof(masks[0]); mi++) {
            unsigned was = nw_cpu_mask(masks[mi]);
            int rc = check_write_variant(&a, m);
            nw_cpu_mask(was);
            if (mi == 0)
                want = rc;
            assert_int_equal(rc, want);
        }
    }
}

/* The body pass's 64-byte AVX-512 steps (a masked one for the last 1 to
 * 63 bytes, the common letters beyond ASCII taken inside a step), the
 * AVX2 steps and the portable ones against the tree: each stop, letter and
 * byte that is no UTF-8 at each offset around the block edges 64 and 128,
 * in a body cut right after it, inside it, and at 63, 64, 65, 127, 128
 * and 129 bytes. Every instance gives the tree's record or, for text that
 * is no UTF-8, leaves it to the tree alike. */
static void test_write_body_block_edges(void **state)
{
    (void)state;
    static const char *const parts[] = {"\"",
                                        "\\",
                                        "\t",
                                        "\n",
                                        "  ",
                                        " ",
                                        "\xc3\xa9",
                                        "\xc2\xa0",
                                        "\xc2\x80",
                                        "\xdf\xbf",
                                        "\xe2\x80\x9c",
                                        "\xe2\x80\x8b",
                                        "\xe2\x80\x8c",
                                        "\xe2\x80\xaf",
                                        "\xe2\x80\xbf",
                                        "\xe2\x81\x80",
                                        "\xe3\x80\x80",
                                        "\xf0\x9f\x98\x80",
                                        "\x7f",
                                        "\x1f",
                                        "\xc3",
                                        "\xe2\x80",
                                        "\x80",
                                        "\xff",
                                        "\xc3\xa9\xe2\x80\x94 ",
                                        "\xe2\x80\xc0",
                                        "\xe2\x80\x8b\xc3\xa9",
                                        "\xc3\xc3",
                                        "\xe2\x80\x7f"};
    char base[200];
    for (size_t k = 0; k < sizeof(base); k++)
        base[k] = "one two three four five six seven "[k % 34];
    nw_edge_each(base, sizeof(base), parts, sizeof(parts) / sizeof(parts[0]), write_cuts_agree,
                 NULL);
}

/* Bodies of every length 0 .. 300 at every alignment, of words, single
 * and double spaces and now and then a byte the 32-, 16- and 8-byte steps
 * stop at: the counts, the escapes and the content hash (which takes a
 * collapsed body as it is) against the tree's. */
static void test_write_body_every_length(void **state)
{
    (void)state;
    static const char alphabet[] = "abcdefgh  xyz   Q";
    static const char stops[] = "\"\\\t\x7f\x1f";
    nw_record_meta_t m = {.article_id = "id", .version = 1, .source = {.file = "f"}};
    char t[300 + 32 + 1];
    unsigned seed = 300;
    for (size_t len = 0; len <= 300; len++)
        for (size_t at = 0; at < 32; at++) {
            char *b = t + at;
            for (size_t i = 0; i < len; i++)
                b[i] = rand_r(&seed) % 97 == 0
                           ? stops[(size_t)rand_r(&seed) % (sizeof(stops) - 1)]
                           : alphabet[(size_t)rand_r(&seed) % (sizeof(alphabet) - 1)];
            b[len] = '\0';
            nw_paragraph_t ps[1] = {{.text = b}};
            nw_article_t a = {.headline = "h", .paragraphs = ps, .n_paragraphs = 1};
            assert_int_equal(check_write_variant(&a, m), 0);
        }
}

/* The record is written into a buffer sized from its text's length:
 * escapes that double the text, and members far longer than the room
 * left for them, make it grow, with the bytes the tree dumps. */
static void test_write_outgrows_its_guess(void **state)
{
    (void)state;
    static char quotes[4001], name[3001];
    memset(quotes, '"', sizeof(quotes) - 1);
    memset(name, 'n', sizeof(name) - 1);
    nw_paragraph_t ps[2] = {{.text = quotes, .len = sizeof(quotes) - 1}, {.text = "x\x01y"}};
    nw_article_t a = {.headline = "h", .paragraphs = ps, .n_paragraphs = 2};
    nw_record_meta_t m = {.article_id = "id", .version = 1, .source = {.file = name}};
    assert_int_equal(check_write(&a, &m), 0);
    a.n_paragraphs = 1;
    m.source.file = "f";
    assert_int_equal(check_write(&a, &m), 0);
}

static void test_write_made_up(void **state)
{
    (void)state;
    char *paras[] = {
        "Plain words, \"quoted\" and back\\slashed, a\ttab and a\rreturn",
        "",
        "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 "
        "\xe6\x9d\xb1\xe4\xba\xac "
        "\xf0\x9f\x93\xb0 news",
        "wide\xc2\xa0space\xe2\x80\x83"
        "and\xe3\x80\x80more\xef\xbb\xbfhere  two  spaces \x7f del",
        "  leading and trailing  ",
        "x",
        "exactly8",
        "0123456789abcdef0123456789abcdef\"",
    };
    nw_paragraph_t ps[sizeof(paras) / sizeof(paras[0])];
    for (size_t i = 0; i < sizeof(paras) / sizeof(paras[0]); i++)
        ps[i] = (nw_paragraph_t){.text = paras[i]};
    char *credits[] = {"AFP", "Getty \"Images\""};
    nw_article_t a = {.headline = "A \"headline\" \xe2\x80\x94 with a dash",
                      .standfirst = "Stand\tfirst",
                      .byline = "By \xc3\x89mile",
                      .image_credits = credits,
                      .n_image_credits = 2,
                      .paragraphs = ps,
                      .n_paragraphs = sizeof(paras) / sizeof(paras[0]),
                      .published = 1700000000,
                      .updated = 1700003600,
                      .has_published = true,
                      .has_updated = true,
                      .format = NW_FORMAT_JSON,
                      .inner_format = NW_FORMAT_HTML,
                      .url = "https://example.com/a?b=\"c\"",
                      .source = "Example \xc3\x9cnion",
                      .fetched_at = "2024-01-01T00:00:00Z",
                      .provenance_json = "{\"scraper\":\"x\",\"n\":1.5,\"list\":[true,null]}",
                      .language = "de-AT",
                      .updated_precision = NW_PRECISION_DAY};
    a.field_source[NW_FIELD_HEADLINE] = NW_SRC_JSONLD;
    a.field_source[NW_FIELD_LANGUAGE] = NW_SRC_HTML_LANG;
    nw_record_meta_t m = {.article_id = "id \"with\" spaces/\xc3\xa9",
                          .version = 12,
                          .source = {.topic = "news.raw", .partition = -1, .offset = -5}};
    assert_int_equal(check_write(&a, &m), 0);
    m.source.key = "plain-key";
    m.source.key_len = 9;
    assert_int_equal(check_write(&a, &m), 0);
    a.standfirst = NULL;
    a.byline = NULL;
    a.language = NULL;
    a.n_image_credits = 0;
    a.provenance_json = NULL;
    a.format = NW_FORMAT_TEXT;
    a.n_paragraphs = 0;
    assert_int_equal(check_write(&a, &m), 0);

    /* Text that is not clean UTF-8 is left to the tree. */
    a.headline = "control \x01 character";
    assert_int_equal(check_write(&a, &m), 1);
    a.headline = "fine";
    char bad[] = "invalid \xc3 byte";
    ps[0].text = bad;
    a.n_paragraphs = 1;
    assert_int_equal(check_write(&a, &m), 1);
    ps[0].text = "a body with a \x01 control character";
    assert_int_equal(check_write(&a, &m), 0);
    a.byline = "\xed\xa0\x80 surrogate";
    assert_int_equal(check_write(&a, &m), 1);
}

/* Short texts (the byline here, the id and the source's names alike) are
 * tested for plain ASCII 8 or 16 bytes a step, the last step over the
 * text's end: every length around the steps, with a byte that is no plain
 * ASCII at every place, must give the tree's bytes, or the tree. */
static void test_write_short_texts_every_place(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        int tree; /* the writer leaves the record to the tree */
    } odd[] = {{"\"", 0},       {"\\", 0},   {"\t", 0},  {"\x7f", 0},
               {"\xc3\xa9", 0}, {"\x01", 1}, {"\x80", 1}};
    char byline[64];
    nw_paragraph_t ps[1] = {{.text = "A body."}};
    nw_article_t a = {.headline = "h", .paragraphs = ps, .n_paragraphs = 1, .byline = byline};
    nw_record_meta_t m = {.article_id = "id", .version = 1, .source = {.topic = "news.raw"}};
    for (size_t len = 0; len <= 34; len++) {
        memset(byline, 'b', len);
        byline[len] = '\0';
        assert_int_equal(check_write_variant(&a, m), 0);
        for (size_t k = 0; k < len; k++) {
            for (size_t o = 0; o < sizeof(odd) / sizeof(odd[0]); o++) {
                size_t n = strlen(odd[o].bytes);
                if (k + n > len)
                    continue;
                memset(byline, 'b', len);
                memcpy(byline + k, odd[o].bytes, n);
                assert_int_equal(check_write_variant(&a, m), odd[o].tree);
            }
        }
    }
}

/* The envelope's other fields, as the envelope writes them (json_dumps(),
 * compact, keys sorted), go into the record as they are where loading them
 * and dumping them again gives the same bytes, and to the tree as before
 * where the load fails (a NUL, text that is not UTF-8) or may (long). */
static void test_write_provenance(void **state)
{
    (void)state;
    nw_paragraph_t p = {.text = "Body text."};
    nw_article_t a = {.headline = "Headline",
                      .paragraphs = &p,
                      .n_paragraphs = 1,
                      .published = 1700000000,
                      .has_published = true,
                      .format = NW_FORMAT_JSON,
                      .inner_format = NW_FORMAT_TEXT};
    nw_record_meta_t m = {.article_id = "id-p", .version = 1, .source = {.file = "f"}};
    json_t *trees[] = {
        json_object(),
        json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:b, s:n}", "z", "last", "a",
                  -9223372036854775807LL, "r", 1.5, "big", 1e300, "tiny", 0.1, "neg", -0.0, "t", 1,
                  "null"),
        json_pack("{s:{s:[i,s,{s:[]}]}, s:s}", "nested", "list", 1, "two", "deep", "esc",
                  "q\"b\\s\n\r\t\b\f\x01\x1f\x7f/ caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x93\xb0"),
    };
    for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
        assert_non_null(trees[i]);
        char *text = json_dumps(trees[i], JSON_COMPACT | JSON_SORT_KEYS);
        assert_non_null(text);
        a.provenance_json = text;
        assert_int_equal(check_write(&a, &m), 0);
        free(text);
        json_decref(trees[i]);
    }
    /* What the load turns away (as the envelope's loader may let it
     * through): the record is left to the tree, as before. */
    const char *refused[] = {"{\"nul\":\"a\\u0000b\"}", "{\"bad\":\"x\xc3y\"}"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        a.provenance_json = (char *)refused[i];
        assert_int_equal(check_write_variant(&a, m), 1);
    }
    /* Past 4,000 bytes: loaded and dumped again, the same bytes. */
    json_t *big = json_object();
    for (int i = 0; i < 200; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%03d", i);
        json_object_set_new(big, key, json_string("a value of some length"));
    }
    char *text = json_dumps(big, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(text);
    assert_true(strlen(text) >= 4000);
    a.provenance_json = text;
    assert_int_equal(check_write(&a, &m), 0);
    free(text);
    json_decref(big);
}

/* The bodies above with AVX-512 hidden: the body pass takes its 32-byte
 * AVX2 steps, which stop at each letter beyond ASCII. */
static void test_write_without_avx512(void **state)
{
    unsigned was = nw_cpu_mask(NW_CPU_AVX512BW);
    test_write_body_at_every_offset(state);
    test_write_body_every_length(state);
    nw_cpu_mask(was);
}

/* The same with the CPU's vector features hidden: the record's body pass,
 * the UTF-8 check and the hashes take their portable paths, and give the
 * tree's bytes and hash too. */
static void test_write_without_vectors(void **state)
{
    unsigned was = nw_cpu_mask(NW_CPU_AVX2 | NW_CPU_POPCNT | NW_CPU_AVX512DQVL);
    test_write_real_articles(state);
    test_write_body_at_every_offset(state);
    test_write_body_every_length(state);
    nw_cpu_mask(was);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_numbers_and_literals),
        cmocka_unit_test(test_replaced_key_keeps_order),
        cmocka_unit_test(test_short_strings_every_offset),
        cmocka_unit_test(test_random_trees),
        cmocka_unit_test(test_write_real_articles),
        cmocka_unit_test(test_write_body_at_every_offset),
        cmocka_unit_test(test_write_body_every_length),
        cmocka_unit_test(test_write_body_block_edges),
        cmocka_unit_test(test_write_outgrows_its_guess),
        cmocka_unit_test(test_write_made_up),
        cmocka_unit_test(test_write_short_texts_every_place),
        cmocka_unit_test(test_write_provenance),
        cmocka_unit_test(test_write_without_avx512),
        cmocka_unit_test(test_write_without_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
