/*
 * The normalised record: an article version as an IPTC ninjs 2.2 document
 * plus the `newswire` extension object.
 *
 * Output must be deterministic (same input and configuration, same bytes), so
 * the record is built with a fixed key order and carries no wall-clock value.
 * nw_ninjs_build() returns a jansson object the enrichers may add to before
 * nw_ninjs_dump() serialises it.
 */
#ifndef NW_NINJS_H
#define NW_NINJS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "newswire/article.h"

/* Where the input came from: a Kafka message or a file (parse). */
typedef struct nw_record_source {
    const char *topic; /* NULL for a file */
    int32_t partition;
    int64_t offset;
    const char *key; /* may be NULL; need not be NUL-terminated */
    size_t key_len;
    const char *file; /* file name for `newswire parse` ("-" for stdin) */
} nw_record_source_t;

typedef struct nw_record_meta {
    const char *article_id; /* see nw_article_id() */
    unsigned version;       /* 1, 2, ... counting emitted versions */
    nw_record_source_t source;
    bool plain_ninjs; /* output.format=ninjs: leave the extension out */
} nw_record_meta_t;

/*
 * The article id: the message key when there is one; else the envelope's
 * canonical url; else "h-" and a hash of the source name, the normalised
 * headline and firstcreated. New allocation, NULL on allocation failure.
 */
char *nw_article_id(const nw_article_t *a, const char *key, size_t key_len);

/* Builds the record. Returns a new reference, NULL on allocation failure. */
json_t *nw_ninjs_build(const nw_article_t *a, const nw_record_meta_t *meta);

/* Serialises compactly (or indented for a terminal). New allocation. */
char *nw_ninjs_dump(const json_t *record, bool pretty);
/* nw_ninjs_dump(record, false), its length in *len: the writer knows it, so
 * the caller need not measure a record of many kilobytes again. */
char *nw_ninjs_dump_compact(const json_t *record, size_t *len);

#endif
