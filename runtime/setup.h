/* What the container process does to itself between clone and execve, one file per concept:
 * rootfs.c/mounts.c/devices.c (the filesystem), caps.c, seccomp.c, rlimits.c, user.c,
 * sysctl.c, lsm.c (so far only exec_spawn.c). container_init.c calls them in this order:
 *   sysctl_apply, rootfs_prepare, [createContainer hooks], rootfs_pivot, rootfs_finalize,
 *   chdir(cwd), rlimits_apply, rt_process_apply, user_apply (keeps caps), caps_apply,
 *   [wait for start], [startContainer hooks, each under the filter], seccomp_install, execve.
 * Without no_new_privs the filter needs CAP_SYS_ADMIN: it is installed before user_apply. */
#ifndef RTRUN_RUNTIME_SETUP_H
#define RTRUN_RUNTIME_SETUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"

struct rootfs_opts {
        const char *rootfs; /* absolute host path of root.path */
        const char *bundle; /* bundle dir: relative bind sources start there (NULL: cwd) */
        bool no_pivot;      /* --no-pivot: MS_MOVE + chroot */
        bool has_userns;    /* mknod is not allowed: bind-mount device nodes */
        const int *src_fds; /* per mount, its bind source opened by create, or -1; or NULL */
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
/* linux.seccomp as a BPF program, built and exported before the process must stop making
 * syscalls of its own: seccomp_install is then the one syscall before execve. */
struct sock_filter;
struct seccomp_prog {
        struct sock_filter *insns;
        unsigned short len;
        unsigned int flags; /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
        bool notify;        /* a rule uses SCMP_ACT_NOTIFY */
        bool set;
};
int seccomp_prepare(const struct oci_seccomp *s, struct seccomp_prog *p, struct rterr *err);
void seccomp_prog_free(struct seccomp_prog *p);
/* One seccomp(2) call and nothing else: 0, the listener fd (listener and p->notify), or -1 with
 * errno. Without a listener a notified syscall fails with ENOSYS. */
int seccomp_install(const struct seccomp_prog *p, bool listener);
/* A rule uses SCMP_ACT_NOTIFY / and there is a listenerPath to hand the fd to. */
bool seccomp_uses_notify(const struct oci_seccomp *s);
bool seccomp_hands_over(const struct oci_seccomp *s);
/* Connects to linux.seccomp.listenerPath, a host path: call it on the host side (create and
 * exec do, with rtrun's own credentials) and hand the socket to the container process. *sock
 * is -1 without one. */
int seccomp_listener_connect(const struct oci_seccomp *s, int *sock, struct rterr *err);
/* The hand-over of the listener fd to the agent at listenerPath (seccomp.c says how). Start it
 * early (before a real-time policy), with sock from seccomp_listener_connect (-1: nothing to
 * hand over), pid the host pid of the process, state_json the container's state. */
struct seccomp_handover {
        int go[2];
        int sock;
        char *msg;
        size_t len;
        void *stack;
        int fd;
        int state;
        int error;
};
int seccomp_handover_start(struct seccomp_handover *h, const struct oci_seccomp *s, int sock,
                           pid_t pid, const char *state_json, struct rterr *err);
/* Loads the filter; with a hand-over, the listener fd is with the agent and no longer in this
 * process on return. Only execve may follow when the spec has no_new_privileges. */
int seccomp_install_handover(const struct seccomp_prog *p, struct seccomp_handover *h,
                             struct rterr *err);

#endif
