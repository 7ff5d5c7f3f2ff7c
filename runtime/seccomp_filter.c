#include "runtime/seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <string.h>

uint32_t seccomp_action(enum oci_seccomp_action a, const oci_opt_u64 *errno_ret)
{
        uint16_t e = errno_ret && errno_ret->set ? (uint16_t)errno_ret->v : EPERM;
        switch (a) {
        case OCI_SCMP_KILL:
        case OCI_SCMP_KILL_THREAD:
                return SCMP_ACT_KILL_THREAD;
        case OCI_SCMP_KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
        case OCI_SCMP_TRAP:
                return SCMP_ACT_TRAP;
        case OCI_SCMP_ERRNO:
                return SCMP_ACT_ERRNO(e);
        case OCI_SCMP_TRACE:
                return SCMP_ACT_TRACE(e);
        case OCI_SCMP_LOG:
                return SCMP_ACT_LOG;
        case OCI_SCMP_NOTIFY:
                return SCMP_ACT_NOTIFY;
        case OCI_SCMP_ALLOW:
        default:
                return SCMP_ACT_ALLOW;
        }
}

uint32_t seccomp_arch(const char *name)
{
        static const struct {
                const char *name;
                uint32_t arch;
        } archs[] = {
            {"SCMP_ARCH_X86", SCMP_ARCH_X86},
            {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
            {"SCMP_ARCH_X32", SCMP_ARCH_X32},
            {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
            {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
            {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
            {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
            {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
            {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
            {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
            {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
            {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
            {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
            {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
            {"SCMP_ARCH_S390", SCMP_ARCH_S390},
            {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
            {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
            {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
            {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
        };
        for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++)
                if (strcmp(name, archs[i].name) == 0)
                        return archs[i].arch;
        return 0;
}

static enum scmp_compare seccomp_op(enum oci_seccomp_op op)
{
        switch (op) {
        case OCI_SCMP_CMP_NE:
                return SCMP_CMP_NE;
        case OCI_SCMP_CMP_LT:
                return SCMP_CMP_LT;
        case OCI_SCMP_CMP_LE:
                return SCMP_CMP_LE;
        case OCI_SCMP_CMP_EQ:
                return SCMP_CMP_EQ;
        case OCI_SCMP_CMP_GE:
                return SCMP_CMP_GE;
        case OCI_SCMP_CMP_GT:
                return SCMP_CMP_GT;
        case OCI_SCMP_CMP_MASKED_EQ:
        default:
                return SCMP_CMP_MASKED_EQ;
        }
}

static int set_flag(scmp_filter_ctx ctx, const char *flag, size_t i, struct rterr *err)
{
        enum scmp_filter_attr attr;
        if (strcmp(flag, "SECCOMP_FILTER_FLAG_LOG") == 0)
                attr = SCMP_FLTATR_CTL_LOG;
        else if (strcmp(flag, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                attr = SCMP_FLTATR_CTL_SSB;
#ifdef SCMP_FLTATR_CTL_WAITKILL
        else if (strcmp(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
                attr = SCMP_FLTATR_CTL_WAITKILL;
#endif
        else
                return rterr_set(err, EINVAL,
                                 "linux.seccomp.flags[%zu]: %s is not supported (by this "
                                 "libseccomp %u.%u)",
                                 i, flag, seccomp_version()->major, seccomp_version()->minor);
        int rc = seccomp_attr_set(ctx, attr, 1);
        if (rc < 0)
                return rterr_sys(err, -rc, "linux.seccomp.flags[%zu]: %s", i, flag);
        return 0;
}

/* The args of one rule. Conditions on distinct argument indexes must all hold (one rule,
 * AND). Several conditions on the same index cannot all be expressed in one libseccomp rule,
 * so then each condition becomes its own rule (OR), the behaviour runtimes share. */
static int add_rule(scmp_filter_ctx ctx, int nr, uint32_t act, const struct oci_seccomp_rule *r,
                    struct rterr *err, const char *name)
{
        struct scmp_arg_cmp cmp[6];
        bool same_index = false;
        unsigned seen = 0;
        if (r->n_args > 6)
                return rterr_set(err, EINVAL, "linux.seccomp: %s: more than 6 args", name);
        for (size_t i = 0; i < r->n_args; i++) {
                const struct oci_seccomp_arg *a = &r->args[i];
                if (a->index > 5)
                        return rterr_set(err, EINVAL, "linux.seccomp: %s: arg index %u > 5", name,
                                         a->index);
                same_index |= (seen >> a->index) & 1;
                seen |= 1u << a->index;
                cmp[i] = (struct scmp_arg_cmp){.arg = a->index,
                                               .op = seccomp_op(a->op),
                                               .datum_a = a->value,
                                               .datum_b = a->value_two};
        }
        int rc = 0;
        if (!same_index)
                rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)r->n_args, cmp);
        for (size_t i = 0; same_index && rc == 0 && i < r->n_args; i++)
                rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]);
        if (rc < 0)
                return rterr_sys(err, -rc, "linux.seccomp: add rule for %s", name);
        return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct oci_seccomp *s, uint32_t def,
                     struct rterr *err)
{
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_rule *r = &s->syscalls[i];
                uint32_t act = seccomp_action(r->action, &r->errno_ret);
                /* libseccomp refuses a rule whose action is the default one; it is a no-op. */
                if (act == def)
                        continue;
                for (size_t j = 0; j < r->names.n; j++) {
                        int nr = seccomp_syscall_resolve_name(r->names.v[j]);
                        if (nr == __NR_SCMP_ERROR)
                                continue;
                        if (add_rule(ctx, nr, act, r, err, r->names.v[j]) < 0)
                                return rterr_wrap(err, "linux.seccomp.syscalls[%zu]", i);
                }
        }
        return 0;
}

int seccomp_build(const struct oci_seccomp *s, scmp_filter_ctx *out, struct rterr *err)
{
        uint32_t def = seccomp_action(s->default_action, &s->default_errno_ret);
        scmp_filter_ctx ctx = seccomp_init(def);
        if (!ctx)
                return rterr_set(err, EINVAL, "linux.seccomp.defaultAction: seccomp_init failed");
        int rc;
        /* no_new_privs is process.noNewPrivileges' business, not the filter's; and a failed
         * load should report the kernel's errno, not libseccomp's ECANCELED. */
        if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
            (rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0) {
                seccomp_release(ctx);
                return rterr_sys(err, -rc, "linux.seccomp: set the filter attributes");
        }
        for (size_t i = 0; i < s->architectures.n; i++) {
                uint32_t arch = seccomp_arch(s->architectures.v[i]);
                if (!arch) {
                        seccomp_release(ctx);
                        return rterr_set(err, EINVAL,
                                         "linux.seccomp.architectures[%zu]: unknown %s", i,
                                         s->architectures.v[i]);
                }
                rc = seccomp_arch_add(ctx, arch);
                if (rc < 0 && rc != -EEXIST) {
                        seccomp_release(ctx);
                        return rterr_sys(err, -rc, "linux.seccomp.architectures[%zu]: %s", i,
                                         s->architectures.v[i]);
                }
        }
        for (size_t i = 0; i < s->flags.n; i++) {
                if (set_flag(ctx, s->flags.v[i], i, err) < 0) {
                        seccomp_release(ctx);
                        return -1;
                }
        }
        if (add_rules(ctx, s, def, err) < 0) {
                seccomp_release(ctx);
                return -1;
        }
        *out = ctx;
        return 0;
}
