/* Reading and writing cgroup files relative to a directory fd, with errors that name the full
 * path, the value and the errno (what a user needs when the kernel rejects a value). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

int cg_write(const struct cg_dir *d, const char *file, const char *val, struct rterr *err)
{
        _cleanup_close_ int fd = openat(d->fd, file, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "open %s/%s", d->path, file);
        size_t len = strlen(val);
        ssize_t w;
        do
                w = write(fd, val, len);
        while (w < 0 && errno == EINTR);
        if (w < 0)
                return rterr_errno(err, "write '%s' to %s/%s", val, d->path, file);
        if ((size_t)w != len)
                return rterr_set(err, EIO, "write '%s' to %s/%s: short write", val, d->path, file);
        return 0;
}

int cg_writef(const struct cg_dir *d, const char *file, struct rterr *err, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(buf))
                return rterr_set(err, EINVAL, "value for %s/%s is too long", d->path, file);
        return cg_write(d, file, buf, err);
}

int cg_read(const struct cg_dir *d, const char *file, char **out, struct rterr *err)
{
        _cleanup_close_ int fd = openat(d->fd, file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "open %s/%s", d->path, file);
        size_t cap = 4096, n = 0;
        _cleanup_free_ char *buf = malloc(cap);
        if (buf == NULL)
                return rterr_errno(err, "read %s/%s", d->path, file);
        for (;;) {
                if (n + 1 >= cap) {
                        char *nb = realloc(buf, cap * 2);
                        if (nb == NULL)
                                return rterr_errno(err, "read %s/%s", d->path, file);
                        buf = nb;
                        cap *= 2;
                }
                ssize_t r = read(fd, buf + n, cap - n - 1);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return rterr_errno(err, "read %s/%s", d->path, file);
                if (r == 0)
                        break;
                n += (size_t)r;
        }
        buf[n] = '\0';
        *out = TAKE_PTR(buf);
        return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
        while (*s == ' ')
                s++;
        if (strncmp(s, "max", 3) == 0) {
                *v = UINT64_MAX;
                return 0;
        }
        char *end;
        errno = 0;
        unsigned long long x = strtoull(s, &end, 10);
        if (errno != 0 || end == s)
                return -1;
        *v = x;
        return 0;
}

int cg_read_u64(const struct cg_dir *d, const char *file, uint64_t *v, struct rterr *err)
{
        _cleanup_free_ char *s = NULL;
        if (cg_read(d, file, &s, err) < 0)
                return -1;
        if (parse_u64(s, v) < 0)
                return rterr_set(err, EINVAL, "%s/%s: not a number: '%s'", d->path, file, s);
        return 0;
}

bool cg_has_file(const struct cg_dir *d, const char *file)
{
        return faccessat(d->fd, file, F_OK, 0) == 0;
}

int cg_read_keyed(const struct cg_dir *d, const char *file, const char *key, uint64_t *v,
                  struct rterr *err)
{
        _cleanup_free_ char *s = NULL;
        if (cg_read(d, file, &s, err) < 0)
                return -1;
        size_t kl = strlen(key);
        char *save = NULL;
        for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, key, kl) != 0 || line[kl] != ' ')
                        continue;
                if (parse_u64(line + kl + 1, v) < 0)
                        return rterr_set(err, EINVAL, "%s/%s: bad value of %s", d->path, file, key);
                return 0;
        }
        return rterr_set(err, ENOENT, "%s/%s: no key %s", d->path, file, key);
}
