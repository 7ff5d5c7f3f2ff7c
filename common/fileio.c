#include "common/fileio.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

int read_file_at(int dirfd, const char *path, char **out, size_t *len, struct rterr *err)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "open %s", path);
        size_t cap = 4096, n = 0;
        _cleanup_free_ char *buf = malloc(cap);
        if (buf == NULL)
                return rterr_errno(err, "read %s", path);
        for (;;) {
                if (n + 1 >= cap) {
                        char *nb = realloc(buf, cap * 2);
                        if (nb == NULL)
                                return rterr_errno(err, "read %s", path);
                        buf = nb;
                        cap *= 2;
                }
                ssize_t r = read(fd, buf + n, cap - n - 1);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return rterr_errno(err, "read %s", path);
                }
                if (r == 0)
                        break;
                n += (size_t)r;
        }
        buf[n] = '\0';
        if (len)
                *len = n;
        *out = TAKE_PTR(buf);
        return 0;
}

int write_file_at(int dirfd, const char *path, const char *buf, struct rterr *err)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "open %s", path);
        size_t len = strlen(buf);
        ssize_t w = write(fd, buf, len);
        if (w < 0)
                return rterr_errno(err, "write '%s' to %s", buf, path);
        if ((size_t)w != len)
                return rterr_set(err, EIO, "write '%s' to %s: short write", buf, path);
        return 0;
}

int write_file_atomic_at(int dirfd, const char *path, const char *buf, size_t len, int mode,
                         struct rterr *err)
{
        char tmp[4096];
        if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
                return rterr_set(err, ENAMETOOLONG, "write %s: path too long", path);
        _cleanup_close_ int fd =
            openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return rterr_errno(err, "create %s", tmp);
        size_t off = 0;
        while (off < len) {
                ssize_t w = write(fd, buf + off, len - off);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        rterr_errno(err, "write %s", tmp);
                        unlinkat(dirfd, tmp, 0);
                        return -1;
                }
                off += (size_t)w;
        }
        if (renameat(dirfd, tmp, dirfd, path) < 0) {
                rterr_errno(err, "rename %s to %s", tmp, path);
                unlinkat(dirfd, tmp, 0);
                return -1;
        }
        return 0;
}

/* The writer's pid of "NAME.tmp.PID", or 0 when name is not such a temporary. */
static pid_t temporary_owner(const char *name)
{
        const char *t = strstr(name, ".tmp.");
        if (t == NULL)
                return 0;
        while (strstr(t + 1, ".tmp."))
                t = strstr(t + 1, ".tmp.");
        t += 5;
        char *end;
        long pid = strtol(t, &end, 10);
        if (end == t || *end != '\0' || pid <= 0 || pid > 0x3fffffff)
                return 0;
        return (pid_t)pid;
}

int sweep_dead_temporaries(int dirfd)
{
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return 0;
        }
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
                pid_t pid = temporary_owner(de->d_name);
                if (pid > 0 && pid != getpid() && kill(pid, 0) < 0 && errno == ESRCH &&
                    unlinkat(dirfd, de->d_name, 0) == 0)
                        n++;
        }
        return n;
}

int mkdir_p(const char *path, mode_t mode, struct rterr *err)
{
        char buf[4096];
        if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
                return rterr_set(err, ENAMETOOLONG, "mkdir %s: path too long", path);
        for (char *p = buf + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char c = *p;
                *p = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return rterr_errno(err, "mkdir %s", buf);
                *p = c;
                if (c == '\0')
                        return 0;
        }
}
