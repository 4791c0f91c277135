/*
 * Writing an outcome to Kafka: the ninjs record to output.topic, a rejected
 * message to dlq.topic with its original key and bytes (both as
 * pipeline/output.c writes them, for replay too), and the version store's
 * change to state.topic (explicitly to the input's partition number, which is
 * what restoring reads back).
 *
 * In at_least_once mode every produced record carries its input message's
 * nw_inflight_t as opaque, so delivery reports can tell when the input offset
 * may be committed; the changelog update is only produced from the output
 * record's delivery report.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "pipeline/runner_internal.h"

/* exactly_once counts a record when it joins the transaction (published at
 * commit); at_least_once when its delivery is confirmed (nw_dr_cb). */
static void enqueued(nw_runner_t *r, int which)
{
    if (r->eos)
        nw_count_produced(r, which);
}

static int topic_kind(const nw_runner_t *r, const char *topic)
{
    if (strcmp(topic, r->out_topic) == 0)
        return NW_TOPIC_OUTPUT;
    if (strcmp(topic, r->dlq_topic) == 0)
        return NW_TOPIC_DLQ;
    if (strcmp(topic, r->state_topic) == 0)
        return NW_TOPIC_STATE;
    return NW_TOPIC_REPARTITION;
}

static void hold(nw_runner_t *r, const char *key, const char *value, size_t len)
{
    nw_pending_record_t *p = calloc(1, sizeof(*p));
    if (!p || !(p->key = strdup(key)) || !(p->value = malloc(len + 1))) {
        if (p)
            free(p->key);
        free(p);
        return; /* only the demo's display is affected */
    }
    memcpy(p->value, value, len);
    p->value[len] = '\0';
    p->len = len;
    if (!r->held_tail)
        r->held_tail = &r->held;
    *r->held_tail = p;
    r->held_tail = &p->next;
}

void nw_held_release(nw_runner_t *r, bool deliver)
{
    while (r->held) {
        nw_pending_record_t *p = r->held;
        r->held = p->next;
        if (deliver && r->opts.on_record)
            r->opts.on_record(p->key, p->value, p->len, r->opts.opaque);
        free(p->key);
        free(p->value);
        free(p);
    }
    r->held_tail = &r->held;
}

static int produce_changelog(nw_runner_t *r, int32_t partition, const char *id,
                             const uint8_t *value, nw_inflight_t *f)
{
    rd_kafka_resp_err_t e =
        nw_output_produce(r->producer, r->state_topic, partition, id, strlen(id), (void *)value,
                          NW_CHANGELOG_VALUE_SIZE, RD_KAFKA_MSG_F_COPY, NULL, f, 0);
    if (e && r->eos && e == RD_KAFKA_RESP_ERR__STATE)
        return NW_ERR_KAFKA; /* the transaction failed: abort, retry */
    if (e)
        return nw_runner_fail(r, NW_ERR_KAFKA, "cannot produce to %s: %s", r->state_topic,
                              rd_kafka_err2str(e));
    enqueued(r, NW_TOPIC_STATE);
    if (f)
        f->pending++;
    return 0;
}

/* exactly_once: the producer refused this message's record on its own
 * account; the transaction aborts and the message is dead-lettered when it
 * is read again. */
static int refused(nw_runner_t *r, const rd_kafka_message_t *in, const char *topic,
                   rd_kafka_resp_err_t e)
{
    char why[256];
    snprintf(why, sizeof(why), "the producer refused the record for %.200s: %s", topic,
             rd_kafka_err2str(e));
    nw_poison_add(r, rd_kafka_topic_name(in->rkt), in->partition, in->offset, why);
    return NW_ERR_KAFKA;
}

int nw_produce_outcome(nw_runner_t *r, nw_part_t *part, const rd_kafka_message_t *in,
                       const nw_input_t *src, nw_outcome_t *o)
{
    nw_inflight_t *f = NULL;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    const char *topic = NULL;
    if (!r->eos) {
        if (!(f = nw_part_track(part, in->offset)))
            return nw_runner_fail(r, NW_ERR_NOMEM, "out of memory");
        f->kind = o->kind;
        f->reject = o->error.reject;
    }
    if (o->kind == NW_OUTCOME_EMITTED) {
        if (f) {
            if (!(f->changelog_key = strdup(o->article_id)))
                return nw_runner_fail(r, NW_ERR_NOMEM, "out of memory");
            memcpy(f->changelog_value, o->changelog, NW_CHANGELOG_VALUE_SIZE);
        } else if (r->opts.on_record) {
            /* Dropped unshown if the transaction aborts. */
            hold(r, o->article_id, o->record, o->record_len);
        }
        topic = r->out_topic;
        e = nw_output_record(r->producer, topic, src, o, f);
        if (e) {
            if (r->eos && nw_err_is_record_specific(e))
                return refused(r, in, topic, e);
            if (r->eos && e == RD_KAFKA_RESP_ERR__STATE)
                return NW_ERR_KAFKA; /* the transaction failed: abort, retry */
        } else {
            enqueued(r, NW_TOPIC_OUTPUT);
            if (f)
                f->pending++;
            else
                return produce_changelog(r, part->partition, o->article_id, o->changelog, NULL);
        }
    } else if (o->kind == NW_OUTCOME_REJECTED) {
        nw_poison_t *pp =
            nw_poison_find(r, rd_kafka_topic_name(in->rkt), in->partition, in->offset);
        topic = r->dlq_topic;
        int64_t limit = r->limit[NW_TOPIC_DLQ];
        e = nw_output_dead_letter(r->producer, topic, limit, in, src, &o->error, pp && pp->hits > 1,
                                  f);
        if (e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
            e = nw_output_dead_letter(r->producer, topic, limit, in, src, &o->error, true, f);
        if (r->eos && e == RD_KAFKA_RESP_ERR__STATE)
            return NW_ERR_KAFKA;
        if (!e) {
            enqueued(r, NW_TOPIC_DLQ);
            if (f)
                f->pending++;
        }
    }
    if (e) {
        if (f)
            f->failed = true; /* never commit past a record that was not written */
        return nw_runner_fail(r, NW_ERR_KAFKA, "cannot produce to %s: %s", topic,
                              rd_kafka_err2str(e));
    }
    return 0;
}

int nw_produce_forward(nw_runner_t *r, nw_part_t *part, const rd_kafka_message_t *in,
                       const char *article_id)
{
    nw_inflight_t *f = NULL;
    char origin[512];
    nw_input_t src = nw_input_of(in, rd_kafka_topic_name(in->rkt));
    if (!r->eos) {
        if (!(f = nw_part_track(part, in->offset)))
            return nw_runner_fail(r, NW_ERR_NOMEM, "out of memory");
        f->kind = NW_OUTCOME_FORWARD;
    }
    nw_output_origin(&src, origin, sizeof(origin));
    rd_kafka_headers_t *h = rd_kafka_headers_new(1);
    rd_kafka_header_add(h, "newswire-origin", -1, origin, -1);
    /* The forward keeps the message's own timestamp: the `received` date
     * fallback then names when the message first reached Kafka. */
    rd_kafka_resp_err_t e = nw_output_produce(
        r->producer, r->repartition_topic, RD_KAFKA_PARTITION_UA, article_id, strlen(article_id),
        in->payload, in->len, RD_KAFKA_MSG_F_COPY, h, f, src.has_timestamp ? src.timestamp_ms : 0);
    if (e) {
        rd_kafka_headers_destroy(h);
        if (r->eos && nw_err_is_record_specific(e))
            return refused(r, in, r->repartition_topic, e);
        if (r->eos && e == RD_KAFKA_RESP_ERR__STATE)
            return NW_ERR_KAFKA;
        if (f)
            f->failed = true;
        return nw_runner_fail(r, NW_ERR_KAFKA, "cannot produce to %s: %s", r->repartition_topic,
                              rd_kafka_err2str(e));
    }
    enqueued(r, NW_TOPIC_REPARTITION);
    if (f)
        f->pending++;
    return 0;
}

/* run -e must not end before it has read back what it forwarded. */
static void note_forwarded(nw_runner_t *r, int32_t partition, int64_t offset)
{
    if (partition < 0 || offset < 0)
        return;
    if ((size_t)partition >= r->n_repart_end) {
        size_t n = (size_t)partition + 1;
        int64_t *grown = realloc(r->repart_end, n * sizeof(*grown));
        if (!grown)
            return; /* only -e's end check is affected */
        for (size_t i = r->n_repart_end; i < n; i++)
            grown[i] = -1;
        r->repart_end = grown;
        r->n_repart_end = n;
    }
    if (offset + 1 > r->repart_end[partition])
        r->repart_end[partition] = offset + 1;
}

void nw_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    nw_runner_t *r = opaque;
    nw_inflight_t *f = msg->_private;
    const char *topic = rd_kafka_topic_name(msg->rkt);
    if (msg->err) {
        /* at_least_once: the input offset stays uncommitted, so a restart
         * processes it again. exactly_once: the transaction fails to commit. */
        if (f && nw_err_is_record_specific(msg->err)) {
            char why[NW_ERROR_MSG_MAX];
            snprintf(why, sizeof(why), "the broker refused its record for %.200s: %s", topic,
                     rd_kafka_err2str(msg->err));
            f->failed = true;
            nw_poison_add(r, f->part->topic, f->part->partition, f->offset, why);
            nw_poison_t *pp = nw_poison_find(r, f->part->topic, f->part->partition, f->offset);
            /* Even its empty dead letter refused, again and again: not the
             * record's fault; stop rather than rewind forever. */
            if (pp && pp->hits > NW_TXN_RETRY_MAX)
                nw_runner_fail(r, NW_ERR_KAFKA, "delivery to %s failed %d times: %s", topic,
                               pp->hits, rd_kafka_err2str(msg->err));
            r->rewind = true;
        } else if (f) {
            f->failed = true;
            nw_runner_fail(r, NW_ERR_KAFKA, "delivery to %s failed: %s", topic,
                           rd_kafka_err2str(msg->err));
        } else {
            /* The abort that follows isolates the message at fault when the
             * failure is the record's own (see nw_txn_abort). */
            if (!r->txn_refused && nw_err_is_record_specific(msg->err))
                r->txn_refused = msg->err;
            nw_log(NW_LOG_WARN, "delivery_failed", "%s: %s", topic, rd_kafka_err2str(msg->err));
        }
        return;
    }
    if (topic_kind(r, topic) == NW_TOPIC_REPARTITION)
        note_forwarded(r, msg->partition, msg->offset);
    if (!f)
        return;
    nw_count_produced(r, topic_kind(r, topic));
    if (strcmp(topic, r->out_topic) == 0) {
        if (r->opts.on_record) {
            char *key = nw_memdup_str(msg->key ? msg->key : "", msg->key_len);
            if (key)
                r->opts.on_record(key, msg->payload, msg->len, r->opts.opaque);
            free(key);
        }
        if (f->changelog_key) {
            produce_changelog(r, f->part->partition, f->changelog_key, f->changelog_value, f);
            free(f->changelog_key);
            f->changelog_key = NULL;
        }
    }
    f->pending--;
}
