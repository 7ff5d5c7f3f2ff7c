/* Namespace plans: what to create with clone, what to join by path, the id maps. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/namespaces.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
        const char *proc;
        int flag;
} ns_info[OCI_NS_COUNT] = {
    [OCI_NS_PID] = {"pid", CLONE_NEWPID},          [OCI_NS_NETWORK] = {"net", CLONE_NEWNET},
    [OCI_NS_MOUNT] = {"mnt", CLONE_NEWNS},         [OCI_NS_IPC] = {"ipc", CLONE_NEWIPC},
    [OCI_NS_UTS] = {"uts", CLONE_NEWUTS},          [OCI_NS_USER] = {"user", CLONE_NEWUSER},
    [OCI_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP}, [OCI_NS_TIME] = {"time", CLONE_NEWTIME},
};

/* setns order: the user namespace first so the others are joined with its capabilities. */
static const enum oci_ns_type join_order[] = {OCI_NS_USER,    OCI_NS_IPC,    OCI_NS_UTS,
                                              OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_MOUNT,
                                              OCI_NS_TIME,    OCI_NS_PID};

const char *ns_proc_name(enum oci_ns_type t)
{
        return ns_info[t].proc;
}

void ns_plan_close(struct ns_plan *p)
{
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                if (p->join_fd[t] >= 0)
                        close(p->join_fd[t]);
                p->join_fd[t] = -1;
        }
        if (p->saved_pid_fd >= 0)
                close(p->saved_pid_fd);
        if (p->saved_time_fd >= 0)
                close(p->saved_time_fd);
        p->saved_pid_fd = p->saved_time_fd = -1;
}

int ns_plan_build(const struct oci_spec *spec, struct ns_plan *p, struct rterr *err)
{
        *p = (struct ns_plan){.saved_pid_fd = -1, .saved_time_fd = -1};
        for (int t = 0; t < OCI_NS_COUNT; t++)
                p->join_fd[t] = -1;
        for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
                const struct oci_namespace *ns = &spec->linux_.namespaces[i];
                if (ns->path == NULL || ns->path[0] == '\0') {
                        p->create[ns->type] = true;
                        continue;
                }
                p->join_fd[ns->type] = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (p->join_fd[ns->type] < 0) {
                        rterr_errno(err, "linux.namespaces[%zu].path: open %s", i, ns->path);
                        ns_plan_close(p);
                        return -1;
                }
        }
        bool joins = false;
        for (int t = 0; t < OCI_NS_COUNT; t++)
                if (t != OCI_NS_PID && t != OCI_NS_TIME && p->join_fd[t] >= 0)
                        joins = true;
        /* The cgroup namespace is unshared by the child once it is in its cgroup; the time
         * namespace is entered by the parent (offsets must be written before anyone is in it,
         * and clone(2) has no room for CLONE_NEWTIME). */
        int flags = 0;
        for (int t = 0; t < OCI_NS_COUNT; t++)
                if (p->create[t] && t != OCI_NS_CGROUP && t != OCI_NS_TIME)
                        flags |= ns_info[t].flag;
        if (!joins && !p->create[OCI_NS_USER]) {
                /* Only a pid namespace must come with clone(2). The child unshares the others
                 * itself (a network namespace alone takes about 0.4 ms), while rtrun makes
                 * the container's v1 cgroups (create.c). */
                p->clone_flags = flags & CLONE_NEWPID;
                p->unshare_flags = flags & ~CLONE_NEWPID;
        } else if (!joins) {
                p->clone_flags = flags;
        } else {
                /* Join first, then create: the new namespaces must be owned by the joined user
                 * namespace (or the new one), as a pid namespace only applies to children. */
                p->unshare_flags = flags;
                p->needs_fork = p->create[OCI_NS_PID];
        }
        return 0;
}

static int write_time_offsets(const struct oci_spec *spec, struct rterr *err)
{
        char buf[128];
        size_t n = 0;
        const struct oci_time_offset *mono = &spec->linux_.time_monotonic;
        const struct oci_time_offset *boot = &spec->linux_.time_boottime;
        if (mono->set)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "monotonic %lld %u\n",
                                      (long long)mono->secs, mono->nanosecs);
        if (boot->set)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "boottime %lld %u\n",
                                      (long long)boot->secs, boot->nanosecs);
        if (n == 0)
                return 0;
        if (write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, err) < 0)
                return rterr_wrap(err, "linux.timeOffsets");
        return 0;
}

int ns_parent_prepare(const struct oci_spec *spec, struct ns_plan *p, struct rterr *err)
{
        if (p->create[OCI_NS_TIME] || p->join_fd[OCI_NS_TIME] >= 0) {
                p->saved_time_fd = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
                if (p->saved_time_fd < 0)
                        return rterr_errno(err, "open /proc/self/ns/time");
        }
        /* unshare(CLONE_NEWTIME) moves only our future children into the new namespace; its
         * offsets can be set until the first process enters it. */
        if (p->create[OCI_NS_TIME]) {
                if (unshare(CLONE_NEWTIME) < 0)
                        return rterr_errno(err, "linux.namespaces: create time namespace");
                if (write_time_offsets(spec, err) < 0)
                        return -1;
        } else if (p->join_fd[OCI_NS_TIME] >= 0 && setns(p->join_fd[OCI_NS_TIME], 0) < 0) {
                return rterr_errno(err, "linux.namespaces: join time namespace");
        }
        if (p->join_fd[OCI_NS_PID] >= 0) {
                p->saved_pid_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
                if (p->saved_pid_fd < 0)
                        return rterr_errno(err, "open /proc/self/ns/pid");
                if (setns(p->join_fd[OCI_NS_PID], CLONE_NEWPID) < 0)
                        return rterr_errno(err, "linux.namespaces: join pid namespace");
        }
        return 0;
}

int ns_parent_restore(struct ns_plan *p, struct rterr *err)
{
        if (p->saved_time_fd >= 0 && setns(p->saved_time_fd, CLONE_NEWTIME) < 0)
                return rterr_errno(err, "return to the host time namespace");
        if (p->saved_pid_fd >= 0 && setns(p->saved_pid_fd, CLONE_NEWPID) < 0)
                return rterr_errno(err, "return to the host pid namespace");
        return 0;
}

int ns_join_paths(const struct ns_plan *p, struct rterr *err)
{
        for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
                enum oci_ns_type t = join_order[i];
                if (t == OCI_NS_PID || t == OCI_NS_TIME || p->join_fd[t] < 0)
                        continue;
                if (setns(p->join_fd[t], ns_info[t].flag) < 0)
                        return rterr_errno(err, "join %s namespace", ns_info[t].proc);
        }
        return 0;
}

static int write_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n,
                     struct rterr *err)
{
        if (n == 0)
                return 0;
        char buf[4096], path[64];
        size_t len = 0;
        for (size_t i = 0; i < n && len < sizeof(buf) - 64; i++)
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
                                        m[i].container_id, m[i].host_id, m[i].size);
        snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
        return write_file_at(AT_FDCWD, path, buf, err);
}

int ns_write_id_maps(pid_t pid, const struct oci_spec *spec, struct rterr *err)
{
        const struct oci_linux *l = &spec->linux_;
        /* Without CAP_SETGID in the parent namespace, gid_map can only be written once
         * setgroups is denied (user_namespaces(7)). */
        if (geteuid() != 0) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
                if (write_file_at(AT_FDCWD, path, "deny", err) < 0)
                        return -1;
        }
        if (write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
                return rterr_wrap(err, "linux.uidMappings");
        if (write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err) < 0)
                return rterr_wrap(err, "linux.gidMappings");
        return 0;
}

void ns_close_fds(int fds[OCI_NS_COUNT])
{
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                if (fds[t] >= 0)
                        close(fds[t]);
                fds[t] = -1;
        }
}

int ns_open_of_pid(pid_t pid, int fds[OCI_NS_COUNT], struct rterr *err)
{
        for (int t = 0; t < OCI_NS_COUNT; t++)
                fds[t] = -1;
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                char theirs[64], ours[64];
                snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, ns_info[t].proc);
                snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_info[t].proc);
                struct stat a, b;
                if (stat(theirs, &a) < 0) {
                        if (errno == ENOENT && t == OCI_NS_TIME)
                                continue; /* kernel without time namespaces */
                        rterr_errno(err, "stat %s", theirs);
                        ns_close_fds(fds);
                        return -1;
                }
                if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
                        continue;
                fds[t] = open(theirs, O_RDONLY | O_CLOEXEC);
                if (fds[t] < 0) {
                        rterr_errno(err, "open %s", theirs);
                        ns_close_fds(fds);
                        return -1;
                }
        }
        return 0;
}

int ns_join_fds(int fds[OCI_NS_COUNT], bool skip_pid, struct rterr *err)
{
        for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
                enum oci_ns_type t = join_order[i];
                if (fds[t] < 0 || (skip_pid && t == OCI_NS_PID))
                        continue;
                if (setns(fds[t], ns_info[t].flag) < 0)
                        return rterr_errno(err, "join the container's %s namespace",
                                           ns_info[t].proc);
        }
        return 0;
}
