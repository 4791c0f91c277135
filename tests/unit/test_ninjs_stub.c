/*
 * Unit tests of the enriched record without the tree (encode/ninjs.h:
 * nw_ninjs_write_facts(), nw_ninjs_stub(), nw_ninjs_splice()), the way the
 * pipeline writes a record when every enricher on is a built-in that only
 * adds members (nw_enrichers_adds_only()).
 *
 * For every article of tests/data and the fuzzers' seeds, the built-in
 * enrichers run over the stub and their members spliced into the written
 * record must give the bytes of the tree's way: nw_ninjs_build(), the chain
 * over the whole record, the compact dump; and the writer's hashes, body
 * text and wordcount must be the tree's. With a Kafka and a file source,
 * with and without a replay marker, and with output.format=ninjs. Each way
 * has its own chain of the same configuration and both see the same records
 * in the same order, so neardup, which remembers what it saw, agrees too
 * (and each article's repeats under other ids are its near-duplicates).
 *
 * The built-ins' byte path (enrichers/bytes.h: each built-in writes its
 * members as bytes, nw_ninjs_splice_bytes() puts them in) is a third way
 * that must give the same bytes: with the whole chain, and with each
 * built-in alone, the others off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "encode/ninjs.h"
#include "enrich/enrich.h"
#include "newswire/article.h"
#include "test_ninjs_util.h"

typedef struct ways {
    nw_enrichers_t *tree, *stub, *bytes;
    int64_t offset; /* the next message's, rising like a partition's */
    int compared, with_entities, with_neardup;
} ways_t;

static nw_enrichers_t *chain_new(nw_config_t *cfg)
{
    nw_enrichers_t *e = NULL;
    nw_error_t err = {0};
    if (nw_enrichers_new(cfg, &e, &err) != 0)
        fail_msg("enrichers: %s", err.msg);
    return e;
}

/* The built-ins with their defaults but those of `disabled` (NULL: none),
 * three times. */
static void ways_init(ways_t *w, const char *disabled)
{
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    assert_non_null(cfg);
    if (disabled)
        assert_int_equal(nw_config_set(cfg, "enrichers.disabled", disabled, "test", &err), 0);
    memset(w, 0, sizeof(*w));
    w->tree = chain_new(cfg);
    w->stub = chain_new(cfg);
    w->bytes = chain_new(cfg);
    assert_true(nw_enrichers_adds_only(w->stub));
    assert_true(nw_enrichers_bytes(w->bytes));
    nw_config_free(cfg);
}

static void ways_free(ways_t *w)
{
    nw_enrichers_free(w->tree);
    nw_enrichers_free(w->stub);
    nw_enrichers_free(w->bytes);
}

static void run_chain(nw_enrichers_t *e, json_t *record, const nw_enrich_input_t *in)
{
    bool failed = false;
    char reasons[1][NW_ERROR_MSG_MAX];
    nw_enrichers_run(e, &record, &in, 1, &failed, reasons);
    assert_false(failed);
}

/* The chain over a record as bytes, as the pipeline runs it. */
static void run_chain_bytes(nw_enrichers_t *e, nw_enrich_bytes_t *rec, const nw_enrich_input_t *in)
{
    json_t *record = NULL;
    json_t *status = NULL;
    bool failed = false;
    char reasons[1][NW_ERROR_MSG_MAX];
    nw_enrich_batch_t b = {.records = &record,
                           .inputs = &in,
                           .statuses = &status,
                           .failed = &failed,
                           .reasons = reasons,
                           .bytes = &rec,
                           .n = 1};
    nw_enrichers_run_part(e, 0, SIZE_MAX, &b);
    assert_false(failed);
    assert_null(status);
}

/* The byte path's record for a with meta m: want's bytes (want_len). */
static void check_bytes(ways_t *w, const nw_article_t *a, const nw_record_meta_t *m,
                        const nw_enrich_input_t *in, const char *want, size_t want_len)
{
    nw_buf_t rec = NW_BUF_INIT;
    nw_record_facts_t f;
    assert_int_equal(nw_ninjs_write_facts(a, m, &rec, &f), 0);
    nw_enrich_bytes_t eb = {.language = a->language, .wordcount = f.words};
    run_chain_bytes(w->bytes, &eb, in);
    assert_int_equal(nw_ninjs_splice_bytes(&rec, m->plain_ninjs, &eb.ext, &eb.top), 0);
    assert_string_equal(rec.data, want);
    assert_int_equal(rec.len, want_len);
    nw_enrich_bytes_free(&eb);
    free(f.body);
    nw_buf_free(&rec);
}

/* Both ways for a with meta m; 0, or 1 when the writer left the record to
 * the tree (text that is not clean UTF-8). */
static int check_variant(ways_t *w, const nw_article_t *a, const nw_record_meta_t *m)
{
    nw_buf_t rec = NW_BUF_INIT;
    nw_record_facts_t f;
    int rc = nw_ninjs_write_facts(a, m, &rec, &f);
    if (rc == 1) {
        assert_null(rec.data);
        return 1;
    }
    assert_int_equal(rc, 0);

    /* The tree's way, as the pipeline takes it with any other chain. */
    nw_record_meta_t tm = *m;
    tm.plain_ninjs = false;
    tm.replay_state = NULL;
    json_t *tree = nw_ninjs_build(a, &tm);
    assert_non_null(tree);
    json_t *ext = json_object_get(tree, "newswire");
    if (m->replay_state)
        tree_add_replay(ext, m->replay_state);
    const char *hash = json_string_value(json_object_get(ext, "content_hash"));
    const char *sim = json_string_value(json_object_get(ext, "simhash"));
    json_t *wc = json_object_get(json_array_get(json_object_get(tree, "bodies"), 0), "wordcount");
    assert_string_equal(f.hash_text, hash);
    assert_true(f.simhash == strtoull(sim, NULL, 16));
    assert_int_equal(f.words, json_integer_value(wc));
    char *body = nw_article_body(a);
    assert_non_null(body);
    assert_string_equal(f.body, body);
    nw_enrich_input_t in = {
        .size = sizeof(nw_enrich_input_t),
        .article_id = m->article_id,
        .headline = a->headline,
        .standfirst = a->standfirst,
        .body = body,
        .byline = a->byline,
        .published = a->has_published ? a->published : INT64_MIN,
        .versioncreated = nw_article_version_time(a),
        .source_topic = m->source.topic,
        .partition = m->source.topic ? m->source.partition : -1,
        .content_hash = f.hash_text,
        .simhash = f.simhash,
        .offset = m->source.topic ? w->offset++ : -1,
    };
    run_chain(w->tree, tree, &in);
    if (m->plain_ninjs)
        json_object_del(tree, "newswire");
    size_t want_len;
    char *want = nw_ninjs_dump_compact(tree, &want_len);
    assert_non_null(want);

    /* The stub's way. */
    size_t n_members;
    json_t *stub = nw_ninjs_stub(a, f.words, &n_members);
    assert_non_null(stub);
    in.body = f.body;
    run_chain(w->stub, stub, &in);
    assert_int_equal(nw_ninjs_splice(&rec, m->plain_ninjs, stub, n_members), 0);
    assert_int_equal(rec.len, want_len);
    assert_string_equal(rec.data, want);
    check_bytes(w, a, m, &in, want, want_len);

    w->compared++;
    w->with_entities += strstr(want, "\"entities\":{") != NULL;
    w->with_neardup += strstr(want, "\"near_duplicate_of\":[") != NULL;
    json_decref(stub);
    json_decref(tree);
    free(want);
    free(body);
    free(f.body);
    nw_buf_free(&rec);
    return 0;
}

/* Every variant of a's record: the output formats, a replay marker, a
 * Kafka source (which neardup keeps an index for) and a file. */
static int check_article(void *ways, const nw_article_t *a, const char *name)
{
    ways_t *w = ways;
    char id[300];
    int rc = -1;
    for (int v = 0; v < 8; v++) {
        snprintf(id, sizeof(id), "%s#%d", name, v);
        nw_record_meta_t m = {.article_id = id, .version = 1 + (unsigned)v};
        if (v & 1)
            m.source = (nw_record_source_t){.file = name};
        else
            m.source = (nw_record_source_t){.topic = "news.raw",
                                            .partition = 1,
                                            .offset = 100 + v,
                                            .key = id,
                                            .key_len = strlen(id)};
        m.replay_state = v & 2 ? "rebuild" : NULL;
        m.plain_ninjs = (v & 4) != 0;
        int r = check_variant(w, a, &m);
        if (rc >= 0)
            assert_int_equal(r, rc);
        rc = r;
    }
    return rc;
}

/* Every message of dir that parses. Returns how many; *tree counts those
 * the writer left to the tree. */
static int check_dir(ways_t *w, const char *dir, int *tree)
{
    return each_article(dir, check_article, w, tree);
}

static void test_stub_like_tree(void **state)
{
    (void)state;
    ways_t w;
    int tree = 0;
    ways_init(&w, NULL);
    assert_true(check_dir(&w, NW_TEST_DATA "/articles", &tree) > 10);
    assert_int_equal(tree, 0);
    check_dir(&w, NW_SOURCE_DIR "/tests/fuzz/corpus/parse", &tree);
    check_dir(&w, NW_SOURCE_DIR "/tests/fuzz/corpus/html", &tree);
    /* The enrichers had something to add. */
    assert_true(w.compared > 80);
    assert_true(w.with_neardup > 0);
#ifdef NW_WITH_ENTITIES
    assert_true(w.with_entities > 0);
#endif
    ways_free(&w);
}

/* Each built-in alone on the byte path (the others off, whose statuses the
 * bytes carry too). */
static void test_bytes_each_builtin(void **state)
{
    (void)state;
    static const char *const names[] = {"lang",     "dates", "entities",
                                        "subjects", "stats", "neardup"};
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        char disabled[128] = "";
        for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
            if (j != k)
                snprintf(disabled + strlen(disabled), sizeof(disabled) - strlen(disabled), "%s%s",
                         disabled[0] ? "," : "", names[j]);
        ways_t w;
        int tree = 0;
        ways_init(&w, disabled);
        assert_true(check_dir(&w, NW_TEST_DATA "/articles", &tree) > 10);
        assert_int_equal(tree, 0);
        ways_free(&w);
    }
}

/* Only a chain of such built-ins takes the stub: a plugin or the HTTP
 * enricher may read the whole record. */
static void test_which_chains(void **state)
{
    (void)state;
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    assert_non_null(cfg);
    assert_int_equal(nw_config_set(cfg, "enrichers.disabled", "lang,dates,entities,subjects,stats",
                                   "test", &err),
                     0);
    nw_enrichers_t *e = chain_new(cfg);
    assert_true(nw_enrichers_adds_only(e));
    assert_true(nw_enrichers_bytes(e));
    nw_enrichers_free(e);
#ifdef NW_WITH_HTTP
    /* The HTTP enricher has no byte writer either. */
    assert_int_equal(nw_config_set(cfg, "http.svc.url", "http://127.0.0.1:9/", "test", &err), 0);
    e = chain_new(cfg);
    assert_false(nw_enrichers_adds_only(e));
    assert_false(nw_enrichers_bytes(e));
    nw_enrichers_free(e);
    /* Off, it reads nothing. */
    assert_int_equal(nw_config_set(cfg, "enrichers.disabled", "http.svc", "test", &err), 0);
    e = chain_new(cfg);
    assert_true(nw_enrichers_adds_only(e));
    assert_true(nw_enrichers_bytes(e));
    nw_enrichers_free(e);
#endif
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stub_like_tree),
        cmocka_unit_test(test_bytes_each_builtin),
        cmocka_unit_test(test_which_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
