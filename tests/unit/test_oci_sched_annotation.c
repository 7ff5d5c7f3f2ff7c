/* process.scheduler from the org.rtrun.scheduler annotation (for engines that only pass
 * annotations): used when process has no scheduler, ignored when it has one, errors named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sched.h>

#include "oci/oci.h"

#define PREFIX "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"

static struct oci_spec *parse_ok(const char *json)
{
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("%s", err.msg);
        return s;
}

static void test_annotation_fills_scheduler(void **state)
{
        (void)state;
        struct oci_spec *s =
            parse_ok(PREFIX "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                            "\"annotations\":{\"org.rtrun.scheduler\":"
                            "\"{\\\"policy\\\":\\\"SCHED_DEADLINE\\\",\\\"runtime\\\":2000000,"
                            "\\\"deadline\\\":10000000,\\\"period\\\":10000000}\"}}");
        assert_true(s->process.scheduler.set);
        assert_int_equal(s->process.scheduler.policy, 6 /* SCHED_DEADLINE */);
        assert_int_equal(s->process.scheduler.runtime, 2000000);
        assert_int_equal(s->process.scheduler.deadline, 10000000);
        assert_int_equal(s->process.scheduler.period, 10000000);
        oci_spec_free(s);
}

static void test_process_scheduler_wins(void **state)
{
        (void)state;
        struct oci_spec *s = parse_ok(
            PREFIX "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"scheduler\":"
                   "{\"policy\":\"SCHED_FIFO\",\"priority\":10}},"
                   "\"annotations\":{\"org.rtrun.scheduler\":\"{\\\"policy\\\":\\\"SCHED_RR\\\","
                   "\\\"priority\\\":20}\"}}");
        assert_int_equal(s->process.scheduler.policy, SCHED_FIFO);
        assert_int_equal(s->process.scheduler.priority, 10);
        oci_spec_free(s);
}

static void test_bad_annotation_is_named(void **state)
{
        (void)state;
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        const char *bad_policy = PREFIX "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                                        "\"annotations\":{\"org.rtrun.scheduler\":"
                                        "\"{\\\"policy\\\":\\\"SCHED_FAST\\\"}\"}}";
        assert_int_equal(oci_spec_parse(bad_policy, strlen(bad_policy), &s, &err), -1);
        assert_non_null(strstr(err.msg, "annotations[\"org.rtrun.scheduler\"].policy"));
        const char *not_json = PREFIX "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                                      "\"annotations\":{\"org.rtrun.scheduler\":\"{policy\"}}";
        assert_int_equal(oci_spec_parse(not_json, strlen(not_json), &s, &err), -1);
        assert_non_null(strstr(err.msg, "annotations[\"org.rtrun.scheduler\"]"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_annotation_fills_scheduler),
            cmocka_unit_test(test_process_scheduler_wins),
            cmocka_unit_test(test_bad_annotation_is_named),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
