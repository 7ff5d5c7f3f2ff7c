/* CDI spec files: the same spec read from JSON and from YAML, and malformed input rejected
 * with the file and the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/cdi.h"

static const char spec_json[] =
    "{\n"
    "  \"cdiVersion\": \"0.6.0\",\n"
    "  \"kind\": \"vendor.example/gpu\",\n"
    "  \"devices\": [\n"
    "    {\"name\": \"0\", \"containerEdits\": {\n"
    "      \"env\": [\"GPU=0\"],\n"
    "      \"deviceNodes\": [{\"path\": \"/dev/vgpu0\", \"hostPath\": \"/tmp/x/dev/vgpu0\", "
    "\"type\": \"c\",\n"
    "                       \"major\": 195, \"minor\": 0, \"fileMode\": 438, \"permissions\": "
    "\"rw\",\n"
    "                       \"uid\": 0, \"gid\": 44}]}},\n"
    "    {\"name\": \"all\", \"containerEdits\": {\"deviceNodes\": [{\"path\": \"/dev/vgpu0\"}]}}\n"
    "  ],\n"
    "  \"containerEdits\": {\n"
    "    \"env\": [\"VENDOR=example\"],\n"
    "    \"mounts\": [{\"hostPath\": \"/usr/lib/libv.so\", \"containerPath\": "
    "\"/usr/lib/libv.so\",\n"
    "                \"options\": [\"ro\", \"nosuid\"]}],\n"
    "    \"hooks\": [{\"hookName\": \"createRuntime\", \"path\": \"/bin/true\", \"args\": "
    "[\"true\", \"x\"],\n"
    "               \"env\": [\"A=1\"], \"timeout\": 5}],\n"
    "    \"additionalGids\": [44, 107]\n"
    "  }\n"
    "}";

static const char spec_yaml[] = "cdiVersion: 0.6.0\n"
                                "kind: vendor.example/gpu\n"
                                "devices:\n"
                                "- name: 0\n"
                                "  containerEdits:\n"
                                "    env: [GPU=0]\n"
                                "    deviceNodes:\n"
                                "    - path: /dev/vgpu0\n"
                                "      hostPath: /tmp/x/dev/vgpu0\n"
                                "      type: c\n"
                                "      major: 195\n"
                                "      minor: 0\n"
                                "      fileMode: 0666\n"
                                "      permissions: rw\n"
                                "      uid: 0\n"
                                "      gid: 44\n"
                                "- name: all\n"
                                "  containerEdits:\n"
                                "    deviceNodes:\n"
                                "    - path: /dev/vgpu0\n"
                                "containerEdits:\n"
                                "  env:\n"
                                "  - VENDOR=example\n"
                                "  mounts:\n"
                                "  - hostPath: /usr/lib/libv.so\n"
                                "    containerPath: /usr/lib/libv.so\n"
                                "    options: [ro, nosuid]\n"
                                "  hooks:\n"
                                "  - hookName: createRuntime\n"
                                "    path: /bin/true\n"
                                "    args: [\"true\", x]\n"
                                "    env: [A=1]\n"
                                "    timeout: 5\n"
                                "  additionalGids: [44, 107]\n";

static void check_spec(const struct cdi_spec *s, const char *file)
{
        assert_string_equal(s->file, file);
        assert_string_equal(s->vendor, "vendor.example");
        assert_string_equal(s->klass, "gpu");
        assert_int_equal(s->n_devices, 2);
        const struct cdi_device *d = &s->devices[0];
        assert_string_equal(d->name, "0");
        assert_int_equal(d->edits.env.n, 1);
        assert_string_equal(d->edits.env.v[0], "GPU=0");
        assert_int_equal(d->edits.n_nodes, 1);
        const struct cdi_device_node *n = &d->edits.nodes[0];
        assert_string_equal(n->path, "/dev/vgpu0");
        assert_string_equal(n->host_path, "/tmp/x/dev/vgpu0");
        assert_int_equal(n->type, 'c');
        assert_true(n->major.set && n->minor.set);
        assert_int_equal(n->major.v, 195);
        assert_int_equal(n->minor.v, 0);
        assert_true(n->file_mode.set);
        assert_int_equal(n->file_mode.v, 0666);
        assert_string_equal(n->permissions, "rw");
        assert_int_equal(n->gid.v, 44);
        const struct cdi_device_node *all = &s->devices[1].edits.nodes[0];
        assert_false(all->major.set);
        assert_int_equal(all->type, 0);
        assert_null(all->host_path);
        assert_int_equal(s->edits.n_mounts, 1);
        assert_string_equal(s->edits.mounts[0].container_path, "/usr/lib/libv.so");
        assert_null(s->edits.mounts[0].type);
        assert_int_equal(s->edits.mounts[0].options.n, 2);
        assert_string_equal(s->edits.mounts[0].options.v[1], "nosuid");
        assert_int_equal(s->edits.n_hooks, 1);
        assert_int_equal(s->edits.hooks[0].name, CDI_HOOK_CREATE_RUNTIME);
        assert_string_equal(s->edits.hooks[0].args.v[0], "true");
        assert_string_equal(s->edits.hooks[0].env.v[0], "A=1");
        assert_int_equal(s->edits.hooks[0].timeout.v, 5);
        assert_int_equal(s->edits.n_gids, 2);
        assert_int_equal(s->edits.gids[1], 107);
}

static void json_spec(void **state)
{
        (void)state;
        struct cdi_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(cdi_spec_parse(spec_json, strlen(spec_json), "/d/v.json", &s, &err), 0);
        check_spec(s, "/d/v.json");
        cdi_spec_free(s);
}

static void yaml_spec(void **state)
{
        (void)state;
        struct cdi_spec *s = NULL;
        struct rterr err = {0};
        int rc = cdi_spec_parse(spec_yaml, strlen(spec_yaml), "/d/v.yaml", &s, &err);
        if (rc < 0)
                fail_msg("%s", err.msg);
        check_spec(s, "/d/v.yaml");
        cdi_spec_free(s);
}

/* YAML is a superset of JSON: a .yaml file written as JSON reads the same. */
static void yaml_file_with_json_text(void **state)
{
        (void)state;
        struct cdi_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(cdi_spec_parse(spec_json, strlen(spec_json), "/d/v.yaml", &s, &err), 0);
        check_spec(s, "/d/v.yaml");
        cdi_spec_free(s);
}

static void expect_error(const char *text, const char *file, const char *want1, const char *want2)
{
        struct cdi_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(cdi_spec_parse(text, strlen(text), file, &s, &err), -1);
        assert_null(s);
        if (strstr(err.msg, file) == NULL || strstr(err.msg, want1) == NULL ||
            (want2 && strstr(err.msg, want2) == NULL))
                fail_msg("error \"%s\" lacks \"%s\" / \"%s\" / \"%s\"", err.msg, file, want1,
                         want2 ? want2 : "");
}

#define HDR "{\"cdiVersion\": \"0.6.0\", \"kind\": \"v.example/gpu\", "

static void malformed(void **state)
{
        (void)state;
        expect_error("{\"cdiVersion\": ", "/d/bad.json", "invalid JSON", NULL);
        expect_error("kind: [unclosed\n", "/d/bad.yaml", "invalid YAML", "line");
        expect_error("{\"kind\": \"v.example/gpu\", \"devices\": []}", "/d/a.json", "cdiVersion",
                     "required");
        expect_error("{\"cdiVersion\": \"2.0.0\", \"kind\": \"v.example/gpu\"}", "/d/a.json",
                     "cdiVersion", "unsupported");
        expect_error("{\"cdiVersion\": \"0.6.0\", \"kind\": \"nogpu\"}", "/d/a.json", "kind",
                     "vendor/class");
        expect_error(HDR "\"devices\": []}", "/d/a.json", "devices", "non-empty");
        expect_error(HDR "\"devices\": [{\"name\": \"0\"}]}", "/d/a.json",
                     "devices[0].containerEdits", "required");
        expect_error(HDR "\"devices\": [{\"name\": \"-x\", \"containerEdits\": {}}]}", "/d/a.json",
                     "devices[0].name", "invalid device name");
        expect_error(HDR "\"devices\": [{\"name\": \"0\", \"containerEdits\": {\"deviceNodes\": "
                         "[{\"path\": \"/dev/a\", \"major\": \"195\"}]}}]}",
                     "/d/a.json", "devices[0].containerEdits.deviceNodes[0].major",
                     "expected an integer");
        expect_error(HDR "\"devices\": [{\"name\": \"0\", \"containerEdits\": {\"deviceNodes\": "
                         "[{\"path\": \"dev/a\"}]}}]}",
                     "/d/a.json", "deviceNodes[0].path", "absolute");
        expect_error(HDR "\"devices\": [{\"name\": \"0\", \"containerEdits\": {\"deviceNodes\": "
                         "[{\"path\": \"/dev/a\", \"permissions\": \"rwx\"}]}}]}",
                     "/d/a.json", "deviceNodes[0].permissions", "r, w, m");
        expect_error(HDR "\"devices\": [{\"name\": \"0\", \"containerEdits\": {\"hooks\": "
                         "[{\"hookName\": \"atBoot\", \"path\": \"/bin/true\"}]}}]}",
                     "/d/a.json", "hooks[0].hookName", "unknown hook");
        expect_error(HDR "\"devices\": [{\"name\": \"0\", \"containerEdits\": {\"env\": "
                         "[\"NOVALUE\"]}}]}",
                     "/d/a.json", "devices[0].containerEdits.env[0]", "KEY=value");
        expect_error(HDR "\"devices\": [{\"name\": \"0\", \"containerEdits\": {}}, "
                         "{\"name\": \"0\", \"containerEdits\": {}}]}",
                     "/d/a.json", "devices[1]", "defined twice");
        expect_error("cdiVersion: 0.6.0\nkind: v.example/gpu\ndevices:\n- name: 0\n"
                     "  containerEdits:\n    deviceNodes:\n    - path: /dev/a\n      minor: x1\n",
                     "/d/a.yaml", "devices[0].containerEdits.deviceNodes[0].minor",
                     "expected an integer");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(json_spec),
            cmocka_unit_test(yaml_spec),
            cmocka_unit_test(yaml_file_with_json_text),
            cmocka_unit_test(malformed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
