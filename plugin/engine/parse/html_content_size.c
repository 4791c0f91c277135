/*
 * nw_html_size_check(): the size limits of a message, measured on what the
 * parser will read.
 *
 * Real article pages of 1-2 MB are mostly inline scripts, styles and
 * comments; the article itself is a few kilobytes. So an HTML page meets
 * the message limit (parse.max.message.bytes) with what is left once those
 * are dropped, and only the raw limit (parse.max.raw.bytes, larger) with its
 * whole size. A JSON envelope carrying a page in "html" is measured the same
 * way: its size less what the page's scripts, styles and comments take. The scan finds "<script",
 * "<style" and "<!--" and jumps to their ends with the reducer's own searches (html_tags.c),
 * remembering where a search failed, so it is linear as the reducer is.
 */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "parse/html.h"
#include "parse/html_internal.h"

static bool starts_tag(const char *s, size_t len, size_t p, const char *name)
{
    size_t n = strlen(name), e = p + 1 + n;
    return e < len && strncasecmp(s + p + 1, name, n) == 0 &&
           (nw_html_is_space((unsigned char)s[e]) || s[e] == '>' || s[e] == '/');
}

size_t nw_html_visible_size(const char *s, size_t len)
{
    nw_html_marks_t marks;
    nw_html_marks_init(&marks);
    size_t kept = 0, i = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            return kept + (len - i);
        size_t p = (size_t)(lt - s);
        kept += p - i;
        if (len - p >= 4 && memcmp(s + p, "<!--", 4) == 0) {
            const char *e = memmem(s + p + 4, len - p - 4, "-->", 3);
            if (!e)
                return kept; /* an unclosed comment runs to the end */
            i = (size_t)(e - s) + 3;
            continue;
        }
        nw_html_el_t el = starts_tag(s, len, p, "script")  ? EL_SCRIPT
                          : starts_tag(s, len, p, "style") ? EL_STYLE
                                                           : EL_UNKNOWN;
        if (el == EL_UNKNOWN) {
            kept++;
            i = p + 1;
            continue;
        }
        const char *gt = memchr(s + p, '>', len - p);
        if (!gt)
            return kept + (len - p);
        size_t e = nw_html_raw_end(s, len, (size_t)(gt - s) + 1, el, &marks);
        if (e == NW_HTML_NO_MATCH)
            return kept; /* unterminated code runs to the end, as in the reducer */
        i = e;
    }
    return kept;
}

/* The first byte after a byte-order mark and whitespace, or 0. */
static char first_char(const char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && nw_html_is_space((unsigned char)s[i]))
        i++;
    return i < len ? s[i] : 0;
}

/* An envelope's size without its page's scripts, styles and comments, or
 * false when it carries no page (no "html" string, or a "text" the parser
 * reads instead). Decoded bytes are subtracted: a page's escaped form in
 * the envelope is never shorter, so this never over-counts what is dropped.
 * Only oversized messages get here, so parsing them twice costs little. */
static bool envelope_visible(const char *data, size_t len, size_t *visible)
{
    json_t *env = json_loadb(data, len, 0, NULL);
    json_t *text = env ? json_object_get(env, "text") : NULL;
    json_t *html = env ? json_object_get(env, "html") : NULL;
    bool ok = json_is_object(env) && (!text || json_is_null(text)) && json_is_string(html);
    if (ok) {
        size_t n = json_string_length(html);
        size_t dropped = n - nw_html_visible_size(json_string_value(html), n);
        *visible = len > dropped ? len - dropped : 0;
    }
    json_decref(env);
    return ok;
}

int nw_html_size_check(const char *data, size_t len, nw_format_t fmt, size_t max, size_t max_raw,
                       nw_error_t *err)
{
    if (max_raw < max)
        max_raw = max;
    if (len > max_raw)
        return nw_error_reject(err, NW_REJECT_TOO_LARGE,
                               "message of %zu bytes exceeds the raw maximum of %zu bytes", len,
                               max_raw);
    if (len <= max)
        return 0;
    char first = data ? first_char(data, len) : 0;
    bool html = fmt == NW_FORMAT_HTML || (fmt == NW_FORMAT_AUTO && first == '<');
    bool json = fmt == NW_FORMAT_JSON || (fmt == NW_FORMAT_AUTO && first == '{');
    size_t visible;
    if (json && envelope_visible(data, len, &visible)) {
        if (visible > max)
            return nw_error_reject(err, NW_REJECT_TOO_LARGE,
                                   "envelope of %zu bytes has %zu bytes without its page's "
                                   "scripts, styles and comments, over the maximum of %zu bytes",
                                   len, visible, max);
        return 0;
    }
    if (!html)
        return nw_error_reject(err, NW_REJECT_TOO_LARGE,
                               "message of %zu bytes exceeds the maximum of %zu bytes", len, max);
    visible = nw_html_visible_size(data, len);
    if (visible > max)
        return nw_error_reject(err, NW_REJECT_TOO_LARGE,
                               "HTML page of %zu bytes has %zu bytes without its scripts, styles "
                               "and comments, over the maximum of %zu bytes",
                               len, visible, max);
    return 0;
}
