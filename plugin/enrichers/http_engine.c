/*
 * The request engine (see http_engine.h): easy-handle pool, the batch loop
 * over curl_multi_poll(), classification of each outcome, retries and the
 * batch deadline.
 */
#include "enrichers/http_engine.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/clock.h"
#include "newswire/error.h"
#include "newswire/version.h"

enum { PHASE_PENDING, PHASE_IN_FLIGHT, PHASE_DONE };

/* A pooled easy handle and what its current request collects. */
typedef struct slot {
    CURL *easy;
    nw_http_job_t *job; /* NULL when free */
    nw_buf_t answer;
    bool too_large;
    char errbuf[CURL_ERROR_SIZE];
} slot_t;

struct nw_http_engine {
    const nw_enricher_api_t *api;
    const nw_http_settings_t *s;
    nw_http_breaker_t *breaker; /* NULL: no breaker */
    nw_http_counters_t *counters;
    CURLM *multi;
    struct curl_slist *headers; /* holds the bearer token: never printed */
    slot_t *slots;
    size_t nslots;
    uint64_t rng; /* xorshift state for the backoff jitter */
    /* The batch being run. */
    size_t in_flight;
    size_t left;
    int64_t budget_end; /* no request starts unless its timeout ends by then */
    int64_t hard_stop;  /* whatever is still in flight is abandoned */
};

/* Slack after the budget for curl's timers to fire: in-flight requests end by
 * their own timeout, and the hard stop only guards against a late timer. */
#define DEADLINE_GRACE_MS 200

static uint64_t next_random(nw_http_engine_t *e)
{
    e->rng ^= e->rng << 13;
    e->rng ^= e->rng >> 7;
    e->rng ^= e->rng << 17;
    return e->rng;
}

static size_t on_answer(char *data, size_t size, size_t nmemb, void *opaque)
{
    slot_t *slot = opaque;
    size_t n = size * nmemb;
    if (slot->answer.len + n > NW_HTTP_ANSWER_MAX) {
        slot->too_large = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    nw_buf_append(&slot->answer, data, n);
    return nw_buf_ok(&slot->answer) ? n : 0;
}

/* Options that stay the same for every request of a slot: set once, since an
 * easy handle keeps its options from transfer to transfer. */
static bool setup_easy(nw_http_engine_t *e, slot_t *slot)
{
    const nw_http_settings_t *s = e->s;
    CURL *c = slot->easy;
    bool ok = true;
#define SET(opt, val) ok = ok && curl_easy_setopt(c, opt, val) == CURLE_OK
    SET(CURLOPT_URL, s->url);
    SET(CURLOPT_HTTPHEADER, e->headers);
    SET(CURLOPT_USERAGENT, "newswire/" NW_VERSION_STRING);
    SET(CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
    SET(CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)s->timeout_ms);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    /* Redirects are not followed: the Authorization header must not travel
     * to a host the configuration did not name. */
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_SSL_VERIFYPEER, s->tls_verify ? 1L : 0L);
    SET(CURLOPT_SSL_VERIFYHOST, s->tls_verify ? 2L : 0L);
    if (s->ca_file)
        SET(CURLOPT_CAINFO, s->ca_file);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_WRITEFUNCTION, on_answer);
    SET(CURLOPT_WRITEDATA, slot);
    SET(CURLOPT_ERRORBUFFER, slot->errbuf);
    SET(CURLOPT_PRIVATE, slot);
    if (strcmp(s->method, "POST") != 0)
        SET(CURLOPT_CUSTOMREQUEST, s->method);
#undef SET
    return ok;
}

int nw_http_engine_new(const nw_enricher_api_t *api, const nw_http_settings_t *s,
                       nw_http_breaker_t *breaker, nw_http_counters_t *counters,
                       nw_http_engine_t **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    nw_http_engine_t *e = calloc(1, sizeof(*e));
    if (!e)
        goto nomem;
    e->api = api;
    e->s = s;
    e->breaker = breaker;
    e->counters = counters;
    e->rng = (uint64_t)nw_now_ms() ^ (uint64_t)(uintptr_t)e ^ 0x9e3779b97f4a7c15ull;
    if (!(e->multi = curl_multi_init()))
        goto nomem;
    /* Keep one connection per possible request in flight alive between
     * batches, and never open more than that. */
    curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)s->concurrency);
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)s->concurrency);

    static const char *const fixed[] = {"Content-Type: application/json",
                                        "Accept: application/json",
                                        "Expect:" /* no 100-continue round trip */};
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        struct curl_slist *t = curl_slist_append(h, fixed[i]);
        if (!t)
            goto nomem;
        e->headers = h = t;
    }
    for (size_t i = 0; i < s->nheaders; i++) {
        struct curl_slist *t = curl_slist_append(h, s->headers[i]);
        if (!t)
            goto nomem;
        e->headers = h = t;
    }
    if (s->token) {
        nw_buf_t b = NW_BUF_INIT;
        nw_buf_printf(&b, "Authorization: Bearer %s", s->token);
        struct curl_slist *t = nw_buf_ok(&b) ? curl_slist_append(h, b.data) : NULL;
        if (b.data)
            explicit_bzero(b.data, b.len);
        nw_buf_free(&b);
        if (!t)
            goto nomem;
        e->headers = h = t;
    }

    e->nslots = (size_t)s->concurrency;
    if (!(e->slots = calloc(e->nslots, sizeof(*e->slots))))
        goto nomem;
    for (size_t i = 0; i < e->nslots; i++) {
        if (!(e->slots[i].easy = curl_easy_init()))
            goto nomem;
        if (!setup_easy(e, &e->slots[i])) {
            snprintf(errbuf, errlen, "%s: libcurl refused an option (is it too old?)", s->display);
            nw_http_engine_free(e);
            return NW_ERR_INVALID;
        }
    }
    *out = e;
    return 0;
nomem:
    snprintf(errbuf, errlen, "%s: out of memory", s->display);
    nw_http_engine_free(e);
    return NW_ERR_NOMEM;
}

void nw_http_engine_free(nw_http_engine_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; e->slots && i < e->nslots; i++) {
        if (e->slots[i].job)
            curl_multi_remove_handle(e->multi, e->slots[i].easy);
        curl_easy_cleanup(e->slots[i].easy);
        nw_buf_free(&e->slots[i].answer);
    }
    free(e->slots);
    if (e->multi)
        curl_multi_cleanup(e->multi);
    /* The list holds the token; wipe it before it goes back to malloc. */
    for (struct curl_slist *h = e->headers; h; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(e->headers);
    free(e);
}

static void finish(nw_http_engine_t *e, nw_http_job_t *job, nw_http_result_t result)
{
    job->result = result;
    job->phase = PHASE_DONE;
    e->left--;
}

static slot_t *free_slot(nw_http_engine_t *e)
{
    for (size_t i = 0; i < e->nslots; i++)
        if (!e->slots[i].job)
            return &e->slots[i];
    return NULL;
}

/* Sends one request for job, if the breaker lets it. */
static void start(nw_http_engine_t *e, nw_http_job_t *job, int64_t now)
{
    nw_http_gate_t gate = e->breaker ? nw_http_breaker_acquire(e->breaker, now) : NW_HTTP_GATE_SEND;
    if (gate == NW_HTTP_GATE_WAIT)
        return;
    if (gate == NW_HTTP_GATE_REJECT) {
        atomic_fetch_add(&e->counters->short_circuits, 1);
        finish(e, job, NW_HTTP_RESULT_CIRCUIT_OPEN);
        return;
    }
    if (gate == NW_HTTP_GATE_TRIAL)
        e->api->log(NW_ENRICHER_LOG_INFO, e->s->display,
                    "circuit half-open: sending one trial request to %s", e->s->url_shown);
    slot_t *slot = free_slot(e);
    assert(slot); /* callers start jobs only while in_flight < nslots */
    slot->job = job;
    slot->too_large = false;
    slot->errbuf[0] = '\0';
    nw_buf_reset(&slot->answer);
    job->trial = gate == NW_HTTP_GATE_TRIAL;
    curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)job->body_len);
    curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDS, job->body);
    if (curl_multi_add_handle(e->multi, slot->easy) != CURLM_OK) {
        /* Only a broken multi handle gets here; count it as a failed try. */
        slot->job = NULL;
        job->curl_code = CURLE_FAILED_INIT;
        if (e->breaker)
            nw_http_breaker_abandon(e->breaker, job->trial, now);
        finish(e, job, NW_HTTP_RESULT_TRANSPORT);
        return;
    }
    job->phase = PHASE_IN_FLIGHT;
    job->attempts++;
    e->in_flight++;
    atomic_fetch_add(&e->counters->requests, 1);
    if (job->attempts > 1)
        atomic_fetch_add(&e->counters->retries, 1);
}

static bool retryable_curl(CURLcode cc)
{
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return true;
    default:
        return false;
    }
}

/* Full jitter (a uniform wait between 0 and the exponential step) spreads
 * the retries of many records instead of sending them back in a burst. A
 * server's Retry-After replaces it. */
static int64_t backoff_ms(nw_http_engine_t *e, int attempts, curl_off_t retry_after_s)
{
    const nw_http_settings_t *s = e->s;
    if (retry_after_s > 0) {
        /* Compared in seconds: a huge Retry-After must not overflow. */
        if (retry_after_s > s->backoff_max_ms / 1000)
            return s->backoff_max_ms;
        return (int64_t)retry_after_s * 1000;
    }
    int64_t step = s->backoff_ms;
    for (int i = 1; i < attempts && step < s->backoff_max_ms; i++)
        step *= 2;
    if (step > s->backoff_max_ms)
        step = s->backoff_max_ms;
    return step > 0 ? (int64_t)(next_random(e) % (uint64_t)(step + 1)) : 0;
}

static void log_opened(nw_http_engine_t *e, const slot_t *slot, const nw_http_job_t *job)
{
    char what[128];
    nw_http_job_describe(job, what, sizeof(what));
    e->api->log(NW_ENRICHER_LOG_WARN, e->s->display,
                "circuit open: %s is failing (last: %s%s%s); no requests for %lld ms",
                e->s->url_shown, what, slot->errbuf[0] ? ", " : "", slot->errbuf,
                (long long)e->s->breaker_reset_ms);
}

/* Classifies one finished transfer and decides: done, or try again. */
static void complete(nw_http_engine_t *e, slot_t *slot, CURLcode cc)
{
    nw_http_job_t *job = slot->job;
    int64_t now = nw_now_ms();
    long status = 0;
    curl_off_t retry_after = 0;
    curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(e->multi, slot->easy);
    e->in_flight--;
    job->curl_code = (int)cc;
    job->http_status = status;

    nw_http_result_t result;
    bool retry = false, healthy = false;
    if (cc == CURLE_OK && status >= 200 && status < 300) {
        json_t *v =
            json_loadb(slot->answer.data ? slot->answer.data : "", slot->answer.len, 0, NULL);
        if (json_is_object(v)) {
            job->answer = v;
            result = NW_HTTP_RESULT_OK;
            healthy = true;
        } else {
            json_decref(v);
            result = NW_HTTP_RESULT_INVALID;
        }
    } else if (cc == CURLE_OK) {
        result = NW_HTTP_RESULT_HTTP;
        retry = status == 429 || status >= 500;
        /* Any other status is the request's fault: the service is up. */
        healthy = !retry;
        if (retry)
            curl_easy_getinfo(slot->easy, CURLINFO_RETRY_AFTER, &retry_after);
    } else if (slot->too_large) {
        result = NW_HTTP_RESULT_TOO_LARGE;
    } else {
        result = NW_HTTP_RESULT_TRANSPORT;
        retry = retryable_curl(cc);
    }

    if (e->breaker) {
        nw_http_breaker_state_t before = nw_http_breaker_state(e->breaker);
        nw_http_breaker_report(e->breaker, job->trial, healthy, now);
        nw_http_breaker_state_t after = nw_http_breaker_state(e->breaker);
        if (before != NW_HTTP_BREAKER_OPEN && after == NW_HTTP_BREAKER_OPEN) {
            job->result = result;
            log_opened(e, slot, job);
        } else if (job->trial && after == NW_HTTP_BREAKER_CLOSED) {
            e->api->log(NW_ENRICHER_LOG_INFO, e->s->display, "circuit closed: %s answers again",
                        e->s->url_shown);
        }
    }
    job->trial = false;
    slot->job = NULL;

    if (retry && job->attempts <= e->s->retries) {
        int64_t wait = backoff_ms(e, job->attempts, retry_after);
        /* A retry that could not finish within the batch's budget is not
         * worth waiting for: give up now with what is known. */
        if (now + wait + e->s->timeout_ms <= e->budget_end) {
            job->result = result;
            job->phase = PHASE_PENDING;
            job->due = now + wait;
            return;
        }
    }
    finish(e, job, result);
}

/* Handles every finished transfer; returns how many there were. */
static size_t collect(nw_http_engine_t *e)
{
    CURLMsg *msg;
    int queued;
    size_t done = 0;
    while ((msg = curl_multi_info_read(e->multi, &queued))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        slot_t *slot = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&slot);
        complete(e, slot, msg->data.result);
        done++;
    }
    return done;
}

/* The hard stop came: abandon whatever is still going. */
static void expire(nw_http_engine_t *e, nw_http_job_t *jobs, size_t n, int64_t now)
{
    for (size_t i = 0; i < e->nslots; i++) {
        slot_t *slot = &e->slots[i];
        if (!slot->job)
            continue;
        curl_multi_remove_handle(e->multi, slot->easy);
        if (e->breaker)
            nw_http_breaker_abandon(e->breaker, slot->job->trial, now);
        slot->job->trial = false;
        slot->job->phase = PHASE_PENDING; /* finished below */
        slot->job = NULL;
    }
    e->in_flight = 0;
    /* A job never sent while the circuit is open was held back by the
     * breaker, not by the clock: say so, as the send loop does (on a slow
     * machine the hard stop can come before that loop sees the open circuit). */
    bool open = e->breaker && nw_http_breaker_rejects(e->breaker, now);
    for (size_t i = 0; i < n; i++)
        if (jobs[i].phase == PHASE_PENDING)
            finish(e, &jobs[i],
                   open && jobs[i].attempts == 0 ? NW_HTTP_RESULT_CIRCUIT_OPEN
                                                 : NW_HTTP_RESULT_DEADLINE);
}

void nw_http_engine_run(nw_http_engine_t *e, nw_http_job_t *jobs, size_t n)
{
    int64_t now = nw_now_ms();
    e->budget_end = now + nw_http_settings_deadline_ms(e->s);
    e->hard_stop = e->budget_end + DEADLINE_GRACE_MS;
    e->left = n;
    e->in_flight = 0;
    for (size_t i = 0; i < n; i++) {
        jobs[i].phase = PHASE_PENDING;
        jobs[i].due = now;
        jobs[i].attempts = 0;
        jobs[i].trial = false;
        jobs[i].answer = NULL;
        jobs[i].http_status = 0;
        jobs[i].curl_code = 0;
        jobs[i].result = NW_HTTP_RESULT_DEADLINE;
    }
    while (e->left > 0) {
        now = nw_now_ms();
        if (now >= e->hard_stop) {
            expire(e, jobs, n, now);
            break;
        }
        /* Records go out in batch order, so the first ones finish first. A
         * request that could not get its whole timeout within the budget
         * (it queued behind others, or waited for a trial) is not sent. */
        for (size_t i = 0; i < n && e->in_flight < e->nslots; i++) {
            nw_http_job_t *job = &jobs[i];
            if (job->phase != PHASE_PENDING || job->due > now)
                continue;
            bool in_budget = now + e->s->timeout_ms <= e->budget_end;
            /* An open circuit is the better reason to give: start() says so. */
            if (in_budget || (e->breaker && nw_http_breaker_rejects(e->breaker, now)))
                start(e, job, now);
            else
                finish(e, job, job->attempts ? job->result : NW_HTTP_RESULT_DEADLINE);
        }
        if (e->left == 0)
            break;
        int running = 0;
        curl_multi_perform(e->multi, &running);
        /* A finished transfer frees a slot (or settles a trial): start the
         * next requests before sleeping. */
        if (collect(e) > 0)
            continue;

        /* Sleep until curl has work, the next retry is due or the hard
         * stop; curl_multi_poll() shortens the wait to curl's own timers. */
        now = nw_now_ms();
        int64_t wait = e->hard_stop - now;
        if (e->in_flight < e->nslots)
            for (size_t i = 0; i < n; i++)
                if (jobs[i].phase == PHASE_PENDING && jobs[i].due > now && jobs[i].due - now < wait)
                    wait = jobs[i].due - now;
        if (wait < 0)
            wait = 0;
        if (e->in_flight == 0 && wait > 0) {
            /* Nothing for curl to watch: a plain sleep until the next due
             * retry. */
            struct timespec ts = {wait / 1000, (long)(wait % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        } else if (wait > 0) {
            curl_multi_poll(e->multi, NULL, 0, (int)(wait > 1000 ? 1000 : wait), NULL);
        }
    }
}

void nw_http_job_describe(const nw_http_job_t *job, char *out, size_t len)
{
    if (!out || len == 0)
        return;
    const char *unit = job->attempts == 1 ? "attempt" : "attempts";
    switch (job->result) {
    case NW_HTTP_RESULT_OK:
        snprintf(out, len, "ok");
        break;
    case NW_HTTP_RESULT_HTTP:
        snprintf(out, len, "HTTP %ld after %d %s", job->http_status, job->attempts, unit);
        break;
    case NW_HTTP_RESULT_TRANSPORT:
        if (job->curl_code == CURLE_OPERATION_TIMEDOUT) {
            snprintf(out, len, "timeout after %d %s", job->attempts, unit);
            break;
        }
        const char *what;
        switch (job->curl_code) {
        case CURLE_COULDNT_RESOLVE_HOST:
            what = "host not found";
            break;
        case CURLE_COULDNT_CONNECT:
            what = "connection failed";
            break;
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
            what = "connection closed";
            break;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            what = "TLS error";
            break;
        default:
            what = "transfer error";
        }
        /* The curl code tells an operator which of its many causes it was;
         * curl's text is in the log when the circuit opens. */
        snprintf(out, len, "%s (curl %d) after %d %s", what, job->curl_code, job->attempts, unit);
        break;
    case NW_HTTP_RESULT_INVALID:
        snprintf(out, len, "invalid JSON answer");
        break;
    case NW_HTTP_RESULT_TOO_LARGE:
        snprintf(out, len, "answer too large");
        break;
    case NW_HTTP_RESULT_CIRCUIT_OPEN:
        snprintf(out, len, "circuit open");
        break;
    case NW_HTTP_RESULT_DEADLINE:
        if (job->attempts == 0)
            snprintf(out, len, "batch deadline exceeded before sending");
        else
            snprintf(out, len, "batch deadline exceeded after %d %s", job->attempts, unit);
        break;
    }
}
