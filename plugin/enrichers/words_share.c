/*
 * The word lists of one enrichment run, shared by the built-ins that ask
 * for them (builtins.h: nw_words_share_begin(), nw_words_of()), and the
 * memory the thread keeps for them from one run to the next.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "enrichers/builtins.h"
#include "enrichers/words_internal.h"

/* The words of the records of the batch being enriched, made at most once
 * per record: lang and subjects read the same words of the same text. Set
 * by nw_enrichers_run for the length of one run, on its own thread, so two
 * processors on two threads never share it; keyed by the input pointer and
 * its three texts, so an enricher called outside a run (a unit test, a
 * plugin's own call) makes its own list as before. */
/* The lists' text and arrays are carved from large chunks (two allocations
 * of some 40 KB a record, and their frees, were the enrichers' costliest);
 * carved at the room an article's words take at most, so a list is never
 * grown. A run's chunks outlive it: the thread keeps them, up to
 * NW_WORDS_KEEP bytes, for its next run, whose lists then land in memory
 * that is already mapped. Chunks freed and allocated anew each run had
 * the kernel clear and map their pages again: some 880 page faults a
 * batch of 500 articles, taken in the middle of splitting words. What a
 * thread keeps is freed when it exits (a pthread key's destructor).
 *
 * Eight chunks are kept at most. The one-thread path of a chain of
 * byte-writing built-ins runs over slices of 64 records: up to 4 MB a run
 * (1.7 MB on average) over the benchmark's 10,000 messages; the staged
 * path's head and newswire parse run over one record, which took one
 * chunk for every message of those and of 1,701 real HTML pages. Only a
 * chain on the jansson path (a plugin or the HTTP enricher on) with one
 * thread runs over a whole batch, 21 MB a run for bench_parse's batches
 * of 500; keeping 32 MB for it rather than 4 made no difference in its
 * page faults or CPU time (the allocator keeps freed pages mapped for a
 * while) and some 10 MB in its peak RSS. A chunk made larger for an
 * outsized article is kept only within the same 8 MB. */
#define NW_WORDS_CHUNK ((size_t)1 << 20)
#define NW_WORDS_KEEP  ((size_t)8 << 20)
typedef struct words_chunk {
    struct words_chunk *next;
    size_t used, cap; /* bytes of the chunk after this header */
} words_chunk_t;

typedef struct words_share {
    const nw_enrich_input_t *const *in;
    nw_words_t *words; /* the run's lists; room entries, kept across runs */
    bool *made;        /* the same */
    size_t n, room;
    size_t next;           /* where the next lookup starts: enrichers go in order */
    words_chunk_t *chunks; /* the run's, the newest first */
    words_chunk_t *spare;  /* kept from earlier runs, for this one's carves */
    bool keyed;            /* registered with share_key: the thread's exit frees */
} words_share_t;

static _Thread_local words_share_t share;
static pthread_key_t share_key;
static pthread_once_t share_once = PTHREAD_ONCE_INIT;
static bool share_keyed;

static void chunks_free(words_chunk_t *c)
{
    for (words_chunk_t *next; c; c = next) {
        next = c->next;
        free(c);
    }
}

/* Frees everything the thread's share holds (p is &share). */
static void share_release(void *p)
{
    words_share_t *s = p;
    chunks_free(s->chunks);
    chunks_free(s->spare);
    free(s->words);
    free(s->made);
    memset(s, 0, sizeof(*s));
}

static void share_key_init(void)
{
    share_keyed = pthread_key_create(&share_key, share_release) == 0;
}

/* Room for n lists in the share's arrays. */
static bool share_room(size_t n)
{
    if (n <= share.room)
        return true;
    free(share.words);
    free(share.made);
    share.words = calloc(n, sizeof(*share.words));
    share.made = malloc(n * sizeof(*share.made));
    share.room = share.words && share.made ? n : 0;
    return share.room != 0;
}

void nw_words_share_begin(const nw_enrich_input_t *const *in, size_t n)
{
    nw_words_share_end();
    if (!share.keyed) {
        pthread_once(&share_once, share_key_init);
        share.keyed = share_keyed && pthread_setspecific(share_key, &share) == 0;
    }
    if (!share_room(n)) /* no sharing: each enricher makes its own */
        return;
    memset(share.made, 0, n * sizeof(*share.made));
    share.in = in;
    share.n = n;
}

void nw_words_share_end(void)
{
    /* A list whose room could not be carved has its own (see
     * share_article()). */
    for (size_t i = 0; i < share.n; i++)
        if (share.made[i])
            nw_words_free(&share.words[i]);
    share.in = NULL;
    share.n = share.next = 0;
    if (!share.keyed) { /* nothing frees what is kept: keep nothing */
        share_release(&share);
        return;
    }
    /* The run's chunks go before the spare ones, in the order the run
     * took them, so that the next run carves the same memory in the same
     * order; as many as NW_WORDS_KEEP allows (a run of outsized articles
     * gives back what it took more), the least recently used freed. */
    words_chunk_t *kept = share.spare;
    for (words_chunk_t *c = share.chunks, *next; c; c = next) {
        next = c->next;
        c->next = kept;
        kept = c;
    }
    size_t bytes = 0;
    words_chunk_t **at = &kept;
    while (*at && bytes + sizeof(**at) + (*at)->cap <= NW_WORDS_KEEP) {
        bytes += sizeof(**at) + (*at)->cap;
        at = &(*at)->next;
    }
    chunks_free(*at);
    *at = NULL;
    share.spare = kept;
    share.chunks = NULL;
}

/* A chunk of at least bytes for the run: a spare one that fits, else a new
 * one; NULL when out of memory. */
static words_chunk_t *chunk_for(size_t bytes)
{
    for (words_chunk_t **at = &share.spare, *c; (c = *at); at = &c->next) {
        if (c->cap >= bytes) {
            *at = c->next;
            return c;
        }
    }
    size_t cap = bytes > NW_WORDS_CHUNK ? bytes : NW_WORDS_CHUNK;
    words_chunk_t *c = malloc(sizeof(*c) + cap);
    if (c)
        c->cap = cap;
    return c;
}

/* bytes (a multiple of 8) from the run's chunks; NULL when out of memory.
 * The header keeps what follows it 8-byte aligned. */
_Static_assert(sizeof(words_chunk_t) % 8 == 0, "carved arrays stay aligned");
static void *share_carve(size_t bytes)
{
    words_chunk_t *c = share.chunks;
    if (!c || c->cap - c->used < bytes) {
        if (!(c = chunk_for(bytes)))
            return NULL;
        c->used = 0;
        c->next = share.chunks;
        share.chunks = c;
    }
    void *p = (char *)(c + 1) + c->used;
    c->used += bytes;
    return p;
}

/* The words of in, made into w with room carved from the run's chunks (or
 * of its own when they cannot give it). */
static void share_article(nw_words_t *w, const nw_enrich_input_t *in)
{
    nw_words_room_t r = nw_words_room(in);
    size_t cap = r.words + 1; /* and the end offset, offsets[n] */
    size_t arrays = cap * sizeof(*w->offsets);
    size_t text = (r.text + NW_WORDS_SLACK + 7) & ~(size_t)7;
    char *p = share_carve(arrays + text);
    *w = (nw_words_t)NW_WORDS_INIT;
    if (p) {
        *w = (nw_words_t){.offsets = (size_t *)(void *)p,
                          .cap = cap,
                          .text = p + arrays,
                          .text_cap = text,
                          .borrowed = true};
    }
    nw_words_article_room(w, in, &r);
}

const nw_words_t *nw_words_of(const nw_enrich_input_t *in, nw_words_t *own)
{
    for (size_t k = 0; k < share.n; k++) {
        size_t i = (share.next + k) % share.n;
        const nw_enrich_input_t *s = share.in[i];
        if (s != in)
            continue;
        share.next = i + 1;
        if (!share.made[i]) {
            share_article(&share.words[i], in);
            share.made[i] = true;
        }
        if (!share.words[i].oom)
            return &share.words[i];
        break;
    }
    nw_words_article(own, in);
    return own;
}
