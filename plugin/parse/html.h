/*
 * HTML article pages reduced to the plain-text article layout.
 *
 * No browser engine: a tolerant tag scanner keeps the text of block elements
 * as lines (blank line between blocks), drops what a reader never sees
 * (script, style, nav, aside, forms, comments), decodes character references,
 * and turns article metadata into the lines the text parser understands
 * (<meta property="article:published_time"> becomes "Published <time>",
 * article:modified_time "Updated <time>", <meta name="author"> "Reported by: NAME"
 * when the page has no visible byline).
 */
#ifndef NW_HTML_H
#define NW_HTML_H

#include <stddef.h>

#include "newswire/error.h"

/*
 * Converts html[0..len) to text. On success *out is a new NUL-terminated
 * allocation the caller frees and *out_len its length. Never fails on
 * malformed markup (it degrades to text); returns NW_ERR_NOMEM only.
 */
int nw_html_to_text(const char *html, size_t len, char **out, size_t *out_len, nw_error_t *err);

#endif
