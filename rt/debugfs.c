/* Reading scheduler files from debugfs (/sys/kernel/debug/sched/...). Where debugfs is not
 * mounted, a child process mounts it in a mount namespace of its own, so the host's mount
 * table stays as it is, and sends the files back over a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/internal.h"

#define DEBUGFS "/sys/kernel/debug"

static int write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;
        while (len > 0) {
                ssize_t w = write(fd, p, len);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                p += w;
                len -= (size_t)w;
        }
        return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
        char *p = buf;
        while (len > 0) {
                ssize_t r = read(fd, p, len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        return -1;
                p += r;
                len -= (size_t)r;
        }
        return 0;
}

/* In the child: each file as a 64-bit length (UINT64_MAX: unreadable) and its bytes. */
static _Noreturn void child_send(int fd, const char *const *rels, size_t n)
{
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("debugfs", DEBUGFS, "debugfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                _exit(1);
        for (size_t i = 0; i < n; i++) {
                char path[RT_PATH];
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                uint64_t hdr = UINT64_MAX;
                if (rt_pathf(path, sizeof(path), DEBUGFS "/%s", rels[i]) == 0 &&
                    read_file_at(AT_FDCWD, path, &text, &len, NULL) == 0)
                        hdr = len;
                if (write_all(fd, &hdr, sizeof(hdr)) < 0 ||
                    (hdr != UINT64_MAX && write_all(fd, text, len) < 0))
                        _exit(1);
        }
        _exit(0);
}

static void read_private(const char *const *rels, size_t n, char **outs)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return;
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                child_send(p[1], rels, n);
        }
        close(p[1]);
        for (size_t i = 0; pid > 0 && i < n; i++) {
                uint64_t len;
                if (read_all(p[0], &len, sizeof(len)) < 0)
                        break;
                if (len == UINT64_MAX)
                        continue;
                char *buf = len < (UINT64_C(1) << 30) ? malloc(len + 1) : NULL;
                if (buf == NULL || read_all(p[0], buf, len) < 0) {
                        free(buf);
                        break;
                }
                buf[len] = '\0';
                outs[i] = buf;
        }
        close(p[0]);
        if (pid > 0)
                waitpid(pid, NULL, 0);
}

void rt_debugfs_read(const char *const *rels, size_t n, char **outs)
{
        struct stat st;
        memset(outs, 0, n * sizeof(*outs));
        if (stat(DEBUGFS "/sched", &st) < 0) {
                read_private(rels, n, outs);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                char path[RT_PATH];
                if (rt_pathf(path, sizeof(path), DEBUGFS "/%s", rels[i]) == 0 &&
                    read_file_at(AT_FDCWD, path, &outs[i], NULL, NULL) < 0)
                        outs[i] = NULL;
        }
}
