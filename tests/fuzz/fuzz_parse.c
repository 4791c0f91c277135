/*
 * libFuzzer harness for the whole offline path a Kafka message takes before
 * dedupe: decode and parse arbitrary bytes with format detection, then, for
 * an accepted article, derive its id and build and serialise the ninjs record.
 *
 * Beyond the sanitizers, it checks the contracts downstream consumers rely on
 * and aborts when one breaks: a rejection carries a stable reject code and a
 * human message (they become dead-letter headers); an accepted article has a
 * headline and a time; the record is valid UTF-8 that a JSON reader parses
 * back; and the output is deterministic (a second run gives the same bytes),
 * since dedupe and byte-identical replays depend on it. The fast JSON
 * loader of envelopes must build exactly jansson's tree or decline.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode/ninjs.h"
#include "fuzz_util.h"
#include "newswire/article.h"
#include "parse/html_meta.h"
#include "parse/json_load.h"

/* Builds and serialises the record; checks the text and returns it (the
 * caller frees). */
static char *nw_fuzz_record(const nw_article_t *a, const char *key, size_t key_len, bool plain)
{
    char *id = nw_article_id(a, key, key_len);
    NW_FUZZ_CHECK(id != NULL);
    NW_FUZZ_CHECK(id[0] != '\0');
    NW_FUZZ_CHECK(nw_fuzz_valid_utf8((const unsigned char *)id, strlen(id)));

    nw_record_meta_t meta = {
        .article_id = id,
        .version = 1,
        .source =
            {.topic = "news.raw", .partition = 3, .offset = 42, .key = key, .key_len = key_len},
        .plain_ninjs = plain,
    };
    json_t *rec = nw_ninjs_build(a, &meta);
    /* Allocation cannot fail under the fuzzer's limits, so NULL means the
     * builder met a value it could not represent (e.g. invalid UTF-8). */
    NW_FUZZ_CHECK(rec != NULL);
    char *text = nw_ninjs_dump(rec, false);
    NW_FUZZ_CHECK(text != NULL);
    size_t len = strlen(text);
    NW_FUZZ_CHECK(len > 0);
    NW_FUZZ_CHECK(nw_fuzz_valid_utf8((const unsigned char *)text, len));

    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    if (!back)
        fprintf(stderr, "fuzz_parse: record does not parse back: %s at %d:%d\n", jerr.text,
                jerr.line, jerr.column);
    NW_FUZZ_CHECK(back != NULL);
    NW_FUZZ_CHECK(json_is_object(back));
    json_t *uri = json_object_get(back, "uri");
    NW_FUZZ_CHECK(json_is_string(uri));
    NW_FUZZ_CHECK(strncmp(json_string_value(uri), "urn:newswire:article:", 21) == 0);
    NW_FUZZ_CHECK(plain == (json_object_get(back, "newswire") == NULL));
    json_decref(back);
    json_decref(rec);
    free(id);
    return text;
}

/* Parses and renders once; returns the record text, or NULL on rejection. */
static char *nw_fuzz_once(const uint8_t *data, size_t size, const char *key, size_t key_len,
                          bool plain)
{
    nw_article_t a;
    nw_error_t err;
    memset(&a, 0, sizeof(a));
    memset(&err, 0, sizeof(err));
    nw_parse_opts_t opts = {.format = NW_FORMAT_AUTO, .source = "fuzz"};

    int rc = nw_article_parse((const char *)data, size, &opts, &a, &err);
    if (rc == NW_ERR_REJECTED) {
        NW_FUZZ_CHECK(err.reject > NW_REJECT_NONE && err.reject < NW_REJECT__COUNT);
        NW_FUZZ_CHECK(err.msg[0] != '\0');
        NW_FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
        NW_FUZZ_CHECK(nw_reject_name(err.reject) != NULL);
        /* The message travels as a Kafka header value; keep it text. */
        NW_FUZZ_CHECK(nw_fuzz_valid_utf8((const unsigned char *)err.msg, strlen(err.msg)));
        nw_article_clear(&a);
        return NULL;
    }
    /* Only allocation failure may fail otherwise, and the fuzzer's inputs
     * are far below the malloc limit. */
    NW_FUZZ_CHECK(rc == 0);
    NW_FUZZ_CHECK(a.headline != NULL && a.headline[0] != '\0');
    NW_FUZZ_CHECK(a.has_published || a.has_updated);
    NW_FUZZ_CHECK(a.format != NW_FORMAT_AUTO);

    char *text = nw_fuzz_record(&a, key, key_len, plain);
    nw_article_clear(&a);
    return text;
}

/* The metadata layer's date readers straight on the raw bytes (the parse
 * path only hands them sanitised text): any date they accept is real. */
static void nw_fuzz_dates(const uint8_t *data, size_t size)
{
    nw_mdate_t d;
    const char *s = (const char *)data;
    size_t n = size < 512 ? size : 512;
    if (nw_mdate_machine(s, n, NULL, &d))
        NW_FUZZ_CHECK(nw_mdate_valid(&d));
    if (nw_mdate_visible(s, n, "de", NULL, &d))
        NW_FUZZ_CHECK(nw_mdate_valid(&d));
    if (nw_mdate_url(s, n, &d))
        NW_FUZZ_CHECK(nw_mdate_valid(&d));
}

/* The envelope decoder's fast loader against jansson: any tree it builds
 * must be the one json_loadb() builds, and it must decline what jansson
 * rejects (the decoder then reports jansson's error). */
static void nw_fuzz_json_load(const uint8_t *data, size_t size)
{
    json_t *fast = nw_json_load_fast((const char *)data, size);
    if (!fast)
        return;
    json_t *slow = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    NW_FUZZ_CHECK(slow != NULL);
    NW_FUZZ_CHECK(json_equal(fast, slow));
    char *a = json_dumps(fast, JSON_COMPACT | JSON_ENSURE_ASCII);
    char *b = json_dumps(slow, JSON_COMPACT | JSON_ENSURE_ASCII);
    NW_FUZZ_CHECK(a && b && strcmp(a, b) == 0);
    free(a);
    free(b);
    json_decref(fast);
    json_decref(slow);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nw_fuzz_dates(data, size);
    nw_fuzz_json_load(data, size);
    char *first = nw_fuzz_once(data, size, NULL, 0, false);
    if (!first)
        return 0;

    /* Same input, same bytes: nothing may depend on uninitialised memory,
     * addresses or the clock. */
    char *second = nw_fuzz_once(data, size, NULL, 0, false);
    NW_FUZZ_CHECK(second != NULL);
    NW_FUZZ_CHECK(strcmp(first, second) == 0);
    free(second);

    /* A Kafka key is arbitrary bytes: take a few from the input itself so
     * the id path sees binary, control and multi-byte keys too. */
    size_t key_len = size < 24 ? size : 24;
    char *keyed = nw_fuzz_once(data, size, (const char *)data, key_len, true);
    NW_FUZZ_CHECK(keyed != NULL);
    free(keyed);
    free(first);
    return 0;
}
