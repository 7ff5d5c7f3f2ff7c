/* `create` on the host side: validate the bundle, make the state directory and cgroup, clone
 * the container process and walk it through its set-up until it waits on the exec fifo. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "rt/rt.h"
#include "runtime/admission.h"
#include "runtime/clone.h"
#include "runtime/console.h"
#include "devices/devices.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/launch.h"
#include "runtime/mounts.h"
#include "runtime/log.h"
#include "runtime/setup.h"
#include "runtime/state_dir.h"
#include "runtime/sync.h"

struct create_ctx {
        const struct runtime_ctx *g;
        const struct launch_opts *o;
        char *bundle;
        char *config_text;
        size_t config_len;
        struct oci_spec *spec;
        struct container *c;
        struct cg_host *host;
        struct cgroup *cg;
        bool rt_done;
        char *cg_request; /* the cgroups path asked of cgroups/ (NULL: its default) */
        char *rt_parent;  /* the default parent cgroup (relative) rt/ chose, made by us */
        bool admitted;    /* holds a reservation in the admission ledger */
        struct ns_plan ns;
        int sync_fd;  /* our end */
        int child_fd; /* the container's end */
        int state_fd;
        int console_fd;
        int proxy_fd;    /* our end of the console socketpair when we proxy the pty */
        int listener_fd; /* linux.seccomp.listenerPath, connected with rtrun's credentials */
        int *src_fds;    /* bind sources, opened here when there is a user namespace */
        pid_t pid;
};

static int validate_spec(const struct oci_spec *s, const char *rootfs, struct rterr *err)
{
        if (!s->has_process)
                return rterr_set(err, EINVAL, "config.json: process: required by create");
        if (s->process.args.n == 0)
                return rterr_set(err, EINVAL, "config.json: process.args: must not be empty");
        if (s->process.cwd && s->process.cwd[0] != '/')
                return rterr_set(err, EINVAL, "config.json: process.cwd: must be absolute, got %s",
                                 s->process.cwd);
        if (oci_namespace_get(s, OCI_NS_MOUNT) == NULL)
                return rterr_set(err, EINVAL,
                                 "config.json: linux.namespaces: a mount namespace is required");
        if ((s->hostname && s->hostname[0]) && oci_namespace_get(s, OCI_NS_UTS) == NULL)
                return rterr_set(
                    err, EINVAL,
                    "config.json: hostname: needs a uts namespace in linux.namespaces");
        if ((s->domainname && s->domainname[0]) && oci_namespace_get(s, OCI_NS_UTS) == NULL)
                return rterr_set(err, EINVAL,
                                 "config.json: domainname: needs a uts namespace in "
                                 "linux.namespaces");
        const struct oci_namespace *user = oci_namespace_get(s, OCI_NS_USER);
        if (user && !user->path && (s->linux_.n_uid_mappings == 0 || s->linux_.n_gid_mappings == 0))
                return rterr_set(err, EINVAL,
                                 "config.json: linux.uidMappings/gidMappings: "
                                 "required with a new user namespace");
        if ((s->linux_.time_monotonic.set || s->linux_.time_boottime.set) &&
            !(oci_namespace_get(s, OCI_NS_TIME) && !oci_namespace_get(s, OCI_NS_TIME)->path))
                return rterr_set(err, EINVAL,
                                 "config.json: linux.timeOffsets: needs a new time "
                                 "namespace in linux.namespaces");
        if (sysctl_validate(s, err) < 0 || lsm_check(&s->process, err) < 0)
                return rterr_wrap(err, "config.json");
        struct stat sb;
        if (stat(rootfs, &sb) < 0)
                return rterr_errno(err, "config.json: root.path: %s", rootfs);
        if (!S_ISDIR(sb.st_mode))
                return rterr_set(err, ENOTDIR, "config.json: root.path: %s is not a directory",
                                 rootfs);
        return 0;
}

static int load_bundle(struct create_ctx *x, struct rterr *err)
{
        const char *b = x->o->bundle && x->o->bundle[0] ? x->o->bundle : ".";
        x->bundle = realpath(b, NULL);
        if (x->bundle == NULL)
                return rterr_errno(err, "bundle %s", b);
        _cleanup_free_ char *cfg = NULL;
        if (asprintf(&cfg, "%s/config.json", x->bundle) < 0)
                return rterr_errno(err, "bundle %s", b);
        if (read_file_at(AT_FDCWD, cfg, &x->config_text, &x->config_len, err) < 0)
                return -1;
        if (oci_spec_parse(x->config_text, x->config_len, &x->spec, err) < 0 ||
            devices_prepare_config(&x->config_text, &x->config_len, x->spec, err) < 0)
                return -1;
        return 0;
}

static int rootfs_path(const struct create_ctx *x, char **out, struct rterr *err)
{
        const char *root = x->spec->root.path;
        if (root == NULL || root[0] == '\0')
                return rterr_set(err, EINVAL, "config.json: root.path: required");
        _cleanup_free_ char *joined = NULL;
        if (root[0] != '/' && asprintf(&joined, "%s/%s", x->bundle, root) < 0)
                return rterr_errno(err, "root.path");
        const char *p = joined ? joined : root;
        *out = realpath(p, NULL);
        if (*out == NULL)
                return rterr_errno(err, "config.json: root.path: %s", p);
        return 0;
}

static int copy_kvs(struct oci_kvs *dst, const struct oci_kvs *src)
{
        if (src->n == 0)
                return 0;
        dst->v = calloc(src->n, sizeof(*dst->v));
        if (dst->v == NULL)
                return -1;
        for (size_t i = 0; i < src->n; i++) {
                dst->v[i].key = strdup(src->v[i].key);
                dst->v[i].value = strdup(src->v[i].value ? src->v[i].value : "");
                dst->n++;
                if (!dst->v[i].key || !dst->v[i].value)
                        return -1;
        }
        return 0;
}

/* The directory is new and we hold its lock (every reader of this file takes it too), so a
 * plain write is enough: no temp file and rename. */
static int write_new_file(int dirfd, const char *name, const char *buf, size_t len,
                          struct rterr *err)
{
        _cleanup_close_ int fd =
            openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return rterr_errno(err, "create %s", name);
        for (size_t off = 0; off < len;) {
                ssize_t w = write(fd, buf + off, len - off);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return rterr_errno(err, "write %s", name);
                off += (size_t)w;
        }
        return 0;
}

static int prepare_state(struct create_ctx *x, char *rootfs, struct rterr *err)
{
        if (container_new(x->g, x->o->id, &x->c, err) < 0) {
                free(rootfs);
                return -1;
        }
        struct container *c = x->c;
        char created[64];
        rfc3339_nano_now(created, sizeof(created));
        c->rootfs = rootfs;
        c->bundle = strdup(x->bundle);
        c->created = strdup(created);
        c->owner = strdup("");
        if (!c->bundle || !c->created || !c->owner ||
            copy_kvs(&c->annotations, &x->spec->annotations) < 0)
                return rterr_errno(err, "create %s", c->id);
        if (write_new_file(c->lock_fd, STATE_CONFIG, x->config_text, x->config_len, err) < 0)
                return -1;
        /* 0644: the container process, maybe no longer root, opens it for reading; only root
         * may open it for writing, which is what starts the container. */
        if (mkfifoat(c->lock_fd, STATE_FIFO, 0644) < 0 ||
            fchmodat(c->lock_fd, STATE_FIFO, 0644, 0) < 0)
                return rterr_errno(err, "create exec fifo in %s", c->dir);
        x->state_fd = openat(c->lock_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (x->state_fd < 0)
                return rterr_errno(err, "open %s", c->dir);
        return 0;
}

/* linux.cgroupsPath, or where rt/ wants a DEADLINE container on a v2 CPU set to live when
 * the config names none (the CPU set's partition is the parent; rt/partition.c). */
static int choose_cgroup(struct create_ctx *x, struct rterr *err)
{
        const struct oci_spec *s = x->spec;
        const char *path = s->linux_.cgroups_path;
        if ((path && path[0]) || x->g->systemd_cgroup) {
                if (path == NULL)
                        return 0;
                x->cg_request = strdup(path);
                return x->cg_request ? 0 : rterr_errno(err, "cgroup path");
        }
        char rt_path[4096];
        int r = rt_cgroups_path_default(s, cg_host_layout(x->host), x->c->id, rt_path,
                                        sizeof(rt_path), err);
        if (r <= 0)
                return r;
        x->cg_request = strdup(rt_path);
        x->rt_parent = strndup(rt_path, (size_t)(strrchr(rt_path, '/') - rt_path));
        if (x->cg_request == NULL || x->rt_parent == NULL)
                return rterr_errno(err, "cgroup path");
        return 0;
}

/* Intent first: state.json names the cgroup before it is made, so `delete --force` finds
 * whatever a create killed at any later instruction left. It is not ours until made and found
 * empty (cgroup_owned): until then delete removes it only if it holds no process. */
static int record_intent(struct create_ctx *x, struct rterr *err)
{
        x->c->creating = true;
        if (cg_host_detect(&x->host, err) < 0 || choose_cgroup(x, err) < 0)
                return -1;
        enum cg_manager mgr = x->g->systemd_cgroup ? CG_MANAGER_SYSTEMD : CG_MANAGER_CGROUPFS;
        if (cg_path_for(mgr, x->cg_request, x->c->id, &x->c->cgroup_path, err) < 0)
                return -1;
        return container_save(x->c, err);
}

/* The unified directory only: the container process is cloned into it. */
static int prepare_cgroup(struct create_ctx *x, struct rterr *err)
{
        enum cg_manager mgr = x->g->systemd_cgroup ? CG_MANAGER_SYSTEMD : CG_MANAGER_CGROUPFS;
        if (cg_create_begin(x->host, mgr, x->cg_request, x->c->id, &x->cg, err) < 0)
                return -1;
        x->c->cgroup_owned = true;
        return container_save(x->c, err);
}

/* The rest of the cgroup, made while the container process builds its namespaces: it joins
 * the v1 hierarchies itself on SYNC_GO (or is joined by handshake). */
static int finish_cgroup(struct create_ctx *x, struct rterr *err)
{
        const struct oci_spec *s = x->spec;
        struct rtwarn warn = log_warn_sink(x->g);
        if (cg_create_finish(x->cg, x->pid, s->linux_.has_resources ? &s->linux_.resources : NULL,
                             err) < 0)
                return -1;
        if (cg_found_tasks(x->cg) > 0)
                log_msg(x->g, LOG_WARN,
                        "container's cgroup %s is not empty: %zu process(es) found; they share "
                        "its limits and delete kills them",
                        cg_path(x->cg), cg_found_tasks(x->cg));
        /* rt/ first: on v1 the parents' RT budgets must be raised before cg_apply writes the
         * container's cpu.rt_runtime_us. */
        if (rt_container_setup(x->host, x->cg, s, &warn, err) < 0)
                return -1;
        x->rt_done = true;
        if (s->linux_.has_resources && cg_apply(x->cg, &s->linux_.resources, &warn, err) < 0)
                return rterr_wrap(err, "linux.resources");
        return 0;
}

static int prepare_console(struct create_ctx *x, struct rterr *err)
{
        if (x->o->restore)
                return 0; /* CRIU restores the terminal (--shell-job) or refuses */
        if (!x->spec->process.terminal) {
                if (x->o->console_socket)
                        log_msg(x->g, LOG_WARN,
                                "--console-socket given but process.terminal is "
                                "false: ignored");
                return 0;
        }
        if (x->o->console_socket)
                return console_connect(x->o->console_socket, &x->console_fd, err);
        if (!x->o->foreground || x->o->proxy_master == NULL)
                return rterr_set(err, EINVAL,
                                 "process.terminal is true: create and run --detach "
                                 "need --console-socket");
        /* run in the foreground: we proxy the container's pty to our stdio, as runc does. */
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return rterr_errno(err, "socketpair");
        x->proxy_fd = sv[0];
        x->console_fd = sv[1];
        return 0;
}

/* In a user namespace the container process cannot write the host's cgroup files. */
static bool self_join(const struct create_ctx *x)
{
        return !x->ns.create[OCI_NS_USER] && x->ns.join_fd[OCI_NS_USER] < 0;
}

/* Whether the container process must wait for us before its set-up: for its id maps, its
 * cgroup (joined by us), or its host pid (hooks and the seccomp listener get it in the state).
 * Otherwise it builds its namespaces at once and waits for SYNC_GO only to join its cgroup. */
static bool wait_go(const struct create_ctx *x)
{
        const struct oci_spec *s = x->spec;
        return !self_join(x) || x->ns.needs_fork || s->hooks.create_container.n > 0 ||
               s->hooks.start_container.n > 0 || s->linux_.seccomp.listener_path != NULL;
}

static int spawn(struct create_ctx *x, struct rterr *err)
{
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return rterr_errno(err, "socketpair");
        x->sync_fd = sv[0];
        x->child_fd = sv[1];
        if (ns_parent_prepare(x->spec, &x->ns, err) < 0) {
                ns_parent_restore(&x->ns, NULL);
                return -1;
        }
        pid_t pid = clone_child(x->ns.clone_flags, cg_clone_fd(x->cg));
        if (pid == 0) {
                close(x->sync_fd);
                struct init_args a = {
                    .spec = x->spec,
                    .c = x->c,
                    .o = x->o,
                    .ns = &x->ns,
                    .sync_fd = x->child_fd,
                    .state_fd = x->state_fd,
                    .console_fd = x->console_fd,
                    .listener_fd = x->listener_fd,
                    .lock_fd = x->c->lock_fd,
                    .src_fds = x->src_fds,
                    .cg = x->cg,
                    .self_join = self_join(x),
                    .wait_go = wait_go(x),
                };
                container_init(&a);
        }
        int saved = errno;
        if (ns_parent_restore(&x->ns, err) < 0) {
                if (pid > 0)
                        x->pid = pid;
                return -1;
        }
        if (pid < 0)
                return rterr_sys(err, saved, "clone the container process (flags 0x%x)",
                                 x->ns.clone_flags);
        x->pid = pid;
        close(x->child_fd);
        x->child_fd = -1;
        return 0;
}

/* Drives the container process through the steps that need the host: id maps, cgroup, the
 * runtime-namespace hooks. */
static int handshake(struct create_ctx *x, struct rterr *err)
{
        const struct oci_spec *s = x->spec;
        if ((x->ns.clone_flags & CLONE_NEWUSER) && ns_write_id_maps(x->pid, s, err) < 0)
                return -1;
        if (finish_cgroup(x, err) < 0)
                return -1;
        if (!self_join(x) && cg_join(x->cg, x->pid, err) < 0)
                return rterr_wrap(err, "join the container's cgroup");
        if (x->ns.unshare_flags & CLONE_NEWUSER) {
                if (sync_expect(x->sync_fd, SYNC_USERNS, NULL, "user namespace", err) < 0 ||
                    ns_write_id_maps(x->pid, s, err) < 0)
                        return -1;
        }
        if (sync_send(x->sync_fd, SYNC_GO, x->ns.needs_fork ? 0 : x->pid, err) < 0) {
                /* It may have failed on its own meanwhile: then its error is the one to tell. */
                struct sync_msg m;
                struct rterr why = {0};
                if (sync_recv(x->sync_fd, &m, "container set-up", &why) < 0 && why.code != EPIPE)
                        *err = why;
                return -1;
        }
        if (x->ns.needs_fork) {
                pid_t child = x->pid;
                if (sync_expect(x->sync_fd, SYNC_GRANDCHILD, &x->pid, "pid namespace", err) < 0)
                        return -1;
                waitpid(child, NULL, 0);
                if (sync_send(x->sync_fd, SYNC_PID, x->pid, err) < 0)
                        return -1;
        }
        x->c->pid = x->pid;
        for (bool moved = false;; moved = true) {
                struct sync_msg m;
                if (sync_recv(x->sync_fd, &m, "container set-up", err) < 0)
                        return -1;
                /* It talks after SYNC_GO: its namespaces exist. */
                if (!moved && netdev_move_in(s, x->pid, x->c->dir, err) < 0)
                        return -1;
                if (m.type == SYNC_READY)
                        return 0;
                if (m.type != SYNC_HOOKS)
                        return rterr_set(err, EPROTO, "unexpected sync message %d", m.type);
                if (hooks_run_state(&s->hooks.prestart, "prestart", x->c, OCI_STATUS_CREATING,
                                    err) < 0 ||
                    hooks_run_state(&s->hooks.create_runtime, "createRuntime", x->c,
                                    OCI_STATUS_CREATING, err) < 0 ||
                    sync_send(x->sync_fd, SYNC_HOOKS_DONE, 0, err) < 0)
                        return -1;
        }
}

static void close_fd(int *fd)
{
        if (*fd >= 0)
                close(*fd);
        *fd = -1;
}

/* Undoes a create that failed part-way: nothing may be left behind. */
static void create_abort(struct create_ctx *x)
{
        if (x->c)
                netdev_return(x->c->dir, NULL);
        if (x->pid > 0) {
                kill(x->pid, SIGKILL);
                waitpid(x->pid, NULL, 0);
        }
        if (x->cg) {
                if (x->rt_done)
                        rt_container_teardown(x->host, x->cg, NULL);
                cg_destroy(x->cg, NULL);
                rt_container_removed(NULL);
                /* Made by cg_create_begin for a claim that never got recorded: empty unless
                 * another container uses it, and then rmdir fails harmlessly. */
                if (x->rt_parent && x->host)
                        cg_remove_empty(x->host, x->rt_parent);
        }
        if (x->admitted)
                admission_release(x->g, x->o->id, NULL);
        if (x->c)
                container_remove_dir(x->c, NULL);
}

static void create_ctx_free(struct create_ctx *x)
{
        close_fd(&x->sync_fd);
        close_fd(&x->child_fd);
        close_fd(&x->state_fd);
        close_fd(&x->console_fd);
        close_fd(&x->proxy_fd);
        close_fd(&x->listener_fd);
        for (size_t i = 0; x->src_fds && x->spec && i < x->spec->n_mounts; i++)
                close_fd(&x->src_fds[i]);
        free(x->src_fds);
        ns_plan_close(&x->ns);
        cg_free(x->cg);
        cg_host_free(x->host);
        container_free(x->c);
        oci_spec_free(x->spec);
        free(x->config_text);
        free(x->bundle);
        free(x->rt_parent);
        free(x->cg_request);
}

/* The container process died without a word (OOM kill, crash): say how. */
static int explain_exit(struct create_ctx *x, struct rterr *err)
{
        int status;
        if (err->code != EPIPE || x->pid <= 0 || waitpid(x->pid, &status, 0) != x->pid)
                return -1;
        x->pid = 0;
        char msg[sizeof(err->msg)];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        const struct oci_memory *mem = &x->spec->linux_.resources.memory;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && mem->limit.set &&
            mem->limit.v > 0)
                return rterr_set(err, EPIPE,
                                 "%.800s (killed by signal 9: most likely the OOM killer, "
                                 "linux.resources.memory.limit is %lld bytes)",
                                 msg, (long long)mem->limit.v);
        if (WIFSIGNALED(status))
                return rterr_set(err, EPIPE, "%.900s (killed by signal %d)", msg, WTERMSIG(status));
        return rterr_set(err, EPIPE, "%.900s (exit status %d)", msg, WEXITSTATUS(status));
}

/* For restore: the cgroup made around the helper that becomes criu, as around the cloned
 * process at create (rt/'s CPU set and partition included), then the helper moved in. */
static int restore_cgroup(void *arg, pid_t helper, struct rterr *err)
{
        struct create_ctx *x = arg;
        x->pid = helper;
        int rc = finish_cgroup(x, err);
        if (rc == 0 && cg_join(x->cg, helper, err) < 0)
                rc = rterr_wrap(err, "join the container's cgroup");
        x->pid = 0; /* criu_restore_process reaps it */
        return rc;
}

/* Restore's process step: criu in place of spawn and handshake, then the process's
 * scheduling as create gives it (CRIU restored it SCHED_OTHER; runtime/checkpoint.c). */
static int restore_process(struct create_ctx *x, struct rterr *err)
{
        pid_t pid = 0;
        int rc = criu_restore_process(x->g, x->o->restore, x->spec, x->bundle, x->c, x->cg,
                                      restore_cgroup, x, &pid, err);
        x->pid = pid;
        if (rc < 0)
                return -1;
        x->c->pid = pid;
        if (rt_task_apply(pid, &x->spec->process.scheduler, err) < 0)
                return rterr_wrap(err, "restore: process.scheduler");
        return 0;
}

static int create_steps(struct create_ctx *x, struct rterr *err)
{
        char *rootfs = NULL;
        char criu[32];
        if (x->o->restore && criu_restore_check(x->o->restore, criu, sizeof(criu), err) < 0)
                return -1;
        if (container_id_validate(x->o->id, err) < 0 || load_bundle(x, err) < 0 ||
            rootfs_path(x, &rootfs, err) < 0)
                return -1;
        if (validate_spec(x->spec, rootfs, err) < 0) {
                free(rootfs);
                return -1;
        }
        /* The state directory before the reservation: from here on `delete --force ID` can
         * release whatever a kill leaves. */
        if (prepare_state(x, rootfs, err) < 0 || record_intent(x, err) < 0 ||
            admission_reserve(x->g, x->o->id, x->spec, &x->admitted, err) < 0 ||
            prepare_console(x, err) < 0 ||
            seccomp_listener_connect(&x->spec->linux_.seccomp, &x->listener_fd, err) < 0 ||
            ns_plan_build(x->spec, &x->ns, err) < 0 ||
            (!self_join(x) && mount_open_bind_sources(x->spec, x->bundle, &x->src_fds, err) < 0) ||
            prepare_cgroup(x, err) < 0)
                return -1;
        if (x->o->restore) {
                if (restore_process(x, err) < 0)
                        return -1;
        } else {
                if (spawn(x, err) < 0)
                        return -1;
                if (handshake(x, err) < 0)
                        return explain_exit(x, err);
                if (x->proxy_fd >= 0 && console_recv_fd(x->proxy_fd, x->o->proxy_master, err) < 0)
                        return -1;
        }
        log_msg(x->g, LOG_DEBUG, "container %s: init pid %d, clone flags 0x%x, unshare 0x%x%s",
                x->c->id, (int)x->pid, x->ns.clone_flags, x->ns.unshare_flags,
                self_join(x) ? ", joins its cgroup itself" : "");
        if (proc_stat_read(x->pid, &x->c->pid_starttime, NULL) < 0)
                return rterr_errno(err, "read /proc/%d/stat", (int)x->pid);
        if (x->admitted && admission_bind(x->g, x->o->id, x->pid, err) < 0)
                return -1;
        x->c->creating = false;
        if (container_save(x->c, err) < 0)
                return -1;
        x->c->status = x->o->restore ? OCI_STATUS_RUNNING : OCI_STATUS_CREATED;
        if (x->o->pid_file && pid_file_write(x->o->pid_file, x->pid, err) < 0)
                return -1;
        return 0;
}

int container_create(const struct runtime_ctx *g, const struct launch_opts *o,
                     struct container **out, struct oci_spec **spec, struct rterr *err)
{
        struct create_ctx x = {
            .g = g,
            .o = o,
            .sync_fd = -1,
            .child_fd = -1,
            .state_fd = -1,
            .console_fd = -1,
            .proxy_fd = -1,
            .listener_fd = -1,
        };
        for (int t = 0; t < OCI_NS_COUNT; t++)
                x.ns.join_fd[t] = -1;
        x.ns.saved_pid_fd = x.ns.saved_time_fd = -1;
        if (create_steps(&x, err) < 0) {
                create_abort(&x);
                create_ctx_free(&x);
                return -1;
        }
        *out = TAKE_PTR(x.c);
        *spec = TAKE_PTR(x.spec);
        create_ctx_free(&x);
        return 0;
}
