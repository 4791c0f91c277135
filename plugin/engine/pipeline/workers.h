/*
 * A fixed pool of threads that runs the tasks of one job in parallel.
 *
 * nw_process_batch() cuts a batch into groups that share no state (one
 * version store, one neardup index each) and hands them to the pool: a job
 * is n independent tasks, claimed one at a time by the pool's threads and
 * by the calling thread, which works too and returns once every task is
 * done. One job runs at a time; a pool belongs to one caller thread.
 *
 * Ownership: the pool owns its threads; fn and arg are borrowed for the
 * duration of nw_workers_run().
 */
#ifndef NW_WORKERS_H
#define NW_WORKERS_H

#include <stddef.h>

#include "newswire/error.h"

typedef struct nw_workers nw_workers_t;

/* Runs task i (0 <= i < n) of a job; called on any thread, once per i. */
typedef void (*nw_task_fn)(void *arg, size_t i);

/* A pool of `threads` workers in all, the caller included: threads - 1 are
 * started. threads must be at least 1 (1: every job runs on the caller).
 * Returns 0, NW_ERR_NOMEM or NW_ERR_IO (a thread could not be started). */
int nw_workers_new(unsigned threads, nw_workers_t **out, nw_error_t *err);
void nw_workers_free(nw_workers_t *w); /* accepts NULL; joins the threads */

/* Runs fn(arg, i) for every i in 0..n-1 and returns when all are done.
 * Tasks are claimed in index order: put the longest first. */
void nw_workers_run(nw_workers_t *w, size_t n, nw_task_fn fn, void *arg);

/* The threads a job may use, the caller included. */
unsigned nw_workers_threads(const nw_workers_t *w);

/* What processing.threads = 0 means: the online CPUs (at least 1). */
unsigned nw_workers_default(void);

#endif
