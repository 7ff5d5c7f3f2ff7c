/* The kernel's real-time mechanisms: sched_setattr with explained failures, root domains from
 * cpusets (v1 exclusive sets, v2 partitions), RT group budgets, memory locking, CPU shielding
 * and isolated-CPU discovery. Read ../shared/notes/kernel-rt.md first. */
#ifndef RTRUN_RT_H
#define RTRUN_RT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "oci/oci.h"

/* Host side, in the parent during `create`, after cg_create (and best before cg_apply: v1
 * cpu.rt_runtime_us can only be written once the parents' RT budgets are raised) and before
 * the container process joins the cgroup: makes the container's CPUs a root domain when it asks for
 * SCHED_DEADLINE with linux.resources.cpu.cpus, sets RT group budgets for FIFO/RR on v1, and
 * the memory-lock settings. Undone by rt_container_teardown. What the host cannot do and is
 * skipped (RT budgets without RT group scheduling) goes to `warn`. */
int rt_container_setup(const struct cg_host *host, struct cgroup *cg, const struct oci_spec *spec,
                       const struct rtwarn *warn, struct rterr *err);
int rt_container_teardown(const struct cg_host *host, struct cgroup *cg, struct rterr *err);
/* After the container's cgroup is gone (cg_destroy), or found gone by a delete that resumes an
 * interrupted one: removes what rt/ made for containers that no longer exist (on cgroup v2 the
 * parent cgroup that was the partition of their CPU set). */
int rt_container_removed(struct rterr *err);

/* The linux.cgroupsPath rtrun uses when the config has none: on pure cgroup v2 a DEADLINE
 * container with linux.resources.cpu.cpus goes below the parent cgroup that is its CPU set's
 * partition ("/rtrun-rt-2/ID", docs/realtime.md). Returns 1 with out set, 0 for the default
 * path, -1 on error. */
int rt_cgroups_path_default(const struct oci_spec *spec, enum cg_layout layout, const char *id,
                            char *out, size_t len, struct rterr *err);
/* The parent rt_cgroups_path_default chose for the cgroup at cgroup_path ("/rtrun-rt-2" for
 * "/rtrun-rt-2/ID") in out; 0 when cgroup_path is not below such a parent. */
int rt_default_parent_of(const char *cgroup_path, char *out, size_t len);

/* Container side, in the container process after it joined its cgroup and before it drops
 * capabilities: resets affinity to the cpuset where needed and applies process.scheduler.
 * Errors explain which kernel rule refused it. */
int rt_process_apply(const struct oci_scheduler *sched, struct rterr *err);

/* Container side, after process.rlimits: with annotation org.rtrun.memory.lock "true",
 * RLIMIT_MEMLOCK unlimited. Without CAP_SYS_RESOURCE only up to the hard limit, which is
 * enough when p's capabilities keep CAP_IPC_LOCK (mlockall then ignores the limit). */
int rt_process_memlock(const struct oci_kvs *annotations, const struct oci_process *p,
                       struct rterr *err);

/* process.execCPUAffinity for an exec'd process, called in it twice: before it joins the
 * container's cgroup (after_join false: `initial`) and after (true: `final`, or without one
 * the cgroup's CPUs when `initial` narrowed them). */
int rt_exec_cpu_affinity(const struct oci_exec_cpu_affinity *a, bool after_join, struct rterr *err);

/* The org.rtrun.* annotations rt/ supports, appended to *out (for `features`). */
int rt_features_annotations(struct oci_kvs *out, struct rterr *err);

/* ---- `rtrun cpus` (the command line is cli/cmd_cpus.c) ---- */

/* One online CPU as `cpus status` shows it. Bandwidths are percent of one CPU. */
struct rt_cpu_status {
        unsigned cpu;
        bool shielded, isolcpus, nohz_full;
        bool claimed;              /* a DEADLINE root domain rtrun claimed */
        char *root_domain;         /* its root domain's CPUs, a cpulist */
        char root_domain_who[256]; /* what formed that root domain */
        double dl_capacity_pct, dl_tasks_pct, dl_fair_pct, dl_free_pct; /* of the root domain */
        bool fair_servers_unknown;          /* debugfs unreadable: dl_fair_pct is not known */
        bool fair_known;                    /* this CPU's fair server (kernel >= 6.12) read */
        uint64_t fair_runtime, fair_period; /* ns */
        double capacity; /* fraction of this CPU left to DEADLINE: rt share minus fair server */
};

/* A SCHED_DEADLINE thread on the host. */
struct rt_dl_thread {
        pid_t pid, tid;
        char comm[32];
        int cpu; /* where it runs now */
        uint64_t runtime, deadline, period;
        char *affinity; /* cpulist */
};

struct rt_cpus_status {
        int64_t rt_runtime_us; /* sched_rt_runtime_us, -1: no admission control */
        uint64_t rt_period_us;
        bool unlimited;
        const char *fair_source; /* where the fair servers' numbers came from (static) */
        struct rt_cpu_status *cpus;
        size_t n_cpus;
        struct rt_dl_thread *threads;
        size_t n_threads;
};

int rt_cpus_status_read(struct rt_cpus_status *out, struct rterr *err);
void rt_cpus_status_free(struct rt_cpus_status *s);

/* ---- the host's real-time capacity: one reading for admission, `cpus status` and the
 * diagnostics ---- */

/* A SCHED_DEADLINE thread the kernel admitted, with the root domain it is charged to and the
 * chain of its ancestors (so admission can tell its own containers from anything else). */
struct rt_host_dl_task {
        pid_t pid, tid;
        char comm[32];
        uint64_t runtime, deadline, period; /* ns */
        struct cpumask span;                /* its root domain */
        pid_t ancestors[16];                /* parent, grandparent, ... */
        size_t n_ancestors;
};

struct rt_host_capacity {
        int64_t rt_runtime_us; /* sched_rt_runtime_us, -1: no cap */
        uint64_t rt_period_us;
        struct cpumask online;
        /* The fair server per CPU (the largest share among the online CPUs); 0/0 when none. */
        uint64_t fs_runtime, fs_period;
        const char *fs_source; /* where fs_* came from, in words (static) */
        /* /proc/sys/kernel/sched_deadline_period_{min,max}_us; 0 when unreadable */
        uint64_t dl_period_min_us, dl_period_max_us;
        bool fs_unknown; /* nothing readable: fs_* is the conservative default */
        struct rt_host_dl_task *dl_tasks;
        size_t n_dl_tasks;
};

/* Reads sched_rt_*, the online CPUs, the fair servers (debugfs, mounted privately when not
 * mounted; else derived or the kernel's default, fs_source says which) and every DEADLINE
 * thread with its root domain. */
int rt_host_capacity_read(struct rt_host_capacity *out, struct rterr *err);
void rt_host_capacity_free(struct rt_host_capacity *c);

/* Moves tasks, kernel threads and IRQs off the CPUs of `cpulist`; undone by rt_cpus_release. */
int rt_cpus_shield(const char *cpulist, struct rterr *err);
int rt_cpus_release(struct rterr *err);

/* Host side: changes the runtime of a running SCHED_DEADLINE task `pid`, keeping its deadline,
 * period and flags (admission control's elastic compression and restore). A task that is not
 * DEADLINE is left alone. */
int rt_deadline_set_runtime(pid_t pid, uint64_t runtime, struct rterr *err);

/* ---- tasks rtrun did not start: a CRIU restore, a dump ---- */
/* Host side: gives the running task `pid` process.scheduler, as rt_process_apply does for the
 * container's own init at create (the affinity reset to its cpuset first for DEADLINE). */
int rt_task_apply(pid_t pid, const struct oci_scheduler *sched, struct rterr *err);
/* The SCHED_DEADLINE threads of `pids` switched to SCHED_OTHER, their parameters kept for
 * rt_dl_unpark (CRIU 3.17 does not record DEADLINE's parameters). The kernel frees their
 * bandwidth meanwhile; the admission ledger keeps the reservation. */
struct rt_dl_park;
int rt_dl_park(const pid_t *pids, size_t n, struct rt_dl_park **out, struct rterr *err);
size_t rt_dl_park_count(const struct rt_dl_park *p);
/* Gives the parked threads still alive their DEADLINE parameters back. */
int rt_dl_unpark(struct rt_dl_park *p, struct rterr *err);
void rt_dl_park_free(struct rt_dl_park *p);

#endif
