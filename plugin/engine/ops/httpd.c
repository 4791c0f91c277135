/*
 * The operations endpoint on libmicrohttpd (see httpd.h).
 *
 * libmicrohttpd runs its own polling thread; the handler only reads the
 * registry (under its lock) and the ready flag, so nothing here can block the
 * pipeline. The listen address is resolved and bound exactly as given, never
 * widened to every interface: a default of 127.0.0.1 must stay private.
 * libmicrohttpd's own messages (a port already taken) go through the logger
 * and the last one also into the error returned by nw_httpd_start().
 *
 * Probes must stay answerable while peers misbehave (see httpd.h for the
 * limits). libmicrohttpd enforces the global and per-client connection
 * limits and the idle timeout itself, but an idle timeout is reset by every
 * byte, so a client dribbling a header byte every few seconds would hold
 * its connection for ever. A reaper thread gives each request a deadline:
 * connections are registered when libmicrohttpd opens them and leave the
 * registry when it closes them, both under the registry lock, and one still
 * registered past its deadline is shut down (never closed: the descriptor
 * stays libmicrohttpd's), which its polling thread sees as the peer leaving.
 */
#include "ops/httpd.h"

#include <errno.h>
#include <pthread.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"

#define LISTEN_MAX 300 /* host (a name at most 253 bytes) and port */

/* Splits "HOST:PORT", "[V6]:PORT" or ":PORT" into host (empty for ":PORT")
 * and port. */
static int split_listen(const char *listen, char *host, size_t hostn, char *port, size_t portn,
                        nw_error_t *err)
{
    const char *colon, *hs = listen, *he;
    if (strlen(listen) >= LISTEN_MAX)
        return nw_error_set(err, NW_ERR_INVALID, "metrics.listen: address too long");
    if (*listen == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return nw_error_set(err, NW_ERR_INVALID,
                                "metrics.listen: \"%s\" is not [IPV6]:PORT (e.g. [::1]:9464)",
                                listen);
        hs = listen + 1;
        he = close;
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return nw_error_set(err, NW_ERR_INVALID,
                                "metrics.listen: \"%s\" has no port; write HOST:PORT "
                                "(e.g. 127.0.0.1:9464), or an empty value to turn it off",
                                listen);
        if (memchr(listen, ':', (size_t)(colon - listen)))
            return nw_error_set(err, NW_ERR_INVALID,
                                "metrics.listen: write an IPv6 address in brackets: [%.*s]%s",
                                (int)(colon - listen), listen, colon);
        he = colon;
    }
    const char *p = colon + 1;
    size_t plen = strlen(p);
    if (plen == 0 || plen > 5 || strspn(p, "0123456789") != plen || atoi(p) > 65535)
        return nw_error_set(err, NW_ERR_INVALID,
                            "metrics.listen: \"%s\" is not a port number (0 to 65535)", p);
    snprintf(host, hostn, "%.*s", (int)(he - hs), hs);
    snprintf(port, portn, "%s", p);
    return 0;
}

int nw_httpd_check_listen(const char *listen, nw_error_t *err)
{
    char host[LISTEN_MAX], port[8];
    if (!listen || !*listen)
        return 0;
    return split_listen(listen, host, sizeof(host), port, sizeof(port), err);
}

#ifdef NW_WITH_MHD

#include <microhttpd.h>

#if MHD_VERSION >= 0x00097002
typedef enum MHD_Result nw_mhd_result_t;
#else
typedef int nw_mhd_result_t;
#endif

/* An open connection, as the reaper sees it. */
typedef struct conn {
    int fd;
    int64_t deadline_ms; /* nw_now_ms() */
    bool reaped;         /* shut down once already */
    struct conn *prev, *next;
} conn_t;

struct nw_httpd {
    struct MHD_Daemon *daemon;
    nw_metrics_t *metrics;
    int port;
    atomic_bool started;  /* set once MHD_start_daemon has returned */
    char last_error[256]; /* libmicrohttpd's last message while starting */
    pthread_mutex_t lock; /* guards conns, stopping */
    pthread_cond_t wake;  /* the reaper's tick, or stop */
    conn_t *conns;
    bool stopping;
    bool reaper_started;
    pthread_t reaper;
};

bool nw_httpd_available(void)
{
    return true;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    nw_httpd_t *h = cls;
    char msg[256];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    /* Only written while starting, when no other thread runs it: read by
     * nw_httpd_start to explain a failure. */
    if (!atomic_load(&h->started)) {
        snprintf(h->last_error, sizeof(h->last_error), "%s", msg);
        nw_log(NW_LOG_WARN, "http", "%s", msg);
        return;
    }
    /* Once serving, its messages are about peers (a request cut short, a
     * client over its limit): at debug, so a peer cannot flood the log. */
    if (nw_log_enabled(NW_LOG_DEBUG))
        nw_log(NW_LOG_DEBUG, "http", "%s", msg);
}

static nw_mhd_result_t reply(struct MHD_Connection *c, unsigned status, const char *type,
                             char *body, bool owned)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (owned)
            free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    /* Probes and scrapes must see the state now, never a cached answer. */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    nw_mhd_result_t ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

#define TEXT "text/plain; charset=utf-8"

static int64_t deadline_in(unsigned seconds)
{
    return nw_now_ms() + (int64_t)seconds * 1000;
}

/* Called by libmicrohttpd's thread when a connection opens and closes (the
 * close notice comes before it closes the descriptor). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    nw_httpd_t *h = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_t *k = info ? calloc(1, sizeof(*k)) : NULL;
        if (!k)
            return; /* unwatched: the idle timeout still applies */
        k->fd = info->connect_fd;
        k->deadline_ms = deadline_in(NW_HTTPD_REQUEST_DEADLINE_S);
        pthread_mutex_lock(&h->lock);
        k->next = h->conns;
        if (h->conns)
            h->conns->prev = k;
        h->conns = k;
        pthread_mutex_unlock(&h->lock);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        conn_t *k = *socket_context;
        pthread_mutex_lock(&h->lock);
        if (k->prev)
            k->prev->next = k->next;
        else
            h->conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        pthread_mutex_unlock(&h->lock);
        free(k);
        *socket_context = NULL;
    }
}

/* After each answer a kept-alive connection gets a fresh deadline for its
 * next request. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)con_cls;
    (void)code;
    nw_httpd_t *h = cls;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_t *k = info ? info->socket_context : NULL;
    if (!k)
        return;
    pthread_mutex_lock(&h->lock);
    k->deadline_ms = deadline_in(NW_HTTPD_REQUEST_DEADLINE_S);
    pthread_mutex_unlock(&h->lock);
}

static void *reaper_main(void *arg)
{
    nw_httpd_t *h = arg;
    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        int64_t now = nw_now_ms();
        for (conn_t *k = h->conns; k; k = k->next)
            if (!k->reaped && now >= k->deadline_ms) {
                shutdown(k->fd, SHUT_RDWR);
                k->reaped = true;
                if (nw_log_enabled(NW_LOG_DEBUG))
                    nw_log(NW_LOG_DEBUG, "http", "request not complete within %d s: closed",
                           NW_HTTPD_REQUEST_DEADLINE_S);
            }
        /* The condition variable waits on CLOCK_MONOTONIC (see nw_httpd_start). */
        struct timespec tick = nw_clock_after_ms(CLOCK_MONOTONIC, 250);
        pthread_cond_timedwait(&h->wake, &h->lock, &tick);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Stops the reaper (if running) and frees h; the daemon is stopped. */
static void httpd_free(nw_httpd_t *h)
{
    if (h->reaper_started) {
        pthread_mutex_lock(&h->lock);
        h->stopping = true;
        pthread_cond_signal(&h->wake);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->reaper, NULL);
    }
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static nw_mhd_result_t handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    nw_httpd_t *h = cls;
    unsigned status;
    nw_mhd_result_t ret;
    /* Answered on the first call, before any request body is read: no route
     * takes one. */
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        ret = reply(c, status, TEXT, "method not allowed\n", false);
    } else if (strcmp(url, "/metrics") == 0) {
        char *text = nw_metrics_render(h->metrics);
        status = text ? MHD_HTTP_OK : MHD_HTTP_INTERNAL_SERVER_ERROR;
        ret = text ? reply(c, status, NW_METRICS_CONTENT_TYPE, text, true)
                   : reply(c, status, TEXT, "out of memory\n", false);
    } else if (strcmp(url, "/healthz") == 0) {
        char cause[NW_SINK_FAILURE_MAX + 16];
        bool failing = nw_metrics_failure(h->metrics, cause, NW_SINK_FAILURE_MAX);
        if (failing)
            strcat(cause, "\n");
        status = failing ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK;
        char *body = failing ? strdup(cause) : NULL;
        ret = body ? reply(c, status, TEXT, body, true)
                   : reply(c, status, TEXT, failing ? "failing\n" : "ok\n", false);
    } else if (strcmp(url, "/readyz") == 0) {
        bool ready = nw_metrics_ready(h->metrics);
        status = ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
        ret = reply(c, status, TEXT, ready ? "ready\n" : "not ready\n", false);
    } else {
        status = MHD_HTTP_NOT_FOUND;
        ret = reply(c, status, TEXT, "not found: try /metrics, /healthz or /readyz\n", false);
    }
    if (nw_log_enabled(NW_LOG_DEBUG))
        nw_log(NW_LOG_DEBUG, "http_request", "%s %s %u", method, url, status);
    return ret;
}

int nw_httpd_start(const char *listen, nw_metrics_t *m, nw_httpd_t **out, nw_error_t *err)
{
    char host[LISTEN_MAX], port[8];
    *out = NULL;
    if (!listen || !*listen)
        return 0;
    int rc = split_listen(listen, host, sizeof(host), port, sizeof(port), err);
    if (rc < 0)
        return rc;

    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *ai = NULL;
    int gai = getaddrinfo(*host ? host : "0.0.0.0", port, &hints, &ai);
    if (gai != 0)
        return nw_error_set(err, NW_ERR_INVALID, "metrics.listen: cannot resolve \"%s\": %s", host,
                            gai_strerror(gai));

    nw_httpd_t *h = calloc(1, sizeof(*h));
    if (!h) {
        freeaddrinfo(ai);
        return nw_error_set(err, NW_ERR_NOMEM, "out of memory");
    }
    h->metrics = m;
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &ca);
    pthread_condattr_destroy(&ca);
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The logger first, so that libmicrohttpd reports every later option's
     * problem through it; the port argument only names the port in its
     * messages, the socket address decides. */
    h->daemon = MHD_start_daemon(
        flags, (uint16_t)atoi(port), NULL, NULL, handle, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
        MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)NW_HTTPD_IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)NW_HTTPD_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)NW_HTTPD_MAX_PER_CLIENT, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
    freeaddrinfo(ai);
    atomic_store(&h->started, true);
    if (!h->daemon) {
        rc = nw_error_set(err, NW_ERR_IO, "metrics.listen: cannot listen on %s: %s", listen,
                          h->last_error[0] ? h->last_error : strerror(errno));
        httpd_free(h);
        return rc;
    }
    if (pthread_create(&h->reaper, NULL, reaper_main, h) != 0) {
        MHD_stop_daemon(h->daemon);
        httpd_free(h);
        return nw_error_set(err, NW_ERR_IO, "metrics.listen: cannot start a thread");
    }
    h->reaper_started = true;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : atoi(port);
    nw_log(NW_LOG_INFO, "http_listen", "serving /metrics, /healthz and /readyz on %s (port %d)",
           listen, h->port);
    *out = h;
    return 0;
}

int nw_httpd_port(const nw_httpd_t *h)
{
    return h ? h->port : 0;
}

void nw_httpd_stop(nw_httpd_t *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    httpd_free(h);
}

#else /* built without libmicrohttpd */

struct nw_httpd {
    int unused;
};

bool nw_httpd_available(void)
{
    return false;
}

int nw_httpd_start(const char *listen, nw_metrics_t *m, nw_httpd_t **out, nw_error_t *err)
{
    *out = NULL;
    if (!listen || !*listen)
        return 0;
    return nw_error_set(err, NW_ERR_INVALID,
                        "metrics.listen: this newswire was built without libmicrohttpd; "
                        "set metrics.listen= (empty) to run without the endpoint");
}

int nw_httpd_port(const nw_httpd_t *h)
{
    return 0;
}

void nw_httpd_stop(nw_httpd_t *h) {}

#endif
