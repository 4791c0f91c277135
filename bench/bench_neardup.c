/*
 * bench_neardup: cost of near-duplicate detection per message, for the
 * shapes wire copy takes.
 *
 * Usage: bench_neardup [N]   (N messages per run, default 20,000)
 *
 * Each message is a ~300-word article, parsed, turned into its ninjs record
 * and enriched by the "neardup" enricher alone through the enrichment host,
 * as the pipeline does, N messages of one partition with distinct ids:
 *   distinct     every message its own text (unrelated stories)
 *   syndicated   one text for all (one wire story under N ids)
 *   near copies  the story's simhash with one or two bits flipped per copy
 *                (edited copies: thousands of simhashes sharing bands)
 * and prints seconds, microseconds per message and the comparisons made,
 * then the enricher's own share (the same runs without parsing).
 * Exits 1 when syndicated copies take more than twice the time of distinct
 * ones, the bound issue 11 sets (quadratic before: 215 s for 20,000).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/clock.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"
#include "enrich/enrich.h"
#include "parse/parse.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

enum shape { DISTINCT, SYNDICATED, NEAR };

static const char *const words[] = {
    "minister", "council", "market",  "shares",   "election",  "storm",    "river",  "bank",
    "court",    "report",  "police",  "budget",   "school",    "hospital", "energy", "prices",
    "talks",    "union",   "strike",  "harbour",  "airport",   "league",   "season", "coach",
    "village",  "mayor",   "vote",    "economy",  "growth",    "exports",  "farm",   "drought",
    "festival", "museum",  "railway", "bridge",   "contract",  "inquiry",  "judge",  "witness",
    "company",  "profit",  "losses",  "investor", "ceasefire", "border",   "aid",    "summit",
};

/* A ~300-word article; the same seed gives the same text. */
static void article(char *buf, size_t len, uint64_t seed)
{
    size_t used = (size_t)snprintf(buf, len, "Published 2026-01-05T10:00:00Z\n\nStory %llu\n\n",
                                   (unsigned long long)seed);
    for (int w = 0; w < 300 && used + 16 < len; w++) {
        const char *word = words[splitmix(&seed) % (sizeof(words) / sizeof(*words))];
        used +=
            (size_t)snprintf(buf + used, len - used, "%s%s", word, w % 15 == 14 ? ".\n\n" : " ");
    }
}

/* Runs n messages of one shape through a fresh host; returns seconds. */
static double run(enum shape shape, bool parse, long n, uint64_t *comparisons)
{
    nw_config_t *cfg = nw_config_new();
    nw_error_t err = {0};
    nw_enrichers_t *e = NULL;
    if (!cfg ||
        nw_config_set(cfg, "enrichers.disabled", "lang,dates,entities,subjects,stats", "bench",
                      &err) != 0 ||
        nw_enrichers_new(cfg, &e, &err) != 0) {
        fprintf(stderr, "bench_neardup: %s\n", err.msg);
        exit(70);
    }
    const uint64_t story = 0x5bd1e9955bd1e995ULL;
    uint64_t seed = 42, before = nw_neardup_compared();
    char id[48];
    static char text[4096];
    double t0 = nw_now_s();
    for (long i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "https://example.com/news/%ld", i);
        uint64_t h = story;
        if (shape == DISTINCT)
            h = splitmix(&seed);
        else if (shape == NEAR)
            h ^= (1ULL << (splitmix(&seed) % 64)) | (1ULL << (splitmix(&seed) % 64));
        nw_enrich_input_t in = {.size = sizeof(in),
                                .article_id = id,
                                .headline = "Story",
                                .body = "Body.",
                                .published = INT64_MIN,
                                .source_topic = "news.raw",
                                .partition = 0,
                                .content_hash = "sha256:0",
                                .simhash = h,
                                .offset = i};
        json_t *rec = NULL;
        nw_article_t a;
        char *body = NULL;
        if (parse) {
            article(text, sizeof(text), shape == DISTINCT ? (uint64_t)i + 1 : 0);
            if (nw_article_parse(text, strlen(text), NULL, &a, &err) != 0) {
                fprintf(stderr, "bench_neardup: %s\n", err.msg);
                exit(70);
            }
            body = nw_article_body(&a);
            in.headline = a.headline;
            in.body = body;
            if (shape != NEAR)
                in.simhash = nw_article_simhash(&a);
            nw_record_meta_t meta = {.article_id = id,
                                     .version = 1,
                                     .source = {.topic = "news.raw", .partition = 0, .offset = i}};
            rec = nw_ninjs_build(&a, &meta);
        } else {
            rec = json_pack("{s:s, s:{}}", "uri", id, "newswire");
        }
        const nw_enrich_input_t *inp[1] = {&in};
        bool failed = false;
        char reasons[1][NW_ERROR_MSG_MAX];
        nw_enrichers_run(e, &rec, inp, 1, &failed, reasons);
        json_decref(rec);
        if (parse) {
            free(body);
            nw_article_clear(&a);
        }
    }
    double t = nw_now_s() - t0;
    *comparisons = nw_neardup_compared() - before;
    nw_enrichers_free(e);
    nw_config_free(cfg);
    return t;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_neardup [N]\n");
        return 64;
    }
    static const char *const names[] = {"distinct", "syndicated", "near copies"};
    double t[2][3];
    for (int p = 1; p >= 0; p--) {
        printf(p ? "parse, record and neardup, %ld messages of one partition\n"
                 : "neardup alone (no parsing), %ld messages\n",
               n);
        for (int s = DISTINCT; s <= NEAR; s++) {
            uint64_t c = 0;
            t[p][s] = run((enum shape)s, p, n, &c);
            printf("  %-12s %8.3f s  %8.2f us/message  %7.2f comparisons/message\n", names[s],
                   t[p][s], t[p][s] * 1e6 / (double)n, (double)c / (double)n);
        }
    }
    double ratio = t[1][SYNDICATED] / t[1][DISTINCT];
    printf("  syndicated / distinct: %.2fx (bound 2x)\n", ratio);
    return ratio <= 2.0 ? 0 : 1;
}
