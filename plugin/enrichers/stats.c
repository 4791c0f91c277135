/*
 * The "stats" built-in: the body's word count and its reading time.
 *
 * Writes newswire.reading_time_s = ceil(words * 60 / wpm), where words are
 * counted the way ninjs counts bodies[].wordcount (whitespace-separated, the
 * Unicode spaces included) so the two figures in a record always agree.
 * Setting: enrichers.stats.wpm, reading speed in words per minute (default
 * 230, a common figure for news prose).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"

#define STATS_DEFAULT_WPM 230

typedef struct stats {
    long long wpm;
} stats_t;

static int stats_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                      size_t errlen)
{
    stats_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (nw_builtin_int(api, host, "stats", "wpm", STATS_DEFAULT_WPM, 1, 10000, &s->wpm, errbuf,
                       errlen) < 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

/* The reading time of words, in seconds, rounded up. */
static unsigned long long reading_time(const stats_t *s, size_t words)
{
    return ((unsigned long long)words * 60 + (unsigned long long)s->wpm - 1) /
           (unsigned long long)s->wpm;
}

static nw_enrich_status_t stats_ok(size_t words, unsigned long long secs, char *detail,
                                   size_t detail_len)
{
    /* "%zu words, %llu s" */
    char note[64], *p = nw_builtin_udec(note, words);
    memcpy(p, " words, ", 8);
    p = nw_builtin_udec(p + 8, secs);
    memcpy(p, " s", 2);
    nw_builtin_note(detail, detail_len, note, (size_t)(p + 2 - note));
    return NW_ENRICH_OK;
}

static nw_enrich_status_t stats_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                       char *detail, size_t detail_len)
{
    /* The body's ninjs wordcount is this very count: reuse it when the
     * record has it rather than walk the text again. */
    json_t *wc = json_object_get(json_array_get(json_object_get(record, "bodies"), 0), "wordcount");
    size_t words = json_is_integer(wc) && json_integer_value(wc) >= 0
                       ? (size_t)json_integer_value(wc)
                       : nw_utf8_count_words(in->body);
    unsigned long long secs = reading_time(state, words);
    json_t *ext = nw_builtin_extension(record);
    if (!ext || json_object_set_new(ext, "reading_time_s", nw_builtin_count((long long)secs)) < 0) {
        snprintf(detail, detail_len, "out of memory");
        return NW_ENRICH_DEGRADED;
    }
    return stats_ok(words, secs, detail, detail_len);
}

nw_enrich_status_t nw_builtin_stats_bytes(void *state, nw_enrich_bytes_t *rec,
                                          const nw_enrich_input_t *in, char *detail,
                                          size_t detail_len)
{
    (void)in;
    unsigned long long secs = reading_time(state, rec->wordcount);
    nw_buf_lit(&rec->ext, ",\"reading_time_s\":");
    nw_json_put_int(&rec->ext, (long long)secs);
    return stats_ok(rec->wordcount, secs, detail, detail_len);
}

static void stats_destroy(void *state)
{
    free(state);
}

static const nw_enricher_t stats_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "stats",
    .description = "Word count and reading time (newswire.reading_time_s)",
    .init = stats_init,
    .enrich = stats_enrich,
    .destroy = stats_destroy,
    .enrich_batch = NULL,
};

const nw_enricher_t *nw_builtin_stats(const nw_enricher_api_t *api)
{
    (void)api;
    return &stats_enricher;
}
