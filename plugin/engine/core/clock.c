/* Monotonic and wall-clock readings (see clock.h). */
#include "core/clock.h"

#define NS_PER_S 1000000000LL

int64_t nw_clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t nw_now_ns(void)
{
    return nw_clock_ns(CLOCK_MONOTONIC);
}

int64_t nw_now_ms(void)
{
    return nw_now_ns() / 1000000;
}

double nw_now_s(void)
{
    return (double)nw_now_ns() / 1e9;
}

int64_t nw_wall_ns(void)
{
    return nw_clock_ns(CLOCK_REALTIME);
}

struct timespec nw_clock_after_ms(clockid_t id, int64_t ms)
{
    int64_t at = nw_clock_ns(id) + ms * 1000000;
    return (struct timespec){.tv_sec = (time_t)(at / NS_PER_S), .tv_nsec = (long)(at % NS_PER_S)};
}
