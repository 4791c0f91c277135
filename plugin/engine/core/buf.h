/*
 * nw_buf: a growable byte buffer, always NUL-terminated, for building text.
 *
 * The buffer owns its memory; nw_buf_steal() hands it to the caller. A failed
 * allocation sets a sticky `oom` flag instead of returning an error from every
 * append, so builders check once at the end (nw_buf_ok()).
 */
#ifndef NW_BUF_H
#define NW_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct nw_buf {
    char *data; /* NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
    bool oom;
} nw_buf_t;

#define NW_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

/* The growing path of nw_buf_append(); call nw_buf_append() instead. */
void nw_buf_append_grow(nw_buf_t *b, const char *s, size_t n);
/* The growing path of nw_buf_reserve(); call nw_buf_reserve() instead. */
bool nw_buf_reserve_grow(nw_buf_t *b, size_t extra);
/* Makes room for `extra` more bytes (and the NUL) so that writers that know a
 * bound can fill b->data directly; false (and oom set) on allocation failure.
 * Inline for the same reason as nw_buf_append() below: the text reader
 * reserves for each line, and the room is almost always there. */
static inline bool nw_buf_reserve(nw_buf_t *b, size_t extra)
{
    if (!b->oom && b->len + extra + 1 <= b->cap)
        return true;
    return nw_buf_reserve_grow(b, extra);
}
void nw_buf_puts(nw_buf_t *b, const char *s);
void nw_buf_printf(nw_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nw_buf_reset(nw_buf_t *b);
/* Returns the text (never NULL unless oom: "" is allocated for an empty buffer)
 * and leaves the buffer empty. The caller frees the result. */
char *nw_buf_steal(nw_buf_t *b);
void nw_buf_free(nw_buf_t *b);
/* A NUL-terminated copy of n bytes that need not be NUL-terminated
 * themselves (a Kafka key): unlike strndup(), reads exactly n bytes. */
char *nw_memdup_str(const void *p, size_t n);

/* Appends n bytes. Inline because the parsers append a few bytes at a
 * time, millions of times a second: when they fit, this is a copy and a
 * store, not a call. */
static inline void nw_buf_append(nw_buf_t *b, const char *s, size_t n)
{
    if (b->len + n < b->cap && !b->oom) {
        if (n)
            memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    nw_buf_append_grow(b, s, n);
}

/* Appends a string literal, whose length the compiler knows: no strlen()
 * and no call, where nw_buf_puts() has both. */
#define nw_buf_lit(b, lit) nw_buf_append((b), "" lit, sizeof(lit) - 1)

static inline void nw_buf_putc(nw_buf_t *b, char c)
{
    if (b->len + 1 < b->cap && !b->oom) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    nw_buf_append_grow(b, &c, 1);
}

static inline bool nw_buf_ok(const nw_buf_t *b)
{
    return !b->oom;
}
static inline const char *nw_buf_str(const nw_buf_t *b)
{
    return b->data ? b->data : "";
}

#endif
