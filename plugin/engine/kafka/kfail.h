/*
 * Kafka failures that retrying does not cure: wrong credentials, a broker
 * certificate that is not trusted or does not match the host name, a
 * principal not authorized on a topic, group, transactional id or the
 * cluster. librdkafka retries all of them forever, as it retries a broker
 * that is down; newswire instead names the cause in an error, reports it on
 * /healthz (503) and, if the failure is still there after
 * failure.timeout.ms, stops and exits with a status that says which kind it
 * was (sysexits.h): 69 (EX_UNAVAILABLE) for authentication and TLS, 77
 * (EX_NOPERM) for authorization. A broker that is merely unreachable is not
 * such a failure: it is waited for, as before.
 *
 * One failure state per process, fed from librdkafka's error and log
 * callbacks (kafka/kconf.c) and from the places that see Kafka error codes
 * (topic metadata, the pipeline's consumer and transaction errors); a
 * watchdog thread started by `run` enforces the deadline. Progress (the
 * pipeline becoming ready, or its counters moving) clears the failure.
 * All functions are thread-safe.
 */
#ifndef NW_KFAIL_H
#define NW_KFAIL_H

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sink.h"

#define NW_KFAIL_EXIT_UNAVAILABLE 69 /* authentication, TLS */
#define NW_KFAIL_EXIT_NOPERM      77 /* authorization */

/* Records code (a librdkafka error) if it is a failure of this kind; what
 * names the object ("topic news.raw", "group newswire", "transactional id
 * x") or is NULL, reason is librdkafka's text or NULL. Returns true when the
 * code was one (and is now the current failure). */
bool nw_kfail_note(rd_kafka_resp_err_t code, const char *what, const char *reason);

/* librdkafka's log line (facility, text) of client rk: recognises the
 * authentication and TLS failures that arrive only there as connection
 * failures ("FAIL"), and authorization failures in fatal and transactional
 * errors, which arrive there first; group and transactional id are named from
 * rk's configuration. */
void nw_kfail_note_log(const rd_kafka_t *rk, const char *fac, const char *text);

/* A consumer's error message m (from client rk): its authorization failures
 * are noted with the topic or group they concern. */
void nw_kfail_note_message(const rd_kafka_t *rk, const rd_kafka_message_t *m);

/* Starts the watchdog: every 200 ms it clears the failure on progress
 * (the metrics sink m ready or counters moved) and, once a failure has lasted
 * timeout_ms, logs it, sets *stop and, should the process not have ended
 * 30 s later, exits it with the status. The failure's cause is published
 * to m for /healthz. m (borrowed; may be NULL) and stop must outlive
 * nw_kfail_stop(). Returns 0, or NW_ERR_NOMEM when no thread can be made. */
int nw_kfail_start(int64_t timeout_ms, const nw_sink_t *m, volatile sig_atomic_t *stop);
void nw_kfail_stop(void);

/* 0 while no failure has run out its time, else 69 or 77. */
int nw_kfail_exit_status(void);

/* Copies the current (or, after the deadline, the fatal) failure's cause
 * into out; returns false (out empty) when there is none. */
bool nw_kfail_cause(char *out, size_t n);

/* Forgets everything; for tests and for a process that runs twice. */
void nw_kfail_reset(void);

#endif
