/* DEADLINE bandwidth the kernel has granted: every DEADLINE thread (sched_getattr on each task
 * in /proc), the per-CPU fair servers (kernel >= 6.12) and each root domain's totals as
 * /sys/kernel/debug/sched/debug prints them. Admission (kernel/sched/deadline.c __dl_overflow)
 * refuses when ncpus * bw < total_bw - old + new, bw = sched_rt_runtime_us/sched_rt_period_us
 * in units of 1/2^20. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sched_policy.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "rt/internal.h"

uint64_t rt_bw_of(uint64_t runtime, uint64_t period)
{
        if (period == 0)
                return 0;
        return (uint64_t)(((unsigned __int128)runtime << RT_BW_SHIFT) / period);
}

int rt_task_cpu(pid_t tid)
{
        char path[64];
        _cleanup_free_ char *text = NULL;
        rt_pathf(path, sizeof(path), "/proc/%d/stat", (int)tid);
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return -1;
        const char *p = strrchr(text, ')');
        /* field 39 "processor"; p is at the end of field 2 */
        for (int field = 2; field < 39 && p; field++)
                p = strchr(p + 1, ' ');
        return p ? atoi(p + 1) : -1;
}

static void read_comm(pid_t tid, char *buf, size_t len)
{
        char path[64];
        _cleanup_free_ char *text = NULL;
        rt_pathf(path, sizeof(path), "/proc/%d/comm", (int)tid);
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0) {
                snprintf(buf, len, "?");
                return;
        }
        text[strcspn(text, "\n")] = '\0';
        snprintf(buf, len, "%s", text);
}

static int add_task(struct rt_dl_snapshot *s, size_t *cap, pid_t pid, pid_t tid,
                    const struct rt_sched *a)
{
        if (s->n_tasks == *cap) {
                size_t ncap = *cap ? *cap * 2 : 16;
                struct rt_dl_task *nt = realloc(s->tasks, ncap * sizeof(*nt));
                if (nt == NULL)
                        return -1;
                s->tasks = nt;
                *cap = ncap;
        }
        struct rt_dl_task *t = &s->tasks[s->n_tasks++];
        memset(t, 0, sizeof(*t));
        t->pid = pid;
        t->tid = tid;
        t->runtime = a->runtime;
        t->deadline = a->deadline;
        t->period = a->period ? a->period : a->deadline;
        t->cpu = rt_task_cpu(tid);
        read_comm(tid, t->comm, sizeof(t->comm));
        if (rt_affinity_get(tid, &t->affinity, NULL) < 0)
                cpumask_zero(&t->affinity);
        return 0;
}

static int scan_threads(struct rt_dl_snapshot *s, size_t *cap, pid_t pid, struct rterr *err)
{
        char path[64];
        rt_pathf(path, sizeof(path), "/proc/%d/task", (int)pid);
        _cleanup_closedir_ DIR *d = opendir(path);
        if (d == NULL)
                return 0; /* the process exited meanwhile */
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
                pid_t tid = (pid_t)atoi(e->d_name);
                struct rt_sched a;
                if (tid <= 0 || rt_sched_get(tid, &a) < 0 || a.policy != SCHED_DEADLINE)
                        continue;
                if (add_task(s, cap, pid, tid, &a) < 0)
                        return rterr_errno(err, "scan DEADLINE tasks");
        }
        return 0;
}

static int scan_tasks(struct rt_dl_snapshot *s, struct rterr *err)
{
        _cleanup_closedir_ DIR *d = opendir("/proc");
        if (d == NULL)
                return rterr_errno(err, "open /proc");
        size_t cap = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
                pid_t pid = (pid_t)atoi(e->d_name);
                if (pid > 0 && scan_threads(s, &cap, pid, err) < 0)
                        return -1;
        }
        return 0;
}

static bool read_u64(const char *path, uint64_t *out)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return false;
        char *end;
        long long v = strtoll(text, &end, 10);
        if (end == text)
                return false;
        *out = v < 0 ? UINT64_MAX : (uint64_t)v;
        return true;
}

/* /sys/kernel/debug/sched/debug: its "dl_rq[N]:" block has ".dl_bw->bw : X" and
 * ".dl_bw->total_bw : Y" for the root domain of CPU N. */
static void parse_rd_totals(struct rt_dl_snapshot *s, char *text)
{
        int cpu = -1;
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                unsigned long long v;
                int n;
                if (sscanf(line, "dl_rq[%d]:", &n) == 1)
                        cpu = n >= 0 && n < CPUMASK_MAX ? n : -1;
                else if (cpu >= 0 && sscanf(line, " .dl_bw->bw : %llu", &v) == 1)
                        s->rd_bw[cpu] = v;
                else if (cpu >= 0 && sscanf(line, " .dl_bw->total_bw : %llu", &v) == 1) {
                        s->rd_total_bw[cpu] = v;
                        s->rd_known = true;
                }
        }
}

/* The fair servers (sched/fair_server/cpuN/{runtime,period}) and the root domains' totals. */
static void read_debugfs(struct rt_dl_snapshot *s, const struct cpumask *online)
{
        unsigned last = cpumask_last(online);
        size_t n = 1 + 2 * (size_t)last;
        char **names = calloc(n, sizeof(*names));
        char **texts = calloc(n, sizeof(*texts));
        bool ok = names && texts && (names[0] = strdup("sched/debug")) != NULL;
        for (unsigned c = 0; ok && c < last; c++)
                ok = asprintf(&names[1 + 2 * c], "sched/fair_server/cpu%u/runtime", c) > 0 &&
                     asprintf(&names[2 + 2 * c], "sched/fair_server/cpu%u/period", c) > 0;
        if (ok) {
                rt_debugfs_read((const char *const *)names, n, texts);
                if (texts[0])
                        parse_rd_totals(s, texts[0]);
                s->fair_known = last > 0;
                for (unsigned c = 0; c < last; c++) {
                        char *r = texts[1 + 2 * c], *p = texts[2 + 2 * c];
                        if (!cpumask_test(online, c))
                                continue;
                        if (r == NULL || p == NULL) {
                                s->fair_known = false;
                                break;
                        }
                        s->fair_runtime[c] = strtoull(r, NULL, 10);
                        s->fair_period[c] = strtoull(p, NULL, 10);
                }
        }
        for (size_t i = 0; i < n && names && texts; i++) {
                free(names[i]);
                free(texts[i]);
        }
        free(names);
        free(texts);
}

/* "NSpid:" lists one pid per namespace level: more than one means /proc shows a subset. */
static bool in_child_pid_ns(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "NSpid:", 6) == 0)
                        return strchr(line + 7, '\t') != NULL || strchr(line + 7, ' ') != NULL;
        return false;
}

int rt_dl_snapshot_read(struct rt_dl_snapshot **out, struct rterr *err)
{
        struct rt_dl_snapshot *s = calloc(1, sizeof(*s));
        if (s == NULL)
                return rterr_errno(err, "DEADLINE snapshot");
        if (!read_u64("/proc/sys/kernel/sched_rt_runtime_us", &s->rt_runtime_us) ||
            !read_u64("/proc/sys/kernel/sched_rt_period_us", &s->rt_period_us)) {
                rt_dl_snapshot_free(s);
                return rterr_errno(err, "read /proc/sys/kernel/sched_rt_{runtime,period}_us");
        }
        s->unlimited = s->rt_runtime_us == UINT64_MAX;
        struct cpumask online;
        if (rt_cpus_online(&online, err) < 0 || scan_tasks(s, err) < 0) {
                rt_dl_snapshot_free(s);
                return -1;
        }
        read_debugfs(s, &online);
        s->partial = in_child_pid_ns();
        *out = s;
        return 0;
}

void rt_dl_snapshot_free(struct rt_dl_snapshot *s)
{
        if (s == NULL)
                return;
        free(s->tasks);
        free(s);
}

void rt_dl_budget_of(const struct rt_dl_snapshot *s, const struct cpumask *span, pid_t exclude_tid,
                     struct rt_dl_budget *out)
{
        memset(out, 0, sizeof(*out));
        out->ncpus = cpumask_count(span);
        uint64_t bw =
            s->unlimited ? UINT64_C(1) << RT_BW_SHIFT : rt_bw_of(s->rt_runtime_us, s->rt_period_us);
        out->capacity = bw * out->ncpus;
        uint64_t all_tasks = 0;
        for (size_t i = 0; i < s->n_tasks; i++) {
                const struct rt_dl_task *t = &s->tasks[i];
                if (t->cpu < 0 || !cpumask_test(span, (unsigned)t->cpu))
                        continue;
                uint64_t tb = rt_bw_of(t->runtime, t->period);
                all_tasks += tb;
                if (t->tid != exclude_tid)
                        out->tasks += tb;
        }
        unsigned first = 0;
        while (first < CPUMASK_MAX && !cpumask_test(span, first))
                first++;
        if (s->partial && s->rd_known && first < CPUMASK_MAX) {
                out->tasks = s->rd_total_bw[first];
                out->combined = true;
        } else if (s->partial) {
                out->fair_unknown = true;
        } else if (s->fair_known) {
                for (unsigned c = 0; c < CPUMASK_MAX; c++)
                        if (cpumask_test(span, c))
                                out->fair += rt_bw_of(s->fair_runtime[c], s->fair_period[c]);
        } else if (s->rd_known && first < CPUMASK_MAX && s->rd_total_bw[first] >= all_tasks) {
                /* What the root domain holds beyond the tasks is the fair servers' share. */
                out->fair = s->rd_total_bw[first] - all_tasks;
                out->fair_estimated = true;
        } else {
                out->fair_unknown = true;
        }
        uint64_t used = out->tasks + out->fair;
        out->free = out->capacity > used ? out->capacity - used : 0;
}
