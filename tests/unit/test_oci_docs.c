/* The documents oci/ writes: state.json, the features document and the spec template. Each is
 * read back with yajl (or oci_spec_parse) and checked value by value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/capability.h>
#include <yajl/yajl_tree.h>

#include "oci/oci.h"

static yajl_val parse_tree(const char *text)
{
        char ebuf[256];
        yajl_val v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
        if (v == NULL)
                fail_msg("invalid JSON (%s): %s", ebuf, text);
        return v;
}

static yajl_val at(yajl_val v, const char *a, const char *b, const char *c)
{
        const char *path[] = {a, b, c, NULL};
        return yajl_tree_get(v, path, yajl_t_any);
}

static const char *str_at(yajl_val v, const char *a, const char *b)
{
        yajl_val s = at(v, a, b, NULL);
        if (!YAJL_IS_STRING(s))
                fail_msg("%s.%s is not a string", a, b ? b : "");
        return s->u.string;
}

static void test_state_round_trip(void **state)
{
        (void)state;
        struct oci_kv ann[] = {{"org.rtrun.cpus", "2-3"}, {"quote\"d", "line\nbreak\\"}};
        struct oci_state st = {
            .oci_version = "1.2.0",
            .id = "c1",
            .status = OCI_STATUS_RUNNING,
            .pid = 4242,
            .bundle = "/srv/bundles/c1",
            .rootfs = "/srv/bundles/c1/rootfs",
            .created = "2026-11-26T07:00:00.123456789Z",
            .owner = "",
            .annotations = {ann, 2},
        };
        for (int pretty = 0; pretty <= 1; pretty++) {
                char *out = NULL;
                size_t len = 0;
                struct rterr err = {0};
                assert_int_equal(oci_state_to_json(&st, pretty, &out, &len, &err), 0);
                assert_int_equal(strlen(out), len);
                /* hooks read one line; the CLI prints an indented document */
                assert_int_equal(strchr(out, '\n') == NULL || strchr(out, '\n') == out + len - 1,
                                 !pretty);
                yajl_val v = parse_tree(out);
                assert_string_equal(str_at(v, "ociVersion", NULL), "1.2.0");
                assert_string_equal(str_at(v, "id", NULL), "c1");
                assert_string_equal(str_at(v, "status", NULL), "running");
                yajl_val pid = at(v, "pid", NULL, NULL);
                assert_true(YAJL_IS_INTEGER(pid));
                assert_int_equal(pid->u.number.i, 4242);
                assert_string_equal(str_at(v, "bundle", NULL), "/srv/bundles/c1");
                assert_string_equal(str_at(v, "rootfs", NULL), "/srv/bundles/c1/rootfs");
                assert_string_equal(str_at(v, "created", NULL), "2026-11-26T07:00:00.123456789Z");
                assert_string_equal(str_at(v, "owner", NULL), "");
                assert_string_equal(str_at(v, "annotations", "org.rtrun.cpus"), "2-3");
                assert_string_equal(str_at(v, "annotations", "quote\"d"), "line\nbreak\\");
                yajl_tree_free(v);
                free(out);
        }
}

static void test_state_statuses(void **state)
{
        (void)state;
        static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
        for (int s = OCI_STATUS_CREATING; s <= OCI_STATUS_STOPPED; s++) {
                struct oci_state st = {.id = "x", .status = s, .bundle = "/b"};
                char *out = NULL;
                struct rterr err = {0};
                assert_int_equal(oci_state_to_json(&st, false, &out, NULL, &err), 0);
                yajl_val v = parse_tree(out);
                assert_string_equal(str_at(v, "status", NULL), names[s]);
                /* no version given: the one rtrun implements */
                assert_string_equal(str_at(v, "ociVersion", NULL), OCI_VERSION);
                assert_true(YAJL_IS_OBJECT(at(v, "annotations", NULL, NULL)));
                yajl_tree_free(v);
                free(out);
        }
}

/* Every string of an array satisfies `ok` (the parser accepts it). */
static void check_each(yajl_val arr, const char *what, int (*ok)(const char *))
{
        if (!YAJL_IS_ARRAY(arr) || arr->u.array.len == 0)
                fail_msg("%s: not a non-empty array", what);
        for (size_t i = 0; i < arr->u.array.len; i++) {
                yajl_val e = arr->u.array.values[i];
                if (!YAJL_IS_STRING(e) || !ok(e->u.string))
                        fail_msg("%s[%zu] is not accepted", what, i);
        }
}

/* Wraps a value into a config and reports whether oci_spec_parse takes it. */
static int parses(const char *fmt, const char *value)
{
        char json[1024];
        snprintf(json, sizeof(json), fmt, value);
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0) {
                printf("%s\n", err.msg);
                return 0;
        }
        oci_spec_free(s);
        return 1;
}

#define BASE "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"

static int mount_option_ok(const char *o)
{
        return parses(BASE "\"mounts\":[{\"destination\":\"/m\",\"options\":[\"%s\"]}]}", o);
}

static int namespace_ok(const char *n)
{
        return parses(BASE "\"linux\":{\"namespaces\":[{\"type\":\"%s\"}]}}", n);
}

static int cap_ok(const char *c)
{
        return oci_cap_from_name(c) >= 0;
}

static int action_ok(const char *a)
{
        /* NOTIFY needs a listener and cannot be the default: use it in a rule. */
        return parses(BASE "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                           "\"listenerPath\":\"/l\",\"syscalls\":[{\"names\":[\"x\"],"
                           "\"action\":\"%s\"}]}}}",
                      a);
}

static int op_ok(const char *o)
{
        return parses(BASE "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                           "\"syscalls\":[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_ERRNO\","
                           "\"args\":[{\"index\":0,\"value\":1,\"op\":\"%s\"}]}]}}}",
                      o);
}

static int arch_ok(const char *a)
{
        return parses(BASE "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                           "\"architectures\":[\"%s\"]}}}",
                      a);
}

static int flag_ok(const char *f)
{
        return parses(BASE "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                           "\"flags\":[\"%s\"]}}}",
                      f);
}

static int hook_ok(const char *h)
{
        return parses(BASE "\"hooks\":{\"%s\":[{\"path\":\"/h\"}]}}", h);
}

static void test_features(void **state)
{
        (void)state;
        struct oci_kv extra[] = {{"org.rtrun.sched.deadline", "true"}};
        struct oci_kvs kvs = {extra, 1};
        char *out = NULL;
        size_t len = 0;
        struct rterr err = {0};
        assert_int_equal(oci_features_json(&kvs, &out, &len, &err), 0);
        yajl_val v = parse_tree(out);
        assert_string_equal(str_at(v, "ociVersionMin", NULL), "1.0.0");
        assert_string_equal(str_at(v, "ociVersionMax", NULL), OCI_VERSION);
        check_each(at(v, "hooks", NULL, NULL), "hooks", hook_ok);
        assert_int_equal(at(v, "hooks", NULL, NULL)->u.array.len, 6);
        check_each(at(v, "mountOptions", NULL, NULL), "mountOptions", mount_option_ok);
        yajl_val ns = at(v, "linux", "namespaces", NULL);
        check_each(ns, "namespaces", namespace_ok);
        assert_int_equal(ns->u.array.len, 8);
        yajl_val caps = at(v, "linux", "capabilities", NULL);
        check_each(caps, "capabilities", cap_ok);
        assert_int_equal(caps->u.array.len, CAP_LAST_CAP + 1);
        assert_true(YAJL_IS_TRUE(at(v, "linux", "cgroup", "v1")));
        assert_true(YAJL_IS_TRUE(at(v, "linux", "cgroup", "v2")));
        assert_true(YAJL_IS_TRUE(at(v, "linux", "cgroup", "systemd")));
        assert_true(YAJL_IS_TRUE(at(v, "linux", "seccomp", "enabled")));
        check_each(at(v, "linux", "seccomp", "actions"), "actions", action_ok);
        assert_int_equal(at(v, "linux", "seccomp", "actions")->u.array.len, 9);
        check_each(at(v, "linux", "seccomp", "operators"), "operators", op_ok);
        assert_int_equal(at(v, "linux", "seccomp", "operators")->u.array.len, 7);
        check_each(at(v, "linux", "seccomp", "archs"), "archs", arch_ok);
        check_each(at(v, "linux", "seccomp", "knownFlags"), "knownFlags", flag_ok);
        check_each(at(v, "linux", "seccomp", "supportedFlags"), "supportedFlags", flag_ok);
        assert_true(YAJL_IS_FALSE(at(v, "linux", "apparmor", "enabled")));
        assert_true(YAJL_IS_FALSE(at(v, "linux", "selinux", "enabled")));
        assert_string_equal(str_at(v, "annotations", "org.rtrun.sched.deadline"), "true");
        yajl_tree_free(v);
        free(out);

        /* no extra annotations: still an (empty) object */
        assert_int_equal(oci_features_json(NULL, &out, &len, &err), 0);
        v = parse_tree(out);
        assert_true(YAJL_IS_OBJECT(at(v, "annotations", NULL, NULL)));
        assert_int_equal(at(v, "annotations", NULL, NULL)->u.object.len, 0);
        yajl_tree_free(v);
        free(out);
}

static void test_template(void **state)
{
        (void)state;
        for (int terminal = 0; terminal <= 1; terminal++) {
                char *out = NULL;
                size_t len = 0;
                struct rterr err = {0};
                assert_int_equal(oci_spec_template(terminal, &out, &len, &err), 0);
                struct oci_spec *s = NULL;
                if (oci_spec_parse(out, len, &s, &err) < 0)
                        fail_msg("%s", err.msg);
                free(out);
                assert_string_equal(s->oci_version, OCI_VERSION);
                assert_int_equal(s->process.terminal, terminal);
                assert_string_equal(s->process.args.v[0], "sh");
                assert_int_equal(s->process.args.n, 1);
                assert_string_equal(s->process.cwd, "/");
                assert_true(s->process.no_new_privileges);
                uint64_t caps =
                    (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);
                assert_int_equal(s->process.capabilities.bounding, caps);
                assert_int_equal(s->process.capabilities.effective, caps);
                assert_int_equal(s->process.capabilities.permitted, caps);
                assert_int_equal(s->process.capabilities.ambient, caps);
                assert_int_equal(s->process.n_rlimits, 1);
                assert_string_equal(s->root.path, "rootfs");
                assert_true(s->root.readonly);
                static const char *const dests[] = {"/proc",         "/dev",        "/dev/pts",
                                                    "/dev/shm",      "/dev/mqueue", "/sys",
                                                    "/sys/fs/cgroup"};
                assert_int_equal(s->n_mounts, 7);
                for (size_t i = 0; i < 7; i++)
                        assert_string_equal(s->mounts[i].destination, dests[i]);
                static const enum oci_ns_type want[] = {OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC,
                                                        OCI_NS_UTS, OCI_NS_MOUNT,   OCI_NS_CGROUP};
                assert_int_equal(s->linux_.n_namespaces, 6);
                for (size_t i = 0; i < 6; i++)
                        assert_non_null(oci_namespace_get(s, want[i]));
                assert_null(oci_namespace_get(s, OCI_NS_USER));
                assert_true(s->linux_.masked_paths.n >= 5);
                assert_true(s->linux_.readonly_paths.n >= 3);
                assert_int_equal(s->linux_.resources.n_devices, 1);
                assert_false(s->linux_.resources.devices[0].allow);
                oci_spec_free(s);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_state_round_trip),
            cmocka_unit_test(test_state_statuses),
            cmocka_unit_test(test_features),
            cmocka_unit_test(test_template),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
