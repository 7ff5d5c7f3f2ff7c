/* Root domains: which CPUs share one with a given CPU, and giving a container's CPUs their own. */
#include <errno.h>

#include "rt/internal.h"

int rt_rootdomain_span(int cpu, struct rt_cpumask *out, struct rterr *err)
{
        (void)cpu;
        (void)out;
        return rterr_set(err, ENOSYS, "root domain of CPU %d: not implemented yet", cpu);
}
