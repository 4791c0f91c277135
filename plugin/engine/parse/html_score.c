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
#include <pthread.h>
#include <stdint.h>
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

/* Other words a class or id is read for (names_byline(), embeds, captions);
 * "comment", "byline", "author" and "caption" are in the lists above. */
static const char *const other_words[] = {
    "embed", "bio",     "avatar",  "image",     "photo",
    "img",   "by-line", "gallery", "slideshow", "carousel",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A class or id value is searched for every word above: one strstr() a
 * word was some ninety passes over each value, the largest part of reading
 * a tag. So the words are indexed by their first two bytes, and one pass
 * over the value tries, at each position, only the words that start with
 * the two bytes there. What is found is a set of word numbers: the lists'
 * words numbered in the order unlikely, positive, negative, other.
 */
#define N_WORDS                                                                                    \
    (COUNT(unlikely_words) + COUNT(positive_words) + COUNT(negative_words) + COUNT(other_words))
#define WORD_BUCKETS 1024

typedef struct words_found {
    uint64_t bit[(N_WORDS + 63) / 64];
} words_found_t;

static struct {
    const char *word[N_WORDS];
    uint8_t len[N_WORDS];
    uint8_t order[N_WORDS];          /* word numbers by bucket */
    uint8_t start[WORD_BUCKETS + 1]; /* bucket b: order[start[b], start[b + 1]) */
    words_found_t unlikely, positive, negative;
} words;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static unsigned bucket_of(unsigned char a, unsigned char b)
{
    return (unsigned)((a & 31) << 5 | (b & 31));
}

static void mark(words_found_t *f, size_t k)
{
    f->bit[k / 64] |= 1ULL << (k % 64);
}

static bool has(const words_found_t *f, size_t k)
{
    return f->bit[k / 64] >> (k % 64) & 1;
}

static bool any_of(const words_found_t *f, const words_found_t *set)
{
    for (size_t i = 0; i < COUNT(f->bit); i++)
        if (f->bit[i] & set->bit[i])
            return true;
    return false;
}

static void words_init(void)
{
    static const struct {
        const char *const *list;
        size_t n;
        words_found_t *set;
    } lists[] = {
        {unlikely_words, COUNT(unlikely_words), &words.unlikely},
        {positive_words, COUNT(positive_words), &words.positive},
        {negative_words, COUNT(negative_words), &words.negative},
        {other_words, COUNT(other_words), NULL},
    };
    size_t k = 0, count[WORD_BUCKETS + 1] = {0};
    for (size_t l = 0; l < COUNT(lists); l++)
        for (size_t i = 0; i < lists[l].n; i++, k++) {
            words.word[k] = lists[l].list[i];
            words.len[k] = (uint8_t)strlen(lists[l].list[i]);
            if (lists[l].set)
                mark(lists[l].set, k);
            count[bucket_of((unsigned char)words.word[k][0], (unsigned char)words.word[k][1]) +
                  1]++;
        }
    for (size_t b = 0; b < WORD_BUCKETS; b++)
        count[b + 1] += count[b];
    for (size_t b = 0; b <= WORD_BUCKETS; b++)
        words.start[b] = (uint8_t)count[b];
    for (k = 0; k < N_WORDS; k++)
        words.order[count[bucket_of((unsigned char)words.word[k][0],
                                    (unsigned char)words.word[k][1])]++] = (uint8_t)k;
}

/* The words that occur in v[0, n), lower case and NUL-terminated (see
 * lower()); a NUL inside it ends it, as it ended strstr()'s search. */
static words_found_t find_words(const char *v, size_t n)
{
    words_found_t f;
    memset(&f, 0, sizeof(f));
    n = strnlen(v, n);
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned b = bucket_of((unsigned char)v[i], (unsigned char)v[i + 1]);
        for (unsigned j = words.start[b]; j < words.start[b + 1]; j++) {
            size_t k = words.order[j];
            if (words.len[k] <= n - i && memcmp(v + i, words.word[k], words.len[k]) == 0)
                mark(&f, k);
        }
    }
    return f;
}

/* The number of `word` among the words of find_words(). */
static size_t word_no(const char *word)
{
    for (size_t k = 0; k < N_WORDS; k++)
        if (strcmp(words.word[k], word) == 0)
            return k;
    return N_WORDS; /* not a listed word: a programming error, found by the tests */
}

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

/* The numbers of the other words, looked up once. */
static struct {
    size_t embed, comment, bio, avatar, image, photo, img, byline, by_line, author, caption,
        gallery, slideshow, carousel;
} w_no;

static void numbers_init(void)
{
    words_init();
    w_no.embed = word_no("embed"), w_no.comment = word_no("comment"), w_no.bio = word_no("bio");
    w_no.avatar = word_no("avatar"), w_no.image = word_no("image"), w_no.photo = word_no("photo");
    w_no.img = word_no("img"), w_no.byline = word_no("byline"), w_no.by_line = word_no("by-line");
    w_no.author = word_no("author"), w_no.caption = word_no("caption");
    w_no.gallery = word_no("gallery"), w_no.slideshow = word_no("slideshow");
    w_no.carousel = word_no("carousel");
}

/* A class or id names an author's byline ("byline", "author-name", "by-line")
 * and not a box about the author or a list of them. */
static bool names_byline(const words_found_t *f)
{
    if (has(f, w_no.bio) || has(f, w_no.avatar) || has(f, w_no.image) || has(f, w_no.photo) ||
        has(f, w_no.img))
        return false;
    return has(f, w_no.byline) || has(f, w_no.by_line) || has(f, w_no.author);
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
            pthread_once(&words_once, numbers_init);
            words_found_t f = find_words(v, vl);
            if (any_of(&f, &words.positive)) {
                h.weight += 25;
                pos = true;
            }
            if (any_of(&f, &words.negative))
                h.weight -= 25;
            if (any_of(&f, &words.unlikely)) {
                h.weight -= 25;
                unlikely = true;
            }
            /* A post quoted in the article ("social-media-embed" around a
             * tweet) is part of it; an embedded comment thread is not. */
            if (has(&f, w_no.embed) && !has(&f, w_no.comment))
                embed = true;
            if (names_byline(&f))
                h.flags |= NW_HINT_BYLINE;
            if (has(&f, w_no.caption) || has(&f, w_no.gallery) || has(&f, w_no.slideshow) ||
                has(&f, w_no.carousel))
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
