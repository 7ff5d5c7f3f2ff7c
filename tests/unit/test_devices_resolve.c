/* linux.devices completed from the host (stat, /proc/devices) and their allow rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "devices/devices_resolve.h"
#include "devices/netdev.h"

static const char proc_devices[] = "Character devices:\n"
                                   "  1 mem\n"
                                   "195 nvidia-frontend\n"
                                   "234 nvidia-caps\n"
                                   "510 nvidia-uvm\n"
                                   "\n"
                                   "Block devices:\n"
                                   "  8 sd\n"
                                   "510 blkext\n";

static void proc_major(void **state)
{
        (void)state;
        assert_int_equal(devices_proc_major(proc_devices, 'c', "nvidia-uvm"), 510);
        assert_int_equal(devices_proc_major(proc_devices, 'c', "nvidia-caps"), 234);
        assert_int_equal(devices_proc_major(proc_devices, 'c', "sd"), -1);
        assert_int_equal(devices_proc_major(proc_devices, 'b', "sd"), 8);
        assert_int_equal(devices_proc_major(proc_devices, 'b', "nvidia-uvm"), -1);
        assert_int_equal(devices_proc_major(proc_devices, 'c', "nvidia"), -1);
}

static void fill_from_stat(void **state)
{
        (void)state;
        struct stat st;
        assert_int_equal(stat("/dev/null", &st), 0);
        struct oci_device d = {.type = 'c'};
        struct rterr err = {0};
        assert_int_equal(devices_fill_from_host(&d, "/dev/null", proc_devices, &err), 0);
        assert_int_equal(d.major.v, major(st.st_rdev));
        assert_int_equal(d.minor.v, minor(st.st_rdev));
        assert_int_equal(d.file_mode.v, st.st_mode & 07777);
        /* given values are kept */
        struct oci_device e = {.major = {true, 1}, .file_mode = {true, 0600}};
        assert_int_equal(devices_fill_from_host(&e, "/dev/null", proc_devices, &err), 0);
        assert_int_equal(e.type, 'c');
        assert_int_equal(e.minor.v, minor(st.st_rdev));
        assert_int_equal(e.file_mode.v, 0600);
        /* a type that contradicts the host node */
        struct oci_device b = {.type = 'b'};
        assert_int_equal(devices_fill_from_host(&b, "/dev/null", proc_devices, &err), -1);
        assert_non_null(strstr(err.msg, "/dev/null"));
        struct oci_device f = {0};
        assert_int_equal(devices_fill_from_host(&f, "/etc/hostname", proc_devices, &err), -1);
        assert_non_null(strstr(err.msg, "not a device node"));
}

/* Host nodes that do not exist (yet): the NVIDIA numbers are known or in /proc/devices. */
static void fill_from_proc(void **state)
{
        (void)state;
        static const struct {
                const char *path;
                int64_t major, minor;
        } known[] = {
            {"/rtrun-absent/nvidia-uvm", 510, 0},
            {"/rtrun-absent/nvidia-uvm-tools", 510, 1},
            {"/rtrun-absent/nvidia-caps/nvidia-cap2", 234, 2},
            {"/rtrun-absent/nvidia3", 195, 3},
            {"/rtrun-absent/nvidiactl", 195, 255},
            {"/rtrun-absent/nvidia-modeset", 195, 254},
        };
        struct rterr err = {0};
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
                struct oci_device d = {0};
                if (devices_fill_from_host(&d, known[i].path, proc_devices, &err) < 0)
                        fail_msg("%s: %s", known[i].path, err.msg);
                assert_int_equal(d.type, 'c');
                assert_int_equal(d.major.v, known[i].major);
                assert_int_equal(d.minor.v, known[i].minor);
        }
        struct oci_device d = {0};
        assert_int_equal(
            devices_fill_from_host(&d, "/rtrun-absent/nvidia-uvm", "Character devices:\n", &err),
            -1);
        assert_non_null(strstr(err.msg, "/rtrun-absent/nvidia-uvm"));
        assert_int_equal(devices_fill_from_host(&d, "/rtrun-absent/sda", proc_devices, &err), -1);
        assert_non_null(strstr(err.msg, "give type, major and minor"));
}

static struct oci_spec *config(const char *linux_json)
{
        char json[2048];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": %s}",
                 linux_json);
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("%s", err.msg);
        return s;
}

static void resolve_adds_rules(void **state)
{
        (void)state;
        struct oci_spec *s =
            config("{\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\"},"
                   " {\"path\": \"/dev/fake\", \"type\": \"c\", \"major\": 195, \"minor\": 7},"
                   " {\"path\": \"/dev/fifo\", \"type\": \"p\"},"
                   " {\"path\": \"/dev/ro\", \"type\": \"b\", \"major\": 8, \"minor\": 1}],"
                   " \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
                   " {\"allow\": true, \"type\": \"b\", \"major\": 8, \"minor\": 1, \"access\": "
                   "\"r\"}]}}");
        struct rterr err = {0};
        if (devices_resolve(s, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(s->linux_.devices[0].major.v, 1);
        assert_int_equal(s->linux_.devices[0].minor.v, 3);
        const struct oci_resources *r = &s->linux_.resources;
        /* + null only: complete entries (fake, 8:1) get no implicit rule, as in runc; fifo none */
        assert_int_equal(r->n_devices, 3);
        assert_int_equal(r->devices[1].access[0], 'r');
        assert_string_equal(r->devices[1].access, "r");
        assert_true(r->devices[2].allow);
        assert_int_equal(r->devices[2].major, 1);
        assert_int_equal(r->devices[2].minor, 3);
        assert_string_equal(r->devices[2].access, "rwm");
        oci_spec_free(s);

        /* an entry without numbers whose node already has an exact rule keeps that access */
        s = config("{\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\"}],"
                   " \"resources\": {\"devices\": [{\"allow\": true, \"type\": \"c\","
                   " \"major\": 1, \"minor\": 3, \"access\": \"r\"}]}}");
        assert_int_equal(devices_resolve(s, &err), 1);
        assert_int_equal(s->linux_.resources.n_devices, 1);
        assert_string_equal(s->linux_.resources.devices[0].access, "r");
        oci_spec_free(s);

        s = config("{\"devices\": [{\"path\": \"/dev/rtrun-absent\", \"type\": \"c\"}]}");
        assert_int_equal(devices_resolve(s, &err), -1);
        assert_non_null(strstr(err.msg, "linux.devices[0]"));
        assert_non_null(strstr(err.msg, "/dev/rtrun-absent"));
        oci_spec_free(s);
}

static void interface_names(void **state)
{
        (void)state;
        assert_true(netdev_name_valid("eth5"));
        assert_true(netdev_name_valid("can0"));
        assert_true(netdev_name_valid("a23456789012345"));
        assert_false(netdev_name_valid("a234567890123456"));
        assert_false(netdev_name_valid(""));
        assert_false(netdev_name_valid(".."));
        assert_false(netdev_name_valid("a/b"));
        assert_false(netdev_name_valid("eth0:1"));
        assert_false(netdev_name_valid("eth 0"));
}

static void features_listed(void **state)
{
        (void)state;
        struct oci_kvs kv = {0};
        struct rterr err = {0};
        assert_int_equal(devices_features(&kv, &err), 0);
        bool cdi = false, net = false;
        for (size_t i = 0; i < kv.n; i++) {
                cdi |= strcmp(kv.v[i].key, "org.rtrun.cdi") == 0;
                net |= strcmp(kv.v[i].key, "org.rtrun.netDevices") == 0;
                free(kv.v[i].key);
                free(kv.v[i].value);
        }
        free(kv.v);
        assert_true(cdi && net);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(proc_major),      cmocka_unit_test(fill_from_stat),
            cmocka_unit_test(fill_from_proc),  cmocka_unit_test(resolve_adds_rules),
            cmocka_unit_test(interface_names), cmocka_unit_test(features_listed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
