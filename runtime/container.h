/* A container as the state directory under --root records it: what every command that takes an
 * ID loads first. The status is computed from the live process, not trusted from disk. */
#ifndef RTRUN_RUNTIME_CONTAINER_H
#define RTRUN_RUNTIME_CONTAINER_H

#include <stdint.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"
#include "runtime/context.h"

struct container {
        char *id;
        char *dir; /* <root>/<id> */
        char *bundle;
        char *rootfs;
        pid_t pid;              /* init's pid in the host's pid namespace */
        uint64_t pid_starttime; /* field 22 of /proc/PID/stat, to detect pid reuse */
        char *created;          /* RFC3339 with nanoseconds */
        char *owner;
        char *cgroup_path; /* cg_path() of the container's cgroup, or NULL */
        struct oci_kvs annotations;
        /* A create in progress, or killed: state.json then records what it intends to make
         * before it makes it (docs/architecture.md, "State on the host"). */
        bool creating;
        bool cgroup_owned;      /* cgroup_path was made by this create and checked empty */
        enum oci_status status; /* computed at load time */
        int lock_fd;            /* exclusive lock on the state directory, held until free */
};

/* Loads and locks <root>/<id>. A missing container fails with "container ID does not exist". */
int container_load(const struct runtime_ctx *g, const char *id, struct container **out,
                   struct rterr *err);
/* container_load for delete --force: a lock held on and on by a create whose container
 * process is stuck (no state.json yet) is taken by killing that create (lock_force.c). */
int container_load_force(const struct runtime_ctx *g, const char *id, struct container **out,
                         struct rterr *err);
/* 0 locked; 1 still held by someone while the container exists (kill it with
 * container_kill_unlocked, then take the lock); -1 error. */
int container_lock_force(int lock_fd);
void container_kill_unlocked(const struct container *c);
void container_free(struct container *c);
/* `_cleanup_container_ struct container *c = NULL;` frees c (its lock fd too) when the scope
 * ends (common/cleanup.h). */
static inline void container_freep(struct container **c)
{
        container_free(*c);
}
#define _cleanup_container_ __attribute__((cleanup(container_freep)))

/* The container's config.json as it was at create time (a copy kept in the state dir). */
int container_load_spec(const struct container *c, struct oci_spec **out, struct rterr *err);

#endif
