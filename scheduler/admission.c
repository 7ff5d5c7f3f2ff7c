/* What `create` and `delete` call: one online decision or release under the ledger's lock,
 * with the changes to running containers applied through the runtime's callback (shrinks
 * first, so the kernel's own admission never sees the sum exceed the pool). */
#include "scheduler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

static ssize_t find(const struct sched_ledger *l, const char *root, const char *id)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->v[i].root, root) == 0 && strcmp(l->v[i].task.id, id) == 0)
                        return (ssize_t)i;
        return -1;
}

static void note(const struct sched_ledger *l, const struct rtwarn *warn)
{
        if (l->warning[0])
                rtwarn(warn, "%s", l->warning);
}

/* Moves every entry from its current grant to tasks[i].granted: lowering ones first, then
 * raising ones. On failure, puts the ones already moved back (best effort). */
static int apply_changes(struct sched_ledger *l, const struct sched_task *tasks,
                         sched_apply_fn apply, void *ctx, struct rterr *err)
{
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < l->n; i++) {
                        struct sched_entry *e = &l->v[i];
                        uint64_t to = tasks[i].granted;
                        bool lower = to < e->task.granted;
                        if (to == e->task.granted || lower != (pass == 0))
                                continue;
                        l->counters.compressed += lower;
                        /* the full identity check for what a decision touches: a reused pid
                         * (not yet swept, sched_ledger_open) is another process, not ours */
                        if (e->task.kind == SCHED_KIND_DEADLINE && apply && sched_entry_alive(e) &&
                            apply(e, to, ctx, err) < 0) {
                                for (size_t j = 0; j < i; j++)
                                        if (tasks[j].granted != l->v[j].task.granted)
                                                apply(&l->v[j], l->v[j].task.granted, ctx, NULL);
                                return rterr_wrap(err, "resize reservation of %s", e->task.id);
                        }
                }
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i].task.granted != tasks[i].granted) {
                        l->v[i].task.granted = tasks[i].granted;
                        l->v[i].changed = true;
                }
        return 0;
}

/* Whether the decision lowered any running reservation. */
static bool compresses(const struct sched_ledger *l, const struct sched_task *tasks)
{
        for (size_t i = 0; i < l->n; i++)
                if (tasks[i].granted < l->v[i].task.granted)
                        return true;
        return false;
}

static struct sched_task *tasks_of(const struct sched_ledger *l, size_t extra)
{
        struct sched_task *t = malloc(sizeof(*t) * (l->n + extra));
        if (t != NULL)
                for (size_t i = 0; i < l->n; i++)
                        t[i] = l->v[i].task;
        return t;
}

int sched_admission_reserve(const struct sched_task *t, const struct sched_host *h,
                            const char *root, pid_t pid, sched_apply_fn apply, void *ctx,
                            uint64_t *granted, const struct rtwarn *warn, struct rterr *err)
{
        struct cpumask chosen;
        return sched_admission_reserve_placed(t, NULL, h, root, pid, apply, ctx, granted, &chosen,
                                              warn, err);
}

int sched_admission_cpus(const char *root, const char *id, struct cpumask *cpus, struct rterr *err)
{
        _cleanup_ledger_ struct sched_ledger l = SCHED_LEDGER_INIT;
        if (sched_ledger_snapshot(&l, err) < 0)
                return -1;
        ssize_t i = find(&l, root, id);
        if (i < 0)
                return rterr_set(err, ENOENT, "admission: %s holds no reservation", id);
        *cpus = l.v[i].task.cpus;
        return 0;
}

int sched_admission_reserve_placed(const struct sched_task *t, const struct sched_place_req *req,
                                   const struct sched_host *h, const char *root, pid_t pid,
                                   sched_apply_fn apply, void *ctx, uint64_t *granted,
                                   struct cpumask *chosen, const struct rtwarn *warn,
                                   struct rterr *err)
{
        *granted = 0;
        *chosen = t->cpus;
        if (t->kind == SCHED_KIND_NONE)
                return 0;
        if (strlen(root) >= sizeof(((struct sched_entry *)0)->root) ||
            strlen(t->id) >= sizeof(t->id) - 1)
                return rterr_set(err, ENAMETOOLONG, "admission: id or --root too long");
        struct sched_ledger l;
        _cleanup_free_ struct sched_task *tasks = NULL;
        if (sched_ledger_open(&l, err) < 0)
                return -1;
        note(&l, warn);
        sched_foreign_match(h->foreign, h->n_foreign, l.v, l.n);
        int r = -1;
        if (find(&l, root, t->id) >= 0) {
                rterr_set(err, EEXIST, "admission: container %s already holds a reservation",
                          t->id);
                goto out;
        }
        tasks = tasks_of(&l, 1);
        if (tasks == NULL) {
                rterr_errno(err, "admission");
                goto out;
        }
        /* processes that died without delete freed their share: compressed ones grow first */
        if (l.reclaimed || l.rebuilt)
                sched_restore(tasks, l.n, h);
        tasks[l.n] = *t;
        struct sched_verdict v;
        bool ok = sched_place_online(tasks, l.n, req, h, &v);
        /* refused, or admitted only by compressing someone: first make sure no dead entry
         * holds the capacity (the sweep checks only a window of entries per decision) */
        if ((!ok || compresses(&l, tasks)) && sched_ledger_sweep(&l, true) > 0) {
                free(tasks);
                tasks = tasks_of(&l, 1);
                if (tasks == NULL) {
                        rterr_errno(err, "admission");
                        goto out;
                }
                sched_restore(tasks, l.n, h);
                tasks[l.n] = *t;
                ok = sched_place_online(tasks, l.n, req, h, &v);
        }
        if (!ok) {
                rterr_set(err, EBUSY, "admission: %s rejected: %s", t->id, v.reason);
                /* the refusal is counted, and what loading repaired (reclaimed, rebuilt) is
                 * kept even so */
                struct rterr ignore;
                l.counters.refused++;
                sched_ledger_commit(&l, &ignore);
                goto out;
        }
        if (apply_changes(&l, tasks, apply, ctx, err) < 0)
                goto out;
        struct sched_entry e = {.task = tasks[l.n], .pid = pid, .changed = true};
        e.task.placed = req != NULL && req->place;
        snprintf(e.root, sizeof(e.root), "%s", root);
        e.starttime = sched_proc_starttime(pid);
        e.pidfs_ino = sched_proc_pidfs_ino(pid);
        if (e.starttime == 0) {
                rterr_set(err, ESRCH, "admission: process %d of %s is gone", (int)pid, t->id);
                goto out;
        }
        struct sched_entry *nv = realloc(l.v, sizeof(*nv) * (l.n + 1));
        if (nv == NULL) {
                rterr_errno(err, "admission");
                goto out;
        }
        l.v = nv;
        l.v[l.n++] = e;
        l.counters.admitted++;
        if (sched_ledger_commit(&l, err) < 0)
                goto out;
        *granted = e.task.granted;
        *chosen = e.task.cpus;
        r = 0;
out:
        sched_ledger_close(&l);
        return r;
}

int sched_admission_release(const struct sched_host *h, const char *root, const char *id,
                            sched_apply_fn apply, void *ctx, const struct rtwarn *warn,
                            struct rterr *err)
{
        struct sched_ledger l;
        if (sched_ledger_open(&l, err) < 0)
                return -1;
        note(&l, warn);
        sched_foreign_match(h->foreign, h->n_foreign, l.v, l.n);
        int r = 0;
        ssize_t i = find(&l, root, id);
        if (i >= 0)
                sched_ledger_remove(&l, (size_t)i);
        /* compressed reservations grow back as far as they fit: dead entries must not hold
         * what they could take (the sweep checks only a window per decision) */
        for (size_t k = 0; k < l.n; k++)
                if (l.v[k].task.granted < l.v[k].task.runtime) {
                        sched_ledger_sweep(&l, true);
                        break;
                }
        _cleanup_free_ struct sched_task *tasks = tasks_of(&l, 1);
        if (tasks == NULL) {
                r = rterr_errno(err, "admission");
        } else {
                sched_restore(tasks, l.n, h);
                if (apply_changes(&l, tasks, apply, ctx, err) < 0)
                        r = -1;
        }
        /* dropping the entry (and reclaiming dead ones) is committed even if a resize failed */
        bool dirty = i >= 0 || l.reclaimed || l.rebuilt;
        for (size_t k = 0; k < l.n; k++)
                dirty |= l.v[k].changed;
        struct rterr cerr;
        if (dirty && sched_ledger_commit(&l, &cerr) < 0 && r == 0) {
                *err = cerr;
                r = -1;
        }
        sched_ledger_close(&l);
        return r;
}

int sched_admission_bind(const char *root, const char *id, pid_t pid, struct rterr *err)
{
        struct sched_ledger l;
        if (sched_ledger_open(&l, err) < 0)
                return -1;
        int r = 0;
        ssize_t i = find(&l, root, id);
        if (i < 0) {
                r = rterr_set(err, ENOENT, "admission: %s holds no reservation (reclaimed?)", id);
        } else {
                struct sched_entry *e = &l.v[i];
                e->pid = pid;
                e->starttime = sched_proc_starttime(pid);
                e->pidfs_ino = sched_proc_pidfs_ino(pid);
                e->changed = true;
                if (e->starttime == 0)
                        r = rterr_set(err, ESRCH, "admission: process %d of %s is gone", (int)pid,
                                      id);
                else
                        r = sched_ledger_commit(&l, err);
        }
        sched_ledger_close(&l);
        return r;
}

/* Placed (auto) elastic DEADLINE reservations below control on one CPU: the ones a balanced
 * placement may move (control never moves; CPUs a user named, or a partition of several, are
 * the user's choice). */
static bool movable(const struct sched_task *t)
{
        return t->placed && t->kind == SCHED_KIND_DEADLINE && t->elastic &&
               t->crit < SCHED_CRIT_CONTROL && t->granted > 0 && cpumask_count(&t->cpus) == 1;
}

/* The plan: the movable reservations placed again (batch placement, exact for small sets), the
 * others where they are. Kept only when it admits every reservation with at least its grant. */
static int plan(const struct sched_ledger *l, const struct sched_task *tasks,
                const struct sched_host *h, struct sched_rebalance *out, struct rterr *err)
{
        size_t n = l->n;
        _cleanup_free_ struct sched_task *t = malloc(sizeof(*t) * (n + 1));
        _cleanup_free_ struct sched_place_req *req = calloc(n + 1, sizeof(*req));
        _cleanup_free_ struct sched_verdict *v = calloc(n + 1, sizeof(*v));
        if (t == NULL || req == NULL || v == NULL)
                return rterr_errno(err, "admission rebalance");
        memcpy(t, tasks, sizeof(*t) * n);
        for (size_t i = 0; i < n; i++)
                if (movable(&tasks[i])) {
                        req[i].place = true;
                        req[i].count = 1;
                        req[i].pool = h->cpus;
                }
        sched_place_batch(t, req, n, h, SCHED_PLACE_EXACT_BUDGET, v, NULL);
        sched_place_score_of(t, n, h, &out->plan);
        out->plan_keeps_all = true;
        for (size_t i = 0; i < n; i++)
                if (tasks[i].granted > 0 && t[i].granted < tasks[i].granted)
                        out->plan_keeps_all = false;
        if (!out->plan_keeps_all || sched_place_score_cmp(&out->plan, &out->after) <= 0)
                return 0;
        out->moves = calloc(n + 1, sizeof(*out->moves));
        if (out->moves == NULL)
                return rterr_errno(err, "admission rebalance");
        for (size_t i = 0; i < n; i++) {
                if (!req[i].place || cpumask_equal(&t[i].cpus, &tasks[i].cpus))
                        continue;
                struct sched_move *m = &out->moves[out->n_moves++];
                snprintf(m->id, sizeof(m->id), "%s", tasks[i].id);
                snprintf(m->root, sizeof(m->root), "%s", l->v[i].root);
                m->from = tasks[i].cpus;
                m->to = t[i].cpus;
        }
        return 0;
}

int sched_admission_rebalance(const struct sched_host *h, sched_apply_fn apply, void *ctx,
                              const struct rtwarn *warn, struct sched_rebalance *out,
                              struct rterr *err)
{
        memset(out, 0, sizeof(*out));
        struct sched_ledger l;
        if (sched_ledger_open(&l, err) < 0)
                return -1;
        note(&l, warn);
        sched_foreign_match(h->foreign, h->n_foreign, l.v, l.n);
        int r = -1;
        sched_ledger_sweep(&l, true);
        out->reclaimed = l.reclaimed;
        _cleanup_free_ struct sched_task *tasks = tasks_of(&l, 1);
        if (tasks == NULL) {
                rterr_errno(err, "admission rebalance");
                goto out;
        }
        sched_place_score_of(tasks, l.n, h, &out->before);
        sched_restore(tasks, l.n, h);
        for (size_t i = 0; i < l.n; i++)
                out->raised += tasks[i].granted > l.v[i].task.granted;
        if (apply_changes(&l, tasks, apply, ctx, err) < 0)
                goto out;
        bool dirty = l.reclaimed || l.rebuilt;
        for (size_t i = 0; i < l.n; i++)
                dirty |= l.v[i].changed;
        if (dirty && sched_ledger_commit(&l, err) < 0)
                goto out;
        sched_place_score_of(tasks, l.n, h, &out->after);
        r = plan(&l, tasks, h, out, err);
out:
        sched_ledger_close(&l);
        return r;
}

/* Whether entry k of `base` (n tasks, k moved to the end) fits with runtime r by the online
 * decision; on success `out` holds the grants (k last). */
static bool grow_fits(const struct sched_task *base, size_t n, size_t k, uint64_t r,
                      const struct sched_host *h, struct sched_task *out)
{
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
                if (i != k)
                        out[j++] = base[i];
        out[n - 1] = base[k];
        out[n - 1].runtime = r;
        out[n - 1].granted = 0;
        if (out[n - 1].min_runtime > r)
                out[n - 1].min_runtime = r;
        struct sched_verdict v;
        /* as its own request: it must fit at r itself, compressing lower classes if need be */
        out[n - 1].elastic = false;
        bool ok = sched_admit_online(out, n - 1, h, &v) && out[n - 1].granted == r;
        out[n - 1].elastic = base[k].elastic;
        return ok;
}

int sched_admission_grow(const struct sched_host *h, const char *root, const char *id,
                         sched_apply_fn apply, void *ctx, const struct rtwarn *warn,
                         uint64_t *granted, struct rterr *err)
{
        struct sched_ledger l;
        if (sched_ledger_open(&l, err) < 0)
                return -1;
        note(&l, warn);
        sched_foreign_match(h->foreign, h->n_foreign, l.v, l.n);
        int r = -1;
        _cleanup_free_ struct sched_task *base = NULL, *best = NULL, *try = NULL;
        ssize_t k = find(&l, root, id);
        if (k < 0) {
                rterr_set(err, ENOENT, "admission: %s holds no reservation", id);
                goto out;
        }
        const struct sched_task *me = &l.v[k].task;
        *granted = me->granted;
        if (me->kind != SCHED_KIND_DEADLINE || !me->elastic || me->granted >= me->runtime) {
                r = 0;
                goto out;
        }
        base = tasks_of(&l, 1);
        best = tasks_of(&l, 1);
        try = tasks_of(&l, 1);
        if (base == NULL || best == NULL || try == NULL) {
                rterr_errno(err, "admission");
                goto out;
        }
        /* bisection on whole microseconds in (granted, runtime]: fitting is monotone in r */
        uint64_t lo = me->granted, hi = me->runtime;
        bool found = false;
        if (grow_fits(base, l.n, (size_t)k, hi, h, try)) {
                memcpy(best, try, sizeof(*best) * l.n);
                lo = hi;
                found = true;
        } else {
                hi = (hi - 1) / SCHED_US * SCHED_US;
                while (hi > lo) {
                        uint64_t mid =
                            lo + ((hi - lo + SCHED_US - 1) / SCHED_US + 1) / 2 * SCHED_US;
                        if (mid > hi)
                                mid = hi;
                        if (grow_fits(base, l.n, (size_t)k, mid, h, try)) {
                                memcpy(best, try, sizeof(*best) * l.n);
                                lo = mid;
                                found = true;
                        } else {
                                hi = mid - SCHED_US;
                        }
                }
        }
        if (!found) {
                r = 0;
                goto out;
        }
        /* back to ledger order: best holds the others in order, then k */
        struct sched_task mine = best[l.n - 1];
        memmove(&best[k + 1], &best[k], sizeof(*best) * (l.n - 1 - (size_t)k));
        best[k] = mine;
        best[k].runtime = l.v[k].task.runtime;
        best[k].min_runtime = l.v[k].task.min_runtime;
        best[k].granted = lo;
        if (apply_changes(&l, best, apply, ctx, err) < 0)
                goto out;
        if (sched_ledger_commit(&l, err) < 0)
                goto out;
        *granted = lo;
        r = 0;
out:
        sched_ledger_close(&l);
        return r;
}
