/*
 * The entities enricher's organisations beyond the gazetteer.
 *
 * No list names every ministry, club or company, but their names have a
 * shape: a capitalised run ending in a word such as "Ministry", "Council",
 * "Service" or "Association" ("Kenya Wildlife Service", "Women's Tennis
 * Association"), possibly continued by "of" or "for" ("Ministry of
 * Health", "University of Cape Town"). A known organisation with more name
 * around it grows into the longer one ("Liberal Democratic Party",
 * "Nigeria Labour Congress"); a sport or a known body before a country is
 * a national body ("Athletics Kenya", "NHS England"); and an acronym that
 * no list knows ("HYBE", "INDEC") is taken for an organisation.
 *
 * A country or city inside such a name is not a mention of the place, but
 * a demonym is ("the Russian Defence Ministry" mentions Russia).
 */
#include <string.h>

#include "enrichers/entities_internal.h"

static bool is_connector(const nw_ent_toks_t *t, size_t i, bool right)
{
    static const char *const left[] = {"of", "for", "de"};
    static const char *const rightw[] = {"of", "for"};
    if (t->v[i].flags & NW_TOK_CONNECT)
        return !right;
    if (!(t->v[i].flags & NW_TOK_LOWER))
        return false;
    const char *f = nw_ent_tok_fold(t, i);
    const char *const *words = right ? rightw : left;
    size_t n = right ? sizeof(rightw) / sizeof(rightw[0]) : sizeof(left) / sizeof(left[0]);
    for (size_t j = 0; j < n; j++)
        if (strcmp(f, words[j]) == 0)
            return true;
    return false;
}

/* May token i be part of a found organisation's name? Capitalised words,
 * known places and demonyms, and one-word titles and organisations
 * ("Nigeria Labour Congress", "CERN Council"). */
static bool org_part(const nw_ent_work_t *w, size_t i)
{
    const nw_ent_tok_t *k = &w->toks.v[i];
    if (!nw_ent_is_cap(k) && !(k->flags & NW_TOK_DIGIT))
        return false;
    int32_t l = w->label[i];
    if (l < 0)
        return true;
    const nw_ent_span_t *sp = &w->spans[l];
    return sp->role == NW_LEX_PLACE || sp->role == NW_LEX_DEMONYM || sp->role == NW_LEX_OTHER ||
           ((sp->role == NW_LEX_TITLE || sp->role == NW_LEX_ORG) && sp->ntok == 1);
}

/* May token i continue an organisation's name after "of" or "for"? Not a
 * date: "Ministry of Health on Sunday". */
static bool org_tail(const nw_ent_work_t *w, size_t i)
{
    int32_t l = w->label[i];
    return org_part(w, i) && (l < 0 || w->spans[l].role != NW_LEX_OTHER);
}

/* Is token i an unlabelled plural's possessive right before a word for a
 * kind of body, which only a group's name has ("Mexican Employers'
 * Confederation", "National Police Chiefs' Council")? The apostrophe
 * follows the word's "s" alone; a body's possessive before more words is
 * not one ("Amazon Web Services' Simple Storage Service"). */
static bool plural_possessive(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t i)
{
    const nw_ent_toks_t *t = &w->toks;
    const nw_ent_tok_t *k = &t->v[i];
    if (!(k->flags & NW_TOK_POSS) || w->label[i] >= 0 || k->len <= 3 || i + 1 >= t->n)
        return false;
    char last = nw_buf_str(&w->text)[k->off + k->len + k->tail - 1];
    return last != 's' && last != 'S' && (nw_ent_tok_roles(g, t, i + 1) & NW_LEX_ORGWORD);
}

/* A possessive inside a name: "Women's Tennis Association", "St Thomas'
 * Hospital", a plural's (plural_possessive()); but not "Ukraine's Defence
 * Ministry". */
static bool org_possessive(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t i)
{
    const nw_ent_toks_t *t = &w->toks;
    if (!(t->v[i].flags & NW_TOK_POSS))
        return true;
    if (w->label[i] >= 0)
        return false;
    return plural_possessive(w, g, i) || (nw_ent_tok_roles(g, t, i) & NW_LEX_COMMON) ||
           (i > 0 && (nw_ent_is_word(t, i - 1, "st") || nw_ent_is_word(t, i - 1, "st.")));
}

/* A company's legal suffix: "Inc", "Co", "SpA". A company is not "X of Y
 * Inc": "Lynn Reaser of Barnett Banks Inc." names a person and a company,
 * "Daniels Pharmaceuticals Inc of St. Petersburg" a company and a place. */
static bool company_suffix(const nw_ent_toks_t *t, size_t i)
{
    static const char *const sfx[] = {"inc",  "inc.", "corp", "corp.", "co",   "co.",
                                      "ltd",  "ltd.", "plc",  "spa",   "ag",   "sa",
                                      "s.a.", "nv",   "ab",   "llc",   "bros", "bros."};
    return nw_ent_is_fold(t, i, sfx, sizeof(sfx) / sizeof(sfx[0]));
}

/* Is token i a bare number in a results line ("Ulsan HD 2 Jeonbuk Hyundai
 * Motors 1"): a score between two teams, not part of a name as in
 * "Channel 4 News"? */
static bool score_in_results(const nw_ent_work_t *w, size_t i)
{
    const nw_ent_tok_t *k = &w->toks.v[i];
    const nw_ent_para_t *p = &w->paras[k->para];
    return (k->flags & NW_TOK_DIGIT) && k->letters == 0 && p->digits >= 2 && p->lower <= 2;
}

/* The last word for a kind of body in the capitalised run from token j,
 * itself one: "Natural Resources Defense Council" and "Internet Engineering
 * Task Force" end at their last such word, not their first. Five words on
 * at most, none of them labelled. */
static size_t last_orgword(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t j)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t last = j;
    for (size_t k = j + 1; k < t->n && k <= j + 5; k++) {
        if (t->v[k].brk != NW_BRK_NONE ||
            ((t->v[k - 1].flags & NW_TOK_POSS) && !plural_possessive(w, g, k - 1)) ||
            !nw_ent_is_cap(&t->v[k]) || (t->v[k].flags & NW_TOK_UPPER) || w->label[k] >= 0)
            break;
        if (nw_ent_tok_roles(g, t, k) & NW_LEX_ORGWORD)
            last = k;
    }
    return last;
}

/* Is s..e, found by its shape, no body's name but a trade or a field in
 * common words ("Social Media", "Systems Engineering": a common word, then
 * a word for a trade, as a heading or a department writes it)? */
static bool names_no_body(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t s, size_t e)
{
    static const char *const trades[] = {"resources",  "engineering", "construction", "publishing",
                                         "utilities",  "systems",     "solutions",    "software",
                                         "media",      "logistics",   "markets",      "electronics",
                                         "automotive", "minerals",    "textiles",     "chemicals",
                                         "energy",     "mining",      "shipping",     "insurance"};
    const nw_ent_toks_t *t = &w->toks;
    return e - s == 2 && (nw_ent_tok_roles(g, t, s) & NW_LEX_COMMON) &&
           nw_ent_is_fold(t, e - 1, trades, sizeof(trades) / sizeof(trades[0]));
}

/* The start of an organisation's name that ends at token j: capitalised
 * words to the left, with connectors between them. */
static size_t org_left(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t j)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t s = j, last = last_orgword(w, g, j);
    bool company = company_suffix(t, j);
    /* Twelve words at most: longer capitalised runs are headlines or lists. */
    while (s > 0 && j - s < 12 && t->v[s].brk == NW_BRK_NONE && !(t->v[s].flags & NW_TOK_SENT)) {
        if (score_in_results(w, s - 1))
            break;
        if (org_part(w, s - 1) && org_possessive(w, g, s - 1))
            s--;
        else if (s >= 2 && is_connector(t, s - 1, false) && t->v[s - 1].brk == NW_BRK_NONE &&
                 org_part(w, s - 2) && !(t->v[s - 2].flags & NW_TOK_POSS) &&
                 !(company && !(t->v[s - 1].flags & NW_TOK_CONNECT)))
            s -= 2;
        /* "Economic and Financial Crimes Commission", "State Law and
         * Order Restoration Council": a common word before "and" goes on
         * with the name of two words or more after it; a name does not
         * ("Samsung and LG Electronics" are two), nor does a listed body
         * ("the House and Senate"). */
        else if (!company && s >= 2 && last - s >= 1 && w->label[s] < 0 &&
                 nw_ent_is_word(t, s - 1, "and") && t->v[s - 1].brk == NW_BRK_NONE &&
                 w->label[s - 2] < 0 && nw_ent_is_cap(&t->v[s - 2]) &&
                 !(t->v[s - 2].flags & (NW_TOK_POSS | NW_TOK_UPPER)) &&
                 (nw_ent_tok_roles(g, t, s - 2) & NW_LEX_COMMON))
            s -= 2;
        else
            break;
    }
    /* "The Football Association": a sentence's first common word is not
     * part of the name, nor is a leading connector or number. */
    while (s < j && (is_connector(t, s, false) || nw_ent_is_word(t, s, "the") ||
                     (t->v[s].flags & NW_TOK_DIGIT) ||
                     ((t->v[s].flags & NW_TOK_SENT) && (nw_ent_tok_roles(g, t, s) & NW_LEX_STOP))))
        s++;
    return s;
}

/* After "Ministry of Economy" at e: a list of unknown capitalised words
 * closed by "and" goes on with the name ("Ministry of Economy, Trade and
 * Industry"); without the "and" the comma ends it ("Ministry of Health,
 * Paris"). The end of the name. */
static size_t list_tail(const nw_ent_work_t *w, size_t e)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t f = e;
    for (int items = 0; items < 4 && f + 2 < t->n && t->v[f].brk == NW_BRK_COMMA; items++) {
        if (w->label[f] >= 0 || !org_tail(w, f) || (t->v[f].flags & NW_TOK_UPPER))
            return e;
        f++;
        while (f < t->n && t->v[f].brk == NW_BRK_NONE && w->label[f] < 0 && org_tail(w, f) &&
               !(t->v[f - 1].flags & NW_TOK_POSS))
            f++;
        if (f + 1 < t->n && t->v[f].brk == NW_BRK_NONE && nw_ent_is_word(t, f, "and") &&
            t->v[f + 1].brk == NW_BRK_NONE && w->label[f + 1] < 0 && org_tail(w, f + 1) &&
            !(t->v[f + 1].flags & NW_TOK_UPPER)) {
            f += 2;
            while (f < t->n && t->v[f].brk == NW_BRK_NONE && w->label[f] < 0 && org_tail(w, f))
                f++;
            return f;
        }
    }
    return e;
}

/* The end of an organisation's name whose last known word is j - 1: more
 * such words ("Alliance Army", "Union Congress"), then "of" or "for" and
 * capitalised words ("Ministry of Health", "University of Cape Town"). */
static size_t org_right(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t e)
{
    const nw_ent_toks_t *t = &w->toks;
    while (e < t->n && t->v[e].brk == NW_BRK_NONE && !(t->v[e - 1].flags & NW_TOK_POSS) &&
           nw_ent_is_cap(&t->v[e]) && (nw_ent_tok_roles(g, t, e) & NW_LEX_ORGWORD) &&
           (w->label[e] < 0 ||
            (w->spans[w->label[e]].role == NW_LEX_ORG && w->spans[w->label[e]].ntok == 1)))
        e++;
    /* "Thyssenkrupp Steel Europe", "Nissan Motor Asia": a continent or a
     * world region right after a company's name is its arm there. */
    if (e < t->n && t->v[e].brk == NW_BRK_NONE && !(t->v[e - 1].flags & NW_TOK_POSS) &&
        w->label[e] >= 0) {
        const nw_ent_span_t *sp = &w->spans[w->label[e]];
        if (sp->role == NW_LEX_PLACE && sp->start == e && sp->ref >= 0 &&
            g->places[sp->ref].code[0] >= '0' && g->places[sp->ref].code[0] <= '9' &&
            !(t->v[e].flags & NW_TOK_UPPER))
            return e + sp->ntok;
    }
    if (company_suffix(t, e - 1))
        return e;
    /* After "of" or "for", "and" joins more of the name when an unknown
     * word follows ("Ministry of Trade and Industry", "Organisation for
     * Security and Cooperation"), not another name ("Bank of England and
     * Barclays"). */
    bool tail = false;
    while (
        e + 1 < t->n && !(t->v[e - 1].flags & NW_TOK_POSS) &&
        (is_connector(t, e, true) || (tail && nw_ent_is_word(t, e, "and") && w->label[e + 1] < 0 &&
                                      !(t->v[e + 1].flags & NW_TOK_UPPER))) &&
        t->v[e].brk == NW_BRK_NONE && t->v[e + 1].brk == NW_BRK_NONE && org_tail(w, e + 1)) {
        e += 2;
        tail = true;
        while (e < t->n && t->v[e].brk == NW_BRK_NONE && !(t->v[e - 1].flags & NW_TOK_POSS) &&
               org_tail(w, e))
            e++;
    }
    return tail ? list_tail(w, e) : e;
}

/* Names of places inside an organisation's name are not mentions of the
 * place; demonyms still count ("the Russian Defence Ministry"). */
static int add_found_org(nw_ent_work_t *w, size_t s, size_t e)
{
    for (size_t x = s; x < e; x++) {
        int32_t l = w->label[x];
        if (l >= 0 && w->spans[l].role != NW_LEX_DEMONYM)
            w->spans[l].role = 0;
    }
    return nw_ent_add_span(w, s, e - s, NW_LEX_ORG, -1);
}

/* Does s..e hold more than places and demonyms? "US Senate" is a place and
 * an organisation, "Liberal Democratic Party" one organisation. */
static bool has_name_words(const nw_ent_work_t *w, size_t s, size_t e)
{
    for (size_t x = s; x < e; x++) {
        int32_t l = w->label[x];
        if (l < 0 || (w->spans[l].role != NW_LEX_PLACE && w->spans[l].role != NW_LEX_DEMONYM))
            return true;
    }
    return false;
}

/* "Athletics Kenya", "NHS England": a sport or a known organisation, then
 * a country or a region (not a city), names a national body; so does the
 * country, then a sport ("Sri Lanka Cricket", "USA Swimming"). */
static int find_national_bodies(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    static const char *const sports[] = {
        "rugby",     "athletics", "cricket", "sport",      "swimming",   "cycling",
        "tennis",    "football",  "netball", "hockey",     "golf",       "basketball",
        "boxing",    "rowing",    "sailing", "triathlon",  "gymnastics", "volleyball",
        "badminton", "skiing",    "skating", "equestrian", "archery",    "judo"};
    const nw_ent_toks_t *t = &w->toks;
    /* The words this can start at are one-word places, each labelled by a
     * span of its own: the gazetteer's spans, made in the order of the
     * text, are visited rather than every word (later spans are
     * organisations). */
    for (size_t k = 0, n = w->n_spans; k < n; k++) {
        size_t i = w->spans[k].start;
        int32_t l = (int32_t)k;
        if (w->label[i] != l)
            continue;
        size_t ref = (size_t)w->spans[l].ref;
        if (w->spans[l].role != NW_LEX_PLACE || w->spans[l].ref < 0 ||
            (ref >= g->n_countries && ref < g->regions_from) ||
            w->para_style[t->v[i].para] != NW_PARA_NORMAL)
            continue;
        size_t e = i + w->spans[l].ntok;
        if (e < t->n && t->v[e].brk == NW_BRK_NONE && w->label[e] < 0 &&
            !(t->v[e - 1].flags & NW_TOK_POSS) && nw_ent_is_cap(&t->v[e]) &&
            !(t->v[e].flags & NW_TOK_UPPER) &&
            nw_ent_is_fold(t, e, sports, sizeof(sports) / sizeof(sports[0]))) {
            if (add_found_org(w, i, e + 1) != 0)
                return -1;
            continue;
        }
        if (i == 0 || w->spans[k].ntok != 1 || t->v[i].brk != NW_BRK_NONE ||
            (t->v[i - 1].flags & NW_TOK_POSS))
            continue;
        int32_t pl = w->label[i - 1];
        bool body = (pl >= 0 && w->spans[pl].role == NW_LEX_ORG && w->spans[pl].ntok == 1) ||
                    (pl < 0 && nw_ent_is_cap(&t->v[i - 1]) &&
                     nw_ent_is_fold(t, i - 1, sports, sizeof(sports) / sizeof(sports[0])));
        if (body && add_found_org(w, i - 1, i + 1) != 0)
            return -1;
    }
    return 0;
}

static bool upper_word(const nw_ent_toks_t *t, size_t i)
{
    return (t->v[i].flags & NW_TOK_UPPER) && t->v[i].letters >= 2;
}

/* Is token j beside another word in capitals? */
static bool upper_neighbour(const nw_ent_toks_t *t, size_t j)
{
    return (j > 0 && t->v[j].brk <= NW_BRK_OTHER && upper_word(t, j - 1)) ||
           (j + 1 < t->n && t->v[j + 1].brk <= NW_BRK_OTHER && upper_word(t, j + 1));
}

/* The end of a run of up to three unlabelled words in capitals from token
 * j (common words among them: "MIND ID"), not followed by more capitals (a
 * headline or a table header); j itself when there is none. */
static size_t upper_run_end(const nw_ent_work_t *w, size_t j)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t e = j;
    while (e < t->n && e < j + 3 && (e == j || t->v[e].brk == NW_BRK_NONE) && upper_word(t, e) &&
           w->label[e] < 0 && !(t->v[e].flags & NW_TOK_DIGIT))
        e++;
    if (e < t->n && t->v[e].brk == NW_BRK_NONE && upper_word(t, e))
        return j;
    return e;
}

/* "the Nikkei average", "the benchmark KOSPI index", "the FTSE 100 index",
 * "the Dow Jones industrial average": a name right before such a word is a
 * market index, which no newsroom files as the organisation behind it. */
static bool names_an_index(const nw_ent_toks_t *t, size_t e)
{
    static const char *const index[] = {"index", "indices", "indexes", "average"};
    static const char *const kinds[] = {"share", "stock", "industrial", "composite", "benchmark"};
#define N(a) (sizeof(a) / sizeof((a)[0]))
    if (e < t->n && t->v[e].brk == NW_BRK_NONE && (t->v[e].flags & NW_TOK_DIGIT))
        e++; /* "FTSE 100", "Nikkei 225" */
    if (e < t->n && t->v[e].brk == NW_BRK_NONE && (t->v[e].flags & NW_TOK_LOWER) &&
        nw_ent_is_fold(t, e, kinds, N(kinds)))
        e++;
    return e < t->n && t->v[e].brk == NW_BRK_NONE && (t->v[e].flags & NW_TOK_LOWER) &&
           nw_ent_is_fold(t, e, index, N(index));
#undef N
}

static void drop_indexes(nw_ent_work_t *w)
{
    for (size_t i = 0; i < w->n_spans; i++) {
        nw_ent_span_t *sp = &w->spans[i];
        /* An exchange stays one: "the American Stock Exchange index". */
        if (sp->role == NW_LEX_ORG && names_an_index(&w->toks, sp->start + sp->ntok) &&
            !nw_ent_is_word(&w->toks, sp->start + sp->ntok - 1, "exchange"))
            sp->role = 0; /* collect skips it; its words stay no one's name */
    }
}

int nw_ent_find_orgs(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    /* Both kinds below start at a word in capitals or a capitalised one:
     * most words are neither, so only w->caps is visited, from next on. */
    size_t next = 0;
    for (size_t c = 0; c < w->n_caps; c++) {
        size_t j = w->caps[c];
        if (j < next || !(t->v[j].flags & (NW_TOK_UPPER | NW_TOK_CAP)) ||
            w->para_style[t->v[j].para] != NW_PARA_NORMAL)
            continue;
        /* An acronym no list knows ("HYBE", "INDEC") is an organisation;
         * a word in capitals is not ("PCT", "DIVISION"), nor is a run of
         * capitals (a table header, "CRUDE OIL"), nor the town of a
         * dateline ("HERNING, Denmark, Jan 30 -"). */
        if ((t->v[j].flags & NW_TOK_UPPER) && w->label[j] < 0 && t->v[j].letters >= 3 &&
            t->v[j].letters <= 8 && !(t->v[j].flags & NW_TOK_DIGIT) && !nw_ent_tok_roles(g, t, j) &&
            !upper_neighbour(t, j)) {
            if (nw_ent_dateline_from(w, j, j + 1, true))
                continue;
            if (nw_ent_add_span(w, j, 1, NW_LEX_ORG, -1) != 0)
                return -1;
            continue;
        }
        /* A short run of capitals is one name when a noun for a kind of
         * organisation names it: "holding company MIND ID". */
        size_t run = upper_run_end(w, j);
        if (run > j + 1 && nw_ent_org_cue_before(w, j)) {
            if (nw_ent_add_span(w, j, run - j, NW_LEX_ORG, -1) != 0)
                return -1;
            next = run;
            continue;
        }
        if (!nw_ent_is_cap(&t->v[j]) || !(nw_ent_tok_roles(g, t, j) & NW_LEX_ORGWORD))
            continue;
        int32_t l = w->label[j];
        if (l >= 0) {
            const nw_ent_span_t *sp = &w->spans[l];
            if (sp->role == NW_LEX_ORG && sp->start + sp->ntok == j + 1) {
                /* "Liberal Democratic Party", "Democratic Alliance Army": a
                 * known organisation ending in such a word, with more of the
                 * name around it. */
                size_t start = sp->start;
                size_t s = org_left(w, g, start), e = org_right(w, g, j + 1);
                /* "Russian Defence Ministry" is a nationality and a
                 * ministry; "Kurdistan Democratic Party" and "Scottish
                 * Labour Party" are parties of those names. */
                if (!has_name_words(w, s, start) && !nw_ent_is_word(t, j, "party"))
                    s = start;
                if ((s < start || e > j + 1) && add_found_org(w, s, e) != 0)
                    return -1;
                next = e;
                continue;
            }
            if ((sp->role != NW_LEX_OTHER && sp->role != NW_LEX_TITLE) || sp->ntok > 1)
                continue;
        }
        size_t s = org_left(w, g, j);
        /* "Leader of Burnley Council", "Head of Engineering": a role is
         * not part of the body's name. */
        if (j - s >= 2 && w->label[s] >= 0 && w->spans[w->label[s]].role == NW_LEX_TITLE &&
            w->spans[w->label[s]].ntok == 1 && is_connector(t, s + 1, true))
            s += 2;
        size_t e = org_right(w, g, last_orgword(w, g, j) + 1);
        if (e - s >= 2 && !names_no_body(w, g, s, e) && add_found_org(w, s, e) != 0)
            return -1;
        next = e;
    }
    if (find_national_bodies(w, g) != 0)
        return -1;
    drop_indexes(w);
    return 0;
}

/* Does the run at token a match the n tokens at token b, word for word
 * without regard to case, joined by spaces only? */
static bool same_run(const nw_ent_toks_t *t, size_t a, size_t b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (t->v[a + k].fold_hash != t->v[b + k].fold_hash ||
            strcmp(nw_ent_tok_fold(t, a + k), nw_ent_tok_fold(t, b + k)) != 0 ||
            (k && t->v[a + k].brk != NW_BRK_NONE) ||
            !(t->v[a + k].flags & (NW_TOK_CAP | NW_TOK_UPPER)))
            return false;
    }
    return true;
}

/* Is a..a+n free of spans that reach out of it? */
static bool spans_inside(const nw_ent_work_t *w, size_t a, size_t n)
{
    for (size_t k = a; k < a + n; k++) {
        int32_t l = w->label[k];
        if (l >= 0 && (w->spans[l].start < a || w->spans[l].start + w->spans[l].ntok > a + n))
            return false;
    }
    return true;
}

int nw_ent_find_repeats(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    const nw_ent_toks_t *t = &w->toks;
    size_t found = w->n_spans, tried = 0;
    for (size_t i = 0; i < found; i++) {
        nw_ent_span_t sp = w->spans[i];
        /* Bounded: each name tried walks the text's capitals. */
        if (sp.role != NW_LEX_ORG || sp.ref >= 0 || sp.ntok < 2 || ++tried > 64)
            continue;
        /* A name opening with a given name is more likely a player's in a
         * line-up taken for a team ("Zinedine Zidane 1"): not spread. */
        if (nw_ent_tok_roles(g, t, sp.start) & NW_LEX_GIVEN)
            continue;
        for (size_t c = 0; c < w->n_caps; c++) {
            size_t a = w->caps[c];
            if (a == sp.start || a + sp.ntok > t->n ||
                (w->label[a] >= 0 && w->label[a] == (int32_t)i) ||
                !same_run(t, a, sp.start, sp.ntok) || !spans_inside(w, a, sp.ntok))
                continue;
            size_t e = a + sp.ntok;
            /* "Red Bulls Academy" is another name. */
            if (e < t->n && t->v[e].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[e]))
                continue;
            if (a > 0 && t->v[a].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[a - 1]) &&
                !(t->v[a - 1].flags & NW_TOK_SENT))
                continue;
            for (size_t k = a; k < e; k++)
                if (w->label[k] >= 0)
                    w->spans[w->label[k]].role = 0;
            if (nw_ent_add_span(w, a, sp.ntok, NW_LEX_ORG, -1) != 0)
                return -1;
        }
    }
    return 0;
}
