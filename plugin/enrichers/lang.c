/*
 * The "lang" built-in: the article's language as a BCP 47 code, written to
 * the ninjs "language" field.
 *
 * News prose is full of function words ("the", "der", "les", "het"), and each
 * language's commonest ones are nearly its own, so counting them over the
 * headline, standfirst and body tells the languages apart with a few dozen
 * words. A word that several languages share counts for each of them by an
 * equal share. Letter sequences peculiar to a language ("ß", "ção", "ij",
 * "eau") add a smaller weight, which separates the close pairs (es/pt, nl/de)
 * on short texts. The winner's share of all the weight is the score in the
 * detail ("en (score 0.93)"). Nothing depends on hash order or chance, so the
 * same text always gives the same answer.
 *
 * Settings (enrichers.lang.<key>):
 *   min.words   fewer words than this: "skipped", no language (default 8)
 *   min.score   a lower winning share, in percent: "und" (default 40)
 *   languages   the candidates, comma-separated (default all: en fr de es it pt nl)
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "encode/ninjs.h"
#include "enrichers/builtins.h"

#define LANG_MAX      8
#define LANG_MAXWORDS 5000 /* enough to decide; bounds the cost on huge bodies */
#define LANG_FEATURE  0.25 /* weight of a letter sequence against a function word's 1 */
#define LANG_SLOTS    1024 /* hash slots for the function words (a power of two) */

typedef struct lang_def {
    const char *code;
    const char *words;    /* space-separated function words, lower case */
    const char *features; /* space-separated letter sequences found inside words */
} lang_def_t;

// clang-format off
static const lang_def_t langs[] = {
    {"en",
     "the of and to in is that for it was on with as he she by at from his her they be this "
     "have has had are were which an not but or will would their been said who its after "
     "about than we what when there also into more over could should",
     "th wh ght"},
    {"fr",
     "le la les de des du un une et est en que qui dans pour pas sur au aux avec il elle ils "
     "ce cette ces son sa ses sont été plus par ne se nous vous leur mais ou était être comme "
     "aussi après avait selon l d qu c",
     "ç è ê eau é"},
    {"de",
     "der die das und ist nicht ein eine einen einem einer den dem des zu mit sich auf für von "
     "im auch es sie er wir ich wird werden wurde hat haben sind war bei nach aus wie noch nur "
     "oder aber dass als am um über vor zum zur dieser diese",
     "sch ß ä ö ü cht tz"},
    {"es",
     "el la los las de del que y en un una es por con para se no lo como más pero sus su al le "
     "ya o fue ha este esta entre cuando muy sin sobre también hasta hay donde quien desde todo "
     "nos durante están según son era",
     "ñ ción ía"},
    {"it",
     "il lo la i gli le di del della dei delle che e è un una uno per con non in nel nella "
     "sono da dal alla al si come più ma anche ha ho questo questa essere stato sua suo loro "
     "tra fra dopo ancora molto quando perché",
     "zione gli ò ù ì cch zz"},
    {"pt",
     "o os a as de do da dos das e em no na nos nas um uma que para com não por mais se ao à é "
     "foi como mas sua seu ele ela também já está pelo pela são entre quando muito sobre até "
     "isso depois sem ser ter",
     "ção ções ã õ nh lh"},
    {"nl",
     "de het een en van is dat die in op te zijn voor met niet aan er ook als bij door maar om "
     "nog naar hij zij ze wordt werd worden heeft hebben was uit over dan tot deze dit al wel "
     "of geen meer kan zou zo wat",
     "ij oe aa uu sch"},
};
// clang-format on
#define NLANGS (sizeof(langs) / sizeof(langs[0]))

typedef struct slot {
    char *word;     /* NULL: empty slot */
    size_t len;     /* strlen(word) */
    uint8_t langs;  /* bit i: the word is one of langs[i]'s */
    uint8_t nlangs; /* number of those bits */
} slot_t;

#define LANG_MAXFEATURES 64 /* one bit each in a per-word mask */

typedef struct feature {
    const char *s; /* points into langs[].features */
    size_t len;
    uint8_t lang;
} feature_t;

typedef struct lang {
    uint64_t id; /* unique to this instance: see memo_t */
    slot_t slots[LANG_SLOTS];
    uint8_t enabled; /* bit i: langs[i] is a candidate */
    size_t max_len;  /* of the function words: a longer word is none of them */
    long long min_words, min_score;
    /* Letter sequences of the enabled languages, and for each first byte
     * the ones that start with it: a word is scanned once, byte by byte. */
    feature_t features[LANG_MAXFEATURES];
    size_t nfeatures;
    uint64_t by_first[256];
    uint64_t by_second[256]; /* the ones whose second byte is this one */
} lang_t;

/* What a word adds to the scores, in the order lang_enrich() adds it: a
 * function word's share to each of its languages, then LANG_FEATURE for
 * each letter sequence found, in the order found. */
typedef struct word_score {
    uint8_t fw;  /* languages the word is a function word of (bits), 0: none */
    uint8_t nfw; /* number of those bits */
    uint8_t nhits;
    uint8_t hits[LANG_MAXFEATURES]; /* language of each letter sequence found */
} word_score_t;

/*
 * Words repeat: a body of 900 words has some 400 distinct ones, and most of
 * them were seen in earlier articles. What a word adds depends only on the
 * word and the instance's settings, so it is kept per thread (two threads
 * may run one instance) for the instance that last ran there. Only short
 * words are kept, and only until the table is three quarters full; others
 * are scored afresh. The table is a fixed size in thread storage, so it
 * needs no freeing.
 *
 * A kept word's additions are replayed as passes: pass p adds, to every
 * language at once, that language's p-th addition of the word (its share
 * as a function word first, then LANG_FEATURE for each of its letter
 * sequences), and 0.0 to a language with fewer. Each language's score
 * takes the same doubles in the same order as when the word is scored
 * afresh, and a score (never below +0.0) plus 0.0 is itself, so the scores
 * are the same to the bit; a pass is four vector additions where each
 * addition went through memory, one language bit at a time. The passes
 * are few distinct vectors ("the" adds 1.0 to English, "de" 0.25 to four
 * languages), kept once per thread in a small table the entries index.
 */
#define LANG_MEMO_BITS   11
#define LANG_MEMO_SLOTS  (1u << LANG_MEMO_BITS)
#define LANG_MEMO_KEY    15  /* longest word kept */
#define LANG_MEMO_PASSES 3   /* most passes a kept word may take */
#define LANG_MEMO_ADDS   256 /* distinct pass vectors kept (uint8_t indexes) */
#define LANG_MEMO_SETS   256 /* distinct lists of passes kept (one byte of a key) */

typedef struct memo_add {
    _Alignas(16) double v[LANG_MAX]; /* by language index */
} memo_add_t;

/* The passes a kept word takes: npass of them, each the index of its
 * vector in memo_t.adds. Four bytes, copied as one (score_words()). */
typedef struct memo_set {
    uint8_t pass[LANG_MEMO_PASSES];
    uint8_t npass;
} memo_set_t;
_Static_assert(sizeof(memo_set_t) == 4, "a set is copied as four bytes");
/* npass of a memo_set_t loaded as one 32-bit number. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SET_NPASS(v) ((v)&0xFFu)
#else
#define SET_NPASS(v) ((v) >> 24)
#endif

/* An entry is found by its key alone: the word's 16 bytes, zero-padded,
 * are what the probe loads from the text and masks (memo_find()), so two
 * 8-byte compares tell it, with no hash kept or compared. A kept word has
 * 15 bytes at most, so its key's last byte is a zero that tells nothing:
 * it holds the index of the word's passes in memo_t.sets instead, and
 * the compare leaves it out. Sixteen bytes an entry, four to a cache
 * line, the table 32 KB: with the word's length and its passes beside
 * the key, an entry took 24 bytes (48 KB, a third of them across two
 * lines). An empty slot's key is zeros, which no word's is (a word's
 * first byte is not NUL). */
typedef struct memo_entry {
    uint64_t key[2];
} memo_entry_t;

/* The key's second half without its last byte (the entry's set), as a
 * word's masked half of LANG_MEMO_KEY bytes at most holds it: zero. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define KEY_HEAD(x) ((x) >> 8)
#else
#define KEY_HEAD(x) ((x) << 8)
#endif

static inline unsigned memo_set_of(const memo_entry_t *e)
{
    return ((const uint8_t *)e->key)[15];
}

typedef struct memo {
    uint64_t owner; /* lang_t.id of the instance the entries are for; 0: none */
    size_t used, nadds, nsets;
    memo_add_t adds[LANG_MEMO_ADDS];
    memo_set_t sets[LANG_MEMO_SETS]; /* sets[0]: no passes */
    memo_entry_t e[LANG_MEMO_SLOTS];
} memo_t;

static _Thread_local memo_t memo;
static atomic_uint_fast64_t last_id;

/* The slot of word w, n bytes, whose nw_words_hash_key() is h. */
static slot_t *slot_find(lang_t *l, const char *w, size_t n, uint64_t h)
{
    size_t i = h & (LANG_SLOTS - 1);
    for (size_t probe = 0; probe < LANG_SLOTS; probe++, i = (i + 1) & (LANG_SLOTS - 1)) {
        slot_t *s = &l->slots[i];
        if (!s->word || (s->len == n && memcmp(s->word, w, n) == 0))
            return s;
    }
    return NULL;
}

static int add_words(lang_t *l, size_t li)
{
    const char *p = langs[li].words;
    while (*p) {
        size_t n = strcspn(p, " ");
        slot_t *s = slot_find(l, p, n, nw_words_hash_key(p, n));
        if (!s)
            return -1;
        if (!s->word && !(s->word = strndup(p, n)))
            return -1;
        s->len = n;
        if (n > l->max_len)
            l->max_len = n;
        if (!(s->langs & (1u << li))) {
            s->langs |= (uint8_t)(1u << li);
            s->nlangs++;
        }
        p += n;
        p += *p == ' ';
    }
    return 0;
}

static int parse_languages(lang_t *l, const char *v, char *errbuf, size_t errlen)
{
    l->enabled = 0;
    while (v && *v) {
        while (*v == ' ' || *v == ',')
            v++;
        size_t n = strcspn(v, " ,");
        if (n == 0)
            break;
        size_t i = 0;
        while (i < NLANGS && !(strlen(langs[i].code) == n && strncmp(langs[i].code, v, n) == 0))
            i++;
        if (i == NLANGS) {
            snprintf(errbuf, errlen,
                     "enrichers.lang.languages: \"%.*s\" is not one of en, fr, de, es, it, pt, nl",
                     (int)n, v);
            return -1;
        }
        l->enabled |= (uint8_t)(1u << i);
        v += n;
    }
    if (!l->enabled) {
        snprintf(errbuf, errlen, "enrichers.lang.languages: names no language");
        return -1;
    }
    return 0;
}

static int add_features(lang_t *l, size_t li)
{
    for (const char *p = langs[li].features; *p;) {
        size_t n = strcspn(p, " ");
        if (l->nfeatures == LANG_MAXFEATURES)
            return -1;
        l->features[l->nfeatures] = (feature_t){p, n, (uint8_t)li};
        l->by_first[(unsigned char)p[0]] |= 1ull << l->nfeatures;
        for (size_t b = 0; b < 256; b++) /* a one-byte sequence takes any second byte */
            if (n < 2 || b == (unsigned char)p[1])
                l->by_second[b] |= 1ull << l->nfeatures;
        l->nfeatures++;
        p += n;
        p += *p == ' ';
    }
    return 0;
}

static void lang_destroy(void *state)
{
    lang_t *l = state;
    if (!l)
        return;
    for (size_t i = 0; i < LANG_SLOTS; i++)
        free(l->slots[i].word);
    free(l);
}

static int lang_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                     size_t errlen)
{
    lang_t *l = calloc(1, sizeof(*l));
    if (!l) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    l->id = atomic_fetch_add(&last_id, 1) + 1;
    l->enabled = (uint8_t)((1u << NLANGS) - 1);
    const char *v = api->config(host, "languages");
    if (nw_builtin_int(api, host, "lang", "min.words", 8, 1, 100000, &l->min_words, errbuf,
                       errlen) < 0 ||
        nw_builtin_int(api, host, "lang", "min.score", 40, 0, 100, &l->min_score, errbuf, errlen) <
            0 ||
        (v && *v && parse_languages(l, v, errbuf, errlen) < 0))
        goto fail;
    for (size_t i = 0; i < NLANGS; i++) {
        if ((l->enabled & (1u << i)) && (add_words(l, i) < 0 || add_features(l, i) < 0)) {
            snprintf(errbuf, errlen, "out of memory");
            goto fail;
        }
    }
    *state = l;
    return 0;
fail:
    lang_destroy(l);
    return -1;
}

/* What word w (n bytes, nw_words_hash_key() h) adds: its function-word languages,
 * and each letter sequence found in it (once per word). */
static void word_eval(const lang_t *l, const char *w, size_t n, uint64_t h, word_score_t *ws)
{
    ws->fw = ws->nfw = ws->nhits = 0;
    const slot_t *s = n <= l->max_len ? slot_find((lang_t *)l, w, n, h) : NULL;
    if (s && s->word) {
        ws->fw = s->langs;
        ws->nfw = s->nlangs;
    }
    uint64_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        /* w[n] is the word's NUL: w[i + 1] is always there. */
        uint64_t cand =
            l->by_first[(unsigned char)w[i]] & l->by_second[(unsigned char)w[i + 1]] & ~seen;
        while (cand) {
            int f = __builtin_ctzll(cand);
            cand &= cand - 1;
            const feature_t *ft = &l->features[f];
            size_t k = 0; /* features are a few bytes: no memcmp call */
            while (k < ft->len && k < n - i && w[i + k] == ft->s[k])
                k++;
            if (k == ft->len) {
                seen |= 1ull << f;
                ws->hits[ws->nhits++] = ft->lang;
            }
        }
    }
}

/* 1.0 / n for n languages sharing a word: the same doubles as the
 * division makes (both are correctly rounded), without a division a word. */
static const double share_of[LANG_MAX + 1] = {0,       1.0 / 1, 1.0 / 2, 1.0 / 3, 1.0 / 4,
                                              1.0 / 5, 1.0 / 6, 1.0 / 7, 1.0 / 8};

/* Adds what a word adds, in lang_enrich()'s order. */
static inline void word_add(uint8_t fw, uint8_t nfw, const uint8_t *hits, size_t nhits,
                            double score[LANG_MAX])
{
    /* Each language's score gets one addition a word, so taking the
     * languages by their bits rather than in index order sums the same. */
    if (fw) {
        double share = share_of[nfw];
        for (unsigned m = fw; m; m &= m - 1)
            score[__builtin_ctz(m)] += share;
    }
    for (size_t k = 0; k < nhits; k++)
        score[hits[k]] += LANG_FEATURE;
}

/* A memo key (LANG_MEMO_KEY + 1 bytes) is compared with a word of the
 * text NW_WORDS_SLACK bytes wide. */
_Static_assert(LANG_MEMO_KEY + 1 == NW_WORDS_SLACK, "memo keys are compared 16 bytes wide");

/* The index of the size-byte entry v among the *n of table (room for cap),
 * appended when new; -1 when the table is full. A linear search: it runs
 * only when a word is first kept. For the memo's pass vectors and its sets
 * of passes alike. */
static int table_index(void *table, size_t *n, size_t cap, const void *v, size_t size)
{
    char *t = table;
    for (size_t i = 0; i < *n; i++)
        if (memcmp(t + i * size, v, size) == 0)
            return (int)i;
    if (*n == cap)
        return -1;
    memcpy(t + *n * size, v, size);
    return (int)(*n)++;
}

/* Keeps what ws says word w (n bytes) adds in the empty slot e as passes
 * (see memo_t); nothing when they do not fit. */
static void memo_keep(memo_t *m, memo_entry_t *e, const char *w, size_t n, const word_score_t *ws)
{
    uint8_t count[LANG_MAX] = {0}; /* additions per language so far */
    memo_add_t pass[LANG_MEMO_PASSES];
    size_t npass = 0;
    memset(pass, 0, sizeof(pass));
    for (unsigned b = ws->fw; b; b &= b - 1) {
        unsigned li = (unsigned)__builtin_ctz(b);
        pass[0].v[li] = share_of[ws->nfw];
        count[li] = 1;
        npass = 1;
    }
    for (size_t k = 0; k < ws->nhits; k++) {
        unsigned li = ws->hits[k];
        if (count[li] == LANG_MEMO_PASSES)
            return;
        pass[count[li]++].v[li] = LANG_FEATURE;
        if (count[li] > npass)
            npass = count[li];
    }
    memo_set_t set = {.npass = (uint8_t)npass};
    for (size_t p = 0; p < npass; p++) {
        int i = table_index(m->adds, &m->nadds, LANG_MEMO_ADDS, &pass[p], sizeof(pass[p]));
        if (i < 0)
            return;
        set.pass[p] = (uint8_t)i;
    }
    int si = table_index(m->sets, &m->nsets, LANG_MEMO_SETS, &set, sizeof(set));
    if (si < 0)
        return;
    memo_entry_t kept = {{0, 0}};
    memcpy(kept.key, w, n);
    ((uint8_t *)kept.key)[15] = (uint8_t)si;
    *e = kept;
    m->used++;
}

/* A word not in the memo: scored afresh, into score, and kept in the
 * empty slot e (NULL: none) when it fits. */
__attribute__((noinline)) static void word_score_miss(const lang_t *l, memo_t *m, memo_entry_t *e,
                                                      const char *w, size_t n,
                                                      double score[LANG_MAX])
{
    word_score_t ws;
    word_eval(l, w, n, nw_words_hash_wide(w, n), &ws);
    word_add(ws.fw, ws.nfw, ws.hits, ws.nhits, score);
    if (e && m->used < LANG_MEMO_SLOTS / 4 * 3)
        memo_keep(m, e, w, n, &ws);
}

/* This thread's memo, emptied when it was another instance's. Out of
 * line, so that the caller holds the memo in a register and does not
 * derive it from the thread pointer at each word. */
__attribute__((noinline)) static memo_t *memo_for(const lang_t *l)
{
    memo_t *m = &memo;
    if (m->owner != l->id) {
        memset(m->e, 0, sizeof(m->e));
        m->used = m->nadds = 0;
        m->sets[0] = (memo_set_t){.npass = 0};
        m->nsets = 1;
        m->owner = l->id;
    }
    return m;
}

/* The memo's entry for word w (n > 0 bytes, readable NW_WORDS_SLACK
 * bytes wide); else NULL, with *empty the empty slot it would take (NULL:
 * none, too long). The word's two 8-byte halves, masked to its n bytes,
 * are its key as kept; their nw_words_quick(), top bits, is the slot to
 * start from (where the list's word hash took some fifteen instructions
 * a word, made for every word). An empty slot's first half is zero,
 * which no word's is, so only a slot that does not match is asked
 * whether it is empty. */
static inline const memo_entry_t *memo_find(memo_t *m, const char *w, size_t n,
                                            memo_entry_t **empty)
{
    *empty = NULL;
    if (n > LANG_MEMO_KEY)
        return NULL;
    uint64_t x0, x1;
    nw_words_halves(w, n, &x0, &x1);
    /* The slot as a byte offset into the entries: a shift and a mask of
     * the hash, no scaling of an index at each probe. */
    const size_t bytes = LANG_MEMO_SLOTS * sizeof(memo_entry_t);
    size_t at = (size_t)(nw_words_quick(x0, x1) >> (64 - LANG_MEMO_BITS - 4)) & (bytes - 16);
    for (char *base = (char *)m->e;; at = (at + 16) & (bytes - 16)) {
        memo_entry_t *e = (memo_entry_t *)(void *)(base + at);
        if (e->key[0] == x0 && KEY_HEAD(e->key[1] ^ x1) == 0)
            return e;
        if (!e->key[0]) {
            *empty = e;
            return NULL;
        }
    }
}
_Static_assert(sizeof(memo_entry_t) == 16, "memo_find() steps 16 bytes a slot");

/* The scores, LANG_MAX doubles, held through the words' loop in four
 * vector registers (score_words()): SCORES_LOAD() and SCORES_STORE() move
 * them from and to score, SCORES_ADD() adds a pass. Four locals, as a
 * struct or an array of vectors they were kept on the stack. Plain
 * doubles without SSE2. */
#ifdef __SSE2__
#define SCORES_DECLARE __m128d s0, s1, s2, s3
#define SCORES_LOAD(score)                                                                         \
    (s0 = _mm_loadu_pd((score)), s1 = _mm_loadu_pd((score) + 2), s2 = _mm_loadu_pd((score) + 4),   \
     s3 = _mm_loadu_pd((score) + 6))
#define SCORES_STORE(score)                                                                        \
    (_mm_storeu_pd((score), s0), _mm_storeu_pd((score) + 2, s1), _mm_storeu_pd((score) + 4, s2),   \
     _mm_storeu_pd((score) + 6, s3))
#define SCORES_ADD(a)                                                                              \
    (s0 = _mm_add_pd(s0, _mm_load_pd((a)->v)), s1 = _mm_add_pd(s1, _mm_load_pd((a)->v + 2)),       \
     s2 = _mm_add_pd(s2, _mm_load_pd((a)->v + 4)), s3 = _mm_add_pd(s3, _mm_load_pd((a)->v + 6)))
#else
#define SCORES_DECLARE      double *sp
#define SCORES_LOAD(score)  (sp = (score))
#define SCORES_STORE(score) ((void)(score))
#define SCORES_ADD(a)                                                                              \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < LANG_MAX; i_++)                                                   \
            sp[i_] += (a)->v[i_];                                                                  \
    } while (0)
#endif
_Static_assert(LANG_MAX == 8, "the scores are four pairs of doubles");

/* Words looked up before their passes are added (score_words()). */
#define LANG_BATCH 128

/* Scores the words of w, up to LANG_MAXWORDS of them, into score (zeros),
 * and returns how many there were. The list's arrays are read through
 * locals: through w they were reloaded after every store into score.
 *
 * The words are taken in batches: the first loop looks each one up and
 * appends its passes' indexes to a list, four bytes stored and the count
 * moved on by the number of passes; the second adds the passes of the
 * list, in the same order. A word adds no pass (half of the words), one
 * or two as its letters fall, so a loop that added each word's passes
 * behind the lookup branched on their number, a branch no predictor
 * learns (cachegrind's branch simulation over the benchmark corpus: 482
 * mispredicted a message in this function, 64 in batches; user CPU with
 * lang alone some 10% less). A word scored afresh adds the batch's
 * passes so far first. */
__attribute__((noinline)) static size_t score_words(const lang_t *l, const nw_words_t *w,
                                                    double score[LANG_MAX])
{
    memo_t *m = memo_for(l);
    const size_t *off = w->offsets, *end = w->offsets + w->n;
    const char *text = w->text;
    /* The words before stop are LANG_MAXWORDS at most: each empty one (a
     * break) moves it on by one, and no word is counted in the loop. */
    const size_t *stop = w->n > LANG_MAXWORDS ? off + LANG_MAXWORDS : end;
    size_t empty = 0;
    /* A set's four bytes are stored at the list's end: one byte of room
     * past a batch's passes. */
    uint8_t passes[LANG_BATCH * LANG_MEMO_PASSES + 1];
    SCORES_DECLARE;
    SCORES_LOAD(score);
    for (const size_t *o = off; o < stop;) {
        /* An empty word moves stop on, never this batch's end. */
        const size_t *batch = stop - o > LANG_BATCH ? o + LANG_BATCH : stop;
        size_t k = 0;
        for (; o < batch; o++) {
            size_t n = o[1] - o[0] - 1; /* nw_words_len() */
            if (n == 0) {
                empty++;
                stop += stop < end;
                continue;
            }
            memo_entry_t *slot;
            const memo_entry_t *e = memo_find(m, text + o[0], n, &slot);
            if (e) {
                uint32_t set;
                memcpy(&set, &m->sets[memo_set_of(e)], sizeof(set));
                memcpy(passes + k, &set, sizeof(set));
                k += SET_NPASS(set);
                continue;
            }
            /* Rare: the passes so far, then the scalar path's scores
             * through memory. */
            for (size_t i = 0; i < k; i++)
                SCORES_ADD(&m->adds[passes[i]]);
            k = 0;
            SCORES_STORE(score);
            word_score_miss(l, m, slot, text + o[0], n, score);
            SCORES_LOAD(score);
        }
        for (size_t i = 0; i < k; i++)
            SCORES_ADD(&m->adds[passes[i]]);
    }
    SCORES_STORE(score);
    return (size_t)(stop - off) - empty;
}

/* The detail of a verdict: "<code> (score <share>)", or with no clear
 * winner "und (no clear winner: <code> at <share>)", the share as "%.2f"
 * writes it (nw_builtin_fixed2(); snprintf() took some 1,800
 * instructions a record). */
static void lang_note(char *detail, size_t detail_len, bool unclear, const char *code, double share)
{
    char note[64], *p = note;
    size_t n = strlen(code); /* a code of langs[] */
    if (unclear) {
        memcpy(p, "und (no clear winner: ", 22);
        p += 22;
    }
    memcpy(p, code, n);
    p += n;
    memcpy(p, unclear ? " at " : " (score ", unclear ? 4 : 8);
    p += unclear ? 4 : 8;
    if (!(p = nw_builtin_fixed2(p, share))) { /* outside 0.002 .. 1: never for a winner */
        snprintf(detail, detail_len,
                 unclear ? "und (no clear winner: %s at %.2f)" : "%s (score %.2f)", code, share);
        return;
    }
    *p++ = ')';
    nw_builtin_note(detail, detail_len, note, (size_t)(p - note));
}

/* lang's verdict on a record that declares the language `declared` (NULL:
 * none): its status and detail, and in *code the language to add to the
 * record (a static string; NULL: none). */
static nw_enrich_status_t lang_decide(lang_t *l, const char *declared, const nw_enrich_input_t *in,
                                      char *detail, size_t detail_len, const char **code_out)
{
    nw_words_t own = NW_WORDS_INIT;
    double score[LANG_MAX] = {0};
    size_t words = 0;
    *code_out = NULL;
    /* The page or envelope declared its language (newswire.field_sources
     * names where): a declaration beats a guess from function words. */
    if (declared) {
        char note[64];
        size_t n = strlen(declared);
        if (n + 11 > sizeof(note)) {
            snprintf(detail, detail_len, "%s (declared)", declared);
        } else {
            memcpy(note, declared, n);
            memcpy(note + n, " (declared)", 11);
            nw_builtin_note(detail, detail_len, note, n + 11);
        }
        return NW_ENRICH_OK;
    }
    const nw_words_t *w = nw_words_of(in, &own);
    if (w->oom) {
        nw_words_free(&own);
        snprintf(detail, detail_len, "out of memory");
        return NW_ENRICH_DEGRADED;
    }
    words = score_words(l, w, score);
    nw_words_free(&own);
    if ((long long)words < l->min_words) {
        snprintf(detail, detail_len, "too short to tell (%zu words)", words);
        return NW_ENRICH_SKIPPED;
    }
    size_t best = 0;
    double total = 0;
    for (size_t li = 0; li < NLANGS; li++) {
        total += score[li];
        if (score[li] > score[best])
            best = li;
    }
    double share = total > 0 ? score[best] / total : 0;
    const char *code = langs[best].code;
    if (total < 2.0)
        snprintf(detail, detail_len, "und (too few function words)");
    else
        lang_note(detail, detail_len, share * 100 < (double)l->min_score, code, share);
    if (total < 2.0 || share * 100 < (double)l->min_score)
        code = "und";
    *code_out = code;
    return NW_ENRICH_OK;
}

static nw_enrich_status_t lang_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                      char *detail, size_t detail_len)
{
    json_t *declared = json_object_get(record, "language");
    const char *code;
    nw_enrich_status_t st =
        lang_decide(state, json_is_string(declared) ? json_string_value(declared) : NULL, in,
                    detail, detail_len, &code);
    if (code && json_object_set_new(record, "language", json_string(code)) < 0) {
        snprintf(detail, detail_len, "out of memory");
        return NW_ENRICH_DEGRADED;
    }
    return st;
}

nw_enrich_status_t nw_builtin_lang_bytes(void *state, nw_enrich_bytes_t *rec,
                                         const nw_enrich_input_t *in, char *detail,
                                         size_t detail_len)
{
    const char *code;
    nw_enrich_status_t st = lang_decide(state, rec->language, in, detail, detail_len, &code);
    if (code) {
        /* The codes are this file's ASCII literals. */
        rec->language = code;
        nw_buf_lit(&rec->top, ",\"language\":");
        nw_json_put_string(&rec->top, code, strlen(code));
    }
    return st;
}

static const nw_enricher_t lang_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "lang",
    .description = "Language detection (ninjs language, BCP 47)",
    .init = lang_init,
    .enrich = lang_enrich,
    .destroy = lang_destroy,
    .enrich_batch = NULL,
};

const nw_enricher_t *nw_builtin_lang(const nw_enricher_api_t *api)
{
    (void)api;
    return &lang_enricher;
}
