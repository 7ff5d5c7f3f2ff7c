/* procmount: what `unshare -mrpf mount -t proc proc /proc` does, static for busybox roots:
 * a new user (root mapped to our ids), mount and pid namespace, then a fresh proc over /proc.
 * Prints "mounted" or "refused: <errno text>"; exits 0 when mounted, 1 when refused, 2 when
 * a step before the mount failed. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static int put(const char *path, const char *text)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = write(fd, text, strlen(text));
        close(fd);
        return n == (ssize_t)strlen(text) ? 0 : -1;
}

int main(void)
{
        char map[64];
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0) {
                printf("unshare: %s\n", strerror(errno));
                return 2;
        }
        snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
        if (put("/proc/self/uid_map", map) < 0) {
                printf("uid_map: %s\n", strerror(errno));
                return 2;
        }
        put("/proc/self/setgroups", "deny");
        snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
        if (put("/proc/self/gid_map", map) < 0) {
                printf("gid_map: %s\n", strerror(errno));
                return 2;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0)
                return 2;
        if (pid == 0) {
                mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
                if (mount("proc", "/proc", "proc", 0, NULL) == 0) {
                        printf("mounted\n");
                        fflush(stdout);
                        _exit(0);
                }
                printf("refused: %s\n", strerror(errno));
                fflush(stdout);
                _exit(1);
        }
        int st;
        waitpid(pid, &st, 0);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
