/*
 * The HTML element table and tag tokeniser used by nw_html_to_text().
 *
 * The tokeniser follows the HTML rules where they matter for text (quoted
 * attribute values may contain '>', names are case-insensitive, raw-text
 * elements end only at their own close tag) and degrades where a page is
 * broken: markup with no '>' after it is text, an unterminated quote ends at
 * the next '>'. Failed searches are remembered in nw_html_marks_t.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "parse/html_internal.h"

#define NW_HTML_NAME_MAX 16 /* longer tag names are unknown elements */

#define NW_HTML_ROW(id, name, flags) {name, sizeof(name) - 1, flags},
const nw_html_elem_t nw_html_elements[EL__COUNT] = {NW_HTML_ELEMENTS(NW_HTML_ROW)};

void nw_html_marks_init(nw_html_marks_t *m)
{
    m->no_gt_from = m->quote_blind_from = NW_HTML_NO_MATCH;
    m->no_quote_from[0] = m->no_quote_from[1] = NW_HTML_NO_MATCH;
    for (size_t i = 0; i < EL__COUNT; i++)
        m->no_close_from[i] = NW_HTML_NO_MATCH;
}

/*
 * The elements by a hash of a lower-cased name's length and first, second
 * and last bytes, probed linearly: every tag of a page is looked up, and
 * going through the table compared the length of all ~75 entries, and the
 * bytes of those as long, before it found one or (for span, em, time, ...)
 * none. Made once; a slot holds its element, EL_UNKNOWN (0) when empty.
 */
#define LOOKUP_SLOTS 256
_Static_assert(EL__COUNT <= LOOKUP_SLOTS / 2, "the element hash needs empty slots");
static uint8_t lookup_slots[LOOKUP_SLOTS];
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

static size_t lookup_hash(const char *name, size_t n)
{
    return (n * 131 + (unsigned char)name[0] * 31 + (unsigned char)name[n > 1] * 7 +
            (unsigned char)name[n - 1]) %
           LOOKUP_SLOTS;
}

static void lookup_make(void)
{
    for (size_t i = 1; i < EL__COUNT; i++) {
        size_t h = lookup_hash(nw_html_elements[i].name, nw_html_elements[i].len);
        while (lookup_slots[h])
            h = (h + 1) % LOOKUP_SLOTS;
        lookup_slots[h] = (uint8_t)i;
    }
}

nw_html_el_t nw_html_element_lookup(const char *s, size_t n)
{
    char name[NW_HTML_NAME_MAX];
    if (n == 0 || n >= sizeof(name))
        return EL_UNKNOWN;
    for (size_t i = 0; i < n; i++)
        name[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    pthread_once(&lookup_once, lookup_make);
    for (size_t h = lookup_hash(name, n);; h = (h + 1) % LOOKUP_SLOTS) {
        size_t i = lookup_slots[h];
        if (!i || (nw_html_elements[i].len == n && memcmp(nw_html_elements[i].name, name, n) == 0))
            return (nw_html_el_t)i;
    }
}

static size_t skip_ws(const char *s, size_t i, size_t len)
{
    while (i < len && nw_html_is_space((unsigned char)s[i]))
        i++;
    return i;
}

bool nw_html_tag_scan(const char *s, size_t len, size_t p, nw_html_tag_t *t, nw_html_marks_t *m)
{
    if (p >= m->no_gt_from)
        return false;
    const char *gt = memchr(s + p, '>', len - p);
    if (!gt) {
        m->no_gt_from = p;
        return false;
    }
    size_t first_gt = (size_t)(gt - s);
    /* Quotes are honoured up to the end of the input, unless an earlier tag
     * had to fall back to its first '>' (its quotes left no '>' outside them
     * before the end): from there on a tag ends at its first '>', or every
     * later '<' could rescan the same stretch to the end. */
    bool blind = p >= m->quote_blind_from;
    size_t lim = blind ? first_gt + 1 : len;
    t->close = s[p + 1] == '/';
    t->self_closing = false;
    t->n_attrs = 0;
    size_t i = p + 1 + (t->close ? 1 : 0), name = i;
    while (i < lim && !nw_html_is_space((unsigned char)s[i]) && s[i] != '/' && s[i] != '>')
        i++;
    t->el = nw_html_element_lookup(s + name, i - name);
    for (;;) {
        while (i < lim && (nw_html_is_space((unsigned char)s[i]) || s[i] == '/')) {
            if (s[i] == '/' && i + 1 < lim && s[i + 1] == '>')
                t->self_closing = true;
            i++;
        }
        if (i >= lim) {
            /* Quoted values carried us past the last '>': fall back to the first. */
            m->quote_blind_from = p < m->quote_blind_from ? p : m->quote_blind_from;
            i = first_gt;
            break;
        }
        if (s[i] == '>')
            break;
        nw_html_attr_t a;
        a.name.off = i++;
        while (i < lim && !nw_html_is_space((unsigned char)s[i]) && s[i] != '/' && s[i] != '>' &&
               s[i] != '=')
            i++;
        a.name.len = i - a.name.off;
        a.value.off = i;
        a.value.len = 0;
        size_t j = skip_ws(s, i, lim);
        bool unterminated = false;
        if (j < lim && s[j] == '=') {
            j = skip_ws(s, j + 1, lim);
            if (j < lim && (s[j] == '"' || s[j] == '\'')) {
                int q = s[j] == '"';
                const char *close = NULL;
                if (j + 1 < m->no_quote_from[q] && j + 1 < lim &&
                    !(close = memchr(s + j + 1, s[j], lim - j - 1)) && !blind)
                    m->no_quote_from[q] = j + 1;
                if (close) {
                    a.value.off = j + 1;
                    a.value.len = (size_t)(close - s) - j - 1;
                    i = (size_t)(close - s) + 1;
                } else {
                    /* Unterminated: the value, and the tag, end at the next '>'. */
                    const char *g = NULL;
                    if (j + 1 < m->no_gt_from && j + 1 < lim &&
                        !(g = memchr(s + j + 1, '>', lim - j - 1)) && !blind)
                        m->no_gt_from = j + 1;
                    if (!g)
                        m->quote_blind_from = p < m->quote_blind_from ? p : m->quote_blind_from;
                    i = g ? (size_t)(g - s) : first_gt;
                    a.value.off = j + 1;
                    a.value.len = i > j ? i - j - 1 : 0;
                    unterminated = true;
                }
            } else {
                a.value.off = j;
                while (j < lim && !nw_html_is_space((unsigned char)s[j]) && s[j] != '>')
                    j++;
                a.value.len = j - a.value.off;
                i = j;
            }
        }
        if (t->n_attrs < NW_HTML_ATTRS_MAX)
            t->attrs[t->n_attrs++] = a;
        if (unterminated)
            break;
    }
    t->end = i + 1;
    /* After a fallback, drop attributes that lie past the tag's end. */
    while (t->n_attrs > 0 &&
           t->attrs[t->n_attrs - 1].value.off + t->attrs[t->n_attrs - 1].value.len > i)
        t->n_attrs--;
    return true;
}

size_t nw_html_raw_end(const char *s, size_t len, size_t from, nw_html_el_t el, nw_html_marks_t *m)
{
    const char *name = nw_html_elements[el].name;
    size_t n = nw_html_elements[el].len, i = from;
    if (from >= m->no_close_from[el])
        return NW_HTML_NO_MATCH;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            break;
        size_t q = (size_t)(lt - s), e = q + 2 + n;
        if (e <= len && s[q + 1] == '/' && strncasecmp(s + q + 2, name, n) == 0 &&
            (e == len || nw_html_is_space((unsigned char)s[e]) || s[e] == '/' || s[e] == '>')) {
            const char *gt = e < len ? memchr(s + e, '>', len - e) : NULL;
            return gt ? (size_t)(gt - s) + 1 : len;
        }
        i = q + 1;
    }
    m->no_close_from[el] = from;
    return NW_HTML_NO_MATCH;
}
