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
 * fetched_at, provenance_json and inner_format, adds the metadata members
 * scrapers send (schema.org, news-please, trafilatura names) to *meta as
 * envelope-tier candidates, and sets *text to a new
 * allocation holding the "text" or "html" member (the caller frees it).
 * Rejects with NW_REJECT_BAD_ENVELOPE.
 */
struct nw_html_meta;
int nw_envelope_decode(const char *data, size_t len, nw_article_t *a, char **text, size_t *text_len,
                       struct nw_html_meta *meta, nw_error_t *err);

/*
 * Reads a plain-text article (valid UTF-8; any line endings) into the
 * article's headline, standfirst, byline, image credits, paragraphs and
 * times. Rejects with not-an-article, no-timestamp or bad-timestamp.
 */
int nw_text_parse(const char *text, size_t len, const nw_zone_table_t *zones, nw_article_t *a,
                  nw_error_t *err);

/*
 * As nw_text_parse(), for pages whose dates the metadata layer decides: a
 * timestamp line that does not parse is not a rejection but is copied to
 * *bad (when bad->reject is still NW_REJECT_NONE), and no timestamp at all
 * is not one either.
 */
int nw_text_parse_lenient(const char *text, size_t len, const nw_zone_table_t *zones,
                          nw_article_t *a, nw_error_t *bad, nw_error_t *err);

#endif
