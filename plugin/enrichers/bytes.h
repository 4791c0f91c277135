/*
 * The built-ins' byte path: a record's enrichment written as JSON bytes.
 *
 * When every enricher on is a built-in that only adds members and has a
 * byte writer (nw_enrichers_bytes()), the pipeline gives the chain no
 * jansson object at all: each built-in appends its members, already
 * serialised, to an nw_enrich_bytes_t, and nw_ninjs_splice_bytes() puts
 * them into the written record. The bytes are those the jansson path's
 * dump gives for the same additions (same keys in the same order, the same
 * escaping and number formats); unit/test_ninjs_stub compares both for every
 * built-in.
 *
 * This is no part of the plugin ABI (include/newswire/enricher.h): plugins
 * and the HTTP enricher have no byte writer, and a chain with one of them on
 * takes the jansson path.
 */
#ifndef NW_ENRICH_BYTES_H
#define NW_ENRICH_BYTES_H

#include <stddef.h>

#include "core/buf.h"
#include "newswire/enricher.h"

/* One record as the byte writers see and extend it. Owns its buffers
 * (nw_enrich_bytes_free()); language is borrowed. */
typedef struct nw_enrich_bytes {
    /* What the record holds that the built-ins read, as nw_ninjs_stub()
     * would: its "language" (the article's declared one, else NULL until
     * lang sets one; a static string) and its body's wordcount. */
    const char *language;
    size_t wordcount;
    /* Members added, each as ",\"key\":value", in the order added: to the
     * record's extension, and to the record itself. */
    nw_buf_t ext;
    nw_buf_t top;
    /* The newswire.enrichment members so far, "\"name\":{...}" joined by
     * commas; the chain's last part moves them into ext. */
    nw_buf_t status;
} nw_enrich_bytes_t;

/* Frees rec's buffers (not rec); accepts NULL. */
void nw_enrich_bytes_free(nw_enrich_bytes_t *rec);

/* A built-in's byte writer: enrich() with the record as bytes. Appends to
 * rec->top and rec->ext exactly what enrich() would add to the record, and
 * reports the same status and detail. The function type declares the
 * built-ins' writers; the pointer type is what the registry keeps. */
typedef nw_enrich_status_t nw_enrich_bytes_writer_t(void *state, nw_enrich_bytes_t *rec,
                                                    const nw_enrich_input_t *in, char *detail,
                                                    size_t detail_len);
typedef nw_enrich_bytes_writer_t *nw_enrich_bytes_fn;

/*
 * For a built-in whose work is one function run(state, record, rec, in,
 * detail, detail_len) that adds its members to rec when it is not NULL and
 * to record otherwise: defines its ABI enrich() (static, called enrich_fn)
 * and its byte writer (called writer) over it.
 */
#define NW_ENRICH_BOTH_WAYS(enrich_fn, writer, run)                                                \
    static nw_enrich_status_t enrich_fn(void *state, json_t *record, const nw_enrich_input_t *in,  \
                                        char *detail, size_t detail_len)                           \
    {                                                                                              \
        return run(state, record, NULL, in, detail, detail_len);                                   \
    }                                                                                              \
    nw_enrich_status_t writer(void *state, nw_enrich_bytes_t *rec, const nw_enrich_input_t *in,    \
                              char *detail, size_t detail_len)                                     \
    {                                                                                              \
        return run(state, NULL, rec, in, detail, detail_len);                                      \
    }

#endif
