/* sched_setattr/sched_getattr (glibc 2.36 has no wrappers) and process.scheduler for the
 * container's init and exec processes. */
#include <errno.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt/internal.h"
#include "rt/rt.h"

int rt_sched_get(pid_t tid, struct rt_sched *out)
{
        struct sched_attr a;
        memset(&a, 0, sizeof(a));
        if (syscall(SYS_sched_getattr, tid, &a, (unsigned)sizeof(a), 0U) < 0)
                return -errno;
        *out = (struct rt_sched){.policy = a.sched_policy,
                                 .flags = a.sched_flags,
                                 .nice = a.sched_nice,
                                 .priority = a.sched_priority,
                                 .runtime = a.sched_runtime,
                                 .deadline = a.sched_deadline,
                                 .period = a.sched_period};
        return 0;
}

int rt_sched_set(pid_t tid, const struct rt_sched *s)
{
        struct sched_attr a;
        memset(&a, 0, sizeof(a));
        a.size = SCHED_ATTR_SIZE_VER0;
        a.sched_policy = s->policy;
        a.sched_flags = s->flags;
        a.sched_nice = s->nice;
        a.sched_priority = s->priority;
        a.sched_runtime = s->runtime;
        a.sched_deadline = s->deadline;
        a.sched_period = s->period;
        if (syscall(SYS_sched_setattr, tid, &a, 0U) < 0)
                return -errno;
        return 0;
}

/* The rule (docs/realtime.md): a DEADLINE task cannot fork() (EAGAIN, kernel/fork.c
 * sched_fork -> dl_policy check) unless SCHED_FLAG_RESET_ON_FORK is set, and the container's
 * init is usually a shell or an init that forks. So DEADLINE gets RESET_ON_FORK unless the
 * config gave a flags array, which is then taken as written (the author knows the program does
 * not fork). Parameters that do not belong to the policy are zeroed: the kernel rejects a
 * priority for OTHER, and nice is ignored by FIFO/RR/DEADLINE. */
void rt_sched_from_oci(const struct oci_scheduler *o, struct rt_sched *out)
{
        memset(out, 0, sizeof(*out));
        out->policy = (uint32_t)o->policy;
        out->flags = o->flags;
        switch (o->policy) {
        case SCHED_NORMAL:
        case SCHED_BATCH:
        case SCHED_IDLE:
                out->nice = o->nice;
                break;
        case SCHED_FIFO:
        case SCHED_RR:
                out->priority = (uint32_t)o->priority;
                break;
        case SCHED_DEADLINE:
                out->runtime = o->runtime;
                out->deadline = o->deadline;
                out->period = o->period;
                if (!o->reset_on_fork_explicit)
                        out->flags |= SCHED_FLAG_RESET_ON_FORK;
                break;
        default:
                break;
        }
}

char *rt_sched_flags_format(uint64_t flags, char *buf, size_t len)
{
        static const struct {
                uint64_t bit;
                const char *name;
        } names[] = {
            {SCHED_FLAG_RESET_ON_FORK, "RESET_ON_FORK"},
            {SCHED_FLAG_RECLAIM, "RECLAIM"},
            {SCHED_FLAG_DL_OVERRUN, "DL_OVERRUN"},
            {SCHED_FLAG_KEEP_POLICY, "KEEP_POLICY"},
            {SCHED_FLAG_KEEP_PARAMS, "KEEP_PARAMS"},
            {SCHED_FLAG_UTIL_CLAMP_MIN, "UTIL_CLAMP_MIN"},
            {SCHED_FLAG_UTIL_CLAMP_MAX, "UTIL_CLAMP_MAX"},
        };
        size_t off = 0;
        snprintf(buf, len, "0");
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (!(flags & names[i].bit))
                        continue;
                int n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", names[i].name);
                if (n < 0 || (size_t)n >= len - off)
                        break;
                off += (size_t)n;
        }
        return buf;
}

int rt_process_apply(const struct oci_scheduler *sched, struct rterr *err)
{
        if (sched == NULL || !sched->set)
                return 0;
        struct rt_sched s;
        rt_sched_from_oci(sched, &s);
        /* A DEADLINE task's affinity must cover its whole root domain (EPERM otherwise), and a
         * runtime started under taskset would pass its narrower mask down. */
        if (s.policy == SCHED_DEADLINE && rt_affinity_reset_to_cpuset(0, err) < 0)
                return rterr_wrap(err, "process.scheduler: reset affinity to the cpuset");
        int r = rt_sched_set(0, &s);
        if (r < 0)
                return rt_explain_setattr(getpid(), &s, -r, err);
        return 0;
}
