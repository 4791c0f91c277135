/*
 * Texts for the tests that compare the AVX-512, AVX2 and portable
 * instances of a byte pass (tests/unit/test_utf8_scan.c,
 * test_ninjs_dump.c): a byte sequence placed at a text's start and around
 * the ends of its first and second 64-byte blocks, and the text cut at
 * every length where a step or a masked tail begins or ends near it.
 * Header-only: each test is its own executable.
 */
#ifndef NW_TEST_BLOCK_EDGES_H
#define NW_TEST_BLOCK_EDGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Offsets 0 .. NW_EDGE_LAST - 1 are tried; nw_edge_skip() says which not. */
#define NW_EDGE_LAST 136
/* The most cut lengths nw_edge_cuts() gives. */
#define NW_EDGE_CUTS 9

/* Whether offset at is far from the text's start and from a block end. */
static inline bool nw_edge_skip(size_t at)
{
    return at > 8 && (at < 56 || at > 72) && at < 120;
}

/* t = base[0, at), then part (pl bytes), then base[at, base_len); t holds
 * base_len + pl bytes (no terminator). */
static inline void nw_edge_place(char *t, const char *base, size_t base_len, const char *part,
                                 size_t pl, size_t at)
{
    memcpy(t, base, at);
    memcpy(t + at, part, pl);
    memcpy(t + at + pl, base + at, base_len - at);
}

/* The lengths to cut the text at, for a part of pl bytes at offset at of
 * a text of total bytes: just after the part and inside its last byte,
 * and each block edge the part does not reach past. Returns their count. */
static inline size_t nw_edge_cuts(size_t at, size_t pl, size_t total, size_t out[NW_EDGE_CUTS])
{
    const size_t cuts[NW_EDGE_CUTS] = {at + pl, at + pl - 1, 63, 64, 65, 127, 128, 129, total};
    size_t k = 0;
    for (size_t c = 0; c < NW_EDGE_CUTS; c++)
        if (c <= 1 || cuts[c] >= at + pl)
            out[k++] = cuts[c];
    return k;
}

/* Room of the text nw_edge_each() hands out: the base, and a part twice. */
#define NW_EDGE_ROOM 256

/* One text of nw_edge_each(): t holds part (pl bytes) at offset at of the
 * base, cuts the n_cuts lengths to try; t has NW_EDGE_ROOM bytes and may be
 * written (e.g. the part again after it). */
typedef void (*nw_edge_fn)(char *t, size_t at, const char *part, size_t pl, const size_t *cuts,
                           size_t n_cuts, void *arg);

/* Calls fn for each part (NUL-terminated) at each offset nw_edge_skip()
 * leaves, placed in base (base_len bytes), with its cuts. */
static inline void nw_edge_each(const char *base, size_t base_len, const char *const *parts,
                                size_t n_parts, nw_edge_fn fn, void *arg)
{
    for (size_t pi = 0; pi < n_parts; pi++) {
        size_t pl = strlen(parts[pi]);
        if (base_len + 2 * pl > NW_EDGE_ROOM)
            abort(); /* a test's texts outgrew the room */
        for (size_t at = 0; at < NW_EDGE_LAST; at++) {
            if (nw_edge_skip(at))
                continue;
            char t[NW_EDGE_ROOM];
            nw_edge_place(t, base, base_len, parts[pi], pl, at);
            size_t cuts[NW_EDGE_CUTS];
            size_t n_cuts = nw_edge_cuts(at, pl, base_len + pl, cuts);
            fn(t, at, parts[pi], pl, cuts, n_cuts, arg);
        }
    }
}

#endif
