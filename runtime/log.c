/* Logging: text or JSON lines {"level","msg","time"} to --log; errors also to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log.h"

#include "common/common.h"
#include "runtime/state_dir.h"

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
        rfc3339_nano_now(time, sizeof(time));
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

static void warn_to_log(void *ctx, const char *msg)
{
        log_msg(ctx, LOG_WARN, "%s", msg);
}

struct rtwarn log_warn_sink(const struct runtime_ctx *g)
{
        return (struct rtwarn){.fn = warn_to_log, .ctx = (void *)g};
}

int log_fail(const struct runtime_ctx *g, const struct rterr *err)
{
        log_msg(g, LOG_ERROR, "%s", err->msg[0] ? err->msg : "unknown error");
        return 1;
}
