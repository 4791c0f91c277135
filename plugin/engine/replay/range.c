/*
 * Turning checked --from/--to positions into concrete offsets (see
 * replay.h): which partitions the range covers, and [start, end) in each.
 *
 * Everything is looked up once, before the replay produces anything: the
 * topics' metadata, each partition's watermarks, and the offsets of any
 * @TIME through offsets-for-times (ListOffsets by timestamp, which gives the
 * first offset whose timestamp is at or after the time). The default end is
 * the high watermark at that moment, so messages that arrive while the
 * replay runs are left to the live service.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "replay/replay.h"

/* How long one metadata or offsets request may take. */
#define NW_REPLAY_LOOKUP_MS 10000

/* The partition count of each topic the range needs, from one metadata
 * request. 0 for a topic the cluster does not have. */
typedef struct topic_info {
    const char *name;
    int partitions;
} topic_info_t;

static int add_topic(topic_info_t **ts, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*ts)[i].name, name) == 0)
            return 0;
    topic_info_t *grown = realloc(*ts, (*n + 1) * sizeof(**ts));
    if (!grown)
        return NW_ERR_NOMEM;
    *ts = grown;
    grown[(*n)++] = (topic_info_t){.name = name};
    return 0;
}

static int topic_partitions(const topic_info_t *ts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ts[i].name, name) == 0)
            return ts[i].partitions;
    return 0;
}

static int read_metadata(rd_kafka_t *rk, topic_info_t *ts, size_t n, nw_error_t *err)
{
    const struct rd_kafka_metadata *md = NULL;
    /* All topics: asking for named ones could auto-create them. */
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, NW_REPLAY_LOOKUP_MS);
    if (e)
        return nw_error_set(err, NW_ERR_KAFKA, "cannot read cluster metadata: %s",
                            rd_kafka_err2str(e));
    for (int i = 0; i < md->topic_cnt; i++) {
        const struct rd_kafka_metadata_topic *t = &md->topics[i];
        for (size_t j = 0; j < n; j++)
            if (strcmp(ts[j].name, t->topic) == 0 && t->err == RD_KAFKA_RESP_ERR_NO_ERROR)
                ts[j].partitions = t->partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
    return 0;
}

static int add_part(nw_replay_range_t *r, const char *topic, int32_t partition, int64_t start)
{
    nw_replay_part_t *p = nw_replay_range_find(r, topic, partition);
    if (p) { /* a named partition wins over --from @TIME */
        p->start = start;
        return 0;
    }
    nw_replay_part_t *grown = realloc(r->parts, (r->n + 1) * sizeof(*grown));
    if (!grown)
        return NW_ERR_NOMEM;
    r->parts = grown;
    p = &grown[r->n];
    *p = (nw_replay_part_t){.partition = partition, .start = start, .end = -1};
    if (!(p->topic = strdup(topic)))
        return NW_ERR_NOMEM;
    r->n++;
    return 0;
}

static int part_cmp(const void *a, const void *b)
{
    const nw_replay_part_t *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

/* Offsets for one timestamp in every part whose start (or end) is still
 * unresolved (-1 before, -2 after: the marker for "by time"). */
static int offsets_for_time(rd_kafka_t *rk, nw_replay_range_t *r, int64_t ms, bool end,
                            nw_error_t *err)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)r->n);
    for (size_t i = 0; i < r->n; i++)
        if ((end ? r->parts[i].end : r->parts[i].start) == -2)
            rd_kafka_topic_partition_list_add(l, r->parts[i].topic, r->parts[i].partition)->offset =
                ms;
    int rc = 0;
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_offsets_for_times(rk, l, NW_REPLAY_LOOKUP_MS)
                                   : RD_KAFKA_RESP_ERR_NO_ERROR;
    if (e)
        rc = nw_error_set(err, NW_ERR_KAFKA, "cannot look up offsets by time: %s",
                          rd_kafka_err2str(e));
    for (int i = 0; rc == 0 && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &l->elems[i];
        nw_replay_part_t *p = nw_replay_range_find(r, tp->topic, tp->partition);
        if (tp->err) {
            rc = nw_error_set(err, NW_ERR_KAFKA,
                              "%s [%" PRId32 "]: cannot look up offsets by time: %s", tp->topic,
                              tp->partition, rd_kafka_err2str(tp->err));
            break;
        }
        /* No message at or after the time: the partition's end. */
        int64_t off = tp->offset < 0 ? p->high : tp->offset;
        if (end)
            p->end = off;
        else
            p->start = off;
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* Collects the partitions of the range: every partition of inputs (the
 * input topics, for --from @TIME; start -2, "by time"), then each one a
 * --from names, with its offset. */
static int collect(char **inputs, const topic_info_t *ts, size_t n_ts, const nw_kpos_t *from,
                   size_t n_from, nw_replay_range_t *r, nw_error_t *err)
{
    int rc = 0;
    for (size_t i = 0; inputs && inputs[i] && rc == 0; i++) {
        int n = topic_partitions(ts, n_ts, inputs[i]);
        if (n == 0)
            rc = nw_error_set(err, NW_ERR_RANGE,
                              "unknown topic \"%s\" (in input.topics, which --from @TIME replays)",
                              inputs[i]);
        for (int p = 0; p < n && rc == 0; p++)
            if (add_part(r, inputs[i], p, -2) < 0)
                rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n_from && rc == 0; i++) {
        const nw_kpos_t *s = &from[i];
        if (s->kind != NW_KPOS_AT_OFFSET)
            continue;
        int n = topic_partitions(ts, n_ts, s->topic);
        if (n == 0)
            rc = nw_error_set(err, NW_ERR_RANGE, "--from %s: unknown topic \"%s\"", s->text,
                              s->topic);
        else if (s->partition >= n)
            rc = nw_error_set(err, NW_ERR_RANGE,
                              "--from %s: unknown partition %" PRId32 ": %s has %d partition%s "
                              "(0..%d)",
                              s->text, s->partition, s->topic, n, n == 1 ? "" : "s", n - 1);
        else if (add_part(r, s->topic, s->partition, s->offset) < 0)
            rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    }
    return rc;
}

static int watermarks(rd_kafka_t *rk, nw_replay_range_t *r, nw_error_t *err)
{
    for (size_t i = 0; i < r->n; i++) {
        nw_replay_part_t *p = &r->parts[i];
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
            rk, p->topic, p->partition, &p->low, &p->high, NW_REPLAY_LOOKUP_MS);
        if (e)
            return nw_error_set(err, NW_ERR_KAFKA, "%s [%" PRId32 "]: cannot read watermarks: %s",
                                p->topic, p->partition, rd_kafka_err2str(e));
    }
    return 0;
}

/* Ends from --to: T:P:O for its partition, else @TIME, else the high
 * watermark. */
static int apply_to(rd_kafka_t *rk, nw_replay_range_t *r, const nw_kpos_t *to, size_t n_to,
                    nw_error_t *err)
{
    const nw_kpos_t *to_time = NULL;
    for (size_t i = 0; i < n_to; i++) {
        if (to[i].kind == NW_KPOS_AT_TIME) {
            to_time = &to[i];
            continue;
        }
        nw_replay_part_t *p = nw_replay_range_find(r, to[i].topic, to[i].partition);
        if (!p)
            return nw_error_set(err, NW_ERR_RANGE,
                                "--to %s: %s [%" PRId32 "] is not in the range (not in "
                                "input.topics, or no such partition)",
                                to[i].text, to[i].topic, to[i].partition);
        if (to[i].offset > p->high)
            return nw_error_set(err, NW_ERR_RANGE,
                                "--to %s: offset past the end: %s [%" PRId32 "] ends at offset "
                                "%" PRId64,
                                to[i].text, p->topic, p->partition, p->high);
        p->end = to[i].offset;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->parts[i].end == -1)
            r->parts[i].end = to_time ? -2 : r->parts[i].high;
    return to_time ? offsets_for_time(rk, r, to_time->time_ms, true, err) : 0;
}

/* A start past the high watermark is an error: there is nothing there, and
 * a typo in an offset should not quietly replay nothing. */
static int check_starts(const nw_replay_range_t *r, nw_error_t *err)
{
    for (size_t i = 0; i < r->n; i++) {
        const nw_replay_part_t *p = &r->parts[i];
        if (p->start > p->high)
            return nw_error_set(err, NW_ERR_RANGE,
                                "--from %s:%" PRId32 ":%" PRId64 ": offset past the end: "
                                "%s [%" PRId32 "] ends at offset %" PRId64
                                " (its next message will have that offset)",
                                p->topic, p->partition, p->start, p->topic, p->partition, p->high);
    }
    return 0;
}

/* The --from or --to text that set this partition's start or end. */
static const char *spec_for(const nw_replay_part_t *p, const nw_kpos_t *s, size_t n)
{
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i].kind == NW_KPOS_AT_OFFSET && s[i].partition == p->partition &&
            strcmp(s[i].topic, p->topic) == 0)
            return s[i].text;
        if (s[i].kind == NW_KPOS_AT_TIME)
            found = s[i].text;
    }
    return found;
}

/* An end before its start is the user's --to before --from, except when
 * both came from times: those cannot cross (the times were checked and
 * offsets by time never go down), so that case is only an empty range. */
static int check_ends(nw_replay_range_t *r, const nw_kpos_t *from, size_t n_from,
                      const nw_kpos_t *to, size_t n_to, nw_error_t *err)
{
    for (size_t i = 0; i < r->n; i++) {
        nw_replay_part_t *p = &r->parts[i];
        if (p->end >= p->start)
            continue;
        const char *f = spec_for(p, from, n_from), *t = spec_for(p, to, n_to);
        if (f && t && (f[0] != '@' || t[0] != '@'))
            return nw_error_set(err, NW_ERR_RANGE,
                                "--to %s is before --from %s in %s [%" PRId32
                                "]: the range would start at offset %" PRId64
                                " and end at %" PRId64,
                                t, f, p->topic, p->partition, p->start, p->end);
        p->end = p->start;
    }
    return 0;
}

/* Offsets deleted by retention cannot be replayed: the range starts at the
 * low watermark instead, with a warning. */
static void skip_deleted(nw_replay_range_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        nw_replay_part_t *p = &r->parts[i];
        if (p->start >= p->low)
            continue;
        nw_log(NW_LOG_WARN, "replay_start_moved",
               "%s [%" PRId32 "]: offsets before %" PRId64
               " are deleted (retention); starting there instead of at %" PRId64,
               p->topic, p->partition, p->low, p->start);
        p->start = p->low;
        if (p->end < p->start)
            p->end = p->start;
    }
}

int nw_replay_range_resolve(rd_kafka_t *rk, const nw_config_t *cfg, const nw_kpos_t *from,
                            size_t n_from, const nw_kpos_t *to, size_t n_to, nw_replay_range_t *out,
                            nw_error_t *err)
{
    topic_info_t *ts = NULL;
    size_t n_ts = 0;
    char **inputs = NULL;
    const nw_kpos_t *from_time = NULL;
    int rc = 0;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n_from; i++)
        if (from[i].kind == NW_KPOS_AT_TIME)
            from_time = &from[i];
        else if (add_topic(&ts, &n_ts, from[i].topic) < 0)
            rc = NW_ERR_NOMEM;
    if (from_time) {
        nw_config_get_list(cfg, "input.topics", &inputs);
        for (size_t i = 0; inputs && inputs[i]; i++)
            if (add_topic(&ts, &n_ts, inputs[i]) < 0)
                rc = NW_ERR_NOMEM;
    }
    if (rc < 0) {
        rc = nw_error_set(err, NW_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = read_metadata(rk, ts, n_ts, err)) < 0 ||
        (rc = collect(inputs, ts, n_ts, from, n_from, out, err)) < 0)
        goto out;
    if (out->n > 1)
        qsort(out->parts, out->n, sizeof(*out->parts), part_cmp);
    for (size_t i = 0; i < out->n; i++) {
        int n = topic_partitions(ts, n_ts, out->parts[i].topic);
        if (n > out->max_partitions)
            out->max_partitions = n;
    }
    if ((rc = watermarks(rk, out, err)) < 0 ||
        (from_time && (rc = offsets_for_time(rk, out, from_time->time_ms, false, err)) < 0) ||
        (rc = check_starts(out, err)) < 0 || (rc = apply_to(rk, out, to, n_to, err)) < 0 ||
        (rc = check_ends(out, from, n_from, to, n_to, err)) < 0)
        goto out;
    skip_deleted(out);
    for (size_t i = 0; i < out->n; i++) {
        out->parts[i].next = out->parts[i].start;
        out->parts[i].done = out->parts[i].start >= out->parts[i].end;
    }
out:
    nw_config_list_free(inputs);
    free(ts);
    if (rc < 0)
        nw_replay_range_clear(out);
    return rc;
}

void nw_replay_range_clear(nw_replay_range_t *r)
{
    for (size_t i = 0; r && i < r->n; i++)
        free(r->parts[i].topic);
    if (r) {
        free(r->parts);
        memset(r, 0, sizeof(*r));
    }
}

nw_replay_part_t *nw_replay_range_find(const nw_replay_range_t *r, const char *topic,
                                       int32_t partition)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->parts[i].partition == partition && strcmp(r->parts[i].topic, topic) == 0)
            return &r->parts[i];
    return NULL;
}
