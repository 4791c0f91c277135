/* Owned partitions and their in-flight FIFOs (see parts.h). */
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "pipeline/parts.h"

nw_part_t *nw_parts_find(const nw_parts_t *ps, const char *topic, int32_t partition)
{
    /* A member owns tens of partitions at most: a scan beats a hash here. */
    for (size_t i = 0; i < ps->n; i++)
        if (ps->items[i]->partition == partition && strcmp(ps->items[i]->topic, topic) == 0)
            return ps->items[i];
    return NULL;
}

nw_part_t *nw_parts_add(nw_parts_t *ps, const char *topic, int32_t partition)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 8;
        nw_part_t **items = realloc(ps->items, cap * sizeof(*items));
        if (!items)
            return NULL;
        ps->items = items;
        ps->cap = cap;
    }
    nw_part_t *p = calloc(1, sizeof(*p));
    if (!p || !(p->topic = strdup(topic)) || !(p->store = nw_vstore_new(0))) {
        if (p)
            free(p->topic);
        free(p);
        return NULL;
    }
    p->partition = partition;
    p->restoring = true;
    p->next_offset = p->committed = p->txn_start = p->eof_offset = p->start_offset = -1;
    ps->items[ps->n++] = p;
    return p;
}

static void free_inflight(nw_inflight_t *f)
{
    free(f->changelog_key);
    free(f);
}

void nw_part_drop_inflight(nw_part_t *p)
{
    while (p->head) {
        nw_inflight_t *f = p->head;
        p->head = f->next;
        free_inflight(f);
    }
    p->tail = NULL;
}

void nw_part_drop_queue(nw_part_t *p)
{
    if (!p->queue)
        return;
    rd_kafka_queue_io_event_enable(p->queue, -1, NULL, 0);
    rd_kafka_queue_destroy(p->queue);
    p->queue = NULL;
}

static void part_free(nw_part_t *p)
{
    nw_part_drop_queue(p);
    nw_part_drop_inflight(p);
    nw_vstore_free(p->store);
    free(p->topic);
    free(p);
}

void nw_parts_remove(nw_parts_t *ps, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (ps->items[i]->partition == partition && strcmp(ps->items[i]->topic, topic) == 0) {
            part_free(ps->items[i]);
            ps->items[i] = ps->items[--ps->n];
            return;
        }
    }
}

void nw_parts_free(nw_parts_t *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        part_free(ps->items[i]);
    free(ps->items);
    memset(ps, 0, sizeof(*ps));
}

nw_inflight_t *nw_part_track(nw_part_t *p, int64_t offset)
{
    nw_inflight_t *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->part = p;
    f->offset = offset;
    if (p->tail)
        p->tail->next = f;
    else
        p->head = f;
    p->tail = f;
    return f;
}

int64_t nw_part_committable(nw_part_t *p, nw_counters_t *count)
{
    while (p->head && p->head->pending == 0 && !p->head->failed) {
        nw_inflight_t *f = p->head;
        nw_outcome_t o = {.kind = f->kind, .error = {.reject = f->reject}};
        nw_counters_count(count, &o);
        p->head = f->next;
        if (!p->head)
            p->tail = NULL;
        free_inflight(f);
    }
    int64_t at = p->head ? p->head->offset : p->next_offset;
    return at > p->committed ? at : -1;
}
