/* org.rtrun.memory.lock "true": a container that may mlockall() and never page. Container side:
 * RLIMIT_MEMLOCK unlimited. Host side: no swap for the cgroup, and its memory protected from
 * reclaim up to its limit (v2 memory.min; v1 has no protection, the closest is a soft limit at
 * the limit, so global reclaim takes from other groups first). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/internal.h"
#include "rt/rt.h"

#define ANNOTATION "org.rtrun.memory.lock"

static const char *annotation(const struct oci_kvs *a, const char *key)
{
        for (size_t i = 0; a && i < a->n; i++)
                if (strcmp(a->v[i].key, key) == 0)
                        return a->v[i].value;
        return NULL;
}

bool rt_memlock_wanted(const struct oci_kvs *annotations)
{
        const char *v = annotation(annotations, ANNOTATION);
        return v && strcmp(v, "true") == 0;
}

#define CAP_IPC_LOCK_BIT 14

int rt_process_memlock(const struct oci_kvs *annotations, const struct oci_process *p,
                       struct rterr *err)
{
        if (!rt_memlock_wanted(annotations))
                return 0;
        struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
        if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0)
                return 0;
        int e = errno;
        struct rlimit cur;
        if (e != EPERM || getrlimit(RLIMIT_MEMLOCK, &cur) < 0)
                return rterr_sys(err, e, ANNOTATION ": setrlimit(RLIMIT_MEMLOCK, unlimited)");
        /* Raising the hard limit needs CAP_SYS_RESOURCE; CAP_IPC_LOCK lets mlock()/mlockall()
         * ignore the limit altogether (mm/mlock.c can_do_mlock). */
        if (p && p->capabilities.set && (p->capabilities.effective >> CAP_IPC_LOCK_BIT) & 1) {
                cur.rlim_cur = cur.rlim_max;
                if (setrlimit(RLIMIT_MEMLOCK, &cur) < 0)
                        return rterr_errno(err, ANNOTATION ": setrlimit(RLIMIT_MEMLOCK)");
                return 0;
        }
        return rterr_sys(err, e,
                         ANNOTATION ": RLIMIT_MEMLOCK cannot be raised above its hard limit "
                                    "%" PRIu64 " bytes without CAP_SYS_RESOURCE; give the "
                                    "container CAP_IPC_LOCK (mlockall then ignores the limit)",
                         (uint64_t)cur.rlim_max);
}

static int write_if_present(const char *dir, const char *file, const char *value, struct rterr *err)
{
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        if (access(path, F_OK) < 0)
                return 0;
        if (write_file_at(AT_FDCWD, path, value, err) < 0)
                return rterr_wrap(err, ANNOTATION);
        return 0;
}

int rt_memlock_setup(const char *memory_dir, const struct oci_memory *mem, struct rterr *err)
{
        if (memory_dir == NULL)
                return rterr_set(err, ENOTSUP,
                                 ANNOTATION ": the host has no memory cgroup controller");
        char limit[32] = "";
        if (mem && mem->limit.set && mem->limit.v > 0)
                snprintf(limit, sizeof(limit), "%" PRId64, mem->limit.v);
        char probe[RT_PATH];
        rt_pathf(probe, sizeof(probe), "%s/memory.min", memory_dir);
        if (access(probe, F_OK) == 0) { /* v2 */
                if (write_if_present(memory_dir, "memory.swap.max", "0", err) < 0)
                        return -1;
                if (limit[0] == '\0')
                        return rterr_set(err, EINVAL,
                                         ANNOTATION " needs linux.resources.memory.limit: the "
                                                    "protection (memory.min) is set to it");
                return write_if_present(memory_dir, "memory.min", limit, err);
        }
        if (write_if_present(memory_dir, "memory.swappiness", "0", err) < 0)
                return -1;
        if (limit[0] == '\0')
                return rterr_set(err, EINVAL,
                                 ANNOTATION " needs linux.resources.memory.limit: the cgroup's "
                                            "swap limit and soft limit are set to it");
        if (mem->swap.set && mem->swap.v != mem->limit.v)
                return rterr_set(err, EINVAL,
                                 ANNOTATION " means no swap: linux.resources.memory.swap must "
                                            "be absent or equal to the limit");
        /* memsw = memory + swap: equal to the memory limit means no swap at all. rt/ runs
         * before cg_apply, and memsw may never be below the memory limit, so the limit goes
         * first. */
        if (write_if_present(memory_dir, "memory.limit_in_bytes", limit, err) < 0 ||
            write_if_present(memory_dir, "memory.memsw.limit_in_bytes", limit, err) < 0)
                return -1;
        /* PREEMPT_RT kernels have no v1 soft limits (EOPNOTSUPP): the lock and no-swap stand. */
        struct rterr e2;
        if (write_if_present(memory_dir, "memory.soft_limit_in_bytes", limit, &e2) < 0 &&
            e2.code != EOPNOTSUPP) {
                if (err)
                        *err = e2;
                return -1;
        }
        return 0;
}
