/* The default config.json `rtrun spec` writes: a shell in a busybox-style rootfs with the
 * conventional container defaults (three capabilities, the standard pseudo-filesystems,
 * masked and read-only /proc paths, new pid/network/ipc/uts/mount namespaces, and cgroup on
 * unified hosts). */
#include <errno.h>
#include <string.h>

#include "common/common.h"
#include "oci/oci.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct tmpl_mount {
        const char *dest, *type, *source;
        const char *opts[7];
};

static const struct tmpl_mount default_mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

/* Rootless: an unprivileged user cannot mount a new sysfs (it belongs to the host's network
 * namespace), so /sys is bind-mounted from the host instead, as runc's spec --rootless does. */
static const struct tmpl_mount rootless_sys = {
    "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};

static int gen_mounts(yajl_gen g, bool rootless)
{
        int s = gen_str(g, "mounts") | yajl_gen_array_open(g);
        for (size_t i = 0; i < N(default_mounts); i++) {
                const struct tmpl_mount *m = &default_mounts[i];
                if (rootless && strcmp(m->dest, "/sys") == 0)
                        m = &rootless_sys;
                s |= yajl_gen_map_open(g) | gen_key(g, "destination", m->dest) |
                     gen_key(g, "type", m->type) | gen_key(g, "source", m->source);
                const char *opts[N(m->opts)];
                size_t n = 0;
                /* rootless: gid=5 (tty) and any uid= name ids the one-id mapping lacks */
                for (size_t k = 0; m->opts[k]; k++)
                        if (!rootless || (strncmp(m->opts[k], "gid=", 4) != 0 &&
                                          strncmp(m->opts[k], "uid=", 4) != 0))
                                opts[n++] = m->opts[k];
                if (n)
                        s |= gen_strs(g, "options", opts, n);
                s |= yajl_gen_map_close(g);
        }
        return s | yajl_gen_array_close(g);
}

static int gen_process(yajl_gen g, bool terminal)
{
        static const char *const args[] = {"sh"};
        static const char *const env[] = {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
        static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
        static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
        int s =
            gen_str(g, "process") | yajl_gen_map_open(g) | gen_key_bool(g, "terminal", terminal);
        s |= gen_str(g, "user") | yajl_gen_map_open(g) | gen_key_int(g, "uid", 0) |
             gen_key_int(g, "gid", 0) | yajl_gen_map_close(g);
        s |= gen_strs(g, "args", args, N(args)) | gen_strs(g, "env", env, N(env));
        s |= gen_key(g, "cwd", "/");
        s |= gen_str(g, "capabilities") | yajl_gen_map_open(g);
        for (size_t i = 0; i < N(sets); i++)
                s |= gen_strs(g, sets[i], caps, N(caps));
        s |= yajl_gen_map_close(g);
        s |= gen_str(g, "rlimits") | yajl_gen_array_open(g) | yajl_gen_map_open(g) |
             gen_key(g, "type", "RLIMIT_NOFILE") | gen_key_int(g, "hard", 1024) |
             gen_key_int(g, "soft", 1024) | yajl_gen_map_close(g) | yajl_gen_array_close(g);
        s |= gen_key_bool(g, "noNewPrivileges", true);
        return s | yajl_gen_map_close(g);
}

static int gen_mapping(yajl_gen g, const char *key, unsigned id)
{
        return gen_str(g, key) | yajl_gen_array_open(g) | yajl_gen_map_open(g) |
               gen_key_int(g, "containerID", 0) | gen_key_int(g, "hostID", id) |
               gen_key_int(g, "size", 1) | yajl_gen_map_close(g) | yajl_gen_array_close(g);
}

static int gen_linux(yajl_gen g, const struct oci_template_opts *o)
{
        static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
        /* rootless: no new network namespace (nothing could configure it) and a user namespace
         * mapping root in the container to the caller */
        static const char *const rootless_ns[] = {"pid", "ipc", "uts", "mount", "cgroup", "user"};
        static const char *const masked[] = {
            "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
            "/sys/firmware",       "/proc/scsi"};
        static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                               "/proc/sysrq-trigger"};
        int s = gen_str(g, "linux") | yajl_gen_map_open(g);
        if (o->rootless)
                s |= gen_mapping(g, "uidMappings", o->uid) | gen_mapping(g, "gidMappings", o->gid);
        /* Deny every device by default; the runtime adds the standard allow rules. Rootless:
         * none (an unprivileged user may not have a cgroup to set them in). */
        if (!o->rootless)
                s |= gen_str(g, "resources") | yajl_gen_map_open(g) | gen_str(g, "devices") |
                     yajl_gen_array_open(g) | yajl_gen_map_open(g) |
                     gen_key_bool(g, "allow", false) | gen_key(g, "access", "rwm") |
                     yajl_gen_map_close(g) | yajl_gen_array_close(g) | yajl_gen_map_close(g);
        const char *const *ns = o->rootless ? rootless_ns : namespaces;
        s |= gen_str(g, "namespaces") | yajl_gen_array_open(g);
        for (size_t i = 0; i < N(namespaces); i++)
                /* As runc: a cgroup namespace only on hosts with the unified hierarchy alone. */
                if (o->cgroupns || strcmp(ns[i], "cgroup") != 0)
                        s |= yajl_gen_map_open(g) | gen_key(g, "type", ns[i]) |
                             yajl_gen_map_close(g);
        s |= yajl_gen_array_close(g);
        s |= gen_strs(g, "maskedPaths", masked, N(masked));
        s |= gen_strs(g, "readonlyPaths", readonly, N(readonly));
        return s | yajl_gen_map_close(g);
}

int oci_spec_template(bool terminal, bool cgroupns, char **out, size_t *len, struct rterr *err)
{
        struct oci_template_opts o = {.terminal = terminal, .cgroupns = cgroupns};
        return oci_spec_template_opts(&o, out, len, err);
}

int oci_spec_template_opts(const struct oci_template_opts *o, char **out, size_t *len,
                           struct rterr *err)
{
        bool terminal = o->terminal;
        yajl_gen g = gen_new(true);
        if (g == NULL)
                return rterr_sys(err, ENOMEM, "spec");
        int s = yajl_gen_map_open(g) | gen_key(g, "ociVersion", OCI_VERSION);
        s |= gen_process(g, terminal);
        s |= gen_str(g, "root") | yajl_gen_map_open(g) | gen_key(g, "path", "rootfs") |
             gen_key_bool(g, "readonly", true) | yajl_gen_map_close(g);
        s |= gen_key(g, "hostname", "rtrun");
        s |= gen_mounts(g, o->rootless);
        s |= gen_linux(g, o);
        s |= yajl_gen_map_close(g);
        return gen_finish(g, s, true, "spec", out, len, err);
}
