/* The host-wide admission controller: which real-time reservations fit together, decided by
 * exact analysis (QPA on one CPU, GFB on a partition, response times for timed FIFO/RR) and
 * resolved by criticality and elastic compression. The model is issue 5's; docs/admission.md
 * explains it with numbers. Pure logic except the ledger (ledger.c, ledger_reconcile.c: the
 * locked files under /run/rtrun/admission, and /proc to tell live holders): the host's capacity
 * is read by rt/ (rt_host_capacity_read) and passed in by the runtime. Times are nanoseconds. */
#ifndef RTRUN_SCHEDULER_H
#define RTRUN_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"

/* ---- model ---- */

enum sched_crit {
        SCHED_CRIT_BEST_EFFORT,
        SCHED_CRIT_PERCEPTION,
        SCHED_CRIT_PLANNING,
        SCHED_CRIT_CONTROL
};
int sched_crit_parse(const char *s); /* -1 when unknown */
const char *sched_crit_name(enum sched_crit c);

enum sched_kind {
        SCHED_KIND_NONE,       /* admitted without analysis */
        SCHED_KIND_DEADLINE,   /* a partition, tested with QPA (1 CPU) or GFB (m CPUs) */
        SCHED_KIND_TIMED_FP,   /* FIFO/RR with timing on exactly one CPU: response-time analysis */
        SCHED_KIND_UNTIMED_FP, /* FIFO/RR without timing: unknown demand on its CPUs; refused
                                * where it can starve a timed FIFO/RR task (granted 1 marks
                                * it admitted; runtime, deadline and period are 0) */
};

/* One container's demand. `runtime` is the requested budget (DEADLINE runtime or FIFO/RR wcet);
 * the controller decides `granted`. */
struct sched_task {
        char id[1088];  /* a container id (<= 1024) and "/exec-PID" */
        char name[256]; /* the engine's name for it (sched_engine_name), "" when none */
        enum sched_kind kind;
        enum sched_crit crit;
        int policy; /* SCHED_* */
        int priority;
        struct cpumask cpus; /* the partition, or the one CPU of a timed FIFO/RR task */
        uint64_t runtime, deadline, period;
        bool elastic;
        bool placed;          /* its CPUs were chosen by admission (org.rtrun.cpus=auto) */
        uint64_t min_runtime; /* elastic only */
        double weight;        /* elastic only, > 0 */
        uint64_t granted;     /* 0 when not admitted */
};

/* DEADLINE bandwidth the kernel granted to a thread the ledger does not hold (someone ran
 * chrt -d, or a container raised itself): charged to the CPUs of its root domain. */
struct sched_foreign {
        pid_t pid, tid;
        char comm[32];
        uint64_t runtime, deadline, period;
        struct cpumask span; /* its root domain */
        pid_t ancestors[16]; /* parent first: a container's threads descend from its holder */
        size_t n_ancestors;
        bool counted; /* false once matched to a ledger entry */
};

/* The CPUs real-time containers may use and what each offers: capacity c = bandwidth minus
 * the fair server's share (runtime/period), the same on every CPU of the set, minus the
 * foreign DEADLINE bandwidth on that CPU. */
struct sched_host {
        struct cpumask cpus;
        double bandwidth; /* sched_rt_runtime_us / sched_rt_period_us; 1 when the cap is off */
        bool fair_server;
        uint64_t fs_runtime, fs_period;
        char fs_source[96]; /* where fs_* came from, shown by status ("" when given) */
        /* the kernel\'s DEADLINE period limits (sched_deadline_period_{min,max}_us), ns; 0: none */
        uint64_t dl_period_min, dl_period_max;
        struct sched_foreign *foreign; /* not owned; NULL when none */
        size_t n_foreign;
};

/* Capacity in parts per billion (what every exact test uses), and as a fraction, before
 * foreign DEADLINE bandwidth. */
uint64_t sched_host_cap_ppb(const struct sched_host *h);
double sched_host_capacity(const struct sched_host *h);
/* Foreign DEADLINE utilisation charged to one CPU: each counted thread's runtime/period spread
 * evenly over its root domain. */
double sched_host_foreign_on(const struct sched_host *h, int cpu);
/* Capacity per CPU left on `cpus` (their average) once foreign bandwidth is charged. */
double sched_host_capacity_on(const struct sched_host *h, const struct cpumask *cpus);
/* sched_host_capacity_on for the one CPU `cpu`. */
double sched_host_capacity_cpu(const struct sched_host *h, int cpu);
uint64_t sched_host_cap_ppb_on(const struct sched_host *h, const struct cpumask *cpus);
/* Marks foreign threads that belong to a ledger entry (the holder itself or a descendant of
 * it) as not counted: the ledger already holds their bandwidth. */
struct sched_entry;
void sched_foreign_match(struct sched_foreign *f, size_t nf, const struct sched_entry *e, size_t n);
/* Builds a host from the kernel's values: rt_runtime_us (-1 disables the cap), rt_period_us,
 * the online CPU list, fs_* (0/0 when the kernel has no fair server). */
int sched_host_from_values(struct sched_host *h, int64_t rt_runtime_us, uint64_t rt_period_us,
                           const char *online_cpus, uint64_t fs_runtime, uint64_t fs_period,
                           struct rterr *err);

/* The task a config.json asks for: process.scheduler, linux.resources.cpu.cpus and the
 * org.rtrun.* annotations. Errors name the annotation or field. */
int sched_task_from_spec(const struct oci_spec *spec, const char *id, const struct sched_host *h,
                         struct sched_task *out, struct rterr *err);
/* Checks a task's fields against the model (cpus inside the host, FIFO/RR on one CPU, ...);
 * `where` prefixes the message ("containers[2]"). */
int sched_task_validate(const struct sched_task *t, const struct sched_host *h, const char *where,
                        struct rterr *err);

/* ---- analysis ---- */

/* Every test on the CPUs `t` touches, with every task of `set` that has granted > 0 (t itself
 * included, with its granted runtime). Returns true when all pass; otherwise `reason` says
 * which test failed, where, and by how much. */
bool sched_feasible(const struct sched_task *set, size_t n, const struct sched_host *h,
                    const struct cpumask *cpus, char *reason, size_t reason_size);

/* Exact EDF on one CPU (Zhang & Burns' QPA); capacity in ppb. Arrays of n tasks. */
bool sched_edf_qpa(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n,
                   uint64_t cap_ppb, char *reason, size_t reason_size);
/* Global EDF density test on m CPUs (Goossens, Funk, Baruah). */
bool sched_gfb(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n, int m,
               double capacity, char *reason, size_t reason_size);
/* Worst-case response time of (c, d) under higher-priority tasks (hc, hp) without jitter and
 * jittered interferers (jc, jd, jp) with jitter jd - jc; supply fraction in ppb. Returns the
 * response time, or the first iterate above d when it exceeds d (a lower bound of it), or
 * UINT64_MAX when it is unbounded (interference at or above the supply) or the analysis gave
 * up (a busy window of more than 100000 steps). */
uint64_t sched_rta(uint64_t c, uint64_t d, const uint64_t *hc, const uint64_t *hp, size_t nh,
                   const uint64_t *jc, const uint64_t *jd, const uint64_t *jp, size_t nj,
                   uint64_t supply_ppb);

/* Buttazzo's elastic rule: for n tasks with requested runtimes r, minimums mn, periods p and
 * weights w, removes `reduction` (utilisation, ppb) in proportion to weight, clamping at the
 * minimum and re-sharing. out[i] is floored to whole microseconds (never below mn[i]); a task
 * left uncompressed keeps r[i] exactly. */
void sched_elastic(const uint64_t *r, const uint64_t *mn, const uint64_t *p, const double *w,
                   size_t n, uint64_t reduction_ppb, uint64_t *out);

/* ---- decisions ---- */

struct sched_verdict {
        bool admitted;
        uint64_t granted;
        char reason[512];
};

/* Batch mode: tasks in decreasing criticality, ties in array order; sets granted and fills
 * verdicts[n]. Returns the number rejected. */
size_t sched_admit_batch(struct sched_task *tasks, size_t n, const struct sched_host *h,
                         struct sched_verdict *verdicts);
/* Online mode: tasks[0..n-1] are admitted (granted set), tasks[n] is the newcomer. On success
 * tasks[*].granted hold the new grants (compressed ones lowered); on rejection nothing changes. */
bool sched_admit_online(struct sched_task *tasks, size_t n, const struct sched_host *h,
                        struct sched_verdict *verdict);
/* After a release: gives compressed tasks back as much of their requested runtime as fits,
 * highest criticality first, then in array order. Returns how many changed. */
size_t sched_restore(struct sched_task *tasks, size_t n, const struct sched_host *h);

/* ---- placement (placement.c): admission chooses the CPUs ---- */

/* A task whose CPUs admission chooses ("cpus": "auto", org.rtrun.cpus=auto): `count` CPUs
 * (1, or a DEADLINE partition of more) out of `pool` (the host's CPUs by default). */
struct sched_place_req {
        bool place;
        unsigned count;
        struct cpumask pool;
};
/* Parses "auto", "auto:N", "auto:N@LIST" or "auto@LIST" into r (pool defaults to `all`);
 * returns 0 with r->place false when s does not start with "auto", -1 with err when it does
 * but is malformed. */
int sched_place_req_parse(const char *s, const struct cpumask *all, struct sched_place_req *r,
                          struct rterr *err);

/* The annotation org.rtrun.cpus ("auto", "auto:N", "auto@CPUS", "auto:N@CPUS") of a real-time
 * container; r->place false without it (or for a container admitted without analysis). An
 * error names the annotation: a malformed value, or CPUs named in linux.resources.cpu.cpus too. */
#define SCHED_PLACE_ANNOTATION "org.rtrun.cpus"
int sched_place_req_from_spec(const struct oci_spec *spec, const struct sched_task *t,
                              const struct sched_host *h, struct sched_place_req *r,
                              struct rterr *err);

/* How good a placement is, compared lexicographically: per criticality from control down, the
 * containers admitted then their granted utilisation (ppb); then the highest CPU load (lower is
 * better), then the spread between the most and the least loaded CPU (lower is better). */
struct sched_place_score {
        uint32_t admitted[4];      /* indexed by enum sched_crit */
        uint64_t granted_ppb[4];   /* sum of granted / period */
        uint64_t max_load, spread; /* ppb, over the host's CPUs, foreign bandwidth included */
};
/* > 0 when a is better than b, 0 when equal, < 0 when worse. */
int sched_place_score_cmp(const struct sched_place_score *a, const struct sched_place_score *b);
/* The score of a decided set (granted > 0 means admitted; kind NONE counts as admitted). */
void sched_place_score_of(const struct sched_task *t, size_t n, const struct sched_host *h,
                          struct sched_place_score *s);

struct sched_place_stats {
        struct sched_place_score heuristic; /* the better of worst-fit and best-fit decreasing */
        struct sched_place_score best;      /* what was returned */
        bool exact;                         /* the exact search ran */
        bool optimal; /* ... and finished within its budget: best is optimal */
        uint64_t nodes;
        size_t to_place; /* auto tasks in the set */
};

/* Batch placement: tasks with req[i].place get CPUs (t[i].cpus is set), the others keep theirs;
 * every admitted task passes the same tests as sched_admit_batch. Worst-fit and best-fit
 * decreasing per criticality, then, when exact_budget > 0 and at most SCHED_PLACE_EXACT_MAX
 * tasks are to be placed, a branch-and-bound search over at most exact_budget nodes seeded with
 * the better heuristic. Fills v[n]; returns the number
 * rejected. With no task to place this is sched_admit_batch. `st` may be NULL. */
size_t sched_place_batch(struct sched_task *t, const struct sched_place_req *req, size_t n,
                         const struct sched_host *h, uint64_t exact_budget, struct sched_verdict *v,
                         struct sched_place_stats *st);
/* Online placement of the newcomer t[n] (req): the CPU sets it may take, least loaded first,
 * are tried where it fits as requested, then through sched_admit_online (compression of lower
 * classes); the first that admits it wins and t[n].cpus is set. False (nothing changed) when
 * none does. */
bool sched_place_online(struct sched_task *t, size_t n, const struct sched_place_req *req,
                        const struct sched_host *h, struct sched_verdict *v);

/* ---- the ledger (one per host) ---- */

/* One reservation: the task plus who holds it. */
struct sched_entry {
        struct sched_task task;
        char root[512];
        pid_t pid;
        uint64_t starttime; /* field 22 of /proc/PID/stat */
        uint64_t pidfs_ino; /* the pidfd's inode (kernel >= 6.9: unique per process), 0 if none */
        bool changed;       /* its sidecar needs writing at the next commit */
};

/* Counts the ledger keeps of its online decisions. */
struct sched_counters {
        uint64_t admitted, refused, compressed;
};

/* Entries checked for liveness per decision: a dead entry outside them is kept (a conservative
 * error: it holds capacity) until its turn, or until a decision would refuse or compress. */
#define SCHED_LEDGER_SWEEP 16

struct sched_ledger {
        struct sched_entry *v;
        size_t n;
        int lock_fd;
        int dir_fd;
        size_t reclaimed;               /* dead entries dropped while loading */
        bool rebuilt;                   /* the file was corrupt and was rebuilt from the sidecars */
        struct sched_counters counters; /* since the ledger was created (or rebuilt) */
        uint64_t cursor; /* where the next full liveness sweep starts (sched_ledger_open) */
        char warning[512];
        /* The sidecar directory as the commit that wrote the loaded ledger.bin left it
         * (device, inode, mtime in ns, size; from ledger.stamp, all 0 when that file does not
         * vouch for this ledger.bin or the directory is not on tmpfs): while the directory is
         * unchanged and no commit was cut short, the sidecars cannot disagree with the ledger
         * and open skips reading them. */
        uint64_t sidecar_stamp[4];
        uint64_t bin_sum; /* the loaded ledger.bin's payload checksum, 0 if none was loaded */
};

/* RTRUN_ADMISSION_DIR or /run/rtrun/admission. */
const char *sched_ledger_dir(void);
/* Opens (creating) the directory, takes the exclusive lock, loads the ledger, drops the
 * entries among the next SCHED_LEDGER_SWEEP (in turn) whose process died. A corrupt file
 * is rebuilt from the per-reservation sidecar files of live
 * processes and `warning` says so. */
int sched_ledger_open(struct sched_ledger *l, struct rterr *err);
/* Drops dead entries (and their sidecars): all when `all`, else the next SCHED_LEDGER_SWEEP
 * from the ledger's cursor. Returns how many; adds them to l->reclaimed. */
size_t sched_ledger_sweep(struct sched_ledger *l, bool all);
/* Writes the ledger atomically (temp + rename) and the sidecars of changed entries. */
int sched_ledger_commit(struct sched_ledger *l, struct rterr *err);
/* Drops entry i (and its sidecar). */
void sched_ledger_remove(struct sched_ledger *l, size_t i);
/* Releases the lock and frees; safe after a failed open. */
void sched_ledger_close(struct sched_ledger *l);
/* `_cleanup_ledger_ struct sched_ledger l = SCHED_LEDGER_INIT;` closes l (and releases its
 * lock) when the scope ends, opened or not (common/cleanup.h). */
#define SCHED_LEDGER_INIT                                                                          \
        {                                                                                          \
                .lock_fd = -1, .dir_fd = -1                                                        \
        }
#define _cleanup_ledger_ __attribute__((cleanup(sched_ledger_close)))
/* Loads under a shared lock, without reclaiming or repairing (status); a corrupt file fails. */
int sched_ledger_snapshot(struct sched_ledger *l, struct rterr *err);
/* Field 22 of /proc/PID/stat; 0 when the process is gone or a zombie. */
uint64_t sched_proc_starttime(pid_t pid);
/* The inode of a pidfd for pid on pidfs (kernel >= 6.9), never reused while the system runs;
 * 0 when the kernel has no pidfs or the process is gone. */
uint64_t sched_proc_pidfs_ino(pid_t pid);
/* Whether the entry's process still runs: not gone, not a zombie, not a reused pid. */
bool sched_entry_alive(const struct sched_entry *e);

/* ---- what the runtime calls ---- */

/* Lowers or raises a running container's runtime (sched_setattr on its pid); supplied by the
 * runtime so scheduler/ stays free of syscalls. */
typedef int (*sched_apply_fn)(const struct sched_entry *e, uint64_t runtime, void *ctx,
                              struct rterr *err);

/* Online admission of a container before its policy is applied. On admission the ledger holds
 * it, compressed containers were lowered through `apply` (before returning, so they shrink
 * before the newcomer grows) and *granted is the runtime to apply. A rejection returns -1 with
 * the reason in err and changes nothing. Tasks of kind NONE are admitted without an entry. */
int sched_admission_reserve(const struct sched_task *t, const struct sched_host *h,
                            const char *root, pid_t pid, sched_apply_fn apply, void *ctx,
                            uint64_t *granted, const struct rtwarn *warn, struct rterr *err);
/* The same for a task whose CPUs admission chooses (req->place): on admission *chosen holds
 * them (the ledger entry too). req may be NULL (as sched_admission_reserve). */
int sched_admission_reserve_placed(const struct sched_task *t, const struct sched_place_req *req,
                                   const struct sched_host *h, const char *root, pid_t pid,
                                   sched_apply_fn apply, void *ctx, uint64_t *granted,
                                   struct cpumask *chosen, const struct rtwarn *warn,
                                   struct rterr *err);
/* `rtrun admission rebalance` (and what it would move). */
struct sched_move {
        char id[1088];
        char root[512];
        struct cpumask from, to;
};
struct sched_rebalance {
        size_t reclaimed;                       /* dead reservations dropped */
        size_t raised;                          /* compressed grants raised toward their request */
        struct sched_place_score before, after; /* the live set before and after raising */
        struct sched_place_score plan;          /* with the moves below */
        bool plan_keeps_all;      /* the plan admits every running reservation with its grant */
        struct sched_move *moves; /* malloc'd; moves of elastic non-control 1-CPU DEADLINE
                                   * reservations that would balance the load: reported,
                                   * never applied to running containers (docs/admission.md) */
        size_t n_moves;
};
/* Under the ledger's lock: drops every dead reservation, raises compressed grants as far as
 * they fit (highest criticality first, through `apply`), commits; then computes the balanced
 * placement of the movable reservations and the moves it would take. */
int sched_admission_rebalance(const struct sched_host *h, sched_apply_fn apply, void *ctx,
                              const struct rtwarn *warn, struct sched_rebalance *out,
                              struct rterr *err);

/* The adjust policy's decision for one elastic DEADLINE reservation whose measured demand needs
 * more than its grant: the largest whole-microsecond runtime up to its request that the online
 * decision admits when the reservation arrives again with that runtime (compressing elastic
 * reservations of strictly lower classes, never its own class or above), applied through
 * `apply` (shrinks first). *granted is the new grant (the old one when nothing more fits). */
int sched_admission_grow(const struct sched_host *h, const char *root, const char *id,
                         sched_apply_fn apply, void *ctx, const struct rtwarn *warn,
                         uint64_t *granted, struct rterr *err);

/* The CPUs the ledger holds for (root, id): -1 with ENOENT when it holds no reservation. */
int sched_admission_cpus(const char *root, const char *id, struct cpumask *cpus, struct rterr *err);
/* Hands a reservation to the process that holds it from now on (create reserves as itself,
 * before the container's pid is final, then binds the container's init). */
int sched_admission_bind(const char *root, const char *id, pid_t pid, struct rterr *err);
/* Drops the reservation of (root, id) and restores compressed containers through `apply`.
 * Absent entries are not an error. `warn` (here and in reserve; may be NULL) receives the
 * ledger's repair notice. */
int sched_admission_release(const struct sched_host *h, const char *root, const char *id,
                            sched_apply_fn apply, void *ctx, const struct rtwarn *warn,
                            struct rterr *err);

/* ---- the taskset file (`rtrun admission check --taskset`) ---- */

struct sched_taskset {
        struct sched_host host;
        bool online;
        struct sched_task *tasks;
        size_t n;
        struct sched_place_req *place;  /* per task: "cpus": "auto..." (place false otherwise) */
        struct sched_place_stats stats; /* batch mode with auto tasks: heuristic vs exact */
        bool placed;                    /* some task asked for auto CPUs */
};
/* Nodes the exact placement search of a taskset may visit before it settles for the best found
 * (the instance is then "too large for the exact search"). */
#define SCHED_PLACE_EXACT_BUDGET UINT64_C(200000)
/* The exact search runs for at most this many auto containers (small instances); larger sets
 * get the heuristics alone. */
#define SCHED_PLACE_EXACT_MAX 16

/* Parses the JSON taskset; host fields left out come from `kernel`. Errors give the JSON path:
 * "taskset.json: containers[1].scheduler.runtime: expected a positive integer". */
int sched_taskset_parse(const char *json, const char *what, const struct sched_host *kernel,
                        struct sched_taskset *out, struct rterr *err);
void sched_taskset_free(struct sched_taskset *ts);
/* Runs the set (batch or online, in file order) and fills verdicts[n]. Returns the number
 * rejected. */
size_t sched_taskset_run(struct sched_taskset *ts, struct sched_verdict *verdicts);
/* Granted share of one CPU (a partition of m CPUs counts 1/m on each). */
double sched_cpu_utilisation(const struct sched_task *tasks, size_t n, int cpu);
/* The result document: {"containers": [...], "cpus": [...]}; malloc'd. */
char *sched_report_json(const struct sched_task *tasks, const struct sched_verdict *verdicts,
                        size_t n, const struct sched_host *h);
/* The same with a "placement" object (heuristic against exact search) when st is not NULL. */
char *sched_report_json_placed(const struct sched_task *tasks, const struct sched_verdict *verdicts,
                               size_t n, const struct sched_host *h,
                               const struct sched_place_stats *st);
/* One line on how far the heuristic is from the exact search ("placement: ..."), into buf. */
const char *sched_place_gap_text(const struct sched_place_stats *st, char *buf, size_t size);
/* The same verdicts as a JUnit XML report (one testcase per container, a rejection is a
 * failure); malloc'd. */
char *sched_report_junit(const struct sched_task *tasks, const struct sched_verdict *verdicts,
                         size_t n, const struct sched_host *h);
char *sched_report_junit_placed(const struct sched_task *tasks,
                                const struct sched_verdict *verdicts, size_t n,
                                const struct sched_host *h, const struct sched_place_stats *st);
/* The kernel's accounting of a reservation's process, for metrics (valid: it was read). */
struct sched_proc_stats {
        bool valid;
        uint64_t run_ns, wait_ns;      /* /proc/PID/schedstat fields 1 and 2 */
        uint64_t involuntary_switches; /* /proc/PID/status nonvoluntary_ctxt_switches */
};
/* `rtrun metrics`: Prometheus text format (0.0.4) of the host's CPUs, the entries (alive[i]
 * says which run; ps[i] per entry, may be NULL) and the counters (may be NULL); malloc'd. */
char *sched_metrics_text(const struct sched_entry *e, size_t n, const bool *alive,
                         const struct sched_proc_stats *ps, const struct sched_host *h,
                         const struct sched_counters *c);
/* `rtrun admission status --format json`: {"host", "containers": [entries with "alive"],
 * "cpus"} (dead entries listed, not counted); malloc'd. */
char *sched_status_json(const struct sched_entry *e, size_t n, const bool *alive,
                        const struct sched_host *h);
/* The same with what the kernel measured per entry (may be NULL): used[i] the CPU time the
 * holder consumed (se.sum_exec_runtime, ns) over age[i] ns of its life, as "cpu_time_ns" and
 * "measured_utilisation" (used / age, against "utilisation", the grant's share). */
char *sched_status_json_measured(const struct sched_entry *e, size_t n, const bool *alive,
                                 const uint64_t *used, const uint64_t *age,
                                 const struct sched_host *h);

/* The name an engine gave the container, from the annotations it passes: org.rtrun.name (any
 * engine, e.g. `podman run --annotation org.rtrun.name=NAME`; Podman 4 passes no name of its
 * own), containerd's CRI (io.kubernetes.cri.sandbox-name / container-name: "POD/CONTAINER"),
 * CRI-O (io.kubernetes.pod.name / io.kubernetes.container.name), nerdctl (nerdctl/name).
 * Writes "" when there is none. */
void sched_engine_name(const struct oci_spec *spec, char *out, size_t size);

/* The org.rtrun.* annotations the admission controller reads, appended to *out (`features`). */
int sched_features_annotations(struct oci_kvs *out, struct rterr *err);

#endif
