/* `delete --force` and a create that never finishes: the create holds the state directory's
 * lock while its container process sets up, and that process can wait forever (a seccomp
 * agent that never answers, a hook that hangs). delete --force must not wait with it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

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
        }
        return flock(lock_fd, LOCK_EX);
}
