/*
 * The entities enricher's result lists: each entity once, found again by
 * its name and country code through the list's index, with its mentions
 * and the forms the text wrote it in. Names and forms live in the list's
 * arena (nw_ent_list_t.names) until the next article clears it.
 */
#include <stdlib.h>
#include <string.h>

#include "enrichers/entities_internal.h"

/* The index key of a name: ASCII lower-cased, then the code; its length
 * in *klen. Written into buf when it fits in INDEX_KEY_MAX bytes (nearly
 * every name), else into a new allocation the caller frees
 * (index_key_free()); NULL when out of memory. */
#define INDEX_KEY_MAX 128

/* The eight bytes x with their ASCII capitals lowered, all at once: a byte
 * is one when its low seven bits are 'A' to 'Z' and its top bit is clear.
 * No sum carries out of its byte (0x7f + 0x3f < 0x100). */
static inline uint64_t lower8(uint64_t x)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL, highs = 0x8080808080808080ULL;
    uint64_t t = x & low7;
    uint64_t from_a = t + 0x3f3f3f3f3f3f3f3fULL; /* top bit: t >= 'A' */
    uint64_t past_z = t + 0x2525252525252525ULL; /* top bit: t > 'Z' */
    return x | (from_a & ~past_z & ~x & highs) >> 2;
}

/* The len bytes at name into k, lower-cased as lower8() does: eight bytes
 * a step, the last eight overlapping those before (lowering is the same
 * whichever step does it); byte by byte for a name shorter than that.
 * Names are a dozen bytes or so, and a byte a step was most of the cost
 * of nw_ent_list_add()'s key. */
static inline void lower_copy(char *k, const char *name, size_t len)
{
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            k[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
        return;
    }
    uint64_t x;
    for (size_t i = 0; i + 8 < len; i += 8) {
        memcpy(&x, name + i, 8);
        x = lower8(x);
        memcpy(k + i, &x, 8);
    }
    memcpy(&x, name + len - 8, 8);
    x = lower8(x);
    memcpy(k + len - 8, &x, 8);
}

static char *index_key(const char *name, size_t len, const char *code, char buf[INDEX_KEY_MAX],
                       size_t *klen)
{
    size_t cl = code ? strlen(code) : 0;
    char *k = len + cl + 2 <= INDEX_KEY_MAX ? buf : malloc(len + cl + 2);
    if (!k)
        return NULL;
    lower_copy(k, name, len);
    k[len] = '\t';
    memcpy(k + len + 1, code ? code : "", cl + 1);
    *klen = len + cl + 1;
    return k;
}

static void index_key_free(char *key, const char buf[INDEX_KEY_MAX])
{
    if (key != buf)
        free(key);
}

/* At most this many forms, of at most this many bytes in all, per entity. */
#define NW_ENT_FORMS_MAX       16
#define NW_ENT_FORMS_BYTES_MAX 1024

int nw_ent_forms_add(nw_ent_arena_t *a, nw_ent_forms_t *forms, const char *form, size_t len)
{
    if (!form || len == 0 || memchr(form, '\n', len))
        return 0;
    const char *p = forms->s, *end = p ? p + forms->len : NULL; /* none yet: NULL */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t fl = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (fl == len && memcmp(p, form, len) == 0)
            return 0;
        p += fl + 1;
    }
    size_t have = forms->len;
    if (forms->n >= NW_ENT_FORMS_MAX || have + len + 1 > NW_ENT_FORMS_BYTES_MAX)
        return 0;
    size_t need = have + len + 2; /* a newline before it, a NUL after */
    if (need > forms->cap) {
        /* Doubled, so that an entity of many forms is copied a few times;
         * the room left behind goes with the arena. */
        size_t cap = forms->cap ? 2 * (size_t)forms->cap : 32;
        if (cap < need)
            cap = need;
        char *v = nw_ent_arena_alloc(a, cap);
        if (!v)
            return -1;
        if (have)
            memcpy(v, forms->s, have);
        forms->s = v;
        forms->cap = (uint32_t)cap;
    }
    char *v = forms->s;
    if (have)
        v[have++] = '\n';
    memcpy(v + have, form, len);
    v[have + len] = '\0';
    forms->len = (uint32_t)(have + len);
    forms->n++;
    return 0;
}

int nw_ent_forms_merge(nw_ent_arena_t *a, nw_ent_forms_t *forms, const char *src)
{
    for (const char *p = src; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t fl = nl ? (size_t)(nl - p) : strlen(p);
        if (nw_ent_forms_add(a, forms, p, fl) != 0)
            return -1;
        p = nl ? nl + 1 : p + fl;
    }
    return 0;
}

int nw_ent_list_add(nw_ent_list_t *l, const char *name, size_t len, const char *code,
                    uint32_t first, const char *form, size_t *pos)
{
    *pos = SIZE_MAX;
    char kb[INDEX_KEY_MAX];
    size_t klen;
    char *key = index_key(name, len, code, kb, &klen);
    if (!key)
        return -1;
    /* The index is only ever asked here: its keys are hashed whole, eight
     * bytes a step, not word by word as nw_strmap_hash() does. */
    uint64_t h = nw_ent_word_hash(key, klen);
    if (l->n == l->cap && l->n < NW_ENT_LIST_MAX) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        nw_ent_t *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            index_key_free(key, kb);
            return -1;
        }
        l->v = v;
        l->cap = cap;
    }
    /* One lookup that inserts when there is room: the key is hashed once
     * whether the entity is new or not. */
    bool added = false;
    const uint32_t *at;
    if (l->n < NW_ENT_LIST_MAX) {
        nw_strmap_slot_t *slot =
            nw_strmap_upsert_h(&l->index, key, klen, h, (uint32_t)l->n, &added);
        if (!slot) {
            index_key_free(key, kb);
            return -1;
        }
        at = &slot->val;
    } else {
        at = nw_strmap_get_h(&l->index, key, h);
    }
    index_key_free(key, kb);
    if (!at)
        return 0;
    *pos = *at;
    if (!added) {
        nw_ent_t *e = &l->v[*at];
        e->mentions++;
        if (first < e->first)
            e->first = first;
        return nw_ent_forms_add_str(&l->names, &e->forms, form);
    }
    /* The index already names position n: on failure the article fails,
     * and the next one clears the index. */
    char *copy = nw_ent_arena_dup(&l->names, name, len);
    if (!copy)
        return -1;
    nw_ent_t *e = &l->v[l->n++];
    *e = (nw_ent_t){.name = copy, .name_len = len, .code = code, .mentions = 1, .first = first};
    return nw_ent_forms_add_str(&l->names, &e->forms, form);
}

void nw_ent_list_clear(nw_ent_list_t *l)
{
    l->n = 0;
    nw_strmap_clear(&l->index);
    nw_ent_arena_reset(&l->names);
}

void nw_ent_list_free(nw_ent_list_t *l)
{
    nw_ent_list_clear(l);
    nw_strmap_free(&l->index);
    nw_ent_arena_free(&l->names);
    free(l->v);
    memset(l, 0, sizeof(*l));
}
