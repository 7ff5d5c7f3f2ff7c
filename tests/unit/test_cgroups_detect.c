/* Host layout detection from mountinfo and /proc/self/cgroup texts (v1, v2, hybrid, a
 * container's view), and where a container's cgroup directories go on each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroups/cg_internal.h"

/* This development host: v1 controllers, cpu and cpuacct apart, hugetlb only in cgroup2. */
static const char hybrid_mi[] =
    "23 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_self[] = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n"
                                  "5:devices:/\n4:memory:/process_api/50f7\n3:cpuset:/\n"
                                  "2:cpuacct:/\n1:cpu:/\n0::/\n";

static const char v2_mi[] = "23 1 254:0 / / rw - ext4 /dev/vda rw\n"
                            "30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 "
                            "rw,nsdelegate,memory_recursiveprot\n";
static const char v2_self[] = "0::/user.slice/session-1.scope\n";
static const char v2_ctrls[] = "cpuset cpu io memory hugetlb pids rdma misc\n";

static const char v1_mi[] =
    "30 23 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
    "31 30 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "32 30 0:28 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
    "33 30 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
    "34 30 0:30 / /sys/fs/cgroup/my\\040pids rw - cgroup cgroup rw,pids\n";
static const char v1_self[] = "3:pids:/\n2:memory:/\n1:cpu,cpuacct:/a\n4:net_cls,net_prio:/\n";

static struct cg_host *host(const char *mi, const char *self, const char *ctrls)
{
        struct rterr err = {0};
        struct cg_host *h = NULL;
        assert_int_equal(cg_host_parse(mi, self, &h, &err), 0);
        assert_int_equal(cg_host_assign(h, ctrls, &err), 0);
        return h;
}

static void dir_is(const struct cg_host *h, const char *path, const char *ctrl, const char *want)
{
        struct rterr err = {0};
        struct cgroup *cg = NULL;
        assert_int_equal(cg_resolve(h, path, &cg, &err), 0);
        const char *got = cg_controller_dir(cg, ctrl);
        if (want == NULL)
                assert_null(got);
        else
                assert_string_equal(got, want);
        cg_free(cg);
}

static void hybrid(void **state)
{
        (void)state;
        struct cg_host *h = host(hybrid_mi, hybrid_self, "hugetlb\n");
        assert_int_equal(cg_host_layout(h), CG_LAYOUT_HYBRID);
        assert_int_equal(h->drv[CG_MEMORY], CG_DRV_V1);
        assert_int_equal(h->drv[CG_DEVICES], CG_DRV_V1);
        assert_int_equal(h->drv[CG_FREEZER], CG_DRV_V1);
        assert_int_equal(h->drv[CG_HUGETLB], CG_DRV_V2);
        assert_int_equal(h->drv[CG_NET_CLS], CG_DRV_NONE);
        assert_int_equal(h->drv[CG_RDMA], CG_DRV_NONE);
        dir_is(h, "/rtrun/c1", "memory", "/sys/fs/cgroup/memory/rtrun/c1");
        dir_is(h, "/rtrun/c1", "cpuacct", "/sys/fs/cgroup/cpuacct/rtrun/c1");
        dir_is(h, "/rtrun/c1", "hugetlb", "/sys/fs/cgroup/unified/rtrun/c1");
        dir_is(h, "/rtrun/c1", "net_cls", NULL);
        assert_non_null(h->mounts[8].own);
        assert_string_equal(h->mounts[8].name, "name=systemd");
        /* relative paths go below this process's own cgroup of each hierarchy */
        dir_is(h, "sub/c2", "memory", "/sys/fs/cgroup/memory/process_api/50f7/sub/c2");
        dir_is(h, "sub/c2", "cpu", "/sys/fs/cgroup/cpu/sub/c2");
        /* the unified directory is part of the cgroup too (the processes join it) */
        struct rterr err = {0};
        struct cgroup *cg;
        assert_int_equal(cg_resolve(h, "//rtrun//c1/", &cg, &err), 0);
        assert_string_equal(cg_path(cg), "/rtrun/c1");
        assert_true(cg->v2_dir >= 0);
        assert_int_equal(cg->n_dirs, 10); /* 8 v1 controller hierarchies, name=systemd, unified */
        cg_free(cg);
        cg_host_free(h);
}

static void pure_v2(void **state)
{
        (void)state;
        struct cg_host *h = host(v2_mi, v2_self, v2_ctrls);
        assert_int_equal(cg_host_layout(h), CG_LAYOUT_V2);
        for (int c = 0; c < CG_NCTRL; c++) {
                bool none = c == CG_NET_CLS || c == CG_NET_PRIO;
                assert_int_equal(h->drv[c], none ? CG_DRV_NONE : CG_DRV_V2);
        }
        dir_is(h, "/rtrun/c1", "memory", "/sys/fs/cgroup/rtrun/c1");
        dir_is(h, "/rtrun/c1", "blkio", "/sys/fs/cgroup/rtrun/c1");
        dir_is(h, "/rtrun/c1", "io", "/sys/fs/cgroup/rtrun/c1");
        dir_is(h, "/rtrun/c1", "devices", "/sys/fs/cgroup/rtrun/c1");
        dir_is(h, "c3", "cpu", "/sys/fs/cgroup/user.slice/session-1.scope/c3");
        struct rterr err = {0};
        struct cgroup *cg;
        assert_int_equal(cg_resolve(h, "/rtrun/c1", &cg, &err), 0);
        assert_int_equal(cg->n_dirs, 1);
        cg_free(cg);
        cg_host_free(h);
}

static void v2_without_controllers(void **state)
{
        (void)state;
        struct cg_host *h = host(v2_mi, v2_self, "memory pids\n");
        assert_int_equal(h->drv[CG_MEMORY], CG_DRV_V2);
        assert_int_equal(h->drv[CG_CPU], CG_DRV_NONE);
        assert_int_equal(h->drv[CG_CPUSET], CG_DRV_NONE);
        assert_int_equal(h->drv[CG_DEVICES], CG_DRV_V2); /* built in: eBPF */
        cg_host_free(h);
}

static void pure_v1(void **state)
{
        (void)state;
        struct cg_host *h = host(v1_mi, v1_self, NULL);
        assert_int_equal(cg_host_layout(h), CG_LAYOUT_V1);
        assert_int_equal(h->drv[CG_DEVICES], CG_DRV_NONE);
        assert_int_equal(h->drv[CG_NET_PRIO], CG_DRV_V1);
        dir_is(h, "/x", "cpu", "/sys/fs/cgroup/cpu,cpuacct/x");
        dir_is(h, "/x", "cpuacct", "/sys/fs/cgroup/cpu,cpuacct/x");
        dir_is(h, "/x", "net_prio", "/sys/fs/cgroup/net_cls,net_prio/x");
        dir_is(h, "/x", "pids", "/sys/fs/cgroup/my pids/x"); /* \040 unescaped */
        dir_is(h, "y", "cpu", "/sys/fs/cgroup/cpu,cpuacct/a/y");
        struct rterr err = {0};
        struct cgroup *cg;
        assert_int_equal(cg_resolve(h, "/x", &cg, &err), 0);
        assert_int_equal(cg->n_dirs, 4); /* co-mounted controllers share a directory */
        assert_int_equal(cg->v2_dir, -1);
        cg_free(cg);
        cg_host_free(h);
}

/* Inside a container the mount's root is the container's own cgroup. */
static void bind_mounted_root(void **state)
{
        (void)state;
        static const char mi[] = "30 23 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        struct cg_host *h = host(mi, "0::/docker/abc/inner\n", "memory\n");
        dir_is(h, "c", "memory", "/sys/fs/cgroup/inner/c");
        cg_host_free(h);
}

static void no_cgroups(void **state)
{
        (void)state;
        struct rterr err = {0};
        struct cg_host *h = NULL;
        assert_int_equal(cg_host_parse("23 1 254:0 / / rw - ext4 /dev/vda rw\n", "", &h, &err), 0);
        assert_int_equal(cg_host_assign(h, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "no cgroup"));
        cg_host_free(h);
}

static void bad_paths(void **state)
{
        (void)state;
        struct cg_host *h = host(v2_mi, v2_self, v2_ctrls);
        struct rterr err = {0};
        struct cgroup *cg = NULL;
        assert_int_equal(cg_resolve(h, "/a/../../etc", &cg, &err), -1);
        assert_int_equal(cg_resolve(h, "/", &cg, &err), -1);
        assert_non_null(strstr(err.msg, "root cgroup"));
        cg_host_free(h);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(hybrid),
            cmocka_unit_test(pure_v2),
            cmocka_unit_test(v2_without_controllers),
            cmocka_unit_test(pure_v1),
            cmocka_unit_test(bind_mounted_root),
            cmocka_unit_test(no_cgroups),
            cmocka_unit_test(bad_paths),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
