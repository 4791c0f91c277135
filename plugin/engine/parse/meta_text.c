/*
 * The text fields of nw_meta_merge() (meta_merge.c): the headline, with a
 * site-name suffix or prefix removed, the byline and the language, each
 * from the most trusted tier that yields a usable value, the headline
 * preferring a markup title that matches the page's <h1>.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/html_meta.h"

static const nw_field_source_t tier_source[NW_TIER__COUNT] = {
    [NW_TIER_JSONLD] = NW_SRC_JSONLD,
    [NW_TIER_MICRODATA] = NW_SRC_MICRODATA,
    [NW_TIER_OG] = NW_SRC_OPENGRAPH,
    [NW_TIER_DC] = NW_SRC_META,
    [NW_TIER_JSONLD_PAGE] = NW_SRC_JSONLD_PAGE,
    [NW_TIER_TIME] = NW_SRC_TIME,
    [NW_TIER_TIME_OUT] = NW_SRC_TIME,
    [NW_TIER_ENVELOPE] = NW_SRC_ENVELOPE,
    [NW_TIER_VISIBLE] = NW_SRC_VISIBLE,
    [NW_TIER_URL] = NW_SRC_URL,
};

nw_field_source_t nw_meta_tier_source(nw_meta_tier_t tier)
{
    return tier < NW_TIER__COUNT ? tier_source[tier] : NW_SRC_TEXT;
}

static const nw_meta_cand_t *first(const nw_html_meta_t *m, nw_meta_field_t f)
{
    const nw_meta_cand_t *best = NULL;
    for (size_t i = 0; i < m->n[f]; i++)
        if (!best || m->cand[f][i].tier < best->tier)
            best = &m->cand[f][i];
    return best;
}

/* Equal but for case, spacing and ASCII punctuation ("Town | Fire at
 * home" and the <h1> "Town Fire at home"); other bytes must match. */
static bool same_text(const char *a, const char *b)
{
    for (;;) {
        while (*a && (unsigned char)*a < 0x80 && !isalnum((unsigned char)*a))
            a++;
        while (*b && (unsigned char)*b < 0x80 && !isalnum((unsigned char)*b))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

/* The markup title writes a break between kicker and headline that the
 * <h1> lost by setting the kicker in its own element: a colon ("Flood
 * inquiry: Two resign" and the <h1> "Flood inquiry Two resign" or "Flood
 * inquiry : Two resign") or the whole break, the words glued ("Flood
 * inquiry / Two resign" and "Flood inquiryTwo resign"); all else is the
 * same bytes. The markup's text is then the page's title as written. */
static bool h1_lost_break(const char *s, const char *h1)
{
    const char *s0 = s;
    bool lost = false;
    while (*s || *h1) {
        if (*s == *h1) {
            s++;
            h1++;
        } else if (s[0] == ':' && s[1] == ' ' && h1[0] == ' ') {
            s += 2;
            h1 += 1 + (h1[1] == ':' && h1[2] == ' ') * 2;
            lost = true;
        } else if (s > s0 && s[-1] != ' ' && *h1 && *h1 != ' ' && strchr(" /|:", *s)) {
            size_t run = strspn(s, " /|:");
            if (!memchr(s, ' ', run))
                return false;
            s += run;
            lost = true;
        } else {
            return false;
        }
    }
    return lost;
}

/* A headline cut short with an ellipsis ("Gaza: raid on the camp, at
 * le...") that another candidate gives whole. */
static bool cut_short(const nw_html_meta_t *m, const char *v)
{
    size_t n = strlen(v);
    if (n >= 3 && strcmp(v + n - 3, "...") == 0)
        n -= 3;
    else if (n >= 3 && strcmp(v + n - 3, "\xE2\x80\xA6") == 0)
        n -= 3;
    else
        return false;
    while (n > 0 && v[n - 1] == ' ')
        n--;
    if (n < 10)
        return false;
    for (size_t i = 0; i < m->n[NW_META_HEADLINE]; i++) {
        const char *o = m->cand[NW_META_HEADLINE][i].value;
        if (o != v && strlen(o) > n + 3 && strncasecmp(o, v, n) == 0)
            return true;
    }
    return false;
}

/* The fullwidth bar and colon are the CJK pages' own ("...CUTPEN ｜ Site",
 * "...受賞：朝日新聞デジタル"), spaced or not; without spaces they only cut
 * at a known site name or one that names the host. */
static const char *const separators[] = {
    " | ",        " - ",  " \xE2\x80\x94 ", " \xE2\x80\x93 ", " \xC2\xB7 ",  " :: ",
    " \xC2\xBB ", " // ", " \xEF\xBD\x9C ", "\xEF\xBD\x9C",   "\xEF\xBC\x9A"};

static size_t count_words(const char *s, size_t n)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        bool sp = s[i] == ' ';
        w += !sp && !in;
        in = !sp;
    }
    return w;
}

/* Letters and digits of s[0..n) in lower case, at most cap - 1 of them. */
static size_t squeeze(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[o++] = (char)(c | ((c >= 'A' && c <= 'Z') ? 0x20 : 0));
    }
    out[o] = '\0';
    return o;
}

/* The part names the site: its letters and digits appear in the host
 * ("Arte Radio" in arteradio.com, "ADAC" in adac.de). */
static bool names_host(const char *part, size_t n, const char *host)
{
    char sq[64];
    if (!host || n > 60 || squeeze(part, n, sq, sizeof(sq)) < 3)
        return false;
    /* "The Daily Post" on dailypost.example */
    return strstr(host, sq) != NULL ||
           (strncmp(sq, "the", 3) == 0 && strlen(sq) >= 6 && strstr(host, sq + 3) != NULL);
}

/* title is h1 followed by a separator and more ("Title - Site"). A
 * spaced colon counts here too ("Title : Section : Site"): after the whole
 * <h1> it cannot be a kicker's. */
static bool extends_h1(const char *title, const char *h1)
{
    size_t hn = strlen(h1);
    if (hn == 0 || strncasecmp(title, h1, hn) != 0)
        return false;
    if (strncmp(title + hn, " : ", 3) == 0)
        return true;
    for (size_t k = 0; k < sizeof(separators) / sizeof(separators[0]); k++)
        if (strncmp(title + hn, separators[k], strlen(separators[k])) == 0)
            return true;
    return false;
}

char *nw_meta_strip_site(const char *title, const char *site, const char *url)
{
    size_t n = strlen(title);
    size_t sn = site ? strlen(site) : 0;
    char host[128] = "";
    if (url) {
        const char *h = strstr(url, "://");
        h = h ? h + 3 : url;
        size_t hn = strcspn(h, "/?#:");
        squeeze(h, hn < 127 ? hn : 127, host, sizeof(host));
    }
    for (size_t k = 0; k < sizeof(separators) / sizeof(separators[0]); k++) {
        const char *sep = separators[k];
        size_t l = strlen(sep);
        /* The known site name, after or before the title. */
        if (sn && n > sn + l && strncasecmp(title + n - sn, site, sn) == 0 &&
            memcmp(title + n - sn - l, sep, l) == 0)
            return strndup(title, n - sn - l);
        if (sn && n > sn + l && strncasecmp(title, site, sn) == 0 &&
            memcmp(title + sn, sep, l) == 0)
            return strdup(title + sn + l);
    }
    /* Unknown site name: the last part when it names the host, or a short
     * one after " | "; the first part when it names the host. A dash alone
     * is too common inside titles to cut at. */
    for (size_t k = 0; k < sizeof(separators) / sizeof(separators[0]); k++) {
        const char *sep = separators[k], *last = NULL, *p = title;
        size_t l = strlen(sep);
        while ((p = strstr(p, sep))) {
            last = p;
            p += l;
        }
        if (!last)
            continue;
        size_t head = (size_t)(last - title), tail = n - head - l;
        size_t tw = count_words(last + l, tail), hw = count_words(title, head);
        if (hw >= 2 && (names_host(last + l, tail, host) || (k == 0 && tw <= 4 && head > tail)))
            return strndup(title, head);
        const char *firstsep = strstr(title, sep);
        size_t fh = (size_t)(firstsep - title);
        if (count_words(firstsep + l, n - fh - l) >= 2 && names_host(title, fh, host))
            return strdup(firstsep + l);
    }
    return strdup(title);
}

/* A language tag as the record carries it: "en_US" -> "en-US", cut at the
 * first blank or comma; NULL when it is not one. */
static char *language_tag(const char *v)
{
    size_t n = 0;
    while (v[n] && v[n] != ' ' && v[n] != ',' && v[n] != ';' && n < 35)
        n++;
    if (n < 2)
        return NULL;
    char *t = strndup(v, n);
    if (!t)
        return NULL;
    size_t run = 0, part = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        if (ch == '_')
            ch = t[i] = '-';
        if (ch == '-') {
            if (run == 0)
                goto bad;
            run = 0;
            part++;
            continue;
        }
        bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!alpha && !(part > 0 && ch >= '0' && ch <= '9'))
            goto bad;
        if (part == 0)
            t[i] = (char)(ch | 0x20);
        run++;
    }
    if (run == 0 || strcspn(t, "-") > 3 || strcspn(t, "-") < 2)
        goto bad;
    return t;
bad:
    free(t);
    return NULL;
}

static int set_str(char **dst, const char *v)
{
    char *c = strdup(v);
    if (!c)
        return NW_ERR_NOMEM;
    free(*dst);
    *dst = c;
    return 0;
}

/* The headline without a kicker ("Olympic Games: Ferry crews strike" ->
 * "Ferry crews strike") when the page's og:title gives it so: the kicker
 * is the section's or story's label, set above the headline, and the
 * title the page shares is its headline proper. Only the og:title counts:
 * a JSON-LD headline without the kicker that the og:title and <h1> both
 * carry is a shortened one. New allocation, or NULL when there is none. */
static char *without_kicker(const nw_html_meta_t *m, const char *title, const char *sname,
                            const char *url)
{
    const char *colon = strstr(title, ": ");
    if (!colon || count_words(title, (size_t)(colon - title)) > 6)
        return NULL;
    const char *rest = colon + 2;
    if (count_words(rest, strlen(rest)) < 3)
        return NULL;
    for (size_t i = 0; i < m->n[NW_META_HEADLINE]; i++) {
        if (m->cand[NW_META_HEADLINE][i].tier != NW_TIER_OG)
            continue;
        char *s = nw_meta_strip_site(m->cand[NW_META_HEADLINE][i].value, sname, url);
        if (s && strcmp(s, rest) == 0)
            return s;
        free(s);
    }
    return NULL;
}

static int merge_headline(const nw_html_meta_t *m, nw_article_t *a)
{
    const nw_meta_cand_t *canon = first(m, NW_META_URL);
    const char *url = a->url ? a->url : canon ? canon->value : NULL;
    const nw_meta_cand_t *h1 = first(m, NW_META_H1), *site = first(m, NW_META_SITE);
    const char *sname = site ? site->value : NULL;
    const nw_meta_cand_t *best = NULL;
    char *best_text = NULL;
    int rc = 0;
    /* Markup titles, most trusted first; one that matches the page's <h1>
     * wins over a more trusted one that does not. */
    for (int t = 0; t < NW_TIER__COUNT && rc == 0; t++) {
        for (size_t i = 0; i < m->n[NW_META_HEADLINE]; i++) {
            const nw_meta_cand_t *k = &m->cand[NW_META_HEADLINE][i];
            if (k->tier != t || cut_short(m, k->value))
                continue;
            char *s = nw_meta_strip_site(k->value, sname, url);
            if (!s)
                return NW_ERR_NOMEM;
            bool match = h1 && (same_text(s, h1->value) || same_text(k->value, h1->value) ||
                                extends_h1(k->value, h1->value));
            if (match) {
                free(best_text);
                if (h1_lost_break(s, h1->value)) {
                    best_text = s;
                } else {
                    free(s);
                    best_text = strdup(h1->value);
                }
                best = k;
                goto done;
            }
            if (!best) {
                best = k;
                best_text = s;
            } else {
                free(s);
            }
        }
    }
done:
    if (best && best_text) {
        char *bare = without_kicker(m, best_text, sname, url);
        if (bare) {
            free(best_text);
            best_text = bare;
        }
        free(a->headline);
        a->headline = best_text;
        a->field_source[NW_FIELD_HEADLINE] = (uint8_t)tier_source[best->tier];
        return 0;
    }
    free(best_text);
    if (best)
        return NW_ERR_NOMEM;
    const nw_meta_cand_t *title = first(m, NW_META_TITLE);
    if (h1) {
        rc = set_str(&a->headline, h1->value);
        a->field_source[NW_FIELD_HEADLINE] = NW_SRC_H1;
    } else if (title) {
        char *s = nw_meta_strip_site(title->value, sname, url);
        if (!s)
            return NW_ERR_NOMEM;
        free(a->headline);
        a->headline = s;
        a->field_source[NW_FIELD_HEADLINE] = NW_SRC_TITLE;
    } else if (a->headline) {
        a->field_source[NW_FIELD_HEADLINE] = NW_SRC_TEXT;
    }
    return rc;
}

static int merge_byline(const nw_html_meta_t *m, nw_article_t *a)
{
    const nw_meta_cand_t *k = first(m, NW_META_AUTHOR);
    /* The text reader's "By NAME" line ranks with the visible tier. */
    if (a->byline && (!k || k->tier >= NW_TIER_VISIBLE)) {
        a->field_source[NW_FIELD_BY] = NW_SRC_TEXT;
        return 0;
    }
    if (!k)
        return 0;
    const char *v = k->value;
    if (strncasecmp(v, "by ", 3) == 0)
        v += 3;
    if (!*v)
        return 0;
    a->field_source[NW_FIELD_BY] = (uint8_t)tier_source[k->tier];
    return set_str(&a->byline, v);
}

static int merge_language(const nw_html_meta_t *m, nw_article_t *a)
{
    for (int t = 0; t < NW_TIER__COUNT; t++)
        for (size_t i = 0; i < m->n[NW_META_LANGUAGE]; i++) {
            const nw_meta_cand_t *k = &m->cand[NW_META_LANGUAGE][i];
            if (k->tier != t)
                continue;
            char *tag = language_tag(k->value);
            if (!tag)
                continue;
            free(a->language);
            a->language = tag;
            a->field_source[NW_FIELD_LANGUAGE] =
                t == NW_TIER_TIME_OUT ? NW_SRC_HTML_LANG : (uint8_t)tier_source[t];
            return 0;
        }
    return 0;
}

int nw_meta_merge_text(const nw_html_meta_t *m, nw_article_t *a)
{
    int rc;
    if ((rc = merge_headline(m, a)) < 0 || (rc = merge_byline(m, a)) < 0 ||
        (rc = merge_language(m, a)) < 0)
        return rc;
    return 0;
}
