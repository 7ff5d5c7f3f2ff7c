#include "cgroups/cg_internal.h"
#include <errno.h>
int cg_devices_ebpf_apply(const struct cg_dir *d, const struct oci_device_rule *rules, size_t n,
                          struct rterr *err)
{
        (void)rules;
        (void)n;
        return rterr_set(err, ENOSYS, "%s: eBPF device control not yet", d->path);
}
