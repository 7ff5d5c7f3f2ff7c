/* What a container's real-time settings change on the host: set up at create, undone at
 * delete. */
#include <errno.h>
#include <string.h>

#include "rt/rt.h"

#define POLICY_FIFO 1
#define POLICY_RR 2
#define POLICY_DEADLINE 6

int rt_container_setup(const struct cg_host *host, struct cgroup *cg, const struct oci_spec *spec,
                       struct rterr *err)
{
        (void)host;
        (void)cg;
        const struct oci_scheduler *s = spec->has_process ? &spec->process.scheduler : NULL;
        const char *lock = oci_annotation(spec, "org.rtrun.memory.lock");
        bool dl_cpus = s && s->set && s->policy == POLICY_DEADLINE && spec->has_linux &&
                       spec->linux_.resources.cpu.cpus != NULL;
        bool rt_group = s && s->set && (s->policy == POLICY_FIFO || s->policy == POLICY_RR) &&
                        spec->linux_.resources.cpu.realtime_runtime.set;
        if (dl_cpus || rt_group || (lock && strcmp(lock, "true") == 0))
                return rterr_set(err, ENOSYS, "real-time container setup: not implemented yet");
        return 0;
}

int rt_container_teardown(const struct cg_host *host, struct cgroup *cg, struct rterr *err)
{
        (void)host;
        (void)cg;
        (void)err;
        return 0;
}
