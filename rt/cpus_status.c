/* The CPU picture `rtrun cpus status` prints (cli/cmd_cpus.c), gathered from shield, isolation,
 * root-domain and DEADLINE-bandwidth state; and `cpus shield` / `cpus release` by cpulist. */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"
#include "rt/rt.h"

static double pct(uint64_t bw)
{
        return (double)bw * 100.0 / (double)(UINT64_C(1) << RT_BW_SHIFT);
}

static char *cpulist_dup(const struct cpumask *m)
{
        char buf[CPULIST_MAX];
        return strdup(cpumask_format(m, buf, sizeof(buf)));
}

static int row_fill(struct rt_cpu_status *r, unsigned c, const struct cpumask *pool,
                    const struct cpumask *claimed, const struct rt_isolation *iso,
                    const struct rt_dl_snapshot *snap, struct rterr *err)
{
        struct cpumask rd;
        struct rt_dl_budget budget;
        r->cpu = c;
        r->shielded = cpumask_test(pool, c);
        r->claimed = cpumask_test(claimed, c);
        r->isolcpus =
            cpumask_test(&iso->isolcpus_cmdline, c) || cpumask_test(&iso->isolated_sysfs, c);
        r->nohz_full =
            cpumask_test(&iso->nohz_full_cmdline, c) || cpumask_test(&iso->nohz_full_sysfs, c);
        if (rt_rootdomain_span((int)c, &rd, r->root_domain_who, sizeof(r->root_domain_who), err) <
            0)
                return -1;
        r->root_domain = cpulist_dup(&rd);
        if (r->root_domain == NULL)
                return rterr_errno(err, "cpus status");
        rt_dl_budget_of(snap, &rd, 0, &budget);
        r->dl_capacity_pct = pct(budget.capacity);
        r->dl_tasks_pct = pct(budget.tasks);
        r->dl_fair_pct = pct(budget.fair);
        r->dl_free_pct = pct(budget.free);
        r->fair_servers_unknown = budget.fair_unknown;
        r->fair_known = snap->fair_known;
        r->fair_runtime = snap->fair_runtime[c];
        r->fair_period = snap->fair_period[c];
        r->capacity = rt_cpu_capacity(snap, c);
        return 0;
}

static int threads_fill(struct rt_cpus_status *s, const struct rt_dl_snapshot *snap,
                        struct rterr *err)
{
        s->threads = calloc(snap->n_tasks ? snap->n_tasks : 1, sizeof(*s->threads));
        if (s->threads == NULL)
                return rterr_errno(err, "cpus status");
        for (size_t i = 0; i < snap->n_tasks; i++) {
                const struct rt_dl_task *t = &snap->tasks[i];
                struct rt_dl_thread *o = &s->threads[s->n_threads++];
                *o = (struct rt_dl_thread){.pid = t->pid,
                                           .tid = t->tid,
                                           .cpu = t->cpu,
                                           .runtime = t->runtime,
                                           .deadline = t->deadline,
                                           .period = t->period};
                memcpy(o->comm, t->comm, sizeof(o->comm));
                o->affinity = cpulist_dup(&t->affinity);
                if (o->affinity == NULL)
                        return rterr_errno(err, "cpus status");
        }
        return 0;
}

static int gather(struct rt_cpus_status *s, struct rt_dl_snapshot **snap, struct rterr *err)
{
        struct cpumask online, pool, claimed;
        struct rt_isolation iso;
        if (rt_cpus_online(&online, err) < 0 || rt_shield_pool(&pool, err) < 0 ||
            rt_rootdomain_claimed(&claimed, err) < 0 || rt_isolation_read(&iso, err) < 0 ||
            rt_dl_snapshot_read(snap, err) < 0)
                return -1;
        s->unlimited = (*snap)->unlimited;
        s->rt_runtime_us = s->unlimited ? (int64_t)-1 : (int64_t)(*snap)->rt_runtime_us;
        s->rt_period_us = (*snap)->rt_period_us;
        s->fair_source = rt_fair_source_name((*snap)->fair_source);
        s->cpus = calloc(cpumask_count(&online) + 1, sizeof(*s->cpus));
        if (s->cpus == NULL)
                return rterr_errno(err, "cpus status");
        for (unsigned c = 0; c < cpumask_last(&online); c++) {
                if (!cpumask_test(&online, c))
                        continue;
                if (row_fill(&s->cpus[s->n_cpus++], c, &pool, &claimed, &iso, *snap, err) < 0)
                        return -1;
        }
        return threads_fill(s, *snap, err);
}

int rt_cpus_status_read(struct rt_cpus_status *out, struct rterr *err)
{
        struct rt_dl_snapshot *snap = NULL;
        *out = (struct rt_cpus_status){0};
        int r = gather(out, &snap, err);
        rt_dl_snapshot_free(snap);
        if (r < 0)
                rt_cpus_status_free(out);
        return r;
}

void rt_cpus_status_free(struct rt_cpus_status *s)
{
        for (size_t i = 0; i < s->n_cpus; i++)
                free(s->cpus[i].root_domain);
        for (size_t i = 0; i < s->n_threads; i++)
                free(s->threads[i].affinity);
        free(s->cpus);
        free(s->threads);
        *s = (struct rt_cpus_status){0};
}

int rt_cpus_shield(const char *cpulist, struct rterr *err)
{
        struct cpumask pool;
        if (cpumask_parse(cpulist, &pool, err) < 0)
                return -1;
        return rt_shield(&pool, err);
}

int rt_cpus_release(struct rterr *err)
{
        return rt_shield_release(err);
}
