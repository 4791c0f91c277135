/*
 * Unit tests of the enrichment host: the chain's order, enrichers.disabled
 * ("off"), statuses and details, fail-closed records (failed[] and
 * reasons[]), the batch path, plugins loaded from enrichers.paths (the
 * example keywords plugin works; a plugin of another major ABI, a short
 * descriptor or a missing entry point are refused with clear messages), data
 * file lookup, determinism, declared settings (a misspelt or mistyped key of
 * a built-in, an HTTP instance, a plugin or an enricher not loaded is refused
 * with the closest key suggested), a plugin built against ABI 1.0, the
 * previous minor, still loading, and status objects shared between records.
 *
 * The plugin modules are built by plugin/enrichers/examples/CMakeLists.txt, which
 * writes their paths into nw_test_plugins.h.
 */
#include "test_enrich_util.h"

#include "core/sink.h"
#include "nw_test_plugins.h"

#ifdef NW_WITH_ENTITIES
#define HAVE_ENTITIES 1
#else
#define HAVE_ENTITIES 0
#endif

static nw_enrichers_t *host_new_ok(nw_config_t *cfg)
{
    nw_enrichers_t *e = NULL;
    nw_error_t err = {0};
    if (nw_enrichers_new(cfg, &e, &err) != 0)
        fail_msg("enrichers: %s", err.msg);
    return e;
}

static void expect_refused(const char *paths, const char *disabled, const char *needle)
{
    expect_chain_refused(cfg_pairs("enrichers.paths", paths, "enrichers.disabled", disabled, NULL),
                         needle);
}

static void test_order_and_off(void **state)
{
    (void)state;
    nw_config_t *cfg =
        cfg_pairs("enrichers.paths", NW_TEST_PLUGIN_STATUSES "," NW_EXAMPLE_PLUGIN_KEYWORDS,
                  "enrichers.disabled", "entities,stats", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    fx_t f;
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    /* Chain order; entities is off here, and absent from a build without it. */
    const char *expected[8];
    size_t n = 0, k = 0;
    expected[n++] = "lang";
    expected[n++] = "dates";
    if (HAVE_ENTITIES)
        expected[n++] = "entities";
    expected[n++] = "subjects";
    expected[n++] = "stats";
    expected[n++] = "neardup";
    expected[n++] = "test_statuses";
    expected[n++] = "keywords";
    const char *key;
    json_t *v;
    json_object_foreach(fx_ext(&f, "enrichment"), key, v)
    {
        assert_true(k < n);
        assert_string_equal(key, expected[k]);
        k++;
    }
    assert_int_equal(k, n);
    /* Disabled: recorded as off, never run. */
    assert_string_equal(fx_status_str(&f, "stats"), "off");
    assert_null(json_object_get(fx_status(&f, "stats"), "detail"));
    assert_string_equal(fx_status_str(&f, "lang"), "ok");
    assert_string_equal(fx_detail(&f, "dates"), "4 dates");
    assert_string_equal(fx_status_str(&f, "neardup"), "skipped");
    /* "detail" only when there is one: the statuses plugin writes none. */
    assert_string_equal(fx_status_str(&f, "test_statuses"), "ok");
    assert_null(json_object_get(fx_status(&f, "test_statuses"), "detail"));
    /* The example plugin's output. */
    json_t *kw = json_object_get(fx_ext(&f, "enrichments"), "keywords");
    assert_true(json_array_size(kw) >= 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(kw, 0), "term")),
                        "ukraine");
    assert_string_equal(fx_status_str(&f, "keywords"), "ok");
    /* The example plugin's detail names its top keyword. */
    assert_non_null(strstr(fx_detail(&f, "keywords"), "\"ukraine\""));
    /* Enrichment comes last in the extension: after what enrichers added. */
    const char *last = NULL;
    json_object_foreach(json_object_get(f.rec, "newswire"), key, v) last = key;
    assert_string_equal(last, "enrichment");
    fx_clear(&f);

    /* Five built-ins besides entities, stats off, two plugins. */
    assert_int_equal(nw_enrichers_count(e), 6);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

/* Enriches n <= 8 records made from heads[i] and bodies[i] as one batch. */
static void run_texts(nw_enrichers_t *e, fx_t *f, size_t n, const char *const *heads,
                      const char *const *bodies, bool *failed, char (*reasons)[NW_ERROR_MSG_MAX])
{
    json_t *recs[8];
    const nw_enrich_input_t *in[8];
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        fx_text(&f[i], "2021-12-30T09:32:00Z", heads[i], bodies[i], "k", NULL, -1);
        recs[i] = f[i].rec;
        in[i] = &f[i].in;
    }
    nw_enrichers_run(e, recs, in, n, failed, reasons);
}

/* Records through the statuses plugin, which picks each record's status
 * from its headline; the keywords plugin runs after it. */
static void test_statuses_and_failures(void **state)
{
    (void)state;
    nw_config_t *cfg =
        cfg_pairs("enrichers.paths", NW_TEST_PLUGIN_STATUSES "," NW_EXAMPLE_PLUGIN_KEYWORDS,
                  "enrichers.disabled", "lang,dates,entities,subjects,neardup", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    static const char *const heads[] = {"Plain ok story", "FAILME story", "DEGRADEME story",
                                        "SKIPME story"};
    static const char *const storm =
        "Storm storm storm warnings were issued as the storm moved inland.";
    static const char *const bodies[] = {storm, storm, storm, storm};
    fx_t f[4];
    bool failed[4];
    char reasons[4][NW_ERROR_MSG_MAX];
    run_texts(e, f, 4, heads, bodies, failed, reasons);
    assert_false(failed[0]);
    assert_true(failed[1]);
    assert_false(failed[2]);
    assert_false(failed[3]);
    assert_string_equal(reasons[1], "test_statuses: service said no");
    assert_string_equal(reasons[0], "");
    /* One batch call for all four records. */
    assert_int_equal(json_integer_value(json_object_get(fx_ext(&f[0], "enrichments"), "statuses")),
                     4);
    assert_string_equal(fx_status_str(&f[0], "test_statuses"), "ok");
    assert_string_equal(fx_status_str(&f[1], "test_statuses"), "failed");
    assert_string_equal(fx_detail(&f[1], "test_statuses"), "service said no");
    assert_string_equal(fx_status_str(&f[2], "test_statuses"), "degraded");
    assert_string_equal(fx_detail(&f[2], "test_statuses"), "timeout after 10 ms");
    assert_string_equal(fx_status_str(&f[3], "test_statuses"), "skipped");
    /* The failed record is not shown to the enrichers after the failure. */
    assert_null(fx_status(&f[1], "keywords"));
    assert_string_equal(fx_status_str(&f[0], "keywords"), "ok");
    assert_string_equal(fx_status_str(&f[2], "keywords"), "ok");
    /* Built-ins before the failure ran. */
    assert_string_equal(fx_status_str(&f[1], "stats"), "ok");
    for (int i = 0; i < 4; i++)
        fx_clear(&f[i]);

    /* The next batch starts clean, and a batch of one takes the same path. */
    fx_text(&f[0], "2021-12-30T09:32:00Z", "Plain", "Nothing to see here at all.", "k", NULL, -1);
    char reason[NW_ERROR_MSG_MAX];
    assert_false(fx_run(e, &f[0], reason));
    assert_string_equal(reason, "");
    assert_int_equal(json_integer_value(json_object_get(fx_ext(&f[0], "enrichments"), "statuses")),
                     1);
    fx_clear(&f[0]);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

static void test_refused_plugins(void **state)
{
    (void)state;
    expect_refused(NW_TEST_PLUGIN_WRONG_ABI, "",
                   "plugin " NW_TEST_PLUGIN_WRONG_ABI
                   " was built for enricher ABI 2.x; this newswire speaks 1.x");
    expect_refused(NW_TEST_PLUGIN_SHORT, "", "plugin " NW_TEST_PLUGIN_SHORT ": its descriptor is ");
    expect_refused(NW_TEST_PLUGIN_NO_ENTRY, "",
                   "plugin " NW_TEST_PLUGIN_NO_ENTRY " has no nw_enricher_entry function");
    expect_refused(NW_TEST_DATA "/no-such-plugin.so", "", "enrichers.paths: cannot load plugin");
    /* The same plugin twice: one name, one place in the chain. */
    expect_refused(NW_EXAMPLE_PLUGIN_KEYWORDS "," NW_EXAMPLE_PLUGIN_KEYWORDS, "",
                   "an enricher called \"keywords\" is already in the chain");
    /* A refusal after a successful load unloads cleanly (checked by ASan). */
    expect_refused(NW_EXAMPLE_PLUGIN_KEYWORDS "," NW_TEST_PLUGIN_WRONG_ABI, "", "ABI 2.x");
}

static void test_disabled_names(void **state)
{
    (void)state;
    expect_refused("", "lnag",
                   "enrichers.disabled: no enricher is called \"lnag\" (the chain is: "
                   "lang, dates");
    /* Plugins can be disabled by name too, and init is then never called. */
    nw_config_t *cfg =
        cfg_pairs("enrichers.paths", NW_EXAMPLE_PLUGIN_KEYWORDS, "enrichers.keywords.max", "zero",
                  "enrichers.disabled", "keywords,entities", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    fx_t f;
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    fx_run(e, &f, NULL);
    assert_string_equal(fx_status_str(&f, "keywords"), "off");
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

static void test_plugin_settings(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("enrichers.paths", NW_EXAMPLE_PLUGIN_KEYWORDS,
                                 "enrichers.keywords.max", "3", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    fx_t f;
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    fx_run(e, &f, NULL);
    assert_int_equal(json_array_size(json_object_get(fx_ext(&f, "enrichments"), "keywords")), 3);
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);

    cfg = cfg_pairs("enrichers.paths", NW_EXAMPLE_PLUGIN_KEYWORDS, "enrichers.keywords.max", "0",
                    NULL);
    nw_error_t err = {0};
    assert_int_equal(nw_enrichers_new(cfg, &e, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "plugin " NW_EXAMPLE_PLUGIN_KEYWORDS ": enrichers.keywords"));
    nw_config_free(cfg);
}

#ifdef NW_WITH_HTTP
/* What a metrics sink was told about circuit breakers. */
typedef struct breaker_seen {
    int calls;
    char endpoint[64];
    nw_breaker_state_t state;
} breaker_seen_t;

static void record_breaker(void *ctx, const char *endpoint, nw_breaker_state_t state)
{
    breaker_seen_t *seen = ctx;
    seen->calls++;
    snprintf(seen->endpoint, sizeof(seen->endpoint), "%s", endpoint);
    seen->state = state;
}
#endif

static void test_http_instances(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("http.geo.url", "http://127.0.0.1:9/geo", "enrichers.disabled",
                                 "http.geo,entities", NULL);
    nw_enrichers_t *e = NULL;
    nw_error_t err = {0};
    int rc = nw_enrichers_new(cfg, &e, &err);
#ifdef NW_WITH_HTTP
    assert_int_equal(rc, 0);
    fx_t f;
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    fx_run(e, &f, NULL);
    assert_string_equal(fx_status_str(&f, "http.geo"), "off");
    /* After the built-ins. */
    const char *key, *prev = NULL;
    json_t *v;
    json_object_foreach(fx_ext(&f, "enrichment"), key, v)
    {
        if (strcmp(key, "http.geo") == 0)
            break;
        prev = key;
    }
    assert_string_equal(prev, "neardup");
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);

    /* Its circuit breaker reaches the metrics sink after a run: a refused
     * connection with breaker.failures=1 opens it. */
    cfg = cfg_pairs("http.geo.url", "http://127.0.0.1:9/geo", "http.geo.retries", "0",
                    "http.geo.breaker.failures", "1", "enrichers.disabled", "entities", NULL);
    e = host_new_ok(cfg);
    breaker_seen_t seen = {0};
    const nw_sink_ops_t ops = {.breaker = record_breaker};
    const nw_sink_t sink = {&ops, &seen};
    nw_enrichers_set_metrics(e, &sink);
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    fx_run(e, &f, NULL);
    fx_clear(&f);
    assert_int_equal(seen.calls, 1);
    assert_string_equal(seen.endpoint, "http.geo");
    assert_int_equal(seen.state, NW_BREAKER_OPEN);
#else
    assert_int_equal(rc, NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "http.geo.url: HTTP enrichment is configured"));
#endif
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

static void test_data_dir(void **state)
{
    (void)state;
    /* NEWSWIRE_DATA_DIR comes first for relative data file names. */
    setenv("NEWSWIRE_DATA_DIR", NW_TEST_DATA "/enrich", 1);
    nw_config_t *cfg = cfg_pairs("enrichers.subjects.rules", "custom.rules", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "subjects");
    fx_t f;
    fx_text(&f, "2021-12-30T09:32:00Z", "Rockets", "Rockets and astronauts in orbit.", "k", NULL,
            -1);
    fx_run(e, &f, NULL);
    assert_string_equal(fx_detail(&f, "subjects"), "space 4");
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);
    unsetenv("NEWSWIRE_DATA_DIR");

    /* Without it, the shipped rules are found (installed or source tree). */
    e = host_only("subjects");
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    fx_run(e, &f, NULL);
    assert_non_null(json_object_get(f.rec, "subjects"));
    fx_clear(&f);
    nw_enrichers_free(e);
}

/* The whole default chain over a batch, twice on fresh hosts: byte-identical
 * records. */
static void test_deterministic(void **state)
{
    (void)state;
    static const char *const files[] = {"/seed.txt", "/seed.json", "/enrich/lang-fr.txt",
                                        "/seed-crlf.txt"};
    char *dumps[2][4];
    for (int round = 0; round < 2; round++) {
        nw_config_t *cfg = cfg_pairs("enrichers.paths", NW_EXAMPLE_PLUGIN_KEYWORDS, NULL);
        nw_enrichers_t *e = host_new_ok(cfg);
        fx_t f[4];
        json_t *recs[4];
        const nw_enrich_input_t *in[4];
        bool failed[4];
        char reasons[4][NW_ERROR_MSG_MAX];
        for (int i = 0; i < 4; i++) {
            char path[512], key[16];
            snprintf(path, sizeof(path), "%s%s", NW_TEST_DATA, files[i]);
            snprintf(key, sizeof(key), "id-%d", i);
            fx_file(&f[i], path, key, "news.raw", 0);
            recs[i] = f[i].rec;
            in[i] = &f[i].in;
        }
        nw_enrichers_run(e, recs, in, 4, failed, reasons);
        for (int i = 0; i < 4; i++) {
            assert_false(failed[i]);
            dumps[round][i] = nw_ninjs_dump(recs[i], false);
            fx_clear(&f[i]);
        }
        nw_enrichers_free(e);
        nw_config_free(cfg);
    }
    for (int i = 0; i < 4; i++) {
        assert_string_equal(dumps[0][i], dumps[1][i]);
        free(dumps[0][i]);
        free(dumps[1][i]);
    }
}

static void test_record_shapes(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("enrichers.disabled", "entities", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    fx_t f;
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", NULL, -1);
    /* A plain-ninjs record has no extension: the host adds one. */
    json_object_del(f.rec, "newswire");
    assert_false(fx_run(e, &f, NULL));
    assert_non_null(fx_ext(&f, "dates_mentioned"));
    assert_non_null(fx_ext(&f, "enrichment"));
    fx_clear(&f);

    /* Not an object: failed, with the reason. */
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", NULL, -1);
    json_t *saved = f.rec;
    f.rec = json_array();
    char reason[NW_ERROR_MSG_MAX];
    assert_true(fx_run(e, &f, reason));
    assert_string_equal(reason, "enrichment: the record is not a JSON object");
    json_decref(f.rec);
    f.rec = saved;
    fx_clear(&f);

    /* An empty batch is fine. */
    nw_enrichers_run(e, NULL, NULL, 0, NULL, NULL);
    nw_enrichers_free(e);
    nw_enrichers_free(NULL);
    nw_config_free(cfg);
}

/* A configuration with key, value pairs must be refused with needle. */
#define REFUSED(needle, ...) expect_chain_refused(cfg_pairs(__VA_ARGS__, NULL), needle)

static void test_declared_settings(void **state)
{
    (void)state;
    /* Issue 11: a misspelt built-in setting used to leave the default. */
    REFUSED("enrichers.neardup.treshold: built-in enricher neardup has no setting \"treshold\"; "
            "did you mean enrichers.neardup.threshold?",
            "enrichers.neardup.treshold", "3");
    REFUSED("enrichers.neardup.max: \"lots\" is not an integer", "enrichers.neardup.max", "lots");
    REFUSED("did you mean enrichers.lang.min.words?", "enrichers.lang.min.word", "3");
    REFUSED("enrichers.dates.weekdays: \"maybe\" is not true or false", "enrichers.dates.weekdays",
            "maybe");
    REFUSED("did you mean enrichers.subjects.min.hits?", "enrichers.subjects.minhits", "2");
    REFUSED("did you mean enrichers.stats.wpm?", "enrichers.stats.wmp", "200");
    if (HAVE_ENTITIES) {
        REFUSED("did you mean enrichers.entities.max.per.type?", "enrichers.entities.max.per.typ",
                "5");
        REFUSED("enrichers.entities.max.per.type: \"0\" is out of range",
                "enrichers.entities.max.per.type", "0");
    }
    /* An enricher that is not loaded: its name misspelt, or a plugin not
     * listed in enrichers.paths. */
    REFUSED("enrichers.nerdup.threshold: no enricher called \"nerdup\" is loaded; did you mean "
            "enrichers.neardup.threshold?",
            "enrichers.nerdup.threshold", "3");
    REFUSED("no enricher called \"keywords\" is loaded", "enrichers.keywords.max", "3");
    /* A plugin's declared settings are checked the same way. */
    REFUSED("plugin " NW_EXAMPLE_PLUGIN_KEYWORDS " has no setting \"maxx\"; did you mean "
            "enrichers.keywords.max?",
            "enrichers.paths", NW_EXAMPLE_PLUGIN_KEYWORDS, "enrichers.keywords.maxx", "3");
    REFUSED("setting_size 8 is smaller", "enrichers.paths", NW_TEST_PLUGIN_SMALL_SETTING);
#ifdef NW_WITH_HTTP
    /* The HTTP enricher declares its settings like any other, header.* as a
     * family. */
    REFUSED("http.geo.timout.ms: built-in enricher http.geo has no setting \"timout.ms\"; did "
            "you mean http.geo.timeout.ms?",
            "http.geo.url", "http://127.0.0.1:9/geo", "http.geo.timout.ms", "5");
    REFUSED("http.geo.retries: \"often\" is not an integer", "http.geo.url",
            "http://127.0.0.1:9/geo", "http.geo.retries", "often");
    nw_config_t *cfg =
        cfg_pairs("http.geo.url", "http://127.0.0.1:9/geo", "http.geo.header.X-Api-Version", "2",
                  "http.geo.timeout.ms", "1s", "enrichers.neardup.threshold", "2", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    nw_enrichers_free(e);
    nw_config_free(cfg);
#endif
    /* A disabled enricher's keys must exist, its values are not checked. */
    REFUSED("did you mean enrichers.stats.wpm?", "enrichers.stats.wmp", "x", "enrichers.disabled",
            "stats");
}

/* A plugin compiled against enricher.h 1.0 (a smaller descriptor, no
 * settings members) loads into this 1.1 host, runs, and reads its
 * settings, which the host cannot check. */
static void test_previous_minor(void **state)
{
    (void)state;
    nw_config_t *cfg =
        cfg_pairs("enrichers.paths", NW_TEST_PLUGIN_V1_0, "enrichers.test_v1_0.word", "kept",
                  "enrichers.disabled", "lang,dates,entities,subjects", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    fx_t f;
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    assert_string_equal(fx_status_str(&f, "test_v1_0"), "ok");
    assert_string_equal(fx_detail(&f, "test_v1_0"), "built for 1.0");
    assert_string_equal(json_string_value(json_object_get(fx_ext(&f, "enrichments"), "v1_0")),
                        "kept");
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

/* Records of a batch with the same status and note share one status
 * object; any other record has its own, and each stays as it was when the
 * others are freed. */
static void test_statuses_shared(void **state)
{
    (void)state;
    nw_config_t *cfg = cfg_pairs("enrichers.disabled", "entities,subjects,neardup", NULL);
    nw_enrichers_t *e = host_new_ok(cfg);
    static const char *const bodies[] = {
        "The storm reached the coast on 3 March 2021 and moved inland.",
        "Nothing of the kind was seen anywhere at all that week.",
        "The storm reached the coast on 3 March 2021 and moved inland.",
    };
    static const char *const heads[] = {"Storm", "Storm", "Storm again"};
    fx_t f[3];
    bool failed[3];
    char reasons[3][NW_ERROR_MSG_MAX];
    run_texts(e, f, 3, heads, bodies, failed, reasons);
    for (int i = 0; i < 3; i++)
        assert_false(failed[i]);
    assert_string_equal(fx_detail(&f[0], "dates"), "1 date");
    assert_string_equal(fx_status_str(&f[1], "dates"), "skipped");
    assert_string_equal(fx_detail(&f[1], "dates"), "no dates");
    assert_ptr_equal(fx_status(&f[0], "dates"), fx_status(&f[2], "dates"));
    assert_ptr_not_equal(fx_status(&f[0], "dates"), fx_status(&f[1], "dates"));
    /* Disabled enrichers: one "off" for every record. */
    assert_ptr_equal(fx_status(&f[0], "subjects"), fx_status(&f[1], "subjects"));
    assert_string_equal(fx_status_str(&f[0], "subjects"), "off");
    char *before = json_dumps(fx_ext(&f[2], "enrichment"), JSON_SORT_KEYS);
    fx_clear(&f[0]);
    fx_clear(&f[1]);
    char *after = json_dumps(fx_ext(&f[2], "enrichment"), JSON_SORT_KEYS);
    assert_string_equal(before, after);
    free(before);
    free(after);
    fx_clear(&f[2]);
    nw_enrichers_free(e);
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_off),   cmocka_unit_test(test_statuses_and_failures),
        cmocka_unit_test(test_refused_plugins), cmocka_unit_test(test_disabled_names),
        cmocka_unit_test(test_plugin_settings), cmocka_unit_test(test_http_instances),
        cmocka_unit_test(test_data_dir),        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_record_shapes),   cmocka_unit_test(test_declared_settings),
        cmocka_unit_test(test_previous_minor),  cmocka_unit_test(test_statuses_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
