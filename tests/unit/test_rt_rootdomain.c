/* rt/rootdomain.c: which v1 cpusets form sched domains, on a fake cpuset tree in a temp dir. */
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

#include "rt/internal.h"
#include "rt/rt.h"

static char root[64];

static void set(const char *rel, const char *lb, const char *cpus)
{
        char path[256];
        snprintf(path, sizeof(path), "%s%s", root, rel);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s%s/cpuset.sched_load_balance", root, rel);
        FILE *f = fopen(path, "w");
        fprintf(f, "%s\n", lb);
        fclose(f);
        snprintf(path, sizeof(path), "%s%s/cpuset.effective_cpus", root, rel);
        f = fopen(path, "w");
        fprintf(f, "%s\n", cpus);
        fclose(f);
}

static void collect(const char *rel, const struct cpumask *cpus, void *ctx)
{
        char *out = ctx, list[64];
        size_t n = strlen(out);
        snprintf(out + n, 512 - n, "%s(%s) ", rel, cpumask_format(cpus, list, sizeof(list)));
}

static int setup(void **state)
{
        (void)state;
        snprintf(root, sizeof(root), "/tmp/rt-unit-cpuset.XXXXXX");
        assert_non_null(mkdtemp(root));
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        return system(cmd);
}

static void test_root_balancing_is_one_domain(void **state)
{
        (void)state;
        set("", "1", "0-3");
        set("/a", "1", "2");
        char out[512] = "";
        rt_cpuset_v1_domains(root, collect, out);
        assert_string_equal(out, "/(0-3) ");
}

static void test_first_balancing_set_on_each_path(void **state)
{
        (void)state;
        set("", "0", "0-3");
        set("/rt", "0", "0-3");
        set("/rt/c1", "1", "2");
        set("/rt/c1/inner", "1", "2");
        set("/other", "1", "0-1");
        set("/other/x", "0", "0");
        set("/empty", "1", "");
        char out[512] = "";
        rt_cpuset_v1_domains(root, collect, out);
        /* readdir order is not sorted: check membership */
        assert_non_null(strstr(out, "/rt/c1(2) "));
        assert_non_null(strstr(out, "/other(0-1) "));
        assert_null(strstr(out, "inner"));
        assert_null(strstr(out, "/other/x"));
        assert_null(strstr(out, "/empty"));
}

/* delete finds rt/'s default parent of a container's cgroup, and nothing else. */
static void test_default_parent_of(void **state)
{
        (void)state;
        char out[64];
        assert_int_equal(rt_default_parent_of("/rtrun-rt-2_5/c1", out, sizeof(out)), 1);
        assert_string_equal(out, "/rtrun-rt-2_5");
        assert_int_equal(rt_default_parent_of("/rtrun/c1", out, sizeof(out)), 0);
        assert_int_equal(rt_default_parent_of("/rtrun-rt-2/a/b", out, sizeof(out)), 0);
        assert_int_equal(rt_default_parent_of("/rtrun-rt-2", out, sizeof(out)), 0);
        assert_int_equal(
            rt_default_parent_of("systemd:/system.slice/rtrun-c1.scope", out, sizeof(out)), 0);
        assert_int_equal(rt_default_parent_of(NULL, out, sizeof(out)), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_root_balancing_is_one_domain, setup, teardown),
            cmocka_unit_test_setup_teardown(test_first_balancing_set_on_each_path, setup, teardown),
            cmocka_unit_test(test_default_parent_of),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
