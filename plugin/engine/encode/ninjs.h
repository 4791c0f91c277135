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

#include "core/buf.h"
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

/*
 * The enriched record without the tree, for a chain of enrichers that read
 * only the members nw_ninjs_stub() holds and only add members (see
 * nw_enrichers_adds_only()): nw_ninjs_write_facts() writes the record and
 * tells what the enrichers' input needs, the enrichers add to the stub, and
 * nw_ninjs_splice() puts what they added where the tree's dump would have
 * it (the extension's new members at its end, the record's at its end).
 */
typedef struct nw_record_facts {
    uint8_t content_hash[32];
    char hash_text[NW_HASH_TEXT_LEN + 1]; /* "sha256:<hex>" */
    uint64_t simhash;                     /* made also with meta->plain_ninjs */
    size_t words;                         /* the body's wordcount */
    char *body; /* the body text as nw_article_body() gives it (owned by the caller) */
} nw_record_facts_t;

/* nw_ninjs_write() into *out (the caller's, which it replaces: free it
 * with nw_buf_free()), with room after the record for what the splice
 * adds, and what it found in *facts (on success only, when facts->body is
 * the caller's to free); the same results. */
int nw_ninjs_write_facts(const nw_article_t *a, const nw_record_meta_t *meta, nw_buf_t *out,
                         nw_record_facts_t *facts);

/* The members of a's record the built-in enrichers read, as a new object:
 * "language" when a has one, "bodies" with the body's wordcount (words),
 * and an empty "newswire". *n_members counts them: the stub's members from
 * that index on are the enrichers'. Only for a record nw_ninjs_write()
 * wrote (its text is clean). NULL on allocation failure. */
json_t *nw_ninjs_stub(const nw_article_t *a, size_t words, size_t *n_members);

/* Adds to rec (from nw_ninjs_write_facts(), plain_ninjs as its meta said)
 * what the enrichers added to stub, in place: the members of the stub's
 * "newswire" at the end of the extension (unless plain_ninjs), then the
 * stub's own members from n_members on at the end of the record. rec then
 * holds the bytes the tree with the same additions dumps. Returns 0,
 * NW_ERR_NOMEM, or NW_ERR_INVALID for a stub without its "newswire". */
int nw_ninjs_splice(nw_buf_t *rec, bool plain_ninjs, const json_t *stub, size_t n_members);

/* nw_ninjs_splice() for members already serialised (the built-ins' byte
 * path, enrichers/bytes.h): ext's bytes at the end of the extension (unless
 * plain_ninjs), then top's at the end of the record, each a run of
 * ",\"k\":v" members. Returns 0, NW_ERR_NOMEM (also when ext or top ran
 * out of memory), or NW_ERR_INVALID for a record too short to be one. */
int nw_ninjs_splice_bytes(nw_buf_t *rec, bool plain_ninjs, const nw_buf_t *ext,
                          const nw_buf_t *top);

/* The record writer's serialisers, for bytes that must be what the dump of
 * the same jansson value gives: a string of len bytes (valid UTF-8, which
 * is not checked: jansson would have refused anything else), an integer,
 * any value. Appended to b (nw_buf_ok() tells of a failed allocation). */
void nw_json_put_string(nw_buf_t *b, const char *s, size_t len);
void nw_json_put_int(nw_buf_t *b, long long v);
void nw_json_put_value(nw_buf_t *b, const json_t *v);

/* Serialises compactly (or indented for a terminal). New allocation. */
char *nw_ninjs_dump(const json_t *record, bool pretty);
/* nw_ninjs_dump(record, false), its length in *len: the writer knows it, so
 * the caller need not measure a record of many kilobytes again. */
char *nw_ninjs_dump_compact(const json_t *record, size_t *len);

#endif
