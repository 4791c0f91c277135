/*
 * Long stretches of lower-case words around names change nothing: each
 * sentence below hits the edge of what one stage reads around a capital
 * or the start of a gazetteer match (a run of the gazetteer's longest
 * entries, with lower-case words inside and at its end; an office title
 * that opens without a capital; particles between names; a connector
 * inside an organisation; a noun for a kind of organisation before one;
 * "the town of"; a speech verb after a name). Its entities with three
 * lower-case words on either side, every word within the three tokens the
 * stages read of a name's neighbours, must be those it gets when those
 * three words are the inner end of eighteen or more, in separate sentences,
 * run on without punctuation and in paragraphs of their own. A tokeniser
 * that reads the words far from names more cheaply must keep this so.
 */
#include "test_entities_fixture.h"

/* No word a stage looks for: no connector ("of", "and", "for", "the"), no
 * cue, title, locative or speech verb. NEAR is what lies next to the
 * sentence in both texts; FAR only in the longer one. */
#define NEAR "quiet roads stayed"
#define FAR                                                                                        \
    "quite many ordinary people were walking slowly along empty lanes every morning while "        \
    "small birds sang softly nearby"

static const char *const sentences[] = {
    "The Board of Control for Cricket in India met on Monday.",
    "Officials said the Board of control for cricket in india would meet.",
    "Talks with the International Federation of Red Cross and Red Crescent Societies ended.",
    "foreign minister Sergei Lavrov said talks would go on",
    "Ursula von der Leyen spoke in Brussels on Tuesday.",
    "The Ministry of Trade and Industry and the Bank of England disagreed.",
    "carmaker Hyundai and Lagos-based FBNQuest reported results",
    "the runner trains in the town of Iten in Kenya",
    "prices rose, said Jane Doe, an analyst at Goldman Sachs in New York",
    "Secretary of State Antony Blinken arrived in Cairo",
};

/* The entities of body, as the record holds them (the caller frees). */
static json_t *entities_of(fixture_t *f, const char *body)
{
    nw_enrich_status_t st;
    json_t *r = enrich_text(f, "Update", NULL, body, NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    json_t *e = json_object_get(json_object_get(r, "newswire"), "entities");
    assert_non_null(e);
    json_incref(e);
    json_decref(r);
    return e;
}

/* The entities of sentence placed by near (the sentence with NEAR around
 * it) and by far (the same with FAR beyond NEAR) must be the same. */
static void check_same(fixture_t *f, const char *sentence, const char *near, const char *far)
{
    char body[1024];
    snprintf(body, sizeof(body), near, sentence);
    json_t *want = entities_of(f, body);
    /* Something to lose: every sentence names at least one entity. */
    size_t named = 0;
    const char *key;
    json_t *list;
    json_object_foreach(want, key, list) named += json_array_size(list);
    assert_true(named > 0);
    snprintf(body, sizeof(body), far, sentence);
    json_t *got = entities_of(f, body);
    if (!json_equal(got, want)) {
        char *a = json_dumps(want, JSON_COMPACT), *b = json_dumps(got, JSON_COMPACT);
        fail_msg("\"%s\"\nnear: %s\nfar: %s", body, a, b);
    }
    json_decref(got);
    json_decref(want);
}

static void test_lower_case_around_names(void **state)
{
    fixture_t *f = *state;
    for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++) {
        const char *s = sentences[i];
        check_same(f, s, NEAR ". %s " NEAR ".\n",
                   FAR ". " FAR " " NEAR ". %s " NEAR " " FAR ". " FAR ".\n");
        check_same(f, s, NEAR " %s " NEAR "\n",
                   FAR " " FAR " " NEAR " %s " NEAR " " FAR " " FAR "\n");
        check_same(f, s, NEAR ".\n%s\n" NEAR ".\n", FAR " " NEAR ".\n%s\n" NEAR " " FAR ".\n");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_case_around_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
