/*
 * The fixture of the HTTP enricher's tests: a scripted HTTP/1.1 server, and a
 * host that drives the enricher's descriptor with settings from a key/value
 * list and captures its log lines.
 *
 * The server listens on 127.0.0.1 at a port the kernel picks, one thread per
 * connection.
 *
 * A test sets what the first requests get (script[]) and what every later
 * one gets (fallback): a status and body, optionally late (delay_ms), or a
 * dropped connection (status 0). The server counts requests, connections and
 * the most requests it held at once, and keeps each request's head and body.
 * A TLS ClientHello gets a plain-HTTP 400, as a real plain server would send.
 *
 * Included by one test file only: everything is static. Every wait is
 * bounded: handlers poll a stop flag, so server_teardown() returns quickly
 * even while delays are pending.
 */
#ifndef NW_TEST_HTTP_FIXTURE_H
#define NW_TEST_HTTP_FIXTURE_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/clock.h"
#include "enrichers/http.h"

typedef struct reply {
    int status;          /* 0: drop the connection without answering */
    const char *body;    /* NULL: {"topic":"politics"} */
    int delay_ms;        /* wait before answering */
    const char *headers; /* extra header lines, each ending in \r\n */
} reply_t;

#define MAX_SEEN 64

typedef struct server {
    int fd;
    int port;
    pthread_t acceptor;
    atomic_bool stop;
    pthread_mutex_t mu;
    pthread_cond_t idle;
    reply_t script[8]; /* replies to the first requests, in order */
    size_t nscript;
    reply_t fallback; /* for every later request */
    int requests;
    int connections;
    int open_handlers;
    int concurrent, max_concurrent;
    char *heads[MAX_SEEN];
    char *bodies[MAX_SEEN];
} server_t;

static server_t srv;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads until buf holds a whole request: 1; 0 when the peer left or the
 * server stops; -1 for a TLS ClientHello (the client took us for https). */
static int read_request(int fd, char *buf, size_t cap, size_t *len, size_t *head_len,
                        size_t *body_len)
{
    for (;;) {
        if (*len && (unsigned char)buf[0] == 0x16)
            return -1;
        char *end = *len ? memmem(buf, *len, "\r\n\r\n", 4) : NULL;
        if (end) {
            *head_len = (size_t)(end - buf) + 4;
            const char *cl = strcasestr(buf, "\r\ncontent-length:");
            *body_len = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
            if (*len >= *head_len + *body_len)
                return 1;
        }
        if (*len + 1 >= cap || atomic_load(&srv.stop))
            return 0;
        ssize_t n = recv(fd, buf + *len, cap - *len - 1, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return 0;
        if (n > 0) {
            *len += (size_t)n;
            buf[*len] = '\0';
        }
    }
}

static void answer(int fd, const reply_t *r)
{
    for (int waited = 0; waited < r->delay_ms && !atomic_load(&srv.stop); waited += 10)
        sleep_ms(10);
    const char *body = r->body ? r->body : "{\"topic\":\"politics\"}";
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n%s\r\n",
                     r->status, strlen(body), r->headers ? r->headers : "");
    /* The client may be gone (it timed out): MSG_NOSIGNAL, no SIGPIPE. */
    send(fd, head, (size_t)n, MSG_NOSIGNAL);
    send(fd, body, strlen(body), MSG_NOSIGNAL);
}

/* One connection: requests in a loop, as keep-alive clients send them. */
static void *serve_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    size_t cap = 1 << 20, len = 0, head_len = 0, body_len = 0;
    char *buf = malloc(cap);
    int rc;
    while (buf && (rc = read_request(fd, buf, cap, &len, &head_len, &body_len)) != 0) {
        if (rc < 0) {
            send(fd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28, MSG_NOSIGNAL);
            break;
        }
        pthread_mutex_lock(&srv.mu);
        int i = srv.requests++;
        reply_t r = (size_t)i < srv.nscript ? srv.script[i] : srv.fallback;
        if (i < MAX_SEEN) {
            srv.heads[i] = strndup(buf, head_len);
            srv.bodies[i] = strndup(buf + head_len, body_len);
        }
        if (++srv.concurrent > srv.max_concurrent)
            srv.max_concurrent = srv.concurrent;
        pthread_mutex_unlock(&srv.mu);
        if (r.status)
            answer(fd, &r);
        pthread_mutex_lock(&srv.mu);
        srv.concurrent--;
        pthread_mutex_unlock(&srv.mu);
        if (!r.status)
            break;
        memmove(buf, buf + head_len + body_len, len - head_len - body_len);
        len -= head_len + body_len;
    }
    free(buf);
    close(fd);
    pthread_mutex_lock(&srv.mu);
    srv.open_handlers--;
    pthread_cond_signal(&srv.idle);
    pthread_mutex_unlock(&srv.mu);
    return NULL;
}

static void *accept_loop(void *arg)
{
    (void)arg;
    while (!atomic_load(&srv.stop)) {
        struct pollfd p = {.fd = srv.fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int fd = accept(srv.fd, NULL, NULL);
        if (fd < 0)
            continue;
        /* Short receive timeouts let handlers notice the stop flag. */
        struct timeval tv = {0, 20000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        pthread_mutex_lock(&srv.mu);
        srv.connections++;
        srv.open_handlers++;
        pthread_mutex_unlock(&srv.mu);
        pthread_t t;
        if (pthread_create(&t, NULL, serve_connection, (void *)(intptr_t)fd) == 0) {
            pthread_detach(t);
        } else {
            close(fd);
            pthread_mutex_lock(&srv.mu);
            srv.open_handlers--;
            pthread_mutex_unlock(&srv.mu);
        }
    }
    return NULL;
}

static int server_setup(void **state)
{
    (void)state;
    memset(&srv, 0, sizeof(srv));
    pthread_mutex_init(&srv.mu, NULL);
    pthread_cond_init(&srv.idle, NULL);
    srv.fallback = (reply_t){200, NULL, 0, NULL};
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    if (srv.fd < 0 || bind(srv.fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(srv.fd, 64) != 0 || getsockname(srv.fd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    srv.port = ntohs(a.sin_port);
    return pthread_create(&srv.acceptor, NULL, accept_loop, NULL) == 0 ? 0 : -1;
}

static int server_teardown(void **state)
{
    (void)state;
    atomic_store(&srv.stop, true);
    pthread_join(srv.acceptor, NULL);
    close(srv.fd);
    /* Handlers see the flag within one receive timeout or delay slice. */
    struct timespec until = nw_clock_after_ms(CLOCK_REALTIME, 5000); /* the default cond clock */
    pthread_mutex_lock(&srv.mu);
    while (srv.open_handlers > 0)
        if (pthread_cond_timedwait(&srv.idle, &srv.mu, &until) != 0)
            break;
    bool idle = srv.open_handlers == 0;
    pthread_mutex_unlock(&srv.mu);
    for (int i = 0; i < MAX_SEEN; i++) {
        free(srv.heads[i]);
        free(srv.bodies[i]);
    }
    return idle ? 0 : -1;
}

static int server_requests(void)
{
    pthread_mutex_lock(&srv.mu);
    int n = srv.requests;
    pthread_mutex_unlock(&srv.mu);
    return n;
}

/* ---- a host: settings from a key/value list, logs into a buffer -------- */

#define MAX_KV 24

typedef struct host {
    const char *kv[2 * MAX_KV]; /* key, value, ..., NULL */
    char url[128];
} host_t;

static char logbuf[1 << 16];
static size_t loglen;

static void test_log(int level, const char *enricher, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%d %s ", level, enricher);
    if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
        loglen += (size_t)n;
    n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
    if (n > 0 && (size_t)n < sizeof(logbuf) - loglen - 1) {
        loglen += (size_t)n;
        logbuf[loglen++] = '\n';
        logbuf[loglen] = '\0';
    }
    va_end(ap);
}

static const char *test_config(void *opaque, const char *key)
{
    host_t *h = opaque;
    for (size_t i = 0; h->kv[i]; i += 2)
        if (strcmp(h->kv[i], key) == 0)
            return h->kv[i + 1];
    return NULL;
}

static const char *test_instance(void *opaque)
{
    (void)opaque;
    return "http.geo";
}

static int test_config_each(void *opaque, const char *prefix,
                            int (*fn)(const char *key, const char *value, void *fn_opaque),
                            void *fn_opaque)
{
    host_t *h = opaque;
    for (size_t i = 0; h->kv[i]; i += 2) {
        if (strncmp(h->kv[i], prefix, strlen(prefix)) != 0)
            continue;
        int rc = fn(h->kv[i], h->kv[i + 1], fn_opaque);
        if (rc)
            return rc;
    }
    return 0;
}

static const nw_enricher_api_t api = {
    NW_ENRICHER_ABI_VERSION, sizeof(nw_enricher_api_t), test_log, test_config, NULL,
    test_instance,           test_config_each};

/* Settings for a test: "url" points at the server unless given. Short
 * timeouts and backoffs keep every test quick. */
static host_t *host_new(const char *const *kv)
{
    static host_t h;
    memset(&h, 0, sizeof(h));
    snprintf(h.url, sizeof(h.url), "http://127.0.0.1:%d/enrich?key=querysecret", srv.port);
    size_t n = 0;
    bool has_url = false;
    for (size_t i = 0; kv && kv[i]; i += 2) {
        has_url |= strcmp(kv[i], "url") == 0;
        h.kv[n++] = kv[i];
        h.kv[n++] = kv[i + 1];
    }
    static const char *const defaults[] = {"timeout.ms",     "200", "backoff.ms", "10",
                                           "backoff.max.ms", "50"};
    for (size_t d = 0; d < 6; d += 2) {
        bool set = false;
        for (size_t i = 0; i < n; i += 2)
            set |= strcmp(h.kv[i], defaults[d]) == 0;
        if (!set) {
            h.kv[n++] = defaults[d];
            h.kv[n++] = defaults[d + 1];
        }
    }
    if (!has_url) {
        h.kv[n++] = "url";
        h.kv[n++] = h.url;
    }
    h.kv[n] = NULL;
    return &h;
}

static void *start_enricher(const char *const *kv)
{
    const nw_enricher_t *d = nw_builtin_http(&api);
    assert_non_null(d);
    void *state = NULL;
    char err[256] = "";
    int rc = d->init(&api, host_new(kv), &state, err, sizeof(err));
    if (rc != 0)
        fail_msg("init failed: %s", err);
    return state;
}

/* init() is expected to refuse kv; returns its message. */
static const char *refused(const char *const *kv)
{
    static char err[256];
    void *state = NULL;
    err[0] = '\0';
    assert_int_equal(nw_builtin_http(&api)->init(&api, host_new(kv), &state, err, sizeof(err)), -1);
    assert_null(state);
    return err;
}

static json_t *record_new(const char *id)
{
    return json_pack("{s:s, s:[{s:s, s:s}], s:s, s:{s:s, s:{}}}", "uri", id, "headlines", "role",
                     "main", "value", "Talks in Geneva", "language", "en", "newswire", "article_id",
                     id, "enrichment");
}

static nw_enrich_input_t input_for(const char *id, const char *hash)
{
    nw_enrich_input_t in = {.size = sizeof(in), .article_id = id, .content_hash = hash};
    return in;
}

/* One record through enrich(); the detail lands in detail. */
static nw_enrich_status_t run_one(void *state, json_t *rec, const char *hash, char *detail)
{
    nw_enrich_input_t in = input_for("a1", hash);
    detail[0] = '\0';
    return nw_builtin_http(&api)->enrich(state, rec, &in, detail, 128);
}

static void stop_enricher(void *state)
{
    nw_builtin_http(&api)->destroy(state);
}

static nw_http_stats_t stats_of(void *state)
{
    nw_http_stats_t st;
    assert_int_equal(nw_http_enricher_stats(state, &st), 0);
    return st;
}

#endif
