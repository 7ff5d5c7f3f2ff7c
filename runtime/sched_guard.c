/* See sched_guard.h. seccomp cannot read sched_setattr's struct sched_attr (a pointer), so
 * sched_setattr is refused whatever it asks; SCHED_OTHER, BATCH and IDLE stay reachable through
 * sched_setscheduler, nice and setpriority, whose policy argument the filter can compare. */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <string.h>
#include <sys/resource.h>

#include "common/common.h"
#include "runtime/sched_guard.h"
/* SCHED_RESET_ON_FORK may be or'ed into sched_setscheduler's policy; the kernel reads an int,
 * so the upper half of the 64-bit argument is ignored too. */
#define POLICY_MASK 0xbfffffffULL

static const char *annotation(const struct oci_kvs *a, const char *key)
{
        for (size_t i = 0; a && i < a->n; i++)
                if (strcmp(a->v[i].key, key) == 0)
                        return a->v[i].value;
        return NULL;
}

/* The other ABIs this CPU runs (x86_64: i386 through int 0x80, and x32): a filter that only
 * knew the native numbers would let sched_setattr through the compat entry. */
static int add_compat_arches(scmp_filter_ctx ctx)
{
        static const uint32_t x86_64_compat[] = {SCMP_ARCH_X86, SCMP_ARCH_X32};
        static const uint32_t aarch64_compat[] = {SCMP_ARCH_ARM};
        const uint32_t *v = NULL;
        size_t n = 0;
        if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
                v = x86_64_compat;
                n = 2;
        } else if (seccomp_arch_native() == SCMP_ARCH_AARCH64) {
                v = aarch64_compat;
                n = 1;
        }
        for (size_t i = 0; i < n; i++) {
                int rc = seccomp_arch_add(ctx, v[i]);
                if (rc < 0 && rc != -EEXIST)
                        return rc;
        }
        return 0;
}

static int build(scmp_filter_ctx ctx)
{
        const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
        static const uint64_t rt_policies[] = {SCHED_FIFO, SCHED_RR, SCHED_DEADLINE};
        int rc;
        /* Not no_new_privs: that would change what the container's setuid programs do. The
         * caller holds CAP_SYS_ADMIN, which seccomp(2) then requires instead. */
        if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
            /* An ABI the filter does not know (compat ABIs of other CPUs than x86_64 and
             * arm64) passes: libseccomp's default would kill the process. */
            (rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW)) < 0 ||
            (rc = add_compat_arches(ctx)) < 0 ||
            (rc = seccomp_rule_add(ctx, deny, SCMP_SYS(sched_setattr), 0)) < 0 ||
            (rc = seccomp_rule_add(ctx, deny, SCMP_SYS(sched_setparam), 0)) < 0)
                return rc;
        for (size_t i = 0; i < sizeof(rt_policies) / sizeof(rt_policies[0]); i++)
                if ((rc = seccomp_rule_add(
                         ctx, deny, SCMP_SYS(sched_setscheduler), 1,
                         SCMP_A1(SCMP_CMP_MASKED_EQ, POLICY_MASK, rt_policies[i]))) < 0)
                        return rc;
        return 0;
}

/* sched(7): a real-time policy needs CAP_SYS_NICE, or (FIFO/RR only) a non-zero RLIMIT_RTPRIO.
 * A process whose bounding set lacks CAP_SYS_NICE can never hold it, and one whose hard
 * RLIMIT_RTPRIO is 0 can never raise it: the kernel refuses it real-time scheduling already.
 * Called after rlimits_apply, so the limit read here is the container's. */
static bool can_ask_for_rt(const struct oci_process *p)
{
        if (p->capabilities.set && (p->capabilities.bounding & (1ULL << CAP_SYS_NICE)))
                return true;
        struct rlimit rl;
        return getrlimit(RLIMIT_RTPRIO, &rl) != 0 || rl.rlim_max != 0;
}

int sched_guard_apply(const struct oci_kvs *annotations, const struct oci_process *p,
                      struct rterr *err)
{
        const char *v = annotation(annotations, SCHED_GUARD_ANNOTATION);
        if (v && strcmp(v, "false") == 0)
                return 0;
        if (v && strcmp(v, "true") != 0)
                return rterr_set(err, EINVAL,
                                 "annotations[\"%s\"]: '%s' is neither \"true\" nor \"false\"",
                                 SCHED_GUARD_ANNOTATION, v);
        if (!can_ask_for_rt(p))
                return 0;
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (ctx == NULL)
                return rterr_set(err, ENOMEM, "real-time seccomp guard: seccomp_init failed");
        int rc = build(ctx);
        if (rc == 0)
                rc = seccomp_load(ctx);
        seccomp_release(ctx);
        if (rc < 0)
                return rterr_sys(err, -rc,
                                 "real-time seccomp guard (annotation %s \"false\" opts out)",
                                 SCHED_GUARD_ANNOTATION);
        return 0;
}
