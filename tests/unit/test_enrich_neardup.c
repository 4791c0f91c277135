/*
 * Unit tests of the "neardup" enricher: near-identical texts under different
 * ids, a new version of the same id, distant texts, separation by partition
 * and topic, eviction at capacity, sorted output, the threshold settings
 * (the global key, the enricher's own, and the linear scan above 3 bits) and
 * the cap on listed ids, and the bounded cost per message: syndicated copy
 * (one simhash under thousands of ids) and crowded bands, counted in
 * comparisons rather than timed.
 */
#include "test_enrich_util.h"

#include "enrichers/builtins.h"

static char *seed_text;   /* tests/data/seed.txt */
static char *seed_edited; /* the same with one word changed */
static char *other[3];    /* unrelated articles */

static int setup(void **state)
{
    (void)state;
    seed_text = fx_read(NW_TEST_DATA "/seed.txt");
    seed_edited = strdup(seed_text);
    char *w = strstr(seed_edited, "repeatedly highlighted");
    assert_non_null(w);
    memcpy(w, "frequently", 10); /* "repeatedly" -> "frequently" */
    other[0] = fx_read(NW_TEST_DATA "/enrich/lang-fr.txt");
    other[1] = fx_read(NW_TEST_DATA "/enrich/lang-de.txt");
    other[2] = fx_read(NW_TEST_DATA "/enrich/lang-es.txt");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(seed_text);
    free(seed_edited);
    for (int i = 0; i < 3; i++)
        free(other[i]);
    return 0;
}

/* Runs text as article id in topic/partition; returns the compact dump of
 * near_duplicate_of ("-" when absent) in buf. */
static const char *run(nw_enrichers_t *e, const char *text, const char *id, const char *topic,
                       int32_t partition, char *buf, size_t n)
{
    fx_t f;
    fx_parse(&f, text, id, topic, partition);
    assert_false(fx_run(e, &f, NULL));
    json_t *list = fx_ext(&f, "near_duplicate_of");
    char *s = list ? json_dumps(list, JSON_COMPACT) : NULL;
    snprintf(buf, n, "%s", s ? s : "-");
    assert_string_equal(fx_status_str(&f, "neardup"), list ? "ok" : "skipped");
    free(s);
    fx_clear(&f);
    return buf;
}

#define EXPECT(e, text, id, topic, part, expected)                                                 \
    do {                                                                                           \
        char buf_[512];                                                                            \
        assert_string_equal(run(e, text, id, topic, part, buf_, sizeof(buf_)), expected);          \
    } while (0)

static uint64_t simhash_of(const char *text)
{
    fx_t f;
    fx_parse(&f, text, "x", NULL, -1);
    uint64_t h = f.in.simhash;
    fx_clear(&f);
    return h;
}

static void test_near_copies(void **state)
{
    (void)state;
    int d = nw_hamming64(simhash_of(seed_text), simhash_of(seed_edited));
    print_message("edited seed: %d bits from the original\n", d);
    assert_true(d >= 1 && d <= 3); /* the premise of this test */
    nw_enrichers_t *e = host_only("neardup");
    EXPECT(e, seed_text, "wire-1", "news.raw", 0, "-");
    EXPECT(e, seed_edited, "site-7", "news.raw", 0, "[\"wire-1\"]");
    /* A new version of an article does not list itself... */
    EXPECT(e, seed_edited, "site-7", "news.raw", 0, "[\"wire-1\"]");
    /* ...and unrelated text lists nothing. */
    EXPECT(e, other[0], "fr-1", "news.raw", 0, "-");
    EXPECT(e, other[1], "de-1", "news.raw", 0, "-");
    /* Every earlier copy, sorted by id whatever the arrival order. */
    EXPECT(e, seed_text, "agg-3", "news.raw", 0, "[\"site-7\",\"wire-1\"]");
    EXPECT(e, seed_text, "agg-0", "news.raw", 0, "[\"agg-3\",\"site-7\",\"wire-1\"]");
    nw_enrichers_free(e);
}

/* After a transaction abort the runner re-reads messages whose first pass
 * already went into the index: a message only ever sees what came before
 * it in its partition, so the rewound pass gives the same answer. */
static void test_rewind(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("neardup");
    fx_t a, b;
    fx_parse(&a, seed_text, "first", "news.raw", 0);
    int64_t at = a.in.offset;
    fx_run(e, &a, NULL);
    fx_parse(&b, seed_edited, "second", "news.raw", 0);
    fx_run(e, &b, NULL);
    assert_string_equal(fx_detail(&b, "neardup"), "1 near-duplicate (closest 1 bit)");
    fx_clear(&a);
    fx_clear(&b);
    /* The rewound first message, at its own offset again: "second" (later)
     * and its own first pass (same offset) are not before it. */
    fx_parse(&a, seed_text, "first", "news.raw", 0);
    a.in.offset = at;
    fx_run(e, &a, NULL);
    assert_string_equal(fx_detail(&a, "neardup"), "none within 3 bits");
    fx_clear(&a);
    nw_enrichers_free(e);
}

static void test_detail(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("neardup");
    fx_t f;
    fx_parse(&f, seed_text, "a", "t", 0);
    fx_run(e, &f, NULL);
    assert_string_equal(fx_detail(&f, "neardup"), "none within 3 bits");
    fx_clear(&f);
    fx_parse(&f, seed_text, "b", "t", 0);
    fx_run(e, &f, NULL);
    assert_string_equal(fx_detail(&f, "neardup"), "1 near-duplicate (closest 0 bits)");
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_partitions(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("neardup");
    EXPECT(e, seed_text, "p0", "news.raw", 0, "-");
    EXPECT(e, seed_text, "p1", "news.raw", 1, "-");   /* another partition */
    EXPECT(e, seed_text, "q0", "news.other", 0, "-"); /* another topic */
    EXPECT(e, seed_text, "file", NULL, -1, "-");      /* outside Kafka */
    EXPECT(e, seed_text, "p0b", "news.raw", 0, "[\"p0\"]");
    EXPECT(e, seed_text, "p1b", "news.raw", 1, "[\"p1\"]");
    EXPECT(e, seed_text, "file2", NULL, -1, "[\"file\"]");
    nw_enrichers_free(e);
}

static void test_eviction(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("enrichers.neardup.capacity", "3", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "neardup");
    EXPECT(e, seed_text, "a", "t", 0, "-");
    EXPECT(e, other[0], "b", "t", 0, "-");
    EXPECT(e, other[1], "c", "t", 0, "-");
    EXPECT(e, seed_edited, "d", "t", 0, "[\"a\"]"); /* a is still there; now it is evicted */
    EXPECT(e, other[2], "e", "t", 0, "-");          /* evicts b */
    EXPECT(e, seed_text, "f", "t", 0, "[\"d\"]");   /* a is gone, d remains */
    nw_enrichers_free(e);

    /* A new version takes the newest place: "a" re-indexed survives. */
    e = host_only_cfg(cfg, "neardup");
    EXPECT(e, seed_text, "a", "t", 0, "-");
    EXPECT(e, other[0], "b", "t", 0, "-");
    EXPECT(e, seed_text, "a", "t", 0, "-");
    EXPECT(e, other[1], "c", "t", 0, "-");
    EXPECT(e, other[2], "d", "t", 0, "-");
    EXPECT(e, seed_edited, "z", "t", 0, "[\"a\"]");
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

static void test_thresholds(void **state)
{
    (void)state;
    /* near.duplicate.threshold=0: only identical simhashes. */
    nw_config_t *cfg = cfg_pairs("near.duplicate.threshold", "0", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "neardup");
    EXPECT(e, seed_text, "a", "t", 0, "-");
    EXPECT(e, seed_edited, "b", "t", 0, "-");
    EXPECT(e, seed_text, "c", "t", 0, "[\"a\"]");
    nw_enrichers_free(e);
    nw_config_free(cfg);

    /* The enricher's own key wins over the global one. */
    cfg = cfg_pairs("near.duplicate.threshold", "0", "enrichers.neardup.threshold", "3", NULL);
    e = host_only_cfg(cfg, "neardup");
    EXPECT(e, seed_text, "a", "t", 0, "-");
    EXPECT(e, seed_edited, "b", "t", 0, "[\"a\"]");
    nw_enrichers_free(e);
    nw_config_free(cfg);

    /* Above 3 bits the index scans: same answers, distant texts still out. */
    cfg = cfg_pairs("enrichers.neardup.threshold", "12", NULL);
    e = host_only_cfg(cfg, "neardup");
    EXPECT(e, seed_text, "a", "t", 0, "-");
    EXPECT(e, other[0], "b", "t", 0, "-");
    EXPECT(e, seed_edited, "c", "t", 0, "[\"a\"]");
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

static void test_max_listed(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("enrichers.neardup.max", "2", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "neardup");
    EXPECT(e, seed_edited, "c", "t", 0, "-");
    EXPECT(e, seed_text, "b", "t", 0, "[\"c\"]");
    EXPECT(e, seed_text, "a", "t", 0, "[\"b\",\"c\"]");
    /* Three candidates, two listed: the identical ones (a, b) before the
     * edited one (c), and the detail says how many there were. */
    fx_t f;
    fx_parse(&f, seed_text, "z", "t", 0);
    fx_run(e, &f, NULL);
    char *got = json_dumps(fx_ext(&f, "near_duplicate_of"), JSON_COMPACT);
    assert_string_equal(got, "[\"a\",\"b\"]");
    assert_string_equal(fx_detail(&f, "neardup"), "3 near-duplicates (closest 0 bits), 2 listed");
    free(got);
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

/* Runs the fixture f under id at the next offset; returns the comparisons
 * the lookup made. */
static uint64_t run_as(nw_enrichers_t *e, fx_t *f, const char *id, uint64_t simhash)
{
    f->in.article_id = id;
    f->in.simhash = simhash;
    f->in.offset = fx_next_offset++;
    uint64_t before = nw_neardup_compared();
    assert_false(fx_run(e, f, NULL));
    return nw_neardup_compared() - before;
}

/* 5,000 copies of one story: each lookup compares one group (the exact
 * copies) whatever their number, the count stays exact, and the listed ids
 * are the earliest copies. */
static void test_syndicated_copies(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("neardup");
    fx_t f;
    fx_parse(&f, seed_text, "x", "wire", 0);
    uint64_t h = f.in.simhash, most = 0;
    char id[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof(id), "c%05d", i);
        uint64_t c = run_as(e, &f, id, h);
        most = c > most ? c : most;
    }
    print_message("most comparisons in one lookup: %llu\n", (unsigned long long)most);
    assert_true(most <= 1);
    assert_string_equal(fx_detail(&f, "neardup"),
                        "4999 near-duplicates (closest 0 bits), 20 listed");
    char *got = json_dumps(fx_ext(&f, "near_duplicate_of"), JSON_COMPACT);
    assert_string_equal(got, "[\"c00000\",\"c00001\",\"c00002\",\"c00003\",\"c00004\","
                             "\"c00005\",\"c00006\",\"c00007\",\"c00008\",\"c00009\","
                             "\"c00010\",\"c00011\",\"c00012\",\"c00013\",\"c00014\","
                             "\"c00015\",\"c00016\",\"c00017\",\"c00018\",\"c00019\"]");
    free(got);
    /* A new version of one copy neither lists nor counts itself. */
    run_as(e, &f, "c00003", h);
    assert_string_equal(fx_detail(&f, "neardup"),
                        "4999 near-duplicates (closest 0 bits), 20 listed");
    got = json_dumps(fx_ext(&f, "near_duplicate_of"), JSON_COMPACT);
    assert_null(strstr(got, "c00003"));
    assert_non_null(strstr(got, "c00020"));
    free(got);
    fx_clear(&f);
    nw_enrichers_free(e);
}

/* 2,000 distinct simhashes sharing one band: a lookup stops after `scan`
 * comparisons (plus the exact group) and says so. */
static void test_scan_cap(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("enrichers.neardup.scan", "50", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "neardup");
    fx_t f;
    fx_parse(&f, seed_text, "x", "wire", 0);
    uint64_t base = 0x1234, most = 0;
    char id[32];
    for (uint64_t i = 0; i < 2000; i++) {
        snprintf(id, sizeof(id), "n%05llu", (unsigned long long)i);
        uint64_t c = run_as(e, &f, id, base | (i + 1) << 16);
        most = c > most ? c : most;
    }
    print_message("most comparisons in one lookup: %llu\n", (unsigned long long)most);
    assert_true(most <= 51);
    /* The probe is the oldest entry's simhash: found as an exact copy
     * although its band is too crowded to walk to the end. */
    run_as(e, &f, "probe", base | 1u << 16);
    print_message("%s\n", fx_detail(&f, "neardup"));
    char *got = json_dumps(fx_ext(&f, "near_duplicate_of"), JSON_COMPACT);
    assert_non_null(strstr(got, "\"n00000\""));
    free(got);
    assert_non_null(strstr(fx_detail(&f, "neardup"), "scan stopped"));
    fx_clear(&f);
    nw_enrichers_free(e);

    /* Above 3 bits the walk over every group is capped the same way. */
    nw_config_free(cfg);
    cfg = cfg_pairs("enrichers.neardup.scan", "50", "enrichers.neardup.threshold", "8", NULL);
    e = host_only_cfg(cfg, "neardup");
    fx_parse(&f, seed_text, "x", "wire", 0);
    most = 0;
    for (uint64_t i = 0; i < 500; i++) {
        snprintf(id, sizeof(id), "m%05llu", (unsigned long long)i);
        uint64_t c = run_as(e, &f, id, nw_fnv1a64(id, strlen(id)));
        most = c > most ? c : most;
    }
    assert_true(most <= 51);
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

/* Groups that share several bands with the probe are on several of its
 * chains and compared once each: the exact copy, two near ones and a far
 * one make four comparisons, and the near ones are listed once. */
static void test_shared_bands(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("neardup");
    fx_t f;
    fx_parse(&f, seed_text, "x", "wire", 0);
    const uint64_t h = 0x1111222233334444ULL;
    run_as(e, &f, "exact", h);
    run_as(e, &f, "near0", h ^ 1u);         /* bands 1, 2, 3 shared */
    run_as(e, &f, "near2", h ^ 3ULL << 40); /* bands 0, 1, 3 shared */
    run_as(e, &f, "far", h ^ 0xFULL << 16); /* 4 bits, bands 0, 2, 3 */
    assert_int_equal(run_as(e, &f, "probe", h), 4);
    assert_string_equal(fx_detail(&f, "neardup"), "3 near-duplicates (closest 0 bits)");
    char *got = json_dumps(fx_ext(&f, "near_duplicate_of"), JSON_COMPACT);
    assert_string_equal(got, "[\"exact\",\"near0\",\"near2\"]");
    free(got);
    fx_clear(&f);
    nw_enrichers_free(e);
}

/* A repartitioned input interleaves one origin partition's offsets across
 * batches: each message sees exactly the copies from before it, and a late
 * lower offset removes nothing the later ones should see. */
static void test_interleaved_offsets(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("neardup");
    fx_t f;
    fx_parse(&f, seed_text, "x", "wire", 0);
    uint64_t h = f.in.simhash;
    static const struct {
        const char *id;
        int64_t offset;
        const char *detail, *listed;
    } steps[] = {
        {"a", 1000010, "none within 3 bits", NULL},
        {"b", 1000020, "1 near-duplicate (closest 0 bits)", "[\"a\"]"},
        {"c", 1000030, "2 near-duplicates (closest 0 bits)", "[\"a\",\"b\"]"},
        {"d", 1000015, "1 near-duplicate (closest 0 bits)", "[\"a\"]"},
        {"e", 1000040, "4 near-duplicates (closest 0 bits)", "[\"a\",\"b\",\"c\",\"d\"]"},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        f.in.article_id = steps[i].id;
        f.in.simhash = h;
        f.in.offset = steps[i].offset;
        assert_false(fx_run(e, &f, NULL));
        assert_string_equal(fx_detail(&f, "neardup"), steps[i].detail);
        if (steps[i].listed) {
            char *got = json_dumps(fx_ext(&f, "near_duplicate_of"), JSON_COMPACT);
            assert_string_equal(got, steps[i].listed);
            free(got);
        }
    }
    fx_clear(&f);
    nw_enrichers_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_near_copies),  cmocka_unit_test(test_rewind),
        cmocka_unit_test(test_detail),       cmocka_unit_test(test_partitions),
        cmocka_unit_test(test_eviction),     cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_max_listed),   cmocka_unit_test(test_syndicated_copies),
        cmocka_unit_test(test_scan_cap),     cmocka_unit_test(test_interleaved_offsets),
        cmocka_unit_test(test_shared_bands),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
