/*
 * The checks on a replay's set of --from and --to positions that need no
 * cluster (see replay.h); the positions themselves are parsed by
 * kafka/kpos.c, which `run --from` shares.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "replay/replay.h"

static const nw_kpos_t *find_time(const nw_kpos_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].kind == NW_KPOS_AT_TIME)
            return &s[i];
    return NULL;
}

static const nw_kpos_t *find_partition(const nw_kpos_t *s, size_t n, const nw_kpos_t *like)
{
    for (size_t i = 0; i < n; i++)
        if (&s[i] != like && s[i].kind == NW_KPOS_AT_OFFSET && s[i].partition == like->partition &&
            strcmp(s[i].topic, like->topic) == 0)
            return &s[i];
    return NULL;
}

/* One side (--from or --to): one @TIME at most, no partition twice. */
static int check_side(const char *opt, const nw_kpos_t *s, size_t n, nw_error_t *err)
{
    const nw_kpos_t *t = find_time(s, n);
    for (size_t i = 0; i < n; i++) {
        if (s[i].kind == NW_KPOS_AT_TIME && &s[i] != t)
            return nw_error_set(err, NW_ERR_RANGE, "%s @TIME given twice (%s and %s)", opt, t->text,
                                s[i].text);
        if (s[i].kind == NW_KPOS_AT_OFFSET && find_partition(s, i, &s[i]))
            return nw_error_set(err, NW_ERR_RANGE, "%s names %s [%" PRId32 "] twice", opt,
                                s[i].topic, s[i].partition);
    }
    return 0;
}

int nw_replay_specs_check(const nw_kpos_t *from, size_t n_from, const nw_kpos_t *to, size_t n_to,
                          nw_error_t *err)
{
    int rc;
    if (n_from == 0)
        return nw_error_set(err, NW_ERR_RANGE,
                            "no --from: give --from TOPIC:PARTITION:OFFSET (repeatable, one per "
                            "partition) or --from @TIME (every partition of input.topics)");
    if ((rc = check_side("--from", from, n_from, err)) < 0 ||
        (rc = check_side("--to", to, n_to, err)) < 0)
        return rc;
    const nw_kpos_t *from_time = find_time(from, n_from);
    const nw_kpos_t *to_time = find_time(to, n_to);
    if (from_time && to_time && to_time->time_ms < from_time->time_ms)
        return nw_error_set(err, NW_ERR_RANGE, "--to %s is before --from %s", to_time->text,
                            from_time->text);
    for (size_t i = 0; i < n_to; i++) {
        if (to[i].kind != NW_KPOS_AT_OFFSET)
            continue;
        const nw_kpos_t *f = find_partition(from, n_from, &to[i]);
        if (f && to[i].offset < f->offset)
            return nw_error_set(err, NW_ERR_RANGE, "--to %s is before --from %s", to[i].text,
                                f->text);
        /* Without a --from @TIME only the named partitions are in the range;
         * with one, range.c checks the partition is an input partition. */
        if (!f && !from_time)
            return nw_error_set(err, NW_ERR_RANGE,
                                "--to %s names %s [%" PRId32 "], which no --from names", to[i].text,
                                to[i].topic, to[i].partition);
    }
    return 0;
}
