/* Controller files whose format v1 and v2 share: one writer each, called by both drivers
 * (v1.c and v2.c depend on this file, never on each other). */
#include <inttypes.h>
#include <stdio.h>

#include "cgroups/cg_internal.h"

int cg_rdma_write(const struct cg_dir *d, const struct oci_resources *r, struct rterr *err)
{
        for (size_t i = 0; i < r->n_rdma; i++) {
                const struct oci_rdma *x = &r->rdma[i];
                char buf[256];
                int n = snprintf(buf, sizeof(buf), "%s", x->device);
                if (x->hca_handles.set)
                        n += snprintf(buf + n, sizeof(buf) - (size_t)n, " hca_handle=%" PRIu64,
                                      x->hca_handles.v);
                if (x->hca_objects.set)
                        snprintf(buf + n, sizeof(buf) - (size_t)n, " hca_object=%" PRIu64,
                                 x->hca_objects.v);
                if (cg_write(d, "rdma.max", buf, err) < 0)
                        return -1;
        }
        return 0;
}

int cg_hugetlb_write(const struct cg_dir *d, const struct oci_resources *r, const char *suffix,
                     struct rterr *err)
{
        if (d == NULL)
                return 0;
        for (size_t i = 0; i < r->n_hugepage_limits; i++) {
                char file[128];
                snprintf(file, sizeof(file), "hugetlb.%s.%s", r->hugepage_limits[i].page_size,
                         suffix);
                if (cg_writef(d, file, err, "%" PRIu64, r->hugepage_limits[i].limit) < 0)
                        return -1;
        }
        return 0;
}

int cg_cpuset_write(const struct cg_dir *d, const struct oci_cpu *c, struct rterr *err)
{
        if (d == NULL)
                return 0;
        if (c->cpus && cg_write(d, "cpuset.cpus", c->cpus, err) < 0)
                return -1;
        if (c->mems && cg_write(d, "cpuset.mems", c->mems, err) < 0)
                return -1;
        return 0;
}

int cg_pids_write(const struct cg_dir *d, const oci_opt_i64 *limit, struct rterr *err)
{
        if (d == NULL || !limit->set || limit->v == 0)
                return 0;
        char buf[32];
        cg_limit_str(limit->v, buf, sizeof(buf));
        return cg_write(d, "pids.max", buf, err);
}
