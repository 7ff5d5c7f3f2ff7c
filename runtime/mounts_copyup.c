/* "tmpcopyup": a new tmpfs starts with a copy of the image directory it covers (Podman marks
 * /tmp, /run, /var/tmp of --read-only and every --tmpfs so). Everything is fd-relative: the
 * source is the covered directory opened before the mount, the target the tmpfs's root, and
 * no path is ever resolved again, so a symlink in the image cannot lead the copy out of it. */
#include "runtime/mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"

/* Deeper trees would need one pair of open directories per level. */
#define COPYUP_MAX_DEPTH 64

/* Regular files with several links, so that the copy links them again. */
struct copied_inode {
        dev_t dev;
        ino_t ino;
        char *path; /* relative to the tmpfs root, for linkat from it */
};

struct copyup {
        int root_fd; /* the tmpfs root */
        const char *dest;
        struct copied_inode *links;
        size_t n_links;
        char path[PATH_MAX]; /* the entry being copied, relative to the tmpfs root */
};

static int copy_bytes(int in, int out)
{
        for (;;) {
                ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
                if (n == 0)
                        return 0;
                if (n > 0)
                        continue;
                if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
                        return -1;
                break;
        }
        char buf[65536];
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                if (n == 0)
                        return 0;
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                for (ssize_t off = 0; off < n;) {
                        ssize_t w = write(out, buf + off, (size_t)(n - off));
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w < 0)
                                return -1;
                        off += w;
                }
        }
}

/* Owner, mode and times of the copy `name` in dst (AT_SYMLINK_NOFOLLOW: a symlink's own). */
static int copy_attrs(int dst, const char *name, const struct stat *st)
{
        if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -1;
        /* chown cleared set-id bits; the mode goes after it. A symlink has no mode of its own. */
        if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
                return -1;
        struct timespec t[2] = {st->st_atim, st->st_mtim};
        return utimensat(dst, name, t, AT_SYMLINK_NOFOLLOW);
}

static int copy_dir(struct copyup *c, int src, int dst, int depth, struct rterr *err);

static int link_again(struct copyup *c, int dst, const char *name, const struct stat *st,
                      bool *done)
{
        *done = false;
        for (size_t i = 0; i < c->n_links; i++) {
                if (c->links[i].dev != st->st_dev || c->links[i].ino != st->st_ino)
                        continue;
                if (linkat(c->root_fd, c->links[i].path, dst, name, 0) < 0)
                        return -1;
                *done = true;
                return 0;
        }
        struct copied_inode *n = realloc(c->links, (c->n_links + 1) * sizeof(*n));
        if (n == NULL)
                return -1;
        c->links = n;
        n[c->n_links] =
            (struct copied_inode){.dev = st->st_dev, .ino = st->st_ino, .path = strdup(c->path)};
        if (n[c->n_links].path == NULL)
                return -1;
        c->n_links++;
        return 0;
}

static int copy_file(struct copyup *c, int src, int dst, const char *name, const struct stat *st)
{
        if (st->st_nlink > 1) {
                bool linked;
                if (link_again(c, dst, name, st, &linked) < 0)
                        return -1;
                if (linked)
                        return 0;
        }
        _cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return -1;
        _cleanup_close_ int out =
            openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0 || copy_bytes(in, out) < 0)
                return -1;
        return 0;
}

static int copy_entry(struct copyup *c, int src, int dst, const char *name, int depth,
                      struct rterr *err)
{
        struct stat st;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return rterr_errno(err, "mount %s: tmpcopyup: stat %s", c->dest, c->path);
        int rc = 0;
        switch (st.st_mode & S_IFMT) {
        case S_IFDIR: {
                if (depth >= COPYUP_MAX_DEPTH)
                        return rterr_set(err, ELOOP,
                                         "mount %s: tmpcopyup: %s is more than %d levels deep",
                                         c->dest, c->path, COPYUP_MAX_DEPTH);
                if (mkdirat(dst, name, 0700) < 0)
                        return rterr_errno(err, "mount %s: tmpcopyup: mkdir %s", c->dest, c->path);
                _cleanup_close_ int s =
                    openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int d =
                    openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0)
                        return rterr_errno(err, "mount %s: tmpcopyup: open %s", c->dest, c->path);
                if (copy_dir(c, s, d, depth + 1, err) < 0)
                        return -1;
                break;
        }
        case S_IFREG:
                rc = copy_file(c, src, dst, name, &st);
                break;
        case S_IFLNK: {
                char target[PATH_MAX];
                ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
                if (n < 0)
                        return rterr_errno(err, "mount %s: tmpcopyup: readlink %s", c->dest,
                                           c->path);
                target[n] = '\0';
                rc = symlinkat(target, dst, name);
                break;
        }
        default: /* devices, fifos and sockets: the node itself */
                rc = mknodat(dst, name, st.st_mode & (S_IFMT | 0600), st.st_rdev);
                break;
        }
        if (rc < 0)
                return rterr_errno(err, "mount %s: tmpcopyup: copy %s", c->dest, c->path);
        if (copy_attrs(dst, name, &st) < 0)
                return rterr_errno(err, "mount %s: tmpcopyup: owner and mode of %s", c->dest,
                                   c->path);
        return 0;
}

static int copy_dir(struct copyup *c, int src, int dst, int depth, struct rterr *err)
{
        int fd = dup(src);
        _cleanup_closedir_ DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        if (dir == NULL) {
                if (fd >= 0)
                        close(fd);
                return rterr_errno(err, "mount %s: tmpcopyup: read %s", c->dest,
                                   *c->path ? c->path : "/");
        }
        size_t base = strlen(c->path);
        for (;;) {
                errno = 0;
                struct dirent *e = readdir(dir);
                if (e == NULL) {
                        if (errno)
                                return rterr_errno(err, "mount %s: tmpcopyup: read %s", c->dest,
                                                   *c->path ? c->path : "/");
                        break;
                }
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                int w = snprintf(c->path + base, sizeof(c->path) - base, "%s%s", base ? "/" : "",
                                 e->d_name);
                if (w < 0 || (size_t)w >= sizeof(c->path) - base)
                        return rterr_set(err, ENAMETOOLONG,
                                         "mount %s: tmpcopyup: a path under it is too long",
                                         c->dest);
                int rc = copy_entry(c, src, dst, e->d_name, depth, err);
                c->path[base] = '\0';
                if (rc < 0)
                        return -1;
        }
        return 0;
}

int mount_tmpfs_copyup(int src_dir, int tmpfs_root, const char *dest, struct rterr *err)
{
        struct copyup c = {.root_fd = tmpfs_root, .dest = dest};
        int rc = copy_dir(&c, src_dir, tmpfs_root, 0, err);
        for (size_t i = 0; i < c.n_links; i++)
                free(c.links[i].path);
        free(c.links);
        return rc;
}
