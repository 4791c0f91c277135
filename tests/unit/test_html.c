/*
 * nw_html_to_text(): the seed article's page reduces to the seed's text,
 * character references decode, hidden subtrees vanish, metadata becomes
 * timestamp and byline lines, and broken or hostile markup degrades to text
 * without crashing or slowing down.
 *
 * Every input is copied into an allocation of exactly its length with no NUL
 * after it, so a sanitizer build catches any read past the end.
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
#include "core/utf8.h"
#include "parse/html.h"
#include "parse/html_internal.h"

static char *convert_n(const char *html, size_t len, size_t *out_len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, html, len);
    char *out = NULL;
    size_t n = 0;
    nw_error_t err = {0};
    assert_int_equal(nw_html_to_text(copy, len, &out, &n, &err), 0);
    free(copy);
    assert_non_null(out);
    assert_int_equal(out[n], '\0');
    if (out_len)
        *out_len = n;
    return out;
}

static char *convert(const char *html)
{
    size_t n;
    char *out = convert_n(html, strlen(html), &n);
    assert_int_equal(strlen(out), n);
    return out;
}

static void expect(const char *html, const char *want)
{
    char *got = convert(html);
    if (strcmp(got, want) != 0)
        print_error("input: %s\nwant: [%s]\ngot:  [%s]\n", html, want, got);
    assert_string_equal(got, want);
    free(got);
}

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", NW_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

/* Collapses whitespace (NBSP included) to single spaces and trims, in place. */
static void normalise(char *s)
{
    char *w = s;
    bool space = false;
    for (const char *r = s; *r;) {
        if (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n') {
            space = true;
            r++;
        } else if ((unsigned char)r[0] == 0xC2 && (unsigned char)r[1] == 0xA0) {
            space = true;
            r += 2;
        } else {
            if (space && w != s)
                *w++ = ' ';
            space = false;
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Splits text into its non-empty lines, normalised. Returns the count. */
static size_t lines_of(char *text, char **lines, size_t max)
{
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        normalise(line);
        if (*line && n < max)
            lines[n++] = line;
    }
    return n;
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* Output shape every conversion must have. */
static void check_layout(const char *out, size_t n)
{
    if (n == 0)
        return;
    assert_int_equal(out[n - 1], '\n');
    assert_true(out[0] != '\n' && out[0] != ' ');
    assert_true(n < 2 || out[n - 2] != '\n');
    assert_null(strstr(out, "\n\n\n"));
    assert_null(strstr(out, " \n"));
    assert_null(strstr(out, "\n "));
    assert_null(strstr(out, "  "));
}

static void test_seed_page(void **state)
{
    (void)state;
    size_t html_len, text_len, out_len;
    char *html = slurp("seed.html", &html_len);
    char *seed = slurp("seed.txt", &text_len);
    char *out = convert_n(html, html_len, &out_len);
    check_layout(out, out_len);

    /* Page chrome, code and metadata never reach the text. */
    static const char *const absent[] = {
        "Home",
        "India News",
        "Sports",
        "Search",
        "dataLayer",
        "document.write",
        "Menu",
        "not text",
        "Tracking",
        "Read more",
        "Russia warns",
        "About Us",
        "Contact Us",
        "Privacy Policy",
        "Republic World",
        "googletagmanager",
        "<",
        "&",
        "NewsArticle",
    };
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        if (strstr(out, absent[i]))
            fail_msg("\"%s\" leaked into:\n%s", absent[i], out);

    assert_true(has_line(out, "Updated December 30th, 2021 at 15:02 IST"));
    assert_true(has_line(out, "Published 2021-12-30T15:02:00+05:30"));
    assert_true(has_line(out, "Reported by: Bhavya Sukheja"));

    /* Line for line the seed article, except that the closing timestamp
     * comes from the page's metadata (the same instant, in ISO form), and
     * that the page's advertisement slots and the caption of the picture
     * inside the story lie outside the article's text (the reader drops
     * such lines from plain text too). */
    char *want[64], *got[64];
    char *out_copy = strdup(out);
    size_t n_want = lines_of(seed, want, 64), n_got = lines_of(out_copy, got, 64);
    assert_int_equal(n_want, 16);
    size_t kept = 0;
    for (size_t i = 0; i < n_want; i++)
        if (strcmp(want[i], "Advertisement") != 0 && strcmp(want[i], "(Image: AP)") != 0)
            want[kept++] = want[i];
    assert_int_equal(kept, 13);
    n_want = kept;
    assert_int_equal(n_got, n_want);
    for (size_t i = 0; i + 1 < n_want; i++) {
        if (strcmp(want[i], got[i]) != 0)
            fail_msg("line %zu:\nwant: %s\ngot:  %s", i, want[i], got[i]);
        assert_true(has_line(out, want[i]));
    }
    assert_string_equal(want[n_want - 1], "Published December 30th, 2021 at 15:02 IST");
    assert_string_equal(got[n_got - 1], "Published 2021-12-30T15:02:00+05:30");
    assert_string_equal(got[0], "Updated December 30th, 2021 at 15:02 IST");
    assert_string_equal(got[1],
                        "US, France, Germany and UK reaffirm support for Ukraine amid tensions "
                        "with Russia");

    free(out_copy);
    free(out);
    free(seed);
    free(html);
}

/* Every element is found by its name in any case, and what is not one of
 * them (other tags, a name's prefix or extension, a name too long) is
 * EL_UNKNOWN: the lookup hashes names into a table. */
static void test_element_lookup(void **state)
{
    (void)state;
    for (size_t i = 1; i < EL__COUNT; i++) {
        const char *name = nw_html_elements[i].name;
        size_t n = nw_html_elements[i].len;
        char upper[32], longer[32];
        for (size_t k = 0; k < n; k++)
            upper[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
        assert_int_equal(nw_html_element_lookup(name, n), i);
        assert_int_equal(nw_html_element_lookup(upper, n), i);
        if (n > 1)
            assert_int_equal(nw_html_element_lookup(name, n - 1) == (nw_html_el_t)i, 0);
        memcpy(longer, name, n);
        longer[n] = 'x';
        assert_int_equal(nw_html_element_lookup(longer, n + 1) == (nw_html_el_t)i, 0);
    }
    static const char *const others[] = {"span",    "em",     "time",        "strong",          "x",
                                         "h7",      "tablex", "blockquotes", "abbreviations-x", "",
                                         "\xc3\xa9"};
    for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++)
        assert_int_equal(nw_html_element_lookup(others[k], strlen(others[k])), EL_UNKNOWN);
    assert_int_equal(nw_html_element_lookup("blockquote-and-more-x", 21), EL_UNKNOWN);
}

static void test_entities(void **state)
{
    (void)state;
    expect("&amp;&lt;&gt;&quot;&apos;", "&<>\"'\n");
    expect("&#8220;x&#x201D; &#X201c;", "\u201Cx\u201D \u201C\n");
    expect("caf&eacute; &Uuml;ber na&iuml;ve &szlig; &ntilde; &AElig;&Ouml;&ccedil;",
           "caf\u00E9 \u00DCber na\u00EFve \u00DF \u00F1 \u00C6\u00D6\u00E7\n");
    expect("&euro;5 &pound;3 &yen; &cent; &copy; &reg; &trade; &deg; &middot; &bull;",
           "\u20AC5 \u00A33 \u00A5 \u00A2 \u00A9 \u00AE \u2122 \u00B0 \u00B7 \u2022\n");
    expect("&hellip;&ndash;&mdash;&laquo;&raquo;&lsquo;&rsquo;&ldquo;&rdquo;",
           "\u2026\u2013\u2014\u00AB\u00BB\u2018\u2019\u201C\u201D\n");
    expect("&#x1F600; &#65;&#x42;", "\U0001F600 AB\n");
    /* Invalid code points. */
    expect("&#0; &#xD800; &#x110000; &#99999999999999999999;", "\uFFFD \uFFFD \uFFFD \uFFFD\n");
    /* windows-1252 bytes written as references. */
    expect("&#150; &#147;q&#148;", "\u2013 \u201Cq\u201D\n");
    /* Unknown or malformed references stay as written. */
    expect("AT&T &foo; &amp &#; &#x; &#12 &; & x &#xZZ; &copy2024",
           "AT&T &foo; &amp &#; &#x; &#12 &; & x &#xZZ; &copy2024\n");
    /* &nbsp; (and a raw U+00A0) is whitespace. */
    expect("a&nbsp;&nbsp;b&#160;c \xC2\xA0 d&nbsp;", "a b c d\n");
    expect("&lt;p&gt;not a tag&lt;/p&gt;", "<p>not a tag</p>\n");
    /* The name table is binary-searched: names across it must all be found. */
    static const char *const names[] = {"AElig", "Aacute", "ETH",    "Uuml",  "Zcaron", "amp",
                                        "bull",  "eth",    "hellip", "mdash", "nbsp",   "quot",
                                        "rsquo", "szlig",  "thinsp", "yuml",  "zwnj"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!nw_html_entity_lookup(names[i], strlen(names[i])))
            fail_msg("&%s; not found", names[i]);
    assert_int_equal(nw_html_entity_lookup("ampx", 4), 0);
    assert_int_equal(nw_html_entity_lookup("am", 2), 0);
    /* Before the first name, after the last, empty, another case, a NUL
     * inside: none is a name. */
    assert_int_equal(nw_html_entity_lookup("AA", 2), 0);
    assert_int_equal(nw_html_entity_lookup("zzzz", 4), 0);
    assert_int_equal(nw_html_entity_lookup("", 0), 0);
    assert_int_equal(nw_html_entity_lookup("AMP", 3), 0);
    assert_int_equal(nw_html_entity_lookup("amp\0", 4), 0);
    assert_int_equal(nw_html_entity_lookup("amp", 3), '&');
    assert_int_equal(nw_html_entity_lookup("zwnj", 4), 0x200C);
    assert_int_equal(nw_html_entity_lookup("AElig", 5), 0x00C6);
}

/* A run of words with something that ends write_text()'s plain run put at
 * every offset of its 16-byte steps: the text is the words with it read
 * and the whitespace collapsed. */
static void test_text_runs_at_every_offset(void **state)
{
    (void)state;
    static const char *const stops[][2] = {{"  ", " "},
                                           {"\t", " "},
                                           {"\n", " "},
                                           {" \r\n ", " "},
                                           {"&amp;", "&"},
                                           {"\xC2\xA0", " "},
                                           {"\xC3\xA9", "\xC3\xA9"},
                                           {"&nbsp;", " "},
                                           {"\xC2\xAB", "\xC2\xAB"},
                                           {" x ", " x "},
                                           {" &amp;", " &"},
                                           {" \xC2\xA0x", " x"}};
    const char base[] = "one two three four five six seven eight nine ten eleven twelve";
    for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
        for (size_t off = 0; off < sizeof(base); off++) {
            nw_buf_t html = NW_BUF_INIT, text = NW_BUF_INIT, want = NW_BUF_INIT;
            nw_buf_puts(&html, "<p>");
            nw_buf_append(&html, base, off);
            nw_buf_puts(&html, stops[k][0]);
            nw_buf_puts(&html, base + off);
            nw_buf_puts(&html, "</p>");
            nw_buf_append(&text, base, off);
            nw_buf_puts(&text, stops[k][1]);
            nw_buf_puts(&text, base + off);
            nw_utf8_collapse(nw_buf_str(&text), text.len, &want);
            nw_buf_putc(&want, '\n');
            expect(nw_buf_str(&html), nw_buf_str(&want));
            nw_buf_free(&html);
            nw_buf_free(&text);
            nw_buf_free(&want);
        }
    }
}

static void test_blocks(void **state)
{
    (void)state;
    expect("<p>  a \n\t b </p><p></p><div> </div><p>c</p>", "a b\n\nc\n");
    expect("<p>a<br>b</p>", "a\nb\n");
    expect("a <br/> <br> <br>b", "a\n\nb\n");
    expect("<p>x<span>y</span> <b>z</b></p>", "xy z\n");
    expect("<ul><li>one<li>two</ul>", "one\n\ntwo\n");
    expect("<div>x<div>y</div>z</div>", "x\n\ny\n\nz\n");
    expect("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\n\nc\n");
    expect("<h2>Sub</h2>text<hr>more", "Sub\n\ntext\n\nmore\n");
    expect("<p>in <time datetime=x>May 1</time> at</p>", "in May 1 at\n");
    expect("<blockquote>q</blockquote><figure><img src=x><figcaption>cap</figcaption></figure>",
           "q\n\ncap\n");
    expect("<DIV>Upper</DIV><P>case</P>", "Upper\n\ncase\n");
    expect("<pre>  a\n\n  b  </pre>", "a b\n");
    expect("  \n\t  ", "");
    expect("<p></p><div><br></div>", "");
}

static void test_dropped(void **state)
{
    (void)state;
    expect("<p>keep</p><nav>menu<nav>inner</nav>still menu</nav><p>after</p>", "keep\n\nafter\n");
    expect("<script>var a = '</p>'; if (a<b) {}</SCRIPT >x", "x\n");
    expect("<style>p{}</style><noscript>ns</noscript><template><p>t</p></template>"
           "<svg><text>s</text></svg>y",
           "y\n");
    expect("<aside>a</aside><form><input><button>Go</button>form text</form>"
           "<iframe src=x>if</iframe><footer>f</footer>z",
           "z\n");
    expect("<p>a<button>Share</button>b</p>", "ab\n");
    /* Unclosed dropped elements end with an ancestor, <main> or </body>. */
    expect("<article><p>a</p><aside>x</article><p>b</p>", "a\n\nb\n");
    expect("<nav>menu<main><p>story</p></main>", "story\n");
    expect("<body><p>a</p><aside>related<p>b</body><p>after", "a\n\nafter\n");
    expect("<div><nav>menu</div><p>text</p>", "text\n");
    /* <head> shows nothing; visible text or a body element ends it. (The
     * <title> comes back as the first line of a page without an <h1>.) */
    expect("<head><title>Title</title></head><body><h1>x</h1></body>", "x\n");
    expect("<head><title>T</title>hello", "T\n\nhello\n");
    expect("<head><title>T</title><p>visible", "T\n\nvisible\n");
    expect("<title>unterminated<p>x</p>", "x\n");
    /* A form that wraps the article is kept; a form beside it is not. */
    expect("<form><h1>H</h1><p>b</p></form><form><p>Subscribe</p></form>", "H\n\nb\n");
    expect("<p>a</p><form><p>Subscribe</p></form><p>b</p>", "a\n\nb\n");
}

static void test_metadata(void **state)
{
    (void)state;
    expect("<meta property=\"article:modified_time\" content=\"2024-01-02T03:04:05Z\">"
           "<meta property='article:published_time' content=2024-01-01T00:00:00Z>"
           "<h1>H</h1><p>body</p>",
           "Updated 2024-01-02T03:04:05Z\n\nH\n\nbody\n\nPublished 2024-01-01T00:00:00Z\n");
    /* The byline goes after the first <h1>, wherever that is. */
    expect("<meta name=\"author\" content=\"Jane Doe\"><p>Kicker</p><h1>Head</h1><p>Body</p>",
           "Kicker\n\nHead\n\nReported by: Jane Doe\n\nBody\n");
    expect("<meta name=author content=J><h1>Head<br>Sub</h1>x",
           "Head\nSub\n\nReported by: J\n\nx\n");
    /* ... or after the first block when there is no <h1>. */
    expect("<meta name=author content=J><p>Head</p><p>b</p>", "Head\n\nReported by: J\n\nb\n");
    /* A visible byline wins. */
    expect("<meta name=author content=Jane><h1>H</h1><p>By Jane Doe</p><p>b</p>",
           "H\n\nBy Jane Doe\n\nb\n");
    expect("<meta name=author content=Jane><h1>H</h1><p>Reported by: Jane</p><p>b</p>",
           "H\n\nReported by: Jane\n\nb\n");
    /* Attribute order and case, entities in values, first value wins. */
    expect("<META CONTENT=\"J&eacute;r&ocirc;me &amp;  Co\" NAME=\"Author\">"
           "<meta name=author content=Other><h1>H</h1>",
           "H\n\nReported by: J\u00E9r\u00F4me & Co\n");
    expect("<meta property=article:published_time content=\"  2020-01-01 \">"
           "<meta property=article:published_time content=\"2021-01-01\">",
           "Published 2020-01-01\n");
    /* Not a byline: a profile URL; empty values are ignored. */
    expect("<meta name=author content=\"https://facebook.com/x\"><h1>H</h1>", "H\n");
    expect("<meta name=author content=\"\"><meta property=article:modified_time content=' "
           "'><h1>H</h1>",
           "H\n");
    /* Metadata inside <body> counts too. */
    expect("<body><p>x</p><meta property=article:published_time content=T></body>",
           "x\n\nPublished T\n");
}

static void test_malformed(void **state)
{
    (void)state;
    expect("<p>unclosed <b>bold <i>it<p>next", "unclosed bold it\n\nnext\n");
    expect("a < b and 3<4 and x<y", "a < b and 3<4 and x<y\n");
    expect("<p class=lead id=x data-n = 3>unquoted</p>", "unquoted\n");
    expect("<a title=\"a > b\" onclick='x>y'>link</a> text", "link text\n");
    expect("before<!-- never closed", "before\n");
    expect("a<!-- x > b", "a b\n");
    expect("a<!---->b<!-->c<!--->d", "abcd\n");
    expect("<p>before</p><script>var x = 1; <p>never", "before\n");
    expect("<p>before</p><style>p {", "before\n");
    expect("<a href='unterminated>text</a> more", "text more\n");
    expect("<p>x</p></>", "x\n");
    expect("<!DOCTYPE html><?xml version='1.0'?><p>x</p>", "x\n");
    expect("<![CDATA[a < b & c]]>", "a < b & c\n");
    expect("<![CDATA[no end", "<![CDATA[no end\n");
    expect("<p>a</p><", "a\n\n<\n");
    expect("<p>trailing <b", "trailing <b\n");
    expect("</div></div></nav></p>text", "text\n");
    expect("<svg><path d='M0'/>unclosed svg<p>x", "unclosed svg\n\nx\n");
    expect("<img src=x alt='a\"b' /><br/>t", "t\n");
    expect("<p\n class=\"x\"\n>multi-line tag</p\n>", "multi-line tag\n");
}

static void test_samples(void **state)
{
    (void)state;
    size_t len, n;
    char *html = slurp("html/no_byline.html", &len);
    char *out = convert_n(html, len, &n);
    assert_string_equal(out, "Updated 2024-06-15T17:55:00+05:30\n\n"
                             "Heatwave grips northern India as power demand hits record\n\n"
                             "Reported by: Priya Sharma\n\n"
                             "Temperatures crossed 45\u00B0C in six states on Saturday.\n\n"
                             "Electricity demand in the northern grid reached a record on "
                             "Saturday afternoon, officials said, as temperatures stayed above "
                             "45\u00B0C for a fifth day.\n\n"
                             "\u201CWe are managing the load,\u201D a grid operator said.\n\n"
                             "Published 2024-06-15T09:10:00+05:30\n");
    free(out);
    free(html);

    html = slurp("html/form_wrapped.html", &len);
    out = convert_n(html, len, &n);
    assert_string_equal(out, "City council approves new budget\n\n"
                             "The council voted 7\u20132 on Tuesday to approve the budget.\n\n"
                             "The plan raises spending on roads by 4%.\n\n"
                             "Local Times\n\n"
                             "Published 2023-03-02T08:00:00Z\n");
    free(out);
    free(html);

    html = slurp("html/broken.html", &len);
    out = convert_n(html, len, &n);
    assert_string_equal(out, "Storm hits the coast\n\n"
                             "By Ana Ruiz\n\n"
                             "Winds of 120 km/h knocked down trees; a < b and 3<4 said the "
                             "forecaster.\n\n"
                             "Schools close AT&T &amp co &unknown; today &copy 2024\n\n"
                             "Trailing text after body\n");
    free(out);
    free(html);
}

/* Every prefix of a page is a valid input (a truncated download). */
static void test_prefixes(void **state)
{
    (void)state;
    static const char *const files[] = {"html/broken.html", "html/no_byline.html",
                                        "html/form_wrapped.html", "seed.html"};
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len, n;
        char *html = slurp(files[f], &len);
        size_t step = len > 2000 ? 3 : 1;
        for (size_t k = 0; k <= len; k += step) {
            char *out = convert_n(html, k, &n);
            check_layout(out, n);
            free(out);
        }
        free(html);
    }
}

/* A megabyte of each pathological pattern finishes (linear scanning). */
static void test_adversarial(void **state)
{
    (void)state;
    static const char *const patterns[] = {
        "<",
        "<a",
        "<div>",
        "</div>",
        "<nav>",
        "&",
        "&#x",
        "&#9999999999",
        "<!--",
        "<![CDATA[",
        "<a x='",
        "<a x='>'",
        "<script>",
        "<title>",
        "</",
        "<p>",
        "<h1>",
        "<br>",
        "<div><aside>",
        "\xC2\xA0",
        "<!",
        "<form>",
        "<main><nav>",
        "<svg>",
        "<p a=\">\">x",
        "<x y=' z=\">",
        "a ",
    };
    const size_t size = 1 << 20;
    char *buf = malloc(size);
    assert_non_null(buf);
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        size_t plen = strlen(patterns[i]);
        for (size_t k = 0; k < size; k++)
            buf[k] = patterns[i][k % plen];
        size_t n;
        char *out = convert_n(buf, size, &n);
        assert_true(n <= size + 64);
        check_layout(out, n);
        free(out);
    }
    /* Deep nesting, then as many closes. */
    size_t len = 0;
    while (len + 12 <= size / 2) {
        memcpy(buf + len, "<div><aside>", 12);
        len += 12;
    }
    while (len + 6 <= size) {
        memcpy(buf + len, "</div>", 6);
        len += 6;
    }
    size_t n;
    char *out = convert_n(buf, len, &n);
    free(out);
    free(buf);
}

/* nw_html_to_bufs() into the same two buffers page after page, reset in
 * between, gives what nw_html_to_texts() gives in new allocations; the
 * scanner's scratch buffer passes from a long page (past the 1 MB a thread
 * keeps) to short ones and back. */
static void test_bufs_reused(void **state)
{
    (void)state;
    static const char *const files[] = {
        "seed.html", "html/broken.html",       "html/no_byline.html",
        NULL,        "html/form_wrapped.html", "seed.html"};
    const size_t big = (1 << 20) + 4096;
    nw_buf_t text = NW_BUF_INIT, whole = NW_BUF_INIT;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len;
        char *html;
        if (files[f]) {
            html = slurp(files[f], &len);
        } else {
            len = big;
            html = malloc(len);
            assert_non_null(html);
            for (size_t k = 0; k < len; k++)
                html[k] = "<p>word one</p>"[k % 15];
        }
        char *out = NULL, *all = NULL;
        size_t n = 0, all_n = 0;
        assert_int_equal(nw_html_to_texts(html, len, &out, &n, &all, &all_n, NULL), 0);
        nw_buf_reset(&text);
        nw_buf_reset(&whole);
        assert_int_equal(nw_html_to_bufs(html, len, &text, &whole, NULL), 0);
        assert_int_equal(text.len, n);
        assert_int_equal(whole.len, all_n);
        assert_memory_equal(nw_buf_str(&text), out, n + 1);
        assert_memory_equal(nw_buf_str(&whole), all, all_n + 1);
        nw_buf_reset(&text);
        assert_int_equal(nw_html_to_bufs(html, len, &text, NULL, NULL), 0);
        assert_int_equal(text.len, n);
        assert_memory_equal(nw_buf_str(&text), out, n + 1);
        free(out);
        free(all);
        free(html);
    }
    nw_buf_free(&text);
    nw_buf_free(&whole);
}

static void test_empty(void **state)
{
    (void)state;
    size_t n = 99;
    char *out = convert_n("", 0, &n);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
    free(out);

    out = NULL;
    assert_int_equal(nw_html_to_text(NULL, 0, &out, &n, NULL), 0);
    assert_non_null(out);
    assert_int_equal(n, 0);
    free(out);

    nw_error_t err = {0};
    assert_int_equal(nw_html_to_text("<p>", 3, NULL, &n, &err), NW_ERR_INVALID);
    assert_int_equal(err.code, NW_ERR_INVALID);

    expect("<html><head></head><body><nav>x</nav></body></html>", "");
    expect("<!-- only a comment -->", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_page),   cmocka_unit_test(test_element_lookup),
        cmocka_unit_test(test_entities),    cmocka_unit_test(test_text_runs_at_every_offset),
        cmocka_unit_test(test_blocks),      cmocka_unit_test(test_dropped),
        cmocka_unit_test(test_metadata),    cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_samples),     cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_adversarial), cmocka_unit_test(test_bufs_reused),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
