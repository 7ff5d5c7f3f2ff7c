/* `rtrun metrics [--output FILE]`: the admission controller's state in the Prometheus text
 * exposition format (scheduler/metrics.c), on stdout or replaced atomically in FILE, which is
 * what node_exporter's textfile collector needs (it must never read a half-written file). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/common.h"
#include "runtime/runtime.h"
#include "scheduler/scheduler.h"

static const char metrics_usage[] =
    "Usage: rtrun metrics [--output FILE]\n"
    "\n"
    "Prints the admission controller's state in the Prometheus text exposition format: per\n"
    "CPU the real-time capacity and granted utilisation; per reservation the requested and\n"
    "granted runtime, deadline, period, utilisation, criticality, whether it runs, and its\n"
    "process' CPU time, run-queue wait and involuntary switches; the admission decisions.\n"
    "\n"
    "Options:\n"
    "   --output FILE, -o FILE  write FILE atomically (for node_exporter's textfile\n"
    "                           collector, e.g. /var/lib/prometheus/node-exporter/rtrun.prom)\n"
    "   --help, -h              show this help\n";

/* The kernel's accounting of pid; valid stays false when the process is gone. */
static struct sched_proc_stats proc_stats(pid_t pid)
{
        struct sched_proc_stats s = {0};
        char path[64];
        _cleanup_free_ char *text = NULL;
        size_t len;
        struct rterr err;
        snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
        if (read_file_at(AT_FDCWD, path, &text, &len, &err) < 0 ||
            sscanf(text, "%" SCNu64 " %" SCNu64, &s.run_ns, &s.wait_ns) != 2)
                return s;
        free(text);
        text = NULL;
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        if (read_file_at(AT_FDCWD, path, &text, &len, &err) < 0)
                return s;
        const char *p = strstr(text, "\nnonvoluntary_ctxt_switches:");
        if (p == NULL || sscanf(p + 28, "%" SCNu64, &s.involuntary_switches) != 1)
                return s;
        s.valid = true;
        return s;
}

static int metrics(const struct runtime_ctx *g, const char *output)
{
        struct rterr err;
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        if (admission_host_read(&h, &err) < 0)
                return log_fail(g, &err);
        struct sched_ledger l;
        if (sched_ledger_snapshot(&l, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ bool *alive = calloc(l.n + 1, sizeof(bool));
        _cleanup_free_ struct sched_proc_stats *ps = calloc(l.n + 1, sizeof(*ps));
        _cleanup_free_ char *text = NULL;
        for (size_t i = 0; alive && ps && i < l.n; i++) {
                alive[i] = sched_entry_alive(&l.v[i]);
                if (alive[i])
                        ps[i] = proc_stats(l.v[i].pid);
        }
        if (alive && ps)
                text = sched_metrics_text(l.v, l.n, alive, ps, &h, &l.counters);
        sched_ledger_close(&l);
        if (text == NULL) {
                rterr_set(&err, ENOMEM, "metrics: out of memory");
                return log_fail(g, &err);
        }
        if (output == NULL) {
                fputs(text, stdout);
                return 0;
        }
        if (write_file_atomic_at(AT_FDCWD, output, text, strlen(text), 0644, &err) < 0) {
                rterr_wrap(&err, "metrics --output");
                return log_fail(g, &err);
        }
        return 0;
}

int cmd_metrics(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {0}};
        const char *output = NULL;
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(metrics_usage);
                if (ch == 'o')
                        output = optarg;
                else if (optopt == 'o')
                        return cli_usage_error(g, "metrics", "--output needs a FILE");
                else
                        return cli_usage_error(g, "metrics", "unknown option %s", argv[optind - 1]);
        }
        if (optind < argc)
                return cli_usage_error(g, "metrics", "takes no arguments, got %s", argv[optind]);
        return metrics(g, output);
}
