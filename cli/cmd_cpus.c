/* `rtrun cpus shield CPULIST | status [--format json] | release`: the command line; the
 * mechanism is rt/ (rt_cpus_status_read, rt_cpus_shield, rt_cpus_release). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/common.h"
#include "rt/rt.h"

static void usage(FILE *f)
{
        fputs("Usage: rtrun cpus shield CPULIST\n"
              "       rtrun cpus status [--format text|json]\n"
              "       rtrun cpus release\n",
              f);
        if (f != stdout)
                return;
        fputs("\n"
              "Isolated CPUs for real-time containers, without a reboot (docs/realtime.md).\n"
              "\n"
              "shield    move tasks, kernel threads and IRQs off CPULIST (e.g. 2-3), so that\n"
              "          only containers given those CPUs run there\n"
              "status    the shielded CPUs, and what still runs on them\n"
              "release   undo shield: tasks and IRQs may use every CPU again\n"
              "\n"
              "Options:\n"
              "   --format text|json   output of status (default: text)\n"
              "   --help, -h           show this help\n",
              f);
}

static void fail(const struct rterr *err)
{
        fprintf(stderr, "rtrun cpus: %s\n", err->msg);
}

/* The table's cpulist columns are 63 bytes wide: whole ranges that fit, as before. */
static const char *clip(const char *list, char *buf, size_t len)
{
        size_t n = strlen(list);
        if (n < len)
                return list;
        n = len - 1;
        while (n > 0 && list[n] != ',')
                n--;
        memcpy(buf, list, n);
        buf[n] = '\0';
        return buf;
}

/* What one CPU offers DEADLINE containers, the smallest over the online CPUs: the number
 * `admission status` calls capacity per CPU (both come from rt_host_capacity_read's reading). */
static double min_capacity(const struct rt_cpus_status *s)
{
        double c = s->n_cpus ? s->cpus[0].capacity : 0;
        for (size_t i = 1; i < s->n_cpus; i++)
                if (s->cpus[i].capacity < c)
                        c = s->cpus[i].capacity;
        return c;
}

static void print_text(const struct rt_cpus_status *s)
{
        printf("DEADLINE admission: sched_rt_runtime_us %" PRId64 " per sched_rt_period_us "
               "%" PRIu64 "%s\n",
               s->rt_runtime_us, s->rt_period_us, s->unlimited ? " (no admission control)" : "");
        printf("capacity per CPU %.3f (fair server: %s)\n", min_capacity(s), s->fair_source);
        printf("%-4s %-8s %-8s %-9s %-9s %-11s %9s %9s %9s %9s %s\n", "CPU", "SHIELD", "ISOLCPUS",
               "NOHZ_FULL", "RT-DOMAIN", "ROOT-DOMAIN", "DL-CAP", "DL-TASKS", "FAIR-SRV", "DL-FREE",
               "FAIR-SERVER(this CPU)");
        for (size_t i = 0; i < s->n_cpus; i++) {
                const struct rt_cpu_status *r = &s->cpus[i];
                char rd[64], fair[64];
                if (r->fair_known)
                        snprintf(fair, sizeof(fair), "%" PRIu64 "/%" PRIu64 " ns", r->fair_runtime,
                                 r->fair_period);
                else
                        snprintf(fair, sizeof(fair), "%s",
                                 r->fair_servers_unknown ? "unknown" : "in domain total");
                printf("%-4u %-8s %-8s %-9s %-9s %-11s %8.2f%% %8.2f%% %8.2f%% %8.2f%% %s\n",
                       r->cpu, r->shielded ? "yes" : "no", r->isolcpus ? "yes" : "no",
                       r->nohz_full ? "yes" : "no", r->claimed ? "claimed" : "-",
                       clip(r->root_domain, rd, sizeof(rd)), r->dl_capacity_pct, r->dl_tasks_pct,
                       r->dl_fair_pct, r->dl_free_pct, fair);
        }
        for (size_t i = 0; i < s->n_cpus; i++) {
                const struct rt_cpu_status *r = &s->cpus[i];
                if (i == 0 || strcmp(r->root_domain, s->cpus[i - 1].root_domain) != 0)
                        printf("root domain of CPU %u formed by: %s\n", r->cpu, r->root_domain_who);
        }
        if (s->n_threads)
                printf("DEADLINE threads:\n");
        for (size_t i = 0; i < s->n_threads; i++) {
                const struct rt_dl_thread *t = &s->threads[i];
                char aff[64];
                printf("  pid %d tid %d (%s) runtime/deadline/period %" PRIu64 "/%" PRIu64
                       "/%" PRIu64 " ns on CPU %d, affinity %s\n",
                       (int)t->pid, (int)t->tid, t->comm, t->runtime, t->deadline, t->period,
                       t->cpu, clip(t->affinity, aff, sizeof(aff)));
        }
}

static void json_str(const char *s)
{
        _cleanup_free_ char *q = json_quote(s);
        fputs(q ? q : "\"\"", stdout);
}

static void print_json(const struct rt_cpus_status *s)
{
        printf("{\"rtRuntimeUs\":%" PRId64 ",\"rtPeriodUs\":%" PRIu64 ",\"capacityPerCpu\":%.6f,"
               "\"fairServerSource\":",
               s->rt_runtime_us, s->rt_period_us, min_capacity(s));
        json_str(s->fair_source);
        printf(",\"cpus\":[");
        for (size_t i = 0; i < s->n_cpus; i++) {
                const struct rt_cpu_status *r = &s->cpus[i];
                printf("%s{\"cpu\":%u,\"shielded\":%s,\"isolcpus\":%s,\"nohzFull\":%s,"
                       "\"deadlineRootDomainClaimed\":%s,\"rootDomain\":",
                       i ? "," : "", r->cpu, r->shielded ? "true" : "false",
                       r->isolcpus ? "true" : "false", r->nohz_full ? "true" : "false",
                       r->claimed ? "true" : "false");
                json_str(r->root_domain);
                printf(",\"rootDomainFormedBy\":");
                json_str(r->root_domain_who);
                printf(",\"deadlinePercent\":{\"capacity\":%.2f,\"tasks\":%.2f,"
                       "\"fairServers\":%.2f,\"free\":%.2f,\"fairServersKnown\":%s}",
                       r->dl_capacity_pct, r->dl_tasks_pct, r->dl_fair_pct, r->dl_free_pct,
                       r->fair_servers_unknown ? "false" : "true");
                printf(",\"capacity\":%.6f", r->capacity);
                if (r->fair_known)
                        printf(",\"fairServer\":{\"runtimeNs\":%" PRIu64 ",\"periodNs\":%" PRIu64
                               "}",
                               r->fair_runtime, r->fair_period);
                putchar('}');
        }
        printf("],\"deadlineTasks\":[");
        for (size_t i = 0; i < s->n_threads; i++) {
                const struct rt_dl_thread *t = &s->threads[i];
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
        struct rt_cpus_status s;
        struct rterr err = {0};
        if (rt_cpus_status_read(&s, &err) < 0) {
                fail(&err);
                return 1;
        }
        if (json)
                print_json(&s);
        else
                print_text(&s);
        rt_cpus_status_free(&s);
        return 0;
}

int cmd_cpus(const struct runtime_ctx *g, int argc, char **argv)
{
        struct rterr err = {0};
        (void)g;
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
                if (argc != 3) {
                        usage(stderr);
                        return 1;
                }
                if (rt_cpus_shield(argv[2], &err) < 0) {
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
                if (rt_cpus_release(&err) < 0) {
                        fail(&err);
                        return 1;
                }
                return 0;
        }
        fprintf(stderr, "rtrun cpus: unknown subcommand '%s'\n", sub);
        usage(stderr);
        return 1;
}
