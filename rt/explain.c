/* Why sched_setattr refused: the kernel rule that was hit, with the numbers, and what to change.
 * The rules are those of kernel/sched/syscalls.c (__sched_setscheduler), kernel/sched/deadline.c
 * (__checkparam_dl, sched_dl_overflow) and kernel/sched/rt.c (RT group runtime). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/common.h"
#include "rt/internal.h"

static const char *policy_name(uint32_t policy)
{
        const char *n = sched_policy_name((int)policy);
        return n ? n : "unknown policy";
}

#define DL_MIN_RUNTIME 1024 /* 1 << DL_SCALE */
#define CAP_SYS_NICE_BIT 23

struct out {
        char *buf;
        size_t len, off;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
        if (o->off >= o->len)
                return;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
        va_end(ap);
        if (n > 0)
                o->off += (size_t)n < o->len - o->off ? (size_t)n : o->len - o->off - 1;
}

/* A bandwidth (1/2^20 of a CPU) as a percentage of one CPU with two decimals. */
static void put_pct(struct out *o, uint64_t bw)
{
        uint64_t hundredths = (bw * 10000 + (UINT64_C(1) << (RT_BW_SHIFT - 1))) >> RT_BW_SHIFT;
        put(o, "%" PRIu64 ".%02" PRIu64 "%%", hundredths / 100, hundredths % 100);
}

static void put_request(struct out *o, const struct rt_sched *r)
{
        char flags[128];
        put(o, "sched_setattr(%s", policy_name(r->policy));
        if (r->policy == SCHED_DEADLINE)
                put(o, " runtime=%" PRIu64 " deadline=%" PRIu64 " period=%" PRIu64, r->runtime,
                    r->deadline, r->period);
        else if (r->policy == SCHED_FIFO || r->policy == SCHED_RR)
                put(o, " priority=%u", r->priority);
        else
                put(o, " nice=%d", r->nice);
        put(o, " flags=%s)", rt_sched_flags_format(r->flags, flags, sizeof(flags)));
}

static bool explain_dl_params(struct out *o, const struct rt_explain_ctx *c)
{
        const struct rt_sched *r = &c->req;
        uint64_t period = r->period ? r->period : r->deadline;
        if (r->runtime < DL_MIN_RUNTIME) {
                put(o,
                    "runtime %" PRIu64 " ns is below the kernel's minimum of %d ns; raise "
                    "process.scheduler.runtime",
                    r->runtime, DL_MIN_RUNTIME);
                return true;
        }
        if (r->deadline == 0 || r->runtime > r->deadline ||
            (r->period != 0 && r->deadline > r->period)) {
                put(o,
                    "the kernel requires runtime <= deadline <= period, got %" PRIu64 " / %" PRIu64
                    " / %" PRIu64 " ns; fix the order in process.scheduler",
                    r->runtime, r->deadline, r->period);
                return true;
        }
        if (c->period_max_us &&
            (period < c->period_min_us * 1000 || period > c->period_max_us * 1000)) {
                put(o,
                    "period %" PRIu64 " ns is outside the range the host allows, %" PRIu64
                    "..%" PRIu64 " us (/proc/sys/kernel/sched_deadline_period_{min,max}_us); "
                    "change the period or those sysctls",
                    period, c->period_min_us, c->period_max_us);
                return true;
        }
        if ((r->deadline | period) & (UINT64_C(1) << 63)) {
                put(o, "deadline/period must be below 2^63 ns");
                return true;
        }
        return false;
}

static void explain_einval(struct out *o, const struct rt_explain_ctx *c)
{
        const struct rt_sched *r = &c->req;
        if (r->policy == SCHED_DEADLINE && explain_dl_params(o, c))
                return;
        if ((r->policy == SCHED_FIFO || r->policy == SCHED_RR) &&
            (r->priority < 1 || r->priority > 99)) {
                put(o, "priority %u is outside 1..99 for %s; set process.scheduler.priority",
                    r->priority, policy_name(r->policy));
                return;
        }
        if (r->flags & ~UINT64_C(0x7f)) {
                put(o, "unknown flags 0x%" PRIx64 " for this kernel", r->flags & ~UINT64_C(0x7f));
                return;
        }
        put(o,
            "the kernel rejected the parameters (policy %u, flags 0x%" PRIx64
            "); check process.scheduler against sched_setattr(2)",
            r->policy, r->flags);
}

/* kernel/sched/syscalls.c __sched_setscheduler: with RT group scheduling, a FIFO/RR task whose
 * task group has rt_runtime 0 gets EPERM. A v2 cgroup with the cpu controller is its own task
 * group, starts at 0 and has no cpu.rt_runtime_us to change that (the file is v1 only). */
static void explain_rt_group_v2(struct out *o, const struct rt_explain_ctx *c)
{
        put(o,
            "%sRT group scheduling (CONFIG_RT_GROUP_SCHED) with cgroup v2: the kernel refuses "
            "FIFO/RR to a task whose cpu cgroup has no real-time runtime, and cgroup %s has the "
            "cpu controller enabled, starts with rt_runtime 0 and cgroup v2 has no "
            "cpu.rt_runtime_us to give it any. Ways out: ",
            c->rt_group_sched < 0 ? "probably " : "", c->v2_cpu_cgroup);
        if (rt_kernel_has_rt_group_sched_param(c->release))
                put(o, "boot with rt_group_sched=0 (kernel 6.16+), or ");
        else
                put(o,
                    "this kernel (%s) predates the rt_group_sched=0 boot parameter (6.16), "
                    "so run a kernel built without CONFIG_RT_GROUP_SCHED (as most "
                    "distributions ship), or ",
                    c->release[0] ? c->release : "?");
        put(o, "keep the cpu controller off the container's cgroup path (no \"cpu\" in its "
               "parents' cgroup.subtree_control; with no linux.resources.cpu quota or shares "
               "rtrun does not enable it) so the task stays in the root task group; "
               "sched_rt_runtime_us=-1 also lifts the rule but turns off DEADLINE admission "
               "control and RT throttling (docs/troubleshooting.md)");
}

static void explain_eperm(struct out *o, const struct rt_explain_ctx *c)
{
        char a[CPULIST_MAX / 4], s[CPULIST_MAX / 4];
        if (!c->has_cap_sys_nice) {
                put(o, "the process lacks CAP_SYS_NICE in its effective set (real-time policies "
                       "and raising priority need it); keep CAP_SYS_NICE in the runtime's "
                       "capabilities");
                return;
        }
        if (c->req.policy == SCHED_DEADLINE && c->rd_known &&
            !cpumask_subset(&c->rd_span, &c->affinity)) {
                put(o,
                    "a DEADLINE task's affinity must cover its whole root domain: affinity {%s}"
                    " is narrower than root domain {%s}",
                    cpumask_format(&c->affinity, a, sizeof(a)),
                    cpumask_format(&c->rd_span, s, sizeof(s)));
                if (c->rd_who[0])
                        put(o, " (formed by cpuset %s)", c->rd_who);
                put(o,
                    "; give linux.resources.cpu.cpus a root domain of their own (no other "
                    "load-balanced cpuset or partition may overlap them, docs/realtime.md) "
                    "or allow all of {%s}",
                    s);
                return;
        }
        if (c->req.policy == SCHED_DEADLINE && c->budget_known && c->budget.capacity == 0) {
                put(o, "the root domain has no DEADLINE bandwidth "
                       "(/proc/sys/kernel/sched_rt_runtime_us is 0); raise it");
                return;
        }
        if ((c->req.policy == SCHED_FIFO || c->req.policy == SCHED_RR) && c->rt_group_known &&
            c->rt_group_runtime_us == 0) {
                put(o,
                    "RT group scheduling: cpu cgroup %s has cpu.rt_runtime_us 0, so no "
                    "real-time task may run in it; set linux.resources.cpu.realtimeRuntime "
                    "(and realtimePeriod)",
                    c->rt_group_path);
                return;
        }
        if (sched_policy_is_rt((int)c->req.policy) && c->v2_cpu_cgroup[0] &&
            c->rt_group_sched != 0) {
                explain_rt_group_v2(o, c);
                return;
        }
        if (c->req.policy == SCHED_DEADLINE)
                /* Inside a container the cgroup namespace hides the host's cpusets. */
                put(o,
                    "a DEADLINE task's affinity must cover its whole root domain; affinity {%s}, "
                    "and the kernel's root domain is wider than what is visible from here: "
                    "another load-balanced cpuset over these CPUs merged it (`rtrun cpus "
                    "status` on the host names the cpusets that form it)",
                    cpumask_format(&c->affinity, a, sizeof(a)));
        else
                put(o, "no known rule matched (CAP_SYS_NICE present, affinity {%s})",
                    cpumask_format(&c->affinity, a, sizeof(a)));
}

static void explain_ebusy(struct out *o, const struct rt_explain_ctx *c)
{
        char s[CPULIST_MAX / 4];
        const struct rt_dl_budget *b = &c->budget;
        uint64_t want = rt_bw_of(c->req.runtime, c->req.period ? c->req.period : c->req.deadline);
        put(o, "DEADLINE bandwidth exhausted in root domain {%s}: requested ",
            c->rd_known ? cpumask_format(&c->rd_span, s, sizeof(s)) : "?");
        put_pct(o, want);
        if (!c->budget_known) {
                put(o, " of a CPU, the granted total could not be read; free bandwidth with "
                       "`rtrun cpus status`, or shorten runtime / lengthen period");
                return;
        }
        put(o, " of a CPU; capacity %u CPU(s) x rt_runtime/rt_period = ", b->ncpus);
        put_pct(o, b->capacity);
        if (b->combined) {
                put(o, ", granted to DEADLINE tasks and fair servers together ");
                put_pct(o, b->tasks);
                put(o, ", free ");
                put_pct(o, b->free);
                put(o, "; shorten runtime, lengthen period, stop another DEADLINE container, "
                       "or give it more CPUs");
                return;
        }
        put(o, ", granted to DEADLINE tasks ");
        put_pct(o, b->tasks);
        put(o, ", fair servers ");
        put_pct(o, b->fair);
        put(o, " (%s), free ",
            b->fair_unknown ? "unknown: debugfs not readable"
                            : rt_fair_source_name(b->fair_source));
        put_pct(o, b->free);
        put(o, "; shorten runtime, lengthen period, stop another DEADLINE container, give it more "
               "CPUs, or raise /proc/sys/kernel/sched_rt_runtime_us");
}

void rt_explain_format(const struct rt_explain_ctx *c, char *buf, size_t len)
{
        struct out o = {.buf = buf, .len = len, .off = 0};
        if (len)
                buf[0] = '\0';
        put_request(&o, &c->req);
        put(&o, ": %s: ", strerror(c->errnum));
        switch (c->errnum) {
        case EINVAL:
                explain_einval(&o, c);
                break;
        case EPERM:
                explain_eperm(&o, c);
                break;
        case EBUSY:
                explain_ebusy(&o, c);
                break;
        case ESRCH:
                put(&o, "the task is gone");
                break;
        default:
                put(&o, "unexpected error from the kernel");
                break;
        }
}

static uint64_t read_u64_file(const char *path, uint64_t fallback)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return fallback;
        return strtoull(text, NULL, 10);
}

static bool task_has_cap(pid_t tid, int cap)
{
        char path[64], line[256];
        rt_pathf(path, sizeof(path), "/proc/%d/status", (int)tid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (f == NULL)
                return true; /* unknown: do not blame capabilities */
        while (fgets(line, sizeof(line), f))
                if (strncmp(line, "CapEff:", 7) == 0)
                        return (strtoull(line + 7, NULL, 16) >> cap) & 1;
        return true;
}

/* cpu.rt_runtime_us of the task's v1 cpu cgroup, when the host has RT group scheduling. */
static void read_rt_group(pid_t tid, struct rt_explain_ctx *c)
{
        char path[64], line[512];
        rt_pathf(path, sizeof(path), "/proc/%d/cgroup", (int)tid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (f == NULL)
                return;
        while (fgets(line, sizeof(line), f)) {
                char *ctrl = strchr(line, ':');
                char *cg = ctrl ? strchr(ctrl + 1, ':') : NULL;
                if (cg == NULL)
                        continue;
                *cg++ = '\0';
                cg[strcspn(cg, "\n")] = '\0';
                if (strcmp(ctrl + 1, "cpu") != 0 && strcmp(ctrl + 1, "cpu,cpuacct") != 0 &&
                    strcmp(ctrl + 1, "cpuacct,cpu") != 0)
                        continue;
                char file[RT_PATH];
                rt_pathf(file, sizeof(file), "/sys/fs/cgroup/%s%s/cpu.rt_runtime_us", ctrl + 1,
                         strcmp(cg, "/") == 0 ? "" : cg);
                _cleanup_free_ char *text = NULL;
                if (read_file_at(AT_FDCWD, file, &text, NULL, NULL) < 0)
                        return;
                c->rt_group_known = true;
                c->rt_group_runtime_us = strtoll(text, NULL, 10);
                snprintf(c->rt_group_path, sizeof(c->rt_group_path), "%s", cg);
                return;
        }
}

int rt_group_sched_state(const char *config, const char *cmdline)
{
        if (cmdline != NULL) {
                for (const char *p = strstr(cmdline, "rt_group_sched="); p;
                     p = strstr(p + 1, "rt_group_sched="))
                        if ((p == cmdline || p[-1] == ' ') && p[15] == '0')
                                return 0;
        }
        if (config == NULL)
                return -1;
        if (strstr(config, "\nCONFIG_RT_GROUP_SCHED=y") ||
            strncmp(config, "CONFIG_RT_GROUP_SCHED=y", 23) == 0)
                return strstr(config, "CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED=y") &&
                               (cmdline == NULL || strstr(cmdline, "rt_group_sched=1") == NULL)
                           ? 0
                           : 1;
        if (strstr(config, "# CONFIG_RT_GROUP_SCHED is not set"))
                return 0;
        return -1;
}

bool rt_kernel_has_rt_group_sched_param(const char *release)
{
        int major = 0, minor = 0;
        if (sscanf(release, "%d.%d", &major, &minor) != 2)
                return false;
        return major > 6 || (major == 6 && minor >= 16);
}

/* The task's v2 cgroup, when the cpu controller is enabled there (it is then a task group of
 * its own). */
static void read_v2_cpu_cgroup(pid_t tid, struct rt_explain_ctx *c)
{
        char path[64], line[512];
        rt_pathf(path, sizeof(path), "/proc/%d/cgroup", (int)tid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        while (f && fgets(line, sizeof(line), f)) {
                if (strncmp(line, "0::", 3) != 0)
                        continue;
                char *cg = line + 3;
                cg[strcspn(cg, "\n")] = '\0';
                if (strcmp(cg, "/") == 0)
                        return;
                static const char *const mounts[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
                for (size_t i = 0; i < 2; i++) {
                        char file[RT_PATH];
                        _cleanup_free_ char *text = NULL;
                        if (rt_pathf(file, sizeof(file), "%s%s/cgroup.controllers", mounts[i], cg) <
                                0 ||
                            read_file_at(AT_FDCWD, file, &text, NULL, NULL) < 0)
                                continue;
                        for (char *w = strtok(text, " \n"); w; w = strtok(NULL, " \n"))
                                if (strcmp(w, "cpu") == 0)
                                        snprintf(c->v2_cpu_cgroup, sizeof(c->v2_cpu_cgroup),
                                                 "%.255s", cg);
                        return;
                }
        }
}

static void read_rt_group_sched(struct rt_explain_ctx *c)
{
        struct utsname u;
        char path[128];
        c->release[0] = '\0';
        if (uname(&u) == 0)
                snprintf(c->release, sizeof(c->release), "%s", u.release);
        snprintf(path, sizeof(path), "/boot/config-%s", c->release);
        _cleanup_free_ char *config = NULL, *cmdline = NULL;
        if (read_file_at(AT_FDCWD, path, &config, NULL, NULL) < 0)
                config = NULL;
        if (read_file_at(AT_FDCWD, "/proc/cmdline", &cmdline, NULL, NULL) < 0)
                cmdline = NULL;
        c->rt_group_sched = rt_group_sched_state(config, cmdline);
}

int rt_explain_setattr(pid_t tid, const struct rt_sched *req, int errnum, struct rterr *err)
{
        struct rt_explain_ctx c;
        memset(&c, 0, sizeof(c));
        c.errnum = errnum;
        c.req = *req;
        c.period_min_us = read_u64_file("/proc/sys/kernel/sched_deadline_period_min_us", 0);
        c.period_max_us = read_u64_file("/proc/sys/kernel/sched_deadline_period_max_us", 0);
        c.has_cap_sys_nice = task_has_cap(tid, CAP_SYS_NICE_BIT);
        if (rt_affinity_get(tid, &c.affinity, NULL) < 0)
                cpumask_zero(&c.affinity);
        int cpu = rt_task_cpu(tid);
        if (cpu >= 0 && rt_rootdomain_span(cpu, &c.rd_span, c.rd_who, sizeof(c.rd_who), NULL) == 0)
                c.rd_known = true;
        if (errnum == EBUSY || errnum == EPERM) {
                struct rt_dl_snapshot *snap = NULL;
                if (c.rd_known && rt_dl_snapshot_read(&snap, NULL) == 0) {
                        rt_dl_budget_of(snap, &c.rd_span, tid, &c.budget);
                        c.budget_known = true;
                        rt_dl_snapshot_free(snap);
                }
        }
        read_rt_group(tid, &c);
        if (sched_policy_is_rt((int)req->policy) && errnum == EPERM) {
                read_v2_cpu_cgroup(tid, &c);
                read_rt_group_sched(&c);
        }
        char text[sizeof(err->msg)];
        rt_explain_format(&c, text, sizeof(text));
        return rterr_set(err, errnum, "%s", text);
}
