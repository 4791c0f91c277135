/*
 * Tests of the Kafka failure state (plugin/engine/kafka/kfail.c) without a broker:
 * which librdkafka errors and log lines count as failures that retrying does
 * not cure, the causes they produce, the watchdog stopping the run with 69 or
 * 77 once failure.timeout.ms has passed (and /healthz's state following), and
 * progress (the pipeline becoming ready) clearing a failure before that.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kafka/kfail.h"
#include "ops/metrics.h"

static volatile sig_atomic_t stop_flag;

static int setup(void **state)
{
    nw_kfail_reset();
    stop_flag = 0;
    return 0;
}

/* Waits up to ms for cond (re-evaluated) to hold. */
#define wait_for(cond, ms)                                                                         \
    do {                                                                                           \
        for (int _i = 0; _i < (ms) / 10 && !(cond); _i++)                                          \
            usleep(10 * 1000);                                                                     \
    } while (0)

static void test_transient_errors_are_not_failures(void **state)
{
    char cause[512];
    assert_false(nw_kfail_note(RD_KAFKA_RESP_ERR__TRANSPORT, NULL, "Connection refused"));
    assert_false(nw_kfail_note(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, NULL, "down"));
    /* A handshake cut short is retried; only a refused certificate counts. */
    assert_false(nw_kfail_note(RD_KAFKA_RESP_ERR__SSL, NULL, "SSL handshake failed: Disconnected"));
    nw_kfail_note_log(NULL, "FAIL", "Connect to ipv4#127.0.0.1:9 failed: Connection refused");
    assert_false(nw_kfail_cause(cause, sizeof(cause)));
    assert_string_equal(cause, "");
}

static void test_causes_name_the_failure(void **state)
{
    char cause[512];
    assert_true(nw_kfail_note(RD_KAFKA_RESP_ERR__AUTHENTICATION, NULL,
                              "SASL authentication error: invalid credentials"));
    assert_true(nw_kfail_cause(cause, sizeof(cause)));
    assert_non_null(strstr(cause, "authentication failed"));
    assert_non_null(strstr(cause, "invalid credentials"));

    nw_kfail_reset();
    assert_true(nw_kfail_note(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED, "group g1",
                              "Group authorization failed."));
    assert_true(nw_kfail_cause(cause, sizeof(cause)));
    assert_non_null(strstr(cause, "GROUP_AUTHORIZATION_FAILED"));
    assert_non_null(strstr(cause, "on group g1"));

    /* A fatal error's log line names the broker's reason in err2str words. */
    nw_kfail_reset();
    nw_kfail_note_log(NULL, "FATAL",
                      "Fatal error: Broker: Transactional Id authorization failed: ...");
    assert_true(nw_kfail_cause(cause, sizeof(cause)));
    assert_non_null(strstr(cause, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"));

    nw_kfail_reset();
    nw_kfail_note_log(NULL, "FAIL",
                      "sasl_ssl://h:1/bootstrap: SSL handshake failed: "
                      "certificate verify failed: broker certificate could not "
                      "be verified");
    assert_true(nw_kfail_cause(cause, sizeof(cause)));
    assert_non_null(strstr(cause, "TLS"));
}

static void test_watchdog_stops_with_the_status(void **state)
{
    nw_metrics_t *m = nw_metrics_new();
    assert_non_null(m);
    char cause[NW_SINK_FAILURE_MAX];
    assert_int_equal(nw_kfail_start(1000, nw_metrics_sink(m), &stop_flag), 0);
    assert_false(nw_metrics_failure(m, cause, sizeof(cause)));
    assert_true(
        nw_kfail_note(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, "topic t (Write)", "denied"));
    assert_true(nw_metrics_failure(m, cause, sizeof(cause)));
    assert_non_null(strstr(cause, "topic t (Write)"));
    assert_int_equal(nw_kfail_exit_status(), 0);
    assert_int_equal(stop_flag, 0);
    wait_for(stop_flag, 5000);
    assert_int_equal(stop_flag, 1);
    assert_int_equal(nw_kfail_exit_status(), NW_KFAIL_EXIT_NOPERM);
    nw_kfail_stop();
    nw_metrics_free(m);
}

static void test_progress_clears_a_failure(void **state)
{
    nw_metrics_t *m = nw_metrics_new();
    assert_non_null(m);
    char cause[NW_SINK_FAILURE_MAX];
    assert_int_equal(nw_kfail_start(1500, nw_metrics_sink(m), &stop_flag), 0);
    assert_true(nw_kfail_note(RD_KAFKA_RESP_ERR__AUTHENTICATION, NULL, "invalid credentials"));
    assert_true(nw_metrics_failure(m, cause, sizeof(cause)));
    nw_metrics_set_ready(m, true); /* partitions assigned: whatever failed has healed */
    wait_for(!nw_kfail_cause(cause, sizeof(cause)), 2000);
    assert_false(nw_kfail_cause(cause, sizeof(cause)));
    assert_false(nw_metrics_failure(m, cause, sizeof(cause)));
    usleep(2000 * 1000); /* past the timeout: nothing fires */
    assert_int_equal(stop_flag, 0);
    assert_int_equal(nw_kfail_exit_status(), 0);
    nw_kfail_stop();
    nw_metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_transient_errors_are_not_failures, setup),
        cmocka_unit_test_setup(test_causes_name_the_failure, setup),
        cmocka_unit_test_setup(test_watchdog_stops_with_the_status, setup),
        cmocka_unit_test_setup(test_progress_clears_a_failure, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
