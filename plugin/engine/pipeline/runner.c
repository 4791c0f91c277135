/*
 * The runner's lifecycle and poll loop (see runner.h for the guarantees).
 *
 * One thread does everything Kafka: it polls the input consumer, the
 * restore consumer and the producer's delivery reports in turn, so
 * callbacks never race with the loop and no locks are needed. Only the
 * processing of a batch fans out, inside nw_process_batch(), over the
 * partitions the batch holds: it takes messages from every assigned
 * partition's own queue in turn (take_batch), so a batch spans them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sink.h"
#include "kafka/kconf.h"
#include "kafka/kfail.h"
#include "kafka/kpos.h"
#include "kafka/topics.h"
#include "pipeline/runner_internal.h"

/* The transactional id is stable per instance, so a restarted instance
 * fences the one it replaces; distinct per instance, so members of a group
 * do not fence each other. */
static void transactional_id(const nw_config_t *cfg, char *out, size_t n)
{
    char instance[512];
    nw_instance_id(cfg, instance, sizeof(instance));
    if (snprintf(out, n, "newswire-%s-%s", nw_config_get(cfg, "group.id"), instance) >= (int)n)
        nw_log(NW_LOG_WARN, "config", "transactional id truncated to %zu bytes", n - 1);
}

/* librdkafka statistics, one callback per client role. */
static int stats_producer(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    nw_sink_rdkafka_stats(((nw_runner_t *)opaque)->opts.metrics, "producer", json, len);
    return 0;
}

static int stats_consumer(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    nw_sink_rdkafka_stats(((nw_runner_t *)opaque)->opts.metrics, "consumer", json, len);
    return 0;
}

static int stats_restore(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    nw_sink_rdkafka_stats(((nw_runner_t *)opaque)->opts.metrics, "restore", json, len);
    return 0;
}

static const char *topic_of(const nw_runner_t *r, int which)
{
    switch (which) {
    case NW_TOPIC_OUTPUT:
        return r->out_topic;
    case NW_TOPIC_DLQ:
        return r->dlq_topic;
    case NW_TOPIC_STATE:
        return r->state_topic;
    default:
        return r->repartition_topic;
    }
}

void nw_count_produced(nw_runner_t *r, int which)
{
    if (r->eos)
        r->txn_produced[which]++;
    else
        nw_sink_produced(r->opts.metrics, topic_of(r, which), 1);
}

void nw_txn_produced_flush(nw_runner_t *r, bool publish)
{
    for (int i = 0; i < 4; i++) {
        if (publish && r->txn_produced[i])
            nw_sink_produced(r->opts.metrics, topic_of(r, i), r->txn_produced[i]);
        r->txn_produced[i] = 0;
    }
}

void nw_publish(nw_runner_t *r, bool force)
{
    const nw_sink_t *m = r->opts.metrics;
    int64_t now = nw_now_ms();
    if (!m || (!force && now - r->last_publish_ms < 500))
        return;
    r->last_publish_ms = now;
    nw_sink_set_counters(m, &r->total);
    bool restoring = false;
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        int64_t lo = -1, hi = -1;
        restoring = restoring || p->restoring;
        /* Cached by the last fetch: no request to the broker here. */
        rd_kafka_get_watermark_offsets(r->consumer, p->topic, p->partition, &lo, &hi);
        int64_t at = p->next_offset >= 0 ? p->next_offset : p->committed >= 0 ? p->committed : lo;
        nw_sink_partition(m, p->topic, p->partition, at, hi);
    }
    r->ever_assigned = r->ever_assigned || r->parts.n > 0;
    nw_sink_set_ready(m, r->ever_assigned && !restoring);
}

/* The processor and the two consumers. They come first: the topics are
 * checked (and their limits read) through the input consumer, before the
 * producer is made to fit them. */
static int setup(nw_runner_t *r, nw_error_t *err)
{
    rd_kafka_conf_t *conf = NULL;
    int rc;
    if ((rc = nw_processor_new(r->cfg, &r->proc, err)) < 0)
        return rc;
    nw_processor_set_metrics(r->proc, r->opts.metrics);
    if ((rc = nw_kconf_new(r->cfg, NW_KAFKA_CONSUMER, NULL, &conf, err)) < 0)
        return rc;
    rd_kafka_conf_set_opaque(conf, r);
    rd_kafka_conf_set_rebalance_cb(conf, nw_rebalance_cb);
    rd_kafka_conf_set_stats_cb(conf, stats_consumer);
    if (!(r->consumer = nw_kafka_new(RD_KAFKA_CONSUMER, conf, err)))
        return NW_ERR_KAFKA;
    rd_kafka_poll_set_consumer(r->consumer);
    if (pipe2(r->wake, O_NONBLOCK | O_CLOEXEC) < 0)
        return nw_error_set(err, NW_ERR_IO, "pipe: %s", strerror(errno));
    if (!(r->consumer_q = rd_kafka_queue_get_consumer(r->consumer)))
        return nw_error_set(err, NW_ERR_KAFKA, "the consumer has no queue");
    rd_kafka_queue_io_event_enable(r->consumer_q, r->wake[1], "c", 1);
    if ((rc = nw_kconf_new(r->cfg, NW_KAFKA_RESTORE, NULL, &conf, err)) < 0)
        return rc;
    rd_kafka_conf_set_opaque(conf, r);
    rd_kafka_conf_set_stats_cb(conf, stats_restore);
    /* The restore consumer has no group.id: it reads partitions it is
     * given (librdkafka's simple consumer), so it neither joins nor even
     * looks up a consumer group, and needs no group right. */
    if (!(r->restore = nw_kafka_new(RD_KAFKA_CONSUMER, conf, err)))
        return NW_ERR_KAFKA;
    if (!(r->restore_q = rd_kafka_queue_new(r->restore)) ||
        !(r->restore_rkt = rd_kafka_topic_new(r->restore, r->state_topic, NULL)))
        return nw_error_set(err, NW_ERR_KAFKA, "cannot read state topic %s: %s", r->state_topic,
                            rd_kafka_err2str(rd_kafka_last_error()));
    return 0;
}

static int64_t conf_int(rd_kafka_conf_t *conf, const char *name, int64_t dflt)
{
    char buf[32];
    size_t sz = sizeof(buf);
    if (rd_kafka_conf_get(conf, name, buf, &sz) != RD_KAFKA_CONF_OK)
        return dflt;
    return strtoll(buf, NULL, 10);
}

/*
 * What each topic accepts: its max.message.bytes (read from the broker) and
 * the producer's message.max.bytes, whichever is smaller. Records are
 * checked against it before they are produced (see nw_item_t.max_record),
 * and the producer's batch.size is kept under the smallest, so records that
 * fit one by one never make a batch the broker refuses.
 */
static int fit_limits(nw_runner_t *r, rd_kafka_conf_t *conf, nw_error_t *err)
{
    int64_t producer = conf_int(conf, "message.max.bytes", 1000000), topic[4];
    int64_t batch = conf_int(conf, "batch.size", 1000000), smallest = producer;
    const char *topics[4];
    nw_error_t e = {0};
    for (int i = 0; i < 4; i++)
        topics[i] = topic_of(r, i);
    /* Briefly: a cluster that does not answer DescribeConfigs (the mock
     * cluster does not) costs only this at start; what the broker refuses
     * anyway is still isolated by aborting (exactly_once). */
    if (nw_topics_max_message_bytes(r->consumer, topics, 4, topic, 3000, &e) < 0)
        nw_log(NW_LOG_WARN, "topic_limits", "%s; using message.max.bytes alone", e.msg);
    for (int i = 0; i < 4; i++) {
        r->limit[i] = producer;
        if (topic[i] > 0 && topic[i] < producer)
            r->limit[i] = topic[i];
        if (r->limit[i] < smallest)
            smallest = r->limit[i];
    }
    nw_log(NW_LOG_INFO, "topic_limits",
           "largest record: output %" PRId64 ", dead letters %" PRId64 ", state %" PRId64
           ", repartition %" PRId64 " bytes",
           r->limit[0], r->limit[1], r->limit[2], r->limit[3]);
    if (batch > smallest - NW_RECORD_OVERHEAD && smallest > 2 * NW_RECORD_OVERHEAD) {
        char v[32];
        snprintf(v, sizeof(v), "%" PRId64, smallest - NW_RECORD_OVERHEAD);
        if (rd_kafka_conf_set(conf, "batch.size", v, NULL, 0) != RD_KAFKA_CONF_OK)
            return nw_error_set(err, NW_ERR_INVALID, "cannot set batch.size to %s", v);
    }
    return 0;
}

static int setup_producer(nw_runner_t *r, nw_error_t *err)
{
    rd_kafka_conf_t *conf = NULL;
    char txn_id[512];
    int rc;
    transactional_id(r->cfg, txn_id, sizeof(txn_id));
    if ((rc = nw_kconf_new(r->cfg, r->eos ? NW_KAFKA_TXN_PRODUCER : NW_KAFKA_PRODUCER, txn_id,
                           &conf, err)) < 0)
        return rc;
    if ((rc = fit_limits(r, conf, err)) < 0) {
        rd_kafka_conf_destroy(conf);
        return rc;
    }
    rd_kafka_conf_set_opaque(conf, r);
    rd_kafka_conf_set_dr_msg_cb(conf, nw_dr_cb);
    rd_kafka_conf_set_stats_cb(conf, stats_producer);
    if (!(r->producer = nw_kafka_new(RD_KAFKA_PRODUCER, conf, err)))
        return NW_ERR_KAFKA;
    return 0;
}

static int init_transactions(nw_runner_t *r, nw_error_t *err)
{
    for (;;) {
        rd_kafka_error_t *e = rd_kafka_init_transactions(r->producer, 10000);
        if (!e)
            return 0;
        bool retry = rd_kafka_error_is_retriable(e) && !*r->opts.stop;
        nw_error_set(err, NW_ERR_FATAL, "cannot initialise transactions: %s",
                     rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        if (!retry)
            return NW_ERR_FATAL;
        nw_log(NW_LOG_WARN, "waiting_for_cluster", "%s; retrying", err->msg);
    }
}

/* Has rk learn topic's leaders now: librdkafka keeps what it learns in its
 * metadata cache, where a later reader or producer of the topic finds it. */
static void warm_topic(rd_kafka_t *rk, const char *topic)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
    if (t && rd_kafka_metadata(rk, 0, t, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR)
        rd_kafka_metadata_destroy(md);
    if (t)
        rd_kafka_topic_destroy(t);
}

/* The clients learn the leaders of the topics they will use before the
 * first message rather than when it comes, where waiting for librdkafka's
 * periodic topic scan (once a second) added about a second to every
 * partition's restore, and held the first records of each output topic in
 * the producer until the scan: up to two seconds before a short run's
 * last records were delivered. */
static void warm_clients(nw_runner_t *r)
{
    warm_topic(r->restore, r->state_topic);
    for (int i = 0; i < 4; i++)
        warm_topic(r->producer, topic_of(r, i));
}

/* run --from TOPIC:PARTITION:OFFSET must name an input partition that
 * exists: a position nothing reads would be silently ignored. */
static int check_from(nw_runner_t *r, nw_error_t *err)
{
    char **topics = NULL;
    size_t n = nw_config_get_list(r->cfg, "input.topics", &topics);
    int rc = 0;
    for (size_t i = 0; i < r->opts.n_from && rc == 0; i++) {
        const nw_kpos_t *f = &r->opts.from[i];
        if (f->kind != NW_KPOS_AT_OFFSET)
            continue;
        bool input = false;
        for (size_t j = 0; j < n && !input; j++)
            input = strcmp(topics[j], f->topic) == 0;
        if (!input) {
            rc = nw_error_set(err, NW_ERR_RANGE, "--from %s: %s is not one of input.topics",
                              f->text ? f->text : f->topic, f->topic);
            break;
        }
        int parts = nw_topic_partitions(r->consumer, f->topic, 10000, err);
        if (parts < 0)
            rc = parts;
        else if (f->partition < 0 || f->partition >= parts)
            rc = nw_error_set(err, NW_ERR_RANGE,
                              "--from %s: topic %s has no partition %" PRId32 " (it has %d)",
                              f->text ? f->text : f->topic, f->topic, f->partition, parts);
    }
    nw_config_list_free(topics);
    return rc;
}

static int subscribe(nw_runner_t *r, nw_error_t *err)
{
    char **topics = NULL;
    size_t n = nw_config_get_list(r->cfg, "input.topics", &topics);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n + 1);
    for (size_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, topics[i], RD_KAFKA_PARTITION_UA);
    /* Stage two of unkeyed input: the re-keyed messages come back here. */
    rd_kafka_topic_partition_list_add(l, r->repartition_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(r->consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
    nw_config_list_free(topics);
    if (e)
        return nw_error_set(err, NW_ERR_KAFKA, "cannot subscribe: %s", rd_kafka_err2str(e));
    return 0;
}

/* Messages taken from the consumer per loop turn: one processing batch. */
#define NW_POLL_BATCH 500

/*
 * exactly_once: the most messages taken for the batch that is parsed and
 * enriched while a transaction commits. A commit waits on the broker for
 * about 19 ms (12 commits took 224 ms on the short stream at the default
 * commit.interval.ms), while a batch of NW_POLL_BATCH short articles takes
 * two threads 1-3 ms, so most of the wait was lost. With up to 4096, four
 * sets of alternating exactly_once runs over that stream averaged 0.942 s
 * against 0.953, 0.896 against 0.931, 1.126 against 1.177 and 1.169
 * against 1.297. The batch's memory grows with it; pipeline.batch.size and
 * pipeline.batch.bytes still bound it.
 */
#define NW_OVERLAP_BATCH 4096

void nw_part_open_queue(nw_runner_t *r, nw_part_t *p)
{
    p->queue = rd_kafka_queue_get_partition(r->consumer, p->topic, p->partition);
    if (!p->queue)
        return;
    /* librdkafka keeps a forwarding the application set, also when the
     * partition's fetcher starts after the restore. */
    rd_kafka_queue_forward(p->queue, NULL);
    rd_kafka_queue_io_event_enable(p->queue, r->wake[1], "p", 1);
}

/* A batch being taken from the consumer. */
typedef struct take {
    rd_kafka_message_t **v;
    size_t n, cap;
    int64_t bytes, max_bytes; /* the first message is always taken, however large */
} take_t;

static bool take_room(const take_t *t)
{
    return t->n < t->cap && (t->n == 0 || t->bytes < t->max_bytes);
}

static void take_one(take_t *t, rd_kafka_message_t *m)
{
    t->v[t->n++] = m;
    t->bytes += (int64_t)(m->len + m->key_len);
}

/* Takes what is there without waiting: first the consumer's queue (its
 * events are served there, and it holds messages fetched before a partition
 * had a queue of its own, which come before the rest of that partition),
 * then one message from each partition's queue in turn, so the batch holds
 * every partition that has input, each in its order.
 *
 * One message a call, although a call costs a lock, a clock read and poll
 * bookkeeping (rd_kafka_consume0, 3.4% of the process end to end): taking
 * up to 16 a call with rd_kafka_consume_batch_queue() made
 * integration/test_eos_group fail in 4 runs of 5. When a member joined the
 * group, the other members' fetchers asked for their partitions' end plus
 * one, the broker answered offset out of range, the partitions were reset to
 * their beginning, and their dead letters were written twice. */
static void take_ready(nw_runner_t *r, take_t *t)
{
    rd_kafka_message_t *m;
    while (take_room(t)) {
        if (!(m = rd_kafka_consumer_poll(r->consumer, 0)))
            break;
        take_one(t, m);
    }
    if (!take_room(t))
        return;
    /* Not while iterating: a rebalance (served by the poll above) changes
     * r->parts; nothing below serves the consumer's queue. */
    for (bool any = true; any && take_room(t);) {
        any = false;
        for (size_t i = 0; i < r->parts.n && take_room(t); i++) {
            nw_part_t *p = r->parts.items[i];
            if (p->queue && (m = rd_kafka_consume_queue(p->queue, 0))) {
                take_one(t, m);
                any = true;
            }
        }
    }
}

/* Waits up to wait_ms for any queue to have something. */
static void wait_input(nw_runner_t *r, int wait_ms)
{
    struct pollfd pfd = {.fd = r->wake[0], .events = POLLIN};
    if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
        nw_log(NW_LOG_WARN, "poll", "%s", strerror(errno));
}

/* Empties the wake pipe: done before the queues are looked at, so a
 * message that arrives after they were found empty always wakes the wait. */
static void drain_wake(nw_runner_t *r)
{
    char buf[256];
    while (read(r->wake[0], buf, sizeof(buf)) > 0)
        ;
}

/* One batch: up to cap messages, bounded in bytes; waits up to wait_ms for
 * the first one. */
static size_t take_batch(nw_runner_t *r, rd_kafka_message_t **v, size_t cap, int64_t bytes,
                         int wait_ms)
{
    take_t t = {v, 0, cap, bytes, r->batch_bytes};
    drain_wake(r);
    take_ready(r, &t);
    if (t.n == 0 && wait_ms > 0) {
        wait_input(r, wait_ms);
        drain_wake(r);
        take_ready(r, &t);
    }
    return t.n;
}

/* A re-keyed message names where it entered newswire in its
 * newswire-origin header ("topic/partition/offset"). */
static void read_origin(const rd_kafka_message_t *m, nw_input_t *in, char *topic, size_t n)
{
    rd_kafka_headers_t *h = NULL;
    const void *v;
    size_t len;
    char text[600];
    if (rd_kafka_message_headers(m, &h) || rd_kafka_header_get_last(h, "newswire-origin", &v, &len))
        return;
    if (len >= sizeof(text))
        return;
    memcpy(text, v, len);
    text[len] = '\0';
    char *off = strrchr(text, '/');
    if (!off || off == text)
        return;
    *off++ = '\0';
    char *part = strrchr(text, '/');
    if (!part || (size_t)(part - text) >= n)
        return;
    *part++ = '\0';
    if (snprintf(topic, n, "%s", text) >= (int)n)
        return;
    in->origin_topic = topic;
    in->origin_partition = (int32_t)strtol(part, NULL, 10);
    in->origin_offset = strtoll(off, NULL, 10);
}

/* A message fetched for a partition that is still restoring (fetched
 * before the pause took effect) is read again once the state is complete. */
static void rewind_restoring(nw_runner_t *r, const char *topic, const rd_kafka_message_t *m)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, m->partition)->offset = m->offset;
    rd_kafka_error_t *e = rd_kafka_seek_partitions(r->consumer, l, 5000);
    if (e)
        rd_kafka_error_destroy(e);
    rd_kafka_topic_partition_list_destroy(l);
}

/* Stage one's forward carries the original bytes: bytes the repartition
 * topic cannot take (or the broker refused there) are dead-lettered now. */
static void forward_or_refuse(nw_runner_t *r, nw_item_t *it, const rd_kafka_message_t *m)
{
    int64_t need =
        (int64_t)(m->len + strlen(it->out.article_id)) + NW_RECORD_OVERHEAD + NW_HEADER_ROOM;
    int64_t limit = r->limit[NW_TOPIC_REPARTITION];
    if (it->refused)
        nw_error_reject(&it->out.error, NW_REJECT_RECORD_TOO_LARGE, "%s", it->refused);
    else if (limit > 0 && need > limit)
        nw_error_reject(&it->out.error, NW_REJECT_RECORD_TOO_LARGE,
                        "%zu bytes are more than the repartition topic %s and the producer "
                        "accept (%" PRId64 ")",
                        m->len, r->repartition_topic, limit);
    else
        return;
    it->out.kind = NW_OUTCOME_REJECTED;
}

/*
 * The messages of one batch as the processor's items: per item, its
 * partition and message (borrowed), and the origin a re-keyed message names.
 * Only one batch is in flight at a time, so the runner keeps one and reuses
 * it, grown to the largest batch taken so far (NW_POLL_BATCH, or
 * NW_OVERLAP_BATCH once a transaction commits): allocating half a megabyte
 * per batch made the allocator hand back and fault in fresh pages every time
 * (about 0.6 page faults per message on the short stream).
 */
struct nw_batch {
    nw_item_t *items;
    nw_part_t **parts;
    rd_kafka_message_t **taken;
    char (*origins)[256];
    size_t k, cap;
};
typedef struct nw_batch batch_t;

/* Forgets the batch's outcomes; its arrays stay for the next one. Each
 * batch is cleared once its outcomes are produced, so collect() finds the
 * runner's batch empty. */
static void batch_clear(batch_t *b)
{
    for (size_t i = 0; b->items && i < b->k; i++)
        nw_outcome_clear(&b->items[i].out);
    b->k = 0;
}

static void batch_free(batch_t *b)
{
    if (!b)
        return;
    batch_clear(b);
    free(b->items);
    free(b->parts);
    free(b->taken);
    free(b->origins);
    free(b);
}

/* Grows one of the batch's arrays to n elements of size each. */
static bool grow(void *arrayp, size_t n, size_t size)
{
    void **a = arrayp;
    void *g = realloc(*a, n * size);
    if (g)
        *a = g;
    return g != NULL;
}

/* The runner's batch, made on first use and grown to room for n messages;
 * NULL when out of memory. */
static batch_t *batch_get(nw_runner_t *r, size_t n)
{
    batch_t *b = r->batch;
    if (!b && !(b = r->batch = calloc(1, sizeof(*b))))
        return NULL;
    if (n <= b->cap)
        return b;
    if (!grow(&b->items, n, sizeof(*b->items)) || !grow(&b->parts, n, sizeof(*b->parts)) ||
        !grow(&b->taken, n, sizeof(*b->taken)) || !grow(&b->origins, n, sizeof(*b->origins)))
        return NULL;
    b->cap = n;
    return b;
}

/* Turns consumed messages into the processor's items in the runner's
 * batch (events and messages of partitions gone or restoring are dealt with
 * here). Returns NULL when out of memory (the run fails). */
static batch_t *collect(nw_runner_t *r, rd_kafka_message_t **msgs, size_t n)
{
    batch_t *b = batch_get(r, n);
    if (!b) {
        nw_runner_fail(r, NW_ERR_NOMEM, "out of memory");
        return NULL;
    }
    size_t k = 0;
    nw_item_t *items = b->items;
    nw_part_t **parts = b->parts;
    for (size_t i = 0; i < n; i++) {
        rd_kafka_message_t *m = msgs[i];
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF && m->rkt) {
            nw_part_t *p = nw_parts_find(&r->parts, rd_kafka_topic_name(m->rkt), m->partition);
            if (p && !p->restoring)
                p->eof_offset = m->offset;
            continue;
        }
        if (m->err) {
            nw_log(NW_LOG_WARN, "consumer_error", "%s", rd_kafka_message_errstr(m));
            nw_kfail_note_message(r->consumer, m);
            continue;
        }
        const char *topic = rd_kafka_topic_name(m->rkt);
        nw_part_t *p = nw_parts_find(&r->parts, topic, m->partition);
        if (!p)
            continue; /* revoked meanwhile: its new owner reads it */
        if (p->restoring) {
            bool first = true;
            for (size_t j = 0; j < k && first; j++)
                first = parts[j] != p;
            for (size_t j = 0; j < i && first; j++)
                first = !(msgs[j]->partition == m->partition && !msgs[j]->err &&
                          strcmp(rd_kafka_topic_name(msgs[j]->rkt), topic) == 0);
            if (first)
                rewind_restoring(r, topic, m);
            continue;
        }
        nw_item_t *it = &items[k];
        memset(it, 0, sizeof(*it));
        it->in = nw_input_of(m, topic);
        it->store = p->store;
        if (r->limit[NW_TOPIC_OUTPUT] > 0)
            it->max_record =
                (size_t)(r->limit[NW_TOPIC_OUTPUT] > NW_RECORD_OVERHEAD + NW_HEADER_ROOM
                             ? r->limit[NW_TOPIC_OUTPUT] - NW_RECORD_OVERHEAD - NW_HEADER_ROOM
                             : 1);
        nw_poison_t *poisoned = nw_poison_find(r, topic, m->partition, m->offset);
        it->refused = poisoned ? poisoned->reason : NULL;
        bool from_repartition = strcmp(topic, r->repartition_topic) == 0;
        if (from_repartition)
            read_origin(m, &it->in, b->origins[k], sizeof(b->origins[k]));
        /* Stage one: an unkeyed message is re-keyed by article id through
         * the repartition topic, so all versions of an article meet in one
         * partition (and one member). */
        it->identify_only = !from_repartition && (!m->key || m->key_len == 0);
        parts[k] = p;
        b->taken[k++] = m;
    }
    b->k = k;
    return b;
}

/* Counts and produces each processed item's outcome, in order. */
static void produce_outcomes(nw_runner_t *r, batch_t *b)
{
    for (size_t i = 0; i < b->k && !r->fatal; i++) {
        nw_item_t *it = &b->items[i];
        rd_kafka_message_t *m = b->taken[i];
        nw_part_t *p = b->parts[i];
        if (r->eos && p->txn_start < 0)
            p->txn_start = m->offset;
        if (it->out.kind == NW_OUTCOME_FORWARD)
            forward_or_refuse(r, it, m);
        int rc;
        if (it->out.kind == NW_OUTCOME_FORWARD) {
            /* Counted where it ends, when it comes back re-keyed. */
            rc = nw_produce_forward(r, p, m, it->out.article_id);
        } else {
            if (it->out.kind == NW_OUTCOME_REJECTED)
                nw_log(NW_LOG_INFO, "rejected", "%s/%" PRId32 "/%" PRId64 ": %s: %s", it->in.topic,
                       m->partition, m->offset, nw_reject_name(it->out.error.reject),
                       it->out.error.msg);
            else if (nw_log_enabled(NW_LOG_DEBUG))
                nw_log(NW_LOG_DEBUG, nw_outcome_name(it->out.kind),
                       "%s/%" PRId32 "/%" PRId64 ": %s v%u", it->in.topic, m->partition, m->offset,
                       it->out.article_id, it->out.version);
            rc = nw_produce_outcome(r, p, m, &it->in, &it->out);
            /* exactly_once counts what joined the transaction (added to the
             * totals at commit); at_least_once what is delivered (parts.c). */
            if (rc == 0 && r->eos)
                nw_counters_count(&r->txn, &it->out);
        }
        if (rc < 0) {
            /* The message is not past: no offset beyond it is committed.
             * Unless the run stops, the producer refused its record: the
             * transaction is retried and the message dead-lettered. */
            if (!r->fatal && r->eos)
                nw_txn_abort(r, "the producer refused a record");
            break;
        }
        p->next_offset = m->offset + 1;
        r->txn_messages++;
        r->txn_bytes += (int64_t)(m->len + m->key_len);
    }
}

/* The first half of a batch (parsing, building the records, the stateless
 * enrichers), in the background if asked: see nw_process_start(). Returns
 * false when the run failed. */
static bool start_batch(nw_runner_t *r, batch_t *b, bool background)
{
    nw_error_t err = {0};
    if (nw_process_start(r->proc, b->items, b->k, background, &err) >= 0)
        return true;
    nw_runner_fail(r, err.code, "processing: %s", err.msg);
    return false;
}

/* The second half of a started batch: the processor's decisions, then the
 * outcomes produced (exactly_once: in the open transaction). */
static void finish_batch(nw_runner_t *r, batch_t *b)
{
    nw_error_t err = {0};
    if (r->eos && nw_txn_begin(r) < 0) {
        nw_process_abandon(r->proc);
        return;
    }
    if (nw_process_finish(r->proc, &err) < 0) {
        nw_runner_fail(r, err.code, "processing: %s", err.msg);
        return;
    }
    produce_outcomes(r, b);
}

/* Processes consumed messages in order: one batch through the processor,
 * then each outcome counted and produced. */
static void process_messages(nw_runner_t *r, rd_kafka_message_t **msgs, size_t n)
{
    batch_t *b = collect(r, msgs, n);
    if (b && b->k > 0 && start_batch(r, b, false))
        finish_batch(r, b);
    if (b)
        batch_clear(b);
}

/* A batch dropped after its transaction's predecessor aborted: its
 * partitions are read again from its first messages (the abort rewound
 * those of the aborted transaction, to offsets no later), and no end of
 * partition it reported counts. */
static void rewind_dropped(nw_runner_t *r, const batch_t *b, rd_kafka_message_t **msgs, size_t n)
{
    rd_kafka_topic_partition_list_t *seek = rd_kafka_topic_partition_list_new((int)b->k + 1);
    for (size_t i = 0; i < n; i++)
        if (msgs[i]->err == RD_KAFKA_RESP_ERR__PARTITION_EOF && msgs[i]->rkt) {
            nw_part_t *p =
                nw_parts_find(&r->parts, rd_kafka_topic_name(msgs[i]->rkt), msgs[i]->partition);
            if (p)
                p->eof_offset = -1;
        }
    for (size_t i = 0; i < b->k; i++) {
        nw_part_t *p = b->parts[i];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = b->parts[j] != p;
        if (!first || nw_parts_find(&r->parts, p->topic, p->partition) != p)
            continue;
        p->eof_offset = -1;
        if (p->next_offset < 0 || p->next_offset > b->taken[i]->offset)
            p->next_offset = b->taken[i]->offset;
        rd_kafka_topic_partition_list_add(seek, p->topic, p->partition)->offset = p->next_offset;
    }
    nw_seek_all(r, seek, "after abort");
}

/* exactly_once, when the open transaction is due: the batch just taken is
 * parsed, built and enriched in the background while the transaction
 * commits, which mostly waits on the broker. The batch's decisions come
 * after the commit (they change the version stores the commit settles); if
 * the transaction aborted instead, the batch is dropped and read again. */
static void commit_overlapped(nw_runner_t *r, rd_kafka_message_t **msgs, size_t n)
{
    batch_t *b = collect(r, msgs, n);
    if (!b)
        return; /* out of memory: the run failed */
    if (b->k == 0) {
        /* Nothing to process (events, or messages of partitions gone or
         * restoring): the commit alone. */
        nw_commit(r, false);
    } else if (start_batch(r, b, true)) {
        uint64_t aborted = r->total.txn_aborted;
        nw_commit(r, false);
        if (r->fatal || r->total.txn_aborted != aborted) {
            nw_process_abandon(r->proc);
            if (!r->fatal)
                rewind_dropped(r, b, msgs, n);
        } else {
            finish_batch(r, b);
        }
    }
    batch_clear(b);
}

/* Where a partition's processing stands: past its last processed message,
 * its committed offset, or the end an EOF event reported (which also steps
 * over transaction markers), whichever is furthest. -1 when unknown. */
static int64_t position(const nw_part_t *p)
{
    int64_t at = p->next_offset;
    if (p->committed > at)
        at = p->committed;
    if (p->eof_offset > at)
        at = p->eof_offset;
    return at;
}

/* -e: every owned partition restored and read to its high watermark. */
static bool at_end(nw_runner_t *r)
{
    if (r->parts.n == 0)
        return false;
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        int64_t lo, hi, at = position(p);
        if (p->restoring)
            return false;
        /* A message forwarded to the repartition topic is readable only
         * once its transaction's markers are written, which can lag behind
         * the commit: until it is read the end is not reached. */
        if (strcmp(p->topic, r->repartition_topic) == 0 && (size_t)p->partition < r->n_repart_end &&
            position(p) < r->repart_end[p->partition])
            return false;
        /* What the last fetch saw (no request): clearly not at the end yet. */
        if (rd_kafka_get_watermark_offsets(r->consumer, p->topic, p->partition, &lo, &hi) == 0 &&
            at >= 0 && hi > at)
            return false;
        /* Confirmed with the broker through the restore consumer: its
         * read_committed ListOffsets answer is the last stable offset, and
         * unlike the input consumer's connection it has no long-polling
         * fetch for the request to queue behind. */
        if (rd_kafka_query_watermark_offsets(r->restore, p->topic, p->partition, &lo, &hi, 5000))
            return false;
        if (at < 0)
            at = lo;
        if (at < hi)
            return false;
    }
    return true;
}

/* Delivers everything and commits; true when nothing is left pending. */
static bool drain(nw_runner_t *r)
{
    if (r->eos)
        return nw_commit(r, true) == 0 && !r->txn_open;
    if (rd_kafka_flush(r->producer, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return false;
    if (nw_commit(r, true) < 0)
        return false;
    for (size_t i = 0; i < r->parts.n; i++) {
        nw_part_t *p = r->parts.items[i];
        if (p->head || (p->next_offset >= 0 && p->committed != p->next_offset))
            return false;
    }
    return true;
}

static void check_fatal(nw_runner_t *r)
{
    char errstr[512];
    rd_kafka_resp_err_t e = rd_kafka_fatal_error(r->producer, errstr, sizeof(errstr));
    if (e)
        nw_runner_fail(r, NW_ERR_FATAL, "producer: %s: %s", rd_kafka_err2name(e), errstr);
    e = rd_kafka_fatal_error(r->consumer, errstr, sizeof(errstr));
    if (e)
        nw_runner_fail(r, NW_ERR_FATAL, "consumer: %s: %s", rd_kafka_err2name(e), errstr);
}

static bool commit_due(const nw_runner_t *r, int64_t now)
{
    return now - r->last_commit_ms >= r->commit_interval_ms ||
           (r->eos && (r->txn_messages >= nw_batch_limit(r) || r->txn_bytes >= r->batch_bytes));
}

static void loop(nw_runner_t *r)
{
    int64_t last_end_check = 0;
    r->last_commit_ms = nw_now_ms();
    while (!*r->opts.stop && !r->fatal) {
        rd_kafka_poll(r->producer, 0);
        /* While a partition restores, the loop waits on the state topic
         * (briefly, and only when it has nothing queued) instead of on the
         * input, whose restoring partitions are paused anyway. */
        bool restoring = nw_restore_poll(r, 10);
        rd_kafka_message_t *batch[NW_OVERLAP_BATCH];
        /* exactly_once with its transaction due: the next batch is taken
         * as the next transaction's first, to be processed while this one
         * commits. */
        bool due = r->eos && r->txn_open && commit_due(r, nw_now_ms());
        int64_t room = !r->eos ? NW_POLL_BATCH
                       : due   ? nw_batch_limit(r)
                               : nw_batch_limit(r) - r->txn_messages;
        /* Bounded in bytes too: a batch's memory grows with its input. */
        int64_t bytes = r->eos && !due ? r->txn_bytes : 0;
        int64_t most = due ? NW_OVERLAP_BATCH : NW_POLL_BATCH;
        size_t cap = (size_t)(room < most ? (room > 0 ? room : 0) : most);
        size_t n = cap ? take_batch(r, batch, cap, bytes, restoring ? 0 : 20) : 0;
        if (n > 0 && due)
            commit_overlapped(r, batch, n);
        else
            process_messages(r, batch, n);
        for (size_t i = 0; i < n; i++)
            rd_kafka_message_destroy(batch[i]);
        if (r->rewind && !r->fatal)
            nw_rewind_refused(r);
        int64_t now = nw_now_ms();
        /* exactly_once commits here only when no input came: with input it
         * waits for the next turn, to overlap with that batch. */
        if (commit_due(r, now) && (!r->eos || n == 0))
            nw_commit(r, false);
        check_fatal(r);
        nw_publish(r, false);
        /* -e: looked at every 200 ms, and at once when the input ran dry
         * (the local watermarks answer first; only a partition that looks
         * done costs a request). */
        if (r->opts.exit_at_end && !r->fatal && (n == 0 || now - last_end_check >= 200)) {
            last_end_check = now;
            if (at_end(r) && drain(r) && at_end(r)) {
                nw_log(NW_LOG_INFO, "end", "every partition is at its end");
                break;
            }
        }
    }
}

static void teardown(nw_runner_t *r)
{
    if (r->consumer) {
        if (!r->fatal)
            drain(r);
        else if (r->eos && r->txn_open)
            nw_txn_abort(r, "stopping after an error");
        /* Close before destroy: leaves the group cleanly and runs the revoke
         * callback, which commits whatever is left. */
        rd_kafka_consumer_close(r->consumer);
        /* Every queue handle goes before the client does. */
        for (size_t i = 0; i < r->parts.n; i++)
            nw_part_drop_queue(r->parts.items[i]);
        if (r->consumer_q) {
            rd_kafka_queue_io_event_enable(r->consumer_q, -1, NULL, 0);
            rd_kafka_queue_destroy(r->consumer_q);
        }
        rd_kafka_destroy(r->consumer);
    }
    if (r->restore) {
        nw_restore_stop_all(r);
        if (r->restore_rkt)
            rd_kafka_topic_destroy(r->restore_rkt);
        if (r->restore_q)
            rd_kafka_queue_destroy(r->restore_q);
        rd_kafka_destroy(r->restore);
    }
    if (r->producer) {
        if (!r->fatal)
            rd_kafka_flush(r->producer, 10000);
        rd_kafka_destroy(r->producer);
    }
    nw_held_release(r, false);
    for (int i = 0; i < 2; i++)
        if (r->wake[i] >= 0)
            close(r->wake[i]);
    free(r->repart_end);
    batch_free(r->batch);
    nw_parts_free(&r->parts);
    nw_processor_free(r->proc);
}

int nw_runner_run(const nw_config_t *cfg, const nw_runner_opts_t *opts, nw_counters_t *counters,
                  nw_error_t *err)
{
    nw_runner_t r;
    int rc;
    memset(&r, 0, sizeof(r));
    memset(counters, 0, sizeof(*counters));
    r.cfg = cfg;
    r.opts = *opts;
    r.held_tail = &r.held;
    r.wake[0] = r.wake[1] = -1;
    r.eos = strcmp(nw_config_get(cfg, "processing.guarantee"), "exactly_once") == 0;
    r.out_topic = nw_config_get(cfg, "output.topic");
    r.dlq_topic = nw_config_get(cfg, "dlq.topic");
    r.state_topic = nw_config_get(cfg, "state.topic");
    nw_repartition_topic(cfg, r.repartition_topic, sizeof(r.repartition_topic));
    r.batch_size = nw_config_get_int(cfg, "pipeline.batch.size");
    r.batch_bytes = nw_config_get_int(cfg, "pipeline.batch.bytes");
    r.commit_interval_ms = nw_config_get_int(cfg, "commit.interval.ms");

    if ((rc = setup(&r, err)) < 0)
        goto out;
    if ((rc = nw_topics_ensure(r.consumer, cfg, r.repartition_topic, opts->stop,
                               &r.input_partitions, err)) < 0 ||
        (rc = check_from(&r, err)) < 0 || (rc = setup_producer(&r, err)) < 0)
        goto out;
    if (r.eos && (rc = init_transactions(&r, err)) < 0)
        goto out;
    warm_clients(&r);
    if ((rc = subscribe(&r, err)) < 0)
        goto out;
    nw_log(NW_LOG_INFO, "started", "processing.guarantee=%s group.id=%s",
           r.eos ? "exactly_once" : "at_least_once", nw_config_get(cfg, "group.id"));
    loop(&r);
out:
    /* Stopped by a signal while still waiting for the cluster or the
     * topics: a graceful stop like any other. */
    if (rc < 0 && *opts->stop && !r.fatal)
        rc = 0;
    teardown(&r);
    nw_sink_set_ready(opts->metrics, false);
    nw_sink_set_counters(opts->metrics, &r.total);
    *counters = r.total;
    if (rc == 0 && r.fatal) {
        rc = r.fatal;
        if (err)
            *err = r.err;
    }
    return rc;
}
