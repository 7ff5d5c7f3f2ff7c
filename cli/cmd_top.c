/* `rtrun top`: the admission ledger as a live view, one frame every --delay seconds: per CPU
 * the capacity and granted utilisation, per reservation its grant and what its process used
 * in the last interval (CPU time of all its threads, scaled to one period), how often it went
 * over its grant, and its involuntary switches. On a terminal each frame replaces the last and
 * `q` quits; otherwise frames are printed one after another (plain text, for logs and tests),
 * --iterations of them. SIGINT and SIGTERM end it cleanly (exit 0) through a signalfd: no
 * handler, no global state. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/common.h"
#include "runtime/runtime.h"
#include "scheduler/scheduler.h"

static const char top_usage[] =
    "Usage: rtrun top [--delay SECONDS] [--iterations N]\n"
    "\n"
    "A live view of the real-time reservations in the admission ledger: per CPU its\n"
    "capacity and granted utilisation; per container its criticality, policy, CPUs, grant and\n"
    "period, and over the last interval: USED, the CPU time its threads ran scaled to one\n"
    "period (ms), USE% of the grant, OVER, in how many intervals since top started USED\n"
    "exceeded the grant, and INVOL/s, involuntary context switches per second. On a terminal\n"
    "each frame replaces the last and q quits; otherwise (a pipe, a file) frames follow one\n"
    "another. SIGINT or SIGTERM ends it with exit status 0.\n"
    "\n"
    "Options:\n"
    "   --delay SECONDS, -d SECONDS  between frames (default 1, at least 0.1)\n"
    "   --iterations N, -n N         stop after N frames (default: until q or a signal)\n"
    "   --help, -h                   show this help\n";

#define TOP_MAX_CPU_ROWS 32

/* What one reservation's process had used at the last frame. */
struct top_prev {
        pid_t pid;
        uint64_t starttime;
        uint64_t run_ns, involuntary;
        unsigned over; /* intervals whose use exceeded the grant */
        bool seen;     /* in the current frame */
};

struct top_state {
        struct top_prev *v;
        size_t n;
        struct timespec at; /* the last frame's sampling time */
        unsigned frame;
};

/* CPU time and involuntary switches of every thread of pid; false when it is gone. */
static bool proc_usage(pid_t pid, uint64_t *run_ns, uint64_t *involuntary)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
        _cleanup_closedir_ DIR *d = opendir(path);
        if (d == NULL)
                return false;
        *run_ns = *involuntary = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.')
                        continue;
                char file[320];
                _cleanup_free_ char *text = NULL;
                size_t len;
                struct rterr err;
                uint64_t run = 0, inv = 0;
                snprintf(file, sizeof(file), "/proc/%d/task/%s/schedstat", (int)pid, de->d_name);
                if (read_file_at(AT_FDCWD, file, &text, &len, &err) == 0 &&
                    sscanf(text, "%" SCNu64, &run) == 1)
                        *run_ns += run;
                free(text);
                text = NULL;
                snprintf(file, sizeof(file), "/proc/%d/task/%s/status", (int)pid, de->d_name);
                const char *p;
                if (read_file_at(AT_FDCWD, file, &text, &len, &err) == 0 &&
                    (p = strstr(text, "\nnonvoluntary_ctxt_switches:")) != NULL &&
                    sscanf(p + 28, "%" SCNu64, &inv) == 1)
                        *involuntary += inv;
        }
        return true;
}

static struct top_prev *prev_of(struct top_state *s, const struct sched_entry *e)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->v[i].pid == e->pid && s->v[i].starttime == e->starttime)
                        return &s->v[i];
        struct top_prev *v = realloc(s->v, (s->n + 1) * sizeof(*v));
        if (v == NULL)
                return NULL;
        s->v = v;
        v[s->n] = (struct top_prev){.pid = e->pid, .starttime = e->starttime, .run_ns = UINT64_MAX};
        return &v[s->n++];
}

/* Forgets the processes not seen in this frame (they ended). */
static void prune(struct top_state *s)
{
        size_t k = 0;
        for (size_t i = 0; i < s->n; i++)
                if (s->v[i].seen) {
                        s->v[k] = s->v[i];
                        s->v[k++].seen = false;
                }
        s->n = k;
}

static double ms(uint64_t ns)
{
        return (double)ns / 1e6;
}

static const char *short_name(const struct sched_task *t, char *buf, size_t size)
{
        snprintf(buf, size, "%.24s", t->name[0] ? t->name : t->id);
        return buf;
}

static void print_cpus(const struct sched_task *t, size_t n, const struct sched_host *h)
{
        printf("%-5s %-9s %-12s\n", "CPU", "CAPACITY", "UTILISATION");
        unsigned rows = 0, hidden = 0;
        bool all = cpumask_count(&h->cpus) <= TOP_MAX_CPU_ROWS;
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu)) {
                double u = sched_cpu_utilisation(t, n, cpu);
                if ((!all && u == 0) || rows >= TOP_MAX_CPU_ROWS) {
                        hidden++;
                        continue;
                }
                printf("%-5d %-9.3f %-12.3f\n", cpu, sched_host_capacity_cpu(h, cpu), u);
                rows++;
        }
        if (hidden)
                printf("(%u more CPUs%s)\n", hidden, all ? "" : ", without reservations");
}

/* One frame: reads the ledger and each live process, prints, updates s. */
static int frame(struct top_state *s, double delay, bool tty, struct rterr *err)
{
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        if (admission_host_read(&h, err) < 0)
                return -1;
        _cleanup_ledger_ struct sched_ledger l = SCHED_LEDGER_INIT;
        if (sched_ledger_snapshot(&l, err) < 0)
                return -1;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double dt = s->frame ? (double)(now.tv_sec - s->at.tv_sec) +
                                   (double)(now.tv_nsec - s->at.tv_nsec) / 1e9
                             : 0;
        s->at = now;
        s->frame++;
        _cleanup_free_ struct sched_task *t = calloc(l.n + 1, sizeof(*t));
        _cleanup_free_ bool *alive = calloc(l.n + 1, sizeof(bool));
        if (t == NULL || alive == NULL)
                return rterr_sys(err, ENOMEM, "top");
        size_t n = 0, dead = 0;
        for (size_t i = 0; i < l.n; i++) {
                alive[i] = sched_entry_alive(&l.v[i]);
                if (alive[i])
                        t[n++] = l.v[i].task;
                else
                        dead++;
        }
        char clock[16];
        time_t wall = time(NULL);
        strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&wall));
        if (tty)
                fputs("\033[H\033[2J", stdout);
        printf("rtrun top - %s  frame %u  every %.1f s  reservations: %zu alive, %zu dead  "
               "decisions: %" PRIu64 " admitted, %" PRIu64 " refused, %" PRIu64 " compressed\n\n",
               clock, s->frame, delay, n, dead, l.counters.admitted, l.counters.refused,
               l.counters.compressed);
        print_cpus(t, n, &h);
        printf("\n%-24s %-8s %-11s %-8s %-7s %-9s %-10s %-9s %-6s %-5s %s\n", "CONTAINER", "PID",
               "CRITICALITY", "POLICY", "CPUS", "GRANT(ms)", "PERIOD(ms)", "USED(ms)", "USE%",
               "OVER", "INVOL/s");
        for (size_t i = 0; i < l.n; i++) {
                const struct sched_entry *e = &l.v[i];
                if (!alive[i])
                        continue;
                char name[32], cpus[64], used[16] = "-", use[16] = "-", inv[16] = "-";
                const char *pol = sched_policy_name(e->task.policy);
                uint64_t run = 0, invol = 0;
                struct top_prev *p = prev_of(s, e);
                if (p == NULL)
                        return rterr_sys(err, ENOMEM, "top");
                p->seen = true;
                if (proc_usage(e->pid, &run, &invol)) {
                        if (p->run_ns != UINT64_MAX && dt > 0 && run >= p->run_ns) {
                                /* CPU time per period, averaged over the interval */
                                double per = (double)(run - p->run_ns) *
                                             (double)(e->task.period ? e->task.period : 1) /
                                             (dt * 1e9);
                                if (e->task.period && e->task.granted &&
                                    per > (double)e->task.granted)
                                        p->over++;
                                snprintf(used, sizeof(used), "%.3f", per / 1e6);
                                if (e->task.granted)
                                        snprintf(use, sizeof(use), "%.0f",
                                                 100.0 * per / (double)e->task.granted);
                                snprintf(inv, sizeof(inv), "%.0f",
                                         (double)(invol - p->involuntary) / dt);
                        }
                        p->run_ns = run;
                        p->involuntary = invol;
                }
                cpumask_format(&e->task.cpus, cpus, sizeof(cpus));
                printf("%-24s %-8d %-11s %-8s %-7s %-9.3f %-10.3f %-9s %-6s %-5u %s\n",
                       short_name(&e->task, name, sizeof(name)), (int)e->pid,
                       sched_crit_name(e->task.crit), pol ? pol + 6 : "?", cpus,
                       ms(e->task.granted), ms(e->task.period), used, use, p->over, inv);
        }
        prune(s);
        if (!tty)
                printf("\n");
        fflush(stdout);
        return 0;
}

struct term {
        int fd;
        bool raw;
        struct termios saved;
};

static void term_restore(struct term *t)
{
        if (t->raw)
                tcsetattr(t->fd, TCSANOW, &t->saved);
}

/* Waits up to delay seconds; 1 when q was typed or a signal came, 0 when the time passed. */
static int wait_next(int sigfd, const struct term *t, double delay)
{
        struct timespec end, now;
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_sec += (time_t)delay;
        end.tv_nsec += (long)((delay - (double)(time_t)delay) * 1e9);
        if (end.tv_nsec >= 1000000000L) {
                end.tv_sec++;
                end.tv_nsec -= 1000000000L;
        }
        for (;;) {
                clock_gettime(CLOCK_MONOTONIC, &now);
                long left =
                    (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
                if (left <= 0)
                        return 0;
                struct pollfd p[2] = {{sigfd, POLLIN, 0}, {t->raw ? t->fd : -1, POLLIN, 0}};
                int r = poll(p, 2, (int)left);
                if (r < 0 && errno != EINTR)
                        return 1;
                if (r > 0 && (p[0].revents & POLLIN))
                        return 1;
                if (r > 0 && (p[1].revents & (POLLIN | POLLHUP))) {
                        char c = 0;
                        if (read(t->fd, &c, 1) <= 0 || c == 'q' || c == 'Q')
                                return 1;
                }
        }
}

int cmd_top(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {{"delay", required_argument, NULL, 'd'},
                                             {"iterations", required_argument, NULL, 'n'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
        double delay = 1;
        long iterations = 0;
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+d:n:h", opts, NULL)) != -1) {
                char *end = NULL;
                if (ch == 'h')
                        return cli_help(top_usage);
                if (ch == 'd') {
                        delay = strtod(optarg, &end);
                        if (end == optarg || *end || !(delay >= 0.1 && delay <= 86400))
                                return cli_usage_error(
                                    g, "top", "--delay %s: seconds from 0.1 to 86400", optarg);
                } else if (ch == 'n') {
                        iterations = strtol(optarg, &end, 10);
                        if (end == optarg || *end || iterations < 1)
                                return cli_usage_error(
                                    g, "top", "--iterations %s: a count of at least 1", optarg);
                } else if (optopt == 'd' || optopt == 'n') {
                        return cli_usage_error(g, "top", "%s needs a value", argv[optind - 1]);
                } else {
                        return cli_usage_error(g, "top", "unknown option %s", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cli_usage_error(g, "top", "takes no arguments, got %s", argv[optind]);

        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        _cleanup_close_ int sigfd = -1;
        struct rterr err = {0};
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
            (sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
                rterr_errno(&err, "top: signalfd");
                return log_fail(g, &err);
        }
        bool tty = isatty(STDOUT_FILENO);
        __attribute__((cleanup(term_restore))) struct term term = {.fd = STDIN_FILENO};
        if (tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &term.saved) == 0) {
                struct termios raw = term.saved;
                raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
                raw.c_cc[VMIN] = 1;
                raw.c_cc[VTIME] = 0;
                term.raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
        }
        struct top_state s = {0};
        int rc = 0;
        for (long i = 0; iterations == 0 || i < iterations; i++) {
                if (frame(&s, delay, tty, &err) < 0) {
                        rc = log_fail(g, &err);
                        break;
                }
                if ((iterations == 0 || i + 1 < iterations) && wait_next(sigfd, &term, delay))
                        break;
        }
        free(s.v);
        return rc;
}
