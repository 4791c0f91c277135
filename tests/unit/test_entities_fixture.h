/*
 * The fixture of the entities enricher's tests: a host with a small API
 * table (no settings; data files resolved against the repository's config/
 * directory), the enricher driven through its descriptor as the host drives
 * it, and helpers that run it over raw article text and look names up in
 * the record.
 *
 * Included by the entities test files: everything is static.
 */
#ifndef NW_TEST_ENTITIES_FIXTURE_H
#define NW_TEST_ENTITIES_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "enrichers/entities.h"
#include "newswire/article.h"
#include "newswire/enricher.h"

/* ---- A host for one enricher ------------------------------------------ */

typedef struct test_host {
    const char *gazetteers_dir; /* NULL: unset */
    const char *max_per_type;
} test_host_t;

static inline void test_log(int level, const char *enricher, const char *fmt, ...)
{
    (void)level;
    (void)enricher;
    (void)fmt;
}

static const char *test_config(void *host, const char *key)
{
    test_host_t *h = host;
    if (h && strcmp(key, "gazetteers.dir") == 0)
        return h->gazetteers_dir;
    if (h && strcmp(key, "max.per.type") == 0)
        return h->max_per_type;
    return NULL;
}

static inline int test_data_path(void *host, const char *name, char *out, size_t out_len)
{
    int n = name[0] == '/' ? snprintf(out, out_len, "%s", name)
                           : snprintf(out, out_len, "%s/config/%s", NW_SOURCE_DIR, name);
    return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

static const nw_enricher_api_t test_api = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_api_t),
    .log = test_log,
    .config = test_config,
    .data_path = test_data_path,
};

typedef struct fixture {
    const nw_enricher_t *d;
    void *state;
} fixture_t;

static inline int setup(void **state)
{
    static fixture_t f;
    static test_host_t host = {0};
    char err[256] = "";
    f.d = nw_builtin_entities(&test_api);
    if (!f.d || f.d->init(&test_api, &host, &f.state, err, sizeof(err)) != 0) {
        fprintf(stderr, "init: %s\n", err);
        return -1;
    }
    *state = &f;
    return 0;
}

static inline int teardown(void **state)
{
    fixture_t *f = *state;
    f->d->destroy(f->state);
    return 0;
}

/* ---- Articles ----------------------------------------------------------- */

static inline char *slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

/* Runs the enricher over raw article text, as the pipeline would: parse,
 * then enrich a record. Returns the record (new reference). */
static inline json_t *enrich_raw(fixture_t *f, const char *data, size_t len, const char *what,
                                 char *detail, size_t detail_len)
{
    nw_article_t a = {0};
    nw_error_t err = {0};
    if (nw_article_parse(data, len, NULL, &a, &err) != 0)
        fail_msg("%s: %s", what, err.msg);
    char *body = nw_article_body(&a);
    assert_non_null(body);
    nw_enrich_input_t in = {
        .size = sizeof(in),
        .article_id = what,
        .headline = a.headline,
        .standfirst = a.standfirst,
        .body = body,
        .byline = a.byline,
        .published = a.has_published ? a.published : INT64_MIN,
        .versioncreated = nw_article_version_time(&a),
        .partition = -1,
        .content_hash = "sha256:0",
    };
    json_t *record = json_pack("{s:s, s:{}}", "uri", "urn:newswire:article:test", "newswire");
    char scratch[128];
    if (!detail) {
        detail = scratch;
        detail_len = sizeof(scratch);
    }
    detail[0] = '\0';
    nw_enrich_status_t st = f->d->enrich(f->state, record, &in, detail, detail_len);
    assert_int_equal(st, NW_ENRICH_OK);
    free(body);
    nw_article_clear(&a);
    return record;
}

static inline json_t *enrich_file(fixture_t *f, const char *path, char *detail, size_t detail_len)
{
    size_t len;
    char *data = slurp(path, &len);
    if (!data)
        fail_msg("cannot read %s", path);
    json_t *r = enrich_raw(f, data, len, path, detail, detail_len);
    free(data);
    return r;
}

/* Enriches plain segments directly (no parser), for robustness tests. */
static inline json_t *enrich_text(fixture_t *f, const char *headline, const char *standfirst,
                                  const char *body, const char *byline, nw_enrich_status_t *st)
{
    nw_enrich_input_t in = {.size = sizeof(in),
                            .article_id = "t",
                            .headline = headline,
                            .standfirst = standfirst,
                            .body = body,
                            .byline = byline,
                            .published = INT64_MIN,
                            .partition = -1};
    json_t *record = json_pack("{s:{}}", "newswire");
    char detail[128];
    *st = f->d->enrich(f->state, record, &in, detail, sizeof(detail));
    return record;
}

static inline json_t *find_named(json_t *arr, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *n = json_string_value(json_object_get(v, "name"));
        if (n && strcmp(n, name) == 0)
            return v;
    }
    return NULL;
}

static inline void dump(const char *label, json_t *record)
{
    char *s =
        json_dumps(json_object_get(json_object_get(record, "newswire"), "entities"), JSON_COMPACT);
    fprintf(stderr, "%s: %s\n", label, s ? s : "(null)");
    free(s);
}

/* enrich_text() of a headline and a body alone, which must succeed. */
static inline json_t *enrich_ok(fixture_t *f, const char *headline, const char *body)
{
    nw_enrich_status_t st;
    json_t *r = enrich_text(f, headline, NULL, body, NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    return r;
}

#endif
