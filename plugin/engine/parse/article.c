/*
 * nw_article_parse(): the parser's entry point, and the article model's
 * helpers (body text, version time, hashes).
 *
 * Order of checks, each a stable reject code: size (too-large) before any
 * work, emptiness (empty), format detection, envelope decoding
 * (bad-envelope), HTML reduction, the binary test (binary), then the text
 * reader (not-an-article, no-timestamp, bad-timestamp).
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/scratch.h"
#include "core/utf8.h"
#include "parse/charset.h"
#include "parse/html.h"
#include "parse/html_meta.h"
#include "parse/parse.h"

static const nw_zone_table_t *default_zones(void)
{
    /* Built once; read-only afterwards, so sharing it between threads is safe. */
    static nw_zone_table_t *table;
    static int once;
    if (!__atomic_load_n(&once, __ATOMIC_ACQUIRE)) {
        nw_zone_table_t *t = nw_zone_table_new();
        nw_zone_table_t *expected = NULL;
        if (t && !__atomic_compare_exchange_n(&table, &expected, t, false, __ATOMIC_ACQ_REL,
                                              __ATOMIC_ACQUIRE))
            nw_zone_table_free(t);
        __atomic_store_n(&once, 1, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&table, __ATOMIC_ACQUIRE);
}

static bool all_space(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = nw_utf8_space(s + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

static nw_format_t detect(const char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t n = nw_utf8_space(s + i, len - i);
        if (!n)
            break;
        i += n;
    }
    if (i < len && s[i] == '{')
        return NW_FORMAT_JSON;
    if (i < len && s[i] == '<')
        return NW_FORMAT_HTML;
    return NW_FORMAT_TEXT;
}

static bool meta_empty(const nw_html_meta_t *m)
{
    for (size_t f = 0; f < NW_META__COUNT; f++)
        if (m->n[f])
            return false;
    return true;
}

/* The URLs the page and the envelope name, as URL-tier date candidates. */
static int add_url_dates(nw_html_meta_t *m, const nw_article_t *a)
{
    int rc = 0;
    if (a->url)
        rc = nw_html_meta_add(m, NW_META_PUBLISHED, NW_TIER_URL, a->url, strlen(a->url));
    for (size_t i = 0; i < m->n[NW_META_URL] && rc == 0; i++) {
        const char *u = m->cand[NW_META_URL][i].value;
        rc = nw_html_meta_add(m, NW_META_PUBLISHED, NW_TIER_URL, u, strlen(u));
    }
    return rc;
}

/* A page whose visible text left no article (a script-rendered page) but
 * whose JSON-LD carries the articleBody: that text, under its headline, is
 * the article. Keeps the first rejection when there is none. */
static int parse_article_body(const nw_html_meta_t *meta, const nw_zone_table_t *zones,
                              nw_article_t *a, nw_error_t *bad, nw_error_t *err)
{
    const nw_meta_cand_t *body = meta->n[NW_META_BODY] ? &meta->cand[NW_META_BODY][0] : NULL;
    const nw_meta_cand_t *head =
        meta->n[NW_META_HEADLINE] ? &meta->cand[NW_META_HEADLINE][0] : NULL;
    if (!body || !head)
        return NW_ERR_REJECTED;
    nw_buf_t t = NW_BUF_INIT;
    nw_buf_puts(&t, head->value);
    nw_buf_puts(&t, "\n\n");
    nw_buf_puts(&t, body->value);
    int rc = nw_buf_ok(&t) ? nw_text_parse_lenient(nw_buf_str(&t), t.len, zones, a, bad, err)
                           : nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    nw_buf_free(&t);
    return rc;
}

/*
 * Text or HTML, already free of envelope: check, repair, reduce and read.
 * Plain text without envelope metadata takes the text reader's word for its
 * times (its records never change); HTML, and text whose envelope carries
 * metadata, go through the metadata layer (meta_merge.c), which decides the
 * times, headline, byline and language.
 */
static int parse_body(const char *data, size_t len, nw_format_t fmt, const nw_zone_table_t *zones,
                      const nw_parse_opts_t *opts, nw_html_meta_t *meta, nw_article_t *a,
                      nw_error_t *err)
{
    /* The page's copy and its texts are the thread's scratch buffers, kept
     * from page to page: made afresh, with the scanner's text (html.c),
     * they took jemalloc some 4k instructions a page (0.8k a message of
     * /work/ref/c2k, a fifth of whose messages are pages of 6.6 KB). */
    nw_buf_t own = NW_BUF_INIT, *clean = nw_scratch_get(NW_SCRATCH_PAGE, &own);
    nw_buf_t own_text = NW_BUF_INIT, own_whole = NW_BUF_INIT, *html_text = NULL, *whole_text = NULL;
    nw_buf_t conv = NW_BUF_INIT;
    nw_error_t bad;
    int rc;
    memset(&bad, 0, sizeof(bad));
    /* Most messages are clean text: one pass says so, and they are taken
     * as they are, neither converted (valid UTF-8 needs no conversion, and
     * nw_charset_to_utf8() leaves it alone) nor tested for binary data and
     * repaired. */
    bool clean_text = nw_utf8_is_clean(data, len);
    if (!clean_text && (rc = nw_charset_to_utf8(&data, &len, fmt, NULL, &conv, err)) < 0)
        goto out;
    /* The text reader reads its len bytes and no terminator, so clean text
     * goes to it as it is; the HTML readers get a terminated copy. */
    const char *text = data;
    size_t text_len = len;
    if (clean_text) {
        if (fmt == NW_FORMAT_HTML)
            nw_buf_append(clean, data, len);
    } else if (nw_utf8_looks_binary(data, len)) {
        rc = nw_error_reject(err, NW_REJECT_BINARY,
                             "binary data, not text (NUL bytes or mostly invalid UTF-8)");
        goto out;
    } else {
        nw_utf8_sanitize(data, len, clean);
    }
    if (!nw_buf_ok(clean)) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!clean_text || fmt == NW_FORMAT_HTML) {
        text = nw_buf_str(clean);
        text_len = clean->len;
    }
    if (fmt == NW_FORMAT_HTML) {
        if (nw_html_meta_extract(text, text_len, meta) < 0) {
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
            goto out;
        }
        html_text = nw_scratch_get(NW_SCRATCH_ARTICLE, &own_text);
        whole_text = nw_scratch_get(NW_SCRATCH_WHOLE, &own_whole);
        /* The date lines are looked for in the whole page's text: a page's
         * dateline often sits in its header or byline area, outside the
         * main content the text reader gets. */
        if ((rc = nw_html_to_bufs(text, text_len, html_text, whole_text, err)) < 0)
            goto out;
        if (nw_meta_scan_lines(nw_buf_str(whole_text), whole_text->len, meta) < 0) {
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
            goto out;
        }
        rc = nw_text_parse_lenient(nw_buf_str(html_text), html_text->len, zones, a, &bad, err);
        if (rc == NW_ERR_REJECTED && err && err->reject == NW_REJECT_NOT_AN_ARTICLE)
            rc = parse_article_body(meta, zones, a, &bad, err);
    } else if (!meta_empty(meta)) {
        rc = nw_text_parse_lenient(text, text_len, zones, a, &bad, err);
    } else {
        rc = nw_text_parse(text, text_len, zones, a, err);
        goto out;
    }
    if (rc == 0 && add_url_dates(meta, a) < 0)
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    if (rc == 0)
        rc = nw_meta_merge(meta, zones, opts, &bad, a, err);
out:
    if (html_text)
        nw_scratch_put(html_text, &own_text);
    if (whole_text)
        nw_scratch_put(whole_text, &own_whole);
    nw_scratch_put(clean, &own);
    nw_buf_free(&conv);
    return rc;
}

int nw_article_parse(const char *data, size_t len, const nw_parse_opts_t *opts, nw_article_t *out,
                     nw_error_t *err)
{
    nw_parse_opts_t defaults = {0};
    if (!opts)
        opts = &defaults;
    size_t max = opts->max_bytes ? opts->max_bytes : NW_DEFAULT_MAX_MESSAGE_BYTES;
    memset(out, 0, sizeof(*out));
    int rc = nw_html_size_check(
        data, len, opts->format, max,
        opts->max_raw_bytes ? opts->max_raw_bytes : NW_DEFAULT_MAX_RAW_BYTES, err);
    if (rc < 0)
        return rc;
    if (!data || len == 0 || all_space(data, len))
        return nw_error_reject(err, NW_REJECT_EMPTY, "empty message");

    nw_format_t fmt = opts->format == NW_FORMAT_AUTO ? detect(data, len) : opts->format;
    out->format = fmt;
    out->inner_format = fmt;
    nw_html_meta_t meta;
    memset(&meta, 0, sizeof(meta));
    if (fmt == NW_FORMAT_JSON) {
        char *text = NULL;
        size_t text_len = 0;
        if ((rc = nw_envelope_decode(data, len, out, &text, &text_len, &meta, err)) < 0)
            goto fail;
        if (!out->source && opts->source && !(out->source = strdup(opts->source))) {
            free(text);
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
            goto fail;
        }
        const nw_zone_table_t *zones =
            opts->zones ? opts->zones(out->source, opts->zones_opaque) : NULL;
        if (all_space(text, text_len))
            rc = nw_error_reject(err, NW_REJECT_EMPTY, "the envelope's article text is empty");
        else
            rc = parse_body(text, text_len, out->inner_format, zones ? zones : default_zones(),
                            opts, &meta, out, err);
        free(text);
    } else {
        if (opts->source && !(out->source = strdup(opts->source))) {
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
            goto fail;
        }
        const nw_zone_table_t *zones =
            opts->zones ? opts->zones(out->source, opts->zones_opaque) : NULL;
        rc = parse_body(data, len, fmt, zones ? zones : default_zones(), opts, &meta, out, err);
    }
fail:
    nw_html_meta_free(&meta);
    if (rc == 0)
        return 0;
    nw_article_clear(out);
    return rc;
}

void nw_article_clear(nw_article_t *a)
{
    if (!a)
        return;
    free(a->headline);
    free(a->standfirst);
    free(a->byline);
    for (size_t i = 0; i < a->n_image_credits; i++)
        free(a->image_credits[i]);
    free(a->image_credits);
    if (a->paragraph_texts)
        free(a->paragraph_texts);
    else
        for (size_t i = 0; i < a->n_paragraphs; i++)
            free(a->paragraphs[i].text);
    free(a->paragraphs);
    free(a->url);
    free(a->source);
    free(a->fetched_at);
    free(a->provenance_json);
    free(a->language);
    memset(a, 0, sizeof(*a));
}

size_t nw_paragraph_len(const nw_paragraph_t *p)
{
    return p->len ? p->len : strlen(p->text);
}

char *nw_article_body(const nw_article_t *a)
{
    /* Sized first: one allocation instead of a doubling series. */
    size_t *lens = a->n_paragraphs ? malloc(a->n_paragraphs * sizeof(*lens)) : NULL;
    size_t total = 1;
    if (a->n_paragraphs && !lens)
        return NULL;
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        lens[i] = nw_paragraph_len(&a->paragraphs[i]);
        total += lens[i] + 2;
    }
    char *out = malloc(total), *d = out;
    if (out) {
        for (size_t i = 0; i < a->n_paragraphs; i++) {
            if (i) {
                memcpy(d, "\n\n", 2);
                d += 2;
            }
            memcpy(d, a->paragraphs[i].text, lens[i]);
            d += lens[i];
        }
        *d = '\0';
    }
    free(lens);
    return out;
}

int64_t nw_article_version_time(const nw_article_t *a)
{
    return a->has_updated ? a->updated : a->published;
}

/*
 * Both hashes read the headline, standfirst and paragraphs as if joined by
 * single spaces: part i of hash_part(). The content hash collapses their
 * whitespace so layout never changes it; the simhash reads words and skips
 * the rest itself. Neither joins the parts into a copy first.
 */
static const char *hash_part(const void *ctx, size_t i)
{
    const nw_article_t *a = ctx;
    if (i == 0)
        return a->headline;
    if (i == 1)
        return a->standfirst;
    return a->paragraphs[i - 2].text;
}

static void content_hash_of(const nw_article_t *a, uint8_t out[32])
{
    nw_buf_t own = NW_BUF_INIT, *b = nw_scratch_get(NW_SCRATCH_HASH, &own);
    for (size_t i = 0; i < a->n_paragraphs + 2; i++) {
        const char *s = hash_part(a, i);
        if (s)
            nw_content_text_add(b, s, strlen(s), false);
    }
    nw_sha256(nw_buf_str(b), b->len, out);
    nw_scratch_put(b, &own);
}

void nw_article_content_hash(const nw_article_t *a, uint8_t out[32])
{
    content_hash_of(a, out);
}

uint64_t nw_article_simhash(const nw_article_t *a)
{
    return nw_simhash_parts(a->n_paragraphs + 2, hash_part, a);
}

void nw_article_hashes(const nw_article_t *a, uint8_t content[32], uint64_t *simhash)
{
    content_hash_of(a, content);
    *simhash = nw_article_simhash(a);
}

const char *nw_field_source_name(nw_field_source_t s)
{
    static const char *const names[NW_SRC__COUNT] = {
        "unset", "text",        "envelope",   "jsonld",   "microdata", "opengraph",
        "meta",  "jsonld-page", "time",       "visible",  "url",       "h1",
        "title", "html-lang",   "fetched_at", "received",
    };
    return (unsigned)s < NW_SRC__COUNT ? names[s] : "unset";
}

const char *nw_field_name(nw_field_t f)
{
    static const char *const names[NW_FIELD__COUNT] = {"headline", "firstcreated", "versioncreated",
                                                       "by", "language"};
    return (unsigned)f < NW_FIELD__COUNT ? names[f] : "unknown";
}

const char *nw_format_name(nw_format_t f)
{
    switch (f) {
    case NW_FORMAT_TEXT:
        return "text";
    case NW_FORMAT_JSON:
        return "json";
    case NW_FORMAT_HTML:
        return "html";
    case NW_FORMAT_AUTO:
        break;
    }
    return "auto";
}

int nw_format_from_name(const char *name, nw_format_t *out)
{
    static const nw_format_t all[] = {NW_FORMAT_AUTO, NW_FORMAT_TEXT, NW_FORMAT_JSON,
                                      NW_FORMAT_HTML};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(name, nw_format_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return NW_ERR_INVALID;
}
