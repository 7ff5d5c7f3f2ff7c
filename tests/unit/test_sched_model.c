/* A container's demand from config.json: policy, cpus and the org.rtrun.* annotations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scheduler/scheduler.h"

static struct sched_host host(void)
{
        struct sched_host h;
        struct rterr err;
        assert_int_equal(sched_host_from_values(&h, 950000, 1000000, "0-3", 0, 0, &err), 0);
        return h;
}

/* Parses a minimal config with the given process.scheduler, cpus and annotations. */
static int from(const char *sched, const char *cpus, const char *ann, struct sched_task *t,
                struct rterr *err)
{
        char json[4096];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"process\": "
                 "{\"cwd\": \"/\", \"args\": [\"sh\"]%s%s}, \"linux\": {\"resources\": {\"cpu\": "
                 "{%s%s%s}}}, \"annotations\": {%s}}",
                 sched ? ", \"scheduler\": " : "", sched ? sched : "", cpus ? "\"cpus\": \"" : "",
                 cpus ? cpus : "", cpus ? "\"" : "", ann);
        struct oci_spec *spec = NULL;
        if (oci_spec_parse(json, strlen(json), &spec, err) < 0)
                fail_msg("config: %s", err->msg);
        struct sched_host h = host();
        int r = sched_task_from_spec(spec, "c1", &h, t, err);
        oci_spec_free(spec);
        return r;
}

static void deadline_with_annotations(void **state)
{
        (void)state;
        struct sched_task t;
        struct rterr err;
        assert_int_equal(
            from("{\"policy\": \"SCHED_DEADLINE\", \"runtime\": 2000000, \"deadline\": 5000000, "
                 "\"period\": 10000000}",
                 "2-3",
                 "\"org.rtrun.criticality\": \"planning\", \"org.rtrun.elastic.min-runtime\": "
                 "\"500000\", \"org.rtrun.elastic.weight\": \"2.5\"",
                 &t, &err),
            0);
        assert_int_equal(t.kind, SCHED_KIND_DEADLINE);
        assert_int_equal(t.crit, SCHED_CRIT_PLANNING);
        assert_int_equal(t.runtime, 2000000);
        assert_int_equal(t.deadline, 5000000);
        assert_int_equal(t.period, 10000000);
        assert_true(t.elastic);
        assert_int_equal(t.min_runtime, 500000);
        assert_true(t.weight == 2.5);
        char buf[32];
        cpumask_format(&t.cpus, buf, sizeof(buf));
        assert_string_equal(buf, "2-3");
}

static void fifo_timing_and_defaults(void **state)
{
        (void)state;
        struct sched_task t;
        struct rterr err;
        assert_int_equal(from("{\"policy\": \"SCHED_FIFO\", \"priority\": 50}", "1",
                              "\"org.rtrun.timing.wcet\": \"1000000\", "
                              "\"org.rtrun.timing.period\": \"4000000\"",
                              &t, &err),
                         0);
        assert_int_equal(t.kind, SCHED_KIND_TIMED_FP);
        assert_int_equal(t.crit, SCHED_CRIT_BEST_EFFORT);
        assert_int_equal(t.deadline, 4000000); /* defaults to the period */
        assert_int_equal(t.priority, 50);
        /* without timing: counted on its CPUs (every host CPU here), demand unknown */
        assert_int_equal(from("{\"policy\": \"SCHED_RR\", \"priority\": 5}", NULL, "", &t, &err),
                         0);
        assert_int_equal(t.kind, SCHED_KIND_UNTIMED_FP);
        assert_int_equal(cpumask_count(&t.cpus), 4);
        /* elastic FIFO/RR: refused, the kernel would not enforce the smaller budget */
        assert_int_equal(from("{\"policy\": \"SCHED_FIFO\", \"priority\": 50}", "1",
                              "\"org.rtrun.timing.wcet\": \"1000000\", "
                              "\"org.rtrun.timing.period\": \"4000000\", "
                              "\"org.rtrun.elastic.min-runtime\": \"500000\"",
                              &t, &err),
                         -1);
        assert_non_null(strstr(err.msg, "org.rtrun.elastic.min-runtime"));
        assert_non_null(strstr(err.msg, "SCHED_DEADLINE only"));
        /* no cpus: the partition is every CPU of the host */
        assert_int_equal(from("{\"policy\": \"SCHED_DEADLINE\", \"runtime\": 2000000, "
                              "\"period\": 10000000}",
                              NULL, "", &t, &err),
                         0);
        assert_int_equal(cpumask_count(&t.cpus), 4);
        assert_int_equal(from(NULL, NULL, "", &t, &err), 0);
        assert_int_equal(t.kind, SCHED_KIND_NONE);
}

static void errors_name_the_annotation(void **state)
{
        (void)state;
        struct sched_task t;
        struct rterr err;
        assert_int_equal(from(NULL, NULL, "\"org.rtrun.criticality\": \"urgent\"", &t, &err), -1);
        assert_string_equal(err.msg, "annotations[\"org.rtrun.criticality\"]: 'urgent' is not "
                                     "one of control, planning, perception, best-effort");
        assert_int_equal(from("{\"policy\": \"SCHED_FIFO\", \"priority\": 50}", "0",
                              "\"org.rtrun.timing.wcet\": \"1ms\"", &t, &err),
                         -1);
        assert_string_equal(err.msg, "annotations[\"org.rtrun.timing.wcet\"]: '1ms' is not a "
                                     "positive integer (ns)");
        assert_int_equal(from("{\"policy\": \"SCHED_FIFO\", \"priority\": 50}", "0",
                              "\"org.rtrun.timing.wcet\": \"1000\"", &t, &err),
                         -1);
        assert_string_equal(err.msg, "annotations: org.rtrun.timing.period is required with the "
                                     "other org.rtrun.timing.* annotations");
}

/* The name the status table shows: rtrun's own annotation first, then the CRI's and nerdctl's. */
static void engine_names(void **state)
{
        (void)state;
        struct sched_task t;
        struct rterr err;
        assert_int_equal(from(NULL, NULL, "", &t, &err), 0);
        assert_string_equal(t.name, "");
        assert_int_equal(from(NULL, NULL,
                              "\"io.kubernetes.cri.sandbox-name\": \"control-pod\", "
                              "\"io.kubernetes.cri.container-name\": \"mpc\"",
                              &t, &err),
                         0);
        assert_string_equal(t.name, "control-pod/mpc");
        assert_int_equal(
            from(NULL, NULL, "\"io.kubernetes.cri.sandbox-name\": \"control-pod\"", &t, &err), 0);
        assert_string_equal(t.name, "control-pod");
        assert_int_equal(from(NULL, NULL,
                              "\"io.kubernetes.pod.name\": \"p\", "
                              "\"io.kubernetes.container.name\": \"c\"",
                              &t, &err),
                         0);
        assert_string_equal(t.name, "p/c");
        assert_int_equal(from(NULL, NULL,
                              "\"nerdctl/name\": \"web\", \"org.rtrun.name\": \"planner\"", &t,
                              &err),
                         0);
        assert_string_equal(t.name, "planner");
        assert_int_equal(from(NULL, NULL, "\"nerdctl/name\": \"web\"", &t, &err), 0);
        assert_string_equal(t.name, "web");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(deadline_with_annotations),
            cmocka_unit_test(fifo_timing_and_defaults),
            cmocka_unit_test(errors_name_the_annotation),
            cmocka_unit_test(engine_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
