/*
 * The zone-abbreviation tables configuration asks for: the global table
 * (defaults plus `timestamp.zone.<ABBR>` overrides) and one table per source
 * that has `source.<NAME>.timestamp.zone.<ABBR>` overrides layered on top.
 */
#ifndef NW_ZONESET_H
#define NW_ZONESET_H

#include "config/config.h"
#include "parse/timestamp.h"

typedef struct nw_zoneset nw_zoneset_t;

/* Builds the tables; an invalid spec is NW_ERR_INVALID naming the key. */
int nw_zoneset_new(const nw_config_t *cfg, nw_zoneset_t **out, nw_error_t *err);
void nw_zoneset_free(nw_zoneset_t *zs); /* accepts NULL */

/* An nw_zones_for_fn: opaque is the nw_zoneset_t. Never NULL. */
const struct nw_zone_table *nw_zoneset_for(const char *source, void *opaque);

#endif
