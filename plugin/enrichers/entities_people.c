/*
 * The entities enricher's second stage: candidates become people, and the
 * labelled spans become places and organisations with mention counts.
 *
 * People are settled longest name first, so "Le Drian" and "Blinken" find
 * "Jean-Yves Le Drian" and "Antony Blinken" whatever the order they appear
 * in. A shorter mention joins a person whose name ends with it; when two
 * people share a surname it joins the nearest one named before it. A
 * mention that joins nobody counts as a new person only when the first
 * stage accepted it on its own evidence. The byline's authors are entered
 * first and never reported, so neither "Bhavya Sukheja" nor "Sukheja" is a
 * mention.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "enrichers/entities_internal.h"

typedef struct person {
    char *fold;           /* folded words joined by single spaces */
    char *display;        /* as first written in full */
    nw_ent_forms_t forms; /* every way the text writes the name */
    size_t ntok;
    uint32_t first, mentions;
    bool blocked; /* a byline author */
} person_t;

/* People found so far, indexed three ways so that each mention costs a few
 * lookups however long the article: by full name, by every shorter tail of
 * the name ("le drian", "drian"), and by first and last word. */
typedef struct link {
    uint32_t person, next; /* next: index into links, or UINT32_MAX */
} link_t;

typedef struct people {
    person_t *v;
    size_t n, cap;
    nw_strmap_t *full, *tails, *ends; /* key -> person (full) or first link; borrowed from
                                       * the work (nw_ent_work_t), empty on entry */
    link_t *links;
    size_t n_links, cap_links;
    nw_ent_arena_t *scratch; /* the work's: the people's names and forms */
    bool oom;
} people_t;

/* At most this many people are tracked per article. */
#define NW_ENT_PEOPLE_MAX 2000

/* The bytes of token i in a join of tokens s..s+n-1: its fold, or the word
 * as written with, inside a name, its possessive ("Women's Tennis
 * Association"). */
static size_t join_part(const nw_ent_toks_t *t, const char *text, size_t s, size_t n, size_t i,
                        bool folded, const char **p)
{
    if (folded) {
        *p = nw_ent_tok_fold(t, i);
        return t->v[i].fold_len;
    }
    *p = text + t->v[i].off;
    return t->v[i].len + (i + 1 < s + n ? t->v[i].tail : 0);
}

/* Does a name written out keep a comma before its token i > s? Only an
 * organisation's list of fields spans one ("Ministry of Economy, Trade and
 * Industry"); keys (folded) join with spaces alone. */
static inline bool comma_before(const nw_ent_toks_t *t, size_t s, size_t i, bool folded)
{
    return !folded && i > s && t->v[i].brk == NW_BRK_COMMA;
}

/* Joins tokens s..s+n-1 of t, folded or as written in text, into a
 * string in arena a, cut once at its size; NULL when out of memory. */
static char *join(nw_ent_arena_t *a, const nw_ent_toks_t *t, const char *text, size_t s, size_t n,
                  bool folded)
{
    const char *p;
    size_t len = n ? n - 1 : 0;
    for (size_t i = s; i < s + n; i++)
        len += join_part(t, text, s, n, i, folded, &p) + comma_before(t, s, i, folded);
    char *out = nw_ent_arena_alloc(a, len + 1);
    if (!out)
        return NULL;
    size_t at = 0;
    for (size_t i = s; i < s + n; i++) {
        if (comma_before(t, s, i, folded))
            out[at++] = ',';
        if (i > s)
            out[at++] = ' ';
        size_t l = join_part(t, text, s, n, i, folded, &p);
        memcpy(out + at, p, l);
        at += l;
    }
    out[at] = '\0';
    return out;
}

/* nw_strmap_hash() of the folds of tokens s..s+n-1 joined by spaces
 * (n >= 1), from the hashes the tokeniser gave each word, as the
 * extractor hashes a run of words for the gazetteer. */
static uint64_t fold_hash(const nw_ent_toks_t *t, size_t s, size_t n)
{
    uint64_t h = t->v[s].fold_hash;
    for (size_t i = s + 1; i < s + n; i++)
        h = nw_ent_hash_more(h, t->v[i].fold_hash);
    return h;
}

/* Tokens s..s+n-1 as written, joined into buf without allocating; NULL
 * when they do not fit (the form is then not recorded). */
#define FORM_MAX 256
static const char *join_form(const nw_ent_toks_t *t, const char *text, size_t s, size_t n,
                             char buf[FORM_MAX])
{
    size_t len = 0;
    for (size_t i = s; i < s + n; i++) {
        size_t l = t->v[i].len + (i + 1 < s + n ? t->v[i].tail : 0);
        if (len + l + 3 > FORM_MAX)
            return NULL;
        if (comma_before(t, s, i, false))
            buf[len++] = ',';
        if (i > s)
            buf[len++] = ' ';
        memcpy(buf + len, text + t->v[i].off, l);
        len += l;
    }
    buf[len] = '\0';
    return buf;
}

/* Links person under key, whose nw_strmap_hash() is hash, in m. */
static void link_key(people_t *P, nw_strmap_t *m, const char *key, uint64_t hash, uint32_t person)
{
    bool added;
    nw_strmap_slot_t *slot =
        nw_strmap_upsert_h(m, key, strlen(key), hash, (uint32_t)P->n_links, &added);
    if (!slot) {
        P->oom = true;
        return;
    }
    if (P->n_links == P->cap_links) {
        size_t cap = P->cap_links ? P->cap_links * 2 : 32;
        link_t *v = realloc(P->links, cap * sizeof(*v));
        if (!v) {
            P->oom = true;
            return;
        }
        P->links = v;
        P->cap_links = cap;
    }
    P->links[P->n_links] = (link_t){.person = person, .next = added ? UINT32_MAX : slot->val};
    slot->val = (uint32_t)P->n_links++;
}

/* "first last" of a name of two or more words (the first and last words
 * of its fold, whose nw_strmap_hash() is fold_hash), with its hash in
 * *hash; NULL for one word, or when longer than len - 1 bytes. A name of
 * two words is its own key, with the hash its caller has: this runs for
 * every person and mention, and most names have two words. Otherwise the
 * key is copied into buf by hand. */
static const char *ends_key(const char *fold, uint64_t fold_hash, char *buf, size_t len,
                            uint64_t *hash)
{
    const char *sp = strchr(fold, ' ');
    if (!sp)
        return NULL;
    const char *last = strrchr(fold, ' ') + 1;
    size_t first_len = (size_t)(sp - fold), last_len = strlen(last);
    if (first_len + last_len + 2 > len)
        return NULL;
    if (last == sp + 1) {
        *hash = fold_hash;
        return fold;
    }
    memcpy(buf, fold, first_len + 1); /* and its space */
    memcpy(buf + first_len + 1, last, last_len + 1);
    *hash = nw_strmap_hash(buf);
    return buf;
}

/* fold and display are in P->scratch (either may be NULL after a failed
 * allocation); hash is nw_strmap_hash() of fold, which the caller has
 * looked up with. */
static void add_person(people_t *P, char *fold, uint64_t hash, char *display, size_t ntok,
                       uint32_t first, bool blocked)
{
    if (P->oom || !fold || !display || P->n >= NW_ENT_PEOPLE_MAX)
        goto fail;
    if (P->n == P->cap) {
        size_t cap = P->cap ? P->cap * 2 : 16;
        person_t *v = realloc(P->v, cap * sizeof(*v));
        if (!v)
            goto fail;
        P->v = v;
        P->cap = cap;
    }
    uint32_t id = (uint32_t)P->n;
    bool added;
    if (!nw_strmap_upsert_h(P->full, fold, strlen(fold), hash, id, &added))
        goto fail;
    for (const char *sp = strchr(fold, ' '); sp; sp = strchr(sp + 1, ' '))
        link_key(P, P->tails, sp + 1, nw_strmap_hash(sp + 1), id);
    char buf[512];
    uint64_t h;
    const char *key = ends_key(fold, hash, buf, sizeof(buf), &h);
    if (key)
        link_key(P, P->ends, key, h, id);
    P->v[P->n++] = (person_t){.fold = fold,
                              .display = display,
                              .ntok = ntok,
                              .first = first,
                              .mentions = blocked ? 0 : 1,
                              .blocked = blocked};
    if (!blocked && nw_ent_forms_add_str(P->scratch, &P->v[P->n - 1].forms, display) != 0)
        P->oom = true;
    return;
fail:
    if (P->n < NW_ENT_PEOPLE_MAX)
        P->oom = true;
}

/* Of the people on a chain of links, the one a mention at pos most likely
 * means: the nearest named before it, else the first named after. */
static long nearest(const people_t *P, uint32_t link, uint32_t pos)
{
    long best = -1;
    for (; link != UINT32_MAX; link = P->links[link].next) {
        long i = (long)P->links[link].person;
        if (best < 0) {
            best = i;
            continue;
        }
        const person_t *p = &P->v[i], *b = &P->v[best];
        bool p_before = p->first <= pos, b_before = b->first <= pos;
        if ((p_before && !b_before) || (p_before && b_before && p->first > b->first) ||
            (!p_before && !b_before && p->first < b->first))
            best = i;
    }
    return best;
}

/* The person a mention (folded words, at token pos) refers to, or -1: the
 * same name, a person whose name ends with it, or one with the same first
 * and last words ("Joseph R. Biden" and "Joseph Biden"). hash: the fold's
 * nw_strmap_hash(), made once for every map a mention is looked up in. */
static long find_person(const people_t *P, const char *fold, uint64_t hash, uint32_t pos)
{
    const uint32_t *v = nw_strmap_get_h(P->full, fold, hash);
    if (v)
        return (long)*v;
    if ((v = nw_strmap_get_h(P->tails, fold, hash)))
        return nearest(P, *v, pos);
    char buf[512];
    uint64_t h;
    const char *key = ends_key(fold, hash, buf, sizeof(buf), &h);
    if (key && (v = nw_strmap_get_h(P->ends, key, h)))
        return nearest(P, *v, pos);
    return -1;
}

/* Frees the people and empties the indexes, which the work keeps. */
static void people_free(people_t *P)
{
    free(P->v);
    free(P->links);
    nw_strmap_clear(P->full);
    nw_strmap_clear(P->tails);
    nw_strmap_clear(P->ends);
}

/* Enters the byline's authors ("Jane Doe and John Roe") as blocked people.
 * toks: the work's byline tokens, reset here and kept for the next article. */
static void add_byline(people_t *P, nw_ent_toks_t *toks, const char *byline)
{
    nw_ent_toks_reset(toks);
    if (nw_ent_tokenize(toks, byline, strlen(byline)) != 0)
        return;
    const nw_ent_toks_t *t = toks;
    size_t s = 0;
    for (size_t i = 0; i <= t->n; i++) {
        bool cut = i == t->n || (t->v[i].flags & NW_TOK_CONNECT) || t->v[i].brk >= NW_BRK_COMMA ||
                   strcmp(nw_ent_tok_fold(t, i), "and") == 0;
        if (!cut)
            continue;
        if (i > s) {
            char *fold = join(P->scratch, t, byline, s, i - s, true);
            add_person(P, fold, fold ? nw_strmap_hash(fold) : 0,
                       join(P->scratch, t, byline, s, i - s, false), i - s, 0, true);
        }
        s = (i < t->n && t->v[i].brk >= NW_BRK_COMMA && !(t->v[i].flags & NW_TOK_CONNECT) &&
             strcmp(nw_ent_tok_fold(t, i), "and") != 0)
                ? i
                : i + 1;
    }
}

/* Sorts n elements of size bytes (at most 64) by cmp, keeping the order of
 * equal ones, as glibc's qsort() (a merge sort) does: an article's lists
 * are a few dozen long, where the library's setup costs more than the
 * sorting. Long lists go to qsort(). */
static inline void sort_short(void *base, size_t n, size_t size,
                              int (*cmp)(const void *, const void *))
{
    if (n > 32 || size > 64) {
        qsort(base, n, size, cmp);
        return;
    }
    char *v = base, tmp[64];
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        while (j > 0 && cmp(v + (j - 1) * size, v + i * size) > 0)
            j--;
        if (j == i)
            continue;
        memcpy(tmp, v + i * size, size);
        memmove(v + (j + 1) * size, v + j * size, (i - j) * size);
        memcpy(v + j * size, tmp, size);
    }
}

static int by_length_then_position(const void *a, const void *b)
{
    const nw_ent_cand_t *x = a, *y = b;
    if (x->ntok != y->ntok)
        return x->ntok > y->ntok ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int by_position(const void *a, const void *b)
{
    const nw_ent_cand_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int by_first(const void *a, const void *b)
{
    const nw_ent_t *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* A copy of a name in capitals ("THOUSAND OAKS", "MÜNCHEN") in the case
 * a list would write it ("Thousand Oaks", "München"): each word's first
 * letter kept, the rest lowered (ASCII and Latin-1's letters); NULL when
 * out of memory. */
static char *title_case(nw_ent_arena_t *a, const char *name)
{
    char *s = nw_ent_arena_dup(a, name, strlen(name));
    if (!s)
        return NULL;
    bool first = true;
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '-') {
            first = true;
            continue;
        }
        if (!first && *p < 0x80)
            *p = nw_ascii_lower(*p);
        else if (!first && p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97)
            p[1] = (unsigned char)(p[1] + 0x20);
        if (*p < 0x80 || *p >= 0xC0)
            first = false;
    }
    return s;
}

/* The country the article is mostly about: the code with the most place and
 * nationality mentions, the first mentioned on a tie; NULL when none. */
static const char *dominant_code(const nw_ent_list_t *lists)
{
    struct {
        const char *code;
        uint32_t n, first;
    } tally[300];
    size_t nt = 0;
    for (int l = 0; l < 2; l++) {
        const nw_ent_list_t *places = &lists[l ? NW_ENT_NATIONALITY : NW_ENT_PLACE];
        for (size_t i = 0; i < places->n; i++) {
            const nw_ent_t *e = &places->v[i];
            size_t k = 0;
            /* Codes are two or three characters: most differ in the first. */
            while (k < nt &&
                   (tally[k].code[0] != e->code[0] || strcmp(tally[k].code, e->code) != 0))
                k++;
            if (k == nt) {
                if (nt == sizeof(tally) / sizeof(tally[0]))
                    continue;
                tally[nt].code = e->code;
                tally[nt].n = 0;
                tally[nt].first = UINT32_MAX;
                nt++;
            }
            tally[k].n += e->mentions;
            if (e->first < tally[k].first)
                tally[k].first = e->first;
        }
    }
    size_t best = 0;
    for (size_t k = 1; k < nt; k++)
        if (tally[k].n > tally[best].n ||
            (tally[k].n == tally[best].n && tally[k].first < tally[best].first))
            best = k;
    return nt ? tally[best].code : NULL;
}

/* dominant_code(), worked out when first asked for: most articles never
 * ask (no place name of two countries, no place the gazetteer lacks), and
 * the tally walks every place and nationality. The callers ask before they
 * add a place or a nationality of their own, so the answer is the one the
 * lists gave when the caller began. */
typedef struct dominant {
    const char *code;
    bool known;
} dominant_t;

static const char *dominant_of(dominant_t *d, const nw_ent_list_t *lists)
{
    if (!d->known) {
        d->code = dominant_code(lists);
        d->known = true;
    }
    return d->code;
}

static int collect_people(nw_ent_work_t *w, const nw_gazetteer_t *g, const char *byline)
{
    dominant_t dominant = {0};
    people_t P = {.full = &w->people_full,
                  .tails = &w->people_tails,
                  .ends = &w->people_ends,
                  .scratch = &w->scratch};
    const nw_ent_toks_t *t = &w->toks;
    const char *text = nw_buf_str(&w->text);
    if (byline && byline[0])
        add_byline(&P, &w->byline_toks, byline);

    /* A name the context shows to be a place somewhere ("in El Fasher") is
     * a place everywhere, unless a title or a given name vouches for it. */
    nw_strmap_t *places = &w->cand_places;
    for (size_t i = 0; i < w->n_cands && !P.oom; i++) {
        if (!w->cands[i].place)
            continue;
        char *fold = join(P.scratch, t, text, w->cands[i].start, w->cands[i].ntok, true);
        bool added;
        if (!fold ||
            !nw_strmap_upsert(
                places, fold,
                w->cands[i].code_place < 0 ? UINT32_MAX : (uint32_t)w->cands[i].code_place, &added))
            P.oom = true;
    }

    /* Names in full first, longest first; then everything else in text
     * order, joining them or standing alone when accepted. */
    if (w->n_cands > 1)
        sort_short(w->cands, w->n_cands, sizeof(*w->cands), by_length_then_position);
    for (int pass = 0; pass < 2 && !P.oom; pass++) {
        for (size_t i = 0; i < w->n_cands && !P.oom; i++) {
            nw_ent_cand_t *c = &w->cands[i];
            bool full = c->accepted && c->ntok >= 2;
            if ((pass == 0) != full)
                continue;
            char *fold = join(P.scratch, t, text, c->start, c->ntok, true);
            if (!fold) {
                P.oom = true;
                break;
            }
            uint64_t hash = fold_hash(t, c->start, c->ntok);
            long p = find_person(&P, fold, hash, c->start);
            const uint32_t *as_place = c->cued ? NULL : nw_strmap_get_h(places, fold, hash);
            if ((p < 0 || pass == 0) && as_place) {
                /* A place the gazetteer lacks, in the country the article is
                 * about unless the text says which ("Redmond, Washington"). */
                int32_t ref = c->code_place >= 0        ? c->code_place
                              : *as_place != UINT32_MAX ? (int32_t)*as_place
                                                        : -1;
                /* Asked here whatever ref is: before this branch first adds a place. */
                const char *dc = dominant_of(&dominant, w->out);
                const char *code = ref >= 0 ? g->places[ref].code : dc;
                char *form = join(P.scratch, t, text, c->start, c->ntok, false), *name = form;
                if (form && (t->v[c->start].flags & NW_TOK_UPPER))
                    name = title_case(P.scratch, form);
                size_t pos;
                int rc = name && code ? nw_ent_list_add(&w->out[NW_ENT_PLACE], name, strlen(name),
                                                        code, c->start, form, &pos)
                                      : 0;
                if (rc != 0)
                    P.oom = true;
                continue;
            }
            if (p >= 0) {
                person_t *x = &P.v[p];
                x->mentions += !x->blocked;
                if (c->start < x->first && !x->blocked)
                    x->first = c->start;
                char fb[FORM_MAX];
                if (!x->blocked &&
                    nw_ent_forms_add_str(P.scratch, &x->forms,
                                         join_form(t, text, c->start, c->ntok, fb)) != 0)
                    P.oom = true;
            } else if (c->accepted) {
                add_person(&P, fold, hash, join(P.scratch, t, text, c->start, c->ntok, false),
                           c->ntok, c->start, false);
            }
        }
        if (pass == 0) {
            /* The rest in text order, so "nearest before" means something. */
            size_t k = 0;
            for (size_t i = 0; i < w->n_cands; i++)
                if (!(w->cands[i].accepted && w->cands[i].ntok >= 2))
                    w->cands[k++] = w->cands[i];
            w->n_cands = k;
            if (k > 1)
                sort_short(w->cands, k, sizeof(*w->cands), by_position);
        }
    }
    nw_strmap_clear(places);
    int rc = P.oom ? -1 : 0;
    nw_ent_list_t *out = &w->out[NW_ENT_PERSON];
    for (size_t i = 0; i < P.n && rc == 0; i++) {
        const person_t *p = &P.v[i];
        if (p->blocked)
            continue;
        size_t before = out->n, at;
        rc = nw_ent_list_add(out, p->display, strlen(p->display), NULL, p->first, NULL, &at);
        if (rc == 0 && out->n > before)
            out->v[out->n - 1].mentions = p->mentions;
        if (rc == 0 && out->n > 0)
            rc = at != SIZE_MAX ? nw_ent_forms_merge(&out->names, &out->v[at].forms, p->forms.s)
                                : -1;
    }
    people_free(&P);
    return rc;
}

int nw_ent_collect(nw_ent_work_t *w, const nw_gazetteer_t *g, const char *byline)
{
    const nw_ent_toks_t *t = &w->toks;
    const char *text = nw_buf_str(&w->text);
    nw_ent_arena_reset(&w->scratch); /* the last article's names and forms */
    const char *heads[NW_ENT_HEADS_MAX];
    size_t n_heads = 0;
    /* Places whose name is unambiguous first; then "Georgia" or "Perth"
     * means the one in the country the article is mostly about. */
    dominant_t dominant = {0};
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < w->n_spans; i++) {
            const nw_ent_span_t *s = &w->spans[i];
            if ((s->role != NW_LEX_PLACE && s->role != NW_LEX_DEMONYM) || s->ref < 0 ||
                (s->alt >= 0) != (pass == 1))
                continue;
            int32_t ref = s->ref;
            const char *dc = pass ? dominant_of(&dominant, w->out) : NULL;
            if (dc && strcmp(g->places[s->alt].code, dc) == 0)
                ref = s->alt;
            const nw_gaz_place_t *p = &g->places[ref];
            /* A nationality word ("German") is not a mention of the place:
             * it goes to its own list, with the country it names. */
            bool nat = s->role == NW_LEX_DEMONYM;
            /* In sports copy "Surrey" or "NEW YORK" may be the team. */
            bool team = nw_ent_place_is_team(w, g, s);
            int k = team ? NW_ENT_ORG : nat ? NW_ENT_NATIONALITY : NW_ENT_PLACE;
            char fb[FORM_MAX];
            const char *form = join_form(t, text, s->start, s->ntok, fb);
            /* A team is named as the text names it ("Sevilla", not the
             * gazetteer's "Seville"), in the case of the place's name when
             * the text shouts ("NEW YORK": "New York"). */
            const char *name = p->name;
            if (team && form && !(t->v[s->start].flags & NW_TOK_UPPER))
                name = form;
            size_t pos;
            if (nw_ent_list_add(&w->out[k], name, strlen(name), team ? NULL : p->code, s->start,
                                form, &pos) != 0)
                return -1;
            if (team && pos != SIZE_MAX && n_heads < NW_ENT_HEADS_MAX)
                heads[n_heads++] = w->out[k].v[pos].name;
        }
    }
    nw_ent_bracketed_t br[NW_ENT_BRACKETED_MAX];
    size_t n_br = 0;
    for (size_t i = 0; i < w->n_spans; i++) {
        const nw_ent_span_t *s = &w->spans[i];
        int rc = 0;
        size_t pos = SIZE_MAX;
        if (s->role == NW_LEX_ORG && s->ref >= 0) {
            const char *name = g->orgs[s->ref];
            char fb[FORM_MAX];
            /* A nationality word inside the name ("European" in "European
             * Union", "Australian" in "Australian Defence Force") is part
             * of the name, not a nationality mention. */
            rc = nw_ent_list_add(&w->out[NW_ENT_ORG], name, strlen(name), NULL, s->start,
                                 join_form(t, text, s->start, s->ntok, fb), &pos);
        } else if (s->role == NW_LEX_ORG) {
            char *name = join(&w->scratch, t, text, s->start, s->ntok, false);
            rc = name ? nw_ent_list_add(&w->out[NW_ENT_ORG], name, strlen(name), NULL, s->start,
                                        name, &pos)
                      : -1;
            /* "Kawasaki Heavy" (after "shares of") and "Kawasaki Heavy
             * Industries": a name no list knows may be a short form. */
            if (rc == 0 && pos != SIZE_MAX && n_heads < NW_ENT_HEADS_MAX)
                heads[n_heads++] = w->out[NW_ENT_ORG].v[pos].name;
        }
        if (rc != 0)
            return -1;
        size_t a = s->start + s->ntok;
        if (pos != SIZE_MAX && n_br < NW_ENT_BRACKETED_MAX && nw_ent_bracketed_acronym(t, text, a))
            br[n_br++] = (nw_ent_bracketed_t){pos, a, s->ref < 0};
    }
    nw_ent_merge_orgs(&w->out[NW_ENT_ORG], t, text, br, n_br, heads, n_heads);
    if (collect_people(w, g, byline) != 0)
        return -1;
    for (int k = 0; k < NW_ENT__TYPES; k++)
        if (w->out[k].n > 1) /* an empty list may have no array at all */
            sort_short(w->out[k].v, w->out[k].n, sizeof(nw_ent_t), by_first);
    return 0;
}
