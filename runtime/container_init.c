/* The container process: cloned from rtrun (no re-exec), it finishes its namespaces, builds its
 * root filesystem, drops privileges, waits for `start` on the exec fifo and execs. Every error
 * before the fifo goes back to rtrun over the sync socket. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/rt.h"
#include "runtime/console.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/launch.h"
#include "devices/devices.h"
#include "runtime/process.h"
#include "runtime/sched_guard.h"
#include "runtime/setup.h"
#include "runtime/state_dir.h"
#include "runtime/sync.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

/* Joins by path, unshares what must come after, and returns in the process that will be the
 * container's init (the forked child when a new pid namespace follows a setns). */
static int init_namespaces(const struct init_args *a, struct rterr *err)
{
        const struct ns_plan *ns = a->ns;
        if (ns_join_paths(ns, err) < 0)
                return -1;
        if (ns->unshare_flags && unshare(ns->unshare_flags) < 0)
                return rterr_errno(err, "create namespaces (unshare 0x%x)", ns->unshare_flags);
        if ((ns->unshare_flags & CLONE_NEWUSER) && sync_send(a->sync_fd, SYNC_USERNS, 0, err) < 0)
                return -1;
        /* rtrun has written the id maps and made the cgroup (and put us into it). */
        if (a->wait_go && sync_expect(a->sync_fd, SYNC_GO, &a->c->pid, "cgroup", err) < 0)
                return -1;
        if (!ns->needs_fork)
                return 0;
        pid_t pid = fork();
        if (pid < 0)
                return rterr_errno(err, "fork into the new pid namespace");
        if (pid > 0) {
                int r = sync_send(a->sync_fd, SYNC_GRANDCHILD, pid, err);
                _exit(r < 0 ? 1 : 0);
        }
        return sync_expect(a->sync_fd, SYNC_PID, &a->c->pid, "pid", err);
}

static int become_root_in_userns(struct rterr *err)
{
        if (setresgid(0, 0, 0) < 0)
                return rterr_errno(err, "setgid 0 in the new user namespace");
        if (setresuid(0, 0, 0) < 0)
                return rterr_errno(err, "setuid 0 in the new user namespace");
        return 0;
}

/* Into the v1 hierarchies rtrun has made meanwhile (the unified one came with clone3), then
 * a cgroup namespace rooted there. */
static int init_cgroup(const struct init_args *a, struct rterr *err)
{
        if (a->self_join) {
                if (!a->wait_go && sync_expect(a->sync_fd, SYNC_GO, NULL, "cgroup", err) < 0)
                        return -1;
                if (cg_join_self(a->cg, err) < 0)
                        return rterr_wrap(err, "join the container's cgroup");
        }
        if (a->ns->create[OCI_NS_CGROUP] && unshare(CLONE_NEWCGROUP) < 0)
                return rterr_errno(err, "create cgroup namespace");
        return 0;
}

static int init_identity(const struct init_args *a, struct rterr *err)
{
        const struct oci_spec *s = a->spec;
        if (a->ns->create[OCI_NS_NETWORK] && netlink_lo_up(err) < 0)
                return -1;
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return rterr_errno(err, "hostname: sethostname %s", s->hostname);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return rterr_errno(err, "domainname: setdomainname %s", s->domainname);
        if (s->process.oom_score_adj.set) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%lld", (long long)s->process.oom_score_adj.v);
                if (write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", buf, err) < 0)
                        return rterr_wrap(err, "process.oomScoreAdj");
        }
        if (!a->o->no_new_keyring &&
            syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, a->c->id) < 0 && errno != ENOSYS)
                return rterr_errno(err, "join a new session keyring");
        if (s->linux_.personality.set && s->linux_.personality.domain &&
            strcmp(s->linux_.personality.domain, "LINUX32") == 0 && personality(PER_LINUX32) < 0)
                return rterr_errno(err, "linux.personality: LINUX32");
        return 0;
}

static int init_rootfs(const struct init_args *a, struct rterr *err)
{
        const struct oci_spec *s = a->spec;
        struct rootfs_opts ro = {
            .rootfs = a->c->rootfs,
            .bundle = a->c->bundle,
            .no_pivot = a->o->no_pivot,
            .has_userns = a->ns->create[OCI_NS_USER] || a->ns->join_fd[OCI_NS_USER] >= 0,
            .src_fds = a->src_fds,
        };
        if (sysctl_apply(&s->linux_.sysctl, err) < 0 || rootfs_prepare(s, &ro, err) < 0)
                return -1;
        if (s->hooks.prestart.n + s->hooks.create_runtime.n > 0 &&
            (sync_send(a->sync_fd, SYNC_HOOKS, 0, err) < 0 ||
             sync_expect(a->sync_fd, SYNC_HOOKS_DONE, NULL, "createRuntime hooks", err) < 0))
                return -1;
        /* runc runs them from the container's root (its host path, in the container's mount
         * namespace): relative paths in hooks depend on it. */
        if (s->hooks.create_container.n > 0 && chdir(a->c->rootfs) < 0)
                return rterr_errno(err, "chdir %s", a->c->rootfs);
        if (hooks_run_state(&s->hooks.create_container, "createContainer", a->c,
                            OCI_STATUS_CREATING, err) < 0)
                return -1;
        if (rootfs_pivot(&ro, err) < 0 || rootfs_finalize(s, err) < 0)
                return -1;
        return 0;
}

/* The container's filter (built now, loaded last) and the listener's hand-over. */
struct init_seccomp {
        struct seccomp_prog prog;
        struct seccomp_handover ho;
};

static int init_seccomp_prepare(const struct init_args *a, struct init_seccomp *sc,
                                struct rterr *err)
{
        const struct oci_seccomp *s = &a->spec->linux_.seccomp;
        if (seccomp_prepare(s, &sc->prog, err) < 0)
                return -1;
        _cleanup_free_ char *json = NULL;
        if (a->listener_fd >= 0) {
                struct oci_state st;
                size_t len;
                container_oci_state(a->c, OCI_STATUS_RUNNING, &st);
                if (oci_state_to_json(&st, false, &json, &len, err) < 0)
                        return -1;
        }
        return seccomp_handover_start(&sc->ho, s, a->listener_fd, a->c->pid, json, err);
}

static int init_process(const struct init_args *a, char *exe, size_t exe_size,
                        struct init_seccomp *sc, struct rterr *err)
{
        const struct oci_process *p = &a->spec->process;
        bool has_userns = a->ns->create[OCI_NS_USER] || a->ns->join_fd[OCI_NS_USER] >= 0;
        if (a->console_fd >= 0 && console_setup(a->console_fd, p, err) < 0)
                return -1;
        if (process_chdir(p, err) < 0)
                return -1;
        /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN (seccomp(2)): then it is
         * loaded before the capabilities are dropped, as runc does; else just before execve. */
        if (init_seccomp_prepare(a, sc, err) < 0 || rlimits_apply(p, err) < 0 ||
            rt_process_memlock(&a->spec->annotations, p, err) < 0 ||
            rt_process_apply(&p->scheduler, err) < 0 ||
            sched_guard_apply(&a->spec->annotations, p, err) < 0 ||
            (!p->no_new_privileges && seccomp_install_handover(&sc->prog, &sc->ho, err) < 0) ||
            user_apply(p, has_userns, err) < 0 || caps_apply(p, err) < 0 || lsm_apply(p, err) < 0)
                return -1;
        return process_resolve(p, exe, exe_size, err);
}

static int init_setup(const struct init_args *a, char *exe, size_t exe_size,
                      struct init_seccomp *sc, struct rterr *err)
{
        if (init_namespaces(a, err) < 0)
                return -1;
        /* In a user namespace (new or joined) our host uid 0 maps to nothing: files we create
         * would fail with EOVERFLOW until we are its root. */
        bool userns = a->ns->create[OCI_NS_USER] || a->ns->join_fd[OCI_NS_USER] >= 0;
        if (userns && become_root_in_userns(err) < 0)
                return -1;
        setsid();
        if (init_identity(a, err) < 0 || init_cgroup(a, err) < 0 || init_rootfs(a, err) < 0)
                return -1;
        return init_process(a, exe, exe_size, sc, err);
}

/* Blocks until `start` opens the fifo for reading. The fifo is reached through a directory fd
 * opened before pivot_root: the container's root has no path to it. */
static int wait_for_start(const struct init_args *a, struct rterr *err)
{
        /* Opening for reading blocks until `start` opens for writing: that is the signal. */
        int fd;
        do {
                fd = openat(a->state_fd, STATE_FIFO, O_RDONLY | O_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0)
                return rterr_errno(err, "open exec fifo");
        close(fd);
        close(a->state_fd);
        return 0;
}

/* rtrun's own fds (lock, log, cgroup directories, ...) must not be there while the container
 * is set up: keep stdio, --preserve-fds and what the set-up needs. */
static void close_own_fds(const struct init_args *a)
{
        size_t n_src = a->src_fds ? a->spec->n_mounts : 0;
        int keep[8 + OCI_NS_COUNT + n_src];
        size_t n = 0;
        for (size_t i = 0; i < n_src; i++)
                keep[n++] = a->src_fds[i];
        keep[n++] = a->sync_fd;
        keep[n++] = a->state_fd;
        keep[n++] = a->console_fd;
        keep[n++] = a->listener_fd;
        for (int t = 0; t < OCI_NS_COUNT; t++)
                keep[n++] = a->ns->join_fd[t];
        close_fds_except(3 + a->o->preserve_fds, keep, n);
}

_Noreturn void container_init(const struct init_args *a)
{
        struct rterr err = {0};
        char exe[PATH_MAX];
        /* Until it execs, this process is rtrun: no one in the container may open or ptrace
         * it, or reach rtrun's binary through /proc/PID/exe (CVE-2019-5736). */
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        close_own_fds(a);
        struct init_seccomp sc = {0};
        if (init_setup(a, exe, sizeof(exe), &sc, &err) < 0) {
                sync_send_error(a->sync_fd, &err);
                _exit(1);
        }
        prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        if (sync_send(a->sync_fd, SYNC_READY, 0, &err) < 0)
                _exit(1);
        close(a->sync_fd);
        const struct oci_spec *s = a->spec;
        bool late = s->process.no_new_privileges;
        struct exec_image img;
        /* With no_new_privs the filter is the last thing before execve: every syscall of ours
         * (the fifo, hooks, close_range, the hand-over) comes before it, so a profile need only
         * allow execve. startContainer hooks run under it all the same (hooks.c). */
        if (wait_for_start(a, &err) < 0 ||
            hooks_run_filtered(&s->hooks.start_container, "startContainer", a->c,
                               OCI_STATUS_RUNNING, late ? &sc.prog : NULL, &err) < 0 ||
            process_exec_prepare(&s->process, exe, a->o->preserve_fds, &img, &err) < 0 ||
            (late && seccomp_install_handover(&sc.prog, &sc.ho, &err) < 0))
                goto fail;
        process_exec_image(&img, &err);
fail:
        /* rtrun create has returned: the container's stderr is the only place left. */
        dprintf(STDERR_FILENO, "rtrun: container %s: %s\n", a->c->id, err.msg);
        _exit(127);
}
