/*
 * The processing core's staged path (see process.c for the passes it cuts).
 *
 * With processing.threads above 1 the passes are cut where order stops
 * mattering (see "The staged path" below): parsing, building and the
 * stateless head of the enricher chain run item by item on the worker
 * pool; the rest of the chain and the decisions run per group, the items
 * that share a version store (one input partition) or an origin partition
 * (what the neardup index is kept by), in batch order. Groups share no
 * state the processing writes, so they too run on the pool at once; each
 * group decides exactly what one thread deciding the whole batch would.
 * With no enricher on there are no stages: each group runs the one
 * thread's path on the pool (stage_each()).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich/enrich.h"
#include "pipeline/process.h"
#include "pipeline/process_internal.h"
#include "pipeline/workers.h"

/* One group of a batch, as a task of the worker pool. */
typedef struct group {
    nw_item_t **items; /* into the batch's order array */
    size_t n;
    size_t weight; /* input bytes: what the group's work grows with */
    int rc;
    nw_error_t err;
} group_t;

/*
 * The staged path (processing.threads above 1). What depends on order is
 * kept apart from what does not, so that most of the work spreads over the
 * pool whatever the batch holds:
 *  1. parse and identify, item by item on any thread;
 *  2. predict each dedupe outcome, in batch order on the caller (a look-up
 *     per item);
 *  3. build the record of each predicted new version and run the stateless
 *     head of the enricher chain on it, item by item on any thread;
 *  4. per group (see make_groups), in batch order: the rest of the chain,
 *     then decide and emit against the store.
 * Every item ends as the single-threaded path would end it.
 */
typedef struct batch_job {
    nw_processor_t *p;
    nw_item_t *items; /* the batch (borrowed) */
    size_t n;
    /* n each: */
    group_t *groups;
    nw_item_t **order;
    size_t *parent, *scratch;
    nw_item_t **fresh; /* stage 3: the predicted new versions */
    bool *final;       /* per item: settled in stage 1 */
    size_t stateless;  /* the chain's stateless head */
    /* No enricher on: no stages, each group in nw_proc_process_each() (see
     * stage_each()); direct: its records written without the tree. */
    bool each, direct;
    /* Stages 1 to 3 on a thread of their own (nw_process_start with
     * background): joined before stage 4. */
    pthread_t thread;
    bool threaded;
    /* The first failure of stages 1 and 3 in batch order (a program
     * failure: the batch is not processed further). */
    pthread_mutex_t lock;
    int rc;
    size_t failed_at;
    nw_error_t err;
} batch_job_t;

static void job_fail(batch_job_t *job, size_t at, int rc, const nw_error_t *err)
{
    pthread_mutex_lock(&job->lock);
    if (job->rc == 0 || at < job->failed_at) {
        job->rc = rc;
        job->failed_at = at;
        job->err = *err;
    }
    pthread_mutex_unlock(&job->lock);
}

static void identify_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    nw_error_t err = {0};
    int rc = nw_proc_identify(job->p, &job->items[i], &err);
    job->final[i] = rc != 0;
    if (rc < 0)
        job_fail(job, i, rc, &err);
}

static void prepare_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    nw_item_t *it = job->fresh[i];
    nw_work_t *w = it->work;
    nw_error_t err = {0};
    int rc = nw_proc_build_record(job->p, it, w->predicted_version, &err);
    if (rc < 0) {
        job_fail(job, (size_t)(it - job->items), rc, &err);
        return;
    }
    /* Its status stays in the work for finish_group() to take on. */
    nw_proc_enrich_one(job->p, w, 0, job->stateless);
}

/* Stage 4 for one group: the chain's stateful rest over its predicted new
 * versions, then the decisions in order. */
static int finish_group(batch_job_t *job, nw_item_t *const *items, size_t n, nw_error_t *err)
{
    nw_processor_t *p = job->p;
    size_t k = 0;
    int rc = 0;
    nw_work_t **works = calloc(n, sizeof(*works));
    if (!works) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        nw_work_t *w = items[i]->work;
        if (w->predicted_new && nw_proc_built(w))
            works[k++] = w;
    }
    if (k > 0 && nw_proc_enrich(p, works, k, job->stateless) < 0) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!job->final[items[i] - job->items])
            rc = nw_proc_decide(p, items[i], err);
    /* Here rather than on the caller: freeing the records' trees is a part
     * of the work worth spreading. */
    for (size_t i = 0; i < n; i++)
        nw_proc_work_release(items[i]);
out:
    free(works);
    return rc;
}

static void group_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    group_t *g = &job->groups[i];
    g->rc = finish_group(job, g->items, g->n, &g->err);
}

static size_t find_root(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* What an item's enrichers keep state by besides its store: the origin
 * partition (neardup's index), as nw_proc_build_record() names it. */
static bool same_origin(const nw_input_t *a, const nw_input_t *b)
{
    if (!a->topic || !b->topic)
        return !a->topic && !b->topic;
    int32_t pa = a->origin_topic ? a->origin_partition : a->partition;
    int32_t pb = b->origin_topic ? b->origin_partition : b->partition;
    return pa == pb && strcmp(nw_proc_origin_topic(a), nw_proc_origin_topic(b)) == 0;
}

/* Joins every item with the first earlier item sharing its store or its
 * origin; reps holds one item per distinct store or origin seen, so the
 * cost is items times partitions. */
static void join_items(nw_item_t *items, size_t n, size_t *parent, size_t *reps)
{
    size_t n_reps = 0;
    for (size_t i = 0; i < n; i++) {
        parent[i] = i;
        bool store_seen = false, origin_seen = false;
        for (size_t r = 0; r < n_reps && !(store_seen && origin_seen); r++) {
            nw_item_t *rep = &items[reps[r]];
            bool by_store = !store_seen && rep->store == items[i].store;
            bool by_origin = !origin_seen && same_origin(&rep->in, &items[i].in);
            if (!by_store && !by_origin)
                continue;
            store_seen |= by_store;
            origin_seen |= by_origin;
            size_t a = find_root(parent, reps[r]), b = find_root(parent, i);
            /* The earlier item's root stays the root. */
            if (a != b)
                parent[a > b ? a : b] = a < b ? a : b;
        }
        if (!store_seen || !origin_seen)
            reps[n_reps++] = i;
    }
}

static int cmp_group_size(const void *a, const void *b)
{
    const group_t *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    return x->items < y->items ? -1 : x->items > y->items;
}

/* Cuts the batch into groups (each in batch order, in order[]), the most
 * input bytes first, so that the pool's threads finish about together.
 * Returns the count. */
static size_t make_groups(nw_item_t *items, size_t n, size_t *parent, size_t *scratch,
                          nw_item_t **order, group_t *groups)
{
    join_items(items, n, parent, scratch);
    size_t *start = scratch; /* per root: where its items go in order[] */
    size_t n_groups = 0;
    for (size_t i = 0; i < n; i++)
        start[i] = 0;
    for (size_t i = 0; i < n; i++)
        start[find_root(parent, i)]++;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (parent[i] != i)
            continue;
        size_t count = start[i];
        groups[n_groups++] = (group_t){.items = order + at, .n = 0};
        start[i] = n_groups - 1; /* now the root's group */
        at += count;
    }
    for (size_t i = 0; i < n; i++) {
        group_t *g = &groups[start[find_root(parent, i)]];
        g->items[g->n++] = &items[i];
        g->weight += items[i].in.value_len + 256; /* a message costs something however small */
    }
    qsort(groups, n_groups, sizeof(*groups), cmp_group_size);
    return n_groups;
}

void nw_proc_job_free(batch_job_t *job)
{
    if (!job)
        return;
    free(job->groups);
    free(job->order);
    free(job->parent);
    free(job->scratch);
    free(job->fresh);
    free(job->final);
    pthread_mutex_destroy(&job->lock);
    free(job);
}

static batch_job_t *job_new(nw_processor_t *p, nw_item_t *items, size_t n)
{
    batch_job_t *job = calloc(1, sizeof(*job));
    if (!job)
        return NULL;
    *job = (batch_job_t){.p = p,
                         .items = items,
                         .n = n,
                         .groups = calloc(n, sizeof(*job->groups)),
                         .order = calloc(n, sizeof(*job->order)),
                         .parent = calloc(n, sizeof(*job->parent)),
                         .scratch = calloc(n, sizeof(*job->scratch)),
                         .fresh = calloc(n, sizeof(*job->fresh)),
                         .final = calloc(n, sizeof(*job->final)),
                         .stateless = nw_enrichers_stateless(p->enrichers)};
    pthread_mutex_init(&job->lock, NULL);
    if (!job->groups || !job->order || !job->parent || !job->scratch || !job->fresh ||
        !job->final) {
        nw_proc_job_free(job);
        return NULL;
    }
    return job;
}

/* Stages 1 to 3; a failure is left in job->rc. */
static void stages_to_prepare(batch_job_t *job)
{
    nw_processor_t *p = job->p;
    nw_item_t *items = job->items;
    nw_workers_run(p->workers, job->n, identify_task, job);
    size_t n_fresh = 0;
    nw_recent_t recent = {0};
    if (job->rc == 0 && nw_proc_recent_init(&recent, job->n) < 0) {
        nw_error_t err = {0};
        job_fail(job, 0, nw_error_set(&err, NW_ERR_NOMEM, "out of memory"), &err);
    }
    for (size_t i = 0; i < job->n && job->rc == 0; i++) {
        job->order[i] = &items[i];
        uint32_t next = 0;
        if (!job->final[i] && nw_proc_predict(&recent, job->order, i, &next) == NW_DEDUPE_NEW)
            job->fresh[n_fresh++] = &items[i];
    }
    nw_proc_recent_free(&recent);
    if (job->rc == 0)
        nw_workers_run(p->workers, n_fresh, prepare_task, job);
}

static void *prepare_thread(void *arg)
{
    stages_to_prepare(arg);
    return NULL;
}

/* A failure of the program in one of the groups: the first group's, in
 * batch order, is reported. */
static int first_failure(const batch_job_t *job, size_t n_groups, nw_error_t *err)
{
    const group_t *first = NULL;
    for (size_t g = 0; g < n_groups; g++)
        if (job->groups[g].rc < 0 && (!first || job->groups[g].items[0] < first->items[0]))
            first = &job->groups[g];
    if (!first)
        return 0;
    if (err)
        *err = first->err;
    return first->rc;
}

/* Stage 4, after stages 1 to 3 succeeded. */
static int stage_decide(batch_job_t *job, nw_error_t *err)
{
    size_t n_groups =
        make_groups(job->items, job->n, job->parent, job->scratch, job->order, job->groups);
    nw_workers_run(job->p->workers, n_groups, group_task, job);
    return first_failure(job, n_groups, err);
}

static void each_task(void *arg, size_t i)
{
    batch_job_t *job = arg;
    group_t *g = &job->groups[i];
    g->rc = nw_proc_process_each(job->p, g->items, g->n, &job->p->works[i], job->direct, &g->err);
}

/*
 * With no enricher on and several threads: each group on the pool, item by
 * item as one thread takes them (nw_proc_process_each()), so that an article is
 * parsed, decided and written while it is in the cache. The staged path
 * parsed the whole batch first and wrote the records in another pass: two
 * threads took longer than one (bench_parse --plain --threads 2
 * --partitions 4: 0.89x of one thread's rate).
 *
 * The first items, in batch order, go on the caller until a record has
 * given the chain's statuses (keep_statuses()), which every later record
 * is written with: no group then writes p->status_tail.
 */
static int stage_each(batch_job_t *job, nw_error_t *err)
{
    nw_processor_t *p = job->p;
    size_t k = 0;
    int rc = 0;
    for (; k < job->n && !p->statuses_tried && rc == 0; k++) {
        nw_item_t *it = &job->items[k];
        rc = nw_proc_process_each(p, &it, 1, &p->works[0], true, err);
    }
    if (rc < 0 || k == job->n)
        return rc;
    job->direct = p->status_tail != NULL;
    size_t n_groups =
        make_groups(job->items + k, job->n - k, job->parent, job->scratch, job->order, job->groups);
    nw_workers_run(p->workers, n_groups, each_task, job);
    return first_failure(job, n_groups, err);
}

int nw_proc_staged_start(nw_processor_t *p, nw_item_t *items, size_t n, bool background,
                         nw_error_t *err)
{
    int rc;
    if (!p->no_enrichers)
        for (size_t i = 0; i < n; i++)
            nw_proc_work_take(&items[i], &p->works[i]);
    if (!p->workers && (rc = nw_workers_new(p->threads, &p->workers, err)) < 0)
        return rc;
    if (!(p->pending = job_new(p, items, n)))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    /* No enricher on: all of it in nw_process_finish() (see stage_each()),
     * which writes the version stores, as the one thread's path does. */
    if (p->no_enrichers) {
        p->pending->each = true;
        return 0;
    }
    /* Without a thread of its own the stages run here and now. */
    p->pending->threaded =
        background && pthread_create(&p->pending->thread, NULL, prepare_thread, p->pending) == 0;
    if (!p->pending->threaded)
        stages_to_prepare(p->pending);
    return 0;
}

void nw_process_quiesce(nw_processor_t *p)
{
    batch_job_t *job = p->pending;
    if (job && job->threaded) {
        pthread_join(job->thread, NULL);
        job->threaded = false;
    }
}

int nw_proc_staged_finish(batch_job_t *job, nw_error_t *err)
{
    if (job->each)
        return stage_each(job, err);
    if (job->rc != 0) {
        if (err)
            *err = job->err;
        return job->rc;
    }
    return stage_decide(job, err);
}
