/*
 * Fixtures shared by the enrichment tests (tests/unit/test_enrich_*.c): an
 * article parsed the way the pipeline parses it, turned into its ninjs record
 * and the nw_enrich_input_t an enricher receives, plus a host built from a
 * few configuration pairs. Header-only: each test is its own executable.
 */
#ifndef NW_TEST_ENRICH_UTIL_H
#define NW_TEST_ENRICH_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/hash.h"
#include "encode/ninjs.h"
#include "enrich/enrich.h"

typedef struct fx {
    nw_article_t a;
    char *id;
    char *body;
    char hash[80];
    json_t *rec; /* the record, as the pipeline would hand it over */
    nw_enrich_input_t in;
} fx_t;

/* Parses text as a Kafka message (topic may be NULL: `newswire parse`). */
/* Offsets handed to fixtures, rising like a partition's. */
static int64_t fx_next_offset;

static inline void fx_parse(fx_t *f, const char *text, const char *key, const char *topic,
                            int32_t partition)
{
    nw_error_t err = {0};
    memset(f, 0, sizeof(*f));
    if (nw_article_parse(text, strlen(text), NULL, &f->a, &err) != 0)
        fail_msg("parse: %s", err.msg);
    f->id = nw_article_id(&f->a, key, key ? strlen(key) : 0);
    f->body = nw_article_body(&f->a);
    assert_non_null(f->id);
    assert_non_null(f->body);
    uint8_t digest[32];
    char hex[65];
    nw_article_content_hash(&f->a, digest);
    nw_hex(digest, 32, hex);
    snprintf(f->hash, sizeof(f->hash), "sha256:%s", hex);
    nw_record_meta_t meta = {
        .article_id = f->id,
        .version = 1,
        .source = {.topic = topic,
                   .partition = partition,
                   .offset = 0,
                   .key = key,
                   .key_len = key ? strlen(key) : 0,
                   .file = "test"},
    };
    f->rec = nw_ninjs_build(&f->a, &meta);
    assert_non_null(f->rec);
    f->in = (nw_enrich_input_t){
        .size = sizeof(nw_enrich_input_t),
        .article_id = f->id,
        .headline = f->a.headline,
        .standfirst = f->a.standfirst,
        .body = f->body,
        .byline = f->a.byline,
        .published = f->a.has_published ? f->a.published : INT64_MIN,
        .versioncreated = nw_article_version_time(&f->a),
        .source_topic = topic,
        .partition = topic ? partition : -1,
        .content_hash = f->hash,
        .simhash = nw_article_simhash(&f->a),
        /* Each fixture is the next message of its partition. */
        .offset = topic ? fx_next_offset++ : -1,
    };
}

/* A minimal text article: a Published line (ISO 8601), headline, body. */
static inline void fx_text(fx_t *f, const char *published, const char *headline, const char *body,
                           const char *key, const char *topic, int32_t partition)
{
    size_t n = strlen(published) + strlen(headline) + strlen(body) + 64;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "Published %s\n\n%s\n\n%s\n", published, headline, body);
    fx_parse(f, text, key, topic, partition);
    free(text);
}

static inline char *fx_read(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    char *data = NULL;
    size_t cap = 0;
    ssize_t len = getdelim(&data, &cap, '\0', fp);
    fclose(fp);
    assert_true(len > 0);
    return data;
}

static inline void fx_file(fx_t *f, const char *path, const char *key, const char *topic,
                           int32_t partition)
{
    char *data = fx_read(path);
    fx_parse(f, data, key, topic, partition);
    free(data);
}

static inline void fx_clear(fx_t *f)
{
    json_decref(f->rec);
    nw_article_clear(&f->a);
    free(f->id);
    free(f->body);
    memset(f, 0, sizeof(*f));
}

/* A configuration from NULL-terminated key, value pairs. */
static inline nw_config_t *cfg_pairs(const char *key, ...)
{
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    va_list ap;
    assert_non_null(cfg);
    va_start(ap, key);
    for (const char *k = key; k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        if (nw_config_set(cfg, k, v, "test", &err) != 0)
            fail_msg("config: %s", err.msg);
    }
    va_end(ap);
    return cfg;
}

/* A host running only the built-in `only` (every other built-in disabled),
 * with extra key, value pairs. */
#define ONLY_DISABLED(x)                                                                           \
    (strcmp(x, "lang") == 0       ? "dates,entities,subjects,stats,neardup"                        \
     : strcmp(x, "dates") == 0    ? "lang,entities,subjects,stats,neardup"                         \
     : strcmp(x, "subjects") == 0 ? "lang,dates,entities,stats,neardup"                            \
     : strcmp(x, "stats") == 0    ? "lang,dates,entities,subjects,neardup"                         \
                                  : "lang,dates,entities,subjects,stats")

/* Building a chain from cfg must fail with NW_ERR_INVALID and a message
 * containing needle. Takes cfg. */
static inline void expect_chain_refused(nw_config_t *cfg, const char *needle)
{
    nw_enrichers_t *e = NULL;
    nw_error_t err = {0};
    assert_int_equal(nw_enrichers_new(cfg, &e, &err), NW_ERR_INVALID);
    assert_null(e);
    print_message("%s\n", err.msg);
    if (!strstr(err.msg, needle))
        fail_msg("\"%s\" lacks \"%s\"", err.msg, needle);
    nw_config_free(cfg);
}

static inline nw_enrichers_t *host_only_cfg(nw_config_t *cfg, const char *only)
{
    nw_error_t err = {0};
    nw_enrichers_t *e = NULL;
    if (nw_config_set(cfg, "enrichers.disabled", ONLY_DISABLED(only), "test", &err) != 0)
        fail_msg("config: %s", err.msg);
    if (nw_enrichers_new(cfg, &e, &err) != 0)
        fail_msg("enrichers: %s", err.msg);
    assert_int_equal(nw_enrichers_count(e), 1);
    return e;
}

static inline nw_enrichers_t *host_only(const char *only)
{
    nw_config_t *cfg = nw_config_new();
    nw_enrichers_t *e = host_only_cfg(cfg, only);
    nw_config_free(cfg);
    return e;
}

/* Runs the chain over one fixture; returns whether it failed. */
static inline bool fx_run(nw_enrichers_t *e, fx_t *f, char reason[NW_ERROR_MSG_MAX])
{
    bool failed = false;
    char reasons[1][NW_ERROR_MSG_MAX];
    const nw_enrich_input_t *in[1] = {&f->in};
    nw_enrichers_run(e, &f->rec, in, 1, &failed, reasons);
    if (reason)
        memcpy(reason, reasons[0], NW_ERROR_MSG_MAX);
    return failed;
}

/* The status object newswire.enrichment.<name> (borrowed). */
static inline json_t *fx_status(const fx_t *f, const char *name)
{
    return json_object_get(json_object_get(json_object_get(f->rec, "newswire"), "enrichment"),
                           name);
}

static inline const char *fx_status_str(const fx_t *f, const char *name)
{
    return json_string_value(json_object_get(fx_status(f, name), "status"));
}

static inline const char *fx_detail(const fx_t *f, const char *name)
{
    const char *d = json_string_value(json_object_get(fx_status(f, name), "detail"));
    return d ? d : "";
}

/* newswire.<key> (borrowed). */
static inline json_t *fx_ext(const fx_t *f, const char *key)
{
    return json_object_get(json_object_get(f->rec, "newswire"), key);
}

#endif
