/* Resolving paths inside a container rootfs without ever leaving it: every lookup is an
 * openat2(RESOLVE_IN_ROOT) from the rootfs fd, so an absolute symlink or ".." in the rootfs
 * resolves against the rootfs, never against the host. */
#ifndef RTRUN_COMMON_PATHRES_H
#define RTRUN_COMMON_PATHRES_H

#include <stdbool.h>

#include "common/err.h"

enum pathres_kind {
        PATHRES_DIR,  /* create missing components (and the last one) as directories */
        PATHRES_FILE, /* create missing parents as directories and the last one as a file */
};

/* Opens `path` (absolute or relative, taken as inside the root) beneath root_fd with
 * O_PATH|O_CLOEXEC plus `flags`; returns the fd or -1 with errno set. */
int pathres_open(int root_fd, const char *path, int flags);

/* Opens `path` beneath root_fd as O_PATH, creating what is missing as `kind` says (mode 0755,
 * less the umask, for both, as runc makes them). Returns the fd, or -1 with *err set. */
int pathres_mkpath(int root_fd, const char *path, enum pathres_kind kind, struct rterr *err);

/* "/proc/self/fd/N" for mount(2) targets and sources that must be the exact fd. */
struct pathres_fdpath {
        char s[32];
};
struct pathres_fdpath pathres_fdpath(int fd);

#endif
