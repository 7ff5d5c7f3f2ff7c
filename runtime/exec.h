/* Running an additional process in an existing container (`rtrun exec`). */
#ifndef RTRUN_RUNTIME_EXEC_H
#define RTRUN_RUNTIME_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "oci/oci.h"
#include "runtime/container.h"

struct exec_opts {
        const char *console_socket;
        const char *pid_file;
        bool detach;
        int preserve_fds;
        char **cgroups; /* --cgroup [CONTROLLER:]PATH, see cg_open_sub */
        size_t n_cgroups;
};

/* What the command line changes in the container's process (not used with --process). */
struct exec_process_flags {
        const char *cwd;
        const char *user;          /* UID[:GID] */
        const char *apparmor;      /* NULL or "": the container's */
        const char *process_label; /* NULL or "": the container's */
        char **env;                /* KEY=VALUE, each replacing the container's KEY */
        size_t n_env;
        uint64_t caps;  /* --cap: CAP_* bits added to bounding, effective, permitted */
        uint32_t *gids; /* --additional-gids, added to the container's */
        size_t n_gids;
        int no_new_privs; /* -1: the container's, else 0 or 1 */
        bool tty;
};

/* Changes p (the container's process) by f and gives it argv as its args (runc 1.1.5's rules,
 * see exec_process.c). */
int exec_process_from_flags(struct oci_process *p, const struct exec_process_flags *f, int argc,
                            char **argv, struct rterr *err);

/* Refuses what p asks of this host before anything is reserved for it: an AppArmor profile or
 * SELinux label whose LSM is not enabled. */
int exec_process_check(const struct oci_process *p, struct rterr *err);

/* Forks a process that joins every namespace and the cgroup of c, applies p and execs. On
 * success *pid is its host pid and *master the pty master to proxy (-1 unless p->terminal
 * without a console socket). Errors before execve are reported here. */
int exec_spawn(struct container *c, const struct oci_spec *spec, const struct oci_process *p,
               const struct exec_opts *o, pid_t *pid, int *master, struct rterr *err);

#endif
