/*
 * Command dispatch, --help/--version, and what the commands share: the
 * configuration options, their getopt handling and the stop signals.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "kafka/kconf.h"
#include "newswire/version.h"

extern char **environ;

static void usage(FILE *fp)
{
    fputs("Usage: newswire COMMAND [OPTIONS]\n"
          "\n"
          "Turns raw news articles from Kafka into versioned, enriched IPTC ninjs records.\n"
          "\n"
          "Commands:\n"
          "  parse   parse article files offline and print one ninjs record per input\n"
          "  run     the stream processor: consume, dedupe, produce (see run --help)\n"
          "  replay  reprocess a range of the input by offset or time (see replay --help)\n"
          "  demo    run the pipeline on bundled samples in an embedded Kafka cluster\n"
          "\n"
          "Options:\n"
          "  -h, --help      this help (COMMAND --help for a command's options)\n"
          "  -V, --version   print the version and the library versions\n",
          fp);
}

void nw_cli_print_version(void)
{
    printf("newswire %s (librdkafka %s, jansson %s, %s)\n", NW_VERSION_STRING,
           rd_kafka_version_str(), jansson_version_str(), curl_version());
}

int nw_cli_main(int argc, char **argv)
{
    nw_kconf_install_probe(); /* before any command reads its configuration */
    if (argc < 2) {
        usage(stderr);
        return NW_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return NW_EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        nw_cli_print_version();
        return NW_EXIT_OK;
    }
    if (!strcmp(cmd, "parse"))
        return nw_cmd_parse(argc - 1, argv + 1);
    if (!strcmp(cmd, "run"))
        return nw_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "replay"))
        return nw_cmd_replay(argc - 1, argv + 1);
    if (!strcmp(cmd, "demo"))
        return nw_cmd_demo(argc - 1, argv + 1);
    fprintf(stderr, "newswire: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return NW_EXIT_USAGE;
}

int nw_cli_config_add_x(nw_cli_config_t *cc, const char *kv)
{
    const char **xs = realloc(cc->xs, (size_t)(cc->n_xs + 1) * sizeof(*xs));
    if (!xs)
        return NW_ERR_NOMEM;
    xs[cc->n_xs++] = kv;
    cc->xs = xs;
    return 0;
}

int nw_cli_config_option(nw_cli_config_t *cc, int opt, const char *arg)
{
    switch (opt) {
    case 'c':
        cc->file = arg;
        return 1;
    case 'b':
        cc->brokers = arg;
        return 1;
    case 'X':
        return nw_cli_config_add_x(cc, arg) < 0 ? NW_ERR_NOMEM : 1;
    }
    return 0;
}

void nw_cli_config_clear(nw_cli_config_t *cc)
{
    free(cc->xs);
    memset(cc, 0, sizeof(*cc));
}

int nw_cli_config_apply_x(const nw_cli_config_t *cc, nw_config_t *cfg, nw_error_t *err)
{
    for (int i = 0; i < cc->n_xs; i++) {
        char key[NW_CONFIG_KEY_MAX + 1];
        const char *eq = strchr(cc->xs[i], '=');
        size_t n = eq ? (size_t)(eq - cc->xs[i]) : 0;
        if (!eq || n > NW_CONFIG_KEY_MAX)
            return nw_error_set(err, NW_ERR_INVALID, "-X %s: expected key=value", cc->xs[i]);
        memcpy(key, cc->xs[i], n);
        key[n] = '\0';
        int rc = nw_config_set(cfg, key, eq + 1, "-X", err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

bool nw_cli_common_option(nw_cli_config_t *cc, int opt, const char *arg,
                          void (*print_usage)(FILE *fp), int *status)
{
    if (opt == 'h' || opt == 'V') {
        if (opt == 'h')
            print_usage(stdout);
        else
            nw_cli_print_version();
        *status = NW_EXIT_OK;
        return true;
    }
    int taken = nw_cli_config_option(cc, opt, arg);
    if (taken > 0)
        return false;
    if (taken == 0)
        print_usage(stderr);
    *status = taken < 0 ? NW_EXIT_SOFTWARE : NW_EXIT_USAGE;
    return true;
}

bool nw_cli_unexpected_operand(const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return false;
    fprintf(stderr, "newswire: %s: unexpected argument \"%s\"\n", cmd, argv[optind]);
    return true;
}

void nw_cli_log_setup(const nw_config_t *cfg)
{
    nw_log_setup(nw_config_get(cfg, "log.level"), nw_config_get(cfg, "log.format"));
}

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

volatile sig_atomic_t *nw_cli_stop_on_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    stop_requested = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_requested;
}

nw_config_t *nw_cli_config_build(const nw_cli_config_t *cc)
{
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    if (!cfg) {
        fprintf(stderr, "newswire: out of memory\n");
        return NULL;
    }
    if (cc->file && nw_config_load_file(cfg, cc->file, &err) < 0)
        goto fail;
    if (nw_config_load_env(cfg, environ, &err) < 0)
        goto fail;
    if (cc->brokers && nw_config_set(cfg, "kafka.bootstrap.servers", cc->brokers, "-b", &err) < 0)
        goto fail;
    if (nw_cli_config_apply_x(cc, cfg, &err) < 0)
        goto fail;
    return cfg;
fail:
    fprintf(stderr, "newswire: %s\n", err.msg);
    nw_config_free(cfg);
    return NULL;
}
