/* A reservation as JSON, the same object in the ledger and in its sidecar file:
 * {"id", "root", "pid", "starttime", "pidfs_ino" (when known), "kind": "deadline"|"timed",
 * "criticality", "policy", "priority", "cpus", "runtime", "deadline", "period", "elastic":
 * {"min_runtime", "weight"} (or absent), "granted"}. Times in ns; runtime is what was requested. */
#include "scheduler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *sched_kind_name(enum sched_kind k)
{
        return k == SCHED_KIND_DEADLINE     ? "deadline"
               : k == SCHED_KIND_TIMED_FP   ? "timed"
               : k == SCHED_KIND_UNTIMED_FP ? "untimed"
                                            : "none";
}

void sched_entry_gen(yajl_gen g, const struct sched_entry *e)
{
        const struct sched_task *t = &e->task;
        char cpus[1024];
        cpumask_format(&t->cpus, cpus, sizeof(cpus));
        yajl_gen_map_open(g);
        sj_kstr(g, "id", t->id);
        sj_kstr(g, "root", e->root);
        sj_kint(g, "pid", e->pid);
        sj_kint(g, "starttime", (long long)e->starttime);
        if (e->pidfs_ino)
                sj_kint(g, "pidfs_ino", (long long)e->pidfs_ino);
        sj_kstr(g, "kind", sched_kind_name(t->kind));
        sj_kstr(g, "criticality", sched_crit_name(t->crit));
        sj_kint(g, "policy", t->policy);
        sj_kint(g, "priority", t->priority);
        sj_kstr(g, "cpus", cpus);
        sj_kint(g, "runtime", (long long)t->runtime);
        sj_kint(g, "deadline", (long long)t->deadline);
        sj_kint(g, "period", (long long)t->period);
        if (t->elastic) {
                sj_key(g, "elastic");
                yajl_gen_map_open(g);
                sj_kint(g, "min_runtime", (long long)t->min_runtime);
                sj_kdbl(g, "weight", t->weight);
                yajl_gen_map_close(g);
        }
        sj_kint(g, "granted", (long long)t->granted);
        yajl_gen_map_close(g);
}

static int str_field(yajl_val v, const char *path, const char *key, char *out, size_t size,
                     struct rterr *err)
{
        yajl_val s = sj_get(v, key);
        const char *str = YAJL_IS_STRING(s) ? s->u.string : NULL;
        if (str == NULL || strlen(str) >= size)
                return rterr_set(err, EINVAL, "%s.%s: expected a string", path, key);
        memcpy(out, str, strlen(str) + 1);
        return 0;
}

int sched_entry_parse(yajl_val v, const char *path, struct sched_entry *e, struct rterr *err)
{
        struct sched_task *t = &e->task;
        char kind[16], crit[32], cpus[1024];
        uint64_t pid = 0, policy = 0, prio = 0;
        memset(e, 0, sizeof(*e));
        if (!YAJL_IS_OBJECT(v))
                return rterr_set(err, EINVAL, "%s: expected an object", path);
        if (str_field(v, path, "id", t->id, sizeof(t->id), err) < 0 ||
            str_field(v, path, "root", e->root, sizeof(e->root), err) < 0 ||
            str_field(v, path, "kind", kind, sizeof(kind), err) < 0 ||
            str_field(v, path, "criticality", crit, sizeof(crit), err) < 0 ||
            str_field(v, path, "cpus", cpus, sizeof(cpus), err) < 0 ||
            sj_u64(v, path, "pid", true, &pid, err) < 0 ||
            sj_u64(v, path, "starttime", true, &e->starttime, err) < 0 ||
            sj_u64(v, path, "pidfs_ino", false, &e->pidfs_ino, err) < 0 ||
            sj_u64(v, path, "policy", true, &policy, err) < 0 ||
            sj_u64(v, path, "priority", true, &prio, err) < 0 ||
            sj_u64(v, path, "runtime", true, &t->runtime, err) < 0 ||
            sj_u64(v, path, "deadline", true, &t->deadline, err) < 0 ||
            sj_u64(v, path, "period", true, &t->period, err) < 0 ||
            sj_u64(v, path, "granted", true, &t->granted, err) < 0)
                return -1;
        e->pid = (pid_t)pid;
        t->policy = (int)policy;
        t->priority = (int)prio;
        t->kind = strcmp(kind, "deadline") == 0  ? SCHED_KIND_DEADLINE
                  : strcmp(kind, "timed") == 0   ? SCHED_KIND_TIMED_FP
                  : strcmp(kind, "untimed") == 0 ? SCHED_KIND_UNTIMED_FP
                                                 : SCHED_KIND_NONE;
        int c = sched_crit_parse(crit);
        if (t->kind == SCHED_KIND_NONE || c < 0 || pid == 0)
                return rterr_set(err, EINVAL, "%s: bad kind, criticality or pid", path);
        t->crit = (enum sched_crit)c;
        if (cpumask_parse(cpus, &t->cpus, err) < 0)
                return rterr_wrap(err, "%s.cpus", path);
        t->weight = 1;
        yajl_val el = sj_get(v, "elastic");
        if (el != NULL) {
                yajl_val w = sj_get(el, "weight");
                if (sj_u64(el, path, "min_runtime", true, &t->min_runtime, err) < 0)
                        return -1;
                if (!YAJL_IS_NUMBER(w))
                        return rterr_set(err, EINVAL, "%s.elastic.weight: expected a number", path);
                t->weight = YAJL_IS_INTEGER(w) ? (double)YAJL_GET_INTEGER(w) : w->u.number.d;
                t->elastic = true;
        }
        if (t->kind == SCHED_KIND_UNTIMED_FP)
                return t->granted <= 1
                           ? 0
                           : rterr_set(err, EINVAL, "%s: untimed entry with a grant", path);
        if (t->runtime == 0 || t->period == 0 || t->granted > t->runtime)
                return rterr_set(err, EINVAL, "%s: inconsistent runtime/period/granted", path);
        return 0;
}
