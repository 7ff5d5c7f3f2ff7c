#include "common/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void vformat(struct rterr *err, const char *fmt, va_list ap)
{
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int rterr_set(struct rterr *err, int code, const char *fmt, ...)
{
        if (err == NULL)
                return -1;
        va_list ap;
        va_start(ap, fmt);
        vformat(err, fmt, ap);
        va_end(ap);
        err->code = code;
        return -1;
}

static int vsys(struct rterr *err, int code, const char *fmt, va_list ap)
{
        if (err == NULL)
                return -1;
        vformat(err, fmt, ap);
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(code));
        err->code = code;
        return -1;
}

int rterr_errno(struct rterr *err, const char *fmt, ...)
{
        int code = errno;
        va_list ap;
        va_start(ap, fmt);
        vsys(err, code, fmt, ap);
        va_end(ap);
        errno = code;
        return -1;
}

int rterr_sys(struct rterr *err, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsys(err, code, fmt, ap);
        va_end(ap);
        return -1;
}

int rterr_wrap(struct rterr *err, const char *fmt, ...)
{
        if (err == NULL)
                return -1;
        char prefix[512];
        char old[sizeof(err->msg)];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof(prefix), fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof(old));
        /* Truncation keeps the front of the message, which names what failed. */
        size_t n = strlen(prefix);
        if (n > sizeof(err->msg) - 3)
                n = sizeof(err->msg) - 3;
        memcpy(err->msg, prefix, n);
        memcpy(err->msg + n, ": ", 2);
        size_t room = sizeof(err->msg) - n - 3;
        size_t oldlen = strnlen(old, room);
        memcpy(err->msg + n + 2, old, oldlen);
        err->msg[n + 2 + oldlen] = '\0';
        return -1;
}

void rterr_clear(struct rterr *err)
{
        if (err) {
                err->code = 0;
                err->msg[0] = '\0';
        }
}

void rtwarn(const struct rtwarn *w, const char *fmt, ...)
{
        if (w == NULL || w->fn == NULL)
                return;
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        w->fn(w->ctx, msg);
}
