/*
 * Kafka positions as an operator writes them on the command line: parsing
 * TOPIC:PARTITION:OFFSET and @TIME (see kpos.h).
 *
 * Times are read strictly, as ISO 8601 with a zone, and kept to the
 * millisecond: a position is an operator's decision about exactly which
 * messages to process, so a guessed zone or a normalised impossible date
 * (February 30th) would silently select the wrong messages. The free-form
 * news timestamps of plugin/engine/parse/ are deliberately not accepted here.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "kafka/kpos.h"
#include "parse/timestamp.h"

#define TIME_HINT "expected ISO 8601 like 2021-12-30T00:00:00Z or 2021-12-30T05:30:00+05:30"

/* Reads exactly n digits at *s; -1 when they are not all digits. */
static int digits(const char **s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*s)[i]))
            return -1;
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    return v;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The zone at s: Z, +HH:MM, +HHMM or +HH (and -). Sets *offset_s. */
static int read_zone(const char *s, const char *text, int *offset_s, nw_error_t *err)
{
    if (*s == '\0')
        return nw_error_set(err, NW_ERR_RANGE,
                            "time \"%s\" has no zone: add Z for UTC or an offset like +05:30",
                            text);
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
        *offset_s = 0;
        return 0;
    }
    if (*s != '+' && *s != '-')
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": %s", text, TIME_HINT);
    int sign = *s++ == '-' ? -1 : 1;
    int hh = digits(&s, 2), mm = 0;
    if (hh >= 0 && *s == ':')
        s++;
    if (hh >= 0 && *s != '\0')
        mm = digits(&s, 2);
    if (hh < 0 || mm < 0 || *s != '\0')
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": bad zone offset; %s", text, TIME_HINT);
    if (hh > 18 || mm > 59)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": zone offset out of range", text);
    *offset_s = sign * (hh * 3600 + mm * 60);
    return 0;
}

int nw_kpos_time_parse(const char *text, int64_t *ms, nw_error_t *err)
{
    const char *s = text;
    int y = digits(&s, 4), mo = -1, d = -1, hh = -1, mi = -1, sec = 0, frac = 0;
    if (y >= 0 && *s == '-' && (s++, mo = digits(&s, 2)) >= 0 && *s == '-')
        s++, d = digits(&s, 2);
    if (d < 0)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": %s", text, TIME_HINT);
    if (*s != 'T' && *s != 't' && *s != ' ')
        return nw_error_set(err, NW_ERR_RANGE,
                            "time \"%s\" has no time of day: %s (the day starts at T00:00:00Z)",
                            text, TIME_HINT);
    s++;
    if ((hh = digits(&s, 2)) < 0 || *s++ != ':' || (mi = digits(&s, 2)) < 0)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": %s", text, TIME_HINT);
    if (*s == ':') {
        s++;
        if ((sec = digits(&s, 2)) < 0)
            return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": %s", text, TIME_HINT);
        if (*s == '.' || *s == ',') {
            int n = 0;
            for (s++; isdigit((unsigned char)*s); s++, n++)
                if (n < 3)
                    frac = frac * 10 + (*s - '0');
            if (n == 0)
                return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": %s", text, TIME_HINT);
            for (; n < 3; n++)
                frac *= 10;
        }
    }
    if (y < 1970)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": year %d is before 1970", text, y);
    if (mo < 1 || mo > 12)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": month %02d does not exist", text, mo);
    if (d < 1 || d > days_in_month(y, mo))
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": day %02d does not exist in %04d-%02d",
                            text, d, y, mo);
    if (hh > 23 || mi > 59 || sec > 59)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\": %02d:%02d:%02d is not a time of day",
                            text, hh, mi, sec);
    int offset = 0;
    int rc = read_zone(s, text, &offset, err);
    if (rc < 0)
        return rc;
    int64_t secs = nw_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mi * 60 +
                   sec - offset;
    if (secs < 0)
        return nw_error_set(err, NW_ERR_RANGE, "time \"%s\" is before 1970-01-01T00:00:00Z", text);
    *ms = secs * 1000 + frac;
    return 0;
}

/* A decimal number in [0, max], nothing else (no sign, no spaces). */
static bool read_number(const char *s, size_t n, int64_t max, int64_t *out)
{
    int64_t v = 0;
    if (n == 0 || n > 19)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        int digit = s[i] - '0';
        if (v > (max - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

int nw_kpos_parse(const char *text, nw_kpos_t *out, nw_error_t *err)
{
    memset(out, 0, sizeof(*out));
    out->text = text;
    if (text[0] == '@') {
        out->kind = NW_KPOS_AT_TIME;
        return nw_kpos_time_parse(text + 1, &out->time_ms, err);
    }
    const char *last = strrchr(text, ':');
    const char *mid = NULL;
    for (const char *c = last; c && c > text;)
        if (*--c == ':') {
            mid = c;
            break;
        }
    if (!last || !mid || mid == text)
        return nw_error_set(err, NW_ERR_RANGE,
                            "\"%s\": expected TOPIC:PARTITION:OFFSET (news.raw:0:1200) or @TIME "
                            "(@2021-12-30T00:00:00Z)",
                            text);
    size_t topic_len = (size_t)(mid - text);
    if (topic_len > NW_KPOS_TOPIC_MAX)
        return nw_error_set(err, NW_ERR_RANGE, "\"%s\": a topic name has at most %d characters",
                            text, NW_KPOS_TOPIC_MAX);
    for (size_t i = 0; i < topic_len; i++) {
        char c = text[i];
        if (!isalnum((unsigned char)c) && c != '.' && c != '_' && c != '-')
            return nw_error_set(err, NW_ERR_RANGE,
                                "\"%s\": topic \"%.*s\" is not a Kafka topic name (letters, "
                                "digits, '.', '_' and '-' only)",
                                text, (int)topic_len, text);
    }
    int64_t partition, offset;
    if (!read_number(mid + 1, (size_t)(last - mid - 1), INT32_MAX, &partition))
        return nw_error_set(err, NW_ERR_RANGE, "\"%s\": partition \"%.*s\" is not a number", text,
                            (int)(last - mid - 1), mid + 1);
    if (!read_number(last + 1, strlen(last + 1), INT64_MAX, &offset))
        return nw_error_set(err, NW_ERR_RANGE,
                            "\"%s\": offset \"%s\" is not a number (offsets start at 0)", text,
                            last + 1);
    out->kind = NW_KPOS_AT_OFFSET;
    memcpy(out->topic, text, topic_len);
    out->topic[topic_len] = '\0';
    out->partition = (int32_t)partition;
    out->offset = offset;
    return 0;
}
