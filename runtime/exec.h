/* Running an additional process in an existing container (`rtrun exec`). */
#ifndef RTRUN_RUNTIME_EXEC_H
#define RTRUN_RUNTIME_EXEC_H

#include <signal.h>
#include <stdbool.h>

#include "common/err.h"
#include "oci/oci.h"
#include "runtime/container.h"

struct exec_opts {
        const char *console_socket;
        const char *pid_file;
        bool detach;
        int preserve_fds;
};

/* Forks a process that joins every namespace and the cgroup of c, applies p and execs. On
 * success *pid is its host pid and *master the pty master to proxy (-1 unless p->terminal
 * without a console socket). Errors before execve are reported here. */
int exec_spawn(struct container *c, const struct oci_spec *spec, const struct oci_process *p,
               const struct exec_opts *o, pid_t *pid, int *master, struct rterr *err);

#endif
