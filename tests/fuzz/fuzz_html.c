/*
 * libFuzzer harness for the HTML-to-text reducer, its main-content
 * extraction, the character set conversion in front of it and the size
 * measure. Scraped pages are often
 * truncated or broken, and the reducer promises never to fail on malformed
 * markup, so any input must give text (or report only out-of-memory).
 *
 * Invariants, checked with abort(): success or NW_ERR_NOMEM only; the text
 * is NUL-terminated at out_len; and the text is never larger than a small
 * multiple of the input (a reducer must not amplify a message without
 * bound: the worst legitimate growth is a character reference expanding, and
 * the metadata lines it synthesises).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fuzz_util.h"
#include "parse/charset.h"
#include "parse/html.h"

/* A first byte below 8 picks a declared charset (as an envelope would give
 * one) and is not part of the page; other inputs declare none, so the
 * <meta> prescan and the defaults run on the whole input. */
static const char *declared_charset(uint8_t b)
{
    static const char *const labels[] = {"iso-8859-1", "utf-16le", "utf-16be", "shift_jis",
                                         "gb2312",     "koi8-r",   "utf-8",    "no-such"};
    return b < 8 ? labels[b] : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL;
    size_t out_len = (size_t)-1;
    nw_error_t err;
    memset(&err, 0, sizeof(err));
    NW_FUZZ_CHECK(nw_html_visible_size((const char *)data, size) <= size);
    /* A small limit sends most inputs down the visible-size paths (HTML and envelope). */
    int src = nw_html_size_check((const char *)data, size, NW_FORMAT_AUTO, 64, 1u << 20, &err);
    NW_FUZZ_CHECK(src == 0 || (src == NW_ERR_REJECTED && err.reject == NW_REJECT_TOO_LARGE));
    NW_FUZZ_CHECK(src < 0 || size <= 64 || nw_html_visible_size((const char *)data, size) <= 64 ||
                  data[0] == '{' || data[0] == ' ' || data[0] == '\n' || data[0] == '\t' ||
                  data[0] == '\r' || data[0] == '\f' || data[0] == 0xEF);
    memset(&err, 0, sizeof(err));

    const char *page = (const char *)data;
    size_t page_len = size;
    const char *declared = NULL;
    if (size > 0 && (declared = declared_charset(data[0])) != NULL) {
        page++;
        page_len--;
    }
    nw_buf_t conv = NW_BUF_INIT;
    const char *text = page;
    size_t text_len = page_len;
    int crc = nw_charset_to_utf8(&text, &text_len, NW_FORMAT_HTML, declared, &conv, &err);
    NW_FUZZ_CHECK(crc == 0 || crc == NW_ERR_NOMEM);
    if (crc == 0 && text != page) {
        /* Converted: valid UTF-8, and no more than 4 bytes per input byte
         * (3 for a single-byte charset, U+FFFD for one undefined byte). */
        NW_FUZZ_CHECK(nw_fuzz_valid_utf8((const unsigned char *)text, text_len));
        NW_FUZZ_CHECK(text_len <= 4 * page_len);
    }
    if (crc != 0) {
        text = page;
        text_len = page_len;
    }
    int rc = nw_html_to_text(text, text_len, &out, &out_len, &err);
    if (rc != 0) {
        NW_FUZZ_CHECK(rc == NW_ERR_NOMEM);
        nw_buf_free(&conv);
        return 0;
    }
    NW_FUZZ_CHECK(out != NULL);
    NW_FUZZ_CHECK(out[out_len] == '\0');
    NW_FUZZ_CHECK(out_len <= 4 * text_len + 4096);
    free(out);
    nw_buf_free(&conv);
    return 0;
}
