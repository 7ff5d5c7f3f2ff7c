/* start and destroy: the two lifecycle steps after create. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "rt/rt.h"
#include "runtime/admission.h"
#include "runtime/hooks.h"
#include "runtime/launch.h"
#include "runtime/log.h"
#include "devices/devices.h"
#include "runtime/state_dir.h"

static bool init_alive(const struct container *c)
{
        uint64_t start;
        char st;
        return proc_stat_read(c->pid, &start, &st) == 0 && start == c->pid_starttime && st != 'Z' &&
               st != 'X';
}

static int status_error(const struct container *c, const char *op, struct rterr *err)
{
        switch (c->status) {
        case OCI_STATUS_STOPPED:
                return rterr_set(err, EINVAL, "cannot %s a container that has stopped", op);
        case OCI_STATUS_RUNNING:
                return rterr_set(err, EINVAL, "cannot %s an already running container", op);
        case OCI_STATUS_PAUSED:
                return rterr_set(err, EINVAL, "cannot %s a paused container", op);
        default:
                return rterr_set(err, EINVAL, "cannot %s a container that is %s", op,
                                 oci_status_name(c->status));
        }
}

int container_start(const struct runtime_ctx *g, struct container *c, const struct oci_spec *spec,
                    struct rterr *err)
{
        if (c->status != OCI_STATUS_CREATED)
                return status_error(c, "start", err);
        /* The init is blocked opening the fifo for reading; our open for writing releases it
         * (its open completes even once we have closed). Non-blocking, this open fails with
         * ENXIO while no reader is there yet: the init has not reached the fifo, or died. */
        for (;;) {
                int fd = openat(c->lock_fd, STATE_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd >= 0) {
                        close(fd);
                        break;
                }
                if (errno != ENXIO && errno != EINTR)
                        return rterr_errno(err, "open exec fifo of %s", c->id);
                if (!init_alive(c))
                        return rterr_set(err, ESRCH,
                                         "container %s: init process exited before start", c->id);
                struct timespec pause = {0, 200000};
                nanosleep(&pause, NULL);
        }
        if (unlinkat(c->lock_fd, STATE_FIFO, 0) < 0)
                return rterr_errno(err, "remove exec fifo of %s", c->id);
        c->status = OCI_STATUS_RUNNING;
        log_msg(g, LOG_DEBUG, "container %s: started (pid %d)", c->id, (int)c->pid);
        hooks_run_warn(g, &spec->hooks.poststart, "poststart", c, OCI_STATUS_RUNNING);
        return 0;
}

static int pidfd_open_(pid_t pid)
{
        return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* SIGKILL to everything in the container and wait (bounded) for init to be gone. */
static int kill_all(struct container *c, struct cgroup *cg, struct rterr *err)
{
        if (cg && c->status == OCI_STATUS_STOPPED) {
                /* The common case: nothing left to kill, and no freeze/thaw cycle for it. */
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0;
                if (cg_pids(cg, &pids, &n, err) < 0)
                        return -1;
                if (n == 0)
                        return 0;
        }
        if (cg) {
                if (cg_kill_all(cg, SIGKILL, err) < 0)
                        return -1;
                /* Frozen tasks only die once thawed. */
                if (c->status == OCI_STATUS_PAUSED)
                        cg_freeze(cg, false, NULL);
        }
        if (c->pid <= 0)
                return 0;
        _cleanup_close_ int pidfd = pidfd_open_(c->pid);
        /* The pid may have been reused since load: only signal it while it is still init. */
        if (pidfd < 0 || !init_alive(c))
                return 0;
        if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
                return rterr_errno(err, "kill container %s", c->id);
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        if (poll(&pfd, 1, 10000) == 0)
                return rterr_set(err, ETIMEDOUT, "container %s: init did not exit after SIGKILL",
                                 c->id);
        return 0;
}

/* The container's cgroup as far as it still exists. NULL when there is none to deal with: none
 * recorded, or one a killed create named but never made its own and that holds processes (a
 * cgroupsPath shared with someone else's: not ours to kill). */
static int open_cgroup_remains(const struct container *c, struct cg_host **host, struct cgroup **cg,
                               struct rterr *err)
{
        *cg = NULL;
        if (c->cgroup_path == NULL)
                return 0;
        if (cg_host_detect(host, err) < 0 || cg_open_remains(*host, c->cgroup_path, cg, err) < 0)
                return -1;
        if (!c->creating || c->cgroup_owned)
                return 0;
        size_t n = 0;
        if (cg_count_remains(*cg, &n, err) < 0)
                return -1;
        if (n > 0) {
                cg_free(*cg);
                *cg = NULL;
        }
        return 0;
}

/* Every step runs even when an earlier one failed, so that a retried delete (or one after a
 * killed create) removes all that is left; the first error is the one reported. */
int container_destroy(const struct runtime_ctx *g, struct container *c, bool force,
                      struct rterr *err)
{
        container_refresh_status(c);
        if (!force && c->status != OCI_STATUS_STOPPED && c->status != OCI_STATUS_CREATED &&
            c->status != OCI_STATUS_CREATING)
                return rterr_set(err, EBUSY, "cannot delete container %s that is not stopped: %s",
                                 c->id, oci_status_name(c->status));
        _cleanup_spec_ struct oci_spec *spec = NULL;
        struct rterr spec_err = {0};
        if (container_load_spec(c, &spec, &spec_err) < 0)
                log_msg(g, LOG_WARN, "container %s: %s: poststop hooks skipped", c->id,
                        spec_err.msg);
        _cleanup_cg_host_ struct cg_host *host = NULL;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        int r = open_cgroup_remains(c, &host, &cg, err);
        struct rterr net_err = {0};
        if (netdev_return(c->dir, &net_err) < 0)
                log_msg(g, LOG_WARN, "container %s: %s", c->id, net_err.msg);
        /* A process left in some of the directories only (a create killed before its init
         * joined them all, or after it blocked on the exec fifo) dies here too. */
        if (r == 0 && cg && cg_kill_remains(cg, err) < 0)
                r = -1;
        if (r == 0 && kill_all(c, NULL, err) < 0)
                r = -1;
        if (r == 0) {
                admission_release(g, c->id, spec);
                struct rterr e = {0};
                if (cg && rt_container_teardown(host, cg, &e) < 0)
                        r = -1, *err = e;
                if (cg && cg_destroy(cg, r < 0 ? NULL : err) < 0)
                        r = -1;
        }
        if (r == 0)
                r = rt_container_removed(err);
        /* rt/'s default parent of a DEADLINE container on v2: made by create before its claim
         * is recorded, so a create killed in between leaves it empty and known to nobody. */
        char rt_parent[256];
        if (r == 0 && host && rt_default_parent_of(c->cgroup_path, rt_parent, sizeof(rt_parent)))
                cg_remove_empty(host, rt_parent);
        if (r == 0)
                r = container_remove_dir(c, err);
        if (r == 0)
                log_msg(g, LOG_DEBUG, "container %s: deleted", c->id);
        if (r == 0 && spec)
                hooks_run_warn(g, &spec->hooks.poststop, "poststop", c, OCI_STATUS_STOPPED);
        return r;
}
