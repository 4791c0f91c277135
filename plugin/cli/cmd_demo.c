/*
 * `newswire demo`: the whole pipeline with nothing installed but the build.
 *
 * Starts librdkafka's mock cluster inside the process, produces the bundled
 * sample set (config/samples: an article, its repeats and newer versions, an
 * unrelated article, a late older version and a few bad messages) into
 * news.raw, runs the pipeline over it to the end, and prints every emitted
 * record and the counters. The mock cluster writes no transaction markers,
 * so the demo runs at_least_once; the real broker is for exactly-once.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/log.h"
#include "kafka/topics.h"
#include "pipeline/runner.h"

static volatile sig_atomic_t demo_stop;

static void on_signal(int sig)
{
    (void)sig;
    demo_stop = 1;
}

typedef struct demo_print {
    bool pretty;
    unsigned count;
} demo_print_t;

static void print_record(const char *key, const char *value, size_t len, void *opaque)
{
    demo_print_t *dp = opaque;
    dp->count++;
    if (!dp->pretty) {
        printf("%.*s\n", (int)len, value);
        return;
    }
    json_error_t jerr;
    json_t *rec = json_loadb(value, len, 0, &jerr);
    char *text = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
    printf("\n--- record %u: key %s ---\n%s\n", dp->count, key, text ? text : value);
    free(text);
    json_decref(rec);
}

static const char *samples_dir(const char *given)
{
    static const char *const candidates[] = {NW_DATADIR "/samples", NW_SOURCE_CONFIGDIR "/samples"};
    if (given)
        return given;
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/manifest.tsv", candidates[i]);
        if (access(path, R_OK) == 0)
            return candidates[i];
    }
    return candidates[1];
}

static int read_file(const char *path, nw_buf_t *out)
{
    FILE *fp = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    if (!fp)
        return NW_ERR_IO;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        nw_buf_append(out, chunk, n);
    int rc = ferror(fp) ? NW_ERR_IO : 0;
    fclose(fp);
    return rc == 0 && nw_buf_ok(out) ? 0 : NW_ERR_IO;
}

/* Produces each sample of the manifest, in order, with its key. */
static int load_samples(rd_kafka_t *rk, const char *dir, const char *topic, int *count)
{
    char path[1024], line[1024];
    snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "newswire: demo: %s: %s\n", path, strerror(errno));
        return NW_ERR_IO;
    }
    int rc = 0;
    *count = 0;
    while (rc == 0 && fgets(line, sizeof(line), fp)) {
        char *file = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n");
        if (!file || file[0] == '#' || !key)
            continue;
        nw_buf_t value = NW_BUF_INIT;
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        if (read_file(path, &value) < 0) {
            fprintf(stderr, "newswire: demo: cannot read %s\n", path);
            rc = NW_ERR_IO;
        } else {
            /* An empty sample is an empty value, not a null one. */
            rd_kafka_resp_err_t e =
                rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                                  RD_KAFKA_V_VALUE(value.data ? value.data : "", value.len),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (e) {
                fprintf(stderr, "newswire: demo: produce: %s\n", rd_kafka_err2str(e));
                rc = NW_ERR_KAFKA;
            }
            (*count)++;
        }
        nw_buf_free(&value);
    }
    fclose(fp);
    if (rc == 0 && rd_kafka_flush(rk, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "newswire: demo: the samples were not delivered\n");
        rc = NW_ERR_KAFKA;
    }
    return rc;
}

static void demo_usage(FILE *fp)
{
    fputs("Usage: newswire demo [OPTIONS]\n"
          "\n"
          "Runs the pipeline over bundled sample articles inside an embedded Kafka cluster\n"
          "(librdkafka's mock cluster) and prints each emitted record and the counters.\n"
          "\n"
          "Options:\n"
          "  --linger SECONDS   keep the embedded cluster up this long afterwards, so another\n"
          "                     client (kcat -b ADDRESS -C -t news.articles) can look at it\n"
          "  --samples DIR      another sample set (a manifest.tsv of FILE<TAB>KEY lines)\n"
          "  --compact          one record per line even on a terminal\n"
          "  -X KEY=VALUE       set a configuration key (see newswire run --help)\n"
          "  -h, --help         this help\n",
          fp);
}

static nw_config_t *demo_config(nw_cli_config_t *cc, const char *bootstraps)
{
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    static const char *const defaults[][2] = {
        {"processing.guarantee", "at_least_once"},
        {"log.level", "warn"},
        {"group.id", "newswire-demo"},
    };
    if (!cfg)
        return NULL;
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        nw_config_set(cfg, defaults[i][0], defaults[i][1], "demo", &err);
    if (nw_config_set(cfg, "kafka.bootstrap.servers", bootstraps, "demo", &err) < 0)
        goto fail;
    for (int i = 0; i < cc->n_xs; i++) {
        char key[NW_CONFIG_KEY_MAX + 1];
        const char *eq = strchr(cc->xs[i], '=');
        size_t n = eq ? (size_t)(eq - cc->xs[i]) : 0;
        if (!eq || n > NW_CONFIG_KEY_MAX) {
            nw_error_set(&err, NW_ERR_INVALID, "-X %s: expected key=value", cc->xs[i]);
            goto fail;
        }
        memcpy(key, cc->xs[i], n);
        key[n] = '\0';
        if (nw_config_set(cfg, key, eq + 1, "-X", &err) < 0)
            goto fail;
    }
    return cfg;
fail:
    fprintf(stderr, "newswire: demo: %s\n", err.msg);
    nw_config_free(cfg);
    return NULL;
}

static void linger(int seconds, const char *bootstraps)
{
    if (seconds <= 0)
        return;
    fprintf(stderr,
            "newswire: demo: the embedded cluster stays up for %d s at %s\n"
            "  try: kcat -b %s -C -t news.articles -e\n",
            seconds, bootstraps, bootstraps);
    struct timespec step = {0, 100 * 1000 * 1000};
    for (int i = 0; i < seconds * 10 && !demo_stop; i++)
        nanosleep(&step, NULL); /* waiting for the user, not for a condition */
}

int nw_cmd_demo(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"linger", required_argument, NULL, 'l'},
        {"samples", required_argument, NULL, 's'},
        {"compact", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    nw_cli_config_t cc = {0};
    const char *samples = NULL;
    int linger_s = 0, opt, status = NW_EXIT_OK;
    demo_print_t dp = {.pretty = isatty(STDOUT_FILENO)};
    rd_kafka_t *owner = NULL;
    nw_config_t *cfg = NULL;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "X:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            linger_s = atoi(optarg);
            break;
        case 's':
            samples = optarg;
            break;
        case 'C':
            dp.pretty = false;
            break;
        case 'X':
            if (nw_cli_config_add_x(&cc, optarg) < 0)
                return NW_EXIT_SOFTWARE;
            break;
        case 'h':
            demo_usage(stdout);
            goto out;
        default:
            demo_usage(stderr);
            status = NW_EXIT_USAGE;
            goto out;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* The mock cluster lives inside this producer's threads. */
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", errstr, sizeof(errstr)) ||
        rd_kafka_conf_set(conf, "client.id", "newswire-demo", errstr, sizeof(errstr))) {
        rd_kafka_conf_destroy(conf);
        fprintf(stderr, "newswire: demo: %s\n", errstr);
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    rd_kafka_conf_set_log_cb(conf, nw_log_rdkafka);
    nw_log_setup("warn", NULL);
    if (!(owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr)))) {
        rd_kafka_conf_destroy(conf);
        fprintf(stderr, "newswire: demo: cannot start the embedded cluster: %s\n", errstr);
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(owner);
    const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    if (!(cfg = demo_config(&cc, bootstraps))) {
        status = NW_EXIT_CONFIG;
        goto out;
    }
    nw_log_setup(nw_config_get(cfg, "log.level"), nw_config_get(cfg, "log.format"));
    /* The mock cluster has no CreateTopics: make every topic up front. */
    const char *topics[] = {"input.topics", "output.topic", "dlq.topic", "state.topic"};
    for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
        rd_kafka_mock_topic_create(mc, nw_config_get(cfg, topics[i]), 3, 1);
    char repartition[512];
    nw_repartition_topic(cfg, repartition, sizeof(repartition));
    rd_kafka_mock_topic_create(mc, repartition, 3, 1);
    const char *input = nw_config_get(cfg, "input.topics");
    int produced = 0;
    if (load_samples(owner, samples_dir(samples), input, &produced) < 0) {
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    fprintf(stderr, "newswire: demo: embedded Kafka cluster at %s; %d sample messages in %s\n",
            bootstraps, produced, input);

    nw_runner_opts_t opts = {
        .exit_at_end = true, .stop = &demo_stop, .on_record = print_record, .opaque = &dp};
    nw_counters_t c;
    nw_error_t err = {0};
    int rc = nw_runner_run(cfg, &opts, &c, &err);
    char line[256];
    nw_counters_format(&c, line, sizeof(line));
    printf("%snewswire: %s\n", dp.pretty ? "\n" : "", line);
    fflush(stdout);
    if (rc < 0) {
        fprintf(stderr, "newswire: demo: %s\n", err.msg);
        status = NW_EXIT_FAILURE;
    } else if (c.in != c.emitted + c.duplicate + c.stale + c.rejected ||
               c.in != (uint64_t)produced) {
        fprintf(stderr, "newswire: demo: the counters do not add up (%d produced)\n", produced);
        status = NW_EXIT_SOFTWARE;
    } else {
        linger(linger_s, bootstraps);
    }
out:
    nw_config_free(cfg);
    if (owner)
        rd_kafka_destroy(owner);
    nw_cli_config_clear(&cc);
    return status;
}
