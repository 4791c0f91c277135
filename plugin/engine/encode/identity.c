/*
 * Article identity: the id that keys records, dedupe state and the ninjs uri.
 *
 * The message key wins when there is one (producers key by article); then the
 * envelope's canonical url (scheme and host lower-cased, fragment and
 * tracking parameters removed, so one page fetched twice is one article);
 * then a hash of what identifies a story when nothing else does.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "encode/ninjs.h"
#include "parse/timestamp.h"

static bool key_is_text(const char *key, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = nw_utf8_decode((const unsigned char *)key + i, len - i, &cp);
        if (n == 0 || cp < 0x20)
            return false;
        i += n;
    }
    return true;
}

static bool tracking_param(const char *p, size_t n)
{
    static const char *const names[] = {"fbclid", "gclid", "mc_cid", "mc_eid", "ocid"};
    if (n >= 4 && strncmp(p, "utm_", 4) == 0)
        return true;
    const char *eq = memchr(p, '=', n);
    size_t name_len = eq ? (size_t)(eq - p) : n;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == name_len && strncmp(p, names[i], name_len) == 0)
            return true;
    return false;
}

static char *canonical_url(const char *url)
{
    nw_buf_t b = NW_BUF_INIT;
    size_t len = strcspn(url, "#");
    const char *scheme_end = strstr(url, "://");
    size_t i = 0;
    /* The id is at most the url before its fragment: sized once, where
     * growing from empty took a realloc for most urls. */
    nw_buf_reserve(&b, len);
    if (scheme_end && (size_t)(scheme_end - url) < len) {
        size_t host_start = (size_t)(scheme_end - url) + 3;
        size_t host_end = host_start + strcspn(url + host_start, "/?#");
        if (host_end > len)
            host_end = len;
        for (; i < host_end; i++)
            nw_buf_putc(&b, (char)tolower((unsigned char)url[i]));
    }
    const char *q = memchr(url + i, '?', len - i);
    size_t path_end = q ? (size_t)(q - url) : len;
    nw_buf_append(&b, url + i, path_end - i);
    if (q) {
        bool first = true;
        size_t p = path_end + 1;
        while (p < len) {
            size_t n = strcspn(url + p, "&#");
            if (p + n > len)
                n = len - p;
            if (n && !tracking_param(url + p, n)) {
                nw_buf_putc(&b, first ? '?' : '&');
                nw_buf_append(&b, url + p, n);
                first = false;
            }
            p += n + 1;
        }
    }
    return nw_buf_steal(&b);
}

char *nw_article_id(const nw_article_t *a, const char *key, size_t key_len)
{
    if (key && key_len > 0) {
        if (key_is_text(key, key_len))
            return nw_memdup_str(key, key_len);
        /* Binary keys stay distinct and printable. */
        char *hex = malloc(2 * key_len + 3);
        if (hex) {
            memcpy(hex, "k-", 2);
            nw_hex((const uint8_t *)key, key_len, hex + 2);
        }
        return hex;
    }
    if (a->url && a->url[0]) {
        char *id = canonical_url(a->url);
        /* A url that is only a fragment ("#top") names no page: the story's
         * own hash below, not an empty id. */
        if (!id || id[0])
            return id;
        free(id);
    }
    char when[21], hex[65], small[512];
    uint8_t digest[32];
    nw_timestamp_format(a->has_published ? a->published : nw_article_version_time(a), when);
    /* source, 0x1F, the headline lower-cased, 0x1F, the time: written
     * into one buffer sized once, where a buffer of its own for the
     * headline grew a byte at a time and nw_buf_printf() formatted all of
     * it twice (once to measure); on the stack when it fits (all but
     * the longest headlines), not a malloc and free an id. */
    const char *source = a->source ? a->source : "", *h = a->headline ? a->headline : "";
    size_t source_len = strlen(source), h_len = strlen(h), when_len = strlen(when);
    size_t total = source_len + h_len + 2 + when_len;
    char *t = total <= sizeof(small) ? small : malloc(total);
    if (t) {
        memcpy(t, source, source_len);
        char *d = t + source_len;
        *d++ = '\x1f';
        for (size_t i = 0; i < h_len; i++)
            d[i] = (char)tolower((unsigned char)h[i]);
        d += h_len;
        *d++ = '\x1f';
        memcpy(d, when, when_len);
    }
    /* Out of memory: the hash of nothing, as before. */
    nw_sha256(t ? t : "", t ? total : 0, digest);
    if (t != small)
        free(t);
    nw_hex(digest, 16, hex);
    char *id = malloc(2 + 32 + 1);
    if (id) {
        memcpy(id, "h-", 2);
        memcpy(id + 2, hex, 33);
    }
    return id;
}
