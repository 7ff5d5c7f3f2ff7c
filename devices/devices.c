#include "devices/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/common.h"

struct devnode {
        const char *path;
        const char *host; /* the node bind-mounted in a user namespace */
        mode_t type;      /* S_IFCHR, S_IFBLK, S_IFIFO */
        unsigned major, minor;
        mode_t mode;
        uid_t uid;
        gid_t gid;
};

/* In runc's order: with a user namespace they are bind mounts, and mountinfo shows the order. */
static const struct devnode default_devices[] = {
    {"/dev/null", "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},
    {"/dev/random", "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"/dev/full", "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},
    {"/dev/tty", "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
    {"/dev/zero", "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/urandom", "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0},
};

static int node_from_spec(const struct oci_device *d, struct devnode *n, struct rterr *err)
{
        *n = (struct devnode){
            .path = d->path, .host = d->host_path ? d->host_path : d->path, .mode = 0666};
        switch (d->type) {
        case 'c':
        case 'u':
                n->type = S_IFCHR;
                break;
        case 'b':
                n->type = S_IFBLK;
                break;
        case 'p':
                n->type = S_IFIFO;
                break;
        default:
                return rterr_set(err, EINVAL, "linux.devices: %s: unknown type '%c'", d->path,
                                 d->type);
        }
        if (d->major.set && d->minor.set) {
                n->major = (unsigned)d->major.v;
                n->minor = (unsigned)d->minor.v;
        } else if (n->type != S_IFIFO) {
                struct stat st;
                if (stat(d->path, &st) < 0)
                        return rterr_errno(err, "linux.devices: %s: no major/minor and stat",
                                           d->path);
                n->major = major(st.st_rdev);
                n->minor = minor(st.st_rdev);
        }
        if (d->file_mode.set)
                n->mode = (mode_t)d->file_mode.v & 07777;
        n->uid = d->uid.set ? (uid_t)d->uid.v : 0;
        n->gid = d->gid.set ? (gid_t)d->gid.v : 0;
        return 0;
}

/* Binds the host node (at the same path, or a CDI hostPath) over an empty file (no mknod in a
 * user namespace). */
static int bind_node(int parent, const char *base, const struct devnode *n, struct rterr *err)
{
        int fd = openat(parent, base, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0000);
        if (fd < 0)
                return rterr_errno(err, "device %s: create mount point", n->path);
        close(fd);
        _cleanup_close_ int dst = openat(parent, base, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        _cleanup_close_ int src = open(n->host, O_PATH | O_CLOEXEC);
        if (dst < 0 || src < 0)
                return rterr_errno(err, "device %s: open %s for bind mount", n->path,
                                   dst < 0 ? n->path : n->host);
        if (mount(pathres_fdpath(src).s, pathres_fdpath(dst).s, NULL, MS_BIND, NULL) < 0)
                return rterr_errno(err, "device %s: bind mount from the host", n->path);
        return 0;
}

static int create_node(int root_fd, const struct devnode *n, bool bind, struct rterr *err)
{
        const char *slash = strrchr(n->path, '/');
        if (!slash || slash[1] == '\0')
                return rterr_set(err, EINVAL, "device path %s is not absolute", n->path);
        _cleanup_free_ char *dir = strndup(n->path, (size_t)(slash - n->path));
        if (!dir)
                return rterr_errno(err, "device %s", n->path);
        _cleanup_close_ int parent = pathres_mkpath(root_fd, *dir ? dir : "/", PATHRES_DIR, err);
        if (parent < 0)
                return rterr_wrap(err, "device %s", n->path);
        const char *base = slash + 1;
        if (bind)
                return bind_node(parent, base, n, err);
        if (mknodat(parent, base, n->type | n->mode, makedev(n->major, n->minor)) < 0) {
                if (errno == EEXIST)
                        return 0;
                if (errno == EPERM)
                        return bind_node(parent, base, n, err);
                return rterr_errno(err, "device %s: mknod", n->path);
        }
        if (fchownat(parent, base, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return rterr_errno(err, "device %s: chown %u:%u", n->path, n->uid, n->gid);
        return 0;
}

static bool spec_has_device(const struct oci_spec *spec, const char *path)
{
        for (size_t i = 0; i < spec->linux_.n_devices; i++)
                if (strcmp(spec->linux_.devices[i].path, path) == 0)
                        return true;
        return false;
}

int devices_create(int root_fd, const struct oci_spec *spec, bool bind, struct rterr *err)
{
        /* The modes are exact: the process umask must not strip them. */
        mode_t old = umask(0);
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
                if (!spec_has_device(spec, default_devices[i].path))
                        rc = create_node(root_fd, &default_devices[i], bind, err);
        for (size_t i = 0; rc == 0 && i < spec->linux_.n_devices; i++) {
                struct devnode n;
                rc = node_from_spec(&spec->linux_.devices[i], &n, err);
                if (rc == 0)
                        rc = create_node(root_fd, &n, bind, err);
        }
        umask(old);
        return rc;
}

int devices_links(int root_fd, struct rterr *err)
{
        static const char *const links[][2] = {
            {"/proc/self/fd", "fd"},
            {"/proc/self/fd/0", "stdin"},
            {"/proc/self/fd/1", "stdout"},
            {"/proc/self/fd/2", "stderr"},
        };
        _cleanup_close_ int dev = pathres_mkpath(root_fd, "/dev", PATHRES_DIR, err);
        if (dev < 0)
                return -1;
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
                if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
                        return rterr_errno(err, "symlink /dev/%s", links[i][1]);
        if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
            errno != EEXIST)
                return rterr_errno(err, "symlink /dev/core");
        if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
                return rterr_errno(err, "remove /dev/ptmx");
        if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
                return rterr_errno(err, "symlink /dev/ptmx -> pts/ptmx");
        return 0;
}
