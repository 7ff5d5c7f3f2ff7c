/* Admission control in the lifecycle (runtime/admission.h). */
#include "runtime/admission.h"

#include <errno.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/rt.h"
#include "runtime/log.h"
#include "scheduler/scheduler.h"

static int resize(const struct sched_entry *e, uint64_t runtime, void *ctx, struct rterr *err)
{
        const struct runtime_ctx *g = ctx;
        log_msg(g, LOG_INFO, "admission: %s runtime %llu -> %llu ns", e->task.id,
                (unsigned long long)e->task.granted, (unsigned long long)runtime);
        return rt_deadline_set_runtime(e->pid, runtime, err);
}

static bool real_time(const struct oci_spec *spec)
{
        int policy = spec->process.scheduler.set ? spec->process.scheduler.policy : SCHED_OTHER;
        return policy == SCHED_DEADLINE || policy == SCHED_FIFO || policy == SCHED_RR;
}

int admission_host_read(struct sched_host *h, struct rterr *err)
{
        struct rt_host_capacity c;
        char online[CPULIST_MAX];
        memset(h, 0, sizeof(*h));
        if (rt_host_capacity_read(&c, err) < 0)
                return -1;
        int r = sched_host_from_values(h, c.rt_runtime_us, c.rt_period_us,
                                       cpumask_format(&c.online, online, sizeof(online)),
                                       c.fs_runtime, c.fs_period, err);
        snprintf(h->fs_source, sizeof(h->fs_source), "%s", c.fs_source);
        h->dl_period_min = c.dl_period_min_us * 1000;
        h->dl_period_max = c.dl_period_max_us * 1000;
        h->foreign = r == 0 ? calloc(c.n_dl_tasks + 1, sizeof(*h->foreign)) : NULL;
        if (r == 0 && h->foreign == NULL)
                r = rterr_errno(err, "host capacity");
        for (size_t i = 0; r == 0 && i < c.n_dl_tasks; i++) {
                const struct rt_host_dl_task *t = &c.dl_tasks[i];
                struct sched_foreign *f = &h->foreign[h->n_foreign++];
                f->pid = t->pid;
                f->tid = t->tid;
                memcpy(f->comm, t->comm, sizeof(f->comm));
                f->runtime = t->runtime;
                f->deadline = t->deadline;
                f->period = t->period;
                f->span = t->span;
                memcpy(f->ancestors, t->ancestors, sizeof(f->ancestors));
                f->n_ancestors = t->n_ancestors;
                f->counted = true;
        }
        rt_host_capacity_free(&c);
        return r;
}

void admission_host_free(struct sched_host *h)
{
        free(h->foreign);
        h->foreign = NULL;
        h->n_foreign = 0;
}

/* The CPUs admission chose become linux.resources.cpu.cpus, so the cpuset, the partition and
 * the affinity are made from them exactly as if the user had named them. */
static int use_chosen_cpus(const struct runtime_ctx *g, const char *id, struct oci_spec *spec,
                           const struct cpumask *chosen, struct rterr *err)
{
        char list[CPULIST_MAX];
        cpumask_format(chosen, list, sizeof(list));
        char *copy = strdup(list);
        if (copy == NULL)
                return rterr_errno(err, "admission");
        free(spec->linux_.resources.cpu.cpus);
        spec->linux_.resources.cpu.cpus = copy;
        spec->linux_.resources.cpu.set = true;
        spec->has_linux = true;
        log_msg(g, LOG_INFO, "admission: %s placed on CPUs %s (%s)", id, list,
                SCHED_PLACE_ANNOTATION);
        return 0;
}

/* `placed_cpus`: an exec into a container whose CPUs admission chose; spec's cpus are those
 * (from the ledger) and its org.rtrun.cpus annotation is not asked again. */
static int reserve(const struct runtime_ctx *g, const char *id, struct oci_spec *spec,
                   bool placed_cpus, bool *reserved, struct rterr *err)
{
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        struct sched_task t;
        struct rtwarn warn = log_warn_sink(g);
        uint64_t granted;
        *reserved = false;
        if (!real_time(spec))
                return 0; /* nothing to analyse: no kernel or ledger work for ordinary ones */
        if (strlen(id) >= sizeof(t.id))
                return rterr_set(err, ENAMETOOLONG, "admission: container id too long");
        struct sched_place_req place = {0};
        struct cpumask chosen;
        if (admission_host_read(&h, err) < 0 || sched_task_from_spec(spec, id, &h, &t, err) < 0 ||
            (!placed_cpus && sched_place_req_from_spec(spec, &t, &h, &place, err) < 0))
                return rterr_wrap(err, "admission");
        if (placed_cpus)
                place.place = false;
        if (t.kind == SCHED_KIND_NONE)
                return 0;
        if (place.place)
                t.cpus = place.pool;
        int r = sched_admission_reserve_placed(&t, &place, &h, g->root, getpid(), resize, (void *)g,
                                               &granted, &chosen, &warn, err);
        if (r < 0)
                return -1;
        *reserved = true;
        if (place.place && use_chosen_cpus(g, id, spec, &chosen, err) < 0) {
                admission_release(g, id, spec);
                *reserved = false;
                return -1;
        }
        if (t.kind == SCHED_KIND_DEADLINE && granted != t.runtime) {
                log_msg(g, LOG_INFO, "admission: %s granted runtime %llu of %llu ns (elastic)", id,
                        (unsigned long long)granted, (unsigned long long)t.runtime);
                spec->process.scheduler.runtime = granted;
        }
        return 0;
}

int admission_reserve(const struct runtime_ctx *g, const char *id, struct oci_spec *spec,
                      bool *reserved, struct rterr *err)
{
        return reserve(g, id, spec, false, reserved, err);
}

int admission_reserve_exec(const struct runtime_ctx *g, const char *id, const struct oci_spec *spec,
                           struct oci_process *p, char *aid, size_t aid_size, bool *reserved,
                           struct rterr *err)
{
        *reserved = false;
        if (!p->scheduler.set || p->scheduler.policy != SCHED_DEADLINE)
                return 0;
        snprintf(aid, aid_size, "%s/exec-%d", id, (int)getpid());
        /* the container's config seen with the exec'd process in place of its own */
        struct oci_spec view = *spec;
        view.has_process = true;
        view.process = *p;
        /* a container whose CPUs admission chose: the exec'd process runs on those */
        _cleanup_free_ char *chosen = NULL;
        const char *cpus = spec->has_linux ? spec->linux_.resources.cpu.cpus : NULL;
        bool placed =
            oci_annotation(spec, SCHED_PLACE_ANNOTATION) != NULL && (cpus == NULL || !*cpus);
        if (placed) {
                struct cpumask m;
                char list[CPULIST_MAX];
                struct rterr e;
                /* none held: the container is not real-time (nothing was placed), so its
                 * cgroup has every CPU and so does the exec'd process */
                if (sched_admission_cpus(g->root, id, &m, &e) == 0) {
                        chosen = strdup(cpumask_format(&m, list, sizeof(list)));
                        if (chosen == NULL)
                                return rterr_errno(err, "exec");
                        view.has_linux = true;
                        view.linux_.resources.cpu.cpus = chosen;
                } else if (e.code != ENOENT) {
                        *err = e;
                        return rterr_wrap(err, "exec: the CPUs admission chose for %s", id);
                }
        }
        int r = reserve(g, aid, &view, placed, reserved, err);
        p->scheduler.runtime = view.process.scheduler.runtime;
        return r;
}

int admission_bind(const struct runtime_ctx *g, const char *id, pid_t pid, struct rterr *err)
{
        return sched_admission_bind(g->root, id, pid, err);
}

void admission_release(const struct runtime_ctx *g, const char *id, const struct oci_spec *spec)
{
        if (spec != NULL && !real_time(spec))
                return;
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        struct rterr err = {0};
        struct rtwarn warn = log_warn_sink(g);
        if (admission_host_read(&h, &err) < 0 ||
            sched_admission_release(&h, g->root, id, resize, (void *)g, &warn, &err) < 0)
                log_msg(g, LOG_WARN, "admission: release %s: %s", id, err.msg);
}

int admission_rebalance(const struct runtime_ctx *g, struct sched_rebalance *out, struct rterr *err)
{
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        struct rtwarn warn = log_warn_sink(g);
        if (admission_host_read(&h, err) < 0)
                return rterr_wrap(err, "admission rebalance");
        return sched_admission_rebalance(&h, resize, (void *)g, &warn, out, err);
}

static uint64_t sum_exec_ns(pid_t pid);

uint64_t admission_age_ns(uint64_t starttime)
{
        FILE *f = fopen("/proc/uptime", "re");
        double up = 0;
        long tck = sysconf(_SC_CLK_TCK);
        if (f == NULL)
                return 0;
        if (fscanf(f, "%lf", &up) != 1)
                up = 0;
        fclose(f);
        double start = tck > 0 ? (double)starttime / (double)tck : 0;
        return up > start ? (uint64_t)((up - start) * 1e9) : 0;
}

uint64_t admission_cpu_time_ns(pid_t pid)
{
        return sum_exec_ns(pid);
}

/* se.sum_exec_runtime of /proc/PID/sched (milliseconds with six decimals) in ns; 0 when gone. */
static uint64_t sum_exec_ns(pid_t pid)
{
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/%d/sched", (int)pid);
        FILE *f = fopen(path, "re");
        if (f == NULL)
                return 0;
        uint64_t ns = 0;
        while (fgets(line, sizeof(line), f)) {
                unsigned long long whole = 0, frac = 0;
                if (strncmp(line, "se.sum_exec_runtime", 19) != 0)
                        continue;
                const char *colon = strchr(line, ':');
                if (colon && sscanf(colon + 1, " %llu.%6llu", &whole, &frac) >= 1)
                        ns = (uint64_t)whole * 1000000 + (uint64_t)frac;
                break;
        }
        fclose(f);
        return ns;
}

int admission_adjust(const struct runtime_ctx *g, unsigned window_ms,
                     struct admission_measure **out, size_t *n, struct rterr *err)
{
        *out = NULL;
        *n = 0;
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        struct rtwarn warn = log_warn_sink(g);
        if (admission_host_read(&h, err) < 0)
                return rterr_wrap(err, "admission adjust");
        _cleanup_free_ struct admission_measure *m = NULL;
        _cleanup_free_ pid_t *pid = NULL;
        _cleanup_free_ uint64_t *t0 = NULL;
        size_t k = 0;
        {
                _cleanup_ledger_ struct sched_ledger l = SCHED_LEDGER_INIT;
                if (sched_ledger_snapshot(&l, err) < 0)
                        return -1;
                m = calloc(l.n + 1, sizeof(*m));
                pid = calloc(l.n + 1, sizeof(*pid));
                t0 = calloc(l.n + 1, sizeof(*t0));
                if (m == NULL || pid == NULL || t0 == NULL)
                        return rterr_errno(err, "admission adjust");
                for (size_t i = 0; i < l.n; i++) {
                        const struct sched_task *t = &l.v[i].task;
                        if (t->kind != SCHED_KIND_DEADLINE || !sched_entry_alive(&l.v[i]))
                                continue;
                        snprintf(m[k].id, sizeof(m[k].id), "%s", t->id);
                        snprintf(m[k].root, sizeof(m[k].root), "%s", l.v[i].root);
                        m[k].runtime = t->runtime;
                        m[k].granted = m[k].before = t->granted;
                        m[k].period = t->period;
                        m[k].elastic = t->elastic;
                        pid[k] = l.v[i].pid;
                        t0[k] = sum_exec_ns(pid[k]);
                        k++;
                }
        }
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        struct timespec w = {window_ms / 1000, (long)(window_ms % 1000) * 1000000L};
        while (nanosleep(&w, &w) < 0 && errno == EINTR)
                ;
        clock_gettime(CLOCK_MONOTONIC, &b);
        uint64_t elapsed =
            (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000ull + (uint64_t)(b.tv_nsec - a.tv_nsec);
        for (size_t i = 0; i < k; i++) {
                uint64_t t1 = sum_exec_ns(pid[i]);
                uint64_t used = t1 > t0[i] ? t1 - t0[i] : 0;
                m[i].demand =
                    elapsed ? (uint64_t)((unsigned __int128)used * m[i].period / elapsed) : 0;
                /* the kernel throttles at the grant: using 95% of it means it wants more */
                if (!m[i].elastic || m[i].granted >= m[i].runtime ||
                    m[i].demand * 100 < m[i].granted * 95)
                        continue;
                uint64_t granted = m[i].granted;
                struct rterr e;
                if (sched_admission_grow(&h, m[i].root, m[i].id, resize, (void *)g, &warn, &granted,
                                         &e) < 0) {
                        log_msg(g, LOG_WARN, "admission adjust: %s: %s", m[i].id, e.msg);
                        continue;
                }
                m[i].grown = granted > m[i].granted;
                m[i].granted = granted;
        }
        *out = m;
        *n = k;
        m = NULL;
        return 0;
}
