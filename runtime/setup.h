/* What the container process does to itself between clone and execve, one file per concept:
 * rootfs.c/mounts.c/devices.c (the filesystem), caps.c, seccomp.c, rlimits.c, user.c,
 * sysctl.c, lsm.c (so far only exec_spawn.c). container_init.c calls them in this order:
 *   sysctl_apply, rootfs_prepare, [createContainer hooks], rootfs_pivot, rootfs_finalize,
 *   chdir(cwd), rlimits_apply, rt_process_apply, user_apply (keeps caps), caps_apply,
 *   [wait for start], [startContainer hooks], seccomp_apply, execve. */
#ifndef RTRUN_RUNTIME_SETUP_H
#define RTRUN_RUNTIME_SETUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"
#include "oci/oci.h"

struct rootfs_opts {
        const char *rootfs; /* absolute host path of root.path */
        const char *bundle; /* bundle dir: relative bind sources start there (NULL: cwd) */
        bool no_pivot;      /* --no-pivot: MS_MOVE + chroot */
        bool has_userns;    /* mknod is not allowed: bind-mount device nodes */
};

/* In the new mount namespace: propagation, bind the rootfs onto itself, every mount of
 * spec->mounts (destinations resolved inside the rootfs, never through its symlinks), the
 * default devices, linux.devices, /dev symlinks, /dev/pts and /dev/ptmx, and process.cwd
 * created if missing. */
int rootfs_prepare(const struct oci_spec *spec, const struct rootfs_opts *o, struct rterr *err);
/* pivot_root into the rootfs (or MS_MOVE + chroot) and detach the old root. */
int rootfs_pivot(const struct rootfs_opts *o, struct rterr *err);
/* After pivot: delayed read-only remounts, root.readonly, readonlyPaths, maskedPaths. */
int rootfs_finalize(const struct oci_spec *spec, struct rterr *err);

/* Refuses sysctls the container's namespaces do not cover (net.* needs a network namespace,
 * kernel.shm*|msg*|sem and fs.mqueue.* an ipc one, kernel.hostname|domainname a uts one) and
 * every other, non-namespaced, name. Pure: call it while validating the spec. */
int sysctl_validate(const struct oci_spec *spec, struct rterr *err);
int sysctl_apply(const struct oci_kvs *sysctl, struct rterr *err);
int rlimits_apply(const struct oci_process *p, struct rterr *err);
/* setgroups, setgid, setuid (capabilities kept for caps_apply), umask. */
int user_apply(const struct oci_process *p, bool has_userns, struct rterr *err);
/* Bounding set, then effective/permitted/inheritable, then ambient; no_new_privileges. */
int caps_apply(const struct oci_process *p, struct rterr *err);
/* process.apparmorProfile and process.selinuxLabel (lsm.c): lsm_check refuses a value whose
 * LSM this host has not enabled (call it before starting the process); lsm_apply writes them to
 * /proc/thread-self/attr, effective at execve. */
int lsm_check(const struct oci_process *p, struct rterr *err);
int lsm_apply(const struct oci_process *p, struct rterr *err);
/* Loads the filter. With listenerPath, *notify_fd receives the listener fd (else -1). */
int seccomp_apply(const struct oci_seccomp *s, int *notify_fd, struct rterr *err);
/* Connects to linux.seccomp.listenerPath, a host path: call it on the host side (create and
 * exec do, with rtrun's own credentials) and hand the socket to the container process. *sock
 * is -1 without one. */
int seccomp_listener_connect(const struct oci_seccomp *s, int *sock, struct rterr *err);
/* Sends the notify fd and the container process state (runtime-spec "seccomp state") on the
 * socket from seccomp_listener_connect. pid is the host pid of the process the filter belongs
 * to (the init for create, the new process for exec); state_json the container's state. */
int seccomp_send_listener(const struct oci_seccomp *s, int sock, int notify_fd, pid_t pid,
                          const char *state_json, struct rterr *err);

#endif
