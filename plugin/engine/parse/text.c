/*
 * The plain-text article reader.
 *
 * Scraped article text has a recognisable shape (see the seed article): a
 * timestamp line, the headline, a standfirst, a byline, image credits and
 * "Advertisement" lines scattered through, body paragraphs with short
 * subheadings, and a closing timestamp line. This reader normalises each
 * line's whitespace, classifies it (boilerplate or content), groups content
 * lines into paragraphs and assigns the paragraphs their roles.
 *
 * The roles come from position: the first paragraph is the headline; the
 * second is the standfirst when it comes before the first boilerplate line
 * (byline, credit, advertisement) and more text follows; the rest is body.
 */
#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "core/buf.h"
#include "core/scratch.h"
#include "core/utf8.h"
#include "parse/parse.h"

typedef enum line_kind {
    LINE_BLANK,
    LINE_CONTENT,
    LINE_TIMESTAMP,
    LINE_ADVERT,
    LINE_BYLINE,
    LINE_CREDIT,
} line_kind_t;

/* The blocks a reader holds before it allocates room for more. */
#define READER_BLOCKS 64

typedef struct block {
    size_t off, len;   /* its text in the reader's text buffer */
    bool after_marker; /* a byline, credit or advertisement came before it */
} block_t;

/*
 * Every line is collapsed straight onto the end of one text buffer, the
 * per-thread scratch one, where the blocks' text is kept: a content line
 * stays there (after a joining space when it continues the open block),
 * any other line is cut off again. Each paragraph was a buffer of its own
 * growing from 64 bytes, and each line was collapsed into another buffer
 * and then copied; a paragraph is now one allocation of its exact size.
 */
typedef struct reader {
    nw_buf_t *text;
    bool kept; /* the line just read is content and stays in text */
    /* The blocks: at first the caller's array of READER_BLOCKS (most
     * articles have fewer), then an allocation of the reader's. */
    block_t *blocks, *first_blocks;
    size_t n_blocks, cap_blocks;
    bool in_block;
    bool marker_seen;
    char *byline;
    char **credits;
    size_t n_credits;
    bool oom;
    nw_error_t *bad; /* lenient mode: where an unreadable timestamp line goes */
    nw_error_t *bad_scratch;
} reader_t;

/* The labels and words compared below are ASCII and none is empty; each
 * line is tried against every label (see core/ascii.h). */
static const char *const advert_lines[] = {
    "advertisement",
    "advertisements",
    "advertisement:",
    "ad",
    "sponsored",
    "sponsored content",
    "story continues below advertisement",
    "article continues below advertisement",
    "advertisement - scroll to continue",
    "scroll to continue with content",
};

static bool is_advert(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(advert_lines) / sizeof(advert_lines[0]); i++)
        if (nw_ascii_ieq(s, len, advert_lines[i]))
            return true;
    return false;
}

/* Labels that introduce an image credit, as in "IMAGE: AP | Image:self". */
static const char *const credit_labels[] = {
    "image credit:", "photo credit:", "picture credit:", "image:", "photo:",
    "picture:",      "images:",       "photos:",         "pic:",
};

/* If s[0..len) is a credit line, returns the label's length, else 0. */
static size_t credit_label(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(credit_labels) / sizeof(credit_labels[0]); i++)
        if (nw_ascii_iprefix(s, len, credit_labels[i]))
            return strlen(credit_labels[i]);
    return 0;
}

static void trim(const char **s, size_t *len)
{
    while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t'))
        (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* A credit line: "IMAGE: AP | Image:self" or "(Image: AP)". Sets the credit
 * text (up to the first '|') in *credit. */
static bool is_credit(const char *s, size_t len, const char **credit, size_t *credit_len)
{
    if (len > 160)
        return false;
    if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
        s++;
        len -= 2;
    }
    size_t label = credit_label(s, len);
    if (!label)
        return false;
    const char *c = s + label;
    size_t n = len - label;
    const char *bar = memchr(c, '|', n);
    if (bar)
        n = (size_t)(bar - c);
    trim(&c, &n);
    *credit = c;
    *credit_len = n;
    return true;
}

static bool is_capitalised_name(const char *s, size_t len)
{
    /* "By Jane Doe and John Roe": few words, each capitalised or a joiner. */
    size_t words = 0, i = 0;
    while (i < len) {
        while (i < len && s[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (i == start)
            break;
        words++;
        bool upper = isupper((unsigned char)s[start]) || (unsigned char)s[start] >= 0x80;
        bool joiner =
            nw_ascii_ieq(s + start, i - start, "and") || nw_ascii_ieq(s + start, i - start, "de") ||
            nw_ascii_ieq(s + start, i - start, "van") ||
            nw_ascii_ieq(s + start, i - start, "von") || nw_ascii_ieq(s + start, i - start, "le") ||
            nw_ascii_ieq(s + start, i - start, "la");
        if (!upper && !joiner)
            return false;
    }
    return words >= 1 && words <= 6 && s[len - 1] != '.';
}

static const char *const byline_labels[] = {
    "reported by:", "reported by ", "written by:", "written by ", "by:", "by "};

/* A byline: "Reported by: NAME", "Written by NAME", "By NAME". */
static bool is_byline(const char *s, size_t len, const char **name, size_t *name_len)
{
    for (size_t i = 0; i < sizeof(byline_labels) / sizeof(byline_labels[0]); i++) {
        if (!nw_ascii_iprefix(s, len, byline_labels[i]))
            continue;
        size_t n = strlen(byline_labels[i]);
        const char *v = s + n;
        size_t vl = len - n;
        trim(&v, &vl);
        if (vl == 0 || vl > 100)
            return false;
        /* A bare "By ..." could open a sentence ("By the end of ..."). */
        if (i >= 4 && !is_capitalised_name(v, vl))
            return false;
        *name = v;
        *name_len = vl;
        return true;
    }
    return false;
}

/* marker_second[c0]: bit k is set when some advertisement, credit or
 * byline line can start with byte c0, folded, then the letter 'a' + k in
 * either case; "(Image: AP)" starts with the bracket and a credit label's
 * first letter. Every label has letters for its first two bytes. Most
 * content lines start with no such pair (a common first letter is not
 * enough: "Asked ...", "Police ...") and skip the three tests, which try
 * every label in turn. Built from the label lists once, so that it cannot
 * miss a label added to them. */
static uint32_t marker_second[256];
static pthread_once_t marker_once = PTHREAD_ONCE_INIT;

static void mark_pair(unsigned char c0, unsigned char c1)
{
    c0 = nw_ascii_lower(c0);
    c1 = nw_ascii_lower(c1);
    if (c1 >= 'a' && c1 <= 'z')
        marker_second[c0] |= 1u << (c1 - 'a');
}

static void mark_labels(const char *const *labels, size_t n, bool bracket)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *l = (const unsigned char *)labels[i];
        if (bracket)
            mark_pair('(', l[0]);
        else
            mark_pair(l[0], l[1]);
    }
}

static void marker_init(void)
{
    size_t n_credit = sizeof(credit_labels) / sizeof(credit_labels[0]);
    mark_labels(advert_lines, sizeof(advert_lines) / sizeof(advert_lines[0]), false);
    mark_labels(credit_labels, n_credit, false);
    mark_labels(credit_labels, n_credit, true);
    mark_labels(byline_labels, sizeof(byline_labels) / sizeof(byline_labels[0]), false);
}

/* Whether s[0, len) can be an advertisement, credit or byline line: none
 * is shorter than two bytes. */
static bool maybe_marker(const char *s, size_t len)
{
    if (len < 2)
        return false;
    unsigned char c1 = nw_ascii_lower((unsigned char)s[1]);
    uint32_t bits = marker_second[nw_ascii_lower((unsigned char)s[0])];
    return c1 >= 'a' && c1 <= 'z' && (bits >> (c1 - 'a') & 1);
}

static void end_block(reader_t *r)
{
    r->in_block = false;
}

/* s is the line at the end of r->text, after the joining space when a
 * block is open: only the blocks' extents change. */
static void add_content(reader_t *r, const char *s, size_t len)
{
    r->kept = true;
    if (!r->in_block) {
        if (r->n_blocks == r->cap_blocks) {
            size_t cap = r->cap_blocks * 2;
            block_t *b = r->blocks == r->first_blocks ? malloc(cap * sizeof(*b))
                                                      : realloc(r->blocks, cap * sizeof(*b));
            if (!b) {
                r->oom = true;
                return;
            }
            if (r->blocks == r->first_blocks)
                memcpy(b, r->blocks, r->n_blocks * sizeof(*b));
            r->blocks = b;
            r->cap_blocks = cap;
        }
        block_t *b = &r->blocks[r->n_blocks++];
        b->off = (size_t)(s - r->text->data);
        b->len = len;
        b->after_marker = r->marker_seen;
        r->in_block = true;
    } else {
        r->blocks[r->n_blocks - 1].len += 1 + len;
    }
}

static void add_credit(reader_t *r, const char *s, size_t len)
{
    if (len == 0)
        return;
    for (size_t i = 0; i < r->n_credits; i++)
        if (strlen(r->credits[i]) == len && memcmp(r->credits[i], s, len) == 0)
            return;
    char **c = realloc(r->credits, (r->n_credits + 1) * sizeof(*c));
    if (!c) {
        r->oom = true;
        return;
    }
    r->credits = c;
    if (!(c[r->n_credits] = strndup(s, len))) {
        r->oom = true;
        return;
    }
    r->n_credits++;
}

/*
 * A line that reads like a timestamp line the classifier could not place,
 * most often for a misspelt month ("Updated Decmber 30th, 2021 at 15:02
 * IST"): a label, then a few words with a digit and no sentence ending. It
 * goes to the timestamp parser, which rejects it quoting the bad word,
 * rather than becoming the headline of an article with a wrong time.
 */
static nw_ts_label_t garbled_timestamp(const char *s, size_t len, size_t *rest)
{
    static const struct {
        const char *label;
        nw_ts_label_t kind;
    } labels[] = {
        {"last updated:", NW_TS_UPDATED}, {"last updated", NW_TS_UPDATED},
        {"updated on", NW_TS_UPDATED},    {"updated:", NW_TS_UPDATED},
        {"updated", NW_TS_UPDATED},       {"published on", NW_TS_PUBLISHED},
        {"published:", NW_TS_PUBLISHED},  {"published", NW_TS_PUBLISHED},
    };
    if (len > 60 || s[len - 1] == '.' || s[len - 1] == '!' || s[len - 1] == '?')
        return NW_TS_NONE;
    /* The labels' first letters: most short lines start with none of them. */
    unsigned char c0 = nw_ascii_lower((unsigned char)s[0]);
    if (c0 != 'l' && c0 != 'u' && c0 != 'p')
        return NW_TS_NONE;
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (!nw_ascii_iprefix(s, len, labels[i].label))
            continue;
        size_t n = strlen(labels[i].label);
        if (len == n || s[n] != ' ')
            continue;
        /* Time-like: a clock (9:41) or a year-like run of four digits. */
        size_t words = 0, run = 0;
        bool timelike = false;
        for (size_t j = n; j < len; j++) {
            bool digit = isdigit((unsigned char)s[j]) != 0;
            run = digit ? run + 1 : 0;
            timelike = timelike || run == 4 ||
                       (s[j] == ':' && j > n && j + 2 < len && isdigit((unsigned char)s[j - 1]) &&
                        isdigit((unsigned char)s[j + 1]) && isdigit((unsigned char)s[j + 2]));
            words += s[j] == ' ';
        }
        if (!timelike || words > 8)
            return NW_TS_NONE;
        *rest = n + 1;
        return labels[i].kind;
    }
    return NW_TS_NONE;
}

/* Handles one normalised line. Returns 0 or a rejection. */
static int take_line(reader_t *r, const char *s, size_t len, const nw_zone_table_t *zones,
                     nw_article_t *a, nw_error_t *err)
{
    const char *v;
    size_t vl, rest;
    if (len == 0) {
        end_block(r);
        return 0;
    }
    /* Timestamp lines are short; a long line starting with "Published" is prose. */
    nw_ts_label_t label = len <= 100 ? nw_timestamp_label(s, len, &rest) : NW_TS_NONE;
    if (label == NW_TS_NONE)
        label = garbled_timestamp(s, len, &rest);
    if (label != NW_TS_NONE) {
        int64_t t;
        int rc = nw_timestamp_parse(s + rest, len - rest, zones, &t, r->bad ? r->bad_scratch : err);
        if (rc == NW_ERR_REJECTED && r->bad) {
            if (r->bad->reject == NW_REJECT_NONE)
                *r->bad = *r->bad_scratch;
            end_block(r);
            return 0;
        }
        if (rc < 0) {
            if (r->bad && err)
                *err = *r->bad_scratch;
            return rc;
        }
        if (label == NW_TS_UPDATED && !a->has_updated) {
            a->updated = t;
            a->has_updated = true;
        } else if (label == NW_TS_PUBLISHED && !a->has_published) {
            a->published = t;
            a->has_published = true;
        }
        end_block(r);
        return 0;
    }
    if (!maybe_marker(s, len)) {
        add_content(r, s, len);
        return 0;
    }
    if (is_advert(s, len)) {
        r->marker_seen = true;
        end_block(r);
        return 0;
    }
    if (is_credit(s, len, &v, &vl)) {
        add_credit(r, v, vl);
        r->marker_seen = true;
        end_block(r);
        return 0;
    }
    if (is_byline(s, len, &v, &vl)) {
        if (!r->byline && !(r->byline = strndup(v, vl)))
            r->oom = true;
        r->marker_seen = true;
        end_block(r);
        return 0;
    }
    add_content(r, s, len);
    return 0;
}

/* A short line without closing punctuation inside the body is a subheading. */
static bool looks_like_subheading(const char *s, size_t len)
{
    if (len == 0 || len > 120)
        return false;
    /* The closing punctuation first (most paragraphs end a sentence, and
     * then their words need no counting): step back over closing quotes to
     * the last real character. */
    size_t end = len;
    for (;;) {
        if (end >= 3 && (memcmp(s + end - 3, "\xE2\x80\x9D", 3) == 0 ||
                         memcmp(s + end - 3, "\xE2\x80\x99", 3) == 0)) {
            end -= 3;
        } else if (end >= 1 && (s[end - 1] == '"' || s[end - 1] == '\'')) {
            end -= 1;
        } else {
            break;
        }
    }
    if (end == 0)
        return false;
    if (end >= 3 && memcmp(s + end - 3, "\xE2\x80\xA6", 3) == 0) /* ellipsis */
        return false;
    if (strchr(".!?:;,", s[end - 1]) != NULL)
        return false;
    size_t words = 1;
    for (size_t i = 0; i < len && words <= 12; i++)
        words += s[i] == ' ';
    return words <= 12;
}

static char *block_text(const reader_t *r, const block_t *b)
{
    return nw_memdup_str(r->text->data + b->off, b->len);
}

static void reader_free(reader_t *r)
{
    if (r->blocks != r->first_blocks)
        free(r->blocks);
    free(r->byline);
    for (size_t i = 0; i < r->n_credits; i++)
        free(r->credits[i]);
    free(r->credits);
}

static int assign_roles(reader_t *r, nw_article_t *a, nw_error_t *err)
{
    size_t first_body = 1;
    if (r->n_blocks >= 3 && !r->blocks[1].after_marker && r->marker_seen)
        first_body = 2;
    a->headline = block_text(r, &r->blocks[0]);
    if (first_body == 2)
        a->standfirst = block_text(r, &r->blocks[1]);
    a->n_paragraphs = r->n_blocks - first_body;
    /* The paragraphs' texts, each with its NUL, in one allocation that
     * the article owns (paragraph_texts): an article has a dozen or more
     * paragraphs, and each was an allocation and a free of its own. */
    size_t total = 0;
    for (size_t i = first_body; i < r->n_blocks; i++)
        total += r->blocks[i].len + 1;
    a->paragraphs = calloc(a->n_paragraphs, sizeof(*a->paragraphs));
    a->paragraph_texts = malloc(total);
    if (!a->headline || (first_body == 2 && !a->standfirst) || !a->paragraphs ||
        !a->paragraph_texts)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    char *d = a->paragraph_texts;
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        nw_paragraph_t *p = &a->paragraphs[i];
        const block_t *b = &r->blocks[first_body + i];
        memcpy(d, r->text->data + b->off, b->len);
        d[b->len] = '\0';
        /* The reader's text holds no NUL (its callers give it clean or
         * sanitised text), so the block's length is the text's strlen(). */
        assert(!memchr(d, '\0', b->len));
        p->text = d;
        p->len = b->len;
        d += b->len + 1;
        p->subheading = looks_like_subheading(p->text, b->len);
    }
    a->byline = r->byline;
    r->byline = NULL;
    a->image_credits = r->credits;
    a->n_image_credits = r->n_credits;
    r->credits = NULL;
    r->n_credits = 0;
    return 0;
}

static int text_parse(const char *text, size_t len, const nw_zone_table_t *zones, nw_article_t *a,
                      nw_error_t *bad, nw_error_t *err)
{
    reader_t r;
    nw_error_t scratch;
    /* On the stack: the array was an allocation and a free a message, and
     * few articles outgrow it. */
    block_t first_blocks[READER_BLOCKS];
    memset(&r, 0, sizeof(r));
    memset(&scratch, 0, sizeof(scratch));
    r.blocks = r.first_blocks = first_blocks;
    r.cap_blocks = READER_BLOCKS;
    r.bad = bad;
    r.bad_scratch = &scratch;
    pthread_once(&marker_once, marker_init);
    nw_buf_t own = NW_BUF_INIT;
    r.text = nw_scratch_get(NW_SCRATCH_TEXT, &own);
    int rc = 0;
    size_t i = 0;
    /* Skip a byte-order mark. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && rc == 0) {
        /* A blank line (about every other line of an article) only ends
         * the open block: what collapsing it and taking it would do. */
        size_t blank = text[i] == '\n'                                         ? 1
                       : text[i] == '\r' && i + 1 < len && text[i + 1] == '\n' ? 2
                                                                               : 0;
        if (blank) {
            end_block(&r);
            i += blank;
            continue;
        }
        size_t mark = r.text->len;
        if (r.in_block)
            nw_buf_putc(r.text, ' ');
        size_t at = r.text->len;
        size_t end = i + nw_utf8_collapse_line(text + i, len - i, r.text);
        if (!nw_buf_ok(r.text) || r.oom) {
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
            break;
        }
        r.kept = false;
        rc = take_line(&r, r.text->data + at, r.text->len - at, zones, a, err);
        if (!r.kept) {
            r.text->len = mark;
            r.text->data[mark] = '\0';
        }
        i = end + 1;
    }
    if (rc == 0 && r.oom)
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    if (rc == 0 && r.n_blocks == 0)
        rc = nw_error_reject(err, NW_REJECT_NOT_AN_ARTICLE,
                             "no headline or body text left after removing boilerplate");
    if (rc == 0 && r.n_blocks == 1)
        rc = nw_error_reject(err, NW_REJECT_NOT_AN_ARTICLE,
                             "only a headline, no body text, after removing boilerplate");
    if (rc == 0 && !bad && !a->has_published && !a->has_updated)
        rc = nw_error_reject(err, NW_REJECT_NO_TIMESTAMP,
                             "no Published or Updated time in the article");
    if (rc == 0)
        rc = assign_roles(&r, a, err);
    reader_free(&r);
    nw_scratch_put(r.text, &own);
    return rc;
}

int nw_text_parse(const char *text, size_t len, const nw_zone_table_t *zones, nw_article_t *a,
                  nw_error_t *err)
{
    return text_parse(text, len, zones, a, NULL, err);
}

int nw_text_parse_lenient(const char *text, size_t len, const nw_zone_table_t *zones,
                          nw_article_t *a, nw_error_t *bad, nw_error_t *err)
{
    return text_parse(text, len, zones, a, bad, err);
}
