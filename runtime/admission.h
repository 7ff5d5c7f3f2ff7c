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

#endif
