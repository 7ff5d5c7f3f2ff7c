/* What a container's real-time settings change on the host: set up at create, undone at
 * delete. Each step undoes the earlier ones when a later one fails. */
#include <errno.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"
#include "rt/rt.h"

static bool wants_rootdomain(const struct oci_spec *spec)
{
        const struct oci_scheduler *s = &spec->process.scheduler;
        return spec->has_process && s->set && s->policy == SCHED_DEADLINE && spec->has_linux &&
               spec->linux_.resources.cpu.cpus != NULL &&
               spec->linux_.resources.cpu.cpus[0] != '\0';
}

/* Checks on the host, where the whole cpuset tree and every DEADLINE task are visible, what the
 * kernel will check in the container: the root domain is exactly the CPUs, and the
 * reservation fits in what is left of it. */
static int preflight(const struct cpumask *cpus, const struct oci_scheduler *o, struct rterr *err)
{
        unsigned first = 0;
        while (!cpumask_test(cpus, first))
                first++;
        struct rt_explain_ctx c;
        memset(&c, 0, sizeof(c));
        rt_sched_from_oci(o, &c.req);
        c.has_cap_sys_nice = true;
        c.affinity = *cpus;
        if (rt_rootdomain_span((int)first, &c.rd_span, c.rd_who, sizeof(c.rd_who), err) < 0)
                return -1;
        c.rd_known = true;
        if (!cpumask_subset(&c.rd_span, cpus)) {
                c.errnum = EPERM;
        } else {
                struct rt_dl_snapshot *snap = NULL;
                if (rt_dl_snapshot_read(&snap, err) < 0)
                        return -1;
                rt_dl_budget_of(snap, &c.rd_span, 0, &c.budget);
                rt_dl_snapshot_free(snap);
                c.budget_known = !c.budget.fair_unknown;
                uint64_t want =
                    rt_bw_of(c.req.runtime, c.req.period ? c.req.period : c.req.deadline);
                if (!c.budget_known || want <= c.budget.free)
                        return 0;
                c.errnum = EBUSY;
        }
        char text[sizeof(err->msg)];
        rt_explain_format(&c, text, sizeof(text));
        return rterr_set(err, c.errnum, "%s", text);
}

static int setup_rootdomain(struct cgroup *cg, const struct oci_spec *spec, struct rterr *err)
{
        const char *dir = cg_controller_dir(cg, "cpuset");
        if (!wants_rootdomain(spec))
                return dir ? rt_rootdomain_guest(dir, err) : 0;
        if (dir == NULL)
                return rterr_set(err, ENOTSUP,
                                 "process.scheduler SCHED_DEADLINE with "
                                 "linux.resources.cpu.cpus needs the cpuset cgroup controller");
        struct cpumask cpus;
        if (cpumask_parse(spec->linux_.resources.cpu.cpus, &cpus, err) < 0)
                return rterr_wrap(err, "linux.resources.cpu.cpus");
        if (rt_rootdomain_claim(dir, &cpus, err) < 0)
                return rterr_wrap(err,
                                  "give linux.resources.cpu.cpus %s a root domain for "
                                  "SCHED_DEADLINE",
                                  spec->linux_.resources.cpu.cpus);
        if (preflight(&cpus, &spec->process.scheduler, err) < 0) {
                rt_rootdomain_release(dir, NULL);
                return -1;
        }
        return 0;
}

int rt_container_setup(const struct cg_host *host, struct cgroup *cg, const struct oci_spec *spec,
                       const struct rtwarn *warn, struct rterr *err)
{
        (void)host;
        if (setup_rootdomain(cg, spec, err) < 0)
                return -1;
        const struct oci_resources *res = spec->has_linux ? &spec->linux_.resources : NULL;
        if (res && res->cpu.realtime_runtime.set &&
            rt_rtgroup_setup(cg_controller_dir(cg, "cpu"), &res->cpu, warn, err) < 0)
                goto undo;
        if (rt_memlock_wanted(&spec->annotations) &&
            rt_memlock_setup(cg_controller_dir(cg, "memory"), res ? &res->memory : NULL, err) < 0)
                goto undo;
        return 0;
undo:
        rt_container_teardown(host, cg, NULL);
        return -1;
}

int rt_container_removed(struct rterr *err)
{
        return rt_rootdomain_release(NULL, err);
}

int rt_cgroups_path_default(const struct oci_spec *spec, enum cg_layout layout, const char *id,
                            char *out, size_t len, struct rterr *err)
{
        if (layout != CG_LAYOUT_V2 || !wants_rootdomain(spec))
                return 0;
        struct cpumask cpus;
        char parent[RT_PATH];
        if (cpumask_parse(spec->linux_.resources.cpu.cpus, &cpus, err) < 0)
                return rterr_wrap(err, "linux.resources.cpu.cpus");
        if (cpumask_empty(&cpus))
                return 0;
        if (rt_partition_default_parent(&cpus, parent, sizeof(parent)) < 0 ||
            rt_pathf(out, len, "%s/%s", parent, id) < 0)
                return rterr_set(err, ENAMETOOLONG, "cgroup path for %s", id);
        return 1;
}

int rt_container_teardown(const struct cg_host *host, struct cgroup *cg, struct rterr *err)
{
        (void)host;
        int r = 0;
        /* A create killed while saving its first claim left RT_STATE_DIR/NAME.tmp.PID and no
         * NAME: the release below then has no state to open, and so would not sweep. */
        rt_state_sweep();
        const char *cpuset = cg_controller_dir(cg, "cpuset");
        const char *cpu = cg_controller_dir(cg, "cpu");
        if (cpuset && rt_rootdomain_release(cpuset, err) < 0)
                r = -1;
        if (cpu && rt_rtgroup_teardown(cpu, r < 0 ? NULL : err) < 0)
                r = -1;
        return r;
}
