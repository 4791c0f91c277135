/*
 * JSON-LD in a page: the <script type="application/ld+json"> blocks that
 * publishers write for search engines. They are read with jansson and walked
 * for the first article object (NewsArticle, Article, BlogPosting,
 * ReportageNewsArticle and the other schema.org article types), wherever it
 * sits: at the top, in an array, in "@graph" or under "mainEntity". A
 * WebPage object's dates are kept too, one tier lower (html_meta.h), for the
 * pages that describe only the page.
 *
 * Pages get JSON-LD wrong in a few common ways: raw newlines inside strings,
 * HTML comment or CDATA wrappers around the script. Those are repaired;
 * anything else that does not parse is ignored, never a rejection. The walk
 * is bounded in depth and in the number of values it visits.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "parse/html_meta.h"

#define WALK_DEPTH_MAX 12
#define WALK_NODES_MAX 20000

static const char *const article_types[] = {
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "BackgroundNewsArticle",
    "AskPublicNewsArticle",
    "SatiricalArticle",
    "ScholarlyArticle",
    "TechArticle",
    "Report",
    "LiveBlogPosting",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Posting",
    "Blog",
    "AdvertiserContentArticle",
};

static const char *const page_types[] = {"WebPage", "ItemPage", "CollectionPage", "AboutPage"};

typedef struct walk {
    nw_html_meta_t *m;
    size_t nodes;
    bool article_done, page_done, site_done;
    int rc;
} walk_t;

/* "schema:NewsArticle", "http://schema.org/NewsArticle" name the same type. */
static bool type_is(const char *t, const char *const *names, size_t n)
{
    const char *slash = strrchr(t, '/'), *colon = strrchr(t, ':');
    if (slash)
        t = slash + 1;
    else if (colon)
        t = colon + 1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(t, names[i]) == 0)
            return true;
    return false;
}

static bool has_type(json_t *o, const char *const *names, size_t n)
{
    json_t *t = json_object_get(o, "@type");
    if (json_is_string(t))
        return type_is(json_string_value(t), names, n);
    if (json_is_array(t)) {
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v) if (json_is_string(v) &&
                                        type_is(json_string_value(v), names, n)) return true;
    }
    return false;
}

static void add(walk_t *w, nw_meta_field_t f, nw_meta_tier_t tier, json_t *v)
{
    if (json_is_string(v) && w->rc == 0)
        w->rc = nw_html_meta_add(w->m, f, tier, json_string_value(v), json_string_length(v));
}

/* A person or organisation: a string, {"name": ...}, or an array of them,
 * joined with ", ". */
static void add_names(walk_t *w, nw_meta_field_t f, json_t *v)
{
    nw_buf_t b = NW_BUF_INIT;
    json_t *items = v;
    size_t i, count = 0;
    json_t *it;
    if (!json_is_array(v)) {
        items = json_array();
        if (!items) {
            w->rc = NW_ERR_NOMEM;
            return;
        }
        json_array_append(items, v);
    }
    json_array_foreach(items, i, it)
    {
        json_t *name = json_is_object(it) ? json_object_get(it, "name") : it;
        if (json_is_array(name))
            name = json_array_get(name, 0);
        if (!json_is_string(name) || json_string_length(name) == 0 || count >= 8)
            continue;
        if (strncasecmp(json_string_value(name), "http", 4) == 0) /* a profile URL */
            continue;
        if (count++)
            nw_buf_puts(&b, ", ");
        nw_buf_append(&b, json_string_value(name), json_string_length(name));
    }
    if (items != v)
        json_decref(items);
    if (!nw_buf_ok(&b))
        w->rc = NW_ERR_NOMEM;
    else if (b.len)
        w->rc = nw_html_meta_add(w->m, f, NW_TIER_JSONLD, nw_buf_str(&b), b.len);
    nw_buf_free(&b);
}

static void take_article(walk_t *w, json_t *o)
{
    json_t *v;
    w->article_done = true;
    add(w, NW_META_HEADLINE, NW_TIER_JSONLD, json_object_get(o, "headline"));
    if (!json_object_get(o, "headline"))
        add(w, NW_META_HEADLINE, NW_TIER_JSONLD, json_object_get(o, "name"));
    if ((v = json_object_get(o, "datePublished")) || (v = json_object_get(o, "dateCreated")))
        add(w, NW_META_PUBLISHED, NW_TIER_JSONLD, v);
    add(w, NW_META_UPDATED, NW_TIER_JSONLD, json_object_get(o, "dateModified"));
    if ((v = json_object_get(o, "author")) || (v = json_object_get(o, "creator")))
        add_names(w, NW_META_AUTHOR, v);
    v = json_object_get(o, "inLanguage");
    if (json_is_object(v))
        v = json_object_get(v, "alternateName") ? json_object_get(v, "alternateName")
                                                : json_object_get(v, "name");
    add(w, NW_META_LANGUAGE, NW_TIER_JSONLD, v);
    add(w, NW_META_BODY, NW_TIER_JSONLD, json_object_get(o, "articleBody"));
    if ((v = json_object_get(o, "publisher")) && json_is_object(v)) {
        add(w, NW_META_SITE, NW_TIER_JSONLD, json_object_get(v, "name"));
        w->site_done = true;
    }
    v = json_object_get(o, "url");
    add(w, NW_META_URL, NW_TIER_JSONLD, v);
}

static void walk(walk_t *w, json_t *v, int depth)
{
    if (w->rc || depth > WALK_DEPTH_MAX || ++w->nodes > WALK_NODES_MAX)
        return;
    if (json_is_array(v)) {
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it) walk(w, it, depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    if (!w->article_done && has_type(v, article_types, sizeof(article_types) / sizeof(char *))) {
        take_article(w, v);
    } else if (!w->page_done && has_type(v, page_types, sizeof(page_types) / sizeof(char *))) {
        w->page_done = true;
        json_t *d = json_object_get(v, "datePublished");
        add(w, NW_META_PUBLISHED, NW_TIER_JSONLD_PAGE, d ? d : json_object_get(v, "dateCreated"));
        add(w, NW_META_UPDATED, NW_TIER_JSONLD_PAGE, json_object_get(v, "dateModified"));
        add(w, NW_META_LANGUAGE, NW_TIER_JSONLD_PAGE, json_object_get(v, "inLanguage"));
    } else if (!w->site_done && has_type(v, (const char *const[]){"WebSite"}, 1)) {
        w->site_done = true;
        add(w, NW_META_SITE, NW_TIER_JSONLD_PAGE, json_object_get(v, "name"));
    }
    /* Nested objects: @graph, mainEntity, itemListElement ... in document order. */
    const char *key;
    json_t *child;
    json_object_foreach(v, key, child)
    {
        if (json_is_object(child) || json_is_array(child))
            walk(w, child, depth + 1);
    }
}

int nw_jsonld_scan(const char *text, size_t len, nw_html_meta_t *meta)
{
    /* Repairs: control bytes (raw newlines in strings) become spaces, and
     * comment or CDATA wrappers are cut. */
    char *copy = malloc(len + 1);
    if (!copy)
        return NW_ERR_NOMEM;
    for (size_t i = 0; i < len; i++)
        copy[i] = (unsigned char)text[i] < 0x20 ? ' ' : text[i];
    copy[len] = '\0';
    /* The value starts at the first '{' or '[' past any comment or CDATA
     * opener; jansson stops at its end, so a closer after it does no harm. */
    const char *b = copy;
    const char *cdata = strstr(copy, "<![CDATA[");
    if (cdata && cdata - copy < 64)
        b = cdata + 9;
    size_t rest = len - (size_t)(b - copy);
    const char *open = memchr(b, '{', rest), *bracket = memchr(b, '[', rest);
    if (bracket && (!open || bracket < open))
        open = bracket;
    if (!open) {
        free(copy);
        return 0;
    }
    b = open;
    const char *e = copy + len;
    json_error_t jerr;
    json_t *root = json_loadb(b, (size_t)(e - b), JSON_DISABLE_EOF_CHECK, &jerr);
    walk_t w = {meta, 0, false, false, false, 0};
    if (root)
        walk(&w, root, 0);
    json_decref(root);
    free(copy);
    return w.rc;
}
