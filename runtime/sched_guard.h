/* The real-time guard every container gets: no real-time scheduling outside its reservation. */
#ifndef RTRUN_RUNTIME_SCHED_GUARD_H
#define RTRUN_RUNTIME_SCHED_GUARD_H

#include "common/common.h"
#include "oci/oci.h"

#define SCHED_GUARD_ANNOTATION "org.rtrun.sched.guard"

/* In the container process (init or exec), after rtrun applied process.scheduler and while
 * it still holds CAP_SYS_ADMIN in its user namespace: loads a seccomp filter of its own, stacked
 * with linux.seccomp (the kernel applies the stricter answer of all filters), that refuses with
 * EPERM sched_setattr, sched_setparam, and sched_setscheduler to SCHED_FIFO, SCHED_RR or
 * SCHED_DEADLINE. So CAP_SYS_NICE cannot take real-time bandwidth the admission ledger does not
 * know, and an admitted container cannot change its own reservation. A process p that the
 * kernel refuses real-time scheduling anyway (no CAP_SYS_NICE in its bounding set, hard
 * RLIMIT_RTPRIO 0) gets no filter, so it keeps the seccomp mode runc gives it. Annotation
 * org.rtrun.sched.guard "false" opts out (docs/realtime.md). */
int sched_guard_apply(const struct oci_kvs *annotations, const struct oci_process *p,
                      struct rterr *err);

#endif
