/*
 * The replay's progress on stderr: done and total messages, rate, ETA and
 * where each partition stands.
 *
 * On a terminal one line is redrawn in place (\r, then erase to the end of
 * the line) so an operator watches it move; anywhere else (a log file, CI,
 * `2>file`) a plain line every two seconds, because carriage returns make
 * logs unreadable. "Messages" are counted in offsets: a partition's share is
 * the offsets its range spans, which is the message count except where
 * compaction or transaction markers left gaps, and a finished partition
 * always counts as complete.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/clock.h"
#include "replay/replay.h"

#define BAR_EVERY_MS   200
#define LINES_EVERY_MS 2000
#define BAR_WIDTH      24
/* Partitions listed one by one at most; beyond, only those still running. */
#define PARTS_LISTED 8

struct nw_progress {
    nw_progress_mode_t mode;
    FILE *fp;
    int64_t started_ms, last_ms;
};

int nw_progress_mode_parse(const char *name, nw_progress_mode_t *out)
{
    static const char *const names[] = {"auto", "bar", "lines", "none"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (nw_progress_mode_t)i;
            return 0;
        }
    return NW_ERR_INVALID;
}

nw_progress_t *nw_progress_new(nw_progress_mode_t mode, FILE *fp)
{
    nw_progress_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (mode == NW_PROGRESS_AUTO)
        mode = isatty(fileno(fp)) ? NW_PROGRESS_BAR : NW_PROGRESS_LINES;
    p->mode = mode;
    p->fp = fp;
    p->started_ms = p->last_ms = nw_now_ms();
    return p;
}

void nw_progress_free(nw_progress_t *p)
{
    free(p);
}

static int64_t part_done(const nw_replay_part_t *p)
{
    int64_t span = p->end - p->start;
    if (p->done)
        return span;
    int64_t d = p->next - p->start;
    return d < 0 ? 0 : d > span ? span : d;
}

/* "1:02:03", "2:03" or "5s". */
static void duration(int64_t s, char *out, size_t n)
{
    if (s >= 3600)
        snprintf(out, n, "%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60), (int)(s % 60));
    else if (s >= 60)
        snprintf(out, n, "%d:%02d", (int)(s / 60), (int)(s % 60));
    else
        snprintf(out, n, "%ds", (int)s);
}

/* Appends with snprintf semantics, never past the end of out. */
static void append(char *out, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *out, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out + *len, n - *len, fmt, ap);
    va_end(ap);
    *len = w < 0 ? n : *len + (size_t)w > n ? n : *len + (size_t)w;
}

/* Where each partition stands: "news.raw [0] 100% [1] 40%". */
static void partitions(const nw_replay_range_t *r, bool bar, char *out, size_t n, size_t *len)
{
    size_t listed = 0, hidden = 0;
    const char *topic = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const nw_replay_part_t *p = &r->parts[i];
        if (r->n > PARTS_LISTED && (p->done || listed >= PARTS_LISTED)) {
            hidden++;
            continue;
        }
        bool same = topic && strcmp(topic, p->topic) == 0;
        topic = p->topic;
        if (!same)
            append(out, n, len, " %s", p->topic);
        append(out, n, len, " [%" PRId32 "] ", p->partition);
        int64_t span = p->end - p->start, d = part_done(p);
        if (bar || span == 0)
            append(out, n, len, "%d%%", span ? (int)(100 * d / span) : 100);
        else
            append(out, n, len, "%" PRId64 "/%" PRId64, d, span);
        listed++;
    }
    if (hidden)
        append(out, n, len, " (+%zu more)", hidden);
}

void nw_progress_update(nw_progress_t *p, const nw_replay_range_t *r, bool final)
{
    if (!p || p->mode == NW_PROGRESS_NONE)
        return;
    int64_t now = nw_now_ms();
    int every = p->mode == NW_PROGRESS_BAR ? BAR_EVERY_MS : LINES_EVERY_MS;
    if (!final && now - p->last_ms < every)
        return;
    p->last_ms = now;
    int64_t total = 0, done = 0;
    uint64_t in = 0;
    for (size_t i = 0; i < r->n; i++) {
        total += r->parts[i].end - r->parts[i].start;
        done += part_done(&r->parts[i]);
        in += r->parts[i].in;
    }
    double secs = (double)(now - p->started_ms) / 1000.0;
    double rate = secs > 0.001 ? (double)in / secs : 0.0;
    double offset_rate = secs > 0.001 ? (double)done / secs : 0.0;
    int pct = total ? (int)(100 * done / total) : 100;
    char eta[32] = "?", line[1024];
    size_t len = 0;
    if (done >= total)
        snprintf(eta, sizeof(eta), "0s");
    else if (offset_rate > 0)
        duration((int64_t)((double)(total - done) / offset_rate + 0.5), eta, sizeof(eta));

    if (p->mode == NW_PROGRESS_BAR) {
        int fill = total ? (int)(BAR_WIDTH * done / total) : BAR_WIDTH;
        append(line, sizeof(line), &len, "replay [");
        for (int i = 0; i < BAR_WIDTH; i++)
            append(line, sizeof(line), &len, "%c", i < fill ? '#' : '-');
        append(line, sizeof(line), &len, "] %3d%% %" PRId64 "/%" PRId64 " msgs %.0f msg/s ETA %s",
               pct, done, total, rate, eta);
        partitions(r, true, line, sizeof(line), &len);
        struct winsize ws;
        size_t width = 80;
        if (ioctl(fileno(p->fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
            width = ws.ws_col;
        if (len > width - 1) /* a wrapped line could not be redrawn in place */
            len = width - 1;
        fprintf(p->fp, "\r%.*s\033[K%s", (int)len, line, final ? "\n" : "");
    } else {
        if (final)
            append(line, sizeof(line), &len,
                   "newswire: replay: %" PRId64 "/%" PRId64 " messages (%d%%) in %.1f s, %.0f "
                   "msg/s;",
                   done, total, pct, secs, rate);
        else
            append(line, sizeof(line), &len,
                   "newswire: replay: %" PRId64 "/%" PRId64 " messages (%d%%), %.0f msg/s, ETA "
                   "%s;",
                   done, total, pct, rate, eta);
        partitions(r, false, line, sizeof(line), &len);
        fprintf(p->fp, "%.*s\n", (int)len, line);
    }
    fflush(p->fp);
}
