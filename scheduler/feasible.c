/* The whole set of tests of the model, on the CPUs a decision touches: the partition rule,
 * QPA or GFB per DEADLINE partition, response times of timed FIFO/RR tasks. Only those CPUs
 * need checking: every other CPU passed before and the controller only lowers runtimes there.
 * Costs count as runtime/c (c = bandwidth minus the fair server's share); in the response-time
 * analysis the fair server is an explicit interferer, so the supply there is the bandwidth. */
#include "scheduler/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

static bool counts(const struct sched_task *t)
{
        return t->kind != SCHED_KIND_NONE && t->granted > 0;
}

/* Distinct DEADLINE partitions touching `cpus`; the first task of each, in parts[]. */
static size_t partitions(const struct sched_task *set, size_t n, const struct cpumask *cpus,
                         size_t *parts)
{
        size_t np = 0;
        for (size_t i = 0; i < n; i++) {
                if (!counts(&set[i]) || set[i].kind != SCHED_KIND_DEADLINE ||
                    !cpumask_intersects(&set[i].cpus, cpus))
                        continue;
                size_t k = 0;
                while (k < np && !cpumask_equal(&set[parts[k]].cpus, &set[i].cpus))
                        k++;
                if (k == np)
                        parts[np++] = i;
        }
        return np;
}

static bool partition_rule(const struct sched_task *set, const size_t *parts, size_t np,
                           char *reason, size_t rsize)
{
        char a[128], b[128];
        for (size_t i = 0; i < np; i++)
                for (size_t j = i + 1; j < np; j++) {
                        const struct sched_task *x = &set[parts[i]], *y = &set[parts[j]];
                        if (!cpumask_intersects(&x->cpus, &y->cpus))
                                continue;
                        cpumask_format(&x->cpus, a, sizeof(a));
                        cpumask_format(&y->cpus, b, sizeof(b));
                        snprintf(reason, rsize,
                                 "partition %s of container %s overlaps partition %s of "
                                 "container %s: DEADLINE partitions must be identical or disjoint",
                                 a, x->id, b, y->id);
                        return false;
                }
        return true;
}

struct arrays {
        uint64_t *c, *d, *p;
};

static bool partition_test(const struct sched_task *set, size_t n, const struct sched_task *first,
                           const struct sched_host *h, struct arrays *a, char *reason, size_t rsize)
{
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
                if (!counts(&set[i]) || set[i].kind != SCHED_KIND_DEADLINE ||
                    !cpumask_equal(&set[i].cpus, &first->cpus))
                        continue;
                a->c[k] = set[i].granted;
                a->d[k] = set[i].deadline;
                a->p[k] = set[i].period;
                k++;
        }
        int m = cpumask_count(&first->cpus);
        char why[256], where[128];
        bool ok = m == 1 ? sched_edf_qpa(a->c, a->d, a->p, k,
                                         sched_host_cap_ppb_on(h, &first->cpus), why, sizeof(why))
                         : sched_gfb(a->c, a->d, a->p, k, m,
                                     sched_host_capacity_on(h, &first->cpus), why, sizeof(why));
        if (!ok) {
                cpumask_format(&first->cpus, where, sizeof(where));
                snprintf(reason, rsize, "%s on CPU%s %s", why, m == 1 ? "" : "s", where);
        }
        return ok;
}

/* An untimed FIFO/RR container has unknown demand: a timed FIFO/RR task on the same CPU at
 * its priority or below can starve, so the pair is refused. DEADLINE is unaffected (the
 * kernel's deadline class runs above FIFO/RR). */
static bool untimed_rule(const struct sched_task *set, size_t n, int cpu, char *reason,
                         size_t rsize)
{
        for (size_t i = 0; i < n; i++) {
                const struct sched_task *u = &set[i];
                if (u->kind != SCHED_KIND_UNTIMED_FP || u->granted == 0 ||
                    !cpumask_test(&u->cpus, (unsigned)cpu))
                        continue;
                for (size_t j = 0; j < n; j++) {
                        const struct sched_task *t = &set[j];
                        if (!counts(t) || t->kind != SCHED_KIND_TIMED_FP ||
                            !cpumask_test(&t->cpus, (unsigned)cpu) || u->priority < t->priority)
                                continue;
                        snprintf(reason, rsize,
                                 "untimed FIFO/RR container %s (priority %d, no "
                                 "org.rtrun.timing.*) can starve timed FIFO/RR container %s "
                                 "(priority %d) on CPU %d: give %s timing annotations, a lower "
                                 "priority, or other CPUs",
                                 u->id, u->priority, t->id, t->priority, cpu, u->id);
                        return false;
                }
        }
        return true;
}

static bool rta_cpu(const struct sched_task *set, size_t n, int cpu, const struct sched_host *h,
                    struct arrays *hp, struct arrays *jit, char *reason, size_t rsize)
{
        char b1[32], b2[32];
        for (size_t i = 0; i < n; i++) {
                const struct sched_task *t = &set[i];
                if (!counts(t) || t->kind != SCHED_KIND_TIMED_FP || !cpumask_test(&t->cpus, cpu))
                        continue;
                size_t nh = 0, nj = 0;
                for (size_t j = 0; j < n; j++) {
                        const struct sched_task *o = &set[j];
                        if (j == i || !counts(o) || !cpumask_test(&o->cpus, cpu))
                                continue;
                        if (o->kind == SCHED_KIND_TIMED_FP && o->priority >= t->priority) {
                                hp->c[nh] = o->granted;
                                hp->p[nh++] = o->period;
                        } else if (o->kind == SCHED_KIND_DEADLINE) {
                                jit->c[nj] = o->granted;
                                jit->d[nj] = o->deadline;
                                jit->p[nj++] = o->period;
                        }
                }
                for (size_t f = 0; f < h->n_foreign; f++) {
                        const struct sched_foreign *x = &h->foreign[f];
                        if (!x->counted || !cpumask_test(&x->span, (unsigned)cpu))
                                continue;
                        jit->c[nj] = x->runtime;
                        jit->d[nj] = x->deadline;
                        jit->p[nj++] = x->period;
                }
                size_t ndl = nj;
                if (h->fair_server) {
                        jit->c[nj] = h->fs_runtime;
                        jit->d[nj] = h->fs_period;
                        jit->p[nj++] = h->fs_period;
                }
                uint64_t supply = (uint64_t)(h->bandwidth * SCHED_PPB + 0.5);
                uint64_t r = sched_rta(t->granted, t->deadline, hp->c, hp->p, nh, jit->c, jit->d,
                                       jit->p, nj, supply);
                if (r == UINT64_MAX) {
                        snprintf(reason, rsize,
                                 "RTA: no bounded response time within deadline %s ms of %s on "
                                 "CPU %d (%zu higher-priority FIFO/RR, %zu DEADLINE interferers%s "
                                 "take the whole CPU, or the busy window exceeds %u steps)",
                                 sched_fmt_ms(t->deadline, b1, sizeof(b1)), t->id, cpu, nh, ndl,
                                 h->fair_server ? " and the fair server" : "", SCHED_RTA_MAX_STEPS);
                        return false;
                }
                if (r > t->deadline) {
                        snprintf(reason, rsize,
                                 "RTA: response time %s%s ms > deadline %s ms of %s on CPU %d "
                                 "(%zu higher-priority FIFO/RR, %zu DEADLINE interferers%s)",
                                 ">= ", sched_fmt_ms(r, b2, sizeof(b2)),
                                 sched_fmt_ms(t->deadline, b1, sizeof(b1)), t->id, cpu, nh, ndl,
                                 h->fair_server ? " and the fair server" : "");
                        return false;
                }
        }
        return true;
}

bool sched_feasible(const struct sched_task *set, size_t n, const struct sched_host *h,
                    const struct cpumask *cpus, char *reason, size_t rsize)
{
        size_t k = n + h->n_foreign + 1;
        _cleanup_free_ uint64_t *buf = malloc(sizeof(uint64_t) * 6 * k);
        _cleanup_free_ size_t *parts = malloc(sizeof(size_t) * k);
        if (buf == NULL || parts == NULL) {
                snprintf(reason, rsize, "out of memory");
                return false;
        }
        struct arrays a = {buf, buf + k, buf + 2 * k};
        struct arrays b = {buf + 3 * k, buf + 4 * k, buf + 5 * k};
        size_t np = partitions(set, n, cpus, parts);
        if (!partition_rule(set, parts, np, reason, rsize))
                return false;
        for (size_t i = 0; i < np; i++)
                if (!partition_test(set, n, &set[parts[i]], h, &a, reason, rsize))
                        return false;
        for (int cpu = cpumask_first(cpus); cpu >= 0; cpu = cpumask_next(cpus, cpu))
                if (!untimed_rule(set, n, cpu, reason, rsize) ||
                    !rta_cpu(set, n, cpu, h, &a, &b, reason, rsize))
                        return false;
        return true;
}
