/*
 * The engine's one clock.
 *
 * Intervals, deadlines and timeouts read CLOCK_MONOTONIC, which never jumps
 * when the wall clock is set (NTP steps, a VM resumed): a commit interval or a
 * request deadline measured on the wall clock could fire at once or never.
 * Only what a reader compares with the date (log timestamps) reads
 * CLOCK_REALTIME, through nw_wall_ns().
 */
#ifndef NW_CLOCK_H
#define NW_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds on clock id (any clock_gettime() clock: the benchmarks also
 * read CLOCK_THREAD_CPUTIME_ID). */
int64_t nw_clock_ns(clockid_t id);

/* Monotonic time, for intervals only (the epoch is arbitrary). */
int64_t nw_now_ns(void);
int64_t nw_now_ms(void);
double nw_now_s(void);

/* Wall-clock time in nanoseconds since the Unix epoch. */
int64_t nw_wall_ns(void);

/* The absolute time ms milliseconds from now on clock id, as
 * pthread_cond_timedwait() takes it (id is the condition variable's clock). */
struct timespec nw_clock_after_ms(clockid_t id, int64_t ms);

#endif
