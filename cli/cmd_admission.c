/* `rtrun admission status [--format table|json]`
 * `rtrun admission check --taskset FILE [--format json|table]`
 * `rtrun admission check BUNDLE... [--format json|table]`
 * The admission controller's CLI (scheduler/, docs/admission.md). `check` is a what-if and
 * changes nothing: exit 0 when everything is admitted, 2 when anything is rejected, 1 for
 * invalid input. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "oci/oci.h"
#include "cli/commands.h"
#include "runtime/log.h"
#include "scheduler/scheduler.h"

#define EXIT_REJECTED 2

struct opts {
        const char *format; /* "table" or "json" */
        const char *taskset;
        char **bundles;
        int n_bundles;
};

static int parse_opts(int argc, char **argv, struct opts *o, struct rterr *err)
{
        for (int i = 0; i < argc; i++) {
                const char *a = argv[i];
                const char *val = NULL;
                if (strncmp(a, "--format=", 9) == 0 || strncmp(a, "--taskset=", 10) == 0) {
                        val = strchr(a, '=') + 1;
                } else if (strcmp(a, "--format") == 0 || strcmp(a, "--taskset") == 0) {
                        if (i + 1 >= argc)
                                return rterr_set(err, EINVAL, "admission: %s needs a value", a);
                        val = argv[++i];
                } else if (a[0] == '-') {
                        return rterr_set(err, EINVAL, "admission: unknown option %s", a);
                } else {
                        o->bundles[o->n_bundles++] = argv[i];
                        continue;
                }
                if (strncmp(a, "--format", 8) == 0)
                        o->format = val;
                else
                        o->taskset = val;
        }
        if (strcmp(o->format, "table") && strcmp(o->format, "json"))
                return rterr_set(err, EINVAL, "admission: --format must be table or json, not %s",
                                 o->format);
        return 0;
}

static const char *policy_name(int p)
{
        static const char *const names[] = {"OTHER", "FIFO", "RR",      "BATCH",
                                            "ISO",   "IDLE", "DEADLINE"};
        return p >= 0 && p < 7 ? names[p] : "?";
}

static double ms(uint64_t ns)
{
        return (double)ns / 1e6;
}

static void print_cpus(const struct sched_task *t, size_t n, const struct sched_host *h)
{
        printf("%-5s %-9s %-12s %s\n", "CPU", "CAPACITY", "UTILISATION", "CONTAINERS");
        for (int cpu = 0; cpu < SCHED_MAX_CPUS; cpu++) {
                if (!sched_cpuset_has(&h->cpus, cpu))
                        continue;
                printf("%-5d %-9.3f %-12.3f ", cpu, sched_host_capacity(h),
                       sched_cpu_utilisation(t, n, cpu));
                const char *sep = "";
                for (size_t i = 0; i < n; i++)
                        if (t[i].kind != SCHED_KIND_NONE && t[i].granted &&
                            sched_cpuset_has(&t[i].cpus, cpu)) {
                                printf("%s%s", sep, t[i].id);
                                sep = ",";
                        }
                printf("%s\n", *sep ? "" : "-");
        }
}

/* ---- check ---- */

static int print_check(const struct opts *o, const struct sched_task *t,
                       const struct sched_verdict *v, size_t n, const struct sched_host *h)
{
        if (strcmp(o->format, "json") == 0) {
                _cleanup_free_ char *doc = sched_report_json(t, v, n, h);
                if (doc == NULL)
                        return -1;
                printf("%s\n", doc);
                return 0;
        }
        printf("%-24s %-9s %-12s %-8s %-12s %s\n", "CONTAINER", "ADMITTED", "CRITICALITY", "POLICY",
               "GRANTED(ms)", "REASON");
        for (size_t i = 0; i < n; i++) {
                char granted[32] = "-";
                if (v[i].admitted && t[i].kind != SCHED_KIND_NONE)
                        snprintf(granted, sizeof(granted), "%.3f", ms(t[i].granted));
                printf("%-24s %-9s %-12s %-8s %-12s %s\n", t[i].id, v[i].admitted ? "yes" : "no",
                       sched_crit_name(t[i].crit), policy_name(t[i].policy), granted, v[i].reason);
        }
        printf("\n");
        print_cpus(t, n, h);
        return 0;
}

static int check_taskset(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        struct sched_host kernel;
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (sched_host_read(&kernel, &err) < 0)
                return log_fail(g, &err);
        if (read_file_at(AT_FDCWD, o->taskset, &text, &len, &err) < 0)
                return log_fail(g, &err);
        struct sched_taskset ts;
        if (sched_taskset_parse(text, o->taskset, &kernel, &ts, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ struct sched_verdict *v = calloc(ts.n + 1, sizeof(*v));
        if (v == NULL) {
                sched_taskset_free(&ts);
                rterr_errno(&err, "admission check");
                return log_fail(g, &err);
        }
        size_t rejected = sched_taskset_run(&ts, v);
        int r = print_check(o, ts.tasks, v, ts.n, &ts.host);
        sched_taskset_free(&ts);
        if (r < 0) {
                rterr_set(&err, ENOMEM, "admission check: out of memory");
                return log_fail(g, &err);
        }
        return rejected ? EXIT_REJECTED : 0;
}

/* The live reservations of the ledger as admitted tasks, plus room for `extra` more. */
static int ledger_tasks(struct sched_task **out, size_t *n, size_t extra, struct rterr *err)
{
        struct sched_ledger l;
        if (sched_ledger_snapshot(&l, err) < 0)
                return -1;
        struct sched_task *t = calloc(l.n + extra + 1, sizeof(*t));
        if (t == NULL) {
                sched_ledger_close(&l);
                return rterr_errno(err, "admission");
        }
        *n = 0;
        for (size_t i = 0; i < l.n; i++)
                if (sched_entry_alive(&l.v[i]))
                        t[(*n)++] = l.v[i].task;
        sched_ledger_close(&l);
        *out = t;
        return 0;
}

static int check_bundles(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        struct sched_host h;
        if (sched_host_read(&h, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ struct sched_task *t = NULL;
        size_t n = 0;
        if (ledger_tasks(&t, &n, (size_t)o->n_bundles, &err) < 0)
                return log_fail(g, &err);
        size_t running = n;
        _cleanup_free_ struct sched_verdict *v = calloc(n + (size_t)o->n_bundles + 1, sizeof(*v));
        if (v == NULL) {
                rterr_errno(&err, "admission check");
                return log_fail(g, &err);
        }
        for (size_t i = 0; i < running; i++) {
                v[i].admitted = true;
                snprintf(v[i].reason, sizeof(v[i].reason), "running (holds a reservation)");
        }
        size_t rejected = 0;
        for (int b = 0; b < o->n_bundles; b++) {
                struct oci_spec *spec = NULL;
                _cleanup_free_ char *copy = strdup(o->bundles[b]);
                if (copy == NULL || oci_spec_load(o->bundles[b], &spec, &err) < 0)
                        return log_fail(g, &err);
                int r = sched_task_from_spec(spec, basename(copy), &h, &t[n], &err);
                oci_spec_free(spec);
                if (r < 0) {
                        rterr_wrap(&err, "%s", o->bundles[b]);
                        return log_fail(g, &err);
                }
                rejected += !sched_admit_online(t, n, &h, &v[n]);
                n++;
        }
        for (size_t i = 0; i < running; i++)
                if (t[i].granted < t[i].runtime)
                        snprintf(v[i].reason, sizeof(v[i].reason),
                                 "running; would be compressed to %.3f ms of %.3f ms",
                                 ms(t[i].granted), ms(t[i].runtime));
        if (print_check(o, t, v, n, &h) < 0) {
                rterr_set(&err, ENOMEM, "admission check: out of memory");
                return log_fail(g, &err);
        }
        return rejected ? EXIT_REJECTED : 0;
}

/* ---- status ---- */

static void status_table(const struct sched_ledger *l, const struct sched_task *t, size_t n,
                         const struct sched_host *h)
{
        print_cpus(t, n, h);
        printf("\n%-24s %-8s %-12s %-9s %-6s %-13s %-12s %-11s %-7s %s\n", "CONTAINER", "PID",
               "CRITICALITY", "POLICY", "CPUS", "REQUESTED(ms)", "GRANTED(ms)", "PERIOD(ms)",
               "UTIL", "ROOT");
        for (size_t i = 0; i < l->n; i++) {
                const struct sched_entry *e = &l->v[i];
                char c[256];
                sched_cpuset_format(&e->task.cpus, c, sizeof(c));
                printf("%-24s %-8d %-12s %-9s %-6s %-13.3f %-12.3f %-11.3f %-7.3f %s%s\n",
                       e->task.id, (int)e->pid, sched_crit_name(e->task.crit),
                       policy_name(e->task.policy), c, ms(e->task.runtime), ms(e->task.granted),
                       ms(e->task.period), (double)e->task.granted / (double)e->task.period,
                       e->root,
                       sched_entry_alive(e) ? ""
                                            : " (dead: reclaimed "
                                              "at the next decision)");
        }
}

static int status(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        struct sched_host h;
        if (sched_host_read(&h, &err) < 0)
                return log_fail(g, &err);
        struct sched_ledger l;
        if (sched_ledger_snapshot(&l, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ struct sched_task *t = calloc(l.n + 1, sizeof(*t));
        if (t == NULL) {
                sched_ledger_close(&l);
                rterr_errno(&err, "admission status");
                return log_fail(g, &err);
        }
        _cleanup_free_ bool *alive = calloc(l.n + 1, sizeof(bool));
        size_t n = 0;
        for (size_t i = 0; alive && i < l.n; i++) {
                alive[i] = sched_entry_alive(&l.v[i]);
                if (alive[i])
                        t[n++] = l.v[i].task;
        }
        _cleanup_free_ char *doc = NULL;
        if (alive && strcmp(o->format, "json") == 0)
                doc = sched_status_json(l.v, l.n, alive, &h);
        if (alive == NULL || (strcmp(o->format, "json") == 0 && doc == NULL)) {
                sched_ledger_close(&l);
                rterr_set(&err, ENOMEM, "admission status: out of memory");
                return log_fail(g, &err);
        }
        if (doc)
                printf("%s\n", doc);
        else
                status_table(&l, t, n, &h);
        sched_ledger_close(&l);
        return 0;
}

static const char admission_usage[] =
    "Usage: rtrun admission status [--format table|json]\n"
    "       rtrun admission check --taskset FILE [--format table|json]\n"
    "       rtrun admission check BUNDLE... [--format table|json]\n"
    "\n"
    "status   the host's reservations: per CPU and per container, requested and granted\n"
    "         budgets, utilisation, criticality\n"
    "check    what-if: would this task set (docs/admission.md) or these bundles be admitted?\n"
    "         Changes nothing. Exit 0: all admitted, 2: some rejected, 1: invalid input.\n";

static bool wants_help(int argc, char **argv)
{
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        return true;
        return false;
}

int cmd_admission(const struct runtime_ctx *g, int argc, char **argv)
{
        if (wants_help(argc, argv)) {
                fputs(admission_usage, stdout);
                return 0;
        }
        struct rterr err;
        _cleanup_free_ char **bundles = calloc((size_t)argc + 1, sizeof(char *));
        struct opts o = {.format = "table", .bundles = bundles};
        if (bundles == NULL) {
                rterr_errno(&err, "admission");
                return log_fail(g, &err);
        }
        if (argc < 2) {
                rterr_set(&err, EINVAL,
                          "usage: rtrun admission status [--format table|json] | check "
                          "--taskset FILE | check BUNDLE... [--format json|table]");
                return log_fail(g, &err);
        }
        const char *sub = argv[1];
        if (parse_opts(argc - 2, argv + 2, &o, &err) < 0)
                return log_fail(g, &err);
        if (strcmp(sub, "status") == 0) {
                if (o.taskset || o.n_bundles) {
                        rterr_set(&err, EINVAL, "admission status: takes only --format");
                        return log_fail(g, &err);
                }
                return status(g, &o);
        }
        if (strcmp(sub, "check") == 0) {
                if ((o.taskset != NULL) == (o.n_bundles > 0)) {
                        rterr_set(&err, EINVAL,
                                  "admission check: give either --taskset FILE or bundles");
                        return log_fail(g, &err);
                }
                return o.taskset ? check_taskset(g, &o) : check_bundles(g, &o);
        }
        rterr_set(&err, EINVAL, "admission: unknown subcommand %s (status, check)", sub);
        return log_fail(g, &err);
}
