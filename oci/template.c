/* The default config.json `rtrun spec` writes: a shell in a busybox-style rootfs with the
 * conventional container defaults (three capabilities, the standard pseudo-filesystems,
 * masked and read-only /proc paths, new pid/network/ipc/uts/mount namespaces, and cgroup on
 * unified hosts). */
#include <errno.h>

#include "common/json.h"
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

static int gen_mounts(yajl_gen g)
{
        int s = gen_str(g, "mounts") | yajl_gen_array_open(g);
        for (size_t i = 0; i < N(default_mounts); i++) {
                const struct tmpl_mount *m = &default_mounts[i];
                s |= yajl_gen_map_open(g) | gen_key(g, "destination", m->dest) |
                     gen_key(g, "type", m->type) | gen_key(g, "source", m->source);
                size_t n = 0;
                while (m->opts[n])
                        n++;
                if (n)
                        s |= gen_strs(g, "options", m->opts, n);
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

static int gen_linux(yajl_gen g, bool cgroupns)
{
        static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
        size_t n_ns = N(namespaces) - (cgroupns ? 0 : 1);
        static const char *const masked[] = {
            "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
            "/sys/firmware",       "/proc/scsi"};
        static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                               "/proc/sysrq-trigger"};
        int s = gen_str(g, "linux") | yajl_gen_map_open(g);
        /* Deny every device by default; the runtime adds the standard allow rules. */
        s |= gen_str(g, "resources") | yajl_gen_map_open(g) | gen_str(g, "devices") |
             yajl_gen_array_open(g) | yajl_gen_map_open(g) | gen_key_bool(g, "allow", false) |
             gen_key(g, "access", "rwm") | yajl_gen_map_close(g) | yajl_gen_array_close(g) |
             yajl_gen_map_close(g);
        s |= gen_str(g, "namespaces") | yajl_gen_array_open(g);
        for (size_t i = 0; i < n_ns; i++)
                s |= yajl_gen_map_open(g) | gen_key(g, "type", namespaces[i]) |
                     yajl_gen_map_close(g);
        s |= yajl_gen_array_close(g);
        s |= gen_strs(g, "maskedPaths", masked, N(masked));
        s |= gen_strs(g, "readonlyPaths", readonly, N(readonly));
        return s | yajl_gen_map_close(g);
}

int oci_spec_template(bool terminal, bool cgroupns, char **out, size_t *len, struct rterr *err)
{
        yajl_gen g = gen_new(true);
        if (g == NULL)
                return rterr_sys(err, ENOMEM, "spec");
        int s = yajl_gen_map_open(g) | gen_key(g, "ociVersion", OCI_VERSION);
        s |= gen_process(g, terminal);
        s |= gen_str(g, "root") | yajl_gen_map_open(g) | gen_key(g, "path", "rootfs") |
             gen_key_bool(g, "readonly", true) | yajl_gen_map_close(g);
        s |= gen_key(g, "hostname", "rtrun");
        s |= gen_mounts(g);
        s |= gen_linux(g, cgroupns);
        s |= yajl_gen_map_close(g);
        return gen_finish(g, s, true, "spec", out, len, err);
}
