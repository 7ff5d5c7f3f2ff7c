/* The cgroup v2 driver: one directory, controllers enabled along the path, and the v1-shaped
 * runtime-spec values converted the way the runtime-spec and runc convert them. Only the
 * controllers detection gave to v2 are touched (on a hybrid host, the rest is v1's). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

static const struct cg_dir *v2_dir(const struct cgroup *cg, enum cg_ctrl c)
{
        return cg->host->drv[c] == CG_DRV_V2 ? &cg->dirs[cg->v2_dir] : NULL;
}

static bool has_word(const char *list, const char *w)
{
        size_t n = strlen(w);
        for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
                        return true;
        return false;
}

/* A controller's files appear in a child only when every ancestor lists it in
 * cgroup.subtree_control (Documentation/admin-guide/cgroup-v2.rst, "Enabling and Disabling"). */
static int enable_in(const struct cg_host *host, const char *dir, struct rterr *err)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "open %s", dir);
        struct cg_dir d = {.path = (char *)dir, .fd = fd, .v2 = true};
        _cleanup_free_ char *avail = NULL;
        if (cg_read(&d, "cgroup.controllers", &avail, err) < 0)
                return -1;
        for (int c = 0; c < CG_NCTRL; c++) {
                const char *name = cg_ctrl_v2_name((enum cg_ctrl)c);
                if (host->drv[c] != CG_DRV_V2 || name == NULL || !has_word(avail, name))
                        continue;
                _cleanup_free_ char *on = NULL;
                if (cg_read(&d, "cgroup.subtree_control", &on, err) < 0)
                        return -1;
                if (has_word(on, name))
                        continue;
                if (cg_writef(&d, "cgroup.subtree_control", err, "+%s", name) < 0)
                        return rterr_wrap(err, "enable the %s controller", name);
        }
        return 0;
}

int cg_v2_enable_controllers(const struct cg_host *host, const char *mnt, const char *rel,
                             struct rterr *err)
{
        _cleanup_free_ char *p = NULL;
        if (asprintf(&p, "%s%s", mnt, rel) < 0)
                return rterr_errno(err, "cgroup path");
        size_t ml = strlen(mnt);
        /* Each ancestor of the leaf: the mount itself, then every prefix before a '/'. */
        for (char *s = p + ml;;) {
                char *slash = strchr(s + 1, '/');
                *s = '\0';
                int r = enable_in(host, s == p + ml ? mnt : p, err);
                *s = '/';
                if (r < 0)
                        return -1;
                if (slash == NULL)
                        return 0;
                s = slash;
        }
}

static int write_max(const struct cg_dir *d, const char *file, int64_t v, struct rterr *err)
{
        char buf[32];
        cg_limit_str(v, buf, sizeof(buf));
        return cg_write(d, file, buf, err);
}

static int v2_memory(const struct cgroup *cg, const struct oci_memory *m, const struct rtwarn *warn,
                     struct rterr *err)
{
        const struct cg_dir *d = v2_dir(cg, CG_MEMORY);
        if (!m->set || d == NULL)
                return 0;
        if (m->kernel.set || m->kernel_tcp.set)
                rtwarn(warn, "linux.resources.memory.kernel and kernelTCP are ignored: cgroup v2 "
                             "has no kmem limits");
        if (m->swappiness.set || (m->disable_oom_killer.set && m->disable_oom_killer.v))
                rtwarn(warn, "linux.resources.memory.swappiness and disableOOMKiller are ignored: "
                             "cgroup v2 has no such files");
        if (m->check_before_update.v && m->limit.set && m->limit.v >= 0) {
                uint64_t cur;
                if (cg_read_u64(d, "memory.current", &cur, err) < 0)
                        return -1;
                if ((uint64_t)m->limit.v < cur)
                        return rterr_set(err, EBUSY,
                                         "linux.resources.memory.limit: %" PRId64
                                         " is below the current usage %" PRIu64
                                         " (checkBeforeUpdate)",
                                         m->limit.v, cur);
        }
        bool has_swap = cg_has_file(d, "memory.swap.max");
        if (m->swap.set || (m->limit.set && m->limit.v == -1 && has_swap)) {
                char buf[32];
                int64_t swap = m->swap.set ? m->swap.v : -1;
                if (cg_swap_v2_value(swap, m->limit.v, m->limit.set, buf, sizeof(buf), err) < 0)
                        return -1;
                if (!has_swap && m->swap.set)
                        return rterr_set(err, ENOTSUP,
                                         "linux.resources.memory.swap: the kernel does not "
                                         "account swap (no %s/memory.swap.max)",
                                         d->path);
                if (cg_write(d, "memory.swap.max", buf, err) < 0)
                        return -1;
        }
        if (m->limit.set && write_max(d, "memory.max", m->limit.v, err) < 0)
                return -1;
        if (m->reservation.set && write_max(d, "memory.low", m->reservation.v, err) < 0)
                return -1;
        return 0;
}

/* cpu.max is "QUOTA PERIOD": a change of one keeps the other. */
static int v2_cpu_max(const struct cg_dir *d, const struct oci_cpu *c, struct rterr *err)
{
        if (!c->quota.set && !c->period.set)
                return 0;
        _cleanup_free_ char *cur = NULL;
        if (cg_read(d, "cpu.max", &cur, err) < 0)
                return -1;
        char quota[32] = "max";
        uint64_t period = 100000;
        sscanf(cur, "%31s %" SCNu64, quota, &period);
        if (c->quota.set)
                cg_limit_str(c->quota.v <= 0 ? -1 : c->quota.v, quota, sizeof(quota));
        if (c->period.set)
                period = c->period.v;
        return cg_writef(d, "cpu.max", err, "%s %" PRIu64, quota, period);
}

static int v2_cpu(const struct cgroup *cg, const struct oci_cpu *c, struct rterr *err)
{
        const struct cg_dir *d = v2_dir(cg, CG_CPU);
        if (d == NULL)
                return 0;
        if ((c->realtime_runtime.set && c->realtime_runtime.v != 0) ||
            (c->realtime_period.set && c->realtime_period.v != 0))
                return rterr_set(err, ENOTSUP,
                                 "linux.resources.cpu.realtimeRuntime/realtimePeriod: cgroup v2 "
                                 "has no RT bandwidth control");
        if (c->shares.set && c->shares.v != 0 &&
            cg_writef(d, "cpu.weight", err, "%" PRIu64, cg_shares_to_weight(c->shares.v)) < 0)
                return -1;
        if (v2_cpu_max(d, c, err) < 0)
                return -1;
        if (c->burst.set && cg_writef(d, "cpu.max.burst", err, "%" PRIu64, c->burst.v) < 0)
                return -1;
        if (c->idle.set && cg_writef(d, "cpu.idle", err, "%" PRId64, c->idle.v) < 0)
                return -1;
        return 0;
}

static int io_max(const struct cg_dir *d, const char *key, const struct oci_throttle_list *l,
                  struct rterr *err)
{
        for (size_t i = 0; i < l->n; i++)
                if (cg_writef(d, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
                              l->v[i].major, l->v[i].minor, key, l->v[i].rate) < 0)
                        return -1;
        return 0;
}

/* io.weight takes the converted 1..10000 weight; BFQ's io.bfq.weight keeps blkio's 1..1000. */
static int v2_io(const struct cgroup *cg, const struct oci_blkio *b, struct rterr *err)
{
        const struct cg_dir *d = v2_dir(cg, CG_BLKIO);
        if (!b->set || d == NULL)
                return 0;
        bool bfq = !cg_has_file(d, "io.weight") && cg_has_file(d, "io.bfq.weight");
        const char *wf = bfq ? "io.bfq.weight" : "io.weight";
        if (b->weight.set && b->weight.v != 0 &&
            cg_writef(d, wf, err, "%" PRIu64,
                      bfq ? b->weight.v : cg_blkio_weight_to_io(b->weight.v)) < 0)
                return -1;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct oci_weight_device *w = &b->weight_device[i];
                if (!w->weight.set)
                        continue;
                uint64_t v = bfq ? w->weight.v : cg_blkio_weight_to_io(w->weight.v);
                if (cg_writef(d, wf, err, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
                              v) < 0)
                        return -1;
        }
        if (io_max(d, "rbps", &b->throttle_read_bps, err) < 0 ||
            io_max(d, "wbps", &b->throttle_write_bps, err) < 0 ||
            io_max(d, "riops", &b->throttle_read_iops, err) < 0 ||
            io_max(d, "wiops", &b->throttle_write_iops, err) < 0)
                return -1;
        return 0;
}

/* On a hybrid host only the unified directory's own files and the controllers v2 serves are
 * there to write. */
static int v2_unified(const struct cgroup *cg, const struct oci_kvs *u, struct rterr *err)
{
        const struct cg_dir *d = &cg->dirs[cg->v2_dir];
        for (size_t i = 0; i < u->n; i++) {
                const char *key = u->v[i].key;
                if (strchr(key, '/') || key[0] == '.' || strchr(key, '.') == NULL)
                        return rterr_set(err, EINVAL,
                                         "linux.resources.unified.%s: not a cgroup file name", key);
                if (cg->host->layout == CG_LAYOUT_HYBRID && strncmp(key, "cgroup.", 7) != 0) {
                        size_t pl = strcspn(key, ".");
                        bool ok = false;
                        for (int c = 0; c < CG_NCTRL && !ok; c++) {
                                const char *n = cg_ctrl_v2_name((enum cg_ctrl)c);
                                ok = cg->host->drv[c] == CG_DRV_V2 && n && strlen(n) == pl &&
                                     strncmp(n, key, pl) == 0;
                        }
                        if (!ok)
                                return rterr_set(err, ENOTSUP,
                                                 "linux.resources.unified.%s: controller '%.*s' is "
                                                 "not served by cgroup v2 on this hybrid host",
                                                 key, (int)pl, key);
                }
                if (cg_write(d, key, u->v[i].value, err) < 0)
                        return rterr_wrap(err, "linux.resources.unified.%s", key);
        }
        return 0;
}

int cg_v2_apply(struct cgroup *cg, const struct oci_resources *res, const struct rtwarn *warn,
                struct rterr *err)
{
        if (v2_memory(cg, &res->memory, warn, err) < 0 || v2_cpu(cg, &res->cpu, err) < 0 ||
            cg_cpuset_write(v2_dir(cg, CG_CPUSET), &res->cpu, err) < 0 ||
            v2_io(cg, &res->blkio, err) < 0 ||
            cg_hugetlb_write(v2_dir(cg, CG_HUGETLB), res, "max", err) < 0 ||
            cg_pids_write(v2_dir(cg, CG_PIDS), &res->pids_limit, err) < 0)
                return -1;
        const struct cg_dir *rdma = v2_dir(cg, CG_RDMA);
        if (rdma && cg_rdma_write(rdma, res, err) < 0)
                return -1;
        return v2_unified(cg, &res->unified, err);
}
