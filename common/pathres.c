#include "common/pathres.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

int pathres_open(int root_fd, const char *path, int flags)
{
        struct open_how how = {
            .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        while (*path == '/')
                path++;
        if (*path == '\0')
                path = ".";
        return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

struct pathres_fdpath pathres_fdpath(int fd)
{
        struct pathres_fdpath p;
        snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
        return p;
}

/* Creates `name` in the directory dir_fd as a directory or an empty file; an existing entry
 * is fine (another mount may have made it, or it is a symlink resolved by the caller). */
static int create_entry(int dir_fd, const char *name, bool as_dir)
{
        if (as_dir)
                return mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
        int fd = openat(dir_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0755);
        if (fd < 0)
                return errno == EEXIST ? 0 : -1;
        close(fd);
        return 0;
}

/* The symlinks followed while creating one path, as the kernel's limit (path_resolution(7)). */
#define MAX_LINKS 40

static int mkpath(int root_fd, const char *path, enum pathres_kind kind, int links,
                  struct rterr *err);

/* `comp` in `parent` is a symlink whose target is missing: create the target (inside the
 * root, like every lookup here) followed by the rest of the path. */
static int mkpath_through_link(int root_fd, int parent, const char *prefix, const char *comp,
                               const char *rest, enum pathres_kind kind, int links,
                               struct rterr *err)
{
        char target[4096];
        ssize_t n = readlinkat(parent, comp, target, sizeof(target) - 1);
        if (n < 0)
                return rterr_errno(err, "resolve %s in the rootfs", prefix);
        target[n] = '\0';
        size_t dirlen = (size_t)(comp - prefix);
        _cleanup_free_ char *next = NULL;
        if (asprintf(&next, "%.*s/%s/%s", target[0] == '/' ? 0 : (int)dirlen, prefix, target,
                     rest) < 0)
                return rterr_errno(err, "resolve %s", prefix);
        return mkpath(root_fd, next, kind, links + 1, err);
}

static int mkpath(int root_fd, const char *path, enum pathres_kind kind, int links,
                  struct rterr *err)
{
        if (links > MAX_LINKS)
                return rterr_sys(err, ELOOP, "resolve %s in the rootfs", path);
        int fd = pathres_open(root_fd, path, 0);
        if (fd >= 0)
                return fd;
        if (errno != ENOENT)
                return rterr_errno(err, "resolve %s in the rootfs", path);
        /* Walk the prefixes, each resolved from the root (so a symlink met on the way still
         * resolves inside it), and create the first missing one inside its resolved parent. */
        _cleanup_free_ char *prefix = strdup(path);
        if (!prefix)
                return rterr_errno(err, "resolve %s", path);
        size_t len = strlen(prefix);
        _cleanup_close_ int parent = pathres_open(root_fd, "/", O_DIRECTORY);
        if (parent < 0)
                return rterr_errno(err, "open the rootfs");
        size_t i = 0;
        while (i < len) {
                while (i < len && prefix[i] == '/')
                        i++;
                if (i == len)
                        break;
                size_t start = i;
                while (i < len && prefix[i] != '/')
                        i++;
                char saved = prefix[i];
                prefix[i] = '\0';
                const char *comp = prefix + start;
                const char *rest = saved ? prefix + i + 1 : "";
                bool last = rest[strspn(rest, "/")] == '\0';
                int child = pathres_open(root_fd, prefix, 0);
                if (child < 0 && errno == ENOENT && strcmp(comp, "..") != 0) {
                        struct stat st;
                        if (fstatat(parent, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                            S_ISLNK(st.st_mode))
                                return mkpath_through_link(root_fd, parent, prefix, comp, rest,
                                                           kind, links, err);
                        if (create_entry(parent, comp, !last || kind == PATHRES_DIR) < 0)
                                return rterr_errno(err, "create %s in the rootfs", prefix);
                        child = pathres_open(root_fd, prefix, 0);
                }
                if (child < 0)
                        return rterr_errno(err, "resolve %s in the rootfs", prefix);
                prefix[i] = saved;
                close(parent);
                parent = child;
        }
        return TAKE_FD(parent);
}

int pathres_mkpath(int root_fd, const char *path, enum pathres_kind kind, struct rterr *err)
{
        return mkpath(root_fd, path, kind, 0, err);
}
