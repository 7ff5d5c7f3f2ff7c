/* Task and host builders the scheduler's unit tests share: one CPU set of capacity 1 per CPU
 * (bandwidth 1, no fair server) so utilisations add up plainly, and DEADLINE tasks with
 * implicit deadlines. Include after cmocka.h. */
#ifndef RTRUN_TEST_SCHED_FIXTURES_H
#define RTRUN_TEST_SCHED_FIXTURES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Empties the admission dir a test group runs in (cmocka set-up of each test). */
static inline int fx_ledger_dir_clear(const char *dir)
{
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
        assert_int_equal(system(cmd), 0);
        return 0;
}

/* Runs a group with RTRUN_ADMISSION_DIR a fresh mkdtemp(dir), removed afterwards; a failed
 * removal fails the group. */
static inline int fx_run_in_ledger_dir(char *dir, const char *name, const struct CMUnitTest *t,
                                       size_t n)
{
        assert_non_null(mkdtemp(dir));
        setenv("RTRUN_ADMISSION_DIR", dir, 1);
        int r = _cmocka_run_group_tests(name, t, n, NULL, NULL);
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                r = 1;
        return r;
}
#define run_in_ledger_dir(dir, tests)                                                              \
        fx_run_in_ledger_dir(dir, #tests, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
