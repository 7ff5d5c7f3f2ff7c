/* The v1 and v2 drivers write the runtime-spec's values, converted, into the right files. The
 * "cgroup" here is a directory of regular files named like the kernel's, described by fixture
 * mountinfo texts, so the drivers run without root and on any host layout. */
#include <errno.h>
#include <fcntl.h>
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

struct fixture {
        char root[64];
        struct cg_host *host;
        struct cgroup *cg;
};

static void put(const char *dir, const char *file, const char *val)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs(val, f);
        fclose(f);
}

static char *get(const char *dir, const char *file)
{
        static char buf[256];
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        FILE *f = fopen(p, "r");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        return buf;
}

static void rm_tree(const char *root)
{
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
}

/* ---- v2 ---- */

static const char *const v2_files[][2] = {
    {"memory.max", "max"},
    {"memory.low", "0"},
    {"memory.swap.max", "max"},
    {"memory.current", "4096"},
    {"cpu.weight", "100"},
    {"cpu.max", "max 100000"},
    {"cpu.max.burst", "0"},
    {"cpu.idle", "0"},
    {"cpuset.cpus", ""},
    {"cpuset.mems", ""},
    {"io.weight", "default 100"},
    {"io.max", ""},
    {"hugetlb.2MB.max", "max"},
    {"pids.max", "max"},
    {"rdma.max", ""},
    {"memory.high", "max"},
};

static int v2_setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->root, "/tmp/rtrun-unit-cg2.XXXXXX");
        assert_non_null(mkdtemp(f->root));
        char dir[128], mi[256];
        snprintf(dir, sizeof(dir), "%s/c1", f->root);
        assert_int_equal(mkdir(dir, 0755), 0);
        for (size_t i = 0; i < sizeof(v2_files) / sizeof(v2_files[0]); i++)
                put(dir, v2_files[i][0], v2_files[i][1]);
        snprintf(mi, sizeof(mi), "30 23 0:26 / %s rw - cgroup2 cgroup2 rw\n", f->root);
        struct rterr err = {0};
        assert_int_equal(cg_host_parse(mi, "0::/\n", &f->host, &err), 0);
        assert_int_equal(cg_host_assign(f->host, "cpuset cpu io memory hugetlb pids rdma", &err),
                         0);
        assert_int_equal(cg_open(f->host, "/c1", &f->cg, &err), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        cg_free(f->cg);
        cg_host_free(f->host);
        rm_tree(f->root);
        free(f);
        return 0;
}

static const char *v2dir(struct fixture *f)
{
        return cg_controller_dir(f->cg, "memory");
}

static void v2_conversions(void **state)
{
        struct fixture *f = *state;
        struct oci_throttle_device rbps = {8, 0, 1048576};
        struct oci_rdma rdma = {.device = "mlx5_1", .hca_handles = {true, 3}};
        struct oci_hugepage_limit hp = {.page_size = "2MB", .limit = 4194304};
        struct oci_resources r = {0};
        r.memory = (struct oci_memory){.set = true,
                                       .limit = {true, 67108864},
                                       .reservation = {true, 33554432},
                                       .swap = {true, 134217728}};
        r.cpu = (struct oci_cpu){.set = true,
                                 .shares = {true, 512},
                                 .quota = {true, 50000},
                                 .burst = {true, 1000},
                                 .idle = {true, 1},
                                 .cpus = "1-2",
                                 .mems = "0"};
        r.blkio =
            (struct oci_blkio){.set = true, .weight = {true, 500}, .throttle_read_bps = {&rbps, 1}};
        r.hugepage_limits = &hp;
        r.n_hugepage_limits = 1;
        r.pids_limit = (oci_opt_i64){true, -1};
        r.rdma = &rdma;
        r.n_rdma = 1;
        struct oci_kv kv = {"memory.high", "50331648"};
        r.unified = (struct oci_kvs){&kv, 1};
        struct rterr err = {0};
        assert_int_equal(cg_v2_apply(f->cg, &r, NULL, &err), 0);
        const char *d = v2dir(f);
        assert_string_equal(get(d, "memory.max"), "67108864");
        assert_string_equal(get(d, "memory.low"), "33554432");
        assert_string_equal(get(d, "memory.swap.max"), "67108864"); /* swap - limit */
        assert_string_equal(get(d, "cpu.weight"), "20");            /* 1 + 510*9999/262142 */
        assert_string_equal(get(d, "cpu.max"), "50000 100000");     /* the period is kept */
        assert_string_equal(get(d, "cpu.max.burst"), "1000");
        assert_string_equal(get(d, "cpu.idle"), "1");
        assert_string_equal(get(d, "cpuset.cpus"), "1-2");
        assert_string_equal(get(d, "io.weight"), "4950"); /* 1 + 490*9999/990 */
        assert_string_equal(get(d, "io.max"), "8:0 rbps=1048576");
        assert_string_equal(get(d, "hugetlb.2MB.max"), "4194304");
        assert_string_equal(get(d, "pids.max"), "max");
        assert_string_equal(get(d, "rdma.max"), "mlx5_1 hca_handle=3");
        assert_string_equal(get(d, "memory.high"), "50331648");

        /* A period alone keeps the quota already there. */
        struct oci_resources p = {0};
        p.cpu = (struct oci_cpu){.set = true, .period = {true, 200000}};
        assert_int_equal(cg_v2_apply(f->cg, &p, NULL, &err), 0);
        assert_string_equal(get(d, "cpu.max"), "50000 200000");
        /* An unlimited memory limit takes swap along. */
        struct oci_resources u = {0};
        u.memory = (struct oci_memory){.set = true, .limit = {true, -1}};
        assert_int_equal(cg_v2_apply(f->cg, &u, NULL, &err), 0);
        assert_string_equal(get(d, "memory.max"), "max");
        assert_string_equal(get(d, "memory.swap.max"), "max");
}

static void v2_errors(void **state)
{
        struct fixture *f = *state;
        struct rterr err = {0};
        struct oci_kv bad[] = {{"../escape.max", "1"}, {"memory.nosuch", "1"}};
        struct oci_resources r = {0};
        r.unified = (struct oci_kvs){&bad[0], 1};
        assert_int_equal(cg_v2_apply(f->cg, &r, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "unified.../escape.max"));
        r.unified = (struct oci_kvs){&bad[1], 1};
        assert_int_equal(cg_v2_apply(f->cg, &r, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "memory.nosuch"));
        assert_int_equal(err.code, ENOENT);

        struct oci_resources rt = {0};
        rt.cpu = (struct oci_cpu){.set = true, .realtime_runtime = {true, 1000}};
        assert_int_equal(cg_v2_apply(f->cg, &rt, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "realtime"));

        struct oci_resources sw = {0};
        sw.memory = (struct oci_memory){.set = true, .limit = {true, 100}, .swap = {true, 50}};
        assert_int_equal(cg_v2_apply(f->cg, &sw, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "swap"));

        /* checkBeforeUpdate: memory.current is 4096 */
        struct oci_resources cb = {0};
        cb.memory = (struct oci_memory){
            .set = true, .limit = {true, 1024}, .check_before_update = {true, true}};
        assert_int_equal(cg_v2_apply(f->cg, &cb, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "current usage 4096"));
}

/* ---- v1 ---- */

static const char *const v1_ctrls[] = {"memory", "cpu", "cpuset", "pids", "blkio", "net_cls"};

static int v1_setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->root, "/tmp/rtrun-unit-cg1.XXXXXX");
        assert_non_null(mkdtemp(f->root));
        char mi[2048] = "", self[256] = "";
        size_t off = 0;
        for (size_t i = 0; i < sizeof(v1_ctrls) / sizeof(v1_ctrls[0]); i++) {
                char dir[128];
                snprintf(dir, sizeof(dir), "%s/%s", f->root, v1_ctrls[i]);
                assert_int_equal(mkdir(dir, 0755), 0);
                strcat(dir, "/c1");
                assert_int_equal(mkdir(dir, 0755), 0);
                off += (size_t)snprintf(mi + off, sizeof(mi) - off,
                                        "%zu 23 0:%zu / %s/%s rw - cgroup cgroup rw,%s\n", 40 + i,
                                        40 + i, f->root, v1_ctrls[i], v1_ctrls[i]);
                snprintf(self + strlen(self), sizeof(self) - strlen(self), "%zu:%s:/\n", i + 1,
                         v1_ctrls[i]);
        }
        char d[128];
        snprintf(d, sizeof(d), "%s/memory/c1", f->root);
        put(d, "memory.limit_in_bytes", "9223372036854771712");
        put(d, "memory.memsw.limit_in_bytes", "9223372036854771712");
        put(d, "memory.soft_limit_in_bytes", "");
        put(d, "memory.swappiness", "60");
        put(d, "memory.oom_control", "");
        put(d, "memory.use_hierarchy", "1");
        snprintf(d, sizeof(d), "%s/cpu/c1", f->root);
        put(d, "cpu.shares", "");
        put(d, "cpu.cfs_period_us", "");
        put(d, "cpu.cfs_quota_us", "");
        put(d, "cpu.rt_period_us", "");
        put(d, "cpu.rt_runtime_us", "");
        snprintf(d, sizeof(d), "%s/cpuset/c1", f->root);
        put(d, "cpuset.cpus", "");
        put(d, "cpuset.mems", "");
        snprintf(d, sizeof(d), "%s/pids/c1", f->root);
        put(d, "pids.max", "");
        snprintf(d, sizeof(d), "%s/blkio/c1", f->root);
        put(d, "blkio.bfq.weight", "");
        put(d, "blkio.throttle.write_iops_device", "");
        snprintf(d, sizeof(d), "%s/net_cls/c1", f->root);
        put(d, "net_cls.classid", "");
        struct rterr err = {0};
        assert_int_equal(cg_host_parse(mi, self, &f->host, &err), 0);
        assert_int_equal(cg_host_assign(f->host, NULL, &err), 0);
        assert_int_equal(cg_host_layout(f->host), CG_LAYOUT_V1);
        assert_int_equal(cg_open(f->host, "/c1", &f->cg, &err), 0);
        *state = f;
        return 0;
}

static void v1_values(void **state)
{
        struct fixture *f = *state;
        struct oci_throttle_device wiops = {8, 16, 300};
        struct oci_resources r = {0};
        r.memory = (struct oci_memory){.set = true,
                                       .limit = {true, 67108864},
                                       .reservation = {true, 33554432},
                                       .swap = {true, 134217728},
                                       .swappiness = {true, 10},
                                       .disable_oom_killer = {true, true},
                                       .use_hierarchy = {true, true}};
        r.cpu = (struct oci_cpu){.set = true,
                                 .shares = {true, 512},
                                 .quota = {true, -1},
                                 .period = {true, 250000},
                                 .realtime_runtime = {true, 20000},
                                 .realtime_period = {true, 500000},
                                 .cpus = "0",
                                 .mems = "0"};
        r.blkio = (struct oci_blkio){
            .set = true, .weight = {true, 300}, .throttle_write_iops = {&wiops, 1}};
        r.pids_limit = (oci_opt_i64){true, 42};
        r.network = (struct oci_network_res){.set = true, .class_id = {true, 1048577}};
        struct rterr err = {0};
        assert_int_equal(cg_v1_apply(f->cg, &r, NULL, &err), 0);
        const char *m = cg_controller_dir(f->cg, "memory"), *c = cg_controller_dir(f->cg, "cpu");
        assert_string_equal(get(m, "memory.limit_in_bytes"), "67108864");
        assert_string_equal(get(m, "memory.memsw.limit_in_bytes"), "134217728");
        assert_string_equal(get(m, "memory.soft_limit_in_bytes"), "33554432");
        assert_string_equal(get(m, "memory.swappiness"), "10");
        assert_string_equal(get(m, "memory.oom_control"), "1");
        assert_string_equal(get(m, "memory.use_hierarchy"), "1");
        assert_string_equal(get(c, "cpu.shares"), "512");
        assert_string_equal(get(c, "cpu.cfs_quota_us"), "-1");
        assert_string_equal(get(c, "cpu.cfs_period_us"), "250000");
        assert_string_equal(get(c, "cpu.rt_period_us"), "500000");
        assert_string_equal(get(c, "cpu.rt_runtime_us"), "20000");
        assert_string_equal(get(cg_controller_dir(f->cg, "cpuset"), "cpuset.cpus"), "0");
        assert_string_equal(get(cg_controller_dir(f->cg, "pids"), "pids.max"), "42");
        const char *b = cg_controller_dir(f->cg, "blkio");
        assert_string_equal(get(b, "blkio.bfq.weight"), "300"); /* no CFQ blkio.weight here */
        assert_string_equal(get(b, "blkio.throttle.write_iops_device"), "8:16 300");
        assert_string_equal(get(cg_controller_dir(f->cg, "net_cls"), "net_cls.classid"), "1048577");

        /* -1 pids means no limit, 0 leaves pids.max alone */
        struct oci_resources p = {0};
        p.pids_limit = (oci_opt_i64){true, -1};
        assert_int_equal(cg_v1_apply(f->cg, &p, NULL, &err), 0);
        assert_string_equal(get(cg_controller_dir(f->cg, "pids"), "pids.max"), "max");
        p.pids_limit = (oci_opt_i64){true, 0};
        assert_int_equal(cg_v1_apply(f->cg, &p, NULL, &err), 0);
        assert_string_equal(get(cg_controller_dir(f->cg, "pids"), "pids.max"), "max");
}

static void v1_errors(void **state)
{
        struct fixture *f = *state;
        struct rterr err = {0};
        struct oci_kv kv = {"memory.high", "1"};
        struct oci_resources r = {0};
        r.unified = (struct oci_kvs){&kv, 1};
        assert_int_equal(cg_v1_apply(f->cg, &r, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "unified.memory.high"));
        assert_non_null(strstr(err.msg, "cgroup v1"));
        /* a file the kernel lacks is named with its full path */
        struct oci_resources l = {0};
        l.blkio = (struct oci_blkio){.set = true, .leaf_weight = {true, 100}};
        assert_int_equal(cg_v1_apply(f->cg, &l, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "/blkio/c1/blkio.leaf_weight"));
        /* a controller the host lacks is named */
        struct oci_net_priority prio = {"eth0", 5};
        struct oci_resources n = {0};
        n.network = (struct oci_network_res){.set = true, .priorities = &prio, .n_priorities = 1};
        assert_int_equal(cg_apply(f->cg, &n, NULL, &err), -1);
        assert_non_null(strstr(err.msg, "net_prio"));
}

/* What the host ignores is reported through the caller's sink, never printed. */
struct warnings {
        char text[1024];
        int n;
};

static void collect(void *ctx, const char *msg)
{
        struct warnings *w = ctx;
        snprintf(w->text + strlen(w->text), sizeof(w->text) - strlen(w->text), "%s|", msg);
        w->n++;
}

static void v2_warnings_to_sink(void **state)
{
        struct fixture *f = *state;
        struct rterr err = {0};
        struct warnings w = {0};
        struct rtwarn sink = {collect, &w};
        struct oci_resources r = {0};
        r.memory =
            (struct oci_memory){.set = true, .kernel = {true, 1 << 20}, .swappiness = {true, 10}};
        assert_int_equal(cg_v2_apply(f->cg, &r, &sink, &err), 0);
        assert_int_equal(w.n, 2);
        assert_non_null(strstr(w.text, "linux.resources.memory.kernel and kernelTCP are ignored"));
        assert_non_null(strstr(w.text, "swappiness and disableOOMKiller are ignored"));
        /* A NULL sink drops them. */
        assert_int_equal(cg_v2_apply(f->cg, &r, NULL, &err), 0);
}

static void v1_warnings_to_sink(void **state)
{
        struct fixture *f = *state;
        struct rterr err = {0};
        struct warnings w = {0};
        struct rtwarn sink = {collect, &w};
        struct oci_resources r = {0};
        r.memory = (struct oci_memory){.set = true, .kernel_tcp = {true, 1 << 20}};
        assert_int_equal(cg_v1_apply(f->cg, &r, &sink, &err), 0);
        assert_int_equal(w.n, 1);
        assert_non_null(strstr(w.text, "kmem limits"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(v2_conversions, v2_setup, teardown),
            cmocka_unit_test_setup_teardown(v2_errors, v2_setup, teardown),
            cmocka_unit_test_setup_teardown(v2_warnings_to_sink, v2_setup, teardown),
            cmocka_unit_test_setup_teardown(v1_warnings_to_sink, v1_setup, teardown),
            cmocka_unit_test_setup_teardown(v1_values, v1_setup, teardown),
            cmocka_unit_test_setup_teardown(v1_errors, v1_setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
