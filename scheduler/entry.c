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
        gen_key(g, "id", t->id);
        if (t->name[0])
                gen_key(g, "name", t->name);
        gen_key(g, "root", e->root);
        gen_key_int(g, "pid", e->pid);
        gen_key_int(g, "starttime", (long long)e->starttime);
        if (e->pidfs_ino)
                gen_key_int(g, "pidfs_ino", (long long)e->pidfs_ino);
        gen_key(g, "kind", sched_kind_name(t->kind));
        gen_key(g, "criticality", sched_crit_name(t->crit));
        gen_key_int(g, "policy", t->policy);
        gen_key_int(g, "priority", t->priority);
        gen_key(g, "cpus", cpus);
        gen_key_int(g, "runtime", (long long)t->runtime);
        gen_key_int(g, "deadline", (long long)t->deadline);
        gen_key_int(g, "period", (long long)t->period);
        if (t->elastic) {
                gen_str(g, "elastic");
                yajl_gen_map_open(g);
                gen_key_int(g, "min_runtime", (long long)t->min_runtime);
                gen_key_dbl(g, "weight", t->weight);
                yajl_gen_map_close(g);
        }
        if (t->placed)
                gen_key_bool(g, "placed", true);
        gen_key_int(g, "granted", (long long)t->granted);
        yajl_gen_map_close(g);
}

static int str_field(yajl_val v, const char *path, const char *key, char *out, size_t size,
                     struct rterr *err)
{
        yajl_val s = jmember(v, key);
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
        yajl_val name = jmember(v, "name"); /* optional: ledgers written before it lack it */
        if (YAJL_IS_STRING(name))
                snprintf(t->name, sizeof(t->name), "%s", name->u.string);
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
        yajl_val el = jmember(v, "elastic");
        if (el != NULL) {
                yajl_val w = jmember(el, "weight");
                if (sj_u64(el, path, "min_runtime", true, &t->min_runtime, err) < 0)
                        return -1;
                if (!YAJL_IS_NUMBER(w))
                        return rterr_set(err, EINVAL, "%s.elastic.weight: expected a number", path);
                t->weight = YAJL_IS_INTEGER(w) ? (double)YAJL_GET_INTEGER(w) : w->u.number.d;
                t->elastic = true;
        }
        yajl_val placed = jmember(v, "placed");
        if (placed != NULL && !YAJL_IS_TRUE(placed) && !YAJL_IS_FALSE(placed))
                return rterr_set(err, EINVAL, "%s.placed: expected true or false", path);
        t->placed = YAJL_IS_TRUE(placed);
        if (t->kind == SCHED_KIND_UNTIMED_FP)
                return t->granted <= 1
                           ? 0
                           : rterr_set(err, EINVAL, "%s: untimed entry with a grant", path);
        if (t->runtime == 0 || t->period == 0 || t->granted > t->runtime)
                return rterr_set(err, EINVAL, "%s: inconsistent runtime/period/granted", path);
        return 0;
}
