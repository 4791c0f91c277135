/*
 * Building the Kafka clients to validate a configuration (see kcheck.h).
 * Creating a client spawns librdkafka's threads and starts connecting in the
 * background; destroying it right away stops them, so the check costs a few
 * milliseconds and needs no broker. Always without telemetry, whatever
 * kafka.enable.metrics.push says: a client destroyed before its telemetry
 * found a broker can wait a full second for it (librdkafka 2.8, see kconf.c),
 * which made the four checks cost 0 to 4 s before every run.
 */
#include "kafka/kcheck.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kafka/kconf.h"

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s) && *s != ',')
            return false;
    return true;
}

/* OpenSSL reports a missing file as "system lib"; a message naming the key,
 * the path and errno says which file to fix. */
static int check_files(const nw_config_t *cfg, nw_error_t *err)
{
    static const char *const keys[] = {
        "kafka.ssl.ca.location",       "kafka.ssl.certificate.location", "kafka.ssl.key.location",
        "kafka.ssl.keystore.location", "kafka.ssl.crl.location",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *path = nw_config_get(cfg, keys[i]);
        /* ssl.ca.location=probe asks librdkafka to find the system's CAs. */
        if (!path || !*path || strcmp(path, "probe") == 0)
            continue;
        if (access(path, R_OK) != 0)
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: cannot read %s: %s",
                                nw_config_origin(cfg, keys[i]), keys[i], path, strerror(errno));
    }
    return 0;
}

int nw_kafka_check_clients(const nw_config_t *cfg, nw_error_t *err)
{
    static const struct {
        nw_kafka_role_t role;
        rd_kafka_type_t type;
        const char *name;
    } clients[] = {
        {NW_KAFKA_CONSUMER, RD_KAFKA_CONSUMER, "consumer"},
        {NW_KAFKA_RESTORE, RD_KAFKA_CONSUMER, "restore consumer"},
        {NW_KAFKA_PRODUCER, RD_KAFKA_PRODUCER, "producer"},
        {NW_KAFKA_TXN_PRODUCER, RD_KAFKA_PRODUCER, "transactional producer"},
    };
    const char *servers = nw_config_get(cfg, "kafka.bootstrap.servers");
    if (blank(servers))
        servers = nw_config_get(cfg, "kafka.metadata.broker.list"); /* librdkafka's alias */
    if (blank(servers))
        return nw_error_set(err, NW_ERR_INVALID,
                            "kafka.bootstrap.servers is empty: give the brokers with -b, "
                            "kafka.bootstrap.servers or NEWSWIRE_KAFKA_BOOTSTRAP_SERVERS");
    int rc = check_files(cfg, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        rd_kafka_conf_t *conf = NULL;
        if ((rc = nw_kconf_new(cfg, clients[i].role, "newswire-check", &conf, err)) < 0)
            return rc;
        char errstr[512] = "";
        if (rd_kafka_conf_set(conf, "enable.metrics.push", "false", errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return nw_error_set(err, NW_ERR_INVALID, "kafka %s: %s", clients[i].name, errstr);
        }
        /* The check's clients have nothing worth logging: the failure that
         * matters comes back from rd_kafka_new(). */
        rd_kafka_conf_set_log_cb(conf, NULL);
        rd_kafka_conf_set_error_cb(conf, NULL);
        rd_kafka_t *rk = rd_kafka_new(clients[i].type, conf, errstr, sizeof(errstr));
        if (!rk) {
            rd_kafka_conf_destroy(conf); /* not taken on failure */
            return nw_error_set(err, NW_ERR_INVALID, "kafka %s: %s", clients[i].name, errstr);
        }
        /* Never subscribed: nothing to leave or commit on the way out. */
        rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    }
    return 0;
}
