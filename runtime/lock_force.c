/* `delete --force` and a create that never finishes: the create holds the state directory's
 * lock while its container process sets up, and that process can wait forever (a seccomp
 * agent that never answers, a hook that hangs). delete --force must not wait with it. */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "runtime/container.h"
#include "runtime/state_dir.h"

/* The pid holding an flock on (dev, ino), from /proc/locks ("1: FLOCK ADVISORY WRITE PID
 * MAJ:MIN:INO 0 EOF"), or -1. */
static pid_t flock_holder(dev_t dev, ino_t ino)
{
        FILE *f = fopen("/proc/locks", "re");
        if (!f)
                return -1;
        char line[256];
        pid_t found = -1;
        while (found < 0 && fgets(line, sizeof(line), f)) {
                char kind[16];
                int pid;
                unsigned int maj, min;
                unsigned long long i;
                if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%llu", kind, &pid, &maj, &min, &i) ==
                        5 &&
                    pid > 0 && maj == major(dev) && min == minor(dev) &&
                    i == (unsigned long long)ino)
                        found = pid;
        }
        fclose(f);
        return found;
}

int container_lock_force(int lock_fd)
{
        /* Whoever holds it (start, kill, exec) usually lets go at once. */
        for (int i = 0; i < 200; i++) {
                if (flock(lock_fd, LOCK_EX | LOCK_NB) == 0)
                        return 0;
                if (errno != EWOULDBLOCK && errno != EINTR)
                        return -1;
                struct timespec pause = {0, 10 * 1000 * 1000};
                nanosleep(&pause, NULL);
        }
        /* Still held, and no state.json: a create that is stuck. Kill it; its container
         * process dies with it (PR_SET_PDEATHSIG) or on its next message to it. */
        struct stat sb;
        if (faccessat(lock_fd, STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT &&
            fstat(lock_fd, &sb) == 0) {
                pid_t holder = flock_holder(sb.st_dev, sb.st_ino);
                if (holder > 0 && holder != getpid())
                        kill(holder, SIGKILL);
                return flock(lock_fd, LOCK_EX);
        }
        /* A container that exists: the holder (an exec whose process waits on a seccomp
         * agent) waits on the container. The caller kills the container first. */
        errno = EWOULDBLOCK;
        return 1;
}

void container_kill_unlocked(const struct container *c)
{
        if (c->cgroup_path) {
                struct cg_host *host = NULL;
                struct cgroup *cg = NULL;
                struct rterr ignored = {0};
                if (cg_host_detect(&host, &ignored) == 0 &&
                    cg_open(host, c->cgroup_path, &cg, &ignored) == 0)
                        cg_kill_all(cg, SIGKILL, &ignored);
                cg_free(cg);
                cg_host_free(host);
        }
        if (c->pid > 0) {
                int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
                if (pidfd >= 0) {
                        uint64_t start;
                        char st;
                        /* Only while it is still the init we recorded. */
                        if (proc_stat_read(c->pid, &start, &st) == 0 && start == c->pid_starttime)
                                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                        close(pidfd);
                }
        }
}
