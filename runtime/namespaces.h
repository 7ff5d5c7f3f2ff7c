/* Which namespaces a container creates and joins, and the host-side steps around clone: the id
 * maps, the time namespace offsets and pid/time namespaces joined by path. */
#ifndef RTRUN_RUNTIME_NAMESPACES_H
#define RTRUN_RUNTIME_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"

struct ns_plan {
        int join_fd[OCI_NS_COUNT]; /* opened linux.namespaces[].path, or -1 */
        bool create[OCI_NS_COUNT]; /* a new namespace of this type */
        int clone_flags;           /* passed to clone(2) */
        int unshare_flags;         /* unshared by the child after joining (paths present) */
        bool needs_fork;           /* a new pid namespace after setns: init is a grandchild */
        int saved_pid_fd;          /* the parent's own namespaces while it joined by path */
        int saved_time_fd;
};

/* Opens every namespace path (errors name linux.namespaces[i].path) and decides the flags. */
int ns_plan_build(const struct oci_spec *spec, struct ns_plan *p, struct rterr *err);
void ns_plan_close(struct ns_plan *p);

/* Parent, just before clone: enters the pid/time namespaces the init must be born into (joined
 * by path, or a new time namespace with linux.timeOffsets). ns_parent_restore undoes it. */
int ns_parent_prepare(const struct oci_spec *spec, struct ns_plan *p, struct rterr *err);
int ns_parent_restore(struct ns_plan *p, struct rterr *err);

/* Child: joins the namespaces given by path, the user namespace first. */
int ns_join_paths(const struct ns_plan *p, struct rterr *err);

/* Parent: writes uid_map/gid_map of pid (setgroups "deny" first when not root). */
int ns_write_id_maps(pid_t pid, const struct oci_spec *spec, struct rterr *err);

/* Joins every namespace of process `pid` that differs from ours except pid (exec), user first.
 * fds[] are opened by ns_open_of_pid beforehand. */
int ns_open_of_pid(pid_t pid, int fds[OCI_NS_COUNT], struct rterr *err);
int ns_join_fds(int fds[OCI_NS_COUNT], bool skip_pid, struct rterr *err);
void ns_close_fds(int fds[OCI_NS_COUNT]);

/* The /proc/PID/ns/<name> name of a type ("net", "mnt", ...). */
const char *ns_proc_name(enum oci_ns_type t);

#endif
