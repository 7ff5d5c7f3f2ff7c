/* Whole-file reads and writes: the pattern every cgroup, /proc and state file needs. */
#ifndef RTRUN_COMMON_FILEIO_H
#define RTRUN_COMMON_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/* Reads all of dirfd/path (dirfd may be AT_FDCWD) into a NUL-terminated malloc'd buffer. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len, struct rterr *err);

/* Writes buf to an existing file dirfd/path (O_WRONLY|O_TRUNC, no create), as one write(2):
 * what cgroup and /proc files need. The error names the path, the value and the errno. */
int write_file_at(int dirfd, const char *path, const char *buf, struct rterr *err);

/* Creates or replaces dirfd/path atomically (temp file + rename) with mode. */
int write_file_atomic_at(int dirfd, const char *path, const char *buf, size_t len, int mode,
                         struct rterr *err);

/* mkdir -p: creates path and its missing parents with mode; existing directories are fine.
 * The error names the first directory that could not be made. */
int mkdir_p(const char *path, mode_t mode, struct rterr *err);

/* Removes the write_file_atomic_at temporaries in dirfd ("NAME.tmp.PID") whose writer is dead:
 * what a process killed between writing and renaming leaves. Returns how many went. */
int sweep_dead_temporaries(int dirfd);

#endif
