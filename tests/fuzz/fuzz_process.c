/*
 * libFuzzer harness for the whole processing step the service runs on each
 * message: decode, parse, identify, dedupe and every built-in enricher
 * (entities, dates, language, subjects, reading time, near-duplicates),
 * then encode. The enrichers read article text that the parser accepted,
 * which fuzz_parse never reaches.
 *
 * Invariants (abort() on violation): every input ends as exactly one of
 * emitted, duplicate, stale or rejected; an emitted record parses back as a
 * JSON object with its newswire extension and an enrichment status per
 * enricher; a rejection has a code and a message.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pipeline/process.h"

/* Built once: loading the gazetteers per input would drown the fuzzer. */
static nw_processor_t *processor(void)
{
    static nw_processor_t *proc;
    if (!proc) {
        nw_error_t err = {0};
        nw_config_t *cfg = nw_config_new();
        if (!cfg || nw_processor_new(cfg, &proc, &err) < 0) {
            fprintf(stderr, "fuzz_process: %s\n", err.msg);
            abort();
        }
        /* The processor keeps no pointer into the configuration. */
        nw_config_free(cfg);
    }
    return proc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nw_error_t err = {0};
    nw_item_t item = {
        .in = {.topic = "news.raw", .partition = 0, .offset = 0, .value = data, .value_len = size},
        .store = nw_vstore_new(1),
    };
    NW_FUZZ_CHECK(item.store != NULL);
    NW_FUZZ_CHECK(nw_process_batch(processor(), &item, 1, &err) == 0);
    const nw_outcome_t *o = &item.out;
    NW_FUZZ_CHECK(o->kind == NW_OUTCOME_EMITTED || o->kind == NW_OUTCOME_REJECTED);
    if (o->kind == NW_OUTCOME_EMITTED) {
        json_error_t jerr;
        json_t *rec = json_loadb(o->record, o->record_len, 0, &jerr);
        NW_FUZZ_CHECK(json_is_object(rec));
        json_t *ext = json_object_get(rec, "newswire");
        NW_FUZZ_CHECK(json_is_object(json_object_get(ext, "enrichment")));
        NW_FUZZ_CHECK(o->version == 1 && nw_vstore_count(item.store) == 1);
        json_decref(rec);
    } else {
        NW_FUZZ_CHECK(o->error.reject != NW_REJECT_NONE && o->error.msg[0] != '\0');
        NW_FUZZ_CHECK(nw_vstore_count(item.store) == 0);
    }
    nw_outcome_clear(&item.out);
    nw_vstore_free(item.store);
    return 0;
}
