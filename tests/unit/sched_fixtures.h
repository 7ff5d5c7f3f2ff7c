/* Task and host builders the scheduler's unit tests share: one CPU set of capacity 1 per CPU
 * (bandwidth 1, no fair server) so utilisations add up plainly, and DEADLINE tasks with
 * implicit deadlines. Include after cmocka.h. */
#ifndef RTRUN_TEST_SCHED_FIXTURES_H
#define RTRUN_TEST_SCHED_FIXTURES_H

#include <stdint.h>
#include <stdio.h>

#include "common/common.h"
#include "scheduler/scheduler.h"

#define MS UINT64_C(1000000)

static inline struct sched_host host(const char *cpus)
{
        struct sched_host h;
        struct rterr err;
        assert_int_equal(sched_host_from_values(&h, -1, 1000000, cpus, 0, 0, &err), 0);
        return h;
}

/* A DEADLINE task, elastic down to min_runtime when that is above 0. */
static inline struct sched_task dl(const char *id, enum sched_crit crit, const char *cpus,
                                   uint64_t runtime, uint64_t period, uint64_t min_runtime)
{
        struct sched_task t = {0};
        struct rterr err;
        snprintf(t.id, sizeof(t.id), "%s", id);
        t.kind = SCHED_KIND_DEADLINE;
        t.policy = SCHED_DEADLINE;
        t.crit = crit;
        assert_int_equal(cpumask_parse(cpus, &t.cpus, &err), 0);
        t.runtime = runtime;
        t.deadline = t.period = period;
        t.elastic = min_runtime > 0;
        t.min_runtime = min_runtime;
        t.weight = 1;
        return t;
}

#endif
