/* The last steps of every container process (init and exec): find the program, close what the
 * container must not inherit, execve. */
#ifndef RTRUN_RUNTIME_PROCESS_H
#define RTRUN_RUNTIME_PROCESS_H

#include <stddef.h>

#include "common/err.h"
#include "oci/oci.h"

/* Resolves process.args[0] through PATH of process.env (in the current root). */
int process_resolve(const struct oci_process *p, char *path, size_t size, struct rterr *err);

/* Marks every fd from 3 + preserve_fds close-on-exec, unblocks signals and execs. Returns only
 * on failure. */
int process_exec(const struct oci_process *p, const char *path, int preserve_fds,
                 struct rterr *err);

/* Closes every fd >= first except those in keep[] (negative entries ignored). */
void close_fds_except(int first, const int *keep, size_t n);

/* chdir into process.cwd (inside the container root) and checks that it is reachable from it. */
int process_chdir(const struct oci_process *p, struct rterr *err);

#endif
