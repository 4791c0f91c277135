/*
 * Character sets: pages that are not UTF-8 converted to it before anything
 * reads them. Scraped pages still arrive in Windows-1252, ISO-8859-1 and
 * other legacy encodings; read as UTF-8 their accented letters and curly
 * quotes become U+FFFD, or the page is taken for binary data.
 */
#ifndef NW_CHARSET_H
#define NW_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "newswire/article.h"
#include "newswire/error.h"

/*
 * The charset of *data[0..*len), in this order of trust: a byte-order mark,
 * `declared` (an envelope's or transport's label; may be NULL), then for
 * HTML a <meta charset> or <meta http-equiv="content-type"> in the first
 * 8 KiB. Bytes that already form valid UTF-8 are never converted, whatever
 * the label says (scrapers often decode a page and keep its old <meta>);
 * an unlabelled HTML page whose high bytes form no UTF-8 sequence at all is
 * read as Windows-1252.
 *
 * When a conversion happens, *data and *len are pointed at `conv`, which
 * then holds the UTF-8 text (the caller frees it with nw_buf_free() in any
 * case); otherwise they are left alone. Bytes the charset does not define
 * become U+FFFD. An unknown label leaves the data as it is. Returns 0, or
 * NW_ERR_NOMEM.
 */
int nw_charset_to_utf8(const char **data, size_t *len, nw_format_t fmt, const char *declared,
                       nw_buf_t *conv, nw_error_t *err);

/* The charset label found in an HTML page's <meta> (NUL-terminated into
 * out[0..n)), or false. Exposed for the tests. */
bool nw_charset_sniff_html(const char *s, size_t len, char *out, size_t n);

#endif
