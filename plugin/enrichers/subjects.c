/*
 * The "subjects" built-in: ninjs subjects from keyword rules.
 *
 * The rules live in a documented text file (config/subjects.rules describes
 * the format): each subject has words and phrases that count as evidence,
 * matched case-insensitively on whole words, and a minimum number of hits.
 * Matching uses the same word splitting and folding as the text (builtins.h),
 * so a rule term and an article word are compared like with like.
 *
 * Each assigned subject becomes {"name", "uri": "newswire:subject:<name>",
 * "relevance"}: the members ninjs 2.2 allows in a subject item, relevance an
 * integer 0..100 (the subject's hits relative to the top subject's). Subjects
 * are ordered by hits, then name, so the output is stable.
 *
 * Settings (enrichers.subjects.<key>):
 *   rules      the rule file (default subjects.rules, found in the data directories)
 *   min.hits   default minimum hits of a rule without min= (default 3)
 *   max        most subjects per article (default 5)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "encode/ninjs.h"
#include "enrichers/builtins.h"

#define SUBJECT_URI "newswire:subject:"
#define PREFIX_BITS 65536 /* a power of two */
#define EXACT_BITS  65536 /* a power of two */

/* A word's first four bytes as one number, taken in one load (a word can
 * be read NW_WORDS_SLACK bytes wide); key3() is the first three of them,
 * the key of a one-word prefix term in its index. */
static inline uint32_t key4(const char *w)
{
    uint32_t k;
    memcpy(&k, w, 4);
    return k;
}

static inline uint32_t key3(const char *w)
{
    return key4(w) & 0xFFFFFFu;
}

/* Where the slot search for key3() k starts in the prefix index, and the
 * bit of key4() k in subjects_t.prefix4: a multiplicative hash. */
static inline unsigned prefix_bit(uint32_t k)
{
    return (unsigned)((k * 2654435761u) >> 16) & (PREFIX_BITS - 1);
}

/* The hash of a word or first-word key (n bytes, readable 16 bytes wide
 * from each of its blocks) in the exact index and filter: a word of up to
 * 16 bytes, nearly all, by nw_words_quick(), two multiplications (the
 * word list's hash, made for the third of the words that pass first4,
 * took some twenty instructions), a longer one by nw_words_hash_wide().
 * Either way its top bits are mixed: the filter and the slots take them. */
static inline uint64_t exact_hash(const char *w, size_t n)
{
    if (n > 16)
        return nw_words_hash_wide(w, n);
    uint64_t x0, x1;
    nw_words_halves(w, n, &x0, &x1);
    return nw_words_quick(x0, x1);
}

/* The bit of a word's exact_hash() in subjects_t.exact_bits. */
static inline unsigned exact_bit(uint64_t h)
{
    return (unsigned)(h >> 48) & (EXACT_BITS - 1);
}

/* Where the slot search for exact_hash() h starts in the exact index:
 * bits from the top, which exact_bit() takes too (a word whose bit is set
 * mostly finds its slot then). */
static inline size_t exact_start(uint64_t h)
{
    return (size_t)(h >> 40);
}

typedef struct term {
    nw_words_t words; /* the term's words, folded like the text */
    bool prefix;      /* the last word matches any word it begins */
    size_t subject;
} term_t;

typedef struct subject {
    char *name;
    long long min; /* 0: the default */
    /* The record's "name" and "uri" of this subject, made at init and
     * shared by every record that gets it (owned; NULL when they could not
     * be made, and then made per record). */
    json_t *name_json, *uri_json;
    /* The byte path's start of its entry, as subject_head() writes it,
     * made at init (owned; NULL when it could not be made, and then made
     * per record). */
    char *head;
    size_t head_len;
} subject_t;

/*
 * Terms indexed by their first word, or by the first three bytes of a
 * one-word prefix term. Each index is a table of slots, one a key, in open
 * addressing on the key's hash (a word's is made once it passes the
 * filters, see count_words()), so
 * a word no term begins with (nearly all) costs a load and a compare of an
 * empty or foreign slot, with no chain to walk and no bytes to compare.
 * The entries of one key lie together.
 */
typedef struct rule_entry {
    char key[64]; /* the first word, or the whole prefix; zero-padded, read
                   * NW_WORDS_SLACK bytes wide */
    size_t len;   /* strlen(key) */
    size_t term, subject;
    bool whole; /* the term is this one word (no prefix): the key is all */
} rule_entry_t;

typedef struct rule_slot {
    uint64_t hash;  /* of the key: the first word's exact_hash(), or a prefix's key3() */
    uint32_t first; /* its entries: entries[first .. first + n) */
    uint32_t n;     /* 0: an empty slot */
} rule_slot_t;

typedef struct rule_index {
    rule_entry_t *entries;
    size_t nentries;
    rule_slot_t *slots;
    size_t mask; /* slots - 1, slots a power of two */
} rule_index_t;

typedef struct subjects {
    subject_t *subjects;
    size_t nsubjects;
    term_t *terms;
    size_t nterms;
    rule_index_t exact, prefix;
    /* Bit prefix_bit() of a word's key4(): some one-word prefix term may
     * begin the word's first four bytes (a three-byte word's NUL
     * included). Most words begin otherwise and skip the prefix lookup;
     * taken on three bytes, one word in six passed ("for" begins
     * "forecast*"). */
    uint64_t prefix4[PREFIX_BITS / 64];
    /* Bit exact_bit(): some term's first word may have this hash. One in
     * six words found an occupied slot of the exact index, a quarter
     * full; one in thirty passes here (benchmark corpus). */
    uint64_t exact_bits[EXACT_BITS / 64];
    /* Bit prefix_bit() of a word's key4(): the word may begin some term at
     * all, a prefix term or a first word (prefix4's bits, and those of
     * each first word's first four bytes, its NUL and zeros included). */
    uint64_t first4[PREFIX_BITS / 64];
    long long min_hits, max;
} subjects_t;

typedef struct hit {
    size_t subject;
    long long hits;
} hit_t;

/* Adds term t's entry to its index (sorted into slots by index_build()). */
static int index_term(subjects_t *s, size_t t)
{
    const term_t *term = &s->terms[t];
    const char *first = nw_words_at(&term->words, 0);
    bool by_prefix = term->prefix && term->words.n == 1;
    rule_index_t *x = by_prefix ? &s->prefix : &s->exact;
    size_t n = strlen(first);
    rule_entry_t *v = realloc(x->entries, (x->nentries + 1) * sizeof(*v));
    if (!v)
        return -1;
    x->entries = v;
    if (n >= sizeof(v->key))
        return -1;
    rule_entry_t *e = &v[x->nentries++];
    *e = (rule_entry_t){.len = n,
                        .term = t,
                        .subject = term->subject,
                        .whole = !term->prefix && term->words.n == 1};
    memcpy(e->key, first, n);
    if (by_prefix) {
        /* A prefix of three letters takes any fourth byte. */
        for (unsigned c = 0; c < 256; c++) {
            if (n > 3 && c > 0)
                break;
            unsigned b = prefix_bit(n > 3 ? key4(e->key) : key3(e->key) | c << 24);
            s->prefix4[b / 64] |= 1ull << (b % 64);
            s->first4[b / 64] |= 1ull << (b % 64);
        }
    } else {
        unsigned b = exact_bit(exact_hash(e->key, n));
        s->exact_bits[b / 64] |= 1ull << (b % 64);
        /* After a word of n < 3 bytes and its NUL come bytes of no part of
         * it (the next word's): the key takes any there. */
        for (unsigned c = 0; c < (n >= 3 ? 1u : n == 2 ? 256u : 65536u); c++) {
            b = prefix_bit(n >= 3 ? key4(e->key) : key4(e->key) | c << 8 * (n + 1));
            s->first4[b / 64] |= 1ull << (b % 64);
        }
    }
    return 0;
}

/* Entries in key order, so that those of one key lie together: the whole
 * key (exact), or its first three bytes (prefix). */
static int cmp_exact(const void *a, const void *b)
{
    const rule_entry_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->term > y->term) - (x->term < y->term);
}

static int cmp_prefix(const void *a, const void *b)
{
    const rule_entry_t *x = a, *y = b;
    int c = memcmp(x->key, y->key, 3);
    return c ? c : (x->term > y->term) - (x->term < y->term);
}

/* Sorts x's entries and gives each key a slot; klen 0: the whole key, by
 * its hash, else its first klen == 3 bytes, by key3(). The slots are at
 * most a quarter full. */
static int index_build(rule_index_t *x, size_t klen)
{
    if (x->nentries)
        qsort(x->entries, x->nentries, sizeof(*x->entries), klen ? cmp_prefix : cmp_exact);
    size_t slots = 16;
    while (slots < x->nentries * 4)
        slots *= 2;
    if (!(x->slots = calloc(slots, sizeof(*x->slots))))
        return -1;
    x->mask = slots - 1;
    for (size_t i = 0, j; i < x->nentries; i = j) {
        const rule_entry_t *e = &x->entries[i];
        size_t n = klen ? klen : e->len;
        for (j = i + 1;
             j < x->nentries && x->entries[j].len >= n && (klen || x->entries[j].len == n) &&
             memcmp(x->entries[j].key, e->key, n) == 0;
             j++)
            ;
        uint64_t h = klen ? key3(e->key) : exact_hash(e->key, n);
        size_t k = (klen ? prefix_bit((uint32_t)h) : exact_start(h)) & x->mask;
        while (x->slots[k].n)
            k = (k + 1) & x->mask;
        x->slots[k] = (rule_slot_t){.hash = h, .first = (uint32_t)i, .n = (uint32_t)(j - i)};
    }
    return 0;
}

static size_t subject_index(subjects_t *s, const char *name, size_t len, long long min)
{
    for (size_t i = 0; i < s->nsubjects; i++)
        if (strlen(s->subjects[i].name) == len && strncmp(s->subjects[i].name, name, len) == 0) {
            if (!s->subjects[i].min)
                s->subjects[i].min = min;
            return i;
        }
    subject_t *v = realloc(s->subjects, (s->nsubjects + 1) * sizeof(*v));
    if (!v)
        return (size_t)-1;
    s->subjects = v;
    v[s->nsubjects] = (subject_t){0};
    if (!(v[s->nsubjects].name = strndup(name, len)))
        return (size_t)-1;
    v[s->nsubjects].min = min;
    return s->nsubjects++;
}

static int add_term(subjects_t *s, size_t subject, const char *text, size_t len, char *err,
                    size_t errlen)
{
    bool prefix = len > 0 && text[len - 1] == '*';
    char *copy = strndup(text, prefix ? len - 1 : len);
    if (!copy)
        return snprintf(err, errlen, "out of memory"), -1;
    if (strchr(copy, '*')) {
        snprintf(err, errlen, "\"%.*s\": '*' may only end a term", (int)len, text);
        free(copy);
        return -1;
    }
    term_t t = {.words = NW_WORDS_INIT, .prefix = prefix, .subject = subject};
    nw_words_add(&t.words, copy);
    free(copy);
    if (t.words.oom || t.words.n == 0 ||
        (prefix && t.words.n == 1 && strlen(nw_words_at(&t.words, 0)) < 3)) {
        snprintf(err, errlen, "\"%.*s\": %s", (int)len, text,
                 t.words.oom      ? "out of memory"
                 : t.words.n == 0 ? "a term needs a letter or a digit"
                                  : "a prefix term needs at least three letters");
        nw_words_free(&t.words);
        return -1;
    }
    term_t *v = realloc(s->terms, (s->nterms + 1) * sizeof(*v));
    if (!v) {
        nw_words_free(&t.words);
        return snprintf(err, errlen, "out of memory"), -1;
    }
    s->terms = v;
    v[s->nterms] = t;
    if (index_term(s, s->nterms++) < 0)
        return snprintf(err, errlen, "\"%.*s\": term too long", (int)len, text), -1;
    return 0;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Parses one line; 0, or -1 with a message (without the line number). */
static int parse_line(subjects_t *s, char *line, char *err, size_t errlen)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                   line[len - 1] == '\t'))
        line[--len] = '\0';
    const char *p = skip_space(line);
    if (*p == '\0' || *p == '#')
        return 0;
    char *colon = strchr(p, ':');
    if (!colon)
        return snprintf(err, errlen, "expected \"<subject> [min=<hits>]: <term>, ...\""), -1;
    size_t nlen = 0;
    while ((p[nlen] >= 'a' && p[nlen] <= 'z') || (p[nlen] >= '0' && p[nlen] <= '9') ||
           p[nlen] == '_' || p[nlen] == '-')
        nlen++;
    const char *q = skip_space(p + nlen);
    long long min = 0;
    if (nlen == 0)
        return snprintf(err, errlen, "a subject name is lower-case letters, digits, _ and -"), -1;
    if (strncmp(q, "min=", 4) == 0) {
        char *end;
        min = strtoll(q + 4, &end, 10);
        if (end == q + 4 || min < 1 || min > 1000000)
            return snprintf(err, errlen, "min= takes a number of hits from 1"), -1;
        q = skip_space(end);
    }
    if (q != colon)
        return snprintf(err, errlen, "unexpected \"%.*s\" before ':'", (int)(colon - q), q), -1;
    size_t subject = subject_index(s, p, nlen, min);
    if (subject == (size_t)-1)
        return snprintf(err, errlen, "out of memory"), -1;
    for (const char *t = colon + 1;;) {
        const char *comma = strchr(t, ',');
        const char *end = comma ? comma : t + strlen(t);
        const char *a = skip_space(t);
        const char *b = end;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a == b) {
            /* A trailing comma is fine (the list goes on next line); an
             * empty term between two commas is a slip worth reporting. */
            if (comma || t == colon + 1)
                return snprintf(err, errlen, "empty term"), -1;
            break;
        }
        if (add_term(s, subject, a, (size_t)(b - a), err, errlen) < 0)
            return -1;
        if (!comma)
            break;
        t = comma + 1;
        if (*skip_space(t) == '\0')
            break;
    }
    return 0;
}

static void subjects_destroy(void *state)
{
    subjects_t *s = state;
    if (!s)
        return;
    free(s->exact.entries);
    free(s->exact.slots);
    free(s->prefix.entries);
    free(s->prefix.slots);
    for (size_t i = 0; i < s->nterms; i++)
        nw_words_free(&s->terms[i].words);
    for (size_t i = 0; i < s->nsubjects; i++) {
        free(s->subjects[i].name);
        json_decref(s->subjects[i].name_json);
        json_decref(s->subjects[i].uri_json);
        free(s->subjects[i].head);
    }
    free(s->terms);
    free(s->subjects);
    free(s);
}

static int load_rules(subjects_t *s, const nw_enricher_api_t *api, void *host, char *errbuf,
                      size_t errlen)
{
    const char *name = api->config(host, "rules");
    char path[4096];
    if (!name || !*name)
        name = "subjects.rules";
    if (api->data_path(host, name, path, sizeof(path)) < 0) {
        snprintf(errbuf, errlen,
                 "enrichers.subjects.rules: cannot find %s (relative names are looked up in "
                 "$NEWSWIRE_DATA_DIR, the installed data directory and the source tree's config/)",
                 name);
        return -1;
    }
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(errbuf, errlen, "enrichers.subjects.rules: cannot open %s: %s", path,
                 strerror(errno));
        return -1;
    }
    char *line = NULL, msg[256];
    size_t cap = 0, lineno = 0;
    int rc = 0;
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        if (parse_line(s, line, msg, sizeof(msg)) < 0) {
            snprintf(errbuf, errlen, "%s:%zu: %s", path, lineno, msg);
            rc = -1;
            break;
        }
    }
    free(line);
    fclose(fp);
    if (rc == 0 && s->nterms == 0) {
        snprintf(errbuf, errlen, "%s: no rules", path);
        rc = -1;
    }
    return rc;
}

/* The subject's uri, joined in place (json_sprintf() went through
 * vsnprintf() twice for each). */
static json_t *subject_uri(const char *name)
{
    char uri[128];
    size_t n = strlen(name), pre = sizeof(SUBJECT_URI) - 1;
    if (pre + n >= sizeof(uri))
        return json_sprintf(SUBJECT_URI "%s", name);
    memcpy(uri, SUBJECT_URI, pre);
    memcpy(uri + pre, name, n);
    return json_stringn(uri, pre + n);
}

/* The start of a subject's entry as the dump writes it,
 * {"name":<name>,"uri":<uri>,"relevance": appended to b; -1 (nothing
 * appended) when jansson would refuse the name, and with it the entry. */
static int subject_head(nw_buf_t *b, const char *name)
{
    size_t n = strlen(name);
    if (!nw_builtin_valid_string(name, n))
        return -1;
    nw_buf_lit(b, "{\"name\":");
    nw_json_put_string(b, name, n);
    /* The prefix is ASCII that needs no escape: the uri's escaped text is
     * the prefix, then the name's. */
    nw_buf_lit(b, ",\"uri\":\"" SUBJECT_URI);
    size_t at = b->len;
    nw_json_put_string(b, name, n);
    if (nw_buf_ok(b)) {
        memmove(b->data + at, b->data + at + 1, b->len - at - 1);
        b->len--;
        b->data[b->len] = '\0';
    }
    nw_buf_lit(b, ",\"relevance\":");
    return 0;
}

/* Each subject's name and uri as JSON strings, and the bytes that start its
 * entry, made once: a record's entry takes references to them (or copies
 * the bytes) instead of making and freeing its own. */
static void subjects_share(subjects_t *s)
{
    for (size_t i = 0; i < s->nsubjects; i++) {
        subject_t *sub = &s->subjects[i];
        sub->name_json = json_string(sub->name);
        sub->uri_json = subject_uri(sub->name);
        nw_buf_t head = NW_BUF_INIT;
        if (subject_head(&head, sub->name) == 0 && nw_buf_ok(&head)) {
            sub->head_len = head.len;
            sub->head = nw_buf_steal(&head);
        }
        nw_buf_free(&head);
    }
}

static int subjects_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                         size_t errlen)
{
    subjects_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (nw_builtin_int(api, host, "subjects", "min.hits", 3, 1, 1000000, &s->min_hits, errbuf,
                       errlen) < 0 ||
        nw_builtin_int(api, host, "subjects", "max", 5, 1, 1000, &s->max, errbuf, errlen) < 0 ||
        load_rules(s, api, host, errbuf, errlen) < 0) {
        subjects_destroy(s);
        return -1;
    }
    if (index_build(&s->exact, 0) < 0 || index_build(&s->prefix, 3) < 0) {
        snprintf(errbuf, errlen, "out of memory");
        subjects_destroy(s);
        return -1;
    }
    subjects_share(s);
    *state = s;
    return 0;
}

/* Whether the n bytes at a and b agree; both are words of an nw_words_t or
 * rule keys, which can be read NW_WORDS_SLACK bytes wide. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    return n <= NW_WORDS_SLACK ? nw_words_same(a, b, n) : memcmp(a, b, n) == 0;
}

/* True when term t matches the words starting at i. Both lists know their
 * words' lengths, so a word is compared only when its length can match. */
static bool term_matches(const term_t *t, const nw_words_t *w, size_t i)
{
    if (i + t->words.n > w->n)
        return false;
    for (size_t k = 0; k < t->words.n; k++) {
        size_t tn = nw_words_len(&t->words, k), an = nw_words_len(w, i + k);
        bool last_prefix = t->prefix && k + 1 == t->words.n;
        if ((last_prefix ? an < tn : an != tn) ||
            !same_bytes(nw_words_at(w, i + k), nw_words_at(&t->words, k), tn))
            return false;
    }
    return true;
}

/* A record's counts: per subject its hits, and the word position + 1 of
 * its last hit (a subject counts at most once a position). */
typedef struct tally {
    long long *hits;
    size_t *seen_at;
} tally_t;

/* Counts a hit of subject at word position i, at most one a position. */
static inline void hit(tally_t *t, size_t subject, size_t i)
{
    if (t->seen_at[subject] != i + 1) {
        t->hits[subject]++;
        t->seen_at[subject] = i + 1;
    }
}

/* The slot of x with the key key (a hash, or a key3()), searched from
 * slot start; NULL when there is none. With a word (n bytes), the first
 * entry's key must be that word too: a slot with the hash and another key
 * (a collision) is passed over. */
static inline const rule_slot_t *slot_of(const rule_index_t *x, size_t start, uint64_t key,
                                         const char *word, size_t n)
{
    for (size_t k = start & x->mask;; k = (k + 1) & x->mask) {
        const rule_slot_t *sl = &x->slots[k];
        if (!sl->n)
            return NULL;
        const rule_entry_t *e = &x->entries[sl->first];
        if (sl->hash == key && (!word || (e->len == n && same_bytes(e->key, word, n))))
            return sl;
    }
}

/* The terms whose first word is word i (exact_hash() h). Out of line: most
 * words start no term (see count_words()). */
__attribute__((noinline)) static void count_exact(const subjects_t *s, const nw_words_t *w,
                                                  size_t i, uint64_t h, tally_t *t)
{
    const rule_index_t *x = &s->exact;
    const rule_slot_t *sl = slot_of(x, exact_start(h), h, nw_words_at(w, i), nw_words_len(w, i));
    if (!sl)
        return;
    for (const rule_entry_t *e = &x->entries[sl->first], *end = e + sl->n; e < end; e++)
        if (t->seen_at[e->subject] != i + 1 && (e->whole || term_matches(&s->terms[e->term], w, i)))
            hit(t, e->subject, i);
}

/* The one-word prefix terms that word i (whose key3() is k3) begins
 * with. A slot's key is k3 itself, so finding it compares no bytes and
 * hashes nothing more. A word shorter than three bytes has unspecified
 * bytes in k3 but is shorter than every prefix. */
__attribute__((noinline)) static void count_prefix(const subjects_t *s, const nw_words_t *w,
                                                   size_t i, uint32_t k3, tally_t *t)
{
    const rule_index_t *x = &s->prefix;
    const rule_slot_t *sl = slot_of(x, prefix_bit(k3), k3, NULL, 0);
    if (!sl)
        return;
    const char *word = nw_words_at(w, i);
    size_t n = nw_words_len(w, i);
    for (const rule_entry_t *e = &x->entries[sl->first], *end = e + sl->n; e < end; e++)
        if (n >= e->len && same_bytes(word, e->key, e->len))
            hit(t, e->subject, i);
}

/* Words filtered before the lookups of those that pass (count_words()). */
#define SUBJECTS_BATCH 256

/* Counts the hits of the words of w. Most words start no term and are
 * passed over after one bit, that of their first four bytes in first4
 * (two thirds of the benchmark's words; the two filters each word took
 * were some 20 instructions, this one 12), in a loop that keeps the
 * list's arrays and the filters in locals, with the lookups that can
 * find a term out of line: read through w and s, they were reloaded after
 * every store and call.
 *
 * The words go in batches: the first loop appends each word's position
 * to a list and moves the list's end on by the word's bit, with no
 * branch; the second takes the words of the list, in order. A branch on
 * the bit, taken by a third of the words as they fall, was mispredicted
 * 232 times a message in this function (cachegrind's branch simulation
 * over the benchmark corpus), 75 in batches. */
__attribute__((noinline)) static void count_words(const subjects_t *s, const nw_words_t *w,
                                                  tally_t *t)
{
    const size_t *off = w->offsets;
    const char *text = w->text;
    const uint64_t *exact = s->exact_bits, *prefix4 = s->prefix4, *first4 = s->first4;
    size_t pass[SUBJECTS_BATCH];
    for (size_t from = 0, nw = w->n; from < nw; from += SUBJECTS_BATCH) {
        size_t to = nw - from > SUBJECTS_BATCH ? from + SUBJECTS_BATCH : nw, k = 0;
        for (size_t i = from; i < to; i++) {
            unsigned p = prefix_bit(key4(text + off[i]));
            pass[k] = i;
            k += first4[p / 64] >> (p % 64) & 1;
        }
        for (size_t j = 0; j < k; j++) {
            size_t i = pass[j];
            uint32_t k4 = key4(text + off[i]);
            unsigned p = prefix_bit(k4);
            /* Hashed here, by the third of the words that get this far:
             * the list makes no hashes. A break between fields (an empty
             * word) finds no key. */
            uint64_t h = exact_hash(text + off[i], off[i + 1] - off[i] - 1);
            unsigned b = exact_bit(h);
            if (exact[b / 64] >> (b % 64) & 1)
                count_exact(s, w, i, h, t);
            /* A word of one or two letters is not kept from the prefix
             * filter: the bytes after its NUL may pass it, and
             * count_prefix() finds it shorter than every prefix. */
            if (prefix4[p / 64] >> (p % 64) & 1)
                count_prefix(s, w, i, k4 & 0xFFFFFFu, t);
        }
    }
}

static int cmp_hit(const void *a, const void *b, void *names)
{
    const hit_t *x = a, *y = b;
    if (x->hits != y->hits)
        return x->hits > y->hits ? -1 : 1;
    const subject_t *s = names;
    return strcmp(s[x->subject].name, s[y->subject].name);
}

/* The subject's entry; {"name", "uri", "relevance"}, in that order. */
static json_t *subject_item(const subject_t *sub, long long relevance)
{
    json_t *o = json_object();
    json_t *name = sub->name_json ? json_incref(sub->name_json) : json_string(sub->name);
    json_t *uri = sub->uri_json ? json_incref(sub->uri_json) : subject_uri(sub->name);
    /* The keys are literals of this file; each call takes its value's
     * reference, also when it fails (o NULL included). */
    int rc = json_object_set_new_nocheck(o, "name", name);
    rc |= json_object_set_new_nocheck(o, "uri", uri);
    rc |= json_object_set_new_nocheck(o, "relevance", nw_builtin_count(relevance));
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Appends n >= 0 in decimal, as "%lld" writes it. */
static void put_count(nw_buf_t *b, long long n)
{
    char d[20];
    nw_buf_append(b, d, (size_t)(nw_builtin_udec(d, (unsigned long long)n) - d));
}

/* The subjects the article reaches, best first, at most max: *found (the
 * caller frees it) and *nfound. NW_ENRICH_OK when there are some; else the
 * status and detail to report. */
static nw_enrich_status_t subjects_find(const subjects_t *s, const nw_enrich_input_t *in,
                                        hit_t **found_out, size_t *nfound_out, char *detail,
                                        size_t detail_len)
{
    nw_words_t own = NW_WORDS_INIT;
    /* The three per-subject arrays in one block (all of 8-byte members). */
    hit_t *found = calloc(s->nsubjects, sizeof(*found) + sizeof(long long) + sizeof(size_t));
    long long *hits = found ? (long long *)(found + s->nsubjects) : NULL;
    size_t *seen_at = found ? (size_t *)(hits + s->nsubjects) : NULL;
    nw_enrich_status_t st = NW_ENRICH_OK;
    size_t nfound = 0;
    const nw_words_t *w = nw_words_of(in, &own);
    *found_out = found;
    if (!found || w->oom) {
        snprintf(detail, detail_len, "out of memory");
        st = NW_ENRICH_DEGRADED;
        goto out;
    }
    count_words(s, w, &(tally_t){hits, seen_at});
    for (size_t i = 0; i < s->nsubjects; i++) {
        long long min = s->subjects[i].min ? s->subjects[i].min : s->min_hits;
        if (hits[i] >= min)
            found[nfound++] = (hit_t){i, hits[i]};
    }
    if (nfound == 0) {
        snprintf(detail, detail_len, "no rule reached its minimum");
        st = NW_ENRICH_SKIPPED;
        goto out;
    }
    qsort_r(found, nfound, sizeof(*found), cmp_hit, s->subjects);
    if (nfound > (size_t)s->max)
        nfound = (size_t)s->max;
out:
    *nfound_out = nfound;
    nw_words_free(&own);
    return st;
}

/* Entry i's relevance: its hits against the best's, in percent, rounded. */
static long long relevance(const hit_t *found, size_t i)
{
    return (found[i].hits * 100 + found[0].hits / 2) / found[0].hits;
}

/* The detail: each subject found and its hits. */
static nw_enrich_status_t subjects_note(const subjects_t *s, const hit_t *found, size_t nfound,
                                        char *detail, size_t detail_len)
{
    nw_buf_t note = NW_BUF_INIT;
    for (size_t i = 0; i < nfound; i++) {
        nw_buf_puts(&note, i ? ", " : "");
        nw_buf_puts(&note, s->subjects[found[i].subject].name);
        nw_buf_putc(&note, ' ');
        put_count(&note, found[i].hits);
    }
    const char *text = nw_buf_str(&note); /* "" when out of memory */
    nw_builtin_note(detail, detail_len, text, strlen(text));
    nw_buf_free(&note);
    return NW_ENRICH_OK;
}

static nw_enrich_status_t subjects_oom(char *detail, size_t detail_len)
{
    snprintf(detail, detail_len, "out of memory");
    return NW_ENRICH_DEGRADED;
}

static nw_enrich_status_t subjects_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                          char *detail, size_t detail_len)
{
    const subjects_t *s = state;
    hit_t *found;
    size_t nfound;
    nw_enrich_status_t st = subjects_find(s, in, &found, &nfound, detail, detail_len);
    if (st != NW_ENRICH_OK)
        goto out;
    json_t *list = json_object_get(record, "subjects");
    if (!json_is_array(list)) {
        list = json_array();
        if (!list || json_object_set_new(record, "subjects", list) < 0) {
            st = subjects_oom(detail, detail_len);
            goto out;
        }
    }
    for (size_t i = 0; i < nfound; i++) {
        const subject_t *sub = &s->subjects[found[i].subject];
        if (json_array_append_new(list, subject_item(sub, relevance(found, i))) < 0) {
            st = subjects_oom(detail, detail_len);
            goto out;
        }
    }
    st = subjects_note(s, found, nfound, detail, detail_len);
out:
    free(found); /* hits and seen_at too */
    return st;
}

nw_enrich_status_t nw_builtin_subjects_bytes(void *state, nw_enrich_bytes_t *rec,
                                             const nw_enrich_input_t *in, char *detail,
                                             size_t detail_len)
{
    const subjects_t *s = state;
    hit_t *found;
    size_t nfound;
    nw_enrich_status_t st = subjects_find(s, in, &found, &nfound, detail, detail_len);
    if (st == NW_ENRICH_OK) {
        nw_buf_t *b = &rec->top;
        nw_buf_lit(b, ",\"subjects\":[");
        for (size_t i = 0; i < nfound && st == NW_ENRICH_OK; i++) {
            const subject_t *sub = &s->subjects[found[i].subject];
            if (i)
                nw_buf_putc(b, ',');
            if (sub->head)
                nw_buf_append(b, sub->head, sub->head_len);
            else if (subject_head(b, sub->name) < 0) {
                /* As the jansson path leaves it: the entries before. */
                if (i && nw_buf_ok(b))
                    b->data[--b->len] = '\0';
                st = subjects_oom(detail, detail_len);
                break;
            }
            nw_json_put_int(b, relevance(found, i));
            nw_buf_putc(b, '}');
        }
        nw_buf_putc(b, ']');
        if (st == NW_ENRICH_OK)
            st = subjects_note(s, found, nfound, detail, detail_len);
    }
    free(found); /* hits and seen_at too */
    return st;
}

static const nw_enricher_t subjects_enricher = {
    .abi_version = NW_ENRICHER_ABI_VERSION,
    .size = sizeof(nw_enricher_t),
    .name = "subjects",
    .description = "Subjects from keyword rules (ninjs subjects)",
    .init = subjects_init,
    .enrich = subjects_enrich,
    .destroy = subjects_destroy,
    .enrich_batch = NULL,
};

const nw_enricher_t *nw_builtin_subjects(const nw_enricher_api_t *api)
{
    (void)api;
    return &subjects_enricher;
}
