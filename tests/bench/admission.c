/* Decision time of the admission controller against the number of reservations already held
 * (1, 10, 100, 1000): the pure online decision, and a whole reserve + release through the
 * ledger (lock, load, liveness checks, decision, atomic write). Worst case for the analysis:
 * every reservation on the CPU the newcomer asks for, so QPA sees all of them.
 * Usage: bench_admission [ROUNDS]   (RTRUN_ADMISSION_DIR is set to a temporary directory;
 * BENCH_NO_PIDFS=1 records no pidfs identity, so liveness falls back to /proc/PID/stat) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "scheduler/scheduler.h"

static double clock_us(clockid_t id)
{
        struct timespec ts;
        clock_gettime(id, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Wall time suffers from whatever else runs on a shared host; CPU time (user + system, of
 * this process) is what a decision costs on one core. */
static double now_us(void)
{
        return clock_us(CLOCK_MONOTONIC);
}

static double cpu_us(void)
{
        return clock_us(CLOCK_PROCESS_CPUTIME_ID);
}

/* Reservation i: on CPU 0, periods from a small harmonic-free set, total utilisation 0.5. */
static struct sched_task task(size_t i, size_t n)
{
        static const uint64_t periods[] = {10000000, 20000000, 25000000, 40000000, 50000000};
        struct sched_task t = {0};
        snprintf(t.id, sizeof(t.id), "bench-%zu", i);
        t.kind = SCHED_KIND_DEADLINE;
        t.policy = SCHED_DEADLINE;
        t.crit = (enum sched_crit)(i % 4);
        cpumask_set(&t.cpus, 0);
        t.period = periods[i % 5];
        t.deadline = t.period - t.period / 10 * (i % 3); /* some constrained deadlines */
        t.runtime = t.period / 2 / n;
        if (t.runtime < 1024)
                t.runtime = 1024;
        t.granted = t.runtime;
        t.weight = 1;
        return t;
}

static int seed_ledger(size_t n)
{
        struct sched_ledger l;
        struct rterr err;
        if (sched_ledger_open(&l, &err) < 0)
                goto fail;
        free(l.v);
        l.v = calloc(n, sizeof(*l.v));
        if (l.v == NULL)
                return -1;
        uint64_t start = sched_proc_starttime(getpid());
        uint64_t ino = getenv("BENCH_NO_PIDFS") ? 0 : sched_proc_pidfs_ino(getpid());
        for (size_t i = 0; i < n; i++) {
                l.v[i].task = task(i, n);
                snprintf(l.v[i].root, sizeof(l.v[i].root), "/run/rtrun-bench");
                l.v[i].pid = getpid();
                l.v[i].starttime = start;
                l.v[i].pidfs_ino = ino;
                l.v[i].changed = true;
        }
        l.n = n;
        if (sched_ledger_commit(&l, &err) < 0) {
                sched_ledger_close(&l);
                goto fail;
        }
        sched_ledger_close(&l);
        return 0;
fail:
        fprintf(stderr, "bench: %s\n", err.msg);
        return -1;
}

static int compare(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
        int rounds = argc > 1 ? atoi(argv[1]) : 50;
        /* tmpfs, like /run/rtrun where the real ledger lives */
        char dir[] = "/dev/shm/rtrun-bench-admission-XXXXXX";
        if (mkdtemp(dir) == NULL || rounds < 1)
                return 1;
        setenv("RTRUN_ADMISSION_DIR", dir, 1);
        struct sched_host h;
        struct rterr err;
        if (sched_host_from_values(&h, 950000, 1000000, "0-15", 50000000, 1000000000, &err) < 0)
                return 1;
        double *d = calloc((size_t)rounds, sizeof(double));
        double *f = calloc((size_t)rounds, sizeof(double));
        double *fc = calloc((size_t)rounds, sizeof(double));
        printf("%-13s %-24s %-28s %s\n", "reservations", "decision us (median/max)",
               "reserve+release wall us", "reserve+release CPU us");
        static const size_t sizes[] = {1, 10, 100, 1000};
        for (size_t s = 0; s < 4; s++) {
                size_t n = sizes[s];
                struct sched_task *set = calloc(n + 1, sizeof(*set));
                for (size_t i = 0; i < n; i++)
                        set[i] = task(i, n);
                struct sched_task newcomer = task(n, n);
                newcomer.crit = SCHED_CRIT_CONTROL;
                newcomer.runtime = newcomer.granted = newcomer.period / 20;
                snprintf(newcomer.id, sizeof(newcomer.id), "bench-new");
                if (seed_ledger(n) < 0)
                        return 1;
                for (int r = 0; r < rounds; r++) {
                        struct sched_verdict v;
                        set[n] = newcomer;
                        double t0 = now_us();
                        bool ok = sched_admit_online(set, n, &h, &v);
                        d[r] = now_us() - t0;
                        uint64_t granted;
                        double c0 = cpu_us();
                        t0 = now_us();
                        if (!ok ||
                            sched_admission_reserve(&newcomer, &h, "/run/rtrun-bench", getpid(),
                                                    NULL, NULL, &granted, NULL, &err) < 0 ||
                            sched_admission_release(&h, "/run/rtrun-bench", "bench-new", NULL, NULL,
                                                    NULL, &err) < 0) {
                                fprintf(stderr, "bench: %zu: %s\n", n, ok ? err.msg : v.reason);
                                return 1;
                        }
                        f[r] = now_us() - t0;
                        fc[r] = cpu_us() - c0;
                }
                qsort(d, (size_t)rounds, sizeof(double), compare);
                qsort(f, (size_t)rounds, sizeof(double), compare);
                qsort(fc, (size_t)rounds, sizeof(double), compare);
                printf("%-13zu %8.1f / %-13.1f %9.1f / %-16.1f %9.1f / %.1f\n", n, d[rounds / 2],
                       d[rounds - 1], f[rounds / 2], f[rounds - 1], fc[rounds / 2], fc[rounds - 1]);
                free(set);
        }
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        free(d);
        free(f);
        free(fc);
        return system(cmd) == 0 ? 0 : 1;
}
