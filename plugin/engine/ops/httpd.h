/*
 * The operations endpoint: a small HTTP server for Prometheus and for the
 * orchestrator's probes, on its own thread (libmicrohttpd's internal polling
 * thread), so a scrape never waits for the pipeline and a stuck pipeline
 * cannot hide behind a healthy-looking scrape.
 *
 *   GET /metrics  200, the registry in the Prometheus text format 0.0.4
 *   GET /healthz  200 "ok": the process is alive and serving
 *   GET /readyz   200 "ready" once nw_metrics_set_ready(m, true), else 503
 *   other paths   404; methods other than GET and HEAD: 405
 *
 * The server binds exactly the address it is given (metrics.listen), by
 * default 127.0.0.1 only: exposing it wider is an operator's decision.
 *
 * No peer can starve the probes: a client (one IP address) holds at most
 * NW_HTTPD_MAX_PER_CLIENT connections, far below the NW_HTTPD_MAX_CONNECTIONS
 * the server accepts in all, so the orchestrator's probe finds a free place
 * while a peer opens connections it never uses; every request (request
 * line, headers, answer) must be done within NW_HTTPD_REQUEST_DEADLINE_S
 * seconds of its connection opening or of the previous answer on it, however
 * slowly bytes trickle in; and a connection silent for NW_HTTPD_IDLE_TIMEOUT_S
 * is closed. Probes and scrapes are small: a slow one meeting the deadline
 * reconnects.
 */
#ifndef NW_HTTPD_H
#define NW_HTTPD_H

#include <stdbool.h>

#include "newswire/error.h"
#include "ops/metrics.h"

typedef struct nw_httpd nw_httpd_t;

#define NW_HTTPD_MAX_CONNECTIONS    256
#define NW_HTTPD_MAX_PER_CLIENT     16
#define NW_HTTPD_REQUEST_DEADLINE_S 5
#define NW_HTTPD_IDLE_TIMEOUT_S     5

/*
 * Checks a listen address without binding it: "" (off), "HOST:PORT" with an
 * IPv4 address or a host name, "[IPv6]:PORT", or ":PORT" for every IPv4
 * interface; PORT 0..65535 (0: any free port). For --check-config. Returns 0
 * or NW_ERR_INVALID with a message naming the problem.
 */
int nw_httpd_check_listen(const char *listen, nw_error_t *err);

/*
 * Starts serving m on listen (see nw_httpd_check_listen). An empty or NULL
 * listen turns the server off: *out is set to NULL and 0 returned. m is
 * borrowed and must outlive the server. Returns 0, NW_ERR_INVALID (a bad
 * address, or a build without libmicrohttpd), NW_ERR_IO (cannot bind: the
 * port is taken, the address is not local) or NW_ERR_NOMEM.
 */
int nw_httpd_start(const char *listen, nw_metrics_t *m, nw_httpd_t **out, nw_error_t *err);

/* The bound TCP port (the chosen one when listen asked for port 0), or 0
 * for NULL. */
int nw_httpd_port(const nw_httpd_t *h);

/* Stops the server, waiting for a request in progress; h may be NULL. */
void nw_httpd_stop(nw_httpd_t *h);

/* False when newswire was built without libmicrohttpd. */
bool nw_httpd_available(void);

#endif
