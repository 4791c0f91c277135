/*
 * Internals of the entities enricher, shared by its three parts:
 *
 *   entities_tokens.c     splits text into word tokens with the facts the
 *                         heuristics need (capitalised? sentence start?
 *                         which punctuation came before?)
 *   entities_words_walk.c the tokeniser's fast way for runs of plain ASCII
 *                         words (entities_tokens_internal.h: what the two
 *                         share)
 *   entities_gazetteer.c  loads the gazetteer files once into hash tables
 *                         keyed by token sequences
 *   entities_extract.c    the driver, and gazetteer matches in the text
 *   entities_orgs.c       organisations the gazetteer lacks, by their shape
 *   entities_names.c      runs of words that may be people's names
 *   entities_people.c     merges mentions into people, places and
 *                         organisations with counts
 *   entities.c            the enricher: settings, record output
 *
 * Gazetteer entries are tokenised with the same tokeniser as articles, so
 * "U.S.", "Côte d'Ivoire" or "Procter & Gamble" are keyed exactly as they
 * will be seen in text.
 */
#ifndef NW_ENTITIES_INTERNAL_H
#define NW_ENTITIES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "newswire/enricher.h"

/* ---- Tokens ---------------------------------------------------------- */

/* What separates a token from the one before it, weakest first. */
typedef enum nw_ent_brk {
    NW_BRK_NONE = 0, /* only spaces */
    NW_BRK_HYPHEN,   /* the halves of a split hyphenated word ("Russia-backed") */
    NW_BRK_OTHER,    /* brackets, dashes, symbols */
    NW_BRK_COMMA,    /* , ; */
    NW_BRK_QUOTE,    /* quotation marks */
    NW_BRK_COLON,    /* : */
    NW_BRK_END,      /* . ! ? ... */
    NW_BRK_PARA,     /* a line break: the next paragraph, or the text's start */
} nw_ent_brk_t;

enum {
    NW_TOK_CAP = 1u << 0,     /* first letter is upper case */
    NW_TOK_UPPER = 1u << 1,   /* two or more letters, none lower case */
    NW_TOK_LOWER = 1u << 2,   /* first letter is lower case */
    NW_TOK_DIGIT = 1u << 3,   /* contains a digit */
    NW_TOK_INITIAL = 1u << 4, /* one letter and a period: "J." */
    NW_TOK_SENT = 1u << 5,    /* first word of a sentence or of a quotation */
    NW_TOK_POSS = 1u << 6,    /* a possessive 's was cut off */
    NW_TOK_ABBR = 1u << 7,    /* the period belongs to the word ("Mr.", "U.S.") */
    NW_TOK_CONNECT = 1u << 8, /* "&" */
    NW_TOK_NAMECAP = 1u << 9, /* tokeniser-internal: set CAP whatever the first letter */
};

typedef struct nw_ent_tok {
    uint32_t off, len;       /* the word as written, in the tokenised text */
    uint32_t key, key_len;   /* in keys: apostrophes normalised to ' */
    uint32_t fold, fold_len; /* in keys: also lower-cased */
    uint64_t fold_hash;      /* nw_ent_word_hash() of the fold: gazetteer lookups reuse it */
    uint32_t para;           /* paragraph number (0 based) */
    uint32_t gaz;            /* 0 until its fold is looked up in the gazetteer, then 1 when
                              * in none, else 2 + the index of its entry: looked up on first
                              * use (nw_ent_tok_entry()), as most words never are */
    uint16_t flags;          /* NW_TOK_* */
    uint8_t brk;             /* nw_ent_brk_t before this token */
    uint8_t letters;         /* letters in the word, saturating at 255 */
    uint8_t tail;            /* bytes of the possessive cut off after the word */
} nw_ent_tok_t;

typedef struct nw_ent_toks {
    nw_ent_tok_t *v;
    size_t n, cap;
    nw_buf_t keys; /* NUL-separated key and fold strings (one string when they are equal) */
    uint32_t n_paras;
    /* Per paragraph, the index after its last token (its first's when it
     * has none): noted as each ends, so that a pass over the tokens by
     * paragraph need not compare every token's para. */
    uint32_t *para_end;
    size_t para_cap;
    bool oom;
} nw_ent_toks_t;

/* Tokenises text (UTF-8; invalid bytes are treated as punctuation) and
 * appends to toks; the first token gets NW_BRK_PARA. Returns 0 or -1 (out of
 * memory). */
int nw_ent_tokenize(nw_ent_toks_t *toks, const char *text, size_t len);
void nw_ent_toks_reset(nw_ent_toks_t *toks); /* keeps the allocations */
/* For tests: with on set, nw_ent_tokenize() reads every word the general
 * way, without the plain-word paths, as a reference for them (the tokens
 * are the same; the keys buffer differs only in that a word without
 * capitals gets a key and a fold of its own). Returns the setting it
 * replaces. Not thread-safe. */
bool nw_ent_tok_general(bool on);
void nw_ent_toks_free(nw_ent_toks_t *toks);
static inline const char *nw_ent_tok_key(const nw_ent_toks_t *t, size_t i)
{
    return t->keys.data + t->v[i].key;
}
static inline const char *nw_ent_tok_fold(const nw_ent_toks_t *t, size_t i)
{
    return t->keys.data + t->v[i].fold;
}

/* ---- Gazetteer ------------------------------------------------------- */

/* Roles a key can play; a key may have several ("Jordan": place, given). */
enum {
    NW_LEX_PLACE = 1u << 0,        /* a country, region or city: place */
    NW_LEX_DEMONYM = 1u << 1,      /* "French": place */
    NW_LEX_ORG = 1u << 2,          /* org */
    NW_LEX_TITLE = 1u << 3,        /* "Foreign Minister", "spokesperson" */
    NW_LEX_OTHER = 1u << 4,        /* a name that is none of the three */
    NW_LEX_STOP = 1u << 5,         /* a common word */
    NW_LEX_GIVEN = 1u << 6,        /* a given name */
    NW_LEX_PARTICLE = 1u << 7,     /* "de", "van", "bin" inside names */
    NW_LEX_ORGWORD = 1u << 8,      /* "Ministry", "Council": ends an organisation */
    NW_LEX_NONAME = 1u << 9,       /* "Street", "Cup": never in a person's name */
    NW_LEX_SPEECH = 1u << 10,      /* "said", "told" */
    NW_LEX_SUFFIX = 1u << 11,      /* "Jr", "III" */
    NW_LEX_COMMON = 1u << 12,      /* a common English word, in a name only beside rarer ones */
    NW_LEX_FACILITY = 1u << 13,    /* "Stadium", "Airport": "Emirates Stadium" is neither */
    NW_LEX_LOCATIVE = 1u << 14,    /* "in", "near": what follows is likely a place */
    NW_LEX_PLACEWORD = 1u << 15,   /* "region", "province" after a place's name */
    NW_LEX_PLACESUFFIX = 1u << 16, /* "Island", "County": the last word of a place's name */
};
#define NW_LEX_SPAN (NW_LEX_PLACE | NW_LEX_DEMONYM | NW_LEX_ORG | NW_LEX_TITLE | NW_LEX_OTHER)

typedef struct nw_gaz_entry {
    uint32_t roles;
    int32_t place;          /* index into places (PLACE, DEMONYM), else -1 */
    int32_t org;            /* index into orgs (ORG), else -1 */
    int32_t alt_place;      /* another place of the same name ("Georgia", US), else -1 */
    uint8_t max_ntok;       /* longest entry starting with this key as first token */
    uint8_t max_ntok_nocap; /* the same of those a first word that is not capitalised can
                             * match (office titles, case-exact entries opening so) */
    bool has_exact;         /* some case-exact entry starts with this token */
    bool has_exact_nocap;   /* one of them with a first word that is not capitalised */
} nw_gaz_entry_t;

typedef struct nw_gaz_place {
    char *name;
    char code[4]; /* ISO 3166-1 alpha-2 or a UN M49 region code, NUL-terminated */
} nw_gaz_place_t;

typedef struct nw_strmap_slot {
    uint32_t hash; /* the low half of the key's hash: the table's index is taken from it, and
                    * a slot of another hash is passed over without reading its key */
    uint32_t key;  /* 1 + the key's offset in the map's keys; 0 when the slot is empty */
    uint32_t len;  /* strlen() of the key */
    uint32_t val;
} nw_strmap_slot_t;

/* An open-addressing map from strings to numbers. The keys live one after
 * another in one buffer the map owns, not in an allocation each: the maps
 * of an article are filled and cleared for every article, and a clear is
 * then a reset, not a free() per key. */
typedef struct nw_strmap {
    nw_strmap_slot_t *slots;
    size_t cap, n; /* cap is a power of two */
    nw_buf_t keys; /* the keys, each NUL-terminated */
} nw_strmap_t;

/* A word's hash, eight bytes a step: the word is read as little-endian
 * 64-bit pieces, the last one padded with zero bytes, and each piece is
 * mixed in with a multiply. The tokeniser makes it from the pieces it
 * already holds while it classifies and folds a word, so a word costs a
 * step per eight bytes rather than one per byte; nw_ent_word_hash() makes
 * the same from a string. The low 32 bits index the maps: the last step
 * brings the high bits down into them. */
#define NW_ENT_HASH_SEED 0x2545f4914f6cdd1dULL

static inline uint64_t nw_ent_load64(const void *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* The n < 8 bytes at p as a piece, zero bytes after them. */
static inline uint64_t nw_ent_load_tail(const void *p, size_t n)
{
    unsigned char b[8] = {0};
    memcpy(b, p, n);
    return nw_ent_load64(b);
}

static inline uint64_t nw_ent_hash_piece(uint64_t h, uint64_t piece)
{
    h = (h ^ piece) * 0x9e3779b97f4a7c15ULL;
    return h ^ h >> 32;
}

static inline uint64_t nw_ent_hash_end(uint64_t h)
{
    h *= 0xff51afd7ed558ccdULL;
    return h ^ h >> 29;
}

static inline uint64_t nw_ent_word_hash(const char *w, size_t n)
{
    uint64_t h = NW_ENT_HASH_SEED;
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        h = nw_ent_hash_piece(h, nw_ent_load64(w + k));
    if (k < n)
        h = nw_ent_hash_piece(h, nw_ent_load_tail(w + k, n - k));
    return nw_ent_hash_end(h);
}

/* A key's hash is nw_ent_word_hash() of its first space-separated word,
 * carried on through nw_ent_hash_more() with that of each further word: a
 * run of tokens is hashed from the hashes its tokens already have, without
 * reading their bytes again, and a one-word key's hash is its token's. */
static inline uint64_t nw_ent_hash_more(uint64_t h, uint64_t word)
{
    h = (h << 23 | h >> 41) * 0x9e3779b97f4a7c15ULL;
    return h ^ word;
}
uint64_t nw_strmap_hash(const char *key);

/* The slot for key, inserted with val when absent (*added tells which);
 * NULL when out of memory. The map copies the key; the slot stays valid
 * until the next insertion. */
nw_strmap_slot_t *nw_strmap_upsert(nw_strmap_t *m, const char *key, uint32_t val, bool *added);
/* The same for a key of len bytes whose nw_strmap_hash() is already known. */
nw_strmap_slot_t *nw_strmap_upsert_h(nw_strmap_t *m, const char *key, size_t len, uint64_t hash,
                                     uint32_t val, bool *added);
const uint32_t *nw_strmap_get(const nw_strmap_t *m, const char *key); /* NULL when absent */
/* The same with the key's nw_strmap_hash() already known. */
const uint32_t *nw_strmap_get_h(const nw_strmap_t *m, const char *key, uint64_t hash);
/* Could a key of this hash be in the map? False is certain, true is not
 * (only the hash's low half is kept): a key that costs a copy to build is
 * built only when this says true. Inline: label_gazetteer() asks it for
 * every longer run of words after a start, and mostly hears no at the
 * first slot. */
static inline bool nw_strmap_has_hash(const nw_strmap_t *m, uint64_t hash)
{
    if (!m->cap)
        return false;
    for (size_t j = hash & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1))
        if (m->slots[j].hash == (uint32_t)hash)
            return true;
    return false;
}
/* Grows the table to at most a quarter full, for a map that is filled
 * once and then read many times; 0 or -1 (out of memory, map unchanged). */
int nw_strmap_spread(nw_strmap_t *m);
void nw_strmap_clear(nw_strmap_t *m); /* empties it, keeping the table */
void nw_strmap_free(nw_strmap_t *m);

/* The folded keys whose entry a word without a capital can open a match
 * with (nw_gaz_opens_nocap()), as bits by their hash: most words of a text
 * have none, and a clear bit says so without a lookup. */
#define NW_GAZ_NOCAP_BITS 14

/* The folded keys of two or more words, and their first two words, first
 * three and so on, as bits by their hash: the extractor asks after each
 * start whether the next words make a longer key, and nine times in ten
 * none does. The table's slots are 4 MB that the probe misses in the
 * cache; these bits are 32 KB, and a clear one answers without it, and
 * also says that no longer key starts with those words. */
#define NW_GAZ_RUN_BITS 18

typedef struct nw_gazetteer {
    nw_strmap_t folded; /* lower-cased key -> entry */
    nw_strmap_t exact;  /* case-exact key (acronyms: "US", "WHO") -> entry */
    nw_gaz_entry_t *entries;
    size_t n_entries, cap_entries;
    nw_gaz_place_t *places;
    size_t n_places, cap_places;
    size_t n_countries;  /* places[0..n_countries) are countries */
    size_t regions_from; /* places[regions_from..n_places) are regions */
    char **orgs;
    size_t n_orgs, cap_orgs;
    size_t n_keys; /* for the log line */
    uint64_t nocap[(1u << NW_GAZ_NOCAP_BITS) / 64];
    uint64_t runs[(1u << NW_GAZ_RUN_BITS) / 64];
    /* The longest folded key with NW_LEX_PARTICLE, with NW_LEX_SUFFIX: a
     * longer word is neither, and is not looked up to learn so. */
    uint32_t particle_len, suffix_len;
} nw_gazetteer_t;

/* Loads the gazetteer files from dir (resolved through api->data_path).
 * Returns 0, or -1 with a message naming the file in errbuf. */
int nw_gaz_load(nw_gazetteer_t *g, const nw_enricher_api_t *api, void *host, const char *dir,
                char *errbuf, size_t errlen);
void nw_gaz_free(nw_gazetteer_t *g); /* accepts a zeroed gazetteer */

const nw_gaz_entry_t *nw_gaz_folded(const nw_gazetteer_t *g, const char *key);
/* Looks token i's fold up in the folded table and notes the answer in its
 * gaz, which it returns (see nw_ent_tok_t). t is const for its callers, the
 * stages; the token array is not, and gaz is a memo, not content. */
uint32_t nw_gaz_lookup(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i);
const nw_gaz_entry_t *nw_gaz_exact(const nw_gazetteer_t *g, const char *key);

/* Could a match start at a word without a capital whose entry is e? Only
 * with an office title or a case-exact entry that opens so (the
 * extractor's match_at()): most words ("the", "said") are in the
 * gazetteer as neither. A case-exact entry that opens with a capital
 * ("US") is no match for a word that does not ("us"), so its first word
 * does not count. */
static inline bool nw_gaz_opens_nocap(const nw_gaz_entry_t *e)
{
    return e->max_ntok &&
           (e->has_exact_nocap || (e->roles & NW_LEX_TITLE) || e->max_ntok_nocap > 1);
}

/* False when no key of this hash opens such a match; true is not certain. */
static inline bool nw_gaz_may_open_nocap(const nw_gazetteer_t *g, uint64_t hash)
{
    uint32_t b = (uint32_t)hash >> (32 - NW_GAZ_NOCAP_BITS);
    return (g->nocap[b / 64] >> (b % 64) & 1) != 0;
}

/* False when no folded key of two or more words, nor the first words of
 * one, has this hash; true is not certain. */
static inline bool nw_gaz_may_run(const nw_gazetteer_t *g, uint64_t hash)
{
    uint32_t b = (uint32_t)hash >> (32 - NW_GAZ_RUN_BITS);
    return (g->runs[b / 64] >> (b % 64) & 1) != 0;
}

/* ---- Extraction ------------------------------------------------------ */

typedef enum nw_ent_type {
    NW_ENT_PERSON = 0,
    NW_ENT_ORG,
    NW_ENT_PLACE,
    NW_ENT_NATIONALITY, /* "German": the country a nationality word names */
    NW_ENT__TYPES
} nw_ent_type_t;

/* Copies of an article's entity names (entities_arena.c), cut from blocks
 * that never move and are emptied all at once. A zeroed arena is empty. */
typedef struct nw_ent_block nw_ent_block_t;
typedef struct nw_ent_arena {
    nw_ent_block_t *head; /* the block being filled, the older ones after it */
} nw_ent_arena_t;

/* A NUL-terminated copy of the n bytes at s, valid until the next reset;
 * NULL when out of memory. */
char *nw_ent_arena_dup(nw_ent_arena_t *a, const char *s, size_t n);
/* n bytes of room (not aligned, not cleared), valid until the next reset;
 * NULL when out of memory. */
char *nw_ent_arena_alloc(nw_ent_arena_t *a, size_t n);
void nw_ent_arena_reset(nw_ent_arena_t *a); /* drops every copy, keeps a block */
void nw_ent_arena_free(nw_ent_arena_t *a);  /* accepts a zeroed arena */

/* The distinct ways the text writes an entity ("U.S.\nUnited States"),
 * one per line, in an arena: added to as mentions are found, and dropped
 * with the arena, so that a form costs neither a realloc() nor a free().
 * A zeroed set is empty. */
typedef struct nw_ent_forms {
    char *s;      /* NUL-terminated, in the arena; NULL when none was recorded */
    uint32_t len; /* strlen(s) */
    uint32_t cap; /* bytes at s */
    uint32_t n;   /* forms in s */
} nw_ent_forms_t;

/* One entity found in an article. */
typedef struct nw_ent {
    char *name;       /* in its list's arena (nw_ent_list_t.names) */
    size_t name_len;  /* strlen(name) */
    const char *code; /* places: ISO code (borrowed from the gazetteer), else NULL */
    uint32_t mentions;
    uint32_t first;       /* token index of the first mention, for ordering */
    nw_ent_forms_t forms; /* in its list's arena (names) */
} nw_ent_t;

typedef struct nw_ent_list {
    nw_ent_t *v;
    size_t n, cap;
    nw_strmap_t index;    /* lower-cased name and code -> position in v */
    nw_ent_arena_t names; /* the entities' names and forms */
} nw_ent_list_t;

/* At most this many distinct entities of a type are tracked per article. */
#define NW_ENT_LIST_MAX 10000

/* A labelled stretch of tokens: a gazetteer match or a found organisation. */
typedef struct nw_ent_span {
    uint32_t start, ntok;
    uint32_t role; /* one NW_LEX_* span role */
    int32_t ref;   /* place or org index; -1 for a found organisation */
    int32_t alt;   /* places: the other place of that name, or -1 */
} nw_ent_span_t;

/* A run of tokens that may be a person's name, with its context. */
typedef struct nw_ent_cand {
    uint32_t start, ntok;
    bool accepted;      /* strong enough to stand as a new person */
    bool cued;          /* an office title or a given name vouches for a person */
    bool place;         /* reads as a place the gazetteer lacks ("the town of Iten") */
    int32_t code_place; /* place whose code it takes ("Redmond, Washington"), or -1 */
} nw_ent_cand_t;

/* What the stages count of a paragraph's tokens, counted once. */
typedef struct nw_ent_para {
    uint32_t end;    /* the index after its last token */
    uint32_t digits; /* tokens with a digit */
    uint32_t lower;  /* tokens whose first letter is lower case */
} nw_ent_para_t;

/* Per-call working memory, reused across articles. */
typedef struct nw_ent_work {
    nw_buf_t text; /* headline, standfirst and body, one paragraph per line */
    nw_ent_toks_t toks;
    nw_ent_toks_t byline_toks; /* the byline's, kept like toks from one article to the next */
    int32_t *label;            /* per token: span index or -1 */
    uint32_t *caps; /* the tokens with NW_TOK_CAP, NW_TOK_UPPER or NW_TOK_INITIAL, in order:
                     * the stages that only start at such words visit these */
    size_t n_caps;
    uint32_t *starts; /* the tokens a gazetteer match may start at, in order: those with
                       * NW_TOK_CAP, and those nw_gaz_may_open_nocap() lets through */
    size_t n_starts;
    size_t label_cap; /* of label, caps and starts */
    nw_ent_span_t *spans;
    size_t n_spans, cap_spans;
    nw_ent_cand_t *cands;
    size_t n_cands, cap_cands;
    uint8_t *para_style;  /* per paragraph: NW_PARA_* */
    nw_ent_para_t *paras; /* per paragraph with tokens: counted once for every stage */
    size_t para_cap;
    nw_ent_list_t out[NW_ENT__TYPES];
    /* entities_people.c's indexes of an article's people (by full name,
     * by the tails of names, by first and last word) and of the names that
     * read as places: kept from one article to the next, so that each
     * article clears tables already grown rather than growing new ones. */
    nw_strmap_t people_full, people_tails, people_ends, cand_places;
    /* entities_people.c's names joined from tokens and its people's forms,
     * dropped when the next article's are made. */
    nw_ent_arena_t scratch;
    bool sports; /* team sports copy: a city or county may stand for its team */
    bool oom;
} nw_ent_work_t;

enum { NW_PARA_NORMAL = 0, NW_PARA_TITLECASE, NW_PARA_SHOUTING };

/* Finds the entities of one article into w->out (cleared first), ordered by
 * first mention. byline names (may be NULL) are never reported as people.
 * Returns 0 or -1 (out of memory). */
int nw_ent_extract(nw_ent_work_t *w, const nw_gazetteer_t *g, const char *const *segments,
                   size_t n_segments, const char *byline);
void nw_ent_work_free(nw_ent_work_t *w);

/* The stages after gazetteer labelling, each 0 or -1 (out of memory):
 * organisations by their shape (entities_orgs.c), candidate names
 * (entities_names.c), and the merging of candidates into people and of
 * spans into places and organisations (entities_people.c). */
int nw_ent_find_orgs(nw_ent_work_t *w, const nw_gazetteer_t *g);
int nw_ent_find_names(nw_ent_work_t *w, const nw_gazetteer_t *g);
int nw_ent_collect(nw_ent_work_t *w, const nw_gazetteer_t *g, const char *byline);

/* Does a lower-case noun for a kind of organisation, or "X-based" or
 * "shares of", stand right before token s ("carmaker Hyundai", "Lagos-based
 * FBNQuest")? Then what follows names an organisation (entities_names.c). */
bool nw_ent_org_cue_before(const nw_ent_work_t *w, size_t s);

/* An organisation found by its shape or its place in a results line
 * ("Newcastle Red Bulls 10") is the same organisation wherever the text
 * names it again word for word ("thrashed Newcastle Red Bulls 52-10"),
 * whatever the words alone would be; 0 or -1. */
int nw_ent_find_repeats(nw_ent_work_t *w, const nw_gazetteer_t *g);

/* Is the text team sports copy: a headline that opens with a team sport
 * ("SOCCER -", "Cricket:"), or mostly results lines under no individual
 * sport? Sets w->sports (entities_sports.c). */
void nw_ent_detect_sports(nw_ent_work_t *w, const nw_gazetteer_t *g);
/* In team sports copy, unknown capitalised names beside a score in a
 * results line are teams ("Alloa 2 Arbroath 1"); 0 or -1. */
int nw_ent_find_teams(nw_ent_work_t *w, const nw_gazetteer_t *g);
/* In sports copy, does the place span s name a team ("Surrey beat Kent",
 * "NEW YORK 74 62") rather than the place ("in Colombo", a dateline)? */
bool nw_ent_place_is_team(const nw_ent_work_t *w, const nw_gazetteer_t *g, const nw_ent_span_t *s);
/* Is token e a country in brackets in a results line ("1. Faith Kipyegon
 * (Kenya) 3:53.41"): is the name before it a competitor's? */
bool nw_ent_country_in_brackets(const nw_ent_work_t *w, const nw_gazetteer_t *g, size_t e);
/* Does a dateline go on at token e after the town that opens one of the
 * first paragraphs at token a: a comma and a date, a month or a place
 * ("ISTANBUL, Dec 12 -", "HERNING, Denmark, Jan 30 -", "МОСКВА, 18
 * апреля"), or unless comma_only, a date, a bracket or a dash right after
 * it ("MILAN (Reuters) -", "LONDON 1996-08-30")? A later paragraph opens
 * one only in capitals with a comma and a month ("TORONTO, Jan 14 -" after
 * a table of results). */
bool nw_ent_dateline_from(const nw_ent_work_t *w, size_t a, size_t e, bool comma_only);

/* Labels tokens start..start+ntok-1 with a new span; 0 or -1. */
int nw_ent_add_span(nw_ent_work_t *w, size_t start, size_t ntok, uint32_t role, int32_t ref);

static inline bool nw_ent_is_cap(const nw_ent_tok_t *k)
{
    return (k->flags & NW_TOK_CAP) != 0;
}

/* Is token i (folded) the word given, or one of the n words? The first
 * bytes are compared before strcmp() is called: the stages ask this of a
 * word against lists ("cyclone", "hurricane", ...) that it is mostly
 * not in, and a call each costs more than the answer. */
static inline bool nw_ent_is_word(const nw_ent_toks_t *t, size_t i, const char *word)
{
    if (i >= t->n)
        return false;
    const char *f = nw_ent_tok_fold(t, i);
    return f[0] == word[0] && strcmp(f, word) == 0;
}

static inline bool nw_ent_is_fold(const nw_ent_toks_t *t, size_t i, const char *const *words,
                                  size_t n)
{
    for (size_t j = 0; j < n; j++)
        if (nw_ent_is_word(t, i, words[j]))
            return true;
    return false;
}

/* Helpers shared by the stages. */
/* The result lists (entities_lists.c). Adds a mention of the entity name
 * (code: a place's, else NULL) to l, a new entity or one more mention of a
 * known one; form (may be NULL) is the mention as written, kept among the
 * entity's forms. *pos is where the entity is in l->v, or SIZE_MAX when
 * the list was full and it is not there. 0 or -1 (out of memory). */
int nw_ent_list_add(nw_ent_list_t *l, const char *name, size_t len, const char *code,
                    uint32_t first, const char *form, size_t *pos);
/* Adds form to a set of forms, growing it in arena a (the one its earlier
 * forms are in), unless present or the set is full; 0 or -1 (out of
 * memory). */
int nw_ent_forms_add(nw_ent_arena_t *a, nw_ent_forms_t *forms, const char *form, size_t len);
static inline int nw_ent_forms_add_str(nw_ent_arena_t *a, nw_ent_forms_t *forms, const char *form)
{
    return form ? nw_ent_forms_add(a, forms, form, strlen(form)) : 0;
}
/* Adds every form of src (NULL or forms one per line) to *forms. */
int nw_ent_forms_merge(nw_ent_arena_t *a, nw_ent_forms_t *forms, const char *src);
void nw_ent_list_clear(nw_ent_list_t *l); /* keeps the allocations */
void nw_ent_list_free(nw_ent_list_t *l);

/* "Republican People's Party (CHP)": an organisation's name, then the
 * short name it goes by in brackets, whatever its letters stand for (the
 * party's Turkish name): the text says they are one. */
typedef struct nw_ent_bracketed {
    size_t full;    /* the organisation's position in its list */
    size_t acronym; /* the token in brackets */
    bool found;     /* the organisation was found by its shape, not listed */
} nw_ent_bracketed_t;
#define NW_ENT_BRACKETED_MAX 32
/* At most this many short names are tried against the names they open. */
#define NW_ENT_HEADS_MAX 64
/* Is token a a word in capitals alone in brackets? */
bool nw_ent_bracketed_acronym(const nw_ent_toks_t *t, const char *text, size_t a);
/* Folds the entries of orgs that name one organisation into one
 * (entities_orgmerge.c): br[] the names followed by a short name in
 * brackets, heads[] the names (in orgs' arena) of places read as teams and
 * of names no list knows, which may be short forms of longer ones. orgs'
 * index is stale afterwards: nothing is added to it once this runs. */
void nw_ent_merge_orgs(nw_ent_list_t *orgs, const nw_ent_toks_t *t, const char *text,
                       const nw_ent_bracketed_t *br, size_t n_br, const char *const *heads,
                       size_t n_heads);
/* The entry for a token's folded text, or NULL: looked up on the first
 * call for the token and noted, as the stages ask again and again about
 * the few words they look at. */
static inline const nw_gaz_entry_t *nw_ent_tok_entry(const nw_gazetteer_t *g,
                                                     const nw_ent_toks_t *t, size_t i)
{
    uint32_t e = t->v[i].gaz;
    if (e == 0)
        e = nw_gaz_lookup(g, t, i);
    return e > 1 ? &g->entries[e - 2] : NULL;
}
static inline uint32_t nw_ent_tok_roles(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i)
{
    const nw_gaz_entry_t *e = nw_ent_tok_entry(g, t, i);
    return e ? e->roles : 0;
}
/* Is token i a name's particle ("van", "de"), a name's suffix ("Jr",
 * "III")? Asked of the word after every run of names, mostly a longer one
 * ("said"), which is then not looked up for the answer. */
static inline bool nw_ent_tok_particle(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i)
{
    return t->v[i].fold_len <= g->particle_len && (nw_ent_tok_roles(g, t, i) & NW_LEX_PARTICLE);
}
static inline bool nw_ent_tok_suffix(const nw_gazetteer_t *g, const nw_ent_toks_t *t, size_t i)
{
    return t->v[i].fold_len <= g->suffix_len && (nw_ent_tok_roles(g, t, i) & NW_LEX_SUFFIX);
}

#endif
