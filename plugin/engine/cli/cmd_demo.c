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
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/log.h"
#include "kafka/mock.h"
#include "pipeline/runner.h"

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
    if (nw_cli_config_apply_x(cc, cfg, &err) < 0)
        goto fail;
    return cfg;
fail:
    fprintf(stderr, "newswire: demo: %s\n", err.msg);
    nw_config_free(cfg);
    return NULL;
}

static void linger(int seconds, const char *bootstraps, volatile sig_atomic_t *stop)
{
    if (seconds <= 0)
        return;
    fprintf(stderr,
            "newswire: demo: the embedded cluster stays up for %d s at %s\n"
            "  try: kcat -b %s -C -t news.articles -e\n",
            seconds, bootstraps, bootstraps);
    struct timespec step = {0, 100 * 1000 * 1000};
    for (int i = 0; i < seconds * 10 && !*stop; i++)
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
    nw_mock_t *mock = NULL;
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
        default: /* -X and -h; the optstring takes no -c, -b nor -V */
            if (nw_cli_common_option(&cc, opt, optarg, demo_usage, &status))
                goto out;
            break;
        }
    }
    volatile sig_atomic_t *stop = nw_cli_stop_on_signals();

    nw_error_t err = {0};
    nw_log_setup("warn", NULL);
    if (nw_mock_start(1, &mock, &err) < 0) {
        fprintf(stderr, "newswire: demo: %s\n", err.msg);
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    const char *bootstraps = nw_mock_bootstraps(mock);
    if (!(cfg = demo_config(&cc, bootstraps))) {
        status = NW_EXIT_CONFIG;
        goto out;
    }
    nw_cli_log_setup(cfg);
    /* The mock cluster has no CreateTopics: make every topic up front. */
    nw_mock_create_topics(mock, cfg, 3);
    const char *input = nw_config_get(cfg, "input.topics");
    int produced = 0;
    if (nw_mock_produce_manifest(mock, samples_dir(samples), input, &produced, &err) < 0) {
        fprintf(stderr, "newswire: demo: %s\n", err.msg);
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    fprintf(stderr, "newswire: demo: embedded Kafka cluster at %s; %d sample messages in %s\n",
            bootstraps, produced, input);

    nw_runner_opts_t opts = {
        .exit_at_end = true, .stop = stop, .on_record = print_record, .opaque = &dp};
    nw_counters_t c;
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
        linger(linger_s, bootstraps, stop);
    }
out:
    nw_config_free(cfg);
    nw_mock_stop(mock);
    nw_cli_config_clear(&cc);
    return status;
}
