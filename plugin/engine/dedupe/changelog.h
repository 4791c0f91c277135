/*
 * The version store's changelog codec: how one entry travels in the state
 * topic.
 *
 * The state topic (state.topic, default news.dedupe-state) is a compacted
 * Kafka topic co-partitioned with the input: the record key is the article id
 * as raw bytes, the value one nw_version_t in a fixed binary layout, and a
 * null value (a tombstone) deletes the id. Records outlive the build that
 * wrote them, so the value opens with a magic byte and a format version and
 * a decoder refuses any layout it does not know instead of guessing:
 *
 *   offset  size  field
 *        0     1  magic 'N' (0x4e)
 *        1     1  format version, 1
 *        2     8  versioncreated, big-endian two's complement (UTC seconds)
 *       10     4  version, big-endian, >= 1
 *       14    32  content hash (SHA-256 of the emitted version's content)
 *                 total 46 bytes
 *
 * A later layout takes a new format number; readers of format 1 reject it
 * with a message naming the format they met.
 */
#ifndef NW_DEDUPE_CHANGELOG_H
#define NW_DEDUPE_CHANGELOG_H

#include <stddef.h>
#include <stdint.h>

#include "dedupe/vstore.h"
#include "newswire/error.h"

#define NW_CHANGELOG_MAGIC      0x4e /* 'N' */
#define NW_CHANGELOG_FORMAT     1
#define NW_CHANGELOG_VALUE_SIZE 46

/* Encodes v into out (NW_CHANGELOG_VALUE_SIZE bytes, always the full size).
 * Returns 0, or NW_ERR_INVALID when v->version is 0 (not an emitted version). */
int nw_changelog_encode(const nw_version_t *v, uint8_t out[NW_CHANGELOG_VALUE_SIZE]);

/* Decodes a state-topic value into *out. Returns 0, or NW_ERR_INVALID with
 * the reason in err for a NULL value (a tombstone: the caller deletes the id
 * instead), a wrong magic byte, an unknown format version, a wrong length or
 * a version of 0. *out is written only on success. */
int nw_changelog_decode(const void *value, size_t len, nw_version_t *out, nw_error_t *err);

#endif
