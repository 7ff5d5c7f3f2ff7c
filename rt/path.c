/* Path formatting that reports truncation instead of silently cutting a cgroup path. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "rt/internal.h"

int rt_pathf(char *buf, size_t len, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, len, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= len) {
                errno = ENAMETOOLONG;
                return -1;
        }
        return 0;
}
