/*
 * The delivery rules of the processing core and the at-least-once
 * bookkeeping, without Kafka:
 *  - a new version whose record is larger than the item's max_record, or
 *    whose record the broker refused before (refused), is REJECTED as
 *    record-too-large and its version is not stored, so the next copy of
 *    the same message is still new;
 *  - a refused message is dead-lettered even when its version is stored;
 *  - at_least_once counts a message's outcome only once it is delivered
 *    (nw_part_committable), never while its records are in flight.
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
#include "core/log.h"
#include "pipeline/parts.h"
#include "pipeline/process.h"
#include "pipeline/runner.h"

static char *read_sample(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/config/samples/%s", NW_SOURCE_DIR, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *text = malloc(1 << 20);
    assert_non_null(text);
    *len = fread(text, 1, 1 << 20, fp);
    fclose(fp);
    return text;
}

typedef struct fixture {
    nw_config_t *cfg;
    nw_processor_t *proc;
    nw_vstore_t *store;
    char *text;
    size_t len;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    nw_error_t err = {0};
    nw_log_setup("error", NULL);
    assert_non_null(f);
    assert_non_null(f->cfg = nw_config_new());
    assert_int_equal(nw_processor_new(f->cfg, &f->proc, &err), 0);
    assert_non_null(f->store = nw_vstore_new(16));
    f->text = read_sample("01-ukraine-v1.txt", &f->len);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    nw_processor_free(f->proc);
    nw_vstore_free(f->store);
    nw_config_free(f->cfg);
    free(f->text);
    free(f);
    return 0;
}

/* Processes the sample as one message at offset; returns its outcome kind
 * (the outcome itself in *out, to be cleared by the caller). */
static nw_outcome_kind_t process_one(fixture_t *f, int64_t offset, size_t max_record,
                                     const char *refused, nw_outcome_t *out)
{
    nw_item_t it = {
        .in = {.topic = "news.raw",
               .partition = 0,
               .offset = offset,
               .key = "ukraine-talks",
               .key_len = 13,
               .value = f->text,
               .value_len = f->len},
        .store = f->store,
        .max_record = max_record,
        .refused = refused,
    };
    nw_error_t err = {0};
    assert_int_equal(nw_process_batch(f->proc, &it, 1, &err), 0);
    *out = it.out;
    return it.out.kind;
}

static void test_too_large_is_rejected_and_not_stored(void **state)
{
    fixture_t *f = *state;
    nw_outcome_t o;
    assert_int_equal(process_one(f, 0, 200, NULL, &o), NW_OUTCOME_REJECTED);
    assert_int_equal(o.error.reject, NW_REJECT_RECORD_TOO_LARGE);
    assert_string_equal(nw_reject_name(o.error.reject), "record-too-large");
    assert_non_null(strstr(o.error.msg, "more than the 200"));
    assert_null(o.record);
    assert_int_equal(nw_vstore_count(f->store), 0);
    nw_outcome_clear(&o);
    /* Without the limit the same message is new, version 1. */
    assert_int_equal(process_one(f, 1, 0, NULL, &o), NW_OUTCOME_EMITTED);
    assert_int_equal(o.version, 1);
    assert_true(o.record_len > 200);
    nw_outcome_clear(&o);
    assert_int_equal(nw_vstore_count(f->store), 1);
}

static void test_refused_is_rejected_and_not_stored(void **state)
{
    fixture_t *f = *state;
    nw_outcome_t o;
    const char *why = "the broker refused its record: Broker: Message size too large";
    assert_int_equal(process_one(f, 0, 0, why, &o), NW_OUTCOME_REJECTED);
    assert_int_equal(o.error.reject, NW_REJECT_RECORD_TOO_LARGE);
    assert_string_equal(o.error.msg, why);
    assert_int_equal(nw_vstore_count(f->store), 0);
    nw_outcome_clear(&o);
}

static void test_refused_even_when_stored(void **state)
{
    fixture_t *f = *state;
    nw_outcome_t o;
    /* at_least_once keeps the version of a record the broker then refused:
     * the message is dead-lettered all the same, never a duplicate. */
    assert_int_equal(process_one(f, 0, 1 << 20, NULL, &o), NW_OUTCOME_EMITTED);
    nw_outcome_clear(&o);
    assert_int_equal(process_one(f, 0, 0, "refused", &o), NW_OUTCOME_REJECTED);
    assert_int_equal(o.error.reject, NW_REJECT_RECORD_TOO_LARGE);
    nw_outcome_clear(&o);
}

static void test_counted_only_when_delivered(void **state)
{
    (void)state;
    nw_parts_t ps = {0};
    nw_counters_t c = {0};
    nw_part_t *p = nw_parts_add(&ps, "news.raw", 0);
    assert_non_null(p);
    p->restoring = false;
    nw_inflight_t *a = nw_part_track(p, 10), *b = nw_part_track(p, 11);
    assert_non_null(a);
    assert_non_null(b);
    a->kind = NW_OUTCOME_EMITTED;
    a->pending = 1;
    b->kind = NW_OUTCOME_REJECTED;
    b->reject = NW_REJECT_RECORD_TOO_LARGE;
    b->pending = 0; /* delivered, but after a message still in flight */
    p->next_offset = 12;
    assert_int_equal(nw_part_committable(p, &c), 10);
    assert_int_equal(c.in, 0);
    a->failed = true; /* a failed delivery is never counted */
    a->pending = 0;
    assert_int_equal(nw_part_committable(p, &c), 10);
    assert_int_equal(c.in, 0);
    a->failed = false;
    assert_int_equal(nw_part_committable(p, &c), 12);
    assert_int_equal(c.in, 2);
    assert_int_equal(c.emitted, 1);
    assert_int_equal(c.rejected, 1);
    assert_int_equal(c.by_reject[NW_REJECT_RECORD_TOO_LARGE], 1);
    nw_parts_free(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_too_large_is_rejected_and_not_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_is_rejected_and_not_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_even_when_stored, setup, teardown),
        cmocka_unit_test(test_counted_only_when_delivered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
