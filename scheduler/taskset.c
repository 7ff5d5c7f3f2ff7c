/* The taskset file of `rtrun admission check --taskset` (issue 5; docs/admission.md):
 * {"host": {"cpus", "bandwidth", "fair_server": {"runtime", "period"} | null},
 *  "mode": "batch" | "online",
 *  "containers": [{"id", "criticality", "cpus", "scheduler": {runtime-spec scheduler},
 *                  "elastic": {"min_runtime", "weight"}, "timing": {"wcet", "period",
 *                  "deadline"}}]}
 * Host fields left out come from the running kernel. Unknown keys are errors (typos in a CI
 * file must not pass silently); every error names the JSON path. */
#include "common/common.h"
#include "scheduler/internal.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
        const char *name;
        int policy;
} policies[] = {{"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},      {"SCHED_BATCH", 3},
                {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}};

struct ctx {
        const char *what;
        struct rterr *err;
};

static int bad(const struct ctx *c, const char *path, const char *why)
{
        return rterr_set(c->err, EINVAL, "%s: %s: %s", c->what, path, why);
}

/* Every key of obj must be in `allowed` (NULL-terminated). */
static int known_keys(const struct ctx *c, yajl_val obj, const char *path,
                      const char *const *allowed)
{
        char p[256];
        if (!YAJL_IS_OBJECT(obj))
                return bad(c, path, "expected an object");
        for (size_t i = 0; i < obj->u.object.len; i++) {
                size_t k = 0;
                while (allowed[k] && strcmp(allowed[k], obj->u.object.keys[i]) != 0)
                        k++;
                if (allowed[k] == NULL) {
                        snprintf(p, sizeof(p), "%.200s.%s", path, obj->u.object.keys[i]);
                        return bad(c, p, "unknown key");
                }
        }
        return 0;
}

static int get_u64(const struct ctx *c, yajl_val obj, const char *path, const char *key,
                   bool required, uint64_t *out)
{
        char p[256];
        yajl_val v = jmember(obj, key);
        snprintf(p, sizeof(p), "%.200s.%s", path, key);
        if (v == NULL)
                return required ? bad(c, p, "required") : 0;
        if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) <= 0)
                return bad(c, p, "expected a positive integer (ns)");
        *out = (uint64_t)YAJL_GET_INTEGER(v);
        return 0;
}

static int get_str(const struct ctx *c, yajl_val obj, const char *path, const char *key,
                   const char **out)
{
        char p[256];
        yajl_val v = jmember(obj, key);
        if (v == NULL)
                return 0;
        snprintf(p, sizeof(p), "%.200s.%s", path, key);
        if (!YAJL_IS_STRING(v))
                return bad(c, p, "expected a string");
        *out = v->u.string;
        return 0;
}

static int get_num(const struct ctx *c, yajl_val obj, const char *path, const char *key,
                   double *out)
{
        char p[256];
        yajl_val v = jmember(obj, key);
        if (v == NULL)
                return 0;
        snprintf(p, sizeof(p), "%.200s.%s", path, key);
        if (!YAJL_IS_NUMBER(v))
                return bad(c, p, "expected a number");
        *out = YAJL_IS_INTEGER(v) ? (double)YAJL_GET_INTEGER(v) : v->u.number.d;
        return 0;
}

static int parse_host(const struct ctx *c, yajl_val v, struct sched_host *h)
{
        static const char *const keys[] = {"cpus", "bandwidth", "fair_server", NULL};
        if (v == NULL)
                return 0;
        if (known_keys(c, v, "host", keys) < 0)
                return -1;
        const char *cpus = NULL;
        if (get_str(c, v, "host", "cpus", &cpus) < 0 ||
            get_num(c, v, "host", "bandwidth", &h->bandwidth) < 0)
                return -1;
        if (cpus != NULL && cpumask_parse(cpus, &h->cpus, c->err) < 0)
                return rterr_wrap(c->err, "%s: host.cpus", c->what);
        if (cpus != NULL && cpumask_count(&h->cpus) == 0)
                return bad(c, "host.cpus", "no CPUs");
        if (!(h->bandwidth > 0 && h->bandwidth <= 1))
                return bad(c, "host.bandwidth", "must be in (0, 1]");
        yajl_val fs = jmember(v, "fair_server");
        if (YAJL_IS_NULL(fs)) {
                h->fair_server = false;
                h->fs_runtime = h->fs_period = 0;
        } else if (fs != NULL) {
                static const char *const fkeys[] = {"runtime", "period", NULL};
                if (known_keys(c, fs, "host.fair_server", fkeys) < 0 ||
                    get_u64(c, fs, "host.fair_server", "runtime", true, &h->fs_runtime) < 0 ||
                    get_u64(c, fs, "host.fair_server", "period", true, &h->fs_period) < 0)
                        return -1;
                if (h->fs_runtime > h->fs_period)
                        return bad(c, "host.fair_server", "runtime exceeds period");
                h->fair_server = true;
        }
        if (sched_host_capacity(h) <= 0)
                return bad(c, "host", "the fair server takes the whole bandwidth");
        return 0;
}

static int parse_scheduler(const struct ctx *c, yajl_val v, const char *path, struct sched_task *t)
{
        static const char *const keys[] = {"policy",  "nice",     "priority", "flags",
                                           "runtime", "deadline", "period",   NULL};
        char p[256];
        if (known_keys(c, v, path, keys) < 0)
                return -1;
        const char *name = NULL;
        if (get_str(c, v, path, "policy", &name) < 0)
                return -1;
        snprintf(p, sizeof(p), "%.200s.policy", path);
        if (name == NULL)
                return bad(c, p, "required");
        size_t i = 0;
        while (i < sizeof(policies) / sizeof(policies[0]) && strcmp(policies[i].name, name))
                i++;
        if (i == sizeof(policies) / sizeof(policies[0]))
                return bad(c, p, "unknown policy");
        t->policy = policies[i].policy;
        yajl_val prio = jmember(v, "priority");
        if (prio != NULL) {
                snprintf(p, sizeof(p), "%.200s.priority", path);
                if (!YAJL_IS_INTEGER(prio) || YAJL_GET_INTEGER(prio) < 0 ||
                    YAJL_GET_INTEGER(prio) > 99)
                        return bad(c, p, "expected an integer in [0, 99]");
                t->priority = (int)YAJL_GET_INTEGER(prio);
        }
        if (t->policy != SCHED_DEADLINE)
                return 0;
        uint64_t dl = 0, period = 0;
        if (get_u64(c, v, path, "runtime", true, &t->runtime) < 0 ||
            get_u64(c, v, path, "deadline", false, &dl) < 0 ||
            get_u64(c, v, path, "period", false, &period) < 0)
                return -1;
        if (dl == 0 && period == 0) {
                snprintf(p, sizeof(p), "%.200s.period", path);
                return bad(c, p, "required (or deadline)");
        }
        t->kind = SCHED_KIND_DEADLINE;
        t->deadline = dl ? dl : period;
        t->period = period ? period : dl;
        return 0;
}

static int parse_container(const struct ctx *c, yajl_val v, size_t idx, const struct sched_host *h,
                           struct sched_task *t, struct sched_place_req *place)
{
        static const char *const keys[] = {"id",      "criticality", "cpus", "scheduler",
                                           "elastic", "timing",      NULL};
        char path[64], p[256];
        snprintf(path, sizeof(path), "containers[%zu]", idx);
        memset(t, 0, sizeof(*t));
        t->weight = 1;
        if (known_keys(c, v, path, keys) < 0)
                return -1;
        const char *id = NULL, *crit = NULL, *cpus = NULL;
        if (get_str(c, v, path, "id", &id) < 0 || get_str(c, v, path, "criticality", &crit) < 0 ||
            get_str(c, v, path, "cpus", &cpus) < 0)
                return -1;
        snprintf(p, sizeof(p), "%.200s.id", path);
        if (id == NULL || !*id || strlen(id) >= sizeof(t->id))
                return bad(c, p, "required: a non-empty string");
        snprintf(t->id, sizeof(t->id), "%s", id);
        if (crit != NULL) {
                int cr = sched_crit_parse(crit);
                snprintf(p, sizeof(p), "%.200s.criticality", path);
                if (cr < 0)
                        return bad(c, p, "not one of control, planning, perception, best-effort");
                t->crit = (enum sched_crit)cr;
        }
        t->cpus = h->cpus;
        if (cpus != NULL && sched_place_req_parse(cpus, &h->cpus, place, c->err) < 0)
                return rterr_wrap(c->err, "%s: %s.cpus", c->what, path);
        if (place->place)
                t->cpus = place->pool;
        else if (cpus != NULL && cpumask_parse(cpus, &t->cpus, c->err) < 0)
                return rterr_wrap(c->err, "%s: %s.cpus", c->what, path);
        yajl_val s = jmember(v, "scheduler");
        snprintf(p, sizeof(p), "%.200s.scheduler", path);
        if (s != NULL && parse_scheduler(c, s, p, t) < 0)
                return -1;
        yajl_val tm = jmember(v, "timing");
        if (tm != NULL) {
                static const char *const tkeys[] = {"wcet", "period", "deadline", NULL};
                snprintf(p, sizeof(p), "%.200s.timing", path);
                if (!sched_policy_is_rt(t->policy))
                        return bad(c, p, "only for SCHED_FIFO or SCHED_RR");
                uint64_t dl = 0;
                if (known_keys(c, tm, p, tkeys) < 0 ||
                    get_u64(c, tm, p, "wcet", true, &t->runtime) < 0 ||
                    get_u64(c, tm, p, "period", true, &t->period) < 0 ||
                    get_u64(c, tm, p, "deadline", false, &dl) < 0)
                        return -1;
                t->kind = SCHED_KIND_TIMED_FP;
                t->deadline = dl ? dl : t->period;
        } else if (sched_policy_is_rt(t->policy)) {
                t->kind = SCHED_KIND_UNTIMED_FP;
        }
        yajl_val el = jmember(v, "elastic");
        if (el != NULL) {
                static const char *const ekeys[] = {"min_runtime", "weight", NULL};
                snprintf(p, sizeof(p), "%.200s.elastic", path);
                if (t->kind != SCHED_KIND_DEADLINE)
                        return bad(c, p,
                                   "only for SCHED_DEADLINE: the kernel would not enforce a "
                                   "smaller FIFO/RR budget");
                if (known_keys(c, el, p, ekeys) < 0 ||
                    get_u64(c, el, p, "min_runtime", true, &t->min_runtime) < 0 ||
                    get_num(c, el, p, "weight", &t->weight) < 0)
                        return -1;
                t->elastic = true;
        }
        snprintf(p, sizeof(p), "%.200s.cpus", path);
        if (place->place && place->count > 1 && t->kind != SCHED_KIND_DEADLINE)
                return bad(c, p,
                           "auto with more than one CPU is for SCHED_DEADLINE partitions only");
        char where[320];
        snprintf(where, sizeof(where), "%s: %s", c->what, path);
        return sched_task_validate(t, h, where, c->err);
}

static int parse_root(const struct ctx *c, yajl_val root, const struct sched_host *kernel,
                      struct sched_taskset *ts)
{
        static const char *const keys[] = {"host", "mode", "containers", NULL};
        if (known_keys(c, root, "$", keys) < 0)
                return -1;
        ts->host = *kernel;
        if (parse_host(c, jmember(root, "host"), &ts->host) < 0)
                return -1;
        const char *mode = NULL;
        if (get_str(c, root, "$", "mode", &mode) < 0)
                return -1;
        if (mode != NULL && strcmp(mode, "batch") && strcmp(mode, "online"))
                return bad(c, "mode", "expected \"batch\" or \"online\"");
        ts->online = mode != NULL && strcmp(mode, "online") == 0;
        yajl_val list = jmember(root, "containers");
        if (!YAJL_IS_ARRAY(list))
                return bad(c, "containers", "required: an array");
        ts->tasks = calloc(list->u.array.len + 1, sizeof(*ts->tasks));
        ts->place = calloc(list->u.array.len + 1, sizeof(*ts->place));
        if (ts->tasks == NULL || ts->place == NULL)
                return rterr_errno(c->err, "%s", c->what);
        for (size_t i = 0; i < list->u.array.len; i++) {
                if (parse_container(c, list->u.array.values[i], i, &ts->host, &ts->tasks[i],
                                    &ts->place[i]) < 0)
                        return -1;
                ts->placed |= ts->place[i].place;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(ts->tasks[j].id, ts->tasks[i].id) == 0) {
                                char p[64];
                                snprintf(p, sizeof(p), "containers[%zu].id", i);
                                return bad(c, p, "duplicate id");
                        }
                ts->n++;
        }
        return 0;
}

int sched_taskset_parse(const char *json, const char *what, const struct sched_host *kernel,
                        struct sched_taskset *ts, struct rterr *err)
{
        struct ctx c = {what, err};
        memset(ts, 0, sizeof(*ts));
        yajl_val root = NULL;
        if (json_parse_strict(what, json, strlen(json), &root, err) < 0)
                return -1;
        int r = parse_root(&c, root, kernel, ts);
        yajl_tree_free(root);
        if (r < 0)
                sched_taskset_free(ts);
        return r;
}

void sched_taskset_free(struct sched_taskset *ts)
{
        free(ts->tasks);
        free(ts->place);
        ts->tasks = NULL;
        ts->place = NULL;
        ts->n = 0;
}

size_t sched_taskset_run(struct sched_taskset *ts, struct sched_verdict *v)
{
        size_t rejected = 0;
        char a[32], b[32];
        if (!ts->online) {
                rejected = sched_place_batch(ts->tasks, ts->place, ts->n, &ts->host,
                                             SCHED_PLACE_EXACT_BUDGET, v, &ts->stats);
        } else {
                for (size_t i = 0; i < ts->n; i++)
                        rejected += !sched_place_online(
                            ts->tasks, i, ts->place ? &ts->place[i] : NULL, &ts->host, &v[i]);
        }
        /* what each holds after the whole file: later newcomers may have compressed it */
        for (size_t i = 0; i < ts->n; i++) {
                const struct sched_task *t = &ts->tasks[i];
                v[i].granted = t->granted;
                if (v[i].admitted && t->kind != SCHED_KIND_NONE && t->granted < t->runtime &&
                    strstr(v[i].reason, "elastic:") == NULL)
                        snprintf(v[i].reason, sizeof(v[i].reason),
                                 "elastic: runtime %s ms of %s ms requested (compressed for a "
                                 "more critical container)",
                                 sched_fmt_ms(t->granted, a, sizeof(a)),
                                 sched_fmt_ms(t->runtime, b, sizeof(b)));
        }
        return rejected;
}
