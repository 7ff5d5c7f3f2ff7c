/* The taskset file: defaults from the kernel, errors with JSON paths, and the report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scheduler/scheduler.h"

static struct sched_host kernel(void)
{
        struct sched_host h;
        struct rterr err;
        /* 95 % cap, fair server 50 ms / 1 s: capacity 0.9 on CPUs 0-3 */
        assert_int_equal(
            sched_host_from_values(&h, 950000, 1000000, "0-3", 50000000, 1000000000, &err), 0);
        return h;
}

static void expect_error(const char *json, const char *msg)
{
        struct sched_host k = kernel();
        struct sched_taskset ts;
        struct rterr err = {0};
        assert_int_equal(sched_taskset_parse(json, "t.json", &k, &ts, &err), -1);
        if (strncmp(err.msg, msg, strlen(msg)) != 0) /* prefix: yajl adds context lines */
                fail_msg("got \"%s\"\nwant \"%s\"", err.msg, msg);
}

static void errors_name_the_json_path(void **state)
{
        (void)state;
        expect_error("{", "t.json: invalid JSON: parse error");
        expect_error("{}", "t.json: containers: required: an array");
        expect_error("{\"containers\": [{\"id\": \"a\"}, {\"id\": \"b\", \"scheduler\": "
                     "{\"policy\": \"SCHED_DEADLINE\", \"period\": 10}}]}",
                     "t.json: containers[1].scheduler.runtime: required");
        expect_error("{\"containers\": [{\"id\": \"a\", \"criticality\": \"urgent\"}]}",
                     "t.json: containers[0].criticality: not one of control, planning, "
                     "perception, best-effort");
        expect_error("{\"containers\": [{\"id\": \"a\", \"timeing\": {}}]}",
                     "t.json: containers[0].timeing: unknown key");
        expect_error("{\"containers\": [{\"id\": \"a\", \"cpus\": \"5\", \"scheduler\": "
                     "{\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000000, \"period\": "
                     "10000000}}]}",
                     "t.json: containers[0]: cpus '5' are not within the host's CPUs 0-3");
        expect_error("{\"host\": {\"bandwidth\": 1.5}, \"containers\": []}",
                     "t.json: host.bandwidth: must be in (0, 1]");
        expect_error("{\"containers\": [{\"id\": \"a\"}, {\"id\": \"a\"}]}",
                     "t.json: containers[1].id: duplicate id");
        expect_error("{\"containers\": [{\"id\": \"a\", \"scheduler\": {\"policy\": "
                     "\"SCHED_DEADLINE\", \"runtime\": 1000000, \"period\": 10000000}, "
                     "\"elastic\": {\"min_runtime\": 2000000}}]}",
                     "t.json: containers[0]: elastic min-runtime 2000000 must be in [1, runtime "
                     "1000000]");
        expect_error("{\"mode\": \"greedy\", \"containers\": []}",
                     "t.json: mode: expected \"batch\" or \"online\"");
}

static void host_defaults_from_kernel(void **state)
{
        (void)state;
        struct sched_host k = kernel();
        struct sched_taskset ts;
        struct rterr err;
        assert_int_equal(sched_taskset_parse("{\"containers\": []}", "t", &k, &ts, &err), 0);
        assert_true(ts.host.fair_server);
        assert_int_equal(ts.host.fs_runtime, 50000000);
        assert_true(cpumask_equal(&ts.host.cpus, &k.cpus));
        assert_false(ts.online);
        sched_taskset_free(&ts);
        assert_int_equal(sched_taskset_parse("{\"host\": {\"cpus\": \"2\", \"fair_server\": "
                                             "null}, \"mode\": \"online\", \"containers\": []}",
                                             "t", &k, &ts, &err),
                         0);
        assert_false(ts.host.fair_server);
        assert_true(ts.online);
        assert_int_equal(cpumask_first(&ts.host.cpus), 2);
        assert_int_equal(cpumask_count(&ts.host.cpus), 1);
        assert_true(sched_host_capacity(&ts.host) > 0.949 && sched_host_capacity(&ts.host) < 0.951);
        sched_taskset_free(&ts);
}

/* Online: perception holds 6 of 10 ms (elastic to 1 ms); control (4 ms) and planning (2 ms)
 * arrive. Capacity 0.9: control compresses perception to 0.5 -> 5 ms; planning compresses it
 * again, computed from its requested 6 ms: 0.9 - 0.4 - 0.2 = 0.3 -> 3 ms. */
static void online_file_and_report(void **state)
{
        (void)state;
        struct sched_host k = kernel();
        struct sched_taskset ts;
        struct rterr err;
        const char *json =
            "{\"host\": {\"cpus\": \"0\", \"bandwidth\": 0.95, \"fair_server\": {\"runtime\": "
            "50000000, \"period\": 1000000000}}, \"mode\": \"online\", \"containers\": ["
            "{\"id\": \"perc\", \"criticality\": \"perception\", \"scheduler\": {\"policy\": "
            "\"SCHED_DEADLINE\", \"runtime\": 6000000, \"period\": 10000000}, \"elastic\": "
            "{\"min_runtime\": 1000000}},"
            "{\"id\": \"ctrl\", \"criticality\": \"control\", \"scheduler\": {\"policy\": "
            "\"SCHED_DEADLINE\", \"runtime\": 4000000, \"period\": 10000000}},"
            "{\"id\": \"plan\", \"criticality\": \"planning\", \"scheduler\": {\"policy\": "
            "\"SCHED_DEADLINE\", \"runtime\": 2000000, \"period\": 10000000}},"
            "{\"id\": \"log\", \"scheduler\": {\"policy\": \"SCHED_OTHER\"}}]}";
        assert_int_equal(sched_taskset_parse(json, "t", &k, &ts, &err), 0);
        struct sched_verdict v[4];
        assert_int_equal(sched_taskset_run(&ts, v), 0);
        assert_int_equal(ts.tasks[0].granted, 3000000);
        assert_int_equal(ts.tasks[1].granted, 4000000);
        assert_int_equal(ts.tasks[2].granted, 2000000);
        char *doc = sched_report_json(ts.tasks, v, ts.n, &ts.host);
        assert_non_null(doc);
        assert_non_null(strstr(doc, "\"id\": \"perc\",\n"
                                    "            \"admitted\": true,\n"
                                    "            \"granted_runtime\": 3000000,"));
        assert_non_null(strstr(doc, "\"id\": \"log\",\n"
                                    "            \"admitted\": true,\n"
                                    "            \"reason\""));
        assert_non_null(strstr(doc, "\"cpu\": 0,"));
        free(doc);
        sched_taskset_free(&ts);
}

/* Not pinned to one CPU: a verdict (rejected), not invalid input. */
static void unpinned_fifo_rejected(void **state)
{
        (void)state;
        struct sched_host k = kernel();
        struct sched_taskset ts;
        struct rterr err;
        assert_int_equal(sched_taskset_parse("{\"containers\": [{\"id\": \"a\", \"scheduler\": "
                                             "{\"policy\": \"SCHED_FIFO\", \"priority\": 10}, "
                                             "\"timing\": {\"wcet\": 1000, \"period\": "
                                             "10000000000}}]}",
                                             "t", &k, &ts, &err),
                         0);
        struct sched_verdict v[1];
        assert_int_equal(sched_taskset_run(&ts, v), 1);
        assert_string_equal(v[0].reason,
                            "FIFO/RR with timing must be pinned to exactly one CPU, got 0-3");
        sched_taskset_free(&ts);
}

/* The JUnit report: a rejection is a failure with the reason, names and reasons escaped,
 * bytes XML 1.0 cannot carry replaced, counts in both suite elements. */
static void junit_report(void **state)
{
        (void)state;
        struct sched_host k = kernel();
        struct sched_task t[3] = {0};
        struct sched_verdict v[3] = {0};
        snprintf(t[0].id, sizeof(t[0].id), "ctl<&>");
        t[0].kind = SCHED_KIND_DEADLINE;
        t[0].crit = SCHED_CRIT_CONTROL;
        t[0].runtime = t[0].granted = 1000000;
        t[0].period = t[0].deadline = 10000000;
        t[0].cpus = k.cpus;
        v[0].admitted = true;
        snprintf(v[0].reason, sizeof(v[0].reason), "admitted");
        snprintf(t[1].id, sizeof(t[1].id), "bad\001\xff\"q'");
        snprintf(v[1].reason, sizeof(v[1].reason), "EDF: utilisation 1.000 > capacity 0.900");
        snprintf(t[2].id, sizeof(t[2].id), "caf\xc3\xa9");
        v[2].admitted = true;
        char *x = sched_report_junit(t, v, 3, &k);
        assert_non_null(x);
        assert_non_null(strstr(x, "<testsuites name=\"rtrun admission check\" tests=\"3\" "
                                  "failures=\"1\">"));
        assert_non_null(strstr(x, "<testcase classname=\"admission.control\" name=\"ctl&lt;&amp;"
                                  "&gt;\">"));
        assert_non_null(strstr(x, "<property name=\"granted_runtime\" value=\"1000000\"/>"));
        assert_non_null(strstr(x, "name=\"bad??&quot;q&apos;\">"));
        assert_non_null(strstr(x, "<failure type=\"rejected\" message=\"EDF: utilisation 1.000 "
                                  "&gt; capacity 0.900\">"));
        assert_non_null(strstr(x, "name=\"caf\xc3\xa9\">"));
        assert_non_null(strstr(x, "\n0 0.900 0.025\n1 0.900 0.025\n"));
        assert_null(strchr(x, '\001'));
        free(x);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(errors_name_the_json_path),
            cmocka_unit_test(host_defaults_from_kernel),
            cmocka_unit_test(online_file_and_report),
            cmocka_unit_test(unpinned_fifo_rejected),
            cmocka_unit_test(junit_report),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
