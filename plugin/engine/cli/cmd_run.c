/*
 * `newswire run`: the stream processor. Runs until SIGINT or SIGTERM (or,
 * with -e, until every assigned input partition is at its end), then stops
 * gracefully and prints the summary line with the accounting counters.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kafka/kcheck.h"
#include "kafka/kconf.h"
#include "kafka/kfail.h"
#include "ops/httpd.h"
#include "ops/metrics.h"
#include "pipeline/runner.h"
#include "replay/replay.h"

static void run_usage(FILE *fp)
{
    fputs("Usage: newswire run [OPTIONS]\n"
          "\n"
          "Consumes raw articles from input.topics, keeps one record per article version and\n"
          "writes ninjs records to output.topic, rejected input to dlq.topic.\n"
          "\n"
          "Options:\n"
          "  -c, --config FILE     a Java-style properties file\n"
          "  -b, --brokers LIST    bootstrap servers (same as -X kafka.bootstrap.servers=LIST)\n"
          "  -X KEY=VALUE          set a configuration key (repeatable; wins over -c and env)\n"
          "  -e, --exit-at-end     exit once every assigned partition is at its end and all\n"
          "                        output is delivered and committed\n"
          "      --from POSITION   where partitions without a committed offset start:\n"
          "                        TOPIC:PARTITION:OFFSET (repeatable) or @TIME (ISO 8601,\n"
          "                        every partition); a group with progress continues from it.\n"
          "                        Without it: kafka.auto.offset.reset (default earliest)\n"
          "      --print-config    print the effective configuration (secrets masked), exit\n"
          "      --check-config    validate the configuration and exit\n"
          "  -h, --help            this help, with every configuration key\n"
          "\n"
          "Configuration precedence: defaults < -c FILE < NEWSWIRE_* environment < -b < -X.\n"
          "NEWSWIRE_OUTPUT_TOPIC=x sets output.topic; kafka.* keys go to librdkafka.\n"
          "\n"
          "On exit prints: newswire: in=N emitted=N duplicate=N stale=N rejected=N\n"
          "\n",
          fp);
}

/* --check-config: everything that can be checked without a cluster: every
 * Kafka client is built and closed again (so what librdkafka refuses only at
 * client creation, such as an unknown SASL mechanism or a missing CA file, is
 * refused here as in run), the metrics address, the zone overrides and the
 * enricher chain (plugins load and initialise). */
static int check(const nw_config_t *cfg)
{
    nw_error_t err = {0};
    if (nw_kafka_check_clients(cfg, &err) < 0)
        goto bad;
    if (nw_httpd_check_listen(nw_config_get(cfg, "metrics.listen"), &err) < 0)
        goto bad;
    nw_processor_t *proc = NULL;
    if (nw_processor_new(cfg, &proc, &err) < 0)
        goto bad;
    nw_processor_free(proc);
    printf("newswire: configuration OK\n");
    return NW_EXIT_OK;
bad:
    fprintf(stderr, "newswire: %s\n", err.msg);
    return NW_EXIT_CONFIG;
}

int nw_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"brokers", required_argument, NULL, 'b'},
        {"exit-at-end", no_argument, NULL, 'e'},
        {"print-config", no_argument, NULL, 'P'},
        {"check-config", no_argument, NULL, 'C'},
        {"from", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    nw_cli_config_t cc = {0};
    nw_config_t *cfg = NULL;
    bool exit_at_end = false, print_config = false, check_config = false;
    nw_kpos_t *from = NULL;
    size_t n_from = 0;
    int status = NW_EXIT_OK, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:b:X:ehV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'e':
            exit_at_end = true;
            break;
        case 'P':
            print_config = true;
            break;
        case 'C':
            check_config = true;
            break;
        case 'F': {
            nw_error_t ferr = {0};
            nw_kpos_t *more = realloc(from, (n_from + 1) * sizeof(*from));
            if (!more) {
                status = NW_EXIT_SOFTWARE;
                goto out;
            }
            from = more;
            if (nw_kpos_parse(optarg, &from[n_from], &ferr) < 0) {
                fprintf(stderr, "newswire: run: --from %s\n", ferr.msg);
                status = NW_EXIT_USAGE;
                goto out;
            }
            n_from++;
            break;
        }
        case 'h':
            run_usage(stdout);
            nw_config_print_help(stdout);
            goto out;
        default:
            if (nw_cli_common_option(&cc, opt, optarg, run_usage, &status))
                goto out;
            break;
        }
    }
    if (nw_cli_unexpected_operand("run", argc, argv)) {
        status = NW_EXIT_USAGE;
        goto out;
    }
    if (!(cfg = nw_cli_config_build(&cc))) {
        status = NW_EXIT_CONFIG;
        goto out;
    }
    if (print_config) {
        nw_config_print(cfg, stdout, true);
        goto out;
    }
    if (check_config) {
        status = check(cfg);
        goto out;
    }
    nw_cli_log_setup(cfg);
    /* Handlers first: a SIGTERM that arrives while the clients are checked or
     * the cluster is awaited must stop the run gracefully, never kill it. */
    volatile sig_atomic_t *stop = nw_cli_stop_on_signals();
    {
        /* What --check-config refuses, run refuses the same way (78), before
         * the endpoint starts and anything waits for a broker. */
        nw_error_t cerr = {0};
        if (nw_kafka_check_clients(cfg, &cerr) < 0) {
            fprintf(stderr, "newswire: run: %s\n", cerr.msg);
            status = cerr.code == NW_ERR_NOMEM ? NW_EXIT_SOFTWARE : NW_EXIT_CONFIG;
            goto out;
        }
    }

    /* The endpoint comes up before the runner starts waiting for the
     * cluster or the input topics, so /readyz answers 503 meanwhile. */
    nw_error_t err = {0};
    nw_metrics_t *metrics = nw_metrics_new();
    nw_httpd_t *httpd = NULL;
    if (!metrics) {
        fprintf(stderr, "newswire: run: out of memory\n");
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    if (nw_httpd_start(nw_config_get(cfg, "metrics.listen"), metrics, &httpd, &err) < 0) {
        fprintf(stderr, "newswire: run: %s\n", err.msg);
        nw_metrics_free(metrics);
        status = err.code == NW_ERR_INVALID ? NW_EXIT_CONFIG : NW_EXIT_FAILURE;
        goto out;
    }
    nw_runner_opts_t opts = {.exit_at_end = exit_at_end,
                             .stop = stop,
                             .metrics = nw_metrics_sink(metrics),
                             .from = from,
                             .n_from = n_from};
    nw_counters_t counters = {0};
    /* Authentication, TLS and authorization failures end the run after
     * failure.timeout.ms (kafka/kfail.h); until then /healthz reports them. */
    int wrc = nw_kfail_start(nw_config_get_int(cfg, "failure.timeout.ms"), nw_metrics_sink(metrics),
                             stop);
    int rc = wrc < 0 ? nw_error_set(&err, wrc, "cannot start the failure watchdog")
                     : nw_runner_run(cfg, &opts, &counters, &err);
    nw_kfail_stop();
    nw_httpd_stop(httpd);
    nw_metrics_free(metrics);
    char line[256];
    nw_counters_format(&counters, line, sizeof(line));
    printf("newswire: %s\n", line);
    fflush(stdout);
    char cause[NW_SINK_FAILURE_MAX];
    int failed = nw_kfail_exit_status();
    if (failed) {
        /* The watchdog stopped the run: its cause is the error. */
        nw_kfail_cause(cause, sizeof(cause));
        fprintf(stderr, "newswire: run: %s\n", cause);
        status = failed;
    } else if (rc < 0 && nw_kfail_cause(cause, sizeof(cause))) {
        /* A failure noted earlier (say a write refused on the DLQ topic) is
         * the root cause of what ended the run (typically "invalid state"
         * from the transaction that carried it): name it first. */
        if (strstr(cause, err.msg))
            fprintf(stderr, "newswire: run: %s\n", cause);
        else
            fprintf(stderr, "newswire: run: %s (then: %s)\n", cause, err.msg);
        status = strstr(cause, "not authorized") ? NW_KFAIL_EXIT_NOPERM : NW_KFAIL_EXIT_UNAVAILABLE;
    } else if (rc < 0) {
        fprintf(stderr, "newswire: run: %s\n", err.msg);
        /* NW_ERR_RANGE: a --from position that names no input partition. */
        status = rc == NW_ERR_INVALID ? NW_EXIT_CONFIG
                 : rc == NW_ERR_RANGE ? NW_EXIT_USAGE
                                      : NW_EXIT_FAILURE;
    }
out:
    free(from);
    nw_config_free(cfg);
    nw_cli_config_clear(&cc);
    return status;
}
