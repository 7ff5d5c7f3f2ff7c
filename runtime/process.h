/* The last steps of every container process (init and exec): find the program, close what the
 * container must not inherit, execve. */
#ifndef RTRUN_RUNTIME_PROCESS_H
#define RTRUN_RUNTIME_PROCESS_H

#include <stddef.h>

#include "common/common.h"
#include "oci/oci.h"

/* Resolves process.args[0] through PATH of process.env (in the current root). */
int process_resolve(const struct oci_process *p, char *path, size_t size, struct rterr *err);

/* Everything execve needs, made ready while the process may still make syscalls of its own
 * (the seccomp filter comes between process_exec_prepare and the execve). */
struct exec_image {
        const char *path;
        char *const *argv;
        char **envp; /* allocated; the process execs or exits, never frees it */
        char home[4096 + 5];
};

/* Marks every fd from 3 + preserve_fds close-on-exec, unblocks signals, builds the
 * environment (HOME from the container's /etc/passwd when process.env has none). */
int process_exec_prepare(const struct oci_process *p, const char *path, int preserve_fds,
                         struct exec_image *img, struct rterr *err);
/* execve alone; returns only on failure. */
int process_exec_image(const struct exec_image *img, struct rterr *err);

/* process_exec_prepare + process_exec_image. Returns only on failure. */
int process_exec(const struct oci_process *p, const char *path, int preserve_fds,
                 struct rterr *err);

/* Closes every fd >= first except those in keep[] (negative entries ignored). */
void close_fds_except(int first, const int *keep, size_t n);

/* chdir into process.cwd (inside the container root) and checks that it is reachable from it. */
int process_chdir(const struct oci_process *p, struct rterr *err);

#endif
