/*
 * A fast path for loading the JSON that scrapers send: envelopes carrying a
 * whole page or article as one long string.
 *
 * jansson's loader reads its input through a callback a byte at a time and
 * grows every string from 16 bytes, which made loading an envelope cost more
 * than parsing the article in it. nw_json_load_fast() scans strings eight
 * bytes at a time and builds the same jansson tree json_loadb() would.
 *
 * It only ever answers for documents it is sure about: for anything it does
 * not handle (invalid JSON, \u0000, integers of 19 digits or more, reals it
 * cannot read back exactly, deep nesting, duplicate keys) it returns NULL, and
 * the caller runs json_loadb(), whose verdict and error text then stand. So
 * a non-NULL result is always the tree json_loadb(data, len,
 * JSON_REJECT_DUPLICATES) builds, member order included.
 */
#ifndef NW_JSON_LOAD_H
#define NW_JSON_LOAD_H

#include <jansson.h>
#include <stddef.h>

/* A new reference to the object or array in data[0..len), or NULL when the
 * caller must fall back to json_loadb() (see above; also on out of memory). */
json_t *nw_json_load_fast(const char *data, size_t len);

#endif
