/* Task affinity: sched_{get,set}affinity with CPU sets of any size the kernel has. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"
#include "rt/rt.h"

/* glibc's cpu_set_t stops at 1024 CPUs: the kernel's masks go to CPUMASK_MAX. */
static void cpuset_free(cpu_set_t **s)
{
        if (*s)
                CPU_FREE(*s);
}

int rt_affinity_get(pid_t tid, struct cpumask *out, struct rterr *err)
{
        size_t size = CPU_ALLOC_SIZE(CPUMASK_MAX);
        __attribute__((cleanup(cpuset_free))) cpu_set_t *set = CPU_ALLOC(CPUMASK_MAX);
        if (set == NULL)
                return rterr_errno(err, "sched_getaffinity(%d)", (int)tid);
        CPU_ZERO_S(size, set);
        if (sched_getaffinity(tid, size, set) < 0)
                return rterr_errno(err, "sched_getaffinity(%d)", (int)tid);
        cpumask_zero(out);
        for (unsigned c = 0; c < CPUMASK_MAX; c++)
                if (CPU_ISSET_S(c, size, set))
                        cpumask_set(out, c);
        return 0;
}

int rt_affinity_set(pid_t tid, const struct cpumask *m, struct rterr *err)
{
        size_t size = CPU_ALLOC_SIZE(CPUMASK_MAX);
        __attribute__((cleanup(cpuset_free))) cpu_set_t *set = CPU_ALLOC(CPUMASK_MAX);
        if (set == NULL)
                return rterr_errno(err, "sched_setaffinity(%d)", (int)tid);
        CPU_ZERO_S(size, set);
        for (int c = cpumask_first(m); c >= 0; c = cpumask_next(m, c))
                CPU_SET_S((unsigned)c, size, set);
        if (sched_setaffinity(tid, size, set) < 0) {
                char list[CPULIST_MAX];
                return rterr_errno(err, "sched_setaffinity(%d, %s)", (int)tid,
                                   cpumask_format(m, list, sizeof(list)));
        }
        return 0;
}

int rt_affinity_reset_to_cpuset(pid_t tid, struct rterr *err)
{
        struct cpumask all;
        memset(&all, 0xff, sizeof(all));
        return rt_affinity_set(tid, &all, err);
}

int rt_cpus_online(struct cpumask *out, struct rterr *err)
{
        return cpumask_read_online(NULL, out, err);
}

static int apply_list(const char *what, const char *cpulist, struct rterr *err)
{
        struct cpumask m;
        if (cpumask_parse(cpulist, &m, err) < 0)
                return rterr_wrap(err, "process.execCPUAffinity.%s", what);
        if (cpumask_empty(&m))
                return rterr_set(err, EINVAL, "process.execCPUAffinity.%s: empty CPU list", what);
        if (rt_affinity_set(0, &m, err) < 0)
                return rterr_wrap(err, "process.execCPUAffinity.%s", what);
        return 0;
}

int rt_exec_cpu_affinity(const struct oci_exec_cpu_affinity *a, bool after_join, struct rterr *err)
{
        if (a == NULL)
                return 0;
        if (!after_join)
                return a->initial ? apply_list("initial", a->initial, err) : 0;
        if (a->final)
                return apply_list("final", a->final, err);
        /* Since 6.2 a cgroup move keeps the earlier request (intersected with the cpuset), so
         * the transient `initial` would stick without this. */
        return a->initial ? rt_affinity_reset_to_cpuset(0, err) : 0;
}
