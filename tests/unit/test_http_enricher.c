/*
 * Tests of the HTTP enricher, driven through its descriptor as the host
 * drives it (the fixture of test_http_fixture.h), against a scripted HTTP/1.1
 * server on 127.0.0.1 that answers JSON, answers late, fails with a status,
 * answers garbage or drops the connection, and keeps what it received. The
 * breaker and the cache are also checked on their own with a fake clock.
 *
 * Every wait is bounded: timeouts of a few hundred milliseconds, and the
 * server's delays end early when it stops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "enrichers/http.h"
#include "enrichers/http_breaker.h"
#include "enrichers/http_cache.h"
#include "enrichers/http_settings.h"
#include "test_http_fixture.h"

/* ---- behaviour -------------------------------------------------------- */

static void test_merge_at_default_path(void **unused)
{
    (void)unused;
    void *st = start_enricher(NULL);
    json_t *rec = record_new("a1");
    char *sent = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    char detail[128];
    assert_int_equal(run_one(st, rec, "sha256:1", detail), NW_ENRICH_OK);
    assert_string_equal(detail, "ok");
    json_t *got =
        json_object_get(json_object_get(json_object_get(rec, "newswire"), "enrichments"), "geo");
    assert_string_equal(json_string_value(json_object_get(got, "topic")), "politics");
    /* The whole record was sent, as JSON, with the usual headers. */
    assert_int_equal(server_requests(), 1);
    assert_string_equal(srv.bodies[0], sent);
    assert_non_null(strstr(srv.heads[0], "POST /enrich?key=querysecret HTTP/1.1"));
    assert_non_null(strcasestr(srv.heads[0], "Content-Type: application/json"));
    assert_null(strcasestr(srv.heads[0], "Authorization:"));
    /* Two more records reuse the one connection. */
    assert_int_equal(run_one(st, rec, "sha256:2", detail), NW_ENRICH_OK);
    assert_int_equal(run_one(st, rec, "sha256:3", detail), NW_ENRICH_OK);
    assert_int_equal(srv.connections, 1);
    /* Neither the query of the URL nor anything else secret is logged. */
    assert_null(strstr(logbuf, "querysecret"));
    free(sent);
    json_decref(rec);
    stop_enricher(st);
}

static void test_merge_path_and_fields(void **unused)
{
    (void)unused;
    const char *kv[] = {"fields",
                        "uri, headlines,missing",
                        "merge.path",
                        "newswire.extra",
                        "method",
                        "PUT",
                        "header.X-Api-Version",
                        "2",
                        NULL};
    void *st = start_enricher(kv);
    json_t *rec = record_new("a2");
    json_object_set_new(json_object_get(rec, "newswire"), "extra", json_pack("{s:i}", "kept", 1));
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    assert_string_equal(srv.bodies[0],
                        "{\"headlines\":[{\"role\":\"main\",\"value\":\"Talks in Geneva\"}],"
                        "\"uri\":\"a2\"}");
    assert_non_null(strstr(srv.heads[0], "PUT /enrich"));
    assert_non_null(strstr(srv.heads[0], "\r\nX-Api-Version: 2\r\n"));
    /* The answer joins what is already at the path. */
    json_t *extra = json_object_get(json_object_get(rec, "newswire"), "extra");
    assert_int_equal(json_integer_value(json_object_get(extra, "kept")), 1);
    assert_string_equal(json_string_value(json_object_get(extra, "topic")), "politics");
    json_decref(rec);
    stop_enricher(st);

    /* A member on the path that is not an object is not overwritten. */
    const char *kv2[] = {"merge.path", "language.x", NULL};
    st = start_enricher(kv2);
    rec = record_new("a3");
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "merge.path: language is not an object");
    assert_string_equal(json_string_value(json_object_get(rec, "language")), "en");
    json_decref(rec);
    stop_enricher(st);
}

static void test_retries_503_then_success(void **unused)
{
    (void)unused;
    srv.script[0] = srv.script[1] = (reply_t){503, "{}", 0, NULL};
    srv.nscript = 2;
    void *st = start_enricher(NULL);
    json_t *rec = record_new("a1");
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    assert_string_equal(detail, "ok");
    assert_int_equal(server_requests(), 3);
    nw_http_stats_t s = stats_of(st);
    assert_int_equal(s.requests, 3);
    assert_int_equal(s.retries, 2);
    assert_int_equal(s.failures, 0);
    json_decref(rec);
    stop_enricher(st);
}

static void test_503_exhausts_retries(void **unused)
{
    (void)unused;
    srv.fallback = (reply_t){503, "{}", 0, NULL};
    void *st = start_enricher(NULL);
    json_t *rec = record_new("a1");
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "HTTP 503 after 3 attempts");
    assert_int_equal(server_requests(), 3);
    assert_null(json_object_get(json_object_get(rec, "newswire"), "enrichments"));
    assert_int_equal(stats_of(st).failures, 1);
    json_decref(rec);
    stop_enricher(st);
}

static void test_no_retry_on_400(void **unused)
{
    (void)unused;
    srv.fallback = (reply_t){400, "{\"error\":\"bad\"}", 0, NULL};
    void *st = start_enricher(NULL);
    json_t *rec = record_new("a1");
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "HTTP 400 after 1 attempt");
    assert_int_equal(server_requests(), 1);
    /* A 4xx is the request's fault: the breaker stays closed however many. */
    for (int i = 0; i < 6; i++)
        run_one(st, rec, NULL, detail);
    assert_int_equal(stats_of(st).breaker, NW_HTTP_BREAKER_CLOSED);
    json_decref(rec);
    stop_enricher(st);
}

static void test_429_honours_retry_after(void **unused)
{
    (void)unused;
    srv.script[0] = (reply_t){429, "{}", 0, "Retry-After: 1\r\n"};
    srv.nscript = 1;
    /* No backoff of its own: only Retry-After (1 s, capped at 300 ms) waits. */
    const char *kv[] = {"backoff.ms", "0", "backoff.max.ms", "300", NULL};
    void *st = start_enricher(kv);
    json_t *rec = record_new("a1");
    char detail[128];
    int64_t t0 = nw_now_ms();
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    int64_t took = nw_now_ms() - t0;
    assert_int_equal(server_requests(), 2);
    assert_true(took >= 290);
    assert_true(took < 900);
    json_decref(rec);
    stop_enricher(st);
}

static void test_timeout_fail_open_and_closed(void **unused)
{
    (void)unused;
    srv.fallback = (reply_t){200, NULL, 2000, NULL};
    const char *kv[] = {"timeout.ms", "150", "retries", "1", "backoff.max.ms", "300", NULL};
    void *st = start_enricher(kv);
    json_t *rec = record_new("a1");
    char detail[128];
    int64_t t0 = nw_now_ms();
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "timeout after 2 attempts");
    /* Bounded by the timeouts, not by the server's 2 s. */
    assert_true(nw_now_ms() - t0 < 1000);
    stop_enricher(st);

    const char *kv2[] = {"timeout.ms", "150", "retries", "0", "fail", "closed", NULL};
    st = start_enricher(kv2);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_FAILED);
    assert_string_equal(detail, "timeout after 1 attempt");
    json_decref(rec);
    stop_enricher(st);
}

static void test_garbage_answers(void **unused)
{
    (void)unused;
    srv.script[0] = (reply_t){200, "<html>not json</html>", 0, NULL};
    srv.script[1] = (reply_t){200, "[1,2,3]", 0, NULL};
    srv.nscript = 2;
    const char *kv[] = {"retries", "0", NULL};
    void *st = start_enricher(kv);
    json_t *rec = record_new("a1");
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "invalid JSON answer");
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "invalid JSON answer");
    assert_int_equal(server_requests(), 2); /* garbage is not retried */
    assert_null(json_object_get(json_object_get(rec, "newswire"), "enrichments"));
    json_decref(rec);
    stop_enricher(st);
}

static void test_dropped_connection_is_retried(void **unused)
{
    (void)unused;
    srv.script[0] = srv.script[1] = (reply_t){0, NULL, 0, NULL};
    srv.nscript = 2;
    void *st = start_enricher(NULL);
    json_t *rec = record_new("a1");
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    assert_int_equal(server_requests(), 3);
    stop_enricher(st);

    /* Without retries the record ends degraded. (A fresh instance: on a
     * reused connection curl itself repeats a request the server dropped.) */
    pthread_mutex_lock(&srv.mu);
    srv.fallback = (reply_t){0, NULL, 0, NULL};
    pthread_mutex_unlock(&srv.mu);
    const char *kv[] = {"retries", "0", NULL};
    st = start_enricher(kv);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "connection closed (curl 52) after 1 attempt");
    assert_int_equal(server_requests(), 4);
    json_decref(rec);
    stop_enricher(st);
}

static void test_breaker_opens_and_recovers(void **unused)
{
    (void)unused;
    srv.fallback = (reply_t){500, "{}", 0, NULL};
    const char *kv[] = {"breaker.failures", "3", "breaker.reset.ms", "300", "retries", "0", NULL};
    void *st = start_enricher(kv);
    json_t *rec = record_new("a1");
    char detail[128];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
        assert_string_equal(detail, "HTTP 500 after 1 attempt");
    }
    assert_int_equal(stats_of(st).breaker, NW_HTTP_BREAKER_OPEN);
    /* Open: nothing reaches the server. */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
        assert_string_equal(detail, "circuit open");
    }
    assert_int_equal(server_requests(), 3);
    assert_int_equal(stats_of(st).short_circuits, 5);
    /* After reset.ms one trial goes out; it fails, so the circuit reopens. */
    sleep_ms(350);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "HTTP 500 after 1 attempt");
    assert_int_equal(server_requests(), 4);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "circuit open");
    assert_int_equal(server_requests(), 4);
    /* The service recovers: the next trial succeeds and closes the circuit. */
    pthread_mutex_lock(&srv.mu);
    srv.fallback = (reply_t){200, NULL, 0, NULL};
    pthread_mutex_unlock(&srv.mu);
    sleep_ms(350);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    assert_int_equal(stats_of(st).breaker, NW_HTTP_BREAKER_CLOSED);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    assert_int_equal(server_requests(), 6);
    assert_non_null(strstr(logbuf, "circuit open"));
    assert_non_null(strstr(logbuf, "circuit closed"));
    json_decref(rec);
    stop_enricher(st);
}

static void test_cache_avoids_requests(void **unused)
{
    (void)unused;
    const char *kv[] = {"cache.ttl.ms", "300", NULL};
    void *st = start_enricher(kv);
    char detail[128];
    json_t *a = record_new("a1"), *b = record_new("a1");
    assert_int_equal(run_one(st, a, "sha256:aa", detail), NW_ENRICH_OK);
    assert_string_equal(detail, "ok");
    assert_int_equal(run_one(st, b, "sha256:aa", detail), NW_ENRICH_OK);
    assert_string_equal(detail, "cached");
    assert_int_equal(server_requests(), 1);
    assert_true(json_equal(a, b));
    /* Other content, or the same after the TTL, is asked for again. */
    assert_int_equal(run_one(st, b, "sha256:bb", detail), NW_ENRICH_OK);
    assert_int_equal(server_requests(), 2);
    sleep_ms(350);
    assert_int_equal(run_one(st, b, "sha256:aa", detail), NW_ENRICH_OK);
    assert_string_equal(detail, "ok");
    assert_int_equal(server_requests(), 3);
    nw_http_stats_t s = stats_of(st);
    assert_int_equal(s.cache_hits, 1);
    assert_int_equal(s.cache_entries, 2);
    json_decref(a);
    json_decref(b);
    stop_enricher(st);
}

/* Runs n records through enrich_batch(); returns the milliseconds it took. */
static int64_t run_batch(void *st, size_t n, nw_enrich_status_t *statuses, char (*details)[128])
{
    json_t *recs[16];
    nw_enrich_input_t ins[16];
    const nw_enrich_input_t *inp[16];
    char *dp[16];
    for (size_t i = 0; i < n; i++) {
        recs[i] = record_new("b");
        ins[i] = input_for("b", NULL);
        inp[i] = &ins[i];
        dp[i] = details[i];
    }
    int64_t t0 = nw_now_ms();
    nw_builtin_http(&api)->enrich_batch(st, recs, inp, n, statuses, dp, 128);
    int64_t took = nw_now_ms() - t0;
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
    return took;
}

static void test_batch_concurrency(void **unused)
{
    (void)unused;
    nw_enrich_status_t statuses[16];
    char details[16][128];
    /* Eight requests that all time out take one timeout, not eight. */
    srv.fallback = (reply_t){200, NULL, 3000, NULL};
    const char *kv[] = {"timeout.ms", "300", "retries", "0", "breaker.failures", "0", NULL};
    void *st = start_enricher(kv);
    int64_t took = run_batch(st, 8, statuses, details);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(statuses[i], NW_ENRICH_DEGRADED);
        assert_string_equal(details[i], "timeout after 1 attempt");
    }
    assert_true(took >= 290);
    assert_true(took < 1200);
    assert_int_equal(srv.max_concurrent, 8);
    stop_enricher(st);
}

static void test_concurrency_bound(void **unused)
{
    (void)unused;
    nw_enrich_status_t statuses[16];
    char details[16][128];
    /* concurrency bounds what is in flight: 6 slow answers, 2 at a time. */
    srv.fallback = (reply_t){200, NULL, 150, NULL};
    const char *kv[] = {"timeout.ms", "1000", "concurrency", "2", NULL};
    void *st = start_enricher(kv);
    int64_t took = run_batch(st, 6, statuses, details);
    for (int i = 0; i < 6; i++)
        assert_string_equal(details[i], "ok");
    assert_true(took >= 440);
    assert_int_equal(srv.max_concurrent, 2);
    stop_enricher(st);
}

static void test_dead_service_bounded(void **unused)
{
    (void)unused;
    /* 12 records, 2 in flight, a service that never answers: after 2 failures
     * the breaker opens and the rest end at once, not 6 timeouts later. */
    srv.fallback = (reply_t){200, NULL, 3000, NULL};
    const char *kv[] = {"timeout.ms",       "200", "retries", "0", "concurrency", "2",
                        "breaker.failures", "2",   NULL};
    void *st = start_enricher(kv);
    nw_enrich_status_t statuses[16];
    char details[16][128];
    int64_t took = run_batch(st, 12, statuses, details);
    assert_true(took < 800);
    assert_string_equal(details[0], "timeout after 1 attempt");
    assert_string_equal(details[11], "circuit open");
    assert_int_equal(server_requests(), 2);
    stop_enricher(st);

    /* Without a breaker the batch's time budget (timeout x (retries + 1) +
     * backoff.max.ms) still bounds it: what could not be sent in time is not. */
    const char *kv2[] = {"timeout.ms",       "200", "retries", "0", "concurrency", "2",
                         "breaker.failures", "0",   NULL};
    st = start_enricher(kv2);
    took = run_batch(st, 6, statuses, details);
    assert_true(took < 800);
    assert_string_equal(details[1], "timeout after 1 attempt");
    assert_string_equal(details[2], "batch deadline exceeded before sending");
    assert_string_equal(details[5], "batch deadline exceeded before sending");
    assert_int_equal(statuses[5], NW_ENRICH_DEGRADED);
    assert_int_equal(server_requests(), 4);
    stop_enricher(st);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_bearer_token_never_logged(void **unused)
{
    (void)unused;
    const char *token = "tok-5e3c7-DO-NOT-LEAK";
    setenv("NW_TEST_HTTP_TOKEN", token, 1);
    srv.script[0] = (reply_t){200, NULL, 0, NULL};
    srv.nscript = 1;
    srv.fallback = (reply_t){500, "{}", 0, NULL};
    const char *kv[] = {
        "auth.token.env", "NW_TEST_HTTP_TOKEN", "breaker.failures", "1", "retries", "1", NULL};
    void *st = start_enricher(kv);
    json_t *rec = record_new("a1");
    char detail[128];
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    assert_non_null(strstr(srv.heads[0], "\r\nAuthorization: Bearer tok-5e3c7-DO-NOT-LEAK\r\n"));
    /* Failures, the breaker opening, and debug lines: none carries it. */
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_null(strstr(detail, token));
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "circuit open");
    stop_enricher(st);

    /* From a file, its final newline trimmed. */
    char path[] = "/tmp/nw-http-token-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "file-tok-77A1\n");
    const char *kv2[] = {"auth.token.file", path, NULL};
    pthread_mutex_lock(&srv.mu);
    srv.fallback = (reply_t){200, NULL, 0, NULL};
    pthread_mutex_unlock(&srv.mu);
    st = start_enricher(kv2);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_OK);
    int last = server_requests() - 1;
    assert_non_null(strstr(srv.heads[last], "\r\nAuthorization: Bearer file-tok-77A1\r\n"));
    stop_enricher(st);

    /* Refusals name the variable or file, never a value. */
    const char *bad[] = {"auth.token.env", "NW_TEST_HTTP_UNSET", NULL};
    unsetenv("NW_TEST_HTTP_UNSET");
    assert_non_null(strstr(refused(bad), "NW_TEST_HTTP_UNSET is not set"));
    const char *both[] = {"auth.token.env", "NW_TEST_HTTP_TOKEN", "auth.token.file", path, NULL};
    assert_null(strstr(refused(both), token));
    unlink(path);

    assert_null(strstr(logbuf, token));
    assert_null(strstr(logbuf, "file-tok-77A1"));
    json_decref(rec);
    unsetenv("NW_TEST_HTTP_TOKEN");
}

static void test_tls_verification(void **unused)
{
    (void)unused;
    /* The settings: on unless explicitly off, and off is warned about. */
    nw_http_settings_t s;
    char err[256];
    assert_int_equal(nw_http_settings_load(&s, &api, host_new(NULL), err, sizeof(err)), 0);
    assert_true(s.tls_verify);
    nw_http_settings_clear(&s);
    const char *off[] = {"tls.verify", "false", NULL};
    assert_int_equal(nw_http_settings_load(&s, &api, host_new(off), err, sizeof(err)), 0);
    assert_false(s.tls_verify);
    assert_non_null(strstr(logbuf, "tls.verify=false"));
    nw_http_settings_clear(&s);

    /* And curl is told: with verification on, an unusable CA file fails the
     * request before the handshake (curl 77); with it off the CA file is
     * not needed and the handshake itself fails on a plain-HTTP server. */
    char path[] = "/tmp/nw-http-ca-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "not a certificate\n");
    char url[128];
    snprintf(url, sizeof(url), "https://127.0.0.1:%d/", srv.port);
    json_t *rec = record_new("a1");
    char detail[128];
    const char *on[] = {"url", url, "ca.file", path, "retries", "0", NULL};
    void *st = start_enricher(on);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "TLS error (curl 77) after 1 attempt");
    stop_enricher(st);
    const char *unverified[] = {"url",   url,       "ca.file", path, "tls.verify",
                                "false", "retries", "0",       NULL};
    st = start_enricher(unverified);
    assert_int_equal(run_one(st, rec, NULL, detail), NW_ENRICH_DEGRADED);
    assert_string_equal(detail, "TLS error (curl 35) after 1 attempt");
    stop_enricher(st);
    unlink(path);
    json_decref(rec);
}

static void test_settings_refused(void **unused)
{
    (void)unused;
    const char *no_url[] = {"url", "", NULL};
    assert_non_null(strstr(refused(no_url), "url"));
    const char *ftp[] = {"url", "ftp://example.com/x", NULL};
    assert_non_null(strstr(refused(ftp), "scheme ftp is not http or https"));
    const char *timeout[] = {"timeout.ms", "soon", NULL};
    assert_non_null(strstr(refused(timeout), "http.geo: timeout.ms: \"soon\" is not a duration"));
    const char *fail_mode[] = {"fail", "sometimes", NULL};
    assert_non_null(strstr(refused(fail_mode), "fail"));
    const char *path[] = {"merge.path", "a..b", NULL};
    assert_non_null(strstr(refused(path), "merge.path"));
    const char *header[] = {"header.X-Evil", "a\r\nInjected: 1", NULL};
    assert_non_null(strstr(refused(header), "header.X-Evil"));
    const char *ca[] = {"ca.file", "/nonexistent/ca.pem", NULL};
    assert_non_null(strstr(refused(ca), "ca.file"));

    /* Durations take the usual suffixes. (Unknown settings are the host's
     * to refuse: test_enrich_host.) */
    nw_http_settings_t s;
    char err[256];
    const char *ok[] = {"timeout.ms", "2s", "backoff.max.ms", "3s", NULL};
    assert_int_equal(nw_http_settings_load(&s, &api, host_new(ok), err, sizeof(err)), 0);
    assert_int_equal(s.timeout_ms, 2000);
    char shown[64];
    snprintf(shown, sizeof(shown), "http://127.0.0.1:%d/enrich", srv.port);
    assert_string_equal(s.url_shown, shown); /* no query: it may hold a key */
    assert_null(strstr(s.url_shown, "querysecret"));
    nw_http_settings_clear(&s);
}

/* ---- the breaker and the cache on their own --------------------------- */

static void test_breaker_states(void **unused)
{
    (void)unused;
    nw_http_breaker_t b;
    nw_http_breaker_init(&b, 2, 1000);
    assert_int_equal(nw_http_breaker_acquire(&b, 0), NW_HTTP_GATE_SEND);
    nw_http_breaker_report(&b, false, false, 0);
    nw_http_breaker_report(&b, false, true, 1); /* a success resets the count */
    nw_http_breaker_report(&b, false, false, 2);
    assert_int_equal(nw_http_breaker_state(&b), NW_HTTP_BREAKER_CLOSED);
    nw_http_breaker_report(&b, false, false, 3);
    assert_int_equal(nw_http_breaker_state(&b), NW_HTTP_BREAKER_OPEN);
    assert_true(nw_http_breaker_rejects(&b, 500));
    assert_false(nw_http_breaker_rejects(&b, 1003));
    assert_int_equal(nw_http_breaker_acquire(&b, 500), NW_HTTP_GATE_REJECT);
    assert_int_equal(nw_http_breaker_acquire(&b, 1003), NW_HTTP_GATE_TRIAL);
    assert_int_equal(nw_http_breaker_state(&b), NW_HTTP_BREAKER_HALF_OPEN);
    assert_string_equal(nw_http_breaker_state_name(nw_http_breaker_state(&b)), "half-open");
    assert_int_equal(nw_http_breaker_acquire(&b, 1004), NW_HTTP_GATE_WAIT);
    nw_http_breaker_report(&b, true, false, 1100); /* failed trial: open again */
    assert_int_equal(nw_http_breaker_acquire(&b, 1500), NW_HTTP_GATE_REJECT);
    assert_int_equal(nw_http_breaker_acquire(&b, 2100), NW_HTTP_GATE_TRIAL);
    nw_http_breaker_report(&b, true, true, 2150);
    assert_int_equal(nw_http_breaker_state(&b), NW_HTTP_BREAKER_CLOSED);
    assert_int_equal(nw_http_breaker_acquire(&b, 2151), NW_HTTP_GATE_SEND);
    /* An abandoned trial counts as a failed one. */
    nw_http_breaker_report(&b, false, false, 2200);
    nw_http_breaker_report(&b, false, false, 2200);
    assert_int_equal(nw_http_breaker_acquire(&b, 3300), NW_HTTP_GATE_TRIAL);
    nw_http_breaker_abandon(&b, true, 3400);
    assert_int_equal(nw_http_breaker_state(&b), NW_HTTP_BREAKER_OPEN);
}

static void test_cache_bounds(void **unused)
{
    (void)unused;
    nw_http_cache_t *c = nw_http_cache_new(100, 3);
    assert_non_null(c);
    json_t *v = json_pack("{s:i}", "n", 1);
    assert_int_equal(nw_http_cache_put(c, "a", v, 0), 0);
    assert_int_equal(nw_http_cache_put(c, "b", v, 0), 0);
    assert_int_equal(nw_http_cache_put(c, "c", v, 0), 0);
    assert_non_null(nw_http_cache_get(c, "a", 10)); /* a is now the most recent */
    assert_int_equal(nw_http_cache_put(c, "d", v, 10), 0);
    assert_int_equal(nw_http_cache_count(c), 3);
    assert_null(nw_http_cache_get(c, "b", 10)); /* the least recently used went */
    assert_non_null(nw_http_cache_get(c, "a", 10));
    /* A stored answer is a copy: changing the original does not reach it. */
    json_object_set_new(v, "n", json_integer(2));
    assert_int_equal(json_integer_value(json_object_get(nw_http_cache_get(c, "a", 10), "n")), 1);
    assert_null(nw_http_cache_get(c, "a", 100)); /* expired */
    assert_int_equal(nw_http_cache_count(c), 2);
    /* Expired entries are evicted before live ones. */
    assert_int_equal(nw_http_cache_put(c, "e", v, 105), 0);
    assert_int_equal(nw_http_cache_put(c, "f", v, 105), 0);
    assert_non_null(nw_http_cache_get(c, "e", 106));
    assert_non_null(nw_http_cache_get(c, "f", 106));
    for (int i = 0; i < 1000; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(nw_http_cache_put(c, key, v, 200 + i), 0);
    }
    assert_int_equal(nw_http_cache_count(c), 3);
    json_decref(v);
    nw_http_cache_free(c);
}

static int reset_logs(void **state)
{
    loglen = 0;
    logbuf[0] = '\0';
    return server_setup(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_merge_at_default_path, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_merge_path_and_fields, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_retries_503_then_success, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_503_exhausts_retries, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_no_retry_on_400, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_429_honours_retry_after, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_timeout_fail_open_and_closed, reset_logs,
                                        server_teardown),
        cmocka_unit_test_setup_teardown(test_garbage_answers, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_dropped_connection_is_retried, reset_logs,
                                        server_teardown),
        cmocka_unit_test_setup_teardown(test_breaker_opens_and_recovers, reset_logs,
                                        server_teardown),
        cmocka_unit_test_setup_teardown(test_cache_avoids_requests, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_batch_concurrency, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_concurrency_bound, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_dead_service_bounded, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_token_never_logged, reset_logs,
                                        server_teardown),
        cmocka_unit_test_setup_teardown(test_tls_verification, reset_logs, server_teardown),
        cmocka_unit_test_setup_teardown(test_settings_refused, reset_logs, server_teardown),
        cmocka_unit_test(test_breaker_states),
        cmocka_unit_test(test_cache_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
