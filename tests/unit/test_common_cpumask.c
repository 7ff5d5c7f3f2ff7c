/* One CPU-set type for oci/, rt/ and scheduler/: hosts of 2, 384 and 4096 CPUs read from fake
 * sysfs trees, the admission model and config.json on the same type, and the kernel's limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "oci/oci.h"
#include "scheduler/scheduler.h"

/* A fake sysfs root whose devices/system/cpu/online holds `online`. */
static void fake_sysfs(char *root, size_t len, const char *online)
{
        snprintf(root, len, "/tmp/rtrun-cpumask-XXXXXX");
        assert_non_null(mkdtemp(root));
        char path[512];
        const char *parts[] = {"devices", "devices/system", "devices/system/cpu"};
        for (size_t i = 0; i < 3; i++) {
                snprintf(path, sizeof(path), "%s/%s", root, parts[i]);
                assert_int_equal(mkdir(path, 0755), 0);
        }
        snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "%s\n", online);
        fclose(f);
}

static void rm_fake_sysfs(const char *root)
{
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
}

static void check_host(const char *online, unsigned ncpus, const char *last_cpu)
{
        char root[64], buf[CPULIST_MAX];
        struct rterr err = {0};
        struct cpumask m;
        fake_sysfs(root, sizeof(root), online);
        assert_int_equal(cpumask_read_online(root, &m, &err), 0);
        rm_fake_sysfs(root);
        assert_int_equal(cpumask_count(&m), ncpus);
        assert_string_equal(cpumask_format(&m, buf, sizeof(buf)), online);
        assert_int_equal(cpumask_first(&m), 0);
        assert_int_equal(cpumask_last(&m), (unsigned)atoi(last_cpu) + 1);
        unsigned walked = 0;
        for (int c = cpumask_first(&m); c >= 0; c = cpumask_next(&m, c))
                walked++;
        assert_int_equal(walked, ncpus);

        /* the admission model on the same host: a DEADLINE task on its last CPU fits */
        struct sched_host h;
        assert_int_equal(
            sched_host_from_values(&h, 950000, 1000000, buf, 50000000, 1000000000, &err), 0);
        assert_int_equal(cpumask_count(&h.cpus), ncpus);
        struct sched_task t;
        memset(&t, 0, sizeof(t));
        snprintf(t.id, sizeof(t.id), "last-cpu");
        t.kind = SCHED_KIND_DEADLINE;
        t.policy = SCHED_DEADLINE;
        t.runtime = 1000000;
        t.deadline = t.period = 10000000;
        assert_int_equal(cpumask_parse(last_cpu, &t.cpus, &err), 0);
        assert_int_equal(sched_task_validate(&t, &h, "config.json", &err), 0);
        struct sched_verdict v;
        assert_true(sched_admit_online(&t, 0, &h, &v));

        /* config.json names the same CPU: accepted by the parser */
        char json[1024];
        struct oci_spec *spec = NULL;
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"process\": "
                 "{\"cwd\": \"/\", \"args\": [\"sh\"], \"execCPUAffinity\": {\"initial\": "
                 "\"%s\"}}, \"linux\": {\"resources\": {\"cpu\": {\"cpus\": \"%s\"}}}}",
                 last_cpu, last_cpu);
        assert_int_equal(oci_spec_parse(json, strlen(json), &spec, &err), 0);
        oci_spec_free(spec);
}

static void two_cpus(void **state)
{
        (void)state;
        check_host("0-1", 2, "1");
}

static void cpus_384(void **state)
{
        (void)state;
        check_host("0-383", 384, "383");
}

static void cpus_4096(void **state)
{
        (void)state;
        check_host("0-4095", 4096, "4095");
}

static void sparse_and_limits(void **state)
{
        (void)state;
        struct cpumask m;
        struct rterr err = {0};
        char buf[CPULIST_MAX];
        assert_int_equal(cpumask_parse("0-1,256,1024-1025,8191", &m, &err), 0);
        assert_string_equal(cpumask_format(&m, buf, sizeof(buf)), "0-1,256,1024-1025,8191");
        assert_int_equal(cpumask_next(&m, 256), 1024);
        assert_int_equal(cpumask_next(&m, 8191), -1);
        assert_int_equal(cpumask_parse("8192", &m, &err), -1);
        assert_non_null(strstr(err.msg, "out of range (max 8191)"));
        /* config.json beyond the kernel's maximum: the error names the field */
        struct oci_spec *spec = NULL;
        const char *json = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "
                           "\"linux\": {\"resources\": {\"cpu\": {\"cpus\": \"0-9000\"}}}}";
        assert_int_equal(oci_spec_parse(json, strlen(json), &spec, &err), -1);
        assert_non_null(strstr(err.msg, "linux.resources.cpu.cpus"));
        assert_non_null(strstr(err.msg, "out of range"));
        /* the kernel's hex form round-trips past 1024 CPUs */
        assert_int_equal(cpumask_parse("0,4095", &m, &err), 0);
        struct cpumask back;
        char hex[CPULIST_MAX];
        assert_int_equal(cpumask_parse_hex(cpumask_format_hex(&m, hex, sizeof(hex)), &back, &err),
                         0);
        assert_true(cpumask_equal(&m, &back));
}

static void policy_names(void **state)
{
        (void)state;
        assert_string_equal(sched_policy_name(SCHED_DEADLINE), "SCHED_DEADLINE");
        assert_int_equal(sched_policy_from_name("SCHED_RR"), SCHED_RR);
        assert_null(sched_policy_name(4));
        assert_int_equal(sched_policy_from_name("SCHED_ISO"), -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(two_cpus),     cmocka_unit_test(cpus_384),
            cmocka_unit_test(cpus_4096),    cmocka_unit_test(sparse_and_limits),
            cmocka_unit_test(policy_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
