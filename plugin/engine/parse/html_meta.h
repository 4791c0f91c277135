/*
 * The metadata layer of HTML pages and scraper envelopes: what a page says
 * about itself in machine-readable markup (JSON-LD, microdata/RDFa,
 * OpenGraph and article meta, Dublin Core and publisher meta names,
 * <html lang>, <time datetime>), its visible date lines and its URL, and the
 * lenient date reader those values need.
 *
 * nw_html_meta_extract() makes one linear pass over a page and keeps every
 * candidate value with the tier it came from; nw_meta_merge() (meta_merge.c)
 * then fills an article from the best candidates, after the text reader has
 * read the body. The order of trust is the enum order of nw_meta_tier_t and
 * is documented in the README ("HTML metadata").
 *
 * Ownership: an nw_html_meta_t owns its strings; nw_html_meta_free() frees
 * them. Dates are kept as text and read only when merged, so a value that
 * does not parse costs nothing and never rejects the page.
 */
#ifndef NW_HTML_META_H
#define NW_HTML_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newswire/article.h"
#include "parse/timestamp.h"

/* Where a candidate came from, most trusted first. */
typedef enum nw_meta_tier {
    NW_TIER_JSONLD = 0,  /* <script type="application/ld+json"> article object */
    NW_TIER_MICRODATA,   /* itemprop= / RDFa property= with schema.org names */
    NW_TIER_OG,          /* OpenGraph and article:* meta */
    NW_TIER_DC,          /* Dublin Core and publisher meta names */
    NW_TIER_JSONLD_PAGE, /* a JSON-LD WebPage object (no article object) */
    NW_TIER_TIME,        /* <time datetime> inside <article> or <main> */
    NW_TIER_TIME_OUT,    /* <time datetime> elsewhere; <html lang> */
    NW_TIER_ENVELOPE,    /* the scraper envelope's metadata members */
    NW_TIER_VISIBLE,     /* visible text of a date-like element */
    NW_TIER_URL,         /* /2026/12/04/ in the page's URL */
    NW_TIER__COUNT
} nw_meta_tier_t;

typedef enum nw_meta_field {
    NW_META_HEADLINE = 0,
    NW_META_PUBLISHED,
    NW_META_UPDATED,
    NW_META_AUTHOR,
    NW_META_LANGUAGE,
    NW_META_SITE,  /* the site's name, to strip from titles */
    NW_META_BODY,  /* JSON-LD articleBody */
    NW_META_URL,   /* canonical or og:url */
    NW_META_H1,    /* the first <h1>: tier TIME inside <article>/<main>, else TIME_OUT */
    NW_META_TITLE, /* <title> */
    NW_META__COUNT
} nw_meta_field_t;

#define NW_META_CANDIDATES_MAX 8 /* per field; later ones are dropped */

/* Where a visible date sat (nw_meta_cand_t.ctx): a date in a link, a list,
 * an aside/nav/footer or above the headline is often another article's
 * teaser or the day the page was viewed, not this article's date. */
enum {
    NW_CTX_LINK = 1,      /* inside <a> */
    NW_CTX_LIST = 2,      /* inside <ul>/<ol> */
    NW_CTX_ASIDE = 4,     /* inside <aside>, <nav> or <footer> */
    NW_CTX_BEFORE_H1 = 8, /* before the first <h1>, outside <article>/<main> */
};

typedef struct nw_meta_cand {
    char *value; /* decoded, whitespace-collapsed UTF-8 */
    uint8_t tier;
    uint8_t ctx; /* NW_CTX_* bits, visible-tier candidates only */
} nw_meta_cand_t;

typedef struct nw_html_meta {
    nw_meta_cand_t cand[NW_META__COUNT][NW_META_CANDIDATES_MAX];
    size_t n[NW_META__COUNT];
} nw_html_meta_t;

/* Scans html[0..len) (valid UTF-8), adding to *meta (zeroed, or holding the
 * envelope's candidates). Linear in len. Returns 0 or NW_ERR_NOMEM (the
 * caller frees *meta either way). */
int nw_html_meta_extract(const char *html, size_t len, nw_html_meta_t *meta);
void nw_html_meta_free(nw_html_meta_t *meta); /* accepts a zeroed meta */

/* Adds a candidate (copied). Values over 64 KiB are dropped. 0 or NW_ERR_NOMEM. */
int nw_html_meta_add(nw_html_meta_t *meta, nw_meta_field_t f, nw_meta_tier_t tier, const char *v,
                     size_t n);

/* Reads one JSON-LD script's text into candidates (jsonld.c). Malformed JSON
 * is ignored: it is the publisher's problem, not a reason to reject. */
int nw_jsonld_scan(const char *text, size_t len, nw_html_meta_t *meta);

/*
 * Fills the article from the candidates, after the text reader has read the
 * body (lenient: see nw_text_parse_lenient()). text_bad is the first timestamp
 * line the text reader could not read (NULL when none): it rejects the page
 * only when no other date is found. Applies the source's date policy and
 * records each field's origin and each time's precision. Returns 0 or a
 * rejection (no-timestamp, bad-timestamp).
 */
int nw_meta_merge(const nw_html_meta_t *meta, const nw_zone_table_t *zones,
                  const nw_parse_opts_t *opts, const nw_error_t *text_bad, nw_article_t *a,
                  nw_error_t *err);

/* The record's name for a tier (NW_SRC_JSONLD for NW_TIER_JSONLD ...). */
nw_field_source_t nw_meta_tier_source(nw_meta_tier_t tier);

/* The headline, byline and language of nw_meta_merge() (meta_text.c), each
 * from the most trusted tier that yields a usable value. 0 or NW_ERR_NOMEM. */
int nw_meta_merge_text(const nw_html_meta_t *m, nw_article_t *a);

/* The headline without a site-name suffix or prefix (" | Site", " - Site",
 * "Site | "): site is the known site name or NULL, url the page's URL or
 * NULL (a part that names its host is the site). New allocation or NULL. */
char *nw_meta_strip_site(const char *title, const char *site, const char *url);

/*
 * Adds the short lines of a page's text (as nw_html_to_text() gives it) that
 * are a date and little else ("Samstag 22.12.2012", "Publié le 4 décembre
 * 2026 à 10:15") as visible-tier candidates, the first few only. Lines of
 * prose that merely mention a date are left alone.
 */
int nw_meta_scan_lines(const char *text, size_t len, nw_html_meta_t *meta);

/* A date as a page writes it, before any zone policy is applied. */
typedef struct nw_mdate {
    int64_t year;
    unsigned month, day, hour, min, sec;
    bool has_time;
    bool has_zone;
    int32_t offset; /* seconds east of UTC, when has_zone */
} nw_mdate_t;

/*
 * A machine-readable value: ISO 8601 in the shapes pages use (date only,
 * with or without seconds and fractions, offsets Z, +00:00, +0000, +00, a
 * space before the offset, YYYY/MM/DD), RFC 2822, or a written date.
 */
bool nw_mdate_machine(const char *s, size_t n, const nw_zone_table_t *zones, nw_mdate_t *out);

/*
 * The first date in a short visible text ("Veröffentlicht am 4. Dezember
 * 2026, 14:30 Uhr", "December 4, 2026", "4.12.2026"). lang is the page's or
 * the source's language ("de", "en-US", NULL): it decides whether 04/05/2026
 * is day-first or month-first; without one such a date is not read.
 */
bool nw_mdate_visible(const char *s, size_t n, const char *lang, const nw_zone_table_t *zones,
                      nw_mdate_t *out);

/* A date in a URL's path: /2026/12/04/, /20261204/, 2026-12-04. */
bool nw_mdate_url(const char *url, size_t n, nw_mdate_t *out);

/* Calendar check: the day exists in the month and the year is 1970..2199. */
bool nw_mdate_valid(const nw_mdate_t *d);

#endif
