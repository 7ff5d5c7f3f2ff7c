/* The systemd driver's pure parts: where "slice:prefix:name" puts a container, and the unit
 * properties derived from the runtime-spec's values (names and encodings as systemd reads
 * them, runc's choices where it has one). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroups/cg_internal.h"

static void expect_name(const char *path, const char *id, const char *slice, const char *unit,
                        const char *cgpath)
{
        struct rterr err = {0};
        struct cg_sd_name n;
        assert_int_equal(cg_sd_parse(path, id, &n, &err), 0);
        assert_string_equal(n.slice, slice);
        assert_string_equal(n.unit, unit);
        assert_string_equal(n.path, cgpath);
        cg_sd_name_free(&n);
}

static void test_parse(void **state)
{
        (void)state;
        expect_name(NULL, "c1", "system.slice", "rtrun-c1.scope", "/system.slice/rtrun-c1.scope");
        expect_name("", "c1", "system.slice", "rtrun-c1.scope", "/system.slice/rtrun-c1.scope");
        expect_name("machine.slice:libpod:abc", "x", "machine.slice", "libpod-abc.scope",
                    "/machine.slice/libpod-abc.scope");
        expect_name(":cri-containerd:abc", "x", "system.slice", "cri-containerd-abc.scope",
                    "/system.slice/cri-containerd-abc.scope");
        expect_name("kubepods-besteffort-pod1.slice::abc", "x", "kubepods-besteffort-pod1.slice",
                    "abc.scope",
                    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
                    "abc.scope");
        expect_name("-.slice:p:n", "x", "-.slice", "p-n.scope", "/p-n.scope");
}

static void expect_bad(const char *path, const char *needle)
{
        struct rterr err = {0};
        struct cg_sd_name n;
        assert_int_equal(cg_sd_parse(path, "c1", &n, &err), -1);
        assert_non_null(strstr(err.msg, needle));
}

static void test_parse_errors(void **state)
{
        (void)state;
        expect_bad("/rtrun/c1", "slice:prefix:name");
        expect_bad("a:b", "slice:prefix:name");
        expect_bad("a:b:c:d", "slice:prefix:name");
        expect_bad("system.slice:p:", "name may not be empty");
        expect_bad("system.slice:p:a/b", "'/'");
        expect_bad("system:p:n", "not a slice name");
        expect_bad("a--b.slice:p:n", "'-'");
        expect_bad("-a.slice:p:n", "'-'");
        expect_bad("a-.slice:p:n", "'-'");
        expect_bad("system.slice:p:n.slice", "not supported");
}

static void test_quota(void **state)
{
        (void)state;
        assert_int_equal(cg_sd_quota_per_sec(25000, 100000), 250000);
        assert_int_equal(cg_sd_quota_per_sec(50000, 0), 500000);
        /* 12345 us per 100 ms = 123450 us/s, up to the next 10 ms step */
        assert_int_equal(cg_sd_quota_per_sec(12345, 100000), 130000);
        assert_int_equal(cg_sd_quota_per_sec(1000, 1000000), 10000);
        assert_true(cg_sd_quota_per_sec(-1, 100000) == UINT64_MAX);
}

static void test_bitmap(void **state)
{
        (void)state;
        struct rterr err = {0};
        uint8_t *b = NULL;
        size_t n = 0;
        assert_int_equal(cg_sd_cpu_bitmap("0-2,9", &b, &n, &err), 0);
        assert_int_equal(n, 2);
        assert_int_equal(b[0], 0x07);
        assert_int_equal(b[1], 0x02);
        free(b);
        assert_int_equal(cg_sd_cpu_bitmap("3", &b, &n, &err), 0);
        assert_int_equal(n, 1);
        assert_int_equal(b[0], 0x08);
        free(b);
        assert_int_equal(cg_sd_cpu_bitmap("3-1", &b, &n, &err), -1);
        assert_int_equal(cg_sd_cpu_bitmap("x", &b, &n, &err), -1);
}

static const char proc_devices[] = "Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n"
                                   "136 pts\n195 nvidia-frontend\n\nBlock devices:\n  8 sd\n"
                                   "259 blkext\n";

static void test_devices(void **state)
{
        (void)state;
        struct rterr err = {0};
        const struct oci_device_rule rules[] = {
            {.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"},
            {.allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm"},
            {.allow = true, .type = 'c', .major = 136, .minor = -1, .access = "rw"},
            {.allow = true, .type = 'c', .major = -1, .minor = -1, .access = "m"},
            {.allow = false, .type = 'c', .major = 1, .minor = 3, .access = "w"},
            {.allow = true, .type = 'b', .major = 8, .minor = -1, .access = "r"},
            {.allow = true, .type = 'c', .major = 1, .minor = 3, .access = "r"},
            {.allow = true, .type = 'c', .major = 240, .minor = -1, .access = "r"},
        };
        struct cg_sd_devices d;
        assert_int_equal(cg_sd_devices(rules, 8, proc_devices, &d, &err), 0);
        assert_true(d.strict);
        assert_int_equal(d.n, 4);
        assert_string_equal(d.v[0].path, "/dev/char/1:3");
        assert_string_equal(d.v[0].access, "rwm");
        assert_string_equal(d.v[1].path, "char-pts");
        assert_string_equal(d.v[1].access, "rw");
        assert_string_equal(d.v[2].path, "char-*");
        assert_string_equal(d.v[2].access, "mr"); /* with the unknown major 240's r */
        assert_string_equal(d.v[3].path, "block-sd");
        assert_string_equal(d.v[3].access, "r");
        cg_sd_devices_free(&d);

        const struct oci_device_rule all[] = {
            {.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"},
            {.allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm"},
            {.allow = true, .type = 'a', .major = -1, .minor = -1, .access = "rwm"},
        };
        assert_int_equal(cg_sd_devices(all, 3, proc_devices, &d, &err), 0);
        assert_false(d.strict);
        assert_int_equal(d.n, 0);
        cg_sd_devices_free(&d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse),   cmocka_unit_test(test_parse_errors),
            cmocka_unit_test(test_quota),   cmocka_unit_test(test_bitmap),
            cmocka_unit_test(test_devices),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
