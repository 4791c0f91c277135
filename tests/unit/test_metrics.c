/*
 * Tests of the metrics registry and the operations endpoint: the exact text
 * exposition after updates (counters, lag, produced records, histograms,
 * circuit breakers), label escaping, librdkafka statistics reduced from a
 * captured document (tests/data/ops/rdkafka-stats.json), listen address
 * checks, and the HTTP server on a free port driven with libcurl: /healthz,
 * /readyz before and after ready, /metrics, 404, 405 and HEAD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <librdkafka/rdkafka.h>

#include "core/buf.h"
#include "newswire/version.h"
#include "ops/httpd.h"
#include "ops/metrics.h"

/* True when text holds line as a whole line. */
static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

#define assert_line(text, line)                                                                    \
    do {                                                                                           \
        if (!has_line((text), (line)))                                                             \
            fail_msg("missing line: %s\n--- in:\n%s", (line), (text));                             \
    } while (0)

#define assert_no_substr(text, s)                                                                  \
    do {                                                                                           \
        if (strstr((text), (s)))                                                                   \
            fail_msg("unexpected \"%s\"\n--- in:\n%s", (s), (text));                               \
    } while (0)

static size_t count_substr(const char *text, const char *s)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, s)); p += strlen(s))
        n++;
    return n;
}

static void test_render_fresh(void **state)
{
    (void)state;
    nw_metrics_t *m = nw_metrics_new();
    assert_non_null(m);
    char *text = nw_metrics_render(m);
    assert_non_null(text);
    nw_buf_t want = NW_BUF_INIT;
    nw_buf_printf(&want,
                  "# HELP newswire_build_info The newswire and librdkafka versions of this "
                  "process (always 1)\n"
                  "# TYPE newswire_build_info gauge\n"
                  "newswire_build_info{version=\"%s\",librdkafka=\"%s\"} 1\n",
                  NW_VERSION_STRING, rd_kafka_version_str());
    nw_buf_puts(&want,
                "# HELP newswire_ready 1 once every assigned input partition has its state "
                "restored\n"
                "# TYPE newswire_ready gauge\n"
                "newswire_ready 0\n"
                "# HELP newswire_input_messages_total Input messages accounted for as of the "
                "last commit (emitted + duplicate + stale + rejected)\n"
                "# TYPE newswire_input_messages_total counter\n"
                "newswire_input_messages_total 0\n"
                "# HELP newswire_messages_total Input messages by outcome, as of the last commit\n"
                "# TYPE newswire_messages_total counter\n"
                "newswire_messages_total{outcome=\"emitted\"} 0\n"
                "newswire_messages_total{outcome=\"duplicate\"} 0\n"
                "newswire_messages_total{outcome=\"stale\"} 0\n"
                "newswire_messages_total{outcome=\"rejected\"} 0\n"
                "# HELP newswire_rejected_total Rejected input messages by reject code (the "
                "newswire-error header)\n"
                "# TYPE newswire_rejected_total counter\n"
                "newswire_rejected_total{code=\"empty\"} 0\n"
                "newswire_rejected_total{code=\"binary\"} 0\n"
                "newswire_rejected_total{code=\"too-large\"} 0\n"
                "newswire_rejected_total{code=\"bad-envelope\"} 0\n"
                "newswire_rejected_total{code=\"not-an-article\"} 0\n"
                "newswire_rejected_total{code=\"no-timestamp\"} 0\n"
                "newswire_rejected_total{code=\"bad-timestamp\"} 0\n"
                "newswire_rejected_total{code=\"enrichment-failed\"} 0\n"
                "newswire_rejected_total{code=\"record-too-large\"} 0\n"
                "# HELP newswire_transactions_total Kafka transactions by result (exactly_once "
                "only)\n"
                "# TYPE newswire_transactions_total counter\n"
                "newswire_transactions_total{result=\"committed\"} 0\n"
                "newswire_transactions_total{result=\"aborted\"} 0\n");
    assert_string_equal(text, nw_buf_str(&want));
    nw_buf_free(&want);
    free(text);
    nw_metrics_free(m);
}

static void test_counters_and_ready(void **state)
{
    (void)state;
    nw_metrics_t *m = nw_metrics_new();
    nw_counters_t c = {.in = 11, .emitted = 4, .duplicate = 2, .stale = 2, .rejected = 3};
    c.by_reject[NW_REJECT_BINARY] = 1;
    c.by_reject[NW_REJECT_EMPTY] = 1;
    c.by_reject[NW_REJECT_NOT_AN_ARTICLE] = 1;
    c.txn_committed = 7;
    c.txn_aborted = 1;
    nw_metrics_set_counters(m, &c);
    assert_false(nw_metrics_ready(m));
    nw_metrics_set_ready(m, true);
    assert_true(nw_metrics_ready(m));

    char *text = nw_metrics_render(m);
    assert_line(text, "newswire_ready 1");
    assert_line(text, "newswire_input_messages_total 11");
    assert_line(text, "newswire_messages_total{outcome=\"emitted\"} 4");
    assert_line(text, "newswire_messages_total{outcome=\"duplicate\"} 2");
    assert_line(text, "newswire_messages_total{outcome=\"stale\"} 2");
    assert_line(text, "newswire_messages_total{outcome=\"rejected\"} 3");
    assert_line(text, "newswire_rejected_total{code=\"binary\"} 1");
    assert_line(text, "newswire_rejected_total{code=\"empty\"} 1");
    assert_line(text, "newswire_rejected_total{code=\"not-an-article\"} 1");
    assert_line(text, "newswire_rejected_total{code=\"bad-timestamp\"} 0");
    assert_line(text, "newswire_transactions_total{result=\"committed\"} 7");
    assert_line(text, "newswire_transactions_total{result=\"aborted\"} 1");
    free(text);

    /* Totals replace, never add. */
    c.in = 12;
    c.emitted = 5;
    nw_metrics_set_counters(m, &c);
    text = nw_metrics_render(m);
    assert_line(text, "newswire_input_messages_total 12");
    assert_line(text, "newswire_messages_total{outcome=\"emitted\"} 5");
    free(text);
    nw_metrics_free(m);

    /* A NULL registry is a no-op everywhere. */
    nw_metrics_set_counters(NULL, &c);
    nw_metrics_set_ready(NULL, true);
    nw_metrics_partition(NULL, "t", 0, 1, 2);
    nw_metrics_enrich_latency(NULL, "e", 1);
    assert_false(nw_metrics_ready(NULL));
    assert_null(nw_metrics_render(NULL));
    assert_int_equal(nw_metrics_rdkafka_stats(NULL, "consumer", "{}", 2), 0);
    nw_metrics_free(NULL);
}

static void test_lag_and_produced(void **state)
{
    (void)state;
    nw_metrics_t *m = nw_metrics_new();
    nw_metrics_partition(m, "news.raw", 10, 5, 9);
    nw_metrics_partition(m, "news.raw", 2, 100, 142);
    nw_metrics_partition(m, "alpha", 0, 7, 3);         /* position past the watermark: 0 */
    nw_metrics_partition(m, "news.raw", 3, -1001, 50); /* position not known yet */
    nw_metrics_partition(m, "news.raw", 2, 120, 142);  /* an update replaces */
    nw_metrics_produced(m, "news.articles", 4);
    nw_metrics_produced(m, "news.dlq", 3);
    nw_metrics_produced(m, "news.articles", 1);

    char *text = nw_metrics_render(m);
    const char *lag = "# HELP newswire_consumer_lag Messages in an assigned input partition not "
                      "yet consumed (high watermark - position)\n"
                      "# TYPE newswire_consumer_lag gauge\n"
                      "newswire_consumer_lag{topic=\"alpha\",partition=\"0\"} 0\n"
                      "newswire_consumer_lag{topic=\"news.raw\",partition=\"2\"} 22\n"
                      "newswire_consumer_lag{topic=\"news.raw\",partition=\"10\"} 4\n"
                      "# HELP newswire_records_produced_total Records written (delivered, and "
                      "committed under exactly_once)\n"
                      "# TYPE newswire_records_produced_total counter\n"
                      "newswire_records_produced_total{topic=\"news.articles\"} 5\n"
                      "newswire_records_produced_total{topic=\"news.dlq\"} 3\n";
    if (!strstr(text, lag))
        fail_msg("expected block:\n%s--- in:\n%s", lag, text);
    assert_no_substr(text, "partition=\"3\"");
    free(text);

    nw_metrics_partition_remove(m, "news.raw", 2);
    nw_metrics_partition_remove(m, "news.raw", 99); /* unknown: nothing happens */
    text = nw_metrics_render(m);
    assert_no_substr(text, "partition=\"2\"");
    assert_line(text, "newswire_consumer_lag{topic=\"news.raw\",partition=\"10\"} 4");
    free(text);

    /* Without any known lag the family is left out entirely. */
    nw_metrics_partition_remove(m, "news.raw", 10);
    nw_metrics_partition_remove(m, "alpha", 0);
    text = nw_metrics_render(m);
    assert_no_substr(text, "newswire_consumer_lag");
    free(text);
    nw_metrics_free(m);
}

static void test_label_escaping(void **state)
{
    (void)state;
    nw_metrics_t *m = nw_metrics_new();
    nw_metrics_breaker(m, "http://geo.local/\"lookup\"\\v1\nx", NW_BREAKER_HALF_OPEN);
    nw_metrics_breaker(m, "a-endpoint", NW_BREAKER_OPEN);
    nw_metrics_breaker(m, "a-endpoint", NW_BREAKER_CLOSED);
    nw_metrics_produced(m, "t\\", 1);
    char *text = nw_metrics_render(m);
    const char *want = "# TYPE newswire_circuit_breaker_state gauge\n"
                       "newswire_circuit_breaker_state{endpoint=\"a-endpoint\"} 0\n"
                       "newswire_circuit_breaker_state{endpoint=\"http://geo.local/"
                       "\\\"lookup\\\"\\\\v1\\nx\"} 2\n";
    if (!strstr(text, want))
        fail_msg("expected block:\n%s--- in:\n%s", want, text);
    assert_line(text, "newswire_records_produced_total{topic=\"t\\\\\"} 1");
    /* No raw newline inside any sample. */
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        if (*line != '#')
            assert_non_null(strchr(line, ' '));
        line = end + 1;
    }
    free(text);
    nw_metrics_free(m);
}

static void test_histogram(void **state)
{
    (void)state;
    nw_metrics_t *m = nw_metrics_new();
    /* Powers of two, so the sum is exact; 0.25 sits on a bucket bound (le
     * is inclusive). */
    const double obs[] = {0.0009765625, 0.00390625, 0.25, 0.5, 8, 32};
    for (size_t i = 0; i < sizeof(obs) / sizeof(obs[0]); i++)
        nw_metrics_enrich_latency(m, "geo", obs[i]);
    nw_metrics_enrich_latency(m, "geo", 0.0 / 0.0); /* NaN: ignored */
    nw_metrics_enrich_latency(m, "entities", -1);   /* clock step: counted as 0 */
    char *text = nw_metrics_render(m);
    const char *want =
        "# HELP newswire_enrichment_duration_seconds Time an enricher took for one article\n"
        "# TYPE newswire_enrichment_duration_seconds histogram\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.001\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.0025\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.005\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.01\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.025\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.05\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.1\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.25\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"0.5\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"1\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"2.5\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"5\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"10\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"entities\",le=\"+Inf\"} 1\n"
        "newswire_enrichment_duration_seconds_sum{enricher=\"entities\"} 0\n"
        "newswire_enrichment_duration_seconds_count{enricher=\"entities\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.001\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.0025\"} 1\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.005\"} 2\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.01\"} 2\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.025\"} 2\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.05\"} 2\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.1\"} 2\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.25\"} 3\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"0.5\"} 4\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"1\"} 4\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"2.5\"} 4\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"5\"} 4\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"10\"} 5\n"
        "newswire_enrichment_duration_seconds_bucket{enricher=\"geo\",le=\"+Inf\"} 6\n"
        "newswire_enrichment_duration_seconds_sum{enricher=\"geo\"} 40.7548828125\n"
        "newswire_enrichment_duration_seconds_count{enricher=\"geo\"} 6\n";
    if (!strstr(text, want))
        fail_msg("expected block:\n%s--- in:\n%s", want, text);
    free(text);

    /* A sum that is not a short decimal still reads back exactly. */
    nw_metrics_enrich_latency(m, "x", 0.1);
    nw_metrics_enrich_latency(m, "x", 0.2);
    text = nw_metrics_render(m);
    assert_line(text, "newswire_enrichment_duration_seconds_sum{enricher=\"x\"} "
                      "0.30000000000000004");
    free(text);
    nw_metrics_free(m);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    nw_buf_t b = NW_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        nw_buf_append(&b, chunk, n);
    fclose(f);
    return nw_buf_steal(&b);
}

static int stats(nw_metrics_t *m, const char *role, const char *json)
{
    return nw_metrics_rdkafka_stats(m, role, json, strlen(json));
}

static void test_rdkafka_stats(void **state)
{
    (void)state;
    nw_metrics_t *m = nw_metrics_new();
    char *json = read_file(NW_TEST_DATA "/ops/rdkafka-stats.json");
    assert_int_equal(nw_metrics_rdkafka_stats(m, "consumer", json, strlen(json)), 0);
    free(json);
    char *text = nw_metrics_render(m);
    const char *want[] = {
        "newswire_kafka_queue_messages{role=\"consumer\"} 0",
        "newswire_kafka_queue_bytes{role=\"consumer\"} 0",
        "newswire_kafka_requests_sent_total{role=\"consumer\"} 1237",
        "newswire_kafka_sent_bytes_total{role=\"consumer\"} 57371",
        "newswire_kafka_responses_received_total{role=\"consumer\"} 1235",
        "newswire_kafka_received_bytes_total{role=\"consumer\"} 986751",
        "newswire_kafka_messages_sent_total{role=\"consumer\"} 0",
        "newswire_kafka_messages_received_total{role=\"consumer\"} 2693",
        "# TYPE newswire_kafka_broker_up gauge",
        "newswire_kafka_broker_up{role=\"consumer\",broker=\"GroupCoordinator\"} 1",
        "newswire_kafka_broker_up{role=\"consumer\",broker=\"kafka-2:9092/2\"} 0",
        "newswire_kafka_broker_up{role=\"consumer\",broker=\"kafka:9092/1\"} 1",
        "newswire_kafka_broker_state{role=\"consumer\",broker=\"kafka-2:9092/2\","
        "state=\"CONNECT\"} 1",
        "newswire_kafka_broker_state{role=\"consumer\",broker=\"kafka:9092/1\",state=\"UP\"} 1",
        "newswire_kafka_broker_rtt_seconds{role=\"consumer\",broker=\"GroupCoordinator\"} 0.00075",
        "newswire_kafka_broker_rtt_seconds{role=\"consumer\",broker=\"kafka:9092/1\"} 0.00125",
        "# TYPE newswire_kafka_consumer_lag gauge",
        "newswire_kafka_consumer_lag{role=\"consumer\",topic=\"news.raw\",partition=\"0\"} 42",
        "newswire_kafka_consumer_lag{role=\"consumer\",topic=\"news.raw\",partition=\"2\"} 0",
        "# TYPE newswire_kafka_rebalances_total counter",
        "newswire_kafka_rebalances_total{role=\"consumer\"} 3",
        "newswire_kafka_assigned_partitions{role=\"consumer\"} 3",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_line(text, want[i]);
    /* Not cluster members, an empty rtt window, the unassigned partition and
     * a partition whose lag is not known yet. */
    assert_no_substr(text, "bootstrap");
    assert_no_substr(text, "internal");
    assert_no_substr(text, "rtt_seconds{role=\"consumer\",broker=\"kafka-2");
    assert_no_substr(text, "partition=\"-1\"");
    assert_no_substr(text, "partition=\"1\"");
    free(text);

    /* A second role shares each family's HELP and TYPE; a newer document
     * replaces the older one of the same role. */
    assert_int_equal(stats(m, "producer",
                           "{\"type\":\"producer\",\"msg_cnt\":17,\"msg_size\":2048,\"tx\":5,"
                           "\"txmsgs\":12}"),
                     0);
    /* The length bounds the document: a stats_cb's buffer need not end in NUL. */
    const char *doc = "{\"type\":\"producer\",\"msg_cnt\":3,\"msg_size\":100,\"tx\":9,"
                      "\"txmsgs\":40}trailing bytes";
    size_t len = (size_t)(strchr(doc, '}') - doc) + 1;
    assert_int_equal(nw_metrics_rdkafka_stats(m, "producer", doc, len - 1), NW_ERR_INVALID);
    assert_int_equal(nw_metrics_rdkafka_stats(m, "producer", doc, len), 0);
    /* A document that does not parse keeps the previous values. */
    assert_int_equal(stats(m, "producer", "{\"msg_cnt\":"), NW_ERR_INVALID);
    assert_int_equal(stats(m, "producer", "[1,2]"), NW_ERR_INVALID);
    text = nw_metrics_render(m);
    const char *block = "# HELP newswire_kafka_queue_messages Messages waiting in the client's "
                        "producer queues (msg_cnt)\n"
                        "# TYPE newswire_kafka_queue_messages gauge\n"
                        "newswire_kafka_queue_messages{role=\"consumer\"} 0\n"
                        "newswire_kafka_queue_messages{role=\"producer\"} 3\n"
                        "# HELP newswire_kafka_queue_bytes";
    if (!strstr(text, block))
        fail_msg("expected block:\n%s--- in:\n%s", block, text);
    assert_line(text, "newswire_kafka_messages_sent_total{role=\"producer\"} 40");
    assert_line(text, "newswire_kafka_requests_sent_total{role=\"producer\"} 9");
    assert_int_equal(count_substr(text, "# TYPE newswire_kafka_requests_sent_total "), 1);
    assert_no_substr(text, "newswire_kafka_consumer_lag{role=\"producer\"");
    free(text);
    nw_metrics_free(m);
}

static void test_check_listen(void **state)
{
    (void)state;
    nw_error_t err = {0};
    const char *good[] = {"",           "127.0.0.1:9464", "0.0.0.0:0", "localhost:65535",
                          "[::1]:9464", ":9464"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(nw_httpd_check_listen(good[i], &err), 0);
    const char *bad[] = {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:9x", "::1:9464",
                         "[::1]9464", "[::1",       "host:-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&err, 0, sizeof(err));
        if (nw_httpd_check_listen(bad[i], &err) != NW_ERR_INVALID)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_non_null(strstr(err.msg, "metrics.listen"));
    }
}

/* ---- the HTTP server, through libcurl ----------------------------------- */

typedef struct http_reply {
    long status;
    nw_buf_t body;
    nw_buf_t headers;
} http_reply_t;

static size_t on_data(char *p, size_t size, size_t n, void *opaque)
{
    nw_buf_append(opaque, p, size * n);
    return size * n;
}

static void http(int port, const char *method, const char *path, http_reply_t *r)
{
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    memset(r, 0, sizeof(*r));
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* never an http_proxy from the environment */
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "POST") == 0)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "x=1");
    else if (strcmp(method, "GET") != 0)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
}

static void reply_free(http_reply_t *r)
{
    nw_buf_free(&r->body);
    nw_buf_free(&r->headers);
}

static void test_httpd(void **state)
{
    (void)state;
    if (!nw_httpd_available())
        skip();
    nw_metrics_t *m = nw_metrics_new();
    nw_httpd_t *h = NULL;
    nw_error_t err = {0};

    /* Off: nothing is started. */
    assert_int_equal(nw_httpd_start("", m, &h, &err), 0);
    assert_null(h);
    assert_int_equal(nw_httpd_port(NULL), 0);
    nw_httpd_stop(NULL);
    assert_int_equal(nw_httpd_start("127.0.0.1", m, &h, &err), NW_ERR_INVALID);
    assert_null(h);

    if (nw_httpd_start("127.0.0.1:0", m, &h, &err) != 0)
        fail_msg("start: %s", err.msg);
    int port = nw_httpd_port(h);
    assert_true(port > 0 && port < 65536);

    /* The port is taken now: a second server on it fails with a reason. */
    char taken[64];
    nw_httpd_t *h2 = NULL;
    snprintf(taken, sizeof(taken), "127.0.0.1:%d", port);
    memset(&err, 0, sizeof(err));
    assert_int_equal(nw_httpd_start(taken, m, &h2, &err), NW_ERR_IO);
    assert_null(h2);
    assert_non_null(strstr(err.msg, taken));

    http_reply_t r;
    http(port, "GET", "/healthz", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(nw_buf_str(&r.body), "ok\n");
    reply_free(&r);

    http(port, "GET", "/readyz", &r);
    assert_int_equal(r.status, 503);
    assert_string_equal(nw_buf_str(&r.body), "not ready\n");
    reply_free(&r);
    nw_metrics_set_ready(m, true);
    http(port, "GET", "/readyz?verbose=1", &r); /* the query string is not part of the path */
    assert_int_equal(r.status, 200);
    assert_string_equal(nw_buf_str(&r.body), "ready\n");
    reply_free(&r);

    nw_counters_t c = {.in = 3, .emitted = 2, .rejected = 1};
    c.by_reject[NW_REJECT_EMPTY] = 1;
    nw_metrics_set_counters(m, &c);
    http(port, "GET", "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(
        strstr(nw_buf_str(&r.headers), "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
    assert_line(nw_buf_str(&r.body), "newswire_ready 1");
    assert_line(nw_buf_str(&r.body), "newswire_messages_total{outcome=\"emitted\"} 2");
    assert_line(nw_buf_str(&r.body), "newswire_rejected_total{code=\"empty\"} 1");
    reply_free(&r);

    http(port, "HEAD", "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    reply_free(&r);

    http(port, "GET", "/nope", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    http(port, "GET", "/metrics/", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);

    http(port, "POST", "/metrics", &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(nw_buf_str(&r.headers), "Allow: GET, HEAD"));
    reply_free(&r);
    http(port, "DELETE", "/readyz", &r);
    assert_int_equal(r.status, 405);
    reply_free(&r);

    nw_httpd_stop(h);
    nw_metrics_free(m);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_fresh),     cmocka_unit_test(test_counters_and_ready),
        cmocka_unit_test(test_lag_and_produced), cmocka_unit_test(test_label_escaping),
        cmocka_unit_test(test_histogram),        cmocka_unit_test(test_rdkafka_stats),
        cmocka_unit_test(test_check_listen),     cmocka_unit_test(test_httpd),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
