/*
 * `newswire parse`: offline and stateless. Each input (a file, or stdin) is
 * one raw message; each accepted one prints one ninjs record on a line of
 * stdout, each rejected one a line "newswire: FILE: code: reason" on stderr.
 * The exit status is 65 when any input was rejected.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "encode/ninjs.h"
#include "parse/zoneset.h"

typedef struct parse_ctx {
    nw_parse_opts_t opts;
    const char *key;
    bool plain_ninjs;
    bool pretty;
    nw_zoneset_t *zones;
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
    nw_article_t a = {0};
    int status = NW_EXIT_OK;
    int rc = read_input(fp, ctx->opts.max_bytes, &data, &len);
    if (rc < 0) {
        fprintf(stderr, "newswire: %s: %s\n", name,
                rc == NW_ERR_IO ? strerror(errno) : nw_err_name(rc));
        return NW_EXIT_IOERR;
    }
    rc = nw_article_parse(data, len, &ctx->opts, &a, &err);
    if (rc == NW_ERR_REJECTED) {
        fprintf(stderr, "newswire: %s: %s: %s\n", name, nw_reject_name(err.reject), err.msg);
        status = NW_EXIT_DATAERR;
        goto out;
    }
    if (rc < 0) {
        fprintf(stderr, "newswire: %s: %s\n", name, err.msg);
        status = NW_EXIT_SOFTWARE;
        goto out;
    }
    const char *key = ctx->key;
    char *id = nw_article_id(&a, key, key ? strlen(key) : 0);
    nw_record_meta_t meta = {
        .article_id = id,
        .version = 1,
        .source = {.file = name, .partition = -1, .offset = -1},
        .plain_ninjs = ctx->plain_ninjs,
    };
    json_t *rec = id ? nw_ninjs_build(&a, &meta) : NULL;
    char *text = rec ? nw_ninjs_dump(rec, ctx->pretty) : NULL;
    if (text) {
        fputs(text, stdout);
        fputc('\n', stdout);
    } else {
        fprintf(stderr, "newswire: %s: out of memory\n", name);
        status = NW_EXIT_SOFTWARE;
    }
    free(text);
    json_decref(rec);
    free(id);
out:
    nw_article_clear(&a);
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
            ctx.opts.source = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'c':
            cc.file = optarg;
            break;
        case 'X':
            if (nw_cli_config_add_x(&cc, optarg) < 0) {
                status = NW_EXIT_SOFTWARE;
                goto out;
            }
            break;
        case 'P':
            ctx.pretty = true;
            break;
        case 'h':
            parse_usage(stdout);
            goto out;
        case 'V':
            nw_cli_print_version();
            goto out;
        default:
            parse_usage(stderr);
            status = NW_EXIT_USAGE;
            goto out;
        }
    }
    if (!(cfg = nw_cli_config_build(&cc))) {
        status = NW_EXIT_CONFIG;
        goto out;
    }
    if (!format)
        format = nw_config_get(cfg, "parse.format");
    if (nw_format_from_name(format, &ctx.opts.format) < 0) {
        fprintf(stderr, "newswire: unknown format \"%s\" (auto, text, json or html)\n", format);
        status = NW_EXIT_USAGE;
        goto out;
    }
    ctx.opts.max_bytes = (size_t)nw_config_get_int(cfg, "parse.max.message.bytes");
    ctx.plain_ninjs = strcmp(nw_config_get(cfg, "output.format"), "ninjs") == 0;
    nw_error_t err = {0};
    if (nw_zoneset_new(cfg, &ctx.zones, &err) < 0) {
        fprintf(stderr, "newswire: %s\n", err.msg);
        status = NW_EXIT_CONFIG;
        goto out;
    }
    ctx.opts.zones = nw_zoneset_for;
    ctx.opts.zones_opaque = ctx.zones;

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
    nw_zoneset_free(ctx.zones);
    nw_config_free(cfg);
    nw_cli_config_clear(&cc);
    return status;
}
