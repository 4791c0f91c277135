/*
 * The JSON envelope that scrapers wrap articles in:
 *   {"url": ..., "source": ..., "fetched_at": ..., "text": ... | "html": ...}
 * The article text (or page) is decoded further by the caller; every other
 * member is kept, unchanged, as provenance.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "parse/parse.h"

static int take_string(json_t *env, const char *name, char **out, nw_error_t *err)
{
    json_t *v = json_object_get(env, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return nw_error_reject(err, NW_REJECT_BAD_ENVELOPE,
                               "envelope member \"%s\" is not a string", name);
    if (!(*out = strndup(json_string_value(v), json_string_length(v))))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    return 0;
}

static const char *const known_members[] = {"url", "source", "fetched_at", "text", "html"};

static int take_provenance(json_t *env, nw_article_t *a, nw_error_t *err)
{
    json_t *extra = json_object();
    const char *key;
    json_t *value;
    if (!extra)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    json_object_foreach(env, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof(known_members) / sizeof(known_members[0]); i++)
            known = known || strcmp(key, known_members[i]) == 0;
        if (!known && json_object_set(extra, key, value) < 0) {
            json_decref(extra);
            return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        }
    }
    if (json_object_size(extra) > 0) {
        /* Sorted keys: the record must not depend on the envelope's member order
         * beyond what the producer wrote into the values. */
        a->provenance_json = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
        if (!a->provenance_json) {
            json_decref(extra);
            return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        }
    }
    json_decref(extra);
    return 0;
}

int nw_envelope_decode(const char *data, size_t len, nw_article_t *a, char **text, size_t *text_len,
                       nw_error_t *err)
{
    json_error_t jerr;
    json_t *env = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = 0;
    if (!env) {
        /* jansson quotes the input near the error, possibly cut inside a
         * UTF-8 sequence: repair it, the message goes into a Kafka header. */
        nw_buf_t quoted = NW_BUF_INIT;
        nw_utf8_sanitize(jerr.text, strlen(jerr.text), &quoted);
        rc = nw_error_reject(err, NW_REJECT_BAD_ENVELOPE,
                             "invalid JSON envelope at line %d column %d: %s", jerr.line,
                             jerr.column, nw_buf_str(&quoted));
        nw_buf_free(&quoted);
        return rc;
    }
    if (!json_is_object(env)) {
        rc = nw_error_reject(err, NW_REJECT_BAD_ENVELOPE, "the JSON envelope is not an object");
        goto out;
    }
    json_t *body = json_object_get(env, "text");
    a->inner_format = NW_FORMAT_TEXT;
    if (!body || json_is_null(body)) {
        body = json_object_get(env, "html");
        a->inner_format = NW_FORMAT_HTML;
    }
    if (!body || json_is_null(body)) {
        rc = nw_error_reject(err, NW_REJECT_BAD_ENVELOPE,
                             "the JSON envelope has neither \"text\" nor \"html\"");
        goto out;
    }
    if (!json_is_string(body)) {
        rc = nw_error_reject(err, NW_REJECT_BAD_ENVELOPE, "envelope member \"%s\" is not a string",
                             a->inner_format == NW_FORMAT_TEXT ? "text" : "html");
        goto out;
    }
    if ((rc = take_string(env, "url", &a->url, err)) < 0 ||
        (rc = take_string(env, "source", &a->source, err)) < 0 ||
        (rc = take_string(env, "fetched_at", &a->fetched_at, err)) < 0 ||
        (rc = take_provenance(env, a, err)) < 0)
        goto out;
    *text_len = json_string_length(body);
    if (!(*text = malloc(*text_len + 1))) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(*text, json_string_value(body), *text_len + 1);
out:
    json_decref(env);
    return rc;
}
