#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "runtime/setup.h"

/* After setuid to a non-zero uid the effective set is empty (capabilities(7), "Effect of user
 * ID changes"); dropping the bounding set needs CAP_SETPCAP effective, so raise E to P. */
static int raise_effective(struct rterr *err)
{
        cap_t c = cap_get_proc();
        if (!c)
                return rterr_errno(err, "capabilities: cap_get_proc");
        int rc = cap_fill(c, CAP_EFFECTIVE, CAP_PERMITTED) < 0 || cap_set_proc(c) < 0 ? -1 : 0;
        int saved = errno;
        cap_free(c);
        return rc < 0 ? rterr_sys(err, saved, "capabilities: raise effective") : 0;
}

static int drop_bounding(uint64_t keep, cap_value_t last, struct rterr *err)
{
        for (cap_value_t c = 0; c <= last; c++) {
                if (keep & (1ULL << c))
                        continue;
                if (cap_drop_bound(c) < 0 && errno != EINVAL)
                        return rterr_errno(err, "process.capabilities.bounding: drop %s",
                                           oci_cap_name(c) ? oci_cap_name(c) : "?");
        }
        return 0;
}

static int set_sets(const struct oci_capabilities *caps, cap_value_t last, struct rterr *err)
{
        cap_t c = cap_init();
        if (!c)
                return rterr_errno(err, "capabilities: cap_init");
        struct {
                cap_flag_t flag;
                uint64_t bits;
        } sets[] = {{CAP_EFFECTIVE, caps->effective},
                    {CAP_PERMITTED, caps->permitted},
                    {CAP_INHERITABLE, caps->inheritable}};
        int rc = 0;
        for (size_t s = 0; rc == 0 && s < 3; s++)
                for (cap_value_t v = 0; rc == 0 && v <= last; v++)
                        if (sets[s].bits & (1ULL << v))
                                rc = cap_set_flag(c, sets[s].flag, 1, &v, CAP_SET);
        if (rc == 0)
                rc = cap_set_proc(c);
        int saved = errno;
        cap_free(c);
        if (rc < 0)
                return rterr_sys(err, saved,
                                 "process.capabilities: set effective/permitted/inheritable");
        return 0;
}

static int raise_ambient(uint64_t ambient, cap_value_t last, struct rterr *err)
{
        if (cap_reset_ambient() < 0 && errno != EINVAL)
                return rterr_errno(err, "process.capabilities.ambient: reset");
        for (cap_value_t v = 0; v <= last; v++) {
                if (!(ambient & (1ULL << v)))
                        continue;
                /* EPERM: the capability is not both permitted and inheritable (PR_CAP_AMBIENT). */
                if (cap_set_ambient(v, CAP_SET) < 0 && errno != EINVAL)
                        return rterr_errno(err,
                                           "process.capabilities.ambient: raise %s (it must "
                                           "also be permitted and inheritable)",
                                           oci_cap_name(v) ? oci_cap_name(v) : "?");
        }
        return 0;
}

int caps_apply(const struct oci_process *p, struct rterr *err)
{
        const struct oci_capabilities *caps = &p->capabilities;
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return rterr_errno(err, "process.noNewPrivileges: prctl");
        /* Capabilities the running kernel does not know are ignored, as runc does. */
        cap_value_t last = (cap_value_t)cap_max_bits() - 1;
        if (last > 63)
                last = 63;
        struct oci_capabilities none = {0};
        if (!caps->set)
                caps = &none;
        if (raise_effective(err) < 0 || drop_bounding(caps->bounding, last, err) < 0 ||
            set_sets(caps, last, err) < 0 || raise_ambient(caps->ambient, last, err) < 0)
                return -1;
        return 0;
}
