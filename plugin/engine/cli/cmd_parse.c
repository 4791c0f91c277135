/*
 * `newswire parse`: offline and stateless. Each input (a file, or stdin) is
 * one raw message; each accepted one prints one ninjs record on a line of
 * stdout, each rejected one a line "newswire: FILE: code: reason" on stderr.
 * The exit status is 65 when any input was rejected.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "pipeline/process.h"

typedef struct parse_ctx {
    nw_processor_t *proc;
    size_t max_bytes;
    const char *key;
    const char *source;
    bool pretty;
} parse_ctx_t;

static void parse_usage(FILE *fp)
{
    fputs("Usage: newswire parse [OPTIONS] [FILE...]\n"
          "\n"
          "Parses raw article messages (plain text, JSON envelope or HTML) and prints one\n"
          "ninjs record per input on stdout. Reads stdin when no FILE is given.\n"
          "\n"
          "Options:\n"
          "  -k, --key KEY        use KEY as the message key (the article id)\n"
          "  -s, --source NAME    the source name (for zone overrides and ids)\n"
          "  -f, --format FMT     auto (default), text, json or html\n"
          "  -c, --config FILE    a properties file (see newswire run --help for keys)\n"
          "  -X KEY=VALUE         set a configuration key, e.g. -X output.format=ninjs\n"
          "      --pretty         indent the records\n"
          "  -h, --help           this help\n"
          "  -V, --version        print the version\n"
          "\n"
          "Exit status: 0 when every input gave a record, 65 when any was rejected,\n"
          "66 when a file could not be read, 64 on a usage error, 78 on a bad configuration.\n",
          fp);
}

/* Reads at most limit+1 bytes: enough to tell that an input is too large
 * without holding an unbounded file in memory. */
static int read_input(FILE *fp, size_t limit, char **out, size_t *out_len)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NW_ERR_NOMEM;
    for (;;) {
        if (len == cap) {
            if (cap > limit) /* already holds limit+1 bytes */
                break;
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                return NW_ERR_NOMEM;
            }
            buf = p;
            cap *= 2;
        }
        size_t want = cap - len;
        if (len + want > limit + 1)
            want = limit + 1 - len;
        size_t n = fread(buf + len, 1, want, fp);
        len += n;
        if (n == 0 || len > limit)
            break;
    }
    if (ferror(fp)) {
        free(buf);
        return NW_ERR_IO;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/* Returns NW_EXIT_OK, NW_EXIT_DATAERR or another exit status. */
static int parse_one(parse_ctx_t *ctx, const char *name, FILE *fp)
{
    char *data = NULL;
    size_t len = 0;
    nw_error_t err = {0};
    int status = NW_EXIT_OK;
    int rc = read_input(fp, ctx->max_bytes, &data, &len);
    if (rc < 0) {
        fprintf(stderr, "newswire: %s: %s\n", name,
                rc == NW_ERR_IO ? strerror(errno) : nw_err_name(rc));
        return NW_EXIT_IOERR;
    }
    if (len > ctx->max_bytes) {
        /* Only the first bytes were read: the file's size is not known here. */
        fprintf(stderr, "newswire: %s: too-large: more than %zu bytes\n", name, ctx->max_bytes);
        free(data);
        return NW_EXIT_DATAERR;
    }
    /* Stateless: each input meets an empty version store, so it is always
     * version 1 unless rejected. */
    nw_item_t item = {
        .in = {.partition = -1,
               .offset = -1,
               .key = ctx->key,
               .key_len = ctx->key ? strlen(ctx->key) : 0,
               .value = data,
               .value_len = len,
               .file = name,
               .source = ctx->source},
        .store = nw_vstore_new(1),
    };
    if (!item.store || nw_process_batch(ctx->proc, &item, 1, &err) < 0) {
        fprintf(stderr, "newswire: %s: %s\n", name, item.store ? err.msg : "out of memory");
        status = NW_EXIT_SOFTWARE;
    } else if (item.out.kind == NW_OUTCOME_REJECTED) {
        fprintf(stderr, "newswire: %s: %s: %s\n", name, nw_reject_name(item.out.error.reject),
                item.out.error.msg);
        status = NW_EXIT_DATAERR;
    } else if (ctx->pretty) {
        json_t *rec = json_loads(item.out.record, 0, NULL);
        char *text = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
        puts(text ? text : item.out.record);
        free(text);
        json_decref(rec);
    } else {
        fputs(item.out.record, stdout);
        fputc('\n', stdout);
    }
    nw_outcome_clear(&item.out);
    nw_vstore_free(item.store);
    free(data);
    return status;
}

/* The worst status wins: an internal error over a rejection over success. */
static int worse(int a, int b)
{
    if (a == NW_EXIT_OK)
        return b;
    if (b == NW_EXIT_OK || b == NW_EXIT_DATAERR)
        return a;
    return b;
}

int nw_cmd_parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},    {"source", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'}, {"config", required_argument, NULL, 'c'},
        {"pretty", no_argument, NULL, 'P'},       {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
    };
    parse_ctx_t ctx = {0};
    nw_cli_config_t cc = {0};
    nw_config_t *cfg = NULL;
    const char *format = NULL;
    int status = NW_EXIT_OK, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "k:s:f:c:X:hV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'k':
            ctx.key = optarg;
            break;
        case 's':
            ctx.source = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'P':
            ctx.pretty = true;
            break;
        default:
            if (nw_cli_common_option(&cc, opt, optarg, parse_usage, &status))
                goto out;
            break;
        }
    }
    if (!(cfg = nw_cli_config_build(&cc))) {
        status = NW_EXIT_CONFIG;
        goto out;
    }
    if (format) {
        nw_format_t f;
        nw_error_t ferr = {0};
        if (nw_format_from_name(format, &f) < 0) {
            fprintf(stderr, "newswire: unknown format \"%s\" (auto, text, json or html)\n", format);
            status = NW_EXIT_USAGE;
            goto out;
        }
        if (nw_config_set(cfg, "parse.format", format, "--format", &ferr) < 0) {
            fprintf(stderr, "newswire: %s\n", ferr.msg);
            status = NW_EXIT_USAGE;
            goto out;
        }
    }
    /* HTML may exceed the message limit up to the raw one (see nw_html_size_check). */
    ctx.max_bytes = (size_t)nw_config_get_int(cfg, "parse.max.message.bytes");
    if ((size_t)nw_config_get_int(cfg, "parse.max.raw.bytes") > ctx.max_bytes)
        ctx.max_bytes = (size_t)nw_config_get_int(cfg, "parse.max.raw.bytes");
    nw_error_t err = {0};
    if (nw_processor_new(cfg, &ctx.proc, &err) < 0) {
        fprintf(stderr, "newswire: %s\n", err.msg);
        status = NW_EXIT_CONFIG;
        goto out;
    }

    if (optind >= argc) {
        status = parse_one(&ctx, "-", stdin);
    }
    for (int i = optind; i < argc; i++) {
        bool is_stdin = strcmp(argv[i], "-") == 0;
        FILE *fp = is_stdin ? stdin : fopen(argv[i], "rb");
        if (!fp) {
            fprintf(stderr, "newswire: %s: %s\n", argv[i], strerror(errno));
            status = worse(status, NW_EXIT_NOINPUT);
            continue;
        }
        status = worse(status, parse_one(&ctx, argv[i], fp));
        if (!is_stdin)
            fclose(fp);
    }
    if (fflush(stdout) != 0)
        status = worse(status, NW_EXIT_IOERR);
out:
    nw_processor_free(ctx.proc);
    nw_config_free(cfg);
    nw_cli_config_clear(&cc);
    return status;
}
