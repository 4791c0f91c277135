/*
 * The built-in "entities" enricher: the plugin-ABI face of the gazetteer
 * (entities_gazetteer.c) and the extractor (entities_extract.c,
 * entities_people.c).
 *
 * The gazetteers load once, in init(), so enrich() reads no files and
 * allocates little: its working memory is kept in the instance and reused
 * from one article to the next. The host may call an instance from several
 * threads at once (processing.threads), so each call borrows a working set
 * of its own from a small pool (one per thread that ever ran at the same
 * time); the gazetteer is read-only after init(). The output is deterministic: entities are ordered
 * by their first mention and named as the gazetteer names them, or as the article first writes a
 * person's name in full.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode/ninjs.h"
#include "enrichers/builtins.h"
#include "enrichers/entities.h"
#include "enrichers/entities_internal.h"

#define NW_ENTITIES_NAME        "entities"
#define NW_ENTITIES_DEFAULT_DIR "gazetteers"
#define NW_ENTITIES_DEFAULT_MAX 100

typedef struct entities {
    const nw_enricher_api_t *api;
    void *host;
    nw_gazetteer_t gaz;
    size_t max_per_type;
    pthread_mutex_t lock;  /* guards spare */
    nw_ent_work_t **spare; /* idle working sets */
    size_t n_spare, cap_spare;
} entities_t;

/* A working set for one call: an idle one, or a new one. NULL when out of
 * memory. */
static nw_ent_work_t *work_take(entities_t *E)
{
    pthread_mutex_lock(&E->lock);
    nw_ent_work_t *w = E->n_spare ? E->spare[--E->n_spare] : NULL;
    pthread_mutex_unlock(&E->lock);
    return w ? w : calloc(1, sizeof(*w));
}

/* Gives w back for the next call (freed if the pool cannot grow). */
static void work_give(entities_t *E, nw_ent_work_t *w)
{
    pthread_mutex_lock(&E->lock);
    if (E->n_spare == E->cap_spare) {
        size_t cap = E->cap_spare ? E->cap_spare * 2 : 4;
        nw_ent_work_t **v = realloc(E->spare, cap * sizeof(*v));
        if (v) {
            E->spare = v;
            E->cap_spare = cap;
        }
    }
    bool kept = E->n_spare < E->cap_spare;
    if (kept)
        E->spare[E->n_spare++] = w;
    pthread_mutex_unlock(&E->lock);
    if (!kept) {
        nw_ent_work_free(w);
        free(w);
    }
}

/* The services this enricher calls exist from ABI 1.0 on; a table from
 * another major version, or one too short to hold them, is refused. */
static bool api_usable(const nw_enricher_api_t *api)
{
    return api && NW_ENRICHER_ABI_MAJOR_OF(api->abi_version) == NW_ENRICHER_ABI_MAJOR &&
           api->size >= offsetof(nw_enricher_api_t, data_path) + sizeof(api->data_path) &&
           api->config && api->data_path;
}

static int parse_max(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end != '\0' || v[0] == '-' || n < 1 || n > 10000)
        return -1;
    *out = n;
    return 0;
}

static void ent_destroy(void *state)
{
    entities_t *E = state;
    if (!E)
        return;
    nw_gaz_free(&E->gaz);
    for (size_t i = 0; i < E->n_spare; i++) {
        nw_ent_work_free(E->spare[i]);
        free(E->spare[i]);
    }
    free(E->spare);
    pthread_mutex_destroy(&E->lock);
    free(E);
}

static int ent_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                    size_t errlen)
{
    if (!api_usable(api)) {
        snprintf(errbuf, errlen, "the host's enricher API is too old for %s", NW_ENTITIES_NAME);
        return -1;
    }
    entities_t *E = calloc(1, sizeof(*E));
    if (!E) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    E->api = api;
    E->host = host;
    pthread_mutex_init(&E->lock, NULL);
    E->max_per_type = NW_ENTITIES_DEFAULT_MAX;
    const char *dir = api->config(host, "gazetteers.dir");
    if (!dir || !dir[0])
        dir = NW_ENTITIES_DEFAULT_DIR;
    const char *max = api->config(host, "max.per.type");
    if (max && parse_max(max, &E->max_per_type) != 0) {
        snprintf(errbuf, errlen,
                 "enrichers.entities.max.per.type: \"%s\" is not a whole number from 1 to 10000",
                 max);
        ent_destroy(E);
        return -1;
    }
    if (nw_gaz_load(&E->gaz, api, host, dir, errbuf, errlen) != 0) {
        ent_destroy(E);
        return -1;
    }
    if (api->log)
        api->log(NW_ENRICHER_LOG_DEBUG, NW_ENTITIES_NAME,
                 "gazetteers from %s: %zu places, %zu organisations, %zu keys", dir,
                 E->gaz.n_places, E->gaz.n_orgs, E->gaz.n_keys);
    *state = E;
    return 0;
}

/* The JSON strings of a list's names and codes (code[i] NULL when the
 * entity has none), made once and shared by the entity's ninjs entry and
 * its extension entry. */
typedef struct ent_strings {
    json_t **name, **code;
    size_t n;
} ent_strings_t;

static void strings_free(ent_strings_t *S)
{
    for (size_t i = 0; i < S->n; i++) {
        json_decref(S->name[i]);
        json_decref(S->code[i]);
    }
    free(S->name);
    S->name = S->code = NULL;
    S->n = 0;
}

/* The strings of the first max entities of l; 0, or -1 when out of memory
 * or a string is not UTF-8 (S is then empty). */
static int strings_make(ent_strings_t *S, const nw_ent_list_t *l, size_t max)
{
    size_t n = l->n < max ? l->n : max;
    *S = (ent_strings_t){0};
    if (n == 0)
        return 0;
    S->name = calloc(2 * n, sizeof(*S->name));
    if (!S->name)
        return -1;
    S->code = S->name + n;
    for (; S->n < n; S->n++) {
        const nw_ent_t *e = &l->v[S->n];
        S->name[S->n] = nw_builtin_string(e->name, strlen(e->name));
        S->code[S->n] = e->code ? nw_builtin_string(e->code, strlen(e->code)) : NULL;
        if (!S->name[S->n] || (e->code && !S->code[S->n])) {
            S->n++;
            strings_free(S);
            return -1;
        }
    }
    return 0;
}

/* {k1: v1, k2: v2 (only when v2 is not NULL), k3: v3}, in that key order,
 * as json_pack() would make it without parsing a format for each entity;
 * takes the references of v1, v2 and v3, also when it fails. NULL when
 * out of memory. */
static json_t *entity_object(const char *k1, json_t *v1, const char *k2, json_t *v2, const char *k3,
                             json_t *v3)
{
    json_t *o = v1 && v3 ? json_object() : NULL;
    if (!o) {
        json_decref(v1);
        json_decref(v2);
        json_decref(v3);
        return NULL;
    }
    /* The keys are literals of this file, valid UTF-8: no check. Each
     * call takes its value's reference, also when it fails. */
    int rc = json_object_set_new_nocheck(o, k1, v1);
    rc |= v2 ? json_object_set_new_nocheck(o, k2, v2) : 0;
    rc |= json_object_set_new_nocheck(o, k3, v3);
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Appends {"name", "rel": "mentioned"[, "literal"]} for each entity to the
 * record's ninjs array, skipping names already there (another enricher may
 * have filled it). */
static int put_ninjs(json_t *record, const char *key, const nw_ent_list_t *l,
                     const ent_strings_t *S, json_t *mentioned)
{
    if (l->n == 0)
        return 0;
    json_t *arr = json_object_get(record, key);
    if (!json_is_array(arr)) {
        arr = json_array();
        if (!arr || json_object_set_new(record, key, arr) != 0)
            return -1;
    }
    size_t existing = json_array_size(arr);
    for (size_t i = 0; i < S->n; i++) {
        bool dup = false;
        for (size_t j = 0; j < existing && !dup; j++) {
            const char *name = json_string_value(json_object_get(json_array_get(arr, j), "name"));
            dup = name && strcmp(name, l->v[i].name) == 0;
        }
        if (dup)
            continue;
        json_t *o = entity_object("name", json_incref(S->name[i]), "literal",
                                  json_incref(S->code[i]), "rel", json_incref(mentioned));
        if (!o || json_array_append_new(arr, o) != 0)
            return -1;
    }
    return 0;
}

/* Is there no form, or only the name itself? */
static bool forms_are_name(const nw_ent_t *e)
{
    return !e->forms.s ||
           (e->forms.len == e->name_len && memcmp(e->forms.s, e->name, e->name_len) == 0);
}

/* The forms an entity is written in, as a JSON array; NULL when the only
 * form is its name (the common case, kept out of the record) or on OOM. */
static json_t *forms_array(const nw_ent_t *e)
{
    if (forms_are_name(e))
        return NULL;
    json_t *arr = json_array();
    for (const char *p = e->forms.s; arr && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (json_array_append_new(arr, nw_builtin_string(p, n)) != 0) {
            json_decref(arr);
            return NULL;
        }
        p = nl ? nl + 1 : p + n;
    }
    return arr;
}

static json_t *counts(const nw_ent_list_t *l, const ent_strings_t *S)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < S->n; i++) {
        const nw_ent_t *e = &l->v[i];
        json_t *o = entity_object("name", json_incref(S->name[i]), "code", json_incref(S->code[i]),
                                  "mentions", nw_builtin_count(e->mentions));
        json_t *forms = o ? forms_array(e) : NULL;
        if (forms && json_object_set_new(o, "forms", forms) != 0) {
            json_decref(o);
            o = NULL;
        }
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static int put_extension(json_t *record, const nw_ent_list_t *out, const ent_strings_t *S)
{
    json_t *nw = json_object_get(record, "newswire");
    if (!json_is_object(nw)) {
        nw = json_object();
        if (!nw || json_object_set_new(record, "newswire", nw) != 0)
            return -1;
    }
    /* In this key order, as the record has always had them. */
    static const char *const keys[] = {"people", "organisations", "places", "nationalities"};
    static const nw_ent_type_t types[] = {NW_ENT_PERSON, NW_ENT_ORG, NW_ENT_PLACE,
                                          NW_ENT_NATIONALITY};
    json_t *ents = json_object();
    for (size_t i = 0; ents && i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *arr = counts(&out[types[i]], &S[types[i]]);
        if (!arr || json_object_set_new_nocheck(ents, keys[i], arr) != 0) {
            json_decref(ents);
            ents = NULL;
        }
    }
    return ents ? json_object_set_new(nw, "entities", ents) : -1;
}

/* The "rel" of every ninjs entry, made once and shared by every record:
 * nothing changes a record's strings in place (see nw_builtin_count()). */
static json_t *mentioned_value;
static pthread_once_t mentioned_once = PTHREAD_ONCE_INIT;

static void mentioned_make(void)
{
    mentioned_value = json_stringn_nocheck("mentioned", strlen("mentioned"));
}

/* Writes the entities of out into the record: the ninjs arrays, then the
 * extension. 0 or -1 (out of memory). */
static int put_entities(json_t *record, const nw_ent_list_t *out, size_t max)
{
    ent_strings_t S[NW_ENT__TYPES] = {{0}};
    pthread_once(&mentioned_once, mentioned_make);
    json_t *mentioned = mentioned_value ? json_incref(mentioned_value) : json_string("mentioned");
    int rc = mentioned ? 0 : -1;
    for (int k = 0; k < NW_ENT__TYPES && rc == 0; k++)
        rc = strings_make(&S[k], &out[k], max);
    if (rc == 0 &&
        (put_ninjs(record, "people", &out[NW_ENT_PERSON], &S[NW_ENT_PERSON], mentioned) != 0 ||
         put_ninjs(record, "organisations", &out[NW_ENT_ORG], &S[NW_ENT_ORG], mentioned) != 0 ||
         put_ninjs(record, "places", &out[NW_ENT_PLACE], &S[NW_ENT_PLACE], mentioned) != 0 ||
         put_extension(record, out, S) != 0))
        rc = -1;
    for (int k = 0; k < NW_ENT__TYPES; k++)
        strings_free(&S[k]);
    json_decref(mentioned);
    return rc;
}

static size_t shown(size_t n, size_t max)
{
    return n < max ? n : max;
}

/* ---- The byte path (enrichers/bytes.h): put_entities() written as bytes ---- */

/* Whether strings_make() would make the strings of the first max entities
 * of l: the byte path adds nothing when it would fail. Codes need no check:
 * the gazetteer took only two capitals or three digits (valid_code()). */
static bool strings_valid(const nw_ent_list_t *l, size_t max)
{
    for (size_t i = 0; i < shown(l->n, max); i++)
        if (!nw_builtin_valid_string(l->v[i].name, l->v[i].name_len))
            return false;
    return true;
}

/* The bytes around an entity's escaped name are written straight into
 * room reserved once, rather than by a dozen appends that each check the
 * buffer: an article has some twenty entities, each written twice. */

/* The most those bytes take: a separator, the members' names, a code of
 * at most three characters, a count of at most ten digits. */
#define ENT_FIXED_MAX 64

/* The decimal digits of n at p; returns the end. */
static char *put_decimal(char *p, size_t n)
{
    char tmp[24];
    size_t k = 0;
    do
        tmp[k++] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    while (k)
        *p++ = tmp[--k];
    return p;
}

#define PUT_LIT(p, lit) (memcpy((p), "" lit, sizeof(lit) - 1), (p) + sizeof(lit) - 1)

static inline char *raw(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* A place code as a JSON string: its characters need no escaping. */
static char *raw_code(char *p, const char *code)
{
    *p++ = '"';
    for (size_t i = 0; i < 3 && code[i]; i++)
        *p++ = code[i];
    *p++ = '"';
    return p;
}

/* Room for extra more bytes at the end of b, or NULL (b then out of memory,
 * and nothing more is written to it). */
static char *raw_begin(nw_buf_t *b, size_t extra)
{
    return nw_buf_ok(b) && nw_buf_reserve(b, extra) ? b->data + b->len : NULL;
}

static void raw_end(nw_buf_t *b, char *p)
{
    b->len = (size_t)(p - b->data);
    *p = '\0';
}

/* A member's name and colon (",\"key\":") with its length, known to the
 * compiler: written for every entity, where nw_buf_puts() would measure it
 * each time. */
#define MEMBER(lit) "" lit, sizeof(lit) - 1

/* forms_array() as bytes: none when it would give none, a form that is not
 * UTF-8 included. */
static void put_forms_bytes(nw_buf_t *b, const nw_ent_t *e)
{
    if (forms_are_name(e))
        return;
    for (const char *p = e->forms.s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (!nw_builtin_valid_string(p, n))
            return;
        p = nl ? nl + 1 : p + n;
    }
    nw_buf_lit(b, ",\"forms\":[");
    for (const char *p = e->forms.s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (p != e->forms.s)
            nw_buf_putc(b, ',');
        nw_json_put_string(b, p, n);
        p = nl ? nl + 1 : p + n;
    }
    nw_buf_putc(b, ']');
}

/* One list as bytes: counts() to ext, and when member is not NULL,
 * put_ninjs() to top under that member (",\"key\":", nothing for an empty
 * list). The two arrays are written side by side, so that each name is
 * escaped once, into ext, and its escaped bytes copied to top. */
static void put_list_bytes(nw_enrich_bytes_t *rec, const char *member, size_t member_len,
                           const nw_ent_list_t *l, size_t max)
{
    nw_buf_t *top = &rec->top, *ext = &rec->ext;
    bool ninjs = member && l->n;
    if (ninjs) {
        nw_buf_append(top, member, member_len);
        nw_buf_putc(top, '[');
    }
    nw_buf_putc(ext, '[');
    for (size_t i = 0; i < shown(l->n, max); i++) {
        const nw_ent_t *e = &l->v[i];
        char *p = raw_begin(ext, ENT_FIXED_MAX);
        if (!p)
            return;
        if (i)
            *p++ = ',';
        raw_end(ext, PUT_LIT(p, "{\"name\":"));
        size_t at = ext->len;
        nw_json_put_string(ext, e->name, e->name_len);
        size_t name_end = ext->len;
        if (!(p = raw_begin(ext, ENT_FIXED_MAX)))
            return;
        if (e->code)
            p = raw_code(PUT_LIT(p, ",\"code\":"), e->code);
        raw_end(ext, put_decimal(PUT_LIT(p, ",\"mentions\":"), e->mentions));
        put_forms_bytes(ext, e);
        nw_buf_putc(ext, '}');
        if (!ninjs)
            continue;
        if (!nw_buf_ok(ext) || !(p = raw_begin(top, name_end - at + ENT_FIXED_MAX)))
            return;
        if (i)
            *p++ = ',';
        p = raw(PUT_LIT(p, "{\"name\":"), ext->data + at, name_end - at);
        if (e->code)
            p = raw_code(PUT_LIT(p, ",\"literal\":"), e->code);
        raw_end(top, PUT_LIT(p, ",\"rel\":\"mentioned\"}"));
    }
    if (ninjs)
        nw_buf_putc(top, ']');
    nw_buf_putc(ext, ']');
}

/* put_entities() into the record's bytes: the ninjs arrays to its members,
 * newswire.entities to its extension's; -1 (nothing added) where
 * put_entities() would fail on a string. */
static int put_entities_bytes(nw_enrich_bytes_t *rec, const nw_ent_list_t *out, size_t max)
{
    for (int k = 0; k < NW_ENT__TYPES; k++)
        if (!strings_valid(&out[k], max))
            return -1;
    /* In put_extension()'s key order; the ninjs members in theirs. */
    nw_buf_lit(&rec->ext, ",\"entities\":{\"people\":");
    put_list_bytes(rec, MEMBER(",\"people\":"), &out[NW_ENT_PERSON], max);
    nw_buf_lit(&rec->ext, ",\"organisations\":");
    put_list_bytes(rec, MEMBER(",\"organisations\":"), &out[NW_ENT_ORG], max);
    nw_buf_lit(&rec->ext, ",\"places\":");
    put_list_bytes(rec, MEMBER(",\"places\":"), &out[NW_ENT_PLACE], max);
    nw_buf_lit(&rec->ext, ",\"nationalities\":");
    put_list_bytes(rec, NULL, 0, &out[NW_ENT_NATIONALITY], max);
    nw_buf_putc(&rec->ext, '}');
    return 0;
}

/* "2 people, 1 organisation, 0 places" into detail, cut as snprintf()
 * would cut it: written for every article, where snprintf() cost more
 * than writing the entities. */
static void put_summary(char *detail, size_t detail_len, size_t np, size_t no, size_t nl)
{
    char buf[128]; /* three numbers of at most 20 digits, and the words */
    char *p = put_decimal(buf, np);
    p = np == 1 ? PUT_LIT(p, " person, ") : PUT_LIT(p, " people, ");
    p = put_decimal(p, no);
    p = no == 1 ? PUT_LIT(p, " organisation, ") : PUT_LIT(p, " organisations, ");
    p = put_decimal(p, nl);
    p = nl == 1 ? PUT_LIT(p, " place") : PUT_LIT(p, " places");
    if (detail_len == 0)
        return;
    size_t n = (size_t)(p - buf) < detail_len - 1 ? (size_t)(p - buf) : detail_len - 1;
    memcpy(detail, buf, n);
    detail[n] = '\0';
}

/* The entities of a record, put into record or, on the byte path, rec (the
 * other NULL). */
static nw_enrich_status_t ent_run(entities_t *E, json_t *record, nw_enrich_bytes_t *rec,
                                  const nw_enrich_input_t *in, char *detail, size_t detail_len)
{
    const char *segments[3] = {in->headline, in->standfirst, in->body};
    bool any = false;
    for (size_t i = 0; i < 3; i++)
        any = any || (segments[i] && segments[i][0]);
    if (!any) {
        snprintf(detail, detail_len, "no text");
        return NW_ENRICH_SKIPPED;
    }
    const char *byline =
        in->size >= offsetof(nw_enrich_input_t, byline) + sizeof(in->byline) ? in->byline : NULL;
    nw_ent_work_t *w = work_take(E);
    const nw_ent_list_t *out = w ? w->out : NULL;
    if (!w || nw_ent_extract(w, &E->gaz, segments, 3, byline) != 0 ||
        (rec ? put_entities_bytes(rec, out, E->max_per_type)
             : put_entities(record, out, E->max_per_type)) != 0) {
        if (w)
            work_give(E, w);
        snprintf(detail, detail_len, "out of memory");
        return NW_ENRICH_DEGRADED;
    }
    size_t np = shown(out[NW_ENT_PERSON].n, E->max_per_type);
    size_t no = shown(out[NW_ENT_ORG].n, E->max_per_type);
    size_t nl = shown(out[NW_ENT_PLACE].n, E->max_per_type);
    work_give(E, w);
    put_summary(detail, detail_len, np, no, nl);
    return NW_ENRICH_OK;
}

NW_ENRICH_BOTH_WAYS(ent_enrich, nw_builtin_entities_bytes, ent_run)

static const nw_enricher_t entities_descriptor = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = NW_ENTITIES_NAME,
    .description = "People, organisations and places (gazetteers and name heuristics)",
    .init = ent_init,
    .enrich = ent_enrich,
    .destroy = ent_destroy,
    .enrich_batch = NULL,
};

const nw_enricher_t *nw_builtin_entities(const nw_enricher_api_t *api)
{
    return api_usable(api) ? &entities_descriptor : NULL;
}
