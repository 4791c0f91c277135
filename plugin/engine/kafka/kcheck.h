/*
 * Configuration checks that need real Kafka clients. librdkafka accepts some
 * settings one by one and refuses them only when a client is created: an
 * unknown sasl.mechanism, a CA, certificate or key file that is missing or
 * unreadable, an SSL setting OpenSSL rejects. `run --check-config` and `run`
 * itself build every client newswire would use, then close them, so such a
 * mistake is a configuration error (exit 78) before anything connects.
 */
#ifndef NW_KCHECK_H
#define NW_KCHECK_H

#include "config/config.h"
#include "newswire/error.h"

/* Checks that kafka.bootstrap.servers is set and not blank, then creates and
 * destroys the consumer, the restore consumer, the idempotent and the
 * transactional producer for cfg without waiting for any broker. Returns 0 or
 * NW_ERR_INVALID with a message naming the cause (NW_ERR_NOMEM on allocation
 * failure). */
int nw_kafka_check_clients(const nw_config_t *cfg, nw_error_t *err);

#endif
