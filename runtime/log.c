/* Logging: text or JSON lines {"level","msg","time"} to --log; errors also to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log.h"

static const char *level_name(enum log_level lvl)
{
        switch (lvl) {
        case LOG_DEBUG:
                return "debug";
        case LOG_INFO:
                return "info";
        case LOG_WARN:
                return "warning";
        case LOG_ERROR:
                return "error";
        }
        return "info";
}

/* RFC3339 in UTC with nanoseconds: 2026-11-26T07:01:29.123456789Z */
static void rfc3339_now(char *buf, size_t size)
{
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

/* Appends s to out as the inside of a JSON string. */
static size_t json_escape(char *out, size_t size, const char *s)
{
        size_t n = 0;
        for (; *s && n + 7 < size; s++) {
                unsigned char ch = (unsigned char)*s;
                if (ch == '"' || ch == '\\') {
                        out[n++] = '\\';
                        out[n++] = (char)ch;
                } else if (ch == '\n') {
                        out[n++] = '\\';
                        out[n++] = 'n';
                } else if (ch == '\t') {
                        out[n++] = '\\';
                        out[n++] = 't';
                } else if (ch < 0x20) {
                        n += (size_t)snprintf(out + n, size - n, "\\u%04x", ch);
                } else {
                        out[n++] = (char)ch;
                }
        }
        out[n] = '\0';
        return n;
}

static void write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t w = write(fd, buf, len);
                if (w <= 0)
                        return;
                buf += w;
                len -= (size_t)w;
        }
}

static void log_line(const struct runtime_ctx *g, enum log_level lvl, const char *msg)
{
        char time[64];
        rfc3339_now(time, sizeof(time));
        char line[4096 + 256];
        int n;
        if (g->log_format == LOG_FORMAT_JSON) {
                char esc[4096];
                json_escape(esc, sizeof(esc), msg);
                n = snprintf(line, sizeof(line),
                             "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level_name(lvl),
                             esc, time);
        } else {
                n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", time,
                             level_name(lvl), msg);
        }
        if (n > 0)
                write_all(g->log_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void log_msg(const struct runtime_ctx *g, enum log_level lvl, const char *fmt, ...)
{
        if (lvl == LOG_DEBUG && !g->debug)
                return;
        char msg[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (g->log_fd >= 0)
                log_line(g, lvl, msg);
        /* Without a log file, everything worth showing goes to stderr; errors always do. */
        if (lvl == LOG_ERROR || (g->log_fd < 0 && (lvl == LOG_WARN || g->debug))) {
                const char *prefix = lvl == LOG_ERROR  ? "rtrun: "
                                     : lvl == LOG_WARN ? "rtrun: warning: "
                                                       : "rtrun: debug: ";
                fprintf(stderr, "%s%s\n", prefix, msg);
        }
}

int log_fail(const struct runtime_ctx *g, const struct rterr *err)
{
        log_msg(g, LOG_ERROR, "%s", err->msg[0] ? err->msg : "unknown error");
        return 1;
}
