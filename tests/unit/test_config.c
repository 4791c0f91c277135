/*
 * Unit tests of the configuration module: defaults, the properties syntax,
 * the environment mapping, precedence, validation messages (with their
 * file:line and did-you-mean), librdkafka pass-through and secret masking.
 * Error texts are compared in full where users will read them, because the
 * wording and the origin prefix are the point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <librdkafka/rdkafka.h>

#include "config/config.h"
#include "core/buf.h"
#include "kafka/kconf.h"

/* CMake defines these; the fallbacks serve a bare compile from the repo root. */
#ifndef NW_TEST_DATA
#define NW_TEST_DATA "tests/data"
#endif
#ifndef NW_SOURCE_DIR
#define NW_SOURCE_DIR "."
#endif

#define FIXTURE(name) NW_TEST_DATA "/config/" name

static nw_config_t *load(const char *path)
{
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    assert_non_null(cfg);
    int rc = nw_config_load_file(cfg, path, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    return cfg;
}

static char *capture_print(const nw_config_t *cfg, bool mask)
{
    char *text = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&text, &size);
    assert_non_null(fp);
    assert_int_equal(nw_config_print(cfg, fp, mask), 0);
    fclose(fp);
    return text;
}

static void test_defaults(void **state)
{
    (void)state;
    nw_config_t *cfg = nw_config_new();
    size_t n;
    const nw_config_key_t *keys = nw_config_keys(&n);
    assert_true(n >= 21);
    for (size_t i = 0; i < n; i++) {
        nw_error_t err = {0};
        assert_string_equal(nw_config_get(cfg, keys[i].name), keys[i].def);
        assert_null(nw_config_origin(cfg, keys[i].name));
        /* A default that fails its own check would make the getters lie. */
        if (nw_config_key_check(&keys[i], keys[i].def, NULL, "default", &err) != 0)
            fail_msg("%s", err.msg);
    }
    assert_string_equal(nw_config_get(cfg, "output.topic"), "news.articles");
    assert_string_equal(nw_config_get(cfg, "processing.guarantee"), "exactly_once");
    assert_int_equal(nw_config_get_int(cfg, "commit.interval.ms"), 100);
    assert_int_equal(nw_config_get_int(cfg, "parse.max.message.bytes"), 1048576);
    assert_int_equal(nw_config_get_int(cfg, "near.duplicate.threshold"), 3);
    assert_int_equal(nw_config_get_int(cfg, "state.restore.timeout.ms"), 60000);
    assert_int_equal(nw_config_get_int(cfg, "output.topic"), 0);
    assert_null(nw_config_get(cfg, "no.such.key"));
    assert_null(nw_config_get(cfg, "kafka.bootstrap.servers"));

    char **list;
    assert_int_equal(nw_config_get_list(cfg, "input.topics", &list), 1);
    assert_string_equal(list[0], "news.raw");
    assert_null(list[1]);
    nw_config_list_free(list);
    assert_int_equal(nw_config_get_list(cfg, "enrichers.paths", &list), 0);
    assert_non_null(list);
    assert_null(list[0]);
    nw_config_list_free(list);
    nw_config_free(cfg);
    nw_config_free(NULL);
}

static void test_file_syntax(void **state)
{
    (void)state;
    nw_config_t *cfg = load(FIXTURE("basic.properties"));
    assert_string_equal(nw_config_get(cfg, "output.topic"), "out.articles");
    assert_string_equal(nw_config_get(cfg, "dlq.topic"), "out.dlq");
    assert_string_equal(nw_config_get(cfg, "state.topic"), "out.state");
    assert_string_equal(nw_config_get(cfg, "group.id"), "grp");
    assert_string_equal(nw_config_get(cfg, "input.topics"), "one,two, three");
    assert_string_equal(nw_config_get(cfg, "parse.source"), "caf\xC3\xA9\t\xC3\xBC"
                                                            "ber");
    assert_string_equal(nw_config_get(cfg, "kafka.client.id"), " spaced ");
    assert_string_equal(nw_config_get(cfg, "http.geo.url"), "http://example.test/a?b=c:d");
    assert_string_equal(nw_config_get(cfg, "http.geo.label"), "\xF0\x9F\x93\xB0 wire");
    assert_string_equal(nw_config_get(cfg, "timestamp.zone.IST"), "+01:00");
    assert_string_equal(nw_config_get(cfg, "pipeline.batch.size"), "250");
    assert_string_equal(nw_config_get(cfg, "log.level"), "debug");
    assert_string_equal(nw_config_get(cfg, "group.instance.id"), "");
    assert_string_equal(nw_config_get(cfg, "processing.guarantee"), "at_least_once");
    assert_int_equal(nw_config_get_int(cfg, "near.duplicate.threshold"), 7);
    assert_string_equal(nw_config_origin(cfg, "input.topics"), FIXTURE("basic.properties") ":9");
    assert_string_equal(nw_config_origin(cfg, "near.duplicate.threshold"),
                        FIXTURE("basic.properties") ":22");

    char **list;
    assert_int_equal(nw_config_get_list(cfg, "input.topics", &list), 3);
    assert_string_equal(list[0], "one");
    assert_string_equal(list[1], "two");
    assert_string_equal(list[2], "three");
    nw_config_list_free(list);
    nw_config_free(cfg);
}

static void expect_file_error(const char *path, int code, const char *msg)
{
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    assert_int_equal(nw_config_load_file(cfg, path, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
    nw_config_free(cfg);
}

static void test_file_errors(void **state)
{
    (void)state;
    expect_file_error(FIXTURE("typo.properties"), NW_ERR_INVALID,
                      FIXTURE("typo.properties") ":4: unknown configuration key \"output.topik\" "
                                                 "(did you mean \"output.topic\"?)");
    expect_file_error(FIXTURE("bad_value.properties"), NW_ERR_INVALID,
                      FIXTURE("bad_value.properties") ":3: processing.guarantee: \"exactly-once\" "
                                                      "is not one of exactly_once, at_least_once");
    expect_file_error(FIXTURE("bad_escape.properties"), NW_ERR_INVALID,
                      FIXTURE("bad_escape.properties") ":2: malformed \\uXXXX escape");
    expect_file_error(FIXTURE("missing.properties"), NW_ERR_IO,
                      FIXTURE("missing.properties") ": cannot open: No such file or directory");
}

static void expect_set_error(const char *key, const char *value, const char *msg)
{
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    assert_int_equal(nw_config_set(cfg, key, value, "-X", &err), NW_ERR_INVALID);
    assert_string_equal(err.msg, msg);
    /* A refused value leaves the previous one in place. */
    const nw_config_key_t *k = nw_config_key_find(key);
    if (k)
        assert_string_equal(nw_config_get(cfg, key), k->def);
    nw_config_free(cfg);
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_set_error("processing.guarantee", "exactly-once",
                     "-X: processing.guarantee: \"exactly-once\" is not one of exactly_once, "
                     "at_least_once");
    expect_set_error("log.level", "info|debug",
                     "-X: log.level: \"info|debug\" is not one of error, warn, info, debug");
    expect_set_error("pipeline.batch.size", "12x",
                     "-X: pipeline.batch.size: \"12x\" is not an integer");
    expect_set_error("pipeline.batch.size", "0",
                     "-X: pipeline.batch.size: \"0\" is out of range (1..1000000)");
    expect_set_error("near.duplicate.threshold", "65",
                     "-X: near.duplicate.threshold: \"65\" is out of range (0..64)");
    expect_set_error("near.duplicate.threshold", "99999999999999999999",
                     "-X: near.duplicate.threshold: \"99999999999999999999\" is not an integer");
    expect_set_error("parse.max.message.bytes", "512",
                     "-X: parse.max.message.bytes: \"512\" is out of range (1024..67108864 bytes)");
    expect_set_error("parse.max.message.bytes", "-5",
                     "-X: parse.max.message.bytes: \"-5\" is not "
                     "a size (such as 1048576 or 1M)");
    expect_set_error("commit.interval.ms", "soon",
                     "-X: commit.interval.ms: \"soon\" is not a "
                     "duration (such as 500, 500ms or 2s)");
    expect_set_error("output.topic", "", "-X: output.topic: must not be empty");
    expect_set_error("input.topics", "", "-X: input.topics: needs at least 1 item");
    expect_set_error("input.topics", "a,,b", "-X: input.topics: \"a,,b\" has an empty item");
    expect_set_error("timestamp.zone.IST", "", "-X: timestamp.zone.IST: must not be empty");
    /* audit.topic was declared but never read, so it was removed: a setting
     * that does nothing must not be accepted silently. */
    expect_set_error("audit.topic", "news.audit",
                     "-X: unknown configuration key \"audit.topic\" (--help lists the keys)");
    expect_set_error("output.topic.name", "x",
                     "-X: unknown configuration key \"output.topic.name\" (--help lists the keys)");
    expect_set_error("processing_guarantee", "at_least_once",
                     "-X: unknown configuration key \"processing_guarantee\" (did you mean "
                     "\"processing.guarantee\"?)");
    expect_set_error("kafak.acks", "all",
                     "-X: unknown configuration key \"kafak.acks\" (did you mean \"kafka.acks\"?)");
    expect_set_error("bootstrap.servers", "localhost:9092",
                     "-X: unknown configuration key \"bootstrap.servers\" (did you mean "
                     "\"kafka.bootstrap.servers\"? librdkafka properties take the kafka. prefix)");

    nw_config_t *cfg = nw_config_new();
    assert_int_equal(nw_config_set(cfg, "parse.max.message.bytes", "2M", NULL, NULL), 0);
    assert_int_equal(nw_config_get_int(cfg, "parse.max.message.bytes"), 2 * 1024 * 1024);
    assert_int_equal(nw_config_set(cfg, "parse.max.message.bytes", "64KiB", NULL, NULL), 0);
    assert_int_equal(nw_config_get_int(cfg, "parse.max.message.bytes"), 65536);
    assert_int_equal(nw_config_set(cfg, "commit.interval.ms", "2s", NULL, NULL), 0);
    assert_int_equal(nw_config_get_int(cfg, "commit.interval.ms"), 2000);
    assert_int_equal(nw_config_set(cfg, "state.restore.timeout.ms", "5m", NULL, NULL), 0);
    assert_int_equal(nw_config_get_int(cfg, "state.restore.timeout.ms"), 300000);
    assert_string_equal(nw_config_origin(cfg, "commit.interval.ms"), "-X");
    nw_config_free(cfg);
}

static void test_bool_type(void **state)
{
    (void)state;
    /* No declared key is a bool yet; check the type through a local key. */
    const nw_config_key_t k = {"test.flag", NW_CONFIG_BOOL, "false", NULL, 0, 1, false, "t"};
    int64_t v = -1;
    nw_error_t err = {0};
    assert_int_equal(nw_config_key_check(&k, "true", &v, "-X", NULL), 0);
    assert_int_equal(v, 1);
    assert_int_equal(nw_config_key_check(&k, "OFF", &v, "-X", NULL), 0);
    assert_int_equal(v, 0);
    assert_int_equal(nw_config_key_check(&k, "maybe", &v, "-X", &err), NW_ERR_INVALID);
    assert_string_equal(err.msg, "-X: test.flag: \"maybe\" is not true or false");
}

static void test_env(void **state)
{
    (void)state;
    char *env[] = {
        "PATH=/usr/bin",
        "NEWSWIRE=/usr/bin/newswire", /* the CLI tests' variable, not a key */
        "NEWSWIRE_OUTPUT_TOPIC=env.articles",
        "NEWSWIRE_PROCESSING_GUARANTEE=at_least_once",
        "NEWSWIRE_KAFKA_BOOTSTRAP_SERVERS=broker:9092",
        "NEWSWIRE_TIMESTAMP_ZONE_IST=+01:00",
        "NEWSWIRE_SOURCE_IRISHTIMES_TIMESTAMP_ZONE_BST=+00:00",
        "NEWSWIRE_KAFKA_PORT=9092",
        "NEWSWIRE_KAFKA_DIR=/tmp/kafka",
        "NEWSWIRE_KAFKA_CACHE=/tmp/cache",
        "NEWSWIRE_KAFKA_CONTROLLER_PORT=9093",
        NULL,
    };
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    assert_int_equal(nw_config_load_env(cfg, env, &err), 0);
    assert_string_equal(nw_config_get(cfg, "output.topic"), "env.articles");
    assert_string_equal(nw_config_get(cfg, "processing.guarantee"), "at_least_once");
    assert_string_equal(nw_config_get(cfg, "kafka.bootstrap.servers"), "broker:9092");
    /* Zone abbreviations keep their upper case whatever the variable did. */
    assert_string_equal(nw_config_get(cfg, "timestamp.zone.IST"), "+01:00");
    assert_string_equal(nw_config_get(cfg, "timestamp.zone.ist"), "+01:00");
    assert_string_equal(nw_config_get(cfg, "source.irishtimes.timestamp.zone.BST"), "+00:00");
    assert_string_equal(nw_config_origin(cfg, "output.topic"), "env NEWSWIRE_OUTPUT_TOPIC");
    assert_null(nw_config_get(cfg, "kafka.port"));
    assert_null(nw_config_get(cfg, "kafka.dir"));
    nw_config_free(cfg);

    char *bad[] = {"NEWSWIRE_OUTPUT_TOPIK=x", NULL};
    cfg = nw_config_new();
    assert_int_equal(nw_config_load_env(cfg, bad, &err), NW_ERR_INVALID);
    assert_string_equal(err.msg, "env NEWSWIRE_OUTPUT_TOPIK: unknown configuration key "
                                 "\"output.topik\" (did you mean \"NEWSWIRE_OUTPUT_TOPIC\"?)");
    nw_config_free(cfg);

    char *badval[] = {"NEWSWIRE_LOG_LEVEL=verbose", NULL};
    cfg = nw_config_new();
    assert_int_equal(nw_config_load_env(cfg, badval, &err), NW_ERR_INVALID);
    assert_string_equal(err.msg, "env NEWSWIRE_LOG_LEVEL: log.level: \"verbose\" is not one of "
                                 "error, warn, info, debug");
    nw_config_free(cfg);
}

static void test_precedence(void **state)
{
    (void)state;
    char *env[] = {"NEWSWIRE_DLQ_TOPIC=from.env", "NEWSWIRE_STATE_TOPIC=from.env", NULL};
    nw_config_t *cfg = load(FIXTURE("layers.properties"));
    assert_int_equal(nw_config_load_env(cfg, env, NULL), 0);
    assert_int_equal(nw_config_set(cfg, "state.topic", "from.x", "-X", NULL), 0);
    assert_string_equal(nw_config_get(cfg, "output.topic"), "from.file");
    assert_string_equal(nw_config_get(cfg, "dlq.topic"), "from.env");
    assert_string_equal(nw_config_get(cfg, "state.topic"), "from.x");
    assert_string_equal(nw_config_origin(cfg, "output.topic"), FIXTURE("layers.properties") ":2");
    assert_string_equal(nw_config_origin(cfg, "dlq.topic"), "env NEWSWIRE_DLQ_TOPIC");
    assert_string_equal(nw_config_origin(cfg, "state.topic"), "-X");
    nw_config_free(cfg);
}

/* The value of name in a configuration nw_kconf_new() builds for role. */
static void role_value(const nw_config_t *cfg, nw_kafka_role_t role, const char *name,
                       const char *want)
{
    rd_kafka_conf_t *conf = NULL;
    nw_error_t err = {0};
    assert_int_equal(nw_kconf_new(cfg, role, "tx-1", &conf, &err), 0);
    char buf[64];
    size_t size = sizeof(buf);
    assert_int_equal(rd_kafka_conf_get(conf, name, buf, &size), RD_KAFKA_CONF_OK);
    assert_string_equal(buf, want);
    rd_kafka_conf_destroy(conf);
}

/* The input consumer long-polls 100 ms, the restore 50 ms; the producers
 * keep librdkafka's default, and kafka.fetch.wait.max.ms still wins. */
static void test_fetch_wait_defaults(void **state)
{
    (void)state;
    nw_config_t *cfg = nw_config_new();
    assert_int_equal(nw_config_set(cfg, "group.id", "g", "-X", NULL), 0);
    role_value(cfg, NW_KAFKA_CONSUMER, "fetch.wait.max.ms", "100");
    role_value(cfg, NW_KAFKA_RESTORE, "fetch.wait.max.ms", "50");
    role_value(cfg, NW_KAFKA_PRODUCER, "fetch.wait.max.ms", "500");
    assert_int_equal(nw_config_set(cfg, "kafka.fetch.wait.max.ms", "700", "-X", NULL), 0);
    role_value(cfg, NW_KAFKA_CONSUMER, "fetch.wait.max.ms", "700");
    nw_config_free(cfg);
}

static void test_kafka_apply(void **state)
{
    (void)state;
    nw_config_t *cfg = nw_config_new();
    assert_int_equal(nw_config_set(cfg, "kafka.bootstrap.servers", "b1:9092,b2:9092", "-X", NULL),
                     0);
    assert_int_equal(nw_config_set(cfg, "kafka.client.id", "nw-test", "f.properties:3", NULL), 0);
    assert_int_equal(nw_config_set(cfg, "kafka.sasl.password", "hunter2", "-X", NULL), 0);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    nw_error_t err = {0};
    assert_int_equal(nw_kconf_apply(cfg, conf, &err), 0);
    char buf[256];
    size_t size = sizeof(buf);
    assert_int_equal(rd_kafka_conf_get(conf, "bootstrap.servers", buf, &size), RD_KAFKA_CONF_OK);
    assert_string_equal(buf, "b1:9092,b2:9092");
    size = sizeof(buf);
    assert_int_equal(rd_kafka_conf_get(conf, "client.id", buf, &size), RD_KAFKA_CONF_OK);
    assert_string_equal(buf, "nw-test");
    rd_kafka_conf_destroy(conf);

    assert_int_equal(nw_config_set(cfg, "kafka.bootstrap.servrs", "b3:9092", "conf:7", NULL), 0);
    conf = rd_kafka_conf_new();
    assert_int_equal(nw_kconf_apply(cfg, conf, &err), NW_ERR_INVALID);
    assert_string_equal(err.msg, "conf:7: kafka.bootstrap.servrs: librdkafka: No such "
                                 "configuration property: \"bootstrap.servrs\" (did you mean "
                                 "\"kafka.bootstrap.servers\"?)");
    rd_kafka_conf_destroy(conf);
    nw_config_free(cfg);

    cfg = nw_config_new();
    assert_int_equal(nw_config_set(cfg, "kafka.enable.idempotence", "maybe", "-X", NULL), 0);
    conf = rd_kafka_conf_new();
    assert_int_equal(nw_kconf_apply(cfg, conf, &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "-X: kafka.enable.idempotence: librdkafka: "));
    rd_kafka_conf_destroy(conf);
    nw_config_free(cfg);
}

static void test_secrets(void **state)
{
    (void)state;
    assert_true(nw_config_is_secret("kafka.sasl.password"));
    assert_true(nw_config_is_secret("kafka.ssl.key.password"));
    assert_true(nw_config_is_secret("kafka.ssl.key.pem"));
    assert_true(nw_config_is_secret("kafka.sasl.oauthbearer.client.secret"));
    assert_true(nw_config_is_secret("kafka.sasl.oauthbearer.config"));
    assert_true(nw_config_is_secret("http.geo.api_token"));
    assert_true(nw_config_is_secret("http.geo.Credentials"));
    assert_false(nw_config_is_secret("kafka.sasl.username"));
    assert_false(nw_config_is_secret("kafka.ssl.key.location"));
    assert_false(nw_config_is_secret("http.geo.url"));
    assert_false(nw_config_is_secret("output.topic"));
    assert_false(nw_config_is_secret("timestamp.zone.IST"));

    nw_config_t *cfg = nw_config_new();
    assert_int_equal(nw_config_set(cfg, "kafka.sasl.password", "hunter2", "-X", NULL), 0);
    assert_int_equal(nw_config_set(cfg, "kafka.sasl.username", "alice", "-X", NULL), 0);
    char *masked = capture_print(cfg, true), *plain = capture_print(cfg, false);
    assert_null(strstr(masked, "hunter2"));
    assert_non_null(strstr(masked, "kafka.sasl.password=" NW_CONFIG_MASK "\n"));
    assert_non_null(strstr(masked, "kafka.sasl.username=alice\n"));
    assert_non_null(strstr(plain, "kafka.sasl.password=hunter2\n"));
    free(masked);
    free(plain);
    nw_config_free(cfg);

    /* Neither a misplaced secret nor a refused one shows up in a message. */
    nw_error_t err = {0};
    cfg = nw_config_new();
    assert_int_equal(nw_config_load_file(cfg, FIXTURE("secret.properties"), &err), NW_ERR_INVALID);
    assert_non_null(strstr(err.msg, ":2: unknown configuration key \"sasl.password\" (did you "
                                    "mean \"kafka.sasl.password\"?"));
    assert_null(strstr(err.msg, "hunter2"));
    nw_config_free(cfg);
    const nw_config_key_t k = {"test.secret", NW_CONFIG_ENUM, "a", "a|b", 0, 0, true, "t"};
    assert_int_equal(nw_config_key_check(&k, "hunter2", NULL, "-X", &err), NW_ERR_INVALID);
    assert_null(strstr(err.msg, "hunter2"));
    assert_string_equal(err.msg, "-X: test.secret: \"" NW_CONFIG_MASK "\" is not one of a, b");
}

static void test_zone_families(void **state)
{
    (void)state;
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    assert_int_equal(nw_config_set(cfg, "timestamp.zone.IST", "+05:30", NULL, &err), 0);
    assert_int_equal(nw_config_set(cfg, "timestamp.zone.bst", "Europe/London", NULL, &err), 0);
    assert_int_equal(
        nw_config_set(cfg, "source.irishtimes.timestamp.zone.IST", "+01:00", NULL, &err), 0);
    assert_int_equal(
        nw_config_set(cfg, "source.times-of_india2.timestamp.zone.IST", "+05:30", NULL, &err), 0);
    assert_int_equal(nw_config_set(cfg, "http.geo.url", "http://geo.test/", NULL, &err), 0);
    assert_string_equal(nw_config_get(cfg, "timestamp.zone.BST"), "Europe/London");
    assert_string_equal(nw_config_get(cfg, "source.irishtimes.timestamp.zone.ist"), "+01:00");

    assert_int_equal(
        nw_config_set(cfg, "source.irish.times.timestamp.zone.IST", "+01:00", NULL, &err),
        NW_ERR_INVALID);
    assert_int_equal(nw_config_set(cfg, "timestamp.zone.I5T", "+01:00", NULL, &err),
                     NW_ERR_INVALID);
    assert_int_equal(nw_config_set(cfg, "timestamp.zone.", "+01:00", NULL, &err), NW_ERR_INVALID);
    assert_int_equal(nw_config_set(cfg, "http.geo", "x", NULL, &err), NW_ERR_INVALID);
    assert_int_equal(nw_config_set(cfg, "kafka.", "x", NULL, &err), NW_ERR_INVALID);
    nw_config_free(cfg);
}

static int collect(const char *key, const char *value, void *opaque)
{
    nw_buf_printf(opaque, "%s;", key);
    return strcmp(value, "v") == 0 ? 0 : -1;
}

static int stop_at_output(const char *key, const char *value, void *opaque)
{
    return strcmp(key, "output.topic") == 0 ? 7 : collect(key, value, opaque);
}

static void test_foreach(void **state)
{
    (void)state;
    nw_config_t *cfg = nw_config_new();
    const char *keys[] = {"timestamp.zone.PST",          "output.topic",
                          "source.b.timestamp.zone.IST", "timestamp.zone.BST",
                          "source.a.timestamp.zone.IST", "kafka.acks"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        assert_int_equal(nw_config_set(cfg, keys[i], "v", NULL, NULL), 0);
    nw_buf_t b = NW_BUF_INIT;
    assert_int_equal(nw_config_foreach(cfg, NULL, collect, &b), 0);
    assert_string_equal(nw_buf_str(&b), "kafka.acks;output.topic;source.a.timestamp.zone.IST;"
                                        "source.b.timestamp.zone.IST;timestamp.zone.BST;"
                                        "timestamp.zone.PST;");
    nw_buf_reset(&b);
    assert_int_equal(nw_config_foreach(cfg, "timestamp.zone.", collect, &b), 0);
    assert_string_equal(nw_buf_str(&b), "timestamp.zone.BST;timestamp.zone.PST;");
    /* A non-zero callback result stops the walk and is passed back. */
    nw_buf_reset(&b);
    assert_int_equal(nw_config_foreach(cfg, "", stop_at_output, &b), 7);
    assert_string_equal(nw_buf_str(&b), "kafka.acks;");
    nw_buf_free(&b);
    nw_config_free(cfg);
}

static void test_print_round_trip(void **state)
{
    (void)state;
    nw_config_t *cfg = nw_config_new();
    const char *tricky = " lead\\back\ttab\nline \xC3\xA9\x01 trail  ";
    assert_int_equal(nw_config_set(cfg, "parse.source", tricky, NULL, NULL), 0);
    assert_int_equal(nw_config_set(cfg, "http.geo.header", "#not=a:comment", NULL, NULL), 0);
    assert_int_equal(nw_config_set(cfg, "kafka.acks", "all", NULL, NULL), 0);
    char *text = capture_print(cfg, false);

    /* Every declared key is there, in key order. */
    size_t n;
    const nw_config_key_t *keys = nw_config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        char needle[NW_CONFIG_KEY_MAX + 3];
        snprintf(needle, sizeof(needle), "\n%s=", keys[i].name);
        assert_true(strncmp(text, needle + 1, strlen(needle + 1)) == 0 || strstr(text, needle));
    }
    for (char *line = text, *next; (next = strchr(line, '\n')) && next[1]; line = next + 1)
        assert_true(strcmp(line, next + 1) < 0);

    char path[] = "/tmp/nw_config_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    nw_config_t *back = load(path);
    unlink(path);
    assert_string_equal(nw_config_get(back, "parse.source"), tricky);
    assert_string_equal(nw_config_get(back, "http.geo.header"), "#not=a:comment");
    assert_string_equal(nw_config_get(back, "kafka.acks"), "all");
    assert_string_equal(nw_config_get(back, "output.topic"), "news.articles");
    free(text);
    nw_config_free(back);
    nw_config_free(cfg);
}

static void test_print_help(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0, n;
    FILE *fp = open_memstream(&text, &size);
    nw_config_print_help(fp);
    fclose(fp);
    const nw_config_key_t *keys = nw_config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        char needle[NW_CONFIG_KEY_MAX + 64];
        snprintf(needle, sizeof(needle), "\n  %s=%s  (", keys[i].name, keys[i].def);
        if (!strstr(text, needle) || !strstr(text, keys[i].desc))
            fail_msg("help lacks %s", keys[i].name);
    }
    const nw_config_family_t *fams = nw_config_families(&n);
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(text, fams[i].pattern));
    assert_non_null(strstr(text, "exactly_once|at_least_once"));
    free(text);
}

static void test_example_config(void **state)
{
    (void)state;
    const char *path = NW_SOURCE_DIR "/config/newswire.properties";
    nw_config_t *cfg = load(path);
    assert_string_equal(nw_config_get(cfg, "kafka.bootstrap.servers"), "localhost:9092");
    nw_config_free(cfg);

    /* Each declared key is documented there with its default. */
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char *text = NULL;
    size_t cap = 0;
    ssize_t len = getdelim(&text, &cap, '\0', fp);
    fclose(fp);
    assert_true(len > 0);
    size_t n;
    const nw_config_key_t *keys = nw_config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        char needle[NW_CONFIG_KEY_MAX + 64];
        snprintf(needle, sizeof(needle), "\n# %s=%s\n", keys[i].name, keys[i].def);
        if (!strstr(text, needle))
            fail_msg("config/newswire.properties lacks \"# %s=%s\"", keys[i].name, keys[i].def);
    }
    assert_non_null(strstr(text, "\n# source.irishtimes.timestamp.zone.IST="));
    free(text);
}

int main(void)
{
    nw_kconf_install_probe(); /* as the command line does: kafka.* hints */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_file_syntax),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_bool_type),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_kafka_apply),
        cmocka_unit_test(test_fetch_wait_defaults),
        cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_zone_families),
        cmocka_unit_test(test_foreach),
        cmocka_unit_test(test_print_round_trip),
        cmocka_unit_test(test_print_help),
        cmocka_unit_test(test_example_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
