/* Topic checks and creation (see topics.h). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/clock.h"
#include "kafka/kfail.h"
#include "kafka/topics.h"

void nw_repartition_topic(const nw_config_t *cfg, char *out, size_t n)
{
    snprintf(out, n, "%s-repartition", nw_config_get(cfg, "group.id"));
}

int nw_topic_partitions(rd_kafka_t *rk, const char *topic, int timeout_ms, nw_error_t *err)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
    if (e)
        return nw_error_set(err, NW_ERR_KAFKA, "cannot read cluster metadata: %s",
                            rd_kafka_err2str(e));
    int n = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const struct rd_kafka_metadata_topic *t = &md->topics[i];
        if (strcmp(t->topic, topic) == 0 && t->err == RD_KAFKA_RESP_ERR_NO_ERROR)
            n = t->partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
    return n;
}

int nw_topic_create(rd_kafka_t *rk, const char *topic, int partitions, const char *const *configs,
                    int timeout_ms, nw_error_t *err)
{
    char errstr[512];
    int rc = 0;
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions, -1, errstr, sizeof(errstr));
    if (!nt)
        return nw_error_set(err, NW_ERR_INVALID, "topic %s: %s", topic, errstr);
    for (size_t i = 0; configs && configs[i]; i++) {
        const char *eq = strchr(configs[i], '=');
        char name[256];
        size_t n = eq ? (size_t)(eq - configs[i]) : 0;
        if (!eq || n >= sizeof(name))
            continue;
        memcpy(name, configs[i], n);
        name[n] = '\0';
        rd_kafka_NewTopic_set_config(nt, name, eq + 1);
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, errstr, sizeof(errstr));
    rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 5000);
    if (!ev) {
        rc = nw_error_set(err, NW_ERR_KAFKA, "creating topic %s timed out", topic);
    } else if (rd_kafka_event_error(ev)) {
        rc = nw_error_set(err, NW_ERR_KAFKA, "creating topic %s: %s", topic,
                          rd_kafka_event_error_string(ev));
    } else {
        size_t cnt;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        for (size_t i = 0; i < cnt; i++) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
            if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                char what[300];
                snprintf(what, sizeof(what), "topic %s (Create)", topic);
                nw_kfail_note(e, what, rd_kafka_topic_result_error_string(res[i]));
                rc = nw_error_set(err, NW_ERR_KAFKA, "creating topic %s: %s: %s", topic,
                                  rd_kafka_err2name(e), rd_kafka_topic_result_error_string(res[i]));
            }
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    if (rc == 0)
        nw_log(NW_LOG_INFO, "topic_created", "%s with %d partitions", topic, partitions);
    return rc;
}

int nw_topics_max_message_bytes(rd_kafka_t *rk, const char *const *topics, size_t n, int64_t *out,
                                int timeout_ms, nw_error_t *err)
{
    char errstr[512];
    int rc = 0;
    rd_kafka_ConfigResource_t **res = calloc(n ? n : 1, sizeof(*res));
    if (!res)
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        out[i] = -1;
        res[i] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topics[i]);
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, errstr, sizeof(errstr));
    rd_kafka_DescribeConfigs(rk, res, n, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
    if (!ev) {
        rc = nw_error_set(err, NW_ERR_KAFKA, "describing topic configs timed out");
    } else if (rd_kafka_event_error(ev)) {
        rc = nw_error_set(err, NW_ERR_KAFKA, "describing topic configs: %s",
                          rd_kafka_event_error_string(ev));
    } else {
        size_t cnt = 0;
        const rd_kafka_ConfigResource_t **got = rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(ev), &cnt);
        for (size_t i = 0; i < cnt; i++) {
            size_t k = 0;
            while (k < n && strcmp(topics[k], rd_kafka_ConfigResource_name(got[i])) != 0)
                k++;
            if (k == n || rd_kafka_ConfigResource_error(got[i]))
                continue;
            size_t ne = 0;
            const rd_kafka_ConfigEntry_t **ents = rd_kafka_ConfigResource_configs(got[i], &ne);
            for (size_t j = 0; j < ne; j++) {
                const char *v = rd_kafka_ConfigEntry_value(ents[j]);
                if (v && strcmp(rd_kafka_ConfigEntry_name(ents[j]), "max.message.bytes") == 0)
                    out[k] = strtoll(v, NULL, 10);
            }
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    for (size_t i = 0; i < n; i++)
        rd_kafka_ConfigResource_destroy(res[i]);
    free(res);
    return rc;
}

/* Kafka leaves a topic the principal may not Describe out of a metadata
 * listing, exactly as if it did not exist. Asking for the one topic by name
 * (DescribeTopics, which never creates it) tells the two apart. Returns the
 * topic's error: NO_ERROR when it exists, UNKNOWN_TOPIC_OR_PART when it does
 * not, TOPIC_AUTHORIZATION_FAILED when Describe is denied, or a local error
 * when the question could not be asked. */
/* Set once a cluster left DescribeTopics unanswered (librdkafka's mock
 * cluster does): the checks are a diagnosis, not worth a wait per topic. */
static atomic_bool describe_unanswered;

static rd_kafka_resp_err_t describe_topic(rd_kafka_t *rk, const char *topic, int timeout_ms,
                                          rd_kafka_AclOperation_t need, bool *allowed)
{
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;
    if (atomic_load(&describe_unanswered))
        return e;
    rd_kafka_TopicCollection_t *tc = rd_kafka_TopicCollection_of_topic_names(&topic, 1);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBETOPICS);
    if (!tc || !q || !opts) {
        e = RD_KAFKA_RESP_ERR__FAIL;
        goto out;
    }
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, NULL, 0);
    if (allowed) {
        rd_kafka_error_t *ie = rd_kafka_AdminOptions_set_include_authorized_operations(opts, 1);
        if (ie)
            rd_kafka_error_destroy(ie);
    }
    rd_kafka_DescribeTopics(rk, tc, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 500);
    if (ev) {
        e = rd_kafka_event_error(ev);
        if (!e) {
            size_t n = 0;
            const rd_kafka_TopicDescription_t **d =
                rd_kafka_DescribeTopics_result_topics(rd_kafka_event_DescribeTopics_result(ev), &n);
            e = n ? rd_kafka_error_code(rd_kafka_TopicDescription_error(d[0]))
                  : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            size_t n_ops = 0;
            const rd_kafka_AclOperation_t *ops =
                !e && allowed ? rd_kafka_TopicDescription_authorized_operations(d[0], &n_ops)
                              : NULL;
            /* A broker that does not report the operations leaves *allowed
             * true: the request itself will tell. */
            for (size_t i = 0; ops && i < n_ops && allowed; i++)
                if (ops[i] == need || ops[i] == RD_KAFKA_ACL_OPERATION_ALL)
                    break;
                else if (i + 1 == n_ops)
                    *allowed = false;
        }
        rd_kafka_event_destroy(ev);
    }
    if (e == RD_KAFKA_RESP_ERR__TIMED_OUT)
        atomic_store(&describe_unanswered, true);
out:
    if (opts)
        rd_kafka_AdminOptions_destroy(opts);
    if (q)
        rd_kafka_queue_destroy(q);
    if (tc)
        rd_kafka_TopicCollection_destroy(tc);
    return e;
}

/* For a topic missing from the listing: true (and the failure noted) when
 * the reason is a missing Describe right rather than a missing topic. */
static bool describe_denied(rd_kafka_t *rk, const char *topic)
{
    rd_kafka_resp_err_t e = describe_topic(rk, topic, 2000, RD_KAFKA_ACL_OPERATION_UNKNOWN, NULL);
    if (e != RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        return false;
    char what[300];
    snprintf(what, sizeof(what), "topic %s (Describe)", topic);
    nw_kfail_note(e, what, "the principal may not describe the topic, so it looks missing");
    return true;
}

/* Read on the inputs, Write on every topic written: checked once at start,
 * so that a missing ACL is reported by name (not authorized on topic X)
 * instead of as a transaction that aborts again and again, or as a
 * consumer that never gets a record. */
static int check_right(rd_kafka_t *rk, const char *topic, rd_kafka_AclOperation_t op,
                       nw_error_t *err)
{
    bool allowed = true;
    if (describe_topic(rk, topic, 2000, op, &allowed) != RD_KAFKA_RESP_ERR_NO_ERROR || allowed)
        return 0;
    const char *name = op == RD_KAFKA_ACL_OPERATION_READ ? "Read" : "Write";
    char what[300], reason[400];
    snprintf(what, sizeof(what), "topic %s (%s)", topic, name);
    snprintf(reason, sizeof(reason), "the principal has no %s right on the topic", name);
    nw_kfail_note(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, what, reason);
    return nw_error_set(err, NW_ERR_KAFKA, "not authorized (TOPIC_AUTHORIZATION_FAILED) on %s",
                        what);
}

/* Metadata, retried while the cluster is unreachable. */
static int partitions_waiting(rd_kafka_t *rk, const char *topic, volatile sig_atomic_t *stop,
                              nw_error_t *err)
{
    bool warned = false;
    for (;;) {
        int n = nw_topic_partitions(rk, topic, 5000, err);
        if (n >= 0)
            return n;
        if (*stop)
            return nw_error_set(err, NW_ERR_FATAL, "stopped while waiting for the cluster");
        if (!warned)
            nw_log(NW_LOG_WARN, "waiting_for_cluster", "%s; retrying", err->msg);
        warned = true;
    }
}

static int ensure_one(rd_kafka_t *rk, const char *topic, int partitions, const char *const *configs,
                      bool exact, volatile sig_atomic_t *stop, nw_error_t *err)
{
    int n = partitions_waiting(rk, topic, stop, err);
    if (n < 0)
        return n;
    if (n == 0 && describe_denied(rk, topic))
        return nw_error_set(err, NW_ERR_KAFKA, "topic %s: TOPIC_AUTHORIZATION_FAILED (Describe)",
                            topic);
    if (n == 0) {
        int rc = nw_topic_create(rk, topic, partitions, configs, 30000, err);
        if (rc < 0)
            return rc;
        /* Wait until the new topic shows in metadata with its partitions:
         * a busy controller can take a while to propagate it. */
        int64_t deadline = nw_now_ms() + 30000;
        while (!*stop && nw_now_ms() < deadline) {
            n = partitions_waiting(rk, topic, stop, err);
            if (n != 0)
                break;
            usleep(50 * 1000);
        }
        if (n <= 0)
            return n < 0 ? n : nw_error_set(err, NW_ERR_KAFKA, "topic %s did not appear", topic);
    }
    if (exact && n != partitions)
        return nw_error_set(err, NW_ERR_INVALID,
                            "state topic %s has %d partitions but the input has %d: each input "
                            "partition needs its own state partition (recreate it or set "
                            "state.topic to a new name)",
                            topic, n, partitions);
    return 0;
}

int nw_topics_ensure(rd_kafka_t *rk, const nw_config_t *cfg, const char *repartition,
                     volatile sig_atomic_t *stop, int *input_partitions, nw_error_t *err)
{
    char **inputs = NULL;
    size_t n_inputs = nw_config_get_list(cfg, "input.topics", &inputs);
    int max = 0, rc = 0;
    if (!inputs || n_inputs == 0) {
        nw_config_list_free(inputs);
        return nw_error_set(err, NW_ERR_INVALID, "input.topics is empty");
    }
    for (size_t i = 0; i < n_inputs; i++) {
        int n = partitions_waiting(rk, inputs[i], stop, err);
        if (n < 0) {
            rc = n;
            goto out;
        }
        /* A missing input topic is waited for, as a Kafka consumer would:
         * deployments often start the processor before the producers. */
        for (int64_t waited = 0; n == 0; waited++) {
            if (*stop) {
                rc = nw_error_set(err, NW_ERR_FATAL, "stopped while waiting for input topic %s",
                                  inputs[i]);
                goto out;
            }
            /* Denied is reported (kfail) and ends the run after
             * failure.timeout.ms unless an ACL is added meanwhile. */
            if (waited % 30 == 0 && !describe_denied(rk, inputs[i]))
                nw_log(NW_LOG_WARN, "waiting_for_topic", "input topic %s does not exist yet",
                       inputs[i]);
            usleep(1000 * 1000);
            if ((n = partitions_waiting(rk, inputs[i], stop, err)) < 0) {
                rc = n;
                goto out;
            }
        }
        if (n > max)
            max = n;
    }
    static const char *const compact[] = {"cleanup.policy=compact", NULL};
    if ((rc = ensure_one(rk, nw_config_get(cfg, "state.topic"), max, compact, true, stop, err)) <
            0 ||
        (rc = ensure_one(rk, nw_config_get(cfg, "output.topic"), max, NULL, false, stop, err)) <
            0 ||
        (rc = ensure_one(rk, nw_config_get(cfg, "dlq.topic"), max, NULL, false, stop, err)) < 0 ||
        (rc = ensure_one(rk, repartition, max, NULL, false, stop, err)) < 0)
        goto out;
    for (size_t i = 0; i < n_inputs; i++)
        if ((rc = check_right(rk, inputs[i], RD_KAFKA_ACL_OPERATION_READ, err)) < 0)
            goto out;
    const char *written[] = {nw_config_get(cfg, "state.topic"), nw_config_get(cfg, "output.topic"),
                             nw_config_get(cfg, "dlq.topic"), repartition};
    for (size_t i = 0; i < sizeof(written) / sizeof(written[0]); i++)
        if ((rc = check_right(rk, written[i], RD_KAFKA_ACL_OPERATION_WRITE, err)) < 0)
            goto out;
    *input_partitions = max;
out:
    nw_config_list_free(inputs);
    return rc;
}
