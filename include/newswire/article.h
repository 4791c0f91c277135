/*
 * The article model and the parser that builds it from a raw message.
 *
 * A raw message is plain text laid out like a news page, a JSON envelope
 * ({"url", "source", "fetched_at", "text" | "html", ...}) or an HTML page.
 * nw_article_parse() decodes it, strips the boilerplate (Advertisement lines,
 * image credit lines, "Reported by:", timestamp lines), and fills an
 * nw_article_t whose strings are all valid, whitespace-normalised UTF-8.
 *
 * Invalid UTF-8 is replaced, never passed on: each invalid byte becomes
 * U+FFFD. Input that is mostly not text (NUL bytes, or more than a tenth of
 * its bytes invalid) is rejected as "binary".
 *
 * Ownership: the article owns every string in it; nw_article_clear() frees
 * them all. Functions returning char * return a new allocation the caller
 * frees.
 */
#ifndef NEWSWIRE_ARTICLE_H
#define NEWSWIRE_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newswire/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NW_DEFAULT_MAX_MESSAGE_BYTES (1024u * 1024u)
#define NW_DEFAULT_MAX_RAW_BYTES     (8u * 1024u * 1024u)

typedef enum nw_format {
    NW_FORMAT_AUTO = 0, /* detect: '{' envelope, '<' HTML, otherwise text */
    NW_FORMAT_TEXT,
    NW_FORMAT_JSON,
    NW_FORMAT_HTML,
} nw_format_t;

typedef struct nw_paragraph {
    char *text;
    bool subheading; /* a short heading line inside the body */
    /* strlen(text), which the parser sets so that the record writer and
     * the hashes need not measure each paragraph again; 0 when not known
     * (a paragraph made by hand): read it through nw_paragraph_len(). */
    size_t len;
} nw_paragraph_t;

/* The length of p's text: p->len, or strlen() when that is not known. */
size_t nw_paragraph_len(const nw_paragraph_t *p);

/* How precise a time is: to the second, or only the day (a date-only value,
 * recorded midnight UTC of that date). */
typedef enum nw_precision { NW_PRECISION_SECOND = 0, NW_PRECISION_DAY } nw_precision_t;

/* The article fields whose origin the record names (newswire.field_sources). */
typedef enum nw_field {
    NW_FIELD_HEADLINE = 0,
    NW_FIELD_FIRSTCREATED,
    NW_FIELD_VERSIONCREATED,
    NW_FIELD_BY,
    NW_FIELD_LANGUAGE,
    NW_FIELD__COUNT
} nw_field_t;

/* Where a field's value came from; NW_SRC_UNSET when not recorded (the plain
 * text path records nothing, so its records keep their bytes). */
typedef enum nw_field_source {
    NW_SRC_UNSET = 0,
    NW_SRC_TEXT,        /* the text reader (timestamp and byline lines, first block) */
    NW_SRC_ENVELOPE,    /* the scraper envelope's metadata members */
    NW_SRC_JSONLD,      /* a JSON-LD article object */
    NW_SRC_MICRODATA,   /* itemprop / RDFa property */
    NW_SRC_OPENGRAPH,   /* og:* and article:* meta */
    NW_SRC_META,        /* Dublin Core and publisher meta names */
    NW_SRC_JSONLD_PAGE, /* a JSON-LD WebPage object */
    NW_SRC_TIME,        /* <time datetime> */
    NW_SRC_VISIBLE,     /* visible text of a date-like element */
    NW_SRC_URL,         /* the page's URL */
    NW_SRC_H1,          /* the page's <h1> */
    NW_SRC_TITLE,       /* <title> */
    NW_SRC_HTML_LANG,   /* <html lang> */
    NW_SRC_FETCHED_AT,  /* fallback: the envelope's fetched_at */
    NW_SRC_RECEIVED,    /* fallback: the Kafka message timestamp */
    NW_SRC__COUNT
} nw_field_source_t;

typedef struct nw_article {
    char *headline;   /* never NULL after a successful parse */
    char *standfirst; /* NULL when the article has none */
    char *byline;     /* the author's name, NULL when unknown */
    char **image_credits;
    size_t n_image_credits;
    nw_paragraph_t *paragraphs;
    size_t n_paragraphs;
    int64_t published; /* UTC seconds; valid when has_published */
    int64_t updated;   /* UTC seconds; valid when has_updated */
    bool has_published;
    bool has_updated;
    nw_format_t format;       /* the message's outer format */
    nw_format_t inner_format; /* TEXT or HTML: the article text inside an envelope */
    char *url;                /* envelope fields, NULL when absent */
    char *source;
    char *fetched_at;
    /* The envelope's other fields as a JSON object text, or NULL: as
     * json_dumps() writes it compact, which the record writer takes as it is. */
    char *provenance_json;
    /* Set by the metadata layer (HTML pages, envelopes with metadata). */
    char *language;              /* BCP 47 tag ("en", "de-AT"), NULL when unknown */
    uint8_t published_precision; /* nw_precision_t */
    uint8_t updated_precision;
    uint8_t field_source[NW_FIELD__COUNT]; /* nw_field_source_t per nw_field_t */
    /* Where the zone of a time written without one came from (an
     * nw_zone_origin_t of parse/timestamp.h; 0 when the time carried its
     * zone or had no time of day): the record's field_sources "zone". */
    uint8_t zone_origin;
    /* When not NULL, one allocation holding every paragraph's text (the
     * text reader makes them so): nw_article_clear() frees it rather than
     * each paragraph's text. NULL where each text is its own allocation. */
    char *paragraph_texts;
} nw_article_t;

struct nw_zone_table;

/* Picks the zone-abbreviation table for a source name (which may be NULL);
 * lets configuration override abbreviations per source. */
typedef const struct nw_zone_table *(*nw_zones_for_fn)(const char *source, void *opaque);

typedef struct nw_parse_opts {
    nw_format_t format;    /* NW_FORMAT_AUTO to detect */
    size_t max_bytes;      /* 0 means NW_DEFAULT_MAX_MESSAGE_BYTES */
    const char *source;    /* source name known from outside (may be NULL);
                              an envelope's own "source" takes precedence */
    nw_zones_for_fn zones; /* NULL: the default table */
    void *zones_opaque;
    /* The Kafka message timestamp (ms since the epoch), for the "received"
     * date fallback (see the source's date policy); ignored when false. */
    bool has_received;
    int64_t received_ms;
    size_t max_raw_bytes; /* 0 means NW_DEFAULT_MAX_RAW_BYTES; HTML over max_bytes is measured
                             without scripts, styles and comments, up to this */
} nw_parse_opts_t;

/*
 * Parses one raw message. On success returns 0 and fills *out (which must be
 * zeroed or cleared). On failure returns a negative nw_err_t; an unacceptable
 * article is NW_ERR_REJECTED with err->reject set, and *out holds nothing to
 * free. opts may be NULL for defaults.
 */
int nw_article_parse(const char *data, size_t len, const nw_parse_opts_t *opts, nw_article_t *out,
                     nw_error_t *err);

/* Frees everything the article owns and zeroes it. Accepts NULL. */
void nw_article_clear(nw_article_t *a);

/* The body as the record carries it: paragraphs joined by blank lines.
 * New allocation; NULL on allocation failure. */
char *nw_article_body(const nw_article_t *a);

/* The version time: Updated when present, else Published. */
int64_t nw_article_version_time(const nw_article_t *a);

/* SHA-256 over the normalised headline, standfirst and body: whitespace,
 * line endings and boilerplate do not change it. */
void nw_article_content_hash(const nw_article_t *a, uint8_t out[32]);

/* 64-bit simhash over word 3-shingles of the same text, for near-duplicates. */
uint64_t nw_article_simhash(const nw_article_t *a);

/* Both of the above, each in one pass over the parts, which are not joined. */
void nw_article_hashes(const nw_article_t *a, uint8_t content[32], uint64_t *simhash);

/* "jsonld", "opengraph", "envelope" ...: the names the record uses. */
const char *nw_field_source_name(nw_field_source_t s);
const char *nw_field_name(nw_field_t f); /* "headline", "firstcreated" ... */

const char *nw_format_name(nw_format_t f);                   /* "text", "json", "html", "auto" */
int nw_format_from_name(const char *name, nw_format_t *out); /* 0 or NW_ERR_INVALID */

#ifdef __cplusplus
}
#endif
#endif
