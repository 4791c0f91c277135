/*
 * The error convention's helpers: formatting detail into a caller-owned
 * nw_error_t and naming the stable reject codes.
 */
#include "newswire/error.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const reject_names[NW_REJECT__COUNT] = {
    [NW_REJECT_NONE] = "none",
    [NW_REJECT_EMPTY] = "empty",
    [NW_REJECT_BINARY] = "binary",
    [NW_REJECT_TOO_LARGE] = "too-large",
    [NW_REJECT_BAD_ENVELOPE] = "bad-envelope",
    [NW_REJECT_NOT_AN_ARTICLE] = "not-an-article",
    [NW_REJECT_NO_TIMESTAMP] = "no-timestamp",
    [NW_REJECT_BAD_TIMESTAMP] = "bad-timestamp",
    [NW_REJECT_ENRICHMENT] = "enrichment-failed",
    [NW_REJECT_RECORD_TOO_LARGE] = "record-too-large",
};

static void set_msg(nw_error_t *err, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int nw_error_set(nw_error_t *err, nw_err_t code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        err->reject = NW_REJECT_NONE;
        va_start(ap, fmt);
        set_msg(err, fmt, ap);
        va_end(ap);
    }
    return code;
}

int nw_error_reject(nw_error_t *err, nw_reject_t reason, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = NW_ERR_REJECTED;
        err->reject = reason;
        va_start(ap, fmt);
        set_msg(err, fmt, ap);
        va_end(ap);
    }
    return NW_ERR_REJECTED;
}

const char *nw_reject_name(nw_reject_t reason)
{
    if ((int)reason < 0 || reason >= NW_REJECT__COUNT)
        return "unknown";
    return reject_names[reason];
}

const char *nw_err_name(nw_err_t code)
{
    switch (code) {
    case NW_OK:
        return "ok";
    case NW_ERR_NOMEM:
        return "out of memory";
    case NW_ERR_INVALID:
        return "invalid argument";
    case NW_ERR_IO:
        return "input/output error";
    case NW_ERR_REJECTED:
        return "rejected";
    case NW_ERR_KAFKA:
        return "kafka error";
    case NW_ERR_FATAL:
        return "fatal error";
    case NW_ERR_NOT_FOUND:
        return "not found";
    case NW_ERR_RANGE:
        return "out of range";
    }
    return "unknown error";
}
