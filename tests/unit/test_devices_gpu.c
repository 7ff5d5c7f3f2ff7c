/* `spec --gpu`: discovery in a fake /dev with NVIDIA-numbered nodes, and the template
 * rewritten so the config parser reads back the nodes, their allow rules and the driver files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/gpu.h"

static const char proc_devices[] = "Character devices:\n195 nvidia-frontend\n511 nvidia-uvm\n";

struct fake {
        char root[64];
        char dev[96], lib[96], bin[96];
};

static void touch(const char *dir, const char *name, int mode)
{
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fclose(f);
        chmod(p, mode);
}

static int setup(void **state)
{
        struct fake *f = calloc(1, sizeof(*f));
        snprintf(f->root, sizeof(f->root), "/tmp/rtrun-test-devices-XXXXXX");
        if (mkdtemp(f->root) == NULL)
                return -1;
        snprintf(f->dev, sizeof(f->dev), "%s/dev", f->root);
        snprintf(f->lib, sizeof(f->lib), "%s/lib", f->root);
        snprintf(f->bin, sizeof(f->bin), "%s/bin", f->root);
        mkdir(f->dev, 0755);
        mkdir(f->lib, 0755);
        mkdir(f->bin, 0755);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fake *f = *state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
        int rc = system(cmd);
        free(f);
        return rc == 0 ? 0 : -1;
}

static int node(const struct fake *f, const char *name, unsigned maj, unsigned min)
{
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", f->dev, name);
        if (mknod(p, S_IFCHR | 0666, makedev(maj, min)) < 0)
                return -1;
        return chmod(p, 0666); /* mknod's mode went through the umask */
}

static void no_gpu(void **state)
{
        struct fake *f = *state;
        const char *const dirs[] = {f->lib, NULL};
        struct gpu_where w = {f->dev, "Character devices:\n  1 mem\n", dirs, dirs, NULL, NULL,
                              NULL};
        struct gpu_host h;
        struct rterr err = {0};
        assert_int_equal(gpu_discover(&w, &h, &err), -1);
        assert_non_null(strstr(err.msg, "no NVIDIA GPU"));
        assert_non_null(strstr(err.msg, f->dev));
        assert_non_null(strstr(err.msg, "not registered"));
}

static const struct oci_device *find_dev(const struct oci_spec *s, const char *path)
{
        for (size_t i = 0; i < s->linux_.n_devices; i++)
                if (strcmp(s->linux_.devices[i].path, path) == 0)
                        return &s->linux_.devices[i];
        return NULL;
}

static bool allowed(const struct oci_spec *s, int64_t maj, int64_t min)
{
        const struct oci_resources *r = &s->linux_.resources;
        for (size_t i = 0; i < r->n_devices; i++)
                if (r->devices[i].allow && r->devices[i].type == 'c' &&
                    r->devices[i].major == maj && r->devices[i].minor == min)
                        return true;
        return false;
}

static void discover_and_rewrite(void **state)
{
        struct fake *f = *state;
        if (node(f, "nvidia0", 195, 0) < 0)
                skip(); /* mknod needs CAP_MKNOD: this test runs as root in the suite */
        assert_int_equal(node(f, "nvidiactl", 195, 255), 0);
        assert_int_equal(node(f, "nvidia-modeset", 195, 254), 0);
        assert_int_equal(node(f, "nvidia0x", 195, 9), 0); /* not a GPU node name */
        touch(f->dev, "nvidia1", 0644);                   /* not a device node */
        touch(f->lib, "libcuda.so.550.54", 0755);
        touch(f->lib, "libnvidia-ml.so.1", 0755);
        touch(f->lib, "libc.so.6", 0755);
        touch(f->bin, "nvidia-smi", 0755);
        const char *const libs[] = {f->lib, f->lib, NULL}, *const bins[] = {f->bin, NULL};
        struct gpu_where w = {f->dev, proc_devices, libs, bins, NULL, NULL, NULL};
        struct gpu_host h;
        struct rterr err = {0};
        if (gpu_discover(&w, &h, &err) < 0)
                fail_msg("%s", err.msg);
        /* nvidia-modeset, nvidia0, nvidiactl, then nvidia-uvm(-tools) from /proc/devices */
        assert_int_equal(h.n_nodes, 5);
        assert_int_equal(h.files.n, 3);

        char *tmpl = NULL, *out = NULL;
        size_t len = 0;
        assert_int_equal(oci_spec_template(false, true, &tmpl, &len, &err), 0);
        if (gpu_spec_rewrite(&h, tmpl, &out, &len, &err) < 0)
                fail_msg("%s", err.msg);
        struct oci_spec *s = NULL;
        if (oci_spec_parse(out, len, &s, &err) < 0)
                fail_msg("%s\n%s", err.msg, out);
        char p[256];
        snprintf(p, sizeof(p), "%s/nvidia0", f->dev);
        const struct oci_device *d = find_dev(s, p);
        assert_non_null(d);
        assert_int_equal(d->type, 'c');
        assert_int_equal(d->major.v, 195);
        assert_int_equal(d->minor.v, 0);
        assert_int_equal(d->file_mode.v, 0666);
        snprintf(p, sizeof(p), "%s/nvidia-uvm-tools", f->dev);
        d = find_dev(s, p);
        assert_non_null(d);
        assert_int_equal(d->major.v, 511);
        assert_int_equal(d->minor.v, 1);
        assert_true(allowed(s, 195, 0) && allowed(s, 195, 255) && allowed(s, 511, 0));
        assert_false(allowed(s, 195, 9));
        /* the template's deny-all stays first */
        assert_false(s->linux_.resources.devices[0].allow);
        snprintf(p, sizeof(p), "%s/libcuda.so.550.54", f->lib);
        bool lib = false;
        for (size_t i = 0; i < s->n_mounts; i++)
                if (strcmp(s->mounts[i].destination, p) == 0)
                        lib = (s->mounts[i].flags & (MS_BIND | MS_RDONLY)) == (MS_BIND | MS_RDONLY);
        assert_true(lib);
        assert_string_equal(s->process.args.v[0], "sh"); /* the rest is the template's */
        oci_spec_free(s);
        free(out);
        free(tmpl);
        gpu_host_free(&h);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(no_gpu, setup, teardown),
            cmocka_unit_test_setup_teardown(discover_and_rewrite, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
