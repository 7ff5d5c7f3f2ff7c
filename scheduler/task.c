/* The task model's names and invariants: criticality classes and what a valid demand is. */
#include "common/common.h"
#include "scheduler/internal.h"

#include <errno.h>
#include <string.h>

static const char *const crit_names[] = {"best-effort", "perception", "planning", "control"};

int sched_crit_parse(const char *s)
{
        for (size_t i = 0; i < sizeof(crit_names) / sizeof(crit_names[0]); i++)
                if (strcmp(s, crit_names[i]) == 0)
                        return (int)i;
        return -1;
}

const char *sched_crit_name(enum sched_crit c)
{
        return (unsigned)c < 4 ? crit_names[c] : "?";
}

static int cpus_within(const struct sched_task *t, const struct sched_host *h, const char *where,
                       struct rterr *err)
{
        char a[128], b[128];
        if (cpumask_count(&t->cpus) == 0 || !cpumask_subset(&t->cpus, &h->cpus)) {
                cpumask_format(&t->cpus, a, sizeof(a));
                cpumask_format(&h->cpus, b, sizeof(b));
                return rterr_set(err, EINVAL, "%s: cpus '%s' are not within the host's CPUs %s",
                                 where, a, b);
        }
        return 0;
}

int sched_task_validate(const struct sched_task *t, const struct sched_host *h, const char *where,
                        struct rterr *err)
{
        if (t->kind == SCHED_KIND_NONE)
                return 0;
        const char *field = strstr(where, "config.json") ? "process.scheduler" : "scheduler";
        if ((t->kind == SCHED_KIND_UNTIMED_FP || t->kind == SCHED_KIND_TIMED_FP) &&
            (t->priority < SCHED_RT_PRIO_MIN || t->priority > SCHED_RT_PRIO_MAX))
                return rterr_set(err, EINVAL,
                                 "%s: %s.priority: %s needs a priority in [%d, %d], got %d", where,
                                 field, t->policy == SCHED_RR ? "SCHED_RR" : "SCHED_FIFO",
                                 SCHED_RT_PRIO_MIN, SCHED_RT_PRIO_MAX, t->priority);
        if (t->kind == SCHED_KIND_UNTIMED_FP)
                return cpus_within(t, h, where, err);
        if (t->kind == SCHED_KIND_DEADLINE && h->dl_period_min && t->period < h->dl_period_min)
                return rterr_set(err, EINVAL,
                                 "%s: %s.period: %llu ns is below the kernel's minimum %llu ns "
                                 "(/proc/sys/kernel/sched_deadline_period_min_us)",
                                 where, field, (unsigned long long)t->period,
                                 (unsigned long long)h->dl_period_min);
        if (t->kind == SCHED_KIND_DEADLINE && h->dl_period_max && t->period > h->dl_period_max)
                return rterr_set(err, EINVAL,
                                 "%s: %s.period: %llu ns is above the kernel's maximum %llu ns "
                                 "(/proc/sys/kernel/sched_deadline_period_max_us)",
                                 where, field, (unsigned long long)t->period,
                                 (unsigned long long)h->dl_period_max);
        const char *rt = t->kind == SCHED_KIND_DEADLINE ? "runtime" : "wcet";
        if (t->kind == SCHED_KIND_DEADLINE && t->runtime < 1024)
                return rterr_set(err, EINVAL, "%s: SCHED_DEADLINE runtime must be >= 1024 ns",
                                 where);
        if (t->runtime == 0 || t->period == 0 || t->deadline == 0)
                return rterr_set(err, EINVAL, "%s: %s, deadline and period must be positive", where,
                                 rt);
        if (t->runtime > t->deadline || t->deadline > t->period)
                return rterr_set(err, EINVAL,
                                 "%s: need %s <= deadline <= period, got %llu, %llu, %llu", where,
                                 rt, (unsigned long long)t->runtime,
                                 (unsigned long long)t->deadline, (unsigned long long)t->period);
        if (cpus_within(t, h, where, err) < 0)
                return -1;
        if (t->elastic && (t->min_runtime == 0 || t->min_runtime > t->runtime))
                return rterr_set(
                    err, EINVAL, "%s: elastic min-runtime %llu must be in [1, %s %llu]", where,
                    (unsigned long long)t->min_runtime, rt, (unsigned long long)t->runtime);
        if (t->elastic && t->kind == SCHED_KIND_DEADLINE && t->min_runtime < 1024)
                return rterr_set(err, EINVAL,
                                 "%s: elastic min-runtime must be >= 1024 ns for SCHED_DEADLINE",
                                 where);
        if (t->elastic && !(t->weight > 0))
                return rterr_set(err, EINVAL, "%s: elastic weight must be positive", where);
        return 0;
}
