/*
 * Timestamps as news sites print them, read into UTC seconds.
 *
 * Sites write dates in many styles ("Updated December 30th, 2021 at 15:02 IST",
 * "Published 06:46 IST, September 25th 2024", ISO 8601 ...). This module
 * recognises a timestamp line by its label, reads the date, time and zone in
 * whatever order they come, and converts to UTC. It never normalises an
 * impossible value (February 30th, 25:02, minute 61, "Decmber"): those are
 * errors whose message quotes the offending text.
 *
 * Zone abbreviations are ambiguous (IST, BST, CST), so they resolve through a
 * table: the default maps them as a news desk would, and configuration can
 * override entries globally or per source (nw_zone_table_set()).
 *
 * What a timestamp must hold, and how edge cases are decided:
 * - A date (day, month, year 1970..2199), a time of day and a zone, all
 *   three, ISO 8601 included ("2021-12-30T09:32:00Z"; "+05:30" or "Z" is the
 *   zone). A missing zone is an error ("no time zone"), never UTC by default:
 *   a guessed zone is off by hours without anyone noticing. A date alone is
 *   an error too ("no time of day").
 * - Numeric dates other than ISO YYYY-MM-DD ("30/12/2021") are refused:
 *   day-month and month-day order cannot be told apart.
 * - Each field at most once: two years, two times or two zones are an error.
 *   A weekday is optional, but when present it must match the date.
 * - 12-hour clocks take hours 1..12 (12 AM is 00, 12 PM is 12); 24-hour clocks
 *   0..23; minutes and seconds 0..59 (no leap seconds); fractions of a second
 *   are dropped. Ordinals must be right ("30th", not "30st").
 * - Default zones: IST +05:30, GMT/UTC/UT/Z 0, BST +01:00, WET 0, WEST +01:00,
 *   CET +01:00, CEST +02:00, EET +02:00, EEST +03:00, MSK +03:00, EST/EDT,
 *   CST/CDT, MST/MDT, PST/PDT (US), AKST/AKDT, HST, JST, KST, AEST, AEDT,
 *   ACST, ACDT, AWST, NZST, NZDT, WIB, ICT, SGT, HKT, PHT, PKT, NPT, GST (Gulf
 *   +04:00), EAT, SAST, WAT. A standard or daylight abbreviation is taken at
 *   its face value whatever the date ("EST" in July is -05:00).
 * - ET, CT, MT, PT follow US daylight saving at the printed local date and
 *   time (since 2007: second Sunday of March to first Sunday of November;
 *   1987-2006: first Sunday of April to last Sunday of October; earlier: last
 *   Sunday of April, with the 1974-75 exceptions; switching at 02:00 local).
 *   The rule "eu-central" (CET/CEST) and "uk" (GMT/BST) switch on the last
 *   Sundays of March and October at 01:00 UTC, applied to every year.
 * - With a daylight-saving rule, a wall-clock time the clocks skipped
 *   (02:30 ET on the spring-forward day) is an error quoting the text; one
 *   that happened twice (01:30 ET on the fall-back day) is read as its first
 *   occurrence, daylight time, the earlier of the two instants.
 */
#ifndef NW_TIMESTAMP_H
#define NW_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newswire/error.h"

typedef enum nw_ts_label {
    NW_TS_NONE = 0,  /* not a timestamp line */
    NW_TS_UPDATED,   /* "Updated ...", "Updated on ...", "Last Updated: ...", "Modified ..." */
    NW_TS_PUBLISHED, /* "Published ...", "Published on ...", "First published: ...", "Posted ..." */
} nw_ts_label_t;

/* Opaque table: abbreviation (case-insensitive) -> fixed offset or a DST rule. */
typedef struct nw_zone_table nw_zone_table_t;

/* A table holding the default news-desk mapping. NULL on allocation failure. */
nw_zone_table_t *nw_zone_table_new(void);
/* A deep copy (for per-source overrides layered on the global table). */
nw_zone_table_t *nw_zone_table_clone(const nw_zone_table_t *t);
void nw_zone_table_free(nw_zone_table_t *t); /* accepts NULL */

/*
 * Sets or replaces one abbreviation. spec is a fixed offset ("+05:30", "-0800",
 * "+1", "UTC") or the name of a built-in daylight-saving rule ("us-eastern",
 * "us-central", "us-mountain", "us-pacific", "eu-central", "eu-eastern",
 * "eu-western", "uk"). Returns 0 or
 * NW_ERR_INVALID with a message naming the bad spec.
 */
int nw_zone_table_set(nw_zone_table_t *t, const char *abbr, const char *spec, nw_error_t *err);

/*
 * The date policy of a source, kept with its zone table (configuration sets
 * both per source, see zoneset.h): how dates from page markup with less than
 * a full date, time and zone are taken (html_meta.h).
 * - locale: "de", "en-US": the language of visible dates when the page does
 *   not say, and what decides 04/05/2026; "" when not configured.
 * - timezone: the zone of times written without one, when the page gives no
 *   offset of its own (has_zone; rule and offset as in zones.h).
 * - country_zone_off: when false (the default), a time without a zone on a
 *   page with no offset of its own and no configured timezone takes the
 *   zone of the page's country (its language tag's region, else its URL's
 *   country-code domain) when that country keeps a single zone.
 * - unzoned: what a time without any zone becomes then: refused with a
 *   reason (the default: a guessed zone can move the time to another day),
 *   read as UTC, or kept as its date at day precision (the day is what the
 *   page states for certain, the same as a date written alone).
 * - fallback: a page with no date at all is rejected (the default), or takes
 *   the envelope's fetched_at, or that else the Kafka message timestamp; the
 *   record names the source of such a date.
 */
typedef enum nw_unzoned { NW_UNZONED_REJECT = 0, NW_UNZONED_UTC, NW_UNZONED_DAY } nw_unzoned_t;
typedef enum nw_date_fallback {
    NW_FALLBACK_NONE = 0,
    NW_FALLBACK_FETCHED,  /* the envelope's fetched_at */
    NW_FALLBACK_RECEIVED, /* fetched_at, else the Kafka message timestamp */
} nw_date_fallback_t;

typedef struct nw_date_policy {
    char locale[16];
    bool has_zone;
    int zone_rule; /* nw_zone_rule_t */
    int32_t zone_offset;
    bool country_zone_off; /* "country_zone=off" */
    nw_unzoned_t unzoned;
    nw_date_fallback_t fallback;
} nw_date_policy_t;

/*
 * Where the zone of a time written without one came from, kept in the
 * article's zone_origin and named in the record's newswire.field_sources as
 * "zone" (nothing when the time carried its zone, or had no time of day).
 */
typedef enum nw_zone_origin {
    NW_ZONE_FROM_VALUE = 0, /* the value's own zone, or no time of day */
    NW_ZONE_FROM_PAGE,      /* the page's own offset (its first zoned time) */
    NW_ZONE_FROM_SOURCE,    /* the source's configured timezone */
    NW_ZONE_FROM_COUNTRY,   /* the page's country's zone */
    NW_ZONE_FROM_UTC,       /* the policy's unzoned=utc */
} nw_zone_origin_t;

/* The record name of a zone origin ("page", "source", "country", "utc";
 * NULL for NW_ZONE_FROM_VALUE). */
const char *nw_zone_origin_name(nw_zone_origin_t o);

/* The table's policy (all defaults for a new table; clones copy it). */
const nw_date_policy_t *nw_zone_table_policy(const nw_zone_table_t *t);

/*
 * Sets one policy setting: "locale" (a language tag), "timezone" (a zone
 * spec as nw_zone_table_set() takes it, or an abbreviation the table knows),
 * "country_zone" (on, off), "unzoned" (reject, utc, day), "fallback" (none,
 * fetched_at, received).
 * Returns 0 or NW_ERR_INVALID naming the bad value.
 */
int nw_zone_table_set_policy(nw_zone_table_t *t, const char *setting, const char *value,
                             nw_error_t *err);

/*
 * Classifies a line: if it starts with a timestamp label, returns the label
 * kind and sets *rest to the first byte after the label and its separators
 * ("on", ":", "at"...). The line need not be NUL-terminated. Case-insensitive.
 * Returns NW_TS_NONE for ordinary text (including prose that merely starts
 * with "Updated" but has no date after it, e.g. "Updated guidance was issued").
 */
nw_ts_label_t nw_timestamp_label(const char *line, size_t len, size_t *rest);

/*
 * Parses the date-time text after a label (or a bare ISO 8601 string) into
 * seconds since the epoch, UTC. Returns 0, or NW_ERR_REJECTED with
 * reject = NW_REJECT_BAD_TIMESTAMP and a message quoting the text and saying
 * what is wrong ("day 30 does not exist in February 2024 in '...'").
 */
int nw_timestamp_parse(const char *text, size_t len, const nw_zone_table_t *zones, int64_t *out_utc,
                       nw_error_t *err);

/* Formats UTC seconds as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void nw_timestamp_format(int64_t utc, char out[21]);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t nw_days_from_civil(int64_t y, unsigned m, unsigned d);
void nw_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
