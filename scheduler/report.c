/* The result document of `rtrun admission check` (issue 5):
 * {"containers": [{"id", "admitted", "granted_runtime" (analysed and admitted only),
 *   "reason"}], "cpus": [{"cpu", "capacity", "utilisation", "containers": [ids]}]}.
 * A CPU's utilisation counts a DEADLINE reservation on a partition of m CPUs as granted /
 * period / m on each, a timed FIFO/RR task as wcet / period on its CPU. */
#include "scheduler/internal.h"

#include <stdlib.h>

double sched_cpu_utilisation(const struct sched_task *tasks, size_t n, int cpu)
{
        double u = 0;
        for (size_t i = 0; i < n; i++) {
                const struct sched_task *t = &tasks[i];
                if (t->kind == SCHED_KIND_NONE || t->kind == SCHED_KIND_UNTIMED_FP ||
                    t->granted == 0 || !cpumask_test(&t->cpus, cpu))
                        continue;
                u += (double)t->granted / (double)t->period / cpumask_count(&t->cpus);
        }
        return u;
}

static void cpus_gen(yajl_gen g, const struct sched_task *tasks, size_t n,
                     const struct sched_host *h)
{
        gen_str(g, "cpus");
        yajl_gen_array_open(g);
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu)) {
                if (!cpumask_test(&h->cpus, cpu))
                        continue;
                yajl_gen_map_open(g);
                gen_key_int(g, "cpu", cpu);
                gen_key_dbl(g, "capacity", sched_host_capacity_cpu(h, cpu));
                gen_key_dbl(g, "foreign", sched_host_foreign_on(h, cpu));
                gen_key_dbl(g, "utilisation", sched_cpu_utilisation(tasks, n, cpu));
                gen_str(g, "containers");
                yajl_gen_array_open(g);
                for (size_t i = 0; i < n; i++)
                        if (tasks[i].kind != SCHED_KIND_NONE && tasks[i].granted > 0 &&
                            cpumask_test(&tasks[i].cpus, cpu))
                                gen_str(g, tasks[i].id);
                yajl_gen_array_close(g);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
}

/* DEADLINE threads outside the ledger that the decisions charged to their root domains. */
static void foreign_gen(yajl_gen g, const struct sched_host *h)
{
        gen_str(g, "foreign_deadline");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < h->n_foreign; i++) {
                const struct sched_foreign *f = &h->foreign[i];
                char span[CPULIST_MAX];
                if (!f->counted)
                        continue;
                yajl_gen_map_open(g);
                gen_key_int(g, "pid", f->pid);
                gen_key_int(g, "tid", f->tid);
                gen_key(g, "comm", f->comm);
                gen_key_int(g, "runtime", (long long)f->runtime);
                gen_key_int(g, "deadline", (long long)f->deadline);
                gen_key_int(g, "period", (long long)f->period);
                gen_key(g, "root_domain", cpumask_format(&f->span, span, sizeof(span)));
                gen_key_dbl(g, "utilisation",
                            f->period ? (double)f->runtime / (double)f->period : 0);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
}

char *sched_report_json(const struct sched_task *tasks, const struct sched_verdict *v, size_t n,
                        const struct sched_host *h)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (g == NULL)
                return NULL;
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_map_open(g);
        gen_str(g, "containers");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++) {
                yajl_gen_map_open(g);
                gen_key(g, "id", tasks[i].id);
                gen_key_bool(g, "admitted", v[i].admitted);
                if (v[i].admitted && tasks[i].kind != SCHED_KIND_NONE)
                        gen_key_int(g, "granted_runtime", (long long)tasks[i].granted);
                gen_key(g, "reason", v[i].reason);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        cpus_gen(g, tasks, n, h);
        yajl_gen_map_close(g);
        char *s = gen_copy(g);
        yajl_gen_free(g);
        return s;
}

char *sched_status_json(const struct sched_entry *e, size_t n, const bool *alive,
                        const struct sched_host *h)
{
        struct sched_task *live = calloc(n + 1, sizeof(*live));
        yajl_gen g = yajl_gen_alloc(NULL);
        char *s = NULL;
        if (g == NULL || live == NULL)
                goto out;
        size_t nl = 0;
        for (size_t i = 0; i < n; i++)
                if (alive[i])
                        live[nl++] = e[i].task;
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_map_open(g);
        gen_str(g, "host");
        yajl_gen_map_open(g);
        gen_key_dbl(g, "bandwidth", h->bandwidth);
        gen_key_dbl(g, "capacity", sched_host_capacity(h));
        gen_str(g, "fair_server");
        if (h->fair_server) {
                yajl_gen_map_open(g);
                gen_key_int(g, "runtime", (long long)h->fs_runtime);
                gen_key_int(g, "period", (long long)h->fs_period);
                yajl_gen_map_close(g);
        } else {
                yajl_gen_null(g);
        }
        gen_key(g, "fair_server_source", h->fs_source[0] ? h->fs_source : "given");
        foreign_gen(g, h);
        yajl_gen_map_close(g);
        gen_str(g, "containers");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++) {
                const struct sched_task *t = &e[i].task;
                char cpus[1024];
                cpumask_format(&t->cpus, cpus, sizeof(cpus));
                yajl_gen_map_open(g);
                gen_key(g, "id", t->id);
                if (t->name[0])
                        gen_key(g, "name", t->name);
                gen_key(g, "root", e[i].root);
                gen_key_int(g, "pid", e[i].pid);
                gen_key_bool(g, "alive", alive[i]);
                gen_key(g, "criticality", sched_crit_name(t->crit));
                gen_key_int(g, "policy", t->policy);
                gen_key_int(g, "priority", t->priority);
                gen_key(g, "cpus", cpus);
                gen_key_int(g, "requested_runtime", (long long)t->runtime);
                gen_key_int(g, "granted_runtime", (long long)t->granted);
                gen_key_int(g, "deadline", (long long)t->deadline);
                gen_key_int(g, "period", (long long)t->period);
                gen_key_dbl(g, "utilisation",
                            t->period ? (double)t->granted / (double)t->period : 0);
                gen_key_bool(g, "elastic", t->elastic);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        cpus_gen(g, live, nl, h);
        yajl_gen_map_close(g);
        s = gen_copy(g);
out:
        if (g != NULL)
                yajl_gen_free(g);
        free(live);
        return s;
}
