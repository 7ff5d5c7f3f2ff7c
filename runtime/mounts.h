/* The mounts of config.json's `mounts`, performed inside the container rootfs before
 * pivot_root, and the read-only remounts that have to wait until after it. */
#ifndef RTRUN_RUNTIME_MOUNTS_H
#define RTRUN_RUNTIME_MOUNTS_H

#include <stdbool.h>

#include "common/common.h"
#include "oci/oci.h"

enum mount_kind {
        MOUNT_KIND_BIND,
        MOUNT_KIND_PROC,
        MOUNT_KIND_SYSFS,
        MOUNT_KIND_TMPFS,
        MOUNT_KIND_CGROUP,
        MOUNT_KIND_OTHER, /* devpts, mqueue, overlay, ...: mounted as the spec says */
};

/* How a spec mount is performed; any mount with a bind option is a bind mount. */
enum mount_kind mount_kind_of(const struct oci_mount *m);

/* Whether the runtime populates /dev: not when the spec bind-mounts /dev from elsewhere. */
bool mount_populates_dev(const struct oci_spec *spec);

/* The flags of the first mount(2) call. Read-only is held back for tmpfs and /dev (files are
 * created in them first) and for bind mounts (MS_BIND ignores every other flag). */
unsigned long mount_initial_flags(const struct oci_mount *m);

/* Whether a bind mount needs MS_REMOUNT|MS_BIND to apply ro/nosuid/nodev/... */
bool mount_bind_needs_remount(const struct oci_mount *m);

/* Whether rootfs_finalize must remount this mount read-only (tmpfs and /dev with "ro"). */
bool mount_needs_late_ro(const struct oci_mount *m);

/* Mounts one spec mount under the rootfs opened as root_fd. Relative sources of bind mounts
 * are resolved against bundle_fd (the bundle directory, or AT_FDCWD); src_fd >= 0 is the bind
 * source opened beforehand (taken and closed). */
int mount_apply(int root_fd, int bundle_fd, const struct oci_spec *spec, const struct oci_mount *m,
                int src_fd, struct rterr *err);

/* With a user namespace the container's root may not reach a bind source (a 0700 directory
 * of the host's root): create opens every bind source with its own credentials before the
 * container process enters the namespace, and the process mounts from the fds, as runc does.
 * fds[i] is mounts[i]'s source or -1; *out is NULL when there is none. */
int mount_open_bind_sources(const struct oci_spec *spec, const char *bundle, int **out,
                            struct rterr *err);

/* The cgroup mount for the host's layout (v2: cgroup2; v1: a tmpfs of per-controller
 * hierarchies). dest_fd is the resolved destination. */
int mount_cgroup(int root_fd, const struct oci_spec *spec, const struct oci_mount *m,
                 struct rterr *err);

/* Applies each propagation type of `propagation` (MS_SHARED/SLAVE/PRIVATE/UNBINDABLE, with
 * MS_REC) to the mount at `target`. */
int mount_set_propagation(const char *target, unsigned long propagation, struct rterr *err);

/* "tmpcopyup": copies the tree of the directory src_dir (the image's, opened before the tmpfs
 * covered it) into tmpfs_root with owners, modes, times, symlinks, hard links and device
 * nodes. dest names the mount in errors. */
int mount_tmpfs_copyup(int src_dir, int tmpfs_root, const char *dest, struct rterr *err);

/* After pivot_root: the delayed read-only remount of a tmpfs or /dev mount. */
int mount_finalize_ro(const struct oci_mount *m, struct rterr *err);

#endif
