/*
 * The accounting counters: every input message ends as exactly one of
 * emitted, duplicate, stale or rejected, so in = emitted + duplicate +
 * stale + rejected holds at every commit.
 */
#include <inttypes.h>
#include <stdio.h>

#include "pipeline/runner.h"

void nw_counters_count(nw_counters_t *c, const nw_outcome_t *o)
{
    switch (o->kind) {
    case NW_OUTCOME_EMITTED:
        c->emitted++;
        break;
    case NW_OUTCOME_DUPLICATE:
        c->duplicate++;
        break;
    case NW_OUTCOME_STALE:
        c->stale++;
        break;
    case NW_OUTCOME_REJECTED:
        c->rejected++;
        c->by_reject[o->error.reject]++;
        break;
    case NW_OUTCOME_FORWARD: /* on its way to the repartition topic: not an end */
    case NW_OUTCOME__COUNT:
        return;
    }
    c->in++;
}

void nw_counters_add(nw_counters_t *to, const nw_counters_t *from)
{
    to->in += from->in;
    to->emitted += from->emitted;
    to->duplicate += from->duplicate;
    to->stale += from->stale;
    to->rejected += from->rejected;
    for (int i = 0; i < NW_REJECT__COUNT; i++)
        to->by_reject[i] += from->by_reject[i];
}

void nw_counters_format(const nw_counters_t *c, char *out, size_t n)
{
    snprintf(out, n,
             "in=%" PRIu64 " emitted=%" PRIu64 " duplicate=%" PRIu64 " stale=%" PRIu64
             " rejected=%" PRIu64,
             c->in, c->emitted, c->duplicate, c->stale, c->rejected);
}
