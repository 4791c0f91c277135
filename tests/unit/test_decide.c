/*
 * The dedupe decision, one table row per case: an article already stored at
 * some versioncreated (or not at all), a new message for it, and the outcome
 * the processor must give (emitted as the next version, duplicate, stale)
 * with the version number it reports and the store keeps.
 *
 * Every row runs twice through nw_process_batch(): the earlier version in one
 * batch and the new one in the next (the decision against the store), and
 * both in one batch (the prediction from the batch's earlier items, then the
 * decision). The two paths must agree, or a batch boundary would change what
 * is emitted.
 *
 * The rule under test (README, Dedupe): only versioncreated decides, compared
 * as UTC instants; content does not, and there is no tolerance for skewed
 * clocks: one second newer is a new version, one second older is stale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "pipeline/process.h"

#define T0     "2022-01-03T07:40:00Z"
#define BODY_A "The council voted on Monday to build a new bridge across the river."
#define BODY_B "The council voted on Monday to build a new bridge, and a tunnel too."

typedef struct row {
    const char *name;
    const char *prior_key;  /* the stored article's key, or NULL: none stored */
    const char *prior_time; /* its Updated time */
    const char *time;       /* the incoming message's Updated time (key "story") */
    const char *body;
    nw_outcome_kind_t kind;
    unsigned version;        /* the emitted one, or the stored one reported */
    unsigned stored_version; /* what the store holds for "story" afterwards */
} row_t;

static const row_t rows[] = {
    {"new: never seen", NULL, NULL, T0, BODY_A, NW_OUTCOME_EMITTED, 1, 1},
    {"new: another article is stored", "other", T0, T0, BODY_A, NW_OUTCOME_EMITTED, 1, 1},
    {"newer: an hour later, new text", "story", T0, "2022-01-03T08:40:00Z", BODY_B,
     NW_OUTCOME_EMITTED, 2, 2},
    {"newer: same text, later time", "story", T0, "2022-01-03T08:40:00Z", BODY_A,
     NW_OUTCOME_EMITTED, 2, 2},
    {"equal: the same version again", "story", T0, T0, BODY_A, NW_OUTCOME_DUPLICATE, 1, 1},
    {"equal time, other content", "story", T0, T0, BODY_B, NW_OUTCOME_DUPLICATE, 1, 1},
    {"older: an hour earlier", "story", T0, "2022-01-03T06:40:00Z", BODY_B, NW_OUTCOME_STALE, 1, 1},
    {"skew: same instant in another zone", "story", T0, "2022-01-03T13:10:00+05:30", BODY_B,
     NW_OUTCOME_DUPLICATE, 1, 1},
    {"skew: clock one second behind", "story", T0, "2022-01-03T07:39:59Z", BODY_A, NW_OUTCOME_STALE,
     1, 1},
    {"skew: clock one second ahead", "story", T0, "2022-01-03T07:40:01Z", BODY_A,
     NW_OUTCOME_EMITTED, 2, 2},
    {"skew: after a version dated a year ahead", "story", "2023-01-03T07:40:00Z",
     "2022-01-03T08:40:00Z", BODY_B, NW_OUTCOME_STALE, 1, 1},
};

static char *article(const char *time, const char *body)
{
    char *s = NULL;
    int n = asprintf(&s,
                     "Updated %s\n\nCouncil approves new river bridge for the city centre\n\n%s\n\n"
                     "Published 2022-01-03T06:00:00Z\n",
                     time, body);
    assert_true(n > 0);
    return s;
}

static void set_item(nw_item_t *it, nw_vstore_t *store, const char *key, char *text, int64_t offset)
{
    memset(it, 0, sizeof(*it));
    it->store = store;
    it->in.partition = 0;
    it->in.offset = offset;
    it->in.key = key;
    it->in.key_len = strlen(key);
    it->in.value = text;
    it->in.value_len = strlen(text);
    it->in.file = "decide.txt";
}

static void check(const row_t *r, const char *path, const nw_outcome_t *o, nw_vstore_t *store)
{
    if (o->kind != r->kind)
        fail_msg("%s (%s): %s, expected %s", r->name, path, nw_outcome_name(o->kind),
                 nw_outcome_name(r->kind));
    if (o->version != r->version)
        fail_msg("%s (%s): version %u, expected %u", r->name, path, o->version, r->version);
    if (r->kind == NW_OUTCOME_EMITTED) {
        char want[32];
        snprintf(want, sizeof(want), "\"version\":\"%u\"", r->version);
        if (!o->record || !strstr(o->record, want))
            fail_msg("%s (%s): record lacks %s", r->name, path, want);
    }
    nw_version_t v;
    assert_int_equal(nw_vstore_get(store, "story", 5, &v), 0);
    if (v.version != r->stored_version)
        fail_msg("%s (%s): store holds version %u, expected %u", r->name, path, v.version,
                 r->stored_version);
}

/* Runs one row: the prior message (if any) and the incoming one, either in
 * two batches or in one. */
static void run_row(nw_processor_t *p, const row_t *r, bool one_batch)
{
    const char *path = one_batch ? "one batch" : "two batches";
    nw_vstore_t *store = nw_vstore_new(0);
    assert_non_null(store);
    char *prior = r->prior_key ? article(r->prior_time, BODY_A) : NULL;
    char *incoming = article(r->time, r->body);
    nw_item_t items[2];
    size_t n = 0;
    nw_error_t err = {0};
    if (prior)
        set_item(&items[n++], store, r->prior_key, prior, 0);
    set_item(&items[n++], store, "story", incoming, 1);
    if (one_batch || n == 1) {
        assert_int_equal(nw_process_batch(p, items, n, &err), 0);
    } else {
        assert_int_equal(nw_process_batch(p, &items[0], 1, &err), 0);
        assert_int_equal(nw_process_batch(p, &items[1], 1, &err), 0);
    }
    if (prior && items[0].out.kind != NW_OUTCOME_EMITTED)
        fail_msg("%s (%s): the prior version was %s: %s", r->name, path,
                 nw_outcome_name(items[0].out.kind), items[0].out.error.msg);
    check(r, path, &items[n - 1].out, store);
    for (size_t i = 0; i < n; i++)
        nw_outcome_clear(&items[i].out);
    free(prior);
    free(incoming);
    nw_vstore_free(store);
}

static void test_decide_table(void **state)
{
    (void)state;
    nw_error_t err = {0};
    nw_log_setup("error", NULL);
    nw_config_t *cfg = nw_config_new();
    assert_non_null(cfg);
    nw_processor_t *p = NULL;
    if (nw_processor_new(cfg, &p, &err) < 0)
        fail_msg("processor: %s", err.msg);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        run_row(p, &rows[i], false);
        run_row(p, &rows[i], true);
    }
    nw_processor_free(p);
    nw_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
