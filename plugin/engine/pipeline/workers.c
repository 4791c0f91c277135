/*
 * The worker pool (see workers.h).
 *
 * A job is published under the lock with a new generation number; each
 * worker wakes on the change, then claims task indexes with an atomic
 * counter until none is left, so a long task never holds up the claiming
 * of the others. A worker that took the job counts as active until it
 * stops claiming: the caller returns (and may publish the next job, which
 * resets the counter) only when every task is done and no worker is still
 * between reading the job and its last claim.
 * Between jobs the workers sleep on a condition variable: an idle pool
 * costs nothing.
 */
#include "pipeline/workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nw_workers {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a new job, or stop */
    pthread_cond_t idle; /* the job's last task is done */
    pthread_t *threads;
    unsigned n_threads; /* started, the caller not included */
    unsigned long generation;
    bool stop;
    /* The job in progress: set under lock before the generation moves. */
    nw_task_fn fn;
    void *arg;
    size_t n;
    atomic_size_t next; /* the next unclaimed task */
    size_t done;        /* tasks finished; under lock */
    unsigned active;    /* workers that took the job and still claim; under lock */
};

/* Claims and runs tasks until none is left; returns how many it ran. */
static size_t drain(nw_workers_t *w, nw_task_fn fn, void *arg, size_t n)
{
    size_t ran = 0;
    for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < n; ran++)
        fn(arg, i);
    return ran;
}

static void *worker_main(void *opaque)
{
    nw_workers_t *w = opaque;
    unsigned long seen = 0;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stop && w->generation == seen)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->stop)
            break;
        seen = w->generation;
        nw_task_fn fn = w->fn;
        void *arg = w->arg;
        size_t n = w->n;
        w->active++;
        pthread_mutex_unlock(&w->lock);
        size_t ran = drain(w, fn, arg, n);
        pthread_mutex_lock(&w->lock);
        w->done += ran;
        if (--w->active == 0)
            pthread_cond_signal(&w->idle);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

unsigned nw_workers_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

int nw_workers_new(unsigned threads, nw_workers_t **out, nw_error_t *err)
{
    nw_workers_t *w = calloc(1, sizeof(*w));
    *out = NULL;
    if (!w || (threads > 1 && !(w->threads = calloc(threads - 1, sizeof(*w->threads))))) {
        free(w);
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->idle, NULL);
    atomic_init(&w->next, 0);
    for (unsigned i = 0; i + 1 < threads; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
            nw_workers_free(w);
            return nw_error_set(err, NW_ERR_IO, "cannot start processing thread %u of %u", i + 2,
                                threads);
        }
        w->n_threads++;
    }
    *out = w;
    return 0;
}

void nw_workers_free(nw_workers_t *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->n_threads; i++)
        pthread_join(w->threads[i], NULL);
    pthread_cond_destroy(&w->idle);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->threads);
    free(w);
}

unsigned nw_workers_threads(const nw_workers_t *w)
{
    return w->n_threads + 1;
}

void nw_workers_run(nw_workers_t *w, size_t n, nw_task_fn fn, void *arg)
{
    if (n == 0)
        return;
    if (n == 1 || w->n_threads == 0) {
        /* Nothing to share: no handoff. */
        for (size_t i = 0; i < n; i++)
            fn(arg, i);
        return;
    }
    pthread_mutex_lock(&w->lock);
    /* A worker that woke too late for the last job may still be claiming
     * from its counter. */
    while (w->active > 0)
        pthread_cond_wait(&w->idle, &w->lock);
    w->fn = fn;
    w->arg = arg;
    w->n = n;
    w->done = 0;
    atomic_store(&w->next, 0);
    w->generation++;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    size_t ran = drain(w, fn, arg, n);
    pthread_mutex_lock(&w->lock);
    w->done += ran;
    while (w->done < n || w->active > 0)
        pthread_cond_wait(&w->idle, &w->lock);
    pthread_mutex_unlock(&w->lock);
}
