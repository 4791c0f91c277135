/*
 * The built-in "entities" enricher: people, organisations and places named
 * in an article's headline, standfirst and body.
 *
 * Places and organisations come from gazetteers shipped as data files in
 * config/gazetteers/ (documented in its README.md); people come from
 * heuristics (capitalised runs, office titles before names, given names,
 * speech verbs) because no list of names can be complete. The enricher
 * writes ninjs "people", "organisations" and "places" (places carry their
 * ISO 3166-1 alpha-2 code in "literal") and the mention counts under
 * newswire.entities.
 *
 * Settings (keys under enrichers.entities.):
 *   gazetteers.dir  directory of the data files, relative to the
 *                   configuration directory (default "gazetteers")
 *   max.per.type    most entities reported per type (default 100)
 */
#ifndef NW_ENRICH_ENTITIES_H
#define NW_ENRICH_ENTITIES_H

#include "enrichers/bytes.h"
#include "newswire/enricher.h"

/* The enricher's descriptor (static storage; never freed). */
const nw_enricher_t *nw_builtin_entities(const nw_enricher_api_t *api);
/* Its byte writer (enrichers/bytes.h), as builtins.h has the others'. */
nw_enrich_bytes_writer_t nw_builtin_entities_bytes;

#endif
