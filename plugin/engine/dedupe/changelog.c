/*
 * The state topic's value codec (layout in changelog.h). Written byte by
 * byte in big-endian order so the topic reads the same on every host.
 */
#include "dedupe/changelog.h"

#include <assert.h>
#include <string.h>

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

int nw_changelog_encode(const nw_version_t *v, uint8_t out[NW_CHANGELOG_VALUE_SIZE])
{
    assert(v && out);
    if (v->version == 0)
        return NW_ERR_INVALID;
    out[0] = NW_CHANGELOG_MAGIC;
    out[1] = NW_CHANGELOG_FORMAT;
    put_be(out + 2, (uint64_t)v->versioncreated, 8);
    put_be(out + 10, v->version, 4);
    memcpy(out + 14, v->content_hash, NW_CONTENT_HASH_SIZE);
    return 0;
}

int nw_changelog_decode(const void *value, size_t len, nw_version_t *out, nw_error_t *err)
{
    assert(out);
    const uint8_t *p = value;
    if (!p)
        return nw_error_set(err, NW_ERR_INVALID,
                            "state value: a tombstone (null value) has nothing to decode");
    if (len == 0)
        return nw_error_set(err, NW_ERR_INVALID, "state value: empty (expected %d bytes)",
                            NW_CHANGELOG_VALUE_SIZE);
    /* Magic and format first: a value from another writer or a newer layout
     * should be named as such, not reported as merely the wrong length. */
    if (p[0] != NW_CHANGELOG_MAGIC)
        return nw_error_set(err, NW_ERR_INVALID,
                            "state value: bad magic byte 0x%02x (expected 0x%02x 'N'); "
                            "not written by newswire",
                            p[0], NW_CHANGELOG_MAGIC);
    if (len < 2)
        return nw_error_set(err, NW_ERR_INVALID, "state value: truncated after the magic byte");
    if (p[1] != NW_CHANGELOG_FORMAT)
        return nw_error_set(err, NW_ERR_INVALID,
                            "state value: format version %u is not supported (this build "
                            "reads format %d); was it written by a newer newswire?",
                            p[1], NW_CHANGELOG_FORMAT);
    if (len != NW_CHANGELOG_VALUE_SIZE)
        return nw_error_set(err, NW_ERR_INVALID,
                            "state value: %zu bytes, format %d takes exactly %d", len,
                            NW_CHANGELOG_FORMAT, NW_CHANGELOG_VALUE_SIZE);
    uint32_t version = (uint32_t)get_be(p + 10, 4);
    if (version == 0)
        return nw_error_set(err, NW_ERR_INVALID, "state value: version 0 (versions start at 1)");
    /* Two's complement back to signed without an implementation-defined cast. */
    uint64_t vc = get_be(p + 2, 8);
    out->versioncreated = vc <= INT64_MAX ? (int64_t)vc : -(int64_t)(~vc) - 1;
    out->version = version;
    memcpy(out->content_hash, p + 14, NW_CONTENT_HASH_SIZE);
    return 0;
}
