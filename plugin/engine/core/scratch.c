/* Per-thread scratch buffers (see scratch.h). */
#include "core/scratch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define NW_SCRATCH_KEEP ((size_t)1 << 20)

static __thread nw_buf_t *scratch; /* this thread's slots; freed at its exit */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_keyed;

static void scratch_free(void *p)
{
    nw_buf_t *slots = p;
    for (int i = 0; i < NW_SCRATCH__COUNT; i++)
        nw_buf_free(&slots[i]);
    free(slots);
}

static void scratch_key_init(void)
{
    scratch_keyed = pthread_key_create(&scratch_key, scratch_free) == 0;
}

nw_buf_t *nw_scratch_get(nw_scratch_slot_t slot, nw_buf_t *own)
{
    if ((unsigned)slot >= NW_SCRATCH__COUNT)
        return own;
    if (!scratch) {
        pthread_once(&scratch_once, scratch_key_init);
        nw_buf_t *slots = scratch_keyed ? calloc(NW_SCRATCH__COUNT, sizeof(*slots)) : NULL;
        if (!slots || pthread_setspecific(scratch_key, slots) != 0) {
            free(slots);
            return own;
        }
        scratch = slots;
    }
    nw_buf_t *b = &scratch[slot];
    nw_buf_reset(b);
    b->oom = false;
    return b;
}

void nw_scratch_put(nw_buf_t *b, nw_buf_t *own)
{
    if (b == own || b->cap > NW_SCRATCH_KEEP)
        nw_buf_free(b);
}
