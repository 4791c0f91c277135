/*
 * Main-content extraction: which of a page's text blocks are the article.
 *
 * The scan (html.c) leaves the page's visible text as blocks, each tied to
 * the innermost container (div, section, article ...) open around it, and
 * the containers as a tree in document order. Here, as readability does,
 * every paragraph-like block of some length scores its container (1 point,
 * one per comma, one per 100 bytes up to 3) and, less, the container's
 * ancestors; a container's class and id add or subtract (html_score.c);
 * a container's score is discounted by the share of its text inside links.
 * The best container, moved up to an ancestor when several good candidates
 * share it or to the itemprop="articleBody" around it, and its siblings and
 * same-class containers that score nearly as well are the content. Inside
 * it, link lists, containers named share/related/comments, captions and
 * bare widget labels are left out. The headline is the <h1> nearest the content, and the date and
 * byline lines and a lead paragraph between the headline and the content
 * are kept, so the text reader finds the same shape as in plain text.
 *
 * Containers named as not being the article are first left out entirely;
 * when that leaves too little text, a second pass counts them too, and when
 * that still finds no container with enough text, the caller keeps the
 * whole page. Every step is a bounded number of passes over the blocks and
 * nodes, walks up at most a few levels, or walks up once: linear.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "parse/html_internal.h"
#include "parse/timestamp.h"

/* Less text than this in the best container, and the page is no article
 * page the extraction can tell apart from its furniture. */
#define NW_CONTENT_MIN 250
/* Blocks shorter than this do not vote for their container (readability's figure). */
#define NW_SCORE_MIN_LEN 25
/* Byline markup holding more than this is a box about the author. */
#define NW_BYLINE_MAX 150
/* Timestamp lines are short (text.c reads only those up to 100 bytes). */
#define NW_DATE_LINE_MAX 100

enum {
    NODE_SCORED = 1 << 4,
    NODE_SELECTED = 1 << 5,
    NODE_CUT = 1 << 6, /* inside the content, but mostly links or named as not the article */
};

typedef struct extract {
    nw_html_doc_t *d;
    bool strict; /* leave unlikely containers and blocks out */
    uint32_t top;
} extract_t;

/* A teaser of another page ("Recommended for you" lists): a container of
 * its own that opens with a subheading linking elsewhere and holds a
 * paragraph or two of summary. An article's sections that open with a
 * linked heading hold more, or share one container. */
static bool teaser(const nw_html_doc_t *d, uint32_t node)
{
    const nw_html_node_t *n = &d->nodes[node];
    if (n->own_blocks < 2 || n->own_blocks > 3 || n->first_block == NW_HTML_NONE)
        return false;
    const nw_html_block_t *h = &d->blocks[n->first_block];
    return h->el >= EL_H2 && h->el <= EL_H6 && h->len > 0 && (uint64_t)h->links * 2 > h->len;
}

static bool block_counts(const extract_t *x, const nw_html_block_t *b)
{
    if (!x->strict)
        return true;
    return !(b->flags & BLOCK_UNLIKELY) && !(x->d->nodes[b->node].flags & NODE_UNLIKELY);
}

/* Bytes of a node's text outside links. The link count may run past the
 * text by the separators written inside a link. */
static uint32_t own_text(const nw_html_node_t *n)
{
    return n->text > n->links ? n->text - n->links : 0;
}

static bool within(const nw_html_node_t *nodes, uint32_t anc, uint32_t n)
{
    return n >= anc && n <= nodes[anc].last;
}

static int base_score(const nw_html_node_t *n)
{
    int s = n->weight;
    switch (n->el) {
    case EL_DIV:
        s += 5;
        break;
    case EL_BLOCKQUOTE:
    case EL_TABLE:
        s += 3;
        break;
    case EL_UL:
    case EL_OL:
    case EL_DL:
    case EL_FORM:
    case EL_ADDRESS:
        s -= 3;
        break;
    case EL_HEADER:
        s -= 5;
        break;
    default:
        break;
    }
    if (n->flags & NODE_ARTICLE)
        s += 15;
    return s;
}

static bool votes(uint8_t el)
{
    return el == 0 || el == EL_P || el == EL_PRE || el == EL_DD || el == EL_TD;
}

static size_t commas(const char *s, size_t n)
{
    size_t c = 0;
    for (const char *p = s; (p = memchr(p, ',', n - (size_t)(p - s))) != NULL; p++)
        c++;
    return c;
}

static void add_score(nw_html_node_t *nodes, uint32_t i, float s)
{
    nw_html_node_t *n = &nodes[i];
    if (!(n->flags & NODE_SCORED)) {
        n->flags |= NODE_SCORED;
        n->score = (float)base_score(n);
    }
    n->score += s;
}

/* Scores the containers and returns the best, or NW_HTML_NONE. */
static uint32_t score_nodes(extract_t *x)
{
    nw_html_doc_t *d = x->d;
    nw_html_node_t *nodes = d->nodes;
    for (size_t i = 0; i < d->n_nodes; i++) {
        nodes[i].text = nodes[i].links = 0;
        nodes[i].score = 0;
        nodes[i].flags &= (uint8_t) ~(NODE_SCORED | NODE_SELECTED | NODE_CUT);
    }
    for (size_t i = 0; i < d->n_blocks; i++) {
        const nw_html_block_t *b = &d->blocks[i];
        if (!block_counts(x, b))
            continue;
        nodes[b->node].text += b->len;
        nodes[b->node].links += b->links;
        if (!votes(b->el) || b->len < NW_SCORE_MIN_LEN || b->links * 2 > b->len ||
            teaser(d, b->node))
            continue;
        float len100 = (float)b->len / 100.0f;
        float s = 1.0f + (float)commas(d->text + b->off, b->len) + (len100 < 3 ? len100 : 3);
        uint32_t n = b->node;
        for (int level = 0; level < 5 && n != NW_HTML_NONE; level++, n = nodes[n].parent)
            add_score(nodes, n, level == 0 ? s : level == 1 ? s / 2 : s / (float)(level * 3));
    }
    /* Children follow their parent: one backward pass sums the subtrees. */
    for (size_t i = d->n_nodes; i-- > 1;) {
        nodes[nodes[i].parent].text += nodes[i].text;
        nodes[nodes[i].parent].links += nodes[i].links;
    }
    /* The best container with text enough to be an article, else the best:
     * a byline box named "article-meta" can outscore the story it heads. */
    uint32_t best = NW_HTML_NONE, best_any = NW_HTML_NONE;
    for (size_t i = 0; i < d->n_nodes; i++) {
        nw_html_node_t *n = &nodes[i];
        if (!(n->flags & NODE_SCORED))
            continue;
        if (x->strict && (n->flags & NODE_UNLIKELY))
            continue;
        if (n->text)
            n->score *= 1.0f - (float)n->links / (float)n->text;
        if (best_any == NW_HTML_NONE || n->score > nodes[best_any].score)
            best_any = (uint32_t)i;
        if (own_text(n) >= NW_CONTENT_MIN && (best == NW_HTML_NONE || n->score > nodes[best].score))
            best = (uint32_t)i;
    }
    return best != NW_HTML_NONE ? best : best_any;
}

/* Readability's two moves up the tree: to an ancestor shared by several
 * near-best candidates, and to a parent that scores better than the child. */
static uint32_t promote(extract_t *x, uint32_t top)
{
    nw_html_node_t *nodes = x->d->nodes;
    uint32_t alt[4];
    size_t n_alt = 0;
    for (size_t i = 0; i < x->d->n_nodes && n_alt < 4; i++)
        if (i != top && (nodes[i].flags & NODE_SCORED) &&
            nodes[i].score >= 0.75f * nodes[top].score && !within(nodes, (uint32_t)i, top) &&
            !within(nodes, top, (uint32_t)i))
            alt[n_alt++] = (uint32_t)i;
    if (n_alt >= 3) {
        for (uint32_t a = nodes[top].parent; a != NW_HTML_NONE && a != 0; a = nodes[a].parent) {
            size_t in = 0;
            for (size_t k = 0; k < n_alt; k++)
                in += within(nodes, a, alt[k]);
            if (in >= 3) {
                top = a;
                break;
            }
        }
    }
    /* The page's own word for it: itemprop="articleBody" around the best
     * container holds the rest of the article too (the text is often split
     * over several blocks). Not when it holds far more text: then it is a
     * page-wide wrapper. */
    for (uint32_t a = nodes[top].parent; a != NW_HTML_NONE && a != 0; a = nodes[a].parent) {
        if (!(nodes[a].flags & NODE_BODY))
            continue;
        if ((nodes[a].text - nodes[a].links) <= 3 * (nodes[top].text - nodes[top].links))
            top = a;
        break;
    }
    float last = nodes[top].score, threshold = last / 3;
    for (uint32_t p = nodes[top].parent; p != NW_HTML_NONE && p != 0; p = nodes[p].parent) {
        if (!(nodes[p].flags & NODE_SCORED))
            continue;
        if (nodes[p].score < threshold)
            break;
        if (nodes[p].score > last) {
            top = p;
            break;
        }
        last = nodes[p].score;
    }
    return top;
}

/* The <article> element that holds the page's first <h1>, or NW_HTML_NONE.
 * Pages that list other stories as <article>s too ("you may also like")
 * still put the headline in their own. */
static uint32_t headline_article(const nw_html_doc_t *d)
{
    for (size_t i = 0; i < d->n_blocks; i++) {
        if (d->blocks[i].el != EL_H1)
            continue;
        for (uint32_t a = d->blocks[i].node; a != NW_HTML_NONE && a != 0; a = d->nodes[a].parent)
            if (d->nodes[a].el == EL_ARTICLE)
                return a;
        return NW_HTML_NONE;
    }
    return NW_HTML_NONE;
}

/* A best container outside the headline's <article> is another story's
 * (a list of teasers whose summaries outscore the article); the headline's
 * <article> is the content when it holds enough text of its own. */
static uint32_t prefer_headline_article(const extract_t *x, uint32_t top)
{
    const nw_html_node_t *nodes = x->d->nodes;
    uint32_t a = headline_article(x->d);
    if (a == NW_HTML_NONE || within(nodes, a, top) || within(nodes, top, a))
        return top;
    if (x->strict && (nodes[a].flags & NODE_UNLIKELY))
        return top;
    return own_text(&nodes[a]) >= NW_CONTENT_MIN ? a : top;
}

static void mark_subtree(nw_html_node_t *nodes, uint32_t root)
{
    for (uint32_t i = root; i <= nodes[root].last; i++)
        nodes[i].flags |= NODE_SELECTED;
}

/* A paragraph directly beside the content that reads as prose. */
static bool prose_sibling(const nw_html_doc_t *d, const nw_html_block_t *b)
{
    if (b->el != EL_P || b->links * 4 > b->len)
        return false;
    if (b->len > 80)
        return true;
    const char *s = d->text + b->off;
    return b->links == 0 && b->len > 0 && (s[b->len - 1] == '.' || memmem(s, b->len, ". ", 2));
}

/* Selects the content: the top container and its good siblings. */
static void select_content(extract_t *x, uint32_t top, bool *direct_ok)
{
    nw_html_doc_t *d = x->d;
    nw_html_node_t *nodes = d->nodes;
    uint32_t parent = nodes[top].parent;
    *direct_ok = false;
    mark_subtree(nodes, top);
    if (parent != NW_HTML_NONE && top != 0) {
        float threshold = nodes[top].score * 0.2f;
        if (threshold < 10)
            threshold = 10;
        /* Beside the article's <article> element, another is another
         * story ("you may also like"), however well it scores. */
        bool story = nodes[top].el == EL_ARTICLE;
        for (uint32_t i = parent + 1; i <= nodes[parent].last; i = nodes[i].last + 1)
            if (i != top && !(story && nodes[i].el == EL_ARTICLE) &&
                (nodes[i].flags & NODE_SCORED) && nodes[i].score >= threshold &&
                !(nodes[i].flags & NODE_UNLIKELY_SELF) &&
                !(x->strict && (nodes[i].flags & NODE_UNLIKELY)))
                mark_subtree(nodes, i);
        *direct_ok = true;
        /* Blocks of one article often share the top's class and element
         * ("post__content" sections split by figures): good ones anywhere
         * join it (other <article>s are other stories). Index order visits
         * an outer one before its inner ones. */
        for (size_t i = 0; !story && nodes[top].cls && i < d->n_nodes; i++)
            if (nodes[i].cls == nodes[top].cls && nodes[i].el == nodes[top].el &&
                !(nodes[i].flags & NODE_SELECTED) && (nodes[i].flags & NODE_SCORED) &&
                nodes[i].score >= threshold && !(nodes[i].flags & NODE_UNLIKELY_SELF) &&
                !(x->strict && (nodes[i].flags & NODE_UNLIKELY)))
                mark_subtree(nodes, (uint32_t)i);
    }
    /* Inside the content, link lists ("more on this story") and containers
     * named share, comments, related ... are not the article. The selected
     * roots themselves are exempt: the second pass may have chosen one
     * inside a page-wide wrapper named "with-sidebar". Parents come before
     * their children, so one forward pass carries the cut down. */
    for (size_t i = 0; i < d->n_nodes; i++) {
        nw_html_node_t *n = &nodes[i];
        if (!(n->flags & NODE_SELECTED))
            continue;
        bool root = n->parent == NW_HTML_NONE || !(nodes[n->parent].flags & NODE_SELECTED);
        if (root)
            continue;
        bool linky = n->text > 0 && n->links * 2 > n->text && !(n->flags & NODE_ARTICLE);
        if (linky || (n->flags & NODE_UNLIKELY_SELF) || (nodes[n->parent].flags & NODE_CUT))
            n->flags |= NODE_CUT;
    }
}

static bool is_byline_block(const nw_html_block_t *b)
{
    return (b->flags & BLOCK_BYLINE) && b->len <= NW_BYLINE_MAX;
}

/* A few words of bare container text, not a sentence: the labels of a
 * player, a gallery or a form ("Embed", "1 / 8", "Close"). Paragraphs, list
 * items and headings are the page's own structure and are kept. */
static bool widget_text(const nw_html_doc_t *d, const nw_html_block_t *b)
{
    if (b->el != 0 || b->len >= 30)
        return false;
    char last = d->text[b->off + b->len - 1];
    return last != '.' && last != '!' && last != '?' && last != ':' && last != '"';
}

static bool in_content(const extract_t *x, const nw_html_block_t *b, bool direct_ok)
{
    const nw_html_node_t *n = &x->d->nodes[b->node];
    if (!block_counts(x, b) || (b->flags & BLOCK_UNLIKELY))
        return false;
    if ((uint64_t)b->links * 3 > (uint64_t)b->len * 2)
        return false;
    /* Captions describe pictures; the article's text does not include them. */
    if (b->el == EL_FIGCAPTION || (n->flags & NODE_FIGURE) || (b->flags & BLOCK_CAPTION))
        return false;
    if (widget_text(x->d, b) || teaser(x->d, b->node))
        return false;
    if (n->flags & NODE_SELECTED)
        return !(n->flags & NODE_CUT);
    return direct_ok && b->node == x->d->nodes[x->top].parent && prose_sibling(x->d, b);
}

static bool starts_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && strncasecmp(s, p, k) == 0;
}

/* Appends a byline block as a line the text reader takes as one. */
static void put_byline(nw_buf_t *res, const char *s, size_t n)
{
    /* Cut at what usually follows the name: a separator and a date. */
    static const char *const seps[] = {
        " | ",        "\n",         " \xE2\x80\xA2 ", " \xC2\xB7 ", " - ",       " January",
        " February",  " March",     " April",         " May ",      " June",     " July",
        " August",    " September", " October",       " November",  " December", " Updated",
        " Published", " Posted",    " on ",
    };
    for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
        const char *c = memmem(s, n, seps[i], strlen(seps[i]));
        if (c)
            n = (size_t)(c - s);
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9') {
            n = i; /* names have no digits; dates and times do */
            break;
        }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == ','))
        n--;
    if (n == 0)
        return;
    if (res->len)
        nw_buf_append(res, "\n\n", 2);
    if (!starts_ci(s, n, "by ") && !starts_ci(s, n, "by:") && !starts_ci(s, n, "reported by") &&
        !starts_ci(s, n, "written by"))
        nw_buf_puts(res, "Reported by: ");
    nw_buf_append(res, s, n);
}

static void put_block(nw_buf_t *res, const char *label, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (res->len)
        nw_buf_append(res, "\n\n", 2);
    nw_buf_puts(res, label);
    nw_buf_append(res, s, n);
}

/* The length of the page's <title> without a site name after the last
 * " | " or " - ". */
static size_t title_len(const nw_buf_t *title)
{
    const char *s = title->data;
    size_t n = title->len;
    static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: "};
    size_t cut = n;
    for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
        size_t k = strlen(seps[i]);
        for (size_t j = n; j >= k + 20; j--)
            if (memcmp(s + j - k, seps[i], k) == 0) {
                if (cut == n || j - k > cut)
                    cut = j - k;
                break;
            }
    }
    return cut;
}

static void put_title(nw_buf_t *res, const nw_buf_t *title)
{
    put_block(res, "", title->data, title_len(title));
}

/* A visible date line near the headline ("Updated 5 March 2024 10:00").
 * When the page's metadata gives the same time (published, or modified for
 * an Updated line), the machine-readable value is trusted and the visible
 * line left out: such lines are often partial ("2 hours ago", no zone) and
 * would only give the reader a way to fail. */
static bool is_date_line(const nw_html_doc_t *d, const nw_html_block_t *b)
{
    size_t rest;
    if (b->len > NW_DATE_LINE_MAX)
        return false;
    nw_ts_label_t label = nw_timestamp_label(d->text + b->off, b->len, &rest);
    if (label == NW_TS_UPDATED)
        return d->modified->len == 0;
    return label != NW_TS_NONE && d->published->len == 0;
}

static uint32_t lca(const nw_html_node_t *nodes, uint32_t a, uint32_t b)
{
    while (a != NW_HTML_NONE && !within(nodes, a, b))
        a = nodes[a].parent;
    return a == NW_HTML_NONE ? 0 : a;
}

bool nw_html_content_assemble(nw_html_doc_t *d, nw_buf_t *res)
{
    if (d->n_blocks == 0 || d->n_nodes == 0)
        return false;
    extract_t x = {d, true, NW_HTML_NONE};
    bool direct_ok = false;
    size_t first = SIZE_MAX, kept = 0;
    for (int pass = 0; pass < 2; pass++) {
        x.strict = pass == 0;
        x.top = score_nodes(&x);
        if (x.top == NW_HTML_NONE)
            continue;
        x.top = prefer_headline_article(&x, promote(&x, x.top));
        select_content(&x, x.top, &direct_ok);
        first = SIZE_MAX;
        kept = 0;
        for (size_t i = 0; i < d->n_blocks; i++)
            if (in_content(&x, &d->blocks[i], direct_ok) && !is_byline_block(&d->blocks[i])) {
                if (first == SIZE_MAX)
                    first = i;
                kept += d->blocks[i].len;
            }
        if (kept >= NW_CONTENT_MIN)
            break;
    }
    if (kept < NW_CONTENT_MIN)
        return false;

    /* The headline: the last <h1> before the content, else the first in it. */
    size_t head = SIZE_MAX;
    for (size_t i = 0; i < d->n_blocks; i++) {
        if (d->blocks[i].el != EL_H1)
            continue;
        if (i < first || head == SIZE_MAX)
            head = i;
        if (i > first)
            break;
    }
    /* The lead: blocks of the smallest container holding both headline and content. */
    uint32_t region = head == SIZE_MAX ? x.top : lca(d->nodes, d->blocks[head].node, x.top);

    put_block(res, "Updated ", d->modified->data, d->modified->len);
    /* Date lines above the headline stay above it, as the page shows them. */
    for (size_t i = 0; head != SIZE_MAX && i < head; i++)
        if (is_date_line(d, &d->blocks[i]) && within(d->nodes, region, d->blocks[i].node))
            put_block(res, "", d->text + d->blocks[i].off, d->blocks[i].len);
    if (head != SIZE_MAX)
        put_block(res, "", d->text + d->blocks[head].off, d->blocks[head].len);
    else if (d->title->len)
        put_title(res, d->title);
    bool byline = false, lead_para = false;
    for (size_t i = 0; i < d->n_blocks; i++) {
        const nw_html_block_t *b = &d->blocks[i];
        const char *s = d->text + b->off;
        if (i == head || (i < head && head != SIZE_MAX && is_date_line(d, b)))
            continue;
        bool content = in_content(&x, b, direct_ok);
        if (is_byline_block(b) && within(d->nodes, region, b->node)) {
            if (!byline)
                put_byline(res, s, b->len);
            byline = true;
            continue;
        }
        if (i < first && within(d->nodes, region, b->node) && !content) {
            bool date = is_date_line(d, b);
            bool lead = !lead_para && i > head && head != SIZE_MAX && b->el == EL_P &&
                        b->len >= 60 && b->links * 4 < b->len && !(b->flags & BLOCK_UNLIKELY) &&
                        !(d->nodes[b->node].flags & NODE_FIGURE) && !(b->flags & BLOCK_CAPTION);
            /* The lead picture's caption stays; a caption that is a link
             * belongs to another story's teaser. */
            if (date || lead || (b->el == EL_FIGCAPTION && b->links * 2 <= b->len))
                put_block(res, "", s, b->len);
            lead_para |= lead;
            continue;
        }
        if (!content)
            continue;
        if (!byline && d->author->len) {
            /* No visible byline: the meta author's line goes before the body. */
            put_block(res, "Reported by: ", d->author->data, d->author->len);
            byline = true;
        }
        put_block(res, "", s, b->len);
    }
    put_block(res, "Published ", d->published->data, d->published->len);
    if (res->len)
        nw_buf_putc(res, '\n');
    return true;
}

/* ---- the whole page, when no container clearly holds the article ---- */

/* Does the visible text already carry a byline? */
static bool has_byline(const char *s, size_t len)
{
    static const char *const labels[] = {"reported by", "written by", "by ", "by:"};
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) : len;
        for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
            if (starts_ci(s + i, end - i, labels[k]))
                return true;
        i = end + 1;
    }
    return false;
}

void nw_html_whole_assemble(const nw_html_doc_t *d, size_t h1_end, bool title_first, nw_buf_t *res)
{
    const char *body = d->text;
    size_t len = d->text_len, split = len;
    /* A page with no <h1> would otherwise give its first line of text, often
     * the article's first paragraph, to the headline. */
    if (title_first && h1_end == SIZE_MAX && d->title->len) {
        size_t n = title_len(d->title);
        const char *blank = memmem(body, len, "\n\n", 2);
        size_t first = blank ? (size_t)(blank - body) : len;
        if (first != n || memcmp(body, d->title->data, n) != 0)
            put_title(res, d->title);
    }
    bool byline = d->author->len > 0 && !has_byline(body, len);
    if (byline) {
        if (h1_end != SIZE_MAX) {
            split = h1_end;
        } else {
            /* No headline element: the first block stands in for it. */
            const char *blank = memmem(body, len, "\n\n", 2);
            split = blank ? (size_t)(blank - body) : len;
        }
    }
    put_block(res, "Updated ", d->modified->data, d->modified->len);
    put_block(res, "", body, split);
    if (byline)
        put_block(res, "Reported by: ", d->author->data, d->author->len);
    while (split < len && (body[split] == '\n' || body[split] == ' '))
        split++;
    put_block(res, "", body + split, len - split);
    put_block(res, "Published ", d->published->data, d->published->len);
    if (res->len)
        nw_buf_putc(res, '\n');
}
