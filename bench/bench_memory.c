/*
 * bench_memory: peak heap per input byte while one HTML page is parsed and
 * encoded, and while it passes the service's whole processing step.
 *
 *   bench_memory [DIR|FILE...]
 *
 * Each argument is an HTML page, or a directory of them; with none, a
 * synthetic 700 KB page (an article among inline scripts, navigation and
 * related lists, as real pages are) is used. For every page the bench
 * reports the heap's high-water mark above what was live before, divided by
 * the page's size, for three stages: the HTML reduction alone
 * (nw_html_to_text), the parser and encoder (nw_article_parse, the ninjs
 * record and its JSON text), and the processing step with every built-in
 * enricher (nw_process_batch on a batch of one).
 *
 * The heap is measured by replacing malloc, calloc, realloc and free in this
 * executable (glibc lets a program do so; its own strdup and jansson's
 * allocations then come here too) and counting malloc_usable_size(). Not
 * built under the sanitizers, which replace the allocator themselves.
 */
#include <dirent.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "encode/ninjs.h"
#include "newswire/article.h"
#include "parse/html.h"
#include "pipeline/process.h"

/* ---- the counting allocator ---- */

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static size_t nw_live, nw_peak;

static void nw_count_alloc(void *p)
{
    if (!p)
        return;
    nw_live += malloc_usable_size(p);
    if (nw_live > nw_peak)
        nw_peak = nw_live;
}

static void nw_count_free(void *p)
{
    if (!p)
        return;
    size_t n = malloc_usable_size(p);
    nw_live = n < nw_live ? nw_live - n : 0;
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    nw_count_alloc(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    nw_count_alloc(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    size_t before = old ? malloc_usable_size(old) : 0;
    void *p = __libc_realloc(old, n);
    if (p || n == 0) {
        nw_live = before < nw_live ? nw_live - before : 0;
        nw_count_alloc(p);
    }
    return p;
}

void free(void *p)
{
    nw_count_free(p);
    __libc_free(p);
}

/* Starts a measurement: the peak restarts from what is live now. */
static size_t nw_mark(void)
{
    nw_peak = nw_live;
    return nw_live;
}

/* ---- pages ---- */

typedef struct nw_page {
    char *name, *data;
    size_t len;
} nw_page_t;

static nw_page_t *nw_pages;
static size_t nw_n_pages, nw_cap_pages;

static void nw_add_page(const char *name, char *data, size_t len)
{
    if (nw_n_pages == nw_cap_pages) {
        nw_cap_pages = nw_cap_pages ? nw_cap_pages * 2 : 64;
        nw_pages = realloc(nw_pages, nw_cap_pages * sizeof(*nw_pages));
        if (!nw_pages)
            abort();
    }
    nw_pages[nw_n_pages++] = (nw_page_t){strdup(name), data, len};
}

static void nw_load_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fp)
            fclose(fp);
        return;
    }
    char *data = malloc((size_t)st.st_size + 1);
    size_t len = data ? fread(data, 1, (size_t)st.st_size, fp) : 0;
    fclose(fp);
    if (!data || len == 0) {
        free(data);
        return;
    }
    nw_add_page(path, data, len);
}

static void nw_load(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        nw_load_file(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
        nw_load_file(full);
    }
    closedir(d);
}

/* About 700 KB: 550 KB of inline script, then page furniture around a
 * twenty-paragraph article, as the pages in the issue were built. */
static void nw_synthetic_page(void)
{
    size_t cap = 800 * 1024, len = 0;
    char *s = malloc(cap);
    if (!s)
        abort();
#define PUT(str) (len += (size_t)snprintf(s + len, cap - len, "%s", (str)))
    PUT("<!DOCTYPE html><html><head><title>Storm closes ports | Daily</title>"
        "<meta property=\"article:published_time\" content=\"2024-03-05T10:00:00Z\">"
        "<script>");
    while (len < 550 * 1024)
        PUT("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}\n");
    PUT("</script></head><body><nav><ul>");
    for (int i = 0; i < 200; i++)
        PUT("<li><a href=\"/section/news\">Section</a></li>");
    PUT("</ul></nav><main><article><h1>Storm closes ports</h1><p class=byline>By Ann Lee</p>");
    for (int i = 0; i < 20; i++)
        PUT("<p>The storm, which forecasters had tracked for a week, closed three ports on "
            "Tuesday and cut power to thousands of homes along the coast, officials said.</p>");
    PUT("</article></main><div class=related><ul>");
    while (len < 700 * 1024)
        PUT("<li><a href=\"/2024/03/05/another-story\">Another story worth reading</a></li>");
    PUT("</ul></div></body></html>");
#undef PUT
    nw_add_page("synthetic-700KB.html", s, len);
}

/* ---- measurements ---- */

static double nw_ratio(size_t peak, size_t base, size_t len)
{
    return (double)(peak - base) / (double)len;
}

static double nw_measure_html(const nw_page_t *p)
{
    size_t base = nw_mark();
    char *out = NULL;
    size_t n;
    nw_error_t err = {0};
    nw_html_to_text(p->data, p->len, &out, &n, &err);
    free(out);
    return nw_ratio(nw_peak, base, p->len);
}

static double nw_measure_parse(const nw_page_t *p, bool *accepted)
{
    size_t base = nw_mark();
    nw_parse_opts_t opts = {.format = NW_FORMAT_HTML};
    nw_article_t a;
    nw_error_t err = {0};
    memset(&a, 0, sizeof(a));
    *accepted = nw_article_parse(p->data, p->len, &opts, &a, &err) == 0;
    if (*accepted) {
        char *id = nw_article_id(&a, NULL, 0);
        nw_record_meta_t meta = {.article_id = id, .version = 1, .source = {.topic = "news.raw"}};
        json_t *rec = id ? nw_ninjs_build(&a, &meta) : NULL;
        char *text = rec ? nw_ninjs_dump(rec, false) : NULL;
        free(text);
        json_decref(rec);
        free(id);
    }
    nw_article_clear(&a);
    return nw_ratio(nw_peak, base, p->len);
}

static double nw_measure_step(nw_processor_t *proc, const nw_page_t *p, int64_t offset)
{
    nw_vstore_t *store = nw_vstore_new(1);
    size_t base = nw_mark();
    nw_error_t err = {0};
    nw_item_t item = {
        .in = {.topic = "news.raw", .offset = offset, .value = p->data, .value_len = p->len},
        .store = store};
    if (nw_process_batch(proc, &item, 1, &err) == 0)
        nw_outcome_clear(&item.out);
    double r = nw_ratio(nw_peak, base, p->len);
    nw_vstore_free(store);
    return r;
}

/* The processing step on a batch of up to `max` pages at once, as the
 * service batches them: peak heap per input byte of the whole batch. */
static double nw_measure_batch(nw_processor_t *proc, size_t max, size_t *n_out)
{
    size_t n = nw_n_pages < max ? nw_n_pages : max, bytes = 0;
    nw_vstore_t *store = nw_vstore_new(n);
    nw_item_t *items = calloc(n, sizeof(*items));
    if (!store || !items)
        abort();
    size_t base = nw_mark();
    for (size_t i = 0; i < n; i++) {
        items[i] = (nw_item_t){.in = {.topic = "news.raw",
                                      .offset = (int64_t)i,
                                      .value = nw_pages[i].data,
                                      .value_len = nw_pages[i].len},
                               .store = store};
        bytes += nw_pages[i].len;
    }
    nw_error_t err = {0};
    if (nw_process_batch(proc, items, n, &err) == 0)
        for (size_t i = 0; i < n; i++)
            nw_outcome_clear(&items[i].out);
    double r = nw_ratio(nw_peak, base, bytes);
    free(items);
    nw_vstore_free(store);
    *n_out = n;
    return r;
}

static int nw_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void nw_summary(const char *label, double *r, size_t n)
{
    size_t worst = 0;
    for (size_t i = 1; i < n; i++)
        if (r[i] > r[worst])
            worst = i;
    const char *name = strrchr(nw_pages[worst].name, '/');
    name = name ? name + 1 : nw_pages[worst].name;
    qsort(r, n, sizeof(*r), nw_cmp_double);
    printf("%-32s median %5.2f  p90 %5.2f  max %5.2f  (max: %.24s, %zu bytes)\n", label, r[n / 2],
           r[(n * 9) / 10], r[n - 1], name, nw_pages[worst].len);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        nw_load(argv[i]);
    if (argc < 2)
        nw_synthetic_page();
    if (nw_n_pages == 0) {
        fprintf(stderr, "bench_memory: no pages\n");
        return 1;
    }
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    nw_processor_t *proc = NULL;
    if (!cfg || nw_config_set(cfg, "parse.format", "html", "bench", &err) < 0 ||
        nw_processor_new(cfg, &proc, &err) < 0) {
        fprintf(stderr, "bench_memory: %s\n", err.msg[0] ? err.msg : "out of memory");
        return 1;
    }
    double *html = calloc(nw_n_pages, sizeof(double));
    double *parse = calloc(nw_n_pages, sizeof(double));
    double *step = calloc(nw_n_pages, sizeof(double));
    if (!html || !parse || !step)
        return 1;
    size_t bytes = 0, accepted = 0;
    /* One warm-up round: tables built once per process (the default zone
     * table, enricher state) are not a page's cost. */
    for (size_t i = 0; i < nw_n_pages; i++) {
        bool ok;
        nw_measure_parse(&nw_pages[i], &ok);
        nw_measure_step(proc, &nw_pages[i], -1 - (int64_t)i);
    }
    for (size_t i = 0; i < nw_n_pages; i++) {
        bool ok;
        const nw_page_t *p = &nw_pages[i];
        html[i] = nw_measure_html(p);
        parse[i] = nw_measure_parse(p, &ok);
        step[i] = nw_measure_step(proc, p, (int64_t)i);
        bytes += p->len;
        accepted += ok;
        if (nw_n_pages <= 5)
            printf("%s: %zu bytes: html %.2f, parse+encode %.2f, processing step %.2f (%s)\n",
                   p->name, p->len, html[i], parse[i], step[i], ok ? "accepted" : "rejected");
    }
    printf("Peak heap per input byte, %zu pages, %.1f KB on average, %zu accepted\n", nw_n_pages,
           (double)bytes / 1024.0 / (double)nw_n_pages, accepted);
    nw_summary("HTML reduction", html, nw_n_pages);
    nw_summary("parse + encode", parse, nw_n_pages);
    nw_summary("processing step (all enrichers)", step, nw_n_pages);
    size_t in_batch;
    double batch = nw_measure_batch(proc, 500, &in_batch);
    printf("%-32s %5.2f for a batch of %zu pages\n", "processing step, one batch", batch, in_batch);
    free(html);
    free(parse);
    free(step);
    nw_processor_free(proc);
    nw_config_free(cfg);
    for (size_t i = 0; i < nw_n_pages; i++) {
        free(nw_pages[i].name);
        free(nw_pages[i].data);
    }
    free(nw_pages);
    return 0;
}
