/*
 * newswire replay: reprocessing a range of the input through the same
 * pipeline, into output topics of the user's choice.
 *
 * Users replay when an enricher or a gazetteer improves, when a downstream
 * index is rebuilt, or after an incident. A replay must never disturb the
 * live service, so it reads with its own consumer through assign() (no
 * subscribe: it joins no group, triggers no rebalance and commits nothing;
 * see nw_replay_kconf), it never writes or creates the state topic, and it
 * produces through a plain idempotent producer (no transactional id that
 * could fence the service's).
 *
 * The range is given per partition as [start, end): a start from
 * `--from TOPIC:PARTITION:OFFSET` or `--from @TIME` (every partition of
 * input.topics, through offsets-for-times), an end from `--to` in the same
 * forms or the partition's high watermark when the replay starts. Everything
 * about the range is checked before a single record is produced; a range
 * that cannot be right is NW_ERR_RANGE, which the command turns into exit
 * status 64.
 *
 * The module's files: spec.c (checking positions, no Kafka; kafka/kpos.c
 * parses them), range.c (resolving them against the cluster), state.c
 * (reading the live state topic), progress.c (the display on stderr) and
 * replay.c (the loop, producing through the live service's
 * pipeline/output.c).
 */
#ifndef NW_REPLAY_H
#define NW_REPLAY_H

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "dedupe/vstore.h"
#include "kafka/kpos.h"
#include "newswire/error.h"
#include "pipeline/runner.h"

/* ---- Positions (spec.c; parsed by kafka/kpos.c) ---------------------- */

/*
 * The checks that need no cluster: at least one --from; at most one @TIME
 * among the --from and one among the --to; no partition named twice on one
 * side; a --to never before its --from (same partition, or both @TIME); a
 * --to TOPIC:PARTITION:OFFSET only for a partition some --from covers.
 * Returns 0 or NW_ERR_RANGE with a message meant for the user.
 */
int nw_replay_specs_check(const nw_kpos_t *from, size_t n_from, const nw_kpos_t *to, size_t n_to,
                          nw_error_t *err);

/* ---- The resolved range (range.c) ------------------------------------ */

/* One partition of the range and how far the replay has got in it. */
typedef struct nw_replay_part {
    char *topic;
    int32_t partition;
    int64_t start, end; /* replay offsets [start, end) */
    int64_t low, high;  /* the watermarks when the replay started */
    int64_t next;       /* the offset after the last one consumed */
    uint64_t in;        /* messages consumed from the range */
    bool done;
    nw_vstore_t *store; /* borrowed: the store its messages are deduplicated with */
} nw_replay_part_t;

typedef struct nw_replay_range {
    nw_replay_part_t *parts; /* sorted by topic, then partition */
    size_t n;
    int max_partitions; /* the largest partition count among the range's topics */
} nw_replay_range_t;

/*
 * Resolves the (already checked) specs with rk's view of the cluster:
 * topics and partitions must exist; @TIME goes through offsets-for-times
 * (no message at or after the time: the partition's end); a start past the
 * high watermark, an end past it, or an end before the start is
 * NW_ERR_RANGE. A start below the low watermark (deleted by retention) is
 * moved up to it with a warning. Returns 0, NW_ERR_RANGE (the user's range
 * is wrong), or NW_ERR_KAFKA / NW_ERR_NOMEM. Free with nw_replay_range_clear.
 */
int nw_replay_range_resolve(rd_kafka_t *rk, const nw_config_t *cfg, const nw_kpos_t *from,
                            size_t n_from, const nw_kpos_t *to, size_t n_to, nw_replay_range_t *out,
                            nw_error_t *err);

void nw_replay_range_clear(nw_replay_range_t *r);

/* The part for topic/partition, or NULL. */
nw_replay_part_t *nw_replay_range_find(const nw_replay_range_t *r, const char *topic,
                                       int32_t partition);

/* ---- Live state (state.c) -------------------------------------------- */

/*
 * Reads every partition of state_topic from the beginning to its end
 * (read_committed) with a consumer of its own (nw_replay_kconf), applying state
 * partition p to stores[p] (n stores, n = the topic's partition count), then
 * commits each store's baseline. Gives up after timeout_ms or when *stop is
 * set. Returns 0 or a negative nw_err_t; *records counts the records applied.
 */
int nw_replay_state_load(const nw_config_t *cfg, const char *state_topic, nw_vstore_t **stores,
                         int n, int64_t timeout_ms, volatile sig_atomic_t *stop, uint64_t *records,
                         nw_error_t *err);

/* ---- Progress (progress.c) ------------------------------------------- */

typedef enum nw_progress_mode {
    NW_PROGRESS_AUTO = 0, /* a bar when stderr is a terminal, else lines */
    NW_PROGRESS_BAR,      /* one line redrawn in place (\r) */
    NW_PROGRESS_LINES,    /* a line every two seconds */
    NW_PROGRESS_NONE,
} nw_progress_mode_t;

/* "auto", "bar", "lines", "none"; NW_ERR_INVALID otherwise. */
int nw_progress_mode_parse(const char *name, nw_progress_mode_t *out);

typedef struct nw_progress nw_progress_t;

/* A display on fp (stderr); NULL when out of memory, which only silences it. */
nw_progress_t *nw_progress_new(nw_progress_mode_t mode, FILE *fp);
/* Shows where the range stands, when it is time to (at most every 200 ms
 * for the bar, every two seconds for lines); final forces a last update
 * and ends the bar's line. */
void nw_progress_update(nw_progress_t *p, const nw_replay_range_t *r, bool final);
void nw_progress_free(nw_progress_t *p); /* accepts NULL */

/* ---- The replay (replay.c) ------------------------------------------- */

typedef enum nw_replay_state {
    /* Empty version stores: every version in the range is emitted, numbered
     * within the range. The default, because a replay after an enricher or
     * gazetteer improvement must re-emit what the live service already did. */
    NW_REPLAY_STATE_FRESH = 0,
    /* The live state topic first: nothing already emitted comes out again. */
    NW_REPLAY_STATE_LIVE,
} nw_replay_state_t;

const char *nw_replay_state_name(nw_replay_state_t s); /* "fresh", "live" */

/*
 * The configuration of a replay reader (of the input range, or of the state
 * topic): librdkafka's restore role (no auto commit, no offset store,
 * read_committed like the live consumer, partition EOF reported), with the
 * group.id "<group.id>-replay". librdkafka's assign() wants a group.id even
 * though no group is joined; it is never the live group's, so nothing a
 * replay does can touch the service's committed offsets.
 */
int nw_replay_kconf(const nw_config_t *cfg, rd_kafka_conf_t **out, nw_error_t *err);

typedef struct nw_replay_opts {
    const nw_kpos_t *from;
    size_t n_from;
    const nw_kpos_t *to;
    size_t n_to;
    nw_replay_state_t state;
    const char *output_topic; /* NULL: output.topic */
    const char *dlq_topic;    /* NULL: dlq.topic */
    nw_progress_mode_t progress;
    volatile sig_atomic_t *stop; /* set by a signal handler; required */
} nw_replay_opts_t;

/*
 * Replays the range. counters receives the accounting of the messages
 * processed (valid after an error too). Returns 0 once every partition of
 * the range is done and every record is delivered; NW_ERR_RANGE for a range
 * or option that cannot be right (nothing was produced); NW_ERR_INVALID for
 * a configuration problem; another negative nw_err_t for a failure on the
 * way (interrupted included: NW_ERR_FATAL with "interrupted").
 */
int nw_replay_run(const nw_config_t *cfg, const nw_replay_opts_t *opts, nw_counters_t *counters,
                  nw_error_t *err);

#endif
