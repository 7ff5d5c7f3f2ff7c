/* The cgroup v1 driver: linux.resources written to the per-controller directories. Only the
 * controllers detection gave to v1 are touched here. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

static const struct cg_dir *v1_dir(const struct cgroup *cg, enum cg_ctrl c)
{
        return cg->host->drv[c] == CG_DRV_V1 ? cg_dir_of(cg, c) : NULL;
}

static int write_i64(const struct cg_dir *d, const char *file, int64_t v, struct rterr *err)
{
        return cg_writef(d, file, err, "%" PRId64, v);
}

static int write_u64(const struct cg_dir *d, const char *file, uint64_t v, struct rterr *err)
{
        return cg_writef(d, file, err, "%" PRIu64, v);
}

/* The kernel refuses a limit below what the group uses (EBUSY) once reclaim frees nothing more:
 * memory that cannot be reclaimed (mlocked, no swap for anonymous pages) stays charged. Say
 * which field, the value asked for and the usage, as runc does. */
static int write_limit(const struct cg_dir *d, const char *prefix, const char *field, int64_t v,
                       struct rterr *err)
{
        char file[64], usage_file[64], peak_file[64];
        snprintf(file, sizeof(file), "%s.limit_in_bytes", prefix);
        snprintf(usage_file, sizeof(usage_file), "%s.usage_in_bytes", prefix);
        snprintf(peak_file, sizeof(peak_file), "%s.max_usage_in_bytes", prefix);
        struct rterr e = {0};
        if (write_i64(d, file, v, &e) == 0)
                return 0;
        uint64_t usage = 0, peak = 0;
        if (e.code != EBUSY || v < 0 || cg_read_u64(d, usage_file, &usage, NULL) < 0) {
                if (err)
                        *err = e;
                return -1;
        }
        if (cg_read_u64(d, peak_file, &peak, NULL) < 0)
                peak = usage;
        return rterr_set(err, EBUSY,
                         "%s: cannot set %" PRId64 ": the container uses %" PRIu64
                         " bytes (peak %" PRIu64 ") and the kernel could not reclaim enough "
                         "(%s/%s: %s)",
                         field, v, usage, peak, d->path, file, strerror(EBUSY));
}

/* memory.memsw.limit_in_bytes (memory+swap) may never be below memory.limit_in_bytes, so the
 * order of the two writes depends on whether the new total is above the current limit. */
static int memory_limits(const struct cg_dir *d, const struct oci_memory *m, struct rterr *err)
{
        const char *lim = "memory.limit_in_bytes", *sw = "memory.memsw.limit_in_bytes";
        bool has_sw = cg_has_file(d, sw);
        if (m->swap.set && !has_sw)
                return rterr_set(err, ENOTSUP,
                                 "linux.resources.memory.swap: the kernel does not account swap "
                                 "(no %s/%s)",
                                 d->path, sw);
        static const char *lf = "linux.resources.memory.limit", *sf = "linux.resources.memory.swap";
        int64_t swap = m->swap.v;
        bool set_swap = m->swap.set;
        /* An unlimited memory limit takes swap along, as runc does. */
        if (m->limit.set && m->limit.v == -1 && !set_swap && has_sw) {
                swap = -1;
                set_swap = true;
        }
        if (!set_swap)
                return m->limit.set ? write_limit(d, "memory", lf, m->limit.v, err) : 0;
        if (!m->limit.set)
                return write_limit(d, "memory.memsw", sf, swap, err);
        uint64_t cur = 0;
        if (cg_read_u64(d, lim, &cur, err) < 0)
                return -1;
        bool swap_first = swap == -1 || (uint64_t)swap >= cur;
        if (swap_first)
                return write_limit(d, "memory.memsw", sf, swap, err) < 0
                           ? -1
                           : write_limit(d, "memory", lf, m->limit.v, err);
        return write_limit(d, "memory", lf, m->limit.v, err) < 0
                   ? -1
                   : write_limit(d, "memory.memsw", sf, swap, err);
}

static int check_usage(const struct cg_dir *d, const struct oci_memory *m, const char *usage_file,
                       struct rterr *err)
{
        if (!m->check_before_update.v || !m->limit.set || m->limit.v < 0)
                return 0;
        uint64_t usage;
        if (cg_read_u64(d, usage_file, &usage, err) < 0)
                return -1;
        if ((uint64_t)m->limit.v < usage)
                return rterr_set(err, EBUSY,
                                 "linux.resources.memory.limit: %" PRId64
                                 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
                                 m->limit.v, usage);
        return 0;
}

static int v1_memory(const struct cgroup *cg, const struct oci_memory *m, const struct rtwarn *warn,
                     struct rterr *err)
{
        const struct cg_dir *d = v1_dir(cg, CG_MEMORY);
        if (!m->set || d == NULL)
                return 0;
        if (m->kernel.set || m->kernel_tcp.set)
                rtwarn(warn, "linux.resources.memory.kernel and kernelTCP are ignored: the kernel "
                             "no longer enforces kmem limits");
        if (check_usage(d, m, "memory.usage_in_bytes", err) < 0)
                return -1;
        if (memory_limits(d, m, err) < 0)
                return -1;
        if (m->reservation.set &&
            write_i64(d, "memory.soft_limit_in_bytes", m->reservation.v, err) < 0) {
                /* PREEMPT_RT kernels have no v1 soft limit (mem_cgroup_write: EOPNOTSUPP); a
                 * reservation is best effort by definition, so the container still starts. */
                if (err->code != EOPNOTSUPP)
                        return -1;
                rtwarn(warn, "linux.resources.memory.reservation ignored: %s", err->msg);
        }
        if (m->swappiness.set && write_u64(d, "memory.swappiness", m->swappiness.v, err) < 0)
                return -1;
        if (m->disable_oom_killer.set && m->disable_oom_killer.v &&
            cg_write(d, "memory.oom_control", "1", err) < 0)
                return -1;
        /* Current kernels keep use_hierarchy at 1 and refuse 0: write only a change. */
        uint64_t hier = 0;
        if (m->use_hierarchy.set &&
            (cg_read_u64(d, "memory.use_hierarchy", &hier, NULL) < 0 ||
             hier != m->use_hierarchy.v) &&
            cg_write(d, "memory.use_hierarchy", m->use_hierarchy.v ? "1" : "0", err) < 0)
                return -1;
        return 0;
}

/* The kernel checks rt_runtime against the period, so a change that shrinks the period below
 * the current runtime only passes with the runtime written first. */
static int v1_cpu_rt(const struct cg_dir *d, const struct oci_cpu *c, struct rterr *err)
{
        const char *per = "cpu.rt_period_us", *rt = "cpu.rt_runtime_us";
        if (c->realtime_period.set && write_u64(d, per, c->realtime_period.v, err) < 0) {
                if (!c->realtime_runtime.set || write_i64(d, rt, c->realtime_runtime.v, NULL) < 0)
                        return -1;
                rterr_clear(err);
                return write_u64(d, per, c->realtime_period.v, err);
        }
        if (c->realtime_runtime.set && write_i64(d, rt, c->realtime_runtime.v, err) < 0)
                return -1;
        return 0;
}

/* Period and quota under a parent with a CFS limit of its own: the kernel refuses (EINVAL)
 * any moment where quota/period would exceed the parent's, so a shorter period fails while
 * the old quota is still there. Then write the quota first and the period again (runc's
 * order). */
static int v1_cfs(const struct cg_dir *d, const struct oci_cpu *c, struct rterr *err)
{
        bool retry = false;
        if (c->period.set) {
                struct rterr first = {0};
                if (write_u64(d, "cpu.cfs_period_us", c->period.v, &first) < 0) {
                        if (first.code != EINVAL || !c->quota.set) {
                                *err = first;
                                return -1;
                        }
                        retry = true;
                }
        }
        if (c->quota.set && write_i64(d, "cpu.cfs_quota_us", c->quota.v, err) < 0)
                return -1;
        if (retry && write_u64(d, "cpu.cfs_period_us", c->period.v, err) < 0)
                return -1;
        return 0;
}

static int v1_cpu(const struct cgroup *cg, const struct oci_cpu *c, struct rterr *err)
{
        const struct cg_dir *d = v1_dir(cg, CG_CPU);
        if (d == NULL)
                return 0;
        if (c->shares.set && write_u64(d, "cpu.shares", c->shares.v, err) < 0)
                return -1;
        if (v1_cfs(d, c, err) < 0)
                return -1;
        if (c->burst.set && write_u64(d, "cpu.cfs_burst_us", c->burst.v, err) < 0)
                return -1;
        if (v1_cpu_rt(d, c, err) < 0)
                return -1;
        if (c->idle.set && (c->idle.v != 0 || cg_has_file(d, "cpu.idle")) &&
            write_i64(d, "cpu.idle", c->idle.v, err) < 0)
                return -1;
        return 0;
}

/* CFQ's blkio.weight is gone from current kernels; BFQ offers blkio.bfq.weight instead. */
static const char *blkio_file(const struct cg_dir *d, const char *cfq, const char *bfq)
{
        return cg_has_file(d, cfq) || !cg_has_file(d, bfq) ? cfq : bfq;
}

static int throttle(const struct cg_dir *d, const char *file, const struct oci_throttle_list *l,
                    struct rterr *err)
{
        for (size_t i = 0; i < l->n; i++)
                if (cg_writef(d, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major,
                              l->v[i].minor, l->v[i].rate) < 0)
                        return -1;
        return 0;
}

static int v1_blkio(const struct cgroup *cg, const struct oci_blkio *b, struct rterr *err)
{
        const struct cg_dir *d = v1_dir(cg, CG_BLKIO);
        if (!b->set || d == NULL)
                return 0;
        const char *wf = blkio_file(d, "blkio.weight", "blkio.bfq.weight");
        const char *wdf = blkio_file(d, "blkio.weight_device", "blkio.bfq.weight_device");
        if (b->weight.set && write_u64(d, wf, b->weight.v, err) < 0)
                return -1;
        if (b->leaf_weight.set && write_u64(d, "blkio.leaf_weight", b->leaf_weight.v, err) < 0)
                return -1;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct oci_weight_device *w = &b->weight_device[i];
                if (w->weight.set && cg_writef(d, wdf, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                                               w->major, w->minor, w->weight.v) < 0)
                        return -1;
                if (w->leaf_weight.set && cg_writef(d, "blkio.leaf_weight_device", err,
                                                    "%" PRId64 ":%" PRId64 " %" PRIu64, w->major,
                                                    w->minor, w->leaf_weight.v) < 0)
                        return -1;
        }
        if (throttle(d, "blkio.throttle.read_bps_device", &b->throttle_read_bps, err) < 0 ||
            throttle(d, "blkio.throttle.write_bps_device", &b->throttle_write_bps, err) < 0 ||
            throttle(d, "blkio.throttle.read_iops_device", &b->throttle_read_iops, err) < 0 ||
            throttle(d, "blkio.throttle.write_iops_device", &b->throttle_write_iops, err) < 0)
                return -1;
        return 0;
}

static int v1_network(const struct cgroup *cg, const struct oci_network_res *n, struct rterr *err)
{
        const struct cg_dir *cls = v1_dir(cg, CG_NET_CLS), *prio = v1_dir(cg, CG_NET_PRIO);
        if (cls && n->class_id.set && write_u64(cls, "net_cls.classid", n->class_id.v, err) < 0)
                return -1;
        for (size_t i = 0; prio && i < n->n_priorities; i++)
                if (cg_writef(prio, "net_prio.ifpriomap", err, "%s %u", n->priorities[i].name,
                              n->priorities[i].priority) < 0)
                        return -1;
        return 0;
}

/* runc's rule: 0 leaves pids.max alone, a negative limit means no limit. */
int cg_v1_apply(struct cgroup *cg, const struct oci_resources *res, const struct rtwarn *warn,
                struct rterr *err)
{
        if (cg->host->layout == CG_LAYOUT_V1 && res->unified.n > 0)
                return rterr_set(err, EINVAL,
                                 "linux.resources.unified.%s: unified resources need cgroup v2, "
                                 "and this host has cgroup v1 only",
                                 res->unified.v[0].key);
        if (v1_memory(cg, &res->memory, warn, err) < 0 || v1_cpu(cg, &res->cpu, err) < 0 ||
            cg_cpuset_write(v1_dir(cg, CG_CPUSET), &res->cpu, err) < 0 ||
            v1_blkio(cg, &res->blkio, err) < 0 ||
            cg_hugetlb_write(v1_dir(cg, CG_HUGETLB), res, "limit_in_bytes", err) < 0 ||
            v1_network(cg, &res->network, err) < 0 ||
            cg_pids_write(v1_dir(cg, CG_PIDS), &res->pids_limit, err) < 0)
                return -1;
        const struct cg_dir *rdma = v1_dir(cg, CG_RDMA);
        return rdma ? cg_rdma_write(rdma, res, err) : 0;
}
