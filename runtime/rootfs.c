/* The container's root filesystem: prepared in the new mount namespace, entered with
 * pivot_root (or MS_MOVE + chroot), then finalized (read-only parts, masks, propagation). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/common.h"
#include "devices/devices.h"
#include "runtime/mounts.h"
#include "runtime/setup.h"

/* The mount point (from /proc/self/mountinfo) holding `path`, and whether it is shared. */
static int parent_mount(const char *path, char *out, size_t outlen, bool *shared, struct rterr *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return rterr_errno(err, "open /proc/self/mountinfo");
        char line[4096];
        long best = -1;
        *shared = false;
        snprintf(out, outlen, "/");
        while (fgets(line, sizeof(line), f)) {
                char mp[1024];
                if (sscanf(line, "%*s %*s %*s %*s %1023s", mp) != 1)
                        continue;
                size_t n = strcmp(mp, "/") == 0 ? 0 : strlen(mp);
                if (strncmp(path, mp, n) != 0 || (path[n] != '/' && path[n] != '\0'))
                        continue;
                /* The longest match wins; of equal ones the last, which is on top. */
                if ((long)n < best)
                        continue;
                best = (long)n;
                snprintf(out, outlen, "%s", mp);
                char *sep = strstr(line, " - ");
                *shared = false;
                if (sep) {
                        *sep = '\0';
                        *shared = strstr(line, " shared:") != NULL;
                }
        }
        return 0;
}

/* process.cwd is created when missing (after the mounts, so it may be inside one). */
static int make_cwd(int root_fd, const struct oci_spec *spec, struct rterr *err)
{
        const char *cwd = spec->has_process ? spec->process.cwd : NULL;
        if (!cwd || !*cwd)
                return 0;
        int fd = pathres_mkpath(root_fd, cwd, PATHRES_DIR, err);
        if (fd < 0)
                return rterr_wrap(err, "process.cwd");
        close(fd);
        return 0;
}

int rootfs_prepare(const struct oci_spec *spec, const struct rootfs_opts *o, struct rterr *err)
{
        unsigned long prop = spec->linux_.rootfs_propagation;
        if (mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
                return rterr_errno(err, "set propagation of /");
        /* pivot_root(2) refuses a new root whose parent mount is shared. */
        char parent[1024];
        bool shared = false;
        if (parent_mount(o->rootfs, parent, sizeof(parent), &shared, err) < 0)
                return -1;
        if (shared && mount(NULL, parent, NULL, MS_PRIVATE, NULL) < 0)
                return rterr_errno(err, "make %s private", parent);
        if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return rterr_errno(err, "bind mount rootfs %s", o->rootfs);
        _cleanup_close_ int root_fd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return rterr_errno(err, "open rootfs %s", o->rootfs);
        _cleanup_close_ int bundle_fd =
            o->bundle ? open(o->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC) : AT_FDCWD;
        if (bundle_fd < 0 && bundle_fd != AT_FDCWD)
                return rterr_errno(err, "open bundle %s", o->bundle);
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (mount_apply(root_fd, bundle_fd, spec, &spec->mounts[i],
                                o->src_fds ? o->src_fds[i] : -1, err) < 0)
                        return rterr_wrap(err, "mounts[%zu]", i);
        if (mount_populates_dev(spec) && (devices_create(root_fd, spec, o->has_userns, err) < 0 ||
                                          devices_links(root_fd, err) < 0))
                return -1;
        return make_cwd(root_fd, spec, err);
}

static int pivot(const char *rootfs, struct rterr *err)
{
        _cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (oldroot < 0 || newroot < 0)
                return rterr_errno(err, "pivot_root: open / and %s", rootfs);
        if (fchdir(newroot) < 0)
                return rterr_errno(err, "chdir %s", rootfs);
        /* pivot_root(".", ".") stacks the old root on top of the new one (pivot_root(2)
         * NOTES); unmounting "." from the old root's fd then removes it. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return rterr_errno(err, "pivot_root %s", rootfs);
        if (fchdir(oldroot) < 0)
                return rterr_errno(err, "chdir to the old root");
        /* Keep the detach from propagating to the host's mounts. */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return rterr_errno(err, "make the old root a slave");
        if (umount2(".", MNT_DETACH) < 0)
                return rterr_errno(err, "detach the old root");
        if (chdir("/") < 0)
                return rterr_errno(err, "chdir /");
        return 0;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
        char *o = s;
        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else {
                        *o++ = *s;
                }
        }
        *o = '\0';
}

static bool under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* With MS_MOVE + chroot the host's mounts stay in the container's mount namespace, below its
 * root. The kernel lets a new proc or sysfs be mounted (in a user namespace the container
 * makes) when a full one is visible in the namespace (fs/namespace.c mount_too_revealing),
 * so `unshare -mrpf mount -t proc ...` would succeed: detach every full proc and sysfs mount
 * outside the rootfs first, or cover it where that is refused, as runc does. */
static int hide_host_pseudofs(const char *rootfs, struct rterr *err)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return rterr_errno(err, "--no-pivot: read /proc/self/mountinfo");
        char **points = NULL;
        size_t n = 0;
        char line[4096];
        int r = 0;
        while (r == 0 && fgets(line, sizeof(line), f)) {
                char root[PATH_MAX], point[PATH_MAX], fstype[64];
                char *dash = strstr(line, " - ");
                if (!dash || sscanf(line, "%*d %*d %*s %4095s %4095s", root, point) != 2 ||
                    sscanf(dash + 3, "%63s", fstype) != 1)
                        continue;
                unescape(root);
                unescape(point);
                if (strcmp(root, "/") != 0 ||
                    (strcmp(fstype, "proc") != 0 && strcmp(fstype, "sysfs") != 0) ||
                    under(point, rootfs))
                        continue;
                char **grown = realloc(points, (n + 1) * sizeof(*points));
                if (!grown || !(grown[n] = strdup(point))) {
                        points = grown ? grown : points;
                        r = rterr_errno(err, "--no-pivot: allocate");
                        break;
                }
                points = grown;
                n++;
        }
        fclose(f);
        /* Last mounted first: a mount on top of another goes before it. */
        for (size_t i = n; r == 0 && i-- > 0;) {
                const char *p = points[i];
                if (mount(NULL, p, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
                        if (errno == ENOENT)
                                continue;
                        r = rterr_errno(err, "--no-pivot: make %s a slave", p);
                        break;
                }
                if (umount2(p, MNT_DETACH) == 0)
                        continue;
                if (errno != EINVAL && errno != EPERM)
                        r = rterr_errno(err, "--no-pivot: detach %s", p);
                else if (mount("tmpfs", p, "tmpfs", 0, NULL) < 0)
                        r = rterr_errno(err, "--no-pivot: cover %s", p);
        }
        for (size_t i = 0; i < n; i++)
                free(points[i]);
        free(points);
        return r;
}

static int move_root(const char *rootfs, struct rterr *err)
{
        if (hide_host_pseudofs(rootfs, err) < 0)
                return -1;
        if (chdir(rootfs) < 0)
                return rterr_errno(err, "chdir %s", rootfs);
        if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
                return rterr_errno(err, "move %s to /", rootfs);
        if (chroot(".") < 0)
                return rterr_errno(err, "chroot %s", rootfs);
        if (chdir("/") < 0)
                return rterr_errno(err, "chdir /");
        return 0;
}

int rootfs_pivot(const struct rootfs_opts *o, struct rterr *err)
{
        return o->no_pivot ? move_root(o->rootfs, err) : pivot(o->rootfs, err);
}

/* Bind `path` onto itself read-only, keeping the flags a remount may not drop. */
static int readonly_path(const char *path, struct rterr *err)
{
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
                if (errno == ENOENT)
                        return 0;
                return rterr_errno(err, "linux.readonlyPaths: bind %s", path);
        }
        struct statfs s;
        if (statfs(path, &s) < 0)
                return rterr_errno(err, "linux.readonlyPaths: statfs %s", path);
        unsigned long keep = (unsigned long)s.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
        if (mount(NULL, path, NULL, keep | MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
                return rterr_errno(err, "linux.readonlyPaths: remount %s read-only", path);
        return 0;
}

/* Hide `path`: /dev/null over a file, an empty read-only tmpfs over a directory. */
static int mask_path(const char *path, struct rterr *err)
{
        if (mount("/dev/null", path, NULL, MS_BIND, NULL) == 0 || errno == ENOENT)
                return 0;
        if (errno != ENOTDIR)
                return rterr_errno(err, "linux.maskedPaths: mask %s", path);
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
                return rterr_errno(err, "linux.maskedPaths: mask directory %s", path);
        return 0;
}

static int set_root_readonly(struct rterr *err)
{
        if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0)
                return 0;
        struct statfs s;
        if (statfs("/", &s) < 0)
                return rterr_errno(err, "root.readonly: statfs /");
        if (mount(NULL, "/", NULL, (unsigned long)s.f_flags | MS_BIND | MS_REMOUNT | MS_RDONLY,
                  NULL) < 0)
                return rterr_errno(err, "root.readonly: remount / read-only");
        return 0;
}

int rootfs_finalize(const struct oci_spec *spec, struct rterr *err)
{
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (mount_needs_late_ro(&spec->mounts[i]) &&
                    mount_finalize_ro(&spec->mounts[i], err) < 0)
                        return rterr_wrap(err, "mounts[%zu]", i);
        if (spec->root.readonly && set_root_readonly(err) < 0)
                return -1;
        for (size_t i = 0; i < spec->linux_.readonly_paths.n; i++)
                if (readonly_path(spec->linux_.readonly_paths.v[i], err) < 0)
                        return -1;
        for (size_t i = 0; i < spec->linux_.masked_paths.n; i++)
                if (mask_path(spec->linux_.masked_paths.v[i], err) < 0)
                        return -1;
        return 0;
}
