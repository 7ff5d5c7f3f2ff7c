/* rtprobe: a periodic real-time task (the perception/planning/control roles of the example
 * stack). Each period it sleeps until its planned release (absolute time), spins for its CPU
 * budget, and records when it woke and when it finished; at the end it prints activations,
 * deadline misses and latency percentiles as text or JSON. Static, so it runs in busybox rootfs. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tests/helpers/rtprobe_acct.h"

#define SCHED_FLAG_DL_OVERRUN_BIT 0x04
/* Names go into JSON unescaped, so keep them to these. */
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

struct sched_attr_v0 {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
};

struct options {
        const char *name;
        int64_t period, budget, deadline, duration;
        uint64_t count;
        int dl_overrun, json, histogram;
        int fifo;                /* --fifo PRIO: ask the kernel for SCHED_FIFO itself (0: do not) */
        int mlocked;             /* mlockall() succeeded */
        const char *fifo_result; /* "none", "granted" or the errno text of the refusal */
};

/* Signal handlers can only talk to the loop through objects of static storage. */
static volatile sig_atomic_t overruns;
static volatile sig_atomic_t stop_requested;

static void on_sigxcpu(int sig)
{
        (void)sig;
        overruns++;
}

static void on_stop(int sig)
{
        (void)sig;
        stop_requested = 1;
}

static int64_t now_ns(clockid_t clk)
{
        struct timespec ts;
        clock_gettime(clk, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void spin_cpu(int64_t budget)
{
        int64_t start = now_ns(CLOCK_THREAD_CPUTIME_ID);
        while (now_ns(CLOCK_THREAD_CPUTIME_ID) - start < budget)
                ;
}

static void sleep_until(int64_t t)
{
        struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR &&
               !stop_requested)
                ;
}

static const char *policy_name(uint32_t p)
{
        switch (p) {
        case SCHED_OTHER:
                return "SCHED_OTHER";
        case SCHED_FIFO:
                return "SCHED_FIFO";
        case SCHED_RR:
                return "SCHED_RR";
        case SCHED_BATCH:
                return "SCHED_BATCH";
        case SCHED_IDLE:
                return "SCHED_IDLE";
        case 6:
                return "SCHED_DEADLINE";
        default:
                return "unknown";
        }
}

static int get_attr(struct sched_attr_v0 *a)
{
        memset(a, 0, sizeof(*a));
        return (int)syscall(SYS_sched_getattr, 0, a, sizeof(*a), 0);
}

/* SIGXCPU on overrun needs SCHED_FLAG_DL_OVERRUN on our own reservation: keep what the runtime
 * set and add the flag (needs CAP_SYS_NICE; the bundle may instead set it in its scheduler). */
static void enable_dl_overrun(void)
{
        struct sched_attr_v0 a;
        struct sigaction sa = {.sa_handler = on_sigxcpu};
        sigaction(SIGXCPU, &sa, NULL);
        if (get_attr(&a) < 0 || a.sched_policy != 6 || (a.sched_flags & SCHED_FLAG_DL_OVERRUN_BIT))
                return;
        a.sched_flags |= SCHED_FLAG_DL_OVERRUN_BIT;
        if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
                fprintf(stderr, "rtprobe: cannot add SCHED_FLAG_DL_OVERRUN: %s\n", strerror(errno));
}

static void cpus_string(char *buf, size_t len)
{
        cpu_set_t set;
        size_t off = 0;
        buf[0] = '\0';
        if (sched_getaffinity(0, sizeof(set), &set) < 0)
                return;
        for (int c = 0; c < CPU_SETSIZE && off + 8 < len; c++) {
                if (!CPU_ISSET(c, &set))
                        continue;
                int end = c;
                while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set))
                        end++;
                off += (size_t)snprintf(buf + off, len - off, off ? ",%d" : "%d", c);
                if (end > c)
                        off += (size_t)snprintf(buf + off, len - off, "-%d", end);
                c = end;
        }
}

static void print_text(const struct options *o, const struct rtprobe_summary *s,
                       const struct sched_attr_v0 *a, const char *cpus)
{
        printf("rtprobe %s: %" PRIu64 " activations, %" PRIu64 " deadline misses (%" PRIu64
               " releases skipped), %d overruns\n",
               o->name, s->activations, s->misses, s->skipped, (int)overruns);
        printf("  period %" PRId64 " us, budget %" PRId64 " us, deadline %" PRId64 " us\n",
               o->period / 1000, o->budget / 1000, o->deadline / 1000);
        printf("  wake-up latency us: min %.1f avg %.1f p99 %.1f max %.1f\n", s->lat_min / 1e3,
               s->lat_avg / 1e3, s->lat_p99 / 1e3, s->lat_max / 1e3);
        printf("  completion us: p99 %.1f max %.1f\n", s->response_p99 / 1e3,
               s->response_max / 1e3);
        printf("  policy %s runtime %" PRIu64 " deadline %" PRIu64 " period %" PRIu64 ", cpus %s\n",
               policy_name(a->sched_policy), a->sched_runtime, a->sched_deadline, a->sched_period,
               cpus);
}

static void print_json(const struct options *o, const struct rtprobe_summary *s,
                       const struct sched_attr_v0 *a, const char *cpus, const uint64_t *hist)
{
        printf("{\"name\":\"%s\",\"activations\":%" PRIu64 ",\"skipped\":%" PRIu64
               ",\"misses\":%" PRIu64 ",\"overruns\":%d,\"period_ns\":%" PRId64
               ",\"budget_ns\":%" PRId64 ",\"deadline_ns\":%" PRId64 ",",
               o->name, s->activations, s->skipped, s->misses, (int)overruns, o->period, o->budget,
               o->deadline);
        printf("\"latency_ns\":{\"min\":%" PRId64 ",\"avg\":%" PRId64 ",\"p50\":%" PRId64
               ",\"p99\":%" PRId64 ",\"p999\":%" PRId64 ",\"max\":%" PRId64
               "},\"completion_ns\":{\"p99\":%" PRId64 ",\"max\":%" PRId64
               "},\"job_ns\":{\"p999\":%" PRId64 ",\"max\":%" PRId64 "},",
               s->lat_min, s->lat_avg, s->lat_p50, s->lat_p99, s->lat_p999, s->lat_max,
               s->response_p99, s->response_max, s->job_p999, s->job_max);
        printf("\"mlocked\":%s,\"fifo_request\":\"%s\",", o->mlocked ? "true" : "false",
               o->fifo_result);
        printf("\"sched\":{\"policy\":\"%s\",\"flags\":%" PRIu64 ",\"runtime\":%" PRIu64
               ",\"deadline\":%" PRIu64 ",\"period\":%" PRIu64 "},\"cpus\":\"%s\"",
               policy_name(a->sched_policy), a->sched_flags, a->sched_runtime, a->sched_deadline,
               a->sched_period, cpus);
        if (hist) {
                const char *sep = "";
                printf(",\"histogram_us\":[");
                for (int i = 0; i < RTPROBE_HIST_BUCKETS; i++) {
                        if (!hist[i])
                                continue;
                        printf("%s[%d,%" PRIu64 "]", sep, i, hist[i]);
                        sep = ",";
                }
                printf("]");
        }
        printf("}\n");
}

static void usage(FILE *f)
{
        fprintf(f,
                "usage: rtprobe --period T --budget T (--duration T | --count N) [--deadline T]\n"
                "               [--dl-overrun] [--json] [--histogram] [--name NAME] [--fifo PRIO]\n"
                "T is an integer with unit ns, us, ms or s (bare: us). The budget is CPU time\n"
                "spun each period; the deadline (default: the period) is relative to the\n"
                "planned release. --dl-overrun counts SIGXCPU (SCHED_FLAG_DL_OVERRUN).\n"
                "--fifo PRIO makes the probe ask for SCHED_FIFO PRIO itself, as a program that\n"
                "manages its own priority would (the JSON says whether the kernel agreed).\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
        static const struct option longopts[] = {
            {"period", required_argument, NULL, 'p'},   {"budget", required_argument, NULL, 'b'},
            {"deadline", required_argument, NULL, 'd'}, {"duration", required_argument, NULL, 't'},
            {"count", required_argument, NULL, 'n'},    {"name", required_argument, NULL, 'N'},
            {"dl-overrun", no_argument, NULL, 'o'},     {"json", no_argument, NULL, 'j'},
            {"histogram", no_argument, NULL, 'H'},      {"fifo", required_argument, NULL, 'F'},
            {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
        int c;
        char *end;
        while ((c = getopt_long(argc, argv, "p:b:d:t:n:N:F:ojHh", longopts, NULL)) != -1) {
                int64_t *target = c == 'p'   ? &o->period
                                  : c == 'b' ? &o->budget
                                  : c == 'd' ? &o->deadline
                                  : c == 't' ? &o->duration
                                             : NULL;
                if (target) {
                        if (!rtprobe_parse_duration(optarg, target)) {
                                fprintf(stderr, "rtprobe: bad time '%s' for --%s\n", optarg,
                                        longopts[c == 'p'   ? 0
                                                 : c == 'b' ? 1
                                                 : c == 'd' ? 2
                                                            : 3]
                                            .name);
                                return -1;
                        }
                        continue;
                }
                switch (c) {
                case 'n':
                        errno = 0;
                        o->count = strtoull(optarg, &end, 10);
                        if (errno || *end || o->count == 0) {
                                fprintf(stderr, "rtprobe: bad --count '%s'\n", optarg);
                                return -1;
                        }
                        break;
                case 'N':
                        if (!*optarg || strspn(optarg, NAME_CHARS) != strlen(optarg)) {
                                fprintf(stderr, "rtprobe: --name takes [A-Za-z0-9._-]+\n");
                                return -1;
                        }
                        o->name = optarg;
                        break;
                case 'F':
                        errno = 0;
                        o->fifo = (int)strtol(optarg, &end, 10);
                        if (errno || *end || o->fifo < 1 || o->fifo > 99) {
                                fprintf(stderr, "rtprobe: bad --fifo '%s' (1..99)\n", optarg);
                                return -1;
                        }
                        break;
                case 'o':
                        o->dl_overrun = 1;
                        break;
                case 'j':
                        o->json = 1;
                        break;
                case 'H':
                        o->histogram = 1;
                        break;
                case 'h':
                        usage(stdout);
                        exit(0);
                default:
                        usage(stderr);
                        return -1;
                }
        }
        if (!o->period || !o->budget || (!o->duration && !o->count)) {
                usage(stderr);
                return -1;
        }
        if (!o->deadline)
                o->deadline = o->period;
        if (o->budget >= o->period || o->budget > o->deadline || o->deadline > o->period) {
                fprintf(stderr, "rtprobe: need budget <= deadline <= period, budget < period\n");
                return -1;
        }
        if (!o->count)
                o->count = (uint64_t)(o->duration / o->period);
        if (o->count == 0 || o->count > 100000000) {
                fprintf(stderr, "rtprobe: %" PRIu64 " activations is out of range\n", o->count);
                return -1;
        }
        return 0;
}

/* Runs the periodic loop over o->count releases; returns how many ran (fewer when a release
 * was skipped or on SIGTERM/SIGINT) and adds the skipped releases to *skipped. */
static size_t run_loop(const struct options *o, struct rtprobe_sample *samples, uint64_t *skipped)
{
        int64_t start = now_ns(CLOCK_MONOTONIC) + o->period;
        size_t n = 0;
        uint64_t k = 0;
        while (k < o->count && !stop_requested) {
                struct rtprobe_sample *s = &samples[n];
                s->release = start + (int64_t)k * o->period;
                sleep_until(s->release);
                if (stop_requested)
                        break;
                s->wakeup = now_ns(CLOCK_MONOTONIC);
                spin_cpu(o->budget);
                s->completion = now_ns(CLOCK_MONOTONIC);
                n++;
                uint64_t next = rtprobe_next_index(start, o->period, o->deadline, k, s->completion);
                if (next > o->count)
                        next = o->count;
                *skipped += next - k - 1;
                k = next;
        }
        return n;
}

int main(int argc, char **argv)
{
        struct options o = {.name = "rtprobe", .fifo_result = "none"};
        struct rtprobe_summary sum;
        struct sched_attr_v0 attr;
        struct sigaction stop = {.sa_handler = on_stop};
        char cpus[256];

        if (parse_args(argc, argv, &o) < 0)
                return 2;
        struct rtprobe_sample *samples = calloc(o.count, sizeof(*samples));
        int64_t *scratch = calloc(o.count, sizeof(*scratch));
        uint64_t *hist = o.histogram ? calloc(RTPROBE_HIST_BUCKETS, sizeof(*hist)) : NULL;
        if (!samples || !scratch || (o.histogram && !hist)) {
                fprintf(stderr, "rtprobe: out of memory for %" PRIu64 " samples\n", o.count);
                return 1;
        }
        /* Touch every page now so the loop never faults; locking is best effort (the container
         * may lack CAP_IPC_LOCK or a MEMLOCK limit). */
        memset(samples, 0, o.count * sizeof(*samples));
        memset(scratch, 0, o.count * sizeof(*scratch));
        o.mlocked = mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
        /* SCHED_OTHER timers fire up to timer_slack_ns (50 us) late; measure the scheduler, not
         * the slack (real-time policies have no slack anyway). */
        prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
        sigaction(SIGTERM, &stop, NULL);
        sigaction(SIGINT, &stop, NULL);
        if (o.dl_overrun)
                enable_dl_overrun();
        if (o.fifo) {
                struct sched_param sp = {.sched_priority = o.fifo};
                o.fifo_result =
                    sched_setscheduler(0, SCHED_FIFO, &sp) == 0 ? "granted" : strerror(errno);
        }
        if (get_attr(&attr) < 0)
                memset(&attr, 0, sizeof(attr));
        cpus_string(cpus, sizeof(cpus));

        uint64_t skipped = 0;
        size_t done = run_loop(&o, samples, &skipped);
        rtprobe_summarize(samples, done, skipped, o.deadline, scratch, &sum);
        if (hist)
                rtprobe_histogram(samples, done, hist);
        if (o.json)
                print_json(&o, &sum, &attr, cpus, hist);
        else
                print_text(&o, &sum, &attr, cpus);
        free(samples);
        free(scratch);
        free(hist);
        return 0;
}
