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
#include <sys/utsname.h>

#include "common/common.h"
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
                /* an exiting task reads back as DEADLINE with all-zero parameters */
                if (tid <= 0 || rt_sched_get(tid, &a) < 0 || a.policy != SCHED_DEADLINE ||
                    a.runtime == 0)
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

const char *rt_fair_source_name(enum rt_fair_source s)
{
        switch (s) {
        case RT_FAIR_DEBUGFS:
                return "debugfs (sched/fair_server)";
        case RT_FAIR_ROOT_DOMAIN:
                return "debugfs sched/debug (root domain total minus DEADLINE tasks)";
        case RT_FAIR_KERNEL_DEFAULT:
                return "kernel default for 6.12+ (50 ms every 1 s; debugfs unreadable)";
        case RT_FAIR_NONE:
                return "none (kernel before 6.12 has no fair server)";
        case RT_FAIR_UNKNOWN:
                break;
        }
        return "unknown (debugfs unreadable)";
}

bool rt_kernel_has_fair_server(const char *release)
{
        int major = 0, minor = 0;
        if (sscanf(release, "%d.%d", &major, &minor) != 2)
                return true; /* unparsable: assume the newer, more conservative kernel */
        return major > 6 || (major == 6 && minor >= 12);
}

static void fair_set(struct rt_dl_snapshot *s, unsigned cpu, uint64_t runtime, uint64_t period)
{
        s->fair_runtime[cpu] = runtime;
        s->fair_period[cpu] = period;
}

/* Per root domain: what its total holds beyond the DEADLINE tasks, shared by its CPUs. A share
 * within the kernel's fixed-point rounding of the default is the default. */
static bool fair_from_root_domains(struct rt_dl_snapshot *s, const struct cpumask *online,
                                   rt_span_fn span_of)
{
        struct cpumask done;
        cpumask_zero(&done);
        uint64_t cap =
            s->unlimited ? UINT64_C(1) << RT_BW_SHIFT : rt_bw_of(s->rt_runtime_us, s->rt_period_us);
        uint64_t dflt = rt_bw_of(RT_FAIR_DEFAULT_RUNTIME, RT_FAIR_DEFAULT_PERIOD);
        for (int c = cpumask_first(online); c >= 0; c = cpumask_next(online, c)) {
                if (cpumask_test(&done, (unsigned)c))
                        continue;
                struct cpumask span;
                if (span_of(c, &span) < 0)
                        return false;
                cpumask_and(&span, &span, online);
                cpumask_andnot(&span, &span, &done);
                if (!cpumask_test(&span, (unsigned)c))
                        cpumask_set(&span, (unsigned)c);
                uint64_t tasks = 0;
                for (size_t i = 0; i < s->n_tasks; i++)
                        if (s->tasks[i].cpu >= 0 && cpumask_test(&span, (unsigned)s->tasks[i].cpu))
                                tasks += rt_bw_of(s->tasks[i].runtime, s->tasks[i].period);
                uint64_t total = s->rd_total_bw[c];
                unsigned n = cpumask_count(&span);
                uint64_t per = total > tasks ? (total - tasks) / n : 0;
                if (per > cap)
                        return false;
                uint64_t rt = (uint64_t)(((unsigned __int128)per * RT_FAIR_DEFAULT_PERIOD +
                                          (UINT64_C(1) << RT_BW_SHIFT) - 1) >>
                                         RT_BW_SHIFT);
                bool is_default = per + 1 >= dflt && per <= dflt + 1;
                for (int x = cpumask_first(&span); x >= 0; x = cpumask_next(&span, x)) {
                        fair_set(s, (unsigned)x, is_default ? RT_FAIR_DEFAULT_RUNTIME : rt,
                                 RT_FAIR_DEFAULT_PERIOD);
                        cpumask_set(&done, (unsigned)x);
                }
        }
        return true;
}

static int span_from_cpusets(int cpu, struct cpumask *out)
{
        return rt_rootdomain_span(cpu, out, NULL, 0, NULL);
}

void rt_fair_fallback(struct rt_dl_snapshot *s, const struct cpumask *online, const char *release,
                      rt_span_fn span_of)
{
        if (span_of == NULL)
                span_of = span_from_cpusets;
        bool has = rt_kernel_has_fair_server(release);
        if (has && s->rd_known && !s->partial && fair_from_root_domains(s, online, span_of)) {
                s->fair_source = RT_FAIR_ROOT_DOMAIN;
                s->fair_known = true;
                return;
        }
        for (int c = cpumask_first(online); c >= 0; c = cpumask_next(online, c))
                fair_set(s, (unsigned)c, has ? RT_FAIR_DEFAULT_RUNTIME : 0,
                         has ? RT_FAIR_DEFAULT_PERIOD : 0);
        s->fair_source = has ? RT_FAIR_KERNEL_DEFAULT : RT_FAIR_NONE;
        s->fair_known = true;
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
        if (s->fair_known) {
                s->fair_source = RT_FAIR_DEBUGFS;
        } else {
                struct utsname u;
                rt_fair_fallback(s, &online, uname(&u) == 0 ? u.release : "", NULL);
        }
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
                for (int c = cpumask_first(span); c >= 0; c = cpumask_next(span, c))
                        out->fair += rt_bw_of(s->fair_runtime[c], s->fair_period[c]);
                out->fair_source = s->fair_source;
                out->fair_estimated = s->fair_source == RT_FAIR_ROOT_DOMAIN ||
                                      s->fair_source == RT_FAIR_KERNEL_DEFAULT;
        } else if (s->rd_known && first < CPUMASK_MAX && s->rd_total_bw[first] >= all_tasks) {
                /* What the root domain holds beyond the tasks is the fair servers' share. */
                out->fair = s->rd_total_bw[first] - all_tasks;
                out->fair_estimated = true;
                out->fair_source = RT_FAIR_ROOT_DOMAIN;
        } else {
                out->fair_unknown = true;
        }
        uint64_t used = out->tasks + out->fair;
        out->free = out->capacity > used ? out->capacity - used : 0;
}

double rt_cpu_capacity(const struct rt_dl_snapshot *s, unsigned cpu)
{
        double c = s->unlimited || s->rt_period_us == 0
                       ? 1.0
                       : (double)s->rt_runtime_us / (double)s->rt_period_us;
        if (s->fair_known && cpu < CPUMASK_MAX && s->fair_period[cpu])
                c -= (double)s->fair_runtime[cpu] / (double)s->fair_period[cpu];
        return c > 0 ? c : 0;
}
