/* Resizing a running DEADLINE reservation: what the admission controller's elastic
 * compression does to other containers (scheduler/admission.c decides, this applies). */
#include <errno.h>
#include <sched.h>

#include "rt/internal.h"
#include "rt/rt.h"

int rt_deadline_set_runtime(pid_t pid, uint64_t runtime, struct rterr *err)
{
        struct rt_sched s;
        int r = rt_sched_get(pid, &s);
        if (r < 0)
                return rterr_sys(err, -r, "sched_getattr(%d)", (int)pid);
        /* not (or no longer) a DEADLINE task: nothing holds the bandwidth */
        if (s.policy != SCHED_DEADLINE || s.runtime == runtime)
                return 0;
        /* sched_getattr reports the flags the kernel keeps (RESET_ON_FORK among them) */
        s.runtime = runtime;
        r = rt_sched_set(pid, &s);
        if (r < 0)
                return rt_explain_setattr(pid, &s, -r, err);
        return 0;
}
