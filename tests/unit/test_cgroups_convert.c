/* The pure conversions of the cgroup drivers: v1 -> v2 values, sizes, paths, device lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroups/cg_internal.h"

static void shares_to_weight(void **state)
{
        (void)state;
        assert_int_equal(cg_shares_to_weight(2), 1);
        assert_int_equal(cg_shares_to_weight(1024), 39);
        assert_int_equal(cg_shares_to_weight(262144), 10000);
        assert_int_equal(cg_shares_to_weight(512), 1 + (510 * 9999) / 262142);
        assert_int_equal(cg_shares_to_weight(0), 0);
        /* clamped to the v1 range before converting */
        assert_int_equal(cg_shares_to_weight(1), 1);
        assert_int_equal(cg_shares_to_weight(1000000), 10000);
}

static void blkio_weight(void **state)
{
        (void)state;
        assert_int_equal(cg_blkio_weight_to_io(10), 1);
        assert_int_equal(cg_blkio_weight_to_io(1000), 10000);
        assert_int_equal(cg_blkio_weight_to_io(500), 1 + 490 * 9999 / 990);
        assert_int_equal(cg_blkio_weight_to_io(0), 0);
}

static void swap_v2(void **state)
{
        (void)state;
        char buf[32];
        struct rterr err = {0};
        assert_int_equal(cg_swap_v2_value(-1, 0, false, buf, sizeof(buf), &err), 0);
        assert_string_equal(buf, "max");
        assert_int_equal(cg_swap_v2_value(200, 100, true, buf, sizeof(buf), &err), 0);
        assert_string_equal(buf, "100");
        assert_int_equal(cg_swap_v2_value(100, 100, true, buf, sizeof(buf), &err), 0);
        assert_string_equal(buf, "0");
        assert_int_equal(cg_swap_v2_value(50, 100, true, buf, sizeof(buf), &err), -1);
        assert_non_null(strstr(err.msg, "memory.swap"));
        assert_int_equal(cg_swap_v2_value(50, 0, false, buf, sizeof(buf), &err), -1);
}

static void limit_str(void **state)
{
        (void)state;
        char buf[32];
        cg_limit_str(-1, buf, sizeof(buf));
        assert_string_equal(buf, "max");
        cg_limit_str(4096, buf, sizeof(buf));
        assert_string_equal(buf, "4096");
}

static void sizes(void **state)
{
        (void)state;
        struct rterr err = {0};
        int64_t v;
        assert_int_equal(cg_parse_size("64M", &v, &err), 0);
        assert_int_equal(v, 64 << 20);
        assert_int_equal(cg_parse_size("1g", &v, &err), 0);
        assert_int_equal(v, 1 << 30);
        assert_int_equal(cg_parse_size("512k", &v, &err), 0);
        assert_int_equal(v, 512 << 10);
        assert_int_equal(cg_parse_size("64MiB", &v, &err), 0);
        assert_int_equal(v, 64 << 20);
        assert_int_equal(cg_parse_size("64mb", &v, &err), 0);
        assert_int_equal(v, 64 << 20);
        assert_int_equal(cg_parse_size("1000", &v, &err), 0);
        assert_int_equal(v, 1000);
        assert_int_equal(cg_parse_size("-1", &v, &err), 0);
        assert_int_equal(v, -1);
        assert_int_equal(cg_parse_size("12X", &v, &err), -1);
        assert_non_null(strstr(err.msg, "12X"));
        assert_int_equal(cg_parse_size("", &v, &err), -1);
        assert_int_equal(cg_parse_size("M", &v, &err), -1);
        assert_int_equal(cg_parse_size("64Mx", &v, &err), -1);
}

static void paths(void **state)
{
        (void)state;
        struct rterr err = {0};
        char *p;
        assert_int_equal(cg_path_clean("//a//b/", &p, &err), 0);
        assert_string_equal(p, "/a/b");
        free(p);
        assert_int_equal(cg_path_clean("a/b", &p, &err), 0);
        assert_string_equal(p, "a/b");
        free(p);
        assert_int_equal(cg_path_clean("/a/../b", &p, &err), -1);
        assert_non_null(strstr(err.msg, ".."));
        assert_int_equal(cg_path_clean("./x", &p, &err), -1);
        assert_int_equal(cg_path_clean("", &p, &err), -1);
        /* names that merely contain dots are fine */
        assert_int_equal(cg_path_clean("/a..b/.c", &p, &err), 0);
        free(p);
}

static void device_lines(void **state)
{
        (void)state;
        char buf[64];
        struct oci_device_rule all = {false, 'a', -1, -1, "rwm"};
        struct oci_device_rule fuse = {true, 'c', 10, 229, "rw"};
        struct oci_device_rule pts = {true, 'c', 136, -1, "rwm"};
        struct oci_device_rule blk = {true, 'b', -1, -1, "m"};
        cg_device_rule_line(&all, buf, sizeof(buf));
        assert_string_equal(buf, "a");
        cg_device_rule_line(&fuse, buf, sizeof(buf));
        assert_string_equal(buf, "c 10:229 rw");
        cg_device_rule_line(&pts, buf, sizeof(buf));
        assert_string_equal(buf, "c 136:* rwm");
        cg_device_rule_line(&blk, buf, sizeof(buf));
        assert_string_equal(buf, "b *:* m");
}

static bool has_rule(const struct oci_device_rule *v, size_t n, bool allow, char type, int64_t ma,
                     int64_t mi, const char *acc)
{
        for (size_t i = 0; i < n; i++)
                if (v[i].allow == allow && v[i].type == type && v[i].major == ma &&
                    v[i].minor == mi && strcmp(v[i].access, acc) == 0)
                        return true;
        return false;
}

static void effective_rules(void **state)
{
        (void)state;
        struct rterr err = {0};
        struct oci_device_rule cfg[] = {{false, 'a', -1, -1, "rwm"}, {true, 'c', 10, 229, ""}};
        struct oci_device_rule *v;
        size_t n;
        assert_int_equal(cg_device_rules_effective(cfg, 2, &v, &n, &err), 0);
        /* deny all first, the config's rules in order, then the defaults */
        assert_false(v[0].allow);
        assert_int_equal(v[0].type, 'a');
        assert_int_equal(v[1].type, 'a');
        assert_int_equal(v[2].major, 10);
        assert_string_equal(v[2].access, "rwm"); /* absent access means rwm */
        assert_true(n > 3);
        assert_true(has_rule(v + 3, n - 3, true, 'c', 1, 3, "rwm"));    /* null */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 1, 5, "rwm"));    /* zero */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 1, 7, "rwm"));    /* full */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 1, 8, "rwm"));    /* random */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 1, 9, "rwm"));    /* urandom */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 5, 0, "rwm"));    /* tty */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 5, 2, "rwm"));    /* ptmx */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 136, -1, "rwm")); /* pts */
        assert_true(has_rule(v + 3, n - 3, true, 'c', 10, 200, "rwm")); /* tun */
        assert_true(has_rule(v + 3, n - 3, true, 'c', -1, -1, "m"));
        assert_true(has_rule(v + 3, n - 3, true, 'b', -1, -1, "m"));
        assert_false(has_rule(v + 3, n - 3, true, 'c', 10, 229, "rwm"));
        free(v);
}

static char **expected(const struct oci_device_rule *r, size_t n, size_t *nl)
{
        struct rterr err = {0};
        char **lines = NULL;
        assert_int_equal(cg_devices_v1_expected(r, n, &lines, nl, &err), 0);
        return lines;
}

static bool has_line(char **v, size_t n, const char *line)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], line) == 0)
                        return true;
        return false;
}

static void free_lines(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

/* What the kernel's v1 exception list shows after the rules. */
static void v1_list(void **state)
{
        (void)state;
        size_t n;
        char **v;
        struct oci_device_rule merge[] = {
            {false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 3, "r"}, {true, 'c', 1, 3, "w"}};
        v = expected(merge, 3, &n);
        assert_int_equal(n, 1);
        assert_string_equal(v[0], "c 1:3 rw");
        free_lines(v, n);

        struct oci_device_rule take[] = {
            {false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 3, "rwm"}, {false, 'c', 1, 3, "w"}};
        v = expected(take, 3, &n);
        assert_int_equal(n, 1);
        assert_string_equal(v[0], "c 1:3 rm");
        free_lines(v, n);

        struct oci_device_rule gone[] = {{false, 'a', -1, -1, "rwm"},
                                         {true, 'c', 1, 3, "rwm"},
                                         {true, 'c', 1, 5, "rwm"},
                                         {false, 'c', 1, 3, "rwm"},
                                         {false, 'c', 1, -1, "rwm"}}; /* no exact match: no-op */
        v = expected(gone, 5, &n);
        assert_int_equal(n, 1);
        assert_string_equal(v[0], "c 1:5 rwm");
        free_lines(v, n);

        struct oci_device_rule all[] = {
            {false, 'a', -1, -1, "rwm"}, {true, 'a', -1, -1, "rwm"}, {false, 'c', 1, 3, "rwm"}};
        v = expected(all, 3, &n);
        assert_int_equal(n, 1);
        assert_string_equal(v[0], "a *:* rwm");
        free_lines(v, n);

        struct rterr err = {0};
        struct oci_device_rule cfg[] = {{false, 'a', -1, -1, "rwm"}, {true, 'c', 10, 229, "rwm"}};
        struct oci_device_rule *eff;
        size_t ne;
        assert_int_equal(cg_device_rules_effective(cfg, 2, &eff, &ne, &err), 0);
        v = expected(eff, ne, &n);
        assert_int_equal(n, 12); /* fuse and runc's 11 defaults */
        assert_true(has_line(v, n, "c 10:229 rwm"));
        assert_true(has_line(v, n, "c *:* m"));
        assert_true(has_line(v, n, "b *:* m"));
        assert_true(has_line(v, n, "c 136:* rwm"));
        free_lines(v, n);
        free(eff);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(shares_to_weight),
            cmocka_unit_test(blkio_weight),
            cmocka_unit_test(swap_v2),
            cmocka_unit_test(limit_str),
            cmocka_unit_test(sizes),
            cmocka_unit_test(paths),
            cmocka_unit_test(device_lines),
            cmocka_unit_test(effective_rules),
            cmocka_unit_test(v1_list),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
