/*
 * What an element's class, id and a few other attributes say about its role,
 * for the main-content extraction (html_content.c).
 *
 * Pages name their parts: "story-body", "entry-content" and itemprop=
 * "articleBody" hold the article; "share-bar", "related-posts",
 * "cookie-banner", "newsletter-signup" and "comments" do not. The words are
 * matched as substrings of the lower-cased attribute, as readability and
 * trafilatura match them, and give a weight that the block scoring adds to a
 * container's score; a container named only by negative words, or hidden, is
 * "unlikely": its text is left out unless nothing else holds the article.
 */
#include <string.h>
#include <strings.h>

#include "parse/html_internal.h"

/* Parts of a page that are never the article. */
static const char *const unlikely_words[] = {
    "ad-break",     "advert",       "agegate",    "banner",    "breadcrumb",  "combx",
    "comment",      "community",    "consent",    "cookie",    "disqus",      "footer",
    "gdpr",         "masthead",     "menu",       "modal",     "navbar",      "newsletter",
    "outbrain",     "pagination",   "pager",      "paywall",   "popup",       "promo",
    "related",      "remark",       "replies",    "rss",       "share",       "shoutbox",
    "sidebar",      "signup",       "skyscraper", "social",    "sponsor",     "subscribe",
    "subscription", "taboola",      "teaser",     "toolbar",   "trending",    "widget",
    "most-read",    "mostread",     "recommend",  "more-from", "tags",        "topics",
    "author-bio",   "about-author", "author-box", "authorbox", "author-info",
};

/* Words that mark the article, or a container that may hold it. */
static const char *const positive_words[] = {
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "post", "story", "blog",
};

/* Words that lower a container's score without ruling it out. */
static const char *const negative_words[] = {
    "caption",  "contact", "credit", "hidden", "media", "meta", "scroll",
    "shopping", "byline",  "author", "header", "date",  "time", "nav",
};

/* s[0..n) is already lower case and NUL-terminated (see lower()). */
static bool contains(const char *s, size_t n, const char *word)
{
    (void)n;
    return strstr(s, word) != NULL;
}

/* Class and id values longer than this are scanned only up to it: the words
 * that matter come early, and the cap keeps each tag's cost bounded. */
#define NW_HTML_HINT_MAX 256

/* A lower-case, NUL-terminated copy of at most NW_HTML_HINT_MAX bytes of s
 * (a NUL inside the value ends it early, which only hides words). */
static size_t lower(const char *s, size_t n, char *dst)
{
    if (n > NW_HTML_HINT_MAX)
        n = NW_HTML_HINT_MAX;
    for (size_t i = 0; i < n; i++)
        dst[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    dst[n] = '\0';
    return n;
}

static bool any(const char *s, size_t n, const char *const *words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (contains(s, n, words[i]))
            return true;
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A class or id names an author's byline ("byline", "author-name", "by-line")
 * and not a box about the author or a list of them. */
static bool names_byline(const char *s, size_t n)
{
    if (contains(s, n, "bio") || contains(s, n, "avatar") || contains(s, n, "image") ||
        contains(s, n, "photo") || contains(s, n, "img"))
        return false;
    return contains(s, n, "byline") || contains(s, n, "by-line") || contains(s, n, "author");
}

nw_html_hint_t nw_html_hint(const char *s, const nw_html_tag_t *t)
{
    nw_html_hint_t h = {0, 0, 0};
    bool pos = false, unlikely = false, embed = false;
    for (size_t i = 0; i < t->n_attrs; i++) {
        const nw_html_attr_t *a = &t->attrs[i];
        const char *name = s + a->name.off;
        size_t nl = a->name.len;
        /* Only these names matter; href and src values are long. */
        if (nl < 2 || nl > 11 || !strchr("cirhas", name[0] | 0x20))
            continue;
        char v[NW_HTML_HINT_MAX + 1];
        size_t vl = lower(s + a->value.off, a->value.len, v);
        if (nl == 5 && strncasecmp(name, "class", 5) == 0) {
            uint32_t hash = 2166136261u; /* FNV-1a */
            for (size_t k = 0; k < vl; k++)
                hash = (hash ^ (unsigned char)v[k]) * 16777619u;
            h.cls = hash ? hash : 1;
        }
        if ((nl == 5 && strncasecmp(name, "class", 5) == 0) ||
            (nl == 2 && strncasecmp(name, "id", 2) == 0)) {
            if (any(v, vl, positive_words, COUNT(positive_words))) {
                h.weight += 25;
                pos = true;
            }
            if (any(v, vl, negative_words, COUNT(negative_words)))
                h.weight -= 25;
            if (any(v, vl, unlikely_words, COUNT(unlikely_words))) {
                h.weight -= 25;
                unlikely = true;
            }
            /* A post quoted in the article ("social-media-embed" around a
             * tweet) is part of it; an embedded comment thread is not. */
            if (contains(v, vl, "embed") && !contains(v, vl, "comment"))
                embed = true;
            if (names_byline(v, vl))
                h.flags |= NW_HINT_BYLINE;
            if (contains(v, vl, "caption") || contains(v, vl, "gallery") ||
                contains(v, vl, "slideshow") || contains(v, vl, "carousel"))
                h.flags |= NW_HINT_CAPTION;
        } else if (nl == 8 && strncasecmp(name, "itemprop", 8) == 0) {
            /* Whole values only: "commentText" is no article. */
            if (strcmp(v, "articlebody") == 0 || strcmp(v, "text") == 0 ||
                strcmp(v, "articletext") == 0)
                h.flags |= NW_HINT_ARTICLE;
            if (contains(v, vl, "author"))
                h.flags |= NW_HINT_BYLINE;
        } else if (nl == 3 && strncasecmp(name, "rel", 3) == 0) {
            if (contains(v, vl, "author"))
                h.flags |= NW_HINT_BYLINE;
        } else if (nl == 6 && strncasecmp(name, "hidden", 6) == 0) {
            h.flags |= NW_HINT_HIDDEN;
        } else if (nl == 11 && strncasecmp(name, "aria-hidden", 11) == 0) {
            if (vl == 4 && strncmp(v, "true", 4) == 0)
                h.flags |= NW_HINT_HIDDEN;
        } else if (nl == 5 && strncasecmp(name, "style", 5) == 0) {
            if (contains(v, vl, "display:none") || contains(v, vl, "display: none") ||
                contains(v, vl, "visibility:hidden"))
                h.flags |= NW_HINT_HIDDEN;
        } else if (nl == 4 && strncasecmp(name, "role", 4) == 0) {
            if (contains(v, vl, "navigation") || contains(v, vl, "complementary") ||
                contains(v, vl, "contentinfo") || contains(v, vl, "banner") ||
                contains(v, vl, "dialog") || contains(v, vl, "alert"))
                unlikely = true;
            if (contains(v, vl, "main") || contains(v, vl, "article"))
                pos = true;
        }
    }
    /* A container that may hold the article ("article-sidebar-wrapper") is
     * kept, as readability keeps it: only its score drops. */
    if (unlikely && !pos && !embed)
        h.flags |= NW_HINT_UNLIKELY;
    if (h.flags & (NW_HINT_HIDDEN))
        h.flags |= NW_HINT_UNLIKELY;
    if (h.flags & NW_HINT_ARTICLE)
        h.flags &= (unsigned)~NW_HINT_UNLIKELY;
    return h;
}
