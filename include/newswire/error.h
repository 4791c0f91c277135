/*
 * newswire's one error convention.
 *
 * Every fallible function returns 0 on success or a negative nw_err_t, and
 * fills an optional caller-owned nw_error_t with the detail a human needs.
 * An input that is well-formed as a call but not acceptable as an article
 * (the data's fault, not the program's) returns NW_ERR_REJECTED and sets a
 * stable reject code: those codes are a public contract (they travel in the
 * dead-letter topic's `newswire-error` header), so never rename one.
 */
#ifndef NEWSWIRE_ERROR_H
#define NEWSWIRE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nw_err {
    NW_OK = 0,
    NW_ERR_NOMEM = -1,    /* allocation failed */
    NW_ERR_INVALID = -2,  /* bad argument, option or configuration */
    NW_ERR_IO = -3,       /* file or socket error; errno-style detail in msg */
    NW_ERR_REJECTED = -4, /* the input is not an acceptable article: see reject */
    NW_ERR_KAFKA = -5,    /* a Kafka client error */
    NW_ERR_FATAL = -6,    /* unrecoverable: the process must stop */
    NW_ERR_NOT_FOUND = -7,
    NW_ERR_RANGE = -8, /* a value outside what is possible (e.g. offset past end) */
} nw_err_t;

/* Stable reasons for rejecting an input message (see nw_reject_name()). */
typedef enum nw_reject {
    NW_REJECT_NONE = 0,
    NW_REJECT_EMPTY,          /* "empty": no bytes, or only whitespace */
    NW_REJECT_BINARY,         /* "binary": NUL bytes or mostly invalid UTF-8 */
    NW_REJECT_TOO_LARGE,      /* "too-large": above parse.max.message.bytes */
    NW_REJECT_BAD_ENVELOPE,   /* "bad-envelope": malformed or incomplete JSON envelope */
    NW_REJECT_NOT_AN_ARTICLE, /* "not-an-article": no headline or body after cleaning */
    NW_REJECT_NO_TIMESTAMP,   /* "no-timestamp": neither Published nor Updated time */
    NW_REJECT_BAD_TIMESTAMP,  /* "bad-timestamp": a timestamp line that cannot be read */
    NW_REJECT_ENRICHMENT,     /* "enrichment-failed": a fail-closed enricher gave up */
    /* "record-too-large": the record it makes is more than the output topic,
     * the broker or the producer accepts, or the broker refused that record */
    NW_REJECT_RECORD_TOO_LARGE,
    NW_REJECT__COUNT
} nw_reject_t;

#define NW_ERROR_MSG_MAX 512

/* Caller-owned error detail. Zero-initialise it; functions overwrite it. */
typedef struct nw_error {
    nw_err_t code;
    nw_reject_t reject;
    char msg[NW_ERROR_MSG_MAX];
} nw_error_t;

/* Sets code and message; returns code so callers can `return nw_error_set(...)`.
 * err may be NULL. */
int nw_error_set(nw_error_t *err, nw_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a rejection; returns NW_ERR_REJECTED. err may be NULL. */
int nw_error_reject(nw_error_t *err, nw_reject_t reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stable kebab-case name of a reject code ("too-large"); never NULL. */
const char *nw_reject_name(nw_reject_t reason);

/* Short text of an error code ("out of memory"); never NULL. */
const char *nw_err_name(nw_err_t code);

#ifdef __cplusplus
}
#endif
#endif
