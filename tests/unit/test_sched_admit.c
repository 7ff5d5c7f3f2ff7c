/* Batch and online decisions of the admission model (issue 5), on hand-computed sets. One CPU
 * with capacity 1 (bandwidth 1, no fair server) unless a test says otherwise, so utilisations
 * add up plainly; implicit deadlines, so EDF fits exactly when U <= 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/sched_policy.h"
#include "scheduler/scheduler.h"

#define MS UINT64_C(1000000)

static struct sched_host host(const char *cpus)
{
        struct sched_host h;
        struct rterr err;
        assert_int_equal(sched_host_from_values(&h, -1, 1000000, cpus, 0, 0, &err), 0);
        return h;
}

static struct sched_task dl(const char *id, enum sched_crit crit, const char *cpus,
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

static struct sched_task fifo(const char *id, int prio, uint64_t wcet, uint64_t period,
                              uint64_t deadline)
{
        struct sched_task t = dl(id, SCHED_CRIT_CONTROL, "0", wcet, period, 0);
        t.kind = SCHED_KIND_TIMED_FP;
        t.policy = SCHED_FIFO;
        t.priority = prio;
        t.deadline = deadline;
        return t;
}

/* File order perception, planning, control (0.5 elastic down to 0.1, 0.3, 0.4): processed as
 * control, planning, perception; perception gets the largest whole-microsecond runtime that
 * fits: 0.3 -> 3 ms. */
static void batch_criticality_order_and_elastic_shrink(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("perc", SCHED_CRIT_PERCEPTION, "0", 5 * MS, 10 * MS, 1 * MS),
            dl("plan", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 0),
            dl("ctrl", SCHED_CRIT_CONTROL, "0", 4 * MS, 10 * MS, 0),
        };
        struct sched_verdict v[3];
        assert_int_equal(sched_admit_batch(t, 3, &h, v), 0);
        assert_int_equal(t[2].granted, 4 * MS);
        assert_int_equal(t[1].granted, 3 * MS);
        assert_int_equal(t[0].granted, 3 * MS);
        assert_string_equal(v[0].reason, "elastic: runtime 3 ms of 5 ms requested");
}

/* The largest feasible runtime is off the millisecond grid: 1 - 0.4 - 0.3 = 0.3 of a 7 ms
 * period is 2.1 ms; with a 3 ms deadline on a 7 ms period... keep it implicit: 7 ms period,
 * free share 0.3 -> 2.1 ms exactly; 2.1003 ms would not fit, 2.1 does. */
static void batch_elastic_whole_microseconds(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("a", SCHED_CRIT_CONTROL, "0", 4 * MS, 10 * MS, 0),
            dl("b", SCHED_CRIT_CONTROL, "0", 3 * MS, 10 * MS, 0),
            dl("c", SCHED_CRIT_PLANNING, "0", 5 * MS, 7 * MS, 1500),
        };
        struct sched_verdict v[3];
        assert_int_equal(sched_admit_batch(t, 3, &h, v), 0);
        assert_int_equal(t[2].granted, 2100000);
        /* min-runtime above what fits: rejected, with the failing test in the reason */
        t[2].min_runtime = 2200000;
        assert_int_equal(sched_admit_batch(t, 3, &h, v), 1);
        assert_false(v[2].admitted);
        assert_int_equal(t[2].granted, 0);
        assert_non_null(strstr(v[2].reason, "on CPU 0 (even at min-runtime)"));
}

/* Ties in file order: after 0.4 + 0.3, only one of two equal perception tasks (0.2) fits: the
 * first in the file; the second is rejected and the one after it (0.1) still gets in. */
static void batch_ties_in_file_order(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("p1", SCHED_CRIT_PERCEPTION, "0", 2 * MS, 10 * MS, 0),
            dl("p2", SCHED_CRIT_PERCEPTION, "0", 2 * MS, 10 * MS, 0),
            dl("p3", SCHED_CRIT_PERCEPTION, "0", 1 * MS, 10 * MS, 0),
            dl("c", SCHED_CRIT_CONTROL, "0", 4 * MS, 10 * MS, 0),
            dl("pl", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 0),
        };
        struct sched_verdict v[5];
        assert_int_equal(sched_admit_batch(t, 5, &h, v), 1);
        assert_true(v[0].admitted);
        assert_false(v[1].admitted);
        assert_true(v[2].admitted);
        assert_string_equal(v[1].reason, "EDF: utilisation 1.100 > capacity 1.000 on CPU 0");
}

/* Online: perception (0.5, elastic to 0.1) and planning (0.3) are running; control (0.4)
 * arrives. Compressing perception alone by 0.2 is the smallest reduction that fits: 3 ms.
 * When control leaves, perception gets its 5 ms back. */
static void online_compresses_lower_class_and_restores(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("perc", SCHED_CRIT_PERCEPTION, "0", 5 * MS, 10 * MS, 1 * MS),
            dl("plan", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 0),
            dl("ctrl", SCHED_CRIT_CONTROL, "0", 4 * MS, 10 * MS, 0),
        };
        struct sched_verdict v;
        assert_true(sched_admit_online(t, 0, &h, &v));
        assert_true(sched_admit_online(t, 1, &h, &v));
        assert_true(sched_admit_online(t, 2, &h, &v));
        assert_int_equal(t[2].granted, 4 * MS);
        assert_int_equal(t[1].granted, 3 * MS);
        assert_int_equal(t[0].granted, 3 * MS);
        assert_non_null(strstr(v.reason, "compressing elastic containers of class perception"));
        t[2].granted = 0; /* control deleted */
        assert_int_equal(sched_restore(t, 3, &h), 1);
        assert_int_equal(t[0].granted, 5 * MS);
}

/* Lowest class first, then widening: best-effort (0.3 elastic to 0.2) alone cannot make room
 * for control (0.5) next to perception (0.4 elastic to 0.2): 0.2 + 0.4 + 0.5 > 1. Both classes
 * together from their requested runtimes (0.7) with equal weights: a reduction of 0.2 gives
 * 0.2 and 0.3. */
static void online_widens_to_next_class(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("be", SCHED_CRIT_BEST_EFFORT, "0", 3 * MS, 10 * MS, 2 * MS),
            dl("perc", SCHED_CRIT_PERCEPTION, "0", 4 * MS, 10 * MS, 2 * MS),
            dl("ctrl", SCHED_CRIT_CONTROL, "0", 5 * MS, 10 * MS, 0),
        };
        struct sched_verdict v;
        assert_true(sched_admit_online(t, 0, &h, &v));
        assert_true(sched_admit_online(t, 1, &h, &v));
        assert_true(sched_admit_online(t, 2, &h, &v));
        assert_int_equal(t[0].granted, 2 * MS);
        assert_int_equal(t[1].granted, 3 * MS);
        assert_int_equal(t[2].granted, 5 * MS);
        assert_non_null(strstr(v.reason, "class perception"));
}

/* Higher and equal classes are never compressed: planning cannot squeeze an elastic control
 * task or an elastic planning task; non-elastic planning is rejected and nothing changes. An
 * elastic newcomer falls back to shrinking itself (batch rule). */
static void online_never_compresses_higher_or_equal(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("ctrl", SCHED_CRIT_CONTROL, "0", 6 * MS, 10 * MS, 1 * MS),
            dl("plan1", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 1 * MS),
            dl("plan2", SCHED_CRIT_PLANNING, "0", 2 * MS, 10 * MS, 0),
        };
        struct sched_verdict v;
        assert_true(sched_admit_online(t, 0, &h, &v));
        assert_true(sched_admit_online(t, 1, &h, &v));
        assert_false(sched_admit_online(t, 2, &h, &v));
        assert_int_equal(t[0].granted, 6 * MS);
        assert_int_equal(t[1].granted, 3 * MS);
        assert_int_equal(t[2].granted, 0);
        assert_string_equal(v.reason, "EDF: utilisation 1.100 > capacity 1.000 on CPU 0");
        t[2].elastic = true;
        t[2].min_runtime = 500000;
        assert_true(sched_admit_online(t, 2, &h, &v));
        assert_int_equal(t[2].granted, 1 * MS);
}

/* Compression that cannot help: the newcomer is rejected and the lower class keeps its grant. */
static void online_rejects_without_change(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("perc", SCHED_CRIT_PERCEPTION, "0", 5 * MS, 10 * MS, 4 * MS),
            dl("plan", SCHED_CRIT_PLANNING, "0", 7 * MS, 10 * MS, 0),
        };
        struct sched_verdict v;
        assert_true(sched_admit_online(t, 0, &h, &v));
        assert_false(sched_admit_online(t, 1, &h, &v));
        assert_int_equal(t[0].granted, 5 * MS);
        assert_int_equal(t[1].granted, 0);
}

/* DEADLINE partitions must be identical or disjoint; identical ones use GFB (2 CPUs). */
static void partition_rule_and_gfb(void **state)
{
        (void)state;
        struct sched_host h = host("0-3");
        struct sched_task t[] = {
            dl("a", SCHED_CRIT_CONTROL, "0-1", 9 * MS, 10 * MS, 0),
            dl("b", SCHED_CRIT_CONTROL, "1-2", 1 * MS, 10 * MS, 0),
            dl("c", SCHED_CRIT_CONTROL, "0-1", 5 * MS, 10 * MS, 0),
            dl("d", SCHED_CRIT_CONTROL, "2-3", 1 * MS, 10 * MS, 0),
        };
        struct sched_verdict v[4];
        assert_int_equal(sched_admit_batch(t, 4, &h, v), 2);
        assert_string_equal(v[1].reason, "partition 0-1 of container a overlaps partition 1-2 "
                                         "of container b: DEADLINE partitions must be "
                                         "identical or disjoint");
        /* 0.9 + 0.5 = 1.4 > 2 - 0.9 = 1.1 */
        assert_string_equal(v[2].reason, "GFB: density 1.400 > bound 1.100 on CPUs 0-1");
        assert_true(v[3].admitted);
}

/* Timed FIFO on CPU 0: (1 ms / 4 ms, prio 50), (2/6, prio 40), (3/13, prio 30): R3 = 10 ms.
 * With deadline 9 ms it is rejected; a DEADLINE task on CPU 0 counts with jitter. */
static void rta_in_admission(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_task t[] = {
            fifo("f50", 50, 1 * MS, 4 * MS, 4 * MS),
            fifo("f40", 40, 2 * MS, 6 * MS, 6 * MS),
            fifo("f30", 30, 3 * MS, 13 * MS, 13 * MS),
        };
        struct sched_verdict v[4];
        assert_int_equal(sched_admit_batch(t, 3, &h, v), 0);
        t[2].deadline = 9 * MS;
        assert_int_equal(sched_admit_batch(t, 3, &h, v), 1);
        assert_string_equal(v[2].reason, "RTA: response time >= 10 ms > deadline 9 ms of f30 "
                                         "on CPU 0 (2 higher-priority FIFO/RR, 0 DEADLINE "
                                         "interferers)");
        /* A DEADLINE reservation on CPU 0 (1 ms every 13 ms, jitter 12 ms) interferes with
         * every FIFO task: f30: R = 3 -> 3+1+2+2 = 8 -> 3+2+2+2 = 9 -> 3+3+4+2 = 12 -> 12 <= 13;
         * f40: 2 -> 5 -> 6 -> 6 <= 6; f50: 1 -> 2 -> 3 -> 3 <= 4. */
        struct sched_task u[] = {t[0], t[1], t[2],
                                 dl("d", SCHED_CRIT_CONTROL, "0", 1 * MS, 13 * MS, 0)};
        u[2].deadline = 13 * MS;
        assert_int_equal(sched_admit_batch(u, 4, &h, v), 0);
        /* 2 ms (jitter 11): f50 = 1 -> 1 + 2 = 3 -> 1 + 2*2 = 5 > 4; the reservation (last in
         * file order) is
         * the one rejected, and the reason names the FIFO task it would break */
        u[3].runtime = 2 * MS;
        assert_int_equal(sched_admit_batch(u, 4, &h, v), 1);
        assert_false(v[3].admitted);
        assert_string_equal(v[3].reason, "RTA: response time >= 5 ms > deadline 4 ms of f50 on "
                                         "CPU 0 (0 higher-priority FIFO/RR, 1 DEADLINE "
                                         "interferers)");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(batch_criticality_order_and_elastic_shrink),
            cmocka_unit_test(batch_elastic_whole_microseconds),
            cmocka_unit_test(batch_ties_in_file_order),
            cmocka_unit_test(online_compresses_lower_class_and_restores),
            cmocka_unit_test(online_widens_to_next_class),
            cmocka_unit_test(online_never_compresses_higher_or_equal),
            cmocka_unit_test(online_rejects_without_change),
            cmocka_unit_test(partition_rule_and_gfb),
            cmocka_unit_test(rta_in_admission),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
