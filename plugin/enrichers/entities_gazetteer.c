/*
 * The entities enricher's gazetteer: the data files of config/gazetteers/
 * loaded once, at init, into two hash tables.
 *
 * Keys are token sequences joined by single spaces, made by the article
 * tokeniser itself, so an entry matches text exactly when the tokens do.
 * Most keys are lower-cased ("folded"): "State Department" matches however
 * a headline capitalises it, and the extractor checks the text's case
 * where it matters. Acronyms are the exception: "US", "WHO" and "AP" are
 * also common words in lower case, so they live in a second, case-exact
 * table. Each folded key of a first token records the longest entry that
 * starts with it, so scanning an article costs one lookup per token plus
 * one per longer candidate that can exist.
 *
 * Where two files give the same name, the first one loaded wins (countries,
 * then cities, then regions, then organisations): "Georgia" is the country.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "enrichers/entities_internal.h"

/* ---- A string-keyed open-addressing hash map -------------------------- */

static int map_resize(nw_strmap_t *m, size_t cap)
{
    if (cap - 1 > UINT32_MAX) /* the index comes from the slot's 32 bits of hash */
        return -1;
    nw_strmap_slot_t *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

static inline const char *slot_key(const nw_strmap_t *m, const nw_strmap_slot_t *s)
{
    return m->keys.data + s->key - 1;
}

/* Are the len bytes at a and b equal? The hash and the length already
 * matched, so this nearly always says yes: a word or two, compared without
 * a call or a step per byte. A short key is compared in two pieces that
 * may overlap (its first and last four bytes, or for one to three bytes its
 * first, middle and last), none read past its end. */
static inline bool same_bytes(const char *a, const char *b, size_t len)
{
    uint32_t x, y, u, v;
    if (len < 4) {
        if (len == 0)
            return true;
        return a[0] == b[0] && a[len / 2] == b[len / 2] && a[len - 1] == b[len - 1];
    }
    if (len <= 8) {
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + len - 4, 4);
        memcpy(&v, b + len - 4, 4);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t p, q;
        memcpy(&p, a + k, 8);
        memcpy(&q, b + k, 8);
        if (p != q)
            return false;
    }
    if (k == len)
        return true;
    uint64_t p, q; /* the last eight bytes, overlapping those compared */
    memcpy(&p, a + len - 8, 8);
    memcpy(&q, b + len - 8, 8);
    return p == q;
}

static inline nw_strmap_slot_t *map_find(const nw_strmap_t *m, const char *key, size_t len,
                                         uint64_t h)
{
    if (!m->cap)
        return NULL;
    for (size_t j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        nw_strmap_slot_t *s = &m->slots[j];
        if (s->hash == (uint32_t)h && s->len == len && same_bytes(slot_key(m, s), key, len))
            return s;
    }
    return NULL;
}

#define NW_ONES   0x0101010101010101ULL
#define NW_HIGHS  0x8080808080808080ULL
#define NW_SPACES 0x2020202020202020ULL

/* The bytes of a piece before the k-th (1 <= k <= 7). */
static inline uint64_t piece_before(size_t k)
{
    return ~0ULL >> (64 - 8 * k);
}

/* The n - k < 8 bytes of key from k on as a piece, zeros after them: a
 * key of eight bytes or more has them as the top of its last eight, read
 * in one load, where a copy of the bytes would cost a call. */
static inline uint64_t tail_piece(const char *key, size_t n, size_t k)
{
    if (n < 8)
        return nw_ent_load_tail(key + k, n - k);
    if (k == n)
        return 0;
    return nw_ent_load64(key + n - 8) >> (8 * (8 - (n - k)));
}

/* nw_ent_word_hash() of the word at key + p (ended by a space or by the
 * key's end, n), with where it ends: the word is read in the pieces the
 * hash takes, and each piece also says whether the word ends in it (a
 * space among its bytes; the lowest flagged byte is always a true one). */
static inline uint64_t word_hash_at(const char *key, size_t n, size_t p, size_t *end)
{
    uint64_t h = NW_ENT_HASH_SEED;
    for (size_t k = p;; k += 8) {
        size_t left = n - k;
        uint64_t x = left >= 8 ? nw_ent_load64(key + k) : tail_piece(key, n, k);
        uint64_t y = x ^ NW_SPACES, sp = (y - NW_ONES) & ~y & NW_HIGHS;
        if (sp) {
            size_t b = (size_t)__builtin_ctzll(sp) >> 3;
            if (b)
                h = nw_ent_hash_piece(h, x & piece_before(b));
            *end = k + b;
            break;
        }
        if (left)
            h = nw_ent_hash_piece(h, x); /* a short last piece is padded with zeros */
        if (left <= 8) {
            *end = n;
            break;
        }
    }
    return nw_ent_hash_end(h);
}

/* nw_strmap_hash() of key, and its length: a word at a time, eight bytes
 * a step, as keys are looked up and inserted for every mention. */
static uint64_t hash_key(const char *key, size_t *len)
{
    size_t n = strlen(key), e;
    *len = n;
    uint64_t h = word_hash_at(key, n, 0, &e);
    while (e < n)
        h = nw_ent_hash_more(h, word_hash_at(key, n, e + 1, &e));
    return h;
}

uint64_t nw_strmap_hash(const char *key)
{
    size_t len;
    return hash_key(key, &len);
}

nw_strmap_slot_t *nw_strmap_upsert(nw_strmap_t *m, const char *key, uint32_t val, bool *added)
{
    size_t len;
    uint64_t h = hash_key(key, &len);
    return nw_strmap_upsert_h(m, key, len, h, val, added);
}

nw_strmap_slot_t *nw_strmap_upsert_h(nw_strmap_t *m, const char *key, size_t len, uint64_t h,
                                     uint32_t val, bool *added)
{
    nw_strmap_slot_t *s = map_find(m, key, len, h);
    *added = false;
    if (s)
        return s;
    if ((m->n + 1) * 4 > m->cap * 3 && map_resize(m, m->cap ? m->cap * 2 : 64) != 0)
        return NULL;
    size_t at = m->keys.len;
    if (len >= UINT32_MAX - at - 1)
        return NULL;
    nw_buf_append(&m->keys, key, len + 1); /* inline, no call, when it fits */
    if (!nw_buf_ok(&m->keys)) {
        m->keys.oom = false; /* nothing was added: the keys before are intact */
        return NULL;
    }
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key)
        j = (j + 1) & (m->cap - 1);
    m->slots[j] = (nw_strmap_slot_t){
        .hash = (uint32_t)h, .key = (uint32_t)at + 1, .len = (uint32_t)len, .val = val};
    m->n++;
    *added = true;
    return &m->slots[j];
}

int nw_strmap_spread(nw_strmap_t *m)
{
    size_t cap = m->cap ? m->cap : 64;
    while (m->n * 4 > cap)
        cap *= 2;
    return cap == m->cap ? 0 : map_resize(m, cap);
}

const uint32_t *nw_strmap_get(const nw_strmap_t *m, const char *key)
{
    size_t len;
    uint64_t h = hash_key(key, &len);
    const nw_strmap_slot_t *s = map_find(m, key, len, h);
    return s ? &s->val : NULL;
}

const uint32_t *nw_strmap_get_h(const nw_strmap_t *m, const char *key, uint64_t hash)
{
    const nw_strmap_slot_t *s = map_find(m, key, strlen(key), hash);
    return s ? &s->val : NULL;
}

void nw_strmap_clear(nw_strmap_t *m)
{
    if (m->n == 0)
        return;
    m->n = 0;
    /* A table grown for one huge article would tax every later clear. */
    if (m->cap > 4096) {
        free(m->slots);
        m->slots = NULL;
        m->cap = 0;
    } else {
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
    }
    if (m->keys.cap > 65536)
        nw_buf_free(&m->keys);
    else
        nw_buf_reset(&m->keys);
}

void nw_strmap_free(nw_strmap_t *m)
{
    free(m->slots);
    nw_buf_free(&m->keys);
    memset(m, 0, sizeof(*m));
}

/* ---- Entries ---------------------------------------------------------- */

typedef struct loader {
    nw_gazetteer_t *g;
    nw_ent_toks_t toks;
    nw_buf_t key;
    char *errbuf;
    size_t errlen;
    uint32_t role; /* for the one-word-a-line files */
} loader_t;

/* Sets bit b of the bitmap bits. */
static void set_bit(uint64_t *bits, uint32_t b)
{
    bits[b / 64] |= 1ULL << (b % 64);
}

/* Sets the bit of g->runs of the key of n bytes at key, of two or more
 * words (keys are their tokens joined by a space), and those of its first
 * two words, first three and so on: their hashes as nw_strmap_hash()
 * carries them on from word to word. For the keys whose words are not
 * their tokens (hyphens joined); mark_token_runs() for the others. */
static void mark_runs(nw_gazetteer_t *g, const char *key, size_t n)
{
    size_t e;
    uint64_t h = word_hash_at(key, n, 0, &e);
    while (e < n) {
        h = nw_ent_hash_more(h, word_hash_at(key, n, e + 1, &e));
        set_bit(g->runs, (uint32_t)h >> (32 - NW_GAZ_RUN_BITS));
    }
}

/* mark_runs() of the folded key of tokens 0..n-1 (n >= 2), from the
 * hashes the tokens already have. */
static void mark_token_runs(nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t n)
{
    uint64_t h = t->v[0].fold_hash;
    for (size_t i = 1; i < n; i++) {
        h = nw_ent_hash_more(h, t->v[i].fold_hash);
        set_bit(g->runs, (uint32_t)h >> (32 - NW_GAZ_RUN_BITS));
    }
}

/* The entry for key in map m, created empty when absent; NULL when out of
 * memory. */
static nw_gaz_entry_t *entry_at(nw_gazetteer_t *g, nw_strmap_t *m, const char *key)
{
    bool added;
    nw_strmap_slot_t *s = nw_strmap_upsert(m, key, (uint32_t)g->n_entries, &added);
    if (!s)
        return NULL;
    if (!added)
        return &g->entries[s->val];
    if (g->n_entries == g->cap_entries) {
        size_t cap = g->cap_entries ? g->cap_entries * 2 : 4096;
        nw_gaz_entry_t *v = realloc(g->entries, cap * sizeof(*v));
        if (!v)
            return NULL;
        g->entries = v;
        g->cap_entries = cap;
    }
    nw_gaz_entry_t *e = &g->entries[g->n_entries++];
    memset(e, 0, sizeof(*e));
    e->place = e->org = e->alt_place = -1;
    g->n_keys++;
    return e;
}

/* Registers one name with a role. An acronym (no lower-case letter, two or
 * more capitals) is keyed case-exactly; longer acronyms also fold, for the
 * "Nato" and "Opec" of British style. Returns 0 or -1 (out of memory). */
static int add_name(loader_t *L, const char *name, uint32_t role, int32_t ref)
{
    nw_gazetteer_t *g = L->g;
    /* A given name, stop word or common word of ASCII letters alone ("Irina",
     * "the"), the lists' commonest entry: its one token's fold is its lower
     * case, as the tokeniser would make it, and a word role needs nothing
     * else. Tokenising each of them was most of the enricher's start. */
    if (!(role & NW_LEX_SPAN)) {
        char low[64];
        size_t k = 0;
        for (; k < sizeof(low) - 1; k++) {
            unsigned char c = nw_ascii_lower((unsigned char)name[k]);
            if (c < 'a' || c > 'z')
                break;
            low[k] = (char)c;
        }
        if (k > 0 && !name[k]) {
            low[k] = '\0';
            nw_gaz_entry_t *e = entry_at(g, &g->folded, low);
            if (!e)
                return -1;
            e->roles |= role;
            return 0;
        }
    }
    nw_ent_toks_reset(&L->toks);
    if (nw_ent_tokenize(&L->toks, name, strlen(name)) != 0)
        return -1;
    size_t n = L->toks.n;
    if (n == 0)
        return 0;
    if (n > 255)
        n = 255;
    size_t upper = 0, lower = 0;
    for (const char *p = name; *p; p++) {
        upper += *p >= 'A' && *p <= 'Z';
        lower += *p >= 'a' && *p <= 'z';
    }
    bool acronym = lower == 0 && upper >= 2 &&
                   (role & (NW_LEX_PLACE | NW_LEX_DEMONYM | NW_LEX_ORG | NW_LEX_OTHER));
    bool fold = !acronym || upper >= 4;

    /* A hyphenated word splits or not depending on its case ("fly-half"
     * splits, "Fly-half" does not), so such names are keyed both ways. */
    bool hyphens = false;
    for (size_t i = 1; i < n; i++)
        hyphens = hyphens || L->toks.v[i].brk == NW_BRK_HYPHEN;
    for (int pass = 0; pass < 3; pass++) {
        bool exact = pass == 0, joined = pass == 2;
        if ((exact && !acronym) || (!exact && !fold) || (joined && !hyphens))
            continue;
        nw_buf_reset(&L->key);
        size_t ntok = n, first_len = 0;
        for (size_t i = 0; i < n; i++) {
            bool glue = joined && i > 0 && L->toks.v[i].brk == NW_BRK_HYPHEN;
            if (i)
                nw_buf_putc(&L->key, glue ? '-' : ' ');
            ntok -= glue;
            if (i > 0 && !glue && first_len == 0)
                first_len = L->key.len - 1;
            nw_buf_puts(&L->key,
                        exact ? nw_ent_tok_key(&L->toks, i) : nw_ent_tok_fold(&L->toks, i));
        }
        if (first_len == 0)
            first_len = L->key.len;
        if (!nw_buf_ok(&L->key))
            return -1;
        nw_gaz_entry_t *e = entry_at(g, exact ? &g->exact : &g->folded, nw_buf_str(&L->key));
        if (!e)
            return -1;
        /* Every folded key of two or more words is made here. */
        if (!exact && joined)
            mark_runs(g, nw_buf_str(&L->key), L->key.len);
        else if (!exact && n > 1)
            mark_token_runs(g, &L->toks, n);
        /* First definition wins for the entity roles; a second place of the
         * same name in another country is kept as the alternative. */
        bool taken = (role & (NW_LEX_PLACE | NW_LEX_DEMONYM | NW_LEX_ORG)) &&
                     (e->roles & (NW_LEX_PLACE | NW_LEX_DEMONYM | NW_LEX_ORG));
        if (taken && role == NW_LEX_PLACE && (e->roles & NW_LEX_PLACE) && e->alt_place < 0 &&
            e->place >= 0 && strcmp(g->places[e->place].code, g->places[ref].code) != 0)
            e->alt_place = ref;
        if (!taken) {
            e->roles |= role;
            if (role & (NW_LEX_PLACE | NW_LEX_DEMONYM))
                e->place = ref;
            if (role & NW_LEX_ORG)
                e->org = ref;
        }
        if (!(role & NW_LEX_SPAN))
            continue;
        /* Mark the first token so the scanner knows to look further. */
        nw_gaz_entry_t *first;
        if (joined) {
            char *head = strndup(nw_buf_str(&L->key), first_len);
            first = head ? entry_at(g, &g->folded, head) : NULL;
            free(head);
        } else {
            first = entry_at(g, &g->folded, nw_ent_tok_fold(&L->toks, 0));
        }
        if (!first)
            return -1;
        if (first->max_ntok < ntok)
            first->max_ntok = (uint8_t)ntok;
        /* In text, an entity's name must open with a capital; an office
         * title need not, nor need a case-exact entry whose first word
         * has none (the extractor's match_at()). */
        bool nocap = (role & NW_LEX_TITLE) || (exact && !(L->toks.v[0].flags & NW_TOK_CAP));
        if (nocap && first->max_ntok_nocap < ntok)
            first->max_ntok_nocap = (uint8_t)ntok;
        if (exact)
            first->has_exact = true;
        if (exact && nocap)
            first->has_exact_nocap = true;
    }
    return 0;
}

static int add_list(loader_t *L, char *list, uint32_t role, int32_t ref)
{
    char *save = NULL;
    for (char *a = strtok_r(list, "|", &save); a; a = strtok_r(NULL, "|", &save))
        if (*a && add_name(L, a, role, ref) != 0)
            return -1;
    return 0;
}

/* ---- Files ------------------------------------------------------------ */

typedef int (*line_fn)(loader_t *L, char **fields, size_t n, const char *path, size_t lineno);

static int load_file(loader_t *L, const nw_enricher_api_t *api, void *host, const char *dir,
                     const char *file, line_fn fn, bool optional)
{
    char name[512], path[1024];
    snprintf(name, sizeof(name), "%s/%s", dir, file);
    if (api->data_path(host, name, path, sizeof(path)) != 0) {
        snprintf(L->errbuf, L->errlen, "gazetteer %s: cannot resolve the path", name);
        return -1;
    }
    FILE *fp = fopen(path, "r");
    if (!fp && optional && errno == ENOENT)
        return 0;
    if (!fp) {
        snprintf(L->errbuf, L->errlen, "gazetteer %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;
    while (rc == 0 && (got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r' || line[got - 1] == ' '))
            line[--got] = '\0';
        if (got == 0 || line[0] == '#')
            continue;
        char *fields[8];
        size_t n = 0;
        for (char *p = line; n < 8;) {
            fields[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        rc = fn(L, fields, n, path, lineno);
        if (rc != 0 && L->errbuf[0] == '\0')
            snprintf(L->errbuf, L->errlen, "gazetteer %s:%zu: out of memory", path, lineno);
    }
    free(line);
    fclose(fp);
    return rc;
}

/* An ISO 3166-1 alpha-2 code, or a UN M49 area code of three digits for a
 * place of no single country ("150": Europe; "001", the world: oceans). */
static bool valid_code(const char *c)
{
    if (strlen(c) == 3)
        return c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' && c[2] >= '0' &&
               c[2] <= '9';
    return strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

/* countries.tsv, cities.tsv, regions.tsv: code, name, aliases, demonyms. */
static int place_line(loader_t *L, char **f, size_t n, const char *path, size_t lineno)
{
    nw_gazetteer_t *g = L->g;
    if (n < 2 || !valid_code(f[0]) || !f[1][0]) {
        snprintf(L->errbuf, L->errlen,
                 "gazetteer %s:%zu: expected an ISO 3166-1 alpha-2 or UN M49 code and a name", path,
                 lineno);
        return -1;
    }
    if (g->n_places == g->cap_places) {
        size_t cap = g->cap_places ? g->cap_places * 2 : 1024;
        nw_gaz_place_t *v = realloc(g->places, cap * sizeof(*v));
        if (!v)
            return -1;
        g->places = v;
        g->cap_places = cap;
    }
    nw_gaz_place_t *p = &g->places[g->n_places];
    p->name = strdup(f[1]);
    if (!p->name)
        return -1;
    /* A UN M49 code ("150") has three characters: the fourth byte ends it. */
    memcpy(p->code, f[0], 3);
    p->code[3] = '\0';
    int32_t ref = (int32_t)g->n_places++;
    if (add_name(L, f[1], NW_LEX_PLACE, ref) != 0)
        return -1;
    if (n > 2 && add_list(L, f[2], NW_LEX_PLACE, ref) != 0)
        return -1;
    if (n > 3 && add_list(L, f[3], NW_LEX_DEMONYM, ref) != 0)
        return -1;
    return 0;
}

/* organisations.tsv: name, aliases. */
static int org_line(loader_t *L, char **f, size_t n, const char *path, size_t lineno)
{
    nw_gazetteer_t *g = L->g;
    if (!f[0][0]) {
        snprintf(L->errbuf, L->errlen, "gazetteer %s:%zu: expected a name", path, lineno);
        return -1;
    }
    if (g->n_orgs == g->cap_orgs) {
        size_t cap = g->cap_orgs ? g->cap_orgs * 2 : 512;
        char **v = realloc(g->orgs, cap * sizeof(*v));
        if (!v)
            return -1;
        g->orgs = v;
        g->cap_orgs = cap;
    }
    g->orgs[g->n_orgs] = strdup(f[0]);
    if (!g->orgs[g->n_orgs])
        return -1;
    int32_t ref = (int32_t)g->n_orgs++;
    if (add_name(L, f[0], NW_LEX_ORG, ref) != 0)
        return -1;
    return n > 1 ? add_list(L, f[1], NW_LEX_ORG, ref) : 0;
}

/* titles.txt, other.txt, stopwords.txt, given_names.txt: one per line. */
static int word_line(loader_t *L, char **f, size_t n, const char *path, size_t lineno)
{
    return add_name(L, f[0], L->role, -1);
}

/* Closed classes of words the heuristics rely on; they describe English
 * news prose rather than the world, so they live here, not in the data. */
static const char *const particles[] = {
    "de",  "da",  "di",  "du", "des", "del", "della", "dos", "das", "do", "van", "von", "der",
    "den", "ter", "ten", "le", "la",  "bin", "ibn",   "al",  "el",  "y",  "zu",  "st."};
static const char *const org_words[] = {
    "Ministry",
    "Council",
    "Commission",
    "Committee",
    "Agency",
    "Authority",
    "Institute",
    "Institution",
    "University",
    "College",
    "Foundation",
    "Association",
    "Federation",
    "Confederation",
    "Organisation",
    "Organization",
    "Party",
    "Company",
    "Corporation",
    "Corp",
    "Corp.",
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "Plc",
    "PLC",
    "Group",
    "Holdings",
    "Airlines",
    "Airways",
    "Motors",
    "Service",
    "Office",
    "Police",
    "Army",
    "Navy",
    "Court",
    "Tribunal",
    "Assembly",
    "Board",
    "Bureau",
    "Fund",
    "Trust",
    "Society",
    "Club",
    "Bank",
    "Programme",
    "Observatory",
    "Laboratory",
    "Laboratories",
    "Museum",
    "Hospital",
    "Academy",
    "Alliance",
    "Coalition",
    "Movement",
    "Command",
    "Exchange",
    "Railways",
    "Union",
    "Network",
    "Forces",
    "Front",
    "FC",
    "Department",
    "Secretariat",
    "Industries",
    "Technologies",
    "Pharmaceuticals",
    "Labs",
    "Studios",
    "Parliament",
    "Senate",
    "Congress",
    "Brigade",
    "Brigades",
    "Guard",
    "Guards",
    "Rangers",
    "Force",
    "Staff",
    "Festival",
    "Securities",
    "Capital",
    "Partners",
    "Insurance",
    "Investments",
    "Ventures",
    "Pharma",
    "Foods",
    "Logistics",
    "Telecom",
    "Telecoms",
    "Communications",
    "Media",
    "Entertainment",
    "Shipping",
    "Mining",
    "Energy",
    "Aerospace",
    "Electric",
    "Steel",
    "Chemicals",
    "Robotics",
    "Markets",
    "Rail",
    "Lithium",
    "Petroleum",
    "Minerals",
    "Automotive",
    "Electronics",
    "Semiconductor",
    "Manufacturing",
    "Biotech",
    "Therapeutics",
    "Resources",
    "Engineering",
    "Construction",
    "Cement",
    "Nickel",
    "Cobalt",
    "Copper",
    "Aluminium",
    "Aluminum",
    "Textiles",
    "Breweries",
    "Beverages",
    "Fertilisers",
    "Fertilizers",
    "Publishing",
    "Utilities",
    "Petrochemicals",
    "Dal",
    "Telegraph",
    "Herald",
    "Tribune",
    "Gazette",
    "Chronicle",
    "Morcha",
    "Systems",
    "Solutions",
    "Software",
    "Records",
    "Collective",
    "Forum",
    "Center",
    "Centre",
    "Consortium",
    "Cooperative",
    "Co-operative",
    "Syndicate",
    "Chamber",
    "Chambers",
    "Co",
    "Co.",
    "SpA",
    "AG",
    "NV",
    "Bros",
    "Bros.",
    "LLC",
    "Bancshares",
    "Bancorp",
    "Newsroom",
};
static const char *const noname_words[] = {
    "Street",     "Road",        "Avenue",    "Square",     "River",        "Lake",
    "Mountain",   "Mountains",   "Island",    "Islands",    "Bay",          "Sea",
    "Ocean",      "Valley",      "Bridge",    "Airport",    "Station",      "Stadium",
    "Arena",      "Palace",      "Tower",     "Cathedral",  "Church",       "Temple",
    "Mosque",     "Beach",       "Coast",     "Peninsula",  "Desert",       "Forest",
    "Canal",      "Strait",      "County",    "Province",   "State",        "District",
    "Region",     "City",        "Town",      "Village",    "Cup",          "Prize",
    "Award",      "Awards",      "Games",     "Open",       "Championship", "Championships",
    "League",     "Trophy",      "Series",    "Day",        "Week",         "Act",
    "Treaty",     "Agreement",   "Accord",    "Summit",     "Conference",   "Index",
    "Plan",       "Strategy",    "Project",   "Programme",  "Mission",      "Initiative",
    "Fire",       "Storm",       "Hurricane", "Typhoon",    "Cyclone",      "Operation",
    "Reef",       "Gardens",     "Centre",    "Center",     "Market",       "War",
    "Revolution", "Declaration", "Doctrine",  "Road",       "Square",       "Highway",
    "Motorway",   "Port",        "Harbour",   "Harbor",     "Dam",          "Glacier",
    "Falls",      "Hills",       "Heights",   "Gate",       "Wall",         "Museum",
    "Library",    "School",      "Zoo",       "Show",       "Tour",         "Marathon",
    "Rally",      "Derby",       "Classic",   "Grand",      "Northern",     "Southern",
    "Eastern",    "Western",     "Central",   "Upper",      "Lower",        "Greater",
    "New",        "Saint",       "Mount",     "Cape",       "Fort",         "Lady",
    "Covid",      "Covid-19",    "Virus",     "Flu",        "Boulevard",    "Avenida",
    "Rua",        "Calle",       "Plaza",     "Praça",      "Piazza",       "Place",
    "Explorer",   "Field",       "Dome",      "Collider",   "Telescope",    "Reactor",
    "Pipeline",   "Course",      "Circuit",   "Racecourse", "Velodrome",
};
/* Competitions in other languages ("Campeonato Gaucho", "Coppa Italia") and
 * a compass word after a name ("Utsira Nord") name no person either. */
static const char *const noname_foreign[] = {"Campeonato", "Copa",  "Coupe", "Coppa", "Torneo",
                                             "Trofeo",     "Pokal", "Nord",  "Norte"};
/* Facilities: a place or organisation named before one of these is part of
 * the facility's name ("Emirates Stadium", "Victoria Station"). */
static const char *const facility_words[] = {
    "Stadium", "Arena",   "Airport", "Station",  "Street",    "Road",   "Avenue", "Square",
    "Bridge",  "Park",    "Tower",   "Palace",   "Cathedral", "Mosque", "Temple", "Church",
    "Beach",   "Harbour", "Harbor",  "Terminal", "Hotel",     "Dome",   "Field",
};
/* Words before a name that make it a place rather than a person. */
static const char *const locatives[] = {"in",     "near",    "outside", "across",    "around",
                                        "inside", "towards", "toward",  "throughout"};
/* Words that end the name of a place the gazetteer may lack ("Victoria
 * Island", "Borno State"). */
static const char *const place_suffixes[] = {"Island",     "Islands", "County", "Province",
                                             "District",   "Region",  "Oblast", "Governorate",
                                             "Prefecture", "State"};
/* Lower-case words after a name that make it a place ("Poltava region"). */
static const char *const place_words[] = {"region",      "province", "district",   "state",
                                          "county",      "oblast",   "prefecture", "municipality",
                                          "governorate", "town",     "village",    "city"};
/* Verbs whose subject is almost always a person ("Price said"). */
static const char *const speech_words[] = {
    "said",      "says",      "say",       "told",      "tells",        "added",     "adds",
    "explained", "warned",    "warns",     "noted",     "wrote",        "writes",    "argued",
    "insisted",  "stated",    "tweeted",   "commented", "claimed",      "confirmed", "replied",
    "asked",     "recalled",  "urged",     "stressed",  "acknowledged", "admitted",  "declared",
    "predicted", "suggested", "concluded", "revealed",  "believes",     "thinks",    "according",
    "spoke",     "resigned",  "died",      "scored",
};
static const char *const suffixes[] = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"};

static int add_words(loader_t *L, const char *const *w, size_t n, uint32_t role)
{
    for (size_t i = 0; i < n; i++)
        if (add_name(L, w[i], role, -1) != 0)
            return -1;
    return 0;
}

#define NW_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Sets the bit of g->nocap of every key nw_gaz_opens_nocap() holds for
 * (g->runs is set as the keys are made: add_name()); notes the longest
 * particle and suffix. */
static void mark_bits(nw_gazetteer_t *g)
{
    memset(g->nocap, 0, sizeof(g->nocap));
    g->particle_len = g->suffix_len = 0;
    for (size_t j = 0; j < g->folded.cap; j++) {
        const nw_strmap_slot_t *s = &g->folded.slots[j];
        if (!s->key)
            continue;
        uint32_t roles = g->entries[s->val].roles;
        if ((roles & NW_LEX_PARTICLE) && s->len > g->particle_len)
            g->particle_len = s->len;
        if ((roles & NW_LEX_SUFFIX) && s->len > g->suffix_len)
            g->suffix_len = s->len;
        if (nw_gaz_opens_nocap(&g->entries[s->val]))
            set_bit(g->nocap, s->hash >> (32 - NW_GAZ_NOCAP_BITS));
    }
}

int nw_gaz_load(nw_gazetteer_t *g, const nw_enricher_api_t *api, void *host, const char *dir,
                char *errbuf, size_t errlen)
{
    loader_t L = {.g = g, .errbuf = errbuf, .errlen = errlen};
    errbuf[0] = '\0';
    memset(g->runs, 0, sizeof(g->runs)); /* add_name() sets them */
    /* Hand-kept lists first, so that on a clash of names their entry wins;
     * the generated ones (scripts/gazetteers/build.py) are optional. mark
     * says which range of places ends after the file. */
    enum { NONE, COUNTRIES_END, CITIES_END };
    static const struct {
        const char *file;
        line_fn fn;
        uint32_t role;
        bool optional; /* the heuristics work, less well, without it */
        int mark;
    } files[] = {
        {"countries.tsv", place_line, 0, false, NONE},
        {"former_countries.tsv", place_line, 0, true, COUNTRIES_END},
        {"cities.tsv", place_line, 0, false, NONE},
        {"cities_geonames.tsv", place_line, 0, true, CITIES_END},
        {"regions.tsv", place_line, 0, false, NONE},
        {"subdivisions.tsv", place_line, 0, true, NONE},
        {"world_regions.tsv", place_line, 0, true, NONE},
        {"organisations.tsv", org_line, 0, false, NONE},
        {"organisations_clubs.tsv", org_line, 0, true, NONE},
        {"titles.txt", word_line, NW_LEX_TITLE, false, NONE},
        {"other.txt", word_line, NW_LEX_OTHER, false, NONE},
        {"stopwords.txt", word_line, NW_LEX_STOP, false, NONE},
        {"given_names.txt", word_line, NW_LEX_GIVEN, true, NONE},
        {"given_names_world.txt", word_line, NW_LEX_GIVEN, true, NONE},
        {"common_words.txt", word_line, NW_LEX_COMMON, true, NONE},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < NW_COUNT(files); i++) {
        L.role = files[i].role;
        rc = load_file(&L, api, host, dir, files[i].file, files[i].fn, files[i].optional);
        if (files[i].mark == COUNTRIES_END)
            g->n_countries = g->n_places;
        if (files[i].mark == CITIES_END)
            g->regions_from = g->n_places;
    }
    if (rc == 0)
        rc = add_words(&L, particles, NW_COUNT(particles), NW_LEX_PARTICLE) ||
             add_words(&L, org_words, NW_COUNT(org_words), NW_LEX_ORGWORD) ||
             add_words(&L, noname_words, NW_COUNT(noname_words), NW_LEX_NONAME) ||
             add_words(&L, noname_foreign, NW_COUNT(noname_foreign), NW_LEX_NONAME) ||
             add_words(&L, speech_words, NW_COUNT(speech_words), NW_LEX_SPEECH) ||
             add_words(&L, suffixes, NW_COUNT(suffixes), NW_LEX_SUFFIX) ||
             add_words(&L, facility_words, NW_COUNT(facility_words), NW_LEX_FACILITY) ||
             add_words(&L, locatives, NW_COUNT(locatives), NW_LEX_LOCATIVE) ||
             add_words(&L, place_words, NW_COUNT(place_words), NW_LEX_PLACEWORD) ||
             add_words(&L, place_suffixes, NW_COUNT(place_suffixes), NW_LEX_PLACESUFFIX);
    if (rc != 0 && errbuf[0] == '\0')
        snprintf(errbuf, errlen, "gazetteer: out of memory");
    nw_ent_toks_free(&L.toks);
    nw_buf_free(&L.key);
    /* Articles look up every word, and most words are in neither table:
     * at a quarter full, a miss ends after a probe or two. */
    if (rc == 0 && (nw_strmap_spread(&g->folded) != 0 || nw_strmap_spread(&g->exact) != 0)) {
        snprintf(errbuf, errlen, "gazetteer: out of memory");
        rc = -1;
    }
    if (rc == 0)
        mark_bits(g);
    return rc ? -1 : 0;
}

void nw_gaz_free(nw_gazetteer_t *g)
{
    if (!g)
        return;
    nw_strmap_free(&g->folded);
    nw_strmap_free(&g->exact);
    free(g->entries);
    for (size_t i = 0; i < g->n_places; i++)
        free(g->places[i].name);
    free(g->places);
    for (size_t i = 0; i < g->n_orgs; i++)
        free(g->orgs[i]);
    free(g->orgs);
    memset(g, 0, sizeof(*g));
}

uint32_t nw_gaz_lookup(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i)
{
    nw_ent_tok_t *k = &t->v[i];
    const nw_strmap_slot_t *s =
        map_find(&g->folded, t->keys.data + k->fold, k->fold_len, k->fold_hash);
    k->gaz = s ? s->val + 2 : 1;
    return k->gaz;
}

const nw_gaz_entry_t *nw_gaz_folded(const nw_gazetteer_t *g, const char *key)
{
    const uint32_t *v = nw_strmap_get(&g->folded, key);
    return v ? &g->entries[*v] : NULL;
}

const nw_gaz_entry_t *nw_gaz_exact(const nw_gazetteer_t *g, const char *key)
{
    const uint32_t *v = nw_strmap_get(&g->exact, key);
    return v ? &g->entries[*v] : NULL;
}
