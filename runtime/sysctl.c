#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/common.h"
#include "runtime/setup.h"

static bool has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum sysctl_scope sysctl_scope_of(const char *name)
{
        /* The IPC sysctls are those of ipc/ipc_sysctl.c and ipc/mq_sysctl.c; the UTS ones are
         * kernel/utsname_sysctl.c; everything under net. belongs to the network namespace. */
        if (has_prefix(name, "net."))
                return SYSCTL_SCOPE_NET;
        if (has_prefix(name, "fs.mqueue.") || has_prefix(name, "kernel.shm") ||
            has_prefix(name, "kernel.msg") || strcmp(name, "kernel.sem") == 0 ||
            strcmp(name, "kernel.sem_next_id") == 0)
                return SYSCTL_SCOPE_IPC;
        if (strcmp(name, "kernel.hostname") == 0 || strcmp(name, "kernel.domainname") == 0)
                return SYSCTL_SCOPE_UTS;
        return SYSCTL_SCOPE_NONE;
}

static bool valid_name(const char *name)
{
        if (!*name || name[0] == '.' || strchr(name, '/'))
                return false;
        for (const char *p = name; *p; p++)
                if (p[0] == '.' && (p[1] == '.' || p[1] == '\0'))
                        return false;
        return true;
}

int sysctl_validate(const struct oci_spec *spec, struct rterr *err)
{
        static const struct {
                enum sysctl_scope scope;
                enum oci_ns_type ns;
                const char *what;
        } needs[] = {
            {SYSCTL_SCOPE_NET, OCI_NS_NETWORK, "a network namespace"},
            {SYSCTL_SCOPE_IPC, OCI_NS_IPC, "an ipc namespace"},
            {SYSCTL_SCOPE_UTS, OCI_NS_UTS, "a uts namespace"},
        };
        const struct oci_kvs *s = &spec->linux_.sysctl;
        for (size_t i = 0; i < s->n; i++) {
                const char *name = s->v[i].key;
                if (!valid_name(name))
                        return rterr_set(err, EINVAL, "linux.sysctl.%s: not a sysctl name", name);
                if (strcmp(name, "kernel.hostname") == 0)
                        return rterr_set(err, EINVAL,
                                         "linux.sysctl.kernel.hostname: conflicts with the "
                                         "hostname field, set that instead");
                enum sysctl_scope scope = sysctl_scope_of(name);
                if (scope == SYSCTL_SCOPE_NONE)
                        return rterr_set(err, EINVAL,
                                         "linux.sysctl.%s: not namespaced, a container may not "
                                         "set it",
                                         name);
                for (size_t j = 0; j < sizeof(needs) / sizeof(needs[0]); j++)
                        if (needs[j].scope == scope && !oci_namespace_get(spec, needs[j].ns))
                                return rterr_set(err, EINVAL,
                                                 "linux.sysctl.%s: needs %s in "
                                                 "linux.namespaces",
                                                 name, needs[j].what);
        }
        return 0;
}

/* Whether this process is in the same `ns` namespace (e.g. "net") as pid 1 of the mounted
 * /proc, the host's: rootfs set-up has not replaced /proc yet when sysctls are applied. */
static bool shares_host_ns(const char *ns)
{
        char self[64], host[64];
        struct stat a, b;
        snprintf(self, sizeof(self), "/proc/self/ns/%s", ns);
        snprintf(host, sizeof(host), "/proc/1/ns/%s", ns);
        return stat(self, &a) == 0 && stat(host, &b) == 0 && a.st_ino == b.st_ino &&
               a.st_dev == b.st_dev;
}

/* The run-time form of sysctl_validate: a sysctl is only written into a namespace of the
 * container's own, never into the host's (a joined namespace path may be the host's). */
static int check_namespace(const char *name, struct rterr *err)
{
        static const char *const ns_of[] = {
            [SYSCTL_SCOPE_NET] = "net", [SYSCTL_SCOPE_IPC] = "ipc", [SYSCTL_SCOPE_UTS] = "uts"};
        enum sysctl_scope scope = sysctl_scope_of(name);
        if (scope == SYSCTL_SCOPE_NONE)
                return rterr_set(err, EINVAL,
                                 "linux.sysctl.%s: not namespaced, a container may not set it",
                                 name);
        if (shares_host_ns(ns_of[scope]))
                return rterr_set(err, EINVAL,
                                 "linux.sysctl.%s: the container shares the host's %s namespace",
                                 name, ns_of[scope]);
        return 0;
}

int sysctl_apply(const struct oci_kvs *sysctl, struct rterr *err)
{
        _cleanup_close_ int dir = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (sysctl->n && dir < 0)
                return rterr_errno(err, "open /proc/sys");
        for (size_t i = 0; i < sysctl->n; i++) {
                const char *name = sysctl->v[i].key;
                if (!valid_name(name))
                        return rterr_set(err, EINVAL, "linux.sysctl.%s: not a sysctl name", name);
                if (check_namespace(name, err) < 0)
                        return -1;
                char path[512];
                snprintf(path, sizeof(path), "%s", name);
                for (char *p = path; *p; p++)
                        if (*p == '.')
                                *p = '/';
                if (write_file_at(dir, path, sysctl->v[i].value, err) < 0)
                        return rterr_wrap(err, "linux.sysctl.%s", name);
        }
        return 0;
}
