/*
 * Builds the ninjs 2.2 record of an article version (see ninjs.h).
 *
 * Keys are added in one fixed order and no value depends on the clock, so the
 * same input gives the same bytes. Counts follow ninjs: wordcount is the
 * number of whitespace-separated words, charcount the number of Unicode
 * characters of the body text.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "encode/ninjs.h"
#include "parse/timestamp.h"

static size_t count_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The id inside a URN: unreserved and sub-delimiter characters as they are,
 * everything else percent-encoded, so any key yields a valid uri. */
static char *article_urn(const char *id)
{
    static const char ok[] = "-._~:/@!$&'()*+,;=";
    nw_buf_t b = NW_BUF_INIT;
    nw_buf_puts(&b, "urn:newswire:article:");
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr(ok, *p))
            nw_buf_putc(&b, (char)*p);
        else
            nw_buf_printf(&b, "%%%02X", *p);
    }
    return nw_buf_steal(&b);
}

static int set_new(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new(obj, key, value) : -1;
}

/* {"role": role, "value": value}; takes the reference to value. */
static json_t *role_value_new(const char *role, json_t *value)
{
    json_t *o = value ? json_object() : NULL;
    if (!o || set_new(o, "role", json_string(role)) < 0) {
        json_decref(value);
        json_decref(o);
        return NULL;
    }
    /* json_object_set_new() takes value even when it fails. */
    if (set_new(o, "value", value) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *role_value(const char *role, const char *value)
{
    return role_value_new(role, json_string(value));
}

static json_t *one_item_array(json_t *item)
{
    json_t *a = item ? json_array() : NULL;
    if (a && json_array_append_new(a, item) == 0)
        return a;
    json_decref(a);
    if (!a)
        json_decref(item);
    return NULL;
}

/* Key text for JSON: the bytes when they are UTF-8, else their hex. */
static json_t *key_value(const char *key, size_t len)
{
    nw_buf_t b = NW_BUF_INIT;
    size_t bad = nw_utf8_sanitize(key, len, &b);
    json_t *v;
    if (bad || b.len != len) {
        char *hex = malloc(2 * len + 1);
        v = NULL;
        if (hex) {
            nw_hex((const uint8_t *)key, len, hex);
            v = json_string(hex);
            free(hex);
        }
    } else {
        v = json_stringn(nw_buf_str(&b), b.len);
    }
    nw_buf_free(&b);
    return v;
}

static json_t *build_source(const nw_article_t *a, const nw_record_source_t *s)
{
    json_t *o = json_object();
    int rc = 0;
    if (!o)
        return NULL;
    if (s->topic) {
        rc |= set_new(o, "topic", json_string(s->topic));
        rc |= set_new(o, "partition", json_integer(s->partition));
        rc |= set_new(o, "offset", json_integer(s->offset));
        if (s->key)
            rc |= set_new(o, "key", key_value(s->key, s->key_len));
    } else {
        rc |= set_new(o, "file", json_string(s->file ? s->file : "-"));
    }
    rc |= set_new(o, "format", json_string(nw_format_name(a->format)));
    if (a->format == NW_FORMAT_JSON)
        rc |= set_new(o, "content_format", json_string(nw_format_name(a->inner_format)));
    if (a->source)
        rc |= set_new(o, "name", json_string(a->source));
    if (a->url)
        rc |= set_new(o, "url", json_string(a->url));
    if (a->fetched_at)
        rc |= set_new(o, "fetched_at", json_string(a->fetched_at));
    if (a->provenance_json)
        rc |= set_new(o, "provenance", json_loads(a->provenance_json, 0, NULL));
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Where each field came from, for the records whose fields the metadata
 * layer decided; NULL (no member) for the plain text path. */
static json_t *field_sources(const nw_article_t *a, int *rc)
{
    json_t *o = NULL;
    for (int f = 0; f < NW_FIELD__COUNT; f++) {
        if (a->field_source[f] == NW_SRC_UNSET)
            continue;
        if (!o && !(o = json_object())) {
            *rc = -1;
            return NULL;
        }
        *rc |= set_new(o, nw_field_name((nw_field_t)f),
                       json_string(nw_field_source_name((nw_field_source_t)a->field_source[f])));
    }
    return o;
}

/* Times known only to the day: {"firstcreated": "day"}; NULL when none. */
static json_t *time_precision(const nw_article_t *a, int *rc)
{
    uint8_t first = a->has_published ? a->published_precision : a->updated_precision;
    uint8_t version = a->has_updated ? a->updated_precision : a->published_precision;
    if (first == NW_PRECISION_SECOND && version == NW_PRECISION_SECOND)
        return NULL;
    json_t *o = json_object();
    if (!o) {
        *rc = -1;
        return NULL;
    }
    *rc |= set_new(o, "firstcreated", json_string(first == NW_PRECISION_DAY ? "day" : "second"));
    *rc |=
        set_new(o, "versioncreated", json_string(version == NW_PRECISION_DAY ? "day" : "second"));
    return o;
}

static json_t *build_extension(const nw_article_t *a, const nw_record_meta_t *m)
{
    json_t *ext = json_object();
    json_t *credits = json_array();
    uint8_t digest[32];
    char hex[65], sim[17];
    int rc = 0;
    if (!ext || !credits)
        goto fail;
    uint64_t s;
    nw_article_hashes(a, digest, &s);
    nw_hex(digest, 32, hex);
    for (int i = 0; i < 8; i++)
        digest[i] = (uint8_t)(s >> (56 - 8 * i));
    nw_hex(digest, 8, sim);
    for (size_t i = 0; i < a->n_image_credits; i++)
        rc |= json_array_append_new(credits, json_string(a->image_credits[i]));
    rc |= set_new(ext, "article_id", json_string(m->article_id));
    rc |= set_new(ext, "source", build_source(a, &m->source));
    rc |= set_new(ext, "content_hash", json_sprintf("sha256:%s", hex));
    rc |= set_new(ext, "simhash", json_string(sim));
    rc |= json_object_set_new(ext, "image_credits", credits);
    credits = NULL;
    json_t *v = field_sources(a, &rc);
    if (v)
        rc |= set_new(ext, "field_sources", v);
    if ((v = time_precision(a, &rc)))
        rc |= set_new(ext, "time_precision", v);
    if (rc)
        goto fail;
    return ext;
fail:
    json_decref(credits);
    json_decref(ext);
    return NULL;
}

json_t *nw_ninjs_build(const nw_article_t *a, const nw_record_meta_t *m)
{
    json_t *r = json_object();
    char *urn = article_urn(m->article_id);
    char *body = nw_article_body(a);
    char first[21], version_time[21], version[16];
    int rc = 0;
    if (!r || !urn || !body)
        goto fail;
    nw_timestamp_format(a->has_published ? a->published : nw_article_version_time(a), first);
    nw_timestamp_format(nw_article_version_time(a), version_time);
    snprintf(version, sizeof(version), "%u", m->version);
    /* One pass checks the body's UTF-8 (so jansson need not) and counts
     * its words and characters; text that is not valid UTF-8 keeps the
     * byte-wise counts and jansson's check, which refuses it. */
    size_t body_len = strlen(body), words, chars;
    bool valid = nw_utf8_measure(body, body_len, &words, &chars);
    if (!valid) {
        words = nw_utf8_count_words(body);
        chars = count_chars(body);
    }

    rc |= set_new(r, "uri", json_string(urn));
    rc |= set_new(r, "type", json_string("text"));
    rc |= set_new(r, "representationtype", json_string("full"));
    rc |= set_new(r, "version", json_string(version));
    rc |= set_new(r, "firstcreated", json_string(first));
    rc |= set_new(r, "versioncreated", json_string(version_time));
    rc |= set_new(r, "headlines", one_item_array(role_value("main", a->headline)));
    if (a->standfirst)
        rc |= set_new(r, "descriptions", one_item_array(role_value("summary", a->standfirst)));
    json_t *b =
        role_value_new("text", valid ? json_stringn_nocheck(body, body_len) : json_string(body));
    if (b) {
        rc |= set_new(b, "contenttype", json_string("text/plain"));
        rc |= set_new(b, "wordcount", json_integer((json_int_t)words));
        rc |= set_new(b, "charcount", json_integer((json_int_t)chars));
    }
    rc |= set_new(r, "bodies", one_item_array(b));
    if (a->byline)
        rc |= set_new(r, "by", json_string(a->byline));
    if (a->language)
        rc |= set_new(r, "language", json_string(a->language));
    if (!m->plain_ninjs)
        rc |= set_new(r, "newswire", build_extension(a, m));
    if (rc)
        goto fail;
    free(urn);
    free(body);
    return r;
fail:
    free(urn);
    free(body);
    json_decref(r);
    return NULL;
}

/*
 * The compact dump, written straight into one buffer. json_dumps() goes
 * through a callback per fragment and a strbuffer that grows from 16 bytes;
 * this writer produces the same bytes (jansson 2.14, JSON_COMPACT: keys in
 * insertion order, "," and ":" without spaces, only '"', '\\' and control
 * characters escaped, the latter as \uXXXX with upper-case hex unless they
 * have a short form) with one growing buffer and a scan per string.
 * tests/unit/test_ninjs_dump.c compares both over many trees.
 */
/* Whether any of the 8 bytes at p is a control character, '"' or '\\'
 * (the "any byte below n" and "any zero byte" word tests). */
static inline bool needs_escape8(const char *p)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t x, q, bs;
    memcpy(&x, p, 8);
    q = x ^ (0x22 * ones);
    bs = x ^ (0x5C * ones);
    return (((x - 0x20 * ones) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs;
}

static void dump_string(nw_buf_t *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    /* Worst case every byte becomes \u00XX; reserve for the common case and
     * grow only when escapes show up. */
    if (!nw_buf_reserve(b, len + 2))
        return;
    b->data[b->len++] = '"';
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        /* Eight bytes at a time while none needs an escape. */
        while (i + 8 <= len && !needs_escape8(s + i))
            i += 8;
        if (i == len)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char esc[6];
        size_t n = 2;
        esc[0] = '\\';
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        nw_buf_append(b, s + run, i - run);
        nw_buf_append(b, esc, n);
        run = i + 1;
    }
    nw_buf_append(b, s + run, len - run);
    nw_buf_putc(b, '"');
}

static void dump_integer(nw_buf_t *b, json_int_t v)
{
    char tmp[24];
    size_t n = 0;
    /* Through the unsigned magnitude so that the most negative value works. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[sizeof(tmp) - 1 - n++] = '-';
    nw_buf_append(b, tmp + sizeof(tmp) - n, n);
}

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

char *nw_ninjs_dump(const json_t *record, bool pretty)
{
    if (pretty || !record)
        return record ? json_dumps(record, JSON_INDENT(2)) : NULL;
    nw_buf_t b = NW_BUF_INIT;
    nw_buf_reserve(&b, 4096);
    dump_value(&b, record);
    return nw_buf_steal(&b);
}
