/* The org.rtrun.* annotations that advertise rt/'s capabilities in `rtrun features`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"

static int add(struct oci_kvs *out, const char *key, const char *value, struct rterr *err)
{
        struct oci_kv *nv = realloc(out->v, (out->n + 1) * sizeof(*nv));
        if (nv == NULL)
                return rterr_errno(err, "features annotations");
        out->v = nv;
        char *k = strdup(key), *v = strdup(value);
        if (k == NULL || v == NULL) {
                free(k);
                free(v);
                return rterr_errno(err, "features annotations");
        }
        out->v[out->n++] = (struct oci_kv){.key = k, .value = v};
        return 0;
}

int rt_features_annotations(struct oci_kvs *out, struct rterr *err)
{
        static const char *const kv[][2] = {
            {"org.rtrun.sched.deadline", "true"},
            {"org.rtrun.sched.deadline.resetOnFork", "default"},
            {"org.rtrun.sched.deadline.rootDomain", "true"},
            {"org.rtrun.sched.explain", "true"},
            {"org.rtrun.sched.rtGroup", "cgroup-v1"},
            {"org.rtrun.cpus.shield", "true"},
            {"org.rtrun.memory.lock", "true"},
        };
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
                if (add(out, kv[i][0], kv[i][1], err) < 0)
                        return -1;
        return 0;
}
