/*
 * Sports copy for the entities enricher: where a city is a team.
 *
 * In results and match reports a city, county or state usually names the
 * club that plays for it: "Surrey beat Kent by six wickets", "NEW YORK 74
 * 62 .544", "Leicestershire took over at the top". Newsrooms tag those as
 * organisations, not places. A country stays a place (national sides are
 * filed under their country), and so does a city in a dateline
 * ("LONDON 1996-08-30", "MILAN (Reuters) -") or after a locative word
 * ("in Colombo", "at Headingley").
 *
 * A text is team sports copy when its headline opens with a team sport and
 * a separator ("SOCCER - ...", "Cricket: ...") or, under no sport, when most
 * of its paragraphs are results lines (several numbers, few lower-case
 * words). In a results line an unknown capitalised name beside a number is
 * a team ("Alloa 2 Arbroath 1").
 */
#include <string.h>

#include "enrichers/entities_internal.h"

/* Sports whose sides carry a place's name. */
static const char *const team_sports[] = {
    "soccer", "football", "cricket",  "rugby",      "baseball", "basketball", "hockey", "nfl",
    "nba",    "nhl",      "handball", "volleyball", "ice",      "union",      "league", "american"};
/* Sports of individuals: a city there is where they compete. */
static const char *const solo_sports[] = {
    "tennis", "golf",   "athletics", "boxing",     "cycling",   "squash",  "motor",      "racing",
    "horse",  "skiing", "alpine",    "swimming",   "badminton", "sailing", "rowing",     "snooker",
    "darts",  "judo",   "wrestling", "gymnastics", "triathlon", "formula", "equestrian", "chess"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 1 for a headline opening with a team sport, -1 with another sport, else
 * 0: up to three words of sport ("ICE HOCKEY", "NFL AMERICAN FOOTBALL"),
 * then a dash or a colon. */
static int headline_sport(const nw_ent_toks_t *t)
{
    int kind = 0;
    for (size_t i = 0; i < t->n && i < 4 && t->v[i].para == 0; i++) {
        if (i > 0 && (t->v[i].brk == NW_BRK_OTHER || t->v[i].brk == NW_BRK_COLON))
            return kind;
        if (nw_ent_is_fold(t, i, solo_sports, COUNT(solo_sports)))
            kind = -1;
        else if (nw_ent_is_fold(t, i, team_sports, COUNT(team_sports)))
            kind = kind ? kind : 1;
        else
            return 0;
    }
    return 0;
}

/* A results line: several numbers, or one that opens it ("62 Nolan Henke",
 * a score or a place), and few lower-case words, or at most half as many
 * as numbers (a scorecard's "and", "not out" and "le" of "Chester-le-Street
 * : Glamorgan 259 and 207 ( A. Dale 69 , H. Morris 69 ...)"). */
static bool results_para(const nw_ent_work_t *w, size_t i, size_t *end)
{
    /* i opens its paragraph: the counts are the paragraph's. */
    const nw_ent_para_t *p = &w->paras[w->toks.v[i].para];
    bool opens = (w->toks.v[i].flags & NW_TOK_DIGIT) != 0;
    *end = p->end;
    return (p->digits >= 2 || opens) && (p->lower <= 2 || p->lower * 2 <= p->digits);
}

void nw_ent_detect_sports(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    (void)g;
    const nw_ent_toks_t *t = &w->toks;
    w->sports = false;
    if (t->n == 0)
        return;
    int kind = headline_sport(t);
    size_t paras = 0, results = 0, i = 0, end;
    for (; i < t->n; i = end) {
        paras++;
        results += results_para(w, i, &end);
    }
    /* Tables of numbers alone do not make sports copy: markets and
     * business copy have them too. */
    bool tables = paras >= 4 && results * 2 >= paras;
    w->sports = kind > 0;
    if (!kind && !tables)
        return;
    /* In sports copy a results line in Title Case ("1. Linford Christie (
     * Britain ) 10.04", "Goran Ivanisevic ( Croatia ) beat ...") is read as
     * prose: its capitals are names, not a headline's style. So is a
     * paragraph of three numbers or more, a match told in one sentence
     * ("Gujarat Titans 184-4 in 19.2 overs (Shubman Gill 81 not out, Sai
     * Sudharsan 47) beat ..."): headlines seldom hold that many. */
    for (i = 0; i < t->n; i = end) {
        bool line = results_para(w, i, &end);
        uint32_t para = t->v[i].para;
        if ((line ||
             (w->paras[para].digits >= 3 && w->paras[para].digits * 2 >= w->paras[para].lower)) &&
            para > 0 && w->para_style[para] == NW_PARA_TITLECASE)
            w->para_style[para] = NW_PARA_NORMAL;
    }
}

static bool is_number(const nw_ent_toks_t *t, size_t i)
{
    return i < t->n && (t->v[i].flags & NW_TOK_DIGIT) && !(t->v[i].flags & NW_TOK_CAP);
}

/* A player's name in a scorecard: after an initial ("M. Butcher") or a
 * mode of dismissal ("c Healy b McGrath 44", "lbw b Vaas"). */
static bool player_before(const nw_ent_toks_t *t, size_t j)
{
    static const char *const dismissal[] = {"b", "c", "lbw", "st", "out", "not", "&"};
    return j > 0 && ((t->v[j - 1].flags & NW_TOK_INITIAL) ||
                     ((t->v[j - 1].flags & NW_TOK_LOWER) &&
                      nw_ent_is_fold(t, j - 1, dismissal, COUNT(dismissal))));
}

/* Does the text between token e - 1 and token e hold the character c? */
static bool gap_has(const nw_ent_work_t *w, size_t e, char c);

/* "2. Matteo Calabrese (Italy) Lidl-Trek same time", "1. Joris van der
 * Linden (Netherlands) Visma-Lease a Bike 4:41:06": in a short ranked line
 * the capitalised words after a competitor's bracketed country, up to a
 * number or a lower-case word, are the team they ride or drive for, in any
 * sport. A name a list knows inside it ("UAE Team Emirates") is part of the
 * team's name. */
static int find_ranked_teams(nw_ent_work_t *w)
{
    const nw_ent_toks_t *t = &w->toks;
    for (size_t i = 0, end; i < t->n; i = end) {
        end = w->paras[t->v[i].para].end;
        if (t->v[i].para == 0 || !is_number(t, i) || end - i > 20)
            continue;
        for (size_t j = i + 1; j < end; j++) {
            int32_t l = w->label[j];
            if (l < 0 || w->spans[l].role != NW_LEX_PLACE || w->spans[l].start != j ||
                !gap_has(w, j, '('))
                continue;
            size_t a = j + w->spans[l].ntok, e = a;
            if (a >= end || !gap_has(w, a, ')'))
                break;
            /* Capitalised words, joined by spaces, hyphens or a short
             * lower-case word between two of them ("Visma-Lease a Bike"). */
            while (e < end && (e == a || t->v[e].brk <= NW_BRK_HYPHEN) &&
                   !(t->v[e].flags & NW_TOK_DIGIT) &&
                   (nw_ent_is_cap(&t->v[e]) ||
                    (e > a && t->v[e].letters <= 3 && (t->v[e].flags & NW_TOK_LOWER) &&
                     e + 1 < end && t->v[e + 1].brk == NW_BRK_NONE && nw_ent_is_cap(&t->v[e + 1]))))
                e++;
            if (e == a)
                break;
            /* Spans cut by the team's edges are left as they are. */
            if ((w->label[a] >= 0 && w->spans[w->label[a]].start < a) ||
                (w->label[e - 1] >= 0 &&
                 w->spans[w->label[e - 1]].start + w->spans[w->label[e - 1]].ntok > e))
                break;
            for (size_t k = a; k < e; k++)
                if (w->label[k] >= 0)
                    w->spans[w->label[k]].role = 0; /* part of the team's name; collect skips it */
            if (nw_ent_add_span(w, a, e - a, NW_LEX_ORG, -1) != 0)
                return -1;
            break;
        }
    }
    return 0;
}

/* Is token j of the results line from token i a one-word organisation a
 * list knows, right after a place? */
static bool listed_after_place(const nw_ent_work_t *w, size_t i, size_t j)
{
    const nw_ent_toks_t *t = &w->toks;
    if (j <= i || w->label[j] < 0 || w->label[j - 1] < 0 || t->v[j].brk != NW_BRK_NONE ||
        (t->v[j - 1].flags & NW_TOK_POSS))
        return false;
    const nw_ent_span_t *o = &w->spans[w->label[j]], *p = &w->spans[w->label[j - 1]];
    return o->role == NW_LEX_ORG && o->ref >= 0 && o->ntok == 1 && o->start == j &&
           p->role == NW_LEX_PLACE && p->start + p->ntok == j;
}

int nw_ent_find_teams(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    if (find_ranked_teams(w) != 0)
        return -1;
    static const char *const ordinals[] = {"first", "second",  "third",  "fourth", "fifth",
                                           "sixth", "seventh", "eighth", "ninth",  "tenth"};
    const nw_ent_toks_t *t = &w->toks;
    /* A cricket side is a county or a country, which the gazetteers know;
     * an unknown name in a scorecard is a player ("McGrath 10-1-42-2"). */
    if (!w->sports || nw_ent_is_word(t, 0, "cricket"))
        return 0;
    size_t i = 0, end;
    while (i < t->n) {
        if (t->v[i].para == 0 || !results_para(w, i, &end)) {
            results_para(w, i, &end);
            i = end;
            continue;
        }
        for (size_t j = i; j < end; j++) {
            if (listed_after_place(w, i, j)) {
                /* "Leicester Tigers 19": a place, then a team a list knows
                 * by that one word, is another team of that name. */
                if (!(is_number(t, j + 1) && t->v[j + 1].brk == NW_BRK_NONE))
                    continue;
                nw_ent_span_t *pl = &w->spans[w->label[j - 1]];
                size_t s0 = pl->start;
                pl->role = 0;
                w->spans[w->label[j]].role = 0;
                if (nw_ent_add_span(w, s0, j + 1 - s0, NW_LEX_ORG, -1) != 0)
                    return -1;
                continue;
            }
            if (w->label[j] >= 0 || !nw_ent_is_cap(&t->v[j]) ||
                (t->v[j].flags & (NW_TOK_INITIAL | NW_TOK_DIGIT)) ||
                (nw_ent_tok_roles(g, t, j) & (NW_LEX_STOP | NW_LEX_OTHER | NW_LEX_COMMON)) ||
                nw_ent_is_fold(t, j, ordinals, COUNT(ordinals)) || player_before(t, j))
                continue;
            size_t e = j + 1;
            while (e < end && w->label[e] < 0 && t->v[e].brk == NW_BRK_NONE &&
                   nw_ent_is_cap(&t->v[e]) && !(t->v[e].flags & (NW_TOK_INITIAL | NW_TOK_DIGIT)) &&
                   e - j < 4)
                e++;
            bool scored = (is_number(t, e) && t->v[e].brk == NW_BRK_NONE) ||
                          (j > i && is_number(t, j - 1) && t->v[j].brk == NW_BRK_NONE);
            if (!scored)
                continue;
            /* "Inverness Thistle", "Bristol Rovers": a place and the rest of
             * the club's name are one team; so is a name a list knows as
             * something else ("Anadolu Efes", not the news agency). */
            /* "Sale Sharks", "Newcastle Red Bulls": common words before
             * the name are part of it. */
            size_t s0 = j;
            while (s0 > i && e - s0 < 4 && t->v[s0].brk == NW_BRK_NONE && w->label[s0 - 1] < 0 &&
                   nw_ent_is_cap(&t->v[s0 - 1]) &&
                   !(t->v[s0 - 1].flags & (NW_TOK_INITIAL | NW_TOK_DIGIT | NW_TOK_UPPER)) &&
                   !(nw_ent_tok_roles(g, t, s0 - 1) & (NW_LEX_STOP | NW_LEX_OTHER)))
                s0--;
            j = s0;
            int32_t pl = j > i ? w->label[j - 1] : -1;
            if (pl >= 0 && t->v[j].brk == NW_BRK_NONE &&
                (w->spans[pl].role == NW_LEX_PLACE || w->spans[pl].role == NW_LEX_ORG) &&
                w->spans[pl].start + w->spans[pl].ntok == j) {
                s0 = w->spans[pl].start;
                w->spans[pl].role = 0; /* no longer a place; collect skips it */
            }
            if (nw_ent_add_span(w, s0, e - s0, NW_LEX_ORG, -1) != 0)
                return -1;
            j = e - 1;
        }
        i = end;
    }
    return 0;
}

bool nw_ent_country_in_brackets(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t e)
{
    size_t end;
    if (e >= w->toks.n || w->label[e] < 0 || !gap_has(w, e, '('))
        return false;
    const nw_ent_span_t *sp = &w->spans[w->label[e]];
    if (sp->role != NW_LEX_PLACE || sp->start != e || sp->ref < 0 ||
        (size_t)sp->ref >= g->n_countries)
        return false;
    uint32_t para = w->toks.v[e].para;
    return results_para(w, para ? w->toks.para_end[para - 1] : 0, &end);
}

/* Does the text between token e - 1 and token e hold the character c? */
static bool gap_has(const nw_ent_work_t *w, size_t e, char c)
{
    const nw_ent_toks_t *t = &w->toks;
    const char *text = nw_buf_str(&w->text);
    size_t from = t->v[e - 1].off + t->v[e - 1].len + t->v[e - 1].tail;
    return from < t->v[e].off && memchr(text + from, c, t->v[e].off - from) != NULL;
}

/* Does the capitalised run ending at token j follow "at" or "in"? */
static bool venue_before(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t j)
{
    const nw_ent_toks_t *t = &w->toks;
    for (size_t k = 0; k < 4 && j > 0; k++, j--) {
        if (!nw_ent_is_cap(&t->v[j]) || t->v[j].brk > NW_BRK_HYPHEN)
            return false;
        if (nw_ent_is_word(t, j - 1, "at") || (nw_ent_tok_roles(g, t, j - 1) & NW_LEX_LOCATIVE))
            return true;
    }
    return false;
}

bool nw_ent_dateline_from(const nw_ent_work_t *w, size_t a, size_t e, bool comma_only)
{
    static const char *const months[] = {
        "jan",  "january",   "feb",  "february", "mar",  "march",    "apr",    "april",
        "may",  "jun",       "june", "jul",      "july", "aug",      "august", "sep",
        "sept", "september", "oct",  "october",  "nov",  "november", "dec",    "december"};
    const nw_ent_toks_t *t = &w->toks;
    if (t->v[a].brk != NW_BRK_PARA || e >= t->n || t->v[e].para != t->v[a].para)
        return false;
    /* "TORONTO, Jan 14 -" after a table of results: past the first
     * paragraphs only a town in capitals, a comma and a month open one. */
    if (t->v[a].para > 2)
        return (t->v[a].flags & NW_TOK_UPPER) && t->v[e].brk == NW_BRK_COMMA &&
               nw_ent_is_fold(t, e, months, COUNT(months));
    if (!comma_only && ((t->v[e].flags & NW_TOK_DIGIT) || t->v[e].brk == NW_BRK_OTHER))
        return true;
    return t->v[e].brk == NW_BRK_COMMA &&
           ((comma_only && (t->v[e].flags & NW_TOK_DIGIT)) ||
            nw_ent_is_fold(t, e, months, COUNT(months)) ||
            (w->label[e] >= 0 && w->spans[w->label[e]].role == NW_LEX_PLACE));
}

/* Does the text name an organisation whose name opens with the words of
 * the place span s ("Edmonton" and "Edmonton Oilers")? */
static bool opens_named_team(const nw_ent_work_t *w, const nw_ent_span_t *s)
{
    const nw_ent_toks_t *t = &w->toks;
    for (size_t i = 0; i < w->n_spans; i++) {
        const nw_ent_span_t *o = &w->spans[i];
        if (o->role != NW_LEX_ORG || o->ntok <= s->ntok)
            continue;
        size_t k = 0;
        while (k < s->ntok && t->v[o->start + k].fold_hash == t->v[s->start + k].fold_hash &&
               (k == 0 || t->v[o->start + k].brk == NW_BRK_NONE) &&
               strcmp(nw_ent_tok_fold(t, o->start + k), nw_ent_tok_fold(t, s->start + k)) == 0)
            k++;
        if (k == s->ntok)
            return true;
    }
    return false;
}

bool nw_ent_place_is_team(const nw_ent_work_t *w, const nw_gazetteer_t *g, const nw_ent_span_t *s)
{
    static const char *const before[] = {"at", "from", "to", "of", "into", "for"};
    const nw_ent_toks_t *t = &w->toks;
    if (!w->sports || s->role != NW_LEX_PLACE || s->ref < 0 || (size_t)s->ref < g->n_countries)
        return false;
    size_t a = s->start, e = s->start + s->ntok;
    /* The home nations play as themselves. */
    static const char *const nations[] = {"england", "scotland", "wales"};
    if (s->ntok == 1 && nw_ent_is_fold(t, a, nations, COUNT(nations)))
        return false;
    /* A dateline (a standings row, "ATLANTA 74 62", is none). */
    if (nw_ent_dateline_from(w, a, e, false))
        return false;
    if (a > 0 && t->v[a].brk == NW_BRK_NONE &&
        ((nw_ent_tok_roles(g, t, a - 1) & NW_LEX_LOCATIVE) ||
         nw_ent_is_fold(t, a - 1, before, sizeof(before) / sizeof(before[0])))) {
        /* "In Ottawa's win", "three assists for Edmonton": where the text
         * names a team after the place ("Edmonton Oilers"), the place's
         * possessive, or the place after "for", is that team. */
        bool poss = (t->v[e - 1].flags & NW_TOK_POSS) != 0;
        if (!((poss || nw_ent_is_word(t, a - 1, "for")) && opens_named_team(w, s)))
            return false;
    }
    /* A venue label: "Leicester : Leicestershire beat Somerset", "London (
     * The Oval ) : Warwickshire 195". */
    if (e < t->n && t->v[e].para == t->v[a].para &&
        (t->v[e].brk == NW_BRK_COLON || gap_has(w, e, '(')))
        return false;
    /* "( at Edgbaston , Birmingham )": the town of a venue named after
     * "at" or "in". */
    if (a >= 2 && t->v[a].brk == NW_BRK_COMMA && venue_before(w, g, a - 1))
        return false;
    /* "Chicago-based", "Milan's mayor": a possessive or a compound is the
     * place; a team name does not end in a comma before another place
     * ("Colombo, Sri Lanka"). */
    if (e < t->n && t->v[e].brk == NW_BRK_COMMA && w->label[e] >= 0 &&
        w->spans[w->label[e]].role == NW_LEX_PLACE)
        return false;
    return true;
}
