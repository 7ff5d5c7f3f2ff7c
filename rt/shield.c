/* CPU shielding (what `cset shield` and `tuna` do): every movable task, kernel threads
 * included, every IRQ and the unbound workqueues leave the shielded CPUs for the housekeeping
 * ones. Everything changed is recorded in RT_STATE_DIR/shield before it is changed:
 *   shield  CPUS        -                      the pool
 *   task    TID         STARTTIME ORIG SET     a thread's affinity
 *   file    PATH        ORIG                   an IRQ or workqueue mask
 * Release writes back what is still as rtrun left it, and gives every thread born while the
 * shield was up (it inherited a narrowed mask from its parent, and is recorded nowhere) whose
 * mask equals one that shield handed out the mask that one replaced. Re-running shield skips
 * what is already recorded, so it is idempotent and finishes an interrupted run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"

#define STATE_NAME "shield"

struct shield_stats {
        unsigned tasks_moved, tasks_pinned, tasks_refused;
        unsigned irqs_moved, irqs_refused;
};

static uint64_t task_starttime(pid_t tid)
{
        char path[64];
        _cleanup_free_ char *text = NULL;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return 0;
        const char *p = strrchr(text, ')');
        for (int field = 2; field < 22 && p; field++)
                p = strchr(p + 1, ' ');
        return p ? strtoull(p + 1, NULL, 10) : 0;
}

static int shield_task(struct rt_state *st, pid_t tid, const struct cpumask *pool,
                       struct shield_stats *ss, struct rterr *err)
{
        char key[32], b[2 * CPULIST_MAX + 32], orig[CPULIST_MAX], set[CPULIST_MAX];
        snprintf(key, sizeof(key), "%d", (int)tid);
        struct cpumask cur, want;
        if (rt_affinity_get(tid, &cur, NULL) < 0 || !cpumask_intersects(&cur, pool))
                return 0;
        cpumask_andnot(&want, &cur, pool);
        if (cpumask_empty(&want)) {
                ss->tasks_pinned++; /* bound to the pool on purpose: per-CPU threads, RT work */
                return 0;
        }
        uint64_t start = task_starttime(tid);
        struct rt_state_entry *e = rt_state_find(st, "task", key);
        if (e && strtoull(e->b, NULL, 10) != start) {
                rt_state_remove(st, e); /* an old entry for a reused tid */
                e = NULL;
        }
        if (e == NULL) {
                snprintf(b, sizeof(b), "%" PRIu64 " %s %s", start,
                         cpumask_format(&cur, orig, sizeof(orig)),
                         cpumask_format(&want, set, sizeof(set)));
                if (rt_state_add(st, "task", key, b, err) < 0)
                        return -1;
        }
        struct rterr e2;
        if (rt_affinity_set(tid, &want, &e2) < 0) {
                /* PF_NO_SETAFFINITY kernel threads (EINVAL), DEADLINE tasks (EBUSY/EPERM),
                 * tasks gone meanwhile (ESRCH) keep what they have. */
                ss->tasks_refused++;
                if (e == NULL)
                        rt_state_remove(st, &st->v[st->n - 1]);
                return 0;
        }
        ss->tasks_moved++;
        return 0;
}

static int shield_tasks(struct rt_state *st, const struct cpumask *pool, struct shield_stats *ss,
                        struct rterr *err)
{
        _cleanup_closedir_ DIR *proc = opendir("/proc");
        if (proc == NULL)
                return rterr_errno(err, "open /proc");
        struct dirent *pe;
        while ((pe = readdir(proc)) != NULL) {
                pid_t pid = (pid_t)atoi(pe->d_name);
                if (pid <= 0)
                        continue;
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
                _cleanup_closedir_ DIR *td = opendir(path);
                struct dirent *te;
                while (td && (te = readdir(td)) != NULL) {
                        pid_t tid = (pid_t)atoi(te->d_name);
                        if (tid > 0 && shield_task(st, tid, pool, ss, err) < 0)
                                return -1;
                }
        }
        return 0;
}

/* A mask file: cpulist (smp_affinity_list) or hex (default_smp_affinity, workqueue cpumask). */
static int shield_file(struct rt_state *st, const char *path, bool hex, const struct cpumask *pool,
                       const struct cpumask *housekeeping, struct shield_stats *ss,
                       struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
                return 0;
        text[strcspn(text, "\n")] = '\0';
        struct cpumask cur, want;
        if ((hex ? cpumask_parse_hex(text, &cur, NULL) : cpumask_parse(text, &cur, NULL)) < 0 ||
            !cpumask_intersects(&cur, pool))
                return 0;
        cpumask_andnot(&want, &cur, pool);
        if (cpumask_empty(&want))
                want = *housekeeping;
        bool recorded = rt_state_find(st, "file", path) != NULL;
        if (!recorded && rt_state_add(st, "file", path, text, err) < 0)
                return -1;
        char buf[CPULIST_MAX];
        const char *v = hex ? cpumask_format_hex(&want, buf, sizeof(buf))
                            : cpumask_format(&want, buf, sizeof(buf));
        if (write_file_at(AT_FDCWD, path, v, NULL) < 0) {
                ss->irqs_refused++; /* managed or per-CPU interrupts cannot move (EIO) */
                if (!recorded)
                        rt_state_remove(st, &st->v[st->n - 1]);
                return 0;
        }
        ss->irqs_moved++;
        return 0;
}

static int shield_irqs(struct rt_state *st, const struct cpumask *pool, const struct cpumask *hk,
                       struct shield_stats *ss, struct rterr *err)
{
        if (shield_file(st, "/proc/irq/default_smp_affinity", true, pool, hk, ss, err) < 0 ||
            shield_file(st, "/sys/devices/virtual/workqueue/cpumask", true, pool, hk, ss, err) < 0)
                return -1;
        _cleanup_closedir_ DIR *d = opendir("/proc/irq");
        if (d == NULL)
                return 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
                char path[RT_PATH];
                if (atoi(e->d_name) <= 0 && strcmp(e->d_name, "0") != 0)
                        continue;
                if (rt_pathf(path, sizeof(path), "/proc/irq/%s/smp_affinity_list", e->d_name) ==
                        0 &&
                    shield_file(st, path, false, pool, hk, ss, err) < 0)
                        return -1;
        }
        return 0;
}

int rt_shield(const struct cpumask *pool, struct rterr *err)
{
        char list[CPULIST_MAX];
        struct cpumask online, hk;
        if (rt_cpus_online(&online, err) < 0)
                return -1;
        cpumask_format(pool, list, sizeof(list));
        if (cpumask_empty(pool) || !cpumask_subset(pool, &online))
                return rterr_set(err, EINVAL, "cpus shield %s: not a set of online CPUs", list);
        cpumask_andnot(&hk, &online, pool);
        if (cpumask_empty(&hk))
                return rterr_set(err, EINVAL,
                                 "cpus shield %s: at least one online CPU must stay for "
                                 "housekeeping",
                                 list);
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        struct rt_state_entry *cur = rt_state_find(&st, "shield", NULL);
        if (cur && strcmp(cur->a, list) != 0) {
                rterr_set(err, EBUSY, "CPUs %s are shielded already; `rtrun cpus release` first",
                          cur->a);
                rt_state_close(&st);
                return -1;
        }
        struct shield_stats ss = {0};
        int r = cur ? 0 : rt_state_add(&st, "shield", list, NULL, err);
        /* Record the pool before touching anything: a crash leaves something to release. */
        if (r == 0)
                r = rt_state_save(&st, err);
        if (r == 0)
                r = shield_irqs(&st, pool, &hk, &ss, err);
        if (r == 0)
                r = shield_tasks(&st, pool, &ss, err);
        if (rt_state_save(&st, r < 0 ? NULL : err) < 0)
                r = -1;
        rt_state_close(&st);
        if (r == 0)
                printf("shielded CPUs %s: %u threads moved, %u bound to them left, %u refused "
                       "(kernel per-CPU threads); %u IRQ/workqueue masks moved, %u refused\n",
                       list, ss.tasks_moved, ss.tasks_pinned, ss.tasks_refused, ss.irqs_moved,
                       ss.irqs_refused);
        return r;
}

static void release_task(const struct rt_state_entry *e)
{
        pid_t tid = (pid_t)atoi(e->a);
        char orig[CPULIST_MAX], set[CPULIST_MAX];
        uint64_t start;
        if (sscanf(e->b, "%" SCNu64 " %4095s %4095s", &start, orig, set) != 3 ||
            task_starttime(tid) != start)
                return; /* gone, or the tid was reused */
        struct cpumask cur, want, o;
        if (rt_affinity_get(tid, &cur, NULL) < 0 || cpumask_parse(set, &want, NULL) < 0 ||
            cpumask_parse(orig, &o, NULL) < 0)
                return;
        /* Only what is still as rtrun left it: a later explicit change wins. */
        if (cpumask_equal(&cur, &want))
                rt_affinity_set(tid, &o, NULL);
}

/* The masks shield gave to threads and each one's mask before: a thread forked while the shield
 * was up inherited its parent's narrowed mask without being recorded. */
struct narrowed {
        struct cpumask set, orig;
};
struct born_ctx {
        struct rt_state *st;
        struct narrowed *v;
        size_t n;
        unsigned widened;
};

static int collect_narrowed(struct born_ctx *b)
{
        for (size_t i = 0; i < b->st->n; i++) {
                const struct rt_state_entry *e = &b->st->v[i];
                char orig[CPULIST_MAX], set[CPULIST_MAX];
                uint64_t start;
                struct narrowed m;
                if (strcmp(e->kind, "task") != 0 ||
                    sscanf(e->b, "%" SCNu64 " %4095s %4095s", &start, orig, set) != 3 ||
                    cpumask_parse(orig, &m.orig, NULL) < 0 || cpumask_parse(set, &m.set, NULL) < 0)
                        continue;
                bool known = false;
                for (size_t k = 0; k < b->n && !known; k++)
                        known = cpumask_equal(&b->v[k].set, &m.set);
                if (known)
                        continue;
                struct narrowed *nv = realloc(b->v, (b->n + 1) * sizeof(*nv));
                if (nv == NULL)
                        return -1;
                b->v = nv;
                b->v[b->n++] = m;
        }
        return 0;
}

/* A thread not recorded whose mask is one that shield handed out gets that mask's original. */
static void widen_born(struct born_ctx *b, pid_t tid)
{
        char key[32];
        snprintf(key, sizeof(key), "%d", (int)tid);
        struct rt_state_entry *e = rt_state_find(b->st, "task", key);
        struct cpumask cur;
        if (e != NULL || rt_affinity_get(tid, &cur, NULL) < 0)
                return;
        for (size_t k = 0; k < b->n; k++) {
                if (cpumask_equal(&cur, &b->v[k].set)) {
                        if (rt_affinity_set(tid, &b->v[k].orig, NULL) == 0)
                                b->widened++;
                        return;
                }
        }
}

static unsigned release_born(struct rt_state *st)
{
        struct born_ctx b = {.st = st};
        _cleanup_closedir_ DIR *proc = opendir("/proc");
        if (collect_narrowed(&b) < 0 || b.n == 0 || proc == NULL) {
                free(b.v);
                return 0;
        }
        for (struct dirent *pe; (pe = readdir(proc)) != NULL;) {
                pid_t pid = (pid_t)atoi(pe->d_name);
                char path[64];
                if (pid <= 0)
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
                _cleanup_closedir_ DIR *td = opendir(path);
                for (struct dirent *te; td && (te = readdir(td)) != NULL;) {
                        pid_t tid = (pid_t)atoi(te->d_name);
                        if (tid > 0)
                                widen_born(&b, tid);
                }
        }
        free(b.v);
        return b.widened;
}

int rt_shield_release(struct rterr *err)
{
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        unsigned born = release_born(&st);
        unsigned tasks = 0, files = 0, failed = 0;
        for (size_t i = st.n; i-- > 0;) {
                struct rt_state_entry *e = &st.v[i];
                if (strcmp(e->kind, "task") == 0) {
                        release_task(e);
                        tasks++;
                } else if (strcmp(e->kind, "file") == 0) {
                        struct rterr e2;
                        if (write_file_at(AT_FDCWD, e->a, e->b, &e2) < 0 && e2.code != ENOENT)
                                failed++;
                        files++;
                }
        }
        st.n = 0;
        int r = rt_state_save(&st, err);
        rt_state_close(&st);
        if (r == 0)
                printf("released: %u thread affinities and %u IRQ/workqueue masks restored, "
                       "%u threads born during the shield widened%s\n",
                       tasks, files, born, failed ? " (some masks could not be written back)" : "");
        return r;
}

int rt_shield_pool(struct cpumask *out, struct rterr *err)
{
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        struct rt_state_entry *e = rt_state_find(&st, "shield", NULL);
        int r = e ? cpumask_parse(e->a, out, err) : (cpumask_zero(out), 0);
        rt_state_close(&st);
        return r;
}
