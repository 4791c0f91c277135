/*
 * nw_html_to_text(): an article page's HTML reduced to the plain-text layout
 * the text reader understands (see html.h).
 *
 * One forward pass over the bytes, no DOM. Text goes straight to the output
 * through a writer that owes whitespace lazily: a space is written only
 * between two pieces of text on the same line, and a block boundary only
 * before the next text, so lines come out trimmed, blank lines never double
 * up and empty blocks leave no trace. A small stack of open container
 * elements tells when a dropped subtree (nav, aside, footer ...) ends,
 * including when a missing close tag is implied by an ancestor's. Alongside,
 * the pass records each block of text and the containers that hold text
 * (what their class and id say, their nesting) for the main-content
 * extraction in html_content.c, which then writes the article's part.
 *
 * Every search that can fail (for '>', a closing quote, "-->", a raw-text
 * close tag) records where it failed, so hostile input such as a megabyte of
 * "<a" or "<!--" is scanned a bounded number of times: the pass is linear.
 * Tags are tokenised in html_tags.c, references decoded in html_entities.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <strings.h>

#include "core/buf.h"
#include "core/scratch.h"
#include "parse/html.h"
#include "core/utf8.h"
#include "parse/html_internal.h"

#define NW_HTML_STACK_MAX 4096 /* deeper nesting is counted, not tracked */

/* Text with whitespace owed rather than written (see the file comment). */
typedef struct writer {
    nw_buf_t *buf;
    int pending_nl;  /* newlines owed before the next text: 1 after <br>, 2 between blocks */
    bool pending_sp; /* whitespace seen since the last text on this line */
} writer_t;

typedef struct scanner {
    const char *s;
    size_t len;
    nw_buf_t out;
    writer_t w;
    /* Open container elements (stack[], last in the struct, holds the
     * first `depth` of them); `dropped` counts the F_DROP ones among them,
     * the lowest of which (when dropped > 0) is at stack[first_drop]. */
    size_t depth, overflow, dropped, first_drop;
    size_t open[EL__COUNT];
    /* Known failures of the tokeniser's searches and of "-->" and "]]>". */
    nw_html_marks_t marks;
    size_t no_comment_end_from, no_cdata_end_from;
    /* The outermost open <form>, dropped retroactively (see push()). */
    bool form_open, form_keep;
    size_t form_index, form_start;
    /* The first <h1> with text: the author line goes after it. */
    bool in_h1, h1_text, h1_done;
    size_t h1_end;
    nw_buf_t published, modified, author, title;
    /* For the main-content extraction (html_content.c): the container tree
     * (node_stack[i] is stack[i]'s node, or NW_HTML_NONE past the node cap),
     * the blocks of text, and what the next block inherits. */
    nw_html_node_t *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *node_stack; /* grows with the depth: most pages stay under 64 */
    size_t node_stack_cap;
    nw_html_block_t *blocks;
    size_t n_blocks, cap_blocks;
    bool in_a, byline_pending, block_unlikely, block_caption, tree_oom;
    uint8_t block_el;
    /* Last, so that it is not cleared: nothing reads it at or past depth. */
    uint8_t stack[NW_HTML_STACK_MAX];
} scanner_t;

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- the writer ---- */

static void put_text(writer_t *w, const char *b, size_t n)
{
    if (w->buf->len > 0) {
        if (w->pending_nl)
            nw_buf_append(w->buf, "\n\n", (size_t)w->pending_nl);
        else if (w->pending_sp)
            nw_buf_putc(w->buf, ' ');
    }
    w->pending_nl = 0;
    w->pending_sp = false;
    nw_buf_append(w->buf, b, n);
}

static void put_cp(writer_t *w, uint32_t cp)
{
    /* &nbsp; and &#10; are layout, not text: they collapse like spaces. */
    if (cp == 0xA0 || (cp < 0x80 && nw_html_is_space((unsigned char)cp))) {
        w->pending_sp = true;
        return;
    }
    put_text(w, "", 0);
    nw_utf8_encode(w->buf, cp);
}

/* A byte write_text() copies as it is: no whitespace, no character
 * reference's '&', no first byte of a (possible) U+00A0. */
static inline bool plain_text_byte(unsigned char c)
{
    return !nw_html_is_space(c) && c != '&' && c != 0xC2;
}

#ifdef __SSE2__
/* Where a run of plain bytes and single spaces that continues at s[j]
 * (after a plain byte) stops being one that 16-byte steps can take: each
 * step has only plain bytes and spaces, no two spaces in a row, and a
 * space at its end only before a plain byte, so write_text()'s byte loop
 * would take all of it too. */
static size_t plain_run16(const char *s, size_t n, size_t j)
{
    while (j + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        /* \t \n \v \f \r: x - 9 below 5, unsigned (compared with the sign
         * bit flipped, as SSE2 compares signed bytes). */
        __m128i ws = _mm_cmplt_epi8(
            _mm_xor_si128(_mm_sub_epi8(x, _mm_set1_epi8(9)), _mm_set1_epi8((char)0x80)),
            _mm_set1_epi8((char)(0x80 + 5)));
        __m128i bad = _mm_or_si128(ws, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('&')),
                                                    _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2))));
        unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
        unsigned badm = (unsigned)_mm_movemask_epi8(bad);
        if (badm || (sp & (sp >> 1)) ||
            ((sp & 0x8000) && (j + 16 >= n || !plain_text_byte((unsigned char)s[j + 16])))) {
            /* The step's bytes before the first that stops it (one not
             * plain, or a space not followed by a plain byte) are taken
             * too, rather than by the byte loop one at a time. */
            unsigned stop = badm | (sp & ((badm | sp) >> 1)) | (sp & 0x8000);
            return j + (size_t)__builtin_ctz(stop);
        }
        j += 16;
    }
    return j;
}
#endif

/* Writes s[0..n) as text; `decode` resolves character references (not in
 * CDATA). A raw U+00A0 counts as whitespace, as &nbsp; does. */
static void write_text(writer_t *w, const char *s, size_t n, bool decode)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (nw_html_is_space(c)) {
            w->pending_sp = true;
            i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            w->pending_sp = true;
            i += 2;
        } else if (c == '&' && decode) {
            uint32_t cp;
            size_t used = nw_html_ref_decode(s + i, n - i, &cp);
            if (used) {
                put_cp(w, cp);
                i += used;
            } else {
                put_text(w, "&", 1);
                i++;
            }
        } else {
            /* A run of plain bytes, single spaces between words included:
             * a lone ' ' before a plain byte comes out as that same space,
             * so the run goes out in one append, not one per word. */
            size_t j = i + 1;
            for (;;) {
#ifdef __SSE2__
                j = plain_run16(s, n, j);
#endif
                while (j < n && plain_text_byte((unsigned char)s[j]))
                    j++;
                if (j + 1 < n && s[j] == ' ' && plain_text_byte((unsigned char)s[j + 1])) {
                    j += 2;
                    continue;
                }
                break;
            }
            put_text(w, s + i, j - i);
            i = j;
        }
    }
}

static void block_break(scanner_t *st)
{
    st->w.pending_nl = 2;
}

static void line_break(scanner_t *st)
{
    if (st->w.pending_nl < 2)
        st->w.pending_nl++;
}

static void end_h1(scanner_t *st)
{
    if (st->in_h1 && st->h1_text)
        st->h1_done = true;
    st->in_h1 = false;
}

/* ---- the open-element stack ---- */

/* A <form> is dropped when it closes, not when it opens: some sites wrap the
 * whole page in one form, so a form that turned out to hold the article (an
 * <h1>, <article> or <main>) is kept and any other is cut from the output. */
static void end_form(scanner_t *st, bool truncate)
{
    st->form_open = false;
    if (!truncate || st->form_keep || st->out.len <= st->form_start)
        return;
    if (st->in_h1 || (st->h1_done && st->h1_end > st->form_start))
        return;
    st->out.len = st->form_start;
    st->out.data[st->out.len] = '\0';
    while (st->n_blocks > 0 && st->blocks[st->n_blocks - 1].off >= st->out.len)
        st->n_blocks--;
    if (st->n_blocks > 0) {
        nw_html_block_t *b = &st->blocks[st->n_blocks - 1];
        if (b->off + b->len > st->out.len)
            b->len = (uint32_t)(st->out.len - b->off);
    }
    st->w.pending_nl = st->out.len ? 2 : 0;
    st->w.pending_sp = false;
}

/* The innermost open container's node. */
static uint32_t current_node(const scanner_t *st)
{
    return st->depth ? st->node_stack[st->depth - 1] : 0;
}

/* Adds a node for a container opening now; NW_HTML_NONE when out of memory
 * (the extraction is then skipped and the whole text kept). */
static uint32_t add_node(scanner_t *st, nw_html_el_t el, nw_html_hint_t h)
{
    if (st->tree_oom)
        return NW_HTML_NONE;
    if (st->n_nodes == st->cap_nodes) {
        size_t cap = st->cap_nodes ? st->cap_nodes * 2 : 64;
        nw_html_node_t *n = cap < UINT32_MAX ? realloc(st->nodes, cap * sizeof(*n)) : NULL;
        if (!n) {
            st->tree_oom = true;
            return NW_HTML_NONE;
        }
        st->nodes = n;
        st->cap_nodes = cap;
    }
    uint32_t parent = st->n_nodes ? current_node(st) : NW_HTML_NONE;
    nw_html_node_t *n = &st->nodes[st->n_nodes];
    memset(n, 0, sizeof(*n));
    n->parent = parent;
    n->first_block = NW_HTML_NONE;
    n->el = (uint8_t)el;
    n->weight = (int16_t)h.weight;
    n->cls = h.cls;
    if (parent != NW_HTML_NONE && (st->nodes[parent].flags & NODE_UNLIKELY))
        n->flags |= NODE_UNLIKELY;
    if (h.flags & NW_HINT_UNLIKELY)
        n->flags |= NODE_UNLIKELY | NODE_UNLIKELY_SELF;
    if (el == EL_ARTICLE || el == EL_MAIN || (h.flags & NW_HINT_ARTICLE))
        n->flags |= NODE_ARTICLE;
    if (h.flags & NW_HINT_ARTICLE)
        n->flags |= NODE_BODY;
    if (el == EL_FIGURE || (h.flags & NW_HINT_CAPTION) ||
        (parent != NW_HTML_NONE && (st->nodes[parent].flags & NODE_FIGURE)))
        n->flags |= NODE_FIGURE;
    return (uint32_t)st->n_nodes++;
}

/* A container closes: its subtree is complete. One that holds no text is
 * forgotten, so markup without text (empty divs) costs no memory. */
static void close_node(scanner_t *st, uint32_t idx)
{
    if (idx == NW_HTML_NONE || st->tree_oom)
        return;
    st->nodes[idx].last = (uint32_t)(st->n_nodes - 1);
    if (idx > 0 && idx == st->n_nodes - 1 &&
        (st->n_blocks == 0 || st->blocks[st->n_blocks - 1].node != idx))
        st->n_nodes--;
}

static void push(scanner_t *st, nw_html_el_t el, nw_html_hint_t h)
{
    if (st->depth == NW_HTML_STACK_MAX) {
        st->overflow++;
        return;
    }
    if (st->depth == st->node_stack_cap) {
        size_t cap = st->node_stack_cap ? st->node_stack_cap * 2 : 64;
        uint32_t *ns = realloc(st->node_stack, cap * sizeof(*ns));
        if (!ns) {
            /* Without it the tree is lost: the whole text is kept instead. */
            st->tree_oom = true;
            st->overflow++;
            return;
        }
        st->node_stack = ns;
        st->node_stack_cap = cap;
    }
    st->node_stack[st->depth] = add_node(st, el, h);
    if (el == EL_FORM && !st->form_open && st->dropped == 0) {
        st->form_open = true;
        st->form_keep = false;
        st->form_index = st->depth;
        st->form_start = st->out.len;
    }
    if ((nw_html_elements[el].flags & F_DROP) && st->dropped++ == 0)
        st->first_drop = st->depth;
    st->stack[st->depth++] = (uint8_t)el;
    st->open[el]++;
}

/* Pops down to `depth` entries. `truncate` is false when the end of the
 * document, not the page's markup, closes the elements. */
static void pop_to(scanner_t *st, size_t depth, bool truncate)
{
    while (st->depth > depth) {
        nw_html_el_t el = (nw_html_el_t)st->stack[--st->depth];
        close_node(st, st->node_stack[st->depth]);
        st->open[el]--;
        if (nw_html_elements[el].flags & F_DROP)
            st->dropped--;
        if (st->form_open && st->depth == st->form_index)
            end_form(st, truncate);
    }
}

/* Closes the innermost open `el` and everything opened inside it. */
static void close_element(scanner_t *st, nw_html_el_t el, bool truncate)
{
    if (!st->open[el])
        return;
    size_t i = st->depth;
    while (i > 0 && st->stack[i - 1] != el)
        i--;
    pop_to(st, i - 1, truncate);
}

/* <main> never sits inside nav, aside, footer or a dialog: one of those still
 * open when it starts lost its close tag, and must not swallow the article. */
static void close_dropped(scanner_t *st)
{
    if (st->dropped)
        pop_to(st, st->first_drop, true);
}

/* ---- markup ---- */

/* Decodes an attribute value into dst: references resolved, whitespace
 * collapsed and trimmed. */
static void decode_value(const char *s, nw_html_span_t v, nw_buf_t *dst)
{
    writer_t w = {dst, 0, false};
    write_text(&w, s + v.off, v.len, true);
}

static bool attr_is(const char *s, nw_html_span_t sp, const char *word)
{
    size_t n = strlen(word);
    return sp.len == n && strncasecmp(s + sp.off, word, n) == 0;
}

/* <meta property|name="article:published_time|article:modified_time|author"
 * content="...">; the first non-empty value of each wins. */
static void take_meta(scanner_t *st, const nw_html_tag_t *t)
{
    const char *s = st->s;
    nw_buf_t *target = NULL;
    const nw_html_attr_t *content = NULL;
    for (size_t i = 0; i < t->n_attrs; i++) {
        const nw_html_attr_t *a = &t->attrs[i];
        if (attr_is(s, a->name, "content")) {
            content = a;
        } else if (attr_is(s, a->name, "property") || attr_is(s, a->name, "name")) {
            if (attr_is(s, a->value, "article:published_time"))
                target = &st->published;
            else if (attr_is(s, a->value, "article:modified_time"))
                target = &st->modified;
            else if (attr_is(s, a->value, "author"))
                target = &st->author;
        }
    }
    if (!target || !content || target->len > 0)
        return;
    decode_value(s, content->value, target);
    /* Some sites put a profile URL in the author field; that is no byline. */
    if (target == &st->author && target->len >= 4 && strncasecmp(target->data, "http", 4) == 0)
        nw_buf_reset(target);
}

/* Text was written from out[before]; `fresh` when it began a new block. */
static void note_text(scanner_t *st, size_t before, bool fresh)
{
    if (st->tree_oom || st->out.len >= UINT32_MAX)
        return;
    if (fresh || st->n_blocks == 0) {
        if (st->n_blocks == st->cap_blocks) {
            size_t cap = st->cap_blocks ? st->cap_blocks * 2 : 64;
            nw_html_block_t *b = realloc(st->blocks, cap * sizeof(*b));
            if (!b) {
                st->tree_oom = true;
                return;
            }
            st->blocks = b;
            st->cap_blocks = cap;
        }
        nw_html_block_t *b = &st->blocks[st->n_blocks++];
        b->off = (uint32_t)(before == 0 ? 0 : before + 2);
        b->len = b->links = 0;
        b->node = current_node(st);
        b->el = st->block_el;
        b->flags = (uint8_t)((st->block_unlikely ? BLOCK_UNLIKELY : 0) |
                             (st->block_caption ? BLOCK_CAPTION : 0));
        if (b->node == NW_HTML_NONE) /* past the stack cap: the nearest tracked one */
            for (size_t i = st->depth; i-- > 0 && b->node == NW_HTML_NONE;)
                b->node = st->node_stack[i];
        if (b->node == NW_HTML_NONE)
            b->node = 0;
        nw_html_node_t *n = &st->nodes[b->node];
        if (n->first_block == NW_HTML_NONE)
            n->first_block = (uint32_t)(st->n_blocks - 1);
        if (n->own_blocks < UINT8_MAX)
            n->own_blocks++;
    }
    nw_html_block_t *b = &st->blocks[st->n_blocks - 1];
    if (st->byline_pending) {
        b->flags |= BLOCK_BYLINE;
        st->byline_pending = false;
    }
    b->len = (uint32_t)(st->out.len - b->off);
    if (st->in_a)
        b->links += (uint32_t)(st->out.len - before);
}

/* <title>: its text s[from..) up to the close tag that ends at e. */
static void take_title(scanner_t *st, size_t from, size_t e)
{
    size_t end = e;
    while (end > from && st->s[end - 1] != '<')
        end--;
    if (end > from)
        end--;
    nw_html_span_t v = {from, end - from};
    decode_value(st->s, v, &st->title);
}

static void close_head(scanner_t *st)
{
    if (st->open[EL_HEAD])
        close_element(st, EL_HEAD, true);
}

/* Text between markup, s[from..to). */
static void text(scanner_t *st, size_t from, size_t to, bool decode)
{
    if (st->open[EL_HEAD]) {
        /* Visible text means the page forgot </head> (as browsers assume). */
        size_t i = from;
        while (i < to && nw_html_is_space((unsigned char)st->s[i]))
            i++;
        if (i < to)
            close_head(st);
    }
    if (st->dropped)
        return;
    size_t before = st->out.len;
    bool fresh = before == 0 || st->w.pending_nl == 2;
    write_text(&st->w, st->s + from, to - from, decode);
    if (st->out.len != before)
        note_text(st, before, fresh);
    if (st->in_h1 && st->out.len != before) {
        st->h1_text = true;
        st->h1_end = st->out.len;
    }
}

/* <a href="#section">: a link within the page (a heading's permalink, a
 * table of contents) leads to no other page and is text like any other. */
static bool fragment_link(const char *s, const nw_html_tag_t *t)
{
    for (size_t i = 0; i < t->n_attrs; i++)
        if (attr_is(s, t->attrs[i].name, "href"))
            return t->attrs[i].value.len > 0 && s[t->attrs[i].value.off] == '#' &&
                   t->attrs[i].value.len > 1;
    return false;
}

static size_t start_tag(scanner_t *st, const nw_html_tag_t *t)
{
    nw_html_el_t el = t->el;
    unsigned f = nw_html_elements[el].flags;
    if (el == EL_META) {
        take_meta(st, t);
        return t->end;
    }
    if (!(f & F_HEAD))
        close_head(st);
    if (f & F_RAW) {
        if (t->self_closing)
            return t->end;
        size_t e = nw_html_raw_end(st->s, st->len, t->end, el, &st->marks);
        if (e != NW_HTML_NO_MATCH) {
            if (el == EL_TITLE && st->title.len == 0)
                take_title(st, t->end, e);
            return e;
        }
        /* Unterminated: code would only pollute the text, so it runs to the
         * end; anything else (an <svg> icon, <noscript>) ends at the next tag. */
        if (f & F_CODE)
            return st->len;
        const char *lt = memchr(st->s + t->end, '<', st->len - t->end);
        return lt ? (size_t)(lt - st->s) : st->len;
    }
    if (el == EL_MAIN)
        close_dropped(st);
    /* The page's own classes ("article-page inline-gallery") describe the
     * kind of page, not a part of it: readability skips them too. */
    nw_html_hint_t h = {0, 0, 0};
    if (t->n_attrs && el != EL_BODY && el != EL_HTML)
        h = nw_html_hint(st->s, t);
    if (h.flags & NW_HINT_BYLINE)
        st->byline_pending = true;
    if (el == EL_A && !t->self_closing && !fragment_link(st->s, t))
        st->in_a = true;
    if (st->dropped == 0 && (f & F_BLOCK) && !(f & F_TRACK)) {
        st->block_el = (uint8_t)el;
        st->block_unlikely = (h.flags & NW_HINT_UNLIKELY) != 0;
        st->block_caption = (h.flags & NW_HINT_CAPTION) != 0;
    } else if (st->dropped == 0 && (f & F_BLOCK)) {
        st->block_el = 0;
        st->block_unlikely = st->block_caption = false;
    }
    if (st->dropped == 0) {
        if (st->in_h1 && (f & F_H1STOP))
            end_h1(st);
        if (f & F_BLOCK)
            block_break(st);
        else if (el == EL_BR)
            line_break(st);
        else if (f & F_CELL)
            st->w.pending_sp = true;
        if (el == EL_H1 && !st->h1_done) {
            st->in_h1 = true;
            st->h1_text = false;
        }
        if (st->form_open && (el == EL_H1 || el == EL_ARTICLE || el == EL_MAIN))
            st->form_keep = true;
    }
    if ((f & F_TRACK) && !t->self_closing)
        push(st, el, h);
    return t->end;
}

static size_t end_tag(scanner_t *st, const nw_html_tag_t *t)
{
    nw_html_el_t el = t->el;
    unsigned f = nw_html_elements[el].flags;
    if (el == EL_BODY || el == EL_HTML) {
        /* Nothing opened inside the body outlives it: this is where an
         * unclosed nav or aside stops dropping text. */
        pop_to(st, 0, false);
        st->overflow = 0;
    } else if (f & F_TRACK) {
        if (st->overflow)
            st->overflow--;
        else
            close_element(st, el, true);
    }
    if (el == EL_A)
        st->in_a = false;
    if (st->dropped)
        return t->end;
    if (f & F_BLOCK) {
        st->block_el = 0;
        st->block_unlikely = st->block_caption = false;
    }
    if ((el == EL_H1 || el == EL_HEADER) && st->in_h1)
        end_h1(st);
    if (f & F_BLOCK)
        block_break(st);
    else if (el == EL_BR) /* browsers read </br> as <br> */
        line_break(st);
    else if (f & F_CELL)
        st->w.pending_sp = true;
    return t->end;
}

/* The end of markup that closes with `term`; when it is missing, the markup
 * ends at the next '>', and with no '>' it is text, or with `to_end` runs to
 * the end of the input. `cache` records a failed search for `term`. Returns
 * NW_HTML_NO_MATCH for text. */
static size_t until(scanner_t *st, size_t from, const char *term, size_t *cache, bool to_end)
{
    const char *s = st->s;
    size_t len = st->len, n = strlen(term);
    if (from < *cache && from < len) {
        const char *e = memmem(s + from, len - from, term, n);
        if (e)
            return (size_t)(e - s) + n;
        *cache = from;
    }
    const char *gt = NULL;
    if (from < st->marks.no_gt_from && from < len) {
        gt = memchr(s + from, '>', len - from);
        if (!gt)
            st->marks.no_gt_from = from;
    }
    if (gt)
        return (size_t)(gt - s) + 1;
    return to_end ? len : NW_HTML_NO_MATCH;
}

/* Markup at s[p] == '<'. Returns where scanning resumes. */
static size_t markup(scanner_t *st, size_t p)
{
    const char *s = st->s;
    size_t n = st->len - p, e = NW_HTML_NO_MATCH;
    nw_html_tag_t t;
    if (n >= 4 && memcmp(s + p, "<!--", 4) == 0) {
        /* From p + 2 so that "<!-->" and "<!--->" are (empty) comments. With
         * neither "-->" nor '>' after it, the rest is comment, as in browsers. */
        e = until(st, p + 2, "-->", &st->no_comment_end_from, true);
    } else if (n >= 9 && memcmp(s + p, "<![CDATA[", 9) == 0) {
        const char *c = NULL;
        if (p + 9 < st->no_cdata_end_from)
            c = memmem(s + p + 9, n - 9, "]]>", 3);
        if (c) {
            text(st, p + 9, (size_t)(c - s), false);
            return (size_t)(c - s) + 3;
        }
        if (p + 9 < st->no_cdata_end_from)
            st->no_cdata_end_from = p + 9;
        e = until(st, p + 2, ">", &st->marks.no_gt_from, false);
    } else if (n >= 2 && (s[p + 1] == '!' || s[p + 1] == '?')) {
        /* <!DOCTYPE ...>, <?xml ...?> and other bogus comments. */
        e = until(st, p + 2, ">", &st->marks.no_gt_from, false);
    } else if (n >= 3 && s[p + 1] == '/' && s[p + 2] == '>') {
        return p + 3;
    } else {
        size_t name = p + 1 + (n >= 2 && s[p + 1] == '/' ? 1 : 0);
        if (name < st->len && is_alpha((unsigned char)s[name]) &&
            nw_html_tag_scan(st->s, st->len, p, &t, &st->marks))
            return t.close ? end_tag(st, &t) : start_tag(st, &t);
    }
    if (e != NW_HTML_NO_MATCH)
        return e;
    text(st, p, p + 1, true);
    return p + 1;
}

int nw_html_to_text(const char *html, size_t len, char **out, size_t *out_len, nw_error_t *err)
{
    return nw_html_to_texts(html, len, out, out_len, NULL, NULL, err);
}

int nw_html_to_bufs(const char *html, size_t len, nw_buf_t *out, nw_buf_t *whole, nw_error_t *err)
{
    if (!out || (!html && len))
        return nw_error_set(err, NW_ERR_INVALID, "nw_html_to_bufs: missing argument");
    /* All but the element stack cleared: calloc() zeroed its 4 KB too,
     * for a page that seldom opens more than 30 elements at once. */
    scanner_t *st = malloc(sizeof(*st));
    if (!st)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory converting HTML");
    memset(st, 0, offsetof(scanner_t, stack));
    st->s = html;
    st->len = len;
    /* The scanner's text is the thread's scratch buffer, held in st->out
     * while the page is read and handed back at the end (its data may have
     * moved): allocated and grown afresh for each page, it took jemalloc
     * some 3k instructions a page. */
    nw_buf_t own = NW_BUF_INIT, *scratch = nw_scratch_get(NW_SCRATCH_HTML, &own);
    st->out = *scratch;
    st->w.buf = &st->out;
    nw_html_marks_init(&st->marks);
    /* The text is a fraction of the page: room for a quarter of it at
     * once, rather than a doubling series from 64 bytes with a copy at
     * each step. */
    nw_buf_reserve(&st->out, len / 4);
    st->no_comment_end_from = st->no_cdata_end_from = NW_HTML_NO_MATCH;
    nw_html_hint_t none = {0, 0, 0};
    add_node(st, EL_BODY, none); /* node 0: the document */

    size_t i = 0;
    while (i < len && !st->out.oom) {
        if (html[i] == '<') {
            i = markup(st, i);
            continue;
        }
        const char *lt = memchr(html + i, '<', len - i);
        size_t e = lt ? (size_t)(lt - html) : len;
        text(st, i, e, true);
        i = e;
    }
    pop_to(st, 0, false);
    end_h1(st);
    if (st->n_nodes)
        st->nodes[0].last = (uint32_t)(st->n_nodes - 1); /* the document holds every node */

    bool ok = nw_buf_ok(&st->out) && nw_buf_ok(&st->published) && nw_buf_ok(&st->modified) &&
              nw_buf_ok(&st->author);
    if (ok) {
        nw_html_doc_t doc = {
            .text = nw_buf_str(&st->out),
            .text_len = st->out.len,
            .nodes = st->nodes,
            .n_nodes = st->n_nodes,
            .blocks = st->blocks,
            .n_blocks = st->n_blocks,
            .title = &st->title,
            .published = &st->published,
            .modified = &st->modified,
            .author = &st->author,
        };
        size_t h1_end = st->h1_done ? st->h1_end : SIZE_MAX;
        nw_buf_reserve(out, st->out.len); /* the article is a part of the text */
        if (!nw_buf_ok(&st->title) || st->tree_oom || !nw_html_content_assemble(&doc, out)) {
            nw_buf_reset(out);
            nw_html_whole_assemble(&doc, h1_end, true, out);
        }
        if (whole) {
            nw_buf_reserve(whole, st->out.len); /* about the text's size */
            nw_html_whole_assemble(&doc, h1_end, false, whole);
        }
    }
    *scratch = st->out;
    nw_scratch_put(scratch, &own);
    nw_buf_free(&st->published);
    nw_buf_free(&st->modified);
    nw_buf_free(&st->author);
    nw_buf_free(&st->title);
    free(st->nodes);
    free(st->node_stack);
    free(st->blocks);
    free(st);
    if (!ok || !nw_buf_ok(out) || (whole && !nw_buf_ok(whole)))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory converting HTML");
    return 0;
}

int nw_html_to_texts(const char *html, size_t len, char **out, size_t *out_len, char **whole,
                     size_t *whole_len, nw_error_t *err)
{
    if (!out || !out_len || (!html && len) || (!whole != !whole_len))
        return nw_error_set(err, NW_ERR_INVALID, "nw_html_to_texts: missing argument");
    *out = NULL;
    *out_len = 0;
    if (whole) {
        *whole = NULL;
        *whole_len = 0;
    }
    nw_buf_t res = NW_BUF_INIT, all = NW_BUF_INIT;
    int rc = nw_html_to_bufs(html, len, &res, whole ? &all : NULL, err);
    /* The length is taken before stealing: passed-through NUL bytes make
     * strlen() unreliable. */
    size_t text_len = res.len;
    char *text_out = rc == 0 ? nw_buf_steal(&res) : NULL;
    size_t all_len = all.len;
    char *all_out = whole && rc == 0 ? nw_buf_steal(&all) : NULL;
    nw_buf_free(&res);
    nw_buf_free(&all);
    if (rc < 0)
        return rc;
    if (!text_out || (whole && !all_out)) {
        free(text_out);
        free(all_out);
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory converting HTML");
    }
    *out = text_out;
    *out_len = text_len;
    if (whole) {
        *whole = all_out;
        *whole_len = all_len;
    }
    return 0;
}
