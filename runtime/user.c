#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/setup.h"

/* In a user namespace whose setgroups file says "deny" (an unprivileged map), setgroups(2)
 * fails with EPERM (user_namespaces(7)). */
static bool setgroups_allowed(bool has_userns)
{
        if (!has_userns)
                return true;
        _cleanup_free_ char *s = NULL;
        size_t len = 0;
        if (read_file_at(AT_FDCWD, "/proc/self/setgroups", &s, &len, NULL) < 0)
                return true;
        return strncmp(s, "allow", 5) == 0;
}

int user_apply(const struct oci_process *p, bool has_userns, struct rterr *err)
{
        const struct oci_user *u = &p->user;
        if (setgroups_allowed(has_userns)) {
                if (setgroups(u->n_additional_gids, (const gid_t *)u->additional_gids) < 0)
                        return rterr_errno(err, "process.user.additionalGids: setgroups");
        } else if (u->n_additional_gids) {
                return rterr_set(err, EPERM,
                                 "process.user.additionalGids: setgroups is denied in this "
                                 "user namespace");
        }
        /* Keep the permitted set across the uid change so caps_apply can set every set. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return rterr_errno(err, "prctl(PR_SET_KEEPCAPS)");
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return rterr_errno(err, "process.user.gid: setresgid %u", u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return rterr_errno(err, "process.user.uid: setresuid %u", u->uid);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return rterr_errno(err, "prctl(PR_SET_KEEPCAPS)");
        umask(u->umask.set ? (mode_t)u->umask.v : 022);
        return 0;
}
