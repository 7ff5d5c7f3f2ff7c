/* An error value: the errno that caused it (0 when none) and a message with context. */
#ifndef RTRUN_COMMON_ERR_H
#define RTRUN_COMMON_ERR_H

#include <stdarg.h>

struct rterr {
        int code;       /* errno, or 0 for a logical error (bad input) */
        char msg[1024]; /* "what: why", already formatted */
};

/* Sets *err from a printf format and returns -1, so callers can `return rterr_set(...)`.
 * A NULL err is allowed (the error is dropped). */
int rterr_set(struct rterr *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like rterr_set with code = errno, appending ": strerror(errno)" to the message. */
int rterr_errno(struct rterr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same as rterr_errno with an explicit errno value. */
int rterr_sys(struct rterr *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with more context: "ctx: old message". Returns -1. */
int rterr_wrap(struct rterr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void rterr_clear(struct rterr *err);

/* The one warning channel: library code reports what it ignored or worked around to the sink
 * its caller passes, and the caller decides where that goes (runtime/log.c: --log in text or
 * JSON, and stderr without a log file). A NULL sink, or one without fn, drops the warning. */
struct rtwarn {
        void (*fn)(void *ctx, const char *msg); /* msg without "warning:" or newline */
        void *ctx;
};

void rtwarn(const struct rtwarn *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
