/*
 * The replay itself (see replay.h): check and resolve the range, prepare
 * the version stores, then read the range with a consumer of its own and
 * run it through the same processing step as the live service, producing
 * records and dead letters exactly as the service does (same keys, values
 * and headers), plus the replay marker in each record's extension.
 *
 * Why it cannot disturb the live service: the consumer is assigned
 * partitions (no subscribe, so it joins no group and triggers no
 * rebalance), has auto commit off, is never asked to commit, and its
 * group.id is not the service's; the producer is idempotent, not
 * transactional, so it cannot fence the service's transactional id; the
 * state topic is only ever read.
 *
 * Determinism: each partition's messages are processed in offset order
 * against that partition's own store, so with --state fresh two replays of
 * one range make the same decisions and byte-identical records, however
 * the consumer interleaves partitions. Unkeyed messages are processed
 * directly (their article id comes from the url or the content hash), so a
 * fresh replay deduplicates them per input partition; the live service's
 * repartition topic is never read or written (with --state live its
 * partition count tells where an unkeyed article's live state is).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "kafka/kconf.h"
#include "kafka/topics.h"
#include "pipeline/output.h"
#include "pipeline/process.h"
#include "replay/replay.h"

/* Messages taken from the consumer per processing batch. */
#define NW_REPLAY_BATCH 500

typedef struct nw_replay {
    const nw_config_t *cfg;
    const nw_replay_opts_t *opts;
    const char *out_topic, *dlq_topic, *state_topic;
    nw_replay_range_t range;
    nw_processor_t *proc;
    rd_kafka_t *consumer, *producer;
    nw_vstore_t **stores; /* fresh: one per range partition; live: one per state partition */
    size_t n_stores;
    /* --state live: the partition count of the live repartition topic, whose
     * partition q's state is state partition q; 0 when there is none. */
    int route_partitions;
    nw_progress_t *progress;
    nw_counters_t counters;
    uint64_t undelivered;
    nw_error_t dr_err; /* the first delivery failure */
    int fatal;
    nw_error_t err;
} nw_replay_t;

const char *nw_replay_state_name(nw_replay_state_t s)
{
    return s == NW_REPLAY_STATE_LIVE ? "live" : "fresh";
}

int nw_replay_kconf(const nw_config_t *cfg, rd_kafka_conf_t **out, nw_error_t *err)
{
    char group[600], errstr[256];
    int rc = nw_kconf_new(cfg, NW_KAFKA_RESTORE, NULL, out, err);
    if (rc < 0)
        return rc;
    snprintf(group, sizeof(group), "%s-replay", nw_config_get(cfg, "group.id"));
    if (rd_kafka_conf_set(*out, "group.id", group, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(*out);
        *out = NULL;
        return nw_error_set(err, NW_ERR_INVALID, "group.id %s: %s", group, errstr);
    }
    return 0;
}

static int fail(nw_replay_t *rp, int code, const char *msg)
{
    if (!rp->fatal) {
        rp->fatal = code;
        nw_error_set(&rp->err, code, "%s", msg);
    }
    return code;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    nw_replay_t *rp = opaque;
    if (!m->err)
        return;
    if (rp->undelivered++ == 0)
        nw_error_set(&rp->dr_err, NW_ERR_KAFKA, "delivery to %s failed: %s",
                     rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
}

/* Where output must not go: the state topic (replay never writes it) and
 * the range's own topics (records would become input). */
static int check_outputs(const nw_replay_t *rp, nw_error_t *err)
{
    const char *outs[2][2] = {{"--output-topic", rp->out_topic}, {"--dlq-topic", rp->dlq_topic}};
    for (int i = 0; i < 2; i++) {
        if (strcmp(outs[i][1], rp->state_topic) == 0)
            return nw_error_set(err, NW_ERR_RANGE,
                                "%s %s is the state topic (state.topic): replay never writes it",
                                outs[i][0], outs[i][1]);
        for (size_t j = 0; j < rp->range.n; j++)
            if (strcmp(outs[i][1], rp->range.parts[j].topic) == 0)
                return nw_error_set(err, NW_ERR_RANGE, "%s %s is a topic the replay reads",
                                    outs[i][0], outs[i][1]);
    }
    return 0;
}

static int fresh_stores(nw_replay_t *rp, nw_error_t *err)
{
    if (!(rp->stores = calloc(rp->range.n + 1, sizeof(*rp->stores))))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    rp->n_stores = rp->range.n;
    for (size_t i = 0; i < rp->range.n; i++) {
        size_t span = (size_t)(rp->range.parts[i].end - rp->range.parts[i].start);
        if (!(rp->stores[i] = nw_vstore_new(span < 65536 ? span : 65536)))
            return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        rp->range.parts[i].store = rp->stores[i];
    }
    return 0;
}

static int live_stores(nw_replay_t *rp, nw_error_t *err)
{
    int rc, n = nw_topic_partitions(rp->consumer, rp->state_topic, 10000, err);
    if (n < 0)
        return n;
    if (n == 0)
        return nw_error_set(err, NW_ERR_RANGE,
                            "--state live: the state topic %s does not exist (has the live "
                            "service run? is state.topic right?)",
                            rp->state_topic);
    for (size_t i = 0; i < rp->range.n; i++)
        if (rp->range.parts[i].partition >= n)
            return nw_error_set(err, NW_ERR_RANGE,
                                "--state live: %s [%" PRId32 "] has no state partition: %s has %d",
                                rp->range.parts[i].topic, rp->range.parts[i].partition,
                                rp->state_topic, n);
    if (!(rp->stores = calloc((size_t)n, sizeof(*rp->stores))))
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    rp->n_stores = (size_t)n;
    for (int p = 0; p < n; p++)
        if (!(rp->stores[p] = nw_vstore_new(0)))
            return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    /* Input partition p was deduplicated with state partition p. */
    for (size_t i = 0; i < rp->range.n; i++)
        rp->range.parts[i].store = rp->stores[rp->range.parts[i].partition];
    char repartition[512];
    nw_repartition_topic(rp->cfg, repartition, sizeof(repartition));
    int r = nw_topic_partitions(rp->consumer, repartition, 10000, err);
    if (r < 0)
        return r;
    rp->route_partitions = r <= n ? r : 0;
    uint64_t records = 0;
    nw_log(NW_LOG_INFO, "replay_state", "reading %s (%d partitions)", rp->state_topic, n);
    if ((rc = nw_replay_state_load(rp->cfg, rp->state_topic, rp->stores, n,
                                   nw_config_get_int(rp->cfg, "state.restore.timeout.ms"),
                                   rp->opts->stop, &records, err)) < 0)
        return rc;
    size_t articles = 0;
    for (int p = 0; p < n; p++)
        articles += nw_vstore_count(rp->stores[p]);
    nw_log(NW_LOG_INFO, "replay_state", "%s: %" PRIu64 " records, %zu articles", rp->state_topic,
           records, articles);
    return 0;
}

/* Output and dead-letter topics are created when missing, as the live
 * service does, with the largest partition count of the range's topics. */
static int ensure_outputs(nw_replay_t *rp, nw_error_t *err)
{
    const char *topics[2] = {rp->out_topic, rp->dlq_topic};
    for (int i = 0; i < 2; i++) {
        int n = nw_topic_partitions(rp->producer, topics[i], 10000, err), rc;
        if (n < 0)
            return n;
        if (n == 0 && (rc = nw_topic_create(rp->producer, topics[i], rp->range.max_partitions, NULL,
                                            30000, err)) < 0)
            return rc;
    }
    return 0;
}

static int setup(nw_replay_t *rp, nw_error_t *err)
{
    rd_kafka_conf_t *conf = NULL;
    int rc;
    if ((rc = nw_replay_kconf(rp->cfg, &conf, err)) < 0)
        return rc;
    if (!(rp->consumer = nw_kafka_new(RD_KAFKA_CONSUMER, conf, err)))
        return NW_ERR_KAFKA;
    rd_kafka_poll_set_consumer(rp->consumer);
    if ((rc = nw_replay_range_resolve(rp->consumer, rp->cfg, rp->opts->from, rp->opts->n_from,
                                      rp->opts->to, rp->opts->n_to, &rp->range, err)) < 0 ||
        (rc = check_outputs(rp, err)) < 0)
        return rc;
    if ((rc = nw_processor_new(rp->cfg, &rp->proc, err)) < 0)
        return rc;
    nw_processor_set_replay(rp->proc, nw_replay_state_name(rp->opts->state));
    rc = rp->opts->state == NW_REPLAY_STATE_LIVE ? live_stores(rp, err) : fresh_stores(rp, err);
    if (rc < 0)
        return rc;
    /* Everything about the range is known to be right: only now a producer. */
    if ((rc = nw_kconf_new(rp->cfg, NW_KAFKA_PRODUCER, NULL, &conf, err)) < 0)
        return rc;
    rd_kafka_conf_set_opaque(conf, rp);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    if (!(rp->producer = nw_kafka_new(RD_KAFKA_PRODUCER, conf, err)))
        return NW_ERR_KAFKA;
    return ensure_outputs(rp, err);
}

static void log_range(const nw_replay_t *rp)
{
    int64_t total = 0;
    for (size_t i = 0; i < rp->range.n; i++) {
        const nw_replay_part_t *p = &rp->range.parts[i];
        total += p->end - p->start;
        nw_log(rp->range.n <= 16 ? NW_LOG_INFO : NW_LOG_DEBUG, "replay_range",
               "%s [%" PRId32 "]: offsets %" PRId64 " to %" PRId64 " (%" PRId64 " messages)",
               p->topic, p->partition, p->start, p->end, p->end - p->start);
    }
    nw_log(NW_LOG_INFO, "replay_started",
           "%zu partitions, %" PRId64 " messages, state=%s, output.topic=%s dlq.topic=%s",
           rp->range.n, total, nw_replay_state_name(rp->opts->state), rp->out_topic, rp->dlq_topic);
}

static int assign(nw_replay_t *rp)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)rp->range.n);
    for (size_t i = 0; i < rp->range.n; i++) {
        const nw_replay_part_t *p = &rp->range.parts[i];
        if (!p->done)
            rd_kafka_topic_partition_list_add(l, p->topic, p->partition)->offset = p->start;
    }
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_assign(rp->consumer, l) : RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        char msg[256];
        snprintf(msg, sizeof(msg), "cannot assign the range: %s", rd_kafka_err2str(e));
        return fail(rp, NW_ERR_KAFKA, msg);
    }
    return 0;
}

static void finish(nw_replay_t *rp, nw_replay_part_t *p)
{
    p->done = true;
    /* Stop fetching what lies beyond the range. */
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, p->topic, p->partition);
    rd_kafka_pause_partitions(rp->consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
}

static bool all_done(const nw_replay_t *rp)
{
    for (size_t i = 0; i < rp->range.n; i++)
        if (!rp->range.parts[i].done)
            return false;
    return true;
}

/* Takes a consumed message into the batch when it is in the range; keeps
 * each partition's progress. Returns the part, or NULL to drop it. */
static nw_replay_part_t *take(nw_replay_t *rp, const rd_kafka_message_t *m)
{
    if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        /* librdkafka retries by itself; a fatal error is caught by
         * check_fatal(). */
        nw_log(NW_LOG_WARN, "consumer_error", "%s", rd_kafka_message_errstr(m));
        return NULL;
    }
    nw_replay_part_t *p =
        m->rkt ? nw_replay_range_find(&rp->range, rd_kafka_topic_name(m->rkt), m->partition) : NULL;
    if (!p || p->done)
        return NULL;
    if (m->err) {
        /* Partition EOF: the end is at most the high watermark when the
         * replay started, so everything before it has been read. With
         * read_committed the consumer stops at the last stable offset: a
         * transaction still open at the end of the range is left out. */
        finish(rp, p);
        return NULL;
    }
    if (m->offset >= p->end) {
        finish(rp, p);
        return NULL;
    }
    p->next = m->offset + 1;
    p->in++;
    if (p->next >= p->end)
        finish(rp, p);
    return p;
}

/*
 * --state live, unkeyed messages: the live service re-keyed them by article
 * id through its repartition topic, so their versions are in the state
 * partition the producer's partitioner (murmur2, as configured by kconf)
 * chose for the id, not in the input partition's. A first, identify-only
 * pass finds each one's id and points it at that store.
 */
static int route_unkeyed(nw_replay_t *rp, nw_item_t *items, size_t n, nw_error_t *err)
{
    nw_item_t *ids = calloc(n, sizeof(*ids));
    size_t *at = calloc(n, sizeof(*at)), k = 0;
    int rc = 0;
    if (!ids || !at) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].in.key && items[i].in.key_len > 0)
            continue;
        ids[k] = (nw_item_t){.in = items[i].in, .store = items[i].store, .identify_only = true};
        at[k++] = i;
    }
    if (k > 0 && (rc = nw_process_batch(rp->proc, ids, k, err)) < 0)
        goto out;
    for (size_t j = 0; j < k; j++) {
        const char *id = ids[j].out.article_id;
        if (ids[j].out.kind == NW_OUTCOME_FORWARD && id) {
            int32_t q = rd_kafka_msg_partitioner_murmur2(NULL, id, strlen(id), rp->route_partitions,
                                                         NULL, NULL);
            items[at[j]].store = rp->stores[q];
        }
        nw_outcome_clear(&ids[j].out);
    }
out:
    free(ids);
    free(at);
    return rc;
}

/* Produces one outcome through the live service's output path
 * (pipeline/output.h): an emitted record keyed by article id, a rejected
 * message's original key and bytes as a dead letter with the reason
 * headers. Duplicates and stale versions produce nothing. A replay reads the
 * input directly, never through the repartition topic, and does not cut its
 * dead letters (it knows no topic limits). Returns 0 or NW_ERR_KAFKA. */
static int produce_outcome(nw_replay_t *rp, const rd_kafka_message_t *m, const nw_input_t *in,
                           nw_outcome_t *o, nw_error_t *err)
{
    rd_kafka_resp_err_t e;
    const char *topic;
    if (o->kind == NW_OUTCOME_EMITTED) {
        topic = rp->out_topic;
        e = nw_output_record(rp->producer, topic, in, o, NULL);
    } else if (o->kind == NW_OUTCOME_REJECTED) {
        topic = rp->dlq_topic;
        e = nw_output_dead_letter(rp->producer, topic, NW_OUTPUT_NO_LIMIT, m, in, &o->error, false,
                                  NULL);
    } else {
        return 0;
    }
    if (e)
        return nw_error_set(err, NW_ERR_KAFKA, "cannot produce to %s: %s", topic,
                            rd_kafka_err2str(e));
    return 0;
}

/* One batch through the processing step, each outcome counted and
 * produced. */
static void process(nw_replay_t *rp, rd_kafka_message_t **msgs, nw_replay_part_t **parts, size_t n)
{
    nw_error_t err = {0};
    nw_item_t *items = calloc(n, sizeof(*items));
    if (!items) {
        fail(rp, NW_ERR_NOMEM, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const rd_kafka_message_t *m = msgs[i];
        items[i].in = nw_input_of(m, parts[i]->topic);
        items[i].store = parts[i]->store;
    }
    if ((rp->route_partitions > 0 && route_unkeyed(rp, items, n, &err) < 0) ||
        nw_process_batch(rp->proc, items, n, &err) < 0) {
        fail(rp, err.code, err.msg);
        goto out;
    }
    for (size_t i = 0; i < n && !rp->fatal; i++) {
        nw_outcome_t *o = &items[i].out;
        if (nw_log_enabled(NW_LOG_DEBUG))
            nw_log(NW_LOG_DEBUG, nw_outcome_name(o->kind), "%s/%" PRId32 "/%" PRId64 ": %s v%u%s%s",
                   parts[i]->topic, msgs[i]->partition, msgs[i]->offset,
                   o->article_id ? o->article_id : "-", o->version,
                   o->kind == NW_OUTCOME_REJECTED ? ": " : "",
                   o->kind == NW_OUTCOME_REJECTED ? o->error.msg : "");
        nw_counters_count(&rp->counters, o);
        if (produce_outcome(rp, msgs[i], &items[i].in, o, &err) < 0)
            fail(rp, err.code, err.msg);
    }
    /* Replay never rolls back: keep the stores' undo journals empty. */
    for (size_t i = 0; i < rp->n_stores; i++)
        nw_vstore_commit(rp->stores[i]);
out:
    for (size_t i = 0; i < n; i++)
        nw_outcome_clear(&items[i].out);
    free(items);
}

static void check_fatal(nw_replay_t *rp)
{
    char errstr[512], msg[600];
    rd_kafka_t *clients[2] = {rp->producer, rp->consumer};
    for (int i = 0; i < 2; i++) {
        rd_kafka_resp_err_t e = rd_kafka_fatal_error(clients[i], errstr, sizeof(errstr));
        if (e) {
            snprintf(msg, sizeof(msg), "%s: %s: %s", i ? "consumer" : "producer",
                     rd_kafka_err2name(e), errstr);
            fail(rp, NW_ERR_FATAL, msg);
        }
    }
}

static void loop(nw_replay_t *rp)
{
    rd_kafka_message_t *batch[NW_REPLAY_BATCH];
    nw_replay_part_t *parts[NW_REPLAY_BATCH];
    while (!rp->fatal && !all_done(rp)) {
        if (*rp->opts->stop) {
            fail(rp, NW_ERR_FATAL, "interrupted");
            break;
        }
        rd_kafka_poll(rp->producer, 0);
        size_t n = 0, k = 0;
        while (n < NW_REPLAY_BATCH &&
               (batch[n] = rd_kafka_consumer_poll(rp->consumer, n == 0 ? 100 : 0)))
            n++;
        /* Dropped messages (out of range, errors, EOF) are destroyed after
         * the batch, with the rest. */
        rd_kafka_message_t *kept[NW_REPLAY_BATCH];
        for (size_t i = 0; i < n; i++)
            if ((parts[k] = take(rp, batch[i])))
                kept[k++] = batch[i];
        if (k > 0)
            process(rp, kept, parts, k);
        for (size_t i = 0; i < n; i++)
            rd_kafka_message_destroy(batch[i]);
        check_fatal(rp);
        nw_progress_update(rp->progress, &rp->range, false);
    }
}

/* Delivers everything produced, even after an interruption: what was
 * produced is part of the counted outcome. */
static void flush(nw_replay_t *rp)
{
    while (rd_kafka_outq_len(rp->producer) > 0)
        rd_kafka_flush(rp->producer, 1000);
    if (rp->undelivered > 0) {
        char msg[NW_ERROR_MSG_MAX + 64];
        snprintf(msg, sizeof(msg), "%" PRIu64 " records were not delivered; the first: %s",
                 rp->undelivered, rp->dr_err.msg);
        fail(rp, NW_ERR_KAFKA, msg);
    }
}

static void teardown(nw_replay_t *rp)
{
    if (rp->consumer) {
        /* No group, nothing to commit: close only stops the fetchers. */
        rd_kafka_consumer_close(rp->consumer);
        rd_kafka_destroy(rp->consumer);
    }
    if (rp->producer)
        rd_kafka_destroy(rp->producer);
    for (size_t i = 0; rp->stores && i < rp->n_stores; i++)
        nw_vstore_free(rp->stores[i]);
    free(rp->stores);
    nw_processor_free(rp->proc);
    nw_progress_free(rp->progress);
    nw_replay_range_clear(&rp->range);
}

int nw_replay_run(const nw_config_t *cfg, const nw_replay_opts_t *opts, nw_counters_t *counters,
                  nw_error_t *err)
{
    nw_replay_t rp = {.cfg = cfg, .opts = opts};
    int rc;
    memset(counters, 0, sizeof(*counters));
    rp.out_topic = opts->output_topic ? opts->output_topic : nw_config_get(cfg, "output.topic");
    rp.dlq_topic = opts->dlq_topic ? opts->dlq_topic : nw_config_get(cfg, "dlq.topic");
    rp.state_topic = nw_config_get(cfg, "state.topic");
    if ((rc = nw_replay_specs_check(opts->from, opts->n_from, opts->to, opts->n_to, err)) < 0 ||
        (rc = setup(&rp, err)) < 0)
        goto out;
    log_range(&rp);
    rp.progress = nw_progress_new(opts->progress, stderr);
    if (assign(&rp) == 0)
        loop(&rp);
    flush(&rp);
    nw_progress_update(rp.progress, &rp.range, true);
    if (rp.fatal) {
        rc = rp.fatal;
        if (err)
            *err = rp.err;
    }
out:
    teardown(&rp);
    *counters = rp.counters;
    return rc;
}
