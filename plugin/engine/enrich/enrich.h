/*
 * The host side of enrichment: the chain of enrichers a configuration asks
 * for (the built-ins, plugins loaded from enrichers.paths, one HTTP enricher
 * per configured http.<name>), run over each emitted record.
 *
 * Every enricher, built-in or not, goes through the plugin ABI of
 * include/newswire/enricher.h. After the chain runs, the record's
 * newswire.enrichment object holds one entry per enricher:
 *   {"<name>": {"status": "ok"|"skipped"|"degraded"|"off", "detail": "..."}}
 * ("off": disabled by enrichers.disabled). Details are deterministic (no
 * timings), so the same input and configuration give the same record.
 */
#ifndef NW_ENRICH_H
#define NW_ENRICH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "enrichers/bytes.h"
#include "newswire/enricher.h"
#include "newswire/error.h"

typedef struct nw_enrichers nw_enrichers_t;

/* Loads and initialises the chain. A plugin built for another major ABI, a
 * missing entry point or a failing init() is NW_ERR_INVALID with a message
 * naming the file. */
int nw_enrichers_new(const nw_config_t *cfg, nw_enrichers_t **out, nw_error_t *err);
void nw_enrichers_free(nw_enrichers_t *e); /* accepts NULL */

/*
 * Runs the chain over n records (borrowed; each must be a ninjs record with
 * its "newswire" object). failed[i] becomes true when a fail-closed enricher
 * gave up on record i, with a message in reasons[i]; the caller then
 * dead-letters that message as "enrichment-failed" instead of emitting it.
 */
void nw_enrichers_run(nw_enrichers_t *e, json_t **records, const nw_enrich_input_t *const *in,
                      size_t n, bool *failed, char (*reasons)[NW_ERROR_MSG_MAX]);

/*
 * n records on their way through the chain, as arrays of n each, entry i
 * about record i:
 *  - records[i] (borrowed): the record, enriched in place;
 *  - inputs[i] (borrowed): what its enrichers read;
 *  - statuses[i]: the newswire.enrichment object being built, between the
 *    chain's first part and its last (see nw_enrichers_run_part); whoever
 *    holds the batch owns it meanwhile;
 *  - failed[i], reasons[i]: whether and why a fail-closed enricher gave up
 *    on it (see nw_enrichers_run);
 *  - bytes (NULL: none) and bytes[i] (borrowed): record i as bytes for the
 *    built-ins' writers (enrichers/bytes.h), when records[i] is NULL. Its
 *    statuses are then kept in bytes[i]->status, not statuses[i], and the
 *    last part writes them into bytes[i]->ext. Only for a chain that
 *    nw_enrichers_bytes() accepts.
 * The arrays are nw_enrich_batch_init()'s, or the caller's own (a single
 * record's fields, say), which nw_enrich_batch_free() must then not see.
 */
typedef struct nw_enrich_batch {
    json_t **records;
    const nw_enrich_input_t **inputs;
    json_t **statuses;
    bool *failed;
    char (*reasons)[NW_ERROR_MSG_MAX];
    nw_enrich_bytes_t **bytes;
    size_t n;
} nw_enrich_batch_t;

/* Allocates b's arrays for n records, all zero: the caller fills in
 * records and inputs. Returns 0 or NW_ERR_NOMEM (b then holds nothing). */
int nw_enrich_batch_init(nw_enrich_batch_t *b, size_t n);
/* Frees the arrays and any status still in them, not the records; leaves b
 * empty. Accepts an empty batch. */
void nw_enrich_batch_free(nw_enrich_batch_t *b);

/*
 * The chain in parts, for records processed on several threads: enrichers
 * [from, to) of the chain over b's records. The first part (from 0) sets
 * b->failed[], b->reasons[] and b->statuses[]; the last (to at or past the
 * chain's length, disabled enrichers included: SIZE_MAX, say) moves each
 * status into its record and sets it to NULL. In between the statuses stay
 * with the batch, or with whoever takes them out of it (and json_decref()s
 * them if it abandons the record). Parts must run in chain order for each
 * record; the first nw_enrichers_stateless() of the chain may see the
 * records one by one, in any order, on any thread, while the rest see each
 * partition's records in input order.
 */
void nw_enrichers_run_part(nw_enrichers_t *e, size_t from, size_t to, const nw_enrich_batch_t *b);
/* How many enrichers lead the chain whose output depends on the record
 * alone (disabled ones count): those may run on records in any order. */
size_t nw_enrichers_stateless(const nw_enrichers_t *e);
struct nw_sink;
/* Publishes each enricher's call durations and each HTTP enricher's
 * circuit-breaker state to the metrics sink m (borrowed; NULL stops it). */
void nw_enrichers_set_metrics(nw_enrichers_t *e, const struct nw_sink *m);

/* Whether every enricher on (disabled ones aside) reads of a record only
 * what nw_ninjs_stub() (encode/ninjs.h) holds and only adds members to it:
 * then the chain may run over stubs and nw_ninjs_splice() give the record.
 * True for a chain with none on. */
bool nw_enrichers_adds_only(const nw_enrichers_t *e);

/* Whether every enricher on is a built-in with a byte writer (and
 * nw_enrichers_adds_only() holds): then the chain may take records as
 * bytes (nw_enrich_batch_t.bytes), and no jansson object is made for them.
 * True for a chain with none on. */
bool nw_enrichers_bytes(const nw_enrichers_t *e);

/* Number of enrichers in the chain (disabled ones excluded). */
size_t nw_enrichers_count(const nw_enrichers_t *e);

#endif
