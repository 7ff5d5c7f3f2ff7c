/* v1 devices controller: deny everything, then each rule in order into devices.allow or
 * devices.deny, the way the kernel's exception list expects them. */
#include <stdlib.h>

#include "cgroups/cg_internal.h"
#include "common/cleanup.h"

int cg_devices_v1_apply(const struct cg_dir *d, const struct oci_device_rule *rules, size_t n,
                        struct rterr *err)
{
        _cleanup_free_ struct oci_device_rule *eff = NULL;
        size_t n_eff;
        if (cg_device_rules_effective(rules, n, &eff, &n_eff, err) < 0)
                return -1;
        for (size_t i = 0; i < n_eff; i++) {
                char line[80];
                cg_device_rule_line(&eff[i], line, sizeof(line));
                if (cg_write(d, eff[i].allow ? "devices.allow" : "devices.deny", line, err) < 0)
                        return -1;
        }
        return 0;
}
