/* process.apparmorProfile and process.selinuxLabel. Both are set through the process's own
 * /proc/thread-self/attr files and take effect at execve. A value the host cannot apply (its LSM
 * is not enabled) is refused up front with a message saying so; runc fails the same way, later
 * ("write /proc/self/attr/exec: invalid argument", "selinux is disabled"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/setup.h"

static bool apparmor_enabled(void)
{
        _cleanup_free_ char *s = NULL;
        return read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &s, NULL, NULL) ==
                   0 &&
               s[0] == 'Y';
}

static bool selinux_enabled(void)
{
        struct statfs sf;
        return statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC;
}

int lsm_check(const struct oci_process *p, struct rterr *err)
{
        if (p->apparmor_profile && p->apparmor_profile[0] && !apparmor_enabled())
                return rterr_set(err, EINVAL,
                                 "process.apparmorProfile '%s': AppArmor is not enabled on this "
                                 "host (/sys/module/apparmor/parameters/enabled)",
                                 p->apparmor_profile);
        if (p->selinux_label && p->selinux_label[0] && !selinux_enabled())
                return rterr_set(err, EINVAL,
                                 "process.selinuxLabel '%s': SELinux is not enabled on this host "
                                 "(no selinuxfs at /sys/fs/selinux)",
                                 p->selinux_label);
        return 0;
}

/* Writes val to the first of paths that exists; it must be on procfs (the container's /proc
 * could be anything else, CVE-2019-16884). */
static int write_attr(const char *const *paths, const char *val, const char *what,
                      struct rterr *err)
{
        _cleanup_close_ int fd = -1;
        const char *path = NULL;
        for (size_t i = 0; paths[i] && fd < 0; i++) {
                path = paths[i];
                fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0 && errno != ENOENT)
                        break;
        }
        if (fd < 0)
                return rterr_errno(err, "%s: open %s", what, path);
        struct statfs sf;
        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                return rterr_set(err, EPERM, "%s: %s is not on procfs", what, path);
        size_t len = strlen(val);
        if (write(fd, val, len) != (ssize_t)len)
                return rterr_errno(err, "%s: write '%s' to %s", what, val, path);
        return 0;
}

int lsm_apply(const struct oci_process *p, struct rterr *err)
{
        if (p->apparmor_profile && p->apparmor_profile[0]) {
                static const char *const paths[] = {"/proc/thread-self/attr/apparmor/exec",
                                                    "/proc/thread-self/attr/exec", NULL};
                char val[4096];
                if (snprintf(val, sizeof(val), "exec %s", p->apparmor_profile) >= (int)sizeof(val))
                        return rterr_set(err, ENAMETOOLONG, "process.apparmorProfile: too long");
                if (write_attr(paths, val, "process.apparmorProfile", err) < 0)
                        return -1;
        }
        if (p->selinux_label && p->selinux_label[0]) {
                static const char *const paths[] = {"/proc/thread-self/attr/exec", NULL};
                if (write_attr(paths, p->selinux_label, "process.selinuxLabel", err) < 0)
                        return -1;
        }
        return 0;
}
