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
    /* For nw_ninjs_write() only (nw_ninjs_build() leaves them to the
     * caller): the replay marker's state, put after the extension's
     * source, or NULL; and bytes put at the end of the extension (",\"k\":v"
     * members, e.g. the statuses of an enricher chain that is all off), or
     * NULL. Both borrowed. */
    const char *replay_state;
    const char *ext_tail;
    size_t ext_tail_len;
} nw_record_meta_t;

/* The length of a content hash's text, "sha256:" and 64 hex digits. */
#define NW_HASH_TEXT_LEN (7 + 64)

/*
 * The article id: the message key when there is one; else the envelope's
 * canonical url; else "h-" and a hash of the source name, the normalised
 * headline and firstcreated. New allocation, NULL on allocation failure.
 */
char *nw_article_id(const nw_article_t *a, const char *key, size_t key_len);

/* Builds the record. Returns a new reference, NULL on allocation failure. */
json_t *nw_ninjs_build(const nw_article_t *a, const nw_record_meta_t *meta);

/*
 * The record nw_ninjs_build() builds, serialised compactly as
 * nw_ninjs_dump_compact() would (with meta's replay marker and extension
 * tail), written straight into one buffer without the jansson tree: for
 * records nothing adds to. One pass over each paragraph writes it and
 * counts the body's words and characters. On success returns 0, *out (new
 * allocation) and *len the record, content_hash its content hash (also
 * when the extension is left out). Returns 1, *out NULL, when some text of
 * the article is not clean UTF-8 (see nw_utf8_is_clean()) or a member
 * cannot be had: the tree then decides; NW_ERR_NOMEM on allocation failure.
 */
int nw_ninjs_write(const nw_article_t *a, const nw_record_meta_t *meta, char **out, size_t *len,
                   uint8_t content_hash[32]);

/* Serialises compactly (or indented for a terminal). New allocation. */
char *nw_ninjs_dump(const json_t *record, bool pretty);
/* nw_ninjs_dump(record, false), its length in *len: the writer knows it, so
 * the caller need not measure a record of many kilobytes again. */
char *nw_ninjs_dump_compact(const json_t *record, size_t *len);

#endif
