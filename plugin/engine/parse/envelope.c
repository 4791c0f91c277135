/*
 * The JSON envelope that scrapers wrap articles in:
 *   {"url": ..., "source": ..., "fetched_at": ..., "text": ... | "html": ...}
 * The article text (or page) is decoded further by the caller; every other
 * member is kept, unchanged, as provenance.
 *
 * The metadata scrapers already found is read too, in the names their
 * frameworks write (first name present wins):
 *   headline   headline, title                  (schema.org, news-please, trafilatura, Scrapy)
 *   published  datePublished, date_publish, date, dateCreated
 *   updated    dateModified, date_modify
 *   byline     author, authors (a string, {"name"}, or an array of either)
 *   language   inLanguage, language
 *   body       articleBody, maintext, body, when there is no text or html
 *   source     source_domain, hostname, when there is no source
 * These become envelope-tier candidates (html_meta.h): page markup, when the
 * envelope carries a page, outranks them; the text reader's lines and the
 * URL rank below them. A member of the wrong type is ignored, not rejected:
 * it was provenance before newswire read it.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "parse/html_meta.h"
#include "parse/json_load.h"
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

static int meta_string(json_t *env, const char *const *names, nw_meta_field_t f,
                       nw_html_meta_t *meta)
{
    for (; *names; names++) {
        json_t *v = json_object_get(env, *names);
        if (json_is_string(v) && json_string_length(v) > 0)
            return nw_html_meta_add(meta, f, NW_TIER_ENVELOPE, json_string_value(v),
                                    json_string_length(v));
    }
    return 0;
}

static int meta_authors(json_t *env, nw_html_meta_t *meta)
{
    static const char *const names[] = {"author", "authors", "by"};
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        json_t *v = json_object_get(env, names[k]);
        if (!v || json_is_null(v))
            continue;
        nw_buf_t b = NW_BUF_INIT;
        size_t count = 0;
        json_t *one[1] = {v};
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < n && count < 8; i++) {
            json_t *it = json_is_array(v) ? json_array_get(v, i) : one[0];
            json_t *name = json_is_object(it) ? json_object_get(it, "name") : it;
            if (!json_is_string(name) || json_string_length(name) == 0)
                continue;
            if (count++)
                nw_buf_puts(&b, ", ");
            nw_buf_append(&b, json_string_value(name), json_string_length(name));
        }
        int rc = nw_buf_ok(&b) ? nw_html_meta_add(meta, NW_META_AUTHOR, NW_TIER_ENVELOPE,
                                                  nw_buf_str(&b), b.len)
                               : NW_ERR_NOMEM;
        nw_buf_free(&b);
        if (rc < 0 || count)
            return rc;
    }
    return 0;
}

static int take_metadata(json_t *env, nw_html_meta_t *meta)
{
    static const char *const headline[] = {"headline", "title", NULL};
    static const char *const published[] = {"datePublished", "date_publish", "date", "dateCreated",
                                            NULL};
    static const char *const updated[] = {"dateModified", "date_modify", NULL};
    static const char *const language[] = {"inLanguage", "language", NULL};
    int rc;
    if ((rc = meta_string(env, headline, NW_META_HEADLINE, meta)) < 0 ||
        (rc = meta_string(env, published, NW_META_PUBLISHED, meta)) < 0 ||
        (rc = meta_string(env, updated, NW_META_UPDATED, meta)) < 0 ||
        (rc = meta_string(env, language, NW_META_LANGUAGE, meta)) < 0 ||
        (rc = meta_authors(env, meta)) < 0)
        return rc;
    return 0;
}

int nw_envelope_decode(const char *data, size_t len, nw_article_t *a, char **text, size_t *text_len,
                       nw_html_meta_t *meta, nw_error_t *err)
{
    json_error_t jerr;
    /* The fast loader declines what it is unsure of; jansson then decides,
     * and its error text is the one reported. */
    json_t *env = nw_json_load_fast(data, len);
    if (!env)
        env = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
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
    const char *body_name = a->inner_format == NW_FORMAT_TEXT ? "text" : "html";
    static const char *const text_names[] = {"articleBody", "maintext", "body"};
    for (size_t i = 0; i < 3 && (!body || json_is_null(body)); i++) {
        body = json_object_get(env, text_names[i]);
        body_name = text_names[i];
        a->inner_format = NW_FORMAT_TEXT;
    }
    if (!body || json_is_null(body)) {
        rc = nw_error_reject(err, NW_REJECT_BAD_ENVELOPE,
                             "the JSON envelope has neither \"text\" nor \"html\"");
        goto out;
    }
    if (!json_is_string(body)) {
        rc = nw_error_reject(err, NW_REJECT_BAD_ENVELOPE, "envelope member \"%s\" is not a string",
                             body_name);
        goto out;
    }
    if ((rc = take_string(env, "url", &a->url, err)) < 0 ||
        (rc = take_string(env, "source", &a->source, err)) < 0 ||
        (rc = take_string(env, "fetched_at", &a->fetched_at, err)) < 0 ||
        (rc = take_provenance(env, a, err)) < 0)
        goto out;
    if (!a->source) {
        json_t *v = json_object_get(env, "source_domain");
        if (!json_is_string(v))
            v = json_object_get(env, "hostname");
        if (json_is_string(v) && json_string_length(v) > 0 &&
            !(a->source = strndup(json_string_value(v), json_string_length(v)))) {
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (take_metadata(env, meta) < 0) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Body-only text (news-please's maintext, trafilatura's text) does not
     * start with the title the envelope names: the title goes first, where
     * the text reader looks for the headline. */
    const char *b = json_string_value(body), *title = NULL;
    size_t blen = json_string_length(body), tlen = 0, skip = 0;
    if (a->inner_format == NW_FORMAT_TEXT && meta->n[NW_META_HEADLINE]) {
        title = meta->cand[NW_META_HEADLINE][0].value;
        tlen = strlen(title);
        while (skip < blen && (b[skip] == ' ' || b[skip] == '\n' || b[skip] == '\r'))
            skip++;
        if (blen - skip >= tlen && memcmp(b + skip, title, tlen) == 0)
            title = NULL;
    }
    *text_len = blen + (title ? tlen + 2 : 0);
    if (!(*text = malloc(*text_len + 1))) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (title) {
        memcpy(*text, title, tlen);
        memcpy(*text + tlen, "\n\n", 2);
    }
    memcpy(*text + (title ? tlen + 2 : 0), b, blen + 1);
out:
    json_decref(env);
    return rc;
}
