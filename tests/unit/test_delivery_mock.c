/*
 * The exactly_once runner against the embedded mock cluster, with produce
 * requests refused as MESSAGE_TOO_LARGE: the only way to make the broker
 * refuse records that newswire's own size checks let through.
 *
 *  - A refusal in a one-message transaction is that message's own: it is
 *    dead-lettered as record-too-large and the run goes on (today's
 *    behaviour was to abort and retry the same batch).
 *  - A refusal that never ends (every request refused, dead letters too)
 *    ends the run after a bounded number of aborts, with an error naming
 *    the cause, instead of aborting and retrying forever.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "kafka/mock.h"
#include "pipeline/runner.h"

enum { API_PRODUCE = 0 };

static volatile sig_atomic_t never_stop;

typedef struct result {
    int rc;
    nw_error_t err;
    nw_counters_t c;
} result_t;

/* Runs the samples (11 messages) with batch_size messages per transaction
 * and `refusals` produce requests refused, logging at log_level. */
static void run_logged(const char *guarantee, const char *batch_size, int refusals,
                       const char *log_level, result_t *res)
{
    nw_mock_t *mock = NULL;
    nw_error_t err = {0};
    memset(res, 0, sizeof(*res));
    nw_log_setup(log_level, "logfmt");
    assert_int_equal(nw_mock_start(1, &mock, &err), 0);
    nw_config_t *cfg = nw_config_new();
    assert_non_null(cfg);
    assert_int_equal(
        nw_config_set(cfg, "kafka.bootstrap.servers", nw_mock_bootstraps(mock), "test", &err), 0);
    assert_int_equal(nw_config_set(cfg, "group.id", "delivery", "test", &err), 0);
    assert_int_equal(nw_config_set(cfg, "processing.guarantee", guarantee, "test", &err), 0);
    assert_int_equal(nw_config_set(cfg, "pipeline.batch.size", batch_size, "test", &err), 0);
    nw_mock_create_topics(mock, cfg, 1);
    int produced = 0;
    assert_int_equal(nw_mock_produce_manifest(mock, NW_SOURCE_DIR "/config/samples", "news.raw",
                                              &produced, &err),
                     0);
    assert_int_equal(produced, 11);
    rd_kafka_resp_err_t *errs = calloc((size_t)refusals, sizeof(*errs));
    assert_non_null(errs);
    for (int i = 0; i < refusals; i++)
        errs[i] = RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE;
    rd_kafka_mock_push_request_errors_array(nw_mock_cluster(mock), API_PRODUCE, (size_t)refusals,
                                            errs);
    free(errs);
    nw_runner_opts_t opts = {.exit_at_end = true, .stop = &never_stop};
    res->rc = nw_runner_run(cfg, &opts, &res->c, &res->err);
    nw_config_free(cfg);
    nw_mock_stop(mock);
}

static void run(const char *guarantee, const char *batch_size, int refusals, result_t *res)
{
    run_logged(guarantee, batch_size, refusals, "error", res);
}

/* run_logged() with the log (stderr) captured; returns it, malloc'd. */
static char *run_captured(const char *guarantee, const char *batch_size, int refusals,
                          result_t *res)
{
    FILE *log = tmpfile();
    assert_non_null(log);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(log), STDERR_FILENO) >= 0);
    run_logged(guarantee, batch_size, refusals, "warn", res);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    long n = ftell(log);
    assert_true(n >= 0);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    rewind(log);
    assert_int_equal(fread(text, 1, (size_t)n, log), (size_t)n);
    fclose(log);
    return text;
}

static void test_refused_message_is_dead_lettered(void **state)
{
    result_t res;
    (void)state;
    run("exactly_once", "1", 1, &res);
    if (res.rc != 0)
        fail_msg("run failed: %s", res.err.msg);
    /* The first sample is dead-lettered; its repeat is then the first v1. */
    assert_int_equal(res.c.in, 11);
    assert_int_equal(res.c.by_reject[NW_REJECT_RECORD_TOO_LARGE], 1);
    assert_int_equal(res.c.rejected, 4);
    assert_int_equal(res.c.emitted, 4);
    assert_int_equal(res.c.duplicate, 1);
    assert_int_equal(res.c.stale, 2);
    /* The refused one, and at most a follow-on one: the producer's
     * sequence numbers skip the refused batch, which the next transaction
     * can trip over (an epoch bump, handled by aborting once more). */
    assert_in_range(res.c.txn_aborted, 1, 3);
}

static void test_endless_refusal_ends(void **state)
{
    result_t res;
    (void)state;
    run("exactly_once", "1000", 1000, &res);
    assert_int_equal(res.rc, NW_ERR_FATAL);
    assert_non_null(strstr(res.err.msg, "transactions in a row failed"));
    assert_non_null(strstr(res.err.msg, "too large"));
    assert_true(res.c.txn_aborted <= 20);
    assert_int_equal(res.c.in, 0);
}

/* at_least_once: the refused record's message is read again and
 * dead-lettered; what followed it is read again too (at_least_once may
 * repeat), and every message is counted once. Which produce request the
 * mock refuses depends on how the producer batched its topics: an output
 * record's refusal dead-letters its message as record-too-large; a dead
 * letter's refusal sends that dead letter again, so the counts are those of
 * a run without refusals. Either way the refusal is logged and nothing is
 * lost. */
static void test_alo_refused_message_is_dead_lettered(void **state)
{
    result_t res;
    (void)state;
    char *log = run_captured("at_least_once", "1000", 1, &res);
    print_message("in=%llu emitted=%llu duplicate=%llu stale=%llu rejected=%llu "
                  "(record-too-large %llu)\n",
                  (unsigned long long)res.c.in, (unsigned long long)res.c.emitted,
                  (unsigned long long)res.c.duplicate, (unsigned long long)res.c.stale,
                  (unsigned long long)res.c.rejected,
                  (unsigned long long)res.c.by_reject[NW_REJECT_RECORD_TOO_LARGE]);
    bool noticed = strstr(log, "event=record_refused") != NULL;
    free(log);
    if (res.rc != 0)
        fail_msg("run failed: %s", res.err.msg);
    assert_true(noticed);
    assert_int_equal(res.c.in, 11);
    assert_int_equal(res.c.emitted + res.c.duplicate + res.c.stale + res.c.rejected, 11);
    if (res.c.by_reject[NW_REJECT_RECORD_TOO_LARGE] == 0) {
        /* A dead letter or a state record was refused and sent again. */
        assert_int_equal(res.c.rejected, 3);
        assert_int_equal(res.c.emitted, 4);
    } else {
        assert_in_range(res.c.by_reject[NW_REJECT_RECORD_TOO_LARGE], 1, 11);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_message_is_dead_lettered),
        cmocka_unit_test(test_endless_refusal_ends),
        cmocka_unit_test(test_alo_refused_message_is_dead_lettered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
