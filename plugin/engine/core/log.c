/* The event logger (see log.h). */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"

static nw_log_level_t threshold = NW_LOG_INFO;
static bool json_format;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void nw_log_setup(const char *level, const char *format)
{
    for (int i = 0; level && i < 4; i++)
        if (strcmp(level, level_names[i]) == 0)
            threshold = (nw_log_level_t)i;
    if (format && strcmp(format, "json") == 0)
        json_format = true;
    else if (format && strcmp(format, "logfmt") == 0)
        json_format = false;
}

bool nw_log_enabled(nw_log_level_t level)
{
    return level <= threshold;
}

/* Quotes s for logfmt or JSON: both escape '"', '\\' and control bytes. */
static void put_quoted(nw_buf_t *b, const char *s)
{
    nw_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            nw_buf_putc(b, '\\');
            nw_buf_putc(b, (char)c);
        } else if (c == '\n') {
            nw_buf_puts(b, "\\n");
        } else if (c < 0x20) {
            nw_buf_printf(b, "\\u%04x", c);
        } else {
            nw_buf_putc(b, (char)c);
        }
    }
    nw_buf_putc(b, '"');
}

static void emit(nw_log_level_t level, const char *event, const char *msg)
{
    struct tm tm;
    char when[64]; /* ample for any year gmtime_r can give */
    int64_t wall = nw_wall_ns();
    time_t sec = (time_t)(wall / 1000000000);
    gmtime_r(&sec, &tm);
    snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (long)(wall % 1000000000 / 1000000));
    nw_buf_t b = NW_BUF_INIT;
    if (json_format) {
        nw_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":", when, level_names[level]);
        put_quoted(&b, event);
        nw_buf_puts(&b, ",\"msg\":");
        put_quoted(&b, msg);
        nw_buf_puts(&b, "}\n");
    } else {
        nw_buf_printf(&b, "ts=%s level=%s event=%s msg=", when, level_names[level], event);
        put_quoted(&b, msg);
        nw_buf_putc(&b, '\n');
    }
    if (nw_buf_ok(&b)) {
        ssize_t rc = write(STDERR_FILENO, b.data, b.len);
        (void)rc; /* nowhere left to report a failed log write */
    }
    nw_buf_free(&b);
}

void nw_log(nw_log_level_t level, const char *event, const char *fmt, ...)
{
    if (!nw_log_enabled(level))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    emit(level, event, msg);
}

void nw_log_rdkafka(const struct rd_kafka_s *rk, int level, const char *fac, const char *buf)
{
    /* A refused or dropped connection is retried by librdkafka on its own:
     * an operator should see it, but it is not an error of newswire. */
    if (level <= 3 && strcmp(fac, "FAIL") == 0)
        level = 4;
    /* syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug */
    nw_log_level_t l = level <= 3   ? NW_LOG_ERROR
                       : level == 4 ? NW_LOG_WARN
                       : level <= 6 ? NW_LOG_INFO
                                    : NW_LOG_DEBUG;
    nw_log(l, "rdkafka", "%s: %s", fac, buf);
}
