/* Placement scores and order (issue 20): how two assignments compare (per criticality from
 * control down, containers admitted, then granted utilisation, then balance) and the fixed order
 * every placement decides in. */
#include "scheduler/placement.h"
#include "scheduler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

/* ---- scores ---- */

uint64_t sched_place_load_ppb(const struct sched_task *t)
{
        if (t->kind == SCHED_KIND_NONE || t->kind == SCHED_KIND_UNTIMED_FP || t->granted == 0 ||
            t->period == 0)
                return 0;
        unsigned m = cpumask_count(&t->cpus);
        return (uint64_t)((unsigned __int128)t->granted * SCHED_PPB / t->period / (m ? m : 1));
}

uint64_t sched_place_util_ppb(const struct sched_task *t, uint64_t runtime)
{
        if (t->kind == SCHED_KIND_NONE || t->kind == SCHED_KIND_UNTIMED_FP || t->period == 0)
                return 0;
        return (uint64_t)((unsigned __int128)runtime * SCHED_PPB / t->period);
}

bool sched_place_admitted(const struct sched_task *t)
{
        return t->kind == SCHED_KIND_NONE || t->granted > 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
        return a > b ? 1 : a < b ? -1 : 0;
}

/* The admission part of the score: admitted, then granted utilisation, per class downwards. */
int sched_place_primary_cmp(const uint32_t *aa, const uint64_t *ag, const uint32_t *ba,
                            const uint64_t *bg)
{
        for (int c = SCHED_CRIT_CONTROL; c >= SCHED_CRIT_BEST_EFFORT; c--) {
                int r = cmp_u64(aa[c], ba[c]);
                if (r == 0)
                        r = cmp_u64(ag[c], bg[c]);
                if (r)
                        return r;
        }
        return 0;
}

int sched_place_score_cmp(const struct sched_place_score *a, const struct sched_place_score *b)
{
        int r = sched_place_primary_cmp(a->admitted, a->granted_ppb, b->admitted, b->granted_ppb);
        if (r == 0)
                r = cmp_u64(b->max_load, a->max_load);
        if (r == 0)
                r = cmp_u64(b->spread, a->spread);
        return r;
}

uint64_t sched_place_foreign_ppb(const struct sched_host *h, int cpu)
{
        return h->n_foreign ? (uint64_t)(sched_host_foreign_on(h, cpu) * SCHED_PPB + 0.5) : 0;
}

void sched_place_balance_of(const uint64_t *load, const struct sched_host *h,
                            struct sched_place_score *s)
{
        uint64_t mx = 0, mn = UINT64_MAX;
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu)) {
                mx = load[cpu] > mx ? load[cpu] : mx;
                mn = load[cpu] < mn ? load[cpu] : mn;
        }
        s->max_load = mx;
        s->spread = mn == UINT64_MAX ? 0 : mx - mn;
}

int sched_place_ncpu_of(const struct sched_host *h)
{
        return cpumask_empty(&h->cpus) ? 1 : (int)cpumask_last(&h->cpus) + 1;
}

void sched_place_score_of(const struct sched_task *t, size_t n, const struct sched_host *h,
                          struct sched_place_score *s)
{
        memset(s, 0, sizeof(*s));
        int ncpu = sched_place_ncpu_of(h);
        uint64_t *load = calloc((size_t)ncpu, sizeof(*load));
        if (load == NULL)
                return;
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                load[cpu] = sched_place_foreign_ppb(h, cpu);
        for (size_t i = 0; i < n; i++) {
                if (!sched_place_admitted(&t[i]))
                        continue;
                s->admitted[t[i].crit]++;
                s->granted_ppb[t[i].crit] += sched_place_util_ppb(&t[i], t[i].granted);
                uint64_t l = sched_place_load_ppb(&t[i]);
                for (int cpu = cpumask_first(&t[i].cpus); l && cpu >= 0;
                     cpu = cpumask_next(&t[i].cpus, cpu))
                        if (cpu < ncpu)
                                load[cpu] += l;
        }
        sched_place_balance_of(load, h, s);
        free(load);
}

/* ---- order ---- */

struct order_key {
        const struct sched_task *t;
        const struct sched_place_req *req;
};

bool sched_place_is_auto(const struct sched_place_req *req, const struct sched_task *t, size_t i)
{
        return req != NULL && req[i].place && t[i].kind != SCHED_KIND_NONE;
}

static int order_cmp(const struct order_key *k, size_t a, size_t b)
{
        const struct sched_task *ta = &k->t[a], *tb = &k->t[b];
        if (ta->crit != tb->crit)
                return ta->crit > tb->crit ? -1 : 1;
        bool pa = sched_place_is_auto(k->req, k->t, a), pb = sched_place_is_auto(k->req, k->t, b);
        if (pa != pb)
                return pa ? 1 : -1;
        if (pa) {
                int r = cmp_u64(sched_place_util_ppb(tb, tb->runtime),
                                sched_place_util_ppb(ta, ta->runtime));
                if (r)
                        return r;
        }
        return a < b ? -1 : a > b;
}

void sched_place_order(const struct sched_task *t, const struct sched_place_req *req, size_t n,
                       size_t *order)
{
        struct order_key k = {t, req};
        for (size_t i = 0; i < n; i++)
                order[i] = i;
        /* insertion into runs of 16, then bottom-up merges in place through a buffer when one
         * can be had; the comparison never ties (file order last), so any sort is stable */
        for (size_t i = 1; i < n; i++) {
                size_t x = order[i], j = i;
                size_t lo = i / 16 * 16;
                while (j > lo && order_cmp(&k, order[j - 1], x) > 0) {
                        order[j] = order[j - 1];
                        j--;
                }
                order[j] = x;
        }
        _cleanup_free_ size_t *tmp = malloc(sizeof(size_t) * (n ? n : 1));
        for (size_t w = 16; w < n; w *= 2) {
                if (tmp == NULL) { /* no memory: finish by insertion (slow, correct) */
                        for (size_t i = 1; i < n; i++) {
                                size_t x = order[i], j = i;
                                while (j > 0 && order_cmp(&k, order[j - 1], x) > 0) {
                                        order[j] = order[j - 1];
                                        j--;
                                }
                                order[j] = x;
                        }
                        return;
                }
                for (size_t lo = 0; lo < n; lo += 2 * w) {
                        size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                        size_t a = lo, b = mid, o = lo;
                        while (a < mid && b < hi)
                                tmp[o++] =
                                    order_cmp(&k, order[b], order[a]) < 0 ? order[b++] : order[a++];
                        while (a < mid)
                                tmp[o++] = order[a++];
                        while (b < hi)
                                tmp[o++] = order[b++];
                }
                memcpy(order, tmp, sizeof(size_t) * n);
        }
}
