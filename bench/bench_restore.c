/*
 * bench_restore: how fast a version store is rebuilt from its state topic on
 * a real broker.
 *
 * Usage: bench_restore BOOTSTRAP TOPIC fill N [PARTITION]
 *        bench_restore BOOTSTRAP TOPIC restore [PARTITION] [KEY=VALUE...]
 *
 * fill produces N changelog records to one partition of TOPIC (which must
 * exist): key "https://example.com/news/<i>" (the shape of the ids identify
 * makes), value nw_changelog_encode() of a version, as the pipeline writes
 * them. It is the quick way to get a million-record partition: one producer,
 * large batches, no per-record allocation.
 *
 * restore reads the partition back the way newswire does at assignment: a
 * consumer with newswire's NW_KAFKA_RESTORE configuration (nw_kconf_new), the
 * partition assigned from the beginning, every record passed to
 * nw_vstore_apply_changelog() until partition EOF, the store first sized from
 * the partition's watermarks (nw_vstore_reserve). It prints the wall time
 * from assignment to EOF and the entries per second, the main thread's CPU
 * time, and then the same records replayed from memory into fresh stores
 * (decode + insert alone), with and without the reserve, so the broker's
 * share and the store's share can be told apart. KEY=VALUE arguments are
 * newswire settings applied before the configuration is built, e.g.
 * kafka.fetch.max.bytes=..., to try the consumer's fetch settings. Prints;
 * no thresholds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include "config/config.h"
#include "core/clock.h"
#include "dedupe/changelog.h"
#include "dedupe/vstore.h"
#include "kafka/kconf.h"

static const char PREFIX[] = "https://example.com/news/";

static size_t make_id(char *buf, uint64_t n)
{
    return (size_t)snprintf(buf, 64, "%s%" PRIu64, PREFIX, n);
}

static int fill(const char *bootstrap, const char *topic, int32_t part, uint64_t n)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    static const char *const kv[][2] = {
        {"linger.ms", "50"},
        {"batch.size", "1000000"},
        {"queue.buffering.max.messages", "1000000"},
        {"queue.buffering.max.kbytes", "1048576"},
        {"compression.type", "none"},
    };
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof(errstr)))
        goto bad_conf;
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        if (rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof(errstr)))
            goto bad_conf;
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "bench_restore: %s\n", errstr);
        return 1;
    }
    double t0 = nw_now_s();
    char key[64];
    uint8_t value[NW_CHANGELOG_VALUE_SIZE];
    for (uint64_t i = 0; i < n; i++) {
        nw_version_t v = {.versioncreated = 1700000000 + (int64_t)(i % 86400),
                          .version = 1 + (uint32_t)(i % 7)};
        memcpy(v.content_hash, &i, sizeof(i));
        nw_changelog_encode(&v, value);
        size_t klen = make_id(key, i);
        for (;;) {
            rd_kafka_resp_err_t e =
                rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(part),
                                  RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE(value, sizeof(value)),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (!e)
                break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "bench_restore: produce: %s\n", rd_kafka_err2str(e));
                rd_kafka_destroy(rk);
                return 1;
            }
            rd_kafka_poll(rk, 50);
        }
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_resp_err_t e = rd_kafka_flush(rk, 120000);
    double secs = nw_now_s() - t0;
    rd_kafka_destroy(rk);
    if (e) {
        fprintf(stderr, "bench_restore: flush: %s\n", rd_kafka_err2str(e));
        return 1;
    }
    printf("fill         %10" PRIu64 " records %8.3f s %12.0f records/s\n", n, secs,
           (double)n / secs);
    return 0;
bad_conf:
    fprintf(stderr, "bench_restore: %s\n", errstr);
    rd_kafka_conf_destroy(conf);
    return 1;
}

/* The records read back, kept for the in-memory replay. */
typedef struct kept {
    uint8_t *buf;
    size_t len, cap, n;
} kept_t;

static void keep(kept_t *k, const rd_kafka_message_t *m)
{
    size_t need = 8 + m->key_len + m->len;
    if (!k->buf)
        return;
    if (k->len + need > k->cap) {
        size_t ncap = k->cap * 2 > k->len + need ? k->cap * 2 : k->len + need;
        uint8_t *nb = realloc(k->buf, ncap);
        if (!nb) {
            free(k->buf);
            k->buf = NULL;
            return;
        }
        k->buf = nb;
        k->cap = ncap;
    }
    uint32_t kl = (uint32_t)m->key_len, vl = (uint32_t)m->len;
    memcpy(k->buf + k->len, &kl, 4);
    memcpy(k->buf + k->len + 4, &vl, 4);
    memcpy(k->buf + k->len + 8, m->key, kl);
    memcpy(k->buf + k->len + 8 + kl, m->payload, vl);
    k->len += need;
    k->n++;
}

static int replay(const kept_t *k, int reserve)
{
    nw_vstore_t *s = nw_vstore_new(0);
    if (!s || (reserve && nw_vstore_reserve(s, k->n) < 0)) {
        nw_vstore_free(s);
        return 1;
    }
    double t0 = nw_now_s();
    size_t bad = 0;
    for (size_t off = 0; off < k->len;) {
        uint32_t kl, vl;
        memcpy(&kl, k->buf + off, 4);
        memcpy(&vl, k->buf + off + 4, 4);
        const uint8_t *key = k->buf + off + 8;
        bad += nw_vstore_apply_changelog(s, key, kl, key + kl, vl, NULL) < 0;
        off += 8 + kl + vl;
    }
    nw_vstore_commit(s);
    double secs = nw_now_s() - t0;
    printf("replay %-10s %8zu entries %8.3f s %12.0f entries/s %6.1f bytes/entry%s\n",
           reserve ? "reserved" : "growing", nw_vstore_count(s), secs, (double)k->n / secs,
           (double)nw_vstore_memory_bytes(s) / (double)nw_vstore_count(s),
           bad ? " (bad records!)" : "");
    nw_vstore_free(s);
    return bad != 0;
}

static int restore(const char *bootstrap, const char *topic, int32_t part, char **props, int nprops)
{
    nw_error_t err = {0};
    nw_config_t *cfg = nw_config_new();
    rd_kafka_conf_t *conf = NULL;
    int bad_prop = 0;
    for (int i = 0; cfg && i < nprops && !bad_prop; i++) {
        char *eq = strchr(props[i], '=');
        if (!eq) {
            snprintf(err.msg, sizeof(err.msg), "%s: expected key=value", props[i]);
            bad_prop = 1;
            break;
        }
        *eq = '\0';
        bad_prop = nw_config_set(cfg, props[i], eq + 1, "bench", &err) < 0;
    }
    if (!cfg || bad_prop ||
        nw_config_set(cfg, "kafka.bootstrap.servers", bootstrap, "bench", &err) < 0 ||
        nw_kconf_new(cfg, NW_KAFKA_RESTORE, NULL, &conf, &err) < 0) {
        fprintf(stderr, "bench_restore: %s\n", err.msg);
        nw_config_free(cfg);
        return 1;
    }
    nw_config_free(cfg);
    rd_kafka_conf_set(conf, "group.id", "bench-restore", NULL, 0);
    rd_kafka_t *rk = nw_kafka_new(RD_KAFKA_CONSUMER, conf, &err);
    if (!rk) {
        fprintf(stderr, "bench_restore: %s\n", err.msg);
        return 1;
    }
    rd_kafka_poll_set_consumer(rk);
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk, topic, part, &lo, &hi, 10000);
    if (e) {
        fprintf(stderr, "bench_restore: watermarks: %s\n", rd_kafka_err2str(e));
        rd_kafka_destroy(rk);
        return 1;
    }
    nw_vstore_t *s = nw_vstore_new(0);
    /* Sized for the bench's own records up front, so keeping a copy costs a
     * memcpy per record inside the timed loop and no reallocation. */
    size_t kcap = (size_t)(hi - lo) * (8 + 64 + NW_CHANGELOG_VALUE_SIZE) + 4096;
    kept_t k = {.buf = malloc(kcap), .cap = kcap};
    double t0 = nw_now_s(), c0 = nw_clock_ns(CLOCK_THREAD_CPUTIME_ID) / 1e9;
    if (!s || nw_vstore_reserve(s, (size_t)(hi - lo)) < 0) {
        fprintf(stderr, "bench_restore: out of memory\n");
        rd_kafka_destroy(rk);
        nw_vstore_free(s);
        free(k.buf);
        return 1;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, part)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    size_t records = 0, bad = 0;
    int done = 0;
    while (!done && nw_now_s() - t0 < 120) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            done = 1;
        } else if (m->err) {
            fprintf(stderr, "bench_restore: %s\n", rd_kafka_message_errstr(m));
        } else {
            records++;
            bad += nw_vstore_apply_changelog(s, m->key, m->key_len, m->payload, m->len, NULL) < 0;
            keep(&k, m);
        }
        rd_kafka_message_destroy(m);
    }
    nw_vstore_commit(s);
    double secs = nw_now_s() - t0, cpu = nw_clock_ns(CLOCK_THREAD_CPUTIME_ID) / 1e9 - c0;
    printf("restore      %10zu records %8.3f s %12.0f entries/s (broker %s, partition %" PRId32
           ", offsets %" PRId64 "..%" PRId64 ")%s\n",
           records, secs, (double)records / secs, bootstrap, part, lo, hi,
           done ? "" : " (no EOF within 120 s)");
    printf("             %zu entries in the store, %.1f bytes/entry, main thread CPU %.3f s%s\n",
           nw_vstore_count(s), (double)nw_vstore_memory_bytes(s) / (double)nw_vstore_count(s), cpu,
           bad ? ", BAD RECORDS" : "");
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    nw_vstore_free(s);
    int rc = !done || bad || records != (size_t)(hi - lo);
    if (k.buf && k.n == records) {
        rc |= replay(&k, 1);
        rc |= replay(&k, 0);
    }
    free(k.buf);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[3], "fill") == 0) {
        char *end;
        unsigned long long n = strtoull(argv[4], &end, 10);
        if (!*end && n > 0)
            return fill(argv[1], argv[2], argc > 5 ? (int32_t)atoi(argv[5]) : 0, n);
    } else if (argc >= 4 && strcmp(argv[3], "restore") == 0) {
        int32_t part = argc > 4 && !strchr(argv[4], '=') ? (int32_t)atoi(argv[4]) : 0;
        int first = argc > 4 && !strchr(argv[4], '=') ? 5 : 4;
        return restore(argv[1], argv[2], part, argv + first, argc - first);
    }
    fprintf(stderr,
            "usage: %s BOOTSTRAP TOPIC fill N [PARTITION]\n"
            "       %s BOOTSTRAP TOPIC restore [PARTITION] [newswire.key=value...]\n",
            argv[0], argv[0]);
    return 2;
}
