/*
 * The article parser against the seed article and its variants, and the
 * rejection of malformed input with stable codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "encode/ninjs.h"
#include "newswire/article.h"
#include "parse/timestamp.h"

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", NW_TEST_DATA, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static void parse_file(const char *name, nw_article_t *a)
{
    size_t len;
    char *data = slurp(name, &len);
    nw_error_t err = {0};
    int rc = nw_article_parse(data, len, NULL, a, &err);
    if (rc != 0)
        fail_msg("%s: %s", name, err.msg);
    free(data);
}

static const char *const seed_paragraph_starts[] = {
    "Reaffirming support for Ukraine, US Secretary of State Antony Blinken on Wednesday spoke "
    "with French Foreign Minister",
    "\xE2\x80\x9CThey discussed the importance of continued coordination",
    "Blinken\xE2\x80\x99s phone call with French, German and UK Foreign Ministers",
    "'No substitute for direct-leader dialogues' when it comes to Russia",
    "According to a senior Biden administration official",
    "\xE2\x80\x9C"
    "And we will proceed on the principle of noting about them without them,\xE2\x80\x9D the "
    "senior official added.",
    "Biden has repeatedly highlighted concerns of the US",
};

static void check_seed_fields(const nw_article_t *a)
{
    char when[21];
    assert_string_equal(a->headline,
                        "US, France, Germany and UK reaffirm support for Ukraine amid tensions "
                        "with Russia");
    assert_non_null(a->standfirst);
    assert_string_equal(a->standfirst,
                        "Reaffirming support for Ukraine, US Secretary of State Antony Blinken on "
                        "Wednesday spoke with French, German, and the UK Foreign Ministers.");
    assert_non_null(a->byline);
    assert_string_equal(a->byline, "Bhavya Sukheja");
    assert_true(a->has_updated);
    assert_true(a->has_published);
    nw_timestamp_format(a->published, when);
    assert_string_equal(when, "2021-12-30T09:32:00Z");
    nw_timestamp_format(a->updated, when);
    assert_string_equal(when, "2021-12-30T09:32:00Z");
    assert_int_equal(a->n_image_credits, 1);
    assert_string_equal(a->image_credits[0], "AP");

    size_t n = sizeof(seed_paragraph_starts) / sizeof(seed_paragraph_starts[0]);
    assert_int_equal(a->n_paragraphs, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = seed_paragraph_starts[i];
        if (strncmp(a->paragraphs[i].text, want, strlen(want)) != 0)
            fail_msg("paragraph %zu: got \"%.80s\"", i, a->paragraphs[i].text);
        assert_int_equal(a->paragraphs[i].subheading, i == 3);
    }
    char *body = nw_article_body(a);
    static const char *const banned[] = {
        "Advertisement",      "IMAGE:",   "(Image:", "Reported by:", "Updated December",
        "Published December", "\xC2\xA0", "  "};
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
        if (strstr(body, banned[i]))
            fail_msg("body contains \"%s\"", banned[i]);
    /* The quotes and the text's own punctuation survive as UTF-8. */
    assert_non_null(strstr(body, "\xE2\x80\x9Cmassive consequences and severe costs\xE2\x80\x9D"));
    assert_non_null(strstr(body, "Kyiv will not use force"));
    assert_non_null(strstr(body, "the US will continue to coordinate closely with its allies and "
                                 "partners on all matters."));
    free(body);
}

static void test_seed_text(void **state)
{
    nw_article_t a = {0};
    parse_file("seed.txt", &a);
    assert_int_equal(a.format, NW_FORMAT_TEXT);
    check_seed_fields(&a);
    nw_article_clear(&a);
}

static void test_seed_json(void **state)
{
    nw_article_t a = {0};
    parse_file("seed.json", &a);
    assert_int_equal(a.format, NW_FORMAT_JSON);
    assert_int_equal(a.inner_format, NW_FORMAT_TEXT);
    check_seed_fields(&a);
    assert_string_equal(a.source, "example-news");
    assert_string_equal(a.fetched_at, "2021-12-30T10:05:00Z");
    assert_string_equal(a.provenance_json, "{\"lang_hint\":\"en\",\"section\":\"world\"}");
    char *id = nw_article_id(&a, NULL, 0);
    /* Canonical url: host lower-cased, tracking parameters and fragment gone. */
    assert_string_equal(id, "https://news.example.com/world/"
                            "us-france-germany-uk-reaffirm-support-for-ukraine");
    free(id);
    nw_article_clear(&a);
}

/* An envelope url that is only a fragment canonicalises to nothing: the id
 * is then the story's hash, never empty (found by fuzz_parse). */
static void test_fragment_url_id(void **state)
{
    nw_article_t a = {0};
    a.url = "#https://example.org/news/storm";
    a.headline = "Storm closes schools";
    a.has_published = true;
    a.published = 1796378400;
    char *id = nw_article_id(&a, NULL, 0);
    assert_non_null(id);
    assert_int_equal(strncmp(id, "h-", 2), 0);
    assert_int_equal(strlen(id), 34);
    free(id);
    a.url = "HTTPS://Example.ORG/news/storm#top";
    id = nw_article_id(&a, NULL, 0);
    assert_string_equal(id, "https://example.org/news/storm");
    free(id);
}

/* Without a key or url the id is the hash of the source, the headline
 * lower-cased (ASCII letters only) and the time, joined by 0x1F: pinned,
 * since every hashed id keys dedupe state. */
static void test_hashed_id(void **state)
{
    (void)state;
    nw_article_t a = {0};
    a.source = "Wire";
    a.headline = "Storm Closes SCHOOLS";
    a.has_published = true;
    a.published = 1796378400; /* 2026-12-04T10:00:00Z */
    char *id = nw_article_id(&a, NULL, 0);
    assert_string_equal(id, "h-ba71881d76da10fe96c2a947ee93f0d4");
    free(id);
}

/* The hashed id's text on the stack up to 512 bytes, on the heap past
 * them: both give the same hash of the same text. */
static void test_hashed_id_long(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *id;
    } cases[] = {{486, "h-24a57e5b42bf81389ac92708451e4383"},  /* 512 bytes: the stack */
                 {487, "h-f630010fe0a7d1b6fa0596df0a222061"}}; /* 513: the heap */
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char headline[600];
        memset(headline, 'S', cases[c].n);
        headline[cases[c].n] = '\0';
        nw_article_t a = {0};
        a.source = "Wire";
        a.headline = headline;
        a.has_published = true;
        a.published = 1796378400; /* 2026-12-04T10:00:00Z */
        char *id = nw_article_id(&a, NULL, 0);
        assert_string_equal(id, cases[c].id);
        free(id);
    }
}

static void test_seed_html(void **state)
{
    nw_article_t a = {0};
    parse_file("seed.html", &a);
    assert_int_equal(a.format, NW_FORMAT_HTML);
    check_seed_fields(&a);
    nw_article_clear(&a);
}

static void test_same_content_hash(void **state)
{
    static const char *const variants[] = {"seed.json", "seed.html", "seed-crlf.txt"};
    nw_article_t a = {0};
    uint8_t want[32], got[32];
    parse_file("seed.txt", &a);
    nw_article_content_hash(&a, want);
    uint64_t sim = nw_article_simhash(&a);
    nw_article_clear(&a);
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        parse_file(variants[i], &a);
        nw_article_content_hash(&a, got);
        if (memcmp(want, got, 32) != 0)
            fail_msg("%s: content hash differs from the plain text's", variants[i]);
        assert_int_equal(nw_article_simhash(&a), sim);
        nw_article_clear(&a);
    }
}

static void test_simhash_near(void **state)
{
    nw_article_t a = {0};
    parse_file("seed.txt", &a);
    uint64_t h1 = nw_article_simhash(&a);
    /* One changed word in a long text moves few bits. */
    char *p = strstr(a.paragraphs[0].text, "Wednesday");
    assert_non_null(p);
    memcpy(p, "Thursday!", 9);
    uint64_t h2 = nw_article_simhash(&a);
    assert_true(__builtin_popcountll(h1 ^ h2) <= 8);
    assert_true(h1 != h2);
    nw_article_clear(&a);
}

/* Both hashes read the parts as if joined by spaces, without joining them:
 * against the joined text, with parts that are empty, missing, all
 * whitespace (wide spaces too) or padded. */
static void test_hashes_of_parts(void **state)
{
    (void)state;
    static const char *const texts[][5] = {
        {"Head", NULL, "one", "two", "three"},
        {"", "", "", "  ", "x"},
        {"  Head  line ", " \xc2\xa0 ", "p\xe2\x80\x83one", "\t\n", " last  "},
        {NULL, "Stand", "", "a b", "caf\xc3\xa9 c"},
        {" ", " ", " ", " ", " "},
    };
    for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        nw_paragraph_t paras[3] = {{0}};
        nw_article_t a = {0};
        a.headline = (char *)texts[t][0];
        a.standfirst = (char *)texts[t][1];
        for (size_t i = 0; i < 3; i++)
            paras[i].text = (char *)texts[t][2 + i];
        a.paragraphs = paras;
        a.n_paragraphs = 3;
        nw_buf_t joined = NW_BUF_INIT, norm = NW_BUF_INIT;
        for (size_t i = 0; i < 5; i++) {
            if (i)
                nw_buf_putc(&joined, ' ');
            nw_buf_puts(&joined, texts[t][i] ? texts[t][i] : "");
        }
        nw_utf8_collapse(nw_buf_str(&joined), joined.len, &norm);
        uint8_t want[32], got[32];
        nw_sha256(nw_buf_str(&norm), norm.len, want);
        nw_article_content_hash(&a, got);
        assert_memory_equal(want, got, 32);
        assert_true(nw_article_simhash(&a) == nw_simhash(nw_buf_str(&joined), joined.len));
        nw_buf_free(&joined);
        nw_buf_free(&norm);
    }
}

typedef struct bad_case {
    const char *file;
    nw_reject_t reject;
    const char *needle; /* must appear in the message */
} bad_case_t;

static void test_malformed(void **state)
{
    static const bad_case_t cases[] = {
        {"bad/empty.txt", NW_REJECT_EMPTY, "empty"},
        {"bad/whitespace.txt", NW_REJECT_EMPTY, "empty"},
        {"bad/binary.bin", NW_REJECT_BINARY, "binary"},
        {"bad/boilerplate-only.txt", NW_REJECT_NOT_AN_ARTICLE, "boilerplate"},
        {"bad/headline-only.txt", NW_REJECT_NOT_AN_ARTICLE, "no body"},
        {"bad/no-timestamp.txt", NW_REJECT_NO_TIMESTAMP, "no Published or Updated"},
        {"bad/bad-timestamp.txt", NW_REJECT_BAD_TIMESTAMP, "February 30th"},
        {"bad/truncated.json", NW_REJECT_BAD_ENVELOPE, "invalid JSON"},
        {"bad/no-text.json", NW_REJECT_BAD_ENVELOPE, "neither"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len;
        char *data = slurp(cases[i].file, &len);
        nw_article_t a = {0};
        nw_error_t err = {0};
        int rc = nw_article_parse(data, len, NULL, &a, &err);
        if (rc != NW_ERR_REJECTED || err.reject != cases[i].reject)
            fail_msg("%s: rc %d reject %s (%s)", cases[i].file, rc, nw_reject_name(err.reject),
                     err.msg);
        if (!strstr(err.msg, cases[i].needle))
            fail_msg("%s: message \"%s\" lacks \"%s\"", cases[i].file, err.msg, cases[i].needle);
        assert_null(a.headline);
        free(data);
    }
}

static void test_too_large(void **state)
{
    size_t len;
    char *seed = slurp("seed.txt", &len);
    nw_article_t a = {0};
    nw_error_t err = {0};
    nw_parse_opts_t opts = {.max_bytes = len - 1};
    assert_int_equal(nw_article_parse(seed, len, &opts, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_TOO_LARGE);
    assert_string_equal(nw_reject_name(err.reject), "too-large");
    opts.max_bytes = len;
    assert_int_equal(nw_article_parse(seed, len, &opts, &a, &err), 0);
    nw_article_clear(&a);
    /* The default limit is 1 MiB. */
    size_t big = NW_DEFAULT_MAX_MESSAGE_BYTES + 1;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    assert_int_equal(nw_article_parse(huge, big, NULL, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_TOO_LARGE);
    free(huge);
    free(seed);
}

static void test_invalid_utf8_replaced(void **state)
{
    const char text[] = "Updated December 30th, 2021 at 15:02 IST\n\nCaf\xE9 opens\n\n"
                        "The caf\xE9 opened on Thursday in Paris.\n";
    nw_article_t a = {0};
    nw_error_t err = {0};
    assert_int_equal(nw_article_parse(text, sizeof(text) - 1, NULL, &a, &err), 0);
    assert_string_equal(a.headline, "Caf\xEF\xBF\xBD opens");
    nw_article_clear(&a);
}

/* A misspelt month is an error quoting it, even when another timestamp line
 * would give the article a time: never a headline, never normalised. */
static void test_misspelt_month(void **state)
{
    const char text[] = "Updated Decmber 30th, 2021 at 15:02 IST\n\nHeadline here\n\n"
                        "Body text of the article.\n\nPublished December 30th, 2021 at 15:02 IST\n";
    nw_article_t a = {0};
    nw_error_t err = {0};
    assert_int_equal(nw_article_parse(text, sizeof(text) - 1, NULL, &a, &err), NW_ERR_REJECTED);
    assert_int_equal(err.reject, NW_REJECT_BAD_TIMESTAMP);
    assert_non_null(strstr(err.msg, "Decmber"));
    /* Prose that merely starts with the word stays prose. */
    const char prose[] = "Updated figures show 3 new cases\n\nHealth officials said on Monday "
                         "that 3 new cases were found.\n\nPublished 06:46 IST, September 25th "
                         "2024\n";
    assert_int_equal(nw_article_parse(prose, sizeof(prose) - 1, NULL, &a, &err), 0);
    assert_string_equal(a.headline, "Updated figures show 3 new cases");
    nw_article_clear(&a);
}

static void test_missing_updated_uses_published(void **state)
{
    const char text[] = "Storm hits coast\n\nA storm hit the coast on Monday.\n\n"
                        "Published 06:46 IST, September 25th 2024\n";
    nw_article_t a = {0};
    nw_error_t err = {0};
    char when[21];
    assert_int_equal(nw_article_parse(text, sizeof(text) - 1, NULL, &a, &err), 0);
    assert_false(a.has_updated);
    nw_timestamp_format(nw_article_version_time(&a), when);
    assert_string_equal(when, "2024-09-25T01:16:00Z");
    nw_article_clear(&a);
}

/* Parses a short article with `line` between its body's two paragraphs. */
static void parse_around(const char *line, nw_article_t *a)
{
    char text[512];
    nw_error_t err = {0};
    int n = snprintf(text, sizeof(text),
                     "Storm hits coast\n\nA storm hit the coast on Monday.\n\n%s\n\n"
                     "Repairs began on Tuesday.\n\nPublished 06:46 IST, September 25th 2024\n",
                     line);
    assert_true(n > 0 && (size_t)n < sizeof(text));
    if (nw_article_parse(text, (size_t)n, NULL, a, &err) != 0)
        fail_msg("'%s': %s", line, err.msg);
}

/* Each kind of boilerplate line between the body's paragraphs, in the
 * case sites print it, and prose that starts like one: the lines are told
 * by their first two letters before the labels are tried. */
static void test_marker_lines(void **state)
{
    static const struct {
        const char *line;
        const char *byline, *credit; /* what the line gives, or NULL */
        bool prose;                  /* stays in the body */
    } cases[] = {
        {"ADVERTISEMENT", NULL, NULL, false},
        {"Ad", NULL, NULL, false},
        {"Sponsored Content", NULL, NULL, false},
        {"Story continues below advertisement", NULL, NULL, false},
        {"Article continues below advertisement", NULL, NULL, false},
        {"Scroll to continue with content", NULL, NULL, false},
        {"IMAGE: AP | Image:self", NULL, "AP", false},
        {"(Photo: Reuters)", NULL, "Reuters", false},
        {"(picture credit: PTI)", NULL, "PTI", false},
        {"Pic: ANI", NULL, "ANI", false},
        {"Reported by: Priya Nair", "Priya Nair", NULL, false},
        {"WRITTEN BY Jane Doe", "Jane Doe", NULL, false},
        {"By Jane Doe and John Roe", "Jane Doe and John Roe", NULL, false},
        {"By the end of the day the river had risen again.", NULL, NULL, true},
        {"Adding to the pressure, prices rose.", NULL, NULL, true},
        {"Scrolling news tickers carried the report.", NULL, NULL, true},
        {"(Police said nothing more.)", NULL, NULL, true},
        {"A", NULL, NULL, true},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nw_article_t a = {0};
        parse_around(cases[i].line, &a);
        bool in_body = false;
        for (size_t k = 0; k < a.n_paragraphs; k++)
            in_body = in_body || strcmp(a.paragraphs[k].text, cases[i].line) == 0;
        if (in_body != cases[i].prose)
            fail_msg("'%s': in the body %d, want %d", cases[i].line, in_body, cases[i].prose);
        if (cases[i].byline)
            assert_string_equal(a.byline ? a.byline : "(none)", cases[i].byline);
        else
            assert_null(a.byline);
        if (cases[i].credit) {
            assert_int_equal(a.n_image_credits, 1);
            assert_string_equal(a.image_credits[0], cases[i].credit);
        } else {
            assert_int_equal(a.n_image_credits, 0);
        }
        nw_article_clear(&a);
    }
}

/* A body's short line is a subheading when it ends no sentence and has
 * twelve words at most. */
static void test_subheadings(void **state)
{
    static const struct {
        const char *line;
        bool subheading;
    } cases[] = {
        {"What happens next", true},
        {"What happens next?", false},
        {"\xE2\x80\x9CNo substitute for talks\xE2\x80\x9D", true},
        {"\xE2\x80\x9CNo substitute for talks.\xE2\x80\x9D", false},
        {"One two three four five six seven eight nine ten eleven twelve", true},
        {"One two three four five six seven eight nine ten eleven twelve thirteen", false},
        {"Waiting for the results\xE2\x80\xA6", false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nw_article_t a = {0};
        parse_around(cases[i].line, &a);
        size_t k = 0;
        while (k < a.n_paragraphs && strcmp(a.paragraphs[k].text, cases[i].line) != 0)
            k++;
        assert_true(k < a.n_paragraphs);
        if (a.paragraphs[k].subheading != cases[i].subheading)
            fail_msg("'%s': subheading %d", cases[i].line, a.paragraphs[k].subheading);
        nw_article_clear(&a);
    }
}

/* Blank lines end a block whether they are LF, CRLF or only whitespace,
 * and a first line that is blank or a file's last, unterminated line
 * change nothing: the reader skips LF and CRLF lines without collapsing
 * them. */
static void test_blank_lines(void **state)
{
    static const char *const texts[] = {
        "Storm hits coast\n\nA storm hit\nthe coast.\n\n\nRepairs began.\n\n"
        "Published 06:46 IST, September 25th 2024\n",
        "Storm hits coast\r\n\r\nA storm hit\r\nthe coast.\r\n\r\n\r\nRepairs began.\r\n"
        "\r\nPublished 06:46 IST, September 25th 2024\r\n",
        "\n\r\nStorm hits coast\n \t\nA storm hit\r\nthe coast.\n\xC2\xA0\n\r\nRepairs "
        "began.\n\nPublished 06:46 IST, September 25th 2024",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        nw_article_t a = {0};
        nw_error_t err = {0};
        assert_int_equal(nw_article_parse(texts[i], strlen(texts[i]), NULL, &a, &err), 0);
        assert_string_equal(a.headline, "Storm hits coast");
        assert_int_equal(a.n_paragraphs, 2);
        assert_string_equal(a.paragraphs[0].text, "A storm hit the coast.");
        assert_string_equal(a.paragraphs[1].text, "Repairs began.");
        nw_article_clear(&a);
    }
}

/* Articles of more blocks than the reader holds before it allocates (64),
 * and of as many and one fewer: every paragraph is there, in order. */
static void test_many_paragraphs(void **state)
{
    static const size_t counts[] = {1, 62, 63, 64, 65, 127, 128, 129, 300};
    (void)state;
    for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
        size_t n = counts[c];
        nw_buf_t t = NW_BUF_INIT;
        nw_buf_puts(&t, "Storm hits coast\n\nAdvertisement\n\n");
        for (size_t i = 0; i < n; i++)
            nw_buf_printf(&t, "Paragraph %zu of the story.\n%s", i,
                          i % 3 ? "\n" : "Advertisement\n\n");
        nw_buf_puts(&t, "Published 06:46 IST, September 25th 2024\n");
        assert_true(nw_buf_ok(&t));
        nw_article_t a = {0};
        nw_error_t err = {0};
        assert_int_equal(nw_article_parse(t.data, t.len, NULL, &a, &err), 0);
        assert_string_equal(a.headline, "Storm hits coast");
        assert_int_equal(a.n_paragraphs, n);
        for (size_t i = 0; i < n; i++) {
            char want[64];
            snprintf(want, sizeof(want), "Paragraph %zu of the story.", i);
            assert_string_equal(a.paragraphs[i].text, want);
            assert_int_equal(a.paragraphs[i].len, strlen(want));
        }
        nw_article_clear(&a);
        nw_buf_free(&t);
    }
}

/* The text reader's paragraphs are one allocation, in order, each text
 * with its NUL; nw_article_clear() frees it once (the sanitizer build
 * would report a double free or a leak), and an article made by hand with
 * texts of their own is cleared as before. */
static void test_paragraph_texts(void **state)
{
    const char text[] = "Storm hits coast\n\nA storm hit the coast.\n\nRepairs began.\n\n"
                        "Roads reopened.\n\nPublished 06:46 IST, September 25th 2024\n";
    nw_article_t a = {0};
    nw_error_t err = {0};
    (void)state;
    assert_int_equal(nw_article_parse(text, sizeof(text) - 1, NULL, &a, &err), 0);
    assert_int_equal(a.n_paragraphs, 3);
    assert_non_null(a.paragraph_texts);
    assert_ptr_equal(a.paragraphs[0].text, a.paragraph_texts);
    for (size_t i = 1; i < a.n_paragraphs; i++)
        assert_ptr_equal(a.paragraphs[i].text,
                         a.paragraphs[i - 1].text + strlen(a.paragraphs[i - 1].text) + 1);
    /* The parser gives each paragraph its length. */
    for (size_t i = 0; i < a.n_paragraphs; i++) {
        assert_int_equal(a.paragraphs[i].len, strlen(a.paragraphs[i].text));
        assert_int_equal(nw_paragraph_len(&a.paragraphs[i]), strlen(a.paragraphs[i].text));
    }
    assert_string_equal(a.paragraphs[2].text, "Roads reopened.");
    nw_article_clear(&a);
    assert_null(a.paragraph_texts);

    nw_paragraph_t *ps = calloc(2, sizeof(*ps));
    assert_non_null(ps);
    ps[0].text = strdup("one");
    ps[1].text = strdup("two");
    /* Made by hand, without a length: measured. */
    assert_int_equal(nw_paragraph_len(&ps[1]), 3);
    nw_article_t b = {.headline = strdup("h"), .paragraphs = ps, .n_paragraphs = 2};
    nw_article_clear(&b);
}

static void test_record_deterministic(void **state)
{
    nw_article_t a = {0};
    parse_file("seed.txt", &a);
    nw_record_meta_t meta = {.article_id = "seed-1", .version = 2, .source = {.file = "seed.txt"}};
    json_t *r1 = nw_ninjs_build(&a, &meta), *r2 = nw_ninjs_build(&a, &meta);
    char *s1 = nw_ninjs_dump(r1, false), *s2 = nw_ninjs_dump(r2, false);
    assert_string_equal(s1, s2);
    assert_non_null(strstr(s1, "\"uri\":\"urn:newswire:article:seed-1\""));
    assert_non_null(strstr(s1, "\"version\":\"2\""));
    assert_non_null(strstr(s1, "\"versioncreated\":\"2021-12-30T09:32:00Z\""));
    assert_non_null(strstr(s1, "\"image_credits\":[\"AP\"]"));
    meta.plain_ninjs = true;
    json_t *r3 = nw_ninjs_build(&a, &meta);
    assert_null(json_object_get(r3, "newswire"));
    json_decref(r1);
    json_decref(r2);
    json_decref(r3);
    free(s1);
    free(s2);
    nw_article_clear(&a);
}

/* The uri keeps an id's unreserved and sub-delimiter bytes and
 * percent-encodes the rest, whatever the byte. */
static void test_uri_of_any_id(void **state)
{
    nw_article_t a = {0};
    (void)state;
    parse_file("seed.txt", &a);
    char id[300];
    size_t n = 0;
    for (int c = 127; c > 0; c--) /* the id is the record's text too: UTF-8 */
        id[n++] = (char)c;
    memcpy(id + n, "\xc3\xa9", 3);
    n += 2;
    nw_buf_t want = NW_BUF_INIT;
    nw_buf_puts(&want, "\"uri\":\"urn:newswire:article:");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
            (c < 0x80 && strchr("-._~:/@!$&'()*+,;=", c)))
            nw_buf_putc(&want, (char)c);
        else
            nw_buf_printf(&want, "%%%02X", c);
    }
    nw_buf_putc(&want, '"');
    nw_record_meta_t meta = {.article_id = id, .version = 1, .source = {.file = "seed.txt"}};
    json_t *r = nw_ninjs_build(&a, &meta);
    char *s = nw_ninjs_dump(r, false);
    assert_non_null(strstr(s, nw_buf_str(&want)));
    free(s);
    json_decref(r);
    nw_buf_free(&want);
    nw_article_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_text),
        cmocka_unit_test(test_seed_json),
        cmocka_unit_test(test_seed_html),
        cmocka_unit_test(test_fragment_url_id),
        cmocka_unit_test(test_hashed_id),
        cmocka_unit_test(test_hashed_id_long),
        cmocka_unit_test(test_same_content_hash),
        cmocka_unit_test(test_simhash_near),
        cmocka_unit_test(test_hashes_of_parts),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_misspelt_month),
        cmocka_unit_test(test_missing_updated_uses_published),
        cmocka_unit_test(test_record_deterministic),
        cmocka_unit_test(test_uri_of_any_id),
        cmocka_unit_test(test_marker_lines),
        cmocka_unit_test(test_subheadings),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_paragraph_texts),
        cmocka_unit_test(test_many_paragraphs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
