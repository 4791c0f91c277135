/*
 * The entities enricher's candidate names.
 *
 * Person candidates are the runs of capitalised words left after the
 * gazetteer and the organisations, with name particles between them
 * ("Jean-Yves Le Drian", "Ursula von der Leyen"), after leading common
 * words are trimmed ("The", "But"). A candidate is accepted as a new person
 * on evidence: an office title right before it ("spokesperson Ned Price"),
 * a known given name, two or more words mid-sentence that are not all
 * common words ("Golden Lion" is not a person), or, at the start of a
 * sentence, rarer words or a speech verb after them. A single word stands
 * as a person only after a title; otherwise it may still join a person
 * named in full elsewhere (entities_people.c).
 *
 * The context can say a name is a place the gazetteer lacks: "in Passau",
 * "the town of Iten", "Poltava region", "Redmond, Washington", "Victoria
 * Island". Such candidates become places.
 */
#include <stdlib.h>
#include <string.h>

#include "enrichers/entities_internal.h"

#define NW_ENT_NAME_MAX_WORDS 12

static inline bool name_tok(const nw_ent_work_t *w, size_t i)
{
    const nw_ent_tok_t *k = &w->toks.v[i];
    /* Most words are neither an initial nor capitalised: out first. */
    if (!(k->flags & (NW_TOK_INITIAL | NW_TOK_CAP)) || w->label[i] >= 0 ||
        (k->flags & (NW_TOK_DIGIT | NW_TOK_CONNECT)))
        return false;
    if (k->flags & NW_TOK_INITIAL)
        return true;
    /* A word in capitals is a name only in a text in capitals (a
     * headline: "SHEARER NAMED AS CAPTAIN"), where it may join a person
     * the text names in full; elsewhere it is an acronym. */
    return nw_ent_is_cap(k) &&
           (!(k->flags & NW_TOK_UPPER) || w->para_style[k->para] == NW_PARA_SHOUTING);
}

static int add_cand(nw_ent_work_t *w, size_t s, size_t n, bool accepted)
{
    if (w->n_cands == w->cap_cands) {
        size_t cap = w->cap_cands ? w->cap_cands * 2 : 64;
        nw_ent_cand_t *v = realloc(w->cands, cap * sizeof(*v));
        if (!v)
            return -1;
        w->cands = v;
        w->cap_cands = cap;
    }
    w->cands[w->n_cands].start = (uint32_t)s;
    w->cands[w->n_cands].ntok = (uint32_t)n;
    w->cands[w->n_cands].accepted = accepted;
    w->cands[w->n_cands].cued = false;
    w->cands[w->n_cands].place = false;
    w->cands[w->n_cands].code_place = -1;
    w->n_cands++;
    return 0;
}

/* A verb of saying after the run: "Price said", "Price has said". */
static bool speech_after(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t e)
{
    const nw_ent_toks_t *t = &w->toks;
    if (e >= t->n || t->v[e].brk != NW_BRK_NONE || !(t->v[e].flags & NW_TOK_LOWER))
        return false;
    if (nw_ent_is_word(t, e, "has") || nw_ent_is_word(t, e, "had") ||
        nw_ent_is_word(t, e, "also") || nw_ent_is_word(t, e, "later") ||
        nw_ent_is_word(t, e, "then"))
        e++;
    return e < t->n && t->v[e].brk == NW_BRK_NONE && (t->v[e].flags & NW_TOK_LOWER) &&
           (nw_ent_tok_roles(g, t, e) & NW_LEX_SPEECH) && !nw_ent_is_word(t, e, "according");
}

static bool title_before(const nw_ent_work_t *w, size_t s)
{
    if (s == 0 || w->toks.v[s].brk != NW_BRK_NONE || w->label[s - 1] < 0)
        return false;
    return w->spans[w->label[s - 1]].role == NW_LEX_TITLE &&
           !(w->toks.v[s - 1].flags & NW_TOK_POSS);
}

/* Does the context say the run s..e names a place? "in Passau", "the town
 * of Iten", "Poltava region", and "Redmond, Washington" (which also gives
 * the code: *code_place). */
static bool place_context(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t s, size_t e,
                          int32_t *code_place)
{
    static const char *const kinds[] = {
        "town",   "city",     "village",      "district",   "province",    "state",
        "states", "region",   "community",    "suburb",     "port",        "island",
        "county", "capital",  "municipality", "prefecture", "governorate", "towns",
        "cities", "villages", "provinces",    "regions",    "districts"};
    const nw_ent_toks_t *t = &w->toks;
    *code_place = -1;
    /* The next item of a list of places: "the towns of Ferney-Voltaire and
     * Gex", "the states of Santa Catarina, Paraná and ...". */
    const nw_ent_cand_t *last = w->n_cands ? &w->cands[w->n_cands - 1] : NULL;
    if (last && last->place) {
        size_t end = last->start + last->ntok;
        if ((end == s && t->v[s].brk == NW_BRK_COMMA) ||
            (end + 1 == s && t->v[s].brk == NW_BRK_NONE && t->v[end].brk <= NW_BRK_COMMA &&
             (nw_ent_is_word(t, end, "and") || nw_ent_is_word(t, end, "or")))) {
            *code_place = last->code_place;
            return true;
        }
    }
    if (e < t->n && t->v[e].brk == NW_BRK_COMMA && w->label[e] >= 0 &&
        w->spans[w->label[e]].role == NW_LEX_PLACE) {
        *code_place = w->spans[w->label[e]].ref;
        return true;
    }
    if (e < t->n && t->v[e].brk == NW_BRK_NONE && (t->v[e].flags & NW_TOK_LOWER) &&
        (nw_ent_tok_roles(g, t, e) & NW_LEX_PLACEWORD))
        return true;
    if (s == 0 || t->v[s].brk != NW_BRK_NONE || !(t->v[s - 1].flags & NW_TOK_LOWER))
        return false;
    if (nw_ent_tok_roles(g, t, s - 1) & NW_LEX_LOCATIVE)
        return true;
    if (s < 2 || !nw_ent_is_word(t, s - 1, "of") || t->v[s - 1].brk != NW_BRK_NONE ||
        !nw_ent_is_fold(t, s - 2, kinds, sizeof(kinds) / sizeof(kinds[0])))
        return false;
    /* "the Sinai city of El Arish": the place before gives the code. */
    if (s >= 3 && t->v[s - 2].brk == NW_BRK_NONE && w->label[s - 3] >= 0 &&
        (w->spans[w->label[s - 3]].role == NW_LEX_PLACE ||
         w->spans[w->label[s - 3]].role == NW_LEX_DEMONYM))
        *code_place = w->spans[w->label[s - 3]].ref;
    return true;
}

static bool org_cue_at(const nw_ent_work_t *w, size_t s);

static bool is_and_or(const nw_ent_toks_t *t, size_t i)
{
    return i < t->n && t->v[i].brk == NW_BRK_NONE &&
           (nw_ent_is_word(t, i, "and") || nw_ent_is_word(t, i, "or"));
}

/* "rival firms Moniepoint and OPay", "U.S. companies OkCupid and CREDO
 * Mobile": a plural noun for a kind of organisation before two names
 * joined by "and" or "or" names both. Only a plural: "the company's
 * Roberts Hill and Mt Berghaus tenements" are one company's two things.
 * Is the name at s one of such a pair? */
static bool org_cue_pair(const nw_ent_work_t *w, size_t s)
{
    static const char *const plural[] = {
        "firms",      "companies", "banks",    "lenders",      "insurers",      "retailers",
        "carmakers",  "airlines",  "miners",   "newspapers",   "broadcasters",  "clubs",
        "brokerages", "parties",   "agencies", "subsidiaries", "conglomerates", "chipmakers"};
    const nw_ent_toks_t *t = &w->toks;
    size_t first = s;
    if (s >= 2 && t->v[s].brk == NW_BRK_NONE && is_and_or(t, s - 1)) {
        /* The second: back over the first name to its start. */
        first = s - 1;
        while (first > 0 && s - first < 5 && nw_ent_is_cap(&t->v[first - 1]) &&
               (first == s - 1 || t->v[first].brk == NW_BRK_NONE))
            first--;
        if (first == s - 1)
            return false;
    } else {
        /* The first: a capitalised run, then "and" or "or" and a capital. */
        size_t e = s + 1;
        while (e < t->n && e - s < 4 && t->v[e].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[e]))
            e++;
        if (!is_and_or(t, e) || e + 1 >= t->n || t->v[e + 1].brk != NW_BRK_NONE ||
            !nw_ent_is_cap(&t->v[e + 1]))
            return false;
    }
    return first > 0 && t->v[first].brk == NW_BRK_NONE && w->label[first - 1] < 0 &&
           nw_ent_is_fold(t, first - 1, plural, sizeof(plural) / sizeof(plural[0]));
}

bool nw_ent_org_cue_before(const nw_ent_work_t *w, size_t s)
{
    return org_cue_at(w, s) || org_cue_pair(w, s);
}

static bool org_cue_at(const nw_ent_work_t *w, size_t s)
{
    static const char *const cues[] = {
        "team",     "side",      "club",    "champions",  "rivals",      "hosts",
        "visitors", "firm",      "company", "carmaker",   "automaker",   "airline",
        "bank",     "lender",    "insurer", "retailer",   "brokerage",   "chipmaker",
        "miner",    "newspaper", "daily",   "weekly",     "broadcaster", "conglomerate",
        "group",    "party",     "agency",  "subsidiary", "unit",        "outfit"};
    static const char *const bodies[] = {
        "parliament", "legislature", "house", "chamber", "regulator", "watchdog",
        "court",      "ministry",    "union", "council", "assembly",  "authority",
        "committee",  "commission",  "body",  "senate",  "cabinet",   "government"};
    const nw_ent_toks_t *t = &w->toks;
    if (s == 0 || t->v[s].brk != NW_BRK_NONE || !(t->v[s - 1].flags & NW_TOK_LOWER) ||
        w->label[s - 1] >= 0)
        return false;
    if (nw_ent_is_fold(t, s - 1, cues, sizeof(cues) / sizeof(cues[0])))
        return true;
    /* "the lower house of parliament, the Sejm": a name set beside such a
     * noun, after a comma, is that body's. */
    if (s >= 2 && t->v[s - 1].brk == NW_BRK_COMMA && nw_ent_is_word(t, s - 1, "the") &&
        (t->v[s - 2].flags & NW_TOK_LOWER) && w->label[s - 2] < 0 &&
        (nw_ent_is_fold(t, s - 2, cues, sizeof(cues) / sizeof(cues[0])) ||
         nw_ent_is_fold(t, s - 2, bodies, sizeof(bodies) / sizeof(bodies[0]))))
        return true;
    /* "Lagos-based FBNQuest": what is based somewhere, named right after,
     * is a company or a body (a person would be "Lagos-based economist
     * Chidinma Okafor", with the noun between). */
    if (t->v[s - 1].brk == NW_BRK_HYPHEN && nw_ent_is_word(t, s - 1, "based"))
        return true;
    /* "shares of Dangote Cement", "shares in Tesla": only companies have
     * shares. */
    return s >= 2 && t->v[s - 1].brk == NW_BRK_NONE &&
           (nw_ent_is_word(t, s - 1, "of") || nw_ent_is_word(t, s - 1, "in")) &&
           nw_ent_is_word(t, s - 2, "shares");
}

static int judge_run(nw_ent_work_t *w, const nw_gazetteer_t *g, size_t s, size_t e)
{
    const nw_ent_toks_t *t = &w->toks;
    /* Leading common words ("The", "But"), lower-case particles and lone
     * letters that are not initials (the Greek article "Ο"); after an
     * office title even a common word is a name ("full-back Will Jordan"). */
    bool after_title = title_before(w, s);
    while (s < e &&
           ((!after_title && (nw_ent_tok_roles(g, t, s) & NW_LEX_STOP)) ||
            (t->v[s].letters == 1 && !(t->v[s].flags & NW_TOK_INITIAL)) ||
            ((nw_ent_tok_roles(g, t, s) & NW_LEX_PARTICLE) && (t->v[s].flags & NW_TOK_LOWER))))
        s++;
    while (e > s && (nw_ent_tok_roles(g, t, e - 1) & NW_LEX_PARTICLE) &&
           (t->v[e - 1].flags & NW_TOK_LOWER))
        e--;
    if (s == e)
        return 0;
    /* "team Deportivo Coruna", "carmaker Hyundai", "newspaper Le Monde": a
     * noun for a kind of organisation names what follows. */
    if (nw_ent_org_cue_before(w, s) && !title_before(w, s))
        return nw_ent_add_span(w, s, e - s, NW_LEX_ORG, -1);
    /* "shares of Tokyo Electron", "broadcaster Sydney Radio": so it does
     * when the name opens with a place's. */
    int32_t pl = s > 0 && t->v[s].brk == NW_BRK_NONE ? w->label[s - 1] : -1;
    if (pl >= 0 && w->spans[pl].role == NW_LEX_PLACE &&
        w->spans[pl].start + w->spans[pl].ntok == s && !(t->v[s - 1].flags & NW_TOK_POSS) &&
        nw_ent_org_cue_before(w, w->spans[pl].start)) {
        size_t from = w->spans[pl].start;
        w->spans[pl].role = 0; /* part of the name; collect skips it */
        return nw_ent_add_span(w, from, e - from, NW_LEX_ORG, -1);
    }
    /* "Victoria Island", "Borno State": a place the gazetteer lacks. */
    if (e - s >= 2 && (nw_ent_tok_roles(g, t, e - 1) & NW_LEX_PLACESUFFIX) &&
        w->para_style[t->v[s].para] == NW_PARA_NORMAL) {
        if (add_cand(w, s, e - s, false) != 0)
            return -1;
        w->cands[w->n_cands - 1].place = true;
        return 0;
    }
    bool all_common = true, any_common = false;
    for (size_t i = s; i < e; i++) {
        uint32_t r = nw_ent_tok_roles(g, t, i);
        if (r & (NW_LEX_NONAME | NW_LEX_ORGWORD))
            return 0;
        bool common = (r & (NW_LEX_COMMON | NW_LEX_STOP)) != 0;
        all_common = all_common && common;
        any_common = any_common || common;
    }
    size_t n = e - s;
    if (n == 1 && (t->v[s].letters < 2 || (t->v[s].flags & NW_TOK_INITIAL)))
        return 0;
    uint8_t style = w->para_style[t->v[s].para];
    bool title = title_before(w, s);
    /* "1. Faith Kipyegon (Kenya) 3:53.41": in a results line a name before
     * a country in brackets is a competitor's, whatever its first word. */
    bool given = n >= 2 && ((nw_ent_tok_roles(g, t, s) & NW_LEX_GIVEN) ||
                            (!all_common && nw_ent_country_in_brackets(w, g, e)));
    bool sent = (t->v[s].flags & NW_TOK_SENT) != 0;
    int32_t code_place = -1;
    bool place = !title && !given && style == NW_PARA_NORMAL && !all_common &&
                 place_context(w, g, s, e, &code_place);
    bool accepted;
    if (style == NW_PARA_SHOUTING || place)
        accepted = false;
    else if (style == NW_PARA_TITLECASE || n == 1)
        accepted = title || (given && n >= 2);
    else if (title || given)
        accepted = true;
    else if (all_common)
        accepted = false;
    else if (nw_ent_tok_roles(g, t, e - 1) & NW_LEX_COMMON)
        /* "High Speed Rail", "Norwegian Offshore Wind": a name ending in a
         * common noun, with no given name or title, is a thing's, unless
         * it speaks. */
        accepted = speech_after(w, g, e);
    else
        accepted = !sent || !any_common || speech_after(w, g, e);
    if (add_cand(w, s, n, accepted) != 0)
        return -1;
    w->cands[w->n_cands - 1].cued = title || given;
    w->cands[w->n_cands - 1].place = place;
    w->cands[w->n_cands - 1].code_place = code_place;
    return 0;
}

/* "I. Austin", "T. Moody": after an initial a one-word place or
 * organisation is a surname, whatever the lists say; a country is not
 * ("S. Korea"). */
static void free_surnames(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    for (size_t k = 0; k < w->n_spans; k++) {
        nw_ent_span_t *sp = &w->spans[k];
        size_t i = sp->start;
        if (sp->ntok != 1 || i == 0 || !(sp->role & NW_LEX_SPAN) || w->label[i] != (int32_t)k ||
            t->v[i].brk != NW_BRK_NONE || !(t->v[i - 1].flags & NW_TOK_INITIAL) ||
            w->label[i - 1] >= 0 ||
            ((sp->role & (NW_LEX_PLACE | NW_LEX_DEMONYM)) && sp->ref >= 0 &&
             (size_t)sp->ref < g->n_countries))
            continue;
        sp->role = 0;
        w->label[i] = -1;
    }
}

/* "PARAMARIBO , Surinam 1996-08-30", "ESCHEN 1996-08-31": a town in
 * capitals that no list knows, opening one of the first paragraphs after
 * the headline as a dateline, is a place, in the country named after it
 * (else the one the article is mostly about). 0 or -1. */
static int find_datelines(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    /* A word in capitals is among w->caps: only those are visited. */
    for (size_t k = 0; k < w->n_caps && t->v[w->caps[k]].para <= 2; k++) {
        size_t a = w->caps[k];
        if (t->v[a].brk != NW_BRK_PARA || t->v[a].para == 0 || w->label[a] >= 0 ||
            !(t->v[a].flags & NW_TOK_UPPER) || t->v[a].letters < 3 ||
            (nw_ent_tok_roles(g, t, a) & (NW_LEX_STOP | NW_LEX_OTHER | NW_LEX_COMMON)))
            continue;
        size_t e = a + 1;
        while (e < t->n && e - a < 3 && t->v[e].brk <= NW_BRK_HYPHEN && w->label[e] < 0 &&
               (t->v[e].flags & NW_TOK_UPPER))
            e++;
        bool dated = e < t->n && t->v[e].brk == NW_BRK_NONE && t->v[e].para == t->v[a].para &&
                     (t->v[e].flags & NW_TOK_DIGIT) && t->v[e].len >= 8;
        if (!dated && !nw_ent_dateline_from(w, a, e, true))
            continue;
        if (add_cand(w, a, e - a, false) != 0)
            return -1;
        nw_ent_cand_t *c = &w->cands[w->n_cands - 1];
        c->place = true;
        if (t->v[e].brk == NW_BRK_COMMA && w->label[e] >= 0 &&
            w->spans[w->label[e]].role == NW_LEX_PLACE)
            c->code_place = w->spans[w->label[e]].ref;
    }
    return 0;
}

/* "Southeast Sulawesi", "West Java", "North London": a capitalised compass
 * word right before a region or a city the lists know names a part of it,
 * a place in the same country, named as the text writes it (a country's
 * parts the lists name themselves: "North Korea", "South Africa"). 0 or
 * -1. */
static int join_compass_places(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    static const char *const compass[] = {"north",     "south",     "east",      "west",
                                          "northeast", "northwest", "southeast", "southwest",
                                          "northern",  "southern",  "eastern",   "western",
                                          "central",   "upper",     "lower"};
    const nw_ent_toks_t *t = &w->toks;
    for (size_t k = 0, n = w->n_spans; k < n; k++) {
        nw_ent_span_t *sp = &w->spans[k];
        size_t i = sp->start;
        if (sp->role != NW_LEX_PLACE || sp->ref < 0 || (size_t)sp->ref < g->n_countries || i == 0 ||
            w->label[i] != (int32_t)k || t->v[i].brk != NW_BRK_NONE || w->label[i - 1] >= 0 ||
            !nw_ent_is_cap(&t->v[i - 1]) || (t->v[i - 1].flags & NW_TOK_UPPER) ||
            !nw_ent_is_fold(t, i - 1, compass, sizeof(compass) / sizeof(compass[0])))
            continue;
        if (add_cand(w, i - 1, sp->ntok + 1, false) != 0)
            return -1;
        w->cands[w->n_cands - 1].place = true;
        w->cands[w->n_cands - 1].code_place = sp->ref;
        for (size_t j = i; j < i + sp->ntok; j++)
            w->label[j] = -1;
        sp->role = 0;
        /* Its words are this candidate's: no run may take them again. */
        w->label[i - 1] = (int32_t)k;
        for (size_t j = i; j < i + sp->ntok; j++)
            w->label[j] = (int32_t)k;
    }
    return 0;
}

int nw_ent_find_names(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    free_surnames(w, g);
    if (join_compass_places(w, g) != 0)
        return -1;
    if (find_datelines(w, g) != 0)
        return -1;
    /* A run starts at an initial or a capitalised word: only those of
     * w->caps after the last run are looked at. */
    size_t next = 0;
    for (size_t c = 0; c < w->n_caps; c++) {
        size_t i = w->caps[c];
        if (i < next || !name_tok(w, i))
            continue;
        size_t e = i + 1;
        while (e < t->n && t->v[e].brk == NW_BRK_NONE && !(t->v[e - 1].flags & NW_TOK_POSS)) {
            if (name_tok(w, e)) {
                e++;
                continue;
            }
            /* Particles between names: "Le Drian", "von der Leyen". */
            size_t p = e;
            while (p < t->n && p < e + 3 && w->label[p] < 0 && t->v[p].brk == NW_BRK_NONE &&
                   (t->v[p].flags & NW_TOK_LOWER) && nw_ent_tok_particle(g, t, p))
                p++;
            if (p > e && p < t->n && t->v[p].brk == NW_BRK_NONE && name_tok(w, p)) {
                e = p + 1;
                continue;
            }
            if (nw_ent_tok_suffix(g, t, e)) {
                e++;
                continue;
            }
            break;
        }
        /* No name runs to a dozen words; such a run is a title or a list. */
        if (e - i <= NW_ENT_NAME_MAX_WORDS && judge_run(w, g, i, e) != 0)
            return -1;
        next = e;
    }
    return 0;
}
