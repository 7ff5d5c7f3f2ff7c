/* `rtrun cpus shield CPULIST | status [--format json] | release`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/internal.h"
#include "rt/rt.h"

static void usage(FILE *f)
{
        fprintf(f, "usage: rtrun cpus shield CPULIST   move tasks, kernel threads and IRQs off "
                   "CPULIST\n"
                   "       rtrun cpus status [--format text|json]\n"
                   "       rtrun cpus release          undo shield\n");
}

static void fail(const struct rterr *err)
{
        fprintf(stderr, "rtrun cpus: %s\n", err->msg);
}

/* Everything `status` shows, per online CPU. */
struct cpu_row {
        unsigned cpu;
        bool shielded, isolcpus, nohz_full, claimed;
        struct cpumask rd;
        char rd_who[256];
        struct rt_dl_budget budget;
        bool fair_known;
        uint64_t fair_runtime, fair_period;
};

struct status {
        struct cpumask online;
        struct rt_dl_snapshot *snap;
        struct cpu_row *rows;
        size_t n;
};

static int gather(struct status *s, struct rterr *err)
{
        struct cpumask pool, claimed;
        struct rt_isolation iso;
        if (rt_cpus_online(&s->online, err) < 0 || rt_shield_pool(&pool, err) < 0 ||
            rt_rootdomain_claimed(&claimed, err) < 0 || rt_isolation_read(&iso, err) < 0 ||
            rt_dl_snapshot_read(&s->snap, err) < 0)
                return -1;
        s->rows = calloc(cpumask_count(&s->online), sizeof(*s->rows));
        if (s->rows == NULL)
                return rterr_errno(err, "cpus status");
        for (unsigned c = 0; c < cpumask_last(&s->online); c++) {
                if (!cpumask_test(&s->online, c))
                        continue;
                struct cpu_row *r = &s->rows[s->n++];
                r->cpu = c;
                r->shielded = cpumask_test(&pool, c);
                r->claimed = cpumask_test(&claimed, c);
                r->isolcpus =
                    cpumask_test(&iso.isolcpus_cmdline, c) || cpumask_test(&iso.isolated_sysfs, c);
                r->nohz_full = cpumask_test(&iso.nohz_full_cmdline, c) ||
                               cpumask_test(&iso.nohz_full_sysfs, c);
                if (rt_rootdomain_span((int)c, &r->rd, r->rd_who, sizeof(r->rd_who), err) < 0)
                        return -1;
                rt_dl_budget_of(s->snap, &r->rd, 0, &r->budget);
                r->fair_known = s->snap->fair_known;
                r->fair_runtime = s->snap->fair_runtime[c];
                r->fair_period = s->snap->fair_period[c];
        }
        return 0;
}

static void status_free(struct status *s)
{
        rt_dl_snapshot_free(s->snap);
        free(s->rows);
}

static double pct(uint64_t bw)
{
        return (double)bw * 100.0 / (double)(UINT64_C(1) << RT_BW_SHIFT);
}

static void print_text(const struct status *s)
{
        printf("DEADLINE admission: sched_rt_runtime_us %" PRId64 " per sched_rt_period_us "
               "%" PRIu64 "%s\n",
               s->snap->unlimited ? (int64_t)-1 : (int64_t)s->snap->rt_runtime_us,
               s->snap->rt_period_us, s->snap->unlimited ? " (no admission control)" : "");
        printf("%-4s %-8s %-8s %-9s %-9s %-11s %9s %9s %9s %9s %s\n", "CPU", "SHIELD", "ISOLCPUS",
               "NOHZ_FULL", "RT-DOMAIN", "ROOT-DOMAIN", "DL-CAP", "DL-TASKS", "FAIR-SRV", "DL-FREE",
               "FAIR-SERVER(this CPU)");
        for (size_t i = 0; i < s->n; i++) {
                const struct cpu_row *r = &s->rows[i];
                char rd[64], fair[64];
                if (r->fair_known)
                        snprintf(fair, sizeof(fair), "%" PRIu64 "/%" PRIu64 " ns", r->fair_runtime,
                                 r->fair_period);
                else
                        snprintf(fair, sizeof(fair), "%s",
                                 r->budget.fair_unknown ? "unknown" : "in domain total");
                printf("%-4u %-8s %-8s %-9s %-9s %-11s %8.2f%% %8.2f%% %8.2f%% %8.2f%% %s\n",
                       r->cpu, r->shielded ? "yes" : "no", r->isolcpus ? "yes" : "no",
                       r->nohz_full ? "yes" : "no", r->claimed ? "claimed" : "-",
                       cpumask_format(&r->rd, rd, sizeof(rd)), pct(r->budget.capacity),
                       pct(r->budget.tasks), pct(r->budget.fair), pct(r->budget.free), fair);
        }
        for (size_t i = 0; i < s->n; i++) {
                const struct cpu_row *r = &s->rows[i];
                if (i == 0 || !cpumask_equal(&r->rd, &s->rows[i - 1].rd))
                        printf("root domain of CPU %u formed by: %s\n", r->cpu, r->rd_who);
        }
        if (s->snap->n_tasks)
                printf("DEADLINE threads:\n");
        for (size_t i = 0; i < s->snap->n_tasks; i++) {
                const struct rt_dl_task *t = &s->snap->tasks[i];
                char aff[64];
                printf("  pid %d tid %d (%s) runtime/deadline/period %" PRIu64 "/%" PRIu64
                       "/%" PRIu64 " ns on CPU %d, affinity %s\n",
                       (int)t->pid, (int)t->tid, t->comm, t->runtime, t->deadline, t->period,
                       t->cpu, cpumask_format(&t->affinity, aff, sizeof(aff)));
        }
}

static void json_str(const char *s)
{
        putchar('"');
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20)
                        printf("\\u%04x", c);
                else
                        putchar(c);
        }
        putchar('"');
}

static void print_json(const struct status *s)
{
        printf("{\"rtRuntimeUs\":%" PRId64 ",\"rtPeriodUs\":%" PRIu64 ",\"cpus\":[",
               s->snap->unlimited ? (int64_t)-1 : (int64_t)s->snap->rt_runtime_us,
               s->snap->rt_period_us);
        for (size_t i = 0; i < s->n; i++) {
                const struct cpu_row *r = &s->rows[i];
                char rd[CPULIST_MAX];
                printf("%s{\"cpu\":%u,\"shielded\":%s,\"isolcpus\":%s,\"nohzFull\":%s,"
                       "\"deadlineRootDomainClaimed\":%s,\"rootDomain\":",
                       i ? "," : "", r->cpu, r->shielded ? "true" : "false",
                       r->isolcpus ? "true" : "false", r->nohz_full ? "true" : "false",
                       r->claimed ? "true" : "false");
                json_str(cpumask_format(&r->rd, rd, sizeof(rd)));
                printf(",\"rootDomainFormedBy\":");
                json_str(r->rd_who);
                printf(",\"deadlinePercent\":{\"capacity\":%.2f,\"tasks\":%.2f,"
                       "\"fairServers\":%.2f,\"free\":%.2f,\"fairServersKnown\":%s}",
                       pct(r->budget.capacity), pct(r->budget.tasks), pct(r->budget.fair),
                       pct(r->budget.free), r->budget.fair_unknown ? "false" : "true");
                if (r->fair_known)
                        printf(",\"fairServer\":{\"runtimeNs\":%" PRIu64 ",\"periodNs\":%" PRIu64
                               "}",
                               r->fair_runtime, r->fair_period);
                putchar('}');
        }
        printf("],\"deadlineTasks\":[");
        for (size_t i = 0; i < s->snap->n_tasks; i++) {
                const struct rt_dl_task *t = &s->snap->tasks[i];
                printf("%s{\"pid\":%d,\"tid\":%d,\"comm\":", i ? "," : "", (int)t->pid,
                       (int)t->tid);
                json_str(t->comm);
                printf(",\"runtime\":%" PRIu64 ",\"deadline\":%" PRIu64 ",\"period\":%" PRIu64
                       ",\"cpu\":%d}",
                       t->runtime, t->deadline, t->period, t->cpu);
        }
        printf("]}\n");
}

static int cmd_status(int argc, char **argv)
{
        bool json = false;
        for (int i = 2; i < argc; i++) {
                const char *v = NULL;
                if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
                        v = argv[++i];
                else if (strncmp(argv[i], "--format=", 9) == 0)
                        v = argv[i] + 9;
                if (v && (strcmp(v, "json") == 0 || strcmp(v, "text") == 0)) {
                        json = strcmp(v, "json") == 0;
                        continue;
                }
                fprintf(stderr, "rtrun cpus status: unknown argument '%s'\n", argv[i]);
                return 1;
        }
        struct status s = {0};
        struct rterr err = {0};
        if (gather(&s, &err) < 0) {
                fail(&err);
                status_free(&s);
                return 1;
        }
        if (json)
                print_json(&s);
        else
                print_text(&s);
        status_free(&s);
        return 0;
}

int rt_cpus_main(int argc, char **argv)
{
        struct rterr err = {0};
        if (argc < 2) {
                usage(stderr);
                return 1;
        }
        const char *sub = argv[1];
        if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
                usage(stdout);
                return 0;
        }
        if (strcmp(sub, "status") == 0)
                return cmd_status(argc, argv);
        if (strcmp(sub, "shield") == 0) {
                struct cpumask pool;
                if (argc != 3) {
                        usage(stderr);
                        return 1;
                }
                if (cpumask_parse(argv[2], &pool, &err) < 0 || rt_shield(&pool, &err) < 0) {
                        fail(&err);
                        return 1;
                }
                return 0;
        }
        if (strcmp(sub, "release") == 0) {
                if (argc != 2) {
                        usage(stderr);
                        return 1;
                }
                if (rt_shield_release(&err) < 0) {
                        fail(&err);
                        return 1;
                }
                return 0;
        }
        fprintf(stderr, "rtrun cpus: unknown subcommand '%s'\n", sub);
        usage(stderr);
        return 1;
}
