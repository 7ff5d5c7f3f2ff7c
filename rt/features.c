/* The org.rtrun.* annotations that advertise rt/'s capabilities in `rtrun features`. */
#include "rt/rt.h"

int rt_features_annotations(struct oci_kvs *out, struct rterr *err)
{
        static const char *const kv[][2] = {
            {"org.rtrun.sched.deadline", "true"},
            {"org.rtrun.sched.deadline.resetOnFork", "default"},
            {"org.rtrun.sched.deadline.rootDomain", "true"},
            {"org.rtrun.sched.explain", "true"},
            {"org.rtrun.sched.guard", "true"},
            {"org.rtrun.sched.rtGroup", "cgroup-v1"},
            {"org.rtrun.cpus.shield", "true"},
            {"org.rtrun.memory.lock", "true"},
        };
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
                if (oci_kvs_add(out, kv[i][0], kv[i][1], err) < 0)
                        return -1;
        return 0;
}
