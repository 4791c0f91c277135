/* Global and per-source zone tables from configuration (see zoneset.h). */
#include <stdlib.h>
#include <string.h>

#include "parse/zoneset.h"

typedef struct source_zones {
    char *name;
    nw_zone_table_t *table;
} source_zones_t;

struct nw_zoneset {
    nw_zone_table_t *global;
    source_zones_t *sources;
    size_t n_sources;
    nw_error_t *err;
    int rc;
};

/* Prefixes the table's message with the configuration key at fault. */
static int blame(nw_zoneset_t *zs, const char *key)
{
    char detail[NW_ERROR_MSG_MAX];
    memcpy(detail, zs->err->msg, sizeof(detail));
    return nw_error_set(zs->err, zs->rc, "%s: %s", key, detail);
}

/* The date policy settings, as the last segment of timestamp.<S> and
 * source.<NAME>.<S>. */
static const char *policy_setting(const char *s)
{
    static const char *const names[] = {"locale", "timezone", "country_zone", "unzoned",
                                        "fallback"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0)
            return names[i];
    return NULL;
}

static int add_global(const char *key, const char *value, void *opaque)
{
    nw_zoneset_t *zs = opaque;
    const char *rest = key + strlen("timestamp.");
    if (strncmp(rest, "zone.", 5) == 0)
        zs->rc = nw_zone_table_set(zs->global, rest + 5, value, zs->err);
    else if (policy_setting(rest))
        zs->rc = nw_zone_table_set_policy(zs->global, rest, value, zs->err);
    else
        return 0;
    return zs->rc < 0 ? blame(zs, key) : 0;
}

static nw_zone_table_t *source_table(nw_zoneset_t *zs, const char *name, size_t len)
{
    for (size_t i = 0; i < zs->n_sources; i++)
        if (strlen(zs->sources[i].name) == len && memcmp(zs->sources[i].name, name, len) == 0)
            return zs->sources[i].table;
    source_zones_t *s = realloc(zs->sources, (zs->n_sources + 1) * sizeof(*s));
    if (!s)
        return NULL;
    zs->sources = s;
    s = &zs->sources[zs->n_sources];
    s->name = strndup(name, len);
    s->table = nw_zone_table_clone(zs->global);
    if (!s->name || !s->table) {
        free(s->name);
        nw_zone_table_free(s->table);
        return NULL;
    }
    zs->n_sources++;
    return s->table;
}

static int add_source(const char *key, const char *value, void *opaque)
{
    nw_zoneset_t *zs = opaque;
    const char *name = key + strlen("source.");
    const char *mark = strstr(name, ".timestamp.zone."), *dot = strrchr(name, '.');
    const char *setting = dot && dot != name ? policy_setting(dot + 1) : NULL;
    if (!mark && !(setting && !memchr(name, '.', (size_t)(dot - name))))
        return 0;
    nw_zone_table_t *t = source_table(zs, name, (size_t)((mark ? mark : dot) - name));
    if (!t)
        return zs->rc = nw_error_set(zs->err, NW_ERR_NOMEM, "out of memory");
    if (mark)
        zs->rc = nw_zone_table_set(t, mark + strlen(".timestamp.zone."), value, zs->err);
    else
        zs->rc = nw_zone_table_set_policy(t, setting, value, zs->err);
    return zs->rc < 0 ? blame(zs, key) : 0;
}

int nw_zoneset_new(const nw_config_t *cfg, nw_zoneset_t **out, nw_error_t *err)
{
    nw_error_t scratch;
    nw_zoneset_t *zs = calloc(1, sizeof(*zs));
    *out = NULL;
    if (!zs || !(zs->global = nw_zone_table_new())) {
        nw_zoneset_free(zs);
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    }
    zs->err = err ? err : &scratch;
    /* Global overrides first: per-source tables start as copies of it. */
    if (nw_config_foreach(cfg, "timestamp.", add_global, zs) ||
        nw_config_foreach(cfg, "source.", add_source, zs)) {
        int rc = zs->rc;
        nw_zoneset_free(zs);
        return rc;
    }
    zs->err = NULL;
    *out = zs;
    return 0;
}

void nw_zoneset_free(nw_zoneset_t *zs)
{
    if (!zs)
        return;
    for (size_t i = 0; i < zs->n_sources; i++) {
        free(zs->sources[i].name);
        nw_zone_table_free(zs->sources[i].table);
    }
    free(zs->sources);
    nw_zone_table_free(zs->global);
    free(zs);
}

const struct nw_zone_table *nw_zoneset_for(const char *source, void *opaque)
{
    const nw_zoneset_t *zs = opaque;
    if (source)
        for (size_t i = 0; i < zs->n_sources; i++)
            if (strcmp(zs->sources[i].name, source) == 0)
                return zs->sources[i].table;
    return zs->global;
}
