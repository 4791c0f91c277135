/*
 * newswire's configuration: one declared table of keys, values from a
 * properties file, the environment and -X, and librdkafka pass-through.
 *
 * Every key newswire understands is declared once in config_keys.c with its
 * type, default, bounds and description (the way Fluent Bit declares a config
 * map), so validation, `--help` and the printed effective configuration can
 * never drift from what the code reads. Besides the declared keys there are
 * pattern families whose names carry data: `kafka.<property>` (handed to
 * librdkafka as-is), `timestamp.zone.<ABBR>`, `source.<NAME>.timestamp.zone.<ABBR>`
 * and `http.<name>.<setting>`.
 *
 * Precedence is the order of calls: the CLI loads the file, then the
 * environment, then -X, and a later value replaces an earlier one. Each stored
 * value remembers where it came from ("-X", "env NEWSWIRE_OUTPUT_TOPIC",
 * "/etc/newswire.properties:12") so that a failure found later, for example by
 * librdkafka, can still point at the line to fix. Secret values (passwords,
 * tokens) never appear in an error message, and are masked when printed.
 *
 * Values are validated when set, so the typed getters below cannot fail on a
 * declared key. A nw_config_t is not thread-safe for writing; once loaded it
 * may be read from any thread.
 */
#ifndef NW_CONFIG_H
#define NW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "newswire/error.h"

#define NW_CONFIG_KEY_MAX    256        /* longest accepted key, in bytes */
#define NW_CONFIG_MASK       "********" /* what a masked secret prints as */
#define NW_CONFIG_ENV_PREFIX "NEWSWIRE_"

typedef enum nw_config_type {
    NW_CONFIG_STRING,   /* any text; min is the shortest length (1: required) */
    NW_CONFIG_INT,      /* decimal integer within min..max */
    NW_CONFIG_BOOL,     /* true/false (also yes/no, on/off, 1/0) */
    NW_CONFIG_ENUM,     /* one of `values` */
    NW_CONFIG_SIZE,     /* bytes, with an optional K/M/G suffix (binary) */
    NW_CONFIG_DURATION, /* milliseconds, with an optional ms/s/m/h suffix */
    NW_CONFIG_LIST,     /* comma-separated items; min is the fewest items */
} nw_config_type_t;

/* One declared key. The table only grows; add a key with one line in
 * config_keys.c. */
typedef struct nw_config_key {
    const char *name;
    nw_config_type_t type;
    const char *def;    /* default, written as a user would write it */
    const char *values; /* NW_CONFIG_ENUM: allowed values, "a|b|c" */
    int64_t min, max;   /* numbers: bounds (in bytes or ms for sizes and durations) */
    bool secret;        /* mask when printing, never echo in errors */
    const char *desc;   /* one line for --help and the example config */
} nw_config_key_t;

/* A family of keys whose names carry data, such as kafka.<property>. */
typedef struct nw_config_family {
    const char *pattern; /* for help: "kafka.<property>" */
    const char *desc;
    bool (*match)(const char *key);
    bool may_be_secret;  /* secret when the name looks like a credential */
    bool fold_last;      /* last segment is a zone abbreviation: stored upper-case */
    bool value_required; /* an empty value is an error */
} nw_config_family_t;

/* The declared keys and families, in table order (see config_keys.c). */
const nw_config_key_t *nw_config_keys(size_t *count);
const nw_config_family_t *nw_config_families(size_t *count);
/* The declared key called name, or NULL. */
const nw_config_key_t *nw_config_key_find(const char *name);
/* The family name belongs to, or NULL. */
const nw_config_family_t *nw_config_family_find(const char *name);

/* Checks value against k's type and bounds; origin prefixes the error. When
 * num is not NULL it receives the number (bytes for a size, ms for a
 * duration, 0/1 for a bool, the item count for a list). Returns 0 or
 * NW_ERR_INVALID. */
int nw_config_key_check(const nw_config_key_t *k, const char *value, int64_t *num,
                        const char *origin, nw_error_t *err);

/* Writes to out the key most likely meant by an unknown or refused key (a
 * close declared name, a family with its head misspelt, or for kafka.* a close
 * librdkafka property). False when nothing is close. */
bool nw_config_suggest(const char *key, char *out, size_t n);

/* NEWSWIRE_ variables that belong to scripts, not to the processor;
 * NULL-terminated. nw_config_load_env() skips them. */
extern const char *const nw_config_env_ignored[];

typedef struct nw_config nw_config_t;

/* A configuration holding only defaults; NULL when out of memory. */
nw_config_t *nw_config_new(void);
/* Frees cfg; cfg may be NULL. */
void nw_config_free(nw_config_t *cfg);

/* Validates key and value and stores a copy of both (a later set wins).
 * origin (copied; NULL means "-X") says where the value came from and
 * prefixes every error message: `-X: processing.guarantee: "exactly-once" is
 * not one of exactly_once, at_least_once`. Returns 0, NW_ERR_INVALID or
 * NW_ERR_NOMEM. */
int nw_config_set(nw_config_t *cfg, const char *key, const char *value, const char *origin,
                  nw_error_t *err);

/* Loads a Java-style properties file: `key=value`, `key = value`, `key: value`
 * or `key value`; `#` and `!` comment lines; backslash continuation; the
 * escapes \t \n \r \f \\ \uXXXX (written out as UTF-8). The file is read as
 * UTF-8. Stops at the first bad line; errors read `path:line: ...`. Returns 0,
 * NW_ERR_IO, NW_ERR_INVALID or NW_ERR_NOMEM. */
int nw_config_load_file(nw_config_t *cfg, const char *path, nw_error_t *err);

/* Applies every NEWSWIRE_* variable of envp (NULL-terminated as environ;
 * NULL means the process environment):
 * NEWSWIRE_OUTPUT_TOPIC=x sets output.topic (prefix dropped, lower-cased,
 * `_` read as `.`). Variables in nw_config_env_ignored are skipped; any other
 * that names no key is an error naming the variable. Returns as
 * nw_config_set(). */
int nw_config_load_env(nw_config_t *cfg, char *const *envp, nw_error_t *err);

/* The effective value: the set one, else the default. NULL for a key that is
 * neither declared nor set. Borrowed: valid until the key is set again. */
const char *nw_config_get(const nw_config_t *cfg, const char *key);
/* Where the value came from, or NULL when it is the default. Borrowed. */
const char *nw_config_origin(const nw_config_t *cfg, const char *key);
/* An NW_CONFIG_INT, _SIZE (in bytes) or _DURATION (in ms) key; 0 otherwise. */
int64_t nw_config_get_int(const nw_config_t *cfg, const char *key);
/* An NW_CONFIG_BOOL key; false otherwise. */
bool nw_config_get_bool(const nw_config_t *cfg, const char *key);
/* The items of a list key, whitespace-trimmed. Returns their number and sets
 * *out to a new NULL-terminated array of copies, freed with
 * nw_config_list_free(); *out is NULL (and 0 returned) when the key has no
 * value or memory ran out. An empty list gives a non-NULL *out. */
size_t nw_config_get_list(const nw_config_t *cfg, const char *key, char ***out);
void nw_config_list_free(char **list);

/* Calls cb for each explicitly set key starting with prefix (NULL or "" for
 * all), in key order. Stops at and returns the first non-zero cb result. */
int nw_config_foreach(const nw_config_t *cfg, const char *prefix,
                      int (*cb)(const char *key, const char *value, void *opaque), void *opaque);

/* True for a key whose value must not be shown: a declared secret, or a
 * kafka.* or http.* key whose name contains password, secret, token,
 * credential, sasl.oauthbearer.config or ssl.key.pem. */
bool nw_config_is_secret(const char *key);

/* Lists every declared key (name, type, default, description) and family. */
void nw_config_print_help(FILE *fp);

/* Prints the effective configuration as a properties file that loads back:
 * every declared key with its effective value and every set family key, in
 * key order; secrets as NW_CONFIG_MASK when mask_secrets. Returns 0,
 * NW_ERR_NOMEM or NW_ERR_IO. */
int nw_config_print(const nw_config_t *cfg, FILE *fp, bool mask_secrets);

/*
 * What config knows of librdkafka's property names, from the kafka layer
 * above it (nw_kconf_install_probe, kafka/kconf.c): config passes kafka.*
 * keys through without reaching librdkafka itself, yet still answers a bare
 * librdkafka property with "did you mean kafka.<property>" and a misspelt
 * kafka.* key with the closest property. Install it once, before any
 * configuration is read and before other threads start; without one no bare
 * key is taken for a librdkafka property and kafka.* keys get no suggestion.
 */
typedef struct nw_config_kafka_probe {
    /* True when name is a librdkafka property (checked without loading
     * anything, so plugin.library.paths is safe to name). */
    bool (*is_property)(const char *name);
    /* Writes librdkafka's property table to fp, one property per line, its
     * name first (rd_kafka_conf_properties_show's format). */
    void (*show)(FILE *fp);
} nw_config_kafka_probe_t;

/* probe is borrowed and must outlive every configuration read; NULL
 * uninstalls. */
void nw_config_set_kafka_probe(const nw_config_kafka_probe_t *probe);
const nw_config_kafka_probe_t *nw_config_kafka_probe(void); /* NULL when none */

#endif
