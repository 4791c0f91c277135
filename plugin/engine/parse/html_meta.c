/*
 * nw_html_meta_extract(): one forward pass over a page collecting what it
 * says about itself (see html_meta.h for the tiers).
 *
 * The scanner is separate from the body reducer (html.c) on purpose: it
 * looks at different things (<head>, attributes, raw JSON-LD scripts) and
 * none of its choices may change the body text. It keeps no element tree,
 * only two capture slots for the text of an element of interest (a heading
 * or author, and a date-like element) and a count of open <article>/<main>.
 *
 * Linear: a failed search for '>' or for a raw-text close tag ends the scan
 * (nothing after it can be markup), and a failed search for a closing quote
 * makes every later tag end at its first '>', so no byte is searched for the
 * same thing twice. Character references are decoded by html_entities.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "parse/html_internal.h"
#include "parse/html_meta.h"

#define ATTRS_MAX      24
#define CAP_HEAD_MAX   400 /* bytes of a heading or author element's text */
#define CAP_DATE_MAX   200 /* bytes of a date-like element's text */
#define DATE_HINTS_MAX 12  /* date-like elements read per page */
#define VALUE_MAX      (64 * 1024)

typedef struct span {
    const char *p;
    size_t n;
} span_t;

typedef struct attr {
    span_t name, value;
} attr_t;

typedef struct capture {
    bool on;
    char tag[16];
    size_t tag_len;
    int depth;
    nw_meta_field_t field;
    nw_meta_tier_t tier;
    uint8_t ctx; /* NW_CTX_* where the element opened */
    size_t max;
    nw_buf_t text;
} capture_t;

typedef struct ms {
    const char *s;
    size_t len;
    nw_html_meta_t *m;
    bool quote_blind;
    int article_depth;
    int link_depth, list_depth, aside_depth; /* for nw_meta_cand_t.ctx */
    /* The outermost open box of other articles (teaser_box()): its tag and
     * how many elements of that tag opened inside it, so that its own end
     * tag is known without a tree. */
    struct {
        bool on;
        char tag[12];
        size_t tag_len;
        int nest;
    } box;
    bool h1_seen, title_seen;
    size_t date_hints;
    capture_t head, date;
    int rc;
} ms_t;

void nw_html_meta_free(nw_html_meta_t *meta)
{
    for (size_t f = 0; f < NW_META__COUNT; f++)
        for (size_t i = 0; i < meta->n[f]; i++)
            free(meta->cand[f][i].value);
    memset(meta, 0, sizeof(*meta));
}

int nw_html_meta_add(nw_html_meta_t *meta, nw_meta_field_t f, nw_meta_tier_t tier, const char *v,
                     size_t n)
{
    nw_buf_t b = NW_BUF_INIT;
    if (n == 0 || n > VALUE_MAX || meta->n[f] >= NW_META_CANDIDATES_MAX)
        return 0;
    nw_utf8_collapse(v, n, &b);
    if (!nw_buf_ok(&b)) {
        nw_buf_free(&b);
        return NW_ERR_NOMEM;
    }
    if (b.len == 0) {
        nw_buf_free(&b);
        return 0;
    }
    nw_meta_cand_t *c = &meta->cand[f][meta->n[f]++];
    c->tier = (uint8_t)tier;
    c->value = nw_buf_steal(&b);
    return c->value ? 0 : NW_ERR_NOMEM;
}

/* Names and values against ASCII words: lengths first, then the folded
 * first bytes inline (see core/ascii.h), and only then strncasecmp(). */
static inline bool ieq(span_t a, const char *lit)
{
    return a.n == strlen(lit) && !nw_ascii_head_differs(a.p, a.n, lit) &&
           strncasecmp(a.p, lit, a.n) == 0;
}

static bool icontains(span_t a, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= a.n; i++)
        if (!nw_ascii_head_differs(a.p + i, l, lit) && strncasecmp(a.p + i, lit, l) == 0)
            return true;
    return false;
}

/* Bit c - 'a' for each ASCII letter c that a holds, either case. */
static uint32_t letters_of(span_t a)
{
    uint32_t m = 0;
    for (size_t i = 0; i < a.n; i++) {
        unsigned c = ((unsigned char)a.p[i] | 0x20) - 'a';
        m |= c < 26 ? 1u << c : 0;
    }
    return m;
}

/* Whether a holds one of the words (lower-case, each starting with two
 * letters), case aside. A class or id is tried against a dozen words or
 * more; those whose first two letters it does not hold are not looked
 * for, which is most of them. */
static bool icontains_any(span_t a, const char *const *words, size_t n)
{
    uint32_t have = letters_of(a);
    for (size_t i = 0; i < n; i++) {
        uint32_t need = 1u << (words[i][0] - 'a') | 1u << (words[i][1] - 'a');
        if ((have & need) == need && icontains(a, words[i]))
            return true;
    }
    return false;
}

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Appends s[0..n) to b with character references decoded. */
static void put_decoded(nw_buf_t *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t e = amp ? (size_t)(amp - s) : n;
        nw_buf_append(b, s + i, e - i);
        if (!amp)
            break;
        uint32_t cp;
        size_t used = nw_html_ref_decode(s + e, n - e, &cp);
        if (used) {
            nw_utf8_encode(b, cp);
            i = e + used;
        } else {
            nw_buf_putc(b, '&');
            i = e + 1;
        }
    }
}

static uint8_t ctx_now(const ms_t *st)
{
    return (uint8_t)((st->link_depth > 0 ? NW_CTX_LINK : 0) |
                     (st->list_depth > 0 ? NW_CTX_LIST : 0) |
                     (st->aside_depth > 0 || st->box.on ? NW_CTX_ASIDE : 0) |
                     (!st->h1_seen && st->article_depth == 0 ? NW_CTX_BEFORE_H1 : 0));
}

/* Adds a candidate and records its context. */
static void add_ctx(ms_t *st, nw_meta_field_t f, nw_meta_tier_t tier, const char *v, size_t n,
                    uint8_t ctx)
{
    size_t before = st->m->n[f];
    if (nw_html_meta_add(st->m, f, tier, v, n) < 0)
        st->rc = NW_ERR_NOMEM;
    else if (st->m->n[f] > before)
        st->m->cand[f][before].ctx = ctx;
}

static void add_decoded(ms_t *st, nw_meta_field_t f, nw_meta_tier_t tier, span_t v)
{
    nw_buf_t b = NW_BUF_INIT;
    if (v.n == 0 || v.n > VALUE_MAX || st->m->n[f] >= NW_META_CANDIDATES_MAX)
        return;
    put_decoded(&b, v.p, v.n);
    if (!nw_buf_ok(&b))
        st->rc = NW_ERR_NOMEM;
    else
        add_ctx(st, f, tier, nw_buf_str(&b), b.len, ctx_now(st));
    nw_buf_free(&b);
}

static const span_t *attr_get(const attr_t *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (ieq(a[i].name, name))
            return &a[i].value;
    return NULL;
}

/* ---- meta names ---- */

typedef struct meta_key {
    const char *key; /* lower case */
    nw_meta_field_t field;
    nw_meta_tier_t tier;
} meta_key_t;

static const meta_key_t meta_keys[] = {
    {"datepublished", NW_META_PUBLISHED, NW_TIER_MICRODATA},
    {"datecreated", NW_META_PUBLISHED, NW_TIER_MICRODATA},
    {"datemodified", NW_META_UPDATED, NW_TIER_MICRODATA},
    {"headline", NW_META_HEADLINE, NW_TIER_MICRODATA},
    {"inlanguage", NW_META_LANGUAGE, NW_TIER_MICRODATA},
    {"article:published_time", NW_META_PUBLISHED, NW_TIER_OG},
    {"og:article:published_time", NW_META_PUBLISHED, NW_TIER_OG},
    {"article:published", NW_META_PUBLISHED, NW_TIER_OG},
    {"og:published_time", NW_META_PUBLISHED, NW_TIER_OG},
    {"article:modified_time", NW_META_UPDATED, NW_TIER_OG},
    {"og:article:modified_time", NW_META_UPDATED, NW_TIER_OG},
    {"article:modified", NW_META_UPDATED, NW_TIER_OG},
    {"og:updated_time", NW_META_UPDATED, NW_TIER_OG},
    {"og:title", NW_META_HEADLINE, NW_TIER_OG},
    {"og:site_name", NW_META_SITE, NW_TIER_OG},
    {"og:locale", NW_META_LANGUAGE, NW_TIER_OG},
    {"og:url", NW_META_URL, NW_TIER_OG},
    {"article:author", NW_META_AUTHOR, NW_TIER_OG},
    {"twitter:title", NW_META_HEADLINE, NW_TIER_DC},
    {"dc.date.issued", NW_META_PUBLISHED, NW_TIER_DC},
    {"dc.date.created", NW_META_PUBLISHED, NW_TIER_DC},
    {"dc.date", NW_META_PUBLISHED, NW_TIER_DC},
    {"dcterms.created", NW_META_PUBLISHED, NW_TIER_DC},
    {"dcterms.issued", NW_META_PUBLISHED, NW_TIER_DC},
    {"dcterms.date", NW_META_PUBLISHED, NW_TIER_DC},
    {"dcterms.modified", NW_META_UPDATED, NW_TIER_DC},
    {"dc.date.modified", NW_META_UPDATED, NW_TIER_DC},
    {"dc.title", NW_META_HEADLINE, NW_TIER_DC},
    {"dc.creator", NW_META_AUTHOR, NW_TIER_DC},
    {"dcterms.creator", NW_META_AUTHOR, NW_TIER_DC},
    {"dc.language", NW_META_LANGUAGE, NW_TIER_DC},
    {"dcterms.language", NW_META_LANGUAGE, NW_TIER_DC},
    {"content-language", NW_META_LANGUAGE, NW_TIER_DC},
    {"language", NW_META_LANGUAGE, NW_TIER_DC},
    {"pubdate", NW_META_PUBLISHED, NW_TIER_DC},
    {"publishdate", NW_META_PUBLISHED, NW_TIER_DC},
    {"publish-date", NW_META_PUBLISHED, NW_TIER_DC},
    {"publish_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"published_time", NW_META_PUBLISHED, NW_TIER_DC},
    {"published-date", NW_META_PUBLISHED, NW_TIER_DC},
    {"publication_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"date_published", NW_META_PUBLISHED, NW_TIER_DC},
    {"pub_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"date", NW_META_PUBLISHED, NW_TIER_DC},
    {"created", NW_META_PUBLISHED, NW_TIER_DC},
    {"parsely-pub-date", NW_META_PUBLISHED, NW_TIER_DC},
    {"sailthru.date", NW_META_PUBLISHED, NW_TIER_DC},
    {"citation_publication_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"citation_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"citation_online_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"originalpublicationdate", NW_META_PUBLISHED, NW_TIER_DC},
    {"article.published", NW_META_PUBLISHED, NW_TIER_DC},
    {"article_date_original", NW_META_PUBLISHED, NW_TIER_DC},
    {"displaydate", NW_META_PUBLISHED, NW_TIER_DC},
    {"release_date", NW_META_PUBLISHED, NW_TIER_DC},
    {"cxenseparse:recs:publishtime", NW_META_PUBLISHED, NW_TIER_DC},
    {"last-modified", NW_META_UPDATED, NW_TIER_DC},
    {"lastmod", NW_META_UPDATED, NW_TIER_DC},
    {"article.updated", NW_META_UPDATED, NW_TIER_DC},
    {"modified_time", NW_META_UPDATED, NW_TIER_DC},
    {"parsely-title", NW_META_HEADLINE, NW_TIER_DC},
    {"sailthru.title", NW_META_HEADLINE, NW_TIER_DC},
    {"author", NW_META_AUTHOR, NW_TIER_DC},
    {"parsely-author", NW_META_AUTHOR, NW_TIER_DC},
    {"sailthru.author", NW_META_AUTHOR, NW_TIER_DC},
    {"citation_author", NW_META_AUTHOR, NW_TIER_DC},
    {"byl", NW_META_AUTHOR, NW_TIER_DC},
    {"application-name", NW_META_SITE, NW_TIER_DC},
};

/* "schema:datePublished", "og:title": RDFa prefixes other than og/article/dc. */
static span_t strip_schema_prefix(span_t k)
{
    if (k.n > 7 && strncasecmp(k.p, "schema:", 7) == 0) {
        k.p += 7;
        k.n -= 7;
    }
    return k;
}

static void take_meta_kv(ms_t *st, span_t key, span_t content, bool itemprop)
{
    key = strip_schema_prefix(key);
    for (size_t i = 0; i < sizeof(meta_keys) / sizeof(meta_keys[0]); i++) {
        if (!ieq(key, meta_keys[i].key))
            continue;
        nw_meta_field_t f = meta_keys[i].field;
        /* article:author is often a profile URL: that is no byline. */
        if (f == NW_META_AUTHOR && content.n > 4 && strncasecmp(content.p, "http", 4) == 0)
            return;
        nw_meta_tier_t tier = meta_keys[i].tier;
        if (itemprop && tier > NW_TIER_MICRODATA && f != NW_META_SITE)
            tier = NW_TIER_MICRODATA;
        add_decoded(st, f, tier, content);
        return;
    }
}

/* ---- capture of element text ---- */

static void cap_start(const ms_t *st, capture_t *c, span_t tag, nw_meta_field_t f,
                      nw_meta_tier_t tier, size_t max)
{
    if (c->on || tag.n >= sizeof(c->tag))
        return;
    c->on = true;
    c->ctx = ctx_now(st);
    memcpy(c->tag, tag.p, tag.n);
    c->tag_len = tag.n;
    c->depth = 0;
    c->field = f;
    c->tier = tier;
    c->max = max;
    nw_buf_reset(&c->text);
}

static void cap_end(ms_t *st, capture_t *c)
{
    c->on = false;
    if (!nw_buf_ok(&c->text)) {
        st->rc = NW_ERR_NOMEM;
        return;
    }
    add_ctx(st, c->field, c->tier, nw_buf_str(&c->text), c->text.len, c->ctx);
}

static void cap_text(ms_t *st, const char *p, size_t n)
{
    capture_t *cs[2] = {&st->head, &st->date};
    for (int k = 0; k < 2; k++) {
        capture_t *c = cs[k];
        if (!c->on)
            continue;
        put_decoded(&c->text, p, n);
        if (c->text.len > c->max)
            cap_end(st, c);
    }
}

/* A start tag that ends an unclosed <h1>: another heading (as browsers
 * parse it) or a block that never sits inside a headline, the same rule as
 * the text's (F_H1STOP in html_internal.h). A byline in an <h4> after a
 * headline whose </h1> comes later is not part of it. */
static bool ends_h1(span_t name)
{
    static const char *const stops[] = {
        "h2", "h3",    "h4",      "h5",      "h6",     "p",    "li",     "ul",        "ol",
        "dl", "table", "article", "section", "header", "main", "figure", "blockquote"};
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        if (ieq(name, stops[i]))
            return true;
    return false;
}

static void cap_tag(ms_t *st, span_t name, bool close)
{
    capture_t *cs[2] = {&st->head, &st->date};
    for (int k = 0; k < 2; k++) {
        capture_t *c = cs[k];
        if (!c->on)
            continue;
        if (!close && c->field == NW_META_H1 && ends_h1(name)) {
            cap_end(st, c);
            continue;
        }
        if (name.n == c->tag_len && strncasecmp(name.p, c->tag, name.n) == 0) {
            if (!close) {
                c->depth++;
            } else if (c->depth-- == 0) {
                cap_end(st, c);
                continue;
            }
        }
        /* Tags separate words, except the inline ones that style part of a word. */
        static const char *const inline_tags[] = {"span",   "a", "b",     "i",   "em",
                                                  "strong", "u", "small", "sup", "sub"};
        bool inl = false;
        for (size_t i = 0; i < sizeof(inline_tags) / sizeof(inline_tags[0]); i++)
            inl = inl || ieq(name, inline_tags[i]);
        if (!inl)
            nw_buf_putc(&c->text, ' ');
    }
}

/* ---- tags ---- */

/* Reads the attributes of the tag whose name ends at i; returns the offset
 * just past its '>', or 0 when there is none. */
static size_t read_attrs(ms_t *st, size_t i, attr_t *a, size_t *na)
{
    const char *s = st->s;
    size_t len = st->len;
    *na = 0;
    for (;;) {
        while (i < len && (nw_html_is_space((unsigned char)s[i]) || s[i] == '/'))
            i++;
        if (i >= len)
            return 0;
        if (s[i] == '>')
            return i + 1;
        size_t nb = i;
        while (i < len && !nw_html_is_space((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' &&
               s[i] != '/')
            i++;
        if (i == nb) /* a stray '=' */
            i++;
        span_t name = {s + nb, i - nb}, value = {s + i, 0};
        size_t k = i;
        while (k < len && nw_html_is_space((unsigned char)s[k]))
            k++;
        if (k < len && s[k] == '=') {
            k++;
            while (k < len && nw_html_is_space((unsigned char)s[k]))
                k++;
            if (k < len && (s[k] == '"' || s[k] == '\'') && !st->quote_blind) {
                const char *q = memchr(s + k + 1, s[k], len - k - 1);
                if (!q) {
                    /* From here on tags end at their first '>' (see the file comment). */
                    st->quote_blind = true;
                    const char *gt = memchr(s + k, '>', len - k);
                    return gt ? (size_t)(gt - s) + 1 : 0;
                }
                value.p = s + k + 1;
                value.n = (size_t)(q - (s + k + 1));
                i = (size_t)(q - s) + 1;
            } else {
                size_t vb = k;
                while (k < len && !nw_html_is_space((unsigned char)s[k]) && s[k] != '>')
                    k++;
                value.p = s + vb;
                value.n = k - vb;
                if (value.n && (value.p[0] == '"' || value.p[0] == '\'')) {
                    value.p++;
                    value.n--;
                    if (value.n && value.p[value.n - 1] == s[vb])
                        value.n--;
                }
                i = k;
            }
        }
        if (*na < ATTRS_MAX) {
            a[*na].name = name;
            a[*na].value = value;
            (*na)++;
        }
    }
}

/* The offset just past "</name ...>" from `from`, or 0 when there is none. */
static size_t raw_close(const ms_t *st, size_t from, span_t name, size_t *content_end)
{
    const char *s = st->s;
    size_t len = st->len, i = from;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            return 0;
        size_t p = (size_t)(lt - s);
        if (p + 2 + name.n <= len && s[p + 1] == '/' &&
            strncasecmp(s + p + 2, name.p, name.n) == 0 && !is_alpha(s[p + 2 + name.n])) {
            const char *gt = memchr(s + p, '>', len - p);
            if (!gt)
                return 0;
            *content_end = p;
            return (size_t)(gt - s) + 1;
        }
        i = p + 1;
    }
    return 0;
}

static bool date_hint(span_t v)
{
    static const char *const hints[] = {"date",         "publish",   "posted",      "datum",
                                        "fecha",        "dateline",  "byline-time", "timestamp",
                                        "entry-meta",   "post-meta", "postmeta",    "asset-meta",
                                        "article-meta", "time-info", "time-ago",    "timedata"};
    return icontains_any(v, hints, sizeof(hints) / sizeof(hints[0]));
}

static bool update_hint(span_t v)
{
    return icontains(v, "updat") || icontains(v, "modif") || icontains(v, "aktualisiert");
}

/* Depth of the elements that make a date a likely teaser (NW_CTX_*). */
static int *ctx_depth(ms_t *st, span_t name)
{
    if (ieq(name, "a"))
        return &st->link_depth;
    if (ieq(name, "ul") || ieq(name, "ol"))
        return &st->list_depth;
    if (ieq(name, "aside") || ieq(name, "nav") || ieq(name, "footer"))
        return &st->aside_depth;
    return NULL;
}

/* A class or id name of a box of other articles' teasers ("related-posts",
 * "most-read", "top-news"): dates in it are theirs, as in an <aside>. */
static bool teaser_name(span_t v)
{
    static const char *const names[] = {"related",   "popular",   "most-read",    "mostread",
                                        "most_read", "most-view", "mostview",     "meistgelesen",
                                        "top-news",  "trending",  "more-stories", "more-news",
                                        "recommend", "teaser"};
    return icontains_any(v, names, sizeof(names) / sizeof(names[0]));
}

/* Tracks the box of other articles a date may sit in. Only block
 * containers that pages close open a box; one that turns out to hold the
 * page's <h1> wraps the article instead and is dropped. */
static void box_open(ms_t *st, span_t name, const attr_t *a, size_t na)
{
    const span_t *v;
    if (st->box.on) {
        if (ieq(name, "h1"))
            st->box.on = false;
        else if (name.n == st->box.tag_len && strncasecmp(name.p, st->box.tag, name.n) == 0)
            st->box.nest++;
        return;
    }
    if (!(ieq(name, "div") || ieq(name, "section") || ieq(name, "ul") || ieq(name, "ol")))
        return;
    if (((v = attr_get(a, na, "class")) && teaser_name(*v)) ||
        ((v = attr_get(a, na, "id")) && teaser_name(*v))) {
        st->box.on = true;
        memcpy(st->box.tag, name.p, name.n);
        st->box.tag_len = name.n;
        st->box.nest = 0;
    }
}

static void box_close(ms_t *st, span_t name)
{
    if (st->box.on && name.n == st->box.tag_len && strncasecmp(name.p, st->box.tag, name.n) == 0 &&
        st->box.nest-- == 0)
        st->box.on = false;
}

static void open_tag(ms_t *st, span_t name, const attr_t *a, size_t na)
{
    const span_t *v;
    int *depth = ctx_depth(st, name);
    if (depth)
        ++*depth;
    box_open(st, name, a, na);
    const span_t *content = attr_get(a, na, "content");
    const span_t *itemprop = attr_get(a, na, "itemprop");
    const span_t *property = attr_get(a, na, "property");
    if (ieq(name, "meta")) {
        const span_t *key = attr_get(a, na, "name");
        if (!content)
            return;
        if (key)
            take_meta_kv(st, *key, *content, false);
        if (property)
            take_meta_kv(st, *property, *content, false);
        if (itemprop)
            take_meta_kv(st, *itemprop, *content, true);
        /* http-equiv Last-Modified copies the HTTP header: when the server
         * made the page (its render or cache time), not the article's update. */
        if ((key = attr_get(a, na, "http-equiv")) && !ieq(*key, "last-modified"))
            take_meta_kv(st, *key, *content, false);
        return;
    }
    if (ieq(name, "html")) {
        if ((v = attr_get(a, na, "lang")) || (v = attr_get(a, na, "xml:lang")))
            add_decoded(st, NW_META_LANGUAGE, NW_TIER_TIME_OUT, *v);
        return;
    }
    if (ieq(name, "link")) {
        const span_t *rel = attr_get(a, na, "rel");
        if (rel && ieq(*rel, "canonical") && (v = attr_get(a, na, "href")))
            add_decoded(st, NW_META_URL, NW_TIER_DC, *v);
        return;
    }
    if (ieq(name, "article") || ieq(name, "main")) {
        st->article_depth++;
        return;
    }
    /* Microdata and RDFa on ordinary elements. */
    const span_t *prop = itemprop ? itemprop : property;
    if (prop) {
        span_t p = strip_schema_prefix(*prop);
        const span_t *val = content ? content : attr_get(a, na, "datetime");
        bool pub = ieq(p, "datePublished") || ieq(p, "dateCreated"), mod = ieq(p, "dateModified");
        if ((pub || mod) && val) {
            add_decoded(st, pub ? NW_META_PUBLISHED : NW_META_UPDATED, NW_TIER_MICRODATA, *val);
            return;
        }
        if (pub || mod) {
            cap_start(st, &st->date, name, pub ? NW_META_PUBLISHED : NW_META_UPDATED,
                      NW_TIER_MICRODATA, CAP_DATE_MAX);
            return;
        }
        if (ieq(p, "headline") && !content) {
            cap_start(st, &st->head, name, NW_META_HEADLINE, NW_TIER_MICRODATA, CAP_HEAD_MAX);
            return;
        }
        if (ieq(p, "author") || ieq(p, "creator")) {
            if (content)
                take_meta_kv(st, (span_t){"author", 6}, *content, true);
            else
                cap_start(st, &st->head, name, NW_META_AUTHOR, NW_TIER_MICRODATA, CAP_HEAD_MAX);
            return;
        }
    }
    if (ieq(name, "time")) {
        const span_t *cls = attr_get(a, na, "class");
        bool upd = cls && update_hint(*cls);
        nw_meta_field_t f = upd ? NW_META_UPDATED : NW_META_PUBLISHED;
        if ((v = attr_get(a, na, "datetime")))
            add_decoded(st, f, st->article_depth > 0 ? NW_TIER_TIME : NW_TIER_TIME_OUT, *v);
        else if (st->date_hints < DATE_HINTS_MAX && ++st->date_hints)
            cap_start(st, &st->date, name, f, NW_TIER_VISIBLE, CAP_DATE_MAX);
        return;
    }
    if (ieq(name, "h1")) {
        if (!st->h1_seen) {
            st->h1_seen = true;
            cap_start(st, &st->head, name, NW_META_H1,
                      st->article_depth > 0 ? NW_TIER_TIME : NW_TIER_TIME_OUT, CAP_HEAD_MAX);
        }
        return;
    }
    if (st->date.on || st->date_hints >= DATE_HINTS_MAX || ieq(name, "body") ||
        ieq(name, "section"))
        return;
    const span_t *cls = attr_get(a, na, "class"), *id = attr_get(a, na, "id");
    bool hint = (cls && date_hint(*cls)) || (id && date_hint(*id));
    if (hint) {
        bool upd = (cls && update_hint(*cls)) || (id && update_hint(*id));
        nw_meta_field_t f = upd ? NW_META_UPDATED : NW_META_PUBLISHED;
        /* <abbr class="published" title="2013-04-04T18:52:11+00:00"> */
        if ((v = attr_get(a, na, "title")) || (v = attr_get(a, na, "datetime")) ||
            (v = attr_get(a, na, "data-date")) || (v = content))
            if (v->n >= 8 && v->n <= 40 && v->p[0] >= '0' && v->p[0] <= '9')
                add_decoded(st, f, NW_TIER_VISIBLE, *v);
        st->date_hints++;
        cap_start(st, &st->date, name, upd ? NW_META_UPDATED : NW_META_PUBLISHED, NW_TIER_VISIBLE,
                  CAP_DATE_MAX);
    }
}

static void close_tag(ms_t *st, span_t name)
{
    int *depth = ctx_depth(st, name);
    if (depth && *depth > 0)
        --*depth;
    box_close(st, name);
    if ((ieq(name, "article") || ieq(name, "main")) && st->article_depth > 0)
        st->article_depth--;
}

/* A title whose last part, after a separator, is a numeric date ("Headline |
 * Europa | DW | 28.04.2023", "... – 2021-11-02"): the page's own date, as a
 * visible date of the article's context. Only numeric dates that cannot be
 * read two ways (dotted day first, or ISO). */
static void title_date(ms_t *st, span_t t)
{
    size_t n = t.n;
    while (n > 0 && (t.p[n - 1] == ' ' || t.p[n - 1] == '\t' || t.p[n - 1] == '\n'))
        n--;
    size_t i = n;
    while (i > 0 &&
           ((t.p[i - 1] >= '0' && t.p[i - 1] <= '9') || t.p[i - 1] == '.' || t.p[i - 1] == '-'))
        i--;
    span_t d = {t.p + i, n - i};
    bool dotted = d.n >= 8 && d.n <= 10 && d.p[d.n - 5] == '.' && d.p[0] != '.';
    bool iso = d.n == 10 && d.p[4] == '-' && d.p[7] == '-' && d.p[0] != '-';
    while (i > 0 && t.p[i - 1] == ' ')
        i--;
    /* "|", "-", or the dashes U+2013 and U+2014 (E2 80 93 / 94). */
    bool sep = i > 0 &&
               (t.p[i - 1] == '|' || t.p[i - 1] == '-' ||
                (i >= 3 && (unsigned char)t.p[i - 3] == 0xE2 && (unsigned char)t.p[i - 2] == 0x80 &&
                 ((unsigned char)t.p[i - 1] == 0x93 || (unsigned char)t.p[i - 1] == 0x94)));
    if (sep && (dotted || iso) && st->m->n[NW_META_PUBLISHED] < NW_META_CANDIDATES_MAX)
        add_ctx(st, NW_META_PUBLISHED, NW_TIER_VISIBLE, d.p, d.n, 0);
}

/* A raw-text element's content: JSON-LD scripts and the <title>. */
static void raw_content(ms_t *st, span_t name, const attr_t *a, size_t na, span_t body)
{
    if (ieq(name, "script")) {
        const span_t *type = attr_get(a, na, "type");
        if (type && icontains(*type, "ld+json") && nw_jsonld_scan(body.p, body.n, st->m) < 0)
            st->rc = NW_ERR_NOMEM;
    } else if (ieq(name, "title") && !st->title_seen) {
        st->title_seen = true;
        add_decoded(st, NW_META_TITLE, NW_TIER_DC, body);
        title_date(st, body);
    }
}

static bool is_raw(span_t name)
{
    return ieq(name, "script") || ieq(name, "style") || ieq(name, "title") ||
           ieq(name, "textarea") || ieq(name, "noscript") || ieq(name, "template") ||
           ieq(name, "xmp");
}

int nw_html_meta_extract(const char *html, size_t len, nw_html_meta_t *meta)
{
    ms_t st;
    memset(&st, 0, sizeof(st));
    st.s = html;
    st.len = len;
    st.m = meta;
    size_t i = 0;
    attr_t attrs[ATTRS_MAX];
    while (i < len && st.rc == 0) {
        const char *lt = memchr(html + i, '<', len - i);
        size_t p = lt ? (size_t)(lt - html) : len;
        if (p > i)
            cap_text(&st, html + i, p - i);
        if (!lt)
            break;
        int c1 = p + 1 < len ? (unsigned char)html[p + 1] : -1;
        if (c1 == '!' && p + 3 < len && html[p + 2] == '-' && html[p + 3] == '-') {
            const char *e = memmem(html + p + 4, len - p - 4, "-->", 3);
            if (!e)
                break;
            i = (size_t)(e - html) + 3;
            continue;
        }
        if (c1 == '!' || c1 == '?') {
            const char *gt = memchr(html + p, '>', len - p);
            if (!gt)
                break;
            i = (size_t)(gt - html) + 1;
            continue;
        }
        bool close = c1 == '/';
        size_t nb = p + 1 + close;
        if (nb >= len || !is_alpha((unsigned char)html[nb])) {
            cap_text(&st, "<", 1);
            i = p + 1;
            continue;
        }
        size_t ne = nb;
        while (ne < len && !nw_html_is_space((unsigned char)html[ne]) && html[ne] != '>' &&
               html[ne] != '/')
            ne++;
        span_t name = {html + nb, ne - nb};
        size_t na = 0, end = read_attrs(&st, ne, attrs, &na);
        if (!end)
            break;
        i = end;
        cap_tag(&st, name, close);
        if (close) {
            close_tag(&st, name);
            continue;
        }
        if (is_raw(name)) {
            size_t content_end = 0, after = raw_close(&st, end, name, &content_end);
            if (!after)
                break;
            raw_content(&st, name, attrs, na, (span_t){html + end, content_end - end});
            i = after;
            continue;
        }
        open_tag(&st, name, attrs, na);
    }
    /* An element still open at the end of the page keeps what it had. */
    if (st.rc == 0 && st.head.on)
        cap_end(&st, &st.head);
    if (st.rc == 0 && st.date.on)
        cap_end(&st, &st.date);
    nw_buf_free(&st.head.text);
    nw_buf_free(&st.date.text);
    return st.rc;
}
