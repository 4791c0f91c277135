/*
 * The compact dump of a record's tree (nw_ninjs_dump_compact()), the
 * splice of what the enrichers added into a record written directly
 * (nw_ninjs_splice()), and the JSON pieces the enrichers write their
 * members with (nw_json_put_*()). The escapes are dump_string()'s
 * (encode/ninjs_internal.h), shared with the direct writer.
 */
#include <jansson.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/scratch.h"
#include "encode/ninjs.h"
#include "encode/ninjs_internal.h"

static void dump_value(nw_buf_t *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        nw_buf_putc(b, '{');
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                nw_buf_putc(b, ',');
            first = false;
            dump_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
            nw_buf_putc(b, ':');
            dump_value(b, json_object_iter_value(it));
        }
        nw_buf_putc(b, '}');
        break;
    }
    case JSON_ARRAY: {
        nw_buf_putc(b, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            if (i)
                nw_buf_putc(b, ',');
            dump_value(b, json_array_get(v, i));
        }
        nw_buf_putc(b, ']');
        break;
    }
    case JSON_STRING:
        dump_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        dump_integer(b, json_integer_value(v));
        break;
    case JSON_TRUE:
        nw_buf_append(b, "true", 4);
        break;
    case JSON_FALSE:
        nw_buf_append(b, "false", 5);
        break;
    case JSON_NULL:
        nw_buf_append(b, "null", 4);
        break;
    case JSON_REAL: {
        /* Rare (enricher scores): jansson's own formatting, which the
         * record's bytes depend on. */
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (t)
            nw_buf_puts(b, t);
        else
            b->oom = true;
        free(t);
        break;
    }
    }
}

/* Records are written into this thread's scratch buffer, kept from record
 * to record, and copied out at their exact size (core/scratch.h). */
char *nw_ninjs_dump_compact(const json_t *record, size_t *len)
{
    *len = 0;
    if (!record)
        return NULL;
    nw_buf_t own = NW_BUF_INIT, *b = nw_scratch_get(NW_SCRATCH_DUMP, &own);
    dump_value(b, record);
    char *out = nw_buf_ok(b) ? nw_memdup_str(nw_buf_str(b), b->len) : NULL;
    if (out)
        *len = b->len;
    nw_scratch_put(b, &own);
    return out;
}

char *nw_ninjs_dump(const json_t *record, bool pretty)
{
    size_t len;
    if (pretty)
        return record ? json_dumps(record, JSON_INDENT(2)) : NULL;
    return nw_ninjs_dump_compact(record, &len);
}

/* ",\"k\":v" for each member of obj from its `from`-th on, in their order. */
static void dump_members(nw_buf_t *b, const json_t *obj, size_t from)
{
    size_t i = 0;
    for (void *it = json_object_iter((json_t *)obj); it;
         it = json_object_iter_next((json_t *)obj, it), i++) {
        if (i < from)
            continue;
        nw_buf_putc(b, ',');
        dump_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
        nw_buf_putc(b, ':');
        dump_value(b, json_object_iter_value(it));
    }
}

/* Opens rec for the splice: drops the closing braces of the record (and of
 * its extension unless plain_ninjs); false when rec is too short for them. */
static bool splice_open(nw_buf_t *rec, bool plain_ninjs)
{
    /* The record ends in "}}" (the extension's end, then its own) or, with
     * the extension left out, in "}". */
    size_t keep = plain_ninjs ? 1 : 2;
    if (rec->len < keep)
        return false;
    rec->len -= keep;
    return true;
}

int nw_ninjs_splice(nw_buf_t *rec, bool plain_ninjs, const json_t *stub, size_t n_members)
{
    const json_t *ext = json_object_get(stub, "newswire");
    if (!json_is_object(ext) || !splice_open(rec, plain_ninjs))
        return NW_ERR_INVALID;
    if (!plain_ninjs) {
        dump_members(rec, ext, 0);
        nw_buf_putc(rec, '}');
    }
    dump_members(rec, stub, n_members);
    nw_buf_putc(rec, '}');
    return nw_buf_ok(rec) ? 0 : NW_ERR_NOMEM;
}

int nw_ninjs_splice_bytes(nw_buf_t *rec, bool plain_ninjs, const nw_buf_t *ext, const nw_buf_t *top)
{
    if (!nw_buf_ok(ext) || !nw_buf_ok(top))
        return NW_ERR_NOMEM;
    if (!splice_open(rec, plain_ninjs))
        return NW_ERR_INVALID;
    /* An empty buffer may have no data to copy from. */
    if (!plain_ninjs) {
        if (ext->len)
            nw_buf_append(rec, ext->data, ext->len);
        nw_buf_putc(rec, '}');
    }
    if (top->len)
        nw_buf_append(rec, top->data, top->len);
    nw_buf_putc(rec, '}');
    return nw_buf_ok(rec) ? 0 : NW_ERR_NOMEM;
}

void nw_json_put_string(nw_buf_t *b, const char *s, size_t len)
{
    dump_string(b, s, len);
}

void nw_json_put_int(nw_buf_t *b, long long v)
{
    dump_integer(b, (json_int_t)v);
}

void nw_json_put_value(nw_buf_t *b, const json_t *v)
{
    dump_value(b, v);
}
