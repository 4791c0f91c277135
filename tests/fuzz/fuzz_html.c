/*
 * libFuzzer harness for the HTML-to-text reducer. Scraped pages are often
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

#include "parse/html.h"

#define NW_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_html: invariant failed: %s (%s:%d)\n", #cond, __FILE__,          \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL;
    size_t out_len = (size_t)-1;
    nw_error_t err;
    memset(&err, 0, sizeof(err));
    int rc = nw_html_to_text((const char *)data, size, &out, &out_len, &err);
    if (rc != 0) {
        NW_FUZZ_CHECK(rc == NW_ERR_NOMEM);
        return 0;
    }
    NW_FUZZ_CHECK(out != NULL);
    NW_FUZZ_CHECK(out[out_len] == '\0');
    NW_FUZZ_CHECK(out_len <= 4 * size + 4096);
    free(out);
    return 0;
}
