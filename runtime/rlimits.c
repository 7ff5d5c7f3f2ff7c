#include <errno.h>
#include <sys/resource.h>

#include "runtime/setup.h"

int rlimits_apply(const struct oci_process *p, struct rterr *err)
{
        for (size_t i = 0; i < p->n_rlimits; i++) {
                const struct oci_rlimit *r = &p->rlimits[i];
                struct rlimit lim = {.rlim_cur = r->soft, .rlim_max = r->hard};
                if (setrlimit((__rlimit_resource_t)r->resource, &lim) < 0)
                        return rterr_errno(err, "process.rlimits[%zu] (%s %llu/%llu)", i, r->type,
                                           (unsigned long long)r->soft,
                                           (unsigned long long)r->hard);
        }
        return 0;
}
