/* Logging as runc does it: text or one JSON object per line {"level","msg","time"} to --log;
 * errors are also printed to stderr (containerd reads the last "error" entry of log.json). */
#ifndef RTRUN_RUNTIME_LOG_H
#define RTRUN_RUNTIME_LOG_H

#include "common/common.h"
#include "runtime/context.h"

void log_msg(const struct runtime_ctx *g, enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A warning sink (common/err.h) that logs at level warning through g: library code's warnings
 * reach --log in text or JSON like the runtime's own. */
struct rtwarn log_warn_sink(const struct runtime_ctx *g);

/* Logs err at level error (and to stderr) and returns the exit code 1. */
int log_fail(const struct runtime_ctx *g, const struct rterr *err);

#endif
