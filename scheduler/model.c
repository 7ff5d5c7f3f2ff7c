/* A container's real-time demand as issue 5 defines it: process.scheduler,
 * linux.resources.cpu.cpus and the org.rtrun.* annotations. */
#include "common/common.h"
#include "scheduler/internal.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int annotation_u64(const struct oci_spec *spec, const char *key, bool *set, uint64_t *out,
                          struct rterr *err)
{
        const char *v = oci_annotation(spec, key);
        *set = v != NULL;
        if (v == NULL)
                return 0;
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (errno || end == v || *end || v[0] == '-' || x == 0)
                return rterr_set(err, EINVAL,
                                 "annotations[\"%s\"]: '%s' is not a positive integer (ns)", key,
                                 v);
        *out = x;
        return 0;
}

static int annotations(const struct oci_spec *spec, struct sched_task *t, struct rterr *err)
{
        const char *crit = oci_annotation(spec, "org.rtrun.criticality");
        if (crit != NULL) {
                int c = sched_crit_parse(crit);
                if (c < 0)
                        return rterr_set(err, EINVAL,
                                         "annotations[\"org.rtrun.criticality\"]: '%s' is not "
                                         "one of control, planning, perception, best-effort",
                                         crit);
                t->crit = (enum sched_crit)c;
        }
        if (annotation_u64(spec, "org.rtrun.elastic.min-runtime", &t->elastic, &t->min_runtime,
                           err) < 0)
                return -1;
        if (t->elastic && t->policy != SCHED_DEADLINE)
                return rterr_set(err, EINVAL,
                                 "annotations[\"org.rtrun.elastic.min-runtime\"]: elastic "
                                 "compression is for SCHED_DEADLINE only: the kernel would not "
                                 "enforce a smaller budget on a %s task",
                                 t->policy == SCHED_RR     ? "SCHED_RR"
                                 : t->policy == SCHED_FIFO ? "SCHED_FIFO"
                                                           : "non-real-time");
        const char *w = oci_annotation(spec, "org.rtrun.elastic.weight");
        t->weight = 1;
        if (w != NULL) {
                char *end;
                t->weight = strtod(w, &end);
                if (end == w || *end || !(t->weight > 0))
                        return rterr_set(err, EINVAL,
                                         "annotations[\"org.rtrun.elastic.weight\"]: '%s' is not "
                                         "a positive number",
                                         w);
        }
        if (t->policy != SCHED_FIFO && t->policy != SCHED_RR)
                return 0;
        uint64_t wcet = 0, period = 0, deadline = 0;
        bool has_w, has_p, has_d;
        if (annotation_u64(spec, "org.rtrun.timing.wcet", &has_w, &wcet, err) < 0 ||
            annotation_u64(spec, "org.rtrun.timing.period", &has_p, &period, err) < 0 ||
            annotation_u64(spec, "org.rtrun.timing.deadline", &has_d, &deadline, err) < 0)
                return -1;
        if (!has_w && !has_p && !has_d) {
                t->kind = SCHED_KIND_UNTIMED_FP;
                return 0;
        }
        if (!has_w || !has_p)
                return rterr_set(err, EINVAL,
                                 "annotations: org.rtrun.timing.%s is required with the other "
                                 "org.rtrun.timing.* annotations",
                                 has_w ? "period" : "wcet");
        t->kind = SCHED_KIND_TIMED_FP;
        t->runtime = wcet;
        t->period = period;
        t->deadline = has_d ? deadline : period;
        return 0;
}

void sched_engine_name(const struct oci_spec *spec, char *out, size_t size)
{
        static const char *const pairs[][2] = {
            {"io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.container-name"},
            {"io.kubernetes.pod.name", "io.kubernetes.container.name"},
        };
        static const char *const single[] = {"org.rtrun.name", "nerdctl/name"};
        out[0] = '\0';
        const char *n = oci_annotation(spec, single[0]);
        if (n && *n) {
                snprintf(out, size, "%s", n);
                return;
        }
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
                const char *pod = oci_annotation(spec, pairs[i][0]);
                const char *ctr = oci_annotation(spec, pairs[i][1]);
                if (ctr && *ctr) {
                        snprintf(out, size, "%s%s%s", pod && *pod ? pod : "",
                                 pod && *pod ? "/" : "", ctr);
                        return;
                }
                /* the pod's sandbox (pause) container: the pod's name alone */
                if (pod && *pod) {
                        snprintf(out, size, "%s", pod);
                        return;
                }
        }
        n = oci_annotation(spec, single[1]);
        if (n && *n)
                snprintf(out, size, "%s", n);
}

int sched_task_from_spec(const struct oci_spec *spec, const char *id, const struct sched_host *h,
                         struct sched_task *t, struct rterr *err)
{
        memset(t, 0, sizeof(*t));
        snprintf(t->id, sizeof(t->id), "%s", id);
        sched_engine_name(spec, t->name, sizeof(t->name));
        t->policy = SCHED_OTHER;
        t->weight = 1;
        const struct oci_scheduler *s = &spec->process.scheduler;
        if (spec->has_process && s->set) {
                t->policy = s->policy;
                t->priority = s->priority;
        }
        if (t->policy == SCHED_DEADLINE) {
                t->kind = SCHED_KIND_DEADLINE;
                t->runtime = s->runtime;
                t->deadline = s->deadline ? s->deadline : s->period;
                t->period = s->period ? s->period : t->deadline;
        }
        if (annotations(spec, t, err) < 0)
                return -1;
        if (t->kind == SCHED_KIND_NONE) /* its cpus are the cgroup code's business */
                return 0;
        const char *cpus = spec->linux_.resources.cpu.cpus;
        if (cpus != NULL && *cpus) {
                if (cpumask_parse(cpus, &t->cpus, err) < 0)
                        return rterr_wrap(err, "linux.resources.cpu.cpus");
        } else {
                t->cpus = h->cpus;
        }
        return sched_task_validate(t, h, "config.json", err);
}
