/*
 * The record writer's pass over the body (put_measured() in encode/ninjs.c)
 * escapes each paragraph into the record and counts its words and
 * characters at once. Most of a body is runs of printable ASCII without
 * '"' or '\\', copied as they are and counted from masks of their spaces:
 * the counting is here, shared by the SSE2 steps of the writer and the
 * AVX2 steps of nw_body_run_avx2(), which take 32 bytes in one vector.
 */
#ifndef NW_BODY_RUN_H
#define NW_BODY_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the pass has found so far: words and characters; `twice` not zero
 * once a space followed a space (or the text's start: last_sp is 1 there),
 * so that the paragraph is not its own collapse; whether the last byte was
 * a space, and whether it was inside a word. */
typedef struct nw_body_scan {
    size_t words, chars;
    uint64_t twice, last_sp;
    bool in_word;
} nw_body_scan_t;

/* Counts n (1..32) plain bytes whose spaces are the bits of sp (bit k for
 * byte k) and returns the mask of the bytes that start a word, for the
 * caller to count (with popcnt where it has it). */
static inline uint32_t nw_body_count(nw_body_scan_t *st, uint32_t sp, unsigned n)
{
    uint32_t m = n == 32 ? ~0u : (1u << n) - 1;
    sp &= m;
    st->twice |= (sp & (sp >> 1)) | (sp & st->last_sp);
    uint32_t starts = ~sp & ((sp << 1) | !st->in_word) & m;
    st->last_sp = sp >> (n - 1);
    st->in_word = !st->last_sp;
    st->chars += n;
    return starts;
}

/* 1 when this CPU can run nw_body_run_avx2(). */
int nw_body_run_have_avx2(void);

/* Takes s[0, len) 32 bytes a step while at least 32 remain and a step is
 * all printable ASCII without '"' or '\\': copies them to d (which has
 * room for len bytes) and counts them into *st; of the step where it
 * stops, the bytes before the first other one. Returns how many bytes it
 * took. Only where nw_body_run_have_avx2(). */
size_t nw_body_run_avx2(const unsigned char *s, size_t len, char *d, nw_body_scan_t *st);

/* The steps the writer takes where the CPU has them, *min the fewest
 * bytes worth a call: where it has AVX-512 BW, the 64-byte steps, which
 * go on to the text's end (a masked step for its last 1 to 63 bytes) and
 * through the letters beyond ASCII that nw_utf8_common_len() takes, while
 * the bytes are those or plain (*min is 1); else nw_body_run_avx2() (32),
 * or NULL. Same contract as nw_body_run_avx2() otherwise. */
typedef size_t nw_body_run_fn(const unsigned char *s, size_t len, char *d, nw_body_scan_t *st);
nw_body_run_fn *nw_body_run_pick(size_t *min);

#endif
