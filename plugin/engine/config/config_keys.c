/*
 * The declared configuration: every key newswire reads, its type, default,
 * bounds and one-line description, plus the key families whose names carry
 * data. This table is the single source for validation, `--help`, the printed
 * effective configuration and config/newswire.properties, so adding a key is
 * one line here and nothing else. Also here: checking a value against its
 * key's type, since that is a property of the table rather than of storage.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIB     (1024 * 1024)
#define NOLIMIT INT64_MAX

/* One line per key in the table below. */
// clang-format off
#define KEY_STR(n, d, minlen, desc)    {n, NW_CONFIG_STRING, d, NULL, minlen, NOLIMIT, false, desc}
#define KEY_SECRET(n, d, desc)         {n, NW_CONFIG_STRING, d, NULL, 0, NOLIMIT, true, desc}
#define KEY_INT(n, d, lo, hi, desc)    {n, NW_CONFIG_INT, d, NULL, lo, hi, false, desc}
#define KEY_BOOL(n, d, desc)           {n, NW_CONFIG_BOOL, d, NULL, 0, 1, false, desc}
#define KEY_ENUM(n, d, vals, desc)     {n, NW_CONFIG_ENUM, d, vals, 0, 0, false, desc}
#define KEY_SIZE(n, d, lo, hi, desc)   {n, NW_CONFIG_SIZE, d, NULL, lo, hi, false, desc}
#define KEY_MS(n, d, lo, hi, desc)     {n, NW_CONFIG_DURATION, d, NULL, lo, hi, false, desc}
#define KEY_LIST(n, d, minitems, desc) {n, NW_CONFIG_LIST, d, NULL, minitems, NOLIMIT, false, desc}
// clang-format on

/* Grouped by concern; config/newswire.properties follows the same order. */
static const nw_config_key_t keys[] = {
    KEY_LIST("input.topics", "news.raw", 1, "Topics the raw articles are consumed from"),
    KEY_STR("output.topic", "news.articles", 1, "Topic the normalized article records go to"),
    KEY_STR("dlq.topic", "news.dlq", 1, "Dead-letter topic: rejected inputs with the reason"),
    KEY_STR("state.topic", "news.dedupe-state", 1, "Compacted changelog of the version store"),
    KEY_STR("group.id", "newswire", 1, "Consumer group id"),
    KEY_STR("group.instance.id", "", 0, "Static group membership id; empty = derived"),
    KEY_ENUM("processing.guarantee", "exactly_once", "exactly_once|at_least_once",
             "Delivery semantics: one transaction per batch, or commit after delivery"),
    KEY_MS("commit.interval.ms", "100", 1, 3600000, "Longest time between commits"),
    KEY_MS("failure.timeout.ms", "60000", 1000, 86400000,
           "How long an authentication, TLS or authorization failure may last before exit 69/77"),
    KEY_LIST("enrichers.paths", "", 0, "Enricher plugins (.so files) to load"),
    KEY_LIST("enrichers.disabled", "", 0, "Enrichers to skip, by name"),
    KEY_ENUM("output.format", "newswire", "newswire|ninjs",
             "Record format: ninjs with the newswire extension, or plain ninjs"),
    KEY_ENUM("parse.format", "auto", "auto|text|json|html", "Input format; auto detects it"),
    KEY_SIZE("parse.max.message.bytes", "1048576", 1024, 64 * MIB,
             "Larger inputs are rejected as too-large"),
    KEY_SIZE("parse.max.raw.bytes", "8388608", 1024, 64 * MIB,
             "HTML over parse.max.message.bytes is measured without scripts, styles and "
             "comments; any input larger than this is too-large"),
    KEY_STR("parse.source", "", 0, "Source name of inputs that carry none; empty = the topic"),
    KEY_INT("near.duplicate.threshold", "3", 0, 64,
            "Largest simhash distance, in bits, at which two bodies are near-duplicates"),
    KEY_INT("pipeline.batch.size", "10000", 1, 1000000, "Most input messages per batch"),
    KEY_INT("processing.threads", "0", 0, 256,
            "Threads processing a batch; 0 = one per online CPU, 1 = no pool"),
    KEY_SIZE("pipeline.batch.bytes", "16777216", 1024, 1024 * MIB,
             "Most input bytes per batch (a larger message makes a batch of its own)"),
    KEY_MS("state.restore.timeout.ms", "60000", 1, 86400000,
           "How long restoring a partition's state may take before startup fails"),
    KEY_ENUM("log.level", "info", "error|warn|info|debug", "Least severe log level written"),
    KEY_ENUM("log.format", "logfmt", "logfmt|json", "Log line format on stderr"),
    KEY_STR("metrics.listen", "127.0.0.1:9464", 0, "host:port of the metrics and health endpoints"),
};

/* Script-only NEWSWIRE_ variables (scripts/kafka-local and friends). */
const char *const nw_config_env_ignored[] = {
    "NEWSWIRE_KAFKA_PORT",
    "NEWSWIRE_KAFKA_DIR",
    "NEWSWIRE_KAFKA_CACHE",
    "NEWSWIRE_KAFKA_CONTROLLER_PORT",
    "NEWSWIRE_DATA_DIR", /* where enrichers find their data files (enrich/registry.c) */
    NULL,
};

/* A segment of letters, digits, '-' and '_' ending at a dot or the end;
 * returns its length (0 when empty or holding anything else). */
static size_t name_segment(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_')
        n++;
    return (s[n] == '\0' || s[n] == '.') ? n : 0;
}

static bool is_zone_abbr(const char *s)
{
    size_t n = 0;
    while (isalpha((unsigned char)s[n]))
        n++;
    return n > 0 && n <= 16 && s[n] == '\0';
}

static bool match_kafka(const char *key)
{
    return strncmp(key, "kafka.", 6) == 0 && key[6] != '\0' && key[6] != '.';
}

static bool match_zone(const char *key)
{
    return strncmp(key, "timestamp.zone.", 15) == 0 && is_zone_abbr(key + 15);
}

static bool match_source_zone(const char *key)
{
    if (strncmp(key, "source.", 7) != 0)
        return false;
    size_t n = name_segment(key + 7);
    return n > 0 && key[7 + n] == '.' && match_zone(key + 7 + n + 1);
}

/* The date policy (zones.c): timestamp.<S> and source.<NAME>.<S>. */
static bool is_date_setting(const char *s)
{
    return !strcmp(s, "locale") || !strcmp(s, "timezone") || !strcmp(s, "unzoned") ||
           !strcmp(s, "country_zone") || !strcmp(s, "fallback");
}

static bool match_date_policy(const char *key)
{
    if (strncmp(key, "timestamp.", 10) == 0)
        return is_date_setting(key + 10);
    size_t n = strncmp(key, "source.", 7) == 0 ? name_segment(key + 7) : 0;
    return n > 0 && key[7 + n] == '.' && is_date_setting(key + 7 + n + 1);
}

static bool match_http(const char *key)
{
    if (strncmp(key, "http.", 5) != 0)
        return false;
    size_t n = name_segment(key + 5);
    return n > 0 && key[5 + n] == '.' && key[5 + n + 1] != '\0';
}

/* enrichers.<name>.<key>: one enricher's setting; "paths" and "disabled"
 * are the chain's own keys, not enricher names. */
static bool match_enricher(const char *key)
{
    if (strncmp(key, "enrichers.", 10) != 0)
        return false;
    size_t n = name_segment(key + 10);
    return n > 0 && key[10 + n] == '.' && key[10 + n + 1] != '\0' &&
           strncmp(key + 10, "paths.", 6) != 0 && strncmp(key + 10, "disabled.", 9) != 0;
}

static const nw_config_family_t families[] = {
    {"kafka.<property>", "Passed to librdkafka as <property> (see librdkafka's CONFIGURATION.md)",
     match_kafka, true, false, false},
    {"timestamp.zone.<ABBR>", "Offset (+05:30) or rule name for a zone abbreviation, all sources",
     match_zone, false, true, true},
    {"source.<NAME>.timestamp.zone.<ABBR>",
     "As timestamp.zone.<ABBR>, for one source (NAME: letters, digits, - and _)", match_source_zone,
     false, true, true},
    {"timestamp.<S>, source.<NAME>.<S>",
     "Dates from page markup, all sources or one: S = locale (de, en-US), timezone (zone of "
     "times written without one), country_zone (on|off: else the zone of the page's one-zone "
     "country), unzoned (reject|utc|day), fallback (none|fetched_at|received)",
     match_date_policy, false, false, true},
    {"http.<name>.<setting>", "Settings of the HTTP enricher <name>", match_http, true, false,
     false},
    {"enrichers.<name>.<key>", "Setting <key> of the enricher <name>", match_enricher, true, false,
     false},
};

const nw_config_key_t *nw_config_keys(size_t *count)
{
    *count = sizeof(keys) / sizeof(keys[0]);
    return keys;
}

const nw_config_family_t *nw_config_families(size_t *count)
{
    *count = sizeof(families) / sizeof(families[0]);
    return families;
}

const nw_config_key_t *nw_config_key_find(const char *name)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

const nw_config_family_t *nw_config_family_find(const char *name)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (families[i].match(name))
            return &families[i];
    return NULL;
}

bool nw_config_is_secret(const char *key)
{
    /* Matched on the whole name so "kafka.sasl.password" and
     * "http.geo.api_token" are caught; ssl.key.pem is an inline private key. */
    static const char *const words[] = {
        "password", "secret", "token", "credential", "sasl.oauthbearer.config", "ssl.key.pem"};
    const nw_config_key_t *k = nw_config_key_find(key);
    if (k)
        return k->secret;
    const nw_config_family_t *f = nw_config_family_find(key);
    if (!f || !f->may_be_secret)
        return false;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcasestr(key, words[i]))
            return true;
    return false;
}

/* A unit suffix a number may carry, matched case-insensitively. */
typedef struct unit {
    const char *suffix;
    int64_t mult;
} unit_t;

static const unit_t size_units[] = {{"", 1},
                                    {"B", 1},
                                    {"K", 1024},
                                    {"KB", 1024},
                                    {"KiB", 1024},
                                    {"M", MIB},
                                    {"MB", MIB},
                                    {"MiB", MIB},
                                    {"G", 1024LL * MIB},
                                    {"GB", 1024LL * MIB},
                                    {"GiB", 1024LL * MIB},
                                    {NULL, 0}};
static const unit_t ms_units[] = {{"", 1},        {"ms", 1},      {"s", 1000}, {"m", 60000},
                                  {"min", 60000}, {"h", 3600000}, {NULL, 0}};
static const unit_t no_units[] = {{"", 1}, {NULL, 0}};

/* Parses a decimal (signed only when sign_ok) with an optional suffix from
 * units; false when malformed or overflowing. */
static bool parse_number(const char *s, bool sign_ok, const unit_t *units, int64_t *out)
{
    const char *p = s;
    if (sign_ok && (*p == '-' || *p == '+'))
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return false;
    for (const unit_t *u = units; u->suffix; u++) {
        if (strcasecmp(end, u->suffix) != 0)
            continue;
        if (v > INT64_MAX / u->mult || v < INT64_MIN / u->mult)
            return false;
        *out = (int64_t)v * u->mult;
        return true;
    }
    return false;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
            *out = strcasecmp(s, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

static bool enum_has(const char *values, const char *s)
{
    size_t n = strlen(s);
    if (strchr(s, '|'))
        return false;
    for (const char *p = values; p; p = strchr(p, '|')) {
        if (*p == '|')
            p++;
        if (strncmp(p, s, n) == 0 && (p[n] == '|' || p[n] == '\0'))
            return true;
    }
    return false;
}

/* Counts the items of a list; -1 when an item is empty ("a,,b"). */
static int64_t list_items(const char *s)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0')
        return 0;
    int64_t n = 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *q = p;
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q == end)
            return -1;
        n++;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

int nw_config_key_check(const nw_config_key_t *k, const char *value, int64_t *num,
                        const char *origin, nw_error_t *err)
{
    /* A secret's value never reaches a message: it could end up in a log. */
    const char *shown = k->secret ? NW_CONFIG_MASK : value;
    const char *what = k->type == NW_CONFIG_SIZE       ? " bytes"
                       : k->type == NW_CONFIG_DURATION ? " ms"
                                                       : "";
    int64_t v = 0;
    bool b;
    switch (k->type) {
    case NW_CONFIG_STRING:
        if ((int64_t)strlen(value) < k->min)
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: must not be empty", origin, k->name);
        break;
    case NW_CONFIG_BOOL:
        if (!parse_bool(value, &b))
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: \"%s\" is not true or false", origin,
                                k->name, shown);
        v = b;
        break;
    case NW_CONFIG_ENUM:
        if (!enum_has(k->values, value)) {
            char list[256];
            size_t i = 0;
            for (const char *p = k->values; *p && i + 3 < sizeof(list); p++) {
                if (*p == '|') {
                    list[i++] = ',';
                    list[i++] = ' ';
                } else {
                    list[i++] = *p;
                }
            }
            list[i] = '\0';
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: \"%s\" is not one of %s", origin,
                                k->name, shown, list);
        }
        break;
    case NW_CONFIG_INT:
    case NW_CONFIG_SIZE:
    case NW_CONFIG_DURATION: {
        const unit_t *u = k->type == NW_CONFIG_SIZE       ? size_units
                          : k->type == NW_CONFIG_DURATION ? ms_units
                                                          : no_units;
        if (!parse_number(value, k->type == NW_CONFIG_INT, u, &v))
            return nw_error_set(
                err, NW_ERR_INVALID, "%s: %s: \"%s\" is not %s", origin, k->name, shown,
                k->type == NW_CONFIG_SIZE       ? "a size (such as 1048576 or 1M)"
                : k->type == NW_CONFIG_DURATION ? "a duration (such as 500, 500ms or 2s)"
                                                : "an integer");
        if (v < k->min || v > k->max)
            return nw_error_set(err, NW_ERR_INVALID,
                                "%s: %s: \"%s\" is out of range (%lld..%lld%s)", origin, k->name,
                                shown, (long long)k->min, (long long)k->max, what);
        break;
    }
    case NW_CONFIG_LIST:
        v = list_items(value);
        if (v < 0)
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: \"%s\" has an empty item", origin,
                                k->name, shown);
        if (v < k->min)
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: needs at least %lld item%s", origin,
                                k->name, (long long)k->min, k->min == 1 ? "" : "s");
        break;
    }
    if (num)
        *num = v;
    return 0;
}

static const char *type_text(const nw_config_key_t *k, char *buf, size_t n)
{
    switch (k->type) {
    case NW_CONFIG_STRING:
        return "string";
    case NW_CONFIG_BOOL:
        return "bool";
    case NW_CONFIG_ENUM:
        return k->values;
    case NW_CONFIG_LIST:
        return "list";
    case NW_CONFIG_INT:
        snprintf(buf, n, "int %lld..%lld", (long long)k->min, (long long)k->max);
        return buf;
    case NW_CONFIG_SIZE:
        snprintf(buf, n, "size %lld..%lld bytes", (long long)k->min, (long long)k->max);
        return buf;
    case NW_CONFIG_DURATION:
        snprintf(buf, n, "duration %lld..%lld ms", (long long)k->min, (long long)k->max);
        return buf;
    }
    return "?";
}

void nw_config_print_help(FILE *fp)
{
    char buf[96];
    fprintf(fp,
            "Configuration keys, with their defaults. Set them in the -c file, as -X key=value,\n"
            "or as NEWSWIRE_ variables (NEWSWIRE_OUTPUT_TOPIC sets output.topic):\n");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const nw_config_key_t *k = &keys[i];
        fprintf(fp, "  %s=%s  (%s)\n      %s\n", k->name, k->def, type_text(k, buf, sizeof(buf)),
                k->desc);
    }
    fprintf(fp, "Key families:\n");
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        fprintf(fp, "  %s\n      %s\n", families[i].pattern, families[i].desc);
    fprintf(fp, "Sizes take K, M or G (1K = 1024 bytes); durations take ms, s, m or h;\n"
                "lists are comma-separated.\n");
}

/* Edit distance counting an adjacent transposition as one edit, so that
 * "kafak" is as close to "kafka" as "topik" is to "topic". */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > NW_CONFIG_KEY_MAX || lb > NW_CONFIG_KEY_MAX)
        return (size_t)-1;
    size_t rows[3][NW_CONFIG_KEY_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

static size_t tolerance(size_t len)
{
    return len < 8 ? 1 : len < 16 ? 2 : 3;
}

/* The declared key, or family spelling, that key was probably meant to be. */
static bool suggest_key(const char *key, char *out, size_t n)
{
    size_t best = tolerance(strlen(key)) + 1;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        size_t d = distance(key, strlen(key), keys[i].name, strlen(keys[i].name));
        if (d < best) {
            best = d;
            snprintf(out, n, "%s", keys[i].name);
        }
    }
    if (best <= tolerance(strlen(key)))
        return true;
    /* A misspelt family head ("kafak.acks"): try the head in its place. */
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        size_t hl = strcspn(families[i].pattern, "<");
        for (const char *dot = strchr(key, '.'); dot; dot = strchr(dot + 1, '.')) {
            size_t kl = (size_t)(dot - key) + 1;
            if (distance(key, kl, families[i].pattern, hl) > tolerance(hl))
                continue;
            snprintf(out, n, "%.*s%s", (int)hl, families[i].pattern, dot + 1);
            if (families[i].match(out))
                return true;
        }
    }
    return false;
}

static const nw_config_kafka_probe_t *kafka_probe;

void nw_config_set_kafka_probe(const nw_config_kafka_probe_t *probe)
{
    kafka_probe = probe;
}

const nw_config_kafka_probe_t *nw_config_kafka_probe(void)
{
    return kafka_probe;
}

/* librdkafka's closest property name to prop, from its own property table
 * as the probe shows it. */
static bool suggest_rdkafka(const char *prop, char *out, size_t n)
{
    char *table = NULL;
    size_t size = 0, best = tolerance(strlen(prop)) + 1;
    if (!kafka_probe)
        return false;
    FILE *mem = open_memstream(&table, &size);
    if (!mem)
        return false;
    kafka_probe->show(mem);
    fclose(mem);
    for (char *line = table; line && *line;) {
        char *next = strchr(line, '\n');
        size_t len = strcspn(line, " |\n");
        if (len > 0 && islower((unsigned char)*line)) {
            size_t d = distance(prop, strlen(prop), line, len);
            if (d < best) {
                best = d;
                snprintf(out, n, "kafka.%.*s", (int)len, line);
            }
        }
        line = next ? next + 1 : NULL;
    }
    free(table);
    return best <= tolerance(strlen(prop));
}

bool nw_config_suggest(const char *key, char *out, size_t n)
{
    if (strncmp(key, "kafka.", 6) == 0)
        return suggest_rdkafka(key + 6, out, n);
    return suggest_key(key, out, n);
}
