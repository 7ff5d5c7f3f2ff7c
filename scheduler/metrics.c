/* `rtrun metrics`: the admission controller's state in the Prometheus text exposition format
 * (version 0.0.4), for node exporters' textfile collectors and for scrapers. Pure: the caller
 * reads the ledger, the host and /proc and hands the values in. Times are in seconds, as
 * Prometheus' conventions want; label values escape \, " and newlines. */
#include "scheduler/internal.h"

#include <stdio.h>
#include <stdlib.h>

static void label_value(FILE *f, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\')
                        fputs("\\\\", f);
                else if (*s == '"')
                        fputs("\\\"", f);
                else if (*s == '\n')
                        fputs("\\n", f);
                else
                        fputc(*s, f);
        }
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The labels that name a reservation: its id, the engine's name, --root, criticality, CPUs. */
static void entry_labels(FILE *f, const struct sched_entry *e)
{
        char cpus[1024];
        cpumask_format(&e->task.cpus, cpus, sizeof(cpus));
        fputs("{id=\"", f);
        label_value(f, e->task.id);
        fputs("\",name=\"", f);
        label_value(f, e->task.name);
        fputs("\",root=\"", f);
        label_value(f, e->root);
        fprintf(f, "\",criticality=\"%s\",cpus=\"%s\"}", sched_crit_name(e->task.crit), cpus);
}

static double sec(uint64_t ns)
{
        return (double)ns / 1e9;
}

enum field { REQ, GRANTED, DEADLINE, PERIOD, UTIL, CRIT, COMPRESSED, ALIVE, CPU, WAIT, SWITCHES };

static const struct {
        const char *name, *type, *help;
        bool proc; /* from the kernel's per-process accounting: only for live entries */
} fields[] = {
    [REQ] = {"rtrun_reservation_requested_runtime_seconds", "gauge",
             "Runtime per period the container asked for.", false},
    [GRANTED] = {"rtrun_reservation_granted_runtime_seconds", "gauge",
                 "Runtime per period the container holds (less than requested when an elastic "
                 "reservation was compressed).",
                 false},
    [DEADLINE] = {"rtrun_reservation_deadline_seconds", "gauge", "Relative deadline.", false},
    [PERIOD] = {"rtrun_reservation_period_seconds", "gauge", "Period.", false},
    [UTIL] = {"rtrun_reservation_utilisation", "gauge", "Granted runtime / period.", false},
    [CRIT] = {"rtrun_reservation_criticality", "gauge",
              "Criticality level: 0 best-effort, 1 perception, 2 planning, 3 control.", false},
    [COMPRESSED] = {"rtrun_reservation_compressed", "gauge",
                    "1 when the granted runtime is below the requested one.", false},
    [ALIVE] = {"rtrun_reservation_alive", "gauge",
               "1 while the reservation's process runs; 0 for a dead entry the next decision "
               "reclaims.",
               false},
    [CPU] = {"rtrun_process_cpu_seconds_total", "counter",
             "CPU time of the reservation's process (/proc/PID/schedstat).", true},
    [WAIT] = {"rtrun_process_wait_seconds_total", "counter",
              "Time the reservation's process was runnable but waited for a CPU "
              "(/proc/PID/schedstat run delay).",
              true},
    [SWITCHES] = {"rtrun_process_involuntary_switches_total", "counter",
                  "Involuntary context switches of the reservation's process: preemptions and, "
                  "for SCHED_DEADLINE, throttling at budget exhaustion (/proc/PID/status).",
                  true},
};

static double value(enum field k, const struct sched_entry *e, bool alive,
                    const struct sched_proc_stats *ps)
{
        const struct sched_task *t = &e->task;
        switch (k) {
        case REQ:
                return sec(t->runtime);
        case GRANTED:
                return sec(t->granted);
        case DEADLINE:
                return sec(t->deadline);
        case PERIOD:
                return sec(t->period);
        case UTIL:
                return (double)t->granted / (double)t->period;
        case CRIT:
                return (double)t->crit;
        case COMPRESSED:
                return t->granted < t->runtime;
        case ALIVE:
                return alive;
        case CPU:
                return sec(ps->run_ns);
        case WAIT:
                return sec(ps->wait_ns);
        case SWITCHES:
                return (double)ps->involuntary_switches;
        }
        return 0;
}

char *sched_metrics_text(const struct sched_entry *e, size_t n, const bool *alive,
                         const struct sched_proc_stats *ps, const struct sched_host *h,
                         const struct sched_counters *c)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL)
                return NULL;
        struct sched_task *live = calloc(n + 1, sizeof(*live));
        size_t nl = 0;
        for (size_t i = 0; live && i < n; i++)
                if (alive[i])
                        live[nl++] = e[i].task;

        family(f, "rtrun_cpu_capacity", "gauge",
               "Share of the CPU that real-time reservations may use (the RT bandwidth cap less "
               "the fair server).");
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                fprintf(f, "rtrun_cpu_capacity{cpu=\"%d\"} %.9g\n", cpu,
                        sched_host_capacity_cpu(h, cpu));
        family(f, "rtrun_cpu_utilisation", "gauge",
               "Granted real-time utilisation of the CPU (a reservation on m CPUs counts 1/m on "
               "each).");
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                fprintf(f, "rtrun_cpu_utilisation{cpu=\"%d\"} %.9g\n", cpu,
                        live ? sched_cpu_utilisation(live, nl, cpu) : 0.0);
        family(f, "rtrun_reservations", "gauge",
               "Reservations in the ledger, by state (dead ones are reclaimed at the next "
               "decision).");
        fprintf(f, "rtrun_reservations{state=\"alive\"} %zu\n", nl);
        fprintf(f, "rtrun_reservations{state=\"dead\"} %zu\n", n - nl);
        if (c != NULL) {
                family(f, "rtrun_admission_decisions_total", "counter",
                       "Online admission decisions since the ledger was created, by result.");
                fprintf(f, "rtrun_admission_decisions_total{result=\"admitted\"} %llu\n",
                        (unsigned long long)c->admitted);
                fprintf(f, "rtrun_admission_decisions_total{result=\"refused\"} %llu\n",
                        (unsigned long long)c->refused);
                family(f, "rtrun_admission_compressions_total", "counter",
                       "Times a running elastic reservation was lowered for a newcomer.");
                fprintf(f, "rtrun_admission_compressions_total %llu\n",
                        (unsigned long long)c->compressed);
        }
        for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
                family(f, fields[k].name, fields[k].type, fields[k].help);
                for (size_t i = 0; i < n; i++) {
                        if (fields[k].proc && (!alive[i] || ps == NULL || !ps[i].valid))
                                continue;
                        fputs(fields[k].name, f);
                        entry_labels(f, &e[i]);
                        fprintf(f, " %.9g\n",
                                value((enum field)k, &e[i], alive[i], ps ? &ps[i] : NULL));
                }
        }
        free(live);
        if (fclose(f) != 0 || live == NULL) {
                free(buf);
                return NULL;
        }
        return buf;
}
