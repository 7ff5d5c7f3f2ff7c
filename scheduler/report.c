/* The result document of `rtrun admission check` (issue 5):
 * {"containers": [{"id", "admitted", "granted_runtime" (analysed and admitted only),
 *   "reason"}], "cpus": [{"cpu", "capacity", "utilisation", "containers": [ids]}]}.
 * A CPU's utilisation counts a DEADLINE reservation on a partition of m CPUs as granted /
 * period / m on each, a timed FIFO/RR task as wcet / period on its CPU. */
#include "scheduler/internal.h"

#include <stdio.h>
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

static void score_gen(yajl_gen g, const char *key, const struct sched_place_score *s)
{
        gen_str(g, key);
        yajl_gen_map_open(g);
        gen_str(g, "admitted");
        yajl_gen_map_open(g);
        for (int c = SCHED_CRIT_CONTROL; c >= SCHED_CRIT_BEST_EFFORT; c--)
                gen_key_int(g, sched_crit_name((enum sched_crit)c), s->admitted[c]);
        yajl_gen_map_close(g);
        gen_str(g, "granted_utilisation");
        yajl_gen_map_open(g);
        for (int c = SCHED_CRIT_CONTROL; c >= SCHED_CRIT_BEST_EFFORT; c--)
                gen_key_dbl(g, sched_crit_name((enum sched_crit)c),
                            (double)s->granted_ppb[c] / 1e9);
        yajl_gen_map_close(g);
        gen_key_dbl(g, "max_load", (double)s->max_load / 1e9);
        gen_key_dbl(g, "spread", (double)s->spread / 1e9);
        yajl_gen_map_close(g);
}

/* "placement": {"heuristic": score, "exact": score or null, "optimal", "nodes", "gap"}. */
static void placement_gen(yajl_gen g, const struct sched_place_stats *st)
{
        char gap[256];
        gen_str(g, "placement");
        yajl_gen_map_open(g);
        score_gen(g, "heuristic", &st->heuristic);
        if (st->exact) {
                score_gen(g, "exact", &st->best);
        } else {
                gen_str(g, "exact");
                yajl_gen_null(g);
        }
        gen_key_bool(g, "optimal", st->optimal);
        gen_key_int(g, "nodes", (long long)st->nodes);
        gen_key(g, "gap", sched_place_gap_text(st, gap, sizeof(gap)));
        yajl_gen_map_close(g);
}

const char *sched_place_gap_text(const struct sched_place_stats *st, char *buf, size_t size)
{
        unsigned ha = 0, ea = 0;
        for (int c = 0; c < 4; c++) {
                ha += st->heuristic.admitted[c];
                ea += st->best.admitted[c];
        }
        int cmp = sched_place_score_cmp(&st->best, &st->heuristic);
        if (!st->exact)
                snprintf(buf, size,
                         "placement: heuristics only (%zu containers to place; the exact search "
                         "runs for at most %d)",
                         st->to_place, SCHED_PLACE_EXACT_MAX);
        else if (cmp == 0)
                snprintf(buf, size,
                         "placement: the heuristic is %s (%u admitted, highest CPU load %.3f)",
                         st->optimal ? "optimal" : "as good as the best found", ha,
                         (double)st->heuristic.max_load / 1e9);
        else
                snprintf(buf, size,
                         "placement: the %s admits %u (heuristic %u), highest CPU load %.3f "
                         "(heuristic %.3f), spread %.3f (heuristic %.3f)",
                         st->optimal ? "exact optimum" : "best found in the search budget", ea, ha,
                         (double)st->best.max_load / 1e9, (double)st->heuristic.max_load / 1e9,
                         (double)st->best.spread / 1e9, (double)st->heuristic.spread / 1e9);
        return buf;
}

char *sched_report_json(const struct sched_task *tasks, const struct sched_verdict *v, size_t n,
                        const struct sched_host *h)
{
        return sched_report_json_placed(tasks, v, n, h, NULL);
}

char *sched_report_json_placed(const struct sched_task *tasks, const struct sched_verdict *v,
                               size_t n, const struct sched_host *h,
                               const struct sched_place_stats *st)
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
                if (v[i].admitted && tasks[i].kind != SCHED_KIND_NONE) {
                        char cpus[CPULIST_MAX];
                        gen_key_int(g, "granted_runtime", (long long)tasks[i].granted);
                        gen_key(g, "cpus", cpumask_format(&tasks[i].cpus, cpus, sizeof(cpus)));
                }
                gen_key(g, "reason", v[i].reason);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        cpus_gen(g, tasks, n, h);
        if (st != NULL)
                placement_gen(g, st);
        yajl_gen_map_close(g);
        char *s = gen_copy(g);
        yajl_gen_free(g);
        return s;
}

char *sched_status_json(const struct sched_entry *e, size_t n, const bool *alive,
                        const struct sched_host *h)
{
        return sched_status_json_measured(e, n, alive, NULL, NULL, h);
}

char *sched_status_json_measured(const struct sched_entry *e, size_t n, const bool *alive,
                                 const uint64_t *used, const uint64_t *age,
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
                gen_key_bool(g, "placed", t->placed);
                if (used != NULL && age != NULL && alive[i] && age[i] > 0) {
                        gen_key_int(g, "cpu_time_ns", (long long)used[i]);
                        gen_key_dbl(g, "measured_utilisation", (double)used[i] / (double)age[i]);
                }
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
