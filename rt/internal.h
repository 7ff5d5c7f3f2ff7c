/* rt/'s own pieces, one section per file. Not part of the contract: only rt/ and its unit tests
 * include this. Must not pull in <sched.h>: sched_attr.c includes <linux/sched/types.h>,
 * whose struct sched_param clashes with glibc's. */
#ifndef RTRUN_RT_INTERNAL_H
#define RTRUN_RT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"

/* Where rt/ keeps what it changed on the host, so teardown and `cpus release` can undo it. */
#define RT_STATE_DIR "/run/rtrun/rt"

/* ---- path.c ---- */

#define RT_PATH 4096
/* snprintf for paths: -1 (ENAMETOOLONG) on truncation. */
int rt_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- state.c: what rt/ changed on the host ---- */

struct rt_state_entry {
        char kind[16];
        char a[RT_PATH];
        char b[RT_PATH + 32];
};
struct rt_state {
        char name[64];
        int lock_fd;
        struct rt_state_entry *v;
        size_t n;
};
/* Whether RT_STATE_DIR/NAME exists: no lock, for the common case of nothing recorded. */
bool rt_state_exists(const char *name);
/* Removes the temporaries of rt_state_save left by dead writers (NAME.tmp.PID). */
void rt_state_sweep(void);
/* Locks and reads RT_STATE_DIR/NAME (absent: empty). */
int rt_state_open(const char *name, struct rt_state *st, struct rterr *err);
int rt_state_add(struct rt_state *st, const char *kind, const char *a, const char *b,
                 struct rterr *err);
/* First entry of kind (and first field a, unless NULL), or NULL. */
struct rt_state_entry *rt_state_find(struct rt_state *st, const char *kind, const char *a);
size_t rt_state_count(const struct rt_state *st, const char *kind);
void rt_state_remove(struct rt_state *st, struct rt_state_entry *e);
/* Writes the file (removes it when empty). */
int rt_state_save(struct rt_state *st, struct rterr *err);
/* Unlocks and frees. */
void rt_state_close(struct rt_state *st);

/* ---- affinity.c: task affinity (CPU sets are common/cpumask.h) ---- */

int rt_affinity_get(pid_t tid, struct cpumask *out, struct rterr *err);
int rt_affinity_set(pid_t tid, const struct cpumask *m, struct rterr *err);
/* Widens the affinity to every CPU the task's cpuset allows: the kernel intersects the request
 * with the cpuset, and since 6.2 it keeps a narrower earlier request across cpuset moves. */
int rt_affinity_reset_to_cpuset(pid_t tid, struct rterr *err);
/* CPUs online now (/sys/devices/system/cpu/online). */
int rt_cpus_online(struct cpumask *out, struct rterr *err);

/* ---- isolated.c: isolcpus / nohz_full ---- */

struct rt_isolation {
        struct cpumask isolcpus_cmdline; /* isolcpus= on the kernel command line */
        char isolcpus_flags[64];         /* "domain,managed_irq" or "" */
        struct cpumask nohz_full_cmdline;
        struct cpumask isolated_sysfs;  /* /sys/devices/system/cpu/isolated */
        struct cpumask nohz_full_sysfs; /* /sys/devices/system/cpu/nohz_full */
};
/* Parses a kernel command line (pure; the unit test feeds it strings). */
int rt_isolation_parse_cmdline(const char *cmdline, struct rt_isolation *out, struct rterr *err);
int rt_isolation_read(struct rt_isolation *out, struct rterr *err);

/* ---- sched_attr.c: sched_setattr/sched_getattr ---- */

struct rt_sched {
        uint32_t policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period; /* ns */
};

int rt_sched_get(pid_t tid, struct rt_sched *out);     /* 0 or -errno */
int rt_sched_set(pid_t tid, const struct rt_sched *s); /* 0 or -errno */
/* What the kernel gets for process.scheduler: the RESET_ON_FORK rule applied (docs/realtime.md).
 */
void rt_sched_from_oci(const struct oci_scheduler *o, struct rt_sched *out);
/* Formats the flags as "RESET_ON_FORK|DL_OVERRUN" ("0" when none). */
char *rt_sched_flags_format(uint64_t flags, char *buf, size_t len);

/* ---- debugfs.c ---- */

/* Reads files under /sys/kernel/debug ("sched/debug"); outs[i] is malloc'd text or NULL. */
void rt_debugfs_read(const char *const *rels, size_t n, char **outs);

/* ---- bandwidth.c: DEADLINE bandwidth of root domains ---- */

/* The kernel's fixed point: bandwidth = runtime/period << 20. */
#define RT_BW_SHIFT 20
uint64_t rt_bw_of(uint64_t runtime, uint64_t period);
/* The CPU a task runs on now (/proc/TID/stat field 39), -1 when unknown. */
int rt_task_cpu(pid_t tid);

struct rt_dl_task {
        pid_t pid, tid;
        char comm[32];
        int cpu; /* where it runs now: its root domain is that CPU's */
        uint64_t runtime, deadline, period;
        struct cpumask affinity;
};

/* Where the fair servers' parameters came from: the one answer for admission, `cpus status`
 * and the diagnostics. */
enum rt_fair_source {
        RT_FAIR_UNKNOWN,        /* nothing readable and the kernel's default cannot apply */
        RT_FAIR_DEBUGFS,        /* sched/fair_server/cpuN/{runtime,period} */
        RT_FAIR_ROOT_DOMAIN,    /* sched/debug's dl_bw->total_bw minus the DEADLINE tasks */
        RT_FAIR_KERNEL_DEFAULT, /* debugfs unreadable, kernel >= 6.12: 50 ms every 1 s */
        RT_FAIR_NONE,           /* kernel < 6.12: no fair server */
};
const char *rt_fair_source_name(enum rt_fair_source s);
/* Whether a kernel release ("6.12.3-amd64") has per-CPU fair servers (6.12 and later). */
bool rt_kernel_has_fair_server(const char *release);
/* The kernel's default fair server (kernel/sched/fair.c fair_server_init): 50 ms every 1 s. */
#define RT_FAIR_DEFAULT_RUNTIME UINT64_C(50000000)
#define RT_FAIR_DEFAULT_PERIOD UINT64_C(1000000000)
/* Fills fair_* of a snapshot whose debugfs files were unreadable (pure but for
 * rt_rootdomain_span when `span_of` is NULL): from the root domains' totals when known, else
 * the default for `release`. */
struct rt_dl_snapshot;
typedef int (*rt_span_fn)(int cpu, struct cpumask *out);
void rt_fair_fallback(struct rt_dl_snapshot *s, const struct cpumask *online, const char *release,
                      rt_span_fn span_of);

struct rt_dl_snapshot {
        uint64_t rt_runtime_us; /* /proc/sys/kernel/sched_rt_runtime_us; -1 read as UINT64_MAX */
        uint64_t rt_period_us;
        bool unlimited; /* sched_rt_runtime_us == -1: no admission control */
        bool partial;   /* in a child pid namespace: not every task is visible */
        struct rt_dl_task *tasks;
        size_t n_tasks;
        /* Fair-server reservation per CPU (kernel >= 6.12): from debugfs when readable, else
         * derived from the root domains' totals, else the kernel's default for its version
         * (fair_source says which; rt_fair_source_name). */
        bool fair_known;
        enum rt_fair_source fair_source;
        uint64_t fair_runtime[CPUMASK_MAX], fair_period[CPUMASK_MAX];
        /* Per CPU: the root domain's total_bw/bw as /sys/kernel/debug/sched/debug shows them. */
        bool rd_known;
        uint64_t rd_total_bw[CPUMASK_MAX], rd_bw[CPUMASK_MAX];
};

int rt_dl_snapshot_read(struct rt_dl_snapshot **out, struct rterr *err);
void rt_dl_snapshot_free(struct rt_dl_snapshot *s);

/* Bandwidth numbers of one root domain (span), in units of 1/2^20 of a CPU. */
struct rt_dl_budget {
        unsigned ncpus;
        uint64_t capacity;   /* ncpus * rt_runtime/rt_period */
        uint64_t tasks;      /* DEADLINE tasks whose CPU lies in the span */
        uint64_t fair;       /* fair servers of the span */
        bool fair_estimated; /* not read from sched/fair_server (fair_source says how) */
        bool fair_unknown;   /* debugfs unreadable */
        enum rt_fair_source fair_source;
        bool combined; /* tasks holds tasks + fair servers (partial view) */
        uint64_t free; /* capacity - tasks - fair, 0 when exceeded */
};
/* What one CPU offers DEADLINE: rt_runtime/rt_period minus its fair server (a fraction). */
double rt_cpu_capacity(const struct rt_dl_snapshot *s, unsigned cpu);
void rt_dl_budget_of(const struct rt_dl_snapshot *s, const struct cpumask *span, pid_t exclude_tid,
                     struct rt_dl_budget *out);

/* ---- rootdomain.c: the root domain a CPU belongs to, and making new ones ---- */

/* The cpuset hierarchy's mount point and whether it is cgroup v2. */
int rt_cpuset_mount(char *out, size_t len, bool *v2, struct rterr *err);
/* The span of the root domain the scheduler uses for `cpu`, derived from the cpuset setup the
 * way kernel/cgroup/cpuset.c builds sched domains; `who` (may be NULL) gets the cpusets that
 * formed it, e.g. "/a (0-1), /b (1)". */
int rt_rootdomain_span(int cpu, struct cpumask *out, char *who, size_t wholen, struct rterr *err);
/* v1: calls fn for each cpuset that forms a sched domain (the first one with
 * sched_load_balance=1 on its path from the root), with its path under the mount ("/a/b"). */
typedef void (*rt_domain_fn)(const char *rel, const struct cpumask *cpus, void *ctx);
void rt_cpuset_v1_domains(const char *mount, rt_domain_fn fn, void *ctx);
/* Makes `cpus` the root domain of the container's cpuset directory (absolute path). */
int rt_rootdomain_claim(const char *cpuset_dir, const struct cpumask *cpus, struct rterr *err);
/* Gives the CPUs back; restores the host once no container needs a root domain. With
 * cpuset_dir NULL only tidies up (partitions nobody uses, emptied parents, stale claims). */
int rt_rootdomain_release(const char *cpuset_dir, struct rterr *err);
/* For any other container: keeps its cpuset from merging with a real-time root domain. */
int rt_rootdomain_guest(const char *cpuset_dir, struct rterr *err);
/* The CPUs all claimed root domains hold. */
int rt_rootdomain_claimed(struct cpumask *out, struct rterr *err);

/* ---- rootdomain_claim.c: cpuset files (dir is absolute, file a name in it) ---- */

/* The first line of dir/file. */
/* cgroup v2, kernel 6.7+: every ancestor of dir below the cgroup root `mount` lends it cpus
 * through cpuset.cpus.exclusive (a remote partition), each old value saved in st first. */
int rt_lend_exclusive(struct rt_state *st, const char *mount, const char *dir, const char *list,
                      const struct cpumask *cpus, struct rterr *err);
int rt_cgf_read(const char *dir, const char *file, char *out, size_t len, struct rterr *err);
int rt_cgf_write(const char *dir, const char *file, const char *value, struct rterr *err);
/* Writes dir/file = value after recording its original value in st ("saved PATH VALUE"). */
int rt_cgf_save_write(struct rt_state *st, const char *dir, const char *file, const char *value,
                      struct rterr *err);
/* cpuset.cpus.partition reads "root" (not "root invalid (...)"). */
bool rt_cgf_partition_valid(const char *dir);

/* ---- partition.c: cgroup v2, one partition per CPU set shared by its containers ---- */

enum rt_partition_join {
        RT_PART_NONE,  /* the parent cannot be the set's partition: why says so */
        RT_PART_OURS,  /* the parent is the partition rtrun made (and refcounts) for the set */
        RT_PART_ADMIN, /* the parent is a partition of exactly the set that someone else made */
};
/* Makes the parent of the container's cpuset `dir` (absolute) the partition of `cpus`, or joins
 * it; the claim of `dir` ("container DIR CPUS") must be recorded in st already. -1 on error. */
int rt_partition_join(struct rt_state *st, const char *mount, const char *dir,
                      const struct cpumask *cpus, char *why, size_t whylen, struct rterr *err);
/* Gives back every partition rtrun made that no recorded container uses any more (host files
 * restored), and removes the emptied parent cgroups once their last container's cgroup is
 * gone. Run with st open after stale entries were forgotten. */
int rt_partition_tidy(struct rt_state *st, struct rterr *err);
/* The parent cgroup rtrun uses for DEADLINE containers on `cpus` without linux.cgroupsPath
 * ("/rtrun-rt-2-3_5"). */
int rt_partition_default_parent(const struct cpumask *cpus, char *out, size_t len);

/* ---- rtgroup.c: v1 RT group budgets ---- */

int rt_rtgroup_setup(const char *cpu_dir, const struct oci_cpu *cpu, const struct rtwarn *warn,
                     struct rterr *err);
int rt_rtgroup_teardown(const char *cpu_dir, struct rterr *err);

/* ---- memlock.c ---- */

bool rt_memlock_wanted(const struct oci_kvs *annotations);
/* Host side: the container's memory cgroup directory. */
int rt_memlock_setup(const char *memory_dir, const struct oci_memory *mem, struct rterr *err);

/* ---- shield.c: `rtrun cpus shield|release` ---- */

int rt_shield(const struct cpumask *pool, struct rterr *err);
int rt_shield_release(struct rterr *err);
/* The shielded CPUs (empty when none). */
int rt_shield_pool(struct cpumask *out, struct rterr *err);

/* ---- explain.c: why sched_setattr failed ---- */

/* Everything explain needs, gathered from the host (or given by a unit test). */
struct rt_explain_ctx {
        int errnum;
        struct rt_sched req;
        uint64_t period_min_us, period_max_us;
        bool has_cap_sys_nice;
        struct cpumask affinity;
        struct cpumask rd_span;
        bool rd_known;
        char rd_who[256]; /* the cpusets that formed the root domain */
        struct rt_dl_budget budget;
        bool budget_known;
        /* FIFO/RR with RT group scheduling */
        bool rt_group_known;
        int64_t rt_group_runtime_us;
        char rt_group_path[256];
        /* cgroup v2: the task's cgroup when the cpu controller is enabled there (its task group
         * is then not the root one), "" otherwise */
        char v2_cpu_cgroup[256];
        int rt_group_sched; /* CONFIG_RT_GROUP_SCHED in effect: 1 yes, 0 no, -1 unknown */
        char release[65];   /* uname -r */
};
/* RT group scheduling in effect: 1/0, -1 unknown; from the kernel's config text (/boot/config-R
 * or NULL) and its command line (rt_group_sched=0 turns it off at boot, 6.16+). Pure. */
int rt_group_sched_state(const char *config, const char *cmdline);
/* Whether a kernel release has the rt_group_sched= boot parameter (6.16 and later). */
bool rt_kernel_has_rt_group_sched_param(const char *release);

/* The explanation text (pure). */
void rt_explain_format(const struct rt_explain_ctx *c, char *buf, size_t len);
/* Gathers the facts about `tid` and the request, then formats into err (code errnum). */
int rt_explain_setattr(pid_t tid, const struct rt_sched *req, int errnum, struct rterr *err);

#endif
