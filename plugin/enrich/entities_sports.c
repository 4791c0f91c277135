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
 * A text is sports copy when its headline opens with a sport and a
 * separator ("SOCCER - ...", "Cricket: ...") or when most of its paragraphs
 * are results lines (several numbers, few lower-case words).
 */
#include <string.h>

#include "enrich/entities_internal.h"

static const char *const sports[] = {
    "soccer",     "football",  "cricket",     "tennis",     "golf",      "rugby",      "baseball",
    "basketball", "athletics", "boxing",      "cycling",    "squash",    "hockey",     "nfl",
    "nba",        "nhl",       "motorracing", "motor",      "racing",    "horse",      "skiing",
    "swimming",   "badminton", "volleyball",  "handball",   "sailing",   "rowing",     "snooker",
    "darts",      "judo",      "wrestling",   "gymnastics", "triathlon", "equestrian", "ice"};

static bool headline_sport(const nw_ent_toks_t *t)
{
    /* Up to three words of sport ("MOTOR RACING", "ICE HOCKEY", "NFL
     * AMERICAN FOOTBALL"), then a dash or a colon. */
    for (size_t i = 0; i < t->n && i < 4 && t->v[i].para == 0; i++) {
        if (i > 0 && t->v[i].brk >= NW_BRK_OTHER && t->v[i].brk != NW_BRK_COMMA &&
            t->v[i].brk != NW_BRK_END)
            return true;
        if (!nw_ent_is_fold(t, i, sports, sizeof(sports) / sizeof(sports[0])) &&
            !nw_ent_is_word(t, i, "american") && !nw_ent_is_word(t, i, "union") &&
            !nw_ent_is_word(t, i, "league") && !nw_ent_is_word(t, i, "formula"))
            return false;
    }
    return false;
}

void nw_ent_detect_sports(nw_ent_work_t *w, const nw_gazetteer_t *g)
{
    (void)g;
    const nw_ent_toks_t *t = &w->toks;
    w->sports = false;
    if (t->n == 0)
        return;
    if (headline_sport(t)) {
        w->sports = true;
        return;
    }
    size_t paras = 0, results = 0, i = 0;
    while (i < t->n) {
        uint32_t para = t->v[i].para;
        size_t digits = 0, lower = 0;
        for (; i < t->n && t->v[i].para == para; i++) {
            digits += (t->v[i].flags & NW_TOK_DIGIT) != 0;
            lower += (t->v[i].flags & NW_TOK_LOWER) != 0;
        }
        paras++;
        results += digits >= 2 && lower <= 2;
    }
    w->sports = paras >= 4 && results * 2 >= paras;
}

bool nw_ent_place_is_team(const nw_ent_work_t *w, const nw_gazetteer_t *g, const nw_ent_span_t *s)
{
    static const char *const before[] = {"at", "from", "to", "of", "into", "for"};
    const nw_ent_toks_t *t = &w->toks;
    if (!w->sports || s->role != NW_LEX_PLACE || s->ref < 0 || (size_t)s->ref < g->n_countries)
        return false;
    size_t a = s->start, e = s->start + s->ntok;
    /* A dateline: the paragraph opens with the place, then a date or an
     * opening bracket. */
    if (t->v[a].brk == NW_BRK_PARA && e < t->n && t->v[e].para == t->v[a].para &&
        ((t->v[e].flags & NW_TOK_DIGIT) || t->v[e].brk == NW_BRK_OTHER))
        return false;
    if (a > 0 && t->v[a].brk == NW_BRK_NONE &&
        ((nw_ent_tok_roles(g, t, a - 1) & NW_LEX_LOCATIVE) ||
         nw_ent_is_fold(t, a - 1, before, sizeof(before) / sizeof(before[0]))))
        return false;
    /* "Chicago-based", "Milan's mayor": a possessive or a compound is the
     * place; a team name does not end in a comma before another place
     * ("Colombo, Sri Lanka"). */
    if (e < t->n && t->v[e].brk == NW_BRK_COMMA && w->label[e] >= 0 &&
        w->spans[w->label[e]].role == NW_LEX_PLACE)
        return false;
    return true;
}
