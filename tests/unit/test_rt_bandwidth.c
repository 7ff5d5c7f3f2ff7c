/* rt/bandwidth.c: a root domain's DEADLINE budget from a snapshot of tasks and fair servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt/internal.h"

#define PCT(x) (((uint64_t)(x) << RT_BW_SHIFT) / 100)

static struct rt_dl_snapshot *two_cpu_host(void)
{
        struct rt_dl_snapshot *s = calloc(1, sizeof(*s));
        s->rt_runtime_us = 950000;
        s->rt_period_us = 1000000;
        s->tasks = calloc(2, sizeof(*s->tasks));
        s->n_tasks = 2;
        s->tasks[0] = (struct rt_dl_task){
            .tid = 10, .cpu = 1, .runtime = 2000000, .deadline = 10000000, .period = 10000000};
        s->tasks[1] = (struct rt_dl_task){
            .tid = 11, .cpu = 0, .runtime = 1000000, .deadline = 10000000, .period = 10000000};
        return s;
}

static void test_fair_read(void **state)
{
        (void)state;
        struct rt_dl_snapshot *s = two_cpu_host();
        s->fair_known = true;
        s->fair_runtime[1] = 50000000;
        s->fair_period[1] = 1000000000;
        struct cpumask one;
        cpumask_parse("1", &one, NULL);
        struct rt_dl_budget b;
        rt_dl_budget_of(s, &one, 0, &b);
        assert_int_equal(b.ncpus, 1);
        assert_int_equal(b.capacity, rt_bw_of(950000, 1000000));
        assert_int_equal(b.tasks, rt_bw_of(2000000, 10000000)); /* only the task on CPU 1 */
        assert_int_equal(b.fair, rt_bw_of(50000000, 1000000000));
        assert_false(b.fair_estimated);
        assert_int_equal(b.free, b.capacity - b.tasks - b.fair);
        rt_dl_budget_of(s, &one, 10, &b); /* the task itself changing its parameters */
        assert_int_equal(b.tasks, 0);
        rt_dl_snapshot_free(s);
}

static void test_fair_from_root_domain_total(void **state)
{
        (void)state;
        struct rt_dl_snapshot *s = two_cpu_host();
        s->rd_known = true;
        /* domain {0,1}: two fair servers (5% each) + 20% + 10%; free 190 - 40 */
        s->rd_total_bw[0] = s->rd_total_bw[1] = 2 * 52428 + 209715 + 104857;
        struct cpumask both;
        cpumask_parse("0-1", &both, NULL);
        struct rt_dl_budget b;
        rt_dl_budget_of(s, &both, 0, &b);
        assert_int_equal(b.ncpus, 2);
        assert_int_equal(b.capacity, 2 * rt_bw_of(950000, 1000000));
        assert_true(b.fair_estimated);
        assert_int_equal(b.fair, 2 * 52428);
        assert_true(b.free > PCT(149) && b.free < PCT(151));
        rt_dl_snapshot_free(s);
}

static void test_unknown_and_partial(void **state)
{
        (void)state;
        struct rt_dl_snapshot *s = two_cpu_host();
        struct cpumask one;
        cpumask_parse("1", &one, NULL);
        struct rt_dl_budget b;
        rt_dl_budget_of(s, &one, 0, &b);
        assert_true(b.fair_unknown);
        s->partial = true;
        s->rd_known = true;
        s->rd_total_bw[1] = 262143;
        rt_dl_budget_of(s, &one, 0, &b);
        assert_true(b.combined);
        assert_int_equal(b.tasks, 262143);
        rt_dl_snapshot_free(s);
}

static void test_overcommitted_has_no_free(void **state)
{
        (void)state;
        struct rt_dl_snapshot *s = two_cpu_host();
        s->tasks[0].runtime = 9900000;
        s->fair_known = true;
        s->fair_runtime[1] = 50000000;
        s->fair_period[1] = 1000000000;
        struct cpumask one;
        cpumask_parse("1", &one, NULL);
        struct rt_dl_budget b;
        rt_dl_budget_of(s, &one, 0, &b);
        assert_int_equal(b.free, 0);
        rt_dl_snapshot_free(s);
}

static int whole_host(int cpu, struct cpumask *out)
{
        (void)cpu;
        return cpumask_parse("0-1", out, NULL);
}

/* debugfs unreadable: the fair servers come from the root domains' totals when sched/debug
 * was read, else the kernel's default for its version; the source is recorded. */
static void test_fair_fallback(void **state)
{
        (void)state;
        struct cpumask online;
        cpumask_parse("0-1", &online, NULL);
        /* sched/debug read: 2 x the default share beyond the tasks -> exactly the default */
        struct rt_dl_snapshot *s = two_cpu_host();
        s->rd_known = true;
        s->rd_total_bw[0] = s->rd_total_bw[1] = 2 * 52428 + 209715 + 104857;
        rt_fair_fallback(s, &online, "6.18.44-fc", whole_host);
        assert_true(s->fair_known);
        assert_int_equal(s->fair_source, RT_FAIR_ROOT_DOMAIN);
        assert_int_equal(s->fair_runtime[1], RT_FAIR_DEFAULT_RUNTIME);
        assert_int_equal(s->fair_period[1], RT_FAIR_DEFAULT_PERIOD);
        assert_true(rt_cpu_capacity(s, 1) > 0.8999999 && rt_cpu_capacity(s, 1) < 0.9000001);
        rt_dl_snapshot_free(s);
        /* an administrator set the fair servers to 0: derived as 0, not the default */
        s = two_cpu_host();
        s->rd_known = true;
        s->rd_total_bw[0] = s->rd_total_bw[1] = 209715 + 104857;
        rt_fair_fallback(s, &online, "6.18.44-fc", whole_host);
        assert_int_equal(s->fair_source, RT_FAIR_ROOT_DOMAIN);
        assert_int_equal(s->fair_runtime[0], 0);
        rt_dl_snapshot_free(s);
        /* nothing readable on 6.12+: the kernel's default, named as such */
        s = two_cpu_host();
        rt_fair_fallback(s, &online, "6.12.0", whole_host);
        assert_int_equal(s->fair_source, RT_FAIR_KERNEL_DEFAULT);
        assert_int_equal(s->fair_runtime[0], 50000000);
        assert_non_null(strstr(rt_fair_source_name(s->fair_source), "kernel default for 6.12+"));
        struct rt_dl_budget b;
        rt_dl_budget_of(s, &online, 0, &b);
        assert_int_equal(b.fair, 2 * rt_bw_of(50000000, 1000000000));
        assert_false(b.fair_unknown);
        assert_int_equal(b.fair_source, RT_FAIR_KERNEL_DEFAULT);
        rt_dl_snapshot_free(s);
        /* before 6.12 there is no fair server */
        s = two_cpu_host();
        rt_fair_fallback(s, &online, "6.1.0-rt", whole_host);
        assert_int_equal(s->fair_source, RT_FAIR_NONE);
        assert_int_equal(s->fair_period[0], 0);
        assert_true(rt_cpu_capacity(s, 0) == 0.95);
        rt_dl_snapshot_free(s);
        assert_true(rt_kernel_has_fair_server("6.12.1"));
        assert_true(rt_kernel_has_fair_server("7.0"));
        assert_false(rt_kernel_has_fair_server("6.11.9"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fair_read),
            cmocka_unit_test(test_fair_from_root_domain_total),
            cmocka_unit_test(test_unknown_and_partial),
            cmocka_unit_test(test_overcommitted_has_no_free),
            cmocka_unit_test(test_fair_fallback),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
