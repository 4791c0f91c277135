/*
 * nw_charset_to_utf8(): legacy encodings to UTF-8 through glibc's iconv
 * (see charset.h).
 *
 * Labels are mapped as the WHATWG Encoding Standard maps them where it
 * matters for news pages: ISO-8859-1, Latin-1 and US-ASCII mean
 * Windows-1252 (browsers have always decoded them so, and pages rely on it
 * for curly quotes in 0x80-0x9F), GB2312 and GBK mean GB18030. The <meta>
 * prescan reads at most 8 KiB, and the UTF-8 validity test and the
 * conversion are single passes: linear in the input.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "parse/charset.h"

#define NW_CHARSET_SNIFF_BYTES 8192
#define NW_CHARSET_LABEL_MAX   40

/* Counts s's invalid bytes, valid multi-byte sequences and control bytes
 * (which text does not contain, binary data does), in one pass. */
static void utf8_census(const char *s, size_t len, size_t *invalid, size_t *multi, size_t *ctrl)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    *invalid = *multi = *ctrl = 0;
    while (i < len) {
        i += nw_utf8_printable_run(s + i, len - i);
        if (i == len)
            break;
        if (p[i] < 0x80) {
            if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f')
                (*ctrl)++;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = nw_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            (*invalid)++;
            i++;
        } else {
            (*multi)++;
            i += n;
        }
    }
}

static bool is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
}

bool nw_charset_sniff_html(const char *s, size_t len, char *out, size_t n)
{
    if (len > NW_CHARSET_SNIFF_BYTES)
        len = NW_CHARSET_SNIFF_BYTES;
    size_t i = 0;
    while (i + 5 <= len) {
        const char *m = memchr(s + i, '<', len - i);
        if (!m)
            break;
        size_t p = (size_t)(m - s);
        i = p + 1;
        if (p + 5 > len || strncasecmp(s + p, "<meta", 5) != 0)
            continue;
        const char *gt = memchr(s + p, '>', len - p);
        size_t end = gt ? (size_t)(gt - s) : len;
        /* "charset" anywhere in the tag: charset=x, or content="text/html; charset=x". */
        for (size_t k = p + 5; k + 7 <= end; k++) {
            if (strncasecmp(s + k, "charset", 7) != 0)
                continue;
            size_t v = k + 7;
            while (v < end && (s[v] == ' ' || s[v] == '\t'))
                v++;
            if (v >= end || s[v] != '=')
                continue;
            v++;
            while (v < end && (s[v] == ' ' || s[v] == '"' || s[v] == '\''))
                v++;
            size_t w = 0;
            while (v < end && is_label_char(s[v]) && w + 1 < n)
                out[w++] = s[v++];
            out[w] = '\0';
            if (w > 0)
                return true;
        }
        i = end;
    }
    return false;
}

/* The iconv name for a label, or NULL when the bytes are UTF-8 already. */
static const char *iconv_name(const char *label)
{
    static const struct {
        const char *label, *name;
    } map[] = {
        {"utf-8", NULL},
        {"utf8", NULL},
        {"unicode-1-1-utf-8", NULL},
        {"iso-8859-1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"},
        {"iso_8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"},
        {"l1", "WINDOWS-1252"},
        {"us-ascii", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"},
        {"cp1252", "WINDOWS-1252"},
        {"gb2312", "GB18030"},
        {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcasecmp(label, map[i].label) == 0)
            return map[i].name;
    return label;
}

/* Converts with iconv; undefined or truncated sequences become U+FFFD. */
static int convert(iconv_t cd, const char *s, size_t len, size_t unit, nw_buf_t *out,
                   nw_error_t *err)
{
    char chunk[8192];
    char *in = (char *)s;
    size_t left = len;
    for (;;) {
        char *o = chunk;
        size_t room = sizeof(chunk);
        size_t r = iconv(cd, left ? &in : NULL, left ? &left : NULL, &o, &room);
        nw_buf_append(out, chunk, (size_t)(o - chunk));
        if (r != (size_t)-1) {
            if (left == 0)
                break;
            continue;
        }
        if (errno == E2BIG)
            continue;
        /* EILSEQ or EINVAL: one code unit the charset does not define
         * (two bytes in UTF-16, so the rest stays aligned). */
        nw_utf8_encode(out, 0xFFFD);
        size_t skip = unit < left ? unit : left;
        in += skip;
        left -= skip;
        if (left == 0)
            break;
    }
    if (!nw_buf_ok(out))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory converting the character set");
    return 0;
}

int nw_charset_to_utf8(const char **data, size_t *len, nw_format_t fmt, const char *declared,
                       nw_buf_t *conv, nw_error_t *err)
{
    const unsigned char *p = (const unsigned char *)*data;
    size_t n = *len, skip = 0;
    char sniffed[NW_CHARSET_LABEL_MAX];
    const char *label = NULL;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        label = "UTF-16LE", skip = 2;
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        label = "UTF-16BE", skip = 2;
    } else if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        return 0;
    } else {
        size_t invalid, multi, ctrl;
        utf8_census(*data, n, &invalid, &multi, &ctrl);
        if (invalid == 0)
            return 0;
        if (declared && *declared)
            label = declared;
        else if (fmt != NW_FORMAT_TEXT && nw_charset_sniff_html(*data, n, sniffed, sizeof(sniffed)))
            label = sniffed;
        else if (fmt == NW_FORMAT_HTML && multi == 0 && ctrl == 0)
            /* An HTML page whose high bytes hold not one UTF-8 sequence:
             * the encoding browsers assume for unlabelled Western pages.
             * Plain text keeps its documented rule (invalid bytes replaced). */
            label = "WINDOWS-1252";
        else
            return 0;
    }
    const char *name = iconv_name(label);
    if (!name)
        return 0;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return 0; /* unknown to iconv: read as UTF-8, invalid bytes replaced later */
    size_t unit = strncasecmp(name, "UTF-16", 6) == 0 ? 2 : 1;
    int rc = convert(cd, *data + skip, n - skip, unit, conv, err);
    iconv_close(cd);
    if (rc < 0)
        return rc;
    *data = nw_buf_str(conv);
    *len = conv->len;
    return 0;
}
