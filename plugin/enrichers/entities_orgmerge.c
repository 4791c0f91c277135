/*
 * The entities enricher's last word on organisations: entries of the list
 * that name one organisation are folded into one, with their mentions and
 * forms. An acronym joins the name whose initials it spells, a short name
 * in brackets the name before it, a one-word name the longer one it ends,
 * and a place read as a team, or a name no list knows, the one name it
 * opens.
 */
#include <string.h>
#include <strings.h>

#include "enrichers/entities_internal.h"

/* Do the capitalised words of name start with the letters of acronym
 * ("BMA", "British Medical Association")? */
static bool initials_of(const char *acronym, const char *name)
{
    size_t k = 0;
    for (const char *p = name; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p >= 'A' && *p <= 'Z') {
            if (acronym[k] != *p)
                return false;
            k++;
        }
        while (*p && *p != ' ')
            p++;
    }
    return k >= 2 && acronym[k] == '\0';
}

static bool is_acronym(const char *s)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if (*s < 'A' || *s > 'Z')
            return false;
    return n >= 2;
}

/* Folds organisation a into full, another name for the same one: its
 * mentions, first position and the written forms given (a form lost to OOM
 * is harmless); a is left nameless for drop_folded(). */
static void fold_into(nw_ent_list_t *orgs, nw_ent_t *full, nw_ent_t *a, const char *forms)
{
    full->mentions += a->mentions;
    if (a->first < full->first)
        full->first = a->first;
    (void)nw_ent_forms_merge(&orgs->names, &full->forms, forms);
    a->name = NULL;
    a->forms = (nw_ent_forms_t){0};
}

/* Closes the gaps fold_into() left, keeping the list's order. */
static void drop_folded(nw_ent_list_t *orgs)
{
    size_t k = 0;
    for (size_t i = 0; i < orgs->n; i++)
        if (orgs->v[i].name)
            orgs->v[k++] = orgs->v[i];
    orgs->n = k;
}

/* An organisation named both in full and by its initials is one. The list's
 * index is stale afterwards; nothing is added to it once this runs. */
static void merge_acronyms(nw_ent_list_t *orgs)
{
    size_t tried = 0;
    for (size_t i = 0; i < orgs->n; i++) {
        nw_ent_t *a = &orgs->v[i];
        nw_ent_t *full = NULL;
        /* Bounded: an article of a thousand acronyms is not worth the time. */
        if (!is_acronym(a->name) || ++tried > 64)
            continue;
        for (size_t j = 0; j < orgs->n && !full; j++)
            if (j != i && orgs->v[j].name && initials_of(a->name, orgs->v[j].name))
                full = &orgs->v[j];
        if (full)
            fold_into(orgs, full, a, a->forms.s);
    }
    drop_folded(orgs);
}

bool nw_ent_bracketed_acronym(const nw_ent_toks_t *t, const char *text, size_t a)
{
    if (a >= t->n || t->v[a].brk != NW_BRK_OTHER || !(t->v[a].flags & NW_TOK_UPPER) ||
        t->v[a].letters < 2 || t->v[a].letters > 8 || t->v[a].tail || t->v[a].off == 0)
        return false;
    const nw_ent_tok_t *k = &t->v[a];
    return text[k->off - 1] == '(' && text[k->off + k->len] == ')';
}

/* Is one of e's forms (or, with none, its name) the n bytes at s? */
static bool has_form(const nw_ent_t *e, const char *s, size_t n)
{
    const char *p = e->forms.s ? e->forms.s : e->name;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t fl = nl ? (size_t)(nl - p) : strlen(p);
        if (fl == n && memcmp(p, s, n) == 0)
            return true;
        p = nl ? nl + 1 : p + fl;
    }
    return false;
}

static bool same_last_word(const char *a, const char *b)
{
    const char *la = strrchr(a, ' '), *lb = strrchr(b, ' ');
    return strcasecmp(la ? la + 1 : a, lb ? lb + 1 : b) == 0;
}

/* Folds each bracketed short name into the organisation before it. The
 * list's index is stale afterwards, as after merge_acronyms(). */
static void merge_bracketed(nw_ent_list_t *orgs, const nw_ent_toks_t *t, const char *text,
                            const nw_ent_bracketed_t *br, size_t n_br)
{
    if (!n_br)
        return;
    for (size_t b = 0; b < n_br; b++) {
        nw_ent_t *full = &orgs->v[br[b].full];
        const nw_ent_tok_t *k = &t->v[br[b].acronym];
        if (!full->name)
            continue; /* itself folded into another */
        for (size_t i = 0; i < orgs->n; i++) {
            nw_ent_t *a = &orgs->v[i];
            if (a == full || !a->name || !has_form(a, text + k->off, k->len))
                continue;
            /* A listed name for the short one ("EU": "European Union")
             * beats a found one of the same last word ("Europäischen Union
             * (EU)"); one of another ("American Academy of Pediatrics
             * (AAP)", not the news agency) is the text's own. */
            if (br[b].found && (a->name_len != k->len || memcmp(a->name, text + k->off, k->len)) &&
                same_last_word(a->name, full->name))
                fold_into(orgs, a, full, full->forms.s ? full->forms.s : full->name);
            else
                fold_into(orgs, full, a, a->forms.s ? a->forms.s : a->name);
            break;
        }
    }
    drop_folded(orgs);
}

/* Does some form of e end with the word name ("Port Vale" and "Vale")? */
static bool form_ends_with(const nw_ent_t *e, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = e->forms.s; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t fl = nl ? (size_t)(nl - p) : strlen(p);
        if (fl > n + 1 && p[fl - n - 1] == ' ' && strncasecmp(p + fl - n, name, n) == 0)
            return true;
        p = nl ? nl + 1 : p + fl;
    }
    return false;
}

/* A one-word organisation that ends the name of another one the article
 * names ("Vale" after "Port Vale", "Santander" after "Racing Santander")
 * is that one, as a surname is its person: a short list entry (the mining
 * company, the bank) needs more context than its name. The list's index is
 * stale afterwards, as after merge_acronyms(). */
static void merge_tails(nw_ent_list_t *orgs)
{
    for (size_t i = 0; i < orgs->n && i < 256; i++) {
        nw_ent_t *a = &orgs->v[i];
        if (strchr(a->name, ' '))
            continue;
        const char *word = a->forms.n == 1 ? a->forms.s : a->name;
        nw_ent_t *full = NULL;
        for (size_t j = 0; j < orgs->n && !full; j++)
            if (j != i && orgs->v[j].name && form_ends_with(&orgs->v[j], word))
                full = &orgs->v[j];
        if (full)
            fold_into(orgs, full, a, a->forms.s ? a->forms.s : a->name);
    }
    drop_folded(orgs);
}

/* "Toronto beat Boston", "Gill's 81 lifted Gujarat": a place read as a
 * team, where the text names one team whose name opens with it ("Toronto
 * Maple Leafs", "Gujarat Titans"), is that team, as a surname is its
 * person; so is a name no list knows that opens another organisation's
 * ("Kawasaki Heavy", "Kawasaki Heavy Industries"). With two such
 * organisations ("New York Rangers", "New York Islanders") it stays as it
 * is. heads[] are such entries' names, which stay put in the list's arena
 * while merges move the entries. */
static void merge_team_heads(nw_ent_list_t *orgs, const char *const *heads, size_t n_heads)
{
    bool folded = false;
    for (size_t h = 0; h < n_heads; h++) {
        nw_ent_t *a = NULL;
        for (size_t i = 0; i < orgs->n && !a; i++)
            if (orgs->v[i].name == heads[h])
                a = &orgs->v[i];
        if (!a)
            continue; /* folded into another already */
        nw_ent_t *full = NULL;
        size_t fulls = 0;
        for (size_t j = 0; j < orgs->n; j++) {
            const nw_ent_t *b = &orgs->v[j];
            if (b != a && b->name && b->name_len > a->name_len && b->name[a->name_len] == ' ' &&
                strncasecmp(b->name, a->name, a->name_len) == 0) {
                full = &orgs->v[j];
                fulls++;
            }
        }
        if (fulls == 1) {
            fold_into(orgs, full, a, a->forms.s ? a->forms.s : a->name);
            folded = true;
        }
    }
    if (folded)
        drop_folded(orgs);
}

void nw_ent_merge_orgs(nw_ent_list_t *orgs, const nw_ent_toks_t *t, const char *text,
                       const nw_ent_bracketed_t *br, size_t n_br, const char *const *heads,
                       size_t n_heads)
{
    merge_bracketed(orgs, t, text, br, n_br);
    merge_acronyms(orgs);
    merge_tails(orgs);
    merge_team_heads(orgs, heads, n_heads);
}
