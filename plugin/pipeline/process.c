/* The pure processing step (see process.h). */
#include <stdlib.h>
#include <string.h>

#include "encode/ninjs.h"
#include "parse/zoneset.h"
#include "pipeline/process.h"

struct nw_processor {
    nw_parse_opts_t opts;
    nw_zoneset_t *zones;
    bool plain_ninjs;
    bool source_is_topic; /* parse.source empty: the topic names the source */
    char *source;
};

int nw_processor_new(const nw_config_t *cfg, nw_processor_t **out, nw_error_t *err)
{
    nw_processor_t *p = calloc(1, sizeof(*p));
    int rc;
    *out = NULL;
    if (!p)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    if (nw_format_from_name(nw_config_get(cfg, "parse.format"), &p->opts.format) < 0) {
        rc = nw_error_set(err, NW_ERR_INVALID, "parse.format: unknown format");
        goto fail;
    }
    p->opts.max_bytes = (size_t)nw_config_get_int(cfg, "parse.max.message.bytes");
    p->plain_ninjs = strcmp(nw_config_get(cfg, "output.format"), "ninjs") == 0;
    const char *source = nw_config_get(cfg, "parse.source");
    p->source_is_topic = !source || !source[0];
    if (!p->source_is_topic && !(p->source = strdup(source))) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((rc = nw_zoneset_new(cfg, &p->zones, err)) < 0)
        goto fail;
    p->opts.zones = nw_zoneset_for;
    p->opts.zones_opaque = p->zones;
    *out = p;
    return 0;
fail:
    nw_processor_free(p);
    return rc;
}

void nw_processor_free(nw_processor_t *p)
{
    if (!p)
        return;
    nw_zoneset_free(p->zones);
    free(p->source);
    free(p);
}

static int emit(nw_processor_t *p, nw_vstore_t *store, const nw_input_t *in, nw_article_t *a,
                uint32_t version, nw_outcome_t *out, nw_error_t *err)
{
    nw_version_t v = {.versioncreated = nw_article_version_time(a), .version = version};
    nw_article_content_hash(a, v.content_hash);
    nw_record_meta_t meta = {
        .article_id = out->article_id,
        .version = version,
        .source = {.topic = in->origin_topic ? in->origin_topic : in->topic,
                   .partition = in->origin_topic ? in->origin_partition : in->partition,
                   .offset = in->origin_topic ? in->origin_offset : in->offset,
                   /* A re-keyed message had no key of its own. */
                   .key = in->origin_topic ? NULL : in->key,
                   .key_len = in->origin_topic ? 0 : in->key_len},
        .plain_ninjs = p->plain_ninjs,
    };
    json_t *rec = nw_ninjs_build(a, &meta);
    out->record = rec ? nw_ninjs_dump(rec, false) : NULL;
    json_decref(rec);
    if (!out->record)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory encoding a record");
    out->record_len = strlen(out->record);
    int rc = nw_vstore_put(store, out->article_id, strlen(out->article_id), &v);
    if (rc < 0)
        return nw_error_set(err, rc, "version store: %s", nw_err_name(rc));
    nw_changelog_encode(&v, out->changelog);
    out->kind = NW_OUTCOME_EMITTED;
    out->version = version;
    return 0;
}

/* Parses the message; 1 when it was rejected (out filled), 0 when *a holds
 * the article, or a negative nw_err_t. */
static int parse(nw_processor_t *p, const nw_input_t *in, nw_article_t *a, nw_outcome_t *out,
                 nw_error_t *err)
{
    nw_parse_opts_t opts = p->opts;
    memset(out, 0, sizeof(*out));
    opts.source =
        p->source_is_topic ? (in->origin_topic ? in->origin_topic : in->topic) : p->source;
    int rc = nw_article_parse(in->value, in->value ? in->value_len : 0, &opts, a, &out->error);
    if (rc == NW_ERR_REJECTED) {
        out->kind = NW_OUTCOME_REJECTED;
        return 1;
    }
    if (rc < 0)
        return nw_error_set(err, rc, "%s", out->error.msg);
    return 0;
}

int nw_process_identify(nw_processor_t *p, const nw_input_t *in, char **id, nw_outcome_t *out,
                        nw_error_t *err)
{
    nw_article_t a = {0};
    *id = NULL;
    int rc = parse(p, in, &a, out, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    *id = nw_article_id(&a, NULL, 0);
    nw_article_clear(&a);
    return *id ? 0 : nw_error_set(err, NW_ERR_NOMEM, "out of memory");
}

int nw_process(nw_processor_t *p, nw_vstore_t *store, const nw_input_t *in, nw_outcome_t *out,
               nw_error_t *err)
{
    nw_article_t a = {0};
    int rc = parse(p, in, &a, out, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    out->article_id = nw_article_id(&a, in->key, in->key ? in->key_len : 0);
    if (!out->article_id) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint32_t next = 0;
    nw_dedupe_t d = nw_vstore_decide(store, out->article_id, strlen(out->article_id),
                                     nw_article_version_time(&a), &next);
    switch (d) {
    case NW_DEDUPE_NEW:
        rc = emit(p, store, in, &a, next, out, err);
        break;
    case NW_DEDUPE_DUPLICATE:
        out->kind = NW_OUTCOME_DUPLICATE;
        out->version = next;
        break;
    case NW_DEDUPE_STALE:
        out->kind = NW_OUTCOME_STALE;
        out->version = next;
        break;
    }
out:
    nw_article_clear(&a);
    return rc;
}

void nw_outcome_clear(nw_outcome_t *o)
{
    if (!o)
        return;
    free(o->article_id);
    free(o->record);
    memset(o, 0, sizeof(*o));
}

const char *nw_outcome_name(nw_outcome_kind_t kind)
{
    static const char *const names[NW_OUTCOME__COUNT] = {"emitted", "duplicate", "stale",
                                                         "rejected"};
    return kind < NW_OUTCOME__COUNT ? names[kind] : "unknown";
}
