/* librdkafka configurations per role, and the user's kafka.* properties
 * applied to them (see kconf.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "core/buf.h"
#include "core/log.h"
#include "kafka/kconf.h"
#include "kafka/kfail.h"

#define NW_COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct kv {
    const char *key, *value;
} kv_t;

static int set_all(rd_kafka_conf_t *conf, const kv_t *kvs, size_t n, nw_error_t *err)
{
    char errstr[512];
    for (size_t i = 0; i < n; i++) {
        if (!kvs[i].value)
            continue;
        if (rd_kafka_conf_set(conf, kvs[i].key, kvs[i].value, errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK)
            return nw_error_set(err, NW_ERR_INVALID, "librdkafka property %s: %s", kvs[i].key,
                                errstr);
    }
    return 0;
}

/* librdkafka reports a refused certificate as "certificate verify failed"
 * without saying why; OpenSSL's verdict tells an untrusted issuer from a
 * certificate for another host. The verdict is never changed: a certificate
 * OpenSSL refuses stays refused. */
static int cert_verify_cb(rd_kafka_t *rk, const char *broker_name, int32_t broker_id,
                          int *x509_error, int depth, const char *buf, size_t size, char *errstr,
                          size_t errstr_size, void *opaque)
{
    int e = *x509_error;
    if (e == X509_V_OK)
        return 1;
    bool host = e == X509_V_ERR_HOSTNAME_MISMATCH || e == X509_V_ERR_IP_ADDRESS_MISMATCH;
    snprintf(errstr, errstr_size, "%s: %s (broker %s, certificate depth %d)",
             host ? "hostname mismatch: the broker's certificate is not for the address "
                    "connected to"
                  : "untrusted certificate: the broker's certificate does not verify against "
                    "kafka.ssl.ca.location",
             X509_verify_cert_error_string(e), broker_name, depth);
    nw_kfail_note(RD_KAFKA_RESP_ERR__SSL, NULL, errstr);
    return 0;
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    nw_kfail_note_log(rk, fac, buf);
    nw_log_rdkafka(rk, level, fac, buf);
}

static void error_cb(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
    nw_kfail_note((rd_kafka_resp_err_t)code, NULL, reason);
    /* Most errors are transient (broker down, reconnecting): librdkafka retries
     * by itself. Fatal ones are picked up by the runner via rd_kafka_fatal_error. */
    nw_log(code == RD_KAFKA_RESP_ERR__FATAL ? NW_LOG_ERROR : NW_LOG_WARN, "kafka_error", "%s: %s",
           rd_kafka_err2name((rd_kafka_resp_err_t)code), reason);
}

void nw_instance_id(const nw_config_t *cfg, char *out, size_t n)
{
    const char *instance = nw_config_get(cfg, "group.instance.id");
    if (instance && instance[0]) {
        snprintf(out, n, "%s", instance);
        return;
    }
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    snprintf(out, n, "%s-%s", nw_config_get(cfg, "group.id"), host);
}

int nw_kconf_new(const nw_config_t *cfg, nw_kafka_role_t role, const char *transactional_id,
                 rd_kafka_conf_t **out, nw_error_t *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int rc;
    *out = NULL;
    if (!conf)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    const char *listen = nw_config_get(cfg, "metrics.listen");
    bool metrics_on = listen && listen[0];
    const kv_t defaults[] = {
        {"client.id", "newswire"},
        {"log.connection.close", "false"},
        /* Java clients' partitioner, so keyed records land where a Kafka
         * Streams or Java consumer of the output topic expects them. */
        {"partitioner",
         role == NW_KAFKA_PRODUCER || role == NW_KAFKA_TXN_PRODUCER ? "murmur2_random" : NULL},
        {"linger.ms", role == NW_KAFKA_PRODUCER || role == NW_KAFKA_TXN_PRODUCER ? "5" : NULL},
        {"auto.offset.reset", role == NW_KAFKA_CONSUMER ? "earliest" : NULL},
        /* A restore reads a whole partition as fast as it can: with the
         * default of 100000 the fetcher pauses each time that many records
         * wait unread, which made 1M records take 5.7 s instead of 1.5 s
         * (bench/bench_restore.sh). queued.max.messages.kbytes still caps
         * the memory. */
        {"queued.min.messages", role == NW_KAFKA_RESTORE ? "1000000" : NULL},
        /* librdkafka keeps one fetch in flight per broker, and the broker
         * holds a fetch whose partitions are all at their end for this
         * long. The repartition topic is mostly empty, so a fetch that
         * holds only its partitions (input partitions not yet started,
         * paused for a restore, or with full queues) kept input that had
         * become fetchable waiting the default 500 ms: up to half a second
         * at every start and after every restore. */
        {"fetch.wait.max.ms", role == NW_KAFKA_CONSUMER ? "100" : NULL},
        /* Statistics feed /metrics; none are gathered when it is off. */
        {"statistics.interval.ms", metrics_on ? "15000" : NULL},
        /* KIP-714 telemetry off unless asked for (kafka.enable.metrics.push):
         * librdkafka 2.8 can miss the wakeup of a client destroyed while its
         * telemetry still awaits a broker and then waits a full second, which
         * made each of the three clients add up to 1 s to every shutdown. */
        {"enable.metrics.push", "false"},
    };
    if ((rc = set_all(conf, defaults, NW_COUNT(defaults), err)) < 0 ||
        (rc = nw_kconf_apply(cfg, conf, err)) < 0)
        goto fail;

    const char *group = nw_config_get(cfg, "group.id");
    char instance[512];
    nw_instance_id(cfg, instance, sizeof(instance));
    const kv_t forced_consumer[] = {
        {"group.id", group},
        {"group.instance.id", instance},
        {"partition.assignment.strategy", "cooperative-sticky"},
        /* Offsets are committed by newswire only once their records are safe. */
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "true"},
        {"isolation.level", "read_committed"},
    };
    const kv_t forced_restore[] = {
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "true"},
        {"isolation.level", "read_committed"},
        {"auto.offset.reset", "earliest"},
        /* A restore ends at partition EOF: do not let an empty fetch idle. */
        {"fetch.wait.max.ms", "50"},
    };
    const kv_t forced_producer[] = {
        {"enable.idempotence", "true"},
        {"acks", "all"},
    };
    const kv_t forced_txn[] = {
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"transactional.id", transactional_id},
    };
    switch (role) {
    case NW_KAFKA_CONSUMER:
        rc = set_all(conf, forced_consumer, NW_COUNT(forced_consumer), err);
        break;
    case NW_KAFKA_RESTORE:
        rc = set_all(conf, forced_restore, NW_COUNT(forced_restore), err);
        break;
    case NW_KAFKA_PRODUCER:
        rc = set_all(conf, forced_producer, NW_COUNT(forced_producer), err);
        break;
    case NW_KAFKA_TXN_PRODUCER:
        rc = set_all(conf, forced_txn, NW_COUNT(forced_txn), err);
        break;
    }
    if (rc < 0)
        goto fail;
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_ssl_cert_verify_cb(conf, cert_verify_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    *out = conf;
    return 0;
fail:
    rd_kafka_conf_destroy(conf);
    return rc;
}

rd_kafka_t *nw_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, nw_error_t *err)
{
    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (!rk) {
        rd_kafka_conf_destroy(conf); /* not taken on failure */
        nw_error_set(err, NW_ERR_KAFKA, "cannot create Kafka client: %s", errstr);
    }
    return rk;
}

/* ---- kafka.<property> ---------------------------------------------------- */

/* One kafka.* entry of the configuration and where it was set. */
typedef struct prop {
    const char *key, *value, *origin;
} prop_t;

/* Replaces each copy of secret in text by the mask, in place. */
static void scrub(char *text, size_t size, const char *secret)
{
    size_t sl = strlen(secret), ml = strlen(NW_CONFIG_MASK);
    for (char *p = sl ? strstr(text, secret) : NULL; p; p = strstr(p, secret)) {
        size_t off = (size_t)(p - text), tail = strlen(p + sl) + 1;
        if (off + ml >= size) {
            *p = '\0';
            return;
        }
        if (off + ml + tail > size)
            tail = size - off - ml; /* truncate rather than overflow */
        memmove(p + ml, p + sl, tail);
        memcpy(p, NW_CONFIG_MASK, ml);
        p[ml + tail - 1] = '\0';
        p += ml;
    }
}

/* The largest secret file read: passwords and tokens, not key stores. */
#define NW_SECRET_FILE_MAX 65536

/* If key is "<secret>.file" (e.g. kafka.sasl.password.file), returns the
 * length of "<secret>", else 0. */
static size_t secret_file_base(const char *key)
{
    static const char suffix[] = ".file";
    size_t n = strlen(key), sl = sizeof(suffix) - 1;
    if (n <= sl || strcmp(key + n - sl, suffix) != 0)
        return 0;
    char base[NW_CONFIG_KEY_MAX + 1];
    snprintf(base, sizeof(base), "%.*s", (int)(n - sl), key);
    return nw_config_is_secret(base) ? n - sl : 0;
}

/* Reads the secret in path into out (one trailing newline dropped, as editors
 * and `echo` add one). The caller wipes and frees out. */
static int read_secret_file(const prop_t *e, nw_buf_t *out, nw_error_t *err)
{
    FILE *fp = fopen(e->value, "rb");
    if (!fp)
        return nw_error_set(err, NW_ERR_INVALID, "%s: %s: cannot open %s: %s", e->origin, e->key,
                            e->value, strerror(errno));
    char chunk[4096];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        nw_buf_append(out, chunk, n);
        if (out->len > NW_SECRET_FILE_MAX)
            rc = nw_error_set(err, NW_ERR_INVALID, "%s: %s: %s is larger than %d bytes", e->origin,
                              e->key, e->value, NW_SECRET_FILE_MAX);
    }
    explicit_bzero(chunk, sizeof(chunk));
    if (rc == 0 && ferror(fp))
        rc = nw_error_set(err, NW_ERR_INVALID, "%s: %s: cannot read %s: %s", e->origin, e->key,
                          e->value, strerror(errno));
    fclose(fp);
    if (rc == 0 && !nw_buf_ok(out))
        rc = nw_error_set(err, NW_ERR_NOMEM, "%s: %s: out of memory", e->origin, e->key);
    if (rc == 0 && out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    if (rc == 0 && out->len && out->data[out->len - 1] == '\r')
        out->data[--out->len] = '\0';
    if (rc == 0 && (out->len == 0 || strlen(out->data) != out->len))
        rc = nw_error_set(err, NW_ERR_INVALID, "%s: %s: %s is empty or holds a NUL byte", e->origin,
                          e->key, e->value);
    return rc;
}

/* kafka.<secret>.file: the secret is read from the file and set as
 * <secret>, so that it never appears in the process arguments or the
 * environment. Setting both is ambiguous and refused. */
static int apply_secret_file(const nw_config_t *cfg, const prop_t *e, size_t base_len,
                             rd_kafka_conf_t *conf, nw_error_t *err)
{
    char base[NW_CONFIG_KEY_MAX + 1];
    snprintf(base, sizeof(base), "%.*s", (int)base_len, e->key);
    if (nw_config_get(cfg, base))
        return nw_error_set(err, NW_ERR_INVALID, "%s: %s: %s is set too (%s); set only one",
                            e->origin, e->key, base, nw_config_origin(cfg, base));
    nw_buf_t secret = NW_BUF_INIT;
    int rc = read_secret_file(e, &secret, err);
    if (rc == 0) {
        char errstr[512] = "";
        if (rd_kafka_conf_set(conf, base + 6, secret.data, errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK) {
            scrub(errstr, sizeof(errstr), secret.data);
            rc = nw_error_set(err, NW_ERR_INVALID, "%s: %s: librdkafka: %s", e->origin, e->key,
                              errstr);
        }
    }
    if (secret.data)
        explicit_bzero(secret.data, secret.len);
    nw_buf_free(&secret);
    return rc;
}

typedef struct apply {
    const nw_config_t *cfg;
    rd_kafka_conf_t *conf;
    nw_error_t *err;
} apply_t;

static int apply_one(const char *key, const char *value, void *opaque)
{
    const apply_t *a = opaque;
    const prop_t p = {key, value, nw_config_origin(a->cfg, key)};
    const prop_t *e = &p;
    size_t base_len = secret_file_base(e->key);
    if (base_len)
        return apply_secret_file(a->cfg, e, base_len, a->conf, a->err);
    char errstr[512] = "";
    rd_kafka_conf_res_t res =
        rd_kafka_conf_set(a->conf, e->key + 6, e->value, errstr, sizeof(errstr));
    if (res == RD_KAFKA_CONF_OK)
        return 0;
    if (nw_config_is_secret(e->key))
        scrub(errstr, sizeof(errstr), e->value);
    char hint[NW_CONFIG_KEY_MAX + 64] = "", name[NW_CONFIG_KEY_MAX + 16];
    if (res == RD_KAFKA_CONF_UNKNOWN && nw_config_suggest(e->key, name, sizeof(name)))
        snprintf(hint, sizeof(hint), " (did you mean \"%s\"?)", name);
    return nw_error_set(a->err, NW_ERR_INVALID, "%s: %s: librdkafka: %s%s", e->origin, e->key,
                        errstr, hint);
}

int nw_kconf_apply(const nw_config_t *cfg, rd_kafka_conf_t *conf, nw_error_t *err)
{
    apply_t a = {cfg, conf, err};
    return nw_config_foreach(cfg, "kafka.", apply_one, &a);
}

/* ---- the name probe config uses (config.h) -------------------------------- */

/* Probed with an empty value so that nothing (plugin.library.paths) is
 * loaded. */
static bool is_property(const char *name)
{
    rd_kafka_conf_t *probe = rd_kafka_conf_new();
    char errstr[256];
    bool known = probe && rd_kafka_conf_set(probe, name, "", errstr, sizeof(errstr)) !=
                              RD_KAFKA_CONF_UNKNOWN;
    if (probe)
        rd_kafka_conf_destroy(probe);
    return known;
}

static const nw_config_kafka_probe_t kafka_probe = {is_property, rd_kafka_conf_properties_show};

void nw_kconf_install_probe(void)
{
    nw_config_set_kafka_probe(&kafka_probe);
}
