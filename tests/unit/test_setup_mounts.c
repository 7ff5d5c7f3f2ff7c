/* How spec mounts map onto mount(2) calls: kinds, first-call flags, bind remounts and the
 * read-only remounts delayed until after pivot_root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "devices/devices.h"
#include "runtime/mounts.h"

static struct oci_spec *parse(const char *mounts)
{
        char json[4096];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                 "\"mounts\":[%s]}",
                 mounts);
        struct oci_spec *spec = NULL;
        struct rterr err = {0};
        int rc = oci_spec_parse(json, strlen(json), &spec, &err);
        if (rc < 0)
                fail_msg("parse: %s", err.msg);
        return spec;
}

static void test_kinds(void **state)
{
        (void)state;
        struct oci_spec *s = parse(
            "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/x\",\"options\":[\"rbind\"]},"
            "{\"destination\":\"/b\",\"type\":\"none\",\"source\":\"/x\",\"options\":[\"bind\"]},"
            "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
            "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"},"
            "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
            "{\"destination\":\"/c\",\"type\":\"cgroup\",\"source\":\"cgroup\"},"
            "{\"destination\":\"/m\",\"type\":\"mqueue\",\"source\":\"mqueue\"}");
        assert_int_equal(mount_kind_of(&s->mounts[0]), MOUNT_KIND_BIND);
        assert_int_equal(mount_kind_of(&s->mounts[1]), MOUNT_KIND_BIND);
        assert_int_equal(mount_kind_of(&s->mounts[2]), MOUNT_KIND_PROC);
        assert_int_equal(mount_kind_of(&s->mounts[3]), MOUNT_KIND_SYSFS);
        assert_int_equal(mount_kind_of(&s->mounts[4]), MOUNT_KIND_TMPFS);
        assert_int_equal(mount_kind_of(&s->mounts[5]), MOUNT_KIND_CGROUP);
        assert_int_equal(mount_kind_of(&s->mounts[6]), MOUNT_KIND_OTHER);
        oci_spec_free(s);
}

static void test_bind_flags(void **state)
{
        (void)state;
        struct oci_spec *s = parse(
            "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/x\","
            "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"rprivate\"]},"
            "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/x\",\"options\":[\"bind\"]},"
            "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/x\","
            "\"options\":[\"bind\",\"rw\",\"shared\"]}");
        /* The first call is a plain (recursive) bind: mount(2) ignores other flags with it. */
        assert_int_equal(mount_initial_flags(&s->mounts[0]), MS_BIND | MS_REC);
        assert_true(mount_bind_needs_remount(&s->mounts[0]));
        assert_int_equal(mount_initial_flags(&s->mounts[1]), MS_BIND);
        assert_false(mount_bind_needs_remount(&s->mounts[1]));
        /* rw and propagation alone need no remount. */
        assert_false(mount_bind_needs_remount(&s->mounts[2]));
        assert_int_equal(s->mounts[2].propagation & MS_SHARED, MS_SHARED);
        assert_false(mount_needs_late_ro(&s->mounts[0]));
        oci_spec_free(s);
}

static void test_late_ro(void **state)
{
        (void)state;
        struct oci_spec *s =
            parse("{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                  "\"options\":[\"ro\",\"nosuid\",\"size=1m\"]},"
                  "{\"destination\":\"//dev/\",\"type\":\"devtmpfs\",\"source\":\"x\","
                  "\"options\":[\"ro\"]},"
                  "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
                  "\"options\":[\"ro\",\"nodev\"]},"
                  "{\"destination\":\"/u\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}");
        assert_int_equal(mount_initial_flags(&s->mounts[0]), MS_NOSUID);
        assert_string_equal(s->mounts[0].data, "size=1m");
        assert_true(mount_needs_late_ro(&s->mounts[0]));
        assert_int_equal(mount_initial_flags(&s->mounts[1]), 0);
        assert_true(mount_needs_late_ro(&s->mounts[1]));
        /* Other filesystems are mounted read-only at once. */
        assert_int_equal(mount_initial_flags(&s->mounts[2]), MS_RDONLY | MS_NODEV);
        assert_false(mount_needs_late_ro(&s->mounts[2]));
        assert_false(mount_needs_late_ro(&s->mounts[3]));
        oci_spec_free(s);
}

static void test_dev_bind_skips_devices(void **state)
{
        (void)state;
        struct oci_spec *a = parse("{\"destination\":\"/dev\",\"type\":\"tmpfs\","
                                   "\"source\":\"tmpfs\"}");
        struct oci_spec *b = parse("{\"destination\":\"/dev/\",\"type\":\"bind\","
                                   "\"source\":\"/dev\",\"options\":[\"rbind\"]}");
        struct oci_spec *c = parse("{\"destination\":\"/dev/x\",\"type\":\"bind\","
                                   "\"source\":\"/dev\",\"options\":[\"rbind\"]}");
        assert_true(mount_populates_dev(a));
        assert_false(mount_populates_dev(b));
        assert_true(mount_populates_dev(c));
        oci_spec_free(a);
        oci_spec_free(b);
        oci_spec_free(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_kinds),
            cmocka_unit_test(test_bind_flags),
            cmocka_unit_test(test_late_ro),
            cmocka_unit_test(test_dev_bind_skips_devices),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
