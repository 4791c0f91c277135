/*
 * The entities enricher's name arena: where an article's entity names
 * (and the forms they are written in, and the names joined from its
 * tokens) are copied. A name is copied for every entity an article has
 * (some twenty) and all are dropped together when the next article
 * starts, so they are cut from blocks filled one after another rather
 * than given an allocation each and freed one by one. Blocks never move,
 * so a name stays where it is while more are added; a reset keeps the
 * newest block (the largest) for the next article and frees the others.
 */
#include <stdlib.h>
#include <string.h>

#include "enrichers/entities_internal.h"

struct nw_ent_block {
    nw_ent_block_t *next; /* the block filled before this one */
    size_t cap, used;
    char data[];
};

/* The first block's size: an article's names, nearly always. */
#define NW_ENT_ARENA_FIRST 2048

char *nw_ent_arena_alloc(nw_ent_arena_t *a, size_t n)
{
    nw_ent_block_t *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = b ? 2 * b->cap : NW_ENT_ARENA_FIRST;
        if (cap < n)
            cap = n;
        nw_ent_block_t *nb = malloc(sizeof(*nb) + cap);
        if (!nb)
            return NULL;
        *nb = (nw_ent_block_t){.next = b, .cap = cap};
        a->head = b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

char *nw_ent_arena_dup(nw_ent_arena_t *a, const char *s, size_t n)
{
    char *p = nw_ent_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Frees the blocks from b on. */
static void blocks_free(nw_ent_block_t *b)
{
    while (b) {
        nw_ent_block_t *next = b->next;
        free(b);
        b = next;
    }
}

void nw_ent_arena_reset(nw_ent_arena_t *a)
{
    if (!a->head)
        return;
    blocks_free(a->head->next);
    a->head->next = NULL;
    a->head->used = 0;
}

void nw_ent_arena_free(nw_ent_arena_t *a)
{
    blocks_free(a->head);
    a->head = NULL;
}
