/*
 * `newswire replay`: reprocesses a range of the input into output topics of
 * the user's choice, beside the live service and without disturbing it (see
 * replay/replay.h). Every problem with the range is reported before
 * anything is produced, with exit status 64.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "replay/replay.h"

static void replay_usage(FILE *fp)
{
    fputs(
        "Usage: newswire replay [OPTIONS] --from POSITION [--from POSITION]... [--to POSITION]...\n"
        "\n"
        "Reprocesses a range of the input through the pipeline into output topics, beside the\n"
        "live service and without disturbing it: its own consumer joins no consumer group and\n"
        "commits nothing, and the state topic is only ever read.\n"
        "\n"
        "Positions:\n"
        "  TOPIC:PARTITION:OFFSET  one partition; repeat --from for more partitions\n"
        "  @TIME                   every partition of input.topics, found by message\n"
        "                          timestamp; ISO 8601 with a zone: @2021-12-30T00:00:00Z,\n"
        "                          @2021-12-30T05:30:00+05:30, @2021-12-30T00:00:00.250Z\n"
        "\n"
        "Options:\n"
        "  -c, --config FILE       a Java-style properties file\n"
        "  -b, --brokers LIST      bootstrap servers (same as -X kafka.bootstrap.servers=LIST)\n"
        "  -X KEY=VALUE            set a configuration key (repeatable; wins over -c and env)\n"
        "      --from POSITION     where the range starts, included (required)\n"
        "      --to POSITION       where it ends, excluded: --to T:P:O stops before offset O,\n"
        "                          --to @TIME before the first message at or after TIME;\n"
        "                          default: each partition's end when the replay starts\n"
        "      --state fresh|live  fresh (the default): empty version stores, so every\n"
        "                          version in the range is emitted again, numbered within\n"
        "                          the range; a replay after an enricher or gazetteer\n"
        "                          improvement must re-emit what the service already did.\n"
        "                          live: read the live state topic (state.topic) first, so\n"
        "                          nothing the service already emitted comes out again\n"
        "      --output-topic T    records go to T (default: output.topic)\n"
        "      --dlq-topic T       rejected input goes to T (default: dlq.topic)\n"
        "      --progress MODE     auto (a bar on a terminal, else a line every 2 s),\n"
        "                          bar, lines or none; progress goes to stderr\n"
        "  -h, --help              this help\n"
        "\n"
        "Each record carries newswire.replay = {\"state\": \"fresh\"|\"live\"}; keys, headers\n"
        "and dead letters are the live service's. Two replays of one range with --state\n"
        "fresh give byte-identical keys and values.\n"
        "\n"
        "On exit prints: newswire: replay in=N emitted=N duplicate=N stale=N rejected=N\n"
        "Exit status: 0 done, 1 runtime failure or interrupted, 64 bad command line or range\n"
        "(nothing is produced), 78 bad configuration.\n",
        fp);
}

enum { OPT_FROM = 256, OPT_TO, OPT_STATE, OPT_OUTPUT, OPT_DLQ, OPT_PROGRESS };

/* Parses one --from or --to into specs[*n]; false after printing why. */
static bool add_spec(const char *opt, const char *text, nw_kpos_t *specs, size_t *n)
{
    nw_error_t err = {0};
    if (nw_kpos_parse(text, &specs[*n], &err) < 0) {
        fprintf(stderr, "newswire: replay: %s %s\n", opt, err.msg);
        return false;
    }
    (*n)++;
    return true;
}

int nw_cmd_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"brokers", required_argument, NULL, 'b'},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"state", required_argument, NULL, OPT_STATE},
        {"output-topic", required_argument, NULL, OPT_OUTPUT},
        {"dlq-topic", required_argument, NULL, OPT_DLQ},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    nw_cli_config_t cc = {0};
    nw_config_t *cfg = NULL;
    nw_replay_opts_t opts = {0};
    /* At most one position per argument. */
    nw_kpos_t *from = calloc((size_t)argc + 1, sizeof(*from));
    nw_kpos_t *to = calloc((size_t)argc + 1, sizeof(*to));
    int status = NW_EXIT_OK, opt;
    if (!from || !to) {
        fprintf(stderr, "newswire: replay: out of memory\n");
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:b:X:hV", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_FROM:
            if (!add_spec("--from", optarg, from, &opts.n_from))
                status = NW_EXIT_USAGE;
            break;
        case OPT_TO:
            if (!add_spec("--to", optarg, to, &opts.n_to))
                status = NW_EXIT_USAGE;
            break;
        case OPT_STATE:
            if (strcmp(optarg, "fresh") == 0) {
                opts.state = NW_REPLAY_STATE_FRESH;
            } else if (strcmp(optarg, "live") == 0) {
                opts.state = NW_REPLAY_STATE_LIVE;
            } else {
                fprintf(stderr, "newswire: replay: --state \"%s\": expected fresh or live\n",
                        optarg);
                status = NW_EXIT_USAGE;
            }
            break;
        case OPT_OUTPUT:
            opts.output_topic = optarg;
            break;
        case OPT_DLQ:
            opts.dlq_topic = optarg;
            break;
        case OPT_PROGRESS:
            if (nw_progress_mode_parse(optarg, &opts.progress) < 0) {
                fprintf(stderr,
                        "newswire: replay: --progress \"%s\": expected auto, bar, lines or none\n",
                        optarg);
                status = NW_EXIT_USAGE;
            }
            break;
        default:
            if (nw_cli_common_option(&cc, opt, optarg, replay_usage, &status))
                goto out;
            break;
        }
        if (status != NW_EXIT_OK)
            goto out;
    }
    if (nw_cli_unexpected_operand("replay", argc, argv)) {
        status = NW_EXIT_USAGE;
        goto out;
    }
    if ((opts.output_topic && !opts.output_topic[0]) || (opts.dlq_topic && !opts.dlq_topic[0])) {
        fprintf(stderr, "newswire: replay: --output-topic and --dlq-topic need a topic name\n");
        status = NW_EXIT_USAGE;
        goto out;
    }
    nw_error_t err = {0};
    /* The range's own checks first: they need neither configuration nor
     * cluster, and a mistyped range should say so before anything else. */
    opts.from = from;
    opts.to = to;
    if (nw_replay_specs_check(from, opts.n_from, to, opts.n_to, &err) < 0) {
        fprintf(stderr, "newswire: replay: %s\n", err.msg);
        status = NW_EXIT_USAGE;
        goto out;
    }
    if (!(cfg = nw_cli_config_build(&cc))) {
        status = NW_EXIT_CONFIG;
        goto out;
    }
    nw_cli_log_setup(cfg);
    opts.stop = nw_cli_stop_on_signals();

    nw_counters_t counters;
    int rc = nw_replay_run(cfg, &opts, &counters, &err);
    if (rc == NW_ERR_RANGE || rc == NW_ERR_INVALID) {
        fprintf(stderr, "newswire: replay: %s\n", err.msg);
        status = rc == NW_ERR_RANGE ? NW_EXIT_USAGE : NW_EXIT_CONFIG;
        goto out;
    }
    char line[256];
    nw_counters_format(&counters, line, sizeof(line));
    printf("newswire: replay %s\n", line);
    fflush(stdout);
    if (rc < 0) {
        fprintf(stderr, "newswire: replay: %s\n", err.msg);
        status = NW_EXIT_FAILURE;
    }
out:
    nw_config_free(cfg);
    nw_cli_config_clear(&cc);
    free(from);
    free(to);
    return status;
}
