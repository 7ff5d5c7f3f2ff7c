/* The container lifecycle as the commands use it: create (clone the container process and wait
 * until it blocks on the exec fifo), start (open the fifo) and destroy (kill, cgroup, hooks,
 * state directory). */
#ifndef RTRUN_RUNTIME_LAUNCH_H
#define RTRUN_RUNTIME_LAUNCH_H

#include <stdbool.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "oci/oci.h"
#include "runtime/context.h"
#include "runtime/container.h"
#include "runtime/criu.h"

struct launch_opts {
        const char *id;
        const char *bundle; /* NULL: the current directory */
        const char *pid_file;
        const char *console_socket;
        bool no_pivot;
        bool no_new_keyring;
        int preserve_fds;
        bool foreground; /* `run` without --detach */
        bool keep;       /* `run --keep`: a foreground run leaves the stopped container */
        /* foreground with process.terminal and no console socket: receives the master of the
         * container's pty, which the caller proxies to its own stdio (-1 otherwise). */
        int *proxy_master;
        /* `restore`: CRIU brings the process back from these images instead of a clone
         * (runtime/criu.h); NULL for create and run. */
        const struct criu_opts *restore;
};

/* On success *out is the locked container (status created) and *spec its parsed config. On
 * failure nothing is left: no process, cgroup or state directory. */
int container_create(const struct runtime_ctx *g, const struct launch_opts *o,
                     struct container **out, struct oci_spec **spec, struct rterr *err);

/* Lets a created container exec its process; runs the poststart hooks (failures warn). */
int container_start(const struct runtime_ctx *g, struct container *c, const struct oci_spec *spec,
                    struct rterr *err);

/* Kills (force or created) and reaps what is left, removes the cgroup, runs poststop hooks
 * (failures warn) and removes the state directory. */
int container_destroy(const struct runtime_ctx *g, struct container *c, bool force,
                      struct rterr *err);

#endif
