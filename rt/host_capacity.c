/* The host's real-time capacity (rt.h): the same snapshot `cpus status` and the diagnostics
 * read, reduced to what admission needs. Fair servers per CPU may differ; admission models one
 * value for every CPU, so it takes the largest share (never over-admits). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"
#include "rt/rt.h"

static pid_t parent_of(pid_t pid)
{
        char path[64];
        _cleanup_free_ char *text = NULL;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return 0;
        const char *p = strrchr(text, ')');
        int ppid = 0;
        char state;
        if (p == NULL || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
                return 0;
        return (pid_t)ppid;
}

static void fill_task(struct rt_host_dl_task *o, const struct rt_dl_task *t)
{
        memset(o, 0, sizeof(*o));
        o->pid = t->pid;
        o->tid = t->tid;
        memcpy(o->comm, t->comm, sizeof(o->comm));
        o->runtime = t->runtime;
        o->deadline = t->deadline;
        o->period = t->period;
        if (t->cpu < 0 || rt_rootdomain_span(t->cpu, &o->span, NULL, 0, NULL) < 0)
                o->span = t->affinity; /* unknown domain: the CPUs it may run on */
        pid_t p = t->pid;
        while (o->n_ancestors < sizeof(o->ancestors) / sizeof(o->ancestors[0]) &&
               (p = parent_of(p)) > 1)
                o->ancestors[o->n_ancestors++] = p;
}

static uint64_t read_us(const char *path)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return 0;
        return strtoull(text, NULL, 10);
}

int rt_host_capacity_read(struct rt_host_capacity *out, struct rterr *err)
{
        struct rt_dl_snapshot *s = NULL;
        memset(out, 0, sizeof(*out));
        if (rt_cpus_online(&out->online, err) < 0 || rt_dl_snapshot_read(&s, err) < 0)
                return -1;
        out->rt_runtime_us = s->unlimited ? -1 : (int64_t)s->rt_runtime_us;
        out->rt_period_us = s->rt_period_us;
        out->fs_source = rt_fair_source_name(s->fair_source);
        out->fs_unknown = !s->fair_known;
        out->dl_period_min_us = read_us("/proc/sys/kernel/sched_deadline_period_min_us");
        out->dl_period_max_us = read_us("/proc/sys/kernel/sched_deadline_period_max_us");
        double best = -1;
        for (int c = cpumask_first(&out->online); c >= 0; c = cpumask_next(&out->online, c)) {
                uint64_t r = s->fair_known ? s->fair_runtime[c] : RT_FAIR_DEFAULT_RUNTIME;
                uint64_t p = s->fair_known ? s->fair_period[c] : RT_FAIR_DEFAULT_PERIOD;
                double share = p ? (double)r / (double)p : 0;
                if (share > best) {
                        best = share;
                        out->fs_runtime = p ? r : 0;
                        out->fs_period = p;
                }
        }
        out->dl_tasks = calloc(s->n_tasks + 1, sizeof(*out->dl_tasks));
        if (out->dl_tasks == NULL) {
                rt_dl_snapshot_free(s);
                return rterr_errno(err, "host capacity");
        }
        for (size_t i = 0; i < s->n_tasks; i++)
                fill_task(&out->dl_tasks[out->n_dl_tasks++], &s->tasks[i]);
        rt_dl_snapshot_free(s);
        return 0;
}

void rt_host_capacity_free(struct rt_host_capacity *c)
{
        free(c->dl_tasks);
        c->dl_tasks = NULL;
        c->n_dl_tasks = 0;
}
