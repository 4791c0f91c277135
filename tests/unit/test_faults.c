/*
 * Fault injection on the embedded mock cluster: request errors drive the
 * runner's transaction paths (retry, abort and rewind, fatal) and the
 * at-least-once producer's retries, and each path's outcome is asserted: the
 * counters, the records released to the caller, the number of aborts.
 *
 * The mock cluster writes no transaction markers, so what a read_committed
 * reader would see is tested against the real broker (tests/integration);
 * here the runner's own view is checked: records are handed to on_record
 * only once their transaction commits.
 *
 * Every injected error must actually be returned to a request, or the test
 * fails: a retry path whose errors never fire ends exactly like a clean run,
 * so the outcome alone proves nothing. The errors go on the broker's own
 * error stack, whose remaining depth librdkafka's mock reports (2.0.2 and
 * later): armed with n errors before the run, 0 left after it. All of them
 * consumed plus a complete run without an abort means each failed request
 * was retried until it succeeded. librdkafka 2.8 and later also log the
 * requests the mock received; there the retries are counted directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/log.h"
#include "kafka/mock.h"
#include "pipeline/runner.h"

/* Kafka protocol API keys (the mock takes them as numbers). */
enum {
    API_PRODUCE = 0,
    API_OFFSET_FETCH = 9,
    API_ADD_OFFSETS_TO_TXN = 25,
    API_END_TXN = 26,
    API_TXN_OFFSET_COMMIT = 28
};

typedef struct seen {
    nw_buf_t keys; /* "id:version\n" per released record */
    unsigned count;
} seen_t;

static void on_record(const char *key, const char *value, size_t len, void *opaque)
{
    seen_t *s = opaque;
    const char *v = strstr(value, "\"version\":\"");
    s->count++;
    nw_buf_printf(&s->keys, "%s:%c\n", key, v ? v[11] : '?');
    (void)len;
}

#if RD_KAFKA_VERSION >= 0x02080000
#define NW_MOCK_REQUEST_LOG 1 /* rd_kafka_mock_start_request_tracking() */
#endif

/* Errors the next requests of one API key get, in order. */
typedef struct fault {
    int16_t api;
    size_t n;
    rd_kafka_resp_err_t errs[4];
} fault_t;

/* nw_mock_start(1, ...) makes one broker, id 1: it serves every request. */
enum { MOCK_BROKER = 1 };

typedef struct run_result {
    int rc;
    nw_error_t err;
    nw_counters_t c;
    seen_t seen;
    size_t faults_left; /* injected errors no request received */
    size_t requests;    /* requests of the fault's API key, when logged */
} run_result_t;

#ifdef NW_MOCK_REQUEST_LOG
static size_t count_requests(rd_kafka_mock_cluster_t *mc, int16_t api)
{
    size_t n = 0, hits = 0;
    rd_kafka_mock_request_t **reqs = rd_kafka_mock_get_requests(mc, &n);
    for (size_t i = 0; i < n; i++)
        hits += rd_kafka_mock_request_api_key(reqs[i]) == api;
    rd_kafka_mock_request_destroy_array(reqs, n);
    return hits;
}
#endif

static size_t error_stack_depth(rd_kafka_mock_cluster_t *mc, int16_t api)
{
    size_t cnt = 0;
    assert_int_equal(rd_kafka_mock_broker_error_stack_cnt(mc, MOCK_BROKER, api, &cnt),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    return cnt;
}

static void inject(rd_kafka_mock_cluster_t *mc, const fault_t *f)
{
    for (size_t i = 0; i < f->n; i++)
        assert_int_equal(
            rd_kafka_mock_broker_push_request_error_rtts(mc, MOCK_BROKER, f->api, 1, f->errs[i], 0),
            RD_KAFKA_RESP_ERR_NO_ERROR);
    /* Armed: a push that silently did nothing must not pass as "all fired". */
    assert_int_equal(error_stack_depth(mc, f->api), f->n);
}

static volatile sig_atomic_t never_stop;

/* A one-broker mock cluster holding the 11 demo samples in news.raw, and a
 * configuration for it with settings (name, value pairs; a NULL name is
 * skipped). The caller frees both. */
static nw_config_t *mock_with_samples(nw_mock_t **mock, const char *const *settings, size_t n)
{
    nw_error_t err = {0};
    nw_log_setup("error", NULL);
    assert_int_equal(nw_mock_start(1, mock, &err), 0);
    nw_config_t *cfg = nw_config_new();
    assert_non_null(cfg);
    assert_int_equal(
        nw_config_set(cfg, "kafka.bootstrap.servers", nw_mock_bootstraps(*mock), "test", &err), 0);
    for (size_t i = 0; i < n; i++)
        if (settings[2 * i])
            assert_int_equal(nw_config_set(cfg, settings[2 * i], settings[2 * i + 1], "test", &err),
                             0);
    nw_mock_create_topics(*mock, cfg, 1);
    int produced = 0;
    assert_int_equal(nw_mock_produce_manifest(*mock, NW_SOURCE_DIR "/config/samples", "news.raw",
                                              &produced, &err),
                     0);
    assert_int_equal(produced, 11);
    return cfg;
}

static void run_with(const char *guarantee, const fault_t *fault, const char *batch_size,
                     run_result_t *res)
{
    nw_mock_t *mock = NULL;
    memset(res, 0, sizeof(*res));
    const char *const settings[] = {"processing.guarantee",
                                    guarantee,
                                    "group.id",
                                    "faults",
                                    batch_size ? "pipeline.batch.size" : NULL,
                                    batch_size};
    nw_config_t *cfg = mock_with_samples(&mock, settings, 3);
    if (fault)
        inject(nw_mock_cluster(mock), fault);
#ifdef NW_MOCK_REQUEST_LOG
    rd_kafka_mock_start_request_tracking(nw_mock_cluster(mock));
#endif
    nw_runner_opts_t opts = {
        .exit_at_end = true, .stop = &never_stop, .on_record = on_record, .opaque = &res->seen};
    res->rc = nw_runner_run(cfg, &opts, &res->c, &res->err);
    if (fault) {
        res->faults_left = error_stack_depth(nw_mock_cluster(mock), fault->api);
#ifdef NW_MOCK_REQUEST_LOG
        res->requests = count_requests(nw_mock_cluster(mock), fault->api);
#endif
    }
    nw_config_free(cfg);
    nw_mock_stop(mock);
}

static void run(const char *guarantee, const fault_t *fault, run_result_t *res)
{
    run_with(guarantee, fault, NULL, res);
}

static const char *const expected_records = "ukraine-talks:1\nukraine-talks:2\nstorm-north:1\n"
                                            "ukraine-talks:3\n";

static void assert_complete(run_result_t *res)
{
    if (res->rc != 0)
        fail_msg("run failed: %s", res->err.msg);
    assert_int_equal(res->c.in, 11);
    assert_int_equal(res->c.emitted, 4);
    assert_int_equal(res->c.duplicate, 2);
    assert_int_equal(res->c.stale, 2);
    assert_int_equal(res->c.rejected, 3);
    assert_string_equal(nw_buf_str(&res->seen.keys), expected_records);
}

/* Every injected error reached a request of the run. */
static void assert_faults_fired(const run_result_t *res)
{
    if (res->faults_left != 0)
        fail_msg("%zu injected error(s) never returned to a request", res->faults_left);
}

/* The failed request was sent again until it succeeded: n failures and at
 * least one more. Without a request log the consumed errors and the complete
 * run (checked by the caller) are the proof. */
static void assert_retried(const run_result_t *res, const fault_t *f)
{
#ifdef NW_MOCK_REQUEST_LOG
    if (res->requests < f->n + 1)
        fail_msg("%zu request(s) of API key %d for %zu injected error(s): no retry", res->requests,
                 f->api, f->n);
#else
    (void)res;
    (void)f;
#endif
}

static void test_eos_clean(void **state)
{
    run_result_t res;
    run("exactly_once", NULL, &res);
    assert_complete(&res);
    assert_int_equal(res.c.txn_aborted, 0);
    assert_true(res.c.txn_committed >= 1);
    nw_buf_free(&res.seen.keys);
}

/* EndTxn failing with UNKNOWN_PRODUCER_ID is abortable: the transaction is
 * aborted, the version store rolled back and the input re-read. Without the
 * rollback the re-read articles would count as duplicates; without the
 * rewind they would never be emitted. */
static const fault_t abort_commit_once = {API_END_TXN, 1, {RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID}};

static void test_eos_abort_and_rewind(void **state)
{
    run_result_t res;
    run("exactly_once", &abort_commit_once, &res);
    assert_faults_fired(&res);
    assert_retried(&res, &abort_commit_once);
    assert_complete(&res);
    assert_int_equal(res.c.txn_aborted, 1);
    nw_buf_free(&res.seen.keys);
}

/* Transactions of at most 4 messages: the first is full after one batch,
 * so it commits while the next batch is parsed and enriched (the overlap
 * of exactly_once), and that commit aborts. The waiting batch must be
 * dropped and read again, not emitted into the next transaction on top of
 * the rewound input (duplicates) nor skipped (lost). */
static void test_eos_abort_while_next_batch_waits(void **state)
{
    run_result_t res;
    run_with("exactly_once", &abort_commit_once, "4", &res);
    assert_faults_fired(&res);
    assert_complete(&res);
    assert_int_equal(res.c.txn_aborted, 1);
    assert_true(res.c.txn_committed >= 3);
    nw_buf_free(&res.seen.keys);
}

/* Sending offsets fails abortably (a group authorisation error on
 * TxnOffsetCommit): same abort-and-rewind path from another call. */
static const fault_t abort_offsets_once = {
    API_TXN_OFFSET_COMMIT, 1, {RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED}};

static void test_eos_abort_on_offsets(void **state)
{
    run_result_t res;
    run("exactly_once", &abort_offsets_once, &res);
    assert_faults_fired(&res);
    assert_retried(&res, &abort_offsets_once);
    assert_complete(&res);
    assert_int_equal(res.c.txn_aborted, 1);
    nw_buf_free(&res.seen.keys);
}

/* Coordinator errors are retriable: retried, no abort, nothing lost. All
 * three must reach EndTxn requests, so the commit was sent at least four
 * times. */
static const fault_t retriable_commit = {API_END_TXN,
                                         3,
                                         {RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
                                          RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                          RD_KAFKA_RESP_ERR_NOT_COORDINATOR}};

static void test_eos_retriable(void **state)
{
    run_result_t res;
    run("exactly_once", &retriable_commit, &res);
    assert_faults_fired(&res);
    assert_retried(&res, &retriable_commit);
    assert_complete(&res);
    assert_int_equal(res.c.txn_aborted, 0);
    nw_buf_free(&res.seen.keys);
}

/* A fenced producer is fatal: the run stops with a clear error and releases
 * nothing of the transaction it could not commit. */
static const fault_t fenced = {API_END_TXN, 1, {RD_KAFKA_RESP_ERR_PRODUCER_FENCED}};

static void test_eos_fenced(void **state)
{
    run_result_t res;
    run("exactly_once", &fenced, &res);
    assert_faults_fired(&res);
    assert_int_equal(res.rc, NW_ERR_FATAL);
    assert_non_null(strstr(res.err.msg, "fenced"));
    assert_int_equal(res.seen.count, 0);
    assert_int_equal(res.c.emitted, 0);
    nw_buf_free(&res.seen.keys);
}

/* at_least_once: produce requests fail with retriable errors; the idempotent
 * producer retries and every record is delivered once, in order. All four
 * errors must reach Produce requests of the run. */
static const fault_t produce_errors = {
    API_PRODUCE,
    4,
    {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
     RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS}};

static void test_alo_produce_retries(void **state)
{
    run_result_t res;
    run("at_least_once", &produce_errors, &res);
    assert_faults_fired(&res);
    assert_retried(&res, &produce_errors);
    assert_complete(&res);
    nw_buf_free(&res.seen.keys);
}

/* A member taking over partitions whose last commit is still in an open
 * transaction (its previous owner died between sending its offsets and
 * ending the transaction) is answered UNSTABLE_OFFSET_COMMIT until the
 * broker aborts that transaction. The run must wait for the stable answer
 * and start each partition at its committed offset, never as if nothing had
 * been committed. The mock answers for the whole request, which librdkafka
 * itself retries; a real broker answers per partition, which librdkafka
 * retries only a few times before starting the partition at
 * auto.offset.reset (the case tests/integration/test_eos_group.sh caught).
 * Here the run's own wait is held to that contract: three unstable
 * answers, then the committed offsets, and nothing read again. */
static void test_unstable_offsets_wait(void **state)
{
    (void)state;
    nw_mock_t *mock = NULL;
    nw_error_t err = {0};
    /* The mock keeps offsets committed outside a transaction only; the
     * lookup that meets the open transaction is the same either way. A
     * static member that stopped holds its partitions until its session
     * times out: the second run's assignment waits that long. */
    const char *const settings[] = {
        "group.id", "unstable", "processing.guarantee", "at_least_once", "kafka.session.timeout.ms",
        "6000"};
    nw_config_t *cfg = mock_with_samples(&mock, settings, 3);
    nw_runner_opts_t opts = {.exit_at_end = true, .stop = &never_stop};
    nw_counters_t c = {0};
    assert_int_equal(nw_runner_run(cfg, &opts, &c, &err), 0);
    assert_int_equal(c.in, 11); /* all read and committed */

    /* The next member's lookups of the committed offsets meet an open
     * transaction, three times. */
    enum { UNSTABLE_ANSWERS = 3 };
    for (int i = 0; i < UNSTABLE_ANSWERS; i++)
        assert_int_equal(rd_kafka_mock_broker_push_request_error_rtts(
                             nw_mock_cluster(mock), MOCK_BROKER, API_OFFSET_FETCH, 1,
                             RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT, 0),
                         RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(error_stack_depth(nw_mock_cluster(mock), API_OFFSET_FETCH), UNSTABLE_ANSWERS);
    memset(&c, 0, sizeof(c));
    int rc = nw_runner_run(cfg, &opts, &c, &err);
    if (rc != 0)
        fail_msg("second run failed: %s", err.msg);
    assert_int_equal(error_stack_depth(nw_mock_cluster(mock), API_OFFSET_FETCH), 0);
    /* Nothing read again: the second member starts where the first
     * committed. */
    assert_int_equal(c.in, 0);
    nw_config_free(cfg);
    nw_mock_stop(mock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eos_clean),
        cmocka_unit_test(test_eos_abort_and_rewind),
        cmocka_unit_test(test_eos_abort_on_offsets),
        cmocka_unit_test(test_eos_abort_while_next_batch_waits),
        cmocka_unit_test(test_eos_retriable),
        cmocka_unit_test(test_eos_fenced),
        cmocka_unit_test(test_alo_produce_retries),
        cmocka_unit_test(test_unstable_offsets_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
