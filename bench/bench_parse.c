/*
 * bench_parse: throughput of the stateless half of the pipeline, the work
 * every input message costs before dedupe and Kafka: decode and parse, the
 * article id, building the ninjs record and serialising it.
 *
 *   bench_parse [--threads N] [--partitions P] DIR [PASSES]
 *
 * DIR is a corpus from bench/gen_corpus.py (its msg/ subdirectory is used
 * when present) or any directory of raw messages, one per file. Every file
 * is loaded into memory first, so the figures measure the CPU cost and not
 * the disk. Each pass runs over all messages; the best of PASSES (default 3)
 * is reported, the usual way to filter out scheduler and frequency noise.
 * A second measurement runs the parser alone, to show how the cost splits
 * between parsing and encoding.
 *
 * --threads N (processing.threads, default 1) and --partitions P (default 1)
 * time the processing step spread over P version stores, as P input
 * partitions would be: each article goes to the partition its id in the
 * corpus's manifest hashes to (all its versions together, as keyed input
 * would), and a batch's partitions are processed on N threads.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "config/config.h"
#include "core/clock.h"
#include "encode/ninjs.h"
#include "pipeline/process.h"
#include "newswire/article.h"

typedef struct nw_bench_msg {
    char *name;
    char *data;
    size_t len;
    int32_t partition; /* with --partitions */
} nw_bench_msg_t;

typedef struct nw_bench_corpus {
    nw_bench_msg_t *msgs;
    size_t n, cap;
    size_t bytes;
} nw_bench_corpus_t;

/* --threads and --partitions. */
typedef struct nw_bench_spread {
    const char *threads; /* processing.threads */
    int32_t partitions;
} nw_bench_spread_t;

typedef struct nw_bench_result {
    double seconds;
    double user_s; /* user CPU time of the process's threads over the pass */
    size_t accepted;
    size_t rejected;
    size_t failed; /* errors other than a rejection: should stay 0 */
    size_t out_bytes;
    size_t by_reject[NW_REJECT__COUNT];
} nw_bench_result_t;

/* User CPU seconds of every thread so far: the measure of cost per
 * core, which neither page faults (system time) nor waiting for a CPU on a
 * busy machine inflate, as they do wall time. */
static double nw_bench_user_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
}

static int nw_bench_cmp_name(const void *a, const void *b)
{
    return strcmp(((const nw_bench_msg_t *)a)->name, ((const nw_bench_msg_t *)b)->name);
}

static int nw_bench_read_file(const char *path, char **out, size_t *out_len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, fp);
        len += n;
        if (n == 0)
            break;
    }
    bool bad = !buf || ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/* Loads every regular file of dir, in name order so runs are comparable. */
static int nw_bench_load(const char *dir, nw_bench_corpus_t *c)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_parse: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 1024;
            nw_bench_msg_t *m = realloc(c->msgs, cap * sizeof(*m));
            if (!m)
                goto oom;
            c->msgs = m;
            c->cap = cap;
        }
        nw_bench_msg_t *m = &c->msgs[c->n];
        if (nw_bench_read_file(path, &m->data, &m->len) != 0) {
            fprintf(stderr, "bench_parse: %s: %s\n", path, strerror(errno));
            closedir(d);
            return -1;
        }
        if (!(m->name = strdup(e->d_name))) {
            free(m->data);
            goto oom;
        }
        c->n++;
        c->bytes += m->len;
    }
    closedir(d);
    qsort(c->msgs, c->n, sizeof(*c->msgs), nw_bench_cmp_name);
    return 0;
oom:
    closedir(d);
    fprintf(stderr, "bench_parse: out of memory\n");
    return -1;
}

/* Spreads the messages over p partitions by the article each one is a
 * version of (manifest.json next to msg/; without one, round robin). */
static void nw_bench_spread(nw_bench_corpus_t *c, const char *root, int32_t p)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/manifest.json", root);
    json_t *man = p > 1 ? json_load_file(path, 0, NULL) : NULL;
    json_t *list = json_object_get(man, "messages");
    for (size_t i = 0; i < c->n; i++) {
        /* The file name is the message's offset: its place in the manifest. */
        size_t at = (size_t)strtoul(c->msgs[i].name, NULL, 10);
        const char *article =
            json_string_value(json_object_get(json_array_get(list, at), "article"));
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (const char *q = article; q && *q; q++)
            h = (h ^ (unsigned char)*q) * 1099511628211ull;
        c->msgs[i].partition = (int32_t)((article ? h : i) % (uint64_t)(p > 1 ? p : 1));
    }
    if (p > 1 && !list)
        fprintf(stderr, "bench_parse: no %s: messages spread round robin\n", path);
    json_decref(man);
}

static void nw_bench_free(nw_bench_corpus_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->msgs[i].name);
        free(c->msgs[i].data);
    }
    free(c->msgs);
}

/* One pass over the corpus. full: the record too; otherwise the parser only. */
static void nw_bench_pass(const nw_bench_corpus_t *c, bool full, nw_bench_result_t *r)
{
    memset(r, 0, sizeof(*r));
    nw_parse_opts_t opts = {.format = NW_FORMAT_AUTO};
    double u0 = nw_bench_user_s();
    double t0 = nw_now_s();
    for (size_t i = 0; i < c->n; i++) {
        const nw_bench_msg_t *m = &c->msgs[i];
        nw_article_t a;
        nw_error_t err;
        memset(&a, 0, sizeof(a));
        err.reject = NW_REJECT_NONE;
        int rc = nw_article_parse(m->data, m->len, &opts, &a, &err);
        if (rc == NW_ERR_REJECTED) {
            r->rejected++;
            if (err.reject < NW_REJECT__COUNT)
                r->by_reject[err.reject]++;
            continue;
        }
        if (rc < 0) {
            r->failed++;
            continue;
        }
        r->accepted++;
        if (full) {
            char *id = nw_article_id(&a, NULL, 0);
            nw_record_meta_t meta = {
                .article_id = id,
                .version = 1,
                .source = {.topic = "news.raw", .partition = 0, .offset = (int64_t)i},
            };
            json_t *rec = id ? nw_ninjs_build(&a, &meta) : NULL;
            char *text = rec ? nw_ninjs_dump(rec, false) : NULL;
            if (text)
                r->out_bytes += strlen(text);
            else
                r->failed++;
            free(text);
            json_decref(rec);
            free(id);
        }
        nw_article_clear(&a);
    }
    r->seconds = nw_now_s() - t0;
    r->user_s = nw_bench_user_s() - u0;
}

/* The pipeline's processing step as the service runs it: batches of 500
 * through dedupe, the enricher chain and encoding, into one version store
 * per partition. disabled: enrichers.disabled (NULL: every built-in on). */
static int nw_bench_pipeline(const nw_bench_corpus_t *c, const char *disabled,
                             const nw_bench_spread_t *sp, nw_bench_result_t *r)
{
    enum { BATCH = 500 };
    nw_error_t err = {0};
    nw_processor_t *proc = NULL;
    nw_config_t *cfg = nw_config_new();
    nw_vstore_t **stores = calloc((size_t)sp->partitions, sizeof(*stores));
    int64_t *offsets = calloc((size_t)sp->partitions, sizeof(*offsets));
    nw_item_t *items = calloc(BATCH, sizeof(*items));
    int rc = -1;
    memset(r, 0, sizeof(*r));
    for (int32_t p = 0; stores && p < sp->partitions; p++)
        if (!(stores[p] = nw_vstore_new(c->n / (size_t)sp->partitions)))
            goto out;
    if (!cfg || !stores || !offsets || !items ||
        (disabled && nw_config_set(cfg, "enrichers.disabled", disabled, "bench", &err) < 0) ||
        nw_config_set(cfg, "processing.threads", sp->threads, "--threads", &err) < 0 ||
        nw_processor_new(cfg, &proc, &err) < 0) {
        fprintf(stderr, "bench_parse: pipeline: %s\n", err.msg[0] ? err.msg : "out of memory");
        goto out;
    }
    double u0 = nw_bench_user_s();
    double t0 = nw_now_s();
    for (size_t i = 0; i < c->n; i += BATCH) {
        size_t n = c->n - i < BATCH ? c->n - i : BATCH;
        for (size_t k = 0; k < n; k++) {
            const nw_bench_msg_t *m = &c->msgs[i + k];
            memset(&items[k], 0, sizeof(items[k]));
            items[k].in = (nw_input_t){.topic = "news.raw",
                                       .partition = m->partition,
                                       .offset = offsets[m->partition]++,
                                       .value = m->data,
                                       .value_len = m->len};
            items[k].store = stores[m->partition];
        }
        if (nw_process_batch(proc, items, n, &err) < 0) {
            fprintf(stderr, "bench_parse: pipeline: %s\n", err.msg);
            goto out;
        }
        for (size_t k = 0; k < n; k++) {
            if (items[k].out.kind == NW_OUTCOME_REJECTED)
                r->rejected++;
            else
                r->accepted++;
            r->out_bytes += items[k].out.record_len;
            nw_outcome_clear(&items[k].out);
        }
    }
    r->seconds = nw_now_s() - t0;
    r->user_s = nw_bench_user_s() - u0;
    rc = 0;
out:
    free(items);
    for (int32_t p = 0; stores && p < sp->partitions; p++)
        nw_vstore_free(stores[p]);
    free(stores);
    free(offsets);
    nw_processor_free(proc);
    nw_config_free(cfg);
    return rc;
}

/* Keeps the best (least) wall time and, independently, the least user CPU
 * time of the passes so far; the counts are every pass's own. */
static void nw_bench_keep(nw_bench_result_t *best, const nw_bench_result_t *r, bool first)
{
    double user = first || r->user_s < best->user_s ? r->user_s : best->user_s;
    if (first || r->seconds < best->seconds)
        *best = *r;
    best->user_s = user;
}

static void nw_bench_report(const char *label, const nw_bench_corpus_t *c,
                            const nw_bench_result_t *r, unsigned passes)
{
    double n = (double)c->n;
    printf("%-11s best of %u: %.3f s  %.0f articles/s  %.1f MB/s  %.0f ns/article\n", label, passes,
           r->seconds, n / r->seconds, (double)c->bytes / 1e6 / r->seconds, r->seconds * 1e9 / n);
    /* getrusage counts in microseconds; a pass far shorter than that
     * scheduler tick's resolution would print noise. */
    if (r->user_s > 0)
        printf("%-11s user CPU: %.3f s  %.0f articles per CPU-second\n", "", r->user_s,
               n / r->user_s);
}

int main(int argc, char **argv)
{
    /* --enriched, --plain, --full: only the enriched step, the step without
     * enrichers, or parse + id + record + dump, once per pass, for an
     * instruction count (callgrind) of that work alone. --with NAME: the
     * step with that one built-in enricher on, to price each one (the
     * difference from --plain is its cost). */
    const char *only = NULL, *with = NULL;
    nw_bench_spread_t sp = {"1", 1};
    bool bad = false;
    while (argc > 1 && strncmp(argv[1], "--", 2) == 0 && !bad) {
        if (strcmp(argv[1], "--enriched") == 0 || strcmp(argv[1], "--plain") == 0 ||
            strcmp(argv[1], "--full") == 0) {
            only = argv[1] + 2;
        } else if (strcmp(argv[1], "--with") == 0 && argc > 2) {
            only = "with";
            with = argv[2];
            argv++;
            argc--;
        } else if ((strcmp(argv[1], "--threads") == 0 || strcmp(argv[1], "--partitions") == 0) &&
                   argc > 2) {
            char *end;
            long v = strtol(argv[2], &end, 10);
            bool threads = argv[1][2] == 't';
            bad = *end || v < (threads ? 0 : 1) || v > (threads ? 256 : 1024);
            if (threads)
                sp.threads = argv[2];
            else
                sp.partitions = (int32_t)v;
            argv++;
            argc--;
        } else {
            break;
        }
        argv++;
        argc--;
    }
    if (bad || argc < 2 || argc > 3 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0) {
        fprintf(stderr,
                "Usage: bench_parse [--enriched|--plain|--full|--with ENRICHER] [--threads N] "
                "[--partitions P] DIR [PASSES]\n"
                "Times parse + id + ninjs build + dump over every file of DIR\n"
                "(or DIR/msg/), best of PASSES (default 3); the processing step on N threads\n"
                "(0..256, default 1) over P partitions (1..1024, default 1). See "
                "bench/README.md.\n");
        return argc == 2 && !bad ? 0 : 64;
    }
    unsigned passes = 3;
    if (argc == 3) {
        char *end;
        long v = strtol(argv[2], &end, 10);
        if (*end || v < 1 || v > 1000) {
            fprintf(stderr, "bench_parse: PASSES must be 1..1000, got '%s'\n", argv[2]);
            return 64;
        }
        passes = (unsigned)v;
    }

    char dir[4096];
    struct stat st;
    int n = snprintf(dir, sizeof(dir), "%s/msg", argv[1]);
    if (n < 0 || (size_t)n >= sizeof(dir) || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        n = snprintf(dir, sizeof(dir), "%s", argv[1]);
    if (n < 0 || (size_t)n >= sizeof(dir)) {
        fprintf(stderr, "bench_parse: path too long\n");
        return 64;
    }

    nw_bench_corpus_t c;
    memset(&c, 0, sizeof(c));
    if (nw_bench_load(dir, &c) != 0) {
        nw_bench_free(&c);
        return 66;
    }
    if (c.n == 0) {
        fprintf(stderr, "bench_parse: no files in %s\n", dir);
        nw_bench_free(&c);
        return 66;
    }
    nw_bench_spread(&c, argv[1], sp.partitions);

    static const char *const builtins[] = {"lang",     "dates", "entities",
                                           "subjects", "stats", "neardup"};
    /* off: every built-in disabled; others: every one but --with's. */
    char off[128] = "", others[128] = "";
    bool known = false;
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        size_t len = strlen(off);
        snprintf(off + len, sizeof(off) - len, "%s%s", len ? "," : "", builtins[i]);
        if (with && strcmp(builtins[i], with) == 0) {
            known = true;
            continue;
        }
        len = strlen(others);
        snprintf(others + len, sizeof(others) - len, "%s%s", len ? "," : "", builtins[i]);
    }
    if (with) {
        if (!known) {
            fprintf(stderr, "bench_parse: --with: no built-in enricher '%s' (%s)\n", with, off);
            nw_bench_free(&c);
            return 64;
        }
    }
    if (only) {
        nw_bench_result_t best, r;
        const char *disabled = strcmp(only, "plain") == 0 ? off : with ? others : NULL;
        for (unsigned p = 0; p < passes; p++) {
            if (strcmp(only, "full") == 0)
                nw_bench_pass(&c, true, &r);
            else if (nw_bench_pipeline(&c, disabled, &sp, &r) < 0)
                return 70;
            nw_bench_keep(&best, &r, p == 0);
        }
        char label[32];
        snprintf(label, sizeof(label), "%s%s:", with ? "with " : only, with ? with : "");
        printf("corpus:     %s (%zu messages)\n", dir, c.n);
        if (strcmp(only, "full") != 0)
            printf("threads:    %s, partitions %d\n", sp.threads, (int)sp.partitions);
        nw_bench_report(label, &c, &best, passes);
        nw_bench_free(&c);
        return 0;
    }

    /* A warm-up pass settles the allocator and the caches, and the zone
     * table's one-time construction is not timed. */
    nw_bench_result_t best_full, best_parse, r;
    nw_bench_pass(&c, true, &best_full);
    for (unsigned p = 0; p < passes; p++) {
        nw_bench_pass(&c, true, &r);
        nw_bench_keep(&best_full, &r, p == 0);
    }
    for (unsigned p = 0; p < passes; p++) {
        nw_bench_pass(&c, false, &r);
        nw_bench_keep(&best_parse, &r, p == 0);
    }

    /* The service's step, with every built-in enricher and with none. */
    nw_bench_result_t best_enriched, best_plain;
    for (unsigned p = 0; p < passes; p++) {
        if (nw_bench_pipeline(&c, NULL, &sp, &r) < 0)
            return 70;
        nw_bench_keep(&best_enriched, &r, p == 0);
        if (nw_bench_pipeline(&c, off, &sp, &r) < 0)
            return 70;
        nw_bench_keep(&best_plain, &r, p == 0);
    }

    printf("corpus:     %s\n", dir);
    printf("messages:   %zu (%.2f MB, mean %.0f bytes)\n", c.n, (double)c.bytes / 1e6,
           (double)c.bytes / (double)c.n);
    printf("accepted:   %zu\n", best_full.accepted);
    printf("rejected:   %zu", best_full.rejected);
    const char *sep = " (";
    for (int k = 1; k < NW_REJECT__COUNT; k++) {
        if (best_full.by_reject[k]) {
            printf("%s%s %zu", sep, nw_reject_name((nw_reject_t)k), best_full.by_reject[k]);
            sep = ", ";
        }
    }
    printf("%s\n", sep[0] == ',' ? ")" : "");
    if (best_full.failed)
        printf("errors:     %zu (not rejections: allocation or encoding failures)\n",
               best_full.failed);
    printf("records:    %.2f MB of ninjs JSON\n", (double)best_full.out_bytes / 1e6);
    nw_bench_report("full:", &c, &best_full, passes);
    nw_bench_report("parse only:", &c, &best_parse, passes);
    printf("pipeline (parse, dedupe, encode; batches of 500; threads %s, partitions %d):\n",
           sp.threads, (int)sp.partitions);
    nw_bench_report("  no enrich:", &c, &best_plain, passes);
    nw_bench_report("  enriched:", &c, &best_enriched, passes);
    printf("enrichment costs %.2fx the time of the step without it\n",
           best_enriched.seconds / best_plain.seconds);
    nw_bench_free(&c);
    return best_full.failed ? 1 : 0;
}
