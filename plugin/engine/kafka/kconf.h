/*
 * librdkafka client configurations for each role newswire plays.
 *
 * Order matters: newswire's defaults first, then the user's kafka.*
 * properties (so a user may tune anything), then the few settings the
 * delivery guarantees depend on, which are forced (a user who sets
 * enable.auto.commit=true would otherwise silently lose at-least-once).
 */
#ifndef NW_KCONF_H
#define NW_KCONF_H

#include <librdkafka/rdkafka.h>

#include "config/config.h"

typedef enum nw_kafka_role {
    NW_KAFKA_CONSUMER,     /* the group member reading input.topics */
    NW_KAFKA_PRODUCER,     /* idempotent producer (at_least_once) */
    NW_KAFKA_TXN_PRODUCER, /* transactional producer (exactly_once) */
    NW_KAFKA_RESTORE,      /* group-less consumer reading the state topic */
} nw_kafka_role_t;

/* Builds a configuration for role; *out is owned by the caller until handed
 * to rd_kafka_new(). transactional_id is used by NW_KAFKA_TXN_PRODUCER only. */
int nw_kconf_new(const nw_config_t *cfg, nw_kafka_role_t role, const char *transactional_id,
                 rd_kafka_conf_t **out, nw_error_t *err);

/* The static group membership id: group.instance.id, or when that is empty
 * "<group.id>-<hostname>", stable across restarts on one host so that a
 * restarted member takes its partitions back at once. Several instances on
 * one host must set group.instance.id each. */
void nw_instance_id(const nw_config_t *cfg, char *out, size_t n);

/* Sets every kafka.<property> of cfg on conf (rd_kafka_conf_set, topic
 * properties included). A property librdkafka refuses fails with
 * NW_ERR_INVALID and a message naming the key, its origin and librdkafka's
 * reason, never a secret's value. kafka.<secret>.file (e.g.
 * kafka.sasl.password.file=PATH) sets the secret <secret> from the file's
 * content, one trailing newline dropped; a missing or empty file, or both
 * keys set, is NW_ERR_INVALID. conf stays owned by the caller. */
int nw_kconf_apply(const nw_config_t *cfg, rd_kafka_conf_t *conf, nw_error_t *err);

/* Gives config its probe of librdkafka's property names (config.h,
 * nw_config_set_kafka_probe), so a bare librdkafka property or a misspelt
 * kafka.* key is answered with the name meant. Call once at start, before
 * any configuration is read. */
void nw_kconf_install_probe(void);

/* rd_kafka_new() with the error turned into an nw_error_t. Takes conf. */
rd_kafka_t *nw_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, nw_error_t *err);

#endif
