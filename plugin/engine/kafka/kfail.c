/*
 * The process's Kafka failure state and its watchdog (see kfail.h).
 *
 * The state is small and written rarely (once per failed connection or
 * refused request), so one mutex guards it. The watchdog looks every 200 ms
 * rather than sleeping until the deadline so that progress clears a failure
 * promptly; it waits on a condition that nw_kfail_stop() signals, so a run
 * ends at once rather than up to 200 ms later (which every `run -e` paid).
 */
#include "core/clock.h"
#include "kafka/kfail.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "newswire/error.h"

typedef struct kfail_state {
    bool active;
    int status;         /* 69 or 77 while active */
    int fired;          /* the status once the deadline passed, else 0 */
    int64_t since_ms;   /* when the current failure began */
    bool ready_at_note; /* the pipeline's readiness when it began */
    char cause[NW_SINK_FAILURE_MAX];
    int64_t timeout_ms;       /* 0 until the watchdog runs */
    const nw_sink_t *metrics; /* NULL until the watchdog runs */
    volatile sig_atomic_t *stop;
    bool running;
    pthread_t thread;
} kfail_state_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER; /* nw_kfail_stop() */
static kfail_state_t st;

/* Sets cause as the current failure; called with the lock held. The error
 * is logged when the cause is new, not on every retry of the same one. */
static void set_failure(int status, const char *cause)
{
    /* Within one failure the first cause of a kind stands: it is the most
     * precise (the certificate check's verdict comes before librdkafka's
     * generic "handshake failed" for the same connection). */
    if (st.active && st.status == status)
        cause = st.cause;
    bool same = st.active && strcmp(st.cause, cause) == 0;
    if (!st.active) {
        st.active = true;
        st.since_ms = nw_now_ms();
        st.ready_at_note = st.metrics && nw_sink_ready(st.metrics);
    }
    st.status = status;
    if (cause != st.cause)
        snprintf(st.cause, sizeof(st.cause), "%s", cause);
    if (st.metrics)
        nw_sink_set_failure(st.metrics, st.cause);
    if (same)
        return;
    if (st.timeout_ms > 0)
        nw_log(NW_LOG_ERROR, "kafka_failure",
               "%s; newswire exits with status %d if this lasts %lld ms (failure.timeout.ms)",
               st.cause, status, (long long)st.timeout_ms);
    else
        nw_log(NW_LOG_ERROR, "kafka_failure", "%s", st.cause);
}

static bool contains(const char *s, const char *part)
{
    return s && strcasestr(s, part) != NULL;
}

bool nw_kfail_note(rd_kafka_resp_err_t code, const char *what, const char *reason)
{
    char cause[NW_SINK_FAILURE_MAX];
    int status;
    const char *r = reason ? reason : rd_kafka_err2str(code);
    switch (code) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
        status = NW_KFAIL_EXIT_UNAVAILABLE;
        if (contains(r, "certificate verify failed") || contains(r, "broker certificate"))
            snprintf(cause, sizeof(cause), "Kafka TLS failure: %s", r);
        else
            snprintf(cause, sizeof(cause),
                     "Kafka authentication failed (wrong credentials or mechanism): %s", r);
        break;
    case RD_KAFKA_RESP_ERR__SSL:
        /* A handshake cut short by a restarting broker is retried as usual;
         * only a refused certificate is a failure of this kind. */
        if (!contains(r, "certificate") && !contains(r, "mismatch"))
            return false;
        status = NW_KFAIL_EXIT_UNAVAILABLE;
        snprintf(cause, sizeof(cause), "Kafka TLS failure: %s", r);
        break;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
        status = NW_KFAIL_EXIT_NOPERM;
        snprintf(cause, sizeof(cause), "not authorized (%s)%s%s: %s", rd_kafka_err2name(code),
                 what ? " on " : "", what ? what : "", r);
        break;
    default:
        return false;
    }
    pthread_mutex_lock(&lock);
    set_failure(status, cause);
    pthread_mutex_unlock(&lock);
    return true;
}

/* "group X" or "transactional id X" from the client's configuration. */
static const char *object_name(const rd_kafka_t *rk, rd_kafka_resp_err_t code, char *out, size_t n)
{
    const char *prop = code == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED ? "group.id"
                       : code == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                           ? "transactional.id"
                           : NULL;
    char value[256];
    size_t size = sizeof(value);
    if (!prop || !rk ||
        rd_kafka_conf_get(rd_kafka_conf((rd_kafka_t *)rk), prop, value, &size) !=
            RD_KAFKA_CONF_OK ||
        !value[0])
        return NULL;
    snprintf(out, n, "%s %s", prop[0] == 'g' ? "group" : "transactional id", value);
    return out;
}

void nw_kfail_note_log(const rd_kafka_t *rk, const char *fac, const char *text)
{
    if (!fac || !text)
        return;
    if (strcmp(fac, "FAIL") == 0) {
        if (contains(text, "SASL authentication error") || contains(text, "Authentication failed"))
            nw_kfail_note(RD_KAFKA_RESP_ERR__AUTHENTICATION, NULL, text);
        else if (contains(text, "certificate verify failed") ||
                 contains(text, "broker certificate"))
            nw_kfail_note(RD_KAFKA_RESP_ERR__SSL, NULL, text);
        return;
    }
    /* A fatal (transactional) error reaches the error callback only when the
     * client is next polled, and the operation that failed (say
     * init_transactions) returns a generic error first; its log line comes at
     * once and carries the broker's reason in the words of rd_kafka_err2str. */
    if (strcmp(fac, "FATAL") != 0 && strcmp(fac, "TXNERR") != 0)
        return;
    static const rd_kafka_resp_err_t authz[] = {
        RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED,
    };
    for (size_t i = 0; i < sizeof(authz) / sizeof(authz[0]); i++) {
        if (contains(text, rd_kafka_err2str(authz[i])) ||
            contains(text, rd_kafka_err2name(authz[i]))) {
            char what[300];
            nw_kfail_note(authz[i], object_name(rk, authz[i], what, sizeof(what)), text);
            return;
        }
    }
}

/* Waits up to ms on the wake condition; called with the lock held. The
 * condition's clock is the realtime one (PTHREAD_COND_INITIALIZER): a clock
 * step only makes one look come early or late. */
static void nap(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&wake, &lock, &ts);
}

static void *watchdog(void *arg)
{
    (void)arg;
    int64_t exit_at = 0;
    pthread_mutex_lock(&lock);
    while (st.running) {
        if (st.active && !st.fired && st.metrics && !st.ready_at_note &&
            nw_sink_ready(st.metrics)) {
            /* The pipeline got its partitions: whatever failed has healed. */
            nw_log(NW_LOG_INFO, "kafka_failure_cleared", "%s", st.cause);
            st.active = false;
            st.cause[0] = '\0';
            nw_sink_set_failure(st.metrics, NULL);
        }
        if (st.active && !st.fired && nw_now_ms() - st.since_ms >= st.timeout_ms) {
            st.fired = st.status;
            nw_log(NW_LOG_ERROR, "kafka_failure_fatal", "%s; giving up after %lld ms, exit %d",
                   st.cause, (long long)st.timeout_ms, st.fired);
            *st.stop = 1;
            exit_at = nw_now_ms() + 30000;
        }
        if (st.fired && nw_now_ms() >= exit_at) {
            /* The graceful stop hangs (a client waiting on a broker it
             * cannot use): end the process with the status all the same. */
            nw_log(NW_LOG_ERROR, "kafka_failure_fatal", "not stopped after 30 s; exiting");
            _exit(st.fired);
        }
        nap(200);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int nw_kfail_start(int64_t timeout_ms, const nw_sink_t *m, volatile sig_atomic_t *stop)
{
    pthread_mutex_lock(&lock);
    st.timeout_ms = timeout_ms > 0 ? timeout_ms : 60000;
    st.metrics = m;
    st.stop = stop;
    st.running = true;
    if (st.active && m)
        nw_sink_set_failure(m, st.cause);
    int rc = pthread_create(&st.thread, NULL, watchdog, NULL);
    if (rc != 0)
        st.running = false;
    pthread_mutex_unlock(&lock);
    return rc == 0 ? 0 : NW_ERR_NOMEM;
}

void nw_kfail_stop(void)
{
    pthread_mutex_lock(&lock);
    bool running = st.running;
    st.running = false;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    if (running)
        pthread_join(st.thread, NULL);
    pthread_mutex_lock(&lock);
    st.metrics = NULL;
    st.stop = NULL;
    pthread_mutex_unlock(&lock);
}

int nw_kfail_exit_status(void)
{
    pthread_mutex_lock(&lock);
    int s = st.fired;
    pthread_mutex_unlock(&lock);
    return s;
}

bool nw_kfail_cause(char *out, size_t n)
{
    pthread_mutex_lock(&lock);
    bool any = st.active;
    snprintf(out, n, "%s", any ? st.cause : "");
    pthread_mutex_unlock(&lock);
    return any;
}

void nw_kfail_reset(void)
{
    nw_kfail_stop();
    pthread_mutex_lock(&lock);
    memset(&st, 0, sizeof(st));
    pthread_mutex_unlock(&lock);
}

void nw_kfail_note_message(const rd_kafka_t *rk, const rd_kafka_message_t *m)
{
    if (!m || !m->err)
        return;
    char what[300];
    const char *name = NULL;
    if (m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED && m->rkt) {
        snprintf(what, sizeof(what), "topic %s", rd_kafka_topic_name(m->rkt));
        name = what;
    } else {
        name = object_name(rk, m->err, what, sizeof(what));
    }
    nw_kfail_note(m->err, name, rd_kafka_message_errstr(m));
}
