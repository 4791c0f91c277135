/*
 * HTML article pages reduced to the plain-text article layout.
 *
 * No browser engine: a tolerant tag scanner keeps the text of block elements
 * as lines (blank line between blocks), drops what a reader never sees
 * (script, style, nav, aside, forms, comments), decodes character references,
 * keeps only the article's main content when the page's structure shows it
 * (the headline <h1> first, then date, byline and lead lines, then the
 * content's paragraphs and subheadings: see html_content.c),
 * and turns article metadata into the lines the text parser understands
 * (<meta property="article:published_time"> becomes "Published <time>",
 * article:modified_time "Updated <time>", <meta name="author"> "Reported by: NAME"
 * when the page has no visible byline).
 */
#ifndef NW_HTML_H
#define NW_HTML_H

#include <stddef.h>

#include "core/buf.h"

#include "newswire/article.h"
#include "newswire/error.h"

/*
 * Converts html[0..len) to text. On success *out is a new NUL-terminated
 * allocation the caller frees and *out_len its length. Never fails on
 * malformed markup (it degrades to text); returns NW_ERR_NOMEM only.
 */
int nw_html_to_text(const char *html, size_t len, char **out, size_t *out_len, nw_error_t *err);

/*
 * nw_html_to_text() that also gives, from the same scan, the whole page's
 * visible text laid out as before the main-content extraction (*whole, a new
 * allocation the caller frees, and *whole_len): the metadata layer looks for
 * date lines there, since a page's dateline often sits in its header or
 * byline area outside the extracted content. whole and whole_len are both
 * NULL (none wanted) or both set. Returns 0, NW_ERR_INVALID or NW_ERR_NOMEM;
 * on failure nothing is left allocated.
 */
int nw_html_to_texts(const char *html, size_t len, char **out, size_t *out_len, char **whole,
                     size_t *whole_len, nw_error_t *err);

/*
 * nw_html_to_texts() into buffers the caller owns (empty, or reset), for a
 * caller that keeps them from page to page (parse/article.c: the thread's
 * scratch buffers) rather than take two new allocations a page: *out gets
 * the text, *whole (NULL: none wanted) the whole page's. Returns 0,
 * NW_ERR_INVALID or NW_ERR_NOMEM; on failure their contents are of no use.
 */
int nw_html_to_bufs(const char *html, size_t len, nw_buf_t *out, nw_buf_t *whole, nw_error_t *err);

/* Bytes of html[0..len) outside <script>, <style> and comments. Linear. */
size_t nw_html_visible_size(const char *html, size_t len);

/*
 * The size limits (html_content_size.c): a message over max_raw bytes is
 * too large; one over max bytes is too large unless it is HTML (fmt, or
 * AUTO and it starts with '<') whose visible size is within max, or a JSON
 * envelope whose "html" page leaves it within max once the page's scripts,
 * styles and comments are dropped. Returns 0 or rejects with
 * NW_REJECT_TOO_LARGE, naming the sizes that counted.
 */
int nw_html_size_check(const char *data, size_t len, nw_format_t fmt, size_t max, size_t max_raw,
                       nw_error_t *err);

#endif
