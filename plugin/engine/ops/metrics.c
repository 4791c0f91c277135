/*
 * The metrics registry and its Prometheus text exposition (see metrics.h).
 *
 * Labelled series live in small arrays kept sorted by their labels, so an
 * update is a binary search and a scrape prints them in a stable order
 * without sorting. librdkafka's statistics are reduced to samples when they
 * arrive (rdstats.c), outside the lock, and swapped in whole: a scrape never
 * sees half of one statistics document.
 */
#include "ops/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "core/buf.h"
#include "newswire/version.h"

/* Every labelled series starts with this header: the label it is sorted by
 * (topic, enricher, endpoint, role) and a number that breaks ties (the
 * partition; 0 elsewhere). */
typedef struct entry {
    char *name;
    int32_t num;
} entry_t;

typedef struct part {
    entry_t e;
    int64_t position, high;
} part_t;

typedef struct produced {
    entry_t e;
    uint64_t n;
} produced_t;

typedef struct hist {
    entry_t e;
    uint64_t bucket[NW_METRICS_LATENCY_NBUCKETS]; /* per bucket, not cumulative */
    uint64_t count;                               /* including those above the last bound */
    double sum;
} hist_t;

typedef struct breaker {
    entry_t e;
    nw_breaker_state_t state;
} breaker_t;

typedef struct role {
    entry_t e;
    nw_rdstats_t *stats;
} role_t;

/* A sorted array of pointers to entries. */
typedef struct table {
    entry_t **items;
    size_t n, cap;
} table_t;

struct nw_metrics {
    pthread_mutex_t lock;
    nw_counters_t totals;
    bool ready;
    char failure[NW_SINK_FAILURE_MAX]; /* empty while healthy */
    table_t parts, produced, hists, breakers, roles;
    nw_sink_t sink; /* this registry as the layers below report to it */
};

static const double latency_bounds[NW_METRICS_LATENCY_NBUCKETS] = {NW_METRICS_LATENCY_BUCKETS};

static int entry_cmp(const entry_t *e, const char *name, int32_t num)
{
    int c = strcmp(e->name, name);
    if (c)
        return c;
    return e->num < num ? -1 : e->num > num;
}

/* Binary search: the entry or NULL, and in *pos where it is or would go. */
static entry_t *table_find(const table_t *t, const char *name, int32_t num, size_t *pos)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = entry_cmp(t->items[mid], name, num);
        if (c == 0) {
            *pos = mid;
            return t->items[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return NULL;
}

/* The entry for (name, num), added zeroed with `size` bytes when missing;
 * NULL when out of memory. */
static void *table_get(table_t *t, const char *name, int32_t num, size_t size)
{
    size_t pos;
    entry_t *e = table_find(t, name, num, &pos);
    if (e)
        return e;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        entry_t **items = realloc(t->items, cap * sizeof(*items));
        if (!items)
            return NULL;
        t->items = items;
        t->cap = cap;
    }
    e = calloc(1, size);
    if (!e || !(e->name = strdup(name))) {
        free(e);
        return NULL;
    }
    e->num = num;
    memmove(t->items + pos + 1, t->items + pos, (t->n - pos) * sizeof(*t->items));
    t->items[pos] = e;
    t->n++;
    return e;
}

static void table_remove(table_t *t, const char *name, int32_t num)
{
    size_t pos;
    entry_t *e = table_find(t, name, num, &pos);
    if (!e)
        return;
    free(e->name);
    free(e);
    memmove(t->items + pos, t->items + pos + 1, (t->n - pos - 1) * sizeof(*t->items));
    t->n--;
}

static void table_clear(table_t *t, void (*free_extra)(entry_t *))
{
    for (size_t i = 0; i < t->n; i++) {
        if (free_extra)
            free_extra(t->items[i]);
        free(t->items[i]->name);
        free(t->items[i]);
    }
    free(t->items);
    memset(t, 0, sizeof(*t));
}

static void role_free_stats(entry_t *e)
{
    nw_rdstats_free(((role_t *)e)->stats);
}

static const nw_sink_ops_t metrics_sink_ops;

nw_metrics_t *nw_metrics_new(void)
{
    nw_metrics_t *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    m->sink = (nw_sink_t){&metrics_sink_ops, m};
    return m;
}

void nw_metrics_free(nw_metrics_t *m)
{
    if (!m)
        return;
    table_clear(&m->parts, NULL);
    table_clear(&m->produced, NULL);
    table_clear(&m->hists, NULL);
    table_clear(&m->breakers, NULL);
    table_clear(&m->roles, role_free_stats);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void nw_metrics_set_counters(nw_metrics_t *m, const nw_counters_t *totals)
{
    if (!m || !totals)
        return;
    pthread_mutex_lock(&m->lock);
    m->totals = *totals;
    pthread_mutex_unlock(&m->lock);
}

void nw_metrics_set_ready(nw_metrics_t *m, bool ready)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->ready = ready;
    pthread_mutex_unlock(&m->lock);
}

void nw_metrics_set_failure(nw_metrics_t *m, const char *cause)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    snprintf(m->failure, sizeof(m->failure), "%s", cause ? cause : "");
    pthread_mutex_unlock(&m->lock);
}

bool nw_metrics_failure(nw_metrics_t *m, char *out, size_t n)
{
    if (n)
        out[0] = '\0';
    if (!m)
        return false;
    pthread_mutex_lock(&m->lock);
    bool failing = m->failure[0] != '\0';
    if (n)
        snprintf(out, n, "%s", m->failure);
    pthread_mutex_unlock(&m->lock);
    return failing;
}

bool nw_metrics_ready(nw_metrics_t *m)
{
    if (!m)
        return false;
    pthread_mutex_lock(&m->lock);
    bool ready = m->ready;
    pthread_mutex_unlock(&m->lock);
    return ready;
}

void nw_metrics_partition(nw_metrics_t *m, const char *topic, int32_t partition, int64_t position,
                          int64_t high_watermark)
{
    if (!m || !topic)
        return;
    pthread_mutex_lock(&m->lock);
    part_t *p = table_get(&m->parts, topic, partition, sizeof(*p));
    if (p) {
        p->position = position;
        p->high = high_watermark;
    }
    pthread_mutex_unlock(&m->lock);
}

void nw_metrics_partition_remove(nw_metrics_t *m, const char *topic, int32_t partition)
{
    if (!m || !topic)
        return;
    pthread_mutex_lock(&m->lock);
    table_remove(&m->parts, topic, partition);
    pthread_mutex_unlock(&m->lock);
}

void nw_metrics_produced(nw_metrics_t *m, const char *topic, uint64_t n)
{
    if (!m || !topic)
        return;
    pthread_mutex_lock(&m->lock);
    produced_t *p = table_get(&m->produced, topic, 0, sizeof(*p));
    if (p)
        p->n += n;
    pthread_mutex_unlock(&m->lock);
}

void nw_metrics_enrich_latency(nw_metrics_t *m, const char *enricher, double seconds)
{
    if (!m || !enricher || isnan(seconds))
        return;
    if (seconds < 0)
        seconds = 0; /* a clock step; a histogram sum must not shrink */
    pthread_mutex_lock(&m->lock);
    hist_t *h = table_get(&m->hists, enricher, 0, sizeof(*h));
    if (h) {
        for (int i = 0; i < NW_METRICS_LATENCY_NBUCKETS; i++) {
            if (seconds <= latency_bounds[i]) {
                h->bucket[i]++;
                break;
            }
        }
        h->count++;
        h->sum += seconds;
    }
    pthread_mutex_unlock(&m->lock);
}

void nw_metrics_breaker(nw_metrics_t *m, const char *endpoint, nw_breaker_state_t state)
{
    if (!m || !endpoint)
        return;
    pthread_mutex_lock(&m->lock);
    breaker_t *b = table_get(&m->breakers, endpoint, 0, sizeof(*b));
    if (b)
        b->state = state;
    pthread_mutex_unlock(&m->lock);
}

int nw_metrics_rdkafka_stats(nw_metrics_t *m, const char *role, const char *json, size_t json_len)
{
    if (!m || !role || !json)
        return 0;
    nw_rdstats_t *stats = NULL;
    int rc = nw_rdstats_parse(role, json, json_len, &stats);
    if (rc < 0)
        return rc;
    pthread_mutex_lock(&m->lock);
    role_t *r = table_get(&m->roles, role, 0, sizeof(*r));
    if (r) {
        nw_rdstats_t *old = r->stats;
        r->stats = stats;
        stats = old;
    } else {
        rc = NW_ERR_NOMEM;
    }
    pthread_mutex_unlock(&m->lock);
    nw_rdstats_free(stats); /* the replaced document, or the new one on failure */
    return rc;
}

/* ---- the metrics sink (core/sink.h) ------------------------------------- */

/* The layers below ops report through these: each calls the registry's own
 * function with the context the sink carries. */
static void sink_set_counters(void *m, const struct nw_counters *totals)
{
    nw_metrics_set_counters(m, totals);
}

static void sink_set_ready(void *m, bool ready)
{
    nw_metrics_set_ready(m, ready);
}

static bool sink_ready(void *m)
{
    return nw_metrics_ready(m);
}

static void sink_set_failure(void *m, const char *cause)
{
    nw_metrics_set_failure(m, cause);
}

static void sink_partition(void *m, const char *topic, int32_t partition, int64_t position,
                           int64_t high_watermark)
{
    nw_metrics_partition(m, topic, partition, position, high_watermark);
}

static void sink_partition_remove(void *m, const char *topic, int32_t partition)
{
    nw_metrics_partition_remove(m, topic, partition);
}

static void sink_produced(void *m, const char *topic, uint64_t n)
{
    nw_metrics_produced(m, topic, n);
}

static void sink_enrich_latency(void *m, const char *enricher, double seconds)
{
    nw_metrics_enrich_latency(m, enricher, seconds);
}

static void sink_breaker(void *m, const char *endpoint, nw_breaker_state_t state)
{
    nw_metrics_breaker(m, endpoint, state);
}

/* A document that does not parse keeps the previous values, as the runner
 * has always ignored this result. */
static void sink_rdkafka_stats(void *m, const char *role, const char *json, size_t json_len)
{
    (void)nw_metrics_rdkafka_stats(m, role, json, json_len);
}

static const nw_sink_ops_t metrics_sink_ops = {
    .set_counters = sink_set_counters,
    .set_ready = sink_set_ready,
    .ready = sink_ready,
    .set_failure = sink_set_failure,
    .partition = sink_partition,
    .partition_remove = sink_partition_remove,
    .produced = sink_produced,
    .enrich_latency = sink_enrich_latency,
    .breaker = sink_breaker,
    .rdkafka_stats = sink_rdkafka_stats,
};

const nw_sink_t *nw_metrics_sink(nw_metrics_t *m)
{
    return m ? &m->sink : NULL;
}

/* ---- the text exposition ------------------------------------------------ */

void nw_metrics_put_escaped(nw_buf_t *b, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            nw_buf_puts(b, "\\\\");
        else if (*s == '\n')
            nw_buf_puts(b, "\\n");
        else if (*s == '"' && quote)
            nw_buf_puts(b, "\\\"");
        else
            nw_buf_putc(b, *s);
    }
}

void nw_metrics_put_label(nw_buf_t *b, bool first, const char *name, const char *value)
{
    nw_buf_printf(b, "%s%s=\"", first ? "" : ",", name);
    nw_metrics_put_escaped(b, value, true);
    nw_buf_putc(b, '"');
}

void nw_metrics_put_value(nw_buf_t *b, double v)
{
    char text[64];
    if (isnan(v)) {
        nw_buf_puts(b, "NaN");
    } else if (isinf(v)) {
        nw_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    } else if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        nw_buf_printf(b, "%.0f", v);
    } else {
        /* The shortest of %.15g and %.17g that reads back as v. */
        snprintf(text, sizeof(text), "%.15g", v);
        if (strtod(text, NULL) != v)
            snprintf(text, sizeof(text), "%.17g", v);
        nw_buf_puts(b, text);
    }
}

void nw_metrics_put_family(nw_buf_t *b, const char *name, const char *type, const char *help)
{
    nw_buf_printf(b, "# HELP %s ", name);
    nw_metrics_put_escaped(b, help, false);
    nw_buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

/* One sample with at most one label; label NULL for none. */
static void put_u64(nw_buf_t *b, const char *name, const char *label, const char *value, uint64_t v)
{
    nw_buf_puts(b, name);
    if (label) {
        nw_buf_putc(b, '{');
        nw_metrics_put_label(b, true, label, value);
        nw_buf_putc(b, '}');
    }
    nw_buf_printf(b, " %llu\n", (unsigned long long)v);
}

static void render_counters(nw_buf_t *b, const nw_metrics_t *m)
{
    const nw_counters_t *c = &m->totals;
    nw_metrics_put_family(b, "newswire_build_info", "gauge",
                          "The newswire and librdkafka versions of this process (always 1)");
    nw_buf_puts(b, "newswire_build_info{");
    nw_metrics_put_label(b, true, "version", NW_VERSION_STRING);
    nw_metrics_put_label(b, false, "librdkafka", rd_kafka_version_str());
    nw_buf_puts(b, "} 1\n");

    nw_metrics_put_family(b, "newswire_ready", "gauge",
                          "1 once every assigned input partition has its state restored");
    nw_buf_printf(b, "newswire_ready %d\n", m->ready ? 1 : 0);

    nw_metrics_put_family(b, "newswire_input_messages_total", "counter",
                          "Input messages accounted for as of the last commit "
                          "(emitted + duplicate + stale + rejected)");
    put_u64(b, "newswire_input_messages_total", NULL, NULL, c->in);

    nw_metrics_put_family(b, "newswire_messages_total", "counter",
                          "Input messages by outcome, as of the last commit");
    /* The four accounting outcomes only: a message forwarded for re-keying
     * is counted where it ends, not on the way. */
    const struct {
        nw_outcome_kind_t kind;
        uint64_t n;
    } by_outcome[] = {
        {NW_OUTCOME_EMITTED, c->emitted},
        {NW_OUTCOME_DUPLICATE, c->duplicate},
        {NW_OUTCOME_STALE, c->stale},
        {NW_OUTCOME_REJECTED, c->rejected},
    };
    for (size_t k = 0; k < sizeof(by_outcome) / sizeof(by_outcome[0]); k++)
        put_u64(b, "newswire_messages_total", "outcome", nw_outcome_name(by_outcome[k].kind),
                by_outcome[k].n);

    nw_metrics_put_family(b, "newswire_rejected_total", "counter",
                          "Rejected input messages by reject code (the newswire-error header)");
    for (int r = NW_REJECT_NONE + 1; r < NW_REJECT__COUNT; r++)
        put_u64(b, "newswire_rejected_total", "code", nw_reject_name((nw_reject_t)r),
                c->by_reject[r]);

    nw_metrics_put_family(b, "newswire_transactions_total", "counter",
                          "Kafka transactions by result (exactly_once only)");
    put_u64(b, "newswire_transactions_total", "result", "committed", c->txn_committed);
    put_u64(b, "newswire_transactions_total", "result", "aborted", c->txn_aborted);
}

static void render_tables(nw_buf_t *b, const nw_metrics_t *m)
{
    bool any_lag = false;
    for (size_t i = 0; i < m->parts.n; i++) {
        const part_t *p = (const part_t *)m->parts.items[i];
        if (p->position < 0 || p->high < 0)
            continue;
        if (!any_lag)
            nw_metrics_put_family(b, "newswire_consumer_lag", "gauge",
                                  "Messages in an assigned input partition not yet consumed "
                                  "(high watermark - position)");
        any_lag = true;
        int64_t lag = p->high > p->position ? p->high - p->position : 0;
        nw_buf_puts(b, "newswire_consumer_lag{");
        nw_metrics_put_label(b, true, "topic", p->e.name);
        nw_buf_printf(b, ",partition=\"%d\"} %lld\n", (int)p->e.num, (long long)lag);
    }

    if (m->produced.n)
        nw_metrics_put_family(b, "newswire_records_produced_total", "counter",
                              "Records written (delivered, and committed under exactly_once)");
    for (size_t i = 0; i < m->produced.n; i++) {
        const produced_t *p = (const produced_t *)m->produced.items[i];
        put_u64(b, "newswire_records_produced_total", "topic", p->e.name, p->n);
    }

    if (m->hists.n)
        nw_metrics_put_family(b, "newswire_enrichment_duration_seconds", "histogram",
                              "Time an enricher took for one article");
    for (size_t i = 0; i < m->hists.n; i++) {
        const hist_t *h = (const hist_t *)m->hists.items[i];
        uint64_t cum = 0;
        for (int j = 0; j <= NW_METRICS_LATENCY_NBUCKETS; j++) {
            nw_buf_puts(b, "newswire_enrichment_duration_seconds_bucket{");
            nw_metrics_put_label(b, true, "enricher", h->e.name);
            nw_buf_puts(b, ",le=\"");
            if (j < NW_METRICS_LATENCY_NBUCKETS) {
                cum += h->bucket[j];
                nw_metrics_put_value(b, latency_bounds[j]);
            } else {
                cum = h->count;
                nw_buf_puts(b, "+Inf");
            }
            nw_buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
        }
        nw_buf_puts(b, "newswire_enrichment_duration_seconds_sum{");
        nw_metrics_put_label(b, true, "enricher", h->e.name);
        nw_buf_puts(b, "} ");
        nw_metrics_put_value(b, h->sum);
        nw_buf_putc(b, '\n');
        put_u64(b, "newswire_enrichment_duration_seconds_count", "enricher", h->e.name, h->count);
    }

    if (m->breakers.n)
        nw_metrics_put_family(b, "newswire_circuit_breaker_state", "gauge",
                              "Circuit breaker of an enrichment endpoint: "
                              "0 closed, 1 open, 2 half-open");
    for (size_t i = 0; i < m->breakers.n; i++) {
        const breaker_t *br = (const breaker_t *)m->breakers.items[i];
        put_u64(b, "newswire_circuit_breaker_state", "endpoint", br->e.name, (uint64_t)br->state);
    }
}

char *nw_metrics_render(nw_metrics_t *m)
{
    if (!m)
        return NULL;
    nw_buf_t b = NW_BUF_INIT;
    pthread_mutex_lock(&m->lock);
    render_counters(&b, m);
    render_tables(&b, m);
    const nw_rdstats_t **docs = calloc(m->roles.n + 1, sizeof(*docs));
    size_t n = 0;
    for (size_t i = 0; docs && i < m->roles.n; i++)
        if (((role_t *)m->roles.items[i])->stats)
            docs[n++] = ((role_t *)m->roles.items[i])->stats;
    if (docs)
        nw_rdstats_render(docs, n, &b);
    else
        b.oom = true;
    pthread_mutex_unlock(&m->lock);
    free(docs);
    if (!nw_buf_ok(&b)) {
        nw_buf_free(&b);
        return NULL;
    }
    return nw_buf_steal(&b);
}
