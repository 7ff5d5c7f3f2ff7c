/* The dynamic loader's cache (/etc/ld.so.cache, written by ldconfig): which file the loader
 * opens for a soname, the way a driver's libraries are found when they live outside the
 * default directories (e.g. /usr/local/nvidia/lib64 named in /etc/ld.so.conf.d). */
#ifndef RTRUN_DEVICES_LDCACHE_H
#define RTRUN_DEVICES_LDCACHE_H

#include <stddef.h>

#include "common/common.h"

/* Called per entry of this machine's ABI (x86-64 or aarch64 libc6; every entry elsewhere):
 * soname and the path ldconfig recorded. Returns 0 to go on, -1 to stop with err set. */
typedef int (*ldcache_fn)(const char *soname, const char *path, void *ctx, struct rterr *err);

/* Parses glibc's "glibc-ld.so.cache1.1" format (alone or after the old "ld.so-1.7.0" part).
 * A missing file is no entries (returns 0); a malformed one is an error naming it. */
int ldcache_each(const char *file, ldcache_fn fn, void *ctx, struct rterr *err);
/* The same on the file's text (for tests). */
int ldcache_each_buf(const char *buf, size_t len, const char *file, ldcache_fn fn, void *ctx,
                     struct rterr *err);

#endif
