/*
 * The entities enricher's first stage: the driver, and gazetteer matches.
 *
 * The text (headline, standfirst, body) is tokenised and read left to
 * right, taking at each word the longest gazetteer entry that starts there
 * ("Secretary of State" before "State", "State Department" before
 * "State"). Entries other than office titles must be capitalised in the
 * text, which keeps "turkey" and "us" out; acronyms match case-exactly. A
 * given name overrides a place or organisation that shares its spelling
 * when the pair reads as a name ("Jordan Henderson", "Theresa May"), and a
 * place before "Stadium" or "Island" is part of another name ("Emirates
 * Stadium", "Victoria Island").
 *
 * Then organisations the gazetteer lacks (entities_orgs.c), runs of words
 * that may be people's names (entities_names.c), and the merging of it all
 * into entities with mention counts (entities_people.c). Paragraphs in Title
 * Case or in capitals (headlines) are marked first: there every word is
 * capitalised, so capitals are no evidence of a name.
 */
#include <stdlib.h>
#include <string.h>

#include "enrichers/entities_internal.h"

#define KEY_MAX 512

/* Joins tokens i..i+k-1 (folded or as written) into out; false if too long. */
static bool join_key(const nw_ent_toks_t *t, size_t i, size_t k, bool folded, char *out)
{
    size_t len = 0;
    for (size_t j = i; j < i + k; j++) {
        const char *s = folded ? nw_ent_tok_fold(t, j) : nw_ent_tok_key(t, j);
        size_t n = folded ? t->v[j].fold_len : t->v[j].key_len;
        if (len + n + 2 > KEY_MAX)
            return false;
        if (j > i)
            out[len++] = ' ';
        memcpy(out + len, s, n);
        len += n;
    }
    out[len] = '\0';
    return true;
}

int nw_ent_add_span(nw_ent_work_t *w, size_t start, size_t ntok, uint32_t role, int32_t ref)
{
    if (w->n_spans == w->cap_spans) {
        size_t cap = w->cap_spans ? w->cap_spans * 2 : 64;
        nw_ent_span_t *v = realloc(w->spans, cap * sizeof(*v));
        if (!v)
            return -1;
        w->spans = v;
        w->cap_spans = cap;
    }
    nw_ent_span_t *s = &w->spans[w->n_spans];
    s->start = (uint32_t)start;
    s->ntok = (uint32_t)ntok;
    s->role = role;
    s->ref = ref;
    s->alt = -1;
    for (size_t j = start; j < start + ntok; j++)
        w->label[j] = (int32_t)w->n_spans;
    w->n_spans++;
    return 0;
}

/* The entity role an entry plays, most specific first. */
static uint32_t entity_role(uint32_t roles)
{
    static const uint32_t order[] = {NW_LEX_ORG, NW_LEX_PLACE, NW_LEX_DEMONYM, NW_LEX_OTHER};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (roles & order[i])
            return order[i];
    return 0;
}

/* "Jordan Henderson", "Victoria Beckham": a given name that is also a place
 * or an organisation, followed by an unknown capitalised word. */
static bool given_name_first(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t i,
                             uint32_t roles)
{
    const nw_ent_toks_t *t = &w->toks;
    if (!(roles & NW_LEX_GIVEN) || i + 1 >= t->n || (t->v[i].flags & NW_TOK_POSS))
        return false;
    const nw_ent_tok_t *next = &t->v[i + 1];
    if (next->brk != NW_BRK_NONE || !nw_ent_is_cap(next) || (next->flags & NW_TOK_UPPER))
        return false;
    uint32_t nr = nw_ent_tok_roles(g, t, i + 1);
    if (nr & (NW_LEX_SPAN | NW_LEX_STOP | NW_LEX_ORGWORD | NW_LEX_NONAME))
        return (nr & NW_LEX_GIVEN) && !(nr & (NW_LEX_ORGWORD | NW_LEX_NONAME | NW_LEX_TITLE));
    return true;
}

/* "Theresa May", "Michael Jordan": a single-word place or organisation
 * right after a given name, ending the run. */
static bool surname_after_given(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t i)
{
    const nw_ent_toks_t *t = &w->toks;
    if (i == 0 || t->v[i].brk != NW_BRK_NONE || w->label[i - 1] >= 0)
        return false;
    const nw_ent_tok_t *prev = &t->v[i - 1];
    if (!nw_ent_is_cap(prev) || (prev->flags & (NW_TOK_UPPER | NW_TOK_POSS)))
        return false;
    uint32_t pr = nw_ent_tok_roles(g, t, i - 1);
    bool after_title = i >= 2 && prev->brk == NW_BRK_NONE && w->label[i - 2] >= 0 &&
                       w->spans[w->label[i - 2]].role == NW_LEX_TITLE;
    if (!((pr & NW_LEX_GIVEN) || after_title) || ((pr & NW_LEX_STOP) && !after_title))
        return false;
    if (i + 1 < t->n && t->v[i + 1].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[i + 1]) &&
        !(t->v[i].flags & NW_TOK_POSS))
        return false;
    return true;
}

/* A capitalised one-word title that is really part of a name: a surname
 * ("Travis Head's century": after a name, nothing capitalised follows), or
 * a given name after another title ("COP28 President Sultan Al Jaber"). */
static bool title_is_name(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t i)
{
    const nw_ent_toks_t *t = &w->toks;
    if (i == 0 || t->v[i].brk != NW_BRK_NONE || (t->v[i - 1].flags & NW_TOK_POSS))
        return false;
    bool name_follows = i + 1 < t->n && t->v[i + 1].brk == NW_BRK_NONE &&
                        !(t->v[i].flags & NW_TOK_POSS) && nw_ent_is_cap(&t->v[i + 1]) &&
                        !(t->v[i + 1].flags & NW_TOK_UPPER);
    int32_t l = w->label[i - 1];
    if (l >= 0)
        return name_follows && w->spans[l].role == NW_LEX_TITLE &&
               (nw_ent_tok_roles(g, t, i) & NW_LEX_GIVEN);
    const nw_ent_tok_t *prev = &t->v[i - 1];
    return !name_follows && nw_ent_is_cap(prev) && !(prev->flags & NW_TOK_UPPER) &&
           !(nw_ent_tok_roles(g, t, i - 1) & (NW_LEX_STOP | NW_LEX_COMMON));
}

/* "Emirates Stadium", "Victoria Station", "Victoria Island": the name of
 * a facility or of another place. */
static bool before_facility(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t end)
{
    const nw_ent_toks_t *t = &w->toks;
    return end < t->n && t->v[end].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[end]) &&
           !(t->v[end - 1].flags & NW_TOK_POSS) &&
           (nw_ent_tok_roles(g, t, end) & (NW_LEX_FACILITY | NW_LEX_PLACESUFFIX));
}

/* "ICE HOCKEY", "WHO WILL WIN": an acronym that is also an English word,
 * beside another word in capitals, is the word. */
static bool word_in_capitals(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i, size_t k)
{
    if (k != 1 || !(nw_ent_tok_roles(g, t, i) & (NW_LEX_COMMON | NW_LEX_STOP)))
        return false;
    bool left = i > 0 && t->v[i].brk <= NW_BRK_OTHER && (t->v[i - 1].flags & NW_TOK_UPPER);
    bool right =
        i + 1 < t->n && t->v[i + 1].brk <= NW_BRK_OTHER && (t->v[i + 1].flags & NW_TOK_UPPER);
    return left || right;
}

/* nw_strmap_hash() of the folded key of tokens i..j (what join_key()
 * writes), from h, that of tokens i..j-1: each longer key costs only a
 * step with its last word's hash. */
static uint64_t key_hash_more(const nw_ent_toks_t *t, uint64_t h, size_t j)
{
    return nw_ent_hash_more(h, t->v[j].fold_hash);
}

/* The entry of the folded key of tokens i..i+k-1 (k >= 2), whose hash is
 * h; most runs of words are in no gazetteer, and their hash says so before
 * the key is joined: first by the bits of g->runs, then by the table's
 * slots. */
static const nw_gaz_entry_t *folded_entry(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i,
                                          size_t k, uint64_t h, char *key)
{
    if (!nw_gaz_may_run(g, h) || !nw_strmap_has_hash(&g->folded, h) ||
        !join_key(t, i, k, true, key))
        return NULL;
    const uint32_t *v = nw_strmap_get_h(&g->folded, key, h);
    return v ? &g->entries[*v] : NULL;
}

/* The span role of tokens i..i+k-1, or 0. h: the hash of their folded key. */
static uint32_t match_at(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t i, size_t k,
                         uint64_t h, const nw_gaz_entry_t *e0, int32_t *ref, int32_t *alt)
{
    const nw_ent_toks_t *t = &w->toks;
    char key[KEY_MAX];
    if (e0->has_exact && !word_in_capitals(g, t, i, k) && join_key(t, i, k, false, key)) {
        const nw_gaz_entry_t *x = nw_gaz_exact(g, key);
        uint32_t role = x ? entity_role(x->roles) : 0;
        if (role) {
            *ref = role == NW_LEX_ORG ? x->org : x->place;
            *alt = role == NW_LEX_PLACE ? x->alt_place : -1;
            return role;
        }
    }
    const nw_gaz_entry_t *e = e0;
    if (k > 1)
        e = folded_entry(g, t, i, k, h, key);
    if (!e || !(e->roles & NW_LEX_SPAN))
        return 0;
    uint32_t role = entity_role(e->roles);
    if (role && nw_ent_is_cap(&t->v[i])) {
        bool common_opener = k == 1 && (t->v[i].flags & NW_TOK_SENT) && (e->roles & NW_LEX_STOP);
        bool name_part = k == 1 && role != NW_LEX_DEMONYM &&
                         (given_name_first(w, g, i, e->roles) || surname_after_given(w, g, i));
        if (!common_opener && !name_part) {
            *ref = role == NW_LEX_ORG ? e->org : role == NW_LEX_OTHER ? -1 : e->place;
            *alt = role == NW_LEX_PLACE ? e->alt_place : -1;
            return role;
        }
        if (name_part)
            return 0;
    }
    if (e->roles & NW_LEX_TITLE) {
        if (k == 1 && nw_ent_is_cap(&t->v[i]) && title_is_name(w, g, i))
            return 0;
        *ref = -1;
        return NW_LEX_TITLE;
    }
    return 0;
}

/* "Cyclone Lincoln", "Avenida Paulista", "Operation Barbarossa": a place
 * named right after one of these words is part of another name. */
static bool after_name_head(const nw_ent_toks_t *t, size_t i)
{
    static const char *const heads[] = {"cyclone", "hurricane", "typhoon", "storm", "operation",
                                        "avenida", "rua",       "calle",   "via"};
    return i > 0 && t->v[i].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[i - 1]) &&
           nw_ent_is_fold(t, i - 1, heads, sizeof(heads) / sizeof(heads[0]));
}

/* "Van der Linden", "Van Gaal": a one-word place that is also a Dutch or
 * German surname's particle, right before the rest of a name (a capitalised
 * word, or another particle), opens a surname. The Romance articles ("La",
 * "Le", "De") are left out: they open the names of papers, firms and places
 * as often ("La Stampa", "Le Mans"). */
static bool name_particle(const nw_ent_toks_t *t, size_t i)
{
    static const char *const particles[] = {"van", "von", "der", "den", "ter", "ten"};
    static const char *const seconds[] = {"de", "der", "den", "ter", "ten", "van", "von"};
    return i + 1 < t->n && t->v[i + 1].brk == NW_BRK_NONE &&
           nw_ent_is_fold(t, i, particles, sizeof(particles) / sizeof(particles[0])) &&
           (nw_ent_is_cap(&t->v[i + 1]) ||
            ((t->v[i + 1].flags & NW_TOK_LOWER) &&
             nw_ent_is_fold(t, i + 1, seconds, sizeof(seconds) / sizeof(seconds[0]))));
}

/* "Alison dos Santos", "Paulo da Costa": a one-word place right after a
 * given name and a Portuguese or Italian particle is the person's surname.
 * "de" and "von" are left out: in French and German text they are "of"
 * after a capitalised noun ("Ville de Montréal", "Tore von Wien"). A
 * country stays a country ("Banco do Brasil" is no one's name). */
static bool surname_after_particle(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i,
                                   int32_t ref)
{
    static const char *const particles[] = {"da", "das", "do", "dos", "di", "della"};
    return i >= 2 && ref >= (int32_t)g->n_countries && t->v[i].brk == NW_BRK_NONE &&
           t->v[i - 1].brk == NW_BRK_NONE && (t->v[i - 1].flags & NW_TOK_LOWER) &&
           nw_ent_is_fold(t, i - 1, particles, sizeof(particles) / sizeof(particles[0])) &&
           nw_ent_is_cap(&t->v[i - 2]) && (nw_ent_tok_roles(g, t, i - 2) & NW_LEX_GIVEN);
}

/* Takes at each word the longest entry that starts there, left to right.
 * Only the words of w->starts can start one: the others are passed over as
 * a word that starts none is. */
static int label_gazetteer(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t i = 0;
    for (size_t c = 0; c < w->n_starts; c++) {
        if (w->starts[c] < i)
            continue; /* inside the entry taken before */
        i = w->starts[c];
        bool cap = nw_ent_is_cap(&t->v[i]);
        const nw_gaz_entry_t *e0 =
            (t->v[i].flags & NW_TOK_CONNECT) ? NULL : nw_ent_tok_entry(g, t, i);
        if (!e0 || !e0->max_ntok || (!cap && !nw_gaz_opens_nocap(e0)))
            continue;
        uint64_t hash[256]; /* hash[k]: of the key of tokens i..i+k-1; max_ntok < 256 */
        size_t kmax = 1;
        hash[1] = t->v[i].fold_hash;
        /* Longer entries that match_at() could take from here: none past
         * words that begin no folded key, unless a case-exact one (whose
         * keys are not among the bits) may start here. */
        size_t longest = cap ? e0->max_ntok : e0->max_ntok_nocap;
        while (kmax < longest && i + kmax < t->n && t->v[i + kmax].brk <= NW_BRK_HYPHEN) {
            uint64_t h = key_hash_more(t, hash[kmax], i + kmax);
            if (!e0->has_exact && !nw_gaz_may_run(g, h))
                break;
            hash[++kmax] = h;
        }
        size_t k = kmax;
        for (; k > 0; k--) {
            int32_t ref = -1, alt = -1;
            uint32_t role = match_at(w, g, i, k, hash[k], e0, &ref, &alt);
            if (role && role != NW_LEX_TITLE && before_facility(w, g, i + k))
                break;
            if (role == NW_LEX_PLACE &&
                (after_name_head(t, i) ||
                 (k == 1 && (name_particle(t, i) || surname_after_particle(g, t, i, ref)))))
                break;
            if (role) {
                if (nw_ent_add_span(w, i, k, role, ref) != 0)
                    return -1;
                w->spans[w->n_spans - 1].alt = alt;
                break;
            }
        }
        i += k ? k : 1;
    }
    return 0;
}

/* What one token adds to its paragraph's counts, by its flags' five low
 * bits (NW_TOK_CAP, UPPER, LOWER, DIGIT, INITIAL) and its letters (fewer
 * than two, two or three, four or more): ten bits a count, so that a run
 * of up to PARA_CHUNK tokens is counted with one add a token and no
 * branch. Bit 60: the token goes on w->caps. */
enum {
    PC_DIGITS = 0,    /* has a digit */
    PC_LOWER = 10,    /* opens with a small letter */
    PC_WORDS = 20,    /* a word: a cased first letter and two or more letters */
    PC_UPPER = 30,    /* a word in capitals */
    PC_LONG = 40,     /* a word of four or more letters */
    PC_LONG_CAP = 50, /* such a word, capitalised */
    PC_CAPS = 60,
};
#define PARA_CHUNK 1023 /* the most a ten-bit count holds */
#define PC_FLAGS   (NW_TOK_CAP | NW_TOK_UPPER | NW_TOK_LOWER | NW_TOK_DIGIT | NW_TOK_INITIAL)
_Static_assert(PC_FLAGS == 0x1f, "the table's columns are the flags' five low bits");
_Static_assert(NW_TOK_CAP == 1, "style_paragraphs() or-s the flags with a bit 0");
#define PC_WORD(f, c) (((f) & (NW_TOK_CAP | NW_TOK_LOWER)) != 0 && (c) >= 1)
#define PC(f, c)                                                                                   \
    ((uint64_t)(((f)&NW_TOK_DIGIT) != 0) << PC_DIGITS |                                            \
     (uint64_t)(((f)&NW_TOK_LOWER) != 0) << PC_LOWER | (uint64_t)PC_WORD(f, c) << PC_WORDS |       \
     (uint64_t)(PC_WORD(f, c) && ((f)&NW_TOK_UPPER)) << PC_UPPER |                                 \
     (uint64_t)(PC_WORD(f, c) && (c) == 2) << PC_LONG |                                            \
     (uint64_t)(PC_WORD(f, c) && (c) == 2 && ((f)&NW_TOK_CAP)) << PC_LONG_CAP |                    \
     (uint64_t)(((f) & (NW_TOK_CAP | NW_TOK_UPPER | NW_TOK_INITIAL)) != 0) << PC_CAPS)
#define PC4(f, c)  PC(f, c), PC((f) + 1, c), PC((f) + 2, c), PC((f) + 3, c)
#define PC16(f, c) PC4(f, c), PC4((f) + 4, c), PC4((f) + 8, c), PC4((f) + 12, c)
#define PC32(c)    PC16(0, c), PC16(16, c)
static const uint64_t para_counts[3 * 32] = {PC32(0), PC32(1), PC32(2)};
/* A token's letters as the row of para_counts: 0, 1: 0; 2, 3: 32; more: 64. */
#define LC4  64, 64, 64, 64
#define LC16 LC4, LC4, LC4, LC4
#define LC64 LC16, LC16, LC16, LC16
static const uint8_t letter_row[256] = {0,    0,    32,   32,   LC4,  LC4, LC4,
                                        LC16, LC16, LC16, LC64, LC64, LC64};

static inline size_t pc_field(uint64_t sum, int at)
{
    return (size_t)(sum >> at) & 0x3ff;
}

/* Marks paragraphs whose words are nearly all capitalised (Title Case
 * headlines) or in capitals, and lists the capitalised words (w->caps) and
 * those a gazetteer match may start at (w->starts) on the way. */
static int style_paragraphs(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t np = t->n_paras ? t->n_paras : 1;
    if (np > w->para_cap) {
        uint8_t *v = realloc(w->para_style, np);
        if (!v)
            return -1;
        w->para_style = v;
        nw_ent_para_t *pv = realloc(w->paras, np * sizeof(*pv));
        if (!pv)
            return -1;
        w->paras = pv;
        w->para_cap = np;
    }
    memset(w->para_style, NW_PARA_NORMAL, np);
    /* The lists in locals: the stores to them could otherwise be to w
     * itself, for all the compiler knows, and it would read w->caps and
     * w->starts again for every token. */
    uint32_t *caps = w->caps, *starts = w->starts;
    const uint64_t *nocap = g->nocap;
    const nw_ent_tok_t *v = t->v;
    size_t i = 0, n_caps = 0, n_starts = 0;
    for (uint32_t para = 0; para < t->n_paras; para++) {
        size_t end = t->para_end[para];
        if (i == end)
            continue; /* no tokens: no counts, no style */
        size_t long_words = 0, long_caps = 0, words = 0, upper = 0, digits = 0, lower = 0;
        do {
            size_t lim = end - i > PARA_CHUNK ? i + PARA_CHUNK : end;
            uint64_t sum = 0;
            /* Two tokens a pass: one loop test and one step of each index
             * fewer a token, 1.0k instructions fewer a message (of 20k). */
#pragma GCC unroll 2
            for (; i < lim; i++) {
                const nw_ent_tok_t *k = &v[i];
                uint64_t add =
                    para_counts[(size_t)(k->flags & PC_FLAGS) | (size_t)letter_row[k->letters]];
                caps[n_caps] = (uint32_t)i;
                n_caps += (size_t)(add >> PC_CAPS);
                /* After a word without a capital (most words), only office
                 * titles and case-exact entries that open so: the bits say
                 * whether to look (nw_gaz_may_open_nocap()). The bit is read
                 * for every word and or-ed with NW_TOK_CAP, bit 0 as the
                 * bit's is: a branch on the capital would be mispredicted
                 * at one word in four. */
                uint32_t b = (uint32_t)k->fold_hash >> (32 - NW_GAZ_NOCAP_BITS);
                starts[n_starts] = (uint32_t)i;
                n_starts += ((nocap[b / 64] >> (b % 64)) | k->flags) & 1;
                sum += add;
            }
            digits += pc_field(sum, PC_DIGITS);
            lower += pc_field(sum, PC_LOWER);
            words += pc_field(sum, PC_WORDS);
            upper += pc_field(sum, PC_UPPER);
            long_words += pc_field(sum, PC_LONG);
            long_caps += pc_field(sum, PC_LONG_CAP);
        } while (i < end);
        w->paras[para] = (nw_ent_para_t){
            .end = (uint32_t)i, .digits = (uint32_t)digits, .lower = (uint32_t)lower};
        if (words >= 3 && upper * 10 >= words * 8)
            w->para_style[para] = NW_PARA_SHOUTING;
        else if (long_words >= 3 && long_caps * 10 >= long_words * 8)
            w->para_style[para] = NW_PARA_TITLECASE;
    }
    w->n_caps = n_caps;
    w->n_starts = n_starts;
    return 0;
}

int nw_ent_extract(nw_ent_work_t *w, const nw_gazetteer_t *g, const char *const *segments,
                   size_t n_segments, const char *byline)
{
    nw_buf_reset(&w->text);
    nw_ent_toks_reset(&w->toks);
    w->n_spans = w->n_cands = 0;
    w->oom = false;
    for (int k = 0; k < NW_ENT__TYPES; k++)
        nw_ent_list_clear(&w->out[k]);
    for (size_t i = 0; i < n_segments; i++) {
        if (!segments[i] || !segments[i][0])
            continue;
        nw_buf_puts(&w->text, segments[i]);
        nw_buf_putc(&w->text, '\n');
    }
    if (!nw_buf_ok(&w->text))
        return -1;
    if (nw_ent_tokenize(&w->toks, nw_buf_str(&w->text), w->text.len) != 0)
        return -1;
    if (w->toks.n > w->label_cap) {
        int32_t *v = realloc(w->label, w->toks.n * sizeof(*v));
        if (!v)
            return -1;
        w->label = v;
        uint32_t *c = realloc(w->caps, w->toks.n * sizeof(*c));
        if (!c)
            return -1;
        w->caps = c;
        uint32_t *st = realloc(w->starts, w->toks.n * sizeof(*st));
        if (!st)
            return -1;
        w->starts = st;
        w->label_cap = w->toks.n;
    }
    if (w->toks.n) /* every byte 0xff: each label -1 */
        memset(w->label, 0xff, w->toks.n * sizeof(*w->label));
    if (style_paragraphs(w, g) != 0)
        return -1;
    nw_ent_detect_sports(w, g);
    if (label_gazetteer(w, g) != 0 || nw_ent_find_orgs(w, g) != 0 || nw_ent_find_teams(w, g) != 0 ||
        nw_ent_find_repeats(w, g) != 0 || nw_ent_find_names(w, g) != 0)
        return -1;
    return nw_ent_collect(w, g, byline);
}

void nw_ent_work_free(nw_ent_work_t *w)
{
    if (!w)
        return;
    nw_buf_free(&w->text);
    nw_ent_toks_free(&w->toks);
    nw_ent_toks_free(&w->byline_toks);
    free(w->label);
    free(w->caps);
    free(w->starts);
    free(w->spans);
    free(w->cands);
    free(w->para_style);
    free(w->paras);
    for (int k = 0; k < NW_ENT__TYPES; k++)
        nw_ent_list_free(&w->out[k]);
    nw_strmap_free(&w->people_full);
    nw_strmap_free(&w->people_tails);
    nw_strmap_free(&w->people_ends);
    nw_strmap_free(&w->cand_places);
    nw_ent_arena_free(&w->scratch);
    memset(w, 0, sizeof(*w));
}
