/* The fast JSON loader for envelopes (see json_load.h). */
#include "parse/json_load.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Deeper documents go to jansson (its own limit is 2048): no envelope nests
 * this far, and the recursion stays small. */
enum { NW_JSON_MAX_DEPTH = 64 };

typedef struct json_scan {
    const unsigned char *p, *end;
    char *scratch; /* decoded string, room for the whole input */
    unsigned depth;
} json_scan_t;

#define NW_ONES  0x0101010101010101ULL
#define NW_HIGHS 0x8080808080808080ULL

/* True when none of the 8 bytes ends or escapes a string or needs a closer
 * look: all are 0x20..0x7F and none is '"' or '\\'. */
static inline bool plain8(const unsigned char *p)
{
    uint64_t x, q, s;
    memcpy(&x, p, 8);
    q = x ^ (0x22 * NW_ONES);
    s = x ^ (0x5C * NW_ONES);
    uint64_t bad = x | ((x - 0x20 * NW_ONES) & ~x) | ((q - NW_ONES) & ~q) | ((s - NW_ONES) & ~s);
    return (bad & NW_HIGHS) == 0;
}

static void skip_space(json_scan_t *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* One \u escape (s->p after the 'u'), a surrogate pair taken whole; the
 * code point, or -1 for what jansson rejects (and for U+0000). */
static int32_t unicode_escape(json_scan_t *s)
{
    if (s->end - s->p < 4)
        return -1;
    int32_t v = hex4(s->p);
    s->p += 4;
    if (v <= 0 || (v >= 0xDC00 && v <= 0xDFFF))
        return -1;
    if (v >= 0xD800 && v <= 0xDBFF) {
        if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u')
            return -1;
        int32_t lo = hex4(s->p + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        s->p += 6;
        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
    }
    return v;
}

/* The string at s->p (just after its opening quote), decoded into
 * s->scratch; its length, or -1. */
static ptrdiff_t scan_string(json_scan_t *s)
{
    char *out = s->scratch;
    for (;;) {
#ifdef __SSE2__
        /* plain8()'s test on 16 bytes at once: a body is mostly such runs. */
        while (s->end - s->p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s->p);
            __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                        _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
            __m128i plain = _mm_andnot_si128(stop, _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)));
            unsigned m = (unsigned)_mm_movemask_epi8(plain);
            if (m != 0xFFFF) {
                /* The plain bytes before the stop go at once; each went
                 * through the 8-byte and byte steps, retrying this test.
                 * The 8-byte steps would stop at the stop again. */
                unsigned q = (unsigned)__builtin_ctz(~m);
                _mm_storeu_si128((__m128i *)(void *)out, x);
                out += q;
                s->p += q;
                goto stop;
            }
            _mm_storeu_si128((__m128i *)(void *)out, x);
            out += 16;
            s->p += 16;
        }
#endif
        while (s->end - s->p >= 8 && plain8(s->p)) {
            memcpy(out, s->p, 8);
            out += 8;
            s->p += 8;
        }
#ifdef __SSE2__
    stop:
#endif
        if (s->p == s->end)
            return -1;
        unsigned char c = *s->p;
        if (c == '"') {
            s->p++;
            return out - s->scratch;
        }
        if (c < 0x20)
            return -1;
        if (c < 0x80 && c != '\\') {
            *out++ = (char)c;
            s->p++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = nw_utf8_common_len(s->p, (size_t)(s->end - s->p));
            if (n == 2 || n == 3) {
                out[0] = (char)s->p[0];
                out[1] = (char)s->p[1];
                if (n == 3)
                    out[2] = (char)s->p[2];
                out += n;
                s->p += n;
                continue;
            }
            n = nw_utf8_decode(s->p, (size_t)(s->end - s->p), &cp);
            if (n == 0)
                return -1;
            memcpy(out, s->p, n);
            out += n;
            s->p += n;
            continue;
        }
        if (s->end - s->p < 2)
            return -1;
        c = s->p[1];
        s->p += 2;
        /* The byte each one-letter escape stands for, 0 for other letters:
         * a line end in a text is one of these every line. */
        static const char simple[256] = {['"'] = '"',  ['\\'] = '\\', ['/'] = '/',  ['b'] = '\b',
                                         ['f'] = '\f', ['n'] = '\n',  ['r'] = '\r', ['t'] = '\t'};
        if (simple[c]) {
            *out++ = simple[c];
            continue;
        }
        if (c != 'u')
            return -1;
        int32_t cp = unicode_escape(s);
        if (cp < 0)
            return -1;
        /* The escape is at least 6 bytes long and its UTF-8 at most 4. */
        out += nw_utf8_put(out, (uint32_t)cp);
    }
}

/* A number as jansson lexes it: integers that surely fit in json_int_t,
 * reals that strtod reads back to the token's end without overflow. */
static json_t *scan_number(json_scan_t *s)
{
    const unsigned char *b = s->p, *q = s->p;
    bool neg = q < s->end && *q == '-';
    q += neg;
    if (q == s->end || *q < '0' || *q > '9')
        return NULL;
    if (*q == '0') {
        q++;
        if (q < s->end && *q >= '0' && *q <= '9')
            return NULL;
    } else {
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    }
    bool real = false;
    if (q < s->end && *q == '.') {
        q++;
        if (q == s->end || *q < '0' || *q > '9')
            return NULL;
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
        real = true;
    }
    if (q < s->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < s->end && (*q == '+' || *q == '-'))
            q++;
        if (q == s->end || *q < '0' || *q > '9')
            return NULL;
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
        real = true;
    }
    size_t n = (size_t)(q - b);
    s->p = q;
    if (!real) {
        if (n - neg > 18)
            return NULL;
        json_int_t v = 0;
        for (const unsigned char *d = b + neg; d < q; d++)
            v = v * 10 + (*d - '0');
        return json_integer(neg ? -v : v);
    }
    char tok[64];
    if (n >= sizeof(tok))
        return NULL;
    memcpy(tok, b, n);
    tok[n] = '\0';
    char *stop;
    errno = 0;
    double v = strtod(tok, &stop);
    if (stop != tok + n || (errno == ERANGE && isinf(v)))
        return NULL;
    return json_real(v);
}

static json_t *scan_value(json_scan_t *s);

/* Consumes c if it comes next. */
static bool take_char(json_scan_t *s, char c)
{
    if (s->p < s->end && *s->p == (unsigned char)c) {
        s->p++;
        return true;
    }
    return false;
}

/* After an object member or array element: 1 when `close` ends the
 * container (consumed), 0 after a comma (consumed, with the space after
 * it), -1 for anything else. */
static int after_item(json_scan_t *s, char close)
{
    skip_space(s);
    if (take_char(s, close))
        return 1;
    if (!take_char(s, ','))
        return -1;
    skip_space(s);
    return 0;
}

static json_t *scan_object(json_scan_t *s)
{
    json_t *o = json_object();
    skip_space(s);
    if (take_char(s, '}'))
        return o;
    while (o && take_char(s, '"')) {
        ptrdiff_t klen = scan_string(s);
        if (klen < 0)
            break;
        /* The key is copied out of the scratch before the value reuses it. */
        char kbuf[128];
        char *key = klen < (ptrdiff_t)sizeof(kbuf) ? kbuf : malloc((size_t)klen + 1);
        if (!key)
            break;
        memcpy(key, s->scratch, (size_t)klen);
        key[klen] = '\0';
        json_t *v = NULL;
        skip_space(s);
        if (!json_object_getn(o, key, (size_t)klen) && take_char(s, ':')) {
            skip_space(s);
            v = scan_value(s);
        }
        int rc = v ? json_object_setn_new_nocheck(o, key, (size_t)klen, v) : -1;
        if (key != kbuf)
            free(key);
        int next = rc < 0 ? -1 : after_item(s, '}');
        if (next > 0)
            return o;
        if (next < 0)
            break;
    }
    json_decref(o);
    return NULL;
}

static json_t *scan_array(json_scan_t *s)
{
    json_t *a = json_array();
    skip_space(s);
    if (take_char(s, ']'))
        return a;
    while (a) {
        json_t *v = scan_value(s);
        int next = !v || json_array_append_new(a, v) < 0 ? -1 : after_item(s, ']');
        if (next > 0)
            return a;
        if (next < 0)
            break;
    }
    json_decref(a);
    return NULL;
}

static json_t *scan_literal(json_scan_t *s, const char *word, json_t *v)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return NULL;
    s->p += n;
    return v;
}

/* The value at s->p (no leading space). */
static json_t *scan_value(json_scan_t *s)
{
    if (s->p == s->end)
        return NULL;
    switch (*s->p) {
    case '"': {
        s->p++;
        ptrdiff_t n = scan_string(s);
        return n < 0 ? NULL : json_stringn_nocheck(s->scratch, (size_t)n);
    }
    case '{':
    case '[': {
        if (++s->depth > NW_JSON_MAX_DEPTH)
            return NULL;
        bool obj = *s->p++ == '{';
        json_t *v = obj ? scan_object(s) : scan_array(s);
        s->depth--;
        return v;
    }
    case 't':
        return scan_literal(s, "true", json_true());
    case 'f':
        return scan_literal(s, "false", json_false());
    case 'n':
        return scan_literal(s, "null", json_null());
    default:
        return scan_number(s);
    }
}

json_t *nw_json_load_fast(const char *data, size_t len)
{
    json_scan_t s = {.p = (const unsigned char *)data, .end = (const unsigned char *)data + len};
    skip_space(&s);
    /* Like json_loadb() without JSON_DECODE_ANY: an object or an array. */
    if (s.p == s.end || (*s.p != '{' && *s.p != '['))
        return NULL;
    if (!(s.scratch = malloc(len + 1)))
        return NULL;
    json_t *v = scan_value(&s);
    free(s.scratch);
    skip_space(&s);
    if (v && s.p != s.end) {
        json_decref(v);
        v = NULL;
    }
    return v;
}
