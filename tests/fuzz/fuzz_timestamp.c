/*
 * libFuzzer harness for the timestamp reader: the label classifier and the
 * date-time parser on arbitrary bytes (they see raw message lines, so they
 * must never read past len nor rely on a NUL).
 *
 * Invariants, checked with abort(): the label's rest offset stays inside the
 * line; a failure is a bad-timestamp rejection with a UTF-8 message; a success
 * formats to the 20-character "YYYY-MM-DDTHH:MM:SSZ" form and, when that
 * form is inside the parser's year range, reads back to the same instant.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "parse/timestamp.h"

static nw_zone_table_t *nw_fuzz_zones;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    nw_fuzz_zones = nw_zone_table_new();
    if (!nw_fuzz_zones)
        abort();
    return 0;
}

static void nw_fuzz_parse(const char *text, size_t len)
{
    /* A heap copy of exactly len bytes, so ASan catches any read past it. */
    char *copy = malloc(len ? len : 1);
    NW_FUZZ_CHECK(copy != NULL);
    if (len)
        memcpy(copy, text, len);

    nw_error_t err;
    memset(&err, 0, sizeof(err));
    int64_t utc = 0;
    int rc = nw_timestamp_parse(copy, len, nw_fuzz_zones, &utc, &err);
    if (rc != 0) {
        NW_FUZZ_CHECK(rc == NW_ERR_REJECTED);
        NW_FUZZ_CHECK(err.reject == NW_REJECT_BAD_TIMESTAMP);
        NW_FUZZ_CHECK(err.msg[0] != '\0');
        NW_FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
        /* The message quotes the input and ends up in a dead-letter header
         * and on a terminal: it must stay text even when the input is not. */
        NW_FUZZ_CHECK(nw_fuzz_valid_utf8((const unsigned char *)err.msg, strlen(err.msg)));
        free(copy);
        return;
    }

    char out[21 + 8]; /* slack past the documented 21 bytes to detect overruns */
    memset(out, 'X', sizeof(out));
    nw_timestamp_format(utc, out);
    NW_FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL);
    NW_FUZZ_CHECK(strlen(out) == 20);
    NW_FUZZ_CHECK(out[4] == '-' && out[7] == '-' && out[10] == 'T' && out[13] == ':' &&
                  out[16] == ':' && out[19] == 'Z');

    /* The zone offset can push the UTC year just outside the range a
     * timestamp may name, so only years well inside it must read back. */
    int year = atoi(out);
    int64_t back = 0;
    nw_error_t err2;
    memset(&err2, 0, sizeof(err2));
    int rc2 = nw_timestamp_parse(out, 20, nw_fuzz_zones, &back, &err2);
    if (year > 1970 && year < 2199) {
        if (rc2 != 0)
            fprintf(stderr, "fuzz_timestamp: '%s' does not read back: %s\n", out, err2.msg);
        NW_FUZZ_CHECK(rc2 == 0);
    }
    if (rc2 == 0)
        NW_FUZZ_CHECK(back == utc);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t rest = (size_t)-1;
    nw_ts_label_t label = nw_timestamp_label(s, size, &rest);
    NW_FUZZ_CHECK(label == NW_TS_NONE || label == NW_TS_UPDATED || label == NW_TS_PUBLISHED);
    if (label != NW_TS_NONE) {
        NW_FUZZ_CHECK(rest <= size);
        nw_fuzz_parse(s + rest, size - rest);
    }
    /* Also as a bare date-time (ISO 8601 and the label-less forms). */
    nw_fuzz_parse(s, size);
    return 0;
}
