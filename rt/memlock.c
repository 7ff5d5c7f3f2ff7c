/* org.rtrun.memory.lock: a container that may mlockall and never page. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "rt/rt.h"

static const char *annotation(const struct oci_kvs *a, const char *key)
{
        for (size_t i = 0; a && i < a->n; i++)
                if (strcmp(a->v[i].key, key) == 0)
                        return a->v[i].value;
        return NULL;
}

int rt_process_memlock(const struct oci_kvs *annotations, struct rterr *err)
{
        const char *v = annotation(annotations, "org.rtrun.memory.lock");
        if (v == NULL || strcmp(v, "true") != 0)
                return 0;
        struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
        if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
                return rterr_errno(err, "org.rtrun.memory.lock: setrlimit(RLIMIT_MEMLOCK, "
                                        "unlimited)");
        return 0;
}
