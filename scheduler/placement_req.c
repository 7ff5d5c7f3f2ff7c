/* Placement requests (issue 20): "auto", "auto:N", "auto@CPUS", "auto:N@CPUS" from a taskset's
 * "cpus" or the org.rtrun.cpus annotation. */
#include "scheduler/placement.h"
#include "scheduler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

/* ---- requests ---- */

int sched_place_req_parse(const char *s, const struct cpumask *all, struct sched_place_req *r,
                          struct rterr *err)
{
        memset(r, 0, sizeof(*r));
        if (strncmp(s, "auto", 4) != 0)
                return 0;
        const char *p = s + 4;
        r->place = true;
        r->count = 1;
        r->pool = *all;
        if (*p == ':') {
                char *end;
                errno = 0;
                unsigned long c = strtoul(p + 1, &end, 10);
                if (end == p + 1 || errno || c == 0 || c > CPUMASK_MAX)
                        return rterr_set(err, EINVAL,
                                         "\"%s\": expected auto, auto:COUNT, auto@CPUS or "
                                         "auto:COUNT@CPUS with COUNT >= 1",
                                         s);
                r->count = (unsigned)c;
                p = end;
        }
        if (*p == '@') {
                if (cpumask_parse(p + 1, &r->pool, err) < 0)
                        return rterr_wrap(err, "\"%s\": the pool after @", s);
                if (!cpumask_subset(&r->pool, all))
                        return rterr_set(err, EINVAL, "\"%s\": the pool is not within the CPUs %s",
                                         s, "real-time containers may use");
                p += strlen(p);
        }
        if (*p != '\0')
                return rterr_set(err, EINVAL,
                                 "\"%s\": expected auto, auto:COUNT, auto@CPUS or "
                                 "auto:COUNT@CPUS",
                                 s);
        if (r->count > cpumask_count(&r->pool))
                return rterr_set(err, EINVAL, "\"%s\": %u CPUs asked, the pool has %u", s, r->count,
                                 cpumask_count(&r->pool));
        return 0;
}

int sched_place_req_from_spec(const struct oci_spec *spec, const struct sched_task *t,
                              const struct sched_host *h, struct sched_place_req *r,
                              struct rterr *err)
{
        memset(r, 0, sizeof(*r));
        const char *a = oci_annotation(spec, SCHED_PLACE_ANNOTATION);
        if (a == NULL)
                return 0;
        if (strncmp(a, "auto", 4) != 0)
                return rterr_set(err, EINVAL,
                                 "config.json: annotations[\"%s\"]: '%s': expected auto, "
                                 "auto:COUNT, auto@CPUS or auto:COUNT@CPUS",
                                 SCHED_PLACE_ANNOTATION, a);
        if (sched_place_req_parse(a, &h->cpus, r, err) < 0)
                return rterr_wrap(err, "config.json: annotations[\"%s\"]", SCHED_PLACE_ANNOTATION);
        const char *cpus = spec->has_linux ? spec->linux_.resources.cpu.cpus : NULL;
        if (cpus != NULL && *cpus)
                return rterr_set(err, EINVAL,
                                 "config.json: annotations[\"%s\"]: '%s' asks admission to "
                                 "choose the CPUs, but linux.resources.cpu.cpus names %s: give "
                                 "one or the other",
                                 SCHED_PLACE_ANNOTATION, a, cpus);
        if (t->kind == SCHED_KIND_NONE) { /* nothing to place: its CPUs stay the cgroup's */
                r->place = false;
                return 0;
        }
        if (r->count > 1 && t->kind != SCHED_KIND_DEADLINE)
                return rterr_set(err, EINVAL,
                                 "config.json: annotations[\"%s\"]: '%s': more than one CPU is "
                                 "for SCHED_DEADLINE partitions only (FIFO/RR runs on one)",
                                 SCHED_PLACE_ANNOTATION, a);
        return 0;
}
