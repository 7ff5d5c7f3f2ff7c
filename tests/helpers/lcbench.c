/* Benchmark driver: create + start + wait + delete of one container, alternating between
 * runtimes, N rounds. As a child subreaper it reaps the container's init itself, so "wait" is a
 * waitpid, not polling. Prints "<runtime-index> <total> <create> <start> <wait> <delete>" (ns)
 * and the peak resident memory of the create command (KiB, from wait4) per iteration. Runtime i
 * keeps its state under ROOT/i.  Usage: lcbench N BUNDLE ROOT RUNTIME... */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Peak RSS (KiB) of the last command run(). */
static long last_maxrss;

static int run(char *const argv[])
{
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                execv(argv[0], argv);
                _exit(127);
        }
        int status;
        struct rusage ru;
        while (wait4(pid, &status, 0, &ru) < 0)
                if (errno != EINTR)
                        return -1;
        last_maxrss = ru.ru_maxrss;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static long long now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Per-phase times of the last round: create, start, wait, delete; create's peak RSS. */
static long long phase[4];
static long create_rss;

static int one(char *rt, char *root, char *bundle, char *id, char *pidfile)
{
        long long t = now_ns();
        char *create[] = {rt,     "--root",     root,    "create", "--bundle",
                          bundle, "--pid-file", pidfile, id,       NULL};
        char *start[] = {rt, "--root", root, "start", id, NULL};
        char *del[] = {rt, "--root", root, "delete", id, NULL};
        if (run(create) < 0)
                return -1;
        phase[0] = now_ns() - t;
        create_rss = last_maxrss;
        FILE *f = fopen(pidfile, "r");
        int init = 0;
        if (f == NULL || fscanf(f, "%d", &init) != 1 || init <= 0)
                return -1;
        fclose(f);
        t = now_ns();
        if (run(start) < 0)
                return -1;
        phase[1] = now_ns() - t;
        t = now_ns();
        /* The init was reparented to us (subreaper) when create exited. */
        int status;
        while (waitpid(init, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        phase[2] = now_ns() - t;
        t = now_ns();
        int r = run(del);
        phase[3] = now_ns() - t;
        return r;
}

int main(int argc, char **argv)
{
        if (argc < 5) {
                fprintf(stderr, "usage: lcbench N BUNDLE ROOT RUNTIME...\n");
                return 2;
        }
        int n = atoi(argv[1]);
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        char pidfile[4096];
        snprintf(pidfile, sizeof(pidfile), "%s/lcbench.pid", argv[2]);
        for (int i = 0; i < n; i++) {
                for (int r = 4; r < argc; r++) {
                        char id[64], root[4096];
                        snprintf(id, sizeof(id), "bench-%d", i);
                        snprintf(root, sizeof(root), "%s/%d", argv[3], r - 4);
                        long long t0 = now_ns();
                        if (one(argv[r], root, argv[2], id, pidfile) < 0) {
                                fprintf(stderr, "lcbench: %s failed on %s\n", argv[r], id);
                                return 1;
                        }
                        printf("%d %lld %lld %lld %lld %lld %ld\n", r - 4, now_ns() - t0, phase[0],
                               phase[1], phase[2], phase[3], create_rss);
                }
        }
        return 0;
}
