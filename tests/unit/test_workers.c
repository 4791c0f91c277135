/*
 * Processing across threads (processing.threads, pipeline/workers.c).
 *
 * The same batches go through a processor with one thread and one with four,
 * each with stores of its own: every outcome must be the same byte for byte
 * (kind, article id, version, record, changelog value, reject code and
 * message). The batches mix four input partitions and two repartition
 * partitions whose messages come from the same origin partitions, with
 * duplicates, stale and newer versions, near-duplicate bodies under other
 * ids (neardup lists earlier ones of the origin partition) and rejected
 * input, all interleaved.
 *
 * Equal outcomes prove the grouping only because the input is sensitive to
 * order within a store: test_order_matters shows that processing one
 * partition's messages in another order (what splitting it across threads
 * would do) changes the outcomes. test_per_store_order checks that within a
 * store, versions of an article are handed out in batch order.
 * test_batch_vs_one_at_a_time checks the batch's predictions against the
 * store's own decisions, one message at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "pipeline/process.h"
#include "pipeline/workers.h"

#define N_PARTS   4 /* input partitions of "news.raw" */
#define N_REPART  2 /* partitions of the repartition topic */
#define N_STORES  (N_PARTS + N_REPART)
#define N_BATCHES 4
#define PER_BATCH 96

static const char *const bodies[] = {
    "The council voted on Monday to build a new bridge across the river Liffey in Dublin, "
    "after Mayor Alison Gilliland said the city could not wait another decade for it.",
    "Shares in Ryanair rose sharply in London after the airline reported record summer traffic "
    "and said Michael O'Leary would stay on as chief executive until 2028.",
    "Heavy rain flooded roads across County Cork overnight and the Met Eireann forecaster "
    "warned of more storms moving in from the Atlantic by the weekend.",
    "Leinster beat Munster 24-17 at the Aviva Stadium on Saturday, with Johnny Sexton kicking "
    "four penalties in front of a sell-out crowd of fifty thousand.",
};

/* One message: which store it belongs to and what it says. */
typedef struct msg {
    char topic[32];
    int32_t partition;
    char origin_topic[32]; /* "" : none */
    int32_t origin_partition;
    int64_t offset;
    char key[32];
    char *text; /* NULL: a tombstone */
    int store;  /* index into the stores */
} msg_t;

/* A deterministic pseudo-random sequence (no libc rand state). */
static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static char *article(int day, int hour, int body, int variant)
{
    char *s = NULL;
    int n = asprintf(&s,
                     "Updated 2022-01-%02dT%02d:00:00Z\n\nStory %d of the day\n\n%s%s\n\n"
                     "Published 2022-01-01T06:00:00Z\n",
                     day, hour, body, bodies[body % 4],
                     variant ? " A spokesman declined to comment further." : "");
    assert_true(n > 0);
    return s;
}

/* Makes the messages of every batch: each partition's offsets ascend in
 * batch order, keys repeat so that versions meet, and a few inputs are not
 * articles at all. */
static msg_t *make_messages(size_t *count)
{
    size_t n = N_BATCHES * PER_BATCH;
    msg_t *v = calloc(n, sizeof(*v));
    int64_t offsets[N_STORES] = {0};
    uint32_t seed = 12345;
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) {
        msg_t *m = &v[i];
        uint32_t r = next_rand(&seed);
        m->store = (int)(r % N_STORES);
        if (m->store < N_PARTS) {
            snprintf(m->topic, sizeof(m->topic), "news.raw");
            m->partition = m->store;
        } else {
            /* Re-keyed: both repartition partitions carry messages from
             * news.wire partitions 0 and 1, so an origin spans two stores. */
            snprintf(m->topic, sizeof(m->topic), "nw-repartition");
            m->partition = m->store - N_PARTS;
            snprintf(m->origin_topic, sizeof(m->origin_topic), "news.wire");
            m->origin_partition = (int32_t)((r >> 4) % 2);
        }
        m->offset = offsets[m->store]++;
        snprintf(m->key, sizeof(m->key), "story-%u", (unsigned)((r >> 8) % 6));
        uint32_t kind = (r >> 12) % 16;
        if (kind == 0)
            m->text = NULL; /* rejected: no value */
        else if (kind == 1)
            m->text = strdup("\x01\x02 not an article");
        else
            m->text = article(1 + (int)((r >> 16) % 3), (int)((r >> 18) % 24), (int)((r >> 20) % 5),
                              (int)((r >> 23) % 2));
        assert_true(kind == 0 || m->text);
    }
    *count = n;
    return v;
}

static void free_messages(msg_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}

static void set_item(nw_item_t *it, const msg_t *m, nw_vstore_t *const *stores)
{
    memset(it, 0, sizeof(*it));
    it->in.topic = m->topic;
    it->in.partition = m->partition;
    it->in.offset = m->offset;
    it->in.key = m->key;
    it->in.key_len = strlen(m->key);
    it->in.value = m->text;
    it->in.value_len = m->text ? strlen(m->text) : 0;
    if (m->origin_topic[0]) {
        it->in.origin_topic = m->origin_topic;
        it->in.origin_partition = m->origin_partition;
        it->in.origin_offset = m->offset;
    }
    it->store = stores[m->store];
}

/* The built-in enrichers, all of them off: the processor's path with no
 * enricher on. */
#define ALL_BUILTINS "lang,dates,entities,subjects,stats,neardup"

static nw_processor_t *processor_without(const char *threads, const char *disabled)
{
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    nw_processor_t *p = NULL;
    assert_non_null(cfg);
    if (nw_config_set(cfg, "processing.threads", threads, "test", &err) < 0 ||
        (disabled && nw_config_set(cfg, "enrichers.disabled", disabled, "test", &err) < 0) ||
        nw_processor_new(cfg, &p, &err) < 0)
        fail_msg("processor: %s", err.msg);
    nw_config_free(cfg);
    return p;
}

static nw_processor_t *processor(const char *threads)
{
    return processor_without(threads, NULL);
}

/* Runs the messages through p in batches of `per` (in the order given by
 * idx), each batch committed to the stores; returns the outcomes, in idx
 * order. */
static nw_outcome_t *run(nw_processor_t *p, const msg_t *msgs, const size_t *idx, size_t n,
                         size_t per)
{
    nw_vstore_t *stores[N_STORES];
    nw_outcome_t *outs = calloc(n, sizeof(*outs));
    nw_item_t *items = calloc(per, sizeof(*items));
    assert_non_null(outs);
    assert_non_null(items);
    for (int s = 0; s < N_STORES; s++)
        assert_non_null(stores[s] = nw_vstore_new(0));
    for (size_t at = 0; at < n; at += per) {
        size_t k = n - at < per ? n - at : per;
        for (size_t i = 0; i < k; i++)
            set_item(&items[i], &msgs[idx[at + i]], stores);
        nw_error_t err = {0};
        if (nw_process_batch(p, items, k, &err) < 0)
            fail_msg("batch at %zu: %s", at, err.msg);
        for (size_t i = 0; i < k; i++)
            outs[at + i] = items[i].out; /* takes ownership */
        for (int s = 0; s < N_STORES; s++)
            nw_vstore_commit(stores[s]);
    }
    for (int s = 0; s < N_STORES; s++)
        nw_vstore_free(stores[s]);
    free(items);
    return outs;
}

static void free_outcomes(nw_outcome_t *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nw_outcome_clear(&o[i]);
    free(o);
}

/* Whether a and b are the same outcome, byte for byte; why not in why. */
static bool same_outcome(const nw_outcome_t *a, const nw_outcome_t *b, char *why, size_t len)
{
    if (a->kind != b->kind)
        snprintf(why, len, "%s, then %s", nw_outcome_name(a->kind), nw_outcome_name(b->kind));
    else if ((a->article_id == NULL) != (b->article_id == NULL) ||
             (a->article_id && strcmp(a->article_id, b->article_id) != 0))
        snprintf(why, len, "article id %s, then %s", a->article_id ? a->article_id : "-",
                 b->article_id ? b->article_id : "-");
    else if (a->version != b->version)
        snprintf(why, len, "version %u, then %u", a->version, b->version);
    else if (a->record_len != b->record_len ||
             (a->record && memcmp(a->record, b->record, a->record_len) != 0))
        snprintf(why, len, "records differ:\n%s\n%s", a->record ? a->record : "-",
                 b->record ? b->record : "-");
    else if (memcmp(a->changelog, b->changelog, sizeof(a->changelog)) != 0)
        snprintf(why, len, "changelog values differ");
    else if (a->error.reject != b->error.reject || strcmp(a->error.msg, b->error.msg) != 0)
        snprintf(why, len, "rejects differ: %s, then %s", a->error.msg, b->error.msg);
    else
        return true;
    return false;
}

static size_t *identity(size_t n)
{
    size_t *idx = malloc(n * sizeof(*idx));
    assert_non_null(idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    return idx;
}

static void test_one_vs_four_threads(void **state)
{
    (void)state;
    size_t n;
    msg_t *msgs = make_messages(&n);
    size_t *idx = identity(n);
    nw_processor_t *one = processor("1"), *four = processor("4");
    nw_outcome_t *a = run(one, msgs, idx, n, PER_BATCH);
    nw_outcome_t *b = run(four, msgs, idx, n, PER_BATCH);
    size_t kinds[NW_OUTCOME__COUNT] = {0}, listed = 0;
    char why[8192];
    for (size_t i = 0; i < n; i++) {
        if (!same_outcome(&a[i], &b[i], why, sizeof(why)))
            fail_msg("message %zu (%s/%d/%lld): 1 thread vs 4: %s", i, msgs[i].topic,
                     (int)msgs[i].partition, (long long)msgs[i].offset, why);
        kinds[a[i].kind]++;
        listed += a[i].record && strstr(a[i].record, "\"near_duplicate_of\"");
    }
    /* The input exercises every outcome and neardup's per-origin index. */
    assert_true(kinds[NW_OUTCOME_EMITTED] > 20);
    assert_true(kinds[NW_OUTCOME_DUPLICATE] > 5);
    assert_true(kinds[NW_OUTCOME_STALE] > 5);
    assert_true(kinds[NW_OUTCOME_REJECTED] > 5);
    assert_true(listed > 5);
    free_outcomes(a, n);
    free_outcomes(b, n);
    nw_processor_free(one);
    nw_processor_free(four);
    free(idx);
    free_messages(msgs, n);
}

/* The control: the same messages with partition 0's second half of each
 * batch moved before its first half, as two threads splitting the
 * partition might take them, give other outcomes. */
/* With no enricher on, the groups run the one thread's path on the pool:
 * the same outcomes, byte for byte, in every batch size (a batch of one
 * never reaches the pool; the first record of a run is written on the
 * caller). */
static void test_one_vs_four_threads_no_enrichers(void **state)
{
    (void)state;
    size_t n;
    msg_t *msgs = make_messages(&n);
    size_t *idx = identity(n);
    const size_t pers[] = {1, 2, 7, PER_BATCH};
    for (size_t b = 0; b < sizeof(pers) / sizeof(pers[0]); b++) {
        nw_processor_t *one = processor_without("1", ALL_BUILTINS);
        nw_processor_t *four = processor_without("4", ALL_BUILTINS);
        nw_outcome_t *a = run(one, msgs, idx, n, pers[b]);
        nw_outcome_t *c = run(four, msgs, idx, n, pers[b]);
        size_t kinds[NW_OUTCOME__COUNT] = {0};
        char why[8192];
        for (size_t i = 0; i < n; i++) {
            if (!same_outcome(&a[i], &c[i], why, sizeof(why)))
                fail_msg("message %zu (%s/%d/%lld), batches of %zu: 1 thread vs 4: %s", i,
                         msgs[i].topic, (int)msgs[i].partition, (long long)msgs[i].offset, pers[b],
                         why);
            kinds[a[i].kind]++;
        }
        assert_true(kinds[NW_OUTCOME_EMITTED] > 20);
        assert_true(kinds[NW_OUTCOME_DUPLICATE] > 5);
        assert_true(kinds[NW_OUTCOME_STALE] > 5);
        assert_true(kinds[NW_OUTCOME_REJECTED] > 5);
        /* No enricher ran: no language was detected. */
        for (size_t i = 0; i < n; i++)
            if (a[i].record)
                assert_null(strstr(a[i].record, "\"language\""));
        free_outcomes(a, n);
        free_outcomes(c, n);
        nw_processor_free(one);
        nw_processor_free(four);
    }
    free(idx);
    free_messages(msgs, n);
}

static void test_order_matters(void **state)
{
    (void)state;
    size_t n;
    msg_t *msgs = make_messages(&n);
    size_t *idx = identity(n), *swapped = identity(n);
    for (size_t at = 0; at < n; at += PER_BATCH) {
        size_t pos[PER_BATCH], k = 0;
        for (size_t i = at; i < at + PER_BATCH; i++)
            if (msgs[i].store == 0)
                pos[k++] = i;
        for (size_t j = 0; j < k; j++)
            swapped[pos[j]] = pos[(j + k / 2) % k];
    }
    /* Two processors: neardup's index lives as long as its processor. */
    nw_processor_t *p = processor("1"), *q = processor("1");
    nw_outcome_t *a = run(p, msgs, idx, n, PER_BATCH);
    nw_outcome_t *b = run(q, msgs, swapped, n, PER_BATCH);
    size_t differ = 0;
    char why[8192];
    for (size_t i = 0; i < n; i++) {
        /* b[i] is message swapped[i]: compare like with like. */
        size_t j = 0;
        while (swapped[j] != i)
            j++;
        differ += !same_outcome(&a[i], &b[j], why, sizeof(why));
    }
    if (differ == 0)
        fail_msg("reordering a partition changed no outcome: the equality test proves nothing");
    free_outcomes(a, n);
    free_outcomes(b, n);
    nw_processor_free(p);
    nw_processor_free(q);
    free(idx);
    free(swapped);
    free_messages(msgs, n);
}

/* With four threads, each store hands out an article's versions in batch
 * order: an emitted version is one more than the last one emitted for
 * that id in that store. */
static void test_per_store_order(void **state)
{
    (void)state;
    size_t n;
    msg_t *msgs = make_messages(&n);
    size_t *idx = identity(n);
    nw_processor_t *p = processor("4");
    nw_outcome_t *o = run(p, msgs, idx, n, PER_BATCH);
    for (size_t i = 0; i < n; i++) {
        if (o[i].kind != NW_OUTCOME_EMITTED)
            continue;
        unsigned last = 0;
        for (size_t j = 0; j < i; j++)
            if (msgs[j].store == msgs[i].store && o[j].kind == NW_OUTCOME_EMITTED &&
                strcmp(o[j].article_id, o[i].article_id) == 0)
                last = o[j].version;
        if (o[i].version != last + 1)
            fail_msg("message %zu: %s emitted as version %u after version %u", i, o[i].article_id,
                     o[i].version, last);
    }
    free_outcomes(o, n);
    nw_processor_free(p);
    free(idx);
    free_messages(msgs, n);
}

/* A batch predicts the outcome of each of its messages from the versions
 * its earlier messages make (they are not in the store yet): with one
 * thread and with four, every outcome must be what the same messages give
 * one at a time, where each decision is the store's alone. The batch is the
 * whole input, so each article meets many of its versions in it. */
static void test_batch_vs_one_at_a_time(void **state)
{
    (void)state;
    size_t n;
    msg_t *msgs = make_messages(&n);
    size_t *idx = identity(n);
    const char *threads[] = {"1", "4"};
    for (size_t t = 0; t < 2; t++) {
        nw_processor_t *p = processor(threads[t]), *q = processor("1");
        nw_outcome_t *a = run(p, msgs, idx, n, n);
        nw_outcome_t *b = run(q, msgs, idx, n, 1);
        size_t emitted = 0;
        char why[8192];
        for (size_t i = 0; i < n; i++) {
            if (!same_outcome(&b[i], &a[i], why, sizeof(why)))
                fail_msg("message %zu (%s/%d/%lld): alone vs in a batch, %s threads: %s", i,
                         msgs[i].topic, (int)msgs[i].partition, (long long)msgs[i].offset,
                         threads[t], why);
            emitted += a[i].kind == NW_OUTCOME_EMITTED && a[i].version > 1;
        }
        /* Later versions were predicted from earlier ones in the batch. */
        assert_true(emitted > 10);
        free_outcomes(a, n);
        free_outcomes(b, n);
        nw_processor_free(p);
        nw_processor_free(q);
    }
    free(idx);
    free_messages(msgs, n);
}

/* A refused message (exactly_once: the producer would not take its record
 * on an earlier try) is rejected, but the passes predict it new and run the
 * chain on it, so neardup indexes it: the same copy under another id after
 * it lists it, with one thread (the passes over slices of the batch) as
 * with four (the staged path). */
static void test_refused_reaches_neardup(void **state)
{
    (void)state;
    msg_t m[2] = {{.topic = "news.raw", .offset = 0, .key = "story-a"},
                  {.topic = "news.raw", .offset = 1, .key = "story-b"}};
    m[0].text = article(1, 6, 0, 0);
    m[1].text = article(1, 7, 0, 0);
    const char *threads[] = {"1", "4"};
    nw_outcome_t out[2][2];
    for (size_t t = 0; t < 2; t++) {
        nw_processor_t *p = processor(threads[t]);
        nw_vstore_t *stores[N_STORES] = {NULL};
        nw_item_t items[2];
        nw_error_t err = {0};
        assert_non_null(stores[0] = nw_vstore_new(0));
        for (size_t i = 0; i < 2; i++)
            set_item(&items[i], &m[i], stores);
        items[0].refused = "the producer refused the record";
        if (nw_process_batch(p, items, 2, &err) < 0)
            fail_msg("%s threads: %s", threads[t], err.msg);
        out[t][0] = items[0].out;
        out[t][1] = items[1].out;
        assert_int_equal(out[t][0].kind, NW_OUTCOME_REJECTED);
        assert_int_equal(out[t][1].kind, NW_OUTCOME_EMITTED);
        assert_non_null(strstr(out[t][1].record, "\"near_duplicate_of\":[\""));
        nw_vstore_free(stores[0]);
        nw_processor_free(p);
    }
    char why[8192];
    for (size_t i = 0; i < 2; i++)
        if (!same_outcome(&out[0][i], &out[1][i], why, sizeof(why)))
            fail_msg("message %zu: 1 thread vs 4: %s", i, why);
    for (size_t t = 0; t < 2; t++)
        for (size_t i = 0; i < 2; i++)
            nw_outcome_clear(&out[t][i]);
    free(m[0].text);
    free(m[1].text);
}

typedef struct tally {
    atomic_int runs[1000];
} tally_t;

static void count_task(void *arg, size_t i)
{
    tally_t *t = arg;
    atomic_fetch_add(&t->runs[i], 1);
}

/* The pool runs every task of every job exactly once, jobs back to back. */
static void test_pool_runs_each_task_once(void **state)
{
    (void)state;
    nw_workers_t *w = NULL;
    nw_error_t err = {0};
    assert_int_equal(nw_workers_new(4, &w, &err), 0);
    assert_int_equal(nw_workers_threads(w), 4);
    static tally_t t;
    for (int job = 0; job < 200; job++) {
        size_t n = (size_t)(job * 37 % 1000) + 1;
        for (size_t i = 0; i < n; i++)
            atomic_store(&t.runs[i], 0);
        nw_workers_run(w, n, count_task, &t);
        for (size_t i = 0; i < n; i++)
            if (atomic_load(&t.runs[i]) != 1)
                fail_msg("job %d: task %zu ran %d times", job, i, atomic_load(&t.runs[i]));
    }
    nw_workers_free(w);
    assert_true(nw_workers_default() >= 1);
}

static int setup(void **state)
{
    (void)state;
    nw_log_setup("error", NULL);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_vs_four_threads),
        cmocka_unit_test(test_one_vs_four_threads_no_enrichers),
        cmocka_unit_test(test_order_matters),
        cmocka_unit_test(test_per_store_order),
        cmocka_unit_test(test_batch_vs_one_at_a_time),
        cmocka_unit_test(test_refused_reaches_neardup),
        cmocka_unit_test(test_pool_runs_each_task_once),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
