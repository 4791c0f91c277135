/*
 * A position in a Kafka input, as `run --from` and `replay --from/--to`
 * take it: TOPIC:PARTITION:OFFSET (one partition, one offset) or @TIME (every
 * partition, through offsets-for-times). It sits in the kafka layer, below
 * both the pipeline (whose runner starts a partition the group never
 * committed at its --from) and replay (whose range is a pair of them).
 *
 * Parsing needs no cluster; resolving a position against one is the
 * caller's (the runner's rebalance, replay/range.c).
 */
#ifndef NW_KPOS_H
#define NW_KPOS_H

#include <stdint.h>

#include "newswire/error.h"

/* Kafka's limit on a topic name's length. */
#define NW_KPOS_TOPIC_MAX 249

typedef enum nw_kpos_kind {
    NW_KPOS_AT_OFFSET = 0, /* TOPIC:PARTITION:OFFSET */
    NW_KPOS_AT_TIME,       /* @TIME */
} nw_kpos_kind_t;

/* One --from or --to argument. */
typedef struct nw_kpos {
    nw_kpos_kind_t kind;
    char topic[NW_KPOS_TOPIC_MAX + 1]; /* AT_OFFSET */
    int32_t partition;                 /* AT_OFFSET */
    int64_t offset;                    /* AT_OFFSET */
    int64_t time_ms;                   /* AT_TIME: milliseconds since the epoch, UTC */
    const char *text;                  /* the argument as given (borrowed), for messages */
} nw_kpos_t;

/*
 * Parses "TOPIC:PARTITION:OFFSET" (topic names hold no ':', so the last two
 * fields are split off from the right) or "@TIME". TIME is ISO 8601 with a
 * zone: 2021-12-30T00:00:00Z, 2021-12-30T05:30:00+05:30, optionally with a
 * fraction of a second (kept to the millisecond, the resolution of Kafka
 * timestamps) or without seconds. A time without a zone is refused rather
 * than guessed. Returns 0 or NW_ERR_RANGE with the reason in err. text is
 * kept (borrowed) in out->text.
 */
int nw_kpos_parse(const char *text, nw_kpos_t *out, nw_error_t *err);

/* The time part alone ("2021-12-30T00:00:00Z", no '@'); as above. */
int nw_kpos_time_parse(const char *text, int64_t *ms, nw_error_t *err);

#endif
