/* `rtrun update|pause|resume|events`: the commands that act on a container's cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "cli/commands.h"
#include "runtime/runtime.h"

/* A loaded container's cgroup, with the host detection it needs. */
struct target {
        struct container *c;
        struct cg_host *host;
        struct cgroup *cg;
};

static void target_clear(struct target *t)
{
        cg_free(t->cg);
        cg_host_free(t->host);
        container_free(t->c);
}

static int target_open(const struct runtime_ctx *g, const char *id, struct target *t,
                       struct rterr *err)
{
        *t = (struct target){0};
        if (container_load(g, id, &t->c, err) < 0)
                return -1;
        if (t->c->cgroup_path == NULL)
                return rterr_set(err, ENOENT, "container %s has no cgroup", id);
        if (cg_host_detect(&t->host, err) < 0 ||
            cg_open(t->host, t->c->cgroup_path, &t->cg, err) < 0)
                return rterr_wrap(err, "container %s", id);
        return 0;
}

/* What --help prints after the Usage line: what the command does and every option. */
static const struct {
        const char *cmd, *text;
} help_texts[] = {
    {"pause", "Suspends all processes inside the container (the cgroup freezer).\n"
              "\n"
              "Options:\n"
              "   --help, -h   show this help\n"},
    {"resume", "Resumes all processes that were suspended by 'rtrun pause'.\n"
               "\n"
               "Options:\n"
               "   --help, -h   show this help\n"},
    {"update",
     "Updates the resource limits of a running container, in its cgroup and in its state.\n"
     "\n"
     "Options:\n"
     "   --resources FILE|-       a runtime-spec linux.resources JSON object (- reads stdin)\n"
     "   --memory SIZE            memory limit\n"
     "   --memory-reservation SIZE  memory soft limit\n"
     "   --memory-swap SIZE       memory plus swap limit\n"
     "   --cpu-shares N           CPU shares (relative weight)\n"
     "   --cpu-quota N            CPU CFS quota in microseconds per period\n"
     "   --cpu-period N           CPU CFS period in microseconds\n"
     "   --cpu-rt-runtime N       real-time runtime in microseconds per period (cgroup v1)\n"
     "   --cpu-rt-period N        real-time period in microseconds (cgroup v1)\n"
     "   --cpuset-cpus LIST       CPUs the container may use (e.g. 1-3,5)\n"
     "   --cpuset-mems LIST       memory nodes the container may use\n"
     "   --pids-limit N           maximum number of processes\n"
     "   --blkio-weight N         block IO weight (10 to 1000)\n"
     "   --help, -h               show this help\n"},
    {"events", "Displays container events as JSON lines until the container's init exits:\n"
               "its resource usage every interval ({\"type\":\"stats\"}) and OOM kills as they\n"
               "happen ({\"type\":\"oom\"}).\n"
               "\n"
               "Options:\n"
               "   --stats                 print the resource usage once and exit\n"
               "   --interval DURATION     how often to print stats (default 5s)\n"
               "   --help, -h              show this help\n"},
};

static int usage(const char *cmd, const char *synopsis, int code)
{
        fprintf(code ? stderr : stdout, "Usage: rtrun %s %s\n", cmd, synopsis);
        for (size_t i = 0; code == 0 && i < sizeof(help_texts) / sizeof(help_texts[0]); i++)
                if (strcmp(help_texts[i].cmd, cmd) == 0)
                        printf("\n%s", help_texts[i].text);
        return code;
}

/* Options end the option list; exactly one ID follows. */
static const char *single_id(int argc, char **argv, const char *cmd, const char *synopsis)
{
        if (optind != argc - 1) {
                fprintf(stderr, "rtrun %s: expected exactly one container ID\n", cmd);
                usage(cmd, synopsis, 1);
                return NULL;
        }
        return argv[optind];
}

static int simple_opts(int argc, char **argv, const char *synopsis, bool *help)
{
        static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
        *help = false;
        optind = 1;
        for (int o; (o = getopt_long(argc, argv, "+h", opts, NULL)) != -1;) {
                if (o == 'h') {
                        *help = true;
                        return usage(argv[0], synopsis, 0);
                }
                return usage(argv[0], synopsis, 1);
        }
        return 0;
}

/* runc: a created or running container can be paused. */
static int freeze_cmd(const struct runtime_ctx *g, int argc, char **argv, bool frozen)
{
        const char *syn = "CONTAINER_ID";
        bool help;
        if (simple_opts(argc, argv, syn, &help) != 0 || help)
                return help ? 0 : 1;
        const char *id = single_id(argc, argv, argv[0], syn);
        if (id == NULL)
                return 1;
        struct rterr err = {0};
        struct target t;
        int r = target_open(g, id, &t, &err);
        if (r == 0 && frozen && t.c->status != OCI_STATUS_RUNNING &&
            t.c->status != OCI_STATUS_CREATED)
                r = rterr_set(&err, 0, "container %s: container not running", id);
        if (r == 0 && !frozen && t.c->status != OCI_STATUS_PAUSED)
                r = rterr_set(&err, 0, "container %s: container not paused", id);
        if (r == 0)
                r = cg_freeze(t.cg, frozen, &err);
        target_clear(&t);
        return r < 0 ? log_fail(g, &err) : 0;
}

int cmd_pause(const struct runtime_ctx *g, int argc, char **argv)
{
        return freeze_cmd(g, argc, argv, true);
}

int cmd_resume(const struct runtime_ctx *g, int argc, char **argv)
{
        return freeze_cmd(g, argc, argv, false);
}

/* ---- update ---- */

static int num_u64(const char *flag, const char *s, oci_opt_u64 *out, struct rterr *err)
{
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end || s[0] == '-')
                return rterr_set(err, EINVAL, "--%s: invalid value '%s'", flag, s);
        *out = (oci_opt_u64){true, v};
        return 0;
}

static int num_i64(const char *flag, const char *s, oci_opt_i64 *out, struct rterr *err)
{
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || end == s || *end)
                return rterr_set(err, EINVAL, "--%s: invalid value '%s'", flag, s);
        *out = (oci_opt_i64){true, v};
        return 0;
}

static int size_i64(const char *flag, const char *s, oci_opt_i64 *out, struct rterr *err)
{
        int64_t v;
        if (cg_parse_size(s, &v, err) < 0)
                return rterr_wrap(err, "--%s", flag);
        *out = (oci_opt_i64){true, v};
        return 0;
}

static int set_str(char **dst, const char *s, struct rterr *err)
{
        free(*dst);
        *dst = strdup(s);
        return *dst ? 0 : rterr_errno(err, "update");
}

enum {
        O_RESOURCES = 'r',
        O_MEMORY = 256,
        O_MEMRES,
        O_MEMSWAP,
        O_KMEM,
        O_KMEMTCP,
        O_SHARES,
        O_QUOTA,
        O_PERIOD,
        O_RTRUN,
        O_RTPER,
        O_CPUS,
        O_MEMS,
        O_PIDS,
        O_BLKIO,
};

static const struct option update_opts[] = {
    {"resources", required_argument, NULL, O_RESOURCES},
    {"memory", required_argument, NULL, O_MEMORY},
    {"memory-reservation", required_argument, NULL, O_MEMRES},
    {"memory-swap", required_argument, NULL, O_MEMSWAP},
    {"kernel-memory", required_argument, NULL, O_KMEM},
    {"kernel-memory-tcp", required_argument, NULL, O_KMEMTCP},
    {"cpu-shares", required_argument, NULL, O_SHARES},
    {"cpu-quota", required_argument, NULL, O_QUOTA},
    {"cpu-period", required_argument, NULL, O_PERIOD},
    {"cpu-rt-runtime", required_argument, NULL, O_RTRUN},
    {"cpu-rt-period", required_argument, NULL, O_RTPER},
    {"cpuset-cpus", required_argument, NULL, O_CPUS},
    {"cpuset-mems", required_argument, NULL, O_MEMS},
    {"pids-limit", required_argument, NULL, O_PIDS},
    {"blkio-weight", required_argument, NULL, O_BLKIO},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static const char update_syn[] =
    "[--resources FILE|-] [--memory SIZE] [--memory-reservation SIZE] [--memory-swap SIZE]\n"
    "    [--cpu-shares N] [--cpu-quota N] [--cpu-period N] [--cpu-rt-runtime N]\n"
    "    [--cpu-rt-period N] [--cpuset-cpus LIST] [--cpuset-mems LIST] [--pids-limit N]\n"
    "    [--blkio-weight N] CONTAINER_ID\n"
    "SIZE takes binary units: 64M, 1g, 512k; -1 means unlimited.";

/* stdin read directly: /dev/stdin needs /proc/self/fd links a minimal /dev may lack. */
static int read_stdin(char **out, size_t *len, struct rterr *err)
{
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        if (f == NULL)
                return rterr_errno(err, "read stdin");
        char chunk[4096];
        ssize_t r;
        while ((r = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        int saved = errno;
                        fclose(f);
                        free(buf);
                        return rterr_sys(err, saved, "read stdin");
                }
                fwrite(chunk, 1, (size_t)r, f);
        }
        if (fclose(f) != 0) {
                free(buf);
                return rterr_errno(err, "read stdin");
        }
        *out = buf;
        *len = n;
        return 0;
}

static int load_resources_file(const char *path, struct oci_resources **out, struct rterr *err)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        bool in = strcmp(path, "-") == 0;
        if ((in ? read_stdin(&buf, &len, err) : read_file_at(AT_FDCWD, path, &buf, &len, err)) < 0)
                return rterr_wrap(err, "--resources");
        return oci_resources_parse(buf, len, in ? "stdin" : path, out, err);
}

/* One flag into the resources it sets. */
static int update_flag(const struct runtime_ctx *g, int o, const char *arg, struct oci_resources *r,
                       struct rterr *err)
{
        const char *name = NULL;
        for (const struct option *p = update_opts; p->name; p++)
                if (p->val == o)
                        name = p->name;
        switch (o) {
        case O_MEMORY:
                r->memory.set = true;
                return size_i64(name, arg, &r->memory.limit, err);
        case O_MEMRES:
                r->memory.set = true;
                return size_i64(name, arg, &r->memory.reservation, err);
        case O_MEMSWAP:
                r->memory.set = true;
                return size_i64(name, arg, &r->memory.swap, err);
        case O_KMEM:
        case O_KMEMTCP:
                log_msg(g, LOG_WARN, "--%s is ignored: the kernel no longer enforces kmem limits",
                        name);
                return 0;
        case O_SHARES:
                r->cpu.set = true;
                return num_u64(name, arg, &r->cpu.shares, err);
        case O_QUOTA:
                r->cpu.set = true;
                return num_i64(name, arg, &r->cpu.quota, err);
        case O_PERIOD:
                r->cpu.set = true;
                return num_u64(name, arg, &r->cpu.period, err);
        case O_RTRUN:
                r->cpu.set = true;
                return num_i64(name, arg, &r->cpu.realtime_runtime, err);
        case O_RTPER:
                r->cpu.set = true;
                return num_u64(name, arg, &r->cpu.realtime_period, err);
        case O_CPUS:
                r->cpu.set = true;
                return set_str(&r->cpu.cpus, arg, err);
        case O_MEMS:
                r->cpu.set = true;
                return set_str(&r->cpu.mems, arg, err);
        case O_PIDS:
                return num_i64(name, arg, &r->pids_limit, err);
        case O_BLKIO:
                r->blkio.set = true;
                return num_u64(name, arg, &r->blkio.weight, err);
        }
        return rterr_set(err, EINVAL, "unknown option");
}

/* An update that names no device rules keeps the container's own: the device policy is
 * always written whole (deny all, the rules, the defaults). */
static int keep_devices(const struct container *c, struct oci_resources *r, struct rterr *err)
{
        if (r->n_devices > 0)
                return 0;
        _cleanup_spec_ struct oci_spec *spec = NULL;
        if (container_load_spec(c, &spec, err) < 0)
                return -1;
        const struct oci_resources *old = &spec->linux_.resources;
        if (old->n_devices == 0)
                return 0;
        r->devices = calloc(old->n_devices, sizeof(*r->devices));
        if (r->devices == NULL)
                return rterr_errno(err, "update");
        memcpy(r->devices, old->devices, old->n_devices * sizeof(*r->devices));
        r->n_devices = old->n_devices;
        return 0;
}

int cmd_update(const struct runtime_ctx *g, int argc, char **argv)
{
        struct rterr err = {0};
        _cleanup_resources_ struct oci_resources *res = NULL;
        const char *file = NULL;
        struct {
                int opt;
                const char *arg;
        } flags[32];
        int nflags = 0;
        optind = 1;
        for (int o; (o = getopt_long(argc, argv, "r:h", update_opts, NULL)) != -1;) {
                if (o == 'h')
                        return usage("update", update_syn, 0);
                if (o == '?' || nflags == 32)
                        return usage("update", update_syn, 1);
                if (o == O_RESOURCES)
                        file = optarg;
                else {
                        flags[nflags].opt = o;
                        flags[nflags++].arg = optarg;
                }
        }
        const char *id = single_id(argc, argv, "update", update_syn);
        if (id == NULL)
                return 1;
        if (file && load_resources_file(file, &res, &err) < 0)
                return log_fail(g, &err);
        if (file == NULL && (res = calloc(1, sizeof(*res))) == NULL)
                return log_fail(g, (rterr_errno(&err, "update"), &err));
        /* Flags win over the file, as in runc. */
        for (int i = 0; i < nflags; i++) {
                if (update_flag(g, flags[i].opt, flags[i].arg, res, &err) < 0)
                        return log_fail(g, &err);
        }
        struct target t;
        int r = target_open(g, id, &t, &err);
        if (r == 0 && t.c->status == OCI_STATUS_STOPPED)
                r = rterr_set(&err, 0, "container %s: container not running", id);
        if (r == 0)
                r = keep_devices(t.c, res, &err);
        struct rtwarn warn = log_warn_sink(g);
        if (r == 0 && cg_apply(t.cg, res, &warn, &err) < 0)
                r = rterr_wrap(&err, "update %s", id);
        target_clear(&t);
        return r < 0 ? log_fail(g, &err) : 0;
}

/* ---- events ---- */

/* Go's duration syntax, as far as runc users write it: "5s", "500ms", "1m", "1m30s". */
static int parse_interval(const char *s, long long *ms, struct rterr *err)
{
        static const struct {
                const char *unit;
                double ms;
        } units[] = {{"ms", 1},   {"us", 0.001}, {"ns", 1e-6},
                     {"s", 1000}, {"m", 60000},  {"h", 3600000}};
        double total = 0;
        const char *p = s;
        while (*p) {
                char *end;
                double v = strtod(p, &end);
                if (end == p || v < 0)
                        return rterr_set(err, EINVAL, "--interval: invalid duration '%s'", s);
                size_t i = 0, n = sizeof(units) / sizeof(units[0]);
                while (i < n && strncmp(end, units[i].unit, strlen(units[i].unit)) != 0)
                        i++;
                if (i == n)
                        return rterr_set(err, EINVAL,
                                         "--interval: invalid duration '%s' (use e.g. 5s, 500ms)",
                                         s);
                total += v * units[i].ms;
                p = end + strlen(units[i].unit);
        }
        if (total < 1)
                return rterr_set(err, EINVAL, "--interval: '%s' must be at least 1ms", s);
        *ms = (long long)total;
        return 0;
}

static int print_stats(struct cgroup *cg, const char *id, struct rterr *err)
{
        _cleanup_free_ char *data = NULL;
        if (cg_stats_json(cg, &data, err) < 0)
                return -1;
        printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id, data);
        fflush(stdout);
        return 0;
}

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Stats every interval and OOM events as they happen, until the container's init exits. The
 * state lock is not held meanwhile: other commands on the container must go on. */
static int events_loop(struct cgroup *cg, const char *id, pid_t pid, long long interval,
                       struct rterr *err)
{
        _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
                return errno == ESRCH ? 0 : rterr_errno(err, "pidfd_open %d", (int)pid);
        struct cg_oom *oom = NULL;
        if (cg_oom_open(cg, &oom, err) < 0)
                return -1;
        int r = 0;
        long long next = now_ms();
        while (r == 0) {
                long long wait = next - now_ms();
                if (wait <= 0) {
                        if ((r = print_stats(cg, id, err)) < 0)
                                break;
                        next = now_ms() + interval;
                        continue;
                }
                bool polled = cg_oom_polled(oom);
                long long cap = polled ? CG_OOM_POLL_MS : 60000;
                struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
                                      {.fd = cg_oom_fd(oom), .events = cg_oom_poll_events(oom)}};
                if (poll(p, 2, (int)(wait > cap ? cap : wait)) < 0) {
                        if (errno != EINTR)
                                r = rterr_errno(err, "poll");
                        continue;
                }
                unsigned long long n = 0;
                if ((polled || (p[1].revents & (POLLIN | POLLPRI))) &&
                    (r = cg_oom_check(oom, &n, err)) < 0)
                        break;
                for (unsigned long long i = 0; i < n; i++)
                        printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
                fflush(stdout);
                if (p[0].revents & POLLIN)
                        break;
        }
        cg_oom_free(oom);
        return r;
}

int cmd_events(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'i'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
        const char *syn = "[--stats] [--interval DURATION] CONTAINER_ID";
        bool stats = false;
        long long interval = 5000;
        struct rterr err = {0};
        optind = 1;
        for (int o; (o = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
                if (o == 'h')
                        return usage("events", syn, 0);
                if (o == 's')
                        stats = true;
                else if (o == 'i' && parse_interval(optarg, &interval, &err) < 0)
                        return log_fail(g, &err);
                else if (o == '?')
                        return usage("events", syn, 1);
        }
        const char *id = single_id(argc, argv, "events", syn);
        if (id == NULL)
                return 1;
        struct target t;
        int r = target_open(g, id, &t, &err);
        if (r == 0 && t.c->status == OCI_STATUS_STOPPED)
                r = rterr_set(&err, 0, "container %s: container not running", id);
        if (r == 0 && stats) {
                r = print_stats(t.cg, id, &err);
        } else if (r == 0) {
                pid_t pid = t.c->pid;
                container_free(TAKE_PTR(t.c));
                r = events_loop(t.cg, id, pid, interval, &err);
        }
        target_clear(&t);
        return r < 0 ? log_fail(g, &err) : 0;
}
