/*
 * The ninjs 2.2 record of an article version as a jansson tree
 * (nw_ninjs_build()), for the enrichers to add to before it is dumped, and
 * the stub that stands for it when the record is written directly and
 * spliced (nw_ninjs_stub()).
 *
 * Keys are added in one fixed order and no value depends on the clock, so the
 * same input gives the same bytes. Counts follow ninjs: wordcount is the
 * number of whitespace-separated words, charcount the number of Unicode
 * characters of the body text.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "encode/ninjs.h"
#include "encode/ninjs_internal.h"
#include "parse/timestamp.h"

static size_t count_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static char *article_urn(const char *id)
{
    nw_buf_t b = NW_BUF_INIT;
    nw_ninjs_urn_append(&b, id);
    return nw_buf_steal(&b);
}

/* Every key of the record is an ASCII literal: jansson need not check it. */
static int set_new(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new_nocheck(obj, key, value) : -1;
}

/* A string this file made or chose itself (a literal, digits, hex, the
 * percent-encoded urn): ASCII, so jansson's UTF-8 check is skipped. Text
 * from the input keeps json_string(), which refuses invalid UTF-8. */
static json_t *ascii_string(const char *s)
{
    return json_stringn_nocheck(s, strlen(s));
}

/* Text from the input. jansson checks UTF-8 a byte at a time; clean text
 * (nw_utf8_is_clean(), stricter than jansson) is told 8 bytes at a time,
 * and anything else keeps json_stringn()'s verdict. NULL for NULL. */
static json_t *text_string(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    return nw_utf8_is_clean(s, n) ? json_stringn_nocheck(s, n) : json_stringn(s, n);
}

/*
 * The strings every record has, made once: each record holds a reference to
 * the same value, which saves two allocations and a free each. Nothing
 * changes a record's strings in place (enrichers add members); they live as
 * long as the process.
 */
enum { NW_C_TEXT, NW_C_FULL, NW_C_MAIN, NW_C_SUMMARY, NW_C_TEXT_PLAIN, NW_C__COUNT };
static json_t *constants[NW_C__COUNT];
static pthread_once_t constants_once = PTHREAD_ONCE_INIT;

static void constants_make(void)
{
    static const char *const text[NW_C__COUNT] = {"text", "full", "main", "summary", "text/plain"};
    for (int i = 0; i < NW_C__COUNT; i++)
        constants[i] = ascii_string(text[i]);
}

/* A new reference to constant k, NULL if it could not be made. */
static json_t *constant(int k)
{
    pthread_once(&constants_once, constants_make);
    return json_incref(constants[k]);
}

/* {"role": role, "value": value}; takes the reference to value. */
static json_t *role_value_new(int role, json_t *value)
{
    json_t *o = value ? json_object() : NULL;
    if (!o || set_new(o, "role", constant(role)) < 0) {
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

static json_t *role_value(int role, const char *value)
{
    return role_value_new(role, text_string(value));
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

static json_t *key_value(const char *key, size_t len)
{
    nw_buf_t b = NW_BUF_INIT;
    nw_ninjs_key_text(key, len, &b);
    json_t *v = nw_buf_ok(&b) ? json_stringn(nw_buf_str(&b), b.len) : NULL;
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
        rc |= set_new(o, "topic", text_string(s->topic));
        rc |= set_new(o, "partition", json_integer(s->partition));
        rc |= set_new(o, "offset", json_integer(s->offset));
        if (s->key)
            rc |= set_new(o, "key", key_value(s->key, s->key_len));
    } else {
        rc |= set_new(o, "file", text_string(s->file ? s->file : "-"));
    }
    rc |= set_new(o, "format", ascii_string(nw_format_name(a->format)));
    if (a->format == NW_FORMAT_JSON)
        rc |= set_new(o, "content_format", ascii_string(nw_format_name(a->inner_format)));
    if (a->source)
        rc |= set_new(o, "name", text_string(a->source));
    if (a->url)
        rc |= set_new(o, "url", text_string(a->url));
    if (a->fetched_at)
        rc |= set_new(o, "fetched_at", text_string(a->fetched_at));
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
                       ascii_string(nw_field_source_name((nw_field_source_t)a->field_source[f])));
    }
    const char *zone = nw_zone_origin_name((nw_zone_origin_t)a->zone_origin);
    if (o && zone)
        *rc |= set_new(o, "zone", ascii_string(zone));
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
    *rc |= set_new(o, "firstcreated", ascii_string(first == NW_PRECISION_DAY ? "day" : "second"));
    *rc |=
        set_new(o, "versioncreated", ascii_string(version == NW_PRECISION_DAY ? "day" : "second"));
    return o;
}

static json_t *build_extension(const nw_article_t *a, const nw_record_meta_t *m)
{
    json_t *ext = json_object();
    json_t *credits = json_array();
    uint8_t digest[32];
    char content_hash[NW_HASH_TEXT_LEN + 1], sim[17];
    int rc = 0;
    if (!ext || !credits)
        goto fail;
    uint64_t s;
    nw_article_hashes(a, digest, &s);
    nw_ninjs_hash_texts(digest, s, content_hash, sim);
    for (size_t i = 0; i < a->n_image_credits; i++)
        rc |= json_array_append_new(credits, text_string(a->image_credits[i]));
    rc |= set_new(ext, "article_id", text_string(m->article_id));
    rc |= set_new(ext, "source", build_source(a, &m->source));
    rc |=
        set_new(ext, "content_hash", json_stringn_nocheck(content_hash, sizeof(content_hash) - 1));
    rc |= set_new(ext, "simhash", json_stringn_nocheck(sim, 16));
    rc |= json_object_set_new_nocheck(ext, "image_credits", credits);
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

    rc |= set_new(r, "uri", ascii_string(urn));
    rc |= set_new(r, "type", constant(NW_C_TEXT));
    rc |= set_new(r, "representationtype", constant(NW_C_FULL));
    rc |= set_new(r, "version", ascii_string(version));
    rc |= set_new(r, "firstcreated", ascii_string(first));
    rc |= set_new(r, "versioncreated", ascii_string(version_time));
    rc |= set_new(r, "headlines", one_item_array(role_value(NW_C_MAIN, a->headline)));
    if (a->standfirst)
        rc |= set_new(r, "descriptions", one_item_array(role_value(NW_C_SUMMARY, a->standfirst)));
    json_t *b =
        role_value_new(NW_C_TEXT, valid ? json_stringn_nocheck(body, body_len) : json_string(body));
    if (b) {
        rc |= set_new(b, "contenttype", constant(NW_C_TEXT_PLAIN));
        rc |= set_new(b, "wordcount", json_integer((json_int_t)words));
        rc |= set_new(b, "charcount", json_integer((json_int_t)chars));
    }
    rc |= set_new(r, "bodies", one_item_array(b));
    if (a->byline)
        rc |= set_new(r, "by", text_string(a->byline));
    if (a->language)
        rc |= set_new(r, "language", text_string(a->language));
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

json_t *nw_ninjs_stub(const nw_article_t *a, size_t words, size_t *n_members)
{
    json_t *r = json_object();
    json_t *body = json_object();
    int rc = 0;
    *n_members = 0;
    if (!r || !body) {
        json_decref(body);
        json_decref(r);
        return NULL;
    }
    /* The language as the tree has it (lang reads it): clean text, which is
     * what nw_ninjs_write() required of it. */
    if (a->language)
        rc |= set_new(r, "language", json_stringn_nocheck(a->language, strlen(a->language)));
    rc |= set_new(body, "wordcount", json_integer((json_int_t)words));
    rc |= set_new(r, "bodies", one_item_array(body));
    rc |= set_new(r, "newswire", json_object());
    if (rc) {
        json_decref(r);
        return NULL;
    }
    *n_members = json_object_size(r);
    return r;
}
