/* Decisions. Batch mode: decreasing criticality, ties in array order, each admitted if the
 * admitted set plus it passes, else (elastic) at the largest whole-microsecond runtime in
 * [min-runtime, runtime] that passes, else rejected. Online mode: a newcomer that does not fit
 * compresses admitted elastic tasks of strictly lower criticality, lowest class first, then
 * that class and the next, and so on, by the elastic rule with the smallest total reduction
 * that lets it fit; failing that, it is treated as in batch mode; failing that, rejected with
 * nothing changed.
 *
 * Searches: every test is monotone in the runtimes (less runtime never adds demand, density or
 * interference), so the largest runtime that fits and the smallest reduction that fits are
 * found by bisection: on whole microseconds for a runtime, on the total utilisation reduction
 * in parts per billion for compression (about 30-40 steps for any realistic set). */
#include "scheduler/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

static uint64_t ceil_us(uint64_t ns)
{
        return (ns + SCHED_US - 1) / SCHED_US * SCHED_US;
}

static bool fits(struct sched_task *set, size_t n, const struct sched_host *h,
                 const struct cpumask *cpus, char *reason, size_t rsize)
{
        return sched_feasible(set, n, h, cpus, reason, rsize);
}

/* tasks[i].granted = the largest whole-microsecond runtime in [min, runtime) that fits; false
 * (granted 0) when even the smallest does not. */
static bool shrink_self(struct sched_task *set, size_t n, size_t i, const struct sched_host *h,
                        char *reason, size_t rsize)
{
        struct sched_task *t = &set[i];
        uint64_t lo = ceil_us(t->min_runtime);
        uint64_t hi = (t->runtime - 1) / SCHED_US * SCHED_US; /* below runtime, tried already */
        char why[512];
        if (lo > hi || lo == 0)
                goto fail;
        t->granted = lo;
        if (!fits(set, n, h, &t->cpus, why, sizeof(why))) {
                /* the partition rule does not depend on the runtime: say so only when it does */
                snprintf(reason, rsize, "%.480s%s", why,
                         strncmp(why, "partition", 9) ? " (even at min-runtime)" : "");
                goto fail;
        }
        while (lo < hi) { /* lo fits; find the largest fitting in [lo, hi] */
                uint64_t mid = lo + ((hi - lo) / SCHED_US + 1) / 2 * SCHED_US;
                t->granted = mid;
                if (fits(set, n, h, &t->cpus, why, sizeof(why)))
                        lo = mid;
                else
                        hi = mid - SCHED_US;
        }
        t->granted = lo;
        return true;
fail:
        t->granted = 0;
        return false;
}

static void reason_shrunk(const struct sched_task *t, struct sched_verdict *v)
{
        char a[32], b[32];
        snprintf(v->reason, sizeof(v->reason), "elastic: runtime %s ms of %s ms requested",
                 sched_fmt_ms(t->granted, a, sizeof(a)), sched_fmt_ms(t->runtime, b, sizeof(b)));
}

static void reason_none(struct sched_verdict *v)
{
        snprintf(v->reason, sizeof(v->reason), "%s", "not real-time: admitted without analysis");
}

/* The model's rule before any analysis: a timed FIFO/RR task runs on exactly one CPU. */
static bool pinned(const struct sched_task *t, struct sched_verdict *v)
{
        char cpus[128];
        if (t->kind != SCHED_KIND_TIMED_FP || cpumask_count(&t->cpus) == 1)
                return true;
        cpumask_format(&t->cpus, cpus, sizeof(cpus));
        snprintf(v->reason, sizeof(v->reason),
                 "FIFO/RR with timing must be pinned to exactly one CPU, got %s", cpus);
        return false;
}

/* The steps every decision starts with: a task without timing passes, a timed FIFO/RR task must
 * be pinned, and one that fits as requested is admitted. Returns 1 (admitted) or 0 (refused)
 * when that decides, -1 when the task does not fit as requested (v->reason says why). */
static int as_requested(struct sched_task *set, size_t n, size_t i, const struct sched_host *h,
                        struct sched_verdict *v)
{
        struct sched_task *t = &set[i];
        memset(v, 0, sizeof(*v));
        if (t->kind == SCHED_KIND_NONE) {
                reason_none(v);
                return v->admitted = true;
        }
        if (!pinned(t, v)) {
                t->granted = 0;
                return 0;
        }
        if (t->kind == SCHED_KIND_UNTIMED_FP) {
                t->granted = 1; /* holds its CPUs */
                if (fits(set, n, h, &t->cpus, v->reason, sizeof(v->reason))) {
                        snprintf(v->reason, sizeof(v->reason),
                                 "FIFO/RR without timing: no timed FIFO/RR task at or below its "
                                 "priority on its CPUs");
                        return v->admitted = true;
                }
                t->granted = 0;
                return 0;
        }
        t->granted = t->runtime;
        if (fits(set, n, h, &t->cpus, v->reason, sizeof(v->reason))) {
                snprintf(v->reason, sizeof(v->reason), "fits as requested");
                v->granted = t->granted;
                return v->admitted = true;
        }
        return -1;
}

/* The last resort: an elastic task shrinks itself towards its floor. Refused otherwise, with
 * why it did not fit as requested (`first`). */
static bool by_shrinking_self(struct sched_task *set, size_t n, size_t i,
                              const struct sched_host *h, const char *first,
                              struct sched_verdict *v)
{
        struct sched_task *t = &set[i];
        if (t->elastic && shrink_self(set, n, i, h, v->reason, sizeof(v->reason))) {
                reason_shrunk(t, v);
                v->granted = t->granted;
                return v->admitted = true;
        }
        t->granted = 0;
        if (!t->elastic)
                snprintf(v->reason, sizeof(v->reason), "%s", first);
        return false;
}

/* Tries tasks[i] against the tasks with granted > 0 in set[0..n-1] (i < n). */
static bool admit_alone(struct sched_task *set, size_t n, size_t i, const struct sched_host *h,
                        struct sched_verdict *v)
{
        int r = as_requested(set, n, i, h, v);
        if (r >= 0)
                return r;
        char first[sizeof(v->reason)];
        memcpy(first, v->reason, sizeof(first));
        return by_shrinking_self(set, n, i, h, first, v);
}

bool sched_admit_alone(struct sched_task *set, size_t n, size_t i, const struct sched_host *h,
                       struct sched_verdict *v)
{
        return admit_alone(set, n, i, h, v);
}

size_t sched_admit_batch(struct sched_task *tasks, size_t n, const struct sched_host *h,
                         struct sched_verdict *verdicts)
{
        size_t rejected = 0;
        for (size_t i = 0; i < n; i++)
                tasks[i].granted = 0;
        for (int crit = SCHED_CRIT_CONTROL; crit >= SCHED_CRIT_BEST_EFFORT; crit--)
                for (size_t i = 0; i < n; i++)
                        if ((int)tasks[i].crit == crit &&
                            !admit_alone(tasks, n, i, h, &verdicts[i]))
                                rejected++;
        return rejected;
}

static bool compressible(const struct sched_task *t, int top)
{
        return t->kind != SCHED_KIND_NONE && t->elastic && t->granted > 0 && (int)t->crit <= top;
}

/* Applies the elastic rule with `red` to the group; the others keep what they hold. */
static void compress(struct sched_task *set, const size_t *g, size_t ng, uint64_t red,
                     uint64_t *scratch)
{
        uint64_t *r = scratch, *mn = r + ng, *p = mn + ng, *out = p + ng;
        double *w = (double *)(out + ng);
        for (size_t k = 0; k < ng; k++) {
                r[k] = set[g[k]].runtime;
                mn[k] = set[g[k]].min_runtime;
                p[k] = set[g[k]].period;
                w[k] = set[g[k]].weight;
        }
        sched_elastic(r, mn, p, w, ng, red, out);
        for (size_t k = 0; k < ng; k++)
                set[g[k]].granted = out[k];
}

/* Smallest reduction over the group `top` and below that lets set[n] fit; false when none. */
static bool compress_for(struct sched_task *set, size_t n, int top, const struct sched_host *h,
                         size_t *g, uint64_t *scratch, uint64_t *red_out)
{
        struct cpumask cpus = set[n].cpus;
        size_t ng = 0;
        unsigned __int128 max = 0;
        for (size_t i = 0; i < n; i++) {
                if (!compressible(&set[i], top))
                        continue;
                g[ng++] = i;
                cpumask_or(&cpus, &cpus, &set[i].cpus);
                const struct sched_task *t = &set[i];
                max +=
                    ((unsigned __int128)(t->runtime - t->min_runtime) * SCHED_PPB + t->period - 1) /
                    t->period;
        }
        if (ng == 0)
                return false;
        char why[512];
        uint64_t hi = (uint64_t)max, lo = 0; /* lo does not fit (the newcomer failed there) */
        compress(set, g, ng, hi, scratch);
        if (!fits(set, n + 1, h, &cpus, why, sizeof(why)))
                return false;
        while (hi - lo > 1) {
                uint64_t mid = lo + (hi - lo) / 2;
                compress(set, g, ng, mid, scratch);
                if (fits(set, n + 1, h, &cpus, why, sizeof(why)))
                        hi = mid;
                else
                        lo = mid;
        }
        compress(set, g, ng, hi, scratch);
        *red_out = hi;
        return true;
}

bool sched_admit_online(struct sched_task *tasks, size_t n, const struct sched_host *h,
                        struct sched_verdict *v)
{
        struct sched_task *t = &tasks[n];
        int r = as_requested(tasks, n + 1, n, h, v);
        if (r >= 0)
                return r;
        char first[sizeof(v->reason)];
        memcpy(first, v->reason, sizeof(first));
        _cleanup_free_ uint64_t *saved = malloc(sizeof(uint64_t) * (n + 1));
        _cleanup_free_ size_t *g = malloc(sizeof(size_t) * (n + 1));
        _cleanup_free_ uint64_t *scratch = malloc(sizeof(uint64_t) * 5 * (n + 1));
        if (saved == NULL || g == NULL || scratch == NULL) {
                t->granted = 0;
                snprintf(v->reason, sizeof(v->reason), "out of memory");
                return false;
        }
        for (size_t i = 0; i < n; i++)
                saved[i] = tasks[i].granted;
        for (int top = SCHED_CRIT_BEST_EFFORT; top < (int)t->crit; top++) {
                bool new_members = false;
                for (size_t i = 0; i < n && !new_members; i++)
                        new_members = compressible(&tasks[i], top) && (int)tasks[i].crit == top;
                if (!new_members)
                        continue;
                uint64_t red;
                if (compress_for(tasks, n, top, h, g, scratch, &red)) {
                        double cut = 0; /* what the floored runtimes actually give up */
                        for (size_t i = 0; i < n; i++)
                                cut += ((double)saved[i] - (double)tasks[i].granted) /
                                       (double)tasks[i].period;
                        snprintf(v->reason, sizeof(v->reason),
                                 "fits after compressing elastic containers of class %s and "
                                 "below (utilisation %.3f taken from them)",
                                 sched_crit_name((enum sched_crit)top), cut);
                        v->granted = t->granted;
                        return v->admitted = true;
                }
                for (size_t i = 0; i < n; i++)
                        tasks[i].granted = saved[i];
        }
        return by_shrinking_self(tasks, n + 1, n, h, first, v);
}

size_t sched_restore(struct sched_task *tasks, size_t n, const struct sched_host *h)
{
        size_t changed = 0;
        char why[512];
        for (int crit = SCHED_CRIT_CONTROL; crit >= SCHED_CRIT_BEST_EFFORT; crit--)
                for (size_t i = 0; i < n; i++) {
                        struct sched_task *t = &tasks[i];
                        if ((int)t->crit != crit || t->kind == SCHED_KIND_NONE || t->granted == 0 ||
                            t->granted >= t->runtime)
                                continue;
                        uint64_t old = t->granted;
                        t->granted = t->runtime;
                        if (!fits(tasks, n, h, &t->cpus, why, sizeof(why))) {
                                /* largest whole microsecond in [old, runtime) that fits */
                                uint64_t lo = old, hi = (t->runtime - 1) / SCHED_US * SCHED_US;
                                while (hi > lo) {
                                        uint64_t mid = ceil_us(lo + (hi - lo + 1) / 2);
                                        if (mid > hi)
                                                mid = hi;
                                        t->granted = mid;
                                        if (fits(tasks, n, h, &t->cpus, why, sizeof(why)))
                                                lo = mid;
                                        else
                                                hi = mid - SCHED_US;
                                }
                                t->granted = lo;
                        }
                        changed += t->granted != old;
                }
        return changed;
}
