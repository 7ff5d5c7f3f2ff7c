/* What create's cloned child receives and runs: the container process (container_init.c).
 * Internal to runtime/: the commands reach it only through container_create (launch.h). */
#ifndef RTRUN_RUNTIME_INIT_H
#define RTRUN_RUNTIME_INIT_H

#include <stdbool.h>

#include "cgroups/cgroups.h"
#include "oci/oci.h"
#include "runtime/container.h"
#include "runtime/launch.h"
#include "runtime/namespaces.h"

/* What the cloned container process receives (a copy of rtrun's memory: no re-exec). */
struct init_args {
        const struct oci_spec *spec;
        struct container *c;
        const struct launch_opts *o;
        const struct ns_plan *ns;
        int sync_fd;
        int state_fd;       /* O_PATH fd of the state directory: the exec fifo */
        int console_fd;     /* connected --console-socket, or -1 */
        int listener_fd;    /* connected linux.seccomp.listenerPath, or -1 */
        int lock_fd;        /* rtrun's lock, to close at once */
        const int *src_fds; /* bind sources opened by create (user namespaces), or NULL */
        struct cgroup *cg;
        bool self_join; /* the process moves itself into cg's v1 hierarchies (no user ns) */
        bool wait_go;   /* wait for SYNC_GO (id maps, cgroup join or our host pid needed) */
};

/* The container process: set-up in the order of runtime/setup.h, then execve. */
_Noreturn void container_init(const struct init_args *a);

#endif
