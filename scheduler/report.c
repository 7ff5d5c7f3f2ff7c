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
                if (t->kind == SCHED_KIND_NONE || t->granted == 0 ||
                    !sched_cpuset_has(&t->cpus, cpu))
                        continue;
                u += (double)t->granted / (double)t->period / sched_cpuset_count(&t->cpus);
        }
        return u;
}

char *sched_report_json(const struct sched_task *tasks, const struct sched_verdict *v, size_t n,
                        const struct sched_host *h)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (g == NULL)
                return NULL;
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_map_open(g);
        sj_key(g, "containers");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++) {
                yajl_gen_map_open(g);
                sj_kstr(g, "id", tasks[i].id);
                sj_kbool(g, "admitted", v[i].admitted);
                if (v[i].admitted && tasks[i].kind != SCHED_KIND_NONE)
                        sj_kint(g, "granted_runtime", (long long)tasks[i].granted);
                sj_kstr(g, "reason", v[i].reason);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        sj_key(g, "cpus");
        yajl_gen_array_open(g);
        for (int cpu = 0; cpu < SCHED_MAX_CPUS; cpu++) {
                if (!sched_cpuset_has(&h->cpus, cpu))
                        continue;
                yajl_gen_map_open(g);
                sj_kint(g, "cpu", cpu);
                sj_kdbl(g, "capacity", sched_host_capacity(h));
                sj_kdbl(g, "utilisation", sched_cpu_utilisation(tasks, n, cpu));
                sj_key(g, "containers");
                yajl_gen_array_open(g);
                for (size_t i = 0; i < n; i++)
                        if (tasks[i].kind != SCHED_KIND_NONE && tasks[i].granted > 0 &&
                            sched_cpuset_has(&tasks[i].cpus, cpu))
                                sj_str(g, tasks[i].id);
                yajl_gen_array_close(g);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
        char *s = sj_take(g);
        yajl_gen_free(g);
        return s;
}
