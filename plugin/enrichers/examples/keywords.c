/*
 * An example enricher plugin: the article's keywords by frequency.
 *
 * It shows the whole plugin ABI (include/newswire/enricher.h) in one file:
 * the one exported entry point, a descriptor that starts with the ABI version
 * and its size, its settings declared (type, default, help: the host refuses
 * a misspelt or mistyped one before it consumes anything) and read through
 * the host's API table, per-instance state, and output added to the borrowed
 * record. It uses nothing from
 * newswire but the public header, and links only to jansson.
 *
 * Output: newswire.enrichments.keywords, the most frequent words of four or
 * more letters outside a short English stopword list, most frequent first:
 *   "enrichments": {"keywords": [{"term": "ukraine", "count": 9}, ...]}
 *
 * Build it as a shared object and list it in enrichers.paths:
 *   cc -shared -fPIC -I include $(pkg-config --cflags jansson) \
 *      -o nw_example_keywords.so plugin/enrichers/examples/keywords.c
 *   newswire run -X enrichers.paths=./nw_example_keywords.so
 * Settings: enrichers.keywords.max (default 10), enrichers.keywords.min.count
 * (default 2), enrichers.keywords.min.length (default 4).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newswire/enricher.h"

/* The host finds the entry point by name, so it must be exported even when
 * the build hides symbols by default. */
#define KW_EXPORT __attribute__((visibility("default")))

typedef struct kw_state {
    long max, min_count, min_length;
} kw_state_t;

typedef struct kw_count {
    char *term;
    long count;
} kw_count_t;

static const char *const stopwords[] = {
    "about", "after", "also",  "been",  "before", "being", "could", "from",  "have",
    "into",  "more",  "other", "over",  "said",   "says",  "some",  "than",  "that",
    "their", "them",  "then",  "there", "these",  "they",  "this",  "those", "were",
    "what",  "when",  "where", "which", "while",  "will",  "with",  "would", "your",
};

static long setting(const nw_enricher_api_t *api, void *host, const char *key, long def)
{
    const char *v = api->config(host, key);
    char *end;
    long n = v ? strtol(v, &end, 10) : def;
    return v && (*end != '\0' || end == v || n < 1) ? -1 : n;
}

static int kw_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                   size_t errlen)
{
    kw_state_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    s->max = setting(api, host, "max", 10);
    s->min_count = setting(api, host, "min.count", 2);
    s->min_length = setting(api, host, "min.length", 4);
    if (s->max < 0 || s->min_count < 0 || s->min_length < 0) {
        snprintf(errbuf, errlen,
                 "enrichers.keywords.max, .min.count and .min.length take "
                 "positive integers");
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int is_stopword(const char *w)
{
    for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
        if (strcmp(stopwords[i], w) == 0)
            return 1;
    return 0;
}

/* Adds one occurrence of w (a new copy when first seen); -1 when out of memory. */
static int count_word(kw_count_t **v, size_t *n, size_t *cap, const char *w)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*v)[i].term, w) == 0) {
            (*v)[i].count++;
            return 0;
        }
    }
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        kw_count_t *nv = realloc(*v, c * sizeof(*nv));
        if (!nv)
            return -1;
        *v = nv;
        *cap = c;
    }
    if (!((*v)[*n].term = strdup(w)))
        return -1;
    (*v)[(*n)++].count = 1;
    return 0;
}

/* Counts the ASCII words of text; words with other letters are skipped,
 * which is fine for an example and keeps it free of UTF-8 handling. */
static int count_text(const kw_state_t *s, const char *text, kw_count_t **v, size_t *n, size_t *cap)
{
    char word[64];
    size_t len = 0;
    int foreign = 0;
    for (const char *p = text ? text : "";; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalpha(c) && c < 0x80) {
            if (len + 1 < sizeof(word))
                word[len++] = (char)tolower(c);
            continue;
        }
        if (c >= 0x80 && len > 0) {
            foreign = 1; /* part of a word with a non-ASCII letter */
            continue;
        }
        word[len] = '\0';
        if (!foreign && (long)len >= s->min_length && !is_stopword(word) &&
            count_word(v, n, cap, word) < 0)
            return -1;
        len = 0;
        foreign = 0;
        if (c == '\0')
            return 0;
    }
}

static int by_count(const void *a, const void *b)
{
    const kw_count_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->term, y->term);
}

static nw_enrich_status_t kw_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                    char *detail, size_t detail_len)
{
    const kw_state_t *s = state;
    kw_count_t *v = NULL;
    size_t n = 0, cap = 0, kept = 0;
    nw_enrich_status_t st = NW_ENRICH_OK;
    json_t *list = json_array();
    if (!list || count_text(s, in->headline, &v, &n, &cap) < 0 ||
        count_text(s, in->standfirst, &v, &n, &cap) < 0 ||
        count_text(s, in->body, &v, &n, &cap) < 0)
        goto oom;
    if (n > 1)
        qsort(v, n, sizeof(*v), by_count);
    for (size_t i = 0; i < n && (long)kept < s->max && v[i].count >= s->min_count; i++, kept++) {
        json_t *o = json_pack("{s:s, s:i}", "term", v[i].term, "count", (json_int_t)v[i].count);
        if (json_array_append_new(list, o) < 0)
            goto oom;
    }
    if (kept == 0) {
        snprintf(detail, detail_len, "no word repeats");
        st = NW_ENRICH_SKIPPED;
        goto out;
    }
    /* The host guarantees the "newswire" object; "enrichments" is the
     * extension's place for plugin output. */
    json_t *ext = json_object_get(record, "newswire");
    json_t *enrichments = json_object_get(ext, "enrichments");
    if (!json_is_object(enrichments)) {
        enrichments = json_object();
        if (json_object_set_new(ext, "enrichments", enrichments) < 0)
            goto oom;
    }
    if (json_object_set(enrichments, "keywords", list) < 0)
        goto oom;
    snprintf(detail, detail_len, "%zu keywords, top \"%s\"", kept, v[0].term);
    goto out;
oom:
    snprintf(detail, detail_len, "out of memory");
    st = NW_ENRICH_DEGRADED;
out:
    for (size_t i = 0; i < n; i++)
        free(v[i].term);
    free(v);
    json_decref(list);
    return st;
}

static void kw_destroy(void *state)
{
    free(state);
}

/* Every setting kw_init() reads. With these declared, the host refuses
 * enrichers.keywords.maxx=5 or enrichers.keywords.max=many at startup. */
static const nw_enricher_setting_t keywords_settings[] = {
    {"max", NW_SETTING_INT, "10", NULL, 1, 100000, 0, "most keywords listed"},
    {"min.count", NW_SETTING_INT, "2", NULL, 1, 1000000, 0, "fewest occurrences of a keyword"},
    {"min.length", NW_SETTING_INT, "4", NULL, 1, 1000, 0, "shortest keyword, in bytes"},
    {NULL, 0, NULL, NULL, 0, 0, 0, NULL},
};

static const nw_enricher_t keywords_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "keywords",
    .description = "Example plugin: most frequent words (newswire.enrichments.keywords)",
    .init = kw_init,
    .enrich = kw_enrich,
    .destroy = kw_destroy,
    .enrich_batch = NULL,
    .settings = keywords_settings,
    .setting_size = sizeof(nw_enricher_setting_t),
};

KW_EXPORT const nw_enricher_t *nw_enricher_entry(const nw_enricher_api_t *api)
{
    /* A host of another major ABI lays its table out differently: decline. */
    if (NW_ENRICHER_ABI_MAJOR_OF(api->abi_version) != NW_ENRICHER_ABI_MAJOR)
        return NULL;
    return &keywords_enricher;
}
