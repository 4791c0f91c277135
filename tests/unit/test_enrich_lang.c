/*
 * Unit tests of the "lang" enricher: the seed article, short news snippets
 * in each supported language (the close pairs es/pt and nl/de included), a
 * text too short to tell, one with no language evidence, and the settings.
 */
#include "test_enrich_util.h"

typedef struct sample {
    const char *code;
    const char *headline;
    const char *body;
} sample_t;

static const sample_t samples[] = {
    {"en", "Ministers agree on new climate targets",
     "The ministers said on Monday that they would cut emissions by half before the end of the "
     "decade, and that the plan has the support of most of their partners."},
    {"fr", "Les ministres s'accordent sur de nouveaux objectifs climatiques",
     "Les ministres ont déclaré lundi qu'ils réduiraient les émissions de moitié avant la fin de "
     "la décennie, et que le plan a le soutien de la plupart de leurs partenaires."},
    {"de", "Minister einigen sich auf neue Klimaziele",
     "Die Minister sagten am Montag, dass sie die Emissionen bis zum Ende des Jahrzehnts "
     "halbieren würden und dass der Plan die Unterstützung der meisten Partner hat."},
    {"es", "Los ministros acuerdan nuevos objetivos climáticos",
     "Los ministros dijeron el lunes que reducirían las emisiones a la mitad antes del final de "
     "la década, y que el plan cuenta con el apoyo de la mayoría de sus socios."},
    {"it", "I ministri concordano nuovi obiettivi per il clima",
     "I ministri hanno detto lunedì che ridurranno le emissioni della metà prima della fine del "
     "decennio, e che il piano ha il sostegno della maggior parte dei loro partner."},
    {"pt", "Ministros chegam a acordo sobre novas metas climáticas",
     "Os ministros disseram na segunda-feira que vão reduzir as emissões pela metade antes do "
     "fim da década, e que o plano tem o apoio da maioria dos seus parceiros."},
    {"nl", "Ministers bereiken akkoord over nieuwe klimaatdoelen",
     "De ministers zeiden maandag dat zij de uitstoot voor het einde van het decennium zullen "
     "halveren, en dat het plan de steun van de meeste van hun partners heeft."},
};

static void expect_lang(const char *headline, const char *body, const char *code,
                        const char *status)
{
    fx_t f;
    nw_enrichers_t *e = host_only("lang");
    fx_text(&f, "2021-12-30T09:32:00Z", headline, body, "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    if (!code)
        assert_null(json_object_get(f.rec, "language"));
    else
        assert_string_equal(json_string_value(json_object_get(f.rec, "language")), code);
    assert_string_equal(fx_status_str(&f, "lang"), status);
    print_message("lang: %s\n", fx_detail(&f, "lang"));
    fx_clear(&f);
    nw_enrichers_free(e);
}

/* A page that declares its language keeps it: the declaration beats a guess. */
static void test_declared(void **state)
{
    (void)state;
    fx_t f;
    nw_enrichers_t *e = host_only("lang");
    fx_parse(&f,
             "<html lang=\"fr\"><body><h1>The council votes</h1><p>The council voted on the "
             "budget and the plan for the river path on Tuesday.</p><p>Work starts in spring, "
             "officials said.</p><p class=\"date\">4 December 2026</p></body></html>",
             "k", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    assert_string_equal(json_string_value(json_object_get(f.rec, "language")), "fr");
    assert_string_equal(fx_detail(&f, "lang"), "fr (declared)");
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_seed(void **state)
{
    (void)state;
    fx_t f;
    nw_enrichers_t *e = host_only("lang");
    fx_file(&f, NW_TEST_DATA "/seed.txt", "seed", "news.raw", 0);
    assert_false(fx_run(e, &f, NULL));
    assert_string_equal(json_string_value(json_object_get(f.rec, "language")), "en");
    assert_string_equal(fx_status_str(&f, "lang"), "ok");
    double score = 0;
    assert_int_equal(sscanf(fx_detail(&f, "lang"), "en (score %lf)", &score), 1);
    assert_true(score > 0.8);
    fx_clear(&f);
    nw_enrichers_free(e);
}

static void test_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        expect_lang(samples[i].headline, samples[i].body, samples[i].code, "ok");
    }
}

static void test_data_files(void **state)
{
    (void)state;
    /* Longer articles in tests/data/enrich/, named by their language. */
    static const char *const files[] = {"lang-fr.txt", "lang-de.txt", "lang-es.txt"};
    static const char *const codes[] = {"fr", "de", "es"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/enrich/%s", NW_TEST_DATA, files[i]);
        fx_t f;
        nw_enrichers_t *e = host_only("lang");
        fx_file(&f, path, NULL, NULL, -1);
        assert_false(fx_run(e, &f, NULL));
        assert_string_equal(json_string_value(json_object_get(f.rec, "language")), codes[i]);
        fx_clear(&f);
        nw_enrichers_free(e);
    }
}

static void test_too_short_or_unknown(void **state)
{
    (void)state;
    expect_lang("Breaking", "Quake hits.", NULL, "skipped");
    /* Enough words, but none that tells a language. */
    expect_lang("Xq zv", "Blorf snark quux zibble wobbly frobnicate grault garply waldo fred.",
                "und", "ok");
}

static void test_deterministic(void **state)
{
    (void)state;
    char first[256] = "";
    for (int round = 0; round < 3; round++) {
        fx_t f;
        nw_enrichers_t *e = host_only("lang");
        fx_text(&f, "2021-12-30T09:32:00Z", samples[3].headline, samples[3].body, "k", NULL, -1);
        fx_run(e, &f, NULL);
        if (round == 0)
            snprintf(first, sizeof(first), "%s", fx_detail(&f, "lang"));
        else
            assert_string_equal(fx_detail(&f, "lang"), first);
        fx_clear(&f);
        nw_enrichers_free(e);
    }
    assert_non_null(strstr(first, "es (score 0."));
}

/* A word seen before is replayed from the thread's memo as passes, one
 * addition per language each (lang.c): the same verdict and share as when
 * it was scored afresh. The texts' words add to several languages at once
 * ("de", "sch"), take up to three passes in one language ("schätzt": sch,
 * ä, tz) or four, which are never kept ("schächtzt"), and the shares are
 * close enough that a lost or misplaced addition shows. */
static void test_memo_replay(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "Die Schätzung der Schächtzt ist schätzt, de het van die sch ij oe aa uu zz tz cht ß.",
        "Het plan van de ministers: schätzt en de schächtzt zijn dat, die sch tz het de van.",
        "La décision de la commission et les élèves, de het schätzt die der das und the of.",
    };
    for (size_t t = 0; t < sizeof(bodies) / sizeof(bodies[0]); t++) {
        nw_enrichers_t *e = host_only("lang");
        char first[256] = "";
        for (int round = 0; round < 3; round++) {
            fx_t f;
            fx_text(&f, "2021-12-30T09:32:00Z", "Schätzt de sch", bodies[t], "k", NULL, -1);
            assert_false(fx_run(e, &f, NULL));
            if (round == 0)
                snprintf(first, sizeof(first), "%s", fx_detail(&f, "lang"));
            else
                assert_string_equal(fx_detail(&f, "lang"), first);
            print_message("lang: %s\n", first);
            fx_clear(&f);
        }
        nw_enrichers_free(e);
    }
}

/* lang's verdict on body, with the headline "Xq", from the instance e. */
static void lang_detail(nw_enrichers_t *e, const char *body, char *out, size_t len)
{
    fx_t f;
    fx_text(&f, "2021-12-30T09:32:00Z", "Xq", body, "k", NULL, -1);
    assert_false(fx_run(e, &f, NULL));
    snprintf(out, len, "%s", fx_detail(&f, "lang"));
    fx_clear(&f);
}

/* The memo tells a word by its bytes alone, masked to its length from two
 * 8-byte loads (lang.c: memo_find()): words that agree on their first 8 or
 * 14 bytes and differ after ("sch" adds to de, "scx" to nothing), at the
 * key's longest (15 bytes) and one past it (16, never kept), and words
 * that are a prefix of another. Each text's verdict after the other's
 * words are kept is the one a fresh instance gives. */
static void test_memo_key_edges(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "the aaaaasch aaaaasch bbbbbbbbsch bbbbbbbbsch ccccccccccccsch ccccccccccccsch "
        "ddddddddddddesch de de",
        "the aaaaascx aaaaascx bbbbbbbbscx bbbbbbbbscx ccccccccccccscx ccccccccccccscx "
        "ddddddddddddescx de de",
        "the aaaaa aaaaa bbbbbbbb bbbbbbbbs ccccccccccccsc ccccccccccccs ddddddddddddes des",
    };
    size_t nb = sizeof(bodies) / sizeof(bodies[0]);
    for (size_t t = 0; t < nb; t++) {
        char fresh[256], warm[256];
        nw_enrichers_t *e = host_only("lang");
        lang_detail(e, bodies[t], fresh, sizeof(fresh));
        nw_enrichers_free(e);
        e = host_only("lang");
        for (size_t k = 0; k < nb; k++)
            if (k != t)
                lang_detail(e, bodies[k], warm, sizeof(warm));
        lang_detail(e, bodies[t], warm, sizeof(warm));
        print_message("lang: %s\n", fresh);
        assert_string_equal(warm, fresh);
        nw_enrichers_free(e);
    }
}

/* A text of words made of letter sequences of several languages, none,
 * one or two of each (so up to three passes a language, and a pass vector
 * for each set of languages), each word twice, from the generator's state
 * *seed. */
static char *memo_sets_text(uint32_t *seed, size_t nwords)
{
    static const char *const seqs[][2] = {{"th", "wh"}, {"ç", "è"}, {"ß", "ä"},  {"ñ", "ía"},
                                          {"ò", "ù"},   {"ã", "õ"}, {"ij", "oe"}};
    char *text = malloc(nwords * 2 * 17 + 16), *p = text;
    assert_non_null(text);
    p += sprintf(p, "the de la ");
    for (size_t i = 0; i < nwords; i++) {
        char word[32];
        size_t n = 0;
        word[n++] = 'k';
        for (size_t li = 0; li < 7 && n < 12; li++) {
            *seed = *seed * 1103515245u + 12345u;
            unsigned c = (*seed >> 16) % 5; /* 0, 0, 0, 1 or 2 sequences */
            unsigned take = c < 3 ? 0 : c - 2;
            for (unsigned k = 0; k < take && n + 3 <= 14; k++) {
                size_t m = strlen(seqs[li][k]);
                memcpy(word + n, seqs[li][k], m);
                n += m;
            }
        }
        word[n++] = 'q';
        for (int twice = 0; twice < 2; twice++) {
            memcpy(p, word, n);
            p += n;
            *p++ = ' ';
        }
    }
    *p = '\0';
    return text;
}

/* The memo keeps a word's passes as an index into a table of the lists of
 * passes it has seen (lang.c: memo_set_t), which fills: texts of many
 * words, most with their own list of passes, give the verdict a fresh
 * instance gives once the others' words fill the tables, and on a second
 * run through the same instance. */
static void test_memo_sets(void **state)
{
    (void)state;
    enum { NTEXTS = 3, NWORDS = 400 };
    char *texts[NTEXTS];
    uint32_t seed = 7;
    for (size_t t = 0; t < NTEXTS; t++)
        texts[t] = memo_sets_text(&seed, NWORDS);
    for (size_t t = 0; t < NTEXTS; t++) {
        char fresh[256], warm[256];
        nw_enrichers_t *e = host_only("lang");
        lang_detail(e, texts[t], fresh, sizeof(fresh));
        lang_detail(e, texts[t], warm, sizeof(warm));
        assert_string_equal(warm, fresh);
        nw_enrichers_free(e);
        e = host_only("lang");
        for (size_t k = 0; k < NTEXTS; k++)
            if (k != t)
                lang_detail(e, texts[k], warm, sizeof(warm));
        lang_detail(e, texts[t], warm, sizeof(warm));
        print_message("lang: %s\n", fresh);
        assert_string_equal(warm, fresh);
        nw_enrichers_free(e);
    }
    for (size_t t = 0; t < NTEXTS; t++)
        free(texts[t]);
}

/* Only the first 5000 words count, and the breaks between the fields are
 * none of them: "xq" tells no language, each "the" adds 1.25 to en, and a
 * verdict needs 2. The headline's "xq" is word 1; in the body, the 5000th
 * word is the first "the" (one counts: und) or the second (two: en). */
static void test_word_cap(void **state)
{
    (void)state;
    nw_enrichers_t *e = host_only("lang");
    for (int late = 0; late < 2; late++) {
        size_t nx = 4997 + (size_t)late, len = 0;
        char *body = malloc(nx * 3 + 16);
        assert_non_null(body);
        for (size_t i = 0; i < nx; i++, len += 3)
            memcpy(body + len, "xq ", 3);
        memcpy(body + len, "the the the", sizeof("the the the"));
        fx_t f;
        fx_text(&f, "2021-12-30T09:32:00Z", "Xq", body, "k", NULL, -1);
        assert_false(fx_run(e, &f, NULL));
        assert_string_equal(json_string_value(json_object_get(f.rec, "language")),
                            late ? "und" : "en");
        assert_string_equal(fx_detail(&f, "lang"),
                            late ? "und (too few function words)" : "en (score 1.00)");
        fx_clear(&f);
        free(body);
    }
    nw_enrichers_free(e);
}

static void test_settings(void **state)
{
    (void)state;
    /* Restricting the candidates: Portuguese text among en and es only. */
    nw_config_t *cfg = cfg_pairs("enrichers.lang.languages", "en,es", NULL);
    nw_enrichers_t *e = host_only_cfg(cfg, "lang");
    fx_t f;
    fx_text(&f, "2021-12-30T09:32:00Z", samples[5].headline, samples[5].body, "k", NULL, -1);
    fx_run(e, &f, NULL);
    const char *got = json_string_value(json_object_get(f.rec, "language"));
    assert_true(strcmp(got, "es") == 0 || strcmp(got, "und") == 0);
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);

    cfg = cfg_pairs("enrichers.lang.min.words", "100", NULL);
    e = host_only_cfg(cfg, "lang");
    fx_text(&f, "2021-12-30T09:32:00Z", samples[0].headline, samples[0].body, "k", NULL, -1);
    fx_run(e, &f, NULL);
    assert_string_equal(fx_status_str(&f, "lang"), "skipped");
    assert_non_null(strstr(fx_detail(&f, "lang"), "too short to tell"));
    fx_clear(&f);
    nw_enrichers_free(e);
    nw_config_free(cfg);

    nw_error_t err = {0};
    cfg = cfg_pairs("enrichers.lang.languages", "en,xx", NULL);
    assert_int_equal(nw_enrichers_new(cfg, &e, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "enrichers.lang.languages: \"xx\""));
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),          cmocka_unit_test(test_samples),
        cmocka_unit_test(test_data_files),    cmocka_unit_test(test_too_short_or_unknown),
        cmocka_unit_test(test_deterministic), cmocka_unit_test(test_settings),
        cmocka_unit_test(test_declared),      cmocka_unit_test(test_word_cap),
        cmocka_unit_test(test_memo_replay),   cmocka_unit_test(test_memo_key_edges),
        cmocka_unit_test(test_memo_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
