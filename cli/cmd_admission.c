/* `rtrun admission status [--format table|json]`
 * `rtrun admission check --taskset FILE [--format json|table]`
 * `rtrun admission check BUNDLE|DIR... [--format json|table|junit]`
 * A DIR that is not a bundle (no config.json) is searched for bundles, recursively.
 * The admission controller's CLI (scheduler/, docs/admission.md). `check` is a what-if and
 * changes nothing: exit 0 when everything is admitted, 2 when anything is rejected, 1 for
 * invalid input. */
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/common.h"
#include "oci/oci.h"
#include "cli/commands.h"
#include "runtime/runtime.h"
#include "scheduler/scheduler.h"

#define EXIT_REJECTED 2

struct opts {
        const char *window; /* adjust: milliseconds to measure over */
        const char *format; /* "table", "json" or "junit" */
        const char *taskset;
        char **bundles;
        int n_bundles;
};

static int parse_opts(int argc, char **argv, struct opts *o, struct rterr *err)
{
        for (int i = 0; i < argc; i++) {
                const char *a = argv[i];
                const char *val = NULL;
                if (strncmp(a, "--format=", 9) == 0 || strncmp(a, "--taskset=", 10) == 0 ||
                    strncmp(a, "--window=", 9) == 0) {
                        val = strchr(a, '=') + 1;
                } else if (strcmp(a, "--format") == 0 || strcmp(a, "--taskset") == 0 ||
                           strcmp(a, "--window") == 0) {
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
                else if (strncmp(a, "--window", 8) == 0)
                        o->window = val;
                else
                        o->taskset = val;
        }
        if (strcmp(o->format, "table") && strcmp(o->format, "json") && strcmp(o->format, "junit"))
                return rterr_set(err, EINVAL,
                                 "admission: --format must be table, json or junit, not %s",
                                 o->format);
        return 0;
}

/* A container as the tables show it: the engine's name when it passed one, else the id; an
 * engine's 64-hex id is cut to the 12 characters `podman ps` and `docker ps` show, so the
 * columns stay aligned. An exec keeps its "/exec-PID" suffix. */
struct shown {
        char s[512];
};

static bool is_hex_id(const char *s, size_t n)
{
        if (n != 64)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

static struct shown shown_name(const struct sched_task *t)
{
        struct shown r;
        const char *slash = strchr(t->id, '/');
        size_t base = slash ? (size_t)(slash - t->id) : strlen(t->id);
        const char *suffix = slash ? slash : "";
        if (t->name[0])
                snprintf(r.s, sizeof(r.s), "%s%s", t->name, suffix);
        else if (is_hex_id(t->id, base))
                snprintf(r.s, sizeof(r.s), "%.12s%s", t->id, suffix);
        else
                snprintf(r.s, sizeof(r.s), "%s", t->id);
        return r;
}

/* "FIFO" for SCHED_FIFO: the table's short form. */
static const char *policy_name(int p)
{
        const char *n = sched_policy_name(p);
        return n ? n + strlen("SCHED_") : "?";
}

static double ms(uint64_t ns)
{
        return (double)ns / 1e6;
}

static void print_cpus(const struct sched_task *t, size_t n, const struct sched_host *h)
{
        printf("%-5s %-9s %-8s %-12s %s\n", "CPU", "CAPACITY", "FOREIGN", "UTILISATION",
               "CONTAINERS");
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu)) {
                struct cpumask one;
                cpumask_zero(&one);
                cpumask_set(&one, (unsigned)cpu);
                printf("%-5d %-9.3f %-8.3f %-12.3f ", cpu, sched_host_capacity_on(h, &one),
                       sched_host_foreign_on(h, cpu), sched_cpu_utilisation(t, n, cpu));
                const char *sep = "";
                for (size_t i = 0; i < n; i++)
                        if (t[i].kind != SCHED_KIND_NONE && t[i].granted &&
                            cpumask_test(&t[i].cpus, cpu)) {
                                printf("%s%s", sep, shown_name(&t[i]).s);
                                sep = ",";
                        }
                printf("%s\n", *sep ? "" : "-");
        }
}

/* ---- check ---- */

static int print_check(const struct opts *o, const struct sched_task *t,
                       const struct sched_verdict *v, size_t n, const struct sched_host *h,
                       const struct sched_place_stats *st)
{
        if (strcmp(o->format, "json") == 0 || strcmp(o->format, "junit") == 0) {
                _cleanup_free_ char *doc = strcmp(o->format, "json") == 0
                                               ? sched_report_json_placed(t, v, n, h, st)
                                               : sched_report_junit_placed(t, v, n, h, st);
                if (doc == NULL)
                        return -1;
                printf("%s\n", doc);
                return 0;
        }
        printf("%-24s %-9s %-12s %-8s %-12s %-8s %s\n", "CONTAINER", "ADMITTED", "CRITICALITY",
               "POLICY", "GRANTED(ms)", "CPUS", "REASON");
        for (size_t i = 0; i < n; i++) {
                char granted[32] = "-", cpus[64] = "-";
                if (v[i].admitted && t[i].kind != SCHED_KIND_NONE) {
                        snprintf(granted, sizeof(granted), "%.3f", ms(t[i].granted));
                        cpumask_format(&t[i].cpus, cpus, sizeof(cpus));
                }
                printf("%-24s %-9s %-12s %-8s %-12s %-8s %s\n", shown_name(&t[i]).s,
                       v[i].admitted ? "yes" : "no", sched_crit_name(t[i].crit),
                       policy_name(t[i].policy), granted, cpus, v[i].reason);
        }
        printf("\n");
        print_cpus(t, n, h);
        if (st != NULL) {
                char gap[256];
                printf("\n%s\n", sched_place_gap_text(st, gap, sizeof(gap)));
        }
        return 0;
}

static int check_taskset(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        __attribute__((cleanup(admission_host_free))) struct sched_host kernel = {0};
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (admission_host_read(&kernel, &err) < 0)
                return log_fail(g, &err);
        /* a taskset describes its own host: the live host's foreign threads are not in it */
        struct sched_host base = kernel;
        base.foreign = NULL;
        base.n_foreign = 0;
        if (read_file_at(AT_FDCWD, o->taskset, &text, &len, &err) < 0)
                return log_fail(g, &err);
        struct sched_taskset ts;
        if (memchr(text, '\0',
                   len)) { /* the parser takes a C string: nothing may hide past a NUL */
                rterr_set(&err, EINVAL, "%s: invalid JSON: NUL byte at offset %zu", o->taskset,
                          (size_t)((char *)memchr(text, '\0', len) - text));
                return log_fail(g, &err);
        }
        if (sched_taskset_parse(text, o->taskset, &base, &ts, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ struct sched_verdict *v = calloc(ts.n + 1, sizeof(*v));
        if (v == NULL) {
                sched_taskset_free(&ts);
                rterr_errno(&err, "admission check");
                return log_fail(g, &err);
        }
        size_t rejected = sched_taskset_run(&ts, v);
        int r =
            print_check(o, ts.tasks, v, ts.n, &ts.host, ts.placed && !ts.online ? &ts.stats : NULL);
        sched_taskset_free(&ts);
        if (r < 0) {
                rterr_set(&err, ENOMEM, "admission check: out of memory");
                return log_fail(g, &err);
        }
        return rejected ? EXIT_REJECTED : 0;
}

/* The live reservations of the ledger as admitted tasks, plus room for `extra` more. */
static int ledger_tasks(struct sched_host *h, struct sched_task **out, size_t *n, size_t extra,
                        struct rterr *err)
{
        _cleanup_ledger_ struct sched_ledger l = SCHED_LEDGER_INIT;
        if (sched_ledger_snapshot(&l, err) < 0)
                return -1;
        sched_foreign_match(h->foreign, h->n_foreign, l.v, l.n);
        struct sched_task *t = calloc(l.n + extra + 1, sizeof(*t));
        if (t == NULL)
                return rterr_errno(err, "admission");
        *n = 0;
        for (size_t i = 0; i < l.n; i++)
                if (sched_entry_alive(&l.v[i]))
                        t[(*n)++] = l.v[i].task;
        *out = t;
        return 0;
}

/* ---- bundles under directories ---- */

/* Deep enough for any stack layout, shallow enough to stop a symlink-free loop of bind mounts. */
#define WALK_MAX_DEPTH 16

struct bundle_list {
        char **path;
        size_t n, cap;
};

static void bundle_list_free(struct bundle_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->path[i]);
        free(l->path);
}

static int bundle_list_add(struct bundle_list *l, const char *path, struct rterr *err)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 16;
                char **p = realloc(l->path, cap * sizeof(*p));
                if (p == NULL)
                        return rterr_errno(err, "admission check");
                l->path = p;
                l->cap = cap;
        }
        if ((l->path[l->n] = strdup(path)) == NULL)
                return rterr_errno(err, "admission check");
        l->n++;
        return 0;
}

static bool has_config(const char *dir)
{
        char p[PATH_MAX];
        struct stat st;
        if ((size_t)snprintf(p, sizeof(p), "%s/config.json", dir) >= sizeof(p))
                return false;
        return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

/* Adds dir if it is a bundle, else every bundle below it (in name order, so reports are
 * stable; symlinks not followed, a bundle's own subdirectories such as rootfs not searched).
 * A directory below that holds no bundle is skipped with a note. Returns bundles found. */
static long walk(const struct runtime_ctx *g, const char *dir, int depth, struct bundle_list *l,
                 struct rterr *err)
{
        if (has_config(dir))
                return bundle_list_add(l, dir, err) < 0 ? -1 : 1;
        if (depth > WALK_MAX_DEPTH) {
                log_msg(g, LOG_WARN, "admission check: skipping %s: deeper than %d levels", dir,
                        WALK_MAX_DEPTH);
                return 0;
        }
        struct dirent **names = NULL;
        int k = scandir(dir, &names, NULL, by_name);
        if (k < 0)
                return rterr_errno(err, "admission check: read directory %s", dir);
        long found = 0;
        for (int i = 0; i < k; i++) {
                const char *name = names[i]->d_name;
                char p[PATH_MAX];
                struct stat st;
                bool sub = strcmp(name, ".") && strcmp(name, "..") &&
                           (size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) < sizeof(p) &&
                           lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
                long r = sub ? walk(g, p, depth + 1, l, err) : 0;
                if (r < 0)
                        found = -1;
                else if (found >= 0)
                        found += r;
        }
        for (int i = 0; i < k; i++)
                free(names[i]);
        free(names);
        if (found == 0 && depth > 0)
                log_msg(g, LOG_WARN, "admission check: skipping %s: not a bundle (no config.json)",
                        dir);
        return found;
}

/* The bundles named on the command line: each argument a bundle or a directory of bundles. */
static int collect_bundles(const struct runtime_ctx *g, const struct opts *o, struct bundle_list *l,
                           struct rterr *err)
{
        for (int b = 0; b < o->n_bundles; b++) {
                struct stat st;
                const char *a = o->bundles[b];
                if (stat(a, &st) < 0)
                        return rterr_errno(err, "admission check: %s", a);
                if (!S_ISDIR(st.st_mode))
                        return rterr_set(err, ENOTDIR,
                                         "admission check: %s: not a bundle directory", a);
                long r = walk(g, a, 0, l, err);
                if (r < 0)
                        return -1;
                if (r == 0)
                        return rterr_set(err, ENOENT,
                                         "admission check: %s: no bundle (config.json) in it or "
                                         "below it",
                                         a);
        }
        return 0;
}

/* A bundle's id: its directory name; when two bundles found under directories share one, the
 * later keeps its path so the report tells them apart. */
static void bundle_id(const struct bundle_list *l, size_t i, char *id, size_t size)
{
        _cleanup_free_ char *copy = strdup(l->path[i]);
        const char *base = copy ? basename(copy) : l->path[i];
        for (size_t j = 0; j < i; j++) {
                _cleanup_free_ char *other = strdup(l->path[j]);
                if (other && strcmp(basename(other), base) == 0) {
                        snprintf(id, size, "%s", l->path[i]);
                        return;
                }
        }
        snprintf(id, size, "%s", base);
}

static int check_bundles(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        if (admission_host_read(&h, &err) < 0)
                return log_fail(g, &err);
        __attribute__((cleanup(bundle_list_free))) struct bundle_list bl = {0};
        if (collect_bundles(g, o, &bl, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ struct sched_task *t = NULL;
        size_t n = 0;
        if (ledger_tasks(&h, &t, &n, bl.n, &err) < 0)
                return log_fail(g, &err);
        size_t running = n;
        _cleanup_free_ struct sched_verdict *v = calloc(n + bl.n + 1, sizeof(*v));
        if (v == NULL) {
                rterr_errno(&err, "admission check");
                return log_fail(g, &err);
        }
        for (size_t i = 0; i < running; i++) {
                v[i].admitted = true;
                snprintf(v[i].reason, sizeof(v[i].reason), "running (holds a reservation)");
        }
        size_t rejected = 0;
        for (size_t b = 0; b < bl.n; b++) {
                struct oci_spec *spec = NULL;
                char id[sizeof(t[n].id)];
                bundle_id(&bl, b, id, sizeof(id));
                if (oci_spec_load(bl.path[b], &spec, &err) < 0)
                        return log_fail(g, &err);
                struct sched_place_req place;
                int r = sched_task_from_spec(spec, id, &h, &t[n], &err);
                if (r == 0)
                        r = sched_place_req_from_spec(spec, &t[n], &h, &place, &err);
                oci_spec_free(spec);
                if (r < 0) {
                        rterr_wrap(&err, "%s", bl.path[b]);
                        return log_fail(g, &err);
                }
                if (place.place)
                        t[n].cpus = place.pool;
                rejected += !sched_place_online(t, n, &place, &h, &v[n]);
                n++;
        }
        for (size_t i = 0; i < running; i++)
                if (t[i].granted < t[i].runtime)
                        snprintf(v[i].reason, sizeof(v[i].reason),
                                 "running; would be compressed to %.3f ms of %.3f ms",
                                 ms(t[i].granted), ms(t[i].runtime));
        if (print_check(o, t, v, n, &h, NULL) < 0) {
                rterr_set(&err, ENOMEM, "admission check: out of memory");
                return log_fail(g, &err);
        }
        return rejected ? EXIT_REJECTED : 0;
}

/* ---- status ---- */

/* Where every number of the capacity came from (the same reading `cpus status` shows). */
static void print_host(const struct sched_host *h)
{
        printf("capacity per CPU %.3f = RT bandwidth %.3f", sched_host_capacity(h), h->bandwidth);
        if (h->fair_server)
                printf(" - fair server %.3f ms every %.3f ms", ms(h->fs_runtime), ms(h->fs_period));
        printf(" (fair server: %s)\n", h->fs_source[0] ? h->fs_source : "given");
        for (size_t i = 0; i < h->n_foreign; i++) {
                const struct sched_foreign *f = &h->foreign[i];
                char span[256];
                if (!f->counted)
                        continue;
                printf("DEADLINE outside the ledger: pid %d tid %d (%s) %.3f ms every %.3f ms "
                       "(deadline %.3f ms), charged to root domain %s\n",
                       (int)f->pid, (int)f->tid, f->comm, ms(f->runtime), ms(f->period),
                       ms(f->deadline), cpumask_format(&f->span, span, sizeof(span)));
        }
        printf("\n");
}

static void status_table(const struct sched_ledger *l, const struct sched_task *t, size_t n,
                         const struct sched_host *h, const bool *alive, const uint64_t *used,
                         const uint64_t *age)
{
        print_host(h);
        print_cpus(t, n, h);
        printf("\n%-24s %-8s %-12s %-9s %-6s %-13s %-12s %-11s %-7s %-7s %s\n", "CONTAINER", "PID",
               "CRITICALITY", "POLICY", "CPUS", "REQUESTED(ms)", "GRANTED(ms)", "PERIOD(ms)",
               "UTIL", "USED", "ROOT");
        for (size_t i = 0; i < l->n; i++) {
                const struct sched_entry *e = &l->v[i];
                char c[256], u[32] = "-";
                cpumask_format(&e->task.cpus, c, sizeof(c));
                /* what the holder used over its life, against UTIL, the grant's share */
                if (alive && used && age && alive[i] && age[i] > 0)
                        snprintf(u, sizeof(u), "%.3f", (double)used[i] / (double)age[i]);
                printf("%-24s %-8d %-12s %-9s %-6s %-13.3f %-12.3f %-11.3f %-7.3f %-7s %s%s\n",
                       shown_name(&e->task).s, (int)e->pid, sched_crit_name(e->task.crit),
                       policy_name(e->task.policy), c, ms(e->task.runtime), ms(e->task.granted),
                       ms(e->task.period),
                       e->task.period ? (double)e->task.granted / (double)e->task.period : 0, u,
                       e->root,
                       alive == NULL || alive[i] ? "" : " (dead: reclaimed at the next decision)");
        }
}

static int status(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        __attribute__((cleanup(admission_host_free))) struct sched_host h = {0};
        if (admission_host_read(&h, &err) < 0)
                return log_fail(g, &err);
        _cleanup_ledger_ struct sched_ledger l = SCHED_LEDGER_INIT;
        if (sched_ledger_snapshot(&l, &err) < 0)
                return log_fail(g, &err);
        sched_foreign_match(h.foreign, h.n_foreign, l.v, l.n);
        _cleanup_free_ struct sched_task *t = calloc(l.n + 1, sizeof(*t));
        if (t == NULL) {
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
        _cleanup_free_ uint64_t *used = calloc(l.n + 1, sizeof(uint64_t));
        _cleanup_free_ uint64_t *age = calloc(l.n + 1, sizeof(uint64_t));
        for (size_t i = 0; used && age && alive && i < l.n; i++)
                if (alive[i]) {
                        used[i] = admission_cpu_time_ns(l.v[i].pid);
                        age[i] = admission_age_ns(l.v[i].starttime);
                }
        _cleanup_free_ char *doc = NULL;
        if (alive && strcmp(o->format, "json") == 0)
                doc = used && age ? sched_status_json_measured(l.v, l.n, alive, used, age, &h)
                                  : sched_status_json(l.v, l.n, alive, &h);
        if (alive == NULL || (strcmp(o->format, "json") == 0 && doc == NULL)) {
                rterr_set(&err, ENOMEM, "admission status: out of memory");
                return log_fail(g, &err);
        }
        if (doc)
                printf("%s\n", doc);
        else
                status_table(&l, t, n, &h, alive, used, age);
        return 0;
}

static const char admission_usage[] =
    "Usage: rtrun admission status [--format table|json]\n"
    "       rtrun admission check --taskset FILE [--format table|json|junit]\n"
    "       rtrun admission check BUNDLE|DIR... [--format table|json|junit]\n"
    "       rtrun admission rebalance [--format table|json]\n"
    "       rtrun admission adjust [--window MS] [--format table|json]\n"
    "\n"
    "status   the host's reservations: per CPU and per container, requested and granted\n"
    "         budgets, utilisation, criticality\n"
    "check    what-if: would this task set (docs/admission.md) or these bundles be admitted?\n"
    "         A DIR without config.json is searched for bundles, recursively (directories\n"
    "         without one are skipped with a note). Changes nothing.\n"
    "         Exit 0: all admitted, 2: some rejected, 1: invalid input.\n"
    "rebalance  drops dead reservations, raises compressed grants as far as they fit, and\n"
    "         reports the moves a balanced placement would make (never applied to running\n"
    "         containers).\n"
    "adjust   measures each DEADLINE reservation's CPU time over MS (default 1000); an\n"
    "         elastic one that used 95% of a compressed grant grows toward its request as\n"
    "         far as the admission decision allows (opt-in: run it, e.g. from a timer).\n"
    "\n"
    "Options:\n"
    "   --format table|json|junit  output: a table (default), JSON, or a JUnit XML report\n"
    "                              for CI (one testcase per container; json/table for status)\n"
    "   --taskset FILE             check the task set FILE instead of bundles\n"
    "   --help, -h                 show this help\n";

static bool wants_help(int argc, char **argv)
{
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        return true;
        return false;
}

/* ---- rebalance ---- */

static void score_line(const char *what, const struct sched_place_score *s)
{
        printf("%-26s highest CPU load %.3f, spread %.3f\n", what, (double)s->max_load / 1e9,
               (double)s->spread / 1e9);
}

static int rebalance(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        struct sched_rebalance rb;
        if (admission_rebalance(g, &rb, &err) < 0)
                return log_fail(g, &err);
        _cleanup_free_ struct sched_move *moves = rb.moves;
        char a[CPULIST_MAX], b[CPULIST_MAX];
        if (strcmp(o->format, "json") == 0) {
                printf("{\"reclaimed\": %zu, \"raised\": %zu, \"max_load_before\": %.6f, "
                       "\"max_load_after\": %.6f, \"plan\": {\"keeps_all\": %s, \"max_load\": "
                       "%.6f, \"spread\": %.6f, \"applied\": false, \"moves\": [",
                       rb.reclaimed, rb.raised, (double)rb.before.max_load / 1e9,
                       (double)rb.after.max_load / 1e9, rb.plan_keeps_all ? "true" : "false",
                       (double)rb.plan.max_load / 1e9, (double)rb.plan.spread / 1e9);
                for (size_t i = 0; i < rb.n_moves; i++) {
                        _cleanup_free_ char *id = json_quote(moves[i].id);
                        printf("%s{\"id\": %s, \"from\": \"%s\", \"to\": \"%s\"}", i ? ", " : "",
                               id ? id : "\"?\"", cpumask_format(&moves[i].from, a, sizeof(a)),
                               cpumask_format(&moves[i].to, b, sizeof(b)));
                }
                printf("]}}\n");
                return 0;
        }
        printf("reclaimed %zu dead reservation(s); raised %zu compressed grant(s) toward their "
               "request\n",
               rb.reclaimed, rb.raised);
        score_line("before:", &rb.before);
        score_line("now:", &rb.after);
        if (rb.n_moves == 0) {
                printf("placement: already balanced (no move of an elastic container below "
                       "control would lower the highest CPU load or the spread)\n");
                return 0;
        }
        score_line("with the moves below:", &rb.plan);
        for (size_t i = 0; i < rb.n_moves; i++)
                printf("would move %s from CPU %s to CPU %s\n", moves[i].id,
                       cpumask_format(&moves[i].from, a, sizeof(a)),
                       cpumask_format(&moves[i].to, b, sizeof(b)));
        printf("not applied: a running container's reservation is not moved between root "
               "domains (docs/admission.md, Balancing); it takes the better CPUs when it is "
               "created again\n");
        return 0;
}

/* ---- adjust ---- */

static int adjust(const struct runtime_ctx *g, const struct opts *o)
{
        struct rterr err;
        char *end = NULL;
        unsigned long w = o->window ? strtoul(o->window, &end, 10) : 1000;
        if (o->window && (end == o->window || *end || w == 0 || w > 60000)) {
                rterr_set(&err, EINVAL, "admission adjust: --window %s: milliseconds in 1..60000",
                          o->window);
                return log_fail(g, &err);
        }
        _cleanup_free_ struct admission_measure *m = NULL;
        size_t n = 0;
        if (admission_adjust(g, (unsigned)w, &m, &n, &err) < 0)
                return log_fail(g, &err);
        if (strcmp(o->format, "json") == 0) {
                printf("{\"window_ms\": %lu, \"containers\": [", w);
                for (size_t i = 0; i < n; i++) {
                        _cleanup_free_ char *id = json_quote(m[i].id);
                        printf("%s{\"id\": %s, \"requested_runtime\": %llu, \"granted_before\": "
                               "%llu, \"granted_runtime\": %llu, \"period\": %llu, "
                               "\"measured_runtime\": %llu, \"elastic\": %s, \"grown\": %s}",
                               i ? ", " : "", id ? id : "\"?\"", (unsigned long long)m[i].runtime,
                               (unsigned long long)m[i].before, (unsigned long long)m[i].granted,
                               (unsigned long long)m[i].period, (unsigned long long)m[i].demand,
                               m[i].elastic ? "true" : "false", m[i].grown ? "true" : "false");
                }
                printf("]}\n");
                return 0;
        }
        printf("%-24s %-13s %-12s %-14s %s\n", "CONTAINER", "REQUESTED(ms)", "GRANTED(ms)",
               "MEASURED(ms)", "ACTION");
        for (size_t i = 0; i < n; i++) {
                char action[96] = "-";
                if (m[i].grown)
                        snprintf(action, sizeof(action), "grown from %.3f ms", ms(m[i].before));
                else if (m[i].elastic && m[i].before < m[i].runtime &&
                         m[i].demand * 100 >= m[i].before * 95)
                        snprintf(action, sizeof(action), "needs more; nothing more fits");
                printf("%-24s %-13.3f %-12.3f %-14.3f %s\n", m[i].id, ms(m[i].runtime),
                       ms(m[i].granted), ms(m[i].demand), action);
        }
        return 0;
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
                          "--taskset FILE | check BUNDLE|DIR... [--format table|json|junit]");
                return log_fail(g, &err);
        }
        const char *sub = argv[1];
        if (parse_opts(argc - 2, argv + 2, &o, &err) < 0)
                return log_fail(g, &err);
        if (strcmp(sub, "status") == 0) {
                if (o.taskset || o.n_bundles || strcmp(o.format, "junit") == 0) {
                        rterr_set(&err, EINVAL, "admission status: takes only --format table|json");
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
        if (strcmp(sub, "adjust") == 0) {
                if (o.taskset || o.n_bundles || strcmp(o.format, "junit") == 0) {
                        rterr_set(
                            &err, EINVAL,
                            "admission adjust: takes only --window MS and --format table|json");
                        return log_fail(g, &err);
                }
                return adjust(g, &o);
        }
        if (o.window) {
                rterr_set(&err, EINVAL, "admission: --window is for adjust only");
                return log_fail(g, &err);
        }
        if (strcmp(sub, "rebalance") == 0) {
                if (o.taskset || o.n_bundles || strcmp(o.format, "junit") == 0) {
                        rterr_set(&err, EINVAL,
                                  "admission rebalance: takes only --format table|json");
                        return log_fail(g, &err);
                }
                return rebalance(g, &o);
        }
        rterr_set(&err, EINVAL,
                  "admission: unknown subcommand %s (status, check, rebalance, adjust)", sub);
        return log_fail(g, &err);
}
