/* CDI spec directories (priority, conflicts, unknown and malformed specs) and the edits
 * applied to a parsed config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/cdi.h"

struct dirs {
        char root[64];
        char a[96], b[96];
        char list[512];
};

static void put(const char *dir, const char *name, const char *text)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static int setup(void **state)
{
        struct dirs *d = calloc(1, sizeof(*d));
        snprintf(d->root, sizeof(d->root), "/tmp/rtrun-test-devices-XXXXXX");
        if (mkdtemp(d->root) == NULL)
                return -1;
        snprintf(d->a, sizeof(d->a), "%s/etc-cdi", d->root);
        snprintf(d->b, sizeof(d->b), "%s/run-cdi", d->root);
        mkdir(d->a, 0755);
        mkdir(d->b, 0755);
        snprintf(d->list, sizeof(d->list), "%s:%s/absent:%s", d->a, d->root, d->b);
        setenv(CDI_DIRS_ENV, d->list, 1);
        *state = d;
        return 0;
}

static int teardown(void **state)
{
        struct dirs *d = *state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", d->root);
        if (system(cmd) != 0)
                return -1;
        free(d);
        return 0;
}

#define SPEC(kind, devices, edits)                                                                 \
        "{\"cdiVersion\": \"0.6.0\", \"kind\": \"" kind "\", \"devices\": [" devices "]" edits "}"
#define DEV(name, env) "{\"name\": \"" name "\", \"containerEdits\": {\"env\": [\"" env "\"]}}"

static struct oci_spec *config(const char *devices)
{
        char json[2048];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "
                 "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": 0, "
                 "\"gid\": 0, \"additionalGids\": [107]}, \"env\": [\"PATH=/bin\", \"GPU=none\"]}, "
                 "\"mounts\": [{\"destination\": \"/usr/lib/libv.so\", \"source\": \"/old\", "
                 "\"type\": \"bind\", \"options\": [\"bind\"]}], "
                 "\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": "
                 "\"rwm\"}]}}, "
                 "\"annotations\": {\"org.rtrun.cdi.devices\": \"%s\"}}",
                 devices);
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("%s", err.msg);
        return s;
}

static const char *env_of(const struct oci_spec *s, const char *key)
{
        size_t n = strlen(key);
        for (size_t i = 0; i < s->process.env.n; i++)
                if (strncmp(s->process.env.v[i], key, n) == 0 && s->process.env.v[i][n] == '=')
                        return s->process.env.v[i] + n + 1;
        return NULL;
}

static void expect_fail(const char *devices, const char *w1, const char *w2, const char *w3)
{
        struct oci_spec *s = config(devices);
        struct rterr err = {0};
        assert_int_equal(cdi_apply(s, &err), -1);
        if (!strstr(err.msg, w1) || (w2 && !strstr(err.msg, w2)) || (w3 && !strstr(err.msg, w3)))
                fail_msg("error \"%s\" lacks \"%s\" / \"%s\" / \"%s\"", err.msg, w1, w2 ? w2 : "",
                         w3 ? w3 : "");
        oci_spec_free(s);
}

/* The full edit set of a device and, once, its spec's top-level edits. */
static void edits_applied(void **state)
{
        struct dirs *d = *state;
        put(d->a, "vendor.yaml",
            "cdiVersion: 0.6.0\nkind: vendor.example/gpu\ndevices:\n"
            "- name: 0\n  containerEdits:\n    env: [GPU=0]\n"
            "    deviceNodes:\n    - {path: /dev/vgpu0, type: c, major: 195, minor: 0,"
            " permissions: rw, fileMode: 0660, gid: 44}\n"
            "    - {path: /dev/vnull, hostPath: /dev/null}\n"
            "- name: 1\n  containerEdits:\n    env: [GPU=1]\n"
            "    deviceNodes:\n    - {path: /dev/vgpu1, type: c, major: 195, minor: 1}\n"
            "containerEdits:\n  env: [VENDOR=example]\n"
            "  mounts:\n  - {hostPath: /usr/lib/x.so, containerPath: /usr/lib/libv.so,"
            " options: [ro, nosuid]}\n"
            "  hooks:\n  - {hookName: createRuntime, path: /bin/true, args: [true, x]}\n"
            "  - {hookName: poststop, path: /bin/false}\n"
            "  additionalGids: [0, 44, 107]\n");
        struct oci_spec *s = config("vendor.example/gpu=0,vendor.example/gpu=1");
        struct rterr err = {0};
        if (cdi_apply(s, &err) < 0)
                fail_msg("%s", err.msg);
        /* env: device edits after the spec's, later devices override earlier ones */
        assert_string_equal(env_of(s, "GPU"), "1");
        assert_string_equal(env_of(s, "VENDOR"), "example");
        assert_string_equal(env_of(s, "PATH"), "/bin");
        /* nodes */
        assert_int_equal(s->linux_.n_devices, 3);
        const struct oci_device *g0 = &s->linux_.devices[0], *vn = &s->linux_.devices[1];
        assert_string_equal(g0->path, "/dev/vgpu0");
        assert_int_equal(g0->type, 'c');
        assert_int_equal(g0->major.v, 195);
        assert_int_equal(g0->minor.v, 0);
        assert_int_equal(g0->file_mode.v, 0660);
        assert_int_equal(g0->gid.v, 44);
        struct stat st;
        assert_int_equal(stat("/dev/null", &st), 0);
        assert_string_equal(vn->path, "/dev/vnull");
        assert_int_equal(vn->type, 'c');
        assert_int_equal(vn->major.v, 1);
        assert_int_equal(vn->minor.v, 3);
        assert_int_equal(vn->file_mode.v, st.st_mode & 07777);
        assert_string_equal(s->linux_.devices[2].path, "/dev/vgpu1");
        /* allow rules follow the config's deny-all, with the CDI permissions */
        const struct oci_resources *r = &s->linux_.resources;
        assert_int_equal(r->n_devices, 4);
        assert_false(r->devices[0].allow);
        assert_true(r->devices[1].allow);
        assert_int_equal(r->devices[1].major, 195);
        assert_int_equal(r->devices[1].minor, 0);
        assert_string_equal(r->devices[1].access, "rw");
        assert_int_equal(r->devices[2].major, 1);
        assert_string_equal(r->devices[2].access, "rwm");
        assert_int_equal(r->devices[3].minor, 1);
        /* the mount replaced the config's one at the same destination, flags translated */
        assert_int_equal(s->n_mounts, 1);
        assert_string_equal(s->mounts[0].source, "/usr/lib/x.so");
        assert_true(s->mounts[0].flags & MS_BIND);
        assert_true(s->mounts[0].flags & MS_RDONLY);
        assert_true(s->mounts[0].flags & MS_NOSUID);
        /* hooks by name, once although two devices of the spec were asked for */
        assert_int_equal(s->hooks.create_runtime.n, 1);
        assert_string_equal(s->hooks.create_runtime.v[0].path, "/bin/true");
        assert_string_equal(s->hooks.create_runtime.v[0].args.v[1], "x");
        assert_int_equal(s->hooks.poststop.n, 1);
        /* where each hook came from, for its failure message */
        const char *origin = oci_annotation(s, "org.rtrun.cdi.hook.createRuntime[0]");
        assert_non_null(origin);
        assert_non_null(strstr(origin, "vendor.example/gpu=0"));
        assert_non_null(strstr(origin, "vendor.yaml"));
        struct rterr herr = {0};
        rterr_set(&herr, 0, "hooks.poststop[0] (/bin/false): exited with status 1");
        assert_int_equal(cdi_hook_blame(&s->annotations, &herr), -1);
        assert_non_null(strstr(herr.msg, "exited with status 1 (hook added by CDI device "
                                         "vendor.example/gpu=0"));
        rterr_set(&herr, 0, "hooks.prestart[0] (/x): exited with status 1");
        cdi_hook_blame(&s->annotations, &herr);
        assert_string_equal(herr.msg, "hooks.prestart[0] (/x): exited with status 1");
        /* gids: 0 skipped, 107 not duplicated */
        assert_int_equal(s->process.user.n_additional_gids, 2);
        assert_int_equal(s->process.user.additional_gids[0], 107);
        assert_int_equal(s->process.user.additional_gids[1], 44);
        oci_spec_free(s);
}

static void no_request_no_change(void **state)
{
        (void)state;
        setenv(CDI_DIRS_ENV, "/nonexistent", 1);
        struct oci_spec *s = config("");
        struct rterr err = {0};
        assert_int_equal(cdi_apply(s, &err), 0);
        assert_int_equal(s->linux_.n_devices, 0);
        assert_int_equal(s->linux_.resources.n_devices, 1);
        oci_spec_free(s);
}

/* A later directory overrides an earlier one; two files of one directory conflict. */
static void priority_and_conflicts(void **state)
{
        struct dirs *d = *state;
        put(d->a, "v.json",
            SPEC("vendor.example/gpu", DEV("0", "FROM=a") "," DEV("1", "FROM=a"), ""));
        put(d->b, "v.json", SPEC("vendor.example/gpu", DEV("0", "FROM=b"), ""));
        struct oci_spec *s = config("vendor.example/gpu=0");
        struct rterr err = {0};
        if (cdi_apply(s, &err) < 0)
                fail_msg("%s", err.msg);
        assert_string_equal(env_of(s, "FROM"), "b");
        oci_spec_free(s);
        s = config("vendor.example/gpu=1");
        assert_int_equal(cdi_apply(s, &err), 1);
        assert_string_equal(env_of(s, "FROM"), "a");
        oci_spec_free(s);

        put(d->b, "w.yaml", SPEC("vendor.example/gpu", DEV("0", "FROM=w"), ""));
        char f1[200], f2[200];
        snprintf(f1, sizeof(f1), "%s/v.json", d->b);
        snprintf(f2, sizeof(f2), "%s/w.yaml", d->b);
        expect_fail("vendor.example/gpu=0", "vendor.example/gpu=0", f1, f2);
        expect_fail("vendor.example/gpu=0", "conflicting", NULL, NULL);
}

static void unknown_and_malformed(void **state)
{
        struct dirs *d = *state;
        char file[200];
        put(d->a, "v.json", SPEC("vendor.example/gpu", DEV("0", "X=1"), ""));
        snprintf(file, sizeof(file), "%s/v.json", d->a);
        expect_fail("vendor.example/gpu=7", "vendor.example/gpu=7", "unknown device \"7\"", file);
        expect_fail("other.example/gpu=0", "other.example/gpu=0", "no CDI spec of kind", d->a);
        /* a malformed spec is named when a device could have come from it */
        put(d->b, "broken.json", "{\"cdiVersion\": \"0.6.0\", \"kind\": ");
        snprintf(file, sizeof(file), "%s/broken.json", d->b);
        expect_fail("other.example/gpu=0", "other.example/gpu=0", file, "invalid JSON");
        put(d->b, "broken.json",
            SPEC("other.example/gpu",
                 "{\"name\": \"0\", \"containerEdits\": {\"deviceNodes\": "
                 "[{\"path\": \"/dev/x\", \"major\": -1}]}}",
                 ""));
        expect_fail("other.example/gpu=0", file, "deviceNodes[0].major", "out of range");
        /* a node that is not on the host and has no numbers */
        put(d->b, "broken.json",
            SPEC("other.example/gpu",
                 "{\"name\": \"0\", \"containerEdits\": {\"deviceNodes\": "
                 "[{\"path\": \"/dev/rtrun-absent-node\"}]}}",
                 ""));
        expect_fail("other.example/gpu=0", "other.example/gpu=0", file, "/dev/rtrun-absent-node");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(edits_applied, setup, teardown),
            cmocka_unit_test_setup_teardown(no_request_no_change, setup, teardown),
            cmocka_unit_test_setup_teardown(priority_and_conflicts, setup, teardown),
            cmocka_unit_test_setup_teardown(unknown_and_malformed, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
