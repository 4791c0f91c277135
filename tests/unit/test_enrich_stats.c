/*
 * Unit tests of the "stats" enricher: reading time from the body's word
 * count (agreeing with ninjs bodies[].wordcount), rounding up, and the
 * reading-speed setting.
 */
#include "test_enrich_util.h"

static json_int_t body_wordcount(const fx_t *f)
{
    json_t *body = json_array_get(json_object_get(f->rec, "bodies"), 0);
    return json_integer_value(json_object_get(body, "wordcount"));
}

static void test_seed(void **state)
{
    (void)state;
    fx_t f;
    nw_enrichers_t *e = host_only("stats");
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    json_int_t words = body_wordcount(&f);
    json_int_t expect = (words * 60 + 229) / 230;
    assert_true(words > 400);
    assert_int_equal(json_integer_value(fx_ext(&f, "reading_time_s")), expect);
    char detail[64];
    snprintf(detail, sizeof(detail), "%lld words, %lld s", (long long)words, (long long)expect);
    assert_string_equal(fx_detail(&f, "stats"), detail);
    assert_string_equal(fx_status_str(&f, "stats"), "ok");
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_rounding_and_wpm(void **state)
{
    (void)state;
    fx_t f;
    nw_enrichers_t *e = host_only("stats");
    /* 4 words: 4 * 60 / 230 = 1.04 s, rounded up to 2. Paragraph breaks and
     * non-breaking spaces separate words too. */
    fx_text(&f, "2021-12-30T09:32:00Z", "Headline words are not counted",
            "One two\xC2\xA0three.\n\nFour", "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    assert_int_equal(body_wordcount(&f), 4);
    assert_int_equal(json_integer_value(fx_ext(&f, "reading_time_s")), 2);
    fx_clear(&f);
    nw_enrichers_free(e);

    nw_config_t *cfg = cfg_pairs("enrichers.stats.wpm", "60", NULL);
    e = host_only_cfg(cfg, "stats");
    fx_text(&f, "2021-12-30T09:32:00Z", "Headline", "One two three four five.", "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    assert_int_equal(json_integer_value(fx_ext(&f, "reading_time_s")), 5);
    assert_string_equal(fx_detail(&f, "stats"), "5 words, 5 s");
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);

    nw_error_t err = {0};
    cfg = cfg_pairs("enrichers.stats.wpm", "0", NULL);
    assert_int_equal(nw_enrichers_new(cfg, &e, &err), NW_ERR_INVALID);
    /* Refused by the host against the declared bounds, before init. */
    assert_non_null(strstr(err.msg, "enrichers.stats.wpm: \"0\" is out of range (1..10000)"));
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_rounding_and_wpm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
