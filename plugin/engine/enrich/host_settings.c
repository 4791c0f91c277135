/*
 * Declared enricher settings, on the host side (see host.h and the settings
 * part of include/newswire/enricher.h).
 *
 * The host takes each descriptor once (nw_host_adopt): whatever minor ABI
 * version the enricher was built for, its descriptor and its declared
 * settings are copied into structs of this host's size with the members it
 * lacks zeroed, so the rest of the host reads them without size checks.
 * Then, before any enricher is initialised and so before anything is
 * consumed, nw_host_check_settings() holds every configured key of an
 * enricher against what it declares: an undeclared key is a typo until
 * proven otherwise (enrichers.neardup.treshold would otherwise leave the
 * threshold at its default, silently), and a value of the wrong type is
 * refused with the same checker and messages as newswire's own keys.
 *
 * The built-ins whose code is not the host's to change (lang, dates,
 * entities, subjects, stats) are declared here, in the host's table of
 * built-in declarations; neardup and the HTTP enricher declare theirs in
 * their descriptors, as a plugin does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/buf.h"
#include "enrich/host.h"

#define END                                                                                        \
    {                                                                                              \
        NULL, 0, NULL, NULL, 0, 0, 0, NULL                                                         \
    }

static const nw_enricher_setting_t lang_settings[] = {
    {"languages", NW_SETTING_STRING, NULL, NULL, 0, 0, 0,
     "languages to tell apart, comma- or space-separated codes (default: all)"},
    {"min.words", NW_SETTING_INT, "8", NULL, 1, 100000, 0, "fewest words to guess a language"},
    {"min.score", NW_SETTING_INT, "40", NULL, 0, 100, 0, "lowest confidence to report, percent"},
    END,
};

static const nw_enricher_setting_t dates_settings[] = {
    {"weekdays", NW_SETTING_BOOL, "true", NULL, 0, 0, 0, "resolve weekday names (\"on Monday\")"},
    {"relative", NW_SETTING_BOOL, "true", NULL, 0, 0, 0,
     "resolve relative dates (\"yesterday\", \"next week\")"},
    END,
};

/* entities.c reads these two through api->config. */
static const nw_enricher_setting_t entities_settings[] = {
    {"gazetteers.dir", NW_SETTING_STRING, "gazetteers", NULL, 0, 0, 0,
     "directory of the gazetteers (relative: in the data directories)"},
    {"max.per.type", NW_SETTING_INT, "100", NULL, 1, 10000, 0,
     "most entities kept per type and record"},
    END,
};

static const nw_enricher_setting_t subjects_settings[] = {
    {"rules", NW_SETTING_STRING, "subjects.rules", NULL, 0, 0, 0, "keyword rules file"},
    {"min.hits", NW_SETTING_INT, "3", NULL, 1, 1000000, 0, "keyword hits a subject needs"},
    {"max", NW_SETTING_INT, "5", NULL, 1, 1000, 0, "most subjects per record"},
    END,
};

static const nw_enricher_setting_t stats_settings[] = {
    {"wpm", NW_SETTING_INT, "230", NULL, 1, 10000, 0, "reading speed, words per minute"},
    END,
};

const nw_enricher_setting_t *nw_host_builtin_settings(const char *name)
{
    static const struct {
        const char *name;
        const nw_enricher_setting_t *settings;
    } table[] = {{"lang", lang_settings},
                 {"dates", dates_settings},
                 {"entities", entities_settings},
                 {"subjects", subjects_settings},
                 {"stats", stats_settings}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].settings;
    return NULL;
}

/* The first declared-setting layout (ABI 1.1): everything up to help. */
#define SETTING_V1_1_SIZE                                                                          \
    (offsetof(nw_enricher_setting_t, help) + sizeof(((nw_enricher_setting_t *)0)->help))
#define SETTINGS_MAX 1024 /* a list without its NULL end is a bug, not a config */

int nw_host_adopt(nw_host_t *h, const nw_enricher_t *d, const nw_enricher_setting_t *fallback,
                  nw_error_t *err)
{
    int rc = nw_host_check_descriptor(d, h->origin, err);
    if (rc < 0)
        return rc;
    memset(&h->copy, 0, sizeof(h->copy));
    memcpy(&h->copy, d, d->size < sizeof(h->copy) ? d->size : sizeof(h->copy));
    h->copy.size = sizeof(h->copy);
    h->orig = d;
    h->desc = &h->copy;

    const char *base = (const char *)h->copy.settings;
    size_t stride = h->copy.setting_size;
    if (!base) {
        base = (const char *)fallback;
        stride = sizeof(*fallback);
    } else if (stride < SETTING_V1_1_SIZE) {
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s: setting_size %zu is smaller than an ABI 1.1 setting (%zu bytes)",
                            h->origin, stride, (size_t)SETTING_V1_1_SIZE);
    }
    if (!base)
        return 0;
    size_t n = 0;
    while (n < SETTINGS_MAX && ((const nw_enricher_setting_t *)(base + n * stride))->key)
        n++;
    if (n == SETTINGS_MAX)
        return nw_error_set(err, NW_ERR_INVALID, "%s: its settings list has no NULL-key end",
                            h->origin);
    if (!(h->decls = calloc(n + 1, sizeof(*h->decls))))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory loading enrichers");
    for (size_t i = 0; i < n; i++)
        memcpy(&h->decls[i], base + i * stride,
               stride < sizeof(*h->decls) ? stride : sizeof(*h->decls));
    h->n_decls = n;
    for (size_t i = 0; i < n; i++)
        if (h->decls[i].type < NW_SETTING_STRING || h->decls[i].type > NW_SETTING_LIST)
            return nw_error_set(err, NW_ERR_INVALID, "%s: setting %s has unknown type %d",
                                h->origin, h->decls[i].key, h->decls[i].type);
    return 0;
}

/* Edit distance with adjacent transpositions as one edit. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

const char *nw_host_suggest(const char *key, const char *const *names, size_t n)
{
    size_t limit = strlen(key) / 3 > 1 ? strlen(key) / 3 : 1, best = (size_t)-1;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t dist = distance(key, names[i]);
        if (dist <= limit && dist < best) {
            best = dist;
            pick = names[i];
        }
    }
    return pick;
}

/* The declaration of key: its own, or a family's ("header.*"). */
static const nw_enricher_setting_t *declared(const nw_host_t *h, const char *key)
{
    for (size_t i = 0; i < h->n_decls; i++) {
        const char *k = h->decls[i].key;
        size_t len = strlen(k);
        if (len >= 2 && strcmp(k + len - 2, ".*") == 0) {
            if (strncmp(key, k, len - 1) == 0 && key[len - 1])
                return &h->decls[i];
        } else if (strcmp(k, key) == 0) {
            return &h->decls[i];
        }
    }
    return NULL;
}

static int unknown(const nw_host_t *h, const char *key, nw_error_t *err)
{
    const char *names[64];
    size_t n = 0;
    nw_buf_t list = NW_BUF_INIT;
    for (size_t i = 0; i < h->n_decls; i++) {
        if (n < 64)
            names[n++] = h->decls[i].key;
        nw_buf_printf(&list, "%s%s", i ? ", " : "", h->decls[i].key);
    }
    const char *near = nw_host_suggest(key, names, n);
    char hint[160] = "";
    if (near)
        snprintf(hint, sizeof(hint), "; did you mean %s%s?", h->prefix, near);
    int rc =
        nw_error_set(err, NW_ERR_INVALID, "%s%s: %s has no setting \"%s\"%s (its settings: %s)",
                     h->prefix, key, h->origin, key, hint, h->n_decls ? nw_buf_str(&list) : "none");
    nw_buf_free(&list);
    return rc;
}

int nw_host_check_settings(const nw_host_t *h, nw_error_t *err)
{
    if (!h->decls)
        return 0;
    static const nw_config_type_t types[] = {
        [NW_SETTING_STRING] = NW_CONFIG_STRING,     [NW_SETTING_INT] = NW_CONFIG_INT,
        [NW_SETTING_BOOL] = NW_CONFIG_BOOL,         [NW_SETTING_ENUM] = NW_CONFIG_ENUM,
        [NW_SETTING_DURATION] = NW_CONFIG_DURATION, [NW_SETTING_SIZE] = NW_CONFIG_SIZE,
        [NW_SETTING_LIST] = NW_CONFIG_LIST,
    };
    for (size_t i = 0; i < h->n_settings; i++) {
        const nw_enricher_setting_t *d = declared(h, h->keys[i]);
        if (!d)
            return unknown(h, h->keys[i], err);
        /* An empty value asks for the default, as it does for every key; a
         * disabled enricher's values wait until it is enabled (its keys
         * must still exist: a typo stays a typo). */
        if (!h->values[i][0] || h->off)
            continue;
        char full[NW_CONFIG_KEY_MAX + 64];
        snprintf(full, sizeof(full), "%s%s", h->prefix, h->keys[i]);
        bool numeric = d->type == NW_SETTING_INT || d->type == NW_SETTING_DURATION ||
                       d->type == NW_SETTING_SIZE;
        bool unbounded = numeric && d->min == 0 && d->max == 0;
        nw_config_key_t k = {.name = full,
                             .type = types[d->type],
                             .def = d->def,
                             .values = d->values ? d->values : "",
                             .min = unbounded ? INT64_MIN : d->min,
                             .max = unbounded ? INT64_MAX : d->max,
                             .secret = d->secret != 0,
                             .desc = d->help};
        int rc = nw_config_key_check(&k, h->values[i], NULL, h->origin, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}
