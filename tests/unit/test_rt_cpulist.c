/* rt/: CPU lists, kernel command line isolation, and the RESET_ON_FORK rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"
#include "rt/internal.h"

static void roundtrip(const char *in, const char *want)
{
        struct cpumask m;
        struct rterr err = {0};
        char buf[256];
        assert_int_equal(cpumask_parse(in, &m, &err), 0);
        assert_string_equal(cpumask_format(&m, buf, sizeof(buf)), want);
}

static void test_parse_format(void **state)
{
        (void)state;
        roundtrip("0-3,7", "0-3,7");
        roundtrip("1\n", "1");
        roundtrip("", "");
        roundtrip("\n", "");
        roundtrip("5,0,1,2", "0-2,5");
        roundtrip("2-3, 3-4", "2-4");
        roundtrip("63-65,1023", "63-65,1023");
}

static void test_parse_errors(void **state)
{
        (void)state;
        struct cpumask m;
        struct rterr err = {0};
        assert_int_equal(cpumask_parse("3-1", &m, &err), -1);
        assert_non_null(strstr(err.msg, "backwards"));
        assert_int_equal(cpumask_parse("1,,2", &m, &err), -1);
        assert_int_equal(cpumask_parse("a", &m, &err), -1);
        assert_int_equal(cpumask_parse("8192", &m, &err), -1);
        assert_non_null(strstr(err.msg, "out of range"));
        assert_int_equal(cpumask_parse("1-", &m, &err), -1);
}

static void test_set_ops(void **state)
{
        (void)state;
        struct cpumask a, b, c;
        cpumask_parse("0-3", &a, NULL);
        cpumask_parse("2-5", &b, NULL);
        cpumask_and(&c, &a, &b);
        char buf[64];
        assert_string_equal(cpumask_format(&c, buf, sizeof(buf)), "2-3");
        cpumask_andnot(&c, &a, &b);
        assert_string_equal(cpumask_format(&c, buf, sizeof(buf)), "0-1");
        assert_true(cpumask_intersects(&a, &b));
        assert_false(cpumask_subset(&a, &b));
        cpumask_parse("2", &c, NULL);
        assert_true(cpumask_subset(&c, &a));
        assert_int_equal(cpumask_count(&a), 4);
        assert_int_equal(cpumask_last(&b), 6);
}

static void test_cmdline(void **state)
{
        (void)state;
        struct rt_isolation iso;
        memset(&iso, 0, sizeof(iso));
        char buf[64];
        assert_int_equal(
            rt_isolation_parse_cmdline("quiet isolcpus=domain,managed_irq,2-3,5 nohz_full=2-3 "
                                       "-- isolcpus=1",
                                       &iso, NULL),
            0);
        assert_string_equal(cpumask_format(&iso.isolcpus_cmdline, buf, sizeof(buf)), "2-3,5");
        assert_string_equal(iso.isolcpus_flags, "domain,managed_irq");
        assert_string_equal(cpumask_format(&iso.nohz_full_cmdline, buf, sizeof(buf)), "2-3");
        memset(&iso, 0, sizeof(iso));
        assert_int_equal(rt_isolation_parse_cmdline("console=ttyS0 quiet", &iso, NULL), 0);
        assert_true(cpumask_empty(&iso.isolcpus_cmdline));
}

static void test_reset_on_fork_rule(void **state)
{
        (void)state;
        struct oci_scheduler o = {.set = true,
                                  .policy = SCHED_DEADLINE,
                                  .runtime = 2000000,
                                  .deadline = 10000000,
                                  .period = 10000000};
        struct rt_sched s;
        rt_sched_from_oci(&o, &s);
        assert_int_equal(s.flags, 0x01); /* implicit RESET_ON_FORK */
        assert_int_equal(s.runtime, 2000000);
        o.reset_on_fork_explicit = true;
        o.flags = 0x04;
        rt_sched_from_oci(&o, &s);
        assert_int_equal(s.flags, 0x04); /* an explicit array is taken as written */
        struct oci_scheduler f = {.set = true, .policy = SCHED_FIFO, .priority = 50, .nice = 5};
        rt_sched_from_oci(&f, &s);
        assert_int_equal(s.priority, 50);
        assert_int_equal(s.nice, 0);
        assert_int_equal(s.flags, 0);
        struct oci_scheduler b = {.set = true, .policy = SCHED_BATCH, .priority = 50, .nice = 5};
        rt_sched_from_oci(&b, &s);
        assert_int_equal(s.priority, 0);
        assert_int_equal(s.nice, 5);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse_format),
            cmocka_unit_test(test_parse_errors),
            cmocka_unit_test(test_set_ops),
            cmocka_unit_test(test_cmdline),
            cmocka_unit_test(test_reset_on_fork_rule),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
