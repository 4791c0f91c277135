/*
 * Test-only plugins for the host's loader and runner (tests/unit/
 * test_enrich_host.c), one source compiled into several shared objects by
 * NW_TEST_VARIANT:
 *   1  nw_test_wrong_abi: a descriptor built for enricher ABI 2.0 (refused)
 *   2  nw_test_short: a descriptor smaller than ABI 1.0's (refused)
 *   3  nw_test_no_entry: exports no nw_enricher_entry (refused)
 *   4  nw_test_statuses: a valid plugin with enrich_batch whose status per
 *      record is chosen by a word in the headline: "FAILME" fails closed,
 *      "DEGRADEME" fails open, "SKIPME" skips, anything else is ok. It
 *      writes newswire.enrichments.statuses = <batch size> when it runs.
 *   5  nw_test_v1_0: built against enricher ABI 1.0, the previous minor: its
 *      descriptor is 1.0's layout and size (no settings members), so the
 *      host must load it and leave its settings unchecked. It writes
 *      newswire.enrichments.v1_0 = the value of its setting "word".
 *   6  nw_test_small_setting: declares settings with a setting_size smaller
 *      than any ABI's (refused).
 * They are not examples to copy: keywords.c is.
 */
#include <stdio.h>
#include <string.h>

#include "newswire/enricher.h"

#define TP_EXPORT __attribute__((visibility("default")))

#ifndef NW_TEST_VARIANT
#error "NW_TEST_VARIANT must be 1..6"
#endif

#if NW_TEST_VARIANT != 5
static nw_enrich_status_t tp_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                    char *detail, size_t detail_len)
{
    (void)state;
    (void)record;
    (void)in;
    snprintf(detail, detail_len, "should never run");
    return NW_ENRICH_OK;
}
#endif

#if NW_TEST_VARIANT == 4
static nw_enrich_status_t status_for(const nw_enrich_input_t *in, char *detail, size_t len)
{
    const char *h = in->headline ? in->headline : "";
    if (strstr(h, "FAILME")) {
        snprintf(detail, len, "service said no");
        return NW_ENRICH_FAILED;
    }
    if (strstr(h, "DEGRADEME")) {
        snprintf(detail, len, "timeout after 10 ms");
        return NW_ENRICH_DEGRADED;
    }
    if (strstr(h, "SKIPME"))
        return NW_ENRICH_SKIPPED;
    return NW_ENRICH_OK;
}

static void tp_batch(void *state, json_t **records, const nw_enrich_input_t *const *in, size_t n,
                     nw_enrich_status_t *statuses, char **details, size_t detail_len)
{
    (void)state;
    for (size_t i = 0; i < n; i++) {
        statuses[i] = status_for(in[i], details[i], detail_len);
        json_t *ext = json_object_get(records[i], "newswire");
        json_t *en = json_object();
        json_object_set_new(en, "statuses", json_integer((json_int_t)n));
        json_object_set_new(ext, "enrichments", en);
    }
}
#endif

#if NW_TEST_VARIANT == 5
/* nw_enricher_t as enricher.h 1.0 declared it: what a plugin compiled then
 * carries. */
typedef struct tp_enricher_v1_0 {
    uint32_t abi_version;
    uint32_t size;
    const char *name;
    const char *description;
    int (*init)(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                size_t errlen);
    nw_enrich_status_t (*enrich)(void *state, json_t *record, const nw_enrich_input_t *in,
                                 char *detail, size_t detail_len);
    void (*destroy)(void *state);
    void (*enrich_batch)(void *state, json_t **records, const nw_enrich_input_t *const *in,
                         size_t n, nw_enrich_status_t *statuses, char **details, size_t detail_len);
} tp_enricher_v1_0_t;

static int v10_init(const nw_enricher_api_t *api, void *host, void **state, char *errbuf,
                    size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    const char *w = api->config(host, "word");
    *state = (void *)(w ? w : "none"); /* borrowed until destroy() */
    return 0;
}

static nw_enrich_status_t v10_enrich(void *state, json_t *record, const nw_enrich_input_t *in,
                                     char *detail, size_t detail_len)
{
    (void)in;
    json_t *ext = json_object_get(record, "newswire");
    json_t *en = json_object();
    json_object_set_new(en, "v1_0", json_string(state));
    json_object_set_new(ext, "enrichments", en);
    snprintf(detail, detail_len, "built for 1.0");
    return NW_ENRICH_OK;
}

static const tp_enricher_v1_0_t tp_v1_0 = {
    .abi_version = (1u << 16) | 0u,
    .size = sizeof(tp_enricher_v1_0_t),
    .name = NW_TEST_NAME,
    .description = "test plugin built against ABI 1.0",
    .init = v10_init,
    .enrich = v10_enrich,
    .destroy = NULL,
    .enrich_batch = NULL,
};
#endif

#if NW_TEST_VARIANT == 6
static const nw_enricher_setting_t tp_settings[] = {
    {"word", NW_SETTING_STRING, NULL, NULL, 0, 0, 0, "a word"},
    {NULL, 0, NULL, NULL, 0, 0, 0, NULL},
};
#endif

#if NW_TEST_VARIANT != 5
static const nw_enricher_t tp_enricher = {
#if NW_TEST_VARIANT == 1
    .abi_version = (2u << 16) | 0u,
#else
    .abi_version = NW_ENRICHER_ABI_VERSION,
#endif
#if NW_TEST_VARIANT == 2
    .size = (uint32_t)offsetof(nw_enricher_t, enrich),
#else
    .size = sizeof(nw_enricher_t),
#endif
    .name = NW_TEST_NAME,
    .description = "test plugin",
    .init = NULL,
    .enrich = tp_enrich,
    .destroy = NULL,
#if NW_TEST_VARIANT == 4
    .enrich_batch = tp_batch,
#else
    .enrich_batch = NULL,
#endif
#if NW_TEST_VARIANT == 6
    .settings = tp_settings,
    .setting_size = 8,
#endif
};
#endif

#if NW_TEST_VARIANT == 3
/* The right function under the wrong name. */
TP_EXPORT const nw_enricher_t *nw_enricher_entry_v0(const nw_enricher_api_t *api)
#else
TP_EXPORT const nw_enricher_t *nw_enricher_entry(const nw_enricher_api_t *api)
#endif
{
    (void)api;
#if NW_TEST_VARIANT == 5
    return (const nw_enricher_t *)(const void *)&tp_v1_0;
#else
    return &tp_enricher;
#endif
}
