/* The runtime-spec features document (features.md, features-linux.md) for what rtrun
 * implements: every value listed here is one the parser accepts and the runtime applies. */
#include <errno.h>
#include <linux/capability.h>

#include "common/common.h"
#include "oci/internal.h"

/* Names of a table in order: "key": [...]. */
static int gen_table(yajl_gen g, const char *key, const struct oci_name *t)
{
        int s = gen_str(g, key) | yajl_gen_array_open(g);
        for (size_t i = 0; t[i].name; i++)
                s |= gen_str(g, t[i].name);
        return s | yajl_gen_array_close(g);
}

static int gen_enabled(yajl_gen g, const char *key, bool on)
{
        return gen_str(g, key) | yajl_gen_map_open(g) | gen_key_bool(g, "enabled", on) |
               yajl_gen_map_close(g);
}

static int gen_seccomp(yajl_gen g)
{
        /* libseccomp 2.5 (Debian 12) cannot set WAIT_KILLABLE_RECV: known, not supported. */
        static const char *const supported[] = {"SECCOMP_FILTER_FLAG_TSYNC",
                                                "SECCOMP_FILTER_FLAG_LOG",
                                                "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
        int s = gen_str(g, "seccomp") | yajl_gen_map_open(g) | gen_key_bool(g, "enabled", true);
        s |= gen_table(g, "actions", oci_seccomp_action_names);
        s |= gen_table(g, "operators", oci_seccomp_op_names);
        s |= gen_table(g, "archs", oci_seccomp_arch_names);
        s |= gen_table(g, "knownFlags", oci_seccomp_flag_names);
        s |= gen_strs(g, "supportedFlags", supported, sizeof(supported) / sizeof(supported[0]));
        return s | yajl_gen_map_close(g);
}

static int gen_linux(yajl_gen g)
{
        int s = gen_str(g, "linux") | yajl_gen_map_open(g);
        s |= gen_table(g, "namespaces", oci_namespace_names);
        s |= gen_str(g, "capabilities") | yajl_gen_array_open(g);
        for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
                s |= gen_str(g, oci_cap_name(cap));
        s |= yajl_gen_array_close(g);
        s |= gen_str(g, "cgroup") | yajl_gen_map_open(g) | gen_key_bool(g, "v1", true) |
             gen_key_bool(g, "v2", true) | gen_key_bool(g, "systemd", true) |
             gen_key_bool(g, "systemdUser", false) | gen_key_bool(g, "rdma", true) |
             yajl_gen_map_close(g);
        s |= gen_seccomp(g);
        s |= gen_enabled(g, "apparmor", false) | gen_enabled(g, "selinux", false) |
             gen_enabled(g, "intelRdt", false);
        s |= gen_str(g, "mountExtensions") | yajl_gen_map_open(g) | gen_enabled(g, "idmap", false) |
             yajl_gen_map_close(g);
        return s | yajl_gen_map_close(g);
}

int oci_features_json(const struct oci_kvs *extra_annotations, char **out, size_t *len,
                      struct rterr *err)
{
        static const char *const hooks[] = {"prestart",       "createRuntime", "createContainer",
                                            "startContainer", "poststart",     "poststop"};
        yajl_gen g = gen_new(true);
        if (g == NULL)
                return rterr_sys(err, ENOMEM, "features");
        int s = yajl_gen_map_open(g);
        s |= gen_key(g, "ociVersionMin", "1.0.0") | gen_key(g, "ociVersionMax", OCI_VERSION);
        s |= gen_strs(g, "hooks", hooks, sizeof(hooks) / sizeof(hooks[0]));
        s |= gen_str(g, "mountOptions") | yajl_gen_array_open(g);
        for (size_t i = 0; oci_mount_option_name(i); i++)
                s |= gen_str(g, oci_mount_option_name(i));
        s |= yajl_gen_array_close(g);
        s |= gen_linux(g);
        s |= oci_kvs_gen(g, "annotations", extra_annotations);
        s |= yajl_gen_map_close(g);
        return gen_finish(g, s, true, "features", out, len, err);
}
