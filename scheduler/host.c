/* What each CPU offers real-time containers: the RT bandwidth cap minus the fair server
 * (kernel 6.12+: a DEADLINE server per CPU for SCHED_OTHER, charged to the same pool) minus
 * DEADLINE bandwidth granted outside the ledger. Pure: the runtime reads the kernel (rt/'s
 * rt_host_capacity_read, the one reading `cpus status` shares) and passes the values in. */
#include "scheduler/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"

double sched_host_capacity(const struct sched_host *h)
{
        double c = h->bandwidth;
        if (h->fair_server && h->fs_period)
                c -= (double)h->fs_runtime / (double)h->fs_period;
        return c > 0 ? c : 0;
}

uint64_t sched_host_cap_ppb(const struct sched_host *h)
{
        uint64_t c = (uint64_t)(sched_host_capacity(h) * SCHED_PPB + 0.5);
        return c ? c : 1;
}

int sched_host_from_values(struct sched_host *h, int64_t rt_runtime_us, uint64_t rt_period_us,
                           const char *online_cpus, uint64_t fs_runtime, uint64_t fs_period,
                           struct rterr *err)
{
        memset(h, 0, sizeof(*h));
        if (cpumask_parse(online_cpus, &h->cpus, err) < 0)
                return -1;
        if (rt_runtime_us < 0 || rt_period_us == 0)
                h->bandwidth = 1.0;
        else
                h->bandwidth = (double)rt_runtime_us / (double)rt_period_us;
        h->fair_server = fs_period > 0;
        h->fs_runtime = fs_runtime;
        h->fs_period = fs_period;
        return 0;
}

double sched_host_foreign_on(const struct sched_host *h, int cpu)
{
        double u = 0;
        for (size_t i = 0; i < h->n_foreign; i++) {
                const struct sched_foreign *f = &h->foreign[i];
                if (!f->counted || f->period == 0 || !cpumask_test(&f->span, (unsigned)cpu))
                        continue;
                u += (double)f->runtime / (double)f->period / cpumask_count(&f->span);
        }
        return u;
}

/* Average foreign share over `cpus`. */
static double foreign_avg(const struct sched_host *h, const struct cpumask *cpus)
{
        double foreign = 0;
        unsigned n = 0;
        for (int cpu = cpumask_first(cpus); cpu >= 0; cpu = cpumask_next(cpus, cpu), n++)
                foreign += sched_host_foreign_on(h, cpu);
        return n ? foreign / n : 0;
}

double sched_host_capacity_on(const struct sched_host *h, const struct cpumask *cpus)
{
        double c = sched_host_capacity(h) - (h->n_foreign ? foreign_avg(h, cpus) : 0);
        return c > 0 ? c : 0;
}

uint64_t sched_host_cap_ppb_on(const struct sched_host *h, const struct cpumask *cpus)
{
        uint64_t c = sched_host_cap_ppb(h);
        double f = h->n_foreign ? foreign_avg(h, cpus) : 0;
        if (f <= 0)
                return c;
        /* round the foreign share up: it must never be under-counted */
        uint64_t fp = (uint64_t)(f * SCHED_PPB);
        fp += (double)fp < f * SCHED_PPB;
        return c > fp ? c - fp : 1;
}

static bool descends_from(const struct sched_foreign *f, pid_t pid)
{
        if (f->pid == pid)
                return true;
        for (size_t a = 0; a < f->n_ancestors; a++)
                if (f->ancestors[a] == pid)
                        return true;
        return false;
}

/* A DEADLINE reservation covers one thread of its holder's tree with at most the granted
 * runtime on the reserved deadline and period; a second thread, or one that raised its own
 * parameters, is bandwidth outside the ledger. */
static bool covers(const struct sched_entry *e, const struct sched_foreign *f)
{
        const struct sched_task *t = &e->task;
        return t->kind == SCHED_KIND_DEADLINE && t->granted > 0 && f->runtime <= t->granted &&
               f->deadline == t->deadline && f->period == t->period && descends_from(f, e->pid);
}

void sched_foreign_match(struct sched_foreign *f, size_t nf, const struct sched_entry *e, size_t n)
{
        /* The liveness check (a pidfd and a stat) only for an entry a thread matches: with
         * no DEADLINE thread outside rtrun's own, a decision pays nothing per entry. */
        for (size_t k = 0; nf > 0 && k < n; k++) {
                if (e[k].task.kind != SCHED_KIND_DEADLINE)
                        continue;
                for (size_t i = 0; i < nf; i++)
                        if (f[i].counted && covers(&e[k], &f[i])) {
                                if (sched_entry_alive(&e[k]))
                                        f[i].counted = false;
                                break;
                        }
        }
}

double sched_host_capacity_cpu(const struct sched_host *h, int cpu)
{
        struct cpumask one;
        cpumask_zero(&one);
        cpumask_set(&one, (unsigned)cpu);
        return sched_host_capacity_on(h, &one);
}
