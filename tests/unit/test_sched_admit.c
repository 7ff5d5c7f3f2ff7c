/* Batch and online decisions of the admission model (issue 5), on hand-computed sets. One CPU
 * with capacity 1 (bandwidth 1, no fair server) unless a test says otherwise, so utilisations
 * add up plainly; implicit deadlines, so EDF fits exactly when U <= 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "scheduler/scheduler.h"
#include "sched_fixtures.h"

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

/* Three D = T tasks exactly at the capacity of a 6.12+ CPU (0.95 - 0.05 = 0.9): U <= c is
 * exact for D >= T, so they are admitted (QPA used to give up), and a fourth microsecond is
 * refused. */
static void implicit_deadlines_exactly_at_capacity(void **state)
{
        (void)state;
        struct sched_host h;
        struct rterr err;
        assert_int_equal(sched_host_from_values(&h, 950000, 1000000, "0", 50 * MS, 1000 * MS, &err),
                         0);
        struct sched_task t[4] = {
            dl("a", SCHED_CRIT_CONTROL, "0", 3 * MS, 10 * MS, 0),
            dl("b", SCHED_CRIT_CONTROL, "0", 9 * MS, 30 * MS, 0),
            dl("c", SCHED_CRIT_CONTROL, "0", 21 * MS, 70 * MS, 0),
            dl("d", SCHED_CRIT_CONTROL, "0", 1000, 1000 * MS, 0),
        };
        struct sched_verdict v[4];
        for (size_t i = 0; i < 3; i++)
                assert_true(sched_admit_online(t, i, &h, &v[i]));
        assert_false(sched_admit_online(t, 3, &h, &v[3]));
        assert_non_null(strstr(v[3].reason, "EDF: utilisation 0.900001 > capacity 0.900000"));
        assert_null(strstr(v[3].reason, "gave up"));
}

/* An untimed FIFO container counts: it is refused next to a timed FIFO task at or below its
 * priority on its CPUs (and such a task is refused next to it); DEADLINE is unaffected. */
static void untimed_fifo_counted(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_task t[4];
        struct sched_verdict v;
        t[0] = fifo("timed", 10, 1 * MS, 10 * MS, 10 * MS);
        assert_true(sched_admit_online(t, 0, &h, &v));
        t[1] = dl("untimed-hi", SCHED_CRIT_CONTROL, "0", 0, 0, 0);
        t[1].kind = SCHED_KIND_UNTIMED_FP;
        t[1].policy = SCHED_FIFO;
        t[1].priority = 99;
        t[1].runtime = t[1].deadline = t[1].period = 0;
        assert_false(sched_admit_online(t, 1, &h, &v));
        assert_string_equal(v.reason,
                            "untimed FIFO/RR container untimed-hi (priority 99, no "
                            "org.rtrun.timing.*) can starve timed FIFO/RR container timed "
                            "(priority 10) on CPU 0: give untimed-hi timing annotations, a "
                            "lower priority, or other CPUs");
        /* below the timed task's priority it cannot preempt it: admitted */
        t[1].priority = 5;
        assert_true(sched_admit_online(t, 1, &h, &v));
        assert_int_equal(t[1].granted, 1);
        /* a DEADLINE container on the same CPU runs above FIFO: admitted */
        t[2] = dl("deadline", SCHED_CRIT_CONTROL, "0", 2 * MS, 10 * MS, 0);
        assert_true(sched_admit_online(t, 2, &h, &v));
        /* a timed FIFO task arriving at or below the untimed one's priority is refused */
        t[3] = fifo("late", 5, 1 * MS, 100 * MS, 100 * MS);
        assert_false(sched_admit_online(t, 3, &h, &v));
        assert_non_null(strstr(v.reason, "can starve timed FIFO/RR container late"));
}

/* DEADLINE bandwidth the kernel granted outside the ledger lowers the capacity of the CPUs of
 * its root domain; once matched to its reservation it is not counted twice. */
static void foreign_deadline_charged(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_foreign f = {.pid = 4242,
                                  .tid = 4242,
                                  .runtime = 10 * MS,
                                  .deadline = 20 * MS,
                                  .period = 20 * MS,
                                  .counted = true};
        snprintf(f.comm, sizeof(f.comm), "chrt");
        cpumask_set(&f.span, 0);
        cpumask_set(&f.span, 1);
        h.foreign = &f;
        h.n_foreign = 1;
        assert_true(sched_host_foreign_on(&h, 0) == 0.25);
        struct cpumask one;
        cpumask_zero(&one);
        cpumask_set(&one, 1);
        assert_true(sched_host_capacity_on(&h, &one) == 0.75);
        struct sched_task t[2] = {dl("fits", SCHED_CRIT_CONTROL, "1", 7 * MS, 10 * MS, 0),
                                  dl("not", SCHED_CRIT_CONTROL, "1", 1 * MS, 10 * MS, 0)};
        struct sched_verdict v;
        assert_true(sched_admit_online(t, 0, &h, &v));
        assert_false(sched_admit_online(t, 1, &h, &v));
        assert_non_null(strstr(v.reason, "capacity 0.750"));
        /* a timed FIFO task sees it as a DEADLINE interferer */
        struct sched_task ft = fifo("fifo", 10, 15 * MS, 20 * MS, 20 * MS);
        assert_false(sched_admit_online(&ft, 0, &h, &v));
        assert_non_null(strstr(v.reason, "1 DEADLINE interferers"));
        /* held by a live reservation with these parameters: not counted */
        struct sched_entry e = {.pid = getpid()};
        e.task = dl("holder", SCHED_CRIT_CONTROL, "0-1", 10 * MS, 20 * MS, 0);
        e.task.granted = 10 * MS;
        e.starttime = sched_proc_starttime(getpid());
        f.pid = f.tid = 999999;
        f.ancestors[0] = getpid();
        f.n_ancestors = 1;
        sched_foreign_match(&f, 1, &e, 1);
        assert_false(f.counted);
        /* one that raised itself above its grant stays counted */
        f.counted = true;
        f.runtime = 15 * MS;
        sched_foreign_match(&f, 1, &e, 1);
        assert_true(f.counted);
}

/* The kernel's DEADLINE period limits and FIFO priority 0: errors name the field. */
static void kernel_limits_validated(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        h.dl_period_min = 100 * 1000;
        h.dl_period_max = UINT64_C(4194304) * 1000;
        struct rterr err;
        struct sched_task t = dl("short", SCHED_CRIT_CONTROL, "0", 20000, 50000, 0);
        assert_int_equal(sched_task_validate(&t, &h, "config.json", &err), -1);
        assert_string_equal(err.msg, "config.json: process.scheduler.period: 50000 ns is below "
                                     "the kernel's minimum 100000 ns "
                                     "(/proc/sys/kernel/sched_deadline_period_min_us)");
        t = dl("long", SCHED_CRIT_CONTROL, "0", 1 * MS, 5000 * MS, 0);
        assert_int_equal(sched_task_validate(&t, &h, "ts: containers[0]", &err), -1);
        assert_non_null(strstr(err.msg, "ts: containers[0]: scheduler.period: 5000000000 ns is "
                                        "above the kernel's maximum 4194304000 ns"));
        t = fifo("prio0", 0, 1 * MS, 10 * MS, 10 * MS);
        assert_int_equal(sched_task_validate(&t, &h, "config.json", &err), -1);
        assert_string_equal(err.msg, "config.json: process.scheduler.priority: SCHED_FIFO needs a "
                                     "priority in [1, 99], got 0");
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
            cmocka_unit_test(implicit_deadlines_exactly_at_capacity),
            cmocka_unit_test(untimed_fifo_counted),
            cmocka_unit_test(foreign_deadline_charged),
            cmocka_unit_test(kernel_limits_validated),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
