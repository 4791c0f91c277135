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
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(NW_ENT_NO_SIMD)
#include <immintrin.h>
#define NW_ENT_SSE2 1
#endif

#include "core/cpu.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "enrichers/entities_internal.h"

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

/* A word of at most six bytes as one number, its first byte highest and
 * zeros after its end, so that numbers compare as strcmp() compares the
 * words. */
#define NW_ABBR_AT(w, i)                                                                           \
    ((uint64_t)(sizeof(w) > (i) + 1 ? (unsigned char)(w)[i] : 0) << (56 - 8 * (i)))
#define NW_ABBR(w)                                                                                 \
    (NW_ABBR_AT(w, 0) | NW_ABBR_AT(w, 1) | NW_ABBR_AT(w, 2) | NW_ABBR_AT(w, 3) |                   \
     NW_ABBR_AT(w, 4) | NW_ABBR_AT(w, 5))

/* Abbreviations whose period does not end a sentence, kept in strcmp()
 * order for the binary search of is_abbreviation(): it runs for every word
 * before a period, so it compares numbers, not strings. AP style state
 * abbreviations that are no English word ("Tulsa, Okla., said") are among
 * them: the period is part of the name. */
static const uint64_t abbreviations[] = {
    NW_ABBR("adm"),    NW_ABBR("ala"),  NW_ABBR("alta"), NW_ABBR("apr"),   NW_ABBR("ariz"),
    NW_ABBR("ark"),    NW_ABBR("aug"),  NW_ABBR("brig"), NW_ABBR("calif"), NW_ABBR("capt"),
    NW_ABBR("cmdr"),   NW_ABBR("co"),   NW_ABBR("col"),  NW_ABBR("colo"),  NW_ABBR("conn"),
    NW_ABBR("corp"),   NW_ABBR("dec"),  NW_ABBR("dep"),  NW_ABBR("det"),   NW_ABBR("dr"),
    NW_ABBR("feb"),    NW_ABBR("fla"),  NW_ABBR("fr"),   NW_ABBR("ft"),    NW_ABBR("gen"),
    NW_ABBR("gov"),    NW_ABBR("hon"),  NW_ABBR("inc"),  NW_ABBR("insp"),  NW_ABBR("jan"),
    NW_ABBR("jr"),     NW_ABBR("kan"),  NW_ABBR("lt"),   NW_ABBR("ltd"),   NW_ABBR("maj"),
    NW_ABBR("messrs"), NW_ABBR("mich"), NW_ABBR("minn"), NW_ABBR("mont"),  NW_ABBR("mr"),
    NW_ABBR("mrs"),    NW_ABBR("ms"),   NW_ABBR("mt"),   NW_ABBR("neb"),   NW_ABBR("nev"),
    NW_ABBR("no"),     NW_ABBR("nov"),  NW_ABBR("oct"),  NW_ABBR("okla"),  NW_ABBR("ont"),
    NW_ABBR("ore"),    NW_ABBR("prof"), NW_ABBR("que"),  NW_ABBR("rep"),   NW_ABBR("rev"),
    NW_ABBR("sask"),   NW_ABBR("sen"),  NW_ABBR("sep"),  NW_ABBR("sept"),  NW_ABBR("sgt"),
    NW_ABBR("sr"),     NW_ABBR("st"),   NW_ABBR("supt"), NW_ABBR("tenn"),  NW_ABBR("tex"),
    NW_ABBR("vs"),     NW_ABBR("wis"),  NW_ABBR("wyo"),
};

#define NW_ABBR_N (sizeof(abbreviations) / sizeof(abbreviations[0]))

/* Is the word s[0..n) (1 to 6 bytes; avail >= n readable at s) one of the
 * abbreviations, in any case? It runs for every short word before a
 * period: the word is read as one 64-bit piece, tested and folded a byte a
 * lane, and looked up by a binary search whose steps choose without a
 * branch, as the predictor cannot guess them. */
static inline __attribute__((always_inline)) bool abbreviation_in(const char *s, size_t n,
                                                                  size_t avail)
{
    uint64_t x = avail >= 8 ? nw_ent_load64(s) : nw_ent_load_tail(s, avail < 8 ? avail : 8);
    uint64_t lanes = (1ULL << (8 * n)) - 1, highs = 0x8080808080808080ULL & lanes;
    if (x & highs)
        return false; /* a byte past ASCII */
    /* 'A'..'Z' | 0x20 is 'a'..'z', and no other ASCII byte lands there. */
    uint64_t f = (x | 0x2020202020202020ULL) & lanes;
    uint64_t ones = 0x0101010101010101ULL;
    uint64_t letters = (f + ones * (0x80 - 'a')) & ~(f + ones * (0x7f - 'z')) & highs;
    if (letters != highs)
        return false;
    /* The first byte highest, as NW_ABBR() builds the list's numbers (the
     * load put it lowest on any CPU). */
    uint64_t key = __builtin_bswap64(f);
    const uint64_t *b = abbreviations;
    for (size_t len = NW_ABBR_N; len > 1; len -= len / 2)
        b = b[len / 2] <= key ? b + len / 2 : b;
    return *b == key;
}

/* abbreviation_in() as a function, for the general way's callers; the
 * short-word walk (whose builds cannot inline it) takes the body. */
static bool abbreviation_of(const char *s, size_t n, size_t avail)
{
    return abbreviation_in(s, n, avail);
}

/* Most words before a period are longer than any abbreviation: the length
 * is tested where the word is, without a call. */
static inline bool is_abbreviation(const char *s, size_t n, size_t avail)
{
    return n - 1 < 6 && abbreviation_of(s, n, avail);
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

/* Words of at most this many bytes get their keys built on the stack. */
#define NW_ENT_SHORT_WORD 64

/* What push_ascii() needs of a byte, packed so that a word's counts are
 * sums: upper-case letters (bits 0-7), lower-case letters (8-15), digits
 * (16-23), bytes that are NUL or not ASCII (24-31), and the folded byte
 * in the top eight bits, whose carries fall off the end. Bit 32 marks the
 * bytes after which push_plains() must look twice at a word's end (no
 * count reads bits 32-39, where a word's sum of them lands). A word has at
 * most NW_ENT_SHORT_WORD (64) bytes, so no count overflows its field. */
#define NW_A_UP(c)    ((c) >= 'A' && (c) <= 'Z')
#define NW_A_LOW(c)   ((c) >= 'a' && (c) <= 'z')
#define NW_A_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define NW_A_BAD(c)   ((c) == 0 || (c) >= 0x80)
#define NW_A_JOINS(c) ((c) >= 0x80 || (c) == '\'' || (c) == '-' || (c) == ',' || (c) == '.')
#define NW_A_PROPS(c)                                                                              \
    ((uint64_t)NW_A_UP(c) | (uint64_t)NW_A_LOW(c) << 8 | (uint64_t)NW_A_DIGIT(c) << 16 |           \
     (uint64_t)NW_A_BAD(c) << 24 | (uint64_t)NW_A_JOINS(c) << 32 |                                 \
     (uint64_t)((c) + (NW_A_UP(c) ? 32 : 0)) << 56)
#define NW_A_PROPS4(c)  NW_A_PROPS(c), NW_A_PROPS(c + 1), NW_A_PROPS(c + 2), NW_A_PROPS(c + 3)
#define NW_A_PROPS16(c) NW_A_PROPS4(c), NW_A_PROPS4(c + 4), NW_A_PROPS4(c + 8), NW_A_PROPS4(c + 12)
#define NW_A_PROPS64(c)                                                                            \
    NW_A_PROPS16(c), NW_A_PROPS16(c + 16), NW_A_PROPS16(c + 32), NW_A_PROPS16(c + 48)
static const uint64_t ascii_props[256] = {NW_A_PROPS64(0), NW_A_PROPS64(64), NW_A_PROPS64(128),
                                          NW_A_PROPS64(192)};
#define NW_A_ALNUM 0xffffffu /* the letter and digit counts */
#define NW_A_JOIN  (1ULL << 32)

static inline unsigned a_count(uint64_t sum, int field)
{
    return (unsigned)(sum >> (8 * field)) & 0xffu;
}

/* Finishes token k for an ASCII word s[a..b), the most common case, in
 * one pass written straight into the keys: the key is the word itself
 * ('\'' is the only ASCII apostrophe) and the fold its lower case, as
 * push() makes them. A table lookup and an add per byte: this runs for
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

/* The array v of *cap entries of size bytes moved to twice the room (first
 * entries when it has none), *cap updated; NULL (t->oom set, v intact)
 * when out of memory. */
static void *grown(nw_ent_toks_t *t, void *v, size_t *cap, size_t size, size_t first)
{
    size_t c = *cap ? *cap * 2 : first;
    void *p = realloc(v, c * size);
    if (!p) {
        t->oom = true;
        return NULL;
    }
    *cap = c;
    return p;
}

/* Room for one more token; false (t->oom set) when out of memory. */
static bool toks_room(nw_ent_toks_t *t)
{
    if (t->n < t->cap)
        return true;
    nw_ent_tok_t *v = grown(t, t->v, &t->cap, sizeof(*v), 256);
    if (v)
        t->v = v;
    return v != NULL;
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
static void push(nw_ent_toks_t *t, const char *s, size_t a, size_t b, uint8_t brk, uint16_t extra)
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
        push(t, s, a, b, brk, flags);
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
        push(t, s, a, b, brk, flags);
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
        push(t, s, a, b, brk, (uint16_t)(flags | (particle ? NW_TOK_NAMECAP : 0)));
        return;
    }
    for (size_t k = 0; k < np; k++) {
        if (parts[k][1] == parts[k][0])
            continue;
        uint16_t f = k == np - 1 ? flags : (uint16_t)(flags & ~(NW_TOK_POSS | NW_TOK_ABBR));
        if (k > 0)
            f &= (uint16_t)~NW_TOK_SENT;
        push(t, s, parts[k][0], parts[k][1], k == 0 ? brk : NW_BRK_HYPHEN, f);
    }
}

static bool is_quote(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x201C ||
           cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB || cp == 0x2039 || cp == 0x203A;
}

static inline bool is_ascii_alnum(unsigned char b)
{
    return (ascii_props[b] & NW_A_ALNUM) != 0;
}

/* The end of a plain word at i: ASCII letters and digits ended by what
 * can neither continue the word nor be cut off it (a space, most
 * punctuation, the text's end), the words scan_word() would take whole and
 * push_word() never split; 0 for any other start, which goes the general
 * way. */
static size_t ascii_word(const char *s, size_t len, size_t i)
{
    if (!is_ascii_alnum((unsigned char)s[i]))
        return 0;
    size_t e = i + 1;
    while (e < len && is_ascii_alnum((unsigned char)s[e]))
        e++;
    if (e == len)
        return e;
    unsigned char stop = (unsigned char)s[e];
    /* Apostrophes, hyphens and periods may join a word or end it in an
     * abbreviation or a possessive; a comma may group digits; bytes past
     * ASCII may be letters or curly apostrophes. */
    if (stop >= 0x80 || stop == '\'' || stop == '-' || stop == '.')
        return 0;
    if (stop == ',' && s[e - 1] >= '0' && s[e - 1] <= '9' && e + 1 < len && s[e + 1] >= '0' &&
        s[e + 1] <= '9')
        return 0;
    return e;
}

/* What scan_plain() finds of a run of ASCII letters and digits. */
typedef struct plain_run {
    size_t n;         /* its length, at most NW_ENT_SHORT_WORD */
    unsigned letters; /* its letters */
    unsigned caps;    /* its capitals: no bit set for none, one for one, more for more */
    bool small;       /* has a small letter */
    uint16_t flags;   /* NW_TOK_CAP or NW_TOK_LOWER by its first byte, NW_TOK_DIGIT */
    uint64_t hash;    /* nw_ent_word_hash() of its fold */
} plain_run_t;

/* The run of n bytes, digits of them digits, caps capitals (as bits: see
 * plain_run_t), with or without small letters, NW_TOK_CAP or
 * NW_TOK_LOWER by its first byte, and its hash h before nw_ent_hash_end().
 * The scanners return runs by value, an n of 0 for none: a run whose
 * address is never taken stays in registers in push_plains()' loop. */
static inline plain_run_t run_end(size_t n, unsigned digits, unsigned caps, bool small,
                                  unsigned first, uint64_t h)
{
    return (plain_run_t){.n = n,
                         .letters = (unsigned)n - digits,
                         .caps = caps,
                         .small = small,
                         .flags = (uint16_t)(first | (digits ? NW_TOK_DIGIT : 0)),
                         .hash = nw_ent_hash_end(h)};
}

/* A build of the short-word walk (see short_words_sse2()). */
typedef size_t (*short_words_fn)(nw_ent_tok_t *v, size_t room, const unsigned char *w, size_t len,
                                 char *data, size_t *at, size_t *klen, uint32_t para,
                                 unsigned *pending);

#ifdef NW_ENT_SSE2
/* The bytes that lie in lo..lo+count-1, all ones: the add moves lo to
 * -128, so the bytes of the range are those below -128 + count. */
static inline __m128i sse_in(__m128i x, int lo, int count)
{
    __m128i t = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));
    return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + count)));
}

/* One block of sixteen bytes: its capitals, small letters and digits as
 * bit masks, the run's bytes in it (those before the first byte of none of
 * the three), and their fold, the bytes after them zero. */
typedef struct sse_block {
    unsigned mu, ml, md, k;
    __m128i fold;
} sse_block_t;

/* Sixteen bytes of ones, then sixteen of zeros: the sixteen from 16 - k
 * keep the first k bytes of a block. */
static const unsigned char sse_keep[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static inline void sse_classify(__m128i x, sse_block_t *b)
{
    __m128i up = sse_in(x, 'A', 26);
    b->mu = (unsigned)_mm_movemask_epi8(up);
    b->ml = (unsigned)_mm_movemask_epi8(sse_in(x, 'a', 26));
    b->md = (unsigned)_mm_movemask_epi8(sse_in(x, '0', 10));
    b->k = (unsigned)__builtin_ctz(~(b->mu | b->ml | b->md));
    /* The bytes after the run cleared by one mask from a table, so that the
     * hash takes the pieces as they are, with no mask made per piece. */
    __m128i keep = _mm_loadu_si128((const __m128i *)(sse_keep + 16 - b->k));
    b->fold = _mm_and_si128(_mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))), keep);
}

/* The hash carried on over the first k (at most 16) bytes of a folded
 * block (zeros after them), in 8-byte pieces as nw_ent_word_hash() takes
 * them. */
static inline uint64_t sse_hash(uint64_t h, __m128i f, unsigned k)
{
    uint64_t p0 = (uint64_t)_mm_cvtsi128_si64(f);
    if (k > 8) {
        uint64_t p1 = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(f, f));
        return nw_ent_hash_piece(nw_ent_hash_piece(h, p0), p1);
    }
    return k ? nw_ent_hash_piece(h, p0) : h;
}

/* Reads the run of ASCII letters and digits at src (avail > 0 bytes)
 * sixteen bytes a step, stopping after NW_ENT_SHORT_WORD bytes; writes its
 * fold at fold (whole blocks: up to NW_ENT_SHORT_WORD bytes) and hashes it
 * as nw_ent_word_hash() does. A run of no bytes when src does not start
 * with a letter or digit. For any run; scan_plain() takes the common one
 * faster. */
static plain_run_t scan_plain_any(const unsigned char *src, size_t avail, char *fold)
{
    size_t n = 0;
    unsigned caps = 0, small = 0, digits = 0, first = 0;
    uint64_t h = NW_ENT_HASH_SEED;
    for (;;) {
        size_t left = avail - n;
        unsigned char pad[16] = {0}; /* the text's end: zeros stop the run */
        if (left < 16)
            memcpy(pad, src + n, left);
        sse_block_t b;
        sse_classify(_mm_loadu_si128((const __m128i *)(left < 16 ? pad : src + n)), &b);
        unsigned keep = (1u << b.k) - 1, mu = b.mu & keep;
        if (n == 0) {
            if (b.k == 0)
                return (plain_run_t){0};
            first = (b.mu & 1) ? NW_TOK_CAP : (b.ml & 1) ? NW_TOK_LOWER : 0;
        }
        caps += (mu != 0) + ((mu & (mu - 1)) != 0);
        small |= b.ml & keep;
        digits += (unsigned)__builtin_popcount(b.md & keep);
        _mm_storeu_si128((__m128i *)(fold + n), b.fold);
        h = sse_hash(h, b.fold, b.k);
        n += b.k;
        if (b.k < 16 || n >= NW_ENT_SHORT_WORD)
            break;
    }
    return run_end(n, digits, caps < 2 ? caps : 3, small != 0, first, h);
}

/* scan_plain_any() for a run of fewer than sixteen bytes that are not
 * the text's last: one block, no loop. */
static inline plain_run_t scan_plain(const unsigned char *src, size_t avail, char *fold)
{
    if (avail < 16)
        return scan_plain_any(src, avail, fold);
    sse_block_t b;
    sse_classify(_mm_loadu_si128((const __m128i *)src), &b);
    if (b.k == 0)
        return (plain_run_t){0};
    if (b.k == 16)
        return scan_plain_any(src, avail, fold);
    unsigned keep = (1u << b.k) - 1, mu = b.mu & keep, md = b.md & keep;
    unsigned digits = md ? (unsigned)__builtin_popcount(md) : 0;
    _mm_storeu_si128((__m128i *)fold, b.fold);
    unsigned first = (b.mu & 1) ? NW_TOK_CAP : (b.ml & 1) ? NW_TOK_LOWER : 0;
    return run_end(b.k, digits, mu, (b.ml & keep) != 0, first,
                   sse_hash(NW_ENT_HASH_SEED, b.fold, b.k));
}

/* What the tokeniser's loop makes of a byte of punctuation after a word,
 * for the word after it: the break, and NW_TOK_SENT in the high byte where
 * a sentence starts; 0 for the bytes the short-word loop leaves to it. */
#define NW_PN(brk, sent) ((unsigned)(brk) | (sent ? (unsigned)NW_TOK_SENT << 8 : 0u))
static const unsigned punct_next[256] = {
    [','] = NW_PN(NW_BRK_COMMA, 0), [';'] = NW_PN(NW_BRK_COMMA, 0), ['.'] = NW_PN(NW_BRK_END, 1),
    ['!'] = NW_PN(NW_BRK_END, 1),   ['?'] = NW_PN(NW_BRK_END, 1),   [':'] = NW_PN(NW_BRK_COLON, 1),
};

/* GCC hoists what both of walk_block()'s ways for a word compute above
 * the test that chooses between them, where it stays live through the
 * common word's loop and is spilled: without the hoisting the AVX2 build
 * runs 3% fewer instructions (callgrind, enriched c2k). */
#if defined(__GNUC__) && !defined(__clang__)
#define NW_TOK_NO_HOIST __attribute__((optimize("no-code-hoisting")))
#else
#define NW_TOK_NO_HOIST
#endif

/* The short-word walk reads the text in blocks of this many bytes, each
 * classified once. */
#define NW_WB 64

/* A block of the text at at, classified: bit j of each mask for its byte j
 * (stops: neither a letter nor a digit), and the block folded ('A'..'Z' |
 * 0x20) in fold. raw holds the block's bytes and 32 after them, readable
 * (the text itself, or a copy of its last bytes with zeros after them,
 * which end any word and are no punctuation the walk takes). */
typedef struct word_block {
    uint64_t stops, up, digit;
    const unsigned char *raw;
    size_t at;
    _Alignas(64) unsigned char fold[NW_WB + 32]; /* after the block: anything */
} word_block_t;

/* Where the walk is: the next word at i, the keys' length, the tokens
 * written, and the break and sentence start for the next word (see
 * punct_next). */
typedef struct word_walk {
    size_t i, kl, nt;
    unsigned pend;
} word_walk_t;

/* walk_block() writes a token as six 64-bit words, this layout's. */
_Static_assert(sizeof(nw_ent_tok_t) == 48 && offsetof(nw_ent_tok_t, key) == 8 &&
                   offsetof(nw_ent_tok_t, fold) == 16 && offsetof(nw_ent_tok_t, fold_hash) == 24 &&
                   offsetof(nw_ent_tok_t, para) == 32 && offsetof(nw_ent_tok_t, gaz) == 36 &&
                   offsetof(nw_ent_tok_t, flags) == 40 && offsetof(nw_ent_tok_t, brk) == 42 &&
                   offsetof(nw_ent_tok_t, letters) == 43 && offsetof(nw_ent_tok_t, tail) == 44,
               "nw_ent_tok_t as walk_block() writes it");

/* The token's last word: flags, brk and letters (tail 0). */
#define NW_TW_BRK(b)     ((uint64_t)(b) << 16)
#define NW_TW_LETTERS(n) ((uint64_t)(n) << 24)

/* The bytes of a word's last 8-byte piece, by its length mod 8. */
static const uint64_t piece_cut[8] = {
    ~0ULL,         0xffULL,         0xffffULL,         0xffffffULL,
    0xffffffffULL, 0xffffffffffULL, 0xffffffffffffULL, 0xffffffffffffffULL};

/* punct_next's in the last word's layout: the break and NW_TOK_SENT. */
static inline uint64_t pend_word(unsigned pend)
{
    return NW_TW_BRK(pend & 0xffu) | pend >> 8;
}

static inline unsigned word_pend(uint64_t pw)
{
    return (unsigned)(pw >> 16 & 0xffu) | (unsigned)(pw & 0xffffu) << 8;
}

/* Writes the token of the word of k bytes (1 to 31) whose fold is at fp
 * and whose bytes are at wp, at off in the text, into vp, its fold (and key)
 * at data + kl; q5 holds the token's break, sentence start and letters,
 * and us and ds the word's capitals and digits from its first byte on.
 * plain: the word has neither (a constant, so that the common word's loop
 * keeps no more than it needs). Returns the keys' new length. */
static inline __attribute__((always_inline)) uint64_t
put_word(char *vp, char *data, uint64_t kl, const unsigned char *fp, const unsigned char *wp,
         uint64_t k, uint64_t off, uint64_t q4, uint64_t q5, uint64_t us, uint64_t ds, bool plain)
{
    char *f = data + kl;
    memcpy(f, fp, 32);
    f[k] = '\0';
    uint64_t kk = k << 32, q2 = kl + kk, q1 = q2, q0 = off + kk;
    kl += k + 1;
    if (plain) {
        q5 |= NW_TOK_LOWER;
    } else {
        /* NW_TOK_CAP for a capital first, NW_TOK_LOWER for a small letter
         * (no capital, no digit). */
        uint64_t keep = (1ULL << k) - 1, u = us & keep, d = ds & keep;
        q5 |= (us & 1) | (~(us | ds) & 1) << 2;
        if (d)
            q5 = (q5 | NW_TOK_DIGIT) - NW_TW_LETTERS(__builtin_popcountll(d));
        if (u) { /* the key is the word as written, after its fold */
            memcpy(f + k + 1, wp, 32);
            f[2 * k + 1] = '\0';
            q1 = kl + kk;
            kl += k + 1;
            if ((u & (u - 1)) && (u | d) == keep)
                q5 |= NW_TOK_UPPER; /* no small letter */
        }
    }
    /* The hash in 8-byte pieces, the last one cut at the word's end. */
    uint64_t h = NW_ENT_HASH_SEED, piece = nw_ent_load64(fp);
    for (uint64_t i = 8; i < k; i += 8) {
        h = nw_ent_hash_piece(h, piece);
        piece = nw_ent_load64(fp + i);
    }
    h = nw_ent_hash_end(nw_ent_hash_piece(h, piece & piece_cut[k & 7]));
    memcpy(vp, &q0, 8);
    memcpy(vp + 8, &q1, 8);
    memcpy(vp + 16, &q2, 8);
    memcpy(vp + 24, &h, 8);
    memcpy(vp + 32, &q4, 8);
    memcpy(vp + 40, &q5, 8);
    return kl;
}

/* Pushes the words of block b from its start on while each is the
 * commonest kind: at most 31 ASCII letters and digits with a space after
 * them, or a comma, period (not the word's own), colon and the like and a
 * space and another word. Each gets what push_plains() would give it, with
 * the break and sentence start the punctuation before it gives. The block
 * was classified and folded once, so a word's end, case and digits are
 * read from its masks (a shift and a count of trailing zeros), and its fold
 * and hash from the folded block; the token is written as six 64-bit words.
 * Words of small letters with a space after them (most of an article's)
 * have a loop of their own, which keeps in registers only what they need.
 * Writes at most room tokens at v and their keys at data + st->kl (room
 * reserved for each as push_plains() reserves it). True when the walk is
 * to go on in a block at st->i: the next word runs past this block's end. */
static inline __attribute__((always_inline)) bool walk_block(const word_block_t *b, word_walk_t *st,
                                                             nw_ent_tok_t *v, size_t room,
                                                             char *data, uint32_t para)
{
    /* In locals: the keys are written through a char pointer, which may
     * alias the block. */
    const uint64_t stops = b->stops, up = b->up, digit = b->digit, mixed = up | digit;
    const unsigned char *raw = b->raw, *fold = b->fold;
    const uint64_t at = b->at, q4 = para; /* para, and gaz 0 */
    char *vp = (char *)(v + st->nt), *const vend = (char *)(v + room);
    uint64_t kl = st->kl, pw = pend_word(st->pend), s = 0, rest, k;
    bool more = false;
    for (;;) {
        for (;;) {
            if (vp >= vend)
                goto out;
            rest = stops >> s;
            k = rest ? (uint64_t)__builtin_ctzll(rest) : 64;
            if (k - 1 >= 31) {     /* none, or 32 bytes or more */
                more = !rest && s; /* a word of the whole block goes the general way */
                goto out;
            }
            if (raw[s + k] != ' ' || (mixed >> s & ((1ULL << k) - 1)))
                break;
            kl = put_word(vp, data, kl, fold + s, raw + s, k, at + s, q4, pw | NW_TW_LETTERS(k), 0,
                          0, true);
            vp += sizeof(nw_ent_tok_t);
            pw = 0;
            s += k + 1;
            if (s >= NW_WB) {
                more = true;
                goto out;
            }
        }
        /* Punctuation after the word, or capitals or digits in it. */
        uint64_t e = s + k, after = 0;
        unsigned char stop = raw[e];
        if (stop != ' ') {
            after = pend_word(punct_next[stop]);
            if (!after || raw[e + 1] != ' ' || !is_ascii_alnum(raw[e + 2]) ||
                (stop == '.' &&
                 (k < 2 || (k < 7 && abbreviation_in((const char *)raw + s, k, NW_WB + 32 - s)))))
                goto out; /* the general way */
            e++;
        }
        kl = put_word(vp, data, kl, fold + s, raw + s, k, at + s, q4, pw | NW_TW_LETTERS(k),
                      up >> s, digit >> s, false);
        vp += sizeof(nw_ent_tok_t);
        pw = after;
        s = e + 1;
        if (s >= NW_WB) {
            more = true;
            goto out;
        }
    }
out:
    st->i = at + s;
    st->kl = kl;
    st->nt = (size_t)((nw_ent_tok_t *)(void *)vp - v);
    st->pend = word_pend(pw);
    return more;
}

/* The block at text offset i: the text itself where NW_WB + 32 bytes are
 * left, else a copy of what is left with zeros after it in pad. */
static inline const unsigned char *block_bytes(word_block_t *b, const unsigned char *w, size_t len,
                                               size_t i, unsigned char *pad)
{
    b->at = i;
    if (len - i >= NW_WB + 32)
        return b->raw = w + i;
    memset(pad, 0, NW_WB + 32);
    memcpy(pad, w + i, len - i);
    return b->raw = pad;
}

/* Sixteen bytes of the block at p + 16 * q classified and folded: their
 * capitals, small letters and digits added to the masks. */
static inline void block_part16(word_block_t *b, const unsigned char *p, unsigned q, uint64_t *low)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q));
    __m128i up = sse_in(x, 'A', 26);
    b->up |= (uint64_t)(unsigned)_mm_movemask_epi8(up) << 16 * q;
    *low |= (uint64_t)(unsigned)_mm_movemask_epi8(sse_in(x, 'a', 26)) << 16 * q;
    b->digit |= (uint64_t)(unsigned)_mm_movemask_epi8(sse_in(x, '0', 10)) << 16 * q;
    _mm_store_si128((__m128i *)(b->fold + 16 * q),
                    _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))));
}

/* Pushes the short words from *at on, a block after another, as
 * walk_block() takes them; moves *at past the last word and what followed
 * it that was taken, *klen past its keys, leaves in *pending what the next
 * word is to get, and returns the words pushed. Built for SSE2, AVX2 and
 * AVX-512BW, which differ only in how a block is classified; all three
 * give the same tokens and keys. */
static NW_TOK_NO_HOIST size_t short_words_sse2(nw_ent_tok_t *v, size_t room, const unsigned char *w,
                                               size_t len, char *data, size_t *at, size_t *klen,
                                               uint32_t para, unsigned *pending)
{
    word_walk_t st = {*at, *klen, 0, *pending};
    word_block_t b;
    unsigned char pad[NW_WB + 32];
    do {
        const unsigned char *p = block_bytes(&b, w, len, st.i, pad);
        uint64_t low = 0;
        b.up = b.digit = 0;
        for (unsigned q = 0; q < NW_WB / 16; q++)
            block_part16(&b, p, q, &low);
        b.stops = ~(b.up | low | b.digit);
    } while (walk_block(&b, &st, v, room, data, para));
    *at = st.i;
    *klen = st.kl;
    *pending = st.pend;
    return st.nt;
}

#define NW_TOK_AVX2 __attribute__((target("avx2,popcnt,bmi,bmi2"))) NW_TOK_NO_HOIST

/* The bytes of x that lie in lo..lo+count-1, as sse_in(). */
static inline NW_TOK_AVX2 __m256i avx2_in(__m256i x, int lo, int count)
{
    __m256i t = _mm256_add_epi8(x, _mm256_set1_epi8((char)(0x80 - lo)));
    return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(-128 + count)), t);
}

static NW_TOK_AVX2 size_t short_words_avx2(nw_ent_tok_t *v, size_t room, const unsigned char *w,
                                           size_t len, char *data, size_t *at, size_t *klen,
                                           uint32_t para, unsigned *pending)
{
    word_walk_t st = {*at, *klen, 0, *pending};
    word_block_t b;
    unsigned char pad[NW_WB + 32];
    do {
        const unsigned char *p = block_bytes(&b, w, len, st.i, pad);
        uint64_t mu = 0, ml = 0, md = 0;
        for (unsigned q = 0; q < NW_WB / 32; q++) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * q));
            __m256i up = avx2_in(x, 'A', 26);
            mu |= (uint64_t)(unsigned)_mm256_movemask_epi8(up) << 32 * q;
            ml |= (uint64_t)(unsigned)_mm256_movemask_epi8(avx2_in(x, 'a', 26)) << 32 * q;
            md |= (uint64_t)(unsigned)_mm256_movemask_epi8(avx2_in(x, '0', 10)) << 32 * q;
            _mm256_store_si256((__m256i *)(b.fold + 32 * q),
                               _mm256_or_si256(x, _mm256_and_si256(up, _mm256_set1_epi8(0x20))));
        }
        b.up = mu;
        b.digit = md;
        b.stops = ~(mu | ml | md);
    } while (walk_block(&b, &st, v, room, data, para));
    *at = st.i;
    *klen = st.kl;
    *pending = st.pend;
    return st.nt;
}

#define NW_TOK_AVX512                                                                              \
    __attribute__((target("avx2,popcnt,bmi,bmi2,avx512f,avx512bw"))) NW_TOK_NO_HOIST

static NW_TOK_AVX512 size_t short_words_avx512(nw_ent_tok_t *v, size_t room, const unsigned char *w,
                                               size_t len, char *data, size_t *at, size_t *klen,
                                               uint32_t para, unsigned *pending)
{
    word_walk_t st = {*at, *klen, 0, *pending};
    word_block_t b;
    unsigned char pad[NW_WB + 32];
    const __m512i a = _mm512_set1_epi8('A'), sa = _mm512_set1_epi8('a');
    const __m512i zero = _mm512_set1_epi8('0'), n26 = _mm512_set1_epi8(26);
    do {
        const unsigned char *p = block_bytes(&b, w, len, st.i, pad);
        __m512i x = _mm512_loadu_si512((const void *)p);
        __mmask64 up = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, a), n26);
        __mmask64 low = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, sa), n26);
        __mmask64 digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, zero), _mm512_set1_epi8(10));
        b.up = up;
        b.digit = digit;
        b.stops = ~(up | low | digit);
        _mm512_store_si512((void *)b.fold, _mm512_mask_add_epi8(x, up, x, _mm512_set1_epi8(0x20)));
    } while (walk_block(&b, &st, v, room, data, para));
    *at = st.i;
    *klen = st.kl;
    *pending = st.pend;
    return st.nt;
}

/* The build of short_words for the CPU, chosen once per text (the
 * tokeniser's loop enters it dozens of times an article). */
static short_words_fn short_words_for_cpu(void)
{
    const unsigned avx2 = NW_CPU_AVX2 | NW_CPU_POPCNT | NW_CPU_BMI | NW_CPU_BMI2;
    if (nw_cpu_has(avx2 | NW_CPU_AVX512BW))
        return short_words_avx512;
    if (nw_cpu_has(avx2))
        return short_words_avx2;
    return short_words_sse2;
}
#else
/* No short-word walk: push_plains() reads each word with scan_plain(). */
static short_words_fn short_words_for_cpu(void)
{
    return NULL;
}

#define NW_ONES  0x0101010101010101ULL
#define NW_HIGHS 0x8080808080808080ULL

/* The high bit of each byte of y (bytes below 0x80) that lies in lo..hi:
 * y + (0x80 - lo) reaches 0x80 exactly when the byte is lo or more, and
 * y + (0x7f - hi) when it is above hi; no byte carries into the next. */
static inline uint64_t bytes_in(uint64_t y, unsigned lo, unsigned hi)
{
    return (y + NW_ONES * (0x80 - lo)) & ~(y + NW_ONES * (0x7f - hi)) & NW_HIGHS;
}

/* The number of bytes whose high bit m sets. */
static inline unsigned bytes_set(uint64_t m)
{
    return (unsigned)(((m >> 7) * NW_ONES) >> 56);
}

static inline void store64(char *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, 8);
}

/* Reads the run of ASCII letters and digits at src (avail > 0 bytes)
 * eight bytes a step in a 64-bit word, stopping after NW_ENT_SHORT_WORD
 * bytes; writes its fold at fold (whole pieces: up to NW_ENT_SHORT_WORD
 * bytes) and hashes it as nw_ent_word_hash() does. A run of no bytes when
 * src does not start with a letter or digit. */
static inline plain_run_t scan_plain(const unsigned char *src, size_t avail, char *fold)
{
    size_t n = 0;
    unsigned caps = 0, digits = 0, first = 0;
    uint64_t small = 0, h = NW_ENT_HASH_SEED;
    for (;;) {
        size_t left = avail - n;
        uint64_t x = left >= 8 ? nw_ent_load64(src + n) : nw_ent_load_tail(src + n, left);
        uint64_t y = x & ~NW_HIGHS, ascii = ~x & NW_HIGHS;
        uint64_t up = bytes_in(y, 'A', 'Z') & ascii, lo = bytes_in(y, 'a', 'z') & ascii;
        uint64_t dg = bytes_in(y, '0', '9') & ascii;
        uint64_t stop = ~(up | lo | dg) & NW_HIGHS;
        /* The bytes before the first that stops the run. */
        uint64_t keep = stop ? (stop ^ (stop - 1)) >> 8 : ~0ULL;
        if (n == 0) {
            if (!keep)
                return (plain_run_t){0};
            first = (up & 0x80) ? NW_TOK_CAP : (lo & 0x80) ? NW_TOK_LOWER : 0;
        }
        up &= keep;
        uint64_t f = x | up >> 2; /* 'A'..'Z' | 0x20 is 'a'..'z' */
        store64(fold + n, f);
        if (keep)
            h = nw_ent_hash_piece(h, f & keep);
        unsigned nu = bytes_set(up);
        caps += nu < 2 ? nu : 2;
        small |= lo & keep;
        digits += bytes_set(dg & keep);
        if (stop) {
            n += (size_t)__builtin_ctzll(stop) >> 3;
            break;
        }
        n += 8;
        if (n >= NW_ENT_SHORT_WORD)
            break;
    }
    return run_end(n, digits, caps < 2 ? caps : 3, small != 0, first, h);
}
#endif

/* Gives the first of the tokens first..nt-1 (if any) the break before the
 * run of plain words and the flags of its opening. */
static inline void open_run(nw_ent_tok_t *v, size_t first, size_t nt, uint8_t brk, uint16_t flags)
{
    if (nt > first) {
        v[first].brk = brk;
        v[first].flags |= flags;
    }
}

/* Pushes the plain words from i on (what ascii_word() takes, or such a
 * word ended by a period that is not its own), each with the key, fold and
 * hash push() and push_ascii() would give it, read once: most of an
 * article's words come this way, one after another with a space (or the
 * punctuation push_short_words() takes) between them, and this goes on to
 * the next while the next is plain too. The first gets brk and flags, the
 * others what the bytes before them give. A word without capitals has one
 * string for its key and fold. Returns where it stopped (after the last
 * word and a space after it), i when the word at i is not plain, or
 * anything past i when out of memory (t->oom set); *pending: the break in
 * its low byte and NW_TOK_SENT in its second for the tokeniser's loop to
 * go on with (0 but after punctuation taken without the word after it). */
static size_t push_plains(nw_ent_toks_t *t, const char *s, size_t len, size_t i, uint8_t brk,
                          uint16_t flags, unsigned *pending, short_words_fn short_words)
{
    unsigned pend = 0; /* for the next word: see punct_next */
    const unsigned char *w = (const unsigned char *)s;
    nw_buf_t *keys = &t->keys;
    uint32_t para = t->n_paras ? t->n_paras - 1 : 0;
    enum { MOST = 2 * NW_ENT_SHORT_WORD + 2 }; /* a word's key and fold, at most */
    size_t room = 0;                           /* words that fit before the next check */
    /* The token count and the keys' length live in locals while words are
     * pushed, and are written back on the way out: the keys are written
     * through a char pointer, which may alias anything, so the compiler
     * would read the fields again after every byte stored. */
    nw_ent_tok_t *v = t->v;
    char *data = keys->data;
    size_t nt = t->n, klen = keys->len;
    /* Every word is pushed as a later one (no break, no flags) and the
     * first is given brk and flags on the way out: the loop then carries
     * neither. */
    const size_t first = nt;
    (void)short_words; /* NULL without SSE2 */
    while (i < len) {
        if (room == 0) {
            t->n = nt;
            keys->len = klen;
            if (!toks_room(t) ||
                ((klen + MOST >= keys->cap || keys->oom) && !nw_buf_reserve(keys, MOST))) {
                t->oom = true;
                return i + 1;
            }
            v = t->v;
            data = keys->data;
            size_t fit = (keys->cap - klen - 1) / MOST;
            room = t->cap - nt < fit ? t->cap - nt : fit;
        }
#ifdef NW_ENT_SSE2
        {
            size_t done = short_words(v + nt, room, w, len, data, &i, &klen, para, &pend);
            nt += done;
            room -= done;
            if (room == 0 || i >= len)
                continue;
        }
#endif
        /* The fold first, written as the word is read; the key after it
         * only when the word has a capital, else the key is the fold
         * itself (an ASCII word's key is the word as written). */
        char *fold = data + klen;
        const unsigned char *src = w + i;
        plain_run_t run = scan_plain(src, len - i, fold);
        if (!run.n)
            break;
        size_t n = run.n, e = i + n;
        if (n == NW_ENT_SHORT_WORD && e < len && is_ascii_alnum(w[e])) {
            /* Longer than a short word: push() takes it the general way. */
            t->n = nt;
            keys->len = klen;
            data[klen] = '\0';
            open_run(v, first, nt, brk, flags);
            size_t end = ascii_word(s, len, i);
            *pending = pend;
            if (!end)
                return i;
            *pending = 0;
            push(t, s, i, end, (uint8_t)(nt == first ? brk : pend),
                 (uint16_t)(nt == first ? flags : pend >> 8));
            return end;
        }
        /* Most words end at a space: one test says so. */
        unsigned char stop = e < len ? w[e] : 0;
        if (stop != ' ' && (ascii_props[stop] & NW_A_JOIN)) {
            bool digit_group = (stop == ',' || stop == '.') && NW_A_DIGIT(w[e - 1]) &&
                               e + 1 < len && NW_A_DIGIT(w[e + 1]);
            /* A period ends a word of two or more letters and digits, as
             * scan_word() sees it, unless the word is an abbreviation. */
            bool takes_period =
                stop == '.' && (n < 2 || is_abbreviation((const char *)src, n, len - i));
            if (stop >= 0x80 || stop == '\'' || stop == '-' || digit_group || takes_period)
                break; /* nothing committed */
        }
        fold[n] = '\0';
        size_t fold_at = klen, key_at = fold_at, used = n + 1;
        if (run.caps) {
            char *key = fold + n + 1;
            /* In 8-byte pieces when the text has them: the reserve above
             * leaves room for the last piece's overshoot. */
            size_t whole = (n + 7) & ~(size_t)7;
            if (len - i >= whole)
                for (size_t j = 0; j < n; j += 8)
                    memcpy(key + j, src + j, 8);
            else
                memcpy(key, src, n);
            key[n] = '\0';
            key_at = fold_at + n + 1;
            used += n + 1;
        }
        uint16_t f = run.flags;
        if (!run.small && (run.caps & (run.caps - 1)))
            f |= NW_TOK_UPPER;
        v[nt++] = (nw_ent_tok_t){.off = (uint32_t)i,
                                 .len = (uint32_t)n,
                                 .key = (uint32_t)key_at,
                                 .key_len = (uint32_t)n,
                                 .fold = (uint32_t)fold_at,
                                 .fold_len = (uint32_t)n,
                                 .fold_hash = run.hash,
                                 .para = para,
                                 .flags = (uint16_t)(f | pend >> 8),
                                 .brk = (uint8_t)pend,
                                 .letters = (uint8_t)run.letters};
        pend = 0;
        klen += used;
        room--;
        /* The space after a word, as the tokeniser's loop would skip it. */
        if (stop != ' ') {
            i = e;
            break;
        }
        i = e + 1;
    }
    t->n = nt;
    keys->len = klen;
    if (data)
        data[klen] = '\0';
    open_run(v, first, nt, brk, flags);
    *pending = pend;
    return i;
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
    const short_words_fn short_words = short_words_for_cpu();
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
         * plain word starts there, and push_plains() would check for room
         * and classify a block to find so. */
        unsigned pend = 0;
        size_t plain =
            plains && is_ascii_alnum((unsigned char)s[i])
                ? push_plains(t, s, len, i, brk, sent ? NW_TOK_SENT : 0, &pend, short_words)
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
                push(t, s, i, i + 1, brk, NW_TOK_CONNECT);
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
