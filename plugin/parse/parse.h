/*
 * Internal interfaces between the parser's stages: the JSON envelope decoder
 * and the plain-text article reader. nw_article_parse() (article.c) drives
 * them; HTML goes through nw_html_to_text() into the plain-text reader.
 */
#ifndef NW_PARSE_H
#define NW_PARSE_H

#include <stddef.h>

#include "newswire/article.h"
#include "parse/timestamp.h"

/*
 * Decodes a JSON envelope. On success fills the article's url, source,
 * fetched_at, provenance_json and inner_format, and sets *text to a new
 * allocation holding the "text" or "html" member (the caller frees it).
 * Rejects with NW_REJECT_BAD_ENVELOPE.
 */
int nw_envelope_decode(const char *data, size_t len, nw_article_t *a, char **text, size_t *text_len,
                       nw_error_t *err);

/*
 * Reads a plain-text article (valid UTF-8; any line endings) into the
 * article's headline, standfirst, byline, image credits, paragraphs and
 * times. Rejects with not-an-article, no-timestamp or bad-timestamp.
 */
int nw_text_parse(const char *text, size_t len, const nw_zone_table_t *zones, nw_article_t *a,
                  nw_error_t *err);

#endif
