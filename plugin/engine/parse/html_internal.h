/*
 * Private interface of the HTML reduction (html.c): the element table and
 * tag tokeniser (html_tags.c) and the character reference decoder
 * (html_entities.c). Kept apart so the scanner stays about layout, and the
 * tables and the tokeniser's failure bookkeeping live next to their code.
 */
#ifndef NW_HTML_INTERNAL_H
#define NW_HTML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum nw_html_flag {
    F_BLOCK = 1 << 0,  /* text before and after it are separate blocks */
    F_DROP = 1 << 1,   /* a subtree no reader sees: its text is discarded */
    F_RAW = 1 << 2,    /* content is not markup: skipped to the matching close tag */
    F_CODE = 1 << 3,   /* raw content that is code: unterminated, it runs to the end */
    F_VOID = 1 << 4,   /* never has content or a close tag */
    F_TRACK = 1 << 5,  /* kept on the open-element stack */
    F_HEAD = 1 << 6,   /* allowed inside <head> (anything else implies </head>) */
    F_CELL = 1 << 7,   /* table cell: a space from its neighbours, not a new line */
    F_H1STOP = 1 << 8, /* its start ends an unclosed <h1> */
};

/* Elements with a role here; any other name is inline and transparent. */
#define NW_HTML_ELEMENTS(X)                                                                        \
    X(UNKNOWN, "", 0)                                                                              \
    X(HTML, "html", F_TRACK | F_BLOCK | F_HEAD)                                                    \
    X(HEAD, "head", F_TRACK | F_DROP | F_HEAD)                                                     \
    X(BODY, "body", F_TRACK | F_BLOCK)                                                             \
    X(TITLE, "title", F_RAW | F_HEAD)                                                              \
    X(META, "meta", F_VOID | F_HEAD)                                                               \
    X(LINK, "link", F_VOID | F_HEAD)                                                               \
    X(BASE, "base", F_VOID | F_HEAD)                                                               \
    X(SCRIPT, "script", F_RAW | F_CODE | F_HEAD)                                                   \
    X(STYLE, "style", F_RAW | F_CODE | F_HEAD)                                                     \
    X(NOSCRIPT, "noscript", F_RAW | F_HEAD)                                                        \
    X(TEMPLATE, "template", F_RAW | F_HEAD)                                                        \
    X(SVG, "svg", F_RAW)                                                                           \
    X(MATH, "math", F_RAW)                                                                         \
    X(IFRAME, "iframe", F_RAW)                                                                     \
    X(TEXTAREA, "textarea", F_RAW)                                                                 \
    X(XMP, "xmp", F_RAW | F_CODE)                                                                  \
    X(NOEMBED, "noembed", F_RAW)                                                                   \
    X(NOFRAMES, "noframes", F_RAW)                                                                 \
    X(NAV, "nav", F_TRACK | F_DROP | F_BLOCK)                                                      \
    X(ASIDE, "aside", F_TRACK | F_DROP | F_BLOCK)                                                  \
    X(FOOTER, "footer", F_TRACK | F_DROP | F_BLOCK)                                                \
    X(DIALOG, "dialog", F_TRACK | F_DROP | F_BLOCK)                                                \
    X(BUTTON, "button", F_TRACK | F_DROP)                                                          \
    X(SELECT, "select", F_TRACK | F_DROP)                                                          \
    X(AUDIO, "audio", F_TRACK | F_DROP)                                                            \
    X(VIDEO, "video", F_TRACK | F_DROP)                                                            \
    X(CANVAS, "canvas", F_TRACK | F_DROP)                                                          \
    X(OBJECT, "object", F_TRACK | F_DROP)                                                          \
    X(FORM, "form", F_TRACK | F_BLOCK)                                                             \
    X(MAIN, "main", F_TRACK | F_BLOCK | F_H1STOP)                                                  \
    X(ARTICLE, "article", F_TRACK | F_BLOCK | F_H1STOP)                                            \
    X(SECTION, "section", F_TRACK | F_BLOCK | F_H1STOP)                                            \
    X(HEADER, "header", F_TRACK | F_BLOCK | F_H1STOP)                                              \
    X(DIV, "div", F_TRACK | F_BLOCK)                                                               \
    X(FIGURE, "figure", F_TRACK | F_BLOCK | F_H1STOP)                                              \
    X(BLOCKQUOTE, "blockquote", F_TRACK | F_BLOCK | F_H1STOP)                                      \
    X(UL, "ul", F_TRACK | F_BLOCK | F_H1STOP)                                                      \
    X(OL, "ol", F_TRACK | F_BLOCK | F_H1STOP)                                                      \
    X(DL, "dl", F_TRACK | F_BLOCK | F_H1STOP)                                                      \
    X(TABLE, "table", F_TRACK | F_BLOCK | F_H1STOP)                                                \
    X(H1, "h1", F_BLOCK | F_H1STOP)                                                                \
    X(H2, "h2", F_BLOCK | F_H1STOP)                                                                \
    X(H3, "h3", F_BLOCK | F_H1STOP)                                                                \
    X(H4, "h4", F_BLOCK | F_H1STOP)                                                                \
    X(H5, "h5", F_BLOCK | F_H1STOP)                                                                \
    X(H6, "h6", F_BLOCK | F_H1STOP)                                                                \
    X(P, "p", F_BLOCK | F_H1STOP)                                                                  \
    X(LI, "li", F_BLOCK | F_H1STOP)                                                                \
    X(DD, "dd", F_BLOCK)                                                                           \
    X(DT, "dt", F_BLOCK)                                                                           \
    X(FIGCAPTION, "figcaption", F_BLOCK)                                                           \
    X(PRE, "pre", F_BLOCK)                                                                         \
    X(ADDRESS, "address", F_BLOCK)                                                                 \
    X(DETAILS, "details", F_BLOCK)                                                                 \
    X(SUMMARY, "summary", F_BLOCK)                                                                 \
    X(CENTER, "center", F_BLOCK)                                                                   \
    X(HGROUP, "hgroup", F_BLOCK)                                                                   \
    X(FIELDSET, "fieldset", F_BLOCK)                                                               \
    X(LEGEND, "legend", F_BLOCK)                                                                   \
    X(CAPTION, "caption", F_BLOCK)                                                                 \
    X(THEAD, "thead", F_BLOCK)                                                                     \
    X(TBODY, "tbody", F_BLOCK)                                                                     \
    X(TFOOT, "tfoot", F_BLOCK)                                                                     \
    X(TR, "tr", F_BLOCK)                                                                           \
    X(TD, "td", F_CELL)                                                                            \
    X(TH, "th", F_CELL)                                                                            \
    X(HR, "hr", F_VOID | F_BLOCK)                                                                  \
    X(BR, "br", F_VOID)                                                                            \
    X(IMG, "img", F_VOID)                                                                          \
    X(INPUT, "input", F_VOID)                                                                      \
    X(WBR, "wbr", F_VOID)                                                                          \
    X(AREA, "area", F_VOID)                                                                        \
    X(COL, "col", F_VOID)                                                                          \
    X(EMBED, "embed", F_VOID)                                                                      \
    X(PARAM, "param", F_VOID)                                                                      \
    X(SOURCE, "source", F_VOID)                                                                    \
    X(TRACK, "track", F_VOID)                                                                      \
    X(A, "a", 0)

#define NW_HTML_ENUM(id, name, flags) EL_##id,
typedef enum nw_html_el { NW_HTML_ELEMENTS(NW_HTML_ENUM) EL__COUNT } nw_html_el_t;

typedef struct nw_html_elem {
    const char *name;
    size_t len;
    unsigned flags;
} nw_html_elem_t;

/* Indexed by nw_html_el_t. */
extern const nw_html_elem_t nw_html_elements[EL__COUNT];

#define NW_HTML_ATTRS_MAX 16 /* attributes past this are scanned but not kept */
#define NW_HTML_NO_MATCH  ((size_t)-1)

typedef struct nw_html_span {
    size_t off, len;
} nw_html_span_t;

typedef struct nw_html_attr {
    nw_html_span_t name, value; /* raw bytes: the value is not yet decoded */
} nw_html_attr_t;

typedef struct nw_html_tag {
    nw_html_el_t el;
    bool close;        /* </name> */
    bool self_closing; /* <name ... /> */
    size_t end;        /* offset just past the '>' */
    size_t n_attrs;
    nw_html_attr_t attrs[NW_HTML_ATTRS_MAX];
} nw_html_tag_t;

/*
 * Where a search is known to fail: "no match at or after this offset". Each
 * failed search records its start, so the same failure is never searched for
 * twice and hostile input (a megabyte of "<a" or "<p x='") stays linear.
 * nw_html_marks_init() sets every mark to NW_HTML_NO_MATCH (nothing known).
 */
typedef struct nw_html_marks {
    size_t no_gt_from;
    size_t no_quote_from[2]; /* [0] for ', [1] for " */
    size_t quote_blind_from; /* tags from here end at their first '>' (see html_tags.c) */
    size_t no_close_from[EL__COUNT];
} nw_html_marks_t;

void nw_html_marks_init(nw_html_marks_t *m);

/* HTML whitespace, plus vertical tab, which is never text either. */
static inline bool nw_html_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The element named s[0..n), case-insensitively; EL_UNKNOWN if it has no role. */
nw_html_el_t nw_html_element_lookup(const char *s, size_t n);

/*
 * Tokenises the tag at s[p] ('<' then a letter, or "</" then a letter).
 * Returns false when no '>' follows: the '<' is then text. A quoted value may
 * contain '>'; an unterminated one ends at the next '>'.
 */
bool nw_html_tag_scan(const char *s, size_t len, size_t p, nw_html_tag_t *t, nw_html_marks_t *m);

/* Offset just past the close tag matching raw-text element el ("</script"
 * in any case), searching from `from`; NW_HTML_NO_MATCH when there is none. */
size_t nw_html_raw_end(const char *s, size_t len, size_t from, nw_html_el_t el, nw_html_marks_t *m);

/*
 * Decodes the character reference that starts at s[0] (which must be '&')
 * and lies within s[0..len). Returns the bytes it spans, including the ';',
 * and sets *cp; returns 0 when s does not start a well-formed reference the
 * decoder knows, and the caller then keeps the '&' as text.
 */
size_t nw_html_ref_decode(const char *s, size_t len, uint32_t *cp);

/* Looks up a named reference ("amp", no '&' or ';'); 0 when unknown. */
uint32_t nw_html_entity_lookup(const char *name, size_t len);

/* ---- main-content extraction (html_score.c, html_content.c) ---- */

enum nw_html_hint_flag {
    NW_HINT_UNLIKELY = 1 << 0, /* named or marked as not the article (share, related, hidden) */
    NW_HINT_ARTICLE = 1 << 1,  /* itemprop="articleBody" */
    NW_HINT_BYLINE = 1 << 2,   /* class/id byline or author, rel/itemprop author */
    NW_HINT_HIDDEN = 1 << 3,   /* hidden, aria-hidden="true", display:none */
    NW_HINT_CAPTION = 1 << 4,  /* class/id caption, a gallery or slideshow */
};

typedef struct nw_html_hint {
    int weight;     /* added to a container's score: +25 or -25 per kind of class word */
    unsigned flags; /* enum nw_html_hint_flag */
    uint32_t cls;   /* hash of the class attribute's value; 0 for none */
} nw_html_hint_t;

/* What tag t's class, id, itemprop, rel, role, style and hidden attributes say. */
nw_html_hint_t nw_html_hint(const char *s, const nw_html_tag_t *t);

#define NW_HTML_NONE UINT32_MAX

enum nw_html_node_flag {
    NODE_UNLIKELY = 1 << 0,      /* it or an ancestor is unlikely (see nw_html_hint) */
    NODE_ARTICLE = 1 << 1,       /* <article>, <main> or itemprop="articleBody" */
    NODE_FIGURE = 1 << 2,        /* inside a <figure> or a caption: illustrations, not text */
    NODE_UNLIKELY_SELF = 1 << 3, /* its own class, id or role is unlikely */
    NODE_BODY = 1 << 7,          /* itemprop="articleBody" */
};

/* An open container element (div, section, article ...), in document
 * (pre-)order: a node's descendants are the nodes (index, last]. */
typedef struct nw_html_node {
    uint32_t parent; /* NW_HTML_NONE for the document */
    uint32_t last;   /* index of its last descendant */
    uint32_t text;   /* bytes of text in its subtree (filled by the extraction) */
    uint32_t links;  /* of which inside <a> */
    float score;
    uint32_t cls; /* nw_html_hint_t.cls: blocks of one article often share a class */
    uint8_t el;
    uint8_t flags;
    int16_t weight;       /* nw_html_hint_t.weight */
    uint8_t own_blocks;   /* blocks whose innermost container it is, up to 255 */
    uint32_t first_block; /* the first of them, NW_HTML_NONE before any */
} nw_html_node_t;

enum nw_html_block_flag {
    BLOCK_BYLINE = 1 << 0,   /* inside byline or author markup */
    BLOCK_UNLIKELY = 1 << 1, /* its own element (a p, li, h2) is unlikely */
    BLOCK_CAPTION = 1 << 2,  /* its own element is named a caption */
};

/* A paragraph of output text: the text between two block boundaries. */
typedef struct nw_html_block {
    uint32_t off, len; /* in the reduced text */
    uint32_t links;    /* bytes of link text */
    uint32_t node;     /* innermost open container */
    uint8_t el;        /* the block element it began in (EL_P, EL_H1, EL_LI ...), or 0 */
    uint8_t flags;
} nw_html_block_t;

/* The scan's result, read by the extraction. Borrowed: the scanner owns it. */
typedef struct nw_html_doc {
    const char *text; /* the whole page's visible text, blocks separated by blank lines */
    size_t text_len;
    nw_html_node_t *nodes;
    size_t n_nodes;
    const nw_html_block_t *blocks;
    size_t n_blocks;
    const nw_buf_t *title, *published, *modified, *author;
} nw_html_doc_t;

/*
 * Writes the page's article into res: the headline, date and byline lines
 * near it, then the main content's paragraphs and subheadings, then the
 * metadata lines. Returns false, writing nothing, when no container clearly
 * holds the article (short pages, fragments): the caller then keeps the whole
 * text. Linear in the number of blocks and nodes; updates the nodes' scores.
 */
bool nw_html_content_assemble(nw_html_doc_t *doc, nw_buf_t *res);

/* The fallback: the whole visible text, with the meta lines as before the
 * extraction existed (the meta author after the first <h1>, which ends at
 * h1_end in doc->text, or SIZE_MAX when the page has none). With
 * title_first, a page without an <h1> gets its <title> (site name removed)
 * as the first line, unless its text already begins with it. */
void nw_html_whole_assemble(const nw_html_doc_t *doc, size_t h1_end, bool title_first,
                            nw_buf_t *res);

#endif
