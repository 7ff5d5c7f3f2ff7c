/* Placement (issue 20): admission chooses the CPUs of the tasks that ask it to ("auto"). The
 * assignment problem: each auto task gets one of the CPU sets it may take, or is left out; every
 * admitted task must pass the same exact tests as sched_admit_batch (sched_feasible: QPA per
 * CPU, GFB per partition, RTA for timed FIFO/RR, the partition and untimed rules); the best
 * assignment maximises, per criticality from control down, the containers admitted and then
 * their granted utilisation, and among those the most balanced (lowest highest-CPU load, then
 * lowest spread): sched_place_score_cmp.
 *
 * Decisions are taken in one fixed order (sched_place_order) with the batch rule for each task
 * (as requested, else an elastic task shrinks itself to the largest whole microsecond that fits),
 * so a grant depends only on the choices before it, and the heuristics and the exact search
 * explore the same space: the exact search's answer is optimal over every assignment decided
 * in that order.
 *
 * The CPU sets a task may take: one CPU of its pool when count is 1; for a DEADLINE partition of
 * count > 1, an admitted partition of exactly count CPUs inside the pool (partitions must be
 * identical or disjoint), or the count least-loaded CPUs of the pool that no admitted DEADLINE
 * partition touches. Empty CPUs that nothing in the set distinguishes (no named task touches
 * them, the same foreign load, in the same pools) are interchangeable: only the first is tried. */
#include "scheduler/placement.h"
#include "scheduler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

/* ---- the state a placement works on ---- */

struct pctx {
        struct sched_task *t;
        const struct sched_place_req *req;
        size_t n;
        const struct sched_host *h;
        size_t *order;
        int ncpu;
        uint64_t *load;    /* per CPU, ppb, foreign included */
        uint32_t *touched; /* admitted tasks (any kind but NONE) on the CPU */
        uint32_t *dl;      /* admitted DEADLINE tasks on the CPU */
        int *cls;          /* interchangeable-when-empty class of a CPU; -1: distinguished */
        uint8_t *seen;     /* scratch, per class */
        struct cpumask *cand;
        uint64_t *cand_key;
        struct cpumask *cand2; /* the other buffer candidates() sorts into */
        struct cand_pair {
                uint64_t key;
                size_t idx;
        } * cand_pair;
        struct sched_verdict v;
        /* the tasks a check needs: every test looks only at tasks on the CPUs it checks
         * (feasible.c), so a check runs on a copy of those instead of the whole set */
        struct sched_task *sub;
        int *one; /* per task: its CPU when it has exactly one, else -1 (set when accounted) */
        /* the exact search */
        uint32_t adm[4];
        uint64_t ppb[4];
        uint32_t *suf_adm;    /* [(n + 1) * 4]: tasks at positions >= k, per class */
        uint64_t *suf_ppb;    /* their requested utilisation */
        struct cpumask *pick; /* per task: the CPUs chosen on the current path */
        bool *picked;         /* per task */
        struct cpumask *best_pick;
        bool *best_picked;
        struct sched_place_score best;
        uint64_t nodes, budget;
        bool out;
};

static void pctx_free(struct pctx *c)
{
        free(c->order);
        free(c->load);
        free(c->touched);
        free(c->dl);
        free(c->cls);
        free(c->seen);
        free(c->cand);
        free(c->cand_key);
        free(c->sub);
        free(c->one);
        free(c->cand2);
        free(c->cand_pair);
        free(c->suf_adm);
        free(c->suf_ppb);
        free(c->pick);
        free(c->picked);
        free(c->best_pick);
        free(c->best_picked);
}

/* Two CPUs are interchangeable while empty when no named task touches either, they carry the
 * same foreign load, and every pool holds both or neither. */
static void classes(struct pctx *c)
{
        struct cpumask named;
        cpumask_zero(&named);
        for (size_t i = 0; i < c->n; i++)
                if (!sched_place_is_auto(c->req, c->t, i) && c->t[i].kind != SCHED_KIND_NONE)
                        cpumask_or(&named, &named, &c->t[i].cpus);
        int next = 0;
        for (int a = 0; a < c->ncpu; a++)
                c->cls[a] = -1;
        for (int a = cpumask_first(&c->h->cpus); a >= 0; a = cpumask_next(&c->h->cpus, a)) {
                if (cpumask_test(&named, (unsigned)a) || c->cls[a] >= 0)
                        continue;
                c->cls[a] = next;
                for (int b = cpumask_next(&c->h->cpus, a); b >= 0;
                     b = cpumask_next(&c->h->cpus, b)) {
                        if (cpumask_test(&named, (unsigned)b) || c->cls[b] >= 0 ||
                            c->load[a] != c->load[b])
                                continue;
                        bool same = true;
                        for (size_t i = 0; i < c->n && same; i++)
                                if (sched_place_is_auto(c->req, c->t, i))
                                        same = cpumask_test(&c->req[i].pool, (unsigned)a) ==
                                               cpumask_test(&c->req[i].pool, (unsigned)b);
                        if (same)
                                c->cls[b] = next;
                }
                next++;
        }
}

static int pctx_init(struct pctx *c, struct sched_task *t, const struct sched_place_req *req,
                     size_t n, const struct sched_host *h)
{
        memset(c, 0, sizeof(*c));
        c->t = t;
        c->req = req;
        c->n = n;
        c->h = h;
        c->ncpu = sched_place_ncpu_of(h);
        size_t m = (size_t)c->ncpu;
        c->order = malloc(sizeof(size_t) * (n + 1));
        c->load = calloc(m, sizeof(uint64_t));
        c->touched = calloc(m, sizeof(uint32_t));
        c->dl = calloc(m, sizeof(uint32_t));
        c->cls = calloc(m, sizeof(int));
        c->seen = calloc(m, 1);
        c->cand = malloc(sizeof(struct cpumask) * (m + n + 1));
        c->cand_key = malloc(sizeof(uint64_t) * (m + n + 1));
        c->cand2 = malloc(sizeof(struct cpumask) * (m + n + 1));
        c->cand_pair = malloc(sizeof(*c->cand_pair) * (m + n + 1));
        c->sub = malloc(sizeof(struct sched_task) * (n + 1));
        c->one = malloc(sizeof(int) * (n + 1));
        if (!c->order || !c->load || !c->touched || !c->dl || !c->cls || !c->seen || !c->cand ||
            !c->cand_key || !c->cand2 || !c->cand_pair || !c->sub || !c->one)
                return -1;
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                c->load[cpu] = sched_place_foreign_ppb(h, cpu);
        sched_place_order(t, req, n, c->order);
        classes(c);
        for (size_t i = 0; i < n; i++)
                t[i].granted = 0;
        return 0;
}

/* Adds (sign 1) or removes (-1) an admitted task's load. */
static void account(struct pctx *c, const struct sched_task *t, int sign)
{
        if (t->kind == SCHED_KIND_NONE)
                return;
        if (sign > 0)
                c->one[t - c->t] = cpumask_count(&t->cpus) == 1 ? cpumask_first(&t->cpus) : -1;
        uint64_t l = sched_place_load_ppb(t);
        for (int cpu = cpumask_first(&t->cpus); cpu >= 0; cpu = cpumask_next(&t->cpus, cpu)) {
                if (cpu >= c->ncpu)
                        break;
                c->load[cpu] += sign > 0 ? l : -l;
                c->touched[cpu] += sign > 0 ? 1 : -1;
                if (t->kind == SCHED_KIND_DEADLINE)
                        c->dl[cpu] += sign > 0 ? 1 : -1;
        }
}

static int pair_cmp(const void *pa, const void *pb)
{
        const struct cand_pair *a = pa, *b = pb;
        if (a->key != b->key)
                return a->key < b->key ? -1 : 1;
        return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The CPU sets task i may take now, least loaded first (ties: lower CPU first); returns how
 * many are in c->cand. */
static size_t candidates(struct pctx *c, size_t i)
{
        const struct sched_place_req *r = &c->req[i];
        const struct sched_task *t = &c->t[i];
        size_t k = 0;
        if (r->count <= 1 || t->kind != SCHED_KIND_DEADLINE) {
                memset(c->seen, 0, (size_t)c->ncpu);
                for (int cpu = cpumask_first(&r->pool); cpu >= 0;
                     cpu = cpumask_next(&r->pool, cpu)) {
                        if (cpu >= c->ncpu || !cpumask_test(&c->h->cpus, (unsigned)cpu))
                                continue;
                        if (c->touched[cpu] == 0 && c->cls[cpu] >= 0) {
                                if (c->seen[c->cls[cpu]])
                                        continue;
                                c->seen[c->cls[cpu]] = 1;
                        }
                        cpumask_zero(&c->cand[k]);
                        cpumask_set(&c->cand[k], (unsigned)cpu);
                        c->cand_key[k++] = c->load[cpu];
                }
        } else {
                /* admitted partitions of exactly count CPUs inside the pool */
                for (size_t j = 0; j < c->n; j++) {
                        const struct sched_task *o = &c->t[j];
                        if (o->kind != SCHED_KIND_DEADLINE || o->granted == 0 || j == i ||
                            cpumask_count(&o->cpus) != r->count ||
                            !cpumask_subset(&o->cpus, &r->pool))
                                continue;
                        size_t x = 0;
                        while (x < k && !cpumask_equal(&c->cand[x], &o->cpus))
                                x++;
                        if (x < k)
                                continue;
                        c->cand[k] = o->cpus;
                        c->cand_key[k++] = c->load[cpumask_first(&o->cpus)];
                }
                /* a new one: the least loaded CPUs no admitted DEADLINE partition touches */
                struct cpumask fresh;
                cpumask_zero(&fresh);
                uint64_t worst = 0;
                for (unsigned got = 0; got < r->count; got++) {
                        int pickc = -1;
                        for (int cpu = cpumask_first(&r->pool); cpu >= 0;
                             cpu = cpumask_next(&r->pool, cpu))
                                if (cpu < c->ncpu && cpumask_test(&c->h->cpus, (unsigned)cpu) &&
                                    c->dl[cpu] == 0 && !cpumask_test(&fresh, (unsigned)cpu) &&
                                    (pickc < 0 || c->load[cpu] < c->load[pickc]))
                                        pickc = cpu;
                        if (pickc < 0) {
                                cpumask_zero(&fresh);
                                break;
                        }
                        cpumask_set(&fresh, (unsigned)pickc);
                        worst = c->load[pickc] > worst ? c->load[pickc] : worst;
                }
                if (!cpumask_empty(&fresh)) {
                        c->cand[k] = fresh;
                        c->cand_key[k++] = worst;
                }
        }
        /* by key, stable: sort (key, index) pairs, then move the masks once */
        for (size_t a = 0; a < k; a++) {
                c->cand_pair[a].key = c->cand_key[a];
                c->cand_pair[a].idx = a;
        }
        qsort(c->cand_pair, k, sizeof(c->cand_pair[0]), pair_cmp);
        for (size_t a = 0; a < k; a++) {
                c->cand2[a] = c->cand[c->cand_pair[a].idx];
                c->cand_key[a] = c->cand_pair[a].key;
        }
        struct cpumask *swap = c->cand;
        c->cand = c->cand2;
        c->cand2 = swap;
        return k;
}

/* Copies into c->sub the admitted tasks (other than i) on `cpus`, then task i last; returns
 * the count. */
static size_t gather(struct pctx *c, size_t i, const struct cpumask *cpus)
{
        int single = cpumask_count(cpus) == 1 ? cpumask_first(cpus) : -1;
        size_t k = 0;
        for (size_t j = 0; j < c->n; j++) {
                const struct sched_task *o = &c->t[j];
                if (j == i || o->kind == SCHED_KIND_NONE || o->granted == 0)
                        continue;
                bool on = single >= 0 && c->one[j] >= 0
                              ? c->one[j] == single
                              : (single >= 0 ? cpumask_test(&o->cpus, (unsigned)single)
                                             : cpumask_intersects(&o->cpus, cpus));
                if (on)
                        c->sub[k++] = *o;
        }
        c->sub[k] = c->t[i];
        c->sub[k].cpus = *cpus;
        return k + 1;
}

/* The batch rule for task i on `cpus`, on the tasks there only; sets t[i].cpus and granted. */
static bool admit_on(struct pctx *c, size_t i, const struct cpumask *cpus, struct sched_verdict *v)
{
        size_t k = gather(c, i, cpus);
        bool ok = sched_admit_alone(c->sub, k, k - 1, c->h, v) && v->admitted;
        c->t[i].cpus = *cpus;
        c->t[i].granted = ok ? c->sub[k - 1].granted : 0;
        return ok;
}

/* Whether task i fits on `cpus` as requested (no shrinking). */
static bool fits_as_requested(struct pctx *c, size_t i, const struct cpumask *cpus)
{
        const struct sched_task *t = &c->t[i];
        char why[64];
        if (t->kind == SCHED_KIND_TIMED_FP && cpumask_count(cpus) != 1)
                return false;
        size_t k = gather(c, i, cpus);
        c->sub[k - 1].granted = t->kind == SCHED_KIND_UNTIMED_FP ? 1 : t->runtime;
        return sched_feasible(c->sub, k, c->h, cpus, why, sizeof(why));
}

/* Tries task i on `cpus` with the batch rule; on admission its load is accounted. */
static bool try_on(struct pctx *c, size_t i, const struct cpumask *cpus)
{
        struct cpumask m = *cpus; /* cpus may be c->cand, which gather does not touch */
        if (admit_on(c, i, &m, &c->v)) {
                account(c, &c->t[i], 1);
                return true;
        }
        return false;
}

static void undo(struct pctx *c, size_t i)
{
        if (sched_place_admitted(&c->t[i]))
                account(c, &c->t[i], -1);
        c->t[i].granted = 0;
}

/* ---- heuristics ---- */

/* One pass in c->order; auto tasks go to the first candidate (in the fit's order) where they fit
 * as requested, else (elastic) where they keep the largest runtime. Records c->pick. */
static void heuristic(struct pctx *c, enum sched_fit fit)
{
        for (size_t k = 0; k < c->n; k++) {
                size_t i = c->order[k];
                struct sched_task *t = &c->t[i];
                c->picked[i] = false;
                if (!sched_place_is_auto(c->req, c->t, i)) {
                        struct cpumask own = t->cpus;
                        if (admit_on(c, i, &own, &c->v))
                                account(c, t, 1);
                        continue;
                }
                size_t nc = candidates(c, i);
                uint64_t best_g = 0;
                size_t best = nc;
                /* first where it fits as requested: one test per candidate */
                for (size_t x = 0; x < nc && best == nc; x++) {
                        size_t y = fit == SCHED_FIT_WORST ? x : nc - 1 - x;
                        if (fits_as_requested(c, i, &c->cand[y]))
                                best = y;
                }
                /* else an elastic task where it keeps the most runtime */
                bool full = best < nc;
                for (size_t x = 0; x < nc && !full && t->elastic; x++) {
                        size_t y = fit == SCHED_FIT_WORST ? x : nc - 1 - x;
                        if (!try_on(c, i, &c->cand[y]))
                                continue;
                        uint64_t g = t->granted;
                        undo(c, i);
                        if (g > best_g) {
                                best = y;
                                best_g = g;
                        }
                }
                if (best < nc) {
                        c->pick[i] = c->cand[best];
                        c->picked[i] = try_on(c, i, &c->pick[i]);
                } else {
                        t->cpus = c->req[i].pool;
                }
        }
}

/* ---- the exact search ---- */

static void suffixes(struct pctx *c)
{
        for (int cl = 0; cl < 4; cl++) {
                c->suf_adm[c->n * 4 + cl] = 0;
                c->suf_ppb[c->n * 4 + cl] = 0;
        }
        for (size_t k = c->n; k-- > 0;) {
                const struct sched_task *t = &c->t[c->order[k]];
                for (int cl = 0; cl < 4; cl++) {
                        c->suf_adm[k * 4 + cl] = c->suf_adm[(k + 1) * 4 + cl];
                        c->suf_ppb[k * 4 + cl] = c->suf_ppb[(k + 1) * 4 + cl];
                }
                c->suf_adm[k * 4 + t->crit]++;
                c->suf_ppb[k * 4 + t->crit] += sched_place_util_ppb(t, t->runtime);
        }
}

static void current_score(const struct pctx *c, struct sched_place_score *s)
{
        memcpy(s->admitted, c->adm, sizeof(s->admitted));
        memcpy(s->granted_ppb, c->ppb, sizeof(s->granted_ppb));
        sched_place_balance_of(c->load, c->h, s);
}

/* Whether a leaf under position k can still beat the best: every remaining task admitted as
 * requested is the most the primary score can gain, and loads only grow down the tree. */
static bool promising(const struct pctx *c, size_t k)
{
        uint32_t ua[4];
        uint64_t ug[4];
        for (int cl = 0; cl < 4; cl++) {
                ua[cl] = c->adm[cl] + c->suf_adm[k * 4 + cl];
                ug[cl] = c->ppb[cl] + c->suf_ppb[k * 4 + cl];
        }
        int r = sched_place_primary_cmp(ua, ug, c->best.admitted, c->best.granted_ppb);
        if (r != 0)
                return r > 0;
        struct sched_place_score s;
        sched_place_balance_of(c->load, c->h, &s);
        return s.max_load <= c->best.max_load;
}

static void take(struct pctx *c, size_t i, int sign)
{
        const struct sched_task *t = &c->t[i];
        if (!sched_place_admitted(t))
                return;
        c->adm[t->crit] += sign > 0 ? 1 : -1;
        uint64_t u = sched_place_util_ppb(t, t->granted);
        c->ppb[t->crit] += sign > 0 ? u : -u;
}

static void search(struct pctx *c, size_t k)
{
        if (c->out)
                return;
        if (++c->nodes > c->budget) {
                c->out = true;
                return;
        }
        if (k == c->n) {
                struct sched_place_score s;
                current_score(c, &s);
                if (sched_place_score_cmp(&s, &c->best) > 0) {
                        c->best = s;
                        for (size_t i = 0; i < c->n; i++)
                                if ((c->best_picked[i] = c->picked[i]))
                                        c->best_pick[i] = c->pick[i];
                }
                return;
        }
        if (!promising(c, k))
                return;
        size_t i = c->order[k];
        struct sched_task *t = &c->t[i];
        if (!sched_place_is_auto(c->req, c->t, i)) {
                struct cpumask own = t->cpus;
                if (admit_on(c, i, &own, &c->v))
                        account(c, t, 1);
                take(c, i, 1);
                search(c, k + 1);
                take(c, i, -1);
                undo(c, i);
                return;
        }
        size_t nc = candidates(c, i);
        struct cpumask *mine = malloc(sizeof(struct cpumask) * (nc ? nc : 1));
        if (mine == NULL) {
                c->out = true;
                return;
        }
        memcpy(mine, c->cand, sizeof(struct cpumask) * nc);
        for (size_t x = 0; x < nc && !c->out; x++) {
                if (!try_on(c, i, &mine[x]))
                        continue;
                c->picked[i] = true;
                c->pick[i] = mine[x];
                take(c, i, 1);
                search(c, k + 1);
                take(c, i, -1);
                undo(c, i);
        }
        free(mine);
        c->picked[i] = false;
        t->cpus = c->req[i].pool;
        if (!c->out)
                search(c, k + 1); /* left out */
}

/* ---- the answer ---- */

/* Decides every task again in order with the chosen CPUs, filling the verdicts. */
static size_t replay(struct pctx *c, const bool *picked, const struct cpumask *pick,
                     struct sched_verdict *v)
{
        size_t rejected = 0;
        char cpus[256];
        for (size_t i = 0; i < c->n; i++)
                c->t[i].granted = 0;
        for (size_t i = 0; i < (size_t)c->ncpu; i++)
                c->touched[i] = c->dl[i] = 0;
        for (int cpu = cpumask_first(&c->h->cpus); cpu >= 0; cpu = cpumask_next(&c->h->cpus, cpu))
                c->load[cpu] = sched_place_foreign_ppb(c->h, cpu);
        for (size_t k = 0; k < c->n; k++) {
                size_t i = c->order[k];
                struct sched_task *t = &c->t[i];
                if (!sched_place_is_auto(c->req, c->t, i)) {
                        struct cpumask own = t->cpus;
                        if (admit_on(c, i, &own, &v[i]))
                                account(c, t, 1);
                        else
                                rejected++;
                        continue;
                }
                if (picked[i] && try_on(c, i, &pick[i])) {
                        v[i] = c->v;
                        char why[sizeof(v[i].reason)];
                        memcpy(why, v[i].reason, sizeof(why));
                        cpumask_format(&t->cpus, cpus, sizeof(cpus));
                        snprintf(v[i].reason, sizeof(v[i].reason), "placed on CPU%s %.100s: %.380s",
                                 cpumask_count(&t->cpus) > 1 ? "s" : "", cpus, why);
                        v[i].granted = t->granted;
                        continue;
                }
                /* left out: say why, from the first CPU set it could have taken */
                rejected++;
                memset(&v[i], 0, sizeof(v[i]));
                size_t nc = candidates(c, i);
                bool fits_somewhere = false;
                char first[sizeof(v[i].reason)] = "";
                for (size_t x = 0; x < nc; x++) {
                        if (try_on(c, i, &c->cand[x])) {
                                undo(c, i);
                                fits_somewhere = true;
                                break;
                        }
                        if (!first[0]) {
                                cpumask_format(&c->cand[x], cpus, sizeof(cpus));
                                snprintf(first, sizeof(first), "on CPU%s %.100s: %.380s",
                                         cpumask_count(&c->cand[x]) > 1 ? "s" : "", cpus,
                                         c->v.reason);
                        }
                }
                t->granted = 0;
                t->cpus = c->req[i].pool;
                cpumask_format(&c->req[i].pool, cpus, sizeof(cpus));
                if (fits_somewhere)
                        snprintf(v[i].reason, sizeof(v[i].reason),
                                 "placement: left out so that more containers of class %s or "
                                 "above (or more of their runtime) fit on CPUs %s",
                                 sched_crit_name(t->crit), cpus);
                else if (nc == 0)
                        snprintf(v[i].reason, sizeof(v[i].reason),
                                 "placement: no set of %u CPU(s) in %s is free of other "
                                 "DEADLINE partitions",
                                 c->req[i].count, cpus);
                else
                        snprintf(v[i].reason, sizeof(v[i].reason),
                                 "placement: fits on no CPU of %.100s (%zu tried; %.330s)", cpus,
                                 nc, first);
        }
        return rejected;
}

static bool any_auto(const struct sched_task *t, const struct sched_place_req *req, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (sched_place_is_auto(req, t, i))
                        return true;
        return false;
}

static int alloc_search(struct pctx *c)
{
        size_t n = c->n + 1;
        c->suf_adm = calloc(n * 4, sizeof(uint32_t));
        c->suf_ppb = calloc(n * 4, sizeof(uint64_t));
        c->pick = calloc(n, sizeof(struct cpumask));
        c->picked = calloc(n, sizeof(bool));
        c->best_pick = calloc(n, sizeof(struct cpumask));
        c->best_picked = calloc(n, sizeof(bool));
        return c->suf_adm && c->suf_ppb && c->pick && c->picked && c->best_pick && c->best_picked
                   ? 0
                   : -1;
}

static void oom(struct sched_task *t, size_t n, struct sched_verdict *v)
{
        for (size_t i = 0; i < n; i++) {
                t[i].granted = 0;
                memset(&v[i], 0, sizeof(v[i]));
                snprintf(v[i].reason, sizeof(v[i].reason), "placement: out of memory");
        }
}

/* Runs one heuristic from scratch; its score lands in *s and its picks in best_pick. */
static void run_heuristic(struct pctx *c, enum sched_fit fit, struct sched_place_score *s)
{
        for (size_t i = 0; i < c->n; i++)
                c->t[i].granted = 0;
        for (size_t i = 0; i < (size_t)c->ncpu; i++)
                c->touched[i] = c->dl[i] = 0;
        for (int cpu = cpumask_first(&c->h->cpus); cpu >= 0; cpu = cpumask_next(&c->h->cpus, cpu))
                c->load[cpu] = sched_place_foreign_ppb(c->h, cpu);
        heuristic(c, fit);
        sched_place_score_of(c->t, c->n, c->h, s);
}

size_t sched_place_heuristic(struct sched_task *t, const struct sched_place_req *req, size_t n,
                             const struct sched_host *h, enum sched_fit fit,
                             struct sched_verdict *v)
{
        struct pctx c;
        size_t rejected = n;
        if (pctx_init(&c, t, req, n, h) < 0 || alloc_search(&c) < 0) {
                oom(t, n, v);
                goto out;
        }
        struct sched_place_score s;
        run_heuristic(&c, fit, &s);
        memcpy(c.best_picked, c.picked, sizeof(bool) * n);
        memcpy(c.best_pick, c.pick, sizeof(struct cpumask) * n);
        rejected = replay(&c, c.best_picked, c.best_pick, v);
out:
        pctx_free(&c);
        return rejected;
}

size_t sched_place_batch(struct sched_task *t, const struct sched_place_req *req, size_t n,
                         const struct sched_host *h, uint64_t exact_budget, struct sched_verdict *v,
                         struct sched_place_stats *st)
{
        struct sched_place_stats local;
        if (st == NULL)
                st = &local;
        memset(st, 0, sizeof(*st));
        if (!any_auto(t, req, n)) {
                size_t r = sched_admit_batch(t, n, h, v);
                sched_place_score_of(t, n, h, &st->best);
                st->heuristic = st->best;
                st->exact = st->optimal = true; /* nothing to choose */
                return r;
        }
        struct pctx c;
        size_t rejected = n;
        if (pctx_init(&c, t, req, n, h) < 0 || alloc_search(&c) < 0) {
                oom(t, n, v);
                goto out;
        }
        struct sched_place_score wf, bf;
        run_heuristic(&c, SCHED_FIT_WORST, &wf);
        memcpy(c.best_picked, c.picked, sizeof(bool) * n);
        memcpy(c.best_pick, c.pick, sizeof(struct cpumask) * n);
        run_heuristic(&c, SCHED_FIT_BEST, &bf);
        if (sched_place_score_cmp(&bf, &wf) > 0) {
                memcpy(c.best_picked, c.picked, sizeof(bool) * n);
                memcpy(c.best_pick, c.pick, sizeof(struct cpumask) * n);
                wf = bf;
        }
        st->heuristic = c.best = wf;
        size_t n_auto = 0;
        for (size_t i = 0; i < n; i++)
                n_auto += sched_place_is_auto(req, t, i);
        st->to_place = n_auto;
        if (exact_budget > 0 && n_auto <= SCHED_PLACE_EXACT_MAX) {
                for (size_t i = 0; i < n; i++)
                        t[i].granted = 0;
                for (size_t i = 0; i < (size_t)c.ncpu; i++)
                        c.touched[i] = c.dl[i] = 0;
                for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                        c.load[cpu] = sched_place_foreign_ppb(h, cpu);
                memset(c.adm, 0, sizeof(c.adm));
                memset(c.ppb, 0, sizeof(c.ppb));
                memset(c.picked, 0, sizeof(bool) * n);
                suffixes(&c);
                c.budget = exact_budget;
                search(&c, 0);
                st->exact = true;
                st->optimal = !c.out;
                st->nodes = c.nodes;
        }
        rejected = replay(&c, c.best_picked, c.best_pick, v);
        sched_place_score_of(t, n, h, &st->best);
out:
        pctx_free(&c);
        return rejected;
}

bool sched_place_online(struct sched_task *t, size_t n, const struct sched_place_req *req,
                        const struct sched_host *h, struct sched_verdict *v)
{
        if (req == NULL || !req->place || t[n].kind == SCHED_KIND_NONE)
                return sched_admit_online(t, n, h, v);
        /* the same candidates as batch placement, over the admitted tasks plus the newcomer */
        struct pctx c;
        bool ok = false;
        _cleanup_free_ struct sched_place_req *reqs = calloc(n + 1, sizeof(*reqs));
        _cleanup_free_ uint64_t *saved = malloc(sizeof(uint64_t) * (n + 1));
        memset(&c, 0, sizeof(c));
        if (reqs == NULL || saved == NULL)
                goto oom;
        reqs[n] = *req;
        for (size_t i = 0; i < n; i++)
                saved[i] = t[i].granted;
        /* pctx_init resets grants: build the context by hand around the admitted set */
        c.t = t;
        c.req = reqs;
        c.n = n + 1;
        c.h = h;
        c.ncpu = sched_place_ncpu_of(h);
        c.load = calloc((size_t)c.ncpu, sizeof(uint64_t));
        c.touched = calloc((size_t)c.ncpu, sizeof(uint32_t));
        c.dl = calloc((size_t)c.ncpu, sizeof(uint32_t));
        c.cls = calloc((size_t)c.ncpu, sizeof(int));
        c.seen = calloc((size_t)c.ncpu, 1);
        c.cand = malloc(sizeof(struct cpumask) * ((size_t)c.ncpu + n + 1));
        c.cand_key = malloc(sizeof(uint64_t) * ((size_t)c.ncpu + n + 1));
        c.cand2 = malloc(sizeof(struct cpumask) * ((size_t)c.ncpu + n + 1));
        c.cand_pair = malloc(sizeof(*c.cand_pair) * ((size_t)c.ncpu + n + 1));
        c.sub = malloc(sizeof(struct sched_task) * (n + 2));
        c.one = malloc(sizeof(int) * (n + 2));
        if (!c.load || !c.touched || !c.dl || !c.cls || !c.seen || !c.cand || !c.cand_key ||
            !c.cand2 || !c.cand_pair || !c.sub || !c.one)
                goto oom;
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                c.load[cpu] = sched_place_foreign_ppb(h, cpu);
        t[n].granted = 0;
        for (size_t i = 0; i < n; i++)
                if (sched_place_admitted(&t[i]))
                        account(&c, &t[i], 1);
        /* the admitted tasks are named now: every CPU is distinguished (no symmetry pruning) */
        for (int a = 0; a < c.ncpu; a++)
                c.cls[a] = -1;
        size_t nc = candidates(&c, n);
        char cpus[256], first[sizeof(v->reason)] = "";
        /* pass 1: where it fits as requested, least loaded first */
        for (size_t x = 0; x < nc && !ok; x++) {
                t[n].cpus = c.cand[x];
                t[n].granted = t[n].kind == SCHED_KIND_UNTIMED_FP ? 1 : t[n].runtime;
                ok = sched_feasible(t, n + 1, h, &t[n].cpus, v->reason, sizeof(v->reason));
                if (!ok && !first[0]) {
                        cpumask_format(&c.cand[x], cpus, sizeof(cpus));
                        snprintf(first, sizeof(first), "on CPU%s %.100s: %.380s",
                                 cpumask_count(&c.cand[x]) > 1 ? "s" : "", cpus, v->reason);
                }
                if (ok) {
                        v->admitted = true;
                        v->granted = t[n].granted;
                        snprintf(v->reason, sizeof(v->reason), "fits as requested");
                }
        }
        t[n].granted = ok ? t[n].granted : 0;
        /* pass 2: with compression of lower classes, or shrinking itself */
        for (size_t x = 0; x < nc && !ok; x++) {
                t[n].cpus = c.cand[x];
                ok = sched_admit_online(t, n, h, v);
                if (!ok)
                        for (size_t i = 0; i < n; i++)
                                t[i].granted = saved[i];
        }
        if (ok) {
                char why[sizeof(v->reason)];
                memcpy(why, v->reason, sizeof(why));
                cpumask_format(&t[n].cpus, cpus, sizeof(cpus));
                snprintf(v->reason, sizeof(v->reason), "placed on CPU%s %.100s: %.380s",
                         cpumask_count(&t[n].cpus) > 1 ? "s" : "", cpus, why);
        } else {
                t[n].cpus = req->pool;
                t[n].granted = 0;
                memset(v, 0, sizeof(*v));
                cpumask_format(&req->pool, cpus, sizeof(cpus));
                if (nc > 0)
                        snprintf(v->reason, sizeof(v->reason),
                                 "placement: fits on no CPU of %.100s (%zu tried; %.330s)", cpus,
                                 nc, first);
                else
                        snprintf(v->reason, sizeof(v->reason),
                                 "placement: no set of %u CPU(s) in %.100s is free of other "
                                 "DEADLINE partitions",
                                 req->count, cpus);
        }
        pctx_free(&c);
        return ok;
oom:
        pctx_free(&c);
        t[n].granted = 0;
        memset(v, 0, sizeof(*v));
        snprintf(v->reason, sizeof(v->reason), "placement: out of memory");
        return false;
}
