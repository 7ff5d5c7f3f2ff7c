#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fileio.h"
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

int sysctl_apply(const struct oci_kvs *sysctl, struct rterr *err)
{
        _cleanup_close_ int dir = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (sysctl->n && dir < 0)
                return rterr_errno(err, "open /proc/sys");
        for (size_t i = 0; i < sysctl->n; i++) {
                const char *name = sysctl->v[i].key;
                if (!valid_name(name))
                        return rterr_set(err, EINVAL, "linux.sysctl.%s: not a sysctl name", name);
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
