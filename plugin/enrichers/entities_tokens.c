/*
 * The entities enricher's tokeniser.
 *
 * Names are recognised by their shape as much as by lists, so a token keeps
 * what the heuristics need: its case (first letter, all capitals), whether
 * it opens a sentence or a quotation, and the punctuation before it. Words
 * keep internal apostrophes ("O'Brien", "d'Ivoire") and the periods of
 * abbreviations ("U.S.", "Mr.", "J."); a possessive "'s" is cut off and
 * noted. Hyphenated words stay whole when every part is capitalised
 * ("Jean-Yves", "Guinea-Bissau") or open with a name particle ("al-Assad");
 * otherwise they split ("Russia-backed", "pro-Russian") so the proper part
 * can still be matched.
 *
 * Case is known for Latin, Greek and Cyrillic letters; other scripts are
 * words without case, which never look like names. Invalid UTF-8 bytes are
 * punctuation, so nothing here reads past the text.
 *
 * Runs of plain ASCII words, most of an article, are read by the short-word
 * walk (entities_words_walk.c), which gives them the tokens this file's
 * general way would.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/utf8.h"
#include "enrichers/entities_tokens_internal.h"

enum { CP_NONE = 0, CP_UPPER, CP_LOWER, CP_CASELESS, CP_DIGIT, CP_MARK };

/* Upper case within Latin Extended-A alternates by parity, with a shift at
 * U+0138 and U+0178. */
static int latin_ext_a(uint32_t cp)
{
    if (cp == 0x138 || cp == 0x149 || cp == 0x17F)
        return CP_LOWER;
    if (cp == 0x178)
        return CP_UPPER;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1) ? CP_UPPER : CP_LOWER;
    return (cp & 1) ? CP_LOWER : CP_UPPER;
}

static int cp_class_wide(uint32_t cp);

/* Called for every character of the text: ASCII is answered inline. */
static inline int cp_class(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'a' && cp <= 'z')
            return CP_LOWER;
        if (cp >= 'A' && cp <= 'Z')
            return CP_UPPER;
        if (cp >= '0' && cp <= '9')
            return CP_DIGIT;
        return CP_NONE;
    }
    return cp_class_wide(cp);
}

static int cp_class_wide(uint32_t cp)
{
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return CP_UPPER;
    if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7)
        return CP_LOWER;
    if (cp == 0xAA || cp == 0xBA)
        return CP_LOWER;
    if (cp >= 0x100 && cp <= 0x17F)
        return latin_ext_a(cp);
    if (cp >= 0x180 && cp <= 0x24F)
        return CP_CASELESS; /* Latin Extended-B: letters, case not tracked */
    if (cp >= 0x250 && cp <= 0x2AF)
        return CP_LOWER; /* IPA */
    if (cp == 0x2BB || cp == 0x2BC)
        return CP_CASELESS; /* modifier letters used as apostrophes in names */
    if (cp >= 0x300 && cp <= 0x36F)
        return CP_MARK;
    if (cp >= 0x391 && cp <= 0x3A9)
        return CP_UPPER;
    if (cp >= 0x3AC && cp <= 0x3CE)
        return CP_LOWER;
    if (cp >= 0x400 && cp <= 0x42F)
        return CP_UPPER;
    if (cp >= 0x430 && cp <= 0x45F)
        return CP_LOWER;
    if (cp >= 0x460 && cp <= 0x4FF)
        return (cp & 1) ? CP_LOWER : CP_UPPER;
    if (cp >= 0x500 && cp <= 0x52F)
        return (cp & 1) ? CP_LOWER : CP_UPPER;
    if (cp >= 0x1E00 && cp <= 0x1EFF)
        return (cp & 1) ? CP_LOWER : CP_UPPER;
    if (cp >= 0x660 && cp <= 0x669)
        return CP_DIGIT;
    /* Letters of scripts without case: Armenian to Ethiopic, Indic, Thai,
     * Georgian, Hangul, kana, CJK. */
    if ((cp >= 0x531 && cp <= 0x58F) || (cp >= 0x5D0 && cp <= 0x5EA) ||
        (cp >= 0x620 && cp <= 0x64A) || (cp >= 0x66E && cp <= 0x6D3) ||
        (cp >= 0x900 && cp <= 0xDFF) || (cp >= 0xE01 && cp <= 0xE4E) ||
        (cp >= 0x10A0 && cp <= 0x10FF) || (cp >= 0x1100 && cp <= 0x11FF) ||
        (cp >= 0x1200 && cp <= 0x137F) || (cp >= 0x3040 && cp <= 0x30FF) ||
        (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0xAC00 && cp <= 0xD7AF))
        return CP_CASELESS;
    if ((cp >= 0x64B && cp <= 0x65F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x20D0 && cp <= 0x20FF))
        return CP_MARK;
    return CP_NONE;
}

static uint32_t cp_lower(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    if (cp >= 0x100 && cp <= 0x17F && latin_ext_a(cp) == CP_UPPER)
        return cp == 0x178 ? 0xFF : cp + 1;
    if (cp >= 0x391 && cp <= 0x3A9)
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32;
    if (((cp >= 0x460 && cp <= 0x52F) || (cp >= 0x1E00 && cp <= 0x1EFF)) && !(cp & 1))
        return cp + 1;
    return cp;
}

/* Decodes one code point; invalid bytes decode as U+FFFD over one byte. */
static size_t next_cp(const char *s, size_t len, size_t i, uint32_t *cp)
{
    if ((unsigned char)s[i] < 0x80) { /* most of the text: no decoder call */
        *cp = (unsigned char)s[i];
        return 1;
    }
    size_t n = nw_utf8_decode((const unsigned char *)s + i, len - i, cp);
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return n;
}

static bool is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2BC;
}

static bool is_hyphen(uint32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static int word_class(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return CP_NONE;
    uint32_t cp;
    next_cp(s, len, i, &cp);
    return cp_class(cp);
}

static bool is_wordish(int c)
{
    return c != CP_NONE;
}

/* abbreviation_in() as a function, for the general way's callers; the
 * short-word walk (whose builds cannot inline it) takes the body. */
bool nw_ent_abbreviation_of(const char *s, size_t n, size_t avail)
{
    return abbreviation_in(s, n, avail);
}

/* First parts that keep a hyphenated name whole: "al-Assad", "bin-Salman". */
/* Do the bytes before end close with "ng"? */
static bool ends_ng(const char *end)
{
    return end[-2] == 'n' && end[-1] == 'g';
}

static bool is_hyphen_particle(const char *s, size_t n)
{
    static const char *const p[] = {"al", "el",  "ad",  "as",  "ash",  "at", "an", "ar",
                                    "az", "bin", "ibn", "abu", "bint", "ul", "ud"};
    for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
        if (strlen(p[i]) == n && strncmp(p[i], s, n) == 0)
            return true;
    return false;
}

/* Lower-case parts that follow a proper name ("Beijing-based") rather than
 * continue it (the "-myung" of "Jae-myung"). */
static bool is_compound_tail(const char *s, size_t n)
{
    static const char *const w[] = {
        "led",  "based", "born",  "made", "run",  "backed", "owned",  "held",     "style",  "era",
        "wide", "like",  "bound", "free", "only", "linked", "allied", "friendly", "funded", "bred"};
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        if (strlen(w[i]) == n && strncmp(w[i], s, n) == 0)
            return true;
    return false;
}

static inline unsigned a_count(uint64_t sum, int field)
{
    return (unsigned)(sum >> (8 * field)) & 0xffu;
}

/* Finishes token k for an ASCII word s[a..b), the most common case, in
 * one pass written straight into the keys: the key is the word itself
 * ('\'' is the only ASCII apostrophe) and the fold its lower case, as
 * nw_ent_push() makes them. A table lookup and an add per byte: this runs for
 * nearly every byte of every article. False, with nothing appended, when
 * the word is not short plain ASCII. */
static bool push_ascii(nw_ent_toks_t *t, nw_ent_tok_t *k, const char *s, size_t a, size_t b)
{
    size_t n = b - a;
    if (n > NW_ENT_SHORT_WORD)
        return false;
    nw_buf_t *keys = &t->keys;
    if ((keys->len + 2 * n + 2 >= keys->cap || keys->oom) && !nw_buf_reserve(keys, 2 * n + 2)) {
        t->oom = true;
        return true;
    }
    const unsigned char *w = (const unsigned char *)s + a;
    char *key = keys->data + keys->len, *fold = key + n + 1;
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t p = ascii_props[w[i]];
        sum += p;
        key[i] = (char)w[i];
        fold[i] = (char)(p >> 56);
    }
    if (a_count(sum, 3)) {
        key[0] = '\0'; /* nothing committed: the buffer ends where it did */
        return false;
    }
    key[n] = '\0';
    fold[n] = '\0';
    k->key = (uint32_t)keys->len;
    k->key_len = (uint32_t)n;
    k->fold = (uint32_t)(keys->len + n + 1);
    k->fold_len = (uint32_t)n;
    k->fold_hash = nw_ent_word_hash(fold, n);
    keys->len += 2 * n + 2;
    keys->data[keys->len] = '\0';
    uint64_t first = n ? ascii_props[w[0]] : 0;
    if (a_count(first, 0))
        k->flags |= NW_TOK_CAP;
    else if (a_count(first, 1))
        k->flags |= NW_TOK_LOWER;
    unsigned upper = a_count(sum, 0), lower = a_count(sum, 1);
    if (a_count(sum, 2))
        k->flags |= NW_TOK_DIGIT;
    if (upper >= 2 && lower == 0)
        k->flags |= NW_TOK_UPPER;
    if (k->flags & NW_TOK_NAMECAP)
        k->flags = (uint16_t)((k->flags | NW_TOK_CAP) & ~(NW_TOK_LOWER | NW_TOK_NAMECAP));
    k->letters = (uint8_t)(upper + lower);
    t->n++;
    return true;
}

/* Ends the paragraph being read, if any, and opens the next; false (t->oom
 * set) when out of memory. */
static bool para_open(nw_ent_toks_t *t)
{
    if (t->n_paras)
        t->para_end[t->n_paras - 1] = (uint32_t)t->n;
    if (t->n_paras == t->para_cap) {
        uint32_t *e = grown(t, t->para_end, &t->para_cap, sizeof(*e), 64);
        if (!e)
            return false;
        t->para_end = e;
    }
    t->para_end[t->n_paras++] = (uint32_t)t->n;
    return true;
}

/* Appends a token for s[a..b), with its key and folded key. */
void nw_ent_push(nw_ent_toks_t *t, const char *s, size_t a, size_t b, uint8_t brk, uint16_t extra)
{
    if (t->oom || !toks_room(t))
        return;
    nw_ent_tok_t *k = &t->v[t->n];
    memset(k, 0, sizeof(*k));
    k->off = (uint32_t)a;
    k->len = (uint32_t)(b - a);
    k->brk = brk;
    k->para = t->n_paras ? t->n_paras - 1 : 0;
    k->flags = extra;

    if (push_ascii(t, k, s, a, b))
        return;
    /* The key: the word with apostrophes as '\''. The fold: lower-cased.
     * Both are built in a local buffer and appended at once (a word is
     * rarely long; a code point takes at most four bytes either way). */
    size_t upper = 0, lower = 0, letters = 0;
    bool first = true;
    char tmp[4 * NW_ENT_SHORT_WORD + 2];
    bool local = b - a <= NW_ENT_SHORT_WORD;
    size_t tn = 0;
    k->key = (uint32_t)t->keys.len;
    for (size_t i = a; i < b;) {
        uint32_t cp;
        i += next_cp(s, b, i, &cp);
        int c = cp_class(cp);
        if (first && c != CP_MARK) {
            if (c == CP_UPPER)
                k->flags |= NW_TOK_CAP;
            else if (c == CP_LOWER)
                k->flags |= NW_TOK_LOWER;
            first = false;
        }
        upper += c == CP_UPPER;
        lower += c == CP_LOWER;
        letters += c == CP_UPPER || c == CP_LOWER || c == CP_CASELESS;
        if (c == CP_DIGIT)
            k->flags |= NW_TOK_DIGIT;
        uint32_t kc = is_apostrophe(cp) ? '\'' : cp;
        if (local)
            tn += nw_utf8_put(tmp + tn, nw_utf8_scalar(kc));
        else
            nw_utf8_encode(&t->keys, kc);
    }
    if (local) {
        k->key_len = (uint32_t)tn;
        tmp[tn++] = '\0';
        nw_buf_append(&t->keys, tmp, tn);
        tn = 0;
    } else {
        k->key_len = (uint32_t)(t->keys.len - k->key);
        nw_buf_putc(&t->keys, '\0');
    }
    k->fold = (uint32_t)t->keys.len;
    for (size_t i = a; i < b;) {
        uint32_t cp;
        i += next_cp(s, b, i, &cp);
        uint32_t fc = is_apostrophe(cp) ? '\'' : cp_lower(cp);
        if (local)
            tn += nw_utf8_put(tmp + tn, nw_utf8_scalar(fc));
        else
            nw_utf8_encode(&t->keys, fc);
    }
    if (local) {
        k->fold_len = (uint32_t)tn;
        tmp[tn++] = '\0';
        nw_buf_append(&t->keys, tmp, tn);
    } else {
        k->fold_len = (uint32_t)(t->keys.len - k->fold);
        nw_buf_putc(&t->keys, '\0');
    }
    if (nw_buf_ok(&t->keys))
        k->fold_hash = nw_ent_word_hash(t->keys.data + k->fold, k->fold_len);
    if (upper >= 2 && lower == 0)
        k->flags |= NW_TOK_UPPER;
    if (k->flags & NW_TOK_NAMECAP)
        k->flags = (uint16_t)((k->flags | NW_TOK_CAP) & ~(NW_TOK_LOWER | NW_TOK_NAMECAP));
    k->letters = (uint8_t)(letters > 255 ? 255 : letters);
    if (!nw_buf_ok(&t->keys))
        t->oom = true;
    else
        t->n++;
}

/* Scans a word from i; returns its end. *abbr is set when a trailing period
 * was taken into it. */
static size_t scan_word(const char *s, size_t len, size_t i, bool *abbr, bool *initial,
                        bool *hyphen)
{
    size_t start = i;
    size_t seg_letters = 0; /* letters since the last period, for "U.S." */
    bool dotted = false;
    *abbr = *initial = *hyphen = false;
    while (i < len) {
        unsigned b = (unsigned char)s[i];
        if ((b | 0x20) - 'a' < 26u || b - '0' < 10u) { /* an ASCII letter or digit */
            seg_letters++;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = next_cp(s, len, i, &cp);
        int c = cp_class(cp);
        if (is_wordish(c)) {
            seg_letters++;
            i += n;
            continue;
        }
        /* Internal apostrophe, hyphen, or digit group separator. */
        if ((is_apostrophe(cp) || is_hyphen(cp)) && is_wordish(word_class(s, len, i + n))) {
            /* A possessive 's stops the word here; the caller cuts it. */
            if (is_apostrophe(cp) && (s[i + n] == 's' || s[i + n] == 'S') &&
                !is_wordish(word_class(s, len, i + n + 1)))
                break;
            *hyphen |= is_hyphen(cp);
            seg_letters = 0;
            i += n;
            continue;
        }
        if ((cp == ',' || cp == '.') && i > start && (s[i - 1] >= '0' && s[i - 1] <= '9') &&
            i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') {
            i += 1;
            continue;
        }
        if (cp == '.') {
            /* "U.S.", "a.m.": single letters each followed by a period. */
            if (seg_letters == 1 && i + 2 < len && word_class(s, len, i + 1) != CP_NONE &&
                word_class(s, len, i + 1) != CP_DIGIT && s[i + 2] == '.') {
                dotted = true;
                seg_letters = 0;
                i += 1;
                continue;
            }
            if (dotted && seg_letters == 1) {
                *abbr = true;
                return i + 1;
            }
            if (seg_letters == 1 && i - start == 1 && s[start] >= 'A' && s[start] <= 'Z') {
                *abbr = *initial = true;
                return i + 1;
            }
            if (is_abbreviation(s + start, i - start, len - start)) {
                *abbr = true;
                return i + 1;
            }
        }
        break;
    }
    return i;
}

/* Pushes the word s[a..b), splitting a hyphenated word when its parts are
 * not all proper. hyphen: scan_word() took a hyphen into the word. */
static void push_word(nw_ent_toks_t *t, const char *s, size_t a, size_t b, uint8_t brk,
                      uint16_t flags, bool hyphen)
{
    if (!hyphen) { /* most words: nothing to split */
        nw_ent_push(t, s, a, b, brk, flags);
        return;
    }
    size_t parts[16][2];
    size_t np = 0, p = a;
    for (size_t i = a; i < b && np < 15;) {
        uint32_t cp;
        size_t n = next_cp(s, b, i, &cp);
        if (is_hyphen(cp) && i > a) {
            parts[np][0] = p;
            parts[np][1] = i;
            np++;
            p = i + n;
        }
        i += n;
    }
    if (np == 0) {
        nw_ent_push(t, s, a, b, brk, flags);
        return;
    }
    parts[np][0] = p;
    parts[np][1] = b;
    np++;

    /* A six-letter syllable is one of the "-eong" kind ("Dong-gyeong",
     * "Jae-hyeong"); English tails of six ("So-called") are not. */
    bool all_proper = true, tails_short_lower = true;
    for (size_t k = 0; k < np; k++) {
        int c = word_class(s, parts[k][1], parts[k][0]);
        if (c != CP_UPPER && c != CP_CASELESS)
            all_proper = false;
        size_t n = parts[k][1] - parts[k][0];
        if (k > 0 && (c != CP_LOWER || n < 2 || n > 6 || (n == 6 && !ends_ng(s + parts[k][1])) ||
                      is_compound_tail(s + parts[k][0], n)))
            tails_short_lower = false;
    }
    size_t n0 = parts[0][1] - parts[0][0];
    bool particle = is_hyphen_particle(s + parts[0][0], n0) &&
                    word_class(s, parts[1][1], parts[1][0]) == CP_UPPER;
    /* "Jae-myung", "Ing-wen": a short capitalised syllable and lower-case
     * ones, as East Asian given names are romanised. */
    bool syllables = tails_short_lower && word_class(s, b, a) == CP_UPPER && n0 >= 2 && n0 <= 4;
    if (all_proper || particle || syllables) {
        /* "al-Assad" is a capitalised name for every purpose. */
        nw_ent_push(t, s, a, b, brk, (uint16_t)(flags | (particle ? NW_TOK_NAMECAP : 0)));
        return;
    }
    for (size_t k = 0; k < np; k++) {
        if (parts[k][1] == parts[k][0])
            continue;
        uint16_t f = k == np - 1 ? flags : (uint16_t)(flags & ~(NW_TOK_POSS | NW_TOK_ABBR));
        if (k > 0)
            f &= (uint16_t)~NW_TOK_SENT;
        nw_ent_push(t, s, parts[k][0], parts[k][1], k == 0 ? brk : NW_BRK_HYPHEN, f);
    }
}

static bool is_quote(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x201C ||
           cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB || cp == 0x2039 || cp == 0x203A;
}

static bool tok_general; /* see nw_ent_tok_general() */

bool nw_ent_tok_general(bool on)
{
    bool was = tok_general;
    tok_general = on;
    return was;
}

int nw_ent_tokenize(nw_ent_toks_t *t, const char *s, size_t len)
{
    uint8_t brk = NW_BRK_PARA;
    bool sent = true;
    const short_words_fn short_words = nw_ent_short_words_for_cpu();
    const bool plains = !tok_general;
    if (!para_open(t))
        return -1;
    size_t i = 0;
    while (i < len && !t->oom) {
        /* Most bytes are spaces between plain words: for those, the general
         * path below would find nothing but what ascii_word() does. */
        if (s[i] == ' ') {
            i++;
            continue;
        }
        /* Punctuation and bytes past ASCII go the general way at once: no
         * plain word starts there, and nw_ent_push_plains() would check for room
         * and classify a block to find so. */
        unsigned pend = 0;
        size_t plain =
            plains && is_ascii_alnum((unsigned char)s[i])
                ? nw_ent_push_plains(t, s, len, i, brk, sent ? NW_TOK_SENT : 0, &pend, short_words)
                : i;
        if (plain != i) {
            brk = (uint8_t)pend;
            sent = (pend >> 8) != 0;
            i = plain;
            continue;
        }
        uint32_t cp;
        size_t n = next_cp(s, len, i, &cp);
        int c = cp_class(cp);
        if (cp == '\n' || cp == '\r') {
            if (brk != NW_BRK_PARA && cp == '\n') {
                para_open(t);
                brk = NW_BRK_PARA;
            }
            sent = true;
            i += n;
            continue;
        }
        if (c == CP_NONE || c == CP_MARK) {
            uint8_t b = NW_BRK_OTHER;
            if (cp == ' ' || cp == '\t' || cp == '\f' || cp == '\v' ||
                (cp >= 0x80 && nw_utf8_space(s + i, len - i)))
                b = NW_BRK_NONE;
            else if (cp == '.' || cp == '!' || cp == '?' || cp == 0x2026)
                b = NW_BRK_END, sent = true;
            else if (cp == ':')
                b = NW_BRK_COLON, sent = true;
            else if (cp == ',' || cp == ';')
                b = NW_BRK_COMMA;
            else if (is_quote(cp)) {
                b = NW_BRK_QUOTE;
                /* An opening quotation mark starts a quoted sentence. */
                bool opening = cp == 0x201C || cp == 0x2018 || cp == 0x201E || cp == 0xAB;
                if (cp == '"' || cp == '\'')
                    opening = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '(';
                if (opening && is_wordish(word_class(s, len, i + n)))
                    sent = true;
            } else if (cp == '&') {
                nw_ent_push(t, s, i, i + 1, brk, NW_TOK_CONNECT);
                brk = NW_BRK_NONE;
                sent = false;
                i += n;
                continue;
            }
            if (b > brk)
                brk = b;
            i += n;
            continue;
        }
        bool abbr, initial, hyphen;
        size_t end = scan_word(s, len, i, &abbr, &initial, &hyphen);
        uint16_t flags = (uint16_t)((sent ? NW_TOK_SENT : 0) | (abbr ? NW_TOK_ABBR : 0) |
                                    (initial ? NW_TOK_INITIAL : 0));
        size_t next = end;
        /* Possessives: "Ukraine's", "Ukraine’s", "Americans'". */
        if (!abbr && end < len) {
            uint32_t a;
            size_t an = next_cp(s, len, end, &a);
            if (is_apostrophe(a)) {
                if (end + an < len && (s[end + an] == 's' || s[end + an] == 'S') &&
                    !is_wordish(word_class(s, len, end + an + 1))) {
                    flags |= NW_TOK_POSS;
                    next = end + an + 1;
                } else if (s[end - 1] == 's' && !is_wordish(word_class(s, len, end + an))) {
                    flags |= NW_TOK_POSS;
                    next = end + an;
                }
            }
        }
        push_word(t, s, i, end, brk, flags, hyphen);
        if ((flags & NW_TOK_POSS) && t->n && !t->oom)
            t->v[t->n - 1].tail = (uint8_t)(next - end);
        brk = NW_BRK_NONE;
        sent = false;
        i = next;
    }
    if (t->oom)
        return -1;
    t->para_end[t->n_paras - 1] = (uint32_t)t->n;
    return 0;
}

void nw_ent_toks_reset(nw_ent_toks_t *t)
{
    t->n = 0;
    t->n_paras = 0;
    t->oom = false;
    nw_buf_reset(&t->keys);
}

void nw_ent_toks_free(nw_ent_toks_t *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->para_end);
    nw_buf_free(&t->keys);
    memset(t, 0, sizeof(*t));
}
