/*
 * Unit tests of the UTF-8 scanners' fast paths (core/utf8.c): the 8-byte
 * ASCII steps of nw_utf8_sanitize() and nw_utf8_looks_binary(), the inline
 * ASCII tests of nw_utf8_collapse() and nw_utf8_count_words(),
 * nw_utf8_printable_run(), nw_utf8_is_clean(), and nw_utf8_measure(),
 * which must count what nw_utf8_count_words() and a count of
 * non-continuation bytes count. Inputs put every kind of byte at every
 * offset of an 8-byte step (and of a 16-byte one, where SSE2 takes 16 at
 * once), so a mistake at a chunk edge shows.
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

#include "core/cpu.h"
#include "core/utf8.h"
#include "test_block_edges.h"

static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void test_sanitize_and_binary_at_every_offset(void **state)
{
    (void)state;
    /* A control character (dropped), a bad byte (U+FFFD), a NUL (binary). */
    for (size_t off = 0; off < 20; off++) {
        char in[40], want[48];
        memset(in, 'a', sizeof(in));
        in[off] = '\x01';
        in[off + 9] = '\xff';
        memset(want, 'a', sizeof(want));
        size_t w = 0;
        for (size_t i = 0; i < sizeof(in); i++) {
            if (i == off)
                continue;
            if (i == off + 9) {
                memcpy(want + w, "\xef\xbf\xbd", 3);
                w += 3;
                continue;
            }
            want[w++] = in[i];
        }
        nw_buf_t out = NW_BUF_INIT;
        assert_int_equal(nw_utf8_sanitize(in, sizeof(in), &out), 1);
        assert_int_equal(out.len, w);
        assert_memory_equal(out.data, want, w);
        nw_buf_free(&out);
        assert_false(nw_utf8_looks_binary(in, sizeof(in)));
        in[off + 3] = '\0';
        assert_true(nw_utf8_looks_binary(in, sizeof(in)));
    }
}

static void test_collapse_and_words(void **state)
{
    (void)state;
    const char *in = " \t one\xc2\xa0two \xe2\x80\x83 three\r\n\x0b\x0c"
                     "caf\xc3\xa9\xe3\x80\x80\xef\xbb\xbf end ";
    nw_buf_t out = NW_BUF_INIT;
    nw_utf8_collapse(in, strlen(in), &out);
    assert_string_equal(nw_buf_str(&out), "one two three caf\xc3\xa9 end");
    nw_buf_free(&out);
    assert_int_equal(nw_utf8_count_words(in), 5);
    nw_utf8_collapse("  \n ", 4, &out);
    assert_string_equal(nw_buf_str(&out), "");
    nw_buf_free(&out);
}

static void test_measure_agrees(void **state)
{
    (void)state;
    const char *texts[] = {
        "",
        "one",
        "  lead and trail  ",
        "a\xc2\xa0"
        "b\xe2\x80\x8b"
        "c\xe2\x80\xaf"
        "d\xe2\x81\x9f"
        "e\xe3\x80\x80"
        "f\xef\xbb\xbfg",
        "caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x93\xb0 \xe6\x96\xb0\xe9\x97\xbb",
        "tabs\tand\nlines\r\n\x0b\x0c"
        "end",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t words = 99, chars = 99;
        assert_true(nw_utf8_measure(texts[i], strlen(texts[i]), &words, &chars));
        assert_int_equal(words, nw_utf8_count_words(texts[i]));
        assert_int_equal(chars, chars_of(texts[i]));
    }
    size_t words = 99, chars = 99;
    assert_false(nw_utf8_measure("ok \xc3", 4, &words, &chars));
    assert_false(nw_utf8_measure("\xed\xa0\x80", 3, &words, &chars)); /* surrogate */
    assert_false(nw_utf8_measure("\xc0\xaf", 2, &words, &chars));     /* overlong */
    assert_int_equal(words, 99);
}

/* The collapse rule byte by byte, as nw_utf8_collapse() once did it. */
static void collapse_ref(const char *s, size_t len, nw_buf_t *out)
{
    size_t i = 0;
    bool any = false;
    while (i < len) {
        size_t n;
        while (i < len && (n = nw_utf8_space(s + i, len - i)) > 0)
            i += n;
        if (i >= len)
            break;
        if (any)
            nw_buf_putc(out, ' ');
        while (i < len && !nw_utf8_space(s + i, len - i))
            nw_buf_putc(out, s[i++]);
        any = true;
    }
}

/* Random text of words, single and repeated spaces, tabs, newlines and
 * non-ASCII spaces and letters: the 8-byte steps against the rules. */
/* The run ends at the first byte outside 0x20..0x7F, wherever it falls in
 * an 8-byte step; DEL belongs to the run, NUL, tab, LF and 0x80 do not. */
static void test_printable_run_at_every_offset(void **state)
{
    (void)state;
    static const char stops[] = {'\0', '\t', '\n', '\x1f', '\x80', '\xc3', '\xff'};
    char in[72];
    memset(in, 'a', sizeof(in));
    in[3] = '\x7f';
    in[11] = ' ';
    assert_int_equal(nw_utf8_printable_run(in, sizeof(in)), sizeof(in));
    assert_int_equal(nw_utf8_printable_run(in, 0), 0);
    for (size_t k = 0; k < sizeof(stops); k++) {
        for (size_t off = 0; off < 40; off++) {
            char t[72];
            memcpy(t, in, sizeof(t));
            t[off] = stops[k];
            t[off + 9] = stops[k];
            assert_int_equal(nw_utf8_printable_run(t, sizeof(t)), off);
            assert_int_equal(nw_utf8_printable_run(t, off), off);
        }
    }
}

/* nw_utf8_is_clean() is exactly "sanitize copies it unchanged and it does
 * not look binary". */
static void test_is_clean_agrees(void **state)
{
    (void)state;
    static const char *const parts[] = {"word",
                                        " ",
                                        "\t",
                                        "\n",
                                        "\r",
                                        "\x0c",
                                        "\x01",
                                        "\x7f",
                                        "\xc2\xa0",
                                        "\xc3",
                                        "\xff",
                                        "\xed\xa0\x80",
                                        "caf\xc3\xa9 long enough text",
                                        "\xce\xb1\xce\xb2 \xe4\xb8\xad\xe6\x96\x87",
                                        "\xce\xb1\xce"};
    unsigned seed = 7;
    for (int round = 0; round < 3000; round++) {
        char text[512];
        size_t len = 0;
        int n = rand_r(&seed) % 20;
        for (int k = 0; k < n; k++) {
            /* Mostly clean parts, so that clean texts come up often. */
            int pick = rand_r(&seed) % 40;
            const char *p = parts[pick < 15 ? pick : pick % 5 == 0 ? 1 : pick % 2 ? 12 : 13];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        nw_buf_t out = NW_BUF_INIT;
        nw_utf8_sanitize(text, len, &out);
        bool same = out.len == len && (len == 0 || memcmp(out.data, text, len) == 0);
        assert_int_equal(nw_utf8_is_clean(text, len), same && !nw_utf8_looks_binary(text, len));
        nw_buf_free(&out);
    }
    assert_false(nw_utf8_is_clean("a\0b", 3));

    /* Line ends and tabs inside 16-byte steps, and a byte that makes the
     * text unclean (or a letter that does not) at every offset. */
    static const char *const stops[] = {"\x01", "\x0b", "\x0c", "\xc3", "\xff", "\x7f", "\xc3\xa9"};
    const char base[] = "line one\nline\ttwo\r\nthree and four\nfive six seven\teight";
    assert_true(nw_utf8_is_clean(base, sizeof(base) - 1));
    for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
        bool clean = k >= 5;
        for (size_t off = 0; off < sizeof(base); off++) {
            char t[96];
            size_t sl = strlen(stops[k]);
            memcpy(t, base, off);
            memcpy(t + off, stops[k], sl);
            memcpy(t + off + sl, base + off, sizeof(base) - 1 - off);
            assert_int_equal(nw_utf8_is_clean(t, sizeof(base) - 1 + sl), clean);
        }
    }
}

/* nw_utf8_is_clean() against its definition (as above) on every length
 * 0 .. 300 at every alignment of its 64-byte step: mostly clean text, so
 * that whole blocks pass, with now and then a byte that stops a block. */
static void test_is_clean_every_length(void **state)
{
    (void)state;
    static const char alphabet[] = "clean text\n\tand\r more ";
    static const char *const stops[] = {"\x01", "\x7f", "\xc3\xa9", "\xff", "\xc3", "\x0b"};
    char buf[300 + 64 + 4];
    unsigned seed = 64;
    for (size_t len = 0; len <= 300; len++)
        for (size_t at = 0; at < 64; at++) {
            char *t = buf + at;
            size_t n = 0;
            while (n < len) {
                const char *stop = stops[(size_t)rand_r(&seed) % 6];
                if (rand_r(&seed) % 150 == 0 && n + strlen(stop) <= len) {
                    memcpy(t + n, stop, strlen(stop));
                    n += strlen(stop);
                } else {
                    t[n++] = alphabet[(size_t)rand_r(&seed) % (sizeof(alphabet) - 1)];
                }
            }
            nw_buf_t out = NW_BUF_INIT;
            nw_utf8_sanitize(t, len, &out);
            bool same = out.len == len && (len == 0 || memcmp(out.data, t, len) == 0);
            assert_int_equal(nw_utf8_is_clean(t, len), same && !nw_utf8_looks_binary(t, len));
            nw_buf_free(&out);
        }
}

/* nw_utf8_is_clean() against its definition (as above). */
static void assert_clean_agrees(const char *s, size_t len)
{
    nw_buf_t out = NW_BUF_INIT;
    nw_utf8_sanitize(s, len, &out);
    bool same = out.len == len && (len == 0 || memcmp(out.data, s, len) == 0);
    assert_int_equal(nw_utf8_is_clean(s, len), same && !nw_utf8_looks_binary(s, len));
    nw_buf_free(&out);
}

/* Each cut of t, then the part twice, the second right after the first. */
static void clean_cuts_agree(char *t, size_t at, const char *part, size_t pl, const size_t *cuts,
                             size_t n_cuts, void *arg)
{
    (void)arg;
    for (size_t c = 0; c < n_cuts; c++)
        assert_clean_agrees(t, cuts[c]);
    memcpy(t + at + pl, part, pl);
    assert_clean_agrees(t, at + 2 * pl);
}

/* The clean check's 64-byte AVX-512 steps (a masked one for the last 1 to
 * 63 bytes, characters beyond ASCII taken inside a step), its AVX2 steps
 * and the portable ones against the definition: characters of two, three
 * and four bytes, their lead bytes that admit invalid forms (E0, ED, F0,
 * F4), sequences cut short, stray continuation bytes, overlong forms and
 * control characters at each offset around the block edges 64 and 128,
 * in texts cut right after them, inside them and at 63, 64, 65, 127, 128
 * and 129 bytes; then the tests above with each instance. */
static void test_is_clean_instances(void **state)
{
    static const char *const parts[] = {"\xc3\xa9",
                                        "\xc2\x80",
                                        "\xdf\xbf",
                                        "\xe2\x80\x9c",
                                        "\xe1\x80\x80",
                                        "\xec\xbf\xbf",
                                        "\xee\x80\x80",
                                        "\xef\xbf\xbf",
                                        "\xe0\xa0\x80",
                                        "\xe0\x80\x80",
                                        "\xed\x9f\xbf",
                                        "\xed\xa0\x80",
                                        "\xf0\x9f\x98\x80",
                                        "\xf4\x8f\xbf\xbf",
                                        "\xf4\x90\x80\x80",
                                        "\xc1\xbf",
                                        "\xc3",
                                        "\xe2\x80",
                                        "\x80",
                                        "\xbf\xbf",
                                        "\xff",
                                        "\xc3\xc3",
                                        "\xe2\x80\x41",
                                        "\xe2\x41\x80",
                                        "\x01",
                                        "\x0b",
                                        "\x0c",
                                        "\x7f",
                                        "\t",
                                        "\r\n",
                                        "\xc3\xa9\xe4\xb8\xad\xc3\xa9"};
    const unsigned masks[] = {0, NW_CPU_AVX512BW, NW_CPU_AVX2};
    char base[200];
    for (size_t k = 0; k < sizeof(base); k++)
        base[k] = "clean text\nand\tmore "[k % 20];
    for (size_t mi = 0; mi < sizeof(masks) / sizeof(masks[0]); mi++) {
        unsigned was = nw_cpu_mask(masks[mi]);
        nw_edge_each(base, sizeof(base), parts, sizeof(parts) / sizeof(parts[0]), clean_cuts_agree,
                     NULL);
        test_is_clean_agrees(state);
        test_is_clean_every_length(state);
        nw_cpu_mask(was);
    }
}

/* nw_utf8_space() reads wide spaces from their bytes: it must agree with
 * decoding for every code point, and refuse their truncated forms. */
static void test_space_every_code_point(void **state)
{
    (void)state;
    for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char b[4];
        size_t n = nw_utf8_put(b, cp);
        bool wide = cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
                    cp == 0x3000 || cp == 0xFEFF;
        assert_int_equal(nw_utf8_space(b, n), wide ? n : 0);
        if (wide)
            for (size_t k = 1; k < n; k++)
                assert_int_equal(nw_utf8_space(b, k), 0);
    }
    assert_int_equal(nw_utf8_space("\xe2\x80\x41", 3), 0);
    assert_int_equal(nw_utf8_space("\xc2\x20", 2), 0);
}

/* nw_utf8_collapse() of s[0, len) is collapse_ref()'s, and so is
 * nw_utf8_collapse_line() of each line. */
static void assert_collapse_agrees(const char *s, size_t len)
{
    nw_buf_t got = NW_BUF_INIT, want = NW_BUF_INIT;
    nw_utf8_collapse(s, len, &got);
    collapse_ref(s, len, &want);
    assert_string_equal(nw_buf_str(&got), nw_buf_str(&want));
    for (size_t i = 0; i <= len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) : len;
        nw_buf_reset(&got);
        nw_buf_reset(&want);
        assert_int_equal(i + nw_utf8_collapse_line(s + i, len - i, &got), end);
        collapse_ref(s + i, end - i, &want);
        assert_string_equal(nw_buf_str(&got), nw_buf_str(&want));
        i = end + 1;
    }
    nw_buf_free(&got);
    nw_buf_free(&want);
}

/* Words and single spaces, with one thing the fast steps must stop at put
 * at every offset: two spaces, a trailing space, other whitespace, a line's
 * end with and without a space before it, a letter beyond ASCII. A short
 * text and one long enough for several of the 32-byte AVX2 steps (each
 * reads the byte after its 32) and the 64-byte AVX-512 blocks, with each
 * instance in turn (AVX-512, AVX2, portable), and the long one cut at
 * every length: all give collapse_ref(). */
static void test_collapse_at_every_offset(void **state)
{
    (void)state;
    static const char *const stops[] = {"  ",           " ",    "\t",        "\n",
                                        " \n",          "\r\n", " \xc2\xa0", "\xc3\xa9",
                                        "\xe2\x80\x83", "\x7f", "\x01"};
    static const char *const bases[] = {
        "one two three four five six seven eight nine ten eleven twelve",
        "the council noted that funding for the first phase had been secured for the summer and "
        "would be reviewed"};
    const unsigned masks[] = {0, NW_CPU_AVX512VBMI2, NW_CPU_AVX2};
    for (size_t m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
        unsigned saved = nw_cpu_mask(masks[m]);
        for (size_t b = 0; b < 2; b++) {
            const char *base = bases[b];
            size_t base_len = strlen(base);
            for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
                for (size_t off = 0; off < base_len; off++) {
                    for (size_t cut = 0; cut < 2; cut++) {
                        char t[160];
                        size_t sl = strlen(stops[k]);
                        memcpy(t, base, off);
                        memcpy(t + off, stops[k], sl);
                        size_t len = off + sl;
                        if (!cut) { /* the rest of the text after the stop */
                            memcpy(t + len, base + off, base_len - off);
                            len += base_len - off;
                        }
                        t[len] = '\0';
                        assert_collapse_agrees(t, len);
                    }
                }
            }
            for (size_t len = 0; len <= base_len; len++)
                assert_collapse_agrees(base, len);
        }
        nw_cpu_mask(saved);
    }
}

/* Every whitespace kind, letters beyond ASCII (one whose lead byte also
 * starts wide spaces), the wide spaces cut short, and bytes that are no
 * UTF-8, for the instances' block edges. */
static const char *const edge_parts[] = {" ",
                                         "  ",
                                         "\t",
                                         "\n",
                                         "\x0b",
                                         "\x0c",
                                         "\r",
                                         "\r\n",
                                         " \n ",
                                         "\xc2\xa0",
                                         "\xe2\x80\x80",
                                         "\xe2\x80\x8b",
                                         "\xe2\x80\x83",
                                         "\xe2\x80\xaf",
                                         "\xe2\x81\x9f",
                                         "\xe3\x80\x80",
                                         "\xef\xbb\xbf",
                                         "\xc3\xa9",
                                         "\xe2\x80\x9c",
                                         "\xe2\x80\x8c",
                                         "\xe4\xb8\xad",
                                         "\xf0\x9f\x98\x80",
                                         "\xc2",
                                         "\xe2\x80",
                                         "\xe2",
                                         "\xef\xbb",
                                         "\x80",
                                         "\xbf\xbf",
                                         "\xff",
                                         "\x01",
                                         "\x7f",
                                         "\xe2\x81\xa0",
                                         "\xe3\x80\x81",
                                         "\xc2\xa1"};

/* The AVX-512 64-byte blocks, the AVX2 32-byte steps and the portable
 * steps (chosen by hiding features) against collapse_ref(): each part
 * above at each offset around the block edges 64 and 128 (a wide space
 * across an edge, or cut by the text's end), texts of 63, 64 and 65 bytes
 * and every length near them, texts of whitespace only, and random ones. */
static void test_collapse_instances_at_block_edges(void **state)
{
    (void)state;
    const unsigned masks[] = {0, NW_CPU_AVX512VBMI2, NW_CPU_AVX2};
    const size_t n_parts = sizeof(edge_parts) / sizeof(edge_parts[0]);
    char base[256];
    for (size_t k = 0; k < sizeof(base); k++)
        base[k] = "one two three four five six seven"[k % 33];
    for (size_t m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
        unsigned saved = nw_cpu_mask(masks[m]);
        for (size_t pi = 0; pi < n_parts; pi++) {
            const char *part = edge_parts[pi];
            size_t pl = strlen(part);
            for (size_t at = 0; at < 140; at++) {
                if (at > 8 && (at < 56 || at > 70) && at < 120)
                    continue;
                char t[320];
                memcpy(t, base, at);
                memcpy(t + at, part, pl);
                memcpy(t + at + pl, base + at, 200 - at);
                t[200 + pl] = '\0';
                const size_t cuts[] = {at + pl, at + pl + 1, 63, 64, 65, 127, 128, 129, 200 + pl};
                for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
                    if (cuts[c] < at + pl && c > 1)
                        continue;
                    char u[320];
                    memcpy(u, t, cuts[c]);
                    u[cuts[c]] = '\0';
                    assert_collapse_agrees(u, cuts[c]);
                }
                /* The part alone between two spaces, and cut short. */
                char v[16];
                snprintf(v, sizeof(v), " %s ", part);
                assert_collapse_agrees(v, strlen(v));
                assert_collapse_agrees(part, pl - 1);
            }
        }
        unsigned seed = 27;
        for (int round = 0; round < 2000; round++) {
            char t[400];
            size_t len = 0, want = (size_t)rand_r(&seed) % 300;
            bool blank = round % 4 == 0; /* whitespace only */
            while (len < want) {
                const char *p = blank               ? edge_parts[(size_t)rand_r(&seed) % 17]
                                : rand_r(&seed) % 3 ? "word"
                                                    : edge_parts[(size_t)rand_r(&seed) % n_parts];
                memcpy(t + len, p, strlen(p));
                len += strlen(p);
            }
            t[len] = '\0';
            assert_collapse_agrees(t, len);
            for (size_t cut = 60; cut <= 68 && cut < len; cut++)
                assert_collapse_agrees(t, cut);
        }
        nw_cpu_mask(saved);
    }
}

static void test_random_text(void **state)
{
    (void)state;
    /* Letters of other scripts (two and three bytes, and a quotation mark
     * whose lead byte also starts wide spaces) in runs, for the byte-wise
     * steps of collapse and measure. */
    static const char *const parts[] = {"a",
                                        "bc",
                                        "word",
                                        " ",
                                        " ",
                                        "  ",
                                        "\t",
                                        "\n",
                                        "\xc2\xa0",
                                        "\xc3\xa9",
                                        "\xe3\x80\x80",
                                        "xyz.",
                                        "\xce\xb1\xce\xb2",
                                        "\xd0\x96",
                                        "\xe2\x80\x9c",
                                        "\xe2\x80\x83",
                                        "\xc2\xab",
                                        "\xe4\xb8\xad\xe6\x96\x87",
                                        "\xe1\x80\x80",
                                        "\xed\x9f\xbf"};
    unsigned seed = 15;
    for (int round = 0; round < 3000; round++) {
        char text[256];
        size_t len = 0;
        int n = rand_r(&seed) % 40;
        for (int k = 0; k < n; k++) {
            const char *p = parts[rand_r(&seed) % (int)(sizeof(parts) / sizeof(parts[0]))];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        text[len] = '\0';
        assert_collapse_agrees(text, len);
        size_t words = 0, chars = 0;
        assert_true(nw_utf8_measure(text, len, &words, &chars));
        assert_int_equal(words, nw_utf8_count_words(text));
        assert_int_equal(chars, chars_of(text));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_and_binary_at_every_offset),
        cmocka_unit_test(test_collapse_and_words),
        cmocka_unit_test(test_measure_agrees),
        cmocka_unit_test(test_printable_run_at_every_offset),
        cmocka_unit_test(test_is_clean_agrees),
        cmocka_unit_test(test_is_clean_every_length),
        cmocka_unit_test(test_is_clean_instances),
        cmocka_unit_test(test_space_every_code_point),
        cmocka_unit_test(test_collapse_at_every_offset),
        cmocka_unit_test(test_collapse_instances_at_block_edges),
        cmocka_unit_test(test_random_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
