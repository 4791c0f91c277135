/*
 * Writes the ninjs 2.2 record of an article version straight into its
 * bytes (see ninjs.h; ninjs_tree.c builds the same record as a tree).
 *
 * Keys are added in one fixed order and no value depends on the clock, so the
 * same input gives the same bytes. Counts follow ninjs: wordcount is the
 * number of whitespace-separated words, charcount the number of Unicode
 * characters of the body text.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/buf.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "encode/body_run.h"
#include "encode/ninjs.h"
#include "encode/ninjs_internal.h"
#include "parse/timestamp.h"

/* urn_keep[c]: byte c goes into a URN as it is (unreserved and
 * sub-delimiter characters, ':', '/' and '@'). A table, so that
 * an id's runs are found a byte a load and appended whole, where a
 * strchr() and an append a byte took some 1,200 instructions a record. */
#define NW_URN1(c)                                                                                 \
    (((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') ||     \
     (c) == '-' || (c) == '.' || (c) == '_' || (c) == '~' || (c) == ':' || (c) == '/' ||           \
     (c) == '@' || (c) == '!' || (c) == '$' || (c) == '&' || (c) == '\'' || (c) == '(' ||          \
     (c) == ')' || (c) == '*' || (c) == '+' || (c) == ',' || (c) == ';' || (c) == '=')
#define NW_URN4(c)  NW_URN1(c), NW_URN1((c) + 1), NW_URN1((c) + 2), NW_URN1((c) + 3)
#define NW_URN16(c) NW_URN4(c), NW_URN4((c) + 4), NW_URN4((c) + 8), NW_URN4((c) + 12)
#define NW_URN64(c) NW_URN16(c), NW_URN16((c) + 16), NW_URN16((c) + 32), NW_URN16((c) + 48)
static const bool urn_keep[256] = {NW_URN64(0), NW_URN64(64), NW_URN64(128), NW_URN64(192)};

/* The id inside a URN: the bytes urn_keep[] names as they are, everything
 * else percent-encoded, so any key yields a valid uri. */
void nw_ninjs_urn_append(nw_buf_t *b, const char *id)
{
    static const char hex[] = "0123456789ABCDEF";
    nw_buf_lit(b, "urn:newswire:article:");
    const unsigned char *p = (const unsigned char *)id;
    for (;;) {
        const unsigned char *run = p;
        while (urn_keep[*p])
            p++;
        nw_buf_append(b, (const char *)run, (size_t)(p - run));
        if (!*p)
            return;
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        nw_buf_append(b, esc, 3);
        p++;
    }
}

/* Key text for JSON into out (empty): the bytes when they are UTF-8 that
 * nw_utf8_sanitize() leaves alone, else their hex. */
void nw_ninjs_key_text(const char *key, size_t len, nw_buf_t *out)
{
    size_t bad = nw_utf8_sanitize(key, len, out);
    if (bad || out->len != len) {
        nw_buf_reset(out);
        if (nw_buf_reserve(out, 2 * len)) {
            nw_hex((const uint8_t *)key, len, out->data);
            out->len = 2 * len;
        }
    }
}

/* The record's texts of the content hash ("sha256:<hex>") and of the
 * simhash (16 hex digits; sim may be NULL). */
void nw_ninjs_hash_texts(const uint8_t digest[32], uint64_t s,
                         char content_hash[NW_HASH_TEXT_LEN + 1], char sim[17])
{
    uint8_t be[8];
    memcpy(content_hash, "sha256:", 7);
    nw_hex(digest, 32, content_hash + 7);
    if (!sim)
        return;
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(s >> (56 - 8 * i));
    nw_hex(be, 8, sim);
}

/*
 * The direct writer (nw_ninjs_write()): the bytes nw_ninjs_build() and the
 * compact dump give, written as the record is read, without the jansson
 * tree. Every string goes through dump_string() as in the dump; text from
 * the input must be clean UTF-8 (nw_utf8_is_clean()), for which the tree
 * would skip jansson's check too. Text that is not clean takes the tree,
 * whose verdict (jansson's check) then stands.
 */
#define PUT_LIT(b, lit) nw_buf_append((b), (lit), sizeof(lit) - 1)

/* A string of n bytes of which JSON escapes none (the names in the
 * program's own tables, timestamps, hex digests): between quotes as it is,
 * what dump_string() writes of it without testing its bytes. dump_string()
 * took some 300 instructions for the content hash's 71 bytes, 550 a record
 * for the names and timestamps (bench_parse --plain). */
static void put_quoted(nw_buf_t *b, const char *s, size_t n)
{
#ifndef NDEBUG
    for (size_t i = 0; i < n; i++)
        assert((unsigned char)s[i] < 0x80 && !escape_of[(unsigned char)s[i]]);
#endif
    if (b->cap - b->len < n + 3 && !nw_buf_reserve(b, n + 2))
        return;
    char *d = b->data + b->len;
    d[0] = '"';
    memcpy(d + 1, s, n);
    d[n + 1] = '"';
    d[n + 2] = '\0';
    b->len += n + 2;
}

static void put_ascii(nw_buf_t *b, const char *s)
{
    put_quoted(b, s, strlen(s));
}

/* Whether the 8 bytes of x are printable ASCII (DEL too) other than '"'
 * and '\\'. */
static inline bool plain8(uint64_t x)
{
    return !needs_escape8(x) && !(x & 0x8080808080808080ULL);
}

/* Whether s[0, n) is all plain8() bytes: clean UTF-8 that dump_string()
 * writes as it is. Ends shorter than a step are tested by a step that
 * ends with them, over bytes already tested. */
static bool plain_ascii(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t x, y;
#ifdef __SSE2__
    if (n >= 16) {
        __m128i bad = _mm_setzero_si128();
        for (;; i += 16) {
            if (i + 16 > n)
                i = n - 16;
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            /* Signed: bytes of 0x80 and above count as below 0x20. */
            bad = _mm_or_si128(bad, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
            bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
            bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
            if (i + 16 == n)
                return _mm_movemask_epi8(bad) == 0;
        }
    }
#endif
    if (n >= 8) {
        for (; i + 8 < n; i += 8) {
            memcpy(&x, s + i, 8);
            if (!plain8(x))
                return false;
        }
        memcpy(&y, s + n - 8, 8);
        return plain8(y);
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || escape_of[(unsigned char)s[i]])
            return false;
    return true;
}

/* Input text of n bytes; false (nothing written) when it is not clean
 * UTF-8. Most of a record's short texts (its id, the source's names,
 * byline, language) are plain ASCII: one test of their bytes and a copy,
 * where the check for clean UTF-8 and dump_string() each took a pass
 * (with the headline, some 1,000 instructions a message, bench_parse
 * --plain). */
static bool put_text_n(nw_buf_t *b, const char *s, size_t n)
{
    if (plain_ascii(s, n)) {
        put_quoted(b, s, n);
        return true;
    }
    if (!nw_utf8_is_clean(s, n))
        return false;
    dump_string(b, s, n);
    return true;
}

static bool put_text(nw_buf_t *b, const char *s)
{
    return put_text_n(b, s, strlen(s));
}

/* What nw_utf8_measure() finds in the body, carried from paragraph to
 * paragraph. */
typedef struct body_count {
    size_t words, chars;
    bool in_word;
} body_count_t;

#ifdef __SSE2__
/* The set bits of a 32-bit mask, inline (without -mpopcnt,
 * __builtin_popcount() is a call into libgcc). */
static inline size_t popcount32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >> 2) & 0x33333333);
    return (((v + (v >> 4)) & 0x0F0F0F0F) * 0x01010101) >> 24;
}

/* Bit k set when byte k of x is printable ASCII other than '"' and '\\'
 * (copied as it is into a JSON string); *sp gets the bits of its spaces. */
static inline uint32_t plain16(__m128i x, uint32_t *sp)
{
    __m128i esc =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
    *sp = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
    return (uint32_t)_mm_movemask_epi8(
        _mm_andnot_si128(esc, _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F))));
}

/* The SSE2 steps of put_measured(): 32 plain bytes at once (or 16 near the
 * end), two halves' masks joined so that the count of word starts is paid
 * once for the 32 bytes; of the step where it stops, the plain bytes
 * before the first other one (which went a byte at a time, each retrying
 * these tests). Copies to d, which has room for len bytes, and returns how
 * many bytes it took. */
static size_t plain_run_sse2(const unsigned char *p, size_t len, char *d, nw_body_scan_t *c)
{
    size_t i = 0;
    while (i + 16 <= len) {
        unsigned n = i + 32 <= len ? 32 : 16;
        __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)(p + i)), x1 = x0;
        uint32_t sp, sp1 = 0, pr = plain16(x0, &sp);
        if (n == 32) {
            x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
            pr |= plain16(x1, &sp1) << 16;
            sp |= sp1 << 16;
        } else {
            pr |= 0xFFFF0000u;
        }
        unsigned q = pr == ~0u ? n : (unsigned)__builtin_ctz(~pr);
        _mm_storeu_si128((__m128i *)(void *)(d + i), x0);
        _mm_storeu_si128((__m128i *)(void *)(d + i + n - 16), x1);
        if (q)
            c->words += popcount32(nw_body_count(c, sp, q));
        i += q;
        if (q < n)
            break;
    }
    return i;
}
#endif

/*
 * Appends the inside of the JSON string of s (escaped as dump_string()
 * escapes) and counts its words and characters as nw_utf8_measure() would,
 * in one pass: the measure, the body's join and the dump each walked the
 * body before. *collapsed tells whether s is its own nw_utf8_collapse() (no
 * whitespace but single spaces between words), which the content hash then
 * need not collapse again. False when s is not valid UTF-8.
 */
static bool put_measured(nw_buf_t *b, const char *s, size_t len, body_count_t *bc, bool *collapsed)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!nw_buf_reserve(b, len))
        return true; /* b->oom says it */
    const unsigned char *p = (const unsigned char *)s;
    char *d = b->data + b->len;
    size_t i = 0;
    bool ok = true;
    /* Not collapsed: two spaces in a row (the text counts as having one
     * before and after it, for a space at its ends), or other whitespace. */
    nw_body_scan_t c = {bc->words, bc->chars, 0, 1, bc->in_word};
    size_t run_min;
    nw_body_run_fn *run = nw_body_run_pick(&run_min);
    for (;;) {
        size_t k;
        /* With fewer than 32 bytes left the AVX2 steps take none: not
         * called then (a byte at a time near a paragraph's end or a stop,
         * each came back here, the call some twenty instructions). */
        if (run && len - i >= run_min && (k = run(p + i, len - i, d, &c)) > 0) {
            d += k;
            i += k;
        }
        /* The AVX2 steps stop at a byte that is not plain, or with fewer
         * than 32 bytes left: the shorter steps would only stop at that
         * byte again (a few dozen instructions at each such byte, some
         * five a paragraph). */
        if (run && len - i >= run_min)
            goto byte;
#ifdef __SSE2__
        k = plain_run_sse2(p + i, len - i, d, &c);
        d += k;
        i += k;
#endif
        while (i + 8 <= len) {
            uint64_t x = nw_utf8_load8(p + i);
            if (!nw_utf8_printable8(x) || needs_escape8(x))
                break;
            uint64_t sp = nw_utf8_space_bytes8(x);
            c.twice |= (sp & (sp << 8)) | (sp & (c.last_sp << 7));
            c.last_sp = sp >> 63;
            c.words += nw_utf8_words8(x, &c.in_word);
            c.chars += 8;
            memcpy(d, &x, 8);
            d += 8;
            i += 8;
        }
        if (i == len)
            break;
    byte:;
        bool space;
        unsigned char ch = p[i];
        if (ch < 0x80) {
            char e = escape_of[ch];
            space = ch == ' ' || (ch >= '\t' && ch <= '\r');
            c.twice |= ch == ' ' ? c.last_sp : space;
            c.last_sp = ch == ' ';
            i++;
            if (!e) {
                *d++ = (char)ch;
            } else {
                /* Room for the escape's other bytes on top of the rest. */
                b->len = (size_t)(d - b->data);
                if (!nw_buf_reserve(b, (len - i) + 6))
                    break;
                d = b->data + b->len;
                *d++ = '\\';
                *d++ = e;
                if (e == 'u') {
                    *d++ = '0';
                    *d++ = '0';
                    *d++ = hex[ch >> 4];
                    *d++ = hex[ch & 15];
                }
            }
        } else if ((k = nw_utf8_common_len(p + i, len - i)) > 0) {
            space = false;
            c.last_sp = 0;
            d[0] = (char)p[i];
            d[1] = (char)p[i + 1];
            if (k == 3)
                d[2] = (char)p[i + 2];
            d += k;
            i += k;
        } else {
            uint32_t cp;
            k = nw_utf8_decode(p + i, len - i, &cp);
            if (!k) {
                ok = false;
                break;
            }
            space = nw_utf8_wide_space(cp);
            c.twice |= space;
            c.last_sp = 0;
            memcpy(d, p + i, k);
            d += k;
            i += k;
        }
        c.chars++;
        c.words += !space && !c.in_word;
        c.in_word = !space;
    }
    b->len = (size_t)(d - b->data);
    b->data[b->len] = '\0';
    bc->words = c.words;
    bc->chars = c.chars;
    bc->in_word = c.in_word;
    *collapsed = !c.twice && !c.last_sp;
    return ok;
}

/* "value":"<body>","contenttype":...,"charcount":N: the paragraphs joined
 * by blank lines, measured as they are written. spans[2 + i] holds
 * paragraph i and its length, and is told whether it is collapsed, for the
 * hashes. */
static bool put_body(nw_buf_t *b, const nw_article_t *a, nw_text_span_t *spans, size_t *words)
{
    body_count_t c = {0, 0, false};
    bool ok = true;
    PUT_LIT(b, "\"value\":\"");
    for (size_t i = 0; i < a->n_paragraphs && ok; i++) {
        if (i) {
            PUT_LIT(b, "\\n\\n");
            c.chars += 2;
            c.in_word = false;
        }
        nw_text_span_t *sp = &spans[2 + i];
        ok = put_measured(b, sp->s, sp->len, &c, &sp->collapsed);
    }
    PUT_LIT(b, "\",\"contenttype\":\"text/plain\",\"wordcount\":");
    dump_integer(b, (json_int_t)c.words);
    PUT_LIT(b, ",\"charcount\":");
    dump_integer(b, (json_int_t)c.chars);
    *words = c.words;
    return ok;
}

/*
 * Whether the envelope's other fields, as their compact JSON text
 * (envelope.c: json_dumps() with sorted keys), are what loading that text
 * and dumping it again would give, so that they go into the record as they
 * are: the load (some 2k instructions an envelope) and the dump gave them
 * back byte for byte. jansson's dump is its own fixed point: the keys in
 * the order the text has them, the same escapes, numbers that read back to
 * the values they were written from. What the load turns away the record
 * must fail on as before, and is sent that way: text that is not valid
 * UTF-8 (the envelope's fast loader does not check it) or has a NUL
 * (written as \u0000, which json_loads() refuses), and nesting past the
 * loader's 2,048 levels, which a text under 4,000 bytes cannot reach.
 */
static bool provenance_as_is(const char *json)
{
    size_t n = strlen(json);
    return n < 4000 && nw_utf8_is_clean(json, n) && !strstr(json, "\\u0000");
}

static bool put_source(nw_buf_t *b, const nw_article_t *a, const nw_record_source_t *s)
{
    bool ok = true;
    if (s->topic) {
        PUT_LIT(b, "{\"topic\":");
        ok &= put_text(b, s->topic);
        PUT_LIT(b, ",\"partition\":");
        dump_integer(b, s->partition);
        PUT_LIT(b, ",\"offset\":");
        dump_integer(b, s->offset);
        if (s->key) {
            nw_buf_t k = NW_BUF_INIT;
            nw_ninjs_key_text(s->key, s->key_len, &k);
            PUT_LIT(b, ",\"key\":");
            dump_string(b, nw_buf_str(&k), k.len);
            b->oom |= k.oom;
            nw_buf_free(&k);
        }
    } else {
        PUT_LIT(b, "{\"file\":");
        ok &= put_text(b, s->file ? s->file : "-");
    }
    PUT_LIT(b, ",\"format\":");
    put_ascii(b, nw_format_name(a->format));
    if (a->format == NW_FORMAT_JSON) {
        PUT_LIT(b, ",\"content_format\":");
        put_ascii(b, nw_format_name(a->inner_format));
    }
    static const char *const keys[] = {",\"name\":", ",\"url\":", ",\"fetched_at\":"};
    static const size_t key_lens[] = {8, 7, 14};
    const char *vals[] = {a->source, a->url, a->fetched_at};
    for (size_t i = 0; i < 3; i++) {
        if (vals[i]) {
            nw_buf_append(b, keys[i], key_lens[i]);
            ok &= put_text(b, vals[i]);
        }
    }
    if (a->provenance_json && provenance_as_is(a->provenance_json)) {
        PUT_LIT(b, ",\"provenance\":");
        nw_buf_puts(b, a->provenance_json);
    } else if (a->provenance_json) {
        json_t *v = json_loads(a->provenance_json, 0, NULL);
        ok &= v != NULL;
        if (v) {
            PUT_LIT(b, ",\"provenance\":");
            nw_json_put_value(b, v);
        }
        json_decref(v);
    }
    nw_buf_putc(b, '}');
    return ok;
}

static bool put_extension(nw_buf_t *b, const nw_article_t *a, const nw_record_meta_t *m,
                          const char *content_hash, const char *sim)
{
    bool ok;
    PUT_LIT(b, ",\"newswire\":{\"article_id\":");
    ok = put_text(b, m->article_id);
    PUT_LIT(b, ",\"source\":");
    ok &= put_source(b, a, &m->source);
    if (m->replay_state) {
        PUT_LIT(b, ",\"replay\":{\"state\":");
        ok &= put_text(b, m->replay_state);
        nw_buf_putc(b, '}');
    }
    PUT_LIT(b, ",\"content_hash\":");
    put_quoted(b, content_hash, NW_HASH_TEXT_LEN);
    PUT_LIT(b, ",\"simhash\":");
    put_quoted(b, sim, 16);
    PUT_LIT(b, ",\"image_credits\":[");
    for (size_t i = 0; i < a->n_image_credits; i++) {
        if (i)
            nw_buf_putc(b, ',');
        ok &= put_text(b, a->image_credits[i]);
    }
    nw_buf_putc(b, ']');
    bool any = false;
    for (int f = 0; f < NW_FIELD__COUNT; f++) {
        if (a->field_source[f] == NW_SRC_UNSET)
            continue;
        if (any)
            nw_buf_putc(b, ',');
        else
            PUT_LIT(b, ",\"field_sources\":{");
        any = true;
        put_ascii(b, nw_field_name((nw_field_t)f));
        nw_buf_putc(b, ':');
        put_ascii(b, nw_field_source_name((nw_field_source_t)a->field_source[f]));
    }
    const char *zone = nw_zone_origin_name((nw_zone_origin_t)a->zone_origin);
    if (any && zone) {
        PUT_LIT(b, ",\"zone\":");
        put_ascii(b, zone);
    }
    if (any)
        nw_buf_putc(b, '}');
    uint8_t first = a->has_published ? a->published_precision : a->updated_precision;
    uint8_t version = a->has_updated ? a->updated_precision : a->published_precision;
    if (first != NW_PRECISION_SECOND || version != NW_PRECISION_SECOND) {
        PUT_LIT(b, ",\"time_precision\":{\"firstcreated\":");
        put_ascii(b, first == NW_PRECISION_DAY ? "day" : "second");
        PUT_LIT(b, ",\"versioncreated\":");
        put_ascii(b, version == NW_PRECISION_DAY ? "day" : "second");
        nw_buf_putc(b, '}');
    }
    if (m->ext_tail)
        nw_buf_append(b, m->ext_tail, m->ext_tail_len);
    nw_buf_putc(b, '}');
    return ok;
}

/* The paragraphs joined by blank lines, as nw_article_body() joins them,
 * from the lengths the body's pass found. New allocation; NULL when out of
 * memory. */
static char *join_body(const nw_text_span_t *paras, size_t n)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += paras[i].len + 2;
    char *out = malloc(total), *d = out;
    for (size_t i = 0; out && i < n; i++) {
        if (i) {
            memcpy(d, "\n\n", 2);
            d += 2;
        }
        memcpy(d, paras[i].s, paras[i].len);
        d += paras[i].len;
    }
    if (out)
        *d = '\0';
    return out;
}

/* nw_ninjs_write() telling f what it found. For the splice (`spliced`):
 * the simhash is made even when the record leaves the extension out, and
 * *out has room for what the enrichers add, of which a record holds some
 * 2 KB and a quarter of its size at most on the test corpora, so that the
 * splice seldom moves the record; *cap is its size. */
static int write_record(const nw_article_t *a, const nw_record_meta_t *m, bool spliced, char **out,
                        size_t *len, size_t *cap, nw_record_facts_t *f)
{
    char first[21], version_time[21], sim[17];
    char *hash_text = f->hash_text;
    uint8_t *content_hash = f->content_hash;
    /* The parts the hashes read: headline, standfirst, paragraphs, whose
     * lengths the body's pass finds and whether they are collapsed. */
    nw_text_span_t stack_spans[64], *spans = stack_spans;
    size_t n_spans = a->n_paragraphs + 2;
    *out = NULL;
    *len = 0;
    if (!a->headline)
        return 1;
    if (n_spans > sizeof(stack_spans) / sizeof(stack_spans[0]) &&
        !(spans = malloc(n_spans * sizeof(*spans))))
        return NW_ERR_NOMEM;
    spans[0] = (nw_text_span_t){a->headline, strlen(a->headline), false};
    spans[1] = (nw_text_span_t){a->standfirst, a->standfirst ? strlen(a->standfirst) : 0, false};
    size_t text_len = spans[0].len + spans[1].len;
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        spans[2 + i] =
            (nw_text_span_t){a->paragraphs[i].text, nw_paragraph_len(&a->paragraphs[i]), false};
        text_len += spans[2 + i].len;
    }
    /* firstcreated is the version's time in a third of the test corpus's
     * records: formatted once then. */
    int64_t version_at = nw_article_version_time(a);
    int64_t first_at = a->has_published ? a->published : version_at;
    nw_timestamp_format(version_at, version_time);
    if (first_at == version_at)
        memcpy(first, version_time, sizeof(first));
    else
        nw_timestamp_format(first_at, first);
    /* The record is written straight into the buffer it is handed over in,
     * not into a scratch buffer and then copied out (some 6 KB a record):
     * sized from the text's length, with room for the escapes and the
     * members around the text (about 1 KB without the enrichers' members;
     * one record in a hundred of the test corpus outgrows it);
     * a record that does not fit grows the buffer as any nw_buf. */
    size_t guess = text_len + text_len / 16 + 2 * a->n_paragraphs + 1024 + m->ext_tail_len;
    if (spliced)
        guess += guess / 4 + 2048;
    nw_buf_t rec = {.data = malloc(guess), .len = 0, .cap = guess}, *b = &rec;
    if (!rec.data) {
        if (spans != stack_spans)
            free(spans);
        return NW_ERR_NOMEM;
    }
    /* The urn is ASCII without '"' or '\\' (those are percent-encoded), so
     * its JSON string is the urn between quotes. */
    PUT_LIT(b, "{\"uri\":\"");
    nw_ninjs_urn_append(b, m->article_id);
    PUT_LIT(b, "\",\"type\":\"text\",\"representationtype\":\"full\",\"version\":\"");
    dump_integer(b, (json_int_t)m->version);
    PUT_LIT(b, "\",\"firstcreated\":");
    put_ascii(b, first);
    PUT_LIT(b, ",\"versioncreated\":");
    put_ascii(b, version_time);
    PUT_LIT(b, ",\"headlines\":[{\"role\":\"main\",\"value\":");
    bool ok = put_text_n(b, a->headline, spans[0].len); /* lengths the spans have */
    PUT_LIT(b, "}]");
    if (a->standfirst) {
        PUT_LIT(b, ",\"descriptions\":[{\"role\":\"summary\",\"value\":");
        ok &= put_text_n(b, a->standfirst, spans[1].len);
        PUT_LIT(b, "}]");
    }
    PUT_LIT(b, ",\"bodies\":[{\"role\":\"text\",");
    ok &= put_body(b, a, spans, &f->words);
    PUT_LIT(b, "}]");
    if (ok) {
        /* After the body, whose pass made the spans. */
        bool want_sim = spliced || !m->plain_ninjs;
        f->simhash = 0;
        nw_hash_spans(spans, n_spans, content_hash, want_sim ? &f->simhash : NULL);
        nw_ninjs_hash_texts(content_hash, f->simhash, hash_text, want_sim ? sim : NULL);
    }
    if (a->byline) {
        PUT_LIT(b, ",\"by\":");
        ok &= put_text(b, a->byline);
    }
    if (a->language) {
        PUT_LIT(b, ",\"language\":");
        ok &= put_text(b, a->language);
    }
    if (ok && !m->plain_ninjs)
        ok &= put_extension(b, a, m, hash_text, sim);
    nw_buf_putc(b, '}');
    int rc = 1;
    if (ok) {
        /* The splice's room, which the guess has left in all but the
         * largest records. */
        rc = nw_buf_reserve(b, spliced ? b->len / 4 + 2048 : 0) ? 0 : NW_ERR_NOMEM;
        if (rc == 0 && spliced && !(f->body = join_body(spans + 2, a->n_paragraphs)))
            rc = NW_ERR_NOMEM;
        if (rc == 0) {
            *len = b->len;
            *cap = b->cap;
            *out = nw_buf_steal(b);
        }
    }
    nw_buf_free(b);
    if (spans != stack_spans)
        free(spans);
    return rc;
}

int nw_ninjs_write(const nw_article_t *a, const nw_record_meta_t *m, char **out, size_t *len,
                   uint8_t content_hash[32])
{
    nw_record_facts_t f;
    size_t cap;
    int rc = write_record(a, m, false, out, len, &cap, &f);
    if (rc == 0)
        memcpy(content_hash, f.content_hash, sizeof(f.content_hash));
    return rc;
}

int nw_ninjs_write_facts(const nw_article_t *a, const nw_record_meta_t *m, nw_buf_t *out,
                         nw_record_facts_t *facts)
{
    char *rec = NULL;
    size_t len = 0, cap = 0;
    facts->body = NULL;
    int rc = write_record(a, m, true, &rec, &len, &cap, facts);
    if (rc == 0)
        *out = (nw_buf_t){.data = rec, .len = len, .cap = cap};
    return rc;
}
