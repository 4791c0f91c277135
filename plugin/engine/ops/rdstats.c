/*
 * librdkafka's statistics, reduced to what an operator watches.
 *
 * A client configured with statistics.interval.ms hands its stats_cb one JSON
 * document per interval (librdkafka's STATISTICS.md describes it): hundreds of
 * fields per broker and partition. Exporting all of them would bury the few
 * that answer the questions asked at 3 a.m.: is the client queueing (msg_cnt,
 * msg_size), is it talking to the cluster at all (requests and messages sent
 * and received), is each broker up and how slow (state, rtt avg), how far
 * behind is each partition (consumer_lag), and is the group churning
 * (rebalance_cnt, assignment_size). Each document becomes a sorted list of
 * samples labelled with the client's role; metrics.c swaps a role's list in
 * whole under its lock.
 *
 * Left out on purpose: the bootstrap, internal and unbound logical brokers
 * (nodeid -1), which are not cluster members and would look like brokers
 * that are down; the unassigned partition (-1); and rtt while a window holds
 * no request (its avg of 0 would read as an instant broker).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "newswire/error.h"
#include "ops/metrics.h"

enum family {
    F_QUEUE_MSGS,
    F_QUEUE_BYTES,
    F_REQUESTS,
    F_REQUEST_BYTES,
    F_RESPONSES,
    F_RESPONSE_BYTES,
    F_MSGS_SENT,
    F_MSGS_RECEIVED,
    F_BROKER_UP,
    F_BROKER_STATE,
    F_BROKER_RTT,
    F_LAG,
    F_REBALANCES,
    F_ASSIGNED,
    F__COUNT
};

static const struct {
    const char *name, *type, *help;
} families[F__COUNT] = {
    [F_QUEUE_MSGS] = {"newswire_kafka_queue_messages", "gauge",
                      "Messages waiting in the client's producer queues (msg_cnt)"},
    [F_QUEUE_BYTES] = {"newswire_kafka_queue_bytes", "gauge",
                       "Bytes of the messages waiting in the producer queues (msg_size)"},
    [F_REQUESTS] = {"newswire_kafka_requests_sent_total", "counter",
                    "Requests sent to Kafka brokers (tx)"},
    [F_REQUEST_BYTES] = {"newswire_kafka_sent_bytes_total", "counter",
                         "Bytes sent to Kafka brokers (tx_bytes)"},
    [F_RESPONSES] = {"newswire_kafka_responses_received_total", "counter",
                     "Responses received from Kafka brokers (rx)"},
    [F_RESPONSE_BYTES] = {"newswire_kafka_received_bytes_total", "counter",
                          "Bytes received from Kafka brokers (rx_bytes)"},
    [F_MSGS_SENT] = {"newswire_kafka_messages_sent_total", "counter",
                     "Messages sent to brokers (txmsgs)"},
    [F_MSGS_RECEIVED] = {"newswire_kafka_messages_received_total", "counter",
                         "Messages consumed from brokers (rxmsgs)"},
    [F_BROKER_UP] = {"newswire_kafka_broker_up", "gauge",
                     "1 when the client's connection to the broker is up (state UP)"},
    [F_BROKER_STATE] = {"newswire_kafka_broker_state", "gauge",
                        "The client's connection state to the broker, in the state label "
                        "(always 1)"},
    [F_BROKER_RTT] = {"newswire_kafka_broker_rtt_seconds", "gauge",
                      "Average broker round-trip time over the last statistics interval"},
    [F_LAG] = {"newswire_kafka_consumer_lag", "gauge",
               "Consumer lag of a partition as librdkafka measures it (consumer_lag)"},
    [F_REBALANCES] = {"newswire_kafka_rebalances_total", "counter",
                      "Consumer group rebalances (cgrp rebalance_cnt)"},
    [F_ASSIGNED] = {"newswire_kafka_assigned_partitions", "gauge",
                    "Partitions assigned to this group member (cgrp assignment_size)"},
};

typedef struct sample {
    enum family family;
    char *labels; /* rendered: role="consumer",broker="b:9092/1" */
    double value;
} sample_t;

struct nw_rdstats {
    sample_t *s;
    size_t n, cap;
    bool oom;
};

void nw_rdstats_free(nw_rdstats_t *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        free(st->s[i].labels);
    free(st->s);
    free(st);
}

/* Adds a sample; labels is taken over (its text stolen, the buffer emptied). */
static void add(nw_rdstats_t *st, enum family f, nw_buf_t *labels, double value)
{
    char *text = nw_buf_steal(labels);
    if (!text || st->oom) {
        st->oom = true;
        free(text);
        return;
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 32;
        sample_t *s = realloc(st->s, cap * sizeof(*s));
        if (!s) {
            st->oom = true;
            free(text);
            return;
        }
        st->s = s;
        st->cap = cap;
    }
    st->s[st->n++] = (sample_t){.family = f, .labels = text, .value = value};
}

/* A number field of obj, or false when it is missing or not a number. */
static bool num(const json_t *obj, const char *key, double *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

/* A client-wide sample labelled with the role only. */
static void add_top(nw_rdstats_t *st, const char *role, const json_t *obj, const char *key,
                    enum family f)
{
    double v;
    if (!num(obj, key, &v))
        return;
    nw_buf_t l = NW_BUF_INIT;
    nw_metrics_put_label(&l, true, "role", role);
    add(st, f, &l, v);
}

static void add_broker(nw_rdstats_t *st, const char *role, const char *key, const json_t *br)
{
    double nodeid, v;
    if (!json_is_object(br) || !num(br, "nodeid", &nodeid) || nodeid < 0)
        return;
    const char *name = json_string_value(json_object_get(br, "name"));
    const char *state = json_string_value(json_object_get(br, "state"));
    if (!name)
        name = key;
    if (!state)
        state = "";
    nw_buf_t l = NW_BUF_INIT;
    nw_metrics_put_label(&l, true, "role", role);
    nw_metrics_put_label(&l, false, "broker", name);
    add(st, F_BROKER_UP, &l, strcmp(state, "UP") == 0 ? 1 : 0);

    nw_metrics_put_label(&l, true, "role", role);
    nw_metrics_put_label(&l, false, "broker", name);
    nw_metrics_put_label(&l, false, "state", state);
    add(st, F_BROKER_STATE, &l, 1);

    const json_t *rtt = json_object_get(br, "rtt");
    if (num(rtt, "cnt", &v) && v > 0 && num(rtt, "avg", &v)) {
        nw_metrics_put_label(&l, true, "role", role);
        nw_metrics_put_label(&l, false, "broker", name);
        add(st, F_BROKER_RTT, &l, v / 1e6); /* microseconds */
    }
}

static void add_partitions(nw_rdstats_t *st, const char *role, const char *topic,
                           const json_t *parts)
{
    const char *key;
    const json_t *p;
    json_object_foreach((json_t *)parts, key, p)
    {
        double partition, lag;
        /* -1 is the internal unassigned partition; -1 lag means not known. */
        if (!num(p, "partition", &partition) || partition < 0 || !num(p, "consumer_lag", &lag) ||
            lag < 0)
            continue;
        nw_buf_t l = NW_BUF_INIT;
        nw_metrics_put_label(&l, true, "role", role);
        nw_metrics_put_label(&l, false, "topic", topic);
        nw_buf_printf(&l, ",partition=\"%.0f\"", partition);
        add(st, F_LAG, &l, lag);
    }
}

static int cmp_sample(const void *a, const void *b)
{
    const sample_t *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return strcmp(x->labels, y->labels);
}

int nw_rdstats_parse(const char *role, const char *json, size_t len, nw_rdstats_t **out)
{
    *out = NULL;
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        return NW_ERR_INVALID;
    }
    nw_rdstats_t *st = calloc(1, sizeof(*st));
    if (!st) {
        json_decref(root);
        return NW_ERR_NOMEM;
    }
    add_top(st, role, root, "msg_cnt", F_QUEUE_MSGS);
    add_top(st, role, root, "msg_size", F_QUEUE_BYTES);
    add_top(st, role, root, "tx", F_REQUESTS);
    /* STATISTICS.md calls these txbytes and rxbytes; librdkafka writes
     * tx_bytes and rx_bytes at the top level. Take either. */
    add_top(st, role, root, json_object_get(root, "tx_bytes") ? "tx_bytes" : "txbytes",
            F_REQUEST_BYTES);
    add_top(st, role, root, "rx", F_RESPONSES);
    add_top(st, role, root, json_object_get(root, "rx_bytes") ? "rx_bytes" : "rxbytes",
            F_RESPONSE_BYTES);
    add_top(st, role, root, "txmsgs", F_MSGS_SENT);
    add_top(st, role, root, "rxmsgs", F_MSGS_RECEIVED);

    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(root, "brokers"), key, v) add_broker(st, role, key, v);
    json_object_foreach(json_object_get(root, "topics"), key, v)
    {
        const char *topic = json_string_value(json_object_get(v, "topic"));
        add_partitions(st, role, topic ? topic : key, json_object_get(v, "partitions"));
    }
    const json_t *cgrp = json_object_get(root, "cgrp");
    if (json_is_object(cgrp)) {
        add_top(st, role, cgrp, "rebalance_cnt", F_REBALANCES);
        add_top(st, role, cgrp, "assignment_size", F_ASSIGNED);
    }
    json_decref(root);
    if (st->oom) {
        nw_rdstats_free(st);
        return NW_ERR_NOMEM;
    }
    if (st->n > 1)
        if (st->n > 1)
            qsort(st->s, st->n, sizeof(*st->s), cmp_sample);
    *out = st;
    return 0;
}

void nw_rdstats_render(const nw_rdstats_t *const *docs, size_t n, nw_buf_t *b)
{
    /* Samples are sorted by family, so each document is walked once with a
     * cursor per document. */
    size_t *at = calloc(n + 1, sizeof(*at));
    if (!at) {
        b->oom = true;
        return;
    }
    for (int f = 0; f < F__COUNT; f++) {
        bool header = false;
        for (size_t d = 0; d < n; d++) {
            const nw_rdstats_t *st = docs[d];
            for (; at[d] < st->n && st->s[at[d]].family == (enum family)f; at[d]++) {
                if (!header)
                    nw_metrics_put_family(b, families[f].name, families[f].type, families[f].help);
                header = true;
                nw_buf_printf(b, "%s{%s} ", families[f].name, st->s[at[d]].labels);
                nw_metrics_put_value(b, st->s[at[d]].value);
                nw_buf_putc(b, '\n');
            }
        }
    }
    free(at);
}
