/* The kept config.json after the device step: CDI edits and resolved nodes written back, the
 * rest of the document as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/cdi.h"
#include "devices/devices_resolve.h"

static const char config[] =
    "{\n"
    "  \"ociVersion\": \"1.2.0\",\n"
    "  \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": 0, \"gid\": 0},\n"
    "              \"env\": [\"PATH=/bin\", \"GPU=none\"]},\n"
    "  \"root\": {\"path\": \"rootfs\"},\n"
    "  \"mounts\": [{\"destination\": \"/data\", \"source\": \"/srv\", \"type\": \"bind\",\n"
    "              \"options\": [\"rbind\"], \"x-vendor-note\": \"kept as written\"}],\n"
    "  \"x-unknown-top\": {\"n\": [1, 2.5, true, null]},\n"
    "  \"annotations\": {\"org.rtrun.cdi.devices\": \"vendor.example/gpu=0\", \"keep\": \"me\"},\n"
    "  \"linux\": {\"devices\": [{\"path\": \"/dev/null2\", \"type\": \"c\"}],\n"
    "            \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}}\n"
    "}";

static const char cdi_spec[] =
    "{\"cdiVersion\": \"0.6.0\", \"kind\": \"vendor.example/gpu\", \"devices\": [{\"name\": "
    "\"0\", \"containerEdits\": {\"env\": [\"GPU=0\"], \"additionalGids\": [44], "
    "\"deviceNodes\": [{\"path\": \"/dev/vgpu0\", \"type\": \"c\", \"major\": 195, \"minor\": "
    "0}], \"mounts\": [{\"hostPath\": \"/usr/lib/x.so\", \"containerPath\": \"/usr/lib/x.so\"}], "
    "\"hooks\": [{\"hookName\": \"poststop\", \"path\": \"/bin/true\", \"args\": [\"true\"]}]}}]}";

static void rewritten(void **state)
{
        (void)state;
        char dir[] = "/tmp/rtrun-test-devices-XXXXXX", file[64];
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/v.json", dir);
        FILE *f = fopen(file, "w");
        fputs(cdi_spec, f);
        fclose(f);
        setenv(CDI_DIRS_ENV, dir, 1);

        char *text = strdup(config);
        size_t len = strlen(text);
        struct oci_spec *s = NULL, *back = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(text, len, &s, &err) < 0)
                fail_msg("%s", err.msg);
        /* /dev/null2 is not on the host: give it /dev/null's place to resolve */
        free(s->linux_.devices[0].path);
        s->linux_.devices[0].path = strdup("/dev/null");
        int changes = devices_prepare_config(&text, &len, s, &err);
        if (changes < 0)
                fail_msg("%s", err.msg);
        assert_true(changes > 0);
        if (oci_spec_parse(text, len, &back, &err) < 0)
                fail_msg("%s\n%s", err.msg, text);
        /* CDI edits */
        assert_int_equal(back->process.env.n, 2);
        assert_string_equal(back->process.env.v[1], "GPU=0");
        assert_int_equal(back->process.user.n_additional_gids, 1);
        assert_int_equal(back->process.user.additional_gids[0], 44);
        assert_int_equal(back->hooks.poststop.n, 1);
        assert_string_equal(back->hooks.poststop.v[0].args.v[0], "true");
        assert_int_equal(back->n_mounts, 2);
        assert_string_equal(back->mounts[1].destination, "/usr/lib/x.so");
        /* resolved numbers and allow rules are in the text */
        assert_int_equal(back->linux_.n_devices, 2);
        assert_true(back->linux_.devices[0].major.set);
        assert_int_equal(back->linux_.devices[0].major.v, 1);
        assert_int_equal(back->linux_.devices[1].major.v, 195);
        assert_int_equal(back->linux_.resources.n_devices, 2);
        /* untouched parts as written, including what the struct does not model */
        assert_non_null(strstr(text, "\"x-vendor-note\":\"kept as written\""));
        assert_non_null(strstr(text, "\"x-unknown-top\":{\"n\":[1,2.5,true,null]}"));
        assert_non_null(strstr(text, "\"net.ipv4.ip_forward\""));
        assert_string_equal(oci_annotation(back, "keep"), "me");
        oci_spec_free(back);
        oci_spec_free(s);
        free(text);

        /* nothing requested, nothing to resolve: the text is not touched */
        static const char plain[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}}";
        text = strdup(plain);
        len = strlen(text);
        char *before = text;
        assert_int_equal(oci_spec_parse(text, len, &s, &err), 0);
        assert_int_equal(devices_prepare_config(&text, &len, s, &err), 0);
        assert_ptr_equal(text, before);
        oci_spec_free(s);
        free(text);
        unlink(file);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(rewritten),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
