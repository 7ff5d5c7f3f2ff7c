/* rt/explain.c: the text for each kernel rule, from given numbers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"
#include "rt/internal.h"

static struct rt_explain_ctx dl_ctx(int errnum, uint64_t rt, uint64_t dl, uint64_t per)
{
        struct rt_explain_ctx c;
        memset(&c, 0, sizeof(c));
        c.errnum = errnum;
        c.req = (struct rt_sched){
            .policy = SCHED_DEADLINE, .flags = 1, .runtime = rt, .deadline = dl, .period = per};
        c.period_min_us = 100;
        c.period_max_us = 4194304;
        c.has_cap_sys_nice = true;
        return c;
}

static void expect(const struct rt_explain_ctx *c, const char *needle)
{
        char buf[1024];
        rt_explain_format(c, buf, sizeof(buf));
        if (strstr(buf, needle) == NULL)
                fail_msg("'%s' not in '%s'", needle, buf);
}

static void test_einval(void **state)
{
        (void)state;
        struct rt_explain_ctx c = dl_ctx(EINVAL, 20000000, 10000000, 10000000);
        expect(&c, "runtime <= deadline <= period, got 20000000 / 10000000 / 10000000");
        expect(&c, "SCHED_DEADLINE runtime=20000000");
        expect(&c, "flags=RESET_ON_FORK");
        c = dl_ctx(EINVAL, 500, 10000000, 10000000);
        expect(&c, "below the kernel's minimum of 1024 ns");
        c = dl_ctx(EINVAL, 10000, 20000, 50000);
        expect(&c, "outside the range the host allows, 100..4194304 us");
        c.req = (struct rt_sched){.policy = SCHED_FIFO, .priority = 120};
        expect(&c, "priority 120 is outside 1..99");
}

static void test_eperm(void **state)
{
        (void)state;
        struct rt_explain_ctx c = dl_ctx(EPERM, 2000000, 10000000, 10000000);
        c.has_cap_sys_nice = false;
        expect(&c, "lacks CAP_SYS_NICE");
        c.has_cap_sys_nice = true;
        cpumask_parse("1", &c.affinity, NULL);
        cpumask_parse("0-1", &c.rd_span, NULL);
        c.rd_known = true;
        expect(&c, "affinity {1} is narrower than root domain {0-1}");
        c.req = (struct rt_sched){.policy = SCHED_FIFO, .priority = 10};
        c.rt_group_known = true;
        c.rt_group_runtime_us = 0;
        strcpy(c.rt_group_path, "/rtrun/c1");
        expect(&c, "cpu cgroup /rtrun/c1 has cpu.rt_runtime_us 0");
}

/* FIFO on a cgroup v2 host whose kernel has RT group scheduling: the rule and the ways out. */
static void test_eperm_rt_group_v2(void **state)
{
        (void)state;
        struct rt_explain_ctx c;
        memset(&c, 0, sizeof(c));
        c.errnum = EPERM;
        c.req = (struct rt_sched){.policy = SCHED_FIFO, .priority = 50};
        c.has_cap_sys_nice = true;
        cpumask_parse("15", &c.affinity, NULL);
        strcpy(c.v2_cpu_cgroup, "/machine.slice/rtrun-c1");
        c.rt_group_sched = 1;
        strcpy(c.release, "6.18.2-amd64");
        expect(&c, "RT group scheduling (CONFIG_RT_GROUP_SCHED) with cgroup v2");
        expect(&c, "cgroup /machine.slice/rtrun-c1 has the cpu controller enabled");
        expect(&c, "no cpu.rt_runtime_us");
        expect(&c, "boot with rt_group_sched=0 (kernel 6.16+)");
        expect(&c, "keep the cpu controller off");
        /* before 6.16 there is no boot parameter: a kernel without the option */
        strcpy(c.release, "6.12.9");
        expect(&c, "predates the rt_group_sched=0 boot parameter (6.16)");
        expect(&c, "built without CONFIG_RT_GROUP_SCHED");
        /* config unknown: still named, as the probable cause */
        c.rt_group_sched = -1;
        expect(&c, "probably RT group scheduling");
        /* turned off at boot: not this rule */
        c.rt_group_sched = 0;
        char buf[1024];
        rt_explain_format(&c, buf, sizeof(buf));
        assert_null(strstr(buf, "RT group scheduling"));
        /* the facts the gatherer reads */
        assert_int_equal(rt_group_sched_state("CONFIG_X=y\nCONFIG_RT_GROUP_SCHED=y\n", "quiet"), 1);
        assert_int_equal(
            rt_group_sched_state("CONFIG_RT_GROUP_SCHED=y\n", "ro rt_group_sched=0 quiet"), 0);
        assert_int_equal(rt_group_sched_state("# CONFIG_RT_GROUP_SCHED is not set\n", ""), 0);
        assert_int_equal(rt_group_sched_state("CONFIG_RT_GROUP_SCHED=y\n"
                                              "CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED=y\n",
                                              ""),
                         0);
        assert_int_equal(rt_group_sched_state(NULL, "quiet"), -1);
        assert_true(rt_kernel_has_rt_group_sched_param("6.16.0"));
        assert_false(rt_kernel_has_rt_group_sched_param("6.15.11"));
}

static void test_ebusy_numbers(void **state)
{
        (void)state;
        struct rt_explain_ctx c = dl_ctx(EBUSY, 9000000, 10000000, 10000000);
        cpumask_parse("1", &c.rd_span, NULL);
        c.rd_known = true;
        c.budget_known = true;
        c.budget.ncpus = 1;
        c.budget.capacity = rt_bw_of(950000, 1000000);
        c.budget.tasks = rt_bw_of(2000000, 10000000);
        c.budget.fair = rt_bw_of(50000000, 1000000000);
        c.budget.free = c.budget.capacity - c.budget.tasks - c.budget.fair;
        expect(&c, "root domain {1}: requested 90.00% of a CPU");
        expect(&c, "capacity 1 CPU(s) x rt_runtime/rt_period = 95.00%");
        expect(&c, "granted to DEADLINE tasks 20.00%");
        expect(&c, "fair servers 5.00%");
        expect(&c, "free 70.00%");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_einval),
            cmocka_unit_test(test_eperm),
            cmocka_unit_test(test_eperm_rt_group_v2),
            cmocka_unit_test(test_ebusy_numbers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
