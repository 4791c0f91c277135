/*
 * The HTTP enricher's settings: one declared table of `http.<name>.<setting>`
 * keys (type, default, bounds, where the value lands), read through the
 * enricher API's config() call and validated with the configuration module's
 * own checker, so "2s" and "2000" mean the same here as everywhere else.
 *
 * Loading also resolves what the settings point at: the bearer token from
 * the named environment variable or file, the header.<Name> lines, and a
 * printable form of the URL without user info or query (which may carry
 * credentials). The token lives only in `token` and in the request headers
 * built from it; nw_http_settings_clear() wipes it.
 */
#ifndef NW_ENRICH_HTTP_SETTINGS_H
#define NW_ENRICH_HTTP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newswire/enricher.h"

typedef struct nw_http_settings {
    char *name;      /* <name> of http.<name>.* */
    char *display;   /* "http.<name>": the enricher's name in logs */
    char *url;       /* may hold credentials: never log it */
    char *url_shown; /* scheme://host[:port]/path, safe to log */
    char *method;    /* POST, PUT or PATCH */
    char **fields;   /* top-level members to send; NULL: the whole record */
    size_t nfields;
    char **merge_path; /* where the answer goes, one segment per item */
    size_t nmerge;
    int64_t timeout_ms; /* per request */
    int64_t retries;    /* repeats after the first request */
    int64_t backoff_ms;
    int64_t backoff_max_ms;
    int64_t concurrency;
    int64_t breaker_failures; /* 0: no breaker */
    int64_t breaker_reset_ms;
    int64_t cache_ttl_ms; /* 0: no cache */
    int64_t cache_max_entries;
    bool fail_closed;
    bool tls_verify;
    char *ca_file;
    char *token;    /* secret, NULL when none */
    char **headers; /* "Name: value" lines from header.<Name> */
    size_t nheaders;
} nw_http_settings_t;

/* Every http.<name>.<setting> the enricher reads, declared for the host
 * (the descriptor's settings); ends with a NULL key. */
extern const nw_enricher_setting_t nw_http_setting_decls[];

/* Reads and checks every setting. On failure returns NW_ERR_INVALID (or
 * NW_ERR_NOMEM) with a message in errbuf naming the key, never a secret's
 * value; s is then cleared. The host has refused undeclared keys already;
 * the warning about tls.verify=false goes through api->log. Needs an API
 * table of ABI 1.1 or later (instance(), config_each()). */
int nw_http_settings_load(nw_http_settings_t *s, const nw_enricher_api_t *api, void *host,
                          char *errbuf, size_t errlen);

/* Frees everything and wipes the token; s may be zeroed or NULL. */
void nw_http_settings_clear(nw_http_settings_t *s);

/* The time budget of one batch: timeout.ms x (retries + 1) + backoff.max.ms,
 * what a record whose every attempt times out needs. A request is sent only
 * if its timeout ends within the budget, so a batch against a dead or slow
 * service ends after about that long, however many records it holds. */
int64_t nw_http_settings_deadline_ms(const nw_http_settings_t *s);

#endif
