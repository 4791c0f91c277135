/*
 * Unit tests of the "subjects" enricher: the seed article against the
 * shipped config/subjects.rules, crafted texts per subject, the ninjs 2.2
 * shape of each item, whole-word matching, and rule files of our own (the
 * format's features and its errors, reported with the line number).
 */
#include <unistd.h>

#include "test_enrich_util.h"

/* The subjects' names in record order, space-separated, into buf. */
static const char *names_of(const fx_t *f, char *buf, size_t n)
{
    json_t *list = json_object_get(f->rec, "subjects");
    size_t i;
    json_t *v;
    buf[0] = '\0';
    json_array_foreach(list, i, v)
    {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", i ? " " : "",
                 json_string_value(json_object_get(v, "name")));
    }
    return buf;
}

static void run_text(nw_enrichers_t *e, fx_t *f, const char *headline, const char *body)
{
    fx_text(f, "2021-12-30T09:32:00Z", headline, body, "k", NULL, -1);
    assert_false(fx_run(e, f, NULL));
}

static void test_seed(void **state)
{
    (void)state;
    fx_t f;
    char buf[256];
    nw_enrichers_t *e = host_only("subjects");
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    const char *names = names_of(&f, buf, sizeof(buf));
    print_message("seed subjects: %s (%s)\n", names, fx_detail(&f, "subjects"));
    assert_non_null(strstr(names, "diplomacy"));
    assert_non_null(strstr(names, "conflict"));
    assert_non_null(strstr(names, "politics"));
    assert_null(strstr(names, "sport"));
    assert_null(strstr(names, "weather"));

    /* Each item stays within ninjs 2.2's subject schema: name, uri and an
     * integer relevance 0..100; the top subject is 100 and the list is
     * ordered by relevance. */
    json_t *list = json_object_get(f.rec, "subjects");
    size_t i;
    json_t *v;
    json_int_t prev = 100;
    json_array_foreach(list, i, v)
    {
        assert_int_equal(json_object_size(v), 3);
        const char *name = json_string_value(json_object_get(v, "name"));
        char uri[128];
        snprintf(uri, sizeof(uri), "newswire:subject:%s", name);
        assert_string_equal(json_string_value(json_object_get(v, "uri")), uri);
        json_t *rel = json_object_get(v, "relevance");
        assert_true(json_is_integer(rel));
        assert_true(json_integer_value(rel) >= 0 && json_integer_value(rel) <= prev);
        if (i == 0)
            assert_int_equal(json_integer_value(rel), 100);
        prev = json_integer_value(rel);
    }
    assert_string_equal(fx_status_str(&f, "subjects"), "ok");
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_crafted(void **state)
{
    (void)state;
    static const struct {
        const char *subject, *headline, *body;
    } cases[] = {
        {"sport", "Late goal wins the cup final",
         "The striker scored in the last minute of the final at a packed stadium, and the team "
         "lifted the cup for the first time in a decade. The coach praised every player."},
        {"weather", "Storm brings heavy rain and flooding",
         "A storm swept across the coast overnight with winds gusting above 100 km/h. Forecasters "
         "warned of more heavy rain and flooding, and the weather service issued alerts."},
        {"economy", "Inflation slows as central bank holds rates",
         "Inflation eased to 4 percent last month, and the central bank kept its interest rate "
         "unchanged. Economists expect growth to pick up as prices and wages settle."},
        {"technology", "Chipmaker unveils faster processors for AI",
         "The company said its new semiconductor chips would power artificial intelligence in "
         "the cloud, as software makers race to build apps on the technology."},
        {"health", "Hospitals prepare for a winter virus wave",
         "Doctors and nurses said hospitals were filling with patients as the virus spread, and "
         "health officials urged people to get a vaccine before the holidays."},
    };
    nw_enrichers_t *e = host_only("subjects");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fx_t f;
        char buf[256];
        run_text(e, &f, cases[i].headline, cases[i].body);
        const char *names = names_of(&f, buf, sizeof(buf));
        print_message("%s: %s (%s)\n", cases[i].subject, names, fx_detail(&f, "subjects"));
        assert_true(strncmp(names, cases[i].subject, strlen(cases[i].subject)) == 0);
        fx_clear(&f);
    }
    nw_enrichers_free(e);
}

static void test_whole_words_and_minimum(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("subjects");
    fx_t f;
    /* "award", "warden", "swarm": no "war"; two hits stay below 3. */
    run_text(e, &f, "An award for the warden",
             "The swarm of visitors saw the award go to the warden, then the war memorial and "
             "the troops parade.");
    assert_null(json_object_get(f.rec, "subjects"));
    assert_string_equal(fx_status_str(&f, "subjects"), "skipped");
    assert_string_equal(fx_detail(&f, "subjects"), "no rule reached its minimum");
    fx_clear(&f);
    nw_enrichers_free(e);
}

static nw_enrichers_t *host_rules(const char *file, const char *extra_key, const char *extra_val)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/enrich/%s", NW_TEST_DATA, file);
    nw_config_t *cfg = cfg_pairs("enrichers.subjects.rules", path, extra_key, extra_val, NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "subjects");
    nw_config_free(cfg);
    return e;
}

static void test_custom_rules(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_rules("custom.rules", NULL, NULL);
    fx_t f;
    char buf[256];
    /* space: "rockets" by prefix, "launch pad" as a phrase (min=2 reached);
     * the astronaut line adds to the same subject. cooking: 2 hits < 3. */
    run_text(e, &f, "Rockets on the launch pad",
             "Astronauts watched as engineers moved the rockets to the launch pad; a recipe for "
             "success, one said, needs a hot oven.");
    assert_string_equal(names_of(&f, buf, sizeof(buf)), "space");
    assert_string_equal(fx_detail(&f, "subjects"), "space 5");
    fx_clear(&f);
    nw_enrichers_free(e);

    /* A lower default minimum lets cooking in, ranked after space. */
    e = host_rules("custom.rules", "enrichers.subjects.min.hits", "2");
    run_text(e, &f, "Rockets on the launch pad",
             "Astronauts watched as engineers moved the rockets to the launch pad; a recipe for "
             "success, one said, needs a hot oven.");
    assert_string_equal(names_of(&f, buf, sizeof(buf)), "space cooking");
    json_t *second = json_array_get(json_object_get(f.rec, "subjects"), 1);
    assert_int_equal(json_integer_value(json_object_get(second, "relevance")), 40);
    fx_clear(&f);
    nw_enrichers_free(e);

    /* max caps the list. */
    e = host_rules("custom.rules", "enrichers.subjects.max", "1");
    run_text(e, &f, "Bake it", "Bake the recipe in the oven, then bake again. Rockets in orbit.");
    assert_int_equal(json_array_size(json_object_get(f.rec, "subjects")), 1);
    fx_clear(&f);
    nw_enrichers_free(e);
}

/* A chain of subjects alone, with rules as its rule file: a new file
 * named after the template path (mkstemp()), which the caller unlinks. */
static nw_enrichers_t *host_rules_text(char *path, const char *rules)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(rules, fp);
    fclose(fp);
    nw_config_t *cfg = cfg_pairs("enrichers.subjects.rules", path, NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "subjects");
    nw_config_free(cfg);
    return e;
}

/* subjects' detail on headline and body, with rules as the rule file. */
static void expect_rules_detail(const char *rules, const char *headline, const char *body,
                                const char *detail)
{
    char path[] = "/tmp/nw-subjects-XXXXXX";
    nw_enrichers_t *e = host_rules_text(path, rules);
    fx_t f;
    run_text(e, &f, headline, body);
    assert_string_equal(fx_detail(&f, "subjects"), detail);
    fx_clear(&f);
    nw_enrichers_free(e);
    unlink(path);
}

/* The rule index: terms that share a first word, prefix terms that share
 * their first three bytes (and a prefix that is a whole word too), phrases
 * whose last word is a prefix, words longer than 16 bytes, and at most one
 * hit a subject a word position. */
static void test_shared_keys(void **state)
{
    (void)state;
    expect_rules_detail(
        "alpha min=1: polic*, politic*, police state, pol, counterintelligence\n"
        "beta min=1: police, police*, state of play, police sta*, counterintelligence*\n"
        "gamma min=1: pole*, poles apart, counterintelligenceagency\n",
        "Police state",
        "The policeman and the politicians discussed the police state; pol. Poles apart, "
        "the police stayed. Counterintelligence and counterintelligenceagency, "
        "the state of play.",
        "alpha 7, beta 7, gamma 2");
}

/* The prefix filter takes a word's first four bytes: a prefix of three
 * letters takes any fourth byte (a letter, a digit, the first byte of a
 * multi-byte letter, or the NUL of a three-letter word), a longer one only
 * its own ("for" and "fore" begin no "forecast"), multi-byte letters
 * included; and words of one or two letters still meet their exact terms,
 * whatever word follows them (the filter of first words reads the bytes
 * after a short word's NUL) or at the text's end. */
static void test_prefix_filter(void **state)
{
    (void)state;
    expect_rules_detail("delta min=1: abc*, forecast*, mp, x\n"
                        "epsilon min=1: été*, éco*\n",
                        "Abc",
                        "abcd, abcé and abc1; ab for fore forecasts forecast. MP x xy; étés, été, "
                        "éte, écologie, éc. Mp ab x zz mp x",
                        "delta 12, epsilon 3");
}

/* First words are found by their bytes at every length around the
 * 16-byte halves the filter hashes (subjects.c: exact_hash()): 7, 8, 9,
 * 15, 16 and 17 bytes, each a term once in the text, next to words that
 * differ from one in its last byte or are one byte shorter or longer,
 * none of which is a term. */
static void test_exact_lengths(void **state)
{
    (void)state;
    expect_rules_detail(
        "zeta min=1: abcdefg, abcdefgh, abcdefghi, abcdefghijklmno, abcdefghijklmnop, "
        "abcdefghijklmnopq, qrstuvwxyzabcdef ghi\n",
        "Abcdefgz abcdef",
        "abcdefghijklmnoz abcdefghijklmnopz abcdefghijklmnopqr abcdefghijklmn abcdefgha; "
        "Abcdefg abcdefgh ABCDEFGHI abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq "
        "qrstuvwxyzabcdeg ghi qrstuvwxyzabcdef ghi qrstuvwxyzabcdef gh",
        "zeta 7");
}

/* count_words() filters the words in batches of 256 before it looks up
 * those that pass: phrases that cross from one batch into the next, and
 * prefix and one-word terms on either side of the edge, are found as in
 * one pass. The phrase repeats every three and every four words, so that
 * its two words straddle each edge in one text or the other. */
static void test_batch_edges(void **state)
{
    (void)state;
    static const char *const unit[] = {"police state x ", "police state x y "};
    for (size_t u = 0; u < 2; u++) {
        size_t reps = 300, len = strlen(unit[u]);
        char *body = malloc(reps * len + 1), detail[64];
        assert_non_null(body);
        for (size_t i = 0; i < reps; i++)
            memcpy(body + i * len, unit[u], len);
        body[reps * len] = '\0';
        snprintf(detail, sizeof(detail), "alpha %zu, beta %zu, gamma %zu", reps, reps, reps);
        expect_rules_detail("alpha min=1: police state\n"
                            "beta min=1: polic*\n"
                            "gamma min=1: x\n",
                            "Zz", body, detail);
        free(body);
    }
}

static void expect_rules_error(const char *file, const char *needle)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/enrich/%s", NW_TEST_DATA, file);
    expect_chain_refused(
        cfg_pairs("enrichers.subjects.rules", path, "enrichers.disabled", "lang", NULL), needle);
}

static void test_rule_errors(void **state)
{
    (void)state;
    expect_rules_error("bad-prefix.rules",
                       "bad-prefix.rules:3: \"ba*ke\": '*' may only end a term");
    expect_rules_error("bad-syntax.rules", "bad-syntax.rules:1: expected \"<subject>");
    expect_rules_error("bad-empty-term.rules", "bad-empty-term.rules:2: empty term");
    expect_rules_error("missing.rules", "cannot open");

    /* A relative name is looked up in the data directories. */
    nw_config_t *cfg = cfg_pairs("enrichers.subjects.rules", "no-such.rules", NULL);
    nw_enrichers_t *e = NULL;
    nw_error_t err = {0};
    assert_int_equal(nw_enrichers_new(cfg, &e, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "enrichers.subjects.rules: cannot find no-such.rules"));
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_whole_words_and_minimum),
        cmocka_unit_test(test_custom_rules),
        cmocka_unit_test(test_exact_lengths),
        cmocka_unit_test(test_shared_keys),
        cmocka_unit_test(test_prefix_filter),
        cmocka_unit_test(test_batch_edges),
        cmocka_unit_test(test_rule_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
