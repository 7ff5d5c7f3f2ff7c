/* The process step of `restore`: criu restore into the container's rootfs and cgroup. The rest
 * (state directory, admission, cgroup, real-time set-up) is create's (runtime/create.c). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/criu.h"
#include "runtime/criu_run.h"
#include "runtime/log.h"
#include "runtime/state_dir.h"

#define RESTORE_LOG "restore.log"
#define RESTORE_PID "restore.pid"
#define RESTORE_ROOT "criu-root" /* in the state directory while criu runs */
#define NETNS_FD 100             /* where criu finds a joined network namespace */

/* criu wants the root as a mount point of its own: the rootfs bound onto a directory of the
 * container's state directory, detached once criu is done. */
static int bind_root(const struct container *c, char *out, size_t len, struct rterr *err)
{
        snprintf(out, len, "%s/%s", c->dir, RESTORE_ROOT);
        if (mkdir(out, 0700) < 0 && errno != EEXIST)
                return rterr_errno(err, "mkdir %s", out);
        if (mount(c->rootfs, out, NULL, MS_BIND | MS_REC, NULL) < 0) {
                int saved = errno;
                rmdir(out);
                return rterr_sys(err, saved, "bind %s on %s", c->rootfs, out);
        }
        mount(NULL, out, NULL, MS_PRIVATE | MS_REC, NULL);
        return 0;
}

static void unbind_root(const char *path)
{
        umount2(path, MNT_DETACH);
        rmdir(path);
}

static int restore_args(struct criu_argv *a, const struct criu_opts *o, const struct oci_spec *spec,
                        const char *bundle, const char *root, struct cgroup *cg, int netns_fd,
                        struct rterr *err)
{
        criu_argv_add(a, "criu");
        criu_argv_add(a, "restore");
        criu_argv_common(a, o, RESTORE_LOG);
        criu_argv_add(a, "--root=%s", root);
        /* The restored init becomes our child (criu's sibling), criu exits after restore. */
        criu_argv_add(a, "--restore-detached");
        criu_argv_add(a, "--restore-sibling");
        criu_argv_add(a, "--pidfile=%s/%s", criu_work_dir(o), RESTORE_PID);
        const char *path = cg_path(cg);
        if (strncmp(path, "systemd:", 8) == 0)
                path += 8;
        criu_argv_add(a, "--cgroup-root=%s", path);
        criu_argv_externals(a, spec, bundle, 0);
        criu_argv_stdio(a, o->image_path);
        if (netns_fd >= 0)
                criu_argv_add(a, "--inherit-fd=fd[%d]:extRootNetNS", NETNS_FD);
        return criu_argv_check(a, err);
}

static int check_images(const struct criu_opts *o, struct rterr *err)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/inventory.img", o->image_path);
        if (access(path, R_OK) < 0)
                return rterr_errno(err, "--image-path %s: no checkpoint there (%s)", o->image_path,
                                   path);
        return 0;
}

int criu_restore_check(const struct criu_opts *o, char *version, size_t len, struct rterr *err)
{
        if (criu_version(version, len) < 0)
                return rterr_set(err, ENOENT,
                                 "restore: criu is not installed (apt-get install criu)");
        return check_images(o, err);
}

static int read_pid(const struct criu_opts *o, pid_t *pid, struct rterr *err)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", criu_work_dir(o), RESTORE_PID);
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
                return -1;
        unlink(path);
        long v = strtol(text, NULL, 10);
        if (v <= 0)
                return rterr_set(err, EINVAL, "criu restore: no pid in %s", path);
        *pid = (pid_t)v;
        return 0;
}

/* The joined network namespace, opened at NETNS_FD for criu's --inherit-fd. */
static int open_netns(const struct oci_spec *spec, const struct criu_opts *o, int *fd,
                      struct rterr *err)
{
        *fd = -1;
        const struct oci_namespace *net = oci_namespace_get(spec, OCI_NS_NETWORK);
        if (net == NULL || net->path == NULL || o->empty_net)
                return 0;
        _cleanup_close_ int f = open(net->path, O_RDONLY | O_CLOEXEC);
        if (f < 0)
                return rterr_errno(err, "linux.namespaces: network path %s", net->path);
        *fd = fcntl(f, F_DUPFD_CLOEXEC, NETNS_FD);
        if (*fd < 0)
                return rterr_errno(err, "dup network namespace fd");
        if (*fd != NETNS_FD) {
                /* 100 was taken: move it there (rtrun holds few fds; nothing of ours is 100). */
                close(*fd);
                *fd = -1;
                if (dup3(f, NETNS_FD, O_CLOEXEC) < 0)
                        return rterr_errno(err, "dup network namespace fd");
                *fd = NETNS_FD;
        }
        return 0;
}

int criu_restore_process(const struct runtime_ctx *g, const struct criu_opts *o,
                         const struct oci_spec *spec, const char *bundle, struct container *c,
                         struct cgroup *cg, criu_cgroup_fn cgroup_fn, void *arg, pid_t *pid,
                         struct rterr *err)
{
        if (spec->process.terminal && !o->shell_job)
                return rterr_set(err, EINVAL,
                                 "config.json: process.terminal: restoring a container with a "
                                 "terminal needs --shell-job");
        char version[32];
        if (criu_version(version, sizeof(version)) < 0)
                return rterr_set(err, ENOENT,
                                 "restore: criu is not installed (apt-get install "
                                 "criu)");
        if (check_images(o, err) < 0 || criu_dirs(o, err) < 0)
                return -1;
        char root[4096];
        int netns_fd = -1;
        if (open_netns(spec, o, &netns_fd, err) < 0)
                return -1;
        if (bind_root(c, root, sizeof(root), err) < 0) {
                if (netns_fd >= 0)
                        close(netns_fd);
                return -1;
        }
        struct criu_argv a = {0};
        int go = -1;
        pid_t helper = 0;
        int rc = restore_args(&a, o, spec, bundle, root, cg, netns_fd, err);
        if (rc == 0)
                rc = criu_spawn(&a, o->status_fd, netns_fd, &go, &helper, err);
        if (rc == 0) {
                /* criu runs inside the container's cgroup, as runc places it: what it
                 * restores starts there even where --cgroup-root does not reach. */
                rc = cgroup_fn(arg, helper, err);
                if (rc < 0) {
                        kill(helper, SIGKILL);
                        close(go);
                        criu_wait(helper, o, RESTORE_LOG, "restore", &(struct rterr){0});
                } else {
                        close(go);
                        rc = criu_wait(helper, o, RESTORE_LOG, "restore", err);
                }
        }
        criu_argv_free(&a);
        unbind_root(root);
        if (netns_fd >= 0)
                close(netns_fd);
        if (rc < 0 || read_pid(o, pid, err) < 0)
                return -1;
        log_msg(g, LOG_DEBUG, "container %s: restored from %s, init pid %d (criu %s)", c->id,
                o->image_path, (int)*pid, version);
        if (unlinkat(c->lock_fd, STATE_FIFO, 0) < 0 && errno != ENOENT)
                return rterr_errno(err, "remove the exec fifo of %s", c->id);
        return 0;
}
