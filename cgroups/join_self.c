/* Joining a cgroup without the global threadgroup lock. Writing a pid to cgroup.procs takes
 * cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period (milliseconds on a
 * busy host). The kernel skips that lock when a thread moves itself through a v1 `tasks` file
 * ("0" = current, cgroup_procs_write_start), and clone3(CLONE_INTO_CGROUP) places a child in
 * its cgroup2 directory at birth; together they cover every hierarchy. */
#include <fcntl.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

int cg_clone_fd(const struct cgroup *cg)
{
        return cg->v2_dir >= 0 ? cg->dirs[cg->v2_dir].fd : -1;
}

int cg_join_self(struct cgroup *cg, struct rterr *err)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                if (cg->dirs[i].v2)
                        continue;
                struct cg_dir d = cg->dirs[i];
                _cleanup_close_ int fd = -1;
                if (d.fd < 0) {
                        fd = open(d.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (fd < 0)
                                return rterr_errno(err, "open cgroup %s", d.path);
                        d.fd = fd;
                }
                if (cg_write(&d, "tasks", "0", err) < 0)
                        return -1;
        }
        return 0;
}
