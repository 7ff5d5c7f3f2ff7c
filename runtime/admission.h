/* Admission control in the container lifecycle: `create` reserves before the container's
 * scheduling policy is applied (and applies the granted runtime), `delete` releases.
 * scheduler/ decides; rt/ resizes the running containers that elastic compression touches. */
#ifndef RTRUN_RUNTIME_ADMISSION_H
#define RTRUN_RUNTIME_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"
#include "scheduler/scheduler.h"
#include "runtime/context.h"

/* The host as admission sees it: rt/'s reading (the one `cpus status` and the diagnostics
 * share: fair servers with their source, DEADLINE threads with their root domains) in the
 * model's terms. h->foreign is allocated: admission_host_free releases it. */
int admission_host_read(struct sched_host *h, struct rterr *err);
void admission_host_free(struct sched_host *h);

/* Online decision for container `id`; held by the calling process until admission_bind.
 * On admission spec->process.scheduler.runtime becomes the granted runtime and *reserved
 * says whether the ledger holds an entry (non-real-time containers need none). A rejection
 * fails with the reason. */
int admission_reserve(const struct runtime_ctx *g, const char *id, struct oci_spec *spec,
                      bool *reserved, struct rterr *err);
/* For `exec` of a SCHED_DEADLINE process p into container `id` (other policies need none):
 * a reservation of its own, named "<id>/exec-<pid of rtrun>" into aid, with the container's
 * criticality, cpus and elastic annotations; p's runtime becomes the granted one. It goes
 * when the process exits (reclaimed) or through admission_release(aid). */
int admission_reserve_exec(const struct runtime_ctx *g, const char *id, const struct oci_spec *spec,
                           struct oci_process *p, char *aid, size_t aid_size, bool *reserved,
                           struct rterr *err);
/* The container's init (or the exec'd process) holds reservation `id` from now on. */
int admission_bind(const struct runtime_ctx *g, const char *id, pid_t pid, struct rterr *err);
/* Drops the reservation (if any) and gives compressed containers their runtime back; failures
 * are logged, never fatal: a dead holder is reclaimed at the next decision anyway. With the
 * container's spec (may be NULL: unknown), ordinary containers skip the ledger. */
void admission_release(const struct runtime_ctx *g, const char *id, const struct oci_spec *spec);

/* `rtrun admission rebalance`: dead reservations dropped, compressed grants raised (applied
 * with sched_setattr), and the moves a balanced placement would make (reported only). */
int admission_rebalance(const struct runtime_ctx *g, struct sched_rebalance *out,
                        struct rterr *err);

/* One reservation as `admission adjust` measured it: the holder's CPU time over the window
 * (/proc/PID/sched se.sum_exec_runtime) per period, against its grant. */
struct admission_measure {
        char id[1088];
        char root[512];
        uint64_t runtime, granted, period;
        uint64_t demand;     /* measured CPU time per period, ns */
        bool elastic, grown; /* grown: the policy raised the grant (granted is the new one) */
        uint64_t before;     /* the grant before */
};
/* The CPU time process pid has used (se.sum_exec_runtime of /proc/PID/sched, ns) and how long
 * it has lived (ns since its start, from /proc/PID/stat and /proc/uptime); 0 when gone. */
uint64_t admission_cpu_time_ns(pid_t pid);
uint64_t admission_age_ns(uint64_t starttime);

/* The opt-in adjust policy: measures every live DEADLINE reservation over window_ms; an
 * elastic one that used at least 95% of its grant while compressed below its request grows
 * through sched_admission_grow (the online decision: lower classes may be compressed, nothing
 * else). *out is malloc'd. */
int admission_adjust(const struct runtime_ctx *g, unsigned window_ms,
                     struct admission_measure **out, size_t *n, struct rterr *err);

#endif
