/* The exec'd process: joins the container (cgroup, namespaces user first, pid by fork), takes
 * on its process attributes and execs; errors come back over a socketpair that execve closes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "rt/rt.h"
#include "runtime/clone.h"
#include "runtime/console.h"
#include "runtime/exec.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/sched_guard.h"
#include "runtime/setup.h"
#include "runtime/state_dir.h"
#include "runtime/sync.h"

struct exec_child {
        const struct oci_spec *spec;
        const struct oci_process *p;
        const struct exec_opts *o;
        struct cgroup *cg;
        int *ns_fds;
        int sync_fd;
        int console_fd;
        int listener_fd;        /* connected linux.seccomp.listenerPath, or -1 */
        const char *state_json; /* the container's state, for the listener */
};

static int child_setup(const struct exec_child *x, char *exe, size_t size,
                       struct seccomp_prog *prog, struct seccomp_handover *ho, struct rterr *err)
{
        if (rt_exec_cpu_affinity(&x->p->exec_cpu_affinity, false, err) < 0)
                return -1;
        if (x->cg && cg_join_self(x->cg, err) < 0)
                return rterr_wrap(err, "join the container's cgroup");
        if (rt_exec_cpu_affinity(&x->p->exec_cpu_affinity, true, err) < 0)
                return -1;
        /* Nothing of rtrun's (cgroup dirs, log, lock) may be open once in the container. */
        int keep[3 + OCI_NS_COUNT] = {x->sync_fd, x->console_fd, x->listener_fd};
        for (int t = 0; t < OCI_NS_COUNT; t++)
                keep[3 + t] = x->ns_fds[t];
        close_fds_except(3 + x->o->preserve_fds, keep, 3 + OCI_NS_COUNT);
        if (ns_join_fds(x->ns_fds, true, err) < 0)
                return -1;
        ns_close_fds(x->ns_fds);
        if (x->console_fd >= 0 || x->o->detach)
                setsid();
        if (x->console_fd >= 0 && console_setup(x->console_fd, x->p, err) < 0)
                return -1;
        bool has_userns = x->ns_fds[OCI_NS_USER] >= 0;
        const struct oci_seccomp *sc = &x->spec->linux_.seccomp;
        if (x->spec->has_linux && seccomp_prepare(sc, prog, err) < 0)
                return -1;
        /* runc's rule for exec: the listener gets this process's notify fd, with the process's
         * host pid (which only rtrun knows: we were born in the container's pid namespace). */
        int32_t host_pid = 0;
        if (x->listener_fd >= 0 &&
            (sync_expect(x->sync_fd, SYNC_PID, &host_pid, "our host pid", err) < 0 ||
             seccomp_handover_start(ho, sc, x->listener_fd, (pid_t)host_pid, x->state_json, err) <
                 0))
                return -1;
        /* Without no_new_privs a filter needs CAP_SYS_ADMIN: load it before the drop. */
        if (process_chdir(x->p, err) < 0 || rlimits_apply(x->p, err) < 0 ||
            rt_process_memlock(&x->spec->annotations, x->p, err) < 0 ||
            rt_process_apply(&x->p->scheduler, err) < 0 ||
            sched_guard_apply(&x->spec->annotations, x->p, err) < 0 ||
            (!x->p->no_new_privileges && seccomp_install_handover(prog, ho, err) < 0) ||
            user_apply(x->p, has_userns, err) < 0 || caps_apply(x->p, err) < 0 ||
            lsm_apply(x->p, err) < 0)
                return -1;
        return process_resolve(x->p, exe, size, err);
}

static _Noreturn void exec_child_main(const struct exec_child *x)
{
        struct rterr err = {0};
        char exe[PATH_MAX];
        /* rtrun's image must not be reachable from the container (CVE-2019-5736). */
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        struct seccomp_prog prog = {0};
        struct seccomp_handover ho = {.go = {-1, -1}, .sock = -1, .fd = -1};
        struct exec_image img;
        if (child_setup(x, exe, sizeof(exe), &prog, &ho, &err) < 0 ||
            process_exec_prepare(x->p, exe, x->o->preserve_fds, &img, &err) < 0)
                goto fail;
        /* The filter last: only execve comes after it (with no_new_privs). */
        if (x->p->no_new_privileges && seccomp_install_handover(&prog, &ho, &err) < 0)
                goto fail;
        process_exec_image(&img, &err);
fail:
        sync_send_error(x->sync_fd, &err);
        _exit(127);
}

/* Enters the container's pid namespace for our next child only, and back; the child is born in
 * the cgroup2 directory cgroup_fd (the v1 hierarchies it joins itself). */
static int fork_into(int pid_ns, int cgroup_fd, pid_t *pid, struct rterr *err)
{
        _cleanup_close_ int own = -1;
        if (pid_ns >= 0) {
                own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
                if (own < 0 || setns(pid_ns, CLONE_NEWPID) < 0)
                        return rterr_errno(err, "join the container's pid namespace");
        }
        *pid = clone_child(0, cgroup_fd);
        if (*pid == 0)
                return 0;
        int saved = errno;
        if (own >= 0 && setns(own, CLONE_NEWPID) < 0)
                return rterr_errno(err, "return to our pid namespace");
        if (*pid < 0)
                return rterr_sys(err, saved, "fork");
        return 0;
}

/* The container's cgroup, or with --cgroup the sub-cgroups of it the process goes into. */
static int open_cgroup(const struct container *c, const struct exec_opts *o, struct cg_host **host,
                       struct cgroup **cg, struct rterr *err)
{
        if (c->cgroup_path == NULL) {
                if (o->n_cgroups)
                        return rterr_set(err, EINVAL, "--cgroup: the container has no cgroup");
                return 0;
        }
        if (cg_host_detect(host, err) < 0 || cg_open(*host, c->cgroup_path, cg, err) < 0)
                return -1;
        if (o->n_cgroups == 0)
                return 0;
        struct cgroup *sub;
        if (cg_open_sub(*cg, o->cgroups, o->n_cgroups, &sub, err) < 0)
                return -1;
        cg_free(*cg);
        *cg = sub;
        return 0;
}

static int console_for(const struct oci_process *p, const struct exec_opts *o, int *console_fd,
                       int *proxy_fd, struct rterr *err)
{
        if (!p->terminal)
                return 0;
        if (o->console_socket)
                return console_connect(o->console_socket, console_fd, err);
        if (o->detach)
                return rterr_set(err, EINVAL,
                                 "process.terminal: exec --detach with a tty needs "
                                 "--console-socket");
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return rterr_errno(err, "socketpair");
        *proxy_fd = sv[0];
        *console_fd = sv[1];
        return 0;
}

/* linux.seccomp.listenerPath is a host path: connect here, before the child leaves the host. */
static int listener_for(const struct container *c, const struct oci_spec *spec, int *sock,
                        char **state_json, struct rterr *err)
{
        *sock = -1;
        if (!spec->has_linux)
                return 0;
        if (seccomp_listener_connect(&spec->linux_.seccomp, sock, err) < 0)
                return -1;
        if (*sock < 0)
                return 0;
        struct oci_state st;
        container_oci_state(c, c->status, &st);
        size_t len;
        return oci_state_to_json(&st, false, state_json, &len, err);
}

int exec_spawn(struct container *c, const struct oci_spec *spec, const struct oci_process *p,
               const struct exec_opts *o, pid_t *pid, int *master, struct rterr *err)
{
        int ns_fds[OCI_NS_COUNT];
        struct cg_host *host = NULL;
        struct cgroup *cg = NULL;
        _cleanup_close_ int console_fd = -1, proxy_fd = -1, sync_parent = -1, sync_child = -1;
        _cleanup_close_ int listener_fd = -1;
        _cleanup_free_ char *state_json = NULL;
        int r = -1;
        *master = -1;
        *pid = -1;
        if (ns_open_of_pid(c->pid, ns_fds, err) < 0)
                return -1;
        int sv[2];
        if (open_cgroup(c, o, &host, &cg, err) < 0 ||
            console_for(p, o, &console_fd, &proxy_fd, err) < 0 ||
            listener_for(c, spec, &listener_fd, &state_json, err) < 0)
                goto out;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                rterr_errno(err, "socketpair");
                goto out;
        }
        sync_parent = sv[0];
        sync_child = sv[1];
        if (fork_into(ns_fds[OCI_NS_PID], cg ? cg_clone_fd(cg) : -1, pid, err) < 0)
                goto out;
        if (*pid == 0) {
                close(sync_parent);
                if (proxy_fd >= 0)
                        close(proxy_fd);
                struct exec_child x = {
                    .spec = spec,
                    .p = p,
                    .o = o,
                    .cg = cg,
                    .ns_fds = ns_fds,
                    .sync_fd = sync_child,
                    .console_fd = console_fd,
                    .listener_fd = listener_fd,
                    .state_json = state_json,
                };
                exec_child_main(&x);
        }
        close(TAKE_FD(sync_child));
        close(TAKE_FD(console_fd));
        /* A child that is gone already has sent its error: that is read below. */
        if (listener_fd >= 0)
                sync_send(sync_parent, SYNC_PID, *pid, NULL);
        if (proxy_fd >= 0 && console_recv_fd(proxy_fd, master, err) < 0) {
                /* The child failed before it sent the pty: its error says why. */
                struct sync_msg m;
                sync_recv(sync_parent, &m, "exec", err);
                goto kill_child;
        }
        /* EOF: execve closed the socket. A message is an error from the child. */
        struct sync_msg m;
        struct rterr rerr = {0};
        if (sync_recv(sync_parent, &m, "exec", &rerr) < 0 && rerr.code != EPIPE) {
                *err = rerr;
                goto kill_child;
        }
        r = 0;
        goto out;
kill_child:
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        if (*master >= 0)
                close(*master);
        *master = -1;
out:
        ns_close_fds(ns_fds);
        cg_free(cg);
        cg_host_free(host);
        return r;
}
