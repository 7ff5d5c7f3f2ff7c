#include "runtime/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/common.h"

#define PROPAGATION_TYPES (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

static bool is_dest(const struct oci_mount *m, const char *path)
{
        const char *d = m->destination;
        size_t n = strlen(path);
        while (*d == '/' && d[1] == '/')
                d++;
        if (strncmp(d, path, n) != 0)
                return false;
        return d[n + strspn(d + n, "/")] == '\0';
}

enum mount_kind mount_kind_of(const struct oci_mount *m)
{
        const char *t = m->type ? m->type : "";
        if ((m->flags & MS_BIND) || m->recursive_bind || strcmp(t, "bind") == 0)
                return MOUNT_KIND_BIND;
        if (strcmp(t, "proc") == 0)
                return MOUNT_KIND_PROC;
        if (strcmp(t, "sysfs") == 0)
                return MOUNT_KIND_SYSFS;
        if (strcmp(t, "tmpfs") == 0)
                return MOUNT_KIND_TMPFS;
        if (strcmp(t, "cgroup") == 0 || strcmp(t, "cgroup2") == 0)
                return MOUNT_KIND_CGROUP;
        return MOUNT_KIND_OTHER;
}

bool mount_populates_dev(const struct oci_spec *spec)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct oci_mount *m = &spec->mounts[i];
                const char *d = m->destination ? m->destination : "";
                if (mount_kind_of(m) == MOUNT_KIND_BIND && d[0] == '/' && strspn(d, "/") == 1 &&
                    strncmp(d + 1, "dev", 3) == 0 && d[4 + strspn(d + 4, "/")] == '\0')
                        return false;
        }
        return true;
}

unsigned long mount_initial_flags(const struct oci_mount *m)
{
        unsigned long f = m->flags & ~(PROPAGATION_TYPES | MS_REC | MS_BIND);
        switch (mount_kind_of(m)) {
        case MOUNT_KIND_BIND:
                return MS_BIND | (m->recursive_bind || (m->flags & MS_REC) ? MS_REC : 0);
        case MOUNT_KIND_TMPFS:
                return f & ~MS_RDONLY;
        default:
                return is_dest(m, "/dev") ? f & ~MS_RDONLY : f;
        }
}

bool mount_bind_needs_remount(const struct oci_mount *m)
{
        return (m->flags & ~(PROPAGATION_TYPES | MS_REC | MS_BIND | MS_REMOUNT)) != 0;
}

bool mount_needs_late_ro(const struct oci_mount *m)
{
        enum mount_kind k = mount_kind_of(m);
        if (!(m->flags & MS_RDONLY) || k == MOUNT_KIND_BIND)
                return false;
        return k == MOUNT_KIND_TMPFS || is_dest(m, "/dev");
}

int mount_set_propagation(const char *target, unsigned long propagation, struct rterr *err)
{
        static const unsigned long types[] = {MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE};
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                if (!(propagation & types[i]))
                        continue;
                if (mount(NULL, target, NULL, types[i] | (propagation & MS_REC), NULL) < 0)
                        return rterr_errno(err, "set propagation of %s", target);
        }
        return 0;
}

/* The mount flags the kernel reports for the mount at fd that a remount may not clear (in a
 * user namespace they are locked: fs/namespace.c can_change_locked_flags). */
static unsigned long locked_flags(int fd)
{
        struct statfs s;
        if (fstatfs(fd, &s) < 0)
                return 0;
        return (unsigned long)s.f_flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
                                           MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
}

static int remount_bind(int root_fd, const struct oci_mount *m, struct rterr *err)
{
        /* Reopen: the fd taken before the mount names the covered directory, not the new
         * mount on top of it. */
        _cleanup_close_ int fd = pathres_open(root_fd, m->destination, 0);
        if (fd < 0)
                return rterr_errno(err, "mount %s: reopen destination", m->destination);
        unsigned long flags = (m->flags & ~(PROPAGATION_TYPES | MS_REC)) | MS_BIND | MS_REMOUNT;
        struct pathres_fdpath target = pathres_fdpath(fd);
        if (mount(NULL, target.s, NULL, flags, NULL) == 0)
                return 0;
        if (errno != EPERM)
                return rterr_errno(err, "mount %s: remount bind with its options", m->destination);
        if (mount(NULL, target.s, NULL, flags | locked_flags(fd), NULL) < 0)
                return rterr_errno(err, "mount %s: remount bind with its options", m->destination);
        return 0;
}

/* Files under /proc that may be bind-mounted from elsewhere (LXCFS-style overrides); any other
 * bind mount onto /proc could hide the kernel's view from the runtime (CVE-2019-16884 class). */
static bool proc_bind_allowed(const char *dest, int src_fd)
{
        static const char *const allowed[] = {
            "/proc/cpuinfo", "/proc/diskstats",
            "/proc/meminfo", "/proc/stat",
            "/proc/swaps",   "/proc/uptime",
            "/proc/loadavg", "/proc/slabinfo",
            "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
        };
        const char *d = dest;
        while (d[0] == '/' && d[1] == '/')
                d++;
        if (strncmp(d, "/proc", 5) != 0 || (d[5] != '/' && d[5] != '\0'))
                return true;
        struct statfs s;
        if (fstatfs(src_fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC)
                return true;
        for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
                if (strcmp(d, allowed[i]) == 0)
                        return true;
        return false;
}

int mount_open_bind_sources(const struct oci_spec *spec, const char *bundle, int **out,
                            struct rterr *err)
{
        *out = NULL;
        if (spec->n_mounts == 0)
                return 0;
        _cleanup_close_ int bundle_fd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return rterr_errno(err, "open bundle %s", bundle);
        int *fds = malloc(spec->n_mounts * sizeof(int));
        if (!fds)
                return rterr_errno(err, "bind sources");
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct oci_mount *m = &spec->mounts[i];
                /* Failures are the container process's to report, with the usual message. */
                /* A detached copy of the tree (open_tree(2)): unlike a plain fd of the host's
                 * mount, it may be attached in the container's new mount namespace. */
                unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
                if (m->recursive_bind || (m->flags & MS_REC))
                        flags |= AT_RECURSIVE;
                fds[i] = mount_kind_of(m) == MOUNT_KIND_BIND && m->source
                             ? open_tree(bundle_fd, m->source, flags)
                             : -1;
        }
        *out = fds;
        return 0;
}

static int mount_bind(int root_fd, int bundle_fd, const struct oci_mount *m, int src_fd,
                      struct rterr *err)
{
        _cleanup_close_ int pre = src_fd;
        if (!m->source)
                return rterr_set(err, EINVAL, "mount %s: a bind mount needs a source",
                                 m->destination);
        /* The tree create cloned is for a source the container's root cannot reach; any
         * other is bound from its path, as runc does (mount order and ids as with runc). */
        _cleanup_close_ int src = openat(bundle_fd, m->source, O_PATH | O_CLOEXEC);
        bool tree = false;
        if (src < 0 && (errno == EACCES || errno == EPERM) && pre >= 0) {
                src = TAKE_FD(pre);
                tree = true;
        }
        if (src < 0)
                return rterr_errno(err, "mount %s: open source %s", m->destination, m->source);
        struct stat st;
        if (fstat(src, &st) < 0)
                return rterr_errno(err, "mount %s: stat source %s", m->destination, m->source);
        if (!proc_bind_allowed(m->destination, src))
                return rterr_set(err, EPERM,
                                 "mount %s: bind mounts onto /proc are only allowed from procfs "
                                 "or for a few files",
                                 m->destination);
        _cleanup_close_ int dst = pathres_mkpath(
            root_fd, m->destination, S_ISDIR(st.st_mode) ? PATHRES_DIR : PATHRES_FILE, err);
        if (dst < 0)
                return rterr_wrap(err, "mount %s", m->destination);
        struct pathres_fdpath s = pathres_fdpath(src), d = pathres_fdpath(dst);
        if (tree) {
                if (move_mount(src, "", dst, "",
                               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                        return rterr_errno(err, "mount %s: attach %s", m->destination, m->source);
        } else if (mount(s.s, d.s, NULL, mount_initial_flags(m), NULL) < 0) {
                return rterr_errno(err, "mount %s: bind %s", m->destination, m->source);
        }
        if (mount_bind_needs_remount(m) && remount_bind(root_fd, m, err) < 0)
                return -1;
        return 0;
}

static int mount_fs(int root_fd, const struct oci_mount *m, enum mount_kind k, struct rterr *err)
{
        int existed = pathres_open(root_fd, m->destination, 0);
        struct stat before = {0};
        /* The image's directory, still readable through this fd once the tmpfs covers it. */
        _cleanup_close_ int covered = -1;
        if (existed >= 0) {
                int rc = fstat(existed, &before);
                bool copyup =
                    rc == 0 && k == MOUNT_KIND_TMPFS && m->tmpcopyup && S_ISDIR(before.st_mode);
                if (copyup)
                        covered = openat(existed, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                close(existed);
                if (rc < 0)
                        return rterr_errno(err, "mount %s: stat destination", m->destination);
                if (copyup && covered < 0)
                        return rterr_errno(err, "mount %s: tmpcopyup: open the image's directory",
                                           m->destination);
                if ((k == MOUNT_KIND_PROC || k == MOUNT_KIND_SYSFS) && !S_ISDIR(before.st_mode))
                        return rterr_set(err, ENOTDIR,
                                         "mount %s: the destination of a %s mount must be a "
                                         "directory",
                                         m->destination, m->type);
        }
        _cleanup_close_ int dst = pathres_mkpath(root_fd, m->destination, PATHRES_DIR, err);
        if (dst < 0)
                return rterr_wrap(err, "mount %s", m->destination);
        const char *data = m->data && *m->data ? m->data : NULL;
        const char *source = m->source ? m->source : m->type;
        if (mount(source, pathres_fdpath(dst).s, m->type, mount_initial_flags(m), data) < 0)
                return rterr_errno(err, "mount %s (type %s)", m->destination, m->type);
        /* A tmpfs over an existing directory keeps that directory's mode, as runc does. */
        if (k == MOUNT_KIND_TMPFS && existed >= 0) {
                _cleanup_close_ int top = pathres_open(root_fd, m->destination, 0);
                if (top < 0 || chmod(pathres_fdpath(top).s, before.st_mode & 07777) < 0)
                        return rterr_errno(err, "mount %s: chmod tmpfs", m->destination);
        }
        if (covered >= 0) {
                _cleanup_close_ int top = pathres_open(root_fd, m->destination, 0);
                _cleanup_close_ int dir =
                    top < 0 ? -1 : openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir < 0)
                        return rterr_errno(err, "mount %s: open the new tmpfs", m->destination);
                if (mount_tmpfs_copyup(covered, dir, m->destination, err) < 0)
                        return -1;
        }
        return 0;
}

/* "rro", "rnosuid", ...: the attributes on the mount and every mount below it (a plain
 * MS_RDONLY remount of an rbind leaves its submounts writable). */
static int set_rec_attr(int root_fd, const struct oci_mount *m, struct rterr *err)
{
        _cleanup_close_ int top = pathres_open(root_fd, m->destination, 0);
        if (top < 0)
                return rterr_errno(err, "mount %s: reopen destination", m->destination);
        struct mount_attr attr = {.attr_set = m->rec_attr_set, .attr_clr = m->rec_attr_clr};
        if (mount_setattr(top, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return rterr_errno(err, "mount %s: mount_setattr (recursive options)",
                                   m->destination);
        return 0;
}

int mount_apply(int root_fd, int bundle_fd, const struct oci_spec *spec, const struct oci_mount *m,
                int src_fd, struct rterr *err)
{
        _cleanup_close_ int pre = src_fd;
        if (!m->destination || m->destination[0] != '/')
                return rterr_set(err, EINVAL, "mounts: destination %s is not absolute",
                                 m->destination ? m->destination : "(none)");
        enum mount_kind k = mount_kind_of(m);
        int rc;
        if (k == MOUNT_KIND_BIND)
                rc = mount_bind(root_fd, bundle_fd, m, TAKE_FD(pre), err);
        else if (k == MOUNT_KIND_CGROUP)
                rc = mount_cgroup(root_fd, spec, m, err);
        else
                rc = mount_fs(root_fd, m, k, err);
        if (rc == 0 && (m->rec_attr_set || m->rec_attr_clr) && set_rec_attr(root_fd, m, err) < 0)
                return -1;
        if (rc < 0 || !(m->propagation & PROPAGATION_TYPES))
                return rc;
        _cleanup_close_ int top = pathres_open(root_fd, m->destination, 0);
        if (top < 0)
                return rterr_errno(err, "mount %s: reopen destination", m->destination);
        if (mount_set_propagation(pathres_fdpath(top).s, m->propagation, err) < 0)
                return rterr_wrap(err, "mount %s", m->destination);
        return 0;
}

int mount_finalize_ro(const struct oci_mount *m, struct rterr *err)
{
        unsigned long flags =
            (m->flags & ~(PROPAGATION_TYPES | MS_REC)) | MS_BIND | MS_REMOUNT | MS_RDONLY;
        if (mount(NULL, m->destination, NULL, flags, NULL) < 0)
                return rterr_errno(err, "remount %s read-only", m->destination);
        return 0;
}
