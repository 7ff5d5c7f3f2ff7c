/* `exec --cgroup` specs (cg_open_sub) on a hybrid and a v2 layout whose mounts are plain
 * directories under a temporary dir: which hierarchy goes where, path cleaning, and the
 * refusals with their messages. */
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

#include "cgroups/cg_internal.h"

static char tmp[] = "/tmp/rtrun-unit-cgsub.XXXXXX";
static const char *const hier[] = {"cpu", "cpuacct", "memory", "pids", "systemd", "unified"};

static void mkdirs(const char *dir)
{
        char p[512];
        for (const char *s = dir; (s = strchr(s + 1, '/'));) {
                snprintf(p, sizeof(p), "%.*s", (int)(s - dir), dir);
                mkdir(p, 0755);
        }
        mkdir(dir, 0755);
}

static int setup(void **state)
{
        (void)state;
        if (mkdtemp(tmp) == NULL)
                return -1;
        char p[512];
        for (size_t i = 0; i < sizeof(hier) / sizeof(hier[0]); i++)
                for (int k = 0; k < 2; k++) {
                        snprintf(p, sizeof(p), "%s/%s/c1/%s", tmp, hier[i], k ? "sub2" : "sub");
                        mkdirs(p);
                }
        snprintf(p, sizeof(p), "%s/v2/c1/sub", tmp);
        mkdirs(p);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        return system(cmd) == 0 ? 0 : -1;
}

static struct cg_host *hybrid_host(void)
{
        char mi[2048];
        snprintf(mi, sizeof(mi),
                 "31 1 0:28 / %s rw - tmpfs tmpfs rw\n"
                 "32 31 0:29 / %s/cpu rw - cgroup cgroup rw,cpu\n"
                 "33 31 0:30 / %s/cpuacct rw - cgroup cgroup rw,cpuacct\n"
                 "34 31 0:31 / %s/memory rw - cgroup cgroup rw,memory\n"
                 "35 31 0:32 / %s/pids rw - cgroup cgroup rw,pids\n"
                 "36 31 0:33 / %s/systemd rw - cgroup cgroup rw,name=systemd\n"
                 "37 31 0:34 / %s/unified rw - cgroup2 cgroup2 rw\n",
                 tmp, tmp, tmp, tmp, tmp, tmp, tmp);
        struct rterr err = {0};
        struct cg_host *h = NULL;
        assert_int_equal(cg_host_parse(mi,
                                       "5:name=systemd:/\n4:pids:/\n3:memory:/\n"
                                       "2:cpuacct:/\n1:cpu:/\n0::/\n",
                                       &h, &err),
                         0);
        assert_int_equal(cg_host_assign(h, "", &err), 0);
        assert_int_equal(cg_host_layout(h), CG_LAYOUT_HYBRID);
        return h;
}

static struct cg_host *v2_host(void)
{
        char mi[512];
        snprintf(mi, sizeof(mi), "30 1 0:26 / %s/v2 rw - cgroup2 cgroup2 rw\n", tmp);
        struct rterr err = {0};
        struct cg_host *h = NULL;
        assert_int_equal(cg_host_parse(mi, "0::/\n", &h, &err), 0);
        assert_int_equal(cg_host_assign(h, "cpu memory pids\n", &err), 0);
        assert_int_equal(cg_host_layout(h), CG_LAYOUT_V2);
        return h;
}

/* Opens /c1 and the sub-cgroups of specs; returns the result or NULL with *err set. */
static struct cgroup *sub(const struct cg_host *h, char **specs, size_t n, struct rterr *err)
{
        struct cgroup *cg = NULL, *s = NULL;
        assert_int_equal(cg_open(h, "/c1", &cg, err), 0);
        int r = cg_open_sub(cg, specs, n, &s, err);
        cg_free(cg);
        return r == 0 ? s : NULL;
}

/* The directory of hierarchy `name` (a mount directory name under tmp) relative to tmp. */
static const char *dir_of(const struct cgroup *s, const char *name)
{
        static char out[512];
        char prefix[512];
        snprintf(prefix, sizeof(prefix), "%s/%s/", tmp, name);
        for (size_t i = 0; i < s->n_dirs; i++)
                if (strncmp(s->dirs[i].path, prefix, strlen(prefix)) == 0) {
                        assert_true(s->dirs[i].fd >= 0);
                        snprintf(out, sizeof(out), "%s", s->dirs[i].path + strlen(tmp) + 1);
                        return out;
                }
        return "none";
}

static void every_hierarchy(void **state)
{
        (void)state;
        struct cg_host *h = hybrid_host();
        struct rterr err = {0};
        const char *cases[][2] = {
            {"sub", "/c1/sub"},          {"/sub", "/c1/sub"}, {"./sub//", "/c1/sub"},
            {"sub/../sub2", "/c1/sub2"}, {"", "/c1"},         {"/", "/c1"}};
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                char *spec = (char *)cases[c][0];
                struct cgroup *s = sub(h, &spec, 1, &err);
                assert_non_null(s);
                for (size_t i = 0; i < sizeof(hier) / sizeof(hier[0]); i++) {
                        char want[64];
                        snprintf(want, sizeof(want), "%s%s", hier[i], cases[c][1]);
                        assert_string_equal(dir_of(s, hier[i]), want);
                }
                assert_true(cg_clone_fd(s) >= 0);
                cg_free(s);
        }
        cg_host_free(h);
}

static void per_controller(void **state)
{
        (void)state;
        struct cg_host *h = hybrid_host();
        struct rterr err = {0};
        char *specs[] = {"cpu,memory:sub", "pids:sub2", "name=systemd:sub", "cpu:sub"};
        struct cgroup *s = sub(h, specs, 4, &err);
        assert_non_null(s);
        assert_string_equal(dir_of(s, "cpu"), "cpu/c1/sub");
        assert_string_equal(dir_of(s, "memory"), "memory/c1/sub");
        assert_string_equal(dir_of(s, "pids"), "pids/c1/sub2");
        assert_string_equal(dir_of(s, "systemd"), "systemd/c1/sub");
        assert_string_equal(dir_of(s, "cpuacct"), "cpuacct/c1");
        assert_string_equal(dir_of(s, "unified"), "unified/c1");
        cg_free(s);
        cg_host_free(h);
}

static void refused(const struct cg_host *h, char **specs, size_t n, const char *msg)
{
        struct rterr err = {0};
        assert_null(sub(h, specs, n, &err));
        if (strstr(err.msg, msg) == NULL)
                fail_msg("%s: got '%s', want '%s'", specs[n - 1], err.msg, msg);
}

static void refusals(void **state)
{
        (void)state;
        struct cg_host *h = hybrid_host();
        char *a[][2] = {
            {"..", "is not below the container's cgroup"},
            {"sub/../../x", "is not below the container's cgroup"},
            {":sub", "empty controller name"},
            {"cpu,,memory:sub", "empty controller name"},
            {"cpu,:sub", "empty controller name"},
            {"a:b:c", "expected [CONTROLLER[,CONTROLLER...]:]PATH"},
            {"bogus:sub", "no controller bogus on this host"},
            {"net_cls:sub", "no controller net_cls on this host"},
            {"name=other:sub", "no controller name=other on this host"},
            {"nosuch", "--cgroup: open "},
            {"cpu:nosuch", "/cpu/c1/nosuch: No such file or directory"},
        };
        for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
                refused(h, &a[i][0], 1, a[i][1]);
        char *mixed[] = {"pids:sub2", "sub"};
        refused(h, mixed, 2, "give a CONTROLLER: prefix when more than one --cgroup is given");
        char *twice[] = {"cpu:sub", "cpu:sub2"};
        refused(h, twice, 2, "cpu is given two paths (sub and sub2)");
        cg_host_free(h);
}

static void v2(void **state)
{
        (void)state;
        struct cg_host *h = v2_host();
        struct rterr err = {0};
        char *spec = "sub";
        struct cgroup *s = sub(h, &spec, 1, &err);
        assert_non_null(s);
        assert_string_equal(dir_of(s, "v2"), "v2/c1/sub");
        assert_true(cg_clone_fd(s) >= 0);
        cg_free(s);
        char *ctrl = "pids:sub";
        refused(h, &ctrl, 1, "cgroup v2 has one hierarchy: give the path without a controller");
        cg_host_free(h);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(every_hierarchy),
            cmocka_unit_test(per_controller),
            cmocka_unit_test(refusals),
            cmocka_unit_test(v2),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
