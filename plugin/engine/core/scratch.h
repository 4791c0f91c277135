/*
 * Scratch buffers, one per thread and purpose, kept from message to message.
 *
 * A fresh buffer per message grew by doubling and was freed at the end, and
 * every large malloc() made glibc merge its free small chunks first
 * (malloc_consolidate), only for the next message to split them again. A
 * kept buffer is allocated once per thread. The buffers belong to the
 * thread and are freed when it exits; callers borrow one between
 * nw_scratch_get() and nw_scratch_put() and must not keep its data.
 */
#ifndef NW_SCRATCH_H
#define NW_SCRATCH_H

#include "core/buf.h"

/* One slot per user, so two users can hold theirs at once. */
typedef enum nw_scratch_slot {
    NW_SCRATCH_DUMP,    /* encode/ninjs_dump.c: a record's compact JSON */
    NW_SCRATCH_HASH,    /* parse/article.c: the content hash's text */
    NW_SCRATCH_TEXT,    /* parse/text.c: the text reader's lines and blocks */
    NW_SCRATCH_PAGE,    /* parse/article.c: a page's terminated or repaired copy */
    NW_SCRATCH_HTML,    /* parse/html.c: the scanner's text of a page */
    NW_SCRATCH_ARTICLE, /* parse/article.c: a page's article text */
    NW_SCRATCH_WHOLE,   /* parse/article.c: a page's whole text */
    NW_SCRATCH__COUNT
} nw_scratch_slot_t;

/* This thread's buffer for `slot`, empty; `own` (an empty buffer of the
 * caller's) when it cannot be had. Never NULL. */
nw_buf_t *nw_scratch_get(nw_scratch_slot_t slot, nw_buf_t *own);
/* Done with b from nw_scratch_get(): `own` is freed, and a thread's buffer
 * that grew past 1 MB too, so one huge message does not pin its size for
 * the life of the thread. */
void nw_scratch_put(nw_buf_t *b, nw_buf_t *own);

#endif
