/* CDI device names and the annotations that request devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devices/cdi.h"

static void qualified_names(void **state)
{
        (void)state;
        struct cdi_qualified q = {0};
        struct rterr err = {0};
        assert_int_equal(cdi_parse_qualified("nvidia.com/gpu=0", &q, &err), 0);
        assert_string_equal(q.vendor, "nvidia.com");
        assert_string_equal(q.klass, "gpu");
        assert_string_equal(q.name, "0");
        cdi_qualified_free(&q);
        assert_int_equal(cdi_parse_qualified("vendor.example/gpu=GPU-3f2a:mig_1.2", &q, &err), 0);
        assert_string_equal(q.name, "GPU-3f2a:mig_1.2");
        cdi_qualified_free(&q);

        static const struct {
                const char *name, *why;
        } bad[] = {
            {"nvidia.com/gpu", "not a fully-qualified"}, {"gpu=0", "not a fully-qualified"},
            {"1vendor/gpu=0", "invalid vendor"},         {"vendor./gpu=0", "invalid vendor"},
            {"vendor/g.pu=0", "invalid class"},          {"vendor/gpu-=0", "invalid class"},
            {"vendor/gpu=", "invalid device name"},      {"vendor/gpu=-0", "invalid device name"},
            {"vendor/gpu=0/1", "invalid device name"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(cdi_parse_qualified(bad[i].name, &q, &err), -1);
                if (strstr(err.msg, bad[i].why) == NULL || strstr(err.msg, bad[i].name) == NULL)
                        fail_msg("%s: error \"%s\" lacks \"%s\"", bad[i].name, err.msg, bad[i].why);
        }
}

static struct oci_spec *with_annotations(const char *annotations)
{
        char json[2048];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "
                 "\"annotations\": {%s}}",
                 annotations);
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("%s", err.msg);
        return s;
}

static void requested_from_annotations(void **state)
{
        (void)state;
        struct oci_spec *s = with_annotations(
            "\"org.rtrun.cdi.devices\": \"vendor.example/gpu=0, vendor.example/gpu=1\", "
            "\"cdi.k8s.io/vfio\": \"vendor.example/vfio=17,vendor.example/gpu=0\", "
            "\"other.io/x\": \"vendor.example/gpu=9\"");
        struct oci_strv v = {0};
        struct rterr err = {0};
        assert_int_equal(cdi_requested(s, &v, &err), 0);
        assert_int_equal(v.n, 3);
        assert_string_equal(v.v[0], "vendor.example/gpu=0");
        assert_string_equal(v.v[1], "vendor.example/gpu=1");
        assert_string_equal(v.v[2], "vendor.example/vfio=17");
        cdi_strv_free(&v);
        oci_spec_free(s);

        s = with_annotations("\"io.other/key\": \"x\"");
        assert_int_equal(cdi_requested(s, &v, &err), 0);
        assert_int_equal(v.n, 0);
        oci_spec_free(s);

        s = with_annotations("\"cdi.k8s.io/gpus\": \"vendor.example/gpu=0,gpu1\"");
        assert_int_equal(cdi_requested(s, &v, &err), -1);
        assert_int_equal(v.n, 0);
        assert_non_null(strstr(err.msg, "annotations[\"cdi.k8s.io/gpus\"]"));
        assert_non_null(strstr(err.msg, "\"gpu1\""));
        oci_spec_free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(qualified_names),
            cmocka_unit_test(requested_from_annotations),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
