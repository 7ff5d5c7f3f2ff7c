/* Joining a cgroup without the global threadgroup lock. Writing a pid to cgroup.procs takes
 * cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period (milliseconds on a
 * busy host). The kernel skips that lock when a thread moves itself through a v1 `tasks` file
 * ("0" = current, cgroup_procs_write_start), and clone3(CLONE_INTO_CGROUP) places a child in
 * its cgroup2 directory at birth; together they cover every hierarchy. */
#include "cgroups/cg_internal.h"

int cg_clone_fd(const struct cgroup *cg)
{
        return cg->v2_dir >= 0 ? cg->dirs[cg->v2_dir].fd : -1;
}

int cg_join_self(struct cgroup *cg, struct rterr *err)
{
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (!cg->dirs[i].v2 && cg_write(&cg->dirs[i], "tasks", "0", err) < 0)
                        return -1;
        return 0;
}
