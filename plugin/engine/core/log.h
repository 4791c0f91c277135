/*
 * One line per event on stderr: logfmt by default, JSON with log.format=json.
 *
 *   ts=2026-11-26T21:30:00.123Z level=info event=assigned msg="news.raw [0,1,2]"
 *   {"ts":"2026-11-26T21:30:00.123Z","level":"info","event":"assigned","msg":"news.raw [0,1,2]"}
 *
 * `event` is a stable machine-readable name; `msg` is human text. librdkafka's
 * own log lines are routed here too (nw_log_rdkafka), so an operator reads one
 * stream in one format. Messages must never contain secrets: callers log key
 * names, not values, for anything configuration calls secret.
 */
#ifndef NW_LOG_H
#define NW_LOG_H

#include <stdbool.h>

typedef enum nw_log_level {
    NW_LOG_ERROR = 0,
    NW_LOG_WARN = 1,
    NW_LOG_INFO = 2,
    NW_LOG_DEBUG = 3,
} nw_log_level_t;

/* Sets the threshold and format ("logfmt" or "json"); unknown names keep the
 * current setting. Safe to call before any logging; not thread-safe itself. */
void nw_log_setup(const char *level, const char *format);
bool nw_log_enabled(nw_log_level_t level);

/* Logs one event; thread-safe (one write(2) per line). */
void nw_log(nw_log_level_t level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A librdkafka log_cb: forwards with event "rdkafka" and the facility. */
struct rd_kafka_s;
void nw_log_rdkafka(const struct rd_kafka_s *rk, int level, const char *fac, const char *buf);

#endif
